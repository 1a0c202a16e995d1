#include "fl-sla-sweep.h"

#include "fl-record.h"
#include "fl-work-order-sla.h"

static gboolean
is_open (JsonObject *wo)
{
  const char *status = fl_record_get_string (wo, "status");
  return g_strv_contains ((const char * const[]) { "new", "assigned", "in_progress", "on_hold", NULL },
                          status != NULL ? status : "");
}

/* What the events of a site's orders are computed with. */
typedef struct {
  FlCalendar *calendar;
  int         warnings[FL_SLA_MAX_WARNINGS];
  guint       n_warnings;
} SiteClock;

static void
site_clock_free (SiteClock *clock)
{
  fl_calendar_unref (clock->calendar);
  g_free (clock);
}

static SiteClock *
site_clock (FlStore *store, GHashTable *clocks, const char *site_id)
{
  SiteClock *clock = g_hash_table_lookup (clocks, site_id);
  if (clock != NULL)
    return clock;
  g_autoptr(JsonObject) site = fl_store_load_row (store, fl_schema_lookup ("site"), site_id, NULL);
  const char *calendar_id = site != NULL ? fl_record_get_string (site, "calendar_id") : NULL;
  g_autoptr(JsonObject) calendar = calendar_id != NULL
    ? fl_store_load_row (store, fl_schema_lookup ("calendar"), calendar_id, NULL) : NULL;
  clock = g_new0 (SiteClock, 1);
  clock->calendar = fl_work_order_site_calendar (site, calendar);
  clock->n_warnings = fl_work_order_sla_warnings (site, clock->warnings);
  g_hash_table_insert (clocks, g_strdup (site_id), clock);
  return clock;
}

gint64
fl_sla_sweep_work_order (FlStore *store, JsonObject *wo, FlCalendar *calendar, const int *warnings,
                         guint n_warnings, gint64 now, GError **error)
{
  const char *wo_id = fl_record_get_string (wo, "id");
  if (wo_id == NULL)
    return 0;
  g_autoptr(GArray) events = fl_work_order_sla_events (wo, calendar, warnings, n_warnings, now);
  const FlTable *table = fl_schema_lookup ("sla_event");
  gint64 recorded = 0;
  for (guint i = 0; i < events->len; i++)
    {
      const FlSlaEvent *event = &g_array_index (events, FlSlaEvent, i);
      g_autofree char *id = fl_sla_event_id (wo_id, event);
      g_autoptr(JsonObject) known = fl_store_load_row (store, table, id, NULL);
      if (known != NULL)
        continue;
      g_autoptr(JsonObject) row = fl_sla_event_to_row (wo_id, event);
      if (!fl_record_validate (table, row, FL_RECORD_INSERT, NULL, error))
        return -1;
      json_object_set_string_member (row, "id", id);
      if (!fl_store_put_row (store, table, row, NULL, error))
        return -1;
      recorded++;
    }
  return recorded;
}

static gint64
record_events (FlStore *store, GHashTable *clocks, JsonObject *wo, gint64 now, GError **error)
{
  const char *site_id = fl_record_get_string (wo, "site_id");
  if (site_id == NULL)
    return 0;
  SiteClock *clock = site_clock (store, clocks, site_id);
  return fl_sla_sweep_work_order (store, wo, clock->calendar, clock->warnings, clock->n_warnings, now, error);
}

static gboolean
collect_open (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  if (is_open (row))
    g_ptr_array_add (user_data, json_object_ref (row));
  return TRUE;
}

gint64
fl_sla_sweep (FlStore *store, gint64 now, GError **error)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!fl_store_foreach_row (store, fl_schema_lookup ("work_order"), NULL, collect_open, open, error))
    return -1;
  g_autoptr(GHashTable) clocks = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                                        (GDestroyNotify) site_clock_free);
  if (!fl_store_begin (store, error))
    return -1;
  gint64 total = 0;
  for (guint i = 0; i < open->len; i++)
    {
      gint64 n = record_events (store, clocks, open->pdata[i], now, error);
      if (n < 0)
        {
          fl_store_rollback (store);
          return -1;
        }
      total += n;
    }
  return fl_store_commit (store, error) ? total : -1;
}
