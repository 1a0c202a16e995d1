/* SLA priorities and due times.  Every expected instant below was worked out
 * by hand from the calendar (the comment beside it shows the working hours
 * counted) and is written in UTC as stored; Asia/Shanghai is UTC+8, Berlin
 * is UTC+2 until 2026-10-25 03:00 and UTC+1 after.
 *
 * 2026 dates used: 2026-09-20 Sunday; 2026-09-30 Wednesday; 2026-10-01
 * Thursday (National Day, holidays 10-01..10-07, adjusted working days
 * Sunday 09-20 and Saturday 10-10); 2026-10-23 Friday, 10-25 Sunday (Berlin
 * leaves DST); 2026-11-20 Friday, 11-23 Monday. */
#include "fl-sla.h"
#include "fl-time.h"
#include "fl-work-order-sla.h"

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
calendar_with_days (const char *time_zone, FlCoverage coverage, const char *holidays,
                    const char *working_days)
{
  g_autoptr(GError) error = NULL;
  FlCalendar *cal = fl_calendar_new (time_zone, coverage);
  g_assert_true (fl_calendar_add_days_from_string (cal, holidays, working_days, &error));
  g_assert_no_error (error);
  return cal;
}

/* ---- priorities ---------------------------------------------------------- */

static void
test_priority_matrix (void)
{
  /* DESIGN.md / 事件优先级: rows impact 1-4, columns urgency 1-4. */
  static const FlPriority expected[4][4] = {
    { FL_PRIORITY_HIGH,   FL_PRIORITY_HIGH,   FL_PRIORITY_HIGH,   FL_PRIORITY_MEDIUM },
    { FL_PRIORITY_HIGH,   FL_PRIORITY_HIGH,   FL_PRIORITY_MEDIUM, FL_PRIORITY_NORMAL },
    { FL_PRIORITY_HIGH,   FL_PRIORITY_MEDIUM, FL_PRIORITY_NORMAL, FL_PRIORITY_LOW },
    { FL_PRIORITY_MEDIUM, FL_PRIORITY_NORMAL, FL_PRIORITY_LOW,    FL_PRIORITY_LOW },
  };
  for (int impact = 1; impact <= 4; impact++)
    for (int urgency = 1; urgency <= 4; urgency++)
      {
        g_test_message ("impact %d, urgency %d", impact, urgency);
        g_assert_cmpstr (fl_priority_to_string (fl_sla_priority (impact, urgency)), ==,
                         fl_priority_to_string (expected[impact - 1][urgency - 1]));
      }
}

static void
test_names_round_trip (void)
{
  const char *priorities[] = { "high", "medium", "normal", "low" };
  for (guint i = 0; i < G_N_ELEMENTS (priorities); i++)
    {
      FlPriority p;
      g_assert_true (fl_priority_from_string (priorities[i], &p));
      g_assert_cmpint (p, ==, (FlPriority) i);
      g_assert_cmpstr (fl_priority_to_string (p), ==, priorities[i]);
    }
  const char *coverages[] = { "5x9", "7x9", "7x24" };
  for (guint i = 0; i < G_N_ELEMENTS (coverages); i++)
    {
      FlCoverage c;
      g_assert_true (fl_coverage_from_string (coverages[i], &c));
      g_assert_cmpint (c, ==, (FlCoverage) i);
      g_assert_cmpstr (fl_coverage_to_string (c), ==, coverages[i]);
    }

  FlPriority p = FL_PRIORITY_LOW;
  FlCoverage c = FL_COVERAGE_7X9;
  g_assert_false (fl_priority_from_string ("urgent", &p));
  g_assert_false (fl_priority_from_string ("HIGH", &p));
  g_assert_false (fl_priority_from_string (NULL, &p));
  g_assert_false (fl_coverage_from_string ("24x7", &c));
  g_assert_cmpint (p, ==, FL_PRIORITY_LOW);  /* untouched on failure */
  g_assert_cmpint (c, ==, FL_COVERAGE_7X9);
}

