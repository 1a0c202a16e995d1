#include "fl-stock-queries.h"

#include "fl-query.h"

/* A part matches a search text found anywhere in its SKU, name or model
 * (case does not matter for Latin letters). */
#define FL_STOCK_PART_MATCH(param) \
  "(instr (lower (p.sku), lower (" param ")) > 0" \
  " OR instr (lower (p.name), lower (" param ")) > 0" \
  " OR instr (lower (coalesce (p.model, '')), lower (" param ")) > 0)"

/* The one definition of a stock alert, for every (location, part) balance:
 * "negative" below zero anywhere (a part used offline: the clerk sorts it
 * out), "low" in a warehouse holding less than the part's minimum (0
 * included), "" otherwise.  The stock page, its Parts tab, the CLI and the
 * service report all read it from here, so they never disagree. */
#define STOCK_ALERT_CTE \
  "stock_alert AS (" \
  "  SELECT b.location_id, b.part_id, b.qty, l.kind AS location_kind, l.site_id," \
  "         CASE WHEN b.qty < 0 THEN 'negative'" \
  "              WHEN l.kind = 'warehouse' AND b.qty < coalesce (p.min_stock, 0) THEN 'low'" \
  "              ELSE '' END AS alert" \
  "    FROM stock_balance b" \
  "    JOIN part p ON p.id = b.part_id" \
  "    JOIN stock_location l ON l.id = b.location_id)"

const char *
fl_stock_balances_sql (void)
{
  return
    "WITH " STOCK_ALERT_CTE
    "SELECT a.location_id || '/' || a.part_id AS id, a.location_id, a.part_id,"
    "       l.code AS location_code, l.code || ' · ' || l.name AS location_name, l.kind AS location_kind,"
    /* The minimum is a warehouse's level: a van or a site store shows none. */
    "       p.sku, p.name AS part_name, p.unit,"
    "       CASE WHEN l.kind = 'warehouse' THEN coalesce (p.min_stock, 0) END AS min_stock,"
    "       p.min_stock AS part_min_stock, a.qty, a.alert"
    "  FROM stock_alert a"
    "  JOIN part p ON p.id = a.part_id"
    "  JOIN stock_location l ON l.id = a.location_id"
    " WHERE (?1 IS NULL OR a.location_id = ?1)"
    "   AND (?2 IS NULL OR " FL_STOCK_PART_MATCH ("?2") ")"
    "   AND (?3 IS NULL OR a.alert <> '')"
    "   AND (?4 IS NULL OR (l.kind = 'van' AND l.owner = ?4))"
    "   AND (a.qty <> 0 OR a.alert <> '' OR ?1 IS NOT NULL)"
    " ORDER BY l.code, p.sku";
}

const char *
fl_stock_parts_sql (void)
{
  return
    "WITH " STOCK_ALERT_CTE ","
    " totals AS ("
    "  SELECT p.id, p.sku, p.name, p.model, p.unit, p.serial_tracked,"
    "         coalesce (p.min_stock, 0) AS min_stock,"
    "         (SELECT coalesce (sum (a.qty), 0) FROM stock_alert a"
    "           WHERE a.part_id = p.id AND a.location_kind = 'warehouse') AS in_warehouses,"
    "         (SELECT coalesce (sum (a.qty), 0) FROM stock_alert a WHERE a.part_id = p.id) AS on_hand,"
    "         (SELECT count (*) FROM stock_alert a WHERE a.part_id = p.id AND a.alert = 'negative') AS negatives,"
    "         (SELECT count (*) FROM stock_alert a WHERE a.part_id = p.id AND a.alert = 'low') AS low_warehouses"
    "    FROM part p"
    "   WHERE (?1 IS NULL OR " FL_STOCK_PART_MATCH ("?1") "))"
    " SELECT *, CASE WHEN negatives > 0 THEN 'negative'"
    "                WHEN low_warehouses > 0 THEN 'low' ELSE '' END AS alert"
    "   FROM totals"
    "  WHERE (?2 IS NULL OR negatives > 0 OR low_warehouses > 0)"
    "  ORDER BY sku";
}

