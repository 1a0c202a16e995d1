#include "fl-service-sheet.h"

#include <glib/gi18n-lib.h>

#include "fl-pdf.h"
#include "fl-record-store.h"
#include "fl-sla.h"
#include "fl-stock-movement.h"
#include "fl-time.h"
#include "fl-user.h"
#include "fl-work-log-note.h"
#include "fl-work-order-queries.h"
#include "fl-workflow.h"

#define TEXT_WIDTH (FL_PDF_PAGE_WIDTH - 2 * FL_PDF_MARGIN)

typedef struct {
  JsonObject *wo;
  GTimeZone  *tz;  /* the site's: times as the customer read them */
  char       *title;
} Sheet;

static JsonObject *
load_related (FlDb *db, const char *table, const char *id)
{
  return id != NULL ? fl_record_load (db, fl_schema_lookup (table), id, NULL) : NULL;
}

/* "2026-11-22 17:30" in the site's time zone; NULL for none. */
static char *
sheet_time (Sheet *sheet, const char *rfc3339)
{
  gint64 usec;
  if (rfc3339 == NULL || !fl_time_parse (rfc3339, &usec, NULL))
    return NULL;
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, sheet->tz);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

static const char *
log_kind_label (const char *kind)
{
  if (g_strcmp0 (kind, "labour") == 0)
    return _("Labour");
  if (g_strcmp0 (kind, "travel") == 0)
    return _("Travel");
  return _("Note");
}

static void
start_page (FlPdf *pdf, gpointer data)
{
  Sheet *sheet = data;
  fl_pdf_paragraph (pdf, sheet->title, 10, TRUE, 0.6, 8);
}

static void
end_page (FlPdf *pdf, gpointer data)
{
  /* Translators: the foot of a service sheet's page, "Page 2". */
  g_autofree char *text = g_strdup_printf (_("Page %d"), pdf->page);
  fl_pdf_text (pdf, text, FL_PDF_MARGIN, FL_PDF_PAGE_HEIGHT - FL_PDF_MARGIN + 10, TEXT_WIDTH, 8, FALSE,
               PANGO_ALIGN_RIGHT, 0.6);
}

static void
add_pair (GPtrArray *cells, const char *label, const char *value)
{
  g_ptr_array_add (cells, g_strdup (label));
  g_ptr_array_add (cells, g_strdup (value != NULL ? value : "—"));
}