static void
test_policy_defaults (void)
{
  FlSlaPolicy policy;
  fl_sla_policy_init_defaults (&policy);
  /* 24/24/24/48 h and 48/72/96/150 h, in minutes. */
  g_assert_cmpint (policy.response_minutes[FL_PRIORITY_HIGH], ==, 1440);
  g_assert_cmpint (policy.response_minutes[FL_PRIORITY_MEDIUM], ==, 1440);
  g_assert_cmpint (policy.response_minutes[FL_PRIORITY_NORMAL], ==, 1440);
  g_assert_cmpint (policy.response_minutes[FL_PRIORITY_LOW], ==, 2880);
  g_assert_cmpint (policy.resolve_minutes[FL_PRIORITY_HIGH], ==, 2880);
  g_assert_cmpint (policy.resolve_minutes[FL_PRIORITY_MEDIUM], ==, 4320);
  g_assert_cmpint (policy.resolve_minutes[FL_PRIORITY_NORMAL], ==, 5760);
  g_assert_cmpint (policy.resolve_minutes[FL_PRIORITY_LOW], ==, 9000);

  fl_sla_policy_set (&policy, FL_PRIORITY_HIGH, 60, 240);
  g_assert_cmpint (policy.response_minutes[FL_PRIORITY_HIGH], ==, 60);
  g_assert_cmpint (policy.resolve_minutes[FL_PRIORITY_HIGH], ==, 240);
  g_assert_cmpint (policy.resolve_minutes[FL_PRIORITY_MEDIUM], ==, 4320);
}

/* ---- calendars ----------------------------------------------------------- */

static void
test_calendar_days (void)
{
  g_autoptr(FlCalendar) five = calendar_with_days (NULL, FL_COVERAGE_5X9, NATIONAL_DAY_2026,
                                                   NATIONAL_DAY_2026_WORKING);
  g_assert_false (fl_calendar_is_working_day (five, 2026, 10, 1));   /* Thursday, holiday */
  g_assert_true (fl_calendar_is_working_day (five, 2026, 10, 8));    /* Thursday after */
  g_assert_true (fl_calendar_is_working_day (five, 2026, 10, 10));   /* adjusted Saturday */
  g_assert_false (fl_calendar_is_working_day (five, 2026, 10, 11));  /* plain Sunday */
  g_assert_true (fl_calendar_is_working_day (five, 2026, 9, 20));    /* adjusted Sunday */

  g_autoptr(FlCalendar) seven = calendar_with_days (NULL, FL_COVERAGE_7X9, NATIONAL_DAY_2026, NULL);
  g_assert_true (fl_calendar_is_working_day (seven, 2026, 10, 11));  /* Sunday worked */
  g_assert_false (fl_calendar_is_working_day (seven, 2026, 10, 3));  /* holiday Saturday */

  g_autoptr(FlCalendar) always = calendar_with_days (NULL, FL_COVERAGE_7X24, NATIONAL_DAY_2026, NULL);
  g_assert_true (fl_calendar_is_working_day (always, 2026, 10, 1));  /* holidays included */

  /* The last word on a date wins. */
  fl_calendar_add_holiday (five, 2026, 10, 10);
  g_assert_false (fl_calendar_is_working_day (five, 2026, 10, 10));
  fl_calendar_add_working_day (five, 2026, 10, 10);
  g_assert_true (fl_calendar_is_working_day (five, 2026, 10, 10));

  /* The default zone is Shanghai's, and the boxed type keeps it alive. */
  g_assert_cmpstr (g_time_zone_get_identifier (fl_calendar_get_time_zone (five)), ==, "Asia/Shanghai");
  FlCalendar *copy = g_boxed_copy (FL_TYPE_CALENDAR, five);
  g_assert_true (copy == five);
  g_boxed_free (FL_TYPE_CALENDAR, copy);
  g_assert_cmpint (fl_calendar_get_coverage (five), ==, FL_COVERAGE_5X9);
}

static void
test_bad_date_named (void)
{
  g_autoptr(FlCalendar) cal = fl_calendar_new (NULL, FL_COVERAGE_5X9);
  g_autoptr(GError) error = NULL;

  g_assert_false (fl_calendar_add_days_from_string (cal, "2026-10-02, 2026-13-01", NULL, &error));
  g_assert_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_DATE);
  g_assert_nonnull (strstr (error->message, "2026-13-01"));
  /* All or nothing: the good date before it was not applied. */
  g_assert_true (fl_calendar_is_working_day (cal, 2026, 10, 2));
  g_clear_error (&error);

  g_assert_false (fl_calendar_add_days_from_string (cal, NULL, "2026-02-30", &error));
  g_assert_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_DATE);
  g_assert_nonnull (strstr (error->message, "2026-02-30"));
  g_clear_error (&error);

  g_assert_false (fl_calendar_add_days_from_string (cal, "1.10.2026", NULL, &error));
  g_assert_nonnull (strstr (error->message, "1.10.2026"));
  g_clear_error (&error);

  g_assert_false (fl_calendar_add_days_from_string (cal, "2026-10-10", "2026-10-10", &error));
  g_assert_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_DATE);
  g_assert_nonnull (strstr (error->message, "2026-10-10"));
  g_clear_error (&error);

  /* Empty lists, spaces and a trailing comma are fine. */
  g_assert_true (fl_calendar_add_days_from_string (cal, NULL, NULL, &error));
  g_assert_true (fl_calendar_add_days_from_string (cal, "", " 2026-10-02 ,", &error));
  g_assert_no_error (error);
  g_assert_true (fl_calendar_add_days_from_string (cal, " 2026-10-01 , 2026-10-02,", "", &error));
  g_assert_no_error (error);
  g_assert_false (fl_calendar_is_working_day (cal, 2026, 10, 2));
}

