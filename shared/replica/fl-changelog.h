/* fl-changelog.h — the one write path of a replica.
 *
 * Every local change writes the row and appends its mutation to the outbox
 * in the same transaction, so after a crash or an error there is either
 * both or neither.  An update records `{field: {from, to}}` only for the
 * fields whose value really changed, `from` being the value this replica
 * last saw — what the server's three-way merge needs. */
#pragma once

#include "fl-record-store.h"

G_BEGIN_DECLS

#define FL_CHANGELOG_ERROR (fl_changelog_error_quark ())
typedef enum {
  FL_CHANGELOG_ERROR_WRONG_OPERATION,  /* update of an append-only table, or a server-owned table */
} FlChangelogError;
GQuark fl_changelog_error_quark (void);

/* A new row of a mutable table.  `fields` are validated (and normalised in
 * place); the new id is returned in `out_id`. */
gboolean fl_changelog_insert (FlDb *db, const char *table, JsonObject *fields,
                              char **out_id, GError **error);

/* The same, with created_at (and the outbox time) `at_usec` rather than the
 * clock's reading: for rows whose other fields were derived from that time. */
gboolean fl_changelog_insert_at (FlDb *db, const char *table, JsonObject *fields,
                                 gint64 at_usec, char **out_id, GError **error);

/* Sets `values` on row `id`; fields already equal are not recorded, and
 * nothing at all is written when no value changes. */
gboolean fl_changelog_update (FlDb *db, const char *table, const char *id,
                              JsonObject *values, GError **error);

/* A new entry of an append-only table (work log, ledger, inspection, ...). */
gboolean fl_changelog_append (FlDb *db, const char *table, JsonObject *fields,
                              char **out_id, GError **error);

/* Number of outbox entries still waiting to be pushed. */
gint64   fl_changelog_pending_count (FlDb *db, GError **error);

G_END_DECLS
