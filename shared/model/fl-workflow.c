#include "fl-workflow.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"
#include "fl-protocol.h"
#include "fl-record.h"

G_DEFINE_QUARK (fl-workflow-error-quark, fl_workflow_error)

static const FlEnumName role_names[] = {
  { "engineer", N_("Engineer") },
  { "clerk", N_("Clerk") },
  { "supervisor", N_("Supervisor") },
  { "admin", N_("Administrator") },
};
static const FlEnumName status_names[] = {
  { "new", N_("New") },
  { "assigned", N_("Assigned") },
  { "in_progress", N_("In progress") },
  { "on_hold", N_("On hold") },
  { "resolved", N_("Resolved") },
  { "closed", N_("Closed") },
  { "visited", N_("Followed up") },
  { "cancelled", N_("Cancelled") },
  { "rejected", N_("Rejected as out of scope") },
};
static const FlEnumName kind_names[] = {
  { "incident", N_("Incident") },
  { "request", N_("Service request") },
  { "maintenance", N_("Maintenance") },
};

G_STATIC_ASSERT (G_N_ELEMENTS (role_names) == FL_N_ROLES);
G_STATIC_ASSERT (G_N_ELEMENTS (status_names) == FL_N_WO_STATUSES);
G_STATIC_ASSERT (G_N_ELEMENTS (kind_names) == FL_WO_KIND_MAINTENANCE + 1);

static const FlEnumTable role_table = FL_ENUM_TABLE (role_names, NULL);
static const FlEnumTable status_table = FL_ENUM_TABLE (status_names, NULL);
static const FlEnumTable kind_table = FL_ENUM_TABLE (kind_names, NULL);

FL_DEFINE_ENUM_NAMES (fl_role, FlRole, role_table)
FL_DEFINE_ENUM_LABELS (fl_role, FlRole, role_table)
FL_DEFINE_ENUM_NAMES (fl_work_order_status, FlWorkOrderStatus, status_table)
FL_DEFINE_ENUM_LABELS (fl_work_order_status, FlWorkOrderStatus, status_table)
FL_DEFINE_ENUM_NAMES (fl_work_order_kind, FlWorkOrderKind, kind_table)
FL_DEFINE_ENUM_LABELS (fl_work_order_kind, FlWorkOrderKind, kind_table)

/* Sets of roles. */
#define ROLE(r)     (1u << (r))
#define ENGINEER    ROLE (FL_ROLE_ENGINEER)
#define CLERK       ROLE (FL_ROLE_CLERK)
#define SUPERVISOR  ROLE (FL_ROLE_SUPERVISOR)
#define ADMIN       ROLE (FL_ROLE_ADMIN)
#define FIELD_STAFF (ENGINEER | SUPERVISOR | ADMIN)
#define MANAGERS    (SUPERVISOR | ADMIN)
#define EVERYONE    (ENGINEER | CLERK | SUPERVISOR | ADMIN)

/* ---- The work-order lifecycle ------------------------------------------ */

typedef enum {
  NEEDS_RESOLUTION = 1 << 0,  /* a resolution text */
  NEEDS_ACCEPTANCE = 1 << 1,  /* the customer's acceptance, for incidents and requests */
  OWNER_AFTER      = 1 << 2,  /* ownership is judged by the assignee after the move */
  NEEDS_ASSIGNEE   = 1 << 3,  /* an assignee after the move */
  NEEDS_REASON     = 1 << 4,  /* why it is out of scope (reject_reason) */
  NEEDS_SATISFACTION = 1 << 5,  /* the customer's satisfaction, asked on the follow-up call */
  CUSTOMER_CASE    = 1 << 6,  /* incidents and requests only: maintenance has no customer case */
} Needs;

typedef enum {
  BY_UPDATE,     /* an ordinary status update */
  BY_APPROVAL,   /* only an approved approval makes this move */
  BY_REJECTION,  /* only a rejected approval makes this move */
} Way;

typedef struct {
  FlWorkOrderStatus from, to;
  guint roles;        /* who may make the move */
  guint owner_roles;  /* of those, who may make it only on their own order */
  guint needs;
  Way way;
} Transition;

