#include "fl-application.h"

#include <errno.h>
#include <glib/gi18n-lib.h>

#include "fl-preferences-window.h"
#include "fl-secret-token-store.h"
#include "fl-session.h"
#include "fl-sla-notifier.h"
#include "fl-sync-controller.h"
#include "fl-window.h"

struct _FlApplication
{
  AdwApplication    parent_instance;
  GSettings        *settings;
  FlSession        *session;
  FlSyncController *sync;
  FlSlaNotifier    *notifier;
};

G_DEFINE_FINAL_TYPE (FlApplication, fl_application, ADW_TYPE_APPLICATION)

static const FlShortcut shortcuts[] = {
  { "app.quit", { "<Primary>q", NULL } },
  { "window.close", { "<Primary>w", NULL } },
  { "win.sync", { "<Primary>r", "F5", NULL } },
  { "win.new-work-order", { "<Primary>n", NULL } },
  { "win.search", { "<Primary>f", NULL } },
  { "win.show-area::my-work", { "<Alt>1", NULL } },
  { "win.show-area::inspections", { "<Alt>2", NULL } },
  { "win.show-area::backups", { "<Alt>3", NULL } },
  { "win.show-area::cis", { "<Alt>4", NULL } },
  { "win.show-area::stock", { "<Alt>5", NULL } },
  { "win.show-area::approvals", { "<Alt>6", NULL } },
  { "win.show-area::reports", { "<Alt>7", NULL } },
  { "win.show-area::sync", { "<Alt>8", NULL } },
  { "app.preferences", { "<Primary>comma", NULL } },
  { NULL, { NULL } },
};

const FlShortcut *
fl_application_get_shortcuts (void)
{
  return shortcuts;
}

void
fl_application_set_shortcuts (GtkApplication *app)
{
  for (const FlShortcut *s = shortcuts; s->action != NULL; s++)
    gtk_application_set_accels_for_action (app, s->action, s->accels);
}

static void
quit_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  g_application_quit (G_APPLICATION (user_data));
}

static void
about_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GtkApplication *app = user_data;
  const char *developers[] = { _("The Fieldline authors"), NULL };
  adw_show_about_window (gtk_application_get_active_window (app),
                         "application-name", _("Fieldline"),
                         "application-icon", FL_APP_ID,
                         "version", FL_VERSION,
                         "comments", _("Field service for IT operations teams, online or not"),
                         "license-type", GTK_LICENSE_GPL_3_0,
                         "developers", developers,
                         NULL);
}

static void
preferences_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  FlApplication *self = user_data;
  GtkWindow *window = GTK_WINDOW (fl_preferences_window_new (self->settings));
  gtk_window_set_transient_for (window, gtk_application_get_active_window (GTK_APPLICATION (self)));
  gtk_window_present (window);
}

/* A notification's default action: the order in the window. */
static void
show_work_order_activated (GSimpleAction *action, GVariant *parameter, gpointer user_data)
{
  GApplication *app = user_data;
  g_application_activate (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window != NULL)
    gtk_widget_activate_action_variant (GTK_WIDGET (window), "win.show-work-order", parameter);
}

static void
send_notice (FlApplication *self, const char *id, GNotification *notification)
{
  g_application_send_notification (G_APPLICATION (self), id, notification);
}

static const GActionEntry app_actions[] = {
  { "quit", quit_activated },
  { "show-work-order", show_work_order_activated, "s" },
  { "about", about_activated },
  { "preferences", preferences_activated },
};

static void
fl_application_startup (GApplication *app)
{
  G_APPLICATION_CLASS (fl_application_parent_class)->startup (app);
  g_action_map_add_action_entries (G_ACTION_MAP (app), app_actions, G_N_ELEMENTS (app_actions), app);
  fl_application_set_shortcuts (GTK_APPLICATION (app));
}

static gboolean
open_session (FlApplication *self, GError **error)
{
  g_autofree char *path = fl_session_default_replica_path ();
  g_autofree char *dir = g_path_get_dirname (path);
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the folder %s for the local copy of your data: %s"),
                   dir, g_strerror (saved));
      return FALSE;
    }
  g_autoptr(FlDb) db = fl_db_open_replica (path, error);
  if (db == NULL)
    return FALSE;
  g_autofree char *login = g_settings_get_string (self->settings, "login");
  if (*login == '\0')
    {
      /* Settings reset, but the replica remembers who signed in. */
      g_free (login);
      login = fl_db_get_meta (db, FL_META_LOGIN);
    }
  g_autoptr(FlTokenStore) tokens = fl_secret_token_store_new ();
  self->session = fl_session_new_with_tokens (db, login, tokens);
  self->sync = fl_sync_controller_new (self->session, self->settings);
  self->notifier = fl_sla_notifier_new (self->session, self->sync);
  g_signal_connect_object (self->notifier, "notice", G_CALLBACK (send_notice), self, G_CONNECT_SWAPPED);
  fl_sla_notifier_check (self->notifier, FALSE);
  return TRUE;
}

static void
fl_application_activate (GApplication *app)
{
  FlApplication *self = FL_APPLICATION (app);
  GtkWindow *window = gtk_application_get_active_window (GTK_APPLICATION (app));
  if (window == NULL)
    {
      g_autoptr(GError) error = NULL;
      if (self->session == NULL && !open_session (self, &error))
        {
          GtkWidget *dialog = adw_message_dialog_new (NULL, _("Cannot open your local data"), error->message);
          adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Quit"));
          gtk_window_set_application (GTK_WINDOW (dialog), GTK_APPLICATION (app));
          gtk_window_present (GTK_WINDOW (dialog));
          return;
        }
      window = GTK_WINDOW (fl_window_new (GTK_APPLICATION (app), self->session, self->sync));
    }
  gtk_window_present (window);
}

static void
fl_application_shutdown (GApplication *app)
{
  FlApplication *self = FL_APPLICATION (app);
  if (self->sync != NULL)
    fl_sync_controller_stop (self->sync);
  G_APPLICATION_CLASS (fl_application_parent_class)->shutdown (app);
}

static void
fl_application_finalize (GObject *object)
{
  FlApplication *self = FL_APPLICATION (object);
  g_clear_object (&self->notifier);
  g_clear_object (&self->sync);
  g_clear_object (&self->session);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (fl_application_parent_class)->finalize (object);
}

static void
fl_application_class_init (FlApplicationClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_application_finalize;
  G_APPLICATION_CLASS (klass)->startup = fl_application_startup;
  G_APPLICATION_CLASS (klass)->activate = fl_application_activate;
  G_APPLICATION_CLASS (klass)->shutdown = fl_application_shutdown;
}

static void
fl_application_init (FlApplication *self)
{
  self->settings = g_settings_new (FL_APP_ID);
}

FlApplication *
fl_application_new (void)
{
  return g_object_new (FL_TYPE_APPLICATION,
                       "application-id", FL_APP_ID,
                       "flags", G_APPLICATION_DEFAULT_FLAGS,
                       "resource-base-path", "/io/github/fieldline/Fieldline",
                       NULL);
}
