/* FlSyncClient: rows the server sent that this replica refused.
 *
 * One row that does not validate (stored on the server behind its back,
 * or by an older version with looser rules) must not stop every later
 * sync of the site: it is left out, said in the log, counted in the run's
 * stats and listed in the replica's meta, and the sync goes on with the
 * rest, the cursor moving past it. */

#include "fl-sync-client-private.h"

#include "fl-time.h"

/* How many refusals the list keeps, the oldest dropped first. */
#define REFUSED_KEPT 100

static JsonArray *
load_refused (FlDb *db)
{
  g_autofree char *text = fl_db_get_meta (db, FL_META_REFUSED_ROWS);
  g_autoptr(JsonParser) parser = json_parser_new ();
  if (text != NULL && json_parser_load_from_data (parser, text, -1, NULL) &&
      JSON_NODE_HOLDS_ARRAY (json_parser_get_root (parser)))
    return json_array_ref (json_node_get_array (json_parser_get_root (parser)));
  return json_array_new ();
}

gboolean
fl_sync_run_refuse_row (SyncRun *run, const char *table, const char *id, const char *reason,
                        GError **error)
{
  g_warning ("Left out %s %s sent by the server: %s", table, id != NULL ? id : "(no id)", reason);
  run->stats.refused++;
  g_autoptr(JsonArray) list = load_refused (run->db);
  while (json_array_get_length (list) >= REFUSED_KEPT)
    json_array_remove_element (list, 0);
  JsonObject *entry = json_object_new ();
  json_object_set_string_member (entry, "table", table);
  json_object_set_string_member (entry, "id", id != NULL ? id : "");
  json_object_set_string_member (entry, "reason", reason);
  json_object_set_int_member (entry, "at", fl_time_now ());
  json_array_add_object_element (list, entry);
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), list);
  g_autofree char *text = json_to_string (node, FALSE);
  return fl_db_set_meta (run->db, FL_META_REFUSED_ROWS, text, error);
}

void
fl_refused_row_free (FlRefusedRow *row)
{
  if (row == NULL)
    return;
  g_free (row->table);
  g_free (row->id);
  g_free (row->reason);
  g_free (row);
}

GPtrArray *
fl_sync_client_get_refused_rows (FlSyncClient *self)
{
  g_return_val_if_fail (FL_IS_SYNC_CLIENT (self), NULL);
  g_autoptr(JsonArray) list = load_refused (fl_sync_client_get_db (self));
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_refused_row_free);
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *node = json_array_get_element (list, i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      JsonObject *entry = json_node_get_object (node);
      FlRefusedRow *row = g_new0 (FlRefusedRow, 1);
      row->table = g_strdup (fl_record_get_string (entry, "table"));
      row->id = g_strdup (fl_record_get_string (entry, "id"));
      row->reason = g_strdup (fl_record_get_string (entry, "reason"));
      row->at = fl_record_get_int (entry, "at", 0);
      g_ptr_array_add (rows, row);
    }
  return rows;
}
