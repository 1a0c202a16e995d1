#include <inttypes.h>
#include "fl-protocol.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>

#include "fl-ids.h"
#include "fl-record.h"
#include "fl-schema.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-protocol-error-quark, fl_protocol_error)

/* A node that takes over `o`: json_node_init_object() would take a
 * reference of its own and leave the caller's to leak. */
static JsonNode *
object_node (JsonObject *o)
{
  JsonNode *node = json_node_alloc ();
  json_node_init (node, JSON_NODE_OBJECT);
  json_node_take_object (node, o);
  return node;
}

/* ---- reading helpers: every failure names the member's path ---- */

static char *
member_path (const char *prefix, const char *name)
{
  if (prefix == NULL || *prefix == '\0')
    return g_strdup (name);
  return g_strconcat (prefix, ".", name, NULL);
}

static gboolean
fail (char **bad_field, GError **error, FlProtocolError code, const char *path, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

static gboolean
fail (char **bad_field, GError **error, FlProtocolError code, const char *path, const char *format, ...)
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

static JsonObject *
require_object (JsonNode *node, const char *path, char **bad_field, GError **error)
{
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must be a JSON object"));
      return NULL;
    }
  return json_node_get_object (node);
}

/* Refuses members other than `known` (NULL-terminated). */
static gboolean
only_known_members (JsonObject *object, const char *prefix, const char * const *known,
                    char **bad_field, GError **error)
{
  g_autoptr(GList) members = json_object_get_members (object);
  for (GList *l = members; l != NULL; l = l->next)
    if (!g_strv_contains (known, l->data))
      {
        g_autofree char *path = member_path (prefix, l->data);
        return fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, path, _("unknown member"));
      }
  return TRUE;
}

static gboolean
read_string (JsonObject *object, const char *prefix, const char *name, gboolean required,
             const char **out, char **bad_field, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  *out = NULL;
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      if (!required)
        return TRUE;
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("is required"));
    }
  if (!JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must be text"));
    }
  const char *text = json_node_get_string (node);
  if (!g_utf8_validate (text, -1, NULL))
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("is not valid UTF-8"));
    }
  if (required && *text == '\0')
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must not be empty"));
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

static gboolean
read_int64 (JsonObject *object, const char *prefix, const char *name, gint64 min,
            gint64 *out, char **bad_field, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("is required"));
    }
  if (!fl_protocol_read_int64 (node, out))
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path,
                   _("must be a whole number written as a string of digits"));
    }
  if (*out < min)
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, path,
                   _("must be at least %" PRId64), min);
    }
  return TRUE;
}

static gboolean
read_time (JsonObject *object, const char *prefix, const char *name, gint64 *out,
           char **bad_field, GError **error)
{
  const char *text;
  if (!read_string (object, prefix, name, TRUE, &text, bad_field, error))
    return FALSE;
  if (!fl_time_parse (text, out, NULL))
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path,
                   _("“%s” is not a time such as 2026-11-22T09:30:00.000Z"), text);
    }
  return TRUE;
}

static gboolean
read_bool (JsonObject *object, const char *prefix, const char *name, gboolean *out,
           char **bad_field, GError **error)
{
  JsonNode *node = json_object_get_member (object, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_BOOLEAN)
    {
      g_autofree char *path = member_path (prefix, name);
      return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, path, _("must be true or false"));
    }
  *out = json_node_get_boolean (node);
  return TRUE;
}

static void
set_time (JsonObject *object, const char *name, gint64 usec)
{
  g_autofree char *text = fl_time_format (usec);
  json_object_set_string_member (object, name, text);
}

static void
set_optional_string (JsonObject *object, const char *name, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, name, value);
  else
    json_object_set_null_member (object, name);
}

JsonNode *
fl_protocol_parse (const char *data, gsize length, GError **error)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_autoptr(GError) local_error = NULL;
  if (length == 0)
    {
      g_set_error_literal (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED,
                           _("The request has no body; a JSON object was expected"));
      return NULL;
    }
  if (!json_parser_load_from_data (parser, data, (gssize) length, &local_error))
    {
      g_set_error (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED,
                   _("Not valid JSON: %s"), local_error->message);
      return NULL;
    }
  JsonNode *root = json_parser_get_root (parser);
  if (root == NULL)
    {
      g_set_error_literal (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_MALFORMED,
                           _("The body is empty; a JSON object was expected"));
      return NULL;
    }
  return json_node_ref (root);
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

