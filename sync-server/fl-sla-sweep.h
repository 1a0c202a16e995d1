/* fl-sla-sweep.h — the server records the SLA warnings and escalations of
 * open work orders as they happen (an sla_event row each, synced to the
 * replicas of the order's site).  The events are computed by the model
 * (fl_work_order_sla_events), the code a replica runs offline, and their
 * ids are made from what they are, so a replica that recorded one first
 * gets the very same row. */
#pragma once

#include "fl-sla.h"
#include "fl-store.h"

G_BEGIN_DECLS

/* Records every event of an open work order that has happened by `now`
 * and is not recorded yet, in transactions of a few hundred rows, so that
 * pushes never wait long behind it.  Returns how many it
 * recorded, -1 on failure. */
gint64 fl_sla_sweep (FlStore *store, gint64 now, GError **error);

/* The same for one work order (just written) of a site with `calendar`
 * and warning percents `warnings`, inside the caller's transaction: an
 * order resolved offline gets the warnings it passed. */
gint64 fl_sla_sweep_work_order (FlStore *store, JsonObject *work_order, FlCalendar *calendar,
                                const int *warnings, guint n_warnings, gint64 now, GError **error);

G_END_DECLS
