/* Service levels: which policy applies to a work order, the escalation
 * table of service requests, and the warnings and escalations before and
 * at the due times.  Every expected instant was worked out by hand from the
 * calendar (the comment beside it counts the working hours) and is written
 * in UTC as stored; Asia/Shanghai is UTC+8, working hours 09:00-18:00.
 *
 * 2026 dates used: 09-25 Friday; 09-30 Wednesday; 10-01..10-07 National
 * Day holidays; 10-10 Saturday, an adjusted working day; 10-11 Sunday;
 * 11-23 Monday .. 11-27 Friday, 11-30 Monday. */
#include "fl-changelog.h"
#include "fl-replica-schema.h"
#include "fl-sla.h"
#include "fl-test-replica.h"
#include "fl-time.h"
#include "fl-work-order-sla.h"

#include <glib/gstdio.h>

#include <string.h>

#define NATIONAL_DAY_2026 "2026-10-01,2026-10-02,2026-10-03,2026-10-04,2026-10-05,2026-10-06,2026-10-07"
#define NATIONAL_DAY_2026_WORKING "2026-09-20,2026-10-10"

static gint64
at (const char *text)
{
  gint64 usec = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_time_parse (text, &usec, &error));
  g_assert_no_error (error);
  return usec;
}

#define assert_time(usec, expected) G_STMT_START {          \
    g_autofree char *assert_time_text = fl_time_format (usec); \
    g_assert_cmpstr (assert_time_text, ==, (expected));      \
  } G_STMT_END

static FlCalendar *
shanghai_5x9 (void)
{
  g_autoptr(GError) error = NULL;
  FlCalendar *cal = fl_calendar_new ("Asia/Shanghai", FL_COVERAGE_5X9);
  g_assert_true (fl_calendar_add_days_from_string (cal, NATIONAL_DAY_2026, NATIONAL_DAY_2026_WORKING, &error));
  g_assert_no_error (error);
  return cal;
}

/* ---- which policy applies ------------------------------------------------- */

static JsonObject *
policy_row (const char *site_id, const char *service, const char *priority, int response, int resolve)
{
  JsonObject *row = json_object_new ();
  if (site_id != NULL)
    json_object_set_string_member (row, "site_id", site_id);
  else
    json_object_set_null_member (row, "site_id");
  if (service != NULL)
    json_object_set_string_member (row, "catalogue", service);
  json_object_set_string_member (row, "priority", priority);
  json_object_set_int_member (row, "response_minutes", response);
  json_object_set_int_member (row, "resolve_minutes", resolve);
  return row;
}

typedef struct {
  const char *site_id;
  const char *service;
  FlPriority  priority;
  int         response, resolve;   /* minutes expected */
  int         response_row, resolve_row;  /* index into the rows below, -1 the standard */
} PolicyCase;

/* Rows, in no particular order:
 *  0  every site, no service   high 30 / 60
 *  1  site-a, no service       high 10 / 20    site-a's default
 *  2  site-a, HIS              high  5 / 300
 *  3  every site, HIS          high  8 / 15
 *  4  site-b, HIS              low   1 / 2     another site: never at site-a
 *  5  every site, PACS         high  1 / 1     another service: never for HIS
 *  6  site-a, no service       low 100 / 200
 * The standard: high 24 h / 48 h, medium 24 h / 72 h, low 48 h / 150 h. */
static const PolicyCase policy_cases[] = {
  /* No service: the site's default only (rows 1, 6; 0 overridden). */
  { "site-a", NULL, FL_PRIORITY_HIGH, 10, 20, 1, 1 },
  { "site-a", NULL, FL_PRIORITY_LOW, 100, 200, 6, 6 },
  { "site-a", NULL, FL_PRIORITY_MEDIUM, 24 * 60, 72 * 60, -1, -1 },
  /* HIS at site-a: default 10/20, rows 2 (5/300) and 3 (8/15): the
   * shorter of each, 5 from row 2 and 15 from row 3; PACS's 1/1 never. */
  { "site-a", "HIS", FL_PRIORITY_HIGH, 5, 15, 2, 3 },
  /* Low HIS at site-a: no HIS row for low here (row 4 is site-b's). */
  { "site-a", "HIS", FL_PRIORITY_LOW, 100, 200, 6, 6 },
  /* A service without rows: the site's default. */
  { "site-a", "Printers", FL_PRIORITY_HIGH, 10, 20, 1, 1 },
  /* site-b: default row 0 (30/60), HIS row 3 (8/15) shorter. */
  { "site-b", "HIS", FL_PRIORITY_HIGH, 8, 15, 3, 3 },
  { "site-b", "HIS", FL_PRIORITY_LOW, 1, 2, 4, 4 },
  { "site-b", NULL, FL_PRIORITY_HIGH, 30, 60, 0, 0 },
  { "site-b", NULL, FL_PRIORITY_LOW, 48 * 60, 150 * 60, -1, -1 },
};

