#include "fl-sync-controller.h"

#include <glib/gi18n-lib.h>

/* Local edits often come in bursts (a status, a note, a part): wait a
 * little and push them together. */
#define CHANGE_DELAY_SECONDS 5

struct _FlSyncController
{
  GObject          parent_instance;
  FlSession       *session;
  GSettings       *settings;
  GNetworkMonitor *monitor;
  GCancellable    *cancellable;

  FlSyncStatus     status;
  char            *error;
  gboolean         running;
  gboolean         again;        /* another sync was asked for while one ran */
  guint            failures;     /* transient failures in a row */
  guint            interval_id;  /* background sync timer */
  guint            soon_id;      /* a sync soon after a change or a failure */
};

G_DEFINE_FINAL_TYPE (FlSyncController, fl_sync_controller, G_TYPE_OBJECT)

enum { PROP_0, PROP_STATUS, PROP_LAST_SYNCED, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { SIGNED_OUT, FAILED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
set_status (FlSyncController *self, FlSyncStatus status, const char *error)
{
  g_free (self->error);
  self->error = g_strdup (error);
  self->status = status;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static gboolean
auto_sync (FlSyncController *self)
{
  return g_settings_get_boolean (self->settings, "auto-sync");
}

static gboolean
soon_cb (gpointer user_data)
{
  FlSyncController *self = user_data;
  self->soon_id = 0;
  fl_sync_controller_sync (self);
  return G_SOURCE_REMOVE;
}

static void
sync_in (FlSyncController *self, double seconds)
{
  g_clear_handle_id (&self->soon_id, g_source_remove);
  self->soon_id = g_timeout_add_seconds ((guint) MAX (seconds, 1), soon_cb, self);
}

static void
sync_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(FlSyncController) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = fl_sync_client_sync_finish (FL_SYNC_CLIENT (source), result, &error);
  self->running = FALSE;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    return;

  if (ok)
    {
      self->failures = 0;
      set_status (self, FL_SYNC_STATUS_IDLE, NULL);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
    }
  else if (fl_sync_error_is_transient (error))
    {
      gboolean network = g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK);
      set_status (self, network ? FL_SYNC_STATUS_OFFLINE : FL_SYNC_STATUS_FAILED, error->message);
      if (auto_sync (self))
        sync_in (self, fl_sync_retry_delay (++self->failures,
                                            fl_sync_client_get_last_stats (FL_SYNC_CLIENT (source))->retry_after,
                                            g_random_double ()));
    }
  else
    {
      set_status (self, FL_SYNC_STATUS_FAILED, error->message);
      if (g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT))
        g_signal_emit (self, signals[SIGNED_OUT], 0, error->message);
      else
        g_signal_emit (self, signals[FAILED], 0, error->message);
    }

  if (self->again)
    {
      self->again = FALSE;
      fl_sync_controller_sync (self);
    }
}

void
fl_sync_controller_sync (FlSyncController *self)
{
  FlSyncClient *client = fl_session_get_sync_client (self->session);
  if (self->running)
    {
      self->again = TRUE;
      return;
    }
  /* Never signed in: the sign-in page is shown, there is nothing to sync.
   * A sign-in lost since (a keyring locked or gone) is the sync's to
   * report, as a failure that says what to do. */
  if (fl_session_get_login (self->session) == NULL)
    return;
  g_clear_handle_id (&self->soon_id, g_source_remove);
  self->running = TRUE;
  set_status (self, FL_SYNC_STATUS_SYNCING, NULL);
  fl_sync_client_sync_async (client, self->cancellable, sync_done_cb, g_object_ref (self));
}

void
fl_sync_controller_stop (FlSyncController *self)
{
  g_cancellable_cancel (self->cancellable);
  g_clear_handle_id (&self->soon_id, g_source_remove);
  g_clear_handle_id (&self->interval_id, g_source_remove);
}

static void
network_changed_cb (FlSyncController *self, gboolean available)
{
  if (self->running)
    return;
  if (!available)
    set_status (self, FL_SYNC_STATUS_OFFLINE, NULL);
  else if (auto_sync (self))
    {
      self->failures = 0;
      fl_sync_controller_sync (self);
    }
  else if (self->status == FL_SYNC_STATUS_OFFLINE)
    set_status (self, FL_SYNC_STATUS_IDLE, NULL);
}

