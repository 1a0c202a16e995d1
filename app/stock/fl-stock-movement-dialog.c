#include <inttypes.h>
#include "fl-stock-movement-dialog.h"

#include <glib/gi18n-lib.h>

#include "fl-number-entry.h"
#include "fl-record-item.h"
#include "fl-stock-page.h"

struct _FlStockMovementDialog
{
  AdwWindow        parent_instance;

  AdwWindowTitle  *window_title;
  GtkButton       *post_button;
  GtkRevealer     *error_revealer;
  GtkLabel        *error_label;
  GtkEntry        *sku_entry;
  GtkListBox      *lines_box;
  AdwComboRow     *from_row;
  AdwComboRow     *to_row;
  GtkStringList   *from_names;
  GtkStringList   *to_names;
  AdwEntryRow     *supplier_row;
  AdwEntryRow     *reason_row;

  FlSession       *session;
  FlMovementKind   kind;
  gboolean         scrap;       /* a scrap request, not a movement */
  GListStore      *lines;       /* FlRecordItem: one line per part */
  int              serial_line; /* the serial-tracked line that serial scans go to, or -1 */
  GPtrArray       *from_ids;
  GPtrArray       *to_ids;
};

G_DEFINE_FINAL_TYPE (FlStockMovementDialog, fl_stock_movement_dialog, ADW_TYPE_WINDOW)

enum { DONE, N_SIGNALS };
static guint signals[N_SIGNALS];

static FlDb *
dialog_db (FlStockMovementDialog *self)
{
  return fl_session_get_db (self->session);
}

static void
show_error (FlStockMovementDialog *self, const char *message)
{
  gtk_label_set_text (self->error_label, message != NULL ? message : "");
  gtk_revealer_set_reveal_child (self->error_revealer, message != NULL);
}

static JsonObject *
line_row (FlStockMovementDialog *self, guint index)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->lines), index);
  return item != NULL ? fl_record_item_get_record (item) : NULL;
}

static int
find_line (FlStockMovementDialog *self, const char *part_id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  for (guint i = 0; i < n; i++)
    if (g_strcmp0 (fl_record_get_string (line_row (self, i), "part_id"), part_id) == 0)
      return i;
  return -1;
}

/* The row shows the line as it is now: rebuild it. */
static void
line_changed (FlStockMovementDialog *self, guint index)
{
  g_list_model_items_changed (G_LIST_MODEL (self->lines), index, 1, 1);
}

/* A quantity that cannot be posted is kept as typed with the reason, so the
 * entry says why and posting refuses the whole movement rather than send
 * the other lines. */
static void
qty_changed (GtkEditable *entry, FlRecordItem *item)
{
  JsonObject *line = fl_record_item_get_record (item);
  g_autoptr(GError) error = NULL;
  gint64 qty;
  json_object_set_string_member (line, "qty_text", gtk_editable_get_text (entry));
  if (fl_number_entry_read (entry, "stock_movement", "qty", &qty, &error))
    {
      json_object_set_int_member (line, "qty", qty);
      json_object_remove_member (line, "qty_error");
    }
  else
    json_object_set_string_member (line, "qty_error", error->message);
}

static void
remove_line (GtkButton *button, FlStockMovementDialog *self)
{
  FlRecordItem *item = g_object_get_data (G_OBJECT (button), "line");
  guint position;
  if (g_list_store_find (self->lines, item, &position))
    {
      g_list_store_remove (self->lines, position);
      self->serial_line = -1;
    }
  gtk_widget_grab_focus (GTK_WIDGET (self->sku_entry));
}

