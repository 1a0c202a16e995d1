#include "fl-test-util.h"

#include <fl-merge.h>
#include <fl-work-order-queries.h>

/* 2026-11-20 is a Friday; 17:00 in Shanghai is 09:00 UTC. */
#define FRIDAY_17H (G_GINT64_CONSTANT (1795165200) * G_USEC_PER_SEC)
#define HOUR (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef struct {
  FlDb *db;
  char *dir;
  char *site;  /* 5x9 */
} Fixture;

static void
set_up (Fixture *f, gconstpointer data)
{
  fl_time_set_now_for_testing (FRIDAY_17H);
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_test_insert (f->db, "site", "{\"code\": \"RMYY\", \"name\": \"People's Hospital\","
                                   " \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"5x9\"}");
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  fl_time_set_now_for_testing (0);
  g_object_unref (f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
}

static JsonObject *
load (Fixture *f, const char *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *row = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, &error);
  g_assert_no_error (error);
  return row;
}

/* The latest entry of the order's log in the words of this language. */
static char *
last_log_words (Fixture *f, const char *id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) log = fl_work_order_list_log (f->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, >, 0);
  return fl_work_log_render (g_ptr_array_index (log, log->len - 1));
}

static char *
create (Fixture *f, const char *kind, int impact, int urgency, const char *assignee)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = kind, .title = "PACS viewer cannot load images", .site_id = f->site,
    .impact = impact, .urgency = urgency, .assignee = assignee,
  };
  char *id = NULL;
  g_assert_true (fl_work_order_create (f->db, &draft, "zhang.wei", &id, &error));
  g_assert_no_error (error);
  return id;
}

/* Created offline on Friday 17:00 at a 5x9 site: impact 2 x urgency 2 is
 * high; response 24 working hours = Fri 1 h + Mon 9 h + Tue 9 h + Wed 5 h ->
 * Wed 2026-11-25 14:00 CST; resolution 48 h = 1 + 9*5 (Mon-Fri) = 46, then
 * Mon 11-30 2 h -> 11:00 CST.  Shown at once, before any sync. */
static void
test_create_derives_priority_and_due_times (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create (f, "incident", 2, 2, NULL);
  g_autoptr(JsonObject) wo = load (f, id);
  g_assert_cmpstr (fl_record_get_string (wo, "priority"), ==, "high");
  g_assert_cmpstr (fl_record_get_string (wo, "status"), ==, "new");
  g_assert_cmpstr (fl_record_get_string (wo, "response_due"), ==, "2026-11-25T06:00:00.000Z");
  g_assert_cmpstr (fl_record_get_string (wo, "resolve_due"), ==, "2026-11-30T03:00:00.000Z");
  g_assert_true (g_str_has_prefix (fl_record_get_string (wo, "ref"), "INC-261120-K3F-"));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'status'"), ==, 1);

  /* A low-priority request: impact 4 x urgency 4. */
  g_autofree char *request = create (f, "request", 4, 4, NULL);
  g_autoptr(JsonObject) req = load (f, request);
  g_assert_cmpstr (fl_record_get_string (req, "priority"), ==, "low");
  g_assert_true (g_str_has_prefix (fl_record_get_string (req, "ref"), "REQ-"));
}

/* On a slow machine the clock moves between two readings; the due times
 * must still count from the created_at that was stored. */
static void
test_due_times_count_from_stored_creation (Fixture *f, gconstpointer data)
{
  fl_time_set_tick_for_testing (G_USEC_PER_SEC / 1000);
  g_autofree char *id = create (f, "incident", 2, 2, NULL);
  fl_time_set_tick_for_testing (0);
  g_autoptr(JsonObject) wo = load (f, id);
  g_autoptr(JsonObject) again = json_object_new ();
  for (const char *const *m = (const char *const[]) { "kind", "site_id", "impact", "urgency",
                                                       "created_at", NULL }; *m; m++)
    json_object_set_member (again, *m, json_node_copy (json_object_get_member (wo, *m)));
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_work_order_derive_in_db (f->db, again, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (wo, "response_due"), ==, fl_record_get_string (again, "response_due"));
  g_assert_cmpstr (fl_record_get_string (wo, "resolve_due"), ==, fl_record_get_string (again, "resolve_due"));
}

