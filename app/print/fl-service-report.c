#include <inttypes.h>
#include <math.h>
#include "fl-service-report.h"

#include <glib/gi18n-lib.h>

#include "fl-kpi-chart-render.h"
#include "fl-pdf.h"
#include "fl-record-store.h"
#include "fl-replica-schema.h"
#include "fl-security.h"
#include "fl-stock.h"
#include "fl-time.h"

G_DEFINE_BOXED_TYPE (FlServiceReport, fl_service_report, fl_service_report_copy, fl_service_report_free)

static gpointer
copy_service_row (gconstpointer src, gpointer data)
{
  const FlKpiServiceRow *row = src;
  FlKpiServiceRow *copy = g_memdup2 (row, sizeof *row);
  copy->service = g_strdup (row->service);
  return copy;
}

FlServiceReport *
fl_service_report_copy (const FlServiceReport *report)
{
  FlServiceReport *copy = g_memdup2 (report, sizeof *report);
  copy->site_id = g_strdup (report->site_id);
  copy->site_name = g_strdup (report->site_name);
  copy->time_zone = g_strdup (report->time_zone);
  copy->period = g_strdup (report->period);
  copy->services = g_ptr_array_copy (report->services, copy_service_row, NULL);
  g_ptr_array_set_free_func (copy->services, (GDestroyNotify) fl_kpi_service_row_free);
  return copy;
}

void
fl_service_report_free (FlServiceReport *report)
{
  if (report == NULL)
    return;
  g_free (report->site_id);
  g_free (report->site_name);
  g_free (report->time_zone);
  g_free (report->period);
  g_clear_pointer (&report->services, g_ptr_array_unref);
  g_free (report);
}

const FlKpiReport *
fl_service_report_get_kpis (const FlServiceReport *report)
{
  return &report->current.kpis;
}

char *
fl_service_report_get_title (const FlServiceReport *report)
{
  switch (report->kind)
    {
    case FL_KPI_PERIOD_MONTH:
      return g_strdup_printf (_("Monthly Service Report %s"), report->period);
    case FL_KPI_PERIOD_QUARTER:
      return g_strdup_printf (_("Quarterly Service Review %s"), report->period);
    case FL_KPI_PERIOD_YEAR:
      return g_strdup_printf (_("Yearly Service Review %s"), report->period);
    case FL_KPI_PERIOD_CUSTOM:
    default:
      return g_strdup_printf (_("Service Review %s"), report->period);
    }
}

static char *
site_name (FlDb *db, const char *site_id)
{
  if (site_id == NULL)
    return g_strdup (_("All sites"));
  g_autoptr(JsonObject) site = fl_record_load (db, fl_schema_lookup ("site"), site_id, NULL);
  if (site == NULL)
    return g_strdup (site_id);
  return g_strdup_printf ("%s %s", fl_record_get_string (site, "code"), fl_record_get_string (site, "name"));
}

