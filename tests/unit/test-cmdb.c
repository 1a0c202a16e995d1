/* The CI lifecycle and CMDB audit rounds: which moves are allowed, what a
 * mark must say, walking a round offline, and 账实相符率 over a hand-made
 * round. */
#include "fl-test-util.h"

#include <fl-approvals.h>
#include <fl-query.h>

/* ---- lifecycle ---- */

static void
test_lifecycle_allowed (void)
{
  static const char * const path[][2] = {
    { "ordered", "received" }, { "received", "testing" }, { "testing", "in_use" },
    { "in_use", "changing" }, { "changing", "in_use" }, { "changing", "testing" },
    { "in_use", "removed" }, { "removed", "retired" }, { "removed", "testing" },
    { "testing", "received" }, { "ordered", "retired" }, { "in_use", "in_use" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (path); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_true (fl_ci_check_move (path[i][0], path[i][1], &error));
      g_assert_no_error (error);
    }
  /* A new item may start in any state (an import of what is there). */
  g_assert_true (fl_ci_check_move (NULL, "in_use", NULL));
}

static void
test_lifecycle_refused (void)
{
  static const char * const refused[][2] = {
    { "ordered", "in_use" }, { "received", "in_use" }, { "in_use", "ordered" },
    { "in_use", "retired" }, { "changing", "removed" }, { "removed", "in_use" },
    { "retired", "in_use" }, { "retired", "removed" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (fl_ci_check_move (refused[i][0], refused[i][1], &error));
      g_assert_error (error, FL_CI_ERROR, FL_CI_ERROR_MOVE);
    }
  /* The reason names what the item can become instead. */
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_ci_check_move ("in_use", "ordered", &error));
  g_assert_nonnull (strstr (error->message, "Being changed"));
  g_assert_nonnull (strstr (error->message, "Removed"));
  g_clear_error (&error);
  g_assert_false (fl_ci_check_move ("retired", "testing", &error));
  g_assert_nonnull (strstr (error->message, "stays retired"));
  g_clear_error (&error);
  g_assert_false (fl_ci_check_move ("in_use", "lost", &error));
  g_assert_error (error, FL_CI_ERROR, FL_CI_ERROR_MOVE);
}

/* A correction proposed in the field is checked offline too. */
static void
test_lifecycle_proposal (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("AAA", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *json = g_strdup_printf ("{\"code\": \"SRV-1\", \"name\": \"x\", \"type\": \"server\","
                                           " \"site_id\": \"%s\", \"status\": \"in_use\"}", site);
  g_autofree char *ci = fl_test_insert (db, "ci", json);
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_ci_propose_change (db, ci, "status", "in_use", "ordered", "typo", "li.wei", NULL, &error));
  g_assert_error (error, FL_CI_ERROR, FL_CI_ERROR_MOVE);
  g_clear_error (&error);
  g_assert_true (fl_ci_propose_change (db, ci, "status", "in_use", "removed", "taken out", "li.wei", NULL, &error));
  g_assert_no_error (error);
  g_clear_object (&db);
  fl_test_remove_dir (dir);
}

/* ---- the model's rules of a mark and a round ---- */

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *object = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  return object;
}

static void
assert_item (const char *json, gboolean valid)
{
  g_autoptr(JsonObject) item = parse (json);
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (fl_cmdb_audit_check_item (item, &error), ==, valid);
  if (!valid)
    g_assert_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID);
}

#define CI "\"ci_id\": \"0190a5a0-0000-7000-8000-000000000001\""

