#include <inttypes.h>
#include "fl-sqlite-store-db.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <string.h>

#include "fl-ids.h"
#include "fl-record-store.h"
#include "fl-stock-ledger.h"
#include "fl-store-backend.h"
#include "fl-workflow.h"
#include "fl-time.h"

struct _FlSqliteStore
{
  GObject     parent_instance;
  FlDb       *db;
  char       *id;
  GHashTable *sql;       /* "kind:table" -> SQL text built from the schema */
  GHashTable *children;  /* table name -> GPtrArray of FlTable* scoped through it */
};

static void fl_sqlite_store_iface_init (FlStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlSqliteStore, fl_sqlite_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_STORE, fl_sqlite_store_iface_init))

/* The server's own tables beside the model.  Times are usec integers.
 * `user` rows of the model (login, role, sites, disabled) are pulled by
 * every client; the password hashes stay in `user_password`, which no pull
 * or snapshot ever reads. */
static const char server_tables_sql[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY NOT NULL, value TEXT) STRICT;\n"
  "CREATE INDEX work_order_status ON work_order (status, resolve_due);\n"
  /* Natural keys that imports, sign-in and `audit --id` look rows up by. */
  "CREATE INDEX work_order_ref ON work_order (ref);\n"
  "CREATE INDEX ci_code ON ci (code);\n"
  "CREATE INDEX part_sku ON part (sku);\n"
  "CREATE INDEX stock_location_code ON stock_location (code);\n"
  "CREATE TABLE user_password (\n"
  "  user_id TEXT PRIMARY KEY NOT NULL,\n"
  "  hash TEXT NOT NULL\n"
  ") STRICT;\n"
  "CREATE TABLE devices (\n"
  "  id TEXT PRIMARY KEY NOT NULL,\n"
  "  user_id TEXT NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  code TEXT NOT NULL UNIQUE COLLATE NOCASE,\n"
  "  created_at INTEGER NOT NULL,\n"
  "  last_seen INTEGER NOT NULL DEFAULT 0,\n"
  "  revoked INTEGER NOT NULL DEFAULT 0\n"
  ") STRICT;\n"
  "CREATE INDEX devices_user ON devices (user_id);\n"
  "CREATE TABLE tokens (\n"
  "  hash TEXT PRIMARY KEY NOT NULL,\n"
  "  device_id TEXT NOT NULL REFERENCES devices (id),\n"
  "  expires_at INTEGER NOT NULL,\n"
  "  revoked INTEGER NOT NULL DEFAULT 0\n"
  ") STRICT;\n"
  "CREATE INDEX tokens_device ON tokens (device_id);\n"
  "CREATE TABLE device_results (\n"
  "  device_id TEXT NOT NULL,\n"
  "  mid INTEGER NOT NULL,\n"
  "  result TEXT NOT NULL,\n"
  "  PRIMARY KEY (device_id, mid)\n"
  ") STRICT, WITHOUT ROWID;\n"
  /* One entry per row, moved to a new seq at every change (delete + insert),
   * so paging through seq order never skips nor repeats a row. */
  "CREATE TABLE changes (\n"
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  table_name TEXT NOT NULL,\n"
  "  row_id TEXT NOT NULL,\n"
  "  sites TEXT NOT NULL DEFAULT '[]',\n"
  "  gone_sites TEXT NOT NULL DEFAULT '[]',\n"
  "  at INTEGER NOT NULL,\n"
  "  UNIQUE (table_name, row_id)\n"
  ") STRICT;\n"
  "CREATE TABLE audit (\n"
  "  seq INTEGER PRIMARY KEY AUTOINCREMENT,\n"
  "  at INTEGER NOT NULL,\n"
  "  actor TEXT,\n"
  "  device TEXT,\n"
  "  action TEXT NOT NULL,\n"
  "  table_name TEXT,\n"
  "  row_id TEXT,\n"
  "  detail TEXT\n"
  ") STRICT;\n"
  "CREATE INDEX audit_row ON audit (table_name, row_id, seq);\n"
  "CREATE TABLE login_attempts (\n"
  "  id INTEGER PRIMARY KEY,\n"
  "  login TEXT NOT NULL,\n"
  "  peer TEXT NOT NULL,\n"
  "  at INTEGER NOT NULL,\n"
  "  success INTEGER NOT NULL\n"
  ") STRICT;\n"
  "CREATE INDEX login_attempts_key ON login_attempts (login, peer, at);\n";

