/* Pull-page decoding on the client: the input is a GET /sync/pull answer,
 * read as the client reads it (fl_protocol_parse, fl_pull_response_from_json,
 * then each row's acceptance, fl_record_accept_pulled).
 *
 * A refused page or row comes with an error the sync page can show.  A
 * page the client accepts is one the server writes the same way: encoded
 * again (fl_pull_response_to_json) it reads back to the same page. */
#include "fl-record.h"
#include "fl-schema.h"

#include "fl-fuzz.h"

static char *
encode (const FlPullResponse *page)
{
  g_autoptr(JsonNode) node = fl_pull_response_to_json (page);
  return fl_protocol_to_string (node, NULL);
}

static FlPullResponse *
decode (const char *data, gsize size, GError **error)
{
  g_autoptr(JsonNode) node = fl_protocol_parse (data, size, error);
  if (node == NULL)
    return NULL;
  return fl_pull_response_from_json (node, error);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlPullResponse) page = decode ((const char *) data, size, &error);
  if (page == NULL)
    {
      fl_fuzz_check_refusal (error, FL_PROTOCOL_ERROR);
      return 0;
    }
  g_assert_no_error (error);

  g_autofree char *text = encode (page);
  g_autoptr(FlPullResponse) again = decode (text, strlen (text), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (again->changes->len, ==, page->changes->len);
  g_autofree char *text_again = encode (again);
  g_assert_cmpstr (text_again, ==, text);

  for (guint i = 0; i < page->changes->len; i++)
    {
      FlChange *change = g_ptr_array_index (page->changes, i);
      const FlTable *table = fl_schema_lookup (change->table);
      if (table != NULL && change->row != NULL && !fl_record_accept_pulled (table, change->row, &error))
        {
          fl_fuzz_check_refusal (error, FL_RECORD_ERROR);
          g_clear_error (&error);
        }
    }
  return 0;
}
