/* The server's rules for problems and changes: who opens and moves a
 * problem, who approves each kind of change (every member of the board for
 * a major one, with its rollback plan and test report), what implementing
 * a change does to its CI, and that an admin's edit of a CI, or a CI an
 * admin adds, is recorded as a change. */
#include "fl-api-test-util.h"

typedef GPtrArray Mutations;
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Mutations, g_ptr_array_unref)

typedef struct {
  FlApiFixture f;
  FlApiDevice eng, other_eng, super, super2, super3, clerk, admin;
  char *ci;
} Fixture;

static FlMutationResult *
push_one (Fixture *x, FlApiDevice *device, FlPushResponse **keep, const char *table, const char *id,
          FlMutationOp op, const char *fields)
{
  g_autoptr(Mutations) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (mutations, fl_api_mutation (device, table, id, op, fields));
  g_clear_pointer (keep, fl_push_response_free);
  *keep = fl_api_push_ok (&x->f, device, mutations);
  FlMutationResult *result = fl_api_result (*keep, 0);
  if (result->error != NULL)
    g_test_message ("%s: %s", table, result->error);
  return result;
}

static FlResultStatus
approve_as (Fixture *x, FlApiDevice *device, const char *id, gint64 version, const char *decision)
{
  g_autofree char *approval_id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *fields = g_strdup_printf (
      "{\"target_table\": \"change_record\", \"target_id\": \"%s\", \"target_version\": \"%" G_GINT64_FORMAT "\","
      " \"decision\": \"%s\", \"by\": \"%s\", \"at\": \"%s\"}", id, version, decision, device->login, now);
  g_autoptr(FlPushResponse) keep = NULL;
  return push_one (x, device, &keep, "approval", approval_id, FL_MUTATION_APPEND, fields)->status;
}

static FlResultStatus
update_as (Fixture *x, FlApiDevice *device, const char *table, const char *id, const char *changes)
{
  g_autoptr(FlPushResponse) keep = NULL;
  return push_one (x, device, &keep, table, id, FL_MUTATION_UPDATE, changes)->status;
}

/* Attaches a file to change `id` as `device` and names it the change's
 * `document` ("rollback_plan", "test_report"), as a client does: the
 * attachment, then the change's update, in one push.  Returns the
 * update's result. */
static FlResultStatus
attach_document (Fixture *x, FlApiDevice *device, const char *id, const char *document)
{
  g_autofree char *attachment_id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *attachment = g_strdup_printf (
      "{\"owner_table\": \"change_record\", \"owner_id\": \"%s\", \"sha256\": \"%064d\","
      " \"mime\": \"application/pdf\", \"size\": \"1200\", \"filename\": \"%s.pdf\", \"by\": \"%s\","
      " \"at\": \"%s\"}", id, 7, document, device->login, now);
  g_autoptr(JsonObject) change = fl_api_load (&x->f, "change_record", id);
  g_autofree char *column = g_strconcat (document, "_attachment", NULL);
  const char *before = fl_record_get_string (change, column);
  g_autofree char *update = g_strdup_printf ("{\"%s\": {\"from\": %s%s%s, \"to\": \"%s\"}}", column,
                                             before != NULL ? "\"" : "", before != NULL ? before : "null",
                                             before != NULL ? "\"" : "", attachment_id);
  g_autoptr(Mutations) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (mutations, fl_api_mutation (device, "attachment", attachment_id, FL_MUTATION_APPEND, attachment));
  g_ptr_array_add (mutations, fl_api_mutation (device, "change_record", id, FL_MUTATION_UPDATE, update));
  g_autoptr(FlPushResponse) response = fl_api_push_ok (&x->f, device, mutations);
  g_assert_cmpint (fl_api_result (response, 0)->status, ==, FL_RESULT_APPLIED);
  if (fl_api_result (response, 1)->error != NULL)
    g_test_message ("%s", fl_api_result (response, 1)->error);
  return fl_api_result (response, 1)->status;
}

static gint64
version (Fixture *x, const char *table, const char *id)
{
  g_autoptr(JsonObject) row = fl_api_load (&x->f, table, id);
  return fl_record_get_int (row, "version", 0);
}

static char *
status (Fixture *x, const char *table, const char *id)
{
  g_autoptr(JsonObject) row = fl_api_load (&x->f, table, id);
  return g_strdup (fl_record_get_string (row, "status"));
}

