#include "fl-query.h"

JsonObject *
fl_query_row_from_stmt (sqlite3_stmt *stmt)
{
  JsonObject *row = json_object_new ();
  int n = sqlite3_column_count (stmt);
  for (int c = 0; c < n; c++)
    {
      const char *name = sqlite3_column_name (stmt, c);
      switch (sqlite3_column_type (stmt, c))
        {
        case SQLITE_INTEGER:
          json_object_set_int_member (row, name, sqlite3_column_int64 (stmt, c));
          break;
        case SQLITE_FLOAT:
          json_object_set_double_member (row, name, sqlite3_column_double (stmt, c));
          break;
        case SQLITE_NULL:
          json_object_set_null_member (row, name);
          break;
        default:
          json_object_set_string_member (row, name, (const char *) sqlite3_column_text (stmt, c));
        }
    }
  return row;
}

GPtrArray *
fl_query_rows (FlDb *db, const char *sql, guint n_params, const char * const *params, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  for (guint i = 0; i < n_params; i++)
    if (params[i] != NULL)
      sqlite3_bind_text (stmt, (int) i + 1, params[i], -1, SQLITE_TRANSIENT);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean has_row = FALSE;
  while (fl_stmt_step_row (db, stmt, &has_row, error))
    {
      if (!has_row)
        return g_steal_pointer (&rows);
      g_ptr_array_add (rows, fl_query_row_from_stmt (stmt));
    }
  return NULL;
}
