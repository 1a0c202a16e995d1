#include "fl-kpi.h"

#include <glib/gi18n-lib.h>
#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <string.h>

#include "fl-change-workflow.h"
#include "fl-cmdb-audits.h"
#include "fl-query.h"
#include "fl-security.h"
#include "fl-stock-queries.h"
#include "fl-time.h"
#include "fl-work-order.h"

#define HOUR (G_GINT64_CONSTANT (3600))

typedef struct {
  const char  *id;
  const char  *label;        /* N_() */
  const char  *clause;       /* 001 = the service management manual and procedures,
                              * 003 = the O&M spec; NULL: the standards define no such measure */
  const char  *numerator;    /* N_() */
  const char  *denominator;  /* N_() */
  FlKpiMeasure measure;
  double       target;       /* a fraction, or seconds for a mean */
} KpiInfo;

/* Where a standard gives a figure it is the target; where it names the
 * measure only, docs/design.md, "KPIs", says where the target comes from. */
static const KpiInfo kpis[FL_KPI_N_KINDS] = {
  [FL_KPI_RESPONSE_ON_TIME] = { "response_on_time", N_("Incident response on time"),
      "001 6.2.1; 003 8.4.2.2 a", N_("responded in time"), N_("responses due"),
      FL_KPI_RATE_AT_LEAST, 0.95 },
  [FL_KPI_RESOLVED_ON_TIME] = { "resolved_on_time", N_("Incidents resolved on time"),
      "001 6.2.1; 003 8.4.2.2 b", N_("resolved in time"), N_("resolutions due"),
      FL_KPI_RATE_AT_LEAST, 0.98 },
  [FL_KPI_SATISFACTION] = { "customer_satisfaction", N_("Customer satisfaction"),
      "001 6.2.1; 001 事件管理程序 6.6", N_("rated 4 or 5"), N_("ratings given"),
      FL_KPI_RATE_AT_LEAST, 0.90 },
  [FL_KPI_FIRST_TIME_FIX] = { "first_time_fix", N_("Incidents fixed on the first visit"),
      NULL, N_("fixed on the first visit"), N_("incidents resolved"),
      FL_KPI_RATE_AT_LEAST, 0.90 },
  [FL_KPI_MTTR] = { "mttr", N_("Mean time to repair (MTTR)"),
      "001 服务连续性和可用性管理程序 3.3", N_("from report to resolution"), N_("incidents resolved"),
      FL_KPI_MEAN, 0 },
  [FL_KPI_REQUEST_RESOLUTION_TIME] = { "request_mean_resolution_time",
      N_("Mean request resolution time"), "001 服务请求管理程序 6",
      N_("of working time less hold"), N_("requests resolved"), FL_KPI_MEAN_AT_MOST, 1 * HOUR },
  [FL_KPI_REQUEST_FIRST_LINE] = { "request_first_line", N_("Requests resolved at the first line"),
      "001 服务请求管理程序 6", N_("resolved at the first line"), N_("requests resolved"),
      FL_KPI_RATE_AT_LEAST, 0.90 },
  [FL_KPI_REQUEST_OVERDUE] = { "request_overdue", N_("Requests resolved late"),
      "001 服务请求管理程序 6", N_("resolved late"), N_("resolutions due"),
      FL_KPI_RATE_AT_MOST, 0.05 },
  [FL_KPI_REQUEST_ONE_TIME] = { "request_one_time", N_("Requests resolved at the first attempt"),
      "001 服务请求管理程序 6", N_("resolved at the first attempt"), N_("requests resolved"),
      FL_KPI_RATE_AT_LEAST, 0.98 },
  [FL_KPI_ROUTINE_ON_TIME] = { "routine_on_time", N_("Routine work delivered on time"),
      "003 8.4.1.2 a", N_("delivered in time"), N_("deliveries due"),
      FL_KPI_RATE_AT_LEAST, 1.00 },
  [FL_KPI_BACKUPS_ON_TIME] = { "backups_on_time", N_("Backups on time"),
      "003 8.6.3.2 a", N_("periods with a backup"), N_("backup periods ended"),
      FL_KPI_RATE_AT_LEAST, 1.00 },
  [FL_KPI_RESTORE_SUCCESS] = { "restore_success", N_("Data restores succeeded"),
      "003 8.6.3.2 b", N_("restores succeeded"), N_("restore drills"),
      FL_KPI_RATE_AT_LEAST, 1.00 },
  [FL_KPI_STOCK_ACCURACY] = { "stock_record_accuracy", N_("Spare-parts record accuracy"),
      "003 7.5.2 c", N_("counts matching the records"), N_("stock counts"),
      FL_KPI_RATE_AT_LEAST, 0.98 },
  [FL_KPI_CMDB_ACCURACY] = { "cmdb_record_accuracy", N_("Records match reality"),
      "003 7.7.2 b; 003 8.3.5.2 a; 001 配置管理程序 6.5", N_("found as recorded"), N_("items audited"),
      FL_KPI_RATE_AT_LEAST, 0.98 },
};

const char *
fl_kpi_id (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, NULL);
  return kpis[kind].id;
}

const char *
fl_kpi_label (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, NULL);
  return _(kpis[kind].label);
}

const char *
fl_kpi_clause (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, NULL);
  return kpis[kind].clause;
}

const char *
fl_kpi_numerator_label (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, NULL);
  return _(kpis[kind].numerator);
}

const char *
fl_kpi_denominator_label (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, NULL);
  return _(kpis[kind].denominator);
}

FlKpiMeasure
fl_kpi_measure (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, FL_KPI_MEAN);
  return kpis[kind].measure;
}

double
fl_kpi_target (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, 0);
  return kpis[kind].target;
}

double
fl_kpi_rate (const FlKpiValue *value)
{
  if (value->denominator <= 0)
    return -1;
  return (double) value->numerator / (double) value->denominator;
}

gboolean
fl_kpi_meets_target (FlKpiKind kind, const FlKpiValue *value)
{
  if (value->denominator <= 0)
    return TRUE;
  /* Compare in whole counts (a rate in hundredths of a percent, a mean in
   * whole seconds) so 19 of 20 meets 95% without rounding error. */
  gint64 target = (gint64) (fl_kpi_target (kind) * 10000 + 0.5);
  switch (fl_kpi_measure (kind))
    {
    case FL_KPI_RATE_AT_LEAST:
      return value->numerator * 10000 >= target * value->denominator;
    case FL_KPI_RATE_AT_MOST:
      return value->numerator * 10000 <= target * value->denominator;
    case FL_KPI_MEAN_AT_MOST:
      return value->numerator <= (gint64) fl_kpi_target (kind) * value->denominator;
    case FL_KPI_MEAN:
    default:
      return TRUE;
    }
}

gboolean
fl_kpi_is_mean (FlKpiKind kind)
{
  return fl_kpi_measure (kind) == FL_KPI_MEAN || fl_kpi_measure (kind) == FL_KPI_MEAN_AT_MOST;
}