static void
write_node (GString *out, JsonNode *node)
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
            write_node (out, member);
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
            write_node (out, json_array_get_element (array, i));
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
            char number[G_ASCII_DTOSTR_BUF_SIZE];
            g_string_append (out, g_ascii_dtostr (number, sizeof number, json_node_get_double (node)));
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
  write_node (out, node);
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
  set_optional_string (inner, "field", field);
  JsonObject *outer = json_object_new ();
  json_object_set_object_member (outer, "error", inner);
  return object_node (outer);
}

FlErrorBody *
fl_error_body_from_json (JsonNode *node, GError **error)
{
  JsonObject *outer = require_object (node, NULL, NULL, error);
  if (outer == NULL)
    return NULL;
  JsonObject *inner = require_object (json_object_get_member (outer, "error"), "error", NULL, error);
  const char *code, *message, *field;
  if (inner == NULL ||
      !read_string (inner, "error", "code", TRUE, &code, NULL, error) ||
      !read_string (inner, "error", "message", FALSE, &message, NULL, error) ||
      !read_string (inner, "error", "field", FALSE, &field, NULL, error))
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
  JsonObject *o = require_object (node, NULL, bad_field, error);
  const char *login, *password, *device_name, *device_id;
  if (o == NULL || !only_known_members (o, NULL, known, bad_field, error) ||
      !read_string (o, NULL, "login", TRUE, &login, bad_field, error) ||
      !read_string (o, NULL, "password", TRUE, &password, bad_field, error) ||
      !read_string (o, NULL, "device_name", TRUE, &device_name, bad_field, error) ||
      !read_string (o, NULL, "device_id", FALSE, &device_id, bad_field, error))
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
  return object_node (o);
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
  JsonObject *o = require_object (node, NULL, NULL, error);
  const char *token, *device_id, *device_code;
  gint64 expires_at;
  if (o == NULL ||
      !read_string (o, NULL, "token", TRUE, &token, NULL, error) ||
      !read_time (o, NULL, "expires_at", &expires_at, NULL, error) ||
      !read_string (o, NULL, "device_id", TRUE, &device_id, NULL, error) ||
      !read_string (o, NULL, "device_code", TRUE, &device_code, NULL, error))
    return NULL;
  JsonObject *user = require_object (json_object_get_member (o, "user"), "user", NULL, error);
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
  set_time (o, "expires_at", response->expires_at);
  json_object_set_string_member (o, "device_id", response->device_id);
  json_object_set_string_member (o, "device_code", response->device_code);
  json_object_set_object_member (o, "user", json_object_ref (response->user));
  return object_node (o);
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

/* ---- mutations ---- */

static const char * const op_names[] = { "insert", "update", "append" };

const char *
fl_mutation_op_to_string (FlMutationOp op)
{
  g_return_val_if_fail (op < G_N_ELEMENTS (op_names), NULL);
  return op_names[op];
}

gboolean
fl_mutation_op_from_string (const char *text, FlMutationOp *op)
{
  for (guint i = 0; i < G_N_ELEMENTS (op_names); i++)
    if (g_strcmp0 (op_names[i], text) == 0)
      {
        *op = i;
        return TRUE;
      }
  return FALSE;
}

FlMutation *
fl_mutation_new (gint64 mid, const char *table, const char *id, FlMutationOp op,
                 gint64 at, JsonObject *payload)
{
  FlMutation *m = g_new0 (FlMutation, 1);
  m->mid = mid;
  m->table = g_strdup (table);
  m->id = g_strdup (id);
  m->op = op;
  m->at = at;
  if (op == FL_MUTATION_UPDATE)
    m->changes = json_object_ref (payload);
  else
    m->fields = json_object_ref (payload);
  return m;
}

void
fl_mutation_free (FlMutation *m)
{
  if (m == NULL)
    return;
  g_free (m->table);
  g_free (m->id);
  g_clear_pointer (&m->fields, json_object_unref);
  g_clear_pointer (&m->changes, json_object_unref);
  g_free (m);
}

/* Finds the column `name` of `table` for a value at `path`; the common
 * columns are the server's to set. */
static const FlColumn *
writable_column (const FlTable *table, const char *name, const char *path,
                 char **bad_field, GError **error)
{
  if (fl_schema_is_common_column (name))
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, path,
            _("%s is kept by the server and cannot be set"), name);
      return NULL;
    }
  const FlColumn *column = fl_table_column (table, name);
  if (column == NULL)
    fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, path, _("%s has no field “%s”"), table->name, name);
  return column;
}

