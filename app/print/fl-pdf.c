#include "fl-pdf.h"

#include <cairo-pdf.h>
#include <gio/gio.h>
#include <glib/gi18n-lib.h>

#define FONT_FAMILY "Noto Sans CJK SC"

static const double ink[] = { FL_PDF_INK };

gboolean
fl_pdf_open (FlPdf *pdf, const char *path, const char *title, GError **error)
{
  cairo_surface_t *surface = cairo_pdf_surface_create (path, FL_PDF_PAGE_WIDTH, FL_PDF_PAGE_HEIGHT);
  if (cairo_surface_status (surface) != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write %s: %s"), path,
                   cairo_status_to_string (cairo_surface_status (surface)));
      cairo_surface_destroy (surface);
      return FALSE;
    }
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_TITLE, title);
  cairo_pdf_surface_set_metadata (surface, CAIRO_PDF_METADATA_CREATOR, "Fieldline");
  pdf->cr = cairo_create (surface);
  cairo_surface_destroy (surface);
  pdf->y = FL_PDF_MARGIN;
  pdf->page = 1;
  return TRUE;
}

gboolean
fl_pdf_close (FlPdf *pdf, GError **error)
{
  cairo_surface_t *surface = cairo_surface_reference (cairo_get_target (pdf->cr));
  g_clear_pointer (&pdf->cr, cairo_destroy);
  cairo_surface_finish (surface);
  cairo_status_t status = cairo_surface_status (surface);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot write the document: %s"),
                   cairo_status_to_string (status));
      return FALSE;
    }
  return TRUE;
}

void
fl_pdf_end_page (FlPdf *pdf)
{
  if (pdf->end_page != NULL)
    pdf->end_page (pdf, pdf->page_data);
  cairo_show_page (pdf->cr);
  pdf->page++;
  pdf->y = FL_PDF_MARGIN;
}

void
fl_pdf_make_room (FlPdf *pdf, double height)
{
  /* The footer goes in the bottom margin. */
  if (pdf->y + height <= FL_PDF_PAGE_HEIGHT - FL_PDF_MARGIN)
    return;
  fl_pdf_end_page (pdf);
  if (pdf->start_page != NULL)
    pdf->start_page (pdf, pdf->page_data);
}

