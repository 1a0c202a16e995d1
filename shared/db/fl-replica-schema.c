#include "fl-replica-schema.h"

#include "fl-record-store.h"

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
  return fl_db_exec (db, "INSERT INTO work_order_fts (work_order_fts) VALUES ('rebuild');"
                         "INSERT INTO work_order_grams (work_order_grams) VALUES ('rebuild')", error);
}

#define META_APPLYING "sync_applying"

gboolean
fl_replica_set_applying (FlDb *db, gboolean applying, GError **error)
{
  if (applying)
    return fl_db_set_meta (db, META_APPLYING, "1", error);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "DELETE FROM meta WHERE key = '" META_APPLYING "'", error);
  return stmt != NULL && fl_stmt_step_done (db, stmt, error);
}

static gboolean
create_replica (FlDb *db, GError **error)
{
  return fl_model_create_tables (db, error) && fl_db_exec (db, replica_local_sql, error);
}

/* The shadow of mutable table `name`: a copy of its columns, and the
 * trigger that takes the server's version before the first local update. */
static void
append_shadow_sql (GString *sql, const char *name)
{
  g_string_append_printf (sql,
      "CREATE TABLE \"sync_shadow_%s\" AS SELECT * FROM \"%s\" WHERE 0;\n"
      "CREATE UNIQUE INDEX \"sync_shadow_%s_id\" ON \"sync_shadow_%s\" (id);\n"
      "CREATE TRIGGER \"%s_sync_shadow\" BEFORE UPDATE ON \"%s\"\n"
      "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = '" META_APPLYING "') BEGIN\n"
      "  INSERT OR IGNORE INTO \"sync_shadow_%s\" SELECT * FROM \"%s\" WHERE id = OLD.id;\n"
      "END;\n",
      name, name, name, name, name, name, name, name);
}

/* Migration 2: what the sync engine keeps beside the model.
 *
 * A shadow table per mutable table holds the server's version of a row
 * while local updates of it wait to be pushed: the local row is always the
 * shadow with the pending changes on top.  The shadow is taken by a trigger
 * just before the first local update of a row (so every write path through
 * the change log gets one), and the sync engine moves it along with what
 * the server answers and what it pulls; its writes set the meta key
 * `sync_applying`, inside their transaction, so they do not take shadows.
 * `outbox.resolution` records what the user did about a conflict or a
 * rejection (kept_mine, kept_theirs, retried, discarded); the server's answer
 * stays in `state`.  `sync_blob` remembers which blobs the server has. */
static gboolean
add_sync_state (FlDb *db, GError **error)
{
  g_autoptr(GString) sql = g_string_new (
      "ALTER TABLE outbox ADD COLUMN resolution TEXT;\n"
      "ALTER TABLE outbox ADD COLUMN resolved_at TEXT;\n"
      "CREATE INDEX outbox_unresolved ON outbox (state) WHERE resolution IS NULL;\n"
      "CREATE TABLE sync_blob (sha256 TEXT PRIMARY KEY NOT NULL, uploaded INTEGER NOT NULL DEFAULT 0) STRICT;\n");
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    if (tables[i]->kind == FL_TABLE_MUTABLE)
      append_shadow_sql (sql, tables[i]->name);
  return fl_db_exec (db, sql->str, error);
}

/* Migration 3: the search index is kept only when an indexed value really
 * changes.  Rows are written whole, so an "UPDATE OF title" trigger fires
 * for every pulled or rebased row; re-indexing an unchanged title costs
 * more than the rest of the write. */
static const char search_index_when_changed_sql[] =
  "DROP TRIGGER work_order_fts_update;\n"
  "CREATE TRIGGER work_order_fts_update AFTER UPDATE OF ref, title, description, resolution ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused')\n"
  "   AND (OLD.ref IS NOT NEW.ref OR OLD.title IS NOT NEW.title OR\n"
  "        OLD.description IS NOT NEW.description OR OLD.resolution IS NOT NEW.resolution) BEGIN\n"
  "  INSERT INTO work_order_fts (work_order_fts, rowid, ref, title, description, resolution)\n"
  "    VALUES ('delete', OLD.rowid, OLD.ref, OLD.title, OLD.description, OLD.resolution);\n"
  "  INSERT INTO work_order_fts (rowid, ref, title, description, resolution)\n"
  "    VALUES (NEW.rowid, NEW.ref, NEW.title, NEW.description, NEW.resolution);\n"
  "END;\n";

