/* KPIs of October 2026 at a 5x9 hospital site in Asia/Shanghai whose
 * calendar has the National Day holidays (1-7 October) and Saturday
 * 10 October as an adjusted working day.  Every expected numerator and
 * denominator below is worked out by hand in the comments; the due times are
 * the standard targets in working hours (9 a day, 09:00-18:00) counted on
 * that calendar.  1 October 2026 is a Thursday; the Mondays are 28 September,
 * 5, 12, 19 and 26 October and 2 November. */
#include "fl-test-util.h"

#include "fl-kpi.h"
#include "fl-sla.h"

#define LOCAL(t) t "+08:00"

typedef struct {
  FlDb *db;
  char *dir;
  char *site, *other_site;
  gint64 start, end, as_of;
} Fixture;

/* Stores a row as if pulled from the server: any times may carry an offset;
 * `created_at` (default: 1 September) is normalised here because the record
 * layer only checks common columns. */
static char *
store (FlDb *db, const char *table_name, const char *json)
{
  g_autoptr(GError) error = NULL;
  const FlTable *table = fl_schema_lookup (table_name);
  g_autoptr(JsonObject) row = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  gint64 created = 0;
  const char *created_text = fl_record_get_string (row, "created_at");
  g_assert_true (fl_time_parse (created_text != NULL ? created_text : "2026-09-01T00:00:00Z",
                                &created, NULL));
  g_autofree char *created_canonical = fl_time_format (created);
  char *id = fl_uuid7_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "version", "1");
  json_object_set_string_member (row, "created_at", created_canonical);
  json_object_set_string_member (row, "updated_at", created_canonical);
  fl_record_validate (table, row, FL_RECORD_STORED, NULL, &error);
  g_assert_no_error (error);
  fl_record_store (db, table, row, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
store_work_order (Fixture *f, const char *site, const char *kind, const char *priority,
                  const char *status, const char *fields)
{
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"X\", \"kind\": \"%s\", \"title\": \"t\", \"site_id\": \"%s\", \"impact\": 2,"
      " \"urgency\": 2, \"priority\": \"%s\", \"status\": \"%s\", %s}",
      kind, site, priority, status, fields);
  g_free (store (f->db, "work_order", json));
}

/* Policy: response 24 working hours for high/medium/normal, 48 for low;
 * resolution 48/72/96/150.  One working day is 9 hours. */
