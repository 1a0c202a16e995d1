#include <fieldline.h>
#include <string.h>

/* A million ids from one process: all distinct and strictly increasing, so
 * rows sort by creation and an index on id stays append-only. */
static void
test_uuid7_unique_and_ordered (void)
{
  const guint n = 1000000;
  g_autoptr(GHashTable) seen = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  char previous[37] = "";
  for (guint i = 0; i < n; i++)
    {
      char *id = g_malloc (37);
      fl_uuid7_generate (id);
      g_assert_true (fl_uuid_is_valid (id));
      g_assert_cmpint (id[14], ==, '7');                    /* version nibble */
      g_assert_true (strchr ("89ab", id[19]) != NULL);      /* RFC 9562 variant */
      g_assert_cmpstr (previous, <, id);
      memcpy (previous, id, 37);
      g_assert_true (g_hash_table_add (seen, id));
    }
  g_assert_cmpuint (g_hash_table_size (seen), ==, n);
}

static void
test_uuid7_embeds_time (void)
{
  gint64 before = g_get_real_time () / 1000;
  g_autofree char *id = fl_uuid7_new ();
  char hex[13] = { 0 };
  memcpy (hex, id, 8);
  memcpy (hex + 8, id + 9, 4);
  gint64 ms = g_ascii_strtoll (hex, NULL, 16);
  /* The counter may borrow a millisecond after a burst, never more than a few. */
  g_assert_cmpint (ms, >=, before);
  g_assert_cmpint (ms, <=, g_get_real_time () / 1000 + 5);
}

static FlDb *
replica_with_device (const char *code)
{
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_db_open_replica (":memory:", &error);
  g_assert_no_error (error);
  fl_db_set_meta (db, FL_META_DEVICE_CODE, code, &error);
  g_assert_no_error (error);
  return db;
}

/* Two devices working offline on the same day never hand out the same
 * reference, and each device's references count up per type. */
static void
test_refs_two_devices_never_collide (void)
{
  g_autoptr(FlDb) a = replica_with_device ("K3F");
  g_autoptr(FlDb) b = replica_with_device ("M7Q");
  g_autoptr(GHashTable) refs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GError) error = NULL;
  /* 2026-11-22 10:00 Asia/Shanghai */
  gint64 at = G_GINT64_CONSTANT (1795312800) * G_USEC_PER_SEC;

  for (int i = 0; i < 500; i++)
    for (int d = 0; d < 2; d++)
      {
        char *ref = fl_ref_next (d == 0 ? a : b, fl_ref_prefix ("work_order", "incident"), at, &error);
        g_assert_no_error (error);
        g_assert_true (g_hash_table_add (refs, ref));
      }
  g_assert_cmpuint (g_hash_table_size (refs), ==, 1000);

  g_autofree char *next_a = fl_ref_next (a, "INC", at, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (next_a, "INC-"));
  g_assert_true (g_str_has_suffix (next_a, "-K3F-0501"));
  g_autofree char *first_request = fl_ref_next (a, fl_ref_prefix ("work_order", "request"), at, &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_suffix (first_request, "-K3F-0001"));
  g_assert_true (g_str_has_prefix (first_request, "REQ-"));
}

static void
test_ref_without_device_code_is_refused (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDb) db = fl_db_open_replica (":memory:", &error);
  g_autofree char *ref = fl_ref_next (db, "INC", fl_time_now (), &error);
  g_assert_null (ref);
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND);
  g_assert_nonnull (strstr (error->message, "sign in"));
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/ids/uuid7/unique-and-ordered", test_uuid7_unique_and_ordered);
  g_test_add_func ("/ids/uuid7/embeds-time", test_uuid7_embeds_time);
  g_test_add_func ("/ids/ref/two-devices", test_refs_two_devices_never_collide);
  g_test_add_func ("/ids/ref/needs-device-code", test_ref_without_device_code_is_refused);
  return g_test_run ();
}
