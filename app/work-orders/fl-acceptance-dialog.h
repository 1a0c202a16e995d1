/* fl-acceptance-dialog.h — the customer accepts the work: name, a drawn
 * signature (saved as a PNG blob) and satisfaction 1-5. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_ACCEPTANCE_DIALOG (fl_acceptance_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlAcceptanceDialog, fl_acceptance_dialog, FL, ACCEPTANCE_DIALOG, AdwMessageDialog)

FlAcceptanceDialog *fl_acceptance_dialog_new (GtkWindow *parent, FlSession *session,
                                              const char *work_order_id);

/* The satisfaction choices 5 (very satisfied) .. 1 in `dropdown`, none
 * chosen: the customer chooses, nothing is chosen for them. */
void fl_satisfaction_dropdown_setup (GtkDropDown *dropdown);
/* The satisfaction chosen, 1-5, or 0 when none is. */
int  fl_satisfaction_dropdown_get_value (GtkDropDown *dropdown);

G_END_DECLS
