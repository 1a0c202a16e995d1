#include <inttypes.h>
#include "fl-store-backend.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-json-guard.h"
#include "fl-record.h"
#include "fl-time.h"

/* Site lists are JSON arrays of ids, so SQL can read them (json_each,
 * jsonb_array_elements_text).  They are written and read on every stored
 * row: by hand, since ids are plain characters (fl_record_validate checks
 * references), with JSON-GLib as the fallback for anything else. */
static gboolean
is_plain_id (const char *text)
{
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isalnum (*p) && *p != '-' && *p != '_')
      return FALSE;
  return TRUE;
}

char *
fl_store_sites_to_json (const char * const *sites)
{
  GString *json = g_string_new ("[");
  for (guint i = 0; sites != NULL && sites[i] != NULL; i++)
    {
      if (!is_plain_id (sites[i]))
        {
          g_autoptr(JsonNode) node = json_node_init_string (json_node_alloc (), sites[i]);
          g_autofree char *quoted = json_to_string (node, FALSE);
          g_string_append_printf (json, "%s%s", i > 0 ? "," : "", quoted);
        }
      else
        g_string_append_printf (json, "%s\"%s\"", i > 0 ? "," : "", sites[i]);
    }
  g_string_append_c (json, ']');
  return g_string_free (json, FALSE);
}

GStrv
fl_store_sites_from_json (const char *text)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  if (text == NULL || strcmp (text, "[]") == 0)
    return g_strv_builder_end (builder);
  if (strchr (text, '\\') == NULL)
    {
      /* ["a","b"]: the strings between quotes. */
      const char *p = text;
      while ((p = strchr (p, '"')) != NULL)
        {
          const char *end = strchr (p + 1, '"');
          if (end == NULL)
            break;
          g_autofree char *id = g_strndup (p + 1, end - p - 1);
          g_strv_builder_add (builder, id);
          p = end + 1;
        }
      return g_strv_builder_end (builder);
    }
  g_autoptr(JsonNode) root = fl_json_guard_parse (text, -1, NULL, NULL);
  if (root != NULL && JSON_NODE_HOLDS_ARRAY (root))
    {
      JsonArray *array = json_node_get_array (root);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonNode *node = json_array_get_element (array, i);
          if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
            g_strv_builder_add (builder, json_node_get_string (node));
        }
    }
  return g_strv_builder_end (builder);
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char * const *) a, *(const char * const *) b);
}

GStrv
fl_store_sorted_unique (GPtrArray *strings)
{
  g_ptr_array_sort (strings, compare_strings);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  for (guint i = 0; i < strings->len; i++)
    if (i == 0 || strcmp (strings->pdata[i - 1], strings->pdata[i]) != 0)
      g_strv_builder_add (builder, strings->pdata[i]);
  return g_strv_builder_end (builder);
}

GStrv
fl_store_gone_after_move (const char *old_sites_json, const char *old_gone_json, char **new_sites)
{
  if (new_sites[0] == NULL)
    return g_new0 (char *, 1);  /* visible everywhere now */
  g_auto(GStrv) old_sites = fl_store_sites_from_json (old_sites_json);
  g_auto(GStrv) old_gone = fl_store_sites_from_json (old_gone_json);
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  if (old_sites_json != NULL && old_sites[0] == NULL)
    g_ptr_array_add (gone, "*");
  for (guint i = 0; old_sites[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) new_sites, old_sites[i]))
      g_ptr_array_add (gone, old_sites[i]);
  for (guint i = 0; old_gone[i] != NULL; i++)
    if (!g_strv_contains ((const char * const *) new_sites, old_gone[i]))
      g_ptr_array_add (gone, old_gone[i]);
  return fl_store_sorted_unique (gone);
}

GHashTable *
fl_store_scope_children (void)
{
  GHashTable *children = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                                (GDestroyNotify) g_ptr_array_unref);
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    for (guint p = 0; p < G_N_ELEMENTS (tables[i]->scope); p++)
      {
        const char *via = tables[i]->scope[p].via_table;
        if (tables[i]->scope[p].column == NULL)
          break;
        if (via == NULL)
          continue;
        GPtrArray *list = g_hash_table_lookup (children, via);
        if (list == NULL)
          {
            list = g_ptr_array_new ();
            g_hash_table_insert (children, (gpointer) via, list);
          }
        if (!g_ptr_array_find (list, tables[i], NULL))
          g_ptr_array_add (list, (gpointer) tables[i]);
      }
  return children;
}

