#include "fl-work-order-list-page.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "fl-filter-chip.h"
#include "fl-format.h"
#include "fl-page.h"
#include "fl-record-item.h"

struct _FlWorkOrderListPage
{
  GtkWidget          parent_instance;

  FlSession         *session;
  FlWorkOrderModel  *model;
  GPtrArray         *site_ids;  /* dropdown position - 1 -> site id */
  guint              clock_id;  /* SLA badges count down */

  AdwLeaflet        *leaflet;
  GtkSearchEntry    *search_entry;
  GtkToggleButton   *mine_toggle;
  GtkToggleButton   *open_toggle;
  GtkToggleButton   *overdue_toggle;
  GtkToggleButton   *nearing_toggle;
  GtkToggleButton   *escalated_toggle;
  GtkLabel          *count_label;
  GtkDropDown       *status_dropdown;
  GtkDropDown       *priority_dropdown;
  GtkDropDown       *site_dropdown;
  GtkStack          *list_stack;
  GtkGridView       *list_view;
  GtkStack          *detail_stack;
  FlWorkOrderPage   *detail;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlWorkOrderListPage, fl_work_order_list_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static const char * const statuses[] = {
  "new", "assigned", "in_progress", "on_hold", "resolved", "closed", "visited", "cancelled", "rejected" };
static const char * const priorities[] = { "high", "medium", "normal", "low" };

static const char *
selected_choice (GtkDropDown *dropdown, const char * const *choices, guint n_choices)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected >= 1 && selected <= n_choices ? choices[selected - 1] : NULL;
}

static void
filters_changed_cb (FlWorkOrderListPage *self)
{
  if (self->model == NULL)
    return;
  FlWorkOrderQuery query = { 0 };
  query.text = g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry)));
  query.mine = gtk_toggle_button_get_active (self->mine_toggle);
  query.open_only = gtk_toggle_button_get_active (self->open_toggle);
  query.overdue = gtk_toggle_button_get_active (self->overdue_toggle);
  query.nearing_breach = gtk_toggle_button_get_active (self->nearing_toggle);
  query.escalated = gtk_toggle_button_get_active (self->escalated_toggle);
  query.status = g_strdup (selected_choice (self->status_dropdown, statuses, G_N_ELEMENTS (statuses)));
  query.priority = g_strdup (selected_choice (self->priority_dropdown, priorities, G_N_ELEMENTS (priorities)));
  guint site = gtk_drop_down_get_selected (self->site_dropdown);
  if (site >= 1 && site <= self->site_ids->len)
    query.site_id = g_strdup (g_ptr_array_index (self->site_ids, site - 1));
  fl_work_order_model_set_query (self->model, &query);
  fl_work_order_query_clear (&query);
}

static void
update_count (FlWorkOrderListPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->model));
  g_autofree char *text = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%u work order",
                                                        "%u work orders", n), n);
  gtk_label_set_text (self->count_label, text);
  gboolean loading = fl_work_order_model_get_loading (self->model);
  gtk_stack_set_visible_child_name (self->list_stack, n == 0 && !loading ? "empty" : "list");
}

static void
open_detail (FlWorkOrderListPage *self, const char *id)
{
  fl_work_order_page_load (self->detail, id);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
list_activate_cb (FlWorkOrderListPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->model), position);
  if (item != NULL && fl_record_item_get_id (item) != NULL)
    open_detail (self, fl_record_item_get_id (item));
}

static void
page_show_record (FlPage *page, const char *id)
{
  open_detail (FL_WORK_ORDER_LIST_PAGE (page), id);
}

static gboolean
page_focus_search (FlPage *page)
{
  FlWorkOrderListPage *self = FL_WORK_ORDER_LIST_PAGE (page);
  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_first_child (GTK_WIDGET (self->leaflet)));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static void
load_sites (FlWorkOrderListPage *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  gtk_string_list_append (names, _("Any site"));
  g_ptr_array_set_size (self->site_ids, 0);
  g_autoptr(GPtrArray) sites = fl_work_order_list_sites (fl_session_get_db (self->session), NULL);
  for (guint i = 0; sites != NULL && i < sites->len; i++)
    {
      JsonObject *site = g_ptr_array_index (sites, i);
      g_ptr_array_add (self->site_ids, g_strdup (fl_record_get_string (site, "id")));
      gtk_string_list_append (names, fl_record_get_string (site, "name"));
    }
  g_signal_handlers_block_by_func (self->site_dropdown, filters_changed_cb, self);
  gtk_drop_down_set_model (self->site_dropdown, G_LIST_MODEL (names));
  gtk_drop_down_set_selected (self->site_dropdown, 0);
  g_signal_handlers_unblock_by_func (self->site_dropdown, filters_changed_cb, self);
}