static void
test_time_zone_check (void)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_calendar_check_time_zone ("Europe/Berlin", &error));
  g_assert_true (fl_calendar_check_time_zone (NULL, &error));
  g_assert_no_error (error);
  g_assert_false (fl_calendar_check_time_zone ("Mars/Olympus_Mons", &error));
  g_assert_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_TIME_ZONE);
  g_assert_nonnull (strstr (error->message, "Mars/Olympus_Mons"));
}

/* ---- due times ----------------------------------------------------------- */

typedef struct {
  const char *path;
  const char *time_zone;
  FlCoverage  coverage;
  const char *holidays;
  const char *working_days;
  FlPriority  priority;
  const char *created_at;
  const char *response_due;
  const char *resolve_due;
} DueCase;

static const DueCase due_cases[] = {
  /* Fri 17:00 CST, 5x9, normal (24 h / 96 h).
   * Response: Fri 17-18 = 1, Mon 23 = 10, Tue 24 = 19, Wed 25 09:00+5 = 14:00 CST.
   * Resolve: 1 + ten full days (11-23..27, 11-30..12-04) = 91, Mon 12-07 09:00+5 = 14:00 CST. */
  { "/sla/due/5x9-friday-evening-over-weekend", "Asia/Shanghai", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_NORMAL, "2026-11-20T17:00:00+08:00",
    "2026-11-25T06:00:00.000Z", "2026-12-07T06:00:00.000Z" },

  /* Sat 10:00 CST, 5x9, high (24 h / 48 h): the clock starts Mon 11-23 09:00.
   * Response: Mon 9, Tue 18, Wed 09:00+6 = 15:00 CST.
   * Resolve: Mon-Fri 45, Mon 11-30 09:00+3 = 12:00 CST. */
  { "/sla/due/5x9-created-on-saturday", "Asia/Shanghai", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_HIGH, "2026-11-21T10:00:00+08:00",
    "2026-11-25T07:00:00.000Z", "2026-11-30T04:00:00.000Z" },

  /* Wed 09-30 16:00 CST, 5x9, medium (24 h / 72 h), National Day off,
   * Saturday 10-10 worked.
   * Response: 09-30 16-18 = 2, 10-01..07 skipped, Thu 10-08 = 11, Fri 10-09 = 20,
   * Sat 10-10 09:00+4 = 13:00 CST.
   * Resolve: 2 + 10-08, 10-09, 10-10 = 29, Sun 10-11 off, Mon-Thu 10-12..15 = 65,
   * Fri 10-16 09:00+7 = 16:00 CST. */
  { "/sla/due/5x9-national-day-and-adjusted-saturday", "Asia/Shanghai", FL_COVERAGE_5X9,
    NATIONAL_DAY_2026, NATIONAL_DAY_2026_WORKING,
    FL_PRIORITY_MEDIUM, "2026-09-30T16:00:00+08:00",
    "2026-10-10T05:00:00.000Z", "2026-10-16T08:00:00.000Z" },

  /* Fri 17:00 CST, 7x9, normal: weekends count.
   * Response: Fri 1, Sat 10, Sun 19, Mon 11-23 09:00+5 = 14:00 CST.
   * Resolve: 1 + ten days 11-21..11-30 = 91, Tue 12-01 09:00+5 = 14:00 CST. */
  { "/sla/due/7x9-weekend-counted", "Asia/Shanghai", FL_COVERAGE_7X9, NULL, NULL,
    FL_PRIORITY_NORMAL, "2026-11-20T17:00:00+08:00",
    "2026-11-23T06:00:00.000Z", "2026-12-01T06:00:00.000Z" },

  /* As above with Sunday 11-22 a holiday: one day later for both.
   * Response: Fri 1, Sat 10, Mon 19, Tue 11-24 09:00+5.
   * Resolve: 1 + 11-21, 11-23..12-01 (ten days) = 91, Wed 12-02 09:00+5. */
  { "/sla/due/7x9-holiday-skipped", "Asia/Shanghai", FL_COVERAGE_7X9, "2026-11-22", NULL,
    FL_PRIORITY_NORMAL, "2026-11-20T17:00:00+08:00",
    "2026-11-24T06:00:00.000Z", "2026-12-02T06:00:00.000Z" },

  /* 09-30 16:00 CST = 08:00Z, 7x24, high: holidays count, plain 24 h / 48 h. */
  { "/sla/due/7x24-ignores-holidays", "Asia/Shanghai", FL_COVERAGE_7X24, NATIONAL_DAY_2026, NULL,
    FL_PRIORITY_HIGH, "2026-09-30T16:00:00+08:00",
    "2026-10-01T08:00:00.000Z", "2026-10-02T08:00:00.000Z" },

  /* Each priority from Mon 11-23 09:00 CST on 5x9 (9 h a day).
   * Response 24 h = 2 days + 6 h: Wed 11-25 15:00 CST; 48 h = 5 days + 3 h:
   * Mon 11-30 12:00 CST. */
  /* Resolve 48 h = 5 days + 3 h: Mon 11-30 12:00 CST. */
  { "/sla/due/priority-high", "Asia/Shanghai", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_HIGH, "2026-11-23T09:00:00+08:00",
    "2026-11-25T07:00:00.000Z", "2026-11-30T04:00:00.000Z" },
  /* Resolve 72 h = exactly 8 days: ends at closing on Wed 12-02, 18:00 CST
   * (the earliest instant it is met, not Thursday's opening). */
  { "/sla/due/priority-medium", "Asia/Shanghai", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_MEDIUM, "2026-11-23T09:00:00+08:00",
    "2026-11-25T07:00:00.000Z", "2026-12-02T10:00:00.000Z" },
  /* Resolve 96 h = 10 days + 6 h: Mon 12-07 15:00 CST. */
  { "/sla/due/priority-normal", "Asia/Shanghai", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_NORMAL, "2026-11-23T09:00:00+08:00",
    "2026-11-25T07:00:00.000Z", "2026-12-07T07:00:00.000Z" },
  /* Response 48 h: Mon 11-30 12:00 CST.  Resolve 150 h = 16 days + 6 h:
   * 11-23..27, 11-30..12-04, 12-07..11, 12-14, then Tue 12-15 15:00 CST. */
  { "/sla/due/priority-low", "Asia/Shanghai", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_LOW, "2026-11-23T09:00:00+08:00",
    "2026-11-30T04:00:00.000Z", "2026-12-15T07:00:00.000Z" },

  /* Berlin, 5x9, normal, Fri 10-23 17:00 CEST (15:00Z); DST ends Sunday.
   * Response: Fri 1, Mon 10-26 10, Tue 19, Wed 10-28 09:00+5 = 14:00 CET = 13:00Z
   * (12:00Z if the summer offset were wrongly kept).
   * Resolve: 1 + 10-26..30, 11-02..06 = 91, Mon 11-09 14:00 CET = 13:00Z. */
  { "/sla/due/berlin-5x9-across-dst-end", "Europe/Berlin", FL_COVERAGE_5X9, NULL, NULL,
    FL_PRIORITY_NORMAL, "2026-10-23T17:00:00+02:00",
    "2026-10-28T13:00:00.000Z", "2026-11-09T13:00:00.000Z" },

  /* Berlin, 7x24, high, Sat 10-24 12:00 CEST = 10:00Z: real hours count, so
   * +24 h is 10:00Z (11:00 CET on the wall, the clock went back an hour). */
  { "/sla/due/berlin-7x24-across-dst-end", "Europe/Berlin", FL_COVERAGE_7X24, NULL, NULL,
    FL_PRIORITY_HIGH, "2026-10-24T12:00:00+02:00",
    "2026-10-25T10:00:00.000Z", "2026-10-26T10:00:00.000Z" },
};

