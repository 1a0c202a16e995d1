/* fl-service-sheet.h — the printable service sheet (服务单) of one work
 * order: what was reported and on what, who did what and for how long,
 * the parts used, and the customer's acceptance with their signature. */
#pragma once

#include <glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

/* Writes the sheet of the order `work_order_id` to `path` (A4 PDF, one page
 * or more).  `signature_path` is the PNG of the customer's signature, or
 * NULL when the order has none here (the sheet then says so). */
gboolean fl_service_sheet_write_pdf (FlDb *db, const char *work_order_id, const char *signature_path,
                                     const char *path, GError **error);

G_END_DECLS
