#include <inttypes.h>
#include "fl-protocol-private.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <math.h>
#include <string.h>

#include "fl-schema.h"
#include "fl-json-guard.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-protocol-error-quark, fl_protocol_error)

/* A node that takes over `o`: json_node_init_object() would take a
 * reference of its own and leave the caller's to leak. */
JsonNode *
fl_protocol_object_node (JsonObject *o)
{
  JsonNode *node = json_node_alloc ();
  json_node_init (node, JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* ---- reading helpers: every failure names the member's path ---- */

char *
fl_protocol_member_path (const char *prefix, const char *name)
{
  if (prefix == NULL || *prefix == '\0')
    return g_strdup (name);
  return g_strconcat (prefix, ".", name, NULL);
}

gboolean
fl_protocol_fail (char **bad_field, GError **error, FlProtocolError code, const char *path,
                  const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  if (bad_field != NULL && *bad_field == NULL)
    *bad_field = g_strdup (path);
  if (path != NULL)
    /* Translators: "member path: what is wrong", e.g. "mutations[3].at: must be text" */
    g_set_error (error, FL_PROTOCOL_ERROR, code, _("%s: %s"), path, what);
  else
    g_set_error_literal (error, FL_PROTOCOL_ERROR, code, what);
  return FALSE;
}

JsonObject *
fl_protocol_require_object (JsonNode *node, const char *path, char **bad_field, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must be a JSON object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/* Refuses members other than `known` (NULL-terminated). */
gboolean
fl_protocol_only_known_members (JsonObject *object, const char *prefix, const char * const *known,
                                char **bad_field, GError **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *path = fl_protocol_member_path (prefix, l->data);
        return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, path, _("unknown member"));
      }
  return TRUE;
}

gboolean
fl_protocol_member_string (JsonObject *object, const char *prefix, const char *name, gboolean required,
                           const char **out, char **bad_field, GError **error)
{
  return fl_protocol_member_text (object, prefix, name, required, 0, out, bad_field, error);
}

gboolean
fl_protocol_member_text (JsonObject *object, const char *prefix, const char *name, gboolean required,
                         gsize max_length, const char **out, char **bad_field, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("is required"));
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must be text"));
    }
  const char *text = json_node_get_string (node);
  if (max_length > 0 && strlen (text) > max_length)
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, path, _("is longer than %u bytes"),
                               (guint) max_length);
    }
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("is not valid UTF-8"));
    }
  if (required && *text == '\0')
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must not be empty"));
    }
  *out = text;
  return TRUE;
}

gboolean
fl_protocol_read_int64 (JsonNode *node, gint64 *out)
{
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    {
      *out = json_node_get_int (node);
      return TRUE;
    }
  if (json_node_get_value_type (node) != G_TYPE_STRING)
    return FALSE;
  const char *text = json_node_get_string (node);
  char *end = NULL;
  if (*text == '\0' || !(g_ascii_isdigit (*text) || *text == '-'))
    return FALSE;
  errno = 0;
  gint64 v = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

JsonNode *
fl_protocol_int64_node (gint64 value)
{
  char digits[24];
  g_snprintf (digits, sizeof digits, "%" PRId64, value);
  return json_node_init_string (json_node_alloc (), digits);
}

gboolean
fl_protocol_member_int64 (JsonObject *object, const char *prefix, const char *name, gint64 min,
                          gint64 *out, char **bad_field, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("is required"));
    }
  if (!fl_protocol_read_int64 (node, out))
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path,
                               _("must be a whole number written as a string of digits"));
    }
  if (*out < min)
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, path,
                               _("must be at least %" PRId64), min);
    }
  return TRUE;
}

gboolean
fl_protocol_member_time (JsonObject *object, const char *prefix, const char *name, gint64 *out,
                         char **bad_field, GError **error)
{
  const char *text;
  if (!fl_protocol_member_text (object, prefix, name, TRUE, FL_PROTOCOL_MAX_ID, &text, bad_field, error))
    return FALSE;
  if (!fl_time_parse (text, out, NULL))
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path,
                               _("“%s” is not a time such as 2026-11-22T09:30:00.000Z"), text);
    }
  return TRUE;
}

