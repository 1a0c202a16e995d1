#include <fieldline.h>
#include <fl-protocol.h>
#include <math.h>
#include <string.h>

#define WO_ID "01936d3c-8f00-7000-8000-000000000001"
#define SITE_ID "01936d3c-8f00-7000-8000-0000000000aa"

static JsonNode *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *node = fl_protocol_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  return node;
}

/* Parses a push request that must fail, checking the error code and that
 * both the message and bad_field name the offending member. */
static void
assert_push_refused (const char *json, int code, const char *field)
{
  g_autoptr(JsonNode) node = parse (json);
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;
  g_autoptr(FlPushRequest) request = fl_push_request_from_json (node, FL_PROTOCOL_MAX_MUTATIONS,
                                                                &bad_field, &error);
  g_assert_null (request);
  g_assert_error (error, FL_PROTOCOL_ERROR, code);
  g_assert_cmpstr (bad_field, ==, field);
  g_assert_true (g_str_has_prefix (error->message, field));
}

static char *
push_with (const char *mutation)
{
  return g_strdup_printf ("{\"device_id\": \"d1\", \"mutations\": ["
                          "{\"mid\": \"1\", \"table\": \"work_log\", \"id\": \"" WO_ID "\", \"op\": \"append\","
                          " \"at\": \"2026-11-22T09:30:00.000Z\", \"fields\": {\"text\": \"ok\"}}, %s]}",
                          mutation);
}

static void
test_push_request_round_trip (void)
{
  g_autoptr(JsonNode) node = parse (
      "{\"device_id\": \"d1\", \"mutations\": ["
      " {\"mid\": \"8\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"update\","
      "  \"at\": \"2026-11-22T17:30:00+08:00\", \"changes\": {\"impact\": {\"from\": 3, \"to\": 1}}},"
      " {\"mid\": 7, \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\","
      "  \"at\": \"2026-11-22T09:00:00.000Z\", \"fields\": {\"title\": \"UPS alarm\", \"site_id\": \"" SITE_ID "\"}}]}");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPushRequest) request = fl_push_request_from_json (node, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->device_id, ==, "d1");
  g_assert_cmpuint (request->mutations->len, ==, 2);
  /* sorted by mid; both string and number forms read */
  FlMutation *first = g_ptr_array_index (request->mutations, 0);
  FlMutation *second = g_ptr_array_index (request->mutations, 1);
  g_assert_cmpint (first->mid, ==, 7);
  g_assert_cmpint (first->op, ==, FL_MUTATION_INSERT);
  g_assert_cmpstr (json_object_get_string_member (first->fields, "title"), ==, "UPS alarm");
  g_assert_cmpint (second->mid, ==, 8);
  g_assert_cmpint (second->op, ==, FL_MUTATION_UPDATE);
  g_assert_nonnull (second->changes);
  /* offsets are read and normalised to UTC */
  g_autofree char *at = fl_time_format (second->at);
  g_assert_cmpstr (at, ==, "2026-11-22T09:30:00.000Z");

  g_autoptr(JsonNode) again = fl_push_request_to_json (request);
  g_autofree char *text = fl_protocol_to_string (again, NULL);
  g_assert_nonnull (strstr (text, "\"mid\":\"7\""));
  g_assert_nonnull (strstr (text, "\"at\":\"2026-11-22T09:30:00.000Z\""));
  g_autoptr(FlPushRequest) reread = fl_push_request_from_json (again, 10, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (reread->mutations->len, ==, 2);
}