static gboolean
table_exists (FlDb *db, const char *name, gboolean *exists, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT 1 FROM sqlite_schema WHERE type = 'table' AND name = ?1",
                                          error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, name, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_row (db, stmt, exists, error);
}

/* The model's tables as this program has them, in the tables and in the
 * sync engine's shadows: a mutable table new to this replica gets its
 * shadow, an existing shadow the new columns (in the table's order, so
 * the trigger's SELECT * still fits).  Migration 4 (the service levels)
 * and, after the numbered migrations, every change of the model. */
static gboolean
upgrade_model (FlDb *db, GError **error)
{
  if (!fl_model_upgrade_tables (db, error))
    return FALSE;
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      if (tables[i]->kind != FL_TABLE_MUTABLE)
        continue;
      g_autofree char *shadow = g_strdup_printf ("sync_shadow_%s", tables[i]->name);
      gboolean exists = FALSE;
      if (!table_exists (db, shadow, &exists, error))
        return FALSE;
      if (exists && !fl_model_add_new_columns (db, tables[i], shadow, error))
        return FALSE;
      if (!exists)
        {
          g_autoptr(GString) sql = g_string_new (NULL);
          append_shadow_sql (sql, tables[i]->name);
          if (!fl_db_exec (db, sql->str, error))
            return FALSE;
        }
    }
  return TRUE;
}

/* Migration 5: words of one or two characters (a Chinese word, a short
 * code) through an index too.  Trigrams cannot hold them, so a second
 * table keeps every character and every pair of the reference and the
 * title (fl-gram-tokenizer.h); rowids only (detail=none), since each such
 * word is one token.  It is kept and paused like the trigram index. */
static const char short_word_index_sql[] =
  "CREATE VIRTUAL TABLE work_order_grams USING fts5 (\n"
  "  ref, title, content = 'work_order', content_rowid = 'rowid',\n"
  "  tokenize = 'fl_grams', detail = 'none');\n"
  "CREATE TRIGGER work_order_grams_insert AFTER INSERT ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused') BEGIN\n"
  "  INSERT INTO work_order_grams (rowid, ref, title) VALUES (NEW.rowid, NEW.ref, NEW.title);\n"
  "END;\n"
  "CREATE TRIGGER work_order_grams_delete AFTER DELETE ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused') BEGIN\n"
  "  INSERT INTO work_order_grams (work_order_grams, rowid, ref, title)\n"
  "    VALUES ('delete', OLD.rowid, OLD.ref, OLD.title);\n"
  "END;\n"
  "CREATE TRIGGER work_order_grams_update AFTER UPDATE OF ref, title ON work_order\n"
  "  WHEN NOT EXISTS (SELECT 1 FROM meta WHERE key = 'search_index_paused')\n"
  "   AND (OLD.ref IS NOT NEW.ref OR OLD.title IS NOT NEW.title) BEGIN\n"
  "  INSERT INTO work_order_grams (work_order_grams, rowid, ref, title)\n"
  "    VALUES ('delete', OLD.rowid, OLD.ref, OLD.title);\n"
  "  INSERT INTO work_order_grams (rowid, ref, title) VALUES (NEW.rowid, NEW.ref, NEW.title);\n"
  "END;\n"
  "INSERT INTO work_order_grams (work_order_grams) VALUES ('rebuild');\n";

static const FlMigration replica_migrations[] = {
  { 1, NULL, create_replica },
  { 2, NULL, add_sync_state },
  { 3, search_index_when_changed_sql, NULL },
  { 4, NULL, upgrade_model },
  { 5, short_word_index_sql, NULL },
};

const FlMigration *
fl_replica_migrations (guint *n_migrations)
{
  *n_migrations = G_N_ELEMENTS (replica_migrations);
  return replica_migrations;
}

FlDb *
fl_db_open_replica (const char *path, GError **error)
{
  guint n = 0;
  const FlMigration *migrations = fl_replica_migrations (&n);
  g_autoptr(FlDb) db = fl_db_open (path, migrations, n, error);
  g_autofree char *digest = fl_schema_digest (NULL);
  if (db == NULL || !fl_model_upgrade_when_changed (db, digest, upgrade_model, error))
    return NULL;
  return g_steal_pointer (&db);
}
