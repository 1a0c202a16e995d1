#include "fl-cmdb-audit.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>

#include "fl-enum.h"
#include "fl-record.h"

G_DEFINE_QUARK (fl-cmdb-audit-error-quark, fl_cmdb_audit_error)

static const FlEnumName result_names[] = {
  { "as_recorded", NC_("audit result", "Found as recorded") },
  { "differs", NC_("audit result", "Found with differences") },
  { "missing", NC_("audit result", "Missing") },
  { "unrecorded", NC_("audit result", "Found, not recorded") },
};
static const FlEnumTable result_table = FL_ENUM_TABLE (result_names, "audit result");

FL_DEFINE_ENUM_NAMES (fl_audit_result, FlAuditResult, result_table)
FL_DEFINE_ENUM_LABELS (fl_audit_result, FlAuditResult, result_table)

static const FlEnumName status_names[] = {
  { "planned", NC_("audit status", "Planned") },
  { "in_progress", NC_("audit status", "In progress") },
  { "pending", NC_("audit status", "Waiting for approval") },
  { "approved", NC_("audit status", "Approved") },
  { "rejected", NC_("audit status", "Sent back") },
  { "cancelled", NC_("audit status", "Cancelled") },
};
static const FlEnumTable status_table = FL_ENUM_TABLE (status_names, "audit status");

FL_DEFINE_ENUM_NAMES (fl_audit_status, FlAuditStatus, status_table)
FL_DEFINE_ENUM_LABELS (fl_audit_status, FlAuditStatus, status_table)

#define TO(s) (1u << (s))

/* Moves a client may write; approved and rejected are the approval's. */
static const guint status_moves[FL_N_AUDIT_STATUSES] = {
  [FL_AUDIT_PLANNED]     = TO (FL_AUDIT_IN_PROGRESS) | TO (FL_AUDIT_PENDING) | TO (FL_AUDIT_CANCELLED),
  [FL_AUDIT_IN_PROGRESS] = TO (FL_AUDIT_PENDING) | TO (FL_AUDIT_CANCELLED),
  [FL_AUDIT_PENDING]     = TO (FL_AUDIT_CANCELLED),
  [FL_AUDIT_REJECTED]    = TO (FL_AUDIT_IN_PROGRESS) | TO (FL_AUDIT_PENDING) | TO (FL_AUDIT_CANCELLED),
  [FL_AUDIT_APPROVED]    = 0,
  [FL_AUDIT_CANCELLED]   = 0,
};

/* What the engineer walking a round may do: start it, submit it. */
static const guint engineer_moves = TO (FL_AUDIT_IN_PROGRESS) | TO (FL_AUDIT_PENDING);

/* The fields someone standing before an item can check (001 配置管理程序
 * 6.2: description, state, version, location; 003 7.4.3.1 a: model, serial,
 * location, system). */
static const char * const audited_fields[] = {
  "name", "type", "model", "serial", "revision", "location", "system", "status", "owner", NULL };

const char * const *
fl_cmdb_audit_fields (void)
{
  return audited_fields;
}

gboolean
fl_cmdb_audit_is_open (const char *status)
{
  FlAuditStatus s;
  return fl_audit_status_from_string (status, &s) &&
         (s == FL_AUDIT_PLANNED || s == FL_AUDIT_IN_PROGRESS || s == FL_AUDIT_REJECTED);
}

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID, message);
  return FALSE;
}

static gboolean
has_value (JsonNode *node)
{
  return node != NULL && !JSON_NODE_HOLDS_NULL (node);
}