static void
test_push_request_errors_name_the_member (void)
{
  const char *at = "\"at\": \"2026-11-22T09:30:00.000Z\"";
  struct {
    const char *mutation;
    FlProtocolError code;
    const char *field;
  } cases[] = {
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"update\", %s,"
      " \"changes\": {\"impact\": {\"from\": 3, \"to\": \"high\"}}}",
      FL_PROTOCOL_ERROR_INVALID, "mutations[1].changes.impact.to" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"update\", %s,"
      " \"changes\": {\"impact\": {\"from\": 3}}}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].changes.impact.to" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"update\", %s,"
      " \"changes\": {\"impact\": 1}}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].changes.impact" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"update\", %s,"
      " \"changes\": {\"colour\": {\"from\": null, \"to\": \"red\"}}}",
      FL_PROTOCOL_ERROR_UNKNOWN, "mutations[1].changes.colour" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"update\", %s,"
      " \"changes\": {\"version\": {\"from\": \"1\", \"to\": \"9\"}}}",
      FL_PROTOCOL_ERROR_UNKNOWN, "mutations[1].changes.version" },
    { "{\"mid\": \"2\", \"table\": \"spaceship\", \"id\": \"" WO_ID "\", \"op\": \"insert\", %s, \"fields\": {}}",
      FL_PROTOCOL_ERROR_UNKNOWN, "mutations[1].table" },
    { "{\"mid\": \"x2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\", %s, \"fields\": {}}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].mid" },
    { "{\"mid\": \"0\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\", %s, \"fields\": {}}",
      FL_PROTOCOL_ERROR_INVALID, "mutations[1].mid" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"../etc\", \"op\": \"insert\", %s, \"fields\": {}}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].id" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"delete\", %s, \"fields\": {}}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].op" },
    { "{\"mid\": \"2\", \"table\": \"work_log\", \"id\": \"" WO_ID "\", \"op\": \"update\", %s,"
      " \"changes\": {\"text\": {\"from\": \"a\", \"to\": \"b\"}}}",
      FL_PROTOCOL_ERROR_INVALID, "mutations[1].op" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\","
      " \"at\": \"yesterday\", \"fields\": {}}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].at" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\", %s,"
      " \"fields\": {\"impact\": 9}}",
      FL_PROTOCOL_ERROR_INVALID, "mutations[1].fields.impact" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\", %s,"
      " \"fields\": {\"title\": \"x\"}, \"sneaky\": true}",
      FL_PROTOCOL_ERROR_UNKNOWN, "mutations[1].sneaky" },
    { "{\"mid\": \"2\", \"table\": \"work_order\", \"id\": \"" WO_ID "\", \"op\": \"insert\", %s,"
      " \"fields\": [1, 2]}",
      FL_PROTOCOL_ERROR_MALFORMED, "mutations[1].fields" },
    { "{\"mid\": \"1\", \"table\": \"work_log\", \"id\": \"" WO_ID "\", \"op\": \"append\", %s, \"fields\": {}}",
      FL_PROTOCOL_ERROR_INVALID, "mutations" },
    { "\"just text\"", FL_PROTOCOL_ERROR_MALFORMED, "mutations[1]" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *mutation = g_strdup_printf (cases[i].mutation, at);
      g_autofree char *json = push_with (mutation);
      g_test_message ("case %u: %s", i, json);
      assert_push_refused (json, cases[i].code, cases[i].field);
    }

  assert_push_refused ("{\"mutations\": []}", FL_PROTOCOL_ERROR_MALFORMED, "device_id");
  assert_push_refused ("{\"device_id\": 5, \"mutations\": []}", FL_PROTOCOL_ERROR_MALFORMED, "device_id");
  assert_push_refused ("{\"device_id\": \"d\", \"mutations\": {}}", FL_PROTOCOL_ERROR_MALFORMED, "mutations");
}

static void
test_push_request_limit (void)
{
  GString *json = g_string_new ("{\"device_id\": \"d1\", \"mutations\": [");
  for (int i = 1; i <= 4; i++)
    g_string_append_printf (json, "%s{\"mid\": \"%d\", \"table\": \"work_log\", \"id\": \"" WO_ID "\","
                            " \"op\": \"append\", \"at\": \"2026-11-22T09:30:00.000Z\", \"fields\": {}}",
                            i > 1 ? "," : "", i);
  g_string_append (json, "]}");
  g_autoptr(JsonNode) node = parse (json->str);
  g_string_free (json, TRUE);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPushRequest) request = fl_push_request_from_json (node, 3, NULL, &error);
  g_assert_null (request);
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_TOO_LARGE);
}

static void
test_not_json (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fl_protocol_parse ("{\"device_id\": ", 14, &error);
  g_assert_null (node);
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);
  g_assert_null (fl_protocol_parse ("", 0, &error));
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
}

