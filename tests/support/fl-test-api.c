#include "fl-test-api.h"

void
fl_reply_free (FlReply *reply)
{
  if (reply == NULL)
    return;
  g_clear_pointer (&reply->bytes, g_bytes_unref);
  g_clear_pointer (&reply->json, json_node_unref);
  g_clear_pointer (&reply->headers, soup_message_headers_unref);
  g_free (reply);
}

/* Copies the error body's field (or message) into `buffer`: "" for none. */
static const char *
error_member (FlReply *reply, gboolean message, char *buffer, gsize size)
{
  g_autoptr(FlErrorBody) body = reply->json != NULL ? fl_error_body_from_json (reply->json, NULL) : NULL;
  const char *text = body == NULL ? NULL : message ? body->message : body->field;
  g_strlcpy (buffer, text != NULL ? text : "", size);
  return buffer;
}

const char *
fl_reply_error_field (FlReply *reply)
{
  static char field[256];
  return error_member (reply, FALSE, field, sizeof field);
}

const char *
fl_reply_error_message (FlReply *reply)
{
  static char message[1024];
  return error_member (reply, TRUE, message, sizeof message);
}

void
fl_api_start (FlApiFixture *f, const FlServerOptions *custom)
{
  g_autoptr(GError) error = NULL;
  FlServerOptions defaults;
  fl_server_options_init (&defaults);
  FlServerOptions options = custom != NULL ? *custom : defaults;
  g_autofree char *db_path = g_strdup (f->t.path);
  g_autofree char *listen = g_strdup ("127.0.0.1:0");
  g_autofree char *blobs = g_build_filename (f->t.dir, "blobs", NULL);
  options.store = db_path;
  options.listen = listen;
  /* A PostgreSQL store keeps its blobs itself. */
  if (options.blob_dir == NULL && !fl_test_store_is_postgresql ())
    options.blob_dir = blobs;
  f->server = fl_server_start (&options, &error);
  fl_server_options_clear (&defaults);
  g_assert_no_error (error);
  g_assert_nonnull (f->server);
  g_assert_cmpuint (fl_server_get_port (f->server), >, 0);
}

void
fl_api_setup (FlApiFixture *f, const FlServerOptions *options)
{
  fl_test_store_open (&f->t);
  f->site_a = fl_test_put_site (f->t.store, "HOSPA");
  f->site_b = fl_test_put_site (f->t.store, "HOSPB");
  fl_test_add_user (f->t.store, "eng_a", "engineer", f->site_a);
  fl_test_add_user (f->t.store, "eng_a2", "engineer", f->site_a);
  fl_test_add_user (f->t.store, "eng_b", "engineer", f->site_b);
  fl_test_add_user (f->t.store, "super", "supervisor", NULL);
  fl_test_add_user (f->t.store, "clerk", "clerk", f->site_a);
  fl_api_start (f, options);
  f->session = soup_session_new_with_options ("timeout", 30, NULL);
}

void
fl_api_teardown (FlApiFixture *f)
{
  g_clear_object (&f->session);
  g_clear_pointer (&f->server, fl_server_stop);
  g_free (f->site_a);
  g_free (f->site_b);
  fl_test_store_close (&f->t);
}

FlReply *
fl_api_call_full (FlApiFixture *f, const char *method, const char *path, const char *token,
                  const char *content_type, GBytes *body, const char *content_encoding)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (fl_server_get_base_uri (f->server), path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  g_assert_nonnull (msg);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (headers, "Authorization", auth);
    }
  if (content_encoding != NULL)
    soup_message_headers_replace (headers, "Content-Encoding", content_encoding);
  if (body != NULL)
    soup_message_set_request_body_from_bytes (msg, content_type, body);
  FlReply *reply = g_new0 (FlReply, 1);
  reply->bytes = soup_session_send_and_read (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  reply->status = soup_message_get_status (msg);
  reply->headers = soup_message_headers_ref (soup_message_get_response_headers (msg));
  const char *type = soup_message_headers_get_content_type (reply->headers, NULL);
  if (g_strcmp0 (type, "application/json") == 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (reply->bytes, &size);
      reply->json = fl_protocol_parse (data, size, &error);
      g_assert_no_error (error);
    }
  return reply;
}

FlReply *
fl_api_call (FlApiFixture *f, const char *method, const char *path, const char *token, const char *json)
{
  g_autoptr(GBytes) body = json != NULL ? g_bytes_new (json, strlen (json)) : NULL;
  return fl_api_call_full (f, method, path, token, "application/json", body, NULL);
}

FlReply *
fl_api_call_node (FlApiFixture *f, const char *method, const char *path, const char *token, JsonNode *node)
{
  gsize length;
  char *text = fl_protocol_to_string (node, &length);
  g_autoptr(GBytes) body = g_bytes_new_take (text, length);
  return fl_api_call_full (f, method, path, token, "application/json", body, NULL);
}