/* The one lifecycle table.  Decisions beyond the contract's arrows:
 * - Engineers may take a `new` order for themselves (new -> assigned when
 *   they are the assignee afterwards): they record incidents offline on
 *   site and work them at once.  Assigning to others is a supervisor's job.
 * - Engineers move only orders assigned to them; supervisors and admins make
 *   every move that is not an approval decision; clerks move nothing.
 * - Resolve is allowed from on_hold as well as from in_progress (the
 *   contract's chain reads in_progress <-> on_hold -> resolved): waiting on
 *   the customer can end with the problem gone.
 * - Closing, and sending resolved work back to in_progress, happen only
 *   through a supervisor's approval decision on the server, never through a
 *   status update; approving is a supervisor's review, not an admin's.
 * - The service desk's own steps of the incident procedure (001 事件管理程序
 *   3, 6.1, 6.6) are a supervisor's (the desk works in the supervisor role;
 *   admins manage master data): rejecting a new or assigned incident or
 *   request as outside the service level agreement (驳回), with the reason,
 *   and recording the follow-up call with the customer's satisfaction
 *   after closing (已回访).
 * - visited, cancelled and rejected are final, and closed leads only to
 *   visited: nothing is reopened, new work is a new order (history is
 *   never rewritten). */
static const Transition transitions[] = {
  { FL_WO_NEW,         FL_WO_ASSIGNED,    FIELD_STAFF, ENGINEER, OWNER_AFTER | NEEDS_ASSIGNEE, BY_UPDATE },
  { FL_WO_NEW,         FL_WO_CANCELLED,   MANAGERS,    0,        0,           BY_UPDATE },
  { FL_WO_NEW,         FL_WO_REJECTED,    SUPERVISOR,  0,        NEEDS_REASON | CUSTOMER_CASE, BY_UPDATE },
  { FL_WO_ASSIGNED,    FL_WO_IN_PROGRESS, FIELD_STAFF, ENGINEER, 0,           BY_UPDATE },
  { FL_WO_ASSIGNED,    FL_WO_CANCELLED,   MANAGERS,    0,        0,           BY_UPDATE },
  { FL_WO_ASSIGNED,    FL_WO_REJECTED,    SUPERVISOR,  0,        NEEDS_REASON | CUSTOMER_CASE, BY_UPDATE },
  { FL_WO_IN_PROGRESS, FL_WO_ON_HOLD,     FIELD_STAFF, ENGINEER, 0,           BY_UPDATE },
  { FL_WO_IN_PROGRESS, FL_WO_RESOLVED,    FIELD_STAFF, ENGINEER,
    NEEDS_RESOLUTION | NEEDS_ACCEPTANCE, BY_UPDATE },
  { FL_WO_ON_HOLD,     FL_WO_IN_PROGRESS, FIELD_STAFF, ENGINEER, 0,           BY_UPDATE },
  { FL_WO_ON_HOLD,     FL_WO_RESOLVED,    FIELD_STAFF, ENGINEER,
    NEEDS_RESOLUTION | NEEDS_ACCEPTANCE, BY_UPDATE },
  { FL_WO_RESOLVED,    FL_WO_CLOSED,      SUPERVISOR,  0,        0,           BY_APPROVAL },
  { FL_WO_RESOLVED,    FL_WO_IN_PROGRESS, SUPERVISOR,  0,        0,           BY_REJECTION },
  { FL_WO_CLOSED,      FL_WO_VISITED,     SUPERVISOR,  0,        NEEDS_SATISFACTION | CUSTOMER_CASE, BY_UPDATE },
};

static const Transition *
find_transition (FlWorkOrderStatus from, FlWorkOrderStatus to)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].from == from && transitions[i].to == to)
      return &transitions[i];
  return NULL;
}

static const Transition *
find_decision (FlWorkOrderStatus from, Way way)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].from == from && transitions[i].way == way)
      return &transitions[i];
  return NULL;
}

static gboolean
is_final (FlWorkOrderStatus status)
{
  for (guint i = 0; i < G_N_ELEMENTS (transitions); i++)
    if (transitions[i].from == status)
      return FALSE;
  return TRUE;
}

static void
set_invalid_move (FlWorkOrderStatus from, FlWorkOrderStatus to, GError **error)
{
  if (from == to)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                 _("The work order is already “%s”."), fl_work_order_status_get_label (from));
  else if (is_final (from))
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                 _("The work order is “%s” and cannot change any more; record further work as a new work order."),
                 fl_work_order_status_get_label (from));
  else
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                 _("A work order cannot move from “%s” to “%s”."),
                 fl_work_order_status_get_label (from), fl_work_order_status_get_label (to));
}

