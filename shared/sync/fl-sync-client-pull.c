/* FlSyncClient: pulling the server's changes page by page since the
 * replica's cursor, rebasing the rows that have local changes waiting. */

#include "fl-sync-client-private.h"

#include "fl-record-store.h"
#include "fl-sync-shadow.h"

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
  if (fl_sync_rows_equal (local, row))
    return TRUE;
  return fl_record_forget (db, table, fl_record_get_string (row, "id"), error) &&
         fl_record_store (db, table, row, NULL, error);
}

/* `settled`: the rows with a shadow but no update waiting
 * (fl_sync_shadows_settled); a pulled one leaves the set, its shadow
 * replaced by what the server sent. */
static gboolean
apply_pull_page (SyncRun *run, FlPullResponse *page, GHashTable *settled, GError **error)
{
  FlDb *db = run->db;
  if (!fl_sync_begin_apply (db, error))
    return FALSE;
  g_autoptr(GHashTable) pending = fl_outbox_rows_with_pending_updates (db, error);
  gboolean ok = pending != NULL;
  for (guint i = 0; ok && i < page->changes->len; i++)
    {
      FlChange *change = g_ptr_array_index (page->changes, i);
      const FlTable *table = fl_schema_lookup (change->table);
      if (table == NULL)
        continue;
      g_autofree char *key = fl_outbox_row_key (table->name, change->id);
      if (change->row == NULL)
        {
          g_hash_table_remove (settled, key);
          ok = fl_record_forget (db, table, change->id, error) &&
               fl_sync_shadow_delete (db, table, change->id, error);
          continue;
        }
      g_autoptr(GError) invalid = NULL;
      if (!fl_record_accept_pulled (table, change->row, &invalid))
        {
          ok = fl_sync_run_refuse_row (run, table->name, change->id, invalid->message, error);
          continue;
        }
      gboolean had_shadow = g_hash_table_remove (settled, key);
      if (table->kind == FL_TABLE_MUTABLE && (had_shadow || g_hash_table_contains (pending, key)))
        ok = fl_sync_rebase_row (db, table, change->row, error);
      else if (table->kind == FL_TABLE_APPEND_ONLY)
        ok = store_entry (db, table, change->row, error);
      else
        ok = fl_record_store (db, table, change->row, NULL, error);
    }
  ok = ok && page->cursor != NULL && fl_db_set_meta (db, FL_META_CURSOR, page->cursor, error) &&
       fl_db_check_fail_point (db, "sync-pull-page", error);
  return fl_sync_commit_apply (db, ok, error);
}

/* The rows whose updates the server took without writing anything the pull
 * brought (it ignores what a device sends for derived fields; a value was
 * in place already): their shadow, the server's version as the answers
 * left it, becomes the row. */
static gboolean
settle_shadows (SyncRun *run, GHashTable *settled, GError **error)
{
  if (g_hash_table_size (settled) == 0)
    return TRUE;
  FlDb *db = run->db;
  if (!fl_sync_begin_apply (db, error))
    return FALSE;
  gboolean ok = TRUE;
  GHashTableIter iter;
  const char *key;
  g_hash_table_iter_init (&iter, settled);
  while (ok && g_hash_table_iter_next (&iter, (gpointer *) &key, NULL))
    {
      g_auto(GStrv) parts = g_strsplit (key, "\037", 2);
      const FlTable *table = fl_schema_lookup (parts[0]);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) shadow = fl_sync_shadow_load (db, table, parts[1], &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
      else if (shadow != NULL)
        ok = fl_sync_rebase_row (db, table, shadow, error);
    }
  return fl_sync_commit_apply (db, ok, error);
}

gboolean
fl_sync_run_pull (SyncRun *run, GError **error)
{
  gboolean took_snapshot = FALSE;
  g_autoptr(GHashTable) settled = fl_sync_shadows_settled (run->db, error);
  if (settled == NULL)
    return FALSE;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_PULL, 0, -1, TRUE);
  for (;;)
    {
      if (!fl_sync_run_check_cancelled (run, error))
        return FALSE;
      g_autofree char *cursor = fl_db_get_meta (run->db, FL_META_CURSOR);
      g_autofree char *escaped = g_uri_escape_string (cursor != NULL ? cursor : "0", NULL, FALSE);
      g_autofree char *path = g_strdup_printf (API "/sync/pull?cursor=%s&limit=%u", escaped, FL_PROTOCOL_MAX_PULL);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonNode) reply = fl_sync_run_request_json (run, "GET", path, NULL, FALSE, NULL, &local_error);
      if (reply == NULL)
        {
          if (g_error_matches (local_error, FL_SYNC_ERROR, FL_SYNC_ERROR_CURSOR_EXPIRED) && !took_snapshot)
            {
              /* The server forgot our place: start again from a snapshot,
               * keeping the outbox (reapplied on top of it). */
              took_snapshot = TRUE;
              if (!fl_sync_run_snapshot (run, error))
                return FALSE;
              continue;
            }
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      g_autoptr(FlPullResponse) page = fl_pull_response_from_json (reply, &local_error);
      if (page == NULL)
        return fl_sync_protocol_error (error, g_steal_pointer (&local_error));
      if (!apply_pull_page (run, page, settled, error))
        return FALSE;
      run->stats.pulled += page->changes->len;
      fl_sync_run_report_progress (run, FL_SYNC_PHASE_PULL, run->stats.pulled, -1, FALSE);
      if (!page->more)
        break;
    }
  if (!settle_shadows (run, settled, error))
    return FALSE;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_PULL, run->stats.pulled, run->stats.pulled, TRUE);
  return TRUE;
}