static void
test_item_rules (void)
{
  assert_item ("{" CI ", \"result\": \"as_recorded\"}", TRUE);
  assert_item ("{" CI ", \"result\": \"missing\"}", TRUE);
  assert_item ("{\"result\": \"missing\"}", FALSE);
  assert_item ("{" CI ", \"result\": \"missing\","
               " \"differences\": {\"location\": {\"recorded\": \"A\", \"found\": \"B\"}}}", FALSE);
  assert_item ("{" CI ", \"result\": \"differs\","
               " \"differences\": {\"location\": {\"recorded\": \"A\", \"found\": \"B\"}}}", TRUE);
  assert_item ("{" CI ", \"result\": \"differs\"}", FALSE);
  assert_item ("{" CI ", \"result\": \"differs\","
               " \"differences\": {\"location\": {\"recorded\": \"A\", \"found\": \"A\"}}}", FALSE);
  /* Only fields one can check on site, and valid values of them. */
  assert_item ("{" CI ", \"result\": \"differs\","
               " \"differences\": {\"site_id\": {\"recorded\": \"x\", \"found\": \"y\"}}}", FALSE);
  assert_item ("{" CI ", \"result\": \"differs\","
               " \"differences\": {\"status\": {\"recorded\": \"in_use\", \"found\": \"lost\"}}}", FALSE);
  assert_item ("{" CI ", \"result\": \"differs\","
               " \"differences\": {\"serial\": {\"recorded\": null, \"found\": \"SN-9\"}}}", TRUE);
  /* Found, not recorded: no CI yet, its code, name and type. */
  assert_item ("{\"result\": \"unrecorded\", \"differences\": {"
               "\"code\": {\"recorded\": null, \"found\": \"UPS-9\"},"
               " \"name\": {\"recorded\": null, \"found\": \"UPS\"},"
               " \"type\": {\"recorded\": null, \"found\": \"ups\"}}}", TRUE);
  assert_item ("{\"result\": \"unrecorded\", \"differences\": {"
               "\"code\": {\"recorded\": null, \"found\": \"UPS-9\"}}}", FALSE);
  assert_item ("{" CI ", \"result\": \"unrecorded\", \"differences\": {"
               "\"code\": {\"recorded\": null, \"found\": \"UPS-9\"},"
               " \"name\": {\"recorded\": null, \"found\": \"UPS\"},"
               " \"type\": {\"recorded\": null, \"found\": \"ups\"}}}", FALSE);
}

static void
assert_change (FlRole role, const char *before_json, const char *after_json, gboolean allowed)
{
  g_autoptr(JsonObject) before = before_json != NULL ? parse (before_json) : NULL;
  g_autoptr(JsonObject) after = parse (after_json);
  g_autoptr(GError) error = NULL;
  g_assert_cmpint (fl_cmdb_audit_check_change (role, "li.wei", before, after, &error), ==, allowed);
  if (!allowed)
    g_assert_nonnull (error);
}

#define ROUND(status, extra) "{\"ref\": \"AUD-1\", \"site_id\": \"s\", \"due_on\": \"2026-12-01\"," \
                             " \"assignee\": \"li.wei\", \"status\": \"" status "\"" extra "}"
#define AT ", \"submitted_at\": \"2026-11-20T08:00:00.000Z\""

