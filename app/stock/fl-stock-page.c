#include "fl-stock-page.h"

#include <inttypes.h>

#include <glib/gi18n-lib.h>

#include "fl-filter-chip.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-part-history-dialog.h"
#include "fl-query-model.h"
#include "fl-record-item.h"
#include "fl-stock-count-sheet.h"
#include "fl-stock-movement-dialog.h"

struct _FlStockPage
{
  GtkWidget            parent_instance;

  AdwToastOverlay     *toast_overlay;
  AdwViewStack        *stack;
  GtkDropDown         *location_dropdown;
  GtkStringList       *location_names;
  GtkSearchEntry      *search_entry;
  GtkToggleButton     *alerts_toggle;
  GtkStack            *balances_stack;
  GtkColumnView       *balances_view;
  GtkColumnView       *parts_view;
  FlStockCountSheet   *count_sheet;

  FlSession           *session;
  GPtrArray           *location_ids;  /* parallel to location_names; NULL = every location */
  FlQueryModel        *balances;
  FlQueryModel        *parts;
  GtkSingleSelection  *balances_selection;
  GtkSingleSelection  *parts_selection;
  gboolean             filling_locations;
  char                *locations_login;  /* whose locations the dropdown lists */
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlStockPage, fl_stock_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

enum { PROP_0, PROP_SESSION, N_PROPS };
static GParamSpec *properties[N_PROPS];

const char *
fl_stock_movement_kind_label (const char *kind)
{
  static const struct { const char *kind, *label; } labels[] = {
    { "receive", N_("Receive") },
    { "issue", N_("Issue") },
    { "transfer", N_("Transfer") },
    { "use", N_("Use") },
    { "return", N_("Return") },
    { "scrap", N_("Scrap") },
    { "adjust", N_("Stocktake adjustment") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].kind, kind) == 0)
      return _(labels[i].label);
  return kind != NULL ? kind : "";
}

static FlDb *
page_db (FlStockPage *self)
{
  return fl_session_get_db (self->session);
}

static gboolean
is_engineer (FlStockPage *self)
{
  return fl_session_get_role (self->session) == FL_ROLE_ENGINEER;
}

const char *
fl_stock_page_get_location (FlStockPage *self)
{
  g_return_val_if_fail (FL_IS_STOCK_PAGE (self), NULL);
  guint selected = gtk_drop_down_get_selected (self->location_dropdown);
  if (selected == GTK_INVALID_LIST_POSITION || selected >= self->location_ids->len)
    return NULL;
  return g_ptr_array_index (self->location_ids, selected);
}

static void
update_queries (FlStockPage *self)
{
  if (self->session == NULL || self->filling_locations)
    return;
  const char *search = gtk_editable_get_text (GTK_EDITABLE (self->search_entry));
  const char *text = search != NULL && *search != '\0' ? search : NULL;
  const char *alerts = gtk_toggle_button_get_active (self->alerts_toggle) ? "1" : NULL;
  const char *location = fl_stock_page_get_location (self);
  const char *van_owner = is_engineer (self) ? fl_session_get_login (self->session) : NULL;

  const char *balance_params[] = { location, text, alerts, van_owner };
  fl_query_model_set_params (self->balances, G_N_ELEMENTS (balance_params), balance_params);
  const char *part_params[] = { text, alerts };
  fl_query_model_set_params (self->parts, G_N_ELEMENTS (part_params), part_params);
  gtk_stack_set_visible_child_name (self->balances_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->balances)) > 0
                                      ? "list" : "empty");
  fl_stock_count_sheet_set_location (self->count_sheet, location);
}

/* Clerks and supervisors choose among every location of the replica (the
 * server already limited it to their sites); engineers see their van. */
