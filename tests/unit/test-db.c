#include <glib/gstdio.h>

#include "fl-test-util.h"

static void
test_migrations_empty_and_reopen (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  guint n_migrations = 0;
  const FlMigration *migrations = fl_replica_migrations (&n_migrations);
  int latest = migrations[n_migrations - 1].version;

  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autofree char *path = g_strdup (fl_db_path (db));
  g_assert_cmpint (fl_db_schema_version (db), ==, latest);
  /* Every model table exists and is empty. */
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM \"%s\"", tables[i]->name);
      g_assert_cmpint (fl_test_count (db, sql), ==, 0);
    }
  g_autofree char *site = fl_test_insert_site (db);
  g_object_unref (db);

  /* Re-opening keeps the data and runs no migration again. */
  db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_db_schema_version (db), ==, latest);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM site"), ==, 1);
  g_autofree char *code = fl_db_get_meta (db, FL_META_DEVICE_CODE);
  g_assert_cmpstr (code, ==, "AAA");
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

static void
test_newer_file_refused (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autofree char *path = g_strdup (fl_db_path (db));
  fl_db_exec (db, "PRAGMA user_version = 999", &error);
  g_assert_no_error (error);
  g_object_unref (db);

  db = fl_db_open_replica (path, &error);
  g_assert_null (db);
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "newer"));
  fl_test_remove_tree (dir);
}

static gboolean
failing_migration (FlDb *db, GError **error)
{
  if (!fl_db_exec (db, "CREATE TABLE half_done (x)", error))
    return FALSE;
  return fl_db_exec (db, "THIS IS NOT SQL", error);
}

/* A migration that fails leaves the file at the previous version with none
 * of its changes, and says which version failed. */
static void
test_failed_migration_leaves_nothing (void)
{
  static const FlMigration migrations[] = {
    { 1, "CREATE TABLE first (x)", NULL },
    { 2, NULL, failing_migration },
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldline-test-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "m.db", NULL);
  FlDb *db = fl_db_open (path, migrations, 2, &error);
  g_assert_null (db);
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_MIGRATION);
  g_assert_nonnull (strstr (error->message, "schema 2"));
  g_clear_error (&error);

  db = fl_db_open (path, migrations, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_db_schema_version (db), ==, 1);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM sqlite_schema WHERE name = 'half_done'"), ==, 0);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* A replica made by a model without a mutable table and a column gets
 * both when this version opens it, with no migration number: its recorded
 * model digest differs.  The new table gets its sync shadow, the old
 * shadow the new column, so a local update still takes a whole shadow. */
static void
test_model_change_reaches_old_replica (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldline-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "replica.db", NULL);
  {
    g_autoptr(FlDb) old = fl_db_open_replica (path, &error);
    g_assert_no_error (error);
    /* What an older model made, before replicas recorded a digest. */
    g_assert_true (fl_db_exec (old,
        "DROP TABLE part;"
        "DROP TABLE sync_shadow_part;"
        "ALTER TABLE work_order DROP COLUMN visited_at;"
        "ALTER TABLE sync_shadow_work_order DROP COLUMN visited_at;"
        "DELETE FROM meta WHERE key = '" FL_META_MODEL_DIGEST "';", &error));
    g_assert_no_error (error);
  }
  g_autoptr(FlDb) db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  g_assert_true (fl_test_has_column (db, "work_order", "visited_at"));
  g_assert_true (fl_test_has_column (db, "sync_shadow_work_order", "visited_at"));
  g_assert_true (fl_test_has_column (db, "part", "serial_tracked"));
  g_assert_true (fl_test_has_column (db, "sync_shadow_part", "serial_tracked"));
  g_autofree char *digest = fl_db_get_meta (db, FL_META_MODEL_DIGEST);
  g_autofree char *own = fl_schema_digest (NULL);
  g_assert_cmpstr (digest, ==, own);

  g_autofree char *part = fl_test_insert (db, "part",
                                          "{\"sku\": \"PSU-1\", \"name\": \"Power supply\", \"unit\": \"pcs\"}");
  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"INC-1\", \"kind\": \"incident\", \"title\": \"Down\", \"site_id\": \"%s\","
      " \"impact\": 2, \"urgency\": 2, \"status\": \"new\", \"visited_at\": \"2026-11-22T10:00:00.000Z\"}",
      site);
  g_autofree char *order = fl_test_insert (db, "work_order", json);
  /* Pretend the server has both, so that the updates take shadows. */
  g_assert_true (fl_db_exec (db, "DELETE FROM outbox", &error));
  g_autoptr(JsonObject) name = json_object_new ();
  json_object_set_string_member (name, "name", "Power supply 500 W");
  g_assert_true (fl_changelog_update (db, "part", part, name, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) line = json_object_new ();
  json_object_set_string_member (line, "support_line", "second");
  g_assert_true (fl_changelog_update (db, "work_order", order, line, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM sync_shadow_part WHERE name = 'Power supply'"), ==, 1);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM sync_shadow_work_order"
                                      " WHERE visited_at = '2026-11-22T10:00:00.000Z'"), ==, 1);
  g_clear_object (&db);
  fl_test_remove_tree (dir);
}

