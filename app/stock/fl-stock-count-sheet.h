/* fl-stock-count-sheet.h — a stocktake of one location: each line is a part
 * with the balance the ledger expects and what was counted, and the
 * variance.  Scanning a SKU counts one more of it.  The counted lines go to a
 * supervisor as stock_count rows (counted, and the balance at the moment of
 * sending as expected_at_count); the approval makes the server post the
 * adjustment. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_STOCK_COUNT_SHEET (fl_stock_count_sheet_get_type ())
G_DECLARE_FINAL_TYPE (FlStockCountSheet, fl_stock_count_sheet, FL, STOCK_COUNT_SHEET, GtkWidget)

void        fl_stock_count_sheet_set_session (FlStockCountSheet *self, FlSession *session);
/* The location to count (NULL: none chosen).  A new location starts a new sheet. */
void        fl_stock_count_sheet_set_location (FlStockCountSheet *self, const char *location_id);

/* Adds a line for every part with a balance at the location, not yet counted. */
void        fl_stock_count_sheet_load_expected (FlStockCountSheet *self);
/* A scan (or a typed SKU): one more of that part counted. */
gboolean    fl_stock_count_sheet_scan (FlStockCountSheet *self, const char *sku, GError **error);
/* Sets what was counted of the line's part; -1 clears it (not counted). */
void        fl_stock_count_sheet_set_counted (FlStockCountSheet *self, guint index, gint64 counted);

guint       fl_stock_count_sheet_get_n_lines (FlStockCountSheet *self);
/* {part_id, sku, name, unit, expected, counted (null when not counted)} */
JsonObject *fl_stock_count_sheet_get_line (FlStockCountSheet *self, guint index);

/* Sends the counted lines for approval in one transaction and clears the
 * sheet; returns how many counts were sent. */
guint       fl_stock_count_sheet_submit (FlStockCountSheet *self, GError **error);

G_END_DECLS
