#include "fl-test-store.h"

#include <unistd.h>

#include "fl-time.h"
#include "fl-work-order-sla.h"
#ifdef FL_HAVE_POSTGRESQL
#include "fl-pg-store-conn.h"
#endif

gboolean
fl_test_store_is_postgresql (void)
{
  return g_strcmp0 (g_getenv ("FL_TEST_STORE"), "postgresql") == 0;
}

#ifdef FL_HAVE_POSTGRESQL
/* The URI of database `name` on the cluster tests/support/with-postgresql.sh runs. */
static char *
pg_uri (const char *name)
{
  const char *host = g_getenv ("FL_TEST_PG_HOST"), *user = g_getenv ("FL_TEST_PG_USER");
  g_assert_nonnull (host);
  return g_strdup_printf ("postgresql:///%s?host=%s&user=%s", name, host, user != NULL ? user : "postgres");
}

/* Runs one statement on database `name`. */
static void
pg_run_on (const char *name, const char *sql)
{
  g_autofree char *uri = pg_uri (name);
  PGconn *conn = PQconnectdb (uri);
  g_assert_cmpint (PQstatus (conn), ==, CONNECTION_OK);
  PGresult *result = PQexec (conn, sql);
  if (PQresultStatus (result) != PGRES_COMMAND_OK)
    g_error ("%s: %s", sql, PQresultErrorMessage (result));
  PQclear (result);
  PQfinish (conn);
}

/* Creating the schema costs a second or more on a busy machine: the first
 * store of a test run is made once as a template, and every new database
 * is a copy of it with a store id of its own. */
#define PG_TEMPLATE "fl_test_template"

static void
pg_create_store_database (const char *name)
{
  static gsize template_made;
  if (g_once_init_enter (&template_made))
    {
      g_autoptr(GError) error = NULL;
      pg_run_on ("postgres", "CREATE DATABASE " PG_TEMPLATE);
      g_autofree char *uri = pg_uri (PG_TEMPLATE);
      g_autoptr(FlStore) store = fl_store_open (uri, &error);
      g_assert_no_error (error);
      g_clear_object (&store);
      g_once_init_leave (&template_made, 1);
    }
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE \"%s\" TEMPLATE " PG_TEMPLATE, name);
  pg_run_on ("postgres", create);
  pg_run_on (name, "UPDATE meta SET value = gen_random_uuid ()::text WHERE key = 'store_id'");
}

/* The database name of a URI pg_uri made. */
static char *
pg_database_of (const char *uri)
{
  const char *start = strstr (uri, ":///") + strlen (":///");
  return g_strndup (start, strcspn (start, "?"));
}
#endif

/* SQLite: a file in the directory; PostgreSQL: a new database on the test
 * cluster, named after the directory. */
static char *
new_location (const char *dir)
{
#ifdef FL_HAVE_POSTGRESQL
  if (fl_test_store_is_postgresql ())
    {
      g_autofree char *base = g_path_get_basename (dir);
      g_autofree char *name = g_ascii_strdown (base, -1);
      g_strdelimit (name, "-", '_');
      pg_create_store_database (name);
      return pg_uri (name);
    }
#endif
  g_assert_false (fl_test_store_is_postgresql ());
  return g_build_filename (dir, "server.db", NULL);
}

char *
fl_test_store_new_empty (const char *dir)
{
#ifdef FL_HAVE_POSTGRESQL
  g_autofree char *base = g_path_get_basename (dir);
  g_autofree char *name = g_strconcat (base, "_empty", NULL);
  g_strdelimit (name, "-", '_');
  g_autofree char *lower = g_ascii_strdown (name, -1);
  g_autofree char *create = g_strdup_printf ("CREATE DATABASE \"%s\"", lower);
  pg_run_on ("postgres", create);
  return pg_uri (lower);
#else
  g_error ("this build has no PostgreSQL store");
#endif
}

FlStore *
fl_test_store_new (char **out_dir, char **out_path)
{
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  *out_dir = g_dir_make_tmp ("fieldline-server-XXXXXX", &error);
  g_assert_no_error (error);
  *out_path = new_location (*out_dir);
  FlStore *store = fl_store_open (*out_path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (store);
  return store;
}

void
fl_test_store_open (FlTestStore *t)
{
  t->store = fl_test_store_new (&t->dir, &t->path);
}

void
fl_test_store_drop (const char *location)
{
#ifdef FL_HAVE_POSTGRESQL
  if (g_str_has_prefix (location, "postgresql:"))
    {
      g_autofree char *name = pg_database_of (location);
      g_autofree char *drop = g_strdup_printf ("DROP DATABASE \"%s\" WITH (FORCE)", name);
      pg_run_on ("postgres", drop);
    }
#endif
}

gint64
fl_test_store_count (FlStore *store, const char *sql)
{
#ifdef FL_HAVE_POSTGRESQL
  if (FL_IS_PG_STORE (store))
    {
      PGresult *result = PQexec (fl_pg_store_get_connection (FL_PG_STORE (store)), sql);
      if (PQresultStatus (result) != PGRES_TUPLES_OK || PQntuples (result) != 1)
        g_error ("%s: %s", sql, PQresultErrorMessage (result));
      gint64 n = g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10);
      PQclear (result);
      return n;
    }
#endif
  return fl_test_count (fl_sqlite_store_get_db (FL_SQLITE_STORE (store)), sql);
}

