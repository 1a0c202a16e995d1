#include <inttypes.h>
#include "fl-record-store.h"

#include <glib/gi18n-lib.h>

#include "fl-json-guard.h"
#include "fl-stock-ledger.h"

gboolean
fl_model_create_tables (FlDb *db, GError **error)
{
  g_autofree char *sql = fl_schema_create_sql ();
  return fl_db_exec (db, sql, error) && fl_db_exec (db, fl_stock_schema_sql (), error);
}

static gboolean
table_columns (FlDb *db, const char *sql_table, GHashTable *columns, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT name FROM pragma_table_info (?1)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, sql_table, -1, SQLITE_TRANSIENT);
  for (;;)
    {
      gboolean has_row = FALSE;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        return TRUE;
      g_hash_table_add (columns, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
    }
}

gboolean
fl_model_add_new_columns (FlDb *db, const FlTable *table, const char *sql_table, GError **error)
{
  g_autoptr(GHashTable) columns = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  if (!table_columns (db, sql_table != NULL ? sql_table : table->name, columns, error))
    return FALSE;
  /* A table the model did not have yet is made whole. */
  if (g_hash_table_size (columns) == 0)
    {
      if (sql_table != NULL)
        return TRUE;
      g_autofree char *sql = fl_schema_table_sql (table);
      return fl_db_exec (db, sql, error);
    }
  for (guint c = 0; c < table->n_columns; c++)
    if (!g_hash_table_contains (columns, table->columns[c].name))
      {
        g_autofree char *sql = fl_schema_column_sql (table, &table->columns[c], sql_table);
        if (!fl_db_exec (db, sql, error))
          return FALSE;
      }
  return TRUE;
}

gboolean
fl_model_upgrade_tables (FlDb *db, GError **error)
{
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    if (!fl_model_add_new_columns (db, tables[i], NULL, error))
      return FALSE;
  return TRUE;
}

static gboolean
has_model_digest (FlDb *db, const char *digest)
{
  g_autofree char *recorded = fl_db_get_meta (db, FL_META_MODEL_DIGEST);
  return g_strcmp0 (recorded, digest) == 0;
}

gboolean
fl_model_upgrade_when_changed (FlDb *db, const char *digest, FlMigrationFunc upgrade, GError **error)
{
  /* Read outside a transaction first: opening an up-to-date database takes
   * no write lock.  Another connection may upgrade in between, so the
   * digest is read again under the lock. */
  if (has_model_digest (db, digest))
    return TRUE;
  g_autoptr(GError) local_error = NULL;
  if (fl_db_begin (db, &local_error))
    {
      if (has_model_digest (db, digest) ||
          (upgrade (db, &local_error) && fl_db_set_meta (db, FL_META_MODEL_DIGEST, digest, &local_error)))
        {
          if (fl_db_commit (db, &local_error))
            return TRUE;
        }
      else
        fl_db_rollback (db);
    }
  g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_MIGRATION,
               _("Could not bring the database “%s” up to this program's data model: %s"),
               fl_db_path (db), local_error->message);
  return FALSE;
}

/* Per-table SQL built once from the schema; identifiers come from the static
 * description, values are always bound. */
typedef struct {
  char *select_list;
  char *select_by_id;
  char *insert;
  char *update;
  char *delete_by_id;
} TableSql;

static TableSql *
table_sql (const FlTable *table)
{
  static GHashTable *cache;
  static GMutex lock;
  g_mutex_lock (&lock);
  if (cache == NULL)
    cache = g_hash_table_new (g_str_hash, g_str_equal);
  TableSql *sql = g_hash_table_lookup (cache, table->name);
  if (sql == NULL)
    {
      g_autoptr(GString) list = g_string_new ("\"id\", \"version\", \"created_at\", \"updated_at\"");
      g_autoptr(GString) marks = g_string_new ("?, ?, ?, ?");
      g_autoptr(GString) sets = g_string_new ("\"version\" = ?2, \"created_at\" = ?3, \"updated_at\" = ?4");
      g_autoptr(GString) same = g_string_new ("\"version\" IS ?2 AND \"created_at\" IS ?3 AND \"updated_at\" IS ?4");
      for (guint i = 0; i < table->n_columns; i++)
        {
          g_string_append_printf (list, ", \"%s\"", table->columns[i].name);
          g_string_append (marks, ", ?");
          g_string_append_printf (sets, ", \"%s\" = ?%u", table->columns[i].name, i + 5);
          g_string_append_printf (same, " AND \"%s\" IS ?%u", table->columns[i].name, i + 5);
        }
      sql = g_new0 (TableSql, 1);
      sql->select_list = g_strdup (list->str);
      sql->select_by_id = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ?", list->str, table->name);
      sql->insert = g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s) ON CONFLICT (id) DO NOTHING",
                                     table->name, list->str, marks->str);
      /* A row written again as it is (a pulled row this replica holds
       * already) is left alone: no write, no index or trigger work. */
      sql->update = g_strdup_printf ("UPDATE \"%s\" SET %s WHERE id = ?1 AND NOT (%s)", table->name, sets->str,
                                     same->str);
      sql->delete_by_id = g_strdup_printf ("DELETE FROM \"%s\" WHERE id = ?", table->name);
      g_hash_table_insert (cache, (gpointer) table->name, sql);
    }
  g_mutex_unlock (&lock);
  return sql;
}