static void
session_changed_cb (FlWorkOrderListPage *self, const char *table)
{
  if (g_strcmp0 (table, "site") == 0 || table == NULL)
    load_sites (self);
  if (table == NULL || g_strcmp0 (table, "work_order") == 0 || g_strcmp0 (table, "site") == 0 ||
      g_strcmp0 (table, "outbox") == 0 || g_strcmp0 (table, "sla_event") == 0)
    fl_work_order_model_refresh (self->model);
}

/* "3 h 59 min left" goes stale: run the query again each minute (the same
 * rows are reloaded in place, only those on screen). */
static gboolean
clock_cb (gpointer user_data)
{
  FlWorkOrderListPage *self = user_data;
  if (gtk_widget_get_mapped (GTK_WIDGET (self)))
    fl_work_order_model_refresh (self->model);
  return G_SOURCE_CONTINUE;
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlWorkOrderListPage *self = FL_WORK_ORDER_LIST_PAGE (page);
  g_set_object (&self->session, session);
  g_clear_object (&self->model);
  self->model = fl_work_order_model_new (session);
  g_signal_connect_object (self->model, "items-changed", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (self->model, "notify::loading", G_CALLBACK (update_count), self, G_CONNECT_SWAPPED);
  /* No selection model that tracks its item: GtkSingleSelection looks for
   * the selected item among all new items at every change, reading each
   * of 100 000 rows.  The open order is the one beside the list. */
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->model)));
  gtk_grid_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
  fl_work_order_page_set_session (self->detail, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  load_sites (self);
  filters_changed_cb (self);
  if (self->clock_id == 0)
    self->clock_id = g_timeout_add_seconds (60, clock_cb, self);
}

FlWorkOrderModel *
fl_work_order_list_page_get_model (FlWorkOrderListPage *self)
{
  return self->model;
}

FlWorkOrderPage *
fl_work_order_list_page_get_detail (FlWorkOrderListPage *self)
{
  return self->detail;
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderListPage *self = FL_WORK_ORDER_LIST_PAGE (widget);
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
fl_work_order_list_page_dispose (GObject *object)
{
  FlWorkOrderListPage *self = FL_WORK_ORDER_LIST_PAGE (object);
  g_clear_handle_id (&self->clock_id, g_source_remove);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WORK_ORDER_LIST_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->model);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_work_order_list_page_parent_class)->dispose (object);
}

static void
fl_work_order_list_page_finalize (GObject *object)
{
  FlWorkOrderListPage *self = FL_WORK_ORDER_LIST_PAGE (object);
  g_ptr_array_unref (self->site_ids);
  G_OBJECT_CLASS (fl_work_order_list_page_parent_class)->finalize (object);
}

static void
fl_work_order_list_page_class_init (FlWorkOrderListPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_work_order_list_page_dispose;
  object_class->finalize = fl_work_order_list_page_finalize;

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  g_type_ensure (FL_TYPE_WORK_ORDER_PAGE);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-work-order-list-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, mine_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, open_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, overdue_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, nearing_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, escalated_toggle);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, count_label);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, status_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, priority_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, site_dropdown);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWorkOrderListPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, filters_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, list_activate_cb);
  gtk_widget_class_install_action (widget_class, "work-orders.back", NULL, back_activated);
}

static GtkStringList *
choices_list (const char *any, const char * const *values, guint n, const char *(*label) (const char *))
{
  GtkStringList *list = gtk_string_list_new (NULL);
  gtk_string_list_append (list, any);
  for (guint i = 0; i < n; i++)
    gtk_string_list_append (list, label (values[i]));
  return list;
}

static void
fl_work_order_list_page_init (FlWorkOrderListPage *self)
{
  self->site_ids = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  GtkToggleButton *chips[] = {
    self->mine_toggle, self->open_toggle, self->overdue_toggle, self->nearing_toggle, self->escalated_toggle,
  };
  for (guint i = 0; i < G_N_ELEMENTS (chips); i++)
    fl_filter_chip_announce_state (chips[i]);
  g_autoptr(GtkStringList) status_list = choices_list (_("Any status"), statuses, G_N_ELEMENTS (statuses),
                                                       fl_work_order_status_label_for_name);
  g_autoptr(GtkStringList) priority_list = choices_list (_("Any priority"), priorities,
                                                         G_N_ELEMENTS (priorities), fl_priority_label_for_name);
  gtk_drop_down_set_model (self->status_dropdown, G_LIST_MODEL (status_list));
  gtk_drop_down_set_model (self->priority_dropdown, G_LIST_MODEL (priority_list));
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->show_record = page_show_record;
  iface->focus_search = page_focus_search;
  iface->set_session = page_set_session;
}
