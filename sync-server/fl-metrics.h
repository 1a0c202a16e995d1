/* fl-metrics.h — the server's counters in the Prometheus text format:
 * requests by route and status, a latency histogram per route and mutation
 * outcomes.  Safe to update from any thread.  (Gauges that read the store,
 * such as negative stock balances, are added by the /metrics handler.) */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FlMetrics FlMetrics;

FlMetrics *fl_metrics_new (void);
void       fl_metrics_free (FlMetrics *metrics);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMetrics, fl_metrics_free)

/* One answered request: `route` is the route's pattern ("/api/v1/sync/push"),
 * never the raw path, so the number of series stays bounded. */
void       fl_metrics_observe_request (FlMetrics *metrics, const char *route, guint status,
                                       gint64 duration_usec);

/* Mutation outcomes: "applied", "merged", "conflict", "rejected". */
void       fl_metrics_count_mutation (FlMetrics *metrics, const char *status, guint n);
/* One commit of the writer, holding `requests` pushes answered 200 (group commit). */
void       fl_metrics_count_push_commit (FlMetrics *metrics, guint requests);

/* The whole exposition text. */
char      *fl_metrics_render (FlMetrics *metrics);

G_END_DECLS
