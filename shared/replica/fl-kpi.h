/* fl-kpi.h — the service KPIs of a period and a site, computed from the
 * replica (or the server's store): the figures of the KPI dashboard and the
 * monthly service report.
 *
 * Each KPI is a numerator over a denominator, both kept, so figures of
 * several periods or sites add up and every figure can be checked by hand:
 * a count of cases that met (or, for the overdue rate, missed) their target
 * over the cases decided in the period, or, for a mean time, the summed
 * seconds over the cases.  A case is decided once: a response or resolution
 * when it happened in time, or at its due time when the due time passed
 * first.  SLA due times already carry the site's calendar (holidays
 * skipped) and the time spent on hold (see fl-sla.h); an order on hold when
 * its due time would have passed has its clock stopped and is not late.
 * docs/design.md, "KPIs", has each formula beside the clause of the
 * standard it comes from. */
#pragma once

#include "fl-cmdb-audit.h"
#include "fl-db.h"
#include "fl-record.h"
#include "fl-sla.h"

G_BEGIN_DECLS

typedef enum {
  FL_KPI_RESPONSE_ON_TIME,       /* incidents: responded_at <= response_due */
  FL_KPI_RESOLVED_ON_TIME,       /* incidents: resolved_at <= resolve_due (hold time included) */
  FL_KPI_SATISFACTION,           /* ratings of 4 or 5 out of 5 */
  FL_KPI_FIRST_TIME_FIX,         /* incidents fixed on the first visit */
  FL_KPI_MTTR,                   /* incidents: mean time from report to resolution */
  FL_KPI_REQUEST_RESOLUTION_TIME,/* requests: mean working time to resolution */
  FL_KPI_REQUEST_FIRST_LINE,     /* requests resolved by the first line */
  FL_KPI_REQUEST_OVERDUE,        /* requests resolved late (lower is better) */
  FL_KPI_REQUEST_ONE_TIME,       /* requests resolved at the first attempt */
  FL_KPI_ROUTINE_ON_TIME,        /* maintenance jobs and inspection rounds delivered in time */
  FL_KPI_BACKUPS_ON_TIME,        /* scheduled backup periods with a good backup taken in them */
  FL_KPI_RESTORE_SUCCESS,        /* restore drills that succeeded */
  FL_KPI_STOCK_ACCURACY,         /* stock counts where counted = recorded */
  FL_KPI_CMDB_ACCURACY,          /* CIs of approved CMDB audits found as recorded */
  FL_KPI_N_KINDS
} FlKpiKind;

/* How a KPI is read against its target. */
typedef enum {
  FL_KPI_RATE_AT_LEAST,  /* numerator / denominator >= target */
  FL_KPI_RATE_AT_MOST,   /* numerator / denominator <= target */
  FL_KPI_MEAN_AT_MOST,   /* numerator seconds / denominator cases <= target seconds */
  FL_KPI_MEAN,           /* a mean in seconds with no target */
} FlKpiMeasure;