static void
test_due_case (gconstpointer data)
{
  const DueCase *c = data;
  g_autoptr(FlCalendar) cal = calendar_with_days (c->time_zone, c->coverage, c->holidays, c->working_days);
  FlSlaPolicy policy;
  fl_sla_policy_init_defaults (&policy);
  gint64 response_due = 0, resolve_due = 0;
  fl_sla_compute_due (&policy, cal, c->priority, at (c->created_at), 0, &response_due, &resolve_due);
  assert_time (response_due, c->response_due);
  assert_time (resolve_due, c->resolve_due);
}

static void
test_hold_extends_resolution_only (void)
{
  g_autoptr(FlCalendar) cal = fl_calendar_new ("Asia/Shanghai", FL_COVERAGE_5X9);
  FlSlaPolicy policy;
  fl_sla_policy_init_defaults (&policy);

  /* On hold Tue 11-24 14:00 to Wed 11-25 11:00 CST: Tue 14-18 = 4 h and
   * Wed 09-11 = 2 h; the night between does not count. */
  gint64 held = fl_calendar_working_seconds_between (cal, at ("2026-11-24T14:00:00+08:00"),
                                                     at ("2026-11-25T11:00:00+08:00"));
  g_assert_cmpint (held, ==, 6 * 3600);

  /* High from Mon 11-23 09:00: response stays Wed 15:00 CST (24 h); resolve
   * 48 + 6 = 54 h = exactly 6 days: Mon 11-30 18:00 CST instead of 12:00. */
  gint64 response_due = 0, resolve_due = 0;
  fl_sla_compute_due (&policy, cal, FL_PRIORITY_HIGH, at ("2026-11-23T09:00:00+08:00"), held,
                      &response_due, &resolve_due);
  assert_time (response_due, "2026-11-25T07:00:00.000Z");
  assert_time (resolve_due, "2026-11-30T10:00:00.000Z");

  /* A hold from Friday closing to Monday opening costs nothing. */
  g_assert_cmpint (fl_calendar_working_seconds_between (cal, at ("2026-11-27T18:00:00+08:00"),
                                                        at ("2026-11-30T09:00:00+08:00")), ==, 0);
}