static void
order_section (FlPdf *pdf, Sheet *sheet, FlDb *db)
{
  JsonObject *wo = sheet->wo;
  static const double widths[] = { 0.28, 0.72 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  add_pair (cells, _("Item"), _("Details"));
  add_pair (cells, _("Kind"), fl_work_order_kind_label_for_name (fl_record_get_string (wo, "kind")));
  add_pair (cells, _("Title"), fl_record_get_string (wo, "title"));
  g_autoptr(JsonObject) site = load_related (db, "site", fl_record_get_string (wo, "site_id"));
  g_autofree char *site_text = site != NULL ? g_strdup_printf ("%s %s", fl_record_get_string (site, "code"),
                                                               fl_record_get_string (site, "name"))
                                            : NULL;
  add_pair (cells, _("Site"), site_text);
  g_autoptr(JsonObject) ci = load_related (db, "ci", fl_record_get_string (wo, "ci_id"));
  g_autofree char *ci_text = ci != NULL ? g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"),
                                                           fl_record_get_string (ci, "name"))
                                        : NULL;
  add_pair (cells, _("Configuration item"), ci_text);
  const char *reporter = fl_record_get_string (wo, "reporter");
  const char *contact = fl_record_get_string (wo, "contact");
  g_autofree char *reporter_text = reporter != NULL || contact != NULL
    ? g_strjoin (" · ", reporter != NULL ? reporter : contact, reporter != NULL ? contact : NULL, NULL)
    : NULL;
  add_pair (cells, _("Reported by"), reporter_text);
  /* Translators: a service sheet's "Priority" line, "High · In progress". */
  g_autofree char *state = g_strdup_printf (_("%s · %s"),
                                            fl_priority_label_for_name (fl_record_get_string (wo, "priority")),
                                            fl_work_order_status_label_for_name (fl_record_get_string (wo, "status")));
  add_pair (cells, _("Priority and status"), state);
  const char *engineer = fl_record_get_string (wo, "assignee");
  g_autoptr(JsonObject) engineer_row = engineer != NULL ? fl_user_find (db, engineer, NULL) : NULL;
  const char *engineer_name = engineer_row != NULL ? fl_record_get_string (engineer_row, "display_name") : NULL;
  add_pair (cells, _("Engineer"), engineer_name != NULL && *engineer_name != '\0' ? engineer_name : engineer);
  g_autofree char *opened = sheet_time (sheet, fl_record_get_string (wo, "created_at"));
  g_autofree char *responded = sheet_time (sheet, fl_record_get_string (wo, "responded_at"));
  g_autofree char *resolved = sheet_time (sheet, fl_record_get_string (wo, "resolved_at"));
  /* Translators: a service sheet's times, "2026-11-22 09:00 · responded 09:40 · resolved —". */
  g_autofree char *times = g_strdup_printf (_("%s · responded %s · resolved %s"), opened != NULL ? opened : "—",
                                            responded != NULL ? responded : "—", resolved != NULL ? resolved : "—");
  add_pair (cells, _("Opened"), times);
  fl_pdf_table (pdf, widths, G_N_ELEMENTS (widths), cells, FL_PDF_TABLE_TEXT);

  static const struct { const char *label, *column; } texts[] = {
    { N_("Description"), "description" }, { N_("Cause"), "cause" }, { N_("Resolution"), "resolution" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (texts); i++)
    {
      const char *text = fl_record_get_string (wo, texts[i].column);
      fl_pdf_paragraph (pdf, _(texts[i].label), 10, TRUE, 0.9, 2);
      fl_pdf_paragraph (pdf, text != NULL ? text : "—", 10, FALSE, 1, 8);
    }
}

static gboolean
work_section (FlPdf *pdf, Sheet *sheet, FlDb *db, const char *id, GError **error)
{
  g_autoptr(GPtrArray) log = fl_work_order_list_log (db, id, error);
  FlWorkOrderTime time;
  if (log == NULL || !fl_work_order_time_spent (db, id, &time, error))
    return FALSE;
  fl_pdf_heading (pdf, _("Work done"));
  static const double widths[] = { 0.2, 0.14, 0.1, 0.13, 0.43 };
  g_autoptr(GPtrArray) cells = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (cells, g_strdup (_("When")));
  g_ptr_array_add (cells, g_strdup (_("Who")));
  g_ptr_array_add (cells, g_strdup (_("Kind")));
  g_ptr_array_add (cells, g_strdup (_("Time")));
  g_ptr_array_add (cells, g_strdup (_("Note")));
  for (guint i = 0; i < log->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (log, i);
      /* The customer signs for the work: not for what was withdrawn, nor
       * for the order's status moves. */
      if (fl_record_get_int (entry, "voided", 0) != 0 || g_strcmp0 (fl_record_get_string (entry, "kind"), "status") == 0)
        continue;
      gint64 minutes = fl_record_get_int (entry, "minutes", 0);
      g_ptr_array_add (cells, sheet_time (sheet, fl_record_get_string (entry, "at")));
      g_ptr_array_add (cells, g_strdup (fl_record_get_string (entry, "author")));
      g_ptr_array_add (cells, g_strdup (log_kind_label (fl_record_get_string (entry, "kind"))));
      g_ptr_array_add (cells, minutes > 0 ? fl_time_format_minutes (minutes) : NULL);
      g_ptr_array_add (cells, fl_work_log_render (entry));
    }
  fl_pdf_table (pdf, widths, G_N_ELEMENTS (widths), cells, FL_PDF_TABLE_TEXT);
  g_autofree char *labour = fl_time_format_minutes (time.labour_minutes);
  g_autofree char *travel = fl_time_format_minutes (time.travel_minutes);
  /* Translators: the totals under a service sheet's work log. */
  g_autofree char *totals = g_strdup_printf (_("Labour %s · travel %s"), labour, travel);
  fl_pdf_paragraph (pdf, totals, 10, TRUE, 1, 4);

  g_autoptr(GPtrArray) parts = fl_work_order_list_parts (db, id, error);
  if (parts == NULL)
    return FALSE;
  fl_pdf_heading (pdf, _("Parts used"));
  if (parts->len == 0)
    {
      fl_pdf_paragraph (pdf, _("No parts were used."), 10, FALSE, 0.75, 4);
      return TRUE;
    }
  static const double part_widths[] = { 0.42, 0.2, 0.14, 0.24 };
  g_autoptr(GPtrArray) part_cells = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_add (part_cells, g_strdup (_("Part")));
  g_ptr_array_add (part_cells, g_strdup (_("SKU")));
  g_ptr_array_add (part_cells, g_strdup (_("Quantity")));
  g_ptr_array_add (part_cells, g_strdup (_("Serial number")));
  for (guint i = 0; i < parts->len; i++)
    {
      JsonObject *part = g_ptr_array_index (parts, i);
      g_ptr_array_add (part_cells, g_strdup (fl_record_get_string (part, "name")));
      g_ptr_array_add (part_cells, g_strdup (fl_record_get_string (part, "sku")));
      g_ptr_array_add (part_cells, fl_stock_format_quantity (fl_record_get_int (part, "qty", 0),
                                                             fl_record_get_string (part, "unit")));
      g_ptr_array_add (part_cells, g_strdup (fl_record_get_string (part, "serial")));
    }
  fl_pdf_table (pdf, part_widths, G_N_ELEMENTS (part_widths), part_cells, FL_PDF_TABLE_TEXT);
  return TRUE;
}

/* The signature scaled into a box of the text width's half. */
static void
signature (FlPdf *pdf, const char *signature_path)
{
  const double box_width = TEXT_WIDTH / 2, box_height = 72;
  cairo_surface_t *image = signature_path != NULL ? cairo_image_surface_create_from_png (signature_path) : NULL;
  if (image == NULL || cairo_surface_status (image) != CAIRO_STATUS_SUCCESS)
    {
      g_clear_pointer (&image, cairo_surface_destroy);
      fl_pdf_paragraph (pdf, _("The customer's signature is not on this device yet: sync, then print again."),
                        10, FALSE, 0.75, 4);
      return;
    }
  fl_pdf_make_room (pdf, box_height + 24);
  double w = cairo_image_surface_get_width (image), h = cairo_image_surface_get_height (image);
  double scale = MIN (box_width / MAX (w, 1), box_height / MAX (h, 1));
  cairo_save (pdf->cr);
  cairo_translate (pdf->cr, FL_PDF_MARGIN, pdf->y);
  cairo_scale (pdf->cr, scale, scale);
  cairo_set_source_surface (pdf->cr, image, 0, 0);
  cairo_paint (pdf->cr);
  cairo_restore (pdf->cr);
  cairo_surface_destroy (image);
  pdf->y += h * scale + 4;
  cairo_set_source_rgba (pdf->cr, FL_PDF_INK);
  cairo_set_line_width (pdf->cr, 0.6);
  cairo_move_to (pdf->cr, FL_PDF_MARGIN, pdf->y);
  cairo_line_to (pdf->cr, FL_PDF_MARGIN + box_width, pdf->y);
  cairo_stroke (pdf->cr);
  pdf->y += 4;
}

static void
acceptance_section (FlPdf *pdf, Sheet *sheet, const char *signature_path)
{
  JsonObject *wo = sheet->wo;
  fl_pdf_heading (pdf, _("Customer acceptance"));
  g_autofree char *accepted_at = sheet_time (sheet, fl_record_get_string (wo, "customer_accepted_at"));
  if (accepted_at == NULL)
    {
      fl_pdf_paragraph (pdf, _("Not accepted yet."), 10, FALSE, 0.75, 4);
      return;
    }
  /* Translators: "Accepted by Zhang Min on 2026-11-22 17:30 · satisfaction 5 of 5" */
  g_autofree char *text = g_strdup_printf (_("Accepted by %s on %s · satisfaction %d of 5"),
                                           fl_record_get_string (wo, "customer_name"), accepted_at,
                                           (int) fl_record_get_int (wo, "satisfaction", 0));
  fl_pdf_paragraph (pdf, text, 10, FALSE, 1, 8);
  if (fl_record_get_string (wo, "signature_blob") != NULL)
    signature (pdf, signature_path);
  fl_pdf_paragraph (pdf, _("Customer's signature"), 8, FALSE, 0.6, 4);
}

gboolean
fl_service_sheet_write_pdf (FlDb *db, const char *work_order_id, const char *signature_path,
                            const char *path, GError **error)
{
  Sheet sheet = { 0 };
  g_autoptr(JsonObject) wo = fl_record_load (db, fl_schema_lookup ("work_order"), work_order_id, error);
  if (wo == NULL)
    return FALSE;
  sheet.wo = wo;
  g_autoptr(JsonObject) site = load_related (db, "site", fl_record_get_string (wo, "site_id"));
  const char *zone = site != NULL ? fl_record_get_string (site, "time_zone") : NULL;
  g_autoptr(GTimeZone) tz = zone != NULL ? g_time_zone_new_identifier (zone) : NULL;
  if (tz == NULL)
    tz = g_time_zone_new_utc ();
  sheet.tz = tz;
  /* Translators: a service sheet's title, "Service Sheet INC-2026-0042". */
  g_autofree char *title = g_strdup_printf (_("Service Sheet %s"), fl_record_get_string (wo, "ref"));
  sheet.title = title;

  FlPdf pdf = { .start_page = start_page, .end_page = end_page, .page_data = &sheet };
  if (!fl_pdf_open (&pdf, path, title, error))
    return FALSE;
  fl_pdf_paragraph (&pdf, title, 20, TRUE, 1, 2);
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *now_text = sheet_time (&sheet, now);
  /* Translators: under a service sheet's title, "Printed 2026-11-22 17:30". */
  g_autofree char *printed = g_strdup_printf (_("Printed %s"), now_text);
  fl_pdf_paragraph (&pdf, printed, 9, FALSE, 0.6, 6);
  order_section (&pdf, &sheet, db);
  gboolean ok = work_section (&pdf, &sheet, db, work_order_id, error);
  if (ok)
    acceptance_section (&pdf, &sheet, signature_path);
  fl_pdf_end_page (&pdf);
  if (!ok)
    {
      fl_pdf_close (&pdf, NULL);
      return FALSE;
    }
  return fl_pdf_close (&pdf, error);
}