typedef struct {
  gint64 numerator;    /* cases counted, or seconds summed for a mean */
  gint64 denominator;  /* cases decided in the period; 0: nothing to measure */
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
  gint64 checks_undated;    /* ok checks that do not say when the backup was taken */
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

/* The CMDB audits walked in the period and approved: their marks that
 * count, by FlAuditResult (fl-cmdb-audits.h). */
typedef struct {
  gint64 audits;
  gint64 results[FL_N_AUDIT_RESULTS];
} FlKpiCmdbSummary;

/* The two kinds of routine work in FL_KPI_ROUTINE_ON_TIME. */
typedef struct {
  FlKpiValue maintenance;   /* maintenance jobs: resolved_at <= resolve_due */
  FlKpiValue inspections;   /* inspection rounds done by the end of the planned day */
} FlKpiRoutineSummary;

typedef struct {
  gint64              start;  /* the period [start, end), microseconds UTC */
  gint64              end;
  gint64              as_of;  /* when the figures were taken */
  FlKpiValue          values[FL_KPI_N_KINDS];
  FlKpiPriorityRow    by_priority[FL_N_PRIORITIES];  /* incidents by FlPriority */
  FlKpiRoutineSummary routine;
  FlKpiBackupSummary  backups;
  FlKpiStockSummary   stock;
  FlKpiCmdbSummary    cmdb;
} FlKpiReport;

/* "response_on_time", ... : stable names for CSV columns and settings. */
const char  *fl_kpi_id (FlKpiKind kind);
/* Translated names for people (the standards' terms in zh_CN). */
const char  *fl_kpi_label (FlKpiKind kind);
/* The clause of the standard that defines the KPI ("003 8.6.3.2 a"), or
 * NULL when the standards define no such measure. */
const char  *fl_kpi_clause (FlKpiKind kind);
/* Translated names of what the numerator and the denominator count. */
const char  *fl_kpi_numerator_label (FlKpiKind kind);
const char  *fl_kpi_denominator_label (FlKpiKind kind);
FlKpiMeasure fl_kpi_measure (FlKpiKind kind);
/* Whether the KPI is a mean time (FL_KPI_MEAN or FL_KPI_MEAN_AT_MOST). */
gboolean     fl_kpi_is_mean (FlKpiKind kind);
/* The target: a fraction (0.95 for 95%) for a rate, seconds for a mean
 * (0 for FL_KPI_MEAN). */
double       fl_kpi_target (FlKpiKind kind);
/* numerator / denominator (a fraction, or seconds for a mean), or a
 * negative number when nothing was measured. */
double       fl_kpi_rate (const FlKpiValue *value);
/* Whether the value meets its target (TRUE when nothing was measured or
 * the KPI has no target). */
gboolean     fl_kpi_meets_target (FlKpiKind kind, const FlKpiValue *value);
/* For people: the value ("83.3%", "2.5 h", "—"), the target ("≥ 95%",
 * "≤ 1 h", "no target") and the numerator over the denominator with what
 * they count ("5 responded in time / 6 responses due"). */
char        *fl_kpi_format_value (FlKpiKind kind, const FlKpiValue *value);
char        *fl_kpi_format_target (FlKpiKind kind);
char        *fl_kpi_format_fraction (FlKpiKind kind, const FlKpiValue *value);

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

/* ---- periodic service reviews (000 4.2: monthly, quarterly, yearly) ---- */

/* SLA attainment of one service's incidents in a period (the catalogue
 * code or contract the orders name; "" for orders naming none). */
typedef struct {
  char       *service;
  FlKpiValue  response;    /* as FL_KPI_RESPONSE_ON_TIME */
  FlKpiValue  resolution;  /* as FL_KPI_RESOLVED_ON_TIME */
} FlKpiServiceRow;

void        fl_kpi_service_row_free (FlKpiServiceRow *row);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlKpiServiceRow, fl_kpi_service_row_free)

/* Per service, by code, the incidents' responses and resolutions decided
 * in [start, end) as known at `as_of`, by the same rule as the report's;
 * services with nothing decided are left out.  FlKpiServiceRow*. */
GPtrArray  *fl_kpi_compute_services (FlDb *db, const char *site_id, gint64 start, gint64 end,
                                     gint64 as_of, GError **error);

/* Security events recorded in [start, end), by FlSecurityGrade. */
#define FL_KPI_N_SECURITY_GRADES 3
gboolean    fl_kpi_count_security (FlDb *db, const char *site_id, gint64 start, gint64 end,
                                   gint64 by_grade[FL_KPI_N_SECURITY_GRADES], GError **error);

/* The period a review compares [start, end) with: when it is whole
 * calendar months in `tz` (a month, a quarter, a year), the same number
 * of months just before it; otherwise the same length just before it. */
void        fl_kpi_previous_period (GTimeZone *tz, gint64 start, gint64 end,
                                    gint64 *previous_start, gint64 *previous_end);

/* ---- the period of a report ---- */

typedef enum {
  FL_KPI_PERIOD_MONTH,    /* "2026-10" */
  FL_KPI_PERIOD_QUARTER,  /* "2026-Q3" */
  FL_KPI_PERIOD_YEAR,     /* "2026" */
  FL_KPI_PERIOD_CUSTOM,   /* "2026-10-01..2026-10-15", both days included */
} FlKpiPeriodKind;

/* Reads a period in one of the forms above as [start, end) in
 * microseconds UTC, days counted in `tz`. */
gboolean        fl_kpi_parse_period (GTimeZone *tz, const char *text, gint64 *start, gint64 *end,
                                     GError **error);
/* What [start, end) is in `tz`: a calendar month, quarter or year, or
 * any other stretch of time. */
FlKpiPeriodKind fl_kpi_period_kind (GTimeZone *tz, gint64 start, gint64 end);
/* The period in the form fl_kpi_parse_period reads ("2026-Q3"). */
char           *fl_kpi_format_period (GTimeZone *tz, gint64 start, gint64 end);

/* ---- what a periodic review adds to the KPIs ---- */

/* Outcomes of changes, read from their status when the report is made:
 * a failed change counts as failed until its review moves it on. */