void
fl_store_stamp_row (JsonObject *row, gint64 stored_version, const char *stored_created_at)
{
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *version_text = g_strdup_printf ("%" PRId64, stored_version + 1);
  json_object_set_string_member (row, "version", version_text);
  if (stored_created_at != NULL)
    json_object_set_string_member (row, "created_at", stored_created_at);
  else if (fl_record_get_string (row, "created_at") == NULL)
    json_object_set_string_member (row, "created_at", now);
  if (fl_record_get_string (row, "updated_at") == NULL)
    json_object_set_string_member (row, "updated_at", now);
}

static const FlStoreUniqueColumn unique_columns[] = {
  { "user", "login" },
  { "site", "code" },
};

const FlStoreUniqueColumn *
fl_store_unique_columns (guint *n_columns)
{
  *n_columns = G_N_ELEMENTS (unique_columns);
  return unique_columns;
}

char *
fl_store_model_digest (void)
{
  g_autoptr(GString) unique = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (unique_columns); i++)
    g_string_append_printf (unique, "-- unique %s.%s\n", unique_columns[i].table, unique_columns[i].column);
  return fl_schema_digest (unique->str);
}

void
fl_store_set_unique_clash (GError **error, const FlTable *table, JsonObject *row, const char *column)
{
  const char *value = fl_record_get_string (row, column);
  /* Translators: "site.code: “H1” already exists" */
  g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_EXISTS, _("%s.%s: “%s” already exists"),
               table->name, column, value != NULL ? value : "");
}

char *
fl_store_record_select_sql (const FlStoreServerTable *table, FlStoreColumnFunc column)
{
  GString *sql = g_string_new ("SELECT ");
  for (guint i = 0; i < table->n_columns; i++)
    {
      if (i > 0)
        g_string_append (sql, ", ");
      column (sql, table->columns[i].name, table->columns[i].type);
    }
  g_string_append_printf (sql, " FROM %s", table->name);
  return g_string_free (sql, FALSE);
}

char *
fl_store_record_upsert_sql (const FlStoreServerTable *table, FlStoreParamFunc param)
{
  GString *sql = g_string_new (NULL);
  g_string_append_printf (sql, "INSERT INTO %s (", table->name);
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s%s", i > 0 ? ", " : "", table->columns[i].name);
  g_string_append (sql, ") VALUES (");
  for (guint i = 0; i < table->n_columns; i++)
    {
      if (i > 0)
        g_string_append (sql, ", ");
      param (sql, i + 1, table->columns[i].type);
    }
  g_string_append_printf (sql, ") ON CONFLICT (%s) DO UPDATE SET ", table->key);
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (sql, "%s%s = excluded.%s", i > 0 ? ", " : "",
                            table->columns[i].name, table->columns[i].name);
  return g_string_free (sql, FALSE);
}

JsonNode *
fl_store_record_value (FlStoreValueType type, const char *text)
{
  if (text == NULL)
    return json_node_new (JSON_NODE_NULL);
  switch (type)
    {
    case FL_STORE_VALUE_INT:
      return json_node_init_int (json_node_alloc (), g_ascii_strtoll (text, NULL, 10));
    case FL_STORE_VALUE_BOOL:
      return json_node_init_boolean (json_node_alloc (),
                                     strcmp (text, "1") == 0 || strcmp (text, "t") == 0 || strcmp (text, "true") == 0);
    case FL_STORE_VALUE_SITES:
      {
        g_auto(GStrv) sites = fl_store_sites_from_json (text);
        JsonArray *array = json_array_new ();
        for (guint i = 0; sites[i] != NULL; i++)
          json_array_add_string_element (array, sites[i]);
        JsonNode *node = json_node_init_array (json_node_alloc (), array);
        json_array_unref (array);
        return node;
      }
    case FL_STORE_VALUE_TEXT:
    default:
      return json_node_init_string (json_node_alloc (), text);
    }
}

char *
fl_store_record_text (FlStoreValueType type, JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  switch (type)
    {
    case FL_STORE_VALUE_INT:
      return g_strdup_printf ("%" PRId64, json_node_get_int (value));
    case FL_STORE_VALUE_BOOL:
      return g_strdup (json_node_get_boolean (value) ? "1" : "0");
    case FL_STORE_VALUE_SITES:
      {
        g_autoptr(GPtrArray) sites = g_ptr_array_new ();
        JsonArray *array = JSON_NODE_HOLDS_ARRAY (value) ? json_node_get_array (value) : NULL;
        for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
          g_ptr_array_add (sites, (gpointer) json_array_get_string_element (array, i));
        g_ptr_array_add (sites, NULL);
        return fl_store_sites_to_json ((const char * const *) sites->pdata);
      }
    case FL_STORE_VALUE_TEXT:
    default:
      return g_strdup (json_node_get_string (value));
    }
}