static void
store_work_orders (Fixture *f)
{
  /* A high: created Mon 28 Sep 10:00.  Response due: Mon 8 h, Tue 9 h, Wed
   * 7 h -> Wed 30 Sep 16:00; responded 15:00 (on time, decided in September).
   * Resolution due: Mon 8 + Tue 9 + Wed 9 = 26 h, 1-7 Oct holidays, Thu 8
   * (35), Fri 9 (44), Sat 10 (worked) 4 h -> 10 Oct 13:00.  Resolved 10 Oct
   * 12:00: on time only because the holidays are skipped.  Rated 5, fixed on
   * the first visit. */
  store_work_order (f, f->site, "incident", "high", "closed",
      "\"created_at\": \"" LOCAL ("2026-09-28T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-09-30T16:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-09-30T15:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-10T13:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-10T12:00:00") "\","
      "\"customer_accepted_at\": \"" LOCAL ("2026-10-10T14:00:00") "\","
      "\"satisfaction\": 5, \"first_time_fix\": true");
  /* B medium: created Fri 9 Oct 09:00.  Response due: Fri 9, Sat 9, Mon 6 h
   * -> Mon 12 Oct 15:00; responded 16:00: late (decided 12 Oct).
   * Resolution 72 h -> Mon 19 Oct 18:00, plus 11 working hours on hold
   * (Tue 13 Oct 10:00 - Wed 14 Oct 12:00: 8 + 3 h) -> Wed 21 Oct 11:00.
   * Resolved 21 Oct 10:00: on time only because hold time counts.  Rated 3,
   * not fixed on the first visit. */
  store_work_order (f, f->site, "incident", "medium", "resolved",
      "\"created_at\": \"" LOCAL ("2026-10-09T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-12T15:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-12T16:00:00") "\","
      "\"on_hold_seconds\": \"39600\","
      "\"resolve_due\": \"" LOCAL ("2026-10-21T11:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-21T10:00:00") "\","
      "\"customer_accepted_at\": \"" LOCAL ("2026-10-21T10:30:00") "\","
      "\"satisfaction\": 3, \"first_time_fix\": false");
  /* C high: created Thu 15 Oct 09:00, responded 10:00 (due 19 Oct 15:00: on
   * time).  Resolution due Thu 9, Fri 9, Mon-Wed 27, Thu 3 h -> 22 Oct
   * 12:00; still in progress on 5 Nov: late, decided 22 Oct. */
  store_work_order (f, f->site, "incident", "high", "in_progress",
      "\"created_at\": \"" LOCAL ("2026-10-15T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-19T15:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-15T10:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-22T12:00:00") "\"");
  /* D normal: created Mon 26 Oct 09:00, responded 11:00 (due 28 Oct 15:00:
   * on time).  Resolution 96 h -> Mon 9 Nov 15:00, and on hold since 30 Oct:
   * not decided in October. */
  store_work_order (f, f->site, "incident", "normal", "on_hold",
      "\"created_at\": \"" LOCAL ("2026-10-26T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-28T15:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-26T11:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-11-09T15:00:00") "\","
      "\"on_hold_since\": \"" LOCAL ("2026-10-30T10:00:00") "\"");
  /* E high: created Thu 8 Oct 09:00, responded 09:10 (due Sat 10 Oct 15:00:
   * on time).  Resolution due Thu 9, Fri 9, Sat 9, Mon 9, Tue 9, Wed 3 h ->
   * 14 Oct 12:00.  Put on hold on 16 Oct, after it was already late: a hold
   * does not take back a breach, late, decided 14 Oct. */
  store_work_order (f, f->site, "incident", "high", "on_hold",
      "\"created_at\": \"" LOCAL ("2026-10-08T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-10T15:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-08T09:10:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-14T12:00:00") "\","
      "\"on_hold_since\": \"" LOCAL ("2026-10-16T10:00:00") "\"");
  /* F high: created Tue 20 Oct 09:00, responded 09:05 (due 22 Oct 15:00).
   * Resolution due Tue 27 Oct 12:00, but on hold since Thu 22 Oct, before
   * that: its clock is stopped, not decided. */
  store_work_order (f, f->site, "incident", "high", "on_hold",
      "\"created_at\": \"" LOCAL ("2026-10-20T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-22T15:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-20T09:05:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-27T12:00:00") "\","
      "\"on_hold_since\": \"" LOCAL ("2026-10-22T10:00:00") "\"");
  /* G medium request: recorded on a holiday (Mon 5 Oct 10:00), so its clock
   * starts Thu 8 Oct 09:00.  Response due Thu 9, Fri 9, Sat 6 h -> 10 Oct
   * 15:00; responded 8 Oct 09:30.  Resolution 72 h -> Fri 16 Oct 18:00;
   * resolved 17:00: 71 working hours (Thu 9, Fri 9, Sat 9, Mon-Thu 36,
   * Fri 8).  Rated 4, resolved at the first attempt.  A request: in no
   * incident KPI and not in the incidents-by-priority table. */
  store_work_order (f, f->site, "request", "medium", "closed",
      "\"created_at\": \"" LOCAL ("2026-10-05T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-10T15:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-08T09:30:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-16T18:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-16T17:00:00") "\","
      "\"customer_accepted_at\": \"" LOCAL ("2026-10-16T17:30:00") "\","
      "\"satisfaction\": 4, \"first_time_fix\": true");
  /* P medium request, worked by the second line: created Mon 19 Oct 09:00,
   * due 21 Oct 18:00, resolved Thu 22 Oct 10:00: late, after 9 + 9 + 9 + 1
   * = 28 working hours, not at the first attempt. */
  store_work_order (f, f->site, "request", "medium", "resolved",
      "\"created_at\": \"" LOCAL ("2026-10-19T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-20T09:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-19T09:30:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-21T18:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-22T10:00:00") "\","
      "\"support_line\": \"second\", \"first_time_fix\": false");
  /* M maintenance, due 16 Oct 18:00, resolved 19 Oct 10:00: late, and its
   * response was late too (due 13 Oct 18:00, responded 14 Oct 10:00).  A
   * maintenance job: in routine work only, never in an incident KPI. */
  store_work_order (f, f->site, "maintenance", "high", "resolved",
      "\"created_at\": \"" LOCAL ("2026-10-12T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-13T18:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-14T10:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-16T18:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-19T10:00:00") "\","
      "\"first_time_fix\": false");
  /* N maintenance, due 27 Oct 18:00, resolved 11:00: on time. */
  store_work_order (f, f->site, "maintenance", "normal", "closed",
      "\"created_at\": \"" LOCAL ("2026-10-20T09:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-22T18:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-20T10:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-27T18:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-27T11:00:00") "\"");
  /* K: resolved in September and closed on 2 Oct without the customer's
   * acceptance; the follow-up call rated it 2: a rating of October. */
  store_work_order (f, f->site, "incident", "normal", "closed",
      "\"created_at\": \"" LOCAL ("2026-09-21T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-09-22T10:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-09-21T11:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-09-28T10:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-09-25T10:00:00") "\","
      "\"closed_at\": \"" LOCAL ("2026-10-02T09:00:00") "\","
      "\"satisfaction\": 2");
  /* V: accepted in September with a 2; the follow-up call on 5 Oct
   * (visited) rated it 4, which replaces the 2: a rating of October. */
  store_work_order (f, f->site, "incident", "normal", "visited",
      "\"created_at\": \"" LOCAL ("2026-09-14T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-09-15T10:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-09-14T11:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-09-21T10:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-09-18T10:00:00") "\","
      "\"customer_accepted_at\": \"" LOCAL ("2026-09-18T11:00:00") "\","
      "\"closed_at\": \"" LOCAL ("2026-09-19T09:00:00") "\","
      "\"visited_at\": \"" LOCAL ("2026-10-05T15:00:00") "\","
      "\"satisfaction\": 4");
  /* R: rejected as out of scope on 6 Oct, never responded to: not in the
   * agreement, so never late. */
  store_work_order (f, f->site, "incident", "high", "rejected",
      "\"created_at\": \"" LOCAL ("2026-10-06T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-09T15:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-15T12:00:00") "\","
      "\"reject_reason\": \"a private laptop\"");
  /* I: cancelled, never counted. */
  store_work_order (f, f->site, "incident", "high", "cancelled",
      "\"created_at\": \"" LOCAL ("2026-10-02T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-10T18:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-14T18:00:00") "\"");
  /* J: all of it happened in September. */
  store_work_order (f, f->site, "incident", "high", "closed",
      "\"created_at\": \"" LOCAL ("2026-09-10T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-09-11T10:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-09-10T11:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-09-15T10:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-09-12T10:00:00") "\","
      "\"customer_accepted_at\": \"" LOCAL ("2026-09-12T11:00:00") "\","
      "\"satisfaction\": 1, \"first_time_fix\": false");
  /* H at the other (7x24) site: created Sat 3 Oct 10:00 (a holiday, but 7x24
   * counts every hour), responded 4 Oct 11:00 (due 10:00: late), resolved
   * 5 Oct 09:00 (due 10:00: on time), rated 5, first-time fix. */
  store_work_order (f, f->other_site, "incident", "high", "closed",
      "\"created_at\": \"" LOCAL ("2026-10-03T10:00:00") "\","
      "\"response_due\": \"" LOCAL ("2026-10-04T10:00:00") "\","
      "\"responded_at\": \"" LOCAL ("2026-10-04T11:00:00") "\","
      "\"resolve_due\": \"" LOCAL ("2026-10-05T10:00:00") "\","
      "\"resolved_at\": \"" LOCAL ("2026-10-05T09:00:00") "\","
      "\"customer_accepted_at\": \"" LOCAL ("2026-10-05T09:30:00") "\","
      "\"satisfaction\": 5, \"first_time_fix\": true");
}

