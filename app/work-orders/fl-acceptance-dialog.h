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

G_END_DECLS
