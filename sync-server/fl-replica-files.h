/* fl-replica-files.h — first syncs as ready replica files.
 *
 * For a reader's scope (their sites, and whose conflicts they see) the
 * server builds the very replica file a client would end up with after a
 * snapshot: the client's own schema and migrations (fl-replica-schema.h),
 * the rows a snapshot sends, the search index and the stock balances, and
 * the cursor to pull on from in `meta`.  The rows come through the store
 * interface; the file itself is SQLite, as a replica is.
 *
 * Files of scopes used recently are kept and brought current by applying
 * the change log (fl_replica_files_refresh, from a background thread), so a
 * first sync usually costs only the download and a short pull.  Each is kept
 * zstd-compressed, as it is sent (docs/protocol.md, GET /sync/replica). */
#pragma once

#include "fl-pull.h"

G_BEGIN_DECLS

typedef struct _FlReplicaFiles FlReplicaFiles;

/* Keeps the files in `dir` (created; files left there by an earlier run are
 * removed, their cursors may be of another database). */
FlReplicaFiles *fl_replica_files_new (const char *dir, GError **error);
/* Removes the files (and `dir`, when nothing else is in it). */
void            fl_replica_files_free (FlReplicaFiles *files);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlReplicaFiles, fl_replica_files_free)

/* A compressed replica file, opened for reading: later updates write new
 * files, so `stream` reads this one to its end whatever happens meanwhile. */
typedef struct {
  GInputStream *stream;
  gint64        size;      /* bytes of the compressed file */
  gint64        raw_size;  /* bytes of the replica file itself */
  char         *sha256;    /* hex digest of the replica file itself */
  char         *cursor;    /* recorded inside */
} FlReplicaFileInfo;

void            fl_replica_file_info_free (FlReplicaFileInfo *info);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlReplicaFileInfo, fl_replica_file_info_free)

/* A kept file is brought current once the change log has grown by
 * `changes` entries since it was made, or when it is older than `usec` and
 * anything changed (defaults: 2,000 entries, 10 minutes; 0 and 0 bring it
 * current at every change).  The client pulls the rest after taking it. */
void            fl_replica_files_set_lag (FlReplicaFiles *files, gint64 changes, gint64 usec);

/* The file of `reader`'s scope: built when there is none yet, else brought
 * current from the change log when it lags as set above. */
FlReplicaFileInfo *fl_replica_files_get (FlReplicaFiles *files, FlStore *store,
                                         const FlPullReader *reader, GError **error);

/* Brings every file used within the last `recent` microseconds current
 * (when it lags as set above) and forgets (removes) the others; returns how
 * many files were updated. */
guint           fl_replica_files_refresh (FlReplicaFiles *files, FlStore *store, gint64 recent);

/* Builds the replica file of `reader`'s scope at `path`, uncompressed
 * (what fl_replica_files_get does when it has none; the benchmarks time it). */
gboolean        fl_replica_file_build (FlStore *store, const FlPullReader *reader, const char *path,
                                       GError **error);

G_END_DECLS
