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
  GtkLabel         *hint_label;
};

G_DEFINE_FINAL_TYPE (FlAcceptanceDialog, fl_acceptance_dialog, ADW_TYPE_MESSAGE_DIALOG)

void
fl_satisfaction_dropdown_setup (GtkDropDown *dropdown)
{
  static const char * const choices[] = {
    N_("5 — Very satisfied"), N_("4 — Satisfied"), N_("3 — Neutral"), N_("2 — Dissatisfied"),
    N_("1 — Very dissatisfied"),
  };
  g_autoptr(GtkStringList) list = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (choices); i++)
    gtk_string_list_append (list, _(choices[i]));
  gtk_drop_down_set_model (dropdown, G_LIST_MODEL (list));
  gtk_drop_down_set_selected (dropdown, GTK_INVALID_LIST_POSITION);
}

int
fl_satisfaction_dropdown_get_value (GtkDropDown *dropdown)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected < 5 ? 5 - (int) selected : 0;
}

/* Accept is available once the customer gave a name and chose a
 * satisfaction; until then the hint says which is missing. */
static void
update_response_cb (FlAcceptanceDialog *self)
{
  const char *name = gtk_editable_get_text (GTK_EDITABLE (self->name_entry));
  g_autofree char *stripped = g_strstrip (g_strdup (name));
  gboolean named = *stripped != '\0';
  gboolean rated = fl_satisfaction_dropdown_get_value (self->satisfaction_dropdown) != 0;
  const char *hint = !named && !rated ? _("To accept, enter the customer's name and let them choose how satisfied they are.")
                   : !named ? _("To accept, enter the customer's name.")
                   : !rated ? _("To accept, let the customer choose how satisfied they are.")
                   : "";
  gtk_label_set_text (self->hint_label, hint);
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), *hint != '\0');
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "accept", named && rated);
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
  int satisfaction = fl_satisfaction_dropdown_get_value (self->satisfaction_dropdown);
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
  gtk_widget_class_bind_template_child (widget_class, FlAcceptanceDialog, hint_label);
  gtk_widget_class_bind_template_callback (widget_class, update_response_cb);
  gtk_widget_class_bind_template_callback (widget_class, clear_signature_cb);
}

static void
fl_acceptance_dialog_init (FlAcceptanceDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_satisfaction_dropdown_setup (self->satisfaction_dropdown);
  update_response_cb (self);
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
