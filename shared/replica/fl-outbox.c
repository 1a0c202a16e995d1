#include <inttypes.h>
#include "fl-outbox.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-changelog.h"
#include "fl-merge.h"
#include "fl-record.h"
#include "fl-record-store.h"
#include "fl-sync-shadow.h"
#include "fl-time.h"
#include "fl-update-rules.h"

G_DEFINE_QUARK (fl-outbox-error-quark, fl_outbox_error)

#define ENTRY_COLUMNS "mid, table_name, row_id, op, at, body, state, error, result, resolution"
#define OF_OUTBOX_COLUMNS "outbox.mid, outbox.table_name, outbox.row_id, outbox.op, outbox.at, outbox.body," \
                          " outbox.state, outbox.error, outbox.result, outbox.resolution"

void
fl_outbox_entry_free (FlOutboxEntry *entry)
{
  if (entry == NULL)
    return;
  g_free (entry->table);
  g_free (entry->row_id);
  g_clear_pointer (&entry->payload, json_object_unref);
  g_free (entry->state);
  g_free (entry->error);
  g_clear_pointer (&entry->conflicts, g_ptr_array_unref);
  g_free (entry->resolution);
  g_free (entry);
}

FlMutation *
fl_outbox_entry_to_mutation (const FlOutboxEntry *entry)
{
  return fl_mutation_new (entry->mid, entry->table, entry->row_id, entry->op, entry->at, entry->payload);
}

static JsonObject *
parse_object (const char *text)
{
  if (text == NULL)
    return NULL;
  return fl_record_parse (text, -1, NULL);
}

static FlOutboxEntry *
entry_from_stmt (sqlite3_stmt *stmt)
{
  FlOutboxEntry *entry = g_new0 (FlOutboxEntry, 1);
  entry->mid = sqlite3_column_int64 (stmt, 0);
  entry->table = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  entry->row_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  if (!fl_mutation_op_from_string ((const char *) sqlite3_column_text (stmt, 3), &entry->op))
    entry->op = FL_MUTATION_INSERT;
  if (!fl_time_parse ((const char *) sqlite3_column_text (stmt, 4), &entry->at, NULL))
    entry->at = 0;
  g_autoptr(JsonObject) body = parse_object ((const char *) sqlite3_column_text (stmt, 5));
  const char *member = entry->op == FL_MUTATION_UPDATE ? "changes" : "fields";
  if (body != NULL && json_object_has_member (body, member) &&
      JSON_NODE_HOLDS_OBJECT (json_object_get_member (body, member)))
    entry->payload = json_object_ref (json_object_get_object_member (body, member));
  else
    entry->payload = json_object_new ();
  entry->state = g_strdup ((const char *) sqlite3_column_text (stmt, 6));
  entry->error = g_strdup ((const char *) sqlite3_column_text (stmt, 7));
  entry->conflicts = fl_conflict_array_new ();
  const char *result_text = (const char *) sqlite3_column_text (stmt, 8);
  if (result_text != NULL)
    {
      g_autoptr(JsonNode) node = fl_protocol_parse (result_text, strlen (result_text), NULL);
      g_autoptr(FlMutationResult) result = node != NULL ? fl_mutation_result_from_json (node, NULL) : NULL;
      if (result != NULL)
        {
          g_ptr_array_unref (entry->conflicts);
          entry->conflicts = g_ptr_array_ref (result->conflicts);
        }
    }
  entry->resolution = g_strdup ((const char *) sqlite3_column_text (stmt, 9));
  return entry;
}

static GPtrArray *
collect_entries (FlDb *db, sqlite3_stmt *stmt, GError **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_outbox_entry_free);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      g_ptr_array_add (entries, entry_from_stmt (stmt));
    }
  return g_steal_pointer (&entries);
}

FlOutboxEntry *
fl_outbox_get (FlDb *db, gint64 mid, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT " ENTRY_COLUMNS " FROM outbox WHERE mid = ?", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, mid);
  g_autoptr(GPtrArray) entries = collect_entries (db, stmt, error);
  if (entries == NULL)
    return NULL;
  if (entries->len == 0)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND,
                   _("There is no change number %" PRId64 " in the outbox"), mid);
      return NULL;
    }
  return g_ptr_array_steal_index (entries, 0);
}

GPtrArray *
fl_outbox_pending (FlDb *db, gint64 after_mid, guint limit, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT " ENTRY_COLUMNS " FROM outbox WHERE state = 'pending' AND mid > ? ORDER BY mid LIMIT ?",
      error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, after_mid);
  sqlite3_bind_int64 (stmt, 2, limit);
  return collect_entries (db, stmt, error);
}

