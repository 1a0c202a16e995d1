/* fl-kpi-chart.h — the dashboard's chart of one KPI over periods: the
 * drawing of fl-kpi-chart-render.h in a widget. */
#pragma once

#include <gtk/gtk.h>

#include "fl-kpi-chart-render.h"

G_BEGIN_DECLS

#define FL_TYPE_KPI_CHART (fl_kpi_chart_get_type ())
G_DECLARE_FINAL_TYPE (FlKpiChart, fl_kpi_chart, FL, KPI_CHART, GtkWidget)

GtkWidget *fl_kpi_chart_new (void);
void       fl_kpi_chart_set_data (FlKpiChart *self, FlKpiKind kind, const FlKpiChartPoint *points,
                                  guint n_points);

G_END_DECLS
