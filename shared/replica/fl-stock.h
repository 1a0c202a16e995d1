/* fl-stock.h — posting a movement of the spare-parts ledger from a replica
 * (see fl-stock-ledger.h for how balances follow the ledger). */
#pragma once

#include "fl-stock-ledger.h"
#include "fl-stock-movement.h"

G_BEGIN_DECLS

/* Whether serial number `serial` of part `part_id` can leave
 * `from_location` (NULL: be received), as far as this replica's ledger
 * knows (fl_stock_check_serial); TRUE for a part that is not serial-tracked
 * and for no serial.  The server checks again against its own ledger. */
gboolean fl_stock_check_serial_at (FlDb *db, const char *part_id, const char *serial,
                                   const char *from_location, GError **error);

/* Posts a movement through the change log, refusing a tracked part's serial
 * from where it is not; returns its id. */
gboolean fl_stock_post (FlDb *db, const FlStockMovement *movement, char **out_id, GError **error);

/* One part counted at a location. */
typedef struct {
  const char *part_id;
  gint64      counted;
} FlStockCountLine;

/* Records the counts of `location_id` in one transaction, each with what the
 * ledger says at that moment (the server adjusts by counted - balance when a
 * supervisor approves the count); the counts wait for approval. */
gboolean fl_stock_submit_count (FlDb *db, const char *location_id, const FlStockCountLine *lines,
                                guint n_lines, const char *by, GError **error);

/* Asks to write off `qty` of a part at a location (one unit per serial
 * number of a tracked part); a supervisor approves it before it moves. */
gboolean fl_stock_request_scrap (FlDb *db, const char *location_id, const char *part_id, gint64 qty,
                                 const char *serial, const char *reason, const char *by,
                                 GError **error);

G_END_DECLS
