/* fl-reports-page.h — the KPI dashboard of a period (a month, a quarter, a
 * year or any days) and a site: each KPI beside its target with six
 * periods of history, the review against the previous period (services,
 * problems, changes, security events), and the service report exported as
 * PDF or CSV.  The figures are read in a worker thread
 * (fl-service-report.h) with progress shown. */
#pragma once

#include <adwaita.h>

#include "fl-service-report.h"
#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_REPORTS_PAGE (fl_reports_page_get_type ())
G_DECLARE_FINAL_TYPE (FlReportsPage, fl_reports_page, FL, REPORTS_PAGE, GtkWidget)

GtkWidget             *fl_reports_page_new (FlSession *session);
/* Reads the figures again (asynchronously). */
void                   fl_reports_page_reload (FlReportsPage *self);
/* Chooses the period (as fl_kpi_parse_period reads it: "2026-Q3") and
 * the site shown (NULL: every site); FALSE when `period` is not one. */
gboolean               fl_reports_page_set_period (FlReportsPage *self, const char *period,
                                                   const char *site_id, GError **error);
/* The figures shown, or NULL while they are read. */
const FlServiceReport *fl_reports_page_get_report (FlReportsPage *self);
gboolean               fl_reports_page_is_loading (FlReportsPage *self);
/* Writes the report of the period shown to `path` (async, progress shown);
 * ::exported (path, error message or NULL) tells when it is done. */
void                   fl_reports_page_export (FlReportsPage *self, FlServiceReportFormat format,
                                               const char *path);

G_END_DECLS
