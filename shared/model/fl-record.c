#include <inttypes.h>
#include "fl-record.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fl-json-guard.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-record-error-quark, fl_record_error)

/* JSON columns hold flat data (results, lists, {field: {from, to}});
 * deeper nesting is refused rather than walked. */
#define MAX_JSON_DEPTH 32

static const char * const common_columns[] = { FL_COMMON_COLUMNS };

static gboolean
invalid (GError **error, int code, const FlTable *table, const char *field, const char *format, ...)
  G_GNUC_PRINTF (5, 6);

static gboolean
invalid (GError **error, int code, const FlTable *table, const char *field, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  /* Translators: table.field: what is wrong, e.g. "work_order.impact: must be between 1 and 4" */
  g_set_error (error, FL_RECORD_ERROR, code, _("%s.%s: %s"), table->name, field, what);
  return FALSE;
}

static gboolean
looks_like_id (const char *text)
{
  gsize n = strlen (text);
  if (n == 0 || n > 64)
    return FALSE;
  for (gsize i = 0; i < n; i++)
    if (!g_ascii_isalnum (text[i]) && text[i] != '-' && text[i] != '_')
      return FALSE;
  return TRUE;
}

gboolean
fl_record_parse_int64 (const char *text, gint64 *out)
{
  char *end = NULL;
  if (text == NULL || *text == '\0')
    return FALSE;
  /* Only the digits PRId64 writes: no sign but '-', no space, no leading
   * zero.  Otherwise "09" would validate yet read back from the store as
   * "9", and a row would change by being stored. */
  const char *digits = text[0] == '-' ? text + 1 : text;
  if (!g_ascii_isdigit (digits[0]) || (digits[0] == '0' && (digits[1] != '\0' || digits != text)))
    return FALSE;
  errno = 0;
  gint64 v = g_ascii_strtoll (text, &end, 10);
  if (errno != 0 || end == NULL || *end != '\0')
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
fl_record_read_whole_number (const char *text, gint64 min, gint64 max, gint64 *out, GError **error)
{
  g_return_val_if_fail (min < max, FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  g_autofree char *typed = g_strstrip (g_strdup (text != NULL ? text : ""));
  gint64 value;
  if (*typed == '\0')
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MISSING, _("Enter a number"));
      return FALSE;
    }
  /* A leading zero is a number a person means ("05"), unlike on the wire. */
  const char *digits = typed;
  while (digits[0] == '0' && g_ascii_isdigit (digits[1]))
    digits++;
  if (!fl_record_parse_int64 (digits, &value))
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("“%s” is not a whole number"), typed);
      return FALSE;
    }
  if (value < min || value > max)
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("Enter a number from %" PRId64 " to %" PRId64), min, max);
      return FALSE;
    }
  *out = value;
  return TRUE;
}

gboolean
fl_record_read_number (const char *table_name, const char *column_name, const char *text,
                       gint64 *out, GError **error)
{
  const FlTable *table = fl_schema_lookup (table_name);
  const FlColumn *column = table != NULL ? fl_table_column (table, column_name) : NULL;
  g_return_val_if_fail (column != NULL && column->min < column->max, FALSE);
  return fl_record_read_whole_number (text, column->min, column->max, out, error);
}

/* Longer than any reading or size a person writes; short enough that
 * every digit typed still counts in a double. */
#define MAX_DECIMAL_DIGITS 15

gboolean
fl_record_read_decimal (const char *text, double *out, GError **error)
{
  g_return_val_if_fail (out != NULL, FALSE);
  g_autofree char *typed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*typed == '\0')
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MISSING, _("Enter a number"));
      return FALSE;
    }
  /* Digits with an optional sign and one decimal point, nothing else:
   * g_ascii_strtod alone would also take "inf", "nan", "0x1p3" and
   * "1e999", none of which a person means as a reading. */
  const char *p = typed[0] == '-' || typed[0] == '+' ? typed + 1 : typed;
  guint digits = 0, points = 0;
  for (; *p != '\0'; p++)
    {
      if (g_ascii_isdigit (*p))
        digits++;
      else if (*p == '.' && points == 0)
        points++;
      else
        break;
    }
  if (*p != '\0' || digits == 0)
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("“%s” is not a number"), typed);
      return FALSE;
    }
  if (digits > MAX_DECIMAL_DIGITS)
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("Enter a number of at most %d digits"), MAX_DECIMAL_DIGITS);
      return FALSE;
    }
  *out = g_ascii_strtod (typed, NULL);
  return TRUE;
}