static void
test_push_response_round_trip (void)
{
  g_autoptr(FlPushResponse) response = fl_push_response_new ();
  response->seq = G_GINT64_CONSTANT (9007199254740993);  /* beyond a double's precision */
  g_ptr_array_add (response->results, fl_mutation_result_new (1, FL_RESULT_APPLIED));
  FlMutationResult *conflict = fl_mutation_result_new (2, FL_RESULT_CONFLICT);
  g_autoptr(JsonNode) base = json_node_init_string (json_node_alloc (), "a");
  g_autoptr(JsonNode) mine = json_node_init_string (json_node_alloc (), "b");
  g_autoptr(JsonNode) theirs = json_node_init_int (json_node_alloc (), 3);
  g_ptr_array_add (conflict->conflicts, fl_conflict_new ("title", base, mine, theirs));
  FlConflict *named = fl_conflict_new ("contact", base, mine, mine);
  gint64 accepted = G_GINT64_CONSTANT (1795339800123000);  /* 2026-11-22T09:30:00.123Z */
  fl_conflict_set_theirs_author (named, "lina", "李娜 Li Na", accepted);
  g_ptr_array_add (conflict->conflicts, named);
  g_ptr_array_add (response->results, conflict);
  FlMutationResult *rejected = fl_mutation_result_new (3, FL_RESULT_REJECTED);
  rejected->error = g_strdup ("a work order cannot move from closed to new");
  g_ptr_array_add (response->results, rejected);

  g_autoptr(JsonNode) node = fl_push_response_to_json (response);
  g_autofree char *text = fl_protocol_to_string (node, NULL);
  g_assert_nonnull (strstr (text, "\"seq\":\"9007199254740993\""));
  g_autoptr(JsonNode) reparsed = parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPushResponse) back = fl_push_response_from_json (reparsed, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->seq, ==, G_GINT64_CONSTANT (9007199254740993));
  g_assert_cmpuint (back->results->len, ==, 3);
  FlMutationResult *c = g_ptr_array_index (back->results, 1);
  g_assert_cmpint (c->status, ==, FL_RESULT_CONFLICT);
  FlConflict *field = g_ptr_array_index (c->conflicts, 0);
  g_assert_cmpstr (field->field, ==, "title");
  g_assert_cmpint (json_node_get_int (field->theirs), ==, 3);
  g_assert_null (field->theirs_by);  /* not known: no member, as from servers before it */
  g_assert_null (strstr (text, "\"title\",\"base\":\"a\",\"mine\":\"b\",\"theirs\":3,\"theirs_by\""));
  FlConflict *by = g_ptr_array_index (c->conflicts, 1);
  g_assert_cmpstr (by->theirs_by, ==, "lina");
  g_assert_cmpstr (by->theirs_by_name, ==, "李娜 Li Na");
  g_assert_cmpint (by->theirs_at, ==, accepted);
  FlMutationResult *r = g_ptr_array_index (back->results, 2);
  g_assert_cmpint (r->status, ==, FL_RESULT_REJECTED);
  g_assert_cmpstr (r->error, ==, "a work order cannot move from closed to new");
}

/* `theirs_by` is optional (servers before it answer without), but when
 * present it must be what it says. */
static void
test_conflict_author_member (void)
{
  static const char * const answers[] = {
    "{\"results\": [{\"mid\": \"2\", \"status\": \"conflict\", \"error\": null,"
    " \"conflicts\": [{\"field\": \"title\", \"base\": \"a\", \"mine\": \"b\", \"theirs\": \"c\"}]}], \"seq\": \"7\"}",
    "{\"results\": [{\"mid\": \"2\", \"status\": \"conflict\", \"error\": null,"
    " \"conflicts\": [{\"field\": \"title\", \"base\": \"a\", \"mine\": \"b\", \"theirs\": \"c\","
    " \"theirs_by\": \"lina\"}]}], \"seq\": \"7\"}",
    "{\"results\": [{\"mid\": \"2\", \"status\": \"conflict\", \"error\": null,"
    " \"conflicts\": [{\"field\": \"title\", \"base\": \"a\", \"mine\": \"b\", \"theirs\": \"c\","
    " \"theirs_by\": {\"login\": \"lina\", \"display_name\": \"Li Na\", \"at\": \"yesterday\"}}]}], \"seq\": \"7\"}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (answers); i++)
    {
      g_autoptr(JsonNode) node = parse (answers[i]);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlPushResponse) response = fl_push_response_from_json (node, &error);
      if (i == 0)
        {
          g_assert_no_error (error);
          FlConflict *c = g_ptr_array_index (((FlMutationResult *) g_ptr_array_index (response->results, 0))->conflicts, 0);
          g_assert_null (c->theirs_by);
          g_assert_cmpint (c->theirs_at, ==, 0);
        }
      else
        {
          g_assert_null (response);
          g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
          g_assert_nonnull (strstr (error->message, "results[].conflicts[].theirs_by"));
        }
    }
}

