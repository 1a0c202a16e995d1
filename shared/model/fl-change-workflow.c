#include "fl-change-workflow.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"
#include "fl-record.h"

static const FlEnumName kind_names[] = {
  { "standard", NC_("change", "Standard change") },
  { "general", NC_("change", "General change") },
  { "major", NC_("change", "Major change") },
  { "emergency", NC_("change", "Emergency change") },
};
static const FlEnumTable kind_table = FL_ENUM_TABLE (kind_names, "change");

static const FlEnumName status_names[] = {
  { "requested", NC_("change", "Requested") },
  { "approved", NC_("change", "Approved") },
  { "rejected", NC_("change", "Rejected") },
  { "implementing", NC_("change", "Implementing") },
  { "implemented", NC_("change", "Implemented") },
  { "failed", NC_("change", "Failed, rolled back") },
  { "reviewed", NC_("change", "Reviewed") },
  { "closed", NC_("change", "Closed") },
};
static const FlEnumTable status_table = FL_ENUM_TABLE (status_names, "change");

static const FlEnumName document_names[] = {
  { "rollback_plan", NC_("change", "Rollback plan") },
  { "test_report", NC_("change", "Test report") },
};
static const FlEnumTable document_table = FL_ENUM_TABLE (document_names, "change");

const char *
fl_change_document_label_for_name (const char *document)
{
  return fl_enum_label_for_name (&document_table, document);
}

const char *
fl_change_kind_label_for_name (const char *kind)
{
  return fl_enum_label_for_name (&kind_table, kind);
}

const char *
fl_change_status_label_for_name (const char *status)
{
  return fl_enum_label_for_name (&status_table, status);
}

static gboolean
has_text (JsonObject *row, const char *field)
{
  const char *text = fl_record_get_string (row, field);
  return text != NULL && *text != '\0';
}

static gboolean
needs_board (JsonObject *change)
{
  const char *kind = fl_record_get_string (change, "kind");
  return g_strcmp0 (kind, "major") == 0 || g_strcmp0 (kind, "emergency") == 0;
}

static gboolean
list_contains (JsonObject *row, const char *field, const char *login)
{
  JsonNode *node = json_object_get_member (row, field);
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node))
    return FALSE;
  JsonArray *array = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      JsonNode *item = json_array_get_element (array, i);
      if (JSON_NODE_HOLDS_VALUE (item) && g_strcmp0 (json_node_get_string (item), login) == 0)
        return TRUE;
    }
  return FALSE;
}

static guint
list_length (JsonObject *row, const char *field)
{
  JsonNode *node = json_object_get_member (row, field);
  return node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_array_get_length (json_node_get_array (node)) : 0;
}

gboolean
fl_change_check_decision (FlRole role, const char *login, JsonObject *change, gboolean approve,
                          GError **error)
{
  g_return_val_if_fail (change != NULL, FALSE);
  const char *status = fl_record_get_string (change, "status");
  if (g_strcmp0 (status, "requested") != 0)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                   _("This change is %s: only a requested change is decided."),
                   fl_change_status_label_for_name (status));
      return FALSE;
    }
  if (role != FL_ROLE_SUPERVISOR)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                           _("Changes are approved by supervisors: the department manager, or the members of the change advisory board."));
      return FALSE;
    }
  if (!needs_board (change))
    return TRUE;
  if (list_length (change, "approvers") < 2)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("A major or an emergency change is approved by its change advisory board: name at least two approvers."));
      return FALSE;
    }
  if (!list_contains (change, "approvers", login))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   _("%s is not on this change’s advisory board; only its members decide it."), login);
      return FALSE;
    }
  if (list_contains (change, "approved_by", login))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                   _("%s has already approved this change; it waits for the other members of the board."), login);
      return FALSE;
    }
  if (approve && g_strcmp0 (fl_record_get_string (change, "kind"), "major") == 0 &&
      (!has_text (change, "rollback_plan_attachment") || !has_text (change, "test_report_attachment")))
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           !has_text (change, "rollback_plan_attachment")
                             ? _("A major change is approved only with its rollback plan: attach it first.")
                             : _("A major change is approved only with the report of its test: attach it first."));
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_change_decision_is_current (JsonObject *change, gint64 seen)
{
  if (seen == fl_record_get_int (change, "version", 0))
    return TRUE;
  gint64 base = fl_record_get_int (change, "approval_base", 0);
  return base > 0 && list_length (change, "approved_by") > 0 && seen >= base;
}

gboolean
fl_change_approvals_complete (JsonObject *change)
{
  if (!needs_board (change))
    return list_length (change, "approved_by") > 0;
  JsonNode *node = json_object_get_member (change, "approvers");
  if (node == NULL || !JSON_NODE_HOLDS_ARRAY (node) || json_array_get_length (json_node_get_array (node)) == 0)
    return FALSE;
  JsonArray *approvers = json_node_get_array (node);
  for (guint i = 0; i < json_array_get_length (approvers); i++)
    if (!list_contains (change, "approved_by", json_array_get_string_element (approvers, i)))
      return FALSE;
  return TRUE;
}

