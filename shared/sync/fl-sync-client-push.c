/* FlSyncClient: pushing the outbox in batches, and the server's answers
 * to a push moving the shadows of the rows it answered. */

#include "fl-sync-client-private.h"

#include <string.h>

#include "fl-changelog.h"
#include "fl-sync-shadow.h"

#define MAX_PUSH_BODY         (1024 * 1024 - 16 * 1024)  /* the server's limit, with room to spare */

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

  if (!fl_sync_begin_apply (db, error))
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
          work->shadow = fl_sync_shadow_load (db, table, entry->row_id, &local_error);
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
        ok = fl_sync_rebase_row (db, work->table, work->shadow, error);
    }
  ok = ok && fl_db_check_fail_point (db, "sync-push-results", error);
  return fl_sync_commit_apply (db, ok, error);
}

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

gboolean
fl_sync_run_push (SyncRun *run, GError **error)
{
  FlDb *db = run->db;
  gint64 total = fl_changelog_pending_count (db, error);
  if (total < 0)
    return FALSE;
  if (total == 0)
    return TRUE;
  guint batch = MIN (run->client->push_batch, FL_PROTOCOL_MAX_MUTATIONS);
  gint64 after = 0, done = 0;
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_PUSH, 0, total, TRUE);
  for (;;)
    {
      if (!fl_sync_run_check_cancelled (run, error))
        return FALSE;
      g_autoptr(GPtrArray) entries = fl_outbox_pending (db, after, batch, error);
      if (entries == NULL)
        return FALSE;
      if (entries->len == 0)
        break;
      gboolean blob_refused;
      if (!fl_sync_run_upload_blobs (run, entries, &blob_refused, error))
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
      g_autoptr(JsonNode) reply = fl_sync_run_request_json (run, "POST", API "/sync/push", body, FALSE,
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
        return fl_sync_protocol_error (error, g_steal_pointer (&local_error));
      if (!fl_db_check_fail_point (db, "sync-push-sent", error) ||
          !apply_push_results (run, entries, response, error))
        return FALSE;
      after = ((FlOutboxEntry *) g_ptr_array_index (entries, entries->len - 1))->mid;
      done += entries->len;
      fl_sync_run_report_progress (run, FL_SYNC_PHASE_PUSH, MIN (done, total), total, FALSE);
    }
  fl_sync_run_report_progress (run, FL_SYNC_PHASE_PUSH, total, total, TRUE);
  return TRUE;
}
