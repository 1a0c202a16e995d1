#include <inttypes.h>
#include "fl-sync-client.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fl-changelog.h"
#include "fl-ids.h"
#include "fl-merge.h"
#include "fl-protocol.h"
#include "fl-record-store.h"
#include "fl-ref-sequence.h"
#include "fl-replica-schema.h"
#include "fl-soup-transport.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-sync-error-quark, fl_sync_error)

#define API                   FL_PROTOCOL_PREFIX
#define MAX_REPLY_BYTES       (64 * 1024 * 1024)
#define MAX_PUSH_BODY         (1024 * 1024 - 16 * 1024)  /* the server's limit, with room to spare */
#define GZIP_THRESHOLD        (16 * 1024)
#define META_APPLYING         "sync_applying"            /* see fl-replica-schema.c, migration 2 */
#define PROGRESS_INTERVAL     (100 * 1000)               /* usec between progress reports */
#define SCHEDULE_DELAY        3                          /* seconds: quick edits go in one push */

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
  GMainContext    *context;        /* where signals are emitted */
  gint             busy;           /* atomic */
  GMutex           lock;           /* guards last_stats */
  FlSyncStats      last_stats;
  guint            auto_interval;
  GSource         *auto_source;
  guint            failures;
};

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

/* ---- one run: a sign-in, a sync or a blob download ---- */

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

static void
report_progress (SyncRun *run, FlSyncPhase phase, gint64 done, gint64 total, gboolean force)
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

static gboolean
check_cancelled (SyncRun *run, GError **error)
{
  return !g_cancellable_set_error_if_cancelled (run->cancellable, error);
}

/* ---- HTTP ---- */

static GBytes *
gzip_bytes (GBytes *input)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize size;
  const guint8 *data = g_bytes_get_data (input, &size);
  if (!g_output_stream_write_all (out, data, size, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

static FlSyncResponse *
send_request (SyncRun *run, const char *method, const char *path, const char *content_type,
              GBytes *body, GError **error)
{
  FlSyncRequest request = { method, path, run->token, content_type, NULL, body };
  g_autoptr(GBytes) compressed = NULL;
  if (body != NULL && g_bytes_get_size (body) > GZIP_THRESHOLD &&
      g_strcmp0 (content_type, "application/json") == 0 && (compressed = gzip_bytes (body)) != NULL)
    {
      request.body = compressed;
      request.content_encoding = "gzip";
    }
  run->stats.requests++;
  g_autoptr(GError) local_error = NULL;
  FlSyncResponse *response = fl_sync_transport_send (run->transport, &request, run->cancellable, &local_error);
  if (response != NULL)
    return response;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                 _("Cannot reach the sync server: %s"), local_error->message);
  return NULL;
}

static gboolean
read_reply (SyncRun *run, FlSyncResponse *response, GBytes **out, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  *out = fl_sync_response_read_all (response, MAX_REPLY_BYTES, run->cancellable, &local_error);
  if (*out != NULL)
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                 _("The connection to the sync server broke: %s"), local_error->message);
  return FALSE;
}

/* Turns a reply that is not 2xx into an error saying what the server said.
 * `login` marks the sign-in request, where 401 means a wrong password. */
static gboolean
check_status (SyncRun *run, FlSyncResponse *response, gboolean login, char **bad_field, GError **error)
{
  guint status = response->status;
  if (status >= 200 && status < 300)
    return TRUE;

  g_autoptr(GBytes) bytes = fl_sync_response_read_all (response, 64 * 1024, run->cancellable, NULL);
  g_autoptr(FlErrorBody) body = NULL;
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autoptr(JsonNode) node = fl_protocol_parse (data, size, NULL);
      if (node != NULL)
        body = fl_error_body_from_json (node, NULL);
    }
  const char *message = body != NULL && body->message != NULL ? body->message : NULL;
  g_autofree char *fallback = g_strdup_printf (_("HTTP status %u"), status);
  if (message == NULL)
    message = fallback;
  if (bad_field != NULL && body != NULL)
    *bad_field = g_strdup (body->field);

  if (status == 401 && !login)
    {
      run->signed_out = TRUE;
      g_free (run->signed_out_reason);
      run->signed_out_reason = g_strdup (message);
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT,
                   _("The server no longer accepts this device’s sign-in (%s). "
                     "Sign in again; your local data and unsent changes are kept."), message);
    }
  else if (status == 410)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_CURSOR_EXPIRED,
                 _("The server no longer has the changes since the last sync: %s"), message);
  else if (status == 413)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_TOO_LARGE,
                 _("The sync server refused a request as too large: %s"), message);
  else if (status == 429 || status >= 500 || status < 200)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SERVER,
                 _("The sync server is busy or failed (%s); the sync will be tried again"), message);
  else
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED,
                 _("The sync server refused the request: %s"), message);
  return FALSE;
}

/* A request with a JSON body (or none) whose 2xx reply is JSON. */
static JsonNode *
request_json (SyncRun *run, const char *method, const char *path, JsonNode *body,
              gboolean login, char **bad_field, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  if (body != NULL)
    {
      gsize length;
      char *text = fl_protocol_to_string (body, &length);
      bytes = g_bytes_new_take (text, length);
    }
  g_autoptr(FlSyncResponse) response = send_request (run, method, path,
                                                     body != NULL ? "application/json" : NULL,
                                                     bytes, error);
  if (response == NULL || !check_status (run, response, login, bad_field, error))
    return NULL;
  g_autoptr(GBytes) reply = NULL;
  if (!read_reply (run, response, &reply, error))
    return NULL;
  gsize size;
  const char *data = g_bytes_get_data (reply, &size);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = fl_protocol_parse (data, size, &local_error);
  if (node == NULL)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                 _("The sync server’s reply is not valid: %s"), local_error->message);
  return node;
}

static gboolean
protocol_error (GError **error, GError *cause)
{
  g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
               _("The sync server’s reply is not valid: %s"), cause->message);
  g_error_free (cause);
  return FALSE;
}

/* ---- rows, shadows and the rebase ----
 *
 * While local updates of a row wait to be pushed, the replica keeps the
 * server's version of the row in sync_shadow_<table> (fl-replica-schema.c)
 * and the row itself shows the shadow with the pending changes on top.
 * Whenever the engine learns something new about the server's version — a
 * pulled row, a snapshot, the answer to a push — it moves the shadow and
 * rebases the pending changes on it with fl_merge_rebase(), the same rule
 * the server merges with: a pending change whose value the server already
 * holds gets that value as `from` (the server answers `merged`); one the
 * server will refuse keeps the `from` the user saw, so the server records
 * the conflict with the true base instead of silently overwriting the other
 * side's value.  With no pending change left, the shadow becomes the row. */

