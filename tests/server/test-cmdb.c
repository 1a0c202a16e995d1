/* The server's rules for CMDB audits and the CI lifecycle, whatever a
 * client sends: a supervisor plans a round, the engineer of the round marks
 * its CIs and submits it, a supervisor's approval decides it; a CI moves
 * only along its lifecycle. */
#include "fl-api-test-util.h"

/* Pushes one mutation; its response is kept in `keep` (the result lives
 * as long as it). */
static FlMutationResult *
push_one (FlApiFixture *f, FlApiDevice *device, FlMutation *m, GPtrArray *keep)
{
  g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (mutations, m);
  FlPushResponse *response = fl_api_push_ok (f, device, mutations);
  g_ptr_array_add (keep, response);
  return fl_api_result (response, 0);
}

static GPtrArray *
responses_new (void)
{
  return g_ptr_array_new_with_free_func ((GDestroyNotify) fl_push_response_free);
}

static void
assert_applied (FlMutationResult *result)
{
  if (result->status != FL_RESULT_APPLIED)
    g_test_message ("rejected: %s", result->error);
  g_assert_cmpint (result->status, ==, FL_RESULT_APPLIED);
}

static void
assert_rejected (FlMutationResult *result, const char *words)
{
  g_assert_cmpint (result->status, ==, FL_RESULT_REJECTED);
  if (strstr (result->error, words) == NULL)
    g_test_message ("reason: %s", result->error);
  g_assert_nonnull (strstr (result->error, words));
}

static char *
put_ci (FlApiFixture *f, const char *site, const char *code, const char *status)
{
  g_autoptr(JsonObject) ci = json_object_new ();
  json_object_set_string_member (ci, "code", code);
  json_object_set_string_member (ci, "name", code);
  json_object_set_string_member (ci, "type", "server");
  json_object_set_string_member (ci, "site_id", site);
  json_object_set_string_member (ci, "status", status);
  json_object_set_string_member (ci, "location", "Room 1");
  return fl_test_put (f->t.store, "ci", ci);
}

static FlMutationResult *
insert (FlApiFixture *f, FlApiDevice *d, const char *table, const char *id, const char *json, GPtrArray *keep)
{
  FlMutationOp op = g_str_equal (table, "cmdb_audit") ? FL_MUTATION_INSERT : FL_MUTATION_APPEND;
  return push_one (f, d, fl_api_mutation (d, table, id, op, json), keep);
}

static FlMutationResult *
set_status (FlApiFixture *f, FlApiDevice *d, const char *table, const char *id, const char *from,
            const char *to, const char *extra, GPtrArray *keep)
{
  g_autofree char *changes = g_strdup_printf ("{\"status\": {\"from\": \"%s\", \"to\": \"%s\"}%s}", from, to, extra);
  return push_one (f, d, fl_api_mutation (d, table, id, FL_MUTATION_UPDATE, changes), keep);
}

static FlMutationResult *
mark (FlApiFixture *f, FlApiDevice *d, const char *audit, const char *ci, const char *result,
      const char *differences, GPtrArray *keep)
{
  g_autofree char *id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *ci_member = ci != NULL ? g_strdup_printf ("\"ci_id\": \"%s\",", ci) : g_strdup ("");
  g_autofree char *json = g_strdup_printf ("{\"audit_id\": \"%s\", %s \"result\": \"%s\", \"differences\": %s,"
                                           " \"at\": \"%s\"}", audit, ci_member, result,
                                           differences != NULL ? differences : "null", now);
  return insert (f, d, "cmdb_audit_item", id, json, keep);
}

static FlMutationResult *
decide (FlApiFixture *f, FlApiDevice *d, const char *audit, const char *decision, GPtrArray *keep)
{
  g_autoptr(JsonObject) row = fl_api_load (f, "cmdb_audit", audit);
  g_autofree char *id = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *json = g_strdup_printf (
      "{\"target_table\": \"cmdb_audit\", \"target_id\": \"%s\", \"target_version\": \"%" G_GINT64_FORMAT "\","
      " \"decision\": \"%s\", \"comment\": \"checked\", \"at\": \"%s\"}",
      audit, fl_record_get_int (row, "version", 0), decision, now);
  return push_one (f, d, fl_api_mutation (d, "approval", id, FL_MUTATION_APPEND, json), keep);
}

