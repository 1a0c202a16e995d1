#include "fl-kpi-chart-render.h"

#include <glib/gi18n-lib.h>
#include <pango/pangocairo.h>

double
fl_kpi_chart_trend (const FlKpiChartPoint *points, guint n_points, double *intercept)
{
  double n = 0, sx = 0, sy = 0, sxx = 0, sxy = 0;
  for (guint i = 0; i < n_points; i++)
    {
      double rate = fl_kpi_rate (&points[i].value);
      if (rate < 0)
        continue;
      n++;
      sx += i;
      sy += rate;
      sxx += (double) i * i;
      sxy += i * rate;
    }
  double denominator = n * sxx - sx * sx;
  double slope = n >= 2 && denominator != 0 ? (n * sxy - sx * sy) / denominator : 0;
  if (intercept != NULL)
    *intercept = n > 0 ? (sy - slope * sx) / n : 0;
  return slope;
}

static void
set_rgba (cairo_t *cr, const FlChartInk *c, double alpha)
{
  cairo_set_source_rgba (cr, c->red, c->green, c->blue, c->alpha * alpha);
}

static void
draw_text (cairo_t *cr, const char *text, double x, double y, double size, double align)
{
  PangoLayout *layout = pango_cairo_create_layout (cr);
  g_autofree char *font = g_strdup_printf ("Noto Sans CJK SC, Cantarell, sans %.1fpx", size);
  PangoFontDescription *description = pango_font_description_from_string (font);
  pango_layout_set_font_description (layout, description);
  pango_layout_set_text (layout, text, -1);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_move_to (cr, x - w * align, y);
  pango_cairo_show_layout (cr, layout);
  pango_font_description_free (description);
  g_object_unref (layout);
}

void
fl_kpi_chart_render (cairo_t *cr, double width, double height, FlKpiKind kind,
                     const FlKpiChartPoint *points, guint n_points, const FlChartInk *ink)
{
  static const FlChartInk good = { 0.18, 0.76, 0.49, 1 }, short_of = { 0.90, 0.38, 0.0, 1 };
  const double label_size = MAX (8, MIN (11, height / 9));
  const double left = label_size * 3.2, bottom = label_size * 1.8, top = label_size * 0.6;
  const double plot_w = width - left - 4, plot_h = height - top - bottom;
  if (plot_w <= 10 || plot_h <= 10 || n_points == 0)
    return;

  /* The top of the scale: 100% for a rate; for a mean time the next whole
   * hour above the largest month and the target, with a little room. */
  const gboolean mean = fl_kpi_is_mean (kind);
  double scale = 1;
  if (mean)
    {
      scale = fl_kpi_target (kind);
      for (guint i = 0; i < n_points; i++)
        scale = MAX (scale, fl_kpi_rate (&points[i].value));
      scale = ((gint64) (scale * 1.1 / 3600) + 1) * 3600.0;
    }

  cairo_save (cr);
  cairo_set_line_width (cr, 1);
  /* Axis and the grid at 0, half and the top of the scale. */
  for (int half = 0; half <= 2; half++)
    {
      double y = top + plot_h * (1 - half / 2.0);
      set_rgba (cr, ink, half == 0 ? 0.5 : 0.12);
      cairo_move_to (cr, left, y + 0.5);
      cairo_line_to (cr, left + plot_w, y + 0.5);
      cairo_stroke (cr);
      /* Translators: a chart's scale in hours, "4 h". */
      g_autofree char *text = mean ? g_strdup_printf (_("%g h"), scale * half / 2 / 3600)
                                   : g_strdup_printf ("%d%%", half * 50);
      set_rgba (cr, ink, 0.6);
      draw_text (cr, text, left - 4, y - label_size * 0.7, label_size, 1);
    }

  const double slot = plot_w / n_points, bar = slot * 0.6;
  const double target = fl_kpi_target (kind);
  for (guint i = 0; i < n_points; i++)
    {
      double x = left + slot * i + (slot - bar) / 2;
      double rate = fl_kpi_rate (&points[i].value);
      if (rate >= 0)
        {
          double h = MAX (plot_h * rate / scale, 1.5);  /* 0 still shows as measured */
          set_rgba (cr, fl_kpi_meets_target (kind, &points[i].value) ? &good : &short_of, 0.85);
          cairo_rectangle (cr, x, top + plot_h - h, bar, h);
          cairo_fill (cr);
        }
      else
        {
          /* Nothing to measure that month. */
          set_rgba (cr, ink, 0.35);
          draw_text (cr, "–", x + bar / 2, top + plot_h - label_size * 1.4, label_size, 0.5);
        }
      set_rgba (cr, ink, 0.7);
      draw_text (cr, points[i].label, x + bar / 2, top + plot_h + 2, label_size, 0.5);
    }

  /* The target, if the KPI has one. */
  if (target > 0)
    {
      double ty = top + plot_h * (1 - target / scale);
      static const double dash[] = { 4, 3 };
      cairo_set_dash (cr, dash, G_N_ELEMENTS (dash), 0);
      set_rgba (cr, ink, 0.8);
      cairo_move_to (cr, left, ty + 0.5);
      cairo_line_to (cr, left + plot_w, ty + 0.5);
      cairo_stroke (cr);
      cairo_set_dash (cr, NULL, 0, 0);
    }

  /* The trend over the months that had data. */
  double intercept;
  double slope = fl_kpi_chart_trend (points, n_points, &intercept);
  int first = -1, last = -1;
  for (guint i = 0; i < n_points; i++)
    if (fl_kpi_rate (&points[i].value) >= 0)
      {
        if (first < 0)
          first = i;
        last = i;
      }
  /* Only across the months it was fitted on: no extrapolation. */
  if (first >= 0 && last > first)
    {
      double x0 = left + slot * (first + 0.5), x1 = left + slot * (last + 0.5);
      double y0 = CLAMP ((intercept + slope * first) / scale, 0, 1);
      double y1 = CLAMP ((intercept + slope * last) / scale, 0, 1);
      cairo_set_line_width (cr, 2);
      set_rgba (cr, ink, 0.75);
      cairo_move_to (cr, x0, top + plot_h * (1 - y0));
      cairo_line_to (cr, x1, top + plot_h * (1 - y1));
      cairo_stroke (cr);
    }
  cairo_restore (cr);
}
