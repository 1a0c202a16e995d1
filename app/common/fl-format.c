#include "fl-format.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include <fl-ci-lifecycle.h>
#include <fl-enum.h>
#include <fl-sla-events.h>

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
