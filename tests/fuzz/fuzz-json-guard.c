/* The bounded JSON entry point (fl-json-guard.c) every JSON text goes
 * through.  Each input is parsed under small limits and under the defaults.
 *
 * What the guard promises: a tree it returns is no deeper and has no more
 * items than the limits allow, holds only finite numbers and UTF-8 text,
 * and written out again (fl_protocol_to_string) is JSON it accepts and
 * reads back to the same tree; a text accepted under small limits is
 * accepted under larger ones; a refusal is an error of its own domain; and
 * json-glib reads an accepted text to the same tree. */
#include <math.h>

#include "fl-fuzz.h"
#include "fl-json-guard.h"

static const FlJsonLimits small_limits = { .max_bytes = 2048, .max_depth = 4, .max_items = 24 };

typedef struct {
  guint depth;  /* the deepest level of arrays and objects */
  guint items;  /* as the guard counts them: each container, and the commas between its items */
} Shape;

static void
measure (JsonNode *node, guint level, Shape *shape)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        guint n = json_object_get_size (json_node_get_object (node));
        shape->depth = MAX (shape->depth, level + 1);
        shape->items += n > 0 ? n : 1;
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_assert_true (g_utf8_validate (name, -1, NULL));
            measure (member, level + 1, shape);
          }
        break;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        shape->depth = MAX (shape->depth, level + 1);
        shape->items += n > 0 ? n : 1;
        for (guint i = 0; i < n; i++)
          measure (json_array_get_element (array, i), level + 1, shape);
        break;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE)
        g_assert_true (isfinite (json_node_get_double (node)));
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        g_assert_true (g_utf8_validate (json_node_get_string (node), -1, NULL));
      break;
    case JSON_NODE_NULL:
      break;
    }
}

/* Parses under `limits`; checks the tree it returns. */
static JsonNode *
parse_checked (const char *data, gsize size, const FlJsonLimits *limits)
{
  g_autoptr(GError) error = NULL;
  JsonNode *root = fl_json_guard_parse (data, size, limits, &error);
  if (root == NULL)
    {
      fl_fuzz_check_refusal (error, FL_JSON_GUARD_ERROR);
      return NULL;
    }
  g_assert_no_error (error);
  const FlJsonLimits *bounds = limits != NULL ? limits : fl_json_limits_default ();
  Shape shape = { 0 };
  measure (root, 0, &shape);
  g_assert_cmpuint (shape.depth, <=, bounds->max_depth);
  g_assert_cmpuint (shape.items, <=, bounds->max_items);

  g_autofree char *text = fl_protocol_to_string (root, NULL);
  g_autoptr(JsonNode) again = fl_json_guard_parse (text, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_true (json_node_equal (again, root));
  return root;
}

/* A run of 19 digits or more: an integer json-glib may wrap round. */
static gboolean
has_long_number (const char *data, gsize size)
{
  guint run = 0;
  for (gsize i = 0; i < size; i++)
    if ((run = g_ascii_isdigit (data[i]) ? run + 1 : 0) >= 19)
      return TRUE;
  return FALSE;
}

/* What the guard accepts, json-glib reads to the same tree (the guard's
 * own reader builds the tree json-glib would; json-glib accepts more). */
static void
check_same_as_json_glib (const char *data, gsize size, JsonNode *root)
{
  if (root == NULL || has_long_number (data, size))
    return;
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) error = NULL;
  g_assert_true (json_parser_load_from_data (parser, data, (gssize) size, &error));
  g_assert_no_error (error);
  g_autofree char *expected = json_to_string (json_parser_get_root (parser), FALSE);
  g_autofree char *got = json_to_string (root, FALSE);
  g_assert_cmpstr (got, ==, expected);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(JsonNode) small = parse_checked ((const char *) data, size, &small_limits);
  g_autoptr(JsonNode) large = parse_checked ((const char *) data, size, NULL);
  g_assert_true (small == NULL || large != NULL);
  check_same_as_json_glib ((const char *) data, size, large);
  return 0;
}
