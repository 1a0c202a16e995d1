#include <inttypes.h>
#include "fl-stock-ledger.h"

#include <glib/gi18n-lib.h>

#include "fl-stock-movement.h"

/* The balance follows the ledger by construction: every movement adds its
 * quantity at its destination and takes it from its source.  Movements are
 * never updated; a row removed from a replica (it left the user's scope)
 * takes its effect with it, so the balance stays the sum of what is there. */
const char *
fl_stock_schema_sql (void)
{
  return
    "CREATE TABLE stock_balance (\n"
    "  location_id TEXT NOT NULL,\n"
    "  part_id TEXT NOT NULL,\n"
    "  qty INTEGER NOT NULL DEFAULT 0,\n"
    "  PRIMARY KEY (location_id, part_id)\n"
    ") STRICT, WITHOUT ROWID;\n"
    "CREATE INDEX stock_balance_part ON stock_balance (part_id);\n"
    "CREATE TRIGGER stock_movement_post AFTER INSERT ON stock_movement BEGIN\n"
    "  INSERT INTO stock_balance (location_id, part_id, qty)\n"
    "    SELECT NEW.to_location, NEW.part_id, NEW.qty WHERE NEW.to_location IS NOT NULL\n"
    "    ON CONFLICT (location_id, part_id) DO UPDATE SET qty = qty + excluded.qty;\n"
    "  INSERT INTO stock_balance (location_id, part_id, qty)\n"
    "    SELECT NEW.from_location, NEW.part_id, -NEW.qty WHERE NEW.from_location IS NOT NULL\n"
    "    ON CONFLICT (location_id, part_id) DO UPDATE SET qty = qty + excluded.qty;\n"
    "END;\n"
    "CREATE TRIGGER stock_movement_forget AFTER DELETE ON stock_movement BEGIN\n"
    "  UPDATE stock_balance SET qty = qty - OLD.qty\n"
    "    WHERE location_id = OLD.to_location AND part_id = OLD.part_id;\n"
    "  UPDATE stock_balance SET qty = qty + OLD.qty\n"
    "    WHERE location_id = OLD.from_location AND part_id = OLD.part_id;\n"
    "END;\n"
    "CREATE TRIGGER stock_movement_append_only BEFORE UPDATE ON stock_movement BEGIN\n"
    "  SELECT RAISE (ABORT, 'the stock ledger is append-only');\n"
    "END;\n"
    "CREATE TRIGGER stock_balance_derived BEFORE UPDATE OF location_id, part_id ON stock_balance BEGIN\n"
    "  SELECT RAISE (ABORT, 'stock balances are derived from the ledger');\n"
    "END;\n";
}

gint64
fl_stock_balance (FlDb *db, const char *location_id, const char *part_id, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT qty FROM stock_balance WHERE location_id = ? AND part_id = ?", error);
  gboolean has_row;
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, location_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, part_id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error) || !has_row)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

gboolean
fl_stock_serial_location (FlDb *db, const char *part_id, const char *serial,
                          char **location_id, char **location_code, GError **error)
{
  g_return_val_if_fail (location_id != NULL && location_code != NULL, FALSE);
  *location_id = *location_code = NULL;
  /* Where its latest movement took it: NULL once used or scrapped. */
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT m.to_location, l.code FROM stock_movement m"
      "  LEFT JOIN stock_location l ON l.id = m.to_location"
      " WHERE m.part_id = ?1 AND m.serial = ?2 ORDER BY m.at DESC, m.id DESC LIMIT 1", error);
  gboolean has_row;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, part_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, serial, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return FALSE;
  if (has_row && sqlite3_column_type (stmt, 0) != SQLITE_NULL)
    {
      *location_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
      *location_code = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
    }
  return TRUE;
}

gint64
fl_stock_negative_count (FlDb *db, GError **error)
{
  gint64 n = 0;
  fl_db_query_int64 (db, "SELECT count(*) FROM stock_balance WHERE qty < 0", &n, error);
  return n;
}

gboolean
fl_stock_verify (FlDb *db, GError **error)
{
  static const char sql[] =
    "WITH ledger (location_id, part_id, qty) AS ("
    "  SELECT location_id, part_id, sum(qty) FROM ("
    "    SELECT to_location AS location_id, part_id, qty FROM stock_movement WHERE to_location IS NOT NULL"
    "    UNION ALL"
    "    SELECT from_location, part_id, -qty FROM stock_movement WHERE from_location IS NOT NULL)"
    "  GROUP BY location_id, part_id) "
    "SELECT coalesce (l.location_id, b.location_id), coalesce (l.part_id, b.part_id),"
    "       coalesce (l.qty, 0), coalesce (b.qty, 0)"
    "  FROM ledger l FULL OUTER JOIN stock_balance b"
    "    ON b.location_id = l.location_id AND b.part_id = l.part_id"
    " WHERE coalesce (l.qty, 0) <> coalesce (b.qty, 0) LIMIT 1";
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  gboolean has_row;
  if (stmt == NULL || !fl_stmt_step_row (db, stmt, &has_row, error))
    return FALSE;
  if (has_row)
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                   _("The balance of part %s at %s is %" PRId64
                     " but its ledger adds up to %" PRId64),
                   sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 0),
                   (gint64) sqlite3_column_int64 (stmt, 3), (gint64) sqlite3_column_int64 (stmt, 2));
      return FALSE;
    }
  return TRUE;
}