static void
fill_locations (FlStockPage *self)
{
  /* The location chosen stays chosen, but not for the next user. */
  const char *login = fl_session_get_login (self->session);
  g_autofree char *previous = g_strcmp0 (self->locations_login, login) == 0
                              ? g_strdup (fl_stock_page_get_location (self)) : NULL;
  g_free (self->locations_login);
  self->locations_login = g_strdup (login);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) locations = fl_stock_list_locations (page_db (self),
      is_engineer (self) ? fl_session_get_login (self->session) : NULL, NULL, &error);
  self->filling_locations = TRUE;
  gtk_string_list_splice (self->location_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->location_names)), NULL);
  g_ptr_array_set_size (self->location_ids, 0);
  if (!is_engineer (self))
    {
      gtk_string_list_append (self->location_names, _("All locations"));
      g_ptr_array_add (self->location_ids, NULL);
    }
  guint select = 0;
  for (guint i = 0; locations != NULL && i < locations->len; i++)
    {
      JsonObject *location = g_ptr_array_index (locations, i);
      const char *id = fl_record_get_string (location, "id");
      if (g_strcmp0 (id, previous) == 0)
        select = self->location_ids->len;
      gtk_string_list_append (self->location_names, fl_record_get_string (location, "label"));
      g_ptr_array_add (self->location_ids, g_strdup (id));
    }
  if (error != NULL)
    g_warning ("%s", error->message);
  gtk_drop_down_set_selected (self->location_dropdown, select);
  self->filling_locations = FALSE;
}

void
fl_stock_page_reload (FlStockPage *self)
{
  g_return_if_fail (FL_IS_STOCK_PAGE (self));
  if (self->session == NULL)
    return;
  fill_locations (self);
  update_queries (self);
}

void
fl_stock_page_select_location (FlStockPage *self, const char *location_id)
{
  g_return_if_fail (FL_IS_STOCK_PAGE (self));
  for (guint i = 0; i < self->location_ids->len; i++)
    if (g_strcmp0 (g_ptr_array_index (self->location_ids, i), location_id) == 0)
      {
        gtk_drop_down_set_selected (self->location_dropdown, i);
        return;
      }
}

static void
session_changed (FlStockPage *self, const char *table)
{
  static const char * const tables[] = {
    "stock_movement", "stock_location", "part", "stock_count", "scrap_request", "user", NULL };
  if (table == NULL || g_strv_contains (tables, table))
    fl_stock_page_reload (self);
}

static void
update_actions (FlStockPage *self)
{
  FlRole role = self->session != NULL ? fl_session_get_role (self->session) : FL_ROLE_ENGINEER;
  static const char * const kinds[] = { "receive", "issue", "transfer", "return" };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *action = g_strdup_printf ("stock.%s", kinds[i]);
      gtk_widget_action_set_enabled (GTK_WIDGET (self), action,
                                     self->session != NULL &&
                                     fl_access_check_movement_kind (role, kinds[i], NULL));
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "stock.scrap",
                                 self->session != NULL &&
                                 fl_access_check_write (role, "scrap_request", "insert", NULL));
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlStockPage *self = FL_STOCK_PAGE (page);
  g_return_if_fail (FL_IS_STOCK_PAGE (self));
  if (!g_set_object (&self->session, session))
    return;
  g_clear_object (&self->balances);
  g_clear_object (&self->parts);
  if (session != NULL)
    {
      self->balances = fl_query_model_new (fl_session_get_db (session), fl_stock_balances_sql ());
      self->parts = fl_query_model_new (fl_session_get_db (session), fl_stock_parts_sql ());
      g_signal_connect_object (session, "changed", G_CALLBACK (session_changed), self,
                               G_CONNECT_SWAPPED);
      g_signal_connect_object (session, "notify::role", G_CALLBACK (update_actions), self,
                               G_CONNECT_SWAPPED);
    }
  gtk_single_selection_set_model (self->balances_selection, G_LIST_MODEL (self->balances));
  gtk_single_selection_set_model (self->parts_selection, G_LIST_MODEL (self->parts));
  fl_stock_count_sheet_set_session (self->count_sheet, session);
  update_actions (self);
  fl_stock_page_reload (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SESSION]);
}

FlSession *
fl_stock_page_get_session (FlStockPage *self)
{
  g_return_val_if_fail (FL_IS_STOCK_PAGE (self), NULL);
  return self->session;
}

static void
show_toast (FlStockPage *self, const char *message)
{
  fl_notice_toast (GTK_WIDGET (self->toast_overlay), message);
}

