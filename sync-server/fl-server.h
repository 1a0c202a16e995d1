/* fl-server.h — the sync server's HTTP API (docs/protocol.md).
 *
 * One SoupServer with one handler per route under /api/v1, running in its
 * own GMainContext.  `fieldline-sync serve` runs it in the main thread until
 * SIGTERM or SIGINT; tests start it in a thread of its own on port 0.
 * Stopping is graceful: stop accepting, let requests in flight finish, close
 * the store. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_SERVER_ERROR (fl_server_error_quark ())
typedef enum {
  FL_SERVER_ERROR_CONFIG,   /* a bad option or configuration file */
  FL_SERVER_ERROR_LISTEN,   /* the address cannot be listened on */
  FL_SERVER_ERROR_TLS,      /* the certificate or key cannot be used */
} FlServerError;
GQuark fl_server_error_quark (void);

typedef struct {
  char   *store;             /* the store's location (fl_store_open): a SQLite file or a URI */
  char   *listen;            /* "127.0.0.1:8470", "[::1]:8470", ":8470" (all); port 0 = a free port */
  char   *tls_cert_file;     /* PEM; both or neither */
  char   *tls_key_file;
  char   *blob_dir;          /* NULL: "<SQLite file>.blobs" */
  char   *replica_dir;       /* replica files for first syncs; NULL: "<SQLite file>.replicas",
                              * or a temporary folder of this instance's */
  gsize   max_body;          /* bytes of a request body (after gzip): 1 MiB */
  guint   max_mutations;     /* per push: 500 */
  guint   max_pull;          /* rows per pull page: 1000 */
  gsize   max_blob_size;     /* bytes of one blob: 25 MiB */
  gint64  token_lifetime;    /* seconds a token lives: 30 days */
  guint   login_attempts;    /* failed logins per login and per address ... */
  guint   login_window;      /* ... within this many seconds before 429: 5 in 300 */
  gint64  max_clock_skew;    /* seconds a mutation's `at` may lie in the server's future: 600 */
  guint   max_offline_days;  /* how old a mutation's `at` may be: 30 days */
  guint   snapshot_batch;    /* rows read from the store per streamed chunk: 256 */
  guint   audit_retention_days;  /* audit entries older than this are pruned daily: 1095; 0 keeps all */
  guint   sla_sweep_seconds; /* between sweeps of the open orders for SLA events: 60; 0 = only as orders are written */
  guint   idle_timeout;      /* seconds a connection waiting on its client may make no progress: 30 */
  guint   max_connections;   /* open at once (and within the descriptor limit): 2048 */
  guint   max_connections_per_address;  /* from one client address: 256 */
  guint   snapshot_streams_per_user;    /* snapshot streams one user may run at once: 2 of 4 */
  char  **trusted_proxies;   /* addresses whose X-Forwarded-For names the client (normalised); NULL: none */
} FlServerOptions;

/* Defaults as documented above. */
void     fl_server_options_init (FlServerOptions *options);
/* Reads a key file's [server] group over the current values:
 * listen, tls_cert, tls_key, blob_dir, replica_dir, max_body, max_mutations, max_pull,
 * max_blob_size, token_lifetime, login_attempts, login_window, max_offline_days,
 * audit_retention_days, sla_sweep_seconds, idle_timeout, max_connections, max_connections_per_address,
 * snapshot_streams_per_user, trusted_proxies (addresses separated by commas). */
gboolean fl_server_options_load (FlServerOptions *options, const char *path, GError **error);
void     fl_server_options_clear (FlServerOptions *options);

/* Serves until SIGTERM or SIGINT, then stops gracefully.  Returns the exit
 * status for main() (0 after a clean stop), printing any error. */
int      fl_server_run (const FlServerOptions *options);

/* In-process server for tests and benchmarks: its own thread and
 * GMainContext.  Returns once it is listening. */
typedef struct _FlServer FlServer;

FlServer   *fl_server_start (const FlServerOptions *options, GError **error);
guint16     fl_server_get_port (FlServer *server);
/* "http://127.0.0.1:<port>" (or https) */
const char *fl_server_get_base_uri (FlServer *server);
/* Graceful stop, joins the thread and frees the server. */
void        fl_server_stop (FlServer *server);

G_END_DECLS
