#include <inttypes.h>
#include "fl-reports-page.h"

#include <glib/gi18n-lib.h>

#include "fl-kpi-chart.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-security.h"
#include "fl-time.h"

/* How many recent periods of each kind are offered: months, quarters, years. */
static const guint n_offered[] = { 12, 8, 5 };

typedef struct {
  GtkLabel   *value;
  GtkLabel   *detail;
  FlKpiChart *chart;
} Card;

struct _FlReportsPage
{
  GtkWidget        parent_instance;

  GtkDropDown     *kind_dropdown;
  GtkDropDown     *period_dropdown;
  GtkStringList   *period_names;
  GtkEntry        *from_entry;
  GtkEntry        *to_entry;
  GtkDropDown     *site_dropdown;
  GtkStringList   *site_names;
  GtkRevealer     *progress_revealer;
  GtkProgressBar  *progress_bar;
  GtkLabel        *summary_label;
  GtkFlowBox      *kpi_box;
  GtkListBox      *comparison_list;
  GtkListBox      *services_list;
  GtkListBox      *problems_list;
  GtkListBox      *demand_list;
  GtkLabel        *capacity_note;
  GtkListBox      *changes_list;
  GtkListBox      *security_list;

  FlSession       *session;
  Card             cards[FL_KPI_N_KINDS];
  GPtrArray       *site_ids;                  /* parallel to site_names; NULL = every site */
  FlServiceReport *report;
  GCancellable    *loading;
  GCancellable    *exporting;
  gboolean         dirty;
  gboolean         filling;
  guint            reload_source;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlReportsPage, fl_reports_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

enum { EXPORTED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char *
selected_site (FlReportsPage *self)
{
  guint s = gtk_drop_down_get_selected (self->site_dropdown);
  return s < self->site_ids->len ? g_ptr_array_index (self->site_ids, s) : NULL;
}

/* The period chosen, in the chosen site's days; FALSE with a message a
 * person can act on when the custom days do not make a period. */
static gboolean
selected_period (FlReportsPage *self, gint64 *start, gint64 *end, GError **error)
{
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (fl_session_get_db (self->session), selected_site (self));
  g_autofree char *text = NULL;
  if (gtk_drop_down_get_selected (self->kind_dropdown) == FL_KPI_PERIOD_CUSTOM)
    text = g_strdup_printf ("%s..%s", gtk_editable_get_text (GTK_EDITABLE (self->from_entry)),
                            gtk_editable_get_text (GTK_EDITABLE (self->to_entry)));
  else
    {
      GObject *item = gtk_drop_down_get_selected_item (self->period_dropdown);
      text = g_strdup (item != NULL ? gtk_string_object_get_string (GTK_STRING_OBJECT (item)) : "");
    }
  return fl_kpi_parse_period (tz, text, start, end, error);
}

static void
show_progress (double fraction, gpointer data)
{
  FlReportsPage *self = data;
  gtk_progress_bar_set_fraction (self->progress_bar, fraction);
}

static void
start_progress (FlReportsPage *self, const char *text)
{
  gtk_progress_bar_set_text (self->progress_bar, text);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_revealer_set_reveal_child (self->progress_revealer, TRUE);
}

static void
stop_progress (FlReportsPage *self)
{
  if (self->loading == NULL && self->exporting == NULL)
    gtk_revealer_set_reveal_child (self->progress_revealer, FALSE);
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static void
add_row (GtkListBox *list, const char *title, const char *subtitle, const char *value)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  GtkWidget *label = gtk_label_new (value);
  gtk_widget_add_css_class (label, "numeric");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  gtk_list_box_append (list, row);
}

/* A share of cases: "83.3% (5 / 6)". */
static char *
share (const FlKpiValue *value)
{
  double rate = fl_kpi_rate (value);
  if (rate < 0)
    return g_strdup ("—");
  return g_strdup_printf ("%.1f%% (%" PRId64 " / %" PRId64 ")", rate * 100, value->numerator, value->denominator);
}

/* The review of the period: the comparison with the previous one, SLA
 * attainment by service, problems, changes and security events. */
static void
show_review (FlReportsPage *self)
{
  const FlServiceReport *report = self->report;
  GtkListBox *lists[] = { self->comparison_list, self->services_list, self->problems_list,
                          self->demand_list, self->changes_list, self->security_list };
  for (guint i = 0; i < G_N_ELEMENTS (lists); i++)
    clear_list (lists[i]);

  for (guint h = 0; h < FL_KPI_N_HEADLINES; h++)
    {
      g_autofree char *value = fl_kpi_format_headline (&report->current, h);
      g_autofree char *previous = fl_kpi_format_headline (&report->previous, h);
      g_autofree char *change = fl_kpi_format_headline_change (&report->current, &report->previous, h);
      /* Translators: under a figure of the review, "previous period 100.0% · change −50.0 pp". */
      g_autofree char *detail = g_strdup_printf (_("previous period %s · change %s"), previous, change);
      add_row (self->comparison_list, fl_kpi_headline_label (h), detail, value);
    }

  for (guint i = 0; i < report->services->len; i++)
    {
      const FlKpiServiceRow *row = report->services->pdata[i];
      g_autofree char *response = share (&row->response);
      g_autofree char *resolution = share (&row->resolution);
      /* Translators: a service's SLA attainment, "resolved on time 50.0% (1 / 2)". */
      g_autofree char *detail = g_strdup_printf (_("resolved on time %s"), resolution);
      /* Translators: the value beside a service, "response 83.3% (5 / 6)". */
      g_autofree char *value = g_strdup_printf (_("response %s"), response);
      add_row (self->services_list, *row->service != '\0' ? row->service : _("No service named"), detail, value);
    }
  if (report->services->len == 0)
    add_row (self->services_list, _("No incident was due in the period"), NULL, "");

  for (guint h = FL_KPI_HEADLINE_PROBLEMS_OPENED; h <= FL_KPI_HEADLINE_KNOWN_ERRORS; h++)
    {
      g_autofree char *value = fl_kpi_format_headline (&report->current, h);
      add_row (self->problems_list, fl_kpi_headline_label (h), NULL, value);
    }

  /* 001 8.4 供给与需求: the demand of the period, and what the records cannot tell. */
  for (guint h = FL_KPI_HEADLINE_ORDERS; h <= FL_KPI_HEADLINE_ENGINEERS; h++)
    {
      g_autofree char *value = fl_kpi_format_headline (&report->current, h);
      add_row (self->demand_list, fl_kpi_headline_label (h), NULL, value);
    }
  gtk_label_set_text (self->capacity_note, fl_service_report_get_capacity_note ());

  for (guint k = 0; k < FL_KPI_N_CHANGE_KINDS; k++)
    {
      g_autoptr(GString) detail = g_string_new (NULL);
      gint64 total = 0;
      for (guint o = 0; o < FL_KPI_N_CHANGE_OUTCOMES; o++)
        {
          total += report->current.changes[k][o];
          /* Translators: one outcome of a kind of change, "Implemented 2". */
          g_string_append_printf (detail, _("%s%s %" PRId64), o > 0 ? " · " : "",
                                  fl_kpi_change_outcome_label (o), report->current.changes[k][o]);
        }
      g_autofree char *value = g_strdup_printf ("%" PRId64, total);
      add_row (self->changes_list, fl_kpi_change_kind_label (k), detail->str, value);
    }

  for (guint g = 0; g < FL_KPI_N_SECURITY_GRADES; g++)
    {
      g_autofree char *value = g_strdup_printf ("%" PRId64, report->current.security[g]);
      add_row (self->security_list, fl_security_grade_get_label (g), NULL, value);
    }
}

static void
show_report (FlReportsPage *self)
{
  if (self->report == NULL)
    return;
  const FlKpiReport *r = fl_service_report_get_kpis (self->report);
  guint met = 0, measured = 0;
  for (guint k = 0; k < FL_KPI_N_KINDS; k++)
    {
      Card *card = &self->cards[k];
      const FlKpiValue *v = &r->values[k];
      g_autofree char *value = fl_kpi_format_value (k, v);
      gtk_label_set_text (card->value, value);
      gtk_widget_remove_css_class (GTK_WIDGET (card->value), "success");
      gtk_widget_remove_css_class (GTK_WIDGET (card->value), "error");
      if (v->denominator > 0 && fl_kpi_measure (k) != FL_KPI_MEAN)
        {
          gboolean meets = fl_kpi_meets_target (k, v);
          gtk_widget_add_css_class (GTK_WIDGET (card->value), meets ? "success" : "error");
          measured++;
          met += meets;
        }
      g_autofree char *target = fl_kpi_format_target (k);
      g_autofree char *fraction = fl_kpi_format_fraction (k, v);
      /* Translators: under a KPI, "target ≥ 95% · 5 responded in time / 6 responses due";
       * MTTR has no target. */
      g_autofree char *detail = fl_kpi_measure (k) == FL_KPI_MEAN
        ? g_strdup_printf (_("no target · %s"), fraction)
        : g_strdup_printf (_("target %s · %s"), target, fraction);
      gtk_label_set_text (card->detail, detail);
      FlKpiChartPoint points[FL_SERVICE_REPORT_HISTORY];
      for (guint i = 0; i < FL_SERVICE_REPORT_HISTORY; i++)
        {
          g_strlcpy (points[i].label, self->report->history_labels[i], sizeof points[i].label);
          points[i].value = self->report->history[i].values[k];
        }
      fl_kpi_chart_set_data (card->chart, k, points, FL_SERVICE_REPORT_HISTORY);
    }
  /* Translators: "HOSP1 First People's Hospital, 2026-Q3: 5 of 7 indicators on target" */
  g_autofree char *summary = g_strdup_printf (_("%s, %s: %u of %u measured indicators on target"),
                                              self->report->site_name, self->report->period, met, measured);
  gtk_label_set_text (self->summary_label, summary);
  show_review (self);
}

static void
loaded (GObject *source, GAsyncResult *result, gpointer data)
{
  g_autoptr(FlReportsPage) self = data;
  g_autoptr(GError) error = NULL;
  FlServiceReport *report = fl_service_report_run_finish (result, &error);
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;
  g_clear_object (&self->loading);
  stop_progress (self);
  if (report == NULL)
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }
  g_clear_pointer (&self->report, fl_service_report_free);
  self->report = report;
  show_report (self);
}

void
fl_reports_page_reload (FlReportsPage *self)
{
  g_return_if_fail (FL_IS_REPORTS_PAGE (self));
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->session == NULL || self->filling)
    return;
  self->dirty = FALSE;
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  g_clear_object (&self->loading);
  gint64 start, end;
  g_autoptr(GError) error = NULL;
  if (!selected_period (self, &start, &end, &error))
    {
      gtk_label_set_text (self->summary_label, error->message);
      return;
    }
  self->loading = g_cancellable_new ();
  start_progress (self, _("Reading the figures…"));
  fl_service_report_run_async (fl_db_path (fl_session_get_db (self->session)), selected_site (self), start, end,
                               FL_SERVICE_REPORT_FIGURES, NULL, self->loading, show_progress, self,
                               loaded, g_object_ref (self));
}

