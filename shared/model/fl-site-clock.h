/* fl-site-clock.h — what the SLA events of a site's work orders are
 * computed with: the site's calendar and its warning percents, built from
 * the site's and its calendar's rows and kept per site id while a sweep
 * walks many orders.  The rows come through a loader, so the server
 * (through its store) and a replica (through its database) share it. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-work-order-sla.h"

G_BEGIN_DECLS

typedef struct {
  FlCalendar *calendar;
  int         warnings[FL_SLA_MAX_WARNINGS];
  guint       n_warnings;
} FlSiteClock;

/* The row `id` of `table_name` ("site" or "calendar"), a new reference;
 * NULL when there is none (the standard calendar then applies). */
typedef JsonObject *(*FlSiteClockLoader) (const char *table_name, const char *id, gpointer user_data);

typedef struct _FlSiteClocks FlSiteClocks;

FlSiteClocks      *fl_site_clocks_new (FlSiteClockLoader load, gpointer user_data);
void               fl_site_clocks_free (FlSiteClocks *clocks);
/* The clock of site `site_id`, read the first time it is asked for. */
const FlSiteClock *fl_site_clocks_get (FlSiteClocks *clocks, const char *site_id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSiteClocks, fl_site_clocks_free)

G_END_DECLS
