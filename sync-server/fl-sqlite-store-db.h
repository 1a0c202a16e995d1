/* fl-sqlite-store-db.h — the SQLite connection under an FlSqliteStore, for
 * tests that look at the file itself.  No server code outside the backend
 * includes it (tests/data/check-layers.sh). */
#pragma once

#include "fl-db.h"
#include "fl-sqlite-store.h"

G_BEGIN_DECLS

FlDb *fl_sqlite_store_get_db (FlSqliteStore *store);

G_END_DECLS
