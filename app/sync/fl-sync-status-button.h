/* fl-sync-status-button.h — the header bar's sync button: it says whether
 * the client is offline, how many changes wait, that a sync runs, or when
 * the last one finished; clicking it syncs now (win.sync). */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

typedef enum {
  FL_SYNC_STATUS_IDLE,
  FL_SYNC_STATUS_OFFLINE,
  FL_SYNC_STATUS_SYNCING,
  FL_SYNC_STATUS_FAILED,
} FlSyncStatus;

#define FL_TYPE_SYNC_STATUS_BUTTON (fl_sync_status_button_get_type ())
G_DECLARE_FINAL_TYPE (FlSyncStatusButton, fl_sync_status_button, FL, SYNC_STATUS_BUTTON, GtkButton)

/* `pending`: local changes not pushed yet; `last_synced`: usec, 0 = never;
 * `detail`: the failure's message (tooltip) for FL_SYNC_STATUS_FAILED. */
void         fl_sync_status_button_update (FlSyncStatusButton *self, FlSyncStatus status,
                                           gint64 pending, gint64 last_synced, const char *detail);
const char  *fl_sync_status_button_get_text (FlSyncStatusButton *self);

G_END_DECLS