static gboolean
create_unique_indexes (FlDb *db, GError **error)
{
  guint n_unique;
  const FlStoreUniqueColumn *unique_columns = fl_store_unique_columns (&n_unique);
  for (guint i = 0; i < n_unique; i++)
    {
      g_autofree char *sql = g_strdup_printf ("CREATE UNIQUE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\" (\"%s\")",
                                              unique_columns[i].table, unique_columns[i].column,
                                              unique_columns[i].table, unique_columns[i].column);
      if (!fl_db_exec (db, sql, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
create_server (FlDb *db, GError **error)
{
  char id[37];
  fl_uuid7_generate (id);
  return fl_model_create_tables (db, error) && fl_db_exec (db, server_tables_sql, error) &&
         create_unique_indexes (db, error) && fl_db_set_meta (db, "store_id", id, error);
}

/* After the numbered migrations, whenever the model (or its unique
 * columns) changed: new tables and columns, new unique indexes. */
static gboolean
upgrade_model (FlDb *db, GError **error)
{
  return fl_model_upgrade_tables (db, error) && create_unique_indexes (db, error);
}

/* After a failed write of `row`: a clash on a unique column becomes
 * FL_STORE_ERROR_EXISTS naming the field and value, in place of the
 * database's own words. */
static void
explain_unique_clash (FlSqliteStore *self, const FlTable *table, JsonObject *row, GError **error)
{
  guint n_unique;
  const FlStoreUniqueColumn *unique_columns = fl_store_unique_columns (&n_unique);
  if (sqlite3_extended_errcode (fl_db_handle (self->db)) != SQLITE_CONSTRAINT_UNIQUE || error == NULL)
    return;
  for (guint i = 0; i < n_unique; i++)
    if (strcmp (unique_columns[i].table, table->name) == 0)
      {
        g_clear_error (error);
        fl_store_set_unique_clash (error, table, row, unique_columns[i].column);
        return;
      }
}

/* Migration 2 adds what the model gained since (the service levels); later
 * model changes need no migration (upgrade_model). */
static const FlMigration server_migrations[] = {
  { 1, NULL, create_server },
  { 2, NULL, fl_model_upgrade_tables },
};

static void
fl_sqlite_store_finalize (GObject *object)
{
  FlSqliteStore *self = FL_SQLITE_STORE (object);
  g_clear_object (&self->db);
  g_free (self->id);
  g_hash_table_unref (self->sql);
  g_hash_table_unref (self->children);
  G_OBJECT_CLASS (fl_sqlite_store_parent_class)->finalize (object);
}

static void
fl_sqlite_store_class_init (FlSqliteStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_sqlite_store_finalize;
}

static void
fl_sqlite_store_init (FlSqliteStore *self)
{
  self->sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->children = fl_store_scope_children ();
}

FlSqliteStore *
fl_sqlite_store_open (const char *path, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlDb) db = fl_db_open (path, server_migrations, G_N_ELEMENTS (server_migrations),
                                   &local_error);
  g_autofree char *digest = fl_store_model_digest ();
  if (db == NULL || !fl_model_upgrade_when_changed (db, digest, upgrade_model, &local_error))
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN, "%s", local_error->message);
      return NULL;
    }
  FlSqliteStore *self = g_object_new (FL_TYPE_SQLITE_STORE, NULL);
  self->db = g_steal_pointer (&db);
  self->id = fl_db_get_meta (self->db, "store_id");
  return self;
}

FlDb *
fl_sqlite_store_get_db (FlSqliteStore *self)
{
  g_return_val_if_fail (FL_IS_SQLITE_STORE (self), NULL);
  return self->db;
}

/* SQL built once per table from the static schema description: only
 * identifiers go into the text, values are always bound. */
typedef enum {
  SQL_HEAD,          /* version and created_at of a row */
  SQL_FIND,          /* a row by one column (column name appended to the key) */
  SQL_ALL,           /* every row */
  SQL_OPEN,          /* every open work order */
  SQL_SCOPED,        /* every row visible at the sites bound as ?1 (JSON array) */
  SQL_COUNT,
  SQL_CHILDREN,      /* ids of rows whose column (appended) is ?1 */
} SqlKind;

static const char *
table_sql (FlSqliteStore *self, SqlKind kind, const FlTable *table, const char *column)
{
  char key[160];
  g_snprintf (key, sizeof key, "%d:%s:%s", kind, table->name, column != NULL ? column : "");
  const char *sql = g_hash_table_lookup (self->sql, key);
  if (sql != NULL)
    return sql;
  const char *list = fl_record_select_list (table);
  char *text = NULL;
  switch (kind)
    {
    case SQL_HEAD:
      text = g_strdup_printf ("SELECT version, created_at FROM \"%s\" WHERE id = ?", table->name);
      break;
    case SQL_FIND:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE \"%s\" = ? ORDER BY rowid LIMIT 1",
                              list, table->name, column);
      break;
    case SQL_ALL:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" ORDER BY rowid", list, table->name);
      break;
    case SQL_OPEN:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE status IN " FL_WO_OPEN_STATUSES_SQL " ORDER BY rowid",
                              list, table->name);
      break;
    case SQL_SCOPED:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id IN ("
                              "SELECT row_id FROM changes WHERE table_name = '%s' AND ("
                              "sites = '[]' OR EXISTS (SELECT 1 FROM json_each (changes.sites) AS s "
                              "WHERE s.value IN (SELECT value FROM json_each (?1))))) "
                              "ORDER BY rowid",
                              list, table->name, table->name);
      break;
    case SQL_COUNT:
      text = g_strdup_printf ("SELECT COUNT(*) FROM \"%s\"", table->name);
      break;
    case SQL_CHILDREN:
      text = g_strdup_printf ("SELECT id FROM \"%s\" WHERE \"%s\" = ?", table->name, column);
      break;
    }
  g_hash_table_insert (self->sql, g_strdup (key), text);
  return text;
}

/* ---- helpers ---- */

/* Site lists are JSON arrays of ids, so SQL can read them with json_each.
 * They are written and read on every stored row: by hand, since ids are
 * plain characters (fl_record_validate checks references), with JSON-GLib
 * as the fallback for anything else. */
static gboolean
not_found (GError **error, const char *format, const char *what)
{
  g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, format, what);
  return FALSE;
}

/* A read transaction when none is open: every query in it sees one
 * consistent state, and in WAL mode it never blocks the writer.  Returns
 * whether it opened one (to be closed by end_read). */
static gboolean
begin_read (FlSqliteStore *self, gboolean *opened, GError **error)
{
  *opened = FALSE;
  if (fl_db_transaction_depth (self->db) > 0 || !sqlite3_get_autocommit (fl_db_handle (self->db)))
    return TRUE;
  if (!fl_db_exec (self->db, "BEGIN DEFERRED", error))
    return FALSE;
  *opened = TRUE;
  return TRUE;
}

static void
end_read (FlSqliteStore *self, gboolean opened)
{
  if (opened && !sqlite3_get_autocommit (fl_db_handle (self->db)))
    fl_db_exec (self->db, "COMMIT", NULL);
}

/* ---- FlStore: connection ---- */

static FlStore *
sqlite_reopen (FlStore *store, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  return FL_STORE (fl_sqlite_store_open (fl_db_path (self->db), error));
}

static const char *
sqlite_get_id (FlStore *store)
{
  return FL_SQLITE_STORE (store)->id;
}

static int
sqlite_schema_version (FlStore *store)
{
  return fl_db_schema_version (FL_SQLITE_STORE (store)->db);
}

static gboolean
sqlite_check (FlStore *store, GError **error)
{
  gint64 n;
  return fl_db_query_int64 (FL_SQLITE_STORE (store)->db, "SELECT COUNT(*) FROM meta", &n, error);
}

static gboolean
sqlite_verify (FlStore *store, GError **error)
{
  return fl_stock_verify (FL_SQLITE_STORE (store)->db, error);
}

/* Every connection keeps a page cache of its own (64 MiB each by default)
 * while the OS caches the file for all of them, so the many readers get
 * small ones; the writer never checkpoints the WAL itself (maintain does). */
