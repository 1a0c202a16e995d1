/* fl-sla-notifier.h — desktop notifications for the signed-in engineer:
 * a warning or an escalation of one of their own open work orders (the
 * SLA events the replica records each minute and after each sync), and
 * work orders newly assigned to them that a sync brought. */
#pragma once

#include <gio/gio.h>

#include "fl-session.h"
#include "fl-sync-controller.h"

G_BEGIN_DECLS

#define FL_TYPE_SLA_NOTIFIER (fl_sla_notifier_get_type ())
G_DECLARE_FINAL_TYPE (FlSlaNotifier, fl_sla_notifier, FL, SLA_NOTIFIER, GObject)

/* Emits ::notice (id, GNotification) for each thing to tell, which the
 * application sends (g_application_send_notification); the notification's
 * default action is app.show-work-order with the order's id. */
FlSlaNotifier *fl_sla_notifier_new (FlSession *session, FlSyncController *sync);

/* Records the SLA events due by now and tells the engineer about their own;
 * after a sync also about orders newly assigned to them.  The minute timer
 * and the controller's syncs call it; tests call it directly. */
void           fl_sla_notifier_check (FlSlaNotifier *self, gboolean after_sync);

G_END_DECLS