gboolean
fl_reports_page_is_loading (FlReportsPage *self)
{
  g_return_val_if_fail (FL_IS_REPORTS_PAGE (self), FALSE);
  return self->loading != NULL;
}

const FlServiceReport *
fl_reports_page_get_report (FlReportsPage *self)
{
  g_return_val_if_fail (FL_IS_REPORTS_PAGE (self), NULL);
  return self->loading != NULL ? NULL : self->report;
}

static GTimeZone *
choices_time_zone (FlReportsPage *self)
{
  if (self->session == NULL)
    return g_time_zone_new_local ();
  return fl_kpi_site_time_zone (fl_session_get_db (self->session), selected_site (self));
}

/* The recent periods of the chosen kind, newest first: the current one,
 * then the one a review is usually about (selected). */
static void
fill_periods (FlReportsPage *self)
{
  guint kind = gtk_drop_down_get_selected (self->kind_dropdown);
  gboolean custom = kind >= G_N_ELEMENTS (n_offered);
  gtk_widget_set_visible (GTK_WIDGET (self->period_dropdown), !custom);
  gtk_widget_set_visible (GTK_WIDGET (self->from_entry), custom);
  gtk_widget_set_visible (GTK_WIDGET (self->to_entry), custom);
  if (custom)
    return;
  gboolean was_filling = self->filling;
  self->filling = TRUE;
  g_autoptr(GTimeZone) tz = choices_time_zone (self);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (fl_time_now () / G_USEC_PER_SEC);
  g_autoptr(GDateTime) now = g_date_time_to_timezone (utc, tz);
  g_autofree char *current = kind == FL_KPI_PERIOD_MONTH ? g_date_time_format (now, "%Y-%m")
                           : kind == FL_KPI_PERIOD_QUARTER
                             ? g_strdup_printf ("%04d-Q%d", g_date_time_get_year (now), (g_date_time_get_month (now) + 2) / 3)
                             : g_date_time_format (now, "%Y");
  gint64 start, end;
  g_autoptr(GPtrArray) names = g_ptr_array_new_with_free_func (g_free);
  if (fl_kpi_parse_period (tz, current, &start, &end, NULL))
    for (guint i = 0; i < n_offered[kind]; i++)
      {
        g_ptr_array_add (names, fl_kpi_format_period (tz, start, end));
        fl_kpi_previous_period (tz, start, end, &start, &end);
      }
  g_ptr_array_add (names, NULL);
  gtk_string_list_splice (self->period_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->period_names)),
                          (const char * const *) names->pdata);
  gtk_drop_down_set_selected (self->period_dropdown, 1);
  self->filling = was_filling;
}

