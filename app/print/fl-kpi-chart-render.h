/* fl-kpi-chart-render.h — a small chart of one KPI over periods: a bar per
 * period (green when it met the target), the target as a dashed line and
 * the trend (least squares over the periods with data) as a line.  Cairo
 * only: the same drawing serves the dashboard widget and the PDF report. */
#pragma once

#include <cairo.h>

#include "fl-kpi.h"

G_BEGIN_DECLS

/* A colour as red, green, blue, alpha from 0 to 1. */
typedef struct {
  double red, green, blue, alpha;
} FlChartInk;

typedef struct {
  char       label[16];  /* "10月", "Oct", "Q3" */
  FlKpiValue value;
} FlKpiChartPoint;

/* Draws into `cr` at (0, 0, width, height); `ink` is the colour of text
 * and axes. */
void fl_kpi_chart_render (cairo_t *cr, double width, double height, FlKpiKind kind,
                          const FlKpiChartPoint *points, guint n_points, const FlChartInk *ink);

/* The slope of the trend per period, in the units of fl_kpi_rate (0 with
 * fewer than two periods with data). */
double fl_kpi_chart_trend (const FlKpiChartPoint *points, guint n_points, double *intercept);

G_END_DECLS