/* The name of a period under a chart's bar. */
static char *
history_label (GTimeZone *tz, FlKpiPeriodKind kind, gint64 start)
{
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (start / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  switch (kind)
    {
    case FL_KPI_PERIOD_MONTH:
      /* Translators: a month under a chart's bar (strftime: abbreviated month). */
      return g_date_time_format (local, _("%b"));
    case FL_KPI_PERIOD_QUARTER:
      return g_strdup_printf ("Q%d", (g_date_time_get_month (local) + 2) / 3);
    case FL_KPI_PERIOD_YEAR:
      return g_date_time_format (local, "%Y");
    case FL_KPI_PERIOD_CUSTOM:
    default:
      /* The first day: "10-01". */
      return g_date_time_format (local, "%m-%d");
    }
}

FlServiceReport *
fl_service_report_collect (FlDb *db, const char *site_id, gint64 start, gint64 end,
                           FlServiceReportProgress progress, gpointer progress_data, GError **error)
{
  g_autoptr(FlServiceReport) report = g_new0 (FlServiceReport, 1);
  report->site_id = g_strdup (site_id);
  report->site_name = site_name (db, site_id);
  report->generated_at = fl_time_now ();
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (db, site_id);
  report->time_zone = g_strdup (g_time_zone_get_identifier (tz));
  report->period = fl_kpi_format_period (tz, start, end);
  report->kind = fl_kpi_period_kind (tz, start, end);

  /* Newest first: each period's previous one of the same kind. */
  gint64 starts[FL_SERVICE_REPORT_HISTORY], ends[FL_SERVICE_REPORT_HISTORY];
  starts[FL_SERVICE_REPORT_HISTORY - 1] = start;
  ends[FL_SERVICE_REPORT_HISTORY - 1] = end;
  for (int i = FL_SERVICE_REPORT_HISTORY - 1; i > 0; i--)
    fl_kpi_previous_period (tz, starts[i], ends[i], &starts[i - 1], &ends[i - 1]);

  const int last = FL_SERVICE_REPORT_HISTORY - 1;
  const double steps = FL_SERVICE_REPORT_HISTORY + 1;
  if (!fl_kpi_compute_review_period (db, site_id, start, end, report->generated_at, &report->current, error) ||
      !fl_kpi_compute_review_period (db, site_id, starts[last - 1], ends[last - 1], report->generated_at,
                                     &report->previous, error))
    return NULL;
  report->history[last] = report->current.kpis;
  report->history[last - 1] = report->previous.kpis;
  report->services = fl_kpi_compute_services (db, site_id, start, end, report->generated_at, error);
  if (report->services == NULL)
    return NULL;
  if (progress != NULL)
    progress (3 / steps, progress_data);
  for (int i = last - 2; i >= 0; i--)
    {
      if (!fl_kpi_compute (db, site_id, starts[i], ends[i], report->generated_at, &report->history[i], error))
        return NULL;
      if (progress != NULL)
        progress ((3 + last - 1 - i) / steps, progress_data);
    }
  for (int i = 0; i < FL_SERVICE_REPORT_HISTORY; i++)
    {
      g_autofree char *label = history_label (tz, report->kind, starts[i]);
      g_strlcpy (report->history_labels[i], label != NULL ? label : "", sizeof report->history_labels[i]);
    }
  return g_steal_pointer (&report);
}

/* ---- CSV ---- */

static void
csv_field (GString *csv, const char *text)
{
  gboolean quote = text != NULL && strpbrk (text, ",\"\n\r") != NULL;
  if (quote)
    g_string_append_c (csv, '"');
  for (const char *p = text != NULL ? text : ""; *p != '\0'; p++)
    {
      if (*p == '"')
        g_string_append_c (csv, '"');
      g_string_append_c (csv, *p);
    }
  if (quote)
    g_string_append_c (csv, '"');
}

static void
csv_line (GString *csv, const char *section, const char *item, const char *measure, const char *value)
{
  csv_field (csv, section);
  g_string_append_c (csv, ',');
  csv_field (csv, item);
  g_string_append_c (csv, ',');
  csv_field (csv, measure);
  g_string_append_c (csv, ',');
  csv_field (csv, value);
  g_string_append (csv, "\r\n");
}

static void
csv_int (GString *csv, const char *section, const char *item, const char *measure, gint64 value)
{
  char text[32];
  g_snprintf (text, sizeof text, "%" PRId64, value);
  csv_line (csv, section, item, measure, text);
}

static void
csv_rate (GString *csv, const char *section, const char *item, const char *measure, double rate)
{
  char text[G_ASCII_DTOSTR_BUF_SIZE];
  csv_line (csv, section, item, measure, rate < 0 ? "" : g_ascii_formatd (text, sizeof text, "%.4f", rate));
}

static void
csv_value (GString *csv, const char *section, const char *item, const FlKpiValue *value)
{
  csv_int (csv, section, item, "numerator", value->numerator);
  csv_int (csv, section, item, "denominator", value->denominator);
}

/* A rate as a fraction, a mean time in whole seconds; "" for none. */
static void
csv_figure (GString *csv, const char *section, const char *item, const char *measure, FlKpiKind kind,
            double figure)
{
  if (fl_kpi_is_mean (kind) && figure >= 0)
    csv_int (csv, section, item, measure, (gint64) (figure + 0.5));
  else
    csv_rate (csv, section, item, measure, figure);
}

/* A KPI's figures: numerator, denominator and their quotient (a rate, or a
 * mean in seconds). */
static void
csv_kpi (GString *csv, const char *section, const char *item, FlKpiKind kind, const FlKpiValue *value)
{
  csv_value (csv, section, item, value);
  csv_figure (csv, section, item, fl_kpi_is_mean (kind) ? "mean_seconds" : "rate", kind, fl_kpi_rate (value));
}

static GTimeZone *
report_time_zone (const FlServiceReport *report)
{
  GTimeZone *tz = g_time_zone_new_identifier (report->time_zone);
  return tz != NULL ? tz : g_time_zone_new_utc ();
}

/* A headline figure as csv_figure writes a KPI's; a count as it is. */
static void
csv_headline (GString *csv, const char *measure, guint headline, double figure)
{
  if (headline < FL_KPI_N_KINDS)
    csv_figure (csv, "comparison", fl_kpi_headline_id (headline), measure, headline, figure);
  else
    csv_int (csv, "comparison", fl_kpi_headline_id (headline), measure, (gint64) figure);
}

/* The review: services, problems, changes, security events, and each
 * headline figure against the previous period ("" where either period
 * measured nothing). */
static void
csv_review (GString *csv, const FlServiceReport *report)
{
  for (guint i = 0; i < report->services->len; i++)
    {
      const FlKpiServiceRow *row = report->services->pdata[i];
      const char *service = *row->service != '\0' ? row->service : "none";
      csv_int (csv, "services", service, "response_on_time", row->response.numerator);
      csv_int (csv, "services", service, "response_due", row->response.denominator);
      csv_int (csv, "services", service, "resolution_on_time", row->resolution.numerator);
      csv_int (csv, "services", service, "resolution_due", row->resolution.denominator);
    }
  csv_int (csv, "problems", "opened", "count", report->current.problems.opened);
  csv_int (csv, "problems", "closed", "count", report->current.problems.closed);
  csv_int (csv, "problems", "known_errors", "count", report->current.problems.known_errors);
  for (guint k = 0; k < FL_KPI_N_CHANGE_KINDS; k++)
    for (guint o = 0; o < FL_KPI_N_CHANGE_OUTCOMES; o++)
      csv_int (csv, "changes", fl_kpi_change_kind_id (k), fl_kpi_change_outcome_id (o),
               report->current.changes[k][o]);
  for (guint g = 0; g < FL_KPI_N_SECURITY_GRADES; g++)
    csv_int (csv, "security", fl_security_grade_to_string (g), "count", report->current.security[g]);
  for (guint h = 0; h < FL_KPI_N_HEADLINES; h++)
    {
      double now = fl_kpi_headline_figure (&report->current, h);
      double before = fl_kpi_headline_figure (&report->previous, h);
      csv_headline (csv, "value", h, now);
      csv_headline (csv, "previous", h, before);
      if (now < 0 || before < 0)
        csv_line (csv, "comparison", fl_kpi_headline_id (h), "change", "");
      else if (h >= FL_KPI_N_KINDS || fl_kpi_is_mean (h))
        csv_int (csv, "comparison", fl_kpi_headline_id (h), "change", (gint64) llround (now - before));
      else
        {
          /* A rate's change may be negative: not csv_rate's "nothing measured". */
          char text[G_ASCII_DTOSTR_BUF_SIZE];
          csv_line (csv, "comparison", fl_kpi_headline_id (h), "change",
                    g_ascii_formatd (text, sizeof text, "%.4f", now - before));
        }
    }
}

char *
fl_service_report_to_csv (const FlServiceReport *report)
{
  const FlKpiReport *r = fl_service_report_get_kpis (report);
  GString *csv = g_string_new (NULL);
  csv_line (csv, "section", "item", "measure", "value");
  g_autofree char *start = fl_time_format (r->start);
  g_autofree char *end = fl_time_format (r->end);
  g_autofree char *generated = fl_time_format (report->generated_at);
  g_autofree char *previous_start = fl_time_format (report->previous.kpis.start);
  g_autofree char *previous_end = fl_time_format (report->previous.kpis.end);
  static const char * const kinds[] = { "month", "quarter", "year", "custom" };
  csv_line (csv, "report", "site", "id", report->site_id != NULL ? report->site_id : "");
  csv_line (csv, "report", "site", "name", report->site_name);
  csv_line (csv, "report", "period", "name", report->period);
  csv_line (csv, "report", "period", "kind", kinds[report->kind]);
  csv_line (csv, "report", "period", "start", start);
  csv_line (csv, "report", "period", "end", end);
  csv_line (csv, "report", "previous_period", "start", previous_start);
  csv_line (csv, "report", "previous_period", "end", previous_end);
  csv_line (csv, "report", "generated", "at", generated);

  for (guint k = 0; k < FL_KPI_N_KINDS; k++)
    {
      const FlKpiValue *v = &r->values[k];
      csv_line (csv, "kpi", fl_kpi_id (k), "clause", fl_kpi_clause (k) != NULL ? fl_kpi_clause (k) : "");
      csv_kpi (csv, "kpi", fl_kpi_id (k), k, v);
      csv_figure (csv, "kpi", fl_kpi_id (k), "target", k,
                  fl_kpi_measure (k) == FL_KPI_MEAN ? -1 : fl_kpi_target (k));
      csv_line (csv, "kpi", fl_kpi_id (k), "meets_target",
                v->denominator == 0 || fl_kpi_measure (k) == FL_KPI_MEAN ? ""
                : fl_kpi_meets_target (k, v) ? "yes" : "no");
    }
  for (guint p = 0; p < G_N_ELEMENTS (r->by_priority); p++)
    {
      const FlKpiPriorityRow *row = &r->by_priority[p];
      const char *priority = fl_priority_to_string (p);
      csv_int (csv, "incidents", priority, "opened", row->opened);
      csv_int (csv, "incidents", priority, "resolved", row->resolved);
      csv_int (csv, "incidents", priority, "response_on_time", row->response.numerator);
      csv_int (csv, "incidents", priority, "response_due", row->response.denominator);
      csv_int (csv, "incidents", priority, "resolution_on_time", row->resolution.numerator);
      csv_int (csv, "incidents", priority, "resolution_due", row->resolution.denominator);
    }
  csv_value (csv, "routine", "maintenance", &r->routine.maintenance);
  csv_value (csv, "routine", "inspections", &r->routine.inspections);
  csv_int (csv, "backups", "jobs", "count", r->backups.jobs);
  csv_int (csv, "backups", "checks", "count", r->backups.checks);
  csv_int (csv, "backups", "checks", "ok", r->backups.checks_ok);
  csv_int (csv, "backups", "checks", "failed", r->backups.checks_failed);
  csv_int (csv, "backups", "checks", "undated", r->backups.checks_undated);
  csv_int (csv, "backups", "restore_drills", "count", r->backups.restore_drills);
  csv_int (csv, "backups", "restore_drills", "ok", r->backups.restore_ok);
  csv_int (csv, "backups", "restore_drills", "minutes", r->backups.restore_minutes);
  for (guint k = 0; k < G_N_ELEMENTS (r->stock.movements); k++)
    {
      const char *kind = fl_movement_kind_to_string (k);
      csv_int (csv, "stock", kind, "movements", r->stock.movements[k]);
      csv_int (csv, "stock", kind, "units", r->stock.quantities[k]);
    }
  csv_int (csv, "stock", "counts", "count", r->stock.counts);
  csv_int (csv, "stock", "counts", "with_variance", r->stock.counts_with_variance);
  csv_int (csv, "stock", "balances", "negative", r->stock.negative_balances);
  csv_int (csv, "stock", "parts", "below_minimum", r->stock.below_minimum);
  csv_int (csv, "cmdb", "audits", "count", r->cmdb.audits);
  for (guint k = 0; k < FL_N_AUDIT_RESULTS; k++)
    csv_int (csv, "cmdb", "items", fl_audit_result_to_string (k), r->cmdb.results[k]);
  csv_review (csv, report);
  g_autoptr(GTimeZone) tz = report_time_zone (report);
  for (int i = 0; i < FL_SERVICE_REPORT_HISTORY; i++)
    {
      g_autofree char *period = fl_kpi_format_period (tz, report->history[i].start, report->history[i].end);
      for (guint k = 0; k < FL_KPI_N_KINDS; k++)
        {
          g_autofree char *item = g_strdup_printf ("%s.%s", period, fl_kpi_id (k));
          csv_kpi (csv, "history", item, k, &report->history[i].values[k]);
        }
    }
  return g_string_free (csv, FALSE);
}

gboolean
fl_service_report_write_csv (const FlServiceReport *report, const char *path, GError **error)
{
  g_autofree char *csv = fl_service_report_to_csv (report);
  return g_file_set_contents_full (path, csv, -1, G_FILE_SET_CONTENTS_CONSISTENT, 0644, error);
}

/* ---- PDF ---- */

#define PAGE_WIDTH FL_PDF_PAGE_WIDTH
#define MARGIN FL_PDF_MARGIN

static const FlChartInk ink = { FL_PDF_INK };

static void
add_cell (GPtrArray *cells, char *text)
{
  g_ptr_array_add (cells, text);
}

/* A share of cases in an incident or routine table: "83.3% (5 / 6)". */
static char *
share (const FlKpiValue *value)
{
  double rate = fl_kpi_rate (value);
  if (rate < 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%% (%" PRId64 " / %" PRId64 ")", rate * 100, value->numerator,
                          value->denominator);
}

static void
points_of (const FlServiceReport *report, FlKpiKind kind, FlKpiChartPoint *points)
{
  for (guint i = 0; i < FL_SERVICE_REPORT_HISTORY; i++)
    {
      g_strlcpy (points[i].label, report->history_labels[i], sizeof points[i].label);
      points[i].value = report->history[i].values[kind];
    }
}

/* Charts two to a row, each with its name above it. */
static void
charts (FlPdf *pdf, const FlServiceReport *report, const FlKpiKind *kinds, guint n)
{
  const double gap = 24, w = (PAGE_WIDTH - 2 * MARGIN - gap) / 2, h = 100;
  for (guint i = 0; i < n; i += 2)
    {
      for (guint j = i; j < MIN (i + 2, n); j++)
        {
          double x = MARGIN + (j - i) * (w + gap);
          g_autofree char *target = fl_kpi_format_target (kinds[j]);
          /* Translators: a chart's title, "Backups on time, target ≥ 100%". */
          g_autofree char *title = g_strdup_printf (_("%s, target %s"), fl_kpi_label (kinds[j]), target);
          fl_pdf_text (pdf, title, x, pdf->y, w, 9.5, TRUE, PANGO_ALIGN_LEFT, 0.85);
          FlKpiChartPoint points[FL_SERVICE_REPORT_HISTORY];
          points_of (report, kinds[j], points);
          cairo_save (pdf->cr);
          cairo_translate (pdf->cr, x, pdf->y + 16);
          fl_kpi_chart_render (pdf->cr, w, h, kinds[j], points, FL_SERVICE_REPORT_HISTORY, &ink);
          cairo_restore (pdf->cr);
        }
      pdf->y += h + 28;
    }
}

static void
page_header (FlPdf *pdf, const FlServiceReport *report)
{
  g_autofree char *title = fl_service_report_get_title (report);
  fl_pdf_paragraph (pdf, title, pdf->page == 1 ? 20 : 11, TRUE, pdf->page == 1 ? 1 : 0.6, 2);
  fl_pdf_paragraph (pdf, report->site_name, pdf->page == 1 ? 13 : 9, FALSE, 0.8, pdf->page == 1 ? 4 : 8);
}

/* `data` points to the number of pages, known after a first pass. */
static void
page_footer (FlPdf *pdf, gpointer data)
{
  const int *n_pages = data;
  g_autofree char *text = g_strdup_printf (_("Page %d of %d"), pdf->page, *n_pages);
  fl_pdf_text (pdf, text, MARGIN, FL_PDF_PAGE_HEIGHT - MARGIN + 10, PAGE_WIDTH - 2 * MARGIN, 8, FALSE,
               PANGO_ALIGN_RIGHT, 0.6);
}

/* A time in the report's time zone. */
static char *
local_time (const FlServiceReport *report, gint64 usec, const char *format)
{
  g_autoptr(GTimeZone) tz = report_time_zone (report);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, format);
}