void
fl_api_device_clear (FlApiDevice *d)
{
  g_clear_pointer (&d->token, g_free);
  g_clear_pointer (&d->device_id, g_free);
  g_clear_pointer (&d->login, g_free);
}

void
fl_api_login (FlApiFixture *f, const char *login, FlApiDevice *device)
{
  FlLoginRequest request = { (char *) login, (char *) FL_TEST_PASSWORD, (char *) "test laptop", NULL };
  g_autoptr(JsonNode) node = fl_login_request_to_json (&request);
  g_autoptr(FlReply) reply = fl_api_call_node (f, "POST", FL_PROTOCOL_PREFIX "/auth/login", NULL, node);
  g_assert_cmpuint (reply->status, ==, 200);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLoginResponse) response = fl_login_response_from_json (reply->json, &error);
  g_assert_no_error (error);
  device->token = g_strdup (response->token);
  device->device_id = g_strdup (response->device_id);
  device->login = g_strdup (login);
  device->next_mid = 1;
}

FlReply *
fl_api_push (FlApiFixture *f, FlApiDevice *device, GPtrArray *mutations)
{
  g_autoptr(FlPushRequest) request = fl_push_request_new (device->device_id);
  for (guint i = 0; i < mutations->len; i++)
    g_ptr_array_add (request->mutations, g_steal_pointer (&mutations->pdata[i]));
  g_ptr_array_set_size (mutations, 0);
  g_autoptr(JsonNode) node = fl_push_request_to_json (request);
  return fl_api_call_node (f, "POST", FL_PROTOCOL_PREFIX "/sync/push", device->token, node);
}

FlPushResponse *
fl_api_push_ok (FlApiFixture *f, FlApiDevice *device, GPtrArray *mutations)
{
  g_autoptr(FlReply) reply = fl_api_push (f, device, mutations);
  if (reply->status != 200)
    g_test_message ("push answered %u: %.*s", reply->status, (int) g_bytes_get_size (reply->bytes),
                    (const char *) g_bytes_get_data (reply->bytes, NULL));
  g_assert_cmpuint (reply->status, ==, 200);
  g_autoptr(GError) error = NULL;
  FlPushResponse *response = fl_push_response_from_json (reply->json, &error);
  g_assert_no_error (error);
  return response;
}

FlMutation *
fl_api_mutation (FlApiDevice *device, const char *table, const char *id, FlMutationOp op, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) payload = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  return fl_mutation_new (device->next_mid++, table, id, op, fl_time_now (), payload);
}

FlMutationResult *
fl_api_result (FlPushResponse *response, guint i)
{
  g_assert_cmpuint (i, <, response->results->len);
  return response->results->pdata[i];
}

char *
fl_api_new_work_order (FlApiFixture *f, FlApiDevice *device, const char *site, const char *status,
                       const char *assignee)
{
  char *id = fl_uuid7_new ();
  g_autofree char *fields = g_strdup_printf (
      "{\"ref\": \"INC-261122-T%s-%04d\", \"kind\": \"incident\", \"title\": \"UPS alarm in room 3\","
      " \"site_id\": \"%s\", \"impact\": 3, \"urgency\": 2, \"status\": \"%s\"%s%s%s}",
      device->login, g_random_int_range (0, 9999), site, status,
      assignee != NULL ? ", \"assignee\": \"" : "", assignee != NULL ? assignee : "",
      assignee != NULL ? "\"" : "");
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (mutations, fl_api_mutation (device, "work_order", id, FL_MUTATION_INSERT, fields));
  g_autoptr(FlPushResponse) response = fl_api_push_ok (f, device, mutations);
  FlMutationResult *result = fl_api_result (response, 0);
  if (result->status != FL_RESULT_APPLIED)
    g_test_message ("insert: %s", result->error);
  g_assert_cmpint (result->status, ==, FL_RESULT_APPLIED);
  return id;
}

JsonObject *
fl_api_load (FlApiFixture *f, const char *table, const char *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *row = fl_store_load_row (f->t.store, fl_schema_lookup (table), id, &error);
  g_assert_no_error (error);
  return row;
}

static gboolean
keep_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, json_object_ref (row));
  return TRUE;
}

GPtrArray *
fl_api_rows (FlApiFixture *f, const char *table)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  fl_store_foreach_row (f->t.store, fl_schema_lookup (table), NULL, keep_row, rows, &error);
  g_assert_no_error (error);
  return rows;
}

gint64
fl_api_count (FlApiFixture *f, const char *sql)
{
  return fl_test_store_count (f->t.store, sql);
}