char *
fl_kpi_format_value (FlKpiKind kind, const FlKpiValue *value)
{
  double rate = fl_kpi_rate (value);
  if (rate < 0)
    return g_strdup ("—");
  if (fl_kpi_is_mean (kind))
    /* Translators: a mean time in hours, "2.5 h". */
    return g_strdup_printf (_("%.1f h"), rate / HOUR);
  return g_strdup_printf ("%.1f%%", rate * 100);
}

char *
fl_kpi_format_target (FlKpiKind kind)
{
  double target = fl_kpi_target (kind);
  switch (fl_kpi_measure (kind))
    {
    case FL_KPI_RATE_AT_LEAST:
      return g_strdup_printf ("≥ %.0f%%", target * 100);
    case FL_KPI_RATE_AT_MOST:
      return g_strdup_printf ("≤ %.0f%%", target * 100);
    case FL_KPI_MEAN_AT_MOST:
      /* Translators: a target for a mean time, "≤ 1 h". */
      return g_strdup_printf (_("≤ %g h"), target / HOUR);
    case FL_KPI_MEAN:
    default:
      return g_strdup (_("no target"));
    }
}

char *
fl_kpi_format_fraction (FlKpiKind kind, const FlKpiValue *value)
{
  g_autofree char *numerator = fl_kpi_is_mean (kind)
    ? g_strdup_printf (_("%.1f h"), (double) value->numerator / HOUR)
    : g_strdup_printf ("%" G_GINT64_FORMAT, value->numerator);
  /* Translators: a KPI's numerator and denominator with what they count,
   * "5 responded in time / 6 responses due". */
  return g_strdup_printf (_("%s %s / %" PRId64 " %s"), numerator, fl_kpi_numerator_label (kind),
                          value->denominator, fl_kpi_denominator_label (kind));
}

static gint64
column_time (sqlite3_stmt *stmt, int column)
{
  const char *text = (const char *) sqlite3_column_text (stmt, column);
  gint64 usec = 0;
  if (text == NULL || !fl_time_parse (text, &usec, NULL))
    return 0;
  return usec;
}

static gint64
usec_of (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static gboolean
in_period (const FlKpiReport *r, gint64 t)
{
  return t != 0 && t >= r->start && t < r->end && t <= r->as_of;
}

static void
count (FlKpiValue *value, gboolean counted)
{
  value->denominator++;
  if (counted)
    value->numerator++;
}

static void
add_seconds (FlKpiValue *value, gint64 seconds)
{
  value->denominator++;
  value->numerator += MAX (seconds, 0);
}

/* A case with a due time is decided when it is done in time (at the time it
 * was done) or when its due time passes first (at the due time).  While an
 * order is on hold its clock is stopped: it is late only if it was already
 * late when the hold began.  Returns whether the case was decided in the
 * period; `met` says how. */
static gboolean
decide (const FlKpiReport *r, gint64 due, gint64 done, gint64 paused_since, gboolean *met)
{
  if (due == 0)
    return FALSE;
  if (done != 0 && done <= due)
    {
      *met = TRUE;
      return in_period (r, done);
    }
  *met = FALSE;
  if (done == 0 && paused_since != 0 && paused_since <= due)
    return FALSE;
  return in_period (r, due);
}

/* The calendars of the sites seen so far, by site id ("" for none). */
static FlCalendar *
site_calendar (FlDb *db, GHashTable *calendars, const char *site_id)
{
  const char *key = site_id != NULL ? site_id : "";
  FlCalendar *calendar = g_hash_table_lookup (calendars, key);
  if (calendar == NULL)
    {
      calendar = fl_work_order_load_site_calendar (db, site_id);
      g_hash_table_insert (calendars, g_strdup (key), calendar);
    }
  return calendar;
}

typedef struct {
  FlPriority priority;
  gboolean   has_priority;
  gint64     created, response_due, responded, resolve_due, resolved, hold_since, hold_seconds;
  gboolean   has_first_time_fix, first_time_fix;
  gboolean   second_line;  /* support_line: the request went to the second line */
} WorkOrderFacts;

/* 001 6.2.1 and 003 8.4.2.2: response and resolution on time are the
 * incident procedure's measures; maintenance jobs and requests have their
 * own (routine work, the request procedure's 6). */
static void
count_incident (FlKpiReport *r, const WorkOrderFacts *wo)
{
  FlKpiPriorityRow *row = wo->has_priority ? &r->by_priority[wo->priority] : NULL;
  gboolean met;
  if (row != NULL && in_period (r, wo->created))
    row->opened++;
  if (row != NULL && in_period (r, wo->resolved))
    row->resolved++;
  /* Response needs no hold rule: an order goes on hold only after work began. */
  if (decide (r, wo->response_due, wo->responded, 0, &met))
    {
      count (&r->values[FL_KPI_RESPONSE_ON_TIME], met);
      if (row != NULL)
        count (&row->response, met);
    }
  if (decide (r, wo->resolve_due, wo->resolved, wo->hold_since, &met))
    {
      count (&r->values[FL_KPI_RESOLVED_ON_TIME], met);
      if (row != NULL)
        count (&row->resolution, met);
    }
  if (in_period (r, wo->resolved))
    {
      if (wo->has_first_time_fix)
        count (&r->values[FL_KPI_FIRST_TIME_FIX], wo->first_time_fix);
      /* MTTR is the customer's time without the service: wall-clock time. */
      add_seconds (&r->values[FL_KPI_MTTR], (wo->resolved - wo->created) / G_USEC_PER_SEC);
    }
}

/* 001 服务请求管理程序 6: the request measures the records support. */
static void
count_request (FlKpiReport *r, const WorkOrderFacts *wo, FlCalendar *calendar)
{
  gboolean met;
  if (decide (r, wo->resolve_due, wo->resolved, wo->hold_since, &met))
    count (&r->values[FL_KPI_REQUEST_OVERDUE], !met);
  if (!in_period (r, wo->resolved))
    return;
  /* The procedure's 1 hour is working time, the clock of the request's dues. */
  add_seconds (&r->values[FL_KPI_REQUEST_RESOLUTION_TIME],
               fl_calendar_working_seconds_between (calendar, wo->created, wo->resolved)
               - wo->hold_seconds);
  count (&r->values[FL_KPI_REQUEST_FIRST_LINE], !wo->second_line);
  if (wo->has_first_time_fix)
    count (&r->values[FL_KPI_REQUEST_ONE_TIME], wo->first_time_fix);
}

/* 003 8.4.1.2 a: a maintenance job is delivered when it is resolved. */
static void
count_maintenance (FlKpiReport *r, const WorkOrderFacts *wo)
{
  gboolean met;
  if (decide (r, wo->resolve_due, wo->resolved, wo->hold_since, &met))
    {
      count (&r->values[FL_KPI_ROUTINE_ON_TIME], met);
      count (&r->routine.maintenance, met);
    }
}

static gboolean
compute_work_orders (FlDb *db, const char *site_id, GHashTable *calendars, FlKpiReport *r,
                     GError **error)
{
  /* Candidates: not cancelled nor rejected as out of scope (001 事件管理程序
   * 6.1 a: outside the agreement, so outside its figures), created before
   * the end; the C code decides exactly which period each case belongs to. */
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT kind, priority, created_at, response_due, responded_at, resolve_due, resolved_at,"
      "       on_hold_since, coalesce (visited_at, customer_accepted_at, closed_at), satisfaction,"
      "       first_time_fix, site_id, on_hold_seconds, support_line = 'second'"
      "  FROM work_order"
      " WHERE (?1 IS NULL OR site_id = ?1) AND status NOT IN ('cancelled', 'rejected')"
      "   AND created_at < ?3"
      "   AND (resolved_at IS NULL OR resolved_at >= ?2 OR response_due >= ?2"
      "        OR resolve_due >= ?2 OR customer_accepted_at >= ?2 OR closed_at >= ?2"
      "        OR visited_at >= ?2 OR created_at >= ?2)", error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *start_text = fl_time_format (r->start);
  g_autofree char *end_text = fl_time_format (MIN (r->end, r->as_of + 1));
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end_text, -1, SQLITE_TRANSIENT);

  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      const char *kind = (const char *) sqlite3_column_text (stmt, 0);
      FlPriority priority = FL_PRIORITY_NORMAL;
      gboolean has_priority = fl_priority_from_string ((const char *) sqlite3_column_text (stmt, 1),
                                                       &priority);
      WorkOrderFacts wo = {
        .priority = priority,
        .has_priority = has_priority,
        .created = column_time (stmt, 2),
        .response_due = column_time (stmt, 3),
        .responded = column_time (stmt, 4),
        .resolve_due = column_time (stmt, 5),
        .resolved = column_time (stmt, 6),
        .hold_since = column_time (stmt, 7),
        .has_first_time_fix = sqlite3_column_type (stmt, 10) != SQLITE_NULL,
        .first_time_fix = sqlite3_column_int (stmt, 10) != 0,
        .hold_seconds = sqlite3_column_int64 (stmt, 12),
        .second_line = sqlite3_column_int (stmt, 13) != 0,
      };

      if (g_strcmp0 (kind, "incident") == 0)
        count_incident (r, &wo);
      else if (g_strcmp0 (kind, "request") == 0)
        count_request (r, &wo, site_calendar (db, calendars, (const char *) sqlite3_column_text (stmt, 11)));
      else if (g_strcmp0 (kind, "maintenance") == 0)
        count_maintenance (r, &wo);

      /* 001 事件管理程序 6.6: the customer's rating of any work, in the
       * month it was given: on the follow-up call (visited_at; it replaces
       * the acceptance's), else at the acceptance, else, for an order closed
       * without either, in the month it was closed. */
      if (in_period (r, column_time (stmt, 8)) && sqlite3_column_type (stmt, 9) != SQLITE_NULL)
        count (&r->values[FL_KPI_SATISFACTION], sqlite3_column_int (stmt, 9) >= 4);
    }
  return TRUE;
}