static gboolean
check_range (const FlTable *table, const FlColumn *column, gint64 v, GError **error)
{
  if (column->min < column->max && (v < column->min || v > column->max))
    return invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                    _("must be between %" PRId64 " and %" PRId64),
                    column->min, column->max);
  return TRUE;
}

/* A JSON value that stores and reads back as itself: finite numbers and
 * valid UTF-8 throughout (json-glib accepts 1e999 as infinity, which it
 * writes as "inf", and a lone surrogate escape as invalid UTF-8; either
 * would come back from the database as null).  Says what is wrong in
 * `problem` (to free). */
static gboolean
json_value_is_storable (JsonNode *node, guint depth, char **problem)
{
  if (depth > MAX_JSON_DEPTH)
    {
      *problem = g_strdup_printf (_("nests deeper than %d levels"), MAX_JSON_DEPTH);
      return FALSE;
    }
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            if (!g_utf8_validate (name, -1, NULL))
              {
                *problem = g_strdup (_("holds a member name that is not valid UTF-8"));
                return FALSE;
              }
            if (!json_value_is_storable (member, depth + 1, problem))
              return FALSE;
          }
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!json_value_is_storable (json_array_get_element (array, i), depth + 1, problem))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_DOUBLE && !isfinite (json_node_get_double (node)))
        {
          *problem = g_strdup (_("holds a number too large to store"));
          return FALSE;
        }
      if (json_node_get_value_type (node) == G_TYPE_STRING &&
          !g_utf8_validate (json_node_get_string (node), -1, NULL))
        {
          *problem = g_strdup (_("holds text that is not valid UTF-8"));
          return FALSE;
        }
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

/* Every string-valued column is bounded: its own limit, else (choices,
 * ids, times, dates, all short by their form) that of a name. */
static gsize
text_limit (const FlColumn *column)
{
  return column->max_length > 0 ? column->max_length : FL_TEXT_NAME;
}

/* Validates one value; `*canonical` is its canonical form (a new node) when
 * it is written otherwise (a time in another form, an int64 as a number),
 * else NULL. */
static gboolean
check_value (const FlTable *table, const FlColumn *column, JsonNode *value, JsonNode **canonical,
             GError **error)
{
  *canonical = NULL;
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return TRUE;

  GType value_type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;
  switch (column->type)
    {
    case FL_COL_TEXT:
    case FL_COL_REF:
    case FL_COL_TIME:
    case FL_COL_DATE:
      {
        if (value_type != G_TYPE_STRING)
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name, _("must be text"));
            return FALSE;
          }
        const char *text = json_node_get_string (value);
        if (strlen (text) > text_limit (column))
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name, _("is longer than %u bytes"),
                     (guint) text_limit (column));
            return FALSE;
          }
        if (!g_utf8_validate (text, -1, NULL))
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name, _("is not valid UTF-8"));
            return FALSE;
          }
        if (column->type == FL_COL_TEXT && !fl_column_has_choice (column, text))
          {
            g_autofree char *choices = g_strjoinv (", ", (char **) column->choices);
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                     _("“%s” is not one of: %s"), text, choices);
            return FALSE;
          }
        if (column->type == FL_COL_REF && !looks_like_id (text))
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                     _("“%s” is not a row id"), text);
            return FALSE;
          }
        if (column->type == FL_COL_TIME)
          {
            gint64 usec;
            if (!fl_time_parse (text, &usec, NULL))
              {
                invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                         _("“%s” is not a time such as 2026-11-22T09:30:00.000Z"), text);
                return FALSE;
              }
            g_autofree char *formatted = fl_time_format (usec);
            if (strcmp (formatted, text) != 0)
              *canonical = json_node_init_string (json_node_alloc (), formatted);
            return TRUE;
          }
        if (column->type == FL_COL_DATE)
          {
            guint y, m, d;
            char tail;
            if (strlen (text) != 10 || sscanf (text, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 ||
                !g_date_valid_dmy (d, m, y))
              {
                invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                         _("“%s” is not a date such as 2026-11-22"), text);
                return FALSE;
              }
          }
        return TRUE;
      }
    case FL_COL_INT:
      if (value_type != G_TYPE_INT64)
        {
          invalid (error, FL_RECORD_ERROR_INVALID, table, column->name, _("must be a whole number"));
          return FALSE;
        }
      return check_range (table, column, json_node_get_int (value), error);
    case FL_COL_INT64:
      {
        gint64 v;
        if (value_type == G_TYPE_INT64)
          v = json_node_get_int (value);
        else if (value_type != G_TYPE_STRING || !fl_record_parse_int64 (json_node_get_string (value), &v))
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                     _("must be a whole number written as a string of digits"));
            return FALSE;
          }
        if (!check_range (table, column, v, error))
          return FALSE;
        g_autofree char *digits = g_strdup_printf ("%" PRId64, v);
        if (value_type != G_TYPE_STRING || strcmp (digits, json_node_get_string (value)) != 0)
          *canonical = json_node_init_string (json_node_alloc (), digits);
        return TRUE;
      }
    case FL_COL_BOOL:
      if (value_type != G_TYPE_BOOLEAN)
        {
          invalid (error, FL_RECORD_ERROR_INVALID, table, column->name, _("must be true or false"));
          return FALSE;
        }
      return TRUE;
    case FL_COL_JSON:
      if (!(column->flags & FL_COL_ANY_VALUE) &&
          !JSON_NODE_HOLDS_OBJECT (value) && !JSON_NODE_HOLDS_ARRAY (value))
        {
          invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                   _("must be a JSON object or array"));
          return FALSE;
        }
      {
        g_autofree char *problem = NULL;
        if (!json_value_is_storable (value, 0, &problem))
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name, "%s", problem);
            return FALSE;
          }
        g_autofree char *text = json_to_string (value, FALSE);
        if (strlen (text) > column->max_length)
          {
            invalid (error, FL_RECORD_ERROR_INVALID, table, column->name,
                     _("is larger than %u bytes as JSON"), (guint) column->max_length);
            return FALSE;
          }
      }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
}