static void
test_invalid_draft_writes_nothing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = { .kind = "incident", .title = "x", .site_id = f->site, .impact = 9, .urgency = 1 };
  g_assert_false (fl_work_order_create (f->db, &draft, "zhang.wei", NULL, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "work_order.impact"));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_order"), ==, 0);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name <> 'site'"), ==, 0);
  /* The reference counter did not move either. */
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM ref_sequence"), ==, 0);
}

static void
move_ok (Fixture *f, const char *id, FlRole role, const char *actor, FlWorkOrderStatus to)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_work_order_move (f->db, id, role, actor, to, NULL, &error));
  g_assert_no_error (error);
}

/* An engineer takes, works, holds, resumes and resolves an incident; the
 * hold moves the resolution due time by the working time on hold. */
static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, "incident", 2, 2, NULL);
  g_autoptr(JsonObject) before = load (f, id);

  /* Resolving a new order is not a lifecycle move. */
  g_assert_false (fl_work_order_move (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_RESOLVED, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);

  move_ok (f, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_ASSIGNED);
  g_autoptr(JsonObject) taken = load (f, id);
  g_assert_cmpstr (fl_record_get_string (taken, "assignee"), ==, "zhang.wei");

  /* Someone else's order: refused. */
  g_assert_false (fl_work_order_move (f->db, id, FL_ROLE_ENGINEER, "li.na", FL_WO_IN_PROGRESS, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);

  /* Monday 2026-11-23 10:00 CST: start (response met), hold until 14:00. */
  fl_time_set_now_for_testing (FRIDAY_17H + 65 * HOUR);
  move_ok (f, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_IN_PROGRESS);
  move_ok (f, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_ON_HOLD);
  fl_time_set_now_for_testing (FRIDAY_17H + 69 * HOUR);
  move_ok (f, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_IN_PROGRESS);
  g_autoptr(JsonObject) resumed = load (f, id);
  g_assert_cmpstr (fl_record_get_string (resumed, "responded_at"), ==, "2026-11-23T02:00:00.000Z");
  g_assert_cmpint (fl_record_get_int (resumed, "on_hold_seconds", -1), ==, 4 * 3600);
  /* 11-30 11:00 + 4 working hours = 11-30 15:00 CST. */
  g_assert_cmpstr (fl_record_get_string (resumed, "resolve_due"), ==, "2026-11-30T07:00:00.000Z");
  g_assert_cmpstr (fl_record_get_string (resumed, "response_due"), ==,
                   fl_record_get_string (before, "response_due"));

  /* Resolving an incident needs a resolution and the customer's acceptance. */
  g_assert_false (fl_work_order_move (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_RESOLVED, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "resolution", "Replaced the failed disk; array rebuilt");
  g_assert_true (fl_work_order_update (f->db, id, values, &error));
  g_assert_true (fl_work_order_accept (f->db, id, "Dr. Wang", NULL, 5, &error));
  g_assert_no_error (error);
  move_ok (f, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_RESOLVED);

  /* Closing is a supervisor's approval, never a status update. */
  g_assert_false (fl_work_order_move (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie", FL_WO_CLOSED, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL);

  g_autoptr(JsonObject) done = load (f, id);
  g_assert_cmpstr (fl_record_get_string (done, "status"), ==, "resolved");
  g_assert_nonnull (fl_record_get_string (done, "resolved_at"));
  /* Every move left a status entry in the log (created + 5 moves). */
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'status'"), ==, 6);
}

static void
test_allowed_moves_follow_role (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, "incident", 3, 3, "zhang.wei");
  FlWorkOrderStatus moves[8];
  guint n = fl_work_order_allowed_moves (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", moves, 8, &error);
  g_assert_no_error (error);
  gboolean can_start = FALSE, can_cancel = FALSE;
  for (guint i = 0; i < n; i++)
    {
      can_start |= moves[i] == FL_WO_IN_PROGRESS;
      can_cancel |= moves[i] == FL_WO_CANCELLED;
    }
  g_assert_true (can_start);
  g_assert_false (can_cancel);
  g_assert_cmpuint (fl_work_order_allowed_moves (f->db, id, FL_ROLE_CLERK, "li.na", moves, 8, NULL), ==, 0);
  n = fl_work_order_allowed_moves (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie", moves, 8, NULL);
  can_cancel = FALSE;
  for (guint i = 0; i < n; i++)
    can_cancel |= moves[i] == FL_WO_CANCELLED;
  g_assert_true (can_cancel);
}

/* Cancelling is final: it needs a reason, which the log keeps. */
static void
test_cancel_needs_reason (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, "incident", 3, 3, "zhang.wei");
  const char * const no_reason[] = { NULL, "", "  " };
  for (guint i = 0; i < G_N_ELEMENTS (no_reason); i++)
    {
      g_assert_false (fl_work_order_move (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie", FL_WO_CANCELLED,
                                          no_reason[i], &error));
      g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
      g_clear_error (&error);
    }
  g_autoptr(JsonObject) open = load (f, id);
  g_assert_cmpstr (fl_record_get_string (open, "status"), ==, "assigned");
  g_assert_true (fl_work_order_move (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie", FL_WO_CANCELLED,
                                     " Reported twice ", &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) cancelled = load (f, id);
  g_assert_cmpstr (fl_record_get_string (cancelled, "status"), ==, "cancelled");
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'status'"
                                         " AND text = 'Reported twice' AND author = 'chen.jie'"), ==, 1);
}

static void
test_use_part_from_van (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, "incident", 3, 3, "zhang.wei");
  g_autofree char *part = fl_test_insert (f->db, "part", "{\"sku\": \"PSU-750\", \"name\": \"750 W power supply\", \"unit\": \"pc\"}");
  g_autofree char *van = fl_test_insert (f->db, "stock_location", "{\"code\": \"VAN1\", \"name\": \"Van 1\", \"kind\": \"van\"}");
  FlStockMovement load_van = { FL_MOVE_RECEIVE, part, 2, NULL, van, NULL, NULL, NULL, NULL, "li.na" };
  g_assert_true (fl_stock_post (f->db, &load_van, NULL, &error));
  g_assert_true (fl_work_order_use_part (f->db, id, part, van, 1, "SN123", "zhang.wei", &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_stock_balance (f->db, van, part, NULL), ==, 1);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM stock_movement WHERE kind = 'use' AND work_order_id IS NOT NULL"), ==, 1);
  g_autofree char *used = last_log_words (f, id);
  g_assert_cmpstr (used, ==, "Used 1 pc of 750 W power supply (PSU-750)");
  /* Using more than the van holds is recorded (the part was used) and flagged. */
  g_assert_true (fl_work_order_use_part (f->db, id, part, van, 3, NULL, "zhang.wei", &error));
  g_assert_cmpint (fl_stock_balance (f->db, van, part, NULL), ==, -2);
  g_assert_cmpint (fl_stock_negative_count (f->db, NULL), ==, 1);
}

/* A failed inspection item opens an incident linked to the CI and the
 * inspection, once: recording again adds no second incident. */
static void
test_failed_inspection_opens_incident (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *ci_json = g_strdup_printf ("{\"code\": \"UPS-01\", \"name\": \"Machine room UPS\", \"type\": \"ups\","
                                              " \"site_id\": \"%s\", \"status\": \"in_use\"}", f->site);
  g_autofree char *ci = fl_test_insert (f->db, "ci", ci_json);
  g_autofree char *ci2_json = g_strdup_printf ("{\"code\": \"UPS-02\", \"name\": \"Ward UPS\", \"type\": \"ups\","
                                               " \"site_id\": \"%s\", \"status\": \"in_use\"}", f->site);
  g_autofree char *ci2 = fl_test_insert (f->db, "ci", ci2_json);
  g_autofree char *template = fl_test_insert (f->db, "inspection_template",
      "{\"ci_type\": \"ups\", \"name\": \"UPS monthly\", \"items\": ["
      " {\"key\": \"load\", \"label\": \"Load\", \"kind\": \"number\", \"min\": 0, \"max\": 80, \"unit\": \"%\", \"required\": true, \"severity\": \"critical\"},"
      " {\"key\": \"alarm\", \"label\": \"No alarms\", \"kind\": \"bool\", \"required\": true, \"severity\": \"major\"},"
      " {\"key\": \"note\", \"label\": \"Note\", \"kind\": \"text\"}]}");
  g_autofree char *round_json = g_strdup_printf ("{\"ref\": \"INS-261120-K3F-0001\", \"site_id\": \"%s\", \"template_id\": \"%s\","
                                                 " \"planned_for\": \"2026-11-20\", \"assignee\": \"zhang.wei\", \"status\": \"planned\"}",
                                                 f->site, template);
  g_autofree char *round = fl_test_insert (f->db, "inspection_round", round_json);

  /* A wrong kind of answer is refused, naming the item, and writes nothing. */
  g_autoptr(JsonObject) bad = fl_record_parse ("{\"load\": \"high\", \"alarm\": true}", -1, NULL);
  g_assert_false (fl_inspection_record (f->db, round, ci, bad, "zhang.wei", NULL, NULL, &error));
  g_assert_error (error, FL_INSPECTION_ERROR, FL_INSPECTION_ERROR_ANSWER);
  g_assert_nonnull (strstr (error->message, "Load"));
  g_clear_error (&error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"), ==, 0);

  g_autoptr(JsonObject) failing = fl_record_parse ("{\"load\": 93.5, \"alarm\": true}", -1, NULL);
  g_autofree char *inspection = NULL, *incident = NULL;
  g_assert_true (fl_inspection_record (f->db, round, ci, failing, "zhang.wei", &inspection, &incident, &error));
  g_assert_no_error (error);
  g_assert_nonnull (incident);
  g_autoptr(JsonObject) wo = load (f, incident);
  g_assert_cmpstr (fl_record_get_string (wo, "ci_id"), ==, ci);
  g_assert_cmpstr (fl_record_get_string (wo, "kind"), ==, "incident");
  g_assert_cmpstr (fl_record_get_string (wo, "priority"), ==, "high");  /* critical item: impact 2 x urgency 1 */
  g_assert_nonnull (strstr (fl_record_get_string (wo, "description"), "above the maximum of 80"));
  g_autoptr(JsonObject) insp = fl_record_load (f->db, fl_schema_lookup ("inspection"), inspection, &error);
  g_assert_cmpstr (fl_record_get_string (insp, "outcome"), ==, "fail");
  g_assert_cmpstr (fl_record_get_string (insp, "incident_id"), ==, incident);

  /* Recording the same answers again (a second click) records nothing new. */
  gint64 outbox = fl_test_count (f->db, "SELECT count(*) FROM outbox");
  g_autofree char *again = NULL, *again_incident = NULL;
  g_assert_true (fl_inspection_record (f->db, round, ci, failing, "zhang.wei", &again, &again_incident, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (again, ==, inspection);
  g_assert_cmpstr (again_incident, ==, incident);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox"), ==, outbox);
  /* Other failing answers while its incident is open: one incident still. */
  g_autoptr(JsonObject) worse = fl_record_parse ("{\"load\": 97, \"alarm\": false}", -1, NULL);
  g_autofree char *recheck = NULL, *recheck_incident = NULL;
  g_assert_true (fl_inspection_record (f->db, round, ci, worse, "zhang.wei", &recheck, &recheck_incident, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (recheck, !=, inspection);
  g_assert_cmpstr (recheck_incident, ==, incident);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"), ==, 2);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_order"), ==, 1);

  /* The round's CIs with their outcome so far, and the round in its engineer's list. */
  g_autoptr(GPtrArray) cis = fl_inspection_list_round_cis (f->db, round, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cis->len, ==, 2);
  JsonObject *first = g_ptr_array_index (cis, 0), *second = g_ptr_array_index (cis, 1);
  g_assert_cmpstr (fl_record_get_string (first, "code"), ==, "UPS-01");
  g_assert_cmpstr (fl_record_get_string (first, "outcome"), ==, "fail");
  g_assert_cmpstr (fl_record_get_string (first, "incident_ref"), ==, fl_record_get_string (wo, "ref"));
  g_assert_cmpstr (fl_record_get_string (second, "code"), ==, "UPS-02");
  g_assert_null (fl_record_get_string (second, "outcome"));
  g_autoptr(GPtrArray) rounds = fl_inspection_list_rounds (f->db, "zhang.wei", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rounds->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (rounds, 0), "template_name"), ==, "UPS monthly");
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (rounds, 0), "site_name"), ==, "People's Hospital");
  g_autoptr(GPtrArray) others = fl_inspection_list_rounds (f->db, "li.na", &error);
  g_assert_cmpuint (others->len, ==, 0);

  guint done = 0, total = 0;
  g_assert_true (fl_inspection_round_progress (f->db, round, &done, &total, &error));
  g_assert_cmpuint (done, ==, 1);
  g_assert_cmpuint (total, ==, 2);

  g_autoptr(JsonObject) passing = fl_record_parse ("{\"load\": 40, \"alarm\": true}", -1, NULL);
  g_autofree char *incident2 = NULL;
  g_assert_true (fl_inspection_record (f->db, round, ci2, passing, "zhang.wei", NULL, &incident2, &error));
  g_assert_null (incident2);
  g_autoptr(JsonObject) r = fl_record_load (f->db, fl_schema_lookup ("inspection_round"), round, &error);
  g_assert_cmpstr (fl_record_get_string (r, "status"), ==, "done");
}

/* Takes an incident of zhang.wei's to in progress with a resolution. */
static char *
worked (Fixture *f)
{
  char *id = create (f, "incident", 3, 3, "zhang.wei");
  move_ok (f, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_IN_PROGRESS);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "resolution", "Reseated the controller");
  g_assert_true (fl_work_order_update (f->db, id, values, &error));
  g_assert_no_error (error);
  return id;
}

/* The customer accepts work that is done, never a new order. */
static void
test_acceptance_only_when_done (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *fresh = create (f, "incident", 3, 3, NULL);
  gint64 pending = fl_test_count (f->db, "SELECT count(*) FROM outbox");
  g_assert_false (fl_work_order_accept (f->db, fresh, "Dr. Wang", NULL, 5, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "customer_accepted_at"));
  g_clear_error (&error);
  g_autoptr(JsonObject) untouched = load (f, fresh);
  g_assert_null (fl_record_get_string (untouched, "customer_accepted_at"));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox"), ==, pending);

  /* In progress, but nothing written down as done yet. */
  g_autofree char *started = create (f, "incident", 3, 3, "zhang.wei");
  move_ok (f, started, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_IN_PROGRESS);
  g_assert_false (fl_work_order_accept (f->db, started, "Dr. Wang", NULL, 5, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "resolution"));
  g_clear_error (&error);

  g_autofree char *id = worked (f);
  g_assert_true (fl_work_order_accept (f->db, id, "Dr. Wang", NULL, 4, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) accepted = load (f, id);
  g_assert_nonnull (fl_record_get_string (accepted, "customer_accepted_at"));
  g_assert_cmpint (fl_record_get_int (accepted, "satisfaction", 0), ==, 4);
}

/* Resolving records the answer to "fixed on the first visit?" with the move. */
static void
test_resolve_records_first_time_fix (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = worked (f);
  g_assert_true (fl_work_order_accept (f->db, id, "Dr. Wang", NULL, 5, &error));
  g_assert_true (fl_work_order_resolve (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", NULL, FALSE, NULL, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) wo = load (f, id);
  g_assert_cmpstr (fl_record_get_string (wo, "status"), ==, "resolved");
  g_assert_true (json_object_has_member (wo, "first_time_fix"));
  g_assert_false (fl_record_get_bool (wo, "first_time_fix"));
  /* One change carries both, so the server sees them together. */
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'work_order'"
                                         " AND body LIKE '%first_time_fix%' AND body LIKE '%resolved%'"), ==, 1);

  /* Refused moves write no answer either. */
  g_autofree char *other = worked (f);
  g_assert_false (fl_work_order_resolve (f->db, other, FL_ROLE_ENGINEER, "zhang.wei", NULL, TRUE, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_autoptr(JsonObject) open = load (f, other);
  JsonNode *answer = json_object_get_member (open, "first_time_fix");
  g_assert_true (answer == NULL || JSON_NODE_HOLDS_NULL (answer));
}

/* A supervisor's rejection of the resolution takes back the acceptance:
 * resolving again needs the customer to accept the new work. */
static void
test_rejection_takes_back_acceptance (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = worked (f);
  g_assert_true (fl_work_order_accept (f->db, id, "Dr. Wang", "ab12", 5, &error));
  g_assert_true (fl_work_order_resolve (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", NULL, TRUE, NULL, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) wo = load (f, id);

  /* What the server applies with the rejection (the same code). */
  g_autoptr(JsonObject) values = json_object_new ();
  fl_work_order_lifecycle (wo, FL_WO_RESOLVED, FL_WO_IN_PROGRESS, fl_time_now (), NULL, values);
  static const char * const cleared[] = {
    "resolved_at", "customer_name", "customer_accepted_at", "signature_blob", "satisfaction",
  };
  for (guint i = 0; i < G_N_ELEMENTS (cleared); i++)
    {
      g_assert_true (json_object_has_member (values, cleared[i]));
      g_assert_true (json_object_get_null_member (values, cleared[i]));
    }
  json_object_set_string_member (values, "status", "in_progress");
  fl_merge_apply (wo, values);

  FlWorkOrderFacts facts;
  fl_work_order_facts (wo, "zhang.wei", &facts);
  g_assert_false (fl_workflow_check_move (FL_ROLE_ENGINEER, FL_WO_IN_PROGRESS, FL_WO_RESOLVED, &facts, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "acceptance"));
  g_clear_error (&error);
  /* The resolution stays: the new acceptance may be recorded at once. */
  g_assert_true (fl_workflow_check_acceptance (FL_WO_IN_PROGRESS, &facts, &error));
  g_assert_no_error (error);
}

/* Out of scope (驳回): a supervisor's, with a reason, and final. */
static void
test_reject_out_of_scope (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create (f, "incident", 3, 3, NULL);
  g_assert_false (fl_work_order_reject_out_of_scope (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie", "  ", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_nonnull (strstr (error->message, "reason"));
  g_clear_error (&error);
  g_assert_false (fl_work_order_reject_out_of_scope (f->db, id, FL_ROLE_ENGINEER, "zhang.wei",
                                                     "Personal laptop", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_autoptr(JsonObject) still_new = load (f, id);
  g_assert_cmpstr (fl_record_get_string (still_new, "status"), ==, "new");
  g_assert_null (fl_record_get_string (still_new, "reject_reason"));

  g_assert_true (fl_work_order_reject_out_of_scope (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie",
                                                    " The staff's own laptop: not covered by the agreement ", &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) rejected = load (f, id);
  g_assert_cmpstr (fl_record_get_string (rejected, "status"), ==, "rejected");
  g_assert_cmpstr (fl_record_get_string (rejected, "reject_reason"), ==,
                   "The staff's own laptop: not covered by the agreement");
  g_autofree char *words = last_log_words (f, id);
  g_assert_cmpstr (words, ==, "New → Rejected as out of scope: The staff's own laptop: not covered by the agreement");
  FlWorkOrderStatus moves[FL_N_WO_STATUSES];
  g_assert_cmpuint (fl_work_order_allowed_moves (f->db, id, FL_ROLE_SUPERVISOR, "chen.jie", moves,
                                                 G_N_ELEMENTS (moves), NULL), ==, 0);
}

/* The follow-up call (已回访): after closing, by a supervisor, with the
 * customer's satisfaction. */
static void
test_follow_up_after_closing (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *open = worked (f);
  g_assert_false (fl_work_order_record_follow_up (f->db, open, FL_ROLE_SUPERVISOR, "chen.jie", 4, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE);
  g_clear_error (&error);

  /* A closed order as the server sends it. */
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"INC-261120-K3F-0099\", \"kind\": \"incident\", \"title\": \"Printer offline\","
      " \"site_id\": \"%s\", \"impact\": 3, \"urgency\": 3, \"status\": \"closed\","
      " \"assignee\": \"zhang.wei\", \"resolution\": \"Replaced the cable\", \"satisfaction\": 5}", f->site);
  g_autofree char *closed = fl_test_insert (f->db, "work_order", json);
  g_assert_false (fl_work_order_record_follow_up (f->db, closed, FL_ROLE_ENGINEER, "zhang.wei", 4, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  g_assert_false (fl_work_order_record_follow_up (f->db, closed, FL_ROLE_ADMIN, "root", 4, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
  g_clear_error (&error);
  /* The customer is asked again: the acceptance's rating does not stand in. */
  g_assert_false (fl_work_order_record_follow_up (f->db, closed, FL_ROLE_SUPERVISOR, "chen.jie", 0, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);

  g_assert_true (fl_work_order_record_follow_up (f->db, closed, FL_ROLE_SUPERVISOR, "chen.jie", 3,
                                                 "Works, but took two days", &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) visited = load (f, closed);
  g_assert_cmpstr (fl_record_get_string (visited, "status"), ==, "visited");
  g_assert_cmpint (fl_record_get_int (visited, "satisfaction", 0), ==, 3);
  g_assert_nonnull (fl_record_get_string (visited, "visited_at"));
  g_autofree char *words = last_log_words (f, closed);
  g_assert_cmpstr (words, ==, "Closed → Followed up: Follow-up call, satisfaction 3 of 5: Works, but took two days");
}

/* A writer running zh_CN stores a note no language owns: its reader gets
 * it in theirs, from the same row; a row written before notes had kinds
 * reads as its text. */
static void
test_system_note_in_readers_language (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  fl_test_use_language ("zh_CN");
  g_autofree char *id = create (f, "incident", 3, 3, "zhang.wei");
  g_assert_true (fl_work_order_move (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_IN_PROGRESS,
                                     "Arrived", &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE note = 'created'"
                                         " AND text IS NULL"), ==, 1);
  g_autoptr(GPtrArray) log = fl_work_order_list_log (f->db, id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, 2);

  g_autofree char *created_zh = fl_work_log_render (g_ptr_array_index (log, 0));
  g_autofree char *moved_zh = fl_work_log_render (g_ptr_array_index (log, 1));
  fl_test_use_language (NULL);
  g_autofree char *created_c = fl_work_log_render (g_ptr_array_index (log, 0));
  g_autofree char *moved_c = fl_work_log_render (g_ptr_array_index (log, 1));
  g_assert_cmpstr (created_zh, ==, "由 zhang.wei 创建");
  g_assert_cmpstr (created_c, ==, "Created by zhang.wei");
  g_assert_cmpstr (moved_zh, ==, "已分派 → 处理中：Arrived");
  g_assert_cmpstr (moved_c, ==, "Assigned → In progress: Arrived");

  /* A server's note as a query gives it: its parameters as JSON text. */
  g_autoptr(JsonObject) rejected = json_object_new ();
  json_object_set_string_member (rejected, "text", "Still alarms");
  json_object_set_string_member (rejected, "note", FL_NOTE_RESOLUTION_REJECTED);
  json_object_set_string_member (rejected, "note_args", "{\"customer\": \"Dr. Wang\"}");
  g_autofree char *rejected_c = fl_work_log_render (rejected);
  fl_test_use_language ("zh_CN");
  g_autofree char *rejected_zh = fl_work_log_render (rejected);
  fl_test_use_language (NULL);
  g_assert_true (g_str_has_prefix (rejected_c, "Resolution rejected: Still alarms. The acceptance by Dr. Wang"));
  g_assert_true (g_str_has_prefix (rejected_zh, "解决方案被退回：Still alarms。Dr. Wang 的验收已撤销"));

  g_autoptr(JsonObject) old = json_object_new ();
  json_object_set_string_member (old, "text", "assigned → in_progress");
  g_autofree char *old_words = fl_work_log_render (old);
  g_assert_cmpstr (old_words, ==, "assigned → in_progress");
}

int
main (int argc, char **argv)
{
  g_setenv ("TZ", "Asia/Shanghai", TRUE);
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, set_up, fn, tear_down)
  ADD ("/work-order/create-derives", test_create_derives_priority_and_due_times);
  ADD ("/work-order/due-times-one-clock-reading", test_due_times_count_from_stored_creation);
  ADD ("/work-order/invalid-draft", test_invalid_draft_writes_nothing);
  ADD ("/work-order/lifecycle", test_lifecycle);
  ADD ("/work-order/allowed-moves", test_allowed_moves_follow_role);
  ADD ("/work-order/cancel-needs-reason", test_cancel_needs_reason);
  ADD ("/work-order/use-part", test_use_part_from_van);
  ADD ("/work-order/failed-inspection", test_failed_inspection_opens_incident);
  ADD ("/work-order/acceptance-only-when-done", test_acceptance_only_when_done);
  ADD ("/work-order/resolve-first-time-fix", test_resolve_records_first_time_fix);
  ADD ("/work-order/rejection-takes-back-acceptance", test_rejection_takes_back_acceptance);
  ADD ("/work-order/reject-out-of-scope", test_reject_out_of_scope);
  ADD ("/work-order/follow-up", test_follow_up_after_closing);
  ADD ("/work-order/system-note-in-readers-language", test_system_note_in_readers_language);
  return g_test_run ();
}
