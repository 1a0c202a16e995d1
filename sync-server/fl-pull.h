/* fl-pull.h — what a client receives: pages of the change log after its
 * cursor, and the snapshot that starts a replica.
 *
 * A cursor is opaque to clients: "<store id>.<scope>.<seq>".  The store id
 * recognises a cursor of another (restored, re-created) database; the scope
 * is a digest of the user's sites when the cursor was made, so a user whose
 * sites changed is sent back to a snapshot (410) instead of silently
 * keeping rows of a site they lost or missing rows of one they gained. */
#pragma once

#include "fl-protocol.h"
#include "fl-store.h"

G_BEGIN_DECLS

#define FL_PULL_ERROR (fl_pull_error_quark ())
typedef enum {
  FL_PULL_ERROR_BAD_CURSOR,  /* not a cursor at all (400) */
  FL_PULL_ERROR_GONE,        /* a cursor this server cannot continue from: take a snapshot (410) */
} FlPullError;
GQuark fl_pull_error_quark (void);

char           *fl_pull_cursor_format (FlStore *store, const char * const *sites, gint64 seq);
gboolean        fl_pull_cursor_parse (FlStore *store, const char * const *sites, const char *cursor,
                                      gint64 *out_seq, GError **error);

/* Who pulls: the rows of their sites, except the conflicts of others,
 * which go only to their author and to supervisors and admins. */
typedef struct {
  const char * const *sites;          /* NULL = every site */
  const char         *login;
  gboolean            all_conflicts;  /* a supervisor or an admin */
} FlPullReader;

/* Up to `limit` changes after `cursor` the reader sees. */
FlPullResponse *fl_pull_page (FlStore *store, const FlPullReader *reader, const char *cursor,
                              guint limit, GError **error);

/* The row as clients see it: without server-only columns. */
JsonObject     *fl_pull_public_row (const FlTable *table, JsonObject *row);

/* Calls `func` for every row of a snapshot as `reader` sees it (without
 * server-only columns), table by table in one read transaction;
 * `out_cursor` is set before the first call to the seq it is at. */
gboolean        fl_pull_foreach_snapshot_row (FlStore *store, const FlPullReader *reader, gint64 *out_cursor,
                                              FlStoreRowFunc func, gpointer user_data, GError **error);

/* Writes a snapshot as NDJSON lines (fl-protocol.h) through `write`, a
 * batch of lines at a time; `write` may block (the client reads slowly) or
 * fail (the client went away), which stops the snapshot. */
typedef gboolean (*FlPullWriteFunc) (GBytes *lines, gpointer user_data, GError **error);
gboolean        fl_pull_snapshot (FlStore *store, const FlPullReader *reader, gsize batch_bytes,
                                  FlPullWriteFunc write, gpointer user_data, GError **error);

G_END_DECLS