gboolean
fl_record_validate_value (const FlTable *table, const FlColumn *column, JsonNode *value, GError **error)
{
  g_autoptr(JsonNode) canonical = NULL;
  return check_value (table, column, value, &canonical, error);
}

static gboolean
validate_common (const FlTable *table, JsonObject *fields, char **bad_field, GError **error)
{
  const char *id = fl_record_get_string (fields, "id");
  if (id == NULL || !looks_like_id (id))
    {
      if (bad_field) *bad_field = g_strdup ("id");
      return invalid (error, FL_RECORD_ERROR_MISSING, table, "id", _("a row id is required"));
    }
  JsonNode *version = json_object_get_member (fields, "version");
  gint64 v = 0;
  if (version == NULL || !JSON_NODE_HOLDS_VALUE (version) ||
      (json_node_get_value_type (version) == G_TYPE_INT64 ? (v = json_node_get_int (version), FALSE)
                                                           : !fl_record_parse_int64 (json_node_get_string (version), &v)) ||
      v < 1)
    {
      if (bad_field) *bad_field = g_strdup ("version");
      return invalid (error, FL_RECORD_ERROR_INVALID, table, "version", _("must be a number from 1"));
    }
  for (guint i = 2; i < G_N_ELEMENTS (common_columns); i++)
    {
      const char *text = fl_record_get_string (fields, common_columns[i]);
      gint64 usec;
      if (text == NULL || !fl_time_parse (text, &usec, NULL))
        {
          if (bad_field) *bad_field = g_strdup (common_columns[i]);
          return invalid (error, FL_RECORD_ERROR_INVALID, table, common_columns[i],
                          _("must be a time such as 2026-11-22T09:30:00.000Z"));
        }
    }
  return TRUE;
}