/* 003 8.4.1.2 a: an inspection round is delivered when its last CI is
 * inspected (the round is then done) and is due by the end of the day it
 * was planned for, in its site's time zone. */
static gboolean
compute_inspections (FlDb *db, const char *site_id, GHashTable *calendars, FlKpiReport *r,
                     GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT r.site_id, r.planned_for, r.status = 'done',"
      "       (SELECT max (i.at) FROM inspection i WHERE i.round_id = r.id)"
      "  FROM inspection_round r"
      " WHERE (?1 IS NULL OR r.site_id = ?1) AND r.status <> 'cancelled' AND r.planned_for >= ?2",
      error);
  if (stmt == NULL)
    return FALSE;
  /* A round decided in the period is due in it: planned for its first
   * local day at the earliest (a day earlier covers any time zone). */
  g_autoptr(GDateTime) first = g_date_time_new_from_unix_utc (r->start / G_USEC_PER_SEC - 24 * HOUR);
  g_autofree char *first_day = g_date_time_format (first, "%Y-%m-%d");
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, first_day, -1, SQLITE_TRANSIENT);
  for (;;)
    {
      gboolean has_row, met;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      FlCalendar *calendar = site_calendar (db, calendars, (const char *) sqlite3_column_text (stmt, 0));
      int year, month, day;
      if (sscanf ((const char *) sqlite3_column_text (stmt, 1), "%d-%d-%d", &year, &month, &day) != 3)
        continue;
      g_autoptr(GDateTime) planned = g_date_time_new (fl_calendar_get_time_zone (calendar), year, month,
                                                      day, 0, 0, 0);
      if (planned == NULL)
        continue;
      g_autoptr(GDateTime) next_day = g_date_time_add_days (planned, 1);
      gint64 due = usec_of (next_day) - 1;  /* the last instant of the planned day */
      gint64 delivered = sqlite3_column_int (stmt, 2) ? column_time (stmt, 3) : 0;
      if (decide (r, due, delivered, 0, &met))
        {
          count (&r->values[FL_KPI_ROUTINE_ON_TIME], met);
          count (&r->routine.inspections, met);
        }
    }
  return TRUE;
}

/* A job's schedule sets deadlines — every local day, every Monday, or the
 * first of every month — at its due_by time of day (00:00 when not set).
 * Each backup period runs from one deadline to the next, whatever month it
 * falls in, so a weekly period that spans a month end is one period. */
static GDateTime *
step_deadline (GDateTime *deadline, const char *schedule, int n)
{
  if (g_strcmp0 (schedule, "monthly") == 0)
    return g_date_time_add_months (deadline, n);
  if (g_strcmp0 (schedule, "weekly") == 0)
    return g_date_time_add_weeks (deadline, n);
  return g_date_time_add_days (deadline, n);
}

