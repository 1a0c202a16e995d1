/* fl-sqlite-store.h — the embedded FlStore: one SQLite file in WAL mode
 * (the core's FlDb with the server's own migrations).  The server opens it
 * through fl_store_open(); fl-sqlite-store-db.h gives tests the file's
 * connection underneath. */
#pragma once

#include "fl-store.h"

G_BEGIN_DECLS

#define FL_TYPE_SQLITE_STORE (fl_sqlite_store_get_type ())
G_DECLARE_FINAL_TYPE (FlSqliteStore, fl_sqlite_store, FL, SQLITE_STORE, GObject)

/* Opens (creating and upgrading as needed) the store in the file `path`. */
FlSqliteStore *fl_sqlite_store_open (const char *path, GError **error);

G_END_DECLS
