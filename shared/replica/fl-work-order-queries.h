/* fl-work-order-queries.h — what the client's work-order screens read from
 * the replica: the orders a search and filters select (rowids in list
 * order, for a list that reads its rows lazily), one list row, an order's
 * work log, parts used and attachments, and the sites, CIs and van parts
 * the dialogs offer.  Rows come back as JSON objects named after their
 * columns (fl-query.h). */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

typedef struct {
  char     *text;       /* words to find in ref, title, description, resolution */
  gboolean  mine;       /* assigned to the signed-in user */
  gboolean  open_only;  /* not resolved, closed or cancelled */
  char     *status;     /* one status, or NULL */
  char     *priority;   /* one priority, or NULL */
  char     *site_id;    /* one site, or NULL */
  gboolean  overdue;    /* past its response or resolution due time, not on hold */
  gboolean  nearing_breach;  /* open, a warning recorded and its target not met yet, not escalated */
  gboolean  escalated;       /* open, an escalation recorded */
} FlWorkOrderQuery;

void        fl_work_order_query_clear (FlWorkOrderQuery *query);
void        fl_work_order_query_copy (const FlWorkOrderQuery *from, FlWorkOrderQuery *to);

/* The rowids (gint64) of the orders `query` selects, newest first (the
 * order whose reference is the search text first); `login` is whose orders
 * `mine` means. */
GArray     *fl_work_order_search (FlDb *db, const FlWorkOrderQuery *query, const char *login,
                                  GError **error);

/* Searches on a read connection of their own to the replica at `path`, for
 * a worker thread (one search at a time): with a small page cache, keeping
 * the list order of every order between searches while the replica does
 * not change. */
typedef struct _FlWorkOrderSearch FlWorkOrderSearch;
FlWorkOrderSearch *fl_work_order_search_open (const char *path, GError **error);
void               fl_work_order_search_free (FlWorkOrderSearch *search);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlWorkOrderSearch, fl_work_order_search_free)
/* As fl_work_order_search(). */
GArray            *fl_work_order_search_run (FlWorkOrderSearch *search, const FlWorkOrderQuery *query,
                                             const char *login, GError **error);

/* What a list row shows of the order at `rowid`: id, ref, kind, title,
 * status, priority, assignee, site_id, response_due, resolve_due,
 * responded_at, on_hold_since (text or null), site_name and sla_state:
 * the level of its last escalation ("management", "second_line",
 * "incident_change"), "nearing_breach", or null.  NULL without
 * an error when the row has left the replica since the search. */
JsonObject *fl_work_order_list_row (FlDb *db, gint64 rowid, GError **error);
/* The rowid of the order `id`; 0 when it is not in the replica. */
gint64      fl_work_order_rowid (FlDb *db, const char *id, GError **error);

/* The order's work log, oldest first, each entry as its latest correction
 * has it: id, work_order_id, author, at (of the entry), kind, minutes, text,
 * voided (0 or 1), revised_by and revised_at (of the latest correction, or
 * null) and revisions (how many corrections). */
GPtrArray  *fl_work_order_list_log (FlDb *db, const char *id, GError **error);
/* An entry's history, oldest first: the entry, then each correction (id,
 * author, at, kind, minutes, text, voided). */
GPtrArray  *fl_work_order_list_log_history (FlDb *db, const char *entry_id, GError **error);

/* The time the order's log counts, voided entries left out. */
typedef struct {
  gint64 labour_minutes;
  gint64 travel_minutes;
} FlWorkOrderTime;
gboolean    fl_work_order_time_spent (FlDb *db, const char *id, FlWorkOrderTime *time, GError **error);
/* The parts used on the order, in the order used: id, qty, serial, name,
 * sku, unit, location_code (where it came from) and balance (what is
 * left there now). */
GPtrArray  *fl_work_order_list_parts (FlDb *db, const char *id, GError **error);
/* The files attached to the order, oldest first: id, filename, sha256,
 * size, at, by. */
GPtrArray  *fl_work_order_list_attachments (FlDb *db, const char *id, GError **error);

/* Every site, by name: id, name. */
GPtrArray  *fl_work_order_list_sites (FlDb *db, GError **error);
/* The services a work order at a site may name: the catalogue's entries
 * still offered, by code, then the contracts with a policy at the site
 * (sla_policy.catalogue, for every site or its own) that are not in the
 * catalogue: service (the code), name (NULL for a contract). */
GPtrArray  *fl_work_order_list_services (FlDb *db, const char *site_id, GError **error);
/* The CIs of a site still in service, by code: id, code, name. */
GPtrArray  *fl_work_order_list_site_cis (FlDb *db, const char *site_id, GError **error);
/* The parts a van holds, those in stock first, by name: id, name, sku,
 * unit, qty. */
GPtrArray  *fl_work_order_list_van_parts (FlDb *db, const char *van_id, GError **error);

G_END_DECLS
