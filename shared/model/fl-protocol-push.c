/* The push: mutations as the client sends them (checked against the
 * schema, field by field), the push request and its per-mutation results. */

#include <inttypes.h>
#include "fl-protocol-private.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"
#include "fl-ids.h"
#include "fl-record.h"
#include "fl-schema.h"

/* ---- mutations ---- */

static const FlEnumName op_names[] = { { "insert" }, { "update" }, { "append" } };
static const FlEnumTable op_table = FL_ENUM_TABLE (op_names, NULL);

FL_DEFINE_ENUM_NAMES (fl_mutation_op, FlMutationOp, op_table)

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

/* Finds the column `name` of `table` for a value at `prefix`.`name`; the
 * common columns are the server's to set.  Paths are spelled out only for
 * the error that names one. */
static const FlColumn *
writable_column (const FlTable *table, const char *name, const char *prefix,
                 char **bad_field, GError **error)
{
  if (fl_schema_is_common_column (name))
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, path,
                        _("%s is kept by the server and cannot be set"), name);
      return NULL;
    }
  const FlColumn *column = fl_table_column (table, name);
  if (column == NULL)
    {
      g_autofree char *path = fl_protocol_member_path (prefix, name);
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, path, _("%s has no field “%s”"), table->name, name);
    }
  return column;
}

/* A value at `prefix`.`name`, or at `prefix`.`name`.`leaf` when `leaf` is set. */
static gboolean
check_value (const FlTable *table, const FlColumn *column, JsonNode *value, const char *prefix,
             const char *name, const char *leaf, char **bad_field, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (fl_record_validate_value (table, column, value, &local_error))
    return TRUE;
  g_autofree char *path = fl_protocol_member_path (prefix, name);
  g_autofree char *leaf_path = leaf != NULL ? fl_protocol_member_path (path, leaf) : NULL;
  return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, leaf_path != NULL ? leaf_path : path,
                           "%s", local_error->message);
}

static gboolean
check_fields (const FlTable *table, JsonObject *fields, const char *prefix,
              char **bad_field, GError **error)
{
  JsonObjectIter iter;
  const char *name;
  JsonNode *value;
  json_object_iter_init (&iter, fields);
  while (json_object_iter_next (&iter, &name, &value))
    {
      const FlColumn *column = writable_column (table, name, prefix, bad_field, error);
      if (column == NULL || !check_value (table, column, value, prefix, name, NULL, bad_field, error))
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
    return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, prefix, _("an update changes at least one field"));
  g_autoptr(GList) members = json_object_get_members (changes);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const FlColumn *column = writable_column (table, l->data, prefix, bad_field, error);
      if (column == NULL)
        return FALSE;
      g_autofree char *path = fl_protocol_member_path (prefix, l->data);
      JsonObject *pair = fl_protocol_require_object (json_object_get_member (changes, l->data), path, bad_field, error);
      if (pair == NULL || !fl_protocol_only_known_members (pair, path, pair_members, bad_field, error))
        return FALSE;
      for (guint i = 0; pair_members[i] != NULL; i++)
        {
          JsonNode *value = json_object_get_member (pair, pair_members[i]);
          if (value == NULL)
            {
              g_autofree char *value_path = fl_protocol_member_path (path, pair_members[i]);
              return fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, value_path,
                                       _("is required (null for no value)"));
            }
          if (!check_value (table, column, value, prefix, l->data, pair_members[i], bad_field, error))
            return FALSE;
        }
    }
  return TRUE;
}