static void
test_policy_per_service (void)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (rows, policy_row (NULL, NULL, "high", 30, 60));
  g_ptr_array_add (rows, policy_row ("site-a", NULL, "high", 10, 20));
  g_ptr_array_add (rows, policy_row ("site-a", "HIS", "high", 5, 300));
  g_ptr_array_add (rows, policy_row (NULL, "HIS", "high", 8, 15));
  g_ptr_array_add (rows, policy_row ("site-b", "HIS", "low", 1, 2));
  g_ptr_array_add (rows, policy_row (NULL, "PACS", "high", 1, 1));
  g_ptr_array_add (rows, policy_row ("site-a", NULL, "low", 100, 200));
  for (guint i = 0; i < G_N_ELEMENTS (policy_cases); i++)
    {
      const PolicyCase *c = &policy_cases[i];
      FlSlaChoice choice;
      fl_work_order_choose_policy (c->site_id, c->service, rows, &choice);
      g_test_message ("case %u: %s %s %s", i, c->site_id, c->service, fl_priority_to_string (c->priority));
      g_assert_cmpint (choice.policy.response_minutes[c->priority], ==, c->response);
      g_assert_cmpint (choice.policy.resolve_minutes[c->priority], ==, c->resolve);
      g_assert_true (choice.response_row[c->priority] ==
                     (c->response_row < 0 ? NULL : g_ptr_array_index (rows, c->response_row)));
      g_assert_true (choice.resolve_row[c->priority] ==
                     (c->resolve_row < 0 ? NULL : g_ptr_array_index (rows, c->resolve_row)));
    }
}

static JsonObject *
work_order (const char *kind, const char *service, int impact, int urgency, const char *created_at)
{
  JsonObject *wo = json_object_new ();
  json_object_set_string_member (wo, "id", "0190f0c8-0000-7000-8000-000000000001");
  json_object_set_string_member (wo, "kind", kind);
  json_object_set_string_member (wo, "site_id", "site-a");
  if (service != NULL)
    json_object_set_string_member (wo, "service", service);
  json_object_set_int_member (wo, "impact", impact);
  json_object_set_int_member (wo, "urgency", urgency);
  json_object_set_string_member (wo, "status", "assigned");
  json_object_set_string_member (wo, "created_at", created_at);
  return wo;
}

/* The demo's "wrong today": a contract row for the HIS core systems must
 * not give an unrelated printer incident its 30 min / 4 h. */
static void
test_contract_only_for_its_service (void)
{
  g_autoptr(FlCalendar) cal = shanghai_5x9 ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (rows, policy_row ("site-a", "HIS core", "high", 30, 240));
  /* High (impact 1 x urgency 1), Mon 11-23 09:00+08 = 01:00Z. */
  g_autoptr(JsonObject) printer = work_order ("incident", NULL, 1, 1, "2026-11-23T01:00:00.000Z");
  fl_work_order_derive (printer, cal, rows);
  /* Standard 24 h: Mon 9, Tue 9, Wed 6 -> Wed 15:00+08; 48 h: Mon..Fri 45,
   * Mon 11-30 3 -> 12:00+08. */
  g_assert_cmpstr (json_object_get_string_member (printer, "response_due"), ==, "2026-11-25T07:00:00.000Z");
  g_assert_cmpstr (json_object_get_string_member (printer, "resolve_due"), ==, "2026-11-30T04:00:00.000Z");
  g_autofree char *standard = fl_work_order_describe_policy (printer, rows);
  g_assert_cmpstr (standard, ==, "Due times from the standard targets");

  g_autoptr(JsonObject) his = work_order ("incident", "HIS core", 1, 1, "2026-11-23T01:00:00.000Z");
  fl_work_order_derive (his, cal, rows);
  /* 30 min -> 09:30+08; 240 min -> 13:00+08. */
  g_assert_cmpstr (json_object_get_string_member (his, "response_due"), ==, "2026-11-23T01:30:00.000Z");
  g_assert_cmpstr (json_object_get_string_member (his, "resolve_due"), ==, "2026-11-23T05:00:00.000Z");
  g_assert_true (json_object_get_null_member (his, "request_level"));
  g_autofree char *contract = fl_work_order_describe_policy (his, rows);
  g_assert_cmpstr (contract, ==, "Due times from the policy of “HIS core” at this site");
}

