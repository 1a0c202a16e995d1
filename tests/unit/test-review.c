/* The periodic service review (000 4.2, 001 8.4): the periods a report
 * takes (month, quarter, year, any two days) and the figures it adds over a
 * small data set, each worked out by hand beside its rows: problems opened,
 * closed and made known errors, changes by kind and outcome, security
 * events by grade, and each headline figure against the period before. */
#include "fl-kpi.h"
#include "fl-security.h"
#include "fl-test-replica.h"

static gint64
utc (const char *text)
{
  gint64 usec = 0;
  g_assert_true (fl_time_parse (text, &usec, NULL));
  return usec;
}

typedef struct {
  const char *text;
  const char *start, *end;  /* UTC; Asia/Shanghai is 8 h ahead */
  FlKpiPeriodKind kind;
} PeriodCase;

static const PeriodCase period_cases[] = {
  { "2026-10", "2026-09-30T16:00:00.000Z", "2026-10-31T16:00:00.000Z", FL_KPI_PERIOD_MONTH },
  { "2026-Q3", "2026-06-30T16:00:00.000Z", "2026-09-30T16:00:00.000Z", FL_KPI_PERIOD_QUARTER },
  { "2026-Q1", "2025-12-31T16:00:00.000Z", "2026-03-31T16:00:00.000Z", FL_KPI_PERIOD_QUARTER },
  { "2026", "2025-12-31T16:00:00.000Z", "2026-12-31T16:00:00.000Z", FL_KPI_PERIOD_YEAR },
  /* Both days included: the 15th ends at midnight before the 16th. */
  { "2026-10-01..2026-10-15", "2026-09-30T16:00:00.000Z", "2026-10-15T16:00:00.000Z", FL_KPI_PERIOD_CUSTOM },
  { "2026-11-30..2026-11-30", "2026-11-29T16:00:00.000Z", "2026-11-30T16:00:00.000Z", FL_KPI_PERIOD_CUSTOM },
};

static void
test_periods (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  for (guint i = 0; i < G_N_ELEMENTS (period_cases); i++)
    {
      const PeriodCase *c = &period_cases[i];
      g_test_message ("%s", c->text);
      g_autoptr(GError) error = NULL;
      gint64 start = 0, end = 0;
      g_assert_true (fl_kpi_parse_period (tz, c->text, &start, &end, &error));
      g_assert_no_error (error);
      g_assert_cmpint (start, ==, utc (c->start));
      g_assert_cmpint (end, ==, utc (c->end));
      g_assert_cmpint (fl_kpi_period_kind (tz, start, end), ==, c->kind);
      g_autofree char *again = fl_kpi_format_period (tz, start, end);
      g_assert_cmpstr (again, ==, c->text);
    }
  /* Two whole months are not a calendar period: they read as their days. */
  g_autofree char *two_months = fl_kpi_format_period (tz, utc ("2026-09-30T16:00:00.000Z"),
                                                      utc ("2026-11-30T16:00:00.000Z"));
  g_assert_cmpstr (two_months, ==, "2026-10-01..2026-11-30");

  static const char * const wrong[] = {
    "2026-Q5", "2026-13", "2026-00", "26", "soon", "", "2026-10-15..2026-10-01", "2026-02-30..2026-03-01",
    "2026-10-01..", "2026-Q3x" };
  for (guint i = 0; i < G_N_ELEMENTS (wrong); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 start, end;
      g_test_message ("wrong: %s", wrong[i]);
      g_assert_false (fl_kpi_parse_period (tz, wrong[i], &start, &end, &error));
      g_assert_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID);
      /* The message shows how to write one. */
      g_assert_nonnull (strstr (error->message, "2026-Q3"));
    }
}

static void
exec (FlDb *db, const char *sql)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

