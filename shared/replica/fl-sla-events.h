/* fl-sla-events.h — SLA warnings and escalations in a replica.
 *
 * The server records them (sla_event rows) as they happen; a replica
 * records the same events of its open work orders itself, with the same
 * model code (fl_work_order_sla_events) and the same ids, so that badges,
 * filters and notifications work offline.  The server's rows replace them
 * when they are pulled. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

/* Records every event of an open work order of the replica that has
 * happened by `now` and is not recorded yet.  Returns the new ones, oldest
 * first, as fl_sla_events_list() describes them; NULL on failure. */
GPtrArray  *fl_sla_events_record (FlDb *db, gint64 now, GError **error);

/* The recorded events of open work orders (of `assignee` only, unless
 * NULL), latest first: id, work_order_id, kind ("warning" | "escalation"),
 * target ("response" | "resolve"), percent, level (escalations), due, at,
 * and the order's ref, kind (as work_order_kind), title and assignee. */
GPtrArray  *fl_sla_events_list (FlDb *db, const char *assignee, GError **error);

/* For people: "Escalated to Management: the resolution time is past",
 * "90% of the response time used". */
char       *fl_sla_event_describe (JsonObject *event);

/* A list row's sla_state (fl_work_order_list_row) as a badge: "Nearing
 * breach", "Escalated: Management"; NULL for none. */
char       *fl_sla_state_describe (const char *sla_state);

G_END_DECLS