/* One {recorded, found} pair of `field`. */
static gboolean
check_difference (const char *field, JsonNode *pair_node, gboolean unrecorded, GError **error)
{
  const FlTable *ci = fl_schema_lookup ("ci");
  const FlColumn *column = fl_table_column (ci, field);
  gboolean audited = g_strv_contains (audited_fields, field) || (unrecorded && g_str_equal (field, "code"));
  if (column == NULL || !audited)
    return invalid (error, _("cmdb_audit_item.differences: “%s” is not a field an audit checks"), field);
  if (!JSON_NODE_HOLDS_OBJECT (pair_node))
    return invalid (error, _("cmdb_audit_item.differences.%s: expects the recorded and the found value"), field);
  JsonObject *pair = json_node_get_object (pair_node);
  JsonNode *recorded = json_object_get_member (pair, "recorded");
  JsonNode *found = json_object_get_member (pair, "found");
  if (found == NULL)
    return invalid (error, _("cmdb_audit_item.differences.%s: the found value is missing"), field);
  if (unrecorded && has_value (recorded))
    return invalid (error, _("cmdb_audit_item.differences.%s: an item that is not recorded has no recorded value"),
                    field);
  if (!unrecorded && (has_value (recorded) ? fl_json_node_equal (recorded, found) : !has_value (found)))
    return invalid (error, _("cmdb_audit_item.differences.%s: the found value is the recorded one"), field);
  if (has_value (found))
    {
      g_autoptr(GError) local_error = NULL;
      if (!fl_record_validate_value (ci, column, found, &local_error))
        return invalid (error, _("cmdb_audit_item.differences.%s: %s"), field, local_error->message);
    }
  return TRUE;
}

gboolean
fl_cmdb_audit_check_item (JsonObject *item, GError **error)
{
  FlAuditResult result;
  if (!fl_audit_result_from_string (fl_record_get_string (item, "result"), &result))
    return invalid (error, _("cmdb_audit_item.result: say whether the item was found as recorded, "
                             "found with differences, missing, or found but not recorded"));
  gboolean unrecorded = result == FL_AUDIT_UNRECORDED;
  const char *ci_id = fl_record_get_string (item, "ci_id");
  if (unrecorded && ci_id != NULL)
    return invalid (error, _("cmdb_audit_item.ci_id: an item found but not recorded has no record yet"));
  if (!unrecorded && ci_id == NULL)
    return invalid (error, _("cmdb_audit_item.ci_id: name the recorded item that was checked"));

  JsonNode *node = json_object_get_member (item, "differences");
  JsonObject *differences = node != NULL && JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
  if (has_value (node) && differences == NULL)
    return invalid (error, _("cmdb_audit_item.differences: expects {field: {recorded, found}}"));
  guint n = differences != NULL ? json_object_get_size (differences) : 0;
  if ((result == FL_AUDIT_AS_RECORDED || result == FL_AUDIT_MISSING) && n > 0)
    return invalid (error, _("cmdb_audit_item.differences: only an item found with differences has any"));
  if (result == FL_AUDIT_DIFFERS && n == 0)
    return invalid (error, _("cmdb_audit_item.differences: say which fields differ and what was found"));
  if (unrecorded)
    for (const char * const *f = (const char * const[]) { "code", "name", "type", NULL }; *f != NULL; f++)
      {
        JsonNode *pair = differences != NULL ? json_object_get_member (differences, *f) : NULL;
        JsonNode *found = pair != NULL && JSON_NODE_HOLDS_OBJECT (pair)
                          ? json_object_get_member (json_node_get_object (pair), "found") : NULL;
        if (!has_value (found))
          return invalid (error, _("cmdb_audit_item.differences.%s: an item found but not recorded needs its code, name and type"),
                          *f);
      }
  g_autoptr(GList) fields = differences != NULL ? json_object_get_members (differences) : NULL;
  for (GList *l = fields; l != NULL; l = l->next)
    if (!check_difference (l->data, json_object_get_member (differences, l->data), unrecorded, error))
      return FALSE;
  return TRUE;
}

static gboolean
walks_it (FlRole role, const char *login, JsonObject *audit)
{
  const char *assignee = fl_record_get_string (audit, "assignee");
  return role != FL_ROLE_ENGINEER || assignee == NULL || g_strcmp0 (assignee, login) == 0;
}

