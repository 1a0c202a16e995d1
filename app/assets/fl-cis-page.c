#include "fl-cis-page.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "fl-format.h"
#include "fl-page.h"
#include "fl-record-item.h"

/* Results listed at most: search narrows down the rest. */
#define RESULTS_SHOWN 300

struct _FlCisPage
{
  GtkWidget       parent_instance;
  FlSession      *session;
  GListStore     *results;

  AdwLeaflet     *leaflet;
  GtkSearchEntry *search_entry;
  GtkListView    *list_view;
  GtkStack       *detail_stack;
  FlCiPage       *detail;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlCisPage, fl_cis_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static void
search_changed_cb (FlCisPage *self)
{
  if (self->session == NULL)
    return;
  g_list_store_remove_all (self->results);
  g_autofree char *words = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  g_autoptr(GPtrArray) found = fl_ci_search (fl_session_get_db (self->session), words, RESULTS_SHOWN, NULL);
  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      JsonObject *ci = g_ptr_array_index (found, i);
      const char *id = fl_record_get_string (ci, "id");
      const char *site = fl_record_get_string (ci, "site_name");
      const char *location = fl_record_get_string (ci, "location");
      const char *status = fl_record_get_string (ci, "status");
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, NULL);
      g_autofree char *title = g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"),
                                                fl_record_get_string (ci, "name"));
      fl_record_item_set_title (item, title);
      g_autofree char *subtitle = g_strdup_printf ("%s · %s%s%s", fl_record_get_string (ci, "type"),
                                                   site ? site : "", location ? " · " : "",
                                                   location ? location : "");
      fl_record_item_set_subtitle (item, subtitle);
      fl_record_item_set_tag (item, fl_format_ci_status (status), g_strcmp0 (status, "in_use") == 0 ? "normal" : "low");
      fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "ci", id));
      g_list_store_append (self->results, item);
    }
}

static void
page_show_record (FlPage *page, const char *id)
{
  FlCisPage *self = FL_CIS_PAGE (page);
  fl_ci_page_load (self->detail, id);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
activate_cb (FlCisPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->results), position);
  if (item != NULL)
    page_show_record (FL_PAGE (self), fl_record_item_get_id (item));
}

static gboolean
page_focus_search (FlPage *page)
{
  FlCisPage *self = FL_CIS_PAGE (page);
  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_first_child (GTK_WIDGET (self->leaflet)));
  gtk_widget_grab_focus (GTK_WIDGET (self->search_entry));
  return TRUE;
}

static void
session_changed_cb (FlCisPage *self, const char *table)
{
  if (table == NULL || g_strcmp0 (table, "ci") == 0 || g_strcmp0 (table, "site") == 0)
    search_changed_cb (self);
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlCisPage *self = FL_CIS_PAGE (page);
  g_set_object (&self->session, session);
  fl_ci_page_set_session (self->detail, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  search_changed_cb (self);
}

GListModel *
fl_cis_page_get_results (FlCisPage *self)
{
  return G_LIST_MODEL (self->results);
}

FlCiPage *
fl_cis_page_get_detail (FlCisPage *self)
{
  return self->detail;
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  adw_leaflet_navigate (FL_CIS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
fl_cis_page_dispose (GObject *object)
{
  FlCisPage *self = FL_CIS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_CIS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_cis_page_parent_class)->dispose (object);
}

static void
fl_cis_page_finalize (GObject *object)
{
  g_clear_object (&FL_CIS_PAGE (object)->results);
  G_OBJECT_CLASS (fl_cis_page_parent_class)->finalize (object);
}

static void
fl_cis_page_class_init (FlCisPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_cis_page_dispose;
  object_class->finalize = fl_cis_page_finalize;

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  g_type_ensure (FL_TYPE_CI_PAGE);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-cis-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlCisPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlCisPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlCisPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, FlCisPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, FlCisPage, detail);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_install_action (widget_class, "cis.back", NULL, back_activated);
}

static void
fl_cis_page_init (FlCisPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->results = g_list_store_new (FL_TYPE_RECORD_ITEM);
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->results)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->show_record = page_show_record;
  iface->focus_search = page_focus_search;
  iface->set_session = page_set_session;
}
