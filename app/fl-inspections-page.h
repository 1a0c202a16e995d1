#pragma once
#include <gtk/gtk.h>
#include "fl-session.h"
#include "fl-sync-controller.h"
G_BEGIN_DECLS
#define FL_TYPE_INSPECTIONS_PAGE (fl_inspections_page_get_type ())
G_DECLARE_FINAL_TYPE (FlInspectionsPage, fl_inspections_page, FL, INSPECTIONS_PAGE, GtkWidget)
void fl_inspections_page_set_session (FlInspectionsPage *self, FlSession *session);
G_END_DECLS