gboolean
fl_workflow_check_move (FlRole role, FlWorkOrderStatus from, FlWorkOrderStatus to,
                        const FlWorkOrderFacts *facts, GError **error)
{
  g_return_val_if_fail (role < FL_N_ROLES, FALSE);
  g_return_val_if_fail (from < FL_N_WO_STATUSES && to < FL_N_WO_STATUSES, FALSE);
  g_return_val_if_fail (facts != NULL, FALSE);

  const Transition *t = find_transition (from, to);
  if (t == NULL)
    {
      set_invalid_move (from, to, error);
      return FALSE;
    }
  if (t->way == BY_APPROVAL)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL,
                           _("A work order is closed by a supervisor approving its resolution: approve it in the approval queue instead."));
      return FALSE;
    }
  if (t->way == BY_REJECTION)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL,
                           _("Resolved work goes back to work when a supervisor rejects the resolution: reject it in the approval queue instead."));
      return FALSE;
    }
  if ((t->roles & ROLE (role)) == 0)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("The %s role cannot move a work order from “%s” to “%s”; ask a supervisor."),
                   fl_role_to_string (role), fl_work_order_status_get_label (from), fl_work_order_status_get_label (to));
      return FALSE;
    }
  if ((t->owner_roles & ROLE (role)) != 0)
    {
      if ((t->needs & OWNER_AFTER) != 0 && !facts->assignee_is_actor_after)
        {
          g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                               _("You can take a new work order only for yourself; a supervisor assigns work to others."));
          return FALSE;
        }
      if ((t->needs & OWNER_AFTER) == 0 && !facts->actor_is_assignee)
        {
          g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                               _("This work order is assigned to someone else: only its assignee or a supervisor can move it."));
          return FALSE;
        }
    }
  if ((t->needs & CUSTOMER_CASE) != 0 && facts->kind == FL_WO_KIND_MAINTENANCE)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                           to == FL_WO_REJECTED
                           ? _("Only incidents and service requests are rejected as out of scope; cancel maintenance that is not needed.")
                           : _("Maintenance is the operator's own planned work: there is no follow-up call with a customer."));
      return FALSE;
    }
  if ((t->needs & NEEDS_REASON) != 0 && !facts->has_reject_reason)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Rejecting a work order as out of scope needs a reason: say why the service level agreement does not cover it."));
      return FALSE;
    }
  if ((t->needs & NEEDS_SATISFACTION) != 0 && !facts->has_satisfaction)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Recording the follow-up call needs the customer's satisfaction: ask them how satisfied they are, from 1 to 5."));
      return FALSE;
    }
  if ((t->needs & NEEDS_ASSIGNEE) != 0 && !facts->has_assignee_after)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Assigning a work order needs an engineer: choose who does the work."));
      return FALSE;
    }
  if ((t->needs & NEEDS_RESOLUTION) != 0 && !facts->has_resolution)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Resolving a work order needs a resolution: write down what was done."));
      return FALSE;
    }
  /* Maintenance is planned work for the operator itself: no customer signs it off. */
  if ((t->needs & NEEDS_ACCEPTANCE) != 0 && facts->kind != FL_WO_KIND_MAINTENANCE
      && !facts->customer_accepted)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           facts->kind == FL_WO_KIND_INCIDENT
                           ? _("Resolving an incident needs the customer's acceptance: record their sign-off first.")
                           : _("Resolving a service request needs the customer's acceptance: record their sign-off first."));
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_workflow_check_acceptance (FlWorkOrderStatus status, const FlWorkOrderFacts *facts, GError **error)
{
  g_return_val_if_fail (status < FL_N_WO_STATUSES, FALSE);
  g_return_val_if_fail (facts != NULL, FALSE);

  if (status != FL_WO_IN_PROGRESS && status != FL_WO_ON_HOLD)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                   _("work_order.customer_accepted_at: the customer accepts work that has been done; this work order is “%s”"),
                   fl_work_order_status_get_label (status));
      return FALSE;
    }
  if (!facts->has_resolution)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("work_order.customer_accepted_at: write down what was done (the resolution) before the customer accepts it"));
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_workflow_check_create (FlRole role, FlWorkOrderStatus initial,
                          const FlWorkOrderFacts *facts, GError **error)
{
  g_return_val_if_fail (initial < FL_N_WO_STATUSES, FALSE);

  if (initial == FL_WO_NEW)
    return TRUE;
  if (initial == FL_WO_ASSIGNED)
    return fl_workflow_check_move (role, FL_WO_NEW, FL_WO_ASSIGNED, facts, error);
  g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
               _("A work order starts as “%s” or “%s”, not “%s”."),
               fl_work_order_status_get_label (FL_WO_NEW), fl_work_order_status_get_label (FL_WO_ASSIGNED),
               fl_work_order_status_get_label (initial));
  return FALSE;
}

