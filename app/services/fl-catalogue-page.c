#include "fl-catalogue-page.h"

#include <adwaita.h>
#include <fl-catalogue.h>
#include <fl-services.h>
#include <fl-time.h>
#include <glib/gi18n-lib.h>

#include "fl-format.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-record-item.h"

struct _FlCataloguePage
{
  GtkWidget       parent_instance;
  FlSession      *session;
  GListStore     *results;
  JsonObject     *shown;  /* the entry the detail shows */

  AdwLeaflet     *leaflet;
  GtkSearchEntry *search_entry;
  GtkStack       *list_stack;
  GtkListView    *list_view;
  AdwStatusPage  *empty_status;
  GtkStack       *detail_stack;
  AdwPreferencesGroup *service_group;
  AdwActionRow   *content_row;
  AdwActionRow   *delivery_row;
  AdwActionRow   *coverage_row;
  AdwActionRow   *business_row;
  AdwActionRow   *response_row;
  AdwActionRow   *resolve_row;
  AdwActionRow   *availability_row;
  AdwPreferencesGroup *technical_group;
  GtkListBox     *technical_list;
  GtkListBox     *cis_list;
  GtkListBox     *policy_list;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlCataloguePage, fl_catalogue_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static void
set_row_value (AdwActionRow *row, const char *value)
{
  adw_action_row_set_subtitle (row, value != NULL && *value != '\0' ? value : "—");
}

/* "Within 4 h", or "Not promised" when the catalogue names no target. */
static char *
describe_target (JsonObject *entry, const char *column)
{
  gint64 minutes = fl_record_get_int (entry, column, 0);
  if (minutes <= 0)
    return g_strdup (_("Not promised"));
  g_autofree char *span = fl_time_format_minutes (minutes);
  /* Translators: a service's response or resolution target, "Within 4 h" */
  return g_strdup_printf (_("Within %s"), span);
}

static char *
describe_availability (JsonObject *entry)
{
  gint64 hundredths = fl_record_get_int (entry, "availability", -1);
  if (hundredths < 0)
    return g_strdup (_("Not promised"));
  /* Translators: availability in percent with two decimals, "99.90 %" */
  return g_strdup_printf (_("%d.%02d %%"), (int) (hundredths / 100), (int) (hundredths % 100));
}

/* What a list row says under an entry's name. */
static char *
describe_entry (JsonObject *entry)
{
  const char *code = fl_record_get_string (entry, "code");
  const char *business = fl_record_get_string (entry, "business");
  const char *delivery = fl_record_get_string (entry, "delivery");
  g_autoptr(GString) text = g_string_new (code);
  if (g_strcmp0 (fl_record_get_string (entry, "kind"), "technical") == 0 && business != NULL)
    /* Translators: a technical service's list row, "HIS-DB · for HIS" */
    g_string_append_printf (text, _(" · for %s"), business);
  else
    g_string_append_printf (text, " · %s", fl_service_kind_label_for_name (fl_record_get_string (entry, "kind")));
  if (delivery != NULL)
    g_string_append_printf (text, " · %s", fl_delivery_label_for_name (delivery));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
search_changed_cb (FlCataloguePage *self)
{
  if (self->session == NULL)
    return;
  g_list_store_remove_all (self->results);
  g_autofree char *words = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) found = fl_services_search (fl_session_get_db (self->session), words, &error);
  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (found, i);
      g_autoptr(FlRecordItem) item = fl_record_item_new (fl_record_get_string (entry, "code"), entry);
      g_autofree char *subtitle = describe_entry (entry);
      fl_record_item_set_title (item, fl_record_get_string (entry, "name"));
      fl_record_item_set_subtitle (item, subtitle);
      if (fl_record_get_int (entry, "retired", 0) != 0)
        fl_record_item_set_tag (item, _("Retired"), "low");
      g_list_store_append (self->results, item);
    }

  gboolean empty = g_list_model_get_n_items (G_LIST_MODEL (self->results)) == 0;
  if (error != NULL)
    {
      adw_status_page_set_title (self->empty_status, _("Cannot read the catalogue"));
      adw_status_page_set_description (self->empty_status, error->message);
    }
  else if (*words != '\0')
    {
      adw_status_page_set_title (self->empty_status, _("No service matches"));
      adw_status_page_set_description (self->empty_status, _("Try a service’s code, a word of its content or a CI’s code."));
    }
  else
    {
      adw_status_page_set_title (self->empty_status, _("No services yet"));
      adw_status_page_set_description (self->empty_status,
                                       _("The catalogue comes with the next sync once an administrator has set it up."));
    }
  gtk_stack_set_visible_child_name (self->list_stack, empty ? "empty" : "list");
}

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A row of the detail's lists; with `action`, activating it runs the
 * action with `target` (a service code, a CI id). */