static void
fill_choices (FlReportsPage *self)
{
  self->filling = TRUE;
  gtk_string_list_splice (self->site_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->site_names)), NULL);
  g_ptr_array_set_size (self->site_ids, 0);
  gtk_string_list_append (self->site_names, _("All sites"));
  g_ptr_array_add (self->site_ids, NULL);
  if (self->session != NULL)
    {
      g_autoptr(GPtrArray) sites = fl_kpi_list_sites (fl_session_get_db (self->session), NULL);
      for (guint i = 0; sites != NULL && i < sites->len; i++)
        {
          JsonObject *site = g_ptr_array_index (sites, i);
          g_ptr_array_add (self->site_ids, g_strdup (fl_record_get_string (site, "id")));
          gtk_string_list_append (self->site_names, fl_record_get_string (site, "label"));
        }
    }
  gtk_drop_down_set_selected (self->site_dropdown, 0);
  fill_periods (self);
  self->filling = FALSE;
}

gboolean
fl_reports_page_set_period (FlReportsPage *self, const char *period, const char *site_id, GError **error)
{
  g_return_val_if_fail (FL_IS_REPORTS_PAGE (self), FALSE);
  self->filling = TRUE;
  for (guint i = 0; i < self->site_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->site_ids, i), site_id) == 0)
      gtk_drop_down_set_selected (self->site_dropdown, i);
  g_autoptr(GTimeZone) tz = choices_time_zone (self);
  gint64 start, end;
  if (!fl_kpi_parse_period (tz, period, &start, &end, error))
    {
      self->filling = FALSE;
      return FALSE;
    }
  FlKpiPeriodKind kind = fl_kpi_period_kind (tz, start, end);
  gtk_drop_down_set_selected (self->kind_dropdown, kind);
  fill_periods (self);
  g_autofree char *text = fl_kpi_format_period (tz, start, end);
  gboolean offered = FALSE;
  for (guint i = 0; kind != FL_KPI_PERIOD_CUSTOM && i < g_list_model_get_n_items (G_LIST_MODEL (self->period_names)); i++)
    if (g_strcmp0 (gtk_string_list_get_string (self->period_names, i), text) == 0)
      {
        gtk_drop_down_set_selected (self->period_dropdown, i);
        offered = TRUE;
      }
  if (!offered)
    {
      /* Older than the periods offered: shown as its days. */
      gtk_drop_down_set_selected (self->kind_dropdown, FL_KPI_PERIOD_CUSTOM);
      fill_periods (self);
      g_autoptr(GDateTime) first = g_date_time_new_from_unix_utc (start / G_USEC_PER_SEC);
      g_autoptr(GDateTime) last = g_date_time_new_from_unix_utc ((end - 1) / G_USEC_PER_SEC);
      g_autoptr(GDateTime) first_local = g_date_time_to_timezone (first, tz);
      g_autoptr(GDateTime) last_local = g_date_time_to_timezone (last, tz);
      g_autofree char *from = g_date_time_format (first_local, "%Y-%m-%d");
      g_autofree char *to = g_date_time_format (last_local, "%Y-%m-%d");
      gtk_editable_set_text (GTK_EDITABLE (self->from_entry), from);
      gtk_editable_set_text (GTK_EDITABLE (self->to_entry), to);
    }
  self->filling = FALSE;
  fl_reports_page_reload (self);
  return TRUE;
}

