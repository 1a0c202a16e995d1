/* FlSyncClient: pushing the outbox in batches, and the server's answers
 * to a push moving the shadows of the rows it answered. */

#include "fl-sync-client-private.h"

#include <string.h>

#include "fl-changelog.h"
#include "fl-sync-shadow.h"

#define MAX_PUSH_BODY         (1024 * 1024 - 16 * 1024)  /* the server's limit, with room to spare */

/* ---- the server's answers to a push ---- */

/* The answered updates of one row, in the order sent. */
typedef struct {
  const FlTable *table;
  const char    *id;        /* the first entry's */
  GPtrArray     *entries;   /* FlOutboxEntry*, owned by the sent batch */
  GPtrArray     *results;   /* FlMutationResult*, owned by the response */
  gboolean       refused;   /* one of them came back a conflict or rejected */
} RowWork;

static void
row_work_free (RowWork *work)
{
  g_ptr_array_unref (work->entries);
  g_ptr_array_unref (work->results);
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

/* The answered rows of one table, the updates of them still waiting and
 * the shadows of those to rebase, each read in one query. */
typedef struct {
  GPtrArray  *ids;         /* char*, owned by the rows' work */
  GPtrArray  *rebase_ids;  /* the rows refused or with updates waiting */
  GHashTable *shadows;     /* id -> JsonObject*, of rebase_ids */
  GHashTable *pending;     /* id -> GPtrArray of FlOutboxEntry* */
} TableWork;

static void
table_work_free (TableWork *work)
{
  g_ptr_array_unref (work->ids);
  g_ptr_array_unref (work->rebase_ids);
  g_clear_pointer (&work->shadows, g_hash_table_unref);
  g_clear_pointer (&work->pending, g_hash_table_unref);
  g_free (work);
}

/* Moves the shadow of an answered row along with the answers.  A row the
 * server took whole, with nothing left to send, keeps showing what it
 * shows and only its shadow moves: the server's version of the row (its
 * version, time, derived fields, or values it merged differently) is what
 * the pull that follows brings, or, when the server wrote nothing the pull
 * would bring, the shadow the pull makes the row at its end
 * (fl_sync_shadows_settled).  A row with a conflict, a rejection or
 * updates still waiting is rebased on the moved shadow at once. */
static gboolean
settle_row (FlDb *db, RowWork *work, TableWork *of_table, GError **error)
{
  GPtrArray *waiting = g_hash_table_lookup (of_table->pending, work->id);
  if (!work->refused && waiting == NULL)
    {
      /* Only the fields answered move, in place: the shadow is neither
       * read nor written whole (a new row, or one gone, has none). */
      g_autoptr(JsonObject) moved = json_object_new ();
      for (guint i = 0; i < work->entries->len; i++)
        advance_shadow (work->table, moved, g_ptr_array_index (work->entries, i), g_ptr_array_index (work->results, i));
      return fl_sync_shadow_set_fields (db, work->table, work->id, moved, error);
    }
  JsonObject *shadow = g_hash_table_lookup (of_table->shadows, work->id);
  if (shadow == NULL)
    return TRUE;  /* a new row, or one gone */
  for (guint i = 0; i < work->entries->len; i++)
    advance_shadow (work->table, shadow, g_ptr_array_index (work->entries, i), g_ptr_array_index (work->results, i));
  return fl_sync_rebase_row_on (db, work->table, shadow, waiting, error);
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
  g_autoptr(GPtrArray) answers = g_ptr_array_new ();
  for (guint i = 0; i < response->results->len; i++)
    {
      FlMutationResult *result = g_ptr_array_index (response->results, i);
      if (g_hash_table_contains (by_mid, &result->mid))
        g_ptr_array_add (answers, result);
    }
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) order = g_ptr_array_new_with_free_func ((GDestroyNotify) row_work_free);
  g_autoptr(GHashTable) tables = g_hash_table_new_full (g_direct_hash, g_direct_equal, NULL,
                                                        (GDestroyNotify) table_work_free);

  if (!fl_sync_begin_apply (db, error))
    return FALSE;
  /* The answers to what was sent, recorded in one statement. */
  g_autoptr(GArray) recorded = fl_outbox_record_results (db, answers, error);
  gboolean ok = recorded != NULL;
  for (guint i = 0; ok && i < answers->len; i++)
    {
      FlMutationResult *result = g_ptr_array_index (answers, i);
      FlOutboxEntry *entry = g_hash_table_lookup (by_mid, &result->mid);
      if (!g_array_index (recorded, gboolean, i))
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
          work = g_new0 (RowWork, 1);
          work->table = table;
          work->id = entry->row_id;
          work->entries = g_ptr_array_new ();
          work->results = g_ptr_array_new ();
          g_hash_table_insert (rows, g_steal_pointer (&key), work);
          g_ptr_array_add (order, work);
          TableWork *of_table = g_hash_table_lookup (tables, table);
          if (of_table == NULL)
            {
              of_table = g_new0 (TableWork, 1);
              of_table->ids = g_ptr_array_new ();
              of_table->rebase_ids = g_ptr_array_new ();
              g_hash_table_insert (tables, (gpointer) table, of_table);
            }
          g_ptr_array_add (of_table->ids, (gpointer) work->id);
        }
      g_ptr_array_add (work->entries, entry);
      g_ptr_array_add (work->results, result);
      work->refused |= result->status == FL_RESULT_CONFLICT || result->status == FL_RESULT_REJECTED;
    }

  GHashTableIter iter;
  const FlTable *table;
  TableWork *of_table;
  g_hash_table_iter_init (&iter, tables);
  while (ok && g_hash_table_iter_next (&iter, (gpointer *) &table, (gpointer *) &of_table))
    {
      of_table->pending = fl_outbox_pending_updates_of_rows (db, table->name, of_table->ids, error);
      ok = of_table->pending != NULL;
    }
  for (guint i = 0; ok && i < order->len; i++)
    {
      RowWork *work = g_ptr_array_index (order, i);
      of_table = g_hash_table_lookup (tables, work->table);
      if (work->refused || g_hash_table_contains (of_table->pending, work->id))
        g_ptr_array_add (of_table->rebase_ids, (gpointer) work->id);
    }
  g_hash_table_iter_init (&iter, tables);
  while (ok && g_hash_table_iter_next (&iter, (gpointer *) &table, (gpointer *) &of_table))
    {
      of_table->shadows = fl_sync_shadow_load_rows (db, table, of_table->rebase_ids, error);
      ok = of_table->shadows != NULL;
    }
  for (guint i = 0; ok && i < order->len; i++)
    {
      RowWork *work = g_ptr_array_index (order, i);
      ok = settle_row (db, work, g_hash_table_lookup (tables, work->table), error);
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
