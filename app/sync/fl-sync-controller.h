/* fl-sync-controller.h — when the client syncs: on demand (Ctrl+R), in the
 * background every few minutes and soon after a local change when
 * automatic sync is on, and as soon as the network comes back.  It never
 * blocks: the sync client works in a worker thread, and the status here is
 * what the header bar shows. */
#pragma once

#include <gio/gio.h>

#include "fl-session.h"
#include "fl-sync-status-button.h"

G_BEGIN_DECLS

#define FL_TYPE_SYNC_CONTROLLER (fl_sync_controller_get_type ())
G_DECLARE_FINAL_TYPE (FlSyncController, fl_sync_controller, FL, SYNC_CONTROLLER, GObject)

/* `settings`: the application's (server-url, login, auto-sync, sync-interval-minutes). */
FlSyncController *fl_sync_controller_new (FlSession *session, GSettings *settings);

FlSession    *fl_sync_controller_get_session (FlSyncController *self);
FlSyncStatus  fl_sync_controller_get_status (FlSyncController *self);
/* usec of the last complete sync, 0 = never. */
gint64        fl_sync_controller_get_last_synced (FlSyncController *self);
/* Why the last sync failed, or NULL. */
const char   *fl_sync_controller_get_error (FlSyncController *self);

/* Syncs now (or right after the sync that is running). */
void          fl_sync_controller_sync (FlSyncController *self);
/* Stops the timers and cancels a sync in flight (at quit). */
void          fl_sync_controller_stop (FlSyncController *self);

/* Signs in, remembers the server and login in the settings, then takes
 * the first sync; the sync client's ::progress reports how far it is. */
void          fl_sync_controller_sign_in_async (FlSyncController *self, const char *server_url,
                                                const char *login, const char *password,
                                                GCancellable *cancellable,
                                                GAsyncReadyCallback callback, gpointer user_data);
gboolean      fl_sync_controller_sign_in_finish (FlSyncController *self, GAsyncResult *result,
                                                 GError **error);

/* Signs out: ends this device's token on the server (best effort, in a
 * worker thread), forgets it and the remembered login, and leaves the
 * session without a user.  The replica and its outbox stay; the same user
 * signs in again to send what waits, another user once nothing does. */
void          fl_sync_controller_sign_out_async (FlSyncController *self, GCancellable *cancellable,
                                                 GAsyncReadyCallback callback, gpointer user_data);
gboolean      fl_sync_controller_sign_out_finish (FlSyncController *self, GAsyncResult *result,
                                                  GError **error);

G_END_DECLS