static gboolean
reload_later (gpointer data)
{
  FlReportsPage *self = data;
  self->reload_source = 0;
  fl_reports_page_reload (self);
  return G_SOURCE_REMOVE;
}

/* Writes come in bursts (a sync pulls thousands of rows): read the figures
 * again once things are quiet, and only when someone looks at them. */
static void
session_changed (FlReportsPage *self, const char *table)
{
  if (g_strcmp0 (table, "site") == 0)
    fill_choices (self);
  if (!gtk_widget_get_mapped (GTK_WIDGET (self)))
    {
      self->dirty = TRUE;
      return;
    }
  g_clear_handle_id (&self->reload_source, g_source_remove);
  self->reload_source = g_timeout_add (500, reload_later, self);
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlReportsPage *self = FL_REPORTS_PAGE (page);
  g_return_if_fail (FL_IS_REPORTS_PAGE (self));
  if (!g_set_object (&self->session, session))
    return;
  if (session != NULL)
    g_signal_connect_object (session, "changed", G_CALLBACK (session_changed), self, G_CONNECT_SWAPPED);
  fill_choices (self);
  fl_reports_page_reload (self);
}

/* ---- export ---- */

typedef struct {
  FlReportsPage *self;
  char          *path;
} Export;

static void
exported (GObject *source, GAsyncResult *result, gpointer data)
{
  Export *e = data;
  FlReportsPage *self = e->self;
  g_autoptr(GError) error = NULL;
  g_autoptr(FlServiceReport) report = fl_service_report_run_finish (result, &error);
  if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_clear_object (&self->exporting);
      stop_progress (self);
      g_autofree char *name = g_path_get_basename (e->path);
      g_autofree char *message = error != NULL
        ? g_strdup_printf (_("The report was not saved: %s"), error->message)
        : g_strdup_printf (_("Report saved as %s"), name);
      fl_notice_toast (GTK_WIDGET (self), message);
      g_signal_emit (self, signals[EXPORTED], 0, e->path, error != NULL ? error->message : NULL);
    }
  g_object_unref (e->self);
  g_free (e->path);
  g_free (e);
}

