/* A query read a page at a time: the count and each page follow the
 * parameters, a page past the end is empty, and a bad query says why. */
#include <fl-paged-query.h>

#include "fl-test-util.h"

static void
insert_parts (FlDb *db, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) part = json_object_new ();
      g_autofree char *sku = g_strdup_printf ("P-%03u", i);
      json_object_set_string_member (part, "sku", sku);
      json_object_set_string_member (part, "name", i % 2 == 0 ? "Even part" : "Odd part");
      json_object_set_string_member (part, "unit", "pc");
      g_assert_true (fl_changelog_insert (db, "part", part, NULL, &error));
      g_assert_no_error (error);
    }
}

static void
test_pages (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("K3F", &dir);
  insert_parts (db, 25);
  g_autoptr(FlPagedQuery) query = fl_paged_query_new (db,
      "SELECT id, sku, name FROM part WHERE ?1 IS NULL OR name = ?1 ORDER BY sku");

  const char *every[] = { NULL };
  fl_paged_query_set_params (query, G_N_ELEMENTS (every), every);
  guint n = 0;
  g_assert_true (fl_paged_query_count (query, &n, &error));
  g_assert_cmpuint (n, ==, 25);
  g_autoptr(GPtrArray) second = fl_paged_query_fetch (query, 10, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (second->len, ==, 10);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (second, 0), "sku"), ==, "P-010");
  g_autoptr(GPtrArray) last = fl_paged_query_fetch (query, 20, 10, &error);
  g_assert_cmpuint (last->len, ==, 5);
  g_autoptr(GPtrArray) past = fl_paged_query_fetch (query, 30, 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (past->len, ==, 0);

  const char *odd[] = { "Odd part" };
  fl_paged_query_set_params (query, G_N_ELEMENTS (odd), odd);
  g_assert_true (fl_paged_query_count (query, &n, &error));
  g_assert_cmpuint (n, ==, 12);
  g_autoptr(GPtrArray) first = fl_paged_query_fetch (query, 0, 5, &error);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (first, 0), "sku"), ==, "P-001");
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (first, 4), "sku"), ==, "P-009");

  g_autoptr(FlPagedQuery) broken = fl_paged_query_new (db, "SELECT id FROM no_such_table");
  g_assert_false (fl_paged_query_count (broken, &n, &error));
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE);
  g_clear_error (&error);
  g_assert_null (fl_paged_query_fetch (broken, 0, 10, &error));
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE);

  g_clear_pointer (&query, fl_paged_query_free);
  g_clear_pointer (&broken, fl_paged_query_free);
  g_object_unref (db);
  fl_test_remove_dir (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/paged-query/pages", test_pages);
  return g_test_run ();
}
