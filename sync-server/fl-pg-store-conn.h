/* fl-pg-store-conn.h — the libpq connection under an FlPgStore, for tests
 * that look at the database itself.  No server code outside the backend
 * includes it (tests/data/check-layers.sh). */
#pragma once

#include <libpq-fe.h>

#include "fl-pg-store.h"

G_BEGIN_DECLS

PGconn *fl_pg_store_get_connection (FlPgStore *store);

G_END_DECLS