static void
add_row (GtkListBox *list, const char *title, const char *subtitle, const char *action, const char *target)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (subtitle != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
  if (action != NULL)
    {
      gtk_actionable_set_action_name (GTK_ACTIONABLE (row), action);
      gtk_actionable_set_action_target (GTK_ACTIONABLE (row), "s", target);
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
    }
  gtk_list_box_append (list, row);
}

static void
add_empty_row (GtkListBox *list, const char *text)
{
  if (gtk_widget_get_first_child (GTK_WIDGET (list)) == NULL)
    add_row (list, text, NULL, NULL, NULL);
}

static void
load_technical (FlCataloguePage *self, FlDb *db, const char *code)
{
  clear_list (self->technical_list);
  g_autoptr(GPtrArray) rows = fl_services_list_technical (db, code, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);
      const char *technical = fl_record_get_string (row, "code");
      g_autofree char *subtitle = (fl_record_get_int (row, "retired", 0) != 0)
        /* Translators: a retired technical service, "HIS-DB · retired" */
        ? g_strdup_printf (_("%s · retired"), technical) : g_strdup (technical);
      add_row (self->technical_list, fl_record_get_string (row, "name"), subtitle, "catalogue.show", technical);
    }
  add_empty_row (self->technical_list, _("No technical service named yet"));
}

static void
load_cis (FlCataloguePage *self, FlDb *db, const char *code)
{
  clear_list (self->cis_list);
  g_autoptr(GPtrArray) rows = fl_services_list_cis (db, code, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *ci = g_ptr_array_index (rows, i);
      const char *id = fl_record_get_string (ci, "id");
      g_autofree char *title = id != NULL
        ? g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"), fl_record_get_string (ci, "name"))
        : g_strdup (fl_record_get_string (ci, "code"));
      add_row (self->cis_list, title,
               id != NULL ? fl_record_get_string (ci, "site_name") : _("At a site this device does not keep"),
               id != NULL ? "win.show-ci" : NULL, id);
    }
  add_empty_row (self->cis_list, _("No configuration item named"));
}

static void
load_policy (FlCataloguePage *self, FlDb *db, const char *code)
{
  clear_list (self->policy_list);
  g_autoptr(GPtrArray) rows = fl_services_list_policies (db, code, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *policy = g_ptr_array_index (rows, i);
      const char *site = fl_record_get_string (policy, "site_name");
      /* Translators: a policy row's title, priority and where it applies: "High · every site" */
      g_autofree char *title = g_strdup_printf (_("%s · %s"),
                                                fl_priority_label_for_name (fl_record_get_string (policy, "priority")),
                                                site != NULL ? site : _("every site"));
      g_autofree char *response = fl_time_format_minutes (fl_record_get_int (policy, "response_minutes", 0));
      g_autofree char *resolve = fl_time_format_minutes (fl_record_get_int (policy, "resolve_minutes", 0));
      /* Translators: working time, "Respond within 30 minutes, resolve within 4 h" */
      g_autofree char *subtitle = g_strdup_printf (_("Respond within %s, resolve within %s"), response, resolve);
      add_row (self->policy_list, title, subtitle, NULL, NULL);
    }
  add_empty_row (self->policy_list, _("The site’s policy applies, else the standard’s"));
}

static void
show_entry (FlCataloguePage *self, JsonObject *entry)
{
  FlDb *db = fl_session_get_db (self->session);
  const char *code = fl_record_get_string (entry, "code");
  gboolean business = g_strcmp0 (fl_record_get_string (entry, "kind"), "business") == 0;
  g_clear_pointer (&self->shown, json_object_unref);
  self->shown = json_object_ref (entry);

  g_autofree char *heading = g_strdup_printf ("%s — %s", code, fl_record_get_string (entry, "name"));
  adw_preferences_group_set_title (self->service_group, heading);
  g_autofree char *kind = (fl_record_get_int (entry, "retired", 0) != 0)
    /* Translators: "Business service · retired" */
    ? g_strdup_printf (_("%s · retired"), fl_service_kind_label_for_name (fl_record_get_string (entry, "kind")))
    : g_strdup (fl_service_kind_label_for_name (fl_record_get_string (entry, "kind")));
  adw_preferences_group_set_description (self->service_group, kind);
  set_row_value (self->content_row, fl_record_get_string (entry, "content"));
  const char *delivery = fl_record_get_string (entry, "delivery");
  set_row_value (self->delivery_row, delivery != NULL ? fl_delivery_label_for_name (delivery) : NULL);
  const char *coverage = fl_record_get_string (entry, "coverage");
  set_row_value (self->coverage_row, coverage != NULL ? fl_format_coverage (coverage) : NULL);
  const char *business_code = fl_record_get_string (entry, "business");
  const char *business_name = fl_record_get_string (entry, "business_name");
  g_autofree char *business_text = business_name != NULL
    ? g_strdup_printf ("%s — %s", business_code, business_name) : g_strdup (business_code);
  set_row_value (self->business_row, business_text);
  gtk_widget_set_visible (GTK_WIDGET (self->business_row), !business);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "catalogue.show-business", business_name != NULL);

  g_autofree char *response = describe_target (entry, "response_minutes");
  g_autofree char *resolve = describe_target (entry, "resolve_minutes");
  g_autofree char *availability = describe_availability (entry);
  set_row_value (self->response_row, response);
  set_row_value (self->resolve_row, resolve);
  set_row_value (self->availability_row, availability);

  gtk_widget_set_visible (GTK_WIDGET (self->technical_group), business);
  if (business)
    load_technical (self, db, code);
  load_cis (self, db, code);
  load_policy (self, db, code);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