FlMutation *
fl_mutation_from_json (JsonNode *node, const char *path, char **bad_field, GError **error)
{
  static const char * const known[] = { "mid", "table", "id", "op", "at", "fields", "changes", NULL };
  JsonObject *o = fl_protocol_require_object (node, path, bad_field, error);
  gint64 mid, at;
  const char *table_name, *id, *op_name;
  FlMutationOp op;
  if (o == NULL || !fl_protocol_only_known_members (o, path, known, bad_field, error) ||
                  !fl_protocol_member_int64 (o, path, "mid", 1, &mid, bad_field, error) ||
                  !fl_protocol_member_text (o, path, "table", TRUE, FL_PROTOCOL_MAX_ID, &table_name, bad_field, error) ||
                  !fl_protocol_member_text (o, path, "id", TRUE, FL_PROTOCOL_MAX_ID, &id, bad_field, error) ||
                  !fl_protocol_member_text (o, path, "op", TRUE, FL_PROTOCOL_MAX_ID, &op_name, bad_field, error) ||
                  !fl_protocol_member_time (o, path, "at", &at, bad_field, error))
    return NULL;

  /* Paths are spelled out for an error only. */
  const FlTable *table = fl_schema_lookup (table_name);
  if (table == NULL)
    {
      g_autofree char *table_path = fl_protocol_member_path (path, "table");
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_UNKNOWN, table_path, _("there is no table “%s”"), table_name);
      return NULL;
    }
  if (!fl_uuid_is_valid (id))
    {
      g_autofree char *id_path = fl_protocol_member_path (path, "id");
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, id_path, _("“%s” is not a row id"), id);
      return NULL;
    }
  g_autofree char *op_path = NULL;
  if (!fl_mutation_op_from_string (op_name, &op))
    {
      op_path = fl_protocol_member_path (path, "op");
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, op_path,
                        _("“%s” is not one of: insert, update, append"), op_name);
      return NULL;
    }
  if (table->kind == FL_TABLE_APPEND_ONLY && op != FL_MUTATION_APPEND)
    {
      op_path = fl_protocol_member_path (path, "op");
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, op_path,
                        _("%s is append-only: its entries are appended, never inserted or updated"), table->name);
      return NULL;
    }
  if (table->kind != FL_TABLE_APPEND_ONLY && op == FL_MUTATION_APPEND)
    {
      op_path = fl_protocol_member_path (path, "op");
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, op_path,
                        _("%s rows are inserted and updated, not appended"), table->name);
      return NULL;
    }

  const char *payload_name = op == FL_MUTATION_UPDATE ? "changes" : "fields";
  const char *other_name = op == FL_MUTATION_UPDATE ? "fields" : "changes";
  g_autofree char *payload_path = fl_protocol_member_path (path, payload_name);
  if (json_object_has_member (o, other_name))
    {
      g_autofree char *other_path = fl_protocol_member_path (path, other_name);
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, other_path,
                        _("an %s carries “%s”, not “%s”"), op_name, payload_name, other_name);
      return NULL;
    }
  JsonObject *payload = fl_protocol_require_object (json_object_get_member (o, payload_name), payload_path,
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
  fl_protocol_set_time (o, "at", m->at);
  if (m->op == FL_MUTATION_UPDATE)
    json_object_set_object_member (o, "changes", json_object_ref (m->changes));
  else
    json_object_set_object_member (o, "fields", json_object_ref (m->fields));
  return fl_protocol_object_node (o);
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
  JsonObject *o = fl_protocol_require_object (node, NULL, bad_field, error);
  const char *device_id;
  if (o == NULL || !fl_protocol_only_known_members (o, NULL, known, bad_field, error) ||
                  !fl_protocol_member_text (o, NULL, "device_id", TRUE, FL_PROTOCOL_MAX_ID, &device_id, bad_field, error))
    return NULL;
  JsonNode *list = json_object_get_member (o, "mutations");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_MALFORMED, "mutations", _("must be a JSON array"));
      return NULL;
    }
  JsonArray *array = json_node_get_array (list);
  guint n = json_array_get_length (array);
  if (n > max_mutations)
    {
      fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_TOO_LARGE, "mutations",
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
          fl_protocol_fail (bad_field, error, FL_PROTOCOL_ERROR_INVALID, "mutations",
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
  return fl_protocol_object_node (o);
}

static const FlEnumName status_names[] = { { "applied" }, { "merged" }, { "conflict" }, { "rejected" } };
static const FlEnumTable status_table = FL_ENUM_TABLE (status_names, NULL);

FL_DEFINE_ENUM_NAMES (fl_result_status, FlResultStatus, status_table)

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

/* `theirs_by` {login, display_name, at}: optional, servers before it
 * answer without. */
static gboolean
theirs_author_from_json (JsonObject *c, FlConflict *conflict, GError **error)
{
  static const char prefix[] = "results[].conflicts[].theirs_by";
  JsonNode *node = json_object_get_member (c, "theirs_by");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  JsonObject *by = fl_protocol_require_object (node, prefix, NULL, error);
  const char *login, *display_name;
  gint64 at;
  if (by == NULL ||
      !fl_protocol_member_string (by, prefix, "login", TRUE, &login, NULL, error) ||
      !fl_protocol_member_string (by, prefix, "display_name", FALSE, &display_name, NULL, error) ||
      !fl_protocol_member_time (by, prefix, "at", &at, NULL, error))
    return FALSE;
  fl_conflict_set_theirs_author (conflict, login, display_name, at);
  return TRUE;
}

FlMutationResult *
fl_mutation_result_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = fl_protocol_require_object (node, "results[]", NULL, error);
  gint64 mid;
  const char *status_name, *message;
  FlResultStatus status;
  if (o == NULL ||
      !fl_protocol_member_int64 (o, "results[]", "mid", 1, &mid, NULL, error) ||
      !fl_protocol_member_string (o, "results[]", "status", TRUE, &status_name, NULL, error) ||
      !fl_protocol_member_string (o, "results[]", "error", FALSE, &message, NULL, error))
    return NULL;
  if (!fl_result_status_from_string (status_name, &status))
    {
      fl_protocol_fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "results[].status",
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
          fl_protocol_fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "results[].conflicts", _("must be a JSON array"));
          return NULL;
        }
      JsonArray *array = json_node_get_array (list);
      for (guint i = 0; i < json_array_get_length (array); i++)
        {
          JsonObject *c = fl_protocol_require_object (json_array_get_element (array, i), "results[].conflicts[]", NULL, error);
          const char *field;
          if (c == NULL || !fl_protocol_member_string (c, "results[].conflicts[]", "field", TRUE, &field, NULL, error))
            return NULL;
          g_autoptr(FlConflict) conflict = fl_conflict_new (field, json_object_get_member (c, "base"),
                                                            json_object_get_member (c, "mine"),
                                                            json_object_get_member (c, "theirs"));
          if (!theirs_author_from_json (c, conflict, error))
            return NULL;
          g_ptr_array_add (result->conflicts, g_steal_pointer (&conflict));
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
      if (c->theirs_by != NULL)
        {
          JsonObject *by = json_object_new ();
          json_object_set_string_member (by, "login", c->theirs_by);
          fl_protocol_set_optional_string (by, "display_name", c->theirs_by_name);
          fl_protocol_set_time (by, "at", c->theirs_at);
          json_object_set_object_member (co, "theirs_by", by);
        }
      json_array_add_object_element (conflicts, co);
    }
  json_object_set_array_member (o, "conflicts", conflicts);
  fl_protocol_set_optional_string (o, "error", result->error);
  return fl_protocol_object_node (o);
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
  JsonObject *o = fl_protocol_require_object (node, NULL, NULL, error);
  gint64 seq;
  if (o == NULL || !fl_protocol_member_int64 (o, NULL, "seq", 0, &seq, NULL, error))
    return NULL;
  JsonNode *list = json_object_get_member (o, "results");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      fl_protocol_fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "results", _("must be a JSON array"));
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
  return fl_protocol_object_node (o);
}
