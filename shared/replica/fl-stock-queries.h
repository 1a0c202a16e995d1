/* fl-stock-queries.h — what the stock screens and `fieldline-cli stock`
 * show: balances with their alerts, the catalogue against each part's
 * minimum, a part's ledger, the locations a user chooses from, and the
 * parts expected at a location when it is counted. */
#pragma once

#include "fl-db.h"
#include "fl-record.h"

G_BEGIN_DECLS

/* A stock alert is a property of one (location, part) balance: "negative"
 * when it is below zero, wherever; "low" when a warehouse holds less than the
 * part's minimum (a balance at 0 included); "" otherwise.  Every list and
 * count below uses this one definition. */

/* Balances, by location code then SKU: id ("location/part"), location_id,
 * part_id, location_code, location_name, location_kind, sku, part_name,
 * unit, min_stock (0 when none), part_min_stock (NULL when none), qty, and
 * alert.  ?1 location (NULL: all, and then only balances other than 0 or
 * with an alert), ?2 text anywhere in the SKU, name or model, ?3 not NULL:
 * alerts only, ?4 the engineer whose van alone is shown.  For list models
 * (paged) and fl_query_rows. */
const char *fl_stock_balances_sql (void);

/* The catalogue by SKU with in_warehouses, on_hand, negatives (balances
 * below zero), low_warehouses (warehouse balances below the minimum) and
 * alert (the worst of its balances': "negative", "low", ""); ?1 text
 * anywhere in the SKU, name or model, ?2 not NULL: alerts only.  For list
 * models. */
const char *fl_stock_parts_sql (void);

typedef struct {
  gint64 negative_balances;  /* balances below zero */
  gint64 low_balances;       /* warehouse balances below the part's minimum */
  gint64 low_parts;          /* parts with at least one of those */
} FlStockAlertCounts;

/* The alerts of site `site_id` (NULL: every site) counted now. */
gboolean    fl_stock_count_alerts (FlDb *db, const char *site_id, FlStockAlertCounts *out,
                                   GError **error);

/* The ledger of part ?1, newest first: id, at, kind, qty, serial,
 * supplier_ref, reason, by, from_code, to_code, work_order_ref.  For list
 * models. */
const char *fl_stock_part_history_sql (void);

/* The part with this SKU (case does not matter): id, sku, name, unit and
 * serial_tracked; NULL without an error when there is none. */
JsonObject *fl_stock_find_part (FlDb *db, const char *sku, GError **error);

/* Where part `part_id` is, warehouses first: location_code and qty (not 0). */
GPtrArray  *fl_stock_list_part_balances (FlDb *db, const char *part_id, GError **error);

/* Locations to choose from, warehouses first then by code: id and label
 * ("code · name").  `van_owner` not NULL: only that engineer's vans;
 * `kinds` not NULL: only locations of those kinds ("warehouse", "van,site"). */
GPtrArray  *fl_stock_list_locations (FlDb *db, const char *van_owner, const char *kinds,
                                     GError **error);

/* What a count of `location_id` expects, by SKU: part_id, sku, name, unit
 * and qty, for every part whose balance there is not 0. */
GPtrArray  *fl_stock_list_expected (FlDb *db, const char *location_id, GError **error);

G_END_DECLS