static GtkWidget *
create_line_row (gpointer object, gpointer user_data)
{
  FlStockMovementDialog *self = user_data;
  FlRecordItem *item = object;
  JsonObject *line = fl_record_item_get_record (item);
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_get_string (line, "name"));
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);

  gint64 qty = fl_record_get_int (line, "qty", 0);
  if (fl_record_get_bool (line, "serial_tracked"))
    {
      JsonArray *serials = json_object_get_array_member (line, "serials");
      g_autoptr(GString) text = g_string_new (fl_record_get_string (line, "sku"));
      g_string_append (text, " · ");
      if (json_array_get_length (serials) == 0)
        g_string_append (text, _("scan the serial numbers"));
      for (guint i = 0; i < json_array_get_length (serials); i++)
        g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (serials, i));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text->str);
      g_autofree char *count = g_strdup_printf ("%" PRId64, qty);
      GtkWidget *label = gtk_label_new (count);
      gtk_widget_add_css_class (label, "numeric");
      gtk_widget_add_css_class (label, "title-4");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
    }
  else
    {
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_record_get_string (line, "sku"));
      GtkWidget *entry = gtk_entry_new ();
      g_autofree char *typed = json_object_has_member (line, "qty_text")
                             ? g_strdup (fl_record_get_string (line, "qty_text"))
                             : g_strdup_printf ("%" PRId64, qty);
      gtk_editable_set_text (GTK_EDITABLE (entry), typed);
      gtk_editable_set_width_chars (GTK_EDITABLE (entry), 7);
      gtk_editable_set_alignment (GTK_EDITABLE (entry), 1);
      gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_DIGITS);
      gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (entry, "numeric");
      g_signal_connect_object (entry, "changed", G_CALLBACK (qty_changed), item, 0);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
    }
  GtkWidget *unit = gtk_label_new (fl_record_get_string (line, "unit"));
  gtk_widget_add_css_class (unit, "dim-label");
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), unit);

  GtkWidget *remove = gtk_button_new_from_icon_name ("user-trash-symbolic");
  gtk_widget_set_valign (remove, GTK_ALIGN_CENTER);
  gtk_widget_set_tooltip_text (remove, _("Remove this line"));
  gtk_widget_add_css_class (remove, "flat");
  g_object_set_data_full (G_OBJECT (remove), "line", g_object_ref (item), g_object_unref);
  g_signal_connect (remove, "clicked", G_CALLBACK (remove_line), self);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), remove);
  return row;
}

static const char *
selected_id (AdwComboRow *row, GPtrArray *ids)
{
  if (!gtk_widget_get_visible (GTK_WIDGET (row)))
    return NULL;
  guint selected = adw_combo_row_get_selected (row);
  return selected < ids->len ? g_ptr_array_index (ids, selected) : NULL;
}

void
fl_stock_movement_dialog_scan (FlStockMovementDialog *self, const char *text)
{
  g_return_if_fail (FL_IS_STOCK_MOVEMENT_DIALOG (self));
  g_autofree char *code = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*code == '\0')
    return;

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) part = fl_stock_find_part (dialog_db (self), code, &error);
  if (error != NULL)
    {
      show_error (self, error->message);
      return;
    }
  if (part != NULL)
    {
      gboolean tracked = fl_record_get_bool (part, "serial_tracked");
      int index = find_line (self, fl_record_get_string (part, "id"));
      if (index < 0)
        {
          g_autoptr(JsonObject) line = json_object_new ();
          json_object_set_string_member (line, "part_id", fl_record_get_string (part, "id"));
          json_object_set_string_member (line, "sku", fl_record_get_string (part, "sku"));
          json_object_set_string_member (line, "name", fl_record_get_string (part, "name"));
          json_object_set_string_member (line, "unit", fl_record_get_string (part, "unit"));
          json_object_set_boolean_member (line, "serial_tracked", tracked);
          json_object_set_int_member (line, "qty", tracked ? 0 : 1);
          json_object_set_array_member (line, "serials", json_array_new ());
          g_autoptr(FlRecordItem) item = fl_record_item_new (NULL, line);
          g_list_store_append (self->lines, item);
          index = g_list_model_get_n_items (G_LIST_MODEL (self->lines)) - 1;
        }
      else if (!tracked)
        {
          JsonObject *line = line_row (self, index);
          json_object_set_int_member (line, "qty", fl_record_get_int (line, "qty", 0) + 1);
          json_object_remove_member (line, "qty_text");
          json_object_remove_member (line, "qty_error");
          line_changed (self, index);
        }
      self->serial_line = tracked ? index : -1;
      show_error (self, NULL);
      return;
    }

  if (self->serial_line >= 0)
    {
      JsonObject *line = line_row (self, self->serial_line);
      JsonArray *serials = json_object_get_array_member (line, "serials");
      /* A code that is no SKU is taken as a serial only where it can be
       * one: in stock at the location the parts leave, or (receiving) in
       * stock nowhere.  Otherwise it is an unknown barcode. */
      if (!fl_stock_check_serial_at (dialog_db (self), fl_record_get_string (line, "part_id"), code,
                                     selected_id (self->from_row, self->from_ids), &error))
        {
          g_autofree char *message = g_strdup_printf (
              _("“%s” is not a SKU in the catalogue, nor a serial number of “%s” that can move here: %s"),
              code, fl_record_get_string (line, "name"), error->message);
          show_error (self, message);
          return;
        }
      for (guint i = 0; i < json_array_get_length (serials); i++)
        if (g_strcmp0 (json_array_get_string_element (serials, i), code) == 0)
          {
            g_autofree char *message = g_strdup_printf (_("Serial number “%s” is already on the list."), code);
            show_error (self, message);
            return;
          }
      json_array_add_string_element (serials, code);
      json_object_set_int_member (line, "qty", json_array_get_length (serials));
      line_changed (self, self->serial_line);
      show_error (self, NULL);
      return;
    }

  g_autofree char *message = g_strdup_printf (
      _("No part has the SKU “%s”. Check the label, or ask an administrator to add the part to the catalogue."),
      code);
  show_error (self, message);
}

