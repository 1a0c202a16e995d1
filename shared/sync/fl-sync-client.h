/* fl-sync-client.h — the client's sync engine.
 *
 * Signs in, takes the first snapshot, pushes the outbox, pulls the server's
 * changes and rebases the local changes still waiting on what it pulled;
 * uploads the blobs a mutation refers to before pushing it and fetches
 * blobs on demand.  Every step is one SQLite transaction, and the server
 * remembers each device's mutation numbers (mid), so a sync interrupted at
 * any point (network, server restart, the program killed) is simply run
 * again: nothing is lost and nothing is applied twice.  docs/sync-engine.md
 * explains the rebase rules.
 *
 * The asynchronous API runs the work in a worker thread on its own
 * connection to the replica file, so a UI never waits on the network or on
 * a 100,000-row snapshot; "progress" is emitted in the thread-default main
 * context of the caller.  The synchronous API (fl_sync_client_sync) runs in
 * the caller's thread on the caller's connection, for the CLI and tests. */
#pragma once

#include "fl-db.h"
#include "fl-outbox.h"
#include "fl-sync-transport.h"
#include "fl-token-store.h"

G_BEGIN_DECLS

#define FL_SYNC_ERROR (fl_sync_error_quark ())
typedef enum {
  FL_SYNC_ERROR_SIGNED_OUT,      /* no token, or the server refused it (expired, device revoked) */
  FL_SYNC_ERROR_NOT_CONFIGURED,  /* no server yet: sign in first */
  FL_SYNC_ERROR_NETWORK,         /* the server could not be reached or the connection broke */
  FL_SYNC_ERROR_SERVER,          /* the server failed or is busy (5xx, 429): try again later */
  FL_SYNC_ERROR_REFUSED,         /* the server refused a request (4xx); the message says why */
  FL_SYNC_ERROR_PROTOCOL,        /* a reply that does not follow the protocol */
  FL_SYNC_ERROR_CURSOR_EXPIRED,  /* 410 on pull: a new snapshot is needed (handled inside) */
  FL_SYNC_ERROR_BUSY,            /* this client is already syncing */
  FL_SYNC_ERROR_TOO_LARGE,       /* 413: a request over the server's size limit (split inside) */
} FlSyncError;
GQuark   fl_sync_error_quark (void);

/* Errors worth trying again after a pause (network, server busy). */
gboolean fl_sync_error_is_transient (const GError *error);

/* Seconds to wait before attempt `failures` + 1 after that many failures in
 * a row: 2, 4, 8 ... capped at 300, with +-20% jitter from `jitter` (0..1). */
double   fl_sync_backoff_delay (guint failures, double jitter);
/* Seconds to wait before the next attempt after `failures` transient
 * failures in a row: what the server asked (`retry_after`, from the last
 * run's stats), spread over up to half as long again by `jitter` (0-1) so
 * that clients turned away together do not come back together; when it
 * did not say, fl_sync_backoff_delay(). */
double   fl_sync_retry_delay (guint failures, guint retry_after, double jitter);

/* Replica meta keys the engine keeps. */
#define FL_META_SERVER_URL  "server_url"
#define FL_META_DEVICE_ID   "device_id"
#define FL_META_USER_ID     "user_id"
#define FL_META_LOGIN       "login"
#define FL_META_ROLE        "role"
#define FL_META_CURSOR      "cursor"
#define FL_META_LAST_SYNC   "last_sync"    /* RFC 3339 time of the last complete sync */
#define FL_META_SIGNED_OUT  "signed_out"   /* why the server refused the token, until the next sign-in */
#define FL_META_REFUSED_ROWS "refused_rows" /* JSON: the latest rows from the server this replica refused */

typedef enum {
  FL_SYNC_PHASE_SIGN_IN,
  FL_SYNC_PHASE_SNAPSHOT,  /* done: rows applied; total: rows expected or -1 */
  FL_SYNC_PHASE_DOWNLOAD,  /* the replica file: done/total bytes received (total -1: unknown) */
  FL_SYNC_PHASE_BLOBS,     /* done/total: blobs uploaded */
  FL_SYNC_PHASE_PUSH,      /* done/total: mutations pushed */
  FL_SYNC_PHASE_PULL,      /* done: changes pulled; total -1 */
} FlSyncPhase;

/* What the last sync did. */
typedef struct {
  gint64 snapshot_rows;
  gint64 replica_files;  /* first downloads taken as a ready replica file */
  gint64 pushed;      /* mutations answered by the server */
  gint64 applied;     /* ... applied or merged */
  gint64 conflicts;   /* ... with a conflict */
  gint64 rejected;    /* ... rejected */
  gint64 pulled;      /* changes pulled */
  gint64 refused;     /* pulled or snapshot rows left out as invalid (fl_sync_client_get_refused_rows) */
  gint64 blobs;       /* blobs uploaded */
  guint  requests;    /* HTTP requests made */
  guint  retry_after; /* seconds the server asked the run to wait before trying again (busy), or 0 */
} FlSyncStats;

