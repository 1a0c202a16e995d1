#include "fl-replica-schema.h"

#include "fl-schema.h"
#include "fl-stock.h"

gboolean
fl_model_create_tables (FlDb *db, GError **error)
{
  g_autofree char *sql = fl_schema_create_sql ();
  return fl_db_exec (db, sql, error) && fl_db_exec (db, fl_stock_schema_sql (), error);
}

/* The search index is a trigram FTS5 table (substring search that works for
 * Chinese text, which has no spaces between words).  FTS5 flushes its
 * pending terms at every statement savepoint, so keeping it row by row costs
 * ~6x the insert itself; bulk loads (a snapshot) pause the triggers and
 * rebuild the index once at the end. */

/* Tables only a replica has: its settings, the outbox of local mutations
 * waiting to be pushed (with the server's answer once pushed), the per-device
 * reference counters and the full-text index of work orders. */
static const char replica_local_sql[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) STRICT;\n"
  "CREATE TABLE outbox (\n"
  "  mid INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  table_name TEXT NOT NULL,\n"
  "  row_id TEXT NOT NULL,\n"
  "  op TEXT NOT NULL CHECK (op IN ('insert', 'update', 'append')),\n"
  "  at TEXT NOT NULL,\n"
  "  body TEXT NOT NULL,\n"
  "  state TEXT NOT NULL DEFAULT 'pending'\n"
  "    CHECK (state IN ('pending', 'applied', 'merged', 'conflict', 'rejected', 'discarded')),\n"
  "  error TEXT,\n"
  "  result TEXT\n"
  ") STRICT;\n"
  "CREATE INDEX outbox_row ON outbox (table_name, row_id);\n"
  "CREATE INDEX outbox_state ON outbox (state, mid);\n"
  "CREATE TABLE ref_sequence (prefix TEXT PRIMARY KEY NOT NULL, last INTEGER NOT NULL) STRICT;\n"
  "CREATE INDEX work_order_status ON work_order (status, resolve_due);\n"
  "CREATE INDEX work_order_assignee ON work_order (assignee, status);\n"
  "CREATE INDEX work_order_created ON work_order (created_at);\n"
  "CREATE VIRTUAL TABLE work_order_fts USING fts5 (\n"
  "  ref, title, description, resolution, content = 'work_order', content_rowid = 'rowid',\n"
  "  tokenize = 'trigram');\n"
  "CREATE TRIGGER work_order_fts_insert AFTER INSERT ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused') BEGIN\n"
  "  INSERT INTO work_order_fts (rowid, ref, title, description, resolution)\n"
  "    VALUES (NEW.rowid, NEW.ref, NEW.title, NEW.description, NEW.resolution);\n"
  "END;\n"
  "CREATE TRIGGER work_order_fts_delete AFTER DELETE ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused') BEGIN\n"
  "  INSERT INTO work_order_fts (work_order_fts, rowid, ref, title, description, resolution)\n"
  "    VALUES ('delete', OLD.rowid, OLD.ref, OLD.title, OLD.description, OLD.resolution);\n"
  "END;\n"
  "CREATE TRIGGER work_order_fts_update AFTER UPDATE OF ref, title, description, resolution ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused') BEGIN\n"
  "  INSERT INTO work_order_fts (work_order_fts, rowid, ref, title, description, resolution)\n"
  "    VALUES ('delete', OLD.rowid, OLD.ref, OLD.title, OLD.description, OLD.resolution);\n"
  "  INSERT INTO work_order_fts (rowid, ref, title, description, resolution)\n"
  "    VALUES (NEW.rowid, NEW.ref, NEW.title, NEW.description, NEW.resolution);\n"
  "END;\n";

gboolean
fl_replica_pause_search_index (FlDb *db, GError **error)
{
  return fl_db_set_meta (db, "search_index_paused", "1", error);
}

gboolean
fl_replica_resume_search_index (FlDb *db, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "DELETE FROM meta WHERE key = 'search_index_paused'", error);
  if (stmt == NULL || !fl_stmt_step_done (db, stmt, error))
    return FALSE;
  return fl_db_exec (db, "INSERT INTO work_order_fts (work_order_fts) VALUES ('rebuild')", error);
}

static gboolean
create_replica (FlDb *db, GError **error)
{
  return fl_model_create_tables (db, error) && fl_db_exec (db, replica_local_sql, error);
}

static const FlMigration replica_migrations[] = {
  { 1, NULL, create_replica },
};

const FlMigration *
fl_replica_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (replica_migrations);
  return replica_migrations;
}