static void
problem (FlDb *db, const char *site, const char *at, const char *status, gboolean known_error,
         const char *last_change)
{
  g_autofree char *ref = fl_uuid7_new ();
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"title\": \"p\", \"site_id\": \"%s\", \"origin\": \"incident\", \"priority\": 2,"
      " \"status\": \"%s\", \"known_error\": %s, \"by\": \"sun.li\", \"at\": \"%s\"}",
      ref, site, status, known_error ? "true" : "false", at);
  g_autofree char *id = fl_test_insert (db, "problem", json);
  g_autofree char *sql = g_strdup_printf ("UPDATE problem SET updated_at = '%s' WHERE id = '%s'",
                                          last_change, id);
  exec (db, sql);
}

static void
change (FlDb *db, const char *site, const char *kind, const char *status, const char *at)
{
  g_autofree char *ref = fl_uuid7_new ();
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"%s\", \"title\": \"c\", \"reason\": \"r\", \"site_id\": \"%s\","
      " \"status\": \"%s\", \"by\": \"sun.li\", \"at\": \"%s\"}", ref, kind, site, status, at);
  g_free (fl_test_insert (db, "change_record", json));
}

/* A security incident created a day before its response was due. */
static void
security_incident (FlDb *db, const char *site, const char *created, const char *due, const char *responded,
                   int outage_minutes, const char *grade)
{
  g_autofree char *ref = fl_uuid7_new ();
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"incident\", \"title\": \"s\", \"site_id\": \"%s\", \"impact\": 2,"
      " \"urgency\": 2, \"priority\": \"high\", \"status\": \"in_progress\", \"category\": \"security\", \"outage_minutes\": %d,"
      " \"security_grade\": \"%s\", \"response_due\": \"%s\", \"responded_at\": \"%s\"}",
      ref, site, outage_minutes, grade, due, responded);
  g_autofree char *id = fl_test_insert (db, "work_order", json);
  g_autofree char *sql = g_strdup_printf ("UPDATE work_order SET created_at = '%s' WHERE id = '%s'", created, id);
  exec (db, sql);
}

/* The third quarter of 2026 (UTC) against the second:
 *   problems  Q3 opened P1 P2 (P4 cancelled), closed P1 P3, known error P2
 *             Q2 opened P3 P5, none closed, no known error
 *   changes   Q3 standard: C1 closed, C2 implemented (2 done); major: C3
 *             failed; emergency: C4 rejected; general: C5 requested (open)
 *             Q2 general: C6 closed
 *   security  Q3 an event (30 min) responded in time, a major one (600 min)
 *             responded a day late: response on time 1 of 2;
 *             Q2 an incident (300 min) in time: 1 of 1 */
