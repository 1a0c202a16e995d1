#include <inttypes.h>
#include "fl-sign-in-page.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "fl-disabled-reason.h"

struct _FlSignInPage
{
  GtkWidget         parent_instance;
  FlSyncController *controller;
  GCancellable     *cancellable;

  AdwEntryRow      *server_row;
  AdwEntryRow      *login_row;
  AdwEntryRow      *password_row;
  GtkLabel         *error_label;
  GtkWidget        *progress_box;
  GtkLabel         *progress_label;
  GtkProgressBar   *progress_bar;
};

G_DEFINE_FINAL_TYPE (FlSignInPage, fl_sign_in_page, GTK_TYPE_WIDGET)

enum { SIGNED_IN, N_SIGNALS };
static guint signals[N_SIGNALS];

enum { PROP_0, PROP_CONTROLLER, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

static void
update_cb (FlSignInPage *self)
{
  gboolean busy = self->cancellable != NULL;
  gboolean filled = *text_of (self->server_row) != '\0' && *text_of (self->login_row) != '\0' &&
                    *text_of (self->password_row) != '\0';
  fl_widget_action_set_reason (GTK_WIDGET (self), "sign-in.sign-in",
                               busy ? _("Signing in…")
                               : !filled ? _("Fill in the server address, your login and your password first")
                               : self->controller == NULL ? _("Signing in is not available here") : NULL);
  /* Read-only rather than insensitive: a focused entry must not lose its window focus. */
  gtk_editable_set_editable (GTK_EDITABLE (self->server_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->login_row), !busy);
  gtk_editable_set_editable (GTK_EDITABLE (self->password_row), !busy);
}

static void
progress_cb (FlSignInPage *self, FlSyncPhase phase, gint64 done, gint64 total)
{
  g_autofree char *text = NULL;
  switch (phase)
    {
    case FL_SYNC_PHASE_SIGN_IN:
      text = g_strdup (_("Signing in…"));
      break;
    case FL_SYNC_PHASE_SNAPSHOT:
      /* Translators: the first download of the user's data */
      text = g_strdup_printf (_("Downloading your data: %" PRId64 " records"), done);
      break;
    case FL_SYNC_PHASE_DOWNLOAD:
      {
        g_autofree char *received = g_format_size ((guint64) done);
        g_autofree char *whole = total > 0 ? g_format_size ((guint64) total) : NULL;
        /* Translators: the first download as one file; "12.3 MB of 40.1 MB" */
        text = whole != NULL ? g_strdup_printf (_("Downloading your data: %s of %s"), received, whole)
                             : g_strdup_printf (_("Downloading your data: %s"), received);
        break;
      }
    case FL_SYNC_PHASE_BLOBS:
      text = g_strdup (_("Sending photos and signatures…"));
      break;
    case FL_SYNC_PHASE_PUSH:
      text = g_strdup (_("Sending your changes…"));
      break;
    case FL_SYNC_PHASE_PULL:
    default:
      text = g_strdup (_("Receiving the latest changes…"));
      break;
    }
  gtk_label_set_text (self->progress_label, text);
  if (total > 0)
    gtk_progress_bar_set_fraction (self->progress_bar, CLAMP ((double) done / total, 0, 1));
  else
    gtk_progress_bar_pulse (self->progress_bar);
}

static void
sign_in_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(FlSignInPage) self = user_data;
  g_autoptr(GError) error = NULL;
  gboolean ok = fl_sync_controller_sign_in_finish (FL_SYNC_CONTROLLER (source), result, &error);
  g_clear_object (&self->cancellable);
  gtk_widget_set_visible (self->progress_box, FALSE);
  gtk_editable_set_text (GTK_EDITABLE (self->password_row), "");
  update_cb (self);
  if (!ok)
    {
      gtk_label_set_text (self->error_label, error->message);
      gtk_widget_set_visible (GTK_WIDGET (self->error_label), TRUE);
      return;
    }
  g_signal_emit (self, signals[SIGNED_IN], 0);
}

