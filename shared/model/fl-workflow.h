/* fl-workflow.h — who may do what: the work-order lifecycle and the write
 * rights of each role, as one table that the client (to offer and check
 * actions offline) and the server (to accept or reject mutations) share.
 *
 * Pure rules over enums and facts: no database, no I/O.  The callers gather
 * the facts (is there a resolution, did the customer accept, who is the
 * assignee) and the server checks again against its own current row. */
#pragma once

#include <glib.h>
#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FL_WORKFLOW_ERROR (fl_workflow_error_quark ())
typedef enum {
  FL_WORKFLOW_ERROR_FORBIDDEN,        /* the role may not do this (or not to this order) */
  FL_WORKFLOW_ERROR_INVALID_MOVE,     /* the move is not in the lifecycle */
  FL_WORKFLOW_ERROR_PRECONDITION,     /* a resolution, acceptance, reason or satisfaction is missing */
  FL_WORKFLOW_ERROR_NEEDS_APPROVAL,   /* only a supervisor's approval does this */
  FL_WORKFLOW_ERROR_UNKNOWN,          /* no such table, operation or movement kind */
  FL_WORKFLOW_ERROR_WRONG_OPERATION,  /* the operation does not fit the table (update a ledger) */
} FlWorkflowError;
GQuark fl_workflow_error_quark (void);

typedef enum {
  FL_ROLE_ENGINEER,
  FL_ROLE_CLERK,
  FL_ROLE_SUPERVISOR,
  FL_ROLE_ADMIN,
} FlRole;
#define FL_N_ROLES (FL_ROLE_ADMIN + 1)

typedef enum {
  FL_WO_NEW,
  FL_WO_ASSIGNED,
  FL_WO_IN_PROGRESS,
  FL_WO_ON_HOLD,
  FL_WO_RESOLVED,
  FL_WO_CLOSED,
  FL_WO_VISITED,    /* closed, and the follow-up call with the customer recorded (已回访) */
  FL_WO_CANCELLED,
  FL_WO_REJECTED,   /* rejected as outside the service level agreement's scope (驳回) */
} FlWorkOrderStatus;
#define FL_N_WO_STATUSES (FL_WO_REJECTED + 1)

typedef enum {
  FL_WO_KIND_INCIDENT,
  FL_WO_KIND_REQUEST,
  FL_WO_KIND_MAINTENANCE,
} FlWorkOrderKind;

/* The stored names ("engineer", "in_progress", "incident", ...).  from_string
 * returns FALSE (leaving *out alone) for NULL or an unknown name. */
const char *fl_role_to_string              (FlRole role);
gboolean    fl_role_from_string            (const char *text, FlRole *out);
const char *fl_work_order_status_to_string (FlWorkOrderStatus status);
gboolean    fl_work_order_status_from_string (const char *text, FlWorkOrderStatus *out);
const char *fl_work_order_kind_to_string   (FlWorkOrderKind kind);
gboolean    fl_work_order_kind_from_string (const char *text, FlWorkOrderKind *out);

/* The translated names for people ("Engineer", "In progress", "Incident");
 * label_for_name takes the stored name and gives it back when unknown. */
const char *fl_role_get_label                  (FlRole role);
const char *fl_role_label_for_name             (const char *text);
const char *fl_work_order_status_get_label     (FlWorkOrderStatus status);
const char *fl_work_order_status_label_for_name (const char *text);
const char *fl_work_order_kind_get_label       (FlWorkOrderKind kind);
const char *fl_work_order_kind_label_for_name  (const char *text);

/* An open order: new, assigned, in progress or on hold (its SLA clock can
 * run; the queues and the SLA sweep look at it): the statuses in which the
 * field rights below call it open. */
gboolean    fl_work_order_status_is_open (FlWorkOrderStatus status);
/* The same statuses as an SQL list, for queries: "status IN "
 * FL_WO_OPEN_STATUSES_SQL (a unit test holds it to fl_work_order_status_is_open). */
#define FL_WO_OPEN_STATUSES_SQL "('new', 'assigned', 'in_progress', 'on_hold')"

/* What the rules need to know about the order and the person moving it. */
typedef struct {
  FlWorkOrderKind kind;
  gboolean has_resolution;           /* a non-empty resolution text */
  gboolean customer_accepted;        /* customer_accepted_at is set */
  gboolean actor_is_assignee;        /* the order is assigned to the actor now */
  gboolean assignee_is_actor_after;  /* after the move the actor is the assignee */
  gboolean has_assignee_after;       /* after the move the order has an assignee */
  gboolean has_satisfaction;         /* satisfaction is set (the follow-up call's) */
  gboolean has_reject_reason;        /* a non-empty reject_reason (out of scope) */
} FlWorkOrderFacts;

/* May `role` move an order from `from` to `to` by a status update?
 * Closing and sending resolved work back happen only through a supervisor's
 * approval (fl_workflow_check_approval), so every role gets
 * FL_WORKFLOW_ERROR_NEEDS_APPROVAL for those.  The error says what to do. */
gboolean fl_workflow_check_move     (FlRole role, FlWorkOrderStatus from, FlWorkOrderStatus to,
                                     const FlWorkOrderFacts *facts, GError **error);

