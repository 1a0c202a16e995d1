/* fl-record-store.h — the model's rows in SQLite: creating the model's
 * tables, reading a row into a JSON object and writing one back.  Used by
 * the client replica and by the server's SQLite store alike. */
#pragma once

#include "fl-db.h"
#include "fl-record.h"

G_BEGIN_DECLS

/* Creates every model table, its indexes and the stock ledger's balance
 * table and triggers (used by the replica's and the server's migrations). */
gboolean    fl_model_create_tables (FlDb *db, GError **error);
/* Brings tables made by an older model up to this one: creates the tables
 * it did not have and adds the columns (a migration of both the replica
 * and the server, whenever the model grows). */
gboolean    fl_model_upgrade_tables (FlDb *db, GError **error);
/* The same for one table, or for `sql_table`, a copy with its columns (a
 * missing copy is left alone). */
gboolean    fl_model_add_new_columns (FlDb *db, const FlTable *table, const char *sql_table,
                                      GError **error);

/* The meta key holding the digest (fl_schema_digest) of the model the
 * database's tables were last brought up to. */
#define FL_META_MODEL_DIGEST "model_digest"
/* Call after the numbered migrations: when `digest` is not the one the
 * database recorded, runs `upgrade` (such as fl_model_upgrade_tables) and
 * records `digest`, in one transaction.  A model that gained tables or
 * columns reaches an existing database this way. */
gboolean    fl_model_upgrade_when_changed (FlDb *db, const char *digest, FlMigrationFunc upgrade,
                                           GError **error);

/* Reads the row `id` of `table`; NULL with FL_DB_ERROR_NOT_FOUND when absent. */
JsonObject *fl_record_load (FlDb *db, const FlTable *table, const char *id, GError **error);
/* The same from `copy_table`, a table with the columns of `table` (such as
 * the sync engine's shadow of the server's rows). */
JsonObject *fl_record_load_copy (FlDb *db, const FlTable *table, const char *copy_table, const char *id,
                                 GError **error);
/* Reads the current row from a statement positioned on "SELECT <all columns>". */
JsonObject *fl_record_from_stmt (const FlTable *table, sqlite3_stmt *stmt, int first_column);
/* "id", "version", ... every column of the table in schema order, quoted, comma-separated. */
const char *fl_record_select_list (const FlTable *table);

/* Writes a whole row (with its common columns): a new row is inserted, an
 * existing one of a mutable table replaced (left alone when it holds these
 * values already); an append-only row that exists is left as it is.  Sets
 * `inserted` to whether the row was new. */
gboolean    fl_record_store (FlDb *db, const FlTable *table, JsonObject *row,
                             gboolean *inserted, GError **error);
/* Writes `row` over the row of a mutable table with its id, which the
 * caller read in this transaction: fl_record_store without its insert. */
gboolean    fl_record_replace (FlDb *db, const FlTable *table, JsonObject *row, GError **error);
/* `ids` (char*) as a JSON array of strings, for a statement to read with
 * json_each(): the rows of a batch found in one query. */
char       *fl_record_id_list (GPtrArray *ids);
/* Sets the columns named in `values` (columns of `table`) of row `id` in
 * `copy_table`, leaving the others as they are; a missing row is not added. */
gboolean    fl_record_set_fields_copy (FlDb *db, const FlTable *table, const char *copy_table,
                                       const char *id, JsonObject *values, GError **error);
/* Removes a row that left this replica's scope. */
gboolean    fl_record_forget (FlDb *db, const FlTable *table, const char *id, GError **error);

G_END_DECLS