static void
sign_in_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlSignInPage *self = FL_SIGN_IN_PAGE (widget);
  if (self->controller == NULL || self->cancellable != NULL)
    return;
  g_autofree char *server = g_strstrip (g_strdup (text_of (self->server_row)));
  g_autofree char *login = g_strstrip (g_strdup (text_of (self->login_row)));
  self->cancellable = g_cancellable_new ();
  gtk_widget_set_visible (GTK_WIDGET (self->error_label), FALSE);
  gtk_widget_set_visible (self->progress_box, TRUE);
  gtk_progress_bar_set_fraction (self->progress_bar, 0);
  gtk_label_set_text (self->progress_label, _("Signing in…"));
  update_cb (self);
  fl_sync_controller_sign_in_async (self->controller, server, login, text_of (self->password_row),
                                    self->cancellable, sign_in_done_cb, g_object_ref (self));
}

static void
activate_cb (FlSignInPage *self)
{
  gtk_widget_activate_action (GTK_WIDGET (self), "sign-in.sign-in", NULL);
}

static FlSyncClient *
client_of (FlSyncController *controller)
{
  return fl_session_get_sync_client (fl_sync_controller_get_session (controller));
}

/* `controller` NULL: signing in is not possible (shown as such). */
static void
set_controller (FlSignInPage *self, FlSyncController *controller)
{
  if (self->controller == controller)
    return;
  if (self->controller != NULL)
    g_signal_handlers_disconnect_by_data (client_of (self->controller), self);
  g_set_object (&self->controller, controller);
  if (controller != NULL)
    g_signal_connect_object (client_of (controller), "progress", G_CALLBACK (progress_cb), self,
                             G_CONNECT_SWAPPED);
  update_cb (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

static void
fl_sign_in_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, FL_SIGN_IN_PAGE (object)->controller);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_sign_in_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTROLLER:
      set_controller (FL_SIGN_IN_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_sign_in_page_dispose (GObject *object)
{
  FlSignInPage *self = FL_SIGN_IN_PAGE (object);
  if (self->cancellable != NULL)
    g_cancellable_cancel (self->cancellable);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_SIGN_IN_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->controller);
  G_OBJECT_CLASS (fl_sign_in_page_parent_class)->dispose (object);
}

static void
fl_sign_in_page_finalize (GObject *object)
{
  g_clear_object (&FL_SIGN_IN_PAGE (object)->cancellable);
  G_OBJECT_CLASS (fl_sign_in_page_parent_class)->finalize (object);
}

static void
fl_sign_in_page_class_init (FlSignInPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_sign_in_page_dispose;
  object_class->finalize = fl_sign_in_page_finalize;
  object_class->get_property = fl_sign_in_page_get_property;
  object_class->set_property = fl_sign_in_page_set_property;

  /* The window's: it signs in and takes the first sync. */
  properties[PROP_CONTROLLER] = g_param_spec_object ("controller", NULL, NULL, FL_TYPE_SYNC_CONTROLLER,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  signals[SIGNED_IN] = g_signal_new ("signed-in", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                     0, NULL, NULL, NULL, G_TYPE_NONE, 0);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-sign-in-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, server_row);
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, login_row);
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, password_row);
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, error_label);
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, progress_box);
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, progress_label);
  gtk_widget_class_bind_template_child (widget_class, FlSignInPage, progress_bar);
  gtk_widget_class_bind_template_callback (widget_class, update_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_install_action (widget_class, "sign-in.sign-in", NULL, sign_in_activated);
}

static void
fl_sign_in_page_init (FlSignInPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  /* Where the last sign-in went, to sign in again after a sign-out. */
  g_autoptr(GSettings) settings = g_settings_new (FL_APP_ID);
  g_autofree char *server = g_settings_get_string (settings, "server-url");
  g_autofree char *login = g_settings_get_string (settings, "login");
  gtk_editable_set_text (GTK_EDITABLE (self->server_row), server);
  gtk_editable_set_text (GTK_EDITABLE (self->login_row), login);
  update_cb (self);
}
