/* fl-pdf.h — A4 pages drawn with cairo and pango for the printable
 * documents (the monthly service report, the service sheet of one order):
 * text in a CJK font so Chinese names and the zh_CN translation print,
 * paragraphs, headings, tables that go on over a page break, and the file
 * itself with its title. */
#pragma once

#include <cairo.h>
#include <glib.h>
#include <pango/pangocairo.h>

G_BEGIN_DECLS

#define FL_PDF_PAGE_WIDTH 595.0   /* A4 in points */
#define FL_PDF_PAGE_HEIGHT 842.0
#define FL_PDF_MARGIN 50.0
/* The colour of text and rules, as red, green, blue, alpha. */
#define FL_PDF_INK 0.12, 0.12, 0.14, 1

typedef struct _FlPdf FlPdf;
/* Draws what a page begins with (and sets pdf->y below it). */
typedef void (*FlPdfPageFunc) (FlPdf *pdf, gpointer data);

struct _FlPdf {
  cairo_t        *cr;
  double          y;     /* where the next line goes */
  int             page;  /* the page being drawn, from 1 */
  FlPdfPageFunc   start_page;  /* for a page a table runs onto; may be NULL */
  FlPdfPageFunc   end_page;    /* before it is shown: a footer; may be NULL */
  gpointer        page_data;
};

/* Opens `path` for writing (NULL: draws into no file, to measure what the
 * pages take); FALSE with an error naming it when it cannot. */
gboolean fl_pdf_open (FlPdf *pdf, const char *path, const char *title, GError **error);
/* Writes the file out; FALSE when it could not be. */
gboolean fl_pdf_close (FlPdf *pdf, GError **error);

/* Ends the page (end_page, then shows it). */
void     fl_pdf_end_page (FlPdf *pdf);
/* Begins a new page when `height` more does not fit on this one. */
void     fl_pdf_make_room (FlPdf *pdf, double height);

/* Draws `text` wrapped to `width` and returns its height. */
double   fl_pdf_text (FlPdf *pdf, const char *text, double x, double y, double width, double size,
                      gboolean bold, PangoAlignment align, double alpha);
/* How tall fl_pdf_text() would draw it. */
double   fl_pdf_text_height (FlPdf *pdf, const char *text, double width, double size, gboolean bold);
/* A left-aligned paragraph across the text width at pdf->y. */
void     fl_pdf_paragraph (FlPdf *pdf, const char *text, double size, gboolean bold, double alpha,
                           double space_after);
/* A section heading with a rule under it. */
void     fl_pdf_heading (FlPdf *pdf, const char *text);

typedef enum {
  FL_PDF_TABLE_FIGURES,  /* the first column left-aligned, the others right-aligned */
  FL_PDF_TABLE_TEXT,     /* every column left-aligned */
} FlPdfTableStyle;

/* A table: `widths` are fractions of the text width, `cells` row by row
 * (NULL for an empty cell), row 0 the header, repeated on a page the table
 * runs onto. */
void     fl_pdf_table (FlPdf *pdf, const double *widths, guint n_columns, GPtrArray *cells,
                       FlPdfTableStyle style);

G_END_DECLS