static void
fixture_set_up (Fixture *x, gconstpointer data)
{
  fl_api_setup (&x->f, NULL);
  fl_test_add_user (x->f.t.store, "super2", "supervisor", NULL);
  fl_test_add_user (x->f.t.store, "super3", "supervisor", NULL);
  fl_test_add_user (x->f.t.store, "admin", "admin", NULL);
  fl_api_login (&x->f, "eng_a", &x->eng);
  fl_api_login (&x->f, "eng_a2", &x->other_eng);
  fl_api_login (&x->f, "super", &x->super);
  fl_api_login (&x->f, "super2", &x->super2);
  fl_api_login (&x->f, "super3", &x->super3);
  fl_api_login (&x->f, "clerk", &x->clerk);
  fl_api_login (&x->f, "admin", &x->admin);
  g_autofree char *json = g_strdup_printf ("{\"code\": \"UPS-01\", \"name\": \"UPS room 3\", \"type\": \"ups\","
                                           " \"site_id\": \"%s\", \"status\": \"in_use\", \"location\": \"Room 3\"}",
                                           x->f.site_a);
  g_autoptr(JsonObject) ci = fl_record_parse (json, -1, NULL);
  x->ci = fl_test_put (x->f.t.store, "ci", ci);
}

static void
fixture_tear_down (Fixture *x, gconstpointer data)
{
  FlApiDevice *devices[] = { &x->eng, &x->other_eng, &x->super, &x->super2, &x->super3, &x->clerk, &x->admin };
  for (guint i = 0; i < G_N_ELEMENTS (devices); i++)
    fl_api_device_clear (devices[i]);
  g_free (x->ci);
  fl_api_teardown (&x->f);
}

/* A major change: refused without its rollback plan and test report
 * attached as files, approved by each
 * member of the board, one after the other on the version they saw, by
 * nobody else; implemented by its assignee, which moves the CI; closed
 * after its review. */
