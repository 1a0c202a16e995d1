/* FlSyncClient: the first download as a ready replica file.
 *
 * The server sends the whole replica of the user's scope as one SQLite
 * file, zstd-compressed (docs/protocol.md, GET /sync/replica).  It is
 * written to a file beside the replica, checked before anything trusts it
 * (the digest the server gave, then fl_replica_file_verify), given this
 * replica's own state (its settings, outbox, reference counters and blob
 * list, with the local changes still waiting reapplied on top), and
 * swapped in whole with fl_db_replace.  Until that swap the replica is
 * untouched; whatever fails before it leaves the old replica as it was and
 * the caller falls back to the NDJSON snapshot. */

#include <inttypes.h>
#include "fl-sync-client-private.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zstd.h>

#include "fl-replica-file.h"
#include "fl-replica-schema.h"

#define READ_CHUNK (1024 * 1024)

/* What a replica keeps of its own, beside the rows of the model (and the
 * shadows, which the local changes reapplied on top build again). */
static const char * const own_tables[] = { "outbox", "ref_sequence", "sync_blob" };

static char *
incoming_path (FlDb *db)
{
  return g_strconcat (fl_db_path (db), ".incoming", NULL);
}

static void
remove_incoming (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_unlink (name);
    }
}

static gboolean
cut_short (GError **error, gint64 bytes)
{
  g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
               _("The replica file was cut short after %" PRId64 " bytes; the replica was left as it was"),
               bytes);
  return FALSE;
}

/* Decompresses the body into `path`, checking it against `sha256`. */
static gboolean
download (SyncRun *run, FlSyncResponse *response, const char *path, const char *sha256, GError **error)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileOutputStream) out = g_file_replace (file, NULL, FALSE, G_FILE_CREATE_PRIVATE,
                                                     run->cancellable, error);
  if (out == NULL)
    return FALSE;
  ZSTD_DCtx *dctx = ZSTD_createDCtx ();
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize out_size = ZSTD_DStreamOutSize ();
  g_autofree guint8 *in_buf = g_malloc (READ_CHUNK);
  g_autofree guint8 *out_buf = g_malloc (out_size);
  gint64 received = 0;
  gsize pending = 1;  /* zstd's hint: 0 once a frame is complete */
  gboolean ok = TRUE;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_DOWNLOAD, 0, response->content_length, TRUE);
  while (ok)
    {
      g_autoptr(GError) read_error = NULL;
      gssize n = g_input_stream_read (response->body, in_buf, READ_CHUNK, run->cancellable, &read_error);
      if (n < 0)
        {
          if (g_error_matches (read_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
            g_propagate_error (error, g_steal_pointer (&read_error));
          else
            cut_short (error, received);
          ok = FALSE;
          break;
        }
      if (n == 0)
        break;
      received += n;
      ZSTD_inBuffer input = { in_buf, (gsize) n, 0 };
      while (ok && input.pos < input.size)
        {
          ZSTD_outBuffer output = { out_buf, out_size, 0 };
          pending = ZSTD_decompressStream (dctx, &output, &input);
          if (ZSTD_isError (pending))
            {
              g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                           _("The replica file does not decompress (%s); the replica was left as it was"),
                           ZSTD_getErrorName (pending));
              ok = FALSE;
              break;
            }
          g_checksum_update (checksum, out_buf, output.pos);
          ok = g_output_stream_write_all (G_OUTPUT_STREAM (out), out_buf, output.pos, NULL,
                                          run->cancellable, error);
        }
      fl_sync_run_report_progress (run, FL_SYNC_PHASE_DOWNLOAD, received, response->content_length, FALSE);
    }
  ZSTD_freeDCtx (dctx);
  if (!ok)
    return FALSE;
  if (pending != 0 || (response->content_length >= 0 && received != response->content_length))
    return cut_short (error, received);
  if (!g_output_stream_close (G_OUTPUT_STREAM (out), run->cancellable, error))
    return FALSE;
  if (g_ascii_strcasecmp (g_checksum_get_string (checksum), sha256) != 0)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The replica file is not the one the server announced (its digest differs); "
                     "the replica was left as it was"));
      return FALSE;
    }
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_DOWNLOAD, received, received, TRUE);
  return TRUE;
}

typedef struct {
  const char *replica_path;
  gint64      rows;
} MoveIn;

static gboolean
count_model_rows (FlDb *db, gint64 *out, GError **error)
{
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  *out = 0;
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", tables[i]->name);
      gint64 n;
      if (!fl_db_query_int64 (db, sql, &n, error))
        return FALSE;
      *out += n;
    }
  return TRUE;
}