/* ---- service requests ------------------------------------------------------ */

typedef struct {
  const char *path;
  int         impact, urgency;
  const char *created_at;
  const char *level;
  const char *first_line_due, *final_due;
} RequestCase;

static const RequestCase request_cases[] = {
  /* Normal (3 x 3), Fri 09-25 15:00+08.  1 working day = 9 h: Fri 3,
   * Mon 09-28 6 -> 15:00+08.  2 days = 18 h: Fri 3, Mon 9, Tue 6 -> Tue
   * 09-29 15:00+08. */
  { "/service-levels/request/normal-over-weekend", 3, 3, "2026-09-25T07:00:00.000Z", "normal",
    "2026-09-28T07:00:00.000Z", "2026-09-29T07:00:00.000Z" },
  /* Normal, Wed 09-30 14:00+08: Wed 4, National Day 10-01..07 off, Thu
   * 10-08 5 -> 14:00+08; 18 h: 4, Thu 9, Fri 10-09 5 -> 14:00+08. */
  { "/service-levels/request/normal-over-holiday", 4, 2, "2026-09-30T06:00:00.000Z", "normal",
    "2026-10-08T06:00:00.000Z", "2026-10-09T06:00:00.000Z" },
  /* Urgent (1 x 1), Fri 09-25 17:30+08: 30 min Fri, Mon 09-28 30 min ->
   * 09:30+08; 2 h: 30 min, Mon 1 h 30 -> 10:30+08. */
  { "/service-levels/request/urgent-over-weekend", 1, 1, "2026-09-25T09:30:00.000Z", "urgent",
    "2026-09-28T01:30:00.000Z", "2026-09-28T02:30:00.000Z" },
  /* Urgent (2 x 1), Wed 09-30 17:00+08: 1 h ends at closing, Wed 18:00+08;
   * 2 h: Wed 1, Thu 10-08 1 -> 10:00+08. */
  { "/service-levels/request/urgent-over-holiday", 2, 1, "2026-09-30T09:00:00.000Z", "urgent",
    "2026-09-30T10:00:00.000Z", "2026-10-08T02:00:00.000Z" },
  /* Urgent on the adjusted working Saturday 10-10 17:30+08: 30 min, Sunday
   * off, Mon 10-12 30 min -> 09:30+08; 2 h -> 10:30+08. */
  { "/service-levels/request/urgent-adjusted-saturday", 1, 2, "2026-10-10T09:30:00.000Z", "urgent",
    "2026-10-12T01:30:00.000Z", "2026-10-12T02:30:00.000Z" },
};

static void
test_request_case (gconstpointer data)
{
  const RequestCase *c = data;
  g_autoptr(FlCalendar) cal = shanghai_5x9 ();
  /* A policy row of the site never changes a request's table. */
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (rows, policy_row ("site-a", NULL, "high", 5, 10));
  g_autoptr(JsonObject) wo = work_order ("request", NULL, c->impact, c->urgency, c->created_at);
  fl_work_order_derive (wo, cal, rows);
  g_assert_cmpstr (json_object_get_string_member (wo, "request_level"), ==, c->level);
  g_assert_cmpstr (json_object_get_string_member (wo, "response_due"), ==, c->first_line_due);
  g_assert_cmpstr (json_object_get_string_member (wo, "resolve_due"), ==, c->final_due);
}

/* ---- warnings and escalations ------------------------------------------------ */

typedef struct {
  const char *target;
  int         percent;
  const char *level;
  const char *at;
} ExpectedEvent;

