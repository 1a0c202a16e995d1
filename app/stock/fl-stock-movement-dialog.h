/* fl-stock-movement-dialog.h — one stock movement of several parts: receive
 * (with the supplier's reference and serial numbers), issue to a van or a
 * site, transfer, return, or a scrap request for a supervisor to approve.
 * A barcode scanner that types like a keyboard works in the SKU entry:
 * each scan (SKU + Enter) adds a line or counts one more of it; for a
 * serial-tracked part, the scans after its SKU are its serial numbers. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_STOCK_MOVEMENT_DIALOG (fl_stock_movement_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlStockMovementDialog, fl_stock_movement_dialog, FL, STOCK_MOVEMENT_DIALOG,
                      AdwWindow)

/* `kind`: "receive" | "issue" | "transfer" | "return" | "scrap";
 * `location_id` (may be NULL) preselects the location it concerns. */
GtkWidget *fl_stock_movement_dialog_new (FlSession *session, const char *kind,
                                         const char *location_id);

/* What a scanner (or a person) typed into the SKU entry, then Enter. */
void       fl_stock_movement_dialog_scan (FlStockMovementDialog *self, const char *code);
guint      fl_stock_movement_dialog_get_n_lines (FlStockMovementDialog *self);
/* The line of a part as {part_id, sku, name, qty, serial_tracked, serials: [..]}. */
JsonObject *fl_stock_movement_dialog_get_line (FlStockMovementDialog *self, guint index);
void       fl_stock_movement_dialog_set_locations (FlStockMovementDialog *self,
                                                   const char *from_id, const char *to_id);
void       fl_stock_movement_dialog_set_text (FlStockMovementDialog *self,
                                              const char *supplier_ref, const char *reason);
/* Posts the movement (or files the scrap request) in one transaction; on
 * success emits ::done with a message for a toast and closes. */
gboolean   fl_stock_movement_dialog_post (FlStockMovementDialog *self, GError **error);

G_END_DECLS