static void
sqlite_set_use (FlStore *store, FlStoreUse use)
{
  g_autoptr(GError) error = NULL;
  if (!fl_db_exec (FL_SQLITE_STORE (store)->db,
                   use == FL_STORE_USE_WRITER ? "PRAGMA cache_size = -16384; PRAGMA wal_autocheckpoint = 0"
                                              : "PRAGMA cache_size = -2048", &error))
    g_warning ("%s", error->message);
}

/* PASSIVE: never waits for readers or the writer. */
static gboolean
sqlite_maintain (FlStore *store, GError **error)
{
  return fl_db_exec (FL_SQLITE_STORE (store)->db, "PRAGMA wal_checkpoint(PASSIVE)", error);
}

/* sqlite3_backup copies every page in one step, under one read transaction
 * of the source: in WAL mode the server keeps writing meanwhile, and the
 * copy is the state at the step's start.  It is written beside the target
 * and renamed, so a file under the target name is always complete. */
static gboolean
sqlite_backup (FlStore *store, const char *dest_path, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autofree char *partial = g_strconcat (dest_path, ".partial", NULL);
  sqlite3 *dest = NULL;
  g_unlink (partial);
  int rc = sqlite3_open_v2 (partial, &dest, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, NULL);
  if (rc == SQLITE_OK)
    {
      sqlite3_backup *backup = sqlite3_backup_init (dest, "main", fl_db_handle (self->db), "main");
      if (backup == NULL)
        rc = sqlite3_errcode (dest);
      else
        {
          do
            {
              rc = sqlite3_backup_step (backup, -1);
              if (rc == SQLITE_BUSY || rc == SQLITE_LOCKED)
                g_usleep (50 * 1000);
            }
          while (rc == SQLITE_OK || rc == SQLITE_BUSY || rc == SQLITE_LOCKED);
          rc = sqlite3_backup_finish (backup);
        }
    }
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (dest, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED,
                   _("Could not back up the database to “%s”: %s"), dest_path,
                   dest != NULL ? sqlite3_errmsg (dest) : sqlite3_errstr (rc));
      sqlite3_close (dest);
      g_unlink (partial);
      return FALSE;
    }
  sqlite3_close (dest);
  if (g_rename (partial, dest_path) != 0)
    {
      int saved = errno;
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED,
                   _("Could not back up the database to “%s”: %s"), dest_path, g_strerror (saved));
      g_unlink (partial);
      return FALSE;
    }
  return TRUE;
}

/* ---- transactions ---- */

static gboolean
sqlite_begin (FlStore *store, GError **error)
{
  return fl_db_begin (FL_SQLITE_STORE (store)->db, error);
}

static gboolean
sqlite_commit (FlStore *store, GError **error)
{
  return fl_db_commit (FL_SQLITE_STORE (store)->db, error);
}

static void
sqlite_rollback (FlStore *store)
{
  fl_db_rollback (FL_SQLITE_STORE (store)->db);
}

/* ---- rows ---- */

static JsonObject *
sqlite_load_row (FlStore *store, const FlTable *table, const char *id, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(GError) local_error = NULL;
  JsonObject *row = fl_record_load (self->db, table, id, &local_error);
  if (row == NULL)
    {
      if (g_error_matches (local_error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND))
        g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, "%s", local_error->message);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return row;
}

static JsonObject *
sqlite_find_row (FlStore *store, const FlTable *table, const char *column, const char *value,
                 GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db, table_sql (self, SQL_FIND, table, column), error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, value, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND,
                   _("No %s with %s “%s”"), table->name, column, value);
      return NULL;
    }
  return fl_record_from_stmt (table, stmt, 0);
}

/* The recorded scope of a row: its change-log entry's sites.  Every row has
 * an entry, kept current when the row or the rows it depends on change. */
static gboolean
recorded_sites (FlSqliteStore *self, const char *table_name, const char *row_id,
                gboolean *found, char **sites, char **gone_sites, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT sites, gone_sites FROM changes WHERE table_name = ? AND row_id = ?", error);
  gboolean has_row;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_STATIC);
  sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return FALSE;
  *found = has_row;
  if (sites != NULL)
    *sites = has_row ? g_strdup ((const char *) sqlite3_column_text (stmt, 0)) : NULL;
  if (gone_sites != NULL)
    *gone_sites = has_row ? g_strdup ((const char *) sqlite3_column_text (stmt, 1)) : NULL;
  return TRUE;
}

/* A row's scope: a site column gives a site; a reference through
 * via_table takes the scope recorded for that row, which was itself
 * resolved the same way when it was stored, so a chain of any length costs
 * one lookup per path.  A reference to a row this store does not hold
 * scopes nothing. */
static GStrv
sqlite_row_sites (FlStore *store, const FlTable *table, JsonObject *row, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(GPtrArray) sites = g_ptr_array_new_with_free_func (g_free);
  for (guint p = 0; p < G_N_ELEMENTS (table->scope); p++)
    {
      const FlScopePath *path = &table->scope[p];
      if (path->column == NULL)
        break;
      const char *value = fl_record_get_string (row, path->column);
      if (value == NULL || *value == '\0')
        continue;
      if (path->via_table == NULL)
        {
          g_ptr_array_add (sites, g_strdup (value));
          continue;
        }
      g_autofree char *parent_sites = NULL;
      gboolean found;
      if (!recorded_sites (self, path->via_table, value, &found, &parent_sites, NULL, error))
        return NULL;
      if (!found)
        continue;
      g_auto(GStrv) list = fl_store_sites_from_json (parent_sites);
      for (guint i = 0; list[i] != NULL; i++)
        g_ptr_array_add (sites, g_strdup (list[i]));
    }
  return fl_store_sorted_unique (sites);
}

static gboolean record_change (FlSqliteStore *self, const FlTable *table, const char *row_id,
                               JsonObject *row, gint64 *out_seq, GError **error);

/* The rows that find their scope through `table`'s row `row_id` are
 * re-recorded with their new scope (and a "gone" for the sites they left). */
