/* fl-record-row.h — the row that shows an FlRecordItem in every list of the
 * client: title, subtitle, a badge (the SLA time left, a state), a tag (the
 * priority) and the sync state icon.
 *
 * Its few children are built in code rather than from a template: a list of
 * 100,000 work orders creates rows as fast as the user scrolls or searches,
 * and a GtkBuilder pass per row costs several times the row itself. */
#pragma once

#include <gtk/gtk.h>

#include "fl-record-item.h"

G_BEGIN_DECLS

#define FL_TYPE_RECORD_ROW (fl_record_row_get_type ())
G_DECLARE_FINAL_TYPE (FlRecordRow, fl_record_row, FL, RECORD_ROW, GtkWidget)

GtkWidget    *fl_record_row_new (void);
void          fl_record_row_set_item (FlRecordRow *self, FlRecordItem *item);
FlRecordItem *fl_record_row_get_item (FlRecordRow *self);

G_END_DECLS
