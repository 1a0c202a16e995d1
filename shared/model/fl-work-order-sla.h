/* fl-work-order-sla.h — a work order's priority and SLA due times from its
 * impact, urgency and its site's calendar: the same computation offline in
 * a replica and on the server. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-sla.h"
#include "fl-workflow.h"

G_BEGIN_DECLS

/* The calendar (coverage, time zone, holidays) of a site as stored in the
 * replica or the server's store. */
FlCalendar *fl_work_order_site_calendar (JsonObject *site, JsonObject *calendar);

/* The targets that apply to a work order of `service` (a catalogue entry
 * or contract, NULL for none) at site `site_id`, from rows of sla_policy in
 * any order.  The site's default is the standard's targets, overridden by
 * the rows without a site and without a service, overridden in turn by the
 * site's own such rows.  Rows naming `service` (for every site or this
 * one) cover it too, and among the policies covering it the shorter time
 * wins (001 事件管理程序 3.5: a catalogue time shorter than the standard's
 * is the rule).  Rows of other sites and other services never apply. */
typedef struct {
  FlSlaPolicy  policy;
  JsonObject  *response_row[FL_N_PRIORITIES];  /* the row each target came from (borrowed), */
  JsonObject  *resolve_row[FL_N_PRIORITIES];   /* NULL: the standard's */
} FlSlaChoice;

void        fl_work_order_choose_policy (const char *site_id, const char *service,
                                         GPtrArray *policy_rows, FlSlaChoice *choice);

/* A service request's level (001 服务请求管理程序 3.2): urgent when its
 * impact x urgency makes it high priority, else normal. */
typedef enum {
  FL_REQUEST_URGENT,
  FL_REQUEST_NORMAL,
} FlRequestLevel;

const char *fl_request_level_to_string (FlRequestLevel level);  /* "urgent" | "normal" */
gboolean    fl_request_level_from_string (const char *text, FlRequestLevel *level);
const char *fl_request_level_get_label (FlRequestLevel level);
const char *fl_request_level_label_for_name (const char *text);

/* Fills priority, request_level (requests only, else null), response_due
 * and resolve_due of `work_order` (a row or a draft with kind, site_id,
 * service, impact, urgency, created_at and on_hold_seconds) from the
 * site's calendar and the rows of sla_policy.  Incidents and maintenance
 * take the chosen policy's targets.  A service request takes the
 * escalation table of 001 服务请求管理程序 3.3 counted from its creation:
 * response_due is when the first line's time runs out (urgent 1 h, normal
 * 1 working day) and resolve_due the final time of the second line (2 h,
 * 2 working days; hold time extends it).  Pure: used offline and by the
 * server. */
void        fl_work_order_derive (JsonObject *work_order, FlCalendar *calendar,
                                  GPtrArray *policy_rows);
/* The same with the policy already chosen for the order's site and service
 * (fl_work_order_choose_policy): for many orders of a few services. */
void        fl_work_order_derive_chosen (JsonObject *work_order, FlCalendar *calendar,
                                         const FlSlaChoice *choice);

/* Which policy set the due times of `work_order`, for people: "Contract
 * “HIS core” at this site", "Site default", "Standard targets" ... */
char       *fl_work_order_describe_policy (JsonObject *work_order, GPtrArray *policy_rows);

/* ---- warnings and escalations ---- */

/* Where an escalation takes a work order. */
typedef enum {
  FL_ESCALATION_SECOND_LINE,      /* a request past its first line's time */
  FL_ESCALATION_INCIDENT_CHANGE,  /* a request past its final time: into the incident or change process */
  FL_ESCALATION_MANAGEMENT,       /* an incident or maintenance job past a due time (垂直升级) */
} FlEscalationLevel;

const char *fl_escalation_level_to_string (FlEscalationLevel level);
gboolean    fl_escalation_level_from_string (const char *text, FlEscalationLevel *level);
const char *fl_escalation_level_get_label (FlEscalationLevel level);
const char *fl_escalation_level_label_for_name (const char *text);

typedef enum {
  FL_SLA_TARGET_RESPONSE,  /* a request's first line */
  FL_SLA_TARGET_RESOLVE,   /* a request's final time */
} FlSlaTarget;

#define FL_SLA_MAX_WARNINGS 4

/* A threshold of a work order's SLA that was crossed before its target was
 * met: a warning at `percent` of the working time from creation to the due
 * time, or (percent 100) the escalation just after the due time, to
 * `level`: a request's first line passes it to the second line
 * ("second_line"), its final time to the incident or change process
 * ("incident_change"); an incident or a maintenance job goes up to
 * management ("management", 001 事件管理程序 3.4). */
typedef struct {
  FlSlaTarget  target;
  int          percent;
  const char  *level;  /* escalations only, static */
  gint64       due;
  gint64       at;     /* when it was crossed (the due time for an escalation) */
} FlSlaEvent;

/* The warning percents of a site (its sla_warnings, "75,90"; ascending,
 * each 1-99), 75 and 90 when it has none or they do not read. */
guint       fl_work_order_sla_warnings (JsonObject *site, int percents[FL_SLA_MAX_WARNINGS]);

/* The events of `work_order` that have happened by `now`, in order of
 * their `at`: a threshold counts when it was crossed by then and the
 * target was not met before it (a response by the first start of work, a
 * request's first line and every resolution by resolved_at; a cancelled
 * order's clocks stop at its last change), and a resolution clock on hold
 * stands still from on_hold_since.  Pure: the server records them and a
 * replica derives the same offline.  Returns an array of FlSlaEvent. */
GArray     *fl_work_order_sla_events (JsonObject *work_order, FlCalendar *calendar,
                                      const int *warnings, guint n_warnings, gint64 now);

/* The sla_event row of `event` (without the common columns), and its id:
 * made from the work order, the target and the percent, so that the server
 * and a replica recording the same event write the same row. */
JsonObject *fl_sla_event_to_row (const char *work_order_id, const FlSlaEvent *event);
char       *fl_sla_event_id (const char *work_order_id, const FlSlaEvent *event);

/* What a move of `wo` from `from` to `to` at `at` sets besides the status,
 * into `values`: responded_at on the first start of work, on_hold_since,
 * the time spent on hold (on_hold_seconds, in working time of the site's
 * `calendar`, which may be NULL unless `from` is on_hold; re-derive the due
 * times after it), resolved_at, closed_at, visited_at; a rejected
 * resolution (resolved -> in_progress) takes back resolved_at and the
 * customer's acceptance (name, time, signature, satisfaction).  Pure: the
 * client records them offline, the server sets its own. */
void        fl_work_order_lifecycle (JsonObject *wo, FlWorkOrderStatus from, FlWorkOrderStatus to,
                                     gint64 at, FlCalendar *calendar, JsonObject *values);

G_END_DECLS
