#include <inttypes.h>
#include "fl-sync-client-private.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fl-changelog.h"
#include "fl-ref-sequence.h"
#include "fl-replica-schema.h"
#include "fl-soup-transport.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-sync-error-quark, fl_sync_error)

#define PROGRESS_INTERVAL     (100 * 1000)               /* usec between progress reports */
#define SCHEDULE_DELAY        3                          /* seconds: quick edits go in one push */

enum { SIGNAL_PROGRESS, N_SIGNALS };
static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (FlSyncClient, fl_sync_client, G_TYPE_OBJECT)

gboolean
fl_sync_error_is_transient (const GError *error)
{
  return error != NULL && error->domain == FL_SYNC_ERROR &&
         (error->code == FL_SYNC_ERROR_NETWORK || error->code == FL_SYNC_ERROR_SERVER);
}

double
fl_sync_backoff_delay (guint failures, double jitter)
{
  double delay = 2.0;
  for (guint i = 1; i < failures && delay < 300.0; i++)
    delay *= 2.0;
  delay = MIN (delay, 300.0);
  return delay * (0.8 + 0.4 * CLAMP (jitter, 0.0, 1.0));
}

double
fl_sync_retry_delay (guint failures, guint retry_after, double jitter)
{
  if (retry_after == 0)
    return fl_sync_backoff_delay (failures, jitter);
  return retry_after * (1.0 + 0.5 * CLAMP (jitter, 0.0, 1.0));
}

static void
sync_run_free (SyncRun *run)
{
  g_clear_object (&run->client);
  if (run->own_db && run->db != NULL)
    fl_db_close (run->db);
  g_clear_object (&run->db);
  g_clear_object (&run->transport);
  g_free (run->server);
  g_free (run->login);
  g_free (run->token);
  g_free (run->device_id);
  g_free (run->blob_dir);
  g_clear_object (&run->cancellable);
  g_free (run->signed_out_reason);
  if (run->password != NULL)
    memset (run->password, 0, strlen (run->password));
  g_free (run->password);
  g_free (run->device_name);
  g_free (run->sha256);
  g_clear_object (&run->blob_file);
  g_free (run);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (SyncRun, sync_run_free)

typedef struct {
  FlSyncClient *client;
  FlSyncPhase   phase;
  gint64        done, total;
} ProgressReport;

static gboolean
emit_progress_in_context (gpointer data)
{
  ProgressReport *report = data;
  g_signal_emit (report->client, signals[SIGNAL_PROGRESS], 0, report->phase, report->done, report->total);
  return G_SOURCE_REMOVE;
}

static void
progress_report_free (gpointer data)
{
  ProgressReport *report = data;
  g_object_unref (report->client);
  g_free (report);
}

void
fl_sync_run_report_progress (SyncRun *run, FlSyncPhase phase, gint64 done, gint64 total, gboolean force)
{
  gint64 now = g_get_monotonic_time ();
  if (!force && now - run->last_progress < PROGRESS_INTERVAL)
    return;
  run->last_progress = now;
  if (!run->in_worker)
    {
      g_signal_emit (run->client, signals[SIGNAL_PROGRESS], 0, phase, done, total);
      return;
    }
  ProgressReport *report = g_new0 (ProgressReport, 1);
  report->client = g_object_ref (run->client);
  report->phase = phase;
  report->done = done;
  report->total = total;
  g_main_context_invoke_full (run->client->context, G_PRIORITY_DEFAULT, emit_progress_in_context,
                              report, progress_report_free);
}

gboolean
fl_sync_run_check_cancelled (SyncRun *run, GError **error)
{
  return !g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

/* ---- the runs ---- */

static gboolean
run_sync (SyncRun *run, GError **error)
{
  if (run->token == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT,
                   _("Not signed in: sign in to the sync server first; your local data is kept"));
      return FALSE;
    }
  if (run->device_id == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED,
                   _("This replica has no device yet: sign in to the sync server first"));
      return FALSE;
    }
  g_autofree char *cursor = fl_db_get_meta (run->db, FL_META_CURSOR);
  if ((cursor == NULL && !fl_sync_run_snapshot (run, error)) ||
              !fl_sync_run_push (run, error) ||
              !fl_sync_run_pull (run, error) ||
              !fl_sync_run_fetch_documents (run, error))
    return FALSE;
  g_autofree char *now = fl_time_format (fl_time_now ());
  return fl_db_set_meta (run->db, FL_META_LAST_SYNC, now, error);
}

