/* fl-merge.h — the conflict rules: a field-level three-way merge.
 *
 * An update carries `{field: {from, to}}`, `from` being the value the device
 * last saw.  For each field: `from` equal to the current value -> apply `to`;
 * the current value already equal to `to` -> nothing to do; otherwise the
 * current value stays and a conflict keeps base (from), mine (to) and theirs
 * (current).  Other fields of the same update still apply.
 *
 * The server merges every pushed update with fl_merge_changes(); a client
 * rebases its pending local updates on a pulled row with fl_merge_rebase(),
 * which runs the very same rule, so both sides predict the same outcome.
 * Everything here is pure: rows in, rows out, no database. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* One field the merge could not apply. */
typedef struct {
  char     *field;
  JsonNode *base;    /* what the device last saw (`from`) */
  JsonNode *mine;    /* what the device wanted (`to`) */
  JsonNode *theirs;  /* what the other side holds and keeps */
  /* Who made `theirs` — the author of the last change of the field the
   * server accepted — when the server could tell (NULL / 0 otherwise). */
  char     *theirs_by;       /* login */
  char     *theirs_by_name;  /* display name */
  gint64    theirs_at;       /* usec: when the server accepted that change */
} FlConflict;

FlConflict *fl_conflict_new (const char *field, JsonNode *base, JsonNode *mine, JsonNode *theirs);
void        fl_conflict_free (FlConflict *conflict);
void        fl_conflict_set_theirs_author (FlConflict *conflict, const char *login, const char *display_name,
                                           gint64 at);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlConflict, fl_conflict_free)

typedef enum {
  FL_MERGE_APPLIED,   /* every change applied as asked */
  FL_MERGE_MERGED,    /* no conflict, but some values were already in place */
  FL_MERGE_CONFLICT,  /* at least one field kept its current value */
} FlMergeOutcome;

/* Merges `changes` ({field: {from, to}}) into `current`.  `apply` receives
 * the fields to write ({field: to}, only those whose value really changes);
 * `conflicts` (a GPtrArray of FlConflict, free func set by the caller or
 * created with fl_conflict_array_new) receives the fields that could not be
 * applied.  `current` is not modified. */
FlMergeOutcome fl_merge_changes (JsonObject *current,
                                 JsonObject *changes,
                                 JsonObject *apply,
                                 GPtrArray  *conflicts);

/* Writes the values of `apply` into `row`. */
void           fl_merge_apply (JsonObject *row, JsonObject *apply);

GPtrArray     *fl_conflict_array_new (void);

/* Rebasing the pending local updates of one row on the row just pulled.
 *
 * `pending` holds the `changes` objects of this row's pending update
 * mutations, oldest first.  The result:
 * - `row`: what to show locally — the pulled row with the pending values on
 *   top (a local change is never hidden while it waits to be pushed);
 * - `changes`: each pending mutation's changes, adjusted: a change the
 *   server already holds gets `from` = that value (a no-op there, answered
 *   `merged`); a change that will conflict keeps its `from`, so the server
 *   records the conflict with the base the user really saw;
 * - `conflicts`: the fields that will conflict when pushed (base, mine and
 *   the pulled value as theirs), for the UI to flag now. */
typedef struct {
  JsonObject *row;
  GPtrArray  *changes;    /* JsonObject*, same order as `pending` */
  GPtrArray  *conflicts;  /* FlConflict* */
} FlRebase;

FlRebase      *fl_merge_rebase (JsonObject *pulled_row, GPtrArray *pending);
void           fl_rebase_free (FlRebase *rebase);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRebase, fl_rebase_free)

G_END_DECLS
