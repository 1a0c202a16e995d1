#include "fl-format.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <fl-catalogue.h>
#include <fl-change-workflow.h>
#include <fl-ci-lifecycle.h>
#include <fl-cmdb-audit.h>
#include <fl-enum.h>
#include <fl-problem-workflow.h>
#include <fl-record-store.h>
#include <fl-security.h>
#include <fl-sla-events.h>
#include <fl-user.h>
#include <fl-work-order-sla.h>
#include <fl-workflow.h>

/* Labels of stored values the model only lists as choices (fl-schema.c). */
static const FlEnumName backup_kind_names[] = {
  { "full", NC_("backup kind", "full") },
  { "incremental", NC_("backup kind", "incremental") },
  { "log", NC_("backup kind", "log") },
};
static const FlEnumTable backup_kind_table = FL_ENUM_TABLE (backup_kind_names, "backup kind");

/* What a service's or a site's coverage means (服务时间: days x hours). */
static const FlEnumName coverage_names[] = {
  { "5x9", NC_("coverage", "5×9: working days, office hours") },
  { "7x9", NC_("coverage", "7×9: every day, office hours") },
  { "7x24", NC_("coverage", "7×24: around the clock") },
};
static const FlEnumTable coverage_table = FL_ENUM_TABLE (coverage_names, "coverage");

/* What each CI field is called on the CI page and on an audit. */
static const FlEnumName ci_field_names[] = {
  { "code", N_("Code") },
  { "name", N_("Name") },
  { "type", N_("Type") },
  { "status", N_("Status") },
  { "model", N_("Model") },
  { "serial", N_("Serial number") },
  { "revision", N_("Version") },
  { "contract_no", N_("Contract") },
  { "location", N_("Installed at") },
  { "system", N_("System") },
  { "owner", N_("Owner") },
  { "warranty_until", N_("Warranty until") },
  { "description", N_("Description") },
};
static const FlEnumTable ci_field_table = FL_ENUM_TABLE (ci_field_names, NULL);

/* What each work-order field is called on its page. */
static const FlEnumName work_order_field_names[] = {
  { "kind", N_("Kind") },
  { "title", N_("Title") },
  { "description", N_("Description") },
  { "site_id", N_("Site") },
  { "ci_id", N_("Configuration item") },
  { "reporter", N_("Reported by") },
  { "contact", N_("Contact") },
  { "impact", N_("Impact") },
  { "urgency", N_("Urgency") },
  { "priority", N_("Priority") },
  { "status", N_("Status") },
  { "assignee", N_("Assignee") },
  { "response_due", N_("Respond by") },
  { "resolve_due", N_("Resolve by") },
  { "resolution", N_("Resolution") },
  { "cause", N_("Cause") },
  { "customer_name", N_("Customer's name") },
  { "satisfaction", N_("Satisfaction") },
  { "service", N_("Service") },
};
static const FlEnumTable work_order_field_table = FL_ENUM_TABLE (work_order_field_names, NULL);

const char *
fl_format_field_name (const char *table, const char *field)
{
  if (g_strcmp0 (table, "work_order") == 0)
    return fl_enum_label_for_name (&work_order_field_table, field);
  if (g_strcmp0 (table, "ci") == 0)
    return fl_format_ci_field (field);
  return field;
}

/* The enumerations a conflict or a history may show, by table (NULL: any)
 * and field. */
