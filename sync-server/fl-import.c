#include "fl-import.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-accounts.h"
#include "fl-ci-change-record.h"
#include "fl-ids.h"
#include "fl-json-guard.h"
#include "fl-record.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-import-error-quark, fl_import_error)

/* A header column that names a referenced row by its natural key. */
typedef struct {
  const char *header;     /* "site" */
  const char *column;     /* "site_id" */
  const char *table;      /* "site" */
  const char *key;        /* "code" */
} RefColumn;

typedef struct {
  const char *name;       /* "sites" */
  const char *table;      /* "site" */
  const char *key;        /* the natural key column ... */
  const char *also_keys[3];  /* ... with these, when one column is not enough (NULL matches NULL) */
  RefColumn   refs[2];
} ImportSpec;

static const ImportSpec specs[] = {
  [FL_IMPORT_SITES] = { "sites", "site", "code", { NULL }, { { "calendar", "calendar_id", "calendar", "name" } } },
  [FL_IMPORT_CIS] = { "cis", "ci", "code", { NULL }, { { "site", "site_id", "site", "code" } } },
  [FL_IMPORT_PARTS] = { "parts", "part", "sku", { NULL }, { { NULL } } },
  [FL_IMPORT_LOCATIONS] = { "locations", "stock_location", "code", { NULL }, { { "site", "site_id", "site", "code" } } },
  [FL_IMPORT_USERS] = { "users", "user", "login", { NULL }, { { NULL } } },
  /* A policy is its site (empty: every site), service (empty: the site's
   * default) and priority. */
  [FL_IMPORT_POLICIES] = { "policies", "sla_policy", "priority", { "site_id", "catalogue", NULL },
                           { { "site", "site_id", "site", "code" } } },
  [FL_IMPORT_SERVICES] = { "services", "service", "code", { NULL }, { { NULL } } },
  /* One document of each kind: publishing again replaces it. */
  [FL_IMPORT_DOCUMENTS] = { "documents", "document", "kind", { NULL }, { { NULL } } },
};

gboolean
fl_import_kind_from_string (const char *text, FlImportKind *kind)
{
  for (guint i = 0; i < G_N_ELEMENTS (specs); i++)
    if (g_strcmp0 (specs[i].name, text) == 0)
      {
        *kind = i;
        return TRUE;
      }
  return FALSE;
}

void
fl_import_result_clear (FlImportResult *result)
{
  g_clear_pointer (&result->generated, g_ptr_array_unref);
  g_clear_pointer (&result->error_field, g_free);
  result->inserted = result->updated = result->error_line = 0;
}

/* ---- CSV (RFC 4180: quotes, doubled quotes, CRLF, newlines in quotes) ---- */

typedef struct {
  guint      line;    /* where the record starts, from 1 */
  GPtrArray *fields;  /* char* */
} CsvRecord;

static void
csv_record_free (CsvRecord *record)
{
  g_ptr_array_unref (record->fields);
  g_free (record);
}

static GPtrArray *
csv_parse (const char *text, gsize length, guint *error_line, GError **error)
{
  g_autoptr(GPtrArray) records = g_ptr_array_new_with_free_func ((GDestroyNotify) csv_record_free);
  const char *p = text, *end = text + length;
  guint line = 1;
  if (length >= 3 && memcmp (p, "\xef\xbb\xbf", 3) == 0)
    p += 3;  /* a byte order mark, as spreadsheets write */
  while (p < end)
    {
      CsvRecord *record = g_new0 (CsvRecord, 1);
      record->line = line;
      record->fields = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (records, record);
      gboolean end_of_record = FALSE;
      while (!end_of_record)
        {
          GString *field = g_string_new (NULL);
          if (p < end && *p == '"')
            {
              guint quote_line = line;
              p++;
              for (;;)
                {
                  if (p >= end)
                    {
                      *error_line = quote_line;
                      g_set_error (error, FL_IMPORT_ERROR, FL_IMPORT_ERROR_SYNTAX,
                                   _("line %u: a quoted field is never closed"), quote_line);
                      g_string_free (field, TRUE);
                      return NULL;
                    }
                  if (*p == '"' && p + 1 < end && p[1] == '"')
                    {
                      g_string_append_c (field, '"');
                      p += 2;
                    }
                  else if (*p == '"')
                    {
                      p++;
                      break;
                    }
                  else
                    {
                      if (*p == '\n')
                        line++;
                      g_string_append_c (field, *p++);
                    }
                }
            }
          while (p < end && *p != ',' && *p != '\n' && *p != '\r')
            g_string_append_c (field, *p++);
          g_ptr_array_add (record->fields, g_string_free (field, FALSE));
          if (p < end && *p == ',')
            p++;
          else
            {
              if (p < end && *p == '\r')
                p++;
              if (p < end && *p == '\n')
                p++;
              line++;
              end_of_record = TRUE;
            }
        }
      /* Blank lines are not records. */
      if (record->fields->len == 1 && *(char *) record->fields->pdata[0] == '\0')
        g_ptr_array_remove_index (records, records->len - 1);
    }
  return g_steal_pointer (&records);
}

