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

/* The SLA policy of site `site_id` from rows of sla_policy (in any order):
 * the standard targets, overridden by the rows without a site, overridden
 * in turn by the site's own rows.  Rows of other sites are ignored. */
void        fl_work_order_site_policy (const char *site_id, GPtrArray *policy_rows,
                                       FlSlaPolicy *policy);

/* Fills priority, response_due and resolve_due of `work_order` (a row or a
 * draft with impact, urgency, created_at and on_hold_seconds) from the
 * site's calendar and the SLA policy.  Pure: used offline and by the server. */
void        fl_work_order_derive (JsonObject *work_order, FlCalendar *calendar,
                                  const FlSlaPolicy *policy);

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
