#include "fl-cis-page.h"
struct _FlCisPage { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (FlCisPage, fl_cis_page, GTK_TYPE_WIDGET)
static void fl_cis_page_class_init (FlCisPageClass *klass) {}
static void fl_cis_page_init (FlCisPage *self) {}
void fl_cis_page_set_session (FlCisPage *self, FlSession *session) { }
void fl_cis_page_show (FlCisPage *self, const char *id) { }
void fl_cis_page_focus_search (FlCisPage *self) { }