static void
test_review_figures (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("REV", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  problem (db, site, "2026-07-10T02:00:00.000Z", "closed", FALSE, "2026-08-20T02:00:00.000Z");       /* P1 */
  problem (db, site, "2026-08-05T02:00:00.000Z", "known_error", TRUE, "2026-08-06T02:00:00.000Z");   /* P2 */
  problem (db, site, "2026-05-01T02:00:00.000Z", "closed", FALSE, "2026-07-15T02:00:00.000Z");       /* P3 */
  problem (db, site, "2026-09-01T02:00:00.000Z", "cancelled", FALSE, "2026-09-02T02:00:00.000Z");    /* P4 */
  problem (db, site, "2026-06-01T02:00:00.000Z", "investigating", FALSE, "2026-06-02T02:00:00.000Z"); /* P5 */
  change (db, site, "standard", "closed", "2026-07-03T02:00:00.000Z");      /* C1 */
  change (db, site, "standard", "implemented", "2026-08-03T02:00:00.000Z"); /* C2 */
  change (db, site, "major", "failed", "2026-09-10T02:00:00.000Z");         /* C3 */
  change (db, site, "emergency", "rejected", "2026-07-20T02:00:00.000Z");   /* C4 */
  change (db, site, "general", "requested", "2026-09-29T02:00:00.000Z");    /* C5 */
  change (db, site, "general", "closed", "2026-06-15T02:00:00.000Z");       /* C6 */
  security_incident (db, site, "2026-07-05T02:00:00.000Z", "2026-07-06T02:00:00.000Z",
                     "2026-07-05T03:00:00.000Z", 30, "event");
  security_incident (db, site, "2026-08-08T02:00:00.000Z", "2026-08-09T02:00:00.000Z",
                     "2026-08-10T02:00:00.000Z", 600, "major");
  security_incident (db, site, "2026-05-05T02:00:00.000Z", "2026-05-06T02:00:00.000Z",
                     "2026-05-05T04:00:00.000Z", 300, "incident");

  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GError) error = NULL;
  gint64 start, end, previous_start, previous_end;
  g_assert_true (fl_kpi_parse_period (tz, "2026-Q3", &start, &end, &error));
  fl_kpi_previous_period (tz, start, end, &previous_start, &previous_end);
  g_assert_cmpint (previous_start, ==, utc ("2026-04-01T00:00:00.000Z"));
  gint64 as_of = utc ("2026-10-05T00:00:00.000Z");
  FlKpiReviewPeriod q3, q2;
  g_assert_true (fl_kpi_compute_review_period (db, NULL, start, end, as_of, &q3, &error));
  g_assert_no_error (error);
  g_assert_true (fl_kpi_compute_review_period (db, site, previous_start, previous_end, as_of, &q2, &error));
  g_assert_no_error (error);

  g_assert_cmpint (q3.problems.opened, ==, 2);
  g_assert_cmpint (q3.problems.closed, ==, 2);
  g_assert_cmpint (q3.problems.known_errors, ==, 1);
  g_assert_cmpint (q2.problems.opened, ==, 2);
  g_assert_cmpint (q2.problems.closed, ==, 0);
  g_assert_cmpint (q2.problems.known_errors, ==, 0);

  /* Kinds in the order standard, general, major, emergency. */
  static const gint64 q3_changes[FL_KPI_N_CHANGE_KINDS][FL_KPI_N_CHANGE_OUTCOMES] = {
    /* open, done, failed, rejected */
    { 0, 2, 0, 0 }, { 1, 0, 0, 0 }, { 0, 0, 1, 0 }, { 0, 0, 0, 1 } };
  for (guint k = 0; k < FL_KPI_N_CHANGE_KINDS; k++)
    for (guint o = 0; o < FL_KPI_N_CHANGE_OUTCOMES; o++)
      {
        g_test_message ("%s %s", fl_kpi_change_kind_id (k), fl_kpi_change_outcome_id (o));
        g_assert_cmpint (q3.changes[k][o], ==, q3_changes[k][o]);
        g_assert_cmpint (q2.changes[k][o], ==, k == 1 && o == FL_KPI_CHANGE_DONE ? 1 : 0);
      }

  g_assert_cmpint (q3.security[FL_SECURITY_EVENT], ==, 1);
  g_assert_cmpint (q3.security[FL_SECURITY_INCIDENT], ==, 0);
  g_assert_cmpint (q3.security[FL_SECURITY_MAJOR], ==, 1);
  g_assert_cmpint (q2.security[FL_SECURITY_INCIDENT], ==, 1);

  /* The headline figures, the previous ones and the change. */
  static const struct {
    guint headline;
    const char *value, *previous, *change;
  } headlines[] = {
    { FL_KPI_RESPONSE_ON_TIME, "50.0%", "100.0%", "−50.0 pp" },
    { FL_KPI_MTTR, "—", "—", "—" },
    { FL_KPI_HEADLINE_INCIDENTS, "2", "1", "+1" },
    { FL_KPI_HEADLINE_PROBLEMS_OPENED, "2", "2", "0" },
    { FL_KPI_HEADLINE_PROBLEMS_CLOSED, "2", "0", "+2" },
    { FL_KPI_HEADLINE_KNOWN_ERRORS, "1", "0", "+1" },
    { FL_KPI_HEADLINE_CHANGES, "5", "1", "+4" },
    { FL_KPI_HEADLINE_CHANGES_FAILED, "1", "0", "+1" },
    { FL_KPI_HEADLINE_SECURITY, "2", "1", "+1" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (headlines); i++)
    {
      guint h = headlines[i].headline;
      g_test_message ("%s", fl_kpi_headline_id (h));
      g_autofree char *value = fl_kpi_format_headline (&q3, h);
      g_autofree char *previous = fl_kpi_format_headline (&q2, h);
      g_autofree char *difference = fl_kpi_format_headline_change (&q3, &q2, h);
      g_assert_cmpstr (value, ==, headlines[i].value);
      g_assert_cmpstr (previous, ==, headlines[i].previous);
      g_assert_cmpstr (difference, ==, headlines[i].change);
    }
  g_assert_cmpfloat (fl_kpi_headline_figure (&q3, FL_KPI_RESPONSE_ON_TIME), ==, 0.5);
  g_assert_cmpstr (fl_kpi_headline_id (FL_KPI_HEADLINE_SECURITY), ==, "security_events");
}

static char *
work_order (FlDb *db, const char *site, const char *kind, const char *status, const char *created)
{
  g_autofree char *ref = fl_uuid7_new ();
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"%s\", \"title\": \"w\", \"site_id\": \"%s\", \"impact\": 3,"
      " \"urgency\": 3, \"priority\": \"normal\", \"status\": \"%s\"}", ref, kind, site, status);
  char *id = fl_test_insert (db, "work_order", json);
  g_autofree char *sql = g_strdup_printf ("UPDATE work_order SET created_at = '%s' WHERE id = '%s'", created, id);
  exec (db, sql);
  return id;
}