void
fl_reports_page_export (FlReportsPage *self, FlServiceReportFormat format, const char *path)
{
  g_return_if_fail (FL_IS_REPORTS_PAGE (self));
  g_return_if_fail (format != FL_SERVICE_REPORT_FIGURES && path != NULL);
  if (self->session == NULL)
    return;
  if (self->exporting != NULL)
    g_cancellable_cancel (self->exporting);
  g_clear_object (&self->exporting);
  gint64 start, end;
  g_autoptr(GError) error = NULL;
  if (!selected_period (self, &start, &end, &error))
    {
      fl_notice_toast (GTK_WIDGET (self), error->message);
      g_signal_emit (self, signals[EXPORTED], 0, path, error->message);
      return;
    }
  self->exporting = g_cancellable_new ();
  start_progress (self, format == FL_SERVICE_REPORT_PDF ? _("Writing the PDF report…")
                                                        : _("Writing the CSV file…"));
  Export *e = g_new0 (Export, 1);
  e->self = g_object_ref (self);
  e->path = g_strdup (path);
  fl_service_report_run_async (fl_db_path (fl_session_get_db (self->session)), selected_site (self), start, end,
                               format, path, self->exporting, show_progress, self, exported, e);
}

static void
chooser_response (GtkNativeDialog *chooser, int response, gpointer data)
{
  g_autoptr(FlReportsPage) self = data;
  FlServiceReportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "format"));
  /* The chooser can outlive the page: nothing to export to once it went. */
  if (response == GTK_RESPONSE_ACCEPT && self->session != NULL)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
      if (path != NULL)
        fl_reports_page_export (self, format, path);
    }
  g_object_unref (chooser);
}