static void
attainment_page (FlPdf *pdf, const FlServiceReport *report)
{
  const FlKpiReport *r = fl_service_report_get_kpis (report);
  page_header (pdf, report);
  g_autofree char *start = local_time (report, r->start, "%Y-%m-%d");
  g_autofree char *end = local_time (report, r->end - G_USEC_PER_SEC, "%Y-%m-%d");
  g_autofree char *generated = local_time (report, report->generated_at, "%Y-%m-%d %H:%M");
  g_autofree char *period = g_strdup_printf (_("Period %s to %s · generated %s"), start, end, generated);
  fl_pdf_paragraph (pdf, period, 9, FALSE, 0.6, 4);

  fl_pdf_heading (pdf, _("Service level attainment"));
  static const double widths[] = { 0.31, 0.10, 0.10, 0.35, 0.14 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  add_cell (cells, g_strdup (_("Indicator (clause)")));
  add_cell (cells, g_strdup (_("Result")));
  add_cell (cells, g_strdup (_("Target")));
  add_cell (cells, g_strdup (_("Numerator / denominator")));
  add_cell (cells, g_strdup (_("Assessment")));
  for (guint k = 0; k < FL_KPI_N_KINDS; k++)
    {
      const FlKpiValue *v = &r->values[k];
      add_cell (cells, fl_kpi_clause (k) != NULL
                         ? g_strdup_printf ("%s\n%s", fl_kpi_label (k), fl_kpi_clause (k))
                         : g_strdup (fl_kpi_label (k)));
      add_cell (cells, fl_kpi_format_value (k, v));
      add_cell (cells, fl_kpi_format_target (k));
      add_cell (cells, fl_kpi_format_fraction (k, v));
      add_cell (cells, g_strdup (v->denominator == 0 ? _("Nothing to measure")
                                 : fl_kpi_measure (k) == FL_KPI_MEAN ? _("For information")
                                 : fl_kpi_meets_target (k, v) ? _("✓ Met") : _("✗ Short of target")));
    }
  fl_pdf_table (pdf, widths, G_N_ELEMENTS (widths), cells, FL_PDF_TABLE_FIGURES);

  fl_pdf_paragraph (pdf, _("How the figures are counted"), 10, TRUE, 0.9, 3);
  fl_pdf_paragraph (pdf,
             _("Clauses: 001 is the service management manual and its procedures, 003 the O&M "
               "general requirements. Incident figures count incidents only. Due times count "
               "working time of the site's calendar, time on hold added; a case counts in the period "
               "its outcome became known. MTTR is wall-clock time. A backup period runs from one "
               "scheduled deadline to the next, across month ends, and is on time when a check found "
               "a good backup taken inside it."),
             9, FALSE, 0.75, 8);
  fl_pdf_end_page (pdf);
}

static void
incidents_page (FlPdf *pdf, const FlServiceReport *report)
{
  const FlKpiReport *r = fl_service_report_get_kpis (report);
  page_header (pdf, report);
  fl_pdf_heading (pdf, _("Incidents by priority"));
  static const double widths[] = { 0.2, 0.14, 0.14, 0.26, 0.26 };
  static const char * const priority_labels[] = { N_("High"), N_("Medium"), N_("Normal"), N_("Low") };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  add_cell (cells, g_strdup (_("Priority")));
  add_cell (cells, g_strdup (_("Opened")));
  add_cell (cells, g_strdup (_("Resolved")));
  add_cell (cells, g_strdup (_("Response on time")));
  add_cell (cells, g_strdup (_("Resolved on time")));
  FlKpiPriorityRow total = { 0 };
  for (guint p = 0; p <= G_N_ELEMENTS (r->by_priority); p++)
    {
      gboolean sum = p == G_N_ELEMENTS (r->by_priority);
      const FlKpiPriorityRow *row = sum ? &total : &r->by_priority[p];
      add_cell (cells, g_strdup (sum ? _("All incidents") : _(priority_labels[p])));
      add_cell (cells, g_strdup_printf ("%" PRId64, row->opened));
      add_cell (cells, g_strdup_printf ("%" PRId64, row->resolved));
      add_cell (cells, share (&row->response));
      add_cell (cells, share (&row->resolution));
      if (sum)
        break;
      total.opened += row->opened;
      total.resolved += row->resolved;
      total.response.numerator += row->response.numerator;
      total.response.denominator += row->response.denominator;
      total.resolution.numerator += row->resolution.numerator;
      total.resolution.denominator += row->resolution.denominator;
    }
  fl_pdf_table (pdf, widths, G_N_ELEMENTS (widths), cells, FL_PDF_TABLE_FIGURES);

  fl_pdf_heading (pdf, _("Routine work"));
  static const double pair[] = { 0.6, 0.4 };
  g_autoptr(GPtrArray) routine = g_ptr_array_new_with_free_func (g_free);
  add_cell (routine, g_strdup (_("Work")));
  add_cell (routine, g_strdup (_("Delivered in time")));
  add_cell (routine, g_strdup (_("Maintenance jobs")));
  add_cell (routine, share (&r->routine.maintenance));
  add_cell (routine, g_strdup (_("Inspection rounds")));
  add_cell (routine, share (&r->routine.inspections));
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), routine, FL_PDF_TABLE_FIGURES);

  fl_pdf_heading (pdf, _("Trends over six periods"));
  static const FlKpiKind kinds[] = {
    FL_KPI_RESPONSE_ON_TIME, FL_KPI_RESOLVED_ON_TIME, FL_KPI_SATISFACTION, FL_KPI_FIRST_TIME_FIX,
    FL_KPI_REQUEST_OVERDUE, FL_KPI_ROUTINE_ON_TIME };
  charts (pdf, report, kinds, G_N_ELEMENTS (kinds));
  fl_pdf_end_page (pdf);
}