static gboolean
run_login (SyncRun *run, GError **error)
{
  FlDb *db = run->db;
  /* Another user's unsent changes must not be pushed under this login. */
  g_autofree char *old_login = fl_db_get_meta (db, FL_META_LOGIN);
  g_autofree char *old_server = fl_db_get_meta (db, FL_META_SERVER_URL);
  gboolean other_account = (old_login != NULL && g_strcmp0 (old_login, run->login) != 0) ||
                           (old_server != NULL && g_strcmp0 (old_server, run->server) != 0);
  if (other_account)
    {
      gint64 pending = fl_changelog_pending_count (db, error);
      if (pending < 0)
        return FALSE;
      if (pending > 0)
        {
          g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED,
                       ngettext ("This replica holds %" PRId64 " change by %s at %s that was not sent yet; "
                                 "sign in as %s to send it first",
                                 "This replica holds %" PRId64 " changes by %s at %s that were not sent yet; "
                                 "sign in as %s to send them first", pending),
                       pending, old_login, old_server, old_login);
          return FALSE;
        }
    }

  fl_sync_run_report_progress (run, FL_SYNC_PHASE_SIGN_IN, 0, 1, TRUE);
  /* Signing in again as the same account keeps the device, so the server
   * goes on recognising the mids it has already applied. */
  FlLoginRequest request = { run->login, run->password, run->device_name,
                             other_account ? NULL : run->device_id };
  g_autoptr(JsonNode) body = fl_login_request_to_json (&request);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) reply = fl_sync_run_request_json (run, "POST", API "/auth/login", body, TRUE, NULL, &local_error);
  if (reply == NULL && request.device_id != NULL &&
      g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED))
    {
      /* The device was revoked: this sign-in becomes a new device. */
      g_clear_error (&local_error);
      request.device_id = NULL;
      g_autoptr(JsonNode) again = fl_login_request_to_json (&request);
      reply = fl_sync_run_request_json (run, "POST", API "/auth/login", again, TRUE, NULL, &local_error);
    }
  if (reply == NULL)
    {
      if (g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED))
        g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED, _("Cannot sign in: %s"),
                     strstr (local_error->message, ": ") != NULL ? strstr (local_error->message, ": ") + 2
                                                                  : local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  g_autoptr(FlLoginResponse) response = fl_login_response_from_json (reply, &local_error);
  if (response == NULL)
    return fl_sync_protocol_error (error, g_steal_pointer (&local_error));

  const char *user_id = response->user != NULL ? fl_record_get_string (response->user, "id") : NULL;
  const char *role = response->user != NULL ? fl_record_get_string (response->user, "role") : NULL;
  if (!fl_db_begin (db, error))
    return FALSE;
  gboolean ok = TRUE;
  if (other_account)
    {
      /* The next sync replaces the data with what this user may see; what
       * the previous user left unresolved is theirs, not this user's. */
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, "DELETE FROM meta WHERE key = '" FL_META_CURSOR "'", error);
      g_autoptr(FlStmt) close = fl_db_prepare (db,
          "UPDATE outbox SET resolution = 'discarded', resolved_at = ? "
          "WHERE resolution IS NULL AND state IN ('conflict', 'rejected')", error);
      g_autofree char *now = fl_time_format (fl_time_now ());
      if (close != NULL)
        sqlite3_bind_text (close, 1, now, -1, SQLITE_TRANSIENT);
      ok = stmt != NULL && fl_stmt_step_done (db, stmt, error) &&
           close != NULL && fl_stmt_step_done (db, close, error);
    }
  g_autoptr(FlStmt) clear = fl_db_prepare (db, "DELETE FROM meta WHERE key = '" FL_META_SIGNED_OUT "'", error);
  ok = ok && clear != NULL && fl_stmt_step_done (db, clear, error) &&
       fl_db_set_meta (db, FL_META_SERVER_URL, run->server, error) &&
       fl_db_set_meta (db, FL_META_LOGIN, run->login, error) &&
       fl_db_set_meta (db, FL_META_DEVICE_ID, response->device_id, error) &&
       fl_db_set_meta (db, FL_META_DEVICE_CODE, response->device_code, error) &&
       (user_id == NULL || fl_db_set_meta (db, FL_META_USER_ID, user_id, error)) &&
       (role == NULL || fl_db_set_meta (db, FL_META_ROLE, role, error));
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  if (!fl_db_commit (db, error))
    return FALSE;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_SIGN_IN, 1, 1, TRUE);
  return fl_token_store_save (run->client->tokens, run->server, run->login, response->token, error);
}

