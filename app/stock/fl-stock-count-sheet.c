#include <inttypes.h>
#include "fl-stock-count-sheet.h"

#include <glib/gi18n-lib.h>

#include "fl-disabled-reason.h"
#include "fl-notice.h"
#include "fl-number-entry.h"
#include "fl-record-item.h"
#include "fl-stock-page.h"

struct _FlStockCountSheet
{
  GtkWidget      parent_instance;

  GtkStack      *state_stack;
  GtkEntry      *sku_entry;
  GtkRevealer   *error_revealer;
  GtkLabel      *error_label;
  GtkListBox    *lines_box;
  GtkLabel      *summary_label;
  GtkButton     *submit_button;

  FlSession     *session;
  char          *location_id;
  GListStore    *lines;  /* FlRecordItem */
};

G_DEFINE_FINAL_TYPE (FlStockCountSheet, fl_stock_count_sheet, GTK_TYPE_WIDGET)

static FlDb *
sheet_db (FlStockCountSheet *self)
{
  return fl_session_get_db (self->session);
}

static void
show_error (FlStockCountSheet *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

JsonObject *
fl_stock_count_sheet_get_line (FlStockCountSheet *self, guint index)
{
  g_return_val_if_fail (FL_IS_STOCK_COUNT_SHEET (self), NULL);
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->lines), index);
  return item != NULL ? fl_record_item_get_record (item) : NULL;
}

guint
fl_stock_count_sheet_get_n_lines (FlStockCountSheet *self)
{
  g_return_val_if_fail (FL_IS_STOCK_COUNT_SHEET (self), 0);
  return g_list_model_get_n_items (G_LIST_MODEL (self->lines));
}

static gboolean
line_counted (JsonObject *line, gint64 *counted)
{
  JsonNode *node = json_object_get_member (line, "counted");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return FALSE;
  *counted = json_node_get_int (node);
  return TRUE;
}

static void
update_summary (FlStockCountSheet *self)
{
  guint n = fl_stock_count_sheet_get_n_lines (self), counted = 0, variances = 0;
  for (guint i = 0; i < n; i++)
    {
      JsonObject *line = fl_stock_count_sheet_get_line (self, i);
      gint64 value;
      if (line_counted (line, &value))
        {
          counted++;
          if (value != fl_record_get_int (line, "expected", 0))
            variances++;
        }
    }
  /* Translators: a stocktake summary, "12 of 15 counted, 2 with a variance". */
  g_autofree char *text = g_strdup_printf (_("%u of %u counted, %u with a variance"), counted, n, variances);
  gtk_label_set_text (self->summary_label, text);
  gtk_widget_set_sensitive (GTK_WIDGET (self->submit_button), counted > 0);
  fl_widget_explain_disabled (GTK_WIDGET (self->submit_button),
                              counted > 0 ? NULL : _("Count at least one part first: scan it or type how many are on the shelf"));
}

static void
show_variance (GtkLabel *label, JsonObject *line)
{
  gint64 counted;
  gtk_widget_remove_css_class (GTK_WIDGET (label), "error");
  gtk_widget_remove_css_class (GTK_WIDGET (label), "success");
  if (!line_counted (line, &counted))
    {
      gtk_label_set_text (label, "");
      return;
    }
  gint64 variance = counted - fl_record_get_int (line, "expected", 0);
  g_autofree char *text = variance == 0 ? g_strdup ("=")
                        : g_strdup_printf ("%+" PRId64, variance);
  gtk_label_set_text (label, text);
  gtk_widget_add_css_class (GTK_WIDGET (label), variance == 0 ? "success" : "error");
}

static void
set_line_counted (JsonObject *line, gint64 counted)
{
  if (counted < 0)
    json_object_set_null_member (line, "counted");
  else
    json_object_set_int_member (line, "counted", counted);
}

/* Typing in a line's entry keeps the row (and the focus) and updates the
 * variance in place. */