static gboolean
set_applying (FlDb *db, gboolean applying, GError **error)
{
  if (applying)
    return fl_db_set_meta (db, META_APPLYING, "1", error);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "DELETE FROM meta WHERE key = '" META_APPLYING "'", error);
  return stmt != NULL && fl_stmt_step_done (db, stmt, error);
}

static gboolean
begin_apply (FlDb *db, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  if (!set_applying (db, TRUE, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

static gboolean
commit_apply (FlDb *db, gboolean ok, GError **error)
{
  if (ok && set_applying (db, FALSE, error) && fl_db_commit (db, error))
    return TRUE;
  fl_db_rollback (db);
  return FALSE;
}

static JsonObject *
load_shadow (FlDb *db, const FlTable *table, const char *id, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"sync_shadow_%s\" WHERE id = ?",
                                          fl_record_select_list (table), table->name);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    return NULL;
  return fl_record_from_stmt (table, stmt, 0);
}

static gboolean
delete_shadow (FlDb *db, const FlTable *table, const char *id, GError **error)
{
  if (table->kind != FL_TABLE_MUTABLE)
    return TRUE;
  g_autofree char *sql = g_strdup_printf ("DELETE FROM \"sync_shadow_%s\" WHERE id = ?", table->name);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (db, stmt, error);
}

/* Makes `row` the shadow: written to the model table (typed exactly as the
 * record code writes it) and copied from there; the caller then writes the
 * row to show over it, in the same transaction. */
static gboolean
write_shadow (FlDb *db, const FlTable *table, JsonObject *row, GError **error)
{
  const char *id = fl_record_get_string (row, "id");
  g_autofree char *copy = g_strdup_printf ("INSERT INTO \"sync_shadow_%s\" SELECT * FROM \"%s\" WHERE id = ?",
                                           table->name, table->name);
  if (!fl_record_store (db, table, row, NULL, error) || !delete_shadow (db, table, id, error))
    return FALSE;
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, copy, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (db, stmt, error);
}

static gboolean
rows_equal (JsonObject *a, JsonObject *b)
{
  g_autoptr(JsonNode) x = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) y = json_node_init_object (json_node_alloc (), b);
  return json_node_equal (x, y);
}

/* Writes `row` unless the replica holds exactly that already (an answered
 * push usually confirms what is shown). */
static gboolean
store_if_changed (FlDb *db, const FlTable *table, JsonObject *row, GError **error)
{
  g_autoptr(JsonObject) current = fl_record_load (db, table, fl_record_get_string (row, "id"), NULL);
  if (current != NULL && rows_equal (current, row))
    return TRUE;
  return fl_record_store (db, table, row, NULL, error);
}

/* `base` is the server's version of a mutable row; writes the row the user
 * sees (base + pending changes) and keeps the shadow while changes wait. */
static gboolean
rebase_row (FlDb *db, const FlTable *table, JsonObject *base, GError **error)
{
  const char *id = fl_record_get_string (base, "id");
  g_autoptr(GPtrArray) pending = fl_outbox_pending_updates (db, table->name, id, error);
  if (pending == NULL)
    return FALSE;
  if (pending->len == 0)
    return store_if_changed (db, table, base, error) && delete_shadow (db, table, id, error);

  g_autoptr(GPtrArray) changes = g_ptr_array_new ();
  for (guint i = 0; i < pending->len; i++)
    g_ptr_array_add (changes, ((FlOutboxEntry *) g_ptr_array_index (pending, i))->payload);
  g_autoptr(FlRebase) rebase = fl_merge_rebase (base, changes);
  if (!write_shadow (db, table, base, error) || !store_if_changed (db, table, rebase->row, error))
    return FALSE;
  for (guint i = 0; i < pending->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (pending, i);
      JsonObject *adjusted = g_ptr_array_index (rebase->changes, i);
      g_autoptr(JsonNode) before = json_node_init_object (json_node_alloc (), entry->payload);
      g_autoptr(JsonNode) after = json_node_init_object (json_node_alloc (), adjusted);
      if (!json_node_equal (before, after) && !fl_outbox_set_changes (db, entry->mid, adjusted, error))
        return FALSE;
    }
  return TRUE;
}

/* Checks and normalises a row the server sent. */
static gboolean
accept_row (const FlTable *table, JsonObject *row, GError **error)
{
  GError *local_error = NULL;
  if (fl_record_accept_pulled (table, row, &local_error))
    return TRUE;
  return protocol_error (error, local_error);
}

/* ---- the server's answers to a push ---- */

typedef struct {
  const FlTable *table;
  char          *id;
  JsonObject    *shadow;  /* NULL: the row has none (new, or gone) */
} RowWork;

static void
row_work_free (RowWork *work)
{
  g_free (work->id);
  g_clear_pointer (&work->shadow, json_object_unref);
  g_free (work);
}

/* What the server holds now for the fields of an update it answered.
 * Derived fields (a work order's priority and due times) are the server's
 * to compute: what this device sent for them is ignored there, so the
 * shadow keeps the server's values and the next pull brings any new ones. */
static void
advance_shadow (const FlTable *table, JsonObject *shadow, const FlOutboxEntry *entry,
                const FlMutationResult *result)
{
  if (result->status == FL_RESULT_REJECTED)
    return;
  g_autoptr(GList) fields = json_object_get_members (entry->payload);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      const FlColumn *column = fl_table_column (table, l->data);
      if (column == NULL || (column->flags & FL_COL_DERIVED))
        continue;
      JsonNode *value = NULL;
      for (guint i = 0; i < result->conflicts->len && value == NULL; i++)
        {
          FlConflict *conflict = g_ptr_array_index (result->conflicts, i);
          if (g_strcmp0 (conflict->field, l->data) == 0)
            value = conflict->theirs;
        }
      if (value == NULL)
        {
          JsonNode *change = json_object_get_member (entry->payload, l->data);
          if (change == NULL || !JSON_NODE_HOLDS_OBJECT (change))
            continue;
          value = json_object_get_member (json_node_get_object (change), "to");
        }
      json_object_set_member (shadow, l->data,
                              value != NULL ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
    }
}

static gboolean
apply_push_results (SyncRun *run, GPtrArray *sent, FlPushResponse *response, GError **error)
{
  FlDb *db = run->db;
  g_autoptr(GHashTable) by_mid = g_hash_table_new (g_int64_hash, g_int64_equal);
  for (guint i = 0; i < sent->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (sent, i);
      g_hash_table_insert (by_mid, &entry->mid, entry);
    }
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                      (GDestroyNotify) row_work_free);
  g_autoptr(GPtrArray) order = g_ptr_array_new ();

  if (!begin_apply (db, error))
    return FALSE;
  gboolean ok = TRUE;
  for (guint i = 0; ok && i < response->results->len; i++)
    {
      FlMutationResult *result = g_ptr_array_index (response->results, i);
      FlOutboxEntry *entry = g_hash_table_lookup (by_mid, &result->mid);
      if (entry == NULL)
        continue;
      gboolean recorded;
      if (!fl_outbox_record_result (db, result, &recorded, error))
        {
          ok = FALSE;
          break;
        }
      if (!recorded)
        continue;  /* answered before (a replayed push) */
      run->stats.pushed++;
      switch (result->status)
        {
        case FL_RESULT_APPLIED:
        case FL_RESULT_MERGED:
          run->stats.applied++;
          break;
        case FL_RESULT_CONFLICT:
          run->stats.conflicts++;
          break;
        case FL_RESULT_REJECTED:
          run->stats.rejected++;
          break;
        }
      const FlTable *table = fl_schema_lookup (entry->table);
      if (entry->op != FL_MUTATION_UPDATE || table == NULL || table->kind != FL_TABLE_MUTABLE)
        continue;
      g_autofree char *key = fl_outbox_row_key (entry->table, entry->row_id);
      RowWork *work = g_hash_table_lookup (rows, key);
      if (work == NULL)
        {
          g_autoptr(GError) local_error = NULL;
          work = g_new0 (RowWork, 1);
          work->table = table;
          work->id = g_strdup (entry->row_id);
          work->shadow = load_shadow (db, table, entry->row_id, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              row_work_free (work);
              ok = FALSE;
              break;
            }
          g_hash_table_insert (rows, g_steal_pointer (&key), work);
          g_ptr_array_add (order, work);
        }
      if (work->shadow != NULL)
        advance_shadow (table, work->shadow, entry, result);
    }
  for (guint i = 0; ok && i < order->len; i++)
    {
      RowWork *work = g_ptr_array_index (order, i);
      if (work->shadow != NULL)
        ok = rebase_row (db, work->table, work->shadow, error);
    }
  ok = ok && fl_db_check_fail_point (db, "sync-push-results", error);
  return commit_apply (db, ok, error);
}

