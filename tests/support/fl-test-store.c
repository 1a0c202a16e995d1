#include "fl-test-store.h"

FlStore *
fl_test_store_new (char **out_dir, char **out_path)
{
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  *out_dir = g_dir_make_tmp ("fieldline-server-XXXXXX", &error);
  g_assert_no_error (error);
  *out_path = g_build_filename (*out_dir, "server.db", NULL);
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
fl_test_store_close (FlTestStore *t)
{
  g_clear_object (&t->store);
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
