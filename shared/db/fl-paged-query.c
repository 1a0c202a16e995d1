#include "fl-paged-query.h"

#include "fl-query.h"

struct _FlPagedQuery
{
  FlDb      *db;
  char      *count_sql;
  char      *page_sql;
  GPtrArray *params;  /* char *, NULL allowed */
};

FlPagedQuery *
fl_paged_query_new (FlDb *db, const char *sql)
{
  g_return_val_if_fail (FL_IS_DB (db), NULL);
  FlPagedQuery *self = g_new0 (FlPagedQuery, 1);
  self->db = g_object_ref (db);
  self->count_sql = g_strdup_printf ("SELECT count(*) FROM (%s)", sql);
  self->page_sql = g_strdup_printf ("%s LIMIT :page_limit OFFSET :page_offset", sql);
  self->params = g_ptr_array_new_with_free_func (g_free);
  return self;
}

void
fl_paged_query_free (FlPagedQuery *self)
{
  g_object_unref (self->db);
  g_free (self->count_sql);
  g_free (self->page_sql);
  g_ptr_array_unref (self->params);
  g_free (self);
}

void
fl_paged_query_set_params (FlPagedQuery *self, guint n_params, const char * const *params)
{
  g_ptr_array_set_size (self->params, 0);
  for (guint i = 0; i < n_params; i++)
    g_ptr_array_add (self->params, g_strdup (params[i]));
}

static FlStmt *
prepare (FlPagedQuery *self, const char *sql, GError **error)
{
  FlStmt *stmt = fl_db_prepare (self->db, sql, error);
  for (guint i = 0; stmt != NULL && i < self->params->len; i++)
    sqlite3_bind_text (stmt, i + 1, g_ptr_array_index (self->params, i), -1, SQLITE_TRANSIENT);
  return stmt;
}

gboolean
fl_paged_query_count (FlPagedQuery *self, guint *out_count, GError **error)
{
  g_autoptr(FlStmt) stmt = prepare (self, self->count_sql, error);
  gboolean has_row = FALSE;
  if (stmt == NULL || !fl_stmt_step_row (self->db, stmt, &has_row, error))
    return FALSE;
  *out_count = has_row ? (guint) sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

GPtrArray *
fl_paged_query_fetch (FlPagedQuery *self, guint offset, guint limit, GError **error)
{
  g_autoptr(FlStmt) stmt = prepare (self, self->page_sql, error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int (stmt, sqlite3_bind_parameter_index (stmt, ":page_limit"), (int) limit);
  sqlite3_bind_int64 (stmt, sqlite3_bind_parameter_index (stmt, ":page_offset"), offset);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gboolean has_row = FALSE;
  while (fl_stmt_step_row (self->db, stmt, &has_row, error))
    {
      if (!has_row)
        return g_steal_pointer (&rows);
      g_ptr_array_add (rows, fl_query_row_from_stmt (stmt));
    }
  return NULL;
}