void
fl_change_record_decision (JsonObject *change, const char *login, gboolean approve)
{
  g_return_if_fail (change != NULL && login != NULL);
  if (!approve)
    {
      json_object_set_string_member (change, "status", "rejected");
      return;
    }
  JsonNode *node = json_object_get_member (change, "approved_by");
  JsonArray *approved = node != NULL && JSON_NODE_HOLDS_ARRAY (node)
    ? json_array_ref (json_node_get_array (node)) : json_array_new ();
  if (json_array_get_length (approved) == 0)
    json_object_set_int_member (change, "approval_base", fl_record_get_int (change, "version", 1));
  json_array_add_string_element (approved, login);
  json_object_set_array_member (change, "approved_by", approved);
  if (fl_change_approvals_complete (change))
    json_object_set_string_member (change, "status",
                                   g_strcmp0 (fl_record_get_string (change, "kind"), "standard") == 0
                                     ? "implemented" : "approved");
}

typedef enum {
  IMPLEMENTER,   /* the assignee or a supervisor */
  MANAGER_ONLY,  /* a supervisor (or an admin) */
} Who;

typedef struct {
  const char *from;
  const char *to;
  Who who;
} Move;

static const Move moves[] = {
  { "approved", "implementing", IMPLEMENTER },
  { "approved", "implemented", IMPLEMENTER },
  { "implementing", "implemented", IMPLEMENTER },
  { "implementing", "failed", IMPLEMENTER },
  { "implemented", "reviewed", MANAGER_ONLY },
  { "failed", "reviewed", MANAGER_ONLY },
  { "implemented", "closed", MANAGER_ONLY },
  { "reviewed", "closed", MANAGER_ONLY },
};

gboolean
fl_change_check_move (FlRole role, const char *actor, JsonObject *before, JsonObject *after,
                      GError **error)
{
  g_return_val_if_fail (before != NULL && after != NULL, FALSE);
  JsonObject *change = after;
  const char *from = fl_record_get_string (before, "status");
  const char *to = fl_record_get_string (change, "status");
  if (g_strcmp0 (to, "approved") == 0 || g_strcmp0 (to, "rejected") == 0)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL,
                           _("A change is approved or rejected by an approval, not by changing its status."));
      return FALSE;
    }
  const Move *move = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (moves) && move == NULL; i++)
    if (g_strcmp0 (moves[i].from, from) == 0 && g_strcmp0 (moves[i].to, to) == 0)
      move = &moves[i];
  if (move == NULL)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                   _("A change that is %s cannot become %s."),
                   fl_change_status_label_for_name (from), fl_change_status_label_for_name (to));
      return FALSE;
    }
  gboolean manager = role == FL_ROLE_SUPERVISOR || role == FL_ROLE_ADMIN;
  const char *assignee = fl_record_get_string (before, "assignee");
  gboolean own = actor != NULL && g_strcmp0 (assignee, actor) == 0 &&
                 g_strcmp0 (assignee, fl_record_get_string (after, "assignee")) == 0;
  if (!manager && (move->who == MANAGER_ONLY || role != FL_ROLE_ENGINEER || !own))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   move->who == MANAGER_ONLY
                     ? _("Only a supervisor may make a change %s.")
                     : _("Only the change’s assignee or a supervisor may make it %s."),
                   fl_change_status_label_for_name (to));
      return FALSE;
    }
  if (g_strcmp0 (to, "reviewed") == 0 && !has_text (change, "review"))
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Write the post-implementation review first: did the change meet its purpose?"));
      return FALSE;
    }
  if (g_strcmp0 (from, "implemented") == 0 && g_strcmp0 (to, "closed") == 0 && needs_board (change))
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("A major or an emergency change is closed only after its post-implementation review."));
      return FALSE;
    }
  return TRUE;
}

guint
fl_change_allowed_moves (FlRole role, const char *actor, JsonObject *change, const char **out, guint max)
{
  const char *from = fl_record_get_string (change, "status");
  guint n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (moves) && n < max; i++)
    {
      if (g_strcmp0 (moves[i].from, from) != 0)
        continue;
      g_autoptr(JsonObject) after = json_object_new ();
      g_autoptr(GList) fields = json_object_get_members (change);
      for (GList *l = fields; l != NULL; l = l->next)
        json_object_set_member (after, l->data, json_node_copy (json_object_get_member (change, l->data)));
      json_object_set_string_member (after, "status", moves[i].to);
      g_autoptr(GError) error = NULL;
      if (fl_change_check_move (role, actor, change, after, &error) ||
          g_error_matches (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION))
        out[n++] = moves[i].to;
    }
  return n;
}

static const char * const content_fields[] = {
  "kind", "title", "reason", "plan", "site_id", "ci_id", "changes", "problem_id", "work_order_id",
  "rollback_plan", "rollback_plan_attachment", "approvers", NULL };

gboolean
fl_change_field_resets_approvals (const char *field)
{
  return g_strv_contains (content_fields, field);
}

gboolean
fl_change_check_field (const char *status, const char *field, GError **error)
{
  if (g_strcmp0 (field, "status") == 0)
    return TRUE;
  gboolean content = fl_change_field_resets_approvals (field);
  if (content ? g_strcmp0 (status, "requested") == 0
              : g_strcmp0 (status, "closed") != 0 && g_strcmp0 (status, "rejected") != 0)
    return TRUE;
  if (content)
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("change_record.%s: what a change does is fixed once it is decided; request a new change"),
                 field);
  else
    g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                 _("change_record.%s: the change is %s and kept as it is"),
                 field, fl_change_status_label_for_name (status));
  return FALSE;
}