const char *
fl_record_select_list (const FlTable *table)
{
  return table_sql (table)->select_list;
}

static JsonNode *
column_node (const FlColumn *column, sqlite3_stmt *stmt, int index)
{
  if (sqlite3_column_type (stmt, index) == SQLITE_NULL)
    return json_node_new (JSON_NODE_NULL);
  switch (column != NULL ? column->type : FL_COL_TEXT)
    {
    case FL_COL_INT:
      return json_node_init_int (json_node_alloc (), sqlite3_column_int64 (stmt, index));
    case FL_COL_INT64:
      {
        g_autofree char *digits = g_strdup_printf ("%" PRId64, (gint64) sqlite3_column_int64 (stmt, index));
        return json_node_init_string (json_node_alloc (), digits);
      }
    case FL_COL_BOOL:
      return json_node_init_boolean (json_node_alloc (), sqlite3_column_int64 (stmt, index) != 0);
    case FL_COL_JSON:
      {
        const char *text = (const char *) sqlite3_column_text (stmt, index);
        JsonNode *value = fl_json_guard_parse (text, -1, NULL, NULL);
        return value != NULL ? value : json_node_new (JSON_NODE_NULL);
      }
    default:
      return json_node_init_string (json_node_alloc (), (const char *) sqlite3_column_text (stmt, index));
    }
}

JsonObject *
fl_record_from_stmt (const FlTable *table, sqlite3_stmt *stmt, int first)
{
  JsonObject *row = json_object_new ();
  json_object_set_string_member (row, "id", (const char *) sqlite3_column_text (stmt, first));
  g_autofree char *version = g_strdup_printf ("%" PRId64, (gint64) sqlite3_column_int64 (stmt, first + 1));
  json_object_set_string_member (row, "version", version);
  json_object_set_string_member (row, "created_at", (const char *) sqlite3_column_text (stmt, first + 2));
  json_object_set_string_member (row, "updated_at", (const char *) sqlite3_column_text (stmt, first + 3));
  for (guint i = 0; i < table->n_columns; i++)
    json_object_set_member (row, table->columns[i].name,
                            column_node (&table->columns[i], stmt, first + 4 + (int) i));
  return row;
}

/* The row `id` that `select_by_id` ("SELECT <all columns> ... WHERE id = ?") reads. */
static JsonObject *
load_row (FlDb *db, const FlTable *table, const char *select_by_id, const char *id, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, select_by_id, error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND, _("No %s with id %s"), table->name, id);
      return NULL;
    }
  return fl_record_from_stmt (table, stmt, 0);
}

JsonObject *
fl_record_load (FlDb *db, const FlTable *table, const char *id, GError **error)
{
  return load_row (db, table, table_sql (table)->select_by_id, id, error);
}

JsonObject *
fl_record_load_copy (FlDb *db, const FlTable *table, const char *copy_table, const char *id,
                     GError **error)
{
  /* `copy_table` is the caller's name, never a user's. */
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ?",
                                          fl_record_select_list (table), copy_table);
  return load_row (db, table, sql, id, error);
}