static void
session_changed_cb (FlSyncController *self, const char *table)
{
  /* What a sync writes is announced before it finishes, while it runs. */
  if (auto_sync (self) && !self->running && self->failures == 0)
    sync_in (self, CHANGE_DELAY_SECONDS);
  /* The pending count in the header changes with every local write. */
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_STATUS]);
}

static gboolean
interval_cb (gpointer user_data)
{
  FlSyncController *self = user_data;
  if (auto_sync (self) && g_network_monitor_get_network_available (self->monitor))
    fl_sync_controller_sync (self);
  return G_SOURCE_CONTINUE;
}

static void
schedule_interval (FlSyncController *self)
{
  g_clear_handle_id (&self->interval_id, g_source_remove);
  if (!auto_sync (self))
    return;
  guint minutes = g_settings_get_uint (self->settings, "sync-interval-minutes");
  self->interval_id = g_timeout_add_seconds (MAX (minutes, 1) * 60, interval_cb, self);
}

/* ---- sign-in ---- */

typedef struct {
  char *server_url;
  char *login;
} SignIn;

static void
sign_in_free (SignIn *sign_in)
{
  g_free (sign_in->server_url);
  g_free (sign_in->login);
  g_free (sign_in);
}

static void
first_sync_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FlSyncController *self = g_task_get_source_object (task);
  GError *error = NULL;
  gboolean ok = fl_sync_client_sync_finish (FL_SYNC_CLIENT (source), result, &error);
  self->running = FALSE;
  set_status (self, ok ? FL_SYNC_STATUS_IDLE : FL_SYNC_STATUS_FAILED, ok ? NULL : error->message);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LAST_SYNCED]);
  if (ok)
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
login_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FlSyncController *self = g_task_get_source_object (task);
  SignIn *sign_in = g_task_get_task_data (task);
  GError *error = NULL;
  if (!fl_sync_client_login_finish (FL_SYNC_CLIENT (source), result, &error))
    {
      self->running = FALSE;
      set_status (self, FL_SYNC_STATUS_FAILED, error->message);
      g_task_return_error (task, error);
      return;
    }
  g_settings_set_string (self->settings, "server-url", sign_in->server_url);
  g_settings_set_string (self->settings, "login", sign_in->login);
  fl_session_set_login (self->session, sign_in->login);
  fl_sync_client_sync_async (FL_SYNC_CLIENT (source), g_task_get_cancellable (task), first_sync_cb,
                             g_object_ref (task));
}

void
fl_sync_controller_sign_in_async (FlSyncController *self, const char *server_url, const char *login,
                                  const char *password, GCancellable *cancellable,
                                  GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_sync_controller_sign_in_async);
  if (self->running)
    {
      g_task_return_new_error (task, FL_SYNC_ERROR, FL_SYNC_ERROR_BUSY,
                               _("A sync is running; try again when it is done"));
      return;
    }
  SignIn *sign_in = g_new0 (SignIn, 1);
  sign_in->server_url = g_strdup (server_url);
  sign_in->login = g_strdup (login);
  g_task_set_task_data (task, sign_in, (GDestroyNotify) sign_in_free);
  self->running = TRUE;
  set_status (self, FL_SYNC_STATUS_SYNCING, NULL);
  fl_sync_client_login_async (fl_session_get_sync_client (self->session), server_url, login, password,
                              g_get_host_name (), cancellable, login_cb, g_steal_pointer (&task));
}

