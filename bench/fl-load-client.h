/* fl-load-client.h — one simulated device for bench-server: a signed-in
 * engineer who pushes small batches of work and pulls what others did,
 * over plain HTTP with the core's wire codec (fl-protocol.h).
 *
 * It keeps just enough of a replica in memory to send changes a real
 * client would send: the work orders, stock locations and parts it may see
 * (from a snapshot, then from pulls), so each update carries the value the
 * device last saw as its `from`.  Every request is timed; a non-2xx answer
 * or a transport error is counted as an error and the client carries on.
 *
 * One client is used from one thread at a time (its SoupSession is
 * synchronous and its own). */
#pragma once

#include <fl-protocol.h>

G_BEGIN_DECLS

#define FL_LOAD_CLIENT_ERROR (fl_load_client_error_quark ())
typedef enum {
  FL_LOAD_CLIENT_ERROR_TRANSPORT,  /* no HTTP answer at all */
  FL_LOAD_CLIENT_ERROR_STATUS,     /* an answer that is not 2xx */
  FL_LOAD_CLIENT_ERROR_ANSWER,     /* a 2xx answer the codec refuses */
  FL_LOAD_CLIENT_ERROR_BUSY,       /* 429 or 503: asked to come back after Retry-After */
} FlLoadClientError;
GQuark fl_load_client_error_quark (void);

typedef enum {
  FL_LOAD_LOGIN,
  FL_LOAD_SNAPSHOT,
  FL_LOAD_PUSH,
  FL_LOAD_PULL,
  FL_LOAD_N_REQUESTS,
} FlLoadRequest;

const char *fl_load_request_name (FlLoadRequest request);

/* What one client saw; merged over clients with fl_load_stats_add. */
typedef struct {
  GArray  *latency[FL_LOAD_N_REQUESTS];   /* gint64 usec per request, answered or not */
  GArray  *started[FL_LOAD_N_REQUESTS];   /* gint64 monotonic usec when each was sent */
  guint    errors[FL_LOAD_N_REQUESTS];
  guint    deferred[FL_LOAD_N_REQUESTS];  /* answered 429 and sent again later, as a client does */
  guint64  results[FL_RESULT_REJECTED + 1]; /* pushed mutations by outcome */
  guint64  mutations;                       /* pushed */
  guint64  pulled;                          /* changes received by pulls */
  char    *first_error;                     /* the first error's words, or NULL */
  char    *first_rejection;                 /* the first rejected mutation's reason */
} FlLoadStats;

FlLoadStats *fl_load_stats_new (void);
void         fl_load_stats_add (FlLoadStats *into, const FlLoadStats *from);
/* The q-quantile (0..1) of a request's latencies in usec; 0 when none. */
gint64       fl_load_stats_quantile (FlLoadStats *stats, FlLoadRequest request, double q);
void         fl_load_stats_free (FlLoadStats *stats);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLoadStats, fl_load_stats_free)

typedef struct _FlLoadClient FlLoadClient;

FlLoadClient *fl_load_client_new (const char *base_uri, const char *login, const char *password,
                                  guint32 seed);
void          fl_load_client_free (FlLoadClient *client);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLoadClient, fl_load_client_free)

FlLoadStats  *fl_load_client_get_stats (FlLoadClient *client);
const char   *fl_load_client_get_device_id (FlLoadClient *client);

/* POST /auth/login as a new device.  This and the snapshot, when the
 * server defers them (429: the sign-in queue of this address is full; 503:
 * every snapshot stream is busy), are sent again after the Retry-After,
 * as the sync engine does, for up to three minutes. */
gboolean      fl_load_client_login (FlLoadClient *client, GError **error);
/* GET /sync/snapshot: the cursor, and the rows the client keeps (deferred
 * as a sign-in is). */
gboolean      fl_load_client_snapshot (FlLoadClient *client, GError **error);
/* The site ids of the site rows the snapshot held. */
GPtrArray    *fl_load_client_get_site_ids (FlLoadClient *client);

/* The device's next mutation counter. */
gint64        fl_load_client_next_mid (FlLoadClient *client);
/* POST /sync/push of `mutations` (FlMutation*); the answer, or NULL. */
FlPushResponse *fl_load_client_push (FlLoadClient *client, GPtrArray *mutations, GError **error);
/* GET /sync/pull from the cursor until nothing more waits. */
gboolean      fl_load_client_pull (FlLoadClient *client, GError **error);

/* One sync round of an engineer: a push of 1 to `max_batch` mutations
 * (updates of work orders at the engineer's sites, work logs, parts used
 * on a job), then a pull.  FALSE when a request failed (counted already). */
gboolean      fl_load_client_round (FlLoadClient *client, guint max_batch, GError **error);

G_END_DECLS