guint
fl_workflow_allowed_moves (FlRole role, FlWorkOrderStatus from, const FlWorkOrderFacts *facts,
                           FlWorkOrderStatus *out, guint max)
{
  g_return_val_if_fail (out != NULL || max == 0, 0);

  guint n = 0;
  for (FlWorkOrderStatus to = 0; to < FL_N_WO_STATUSES && n < max; to++)
    if (fl_workflow_check_move (role, from, to, facts, NULL))
      out[n++] = to;
  return n;
}

gboolean
fl_workflow_check_approval (FlRole role, FlWorkOrderStatus current, gboolean approve,
                            GError **error)
{
  g_return_val_if_fail (role < FL_N_ROLES, FALSE);
  g_return_val_if_fail (current < FL_N_WO_STATUSES, FALSE);

  const Transition *t = find_decision (current, approve ? BY_APPROVAL : BY_REJECTION);
  if (t == NULL)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                   _("Only resolved work orders can be approved or rejected; this one is “%s”."),
                   fl_work_order_status_get_label (current));
      return FALSE;
    }
  if ((t->roles & ROLE (role)) == 0)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                           _("Only a supervisor can approve or reject resolved work."));
      return FALSE;
    }
  return TRUE;
}

FlWorkOrderStatus
fl_workflow_approval_outcome (gboolean approve)
{
  const Transition *t = find_decision (FL_WO_RESOLVED, approve ? BY_APPROVAL : BY_REJECTION);
  g_assert (t != NULL);
  return t->to;
}

/* ---- Write rights per work-order field ---------------------------------- */

#define STATUS(s)   (1u << (s))
#define OPEN        (STATUS (FL_WO_NEW) | STATUS (FL_WO_ASSIGNED) | STATUS (FL_WO_IN_PROGRESS) | \
                     STATUS (FL_WO_ON_HOLD))
#define WORKING     (STATUS (FL_WO_ASSIGNED) | STATUS (FL_WO_IN_PROGRESS) | STATUS (FL_WO_ON_HOLD))
#define ON_SITE     (STATUS (FL_WO_IN_PROGRESS) | STATUS (FL_WO_ON_HOLD))
#define REVIEWED    (STATUS (FL_WO_RESOLVED) | STATUS (FL_WO_CLOSED))

gboolean
fl_work_order_status_is_open (FlWorkOrderStatus status)
{
  return (OPEN & STATUS (status)) != 0;
}

typedef struct {
  const char *field;
  FlWorkOrderFieldKind kind;
  guint own;       /* statuses in which an engineer changes it on an order assigned to them */
  guint managed;   /* statuses in which supervisors and admins change it */
} FieldRights;

/* The one table of who changes which field of a work order, and when.
 * - What the order is about (title ... urgency) is the assignee's to keep
 *   right while it is open; supervisors may still correct it while the
 *   resolution waits for review.
 * - The work (cause, resolution, first-time fix) is written while it is
 *   worked; the customer's sign-off on site, in progress or on hold.
 * - Moving an order to another site and assigning it are a supervisor's
 *   (engineers take a new order for themselves by the lifecycle's
 *   new -> assigned, never someone else's).
 * - Resolved work is under review: only what a supervisor corrects changes.
 *   Closed orders are history, except the satisfaction recorded on the
 *   follow-up call after closing; visited, cancelled and rejected ones are
 *   history.
 * - The reason for rejecting an order as out of scope is written with the
 *   move, by the supervisor who classifies it.
 * - A security event's outage and loss are known as it is worked and may
 *   still be corrected in review; its grade follows from them. */
