/* fl-store-backend.h — what every FlStore backend shares: the rules of
 * the change log's scope (site lists, who was told a row is gone, which
 * rows find their scope through another), how a put row is stamped, and
 * the model's unique columns.  Backends only; server logic uses fl-store.h. */
#pragma once

#include "fl-store.h"

G_BEGIN_DECLS

/* A site list as a JSON array of ids ("[]" = visible everywhere), the
 * form both backends keep and bind. */
char    *fl_store_sites_to_json (const char * const *sites);
GStrv    fl_store_sites_from_json (const char *text);
/* `strings` sorted, without duplicates, as a new vector. */
GStrv    fl_store_sorted_unique (GPtrArray *strings);

/* Who could see the row before and cannot now: the sites it was visible
 * at (and those it had left earlier, still owed a "gone") minus those it is
 * visible at now.  "*" stands for every site: a row that was visible to
 * everyone and is now scoped is gone for every other site.
 * `old_sites_json` NULL: the row had no entry yet. */
GStrv    fl_store_gone_after_move (const char *old_sites_json, const char *old_gone_json,
                                   char **new_sites);

/* Table name -> GPtrArray of the FlTable* that find their scope through a
 * row of it (via_table), built once from the schema. */
GHashTable *fl_store_scope_children (void);

/* Sets `version` (`stored_version` + 1), `created_at` (the stored one, or
 * now when the row has none) and `updated_at` (now when absent) in a row
 * about to be written; `stored_created_at` NULL for a new row. */
void     fl_store_stamp_row (JsonObject *row, gint64 stored_version, const char *stored_created_at);

/* The model columns whose value is unique on the server: a second row with
 * the same value is refused naming the column. */
typedef struct {
  const char *table;
  const char *column;
} FlStoreUniqueColumn;

const FlStoreUniqueColumn *fl_store_unique_columns (guint *n_columns);
/* The digest of the model with the unique columns (fl_schema_digest) that
 * a store records: when it differs, the store brings its tables up. */
char    *fl_store_model_digest (void);
/* FL_STORE_ERROR_EXISTS naming `column` and its value in `row`. */
void     fl_store_set_unique_clash (GError **error, const FlTable *table, JsonObject *row,
                                    const char *column);

/* ---- server tables as records (fl_store_foreach_record, put_record) ---- */

/* Writes the reference to parameter `number` (1, 2, ...) of a value of
 * `type` into `sql`, the way the backend's SQL spells it. */
typedef void (*FlStoreParamFunc) (GString *sql, guint number, FlStoreValueType type);
/* Writes a column of `type` as the backend's SQL reads it as text. */
typedef void (*FlStoreColumnFunc) (GString *sql, const char *name, FlStoreValueType type);

char     *fl_store_record_select_sql (const FlStoreServerTable *table, FlStoreColumnFunc column);
/* INSERT of every column, replacing the record with the same key. */
char     *fl_store_record_upsert_sql (const FlStoreServerTable *table, FlStoreParamFunc param);
/* A record's value from the text the database gave (NULL = null; a BOOL
 * is "1", "t" or "true" when true). */
JsonNode *fl_store_record_value (FlStoreValueType type, const char *text);
/* The text a record's value is bound as, NULL for null (a BOOL "1"/"0"). */
char     *fl_store_record_text (FlStoreValueType type, JsonNode *value);

G_END_DECLS