static char *
store_job (Fixture *f, const char *site, const char *schedule, const char *due_by,
           const char *created_at)
{
  static int n_cis;
  g_autofree char *ci_json = g_strdup_printf (
      "{\"code\": \"DB-%d\", \"name\": \"HIS database\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\"}", ++n_cis, site);
  g_autofree char *ci = store (f->db, "ci", ci_json);
  g_autofree char *due = due_by != NULL ? g_strdup_printf (", \"due_by\": \"%s\"", due_by) : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
      "{\"ci_id\": \"%s\", \"name\": \"HIS %s\", \"kind\": \"full\", \"schedule\": \"%s\","
      " \"created_at\": \"%s\"%s}", ci, schedule, schedule, created_at, due);
  return store (f->db, "backup_job", json);
}

/* A check at `at` (local) that found `result`; `taken` (local, or NULL: not
 * said) is when the backup it found was taken. */
static void
store_check (Fixture *f, const char *job, const char *at, const char *result, const char *taken,
             const char *restore)
{
  g_autofree char *taken_json = taken != NULL
    ? g_strdup_printf (", \"backup_taken_at\": \"%s+08:00\"", taken) : g_strdup ("");
  g_autofree char *json = g_strdup_printf (
      "{\"job_id\": \"%s\", \"checked_at\": \"%s+08:00\", \"by\": \"li.na\", \"result\": \"%s\"%s%s%s}",
      job, at, result, taken_json, restore != NULL ? ", " : "", restore != NULL ? restore : "");
  g_free (store (f->db, "backup_check", json));
}

/* Daily job, due by 06:00: its October periods end at 06:00 on 1..31
 * October (the first runs from 30 Sep 06:00).  The backup is taken at 02:00
 * and checked at 09:00 each day except:
 *   3, 4 Oct   no check                                  -> 2 late
 *   5 Oct      the check found it failed                 -> late
 *   6 Oct      checked twice                             -> one period
 *   8 Oct      a good check that does not say when the backup was taken -> late
 *   12 Oct     taken 07:30, after 06:00: late for 12 Oct (it counts for 13 Oct)
 *   20-23 Oct  stale: each day's check finds the backup of 19 Oct -> 4 late
 * 31 periods, 22 on time.  Checks on 30 Sep and 1 Nov are of other months.
 * Weekly job (no due_by: Mondays 00:00): the periods ending in October are
 * 28 Sep-5 Oct (it spans the month end and is met by the backup of Tue
 * 29 Sep), 5-12 (6 Oct), 12-19 (none: late), 19-26 Oct (24 Oct): 3 of 4.
 * Its backup of 28 Oct is in the period 26 Oct-2 Nov, which counts in
 * November.
 * Monthly job (first of the month 00:00, created 1 Sep): the period
 * 1 Oct-1 Nov ends in October, met by the backup of 20 Oct: 1 of 1.
 * In all 26 of 36.  Checks in October: daily 30 (29 ok of which 1 undated,
 * 1 failed), weekly 3, monthly 1: 34.
 * Restore drills: daily 20 Oct ok (15 min), weekly 6 Oct ok (30 min),
 * weekly 24 Oct failed (90 min): 2 of 3, 135 min. */
static void
store_backups (Fixture *f)
{
  g_autofree char *daily = store_job (f, f->site, "daily", "06:00", "2026-09-20T00:00:00Z");
  g_autofree char *weekly = store_job (f, f->site, "weekly", NULL, "2026-09-20T00:00:00Z");
  g_autofree char *monthly = store_job (f, f->site, "monthly", NULL, LOCAL ("2026-09-01T00:00:00"));
  g_autofree char *other = store_job (f, f->other_site, "daily", NULL, "2026-09-20T00:00:00Z");
  (void) other;  /* no checks at all: 31 missed periods when every site counts */

  for (int day = 1; day <= 31; day++)
    {
      if (day == 3 || day == 4)
        continue;
      g_autofree char *at = g_strdup_printf ("2026-10-%02dT09:00:00", day);
      g_autofree char *taken = g_strdup_printf ("2026-10-%02dT%s", day >= 20 && day <= 23 ? 19 : day,
                                                day == 12 ? "07:30:00" : "02:00:00");
      store_check (f, daily, at, day == 5 ? "failed" : "ok", day == 8 ? NULL : taken,
                   day == 20 ? "\"restore_test\": true, \"restore_ok\": true, \"restore_minutes\": 15" : NULL);
    }
  store_check (f, daily, "2026-10-06T10:00:00", "ok", "2026-10-06T02:00:00", NULL);
  store_check (f, daily, "2026-09-30T09:00:00", "ok", "2026-09-30T02:00:00", NULL);
  store_check (f, daily, "2026-11-01T09:00:00", "ok", "2026-11-01T02:00:00", NULL);

  store_check (f, weekly, "2026-09-29T10:00:00", "ok", "2026-09-29T01:00:00", NULL);
  store_check (f, weekly, "2026-10-06T10:00:00", "ok", "2026-10-06T01:00:00",
               "\"restore_test\": true, \"restore_ok\": true, \"restore_minutes\": 30");
  store_check (f, weekly, "2026-10-24T10:00:00", "ok", "2026-10-24T01:00:00",
               "\"restore_test\": true, \"restore_ok\": false, \"restore_minutes\": 90");
  store_check (f, weekly, "2026-10-28T10:00:00", "ok", "2026-10-28T01:00:00", NULL);
  store_check (f, monthly, "2026-10-20T10:00:00", "ok", "2026-10-20T01:00:00", NULL);
}

