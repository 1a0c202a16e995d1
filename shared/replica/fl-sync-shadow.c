#include "fl-sync-shadow.h"

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
