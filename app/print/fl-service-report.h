/* fl-service-report.h — the service report of a site (or of every site)
 * for a period: a month, a quarter, a year or any days (the periodic
 * reviews of 000 4.2).  SLA attainment and the other KPIs against their
 * targets, incidents by priority, backups and restore drills, spare parts,
 * and the review: each service's SLA attainment, problems, changes by kind
 * and outcome, security events by grade, and every headline figure against
 * the previous period of the same length; with six periods of history for
 * the trends.  Written as a PDF (cairo + pango, with a CJK font
 * so Chinese names and the zh_CN translation print) and as CSV (one figure
 * a line: section, item, measure, value).  Collecting and writing run in a
 * worker thread on their own connection to the replica, with progress. */
#pragma once

#include <gio/gio.h>

#include "fl-db.h"
#include "fl-kpi.h"

G_BEGIN_DECLS

#define FL_SERVICE_REPORT_HISTORY 6

typedef struct {
  char              *site_id;      /* NULL: every site */
  char              *site_name;    /* translated "All sites" for NULL */
  char              *time_zone;    /* the site's, in which days and times are shown */
  char              *period;       /* as fl_kpi_format_period writes it: "2026-Q3" */
  FlKpiPeriodKind    kind;
  gint64             generated_at;
  /* Periods of the same kind (fl_kpi_previous_period), oldest first; the
   * last is the period reported, the one before it the previous period. */
  FlKpiReport        history[FL_SERVICE_REPORT_HISTORY];
  char               history_labels[FL_SERVICE_REPORT_HISTORY][16];
  FlKpiReviewPeriod  current;      /* current.kpis is the last of history */
  FlKpiReviewPeriod  previous;
  GPtrArray         *services;     /* FlKpiServiceRow* of the period */
} FlServiceReport;

typedef enum {
  FL_SERVICE_REPORT_FIGURES,  /* collect only (the dashboard) */
  FL_SERVICE_REPORT_PDF,
  FL_SERVICE_REPORT_CSV,
} FlServiceReportFormat;

/* Progress from 0 to 1; called in the main context that started the work. */
typedef void (*FlServiceReportProgress) (double fraction, gpointer user_data);

#define FL_TYPE_SERVICE_REPORT (fl_service_report_get_type ())
GType            fl_service_report_get_type (void) G_GNUC_CONST;
FlServiceReport *fl_service_report_copy (const FlServiceReport *report);
void             fl_service_report_free (FlServiceReport *report);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlServiceReport, fl_service_report_free)

/* The figures of the period [start, end) and the five periods of its kind
 * before it, as known now. */
FlServiceReport *fl_service_report_collect (FlDb *db, const char *site_id, gint64 start, gint64 end,
                                            FlServiceReportProgress progress, gpointer progress_data,
                                            GError **error);
const FlKpiReport *fl_service_report_get_kpis (const FlServiceReport *report);
/* "Monthly Service Report 2026-10", "Quarterly Service Review 2026-Q3", … */
char            *fl_service_report_get_title (const FlServiceReport *report);

/* What the review cannot derive from the records (001 8.4): budgets and
 * planned capacity; said under its demand and capacity figures. */
const char      *fl_service_report_get_capacity_note (void);

/* A4 pages: attainment; incidents by priority with the SLA trends;
 * backups and spare parts; the review against the previous period. */
gboolean         fl_service_report_write_pdf (const FlServiceReport *report, const char *path,
                                              GError **error);
/* "section,item,measure,value" lines, UTF-8, figures in C number format. */
char            *fl_service_report_to_csv (const FlServiceReport *report);
gboolean         fl_service_report_write_csv (const FlServiceReport *report, const char *path,
                                              GError **error);

/* Collects (and writes `format` to `output_path`) in a worker thread that
 * opens the replica at `replica_path` itself. */
void             fl_service_report_run_async (const char *replica_path, const char *site_id,
                                              gint64 start, gint64 end, FlServiceReportFormat format,
                                              const char *output_path, GCancellable *cancellable,
                                              FlServiceReportProgress progress, gpointer progress_data,
                                              GAsyncReadyCallback callback, gpointer user_data);
FlServiceReport *fl_service_report_run_finish (GAsyncResult *result, GError **error);

G_END_DECLS