static const FieldRights field_rights[] = {
  { "ref",                  FL_WO_FIELD_FIXED,     0,       0 },
  { "kind",                 FL_WO_FIELD_FIXED,     0,       0 },
  { "title",                FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "description",          FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "ci_id",                FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "reporter",             FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "contact",              FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "impact",               FL_WO_FIELD_EDITABLE,  OPEN,    OPEN },
  { "urgency",              FL_WO_FIELD_EDITABLE,  OPEN,    OPEN },
  { "service",              FL_WO_FIELD_EDITABLE,  OPEN,    OPEN },
  { "support_line",         FL_WO_FIELD_EDITABLE,  OPEN,    OPEN },
  { "site_id",              FL_WO_FIELD_EDITABLE,  0,       OPEN },
  { "assignee",             FL_WO_FIELD_EDITABLE,  0,       OPEN },
  { "status",               FL_WO_FIELD_STATUS,    0,       0 },
  { "cause",                FL_WO_FIELD_EDITABLE,  WORKING, WORKING },
  { "resolution",           FL_WO_FIELD_EDITABLE,  WORKING, WORKING },
  { "first_time_fix",       FL_WO_FIELD_EDITABLE,  WORKING, WORKING },
  { "customer_name",        FL_WO_FIELD_EDITABLE,  ON_SITE, ON_SITE },
  { "customer_accepted_at", FL_WO_FIELD_EDITABLE,  ON_SITE, ON_SITE },
  { "signature_blob",       FL_WO_FIELD_EDITABLE,  ON_SITE, ON_SITE },
  { "satisfaction",         FL_WO_FIELD_EDITABLE,  ON_SITE, ON_SITE | REVIEWED },
  { "reject_reason",        FL_WO_FIELD_EDITABLE,  0,       STATUS (FL_WO_NEW) | STATUS (FL_WO_ASSIGNED) },
  { "category",             FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "outage_minutes",       FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "loss_cny",             FL_WO_FIELD_EDITABLE,  OPEN,    OPEN | STATUS (FL_WO_RESOLVED) },
  { "security_grade",       FL_WO_FIELD_DERIVED,   0,       0 },
  { "priority",             FL_WO_FIELD_DERIVED,   0,       0 },
  { "response_due",         FL_WO_FIELD_DERIVED,   0,       0 },
  { "resolve_due",          FL_WO_FIELD_DERIVED,   0,       0 },
  { "request_level",        FL_WO_FIELD_DERIVED,   0,       0 },
  { "responded_at",         FL_WO_FIELD_LIFECYCLE, 0,       0 },
  { "resolved_at",          FL_WO_FIELD_LIFECYCLE, 0,       0 },
  { "closed_at",            FL_WO_FIELD_LIFECYCLE, 0,       0 },
  { "visited_at",           FL_WO_FIELD_LIFECYCLE, 0,       0 },
  { "on_hold_since",        FL_WO_FIELD_LIFECYCLE, 0,       0 },
  { "on_hold_seconds",      FL_WO_FIELD_LIFECYCLE, 0,       0 },
};

/* Asked for every field of every pushed work order: found by name in a
 * table built once. */
static const FieldRights *
find_field (const char *field)
{
  static GHashTable *by_name;
  if (g_once_init_enter (&by_name))
    {
      GHashTable *table = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint i = 0; i < G_N_ELEMENTS (field_rights); i++)
        g_hash_table_insert (table, (gpointer) field_rights[i].field, (gpointer) &field_rights[i]);
      g_once_init_leave (&by_name, table);
    }
  return field != NULL ? g_hash_table_lookup (by_name, field) : NULL;
}

FlWorkOrderFieldKind
fl_workflow_field_kind (const char *field)
{
  const FieldRights *rights = find_field (field);
  return rights != NULL ? rights->kind : FL_WO_FIELD_FIXED;
}