static void
bind_value (sqlite3_stmt *stmt, int index, const FlColumn *column, JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    {
      sqlite3_bind_null (stmt, index);
      return;
    }
  switch (column->type)
    {
    case FL_COL_INT:
    case FL_COL_BOOL:
      sqlite3_bind_int64 (stmt, index, column->type == FL_COL_BOOL ? json_node_get_boolean (value)
                                                                    : json_node_get_int (value));
      break;
    case FL_COL_INT64:
      {
        gint64 v = 0;
        if (json_node_get_value_type (value) == G_TYPE_INT64)
          v = json_node_get_int (value);
        else
          fl_record_parse_int64 (json_node_get_string (value), &v);
        sqlite3_bind_int64 (stmt, index, v);
      }
      break;
    case FL_COL_JSON:
      sqlite3_bind_text (stmt, index, json_to_string (value, FALSE), -1, g_free);
      break;
    default:
      sqlite3_bind_text (stmt, index, json_node_get_string (value), -1, SQLITE_TRANSIENT);
      break;
    }
}

static void
bind_row (sqlite3_stmt *stmt, const FlTable *table, JsonObject *row)
{
  gint64 version = fl_record_get_int (row, "version", 1);
  sqlite3_bind_text (stmt, 1, fl_record_get_string (row, "id"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, version);
  sqlite3_bind_text (stmt, 3, fl_record_get_string (row, "created_at"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, fl_record_get_string (row, "updated_at"), -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < table->n_columns; i++)
    bind_value (stmt, (int) i + 5, &table->columns[i],
                json_object_get_member (row, table->columns[i].name));
}

gboolean
fl_record_replace (FlDb *db, const FlTable *table, JsonObject *row, GError **error)
{
  g_return_val_if_fail (table->kind != FL_TABLE_APPEND_ONLY, FALSE);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, table_sql (table)->update, error);
  if (stmt == NULL)
    return FALSE;
  bind_row (stmt, table, row);
  return fl_stmt_step_done (db, stmt, error);
}

gboolean
fl_record_store (FlDb *db, const FlTable *table, JsonObject *row, gboolean *inserted, GError **error)
{
  gboolean is_new;
  {
    g_autoptr(FlStmt) stmt = fl_db_prepare (db, table_sql (table)->insert, error);
    if (stmt == NULL)
      return FALSE;
    bind_row (stmt, table, row);
    if (!fl_stmt_step_done (db, stmt, error))
      return FALSE;
    is_new = sqlite3_changes (fl_db_handle (db)) > 0;
  }
  if (!is_new && table->kind != FL_TABLE_APPEND_ONLY && !fl_record_replace (db, table, row, error))
    return FALSE;
  if (inserted != NULL)
    *inserted = is_new;
  return TRUE;
}

char *
fl_record_id_list (GPtrArray *ids)
{
  g_autoptr(JsonArray) array = json_array_sized_new (ids->len);
  for (guint i = 0; i < ids->len; i++)
    json_array_add_string_element (array, g_ptr_array_index (ids, i));
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), array);
  return json_to_string (node, FALSE);
}

gboolean
fl_record_set_fields_copy (FlDb *db, const FlTable *table, const char *copy_table, const char *id,
                           JsonObject *values, GError **error)
{
  if (json_object_get_size (values) == 0)
    return TRUE;
  /* Only names of the static schema go into the text (`copy_table` is the
   * caller's, never a user's); a statement per set of columns, cached. */
  g_autoptr(GString) sql = g_string_new (NULL);
  g_string_printf (sql, "UPDATE \"%s\" SET ", copy_table);
  g_autoptr(GPtrArray) columns = g_ptr_array_new ();
  for (guint i = 0; i < table->n_columns; i++)
    if (json_object_has_member (values, table->columns[i].name))
      {
        g_string_append_printf (sql, "%s\"%s\" = ?%u", columns->len > 0 ? ", " : "", table->columns[i].name,
                                columns->len + 2);
        g_ptr_array_add (columns, (gpointer) &table->columns[i]);
      }
  if (columns->len == 0)
    return TRUE;
  g_string_append (sql, " WHERE id = ?1");
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql->str, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  for (guint i = 0; i < columns->len; i++)
    {
      const FlColumn *column = columns->pdata[i];
      bind_value (stmt, (int) i + 2, column, json_object_get_member (values, column->name));
    }
  return fl_stmt_step_done (db, stmt, error);
}

gboolean
fl_record_forget (FlDb *db, const FlTable *table, const char *id, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, table_sql (table)->delete_by_id, error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (db, stmt, error);
}
