/* The bounded JSON reader: hostile texts are refused with a clear error
 * before json-glib sees them, and what passes is a tree with finite
 * numbers and UTF-8 strings only. */
#include <fieldline.h>
#include <math.h>
#include <string.h>

#include "fl-protocol.h"

/* `{"login":` + depth × "[" + depth × "]" + "}" */
static char *
nested (guint depth)
{
  GString *text = g_string_new ("{\"login\":");
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

static void
test_deep_nesting (void)
{
  g_autoptr(GError) error = NULL;
  /* 100,000 levels used to overflow the parsing thread's stack */
  g_autofree char *deep = nested (100000);
  g_autoptr(JsonNode) node = fl_protocol_parse (deep, strlen (deep), &error);
  g_assert_null (node);
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);
  g_autoptr(JsonObject) record = fl_record_parse (deep, -1, &error);
  g_assert_null (record);
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MALFORMED);
  g_clear_error (&error);

  /* the object counts as one level: 31 arrays inside it are the most */
  g_autofree char *deepest = nested (FL_JSON_MAX_DEPTH - 1);
  g_autoptr(JsonNode) ok = fl_json_guard_parse (deepest, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ok);
  g_autofree char *too_deep = nested (FL_JSON_MAX_DEPTH);
  g_assert_null (fl_json_guard_parse (too_deep, -1, NULL, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_DEEP);
  g_clear_error (&error);

  /* brackets inside strings are text, not nesting */
  g_autofree char *brackets = g_strnfill (100000, '[');
  g_autofree char *quoted = g_strdup_printf ("{\"text\": \"%s\\\"[[[\"}", brackets);
  g_autoptr(JsonNode) text = fl_json_guard_parse (quoted, -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (text);
}

static void
test_size_and_items (void)
{
  g_autoptr(GError) error = NULL;
  FlJsonLimits limits = { .max_bytes = 64, .max_depth = 8, .max_items = 10 };
  g_assert_null (fl_json_guard_parse ("[1,2,3,4,5,6,7,8,9,10,11,12]", -1, &limits, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_MANY);
  g_clear_error (&error);
  g_autoptr(JsonNode) few = fl_json_guard_parse ("[1,2,3,4,5]", -1, &limits, &error);
  g_assert_no_error (error);
  g_autofree char *long_text = g_strnfill (65, ' ');
  g_assert_null (fl_json_guard_parse (long_text, -1, &limits, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_LARGE);
  g_clear_error (&error);

  /* a million elements in a protocol text are too many for one request */
  GString *many = g_string_new ("[");
  for (int i = 0; i < 1000000; i++)
    g_string_append (many, i > 0 ? ",0" : "0");
  g_string_append_c (many, ']');
  g_assert_null (fl_protocol_parse (many->str, many->len, &error));
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_TOO_LARGE);
  g_string_free (many, TRUE);
}

static void
test_encoding (void)
{
  static const char *refused[] = {
    "{\"login\": \"\xff\xfe\"}",          /* not UTF-8 */
    "{\"login\": \"\xc0\xaf\"}",          /* overlong */
    "{\"login\": \"\\ud800\"}",           /* lone high surrogate */
    "{\"login\": \"\\udc00\"}",           /* lone low surrogate */
    "{\"login\": \"\\ud800\\u0041\"}",    /* high surrogate, then not a low one */
    "{\"login\": \"\\ud800x\"}",
    "{\"login\": \"a\\u0000b\"}",         /* a NUL in a C string */
    "{\"login\": \"\\x41\"}",             /* not a JSON escape */
    "{\"login\": \"\\u12\"}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = fl_json_guard_parse (refused[i], -1, NULL, &error);
      g_assert_null (node);
      g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_ENCODING);
      g_autoptr(JsonObject) record = fl_record_parse (refused[i], -1, NULL);
      g_assert_null (record);
    }
  /* a NUL byte inside the given length */
  g_autoptr(GError) error = NULL;
  g_assert_null (fl_protocol_parse ("{\"a\":\"b\0c\"}", 11, &error));
  g_assert_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED);
  g_clear_error (&error);

  /* a pair is one character */
  g_autoptr(JsonObject) smile = fl_record_parse ("{\"text\": \"\\ud83d\\ude00 \\u00e9\\n\"}", -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (smile, "text"), ==, "\xf0\x9f\x98\x80 \xc3\xa9\n");
}