gboolean
fl_protocol_member_bool (JsonObject *object, const char *prefix, const char *name, gboolean *out,
                         char **bad_field, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must be true or false"));
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

void
fl_protocol_set_time (JsonObject *object, const char *name, gint64 usec)
{
  g_autofree char *text = fl_time_format (usec);
  json_object_set_string_member (object, name, text);
}

void
fl_protocol_set_optional_string (JsonObject *object, const char *name, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

JsonNode *
fl_protocol_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (length == 0)
    {
      g_set_error_literal (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED,
                           _("The request has no body; a JSON object was expected"));
      return NULL;
    }
  JsonNode *root = fl_json_guard_parse (data, (gssize) length, NULL, &local_error);
  if (root == NULL)
    {
      gboolean too_large = g_error_matches (local_error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_LARGE) ||
                           g_error_matches (local_error, FL_JSON_GUARD_ERROR, FL_JSON_GUARD_ERROR_TOO_MANY);
      g_set_error_literal (error, FL_PROTOCOL_ERROR,
                           too_large ? FL_PROTOCOL_ERROR_TOO_LARGE : FL_PROTOCOL_ERROR_MALFORMED,
                           local_error->message);
    }
  return root;
}

/* A compact JSON writer: json-glib's generator spends most of a pull's or a
 * snapshot's time on per-character appends; this one copies unescaped runs
 * of a string at once.  Output is the same JSON, members in insertion
 * order. */
static void
write_string (GString *out, const char *text)
{
  static const char hex[] = "0123456789abcdef";
  g_string_append_c (out, '"');
  const char *run = text;
  for (const char *p = text; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;
      if (c >= 0x20 && c != '"' && c != '\\')
        continue;
      g_string_append_len (out, run, p - run);
      run = p + 1;
      switch (c)
        {
        case '"':  g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          {
            char escape[7] = { '\\', 'u', '0', '0', hex[c >> 4], hex[c & 15], '\0' };
            g_string_append (out, escape);
          }
        }
    }
  g_string_append_len (out, run, strlen (run));
  g_string_append_c (out, '"');
}

void
fl_protocol_write_node (GString *out, JsonNode *node)
{
  if (node == NULL)
    {
      g_string_append (out, "null");
      return;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        gboolean first = TRUE;
        g_string_append_c (out, '{');
        json_object_iter_init_ordered (&iter, json_node_get_object (node));
        while (json_object_iter_next_ordered (&iter, &name, &member))
          {
            if (!first)
              g_string_append_c (out, ',');
            first = FALSE;
            write_string (out, name);
            g_string_append_c (out, ':');
            fl_protocol_write_node (out, member);
          }
        g_string_append_c (out, '}');
      }
      break;
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        guint n = json_array_get_length (array);
        g_string_append_c (out, '[');
        for (guint i = 0; i < n; i++)
          {
            if (i > 0)
              g_string_append_c (out, ',');
            fl_protocol_write_node (out, json_array_get_element (array, i));
          }
        g_string_append_c (out, ']');
      }
      break;
    case JSON_NODE_NULL:
      g_string_append (out, "null");
      break;
    case JSON_NODE_VALUE:
      switch (json_node_get_value_type (node))
        {
        case G_TYPE_STRING:
          write_string (out, json_node_get_string (node));
          break;
        case G_TYPE_INT64:
          g_string_append_printf (out, "%" PRId64, json_node_get_int (node));
          break;
        case G_TYPE_BOOLEAN:
          g_string_append (out, json_node_get_boolean (node) ? "true" : "false");
          break;
        case G_TYPE_DOUBLE:
          {
            /* JSON has no infinity: a stored 1e999 must not spoil a page. */
            char number[G_ASCII_DTOSTR_BUF_SIZE];
            double value = json_node_get_double (node);
            g_string_append (out, isfinite (value) ? g_ascii_dtostr (number, sizeof number, value) : "null");
          }
          break;
        default:
          g_string_append (out, "null");
          break;
        }
      break;
    }
}