/* The transport for `server`, made in the caller's thread. */
static FlSyncTransport *
transport_for (FlSyncClient *self, const char *server, GError **error)
{
  if (self->transport != NULL)
    return g_object_ref (self->transport);
  if (server == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED,
                   _("No sync server is set for this replica: sign in first"));
      return NULL;
    }
  if (self->soup == NULL || g_strcmp0 (self->soup_url, server) != 0)
    {
      g_autoptr(GError) local_error = NULL;
      FlSyncTransport *soup = fl_soup_transport_new (server, &local_error);
      if (soup == NULL)
        {
          g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED, "%s", local_error->message);
          return NULL;
        }
      g_clear_object (&self->soup);
      g_free (self->soup_url);
      self->soup = soup;
      self->soup_url = g_strdup (server);
    }
  return g_object_ref (self->soup);
}

static SyncRun *
sync_run_new (FlSyncClient *self, RunKind kind, const char *server, GCancellable *cancellable,
              GError **error)
{
  g_autoptr(SyncRun) run = g_new0 (SyncRun, 1);
  run->kind = kind;
  run->client = g_object_ref (self);
  run->db = g_object_ref (self->db);
  run->server = server != NULL ? g_strdup (server) : fl_db_get_meta (self->db, FL_META_SERVER_URL);
  run->login = fl_db_get_meta (self->db, FL_META_LOGIN);
  run->device_id = fl_db_get_meta (self->db, FL_META_DEVICE_ID);
  run->blob_dir = g_strdup (fl_sync_client_get_blob_dir (self));
  run->cancellable = cancellable != NULL ? g_object_ref (cancellable) : NULL;
  run->transport = transport_for (self, run->server, error);
  if (run->transport == NULL)
    return NULL;
  return g_steal_pointer (&run);
}

/* Runs in the worker thread (async) or the caller's (sync). */
static gboolean
sync_run_execute (SyncRun *run, GError **error)
{
  if (run->in_worker && run->kind != RUN_FETCH_BLOB)
    {
      /* A connection of its own: the caller's stays free for the UI. */
      const char *path = fl_db_path (run->db);
      if (path != NULL && *path != '\0' && g_strcmp0 (path, ":memory:") != 0)
        {
          FlDb *own = fl_db_open_replica (path, error);
          if (own == NULL)
            return FALSE;
          /* What the sync writes is announced where the pages listen. */
          fl_db_announce_changes_on (own, run->db);
          g_object_unref (run->db);
          run->db = own;
          run->own_db = TRUE;
        }
    }
  gboolean ok = FALSE;
  if (run->kind != RUN_LOGIN && run->server != NULL && run->login != NULL)
    {
      run->token = fl_token_store_load (run->client->tokens, run->server, run->login, error);
      if (run->token == NULL && error != NULL && *error != NULL)
        return FALSE;
    }
  switch (run->kind)
    {
    case RUN_LOGIN:
      ok = run_login (run, error);
      break;
    case RUN_SYNC:
      ok = run_sync (run, error);
      break;
    case RUN_FETCH_BLOB:
      ok = fl_sync_run_fetch_blob (run, error);
      break;
    }
  if (run->signed_out)
    {
      /* The token is worthless now; the data and the outbox stay. */
      fl_token_store_clear (run->client->tokens, run->server, run->login, NULL);
      fl_db_set_meta (run->db, FL_META_SIGNED_OUT,
                      run->signed_out_reason != NULL ? run->signed_out_reason : "", NULL);
    }
  if (run->kind == RUN_SYNC)
    {
      g_mutex_lock (&run->client->lock);
      run->client->last_stats = run->stats;
      g_mutex_unlock (&run->client->lock);
    }
  return ok;
}

static void
run_in_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  SyncRun *run = task_data;
  FlSyncClient *self = run->client;
  GError *error = NULL;
  gboolean ok = sync_run_execute (run, &error);
  if (run->kind != RUN_FETCH_BLOB)
    g_atomic_int_set (&self->busy, 0);
  if (!ok)
    g_task_return_error (task, error);
  else if (run->kind == RUN_FETCH_BLOB)
    g_task_return_pointer (task, g_object_ref (run->blob_file), g_object_unref);
  else
    g_task_return_boolean (task, TRUE);
}