static void
test_working_hours_setter (void)
{
  g_autoptr(FlCalendar) cal = fl_calendar_new (NULL, FL_COVERAGE_5X9);
  fl_calendar_set_working_hours (cal, 8 * 60 + 30, 17 * 60 + 30);
  /* Created Saturday: the clock starts Mon 08:30 CST; +1 h = 09:30 CST. */
  assert_time (fl_calendar_add_working_time (cal, at ("2026-11-21T10:00:00+08:00"), 3600),
               "2026-11-23T01:30:00.000Z");
  /* Fri 17:00-17:30 is the last half hour: +1 h runs to Mon 09:00 CST. */
  assert_time (fl_calendar_add_working_time (cal, at ("2026-11-20T17:00:00+08:00"), 3600),
               "2026-11-23T01:00:00.000Z");
}

/* ---- working time -------------------------------------------------------- */

static void
test_working_seconds_between (void)
{
  g_autoptr(FlCalendar) five = calendar_with_days (NULL, FL_COVERAGE_5X9, NATIONAL_DAY_2026,
                                                   NATIONAL_DAY_2026_WORKING);
  /* Fri 17:30 -> Mon 10:15: 30 min + 1 h 15 min. */
  g_assert_cmpint (fl_calendar_working_seconds_between (five, at ("2026-11-20T17:30:00+08:00"),
                                                        at ("2026-11-23T10:15:00+08:00")), ==, 6300);
  /* Backwards or empty is 0. */
  g_assert_cmpint (fl_calendar_working_seconds_between (five, at ("2026-11-23T10:15:00+08:00"),
                                                        at ("2026-11-20T17:30:00+08:00")), ==, 0);
  /* Across National Day: 09-30 2 h, 10-08 9 h, 10-09 9 h, Sat 10-10 4 h = 24 h. */
  g_assert_cmpint (fl_calendar_working_seconds_between (five, at ("2026-09-30T16:00:00+08:00"),
                                                        at ("2026-10-10T13:00:00+08:00")), ==, 24 * 3600);

  /* Berlin 7x24, Sat 00:00 to Mon 00:00 local spans the extra hour: 49 h. */
  g_autoptr(FlCalendar) berlin = fl_calendar_new ("Europe/Berlin", FL_COVERAGE_7X24);
  g_assert_cmpint (fl_calendar_working_seconds_between (berlin, at ("2026-10-24T00:00:00+02:00"),
                                                        at ("2026-10-26T00:00:00+01:00")), ==, 49 * 3600);

  /* Berlin 7x9 on the day the clocks change: Sat 17:00 CEST + 10 h = Sat 1 h
   * and Sun 09:00-18:00 CET, closing at 17:00Z. */
  g_autoptr(FlCalendar) berlin_7x9 = fl_calendar_new ("Europe/Berlin", FL_COVERAGE_7X9);
  assert_time (fl_calendar_add_working_time (berlin_7x9, at ("2026-10-24T17:00:00+02:00"), 10 * 3600),
               "2026-10-25T17:00:00.000Z");
}