/* The first deadline after `after` (usec UTC). */
static GDateTime *
first_deadline_after (gint64 after, GTimeZone *tz, const char *schedule, const char *due_by)
{
  int hour = 0, minute = 0;
  if (due_by == NULL || sscanf (due_by, "%d:%d", &hour, &minute) != 2
      || hour < 0 || hour > 23 || minute < 0 || minute > 59)
    hour = minute = 0;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (after / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  int year, month, day;
  g_date_time_get_ymd (local, &year, &month, &day);
  if (g_strcmp0 (schedule, "monthly") == 0)
    day = 1;
  g_autoptr(GDateTime) that_day = g_date_time_new (tz, year, month, day, hour, minute, 0);
  GDateTime *deadline = g_strcmp0 (schedule, "weekly") == 0
    ? g_date_time_add_days (that_day, 1 - g_date_time_get_day_of_week (that_day))
    : g_date_time_ref (that_day);
  while (usec_of (deadline) <= after)
    {
      GDateTime *next = step_deadline (deadline, schedule, 1);
      g_date_time_unref (deadline);
      deadline = next;
    }
  return deadline;
}

/* 003 8.6.3.2 a (数据备份及时率): a backup period whose deadline passed in the
 * report's period is met when a check found a good backup taken inside it
 * (backup_taken_at, not when it was checked: a backup taken once and
 * checked every day is late every day after the first).  A period counts
 * only if the job existed when it began. */
static gboolean
count_backup_periods (FlDb *db, FlKpiReport *r, GTimeZone *tz, const char *job_id,
                      const char *schedule, const char *due_by, gint64 job_created, GError **error)
{
  g_autoptr(GDateTime) deadline = first_deadline_after (r->start, tz, schedule, due_by);
  g_autoptr(GDateTime) first_start = step_deadline (deadline, schedule, -1);
  g_autofree char *from_text = fl_time_format (usec_of (first_start));
  g_autofree char *end_text = fl_time_format (r->end);
  g_autofree char *as_of_text = fl_time_format (r->as_of);
  g_autoptr(FlStmt) taken = fl_db_prepare (db,
      "SELECT backup_taken_at FROM backup_check"
      " WHERE job_id = ?1 AND result = 'ok' AND backup_taken_at >= ?2 AND backup_taken_at < ?3"
      "   AND checked_at <= ?4 ORDER BY backup_taken_at", error);
  if (taken == NULL)
    return FALSE;
  sqlite3_bind_text (taken, 1, job_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (taken, 2, from_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (taken, 3, end_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (taken, 4, as_of_text, -1, SQLITE_TRANSIENT);
  g_autoptr(GArray) times = g_array_new (FALSE, FALSE, sizeof (gint64));
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, taken, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      gint64 at = column_time (taken, 0);
      g_array_append_val (times, at);
    }

  guint next = 0;
  g_autoptr(GDateTime) period_start = g_steal_pointer (&first_start);
  while (usec_of (deadline) <= r->end && usec_of (deadline) <= r->as_of)
    {
      gint64 from = usec_of (period_start), to = usec_of (deadline);
      while (next < times->len && g_array_index (times, gint64, next) < from)
        next++;
      if (job_created <= from)
        count (&r->values[FL_KPI_BACKUPS_ON_TIME],
               next < times->len && g_array_index (times, gint64, next) < to);
      g_date_time_unref (period_start);
      period_start = g_steal_pointer (&deadline);
      deadline = step_deadline (period_start, schedule, 1);
    }
  return TRUE;
}

/* The checks recorded in the period and, 003 8.6.3.2 b (数据恢复成功率), the
 * restore drills among them. */
static gboolean
count_backup_checks (FlDb *db, FlKpiReport *r, const char *job_id, GError **error)
{
  g_autofree char *start_text = fl_time_format (r->start);
  g_autofree char *end_text = fl_time_format (MIN (r->end, r->as_of + 1));
  g_autoptr(FlStmt) checks = fl_db_prepare (db,
      "SELECT result, backup_taken_at IS NULL, restore_test, restore_ok, restore_minutes"
      "  FROM backup_check WHERE job_id = ? AND checked_at >= ? AND checked_at < ?", error);
  if (checks == NULL)
    return FALSE;
  sqlite3_bind_text (checks, 1, job_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (checks, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (checks, 3, end_text, -1, SQLITE_TRANSIENT);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, checks, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      r->backups.checks++;
      if (g_strcmp0 ((const char *) sqlite3_column_text (checks, 0), "ok") == 0)
        {
          r->backups.checks_ok++;
          if (sqlite3_column_int (checks, 1) != 0)
            r->backups.checks_undated++;
        }
      else
        r->backups.checks_failed++;
      if (sqlite3_column_int (checks, 2) != 0)
        {
          gboolean restored = sqlite3_column_int (checks, 3) != 0;
          r->backups.restore_drills++;
          if (restored)
            r->backups.restore_ok++;
          r->backups.restore_minutes += sqlite3_column_int (checks, 4);
          count (&r->values[FL_KPI_RESTORE_SUCCESS], restored);
        }
    }
  return TRUE;
}

static gboolean
compute_backups (FlDb *db, const char *site_id, GHashTable *calendars, FlKpiReport *r,
                 GError **error)
{
  g_autoptr(FlStmt) jobs = fl_db_prepare (db,
      "SELECT j.id, j.schedule, j.due_by, j.created_at, ci.site_id"
      "  FROM backup_job j LEFT JOIN ci ON ci.id = j.ci_id"
      " WHERE (?1 IS NULL OR ci.site_id = ?1) ORDER BY j.id", error);
  if (jobs == NULL)
    return FALSE;
  sqlite3_bind_text (jobs, 1, site_id, -1, SQLITE_TRANSIENT);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, jobs, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      r->backups.jobs++;
      const char *job_id = (const char *) sqlite3_column_text (jobs, 0);
      FlCalendar *calendar = site_calendar (db, calendars, (const char *) sqlite3_column_text (jobs, 4));
      if (!count_backup_periods (db, r, fl_calendar_get_time_zone (calendar), job_id,
                                 (const char *) sqlite3_column_text (jobs, 1),
                                 (const char *) sqlite3_column_text (jobs, 2),
                                 column_time (jobs, 3), error)
          || !count_backup_checks (db, r, job_id, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
compute_stock (FlDb *db, const char *site_id, FlKpiReport *r, GError **error)
{
  g_autofree char *start_text = fl_time_format (r->start);
  g_autofree char *end_text = fl_time_format (MIN (r->end, r->as_of + 1));
  gboolean has_row;

  /* A site's stock: its own locations (a transfer counts at both ends). */
  g_autoptr(FlStmt) counts = fl_db_prepare (db,
      "SELECT c.counted, c.expected_at_count FROM stock_count c"
      "  LEFT JOIN stock_location l ON l.id = c.location_id"
      " WHERE (?1 IS NULL OR l.site_id = ?1) AND c.status <> 'rejected' AND c.at >= ?2 AND c.at < ?3",
      error);
  if (counts == NULL)
    return FALSE;
  sqlite3_bind_text (counts, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (counts, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (counts, 3, end_text, -1, SQLITE_TRANSIENT);
  while (fl_stmt_step_row (db, counts, &has_row, error) && has_row)
    {
      gboolean accurate = sqlite3_column_int64 (counts, 0) == sqlite3_column_int64 (counts, 1);
      r->stock.counts++;
      if (!accurate)
        r->stock.counts_with_variance++;
      count (&r->values[FL_KPI_STOCK_ACCURACY], accurate);
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  g_autoptr(FlStmt) moves = fl_db_prepare (db,
      "SELECT m.kind, count(*), sum(m.qty) FROM stock_movement m"
      " WHERE m.at >= ?2 AND m.at < ?3 AND (?1 IS NULL OR EXISTS ("
      "   SELECT 1 FROM stock_location l WHERE l.site_id = ?1"
      "      AND l.id IN (m.from_location, m.to_location)))"
      " GROUP BY m.kind", error);
  if (moves == NULL)
    return FALSE;
  sqlite3_bind_text (moves, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (moves, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (moves, 3, end_text, -1, SQLITE_TRANSIENT);
  while (fl_stmt_step_row (db, moves, &has_row, error) && has_row)
    {
      static const char * const kinds[] = {
        "receive", "issue", "transfer", "use", "return", "scrap", "adjust" };
      const char *kind = (const char *) sqlite3_column_text (moves, 0);
      for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
        if (g_strcmp0 (kinds[i], kind) == 0)
          {
            r->stock.movements[i] = sqlite3_column_int64 (moves, 1);
            r->stock.quantities[i] = sqlite3_column_int64 (moves, 2);
          }
    }
  if (error != NULL && *error != NULL)
    return FALSE;

  FlStockAlertCounts alerts;
  if (!fl_stock_count_alerts (db, site_id, &alerts, error))
    return FALSE;
  r->stock.negative_balances = alerts.negative_balances;
  r->stock.below_minimum = alerts.low_parts;
  return TRUE;
}

/* 003 7.7.2 b (账实相符率), 8.3.5.2 a: of the items an approved audit
 * checked — the recorded CIs it marked and the items it found that were
 * not recorded — those found as recorded, in the period the audit was
 * submitted.  Only the last mark of an item on its round counts. */
static gboolean
compute_cmdb (FlDb *db, const char *site_id, FlKpiReport *r, GError **error)
{
  g_autofree char *start_text = fl_time_format (r->start);
  g_autofree char *end_text = fl_time_format (MIN (r->end, r->as_of + 1));
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT a.id, i.result FROM cmdb_audit a"
      "  LEFT JOIN cmdb_audit_item i ON i.audit_id = a.id AND " FL_CMDB_AUDIT_LAST_MARK
      " WHERE (?1 IS NULL OR a.site_id = ?1) AND a.status = 'approved'"
      "   AND a.submitted_at >= ?2 AND a.submitted_at < ?3"
      " ORDER BY a.id", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end_text, -1, SQLITE_TRANSIENT);
  g_autofree char *last_audit = NULL;
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      const char *audit = (const char *) sqlite3_column_text (stmt, 0);
      if (g_strcmp0 (audit, last_audit) != 0)
        {
          r->cmdb.audits++;
          g_free (last_audit);
          last_audit = g_strdup (audit);
        }
      FlAuditResult result;
      if (!fl_audit_result_from_string ((const char *) sqlite3_column_text (stmt, 1), &result))
        continue;
      r->cmdb.results[result]++;
      count (&r->values[FL_KPI_CMDB_ACCURACY], result == FL_AUDIT_AS_RECORDED);
    }
  return TRUE;
}

gboolean
fl_kpi_compute (FlDb *db, const char *site_id, gint64 start, gint64 end, gint64 as_of,
                FlKpiReport *out, GError **error)
{
  g_return_val_if_fail (FL_IS_DB (db), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  FlKpiReport r = { .start = start, .end = end, .as_of = as_of };
  g_autoptr(GHashTable) calendars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                           (GDestroyNotify) fl_calendar_unref);
  /* One read transaction, so every figure comes from the same state; a
   * deferred one, so a report read on its own connection never holds up
   * writers. */
  gboolean own_transaction = fl_db_transaction_depth (db) == 0;
  if (own_transaction && !fl_db_exec (db, "BEGIN DEFERRED", error))
    return FALSE;
  gboolean ok = compute_work_orders (db, site_id, calendars, &r, error)
             && compute_inspections (db, site_id, calendars, &r, error)
             && compute_backups (db, site_id, calendars, &r, error)
             && compute_stock (db, site_id, &r, error)
             && compute_cmdb (db, site_id, &r, error);
  if (own_transaction)
    {
      if (ok)
        ok = fl_db_exec (db, "COMMIT", error);
      else
        fl_db_exec (db, "ROLLBACK", NULL);
    }
  if (ok)
    *out = r;
  return ok;
}

void
fl_kpi_month_range (GTimeZone *tz, int year, int month, gint64 *start, gint64 *end)
{
  int index = year * 12 + (month - 1);
  int y = index / 12, m = index % 12 + 1;
  g_autoptr(GDateTime) first = g_date_time_new (tz, y, m, 1, 0, 0, 0);
  g_autoptr(GDateTime) next = g_date_time_add_months (first, 1);
  *start = usec_of (first);
  *end = usec_of (next);
}

GTimeZone *
fl_kpi_site_time_zone (FlDb *db, const char *site_id)
{
  g_autofree char *name = NULL;
  if (site_id != NULL)
    {
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT time_zone FROM site WHERE id = ?", NULL);
      gboolean has_row = FALSE;
      if (stmt != NULL)
        {
          sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
          if (fl_stmt_step_row (db, stmt, &has_row, NULL) && has_row)
            name = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
        }
    }
  GTimeZone *tz = g_time_zone_new_identifier (name != NULL ? name : "Asia/Shanghai");
  if (tz == NULL)
    tz = g_time_zone_new_identifier ("Asia/Shanghai");
  return tz != NULL ? tz : g_time_zone_new_utc ();
}

GPtrArray *
fl_kpi_list_sites (FlDb *db, GError **error)
{
  return fl_query_rows (db, "SELECT id, code || ' ' || name AS label FROM site ORDER BY code", 0, NULL, error);
}

/* ---- periodic service reviews (000 4.2, 001 8.4) ---- */

void
fl_kpi_service_row_free (FlKpiServiceRow *row)
{
  g_free (row->service);
  g_free (row);
}

static gint
compare_service_rows (gconstpointer a, gconstpointer b)
{
  const FlKpiServiceRow *x = *(FlKpiServiceRow * const *) a, *y = *(FlKpiServiceRow * const *) b;
  return g_strcmp0 (x->service, y->service);
}

GPtrArray *
fl_kpi_compute_services (FlDb *db, const char *site_id, gint64 start, gint64 end, gint64 as_of,
                         GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT coalesce (service, ''), response_due, responded_at, resolve_due, resolved_at, on_hold_since"
      "  FROM work_order"
      " WHERE kind = 'incident' AND (?1 IS NULL OR site_id = ?1) AND status NOT IN ('cancelled', 'rejected')"
      "   AND created_at < ?2", error);
  if (stmt == NULL)
    return NULL;
  FlKpiReport period = { .start = start, .end = end, .as_of = as_of };
  g_autofree char *end_text = fl_time_format (MIN (end, as_of + 1));
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, end_text, -1, SQLITE_TRANSIENT);
  g_autoptr(GHashTable) by_service = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_kpi_service_row_free);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return NULL;
      if (!has_row)
        break;
      const char *service = (const char *) sqlite3_column_text (stmt, 0);
      FlKpiServiceRow *row = g_hash_table_lookup (by_service, service);
      if (row == NULL)
        {
          row = g_new0 (FlKpiServiceRow, 1);
          row->service = g_strdup (service);
          g_ptr_array_add (rows, row);
          g_hash_table_insert (by_service, row->service, row);
        }
      gboolean met;
      if (decide (&period, column_time (stmt, 1), column_time (stmt, 2), 0, &met))
        count (&row->response, met);
      if (decide (&period, column_time (stmt, 3), column_time (stmt, 4), column_time (stmt, 5), &met))
        count (&row->resolution, met);
    }
  /* Services with nothing decided in the period are not part of its review. */
  for (guint i = rows->len; i-- > 0;)
    {
      FlKpiServiceRow *row = g_ptr_array_index (rows, i);
      if (row->response.denominator == 0 && row->resolution.denominator == 0)
        g_ptr_array_remove_index (rows, i);
    }
  g_ptr_array_sort (rows, compare_service_rows);
  return g_steal_pointer (&rows);
}

gboolean
fl_kpi_count_security (FlDb *db, const char *site_id, gint64 start, gint64 end,
                       gint64 by_grade[FL_KPI_N_SECURITY_GRADES], GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT security_grade, count (*) FROM work_order"
      " WHERE category = 'security' AND (?1 IS NULL OR site_id = ?1) AND created_at >= ?2 AND created_at < ?3"
      "   AND status NOT IN ('cancelled', 'rejected')"
      " GROUP BY security_grade", error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *start_text = fl_time_format (start);
  g_autofree char *end_text = fl_time_format (end);
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end_text, -1, SQLITE_TRANSIENT);
  memset (by_grade, 0, sizeof (gint64) * FL_KPI_N_SECURITY_GRADES);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        return TRUE;
      FlSecurityGrade grade;
      if (fl_security_grade_from_string ((const char *) sqlite3_column_text (stmt, 0), &grade))
        by_grade[grade] += sqlite3_column_int64 (stmt, 1);
    }
}

void
fl_kpi_previous_period (GTimeZone *tz, gint64 start, gint64 end, gint64 *previous_start,
                        gint64 *previous_end)
{
  g_autoptr(GDateTime) utc_start = g_date_time_new_from_unix_utc (start / G_USEC_PER_SEC);
  g_autoptr(GDateTime) utc_end = g_date_time_new_from_unix_utc (end / G_USEC_PER_SEC);
  g_autoptr(GDateTime) s = g_date_time_to_timezone (utc_start, tz);
  g_autoptr(GDateTime) e = g_date_time_to_timezone (utc_end, tz);
  gboolean whole_months = g_date_time_get_day_of_month (s) == 1 && g_date_time_get_day_of_month (e) == 1 &&
                          g_date_time_get_hour (s) == 0 && g_date_time_get_minute (s) == 0 &&
                          g_date_time_get_second (s) == 0 && g_date_time_get_hour (e) == 0 &&
                          g_date_time_get_minute (e) == 0 && g_date_time_get_second (e) == 0;
  int months = (g_date_time_get_year (e) * 12 + g_date_time_get_month (e))
             - (g_date_time_get_year (s) * 12 + g_date_time_get_month (s));
  *previous_end = start;
  if (whole_months && months > 0)
    {
      /* A month, a quarter, a year: the one before, however long it is. */
      fl_kpi_month_range (tz, g_date_time_get_year (s), g_date_time_get_month (s) - months,
                          previous_start, previous_end);
      *previous_end = start;
    }
  else
    *previous_start = start - (end - start);
}

/* ---- the period of a report ---- */

static gboolean
is_midnight (GDateTime *dt)
{
  return g_date_time_get_hour (dt) == 0 && g_date_time_get_minute (dt) == 0 &&
         g_date_time_get_seconds (dt) == 0;
}

static GDateTime *
local_of (GTimeZone *tz, gint64 usec)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  return g_date_time_to_timezone (utc, tz);
}

FlKpiPeriodKind
fl_kpi_period_kind (GTimeZone *tz, gint64 start, gint64 end)
{
  g_autoptr(GDateTime) s = local_of (tz, start);
  g_autoptr(GDateTime) e = local_of (tz, end);
  if (!is_midnight (s) || !is_midnight (e) || g_date_time_get_day_of_month (s) != 1 ||
      g_date_time_get_day_of_month (e) != 1)
    return FL_KPI_PERIOD_CUSTOM;
  int months = (g_date_time_get_year (e) * 12 + g_date_time_get_month (e))
             - (g_date_time_get_year (s) * 12 + g_date_time_get_month (s));
  int first = g_date_time_get_month (s);
  if (months == 1)
    return FL_KPI_PERIOD_MONTH;
  if (months == 3 && first % 3 == 1)
    return FL_KPI_PERIOD_QUARTER;
  if (months == 12 && first == 1)
    return FL_KPI_PERIOD_YEAR;
  return FL_KPI_PERIOD_CUSTOM;
}

char *
fl_kpi_format_period (GTimeZone *tz, gint64 start, gint64 end)
{
  g_autoptr(GDateTime) s = local_of (tz, start);
  switch (fl_kpi_period_kind (tz, start, end))
    {
    case FL_KPI_PERIOD_MONTH:
      return g_date_time_format (s, "%Y-%m");
    case FL_KPI_PERIOD_QUARTER:
      return g_strdup_printf ("%04d-Q%d", g_date_time_get_year (s), (g_date_time_get_month (s) + 2) / 3);
    case FL_KPI_PERIOD_YEAR:
      return g_date_time_format (s, "%Y");
    case FL_KPI_PERIOD_CUSTOM:
    default:
      {
        /* The last day included: the one the period's last second falls on. */
        g_autoptr(GDateTime) last = local_of (tz, end - G_USEC_PER_SEC);
        g_autofree char *from = g_date_time_format (s, "%Y-%m-%d");
        g_autofree char *to = g_date_time_format (last, "%Y-%m-%d");
        return g_strdup_printf ("%s..%s", from, to);
      }
    }
}

/* "YYYY-MM-DD" as the start of that day in `tz`. */
static gboolean
parse_day (GTimeZone *tz, const char *text, gint64 *out)
{
  int y, m, d;
  char tail;
  if (sscanf (text, "%4d-%2d-%2d%c", &y, &m, &d, &tail) != 3 || strlen (text) != 10)
    return FALSE;
  g_autoptr(GDateTime) day = g_date_time_new (tz, y, m, d, 0, 0, 0);
  if (day == NULL || g_date_time_get_day_of_month (day) != d)
    return FALSE;
  *out = usec_of (day);
  return TRUE;
}

gboolean
fl_kpi_parse_period (GTimeZone *tz, const char *text, gint64 *start, gint64 *end, GError **error)
{
  int year, part;
  char tail;
  const char *dots = text != NULL ? strstr (text, "..") : NULL;
  if (dots != NULL)
    {
      g_autofree char *from = g_strndup (text, dots - text);
      gint64 last;
      if (parse_day (tz, from, start) && parse_day (tz, dots + 2, &last) && last >= *start)
        {
          g_autoptr(GDateTime) last_day = local_of (tz, last);
          g_autoptr(GDateTime) next = g_date_time_add_days (last_day, 1);
          *end = usec_of (next);
          return TRUE;
        }
    }
  else if (text != NULL && sscanf (text, "%4d-Q%1d%c", &year, &part, &tail) == 2 &&
           strlen (text) == 7 && part >= 1 && part <= 4)
    {
      gint64 ignored;
      fl_kpi_month_range (tz, year, part * 3 - 2, start, &ignored);
      fl_kpi_month_range (tz, year, part * 3, &ignored, end);
      return TRUE;
    }
  else if (text != NULL && sscanf (text, "%4d-%2d%c", &year, &part, &tail) == 2 &&
           strlen (text) == 7 && part >= 1 && part <= 12)
    {
      fl_kpi_month_range (tz, year, part, start, end);
      return TRUE;
    }
  else if (text != NULL && sscanf (text, "%4d%c", &year, &tail) == 1 && strlen (text) == 4)
    {
      gint64 ignored;
      fl_kpi_month_range (tz, year, 1, start, &ignored);
      fl_kpi_month_range (tz, year, 12, &ignored, end);
      return TRUE;
    }
  g_set_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID,
               _("“%s” is not a period: write a month (2026-10), a quarter (2026-Q3), a year (2026) "
                 "or two days (2026-10-01..2026-10-15)"), text != NULL ? text : "");
  return FALSE;
}

/* ---- what a periodic review adds to the KPIs ---- */

static const char * const change_kinds[FL_KPI_N_CHANGE_KINDS] = { "standard", "general", "major", "emergency" };

static const struct {
  const char *id;
  const char *label;  /* N_() */
} change_outcomes[FL_KPI_N_CHANGE_OUTCOMES] = {
  [FL_KPI_CHANGE_OPEN] = { "open", N_("Open") },
  [FL_KPI_CHANGE_DONE] = { "done", N_("Implemented") },
  [FL_KPI_CHANGE_FAILED] = { "failed", N_("Failed") },
  [FL_KPI_CHANGE_REJECTED] = { "rejected", N_("Rejected") },
};

const char *
fl_kpi_change_kind_id (guint kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_CHANGE_KINDS, NULL);
  return change_kinds[kind];
}

const char *
fl_kpi_change_kind_label (guint kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_CHANGE_KINDS, NULL);
  return fl_change_kind_label_for_name (change_kinds[kind]);
}

