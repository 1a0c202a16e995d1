/* Several server instances on one store, as behind a load balancer: any
 * instance answers any request, because everything an instance keeps is in
 * the store.  (The postgresql suite runs it on one PostgreSQL database; on
 * SQLite the instances share one file.) */
#include "fl-api-test-util.h"

#define P FL_PROTOCOL_PREFIX

typedef struct {
  FlApiFixture f;
  FlServer    *instances[2];
} Instances;

static void
instances_setup (Instances *i)
{
  fl_api_setup (&i->f, NULL);
  i->instances[0] = i->f.server;
  fl_api_start (&i->f, NULL);
  i->instances[1] = i->f.server;
}

/* Sends the fixture's next requests to instance `n`. */
static FlApiFixture *
on (Instances *i, guint n)
{
  i->f.server = i->instances[n];
  return &i->f;
}

static void
instances_teardown (Instances *i)
{
  g_clear_pointer (&i->instances[0], fl_server_stop);
  i->f.server = i->instances[1];
  fl_api_teardown (&i->f);
}

static GPtrArray *
one_mutation (FlApiDevice *device, gint64 mid, const char *id, const char *site)
{
  g_autofree char *fields = g_strdup_printf (
      "{\"ref\": \"INC-261122-TWO-0001\", \"kind\": \"incident\", \"title\": \"UPS alarm\","
      " \"site_id\": \"%s\", \"impact\": 3, \"urgency\": 2, \"status\": \"new\"}", site);
  GPtrArray *mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  device->next_mid = mid;
  g_ptr_array_add (mutations, fl_api_mutation (device, "work_order", id, FL_MUTATION_INSERT, fields));
  return mutations;
}

/* A device pushes to one instance, loses the answer and replays the push
 * to the other: the same result, applied once. */
static void
test_replay_on_another_instance (void)
{
  Instances i = { 0 };
  instances_setup (&i);
  g_auto(FlApiDevice) eng = { 0 };
  fl_api_login (on (&i, 0), "eng_a", &eng);
  g_autofree char *id = fl_uuid7_new ();

  g_autoptr(GPtrArray) first = one_mutation (&eng, 1, id, i.f.site_a);
  g_autoptr(FlPushResponse) applied = fl_api_push_ok (on (&i, 0), &eng, first);
  g_autoptr(GPtrArray) again = one_mutation (&eng, 1, id, i.f.site_a);
  g_autoptr(FlPushResponse) replayed = fl_api_push_ok (on (&i, 1), &eng, again);
  g_assert_cmpint (fl_api_result (applied, 0)->status, ==, FL_RESULT_APPLIED);
  g_assert_cmpint (fl_api_result (replayed, 0)->status, ==, FL_RESULT_APPLIED);

  g_autoptr(JsonObject) row = fl_api_load (&i.f, "work_order", id);
  g_assert_cmpint (fl_record_get_int (row, "version", 0), ==, 1);
  g_assert_cmpint (fl_api_count (&i.f, "SELECT count(*) FROM audit WHERE action = 'insert' "
                                       "AND table_name = 'work_order'"), ==, 1);
  instances_teardown (&i);
}

/* A token revoked through one instance is refused by the other at its
 * next request; sign-in failures count on every instance together. */
static void
test_tokens_and_limits_are_shared (void)
{
  Instances i = { 0 };
  instances_setup (&i);
  g_auto(FlApiDevice) eng = { 0 };
  fl_api_login (on (&i, 0), "eng_a", &eng);
  g_autoptr(FlReply) pulled = fl_api_call (on (&i, 1), "GET", P "/sync/snapshot", eng.token, NULL);
  g_assert_cmpuint (pulled->status, ==, 200);
  g_autoptr(FlReply) out = fl_api_call (on (&i, 0), "POST", P "/auth/logout", eng.token, NULL);
  g_assert_cmpuint (out->status, ==, 204);
  g_autoptr(FlReply) refused = fl_api_call (on (&i, 1), "GET", P "/sync/snapshot", eng.token, NULL);
  g_assert_cmpuint (refused->status, ==, 401);

  /* Five wrong passwords spread over both instances, then either waits. */
  for (guint n = 0; n < 5; n++)
    {
      g_autoptr(FlReply) wrong = fl_api_call (on (&i, n % 2), "POST", P "/auth/login", NULL,
          "{\"login\": \"eng_b\", \"password\": \"guess\", \"device_name\": \"T14\"}");
      g_assert_cmpuint (wrong->status, ==, 401);
    }
  g_autoptr(FlReply) limited = fl_api_call (on (&i, 1), "POST", P "/auth/login", NULL,
      "{\"login\": \"eng_b\", \"password\": \"password-of-test\", \"device_name\": \"T14\"}");
  g_assert_cmpuint (limited->status, ==, 429);
  instances_teardown (&i);
}

/* A photo uploaded through one instance downloads from the other, byte for
 * byte: on PostgreSQL both find it in the database (no shared folder; a
 * photo this size is kept in several parts), on SQLite in the folder
 * beside the file. */
static void
test_blob_on_another_instance (void)
{
  Instances i = { 0 };
  instances_setup (&i);
  g_auto(FlApiDevice) eng = { 0 };
  fl_api_login (on (&i, 0), "eng_a", &eng);
  gsize size = 600 * 1024 + 17;
  guint8 *data = g_malloc (size);
  for (gsize n = 0; n < size; n++)
    data[n] = (guint8) (n * 31 + n / 1024);
  g_autoptr(GBytes) photo = g_bytes_new_take (data, size);
  g_autofree char *sha = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, photo);
  g_autofree char *path = g_strdup_printf (P "/sync/blobs/%s", sha);

  g_autoptr(FlReply) absent = fl_api_call (on (&i, 1), "GET", path, eng.token, NULL);
  g_assert_cmpuint (absent->status, ==, 404);
  g_autoptr(FlReply) put = fl_api_call_full (on (&i, 0), "PUT", path, eng.token, "image/jpeg", photo, NULL);
  g_assert_cmpuint (put->status, ==, 201);
  g_autoptr(FlReply) got = fl_api_call (on (&i, 1), "GET", path, eng.token, NULL);
  g_assert_cmpuint (got->status, ==, 200);
  g_assert_true (g_bytes_equal (got->bytes, photo));
  /* The same upload through the other instance changes nothing. */
  g_autoptr(FlReply) again = fl_api_call_full (on (&i, 1), "PUT", path, eng.token, "image/jpeg", photo, NULL);
  g_assert_cmpuint (again->status, ==, 201);
  g_autofree char *blob_dir = g_build_filename (i.f.t.dir, "blobs", NULL);
  g_assert_cmpint (g_file_test (blob_dir, G_FILE_TEST_EXISTS), ==, !fl_test_store_is_postgresql ());
  instances_teardown (&i);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/instances/replay-on-another-instance", test_replay_on_another_instance);
  g_test_add_func ("/instances/tokens-and-limits-are-shared", test_tokens_and_limits_are_shared);
  g_test_add_func ("/instances/blob-on-another-instance", test_blob_on_another_instance);
  return g_test_run ();
}
