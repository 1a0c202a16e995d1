#include <inttypes.h>
#include "fl-work-order-sla.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "fl-enum.h"
#include "fl-record.h"
#include "fl-security.h"
#include "fl-time.h"

static const FlEnumName request_level_names[] = {
  { "urgent", NC_("request level", "Urgent") },
  { "normal", NC_("request level", "Normal") },
};
static const FlEnumTable request_level_table = FL_ENUM_TABLE (request_level_names, "request level");

FL_DEFINE_ENUM_NAMES (fl_request_level, FlRequestLevel, request_level_table)
FL_DEFINE_ENUM_LABELS (fl_request_level, FlRequestLevel, request_level_table)

static const FlEnumName escalation_level_names[] = {
  { "second_line", NC_("escalated to", "Second line") },
  { "incident_change", NC_("escalated to", "Incident or change process") },
  { "management", NC_("escalated to", "Management") },
};
static const FlEnumTable escalation_level_table = FL_ENUM_TABLE (escalation_level_names, "escalated to");

FL_DEFINE_ENUM_NAMES (fl_escalation_level, FlEscalationLevel, escalation_level_table)
FL_DEFINE_ENUM_LABELS (fl_escalation_level, FlEscalationLevel, escalation_level_table)

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

static gint64
time_of (JsonObject *row, const char *field)
{
  gint64 usec = 0;
  const char *text = fl_record_get_string (row, field);
  if (text == NULL || !fl_time_parse (text, &usec, NULL))
    return 0;
  return usec;
}

static void
set_time (JsonObject *row, const char *field, gint64 usec)
{
  g_autofree char *text = fl_time_format (usec);
  json_object_set_string_member (row, field, text);
}

static gboolean
is_request (JsonObject *wo)
{
  return g_strcmp0 (fl_record_get_string (wo, "kind"), "request") == 0;
}

static FlPriority
priority_of (JsonObject *wo)
{
  int impact = (int) fl_record_get_int (wo, "impact", 3);
  int urgency = (int) fl_record_get_int (wo, "urgency", 3);
  return fl_sla_priority (CLAMP (impact, 1, 4), CLAMP (urgency, 1, 4));
}

void
fl_work_order_derive (JsonObject *wo, FlCalendar *calendar, GPtrArray *policy_rows)
{
  FlSlaChoice choice;
  fl_work_order_choose_policy (fl_record_get_string (wo, "site_id"), fl_record_get_string (wo, "service"),
                               policy_rows, &choice);
  fl_work_order_derive_chosen (wo, calendar, &choice);
}

