#include "fl-sla-events.h"

#include <glib/gi18n-lib.h>

#include "fl-query.h"
#include "fl-record-store.h"
#include "fl-site-clock.h"
#include "fl-time.h"
#include "fl-work-order-sla.h"

#define EVENT_COLUMNS \
  "SELECT e.id, e.work_order_id, e.kind, e.target, e.percent, e.level, e.due, e.at," \
  "       w.ref, w.kind AS work_order_kind, w.title, w.assignee" \
  "  FROM sla_event e JOIN work_order w ON w.id = e.work_order_id"

static JsonObject *
load_from_replica (const char *table_name, const char *id, gpointer user_data)
{
  return fl_record_load (user_data, fl_schema_lookup (table_name), id, NULL);
}

typedef struct {
  gint64     now;
  GPtrArray *recorded;  /* ids */
} Record;

static gboolean
record_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Record *r = data;
  const FlTable *work_orders = fl_schema_lookup ("work_order");
  const FlTable *events_table = fl_schema_lookup ("sla_event");
  g_autoptr(GPtrArray) ids = fl_query_rows (db,
      "SELECT id FROM work_order WHERE status IN " FL_WO_OPEN_STATUSES_SQL,
      0, NULL, error);
  if (ids == NULL)
    return FALSE;
  g_autoptr(FlSiteClocks) clocks = fl_site_clocks_new (load_from_replica, db);
  g_autofree char *now_text = fl_time_format (r->now);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *id = fl_record_get_string (ids->pdata[i], "id");
      g_autoptr(JsonObject) wo = fl_record_load (db, work_orders, id, error);
      if (wo == NULL)
        return FALSE;
      const FlSiteClock *clock = fl_site_clocks_get (clocks, fl_record_get_string (wo, "site_id"));
      g_autoptr(GArray) events = fl_work_order_sla_events (wo, clock->calendar, clock->warnings,
                                                           clock->n_warnings, r->now);
      for (guint j = 0; j < events->len; j++)
        {
          const FlSlaEvent *event = &g_array_index (events, FlSlaEvent, j);
          g_autofree char *event_id = fl_sla_event_id (id, event);
          g_autoptr(JsonObject) known = fl_record_load (db, events_table, event_id, NULL);
          if (known != NULL)
            continue;
          g_autoptr(JsonObject) row = fl_sla_event_to_row (id, event);
          json_object_set_string_member (row, "id", event_id);
          json_object_set_int_member (row, "version", 1);
          json_object_set_string_member (row, "created_at", now_text);
          json_object_set_string_member (row, "updated_at", now_text);
          if (!fl_record_validate (events_table, row, FL_RECORD_STORED, NULL, error) ||
              !fl_record_store (db, events_table, row, NULL, error))
            return FALSE;
          g_ptr_array_add (r->recorded, g_steal_pointer (&event_id));
        }
    }
  return TRUE;
}

/* Stored times are one canonical UTC form: they sort as text. */
static gint
compare_at (gconstpointer a, gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a, *y = *(JsonObject **) b;
  return g_strcmp0 (fl_record_get_string (x, "at"), fl_record_get_string (y, "at"));
}

GPtrArray *
fl_sla_events_record (FlDb *db, gint64 now, GError **error)
{
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  Record r = { now, ids };
  if (!fl_db_transaction (db, record_in_transaction, &r, error))
    return NULL;
  GPtrArray *recorded = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < ids->len; i++)
    {
      const char *params[] = { ids->pdata[i] };
      g_autoptr(GPtrArray) rows = fl_query_rows (db, EVENT_COLUMNS " WHERE e.id = ?1", 1, params, error);
      if (rows == NULL)
        {
          g_ptr_array_unref (recorded);
          return NULL;
        }
      for (guint j = 0; j < rows->len; j++)
        g_ptr_array_add (recorded, json_object_ref (rows->pdata[j]));
    }
  g_ptr_array_sort (recorded, compare_at);
  return recorded;
}

GPtrArray *
fl_sla_events_list (FlDb *db, const char *assignee, GError **error)
{
  const char *params[] = { assignee };
  return fl_query_rows (db,
      EVENT_COLUMNS
      " WHERE w.status IN " FL_WO_OPEN_STATUSES_SQL " AND (?1 IS NULL OR w.assignee = ?1)"
      " ORDER BY e.at DESC, e.percent DESC", G_N_ELEMENTS (params), params, error);
}

char *
fl_sla_event_describe (JsonObject *event)
{
  gboolean request = g_strcmp0 (fl_record_get_string (event, "work_order_kind"), "request") == 0;
  gboolean response = g_strcmp0 (fl_record_get_string (event, "target"), "response") == 0;
  const char *target = request ? (response ? _("the first line’s time") : _("the final time"))
                               : (response ? _("the response time") : _("the resolution time"));
  if (g_strcmp0 (fl_record_get_string (event, "kind"), "escalation") == 0)
    /* Translators: "Escalated to Management: the resolution time is past" */
    return g_strdup_printf (_("Escalated to %s: %s is past"),
                            fl_escalation_level_label_for_name (fl_record_get_string (event, "level")), target);
  /* Translators: "90% of the resolution time used" */
  return g_strdup_printf (_("%d%% of %s used"), (int) fl_record_get_int (event, "percent", 0), target);
}

char *
fl_sla_state_describe (const char *sla_state)
{
  if (sla_state == NULL)
    return NULL;
  if (g_strcmp0 (sla_state, "nearing_breach") == 0)
    return g_strdup (_("Nearing breach"));
  /* Translators: a badge, "Escalated: Management" */
  return g_strdup_printf (_("Escalated: %s"), fl_escalation_level_label_for_name (sla_state));
}
