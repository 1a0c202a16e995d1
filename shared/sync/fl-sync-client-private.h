/* fl-sync-client-private.h — what the files of FlSyncClient share.
 *
 * One type, one file per concern (docs/sync-engine.md):
 *   fl-sync-client.c           the type, its public API, the runs (sign-in,
 *                              sync, blob download) and the automatic sync
 *   fl-sync-client-http.c      requests over the run's transport
 *   fl-sync-client-rebase.c    applying what the server holds under pending
 *                              local changes (shadows, fl_merge_rebase)
 *   fl-sync-client-push.c      pushing the outbox and applying the answers
 *   fl-sync-client-snapshot.c  the first download (NDJSON), local changes
 *                              reapplied on top
 *   fl-sync-client-replica.c   the first download as a ready replica file
 *   fl-sync-client-pull.c      the changes since the cursor
 *   fl-sync-client-blobs.c     uploading and fetching blobs */
#pragma once

#include "fl-protocol.h"
#include "fl-record-store.h"
#include "fl-sync-client.h"

G_BEGIN_DECLS

#define API FL_PROTOCOL_PREFIX

struct _FlSyncClient
{
  GObject          parent_instance;
  FlDb            *db;
  FlTokenStore    *tokens;
  FlSyncTransport *transport;      /* set by the caller, or ... */
  FlSyncTransport *soup;           /* ... libsoup to `soup_url` */
  char            *soup_url;
  char            *blob_dir;
  guint            push_batch;
  gboolean         replica_files;  /* the first download may be a replica file */
  GMainContext    *context;        /* where signals are emitted */
  gint             busy;           /* atomic */
  GMutex           lock;           /* guards last_stats */
  FlSyncStats      last_stats;
  guint            auto_interval;
  GSource         *auto_source;
  guint            failures;
};

/* One run: a sign-in, a sync or a blob download. */
typedef enum { RUN_LOGIN, RUN_SYNC, RUN_FETCH_BLOB } RunKind;

typedef struct {
  RunKind          kind;
  FlSyncClient    *client;
  FlDb            *db;
  FlSyncTransport *transport;
  char            *server;
  char            *login;
  char            *token;
  char            *device_id;
  char            *blob_dir;
  GCancellable    *cancellable;
  gboolean         in_worker;      /* progress goes to the client's main context */
  gboolean         own_db;         /* opened for this run (async): closed after */
  FlSyncStats      stats;
  gboolean         signed_out;     /* the server refused the token */
  char            *signed_out_reason;
  gint64           last_progress;
  /* login */
  char            *password;
  char            *device_name;
  /* blob */
  char            *sha256;
  GFile           *blob_file;
} SyncRun;

/* fl-sync-client.c */
void            fl_sync_run_report_progress (SyncRun *run, FlSyncPhase phase, gint64 done, gint64 total,
                                             gboolean force);
gboolean        fl_sync_run_check_cancelled (SyncRun *run, GError **error);

/* fl-sync-client-http.c: `login` marks the sign-in request, where 401
 * means a wrong password; `bad_field` receives the field the server named. */
FlSyncResponse *fl_sync_run_send (SyncRun *run, const char *method, const char *path,
                                  const char *content_type, GBytes *body, GError **error);
gboolean        fl_sync_run_read_reply (SyncRun *run, FlSyncResponse *response, GBytes **out,
                                        GError **error);
gboolean        fl_sync_run_check_status (SyncRun *run, FlSyncResponse *response, gboolean login,
                                          char **bad_field, GError **error);
JsonNode       *fl_sync_run_request_json (SyncRun *run, const char *method, const char *path,
                                          JsonNode *body, gboolean login, char **bad_field,
                                          GError **error);
/* Sets FL_SYNC_ERROR_PROTOCOL from `cause` (consumed); returns FALSE. */
gboolean        fl_sync_protocol_error (GError **error, GError *cause);

/* fl-sync-client-rebase.c: every step that applies what the server sent
 * runs between begin and commit (one transaction, marked as applying so
 * the change log does not record it). */
gboolean        fl_sync_begin_apply (FlDb *db, GError **error);
gboolean        fl_sync_commit_apply (FlDb *db, gboolean ok, GError **error);
gboolean        fl_sync_rows_equal (JsonObject *a, JsonObject *b);
gboolean        fl_sync_rebase_row (FlDb *db, const FlTable *table, JsonObject *base, GError **error);
/* The same with the row's pending updates (FlOutboxEntry*, oldest first;
 * NULL: none) already read. */
gboolean        fl_sync_rebase_row_on (FlDb *db, const FlTable *table, JsonObject *base, GPtrArray *pending,
                                       GError **error);

/* fl-sync-client-refused.c: leaves out a row the server sent that does
 * not validate, logging and listing it (in the replica, within the
 * caller's transaction). */
gboolean        fl_sync_run_refuse_row (SyncRun *run, const char *table, const char *id,
                                        const char *reason, GError **error);

/* One step of a sync each. */
gboolean        fl_sync_run_push (SyncRun *run, GError **error);
gboolean        fl_sync_run_snapshot (SyncRun *run, GError **error);
gboolean        fl_sync_run_replica_file (SyncRun *run, GError **error);
/* After a snapshot: the new rows the server does not have come back, and
 * the waiting updates are rebased on the snapshot's rows (in the caller's
 * transaction). */
gboolean        fl_sync_reapply_local_changes (FlDb *db, GError **error);
gboolean        fl_sync_run_pull (SyncRun *run, GError **error);

/* fl-sync-client-blobs.c */
gboolean        fl_sync_is_sha256 (const char *text);
char           *fl_sync_blob_path (const char *dir, const char *sha256);
gboolean        fl_sync_run_upload_blobs (SyncRun *run, GPtrArray *entries, gboolean *rejected,
                                          GError **error);
gboolean        fl_sync_run_fetch_blob (SyncRun *run, GError **error);
gboolean        fl_sync_run_fetch_documents (SyncRun *run, GError **error);

G_END_DECLS
