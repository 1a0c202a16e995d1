#include "fl-test-util.h"
#include <string.h>

typedef struct {
  FlDb *db;
  char *dir;
  char *site, *part, *store, *ci;
} Fixture;

/* Users are the server's: stored as a pull would; `site` NULL: every site. */
static void
store_user (FlDb *db, const char *login, const char *name, const char *role, const char *site, gboolean disabled)
{
  g_autoptr(GError) error = NULL;
  char id[37];
  fl_uuid7_generate (id);
  g_autoptr(JsonObject) user = json_object_new ();
  json_object_set_string_member (user, "id", id);
  json_object_set_string_member (user, "version", "1");
  json_object_set_string_member (user, "created_at", "2026-11-01T00:00:00.000Z");
  json_object_set_string_member (user, "updated_at", "2026-11-01T00:00:00.000Z");
  json_object_set_string_member (user, "login", login);
  json_object_set_string_member (user, "display_name", name);
  json_object_set_string_member (user, "role", role);
  json_object_set_boolean_member (user, "disabled", disabled);
  JsonArray *sites = json_array_new ();
  if (site != NULL)
    json_array_add_string_element (sites, site);
  json_object_set_array_member (user, "sites", sites);
  g_assert_true (fl_record_store (db, fl_schema_lookup ("user"), user, NULL, &error));
  g_assert_no_error (error);
}

static char *
insert_work_order (Fixture *f, const char *ref, const char *status, const char *assignee, const char *resolved_at)
{
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"incident\", \"title\": \"PACS viewer freezes\", \"site_id\": \"%s\","
      " \"impact\": 2, \"urgency\": 2, \"status\": \"%s\", \"priority\": \"medium\"%s%s%s%s%s}",
      ref, f->site, status, assignee != NULL ? ", \"assignee\": \"" : "", assignee != NULL ? assignee : "",
      assignee != NULL ? "\"" : "", resolved_at != NULL ? ", \"resolved_at\": " : "",
      resolved_at != NULL ? resolved_at : "");
  return fl_test_insert (f->db, "work_order", json);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("AAA", &f->dir);
  f->site = fl_test_insert_site (f->db);
  f->part = fl_test_insert (f->db, "part", "{\"sku\": \"FAN-80\", \"name\": \"80 mm fan\", \"unit\": \"pc\"}");
  g_autofree char *store = g_strdup_printf ("{\"code\": \"WH1\", \"name\": \"Central store\", \"kind\": \"warehouse\","
                                            " \"site_id\": \"%s\"}", f->site);
  f->store = fl_test_insert (f->db, "stock_location", store);
  g_autofree char *ci = g_strdup_printf ("{\"code\": \"SRV-01\", \"name\": \"PACS server\", \"type\": \"server\","
                                         " \"site_id\": \"%s\", \"status\": \"in_use\"}", f->site);
  f->ci = fl_test_insert (f->db, "ci", ci);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->db);
  fl_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->part);
  g_free (f->store);
  g_free (f->ci);
}

static GPtrArray *
queue (Fixture *f, const char *table)
{
  g_autoptr(GError) error = NULL;
  const char *params[] = { table };
  GPtrArray *rows = fl_query_rows (f->db, fl_approvals_queue_sql (), 1, params, &error);
  g_assert_no_error (error);
  return rows;
}

static JsonObject *
row (GPtrArray *rows, guint i)
{
  return g_ptr_array_index (rows, i);
}

/* Every kind of item waiting for a decision, oldest first, with what the
 * supervisor compares; items already decided or not finished are not there. */
