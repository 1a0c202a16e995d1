#include "fl-test-util.h"

static char *
insert_work_order (FlDb *db, const char *site_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wo = json_object_new ();
  json_object_set_string_member (wo, "ref", "INC-261122-AAA-0001");
  json_object_set_string_member (wo, "kind", "incident");
  json_object_set_string_member (wo, "title", "HIS database server down");
  json_object_set_string_member (wo, "site_id", site_id);
  json_object_set_int_member (wo, "impact", 2);
  json_object_set_int_member (wo, "urgency", 1);
  json_object_set_string_member (wo, "status", "new");
  char *id = NULL;
  g_assert_true (fl_changelog_insert (db, "work_order", wo, &id, &error));
  g_assert_no_error (error);
  return id;
}

static JsonObject *
last_outbox_body (FlDb *db, char **op)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT op, body FROM outbox ORDER BY mid DESC LIMIT 1", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  *op = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  g_autoptr(GError) error = NULL;
  JsonObject *body = fl_record_parse ((const char *) sqlite3_column_text (stmt, 1), -1, &error);
  g_assert_no_error (error);
  return body;
}

static void
test_insert_writes_row_and_mutation (void)
{
  g_autofree char *dir = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *wo = insert_work_order (db, site);
  g_assert_true (fl_uuid_is_valid (wo));
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM work_order"), ==, 1);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox WHERE state = 'pending'"), ==, 2);
  g_autofree char *op = NULL;
  g_autoptr(JsonObject) body = last_outbox_body (db, &op);
  g_assert_cmpstr (op, ==, "insert");
  JsonObject *fields = json_object_get_object_member (body, "fields");
  g_assert_cmpstr (json_object_get_string_member (fields, "title"), ==, "HIS database server down");
  g_assert_cmpint (fl_changelog_pending_count (db, NULL), ==, 2);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* Setting three fields where one already has that value gives one mutation
 * with exactly the two real changes, each with the value seen before. */
static void
test_update_records_only_real_changes (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *wo = insert_work_order (db, site);
  gint64 before = fl_test_count (db, "SELECT count(*) FROM outbox");

  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "status", "assigned");
  json_object_set_string_member (values, "assignee", "zhang.wei");
  json_object_set_int_member (values, "impact", 2);  /* unchanged */
  g_assert_true (fl_changelog_update (db, "work_order", wo, values, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox"), ==, before + 1);

  g_autofree char *op = NULL;
  g_autoptr(JsonObject) body = last_outbox_body (db, &op);
  g_assert_cmpstr (op, ==, "update");
  JsonObject *changes = json_object_get_object_member (body, "changes");
  g_assert_cmpuint (json_object_get_size (changes), ==, 2);
  JsonObject *status = json_object_get_object_member (changes, "status");
  g_assert_cmpstr (json_object_get_string_member (status, "from"), ==, "new");
  g_assert_cmpstr (json_object_get_string_member (status, "to"), ==, "assigned");
  JsonObject *assignee = json_object_get_object_member (changes, "assignee");
  g_assert_true (json_object_get_null_member (assignee, "from"));
  g_assert_cmpstr (json_object_get_string_member (assignee, "to"), ==, "zhang.wei");
  g_assert_false (json_object_has_member (changes, "impact"));

  g_autoptr(JsonObject) row = fl_record_load (db, fl_schema_lookup ("work_order"), wo, &error);
  g_assert_cmpstr (fl_record_get_string (row, "status"), ==, "assigned");

  /* Setting the same values again writes nothing at all. */
  g_assert_true (fl_changelog_update (db, "work_order", wo, values, &error));
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox"), ==, before + 1);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* A failure between writing the row and its mutation leaves neither. */
static void
test_injected_failure_leaves_neither (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *wo = insert_work_order (db, site);
  gint64 outbox_before = fl_test_count (db, "SELECT count(*) FROM outbox");

  fl_db_set_fail_point (db, "changelog-after-row");
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "title", "changed");
  g_assert_false (fl_changelog_update (db, "work_order", wo, values, &error));
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_INJECTED);
  g_clear_error (&error);
  g_autoptr(JsonObject) row = fl_record_load (db, fl_schema_lookup ("work_order"), wo, &error);
  g_assert_cmpstr (fl_record_get_string (row, "title"), ==, "HIS database server down");
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox"), ==, outbox_before);

  fl_db_set_fail_point (db, "changelog-after-row");
  g_autoptr(JsonObject) note = json_object_new ();
  json_object_set_string_member (note, "work_order_id", wo);
  json_object_set_string_member (note, "author", "zhang.wei");
  json_object_set_string_member (note, "at", "2026-11-22T02:00:00.000Z");
  json_object_set_string_member (note, "kind", "note");
  g_autofree char *note_id = NULL;
  g_assert_false (fl_changelog_append (db, "work_log", note, &note_id, &error));
  g_assert_null (note_id);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM work_log"), ==, 0);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox"), ==, outbox_before);
  g_assert_cmpuint (fl_db_transaction_depth (db), ==, 0);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