static gboolean
check_value (const FlTable *table, const FlColumn *column, JsonNode *value, const char *path,
             char **bad_field, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (fl_record_validate_value (table, column, value, &local_error))
    return TRUE;
  return fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, path, "%s", local_error->message);
}

static gboolean
check_fields (const FlTable *table, JsonObject *fields, const char *prefix,
              char **bad_field, GError **error)
{
  g_autoptr(GList) members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *path = member_path (prefix, l->data);
      const FlColumn *column = writable_column (table, l->data, path, bad_field, error);
      if (column == NULL ||
          !check_value (table, column, json_object_get_member (fields, l->data), path, bad_field, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_changes (const FlTable *table, JsonObject *changes, const char *prefix,
               char **bad_field, GError **error)
{
  static const char * const pair_members[] = { "from", "to", NULL };
  if (json_object_get_size (changes) == 0)
    return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, prefix, _("an update changes at least one field"));
  g_autoptr(GList) members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      g_autofree char *path = member_path (prefix, l->data);
      const FlColumn *column = writable_column (table, l->data, path, bad_field, error);
      if (column == NULL)
        return FALSE;
      JsonObject *pair = require_object (json_object_get_member (changes, l->data), path, bad_field, error);
      if (pair == NULL || !only_known_members (pair, path, pair_members, bad_field, error))
        return FALSE;
      for (guint i = 0; pair_members[i] != NULL; i++)
        {
          g_autofree char *value_path = member_path (path, pair_members[i]);
          JsonNode *value = json_object_get_member (pair, pair_members[i]);
          if (value == NULL)
            return fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, value_path,
                         _("is required (null for no value)"));
          if (!check_value (table, column, value, value_path, bad_field, error))
            return FALSE;
        }
    }
  return TRUE;
}

FlMutation *
fl_mutation_from_json (JsonNode *node, const char *path, char **bad_field, GError **error)
{
  static const char * const known[] = { "mid", "table", "id", "op", "at", "fields", "changes", NULL };
  JsonObject *o = require_object (node, path, bad_field, error);
  gint64 mid, at;
  const char *table_name, *id, *op_name;
  FlMutationOp op;
  if (o == NULL || !only_known_members (o, path, known, bad_field, error) ||
      !read_int64 (o, path, "mid", 1, &mid, bad_field, error) ||
      !read_string (o, path, "table", TRUE, &table_name, bad_field, error) ||
      !read_string (o, path, "id", TRUE, &id, bad_field, error) ||
      !read_string (o, path, "op", TRUE, &op_name, bad_field, error) ||
      !read_time (o, path, "at", &at, bad_field, error))
    return NULL;

  g_autofree char *table_path = member_path (path, "table");
  g_autofree char *id_path = member_path (path, "id");
  g_autofree char *op_path = member_path (path, "op");
  const FlTable *table = fl_schema_lookup (table_name);
  if (table == NULL)
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, table_path, _("there is no table “%s”"), table_name);
      return NULL;
    }
  if (!fl_uuid_is_valid (id))
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, id_path, _("“%s” is not a row id"), id);
      return NULL;
    }
  if (!fl_mutation_op_from_string (op_name, &op))
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, op_path,
            _("“%s” is not one of: insert, update, append"), op_name);
      return NULL;
    }
  if (table->kind == FL_TABLE_APPEND_ONLY && op != FL_MUTATION_APPEND)
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, op_path,
            _("%s is append-only: its entries are appended, never inserted or updated"), table->name);
      return NULL;
    }
  if (table->kind != FL_TABLE_APPEND_ONLY && op == FL_MUTATION_APPEND)
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, op_path,
            _("%s rows are inserted and updated, not appended"), table->name);
      return NULL;
    }

  const char *payload_name = op == FL_MUTATION_UPDATE ? "changes" : "fields";
  const char *other_name = op == FL_MUTATION_UPDATE ? "fields" : "changes";
  g_autofree char *payload_path = member_path (path, payload_name);
  if (json_object_has_member (o, other_name))
    {
      g_autofree char *other_path = member_path (path, other_name);
      fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, other_path,
            _("an %s carries “%s”, not “%s”"), op_name, payload_name, other_name);
      return NULL;
    }
  JsonObject *payload = require_object (json_object_get_member (o, payload_name), payload_path,
                                        bad_field, error);
  if (payload == NULL)
    return NULL;
  if (op == FL_MUTATION_UPDATE ? !check_changes (table, payload, payload_path, bad_field, error)
                               : !check_fields (table, payload, payload_path, bad_field, error))
    return NULL;

  return fl_mutation_new (mid, table->name, id, op, at, payload);
}

