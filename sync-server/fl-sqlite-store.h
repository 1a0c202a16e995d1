/* fl-sqlite-store.h — the embedded FlStore: one SQLite file in WAL mode
 * (the core's FlDb with the server's own migrations). */
#pragma once

#include "fl-db.h"
#include "fl-store.h"

G_BEGIN_DECLS

#define FL_TYPE_SQLITE_STORE (fl_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (FlSqliteStore, fl_sqlite_store, FL, SQLITE_STORE, GObject)

/* Opens (creating and upgrading as needed) the store in the file `path`. */
FlSqliteStore *fl_sqlite_store_open (const char *path, GError **error);

/* The connection underneath, for checks that work on any FlDb
 * (fl_stock_verify) and for bulk loads in the store's transaction. */
FlDb          *fl_sqlite_store_get_db (FlSqliteStore *store);

const FlMigration *fl_sqlite_store_migrations (guint *n_migrations);

G_END_DECLS