const char *
fl_kpi_change_outcome_id (FlKpiChangeOutcome outcome)
{
  g_return_val_if_fail (outcome < FL_KPI_N_CHANGE_OUTCOMES, NULL);
  return change_outcomes[outcome].id;
}

const char *
fl_kpi_change_outcome_label (FlKpiChangeOutcome outcome)
{
  g_return_val_if_fail (outcome < FL_KPI_N_CHANGE_OUTCOMES, NULL);
  return _(change_outcomes[outcome].label);
}

static FlKpiChangeOutcome
change_outcome (const char *status)
{
  if (g_strcmp0 (status, "implemented") == 0 || g_strcmp0 (status, "reviewed") == 0 ||
      g_strcmp0 (status, "closed") == 0)
    return FL_KPI_CHANGE_DONE;
  if (g_strcmp0 (status, "failed") == 0)
    return FL_KPI_CHANGE_FAILED;
  if (g_strcmp0 (status, "rejected") == 0)
    return FL_KPI_CHANGE_REJECTED;
  return FL_KPI_CHANGE_OPEN;
}

static gboolean
count_problems (FlDb *db, const char *site_id, const char *start, const char *end,
                FlKpiProblemSummary *out, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT coalesce (sum (at >= ?2 AND at < ?3), 0),"
      "       coalesce (sum (status = 'closed' AND updated_at >= ?2 AND updated_at < ?3), 0),"
      "       coalesce (sum (at >= ?2 AND at < ?3 AND known_error), 0)"
      "  FROM problem WHERE (?1 IS NULL OR site_id = ?1) AND status <> 'cancelled'", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end, -1, SQLITE_TRANSIENT);
  gboolean has_row;
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return FALSE;
  out->opened = sqlite3_column_int64 (stmt, 0);
  out->closed = sqlite3_column_int64 (stmt, 1);
  out->known_errors = sqlite3_column_int64 (stmt, 2);
  return TRUE;
}