static gboolean
claim (FlSyncClient *self, GError **error)
{
  if (g_atomic_int_compare_and_exchange (&self->busy, 0, 1))
    return TRUE;
  g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_BUSY, _("A sync is already running"));
  return FALSE;
}

static void
start_async (FlSyncClient *self, SyncRun *run, GError *error, gpointer tag,
             GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tag);
  if (run == NULL)
    {
      if (!g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_BUSY) && tag != fl_sync_client_fetch_blob_async)
        g_atomic_int_set (&self->busy, 0);
      g_task_return_error (task, error);
      return;
    }
  run->in_worker = TRUE;
  g_task_set_task_data (task, run, (GDestroyNotify) sync_run_free);
  g_task_run_in_thread (task, run_in_thread);
}

/* ---- public API ---- */

static void
fl_sync_client_dispose (GObject *object)
{
  FlSyncClient *self = FL_SYNC_CLIENT (object);
  if (self->auto_source != NULL)
    {
      g_source_destroy (self->auto_source);
      g_clear_pointer (&self->auto_source, g_source_unref);
    }
  g_clear_object (&self->db);
  g_clear_object (&self->tokens);
  g_clear_object (&self->transport);
  g_clear_object (&self->soup);
  G_OBJECT_CLASS (fl_sync_client_parent_class)->dispose (object);
}

static void
fl_sync_client_finalize (GObject *object)
{
  FlSyncClient *self = FL_SYNC_CLIENT (object);
  g_free (self->soup_url);
  g_free (self->blob_dir);
  g_clear_pointer (&self->context, g_main_context_unref);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (fl_sync_client_parent_class)->finalize (object);
}

static void
fl_sync_client_class_init (FlSyncClientClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = fl_sync_client_dispose;
  object_class->finalize = fl_sync_client_finalize;

  /**
   * FlSyncClient::progress:
   * @phase: an FlSyncPhase
   * @done: rows, mutations or blobs done in this phase
   * @total: how many there are, or -1 when unknown
   *
   * Emitted at most ten times a second during a sync, in the main context
   * of the thread that created the client.
   */
  signals[SIGNAL_PROGRESS] = g_signal_new ("progress", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                           0, NULL, NULL, NULL, G_TYPE_NONE, 3,
                                           G_TYPE_UINT, G_TYPE_INT64, G_TYPE_INT64);
}

static void
fl_sync_client_init (FlSyncClient *self)
{
  g_mutex_init (&self->lock);
  self->push_batch = FL_PROTOCOL_MAX_MUTATIONS;
  self->replica_files = TRUE;
  self->context = g_main_context_ref_thread_default ();
}

FlSyncClient *
fl_sync_client_new (FlDb *db, FlTokenStore *tokens)
{
  g_return_val_if_fail (FL_IS_DB (db), NULL);
  g_return_val_if_fail (FL_IS_TOKEN_STORE (tokens), NULL);
  FlSyncClient *self = g_object_new (FL_TYPE_SYNC_CLIENT, NULL);
  self->db = g_object_ref (db);
  self->tokens = g_object_ref (tokens);
  return self;
}

FlDb *
fl_sync_client_get_db (FlSyncClient *self)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), NULL);
  return self->db;
}

void
fl_sync_client_set_transport (FlSyncClient *self, FlSyncTransport *transport)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  g_set_object (&self->transport, transport);
}

void
fl_sync_client_set_blob_dir (FlSyncClient *self, const char *dir)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  g_free (self->blob_dir);
  self->blob_dir = g_strdup (dir);
}

const char *
fl_sync_client_get_blob_dir (FlSyncClient *self)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), NULL);
  if (self->blob_dir == NULL)
    {
      const char *path = fl_db_path (self->db);
      self->blob_dir = path != NULL && *path != '\0' && g_strcmp0 (path, ":memory:") != 0
        ? g_strconcat (path, ".blobs", NULL)
        : g_build_filename (g_get_user_cache_dir (), "fieldline", "blobs", NULL);
    }
  return self->blob_dir;
}

void
fl_sync_client_set_replica_files (FlSyncClient *self, gboolean enabled)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  self->replica_files = enabled;
}

