#include "fl-ci-change-record.h"

#include <glib/gi18n-lib.h>

#include "fl-ids.h"
#include "fl-record.h"
#include "fl-schema.h"

/* A CI's code is required and never changes: only a new CI's changes
 * set it. */
static gboolean
adds_ci (JsonObject *changes)
{
  JsonNode *pair = json_object_get_member (changes, "code");
  JsonNode *from = pair != NULL && JSON_NODE_HOLDS_OBJECT (pair)
    ? json_object_get_member (json_node_get_object (pair), "from") : NULL;
  return from != NULL && JSON_NODE_HOLDS_NULL (from);
}

JsonObject *
fl_ci_change_record_new (JsonObject *ci, JsonObject *changes, const char *reason, const char *by,
                         const char *at)
{
  g_return_val_if_fail (ci != NULL && changes != NULL && by != NULL && at != NULL, NULL);
  char id[37];
  fl_uuid7_generate (id);
  /* Made on the server, not on a device: the reference takes the id's
   * random tail in place of a device code and sequence. */
  g_autofree char *ref = g_strdup_printf ("CHG-ADM-%s", id + 24);
  g_autoptr(GString) names = g_string_new (NULL);
  g_autoptr(GList) fields = json_object_get_members (changes);
  for (GList *l = fields; l != NULL; l = l->next)
    g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", (const char *) l->data);
  const char *code = fl_record_get_string (ci, "code");
  g_autofree char *title = adds_ci (changes)
    ? g_strdup_printf (_("Record %s in the configuration database"), code)
    : g_strdup_printf (_("Correct %s: %s"), code, names->str);

  JsonObject *change = json_object_new ();
  json_object_set_string_member (change, "id", id);
  json_object_set_string_member (change, "created_at", at);
  const FlTable *table = fl_schema_lookup ("change_record");
  for (guint i = 0; i < table->n_columns; i++)
    json_object_set_null_member (change, table->columns[i].name);
  json_object_set_string_member (change, "ref", ref);
  json_object_set_string_member (change, "kind", "standard");
  json_object_set_string_member (change, "title", title);
  json_object_set_string_member (change, "reason", reason);
  json_object_set_string_member (change, "site_id", fl_record_get_string (ci, "site_id"));
  json_object_set_string_member (change, "ci_id", fl_record_get_string (ci, "id"));
  json_object_set_object_member (change, "changes", json_object_ref (changes));
  json_object_set_string_member (change, "status", "implemented");
  json_object_set_string_member (change, "by", by);
  json_object_set_string_member (change, "at", at);
  return change;
}

JsonObject *
fl_ci_change_record_fields_of_new (JsonObject *ci)
{
  const FlTable *table = fl_schema_lookup ("ci");
  JsonObject *changes = json_object_new ();
  for (guint i = 0; i < table->n_columns; i++)
    {
      JsonNode *value = json_object_get_member (ci, table->columns[i].name);
      if (value == NULL || JSON_NODE_HOLDS_NULL (value))
        continue;
      JsonObject *pair = json_object_new ();
      json_object_set_null_member (pair, "from");
      json_object_set_member (pair, "to", json_node_copy (value));
      json_object_set_object_member (changes, table->columns[i].name, pair);
    }
  return changes;
}