/* ---- blobs ---- */

static gboolean
is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* The blob a mutation refers to: an attachment's bytes or a signature. */
static const char *
mutation_blob (const FlOutboxEntry *entry)
{
  if (g_strcmp0 (entry->table, "attachment") == 0)
    return fl_record_get_string (entry->payload, "sha256");
  if (g_strcmp0 (entry->table, "work_order") != 0)
    return NULL;
  if (entry->op != FL_MUTATION_UPDATE)
    return fl_record_get_string (entry->payload, "signature_blob");
  JsonNode *change = json_object_get_member (entry->payload, "signature_blob");
  if (change == NULL || !JSON_NODE_HOLDS_OBJECT (change))
    return NULL;
  return fl_record_get_string (json_node_get_object (change), "to");
}

static char *
blob_path (const char *dir, const char *sha256)
{
  return g_build_filename (dir, sha256, NULL);
}

/* Uploads the blobs `entries` name.  A blob the server refuses (too large,
 * not matching its hash) rejects the mutations that name it, here, with the
 * server's words; `rejected` says whether that happened. */
static gboolean
upload_blobs (SyncRun *run, GPtrArray *entries, gboolean *rejected, GError **error)
{
  FlDb *db = run->db;
  *rejected = FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (entries, i);
      const char *sha = mutation_blob (entry);
      if (!is_sha256 (sha))
        continue;
      gint64 uploaded = 0;
      {
        g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT uploaded FROM sync_blob WHERE sha256 = ?", error);
        gboolean has_row;
        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_text (stmt, 1, sha, -1, SQLITE_TRANSIENT);
        if (!fl_stmt_step_row (db, stmt, &has_row, error))
          return FALSE;
        uploaded = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
      }
      g_autofree char *path = blob_path (run->blob_dir, sha);
      if (uploaded || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;  /* the server has it, or it is not this replica's to send */

      char *data;
      gsize size;
      g_autoptr(GError) local_error = NULL;
      if (!g_file_get_contents (path, &data, &size, &local_error))
        {
          g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED,
                       _("Cannot read the attachment %s to upload it: %s"), path, local_error->message);
          return FALSE;
        }
      g_autoptr(GBytes) bytes = g_bytes_new_take (data, size);
      g_autofree char *request_path = g_strdup_printf (API "/sync/blobs/%s", sha);
      g_autoptr(FlSyncResponse) response = send_request (run, "PUT", request_path,
                                                         "application/octet-stream", bytes, error);
      if (response == NULL)
        return FALSE;
      g_autoptr(GError) refused = NULL;
      if (!check_status (run, response, FALSE, NULL, &refused))
        {
          if (!g_error_matches (refused, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED) &&
              !g_error_matches (refused, FL_SYNC_ERROR, FL_SYNC_ERROR_TOO_LARGE))
            {
              g_propagate_error (error, g_steal_pointer (&refused));
              return FALSE;
            }
          if (!fl_outbox_reject (db, entry->mid, refused->message, error))
            return FALSE;
          run->stats.rejected++;
          *rejected = TRUE;
          continue;
        }
      g_autoptr(GBytes) ignored = NULL;
      read_reply (run, response, &ignored, NULL);
      g_autoptr(FlStmt) mark = fl_db_prepare (db,
          "INSERT INTO sync_blob (sha256, uploaded) VALUES (?, 1) "
          "ON CONFLICT (sha256) DO UPDATE SET uploaded = 1", error);
      if (mark == NULL)
        return FALSE;
      sqlite3_bind_text (mark, 1, sha, -1, SQLITE_TRANSIENT);
      if (!fl_stmt_step_done (db, mark, error))
        return FALSE;
      run->stats.blobs++;
      report_progress (run, FL_SYNC_PHASE_BLOBS, run->stats.blobs, -1, TRUE);
    }
  return TRUE;
}