static void
test_round_rules (void)
{
  assert_change (FL_ROLE_SUPERVISOR, NULL, ROUND ("planned", ""), TRUE);
  assert_change (FL_ROLE_ENGINEER, NULL, ROUND ("planned", ""), FALSE);
  assert_change (FL_ROLE_SUPERVISOR, NULL, ROUND ("approved", ""), FALSE);
  /* The engineer walks and submits, nothing more. */
  assert_change (FL_ROLE_ENGINEER, ROUND ("planned", ""), ROUND ("in_progress", ""), TRUE);
  assert_change (FL_ROLE_ENGINEER, ROUND ("in_progress", ""), ROUND ("pending", AT), TRUE);
  assert_change (FL_ROLE_ENGINEER, ROUND ("in_progress", ""), ROUND ("pending", ""), FALSE);
  assert_change (FL_ROLE_ENGINEER, ROUND ("rejected", ""), ROUND ("in_progress", ""), TRUE);
  assert_change (FL_ROLE_ENGINEER, ROUND ("in_progress", ""), ROUND ("cancelled", ""), FALSE);
  assert_change (FL_ROLE_ENGINEER, ROUND ("planned", ""),
                 "{\"ref\": \"AUD-1\", \"site_id\": \"s\", \"due_on\": \"2027-06-01\","
                 " \"assignee\": \"li.wei\", \"status\": \"planned\"}", FALSE);
  assert_change (FL_ROLE_SUPERVISOR, ROUND ("planned", ""),
                 "{\"ref\": \"AUD-1\", \"site_id\": \"s\", \"due_on\": \"2027-06-01\","
                 " \"assignee\": \"li.wei\", \"status\": \"planned\"}", TRUE);
  /* Someone else's round. */
  g_autoptr(JsonObject) before = parse ("{\"ref\": \"AUD-1\", \"assignee\": \"zhang.min\", \"status\": \"planned\"}");
  g_autoptr(JsonObject) after = parse ("{\"ref\": \"AUD-1\", \"assignee\": \"zhang.min\", \"status\": \"in_progress\"}");
  g_assert_false (fl_cmdb_audit_check_change (FL_ROLE_ENGINEER, "li.wei", before, after, NULL));
  g_assert_false (fl_cmdb_audit_check_walk (FL_ROLE_ENGINEER, "li.wei", before, NULL));
  g_assert_true (fl_cmdb_audit_check_walk (FL_ROLE_SUPERVISOR, "wang.fang", before, NULL));
  /* Approved and rejected are the approval's; a decided round stays. */
  assert_change (FL_ROLE_SUPERVISOR, ROUND ("pending", AT), ROUND ("approved", AT), FALSE);
  assert_change (FL_ROLE_SUPERVISOR, ROUND ("pending", AT), ROUND ("cancelled", AT), TRUE);
  assert_change (FL_ROLE_SUPERVISOR, ROUND ("approved", AT), ROUND ("in_progress", AT), FALSE);
  assert_change (FL_ROLE_ADMIN, ROUND ("approved", AT), "{\"ref\": \"AUD-1\", \"site_id\": \"s\","
                 " \"due_on\": \"2027-01-01\", \"assignee\": \"li.wei\", \"status\": \"approved\"" AT "}", FALSE);
  g_autoptr(JsonObject) pending = parse (ROUND ("pending", AT));
  g_assert_false (fl_cmdb_audit_check_walk (FL_ROLE_ENGINEER, "li.wei", pending, NULL));
}

static void
test_next_due (void)
{
  g_autofree char *a = fl_cmdb_audit_next_due ("2026-05-20");
  g_autofree char *b = fl_cmdb_audit_next_due ("2026-08-31");
  g_autofree char *c = fl_cmdb_audit_next_due ("2027-08-31");
  g_assert_cmpstr (a, ==, "2026-11-20");
  g_assert_cmpstr (b, ==, "2027-02-28");
  g_assert_cmpstr (c, ==, "2028-02-29");
  g_assert_null (fl_cmdb_audit_next_due ("soon"));
}

/* ---- walking a round on a replica ---- */

typedef struct {
  FlDb *db;
  char *dir;
  char *site, *other_site;
  char *ci[5];
} Fixture;