GPtrArray *
fl_outbox_pending_updates (FlDb *db, const char *table, const char *row_id, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT " ENTRY_COLUMNS " FROM outbox WHERE table_name = ? AND row_id = ? "
      "AND op = 'update' AND state = 'pending' ORDER BY mid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_TRANSIENT);
  return collect_entries (db, stmt, error);
}

GHashTable *
fl_outbox_pending_updates_of_rows (FlDb *db, const char *table, GPtrArray *row_ids, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      /* From the rows to their entries (CROSS JOIN keeps that order, the
       * index of rows serves it): not through the index of states, which
       * would read every pending entry for each batch. */
      "SELECT " OF_OUTBOX_COLUMNS " FROM json_each (?2) AS r CROSS JOIN outbox"
      " WHERE outbox.table_name = ?1 AND outbox.row_id = r.value AND outbox.op = 'update'"
      " AND +outbox.state = 'pending' ORDER BY outbox.mid", error);
  if (stmt == NULL)
    return NULL;
  g_autofree char *list = fl_record_id_list (row_ids);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, list, -1, SQLITE_TRANSIENT);
  GPtrArray *entries = collect_entries (db, stmt, error);
  if (entries == NULL)
    return NULL;
  gsize n;
  g_autofree FlOutboxEntry **all = (FlOutboxEntry **) g_ptr_array_steal (entries, &n);
  g_ptr_array_unref (entries);
  GHashTable *rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_ptr_array_unref);
  for (gsize i = 0; i < n; i++)
    {
      GPtrArray *of_row = g_hash_table_lookup (rows, all[i]->row_id);
      if (of_row == NULL)
        {
          of_row = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_outbox_entry_free);
          g_hash_table_insert (rows, g_strdup (all[i]->row_id), of_row);
        }
      g_ptr_array_add (of_row, all[i]);
    }
  return rows;
}

GPtrArray *
fl_outbox_unresolved (FlDb *db, const char *state, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT " ENTRY_COLUMNS " FROM outbox WHERE resolution IS NULL "
      "AND state IN ('conflict', 'rejected') AND (?1 IS NULL OR state = ?1) ORDER BY mid", error);
  if (stmt == NULL)
    return NULL;
  if (state != NULL)
    sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  return collect_entries (db, stmt, error);
}

gint64
fl_outbox_count (FlDb *db, const char *state, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT count(*) FROM outbox WHERE state = ? AND resolution IS NULL", error);
  gboolean has_row;
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, state, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return -1;
  return sqlite3_column_int64 (stmt, 0);
}

char *
fl_outbox_row_key (const char *table, const char *row_id)
{
  return g_strconcat (table, "\037", row_id, NULL);
}

GHashTable *
fl_outbox_rows_with_pending_updates (FlDb *db, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT DISTINCT table_name, row_id FROM outbox WHERE state = 'pending' AND op = 'update'", error);
  if (stmt == NULL)
    return NULL;
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      g_hash_table_add (rows, fl_outbox_row_key ((const char *) sqlite3_column_text (stmt, 0),
                                                 (const char *) sqlite3_column_text (stmt, 1)));
    }
  return g_steal_pointer (&rows);
}

gboolean
fl_outbox_set_changes (FlDb *db, gint64 mid, JsonObject *changes, GError **error)
{
  g_autoptr(JsonObject) body = json_object_new ();
  json_object_set_object_member (body, "changes", json_object_ref (changes));
  g_autofree char *text = fl_record_to_string (body);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "UPDATE outbox SET body = ? WHERE mid = ? AND state = 'pending'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mid);
  return fl_stmt_step_done (db, stmt, error);
}