static void
assert_events (JsonObject *wo, FlCalendar *cal, const char *now, const ExpectedEvent *expected, guint n)
{
  static const int warnings[] = { 75, 90 };
  g_autoptr(GArray) events = fl_work_order_sla_events (wo, cal, warnings, G_N_ELEMENTS (warnings), at (now));
  g_test_message ("at %s", now);
  g_assert_cmpuint (events->len, ==, n);
  for (guint i = 0; i < n; i++)
    {
      const FlSlaEvent *e = &g_array_index (events, FlSlaEvent, i);
      g_assert_cmpstr (e->target == FL_SLA_TARGET_RESPONSE ? "response" : "resolve", ==, expected[i].target);
      g_assert_cmpint (e->percent, ==, expected[i].percent);
      g_assert_cmpstr (e->level, ==, expected[i].level);
      assert_time (e->at, expected[i].at);
    }
}

/* A high incident, Mon 11-23 09:00+08, standard 24 h / 48 h.
 * Response due Wed 11-25 15:00+08 (07:00Z).  75% = 18 h: Mon 9, Tue 9 ->
 * Tue 18:00+08 (10:00Z); 90% = 21 h 36: Wed 3 h 36 -> 12:36+08 (04:36Z).
 * Resolve due Mon 11-30 12:00+08 (04:00Z).  75% = 36 h: Mon..Thu -> Thu
 * 11-26 18:00+08 (10:00Z); 90% = 43 h 12: Fri 7 h 12 -> 16:12+08 (08:12Z). */
static JsonObject *
high_incident (FlCalendar *cal)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  JsonObject *wo = work_order ("incident", NULL, 1, 1, "2026-11-23T01:00:00.000Z");
  fl_work_order_derive (wo, cal, rows);
  return wo;
}

static void
test_incident_warnings (void)
{
  g_autoptr(FlCalendar) cal = shanghai_5x9 ();
  g_autoptr(JsonObject) wo = high_incident (cal);

  assert_events (wo, cal, "2026-11-24T09:59:59.000Z", NULL, 0);
  const ExpectedEvent first[] = { { "response", 75, NULL, "2026-11-24T10:00:00.000Z" } };
  assert_events (wo, cal, "2026-11-24T10:00:00.000Z", first, G_N_ELEMENTS (first));
  /* At the due instant it is not late yet; a second after, escalated. */
  const ExpectedEvent due[] = {
    { "response", 75, NULL, "2026-11-24T10:00:00.000Z" },
    { "response", 90, NULL, "2026-11-25T04:36:00.000Z" },
  };
  assert_events (wo, cal, "2026-11-25T07:00:00.000Z", due, G_N_ELEMENTS (due));
  const ExpectedEvent late[] = {
    { "response", 75, NULL, "2026-11-24T10:00:00.000Z" },
    { "response", 90, NULL, "2026-11-25T04:36:00.000Z" },
    { "response", 100, "management", "2026-11-25T07:00:00.000Z" },
  };
  assert_events (wo, cal, "2026-11-25T07:00:01.000Z", late, G_N_ELEMENTS (late));

  /* Work starts Wed 10:00+08 (02:00Z), after 75% and before 90%: only the
   * first warning of the response stays; the resolution runs on. */
  json_object_set_string_member (wo, "responded_at", "2026-11-25T02:00:00.000Z");
  const ExpectedEvent unresolved[] = {
    { "response", 75, NULL, "2026-11-24T10:00:00.000Z" },
    { "resolve", 75, NULL, "2026-11-26T10:00:00.000Z" },
    { "resolve", 90, NULL, "2026-11-27T08:12:00.000Z" },
    { "resolve", 100, "management", "2026-11-30T04:00:00.000Z" },
  };
  assert_events (wo, cal, "2026-11-30T05:00:00.000Z", unresolved, G_N_ELEMENTS (unresolved));

  /* On hold from Fri 09:00+08 (01:00Z): the clock stands still before 90%. */
  json_object_set_string_member (wo, "on_hold_since", "2026-11-27T01:00:00.000Z");
  const ExpectedEvent held[] = {
    { "response", 75, NULL, "2026-11-24T10:00:00.000Z" },
    { "resolve", 75, NULL, "2026-11-26T10:00:00.000Z" },
  };
  assert_events (wo, cal, "2026-11-30T05:00:00.000Z", held, G_N_ELEMENTS (held));

  /* Resolved exactly at the due time: on time, no escalation. */
  json_object_remove_member (wo, "on_hold_since");
  json_object_set_string_member (wo, "resolved_at", "2026-11-30T04:00:00.000Z");
  const ExpectedEvent on_time[] = {
    { "response", 75, NULL, "2026-11-24T10:00:00.000Z" },
    { "resolve", 75, NULL, "2026-11-26T10:00:00.000Z" },
    { "resolve", 90, NULL, "2026-11-27T08:12:00.000Z" },
  };
  assert_events (wo, cal, "2026-12-01T05:00:00.000Z", on_time, G_N_ELEMENTS (on_time));
}