/* ---- push ---- */

/* "mutations[7].changes.impact.to" -> 7 */
static gboolean
mutation_index (const char *field, guint *out)
{
  if (field == NULL || !g_str_has_prefix (field, "mutations["))
    return FALSE;
  char *end = NULL;
  guint64 index = g_ascii_strtoull (field + strlen ("mutations["), &end, 10);
  if (end == NULL || *end != ']')
    return FALSE;
  *out = (guint) index;
  return TRUE;
}

static gboolean
run_push (SyncRun *run, GError **error)
{
  FlDb *db = run->db;
  gint64 total = fl_changelog_pending_count (db, error);
  if (total < 0)
    return FALSE;
  if (total == 0)
    return TRUE;
  guint batch = MIN (run->client->push_batch, FL_PROTOCOL_MAX_MUTATIONS);
  gint64 after = 0, done = 0;
  report_progress (run, FL_SYNC_PHASE_PUSH, 0, total, TRUE);
  for (;;)
    {
      if (!check_cancelled (run, error))
        return FALSE;
      g_autoptr(GPtrArray) entries = fl_outbox_pending (db, after, batch, error);
      if (entries == NULL)
        return FALSE;
      if (entries->len == 0)
        break;
      gboolean blob_refused;
      if (!upload_blobs (run, entries, &blob_refused, error))
        return FALSE;
      if (blob_refused)
        continue;  /* the batch again, without what was refused */

      g_autoptr(FlPushRequest) request = fl_push_request_new (run->device_id);
      for (guint i = 0; i < entries->len; i++)
        g_ptr_array_add (request->mutations, fl_outbox_entry_to_mutation (g_ptr_array_index (entries, i)));
      g_autoptr(JsonNode) body = fl_push_request_to_json (request);
      gsize length;
      g_autofree char *text = fl_protocol_to_string (body, &length);
      if (length > MAX_PUSH_BODY && entries->len > 1)
        {
          batch = MAX (1, entries->len / 2);
          continue;
        }

      g_autofree char *bad_field = NULL;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) reply = request_json (run, "POST", API "/sync/push", body, FALSE,
                                                &bad_field, &local_error);
      if (reply == NULL)
        {
          guint index;
          if (g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED) &&
              mutation_index (bad_field, &index) && index < entries->len)
            {
              /* The server refuses the whole request for one bad mutation:
               * that one is rejected here with the server's words, the rest
               * goes again. */
              FlOutboxEntry *entry = g_ptr_array_index (entries, index);
              if (!fl_outbox_reject (db, entry->mid, local_error->message, error))
                return FALSE;
              run->stats.rejected++;
              continue;
            }
          if (g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_TOO_LARGE))
            {
              if (entries->len > 1)
                {
                  batch = MAX (1, entries->len / 2);
                  continue;
                }
              FlOutboxEntry *entry = g_ptr_array_index (entries, 0);
              if (!fl_outbox_reject (db, entry->mid, local_error->message, error))
                return FALSE;
              run->stats.rejected++;
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_autoptr(FlPushResponse) response = fl_push_response_from_json (reply, &local_error);
      if (response == NULL)
        return protocol_error (error, g_steal_pointer (&local_error));
      if (!fl_db_check_fail_point (db, "sync-push-sent", error) ||
          !apply_push_results (run, entries, response, error))
        return FALSE;
      after = ((FlOutboxEntry *) g_ptr_array_index (entries, entries->len - 1))->mid;
      done += entries->len;
      report_progress (run, FL_SYNC_PHASE_PUSH, MIN (done, total), total, FALSE);
    }
  report_progress (run, FL_SYNC_PHASE_PUSH, total, total, TRUE);
  return TRUE;
}

/* ---- snapshot ---- */

static gboolean
wipe_model (FlDb *db, GError **error)
{
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = n_tables; i-- > 0;)
    {
      g_autofree char *sql = tables[i]->kind == FL_TABLE_MUTABLE
        ? g_strdup_printf ("DELETE FROM \"%s\"; DELETE FROM \"sync_shadow_%s\";", tables[i]->name, tables[i]->name)
        : g_strdup_printf ("DELETE FROM \"%s\";", tables[i]->name);
      if (!fl_db_exec (db, sql, error))
        return FALSE;
    }
  return fl_db_exec (db, "DELETE FROM stock_balance;", error);
}

/* After a snapshot: the new rows the server does not have (waiting, or
 * refused and not yet discarded) come back, and the waiting updates are
 * rebased on the snapshot's rows. */
static gboolean
reapply_local_changes (FlDb *db, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT mid FROM outbox WHERE op IN ('insert', 'append') "
      "AND (state = 'pending' OR (state = 'rejected' AND resolution IS NULL)) ORDER BY mid", error);
  if (stmt == NULL)
    return FALSE;
  g_autoptr(GArray) mids = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      gint64 mid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (mids, mid);
    }
  for (guint i = 0; i < mids->len; i++)
    {
      g_autoptr(FlOutboxEntry) entry = fl_outbox_get (db, g_array_index (mids, gint64, i), error);
      if (entry == NULL)
        return FALSE;
      const FlTable *table = fl_schema_lookup (entry->table);
      if (table == NULL)
        continue;
      g_autoptr(JsonObject) row = json_object_new ();
      g_autofree char *at = fl_time_format (entry->at);
      json_object_set_string_member (row, "id", entry->row_id);
      json_object_set_string_member (row, "version", "1");
      json_object_set_string_member (row, "created_at", at);
      json_object_set_string_member (row, "updated_at", at);
      fl_merge_apply (row, entry->payload);
      /* An existing row (the server has it after all) is left as it is. */
      g_autoptr(JsonObject) existing = fl_record_load (db, table, entry->row_id, NULL);
      if (existing == NULL && !fl_record_store (db, table, row, NULL, error))
        return FALSE;
    }

  g_autoptr(GHashTable) rows = fl_outbox_rows_with_pending_updates (db, error);
  if (rows == NULL)
    return FALSE;
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    {
      g_auto(GStrv) parts = g_strsplit (key, "\037", 2);
      const FlTable *table = fl_schema_lookup (parts[0]);
      if (table == NULL || table->kind != FL_TABLE_MUTABLE)
        continue;
      g_autoptr(JsonObject) base = fl_record_load (db, table, parts[1], NULL);
      if (base != NULL && !rebase_row (db, table, base, error))
        return FALSE;
    }
  return TRUE;
}

