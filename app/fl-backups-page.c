#include "fl-backups-page.h"
struct _FlBackupsPage { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (FlBackupsPage, fl_backups_page, GTK_TYPE_WIDGET)
static void fl_backups_page_class_init (FlBackupsPageClass *klass) {}
static void fl_backups_page_init (FlBackupsPage *self) {}
void fl_backups_page_set_session (FlBackupsPage *self, FlSession *session) { }