void
fl_work_order_derive_chosen (JsonObject *wo, FlCalendar *calendar, const FlSlaChoice *choice)
{
  FlPriority priority = priority_of (wo);
  json_object_set_string_member (wo, "priority", fl_priority_to_string (priority));

  gint64 created = time_of (wo, "created_at");
  if (created == 0)
    created = fl_time_now ();
  /* Validated to ten years at most; the calendar walks bound it too. */
  gint64 held = MAX (fl_record_get_int (wo, "on_hold_seconds", 0), 0);
  gint64 response_due = 0, resolve_due = 0;
  if (is_request (wo))
    {
      /* 升级时间表: urgent 1 h / 2 h, normal 1 / 2 working days, both from
       * the registration; hold time extends the final time only. */
      FlRequestLevel level = priority == FL_PRIORITY_HIGH ? FL_REQUEST_URGENT : FL_REQUEST_NORMAL;
      gint64 step = level == FL_REQUEST_URGENT ? 3600 : fl_calendar_get_working_day_seconds (calendar);
      json_object_set_string_member (wo, "request_level", fl_request_level_to_string (level));
      response_due = fl_calendar_add_working_time (calendar, created, step);
      resolve_due = fl_calendar_add_working_time (calendar, created, 2 * step + held);
    }
  else
    {
      json_object_set_null_member (wo, "request_level");
      fl_sla_compute_due (&choice->policy, calendar, priority, created, held, &response_due, &resolve_due);
    }
  set_time (wo, "response_due", response_due);
  set_time (wo, "resolve_due", resolve_due);
  fl_security_derive (wo);
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

/* Whether `row` covers a work order of `service` at `site_id`: as the
 * site's default (no service), or as a policy of that service. */
static gboolean
row_covers (JsonObject *row, const char *site_id, const char *service, gboolean for_service,
            gboolean own_site)
{
  const char *row_site = fl_record_get_string (row, "site_id");
  const char *row_service = fl_record_get_string (row, "catalogue");
  if (own_site ? row_site == NULL || g_strcmp0 (row_site, site_id) != 0 : row_site != NULL)
    return FALSE;
  return for_service ? service != NULL && g_strcmp0 (row_service, service) == 0 : row_service == NULL;
}

void
fl_work_order_choose_policy (const char *site_id, const char *service, GPtrArray *policy_rows,
                             FlSlaChoice *choice)
{
  memset (choice, 0, sizeof *choice);
  fl_sla_policy_init_defaults (&choice->policy);
  if (service != NULL && *service == '\0')
    service = NULL;
  /* The site's default: rows for every site, then the site's own; then
   * the service's rows (for every site or this one), the shorter winning. */
  for (int pass = 0; pass < 3; pass++)
    for (guint i = 0; i < policy_rows->len; i++)
      {
        JsonObject *row = g_ptr_array_index (policy_rows, i);
        gboolean for_service = pass == 2;
        FlPriority p;
        if (!fl_priority_from_string (fl_record_get_string (row, "priority"), &p) ||
            !(for_service ? row_covers (row, site_id, service, TRUE, FALSE) ||
                            row_covers (row, site_id, service, TRUE, TRUE)
                          : row_covers (row, site_id, service, FALSE, pass == 1)))
          continue;
        int response = (int) fl_record_get_int (row, "response_minutes", 0);
        int resolve = (int) fl_record_get_int (row, "resolve_minutes", 0);
        if (response > 0 && (!for_service || response < choice->policy.response_minutes[p]))
          {
            choice->policy.response_minutes[p] = response;
            choice->response_row[p] = row;
          }
        if (resolve > 0 && (!for_service || resolve < choice->policy.resolve_minutes[p]))
          {
            choice->policy.resolve_minutes[p] = resolve;
            choice->resolve_row[p] = row;
          }
      }
}

static char *
describe_row (JsonObject *row)
{
  if (row == NULL)
    return g_strdup (_("the standard targets"));
  const char *service = fl_record_get_string (row, "catalogue");
  gboolean own_site = fl_record_get_string (row, "site_id") != NULL;
  if (service == NULL)
    return g_strdup (own_site ? _("the site’s default") : _("the default for every site"));
  return own_site
    /* Translators: %s is a service catalogue entry or contract */
    ? g_strdup_printf (_("the policy of “%s” at this site"), service)
    /* Translators: %s is a service catalogue entry or contract */
    : g_strdup_printf (_("the policy of “%s” for every site"), service);
}

char *
fl_work_order_describe_policy (JsonObject *wo, GPtrArray *policy_rows)
{
  if (is_request (wo))
    {
      FlRequestLevel level = priority_of (wo) == FL_PRIORITY_HIGH ? FL_REQUEST_URGENT : FL_REQUEST_NORMAL;
      /* Translators: %s is the level of a service request, "Urgent" or "Normal" */
      return g_strdup_printf (_("Escalation table of service requests, %s"),
                              fl_request_level_get_label (level));
    }
  FlSlaChoice choice;
  fl_work_order_choose_policy (fl_record_get_string (wo, "site_id"), fl_record_get_string (wo, "service"),
                               policy_rows, &choice);
  FlPriority p = priority_of (wo);
  g_autofree char *response = describe_row (choice.response_row[p]);
  if (choice.response_row[p] == choice.resolve_row[p])
    /* Translators: %s says which policy, "the site’s default" */
    return g_strdup_printf (_("Due times from %s"), response);
  g_autofree char *resolve = describe_row (choice.resolve_row[p]);
  /* Translators: each %s says which policy, "the site’s default" */
  return g_strdup_printf (_("Response due from %s, resolution due from %s"), response, resolve);
}

/* ---- warnings and escalations -------------------------------------------- */

guint
fl_work_order_sla_warnings (JsonObject *site, int percents[FL_SLA_MAX_WARNINGS])
{
  const char *text = site != NULL ? fl_record_get_string (site, "sla_warnings") : NULL;
  if (text != NULL)
    {
      g_auto(GStrv) parts = g_strsplit (text, ",", -1);
      guint n = 0;
      gboolean ok = g_strv_length (parts) <= FL_SLA_MAX_WARNINGS;
      for (guint i = 0; ok && parts[i] != NULL; i++)
        {
          guint64 value = 0;
          ok = g_ascii_string_to_unsigned (g_strstrip (parts[i]), 10, 1, 99, &value, NULL) &&
               (n == 0 || (int) value > percents[n - 1]);
          if (ok)
            percents[n++] = (int) value;
        }
      if (ok && n > 0)
        return n;
    }
  percents[0] = 75;
  percents[1] = 90;
  return 2;
}

static const char *
escalation_level (JsonObject *wo, FlSlaTarget target)
{
  FlEscalationLevel level = !is_request (wo) ? FL_ESCALATION_MANAGEMENT
                          : target == FL_SLA_TARGET_RESPONSE ? FL_ESCALATION_SECOND_LINE
                          : FL_ESCALATION_INCIDENT_CHANGE;
  return fl_escalation_level_to_string (level);
}

static gint
compare_events (gconstpointer a, gconstpointer b)
{
  const FlSlaEvent *x = a, *y = b;
  if (x->at != y->at)
    return x->at < y->at ? -1 : 1;
  return x->target != y->target ? (int) x->target - (int) y->target : x->percent - y->percent;
}

GArray *
fl_work_order_sla_events (JsonObject *wo, FlCalendar *calendar, const int *warnings, guint n_warnings,
                          gint64 now)
{
  GArray *events = g_array_new (FALSE, FALSE, sizeof (FlSlaEvent));
  gint64 created = time_of (wo, "created_at");
  /* A cancelled order and one turned away as out of scope end unresolved:
   * their clocks stop when that happened. */
  const char *status = fl_record_get_string (wo, "status");
  gboolean ended = g_strcmp0 (status, "cancelled") == 0 || g_strcmp0 (status, "rejected") == 0;
  gint64 stopped = ended ? MAX (time_of (wo, "updated_at"), created) : 0;
  gint64 hold_since = time_of (wo, "on_hold_since");
  for (FlSlaTarget target = FL_SLA_TARGET_RESPONSE; target <= FL_SLA_TARGET_RESOLVE; target++)
    {
      gint64 due = time_of (wo, target == FL_SLA_TARGET_RESPONSE ? "response_due" : "resolve_due");
      if (created == 0 || due == 0)
        continue;
      gint64 met = time_of (wo, target == FL_SLA_TARGET_RESPONSE && !is_request (wo) ? "responded_at"
                                                                                    : "resolved_at");
      if (stopped != 0 && (met == 0 || stopped < met))
        met = stopped;
      /* On hold the resolution clock stands still: nothing it has not
       * reached when the hold began happens until work resumes. */
      gint64 until = target == FL_SLA_TARGET_RESOLVE && hold_since != 0 ? MIN (now, hold_since) : now;
      /* A warning is due when `percent` of the working time from creation
       * to the due time is used.  What is used by `until` tells, without
       * walking to each warning's instant, the warnings not reached yet:
       * most of them, for an order just recorded. */
      gint64 total = fl_calendar_working_seconds_between (calendar, created, due);
      gint64 used = fl_calendar_working_seconds_between (calendar, created, MIN (until, due));
      for (guint i = 0; i <= n_warnings; i++)
        {
          gboolean escalation = i == n_warnings;
          gint64 share = escalation ? 0 : total * warnings[i] / 100;
          if (!escalation && used < share)
            continue;
          FlSlaEvent event = {
            .target = target,
            .percent = escalation ? 100 : warnings[i],
            .level = escalation ? escalation_level (wo, target) : NULL,
            .due = due,
            .at = escalation ? due : fl_calendar_add_working_time (calendar, created, share),
          };
          /* A warning counts from its instant, an escalation strictly after
           * the due time (done at it is on time); the target met by then
           * (at the due time, for an escalation) stops both. */
          gboolean reached = escalation ? until > due : until >= event.at;
          gboolean open = met == 0 || (escalation ? met > due : met > event.at);
          if (reached && open)
            g_array_append_val (events, event);
        }
    }
  g_array_sort (events, compare_events);
  return events;
}

static const char *
target_name (FlSlaTarget target)
{
  return target == FL_SLA_TARGET_RESPONSE ? "response" : "resolve";
}

char *
fl_sla_event_id (const char *work_order_id, const FlSlaEvent *event)
{
  g_autofree char *key = g_strdup_printf ("%s/%s/%d", work_order_id, target_name (event->target),
                                          event->percent);
  g_autofree char *hash = g_compute_checksum_for_string (G_CHECKSUM_SHA256, key, -1);
  /* Shaped like the other ids (8-4-4-4-12 hex digits). */
  return g_strdup_printf ("%.8s-%.4s-%.4s-%.4s-%.12s", hash, hash + 8, hash + 12, hash + 16, hash + 20);
}

JsonObject *
fl_sla_event_to_row (const char *work_order_id, const FlSlaEvent *event)
{
  const char *target = target_name (event->target);
  JsonObject *row = json_object_new ();
  json_object_set_string_member (row, "work_order_id", work_order_id);
  json_object_set_string_member (row, "kind", event->level != NULL ? "escalation" : "warning");
  json_object_set_string_member (row, "target", target);
  json_object_set_int_member (row, "percent", event->percent);
  if (event->level != NULL)
    json_object_set_string_member (row, "level", event->level);
  set_time (row, "due", event->due);
  set_time (row, "at", event->at);
  return row;
}
