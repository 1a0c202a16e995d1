/* fieldline-sync's administration commands, run as the program runs them:
 * their output, their exit statuses and what they leave in the database. */
#include "fl-server-test-util.h"

#include <locale.h>

#include "fl-admin.h"
#include "fl-blobs.h"
#include "fl-change-workflow.h"
#include "fl-migrate.h"

typedef struct {
  char    *dir;
  char    *db;        /* the store the commands run on */
  char    *location;  /* the store under test: a SQLite file not made yet, or a PostgreSQL database */
  GString *out;
  GError  *error;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  if (fl_test_store_is_postgresql ())
    {
      g_autoptr(FlStore) store = fl_test_store_new (&f->dir, &f->location);
    }
  else
    {
      f->dir = g_dir_make_tmp ("fieldline-admin-XXXXXX", &error);
      g_assert_no_error (error);
      f->location = g_build_filename (f->dir, "server.db", NULL);
    }
  f->db = g_strdup (f->location);
  f->out = g_string_new (NULL);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  fl_test_store_drop (f->location);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->db);
  g_free (f->location);
  g_string_free (f->out, TRUE);
  g_clear_error (&f->error);
}

/* Runs "fieldline-sync <words...> --store <db>" with `input` as what the
 * user types; returns the exit status. */
static int
run (Fixture *f, const char *input, const char *first, ...)
{
  g_autoptr(GPtrArray) args = g_ptr_array_new ();
  va_list ap;
  va_start (ap, first);
  for (const char *arg = first; arg != NULL; arg = va_arg (ap, const char *))
    g_ptr_array_add (args, (char *) arg);
  va_end (ap);
  g_ptr_array_add (args, "--store");
  g_ptr_array_add (args, f->db);
  g_ptr_array_add (args, NULL);
  g_string_truncate (f->out, 0);
  g_clear_error (&f->error);
  int status = fl_admin_run (args->len - 1, (char **) args->pdata, input, f->out, &f->error);
  g_test_message ("%s -> %d: %s%s", first, status, f->out->str,
                  f->error != NULL ? f->error->message : "");
  g_assert_true ((status == 0) == (f->error == NULL));
  return status;
}