static gboolean
insert_then_fail (FlDb *db, gpointer data, GError **error)
{
  if (!fl_db_set_meta (db, "k", "v", error))
    return FALSE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_FAILED, "stop");
  return FALSE;
}

static gboolean
nested_ok (FlDb *db, gpointer data, GError **error)
{
  g_autoptr(GError) inner = NULL;
  /* An inner failure rolls back only its own savepoint. */
  g_assert_false (fl_db_transaction (db, insert_then_fail, NULL, &inner));
  g_assert_cmpuint (fl_db_transaction_depth (db), ==, 1);
  return fl_db_set_meta (db, "outer", "yes", error);
}

static void
test_transactions_nest (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);

  g_assert_false (fl_db_transaction (db, insert_then_fail, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_null (fl_db_get_meta (db, "k"));

  g_assert_true (fl_db_transaction (db, nested_ok, NULL, &error));
  g_assert_no_error (error);
  g_assert_null (fl_db_get_meta (db, "k"));
  g_autofree char *outer = fl_db_get_meta (db, "outer");
  g_assert_cmpstr (outer, ==, "yes");
  g_assert_cmpuint (fl_db_transaction_depth (db), ==, 0);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

static void
test_wal_and_foreign_keys (void)
{
  g_autofree char *dir = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "PRAGMA journal_mode", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, "wal");
  g_assert_cmpint (fl_test_count (db, "PRAGMA foreign_keys"), ==, 1);
  g_clear_pointer (&stmt, fl_stmt_release);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* ---- replacing the file ---- */

static gboolean
copy_marker_in (FlDb *source, gpointer user_data, GError **error)
{
  const char *value = user_data;
  if (value == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "prepare failed");
      return FALSE;
    }
  return fl_db_set_meta (source, "which", value, error);
}

static FlDb *
incoming (const char *dir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  FlDb *db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  return db;
}

static guint
files_in (const char *dir)
{
  g_autoptr(GDir) listing = g_dir_open (dir, 0, NULL);
  guint n = 0;
  while (g_dir_read_name (listing) != NULL)
    n++;
  return n;
}

/* `relative`: the replica named relative to the working folder, the files
 * moved in by their full names. */
static void
test_replace_moves_file_in (gconstpointer relative)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *a = fl_test_replica ("AAA", &dir);
  g_autofree char *path = g_strdup (fl_db_path (a));
  g_autofree char *cwd = g_get_current_dir ();
  if (GPOINTER_TO_INT (relative))
    {
      g_autofree char *name = g_path_get_basename (path);
      g_object_unref (a);
      g_assert_cmpint (g_chdir (dir), ==, 0);
      a = fl_db_open_replica (name, &error);
      g_assert_no_error (error);
      g_free (path);
      path = g_steal_pointer (&name);
    }
  g_assert_true (fl_db_set_meta (a, "which", "old", &error));
  /* Another connection to the file, with a statement in its cache. */
  g_autoptr(FlDb) b = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  g_autofree char *before = fl_db_get_meta (b, "which");
  g_assert_cmpstr (before, ==, "old");
  sqlite3 *b_old = fl_db_handle (b);
  gint64 b_version = 0, b_pragma = 0;
  g_assert_true (fl_db_data_version (b, &b_version, &error));
  g_assert_true (fl_db_query_int64 (b, "PRAGMA data_version", &b_pragma, &error));

  /* A failing preparation replaces nothing. */
  g_autoptr(FlDb) spoiled = incoming (dir, "spoiled.db");
  g_assert_false (fl_db_replace (a, spoiled, copy_marker_in, NULL, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_FAILED);
  g_clear_error (&error);
  g_assert_false (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  g_autofree char *still = fl_db_get_meta (a, "which");
  g_assert_cmpstr (still, ==, "old");
  fl_db_close (spoiled);
  g_autofree char *spoiled_path = g_build_filename (dir, "spoiled.db", NULL);
  g_unlink (spoiled_path);

  g_autoptr(FlDb) first = incoming (dir, "incoming.db");
  g_assert_true (fl_db_replace (a, first, copy_marker_in, (gpointer) "first", &error));
  g_assert_no_error (error);
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_SYMLINK));
  g_autofree char *incoming_path = g_build_filename (dir, "incoming.db", NULL);
  g_assert_false (g_file_test (incoming_path, G_FILE_TEST_EXISTS));

  /* A write through the old file, past every check, fails: the old file
   * stays locked; it is not lost without a word. */
  sqlite3_busy_timeout (b_old, 50);
  int rc = sqlite3_exec (b_old, "INSERT INTO meta (key, value) VALUES ('lost', 'yes')", NULL, NULL, NULL);
  g_assert_cmpint (rc & 0xff, ==, SQLITE_BUSY);

  /* Both connections now read and write the new file. */
  g_autofree char *in_a = fl_db_get_meta (a, "which");
  g_autofree char *in_b = fl_db_get_meta (b, "which");
  g_assert_cmpstr (in_a, ==, "first");
  g_assert_cmpstr (in_b, ==, "first");
  /* The new file's own counter starts where the old one stood (nobody else
   * wrote to either since b read it), yet the version says it changed: a
   * cache keyed on it reads the new file again. */
  gint64 b_pragma_after = 0, b_version_after = 0;
  g_assert_true (fl_db_query_int64 (b, "PRAGMA data_version", &b_pragma_after, &error));
  g_assert_cmpint (b_pragma_after, ==, b_pragma);
  g_assert_true (fl_db_data_version (b, &b_version_after, &error));
  g_assert_cmpint (b_version_after, !=, b_version);
  g_assert_true (fl_db_begin (b, &error));
  g_assert_true (fl_db_set_meta (b, "from_b", "yes", &error));
  g_assert_true (fl_db_commit (b, &error));
  g_assert_no_error (error);
  {
    g_autoptr(FlDb) fresh = fl_db_open_replica (path, &error);
    g_assert_no_error (error);
    g_autofree char *from_b = fl_db_get_meta (fresh, "from_b");
    g_assert_cmpstr (from_b, ==, "yes");
  }

  /* A second replacement leaves only the link and the newest file (with
   * its log while it is open). */
  g_autoptr(FlDb) second = incoming (dir, "incoming.db");
  g_assert_true (fl_db_replace (a, second, copy_marker_in, (gpointer) "second", &error));
  g_assert_no_error (error);
  g_autofree char *now_b = fl_db_get_meta (b, "which");
  g_assert_cmpstr (now_b, ==, "second");
  g_object_unref (a);
  g_clear_object (&b);
  g_assert_cmpuint (files_in (dir), ==, 2);
  {
    g_autoptr(FlDb) reopened = fl_db_open_replica (path, &error);
    g_assert_no_error (error);
    g_autofree char *which = fl_db_get_meta (reopened, "which");
    g_assert_cmpstr (which, ==, "second");
    g_autofree char *from_b = fl_db_get_meta (reopened, "from_b");
    g_assert_null (from_b);
  }
  g_assert_cmpint (g_chdir (cwd), ==, 0);
  fl_test_remove_tree (dir);
}