gboolean
fl_sync_controller_sign_in_finish (FlSyncController *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

static void
sign_out_thread (GTask *task, gpointer source, gpointer data, GCancellable *cancellable)
{
  GError *error = NULL;
  if (fl_sync_client_logout (data, cancellable, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
sign_out_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  FlSyncController *self = FL_SYNC_CONTROLLER (source);
  GError *error = NULL;
  self->running = FALSE;
  if (!g_task_propagate_boolean (G_TASK (result), &error))
    {
      set_status (self, FL_SYNC_STATUS_FAILED, error->message);
      g_task_return_error (task, error);
      return;
    }
  g_settings_set_string (self->settings, "login", "");
  fl_session_set_login (self->session, NULL);
  set_status (self, FL_SYNC_STATUS_IDLE, NULL);
  g_task_return_boolean (task, TRUE);
}

void
fl_sync_controller_sign_out_async (FlSyncController *self, GCancellable *cancellable,
                                   GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, fl_sync_controller_sign_out_async);
  if (self->running)
    {
      g_task_return_new_error (task, FL_SYNC_ERROR, FL_SYNC_ERROR_BUSY,
                               _("A sync is running; try again when it is done"));
      return;
    }
  g_clear_handle_id (&self->soon_id, g_source_remove);
  self->running = TRUE;
  g_autoptr(GTask) logout = g_task_new (self, cancellable, sign_out_done_cb, g_steal_pointer (&task));
  g_task_set_task_data (logout, g_object_ref (fl_session_get_sync_client (self->session)), g_object_unref);
  g_task_run_in_thread (logout, sign_out_thread);
}

gboolean
fl_sync_controller_sign_out_finish (FlSyncController *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

/* ---- properties ---- */

FlSession *
fl_sync_controller_get_session (FlSyncController *self)
{
  return self->session;
}

FlSyncStatus
fl_sync_controller_get_status (FlSyncController *self)
{
  return self->status;
}

gint64
fl_sync_controller_get_last_synced (FlSyncController *self)
{
  g_autofree char *text = fl_db_get_meta (fl_session_get_db (self->session), FL_META_LAST_SYNC);
  gint64 usec = 0;
  if (text != NULL)
    fl_time_parse (text, &usec, NULL);
  return usec;
}

const char *
fl_sync_controller_get_error (FlSyncController *self)
{
  return self->error;
}

static void
fl_sync_controller_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlSyncController *self = FL_SYNC_CONTROLLER (object);
  switch (prop_id)
    {
    case PROP_STATUS:
      g_value_set_int (value, self->status);
      break;
    case PROP_LAST_SYNCED:
      g_value_set_int64 (value, fl_sync_controller_get_last_synced (self));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_sync_controller_dispose (GObject *object)
{
  FlSyncController *self = FL_SYNC_CONTROLLER (object);
  fl_sync_controller_stop (self);
  if (self->monitor != NULL)
    g_signal_handlers_disconnect_by_data (self->monitor, self);
  G_OBJECT_CLASS (fl_sync_controller_parent_class)->dispose (object);
}

static void
fl_sync_controller_finalize (GObject *object)
{
  FlSyncController *self = FL_SYNC_CONTROLLER (object);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  g_clear_object (&self->cancellable);
  g_free (self->error);
  G_OBJECT_CLASS (fl_sync_controller_parent_class)->finalize (object);
}

static void
fl_sync_controller_class_init (FlSyncControllerClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = fl_sync_controller_get_property;
  object_class->dispose = fl_sync_controller_dispose;
  object_class->finalize = fl_sync_controller_finalize;

  properties[PROP_STATUS] = g_param_spec_int ("status", NULL, NULL, 0, FL_SYNC_STATUS_FAILED, 0,
                                              G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_LAST_SYNCED] = g_param_spec_int64 ("last-synced", NULL, NULL, 0, G_MAXINT64, 0,
                                                     G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* The server refused the token (expired or revoked): sign in again. */
  signals[SIGNED_OUT] = g_signal_new ("signed-out", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                      0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
  /* A sync failed for another reason than the network being away (which
   * the status shows): the reason, for the user to act on. */
  signals[FAILED] = g_signal_new ("failed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                  0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fl_sync_controller_init (FlSyncController *self)
{
  self->cancellable = g_cancellable_new ();
}

FlSyncController *
fl_sync_controller_new (FlSession *session, GSettings *settings)
{
  FlSyncController *self = g_object_new (FL_TYPE_SYNC_CONTROLLER, NULL);
  self->session = g_object_ref (session);
  self->settings = g_object_ref (settings);
  self->monitor = g_network_monitor_get_default ();
  g_signal_connect_swapped (self->monitor, "network-changed", G_CALLBACK (network_changed_cb), self);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::auto-sync", G_CALLBACK (schedule_interval), self,
                           G_CONNECT_SWAPPED);
  g_signal_connect_object (settings, "changed::sync-interval-minutes", G_CALLBACK (schedule_interval), self,
                           G_CONNECT_SWAPPED);
  if (!g_network_monitor_get_network_available (self->monitor))
    self->status = FL_SYNC_STATUS_OFFLINE;
  schedule_interval (self);
  /* Catch up once at start, automatic syncs or not: what changed while the
   * client was closed, and whether the sign-in still holds. */
  if (fl_session_get_login (session) != NULL && self->status != FL_SYNC_STATUS_OFFLINE)
    sync_in (self, 1);
  return self;
}