static void
test_pull_response_round_trip (void)
{
  g_autoptr(FlPullResponse) response = fl_pull_response_new ();
  response->cursor = g_strdup ("42");
  response->more = TRUE;
  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "id", WO_ID);
  json_object_set_string_member (row, "title", "Fan failure");
  g_ptr_array_add (response->changes, fl_change_new (41, "work_order", WO_ID, row));
  g_ptr_array_add (response->changes, fl_change_new (42, "ci", SITE_ID, NULL));

  g_autoptr(JsonNode) node = fl_pull_response_to_json (response);
  g_autofree char *text = fl_protocol_to_string (node, NULL);
  g_assert_nonnull (strstr (text, "\"gone\":true"));
  g_autoptr(JsonNode) reparsed = parse (text);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPullResponse) back = fl_pull_response_from_json (reparsed, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (back->cursor, ==, "42");
  g_assert_true (back->more);
  FlChange *first = g_ptr_array_index (back->changes, 0);
  FlChange *second = g_ptr_array_index (back->changes, 1);
  g_assert_cmpint (first->seq, ==, 41);
  g_assert_cmpstr (json_object_get_string_member (first->row, "title"), ==, "Fan failure");
  g_assert_null (second->row);
  g_assert_cmpstr (second->table, ==, "ci");

  g_autoptr(JsonNode) bad = parse ("{\"changes\": [{\"seq\": \"1\", \"table\": \"ci\", \"id\": \"x\"}],"
                                   " \"cursor\": \"1\", \"more\": false}");
  g_autoptr(FlPullResponse) refused = fl_pull_response_from_json (bad, &error);
  g_assert_null (refused);
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
}

static void
test_login_round_trip (void)
{
  g_autoptr(JsonNode) node = parse ("{\"login\": \"li.wei\", \"password\": \"s3cret\", \"device_name\": \"ThinkPad\"}");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlLoginRequest) request = fl_login_request_from_json (node, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (request->device_name, ==, "ThinkPad");

  g_autoptr(JsonNode) bad = parse ("{\"login\": \"li.wei\", \"password\": 1234, \"device_name\": \"x\"}");
  g_autofree char *bad_field = NULL;
  g_autoptr(FlLoginRequest) refused = fl_login_request_from_json (bad, &bad_field, &error);
  g_assert_null (refused);
  g_assert_cmpstr (bad_field, ==, "password");
  g_clear_error (&error);

  FlLoginResponse response = { "tok", 1795000000000000, "dev-1", "K3F", json_object_new () };
  json_object_set_string_member (response.user, "login", "li.wei");
  g_autoptr(JsonNode) out = fl_login_response_to_json (&response);
  json_object_unref (response.user);
  g_autoptr(FlLoginResponse) back = fl_login_response_from_json (out, &error);
  g_assert_no_error (error);
  g_assert_cmpint (back->expires_at, ==, 1795000000000000);
  g_assert_cmpstr (back->device_code, ==, "K3F");
  g_assert_cmpstr (json_object_get_string_member (back->user, "login"), ==, "li.wei");
}

static void
test_error_body (void)
{
  g_autoptr(JsonNode) node = fl_error_body_to_json (fl_protocol_code_for_status (400), "bad impact",
                                                    "mutations[0].fields.impact");
  g_autofree char *text = fl_protocol_to_string (node, NULL);
  g_assert_cmpstr (text, ==, "{\"error\":{\"code\":\"invalid\",\"message\":\"bad impact\","
                             "\"field\":\"mutations[0].fields.impact\"}}");
  g_autoptr(GError) error = NULL;
  g_autoptr(FlErrorBody) body = fl_error_body_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (body->field, ==, "mutations[0].fields.impact");
  g_assert_cmpstr (fl_protocol_code_for_status (410), ==, "gone");
}

