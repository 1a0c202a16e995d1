#include <inttypes.h>
#include "fl-sync-status-button.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "fl-format.h"

struct _FlSyncStatusButton
{
  GtkButton          parent_instance;
  AdwButtonContent  *content;
};

G_DEFINE_FINAL_TYPE (FlSyncStatusButton, fl_sync_status_button, GTK_TYPE_BUTTON)

static void
fl_sync_status_button_class_init (FlSyncStatusButtonClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-sync-status-button.ui");
  gtk_widget_class_bind_template_child (widget_class, FlSyncStatusButton, content);
}

static void
fl_sync_status_button_init (FlSyncStatusButton *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_sync_status_button_update (self, FL_SYNC_STATUS_IDLE, 0, 0, NULL);
}

void
fl_sync_status_button_update (FlSyncStatusButton *self, FlSyncStatus status, gint64 pending,
                              gint64 last_synced, const char *detail)
{
  g_autofree char *text = NULL;
  const char *icon = "emblem-ok-symbolic";
  const char *tooltip = _("Synchronize now (Ctrl+R)");
  g_autofree char *pending_text = pending > 0
    /* Translators: local changes waiting to be sent to the server */
    ? g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " pending",
                                    "%" PRId64 " pending", pending), pending)
    : NULL;

  switch (status)
    {
    case FL_SYNC_STATUS_OFFLINE:
      icon = "network-offline-symbolic";
      text = pending_text != NULL
        /* Translators: "Offline · 3 pending" */
        ? g_strdup_printf (_("Offline · %s"), pending_text)
        : g_strdup (_("Offline"));
      tooltip = _("No network: your work is kept here and sent when the network is back");
      break;
    case FL_SYNC_STATUS_SYNCING:
      icon = "emblem-synchronizing-symbolic";
      text = g_strdup (_("Syncing…"));
      break;
    case FL_SYNC_STATUS_FAILED:
      icon = "dialog-warning-symbolic";
      text = pending_text != NULL
        ? g_strdup_printf (_("Sync failed · %s"), pending_text)
        : g_strdup (_("Sync failed"));
      tooltip = detail;
      break;
    case FL_SYNC_STATUS_IDLE:
    default:
      if (pending_text != NULL)
        {
          icon = "emblem-synchronizing-symbolic";
          text = g_steal_pointer (&pending_text);
        }
      else if (last_synced > 0)
        {
          g_autofree char *when = fl_format_time_usec (last_synced);
          /* Translators: "Synced 2026-11-22 10:42" */
          text = g_strdup_printf (_("Synced %s"), when);
        }
      else
        text = g_strdup (_("Not synced yet"));
      break;
    }
  adw_button_content_set_icon_name (self->content, icon);
  adw_button_content_set_label (self->content, text);
  gtk_widget_set_tooltip_text (GTK_WIDGET (self), tooltip);
}

const char *
fl_sync_status_button_get_text (FlSyncStatusButton *self)
{
  return adw_button_content_get_label (self->content);
}