/* ---- one line ---- */

typedef struct {
  FlStore          *store;
  const ImportSpec *spec;
  const FlTable    *table;
  const char       *actor;
  GPtrArray        *header;   /* char* as written */
  FlImportResult   *result;
} Import;

static gboolean
line_error (Import *import, guint line, const char *field, GError **error, int code,
            const char *format, ...) G_GNUC_PRINTF (6, 7);

static gboolean
line_error (Import *import, guint line, const char *field, GError **error, int code,
            const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *what = g_strdup_vprintf (format, args);
  va_end (args);
  import->result->error_line = line;
  g_free (import->result->error_field);
  import->result->error_field = g_strdup (field);
  if (field != NULL)
    /* Translators: line number, column name, what is wrong */
    g_set_error (error, FL_IMPORT_ERROR, code, _("line %u, field %s: %s"), line, field, what);
  else
    g_set_error (error, FL_IMPORT_ERROR, code, _("line %u: %s"), line, what);
  return FALSE;
}

static const RefColumn *
find_ref (const ImportSpec *spec, const char *header)
{
  for (guint i = 0; i < G_N_ELEMENTS (spec->refs) && spec->refs[i].header != NULL; i++)
    if (strcmp (spec->refs[i].header, header) == 0)
      return &spec->refs[i];
  return NULL;
}

static gboolean
check_header (Import *import, GError **error)
{
  gboolean users = import->spec == &specs[FL_IMPORT_USERS];
  for (guint i = 0; i < import->header->len; i++)
    {
      const char *name = import->header->pdata[i];
      gboolean known = users
        ? g_strv_contains ((const char *[]) { "login", "display_name", "role", "sites", "password", NULL }, name)
        : find_ref (import->spec, name) != NULL ||
          (fl_table_column (import->table, name) != NULL);
      if (!known)
        return line_error (import, 1, name, error, FL_IMPORT_ERROR_COLUMN,
                           _("%s has no column “%s”"), import->spec->name, name);
      for (guint j = 0; j < i; j++)
        if (strcmp (import->header->pdata[j], name) == 0)
          return line_error (import, 1, name, error, FL_IMPORT_ERROR_COLUMN,
                             _("the column appears twice"));
    }
  for (guint i = 0; i < import->header->len; i++)
    if (strcmp (import->header->pdata[i], import->spec->key) == 0)
      return TRUE;
  return line_error (import, 1, import->spec->key, error, FL_IMPORT_ERROR_COLUMN,
                     _("the header must name this column"));
}

/* The JSON value of a cell for `column`; an empty cell is null. */
static JsonNode *
cell_value (Import *import, guint line, const FlColumn *column, const char *cell, GError **error)
{
  if (*cell == '\0')
    return json_node_new (JSON_NODE_NULL);
  switch (column->type)
    {
    case FL_COL_INT:
      {
        gint64 v;
        if (!g_ascii_string_to_signed (cell, 10, G_MININT64, G_MAXINT64, &v, NULL))
          {
            line_error (import, line, column->name, error, FL_IMPORT_ERROR_INVALID,
                        _("“%s” is not a whole number"), cell);
            return NULL;
          }
        return json_node_init_int (json_node_alloc (), v);
      }
    case FL_COL_BOOL:
      {
        static const char * const yes[] = { "true", "yes", "y", "1", "是", NULL };
        static const char * const no[] = { "false", "no", "n", "0", "否", NULL };
        g_autofree char *lower = g_utf8_strdown (cell, -1);
        if (g_strv_contains (yes, lower))
          return json_node_init_boolean (json_node_alloc (), TRUE);
        if (g_strv_contains (no, lower))
          return json_node_init_boolean (json_node_alloc (), FALSE);
        line_error (import, line, column->name, error, FL_IMPORT_ERROR_INVALID,
                    _("“%s” is not yes or no"), cell);
        return NULL;
      }
    case FL_COL_JSON:
      {
        g_autoptr(GError) json_error = NULL;
        JsonNode *value = fl_json_guard_parse (cell, -1, NULL, &json_error);
        if (value == NULL)
          line_error (import, line, column->name, error, FL_IMPORT_ERROR_INVALID,
                      _("“%s” is not acceptable JSON: %s"), cell, json_error->message);
        return value;
      }
    default:
      return json_node_init_string (json_node_alloc (), cell);
    }
}

