#include "fl-problem-workflow.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"
#include "fl-record.h"

static const FlEnumName status_names[] = {
  { "registered", NC_("problem", "Registered") },
  { "assigned", NC_("problem", "Assigned") },
  { "investigating", NC_("problem", "Investigating") },
  { "known_error", NC_("problem", "Known error") },
  { "on_hold", NC_("problem", "On hold") },
  { "resolved", NC_("problem", "Resolved") },
  { "cancelled", NC_("problem", "Cancelled") },
  { "closed", NC_("problem", "Closed") },
};
static const FlEnumTable status_table = FL_ENUM_TABLE (status_names, "problem");

static const FlEnumName origin_names[] = {
  { "incident", NC_("problem origin", "From an incident") },
  { "recurrence", NC_("problem origin", "Recurring incidents of unknown cause") },
  { "major_incident", NC_("problem origin", "Major incident") },
  { "trend", NC_("problem origin", "Trend analysis") },
};
static const FlEnumTable origin_table = FL_ENUM_TABLE (origin_names, "problem origin");

static const FlEnumName category_names[] = {
  { "hardware", NC_("problem category", "IT hardware") },
  { "software", NC_("problem category", "IT software") },
  { "network", NC_("problem category", "Network equipment") },
  { "peripheral", NC_("problem category", "Peripherals") },
  { "other", NC_("problem category", "Other") },
};
static const FlEnumTable category_table = FL_ENUM_TABLE (category_names, "problem category");

const char *
fl_problem_status_label_for_name (const char *status)
{
  return fl_enum_label_for_name (&status_table, status);
}

const char *
fl_problem_origin_label_for_name (const char *origin)
{
  return fl_enum_label_for_name (&origin_table, origin);
}

const char *
fl_problem_category_label_for_name (const char *category)
{
  return fl_enum_label_for_name (&category_table, category);
}

gboolean
fl_problem_recurrence_exceeded (guint unknown_cause_incidents)
{
  return unknown_cause_incidents > FL_PROBLEM_RECURRENCE_LIMIT;
}

gboolean
fl_problem_is_major_incident (JsonObject *wo)
{
  return g_strcmp0 (fl_record_get_string (wo, "kind"), "incident") == 0 &&
         g_strcmp0 (fl_record_get_string (wo, "priority"), "high") == 0 &&
         fl_record_get_int (wo, "impact", 0) == 1;
}

typedef enum {
  ANYONE,        /* the assignee or a supervisor */
  MANAGER_ONLY,  /* a supervisor (or an admin) */
} Who;

typedef struct {
  const char *from;
  const char *to;
  Who who;
} Move;

/* 6.3 派单, 6.4 调研和分析诊断, 6.5 临时措施 (known error), 6.6 解决方案,
 * 6.8 关闭, and 2.4's 问题挂起 and 问题取消. */
static const Move moves[] = {
  { "registered", "assigned", MANAGER_ONLY },
  { "registered", "cancelled", MANAGER_ONLY },
  { "assigned", "investigating", ANYONE },
  { "assigned", "cancelled", MANAGER_ONLY },
  { "investigating", "known_error", ANYONE },
  { "investigating", "resolved", ANYONE },
  { "investigating", "on_hold", ANYONE },
  { "investigating", "cancelled", MANAGER_ONLY },
  { "known_error", "investigating", ANYONE },
  { "known_error", "resolved", ANYONE },
  { "known_error", "on_hold", ANYONE },
  { "on_hold", "investigating", ANYONE },
  { "on_hold", "cancelled", MANAGER_ONLY },
  { "resolved", "investigating", MANAGER_ONLY },
  { "resolved", "closed", MANAGER_ONLY },
};

static gboolean
has_text (JsonObject *row, const char *field)
{
  const char *text = fl_record_get_string (row, field);
  return text != NULL && *text != '\0';
}

static gboolean
is_manager (FlRole role)
{
  return role == FL_ROLE_SUPERVISOR || role == FL_ROLE_ADMIN;
}

/* Moving `problem` (as it will be) from `from` to `to`, `assignee` being
 * who works on it now. */
static gboolean
check_move (FlRole role, const char *actor, const char *from, const char *assignee, JsonObject *problem,
            const char *to, GError **error)
{
  const Move *move = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (moves) && move == NULL; i++)
    if (g_strcmp0 (moves[i].from, from) == 0 && g_strcmp0 (moves[i].to, to) == 0)
      move = &moves[i];
  if (move == NULL)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_INVALID_MOVE,
                   _("A problem that is %s cannot become %s."),
                   fl_problem_status_label_for_name (from), fl_problem_status_label_for_name (to));
      return FALSE;
    }
  gboolean own = actor != NULL && g_strcmp0 (assignee, actor) == 0;
  if (!is_manager (role) && (move->who == MANAGER_ONLY || role != FL_ROLE_ENGINEER || !own))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                   move->who == MANAGER_ONLY
                     ? _("Only a supervisor (the service department manager) may make a problem %s.")
                     : _("Only the problem’s assignee or a supervisor may make it %s."),
                   fl_problem_status_label_for_name (to));
      return FALSE;
    }
  const char *missing = NULL;
  if (g_strcmp0 (to, "assigned") == 0 && !has_text (problem, "assignee"))
    missing = _("Choose who works on the problem before assigning it.");
  else if ((g_strcmp0 (to, "known_error") == 0 || g_strcmp0 (to, "resolved") == 0) &&
           !has_text (problem, "root_cause"))
    missing = _("Write down the root cause first.");
  else if (g_strcmp0 (to, "known_error") == 0 && !has_text (problem, "workaround"))
    missing = _("A known error needs its workaround: write down how to restore service meanwhile.");
  else if (g_strcmp0 (to, "resolved") == 0 && !has_text (problem, "solution"))
    missing = _("Write down the solution first.");
  if (missing != NULL)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION, missing);
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_problem_check_update (FlRole role, const char *actor, JsonObject *before, JsonObject *after,
                         GError **error)
{
  g_return_val_if_fail (before != NULL && after != NULL, FALSE);
  const char *assignee = fl_record_get_string (before, "assignee");
  if (!is_manager (role) && g_strcmp0 (assignee, fl_record_get_string (after, "assignee")) != 0)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
                           _("Only a supervisor (the service department manager) chooses who works on a problem."));
      return FALSE;
    }
  const char *from = fl_record_get_string (before, "status");
  const char *to = fl_record_get_string (after, "status");
  return g_strcmp0 (from, to) == 0 || check_move (role, actor, from, assignee, after, to, error);
}

guint
fl_problem_allowed_moves (FlRole role, const char *actor, JsonObject *problem, const char **out,
                          guint max)
{
  const char *from = fl_record_get_string (problem, "status");
  guint n = 0;
  for (guint i = 0; i < G_N_ELEMENTS (moves) && n < max; i++)
    {
      if (g_strcmp0 (moves[i].from, from) != 0)
        continue;
      /* Preconditions are for the dialog to ask; only who may is checked. */
      g_autoptr(GError) error = NULL;
      if (check_move (role, actor, from, fl_record_get_string (problem, "assignee"), problem, moves[i].to,
                      &error) ||
          g_error_matches (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION))
        out[n++] = moves[i].to;
    }
  return n;
}