#define FL_TYPE_SYNC_CLIENT (fl_sync_client_get_type ())
G_DECLARE_FINAL_TYPE (FlSyncClient, fl_sync_client, FL, SYNC_CLIENT, GObject)

/* A client for the replica `db`, keeping its token in `tokens`.  Blobs live
 * in "<replica>.blobs" unless fl_sync_client_set_blob_dir says otherwise. */
FlSyncClient *fl_sync_client_new (FlDb *db, FlTokenStore *tokens);

FlDb         *fl_sync_client_get_db (FlSyncClient *self);
/* The transport to use instead of libsoup to the server's URL (tests). */
void          fl_sync_client_set_transport (FlSyncClient *self, FlSyncTransport *transport);
void          fl_sync_client_set_blob_dir (FlSyncClient *self, const char *dir);
const char   *fl_sync_client_get_blob_dir (FlSyncClient *self);
/* Mutations per push request (at most FL_PROTOCOL_MAX_MUTATIONS). */
void          fl_sync_client_set_push_batch (FlSyncClient *self, guint batch);
const FlSyncStats *fl_sync_client_get_last_stats (FlSyncClient *self);
/* Whether the first download may come as a ready replica file (the
 * default) or always as the NDJSON snapshot. */
void          fl_sync_client_set_replica_files (FlSyncClient *self, gboolean enabled);

/* A row the server sent that this replica could not take (a value that
 * does not validate, such as a required field read back as null): left
 * out, so that the rest syncs and the cursor moves on, logged, and listed
 * here; a later, valid copy of the row is taken as usual. */
typedef struct {
  char   *table;
  char   *id;
  char   *reason;
  gint64  at;  /* usec, when it was refused */
} FlRefusedRow;

void          fl_refused_row_free (FlRefusedRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRefusedRow, fl_refused_row_free)
/* The latest refused rows (at most 100), oldest first: FlRefusedRow*. */
GPtrArray    *fl_sync_client_get_refused_rows (FlSyncClient *self);

/* Signed in: a token is stored for the replica's server and login. */
gboolean      fl_sync_client_is_signed_in (FlSyncClient *self);

/* Signs in at `server_url` and remembers the server, the device and its
 * code in the replica and the token in the token store.  Signing in as
 * another user than the replica's is refused while that user's changes
 * wait to be pushed; otherwise the next sync replaces the replica's data. */
void          fl_sync_client_login_async (FlSyncClient *self, const char *server_url,
                                          const char *login, const char *password,
                                          const char *device_name, GCancellable *cancellable,
                                          GAsyncReadyCallback callback, gpointer user_data);
gboolean      fl_sync_client_login_finish (FlSyncClient *self, GAsyncResult *result, GError **error);
gboolean      fl_sync_client_login (FlSyncClient *self, const char *server_url, const char *login,
                                    const char *password, const char *device_name,
                                    GCancellable *cancellable, GError **error);

/* Tells the server to end this device's token (best effort) and forgets it. */
gboolean      fl_sync_client_logout (FlSyncClient *self, GCancellable *cancellable, GError **error);

/* One complete sync: snapshot when there is no cursor yet, push the whole
 * outbox, pull until the server has nothing more. */
void          fl_sync_client_sync_async (FlSyncClient *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data);
gboolean      fl_sync_client_sync_finish (FlSyncClient *self, GAsyncResult *result, GError **error);
gboolean      fl_sync_client_sync (FlSyncClient *self, GCancellable *cancellable, GError **error);

/* Syncs every `interval` seconds (0 stops), sooner after a local change is
 * announced with fl_sync_client_schedule, and after a transient failure
 * again with exponential backoff.  Needs a main loop. */
void          fl_sync_client_set_auto_sync (FlSyncClient *self, guint interval);
/* Asks for a sync soon (a few seconds, to batch quick edits). */
void          fl_sync_client_schedule (FlSyncClient *self);

/* Keeps `bytes` as a blob of this replica (uploaded before the first
 * mutation that refers to it) and returns its SHA-256 in hex. */
char         *fl_sync_client_add_blob (FlSyncClient *self, GBytes *bytes, GError **error);
/* The local file of a blob, downloaded first when needed. */
GFile        *fl_sync_client_fetch_blob (FlSyncClient *self, const char *sha256,
                                         GCancellable *cancellable, GError **error);
void          fl_sync_client_fetch_blob_async (FlSyncClient *self, const char *sha256,
                                               GCancellable *cancellable,
                                               GAsyncReadyCallback callback, gpointer user_data);
GFile        *fl_sync_client_fetch_blob_finish (FlSyncClient *self, GAsyncResult *result,
                                                GError **error);

G_END_DECLS
