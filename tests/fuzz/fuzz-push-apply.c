/* Applying a push on the server (sync-server/fl-push.c): the input is
 * "<login>\n<push body>", the body read as the server reads it and applied
 * for that user's device to a store that holds the rows of a demo site
 * (push-apply-store.ndjson, the rows the seed corpus refers to).  Each
 * input's push is rolled back, so every input meets the same store.
 *
 * What callers rely on: a refused push is FORBIDDEN or an error a store
 * failure explains; an applied push answers every mutation, in mid order,
 * a rejection with a reason in UTF-8; and the same request sent again
 * (an answer lost on the way) gets the very same answers. */
#include <glib/gstdio.h>

#include "fl-accounts.h"
#include "fl-fuzz.h"
#include "fl-push.h"
#include "fl-record.h"
#include "fl-store.h"
#include "fl-time.h"

static char *store_dir;

static void
remove_store (void)
{
  g_autoptr(GDir) dir = g_dir_open (store_dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (store_dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (store_dir);
}

/* Every user of the rows gets a device whose id is the user's id. */
static void
put_rows (FlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  g_file_get_contents (FL_FUZZ_STORE_ROWS, &text, NULL, &error);
  g_assert_no_error (error);
  g_auto(GStrv) lines = g_strsplit (text, "\n", -1);
  for (guint i = 0; lines[i] != NULL && *lines[i] != '\0'; i++)
    {
      g_autoptr(FlSnapshotLine) line = fl_snapshot_line_parse (lines[i], strlen (lines[i]), &error);
      g_assert_no_error (error);
      const FlTable *table = fl_schema_lookup (line->table);
      g_assert_true (fl_record_validate (table, line->row, FL_RECORD_STORED, NULL, &error));
      g_assert_true (fl_store_put_row (store, table, line->row, NULL, &error));
      g_assert_no_error (error);
      if (g_strcmp0 (table->name, "user") != 0)
        continue;
      FlStoreDevice device = {
        .id = (char *) fl_record_get_string (line->row, "id"),
        .user_id = (char *) fl_record_get_string (line->row, "id"),
        .name = (char *) "fuzz",
        .code = g_strdup_printf ("F%02u", i % 100),
        .created_at = fl_time_now () - 7 * G_TIME_SPAN_DAY,
      };
      g_assert_true (fl_store_put_device (store, &device, &error));
      g_free (device.code);
    }
}

static FlStore *
seeded_store (void)
{
  static FlStore *store;
  if (store != NULL)
    return store;
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  store_dir = g_dir_make_tmp ("fieldline-fuzz-push-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_store);
  g_autofree char *path = g_build_filename (store_dir, "server.db", NULL);
  store = fl_store_open (path, &error);
  g_assert_no_error (error);
  put_rows (store);
  return store;
}

static char *
answers (FlPushResponse *response)
{
  g_autoptr(JsonArray) results = json_array_new ();
  for (guint i = 0; i < response->results->len; i++)
    json_array_add_element (results, fl_mutation_result_to_json (g_ptr_array_index (response->results, i)));
  g_autoptr(JsonNode) node = json_node_init_array (json_node_alloc (), results);
  return fl_protocol_to_string (node, NULL);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *login = NULL;
  const char *body;
  gsize body_size;
  if (!fl_fuzz_split_line (data, size, &login, &body, &body_size))
    return 0;
  FlStore *store = seeded_store ();
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = fl_store_find_row (store, fl_schema_lookup ("user"), "login", login, NULL);
  g_autoptr(JsonNode) node = user != NULL ? fl_protocol_parse (body, body_size, NULL) : NULL;
  g_autoptr(FlPushRequest) request = node != NULL
    ? fl_push_request_from_json (node, FL_PROTOCOL_MAX_MUTATIONS, NULL, NULL) : NULL;
  /* The server answers a request for another device 403 before applying it. */
  if (request == NULL || g_strcmp0 (request->device_id, fl_record_get_string (user, "id")) != 0)
    return 0;

  g_auto(GStrv) sites = fl_accounts_user_sites (user);
  FlPushActor actor = {
    .user_id = fl_record_get_string (user, "id"),
    .login = login,
    .role = fl_record_get_string (user, "role"),
    .sites = (const char * const *) sites,
    .device_id = request->device_id,
  };
  FlPushLimits limits = { .max_clock_skew = 600 * G_USEC_PER_SEC };
  g_autofree char *bad_field = NULL;
  g_assert_true (fl_store_begin (store, &error));
  g_autoptr(FlPushResponse) response = fl_push_apply (store, &actor, request, &limits, &bad_field, &error);
  if (response == NULL)
    {
      fl_fuzz_check_refusal (error, FL_PUSH_ERROR);
      g_assert_true (bad_field == NULL || g_utf8_validate (bad_field, -1, NULL));
      fl_store_rollback (store);
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (response->results->len, ==, request->mutations->len);
  for (guint i = 0; i < response->results->len; i++)
    {
      FlMutationResult *result = g_ptr_array_index (response->results, i);
      g_assert_cmpint (result->mid, ==, ((FlMutation *) g_ptr_array_index (request->mutations, i))->mid);
      g_assert_true (result->status != FL_RESULT_REJECTED ||
                     (result->error != NULL && g_utf8_validate (result->error, -1, NULL)));
    }

  g_autoptr(FlPushResponse) replay = fl_push_apply (store, &actor, request, &limits, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *first = answers (response);
  g_autofree char *again = answers (replay);
  g_assert_cmpstr (again, ==, first);
  fl_store_rollback (store);
  return 0;
}
