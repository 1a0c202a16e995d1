/* fl-db.h — one SQLite connection: WAL, foreign keys, busy timeout, versioned
 * migrations (PRAGMA user_version), nested transactions and a cache of
 * prepared statements. */
#pragma once

#include <glib-object.h>
#include <sqlite3.h>

G_BEGIN_DECLS

#define FL_DB_ERROR (fl_db_error_quark ())
typedef enum {
  FL_DB_ERROR_SQLITE,     /* the database said no; the message has its words */
  FL_DB_ERROR_NOT_FOUND,  /* no row with that id */
  FL_DB_ERROR_MIGRATION,  /* the file is newer than this program or a migration failed */
  FL_DB_ERROR_INJECTED,   /* a failure injected by a test (fl_db_set_fail_point) */
} FlDbError;
GQuark fl_db_error_quark (void);

#define FL_TYPE_DB (fl_db_get_type ())
G_DECLARE_FINAL_TYPE (FlDb, fl_db, FL, DB, GObject)

typedef gboolean (*FlMigrationFunc) (FlDb *db, GError **error);
typedef struct {
  int              version;  /* 1, 2, 3 ... in order */
  const char      *sql;      /* static SQL run as is, or NULL ... */
  FlMigrationFunc  apply;    /* ... code that builds the change */
} FlMigration;

/* Opens (creating if needed) the file at `path` (":memory:" works) and brings
 * it to the last migration of `migrations` in one transaction each. */
FlDb         *fl_db_open (const char        *path,
                          const FlMigration *migrations,
                          guint              n_migrations,
                          GError           **error);

sqlite3      *fl_db_handle (FlDb *db);
const char   *fl_db_path (FlDb *db);
int           fl_db_schema_version (FlDb *db);
void          fl_db_close (FlDb *db);

gboolean      fl_db_exec (FlDb *db, const char *sql, GError **error);

/* A prepared statement from the cache.  Hold it in g_autoptr(FlStmt): it is
 * reset and its bindings cleared when it goes out of scope, never finalized. */
typedef sqlite3_stmt FlStmt;
FlStmt       *fl_db_prepare (FlDb *db, const char *sql, GError **error);
void          fl_stmt_release (FlStmt *stmt);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlStmt, fl_stmt_release)

/* Steps a statement expecting SQLITE_DONE (or SQLITE_ROW when `row` is given). */
gboolean      fl_stmt_step_done (FlDb *db, FlStmt *stmt, GError **error);
gboolean      fl_stmt_step_row (FlDb *db, FlStmt *stmt, gboolean *has_row, GError **error);
gboolean      fl_db_query_int64 (FlDb *db, const char *sql, gint64 *out, GError **error);

/* A number that changes whenever another connection committed to the file
 * or the file was replaced (fl_db_replace) — PRAGMA data_version alone
 * starts afresh on the new file and may repeat an old value.  Compare only
 * values of one FlDb. */
gboolean      fl_db_data_version (FlDb *db, gint64 *out, GError **error);

/* Transactions nest: the outermost is BEGIN IMMEDIATE, inner ones savepoints. */
gboolean      fl_db_begin (FlDb *db, GError **error);
gboolean      fl_db_commit (FlDb *db, GError **error);
void          fl_db_rollback (FlDb *db);
guint         fl_db_transaction_depth (FlDb *db);

typedef gboolean (*FlDbTxnFunc) (FlDb *db, gpointer user_data, GError **error);
/* Runs `func` inside a transaction: committed when it returns TRUE, rolled
 * back (leaving nothing) when it returns FALSE. */
gboolean      fl_db_transaction (FlDb *db, FlDbTxnFunc func, gpointer user_data, GError **error);

/* Error helper: sets `error` from the connection's last SQLite error. */
gboolean      fl_db_fail (FlDb *db, GError **error, const char *what);

/* Key/value settings kept in the file (device code, cursor, ...). */
char         *fl_db_get_meta (FlDb *db, const char *key);
gboolean      fl_db_set_meta (FlDb *db, const char *key, const char *value, GError **error);

/* Changes: after each committed transaction the connection emits
 * ::changed::<table> (a detailed signal whose argument is the table name)
 * once for every table the transaction wrote rows of — by the change log, a
 * pull, the outbox or a trigger; a rolled back transaction announces
 * nothing.  A commit in the thread that opened the connection (or one
 * running the main context that was its thread default then) emits at once,
 * before the writing call returns; a commit in another thread is announced
 * from that main context as soon as it runs.  A second connection to the same
 * file (a worker's) announces its commits on `target` instead; NULL undoes it. */
void          fl_db_announce_changes_on (FlDb *db, FlDb *target);

/* Replaces the whole database of `db` with that of `source`: every other
 * connection to `db`'s file sees all of the old database or all of the new,
 * and on a failure `db` is left as it was.  `prepare` runs on `source` after
 * `db` is locked against writers, so what it reads of `db`'s file (attached
 * to `source`) is exactly what gets replaced; when it returns FALSE nothing
 * is replaced.  `db` must have no transaction open.
 *
 * A file in the same folder is moved in whole and `source` is closed: `db`'s
 * name becomes a link to it, and every connection opens the new file at its
 * next statement outside a transaction (the old one stays locked against
 * writers until some seconds after the next replacement or `db`'s close).  Otherwise (in
 * memory) every page is copied in one transaction (SQLite's online backup).
 * Afterwards every table of the new database is announced as changed. */
gboolean      fl_db_replace (FlDb *db, FlDb *source, FlDbTxnFunc prepare, gpointer user_data,
                             GError **error);

/* Tests: make the named point fail with FL_DB_ERROR_INJECTED the next time
 * code passes it (fl_db_check_fail_point); NULL clears it. */
void          fl_db_set_fail_point (FlDb *db, const char *name);
gboolean      fl_db_check_fail_point (FlDb *db, const char *name, GError **error);

G_END_DECLS