static void
test_wrong_operation_refused (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "text", "x");
  g_assert_false (fl_changelog_update (db, "work_log", "0192f1d2-0000-7000-8000-000000000001", values, &error));
  g_assert_error (error, FL_CHANGELOG_ERROR, FL_CHANGELOG_ERROR_WRONG_OPERATION);
  g_clear_error (&error);
  g_assert_false (fl_changelog_insert (db, "user", values, NULL, &error));
  g_assert_error (error, FL_CHANGELOG_ERROR, FL_CHANGELOG_ERROR_WRONG_OPERATION);
  g_clear_error (&error);
  g_assert_false (fl_changelog_insert (db, "no_such_table", values, NULL, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_UNKNOWN_TABLE);
  g_clear_error (&error);
  /* Invalid input writes nothing. */
  g_autoptr(JsonObject) bad = json_object_new ();
  json_object_set_string_member (bad, "code", "X");
  g_assert_false (fl_changelog_insert (db, "site", bad, NULL, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MISSING);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox"), ==, 0);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

static void
collect_table (FlDb *db, const char *table, GString *seen)
{
  g_string_append_printf (seen, "%s ", table);
}

static gboolean
append_note_then_fail (FlDb *db, gpointer wo, GError **error)
{
  g_autoptr(JsonObject) note = json_object_new ();
  json_object_set_string_member (note, "work_order_id", wo);
  json_object_set_string_member (note, "author", "zhang.wei");
  json_object_set_string_member (note, "at", "2026-11-22T02:00:00.000Z");
  json_object_set_string_member (note, "kind", "note");
  json_object_set_string_member (note, "text", "Rebooted the switch");
  if (!fl_changelog_append (db, "work_log", note, NULL, error))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CANCELLED, "stop");
  return FALSE;
}

static gboolean
update_title_and_fail_inside (FlDb *db, gpointer wo, GError **error)
{
  g_autoptr(GError) inner = NULL;
  g_assert_false (fl_db_transaction (db, append_note_then_fail, wo, &inner));
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "title", "HIS database server down again");
  return fl_changelog_update (db, "work_order", wo, values, error);
}

/* Each committed write announces every table it wrote, once and right
 * away; a rolled back one (or a rolled back savepoint) announces nothing. */
static void
test_commit_announces_tables (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autoptr(GString) seen = g_string_new (NULL);
  g_autoptr(GString) work_orders = g_string_new (NULL);
  g_signal_connect (db, "changed", G_CALLBACK (collect_table), seen);
  g_signal_connect (db, "changed::work_order", G_CALLBACK (collect_table), work_orders);

  g_autofree char *site = fl_test_insert_site (db);
  g_assert_cmpstr (seen->str, ==, "site outbox ");
  g_assert_cmpstr (work_orders->str, ==, "");

  g_string_truncate (seen, 0);
  g_autofree char *wo = insert_work_order (db, site);
  g_assert_nonnull (strstr (seen->str, "work_order "));
  g_assert_nonnull (strstr (seen->str, "outbox "));
  g_assert_cmpstr (work_orders->str, ==, "work_order ");

  g_string_truncate (seen, 0);
  g_string_truncate (work_orders, 0);
  g_assert_false (fl_db_transaction (db, append_note_then_fail, wo, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&error);
  g_assert_cmpstr (seen->str, ==, "");

  g_assert_true (fl_db_transaction (db, update_title_and_fail_inside, wo, &error));
  g_assert_no_error (error);
  g_assert_null (strstr (seen->str, "work_log"));
  g_assert_cmpstr (work_orders->str, ==, "work_order ");
  g_object_unref (db);
  fl_test_remove_dir (dir);
}

static gpointer
insert_site_in_thread (gpointer db)
{
  return fl_test_insert_site (db);
}

/* A worker's own connection announces its commits on the connection the
 * screens listen to, from the main context, not from the worker. */
static void
test_worker_commits_announced_on_main_context (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autoptr(FlDb) worker = fl_db_open_replica (fl_db_path (db), &error);
  g_assert_no_error (error);
  fl_db_announce_changes_on (worker, db);
  g_autoptr(GString) seen = g_string_new (NULL);
  g_signal_connect (db, "changed", G_CALLBACK (collect_table), seen);

  GThread *thread = g_thread_new ("fl-test-worker", insert_site_in_thread, worker);
  g_autofree char *site = g_thread_join (thread);
  g_assert_nonnull (site);
  g_assert_cmpstr (seen->str, ==, "");
  while (seen->len == 0)
    g_main_context_iteration (NULL, TRUE);
  g_assert_cmpstr (seen->str, ==, "site outbox ");
  g_object_unref (db);
  fl_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/changelog/insert", test_insert_writes_row_and_mutation);
  g_test_add_func ("/changelog/update-real-changes", test_update_records_only_real_changes);
  g_test_add_func ("/changelog/injected-failure", test_injected_failure_leaves_neither);
  g_test_add_func ("/changelog/wrong-operation", test_wrong_operation_refused);
  g_test_add_func ("/changelog/commit-announces-tables", test_commit_announces_tables);
  g_test_add_func ("/changelog/worker-commits-announced", test_worker_commits_announced_on_main_context);
  return g_test_run ();
}