/* The id of the row of `ref` whose natural key is `value`. */
static gboolean
resolve_ref (Import *import, guint line, const RefColumn *ref, const char *value, JsonObject *fields,
             GError **error)
{
  if (*value == '\0')
    {
      json_object_set_null_member (fields, ref->column);
      return TRUE;
    }
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) target = fl_store_find_row (import->store, fl_schema_lookup (ref->table),
                                                    ref->key, value, &local_error);
  if (target == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return line_error (import, line, ref->header, error, FL_IMPORT_ERROR_INVALID,
                         _("there is no %s “%s”"), ref->table, value);
    }
  json_object_set_string_member (fields, ref->column, fl_record_get_string (target, "id"));
  return TRUE;
}

static gboolean
validate_line (Import *import, guint line, JsonObject *fields, FlRecordMode mode, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autofree char *bad_field = NULL;
  if (fl_record_validate (import->table, fields, mode, &bad_field, &local_error))
    return TRUE;
  /* Name the column as the file names it (`site`, not `site_id`). */
  const char *field = bad_field;
  for (guint i = 0; i < G_N_ELEMENTS (import->spec->refs) && import->spec->refs[i].header != NULL; i++)
    if (g_strcmp0 (import->spec->refs[i].column, bad_field) == 0)
      field = import->spec->refs[i].header;
  return line_error (import, line, field, error, FL_IMPORT_ERROR_INVALID, "%s", local_error->message);
}

typedef struct {
  const ImportSpec *spec;
  JsonObject       *fields;
  JsonObject       *found;
} KeyMatch;

static gboolean
match_keys (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  KeyMatch *match = user_data;
  if (match->found != NULL ||
      g_strcmp0 (fl_record_get_string (row, match->spec->key),
                 fl_record_get_string (match->fields, match->spec->key)) != 0)
    return TRUE;
  for (guint i = 0; match->spec->also_keys[i] != NULL; i++)
    if (g_strcmp0 (fl_record_get_string (row, match->spec->also_keys[i]),
                   fl_record_get_string (match->fields, match->spec->also_keys[i])) != 0)
      return TRUE;
  match->found = json_object_ref (row);
  return TRUE;
}

/* The row the line's natural key names, or NULL. */
static JsonObject *
find_existing (Import *import, JsonObject *fields, GError **error)
{
  const char *key = fl_record_get_string (fields, import->spec->key);
  if (key == NULL)
    return NULL;
  if (import->spec->also_keys[0] == NULL)
    return fl_store_find_row (import->store, import->table, import->spec->key, key, NULL);
  /* Composite keys are for small tables (policies): a scan finds them. */
  KeyMatch match = { import->spec, fields, NULL };
  if (!fl_store_foreach_row (import->store, import->table, NULL, match_keys, &match, error))
    g_clear_pointer (&match.found, json_object_unref);
  return match.found;
}

/* CI fields change only through changes: an imported CI, new or updated,
 * is recorded as a standard change, implemented by the import. */
static gboolean
record_ci_change (Import *import, JsonObject *ci, JsonObject *changes, GError **error)
{
  g_autofree char *at = fl_time_format (fl_time_now ());
  g_autoptr(JsonObject) change = fl_ci_change_record_new (ci, changes, _("Imported from a CSV file"),
                                                          import->actor, at);
  const FlTable *table = fl_schema_lookup ("change_record");
  FlAuditEntry entry = {
    .actor = import->actor, .action = "import", .table_name = table->name,
    .row_id = fl_record_get_string (change, "id"),
  };
  return fl_store_put_row (import->store, table, change, NULL, error) &&
         fl_store_audit (import->store, &entry, error);
}