static void
backups_and_stock_page (FlPdf *pdf, const FlServiceReport *report)
{
  const FlKpiReport *r = fl_service_report_get_kpis (report);
  page_header (pdf, report);
  fl_pdf_heading (pdf, _("Backups and restore drills"));
  static const double pair[] = { 0.7, 0.3 };
  g_autoptr(GPtrArray) backups = g_ptr_array_new_with_free_func (g_free);
  add_cell (backups, g_strdup (_("Measure")));
  add_cell (backups, g_strdup (_("Value")));
  add_cell (backups, g_strdup (_("Backup jobs")));
  add_cell (backups, g_strdup_printf ("%" PRId64, r->backups.jobs));
  add_cell (backups, g_strdup (_("Checks recorded")));
  add_cell (backups, g_strdup_printf ("%" PRId64, r->backups.checks));
  add_cell (backups, g_strdup (_("Checks that found the backup good")));
  add_cell (backups, g_strdup_printf ("%" PRId64, r->backups.checks_ok));
  add_cell (backups, g_strdup (_("Checks that found it failed, partial or missing")));
  add_cell (backups, g_strdup_printf ("%" PRId64, r->backups.checks_failed));
  add_cell (backups, g_strdup (_("Good checks that do not say when the backup was taken")));
  add_cell (backups, g_strdup_printf ("%" PRId64, r->backups.checks_undated));
  add_cell (backups, g_strdup (_("Backup periods with a good backup taken in them")));
  add_cell (backups, share (&r->values[FL_KPI_BACKUPS_ON_TIME]));
  add_cell (backups, g_strdup (_("Restore drills (succeeded)")));
  add_cell (backups, g_strdup_printf ("%" PRId64 " (%" PRId64 ")",
                                      r->backups.restore_drills, r->backups.restore_ok));
  add_cell (backups, g_strdup (_("Average restore time")));
  add_cell (backups, r->backups.restore_drills > 0
                       ? g_strdup_printf (_("%.0f min"), (double) r->backups.restore_minutes / r->backups.restore_drills)
                       : g_strdup ("—"));
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), backups, FL_PDF_TABLE_FIGURES);

  fl_pdf_heading (pdf, _("Spare parts"));
  static const double moves[] = { 0.5, 0.25, 0.25 };
  static const char * const kind_labels[] = {
    N_("Received"), N_("Issued"), N_("Transferred"), N_("Used on jobs"), N_("Returned"), N_("Scrapped"),
    N_("Stocktake adjustments") };
  g_autoptr(GPtrArray) stock = g_ptr_array_new_with_free_func (g_free);
  add_cell (stock, g_strdup (_("Movement")));
  add_cell (stock, g_strdup (_("Entries")));
  add_cell (stock, g_strdup (_("Units")));
  for (guint k = 0; k < G_N_ELEMENTS (kind_labels); k++)
    {
      add_cell (stock, g_strdup (_(kind_labels[k])));
      add_cell (stock, g_strdup_printf ("%" PRId64, r->stock.movements[k]));
      add_cell (stock, g_strdup_printf ("%" PRId64, r->stock.quantities[k]));
    }
  fl_pdf_table (pdf, moves, G_N_ELEMENTS (moves), stock, FL_PDF_TABLE_FIGURES);

  g_autoptr(GPtrArray) counts = g_ptr_array_new_with_free_func (g_free);
  add_cell (counts, g_strdup (_("Stock records")));
  add_cell (counts, g_strdup (_("Value")));
  add_cell (counts, g_strdup (_("Stock counts taken")));
  add_cell (counts, g_strdup_printf ("%" PRId64, r->stock.counts));
  add_cell (counts, g_strdup (_("Counts with a variance")));
  add_cell (counts, g_strdup_printf ("%" PRId64, r->stock.counts_with_variance));
  add_cell (counts, g_strdup (_("Balances below zero now")));
  add_cell (counts, g_strdup_printf ("%" PRId64, r->stock.negative_balances));
  add_cell (counts, g_strdup (_("Parts below their minimum stock now")));
  add_cell (counts, g_strdup_printf ("%" PRId64, r->stock.below_minimum));
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), counts, FL_PDF_TABLE_FIGURES);

  fl_pdf_heading (pdf, _("Configuration audits"));
  g_autoptr(GPtrArray) audits = g_ptr_array_new_with_free_func (g_free);
  add_cell (audits, g_strdup (_("Audits approved")));
  add_cell (audits, g_strdup_printf ("%" PRId64, r->cmdb.audits));
  for (guint k = 0; k < FL_N_AUDIT_RESULTS; k++)
    {
      add_cell (audits, g_strdup (fl_audit_result_get_label (k)));
      add_cell (audits, g_strdup_printf ("%" PRId64, r->cmdb.results[k]));
    }
  add_cell (audits, g_strdup (fl_kpi_label (FL_KPI_CMDB_ACCURACY)));
  add_cell (audits, share (&r->values[FL_KPI_CMDB_ACCURACY]));
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), audits, FL_PDF_TABLE_FIGURES);

  static const FlKpiKind kinds[] = { FL_KPI_BACKUPS_ON_TIME, FL_KPI_STOCK_ACCURACY };
  charts (pdf, report, kinds, G_N_ELEMENTS (kinds));
  fl_pdf_end_page (pdf);
}