static char *
insert_ci (FlDb *db, const char *site, const char *code, const char *status)
{
  g_autofree char *json = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"%s\", \"type\": \"server\","
                                           " \"site_id\": \"%s\", \"status\": \"%s\", \"location\": \"Room 1\","
                                           " \"revision\": \"2.1\"}", code, code, site, status);
  return fl_test_insert (db, "ci", json);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("AAA", &f->dir);
  f->site = fl_test_insert_site (f->db);
  f->other_site = fl_test_insert (f->db, "site", "{\"code\": \"HOSP2\", \"name\": \"Second\","
                                  " \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  static const char * const codes[] = { "SRV-A", "SRV-B", "SRV-C", "SRV-D", "SRV-E" };
  for (guint i = 0; i < G_N_ELEMENTS (codes); i++)
    f->ci[i] = insert_ci (f->db, f->site, codes[i], "in_use");
  /* Not on the list: not delivered yet, retired, another site's. */
  g_free (insert_ci (f->db, f->site, "NEW-1", "ordered"));
  g_free (insert_ci (f->db, f->site, "OLD-1", "retired"));
  g_free (insert_ci (f->db, f->other_site, "SRV-X", "in_use"));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  fl_time_set_now_for_testing (0);
  g_object_unref (f->db);
  fl_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->other_site);
  for (guint i = 0; i < G_N_ELEMENTS (f->ci); i++)
    g_free (f->ci[i]);
}

static gint64
at (const char *rfc3339)
{
  gint64 usec = 0;
  g_assert_true (fl_time_parse (rfc3339, &usec, NULL));
  return usec;
}

static char *
plan (Fixture *f, const char *site)
{
  g_autoptr(GError) error = NULL;
  char *id = NULL;
  g_assert_true (fl_cmdb_audit_plan (f->db, site, NULL, "li.wei", FL_ROLE_SUPERVISOR, "wang.fang", &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
mark (Fixture *f, const char *audit, guint ci, FlAuditResult result, const char *found_json)
{
  g_autoptr(JsonObject) found = found_json != NULL ? parse (found_json) : NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_cmdb_audit_mark (f->db, audit, f->ci[ci], result, found, NULL, FL_ROLE_ENGINEER, "li.wei",
                                     NULL, &error));
  g_assert_no_error (error);
}

static void
add_unrecorded (Fixture *f, const char *audit, const char *code)
{
  g_autofree char *json = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"UPS\", \"type\": \"ups\","
                                           " \"location\": \"Room 3\"}", code);
  g_autoptr(JsonObject) found = parse (json);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_cmdb_audit_add_unrecorded (f->db, audit, found, NULL, FL_ROLE_ENGINEER, "li.wei", NULL, &error));
  g_assert_no_error (error);
}

static const char *
status_of (Fixture *f, const char *audit)
{
  static char status[32];
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("cmdb_audit"), audit, NULL);
  g_strlcpy (status, fl_record_get_string (row, "status"), sizeof status);
  return status;
}

/* Walks the hand-made round: A as recorded, B at another place, C missing,
 * D first missing then found, E as recorded, and UPS-9 found twice but
 * not recorded. */
static void
walk (Fixture *f, const char *audit)
{
  mark (f, audit, 0, FL_AUDIT_AS_RECORDED, NULL);
  mark (f, audit, 1, FL_AUDIT_DIFFERS, "{\"location\": \"Room 4\", \"revision\": \"2.1\", \"model\": \"\"}");
  mark (f, audit, 2, FL_AUDIT_MISSING, NULL);
  mark (f, audit, 3, FL_AUDIT_MISSING, NULL);
  mark (f, audit, 3, FL_AUDIT_AS_RECORDED, NULL);
  mark (f, audit, 4, FL_AUDIT_AS_RECORDED, NULL);
  add_unrecorded (f, audit, "UPS-9");
  add_unrecorded (f, audit, "UPS-9");
}

