/* fl-replica-schema.h — the migrations of a client replica: the model
 * tables (fl-record-store.h) and the tables only a replica has.
 *
 * It lives in the db layer, below the replica layer, so that the server
 * (which links model and db only) builds a replica file for a first sync
 * with exactly the code a client's own migrations run. */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

const FlMigration *fl_replica_migrations (guint *n_migrations);
/* Opens a client replica: the model, the outbox, balances and search; a
 * replica made by an older model gains its new tables and columns. */
FlDb              *fl_db_open_replica (const char *path, GError **error);

/* Bulk loads: stop maintaining the work-order search index row by row, then
 * rebuild it in one pass (call both inside the load's transaction). */
gboolean           fl_replica_pause_search_index (FlDb *db, GError **error);
gboolean           fl_replica_resume_search_index (FlDb *db, GError **error);

/* Writes that apply the server's rows mark themselves inside their
 * transaction, so that the shadow triggers (migration 2) take no shadows. */
gboolean           fl_replica_set_applying (FlDb *db, gboolean applying, GError **error);

G_END_DECLS
