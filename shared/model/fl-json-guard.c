#include "fl-json-guard.h"

#include <glib/gi18n-lib.h>
#include <math.h>
#include <string.h>

G_DEFINE_QUARK (fl-json-guard-error-quark, fl_json_guard_error)

static const FlJsonLimits default_limits = {
  .max_bytes = FL_JSON_MAX_BYTES,
  .max_depth = FL_JSON_MAX_DEPTH,
  .max_items = FL_JSON_MAX_ITEMS,
};

const FlJsonLimits *
fl_json_limits_default (void)
{
  return &default_limits;
}

static int
hex_value (char c)
{
  return g_ascii_xdigit_value (c);
}

/* The code unit of the "\uXXXX" at `p` (p[0] == '\\'), or -1. */
static int
read_u_escape (const char *p, const char *end)
{
  if (end - p < 6 || p[0] != '\\' || p[1] != 'u')
    return -1;
  int v = 0;
  for (int i = 2; i < 6; i++)
    {
      int d = hex_value (p[i]);
      if (d < 0)
        return -1;
      v = v * 16 + d;
    }
  return v;
}

static gboolean
fail_at (GError **error, FlJsonGuardError code, gsize offset, const char *what)
{
  g_set_error (error, FL_JSON_GUARD_ERROR, code, _("Not acceptable JSON at byte %zu: %s"), offset, what);
  return FALSE;
}

/* One pass over the bytes, no recursion: nesting depth, item count and the
 * escapes inside strings, the things json-glib would otherwise discover by
 * recursing or allocating. */
static gboolean
scan (const char *data, gsize length, const FlJsonLimits *limits, GError **error)
{
  const char *end = data + length;
  guint depth = 0, items = 0;
  gboolean in_string = FALSE, started = FALSE, closed = FALSE;
  for (const char *p = data; p < end; p++)
    {
      char c = *p;
      /* One value per text: json-glib reads "{...}{...}" or "1 [2]" as its
       * first value, drops the rest without a word and leaks it. */
      if (!in_string && depth == 0 && !g_ascii_isspace (c))
        {
          if (closed || (started && (c == '{' || c == '[' || c == '"' || g_ascii_isspace (p[-1]))))
            return fail_at (error, FL_JSON_GUARD_ERROR_SYNTAX, p - data,
                            _("more than one JSON value; a text holds one"));
          started = TRUE;
        }
      if (in_string)
        {
          if (c == '"')
            in_string = FALSE;
          else if (c == '\\')
            {
              if (p + 1 >= end)
                return fail_at (error, FL_JSON_GUARD_ERROR_SYNTAX, p - data, _("the text ends inside a string"));
              char e = p[1];
              if (e != 'u')
                {
                  if (strchr ("\"\\/bfnrt", e) == NULL)
                    return fail_at (error, FL_JSON_GUARD_ERROR_ENCODING, p - data, _("an unknown escape in a string"));
                  p++;
                  continue;
                }
              int unit = read_u_escape (p, end);
              if (unit < 0)
                return fail_at (error, FL_JSON_GUARD_ERROR_ENCODING, p - data, _("\\u needs four hex digits"));
              if (unit == 0)
                return fail_at (error, FL_JSON_GUARD_ERROR_ENCODING, p - data, _("a string may not contain \\u0000"));
              if (unit >= 0xDC00 && unit <= 0xDFFF)
                return fail_at (error, FL_JSON_GUARD_ERROR_ENCODING, p - data,
                                _("a low surrogate escape without the high one before it"));
              if (unit >= 0xD800 && unit <= 0xDBFF)
                {
                  int low = read_u_escape (p + 6, end);
                  if (low < 0xDC00 || low > 0xDFFF)
                    return fail_at (error, FL_JSON_GUARD_ERROR_ENCODING, p - data,
                                    _("a high surrogate escape without the low one after it"));
                  p += 6;
                }
              p += 5;
            }
          continue;
        }
      switch (c)
        {
        case '"':
          in_string = TRUE;
          break;
        case '{':
        case '[':
          if (++depth > limits->max_depth)
            {
              g_set_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_DEEP,
                           _("JSON is nested deeper than %u levels"), limits->max_depth);
              return FALSE;
            }
          /* a container is an item */
          G_GNUC_FALLTHROUGH;
        case ',':
          if (++items > limits->max_items)
            {
              g_set_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_MANY,
                           _("JSON has more than %u members and elements"), limits->max_items);
              return FALSE;
            }
          break;
        case '}':
        case ']':
          if (depth > 0 && --depth == 0)
            closed = TRUE;
          break;
        default:
          /* Outside strings JSON has only numbers, true, false and null.
           * json-glib also reads comments and other tokens, and a scan that
           * saw them differently would count strings and brackets wrongly
           * (the json-guard fuzz target found "[{/{\"/}]{...}" leaking). */
          if (strchr (":0123456789+-.eEtrufalsn \t\r\n", c) == NULL)
            return fail_at (error, FL_JSON_GUARD_ERROR_SYNTAX, p - data,
                            _("a character JSON does not have outside a string"));
          break;
        }
    }
  return TRUE;
}

