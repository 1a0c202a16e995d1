#include "fl-kpi-chart.h"

#include <glib/gi18n-lib.h>

#define MAX_POINTS 24

struct _FlKpiChart
{
  GtkWidget       parent_instance;
  FlKpiKind       kind;
  FlKpiChartPoint points[MAX_POINTS];
  guint           n_points;
};

G_DEFINE_FINAL_TYPE (FlKpiChart, fl_kpi_chart, GTK_TYPE_WIDGET)

static void
fl_kpi_chart_snapshot (GtkWidget *widget, GtkSnapshot *snapshot)
{
  FlKpiChart *self = FL_KPI_CHART (widget);
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  GdkRGBA ink;
  G_GNUC_BEGIN_IGNORE_DEPRECATIONS
  gtk_style_context_get_color (gtk_widget_get_style_context (widget), &ink);
  G_GNUC_END_IGNORE_DEPRECATIONS
  cairo_t *cr = gtk_snapshot_append_cairo (snapshot, &GRAPHENE_RECT_INIT (0, 0, width, height));
  const FlChartInk chart_ink = { ink.red, ink.green, ink.blue, ink.alpha };
  fl_kpi_chart_render (cr, width, height, self->kind, self->points, self->n_points, &chart_ink);
  cairo_destroy (cr);
}

static void
fl_kpi_chart_measure (GtkWidget *widget, GtkOrientation orientation, int for_size,
                      int *minimum, int *natural, int *minimum_baseline, int *natural_baseline)
{
  *minimum = orientation == GTK_ORIENTATION_HORIZONTAL ? 160 : 90;
  *natural = orientation == GTK_ORIENTATION_HORIZONTAL ? 240 : 110;
}

static void
fl_kpi_chart_class_init (FlKpiChartClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  widget_class->snapshot = fl_kpi_chart_snapshot;
  widget_class->measure = fl_kpi_chart_measure;
  gtk_widget_class_set_css_name (widget_class, "kpichart");
  gtk_widget_class_set_accessible_role (widget_class, GTK_ACCESSIBLE_ROLE_IMG);
}

static void
fl_kpi_chart_init (FlKpiChart *self)
{
}

GtkWidget *
fl_kpi_chart_new (void)
{
  return g_object_new (FL_TYPE_KPI_CHART, NULL);
}

void
fl_kpi_chart_set_data (FlKpiChart *self, FlKpiKind kind, const FlKpiChartPoint *points, guint n_points)
{
  g_return_if_fail (FL_IS_KPI_CHART (self));
  self->kind = kind;
  self->n_points = MIN (n_points, MAX_POINTS);
  memcpy (self->points, points, self->n_points * sizeof *points);
  g_autoptr(GString) description = g_string_new (fl_kpi_label (kind));
  for (guint i = 0; i < self->n_points; i++)
    {
      if (self->points[i].value.denominator <= 0)
        continue;
      g_autofree char *value = fl_kpi_format_value (kind, &self->points[i].value);
      g_string_append_printf (description, ", %s %s", self->points[i].label, value);
    }
  gtk_accessible_update_property (GTK_ACCESSIBLE (self), GTK_ACCESSIBLE_PROPERTY_DESCRIPTION,
                                  description->str, -1);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}
