#include "fl-update-rules.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-change-workflow.h"
#include "fl-ci-lifecycle.h"
#include "fl-cmdb-audit.h"
#include "fl-merge.h"
#include "fl-problem-workflow.h"
#include "fl-record.h"

G_DEFINE_QUARK (fl-update-error-quark, fl_update_error)

const char *
fl_table_author_column (const FlTable *table)
{
  static const char * const names[] = { "by", "author" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (fl_table_column (table, names[i]) != NULL)
      return names[i];
  return NULL;
}

const char *
fl_table_when_column (const FlTable *table)
{
  static const char * const names[] = { "at", "checked_at" };
  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    if (fl_table_column (table, names[i]) != NULL)
      return names[i];
  return NULL;
}

gboolean
fl_update_check_asked (const FlTable *table, JsonObject *asked, GError **error)
{
  static const char * const decided_by_approval[] = { "stock_count", "scrap_request", "ci_change_proposal", NULL };
  if (g_strv_contains (decided_by_approval, table->name) && json_object_has_member (asked, "status"))
    {
      g_set_error (error, FL_UPDATE_ERROR, FL_UPDATE_ERROR_REFUSED,
                   _("%s.status is decided by a supervisor's approval, not changed directly"), table->name);
      return FALSE;
    }
  return TRUE;
}

static gboolean
has_text (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return TRUE;
  return FALSE;
}

void
fl_update_work_order_facts (const char *actor, JsonObject *before, JsonObject *after, FlWorkOrderFacts *facts)
{
  memset (facts, 0, sizeof *facts);
  fl_work_order_kind_from_string (fl_record_get_string (after, "kind"), &facts->kind);
  facts->has_resolution = has_text (fl_record_get_string (after, "resolution"));
  facts->customer_accepted = fl_record_get_string (after, "customer_accepted_at") != NULL;
  facts->actor_is_assignee = before != NULL && g_strcmp0 (fl_record_get_string (before, "assignee"), actor) == 0;
  facts->assignee_is_actor_after = g_strcmp0 (fl_record_get_string (after, "assignee"), actor) == 0;
  facts->has_assignee_after = fl_record_get_string (after, "assignee") != NULL;
  facts->has_satisfaction = fl_record_get_int (after, "satisfaction", 0) > 0;
  facts->has_reject_reason = has_text (fl_record_get_string (after, "reject_reason"));
}

static FlWorkOrderStatus
status_of (JsonObject *wo)
{
  FlWorkOrderStatus status = FL_WO_NEW;
  fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &status);
  return status;
}

/* The field rights of the order as it is, the customer's acceptance only of
 * work that is done, and the status move by the lifecycle. */
static gboolean
check_work_order (FlRole role, const char *actor, JsonObject *before, JsonObject *after, JsonObject *apply,
                  GError **error)
{
  FlWorkOrderStatus status = status_of (before);
  gboolean own = g_strcmp0 (fl_record_get_string (before, "assignee"), actor) == 0;
  /* An engineer taking a new, unassigned order for themselves. */
  gboolean taking = status == FL_WO_NEW && status_of (after) == FL_WO_ASSIGNED &&
                    fl_record_get_string (before, "assignee") == NULL &&
                    g_strcmp0 (fl_record_get_string (after, "assignee"), actor) == 0;
  g_autoptr(GList) fields = json_object_get_members (apply);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      if (fl_workflow_field_kind (l->data) == FL_WO_FIELD_STATUS)
        continue;
      if (strcmp (l->data, "assignee") == 0 && role == FL_ROLE_ENGINEER && taking)
        continue;
      if (!fl_workflow_check_field (role, status, l->data, own, error))
        return FALSE;
    }
  FlWorkOrderFacts facts;
  fl_update_work_order_facts (actor, before, after, &facts);
  if (fl_record_get_string (apply, "customer_accepted_at") != NULL &&
      !fl_workflow_check_acceptance (status, &facts, error))
    return FALSE;
  return !json_object_has_member (apply, "status") ||
         fl_workflow_check_move (role, status, status_of (after), &facts, error);
}

/* Each field by the change's status; a move by the change workflow, on the
 * change as it will be (editing what it does starts its approvals over). */
static gboolean
check_change (FlRole role, const char *actor, JsonObject *before, JsonObject *after, JsonObject *apply,
              GError **error)
{
  const char *status = fl_record_get_string (before, "status");
  gboolean resets = FALSE;
  g_autoptr(GList) fields = json_object_get_members (apply);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      if (!fl_change_check_field (status, l->data, error))
        return FALSE;
      resets = resets || fl_change_field_resets_approvals (l->data);
    }
  if (!json_object_has_member (apply, "status"))
    return TRUE;
  g_autoptr(JsonObject) moved = json_object_new ();
  fl_merge_apply (moved, after);
  if (resets)
    {
      json_object_set_null_member (moved, "approved_by");
      json_object_set_null_member (moved, "approval_base");
    }
  return fl_change_check_move (role, actor, before, moved, error);
}

gboolean
fl_update_check (const FlTable *table, FlRole role, const char *actor, JsonObject *before, JsonObject *after,
                 JsonObject *apply, GError **error)
{
  const char *author = fl_table_author_column (table), *when = fl_table_when_column (table);
  gboolean author_changes = author != NULL && json_object_has_member (apply, author);
  if (author_changes || (when != NULL && json_object_has_member (apply, when)))
    {
      g_set_error (error, FL_UPDATE_ERROR, FL_UPDATE_ERROR_REFUSED,
                   _("%s.%s: who made it and when are kept as recorded"), table->name,
                   author_changes ? author : when);
      return FALSE;
    }
  if (strcmp (table->name, "work_order") == 0)
    return check_work_order (role, actor, before, after, apply, error);
  if (strcmp (table->name, "problem") == 0)
    return fl_problem_check_update (role, actor, before, after, error);
  if (strcmp (table->name, "change_record") == 0)
    return json_object_get_size (apply) == 0 || check_change (role, actor, before, after, apply, error);
  if (strcmp (table->name, "cmdb_audit") == 0)
    return fl_cmdb_audit_check_change (role, actor, before, after, error);
  if (strcmp (table->name, "ci") == 0 && json_object_has_member (apply, "status"))
    return fl_ci_check_move (fl_record_get_string (before, "status"), fl_record_get_string (after, "status"),
                             error);
  return TRUE;
}
