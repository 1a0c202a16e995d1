/* fl-replica-file.h — a whole replica as one file: the first sync's fast path.
 *
 * The server builds, for a user's scope, the very file a client's own
 * migrations would create and a snapshot would fill (fl-replica-schema.h),
 * search index and balances included, its cursor in `meta`.  The client
 * trusts such a file only after fl_replica_file_verify(), then moves its
 * own state in and swaps it in whole (fl_db_replace()). */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

#define FL_REPLICA_FILE_ERROR (fl_replica_file_error_quark ())
typedef enum {
  FL_REPLICA_FILE_ERROR_INVALID,  /* not a replica file this program can take */
} FlReplicaFileError;
GQuark fl_replica_file_error_quark (void);

/* The one meta key a built file carries: the cursor to pull on from. */
#define FL_REPLICA_FILE_CURSOR_KEY "cursor"

/* Checks the file at `path` without trusting it: opened read-only in
 * defensive mode with an untrusted schema, `PRAGMA quick_check`, the schema
 * version and every table, index, trigger and view exactly what this
 * program's migrations create (nothing more, nothing less), and no meta key
 * but the cursor.  Returns the cursor, or NULL with
 * FL_REPLICA_FILE_ERROR_INVALID saying what is wrong. */
char     *fl_replica_file_verify (const char *path, GError **error);

/* Finishes a file built at `path` (closed by its builder): one file alone,
 * without a write-ahead log, as it travels. */
gboolean  fl_replica_file_seal (const char *path, GError **error);

G_END_DECLS