static void
test_round_trip (void)
{
  const FlCoverage coverages[] = { FL_COVERAGE_5X9, FL_COVERAGE_7X9, FL_COVERAGE_7X24 };
  /* Inside hours, at night, on a weekend, on a holiday, mid-second. */
  const char *starts[] = {
    "2026-09-29T10:17:00+08:00", "2026-09-30T23:00:00+08:00", "2026-10-03T12:00:00+08:00",
    "2026-10-09T17:59:59.250+08:00", "2026-10-11T08:00:00+08:00",
  };
  const gint64 amounts[] = { 1, 59, 3600, 9 * 3600, 24 * 3600 + 17, 150 * 3600 };
  /* Instants inside working hours of every coverage. */
  const char *ends[] = { "2026-10-08T09:00:01+08:00", "2026-10-12T17:59:00+08:00", "2026-11-02T12:00:00+08:00" };

  for (guint c = 0; c < G_N_ELEMENTS (coverages); c++)
    {
      g_autoptr(FlCalendar) cal = calendar_with_days (NULL, coverages[c], NATIONAL_DAY_2026,
                                                      NATIONAL_DAY_2026_WORKING);
      for (guint s = 0; s < G_N_ELEMENTS (starts); s++)
        {
          gint64 start = at (starts[s]);
          for (guint a = 0; a < G_N_ELEMENTS (amounts); a++)
            {
              gint64 due = fl_calendar_add_working_time (cal, start, amounts[a]);
              g_assert_cmpint (due, >, start);
              g_assert_cmpint (fl_calendar_working_seconds_between (cal, start, due), ==, amounts[a]);
            }
          for (guint e = 0; e < G_N_ELEMENTS (ends); e++)
            {
              gint64 end = at (ends[e]);
              gint64 between = fl_calendar_working_seconds_between (cal, start, end);
              /* Whole seconds only: a start with a fraction lands on the same fraction. */
              if (end > start && (end - start) % G_USEC_PER_SEC == 0)
                g_assert_cmpint (fl_calendar_add_working_time (cal, start, between), ==, end);
            }
          /* Nothing to add: due at once. */
          g_assert_cmpint (fl_calendar_add_working_time (cal, start, 0), ==, start);
        }
    }
}

/* Long targets skip plain weeks whole: the result must be what walking
 * day by day gives.  Steps under a week never skip, so a chain of them is
 * the walk to compare with, in a zone with daylight saving and holidays on
 * the way. */
static void
test_long_target_equals_walk (void)
{
  const FlCoverage coverages[] = { FL_COVERAGE_5X9, FL_COVERAGE_7X9 };
  for (guint c = 0; c < G_N_ELEMENTS (coverages); c++)
    {
      g_autoptr(FlCalendar) cal = calendar_with_days ("Europe/Berlin", coverages[c],
                                                      NATIONAL_DAY_2026 ",2027-12-24,2029-05-01",
                                                      coverages[c] == FL_COVERAGE_5X9 ? NATIONAL_DAY_2026_WORKING : NULL);
      gint64 start = at ("2026-09-29T10:17:00+02:00");
      gint64 walked = start, total = 0;
      for (guint step = 0; step < 400; step++)
        {
          gint64 amount = 7 * 3600 + 13 * 60 + step % 7;  /* under a day, never a whole week */
          walked = fl_calendar_add_working_time (cal, walked, amount);
          total += amount;
        }
      g_assert_cmpint (fl_calendar_add_working_time (cal, start, total), ==, walked);
      g_assert_cmpint (fl_calendar_working_seconds_between (cal, start, walked), ==, total);
    }
}

/* Whatever a stored row says, due times stay in range: a hold of INT64_MAX
 * seconds used to overflow the target; it now counts as the most the
 * calendar walks (a century), and the walk ends. */
