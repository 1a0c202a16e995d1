/* Problems and changes: the recurrence proposal, the known-error list, the
 * problem's moves, and the approvals each kind of change needs. */
#include "fl-test-util.h"

#include "fl-change.h"
#include "fl-change-workflow.h"
#include "fl-problem.h"
#include "fl-problem-workflow.h"

#define DAY ((gint64) 24 * 3600 * G_USEC_PER_SEC)

typedef struct {
  FlDb *db;
  char *dir;
  char *site, *ci, *other_ci;
  gint64 now;
} Fixture;

static char *
insert_ci (Fixture *f, const char *code)
{
  g_autofree char *json = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"PACS server\", \"type\": \"server\","
                                           " \"site_id\": \"%s\", \"status\": \"in_use\"}", code, f->site);
  return fl_test_insert (f->db, "ci", json);
}

/* An incident on `ci` recorded `days_ago` days before the fixture's now. */
static char *
insert_incident (Fixture *f, const char *ref, const char *ci, double days_ago, const char *cause,
                 const char *status, int impact, const char *priority)
{
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"incident\", \"title\": \"Viewer freezes\", \"site_id\": \"%s\","
      " \"ci_id\": \"%s\", \"impact\": %d, \"urgency\": 1, \"status\": \"%s\", \"priority\": \"%s\"%s%s%s}",
      ref, f->site, ci, impact, status, priority, cause != NULL ? ", \"cause\": \"" : "",
      cause != NULL ? cause : "", cause != NULL ? "\"" : "");
  char *id = fl_test_insert (f->db, "work_order", json);
  g_autofree char *at = fl_time_format (f->now - (gint64) (days_ago * DAY));
  g_autofree char *sql = g_strdup_printf ("UPDATE work_order SET created_at = '%s' WHERE id = '%s'", at, id);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_db_exec (f->db, sql, &error));
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("AAA", &f->dir);
  f->site = fl_test_insert_site (f->db);
  f->ci = insert_ci (f, "SRV-01");
  f->other_ci = insert_ci (f, "SRV-02");
  f->now = fl_time_now ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->db);
  fl_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->ci);
  g_free (f->other_ci);
}

static GPtrArray *
proposals (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *rows = fl_problem_list_proposals (f->db, f->now, &error);
  g_assert_no_error (error);
  return rows;
}

/* More than three incidents of unknown cause on one CI within the window:
 * three are not enough, a fourth is; one outside the window, one with a
 * known cause, a cancelled one or one on another CI does not count. */
static void
test_recurrence_threshold (Fixture *f, gconstpointer data)
{
  g_assert_false (fl_problem_recurrence_exceeded (3));
  g_assert_true (fl_problem_recurrence_exceeded (4));

  g_free (insert_incident (f, "INC-1", f->ci, 1, NULL, "closed", 3, "normal"));
  g_free (insert_incident (f, "INC-2", f->ci, 10, NULL, "resolved", 3, "normal"));
  g_free (insert_incident (f, "INC-3", f->ci, 29.5, NULL, "in_progress", 3, "normal"));
  g_free (insert_incident (f, "INC-4", f->ci, 31, NULL, "closed", 3, "normal"));          /* outside */
  g_free (insert_incident (f, "INC-5", f->ci, 2, "Loose cable", "closed", 3, "normal"));  /* known cause */
  g_free (insert_incident (f, "INC-6", f->ci, 2, NULL, "cancelled", 3, "normal"));
  g_free (insert_incident (f, "INC-7", f->other_ci, 2, NULL, "closed", 3, "normal"));
  g_autoptr(GPtrArray) three = proposals (f);
  g_assert_cmpuint (three->len, ==, 0);

  g_free (insert_incident (f, "INC-8", f->ci, 0, NULL, "new", 3, "normal"));
  g_autoptr(GPtrArray) four = proposals (f);
  g_assert_cmpuint (four->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (four->pdata[0], "reason"), ==, "recurrence");
  g_assert_cmpstr (fl_record_get_string (four->pdata[0], "ci_id"), ==, f->ci);
  g_assert_cmpint (fl_record_get_int (four->pdata[0], "incidents", 0), ==, 4);

  /* The site's window: over a week, only INC-1 and INC-8 are in it. */
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) week = json_object_new ();
  json_object_set_int_member (week, "problem_window_days", 7);
  g_assert_true (fl_changelog_update (f->db, "site", f->site, week, &error));
  g_assert_no_error (error);
  g_autoptr(GPtrArray) in_a_week = proposals (f);
  g_assert_cmpuint (in_a_week->len, ==, 0);
  g_autoptr(JsonObject) month = json_object_new ();
  json_object_set_int_member (month, "problem_window_days", 30);
  g_assert_true (fl_changelog_update (f->db, "site", f->site, month, &error));

  /* Opened, the problem links the four and the proposal is gone. */
  g_autofree char *problem = NULL;
  g_assert_true (fl_problem_open_for_recurrence (f->db, f->ci, f->now, "sup_a", &problem, &error));
  g_assert_no_error (error);
  g_autoptr(GPtrArray) linked = fl_problem_list_incidents (f->db, problem, &error);
  g_assert_cmpuint (linked->len, ==, 4);
  g_autoptr(GPtrArray) none = proposals (f);
  g_assert_cmpuint (none->len, ==, 0);
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("problem"), problem, &error);
  g_assert_cmpstr (fl_record_get_string (row, "origin"), ==, "recurrence");
  g_assert_cmpstr (fl_record_get_string (row, "status"), ==, "registered");
  g_assert_true (g_str_has_prefix (fl_record_get_string (row, "ref"), "PRB-"));
}

