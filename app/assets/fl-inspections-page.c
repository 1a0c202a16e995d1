#include "fl-inspections-page.h"

#include <adwaita.h>
#include <fl-inspection.h>
#include <glib/gi18n-lib.h>

#include "fl-format.h"
#include "fl-page.h"
#include "fl-record-item.h"

struct _FlInspectionsPage
{
  GtkWidget         parent_instance;
  FlSession        *session;
  char             *round_id;
  GListStore       *rounds;
  GListStore       *cis;

  AdwLeaflet       *leaflet;
  GtkStack         *rounds_stack;
  GtkListView      *rounds_view;
  GtkWidget        *round_pane;
  GtkLabel         *round_title;
  GtkLabel         *round_subtitle;
  GtkProgressBar   *round_progress;
  GtkListView      *cis_view;
  GtkWidget        *form_pane;
  GtkStack         *form_stack;
  FlInspectionForm *form;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlInspectionsPage, fl_inspections_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static void
set_progress (GtkProgressBar *bar, guint done, guint total)
{
  gtk_progress_bar_set_fraction (bar, total > 0 ? (double) done / total : 0);
  /* Translators: inspection round progress, "3 of 10 inspected" */
  g_autofree char *label = g_strdup_printf (_("%u of %u inspected"), done, total);
  gtk_progress_bar_set_text (bar, label);
}

static void
load_rounds (FlInspectionsPage *self)
{
  FlDb *db = fl_session_get_db (self->session);
  g_list_store_remove_all (self->rounds);
  /* Open rounds, and those finished in the last week for reference. */
  g_autoptr(GPtrArray) rounds = fl_inspection_list_rounds (db, fl_session_get_login (self->session), NULL);
  for (guint i = 0; rounds != NULL && i < rounds->len; i++)
    {
      JsonObject *round = g_ptr_array_index (rounds, i);
      const char *id = fl_record_get_string (round, "id");
      guint done = 0, total = 0;
      fl_inspection_round_progress (db, id, &done, &total, NULL);
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, NULL);
      fl_record_item_set_title (item, fl_record_get_string (round, "template_name"));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", fl_record_get_string (round, "ref"),
                                                   fl_record_get_string (round, "site_name"),
                                                   fl_record_get_string (round, "planned_for"));
      fl_record_item_set_subtitle (item, subtitle);
      g_autofree char *progress = g_strdup_printf (_("%u of %u inspected"), done, total);
      const char *status = fl_record_get_string (round, "status");
      fl_record_item_set_badge (item, progress, g_strcmp0 (status, "done") == 0 ? "ok" : "dim");
      fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "inspection_round", id));
      g_list_store_append (self->rounds, item);
    }
  gtk_stack_set_visible_child_name (self->rounds_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->rounds)) > 0 ? "list" : "empty");
}

static void
load_round (FlInspectionsPage *self)
{
  g_list_store_remove_all (self->cis);
  if (self->round_id == NULL)
    return;
  FlDb *db = fl_session_get_db (self->session);
  g_autoptr(JsonObject) round = fl_record_load (db, fl_schema_lookup ("inspection_round"), self->round_id, NULL);
  if (round == NULL)
    return;
  g_autoptr(JsonObject) template = fl_record_load (db, fl_schema_lookup ("inspection_template"),
                                                   fl_record_get_string (round, "template_id"), NULL);
  gtk_label_set_text (self->round_title, template != NULL ? fl_record_get_string (template, "name") : "");
  g_autofree char *subtitle = g_strdup_printf (_("%s · planned for %s"), fl_record_get_string (round, "ref"),
                                               fl_record_get_string (round, "planned_for"));
  gtk_label_set_text (self->round_subtitle, subtitle);
  guint done = 0, total = 0;
  fl_inspection_round_progress (db, self->round_id, &done, &total, NULL);
  set_progress (self->round_progress, done, total);

  /* The CIs the round covers (same rule as its progress), with the last result. */
  g_autoptr(GPtrArray) cis = fl_inspection_list_round_cis (db, self->round_id, NULL);
  for (guint i = 0; cis != NULL && i < cis->len; i++)
    {
      JsonObject *ci = g_ptr_array_index (cis, i);
      g_autoptr(FlRecordItem) item = fl_record_item_new (fl_record_get_string (ci, "id"), NULL);
      g_autofree char *title = g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"),
                                                fl_record_get_string (ci, "name"));
      fl_record_item_set_title (item, title);
      const char *location = fl_record_get_string (ci, "location");
      fl_record_item_set_subtitle (item, location != NULL ? location : "");
      const char *outcome = fl_record_get_string (ci, "outcome");
      if (g_strcmp0 (outcome, "pass") == 0)
        fl_record_item_set_badge (item, _("Passed"), "ok");
      else if (g_strcmp0 (outcome, "fail") == 0)
        {
          /* Translators: "Failed · INC-261122-K3F-0007" */
          const char *incident = fl_record_get_string (ci, "incident_ref");
          g_autofree char *failed = g_strdup_printf (_("Failed · %s"), incident != NULL ? incident : "");
          fl_record_item_set_badge (item, failed, "overdue");
        }
      else
        fl_record_item_set_badge (item, _("To do"), "dim");
      g_list_store_append (self->cis, item);
    }
}