char *
fl_protocol_to_string (JsonNode *node, gsize *length)
{
  GString *out = g_string_sized_new (256);
  fl_protocol_write_node (out, node);
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

/* ---- errors ---- */

const char *
fl_protocol_code_for_status (guint status)
{
  switch (status)
    {
    case 400: return "invalid";
    case 401: return "unauthorized";
    case 403: return "forbidden";
    case 404: return "not_found";
    case 405: return "method_not_allowed";
    case 409: return "conflict";
    case 410: return "gone";
    case 411: return "length_required";
    case 413: return "too_large";
    case 415: return "unsupported_media_type";
    case 429: return "too_many_requests";
    case 503: return "unavailable";
    default:  return status >= 500 ? "internal" : "error";
    }
}

JsonNode *
fl_error_body_to_json (const char *code, const char *message, const char *field)
{
  JsonObject *inner = json_object_new ();
  json_object_set_string_member (inner, "code", code);
  json_object_set_string_member (inner, "message", message != NULL ? message : "");
  fl_protocol_set_optional_string (inner, "field", field);
  JsonObject *outer = json_object_new ();
  json_object_set_object_member (outer, "error", inner);
  return fl_protocol_object_node (outer);
}

FlErrorBody *
fl_error_body_from_json (JsonNode *node, GError **error)
{
  JsonObject *outer = fl_protocol_require_object (node, NULL, NULL, error);
  if (outer == NULL)
    return NULL;
  JsonObject *inner = fl_protocol_require_object (json_object_get_member (outer, "error"), "error", NULL, error);
  const char *code, *message, *field;
  if (inner == NULL ||
      !fl_protocol_member_string (inner, "error", "code", TRUE, &code, NULL, error) ||
      !fl_protocol_member_string (inner, "error", "message", FALSE, &message, NULL, error) ||
      !fl_protocol_member_string (inner, "error", "field", FALSE, &field, NULL, error))
    return NULL;
  FlErrorBody *body = g_new0 (FlErrorBody, 1);
  body->code = g_strdup (code);
  body->message = g_strdup (message != NULL ? message : "");
  body->field = g_strdup (field);
  return body;
}

void
fl_error_body_free (FlErrorBody *body)
{
  if (body == NULL)
    return;
  g_free (body->code);
  g_free (body->message);
  g_free (body->field);
  g_free (body);
}

/* ---- login ---- */

FlLoginRequest *
fl_login_request_from_json (JsonNode *node, char **bad_field, GError **error)
{
  static const char * const known[] = { "login", "password", "device_name", "device_id", NULL };
  JsonObject *o = fl_protocol_require_object (node, NULL, bad_field, error);
  const char *login, *password, *device_name, *device_id;
  if (o == NULL || !fl_protocol_only_known_members (o, NULL, known, bad_field, error) ||
                  !fl_protocol_member_text (o, NULL, "login", TRUE, FL_TEXT_LOGIN, &login, bad_field, error) ||
                  !fl_protocol_member_text (o, NULL, "password", TRUE, FL_PROTOCOL_MAX_PASSWORD, &password, bad_field, error) ||
                  !fl_protocol_member_text (o, NULL, "device_name", TRUE, FL_TEXT_NAME, &device_name, bad_field, error) ||
                  !fl_protocol_member_text (o, NULL, "device_id", FALSE, FL_PROTOCOL_MAX_ID, &device_id, bad_field, error))
    return NULL;
  FlLoginRequest *request = g_new0 (FlLoginRequest, 1);
  request->login = g_strdup (login);
  request->password = g_strdup (password);
  request->device_name = g_strdup (device_name);
  request->device_id = g_strdup (device_id);
  return request;
}

JsonNode *
fl_login_request_to_json (const FlLoginRequest *request)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "login", request->login);
  json_object_set_string_member (o, "password", request->password);
  json_object_set_string_member (o, "device_name", request->device_name);
  if (request->device_id != NULL)
    json_object_set_string_member (o, "device_id", request->device_id);
  return fl_protocol_object_node (o);
}

void
fl_login_request_free (FlLoginRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->login);
  if (request->password != NULL)
    memset (request->password, 0, strlen (request->password));
  g_free (request->password);
  g_free (request->device_name);
  g_free (request->device_id);
  g_free (request);
}

FlLoginResponse *
fl_login_response_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = fl_protocol_require_object (node, NULL, NULL, error);
  const char *token, *device_id, *device_code;
  gint64 expires_at;
  if (o == NULL ||
      !fl_protocol_member_string (o, NULL, "token", TRUE, &token, NULL, error) ||
      !fl_protocol_member_time (o, NULL, "expires_at", &expires_at, NULL, error) ||
      !fl_protocol_member_string (o, NULL, "device_id", TRUE, &device_id, NULL, error) ||
      !fl_protocol_member_string (o, NULL, "device_code", TRUE, &device_code, NULL, error))
    return NULL;
  JsonObject *user = fl_protocol_require_object (json_object_get_member (o, "user"), "user", NULL, error);
  if (user == NULL)
    return NULL;
  FlLoginResponse *response = g_new0 (FlLoginResponse, 1);
  response->token = g_strdup (token);
  response->expires_at = expires_at;
  response->device_id = g_strdup (device_id);
  response->device_code = g_strdup (device_code);
  response->user = json_object_ref (user);
  return response;
}

JsonNode *
fl_login_response_to_json (const FlLoginResponse *response)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "token", response->token);
  fl_protocol_set_time (o, "expires_at", response->expires_at);
  json_object_set_string_member (o, "device_id", response->device_id);
  json_object_set_string_member (o, "device_code", response->device_code);
  json_object_set_object_member (o, "user", json_object_ref (response->user));
  return fl_protocol_object_node (o);
}

void
fl_login_response_free (FlLoginResponse *response)
{
  if (response == NULL)
    return;
  if (response->token != NULL)
    memset (response->token, 0, strlen (response->token));
  g_free (response->token);
  g_free (response->device_id);
  g_free (response->device_code);
  g_clear_pointer (&response->user, json_object_unref);
  g_free (response);
}