static void
test_non_finite (void)
{
  static const char *refused[] = { "{\"minutes\": 1e999}", "{\"minutes\": -1e999}", "{\"a\": [1, {\"b\": 1E400}]}" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = fl_json_guard_parse (refused[i], -1, NULL, &error);
      g_assert_null (node);
      g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_NUMBER);
      g_autoptr(JsonObject) record = fl_record_parse (refused[i], -1, NULL);
      g_assert_null (record);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fine = fl_record_parse ("{\"load\": 1.5e300, \"n\": -0.0}", -1, &error);
  g_assert_no_error (error);
}

/* A tree built in code is checked without recursion, however deep. */
static void
test_check_node (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) root = json_node_new (JSON_NODE_ARRAY);
  JsonArray *inner = json_array_new ();
  json_node_take_array (root, inner);
  for (int i = 0; i < 10000; i++)
    {
      JsonArray *next = json_array_new ();
      json_array_add_array_element (inner, next);
      inner = next;
    }
  g_assert_true (fl_json_guard_check_node (root, &error));
  g_assert_no_error (error);
  json_array_add_double_element (inner, INFINITY);
  g_assert_false (fl_json_guard_check_node (root, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_NUMBER);
}

static void
test_empty (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_null (fl_json_guard_parse ("", -1, NULL, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_null (fl_json_guard_parse ("  \n", -1, NULL, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX);
  g_clear_error (&error);
  g_assert_null (fl_json_guard_parse ("{\"a\": [1, 2}", -1, NULL, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX);
}

/* json-glib reads "{...}{...}" or "1 [2]" as the first value and leaks the
 * rest: a text holds one value, and white space around it. */
static void
test_one_value (void)
{
  static const char * const several[] = {
    "{\"login\":\"liwei\"}{\"padding\":[1,2,3]}", "[1] [2]", "1 [2]", "\"a\" {}", "{} x", "1 2",
    "1\"x\"",
    /* json-glib reads comments: a scan that took them for text would miss
     * the second value (found by the json-guard fuzz target, leaked) */
    "[{/{\"/}]{\"row\":{\"\":null}}\n", "/* x */ {}", "{\"a\": 1 // \"\n}", "# {}\n{}", "{'a': 1}",
    NULL,
  };
  for (guint i = 0; several[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = fl_json_guard_parse (several[i], -1, NULL, &error);
      g_assert_null (node);
      g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX);
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) one = fl_json_guard_parse (" \n{\"a\": [1, {}, \"}{\"]}\r\n ", -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (one);
  g_autoptr(JsonNode) values = fl_json_guard_parse ("[true, false, null, -1.5e-3, 2E+2, \"/* not a comment */\"]",
                                                    -1, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (values);
}

/* json-glib's message quotes at most 32 bytes of the token it stopped at,
 * cut inside a character if need be; the message is sent back in a JSON
 * error body, so it must stay UTF-8. */
static void
test_error_is_text (void)
{
  static const char text[] = "{\"description\":\"厂商建议升级到最新补丁\"x}";
  g_autoptr(GError) error = NULL;
  g_assert_null (fl_json_guard_parse (text, -1, NULL, &error));
  g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX);
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
  g_clear_error (&error);
  g_assert_null (fl_protocol_parse (text, strlen (text), &error));
  g_assert_true (g_utf8_validate (error->message, -1, NULL));
}

/* The reader builds the tree json-glib builds from the same text: the
 * same node types (integers as gint64, other numbers as double), members in
 * their order, the last of a repeated member, escapes decoded. */
static void
test_same_tree_as_json_glib (void)
{
  static const char * const texts[] = {
    "{\"login\":\"liwei\",\"password\":\"p\\\"w\\\\d\",\"device_name\":\"T14\"}",
    "[0, -0, 1, -1, 42, 9223372036854775807, -9223372036854775808, 1.5, -2.25e-3, 1E+2, 6.02e23, 0.1]",
    "{\"a\": {}, \"b\": [], \"c\": [[], {}], \"d\": null, \"e\": true, \"f\": false}",
    "{\"a\": 1, \"b\": 2, \"a\": 3}",
    "[\"\\u00e9\\u4e2d\\ud83d\\ude00\", \"\\b\\f\\n\\r\\t\\/\", \"tab\there\", \"核心交换机故障\"]",
    "  {\"mutations\": [{\"mid\": 1, \"fields\": {\"title\": \"x\", \"impact\": 2}}]}  \r\n",
    "\"just a string\"", "12", "-3.5", "null", "true",
    "{\"\": \"\", \"k\": [1, [2, [3, [4]]]]}",
    NULL,
  };
  for (guint i = 0; texts[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) ours = fl_json_guard_parse (texts[i], -1, NULL, &error);
      g_assert_no_error (error);
      g_autoptr(JsonParser) parser = json_parser_new ();
      g_assert_true (json_parser_load_from_data (parser, texts[i], -1, &error));
      g_autofree char *expected = json_to_string (json_parser_get_root (parser), FALSE);
      g_autofree char *got = json_to_string (ours, FALSE);
      g_assert_cmpstr (got, ==, expected);
    }
  /* The types themselves, which the text form hides for 1e2. */
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) numbers = fl_json_guard_parse ("[7, 7.0, 1e2, -9223372036854775808]", -1, NULL, &error);
  g_assert_no_error (error);
  JsonArray *array = json_node_get_array (numbers);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (array, 0)), ==, G_TYPE_INT64);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (array, 1)), ==, G_TYPE_DOUBLE);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (array, 2)), ==, G_TYPE_DOUBLE);
  g_assert_cmpint (json_array_get_int_element (array, 3), ==, G_MININT64);
}