static void
page_show_record (FlPage *page, const char *code)
{
  FlCataloguePage *self = FL_CATALOGUE_PAGE (page);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) entry = fl_services_get (fl_session_get_db (self->session), code, &error);
  if (entry == NULL)
    {
      g_autofree char *message = error != NULL
        ? g_strdup_printf (_("Cannot read the catalogue: %s"), error->message)
        /* Translators: a work order names a contract, or a service removed since */
        : g_strdup_printf (_("“%s” is not in the service catalogue"), code);
      fl_notice_toast (GTK_WIDGET (self), message);
      return;
    }
  show_entry (self, entry);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
activate_cb (FlCataloguePage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  if (item != NULL)
    page_show_record (FL_PAGE (self), fl_record_item_get_id (item));
}

static void
show_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  page_show_record (FL_PAGE (widget), g_variant_get_string (parameter, NULL));
}

static void
show_business_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlCataloguePage *self = FL_CATALOGUE_PAGE (widget);
  if (self->shown != NULL)
    page_show_record (FL_PAGE (self), fl_record_get_string (self->shown, "business"));
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  adw_leaflet_navigate (FL_CATALOGUE_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static gboolean
page_focus_search (FlPage *page)
{
  FlCataloguePage *self = FL_CATALOGUE_PAGE (page);
  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_first_child (GTK_WIDGET (self->leaflet)));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

/* A sync may change the catalogue, its policies or the CIs it names: the
 * list follows, and the entry shown is read again (or goes, if removed). */
static void
session_changed_cb (FlCataloguePage *self, const char *table)
{
  static const char * const shown[] = { "service", "sla_policy", "ci", "site", NULL };
  if (table != NULL && !g_strv_contains (shown, table))
    return;
  search_changed_cb (self);
  if (self->shown == NULL)
    return;
  g_autoptr(JsonObject) entry = fl_services_get (fl_session_get_db (self->session),
                                                 fl_record_get_string (self->shown, "code"), NULL);
  if (entry != NULL)
    show_entry (self, entry);
  else
    {
      g_clear_pointer (&self->shown, json_object_unref);
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
    }
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlCataloguePage *self = FL_CATALOGUE_PAGE (page);
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  search_changed_cb (self);
}

GListModel *
fl_catalogue_page_get_results (FlCataloguePage *self)
{
  return G_LIST_MODEL (self->results);
}

const char *
fl_catalogue_page_get_shown (FlCataloguePage *self)
{
  return self->shown != NULL ? fl_record_get_string (self->shown, "code") : NULL;
}

static void
fl_catalogue_page_dispose (GObject *object)
{
  FlCataloguePage *self = FL_CATALOGUE_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_CATALOGUE_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_catalogue_page_parent_class)->dispose (object);
}

static void
fl_catalogue_page_finalize (GObject *object)
{
  FlCataloguePage *self = FL_CATALOGUE_PAGE (object);
  g_clear_object (&self->results);
  g_clear_pointer (&self->shown, json_object_unref);
  G_OBJECT_CLASS (fl_catalogue_page_parent_class)->finalize (object);
}

static void
fl_catalogue_page_class_init (FlCataloguePageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_catalogue_page_dispose;
  object_class->finalize = fl_catalogue_page_finalize;

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-catalogue-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, list_view);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, empty_status);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, service_group);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, content_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, delivery_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, coverage_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, business_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, response_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, resolve_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, availability_row);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, technical_group);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, technical_list);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, cis_list);
  gtk_widget_class_bind_template_child (widget_class, FlCataloguePage, policy_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_install_action (widget_class, "catalogue.show", "s", show_activated);
  gtk_widget_class_install_action (widget_class, "catalogue.show-business", NULL, show_business_activated);
  gtk_widget_class_install_action (widget_class, "catalogue.back", NULL, back_activated);
}

static void
fl_catalogue_page_init (FlCataloguePage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->results = g_list_store_new (FL_TYPE_RECORD_ITEM);
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
  iface->show_record = page_show_record;
  iface->focus_search = page_focus_search;
}