GArray *
fl_outbox_record_results (FlDb *db, GPtrArray *results, GError **error)
{
  g_autoptr(JsonBuilder) builder = json_builder_new ();
  json_builder_begin_array (builder);
  for (guint i = 0; i < results->len; i++)
    {
      const FlMutationResult *result = g_ptr_array_index (results, i);
      g_autoptr(JsonNode) node = fl_mutation_result_to_json (result);
      g_autofree char *text = fl_protocol_to_string (node, NULL);
      json_builder_begin_object (builder);
      json_builder_set_member_name (builder, "mid");
      json_builder_add_int_value (builder, result->mid);
      json_builder_set_member_name (builder, "state");
      json_builder_add_string_value (builder, fl_result_status_to_string (result->status));
      json_builder_set_member_name (builder, "error");
      if (result->error != NULL)
        json_builder_add_string_value (builder, result->error);
      else
        json_builder_add_null_value (builder);
      json_builder_set_member_name (builder, "result");
      json_builder_add_string_value (builder, text);
      json_builder_end_object (builder);
    }
  json_builder_end_array (builder);
  g_autoptr(JsonNode) answers = json_builder_get_root (builder);
  g_autofree char *text = fl_protocol_to_string (answers, NULL);

  /* Each answer finds its entry by mid ("+state": not through the index of
   * states, which would read every answer for every pending entry). */
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "UPDATE outbox SET state = a.value ->> 'state', error = a.value ->> 'error', result = a.value ->> 'result'"
      "  FROM json_each (?1) AS a"
      " WHERE outbox.mid = a.value ->> 'mid' AND +outbox.state = 'pending'"
      " RETURNING outbox.mid", error);
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, text, -1, SQLITE_TRANSIENT);
  g_autoptr(GHashTable) answered = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, NULL);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      gint64 mid = sqlite3_column_int64 (stmt, 0);
      g_hash_table_add (answered, g_memdup2 (&mid, sizeof mid));
    }
  GArray *recorded = g_array_sized_new (FALSE, FALSE, sizeof (gboolean), results->len);
  for (guint i = 0; i < results->len; i++)
    {
      const FlMutationResult *result = g_ptr_array_index (results, i);
      gboolean was_recorded = g_hash_table_contains (answered, &result->mid);
      g_array_append_val (recorded, was_recorded);
    }
  return recorded;
}

gboolean
fl_outbox_reject (FlDb *db, gint64 mid, const char *reason, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "UPDATE outbox SET state = 'rejected', error = ? WHERE mid = ? AND state = 'pending'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, reason, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mid);
  return fl_stmt_step_done (db, stmt, error);
}

gboolean
fl_outbox_resolve (FlDb *db, gint64 mid, const char *resolution, GError **error)
{
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "UPDATE outbox SET resolution = ?, resolved_at = ? WHERE mid = ?", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, resolution, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, now, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, mid);
  return fl_stmt_step_done (db, stmt, error);
}

gboolean
fl_outbox_requeue (FlDb *db, const FlOutboxEntry *entry, gint64 *out_mid, GError **error)
{
  g_return_val_if_fail (entry->op != FL_MUTATION_UPDATE, FALSE);
  g_autoptr(JsonObject) body = json_object_new ();
  json_object_set_object_member (body, "fields", json_object_ref (entry->payload));
  g_autofree char *text = fl_record_to_string (body);
  /* The retry keeps the time the user did it: that is the fact recorded. */
  g_autofree char *at = fl_time_format (entry->at);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "INSERT INTO outbox (table_name, row_id, op, at, body) VALUES (?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, entry->table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, entry->row_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, fl_mutation_op_to_string (entry->op), -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 4, at, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 5, text, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_done (db, stmt, error))
    return FALSE;
  if (out_mid != NULL)
    *out_mid = sqlite3_last_insert_rowid (fl_db_handle (db));
  return TRUE;
}

/* ---- what the user sees and does ---- */

FlRecordSyncState
fl_outbox_record_state (FlDb *db, const char *table, const char *id)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT max(CASE WHEN state = 'rejected' AND resolution IS NULL THEN 3 "
      "                WHEN state = 'conflict' AND resolution IS NULL THEN 2 "
      "                WHEN state = 'pending' THEN 1 ELSE 0 END) "
      "FROM outbox WHERE table_name = ? AND row_id = ?", NULL);
  gboolean has_row;
  if (stmt == NULL)
    return FL_RECORD_SYNCED;
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, NULL) || !has_row)
    return FL_RECORD_SYNCED;
  switch (sqlite3_column_int (stmt, 0))
    {
    case 3: return FL_RECORD_REJECTED;
    case 2: return FL_RECORD_CONFLICT;
    case 1: return FL_RECORD_PENDING;
    default: return FL_RECORD_SYNCED;
    }
}

static FlOutboxEntry *
unresolved_entry (FlDb *db, gint64 mid, const char *state, GError **error)
{
  FlOutboxEntry *entry = fl_outbox_get (db, mid, error);
  if (entry == NULL)
    return NULL;
  gboolean wrong = entry->resolution != NULL ||
                   (state != NULL ? g_strcmp0 (entry->state, state) != 0
                                  : g_strcmp0 (entry->state, "conflict") != 0 &&
                                    g_strcmp0 (entry->state, "rejected") != 0);
  if (wrong)
    {
      if (entry->resolution != NULL)
        g_set_error (error, FL_OUTBOX_ERROR, FL_OUTBOX_ERROR_WRONG_STATE,
                     _("Change %" PRId64 " was already dealt with (%s)"), mid, entry->resolution);
      else
        g_set_error (error, FL_OUTBOX_ERROR, FL_OUTBOX_ERROR_WRONG_STATE,
                     _("Change %" PRId64 " is %s, not %s"), mid, entry->state,
                     state != NULL ? state : _("a conflict or a rejection"));
      fl_outbox_entry_free (entry);
      return NULL;
    }
  return entry;
}