static void
counted_edited (GtkEditable *entry, FlRecordItem *item)
{
  JsonObject *line = fl_record_item_get_record (item);
  const char *text = gtk_editable_get_text (entry);
  g_autoptr(GError) error = NULL;
  gint64 value;
  json_object_remove_member (line, "count_error");
  if (*text == '\0')
    {
      fl_number_entry_clear (entry);
      set_line_counted (line, -1);
    }
  else if (fl_number_entry_read (entry, "stock_count", "counted", &value, &error))
    set_line_counted (line, value);
  else
    {
      set_line_counted (line, -1);
      json_object_set_string_member (line, "count_error", error->message);
    }
  show_variance (g_object_get_data (G_OBJECT (entry), "variance"), line);
  FlStockCountSheet *self = FL_STOCK_COUNT_SHEET (gtk_widget_get_ancestor (GTK_WIDGET (entry),
                                                                           FL_TYPE_STOCK_COUNT_SHEET));
  if (self != NULL)
    update_summary (self);
}

static GtkWidget *
create_line_row (gpointer object, gpointer user_data)
{
  FlRecordItem *item = object;
  JsonObject *line = fl_record_item_get_record (item);
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_get_string (line, "name"));
  /* Translators: a stocktake line, "HDD-600G · expected 4 pc". */
  g_autofree char *subtitle = g_strdup_printf (_("%s · expected %" PRId64 " %s"),
                                               fl_record_get_string (line, "sku"),
                                               fl_record_get_int (line, "expected", 0),
                                               fl_record_get_string (line, "unit"));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);

  GtkWidget *variance = gtk_label_new (NULL);
  gtk_label_set_width_chars (GTK_LABEL (variance), 5);
  gtk_label_set_xalign (GTK_LABEL (variance), 1);
  gtk_widget_add_css_class (variance, "numeric");
  gtk_widget_add_css_class (variance, "heading");
  show_variance (GTK_LABEL (variance), line);

  GtkWidget *entry = gtk_entry_new ();
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 6);
  gtk_editable_set_alignment (GTK_EDITABLE (entry), 1);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("count"));
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (entry, _("How many are there"));
  gint64 counted;
  if (line_counted (line, &counted))
    {
      g_autofree char *text = g_strdup_printf ("%" PRId64, counted);
      gtk_editable_set_text (GTK_EDITABLE (entry), text);
    }
  g_object_set_data (G_OBJECT (entry), "variance", variance);
  g_signal_connect_object (entry, "changed", G_CALLBACK (counted_edited), item, 0);

  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), variance);
  return row;
}

static int
find_line (FlStockCountSheet *self, const char *part_id)
{
  guint n = fl_stock_count_sheet_get_n_lines (self);
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (fl_record_get_string (fl_stock_count_sheet_get_line (self, i), "part_id"), part_id) == 0)
      return i;
  return -1;
}

static guint
add_line (FlStockCountSheet *self, const char *part_id, const char *sku, const char *name,
          const char *unit, gint64 expected)
{
  g_autoptr(JsonObject) line = json_object_new ();
  json_object_set_string_member (line, "part_id", part_id);
  json_object_set_string_member (line, "sku", sku);
  json_object_set_string_member (line, "name", name);
  json_object_set_string_member (line, "unit", unit != NULL ? unit : "");
  json_object_set_int_member (line, "expected", expected);
  json_object_set_null_member (line, "counted");
  g_autoptr(FlRecordItem) item = fl_record_item_new (part_id, line);
  g_list_store_append (self->lines, item);
  return g_list_model_get_n_items (G_LIST_MODEL (self->lines)) - 1;
}

