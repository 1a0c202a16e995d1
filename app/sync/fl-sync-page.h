/* fl-sync-page.h — what waits to be sent, the conflicts to decide (the
 * value before, mine and the server's, and a choice) and the changes the
 * server refused with its reason (fix and retry, or discard). */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"
#include "fl-sync-controller.h"

G_BEGIN_DECLS

#define FL_TYPE_SYNC_PAGE (fl_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (FlSyncPage, fl_sync_page, FL, SYNC_PAGE, GtkWidget)

void        fl_sync_page_reload (FlSyncPage *self);

GListModel *fl_sync_page_get_conflicts (FlSyncPage *self);
GListModel *fl_sync_page_get_rejected (FlSyncPage *self);
GListModel *fl_sync_page_get_pending (FlSyncPage *self);
/* The conflicts the server recorded of other computers (FlRecordItem of
 * `conflict` rows), as a supervisor sees everyone's. */
GListModel *fl_sync_page_get_seen_conflicts (FlSyncPage *self);

G_END_DECLS
