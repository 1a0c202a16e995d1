#include "fl-inspections-page.h"
struct _FlInspectionsPage { GtkWidget parent_instance; };
G_DEFINE_FINAL_TYPE (FlInspectionsPage, fl_inspections_page, GTK_TYPE_WIDGET)
static void fl_inspections_page_class_init (FlInspectionsPageClass *klass) {}
static void fl_inspections_page_init (FlInspectionsPage *self) {}
void fl_inspections_page_set_session (FlInspectionsPage *self, FlSession *session) { }