/* A work-log entry; with `revises`, a correction of that entry. */
static char *
work_log (FlDb *db, const char *order, const char *author, const char *at, const char *kind, int minutes,
          const char *revises, gboolean voided)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_string_printf (json, "{\"work_order_id\": \"%s\", \"author\": \"%s\", \"at\": \"%s\", \"kind\": \"%s\","
                   " \"minutes\": %d", order, author, at, kind, minutes);
  if (revises != NULL)
    g_string_append_printf (json, ", \"revises\": \"%s\"", revises);
  if (voided)
    g_string_append (json, ", \"voided\": true");
  g_string_append (json, "}");
  return fl_test_insert (db, "work_log", json->str);
}

/* 001 8.4.2 and 8.4.3, Q3 2026 (UTC) against Q2, worked by hand:
 *   orders    Q3: request R1, maintenance M2 (request R3 cancelled: not
 *             counted) = 2, of them 1 request; Q2: maintenance M1 = 1
 *   labour    Q3 on R1: sun.li 90; zhou.min 60 corrected to 30, then to
 *             20 (the latest counts); wang.wu 45 voided; zhou.min 120 on
 *             1 Oct (Q4) = 110 min (1.8 h) by 2 people
 *             Q2 on M1: sun.li 50 = 50 min (0.8 h) by 1
 *   travel    Q3: sun.li 40 (0.7 h); Q2: none */