/* Inspection rounds at the site, due by the end of their planned day:
 *   planned 30 Sep, done 30 Sep           -> September's
 *   planned 13 Oct, last CI 13 Oct 16:30  -> on time
 *   planned 20 Oct, last CI 21 Oct 09:00  -> late (decided 20 Oct)
 *   planned 29 Oct, one CI, still open    -> late (decided 29 Oct)
 *   planned 15 Oct, cancelled             -> not counted
 *   planned 2 Nov                         -> November's
 * 1 of 3.  With the maintenance jobs (N on time, M late) routine work is
 * 2 of 5. */
static void
store_rounds (Fixture *f)
{
  g_autofree char *template = store (f->db, "inspection_template",
      "{\"ci_type\": \"ups\", \"name\": \"UPS round\", \"items\": []}");
  g_autofree char *ci_json = g_strdup_printf (
      "{\"code\": \"UPS-1\", \"name\": \"UPS\", \"type\": \"ups\", \"site_id\": \"%s\", \"status\": \"in_use\"}",
      f->site);
  g_autofree char *ci = store (f->db, "ci", ci_json);
  static const struct {
    const char *planned_for, *status, *inspected[2];
  } rounds[] = {
    { "2026-09-30", "done", { LOCAL ("2026-09-30T10:00:00") } },
    { "2026-10-13", "done", { LOCAL ("2026-10-13T11:00:00"), LOCAL ("2026-10-13T16:30:00") } },
    { "2026-10-20", "done", { LOCAL ("2026-10-20T15:00:00"), LOCAL ("2026-10-21T09:00:00") } },
    { "2026-10-29", "in_progress", { LOCAL ("2026-10-29T10:00:00") } },
    { "2026-10-15", "cancelled", { NULL } },
    { "2026-11-02", "planned", { NULL } },
  };
  for (guint i = 0; i < G_N_ELEMENTS (rounds); i++)
    {
      g_autofree char *round_json = g_strdup_printf (
          "{\"ref\": \"R%u\", \"site_id\": \"%s\", \"template_id\": \"%s\", \"planned_for\": \"%s\","
          " \"status\": \"%s\"}", i, f->site, template, rounds[i].planned_for, rounds[i].status);
      g_autofree char *round = store (f->db, "inspection_round", round_json);
      for (guint j = 0; j < G_N_ELEMENTS (rounds[i].inspected) && rounds[i].inspected[j] != NULL; j++)
        {
          g_autofree char *json = g_strdup_printf (
              "{\"round_id\": \"%s\", \"ci_id\": \"%s\", \"results\": {}, \"outcome\": \"pass\","
              " \"by\": \"li.na\", \"at\": \"%s\"}", round, ci, rounds[i].inspected[j]);
          g_free (store (f->db, "inspection", json));
        }
    }
}

static char *
store_location (Fixture *f, const char *code, const char *kind, const char *site)
{
  g_autofree char *json = g_strdup_printf (
      "{\"code\": \"%s\", \"name\": \"%s\", \"kind\": \"%s\", \"site_id\": \"%s\"}",
      code, code, kind, site);
  return store (f->db, "stock_location", json);
}

static void
store_movement (Fixture *f, const char *kind, const char *part, gint64 qty,
                const char *from, const char *to, const char *at)
{
  g_autoptr(JsonObject) m = json_object_new ();
  json_object_set_string_member (m, "kind", kind);
  json_object_set_string_member (m, "part_id", part);
  json_object_set_int_member (m, "qty", qty);
  if (from != NULL)
    json_object_set_string_member (m, "from_location", from);
  if (to != NULL)
    json_object_set_string_member (m, "to_location", to);
  json_object_set_string_member (m, "by", "li.na");
  json_object_set_string_member (m, "at", at);
  g_autofree char *json = fl_record_to_string (m);
  g_free (store (f->db, "stock_movement", json));
}

static void
store_count (Fixture *f, const char *location, const char *part, int counted, int expected,
             const char *status)
{
  g_autofree char *json = g_strdup_printf (
      "{\"location_id\": \"%s\", \"part_id\": \"%s\", \"counted\": %d, \"expected_at_count\": %d,"
      " \"by\": \"li.na\", \"at\": \"" LOCAL ("2026-10-28T10:00:00") "\", \"status\": \"%s\"}",
      location, part, counted, expected, status);
  g_free (store (f->db, "stock_count", json));
}

/* Counts at the site: WH disk 10 = 10, van disk 3 vs 4, WH fan 5 = 5, and a
 * rejected recount (ignored): 2 of 3 accurate.  At the other site 1 vs 2.
 * Movements in October at the site: receive 10 + 5 into WH, issue 4 to the
 * van, use 5 out of the van (the van is at -1: one negative balance); fans
 * (minimum 6) have 5 in the warehouse: one part below its minimum. */
