/* fl-inspections-page.h — the signed-in engineer's inspection rounds, each
 * walked CI by CI with its checklist and its progress. */
#pragma once

#include <gtk/gtk.h>

#include "fl-inspection-form.h"
#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_INSPECTIONS_PAGE (fl_inspections_page_get_type ())
G_DECLARE_FINAL_TYPE (FlInspectionsPage, fl_inspections_page, FL, INSPECTIONS_PAGE, GtkWidget)

/* Opens a round, and a CI's checklist on it (NULL: none yet). */
void              fl_inspections_page_show (FlInspectionsPage *self, const char *round_id, const char *ci_id);
GListModel       *fl_inspections_page_get_rounds (FlInspectionsPage *self);
GListModel       *fl_inspections_page_get_cis (FlInspectionsPage *self);
FlInspectionForm *fl_inspections_page_get_form (FlInspectionsPage *self);

G_END_DECLS