void
fl_stock_count_sheet_load_expected (FlStockCountSheet *self)
{
  g_return_if_fail (FL_IS_STOCK_COUNT_SHEET (self));
  if (self->session == NULL || self->location_id == NULL)
    return;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) expected = fl_stock_list_expected (sheet_db (self), self->location_id, &error);
  for (guint i = 0; expected != NULL && i < expected->len; i++)
    {
      JsonObject *part = g_ptr_array_index (expected, i);
      const char *part_id = fl_record_get_string (part, "part_id");
      if (find_line (self, part_id) < 0)
        add_line (self, part_id, fl_record_get_string (part, "sku"), fl_record_get_string (part, "name"),
                  fl_record_get_string (part, "unit"), fl_record_get_int (part, "qty", 0));
    }
  show_error (self, error != NULL ? error->message : NULL);
  update_summary (self);
}

void
fl_stock_count_sheet_set_counted (FlStockCountSheet *self, guint index, gint64 counted)
{
  g_return_if_fail (FL_IS_STOCK_COUNT_SHEET (self));
  JsonObject *line = fl_stock_count_sheet_get_line (self, index);
  g_return_if_fail (line != NULL);
  set_line_counted (line, counted);
  g_list_model_items_changed (G_LIST_MODEL (self->lines), index, 1, 1);
  update_summary (self);
}

gboolean
fl_stock_count_sheet_scan (FlStockCountSheet *self, const char *text, GError **error)
{
  g_return_val_if_fail (FL_IS_STOCK_COUNT_SHEET (self), FALSE);
  g_autofree char *sku = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*sku == '\0' || self->location_id == NULL)
    return TRUE;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) part = fl_stock_find_part (sheet_db (self), sku, &local_error);
  if (part == NULL && local_error == NULL)
    g_set_error (&local_error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                 _("No part has the SKU “%s”. Check the label, or ask an administrator to add the part to the catalogue."),
                 sku);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  const char *part_id = fl_record_get_string (part, "id");
  int index = find_line (self, part_id);
  if (index < 0)
    {
      gint64 expected = fl_stock_balance (sheet_db (self), self->location_id, part_id, &local_error);
      if (local_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      index = add_line (self, part_id, fl_record_get_string (part, "sku"),
                        fl_record_get_string (part, "name"), fl_record_get_string (part, "unit"),
                        expected);
    }
  gint64 counted = 0;
  line_counted (fl_stock_count_sheet_get_line (self, index), &counted);
  fl_stock_count_sheet_set_counted (self, index, counted + 1);
  return TRUE;
}

static void
sku_activated (FlStockCountSheet *self)
{
  g_autoptr(GError) error = NULL;
  fl_stock_count_sheet_scan (self, gtk_editable_get_text (GTK_EDITABLE (self->sku_entry)), &error);
  show_error (self, error != NULL ? error->message : NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->sku_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->sku_entry));
}

guint
fl_stock_count_sheet_submit (FlStockCountSheet *self, GError **error)
{
  g_return_val_if_fail (FL_IS_STOCK_COUNT_SHEET (self), 0);
  if (self->session == NULL || self->location_id == NULL)
    return 0;
  g_autoptr(GArray) counts = g_array_new (FALSE, FALSE, sizeof (FlStockCountLine));
  guint n = fl_stock_count_sheet_get_n_lines (self);
  for (guint i = 0; i < n; i++)
    {
      JsonObject *line = fl_stock_count_sheet_get_line (self, i);
      FlStockCountLine count = { fl_record_get_string (line, "part_id"), 0 };
      if (json_object_has_member (line, "count_error"))
        {
          /* Translators: a refused stocktake line, "PSU 750 W: “abc” is not a whole number" */
          g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                       _("%s: %s. Correct the count; nothing was sent."),
                       fl_record_get_string (line, "name"), fl_record_get_string (line, "count_error"));
          return 0;
        }
      if (line_counted (line, &count.counted))
        g_array_append_val (counts, count);
    }
  if (!fl_stock_submit_count (sheet_db (self), self->location_id, (FlStockCountLine *) counts->data,
                              counts->len, fl_session_get_login (self->session), error))
    return 0;
  /* Lines not counted yet stay on the sheet: the count goes on. */
  for (guint i = n; i-- > 0;)
    {
      gint64 counted;
      if (line_counted (fl_stock_count_sheet_get_line (self, i), &counted))
        g_list_store_remove (self->lines, i);
    }
  update_summary (self);
  return counts->len;
}

