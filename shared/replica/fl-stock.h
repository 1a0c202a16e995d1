/* fl-stock.h — posting a movement of the spare-parts ledger from a replica
 * (see fl-stock-ledger.h for how balances follow the ledger). */
#pragma once

#include "fl-stock-ledger.h"
#include "fl-stock-movement.h"

G_BEGIN_DECLS

/* Posts a movement through the change log; returns its id. */
gboolean fl_stock_post (FlDb *db, const FlStockMovement *movement, char **out_id, GError **error);

G_END_DECLS