/* A closed major incident (high priority, impact 1) is proposed until a
 * problem is opened from it; a closed high one of smaller impact is not. */
static void
test_major_incident (Fixture *f, gconstpointer data)
{
  g_autofree char *major = insert_incident (f, "INC-9", f->ci, 1, "Power cut", "closed", 1, "high");
  g_free (insert_incident (f, "INC-10", f->ci, 1, "Power cut", "closed", 2, "high"));
  g_free (insert_incident (f, "INC-11", f->ci, 1, "Power cut", "in_progress", 1, "high"));
  g_autoptr(GPtrArray) rows = proposals (f);
  g_assert_cmpuint (rows->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (rows->pdata[0], "reason"), ==, "major_incident");
  g_assert_cmpstr (fl_record_get_string (rows->pdata[0], "work_order_id"), ==, major);

  g_autoptr(GError) error = NULL;
  g_autofree char *problem = NULL;
  g_assert_true (fl_problem_open_from_incident (f->db, major, "sup_a", &problem, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("problem"), problem, &error);
  g_assert_cmpstr (fl_record_get_string (row, "origin"), ==, "major_incident");
  g_assert_cmpint (fl_record_get_int (row, "priority", 0), ==, 1);
  g_assert_cmpstr (fl_record_get_string (row, "ci_id"), ==, f->ci);
  g_autoptr(GPtrArray) after = proposals (f);
  g_assert_cmpuint (after->len, ==, 0);
}

static gboolean
move_problem (Fixture *f, const char *id, FlRole role, const char *actor, const char *status,
              const char *field, const char *value, GError **error)
{
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "status", status);
  if (field != NULL)
    json_object_set_string_member (values, field, value);
  return fl_problem_update (f->db, id, role, actor, values, error);
}

/* To closure: assigned by a supervisor, investigated by its assignee, a
 * known error only with a root cause and a workaround, then searchable. */