static void
sku_activated (FlStockMovementDialog *self)
{
  fl_stock_movement_dialog_scan (self, gtk_editable_get_text (GTK_EDITABLE (self->sku_entry)));
  /* The scanner types the next code right away: the entry stays focused and empty. */
  gtk_editable_set_text (GTK_EDITABLE (self->sku_entry), "");
  gtk_widget_grab_focus (GTK_WIDGET (self->sku_entry));
}

guint
fl_stock_movement_dialog_get_n_lines (FlStockMovementDialog *self)
{
  return g_list_model_get_n_items (G_LIST_MODEL (self->lines));
}

JsonObject *
fl_stock_movement_dialog_get_line (FlStockMovementDialog *self, guint index)
{
  return line_row (self, index);
}

static void
select_id (AdwComboRow *row, GPtrArray *ids, const char *id)
{
  for (guint i = 0; id != NULL && i < ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (ids, i), id) == 0)
      adw_combo_row_set_selected (row, i);
}

void
fl_stock_movement_dialog_set_locations (FlStockMovementDialog *self, const char *from_id,
                                        const char *to_id)
{
  select_id (self->from_row, self->from_ids, from_id);
  select_id (self->to_row, self->to_ids, to_id);
}

void
fl_stock_movement_dialog_set_text (FlStockMovementDialog *self, const char *supplier_ref,
                                   const char *reason)
{
  gtk_editable_set_text (GTK_EDITABLE (self->supplier_row), supplier_ref != NULL ? supplier_ref : "");
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), reason != NULL ? reason : "");
}

static const char *
entry_text (AdwEntryRow *row)
{
  const char *text = gtk_editable_get_text (GTK_EDITABLE (row));
  return gtk_widget_get_visible (GTK_WIDGET (row)) && text != NULL && *text != '\0' ? text : NULL;
}

typedef struct {
  FlStockMovementDialog *self;
  const char *from, *to, *supplier_ref, *reason;
  gint64 units;
} Post;

static gboolean
post_line (FlDb *db, Post *p, JsonObject *line, const char *serial, gint64 qty, GError **error)
{
  p->units += qty;
  if (p->self->scrap)
    return fl_stock_request_scrap (db, p->from, fl_record_get_string (line, "part_id"), qty, serial,
                                   p->reason, fl_session_get_login (p->self->session), error);
  FlStockMovement m = {
    .kind = p->self->kind,
    .part_id = fl_record_get_string (line, "part_id"),
    .qty = qty,
    .from_location = p->from,
    .to_location = p->to,
    .serial = serial,
    .supplier_ref = p->supplier_ref,
    .reason = p->reason,
    .by = fl_session_get_login (p->self->session),
  };
  return fl_stock_post (db, &m, NULL, error);
}