static void
test_due_is_bounded (void)
{
  g_autoptr(FlCalendar) cal = fl_calendar_new ("Asia/Shanghai", FL_COVERAGE_5X9);
  FlSlaPolicy policy;
  fl_sla_policy_init_defaults (&policy);
  gint64 created = at ("2026-11-23T09:00:00+08:00");
  gint64 huge = 0, century = 0, response = 0;
  fl_sla_compute_due (&policy, cal, FL_PRIORITY_LOW, created, G_MAXINT64, &response, &huge);
  fl_sla_compute_due (&policy, cal, FL_PRIORITY_LOW, created, (gint64) 100 * 365 * 24 * 3600, NULL, &century);
  g_assert_cmpint (huge, ==, century);
  g_assert_cmpint (huge, >, created);
  g_assert_cmpint (huge, <=, created + (gint64) 101 * 365 * 24 * 3600 * G_USEC_PER_SEC);
  assert_time (response, "2026-11-30T04:00:00.000Z");  /* 48 h: Mon 09:00 + 5 days + 3 h */

  g_autoptr(FlCalendar) always = fl_calendar_new ("Asia/Shanghai", FL_COVERAGE_7X24);
  g_assert_cmpint (fl_calendar_add_working_time (always, created, G_MAXINT64), ==,
                   created + (gint64) 100 * 365 * 24 * 3600 * G_USEC_PER_SEC);
  /* Counting working time over millennia stops at a century too. */
  g_assert_cmpint (fl_calendar_working_seconds_between (cal, at ("1970-01-01T00:00:00Z"),
                                                        at ("9999-12-31T00:00:00Z")), <,
                   (gint64) 100 * 365 * 24 * 3600);
}

/* ---- badges -------------------------------------------------------------- */

static void
test_describe (void)
{
  g_autoptr(FlCalendar) cal = fl_calendar_new (NULL, FL_COVERAGE_5X9);
  gint64 due = at ("2026-11-25T15:00:00+08:00");  /* Wed */

  g_autofree char *ahead = fl_sla_describe (cal, due, at ("2026-11-23T09:00:00+08:00"), 0);
  g_assert_cmpstr (ahead, ==, "24 h left");                       /* Mon 9, Tue 9, Wed 6 */
  g_autofree char *today = fl_sla_describe (cal, due, at ("2026-11-25T09:15:00+08:00"), 0);
  g_assert_cmpstr (today, ==, "5 h 45 min left");
  g_autofree char *soon = fl_sla_describe (cal, due, at ("2026-11-25T14:15:00+08:00"), 0);
  g_assert_cmpstr (soon, ==, "45 min left");

  gint64 late_now = at ("2026-11-25T16:30:00+08:00");
  g_assert_true (fl_sla_is_overdue (due, late_now));
  g_assert_cmpint (fl_sla_time_left (cal, due, late_now), ==, -5400);
  g_autofree char *late = fl_sla_describe (cal, due, late_now, 0);
  g_assert_cmpstr (late, ==, "Overdue by 1 h 30 min");
  /* Wed 15-18 = 3, Thu 12, Fri 21. */
  g_autofree char *later = fl_sla_describe (cal, due, at ("2026-11-28T10:00:00+08:00"), 0);
  g_assert_cmpstr (later, ==, "Overdue by 21 h");

  /* Due at closing, looked at in the evening: overdue, though no working
   * time has passed since. */
  gint64 closing = at ("2026-11-25T18:00:00+08:00");
  gint64 evening = at ("2026-11-25T20:00:00+08:00");
  g_assert_false (fl_sla_is_overdue (closing, closing));
  g_assert_true (fl_sla_is_overdue (closing, evening));
  g_assert_cmpint (fl_sla_time_left (cal, closing, evening), ==, 0);
  g_autofree char *evening_text = fl_sla_describe (cal, closing, evening, 0);
  g_assert_cmpstr (evening_text, ==, "Overdue");

  /* On hold since Mon 13:00: frozen at Mon 5 + Tue 9 + Wed 6 = 20 h. */
  g_autofree char *paused = fl_sla_describe (cal, due, at ("2026-11-28T10:00:00+08:00"),
                                             at ("2026-11-23T13:00:00+08:00"));
  g_assert_cmpstr (paused, ==, "20 h left, paused on hold");

  g_assert_false (fl_sla_is_overdue (0, late_now));
  g_assert_null (fl_sla_describe (cal, 0, late_now, 0));
}

/* A calendar keeps what it worked out for the days it walked: one used for
 * many orders (as a server's request uses it) must give every answer a
 * fresh one gives, across a change of the clocks, a night local time and UTC
 * fall on different dates, instants before 1970, and its hours changed. */
