#include <fieldline.h>
#include <fl-merge.h>

static JsonObject *
object_from (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  return o;
}

static char *
node_text (JsonNode *node)
{
  return json_to_string (node, FALSE);
}

/* `from` equal to the current value: applied; the row takes the new value. */
static void
test_clean_change_applies (void)
{
  g_autoptr(JsonObject) current = object_from ("{\"title\": \"Disk full\", \"impact\": 3}");
  g_autoptr(JsonObject) changes = object_from ("{\"impact\": {\"from\": 3, \"to\": 1}}");
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();

  g_assert_cmpint (fl_merge_changes (current, changes, apply, conflicts), ==, FL_MERGE_APPLIED);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpint (json_object_get_int_member (apply, "impact"), ==, 1);
  g_assert_cmpint (json_object_get_int_member (current, "impact"), ==, 3);  /* untouched */
  fl_merge_apply (current, apply);
  g_assert_cmpint (json_object_get_int_member (current, "impact"), ==, 1);
}

/* A 64-bit number is stored as its digits; a device that sends `from` (or
 * `to`) as a JSON integer names the same value and must not conflict. */
static void
test_int64_compares_canonically (void)
{
  g_autoptr(JsonObject) current = object_from ("{\"on_hold_seconds\": \"5000000000\", \"size_bytes\": \"7\"}");
  g_autoptr(JsonObject) changes = object_from (
      "{\"on_hold_seconds\": {\"from\": 5000000000, \"to\": \"5000003600\"},"
      " \"size_bytes\": {\"from\": \"1\", \"to\": 7}}");
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();

  g_assert_cmpint (fl_merge_changes (current, changes, apply, conflicts), ==, FL_MERGE_MERGED);
  g_assert_cmpuint (conflicts->len, ==, 0);
  g_assert_cmpstr (json_object_get_string_member (apply, "on_hold_seconds"), ==, "5000003600");
  g_assert_false (json_object_has_member (apply, "size_bytes"));

  /* Digits that name another number still conflict. */
  g_autoptr(JsonObject) other = object_from ("{\"on_hold_seconds\": {\"from\": 4999999999, \"to\": \"1\"}}");
  g_autoptr(JsonObject) none = json_object_new ();
  g_assert_cmpint (fl_merge_changes (current, other, none, conflicts), ==, FL_MERGE_CONFLICT);
}

/* The server already holds `to`: nothing to write, the result is merged. */
static void
test_value_in_place_is_merged (void)
{
  g_autoptr(JsonObject) current = object_from ("{\"status\": \"in_progress\", \"assignee\": \"li\"}");
  g_autoptr(JsonObject) changes = object_from (
      "{\"status\": {\"from\": \"assigned\", \"to\": \"in_progress\"},"
      " \"assignee\": {\"from\": \"li\", \"to\": \"wang\"}}");
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();

  g_assert_cmpint (fl_merge_changes (current, changes, apply, conflicts), ==, FL_MERGE_MERGED);
  g_assert_cmpuint (json_object_get_size (apply), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (apply, "assignee"), ==, "wang");
  g_assert_false (json_object_has_member (apply, "status"));
}

/* Someone else changed the field: the server value stays, the conflict keeps
 * base/mine/theirs, and the other fields of the update still apply. */
static void
test_concurrent_change_conflicts (void)
{
  g_autoptr(JsonObject) current = object_from (
      "{\"title\": \"Core switch down\", \"description\": \"fan\", \"urgency\": 2}");
  g_autoptr(JsonObject) changes = object_from (
      "{\"title\": {\"from\": \"Switch down\", \"to\": \"Access switch down\"},"
      " \"urgency\": {\"from\": 2, \"to\": 1}}");
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();

  g_assert_cmpint (fl_merge_changes (current, changes, apply, conflicts), ==, FL_MERGE_CONFLICT);
  g_assert_cmpuint (conflicts->len, ==, 1);
  FlConflict *c = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (c->field, ==, "title");
  g_assert_cmpstr (json_node_get_string (c->base), ==, "Switch down");
  g_assert_cmpstr (json_node_get_string (c->mine), ==, "Access switch down");
  g_assert_cmpstr (json_node_get_string (c->theirs), ==, "Core switch down");
  g_assert_cmpint (json_object_get_int_member (apply, "urgency"), ==, 1);
  g_assert_false (json_object_has_member (apply, "title"));
}

/* Null and absent are the same value: clearing a field nobody set applies,
 * setting a field someone else set conflicts. */
static void
test_null_values (void)
{
  g_autoptr(JsonObject) current = object_from ("{\"cause\": null, \"resolution\": \"replaced PSU\"}");
  g_autoptr(JsonObject) changes = object_from (
      "{\"cause\": {\"from\": null, \"to\": \"PSU\"},"
      " \"contact\": {\"from\": null, \"to\": \"Zhang\"},"
      " \"resolution\": {\"from\": null, \"to\": \"rebooted\"}}");
  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();

  g_assert_cmpint (fl_merge_changes (current, changes, apply, conflicts), ==, FL_MERGE_CONFLICT);
  g_assert_cmpstr (json_object_get_string_member (apply, "cause"), ==, "PSU");
  g_assert_cmpstr (json_object_get_string_member (apply, "contact"), ==, "Zhang");
  g_assert_cmpuint (conflicts->len, ==, 1);
  FlConflict *c = g_ptr_array_index (conflicts, 0);
  g_assert_cmpstr (c->field, ==, "resolution");
  g_assert_true (JSON_NODE_HOLDS_NULL (c->base));
}

