#include <inttypes.h>
#include "fl-use-part-dialog.h"

#include <fl-work-order-queries.h>
#include <fl-work-order.h>
#include <fl-stock-movement.h>
#include <glib/gi18n-lib.h>

#include "fl-notice.h"
#include "fl-number-entry.h"

struct _FlUsePartDialog
{
  AdwMessageDialog  parent_instance;
  FlSession        *session;
  char             *work_order_id;
  char             *van_id;
  GPtrArray        *part_ids;  /* dropdown position -> part id */

  GtkDropDown      *part_dropdown;
  GtkEntry         *qty_entry;
  GtkLabel         *qty_error;
  GtkEntry         *serial_entry;
};

G_DEFINE_FINAL_TYPE (FlUsePartDialog, fl_use_part_dialog, ADW_TYPE_MESSAGE_DIALOG)

/* The quantity is checked as it is typed: what cannot be recorded keeps
 * "Use" off and says why under the field. */
static gboolean
read_qty (FlUsePartDialog *self, gint64 *qty)
{
  g_autoptr(GError) error = NULL;
  gboolean valid = fl_number_entry_read (GTK_EDITABLE (self->qty_entry), "stock_movement", "qty", qty, &error);
  gtk_label_set_text (self->qty_error, error != NULL ? error->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->qty_error), !valid);
  return valid;
}

static void
update_use_response (FlUsePartDialog *self)
{
  gint64 qty;
  gboolean valid = read_qty (self, &qty);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "use",
                                           valid && self->part_ids->len > 0);
}

static void
use_part (FlUsePartDialog *self)
{
  guint selected = gtk_drop_down_get_selected (self->part_dropdown);
  gint64 qty;
  if (self->van_id == NULL || selected >= self->part_ids->len || !read_qty (self, &qty))
    return;
  const char *serial = gtk_editable_get_text (GTK_EDITABLE (self->serial_entry));
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(GError) error = NULL;
  if (!fl_work_order_use_part (fl_session_get_db (self->session), self->work_order_id,
                               g_ptr_array_index (self->part_ids, selected), self->van_id,
                               qty,
                               *serial != '\0' ? serial : NULL,
                               fl_session_get_login (self->session), &error))
    {
      fl_notice_error (parent != NULL ? GTK_WIDGET (parent) : GTK_WIDGET (self),
                       _("Cannot record the part"), error);
      return;
    }
  if (parent != NULL)
    fl_notice_toast (GTK_WIDGET (parent), _("Part recorded as used"));
}

static void
response_cb (FlUsePartDialog *self, const char *response)
{
  if (g_strcmp0 (response, "use") == 0)
    use_part (self);
}

static void
load_parts (FlUsePartDialog *self)
{
  FlDb *db = fl_session_get_db (self->session);
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  self->van_id = fl_session_dup_van_id (self->session);
  if (self->van_id != NULL)
    {
      g_autoptr(GPtrArray) parts = fl_work_order_list_van_parts (db, self->van_id, NULL);
      for (guint i = 0; parts != NULL && i < parts->len; i++)
        {
          JsonObject *part = g_ptr_array_index (parts, i);
          g_ptr_array_add (self->part_ids, g_strdup (fl_record_get_string (part, "id")));
          g_autofree char *quantity = fl_stock_format_quantity (fl_record_get_int (part, "qty", 0),
                                                                fl_record_get_string (part, "unit"));
          /* Translators: "PSU 750 W (PSU-750) — 5 pieces in the van" */
          g_autofree char *label = g_strdup_printf (_("%s (%s) — %s in the van"),
                                                    fl_record_get_string (part, "name"),
                                                    fl_record_get_string (part, "sku"), quantity);
          gtk_string_list_append (names, label);
        }
    }
  gtk_drop_down_set_model (self->part_dropdown, G_LIST_MODEL (names));
  gboolean usable = self->part_ids->len > 0;
  update_use_response (self);
  adw_message_dialog_set_body (ADW_MESSAGE_DIALOG (self),
                               self->van_id == NULL
                               ? _("No van is assigned to you in this replica. A clerk assigns vans; sync to get yours.")
                               : !usable ? _("Your van holds no parts yet.")
                               : _("The part leaves your van's stock and is listed on this work order."));
}

gboolean
fl_use_part_dialog_select_part (FlUsePartDialog *self, const char *part_id)
{
  for (guint i = 0; i < self->part_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->part_ids, i), part_id) == 0)
      {
        gtk_drop_down_set_selected (self->part_dropdown, i);
        return TRUE;
      }
  return FALSE;
}

static void
fl_use_part_dialog_finalize (GObject *object)
{
  FlUsePartDialog *self = FL_USE_PART_DIALOG (object);
  g_clear_object (&self->session);
  g_free (self->work_order_id);
  g_free (self->van_id);
  g_ptr_array_unref (self->part_ids);
  G_OBJECT_CLASS (fl_use_part_dialog_parent_class)->finalize (object);
}

static void
fl_use_part_dialog_class_init (FlUsePartDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->finalize = fl_use_part_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-use-part-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlUsePartDialog, part_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlUsePartDialog, qty_entry);
  gtk_widget_class_bind_template_child (widget_class, FlUsePartDialog, qty_error);
  gtk_widget_class_bind_template_callback (widget_class, update_use_response);
  gtk_widget_class_bind_template_child (widget_class, FlUsePartDialog, serial_entry);
}

static void
fl_use_part_dialog_init (FlUsePartDialog *self)
{
  self->part_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

FlUsePartDialog *
fl_use_part_dialog_new (GtkWindow *parent, FlSession *session, const char *work_order_id)
{
  FlUsePartDialog *self = g_object_new (FL_TYPE_USE_PART_DIALOG, "transient-for", parent,
                                        "modal", TRUE, NULL);
  self->session = g_object_ref (session);
  self->work_order_id = g_strdup (work_order_id);
  load_parts (self);
  return self;
}
