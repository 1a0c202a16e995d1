#include <inttypes.h>
#include "fl-work-order-sla.h"

#include "fl-record.h"
#include "fl-time.h"

FlCalendar *
fl_work_order_site_calendar (JsonObject *site, JsonObject *calendar)
{
  const char *tz = site != NULL ? fl_record_get_string (site, "time_zone") : NULL;
  FlCoverage coverage = FL_COVERAGE_5X9;
  if (site != NULL)
    fl_coverage_from_string (fl_record_get_string (site, "coverage"), &coverage);
  FlCalendar *cal = fl_calendar_new (tz, coverage);
  if (calendar != NULL)
    {
      g_autoptr(GError) error = NULL;
      /* A calendar with a bad date still serves its good ones: the server
       * validated it when it was saved, so this only guards old data. */
      if (!fl_calendar_add_days_from_string (cal, fl_record_get_string (calendar, "holidays"),
                                             fl_record_get_string (calendar, "working_days"), &error))
        g_warning ("Calendar %s: %s", fl_record_get_string (calendar, "name"), error->message);
    }
  return cal;
}

void
fl_work_order_derive (JsonObject *wo, FlCalendar *calendar, const FlSlaPolicy *policy)
{
  int impact = (int) fl_record_get_int (wo, "impact", 3);
  int urgency = (int) fl_record_get_int (wo, "urgency", 3);
  FlPriority priority = fl_sla_priority (CLAMP (impact, 1, 4), CLAMP (urgency, 1, 4));
  json_object_set_string_member (wo, "priority", fl_priority_to_string (priority));

  gint64 created = 0;
  const char *created_text = fl_record_get_string (wo, "created_at");
  if (created_text == NULL || !fl_time_parse (created_text, &created, NULL))
    created = fl_time_now ();
  gint64 response_due = 0, resolve_due = 0;
  fl_sla_compute_due (policy, calendar, priority, created, fl_record_get_int (wo, "on_hold_seconds", 0),
                      &response_due, &resolve_due);
  g_autofree char *response_text = fl_time_format (response_due);
  g_autofree char *resolve_text = fl_time_format (resolve_due);
  json_object_set_string_member (wo, "response_due", response_text);
  json_object_set_string_member (wo, "resolve_due", resolve_text);
}

void
fl_work_order_lifecycle (JsonObject *wo, FlWorkOrderStatus from, FlWorkOrderStatus to,
                         gint64 at, FlCalendar *calendar, JsonObject *values)
{
  g_autofree char *at_text = fl_time_format (at);
  if (to == FL_WO_IN_PROGRESS && fl_record_get_string (wo, "responded_at") == NULL)
    json_object_set_string_member (values, "responded_at", at_text);
  if (to == FL_WO_ON_HOLD)
    json_object_set_string_member (values, "on_hold_since", at_text);
  if (from == FL_WO_ON_HOLD)
    {
      /* Hold time counts in working time of the site's calendar, and moves
       * the resolution due time out by as much. */
      gint64 since = at;
      const char *since_text = fl_record_get_string (wo, "on_hold_since");
      if (since_text != NULL)
        fl_time_parse (since_text, &since, NULL);
      gint64 held = since < at ? fl_calendar_working_seconds_between (calendar, since, at) : 0;
      /* Within the column's range even after a hold begun long ago. */
      const FlColumn *column = fl_table_column (fl_schema_lookup ("work_order"), "on_hold_seconds");
      gint64 before = CLAMP (fl_record_get_int (wo, "on_hold_seconds", 0), 0, column->max);
      g_autofree char *total = g_strdup_printf ("%" PRId64, MIN (before + held, column->max));
      json_object_set_string_member (values, "on_hold_seconds", total);
      json_object_set_null_member (values, "on_hold_since");
    }
  if (to == FL_WO_RESOLVED)
    json_object_set_string_member (values, "resolved_at", at_text);
  if (to == FL_WO_CLOSED)
    json_object_set_string_member (values, "closed_at", at_text);
  if (to == FL_WO_VISITED)
    json_object_set_string_member (values, "visited_at", at_text);
  if (from == FL_WO_RESOLVED && to == FL_WO_IN_PROGRESS)
    {
      /* Rejected work is resolved again from the start: the customer signs
       * off the new work, and the resolution time is the new one's. */
      static const char * const taken_back[] = {
        "resolved_at", "customer_name", "customer_accepted_at", "signature_blob", "satisfaction",
      };
      for (guint i = 0; i < G_N_ELEMENTS (taken_back); i++)
        json_object_set_null_member (values, taken_back[i]);
    }
}

void
fl_work_order_site_policy (const char *site_id, GPtrArray *policy_rows, FlSlaPolicy *policy)
{
  fl_sla_policy_init_defaults (policy);
  /* First the rows for every site, then the site's own. */
  for (int own = 0; own <= 1; own++)
    for (guint i = 0; i < policy_rows->len; i++)
      {
        JsonObject *row = g_ptr_array_index (policy_rows, i);
        const char *row_site = fl_record_get_string (row, "site_id");
        FlPriority priority;
        if ((own ? row_site == NULL || g_strcmp0 (row_site, site_id) != 0 : row_site != NULL) ||
            !fl_priority_from_string (fl_record_get_string (row, "priority"), &priority))
          continue;
        fl_sla_policy_set (policy, priority, (int) fl_record_get_int (row, "response_minutes", 0),
                           (int) fl_record_get_int (row, "resolve_minutes", 0));
      }
}