static void
store_stock (Fixture *f)
{
  g_autofree char *disk = store (f->db, "part",
      "{\"sku\": \"HDD-600G\", \"name\": \"600 GB SAS disk\", \"unit\": \"pc\", \"min_stock\": 2}");
  g_autofree char *fan = store (f->db, "part",
      "{\"sku\": \"FAN-1U\", \"name\": \"1U fan\", \"unit\": \"pc\", \"min_stock\": 6}");
  g_autofree char *wh = store_location (f, "WH1", "warehouse", f->site);
  g_autofree char *van = store_location (f, "VAN1", "van", f->site);
  g_autofree char *other_wh = store_location (f, "WH2", "warehouse", f->other_site);

  store_movement (f, "receive", disk, 10, NULL, wh, LOCAL ("2026-10-02T10:00:00"));
  store_movement (f, "receive", fan, 5, NULL, wh, LOCAL ("2026-10-02T11:00:00"));
  store_movement (f, "issue", disk, 4, wh, van, LOCAL ("2026-10-03T10:00:00"));
  store_movement (f, "use", disk, 5, van, NULL, LOCAL ("2026-10-04T10:00:00"));
  store_movement (f, "receive", disk, 3, NULL, other_wh, LOCAL ("2026-10-05T10:00:00"));
  store_movement (f, "receive", disk, 1, NULL, wh, LOCAL ("2026-09-05T10:00:00"));

  store_count (f, wh, disk, 10, 10, "approved");
  store_count (f, van, disk, 3, 4, "pending");
  store_count (f, wh, fan, 5, 5, "pending");
  store_count (f, wh, fan, 7, 8, "rejected");
  store_count (f, other_wh, disk, 1, 2, "pending");
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("KPI", &f->dir);
  g_autofree char *calendar = store (f->db, "calendar",
      "{\"name\": \"China 2026\", \"time_zone\": \"Asia/Shanghai\","
      " \"holidays\": \"2026-10-01,2026-10-02,2026-10-03,2026-10-04,2026-10-05,2026-10-06,2026-10-07\","
      " \"working_days\": \"2026-10-10\"}");
  g_autofree char *site_json = g_strdup_printf (
      "{\"code\": \"HOSP1\", \"name\": \"First People's Hospital\", \"time_zone\": \"Asia/Shanghai\","
      " \"coverage\": \"5x9\", \"calendar_id\": \"%s\"}", calendar);
  f->site = store (f->db, "site", site_json);
  f->other_site = store (f->db, "site",
      "{\"code\": \"DC2\", \"name\": \"Data centre\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (f->db, f->site);
  fl_kpi_month_range (tz, 2026, 10, &f->start, &f->end);
  g_assert_true (fl_time_parse ("2026-11-05T00:00:00Z", &f->as_of, NULL));
  store_work_orders (f);
  store_backups (f);
  store_rounds (f);
  store_stock (f);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->other_site);
}

static FlKpiReport
compute (Fixture *f, const char *site, gint64 as_of)
{
  g_autoptr(GError) error = NULL;
  FlKpiReport report;
  g_assert_true (fl_kpi_compute (f->db, site, f->start, f->end, as_of, &report, &error));
  g_assert_no_error (error);
  return report;
}

#define assert_value(v, n, d) G_STMT_START {              \
    g_assert_cmpint ((v).numerator, ==, (n));             \
    g_assert_cmpint ((v).denominator, ==, (d));           \
  } G_STMT_END

#define HOURS(h) ((gint64) (h) * 3600)

static void
test_month_range (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  gint64 start, end;
  fl_kpi_month_range (tz, 2026, 10, &start, &end);
  g_autofree char *start_text = fl_time_format (start);
  g_autofree char *end_text = fl_time_format (end);
  g_assert_cmpstr (start_text, ==, "2026-09-30T16:00:00.000Z");
  g_assert_cmpstr (end_text, ==, "2026-10-31T16:00:00.000Z");
  /* Months carry into the year. */
  fl_kpi_month_range (tz, 2026, 13, &start, &end);
  g_autofree char *january = fl_time_format (start);
  g_assert_cmpstr (january, ==, "2026-12-31T16:00:00.000Z");
  fl_kpi_month_range (tz, 2026, 0, &start, &end);
  g_autofree char *december = fl_time_format (start);
  g_assert_cmpstr (december, ==, "2025-11-30T16:00:00.000Z");
}