gboolean
fl_cmdb_audit_check_walk (FlRole role, const char *login, JsonObject *audit, GError **error)
{
  const char *status = fl_record_get_string (audit, "status");
  if (!fl_cmdb_audit_is_open (status))
    {
      g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_CLOSED,
                   _("Audit %s is %s: it takes no more marks"), fl_record_get_string (audit, "ref"),
                   fl_audit_status_label_for_name (status));
      return FALSE;
    }
  if (!walks_it (role, login, audit))
    {
      g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_FORBIDDEN,
                   _("Audit %s is assigned to %s; only they mark its items"),
                   fl_record_get_string (audit, "ref"), fl_record_get_string (audit, "assignee"));
      return FALSE;
    }
  return TRUE;
}

static gboolean
forbidden (GError **error, const char *message)
{
  g_set_error_literal (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_FORBIDDEN, message);
  return FALSE;
}

gboolean
fl_cmdb_audit_check_change (FlRole role, const char *login, JsonObject *before, JsonObject *after,
                            GError **error)
{
  FlAuditStatus to, from;
  if (!fl_audit_status_from_string (fl_record_get_string (after, "status"), &to))
    return invalid (error, _("cmdb_audit.status: not a state of an audit round"));
  if (before == NULL)
    {
      if (role != FL_ROLE_SUPERVISOR && role != FL_ROLE_ADMIN)
        return forbidden (error, _("A supervisor plans audit rounds."));
      if (to != FL_AUDIT_PLANNED)
        return invalid (error, _("cmdb_audit.status: a new audit round is planned"));
      return TRUE;
    }
  if (!fl_audit_status_from_string (fl_record_get_string (before, "status"), &from))
    from = FL_AUDIT_PLANNED;
  if (from != to)
    {
      if (to == FL_AUDIT_APPROVED || to == FL_AUDIT_REJECTED)
        {
          g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_NEEDS_APPROVAL,
                               _("cmdb_audit.status: a supervisor's approval decides a submitted audit"));
          return FALSE;
        }
      if ((status_moves[from] & TO (to)) == 0)
        {
          g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_CLOSED,
                       _("cmdb_audit.status: an audit that is %s cannot become %s"),
                       fl_audit_status_get_label (from), fl_audit_status_get_label (to));
          return FALSE;
        }
      if (to == FL_AUDIT_PENDING && fl_record_get_string (after, "submitted_at") == NULL)
        return invalid (error, _("cmdb_audit.submitted_at: a submitted audit says when it was submitted"));
    }
  else if (status_moves[from] == 0)
    {
      g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_CLOSED,
                   _("Audit %s is %s and stays as it is"), fl_record_get_string (before, "ref"),
                   fl_audit_status_get_label (from));
      return FALSE;
    }
  if (role != FL_ROLE_ENGINEER)
    return TRUE;

  if (!walks_it (role, login, before))
    return forbidden (error, _("This audit is assigned to someone else."));
  if (from != to && (engineer_moves & TO (to)) == 0)
    return forbidden (error, _("An engineer starts and submits an audit; a supervisor cancels it."));
  const FlTable *table = fl_schema_lookup ("cmdb_audit");
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *name = table->columns[i].name;
      if (g_str_equal (name, "status") || g_str_equal (name, "submitted_at"))
        continue;
      if (!fl_json_node_equal (json_object_get_member (before, name), json_object_get_member (after, name)))
        {
          g_autofree char *message = g_strdup_printf (_("cmdb_audit.%s: a supervisor plans the audit; "
                                                        "the engineer only walks it"), name);
          return forbidden (error, message);
        }
    }
  return TRUE;
}

char *
fl_cmdb_audit_next_due (const char *last)
{
  int year, month, day;
  if (last == NULL || sscanf (last, "%d-%d-%d", &year, &month, &day) != 3 ||
      !g_date_valid_dmy (day, month, year))
    return NULL;
  g_autoptr(GDate) date = g_date_new_dmy (day, month, year);
  g_date_add_months (date, FL_CMDB_AUDIT_INTERVAL_MONTHS);
  return g_strdup_printf ("%04d-%02d-%02d", g_date_get_year (date), g_date_get_month (date),
                          g_date_get_day (date));
}