JsonNode *
fl_mutation_to_json (const FlMutation *m)
{
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "mid", fl_protocol_int64_node (m->mid));
  json_object_set_string_member (o, "table", m->table);
  json_object_set_string_member (o, "id", m->id);
  json_object_set_string_member (o, "op", fl_mutation_op_to_string (m->op));
  set_time (o, "at", m->at);
  if (m->op == FL_MUTATION_UPDATE)
    json_object_set_object_member (o, "changes", json_object_ref (m->changes));
  else
    json_object_set_object_member (o, "fields", json_object_ref (m->fields));
  return object_node (o);
}

/* ---- push ---- */

FlPushRequest *
fl_push_request_new (const char *device_id)
{
  FlPushRequest *request = g_new0 (FlPushRequest, 1);
  request->device_id = g_strdup (device_id);
  request->mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  return request;
}

void
fl_push_request_free (FlPushRequest *request)
{
  if (request == NULL)
    return;
  g_free (request->device_id);
  g_clear_pointer (&request->mutations, g_ptr_array_unref);
  g_free (request);
}

static int
compare_mid (gconstpointer a, gconstpointer b)
{
  const FlMutation *x = *(FlMutation * const *) a;
  const FlMutation *y = *(FlMutation * const *) b;
  return x->mid < y->mid ? -1 : x->mid > y->mid;
}

FlPushRequest *
fl_push_request_from_json (JsonNode *node, guint max_mutations, char **bad_field, GError **error)
{
  static const char * const known[] = { "device_id", "mutations", NULL };
  JsonObject *o = require_object (node, NULL, bad_field, error);
  const char *device_id;
  if (o == NULL || !only_known_members (o, NULL, known, bad_field, error) ||
      !read_string (o, NULL, "device_id", TRUE, &device_id, bad_field, error))
    return NULL;
  JsonNode *list = json_object_get_member (o, "mutations");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, "mutations", _("must be a JSON array"));
      return NULL;
    }
  JsonArray *array = json_node_get_array (list);
  guint n = json_array_get_length (array);
  if (n > max_mutations)
    {
      fail (bad_field, error, FL_PROTOCOL_ERROR_TOO_LARGE, "mutations",
            _("%u mutations in one request; at most %u are allowed"), n, max_mutations);
      return NULL;
    }

  g_autoptr(FlPushRequest) request = fl_push_request_new (device_id);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *path = g_strdup_printf ("mutations[%u]", i);
      FlMutation *m = fl_mutation_from_json (json_array_get_element (array, i), path, bad_field, error);
      if (m == NULL)
        return NULL;
      g_ptr_array_add (request->mutations, m);
    }
  g_ptr_array_sort (request->mutations, compare_mid);
  for (guint i = 1; i < request->mutations->len; i++)
    {
      FlMutation *m = g_ptr_array_index (request->mutations, i);
      if (m->mid == ((FlMutation *) g_ptr_array_index (request->mutations, i - 1))->mid)
        {
          g_autofree char *what = g_strdup_printf ("%" PRId64, m->mid);
          fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, "mutations",
                _("mid %s appears twice"), what);
          return NULL;
        }
    }
  return g_steal_pointer (&request);
}