/* Numbers JSON does not have are refused; an integer beyond gint64 is read
 * as the double it is near (json-glib wraps 12345678901234567890 round to
 * -6101065172474983726). */
static void
test_numbers (void)
{
  static const char * const refused[] = {
    "[01]", "[.5]", "[1.]", "[+1]", "[-]", "[1e]", "[1e+]", "[-.5]", "[0x10]", "[1.5.5]", "[--1]",
    "[tru]", "[truex]", "[nul]", "[1,]", "[,1]", "{\"a\":1,}", "{\"a\" 1}", "{,}", "[1 2]", "{\"a\":}",
    "[\"a\" \"b\"]", "{1: 2}", "[1]]", "[[1]", NULL,
  };
  for (guint i = 0; refused[i] != NULL; i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonNode) node = fl_json_guard_parse (refused[i], -1, NULL, &error);
      if (node != NULL)
        g_error ("“%s” was accepted", refused[i]);
      g_assert_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX);
      g_assert_true (g_utf8_validate (error->message, -1, NULL));
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) big = fl_json_guard_parse ("[12345678901234567890, -9223372036854775809]", -1, NULL, &error);
  g_assert_no_error (error);
  JsonArray *array = json_node_get_array (big);
  g_assert_cmpuint (json_node_get_value_type (json_array_get_element (array, 0)), ==, G_TYPE_DOUBLE);
  g_assert_cmpfloat (json_array_get_double_element (array, 0), ==, 12345678901234567890.0);
  g_assert_cmpfloat (json_array_get_double_element (array, 1), ==, -9223372036854775809.0);
  /* A text cut anywhere inside is refused, never read past its end. */
  static const char whole[] = "{\"a\": [1.5e3, \"x\\u00e9\", true, null], \"b\": {\"c\": -12}}";
  for (gsize n = 1; n < sizeof whole - 1; n++)
    {
      g_autoptr(GError) cut_error = NULL;
      g_autofree char *cut = g_strndup (whole, n);
      g_autoptr(JsonNode) node = fl_json_guard_parse (cut, (gssize) n, NULL, &cut_error);
      g_assert_null (node);
      g_assert_nonnull (cut_error);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/json-guard/deep-nesting", test_deep_nesting);
  g_test_add_func ("/json-guard/size-and-items", test_size_and_items);
  g_test_add_func ("/json-guard/encoding", test_encoding);
  g_test_add_func ("/json-guard/non-finite", test_non_finite);
  g_test_add_func ("/json-guard/check-node", test_check_node);
  g_test_add_func ("/json-guard/empty", test_empty);
  g_test_add_func ("/json-guard/one-value", test_one_value);
  g_test_add_func ("/json-guard/error-is-text", test_error_is_text);
  g_test_add_func ("/json-guard/same-tree-as-json-glib", test_same_tree_as_json_glib);
  g_test_add_func ("/json-guard/numbers", test_numbers);
  return g_test_run ();
}