static char *
status_of (FlApiFixture *f, const char *table, const char *id)
{
  g_autoptr(JsonObject) row = fl_api_load (f, table, id);
  return g_strdup (fl_record_get_string (row, "status"));
}

static void
test_audit_roles (void)
{
  FlApiFixture f = { 0 };
  g_auto(FlApiDevice) a = { 0 };
  g_auto(FlApiDevice) a2 = { 0 };
  g_auto(FlApiDevice) b = { 0 };
  g_auto(FlApiDevice) s = { 0 };
  fl_api_setup (&f, NULL);
  fl_api_login (&f, "eng_a", &a);
  fl_api_login (&f, "eng_a2", &a2);
  fl_api_login (&f, "eng_b", &b);
  fl_api_login (&f, "super", &s);
  g_autofree char *ci1 = put_ci (&f, f.site_a, "SRV-1", "in_use");
  g_autofree char *ci2 = put_ci (&f, f.site_a, "SRV-2", "in_use");
  g_autofree char *ci_b = put_ci (&f, f.site_b, "SRV-B", "in_use");
  g_autoptr(GPtrArray) k = responses_new ();

  /* An engineer does not plan a round: the whole push is refused. */
  g_autofree char *audit = fl_uuid7_new ();
  g_autofree char *round = g_strdup_printf ("{\"ref\": \"AUD-261201-TA-0001\", \"site_id\": \"%s\","
                                            " \"due_on\": \"2026-12-15\", \"assignee\": \"eng_a\","
                                            " \"status\": \"planned\"}", f.site_a);
  g_autoptr(GPtrArray) planned_by_engineer = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_ptr_array_add (planned_by_engineer, fl_api_mutation (&a, "cmdb_audit", audit, FL_MUTATION_INSERT, round));
  g_autoptr(FlReply) refused = fl_api_push (&f, &a, planned_by_engineer);
  g_assert_cmpuint (refused->status, ==, 403);
  /* A supervisor does; a new round starts planned. */
  g_autofree char *approved_round = g_strdup_printf ("{\"ref\": \"AUD-261201-TS-0001\", \"site_id\": \"%s\","
                                                     " \"due_on\": \"2026-12-15\", \"status\": \"approved\"}", f.site_a);
  g_autofree char *other = fl_uuid7_new ();
  assert_rejected (insert (&f, &s, "cmdb_audit", other, approved_round, k), "planned");
  assert_applied (insert (&f, &s, "cmdb_audit", audit, round, k));

  /* Only the engineer of the round marks it, only CIs of its site, and
   * only marks that fit their result. */
  assert_rejected (mark (&f, &a2, audit, ci1, "as_recorded", NULL, k), "assigned to eng_a");
  assert_rejected (mark (&f, &a, audit, ci_b, "as_recorded", NULL, k), "not an item of the audited site");
  assert_rejected (mark (&f, &a, audit, ci1, "differs", NULL, k), "cmdb_audit_item.differences");
  assert_rejected (mark (&f, &a, audit, ci1, "differs",
                         "{\"status\": {\"recorded\": \"in_use\", \"found\": \"gone\"}}", k),
                   "cmdb_audit_item.differences.status");
  assert_applied (mark (&f, &a, audit, ci1, "as_recorded", NULL, k));
  assert_applied (mark (&f, &a, audit, ci2, "differs",
                        "{\"location\": {\"recorded\": \"Room 1\", \"found\": \"Room 4\"}}", k));
  assert_applied (mark (&f, &a, audit, NULL, "unrecorded",
                        "{\"code\": {\"recorded\": null, \"found\": \"UPS-9\"},"
                        " \"name\": {\"recorded\": null, \"found\": \"UPS\"},"
                        " \"type\": {\"recorded\": null, \"found\": \"ups\"}}", k));

  /* The engineer walks and submits; does not move the due date nor approve. */
  assert_applied (set_status (&f, &a, "cmdb_audit", audit, "planned", "in_progress", "", k));
  assert_rejected (push_one (&f, &a, fl_api_mutation (&a, "cmdb_audit", audit, FL_MUTATION_UPDATE,
                                                     "{\"due_on\": {\"from\": \"2026-12-15\", \"to\": \"2027-06-15\"}}"),
                             k), "cmdb_audit.due_on");
  assert_rejected (set_status (&f, &a, "cmdb_audit", audit, "in_progress", "approved", "", k), "approval");
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *submitted = g_strdup_printf (", \"submitted_at\": {\"from\": null, \"to\": \"%s\"}", now);
  assert_applied (set_status (&f, &a, "cmdb_audit", audit, "in_progress", "pending", submitted, k));
  /* Submitted: no more marks. */
  assert_rejected (mark (&f, &a, audit, ci1, "missing", NULL, k), "takes no more marks");

  /* Another site's engineer sees nothing of it: refused as out of scope. */
  g_autoptr(GPtrArray) outside = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_autofree char *outside_id = fl_uuid7_new ();
  g_autofree char *outside_json = g_strdup_printf ("{\"audit_id\": \"%s\", \"ci_id\": \"%s\","
                                                   " \"result\": \"missing\", \"at\": \"%s\"}", audit, ci1, now);
  g_ptr_array_add (outside, fl_api_mutation (&b, "cmdb_audit_item", outside_id, FL_MUTATION_APPEND, outside_json));
  g_autoptr(FlReply) out_of_scope = fl_api_push (&f, &b, outside);
  g_assert_cmpuint (out_of_scope->status, ==, 403);

  /* An engineer does not decide; a supervisor's approval does. */
  g_autoptr(GPtrArray) engineer_decides = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_autoptr(JsonObject) pending = fl_api_load (&f, "cmdb_audit", audit);
  g_autofree char *approval_id = fl_uuid7_new ();
  g_autofree char *approval = g_strdup_printf (
      "{\"target_table\": \"cmdb_audit\", \"target_id\": \"%s\", \"target_version\": \"%" G_GINT64_FORMAT "\","
      " \"decision\": \"approved\", \"at\": \"%s\"}", audit, fl_record_get_int (pending, "version", 0), now);
  g_ptr_array_add (engineer_decides, fl_api_mutation (&a, "approval", approval_id, FL_MUTATION_APPEND, approval));
  g_autoptr(FlReply) not_theirs = fl_api_push (&f, &a, engineer_decides);
  g_assert_cmpuint (not_theirs->status, ==, 403);

  assert_applied (decide (&f, &s, audit, "approved", k));
  g_autofree char *decided = status_of (&f, "cmdb_audit", audit);
  g_assert_cmpstr (decided, ==, "approved");
  /* Decided once: a second decision and any further change are refused. */
  assert_rejected (decide (&f, &s, audit, "rejected", k), "already approved");
  assert_rejected (set_status (&f, &s, "cmdb_audit", audit, "approved", "cancelled", "", k), "cannot become");
  assert_rejected (push_one (&f, &s, fl_api_mutation (&s, "cmdb_audit", audit, FL_MUTATION_UPDATE,
                                                     "{\"due_on\": {\"from\": \"2026-12-15\", \"to\": \"2027-06-15\"}}"),
                             k), "stays as it is");
  fl_api_teardown (&f);
}