static gboolean
rescope_children (FlSqliteStore *self, const FlTable *table, const char *row_id, GError **error)
{
  GPtrArray *children = g_hash_table_lookup (self->children, table->name);
  for (guint c = 0; children != NULL && c < children->len; c++)
    {
      const FlTable *child = children->pdata[c];
      for (guint p = 0; p < G_N_ELEMENTS (child->scope); p++)
        {
          const FlScopePath *path = &child->scope[p];
          if (path->column == NULL)
            break;
          if (g_strcmp0 (path->via_table, table->name) != 0)
            continue;
          /* Ids first: the statement is not reused while recursing. */
          g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
          {
            g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
                table_sql (self, SQL_CHILDREN, child, path->column), error);
            gboolean has_row = TRUE, ok = TRUE;
            if (stmt == NULL)
              return FALSE;
            sqlite3_bind_text (stmt, 1, row_id, -1, SQLITE_TRANSIENT);
            while ((ok = fl_stmt_step_row (self->db, stmt, &has_row, error)) && has_row)
              g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
            if (!ok)
              return FALSE;
          }
          for (guint i = 0; i < ids->len; i++)
            {
              g_autoptr(JsonObject) child_row = sqlite_load_row (FL_STORE (self), child, ids->pdata[i], error);
              if (child_row == NULL ||
                  !record_change (self, child, ids->pdata[i], child_row, NULL, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* Moves the row's change-log entry to a new seq with its current scope. */
static gboolean
record_change (FlSqliteStore *self, const FlTable *table, const char *row_id, JsonObject *row,
               gint64 *out_seq, GError **error)
{
  g_auto(GStrv) sites = sqlite_row_sites (FL_STORE (self), table, row, error);
  g_autofree char *old_sites = NULL, *old_gone = NULL;
  gboolean found;
  if (sites == NULL ||
      !recorded_sites (self, table->name, row_id, &found, &old_sites, &old_gone, error))
    return FALSE;
  g_autofree char *sites_json = fl_store_sites_to_json ((const char * const *) sites);
  g_auto(GStrv) gone = found ? fl_store_gone_after_move (old_sites, old_gone, sites) : g_new0 (char *, 1);
  g_autofree char *gone_json = fl_store_sites_to_json ((const char * const *) gone);

  if (found)
    {
      g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
          "DELETE FROM changes WHERE table_name = ? AND row_id = ?", error);
      if (stmt == NULL)
        return FALSE;
      sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_STATIC);
      sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_TRANSIENT);
      if (!fl_stmt_step_done (self->db, stmt, error))
        return FALSE;
    }
  {
    g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
        "INSERT INTO changes (table_name, row_id, sites, gone_sites, at) VALUES (?, ?, ?, ?, ?)", error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, table->name, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 2, row_id, -1, SQLITE_TRANSIENT);
    sqlite3_bind_text (stmt, 3, sites_json, -1, SQLITE_STATIC);
    sqlite3_bind_text (stmt, 4, gone_json, -1, SQLITE_STATIC);
    sqlite3_bind_int64 (stmt, 5, fl_time_now ());
    if (!fl_stmt_step_done (self->db, stmt, error))
      return FALSE;
  }
  if (out_seq != NULL)
    *out_seq = sqlite3_last_insert_rowid (fl_db_handle (self->db));
  if (found && g_strcmp0 (old_sites, sites_json) != 0)
    return rescope_children (self, table, row_id, error);
  return TRUE;
}

static gboolean
put_row_in_transaction (FlSqliteStore *self, const FlTable *table, JsonObject *row,
                        gint64 *out_seq, GError **error)
{
  const char *id = fl_record_get_string (row, "id");
  gint64 version = 0;
  g_autofree char *created_at = NULL;
  gboolean exists;
  if (id == NULL)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED, _("%s: a row needs an id"), table->name);
      return FALSE;
    }
  {
    g_autoptr(FlStmt) stmt = fl_db_prepare (self->db, table_sql (self, SQL_HEAD, table, NULL), error);
    if (stmt == NULL)
      return FALSE;
    sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
    if (!fl_stmt_step_row (self->db, stmt, &exists, error))
      return FALSE;
    if (exists)
      {
        version = sqlite3_column_int64 (stmt, 0);
        created_at = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
      }
  }
  if (exists && table->kind == FL_TABLE_APPEND_ONLY)
    {
      if (out_seq != NULL)
        *out_seq = 0;
      return TRUE;
    }

  fl_store_stamp_row (row, version, created_at);

  /* The head read above tells which one statement writes the row. */
  if (!(exists ? fl_record_replace (self->db, table, row, error) : fl_record_store (self->db, table, row, NULL, error)))
    {
      explain_unique_clash (self, table, row, error);
      return FALSE;
    }
  return record_change (self, table, id, row, out_seq, error);
}

static gboolean
sqlite_put_row (FlStore *store, const FlTable *table, JsonObject *row, gint64 *out_seq,
                GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  /* In the caller's transaction no savepoint of its own (parsing SAVEPOINT
   * and RELEASE for every row would cost a bulk load a third of its
   * time): a failure there is the caller's to roll back. */
  if (fl_db_transaction_depth (self->db) > 0)
    return put_row_in_transaction (self, table, row, out_seq, error);
  if (!fl_db_begin (self->db, error))
    return FALSE;
  if (!put_row_in_transaction (self, table, row, out_seq, error))
    {
      fl_db_rollback (self->db);
      return FALSE;
    }
  return fl_db_commit (self->db, error);
}

/* Steps a statement over rows of `table`, calling `func` for each. */
static gboolean
stream_rows (FlSqliteStore *self, FlStmt *stmt, const FlTable *table, FlStoreRowFunc func,
             gpointer user_data, GError **error)
{
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) row = fl_record_from_stmt (table, stmt, 0);
      if (!func (table, row, user_data, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fl_db_fail (self->db, error, _("reading"));
  return TRUE;
}

static gboolean
foreach_row_in_read (FlSqliteStore *self, const FlTable *table, const char * const *sites,
                     FlStoreRowFunc func, gpointer user_data, GError **error)
{
  gboolean scoped = sites != NULL && sites[0] != NULL;
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      table_sql (self, scoped ? SQL_SCOPED : SQL_ALL, table, NULL), error);
  if (stmt == NULL)
    return FALSE;
  if (scoped)
    sqlite3_bind_text (stmt, 1, fl_store_sites_to_json (sites), -1, g_free);
  return stream_rows (self, stmt, table, func, user_data, error);
}

