#include "fl-user.h"

#include "fl-query.h"
#include "fl-record.h"
#include "fl-record-store.h"

/* The first row `sql` gives for `login`, or NULL. */
static JsonObject *
first_row (FlDb *db, const char *sql, const char *login, GError **error)
{
  const char *params[] = { login };
  g_autoptr(GPtrArray) rows = fl_query_rows (db, sql, G_N_ELEMENTS (params), params, error);
  return rows != NULL && rows->len > 0 ? json_object_ref (g_ptr_array_index (rows, 0)) : NULL;
}

JsonObject *
fl_user_find (FlDb *db, const char *login, GError **error)
{
  return first_row (db, "SELECT role, display_name FROM user WHERE login = ?1", login, error);
}

GPtrArray *
fl_user_list (FlDb *db, GError **error)
{
  const FlTable *table = fl_schema_lookup ("user");
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM user ORDER BY display_name, login",
                                          fl_record_select_list (table));
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  g_autoptr(GPtrArray) users = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean has_row = FALSE;
  while (fl_stmt_step_row (db, stmt, &has_row, error))
    {
      if (!has_row)
        return g_steal_pointer (&users);
      g_ptr_array_add (users, fl_record_from_stmt (table, stmt, 0));
    }
  return NULL;
}

char *
fl_user_dup_van_id (FlDb *db, const char *login, GError **error)
{
  g_autoptr(JsonObject) van = first_row (db,
      "SELECT id FROM stock_location WHERE kind = 'van' AND owner = ?1 ORDER BY code LIMIT 1", login, error);
  return van != NULL ? g_strdup (fl_record_get_string (van, "id")) : NULL;
}