static void
test_major_change (Fixture *x, gconstpointer data)
{
  g_autofree char *id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *fields = g_strdup_printf (
      "{\"ref\": \"CHG-1\", \"kind\": \"major\", \"title\": \"Move the UPS\", \"reason\": \"Room 3 is flooded\","
      " \"site_id\": \"%s\", \"ci_id\": \"%s\", \"changes\": {\"location\": {\"from\": \"Room 3\", \"to\": \"Room 5\"}},"
      " \"approvers\": [\"super\", \"super2\"], \"approved_by\": [\"super\", \"super2\"], \"status\": \"requested\","
      " \"assignee\": \"eng_a\", \"test_report\": \"Load test passed\", \"by\": \"eng_a\", \"at\": \"%s\"}",
      x->f.site_a, x->ci, now);
  g_autoptr(FlPushResponse) keep = NULL;
  /* The board is of supervisors. */
  g_autofree char *outsider_id = fl_uuid7_new ();
  g_auto(GStrv) parts = g_strsplit (fields, "\"super2\"]", 2);
  g_autofree char *with_engineer = g_strjoinv ("\"eng_a2\"]", parts);
  g_assert_cmpint (push_one (x, &x->eng, &keep, "change_record", outsider_id, FL_MUTATION_INSERT,
                             with_engineer)->status, ==, FL_RESULT_REJECTED);
  g_assert_nonnull (strstr (fl_api_result (keep, 0)->error, "eng_a2 is not a supervisor"));
  g_assert_cmpint (push_one (x, &x->eng, &keep, "change_record", id, FL_MUTATION_INSERT, fields)->status, ==,
                   FL_RESULT_APPLIED);
  g_autoptr(JsonObject) stored = fl_api_load (&x->f, "change_record", id);
  g_assert_true (json_object_get_null_member (stored, "approved_by"));  /* the server's to keep */

  /* No rollback plan: not approved; nor with the plan and the test
   * report written out only: they are approved on as attached files. */
  g_assert_cmpint (approve_as (x, &x->super, id, version (x, "change_record", id), "approved"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id,
                              "{\"rollback_plan\": {\"from\": null, \"to\": \"Move it back, restore the feed\"}}"),
                   ==, FL_RESULT_APPLIED);
  g_assert_cmpint (approve_as (x, &x->super, id, version (x, "change_record", id), "approved"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (attach_document (x, &x->eng, id, "rollback_plan"), ==, FL_RESULT_APPLIED);
  g_assert_cmpint (approve_as (x, &x->super, id, version (x, "change_record", id), "approved"), ==, FL_RESULT_REJECTED);
  /* A document is a file of this change, not any id. */
  g_autofree char *stranger = fl_uuid7_new ();
  g_autofree char *foreign = g_strdup_printf ("{\"test_report_attachment\": {\"from\": null, \"to\": \"%s\"}}",
                                              stranger);
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id, foreign), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (attach_document (x, &x->eng, id, "test_report"), ==, FL_RESULT_APPLIED);
  /* Approving is not an update of the status. */
  g_assert_cmpint (update_as (x, &x->super, "change_record", id,
                              "{\"status\": {\"from\": \"requested\", \"to\": \"approved\"}}"), ==, FL_RESULT_REJECTED);

  gint64 seen = version (x, "change_record", id);
  g_assert_cmpint (approve_as (x, &x->super3, id, seen, "approved"), ==, FL_RESULT_REJECTED);  /* not on the board */
  g_assert_cmpint (approve_as (x, &x->super, id, seen, "approved"), ==, FL_RESULT_APPLIED);
  g_autofree char *half = status (x, "change_record", id);
  g_assert_cmpstr (half, ==, "requested");
  g_assert_cmpint (approve_as (x, &x->super, id, version (x, "change_record", id), "approved"), ==, FL_RESULT_REJECTED);
  /* The second member saw it before the first approved: still current. */
  g_assert_cmpint (approve_as (x, &x->super2, id, seen, "approved"), ==, FL_RESULT_APPLIED);
  g_autofree char *approved = status (x, "change_record", id);
  g_assert_cmpstr (approved, ==, "approved");

  /* What it does is fixed now; its implementer is its assignee. */
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id,
                              "{\"title\": {\"from\": \"Move the UPS\", \"to\": \"Move both UPS\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->other_eng, "change_record", id,
                              "{\"status\": {\"from\": \"approved\", \"to\": \"implementing\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id,
                              "{\"status\": {\"from\": \"approved\", \"to\": \"implementing\"}}"), ==, FL_RESULT_APPLIED);
  g_autoptr(JsonObject) before = fl_api_load (&x->f, "ci", x->ci);
  g_assert_cmpstr (fl_record_get_string (before, "location"), ==, "Room 3");
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id,
                              "{\"status\": {\"from\": \"implementing\", \"to\": \"implemented\"}}"), ==, FL_RESULT_APPLIED);
  g_autoptr(JsonObject) after = fl_api_load (&x->f, "ci", x->ci);
  g_assert_cmpstr (fl_record_get_string (after, "location"), ==, "Room 5");

  g_assert_cmpint (update_as (x, &x->super, "change_record", id,
                              "{\"status\": {\"from\": \"implemented\", \"to\": \"closed\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id,
                              "{\"status\": {\"from\": \"implemented\", \"to\": \"reviewed\"},"
                              " \"review\": {\"from\": null, \"to\": \"Met its purpose\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->super, "change_record", id,
                              "{\"status\": {\"from\": \"implemented\", \"to\": \"reviewed\"},"
                              " \"review\": {\"from\": null, \"to\": \"Met its purpose\"}}"), ==, FL_RESULT_APPLIED);
  g_assert_cmpint (update_as (x, &x->super, "change_record", id,
                              "{\"status\": {\"from\": \"reviewed\", \"to\": \"closed\"}}"), ==, FL_RESULT_APPLIED);
}

/* Editing what a requested change does starts its board's approvals over. */
static void
test_edit_restarts_approvals (Fixture *x, gconstpointer data)
{
  g_autofree char *id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *fields = g_strdup_printf (
      "{\"ref\": \"CHG-2\", \"kind\": \"emergency\", \"title\": \"Bypass the UPS\", \"reason\": \"Battery fire\","
      " \"site_id\": \"%s\", \"approvers\": [\"super\", \"super2\"], \"status\": \"requested\","
      " \"by\": \"eng_a\", \"at\": \"%s\"}", x->f.site_a, now);
  g_autoptr(FlPushResponse) keep = NULL;
  g_assert_cmpint (push_one (x, &x->eng, &keep, "change_record", id, FL_MUTATION_INSERT, fields)->status, ==,
                   FL_RESULT_APPLIED);
  g_assert_cmpint (approve_as (x, &x->super, id, version (x, "change_record", id), "approved"), ==, FL_RESULT_APPLIED);
  g_assert_cmpint (update_as (x, &x->eng, "change_record", id,
                              "{\"title\": {\"from\": \"Bypass the UPS\", \"to\": \"Bypass both UPS\"}}"), ==, FL_RESULT_APPLIED);
  g_autoptr(JsonObject) edited = fl_api_load (&x->f, "change_record", id);
  g_assert_true (json_object_get_null_member (edited, "approved_by"));
  gint64 seen = version (x, "change_record", id);
  g_assert_cmpint (approve_as (x, &x->super2, id, seen, "approved"), ==, FL_RESULT_APPLIED);
  g_autofree char *waiting = status (x, "change_record", id);
  g_assert_cmpstr (waiting, ==, "requested");
  g_assert_cmpint (approve_as (x, &x->super, id, seen, "approved"), ==, FL_RESULT_APPLIED);
  g_autofree char *approved = status (x, "change_record", id);
  g_assert_cmpstr (approved, ==, "approved");
}