/* JSON values (objects) compare by content, not by identity. */
static void
test_json_values_compare_by_content (void)
{
  g_autoptr(JsonObject) current = object_from ("{\"items\": [{\"key\": \"temp\", \"max\": 25}]}");
  g_autoptr(JsonObject) changes = object_from (
      "{\"items\": {\"from\": [{\"key\": \"temp\", \"max\": 25}], \"to\": [{\"key\": \"temp\", \"max\": 22}]}}");
  g_autoptr(JsonObject) apply = json_object_new ();
  g_assert_cmpint (fl_merge_changes (current, changes, apply, NULL), ==, FL_MERGE_APPLIED);
  g_autofree char *text = node_text (json_object_get_member (apply, "items"));
  g_assert_cmpstr (text, ==, "[{\"key\":\"temp\",\"max\":22}]");
}

/* Rebase: pending local values stay visible on top of the pulled row; a
 * change the server already holds becomes a no-op; a field the server
 * changed meanwhile is predicted as a conflict with the user's own base. */
static void
test_rebase_pending_changes (void)
{
  g_autoptr(JsonObject) pulled = object_from (
      "{\"id\": \"x\", \"version\": \"4\", \"title\": \"Printer jam\", \"status\": \"in_progress\","
      " \"urgency\": 2, \"contact\": \"Wu\", \"impact\": 4}");
  g_autoptr(GPtrArray) pending = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  /* 1: title edit on an unchanged base; status already moved by someone else */
  g_ptr_array_add (pending, object_from (
      "{\"title\": {\"from\": \"Printer jam\", \"to\": \"Printer jam, tray 2\"},"
      " \"status\": {\"from\": \"assigned\", \"to\": \"in_progress\"}}"));
  /* 2: urgency changed on the server since the device saw 3 */
  g_ptr_array_add (pending, object_from ("{\"urgency\": {\"from\": 3, \"to\": 1}}"));
  /* 3: a second edit of the title, behind the first */
  g_ptr_array_add (pending, object_from (
      "{\"title\": {\"from\": \"Printer jam, tray 2\", \"to\": \"Printer jam, tray 2 (HP M404)\"}}"));

  g_autoptr(FlRebase) rebase = fl_merge_rebase (pulled, pending);

  g_assert_cmpstr (json_object_get_string_member (rebase->row, "title"), ==, "Printer jam, tray 2 (HP M404)");
  g_assert_cmpstr (json_object_get_string_member (rebase->row, "status"), ==, "in_progress");
  g_assert_cmpint (json_object_get_int_member (rebase->row, "urgency"), ==, 1);
  g_assert_cmpstr (json_object_get_string_member (rebase->row, "contact"), ==, "Wu");
  g_assert_cmpstr (json_object_get_string_member (rebase->row, "version"), ==, "4");
  /* the pulled row itself is not changed */
  g_assert_cmpint (json_object_get_int_member (pulled, "urgency"), ==, 2);

  g_assert_cmpuint (rebase->changes->len, ==, 3);
  JsonObject *first = g_ptr_array_index (rebase->changes, 0);
  JsonObject *status = json_object_get_object_member (first, "status");
  g_assert_cmpstr (json_object_get_string_member (status, "from"), ==, "in_progress");
  g_assert_cmpstr (json_object_get_string_member (status, "to"), ==, "in_progress");
  JsonObject *title = json_object_get_object_member (first, "title");
  g_assert_cmpstr (json_object_get_string_member (title, "from"), ==, "Printer jam");
  JsonObject *second = g_ptr_array_index (rebase->changes, 1);
  g_assert_cmpint (json_object_get_int_member (json_object_get_object_member (second, "urgency"), "from"), ==, 3);
  JsonObject *third = g_ptr_array_index (rebase->changes, 2);
  g_assert_cmpstr (json_object_get_string_member (json_object_get_object_member (third, "title"), "from"),
                   ==, "Printer jam, tray 2");

  g_assert_cmpuint (rebase->conflicts->len, ==, 1);
  FlConflict *c = g_ptr_array_index (rebase->conflicts, 0);
  g_assert_cmpstr (c->field, ==, "urgency");
  g_assert_cmpint (json_node_get_int (c->base), ==, 3);
  g_assert_cmpint (json_node_get_int (c->mine), ==, 1);
  g_assert_cmpint (json_node_get_int (c->theirs), ==, 2);

  /* What rebase predicts is what the server's merge then decides. */
  g_autoptr(JsonObject) server = object_from (
      "{\"title\": \"Printer jam\", \"status\": \"in_progress\", \"urgency\": 2}");
  FlMergeOutcome expected[] = { FL_MERGE_MERGED, FL_MERGE_CONFLICT, FL_MERGE_APPLIED };
  for (guint i = 0; i < rebase->changes->len; i++)
    {
      g_autoptr(JsonObject) apply = json_object_new ();
      g_assert_cmpint (fl_merge_changes (server, g_ptr_array_index (rebase->changes, i), apply, NULL),
                       ==, expected[i]);
      fl_merge_apply (server, apply);
    }
  g_assert_cmpstr (json_object_get_string_member (server, "title"), ==, "Printer jam, tray 2 (HP M404)");
  g_assert_cmpint (json_object_get_int_member (server, "urgency"), ==, 2);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/merge/clean-change-applies", test_clean_change_applies);
  g_test_add_func ("/merge/value-in-place-is-merged", test_value_in_place_is_merged);
  g_test_add_func ("/merge/concurrent-change-conflicts", test_concurrent_change_conflicts);
  g_test_add_func ("/merge/null-values", test_null_values);
  g_test_add_func ("/merge/int64-compares-canonically", test_int64_compares_canonically);
  g_test_add_func ("/merge/json-values-compare-by-content", test_json_values_compare_by_content);
  g_test_add_func ("/merge/rebase-pending-changes", test_rebase_pending_changes);
  return g_test_run ();
}