/* An urgent request, Mon 11-23 09:00+08: first line 1 h (10:00+08), final
 * 2 h (11:00+08).  75% / 90% of 1 h: 09:45, 09:54; of 2 h: 10:30, 10:48. */
static void
test_request_escalation_levels (void)
{
  g_autoptr(FlCalendar) cal = shanghai_5x9 ();
  g_autoptr(GPtrArray) rows = g_ptr_array_new ();
  g_autoptr(JsonObject) wo = work_order ("request", NULL, 1, 1, "2026-11-23T01:00:00.000Z");
  fl_work_order_derive (wo, cal, rows);
  /* Work started at once: a request's first line is met by resolving it. */
  json_object_set_string_member (wo, "responded_at", "2026-11-23T01:01:00.000Z");
  const ExpectedEvent expected[] = {
    { "response", 75, NULL, "2026-11-23T01:45:00.000Z" },
    { "response", 90, NULL, "2026-11-23T01:54:00.000Z" },
    { "response", 100, "second_line", "2026-11-23T02:00:00.000Z" },
    { "resolve", 75, NULL, "2026-11-23T02:30:00.000Z" },
    { "resolve", 90, NULL, "2026-11-23T02:48:00.000Z" },
    { "resolve", 100, "incident_change", "2026-11-23T03:00:00.000Z" },
  };
  assert_events (wo, cal, "2026-11-23T03:00:01.000Z", expected, G_N_ELEMENTS (expected));

  /* Cancelled at 09:50+08: the clocks stopped there. */
  json_object_set_string_member (wo, "status", "cancelled");
  json_object_set_string_member (wo, "updated_at", "2026-11-23T01:50:00.000Z");
  assert_events (wo, cal, "2026-11-23T03:00:01.000Z", expected, 1);
}

static void
test_warning_settings (void)
{
  int percents[FL_SLA_MAX_WARNINGS];
  g_autoptr(JsonObject) site = json_object_new ();
  g_assert_cmpuint (fl_work_order_sla_warnings (site, percents), ==, 2);
  g_assert_cmpint (percents[0], ==, 75);
  g_assert_cmpint (percents[1], ==, 90);
  json_object_set_string_member (site, "sla_warnings", "50, 80,95");
  g_assert_cmpuint (fl_work_order_sla_warnings (site, percents), ==, 3);
  g_assert_cmpint (percents[0], ==, 50);
  g_assert_cmpint (percents[2], ==, 95);
  /* Not ascending, out of range, not numbers: the defaults. */
  static const char * const bad[] = { "90,75", "0,50", "50,100", "half", "", "1,2,3,4,5" };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      json_object_set_string_member (site, "sla_warnings", bad[i]);
      g_assert_cmpuint (fl_work_order_sla_warnings (site, percents), ==, 2);
      g_assert_cmpint (percents[0], ==, 75);
    }
}

/* The server and a replica recording the same event write the same row. */
static void
test_event_row_ids (void)
{
  FlSlaEvent warning = { FL_SLA_TARGET_RESOLVE, 90, NULL, at ("2026-11-30T04:00:00Z"), at ("2026-11-27T08:12:00Z") };
  FlSlaEvent escalation = { FL_SLA_TARGET_RESOLVE, 100, "management", warning.due, warning.due };
  g_autofree char *a_id = fl_sla_event_id ("wo-1", &warning);
  g_autofree char *b_id = fl_sla_event_id ("wo-1", &warning);
  g_autofree char *c_id = fl_sla_event_id ("wo-1", &escalation);
  g_autofree char *d_id = fl_sla_event_id ("wo-2", &warning);
  g_assert_cmpstr (a_id, ==, b_id);
  g_assert_cmpstr (a_id, !=, c_id);
  g_assert_cmpstr (a_id, !=, d_id);
  g_assert_cmpuint (strlen (a_id), ==, 36);
  g_autoptr(JsonObject) a = fl_sla_event_to_row ("wo-1", &warning);
  g_autoptr(JsonObject) c = fl_sla_event_to_row ("wo-1", &escalation);
  g_assert_cmpstr (json_object_get_string_member (a, "kind"), ==, "warning");
  g_assert_cmpstr (json_object_get_string_member (c, "kind"), ==, "escalation");
  g_assert_cmpstr (json_object_get_string_member (c, "level"), ==, "management");
  g_assert_cmpstr (json_object_get_string_member (a, "at"), ==, "2026-11-27T08:12:00.000Z");
}

