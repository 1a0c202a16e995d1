/* fl-approvals-page.h — the supervisor's queue: resolved work orders (with
 * their work log, parts used, photos, signature and satisfaction), stock
 * counts with their variance, scrap requests and CI change proposals, each
 * approved or rejected with a comment; and the open work orders to assign.
 *
 * A decision is an `approval` row carrying the version of the item the
 * supervisor saw; the server applies it when it is pushed.  If the item
 * changed in the meantime the server refuses the decision as stale: the
 * queue then says so beside the item, which shows its new state, and the
 * supervisor decides again.
 *
 * Signals: "open-file" (GFile *file) -> gboolean: a change's attached
 * document (its rollback plan, its test report) is to be shown; the
 * default handler opens it with the desktop's application for its type; a
 * handler returning TRUE opens it instead. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_APPROVALS_PAGE (fl_approvals_page_get_type ())
G_DECLARE_FINAL_TYPE (FlApprovalsPage, fl_approvals_page, FL, APPROVALS_PAGE, GtkWidget)

GtkWidget  *fl_approvals_page_new (FlSession *session);
void        fl_approvals_page_reload (FlApprovalsPage *self);

/* The items waiting for a decision (FlRecordItem; record: target_table, id,
 * version, ..., approval_state and approval_error of the last decision
 * taken here that the user has not dismissed). */
GListModel *fl_approvals_page_get_queue (FlApprovalsPage *self);
/* Open work orders to assign (FlRecordItem rows of work_order). */
GListModel *fl_approvals_page_get_assignments (FlApprovalsPage *self);

/* Shows the item `target_id` of the queue (or of the assignments). */
gboolean    fl_approvals_page_select (FlApprovalsPage *self, const char *target_id);
/* Decides on the item shown: writes the approval row (a rejection needs a
 * comment).  A stale decision of it that the server refused is dismissed. */
gboolean    fl_approvals_page_decide (FlApprovalsPage *self, gboolean approve,
                                      const char *comment, GError **error);
/* Approves every item of the queue selected, all or none; how many (0 with
 * the error when none could be). */
guint       fl_approvals_page_approve_selected (FlApprovalsPage *self, GError **error);
/* Assigns the work order shown to `login` (moving a new order to assigned). */
gboolean    fl_approvals_page_assign (FlApprovalsPage *self, const char *login, GError **error);

G_END_DECLS
