#include "fl-sync-page.h"
struct _FlSyncPage { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (FlSyncPage, fl_sync_page, GTK_TYPE_WIDGET)
static void fl_sync_page_class_init (FlSyncPageClass *klass) {}
static void fl_sync_page_init (FlSyncPage *self) {}
void fl_sync_page_set_session (FlSyncPage *self, FlSession *session, FlSyncController *sync) { }
gint64 fl_sync_page_count_attention (FlSyncPage *self) { return 0; }
