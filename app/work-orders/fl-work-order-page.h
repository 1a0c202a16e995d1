/* fl-work-order-page.h — one work order: its fields, the status moves the
 * signed-in role may make (the others shown disabled), the work log, parts
 * used from the van, photos, the resolution and the customer's acceptance;
 * its service sheet to print. */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_WORK_ORDER_PAGE (fl_work_order_page_get_type ())
G_DECLARE_FINAL_TYPE (FlWorkOrderPage, fl_work_order_page, FL, WORK_ORDER_PAGE, GtkWidget)

void        fl_work_order_page_set_session (FlWorkOrderPage *self, FlSession *session);
void        fl_work_order_page_load (FlWorkOrderPage *self, const char *id);
const char *fl_work_order_page_get_id (FlWorkOrderPage *self);

/* Attaches an image file as a photo of the order (what the file chooser
 * does once a file is picked); the result comes as a toast. */
void        fl_work_order_page_attach_file (FlWorkOrderPage *self, GFile *file);

/* Writes the order's service sheet to `path` (what the file chooser does
 * once a name is given), the customer's signature downloaded first when it
 * is not here yet; the result comes as a toast. */
void        fl_work_order_page_save_sheet (FlWorkOrderPage *self, const char *path);

G_END_DECLS
