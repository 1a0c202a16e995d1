/* fl-change.h — change records (001 变更管理程序) as people make them over
 * the change log: request a change of any kind, propose a standard change
 * to a CI's record (a correction found in the field or in an audit), move a
 * change through implementation and its post-implementation review, and
 * list the changes of a CI.  Approvals go through fl-approvals. */
#pragma once

#include "fl-db.h"
#include "fl-workflow.h"

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *kind;                 /* "standard" | "general" | "major" | "emergency" */
  const char *title;
  const char *reason;
  const char *plan;                 /* optional: the change plan (变更方案) */
  const char *site_id;              /* NULL: the CI's site */
  const char *ci_id;                /* optional */
  JsonObject *changes;              /* optional: the CI's fields it sets, {field: {from, to}} */
  const char *problem_id;           /* optional: the problem it solves */
  const char *work_order_id;        /* optional: the incident it comes from */
  const char *rollback_plan;        /* a major change needs it to be approved */
  const char *test_report;          /* a major change needs it to be approved */
  const char * const *approvers;    /* major, emergency: the board's logins, all needed */
  const char *assignee;             /* optional: who implements it */
} FlChangeDraft;

/* Records the change `draft` as `by`, requested, with the next CHG
 * reference of this device. */
gboolean   fl_change_request (FlDb *db, const FlChangeDraft *draft, const char *by, char **out_id,
                              GError **error);

/* Proposes a standard change that sets the fields of CI `ci_id` named in
 * `changes` ({field: {from, to}}, `from` being the record as seen) for
 * `reason`, as `by`: a supervisor's approval implements it, and the server
 * then changes the CI. */
gboolean   fl_change_propose_standard (FlDb *db, const char *ci_id, JsonObject *changes,
                                       const char *reason, const char *by, char **out_id,
                                       GError **error);

/* Moves change `id` to `to` as `role`/`actor` by fl_change_check_move;
 * `review` (may be NULL) is written in the same change: the
 * post-implementation review a move to reviewed needs. */
gboolean   fl_change_move (FlDb *db, const char *id, FlRole role, const char *actor, const char *to,
                           const char *review, GError **error);

/* Attaches a file stored as the blob `sha256` (its name, MIME type and
 * size in bytes) to change `id` as `by`, as its `document`: "rollback_plan"
 * or "test_report", the documents a major change is approved on; a later
 * file of the same document replaces it.  The rollback plan is attached
 * while the change is requested (a new plan starts its approvals over),
 * the test report until it is closed. */
gboolean   fl_change_attach (FlDb *db, const char *id, const char *document, const char *filename,
                             const char *mime, const char *sha256, gsize size, const char *by,
                             GError **error);

/* The files attached to change `id`, oldest first: id, filename, mime,
 * sha256, size, by, at, and document ("rollback_plan", "test_report", or
 * NULL for a file another one replaced). */
GPtrArray *fl_change_list_attachments (FlDb *db, const char *id, GError **error);

/* The changes of CI `ci_id` (NULL: every change), newest first: id, ref,
 * kind, title, status, by, at, ci_code, approvers, approved_by. */
GPtrArray *fl_change_list (FlDb *db, const char *ci_id, GError **error);

G_END_DECLS