static gboolean
count_changes (FlDb *db, const char *site_id, const char *start, const char *end,
               gint64 changes[FL_KPI_N_CHANGE_KINDS][FL_KPI_N_CHANGE_OUTCOMES], GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT kind, status, count (*) FROM change_record"
      " WHERE (?1 IS NULL OR site_id = ?1) AND at >= ?2 AND at < ?3 GROUP BY kind, status", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end, -1, SQLITE_TRANSIENT);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        return TRUE;
      const char *kind = (const char *) sqlite3_column_text (stmt, 0);
      for (guint k = 0; k < FL_KPI_N_CHANGE_KINDS; k++)
        if (g_strcmp0 (kind, change_kinds[k]) == 0)
          changes[k][change_outcome ((const char *) sqlite3_column_text (stmt, 1))] +=
            sqlite3_column_int64 (stmt, 2);
    }
}

/* 001 8.4.2 and 8.4.3: the work opened and the time logged in [start, end). */
static gboolean
count_demand (FlDb *db, const char *site_id, const char *start, const char *end, FlKpiDemand *out,
              GError **error)
{
  const char *params[] = { site_id, start, end };
  g_autoptr(GPtrArray) orders = fl_query_rows (db,
      "SELECT count (*) AS orders, coalesce (sum (kind = 'request'), 0) AS requests FROM work_order"
      " WHERE (?1 IS NULL OR site_id = ?1) AND created_at >= ?2 AND created_at < ?3"
      "   AND status NOT IN ('cancelled', 'rejected')", G_N_ELEMENTS (params), params, error);
  if (orders == NULL)
    return FALSE;
  /* Each line of a log as its latest correction has it (the latest `at`,
   * then the latest written), counted at the time of its first entry. */
  g_autoptr(GPtrArray) logged = fl_query_rows (db,
      "WITH line AS ("
      "  SELECT e.author,"
      "         CASE WHEN c.id IS NULL THEN e.kind ELSE c.kind END AS kind,"
      "         CASE WHEN c.id IS NULL THEN e.minutes ELSE c.minutes END AS minutes,"
      "         coalesce (c.voided, 0) AS voided"
      "    FROM work_log e JOIN work_order w ON w.id = e.work_order_id"
      "    LEFT JOIN work_log c ON c.id = (SELECT r.id FROM work_log r WHERE r.revises = e.id"
      "                                     ORDER BY r.at DESC, r.id DESC LIMIT 1)"
      "   WHERE e.revises IS NULL AND (?1 IS NULL OR w.site_id = ?1) AND e.at >= ?2 AND e.at < ?3)"
      " SELECT coalesce (sum (CASE WHEN kind = 'labour' THEN minutes END), 0) AS labour,"
      "        coalesce (sum (CASE WHEN kind = 'travel' THEN minutes END), 0) AS travel,"
      "        count (DISTINCT CASE WHEN kind = 'labour' AND minutes > 0 THEN author END) AS engineers"
      "   FROM line WHERE voided = 0", G_N_ELEMENTS (params), params, error);
  if (logged == NULL)
    return FALSE;
  JsonObject *o = orders->pdata[0], *l = logged->pdata[0];
  out->orders = fl_record_get_int (o, "orders", 0);
  out->requests = fl_record_get_int (o, "requests", 0);
  out->labour_minutes = fl_record_get_int (l, "labour", 0);
  out->travel_minutes = fl_record_get_int (l, "travel", 0);
  out->engineers = fl_record_get_int (l, "engineers", 0);
  return TRUE;
}