static void
review_page (FlPdf *pdf, const FlServiceReport *report)
{
  page_header (pdf, report);
  g_autofree char *start = local_time (report, report->previous.kpis.start, "%Y-%m-%d");
  g_autofree char *end = local_time (report, report->previous.kpis.end - G_USEC_PER_SEC, "%Y-%m-%d");
  fl_pdf_heading (pdf, _("Comparison with the previous period"));
  /* Translators: the period a review compares with, "2026-04-01 to 2026-06-30". */
  g_autofree char *previous = g_strdup_printf (_("Previous period %s to %s"), start, end);
  fl_pdf_paragraph (pdf, previous, 9, FALSE, 0.6, 4);
  static const double compare[] = { 0.43, 0.19, 0.19, 0.19 };
  g_autoptr(GPtrArray) figures = g_ptr_array_new_with_free_func (g_free);
  add_cell (figures, g_strdup (_("Figure")));
  add_cell (figures, g_strdup (_("This period")));
  add_cell (figures, g_strdup (_("Previous period")));
  add_cell (figures, g_strdup (_("Change")));
  for (guint h = 0; h < FL_KPI_N_HEADLINES; h++)
    {
      add_cell (figures, g_strdup (fl_kpi_headline_label (h)));
      add_cell (figures, fl_kpi_format_headline (&report->current, h));
      add_cell (figures, fl_kpi_format_headline (&report->previous, h));
      add_cell (figures, fl_kpi_format_headline_change (&report->current, &report->previous, h));
    }
  fl_pdf_table (pdf, compare, G_N_ELEMENTS (compare), figures, FL_PDF_TABLE_FIGURES);

  fl_pdf_make_room (pdf, 120);
  fl_pdf_heading (pdf, _("SLA attainment by service"));
  static const double services[] = { 0.4, 0.3, 0.3 };
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func (g_free);
  add_cell (rows, g_strdup (_("Service")));
  add_cell (rows, g_strdup (_("Response on time")));
  add_cell (rows, g_strdup (_("Resolved on time")));
  for (guint i = 0; i < report->services->len; i++)
    {
      const FlKpiServiceRow *row = report->services->pdata[i];
      add_cell (rows, g_strdup (*row->service != '\0' ? row->service : _("No service named")));
      add_cell (rows, share (&row->response));
      add_cell (rows, share (&row->resolution));
    }
  if (report->services->len == 0)
    {
      add_cell (rows, g_strdup (_("No incident was due in the period")));
      add_cell (rows, g_strdup ("—"));
      add_cell (rows, g_strdup ("—"));
    }
  fl_pdf_table (pdf, services, G_N_ELEMENTS (services), rows, FL_PDF_TABLE_FIGURES);

  fl_pdf_make_room (pdf, 120);
  fl_pdf_heading (pdf, _("Problems"));
  static const double pair[] = { 0.7, 0.3 };
  g_autoptr(GPtrArray) problems = g_ptr_array_new_with_free_func (g_free);
  add_cell (problems, g_strdup (_("Measure")));
  add_cell (problems, g_strdup (_("Value")));
  for (guint h = FL_KPI_HEADLINE_PROBLEMS_OPENED; h <= FL_KPI_HEADLINE_KNOWN_ERRORS; h++)
    {
      add_cell (problems, g_strdup (fl_kpi_headline_label (h)));
      add_cell (problems, fl_kpi_format_headline (&report->current, h));
    }
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), problems, FL_PDF_TABLE_FIGURES);

  /* 001 8.4 供给与需求: what the records tell of demand and capacity, and
   * what they cannot. */
  fl_pdf_make_room (pdf, 160);
  fl_pdf_heading (pdf, _("Demand and capacity"));
  g_autoptr(GPtrArray) demand = g_ptr_array_new_with_free_func (g_free);
  add_cell (demand, g_strdup (_("Measure")));
  add_cell (demand, g_strdup (_("Value")));
  for (guint h = FL_KPI_HEADLINE_ORDERS; h <= FL_KPI_HEADLINE_ENGINEERS; h++)
    {
      add_cell (demand, g_strdup (fl_kpi_headline_label (h)));
      add_cell (demand, fl_kpi_format_headline (&report->current, h));
    }
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), demand, FL_PDF_TABLE_FIGURES);
  fl_pdf_paragraph (pdf, fl_service_report_get_capacity_note (), 9, FALSE, 0.6, 4);

  fl_pdf_make_room (pdf, 120);
  fl_pdf_heading (pdf, _("Changes by kind and outcome"));
  static const double changes[] = { 0.24, 0.19, 0.19, 0.19, 0.19 };
  g_autoptr(GPtrArray) by_kind = g_ptr_array_new_with_free_func (g_free);
  add_cell (by_kind, g_strdup (_("Kind")));
  for (guint o = 0; o < FL_KPI_N_CHANGE_OUTCOMES; o++)
    add_cell (by_kind, g_strdup (fl_kpi_change_outcome_label (o)));
  for (guint k = 0; k < FL_KPI_N_CHANGE_KINDS; k++)
    {
      add_cell (by_kind, g_strdup (fl_kpi_change_kind_label (k)));
      for (guint o = 0; o < FL_KPI_N_CHANGE_OUTCOMES; o++)
        add_cell (by_kind, g_strdup_printf ("%" PRId64, report->current.changes[k][o]));
    }
  fl_pdf_table (pdf, changes, G_N_ELEMENTS (changes), by_kind, FL_PDF_TABLE_FIGURES);

  fl_pdf_make_room (pdf, 120);
  fl_pdf_heading (pdf, _("Security events by grade"));
  g_autoptr(GPtrArray) grades = g_ptr_array_new_with_free_func (g_free);
  add_cell (grades, g_strdup (_("Grade")));
  add_cell (grades, g_strdup (_("Recorded")));
  for (guint g = 0; g < FL_KPI_N_SECURITY_GRADES; g++)
    {
      add_cell (grades, g_strdup (fl_security_grade_get_label (g)));
      add_cell (grades, g_strdup_printf ("%" PRId64, report->current.security[g]));
    }
  fl_pdf_table (pdf, pair, G_N_ELEMENTS (pair), grades, FL_PDF_TABLE_FIGURES);
  fl_pdf_end_page (pdf);
}