/* Sent back: the engineer walks it again and submits again. */
static void
test_audit_sent_back (void)
{
  FlApiFixture f = { 0 };
  g_auto(FlApiDevice) a = { 0 };
  g_auto(FlApiDevice) s = { 0 };
  fl_api_setup (&f, NULL);
  fl_api_login (&f, "eng_a", &a);
  fl_api_login (&f, "super", &s);
  g_autofree char *ci = put_ci (&f, f.site_a, "SRV-1", "in_use");
  g_autoptr(GPtrArray) k = responses_new ();
  g_autofree char *audit = fl_uuid7_new ();
  g_autofree char *round = g_strdup_printf ("{\"ref\": \"AUD-261201-TS-0002\", \"site_id\": \"%s\","
                                            " \"due_on\": \"2026-12-15\", \"status\": \"planned\"}", f.site_a);
  assert_applied (insert (&f, &s, "cmdb_audit", audit, round, k));
  assert_applied (mark (&f, &a, audit, ci, "missing", NULL, k));
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *submitted = g_strdup_printf (", \"submitted_at\": {\"from\": null, \"to\": \"%s\"}", now);
  assert_applied (set_status (&f, &a, "cmdb_audit", audit, "planned", "pending", submitted, k));
  assert_applied (decide (&f, &s, audit, "rejected", k));
  g_autofree char *back = status_of (&f, "cmdb_audit", audit);
  g_assert_cmpstr (back, ==, "rejected");
  assert_applied (mark (&f, &a, audit, ci, "as_recorded", NULL, k));
  assert_applied (set_status (&f, &a, "cmdb_audit", audit, "rejected", "pending", "", k));
  fl_api_teardown (&f);
}