JsonNode *
fl_push_request_to_json (const FlPushRequest *request)
{
  JsonObject *o = json_object_new ();
  json_object_set_string_member (o, "device_id", request->device_id);
  JsonArray *array = json_array_sized_new (request->mutations->len);
  for (guint i = 0; i < request->mutations->len; i++)
    json_array_add_element (array, fl_mutation_to_json (g_ptr_array_index (request->mutations, i)));
  json_object_set_array_member (o, "mutations", array);
  return object_node (o);
}

static const char * const status_names[] = { "applied", "merged", "conflict", "rejected" };

const char *
fl_result_status_to_string (FlResultStatus status)
{
  g_return_val_if_fail (status < G_N_ELEMENTS (status_names), NULL);
  return status_names[status];
}

gboolean
fl_result_status_from_string (const char *text, FlResultStatus *status)
{
  for (guint i = 0; i < G_N_ELEMENTS (status_names); i++)
    if (g_strcmp0 (status_names[i], text) == 0)
      {
        *status = i;
        return TRUE;
      }
  return FALSE;
}

FlMutationResult *
fl_mutation_result_new (gint64 mid, FlResultStatus status)
{
  FlMutationResult *result = g_new0 (FlMutationResult, 1);
  result->mid = mid;
  result->status = status;
  result->conflicts = fl_conflict_array_new ();
  return result;
}

void
fl_mutation_result_free (FlMutationResult *result)
{
  if (result == NULL)
    return;
  g_clear_pointer (&result->conflicts, g_ptr_array_unref);
  g_free (result->error);
  g_free (result);
}

FlMutationResult *
fl_mutation_result_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, "results[]", NULL, error);
  gint64 mid;
  const char *status_name, *message;
  FlResultStatus status;
  if (o == NULL ||
      !read_int64 (o, "results[]", "mid", 1, &mid, NULL, error) ||
      !read_string (o, "results[]", "status", TRUE, &status_name, NULL, error) ||
      !read_string (o, "results[]", "error", FALSE, &message, NULL, error))
    return NULL;
  if (!fl_result_status_from_string (status_name, &status))
    {
      fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "results[].status",
            _("“%s” is not one of: applied, merged, conflict, rejected"), status_name);
      return NULL;
    }
  g_autoptr(FlMutationResult) result = fl_mutation_result_new (mid, status);
  result->error = g_strdup (message);
  JsonNode *list = json_object_get_member (o, "conflicts");
  if (list != NULL && !JSON_NODE_HOLDS_NULL (list))
    {
      if (!JSON_NODE_HOLDS_ARRAY (list))
        {
          fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "results[].conflicts", _("must be a JSON array"));
          return NULL;
        }
      JsonArray *array = json_node_get_array (list);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *c = require_object (json_array_get_element (array, i), "results[].conflicts[]", NULL, error);
          const char *field;
          if (c == NULL || !read_string (c, "results[].conflicts[]", "field", TRUE, &field, NULL, error))
            return NULL;
          g_ptr_array_add (result->conflicts,
                           fl_conflict_new (field, json_object_get_member (c, "base"),
                                            json_object_get_member (c, "mine"),
                                            json_object_get_member (c, "theirs")));
        }
    }
  return g_steal_pointer (&result);
}

JsonNode *
fl_mutation_result_to_json (const FlMutationResult *result)
{
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "mid", fl_protocol_int64_node (result->mid));
  json_object_set_string_member (o, "status", fl_result_status_to_string (result->status));
  JsonArray *conflicts = json_array_new ();
  for (guint i = 0; i < result->conflicts->len; i++)
    {
      FlConflict *c = g_ptr_array_index (result->conflicts, i);
      JsonObject *co = json_object_new ();
      json_object_set_string_member (co, "field", c->field);
      json_object_set_member (co, "base", json_node_copy (c->base));
      json_object_set_member (co, "mine", json_node_copy (c->mine));
      json_object_set_member (co, "theirs", json_node_copy (c->theirs));
      json_array_add_object_element (conflicts, co);
    }
  json_object_set_array_member (o, "conflicts", conflicts);
  set_optional_string (o, "error", result->error);
  return object_node (o);
}

