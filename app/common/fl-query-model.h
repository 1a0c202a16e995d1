/* fl-query-model.h — a GListModel over an SQL query of the replica (an
 * FlPagedQuery of the core, whose SQL the domain modules give).  It
 * counts the rows, then reads them a page at a time as the view asks, so a
 * list of 100k rows costs what is on screen.  Items are FlRecordItem whose
 * record has the query's column names as members (and whose id is the "id"
 * column, if any). */
#pragma once

#include <gtk/gtk.h>

#include "fl-db.h"
#include "fl-record-item.h"

G_BEGIN_DECLS

#define FL_TYPE_QUERY_MODEL (fl_query_model_get_type ())
G_DECLARE_FINAL_TYPE (FlQueryModel, fl_query_model, FL, QUERY_MODEL, GObject)

/* `sql` is a SELECT without LIMIT whose parameters are ?1 .. ?n. */
FlQueryModel *fl_query_model_new (FlDb *db, const char *sql);

/* Sets ?1 .. ?n (NULL binds NULL) and reloads. */
void          fl_query_model_set_params (FlQueryModel *self, guint n_params,
                                         const char * const *params);
/* Called on each item as it is read, to set the texts a list row shows
 * (fl_record_item_set_title, ...) from its record. */
typedef void (*FlQueryModelDecorate) (FlRecordItem *item, gpointer user_data);
void          fl_query_model_set_decorate (FlQueryModel *self, FlQueryModelDecorate decorate,
                                           gpointer user_data);

/* Runs the query again (after a write or a sync) and tells the views. */
void          fl_query_model_reload (FlQueryModel *self);

/* The last error of the query, or NULL: the model is then empty. */
const GError *fl_query_model_get_error (FlQueryModel *self);

/* Registers the closures templates use to show a column of an item's record
 * (GtkBuilder <closure function="...">, given the FlRecordItem):
 *   fl_row_text (item, "column")  the value as text, "" when NULL;
 *   fl_row_time (item, "column")  a stored time as local "2026-10-09 09:00". */
void          fl_query_model_add_template_callbacks (GtkWidgetClass *widget_class);

G_END_DECLS