static void
test_problem_to_known_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *incident = insert_incident (f, "INC-12", f->ci, 0, NULL, "in_progress", 3, "normal");
  g_autofree char *id = NULL;
  g_assert_true (fl_problem_open_from_incident (f->db, incident, "eng_a", &id, &error));
  g_assert_no_error (error);

  g_assert_false (move_problem (f, id, FL_ROLE_ENGINEER, "eng_a", "assigned", "assignee", "eng_a", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (move_problem (f, id, FL_ROLE_SUPERVISOR, "sup_a", "assigned", NULL, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_true (move_problem (f, id, FL_ROLE_SUPERVISOR, "sup_a", "assigned", "assignee", "eng_a", &error));
  g_assert_false (move_problem (f, id, FL_ROLE_ENGINEER, "eng_b", "investigating", NULL, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  /* Nor by naming oneself. */
  g_assert_false (move_problem (f, id, FL_ROLE_ENGINEER, "eng_b", "investigating", "assignee", "eng_b", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_true (move_problem (f, id, FL_ROLE_ENGINEER, "eng_a", "investigating", "root_cause",
                               "固件缺陷导致显示卡死", &error));
  g_assert_false (move_problem (f, id, FL_ROLE_ENGINEER, "eng_a", "known_error", NULL, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_autoptr(GPtrArray) hidden = fl_problem_search_known_errors (f->db, NULL, &error);
  g_assert_cmpuint (hidden->len, ==, 0);
  g_assert_true (move_problem (f, id, FL_ROLE_ENGINEER, "eng_a", "known_error", "workaround",
                               "Restart the viewer service", &error));
  g_assert_no_error (error);

  g_autoptr(GPtrArray) by_chinese = fl_problem_search_known_errors (f->db, "卡死", &error);
  g_assert_cmpuint (by_chinese->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (by_chinese->pdata[0], "workaround"), ==, "Restart the viewer service");
  g_autoptr(GPtrArray) by_words = fl_problem_search_known_errors (f->db, "srv-01 RESTART", &error);
  g_assert_cmpuint (by_words->len, ==, 1);
  g_autoptr(GPtrArray) not_all = fl_problem_search_known_errors (f->db, "restart printer", &error);
  g_assert_cmpuint (not_all->len, ==, 0);

  /* Closed only by a supervisor, once resolved. */
  g_assert_false (move_problem (f, id, FL_ROLE_SUPERVISOR, "sup_a", "closed", NULL, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE);
  g_clear_error (&error);
  g_assert_true (move_problem (f, id, FL_ROLE_ENGINEER, "eng_a", "resolved", "solution", "Firmware 2.4", &error));
  g_assert_false (move_problem (f, id, FL_ROLE_ENGINEER, "eng_a", "closed", NULL, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_true (move_problem (f, id, FL_ROLE_SUPERVISOR, "sup_a", "closed", NULL, NULL, &error));
  g_autoptr(GPtrArray) kept = fl_problem_search_known_errors (f->db, "firmware", &error);
  g_assert_cmpuint (kept->len, ==, 1);
}

/* A requested change; `rollback` and `test_report` are the ids of its
 * attached documents (NULL: none attached). */
static JsonObject *
change_row (const char *kind, const char *approvers_json, const char *rollback, const char *test_report)
{
  g_autofree char *json = g_strdup_printf (
      "{\"id\": \"c1\", \"version\": \"3\", \"kind\": \"%s\", \"status\": \"requested\", \"approvers\": %s%s%s%s%s%s%s}",
      kind, approvers_json, rollback != NULL ? ", \"rollback_plan_attachment\": \"" : "", rollback != NULL ? rollback : "",
      rollback != NULL ? "\"" : "", test_report != NULL ? ", \"test_report_attachment\": \"" : "",
      test_report != NULL ? test_report : "", test_report != NULL ? "\"" : "");
  g_autoptr(JsonNode) node = json_from_string (json, NULL);
  return json_object_ref (json_node_get_object (node));
}

/* The board approves a major change only all together; each member once;
 * nobody else; and the board's first approvals do not make the others'
 * stale. */
static void
test_ccb_needs_every_approver (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) change = change_row ("major", "[\"sup_a\", \"sup_b\", \"sup_c\"]", "Restore the image",
                                              "Tested on the spare");
  g_assert_false (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_x", change, TRUE, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (fl_change_check_decision (FL_ROLE_ADMIN, "sup_a", change, TRUE, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);

  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", change, TRUE, &error));
  fl_change_record_decision (change, "sup_a", TRUE);
  g_assert_cmpstr (fl_record_get_string (change, "status"), ==, "requested");
  g_assert_cmpint (fl_record_get_int (change, "approval_base", 0), ==, 3);
  json_object_set_int_member (change, "version", 4);
  g_assert_true (fl_change_decision_is_current (change, 3));
  g_assert_false (fl_change_decision_is_current (change, 2));
  g_assert_false (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", change, TRUE, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE);
  g_clear_error (&error);

  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_b", change, TRUE, &error));
  fl_change_record_decision (change, "sup_b", TRUE);
  g_assert_false (fl_change_approvals_complete (change));
  g_assert_cmpstr (fl_record_get_string (change, "status"), ==, "requested");
  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_c", change, TRUE, &error));
  fl_change_record_decision (change, "sup_c", TRUE);
  g_assert_true (fl_change_approvals_complete (change));
  g_assert_cmpstr (fl_record_get_string (change, "status"), ==, "approved");

  /* One member's rejection rejects it. */
  g_autoptr(JsonObject) vetoed = change_row ("emergency", "[\"sup_a\", \"sup_b\"]", NULL, NULL);
  fl_change_record_decision (vetoed, "sup_a", TRUE);
  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_b", vetoed, FALSE, &error));
  fl_change_record_decision (vetoed, "sup_b", FALSE);
  g_assert_cmpstr (fl_record_get_string (vetoed, "status"), ==, "rejected");

  /* A board of one is no board; a general change needs one supervisor. */
  g_autoptr(JsonObject) alone = change_row ("emergency", "[\"sup_a\"]", NULL, NULL);
  g_assert_false (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", alone, TRUE, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_autoptr(JsonObject) general = change_row ("general", "null", NULL, NULL);
  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_x", general, TRUE, &error));
  fl_change_record_decision (general, "sup_x", TRUE);
  g_assert_cmpstr (fl_record_get_string (general, "status"), ==, "approved");
  g_autoptr(JsonObject) standard = change_row ("standard", "null", NULL, NULL);
  fl_change_record_decision (standard, "sup_x", TRUE);
  g_assert_cmpstr (fl_record_get_string (standard, "status"), ==, "implemented");
}

/* A major change is not approved without its rollback plan and test
 * report; it may be rejected without them. */
static void
test_major_needs_rollback_plan (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) no_plan = change_row ("major", "[\"sup_a\", \"sup_b\"]", NULL, "Tested");
  g_assert_false (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", no_plan, TRUE, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "rollback plan"));
  g_clear_error (&error);
  g_autoptr(JsonObject) no_test = change_row ("major", "[\"sup_a\", \"sup_b\"]", "Restore", NULL);
  g_assert_false (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", no_test, TRUE, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", no_plan, FALSE, &error));
  /* An emergency change is tested after it is made. */
  g_autoptr(JsonObject) emergency = change_row ("emergency", "[\"sup_a\", \"sup_b\"]", NULL, NULL);
  g_assert_true (fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", emergency, TRUE, &error));
  g_assert_no_error (error);
}

static gboolean
may_approve (Fixture *f, const char *id, GError **error)
{
  g_autoptr(JsonObject) change = fl_record_load (f->db, fl_schema_lookup ("change_record"), id, error);
  return change != NULL && fl_change_check_decision (FL_ROLE_SUPERVISOR, "sup_a", change, TRUE, error);
}

/* A major change's rollback plan and test report are files attached to
 * it: written out in its text alone they do not let it be approved.  A
 * later file of a document replaces the earlier one; the plan is fixed once
 * the change is decided, the test report is not. */
static void
test_major_change_documents (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FlChangeDraft draft = {
    .kind = "major", .title = "Move the PACS server", .reason = "Room 3 is rebuilt", .ci_id = f->ci,
    .rollback_plan = "Move it back", .test_report = "Ran on the spare",
    .approvers = (const char * const[]) { "sup_a", "sup_b", NULL },
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_change_request (f->db, &draft, "eng_a", &id, &error));
  g_assert_false (may_approve (f, id, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "rollback plan"));
  g_clear_error (&error);

  const char *sha_a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  const char *sha_b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb";
  const char *sha_c = "cccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccccc";
  g_assert_true (fl_change_attach (f->db, id, "rollback_plan", "rollback-v1.pdf", "application/pdf", sha_a, 1200,
                                   "eng_a", &error));
  g_assert_no_error (error);
  g_assert_false (may_approve (f, id, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "test"));
  g_clear_error (&error);
  g_assert_true (fl_change_attach (f->db, id, "test_report", "test.pdf", "application/pdf", sha_b, 800,
                                   "eng_a", &error));
  g_assert_true (fl_change_attach (f->db, id, "rollback_plan", "rollback-v2.pdf", "application/pdf", sha_c, 1300,
                                   "eng_a", &error));
  g_assert_no_error (error);
  g_assert_true (may_approve (f, id, &error));
  g_assert_no_error (error);

  g_autoptr(GPtrArray) files = fl_change_list_attachments (f->db, id, &error);
  g_assert_cmpuint (files->len, ==, 3);
  g_assert_cmpstr (fl_record_get_string (files->pdata[0], "filename"), ==, "rollback-v1.pdf");
  g_assert_null (fl_record_get_string (files->pdata[0], "document"));  /* replaced */
  g_assert_cmpstr (fl_record_get_string (files->pdata[1], "document"), ==, "test_report");
  g_assert_cmpstr (fl_record_get_string (files->pdata[2], "document"), ==, "rollback_plan");
  g_assert_cmpstr (fl_record_get_string (files->pdata[2], "sha256"), ==, sha_c);
  /* Synced like every write: the file's row before the change naming it. */
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'attachment'"), ==, 3);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'attachment' AND mid >"
                                         " (SELECT max (mid) FROM outbox WHERE table_name = 'change_record')"), ==, 0);

  g_assert_false (fl_change_attach (f->db, id, "photo", "x.png", "image/png", sha_a, 10, "eng_a", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);

  /* As the server records the board's approval. */
  g_autoptr(JsonObject) approved = json_object_new ();
  json_object_set_string_member (approved, "status", "approved");
  g_assert_true (fl_changelog_update (f->db, "change_record", id, approved, &error));
  g_assert_false (fl_change_attach (f->db, id, "rollback_plan", "late.pdf", "application/pdf", sha_a, 10, "eng_a",
                                    &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_true (fl_change_attach (f->db, id, "test_report", "retest.pdf", "application/pdf", sha_a, 10, "eng_a",
                                   &error));
  g_assert_no_error (error);
}

/* Implemented by its assignee; an emergency change is closed only after
 * its post-implementation review, which needs its text. */
static void
test_change_moves (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FlChangeDraft draft = {
    .kind = "emergency", .title = "Replace the UPS battery", .reason = "Battery failed",
    .ci_id = f->ci, .assignee = "eng_a",
    .approvers = (const char * const[]) { "sup_a", "sup_b", NULL },
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_change_request (f->db, &draft, "eng_a", &id, &error));
  g_assert_no_error (error);
  g_assert_false (fl_change_move (f->db, id, FL_ROLE_SUPERVISOR, "sup_a", "approved", NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL);
  g_clear_error (&error);
  g_assert_false (fl_change_move (f->db, id, FL_ROLE_ENGINEER, "eng_a", "implementing", NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE);
  g_clear_error (&error);

  /* As the server records the board's approval. */
  g_autoptr(JsonObject) approved = json_object_new ();
  json_object_set_string_member (approved, "status", "approved");
  g_assert_true (fl_changelog_update (f->db, "change_record", id, approved, &error));
  g_assert_false (fl_change_move (f->db, id, FL_ROLE_ENGINEER, "eng_b", "implementing", NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("change_record"), id, &error);
  const char *moves[8];
  g_assert_cmpuint (fl_change_allowed_moves (FL_ROLE_ENGINEER, "eng_b", row, moves, G_N_ELEMENTS (moves)), ==, 0);
  g_assert_cmpuint (fl_change_allowed_moves (FL_ROLE_ENGINEER, "eng_a", row, moves, G_N_ELEMENTS (moves)), ==, 2);
  g_assert_cmpstr (moves[0], ==, "implementing");
  g_assert_cmpstr (moves[1], ==, "implemented");
  g_assert_true (fl_change_move (f->db, id, FL_ROLE_ENGINEER, "eng_a", "implementing", NULL, &error));
  g_assert_true (fl_change_move (f->db, id, FL_ROLE_ENGINEER, "eng_a", "implemented", NULL, &error));
  g_assert_false (fl_change_move (f->db, id, FL_ROLE_SUPERVISOR, "sup_a", "closed", NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_false (fl_change_move (f->db, id, FL_ROLE_SUPERVISOR, "sup_a", "reviewed", NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_true (fl_change_move (f->db, id, FL_ROLE_SUPERVISOR, "sup_a", "reviewed",
                                 "Power held through the night test", &error));
  g_assert_true (fl_change_move (f->db, id, FL_ROLE_SUPERVISOR, "sup_a", "closed", NULL, &error));
  g_assert_no_error (error);

  g_autoptr(GPtrArray) of_ci = fl_change_list (f->db, f->ci, &error);
  g_assert_cmpuint (of_ci->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (of_ci->pdata[0], "status"), ==, "closed");
  g_assert_true (g_str_has_prefix (fl_record_get_string (of_ci->pdata[0], "ref"), "CHG-"));
  g_autoptr(GPtrArray) of_other = fl_change_list (f->db, f->other_ci, &error);
  g_assert_cmpuint (of_other->len, ==, 0);

  /* What a change does is fixed once decided; its review is not. */
  g_assert_false (fl_change_check_field ("approved", "changes", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_true (fl_change_check_field ("implemented", "review", &error));
  g_assert_true (fl_change_check_field ("requested", "rollback_plan", &error));
  g_assert_true (fl_change_field_resets_approvals ("rollback_plan"));
  g_assert_true (fl_change_field_resets_approvals ("rollback_plan_attachment"));
  g_assert_false (fl_change_field_resets_approvals ("test_report_attachment"));
  g_assert_false (fl_change_field_resets_approvals ("test_report"));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/problem/recurrence-threshold", test_recurrence_threshold);
  ADD ("/problem/major-incident", test_major_incident);
  ADD ("/problem/to-known-error", test_problem_to_known_error);
  ADD ("/change/ccb-needs-every-approver", test_ccb_needs_every_approver);
  ADD ("/change/major-needs-rollback-plan", test_major_needs_rollback_plan);
  ADD ("/change/major-change-documents", test_major_change_documents);
  ADD ("/change/moves", test_change_moves);
  return g_test_run ();
}