gboolean
fl_record_validate (const FlTable *table, JsonObject *fields, FlRecordMode mode,
                    char **bad_field, GError **error)
{
  g_return_val_if_fail (table != NULL && fields != NULL, FALSE);

  g_autoptr(GList) members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const char *name = l->data;
      if (fl_schema_is_common_column (name))
        {
          if (mode == FL_RECORD_STORED)
            continue;
          if (bad_field) *bad_field = g_strdup (name);
          return invalid (error, FL_RECORD_ERROR_UNKNOWN_FIELD, table, name,
                          _("is kept by Fieldline and cannot be set"));
        }
      const FlColumn *column = fl_table_column (table, name);
      if (column == NULL)
        {
          if (bad_field) *bad_field = g_strdup (name);
          return invalid (error, FL_RECORD_ERROR_UNKNOWN_FIELD, table, name, _("no such field"));
        }
      if (mode == FL_RECORD_UPDATE && (column->flags & FL_COL_IMMUTABLE))
        {
          if (bad_field) *bad_field = g_strdup (name);
          return invalid (error, FL_RECORD_ERROR_IMMUTABLE, table, name,
                          _("is fixed when the record is created and cannot be changed"));
        }
      JsonNode *value = json_object_get_member (fields, name);
      if ((column->flags & FL_COL_REQUIRED) && JSON_NODE_HOLDS_NULL (value))
        {
          if (bad_field) *bad_field = g_strdup (name);
          return invalid (error, FL_RECORD_ERROR_MISSING, table, name, _("is required"));
        }
      /* Only a value written otherwise than its canonical form is
       * replaced: json-glib finds a member to replace by walking them all. */
      JsonNode *canonical = NULL;
      if (!check_value (table, column, value, &canonical, error))
        {
          if (bad_field) *bad_field = g_strdup (name);
          return FALSE;
        }
      if (canonical != NULL)
        json_object_set_member (fields, name, canonical);
    }

  if (mode != FL_RECORD_UPDATE)
    for (guint i = 0; i < table->n_columns; i++)
      {
        const FlColumn *column = &table->columns[i];
        if ((column->flags & FL_COL_REQUIRED) && !(column->flags & FL_COL_DERIVED) &&
            (!json_object_has_member (fields, column->name) ||
             json_object_get_null_member (fields, column->name)))
          {
            if (bad_field) *bad_field = g_strdup (column->name);
            return invalid (error, FL_RECORD_ERROR_MISSING, table, column->name, _("is required"));
          }
      }

  if (mode == FL_RECORD_STORED)
    return validate_common (table, fields, bad_field, error);
  return TRUE;
}

gboolean
fl_record_accept_pulled (const FlTable *table, JsonObject *row, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (fl_record_validate (table, row, FL_RECORD_STORED, NULL, &local_error))
    return TRUE;
  if (g_error_matches (local_error, FL_RECORD_ERROR, FL_RECORD_ERROR_UNKNOWN_FIELD))
    {
      g_autoptr(GList) members = json_object_get_members (row);
      for (GList *l = members; l != NULL; l = l->next)
        if (!fl_schema_is_common_column (l->data) && fl_table_column (table, l->data) == NULL)
          json_object_remove_member (row, l->data);
      g_clear_error (&local_error);
      if (fl_record_validate (table, row, FL_RECORD_STORED, NULL, &local_error))
        return TRUE;
    }
  /* A conflict keeps any JSON value (a text, a number) in its base, mine
   * and theirs columns. */
  if (table->kind == FL_TABLE_SERVER_OWNED && fl_record_get_string (row, "id") != NULL &&
      g_error_matches (local_error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID))
    return TRUE;
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

JsonObject *
fl_record_parse (const char *json_text, gssize length, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonNode) root = fl_json_guard_parse (json_text, length, NULL, &local_error);
  if (root == NULL)
    {
      g_set_error_literal (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MALFORMED, local_error->message);
      return NULL;
    }
  if (!JSON_NODE_HOLDS_OBJECT (root))
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MALFORMED,
                   _("Expected a JSON object for a record"));
      return NULL;
    }
  return json_object_ref (json_node_get_object (root));
}

char *
fl_record_to_string (JsonObject *row)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), row);
  return json_to_string (node, FALSE);
}

const char *
fl_record_get_string (JsonObject *row, const char *field)
{
  JsonNode *node = json_object_get_member (row, field);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gint64
fl_record_get_int (JsonObject *row, const char *field, gint64 fallback)
{
  JsonNode *node = json_object_get_member (row, field);
  gint64 v;
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return fallback;
  if (json_node_get_value_type (node) == G_TYPE_INT64)
    return json_node_get_int (node);
  if (json_node_get_value_type (node) == G_TYPE_STRING && fl_record_parse_int64 (json_node_get_string (node), &v))
    return v;
  return fallback;
}

gboolean
fl_record_get_bool (JsonObject *row, const char *field)
{
  JsonNode *node = json_object_get_member (row, field);
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) &&
         json_node_get_value_type (node) == G_TYPE_BOOLEAN && json_node_get_boolean (node);
}

gboolean
fl_json_node_equal (JsonNode *a, JsonNode *b)
{
  gboolean a_null = a == NULL || JSON_NODE_HOLDS_NULL (a);
  gboolean b_null = b == NULL || JSON_NODE_HOLDS_NULL (b);
  if (a_null || b_null)
    return a_null == b_null;
  return json_node_equal (a, b);
}

void
fl_record_set_text (JsonObject *row, const char *field, const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (row, field, value);
}