static gboolean
sqlite_foreach_row (FlStore *store, const FlTable *table, const char * const *sites,
                    FlStoreRowFunc func, gpointer user_data, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  gboolean ok = foreach_row_in_read (self, table, sites, func, user_data, error);
  end_read (self, opened);
  return ok;
}

static gboolean
sqlite_foreach_open_work_order (FlStore *store, FlStoreRowFunc func, gpointer user_data, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  const FlTable *table = fl_schema_lookup ("work_order");
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db, table_sql (self, SQL_OPEN, table, NULL), error);
  gboolean ok = stmt != NULL && stream_rows (self, stmt, table, func, user_data, error);
  g_clear_pointer (&stmt, fl_stmt_release);
  end_read (self, opened);
  return ok;
}

static gint64
sqlite_count_rows (FlStore *store, const FlTable *table, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  gint64 n = -1;
  if (!fl_db_query_int64 (self->db, table_sql (self, SQL_COUNT, table, NULL), &n, error))
    return -1;
  return n;
}

/* ---- change log ---- */

static gint64
sqlite_last_seq (FlStore *store, GError **error)
{
  gint64 seq = -1;
  if (!fl_db_query_int64 (FL_SQLITE_STORE (store)->db,
                          "SELECT COALESCE(MAX(seq), 0) FROM changes", &seq, error))
    return -1;
  return seq;
}

static gboolean
changes_in_read (FlSqliteStore *self, gint64 cursor, guint limit, const char * const *sites,
                 GPtrArray *changes, gint64 *out_cursor, gboolean *more, GError **error)
{
  gboolean scoped = sites != NULL && sites[0] != NULL;
  gint64 last_seq = sqlite_last_seq (FL_STORE (self), error);
  if (last_seq < 0)
    return FALSE;
  /* The entries that concern the user: rows visible at their sites, and
   * rows that left one of them.  One more than asked tells whether more
   * wait. */
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db, scoped
      ? "SELECT seq, table_name, row_id, sites FROM changes WHERE seq > ?1 AND ("
        "sites = '[]' "
        "OR EXISTS (SELECT 1 FROM json_each (changes.sites) AS s "
        "           WHERE s.value IN (SELECT value FROM json_each (?3))) "
        "OR EXISTS (SELECT 1 FROM json_each (changes.gone_sites) AS g "
        "           WHERE g.value = '*' OR g.value IN (SELECT value FROM json_each (?3)))) "
        "ORDER BY seq LIMIT ?2"
      : "SELECT seq, table_name, row_id, sites FROM changes WHERE seq > ?1 "
        "ORDER BY seq LIMIT ?2", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_int64 (stmt, 1, cursor);
  sqlite3_bind_int64 (stmt, 2, (gint64) limit + 1);
  if (scoped)
    sqlite3_bind_text (stmt, 3, fl_store_sites_to_json (sites), -1, g_free);

  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_store_change_free);
  g_autoptr(GPtrArray) entry_sites = g_ptr_array_new_with_free_func (g_free);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      FlStoreChange *change = g_new0 (FlStoreChange, 1);
      change->seq = sqlite3_column_int64 (stmt, 0);
      change->table = fl_schema_lookup ((const char *) sqlite3_column_text (stmt, 1));
      change->row_id = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
      g_ptr_array_add (entries, change);
      g_ptr_array_add (entry_sites, g_strdup ((const char *) sqlite3_column_text (stmt, 3)));
    }
  if (rc != SQLITE_DONE)
    return fl_db_fail (self->db, error, _("reading the change log"));
  fl_stmt_release (g_steal_pointer (&stmt));

  *more = entries->len > limit;
  if (*more)
    {
      g_ptr_array_set_size (entries, limit);
      g_ptr_array_set_size (entry_sites, limit);
    }
  for (guint i = 0; i < entries->len; i++)
    {
      FlStoreChange *change = entries->pdata[i];
      if (change->table == NULL)
        continue;  /* a table of a newer schema: nothing this version can send */
      g_auto(GStrv) row_sites = fl_store_sites_from_json (entry_sites->pdata[i]);
      if (!fl_store_sites_visible ((const char * const *) row_sites, sites))
        continue;  /* it left the user's sites: `row` stays NULL */
      change->row = sqlite_load_row (FL_STORE (self), change->table, change->row_id, error);
      if (change->row == NULL)
        return FALSE;
    }
  /* Entries of unknown tables are dropped after the cursor moved past them. */
  for (guint i = 0; i < entries->len;)
    if (((FlStoreChange *) entries->pdata[i])->table == NULL)
      g_ptr_array_remove_index (entries, i);
    else
      i++;
  if (*more)
    *out_cursor = ((FlStoreChange *) g_ptr_array_index (entries, entries->len - 1))->seq;
  else
    *out_cursor = MAX (cursor, last_seq);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (changes, g_steal_pointer (&entries->pdata[i]));
  return TRUE;
}

static GPtrArray *
sqlite_changes_since (FlStore *store, gint64 cursor, guint limit, const char * const *sites,
                      gint64 *out_cursor, gboolean *more, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_store_change_free);
  gint64 next_cursor = cursor;
  gboolean has_more = FALSE;
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return NULL;
  gboolean ok = changes_in_read (self, cursor, limit, sites, changes, &next_cursor, &has_more, error);
  end_read (self, opened);
  if (!ok)
    return NULL;
  if (out_cursor != NULL)
    *out_cursor = next_cursor;
  if (more != NULL)
    *more = has_more;
  return g_steal_pointer (&changes);
}

static gboolean
sqlite_snapshot (FlStore *store, const char * const *sites, gint64 *out_cursor,
                 FlStoreRowFunc func, gpointer user_data, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  gint64 seq = sqlite_last_seq (store, error);
  gboolean ok = seq >= 0;
  if (ok && out_cursor != NULL)
    *out_cursor = seq;
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; ok && i < n_tables; i++)
    ok = foreach_row_in_read (self, tables[i], sites, func, user_data, error);
  end_read (self, opened);
  return ok;
}

/* ---- device results ---- */