static gboolean
import_row (Import *import, CsvRecord *record, GError **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  for (guint i = 0; i < import->header->len; i++)
    {
      const char *name = import->header->pdata[i];
      const RefColumn *ref = find_ref (import->spec, name);
      if (ref != NULL)
        {
          if (!resolve_ref (import, record->line, ref, record->fields->pdata[i], fields, error))
            return FALSE;
          continue;
        }
      JsonNode *value = cell_value (import, record->line, fl_table_column (import->table, name),
                                    record->fields->pdata[i], error);
      if (value == NULL)
        return FALSE;
      json_object_set_member (fields, name, value);
    }

  g_autoptr(GError) find_error = NULL;
  g_autoptr(JsonObject) existing = find_existing (import, fields, &find_error);
  if (find_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&find_error));
      return FALSE;
    }
  g_autoptr(JsonObject) before = NULL;
  if (existing != NULL)
    {
      json_object_remove_member (fields, import->spec->key);
      if (!validate_line (import, record->line, fields, FL_RECORD_UPDATE, error))
        return FALSE;
      g_autofree char *text = fl_record_to_string (existing);
      before = fl_record_parse (text, -1, NULL);
      g_autoptr(GList) members = json_object_get_members (fields);
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (existing, l->data, json_node_copy (json_object_get_member (fields, l->data)));
      json_object_remove_member (existing, "updated_at");
      g_clear_pointer (&fields, json_object_unref);
      fields = g_steal_pointer (&existing);
      import->result->updated++;
    }
  else
    {
      if (!validate_line (import, record->line, fields, FL_RECORD_INSERT, error))
        return FALSE;
      g_autofree char *id = fl_uuid7_new ();
      json_object_set_string_member (fields, "id", id);
      import->result->inserted++;
    }
  g_autoptr(JsonObject) detail = fl_store_row_diff (import->table, before, fields);
  FlAuditEntry entry = {
    .actor = import->actor, .action = "import", .table_name = import->table->name,
    .row_id = fl_record_get_string (fields, "id"), .detail = detail,
  };
  if (!fl_store_put_row (import->store, import->table, fields, NULL, error) ||
      !fl_store_audit (import->store, &entry, error))
    return FALSE;
  return strcmp (import->table->name, "ci") != 0 || json_object_get_size (detail) == 0 ||
         record_ci_change (import, fields, detail, error);
}

/* Users go through the accounts: their passwords are hashed there. */
static gboolean
import_user (Import *import, CsvRecord *record, GError **error)
{
  const char *login = NULL, *password = NULL;
  g_autoptr(JsonObject) fields = json_object_new ();
  for (guint i = 0; i < import->header->len; i++)
    {
      const char *name = import->header->pdata[i];
      const char *cell = record->fields->pdata[i];
      if (strcmp (name, "login") == 0)
        login = cell;
      else if (strcmp (name, "password") == 0)
        password = cell;
      else if (strcmp (name, "sites") == 0)
        {
          JsonArray *ids = json_array_new ();
          json_object_set_array_member (fields, "sites", ids);
          g_auto(GStrv) codes = g_strsplit_set (cell, ";, ", -1);
          for (guint c = 0; codes[c] != NULL; c++)
            {
              if (*codes[c] == '\0')
                continue;
              g_autoptr(JsonObject) site = fl_store_find_row (import->store, fl_schema_lookup ("site"),
                                                              "code", codes[c], NULL);
              if (site == NULL)
                return line_error (import, record->line, "sites", error, FL_IMPORT_ERROR_INVALID,
                                   _("there is no site “%s”"), codes[c]);
              json_array_add_string_element (ids, fl_record_get_string (site, "id"));
            }
        }
      else if (*cell != '\0')
        json_object_set_string_member (fields, name, cell);
    }

  g_autoptr(JsonObject) check = json_object_new ();
  json_object_set_string_member (check, "login", login);
  g_autoptr(GList) members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    json_object_set_member (check, l->data, json_node_copy (json_object_get_member (fields, l->data)));
  g_autoptr(JsonObject) existing = fl_accounts_find_user (import->store, login, NULL);
  if (!validate_line (import, record->line, existing != NULL ? fields : check,
                      existing != NULL ? FL_RECORD_UPDATE : FL_RECORD_INSERT, error))
    return FALSE;

  if (password != NULL && *password != '\0' && g_utf8_strlen (password, -1) < FL_ACCOUNTS_MIN_PASSWORD)
    return line_error (import, record->line, "password", error, FL_IMPORT_ERROR_INVALID,
                       _("a password needs at least %d characters"), FL_ACCOUNTS_MIN_PASSWORD);

  g_autoptr(GError) local_error = NULL;
  g_autofree char *generated = NULL;
  if (password == NULL || *password == '\0')
    password = existing != NULL ? NULL : (generated = fl_accounts_generate_password ());
  gboolean ok;
  if (existing != NULL)
    {
      ok = fl_accounts_update_user (import->store, login, fields, import->actor, &local_error) &&
           (password == NULL ||
            fl_accounts_set_password (import->store, login, password, import->actor, &local_error));
      import->result->updated += ok;
    }
  else
    {
      g_auto(GStrv) sites = fl_accounts_user_sites (fields);
      g_autoptr(JsonObject) user = fl_accounts_add_user (import->store, login,
                                                         fl_record_get_string (fields, "display_name"),
                                                         fl_record_get_string (fields, "role"),
                                                         (const char * const *) sites, password,
                                                         import->actor, &local_error);
      ok = user != NULL;
      import->result->inserted += ok;
    }
  if (!ok)
    return line_error (import, record->line, "login", error, FL_IMPORT_ERROR_INVALID,
                       "%s", local_error->message);
  if (generated != NULL)
    g_ptr_array_add (import->result->generated, g_strdup_printf ("%s %s", login, generated));
  return TRUE;
}

