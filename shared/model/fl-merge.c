#include <inttypes.h>
#include "fl-merge.h"

#include "fl-record.h"

static JsonNode *
copy_or_null (JsonNode *node)
{
  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

FlConflict *
fl_conflict_new (const char *field, JsonNode *base, JsonNode *mine, JsonNode *theirs)
{
  FlConflict *conflict = g_new0 (FlConflict, 1);
  conflict->field = g_strdup (field);
  conflict->base = copy_or_null (base);
  conflict->mine = copy_or_null (mine);
  conflict->theirs = copy_or_null (theirs);
  return conflict;
}

void
fl_conflict_free (FlConflict *conflict)
{
  if (conflict == NULL)
    return;
  g_free (conflict->field);
  json_node_unref (conflict->base);
  json_node_unref (conflict->mine);
  json_node_unref (conflict->theirs);
  g_free (conflict->theirs_by);
  g_free (conflict->theirs_by_name);
  g_free (conflict);
}

void
fl_conflict_set_theirs_author (FlConflict *conflict, const char *login, const char *display_name, gint64 at)
{
  g_free (conflict->theirs_by);
  g_free (conflict->theirs_by_name);
  conflict->theirs_by = g_strdup (login);
  conflict->theirs_by_name = g_strdup (display_name);
  conflict->theirs_at = at;
}

GPtrArray *
fl_conflict_array_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) fl_conflict_free);
}

/* A change is {from, to}; a member that is missing counts as null. */
static JsonNode *
change_member (JsonNode *change, const char *name)
{
  if (change == NULL || !JSON_NODE_HOLDS_OBJECT (change))
    return NULL;
  return json_object_get_member (json_node_get_object (change), name);
}

typedef enum {
  FIELD_APPLY,
  FIELD_IN_PLACE,
  FIELD_CONFLICT,
} FieldOutcome;

static gboolean
holds_type (JsonNode *node, GType type)
{
  return node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == type;
}

/* Equal as the schema means them: a 64-bit number is stored and pulled as
 * its string of digits, but a device may send it as a JSON integer, which
 * names the same value. */
static gboolean
same_value (JsonNode *a, JsonNode *b)
{
  if (holds_type (a, G_TYPE_STRING) && holds_type (b, G_TYPE_INT64))
    return same_value (b, a);
  if (holds_type (a, G_TYPE_INT64) && holds_type (b, G_TYPE_STRING))
    {
      char digits[24];
      g_snprintf (digits, sizeof digits, "%" PRId64, json_node_get_int (a));
      return g_strcmp0 (digits, json_node_get_string (b)) == 0;
    }
  return fl_json_node_equal (a, b);
}

/* The rule itself, for one field. */
static FieldOutcome
merge_field (JsonNode *current, JsonNode *from, JsonNode *to)
{
  if (same_value (current, to))
    return FIELD_IN_PLACE;
  if (same_value (current, from))
    return FIELD_APPLY;
  return FIELD_CONFLICT;
}

FlMergeOutcome
fl_merge_changes (JsonObject *current, JsonObject *changes, JsonObject *apply, GPtrArray *conflicts)
{
  g_return_val_if_fail (current != NULL && changes != NULL && apply != NULL, FL_MERGE_CONFLICT);

  gboolean in_place = FALSE, conflicted = FALSE;
  g_autoptr(GList) fields = json_object_get_members (changes);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      const char *field = l->data;
      JsonNode *change = json_object_get_member (changes, field);
      JsonNode *from = change_member (change, "from");
      JsonNode *to = change_member (change, "to");
      JsonNode *now = json_object_get_member (current, field);
      switch (merge_field (now, from, to))
        {
        case FIELD_APPLY:
          json_object_set_member (apply, field, copy_or_null (to));
          break;
        case FIELD_IN_PLACE:
          in_place = TRUE;
          break;
        case FIELD_CONFLICT:
          conflicted = TRUE;
          if (conflicts != NULL)
            g_ptr_array_add (conflicts, fl_conflict_new (field, from, to, now));
          break;
        }
    }
  if (conflicted)
    return FL_MERGE_CONFLICT;
  return in_place ? FL_MERGE_MERGED : FL_MERGE_APPLIED;
}

void
fl_merge_apply (JsonObject *row, JsonObject *apply)
{
  g_autoptr(GList) fields = json_object_get_members (apply);
  for (GList *l = fields; l != NULL; l = l->next)
    json_object_set_member (row, l->data, json_node_copy (json_object_get_member (apply, l->data)));
}

FlRebase *
fl_merge_rebase (JsonObject *pulled_row, GPtrArray *pending)
{
  g_return_val_if_fail (pulled_row != NULL && pending != NULL, NULL);

  FlRebase *rebase = g_new0 (FlRebase, 1);
  rebase->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  rebase->conflicts = fl_conflict_array_new ();

  /* `server` follows what the server will hold after each pending change,
   * exactly as fl_merge_changes() will decide it; `shown` follows what the
   * user typed. */
  g_autoptr(JsonObject) server = json_object_new ();
  fl_merge_apply (server, pulled_row);
  rebase->row = json_object_new ();
  fl_merge_apply (rebase->row, pulled_row);

  for (guint i = 0; i < pending->len; i++)
    {
      JsonObject *changes = g_ptr_array_index (pending, i);
      JsonObject *adjusted = json_object_new ();
      g_autoptr(GList) fields = json_object_get_members (changes);
      for (GList *l = fields; l != NULL; l = l->next)
        {
          const char *field = l->data;
          JsonNode *change = json_object_get_member (changes, field);
          JsonNode *from = change_member (change, "from");
          JsonNode *to = change_member (change, "to");
          JsonNode *now = json_object_get_member (server, field);
          JsonObject *pair = json_object_new ();
          switch (merge_field (now, from, to))
            {
            case FIELD_APPLY:
              json_object_set_member (pair, "from", copy_or_null (from));
              json_object_set_member (server, field, copy_or_null (to));
              break;
            case FIELD_IN_PLACE:
              json_object_set_member (pair, "from", copy_or_null (now));
              break;
            case FIELD_CONFLICT:
              json_object_set_member (pair, "from", copy_or_null (from));
              g_ptr_array_add (rebase->conflicts, fl_conflict_new (field, from, to, now));
              break;
            }
          json_object_set_member (pair, "to", copy_or_null (to));
          json_object_set_object_member (adjusted, field, pair);
          json_object_set_member (rebase->row, field, copy_or_null (to));
        }
      g_ptr_array_add (rebase->changes, adjusted);
    }
  return rebase;
}

void
fl_rebase_free (FlRebase *rebase)
{
  if (rebase == NULL)
    return;
  g_clear_pointer (&rebase->row, json_object_unref);
  g_clear_pointer (&rebase->changes, g_ptr_array_unref);
  g_clear_pointer (&rebase->conflicts, g_ptr_array_unref);
  g_free (rebase);
}