/* A correction proposed in the field is a standard change: one
 * supervisor's approval implements it and changes the CI.  An admin's edit
 * of the CI is recorded as an implemented standard change. */
static void
test_standard_change_and_admin_edit (Fixture *x, gconstpointer data)
{
  g_autofree char *id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *fields = g_strdup_printf (
      "{\"ref\": \"CHG-3\", \"kind\": \"standard\", \"title\": \"Correct UPS-01: location\", \"reason\": \"Moved\","
      " \"site_id\": \"%s\", \"ci_id\": \"%s\", \"changes\": {\"location\": {\"from\": \"Room 3\", \"to\": \"Room 4\"}},"
      " \"status\": \"requested\", \"by\": \"eng_a\", \"at\": \"%s\"}", x->f.site_a, x->ci, now);
  g_autoptr(FlPushResponse) keep = NULL;
  g_assert_cmpint (push_one (x, &x->eng, &keep, "change_record", id, FL_MUTATION_INSERT, fields)->status, ==,
                   FL_RESULT_APPLIED);
  g_assert_cmpint (approve_as (x, &x->super, id, version (x, "change_record", id), "approved"), ==, FL_RESULT_APPLIED);
  g_autofree char *done = status (x, "change_record", id);
  g_assert_cmpstr (done, ==, "implemented");
  g_autoptr(JsonObject) moved = fl_api_load (&x->f, "ci", x->ci);
  g_assert_cmpstr (fl_record_get_string (moved, "location"), ==, "Room 4");

  /* Engineers do not edit CIs; an admin's edit leaves a change behind. */
  g_assert_cmpint (fl_api_count (&x->f, "SELECT count(*) FROM change_record"), ==, 1);
  g_autoptr(Mutations) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (mutations, fl_api_mutation (&x->eng, "ci", x->ci, FL_MUTATION_UPDATE,
                                               "{\"serial\": {\"from\": null, \"to\": \"SN-1\"}}"));
  g_autoptr(FlReply) refused = fl_api_push (&x->f, &x->eng, mutations);
  g_assert_cmpuint (refused->status, ==, 403);
  g_assert_cmpint (update_as (x, &x->admin, "ci", x->ci, "{\"serial\": {\"from\": null, \"to\": \"SN-1\"}}"),
                   ==, FL_RESULT_APPLIED);
  g_assert_cmpint (fl_api_count (&x->f, "SELECT count(*) FROM change_record WHERE kind = 'standard'"
                                        " AND status = 'implemented' AND by = 'admin'"
                                        " AND changes LIKE '%SN-1%'"), ==, 1);

  /* So does a CI an admin adds: every field it is given, from nothing. */
  g_autofree char *added = fl_uuid7_new ();
  g_autofree char *ci = g_strdup_printf ("{\"code\": \"PDU-07\", \"name\": \"PDU rack 7\", \"type\": \"pdu\","
                                         " \"site_id\": \"%s\", \"status\": \"in_use\"}", x->f.site_a);
  g_assert_cmpint (push_one (x, &x->admin, &keep, "ci", added, FL_MUTATION_INSERT, ci)->status, ==,
                   FL_RESULT_APPLIED);
  g_autoptr(JsonObject) recorded = fl_store_find_row (x->f.t.store, fl_schema_lookup ("change_record"), "ci_id",
                                                      added, NULL);
  g_assert_nonnull (recorded);
  g_assert_cmpstr (fl_record_get_string (recorded, "status"), ==, "implemented");
  g_assert_cmpstr (fl_record_get_string (recorded, "by"), ==, "admin");
  JsonObject *code = json_object_get_object_member (json_object_get_object_member (recorded, "changes"), "code");
  g_assert_true (json_object_get_null_member (code, "from"));
  g_assert_cmpstr (json_object_get_string_member (code, "to"), ==, "PDU-07");
}