/* Applying a snapshot is a pipeline of three stages, so that parsing (the
 * costliest part, json-glib) runs beside the SQLite writes:
 *
 *   this thread      reads lines from the stream into batches of raw text;
 *   parser threads   (one less than the cores, at least one) parse and
 *                    validate each line of a batch;
 *   writer thread    stores the parsed rows in the caller's transaction.
 *
 * Rows of a snapshot are independent of each other, so batches may reach
 * the writer in any order.  Batches come from bounded pools, so memory
 * stays flat however large the snapshot.  The caller does not touch the
 * connection until the writer is joined. */
#define SNAPSHOT_BATCH    512
#define SNAPSHOT_BATCHES  8
#define SNAPSHOT_MAX_PARSERS 4

typedef struct {
  GPtrArray *items;       /* raw: char* lines; parsed: FlSnapshotLine* rows */
  gint64     first_line;  /* raw: number of the batch's first line */
  gboolean   stop;        /* no more batches after this one */
} SnapshotBatch;

typedef struct {
  FlDb        *db;
  GAsyncQueue *raw_full, *raw_empty;
  GAsyncQueue *rows_full, *rows_empty;
  gint         failed;      /* atomic: every stage winds down */
  GMutex       lock;        /* guards what follows */
  GError      *error;       /* the first failure of a parser or the writer */
  gint64       error_line;  /* the line a parser failed on, or -1 */
  gint64       end_line;    /* the line of the end marker, or -1 */
  gint64       end_rows;    /* what the end marker announced */
  gint64       header_line; /* a second header, or -1 */
  gint64       rows;        /* row lines parsed */
  guint        n_parsers;
} SnapshotPipeline;

static SnapshotBatch *
snapshot_batch_new (GDestroyNotify free_item)
{
  SnapshotBatch *batch = g_new0 (SnapshotBatch, 1);
  batch->items = g_ptr_array_new_full (SNAPSHOT_BATCH, free_item);
  return batch;
}

static void
snapshot_batch_free (gpointer data)
{
  SnapshotBatch *batch = data;
  g_ptr_array_unref (batch->items);
  g_free (batch);
}

static void
pipeline_fail (SnapshotPipeline *p, GError *error, gint64 line)
{
  g_mutex_lock (&p->lock);
  if (p->error == NULL)
    {
      p->error = error;
      p->error_line = line;
    }
  else
    g_error_free (error);
  g_mutex_unlock (&p->lock);
  g_atomic_int_set (&p->failed, 1);
}

static gpointer
snapshot_parser_thread (gpointer data)
{
  SnapshotPipeline *p = data;
  for (;;)
    {
      SnapshotBatch *raw = g_async_queue_pop (p->raw_full);
      if (raw->stop)
        {
          /* Tell the writer this parser is done. */
          snapshot_batch_free (raw);
          SnapshotBatch *done = g_async_queue_pop (p->rows_empty);
          g_ptr_array_set_size (done->items, 0);
          done->stop = TRUE;
          g_async_queue_push (p->rows_full, done);
          return NULL;
        }
      /* The rows the writer stored last time in this batch are freed here:
       * freeing json-glib trees costs more than storing them, and the
       * writer is the one stage that cannot be split. */
      SnapshotBatch *rows = g_async_queue_pop (p->rows_empty);
      g_ptr_array_set_size (rows->items, 0);
      gint64 parsed = 0;
      for (guint i = 0; i < raw->items->len && !g_atomic_int_get (&p->failed); i++)
        {
          const char *text = g_ptr_array_index (raw->items, i);
          gint64 number = raw->first_line + i;
          GError *error = NULL;
          FlSnapshotLine *line = fl_snapshot_line_parse (text, strlen (text), &error);
          if (line == NULL)
            {
              pipeline_fail (p, error, number);
              break;
            }
          if (line->kind == FL_SNAPSHOT_END || line->kind == FL_SNAPSHOT_HEADER)
            {
              g_mutex_lock (&p->lock);
              if (line->kind == FL_SNAPSHOT_END)
                {
                  p->end_line = number;
                  p->end_rows = line->rows;
                }
              else
                p->header_line = number;
              g_mutex_unlock (&p->lock);
              fl_snapshot_line_free (line);
              continue;
            }
          parsed++;
          const FlTable *table = fl_schema_lookup (line->table);
          if (table == NULL)
            {
              fl_snapshot_line_free (line);  /* a table of a newer server */
              continue;
            }
          if (!accept_row (table, line->row, &error))
            {
              fl_snapshot_line_free (line);
              pipeline_fail (p, error, -1);
              break;
            }
          g_ptr_array_add (rows->items, line);
        }
      g_mutex_lock (&p->lock);
      p->rows += parsed;
      g_mutex_unlock (&p->lock);
      g_ptr_array_set_size (raw->items, 0);
      g_async_queue_push (p->raw_empty, raw);
      g_async_queue_push (p->rows_full, rows);
    }
}

static gpointer
snapshot_writer_thread (gpointer data)
{
  SnapshotPipeline *p = data;
  guint parsers_done = 0;
  gint64 stored = 0;
  while (parsers_done < p->n_parsers)
    {
      SnapshotBatch *batch = g_async_queue_pop (p->rows_full);
      if (batch->stop)
        parsers_done++;
      for (guint i = 0; i < batch->items->len && !g_atomic_int_get (&p->failed); i++)
        {
          FlSnapshotLine *line = g_ptr_array_index (batch->items, i);
          GError *error = NULL;
          if (!fl_record_store (p->db, fl_schema_lookup (line->table), line->row, NULL, &error) ||
              (++stored % 1024 == 0 && !fl_db_check_fail_point (p->db, "sync-snapshot-rows", &error)))
            pipeline_fail (p, error, -1);
        }
      batch->stop = FALSE;
      g_async_queue_push (p->rows_empty, batch);
    }
  return NULL;
}

/* Reads the lines into raw batches; FALSE with `error` when the stream
 * broke or was cancelled.  `out_lines` counts the lines handed over. */