void
fl_sync_client_set_push_batch (FlSyncClient *self, guint batch)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  self->push_batch = CLAMP (batch, 1, FL_PROTOCOL_MAX_MUTATIONS);
}

const FlSyncStats *
fl_sync_client_get_last_stats (FlSyncClient *self)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), NULL);
  return &self->last_stats;
}

gboolean
fl_sync_client_is_signed_in (FlSyncClient *self)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), FALSE);
  g_autofree char *server = fl_db_get_meta (self->db, FL_META_SERVER_URL);
  g_autofree char *login = fl_db_get_meta (self->db, FL_META_LOGIN);
  if (server == NULL || login == NULL)
    return FALSE;
  g_autofree char *token = fl_token_store_load (self->tokens, server, login, NULL);
  return token != NULL;
}

static SyncRun *
login_run_new (FlSyncClient *self, const char *server_url, const char *login,
               const char *password, const char *device_name, GCancellable *cancellable,
               GError **error)
{
  if (!claim (self, error))
    return NULL;
  SyncRun *run = sync_run_new (self, RUN_LOGIN, server_url, cancellable, error);
  if (run == NULL)
    return NULL;
  g_free (run->login);
  run->login = g_strdup (login);
  run->password = g_strdup (password);
  run->device_name = g_strdup (device_name != NULL ? device_name : g_get_host_name ());
  return run;
}

void
fl_sync_client_login_async (FlSyncClient *self, const char *server_url, const char *login,
                            const char *password, const char *device_name,
                            GCancellable *cancellable, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  g_return_if_fail (server_url != NULL && login != NULL && password != NULL);
  GError *error = NULL;
  SyncRun *run = login_run_new (self, server_url, login, password, device_name, cancellable, &error);
  start_async (self, run, error, fl_sync_client_login_async, cancellable, callback, user_data);
}

gboolean
fl_sync_client_login_finish (FlSyncClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fl_sync_client_login (FlSyncClient *self, const char *server_url, const char *login,
                      const char *password, const char *device_name,
                      GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), FALSE);
  g_return_val_if_fail (server_url != NULL && login != NULL && password != NULL, FALSE);
  GError *local_error = NULL;
  g_autoptr(SyncRun) run = login_run_new (self, server_url, login, password, device_name,
                                          cancellable, &local_error);
  gboolean ok = run != NULL && sync_run_execute (run, &local_error);
  if (!g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_BUSY))
    g_atomic_int_set (&self->busy, 0);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

gboolean
fl_sync_client_logout (FlSyncClient *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), FALSE);
  g_autoptr(SyncRun) run = sync_run_new (self, RUN_SYNC, NULL, cancellable, NULL);
  if (run == NULL || run->login == NULL)
    return TRUE;
  run->token = fl_token_store_load (self->tokens, run->server, run->login, NULL);
  if (run->token != NULL)
    {
      /* Best effort: offline, the token is forgotten here and expires there. */
      g_autoptr(JsonNode) reply = fl_sync_run_request_json (run, "POST", API "/auth/logout", NULL, FALSE, NULL, NULL);
    }
  return fl_token_store_clear (self->tokens, run->server, run->login, error);
}

void
fl_sync_client_sync_async (FlSyncClient *self, GCancellable *cancellable,
                           GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  GError *error = NULL;
  SyncRun *run = claim (self, &error) ? sync_run_new (self, RUN_SYNC, NULL, cancellable, &error) : NULL;
  start_async (self, run, error, fl_sync_client_sync_async, cancellable, callback, user_data);
}

gboolean
fl_sync_client_sync_finish (FlSyncClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
fl_sync_client_sync (FlSyncClient *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), FALSE);
  if (!claim (self, error))
    return FALSE;
  GError *local_error = NULL;
  g_autoptr(SyncRun) run = sync_run_new (self, RUN_SYNC, NULL, cancellable, &local_error);
  gboolean ok = run != NULL && sync_run_execute (run, &local_error);
  g_atomic_int_set (&self->busy, 0);
  if (local_error != NULL)
    g_propagate_error (error, local_error);
  return ok;
}

/* ---- automatic sync ---- */

static void schedule_in (FlSyncClient *self, double seconds);