static gint64
sqlite_device_last_mid (FlStore *store, const char *device_id, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT COALESCE(MAX(mid), 0) FROM device_results WHERE device_id = ?", error);
  gboolean has_row;
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return -1;
  return has_row ? sqlite3_column_int64 (stmt, 0) : 0;
}

static JsonObject *
sqlite_get_result (FlStore *store, const char *device_id, gint64 mid, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT result FROM device_results WHERE device_id = ? AND mid = ?", error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mid);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error) || !has_row)
    return NULL;
  return fl_record_parse ((const char *) sqlite3_column_text (stmt, 0), -1, error);
}

static gboolean
sqlite_put_result (FlStore *store, const char *device_id, gint64 mid, JsonObject *result,
                   GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO device_results (device_id, mid, result) VALUES (?, ?, ?) "
      "ON CONFLICT (device_id, mid) DO UPDATE SET result = excluded.result", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 2, mid);
  sqlite3_bind_text (stmt, 3, fl_record_to_string (result), -1, g_free);
  return fl_stmt_step_done (self->db, stmt, error);
}

/* ---- audit ---- */

static void
bind_text_or_null (FlStmt *stmt, int index, const char *text)
{
  if (text != NULL)
    sqlite3_bind_text (stmt, index, text, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

static gboolean
sqlite_audit (FlStore *store, FlAuditEntry *entry, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO audit (at, actor, device, action, table_name, row_id, detail) "
      "VALUES (?, ?, ?, ?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  if (entry->at == 0)
    entry->at = fl_time_now ();
  sqlite3_bind_int64 (stmt, 1, entry->at);
  bind_text_or_null (stmt, 2, entry->actor);
  bind_text_or_null (stmt, 3, entry->device);
  bind_text_or_null (stmt, 4, entry->action);
  bind_text_or_null (stmt, 5, entry->table_name);
  bind_text_or_null (stmt, 6, entry->row_id);
  if (entry->detail != NULL)
    sqlite3_bind_text (stmt, 7, fl_record_to_string (entry->detail), -1, g_free);
  if (!fl_stmt_step_done (self->db, stmt, error))
    return FALSE;
  entry->seq = sqlite3_last_insert_rowid (fl_db_handle (self->db));
  return TRUE;
}

/* Entries deleted per transaction while pruning: each holds the write
 * lock for a few milliseconds, so pushes go on in between. */
#define PRUNE_BATCH 5000

static gint64
sqlite_prune_audit (FlStore *store, gint64 before, gboolean dry_run, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  /* Found by a read, which never blocks the writer; the deletes then walk
   * the table's key up to the last entry found, not the whole log. */
  g_autoptr(FlStmt) find = fl_db_prepare (self->db,
      "SELECT count(*), COALESCE(max(seq), 0) FROM audit WHERE at < ?", error);
  gboolean has_row;
  if (find == NULL)
    return -1;
  sqlite3_bind_int64 (find, 1, before);
  if (!fl_stmt_step_row (self->db, find, &has_row, error))
    return -1;
  gint64 count = sqlite3_column_int64 (find, 0), last = sqlite3_column_int64 (find, 1);
  if (dry_run || count == 0)
    return count;

  g_autoptr(FlStmt) remove = fl_db_prepare (self->db,
      "DELETE FROM audit WHERE seq IN "
      "(SELECT seq FROM audit WHERE seq <= ?1 AND at < ?2 ORDER BY seq LIMIT ?3)", error);
  if (remove == NULL)
    return -1;
  gint64 removed = 0;
  for (;;)
    {
      sqlite3_reset (remove);
      sqlite3_bind_int64 (remove, 1, last);
      sqlite3_bind_int64 (remove, 2, before);
      sqlite3_bind_int64 (remove, 3, PRUNE_BATCH);
      if (!fl_stmt_step_done (self->db, remove, error))
        return -1;
      int changes = sqlite3_changes (fl_db_handle (self->db));
      removed += changes;
      if (changes < PRUNE_BATCH)
        return removed;
    }
}

static gboolean
sqlite_audit_history (FlStore *store, const char *table_name, const char *row_id,
                      FlStoreAuditFunc func, gpointer user_data, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT seq, at, actor, device, action, table_name, row_id, detail FROM audit "
      "WHERE table_name = ?1 AND (?2 IS NULL OR row_id = ?2) ORDER BY seq", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, table_name, -1, SQLITE_TRANSIENT);
  bind_text_or_null (stmt, 2, row_id);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *detail_text = (const char *) sqlite3_column_text (stmt, 7);
      g_autoptr(JsonObject) detail = detail_text != NULL ? fl_record_parse (detail_text, -1, NULL) : NULL;
      FlAuditEntry entry = {
        .seq = sqlite3_column_int64 (stmt, 0),
        .at = sqlite3_column_int64 (stmt, 1),
        .actor = (const char *) sqlite3_column_text (stmt, 2),
        .device = (const char *) sqlite3_column_text (stmt, 3),
        .action = (const char *) sqlite3_column_text (stmt, 4),
        .table_name = (const char *) sqlite3_column_text (stmt, 5),
        .row_id = (const char *) sqlite3_column_text (stmt, 6),
        .detail = detail,
      };
      if (!func (&entry, user_data, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fl_db_fail (self->db, error, _("reading the audit log"));
  return TRUE;
}

/* ---- accounts ---- */

static char *
sqlite_get_password (FlStore *store, const char *user_id, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT hash FROM user_password WHERE user_id = ?", error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      not_found (error, _("No password is set for the user %s"), user_id);
      return NULL;
    }
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static gboolean
sqlite_set_password (FlStore *store, const char *user_id, const char *hash, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO user_password (user_id, hash) VALUES (?, ?) "
      "ON CONFLICT (user_id) DO UPDATE SET hash = excluded.hash", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, hash, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (self->db, stmt, error);
}

static gboolean
sqlite_put_device (FlStore *store, const FlStoreDevice *device, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO devices (id, user_id, name, code, created_at, last_seen, revoked) "
      "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (id) DO UPDATE SET "
      "user_id = excluded.user_id, name = excluded.name, code = excluded.code, "
      "last_seen = excluded.last_seen, revoked = excluded.revoked", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, device->id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, device->user_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, device->name != NULL ? device->name : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 4, device->code, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 5, device->created_at != 0 ? device->created_at : fl_time_now ());
  sqlite3_bind_int64 (stmt, 6, device->last_seen);
  sqlite3_bind_int (stmt, 7, device->revoked ? 1 : 0);
  if (sqlite3_step (stmt) != SQLITE_DONE)
    {
      if (sqlite3_extended_errcode (fl_db_handle (self->db)) == SQLITE_CONSTRAINT_UNIQUE)
        {
          g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_EXISTS,
                       _("The device code %s is already in use"), device->code);
          return FALSE;
        }
      return fl_db_fail (self->db, error, _("saving a device"));
    }
  return TRUE;
}

static FlStoreDevice *
device_from_stmt (FlStmt *stmt)
{
  FlStoreDevice *device = g_new0 (FlStoreDevice, 1);
  device->id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  device->user_id = g_strdup ((const char *) sqlite3_column_text (stmt, 1));
  device->name = g_strdup ((const char *) sqlite3_column_text (stmt, 2));
  device->code = g_strdup ((const char *) sqlite3_column_text (stmt, 3));
  device->created_at = sqlite3_column_int64 (stmt, 4);
  device->last_seen = sqlite3_column_int64 (stmt, 5);
  device->revoked = sqlite3_column_int (stmt, 6) != 0;
  return device;
}

#define DEVICE_COLUMNS "id, user_id, name, code, created_at, last_seen, revoked"

static FlStoreDevice *
sqlite_load_device (FlStore *store, const char *id_or_code, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT " DEVICE_COLUMNS " FROM devices WHERE id = ?1 OR code = ?1", error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, id_or_code, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      not_found (error, _("No device has the id or code “%s”"), id_or_code);
      return NULL;
    }
  return device_from_stmt (stmt);
}