/* ---- a replica made before service levels ----------------------------------- */

/* A replica at schema 3 lacks the new columns and the sla_event table;
 * opened by this version it gains them, in the sync shadows too, so the
 * shadow a local update takes still copies the whole row. */
static void
test_old_replica_upgraded (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fl-levels-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (dir, "replica.db", NULL);
  guint n = 0;
  const FlMigration *migrations = fl_replica_migrations (&n);
  g_assert_cmpuint (n, >=, 4);
  {
    g_autoptr(FlDb) old = fl_db_open (path, migrations, 3, &error);
    g_assert_no_error (error);
    /* What schema 3 had. */
    g_assert_true (fl_db_exec (old,
        "ALTER TABLE work_order DROP COLUMN service;"
        "ALTER TABLE work_order DROP COLUMN request_level;"
        "ALTER TABLE work_order DROP COLUMN support_line;"
        "ALTER TABLE site DROP COLUMN sla_warnings;"
        "ALTER TABLE sync_shadow_work_order DROP COLUMN service;"
        "ALTER TABLE sync_shadow_work_order DROP COLUMN request_level;"
        "ALTER TABLE sync_shadow_work_order DROP COLUMN support_line;"
        "ALTER TABLE sync_shadow_site DROP COLUMN sla_warnings;"
        "DROP TABLE sla_event;", &error));
    g_assert_no_error (error);
    g_assert_false (fl_test_has_column (old, "work_order", "service"));
  }
  g_autoptr(FlDb) db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_db_schema_version (db), ==, migrations[n - 1].version);
  g_assert_true (fl_test_has_column (db, "work_order", "service"));
  g_assert_true (fl_test_has_column (db, "work_order", "support_line"));
  g_assert_true (fl_test_has_column (db, "sync_shadow_work_order", "request_level"));
  g_assert_true (fl_test_has_column (db, "sync_shadow_site", "sla_warnings"));
  g_assert_true (fl_test_has_column (db, "sla_event", "level"));

  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"INC-1\", \"kind\": \"incident\", \"title\": \"Down\", \"site_id\": \"%s\","
      " \"impact\": 2, \"urgency\": 2, \"status\": \"new\", \"service\": \"HIS core\"}", site);
  g_autofree char *id = fl_test_insert (db, "work_order", json);
  /* Pretend the server has it, so that the update takes a shadow. */
  g_assert_true (fl_db_exec (db, "DELETE FROM outbox", &error));
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "support_line", "second");
  g_assert_true (fl_changelog_update (db, "work_order", id, values, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM sync_shadow_work_order WHERE service = 'HIS core'"
                                      " AND support_line IS NULL"), ==, 1);
  g_clear_object (&db);
  fl_test_remove_tree (dir);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/service-levels/policy/per-service", test_policy_per_service);
  g_test_add_func ("/service-levels/policy/contract-only-for-its-service", test_contract_only_for_its_service);
  for (guint i = 0; i < G_N_ELEMENTS (request_cases); i++)
    g_test_add_data_func (request_cases[i].path, &request_cases[i], test_request_case);
  g_test_add_func ("/service-levels/events/incident", test_incident_warnings);
  g_test_add_func ("/service-levels/events/request-levels", test_request_escalation_levels);
  g_test_add_func ("/service-levels/events/warning-settings", test_warning_settings);
  g_test_add_func ("/service-levels/events/row-ids", test_event_row_ids);
  g_test_add_func ("/service-levels/old-replica-upgraded", test_old_replica_upgraded);
  return g_test_run ();
}
