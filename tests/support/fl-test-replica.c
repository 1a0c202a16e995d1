#include "fl-test-replica.h"

static char *replica_template;

static void
remove_replica_template (void)
{
  g_remove (replica_template);
}

void
fl_test_new_replica_file (const char *path)
{
  g_autoptr(GError) error = NULL;
  if (replica_template == NULL)
    {
      g_autofree char *name = g_strdup_printf ("fieldline-replica-%d.db", (int) getpid ());
      char *template = g_build_filename (g_get_tmp_dir (), name, NULL);
      g_remove (template);
      FlDb *db = fl_db_open_replica (template, &error);
      g_assert_no_error (error);
      fl_db_close (db);
      g_object_unref (db);
      replica_template = template;
      atexit (remove_replica_template);
    }
  g_autofree char *bytes = NULL;
  gsize size;
  g_file_get_contents (replica_template, &bytes, &size, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, bytes, (gssize) size, &error);
  g_assert_no_error (error);
}

FlDb *
fl_test_replica (const char *device, char **out_dir)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldline-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "replica.db", NULL);
  fl_test_new_replica_file (path);
  FlDb *db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  fl_db_set_meta (db, FL_META_DEVICE_CODE, device, &error);
  g_assert_no_error (error);
  if (out_dir != NULL)
    *out_dir = g_steal_pointer (&dir);
  return db;
}

char *
fl_test_insert (FlDb *db, const char *table, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  char *id = NULL;
  gboolean append = fl_schema_lookup (table)->kind == FL_TABLE_APPEND_ONLY;
  g_assert_true (append ? fl_changelog_append (db, table, fields, &id, &error)
                        : fl_changelog_insert (db, table, fields, &id, &error));
  g_assert_no_error (error);
  return id;
}

char *
fl_test_insert_site (FlDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) site = json_object_new ();
  json_object_set_string_member (site, "code", "HOSP1");
  json_object_set_string_member (site, "name", "First People's Hospital");
  json_object_set_string_member (site, "time_zone", "Asia/Shanghai");
  json_object_set_string_member (site, "coverage", "7x24");
  char *id = NULL;
  fl_changelog_insert (db, "site", site, &id, &error);
  g_assert_no_error (error);
  return id;
}
