/* Who is signed in, as the replica knows them: the user row once pulled,
 * and the van they own (the first by code). */
#include <fl-user.h>

#include "fl-test-util.h"

/* Stores `json` as a row of `table` the way a pull would: user rows and
 * their vans are the server's. */
static char *
pulled (FlDb *db, const char *table, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  g_autofree char *now = fl_time_format (fl_time_now ());
  char *id = fl_uuid7_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "version", "1");
  json_object_set_string_member (row, "created_at", now);
  json_object_set_string_member (row, "updated_at", now);
  fl_record_validate (fl_schema_lookup (table), row, FL_RECORD_STORED, NULL, &error);
  g_assert_no_error (error);
  fl_record_store (db, fl_schema_lookup (table), row, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
test_user_and_van (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("K3F", &dir);

  g_assert_null (fl_user_find (db, "zhang.wei", &error));
  g_assert_no_error (error);
  g_assert_null (fl_user_dup_van_id (db, "zhang.wei", &error));
  g_assert_no_error (error);

  g_free (pulled (db, "user", "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  g_free (pulled (db, "stock_location", "{\"code\": \"WH-1\", \"name\": \"Warehouse\", \"kind\": \"warehouse\","
                                        " \"owner\": \"zhang.wei\"}"));
  g_autofree char *spare = pulled (db, "stock_location", "{\"code\": \"VAN-ZW2\", \"name\": \"Spare van\","
                                                          " \"kind\": \"van\", \"owner\": \"zhang.wei\"}");
  g_autofree char *first = pulled (db, "stock_location", "{\"code\": \"VAN-ZW1\", \"name\": \"张伟的车\","
                                                         " \"kind\": \"van\", \"owner\": \"zhang.wei\"}");
  g_autoptr(JsonObject) user = fl_user_find (db, "zhang.wei", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (user, "role"), ==, "engineer");
  g_assert_cmpstr (fl_record_get_string (user, "display_name"), ==, "张伟");
  g_autofree char *van = fl_user_dup_van_id (db, "zhang.wei", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (van, ==, first);
  g_assert_null (fl_user_dup_van_id (db, "li.na", &error));
  g_assert_no_error (error);
  g_object_unref (db);
  fl_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/user/user-and-van", test_user_and_van);
  return g_test_run ();
}
