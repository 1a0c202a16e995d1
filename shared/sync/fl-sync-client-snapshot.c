/* FlSyncClient: the first download — the whole scope of the user as one
 * NDJSON stream applied in one transaction, local changes reapplied on top. */

#include <inttypes.h>
#include "fl-sync-client-private.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-merge.h"
#include "fl-record-store.h"
#include "fl-replica-schema.h"
#include "fl-time.h"

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
gboolean
fl_sync_reapply_local_changes (FlDb *db, GError **error)
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
      if (base != NULL && !fl_sync_rebase_row (db, table, base, error))
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
  GPtrArray   *refused;     /* FlRefusedRow*: rows left out as invalid */
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
          if (!fl_record_accept_pulled (table, line->row, &error))
            {
              /* Left out, recorded once the stream is applied. */
              FlRefusedRow *refused = g_new0 (FlRefusedRow, 1);
              refused->table = g_strdup (table->name);
              refused->id = g_strdup (fl_record_get_string (line->row, "id"));
              refused->reason = g_strdup (error->message);
              g_clear_error (&error);
              fl_snapshot_line_free (line);
              g_mutex_lock (&p->lock);
              g_ptr_array_add (p->refused, refused);
              g_mutex_unlock (&p->lock);
              continue;
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
          if (!fl_sync_run_check_cancelled (run, error))
            ok = FALSE;
          fl_sync_run_report_progress (run, FL_SYNC_PHASE_SNAPSHOT, lines, -1, FALSE);
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
  g_autoptr(GPtrArray) refused = p.refused = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_refused_row_free);
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
        return fl_sync_protocol_error (error, g_steal_pointer (&stage_error));
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
  for (guint i = 0; i < refused->len; i++)
    {
      FlRefusedRow *row = refused->pdata[i];
      if (!fl_sync_run_refuse_row (run, row->table, row->id, row->reason, error))
        return FALSE;
    }
  *out_rows = p.rows;
  return TRUE;
}

/* The NDJSON stream: every row parsed, validated and stored here. */
static gboolean
run_ndjson_snapshot (SyncRun *run, GError **error)
{
  FlDb *db = run->db;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_SNAPSHOT, 0, -1, TRUE);
  g_autoptr(FlSyncResponse) response = fl_sync_run_send (run, "GET", API "/sync/snapshot", NULL, NULL, error);
  if (response == NULL || !fl_sync_run_check_status (run, response, FALSE, NULL, error))
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
    return fl_sync_protocol_error (error, g_steal_pointer (&local_error));
  if (header->kind != FL_SNAPSHOT_HEADER || header->cursor == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The snapshot does not start with its header"));
      return FALSE;
    }

  gint64 rows = 0;
  if (!fl_sync_begin_apply (db, error))
    return FALSE;
  gboolean ok = fl_replica_pause_search_index (db, error) &&
                wipe_model (db, error) &&
                apply_snapshot_stream (run, in, &rows, error) &&
                fl_sync_reapply_local_changes (db, error) &&
                fl_replica_resume_search_index (db, error) &&
                fl_db_set_meta (db, FL_META_CURSOR, header->cursor, error) &&
                fl_db_check_fail_point (db, "sync-snapshot-commit", error);
  if (!fl_sync_commit_apply (db, ok, error))
    return FALSE;
  /* The snapshot left the whole replica in the write-ahead log: fold it in
   * now, as part of this long step, rather than during the user's first
   * edit (best effort: a reader may hold part of it back). */
  fl_db_exec (db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  run->stats.snapshot_rows += rows;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_SNAPSHOT, rows, rows, TRUE);
  return TRUE;
}

/* A replica that lives in a file takes the first download as a ready
 * replica file when the server offers one; whatever goes wrong with it
 * (an older server, a cut download, a file that fails its checks) leaves
 * the replica as it was, and the NDJSON snapshot follows. */
gboolean
fl_sync_run_snapshot (SyncRun *run, GError **error)
{
  const char *path = fl_db_path (run->db);
  gboolean in_file = path[0] != '\0' && strcmp (path, ":memory:") != 0;
  if (in_file && run->client->replica_files)
    {
      g_autoptr(GError) file_error = NULL;
      if (fl_sync_run_replica_file (run, &file_error))
        return TRUE;
      /* A server that says it is busy (and for how long) is asked again
       * then, not at once for the other form from the same busy workers. */
      gboolean busy = g_error_matches (file_error, FL_SYNC_ERROR, FL_SYNC_ERROR_SERVER) &&
                      run->stats.retry_after > 0;
      if (run->signed_out || busy || g_error_matches (file_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        {
          g_propagate_error (error, g_steal_pointer (&file_error));
          return FALSE;
        }
      g_info ("Taking the snapshot instead of the replica file: %s", file_error->message);
    }
  return run_ndjson_snapshot (run, error);
}
