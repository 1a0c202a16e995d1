#include "fl-site-clock.h"

#include "fl-record.h"

struct _FlSiteClocks
{
  FlSiteClockLoader  load;
  gpointer           user_data;
  GHashTable        *by_site;  /* site id -> FlSiteClock */
};

static void
site_clock_free (FlSiteClock *clock)
{
  fl_calendar_unref (clock->calendar);
  g_free (clock);
}

FlSiteClocks *
fl_site_clocks_new (FlSiteClockLoader load, gpointer user_data)
{
  FlSiteClocks *clocks = g_new0 (FlSiteClocks, 1);
  clocks->load = load;
  clocks->user_data = user_data;
  clocks->by_site = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) site_clock_free);
  return clocks;
}

void
fl_site_clocks_free (FlSiteClocks *clocks)
{
  g_hash_table_unref (clocks->by_site);
  g_free (clocks);
}

const FlSiteClock *
fl_site_clocks_get (FlSiteClocks *clocks, const char *site_id)
{
  FlSiteClock *clock = g_hash_table_lookup (clocks->by_site, site_id);
  if (clock != NULL)
    return clock;
  g_autoptr(JsonObject) site = clocks->load ("site", site_id, clocks->user_data);
  const char *calendar_id = site != NULL ? fl_record_get_string (site, "calendar_id") : NULL;
  g_autoptr(JsonObject) calendar = calendar_id != NULL ? clocks->load ("calendar", calendar_id, clocks->user_data)
                                                       : NULL;
  clock = g_new0 (FlSiteClock, 1);
  clock->calendar = fl_work_order_site_calendar (site, calendar);
  clock->n_warnings = fl_work_order_sla_warnings (site, clock->warnings);
  g_hash_table_insert (clocks->by_site, g_strdup (site_id), clock);
  return clock;
}