gboolean
fl_workflow_check_field (FlRole role, FlWorkOrderStatus status, const char *field,
                         gboolean actor_is_assignee, GError **error)
{
  g_return_val_if_fail (role < FL_N_ROLES, FALSE);
  g_return_val_if_fail (status < FL_N_WO_STATUSES, FALSE);

  const FieldRights *rights = find_field (field);
  if (rights == NULL)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_UNKNOWN,
                   _("work_order.%s: a work order has no such field"), field != NULL ? field : "");
      return FALSE;
    }
  switch (rights->kind)
    {
    case FL_WO_FIELD_STATUS:
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_WRONG_OPERATION,
                           _("work_order.status: use a status action to move a work order"));
      return FALSE;
    case FL_WO_FIELD_LIFECYCLE:
    case FL_WO_FIELD_DERIVED:
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("work_order.%s: the server sets this from the order's status and its service level; it cannot be written"),
                   rights->field);
      return FALSE;
    case FL_WO_FIELD_FIXED:
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("work_order.%s: fixed when the order was recorded"), rights->field);
      return FALSE;
    case FL_WO_FIELD_EDITABLE:
    default:
      break;
    }

  guint statuses = (ROLE (role) & MANAGERS) != 0 ? rights->managed
                 : role == FL_ROLE_ENGINEER ? rights->own
                 : 0;
  if ((statuses & STATUS (status)) != 0 && (role != FL_ROLE_ENGINEER || actor_is_assignee))
    return TRUE;
  if (role == FL_ROLE_CLERK)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("work_order.%s: the clerk role cannot change work orders"), rights->field);
  else if (is_final (status) || status == FL_WO_CLOSED)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("work_order.%s: the work order is “%s” and its record is final"),
                 rights->field, fl_work_order_status_get_label (status));
  else if (role == FL_ROLE_ENGINEER && rights->own == 0)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("work_order.%s: only a supervisor changes this"), rights->field);
  else if (role == FL_ROLE_ENGINEER && !actor_is_assignee)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("work_order.%s: this work order is assigned to someone else: only its assignee or a supervisor can change it"),
                 rights->field);
  else
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("work_order.%s: cannot change while the work order is “%s”"),
                 rights->field, fl_work_order_status_get_label (status));
  return FALSE;
}

gboolean
fl_workflow_check_assignee (const char *assignee, FlRole assignee_role,
                            const char * const *assignee_sites, const char *site_id,
                            GError **error)
{
  if (assignee_role != FL_ROLE_ENGINEER)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("work_order.assignee: %s is not an engineer; work orders go to engineers"), assignee);
      return FALSE;
    }
  if (assignee_sites != NULL && assignee_sites[0] != NULL &&
      !g_strv_contains (assignee_sites, site_id != NULL ? site_id : ""))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("work_order.assignee: %s does not work at the order's site"), assignee);
      return FALSE;
    }
  return TRUE;
}

GStrv
fl_workflow_user_sites (JsonObject *user)
{
  JsonNode *node = json_object_get_member (user, "sites");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return NULL;
  JsonArray *array = json_node_get_array (node);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  guint n = 0;
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *element = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (element) && json_node_get_value_type (element) == G_TYPE_STRING)
        {
          g_strv_builder_add (builder, json_node_get_string (element));
          n++;
        }
    }
  if (n == 0)
    return NULL;
  return g_strv_builder_end (builder);
}

gboolean
fl_workflow_check_assignee_user (JsonObject *user, const char *site_id, GError **error)
{
  g_return_val_if_fail (user != NULL, FALSE);
  const char *login = fl_record_get_string (user, "login");
  if (fl_record_get_bool (user, "disabled"))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("work_order.assignee: the account of %s is disabled"), login);
      return FALSE;
    }
  FlRole role = FL_ROLE_CLERK;
  fl_role_from_string (fl_record_get_string (user, "role"), &role);
  g_auto(GStrv) sites = fl_workflow_user_sites (user);
  return fl_workflow_check_assignee (login, role, (const char * const *) sites, site_id, error);
}

/* ---- Write rights per table -------------------------------------------- */

typedef enum {
  MUTABLE,      /* insert + update */
  LEDGER,       /* append only */
  SERVER_KEPT,  /* rows the server writes itself */
} TableKind;

typedef struct {
  const char *name;
  TableKind kind;
  guint add;     /* roles that may insert (mutable) or append (ledger) */
  guint change;  /* roles that may update */
} TableRights;

/* From the roles in the design.  Admins hold every right except the two
 * noted; supervisors hold the engineers' rights too.
 * - user: server-authoritative; admins manage users with the server's own
 *   admin commands, never through a sync client.
 * - conflict: the server records conflicts; supervisors (and admins) mark
 *   them resolved.
 * - approval: a supervisor's decision only (the lifecycle's close and reject
 *   are supervisor decisions too); an admin who must approve is given the
 *   supervisor role.
 * - stock_count, scrap_request: clerks count and ask; supervisors may update
 *   them when they review; the approval applies them on the server.
 * - ci_change_proposal: engineers propose, the approval applies it on the
 *   server; nobody but an admin edits a proposal afterwards.
 * - problem, change_record: field staff open problems and request changes;
 *   their statuses move by fl-problem-workflow and fl-change-workflow, a
 *   change's approval only by approvals.
 * - work_order updates by engineers are limited further by the lifecycle
 *   (their own orders), inspection_round updates by engineers to walking
 *   their rounds; stock_movement by fl_access_check_movement_kind.
 * - cmdb_audit: supervisors plan, engineers walk and submit
 *   (fl_cmdb_audit_check_change); marks only on an open round of theirs. */