FlPushResponse *
fl_push_response_new (void)
{
  FlPushResponse *response = g_new0 (FlPushResponse, 1);
  response->results = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_result_free);
  return response;
}

void
fl_push_response_free (FlPushResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->results, g_ptr_array_unref);
  g_free (response);
}

FlPushResponse *
fl_push_response_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, NULL, NULL, error);
  gint64 seq;
  if (o == NULL || !read_int64 (o, NULL, "seq", 0, &seq, NULL, error))
    return NULL;
  JsonNode *list = json_object_get_member (o, "results");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "results", _("must be a JSON array"));
      return NULL;
    }
  g_autoptr(FlPushResponse) response = fl_push_response_new ();
  response->seq = seq;
  JsonArray *array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FlMutationResult *result = fl_mutation_result_from_json (json_array_get_element (array, i), error);
      if (result == NULL)
        return NULL;
      g_ptr_array_add (response->results, result);
    }
  return g_steal_pointer (&response);
}

JsonNode *
fl_push_response_to_json (const FlPushResponse *response)
{
  JsonObject *o = json_object_new ();
  JsonArray *array = json_array_sized_new (response->results->len);
  for (guint i = 0; i < response->results->len; i++)
    json_array_add_element (array, fl_mutation_result_to_json (g_ptr_array_index (response->results, i)));
  json_object_set_array_member (o, "results", array);
  json_object_set_member (o, "seq", fl_protocol_int64_node (response->seq));
  return object_node (o);
}

/* ---- pull ---- */

FlChange *
fl_change_new (gint64 seq, const char *table, const char *id, JsonObject *row)
{
  FlChange *change = g_new0 (FlChange, 1);
  change->seq = seq;
  change->table = g_strdup (table);
  change->id = g_strdup (id);
  change->row = row != NULL ? json_object_ref (row) : NULL;
  return change;
}

void
fl_change_free (FlChange *change)
{
  if (change == NULL)
    return;
  g_free (change->table);
  g_free (change->id);
  g_clear_pointer (&change->row, json_object_unref);
  g_free (change);
}

FlChange *
fl_change_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, "changes[]", NULL, error);
  gint64 seq;
  const char *table, *id;
  if (o == NULL ||
      !read_int64 (o, "changes[]", "seq", 1, &seq, NULL, error) ||
      !read_string (o, "changes[]", "table", TRUE, &table, NULL, error) ||
      !read_string (o, "changes[]", "id", TRUE, &id, NULL, error))
    return NULL;
  JsonNode *row = json_object_get_member (o, "row");
  if (row != NULL && JSON_NODE_HOLDS_OBJECT (row))
    return fl_change_new (seq, table, id, json_node_get_object (row));
  gboolean gone = FALSE;
  if (!read_bool (o, "changes[]", "gone", &gone, NULL, error))
    return NULL;
  if (!gone)
    {
      fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "changes[].row", _("a change carries a row or \"gone\": true"));
      return NULL;
    }
  return fl_change_new (seq, table, id, NULL);
}

JsonNode *
fl_change_to_json (const FlChange *change)
{
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "seq", fl_protocol_int64_node (change->seq));
  json_object_set_string_member (o, "table", change->table);
  json_object_set_string_member (o, "id", change->id);
  if (change->row != NULL)
    json_object_set_object_member (o, "row", json_object_ref (change->row));
  else
    json_object_set_boolean_member (o, "gone", TRUE);
  return object_node (o);
}

FlPullResponse *
fl_pull_response_new (void)
{
  FlPullResponse *response = g_new0 (FlPullResponse, 1);
  response->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_change_free);
  return response;
}

void
fl_pull_response_free (FlPullResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->changes, g_ptr_array_unref);
  g_free (response->cursor);
  g_free (response);
}