void
fl_test_store_exec (FlStore *store, const char *sql)
{
#ifdef FL_HAVE_POSTGRESQL
  if (FL_IS_PG_STORE (store))
    {
      PGresult *result = PQexec (fl_pg_store_get_connection (FL_PG_STORE (store)), sql);
      if (PQresultStatus (result) != PGRES_COMMAND_OK)
        g_error ("%s: %s", sql, PQresultErrorMessage (result));
      PQclear (result);
      return;
    }
#endif
  g_autoptr(GError) error = NULL;
  fl_db_exec (fl_sqlite_store_get_db (FL_SQLITE_STORE (store)), sql, &error);
  g_assert_no_error (error);
}

void
fl_test_store_close (FlTestStore *t)
{
  g_clear_object (&t->store);
  if (t->path != NULL)
    fl_test_store_drop (t->path);
  fl_test_remove_tree (t->dir);
  g_clear_pointer (&t->dir, g_free);
  g_clear_pointer (&t->path, g_free);
}

char *
fl_test_put (FlStore *store, const char *table_name, JsonObject *fields)
{
  g_autoptr(GError) error = NULL;
  const FlTable *table = fl_schema_lookup (table_name);
  g_assert_nonnull (table);
  fl_record_validate (table, fields, FL_RECORD_INSERT, NULL, &error);
  g_assert_no_error (error);
  char *id = fl_uuid7_new ();
  json_object_set_string_member (fields, "id", id);
  fl_store_put_row (store, table, fields, NULL, &error);
  g_assert_no_error (error);
  return id;
}

char *
fl_test_put_site_with_coverage (FlStore *store, const char *code, const char *coverage)
{
  g_autoptr(JsonObject) site = json_object_new ();
  json_object_set_string_member (site, "code", code);
  json_object_set_string_member (site, "name", code);
  json_object_set_string_member (site, "time_zone", "Asia/Shanghai");
  json_object_set_string_member (site, "coverage", coverage);
  return fl_test_put (store, "site", site);
}

char *
fl_test_put_site (FlStore *store, const char *code)
{
  return fl_test_put_site_with_coverage (store, code, "5x9");
}

char *
fl_test_put_work_order (FlStore *store, const char *site_id, const char *ref)
{
  g_autoptr(JsonObject) wo = json_object_new ();
  json_object_set_string_member (wo, "ref", ref);
  json_object_set_string_member (wo, "kind", "incident");
  json_object_set_string_member (wo, "title", "Core switch down");
  json_object_set_string_member (wo, "site_id", site_id);
  json_object_set_int_member (wo, "impact", 2);
  json_object_set_int_member (wo, "urgency", 2);
  json_object_set_string_member (wo, "status", "new");
  return fl_test_put (store, "work_order", wo);
}

void
fl_test_add_user (FlStore *store, const char *login, const char *role, const char *site)
{
  g_autoptr(GError) error = NULL;
  const char *sites[] = { site, NULL };
  g_autoptr(JsonObject) user = fl_accounts_add_user (store, login, login, role,
                                                     site != NULL ? sites : NULL,
                                                     FL_TEST_PASSWORD, "admin", &error);
  g_assert_no_error (error);
}

char *
fl_test_put_derived_work_order (FlStore *store, const char *site_id, const char *ref, const char *kind,
                                int impact, int urgency, const char *assignee, gint64 created)
{
  g_autoptr(GError) error = NULL;
  const FlTable *table = fl_schema_lookup ("work_order");
  g_autoptr(JsonObject) wo = json_object_new ();
  json_object_set_string_member (wo, "ref", ref);
  json_object_set_string_member (wo, "kind", kind);
  json_object_set_string_member (wo, "title", ref);
  json_object_set_string_member (wo, "site_id", site_id);
  json_object_set_int_member (wo, "impact", impact);
  json_object_set_int_member (wo, "urgency", urgency);
  json_object_set_string_member (wo, "status", "assigned");
  json_object_set_string_member (wo, "assignee", assignee);
  fl_record_validate (table, wo, FL_RECORD_INSERT, NULL, &error);
  g_assert_no_error (error);
  char *id = fl_uuid7_new ();
  json_object_set_string_member (wo, "id", id);
  g_autofree char *created_text = fl_time_format (created);
  json_object_set_string_member (wo, "created_at", created_text);
  g_autoptr(JsonObject) site = fl_store_load_row (store, fl_schema_lookup ("site"), site_id, &error);
  g_assert_no_error (error);
  g_autoptr(FlCalendar) calendar = fl_work_order_site_calendar (site, NULL);
  g_autoptr(GPtrArray) no_policies = g_ptr_array_new ();
  fl_work_order_derive (wo, calendar, no_policies);
  fl_store_put_row (store, table, wo, NULL, &error);
  g_assert_no_error (error);
  return id;
}
