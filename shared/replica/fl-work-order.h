/* fl-work-order.h — what people do to work orders, as one typed API over
 * the change log: create (reference, priority and SLA due times at once,
 * offline), move through the lifecycle by the role rules, log work, use
 * parts from a van, and record the customer's acceptance. */
#pragma once

#include "fl-outbox.h"

#include "fl-record-store.h"
#include "fl-work-order-sla.h"
#include "fl-workflow.h"

G_BEGIN_DECLS

typedef struct {
  const char *kind;         /* "incident" | "request" | "maintenance" */
  const char *title;
  const char *description;
  const char *site_id;
  const char *ci_id;        /* optional */
  const char *service;      /* optional: the catalogue entry or contract it is for */
  const char *reporter;
  const char *contact;
  int         impact;       /* 1 company business .. 4 one person */
  int         urgency;      /* 1 urgent .. 4 low */
  const char *assignee;     /* optional: creates it assigned */
} FlWorkOrderDraft;

/* The sla_policy rows that may apply at `site_id`: its own and those for
 * every site, as the service catalogue makes them apply (a technical
 * service without rows takes its business service's). */
GPtrArray  *fl_work_order_policy_rows (FlDb *db, const char *site_id, GError **error);

/* The calendar of site `site_id` as the replica holds it (the default
 * calendar when the site is unknown). */
FlCalendar *fl_work_order_load_site_calendar (FlDb *db, const char *site_id);

/* Loads the site and its calendar from the replica and derives. */
gboolean    fl_work_order_derive_in_db (FlDb *db, JsonObject *work_order, GError **error);

gboolean    fl_work_order_create (FlDb *db, const FlWorkOrderDraft *draft, const char *actor,
                                  char **out_id, GError **error);

/* Moves the order to `to` if the role may (fl-workflow), keeping the facts
 * the lifecycle needs: responded_at on the first start of work, the time
 * spent on hold (which extends the resolution due time), resolved_at; and
 * writes a `status` entry in its work log with `note`.  Cancelling needs
 * a `note`: the reason is what the log keeps of it. */
gboolean    fl_work_order_move (FlDb *db, const char *id, FlRole role, const char *actor,
                                FlWorkOrderStatus to, const char *note, GError **error);
/* fl_work_order_move with what else the log's note says of the move
 * (FL_NOTE_MOVED's assignee and previous), rendered in the reader's language. */
gboolean    fl_work_order_move_noted (FlDb *db, const char *id, FlRole role, const char *actor,
                                      FlWorkOrderStatus to, JsonObject *note_args, GError **error);

/* Resolves the order (fl_work_order_move to resolved) and records whether
 * it was fixed on the first visit, which the person resolving is asked,
 * and `resolution` when given (NULL: the one written already). */
gboolean    fl_work_order_resolve (FlDb *db, const char *id, FlRole role, const char *actor,
                                   const char *resolution, gboolean first_time_fix,
                                   const char *note, GError **error);

/* Rejects a new or assigned order as outside the service level agreement's
 * scope (驳回), with the reason (required), in one change. */
gboolean    fl_work_order_reject_out_of_scope (FlDb *db, const char *id, FlRole role,
                                               const char *actor, const char *reason,
                                               GError **error);

/* Records the follow-up call on a closed order (已回访): the customer's
 * satisfaction 1-5 (required; it replaces the acceptance's) and what they
 * said (`note`, may be NULL), in one change. */
gboolean    fl_work_order_record_follow_up (FlDb *db, const char *id, FlRole role,
                                            const char *actor, int satisfaction,
                                            const char *note, GError **error);

/* What the lifecycle rules need to know about `wo` for `actor` (NULL: no
 * one in particular), as it is now. */
void        fl_work_order_facts (JsonObject *wo, const char *actor, FlWorkOrderFacts *facts);

/* The moves the UI should offer this role now. */
guint       fl_work_order_allowed_moves (FlDb *db, const char *id, FlRole role, const char *actor,
                                         FlWorkOrderStatus *out, guint max, GError **error);

/* May `actor` in `role` change `field` of the order `wo` now (the rights
 * of fl_workflow_check_field on its status and assignee)?  The client
 * offers only what the server will take. */
gboolean    fl_work_order_may_change (JsonObject *wo, FlRole role, const char *actor,
                                      const char *field, GError **error);

/* Changes ordinary fields; impact/urgency changes re-derive priority and due times. */
gboolean    fl_work_order_update (FlDb *db, const char *id, JsonObject *values, GError **error);

/* kind: "note" | "labour" | "travel" (minutes for the last two). */
gboolean    fl_work_order_log (FlDb *db, const char *id, const char *author, const char *kind,
                               int minutes, const char *text, GError **error);
/* A `note` entry the system writes: `note` and its args (fl-work-log-note.h). */
gboolean    fl_work_order_log_note (FlDb *db, const char *id, const char *author,
                                    const char *note, JsonObject *note_args, GError **error);
/* Corrects the work-log entry `entry_id` (or a correction of it): its kind,
 * minutes and text become these, by `author` now; what it said before stays
 * in its history.  A voided entry cannot be corrected. */
gboolean    fl_work_order_edit_log (FlDb *db, const char *entry_id, const char *author, const char *kind,
                                    int minutes, const char *text, GError **error);
/* Withdraws the entry: it stays in the log, struck through, and no longer
 * counts in the order's time. */
gboolean    fl_work_order_void_log (FlDb *db, const char *entry_id, const char *author, GError **error);

/* Attaches a file stored as the blob `sha256` (a photo of the work) to the
 * order, with its name, MIME type and size in bytes. */
gboolean    fl_work_order_attach (FlDb *db, const char *id, const char *filename, const char *mime,
                                  const char *sha256, gsize size, const char *by, GError **error);

/* Posts a `use` movement of `qty` of a part out of `location_id` (the van)
 * for this work order and notes it in the work log. */
gboolean    fl_work_order_use_part (FlDb *db, const char *id, const char *part_id,
                                    const char *location_id, gint64 qty, const char *serial,
                                    const char *actor, GError **error);

/* Customer acceptance with a name, the signature (sha256 of a PNG blob, may
 * be NULL) and satisfaction 1-5: only of work that is done
 * (fl_workflow_check_acceptance). */
gboolean    fl_work_order_accept (FlDb *db, const char *id, const char *customer_name,
                                  const char *signature_sha256, int satisfaction, GError **error);

G_END_DECLS
