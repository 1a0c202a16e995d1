/* The push request decoder: a POST /sync/push body, read as the server
 * reads it (fl-server.c: fl_protocol_parse, then fl_push_request_from_json).
 *
 * A refused body is answered 400 with the error's message and `bad_field`
 * in a JSON body, so both must be valid UTF-8.  An accepted request, sent
 * on as the client sends its own (fl_push_request_to_json), must decode to
 * the same request: the encoding of the decoded form is a fixed point. */
#include "fl-fuzz.h"

static char *
encode (const FlPushRequest *request)
{
  g_autoptr(JsonNode) node = fl_push_request_to_json (request);
  return fl_protocol_to_string (node, NULL);
}

static FlPushRequest *
decode (const char *data, gsize size, char **bad_field, GError **error)
{
  g_autoptr(JsonNode) node = fl_protocol_parse (data, size, error);
  if (node == NULL)
    return NULL;
  return fl_push_request_from_json (node, FL_PROTOCOL_MAX_MUTATIONS, bad_field, error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;
  g_autoptr(FlPushRequest) request = decode ((const char *) data, size, &bad_field, &error);
  if (request == NULL)
    {
      fl_fuzz_check_refusal (error, FL_PROTOCOL_ERROR);
      g_assert_true (bad_field == NULL || g_utf8_validate (bad_field, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);
  g_assert_cmpuint (request->mutations->len, <=, FL_PROTOCOL_MAX_MUTATIONS);

  g_autofree char *text = encode (request);
  g_autoptr(FlPushRequest) again = decode (text, strlen (text), NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->mutations->len, ==, request->mutations->len);
  g_autofree char *text_again = encode (again);
  g_assert_cmpstr (text_again, ==, text);
  return 0;
}