static gboolean
read_snapshot_lines (SyncRun *run, GDataInputStream *in, SnapshotPipeline *p, gint64 *out_lines,
                     GError **error)
{
  gint64 lines = 0;
  SnapshotBatch *batch = g_async_queue_pop (p->raw_empty);
  batch->first_line = 0;
  gboolean ok = TRUE;
  while (ok && !g_atomic_int_get (&p->failed))
    {
      gsize length;
      g_autoptr(GError) local_error = NULL;
      char *line = g_data_input_stream_read_line (in, &length, run->cancellable, &local_error);
      if (line == NULL)
        {
          if (local_error == NULL)
            break;
          if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&local_error));
          else
            g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                         _("The connection broke during the first download: %s"), local_error->message);
          ok = FALSE;
          break;
        }
      if (length == 0)
        {
          g_free (line);
          continue;
        }
      g_ptr_array_add (batch->items, line);
      lines++;
      if (batch->items->len == SNAPSHOT_BATCH)
        {
          g_async_queue_push (p->raw_full, batch);
          batch = g_async_queue_pop (p->raw_empty);
          batch->first_line = lines;
          if (!check_cancelled (run, error))
            ok = FALSE;
          report_progress (run, FL_SYNC_PHASE_SNAPSHOT, lines, -1, FALSE);
        }
    }
  if (!ok)
    g_atomic_int_set (&p->failed, 1);
  g_async_queue_push (p->raw_full, batch);
  for (guint i = 0; i < p->n_parsers; i++)
    {
      SnapshotBatch *stop = snapshot_batch_new (g_free);
      stop->stop = TRUE;
      g_async_queue_push (p->raw_full, stop);
    }
  *out_lines = lines;
  return ok;
}

/* Applies the NDJSON stream (after its header) in the caller's
 * transaction; `out_rows` receives the number of row lines. */
static gboolean
apply_snapshot_stream (SyncRun *run, GDataInputStream *in, gint64 *out_rows, GError **error)
{
  SnapshotPipeline p = {
    .db = run->db,
    .raw_full = g_async_queue_new (),
    .raw_empty = g_async_queue_new_full (snapshot_batch_free),
    .rows_full = g_async_queue_new (),
    .rows_empty = g_async_queue_new_full (snapshot_batch_free),
    .error_line = -1, .end_line = -1, .header_line = -1,
    .n_parsers = CLAMP (g_get_num_processors () - 1, 1, SNAPSHOT_MAX_PARSERS),
  };
  g_mutex_init (&p.lock);
  for (guint i = 0; i < SNAPSHOT_BATCHES; i++)
    {
      g_async_queue_push (p.raw_empty, snapshot_batch_new (g_free));
      g_async_queue_push (p.rows_empty, snapshot_batch_new ((GDestroyNotify) fl_snapshot_line_free));
    }
  GThread *parsers[SNAPSHOT_MAX_PARSERS];
  for (guint i = 0; i < p.n_parsers; i++)
    parsers[i] = g_thread_new ("fl-snapshot-parse", snapshot_parser_thread, &p);
  GThread *writer = g_thread_new ("fl-snapshot-write", snapshot_writer_thread, &p);

  gint64 lines = 0;
  g_autoptr(GError) read_error = NULL;
  gboolean read_ok = read_snapshot_lines (run, in, &p, &lines, &read_error);
  for (guint i = 0; i < p.n_parsers; i++)
    g_thread_join (parsers[i]);
  g_thread_join (writer);
  g_async_queue_unref (p.raw_full);
  g_async_queue_unref (p.raw_empty);
  g_async_queue_unref (p.rows_full);
  g_async_queue_unref (p.rows_empty);
  g_mutex_clear (&p.lock);
  g_autoptr(GError) stage_error = p.error;

  if (stage_error != NULL && p.error_line >= 0 && p.error_line == lines - 1 && read_ok)
    {
      /* The last line cut in the middle: a broken connection. */
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                   _("The first download was cut short after %" PRId64 " rows; "
                     "nothing of it was kept and it will start again"), p.rows);
      return FALSE;
    }
  if (stage_error != NULL)
    {
      /* A parser's or the writer's failure is the cause (a store error, an
       * injected crash, a row this client cannot take). */
      if (stage_error->domain == FL_PROTOCOL_ERROR || stage_error->domain == FL_RECORD_ERROR)
        return protocol_error (error, g_steal_pointer (&stage_error));
      g_propagate_error (error, g_steal_pointer (&stage_error));
      return FALSE;
    }
  if (!read_ok)
    {
      g_propagate_error (error, g_steal_pointer (&read_error));
      return FALSE;
    }
  if (p.header_line >= 0)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL, _("The snapshot has a second header"));
      return FALSE;
    }
  if (p.end_line < 0)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                   _("The first download was cut short after %" PRId64 " rows; "
                     "nothing of it was kept and it will start again"), p.rows);
      return FALSE;
    }
  if (p.end_line != lines - 1)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The server sent data after the end of the snapshot"));
      return FALSE;
    }
  if (p.end_rows != p.rows)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The snapshot announced %" PRId64 " rows but carried %" PRId64),
                   p.end_rows, p.rows);
      return FALSE;
    }
  *out_rows = p.rows;
  return TRUE;
}

static gboolean
run_snapshot (SyncRun *run, GError **error)
{
  FlDb *db = run->db;
  report_progress (run, FL_SYNC_PHASE_SNAPSHOT, 0, -1, TRUE);
  g_autoptr(FlSyncResponse) response = send_request (run, "GET", API "/sync/snapshot", NULL, NULL, error);
  if (response == NULL || !check_status (run, response, FALSE, NULL, error))
    return FALSE;

  g_autoptr(GDataInputStream) in = g_data_input_stream_new (response->body);
  g_buffered_input_stream_set_buffer_size (G_BUFFERED_INPUT_STREAM (in), 256 * 1024);
  g_data_input_stream_set_newline_type (in, G_DATA_STREAM_NEWLINE_TYPE_LF);
  gsize length;
  g_autoptr(GError) local_error = NULL;
  g_autofree char *first = g_data_input_stream_read_line (in, &length, run->cancellable, &local_error);
  if (first == NULL)
    {
      if (local_error != NULL && g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_propagate_error (error, g_steal_pointer (&local_error));
      else
        g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                     _("The connection broke during the first download: %s"),
                     local_error != NULL ? local_error->message : _("no data"));
      return FALSE;
    }
  g_autoptr(FlSnapshotLine) header = fl_snapshot_line_parse (first, length, &local_error);
  if (header == NULL)
    return protocol_error (error, g_steal_pointer (&local_error));
  if (header->kind != FL_SNAPSHOT_HEADER || header->cursor == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The snapshot does not start with its header"));
      return FALSE;
    }

  gint64 rows = 0;
  if (!begin_apply (db, error))
    return FALSE;
  gboolean ok = fl_replica_pause_search_index (db, error) &&
                wipe_model (db, error) &&
                apply_snapshot_stream (run, in, &rows, error) &&
                reapply_local_changes (db, error) &&
                fl_replica_resume_search_index (db, error) &&
                fl_db_set_meta (db, FL_META_CURSOR, header->cursor, error) &&
                fl_db_check_fail_point (db, "sync-snapshot-commit", error);
  if (!commit_apply (db, ok, error))
    return FALSE;
  /* The snapshot left the whole replica in the write-ahead log: fold it in
   * now, as part of this long step, rather than during the user's first
   * edit (best effort: a reader may hold part of it back). */
  fl_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  run->stats.snapshot_rows += rows;
  report_progress (run, FL_SYNC_PHASE_SNAPSHOT, rows, rows, TRUE);
  return TRUE;
}