static gboolean
sqlite_foreach_device (FlStore *store, const char *user_id, FlStoreDeviceFunc func,
                       gpointer user_data, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT " DEVICE_COLUMNS " FROM devices WHERE ?1 IS NULL OR user_id = ?1 "
      "ORDER BY created_at, id", error);
  if (stmt == NULL)
    return FALSE;
  bind_text_or_null (stmt, 1, user_id);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(FlStoreDevice) device = device_from_stmt (stmt);
      if (!func (device, user_data, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fl_db_fail (self->db, error, _("reading devices"));
  return TRUE;
}

static gboolean
sqlite_put_token (FlStore *store, const char *hash, const char *device_id, gint64 expires_at,
                  GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO tokens (hash, device_id, expires_at) VALUES (?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, device_id, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, expires_at);
  return fl_stmt_step_done (self->db, stmt, error);
}

static FlStoreToken *
sqlite_load_token (FlStore *store, const char *hash, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT device_id, expires_at, revoked FROM tokens WHERE hash = ?", error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, hash, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return NULL;
  if (!has_row)
    {
      not_found (error, "%s", _("No such token"));
      return NULL;
    }
  FlStoreToken *token = g_new0 (FlStoreToken, 1);
  token->device_id = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  token->expires_at = sqlite3_column_int64 (stmt, 1);
  token->revoked = sqlite3_column_int (stmt, 2) != 0;
  return token;
}

static gboolean
sqlite_revoke_tokens (FlStore *store, const char *hash, const char *device_id, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "UPDATE tokens SET revoked = 1 WHERE hash = ?1 OR (?1 IS NULL AND device_id = ?2)", error);
  if (stmt == NULL)
    return FALSE;
  bind_text_or_null (stmt, 1, hash);
  bind_text_or_null (stmt, 2, device_id);
  return fl_stmt_step_done (self->db, stmt, error);
}

static gboolean
sqlite_add_login_attempt (FlStore *store, const char *login, const char *peer, gint64 at,
                          gboolean success, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "INSERT INTO login_attempts (login, peer, at, success) VALUES (?, ?, ?, ?)", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, peer, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, at);
  sqlite3_bind_int (stmt, 4, success ? 1 : 0);
  if (!fl_stmt_step_done (self->db, stmt, error))
    return FALSE;
  /* Attempts older than a day tell nothing any more. */
  g_autoptr(FlStmt) prune = fl_db_prepare (self->db,
      "DELETE FROM login_attempts WHERE at < ?", error);
  if (prune == NULL)
    return FALSE;
  sqlite3_bind_int64 (prune, 1, at - G_TIME_SPAN_DAY);
  return fl_stmt_step_done (self->db, prune, error);
}

static gint64
sqlite_count_login_failures (FlStore *store, const char *login, const char *peer, gint64 since,
                             GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT COUNT(*) FROM login_attempts WHERE login = ?1 AND peer = ?2 AND success = 0 "
      "AND at >= MAX (?3, COALESCE ((SELECT MAX(at) FROM login_attempts "
      "                              WHERE login = ?1 AND peer = ?2 AND success = 1), 0))", error);
  gboolean has_row;
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, login, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, peer, -1, SQLITE_TRANSIENT);
  sqlite3_bind_int64 (stmt, 3, since);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return -1;
  return has_row ? sqlite3_column_int64 (stmt, 0) : 0;
}

/* The balances are kept by the ledger's triggers (fl-stock-ledger.c). */
static gint64
sqlite_stock_balance (FlStore *store, const char *location_id, const char *part_id,
                      GError **error)
{
  return fl_stock_balance (FL_SQLITE_STORE (store)->db, location_id, part_id, error);
}

static gboolean
sqlite_location_has_stock (FlStore *store, const char *location_id, gboolean *has_stock,
                           GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db,
      "SELECT EXISTS (SELECT 1 FROM stock_movement WHERE from_location = ?1)"
      " OR EXISTS (SELECT 1 FROM stock_movement WHERE to_location = ?1)"
      " OR EXISTS (SELECT 1 FROM stock_count WHERE location_id = ?1)"
      " OR EXISTS (SELECT 1 FROM scrap_request WHERE location_id = ?1)", error);
  gboolean has_row;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, location_id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (self->db, stmt, &has_row, error))
    return FALSE;
  *has_stock = has_row && sqlite3_column_int (stmt, 0) != 0;
  return TRUE;
}

static gboolean
sqlite_serial_location (FlStore *store, const char *part_id, const char *serial,
                        char **location_id, char **location_code, GError **error)
{
  return fl_stock_serial_location (FL_SQLITE_STORE (store)->db, part_id, serial,
                                   location_id, location_code, error);
}