static gboolean
copy_own_state (FlDb *incoming, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (own_tables); i++)
    {
      g_autofree char *sql = g_strdup_printf (
          "DELETE FROM main.\"%s\"; INSERT INTO main.\"%s\" SELECT * FROM local.\"%s\";",
          own_tables[i], own_tables[i], own_tables[i]);
      if (!fl_db_exec (incoming, sql, error))
        return FALSE;
    }
  /* Every setting of this replica but the cursor, which is the file's. */
  g_autoptr(FlStmt) stmt = fl_db_prepare (incoming,
      "INSERT INTO main.meta (key, value) SELECT key, value FROM local.meta WHERE key <> ?1 "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, FL_META_CURSOR, -1, SQLITE_STATIC);
  return fl_stmt_step_done (incoming, stmt, error);
}

/* Runs on the downloaded file while the replica is locked against writers:
 * what it reads of the replica is what the swap replaces.  The replica is
 * attached outside any transaction (a transaction on the file would take
 * the replica's write lock too); the file is thrown away on a failure, so
 * only the rebase needs one. */
static gboolean
move_local_state_in (FlDb *incoming, gpointer user_data, GError **error)
{
  MoveIn *move = user_data;
  {
    g_autoptr(FlStmt) attach = fl_db_prepare (incoming, "ATTACH DATABASE ? AS local", error);
    if (attach == NULL)
      return FALSE;
    sqlite3_bind_text (attach, 1, move->replica_path, -1, SQLITE_STATIC);
    if (!fl_stmt_step_done (incoming, attach, error))
      return FALSE;
  }
  gboolean copied = copy_own_state (incoming, error);
  g_autoptr(GError) detach_error = NULL;
  if (!fl_db_exec (incoming, "DETACH DATABASE local", &detach_error))
    g_warning ("%s", detach_error->message);
  if (!copied || !fl_sync_begin_apply (incoming, error))
    return FALSE;
  gboolean ok = fl_sync_reapply_local_changes (incoming, error);
  return fl_sync_commit_apply (incoming, ok, error) && count_model_rows (incoming, &move->rows, error);
}

static gboolean
swap_in (SyncRun *run, const char *path, gint64 *out_rows, GError **error)
{
  g_autoptr(FlDb) incoming = fl_db_open_replica (path, error);
  if (incoming == NULL)
    return FALSE;
  MoveIn move = { fl_db_path (run->db), 0 };
  if (!fl_db_check_fail_point (run->db, "sync-replica-swap", error) ||
      !fl_db_replace (run->db, incoming, move_local_state_in, &move, error))
    return FALSE;
  fl_db_close (incoming);
  *out_rows = move.rows;
  return TRUE;
}

gboolean
fl_sync_run_replica_file (SyncRun *run, GError **error)
{
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_DOWNLOAD, 0, -1, TRUE);
  g_autoptr(FlSyncResponse) response = fl_sync_run_send (run, "GET", API "/sync/replica", NULL, NULL, error);
  if (response == NULL || !fl_sync_run_check_status (run, response, FALSE, NULL, error))
    return FALSE;
  const char *digest = response->replica_digest;
  if (g_strcmp0 (response->content_type, FL_PROTOCOL_REPLICA_TYPE) != 0 ||
      digest == NULL || !g_str_has_prefix (digest, "sha-256="))
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The server did not send a replica file with its digest"));
      return FALSE;
    }

  g_autofree char *path = incoming_path (run->db);
  remove_incoming (path);
  gint64 rows = 0;
  g_autofree char *cursor = NULL;
  gint64 start = g_get_monotonic_time (), downloaded = 0, verified = 0;
  gboolean ok = download (run, response, path, digest + strlen ("sha-256="), error) &&
                (downloaded = g_get_monotonic_time ()) &&
                (cursor = fl_replica_file_verify (path, error)) != NULL &&
                (verified = g_get_monotonic_time ()) &&
                swap_in (run, path, &rows, error);
  remove_incoming (path);
  if (!ok)
    return FALSE;
  gint64 swapped = g_get_monotonic_time ();
  /* The swap left the whole replica in the write-ahead log: fold it in now
   * (best effort: a reader may hold part of it back). */
  fl_db_exec (run->db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  g_debug ("Took the replica file: %" PRId64 " rows, cursor %s; download %.0f ms, checks %.0f ms, "
           "swap %.0f ms, checkpoint %.0f ms", rows, cursor, (downloaded - start) / 1e3,
           (verified - downloaded) / 1e3, (swapped - verified) / 1e3, (g_get_monotonic_time () - swapped) / 1e3);
  run->stats.snapshot_rows += rows;
  run->stats.replica_files++;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_SNAPSHOT, rows, rows, TRUE);
  return TRUE;
}
