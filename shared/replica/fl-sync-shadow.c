#include "fl-sync-shadow.h"

#include "fl-outbox.h"

JsonObject *
fl_sync_shadow_load (FlDb *db, const FlTable *table, const char *id, GError **error)
{
  g_autofree char *shadow_table = g_strdup_printf ("sync_shadow_%s", table->name);
  g_autoptr(GError) local_error = NULL;
  JsonObject *shadow = fl_record_load_copy (db, table, shadow_table, id, &local_error);
  if (local_error != NULL && !g_error_matches (local_error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND))
    g_propagate_error (error, g_steal_pointer (&local_error));
  return shadow;
}

gboolean
fl_sync_shadow_delete (FlDb *db, const FlTable *table, const char *id, GError **error)
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

gboolean
fl_sync_shadow_write (FlDb *db, const FlTable *table, JsonObject *row, GError **error)
{
  const char *id = fl_record_get_string (row, "id");
  g_autofree char *copy = g_strdup_printf ("INSERT INTO \"sync_shadow_%s\" SELECT * FROM \"%s\" WHERE id = ?",
                                           table->name, table->name);
  if (!fl_record_store (db, table, row, NULL, error) || !fl_sync_shadow_delete (db, table, id, error))
    return FALSE;
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, copy, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (db, stmt, error);
}

GHashTable *
fl_sync_shadow_load_rows (FlDb *db, const FlTable *table, GPtrArray *ids, GError **error)
{
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"sync_shadow_%s\" WHERE id IN (SELECT value FROM json_each (?))",
                                          fl_record_select_list (table), table->name);
  g_autofree char *list = fl_record_id_list (ids);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, list, -1, SQLITE_TRANSIENT);
  g_autoptr(GHashTable) shadows = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                         (GDestroyNotify) json_object_unref);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      JsonObject *shadow = fl_record_from_stmt (table, stmt, 0);
      g_hash_table_insert (shadows, (gpointer) fl_record_get_string (shadow, "id"), shadow);
    }
  return g_steal_pointer (&shadows);
}

gboolean
fl_sync_shadow_set_fields (FlDb *db, const FlTable *table, const char *id, JsonObject *values, GError **error)
{
  g_autofree char *shadow_table = g_strdup_printf ("sync_shadow_%s", table->name);
  return fl_record_set_fields_copy (db, table, shadow_table, id, values, error);
}

GHashTable *
fl_sync_shadows_settled (FlDb *db, GError **error)
{
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    {
      if (tables[t]->kind != FL_TABLE_MUTABLE)
        continue;
      g_autofree char *sql = g_strdup_printf (
          "SELECT id FROM \"sync_shadow_%s\" AS s WHERE NOT EXISTS (SELECT 1 FROM outbox"
          " WHERE table_name = ?1 AND row_id = s.id AND op = 'update' AND state = 'pending')",
          tables[t]->name);
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
      if (stmt == NULL)
        return NULL;
      sqlite3_bind_text (stmt, 1, tables[t]->name, -1, SQLITE_STATIC);
      for (;;)
        {
          gboolean has_row;
          if (!fl_stmt_step_row (db, stmt, &has_row, error))
            return NULL;
          if (!has_row)
            break;
          g_hash_table_add (rows, fl_outbox_row_key (tables[t]->name, (const char *) sqlite3_column_text (stmt, 0)));
        }
    }
  return g_steal_pointer (&rows);
}
