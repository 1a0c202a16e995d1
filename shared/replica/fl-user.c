#include "fl-user.h"

#include "fl-query.h"
#include "fl-record.h"

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

char *
fl_user_dup_van_id (FlDb *db, const char *login, GError **error)
{
  g_autoptr(JsonObject) van = first_row (db,
      "SELECT id FROM stock_location WHERE kind = 'van' AND owner = ?1 ORDER BY code LIMIT 1", login, error);
  return van != NULL ? g_strdup (fl_record_get_string (van, "id")) : NULL;
}
