/* fl-outbox.h — reading and marking the outbox of a replica.
 *
 * The change log (fl-changelog.h) appends a mutation for every local
 * write; the sync engine reads the pending ones in `mid` order, pushes
 * them and records the server's answer here.  Answers other than applied
 * and merged stay visible until the user does something about them (the
 * operations at the end, which need no network), recorded as the entry's
 * `resolution`; the server's answer is kept. */
#pragma once

#include "fl-db.h"
#include "fl-protocol.h"
#include "fl-workflow.h"

G_BEGIN_DECLS

#define FL_OUTBOX_ERROR (fl_outbox_error_quark ())
typedef enum {
  FL_OUTBOX_ERROR_WRONG_STATE,  /* discard/retry/resolve of an entry that is not in that state */
} FlOutboxError;
GQuark fl_outbox_error_quark (void);

typedef struct {
  gint64        mid;
  char         *table;
  char         *row_id;
  FlMutationOp  op;
  gint64        at;          /* usec: when the user did it */
  JsonObject   *payload;     /* `fields` (insert, append) or `changes` (update) */
  char         *state;       /* pending, applied, merged, conflict, rejected */
  char         *error;       /* rejected: the reason, for the user */
  GPtrArray    *conflicts;   /* FlConflict*: the fields the server kept (never NULL) */
  char         *resolution;  /* NULL until the user acts: kept_mine, kept_theirs, retried, discarded */
} FlOutboxEntry;

void           fl_outbox_entry_free (FlOutboxEntry *entry);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlOutboxEntry, fl_outbox_entry_free)

/* The entry as a mutation to push. */
FlMutation    *fl_outbox_entry_to_mutation (const FlOutboxEntry *entry);

/* One entry; NULL with FL_DB_ERROR_NOT_FOUND when there is none. */
FlOutboxEntry *fl_outbox_get (FlDb *db, gint64 mid, GError **error);

/* Up to `limit` pending entries with a mid above `after_mid`, oldest first. */
GPtrArray     *fl_outbox_pending (FlDb *db, gint64 after_mid, guint limit, GError **error);

/* The pending updates of one row, oldest first. */
GPtrArray     *fl_outbox_pending_updates (FlDb *db, const char *table, const char *row_id,
                                          GError **error);

/* The same for the rows `row_ids` (char*) of `table`, read in one query:
 * by row id, the rows with none left out. */
GHashTable    *fl_outbox_pending_updates_of_rows (FlDb *db, const char *table, GPtrArray *row_ids,
                                                  GError **error);

/* Entries in `state` ("conflict", "rejected"; NULL: both) the user has not
 * resolved yet, oldest first. */
GPtrArray     *fl_outbox_unresolved (FlDb *db, const char *state, GError **error);

/* Number of entries in `state` ("pending", or an unresolved "conflict" or
 * "rejected"). */
gint64         fl_outbox_count (FlDb *db, const char *state, GError **error);

/* "table\037row_id" of every row with a pending update (a set). */
GHashTable    *fl_outbox_rows_with_pending_updates (FlDb *db, GError **error);
char          *fl_outbox_row_key (const char *table, const char *row_id);

/* Replaces the `changes` of a pending update (after a rebase). */
gboolean       fl_outbox_set_changes (FlDb *db, gint64 mid, JsonObject *changes, GError **error);

/* Records the server's answers (FlMutationResult*) to a push, all in one
 * statement.  Returns, for each answer, whether it was recorded (gboolean):
 * an entry already answered is left as it is (a replayed push answers
 * again). */
GArray        *fl_outbox_record_results (FlDb *db, GPtrArray *results, GError **error);

/* Marks a pending entry rejected without the server having applied it
 * (the server refused the request because of this mutation). */
gboolean       fl_outbox_reject (FlDb *db, gint64 mid, const char *reason, GError **error);

gboolean       fl_outbox_resolve (FlDb *db, gint64 mid, const char *resolution, GError **error);

/* Appends a copy of an insert or append entry as a new pending mutation
 * (a retry: the server sees a new mid). */
gboolean       fl_outbox_requeue (FlDb *db, const FlOutboxEntry *entry, gint64 *out_mid,
                                  GError **error);

typedef enum {
  FL_RECORD_SYNCED,    /* the server has this row as shown */
  FL_RECORD_PENDING,   /* local changes wait to be pushed */
  FL_RECORD_CONFLICT,  /* a pushed change kept the server's value: resolve it */
  FL_RECORD_REJECTED,  /* the server refused a change: see why, retry or discard */
} FlRecordSyncState;

/* The state of one record for the UI. */
FlRecordSyncState fl_outbox_record_state (FlDb *db, const char *table, const char *id);

/* What the user does about a conflicting or rejected mutation (`mid`, see
 * fl_outbox_unresolved), each in one transaction: keep their own value (a
 * new update of the fields that conflicted) or the server's; retry a
 * rejected mutation as a new one; or discard it (a rejected new record
 * leaves the replica). */
gboolean       fl_outbox_resolve_conflict (FlDb *db, gint64 mid, gboolean keep_mine, GError **error);

/* Whether the server would accept keeping mine for the conflicting update
 * `entry` by `role` as `actor` now: the role's right to change the table,
 * and the rules of fl_update_check on the row as the server has it (the
 * replica's row with the server's values of the conflicting fields) turned
 * into mine.  The error says why not, in words for the user. */
gboolean       fl_outbox_check_keep_mine (FlDb *db, const FlOutboxEntry *entry, FlRole role,
                                          const char *actor, GError **error);
gboolean       fl_outbox_retry (FlDb *db, gint64 mid, GError **error);
gboolean       fl_outbox_discard (FlDb *db, gint64 mid, GError **error);

G_END_DECLS
