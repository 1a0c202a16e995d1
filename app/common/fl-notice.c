#include "fl-notice.h"

#include <glib/gi18n-lib.h>

AdwToast *
fl_notice_toast_new (const char *message)
{
  /* Toast titles are Pango markup in libadwaita 1.2. */
  g_autofree char *escaped = g_markup_escape_text (message, -1);
  return adw_toast_new (escaped);
}

/* The first toast overlay inside `widget`, outermost first. */
static GtkWidget *
find_overlay_within (GtkWidget *widget)
{
  if (ADW_IS_TOAST_OVERLAY (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *overlay = find_overlay_within (child);
      if (overlay != NULL)
        return overlay;
    }
  return NULL;
}

/* The overlay above `widget`; for a window (a dialog's parent), the one
 * around its content. */
static GtkWidget *
find_overlay (GtkWidget *widget)
{
  GtkWidget *overlay = gtk_widget_get_ancestor (widget, ADW_TYPE_TOAST_OVERLAY);
  return overlay == NULL && GTK_IS_WINDOW (widget) ? find_overlay_within (widget) : overlay;
}

void
fl_notice_add_toast (GtkWidget *widget, AdwToast *toast)
{
  GtkWidget *overlay = widget != NULL ? find_overlay (widget) : NULL;
  if (overlay == NULL)
    {
      g_message ("%s", adw_toast_get_title (toast));
      g_object_unref (g_object_ref_sink (toast));
      return;
    }
  adw_toast_overlay_add_toast (ADW_TOAST_OVERLAY (overlay), toast);
}

void
fl_notice_toast (GtkWidget *widget, const char *message)
{
  fl_notice_add_toast (widget, fl_notice_toast_new (message));
}

void
fl_notice_error (GtkWidget *widget, const char *heading, const GError *error)
{
  GtkRoot *root = widget != NULL ? gtk_widget_get_root (widget) : NULL;
  /* Heading and body are plain text unless asked otherwise. */
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              heading, error != NULL ? error->message : NULL);
  adw_message_dialog_add_response (ADW_MESSAGE_DIALOG (dialog), "close", _("_Close"));
  gtk_window_present (GTK_WINDOW (dialog));
}