gboolean
fl_stock_count_alerts (FlDb *db, const char *site_id, FlStockAlertCounts *out, GError **error)
{
  g_return_val_if_fail (FL_IS_DB (db), FALSE);
  g_return_val_if_fail (out != NULL, FALSE);

  const char *params[] = { site_id };
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "WITH " STOCK_ALERT_CTE
      "SELECT count (*) FILTER (WHERE alert = 'negative') AS negative_balances,"
      "       count (*) FILTER (WHERE alert = 'low') AS low_balances,"
      "       count (DISTINCT part_id) FILTER (WHERE alert = 'low') AS low_parts"
      "  FROM stock_alert WHERE ?1 IS NULL OR site_id = ?1", 1, params, error);
  if (rows == NULL)
    return FALSE;
  JsonObject *counts = g_ptr_array_index (rows, 0);
  out->negative_balances = fl_record_get_int (counts, "negative_balances", 0);
  out->low_balances = fl_record_get_int (counts, "low_balances", 0);
  out->low_parts = fl_record_get_int (counts, "low_parts", 0);
  return TRUE;
}

const char *
fl_stock_part_history_sql (void)
{
  return
    "SELECT m.id, m.at, m.kind, m.qty, m.serial, m.supplier_ref, m.reason, m.by,"
    "       f.code AS from_code, t.code AS to_code, w.ref AS work_order_ref"
    "  FROM stock_movement m"
    "  LEFT JOIN stock_location f ON f.id = m.from_location"
    "  LEFT JOIN stock_location t ON t.id = m.to_location"
    "  LEFT JOIN work_order w ON w.id = m.work_order_id"
    " WHERE m.part_id = ?1"
    " ORDER BY m.at DESC, m.id DESC";
}

JsonObject *
fl_stock_find_part (FlDb *db, const char *sku, GError **error)
{
  const char *params[] = { sku };
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT id, sku, name, unit, coalesce (serial_tracked, 0) AS serial_tracked FROM part"
      " WHERE sku = ?1 COLLATE NOCASE ORDER BY sku = ?1 DESC LIMIT 1", 1, params, error);
  if (rows == NULL || rows->len == 0)
    return NULL;
  JsonObject *part = json_object_ref (g_ptr_array_index (rows, 0));
  json_object_set_boolean_member (part, "serial_tracked", fl_record_get_int (part, "serial_tracked", 0) != 0);
  return part;
}

GPtrArray *
fl_stock_list_part_balances (FlDb *db, const char *part_id, GError **error)
{
  const char *params[] = { part_id };
  return fl_query_rows (db,
      "SELECT l.code AS location_code, b.qty FROM stock_balance b"
      "  JOIN stock_location l ON l.id = b.location_id"
      " WHERE b.part_id = ?1 AND b.qty <> 0 ORDER BY l.kind = 'warehouse' DESC, l.code",
      1, params, error);
}

GPtrArray *
fl_stock_list_locations (FlDb *db, const char *van_owner, const char *kinds, GError **error)
{
  const char *params[] = { van_owner, kinds };
  return fl_query_rows (db,
      "SELECT id, code || ' · ' || name AS label FROM stock_location"
      " WHERE (?1 IS NULL OR (kind = 'van' AND owner = ?1))"
      "   AND (?2 IS NULL OR instr (',' || ?2 || ',', ',' || kind || ',') > 0)"
      " ORDER BY kind = 'warehouse' DESC, code", 2, params, error);
}

GPtrArray *
fl_stock_list_expected (FlDb *db, const char *location_id, GError **error)
{
  const char *params[] = { location_id };
  return fl_query_rows (db,
      "SELECT p.id AS part_id, p.sku, p.name, p.unit, b.qty FROM stock_balance b"
      "  JOIN part p ON p.id = b.part_id"
      " WHERE b.location_id = ?1 AND b.qty <> 0 ORDER BY p.sku", 1, params, error);
}
