/* fl-replica-queries.h — read-only queries any client runs over its
 * replica, whatever the table: a row found by the key people type. */
#pragma once

#include "fl-record-store.h"

G_BEGIN_DECLS

/* The id of the row of `table` whose id or `key_column` (compared without
 * case) is `key`: a work order by ref, a site, location or CI by code, a
 * part by SKU.  FL_DB_ERROR_NOT_FOUND, saying so, when there is none. */
char      *fl_replica_find_id (FlDb *db, const char *table, const char *key_column, const char *key,
                               GError **error);

/* Up to `limit` conflicts the server recorded that nobody has resolved yet
 * (rows of `conflict`, newest first), leaving out those pushed from the
 * device `except_device` (NULL: none), which its own outbox shows: what a
 * supervisor sees of everyone's conflicts, and a user of their other
 * computers'.  Each row names both sides' authors and times (`by`, `at`;
 * `theirs_by`, `theirs_at`). */
GPtrArray *fl_replica_open_conflicts (FlDb *db, const char *except_device, guint limit, GError **error);

G_END_DECLS