static void
export_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  FlReportsPage *self = FL_REPORTS_PAGE (widget);
  gboolean pdf = g_str_has_suffix (action_name, "pdf");
  gint64 start, end;
  g_autoptr(GError) error = NULL;
  if (self->session == NULL || !selected_period (self, &start, &end, &error))
    {
      if (error != NULL)
        fl_notice_toast (widget, error->message);
      return;
    }
  g_autoptr(GTimeZone) tz = choices_time_zone (self);
  g_autofree char *period = fl_kpi_format_period (tz, start, end);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      pdf ? _("Save the Service Report") : _("Save the Figures"),
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: the suggested file name of the report; %s is the period ("2026-Q3"), then the extension. */
  g_autofree char *name = g_strdup_printf (_("service-report-%s.%s"), period, pdf ? "pdf" : "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, pdf ? _("PDF documents") : _("CSV files"));
  gtk_file_filter_add_mime_type (filter, pdf ? "application/pdf" : "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_object_set_data (G_OBJECT (chooser), "format",
                     GINT_TO_POINTER (pdf ? FL_SERVICE_REPORT_PDF : FL_SERVICE_REPORT_CSV));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- life cycle ---- */

static void
period_changed (FlReportsPage *self)
{
  if (!self->filling)
    fl_reports_page_reload (self);
}

static void
kind_changed (FlReportsPage *self)
{
  if (self->filling)
    return;
  fill_periods (self);
  /* Custom days are read when they are entered. */
  if (gtk_drop_down_get_selected (self->kind_dropdown) != FL_KPI_PERIOD_CUSTOM)
    fl_reports_page_reload (self);
}

static void
mapped (FlReportsPage *self)
{
  if (self->dirty)
    fl_reports_page_reload (self);
}

static void
build_cards (FlReportsPage *self)
{
  for (guint k = 0; k < FL_KPI_N_KINDS; k++)
    {
      Card *card = &self->cards[k];
      GtkWidget *frame = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
      gtk_widget_add_css_class (frame, "card");
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
      gtk_widget_set_margin_start (box, 12);
      gtk_widget_set_margin_end (box, 12);
      gtk_widget_set_margin_top (box, 10);
      gtk_widget_set_margin_bottom (box, 10);
      gtk_box_append (GTK_BOX (frame), box);
      GtkWidget *title = gtk_label_new (fl_kpi_label (k));
      gtk_label_set_xalign (GTK_LABEL (title), 0);
      gtk_label_set_ellipsize (GTK_LABEL (title), PANGO_ELLIPSIZE_END);
      gtk_widget_add_css_class (title, "heading");
      /* Where the standards define the measure: 001 6.2.1, 003 8.6.3.2 a, ... */
      gtk_widget_set_tooltip_text (title, fl_kpi_clause (k));
      card->value = GTK_LABEL (gtk_label_new ("—"));
      gtk_label_set_xalign (card->value, 0);
      gtk_widget_add_css_class (GTK_WIDGET (card->value), "title-1");
      gtk_widget_add_css_class (GTK_WIDGET (card->value), "numeric");
      card->detail = GTK_LABEL (gtk_label_new (NULL));
      gtk_label_set_xalign (card->detail, 0);
      gtk_label_set_wrap (card->detail, TRUE);
      gtk_widget_add_css_class (GTK_WIDGET (card->detail), "dim-label");
      gtk_widget_add_css_class (GTK_WIDGET (card->detail), "caption");
      card->chart = FL_KPI_CHART (fl_kpi_chart_new ());
      gtk_widget_set_margin_top (GTK_WIDGET (card->chart), 6);
      gtk_box_append (GTK_BOX (box), title);
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->value));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->detail));
      gtk_box_append (GTK_BOX (box), GTK_WIDGET (card->chart));
      gtk_flow_box_append (self->kpi_box, frame);
    }
}