/* A copy is what in-memory databases get. */
static void
test_replace_in_memory_copies (void)
{
  g_autoptr(GError) error = NULL;
  guint n = 0;
  const FlMigration *migrations = fl_replica_migrations (&n);
  g_autoptr(FlDb) db = fl_db_open (":memory:", migrations, n, &error);
  g_autoptr(FlDb) source = fl_db_open (":memory:", migrations, n, &error);
  g_assert_no_error (error);
  g_assert_true (fl_db_replace (db, source, copy_marker_in, (gpointer) "copied", &error));
  g_assert_no_error (error);
  g_autofree char *which = fl_db_get_meta (db, "which");
  g_assert_cmpstr (which, ==, "copied");
}

static gboolean
quit_loop (gpointer data)
{
  g_main_loop_quit (data);
  return G_SOURCE_REMOVE;
}

/* The replaced file is let go from the main loop some seconds after the
 * connection that replaced it is gone: nothing of that connection is
 * touched then. */
static void
test_replace_parked_outlives_connection (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *a = fl_test_replica ("AAA", &dir);
  g_autoptr(FlDb) source = incoming (dir, "incoming.db");
  g_assert_true (fl_db_replace (a, source, copy_marker_in, (gpointer) "new", &error));
  g_assert_no_error (error);
  g_object_unref (a);
  g_autoptr(GMainLoop) loop = g_main_loop_new (NULL, FALSE);
  g_timeout_add_seconds (11, quit_loop, loop);
  g_main_loop_run (loop);
  fl_test_remove_tree (dir);
}

