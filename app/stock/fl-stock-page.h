/* fl-stock-page.h — spare parts for clerks (engineers see their van):
 * balances per location with minimum-stock and negative-balance alerts, the
 * parts catalogue, movements (receive, issue, transfer, return, scrap
 * request), the stocktake sheet and each part's ledger. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_STOCK_PAGE (fl_stock_page_get_type ())
G_DECLARE_FINAL_TYPE (FlStockPage, fl_stock_page, FL, STOCK_PAGE, GtkWidget)

GtkWidget  *fl_stock_page_new (FlSession *session);
FlSession  *fl_stock_page_get_session (FlStockPage *self);

/* Reads balances and parts again (after a sync). */
void        fl_stock_page_reload (FlStockPage *self);

/* Selects the location whose id is `location_id` (NULL: every location). */
void        fl_stock_page_select_location (FlStockPage *self, const char *location_id);
const char *fl_stock_page_get_location (FlStockPage *self);

/* The translated name of a movement kind ("Receive"). */
const char *fl_stock_movement_kind_label (const char *kind);

G_END_DECLS