static void
test_queue_lists_what_waits (Fixture *f, gconstpointer data)
{
  /* The engineer is known by name; the clerk's user row is not here. */
  store_user (f->db, "eng_a", "Li Wei", "engineer", f->site, FALSE);
  g_autofree char *done = insert_work_order (f, "INC-1", "resolved", "eng_a", "\"2026-11-20T08:00:00.000Z\"");
  g_autofree char *open = insert_work_order (f, "INC-2", "in_progress", "eng_a", NULL);
  g_autofree char *count = NULL, *scrap = NULL, *proposal = NULL, *approved = NULL;
  g_autofree char *json = g_strdup_printf ("{\"location_id\": \"%s\", \"part_id\": \"%s\", \"counted\": 7,"
                                           " \"expected_at_count\": 9, \"by\": \"clerk\","
                                           " \"at\": \"2026-11-21T08:00:00.000Z\", \"status\": \"pending\"}",
                                           f->store, f->part);
  count = fl_test_insert (f->db, "stock_count", json);
  g_free (json);
  json = g_strdup_printf ("{\"location_id\": \"%s\", \"part_id\": \"%s\", \"counted\": 1,"
                          " \"expected_at_count\": 1, \"by\": \"clerk\","
                          " \"at\": \"2026-11-19T08:00:00.000Z\", \"status\": \"approved\"}", f->store, f->part);
  approved = fl_test_insert (f->db, "stock_count", json);
  g_free (json);
  json = g_strdup_printf ("{\"location_id\": \"%s\", \"part_id\": \"%s\", \"qty\": 2, \"reason\": \"Bearing noise\","
                          " \"by\": \"clerk\", \"at\": \"2026-11-22T08:00:00.000Z\", \"status\": \"pending\"}",
                          f->store, f->part);
  scrap = fl_test_insert (f->db, "scrap_request", json);
  g_free (json);
  json = g_strdup_printf ("{\"ci_id\": \"%s\", \"changes\": {\"location\": {\"from\": null, \"to\": \"Room 3\"}},"
                          " \"reason\": \"Moved\", \"by\": \"eng_a\", \"at\": \"2026-11-23T08:00:00.000Z\","
                          " \"status\": \"pending\"}", f->ci);
  proposal = fl_test_insert (f->db, "ci_change_proposal", json);

  g_autoptr(GPtrArray) all = queue (f, NULL);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpstr (fl_record_get_string (row (all, 0), "target_table"), ==, "work_order");
  g_assert_cmpstr (fl_record_get_string (row (all, 0), "id"), ==, done);
  g_assert_cmpstr (fl_record_get_string (row (all, 0), "who"), ==, "eng_a");
  g_assert_cmpstr (fl_record_get_string (row (all, 0), "who_name"), ==, "Li Wei");
  g_assert_cmpstr (fl_record_get_string (row (all, 1), "who_name"), ==, "clerk");
  g_assert_cmpstr (fl_record_get_string (row (all, 0), "priority"), ==, "medium");
  g_assert_cmpstr (fl_record_get_string (row (all, 1), "id"), ==, count);
  g_assert_cmpint (fl_record_get_int (row (all, 1), "counted", 0), ==, 7);
  g_assert_cmpint (fl_record_get_int (row (all, 1), "expected", 0), ==, 9);
  g_assert_cmpstr (fl_record_get_string (row (all, 1), "place"), ==, "WH1 · Central store");
  g_assert_cmpstr (fl_record_get_string (row (all, 1), "site_id"), ==, f->site);
  g_assert_cmpstr (fl_record_get_string (row (all, 2), "id"), ==, scrap);
  g_assert_cmpint (fl_record_get_int (row (all, 2), "qty", 0), ==, 2);
  g_assert_cmpstr (fl_record_get_string (row (all, 2), "reason"), ==, "Bearing noise");
  g_assert_cmpstr (fl_record_get_string (row (all, 3), "id"), ==, proposal);
  g_assert_cmpstr (fl_record_get_string (row (all, 3), "ref"), ==, "SRV-01");
  g_assert_null (fl_record_get_string (row (all, 3), "approval_state"));

  g_autoptr(GPtrArray) scraps = queue (f, "scrap_request");
  g_assert_cmpuint (scraps->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (row (scraps, 0), "id"), ==, scrap);
}

