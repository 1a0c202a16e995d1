/* fl-work-order-model.h — the work orders matching a query, as a lazy
 * GListModel of FlRecordItem.
 *
 * The query (full-text search over the replica's trigram index plus
 * filters) runs in a worker thread on its own read connection and keeps only
 * the matching rowids; a row is read when the list asks for its item (the
 * rows on screen), through a small cache.  100 000 orders cost a 100 000-entry
 * array and the rows that are visible. */
#pragma once

#include <gio/gio.h>

#include "fl-session.h"

G_BEGIN_DECLS

typedef struct {
  char     *text;       /* words to find in ref, title, description, resolution */
  gboolean  mine;       /* assigned to the signed-in user */
  gboolean  open_only;  /* not resolved, closed or cancelled */
  char     *status;     /* one status, or NULL */
  char     *priority;   /* one priority, or NULL */
  char     *site_id;    /* one site, or NULL */
  gboolean  overdue;    /* past its response or resolution due time, not on hold */
} FlWorkOrderQuery;

void fl_work_order_query_clear (FlWorkOrderQuery *query);
void fl_work_order_query_copy (const FlWorkOrderQuery *from, FlWorkOrderQuery *to);

#define FL_TYPE_WORK_ORDER_MODEL (fl_work_order_model_get_type ())
G_DECLARE_FINAL_TYPE (FlWorkOrderModel, fl_work_order_model, FL, WORK_ORDER_MODEL, GObject)

FlWorkOrderModel *fl_work_order_model_new (FlSession *session);

/* Runs the query in the background; the model changes when it is done
 * (a newer query wins over one still running).  :loading is TRUE meanwhile. */
void              fl_work_order_model_set_query (FlWorkOrderModel *self, const FlWorkOrderQuery *query);
/* Runs the current query again (after a local change or a sync). */
void              fl_work_order_model_refresh (FlWorkOrderModel *self);
gboolean          fl_work_order_model_get_loading (FlWorkOrderModel *self);
/* CPU seconds the last query took in the worker (what it costs, however
 * busy the machine), for the benchmark. */
double            fl_work_order_model_get_last_query_seconds (FlWorkOrderModel *self);
/* Position of the order `id` in the model, or G_MAXUINT. */
guint             fl_work_order_model_find (FlWorkOrderModel *self, const char *id);

G_END_DECLS