static void
test_site_month (Fixture *f, gconstpointer data)
{
  FlKpiReport r = compute (f, f->site, f->as_of);

  /* Incident responses decided in October: B late; C, D, E, F on time (A
   * was decided in September; G is a request, M and N maintenance). */
  assert_value (r.values[FL_KPI_RESPONSE_ON_TIME], 4, 5);
  /* Incident resolutions: A (holidays), B (hold) on time; C and E late; D
   * and F not decided; M, late, is not an incident. */
  assert_value (r.values[FL_KPI_RESOLVED_ON_TIME], 2, 4);
  /* Ratings given in October: 5 (A), 3 (B), 4 (G) at acceptance, 4 (V) on
   * the follow-up call and 2 (K) closed without acceptance: three of five
   * satisfied. */
  assert_value (r.values[FL_KPI_SATISFACTION], 3, 5);
  /* Incidents resolved in October: A fixed on the first visit, B not. */
  assert_value (r.values[FL_KPI_FIRST_TIME_FIX], 1, 2);
  /* MTTR: A 28 Sep 10:00 - 10 Oct 12:00 = 12 d 2 h = 290 h; B 9 Oct 09:00 -
   * 21 Oct 10:00 = 289 h: 579 h over 2. */
  assert_value (r.values[FL_KPI_MTTR], HOURS (579), 2);
  /* Requests: G took 71 working hours, was on time, resolved at once by
   * the first line; P 28 hours, late, by the second line, not at once. */
  assert_value (r.values[FL_KPI_REQUEST_RESOLUTION_TIME], HOURS (71 + 28), 2);
  assert_value (r.values[FL_KPI_REQUEST_FIRST_LINE], 1, 2);
  assert_value (r.values[FL_KPI_REQUEST_OVERDUE], 1, 2);
  assert_value (r.values[FL_KPI_REQUEST_ONE_TIME], 1, 2);
  /* Routine work: maintenance N on time, M late; rounds 1 of 3. */
  assert_value (r.values[FL_KPI_ROUTINE_ON_TIME], 2, 5);
  assert_value (r.routine.maintenance, 1, 2);
  assert_value (r.routine.inspections, 1, 3);
  /* 22 of 31 daily + 3 of 4 weekly + 1 of 1 monthly periods. */
  assert_value (r.values[FL_KPI_BACKUPS_ON_TIME], 26, 36);
  assert_value (r.values[FL_KPI_RESTORE_SUCCESS], 2, 3);
  assert_value (r.values[FL_KPI_STOCK_ACCURACY], 2, 3);

  /* Incidents by priority (G is a request, M and N maintenance). */
  FlKpiPriorityRow *high = &r.by_priority[0], *medium = &r.by_priority[1];
  FlKpiPriorityRow *normal = &r.by_priority[2], *low = &r.by_priority[3];
  g_assert_cmpint (high->opened, ==, 3);    /* C, E, F */
  g_assert_cmpint (high->resolved, ==, 1);  /* A */
  assert_value (high->response, 3, 3);      /* C, E, F */
  assert_value (high->resolution, 1, 3);    /* A on time; C, E late */
  g_assert_cmpint (medium->opened, ==, 1);
  g_assert_cmpint (medium->resolved, ==, 1);
  assert_value (medium->response, 0, 1);
  assert_value (medium->resolution, 1, 1);
  g_assert_cmpint (normal->opened, ==, 1);
  assert_value (normal->response, 1, 1);
  assert_value (normal->resolution, 0, 0);
  g_assert_cmpint (low->opened, ==, 0);

  g_assert_cmpint (r.backups.jobs, ==, 3);
  g_assert_cmpint (r.backups.checks, ==, 34);
  g_assert_cmpint (r.backups.checks_ok, ==, 33);
  g_assert_cmpint (r.backups.checks_failed, ==, 1);
  g_assert_cmpint (r.backups.checks_undated, ==, 1);
  g_assert_cmpint (r.backups.restore_drills, ==, 3);
  g_assert_cmpint (r.backups.restore_ok, ==, 2);
  g_assert_cmpint (r.backups.restore_minutes, ==, 135);

  g_assert_cmpint (r.stock.counts, ==, 3);
  g_assert_cmpint (r.stock.counts_with_variance, ==, 1);
  g_assert_cmpint (r.stock.movements[FL_MOVE_RECEIVE], ==, 2);
  g_assert_cmpint (r.stock.quantities[FL_MOVE_RECEIVE], ==, 15);
  g_assert_cmpint (r.stock.movements[FL_MOVE_ISSUE], ==, 1);
  g_assert_cmpint (r.stock.quantities[FL_MOVE_ISSUE], ==, 4);
  g_assert_cmpint (r.stock.movements[FL_MOVE_USE], ==, 1);
  g_assert_cmpint (r.stock.quantities[FL_MOVE_USE], ==, 5);
  g_assert_cmpint (r.stock.movements[FL_MOVE_SCRAP], ==, 0);
  g_assert_cmpint (r.stock.negative_balances, ==, 1);
  g_assert_cmpint (r.stock.below_minimum, ==, 1);

  /* Against the targets: 4/5 = 80% < 95%, 2/4 < 98%, 3/5 < 90%, 1/2 < 90%,
   * 49.5 h > 1 h, 1/2 overdue > 5%, ...: none is met; MTTR has no target,
   * and no CMDB audit was approved in the month (test-cmdb.c has those). */
  g_assert_cmpint (r.values[FL_KPI_CMDB_ACCURACY].denominator, ==, 0);
  for (guint k = 0; k < FL_KPI_N_KINDS; k++)
    g_assert_cmpint (fl_kpi_meets_target (k, &r.values[k]), ==, k == FL_KPI_MTTR || k == FL_KPI_CMDB_ACCURACY);
  g_assert_cmpfloat_with_epsilon (fl_kpi_rate (&r.values[FL_KPI_RESPONSE_ON_TIME]), 4.0 / 5, 1e-9);
}

static void
test_every_site (Fixture *f, gconstpointer data)
{
  FlKpiReport r = compute (f, NULL, f->as_of);
  /* H adds a late response, an on-time resolution, a 5, a first-time fix
   * and 3 Oct 10:00 - 5 Oct 09:00 = 47 h to the MTTR. */
  assert_value (r.values[FL_KPI_RESPONSE_ON_TIME], 4, 6);
  assert_value (r.values[FL_KPI_RESOLVED_ON_TIME], 3, 5);
  assert_value (r.values[FL_KPI_SATISFACTION], 4, 6);
  assert_value (r.values[FL_KPI_FIRST_TIME_FIX], 2, 3);
  assert_value (r.values[FL_KPI_MTTR], HOURS (579 + 47), 3);
  /* The other site's daily job (periods ending 2 Oct .. 1 Nov at 00:00)
   * has 31 missed periods. */
  assert_value (r.values[FL_KPI_BACKUPS_ON_TIME], 26, 67);
  assert_value (r.values[FL_KPI_STOCK_ACCURACY], 2, 4);
  assert_value (r.values[FL_KPI_ROUTINE_ON_TIME], 2, 5);
  g_assert_cmpint (r.by_priority[0].opened, ==, 4);
  g_assert_cmpint (r.stock.movements[FL_MOVE_RECEIVE], ==, 3);
  g_assert_cmpint (r.stock.below_minimum, ==, 1);  /* fans; disks: 7 + 3 >= 2 */
}