/* ---- pull ---- */

/* An append-only entry as the server recorded it.  Entries are never
 * changed, but the server fills in what the device cannot know (the author
 * it signed in as, an approval's site), so this replica's own copy of an
 * entry it appended is replaced by the server's. */
static gboolean
store_entry (FlDb *db, const FlTable *table, JsonObject *row, GError **error)
{
  gboolean inserted;
  if (!fl_record_store (db, table, row, &inserted, error))
    return FALSE;
  if (inserted)
    return TRUE;
  g_autoptr(JsonObject) local = fl_record_load (db, table, fl_record_get_string (row, "id"), error);
  if (local == NULL)
    return FALSE;
  if (rows_equal (local, row))
    return TRUE;
  return fl_record_forget (db, table, fl_record_get_string (row, "id"), error) &&
         fl_record_store (db, table, row, NULL, error);
}

static gboolean
apply_pull_page (SyncRun *run, FlPullResponse *page, GError **error)
{
  FlDb *db = run->db;
  if (!begin_apply (db, error))
    return FALSE;
  g_autoptr(GHashTable) pending = fl_outbox_rows_with_pending_updates (db, error);
  gboolean ok = pending != NULL;
  for (guint i = 0; ok && i < page->changes->len; i++)
    {
      FlChange *change = g_ptr_array_index (page->changes, i);
      const FlTable *table = fl_schema_lookup (change->table);
      if (table == NULL)
        continue;
      if (change->row == NULL)
        {
          ok = fl_record_forget (db, table, change->id, error) &&
               delete_shadow (db, table, change->id, error);
          continue;
        }
      if (!accept_row (table, change->row, error))
        {
          ok = FALSE;
          break;
        }
      g_autofree char *key = fl_outbox_row_key (table->name, change->id);
      if (table->kind == FL_TABLE_MUTABLE && g_hash_table_contains (pending, key))
        ok = rebase_row (db, table, change->row, error);
      else if (table->kind == FL_TABLE_APPEND_ONLY)
        ok = store_entry (db, table, change->row, error);
      else
        ok = fl_record_store (db, table, change->row, NULL, error);
    }
  ok = ok && page->cursor != NULL && fl_db_set_meta (db, FL_META_CURSOR, page->cursor, error) &&
       fl_db_check_fail_point (db, "sync-pull-page", error);
  return commit_apply (db, ok, error);
}

static gboolean
run_pull (SyncRun *run, GError **error)
{
  gboolean took_snapshot = FALSE;
  report_progress (run, FL_SYNC_PHASE_PULL, 0, -1, TRUE);
  for (;;)
    {
      if (!check_cancelled (run, error))
        return FALSE;
      g_autofree char *cursor = fl_db_get_meta (run->db, FL_META_CURSOR);
      g_autofree char *escaped = g_uri_escape_string (cursor != NULL ? cursor : "0", NULL, FALSE);
      g_autofree char *path = g_strdup_printf (API "/sync/pull?cursor=%s&limit=%u", escaped, FL_PROTOCOL_MAX_PULL);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) reply = request_json (run, "GET", path, NULL, FALSE, NULL, &local_error);
      if (reply == NULL)
        {
          if (g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_CURSOR_EXPIRED) && !took_snapshot)
            {
              /* The server forgot our place: start again from a snapshot,
               * keeping the outbox (reapplied on top of it). */
              took_snapshot = TRUE;
              if (!run_snapshot (run, error))
                return FALSE;
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_autoptr(FlPullResponse) page = fl_pull_response_from_json (reply, &local_error);
      if (page == NULL)
        return protocol_error (error, g_steal_pointer (&local_error));
      if (!apply_pull_page (run, page, error))
        return FALSE;
      run->stats.pulled += page->changes->len;
      report_progress (run, FL_SYNC_PHASE_PULL, run->stats.pulled, -1, FALSE);
      if (!page->more)
        break;
    }
  report_progress (run, FL_SYNC_PHASE_PULL, run->stats.pulled, run->stats.pulled, TRUE);
  return TRUE;
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
  if ((cursor == NULL && !run_snapshot (run, error)) ||
      !run_push (run, error) ||
      !run_pull (run, error))
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

  report_progress (run, FL_SYNC_PHASE_SIGN_IN, 0, 1, TRUE);
  /* Signing in again as the same account keeps the device, so the server
   * goes on recognising the mids it has already applied. */
  FlLoginRequest request = { run->login, run->password, run->device_name,
                             other_account ? NULL : run->device_id };
  g_autoptr(JsonNode) body = fl_login_request_to_json (&request);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) reply = request_json (run, "POST", API "/auth/login", body, TRUE, NULL, &local_error);
  if (reply == NULL && request.device_id != NULL &&
      g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED))
    {
      /* The device was revoked: this sign-in becomes a new device. */
      g_clear_error (&local_error);
      request.device_id = NULL;
      g_autoptr(JsonNode) again = fl_login_request_to_json (&request);
      reply = request_json (run, "POST", API "/auth/login", again, TRUE, NULL, &local_error);
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
    return protocol_error (error, g_steal_pointer (&local_error));

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
  report_progress (run, FL_SYNC_PHASE_SIGN_IN, 1, 1, TRUE);
  return fl_token_store_save (run->client->tokens, run->server, run->login, response->token, error);
}