static void
test_walk_round (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  fl_time_set_now_for_testing (at ("2026-11-10T02:00:00.000Z"));
  g_autofree char *audit = plan (f, f->site);
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("cmdb_audit"), audit, NULL);
  g_assert_true (g_str_has_prefix (fl_record_get_string (row, "ref"), "AUD-"));
  g_assert_cmpstr (fl_record_get_string (row, "due_on"), ==, "2026-11-10");  /* never audited: now */
  g_assert_cmpstr (status_of (f, audit), ==, "planned");

  /* One open round per site. */
  g_assert_false (fl_cmdb_audit_plan (f->db, f->site, NULL, NULL, FL_ROLE_SUPERVISOR, "wang.fang", NULL, &error));
  g_assert_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_CLOSED);
  g_clear_error (&error);

  g_autoptr(GPtrArray) cis = fl_cmdb_audit_list_cis (f->db, audit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cis->len, ==, 5);

  mark (f, audit, 0, FL_AUDIT_AS_RECORDED, NULL);
  g_assert_cmpstr (status_of (f, audit), ==, "in_progress");
  /* Nothing differs: refused, it is found as recorded. */
  g_autoptr(JsonObject) same = parse ("{\"location\": \"Room 1\"}");
  g_assert_false (fl_cmdb_audit_mark (f->db, audit, f->ci[1], FL_AUDIT_DIFFERS, same, NULL, FL_ROLE_ENGINEER,
                                      "li.wei", NULL, &error));
  g_assert_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID);
  g_clear_error (&error);
  /* Someone else's round takes no marks from this engineer. */
  g_assert_false (fl_cmdb_audit_mark (f->db, audit, f->ci[1], FL_AUDIT_AS_RECORDED, NULL, NULL, FL_ROLE_ENGINEER,
                                      "zhang.min", NULL, &error));
  g_assert_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_FORBIDDEN);
  g_clear_error (&error);
  /* A recorded code is marked on the list, not added. */
  g_autoptr(JsonObject) known = parse ("{\"code\": \"SRV-C\", \"name\": \"x\", \"type\": \"server\"}");
  g_assert_false (fl_cmdb_audit_add_unrecorded (f->db, audit, known, NULL, FL_ROLE_ENGINEER, "li.wei", NULL, &error));
  g_assert_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID);
  g_clear_error (&error);

  g_assert_false (fl_cmdb_audit_submit (f->db, audit, FL_ROLE_ENGINEER, "li.wei", &error));
  g_assert_nonnull (strstr (error->message, "4 items"));
  g_clear_error (&error);

  gint64 before = fl_changelog_pending_count (f->db, NULL);
  walk (f, audit);
  /* The same mark twice is written once: A again and the second UPS-9
   * write nothing; B, C, D's two marks, E and UPS-9 do. */
  g_assert_cmpint (fl_changelog_pending_count (f->db, NULL) - before, ==, 6);

  g_clear_pointer (&cis, g_ptr_array_unref);
  cis = fl_cmdb_audit_list_cis (f->db, audit, &error);
  g_assert_no_error (error);
  JsonObject *b = g_ptr_array_index (cis, 1);
  g_assert_cmpstr (fl_record_get_string (b, "result"), ==, "differs");
  /* Only what differs, with the recorded value beside what was found. */
  g_autoptr(JsonObject) differences = parse (fl_record_get_string (b, "differences"));
  g_assert_cmpuint (json_object_get_size (differences), ==, 1);
  JsonObject *location = json_object_get_object_member (differences, "location");
  g_assert_cmpstr (json_object_get_string_member (location, "recorded"), ==, "Room 1");
  g_assert_cmpstr (json_object_get_string_member (location, "found"), ==, "Room 4");
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (cis, 3), "result"), ==, "as_recorded");

  g_autoptr(GPtrArray) unrecorded = fl_cmdb_audit_list_unrecorded (f->db, audit, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (unrecorded->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (unrecorded, 0), "code"), ==, "UPS-9");
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (unrecorded, 0), "location"), ==, "Room 3");

  FlCmdbAuditCounts counts;
  g_assert_true (fl_cmdb_audit_count (f->db, audit, &counts, &error));
  g_assert_cmpuint (counts.unmarked, ==, 0);
  g_assert_cmpuint (counts.results[FL_AUDIT_AS_RECORDED], ==, 3);
  g_assert_cmpuint (counts.results[FL_AUDIT_DIFFERS], ==, 1);
  g_assert_cmpuint (counts.results[FL_AUDIT_MISSING], ==, 1);
  g_assert_cmpuint (counts.results[FL_AUDIT_UNRECORDED], ==, 1);

  g_assert_true (fl_cmdb_audit_submit (f->db, audit, FL_ROLE_ENGINEER, "li.wei", &error));
  g_assert_no_error (error);
  g_assert_cmpstr (status_of (f, audit), ==, "pending");
  /* Submitted: no more marks until a supervisor sends it back. */
  g_assert_false (fl_cmdb_audit_mark (f->db, audit, f->ci[2], FL_AUDIT_AS_RECORDED, NULL, NULL, FL_ROLE_ENGINEER,
                                      "li.wei", NULL, &error));
  g_assert_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_CLOSED);
  g_clear_error (&error);

  /* Approved: the one CI found different gets a standard change that
   * brings its record to what was found, waiting for its own approval. */
  const char *params[] = { "cmdb_audit", NULL, NULL, NULL, NULL, NULL };
  g_autoptr(GPtrArray) queue = fl_query_rows (f->db, fl_approvals_queue_sql (), G_N_ELEMENTS (params), params, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (queue->len, ==, 1);
  g_assert_true (fl_approvals_decide (f->db, g_ptr_array_index (queue, 0), FL_ROLE_SUPERVISOR, "wang.fang", TRUE,
                                      NULL, &error));
  g_assert_no_error (error);
  const char *ci_params[] = { f->ci[1] };
  g_autoptr(GPtrArray) changes = fl_query_rows (f->db,
      "SELECT kind, status, by, json_extract (changes, '$.location.from') AS from_value,"
      "       json_extract (changes, '$.location.to') AS to_value FROM change_record WHERE ci_id = ?1",
      1, ci_params, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (changes->len, ==, 1);
  JsonObject *change = g_ptr_array_index (changes, 0);
  g_assert_cmpstr (fl_record_get_string (change, "kind"), ==, "standard");
  g_assert_cmpstr (fl_record_get_string (change, "status"), ==, "requested");
  g_assert_cmpstr (fl_record_get_string (change, "by"), ==, "wang.fang");
  g_assert_cmpstr (fl_record_get_string (change, "from_value"), ==, "Room 1");
  g_assert_cmpstr (fl_record_get_string (change, "to_value"), ==, "Room 4");
  /* Only the CI that differed. */
  g_autoptr(GPtrArray) all = fl_query_rows (f->db, "SELECT id FROM change_record", 0, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (all->len, ==, 1);
}

/* The server's approval, as it arrives on a replica. */
static void
approve (Fixture *f, const char *audit)
{
  g_autoptr(JsonObject) change = json_object_new ();
  json_object_set_string_member (change, "status", "approved");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_changelog_update (f->db, "cmdb_audit", audit, change, &error));
  g_assert_no_error (error);
}

static void
test_due_after_last (Fixture *f, gconstpointer data)
{
  fl_time_set_now_for_testing (at ("2026-05-20T03:00:00.000Z"));
  g_autofree char *audit = plan (f, f->site);
  walk (f, audit);
  g_assert_true (fl_cmdb_audit_submit (f->db, audit, FL_ROLE_ENGINEER, "li.wei", NULL));
  approve (f, audit);
  fl_time_set_now_for_testing (at ("2026-06-01T03:00:00.000Z"));
  g_autofree char *next = plan (f, f->site);
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("cmdb_audit"), next, NULL);
  g_assert_cmpstr (fl_record_get_string (row, "due_on"), ==, "2026-11-20");
}

