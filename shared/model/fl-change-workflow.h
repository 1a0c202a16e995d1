/* fl-change-workflow.h — the change procedure's rules (001 变更管理程序):
 * who approves each kind of change, what a major change needs before it
 * may be approved, the states from the request to the post-implementation
 * review, and the labels of its values.  Pure rules over rows, shared by
 * the client and the server. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-workflow.h"

G_BEGIN_DECLS

/* Whether `login` (with `role`) may decide on `change` now, as the server
 * has it: it must be requested; a supervisor decides a standard or a
 * general change (the department manager); a major or an emergency change
 * is decided by each member of its board (`approvers`, at least two), once
 * each; a major change is approved only with its rollback plan and its
 * test report attached as files (`rollback_plan_attachment`,
 * `test_report_attachment`).  Rejecting needs no plan. */
gboolean    fl_change_check_decision (FlRole role, const char *login, JsonObject *change,
                                      gboolean approve, GError **error);

/* Whether an approval of `change` made on version `seen` still holds: the
 * version now, or, while its board is approving, any version since the
 * first member approved (their approvals alone do not make it stale). */
gboolean    fl_change_decision_is_current (JsonObject *change, gint64 seen);

/* Records `login`'s decision (checked by fl_change_check_decision) in
 * `change`: a rejection rejects it; an approval is added to `approved_by`,
 * and once every approver needed has approved the change is approved — a
 * standard change is then implemented at once. */
void        fl_change_record_decision (JsonObject *change, const char *login, gboolean approve);

/* Whether every approver `change` needs has approved it. */
gboolean    fl_change_approvals_complete (JsonObject *change);

/* Whether `role` (as `actor`) may move change `before` to the status of
 * `after` (the row after the move): approving and rejecting are approvals
 * only; the assignee (of `before`) or a supervisor implements it (or
 * records that it failed and was rolled back); a supervisor records the
 * post-implementation review (its text required) and closes it; a major or
 * an emergency change, or one that failed, closes only once reviewed. */
gboolean    fl_change_check_move (FlRole role, const char *actor, JsonObject *before,
                                  JsonObject *after, GError **error);

/* The statuses `role` (as `actor`) may move `change` to now, into `out`
 * (at most `max`), what they need aside (a review to write); returns how
 * many. */
guint       fl_change_allowed_moves (FlRole role, const char *actor, JsonObject *change,
                                     const char **out, guint max);

/* Whether `field` of a change in status `status` may still be edited: what
 * the change is and who approves it only while it is requested; the test
 * report, the review and the assignee until it is closed (the assignee by
 * a supervisor only, see fl_change_check_move). */
gboolean    fl_change_check_field (const char *status, const char *field, GError **error);

/* Whether editing `field` of a requested change starts its approvals over. */
gboolean    fl_change_field_resets_approvals (const char *field);

const char *fl_change_kind_label_for_name (const char *kind);
/* A document a major change is approved on: "rollback_plan", "test_report". */
const char *fl_change_document_label_for_name (const char *document);
const char *fl_change_status_label_for_name (const char *status);

G_END_DECLS