static void
auto_sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  FlSyncClient *self = FL_SYNC_CLIENT (source);
  g_autoptr(GError) error = NULL;
  if (fl_sync_client_sync_finish (self, result, &error))
    {
      self->failures = 0;
      schedule_in (self, self->auto_interval);
    }
  else if (fl_sync_error_is_transient (error))
    {
      self->failures++;
      g_mutex_lock (&self->lock);
      guint retry_after = self->last_stats.retry_after;
      g_mutex_unlock (&self->lock);
      /* The server's word goes even past the interval: it is busy. */
      double delay = fl_sync_retry_delay (self->failures, retry_after, g_random_double ());
      schedule_in (self, retry_after > 0 ? delay : MIN (delay, MAX (self->auto_interval, 2)));
    }
  else if (g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_BUSY))
    schedule_in (self, SCHEDULE_DELAY);
  else if (!g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT) &&
           !g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED))
    schedule_in (self, self->auto_interval);
  /* Signed out: nothing more until the next sign-in asks again. */
}

static gboolean
auto_sync_fire (gpointer user_data)
{
  FlSyncClient *self = user_data;
  g_clear_pointer (&self->auto_source, g_source_unref);
  fl_sync_client_sync_async (self, NULL, auto_sync_done, NULL);
  return G_SOURCE_REMOVE;
}

static void
schedule_in (FlSyncClient *self, double seconds)
{
  if (self->auto_source != NULL)
    {
      g_source_destroy (self->auto_source);
      g_clear_pointer (&self->auto_source, g_source_unref);
    }
  if (self->auto_interval == 0)
    return;
  self->auto_source = g_timeout_source_new ((guint) (seconds * 1000));
  g_source_set_callback (self->auto_source, auto_sync_fire, self, NULL);
  g_source_attach (self->auto_source, self->context);
}

void
fl_sync_client_set_auto_sync (FlSyncClient *self, guint interval)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  self->auto_interval = interval;
  self->failures = 0;
  schedule_in (self, MIN (interval, SCHEDULE_DELAY));
}

void
fl_sync_client_schedule (FlSyncClient *self)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  if (self->auto_interval != 0 && self->failures == 0)
    schedule_in (self, SCHEDULE_DELAY);
}

/* ---- blobs ---- */

char *
fl_sync_client_add_blob (FlSyncClient *self, GBytes *bytes, GError **error)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), NULL);
  const char *dir = fl_sync_client_get_blob_dir (self);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *path = fl_sync_blob_path (dir, sha);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_autoptr(GError) local_error = NULL;
  if (g_mkdir_with_parents (dir, 0700) != 0 ||
      (!g_file_test (path, G_FILE_TEST_IS_REGULAR) &&
       !g_file_set_contents (path, data, (gssize) size, &local_error)))
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED, _("Cannot keep the attachment in %s: %s"),
                   dir, local_error != NULL ? local_error->message : g_strerror (errno));
      return NULL;
    }
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO sync_blob (sha256, uploaded) VALUES (?, 0) ON CONFLICT (sha256) DO NOTHING", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, sha, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_done (self->db, stmt, error))
    return NULL;
  return g_steal_pointer (&sha);
}

static SyncRun *
blob_run_new (FlSyncClient *self, const char *sha256, GCancellable *cancellable, GError **error)
{
  if (!fl_sync_is_sha256 (sha256))
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED,
                   _("“%s” is not the SHA-256 of an attachment"), sha256);
      return NULL;
    }
  SyncRun *run = sync_run_new (self, RUN_FETCH_BLOB, NULL, cancellable, error);
  if (run != NULL)
    run->sha256 = g_strdup (sha256);
  return run;
}

GFile *
fl_sync_client_fetch_blob (FlSyncClient *self, const char *sha256, GCancellable *cancellable,
                           GError **error)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), NULL);
  g_autoptr(SyncRun) run = blob_run_new (self, sha256, cancellable, error);
  if (run == NULL || !sync_run_execute (run, error))
    return NULL;
  return g_object_ref (run->blob_file);
}

void
fl_sync_client_fetch_blob_async (FlSyncClient *self, const char *sha256, GCancellable *cancellable,
                                 GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (FL_IS_SYNC_CLIENT (self));
  GError *error = NULL;
  SyncRun *run = blob_run_new (self, sha256, cancellable, &error);
  start_async (self, run, error, fl_sync_client_fetch_blob_async, cancellable, callback, user_data);
}

GFile *
fl_sync_client_fetch_blob_finish (FlSyncClient *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
