/* fl-work-order-sla.h — a work order's priority and SLA due times from its
 * impact, urgency and its site's calendar: the same computation offline in
 * a replica and on the server. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-sla.h"

G_BEGIN_DECLS

/* The calendar (coverage, time zone, holidays) of a site as stored in the
 * replica or the server's store. */
FlCalendar *fl_work_order_site_calendar (JsonObject *site, JsonObject *calendar);

/* Fills priority, response_due and resolve_due of `work_order` (a row or a
 * draft with impact, urgency, created_at and on_hold_seconds) from the
 * site's calendar and the SLA policy.  Pure: used offline and by the server. */
void        fl_work_order_derive (JsonObject *work_order, FlCalendar *calendar,
                                  const FlSlaPolicy *policy);

G_END_DECLS
