/* fl-work-order-list-page.h — "My work": the work orders of the replica,
 * searched and filtered, beside the one that is open. */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"
#include "fl-work-order-model.h"
#include "fl-work-order-page.h"

G_BEGIN_DECLS

#define FL_TYPE_WORK_ORDER_LIST_PAGE (fl_work_order_list_page_get_type ())
G_DECLARE_FINAL_TYPE (FlWorkOrderListPage, fl_work_order_list_page, FL, WORK_ORDER_LIST_PAGE, GtkWidget)

FlWorkOrderModel *fl_work_order_list_page_get_model (FlWorkOrderListPage *self);
FlWorkOrderPage  *fl_work_order_list_page_get_detail (FlWorkOrderListPage *self);

G_END_DECLS