gboolean
fl_kpi_compute_review_period (FlDb *db, const char *site_id, gint64 start, gint64 end, gint64 as_of,
                              FlKpiReviewPeriod *out, GError **error)
{
  g_return_val_if_fail (FL_IS_DB (db), FALSE);
  FlKpiReviewPeriod p = { 0 };
  /* Records made after `as_of` are not known yet to a report taken then. */
  g_autofree char *start_text = fl_time_format (start);
  g_autofree char *end_text = fl_time_format (MIN (end, as_of + 1));
  if (!fl_kpi_compute (db, site_id, start, end, as_of, &p.kpis, error) ||
      !count_problems (db, site_id, start_text, end_text, &p.problems, error) ||
      !count_changes (db, site_id, start_text, end_text, p.changes, error) ||
      !count_demand (db, site_id, start_text, end_text, &p.demand, error) ||
      !fl_kpi_count_security (db, site_id, start, MIN (end, as_of + 1), p.security, error))
    return FALSE;
  *out = p;
  return TRUE;
}

static const struct {
  const char *id;
  const char *label;  /* N_() */
} count_headlines[FL_KPI_N_HEADLINES - FL_KPI_N_KINDS] = {
  { "incidents_opened", N_("Incidents opened") },
  { "problems_opened", N_("Problems opened") },
  { "problems_closed", N_("Problems closed") },
  { "known_errors", N_("Known errors recorded") },
  { "changes", N_("Changes requested") },
  { "changes_failed", N_("Changes failed") },
  { "security_events", N_("Security events") },
  { "work_orders_opened", N_("Work orders opened") },
  { "requests_opened", N_("Service requests opened") },
  { "labour_minutes", N_("Labour logged") },
  { "travel_minutes", N_("Travel logged") },
  { "engineers", N_("Engineers who logged labour") },
};

