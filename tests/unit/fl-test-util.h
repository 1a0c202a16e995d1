/* Helpers shared by the unit tests. */
#pragma once

#include <fieldline.h>
#include <glib/gstdio.h>
#include <string.h>

/* A fresh replica in a temporary directory with device code `device`. */
static inline FlDb *
fl_test_replica (const char *device, char **out_dir)
{
  g_autoptr(GError) error = NULL;
  char *dir = g_dir_make_tmp ("fieldline-test-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "replica.db", NULL);
  FlDb *db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  fl_db_set_meta (db, FL_META_DEVICE_CODE, device, &error);
  g_assert_no_error (error);
  if (out_dir != NULL)
    *out_dir = dir;
  else
    g_free (dir);
  return db;
}

static inline void
fl_test_remove_dir (const char *dir)
{
  g_autoptr(GDir) d = g_dir_open (dir, 0, NULL);
  const char *name;
  while (d != NULL && (name = g_dir_read_name (d)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (dir);
}

static inline gint64
fl_test_count (FlDb *db, const char *sql)
{
  gint64 n = -1;
  g_autoptr(GError) error = NULL;
  fl_db_query_int64 (db, sql, &n, &error);
  g_assert_no_error (error);
  return n;
}

/* A site and a work order at it, written through the change log. */
static inline char *
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