JsonNode *
fl_json_guard_parse (const char *data, gssize length, const FlJsonLimits *limits, GError **error)
{
  if (limits == NULL)
    limits = &default_limits;
  gsize size = length < 0 ? (data != NULL ? strlen (data) : 0) : (gsize) length;
  if (size > limits->max_bytes)
    {
      g_set_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_LARGE,
                   _("JSON of %zu bytes is more than the %zu accepted"), size, limits->max_bytes);
      return NULL;
    }
  if (size == 0)
    {
      g_set_error_literal (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX,
                           _("There is no JSON: the text is empty"));
      return NULL;
    }
  const char *bad = NULL;
  if (!g_utf8_validate_len (data, size, &bad))
    {
      fail_at (error, FL_JSON_GUARD_ERROR_ENCODING, bad - data, _("not UTF-8 text (or a NUL byte)"));
      return NULL;
    }
  if (!scan (data, size, limits, error))
    return NULL;

  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  if (!json_parser_load_from_data (parser, data, (gssize) size, &local_error))
    {
      /* json-glib quotes the bytes it stopped at, cut anywhere (even inside
       * a character): the message goes into JSON answers, so make it text. */
      g_autofree char *detail = g_utf8_make_valid (local_error->message, -1);
      g_set_error (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX, _("Not valid JSON: %s"), detail);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_SYNTAX,
                           _("There is no JSON: the text is only white space"));
      return NULL;
    }
  if (!fl_json_guard_check_node (root, error))
    return NULL;
  return json_node_ref (root);
}

static gboolean
check_text (const char *text, GError **error)
{
  if (text != NULL && g_utf8_validate (text, -1, NULL))
    return TRUE;
  g_set_error_literal (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_ENCODING,
                       _("A JSON string is not UTF-8 text"));
  return FALSE;
}

gboolean
fl_json_guard_check_node (JsonNode *node, GError **error)
{
  g_return_val_if_fail (node != NULL, FALSE);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  g_ptr_array_add (pending, node);
  while (pending->len > 0)
    {
      JsonNode *n = g_ptr_array_steal_index_fast (pending, pending->len - 1);
      switch (json_node_get_node_type (n))
        {
        case JSON_NODE_OBJECT:
          {
            JsonObjectIter iter;
            const char *name;
            JsonNode *member;
            json_object_iter_init (&iter, json_node_get_object (n));
            while (json_object_iter_next (&iter, &name, &member))
              {
                if (!check_text (name, error))
                  return FALSE;
                g_ptr_array_add (pending, member);
              }
            break;
          }
        case JSON_NODE_ARRAY:
          {
            JsonArray *array = json_node_get_array (n);
            for (guint i = 0; i < json_array_get_length (array); i++)
              g_ptr_array_add (pending, json_array_get_element (array, i));
            break;
          }
        case JSON_NODE_VALUE:
          {
            GType type = json_node_get_value_type (n);
            if (type == G_TYPE_DOUBLE && !isfinite (json_node_get_double (n)))
              {
                g_set_error_literal (error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_NUMBER,
                                     _("A JSON number is too large to be a finite number"));
                return FALSE;
              }
            if (type == G_TYPE_STRING && !check_text (json_node_get_string (n), error))
              return FALSE;
            break;
          }
        case JSON_NODE_NULL:
          break;
        }
    }
  return TRUE;
}