/* The database ends the whole transaction while a savepoint in it is
 * undone (as SQLite may on a full disk): nothing commits at any level
 * until the outermost is undone, so no write is reported kept that is not. */
static void
test_transaction_ended_under_savepoint (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("AAA", &dir);
  g_assert_true (fl_db_begin (db, &error));
  g_assert_true (fl_db_set_meta (db, "first", "yes", &error));
  g_assert_true (fl_db_begin (db, &error));
  g_assert_true (fl_db_set_meta (db, "second", "yes", &error));
  g_assert_cmpint (sqlite3_exec (fl_db_handle (db), "ROLLBACK", NULL, NULL, NULL), ==, SQLITE_OK);
  fl_db_rollback (db);

  /* A next savepoint and the outer commit both fail. */
  g_assert_false (fl_db_begin (db, &error));
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE);
  g_clear_error (&error);
  g_assert_false (fl_db_commit (db, &error));
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE);
  g_clear_error (&error);
  g_assert_cmpuint (fl_db_transaction_depth (db), ==, 0);
  g_autofree char *first = fl_db_get_meta (db, "first");
  g_assert_null (first);

  /* And the connection works again afterwards. */
  g_assert_true (fl_db_begin (db, &error));
  g_assert_true (fl_db_set_meta (db, "third", "yes", &error));
  g_assert_true (fl_db_commit (db, &error));
  g_assert_no_error (error);
  g_autofree char *third = fl_db_get_meta (db, "third");
  g_assert_cmpstr (third, ==, "yes");
  fl_db_close (db);
  fl_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/db/migrations/empty-and-reopen", test_migrations_empty_and_reopen);
  g_test_add_func ("/db/migrations/newer-file", test_newer_file_refused);
  g_test_add_func ("/db/migrations/failure-leaves-nothing", test_failed_migration_leaves_nothing);
  g_test_add_func ("/db/migrations/model-change-reaches-old-replica", test_model_change_reaches_old_replica);
  g_test_add_func ("/db/transactions/nest", test_transactions_nest);
  g_test_add_func ("/db/pragmas", test_wal_and_foreign_keys);
  g_test_add_data_func ("/db/replace/moves-file-in", GINT_TO_POINTER (FALSE), test_replace_moves_file_in);
  g_test_add_data_func ("/db/replace/moves-file-in-relative", GINT_TO_POINTER (TRUE), test_replace_moves_file_in);
  g_test_add_func ("/db/replace/in-memory-copies", test_replace_in_memory_copies);
  g_test_add_func ("/db/transaction-ended-under-savepoint", test_transaction_ended_under_savepoint);
  g_test_add_func ("/db/replace/parked-outlives-connection", test_replace_parked_outlives_connection);
  return g_test_run ();
}
