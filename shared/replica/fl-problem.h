/* fl-problem.h — problem records (001 问题管理程序) over the change log:
 * open a problem from an incident or for a CI's recurring incidents, link
 * more incidents, move it to closure, the proposals a supervisor is shown
 * (more than three incidents of unknown cause on a CI within the site's
 * window, a closed major incident; 001 事件管理程序 6.5), and the
 * known-error list engineers search on site, offline. */
#pragma once

#include "fl-db.h"
#include "fl-workflow.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* Opens a problem from incident `work_order_id` as `by`: its title, site,
 * CI and priority (high: level 1, medium: 2, else 3) come from the
 * incident, which is linked, with its CI; a major incident's problem says
 * so as its origin.  Registered, with the next PRB reference. */
gboolean   fl_problem_open_from_incident (FlDb *db, const char *work_order_id, const char *by,
                                          char **out_id, GError **error);

/* Opens a problem for the recurring incidents of unknown cause of CI
 * `ci_id` at `now` (as fl_problem_list_proposals counts them), linking
 * each of them and the CI. */
gboolean   fl_problem_open_for_recurrence (FlDb *db, const char *ci_id, gint64 now, const char *by,
                                           char **out_id, GError **error);

/* Links incident `work_order_id` (and its CI) to problem `problem_id`. */
gboolean   fl_problem_link_incident (FlDb *db, const char *problem_id, const char *work_order_id,
                                     const char *by, GError **error);

/* Sets `values` on problem `id` as `role`/`actor`, as
 * fl_problem_check_update allows.  Reaching the
 * known error marks the problem for the known-error list. */
gboolean   fl_problem_update (FlDb *db, const char *id, FlRole role, const char *actor,
                              JsonObject *values, GError **error);

/* What calls for a problem at `now` and has none yet: reason
 * ("recurrence" or "major_incident"), ci_id, ci_code, ci_name, site_id,
 * incidents (how many of unknown cause in the CI's site's window), and for
 * a major incident work_order_id, ref and title. */
GPtrArray *fl_problem_list_proposals (FlDb *db, gint64 now, GError **error);

/* The known errors whose reference, title, root cause, workaround,
 * solution or CI code contain every word of `words` (NULL or "": all),
 * newest first: id, ref, title, status, root_cause, workaround, solution,
 * ci_code, ci_name. */
GPtrArray *fl_problem_search_known_errors (FlDb *db, const char *words, GError **error);

/* Every problem, open ones first, newest first within: id, ref, title,
 * status, priority, origin, assignee, ci_code, incidents (linked). */
GPtrArray *fl_problem_list (FlDb *db, GError **error);

/* The incidents linked to problem `id`: work_order_id, ref, title, status. */
GPtrArray *fl_problem_list_incidents (FlDb *db, const char *id, GError **error);

G_END_DECLS