/* Seen on 15 October, only what was decided by then counts: C (due 22 Oct)
 * is not yet late, B not yet resolved but its response was late, half the
 * month of backups is due. */
static void
test_as_of_mid_month (Fixture *f, gconstpointer data)
{
  gint64 as_of;
  g_assert_true (fl_time_parse (LOCAL ("2026-10-15T12:00:00"), &as_of, NULL));
  FlKpiReport r = compute (f, f->site, as_of);
  /* Incident responses: B late (12 Oct), C on time (15 Oct 10:00), E (8 Oct). */
  assert_value (r.values[FL_KPI_RESPONSE_ON_TIME], 2, 3);
  /* Resolutions: A on time (10 Oct), E late (14 Oct). */
  assert_value (r.values[FL_KPI_RESOLVED_ON_TIME], 1, 2);
  /* A rated 5 on 10 Oct, V 4 on 5 Oct, K 2 on 2 Oct. */
  assert_value (r.values[FL_KPI_SATISFACTION], 2, 3);
  assert_value (r.values[FL_KPI_REQUEST_RESOLUTION_TIME], 0, 0);
  /* Daily periods ending 1-15 Oct 06:00: 3, 4, 5, 8 and 12 late, 10 of 15;
   * weeks ending 5 and 12 Oct both met. */
  assert_value (r.values[FL_KPI_BACKUPS_ON_TIME], 12, 17);
  assert_value (r.values[FL_KPI_RESTORE_SUCCESS], 1, 1);
  /* The round of 13 Oct; M is due on 16 Oct. */
  assert_value (r.values[FL_KPI_ROUTINE_ON_TIME], 1, 1);
}

/* November as seen on 5 November 08:00: the weekly period 26 Oct - 2 Nov
 * spans the month end and counts once, in November, met by the backup of
 * 28 Oct; daily periods ending 1-5 Nov 06:00, only 1 Nov met; the monthly
 * period ends 1 Dec.  2 of 6.  The round planned for 2 Nov was not done. */
static void
test_period_across_month_end (Fixture *f, gconstpointer data)
{
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (f->db, f->site);
  gint64 start, end;
  fl_kpi_month_range (tz, 2026, 11, &start, &end);
  g_autoptr(GError) error = NULL;
  FlKpiReport r;
  g_assert_true (fl_kpi_compute (f->db, f->site, start, end, f->as_of, &r, &error));
  g_assert_no_error (error);
  assert_value (r.values[FL_KPI_BACKUPS_ON_TIME], 2, 6);
  assert_value (r.values[FL_KPI_ROUTINE_ON_TIME], 0, 1);
}

/* The due times of the dataset are the ones the SLA code derives on the
 * site's calendar: the hand count above agrees with fl-sla. */
static void
test_due_times_match_calendar (void)
{
  static const struct {
    const char *created;
    FlPriority  priority;
    gint64      on_hold_seconds;
    const char *response_due, *resolve_due;
  } cases[] = {
    { LOCAL ("2026-09-28T10:00:00"), FL_PRIORITY_HIGH, 0,
      LOCAL ("2026-09-30T16:00:00"), LOCAL ("2026-10-10T13:00:00") },             /* A */
    { LOCAL ("2026-10-09T09:00:00"), FL_PRIORITY_MEDIUM, 39600,
      LOCAL ("2026-10-12T15:00:00"), LOCAL ("2026-10-21T11:00:00") },             /* B */
    { LOCAL ("2026-10-15T09:00:00"), FL_PRIORITY_HIGH, 0,
      LOCAL ("2026-10-19T15:00:00"), LOCAL ("2026-10-22T12:00:00") },             /* C */
    { LOCAL ("2026-10-26T09:00:00"), FL_PRIORITY_NORMAL, 0,
      LOCAL ("2026-10-28T15:00:00"), LOCAL ("2026-11-09T15:00:00") },             /* D */
    { LOCAL ("2026-10-08T09:00:00"), FL_PRIORITY_HIGH, 0,
      LOCAL ("2026-10-10T15:00:00"), LOCAL ("2026-10-14T12:00:00") },             /* E */
    { LOCAL ("2026-10-20T09:00:00"), FL_PRIORITY_HIGH, 0,
      LOCAL ("2026-10-22T15:00:00"), LOCAL ("2026-10-27T12:00:00") },             /* F */
    { LOCAL ("2026-10-05T10:00:00"), FL_PRIORITY_MEDIUM, 0,
      LOCAL ("2026-10-10T15:00:00"), LOCAL ("2026-10-16T18:00:00") },             /* G */
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlCalendar) calendar = fl_calendar_new ("Asia/Shanghai", FL_COVERAGE_5X9);
  fl_calendar_add_days_from_string (calendar,
      "2026-10-01,2026-10-02,2026-10-03,2026-10-04,2026-10-05,2026-10-06,2026-10-07",
      "2026-10-10", &error);
  g_assert_no_error (error);
  FlSlaPolicy policy;
  fl_sla_policy_init_defaults (&policy);
  /* B's hold: Tue 13 Oct 10:00 - Wed 14 Oct 12:00 is 8 + 3 working hours. */
  gint64 hold_from, hold_to;
  g_assert_true (fl_time_parse (LOCAL ("2026-10-13T10:00:00"), &hold_from, NULL));
  g_assert_true (fl_time_parse (LOCAL ("2026-10-14T12:00:00"), &hold_to, NULL));
  g_assert_cmpint (fl_calendar_working_seconds_between (calendar, hold_from, hold_to), ==, 39600);
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      gint64 created, response_due, resolve_due, expected_response, expected_resolve;
      g_assert_true (fl_time_parse (cases[i].created, &created, NULL));
      g_assert_true (fl_time_parse (cases[i].response_due, &expected_response, NULL));
      g_assert_true (fl_time_parse (cases[i].resolve_due, &expected_resolve, NULL));
      fl_sla_compute_due (&policy, calendar, cases[i].priority, created, cases[i].on_hold_seconds,
                          &response_due, &resolve_due);
      /* Equal as working time: a due time at closing equals the next opening. */
      g_assert_cmpint (fl_calendar_working_seconds_between (calendar, MIN (response_due, expected_response),
                                                            MAX (response_due, expected_response)), ==, 0);
      g_assert_cmpint (fl_calendar_working_seconds_between (calendar, MIN (resolve_due, expected_resolve),
                                                            MAX (resolve_due, expected_resolve)), ==, 0);
    }
}

