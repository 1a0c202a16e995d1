#pragma once
#include <gtk/gtk.h>
#include "fl-session.h"
#include "fl-sync-controller.h"
G_BEGIN_DECLS
#define FL_TYPE_SYNC_PAGE (fl_sync_page_get_type ())
G_DECLARE_FINAL_TYPE (FlSyncPage, fl_sync_page, FL, SYNC_PAGE, GtkWidget)
void fl_sync_page_set_session (FlSyncPage *self, FlSession *session, FlSyncController *sync);
gint64 fl_sync_page_count_attention (FlSyncPage *self);
G_END_DECLS
