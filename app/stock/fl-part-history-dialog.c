#include <inttypes.h>
#include "fl-part-history-dialog.h"

#include <glib/gi18n-lib.h>

#include "fl-query-model.h"
#include "fl-record-item.h"
#include "fl-stock-page.h"

struct _FlPartHistoryDialog
{
  AdwWindow       parent_instance;

  AdwWindowTitle *window_title;
  GtkFlowBox     *balances_box;
  GtkColumnView  *ledger_view;

  FlSession      *session;
  FlQueryModel   *movements;
};

G_DEFINE_FINAL_TYPE (FlPartHistoryDialog, fl_part_history_dialog, ADW_TYPE_WINDOW)

static JsonObject *
item_row (FlRecordItem *item)
{
  return item != NULL ? fl_record_item_get_record (item) : NULL;
}

static char *
movement_kind_label (gpointer this_, FlRecordItem *item)
{
  JsonObject *row = item_row (item);
  return g_strdup (row != NULL ? fl_stock_movement_kind_label (fl_record_get_string (row, "kind")) : "");
}

/* Into the stores is +, out of them -, between two locations neither. */
static int
movement_sign (JsonObject *row)
{
  if (row == NULL)
    return 0;
  gboolean from = fl_record_get_string (row, "from_code") != NULL;
  gboolean to = fl_record_get_string (row, "to_code") != NULL;
  return from == to ? 0 : to ? 1 : -1;
}

static char *
movement_qty (gpointer this_, FlRecordItem *item)
{
  JsonObject *row = item_row (item);
  if (row == NULL)
    return g_strdup ("");
  gint64 qty = fl_record_get_int (row, "qty", 0);
  int sign = movement_sign (row);
  return sign == 0 ? g_strdup_printf ("%" PRId64, qty)
                   : g_strdup_printf ("%s%" PRId64, sign > 0 ? "+" : "−", qty);
}

static GStrv
movement_qty_classes (gpointer this_, FlRecordItem *item)
{
  int sign = movement_sign (item_row (item));
  const char *classes[] = { "numeric", sign > 0 ? "success" : sign < 0 ? "error" : NULL, NULL };
  return g_strdupv ((char **) classes);
}

static char *
movement_reason (gpointer this_, FlRecordItem *item)
{
  JsonObject *row = item_row (item);
  if (row == NULL)
    return g_strdup ("");
  g_autoptr(GPtrArray) parts = g_ptr_array_new_with_free_func (g_free);
  const char *work_order = fl_record_get_string (row, "work_order_ref");
  const char *supplier = fl_record_get_string (row, "supplier_ref");
  const char *reason = fl_record_get_string (row, "reason");
  if (work_order != NULL)
    g_ptr_array_add (parts, g_strdup_printf (_("Work order %s"), work_order));
  if (supplier != NULL)
    g_ptr_array_add (parts, g_strdup_printf (_("Delivery %s"), supplier));
  if (reason != NULL)
    g_ptr_array_add (parts, g_strdup (reason));
  g_ptr_array_add (parts, NULL);
  return g_strjoinv (" · ", (char **) parts->pdata);
}

static void
fill_header (FlPartHistoryDialog *self, const char *part_id)
{
  FlDb *db = fl_session_get_db (self->session);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) part = fl_record_load (db, fl_schema_lookup ("part"), part_id, &error);
  if (part != NULL)
    {
      g_autofree char *title = g_strdup_printf (_("Movements of %s"), fl_record_get_string (part, "name"));
      adw_window_title_set_title (self->window_title, title);
      adw_window_title_set_subtitle (self->window_title, fl_record_get_string (part, "sku"));
      gtk_window_set_title (GTK_WINDOW (self), title);
    }

  g_autoptr(GPtrArray) balances = fl_stock_list_part_balances (db, part_id, NULL);
  for (guint i = 0; balances != NULL && i < balances->len; i++)
    {
      JsonObject *balance = g_ptr_array_index (balances, i);
      gint64 qty = fl_record_get_int (balance, "qty", 0);
      /* Translators: a part's balance at a location, "WH1: 12". */
      g_autofree char *text = g_strdup_printf (_("%s: %" PRId64),
                                               fl_record_get_string (balance, "location_code"), qty);
      GtkWidget *label = gtk_label_new (text);
      gtk_widget_add_css_class (label, "card");
      gtk_widget_add_css_class (label, "numeric");
      if (qty < 0)
        gtk_widget_add_css_class (label, "error");
      gtk_widget_set_margin_start (label, 0);
      gtk_flow_box_append (self->balances_box, label);
    }
}

GListModel *
fl_part_history_dialog_get_movements (FlPartHistoryDialog *self)
{
  g_return_val_if_fail (FL_IS_PART_HISTORY_DIALOG (self), NULL);
  return G_LIST_MODEL (self->movements);
}

static void
fl_part_history_dialog_dispose (GObject *object)
{
  FlPartHistoryDialog *self = FL_PART_HISTORY_DIALOG (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_PART_HISTORY_DIALOG);
  g_clear_object (&self->movements);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_part_history_dialog_parent_class)->dispose (object);
}

static void
fl_part_history_dialog_class_init (FlPartHistoryDialogClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = fl_part_history_dialog_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/fieldline/Fieldline/ui/fl-part-history-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlPartHistoryDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlPartHistoryDialog, balances_box);
  gtk_widget_class_bind_template_child (widget_class, FlPartHistoryDialog, ledger_view);
  gtk_widget_class_bind_template_callback (widget_class, movement_kind_label);
  gtk_widget_class_bind_template_callback (widget_class, movement_qty);
  gtk_widget_class_bind_template_callback (widget_class, movement_qty_classes);
  gtk_widget_class_bind_template_callback (widget_class, movement_reason);
  fl_query_model_add_template_callbacks (widget_class);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fl_part_history_dialog_init (FlPartHistoryDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

GtkWidget *
fl_part_history_dialog_new (FlSession *session, const char *part_id)
{
  g_return_val_if_fail (FL_IS_SESSION (session), NULL);
  FlPartHistoryDialog *self = g_object_new (FL_TYPE_PART_HISTORY_DIALOG, NULL);
  self->session = g_object_ref (session);
  self->movements = fl_query_model_new (fl_session_get_db (session), fl_stock_part_history_sql ());
  const char *params[] = { part_id };
  fl_query_model_set_params (self->movements, 1, params);
  gtk_column_view_set_model (self->ledger_view,
                             GTK_SELECTION_MODEL (gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->movements)))));
  fill_header (self, part_id);
  return GTK_WIDGET (self);
}
