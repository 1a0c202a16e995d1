/* fl-use-part-dialog.h — records a part used on a work order: a `use`
 * movement out of the signed-in engineer's van, noted in the work log. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_USE_PART_DIALOG (fl_use_part_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlUsePartDialog, fl_use_part_dialog, FL, USE_PART_DIALOG, AdwMessageDialog)

FlUsePartDialog *fl_use_part_dialog_new (GtkWindow *parent, FlSession *session, const char *work_order_id);

/* Picks the part `part_id` (FALSE if it is not offered). */
gboolean         fl_use_part_dialog_select_part (FlUsePartDialog *self, const char *part_id);

G_END_DECLS
