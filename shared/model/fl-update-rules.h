/* fl-update-rules.h — what an update of a stored row may change, table by
 * table: the rules the server applies to every pushed update, given the row
 * as it is, the row as it would become and the fields that really change.
 *
 * The server checks each update with them; a client asks the same question
 * before it offers to keep its own value of a conflict ("Keep Mine"), so it
 * offers only what the server will take.  Pure rules over rows: what needs
 * other rows (an assignee's account, a change's approvers and documents, a
 * location's stock history) the server checks itself. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-schema.h"
#include "fl-workflow.h"

G_BEGIN_DECLS

#define FL_UPDATE_ERROR (fl_update_error_quark ())
typedef enum {
  FL_UPDATE_ERROR_REFUSED,  /* the field is not changed by an update at all */
} FlUpdateError;
GQuark fl_update_error_quark (void);

/* The column that says who made a row ("by", "author") and the one that says
 * when ("at", "checked_at"), if the table has them: kept as recorded. */
const char *fl_table_author_column (const FlTable *table);
const char *fl_table_when_column   (const FlTable *table);

/* What an update may not even ask for, whatever the row holds: the status of
 * a stock count, a scrap request or a CI correction, which a supervisor's
 * approval decides.  `asked` holds the values asked for ({field: to}). */
gboolean    fl_update_check_asked (const FlTable *table, JsonObject *asked, GError **error);

/* Whether `role` (as `actor`) may change the row `before` of `table` into
 * `after` (`before` with `apply` written over it), `apply` holding only the
 * fields that really change: who made it and when stay; a work order by the
 * lifecycle and the field rights of fl-workflow.h; a problem, a change, a
 * CMDB audit round and a CI by their own workflows.  The error says why, in
 * words for the user. */
gboolean    fl_update_check (const FlTable *table, FlRole role, const char *actor, JsonObject *before,
                             JsonObject *after, JsonObject *apply, GError **error);

/* What the lifecycle needs to know of an update of the work order `before`
 * into `after` by `actor`. */
void        fl_update_work_order_facts (const char *actor, JsonObject *before, JsonObject *after,
                                        FlWorkOrderFacts *facts);

G_END_DECLS