static void
test_snapshot_lines (void)
{
  gsize length;
  g_autofree char *header = fl_snapshot_header_line ("17", &length);
  g_assert_cmpuint (length, ==, strlen (header));
  g_assert_true (g_str_has_suffix (header, "}\n"));
  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "id", WO_ID);
  g_autofree char *row_line = fl_snapshot_row_line ("work_order", row, &length);
  g_assert_true (strchr (row_line, '\n') == row_line + length - 1);
  g_autofree char *end = fl_snapshot_end_line (1, NULL);

  g_autoptr(GError) error = NULL;
  g_autoptr(FlSnapshotLine) h = fl_snapshot_line_parse (header, strlen (header), &error);
  g_assert_no_error (error);
  g_assert_cmpint (h->kind, ==, FL_SNAPSHOT_HEADER);
  g_assert_cmpstr (h->cursor, ==, "17");
  g_autoptr(FlSnapshotLine) r = fl_snapshot_line_parse (row_line, strlen (row_line), &error);
  g_assert_no_error (error);
  g_assert_cmpint (r->kind, ==, FL_SNAPSHOT_ROW);
  g_assert_cmpstr (r->table, ==, "work_order");
  g_assert_cmpstr (json_object_get_string_member (r->row, "id"), ==, WO_ID);
  g_autoptr(FlSnapshotLine) e = fl_snapshot_line_parse (end, strlen (end), &error);
  g_assert_no_error (error);
  g_assert_cmpint (e->kind, ==, FL_SNAPSHOT_END);
  g_assert_cmpint (e->rows, ==, 1);
  g_autoptr(FlSnapshotLine) junk = fl_snapshot_line_parse ("{\"x\": 1}", 8, &error);
  g_assert_null (junk);
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
}

/* The writer escapes what JSON needs and keeps the rest byte for byte. */
static void
test_writer_round_trip (void)
{
  const char *json = "{\"text\": \"say \\\"hi\\\"\\\\ line\\nnext\\ttab \\u0001 机房温度过高\","
                     " \"n\": -42, \"big\": \"9223372036854775807\", \"ok\": true, \"none\": null,"
                     " \"list\": [1, {\"a\": []}, \"x\"], \"half\": 0.5}";
  g_autoptr(JsonNode) node = parse (json);
  gsize length;
  g_autofree char *text = fl_protocol_to_string (node, &length);
  g_assert_cmpuint (length, ==, strlen (text));
  g_assert_nonnull (strstr (text, "\\u0001"));
  g_assert_nonnull (strstr (text, "机房温度过高"));
  g_assert_true (g_str_has_prefix (text, "{\"text\":"));  /* members keep their order */
  g_autoptr(JsonNode) again = parse (text);
  g_assert_true (json_node_equal (node, again));
}

/* JSON has no infinity: a non-finite number the server read from its
 * store is written as null, so the page around it stays readable. */
static void
test_writer_refuses_infinity (void)
{
  g_autoptr(GError) error = NULL;
  /* Built in code: the bounded reader refuses such a text. */
  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_double_member (row, "temp", INFINITY);
  json_object_set_double_member (row, "low", -INFINITY);
  json_object_set_double_member (row, "ok", 21.5);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), row);
  gsize length;
  g_autofree char *text = fl_protocol_to_string (node, &length);
  g_assert_cmpstr (text, ==, "{\"temp\":null,\"low\":null,\"ok\":21.5}");
  g_autoptr(JsonNode) back = fl_protocol_parse (text, length, &error);
  g_assert_no_error (error);
  g_assert_nonnull (back);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/protocol/push-request-round-trip", test_push_request_round_trip);
  g_test_add_func ("/protocol/push-request-errors-name-the-member", test_push_request_errors_name_the_member);
  g_test_add_func ("/protocol/push-request-limit", test_push_request_limit);
  g_test_add_func ("/protocol/not-json", test_not_json);
  g_test_add_func ("/protocol/push-response-round-trip", test_push_response_round_trip);
  g_test_add_func ("/protocol/conflict-author-member", test_conflict_author_member);
  g_test_add_func ("/protocol/pull-response-round-trip", test_pull_response_round_trip);
  g_test_add_func ("/protocol/login-round-trip", test_login_round_trip);
  g_test_add_func ("/protocol/error-body", test_error_body);
  g_test_add_func ("/protocol/snapshot-lines", test_snapshot_lines);
  g_test_add_func ("/protocol/writer-round-trip", test_writer_round_trip);
  g_test_add_func ("/protocol/writer-refuses-infinity", test_writer_refuses_infinity);
  return g_test_run ();
}
