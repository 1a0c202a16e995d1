/* fl-kpi.h — the service KPIs of a period and a site, computed from the
 * replica (or the server's store): the figures of the KPI dashboard and the
 * monthly service report.
 *
 * Each KPI is a count of cases that met their target over the cases that
 * were decided in the period, so figures of several periods or sites add up.
 * A case is decided once: a response or resolution when it happened in time,
 * or at its due time when the due time passed first.  SLA due times already
 * carry the site's calendar (holidays skipped) and the time spent on hold
 * (see fl-sla.h); an order on hold when its due time would have passed has
 * its clock stopped and is not late.  docs/design.md, "KPIs", has the
 * definitions and where each target comes from. */
#pragma once

#include "fl-db.h"
#include "fl-record.h"
#include "fl-sla.h"

G_BEGIN_DECLS

typedef enum {
  FL_KPI_RESPONSE_ON_TIME,   /* responded_at <= response_due */
  FL_KPI_RESOLVED_ON_TIME,   /* resolved_at <= resolve_due (hold time included) */
  FL_KPI_SATISFACTION,       /* customers rating 4 or 5 out of 5 */
  FL_KPI_FIRST_TIME_FIX,     /* resolved on the first visit */
  FL_KPI_BACKUPS_ON_TIME,    /* scheduled backup periods with an ok check in the period */
  FL_KPI_RESTORE_SUCCESS,    /* restore drills that succeeded */
  FL_KPI_STOCK_ACCURACY,     /* stock counts where counted = recorded */
  FL_KPI_N_KINDS
} FlKpiKind;

typedef struct {
  gint64 met;    /* cases that met the target */
  gint64 total;  /* cases decided in the period; 0: nothing to measure */
} FlKpiValue;

/* Incidents of one priority in the period. */
typedef struct {
  gint64     opened;    /* created in the period */
  gint64     resolved;  /* resolved in the period */
  FlKpiValue response;
  FlKpiValue resolution;
} FlKpiPriorityRow;

typedef struct {
  gint64 jobs;              /* backup jobs in scope */
  gint64 checks;            /* checks recorded in the period */
  gint64 checks_ok;
  gint64 checks_failed;     /* failed, partial or missing */
  gint64 restore_drills;
  gint64 restore_ok;
  gint64 restore_minutes;   /* summed over the drills that recorded it */
} FlKpiBackupSummary;

typedef struct {
  gint64 movements[7];      /* ledger entries in the period by FlMovementKind */
  gint64 quantities[7];     /* units moved in the period by FlMovementKind */
  gint64 counts;            /* stock counts taken (not rejected) */
  gint64 counts_with_variance;
  gint64 negative_balances; /* (location, part) balances below zero now */
  gint64 below_minimum;     /* parts below their minimum in a warehouse now (fl-stock-queries.h) */
} FlKpiStockSummary;

typedef struct {
  gint64             start;  /* the period [start, end), microseconds UTC */
  gint64             end;
  gint64             as_of;  /* when the figures were taken */
  FlKpiValue         values[FL_KPI_N_KINDS];
  FlKpiPriorityRow   by_priority[FL_N_PRIORITIES];  /* by FlPriority */
  FlKpiBackupSummary backups;
  FlKpiStockSummary  stock;
} FlKpiReport;

/* "response_on_time", ... : stable names for CSV columns and settings. */
const char *fl_kpi_id (FlKpiKind kind);
/* Translated names for people. */
const char *fl_kpi_label (FlKpiKind kind);
/* The target as a fraction (0.95 for 95%). */
double      fl_kpi_target (FlKpiKind kind);
/* met / total, or a negative number when nothing was measured. */
double      fl_kpi_rate (const FlKpiValue *value);
/* Whether the value meets its target (TRUE when nothing was measured). */
gboolean    fl_kpi_meets_target (FlKpiKind kind, const FlKpiValue *value);

/* Computes every figure for the period [start, end) as known at `as_of`
 * (usually now; cases still open and not yet due are not decided).
 * `site_id` NULL: every site in the replica. */
gboolean    fl_kpi_compute (FlDb        *db,
                            const char  *site_id,
                            gint64       start,
                            gint64       end,
                            gint64       as_of,
                            FlKpiReport *out,
                            GError     **error);

/* The calendar month year-month in the time zone `tz` as [start, end) in
 * microseconds UTC.  `month` may run past 1..12 (it carries into the year). */
void        fl_kpi_month_range (GTimeZone *tz, int year, int month,
                                gint64 *start, gint64 *end);

/* The sites a report can be for, by code: id and label ("code name"). */
GPtrArray  *fl_kpi_list_sites (FlDb *db, GError **error);

/* The time zone a site's report uses (the site's own, or Asia/Shanghai when
 * the site is NULL or unknown). */
GTimeZone  *fl_kpi_site_time_zone (FlDb *db, const char *site_id);

G_END_DECLS