static void
submit_clicked (FlStockCountSheet *self)
{
  g_autoptr(GError) error = NULL;
  guint sent = fl_stock_count_sheet_submit (self, &error);
  show_error (self, error != NULL ? error->message : NULL);
  if (error != NULL)
    return;
  g_autofree char *message = g_strdup_printf (ngettext ("%u count sent for approval",
                                                        "%u counts sent for approval", sent), sent);
  fl_notice_toast (GTK_WIDGET (self), message);
}

/* Who may count is who is signed in now: the session stays when another
 * user signs in on the window, its role changes. */
static void
update_sensitive (FlStockCountSheet *self)
{
  gtk_widget_set_sensitive (GTK_WIDGET (self),
                            self->session != NULL &&
                            fl_access_check_write (fl_session_get_role (self->session), "stock_count",
                                                   "insert", NULL));
}

void
fl_stock_count_sheet_set_session (FlStockCountSheet *self, FlSession *session)
{
  g_return_if_fail (FL_IS_STOCK_COUNT_SHEET (self));
  if (self->session == session)
    return;
  if (self->session != NULL)
    g_signal_handlers_disconnect_by_func (self->session, update_sensitive, self);
  g_set_object (&self->session, session);
  if (session != NULL)
    g_signal_connect_object (session, "notify::role", G_CALLBACK (update_sensitive), self,
                             G_CONNECT_SWAPPED);
  g_list_store_remove_all (self->lines);
  update_sensitive (self);
  update_summary (self);
}

void
fl_stock_count_sheet_set_location (FlStockCountSheet *self, const char *location_id)
{
  g_return_if_fail (FL_IS_STOCK_COUNT_SHEET (self));
  gtk_stack_set_visible_child_name (self->state_stack, location_id != NULL ? "sheet" : "choose");
  if (g_strcmp0 (self->location_id, location_id) == 0)
    return;
  g_free (self->location_id);
  self->location_id = g_strdup (location_id);
  g_list_store_remove_all (self->lines);
  show_error (self, NULL);
  update_summary (self);
}

static void
fl_stock_count_sheet_dispose (GObject *object)
{
  FlStockCountSheet *self = FL_STOCK_COUNT_SHEET (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_STOCK_COUNT_SHEET);
  g_clear_object (&self->lines);
  g_clear_object (&self->session);
  g_clear_pointer (&self->location_id, g_free);
  G_OBJECT_CLASS (fl_stock_count_sheet_parent_class)->dispose (object);
}

static void
fl_stock_count_sheet_class_init (FlStockCountSheetClass *klass)
{
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  G_OBJECT_CLASS (klass)->dispose = fl_stock_count_sheet_dispose;

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/fieldline/Fieldline/ui/fl-stock-count-sheet.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, state_stack);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, sku_entry);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, error_label);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, lines_box);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, summary_label);
  gtk_widget_class_bind_template_child (widget_class, FlStockCountSheet, submit_button);
  gtk_widget_class_bind_template_callback (widget_class, sku_activated);
  gtk_widget_class_bind_template_callback (widget_class, submit_clicked);
  gtk_widget_class_bind_template_callback (widget_class, fl_stock_count_sheet_load_expected);
}

static void
fl_stock_count_sheet_init (FlStockCountSheet *self)
{
  self->lines = g_list_store_new (FL_TYPE_RECORD_ITEM);
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_bind_model (self->lines_box, G_LIST_MODEL (self->lines), create_line_row, self, NULL);
  update_summary (self);
}
