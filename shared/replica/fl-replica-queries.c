#include "fl-replica-queries.h"

#include <glib/gi18n-lib.h>

#include "fl-schema.h"

char *
fl_replica_find_id (FlDb *db, const char *table, const char *key_column, const char *key,
                    GError **error)
{
  const FlTable *schema = fl_schema_lookup (table);
  g_return_val_if_fail (schema != NULL && fl_table_column (schema, key_column) != NULL, NULL);
  /* Names checked against the schema above: only values are bound. */
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE id = ?1 OR \"%s\" = ?1 COLLATE NOCASE "
                                          "ORDER BY id = ?1 DESC LIMIT 1", schema->name, key_column);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND,
                   /* Translators: e.g. "No work_order “INC-1” in this replica (run “fieldline-cli sync”?)" */
                   _("No %s “%s” in this replica (run “fieldline-cli sync”?)"), table, key);
      return NULL;
    }
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

GPtrArray *
fl_replica_open_conflicts (FlDb *db, const char *except_device, guint limit, GError **error)
{
  const FlTable *table = fl_schema_lookup ("conflict");
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM conflict WHERE resolved_by IS NULL AND resolution IS NULL"
                                          " AND (?1 IS NULL OR device IS NOT ?1) ORDER BY at DESC, id LIMIT ?2",
                                          fl_record_select_list (table));
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, except_device, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, limit);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean has_row = FALSE;
  while (fl_stmt_step_row (db, stmt, &has_row, error))
    {
      if (!has_row)
        return g_steal_pointer (&rows);
      g_ptr_array_add (rows, fl_record_from_stmt (table, stmt, 0));
    }
  return NULL;
}