typedef enum {
  FL_KPI_CHANGE_OPEN,       /* requested, approved, being implemented */
  FL_KPI_CHANGE_DONE,       /* implemented, reviewed, closed */
  FL_KPI_CHANGE_FAILED,
  FL_KPI_CHANGE_REJECTED,
  FL_KPI_N_CHANGE_OUTCOMES
} FlKpiChangeOutcome;

/* Standard, general, major, emergency: the order of change_record.kind. */
#define FL_KPI_N_CHANGE_KINDS 4

typedef struct {
  gint64 opened;        /* problems recorded in the period */
  gint64 closed;        /* problems closed, their last change in the period */
  gint64 known_errors;  /* problems recorded in the period that became known errors */
} FlKpiProblemSummary;

/* Demand and the use of capacity in a period (001 8.4.2 需求管理: the
 * demand for the services and their use; 8.4.3 能力管理: the capacity
 * used), as far as the records tell.  Budgets and costs (8.4.1 服务的预算与
 * 核算) are not recorded anywhere, nor is a planned capacity to measure
 * the use against: a review says so instead of figures. */
typedef struct {
  gint64 orders;          /* work orders of every kind opened, but cancelled or rejected ones */
  gint64 requests;        /* of them, service requests */
  gint64 labour_minutes;  /* labour logged in the period, as last corrected, voided entries left out */
  gint64 travel_minutes;  /* travel logged, the same way */
  gint64 engineers;       /* the people who logged labour */
} FlKpiDemand;

/* Every figure a review shows for one period. */
typedef struct {
  FlKpiReport         kpis;
  FlKpiProblemSummary problems;
  FlKpiDemand         demand;
  gint64              changes[FL_KPI_N_CHANGE_KINDS][FL_KPI_N_CHANGE_OUTCOMES];  /* requested in the period */
  gint64              security[FL_KPI_N_SECURITY_GRADES];
} FlKpiReviewPeriod;

gboolean    fl_kpi_compute_review_period (FlDb *db, const char *site_id, gint64 start, gint64 end,
                                          gint64 as_of, FlKpiReviewPeriod *out, GError **error);

const char *fl_kpi_change_kind_id (guint kind);      /* "standard", ... */
const char *fl_kpi_change_kind_label (guint kind);   /* translated */
const char *fl_kpi_change_outcome_id (FlKpiChangeOutcome outcome);
const char *fl_kpi_change_outcome_label (FlKpiChangeOutcome outcome);

/* The headline figures a review compares with the previous period: each
 * KPI (FlKpiKind first), then the counts below. */
typedef enum {
  FL_KPI_HEADLINE_INCIDENTS = FL_KPI_N_KINDS,  /* incidents opened */
  FL_KPI_HEADLINE_PROBLEMS_OPENED,
  FL_KPI_HEADLINE_PROBLEMS_CLOSED,
  FL_KPI_HEADLINE_KNOWN_ERRORS,
  FL_KPI_HEADLINE_CHANGES,                    /* changes requested */
  FL_KPI_HEADLINE_CHANGES_FAILED,
  FL_KPI_HEADLINE_SECURITY,                   /* security events of every grade */
  FL_KPI_HEADLINE_ORDERS,                     /* work orders opened (demand) */
  FL_KPI_HEADLINE_REQUESTS,                   /* service requests opened */
  FL_KPI_HEADLINE_LABOUR,                     /* labour logged, in minutes (capacity used) */
  FL_KPI_HEADLINE_TRAVEL,                     /* travel logged, in minutes */
  FL_KPI_HEADLINE_ENGINEERS,                  /* people who logged labour */
  FL_KPI_N_HEADLINES
} FlKpiHeadline;

const char *fl_kpi_headline_id (guint headline);
const char *fl_kpi_headline_label (guint headline);
/* The figure of a period: a KPI's rate (a fraction, or seconds for a
 * mean), or a count; negative when the KPI measured nothing. */
double      fl_kpi_headline_figure (const FlKpiReviewPeriod *period, guint headline);
/* For people: the figure ("83.3%", "2.5 h", "4", "—"; logged time in
 * hours) and its change from `previous` ("+8.3 pp", "−0.5 h", "+2", "—"
 * when either measured nothing). */
char       *fl_kpi_format_headline (const FlKpiReviewPeriod *period, guint headline);
char       *fl_kpi_format_headline_change (const FlKpiReviewPeriod *period,
                                           const FlKpiReviewPeriod *previous, guint headline);

G_END_DECLS
