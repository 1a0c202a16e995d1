/* FlSyncClient: rows, shadows and the rebase.
 *
 * While local updates of a row wait to be pushed, the replica keeps the
 * server's version of the row in sync_shadow_<table> (fl-sync-shadow.h)
 * and the row itself shows the shadow with the pending changes on top.
 * Whenever the engine learns something new about the server's version — a
 * pulled row, a snapshot, the answer to a push — it moves the shadow and
 * rebases the pending changes on it with fl_merge_rebase(), the same rule
 * the server merges with: a pending change whose value the server already
 * holds gets that value as `from` (the server answers `merged`); one the
 * server will refuse keeps the `from` the user saw, so the server records
 * the conflict with the true base instead of silently overwriting the other
 * side's value.  With no pending change left, the shadow becomes the row. */

#include "fl-sync-client-private.h"

#include "fl-merge.h"
#include "fl-record-store.h"
#include "fl-replica-schema.h"
#include "fl-sync-shadow.h"

gboolean
fl_sync_begin_apply (FlDb *db, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  if (!fl_replica_set_applying (db, TRUE, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_sync_commit_apply (FlDb *db, gboolean ok, GError **error)
{
  if (ok && fl_replica_set_applying (db, FALSE, error) && fl_db_commit (db, error))
    return TRUE;
  fl_db_rollback (db);
  return FALSE;
}

gboolean
fl_sync_rows_equal (JsonObject *a, JsonObject *b)
{
  g_autoptr(JsonNode) x = json_node_init_object (json_node_alloc (), a);
  g_autoptr(JsonNode) y = json_node_init_object (json_node_alloc (), b);
  return json_node_equal (x, y);
}

/* `base` is the server's version of a mutable row; writes the row the user
 * sees (base + pending changes) and keeps the shadow while changes wait. */
gboolean
fl_sync_rebase_row (FlDb *db, const FlTable *table, JsonObject *base, GError **error)
{
  g_autoptr(GPtrArray) pending = fl_outbox_pending_updates (db, table->name, fl_record_get_string (base, "id"),
                                                            error);
  return pending != NULL && fl_sync_rebase_row_on (db, table, base, pending, error);
}

gboolean
fl_sync_rebase_row_on (FlDb *db, const FlTable *table, JsonObject *base, GPtrArray *pending, GError **error)
{
  const char *id = fl_record_get_string (base, "id");
  if (pending == NULL || pending->len == 0)
    return fl_record_store (db, table, base, NULL, error) && fl_sync_shadow_delete (db, table, id, error);

  g_autoptr(GPtrArray) changes = g_ptr_array_new ();
  for (guint i = 0; i < pending->len; i++)
    g_ptr_array_add (changes, ((FlOutboxEntry *) g_ptr_array_index (pending, i))->payload);
  g_autoptr(FlRebase) rebase = fl_merge_rebase (base, changes);
  if (!fl_sync_shadow_write (db, table, base, error) || !fl_record_store (db, table, rebase->row, NULL, error))
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

