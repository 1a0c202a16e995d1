/* fl-pg-store-conn.h — the libpq connection under an FlPgStore, for tests
 * that look at the database itself.  No server code outside the backend
 * includes it (tests/data/check-layers.sh). */
#pragma once

#include <libpq-fe.h>

#include "fl-pg-store.h"

G_BEGIN_DECLS

PGconn *fl_pg_store_get_connection (FlPgStore *store);

/* How many times the store has waited for the server's answer (a
 * statement, a pipeline's answers, a batch of a cursor) since it opened. */
guint64  fl_pg_store_get_round_trips (FlPgStore *store);
/* How many statements it has sent (prepares not counted) since then. */
guint64  fl_pg_store_get_statements (FlPgStore *store);

G_END_DECLS