static const TableRights table_rights[] = {
  { "site",                MUTABLE,     ADMIN,                   ADMIN },
  { "user",                SERVER_KEPT, 0,                       0 },
  { "calendar",            MUTABLE,     ADMIN,                   ADMIN },
  { "sla_policy",          MUTABLE,     ADMIN,                   ADMIN },
  { "service",             MUTABLE,     ADMIN,                   ADMIN },
  { "document",            MUTABLE,     ADMIN,                   ADMIN },
  { "ci",                  MUTABLE,     ADMIN,                   ADMIN },
  { "ci_relation",         MUTABLE,     ADMIN,                   ADMIN },
  { "work_order",          MUTABLE,     FIELD_STAFF,             FIELD_STAFF },
  { "work_log",            LEDGER,      FIELD_STAFF,             0 },
  { "part",                MUTABLE,     CLERK | ADMIN,           CLERK | ADMIN },
  { "stock_location",      MUTABLE,     CLERK | ADMIN,           CLERK | ADMIN },
  { "stock_movement",      LEDGER,      EVERYONE,                0 },
  { "stock_count",         MUTABLE,     CLERK | ADMIN,           CLERK | MANAGERS },
  { "scrap_request",       MUTABLE,     CLERK | ADMIN,           CLERK | MANAGERS },
  { "inspection_template", MUTABLE,     ADMIN,                   ADMIN },
  { "inspection_round",    MUTABLE,     MANAGERS,                FIELD_STAFF },
  { "inspection",          LEDGER,      FIELD_STAFF,             0 },
  { "backup_job",          MUTABLE,     ADMIN,                   ADMIN },
  { "backup_check",        LEDGER,      FIELD_STAFF,             0 },
  { "ci_change_proposal",  MUTABLE,     FIELD_STAFF,             ADMIN },
  { "cmdb_audit",          MUTABLE,     MANAGERS,                FIELD_STAFF },
  { "cmdb_audit_item",     LEDGER,      FIELD_STAFF,             0 },
  { "approval",            LEDGER,      SUPERVISOR,              0 },
  { "attachment",          LEDGER,      EVERYONE,                0 },
  { "conflict",            SERVER_KEPT, 0,                       MANAGERS },
  { "sla_event",           SERVER_KEPT, 0,                       0 },
  { "problem",             MUTABLE,     FIELD_STAFF,             FIELD_STAFF },
  { "problem_link",        LEDGER,      FIELD_STAFF,             0 },
  { "change_record",       MUTABLE,     FIELD_STAFF,             FIELD_STAFF },
};

gboolean
fl_access_check_write (FlRole role, const char *table, const char *op, GError **error)
{
  g_return_val_if_fail (role < FL_N_ROLES, FALSE);

  const TableRights *rights = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (table_rights) && rights == NULL; i++)
    if (g_strcmp0 (table_rights[i].name, table) == 0)
      rights = &table_rights[i];
  if (rights == NULL)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_UNKNOWN,
                   _("There is no table “%s”."), table != NULL ? table : "");
      return FALSE;
    }
  FlMutationOp operation;
  if (!fl_mutation_op_from_string (op, &operation))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_UNKNOWN,
                   _("Unknown operation “%s”: use insert, update or append."), op != NULL ? op : "");
      return FALSE;
    }
  if (rights->kind == LEDGER && operation != FL_MUTATION_APPEND)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_WRONG_OPERATION,
                   _("“%s” is an append-only record: add a new entry instead."), rights->name);
      return FALSE;
    }
  if (rights->kind != LEDGER && operation == FL_MUTATION_APPEND)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_WRONG_OPERATION,
                   _("“%s” records are inserted and updated, not appended."), rights->name);
      return FALSE;
    }

  guint roles = operation == FL_MUTATION_UPDATE ? rights->change : rights->add;
  if ((roles & ROLE (role)) != 0)
    return TRUE;
  if (rights->kind == SERVER_KEPT && roles == 0)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("“%s” records are kept by the server and cannot be written from a client."),
                 rights->name);
  else if (operation == FL_MUTATION_UPDATE)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("The %s role cannot change “%s” records."), fl_role_to_string (role), rights->name);
  else
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("The %s role cannot add “%s” records."), fl_role_to_string (role), rights->name);
  return FALSE;
}