/* 账实相符率 = found as recorded / items audited, of the approved audits
 * submitted in the period: here 3 (A, D, E) of 6 (five CIs and UPS-9). */
static void
test_kpi (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  fl_time_set_now_for_testing (at ("2026-11-10T02:00:00.000Z"));
  g_autofree char *audit = plan (f, f->site);
  walk (f, audit);
  g_assert_true (fl_cmdb_audit_submit (f->db, audit, FL_ROLE_ENGINEER, "li.wei", &error));
  g_assert_no_error (error);

  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  gint64 start, end;
  fl_kpi_month_range (tz, 2026, 11, &start, &end);
  gint64 as_of = at ("2026-12-05T00:00:00.000Z");
  FlKpiReport r;
  /* Waiting for approval: not counted yet. */
  g_assert_true (fl_kpi_compute (f->db, f->site, start, end, as_of, &r, &error));
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].denominator, ==, 0);

  approve (f, audit);
  /* Another site's round, approved in the same month: 1 of 1. */
  g_autofree char *other = plan (f, f->other_site);
  g_autoptr(GPtrArray) other_cis = fl_cmdb_audit_list_cis (f->db, other, &error);
  g_assert_cmpuint (other_cis->len, ==, 1);
  g_assert_true (fl_cmdb_audit_mark (f->db, other, fl_record_get_string (g_ptr_array_index (other_cis, 0), "id"),
                                     FL_AUDIT_AS_RECORDED, NULL, NULL, FL_ROLE_ENGINEER, "li.wei", NULL, &error));
  g_assert_true (fl_cmdb_audit_submit (f->db, other, FL_ROLE_ENGINEER, "li.wei", &error));
  g_assert_no_error (error);
  approve (f, other);

  g_assert_true (fl_kpi_compute (f->db, f->site, start, end, as_of, &r, &error));
  g_assert_no_error (error);
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].numerator, ==, 3);
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].denominator, ==, 6);
  g_assert_cmpint (r.cmdb.audits, ==, 1);
  g_assert_cmpint (r.cmdb.results[FL_AUDIT_DIFFERS], ==, 1);
  g_assert_cmpint (r.cmdb.results[FL_AUDIT_MISSING], ==, 1);
  g_assert_cmpint (r.cmdb.results[FL_AUDIT_UNRECORDED], ==, 1);
  g_assert_false (fl_kpi_meets_target (FL_KPI_CMDB_ACCURACY, &r.values[FL_KPI_CMDB_ACCURACY]));
  g_autofree char *value = fl_kpi_format_value (FL_KPI_CMDB_ACCURACY, &r.values[FL_KPI_CMDB_ACCURACY]);
  g_assert_cmpstr (value, ==, "50.0%");

  /* Every site: 4 of 7; the month before: nothing. */
  g_assert_true (fl_kpi_compute (f->db, NULL, start, end, as_of, &r, &error));
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].numerator, ==, 4);
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].denominator, ==, 7);
  g_assert_cmpint (r.cmdb.audits, ==, 2);
  fl_kpi_month_range (tz, 2026, 10, &start, &end);
  g_assert_true (fl_kpi_compute (f->db, NULL, start, end, as_of, &r, &error));
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].denominator, ==, 0);
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/cmdb/lifecycle/allowed", test_lifecycle_allowed);
  g_test_add_func ("/cmdb/lifecycle/refused", test_lifecycle_refused);
  g_test_add_func ("/cmdb/lifecycle/proposal", test_lifecycle_proposal);
  g_test_add_func ("/cmdb/audit/item-rules", test_item_rules);
  g_test_add_func ("/cmdb/audit/round-rules", test_round_rules);
  g_test_add_func ("/cmdb/audit/next-due", test_next_due);
  g_test_add ("/cmdb/audit/walk", Fixture, NULL, fixture_set_up, test_walk_round, fixture_tear_down);
  g_test_add ("/cmdb/audit/due-after-last", Fixture, NULL, fixture_set_up, test_due_after_last, fixture_tear_down);
  g_test_add ("/cmdb/audit/kpi", Fixture, NULL, fixture_set_up, test_kpi, fixture_tear_down);
  return g_test_run ();
}
