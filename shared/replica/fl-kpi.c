#include "fl-kpi.h"

#include <glib/gi18n-lib.h>

#include "fl-query.h"
#include "fl-stock-queries.h"
#include "fl-time.h"

typedef struct {
  const char *id;
  const char *label;  /* N_() */
  double      target;
} KpiInfo;

/* Targets: response, resolution and satisfaction are the service manual's
 * own (服务响应及时率≥95%, 事件按时解决率≥98%, 客户满意度≥90%); the rest are
 * explained in docs/design.md, "KPIs". */
static const KpiInfo kpis[FL_KPI_N_KINDS] = {
  [FL_KPI_RESPONSE_ON_TIME] = { "response_on_time", N_("Response on time"), 0.95 },
  [FL_KPI_RESOLVED_ON_TIME] = { "resolved_on_time", N_("Resolved on time"), 0.98 },
  [FL_KPI_SATISFACTION]     = { "customer_satisfaction", N_("Customer satisfaction"), 0.90 },
  [FL_KPI_FIRST_TIME_FIX]   = { "first_time_fix", N_("First-time fix"), 0.90 },
  [FL_KPI_BACKUPS_ON_TIME]  = { "backups_on_time", N_("Backups checked on time"), 1.00 },
  [FL_KPI_RESTORE_SUCCESS]  = { "restore_success", N_("Restore drills succeeded"), 1.00 },
  [FL_KPI_STOCK_ACCURACY]   = { "stock_record_accuracy", N_("Stock record accuracy"), 0.98 },
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

double
fl_kpi_target (FlKpiKind kind)
{
  g_return_val_if_fail (kind < FL_KPI_N_KINDS, 0);
  return kpis[kind].target;
}

double
fl_kpi_rate (const FlKpiValue *value)
{
  if (value->total <= 0)
    return -1;
  return (double) value->met / (double) value->total;
}

gboolean
fl_kpi_meets_target (FlKpiKind kind, const FlKpiValue *value)
{
  if (value->total <= 0)
    return TRUE;
  /* Compare in whole counts: met / total >= target without rounding error. */
  return value->met * 10000 >= (gint64) (fl_kpi_target (kind) * 10000 + 0.5) * value->total;
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

static gboolean
in_period (const FlKpiReport *r, gint64 t)
{
  return t != 0 && t >= r->start && t < r->end && t <= r->as_of;
}

static void
count (FlKpiValue *value, gboolean met)
{
  value->total++;
  if (met)
    value->met++;
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

static gboolean
compute_work_orders (FlDb *db, const char *site_id, FlKpiReport *r, GError **error)
{
  /* Candidates: not cancelled, created before the end; the C code decides
   * exactly which period each case belongs to. */
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT kind, priority, created_at, response_due, responded_at, resolve_due, resolved_at,"
      "       on_hold_since, customer_accepted_at, satisfaction, first_time_fix"
      "  FROM work_order"
      " WHERE (?1 IS NULL OR site_id = ?1) AND status <> 'cancelled' AND created_at < ?3"
      "   AND (resolved_at IS NULL OR resolved_at >= ?2 OR response_due >= ?2"
      "        OR resolve_due >= ?2 OR customer_accepted_at >= ?2 OR created_at >= ?2)", error);
  if (stmt == NULL)
    return FALSE;
  g_autofree char *start_text = fl_time_format (r->start);
  g_autofree char *end_text = fl_time_format (MIN (r->end, r->as_of + 1));
  sqlite3_bind_text (stmt, 1, site_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, start_text, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, end_text, -1, SQLITE_TRANSIENT);

  for (;;)
    {
      gboolean has_row, met;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        break;
      gboolean incident = g_strcmp0 ((const char *) sqlite3_column_text (stmt, 0), "incident") == 0;
      FlPriority p;
      gboolean has_priority = fl_priority_from_string ((const char *) sqlite3_column_text (stmt, 1), &p);
      FlKpiPriorityRow *row = incident && has_priority ? &r->by_priority[p] : NULL;
      gint64 created = column_time (stmt, 2);
      gint64 response_due = column_time (stmt, 3);
      gint64 responded = column_time (stmt, 4);
      gint64 resolve_due = column_time (stmt, 5);
      gint64 resolved = column_time (stmt, 6);
      gint64 hold_since = column_time (stmt, 7);
      gint64 accepted = column_time (stmt, 8);

      if (row != NULL && in_period (r, created))
        row->opened++;
      if (row != NULL && in_period (r, resolved))
        row->resolved++;

      /* Response needs no hold rule: an order goes on hold only after work began. */
      if (decide (r, response_due, responded, 0, &met))
        {
          count (&r->values[FL_KPI_RESPONSE_ON_TIME], met);
          if (row != NULL)
            count (&row->response, met);
        }
      if (decide (r, resolve_due, resolved, hold_since, &met))
        {
          count (&r->values[FL_KPI_RESOLVED_ON_TIME], met);
          if (row != NULL)
            count (&row->resolution, met);
        }
      if (in_period (r, accepted) && sqlite3_column_type (stmt, 9) != SQLITE_NULL)
        count (&r->values[FL_KPI_SATISFACTION], sqlite3_column_int (stmt, 9) >= 4);
      if (in_period (r, resolved) && sqlite3_column_type (stmt, 10) != SQLITE_NULL)
        count (&r->values[FL_KPI_FIRST_TIME_FIX], sqlite3_column_int (stmt, 10) != 0);
    }
  return TRUE;
}

/* The scheduled periods of a job inside [start, end): local days, blocks of
 * seven days from the start, or calendar months.  Returns the end of the
 * period that begins at `slot_start`. */
static GDateTime *
next_slot (GDateTime *slot_start, const char *schedule)
{
  if (g_strcmp0 (schedule, "monthly") == 0)
    return g_date_time_add_months (slot_start, 1);
  if (g_strcmp0 (schedule, "weekly") == 0)
    return g_date_time_add_days (slot_start, 7);
  return g_date_time_add_days (slot_start, 1);
}

static gint64
usec_of (GDateTime *dt)
{
  return g_date_time_to_unix (dt) * G_USEC_PER_SEC;
}

static gboolean
compute_backups (FlDb *db, const char *site_id, GTimeZone *tz, FlKpiReport *r, GError **error)
{
  g_autofree char *start_text = fl_time_format (r->start);
  g_autofree char *end_text = fl_time_format (r->end);

  g_autoptr(FlStmt) jobs = fl_db_prepare (db,
      "SELECT j.id, j.schedule, j.created_at FROM backup_job j LEFT JOIN ci ON ci.id = j.ci_id"
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
      const char *schedule = (const char *) sqlite3_column_text (jobs, 1);
      gint64 job_created = column_time (jobs, 2);

      g_autoptr(FlStmt) checks = fl_db_prepare (db,
          "SELECT checked_at, result, restore_test, restore_ok, restore_minutes FROM backup_check"
          " WHERE job_id = ? AND checked_at >= ? AND checked_at < ? ORDER BY checked_at", error);
      if (checks == NULL)
        return FALSE;
      sqlite3_bind_text (checks, 1, job_id, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (checks, 2, start_text, -1, SQLITE_TRANSIENT);
      sqlite3_bind_text (checks, 3, end_text, -1, SQLITE_TRANSIENT);
      g_autoptr(GArray) ok_times = g_array_new (FALSE, FALSE, sizeof (gint64));
      for (;;)
        {
          if (!fl_stmt_step_row (db, checks, &has_row, error))
            return FALSE;
          if (!has_row)
            break;
          gint64 at = column_time (checks, 0);
          if (at > r->as_of)
            continue;
          gboolean ok = g_strcmp0 ((const char *) sqlite3_column_text (checks, 1), "ok") == 0;
          r->backups.checks++;
          if (ok)
            {
              r->backups.checks_ok++;
              g_array_append_val (ok_times, at);
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

      /* A period is due once it has ended and the job existed when it began;
       * it is met by at least one ok check inside it. */
      g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (r->start / G_USEC_PER_SEC);
      g_autoptr(GDateTime) slot = g_date_time_to_timezone (utc, tz);
      guint next_ok = 0;
      while (slot != NULL)
        {
          g_autoptr(GDateTime) slot_end = next_slot (slot, schedule);
          gint64 from = usec_of (slot), to = usec_of (slot_end);
          if (to > r->end || to > r->as_of)
            break;
          if (job_created <= from)
            {
              while (next_ok < ok_times->len && g_array_index (ok_times, gint64, next_ok) < from)
                next_ok++;
              count (&r->values[FL_KPI_BACKUPS_ON_TIME],
                     next_ok < ok_times->len && g_array_index (ok_times, gint64, next_ok) < to);
            }
          g_date_time_unref (slot);
          slot = g_steal_pointer (&slot_end);
        }
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

gboolean
fl_kpi_compute (FlDb *db, const char *site_id, gint64 start, gint64 end, gint64 as_of,
                FlKpiReport *out, GError **error)
{
  g_return_val_if_fail (FL_IS_DB (db), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  FlKpiReport r = { .start = start, .end = end, .as_of = as_of };
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (db, site_id);
  /* One read transaction, so every figure comes from the same state; a
   * deferred one, so a report read on its own connection never holds up
   * writers. */
  gboolean own_transaction = fl_db_transaction_depth (db) == 0;
  if (own_transaction && !fl_db_exec (db, "BEGIN DEFERRED", error))
    return FALSE;
  gboolean ok = compute_work_orders (db, site_id, &r, error)
             && compute_backups (db, site_id, tz, &r, error)
             && compute_stock (db, site_id, &r, error);
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