/* All lines or none: a serial-tracked part moves one serial number at a time. */
static gboolean
post_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Post *p = data;
  guint n = g_list_model_get_n_items (G_LIST_MODEL (p->self->lines));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *line = line_row (p->self, i);
      if (fl_record_get_bool (line, "serial_tracked"))
        {
          JsonArray *serials = json_object_get_array_member (line, "serials");
          for (guint s = 0; s < json_array_get_length (serials); s++)
            if (!post_line (db, p, line, json_array_get_string_element (serials, s), 1, error))
              return FALSE;
        }
      else if (!post_line (db, p, line, NULL, fl_record_get_int (line, "qty", 0), error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
check_lines (FlStockMovementDialog *self, GError **error)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->lines));
  if (n == 0)
    {
      g_set_error_literal (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                           _("Add at least one part: scan its barcode or type its SKU."));
      return FALSE;
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *line = line_row (self, i);
      if (json_object_has_member (line, "qty_error"))
        {
          /* Translators: a refused line of a movement, "PSU 750 W: Enter a number from 1 to 1000000" */
          g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID, _("%s: %s. Nothing was posted."),
                       fl_record_get_string (line, "name"), fl_record_get_string (line, "qty_error"));
          return FALSE;
        }
      if (fl_record_get_int (line, "qty", 0) <= 0)
        {
          g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                       _("Scan the serial numbers of “%s”: each unit of it is tracked by its serial number."),
                       fl_record_get_string (line, "name"));
          return FALSE;
        }
    }
  return TRUE;
}

static char *
done_message (FlStockMovementDialog *self, gint64 units)
{
  gulong n = (gulong) units;
  if (self->scrap)
    return g_strdup_printf (ngettext ("Scrap of %lu part sent for approval",
                                      "Scrap of %lu parts sent for approval", n), n);
  switch (self->kind)
    {
    case FL_MOVE_RECEIVE:
      return g_strdup_printf (ngettext ("Received %lu part", "Received %lu parts", n), n);
    case FL_MOVE_ISSUE:
      return g_strdup_printf (ngettext ("Issued %lu part", "Issued %lu parts", n), n);
    case FL_MOVE_RETURN:
      return g_strdup_printf (ngettext ("Returned %lu part", "Returned %lu parts", n), n);
    default:
      return g_strdup_printf (ngettext ("Transferred %lu part", "Transferred %lu parts", n), n);
    }
}

gboolean
fl_stock_movement_dialog_post (FlStockMovementDialog *self, GError **error)
{
  g_return_val_if_fail (FL_IS_STOCK_MOVEMENT_DIALOG (self), FALSE);
  Post p = {
    .self = self,
    .from = selected_id (self->from_row, self->from_ids),
    .to = selected_id (self->to_row, self->to_ids),
    .supplier_ref = entry_text (self->supplier_row),
    .reason = entry_text (self->reason_row),
  };
  if (!check_lines (self, error))
    return FALSE;
  if (self->scrap)
    {
      if (p.from == NULL)
        {
          g_set_error_literal (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                               _("Choose the location the parts to scrap are at."));
          return FALSE;
        }
      if (p.reason == NULL)
        {
          g_set_error_literal (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                               _("Say why the parts are scrapped: the supervisor who approves it reads the reason."));
          return FALSE;
        }
    }
  else if (!fl_stock_check_movement (self->kind, p.from, p.to, 1, error))
    return FALSE;

  if (!fl_db_transaction (dialog_db (self), post_in_transaction, &p, error))
    return FALSE;
  g_autofree char *message = done_message (self, p.units);
  g_signal_emit (self, signals[DONE], 0, message);
  gtk_window_close (GTK_WINDOW (self));
  return TRUE;
}

static void
post_clicked (FlStockMovementDialog *self)
{
  g_autoptr(GError) error = NULL;
  if (!fl_stock_movement_dialog_post (self, &error))
    {
      show_error (self, error->message);
      gtk_widget_grab_focus (GTK_WIDGET (self->sku_entry));
    }
}

/* `kinds`: which location kinds fit ("warehouse", "van,site", NULL: all). */
static void
fill_locations (FlStockMovementDialog *self, GtkStringList *names, GPtrArray *ids, const char *kinds)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) locations = fl_stock_list_locations (dialog_db (self), NULL, kinds, &error);
  for (guint i = 0; locations != NULL && i < locations->len; i++)
    {
      JsonObject *location = g_ptr_array_index (locations, i);
      gtk_string_list_append (names, fl_record_get_string (location, "label"));
      g_ptr_array_add (ids, g_strdup (fl_record_get_string (location, "id")));
    }
  if (error != NULL)
    show_error (self, error->message);
}