const char *
fl_kpi_headline_id (guint headline)
{
  g_return_val_if_fail (headline < FL_KPI_N_HEADLINES, NULL);
  return headline < FL_KPI_N_KINDS ? fl_kpi_id (headline) : count_headlines[headline - FL_KPI_N_KINDS].id;
}

const char *
fl_kpi_headline_label (guint headline)
{
  g_return_val_if_fail (headline < FL_KPI_N_HEADLINES, NULL);
  return headline < FL_KPI_N_KINDS ? fl_kpi_label (headline)
                                   : _(count_headlines[headline - FL_KPI_N_KINDS].label);
}

static gint64
sum (const gint64 *values, guint n)
{
  gint64 total = 0;
  for (guint i = 0; i < n; i++)
    total += values[i];
  return total;
}

double
fl_kpi_headline_figure (const FlKpiReviewPeriod *p, guint headline)
{
  g_return_val_if_fail (headline < FL_KPI_N_HEADLINES, -1);
  if (headline < FL_KPI_N_KINDS)
    return fl_kpi_rate (&p->kpis.values[headline]);
  switch ((FlKpiHeadline) headline)
    {
    case FL_KPI_HEADLINE_INCIDENTS:
      {
        gint64 opened = 0;
        for (guint i = 0; i < G_N_ELEMENTS (p->kpis.by_priority); i++)
          opened += p->kpis.by_priority[i].opened;
        return opened;
      }
    case FL_KPI_HEADLINE_PROBLEMS_OPENED:
      return p->problems.opened;
    case FL_KPI_HEADLINE_PROBLEMS_CLOSED:
      return p->problems.closed;
    case FL_KPI_HEADLINE_KNOWN_ERRORS:
      return p->problems.known_errors;
    case FL_KPI_HEADLINE_CHANGES:
      return sum (&p->changes[0][0], FL_KPI_N_CHANGE_KINDS * FL_KPI_N_CHANGE_OUTCOMES);
    case FL_KPI_HEADLINE_CHANGES_FAILED:
      {
        gint64 failed = 0;
        for (guint k = 0; k < FL_KPI_N_CHANGE_KINDS; k++)
          failed += p->changes[k][FL_KPI_CHANGE_FAILED];
        return failed;
      }
    case FL_KPI_HEADLINE_SECURITY:
      return sum (p->security, FL_KPI_N_SECURITY_GRADES);
    case FL_KPI_HEADLINE_ORDERS:
      return p->demand.orders;
    case FL_KPI_HEADLINE_REQUESTS:
      return p->demand.requests;
    case FL_KPI_HEADLINE_LABOUR:
      return p->demand.labour_minutes;
    case FL_KPI_HEADLINE_TRAVEL:
      return p->demand.travel_minutes;
    case FL_KPI_HEADLINE_ENGINEERS:
      return p->demand.engineers;
    case FL_KPI_N_HEADLINES:
    default:
      return -1;
    }
}

static gboolean
is_logged_time (guint headline)
{
  return headline == FL_KPI_HEADLINE_LABOUR || headline == FL_KPI_HEADLINE_TRAVEL;
}

char *
fl_kpi_format_headline (const FlKpiReviewPeriod *p, guint headline)
{
  if (headline < FL_KPI_N_KINDS)
    return fl_kpi_format_value (headline, &p->kpis.values[headline]);
  if (is_logged_time (headline))
    /* Translators: hours of work logged, "12.5 h" */
    return g_strdup_printf (_("%.1f h"), fl_kpi_headline_figure (p, headline) / 60);
  return g_strdup_printf ("%.0f", fl_kpi_headline_figure (p, headline));
}

char *
fl_kpi_format_headline_change (const FlKpiReviewPeriod *p, const FlKpiReviewPeriod *previous,
                               guint headline)
{
  double now = fl_kpi_headline_figure (p, headline);
  double before = fl_kpi_headline_figure (previous, headline);
  if (now < 0 || before < 0)
    return g_strdup ("—");
  double change = now - before;
  /* A minus sign, not a hyphen, and no sign for no change. */
  const char *sign = change > 0 ? "+" : change < 0 ? "−" : "";
  if (is_logged_time (headline))
    return g_strdup_printf (_("%s%.1f h"), sign, fabs (change) / 60);
  if (headline >= FL_KPI_N_KINDS)
    return g_strdup_printf ("%s%.0f", sign, fabs (change));
  if (fl_kpi_is_mean (headline))
    return g_strdup_printf (_("%s%.1f h"), sign, fabs (change) / HOUR);
  /* Translators: a change of a rate in percentage points, "+8.3 pp". */
  return g_strdup_printf (_("%s%.1f pp"), sign, fabs (change) * 100);
}