static gboolean
run_fetch_blob (SyncRun *run, GError **error)
{
  g_autofree char *path = blob_path (run->blob_dir, run->sha256);
  run->blob_file = g_file_new_for_path (path);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  if (run->token == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT,
                   _("Not signed in: sign in to download attachments"));
      return FALSE;
    }
  g_autofree char *request_path = g_strdup_printf (API "/sync/blobs/%s", run->sha256);
  g_autoptr(FlSyncResponse) response = send_request (run, "GET", request_path, NULL, NULL, error);
  if (response == NULL || !check_status (run, response, FALSE, NULL, error))
    return FALSE;
  g_autoptr(GBytes) bytes = NULL;
  if (!read_reply (run, response, &bytes, error))
    return FALSE;
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (sum, run->sha256) != 0)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The attachment the server sent does not match its checksum"));
      return FALSE;
    }
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  if (g_mkdir_with_parents (run->blob_dir, 0700) != 0 ||
      !g_file_set_contents (path, data, (gssize) size, &local_error))
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED, _("Cannot keep the attachment in %s: %s"),
                   run->blob_dir, local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
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
      ok = run_fetch_blob (run, error);
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
      g_autoptr(JsonNode) reply = request_json (run, "POST", API "/auth/logout", NULL, FALSE, NULL, NULL);
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
      schedule_in (self, MIN (fl_sync_backoff_delay (self->failures, g_random_double ()),
                              MAX (self->auto_interval, 2)));
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
  g_autofree char *path = blob_path (dir, sha);
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
  if (!is_sha256 (sha256))
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

/* ---- what the user sees and does ---- */

FlRecordSyncState
fl_sync_client_record_state (FlDb *db, const char *table, const char *id)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT max(CASE WHEN state = 'rejected' AND resolution IS NULL THEN 3 "
      "                WHEN state = 'conflict' AND resolution IS NULL THEN 2 "
      "                WHEN state = 'pending' THEN 1 ELSE 0 END) "
      "FROM outbox WHERE table_name = ? AND row_id = ?", NULL);
  gboolean has_row;
  if (stmt == NULL)
    return FL_RECORD_SYNCED;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, NULL) || !has_row)
    return FL_RECORD_SYNCED;
  switch (sqlite3_column_int (stmt, 0))
    {
    case 3: return FL_RECORD_REJECTED;
    case 2: return FL_RECORD_CONFLICT;
    case 1: return FL_RECORD_PENDING;
    default: return FL_RECORD_SYNCED;
    }
}

static FlOutboxEntry *
unresolved_entry (FlDb *db, gint64 mid, const char *state, GError **error)
{
  FlOutboxEntry *entry = fl_outbox_get (db, mid, error);
  if (entry == NULL)
    return NULL;
  gboolean wrong = entry->resolution != NULL ||
                   (state != NULL ? g_strcmp0 (entry->state, state) != 0
                                  : g_strcmp0 (entry->state, "conflict") != 0 &&
                                    g_strcmp0 (entry->state, "rejected") != 0);
  if (wrong)
    {
      if (entry->resolution != NULL)
        g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_WRONG_STATE,
                     _("Change %" PRId64 " was already dealt with (%s)"), mid, entry->resolution);
      else
        g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_WRONG_STATE,
                     _("Change %" PRId64 " is %s, not %s"), mid, entry->state,
                     state != NULL ? state : _("a conflict or a rejection"));
      fl_outbox_entry_free (entry);
      return NULL;
    }
  return entry;
}

gboolean
fl_sync_client_resolve_conflict (FlDb *db, gint64 mid, gboolean keep_mine, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(FlOutboxEntry) entry = unresolved_entry (db, mid, "conflict", error);
  gboolean ok = entry != NULL;
  if (ok && keep_mine && entry->conflicts->len > 0)
    {
      /* An ordinary update from the value the server kept to mine: it
       * travels as a new mutation and merges like any other. */
      g_autoptr(JsonObject) values = json_object_new ();
      for (guint i = 0; i < entry->conflicts->len; i++)
        {
          FlConflict *conflict = g_ptr_array_index (entry->conflicts, i);
          json_object_set_member (values, conflict->field, json_node_copy (conflict->mine));
        }
      ok = fl_changelog_update (db, entry->table, entry->row_id, values, error);
    }
  ok = ok && fl_outbox_resolve (db, mid, keep_mine ? "kept_mine" : "kept_theirs", error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}

gboolean
fl_sync_client_retry (FlDb *db, gint64 mid, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(FlOutboxEntry) entry = unresolved_entry (db, mid, "rejected", error);
  gboolean ok = entry != NULL;
  if (ok && entry->op == FL_MUTATION_UPDATE)
    {
      g_autoptr(JsonObject) values = json_object_new ();
      g_autoptr(GList) fields = json_object_get_members (entry->payload);
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonNode *change = json_object_get_member (entry->payload, l->data);
          JsonNode *to = change != NULL && JSON_NODE_HOLDS_OBJECT (change)
            ? json_object_get_member (json_node_get_object (change), "to") : NULL;
          json_object_set_member (values, l->data, to != NULL ? json_node_copy (to) : json_node_new (JSON_NODE_NULL));
        }
      ok = fl_changelog_update (db, entry->table, entry->row_id, values, error);
    }
  else if (ok)
    ok = fl_outbox_requeue (db, entry, NULL, error);
  ok = ok && fl_outbox_resolve (db, mid, "retried", error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}

gboolean
fl_sync_client_discard (FlDb *db, gint64 mid, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(FlOutboxEntry) entry = unresolved_entry (db, mid, NULL, error);
  gboolean ok = entry != NULL;
  if (ok && entry->op != FL_MUTATION_UPDATE && g_strcmp0 (entry->state, "rejected") == 0)
    {
      /* A new record the server refused leaves the replica (its content
       * stays in the outbox entry). */
      const FlTable *table = fl_schema_lookup (entry->table);
      ok = table == NULL || (fl_record_forget (db, table, entry->row_id, error) &&
                             delete_shadow (db, table, entry->row_id, error));
    }
  ok = ok && fl_outbox_resolve (db, mid, g_strcmp0 (entry->state, "conflict") == 0 ? "kept_theirs" : "discarded",
                                error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}
