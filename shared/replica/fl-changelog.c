#include "fl-changelog.h"

#include <glib/gi18n-lib.h>

#include "fl-ids.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-changelog-error-quark, fl_changelog_error)

static const FlTable *
writable_table (const char *table_name, gboolean append, GError **error)
{
  const FlTable *table = fl_schema_lookup (table_name);
  if (table == NULL)
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_UNKNOWN_TABLE,
                   _("There is no table “%s”"), table_name);
      return NULL;
    }
  if (table->kind == FL_TABLE_SERVER_OWNED)
    {
      g_set_error (error, FL_CHANGELOG_ERROR, FL_CHANGELOG_ERROR_WRONG_OPERATION,
                   _("%s records are kept by the server and cannot be changed here"), table->name);
      return NULL;
    }
  if (append != (table->kind == FL_TABLE_APPEND_ONLY))
    {
      g_set_error (error, FL_CHANGELOG_ERROR, FL_CHANGELOG_ERROR_WRONG_OPERATION,
                   append ? _("%s records are changed, not appended") :
                            _("%s is an append-only record: add a new entry instead"),
                   table->name);
      return NULL;
    }
  return table;
}

static gboolean
append_outbox (FlDb *db, const FlTable *table, const char *row_id, const char *op,
               const char *at, const char *payload_member, JsonObject *payload, GError **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  json_object_set_object_member (body, payload_member, json_object_ref (payload));
  g_autofree char *text = fl_record_to_string (body);

  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "INSERT INTO outbox (table_name, row_id, op, at, body) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, op, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (db, stmt, error);
}

static gboolean
write_new_row (FlDb *db, const FlTable *table, JsonObject *fields, const char *op,
               gint64 at_usec, char **out_id, GError **error)
{
  if (!fl_record_validate (table, fields, FL_RECORD_INSERT, NULL, error))
    return FALSE;

  char id[37];
  fl_uuid7_generate (id);
  g_autofree char *now = fl_time_format (at_usec);

  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "version", "1");
  json_object_set_string_member (row, "created_at", now);
  json_object_set_string_member (row, "updated_at", now);
  for (guint i = 0; i < table->n_columns; i++)
    {
      JsonNode *value = json_object_get_member (fields, table->columns[i].name);
      json_object_set_member (row, table->columns[i].name,
                              value != NULL ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
    }

  if (!fl_db_begin (db, error))
    return FALSE;
  if (!fl_record_store (db, table, row, NULL, error) ||
      !fl_db_check_fail_point (db, "changelog-after-row", error) ||
      !append_outbox (db, table, id, op, now, "fields", fields, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  if (!fl_db_commit (db, error))
    return FALSE;
  if (out_id != NULL)
    *out_id = g_strdup (id);
  return TRUE;
}

gboolean
fl_changelog_insert (FlDb *db, const char *table_name, JsonObject *fields,
                     char **out_id, GError **error)
{
  return fl_changelog_insert_at (db, table_name, fields, fl_time_now (), out_id, error);
}

gboolean
fl_changelog_insert_at (FlDb *db, const char *table_name, JsonObject *fields,
                        gint64 at_usec, char **out_id, GError **error)
{
  const FlTable *table = writable_table (table_name, FALSE, error);
  return table != NULL && write_new_row (db, table, fields, "insert", at_usec, out_id, error);
}

gboolean
fl_changelog_append (FlDb *db, const char *table_name, JsonObject *fields,
                     char **out_id, GError **error)
{
  const FlTable *table = writable_table (table_name, TRUE, error);
  return table != NULL && write_new_row (db, table, fields, "append", fl_time_now (), out_id, error);
}

gboolean
fl_changelog_update (FlDb *db, const char *table_name, const char *id,
                     JsonObject *values, GError **error)
{
  const FlTable *table = writable_table (table_name, FALSE, error);
  if (table == NULL || !fl_record_validate (table, values, FL_RECORD_UPDATE, NULL, error))
    return FALSE;

  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(JsonObject) row = fl_record_load (db, table, id, error);
  if (row == NULL)
    {
      fl_db_rollback (db);
      return FALSE;
    }

  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (values);
  for (GList *l = members; l != NULL; l = l->next)
    {
      JsonNode *from = json_object_get_member (row, l->data);
      JsonNode *to = json_object_get_member (values, l->data);
      if (fl_json_node_equal (from, to))
        continue;
      g_autoptr(JsonObject) pair = json_object_new ();
      json_object_set_member (pair, "from", from != NULL ? json_node_copy (from) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (pair, "to", json_node_copy (to));
      json_object_set_object_member (changes, l->data, g_steal_pointer (&pair));
      json_object_set_member (row, l->data, json_node_copy (to));
    }
  if (json_object_get_size (changes) == 0)
    {
      fl_db_rollback (db);
      return TRUE;
    }

  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (row, "updated_at", now);
  if (!fl_record_store (db, table, row, NULL, error) ||
      !fl_db_check_fail_point (db, "changelog-after-row", error) ||
      !append_outbox (db, table, id, "update", now, "changes", changes, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}

gint64
fl_changelog_pending_count (FlDb *db, GError **error)
{
  gint64 n = -1;
  fl_db_query_int64 (db, "SELECT count(*) FROM outbox WHERE state = 'pending'", &n, error);
  return n;
}
