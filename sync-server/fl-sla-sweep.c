#include "fl-sla-sweep.h"

#include "fl-record.h"
#include "fl-site-clock.h"
#include "fl-work-order-sla.h"

static JsonObject *
load_from_store (const char *table_name, const char *id, gpointer user_data)
{
  return fl_store_load_row (user_data, fl_schema_lookup (table_name), id, NULL);
}

/* The sweep writes its events in short transactions, so that a push
 * never waits long for the writer behind it. */
#define SWEEP_BATCH 200

/* Adds to `rows` the events of `wo` that have happened by `now` and are
 * not recorded yet. */
static gboolean
collect_new_events (FlStore *store, JsonObject *wo, FlCalendar *calendar, const int *warnings,
                    guint n_warnings, gint64 now, GPtrArray *rows, GError **error)
{
  const char *wo_id = fl_record_get_string (wo, "id");
  if (wo_id == NULL)
    return TRUE;
  g_autoptr(GArray) events = fl_work_order_sla_events (wo, calendar, warnings, n_warnings, now);
  const FlTable *table = fl_schema_lookup ("sla_event");
  for (guint i = 0; i < events->len; i++)
    {
      const FlSlaEvent *event = &g_array_index (events, FlSlaEvent, i);
      g_autofree char *id = fl_sla_event_id (wo_id, event);
      g_autoptr(JsonObject) known = fl_store_load_row (store, table, id, NULL);
      if (known != NULL)
        continue;
      g_autoptr(JsonObject) row = fl_sla_event_to_row (wo_id, event);
      if (!fl_record_validate (table, row, FL_RECORD_INSERT, NULL, error))
        return FALSE;
      json_object_set_string_member (row, "id", id);
      g_ptr_array_add (rows, g_steal_pointer (&row));
    }
  return TRUE;
}

/* Writes rows[from..to) that are still not recorded (a push may have
 * recorded one since they were collected).  Returns how many it wrote. */
static gint64
put_new_events (FlStore *store, GPtrArray *rows, guint from, guint to, GError **error)
{
  const FlTable *table = fl_schema_lookup ("sla_event");
  gint64 recorded = 0;
  for (guint i = from; i < to; i++)
    {
      JsonObject *row = rows->pdata[i];
      g_autoptr(JsonObject) known = fl_store_load_row (store, table, fl_record_get_string (row, "id"), NULL);
      if (known != NULL)
        continue;
      if (!fl_store_put_row (store, table, row, NULL, error))
        return -1;
      recorded++;
    }
  return recorded;
}

gint64
fl_sla_sweep_work_order (FlStore *store, JsonObject *wo, FlCalendar *calendar, const int *warnings,
                         guint n_warnings, gint64 now, GError **error)
{
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!collect_new_events (store, wo, calendar, warnings, n_warnings, now, rows, error))
    return -1;
  return put_new_events (store, rows, 0, rows->len, error);
}

static gboolean
collect_open (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, json_object_ref (row));
  return TRUE;
}

gint64
fl_sla_sweep (FlStore *store, gint64 now, GError **error)
{
  g_autoptr(GPtrArray) open = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!fl_store_foreach_open_work_order (store, collect_open, open, error))
    return -1;
  /* What is new is worked out outside any transaction, so the writer is
   * held only while the rows are written. */
  g_autoptr(FlSiteClocks) clocks = fl_site_clocks_new (load_from_store, store);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < open->len; i++)
    {
      JsonObject *wo = open->pdata[i];
      const char *site_id = fl_record_get_string (wo, "site_id");
      if (site_id == NULL)
        continue;
      const FlSiteClock *clock = fl_site_clocks_get (clocks, site_id);
      if (!collect_new_events (store, wo, clock->calendar, clock->warnings, clock->n_warnings, now,
                               rows, error))
        return -1;
    }
  gint64 total = 0;
  for (guint from = 0; from < rows->len; from += SWEEP_BATCH)
    {
      if (!fl_store_begin (store, error))
        return -1;
      gint64 n = put_new_events (store, rows, from, MIN (from + SWEEP_BATCH, rows->len), error);
      if (n < 0)
        {
          fl_store_rollback (store);
          return -1;
        }
      if (!fl_store_commit (store, error))
        return -1;
      total += n;
    }
  return total;
}
