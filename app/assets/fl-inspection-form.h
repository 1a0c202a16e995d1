/* fl-inspection-form.h — the checklist of one CI on a round, built from
 * its template's items: a switch for yes/no, an entry with the limits and
 * unit for numbers (marked when out of range, refused when not a number),
 * an entry for text and a drop-down for choices.  Recording a failed inspection opens a linked
 * incident (fl_inspection_record). */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_INSPECTION_FORM (fl_inspection_form_get_type ())
G_DECLARE_FINAL_TYPE (FlInspectionForm, fl_inspection_form, FL, INSPECTION_FORM, GtkWidget)

void        fl_inspection_form_set_session (FlInspectionForm *self, FlSession *session);
/* Shows the checklist of `ci_id` on `round_id`. */
void        fl_inspection_form_load (FlInspectionForm *self, const char *round_id, const char *ci_id);
const char *fl_inspection_form_get_ci (FlInspectionForm *self);

/* The control of the item `key` (GtkSwitch, GtkEntry for a number,
 * AdwEntryRow or AdwComboRow), or NULL. */
GtkWidget  *fl_inspection_form_get_control (FlInspectionForm *self, const char *key);

G_END_DECLS