static void
movement_done (FlStockPage *self, const char *message)
{
  show_toast (self, message);
}

static void
open_movement_dialog (GtkWidget *widget, const char *action_name, GVariant *param)
{
  FlStockPage *self = FL_STOCK_PAGE (widget);
  const char *kind = action_name + strlen ("stock.");
  GtkWidget *dialog = fl_stock_movement_dialog_new (self->session, kind,
                                                    fl_stock_page_get_location (self));
  g_signal_connect_object (dialog, "done", G_CALLBACK (movement_done), self, G_CONNECT_SWAPPED);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (widget)));
  gtk_window_present (GTK_WINDOW (dialog));
}

static const char *
selected_part_id (FlStockPage *self)
{
  gboolean parts_shown = g_strcmp0 (adw_view_stack_get_visible_child_name (self->stack), "parts") == 0;
  GtkSingleSelection *selection = parts_shown ? self->parts_selection : self->balances_selection;
  FlRecordItem *item = gtk_single_selection_get_selected_item (selection);
  if (item == NULL)
    return NULL;
  JsonObject *row = fl_record_item_get_record (item);
  return parts_shown ? fl_record_get_string (row, "id") : fl_record_get_string (row, "part_id");
}

static void
open_history (FlStockPage *self, const char *part_id)
{
  if (part_id == NULL)
    {
      show_toast (self, _("Select a part to see its movements"));
      return;
    }
  GtkWidget *dialog = fl_part_history_dialog_new (self->session, part_id);
  gtk_window_set_transient_for (GTK_WINDOW (dialog), GTK_WINDOW (gtk_widget_get_root (GTK_WIDGET (self))));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
history_action (GtkWidget *widget, const char *action_name, GVariant *param)
{
  FlStockPage *self = FL_STOCK_PAGE (widget);
  open_history (self, selected_part_id (self));
}

static void
balances_activated (FlStockPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->balances), position);
  if (item != NULL)
    open_history (self, fl_record_get_string (fl_record_item_get_record (item), "part_id"));
}

static void
parts_activated (FlStockPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->parts), position);
  if (item != NULL)
    open_history (self, fl_record_get_string (fl_record_item_get_record (item), "id"));
}

static const char *
row_alert (FlRecordItem *item)
{
  return item != NULL ? fl_record_get_string (fl_record_item_get_record (item), "alert") : NULL;
}

static char *
stock_alert_label (gpointer this_, FlRecordItem *item)
{
  const char *alert = row_alert (item);
  if (g_strcmp0 (alert, "negative") == 0)
    return g_strdup (_("Below zero"));
  if (g_strcmp0 (alert, "low") == 0)
    return g_strdup (_("Below minimum"));
  return g_strdup ("");
}

/* A part's alert says at how many places it is, so "Below zero" is never
 * read as a fact about the stores' total beside it. */
static char *
part_alert_label (gpointer this_, FlRecordItem *item)
{
  const char *alert = row_alert (item);
  if (g_strcmp0 (alert, "negative") == 0)
    {
      gint64 places = fl_record_get_int (fl_record_item_get_record (item), "negatives", 0);
      return g_strdup_printf (ngettext ("Below zero at %" PRId64 " location",
                                        "Below zero at %" PRId64 " locations", places), places);
    }
  if (g_strcmp0 (alert, "low") == 0)
    {
      gint64 places = fl_record_get_int (fl_record_item_get_record (item), "low_warehouses", 0);
      return g_strdup_printf (ngettext ("Below minimum in %" PRId64 " warehouse",
                                        "Below minimum in %" PRId64 " warehouses", places), places);
    }
  return g_strdup ("");
}

static GStrv
alert_classes (FlRecordItem *item, const char *base)
{
  const char *alert = row_alert (item);
  const char *style = g_strcmp0 (alert, "negative") == 0 ? "error"
                    : g_strcmp0 (alert, "low") == 0 ? "warning" : NULL;
  const char *classes[] = { base, style, NULL };
  return g_strdupv ((char **) classes);
}