static gint64
sqlite_count_negative_balances (FlStore *store, GError **error)
{
  gint64 n = -1;
  if (!fl_db_query_int64 (FL_SQLITE_STORE (store)->db,
                          "SELECT COUNT(*) FROM stock_balance WHERE qty < 0", &n, error))
    return -1;
  return n;
}

/* ---- moving a whole store ---- */

static void
sqlite_record_column (GString *sql, const char *name, FlStoreValueType type)
{
  g_string_append (sql, name);
}

static void
sqlite_record_param (GString *sql, guint number, FlStoreValueType type)
{
  g_string_append_printf (sql, "?%u", number);
}

/* The SQL of a server table's records ("select" or "upsert"), built once. */
static const char *
record_sql (FlSqliteStore *self, const char *kind, const FlStoreServerTable *table)
{
  g_autofree char *key = g_strdup_printf ("record:%s:%s", kind, table->name);
  const char *sql = g_hash_table_lookup (self->sql, key);
  if (sql == NULL)
    {
      char *text = strcmp (kind, "select") == 0
                 ? fl_store_record_select_sql (table, sqlite_record_column)
                 : fl_store_record_upsert_sql (table, sqlite_record_param);
      g_hash_table_insert (self->sql, g_steal_pointer (&key), text);
      sql = text;
    }
  return sql;
}

static gboolean
records_in_read (FlSqliteStore *self, const FlStoreServerTable *table, FlStoreRecordFunc func,
                 gpointer user_data, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db, record_sql (self, "select", table), error);
  if (stmt == NULL)
    return FALSE;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      g_autoptr(JsonObject) record = json_object_new ();
      for (guint i = 0; i < table->n_columns; i++)
        json_object_set_member (record, table->columns[i].name,
                                fl_store_record_value (table->columns[i].type,
                                                       (const char *) sqlite3_column_text (stmt, (int) i)));
      if (!func (table, record, user_data, error))
        return FALSE;
    }
  if (rc != SQLITE_DONE)
    return fl_db_fail (self->db, error, _("reading"));
  return TRUE;
}

static gboolean
sqlite_foreach_record (FlStore *store, const FlStoreServerTable *table, FlStoreRecordFunc func,
                       gpointer user_data, GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  gboolean ok = records_in_read (self, table, func, user_data, error);
  end_read (self, opened);
  return ok;
}

static gboolean
sqlite_put_record (FlStore *store, const FlStoreServerTable *table, JsonObject *record,
                   GError **error)
{
  FlSqliteStore *self = FL_SQLITE_STORE (store);
  g_autoptr(FlStmt) stmt = fl_db_prepare (self->db, record_sql (self, "upsert", table), error);
  if (stmt == NULL)
    return FALSE;
  for (guint i = 0; i < table->n_columns; i++)
    {
      char *text = fl_store_record_text (table->columns[i].type,
                                         json_object_get_member (record, table->columns[i].name));
      if (text == NULL)
        sqlite3_bind_null (stmt, (int) i + 1);
      else if (table->columns[i].type == FL_STORE_VALUE_INT || table->columns[i].type == FL_STORE_VALUE_BOOL)
        {
          sqlite3_bind_int64 (stmt, (int) i + 1, g_ascii_strtoll (text, NULL, 10));
          g_free (text);
        }
      else
        sqlite3_bind_text (stmt, (int) i + 1, text, -1, g_free);
    }
  return fl_stmt_step_done (self->db, stmt, error);
}

static gboolean
sqlite_put_row_as_is (FlStore *store, const FlTable *table, JsonObject *row, GError **error)
{
  return fl_record_store (FL_SQLITE_STORE (store)->db, table, row, NULL, error);
}

/* AUTOINCREMENT continues after the largest key ever written by itself. */
static gboolean
sqlite_finish_load (FlStore *store, GError **error)
{
  return TRUE;
}

static void
fl_sqlite_store_iface_init (FlStoreInterface *iface)
{
  iface->reopen = sqlite_reopen;
  iface->get_id = sqlite_get_id;
  iface->schema_version = sqlite_schema_version;
  iface->check = sqlite_check;
  iface->verify = sqlite_verify;
  iface->backup = sqlite_backup;
  iface->set_use = sqlite_set_use;
  iface->maintain = sqlite_maintain;
  iface->begin = sqlite_begin;
  iface->commit = sqlite_commit;
  iface->rollback = sqlite_rollback;
  iface->load_row = sqlite_load_row;
  iface->find_row = sqlite_find_row;
  iface->put_row = sqlite_put_row;
  iface->foreach_row = sqlite_foreach_row;
  iface->foreach_open_work_order = sqlite_foreach_open_work_order;
  iface->count_rows = sqlite_count_rows;
  iface->row_sites = sqlite_row_sites;
  iface->last_seq = sqlite_last_seq;
  iface->changes_since = sqlite_changes_since;
  iface->snapshot = sqlite_snapshot;
  iface->device_last_mid = sqlite_device_last_mid;
  iface->get_result = sqlite_get_result;
  iface->put_result = sqlite_put_result;
  iface->audit = sqlite_audit;
  iface->audit_history = sqlite_audit_history;
  iface->prune_audit = sqlite_prune_audit;
  iface->get_password = sqlite_get_password;
  iface->set_password = sqlite_set_password;
  iface->put_device = sqlite_put_device;
  iface->load_device = sqlite_load_device;
  iface->foreach_device = sqlite_foreach_device;
  iface->put_token = sqlite_put_token;
  iface->load_token = sqlite_load_token;
  iface->revoke_tokens = sqlite_revoke_tokens;
  iface->add_login_attempt = sqlite_add_login_attempt;
  iface->count_login_failures = sqlite_count_login_failures;
  iface->stock_balance = sqlite_stock_balance;
  iface->location_has_stock = sqlite_location_has_stock;
  iface->serial_location = sqlite_serial_location;
  iface->count_negative_balances = sqlite_count_negative_balances;
  iface->foreach_record = sqlite_foreach_record;
  iface->put_record = sqlite_put_record;
  iface->put_row_as_is = sqlite_put_row_as_is;
  iface->finish_load = sqlite_finish_load;
}
