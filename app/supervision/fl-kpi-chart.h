/* fl-kpi-chart.h — a small chart of one KPI over months: a bar per month
 * (green when the month met the target), the target as a dashed line and
 * the trend (least squares over the months with data) as a line.  The same
 * drawing serves the dashboard widget and the PDF report. */
#pragma once

#include <gtk/gtk.h>

#include "fl-kpi.h"

G_BEGIN_DECLS

typedef struct {
  char       label[16];  /* "10月", "Oct" */
  FlKpiValue value;
} FlKpiChartPoint;

/* Draws into `cr` at (0, 0, width, height); `ink` is the colour of text
 * and axes. */
void fl_kpi_chart_render (cairo_t *cr, double width, double height, FlKpiKind kind,
                          const FlKpiChartPoint *points, guint n_points, const GdkRGBA *ink);

/* The slope of the trend per month, in the units of fl_kpi_rate (0 with
 * fewer than two months). */
double fl_kpi_chart_trend (const FlKpiChartPoint *points, guint n_points, double *intercept);

#define FL_TYPE_KPI_CHART (fl_kpi_chart_get_type ())
G_DECLARE_FINAL_TYPE (FlKpiChart, fl_kpi_chart, FL, KPI_CHART, GtkWidget)

GtkWidget *fl_kpi_chart_new (void);
void       fl_kpi_chart_set_data (FlKpiChart *self, FlKpiKind kind, const FlKpiChartPoint *points,
                                  guint n_points);

G_END_DECLS