static gboolean
import_records (Import *import, GPtrArray *records, GError **error)
{
  for (guint i = 1; i < records->len; i++)
    {
      CsvRecord *record = records->pdata[i];
      if (record->fields->len != import->header->len)
        return line_error (import, record->line, NULL, error, FL_IMPORT_ERROR_SYNTAX,
                           _("%u fields where the header has %u"),
                           record->fields->len, import->header->len);
      gboolean ok = import->spec == &specs[FL_IMPORT_USERS]
        ? import_user (import, record, error)
        : import_row (import, record, error);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

gboolean
fl_import_csv (FlStore *store, FlImportKind kind, const char *text, gssize length,
               const char *actor, FlImportResult *result, GError **error)
{
  g_return_val_if_fail (kind < G_N_ELEMENTS (specs), FALSE);
  FlImportResult ignored = { 0 };
  if (result == NULL)
    result = &ignored;
  fl_import_result_clear (result);
  result->generated = g_ptr_array_new_with_free_func (g_free);
  Import import = { store, &specs[kind], fl_schema_lookup (specs[kind].table), actor, NULL, result };

  gsize n = length < 0 ? strlen (text) : (gsize) length;
  if (!g_utf8_validate_len (text, n, NULL))
    {
      g_set_error (error, FL_IMPORT_ERROR, FL_IMPORT_ERROR_SYNTAX,
                   _("The file is not UTF-8 text; save it as “CSV UTF-8”"));
      fl_import_result_clear (&ignored);
      return FALSE;
    }
  g_autoptr(GPtrArray) records = csv_parse (text, n, &result->error_line, error);
  gboolean ok = records != NULL;
  if (ok && records->len == 0)
    {
      g_set_error (error, FL_IMPORT_ERROR, FL_IMPORT_ERROR_COLUMN,
                   _("The file is empty: the first line must name the columns"));
      ok = FALSE;
    }
  if (ok)
    {
      import.header = ((CsvRecord *) records->pdata[0])->fields;
      for (guint i = 0; i < import.header->len; i++)
        g_strstrip (import.header->pdata[i]);
      ok = check_header (&import, error);
    }
  if (ok)
    ok = fl_store_begin (store, error);
  if (ok)
    {
      if (!import_records (&import, records, error))
        {
          fl_store_rollback (store);
          result->inserted = result->updated = 0;
          ok = FALSE;
        }
      else
        ok = fl_store_commit (store, error);
    }
  fl_import_result_clear (&ignored);
  return ok;
}

gboolean
fl_import_file (FlStore *store, FlImportKind kind, const char *path, const char *actor,
                FlImportResult *result, GError **error)
{
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autoptr(GError) local_error = NULL;
  if (!g_file_get_contents (path, &contents, &length, &local_error))
    {
      g_set_error (error, FL_IMPORT_ERROR, FL_IMPORT_ERROR_IO, "%s", local_error->message);
      return FALSE;
    }
  return fl_import_csv (store, kind, contents, length, actor, result, error);
}