static void
test_usage (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run (f, NULL, "frobnicate", NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_assert_nonnull (strstr (f->error->message, "frobnicate"));
  g_assert_cmpint (run (f, NULL, "user", "add", NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_assert_cmpint (run (f, NULL, "user", "list", "--size", "3", NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_assert_cmpint (run (f, NULL, "user", "add", "--help", NULL), ==, FL_ADMIN_EXIT_OK);
  g_assert_nonnull (strstr (f->out->str, "--role"));
  g_assert_nonnull (strstr (fl_admin_usage (), "demo-data"));

  /* A command on a SQLite file that does not exist says how to create it
   * (a PostgreSQL database is made by its administrator, not by us). */
  if (!fl_test_store_is_postgresql ())
    {
      g_assert_cmpint (run (f, NULL, "user", "list", NULL), ==, FL_ADMIN_EXIT_NOT_FOUND);
      g_assert_nonnull (strstr (f->error->message, "init"));
      g_assert_false (g_file_test (f->db, G_FILE_TEST_EXISTS));
    }

  g_assert_cmpint (run (f, NULL, "init", NULL), ==, FL_ADMIN_EXIT_OK);
  g_assert_cmpint (run (f, NULL, "user", "list", NULL), ==, FL_ADMIN_EXIT_OK);
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, FL_ADMIN_EXIT_OK);
}

static void
test_users_and_devices (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_autofree char *csv = g_build_filename (f->dir, "sites.csv", NULL);
  g_file_set_contents (csv, "code,name,time_zone,coverage\nHOSP1,First,Asia/Shanghai,7x24\nHOSP2,Second,Asia/Shanghai,5x9\n", -1, &error);
  g_assert_cmpint (run (f, NULL, "import", "sites", csv, NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "2 new"));

  g_assert_cmpint (run (f, "correct horse\n", "user", "add", "liwei", "--role", "engineer",
                        "--name", "李伟 Li Wei", "--sites", "HOSP1", NULL), ==, 0);
  g_assert_cmpint (run (f, "correct horse\n", "user", "add", "liwei", "--role", "engineer",
                        "--name", "x", NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_cmpint (run (f, "correct horse\n", "user", "add", "zhang", "--role", "boss",
                        "--name", "张敏", NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_cmpint (run (f, "short\n", "user", "add", "zhang", "--role", "clerk",
                        "--name", "张敏", NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_cmpint (run (f, "correct horse\n", "user", "add", "zhang", "--role", "clerk",
                        "--name", "张敏", "--sites", "HOSP9", NULL), ==, FL_ADMIN_EXIT_NOT_FOUND);
  g_assert_cmpint (run (f, "", "user", "add", "zhang", "--role", "clerk", "--name", "张敏", NULL),
                   ==, FL_ADMIN_EXIT_INVALID);

  g_assert_cmpint (run (f, NULL, "user", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "liwei"));
  g_assert_nonnull (strstr (f->out->str, "HOSP1"));
  g_assert_null (strstr (f->out->str, "zhang"));

  g_assert_cmpint (run (f, NULL, "user", "set-role", "liwei", "supervisor", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "user", "set-role", "liwei", "king", NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_cmpint (run (f, NULL, "user", "set-role", "nobody", "clerk", NULL), ==, FL_ADMIN_EXIT_NOT_FOUND);
  g_assert_cmpint (run (f, NULL, "user", "set-sites", "liwei", "HOSP1,HOSP2", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "HOSP1,HOSP2"));
  g_assert_cmpint (run (f, "battery staple\n", "user", "set-password", "liwei", NULL), ==, 0);

  /* Sign in as the server would, then revoke that device by its code. */
  g_autoptr(FlStore) store = fl_store_open (f->db, &error);
  g_assert_no_error (error);
  g_autoptr(FlLoginResult) login = fl_accounts_login (store, "liwei", "battery staple", "ThinkPad",
                                                      NULL, "10.0.0.5", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (run (f, NULL, "device", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, login->device->code));
  g_assert_nonnull (strstr (f->out->str, "ThinkPad"));
  g_assert_cmpint (run (f, NULL, "device", "revoke", login->device->code, NULL), ==, 0);
  g_assert_false (fl_accounts_authenticate (store, login->token, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED);
  g_clear_error (&error);
  g_assert_cmpint (run (f, NULL, "device", "revoke", "QQQ", NULL), ==, FL_ADMIN_EXIT_NOT_FOUND);

  g_assert_cmpint (run (f, NULL, "user", "disable", "liwei", NULL), ==, 0);
  g_autoptr(FlLoginResult) refused = fl_accounts_login (store, "liwei", "battery staple", "ThinkPad",
                                                        NULL, "10.0.0.5", NULL, &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);

  /* The history of the user: who changed what, from where. */
  g_assert_cmpint (run (f, NULL, "audit", "--table", "user", "--id", "liwei", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "user_add"));
  g_assert_nonnull (strstr (f->out->str, "role: \"engineer\" → \"supervisor\""));
  g_assert_nonnull (strstr (f->out->str, "login"));
  g_assert_nonnull (strstr (f->out->str, login->device->code));
  g_assert_nonnull (strstr (f->out->str, "device_revoke"));
  g_assert_nonnull (strstr (f->out->str, "disabled: false → true"));
  g_assert_cmpint (run (f, NULL, "audit", "--table", "user", "--id", "nobody", NULL), ==, FL_ADMIN_EXIT_NOT_FOUND);
  g_assert_cmpint (run (f, NULL, "audit", "--table", "nothing", "--id", "x", NULL), ==, FL_ADMIN_EXIT_USAGE);
}

static void
test_import_bad_file (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_autofree char *csv = g_build_filename (f->dir, "parts.csv", NULL);
  g_file_set_contents (csv, "sku,name,unit\nPSU-1,PSU,pcs\nHDD-1,,pcs\n", -1, &error);
  g_assert_cmpint (run (f, NULL, "import", "parts", csv, NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_nonnull (strstr (f->error->message, "line 3"));
  g_assert_nonnull (strstr (f->error->message, "name"));
  g_assert_cmpint (run (f, NULL, "import", "gadgets", csv, NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_autofree char *missing = g_build_filename (f->dir, "none.csv", NULL);
  g_assert_cmpint (run (f, NULL, "import", "parts", missing, NULL), ==, FL_ADMIN_EXIT_FAILED);
  g_autoptr(FlStore) store = fl_store_open (f->db, &error);
  g_assert_cmpint (fl_store_count_rows (store, fl_schema_lookup ("part"), NULL), ==, 0);
}

/* Policies one at a time: the same site, service and priority change the
 * row; a priority that is none is refused. */
static void
test_policies (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "policy", "set", "high", "30", "240", "--service", "HIS \"core\"", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "Added"));
  g_assert_cmpint (run (f, NULL, "policy", "set", "high", "20", "200", "--service", "HIS \"core\"", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "Changed"));
  g_assert_cmpint (run (f, NULL, "policy", "set", "low", "600", "6000", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "policy", "set", "urgent", "1", "2", NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_nonnull (strstr (f->error->message, "priority"));
  g_assert_cmpint (run (f, NULL, "policy", "set", "high", "1", "2", "--site", "NOPE", NULL), ==, FL_ADMIN_EXIT_INVALID);
  g_assert_cmpint (run (f, NULL, "policy", "list", NULL), ==, 0);
  g_auto(GStrv) lines = g_strsplit (f->out->str, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);  /* header, two rows, the note, "" */
  g_assert_nonnull (strstr (f->out->str, "HIS \"core\""));
  g_assert_nonnull (strstr (f->out->str, "(site default)"));
  g_assert_nonnull (strstr (f->out->str, "200"));
  g_assert_null (strstr (f->out->str, "240"));
}

static int
demo_data (Fixture *f, const char *size)
{
  return run (f, NULL, "demo-data", "--size", size, NULL);
}

/* Where the store under test keeps its blobs: beside a SQLite file, in a
 * PostgreSQL store itself. */
static FlBlobs *
store_blobs (Fixture *f, FlStore *store)
{
  g_autoptr(GError) error = NULL;
  if (fl_store_keeps_blobs (store))
    return fl_blobs_new_in_store (store, G_MAXSIZE);
  g_autofree char *dir = g_strconcat (f->db, ".blobs", NULL);
  FlBlobs *blobs = fl_blobs_new (dir, G_MAXSIZE, &error);
  g_assert_no_error (error);
  return blobs;
}

/* The query of the store under test where the two dialects differ. */
static const char *
dialect (const char *sqlite, const char *postgresql)
{
  return fl_test_store_is_postgresql () ? postgresql : sqlite;
}

static gboolean
first_sha256 (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  char **sha = user_data;
  if (*sha == NULL)
    *sha = g_strdup (fl_record_get_string (row, "sha256"));
  return TRUE;
}

static gboolean
collect_major_change (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  if (g_strcmp0 (fl_record_get_string (row, "kind"), "major") == 0)
    g_ptr_array_add (user_data, json_object_ref (row));
  return TRUE;
}

/* Each major change of the demo waits for its board with its rollback
 * plan and test report attached as files the server keeps: both members
 * may approve it, and the files open. */
static void
assert_major_changes_approvable (Fixture *f, FlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_assert_true (fl_store_foreach_row (store, fl_schema_lookup ("change_record"), NULL, collect_major_change,
                                       changes, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, >, 0);
  g_autoptr(FlBlobs) blobs = store_blobs (f, store);
  for (guint i = 0; i < changes->len; i++)
    {
      JsonObject *change = changes->pdata[i];
      g_assert_cmpstr (fl_record_get_string (change, "status"), ==, "requested");
      static const char * const board[] = { "zhangmin", "david.xu" };
      for (guint b = 0; b < G_N_ELEMENTS (board); b++)
        {
          g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, board[b], change, TRUE, &error));
          g_assert_no_error (error);
        }
      static const char * const columns[] = { "rollback_plan_attachment", "test_report_attachment" };
      for (guint c = 0; c < G_N_ELEMENTS (columns); c++)
        {
          g_autoptr(JsonObject) attachment = fl_store_find_row (store, fl_schema_lookup ("attachment"), "id",
                                                                fl_record_get_string (change, columns[c]), &error);
          g_assert_no_error (error);
          g_assert_nonnull (attachment);
          g_assert_cmpstr (fl_record_get_string (attachment, "owner_table"), ==, "change_record");
          g_assert_cmpstr (fl_record_get_string (attachment, "owner_id"), ==, fl_record_get_string (change, "id"));
          g_assert_cmpstr (fl_record_get_string (attachment, "site_id"), ==, fl_record_get_string (change, "site_id"));
          g_assert_true (fl_blobs_exists (blobs, fl_record_get_string (attachment, "sha256")));
        }
    }
}

static void
test_demo_data (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_assert_cmpint (demo_data (f, "600"), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "fieldline-demo"));
  g_assert_cmpint (demo_data (f, "10"), ==, FL_ADMIN_EXIT_INVALID);

  g_autoptr(FlStore) store = fl_store_open (f->db, &error);
  g_assert_no_error (error);

  /* Rows in every table, each in the change log for clients to pull. */
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  gint64 total = 0;
  for (guint i = 0; i < n_tables; i++)
    {
      gint64 n = fl_store_count_rows (store, tables[i], &error);
      g_test_message ("%s: %" G_GINT64_FORMAT, tables[i]->name, n);
      g_assert_cmpint (n, >, 0);
      total += n;
    }
  g_assert_cmpint (fl_store_count_rows (store, fl_schema_lookup ("work_order"), NULL), ==, 600);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM changes"), ==, total);

  /* Every status, every kind, every coverage. */
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(DISTINCT status) FROM work_order"), ==, 7);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(DISTINCT kind) FROM work_order"), ==, 3);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(DISTINCT coverage) FROM site"), ==, 3);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(DISTINCT role) FROM \"user\""), ==, 4);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(DISTINCT type) FROM ci"), ==, 5);
  /* A cause is written as the engineer would, in both languages like the
   * resolution, never a bare category word such as "hardware". */
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM work_order WHERE cause IS NOT NULL"), >, 0);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM work_order"
                                               " WHERE cause IS NOT NULL AND cause NOT LIKE '% %'"), ==, 0);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(DISTINCT kind) FROM stock_movement"), ==, 7);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM work_order WHERE resolve_due IS NULL OR priority IS NULL"), ==, 0);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM calendar WHERE CAST (holidays AS TEXT) LIKE '%2026-02-17%'"), ==, 1);
  /* The HIS contract (30 min / 4 h) is for HIS work only: no other order
   * is due within an hour of its creation, and HIS work names it. */
  g_assert_cmpint (fl_test_store_count (store, dialect (
      "SELECT COUNT(*) FROM work_order WHERE service IS NULL"
      " AND (julianday (response_due) - julianday (created_at)) * 24 < 1",
      "SELECT COUNT(*) FROM work_order WHERE service IS NULL"
      " AND response_due::timestamptz - created_at::timestamptz < interval '1 hour'")), ==, 0);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM work_order WHERE service = 'HIS 核心系统 HIS core systems'"), >, 0);
  /* The open orders' warnings and escalations are recorded. */
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM sla_event WHERE kind = 'escalation'"), >, 0);
  /* Items of every kind in the inspection templates. */
  g_assert_cmpint (fl_test_store_count (store, dialect (
      "SELECT COUNT(DISTINCT json_extract (i.value, '$.kind')) "
      "FROM inspection_template, json_each (inspection_template.items) AS i",
      "SELECT COUNT(DISTINCT i ->> 'kind') "
      "FROM inspection_template, jsonb_array_elements (inspection_template.items::jsonb) AS i")), ==, 4);

  /* Balances equal the ledger, and some van went below zero. */
  g_assert_true (fl_store_verify (store, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_store_count (store, "SELECT COUNT(*) FROM stock_balance b JOIN stock_location l "
                              "ON l.id = b.location_id WHERE l.kind = 'van' AND b.qty < 0"), >, 0);
  g_assert_cmpint (run (f, NULL, "check", NULL), ==, 0);

  /* The demo users sign in with the printed passwords. */
  g_autoptr(FlLoginResult) login = fl_accounts_login (store, "liwei", "fieldline-demo", "test", NULL,
                                                      "127.0.0.1", NULL, &error);
  g_assert_no_error (error);
  g_autoptr(FlLoginResult) admin = fl_accounts_login (store, "admin", "fieldline-admin", "test", NULL,
                                                      "127.0.0.1", NULL, &error);
  g_assert_no_error (error);

  /* The attachment's bytes are where the store's blobs are. */
  g_autofree char *sha = NULL;
  g_assert_true (fl_store_foreach_row (store, fl_schema_lookup ("attachment"), NULL, first_sha256, &sha, &error));
  g_assert_nonnull (sha);
  g_autoptr(FlBlobs) blobs = store_blobs (f, store);
  g_assert_true (fl_blobs_exists (blobs, sha));

  assert_major_changes_approvable (f, store);
}

/* Where a backup is restored to be checked: a SQLite backup is a store
 * as it is; a PostgreSQL one (pg_dump's file) is read into a new empty
 * database by pg_restore, as docs/operations.md tells. */
static char *
restore (Fixture *f, const char *backup)
{
  if (!fl_test_store_is_postgresql ())
    return g_strdup (backup);
  g_autoptr(GError) error = NULL;
  char *location = fl_test_store_new_empty (f->dir);
  g_autofree char *dbname = g_strconcat ("--dbname=", location, NULL);
  const char *argv[] = { "pg_restore", "--no-owner", "--exit-on-error", dbname, backup, NULL };
  g_autofree char *err = NULL;
  int status = 0;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL,
                NULL, &err, &status, &error);
  g_assert_no_error (error);
  if (!g_spawn_check_wait_status (status, NULL))
    g_error ("pg_restore: %s", err);
  return location;
}

/* A backup taken while another connection is in the middle of a write
 * holds the committed state, whole; restored, it is the same store. */
static void
test_backup (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_assert_cmpint (demo_data (f, "200"), ==, 0);

  /* Another connection is in the middle of a write, as a server would be. */
  g_autoptr(FlStore) server = fl_store_open (f->db, &error);
  g_assert_no_error (error);
  fl_store_begin (server, &error);
  g_assert_no_error (error);
  g_autofree char *site = fl_test_put_site (server, "UNCOMMITTED");

  g_autofree char *copy = g_build_filename (f->dir, fl_test_store_is_postgresql () ? "copy.dump" : "copy.db", NULL);
  g_assert_cmpint (run (f, NULL, "backup", "--to", copy, NULL), ==, 0);
  fl_store_rollback (server);
  g_assert_cmpint (run (f, NULL, "backup", NULL), ==, FL_ADMIN_EXIT_USAGE);

  g_autofree char *restored_location = restore (f, copy);
  g_autoptr(FlStore) restored = fl_store_open (restored_location, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_store_get_id (restored), ==, fl_store_get_id (server));
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    g_assert_cmpint (fl_store_count_rows (restored, tables[i], NULL), ==,
                     fl_store_count_rows (server, tables[i], NULL));
  g_assert_cmpint (fl_store_last_seq (restored, NULL), ==, fl_store_last_seq (server, NULL));
  g_assert_cmpint (fl_store_count_negative_balances (restored, NULL), ==,
                   fl_store_count_negative_balances (server, NULL));
  g_assert_cmpint (fl_test_store_count (restored, "SELECT count(*) FROM audit"), ==,
                   fl_test_store_count (server, "SELECT count(*) FROM audit"));
  g_autoptr(JsonObject) none = fl_store_find_row (restored, fl_schema_lookup ("site"), "code", "UNCOMMITTED", NULL);
  g_assert_null (none);
  g_assert_true (fl_store_verify (restored, &error));
  g_assert_no_error (error);
  /* The restored store takes writes where the backed-up one stood. */
  g_autofree char *later = fl_test_put_site (restored, "AFTERRESTORE");
  g_assert_cmpint (fl_store_last_seq (restored, NULL), >, fl_store_last_seq (server, NULL));
  g_clear_object (&restored);
  if (fl_test_store_is_postgresql ())
    fl_test_store_drop (restored_location);
  else
    {
      /* The copy is a single file: no WAL beside it is needed. */
      g_autofree char *wal = g_strconcat (copy, "-wal", NULL);
      g_assert_false (g_file_test (wal, G_FILE_TEST_EXISTS));
    }
}

/* The audit log is kept three years by default; `audit prune` removes
 * what is older, counts it first with --dry-run, or takes a date or an age. */
static void
test_audit_prune (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_autoptr(FlStore) store = fl_store_open (f->db, &error);
  g_assert_no_error (error);
  const gint64 day = (gint64) 24 * 3600 * G_USEC_PER_SEC;
  const int ages[] = { 4 * 365, 4 * 365, 3 * 365 + 10, 2 * 365, 400, 0 };
  for (guint i = 0; i < G_N_ELEMENTS (ages); i++)
    {
      FlAuditEntry entry = { .at = fl_time_now () - ages[i] * day, .actor = "liwei", .action = "update",
                             .table_name = "work_order", .row_id = "wo-1" };
      g_assert_true (fl_store_audit (store, &entry, &error));
    }
#define AUDIT_ROWS() fl_test_store_count (store, "SELECT count(*) FROM audit")

  g_assert_cmpint (run (f, NULL, "audit", "prune", "--dry-run", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (f->out->str, "3 audit entries from before "));
  g_assert_cmpint (AUDIT_ROWS (), ==, 6);
  g_assert_cmpint (run (f, NULL, "audit", "prune", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (f->out->str, "Removed 3 audit entries"));
  g_assert_cmpint (AUDIT_ROWS (), ==, 3);
  g_assert_cmpint (run (f, NULL, "audit", "prune", "--older-than", "365", NULL), ==, 0);
  g_assert_cmpint (AUDIT_ROWS (), ==, 1);
  g_assert_cmpint (run (f, NULL, "audit", "prune", "--before", "2000-01-01", NULL), ==, 0);
  g_assert_true (g_str_has_prefix (f->out->str, "Removed 0 audit entries"));
  g_assert_cmpint (AUDIT_ROWS (), ==, 1);

  g_assert_cmpint (run (f, NULL, "audit", "prune", "--before", "2026-13-01", NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_assert_cmpint (run (f, NULL, "audit", "prune", "--before", "2026-01-01", "--older-than", "3", NULL),
                   ==, FL_ADMIN_EXIT_USAGE);
  /* The record's history is still there, the newest entry in it. */
  g_assert_cmpint (run (f, NULL, "audit", "--table", "work_order", "--id", "wo-1", NULL), ==, 0);
#undef AUDIT_ROWS
}

typedef struct {
  FlStore *other;
  guint    n;
} SameRows;

static gboolean
check_same_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  SameRows *same = user_data;
  g_autoptr(JsonObject) copy = fl_store_load_row (same->other, table, fl_record_get_string (row, "id"), error);
  g_assert_nonnull (copy);
  g_autoptr(JsonNode) a = json_node_init_object (json_node_alloc (), row);
  g_autoptr(JsonNode) b = json_node_init_object (json_node_alloc (), copy);
  g_assert_true (json_node_equal (a, b));
  same->n++;
  return TRUE;
}

/* A SQLite server database moved by `migrate` into a new store (the
 * PostgreSQL test cluster under FL_TEST_STORE=postgresql): every row equal,
 * the change log with the same seqs and the same store id, so clients'
 * cursors stay valid; the blobs copied; a second migrate into the filled
 * store refused. */
static void
test_migrate_round_trip (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  /* What is moved is a SQLite file, whichever store is under test. */
  g_free (f->db);
  f->db = g_build_filename (f->dir, "source.db", NULL);
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "demo-data", "--size", "60", NULL), ==, 0);
  g_autoptr(FlStore) source = fl_store_open (f->db, &error);
  g_assert_no_error (error);
  FlStoreDevice device = { .id = "0190a0b0-0000-7000-8000-0000000000d1", .user_id = "u1",
                           .name = "ThinkPad", .code = "K3F", .revoked = TRUE };
  g_autoptr(JsonObject) result = json_object_new ();
  json_object_set_string_member (result, "status", "applied");
  g_assert_true (fl_store_put_device (source, &device, &error));
  g_assert_true (fl_store_put_token (source, "hash1", device.id, 1000, &error));
  g_assert_true (fl_store_put_result (source, device.id, 7, result, &error));
  g_assert_true (fl_store_add_login_attempt (source, "liwei", "10.0.0.9", fl_time_now (), FALSE, &error));
  g_autofree char *blob_source = g_strconcat (f->db, ".blobs", NULL);
  g_autoptr(FlBlobs) blobs = fl_blobs_new (blob_source, 1024, &error);
  g_autoptr(GBytes) photo = g_bytes_new_static ("photo", 5);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo);
  g_assert_true (fl_blobs_put (blobs, sha, photo, &error));
  g_assert_no_error (error);

  g_autofree char *target_dir = NULL, *target = NULL;
  g_autoptr(FlStore) empty = fl_test_store_new (&target_dir, &target);
  g_autofree char *blob_target = g_build_filename (target_dir, "blobs", NULL);
  /* Into PostgreSQL the blobs go into the store; a SQLite file's new home
   * needs a folder for them. */
  if (fl_store_keeps_blobs (empty))
    g_assert_cmpint (run (f, NULL, "migrate", "--to", target, NULL), ==, 0);
  else
    {
      g_assert_cmpint (run (f, NULL, "migrate", "--to", target, NULL), ==, FL_ADMIN_EXIT_USAGE);
      g_assert_nonnull (strstr (f->error->message, "--blob-dir"));
      g_assert_cmpint (run (f, NULL, "migrate", "--to", target, "--blob-dir", blob_target, NULL), ==, 0);
    }
  g_assert_nonnull (strstr (f->out->str, "every count and checksum is equal"));

  g_autoptr(FlStore) moved = fl_store_open (target, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_store_get_id (moved), ==, fl_store_get_id (source));
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  guint n_rows = 0;
  for (guint i = 0; i < n_tables; i++)
    {
      SameRows same = { moved, 0 };
      g_assert_true (fl_store_foreach_row (source, tables[i], NULL, check_same_row, &same, &error));
      g_assert_cmpint (same.n, ==, fl_store_count_rows (moved, tables[i], NULL));
      n_rows += same.n;
    }
  g_assert_cmpuint (n_rows, >, 500);

  /* The change log: the same entries at the same seqs. */
  gint64 last = fl_store_last_seq (source, &error);
  g_assert_cmpint (fl_store_last_seq (moved, &error), ==, last);
  g_autoptr(GPtrArray) before = fl_store_changes_since (source, 0, 100000, NULL, NULL, NULL, &error);
  g_autoptr(GPtrArray) after = fl_store_changes_since (moved, 0, 100000, NULL, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (before->len, ==, after->len);
  for (guint i = 0; i < before->len; i++)
    {
      FlStoreChange *a = before->pdata[i], *b = after->pdata[i];
      g_assert_cmpint (a->seq, ==, b->seq);
      g_assert_cmpstr (a->row_id, ==, b->row_id);
    }
  /* The next change continues after the moved log. */
  g_autofree char *site = fl_test_put_site (moved, "NEWSITE");
  g_assert_cmpint (fl_store_last_seq (moved, NULL), >, last);

  g_autoptr(FlStoreToken) token = fl_store_load_token (moved, "hash1", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (token->device_id, ==, device.id);
  g_autoptr(FlStoreDevice) revoked = fl_store_load_device (moved, "k3f", &error);
  g_assert_true (revoked->revoked);
  g_autoptr(JsonObject) replay = fl_store_get_result (moved, device.id, 7, &error);
  g_assert_cmpstr (fl_record_get_string (replay, "status"), ==, "applied");
  g_assert_cmpint (fl_store_count_login_failures (moved, "liwei", "10.0.0.9", 0, NULL), ==, 1);
  g_assert_true (fl_store_verify (moved, &error));
  g_autoptr(FlBlobs) moved_blobs = fl_store_keeps_blobs (moved) ? fl_blobs_new_in_store (moved, 1024)
                                                                : fl_blobs_new (blob_target, 1024, &error);
  g_assert_true (fl_blobs_exists (moved_blobs, sha));
  g_autoptr(GBytes) moved_photo = fl_blobs_get (moved_blobs, sha, &error);
  g_assert_no_error (error);
  g_assert_true (g_bytes_equal (moved_photo, photo));

  /* A store that holds data is not migrated into. */
  g_assert_cmpint (run (f, NULL, "migrate", "--to", target, "--blob-dir", blob_target, NULL), !=, 0);
  g_assert_error (f->error, FL_MIGRATE_ERROR, FL_MIGRATE_ERROR_NOT_EMPTY);
  g_clear_object (&moved);
  g_clear_object (&empty);
  fl_test_store_drop (target);
  fl_test_remove_tree (target_dir);
}

/* The catalogue is kept with `catalogue set` and `import services`; a
 * document published is a blob of the server and one row per kind. */
static void
test_catalogue_and_documents (Fixture *f, gconstpointer data)
{
  g_assert_cmpint (run (f, NULL, "init", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "catalogue", "set", "DESK", "--set", "name=Desktop support",
                        "--set", "kind=business", "--set", "coverage=5x9", "--set", "availability=9990", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "Added DESK"));
  g_assert_cmpint (run (f, NULL, "catalogue", "set", "DESK", "--set", "name=Desktop, \"PC\" and printers", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "Changed DESK"));
  g_assert_cmpint (run (f, NULL, "catalogue", "set", "LAN", "--set", "kind=network", "--set", "name=LAN", NULL),
                   ==, FL_ADMIN_EXIT_INVALID);
  g_assert_cmpint (run (f, NULL, "catalogue", "set", "LAN", "--set", "kind", NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_autofree char *csv = g_build_filename (f->dir, "services.csv", NULL);
  g_assert_true (g_file_set_contents (csv,
      "code,name,kind,business,delivery,response_minutes,resolve_minutes,cis\n"
      "DESK-PC,PC repair,technical,DESK,on_site,30,240,\"PC-001,PC-002\"\n", -1, NULL));
  g_assert_cmpint (run (f, NULL, "import", "services", csv, NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "catalogue", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (f->out->str, "Desktop, \"PC\" and printers"));
  g_assert_nonnull (strstr (f->out->str, "99.90%"));
  g_assert_nonnull (strstr (f->out->str, "DESK-PC"));

  g_autofree char *plan = g_build_filename (f->dir, "continuity-plan.pdf", NULL);
  g_assert_true (g_file_set_contents (plan, "%PDF-1.4 plan", -1, NULL));
  g_assert_cmpint (run (f, NULL, "document", "publish", "budget", plan, NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_assert_cmpint (run (f, NULL, "import", "documents", csv, NULL), ==, FL_ADMIN_EXIT_USAGE);
  g_assert_cmpint (run (f, NULL, "document", "publish", "continuity_plan", plan, "--title", "BCP 2026", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "document", "publish", "continuity_plan", plan, "--title", "BCP 2026 v2", NULL), ==, 0);
  g_assert_cmpint (run (f, NULL, "document", "list", NULL), ==, 0);
  /* One row per kind: the second publication replaced the first. */
  const char *first = strstr (f->out->str, "BCP 2026");
  g_assert_nonnull (first);
  g_assert_true (g_str_has_prefix (first, "BCP 2026 v2"));
  g_assert_null (strstr (first + 1, "BCP 2026"));
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, "%PDF-1.4 plan", -1);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlStore) store = fl_store_open (f->db, &error);
  g_assert_no_error (error);
  g_autoptr(FlBlobs) blobs = store_blobs (f, store);
  g_assert_true (fl_blobs_exists (blobs, sha));
}

int
main (int argc, char **argv)
{
  /* As the program does: options are read in the locale's encoding. */
  setlocale (LC_ALL, "");
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/admin/policies", test_policies);
  ADD ("/admin/catalogue-and-documents", test_catalogue_and_documents);
  ADD ("/admin/usage", test_usage);
  ADD ("/admin/users-and-devices", test_users_and_devices);
  ADD ("/admin/import-bad-file", test_import_bad_file);
  ADD ("/admin/demo-data", test_demo_data);
  ADD ("/admin/backup", test_backup);
  ADD ("/admin/audit-prune", test_audit_prune);
  ADD ("/admin/migrate-round-trip", test_migrate_round_trip);
  return g_test_run ();
}