/* A CI moves along its lifecycle, by an admin's edit or an approved
 * correction alike. */
static void
test_ci_lifecycle (void)
{
  FlApiFixture f = { 0 };
  g_auto(FlApiDevice) s = { 0 };
  fl_api_setup (&f, NULL);
  fl_test_add_user (f.t.store, "root", "admin", NULL);
  g_auto(FlApiDevice) admin = { 0 };
  fl_api_login (&f, "root", &admin);
  fl_api_login (&f, "super", &s);
  g_autofree char *ci = put_ci (&f, f.site_a, "SRV-1", "ordered");
  g_autoptr(GPtrArray) k = responses_new ();

  assert_rejected (set_status (&f, &admin, "ci", ci, "ordered", "in_use", "", k), "it can become");
  assert_applied (set_status (&f, &admin, "ci", ci, "ordered", "received", "", k));
  assert_applied (set_status (&f, &admin, "ci", ci, "received", "testing", "", k));
  assert_applied (set_status (&f, &admin, "ci", ci, "testing", "in_use", "", k));
  assert_rejected (set_status (&f, &admin, "ci", ci, "in_use", "retired", "", k), "ci.status");
  g_autofree char *status = status_of (&f, "ci", ci);
  g_assert_cmpstr (status, ==, "in_use");

  /* A correction proposed in the field that skips a step is not applied. */
  g_autofree char *proposal = fl_uuid7_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *json = g_strdup_printf ("{\"ci_id\": \"%s\", \"changes\": {\"status\": {\"from\": \"in_use\","
                                           " \"to\": \"ordered\"}}, \"reason\": \"wrong\", \"at\": \"%s\","
                                           " \"status\": \"pending\"}", ci, now);
  assert_applied (push_one (&f, &s, fl_api_mutation (&s, "ci_change_proposal", proposal, FL_MUTATION_INSERT, json), k));
  g_autoptr(JsonObject) row = fl_api_load (&f, "ci_change_proposal", proposal);
  g_autofree char *approval_id = fl_uuid7_new ();
  g_autofree char *approval = g_strdup_printf (
      "{\"target_table\": \"ci_change_proposal\", \"target_id\": \"%s\", \"target_version\": \"%" G_GINT64_FORMAT "\","
      " \"decision\": \"approved\", \"at\": \"%s\"}", proposal, fl_record_get_int (row, "version", 0), now);
  assert_rejected (push_one (&f, &s, fl_api_mutation (&s, "approval", approval_id, FL_MUTATION_APPEND, approval), k),
                   "ci.status");
  fl_api_teardown (&f);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cmdb/audit-roles", test_audit_roles);
  g_test_add_func ("/cmdb/audit-sent-back", test_audit_sent_back);
  g_test_add_func ("/cmdb/ci-lifecycle", test_ci_lifecycle);
  return g_test_run ();
}
