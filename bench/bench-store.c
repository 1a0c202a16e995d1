/* bench-store — the change-log write path against a plain bulk insert.
 *
 * Inserts N work orders (default 100,000) into an empty replica twice, in
 * the same run: first with one prepared INSERT per row in one transaction
 * (the limit: what SQLite itself does), then through fl_changelog_insert
 * (validation, row + outbox mutation per row, each in its own savepoint,
 * inside one outer transaction as a bulk import would).  Prints both rates
 * and their ratio; the target is a ratio of at least 0.40. */
#include <fieldline.h>
#include <glib/gstdio.h>
#include <stdio.h>

#define TARGET_RATIO 0.40

static const char * const statuses[] = { "new", "assigned", "in_progress", "on_hold", "resolved" };

static JsonObject *
make_fields (guint i, const char *site_id)
{
  JsonObject *wo = json_object_new ();
  g_autofree char *ref = g_strdup_printf ("INC-261122-BEN-%06u", i);
  g_autofree char *title = g_strdup_printf ("Ward %u workstation cannot reach the HIS server", i % 40);
  json_object_set_string_member (wo, "ref", ref);
  json_object_set_string_member (wo, "kind", i % 3 == 0 ? "request" : "incident");
  json_object_set_string_member (wo, "title", title);
  json_object_set_string_member (wo, "description", "Reported by the ward nurse station; printer queue also stuck.");
  json_object_set_string_member (wo, "site_id", site_id);
  json_object_set_int_member (wo, "impact", 1 + i % 4);
  json_object_set_int_member (wo, "urgency", 1 + (i / 4) % 4);
  json_object_set_string_member (wo, "priority", "normal");
  json_object_set_string_member (wo, "status", statuses[i % G_N_ELEMENTS (statuses)]);
  json_object_set_string_member (wo, "assignee", "zhang.wei");
  json_object_set_string_member (wo, "response_due", "2026-11-23T09:00:00.000Z");
  json_object_set_string_member (wo, "resolve_due", "2026-11-25T09:00:00.000Z");
  return wo;
}

static FlDb *
fresh_replica (const char *dir, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (dir, name, NULL);
  FlDb *db = fl_db_open_replica (path, &error);
  if (db == NULL)
    g_error ("%s", error->message);
  return db;
}

static double
plain_insert (FlDb *db, JsonObject **rows, guint n)
{
  const FlTable *table = fl_schema_lookup ("work_order");
  g_autofree char *sql = NULL;
  {
    g_autoptr(GString) marks = g_string_new ("?, ?, ?, ?");
    for (guint c = 0; c < table->n_columns; c++)
      g_string_append (marks, ", ?");
    sql = g_strdup_printf ("INSERT INTO work_order (%s) VALUES (%s)",
                           fl_record_select_list (table), marks->str);
  }
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  fl_db_begin (db, &error);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, &error);
      char id[37];
      fl_uuid7_generate (id);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_int64 (stmt, 2, 1);
      sqlite3_bind_text (stmt, 3, "2026-11-22T02:00:00.000Z", -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 4, "2026-11-22T02:00:00.000Z", -1, SQLITE_STATIC);
      for (guint c = 0; c < table->n_columns; c++)
        {
          JsonNode *v = json_object_get_member (rows[i], table->columns[c].name);
          int index = (int) c + 5;
          if (v == NULL)
            sqlite3_bind_null (stmt, index);
          else if (json_node_get_value_type (v) == G_TYPE_INT64)
            sqlite3_bind_int64 (stmt, index, json_node_get_int (v));
          else
            sqlite3_bind_text (stmt, index, json_node_get_string (v), -1, SQLITE_TRANSIENT);
        }
      if (sqlite3_step (stmt) != SQLITE_DONE)
        g_error ("plain insert: %s", sqlite3_errmsg (fl_db_handle (db)));
    }
  fl_db_commit (db, &error);
  return (g_get_monotonic_time () - start) / 1e6;
}

static double
changelog_insert (FlDb *db, JsonObject **rows, guint n)
{
  g_autoptr(GError) error = NULL;
  gint64 start = g_get_monotonic_time ();
  fl_db_begin (db, &error);
  for (guint i = 0; i < n; i++)
    if (!fl_changelog_insert (db, "work_order", rows[i], NULL, &error))
      g_error ("change log insert: %s", error->message);
  fl_db_commit (db, &error);
  return (g_get_monotonic_time () - start) / 1e6;
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autofree char *dir = g_dir_make_tmp ("bench-store-XXXXXX", NULL);
  const char *site = "0192f1d2-0000-7000-8000-00000000aaaa";

  JsonObject **plain_rows = g_new (JsonObject *, n);
  JsonObject **log_rows = g_new (JsonObject *, n);
  for (guint i = 0; i < n; i++)
    {
      plain_rows[i] = make_fields (i, site);
      log_rows[i] = make_fields (i, site);
    }

  printf ("rows                      %u work orders\n", n);
  gboolean met = TRUE;
  /* Once with the search index kept row by row (as single edits are), once
   * paused and rebuilt at the end (as bulk loads do); both sides alike. */
  for (int paused = 0; paused < 2; paused++)
    {
      g_autofree char *plain_name = g_strdup_printf ("plain-%d.db", paused);
      g_autofree char *log_name = g_strdup_printf ("changelog-%d.db", paused);
      g_autoptr(FlDb) plain_db = fresh_replica (dir, plain_name);
      g_autoptr(FlDb) log_db = fresh_replica (dir, log_name);
      if (paused)
        {
          fl_replica_pause_search_index (plain_db, NULL);
          fl_replica_pause_search_index (log_db, NULL);
        }
      gint64 t0 = g_get_monotonic_time ();
      double plain_s = plain_insert (plain_db, plain_rows, n);
      if (paused)
        fl_replica_resume_search_index (plain_db, NULL);
      plain_s = (g_get_monotonic_time () - t0) / 1e6;
      t0 = g_get_monotonic_time ();
      double log_s = changelog_insert (log_db, log_rows, n);
      if (paused)
        fl_replica_resume_search_index (log_db, NULL);
      log_s = (g_get_monotonic_time () - t0) / 1e6;

      gint64 outbox = 0;
      fl_db_query_int64 (log_db, "SELECT count(*) FROM outbox", &outbox, NULL);
      g_assert_cmpint (outbox, ==, n);

      double plain_rate = n / plain_s, log_rate = n / log_s;
      double ratio = log_rate / plain_rate;
      met = met && ratio >= TARGET_RATIO;
      printf ("-- search index %s\n", paused ? "paused, rebuilt at the end" : "kept row by row");
      printf ("plain bulk insert (limit) %10.0f rows/s  (%.2f s)\n", plain_rate, plain_s);
      printf ("change-log insert         %10.0f rows/s  (%.2f s, row + outbox mutation each)\n", log_rate, log_s);
      printf ("ratio                     %10.2f  (target >= %.2f: %s)\n", ratio, TARGET_RATIO,
              ratio >= TARGET_RATIO ? "met" : "NOT met");
      fl_db_close (plain_db);
      fl_db_close (log_db);
    }

  for (guint i = 0; i < n; i++)
    {
      json_object_unref (plain_rows[i]);
      json_object_unref (log_rows[i]);
    }
  g_free (plain_rows);
  g_free (log_rows);
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
  return met ? 0 : 1;
}