void
fl_inspections_page_show (FlInspectionsPage *self, const char *round_id, const char *ci_id)
{
  if (g_strcmp0 (self->round_id, round_id) != 0)
    {
      g_free (self->round_id);
      self->round_id = g_strdup (round_id);
      gtk_stack_set_visible_child_name (self->form_stack, "none");
    }
  load_round (self);
  if (ci_id != NULL)
    {
      fl_inspection_form_load (self->form, round_id, ci_id);
      gtk_stack_set_visible_child_name (self->form_stack, "form");
      adw_leaflet_set_visible_child (self->leaflet, self->form_pane);
    }
  else
    adw_leaflet_set_visible_child (self->leaflet, self->round_pane);
}

static void
round_activate_cb (FlInspectionsPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->rounds), position);
  if (item != NULL)
    fl_inspections_page_show (self, fl_record_item_get_id (item), NULL);
}

static void
ci_activate_cb (FlInspectionsPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->cis), position);
  if (item != NULL)
    fl_inspections_page_show (self, self->round_id, fl_record_item_get_id (item));
}

static void
recorded_cb (FlInspectionsPage *self, const char *incident_id)
{
  load_rounds (self);
  load_round (self);
}

static void
session_changed_cb (FlInspectionsPage *self, const char *table)
{
  static const char * const shown[] = { "inspection_round", "inspection", "inspection_template", "ci" };
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (table == NULL || g_strcmp0 (table, shown[i]) == 0)
      {
        load_rounds (self);
        load_round (self);
        return;
      }
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlInspectionsPage *self = FL_INSPECTIONS_PAGE (page);
  g_set_object (&self->session, session);
  fl_inspection_form_set_session (self->form, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  load_rounds (self);
}

GListModel *
fl_inspections_page_get_rounds (FlInspectionsPage *self)
{
  return G_LIST_MODEL (self->rounds);
}

GListModel *
fl_inspections_page_get_cis (FlInspectionsPage *self)
{
  return G_LIST_MODEL (self->cis);
}

FlInspectionForm *
fl_inspections_page_get_form (FlInspectionsPage *self)
{
  return self->form;
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  adw_leaflet_navigate (FL_INSPECTIONS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
fl_inspections_page_dispose (GObject *object)
{
  FlInspectionsPage *self = FL_INSPECTIONS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_INSPECTIONS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_inspections_page_parent_class)->dispose (object);
}

static void
fl_inspections_page_finalize (GObject *object)
{
  FlInspectionsPage *self = FL_INSPECTIONS_PAGE (object);
  g_free (self->round_id);
  g_clear_object (&self->rounds);
  g_clear_object (&self->cis);
  G_OBJECT_CLASS (fl_inspections_page_parent_class)->finalize (object);
}

static void
fl_inspections_page_class_init (FlInspectionsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_inspections_page_dispose;
  object_class->finalize = fl_inspections_page_finalize;

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  g_type_ensure (FL_TYPE_INSPECTION_FORM);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-inspections-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FlInspectionsPage, name)
  CHILD (leaflet);
  CHILD (rounds_stack);
  CHILD (rounds_view);
  CHILD (round_pane);
  CHILD (round_title);
  CHILD (round_subtitle);
  CHILD (round_progress);
  CHILD (cis_view);
  CHILD (form_pane);
  CHILD (form_stack);
  CHILD (form);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, round_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, ci_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, recorded_cb);
  gtk_widget_class_install_action (widget_class, "inspections.back", NULL, back_activated);
}

static void
fl_inspections_page_init (FlInspectionsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->rounds = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->cis = g_list_store_new (FL_TYPE_RECORD_ITEM);
  g_autoptr(GtkNoSelection) rounds = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->rounds)));
  g_autoptr(GtkNoSelection) cis = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->cis)));
  gtk_list_view_set_model (self->rounds_view, GTK_SELECTION_MODEL (rounds));
  gtk_list_view_set_model (self->cis_view, GTK_SELECTION_MODEL (cis));
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
}
