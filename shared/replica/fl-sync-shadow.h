/* fl-sync-shadow.h — the server's version of a row while local updates of
 * it wait to be pushed.
 *
 * A replica keeps it in sync_shadow_<table> (one for each mutable table,
 * fl-replica-schema.c, migration 2) and shows the row with the pending
 * changes on top; the sync engine moves the shadow and rebases the pending
 * changes on it (docs/sync-engine.md). */
#pragma once

#include "fl-record-store.h"

G_BEGIN_DECLS

/* The shadow of row `id`, or NULL (with `error` unset) when it has none. */
JsonObject *fl_sync_shadow_load (FlDb *db, const FlTable *table, const char *id, GError **error);

/* Makes `row` the shadow: written to the model table (typed exactly as the
 * record code writes it) and copied from there; the caller then writes the
 * row to show over it, in the same transaction. */
gboolean    fl_sync_shadow_write (FlDb *db, const FlTable *table, JsonObject *row, GError **error);

/* The shadows of the rows `ids` (char*) of `table` that have one, by id
 * (the keys are the rows' own), read in one query. */
GHashTable *fl_sync_shadow_load_rows (FlDb *db, const FlTable *table, GPtrArray *ids, GError **error);

/* Sets the fields `values` of the shadow of row `id`, if it has one,
 * leaving the rest of it and the row the user sees as they are. */
gboolean    fl_sync_shadow_set_fields (FlDb *db, const FlTable *table, const char *id, JsonObject *values,
                                       GError **error);

/* The rows (fl_outbox_row_key) with a shadow but no update waiting: rows
 * whose updates the server took, with the server's version as this replica
 * knows it in the shadow, until a pull brings the row or the shadow is
 * made the row. */
GHashTable *fl_sync_shadows_settled (FlDb *db, GError **error);

/* Forgets the shadow of row `id` (nothing for a table without shadows). */
gboolean    fl_sync_shadow_delete (FlDb *db, const FlTable *table, const char *id, GError **error);

G_END_DECLS
