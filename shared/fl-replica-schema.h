/* fl-replica-schema.h — the migrations of a client replica and the model
 * tables shared with the server's store. */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

/* Creates every model table, its indexes and the stock ledger's balance
 * table and triggers (used by the replica's and the server's migrations). */
gboolean           fl_model_create_tables (FlDb *db, GError **error);

const FlMigration *fl_replica_migrations (guint *n_migrations);

/* Bulk loads: stop maintaining the work-order search index row by row, then
 * rebuild it in one pass (call both inside the load's transaction). */
gboolean           fl_replica_pause_search_index (FlDb *db, GError **error);
gboolean           fl_replica_resume_search_index (FlDb *db, GError **error);

G_END_DECLS