static void
test_targets (void)
{
  FlKpiValue v = { 19, 20 };
  g_assert_true (fl_kpi_meets_target (FL_KPI_RESPONSE_ON_TIME, &v));   /* 95% */
  g_assert_false (fl_kpi_meets_target (FL_KPI_RESOLVED_ON_TIME, &v));  /* 98% */
  FlKpiValue none = { 0, 0 };
  g_assert_true (fl_kpi_meets_target (FL_KPI_STOCK_ACCURACY, &none));
  g_assert_cmpfloat (fl_kpi_rate (&none), <, 0);
  g_assert_cmpfloat (fl_kpi_target (FL_KPI_RESPONSE_ON_TIME), ==, 0.95);
  g_assert_cmpfloat (fl_kpi_target (FL_KPI_RESOLVED_ON_TIME), ==, 0.98);
  g_assert_cmpfloat (fl_kpi_target (FL_KPI_SATISFACTION), ==, 0.90);
  g_assert_cmpstr (fl_kpi_id (FL_KPI_STOCK_ACCURACY), ==, "stock_record_accuracy");
  g_assert_cmpstr (fl_kpi_clause (FL_KPI_BACKUPS_ON_TIME), ==, "003 8.6.3.2 a");

  /* Overdue requests: at most 5%, so 1 of 20 meets it and 2 of 20 do not. */
  FlKpiValue overdue = { 1, 20 }, too_many = { 2, 20 };
  g_assert_true (fl_kpi_meets_target (FL_KPI_REQUEST_OVERDUE, &overdue));
  g_assert_false (fl_kpi_meets_target (FL_KPI_REQUEST_OVERDUE, &too_many));
  /* Mean request time: at most 1 hour, 4 requests in 4 hours meet it. */
  FlKpiValue hour_each = { HOURS (4), 4 }, a_second_more = { HOURS (4) + 1, 4 };
  g_assert_true (fl_kpi_meets_target (FL_KPI_REQUEST_RESOLUTION_TIME, &hour_each));
  g_assert_false (fl_kpi_meets_target (FL_KPI_REQUEST_RESOLUTION_TIME, &a_second_more));
  /* MTTR has no target. */
  FlKpiValue slow = { HOURS (1000), 1 };
  g_assert_true (fl_kpi_meets_target (FL_KPI_MTTR, &slow));

  g_autofree char *rate = fl_kpi_format_value (FL_KPI_RESPONSE_ON_TIME, &v);
  g_autofree char *mean = fl_kpi_format_value (FL_KPI_MTTR, &(FlKpiValue) { HOURS (626), 3 });
  g_autofree char *nothing = fl_kpi_format_value (FL_KPI_MTTR, &none);
  g_autofree char *at_least = fl_kpi_format_target (FL_KPI_RESPONSE_ON_TIME);
  g_autofree char *at_most = fl_kpi_format_target (FL_KPI_REQUEST_OVERDUE);
  g_autofree char *hours = fl_kpi_format_target (FL_KPI_REQUEST_RESOLUTION_TIME);
  g_autofree char *cases = fl_kpi_format_fraction (FL_KPI_RESPONSE_ON_TIME, &v);
  g_autofree char *summed = fl_kpi_format_fraction (FL_KPI_MTTR, &(FlKpiValue) { HOURS (626), 3 });
  g_assert_cmpstr (rate, ==, "95.0%");
  g_assert_cmpstr (mean, ==, "208.7 h");
  g_assert_cmpstr (nothing, ==, "—");
  g_assert_cmpstr (at_least, ==, "≥ 95%");
  g_assert_cmpstr (at_most, ==, "≤ 5%");
  g_assert_cmpstr (hours, ==, "≤ 1 h");
  g_assert_cmpstr (cases, ==, "19 responded in time / 20 responses due");
  g_assert_cmpstr (summed, ==, "626.0 h from report to resolution / 3 incidents resolved");
}

/* The report's site choice: every site by code, "code name". */
static void
test_list_sites (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sites = fl_kpi_list_sites (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sites->len, ==, 2);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (sites, 0), "id"), ==, f->other_site);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (sites, 0), "label"), ==, "DC2 Data centre");
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (sites, 1), "id"), ==, f->site);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/kpi/month-range", test_month_range);
  g_test_add_func ("/kpi/targets", test_targets);
  g_test_add_func ("/kpi/due-times-match-calendar", test_due_times_match_calendar);
  g_test_add ("/kpi/site-month", Fixture, NULL, fixture_set_up, test_site_month, fixture_tear_down);
  g_test_add ("/kpi/list-sites", Fixture, NULL, fixture_set_up, test_list_sites, fixture_tear_down);
  g_test_add ("/kpi/every-site", Fixture, NULL, fixture_set_up, test_every_site, fixture_tear_down);
  g_test_add ("/kpi/as-of-mid-month", Fixture, NULL, fixture_set_up, test_as_of_mid_month,
              fixture_tear_down);
  g_test_add ("/kpi/period-across-month-end", Fixture, NULL, fixture_set_up,
              test_period_across_month_end, fixture_tear_down);
  return g_test_run ();
}
