/* fl-ci.h — configuration items as the CI screens show them: search, the
 * relations between items, an item's history (with its changes and
 * problems), and proposing a correction of its record (a standard change: a
 * supervisor approves it; the server then changes the CI). */
#pragma once

#include "fl-db.h"
#include "fl-record.h"

G_BEGIN_DECLS

/* Up to `limit` items by code whose code, name, serial or location contains
 * `words` (NULL or "": every item): id, code, name, type, status, location,
 * site_name. */
GPtrArray *fl_ci_search (FlDb *db, const char *words, guint limit, GError **error);

/* The active relations of `ci_id` in both directions, its own first, then by
 * kind and code: kind, other_id, code, name, and outgoing (1: "this <kind>
 * other", 0: "other <kind> this"). */
GPtrArray *fl_ci_list_relations (FlDb *db, const char *ci_id, GError **error);

/* The 100 latest events of `ci_id`, newest first: at, what ("work_order",
 * "inspection", "ci_change_proposal", "change_record" or "problem"), target
 * (the work order or inspection round id, or the proposal's, change's or
 * problem's), title (work order, change or problem "ref title", inspection
 * outcome, or the proposed changes as JSON), detail (work order status,
 * inspector, a proposal's "status · by · reason", a change's kind, a
 * problem's origin) and status (the record's). */
GPtrArray *fl_ci_list_history (FlDb *db, const char *ci_id, GError **error);

/* Proposes that `column` of `ci_id` changes from `from` to `to` (NULL: no
 * value) for `reason`, as `by`: a standard change (fl-change.h) that waits
 * for a supervisor's approval; `out_id` is the change's.  A status move the
 * CI lifecycle does not allow is refused (FL_CI_ERROR_MOVE). */
gboolean   fl_ci_propose_change (FlDb        *db,
                                 const char  *ci_id,
                                 const char  *column,
                                 const char  *from,
                                 const char  *to,
                                 const char  *reason,
                                 const char  *by,
                                 char       **out_id,
                                 GError     **error);

G_END_DECLS