static void
test_review_demand (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("DEM", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_autofree char *r1 = work_order (db, site, "request", "closed", "2026-07-15T01:00:00.000Z");
  g_autofree char *m2 = work_order (db, site, "maintenance", "new", "2026-09-30T23:59:00.000Z");
  g_autofree char *r3 = work_order (db, site, "request", "cancelled", "2026-08-20T01:00:00.000Z");
  g_autofree char *m1 = work_order (db, site, "maintenance", "closed", "2026-06-10T01:00:00.000Z");
  g_free (work_log (db, r1, "sun.li", "2026-07-15T03:00:00.000Z", "labour", 90, NULL, FALSE));
  g_free (work_log (db, r1, "sun.li", "2026-07-15T02:00:00.000Z", "travel", 40, NULL, FALSE));
  g_autofree char *zhou = work_log (db, r1, "zhou.min", "2026-07-16T03:00:00.000Z", "labour", 60, NULL, FALSE);
  g_free (work_log (db, r1, "zhou.min", "2026-07-20T03:00:00.000Z", "labour", 20, zhou, FALSE));
  g_free (work_log (db, r1, "zhou.min", "2026-07-18T03:00:00.000Z", "labour", 30, zhou, FALSE));
  g_autofree char *wang = work_log (db, r1, "wang.wu", "2026-08-01T03:00:00.000Z", "labour", 45, NULL, FALSE);
  g_free (work_log (db, r1, "wang.wu", "2026-08-02T03:00:00.000Z", "labour", 45, wang, TRUE));
  g_free (work_log (db, r1, "zhou.min", "2026-10-01T03:00:00.000Z", "labour", 120, NULL, FALSE));
  g_free (work_log (db, m1, "sun.li", "2026-06-10T03:00:00.000Z", "labour", 50, NULL, FALSE));

  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  g_autoptr(GError) error = NULL;
  gint64 start, end, previous_start, previous_end;
  g_assert_true (fl_kpi_parse_period (tz, "2026-Q3", &start, &end, &error));
  fl_kpi_previous_period (tz, start, end, &previous_start, &previous_end);
  gint64 as_of = utc ("2026-10-05T00:00:00.000Z");
  FlKpiReviewPeriod q3, q2;
  g_assert_true (fl_kpi_compute_review_period (db, site, start, end, as_of, &q3, &error));
  g_assert_no_error (error);
  g_assert_true (fl_kpi_compute_review_period (db, site, previous_start, previous_end, as_of, &q2, &error));
  g_assert_no_error (error);
  g_assert_cmpint (q3.demand.orders, ==, 2);
  g_assert_cmpint (q3.demand.requests, ==, 1);
  g_assert_cmpint (q3.demand.labour_minutes, ==, 110);
  g_assert_cmpint (q3.demand.travel_minutes, ==, 40);
  g_assert_cmpint (q3.demand.engineers, ==, 2);
  g_assert_cmpint (q2.demand.orders, ==, 1);
  g_assert_cmpint (q2.demand.requests, ==, 0);
  g_assert_cmpint (q2.demand.labour_minutes, ==, 50);
  g_assert_cmpint (q2.demand.travel_minutes, ==, 0);
  g_assert_cmpint (q2.demand.engineers, ==, 1);

  static const struct {
    guint headline;
    const char *value, *previous, *change;
  } headlines[] = {
    { FL_KPI_HEADLINE_ORDERS, "2", "1", "+1" },
    { FL_KPI_HEADLINE_REQUESTS, "1", "0", "+1" },
    { FL_KPI_HEADLINE_LABOUR, "1.8 h", "0.8 h", "+1.0 h" },
    { FL_KPI_HEADLINE_TRAVEL, "0.7 h", "0.0 h", "+0.7 h" },
    { FL_KPI_HEADLINE_ENGINEERS, "2", "1", "+1" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (headlines); i++)
    {
      guint h = headlines[i].headline;
      g_test_message ("%s", fl_kpi_headline_id (h));
      g_autofree char *value = fl_kpi_format_headline (&q3, h);
      g_autofree char *previous = fl_kpi_format_headline (&q2, h);
      g_autofree char *difference = fl_kpi_format_headline_change (&q3, &q2, h);
      g_assert_cmpstr (value, ==, headlines[i].value);
      g_assert_cmpstr (previous, ==, headlines[i].previous);
      g_assert_cmpstr (difference, ==, headlines[i].change);
    }
  g_assert_cmpstr (fl_kpi_headline_id (FL_KPI_HEADLINE_LABOUR), ==, "labour_minutes");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/review/periods", test_periods);
  g_test_add_func ("/review/figures", test_review_figures);
  g_test_add_func ("/review/demand", test_review_demand);
  return g_test_run ();
}