static const struct {
  const char  *table;
  const char  *field;
  const char *(*label_for_name) (const char *name);
} value_labels[] = {
  { "work_order", "status", fl_work_order_status_label_for_name },
  { "work_order", "kind", fl_work_order_kind_label_for_name },
  { "work_order", "request_level", fl_request_level_label_for_name },
  { "work_order", "security_grade", fl_security_grade_label_for_name },
  { "ci", "status", fl_ci_status_label_for_name },
  { "problem", "status", fl_problem_status_label_for_name },
  { "problem", "origin", fl_problem_origin_label_for_name },
  { "problem", "category", fl_problem_category_label_for_name },
  { "change_record", "kind", fl_change_kind_label_for_name },
  { "change_record", "status", fl_change_status_label_for_name },
  { "cmdb_audit", "status", fl_audit_status_label_for_name },
  { "service", "kind", fl_service_kind_label_for_name },
  { "service", "delivery", fl_delivery_label_for_name },
  { "document", "kind", fl_document_kind_label_for_name },
  { "user", "role", fl_role_label_for_name },
  { NULL, "priority", fl_priority_label_for_name },
};

/* Columns that hold a user's login. */
static const char * const login_fields[] = { "assignee", "by", "author", NULL };

/* The name people know a row by: its name, code or reference. */
static char *
row_name (FlDb *db, const char *table, const char *id)
{
  const FlTable *schema = fl_schema_lookup (table);
  g_autoptr(JsonObject) row = schema != NULL ? fl_record_load (db, schema, id, NULL) : NULL;
  static const char * const naming[] = { "name", "code", "ref", "title", "sku" };
  for (guint i = 0; row != NULL && i < G_N_ELEMENTS (naming); i++)
    if (fl_record_get_string (row, naming[i]) != NULL)
      return g_strdup (fl_record_get_string (row, naming[i]));
  return g_strdup (id);
}

char *
fl_format_login (FlSession *session, const char *login)
{
  if (login == NULL)
    return NULL;
  g_autoptr(JsonObject) user = fl_user_find (fl_session_get_db (session), login, NULL);
  const char *name = user != NULL ? fl_record_get_string (user, "display_name") : NULL;
  return g_strdup (name != NULL && *name != '\0' ? name : login);
}

char *
fl_format_value (FlSession *session, const char *table, const char *field, JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup (_("(empty)"));
  const FlTable *schema = fl_schema_lookup (table);
  const FlColumn *column = schema != NULL ? fl_table_column (schema, field) : NULL;
  GType type = JSON_NODE_HOLDS_VALUE (value) ? json_node_get_value_type (value) : G_TYPE_INVALID;
  if (type == G_TYPE_BOOLEAN)
    return g_strdup (json_node_get_boolean (value) ? _("Yes") : _("No"));
  if (type == G_TYPE_INT64 && g_strcmp0 (table, "work_order") == 0 && g_strcmp0 (field, "impact") == 0)
    return g_strdup (fl_format_impact ((int) json_node_get_int (value)));
  if (type == G_TYPE_INT64 && g_strcmp0 (table, "work_order") == 0 && g_strcmp0 (field, "urgency") == 0)
    return g_strdup (fl_format_urgency ((int) json_node_get_int (value)));
  if (type != G_TYPE_STRING)
    return json_to_string (value, FALSE);
  const char *text = json_node_get_string (value);
  for (guint i = 0; i < G_N_ELEMENTS (value_labels); i++)
    if ((value_labels[i].table == NULL || g_strcmp0 (value_labels[i].table, table) == 0) &&
        g_strcmp0 (value_labels[i].field, field) == 0)
      return g_strdup (value_labels[i].label_for_name (text));
  if (column != NULL && column->type == FL_COL_TIME)
    return fl_format_time (text);
  if (column != NULL && column->type == FL_COL_REF)
    return row_name (fl_session_get_db (session), column->ref_table, text);
  if (g_strv_contains (login_fields, field))
    return fl_format_login (session, text);
  return g_strdup (text);
}

const char *
fl_format_ci_field (const char *column)
{
  return fl_enum_label_for_name (&ci_field_table, column);
}

const char *
fl_format_ci_status (const char *status)
{
  return fl_ci_status_label_for_name (status);
}

const char *
fl_format_coverage (const char *coverage)
{
  return fl_enum_label_for_name (&coverage_table, coverage);
}

