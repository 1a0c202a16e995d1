/* fl-problem-workflow.h — the problem procedure's rules (001 问题管理程序):
 * the states of a problem and who moves it, when recurring incidents or a
 * major incident call for one (001 事件管理程序 6.5), and the labels of its
 * values.  Pure rules over rows: the client offers and checks them offline,
 * the server checks them again. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-workflow.h"

G_BEGIN_DECLS

/* More than this many incidents of unknown cause on one CI within the
 * window (重复出现三次以上未知原因的事件) call for a problem. */
#define FL_PROBLEM_RECURRENCE_LIMIT 3
/* The window when the site sets none (site.problem_window_days). */
#define FL_PROBLEM_DEFAULT_WINDOW_DAYS 30

/* Whether `unknown_cause_incidents` on one CI within the window call for a
 * problem: more than FL_PROBLEM_RECURRENCE_LIMIT. */
gboolean    fl_problem_recurrence_exceeded (guint unknown_cause_incidents);

/* Whether the work order `wo` is a major incident (重大事件): an incident of
 * high priority that stops the business of a whole company (impact 1). */
gboolean    fl_problem_is_major_incident (JsonObject *wo);

/* Whether `role` (as `actor`) may change problem `before` into `after`:
 * supervisors (the service department manager) assign, close and cancel,
 * and only they choose the assignee; the assignee (of `before`)
 * investigates and records the known error (root cause and workaround) and
 * the solution.  A known error needs a root cause and a workaround, a
 * resolution a root cause and a solution, an assignment an assignee. */
gboolean    fl_problem_check_update (FlRole role, const char *actor, JsonObject *before,
                                     JsonObject *after, GError **error);

/* The statuses `role` (as `actor`) may move `problem` to now, into `out`
 * (at most `max`); returns how many. */
guint       fl_problem_allowed_moves (FlRole role, const char *actor, JsonObject *problem,
                                      const char **out, guint max);

const char *fl_problem_status_label_for_name (const char *status);
const char *fl_problem_origin_label_for_name (const char *origin);
const char *fl_problem_category_label_for_name (const char *category);

G_END_DECLS
