/* fl-new-work-order-dialog.h — records an incident, a service request or a
 * maintenance job offline, with its priority and due times shown as the
 * impact and urgency are chosen. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_NEW_WORK_ORDER_DIALOG (fl_new_work_order_dialog_get_type ())
G_DECLARE_FINAL_TYPE (FlNewWorkOrderDialog, fl_new_work_order_dialog, FL, NEW_WORK_ORDER_DIALOG, AdwWindow)

/* Emits ::created with the new order's id before it closes. */
FlNewWorkOrderDialog *fl_new_work_order_dialog_new (GtkWindow *parent, FlSession *session);

G_END_DECLS