static void
test_kept_calendar_equals_fresh (void)
{
  /* Honolulu is UTC-10: its Friday afternoon is Saturday in UTC, and the
   * walk starts on the local date. */
  g_autoptr(FlCalendar) honolulu = fl_calendar_new ("Pacific/Honolulu", FL_COVERAGE_5X9);
  assert_time (fl_calendar_add_working_time (honolulu, at ("2026-11-20T15:00:00-10:00"), 3600),
               "2026-11-21T02:00:00.000Z");
  g_assert_cmpint (fl_calendar_working_seconds_between (honolulu, at ("2026-11-20T15:00:00-10:00"),
                                                        at ("2026-11-20T17:00:00-10:00")), ==, 7200);

  const char *zones[] = { "Europe/Berlin", "America/New_York", "Asia/Shanghai" };
  const char *starts[] = {
    "2026-10-24T17:00:00+02:00", "2026-10-25T01:30:00+02:00", "2026-11-01T01:30:00-04:00",
    "2026-03-08T01:59:59.500-05:00", "2026-09-30T23:30:00Z", "1969-12-31T23:59:59.750Z",
    "1969-06-15T12:00:00+08:00",
  };
  const gint64 amounts[] = { 1, 3599, 9 * 3600, 40 * 3600 + 7, 400 * 3600 };
  for (guint z = 0; z < G_N_ELEMENTS (zones); z++)
    for (FlCoverage c = FL_COVERAGE_5X9; c <= FL_COVERAGE_7X24; c++)
      {
        g_autoptr(FlCalendar) kept = fl_calendar_new (zones[z], c);
        for (guint round = 0; round < 2; round++)
          {
            if (round == 1)
              fl_calendar_set_working_hours (kept, 8 * 60 + 30, 17 * 60 + 30);
            for (guint s = 0; s < G_N_ELEMENTS (starts); s++)
              for (guint a = 0; a < G_N_ELEMENTS (amounts); a++)
                {
                  g_autoptr(FlCalendar) fresh = fl_calendar_new (zones[z], c);
                  if (round == 1)
                    fl_calendar_set_working_hours (fresh, 8 * 60 + 30, 17 * 60 + 30);
                  gint64 start = at (starts[s]);
                  g_test_message ("%s, coverage %d, %s + %" G_GINT64_FORMAT " s", zones[z], c, starts[s], amounts[a]);
                  gint64 due = fl_calendar_add_working_time (kept, start, amounts[a]);
                  g_assert_cmpint (due, ==, fl_calendar_add_working_time (fresh, start, amounts[a]));
                  g_autoptr(FlCalendar) fresh2 = fl_calendar_new (zones[z], c);
                  if (round == 1)
                    fl_calendar_set_working_hours (fresh2, 8 * 60 + 30, 17 * 60 + 30);
                  g_assert_cmpint (fl_calendar_working_seconds_between (kept, start, due + (gint64) 3600 * G_USEC_PER_SEC), ==,
                                   fl_calendar_working_seconds_between (fresh2, start, due + (gint64) 3600 * G_USEC_PER_SEC));
                }
          }
      }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sla/priority-matrix", test_priority_matrix);
  g_test_add_func ("/sla/names-round-trip", test_names_round_trip);
  g_test_add_func ("/sla/policy-defaults", test_policy_defaults);
  g_test_add_func ("/sla/calendar/days", test_calendar_days);
  g_test_add_func ("/sla/calendar/bad-date-named", test_bad_date_named);
  g_test_add_func ("/sla/calendar/time-zone-check", test_time_zone_check);
  g_test_add_func ("/sla/calendar/working-hours", test_working_hours_setter);
  g_test_add_func ("/sla/calendar/between", test_working_seconds_between);
  g_test_add_func ("/sla/calendar/round-trip", test_round_trip);
  g_test_add_func ("/sla/calendar/long-target-equals-walk", test_long_target_equals_walk);
  g_test_add_func ("/sla/calendar/kept-equals-fresh", test_kept_calendar_equals_fresh);
  g_test_add_func ("/sla/due/bounded", test_due_is_bounded);
  for (guint i = 0; i < G_N_ELEMENTS (due_cases); i++)
    g_test_add_data_func (due_cases[i].path, &due_cases[i], test_due_case);
  g_test_add_func ("/sla/due/hold-extends-resolution-only", test_hold_extends_resolution_only);
  g_test_add_func ("/sla/describe", test_describe);
  return g_test_run ();
}