/* May the customer's acceptance (customer_accepted_at) be recorded on an
 * order that is `status` now, with `facts` as they are after the change?
 * Only for work that is done: in progress or on hold, with a resolution
 * that says what was done.  The client asks before it records one, the
 * server before it takes one (in an update or a new order). */
gboolean fl_workflow_check_acceptance (FlWorkOrderStatus status, const FlWorkOrderFacts *facts,
                                       GError **error);

/* May a new order be recorded in `initial` status: `new`, or `assigned`
 * when the role could take it there from `new`. */
gboolean fl_workflow_check_create   (FlRole role, FlWorkOrderStatus initial,
                                     const FlWorkOrderFacts *facts, GError **error);

/* Writes to `out` (up to `max`) the statuses fl_workflow_check_move allows
 * from `from`, in lifecycle order; returns how many.  Approval decisions are
 * not among them: the approval queue offers those. */
guint    fl_workflow_allowed_moves  (FlRole role, FlWorkOrderStatus from,
                                     const FlWorkOrderFacts *facts,
                                     FlWorkOrderStatus *out, guint max);

/* May `role` approve (resolved -> closed) or reject (resolved -> in_progress)
 * an order that is now `current`? */
gboolean fl_workflow_check_approval (FlRole role, FlWorkOrderStatus current, gboolean approve,
                                     GError **error);

/* The status an approved (closed) or rejected (in_progress) decision leads to. */
FlWorkOrderStatus fl_workflow_approval_outcome (gboolean approve);

/* Who writes which field of a work order.  FL_WO_FIELD_LIFECYCLE fields
 * (responded_at, resolved_at, closed_at, visited_at, on_hold_since,
 * on_hold_seconds)
 * follow from status moves and FL_WO_FIELD_DERIVED ones (priority and the
 * due times) from the SLA: only the server sets them, from its own clock
 * and rules.  Status moves are FL_WO_FIELD_STATUS (fl_workflow_check_move);
 * every other field is FL_WO_FIELD_EDITABLE within the rights of
 * fl_workflow_check_field. */
typedef enum {
  FL_WO_FIELD_EDITABLE,
  FL_WO_FIELD_STATUS,
  FL_WO_FIELD_LIFECYCLE,
  FL_WO_FIELD_DERIVED,
  FL_WO_FIELD_FIXED,      /* set when the order is recorded (ref, kind) */
} FlWorkOrderFieldKind;

FlWorkOrderFieldKind fl_workflow_field_kind (const char *field);

/* May `role` change `field` of a work order that is `status` now?
 * `actor_is_assignee`: the order is assigned to the actor (engineers change
 * only their own orders).  Closed orders change no more except the
 * satisfaction a supervisor records on the follow-up call; visited,
 * cancelled and rejected ones not at all.
 * Assigning (field "assignee") is a supervisor's: fl_workflow_check_assignee
 * says to whom.  The error names the field. */
gboolean fl_workflow_check_field    (FlRole role, FlWorkOrderStatus status, const char *field,
                                     gboolean actor_is_assignee, GError **error);

/* May an order of `site_id` be assigned to a user with `assignee_role` who
 * works at `assignee_sites` (NULL or empty: every site)?  Only to an
 * engineer who works at the order's site. */
gboolean fl_workflow_check_assignee (const char *assignee, FlRole assignee_role,
                                     const char * const *assignee_sites, const char *site_id,
                                     GError **error);

/* The site ids of the user row `user` (its "sites"), or NULL when the user
 * works at every site. */
GStrv    fl_workflow_user_sites     (JsonObject *user);

/* fl_workflow_check_assignee for the user row `user` (login, role, sites,
 * disabled): a disabled account takes no work either.  The client offers
 * and the server accepts the same people with it. */
gboolean fl_workflow_check_assignee_user (JsonObject *user, const char *site_id, GError **error);

/* May `role` write to `table` with `op` ("insert" | "update" for mutable
 * tables, "append" for ledgers)?  Field-level limits (an engineer may only
 * move their own orders, which movement kinds) are checked by the functions
 * above and below; per-site scope by the server. */
gboolean fl_access_check_write         (FlRole role, const char *table, const char *op,
                                        GError **error);

/* A stock location as the movement rules see it. */
typedef struct {
  const char *id;
  const char *kind;     /* "warehouse" | "van" | "site" */
  const char *site_id;  /* NULL: no site (a central warehouse) */
  const char *owner;    /* a van's engineer; a warehouse's keeper besides its site's clerks */
} FlLocationFacts;

/* May `login` in `role`, working at `user_sites` (NULL or empty: every
 * site), move stock out of `from` and into `to` (either may be NULL)?
 * A van is its owner's: only the owner uses or returns parts from it;
 * clerks move stock in and out of vans.  A warehouse is used by the clerks
 * of its site and its keeper; engineers never take from a warehouse, and
 * put back only into one of their own sites.  Admins may do all.  The
 * error names the location's column. */
gboolean fl_access_check_locations (FlRole role, const char *login, const char * const *user_sites,
                                    const FlLocationFacts *from, const FlLocationFacts *to,
                                    GError **error);

/* May `role` post a stock movement of `kind` ("receive", "use", ...)? */
gboolean fl_access_check_movement_kind (FlRole role, const char *kind, GError **error);

G_END_DECLS