static void
set_kind (FlStockMovementDialog *self, const char *kind)
{
  const char *title = NULL, *post = NULL, *from_kinds = NULL, *to_kinds = NULL;
  gboolean from = TRUE, to = TRUE, supplier = FALSE;

  self->scrap = g_strcmp0 (kind, "scrap") == 0;
  if (self->scrap || !fl_movement_kind_from_string (kind, &self->kind))
    self->kind = FL_MOVE_SCRAP;
  switch (self->kind)
    {
    case FL_MOVE_RECEIVE:
      title = _("Receive Parts");
      post = _("_Receive");
      from = FALSE;
      supplier = TRUE;
      break;
    case FL_MOVE_ISSUE:
      title = _("Issue Parts");
      post = _("_Issue");
      from_kinds = "warehouse";
      to_kinds = "van,site";
      break;
    case FL_MOVE_RETURN:
      title = _("Return Parts");
      post = _("_Return");
      from_kinds = "van,site";
      to_kinds = "warehouse";
      break;
    case FL_MOVE_TRANSFER:
      title = _("Transfer Parts");
      post = _("_Transfer");
      break;
    default:
      title = _("Request Scrap");
      post = _("_Send for Approval");
      to = FALSE;
      break;
    }
  adw_window_title_set_title (self->window_title, title);
  gtk_window_set_title (GTK_WINDOW (self), title);
  gtk_button_set_label (self->post_button, post);
  gtk_widget_set_visible (GTK_WIDGET (self->from_row), from);
  gtk_widget_set_visible (GTK_WIDGET (self->to_row), to);
  gtk_widget_set_visible (GTK_WIDGET (self->supplier_row), supplier);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->from_row),
                                 self->scrap ? _("Location") : _("From"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->reason_row),
                                 self->scrap ? _("Reason (required)") : _("Reason (optional)"));
  if (from)
    fill_locations (self, self->from_names, self->from_ids, from_kinds);
  if (to)
    fill_locations (self, self->to_names, self->to_ids, to_kinds);
}

static void
fl_stock_movement_dialog_dispose (GObject *object)
{
  FlStockMovementDialog *self = FL_STOCK_MOVEMENT_DIALOG (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_STOCK_MOVEMENT_DIALOG);
  g_clear_object (&self->lines);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_stock_movement_dialog_parent_class)->dispose (object);
}

static void
fl_stock_movement_dialog_finalize (GObject *object)
{
  FlStockMovementDialog *self = FL_STOCK_MOVEMENT_DIALOG (object);
  g_ptr_array_unref (self->from_ids);
  g_ptr_array_unref (self->to_ids);
  G_OBJECT_CLASS (fl_stock_movement_dialog_parent_class)->finalize (object);
}

static void
fl_stock_movement_dialog_class_init (FlStockMovementDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_stock_movement_dialog_dispose;
  object_class->finalize = fl_stock_movement_dialog_finalize;

  /* ::done (message) — the movement was posted; the message suits a toast. */
  signals[DONE] = g_signal_new ("done", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0,
                                NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/fieldline/Fieldline/ui/fl-stock-movement-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, post_button);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, error_revealer);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, error_label);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, sku_entry);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, lines_box);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, from_row);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, to_row);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, from_names);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, to_names);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, supplier_row);
  gtk_widget_class_bind_template_child (widget_class, FlStockMovementDialog, reason_row);
  gtk_widget_class_bind_template_callback (widget_class, sku_activated);
  gtk_widget_class_bind_template_callback (widget_class, post_clicked);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fl_stock_movement_dialog_init (FlStockMovementDialog *self)
{
  self->from_ids = g_ptr_array_new_with_free_func (g_free);
  self->to_ids = g_ptr_array_new_with_free_func (g_free);
  self->lines = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->serial_line = -1;
  gtk_widget_init_template (GTK_WIDGET (self));
  gtk_list_box_bind_model (self->lines_box, G_LIST_MODEL (self->lines), create_line_row, self, NULL);
}

GtkWidget *
fl_stock_movement_dialog_new (FlSession *session, const char *kind, const char *location_id)
{
  g_return_val_if_fail (FL_IS_SESSION (session), NULL);
  FlStockMovementDialog *self = g_object_new (FL_TYPE_STOCK_MOVEMENT_DIALOG, NULL);
  self->session = g_object_ref (session);
  set_kind (self, kind);
  /* The page's location is where parts arrive on a receipt and where they
   * leave from otherwise. */
  if (self->kind == FL_MOVE_RECEIVE)
    fl_stock_movement_dialog_set_locations (self, NULL, location_id);
  else
    fl_stock_movement_dialog_set_locations (self, location_id, NULL);
  gtk_widget_grab_focus (GTK_WIDGET (self->sku_entry));
  return GTK_WIDGET (self);
}