static GStrv
stock_alert_classes (gpointer this_, FlRecordItem *item)
{
  return alert_classes (item, "caption-heading");
}

static GStrv
stock_qty_classes (gpointer this_, FlRecordItem *item)
{
  return alert_classes (item, "numeric");
}

static char *
stock_serial_label (gpointer this_, FlRecordItem *item)
{
  gboolean tracked = item != NULL && fl_record_get_int (fl_record_item_get_record (item), "serial_tracked", 0);
  return g_strdup (tracked ? _("Tracked") : "");
}

static void
fl_stock_page_dispose (GObject *object)
{
  FlStockPage *self = FL_STOCK_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_STOCK_PAGE);
  g_clear_object (&self->balances_selection);
  g_clear_object (&self->parts_selection);
  g_clear_object (&self->balances);
  g_clear_object (&self->parts);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_stock_page_parent_class)->dispose (object);
}

static void
fl_stock_page_finalize (GObject *object)
{
  FlStockPage *self = FL_STOCK_PAGE (object);
  g_ptr_array_unref (self->location_ids);
  g_free (self->locations_login);
  G_OBJECT_CLASS (fl_stock_page_parent_class)->finalize (object);
}

static void
fl_stock_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      g_value_set_object (value, FL_STOCK_PAGE (object)->session);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_stock_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SESSION:
      page_set_session (FL_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_stock_page_class_init (FlStockPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);

  object_class->dispose = fl_stock_page_dispose;
  object_class->finalize = fl_stock_page_finalize;
  object_class->get_property = fl_stock_page_get_property;
  object_class->set_property = fl_stock_page_set_property;

  properties[PROP_SESSION] = g_param_spec_object ("session", NULL, NULL, FL_TYPE_SESSION,
                                                  G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                  G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FL_TYPE_STOCK_COUNT_SHEET);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-stock-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, stack);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, location_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, location_names);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, alerts_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, balances_stack);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, balances_view);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, parts_view);
  gtk_widget_class_bind_template_child (widget_class, FlStockPage, count_sheet);
  gtk_widget_class_bind_template_callback (widget_class, balances_activated);
  gtk_widget_class_bind_template_callback (widget_class, parts_activated);
  gtk_widget_class_bind_template_callback (widget_class, stock_alert_label);
  gtk_widget_class_bind_template_callback (widget_class, part_alert_label);
  gtk_widget_class_bind_template_callback (widget_class, stock_alert_classes);
  gtk_widget_class_bind_template_callback (widget_class, stock_qty_classes);
  gtk_widget_class_bind_template_callback (widget_class, stock_serial_label);
  fl_query_model_add_template_callbacks (widget_class);

  static const char * const movement_actions[] = {
    "stock.receive", "stock.issue", "stock.transfer", "stock.return", "stock.scrap" };
  for (guint i = 0; i < G_N_ELEMENTS (movement_actions); i++)
    gtk_widget_class_install_action (widget_class, movement_actions[i], NULL, open_movement_dialog);
  gtk_widget_class_install_action (widget_class, "stock.history", NULL, history_action);
}

static void
fl_stock_page_init (FlStockPage *self)
{
  self->location_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  fl_filter_chip_announce_state (self->alerts_toggle);

  self->balances_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->balances_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->balances_selection, TRUE);
  self->parts_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->parts_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->parts_selection, TRUE);
  gtk_column_view_set_model (self->balances_view, GTK_SELECTION_MODEL (self->balances_selection));
  gtk_column_view_set_model (self->parts_view, GTK_SELECTION_MODEL (self->parts_selection));

  g_signal_connect_swapped (self->location_dropdown, "notify::selected", G_CALLBACK (update_queries), self);
  g_signal_connect_swapped (self->search_entry, "search-changed", G_CALLBACK (update_queries), self);
  g_signal_connect_swapped (self->alerts_toggle, "toggled", G_CALLBACK (update_queries), self);
  update_actions (self);
}

GtkWidget *
fl_stock_page_new (FlSession *session)
{
  return g_object_new (FL_TYPE_STOCK_PAGE, "session", session, NULL);
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
}