FlPullResponse *
fl_pull_response_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = require_object (node, NULL, NULL, error);
  const char *cursor;
  gboolean more;
  if (o == NULL || !read_string (o, NULL, "cursor", TRUE, &cursor, NULL, error) ||
      !read_bool (o, NULL, "more", &more, NULL, error))
    return NULL;
  JsonNode *list = json_object_get_member (o, "changes");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "changes", _("must be a JSON array"));
      return NULL;
    }
  g_autoptr(FlPullResponse) response = fl_pull_response_new ();
  response->cursor = g_strdup (cursor);
  response->more = more;
  JsonArray *array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FlChange *change = fl_change_from_json (json_array_get_element (array, i), error);
      if (change == NULL)
        return NULL;
      g_ptr_array_add (response->changes, change);
    }
  return g_steal_pointer (&response);
}

JsonNode *
fl_pull_response_to_json (const FlPullResponse *response)
{
  JsonObject *o = json_object_new ();
  JsonArray *array = json_array_sized_new (response->changes->len);
  for (guint i = 0; i < response->changes->len; i++)
    json_array_add_element (array, fl_change_to_json (g_ptr_array_index (response->changes, i)));
  json_object_set_array_member (o, "changes", array);
  json_object_set_string_member (o, "cursor", response->cursor);
  json_object_set_boolean_member (o, "more", response->more);
  return object_node (o);
}

/* ---- snapshot ---- */

static char *
line_of (JsonObject *o, gsize *length)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), o);
  GString *out = g_string_sized_new (512);
  write_node (out, node);
  g_string_append_c (out, '\n');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

char *
fl_snapshot_header_line (const char *cursor, gsize *length)
{
  g_autoptr(JsonObject) o = json_object_new ();
  json_object_set_int_member (o, "snapshot", 1);
  json_object_set_string_member (o, "cursor", cursor);
  return line_of (o, length);
}

char *
fl_snapshot_row_line (const char *table, JsonObject *row, gsize *length)
{
  g_autoptr(JsonObject) o = json_object_new ();
  json_object_set_string_member (o, "table", table);
  json_object_set_object_member (o, "row", json_object_ref (row));
  return line_of (o, length);
}

char *
fl_snapshot_end_line (gint64 rows, gsize *length)
{
  g_autoptr(JsonObject) o = json_object_new ();
  json_object_set_boolean_member (o, "end", TRUE);
  json_object_set_member (o, "rows", fl_protocol_int64_node (rows));
  return line_of (o, length);
}

FlSnapshotLine *
fl_snapshot_line_parse (const char *text, gsize length, GError **error)
{
  g_autoptr(JsonNode) node = fl_protocol_parse (text, length, error);
  if (node == NULL)
    return NULL;
  JsonObject *o = require_object (node, NULL, NULL, error);
  if (o == NULL)
    return NULL;
  g_autoptr(FlSnapshotLine) line = g_new0 (FlSnapshotLine, 1);
  if (json_object_has_member (o, "row"))
    {
      const char *table;
      JsonObject *row = require_object (json_object_get_member (o, "row"), "row", NULL, error);
      if (row == NULL || !read_string (o, NULL, "table", TRUE, &table, NULL, error))
        return NULL;
      line->kind = FL_SNAPSHOT_ROW;
      line->table = g_strdup (table);
      line->row = json_object_ref (row);
    }
  else if (json_object_has_member (o, "snapshot"))
    {
      const char *cursor;
      if (!read_string (o, NULL, "cursor", TRUE, &cursor, NULL, error))
        return NULL;
      line->kind = FL_SNAPSHOT_HEADER;
      line->cursor = g_strdup (cursor);
    }
  else if (json_object_has_member (o, "end"))
    {
      if (!read_int64 (o, NULL, "rows", 0, &line->rows, NULL, error))
        return NULL;
      line->kind = FL_SNAPSHOT_END;
    }
  else
    {
      fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, NULL,
            _("A snapshot line is a header, a row or the end line"));
      return NULL;
    }
  return g_steal_pointer (&line);
}

void
fl_snapshot_line_free (FlSnapshotLine *line)
{
  if (line == NULL)
    return;
  g_free (line->cursor);
  g_free (line->table);
  g_clear_pointer (&line->row, json_object_unref);
  g_free (line);
}
