#include "fl-acceptance-dialog.h"

#include <fl-work-order.h>
#include <glib/gi18n-lib.h>

#include "fl-notice.h"
#include "fl-signature-pad.h"

struct _FlAcceptanceDialog
{
  AdwMessageDialog  parent_instance;
  FlSession        *session;
  char             *work_order_id;

  GtkEntry         *name_entry;
  FlSignaturePad   *signature_pad;
  GtkDropDown      *satisfaction_dropdown;
};

G_DEFINE_FINAL_TYPE (FlAcceptanceDialog, fl_acceptance_dialog, ADW_TYPE_MESSAGE_DIALOG)

static void
update_response_cb (FlAcceptanceDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "accept", *stripped != '\0');
}

static void
clear_signature_cb (FlAcceptanceDialog *self)
{
  fl_signature_pad_clear (self->signature_pad);
}

static void
accept (FlAcceptanceDialog *self)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkWidget *report_to = parent != NULL ? GTK_WIDGET (parent) : GTK_WIDGET (self);
  g_autoptr(GError) error = NULL;
  g_autofree char *sha = NULL;
  if (!fl_signature_pad_is_empty (self->signature_pad))
    {
      g_autoptr(GBytes) png = fl_signature_pad_to_png (self->signature_pad, &error);
      sha = png != NULL ? fl_session_store_blob (self->session, png, &error) : NULL;
      if (sha == NULL)
        {
          fl_notice_error (report_to, _("Cannot save the signature"), error);
          return;
        }
    }
  g_autofree char *name = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->name_entry))));
  int satisfaction = 5 - (int) MIN (gtk_drop_down_get_selected (self->satisfaction_dropdown), 4);
  if (!fl_work_order_accept (fl_session_get_db (self->session), self->work_order_id, name, sha,
                             satisfaction, &error))
    {
      fl_notice_error (report_to, _("Cannot record the acceptance"), error);
      return;
    }
  fl_notice_toast (report_to, _("Acceptance recorded"));
}

static void
response_cb (FlAcceptanceDialog *self, const char *response)
{
  if (g_strcmp0 (response, "accept") == 0)
    accept (self);
}

static void
fl_acceptance_dialog_finalize (GObject *object)
{
  FlAcceptanceDialog *self = FL_ACCEPTANCE_DIALOG (object);
  g_clear_object (&self->session);
  g_free (self->work_order_id);
  G_OBJECT_CLASS (fl_acceptance_dialog_parent_class)->finalize (object);
}

static void
fl_acceptance_dialog_class_init (FlAcceptanceDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->finalize = fl_acceptance_dialog_finalize;
  g_type_ensure (FL_TYPE_SIGNATURE_PAD);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-acceptance-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlAcceptanceDialog, name_entry);
  gtk_widget_class_bind_template_child (widget_class, FlAcceptanceDialog, signature_pad);
  gtk_widget_class_bind_template_child (widget_class, FlAcceptanceDialog, satisfaction_dropdown);
  gtk_widget_class_bind_template_callback (widget_class, update_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_signature_cb);
}

static void
fl_acceptance_dialog_init (FlAcceptanceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

FlAcceptanceDialog *
fl_acceptance_dialog_new (GtkWindow *parent, FlSession *session, const char *work_order_id)
{
  FlAcceptanceDialog *self = g_object_new (FL_TYPE_ACCEPTANCE_DIALOG, "transient-for", parent,
                                           "modal", TRUE, NULL);
  self->session = g_object_ref (session);
  self->work_order_id = g_strdup (work_order_id);
  return self;
}