typedef struct {
  const char *kind;
  guint roles;               /* who may post it from a client */
  const char *via_approval;  /* why nobody may: the approval that posts it */
} MovementRights;

/* Clerks (and admins) run the stores; engineers and supervisors only use
 * parts on jobs, return them, and transfer between a van and a site (that
 * the locations are their own van and a site of theirs is the server's
 * scope check).  Scrap and adjust are never posted by a client: a clerk
 * submits a scrap_request or a stock_count, and the server posts the scrap
 * or adjust movement when a supervisor's approval of it is applied. */
static const MovementRights movement_rights[] = {
  { "receive",  CLERK | ADMIN, NULL },
  { "issue",    CLERK | ADMIN, NULL },
  { "transfer", EVERYONE,      NULL },
  { "use",      EVERYONE,      NULL },
  { "return",   EVERYONE,      NULL },
  { "scrap",    0, N_("Scrapping parts needs a supervisor's approval: submit a scrap request instead.") },
  { "adjust",   0, N_("Stock is corrected by a stocktake: submit a stock count for a supervisor to approve instead.") },
};

static gboolean
serves_site (const char * const *user_sites, const char *site_id)
{
  if (user_sites == NULL || user_sites[0] == NULL)
    return TRUE;
  return site_id != NULL && g_strv_contains (user_sites, site_id);
}

static gboolean
check_location (FlRole role, const char *login, const char * const *user_sites,
                const FlLocationFacts *l, const char *column, gboolean taking, GError **error)
{
  if (l == NULL || role == FL_ROLE_ADMIN)
    return TRUE;
  gboolean own = g_strcmp0 (l->owner, login) == 0;
  if (g_strcmp0 (l->kind, "van") == 0)
    {
      if (role == FL_ROLE_CLERK || own)
        return TRUE;
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("stock_movement.%s: this van is %s's; only its owner uses it, and a clerk moves stock in or out"),
                   column, l->owner != NULL ? l->owner : _("nobody"));
      return FALSE;
    }
  if (g_strcmp0 (l->kind, "warehouse") == 0)
    {
      if (role == FL_ROLE_CLERK && (own || serves_site (user_sites, l->site_id)))
        return TRUE;
      if (role == FL_ROLE_CLERK)
        g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                     _("stock_movement.%s: this warehouse is kept by the clerks of its site and its keeper, not by you"),
                     column);
      else if (taking)
        g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                     _("stock_movement.%s: parts are not taken from a warehouse directly; a clerk issues them to your van"),
                     column);
      else if (l->site_id != NULL && serves_site (user_sites, l->site_id))
        return TRUE;
      else
        g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                     _("stock_movement.%s: return parts only to a warehouse of your own sites"), column);
      return FALSE;
    }
  return TRUE;  /* a site's own store: its site scopes it */
}

gboolean
fl_access_check_locations (FlRole role, const char *login, const char * const *user_sites,
                           const FlLocationFacts *from, const FlLocationFacts *to, GError **error)
{
  g_return_val_if_fail (role < FL_N_ROLES, FALSE);
  return check_location (role, login, user_sites, from, "from_location", TRUE, error) &&
         check_location (role, login, user_sites, to, "to_location", FALSE, error);
}

gboolean
fl_access_check_movement_kind (FlRole role, const char *kind, GError **error)
{
  g_return_val_if_fail (role < FL_N_ROLES, FALSE);

  for (guint i = 0; i < G_N_ELEMENTS (movement_rights); i++)
    {
      const MovementRights *m = &movement_rights[i];
      if (g_strcmp0 (m->kind, kind) != 0)
        continue;
      if ((m->roles & ROLE (role)) != 0)
        return TRUE;
      if (m->via_approval != NULL)
        g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL,
                             _(m->via_approval));
      else
        g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                     _("The %s role cannot post “%s” stock movements; ask a clerk."),
                     fl_role_to_string (role), m->kind);
      return FALSE;
    }
  g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_UNKNOWN,
               _("There is no stock movement kind “%s”."), kind != NULL ? kind : "");
  return FALSE;
}