static GPtrArray *
filtered (Fixture *f, const char *kind, const char *text, const char *site, const char *who,
          const char *since, const char *order)
{
  g_autoptr(GError) error = NULL;
  const char *params[] = { kind, text, site, who, since, order };
  GPtrArray *rows = fl_query_rows (f->db, fl_approvals_queue_sql (), G_N_ELEMENTS (params), params, &error);
  g_assert_no_error (error);
  return rows;
}

/* The queue is searched and filtered by kind, site, engineer and age,
 * sorted newest or most urgent first, and several items are approved in
 * one go, all or none. */
static void
test_queue_filters_and_approve_all (Fixture *f, gconstpointer data)
{
  g_autofree char *old = insert_work_order (f, "INC-1", "resolved", "eng_a", "\"2026-11-20T08:00:00.000Z\"");
  g_autofree char *recent = insert_work_order (f, "INC-2", "resolved", "eng_b", "\"2026-11-22T08:00:00.000Z\"");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_db_exec (f->db, "UPDATE work_order SET priority = 'high' WHERE ref = 'INC-2'", &error));

  g_autoptr(GPtrArray) by_b = filtered (f, NULL, NULL, NULL, "eng_b", NULL, NULL);
  g_assert_cmpuint (by_b->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (row (by_b, 0), "id"), ==, recent);
  g_autoptr(GPtrArray) older = filtered (f, "work_order", NULL, f->site, NULL, "2026-11-21T00:00:00.000Z", NULL);
  g_assert_cmpuint (older->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (row (older, 0), "id"), ==, old);
  g_autoptr(GPtrArray) found = filtered (f, NULL, "inc-2", NULL, NULL, NULL, NULL);
  g_assert_cmpuint (found->len, ==, 1);
  g_autoptr(GPtrArray) elsewhere = filtered (f, NULL, NULL, "no-such-site", NULL, NULL, NULL);
  g_assert_cmpuint (elsewhere->len, ==, 0);
  g_autoptr(GPtrArray) newest = filtered (f, NULL, NULL, NULL, NULL, NULL, "newest");
  g_assert_cmpstr (fl_record_get_string (row (newest, 0), "id"), ==, recent);
  g_autoptr(GPtrArray) oldest = filtered (f, NULL, NULL, NULL, NULL, NULL, NULL);
  g_assert_cmpstr (fl_record_get_string (row (oldest, 0), "id"), ==, old);
  g_autoptr(GPtrArray) most_urgent = filtered (f, NULL, NULL, NULL, NULL, NULL, "urgent");
  g_assert_cmpstr (fl_record_get_string (row (most_urgent, 0), "id"), ==, recent);

  /* An engineer cannot approve them; nothing is written. */
  g_assert_false (fl_approvals_approve_all (f->db, oldest, FL_ROLE_ENGINEER, "eng_a", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM approval"), ==, 0);
  g_assert_true (fl_approvals_approve_all (f->db, oldest, FL_ROLE_SUPERVISOR, "super", &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM approval WHERE decision = 'approved'"), ==, 2);
  /* Taken again before the sync: refused, naming the item, nothing more written. */
  g_autoptr(GPtrArray) waiting = filtered (f, NULL, NULL, NULL, NULL, NULL, NULL);
  g_assert_false (fl_approvals_approve_all (f->db, waiting, FL_ROLE_SUPERVISOR, "super", &error));
  g_assert_nonnull (strstr (error->message, "INC-1"));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM approval"), ==, 2);
}

/* A rejection needs a reason; a decision waits for the sync and cannot be
 * taken twice; an engineer cannot decide at all. */
static void
test_decide (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *done = insert_work_order (f, "INC-1", "resolved", "eng_a", "\"2026-11-20T08:00:00.000Z\"");
  g_autoptr(GPtrArray) before = queue (f, NULL);
  JsonObject *item = row (before, 0);

  g_assert_false (fl_approvals_decide (f->db, item, FL_ROLE_SUPERVISOR, "super", FALSE, "  ", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_clear_error (&error);
  g_assert_false (fl_approvals_decide (f->db, item, FL_ROLE_ENGINEER, "eng_a", TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM approval"), ==, 0);

  g_assert_true (fl_approvals_decide (f->db, item, FL_ROLE_SUPERVISOR, "super", TRUE, " Checked on site ", &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM approval WHERE target_table = 'work_order'"
                                         " AND decision = 'approved' AND by = 'super'"
                                         " AND comment = 'Checked on site' AND target_version = 1"), ==, 1);

  g_autoptr(GPtrArray) after = queue (f, NULL);
  JsonObject *decided = row (after, 0);
  g_assert_cmpstr (fl_record_get_string (decided, "approval_decision"), ==, "approved");
  g_assert_cmpstr (fl_record_get_string (decided, "approval_state"), ==, "pending");
  g_assert_true (fl_approvals_decision_waiting (decided));
  g_assert_false (fl_approvals_decide (f->db, decided, FL_ROLE_SUPERVISOR, "super", TRUE, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM approval"), ==, 1);
}

static JsonObject *
assignment (Fixture *f, const char *id)
{
  g_autoptr(GError) error = NULL;
  const char *params[] = { NULL };
  g_autoptr(GPtrArray) rows = fl_query_rows (f->db, fl_approvals_assignments_sql (), 1, params, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (fl_record_get_string (row (rows, i), "id"), id) == 0)
      return json_object_ref (row (rows, i));
  g_assert_not_reached ();
}

/* Assigning a new order assigns it; reassigning notes who had it. */
static void
test_assign (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  store_user (f->db, "eng_a", "Li Wei", "engineer", f->site, FALSE);
  store_user (f->db, "eng_b", "Wang Fang", "engineer", NULL, FALSE);
  g_autofree char *wo = insert_work_order (f, "INC-3", "new", NULL, NULL);
  g_autofree char *other = insert_work_order (f, "INC-4", "assigned", "eng_b", NULL);
  const char *params[] = { "unassigned" };
  g_autoptr(GPtrArray) unassigned = fl_query_rows (f->db, fl_approvals_assignments_sql (), 1, params, &error);
  g_assert_cmpuint (unassigned->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (row (unassigned, 0), "id"), ==, wo);

  g_autoptr(JsonObject) fresh = assignment (f, wo);
  g_assert_true (fl_approvals_assign (f->db, fresh, FL_ROLE_SUPERVISOR, "super", "eng_a", &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) assigned = assignment (f, wo);
  g_assert_cmpstr (fl_record_get_string (assigned, "assignee"), ==, "eng_a");
  g_assert_cmpstr (fl_record_get_string (assigned, "status"), ==, "assigned");

  g_autoptr(JsonObject) taken = assignment (f, other);
  g_assert_true (fl_approvals_assign (f->db, taken, FL_ROLE_SUPERVISOR, "super", "eng_a", &error));
  g_assert_no_error (error);
  g_autoptr(GPtrArray) log = fl_approvals_list_work_log (f->db, other, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (log->len, ==, 1);
  g_autofree char *words = fl_work_log_render (row (log, 0));
  g_assert_cmpstr (words, ==, "Reassigned from eng_b to eng_a");
  g_assert_cmpstr (fl_record_get_string (row (log, 0), "author"), ==, "super");

  /* The same assignee again changes nothing. */
  gint64 outbox = fl_test_count (f->db, "SELECT count(*) FROM outbox");
  g_autoptr(JsonObject) again = assignment (f, other);
  g_assert_true (fl_approvals_assign (f->db, again, FL_ROLE_SUPERVISOR, "super", "eng_a", &error));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox"), ==, outbox);
}

/* The engineers of the order's site (or of every site), by name; nobody
 * disabled, nobody of another site, no other role: whom the server accepts. */
static void
test_assignees (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *elsewhere = fl_test_insert (f->db, "site", "{\"code\": \"HOSP2\", \"name\": \"Clinic\","
                                               " \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  store_user (f->db, "super", "Zhou Min", "supervisor", f->site, FALSE);
  store_user (f->db, "eng_b", "Wang Fang", "engineer", NULL, FALSE);
  store_user (f->db, "eng_a", "Li Wei", "engineer", f->site, FALSE);
  store_user (f->db, "eng_c", "An Ning", "engineer", elsewhere, FALSE);
  store_user (f->db, "gone", "Chen Gang", "engineer", f->site, TRUE);
  store_user (f->db, "clerk", "Sun Li", "clerk", f->site, FALSE);
  g_autoptr(GPtrArray) people = fl_approvals_list_assignees (f->db, f->site, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (people->len, ==, 2);
  g_assert_cmpstr (fl_record_get_string (row (people, 0), "login"), ==, "eng_a");
  g_assert_cmpstr (fl_record_get_string (row (people, 0), "display_name"), ==, "Li Wei");
  g_assert_cmpstr (fl_record_get_string (row (people, 1), "login"), ==, "eng_b");

  /* Nobody else can be given an order of the site, offline either. */
  g_autofree char *wo = insert_work_order (f, "INC-6", "new", NULL, NULL);
  gint64 outbox = fl_test_count (f->db, "SELECT count(*) FROM outbox");
  const char * const refused[] = { "eng_c", "gone", "clerk", "super", "nobody" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(JsonObject) fresh = assignment (f, wo);
      g_assert_false (fl_approvals_assign (f->db, fresh, FL_ROLE_SUPERVISOR, "super", refused[i], &error));
      g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN);
      g_assert_nonnull (strstr (error->message, refused[i]));
      g_clear_error (&error);
    }
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox"), ==, outbox);
}

/* What the review of a resolved order shows: parts used, its photos only. */
static void
test_work_order_facts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wo = insert_work_order (f, "INC-5", "resolved", "eng_a", "\"2026-11-20T08:00:00.000Z\"");
  FlStockMovement use = { FL_MOVE_USE, f->part, 2, f->store, NULL, "SN-9", wo, NULL, NULL, "eng_a" };
  g_assert_true (fl_stock_post (f->db, &use, NULL, &error));
  g_autofree char *photo = g_strdup_printf ("{\"owner_table\": \"work_order\", \"owner_id\": \"%s\", \"sha256\": \"%s\","
                                            " \"mime\": \"image/jpeg\", \"size\": 10, \"filename\": \"rack.jpg\","
                                            " \"by\": \"eng_a\", \"at\": \"2026-11-20T07:00:00.000Z\"}",
                                            wo, "ab12");
  g_free (fl_test_insert (f->db, "attachment", photo));
  g_autofree char *pdf = g_strdup_printf ("{\"owner_table\": \"work_order\", \"owner_id\": \"%s\", \"sha256\": \"cd34\","
                                          " \"mime\": \"application/pdf\", \"size\": 10, \"by\": \"eng_a\","
                                          " \"at\": \"2026-11-20T07:00:00.000Z\"}", wo);
  g_free (fl_test_insert (f->db, "attachment", pdf));

  g_autoptr(GPtrArray) parts = fl_approvals_list_parts_used (f->db, wo, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_cmpint (fl_record_get_int (row (parts, 0), "qty", 0), ==, 2);
  g_assert_cmpstr (fl_record_get_string (row (parts, 0), "sku"), ==, "FAN-80");
  g_assert_cmpstr (fl_record_get_string (row (parts, 0), "serial"), ==, "SN-9");
  g_assert_cmpstr (fl_record_get_string (row (parts, 0), "from_code"), ==, "WH1");
  g_autoptr(GPtrArray) photos = fl_approvals_list_photos (f->db, wo, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (photos->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (row (photos, 0), "sha256"), ==, "ab12");
  g_assert_cmpstr (fl_record_get_string (row (photos, 0), "caption"), ==, "rack.jpg");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/approvals/queue", test_queue_lists_what_waits);
  ADD ("/approvals/filters-and-approve-all", test_queue_filters_and_approve_all);
  ADD ("/approvals/decide", test_decide);
  ADD ("/approvals/assign", test_assign);
  ADD ("/approvals/assignees", test_assignees);
  ADD ("/approvals/work-order-facts", test_work_order_facts);
  return g_test_run ();
}