static void
fl_reports_page_dispose (GObject *object)
{
  FlReportsPage *self = FL_REPORTS_PAGE (object);
  g_clear_handle_id (&self->reload_source, g_source_remove);
  if (self->loading != NULL)
    g_cancellable_cancel (self->loading);
  if (self->exporting != NULL)
    g_cancellable_cancel (self->exporting);
  g_clear_object (&self->loading);
  g_clear_object (&self->exporting);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_REPORTS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_pointer (&self->report, fl_service_report_free);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_reports_page_parent_class)->dispose (object);
}

static void
fl_reports_page_finalize (GObject *object)
{
  FlReportsPage *self = FL_REPORTS_PAGE (object);
  g_ptr_array_unref (self->site_ids);
  G_OBJECT_CLASS (fl_reports_page_parent_class)->finalize (object);
}

static void
fl_reports_page_class_init (FlReportsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_reports_page_dispose;
  object_class->finalize = fl_reports_page_finalize;

  /* ::exported (path, error) — an export finished; error is NULL on success. */
  signals[EXPORTED] = g_signal_new ("exported", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                    NULL, NULL, NULL, G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/fieldline/Fieldline/ui/fl-reports-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, kind_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, period_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, period_names);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, from_entry);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, to_entry);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, site_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, site_names);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, kpi_box);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, comparison_list);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, services_list);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, problems_list);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, demand_list);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, capacity_note);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, changes_list);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, security_list);
  gtk_widget_class_install_action (widget_class, "reports.export-pdf", NULL, export_action);
  gtk_widget_class_install_action (widget_class, "reports.export-csv", NULL, export_action);
}

static void
fl_reports_page_init (FlReportsPage *self)
{
  self->site_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  build_cards (self);
  fill_choices (self);
  g_signal_connect_swapped (self->kind_dropdown, "notify::selected", G_CALLBACK (kind_changed), self);
  g_signal_connect_swapped (self->period_dropdown, "notify::selected", G_CALLBACK (period_changed), self);
  g_signal_connect_swapped (self->site_dropdown, "notify::selected", G_CALLBACK (period_changed), self);
  g_signal_connect_swapped (self->from_entry, "activate", G_CALLBACK (period_changed), self);
  g_signal_connect_swapped (self->to_entry, "activate", G_CALLBACK (period_changed), self);
  g_signal_connect (self, "map", G_CALLBACK (mapped), NULL);
}

GtkWidget *
fl_reports_page_new (FlSession *session)
{
  FlReportsPage *self = g_object_new (FL_TYPE_REPORTS_PAGE, NULL);
  page_set_session (FL_PAGE (self), session);
  return GTK_WIDGET (self);
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
}