static PangoLayout *
layout_new (FlPdf *pdf, const char *text, double width, double size, gboolean bold)
{
  PangoLayout *layout = pango_cairo_create_layout (pdf->cr);
  PangoFontDescription *font = pango_font_description_from_string (FONT_FAMILY);
  pango_font_description_set_absolute_size (font, size * PANGO_SCALE);
  pango_font_description_set_weight (font, bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
  pango_layout_set_font_description (layout, font);
  pango_layout_set_width (layout, (int) (width * PANGO_SCALE));
  pango_layout_set_wrap (layout, PANGO_WRAP_WORD_CHAR);
  pango_layout_set_text (layout, text, -1);
  pango_font_description_free (font);
  return layout;
}

double
fl_pdf_text_height (FlPdf *pdf, const char *text, double width, double size, gboolean bold)
{
  g_autoptr(PangoLayout) layout = layout_new (pdf, text, width, size, bold);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  return h;
}

double
fl_pdf_text (FlPdf *pdf, const char *text, double x, double y, double width, double size, gboolean bold,
             PangoAlignment align, double alpha)
{
  g_autoptr(PangoLayout) layout = layout_new (pdf, text, width, size, bold);
  pango_layout_set_alignment (layout, align);
  int w, h;
  pango_layout_get_pixel_size (layout, &w, &h);
  cairo_set_source_rgba (pdf->cr, ink[0], ink[1], ink[2], alpha);
  cairo_move_to (pdf->cr, x, y);
  pango_cairo_show_layout (pdf->cr, layout);
  return h;
}

void
fl_pdf_paragraph (FlPdf *pdf, const char *text, double size, gboolean bold, double alpha, double space_after)
{
  const double width = FL_PDF_PAGE_WIDTH - 2 * FL_PDF_MARGIN;
  fl_pdf_make_room (pdf, fl_pdf_text_height (pdf, text, width, size, bold));
  pdf->y += fl_pdf_text (pdf, text, FL_PDF_MARGIN, pdf->y, width, size, bold, PANGO_ALIGN_LEFT, alpha);
  pdf->y += space_after;
}

static void
rule (FlPdf *pdf, double width, double line_width, double alpha)
{
  cairo_set_source_rgba (pdf->cr, ink[0], ink[1], ink[2], alpha);
  cairo_set_line_width (pdf->cr, line_width);
  cairo_move_to (pdf->cr, FL_PDF_MARGIN, pdf->y);
  cairo_line_to (pdf->cr, FL_PDF_MARGIN + width, pdf->y);
  cairo_stroke (pdf->cr);
}

void
fl_pdf_heading (FlPdf *pdf, const char *text)
{
  /* A heading is not left alone at the foot of a page. */
  fl_pdf_make_room (pdf, 80);
  pdf->y += 10;
  fl_pdf_paragraph (pdf, text, 14, TRUE, 1, 6);
  rule (pdf, FL_PDF_PAGE_WIDTH - 2 * FL_PDF_MARGIN, 0.8, 0.3);
  pdf->y += 6;
}

#define CELL_SIZE 9.5
#define CELL_PAD 4

static double
row_height (FlPdf *pdf, const double *widths, guint n_columns, GPtrArray *cells, guint r)
{
  const double width = FL_PDF_PAGE_WIDTH - 2 * FL_PDF_MARGIN;
  double height = 0;
  for (guint c = 0; c < n_columns; c++)
    {
      const char *text = g_ptr_array_index (cells, r * n_columns + c);
      double h = fl_pdf_text_height (pdf, text != NULL ? text : "", widths[c] * width - 2 * CELL_PAD,
                                     CELL_SIZE, r == 0);
      height = MAX (height, h + 6);
    }
  return height;
}

static void
draw_row (FlPdf *pdf, const double *widths, guint n_columns, GPtrArray *cells, guint r, gboolean shaded,
          FlPdfTableStyle style)
{
  const double width = FL_PDF_PAGE_WIDTH - 2 * FL_PDF_MARGIN;
  double height = row_height (pdf, widths, n_columns, cells, r);
  /* Every other row shaded, under all of its lines. */
  if (shaded)
    {
      cairo_set_source_rgba (pdf->cr, 0.5, 0.5, 0.55, 0.08);
      cairo_rectangle (pdf->cr, FL_PDF_MARGIN, pdf->y, width, height);
      cairo_fill (pdf->cr);
    }
  double x = FL_PDF_MARGIN;
  for (guint c = 0; c < n_columns; c++)
    {
      double w = widths[c] * width;
      const char *text = g_ptr_array_index (cells, r * n_columns + c);
      PangoAlignment align = c == 0 || style == FL_PDF_TABLE_TEXT ? PANGO_ALIGN_LEFT : PANGO_ALIGN_RIGHT;
      fl_pdf_text (pdf, text != NULL ? text : "", x + CELL_PAD, pdf->y + 3, w - 2 * CELL_PAD, CELL_SIZE, r == 0,
                   align, r == 0 ? 0.75 : 1);
      x += w;
    }
  pdf->y += height;
  if (r == 0)
    rule (pdf, width, 0.6, 0.4);
}

void
fl_pdf_table (FlPdf *pdf, const double *widths, guint n_columns, GPtrArray *cells, FlPdfTableStyle style)
{
  g_return_if_fail (cells->len % n_columns == 0);
  guint n_rows = cells->len / n_columns;
  if (n_rows == 0)
    return;
  double header = row_height (pdf, widths, n_columns, cells, 0);
  for (guint r = 0; r < n_rows; r++)
    {
      int page = pdf->page;
      /* The header goes with the first row; a page the table runs onto
       * begins with the header again. */
      double first = n_rows > 1 ? row_height (pdf, widths, n_columns, cells, 1) : 0;
      fl_pdf_make_room (pdf, r == 0 ? header + first : row_height (pdf, widths, n_columns, cells, r));
      if (r > 0 && pdf->page != page)
        draw_row (pdf, widths, n_columns, cells, 0, FALSE, style);
      draw_row (pdf, widths, n_columns, cells, r, r % 2 == 0 && r > 0, style);
    }
  pdf->y += 8;
}