/* Field staff open problems (registered); a supervisor assigns; the
 * assignee investigates; a clerk has no part in them. */
static void
test_problem_roles (Fixture *x, gconstpointer data)
{
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *id = fl_uuid7_new ();
  g_autofree char *closed = g_strdup_printf (
      "{\"ref\": \"PRB-1\", \"title\": \"UPS alarms\", \"site_id\": \"%s\", \"ci_id\": \"%s\", \"origin\": \"incident\","
      " \"priority\": 2, \"status\": \"closed\", \"by\": \"eng_a\", \"at\": \"%s\"}", x->f.site_a, x->ci, now);
  g_autoptr(FlPushResponse) keep = NULL;
  g_assert_cmpint (push_one (x, &x->eng, &keep, "problem", id, FL_MUTATION_INSERT, closed)->status, ==,
                   FL_RESULT_REJECTED);
  g_autofree char *fields = g_strdup_printf (
      "{\"ref\": \"PRB-1\", \"title\": \"UPS alarms\", \"site_id\": \"%s\", \"ci_id\": \"%s\", \"origin\": \"incident\","
      " \"priority\": 2, \"status\": \"registered\", \"by\": \"eng_a\", \"at\": \"%s\"}", x->f.site_a, x->ci, now);
  g_assert_cmpint (push_one (x, &x->eng, &keep, "problem", id, FL_MUTATION_INSERT, fields)->status, ==,
                   FL_RESULT_APPLIED);

  g_assert_cmpint (update_as (x, &x->eng, "problem", id,
                              "{\"status\": {\"from\": \"registered\", \"to\": \"assigned\"},"
                              " \"assignee\": {\"from\": null, \"to\": \"eng_a\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->super, "problem", id,
                              "{\"status\": {\"from\": \"registered\", \"to\": \"assigned\"},"
                              " \"assignee\": {\"from\": null, \"to\": \"eng_a\"}}"), ==, FL_RESULT_APPLIED);
  g_assert_cmpint (update_as (x, &x->other_eng, "problem", id,
                              "{\"status\": {\"from\": \"assigned\", \"to\": \"investigating\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->eng, "problem", id,
                              "{\"status\": {\"from\": \"assigned\", \"to\": \"investigating\"}}"), ==, FL_RESULT_APPLIED);
  g_assert_cmpint (update_as (x, &x->eng, "problem", id,
                              "{\"status\": {\"from\": \"investigating\", \"to\": \"known_error\"},"
                              " \"root_cause\": {\"from\": null, \"to\": \"Aged battery string\"}}"), ==, FL_RESULT_REJECTED);
  g_assert_cmpint (update_as (x, &x->eng, "problem", id,
                              "{\"status\": {\"from\": \"investigating\", \"to\": \"known_error\"},"
                              " \"root_cause\": {\"from\": null, \"to\": \"Aged battery string\"},"
                              " \"workaround\": {\"from\": null, \"to\": \"Run on bypass\"},"
                              " \"known_error\": {\"from\": null, \"to\": true}}"), ==, FL_RESULT_APPLIED);

  g_autofree char *link_id = fl_uuid7_new ();
  g_autofree char *link = g_strdup_printf ("{\"problem_id\": \"%s\", \"ci_id\": \"%s\", \"by\": \"clerk\", \"at\": \"%s\"}",
                                           id, x->ci, now);
  g_autoptr(Mutations) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (mutations, fl_api_mutation (&x->clerk, "problem_link", link_id, FL_MUTATION_APPEND, link));
  g_autoptr(FlReply) refused = fl_api_push (&x->f, &x->clerk, mutations);
  g_assert_cmpuint (refused->status, ==, 403);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/itsm/major-change", test_major_change);
  ADD ("/itsm/edit-restarts-approvals", test_edit_restarts_approvals);
  ADD ("/itsm/standard-change-and-admin-edit", test_standard_change_and_admin_edit);
  ADD ("/itsm/problem-roles", test_problem_roles);
  return g_test_run ();
}
