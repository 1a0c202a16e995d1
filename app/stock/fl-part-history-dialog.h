/* fl-part-history-dialog.h — one part's ledger: every movement with when,
 * what, how many, from and to where, the serial number, why (the work
 * order, the supplier's delivery, the reason) and who; above it the part's
 * balance at each location. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_PART_HISTORY_DIALOG (fl_part_history_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlPartHistoryDialog, fl_part_history_dialog, FL, PART_HISTORY_DIALOG, AdwWindow)

GtkWidget  *fl_part_history_dialog_new (FlSession *session, const char *part_id);
/* The ledger shown, newest first (FlRecordItem rows). */
GListModel *fl_part_history_dialog_get_movements (FlPartHistoryDialog *self);

G_END_DECLS
