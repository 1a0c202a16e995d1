/* Helpers shared by the server tests: a store in a temporary directory and
 * rows of the model to put in it. */
#pragma once

#include <glib/gstdio.h>
#include <string.h>

#include "fl-ids.h"
#include "fl-record-store.h"
#include "fl-schema.h"
#include "fl-stock-ledger.h"
#include "fl-time.h"

#include "fl-accounts.h"
#include "fl-sqlite-store.h"
#include "fl-store.h"

typedef struct {
  char    *dir;
  char    *path;
  FlStore *store;
} FlTestStore;

/* Removes a directory and everything under it. */
static inline void
fl_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          fl_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

/* A new empty store "server.db" in a fresh temporary directory; password
 * hashing made cheap so tests run fast. */
static inline void
fl_test_store_open (FlTestStore *t)
{
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  t->dir = g_dir_make_tmp ("fieldline-server-XXXXXX", &error);
  g_assert_no_error (error);
  t->path = g_build_filename (t->dir, "server.db", NULL);
  t->store = fl_store_open (t->path, &error);
  g_assert_no_error (error);
  g_assert_nonnull (t->store);
}

static inline void
fl_test_store_close (FlTestStore *t)
{
  g_clear_object (&t->store);
  fl_test_remove_tree (t->dir);
  g_clear_pointer (&t->dir, g_free);
  g_clear_pointer (&t->path, g_free);
}

/* Validates `fields` as a new row of `table_name`, gives it an id and puts
 * it in the store; returns the id. */
static inline char *
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

static inline char *
fl_test_put_site (FlStore *store, const char *code)
{
  g_autoptr(JsonObject) site = json_object_new ();
  json_object_set_string_member (site, "code", code);
  json_object_set_string_member (site, "name", code);
  json_object_set_string_member (site, "time_zone", "Asia/Shanghai");
  json_object_set_string_member (site, "coverage", "5x9");
  return fl_test_put (store, "site", site);
}

static inline char *
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
