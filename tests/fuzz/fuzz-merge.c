/* The field-level three-way merge (fl-merge.c).  The input is a JSON object
 * {"row": {...}, "changes": {field: {from, to}}, "pending": [changes, ...]}.
 *
 * What callers rely on: the current row is not modified; every field the
 * merge writes was asked for, with its `to`; a merge repeated on its own
 * result writes nothing (a push sent twice changes nothing more); and the
 * client's rebase predicts exactly the conflicts the server will find when
 * it merges the rebased changes one after the other. */
#include "fl-fuzz.h"
#include "fl-merge.h"
#include "fl-record.h"

static JsonObject *
object_member (JsonObject *object, const char *name)
{
  JsonNode *node = json_object_get_member (object, name);
  return node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
}

static JsonObject *
copy_object (JsonObject *object)
{
  JsonObject *copy = json_object_new ();
  fl_merge_apply (copy, object);
  return copy;
}

static void
check_merge (JsonObject *row, JsonObject *changes)
{
  g_autofree char *before = fl_fuzz_object_text (row);
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();
  FlMergeOutcome outcome = fl_merge_changes (row, changes, apply, conflicts);
  g_autofree char *after = fl_fuzz_object_text (row);
  g_assert_cmpstr (after, ==, before);
  g_assert_true ((outcome == FL_MERGE_CONFLICT) == (conflicts->len > 0));

  g_autoptr(GList) applied = json_object_get_members (apply);
  for (GList *l = applied; l != NULL; l = l->next)
    {
      JsonNode *change = json_object_get_member (changes, l->data);
      g_assert_nonnull (change);
      JsonNode *to = JSON_NODE_HOLDS_OBJECT (change)
                       ? json_object_get_member (json_node_get_object (change), "to") : NULL;
      g_assert_true (fl_json_node_equal (json_object_get_member (apply, l->data), to));
    }
  for (guint i = 0; i < conflicts->len; i++)
    {
      FlConflict *conflict = g_ptr_array_index (conflicts, i);
      g_assert_true (json_object_has_member (changes, conflict->field));
      g_assert_false (json_object_has_member (apply, conflict->field));
    }

  g_autoptr(JsonObject) merged = copy_object (row);
  fl_merge_apply (merged, apply);
  g_autoptr(JsonObject) apply_again = json_object_new ();
  g_autoptr(GPtrArray) conflicts_again = fl_conflict_array_new ();
  fl_merge_changes (merged, changes, apply_again, conflicts_again);
  g_assert_cmpuint (json_object_get_size (apply_again), ==, 0);
  g_assert_cmpuint (conflicts_again->len, ==, conflicts->len);
}

static void
check_rebase (JsonObject *row, GPtrArray *pending)
{
  g_autoptr(FlRebase) rebase = fl_merge_rebase (row, pending);
  g_assert_cmpuint (rebase->changes->len, ==, pending->len);

  g_autoptr(JsonObject) server = copy_object (row);
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();
  for (guint i = 0; i < rebase->changes->len; i++)
    {
      g_autoptr(JsonObject) apply = json_object_new ();
      fl_merge_changes (server, g_ptr_array_index (rebase->changes, i), apply, conflicts);
      fl_merge_apply (server, apply);
    }
  g_assert_cmpuint (conflicts->len, ==, rebase->conflicts->len);
  for (guint i = 0; i < conflicts->len; i++)
    {
      FlConflict *found = g_ptr_array_index (conflicts, i);
      FlConflict *predicted = g_ptr_array_index (rebase->conflicts, i);
      g_assert_cmpstr (found->field, ==, predicted->field);
      g_assert_true (fl_json_node_equal (found->theirs, predicted->theirs));
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autoptr(JsonNode) node = fl_protocol_parse ((const char *) data, size, NULL);
  if (node == NULL || !JSON_NODE_HOLDS_OBJECT (node))
    return 0;
  JsonObject *input = json_node_get_object (node);
  JsonObject *row = object_member (input, "row");
  JsonObject *changes = object_member (input, "changes");
  JsonNode *pending_node = json_object_get_member (input, "pending");
  if (row == NULL)
    return 0;
  if (changes != NULL)
    check_merge (row, changes);

  if (pending_node == NULL || !JSON_NODE_HOLDS_ARRAY (pending_node))
    return 0;
  JsonArray *list = json_node_get_array (pending_node);
  g_autoptr(GPtrArray) pending = g_ptr_array_new ();
  for (guint i = 0; i < json_array_get_length (list); i++)
    {
      JsonNode *element = json_array_get_element (list, i);
      if (!JSON_NODE_HOLDS_OBJECT (element))
        return 0;
      g_ptr_array_add (pending, json_node_get_object (element));
    }
  check_rebase (row, pending);
  return 0;
}