gboolean
fl_outbox_check_keep_mine (FlDb *db, const FlOutboxEntry *entry, FlRole role, const char *actor,
                           GError **error)
{
  const FlTable *table = fl_schema_lookup (entry->table);
  if (table == NULL)
    return fl_access_check_write (role, entry->table, "update", error);
  if (!fl_access_check_write (role, table->name, "update", error))
    return FALSE;
  g_autoptr(JsonObject) before = fl_record_load (db, table, entry->row_id, error);
  if (before == NULL)
    return FALSE;
  g_autoptr(JsonObject) mine = json_object_new ();
  for (guint i = 0; i < entry->conflicts->len; i++)
    {
      FlConflict *conflict = g_ptr_array_index (entry->conflicts, i);
      /* The rules apply to the row as the server has it. */
      if (conflict->theirs != NULL)
        json_object_set_member (before, conflict->field, json_node_copy (conflict->theirs));
      json_object_set_member (mine, conflict->field,
                              conflict->mine != NULL ? json_node_copy (conflict->mine) : json_node_new (JSON_NODE_NULL));
    }
  if (!fl_update_check_asked (table, mine, error) ||
      !fl_record_validate (table, mine, FL_RECORD_UPDATE, NULL, error))
    return FALSE;
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GList) fields = json_object_get_members (mine);
  for (GList *l = fields; l != NULL; l = l->next)
    if (!fl_json_node_equal (json_object_get_member (mine, l->data), json_object_get_member (before, l->data)))
      json_object_set_member (apply, l->data, json_node_copy (json_object_get_member (mine, l->data)));
  g_autoptr(JsonObject) after = json_object_new ();
  fl_merge_apply (after, before);
  fl_merge_apply (after, apply);
  return fl_update_check (table, role, actor, before, after, apply, error);
}

gboolean
fl_outbox_resolve_conflict (FlDb *db, gint64 mid, gboolean keep_mine, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(FlOutboxEntry) entry = unresolved_entry (db, mid, "conflict", error);
  gboolean ok = entry != NULL;
  if (ok && keep_mine && entry->conflicts->len > 0)
    {
      /* An ordinary update from the value the server kept to mine: it
       * travels as a new mutation and merges like any other. */
      g_autoptr(JsonObject) values = json_object_new ();
      for (guint i = 0; i < entry->conflicts->len; i++)
        {
          FlConflict *conflict = g_ptr_array_index (entry->conflicts, i);
          json_object_set_member (values, conflict->field, json_node_copy (conflict->mine));
        }
      ok = fl_changelog_update (db, entry->table, entry->row_id, values, error);
    }
  ok = ok && fl_outbox_resolve (db, mid, keep_mine ? "kept_mine" : "kept_theirs", error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}

gboolean
fl_outbox_retry (FlDb *db, gint64 mid, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(FlOutboxEntry) entry = unresolved_entry (db, mid, "rejected", error);
  gboolean ok = entry != NULL;
  if (ok && entry->op == FL_MUTATION_UPDATE)
    {
      g_autoptr(JsonObject) values = json_object_new ();
      g_autoptr(GList) fields = json_object_get_members (entry->payload);
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonNode *change = json_object_get_member (entry->payload, l->data);
          JsonNode *to = change != NULL && JSON_NODE_HOLDS_OBJECT (change)
            ? json_object_get_member (json_node_get_object (change), "to") : NULL;
          json_object_set_member (values, l->data, to != NULL ? json_node_copy (to) : json_node_new (JSON_NODE_NULL));
        }
      ok = fl_changelog_update (db, entry->table, entry->row_id, values, error);
    }
  else if (ok)
    ok = fl_outbox_requeue (db, entry, NULL, error);
  ok = ok && fl_outbox_resolve (db, mid, "retried", error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}

gboolean
fl_outbox_discard (FlDb *db, gint64 mid, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  g_autoptr(FlOutboxEntry) entry = unresolved_entry (db, mid, NULL, error);
  gboolean ok = entry != NULL;
  if (ok && entry->op != FL_MUTATION_UPDATE && g_strcmp0 (entry->state, "rejected") == 0)
    {
      /* A new record the server refused leaves the replica (its content
       * stays in the outbox entry). */
      const FlTable *table = fl_schema_lookup (entry->table);
      ok = table == NULL || (fl_record_forget (db, table, entry->row_id, error) &&
                             fl_sync_shadow_delete (db, table, entry->row_id, error));
    }
  ok = ok && fl_outbox_resolve (db, mid, g_strcmp0 (entry->state, "conflict") == 0 ? "kept_theirs" : "discarded",
                                error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}
