/* fl-stock-ledger.h — the spare-parts ledger in SQLite.
 *
 * Stock only ever changes by appending a movement.  Balances per (location,
 * part) are kept by triggers on the ledger table, so they equal the ledger
 * sum whichever way a movement arrives (posted here, pulled from the server,
 * or applied by the server itself).  A balance may go negative: a part used
 * offline is a fact, flagged for the clerk, never refused after the fact. */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

/* The balance of one part at one location (0 when nothing moved yet). */
gint64   fl_stock_balance (FlDb *db, const char *location_id, const char *part_id, GError **error);

/* Where serial number `serial` of part `part_id` is now, by the ledger:
 * its location's id and code, both NULL when it is not in stock (never
 * received, or used or scrapped since). */
gboolean fl_stock_serial_location (FlDb *db, const char *part_id, const char *serial,
                                   char **location_id, char **location_code, GError **error);

/* Number of (location, part) balances below zero. */
gint64   fl_stock_negative_count (FlDb *db, GError **error);

/* Recomputes every balance from the ledger and compares: FALSE with an error
 * naming the first difference.  (A check for tests and `fieldline-sync check`.) */
gboolean fl_stock_verify (FlDb *db, GError **error);

/* SQL for the balance table and the triggers that keep it; part of both the
 * replica's and the server's first migration. */
const char *fl_stock_schema_sql (void);

G_END_DECLS
