#include <inttypes.h>
#include "fl-reports-page.h"

#include <glib/gi18n-lib.h>

#include "fl-kpi-chart.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-time.h"

#define N_MONTHS_OFFERED 12

typedef struct {
  GtkLabel   *value;
  GtkLabel   *detail;
  FlKpiChart *chart;
} Card;

struct _FlReportsPage
{
  GtkWidget        parent_instance;

  GtkDropDown     *month_dropdown;
  GtkStringList   *month_names;
  GtkDropDown     *site_dropdown;
  GtkStringList   *site_names;
  GtkRevealer     *progress_revealer;
  GtkProgressBar  *progress_bar;
  GtkLabel        *summary_label;
  GtkFlowBox      *kpi_box;

  FlSession       *session;
  Card             cards[FL_KPI_N_KINDS];
  int              months[N_MONTHS_OFFERED];  /* year * 12 + month - 1, newest first */
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

static void
selected_period (FlReportsPage *self, int *year, int *month, const char **site_id)
{
  guint m = gtk_drop_down_get_selected (self->month_dropdown);
  int index = self->months[m < N_MONTHS_OFFERED ? m : 0];
  *year = index / 12;
  *month = index % 12 + 1;
  guint s = gtk_drop_down_get_selected (self->site_dropdown);
  *site_id = s < self->site_ids->len ? g_ptr_array_index (self->site_ids, s) : NULL;
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
show_report (FlReportsPage *self)
{
  if (self->report == NULL)
    return;
  const FlKpiReport *r = fl_service_report_get_month (self->report);
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
      FlKpiChartPoint points[FL_SERVICE_REPORT_MONTHS];
      for (guint i = 0; i < FL_SERVICE_REPORT_MONTHS; i++)
        {
          g_strlcpy (points[i].label, self->report->month_labels[i], sizeof points[i].label);
          points[i].value = self->report->months[i].values[k];
        }
      fl_kpi_chart_set_data (card->chart, k, points, FL_SERVICE_REPORT_MONTHS);
    }
  /* Translators: "HOSP1 First People's Hospital, 2026-10: 5 of 7 indicators on target" */
  g_autofree char *summary = g_strdup_printf (_("%s, %04d-%02d: %u of %u measured indicators on target"),
                                              self->report->site_name, self->report->year,
                                              self->report->month, met, measured);
  gtk_label_set_text (self->summary_label, summary);
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
  self->loading = g_cancellable_new ();
  int year, month;
  const char *site_id;
  selected_period (self, &year, &month, &site_id);
  start_progress (self, _("Reading the figures…"));
  fl_service_report_run_async (fl_db_path (fl_session_get_db (self->session)), site_id, year, month,
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

static void
fill_choices (FlReportsPage *self)
{
  self->filling = TRUE;
  g_autoptr(GDateTime) now = g_date_time_new_from_unix_local (fl_time_now () / G_USEC_PER_SEC);
  int current = g_date_time_get_year (now) * 12 + g_date_time_get_month (now) - 1;
  g_autoptr(GPtrArray) months = g_ptr_array_new_with_free_func (g_free);
  for (int i = 0; i < N_MONTHS_OFFERED; i++)
    {
      self->months[i] = current - i;
      g_ptr_array_add (months, g_strdup_printf ("%04d-%02d", (current - i) / 12, (current - i) % 12 + 1));
    }
  g_ptr_array_add (months, NULL);
  gtk_string_list_splice (self->month_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->month_names)),
                          (const char * const *) months->pdata);
  /* Last month is the one a monthly report is usually about. */
  gtk_drop_down_set_selected (self->month_dropdown, 1);

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
  self->filling = FALSE;
}

void
fl_reports_page_set_period (FlReportsPage *self, int year, int month, const char *site_id)
{
  g_return_if_fail (FL_IS_REPORTS_PAGE (self));
  self->filling = TRUE;
  for (guint i = 0; i < N_MONTHS_OFFERED; i++)
    if (self->months[i] == year * 12 + month - 1)
      gtk_drop_down_set_selected (self->month_dropdown, i);
  for (guint i = 0; i < self->site_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->site_ids, i), site_id) == 0)
      gtk_drop_down_set_selected (self->site_dropdown, i);
  self->filling = FALSE;
  fl_reports_page_reload (self);
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
  self->exporting = g_cancellable_new ();
  int year, month;
  const char *site_id;
  selected_period (self, &year, &month, &site_id);
  start_progress (self, format == FL_SERVICE_REPORT_PDF ? _("Writing the PDF report…")
                                                        : _("Writing the CSV file…"));
  Export *e = g_new0 (Export, 1);
  e->self = g_object_ref (self);
  e->path = g_strdup (path);
  fl_service_report_run_async (fl_db_path (fl_session_get_db (self->session)), site_id, year, month,
                               format, path, self->exporting, show_progress, self, exported, e);
}

static void
chooser_response (GtkNativeDialog *chooser, int response, gpointer data)
{
  FlReportsPage *self = data;
  FlServiceReportFormat format = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (chooser), "format"));
  if (response == GTK_RESPONSE_ACCEPT)
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
  int year, month;
  const char *site_id;
  selected_period (self, &year, &month, &site_id);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (
      pdf ? _("Save the Service Report") : _("Save the Figures"),
      GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, GTK_FILE_CHOOSER_ACTION_SAVE, _("_Save"), _("_Cancel"));
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  /* Translators: the suggested file name of the report; keep the %04d-%02d (year-month). */
  g_autofree char *name = g_strdup_printf (_("service-report-%04d-%02d.%s"), year, month, pdf ? "pdf" : "csv");
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  GtkFileFilter *filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, pdf ? _("PDF documents") : _("CSV files"));
  gtk_file_filter_add_mime_type (filter, pdf ? "application/pdf" : "text/csv");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  g_object_unref (filter);
  g_object_set_data (G_OBJECT (chooser), "format",
                     GINT_TO_POINTER (pdf ? FL_SERVICE_REPORT_PDF : FL_SERVICE_REPORT_CSV));
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response), self);
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
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, month_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, month_names);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, site_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, site_names);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, progress_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, progress_bar);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FlReportsPage, kpi_box);
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
  g_signal_connect_swapped (self->month_dropdown, "notify::selected", G_CALLBACK (period_changed), self);
  g_signal_connect_swapped (self->site_dropdown, "notify::selected", G_CALLBACK (period_changed), self);
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
