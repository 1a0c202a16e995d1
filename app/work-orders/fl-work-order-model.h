/* fl-work-order-model.h — the work orders matching a query, as a lazy
 * GListModel of FlRecordItem.
 *
 * The query (fl_work_order_search: full-text search over the replica's
 * trigram index plus filters) runs in a worker thread on its own read
 * connection and keeps only the matching rowids; a row is read when the list asks for its item (the
 * rows on screen), through a small cache.  100 000 orders cost a 100 000-entry
 * array and the rows that are visible. */
#pragma once

#include <fl-work-order-queries.h>
#include <gio/gio.h>

#include "fl-session.h"

G_BEGIN_DECLS

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
