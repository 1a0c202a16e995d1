/* fl-approvals.h — what a supervisor decides: the approval queue (resolved
 * work orders, stock counts, scrap requests, CI change proposals, submitted
 * CMDB audits), the
 * decision on one of them, and assigning open work orders.
 *
 * A decision is an `approval` row appended through the change log; the
 * server applies it (closes the order, adjusts the stock, changes the CI)
 * when it is pushed, or refuses it when the item changed meanwhile (stale). */
#pragma once

#include "fl-db.h"
#include "fl-record.h"
#include "fl-workflow.h"

G_BEGIN_DECLS

/* The queue: one row per item waiting for a decision with target_table,
 * id, version, site_id, at, who, ref, subject, place, qty, counted,
 * expected, reason, priority, kind (of a change), and the last decision taken here that the user
 * has not dismissed: approval_decision, approval_mid, approval_state (its
 * outbox state) and approval_error.  Each filter is off when NULL: ?1 one
 * target table (the kind), ?2 text anywhere in the reference, subject, place
 * or who, ?3 a site id, ?4 who did it (an engineer's or clerk's login),
 * ?5 waiting since at least (RFC 3339: older items only).  ?6 the order:
 * NULL oldest first, "newest", or "urgent" (work orders by priority, then
 * the oldest).  A submitted CMDB audit has in `counted` its items found as
 * recorded and in `expected` all the items it audited.  For list models
 * (paged).  `who_name` is `who` by display name, the login while the
 * user row is not in the replica. */
const char *fl_approvals_queue_sql (void);

/* Open work orders, unassigned first then the most urgent; ?1 not NULL:
 * unassigned only.  Columns of work_order and site_name.  For list models. */
const char *fl_approvals_assignments_sql (void);

/* Whether a decision taken here on the queue `row` is still on its way (it
 * cannot be taken again until the server answered or refused it). */
gboolean    fl_approvals_decision_waiting (JsonObject *row);

/* Approves or rejects the queue `row` as `by` (of `role`): a rejection needs
 * a `comment`; a decision the server refused is dismissed and taken again. */
gboolean    fl_approvals_decide (FlDb        *db,
                                 JsonObject  *row,
                                 FlRole       role,
                                 const char  *by,
                                 gboolean     approve,
                                 const char  *comment,
                                 GError     **error);

/* Approves every queue row of `rows` as `by`, all or none: nothing is
 * written when one of them cannot be approved, and the error names it. */
gboolean    fl_approvals_approve_all (FlDb        *db,
                                      GPtrArray   *rows,
                                      FlRole       role,
                                      const char  *by,
                                      GError     **error);

/* Assigns the work order `row` (of the assignments list) to `login`, with a
 * note in its log; a new order becomes assigned.  Nothing when it already is.
 * Only to someone fl_approvals_list_assignees offers for the order's site. */
gboolean    fl_approvals_assign (FlDb        *db,
                                 JsonObject  *row,
                                 FlRole       role,
                                 const char  *by,
                                 const char  *login,
                                 GError     **error);

/* Who an order of `site_id` can be assigned to, by name: the user rows
 * fl_workflow_check_assignee_user accepts (engineers of the site whose
 * account is in use), as the server checks it. */
GPtrArray  *fl_approvals_list_assignees (FlDb *db, const char *site_id, GError **error);

/* What a resolved work order's review shows, oldest first:
 * parts used (qty, sku, name, serial, from_code); its photos (sha256,
 * caption); its log as corrected, voided entries left out (at, author, kind,
 * minutes, text). */
GPtrArray  *fl_approvals_list_parts_used (FlDb *db, const char *work_order_id, GError **error);
GPtrArray  *fl_approvals_list_photos (FlDb *db, const char *work_order_id, GError **error);
GPtrArray  *fl_approvals_list_work_log (FlDb *db, const char *work_order_id, GError **error);

G_END_DECLS