const char *
fl_service_report_get_capacity_note (void)
{
  return _("Budget and accounting (001 8.4.1) are not part of this review: no costs or budgets "
           "are recorded. Capacity (001 8.4.3) is shown as the time logged and the people who "
           "logged it; no planned capacity is recorded to measure it against.");
}

gboolean
fl_service_report_write_pdf (const FlServiceReport *report, const char *path, GError **error)
{
  g_autofree char *title = fl_service_report_get_title (report);
  /* Tables run on over page breaks, so the pages are counted by drawing
   * the report once into no file, then drawn again with the count. */
  int n_pages = 0;
  for (int pass = 0; pass < 2; pass++)
    {
      FlPdf pdf = { .end_page = page_footer, .page_data = &n_pages };
      if (!fl_pdf_open (&pdf, pass == 0 ? NULL : path, title, error))
        return FALSE;
      attainment_page (&pdf, report);
      incidents_page (&pdf, report);
      backups_and_stock_page (&pdf, report);
      review_page (&pdf, report);
      n_pages = pdf.page - 1;
      if (!fl_pdf_close (&pdf, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- in a worker thread ---- */

typedef struct {
  char                   *replica_path;
  char                   *site_id;
  gint64                  start, end;
  FlServiceReportFormat   format;
  char                   *output_path;
  FlServiceReportProgress progress;
  gpointer                progress_data;
  GMainContext           *context;
} Job;

static void
job_free (Job *job)
{
  g_free (job->replica_path);
  g_free (job->site_id);
  g_free (job->output_path);
  g_main_context_unref (job->context);
  g_free (job);
}

typedef struct {
  Job   *job;
  GTask *task;  /* keeps the job alive until the progress is shown */
  double fraction;
} Progress;

static gboolean
show_progress (gpointer data)
{
  Progress *p = data;
  GCancellable *cancellable = g_task_get_cancellable (p->task);
  if (p->job->progress != NULL && !g_cancellable_is_cancelled (cancellable))
    p->job->progress (p->fraction, p->job->progress_data);
  return G_SOURCE_REMOVE;
}

static void
progress_free (Progress *p)
{
  g_object_unref (p->task);
  g_free (p);
}

static void
report_progress (GTask *task, double fraction)
{
  Job *job = g_task_get_task_data (task);
  Progress *p = g_new0 (Progress, 1);
  p->job = job;
  p->task = g_object_ref (task);
  p->fraction = fraction;
  g_main_context_invoke_full (job->context, G_PRIORITY_DEFAULT, show_progress, p,
                              (GDestroyNotify) progress_free);
}

static void
collect_progress (double fraction, gpointer task)
{
  Job *job = g_task_get_task_data (task);
  /* Collecting is most of the work when only the figures are wanted. */
  report_progress (task, job->format == FL_SERVICE_REPORT_FIGURES ? fraction : fraction * 0.8);
}

static void
run_in_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  Job *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDb) db = fl_db_open_replica (job->replica_path, &error);
  if (db == NULL)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  g_autoptr(FlServiceReport) report = fl_service_report_collect (db, job->site_id, job->start, job->end,
                                                                 collect_progress, task, &error);
  if (report == NULL || g_task_return_error_if_cancelled (task))
    {
      if (error != NULL)
        g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  gboolean written = TRUE;
  if (job->format == FL_SERVICE_REPORT_PDF)
    written = fl_service_report_write_pdf (report, job->output_path, &error);
  else if (job->format == FL_SERVICE_REPORT_CSV)
    written = fl_service_report_write_csv (report, job->output_path, &error);
  if (!written)
    {
      g_task_return_error (task, g_steal_pointer (&error));
      return;
    }
  report_progress (task, 1.0);
  g_task_return_pointer (task, g_steal_pointer (&report), (GDestroyNotify) fl_service_report_free);
}

void
fl_service_report_run_async (const char *replica_path, const char *site_id, gint64 start, gint64 end,
                             FlServiceReportFormat format, const char *output_path,
                             GCancellable *cancellable, FlServiceReportProgress progress,
                             gpointer progress_data, GAsyncReadyCallback callback, gpointer user_data)
{
  g_return_if_fail (replica_path != NULL);
  g_return_if_fail (format == FL_SERVICE_REPORT_FIGURES || output_path != NULL);
  Job *job = g_new0 (Job, 1);
  job->replica_path = g_strdup (replica_path);
  job->site_id = g_strdup (site_id);
  job->start = start;
  job->end = end;
  job->format = format;
  job->output_path = g_strdup (output_path);
  job->progress = progress;
  job->progress_data = progress_data;
  job->context = g_main_context_ref_thread_default ();
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_service_report_run_async);
  g_task_set_task_data (task, job, (GDestroyNotify) job_free);
  g_task_run_in_thread (task, run_in_thread);
}

FlServiceReport *
fl_service_report_run_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