const char *
fl_format_backup_kind (const char *kind)
{
  return fl_enum_label_for_name (&backup_kind_table, kind);
}

char *
fl_format_time_usec (gint64 usec)
{
  if (usec == 0)
    return g_strdup ("");
  g_autoptr(GDateTime) epoch = g_date_time_new_from_unix_utc (0);
  g_autoptr(GDateTime) utc = g_date_time_add (epoch, usec);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

char *
fl_format_time (const char *rfc3339)
{
  gint64 usec = 0;
  if (rfc3339 == NULL || !fl_time_parse (rfc3339, &usec, NULL))
    return g_strdup (rfc3339 != NULL ? rfc3339 : "");
  return fl_format_time_usec (usec);
}

char *
fl_format_size (gint64 bytes)
{
  return g_format_size ((guint64) MAX (bytes, 0));
}

const char *
fl_format_impact (int impact)
{
  switch (impact)
    {
    case 1: return _("1 — Company business");
    case 2: return _("2 — Whole company");
    case 3: return _("3 — A group");
    case 4: return _("4 — One person");
    default: return "";
    }
}

const char *
fl_format_urgency (int urgency)
{
  switch (urgency)
    {
    case 1: return _("1 — Urgent");
    case 2: return _("2 — High");
    case 3: return _("3 — Normal");
    case 4: return _("4 — Low");
    default: return "";
    }
}

static gint64
parse_time (JsonObject *row, const char *field)
{
  gint64 usec = 0;
  const char *text = fl_record_get_string (row, field);
  if (text != NULL)
    fl_time_parse (text, &usec, NULL);
  return usec;
}

char *
fl_format_work_order_sla (FlSession *session, JsonObject *wo, gint64 now, const char **style)
{
  FlWorkOrderStatus status = FL_WO_NEW;
  fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &status);
  *style = "dim";
  if (status != FL_WO_NEW && status != FL_WO_ASSIGNED && status != FL_WO_IN_PROGRESS && status != FL_WO_ON_HOLD)
    return NULL;

  FlCalendar *calendar = fl_session_get_calendar (session, fl_record_get_string (wo, "site_id"));
  gboolean awaiting_response = fl_record_get_string (wo, "responded_at") == NULL &&
                               (status == FL_WO_NEW || status == FL_WO_ASSIGNED);
  gint64 due = parse_time (wo, awaiting_response ? "response_due" : "resolve_due");
  gint64 hold_since = status == FL_WO_ON_HOLD ? parse_time (wo, "on_hold_since") : 0;
  if (status == FL_WO_ON_HOLD && hold_since == 0)
    hold_since = now;
  g_autofree char *state = fl_sla_describe (calendar, due, now, hold_since);
  if (state == NULL)
    return NULL;

  gint64 at = hold_since != 0 ? hold_since : now;
  /* A list row also says what was recorded: nearing a breach, escalated. */
  const char *sla_state = fl_record_get_string (wo, "sla_state");
  g_autofree char *recorded = fl_sla_state_describe (sla_state);
  if (hold_since != 0)
    *style = "paused";
  else if (fl_sla_is_overdue (due, at) || (sla_state != NULL && strcmp (sla_state, "nearing_breach") != 0))
    *style = "overdue";
  else if (sla_state != NULL || fl_sla_time_left (calendar, due, at) < 4 * 3600)
    *style = "warning";
  else
    *style = "ok";
  g_autofree char *badge = awaiting_response
    /* Translators: the SLA badge of an order not responded to yet: "Respond: 3 h left" */
    ? g_strdup_printf (_("Respond: %s"), state)
    /* Translators: the SLA badge of an order in work: "Resolve: overdue by 2 h" */
    : g_strdup_printf (_("Resolve: %s"), state);
  if (recorded == NULL)
    return g_steal_pointer (&badge);
  /* Translators: "Nearing breach · Resolve: 3 h left" */
  return g_strdup_printf (_("%s · %s"), recorded, badge);
}
