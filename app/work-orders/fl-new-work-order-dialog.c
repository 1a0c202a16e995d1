#include "fl-new-work-order-dialog.h"

#include <fl-work-order-queries.h>
#include <fl-work-order.h>
#include <glib/gi18n-lib.h>

#include "fl-disabled-reason.h"
#include "fl-format.h"
#include "fl-notice.h"

struct _FlNewWorkOrderDialog
{
  AdwWindow     parent_instance;
  FlSession    *session;
  GPtrArray    *site_ids;  /* site_row position -> site id */
  GPtrArray    *ci_ids;    /* ci_row position -> ci id (NULL for none) */
  GPtrArray    *services;  /* service_row position -> service (NULL for none) */

  AdwComboRow  *kind_row;
  AdwEntryRow  *title_row;
  AdwEntryRow  *description_row;
  AdwComboRow  *site_row;
  AdwComboRow  *ci_row;
  AdwComboRow  *service_row;
  AdwEntryRow  *reporter_row;
  AdwEntryRow  *contact_row;
  GtkSwitch    *assign_switch;
  AdwComboRow  *impact_row;
  AdwComboRow  *urgency_row;
  AdwActionRow *priority_row;
  AdwActionRow *response_due_row;
  AdwActionRow *resolve_due_row;
};

G_DEFINE_FINAL_TYPE (FlNewWorkOrderDialog, fl_new_work_order_dialog, ADW_TYPE_WINDOW)

enum { CREATED, N_SIGNALS };
static guint signals[N_SIGNALS];

static const char * const kinds[] = { "incident", "request", "maintenance" };

static const char *
selected_site (FlNewWorkOrderDialog *self)
{
  guint position = adw_combo_row_get_selected (self->site_row);
  return position < self->site_ids->len ? g_ptr_array_index (self->site_ids, position) : NULL;
}

static const char *
selected_kind (FlNewWorkOrderDialog *self)
{
  return kinds[MIN (adw_combo_row_get_selected (self->kind_row), G_N_ELEMENTS (kinds) - 1)];
}

static const char *
selected_service (FlNewWorkOrderDialog *self)
{
  guint position = adw_combo_row_get_selected (self->service_row);
  return position < self->services->len ? g_ptr_array_index (self->services, position) : NULL;
}

static const char *
text_of (AdwEntryRow *row)
{
  return gtk_editable_get_text (GTK_EDITABLE (row));
}

/* Priority and due times as the server will derive them, from now. */
static void
update_cb (FlNewWorkOrderDialog *self)
{
  const char *site_id = selected_site (self);
  g_autofree char *title = g_strstrip (g_strdup (text_of (self->title_row)));
  fl_widget_action_set_reason (GTK_WIDGET (self), "new-work-order.create",
                               site_id == NULL ? _("Choose the site first: sync if no site is listed")
                               : *title == '\0' ? _("Give the work order a title first") : NULL);
  if (self->session == NULL || site_id == NULL)
    return;

  g_autoptr(JsonObject) draft = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (draft, "site_id", site_id);
  json_object_set_string_member (draft, "kind", selected_kind (self));
  fl_record_set_text (draft, "service", selected_service (self));
  json_object_set_int_member (draft, "impact", adw_combo_row_get_selected (self->impact_row) + 1);
  json_object_set_int_member (draft, "urgency", adw_combo_row_get_selected (self->urgency_row) + 1);
  json_object_set_string_member (draft, "created_at", now);
  g_autoptr(GError) error = NULL;
  if (!fl_work_order_derive_in_db (fl_session_get_db (self->session), draft, &error))
    {
      adw_action_row_set_subtitle (self->priority_row, error->message);
      return;
    }
  g_autofree char *response = fl_format_time (fl_record_get_string (draft, "response_due"));
  g_autofree char *resolve = fl_format_time (fl_record_get_string (draft, "resolve_due"));
  adw_action_row_set_subtitle (self->priority_row, fl_priority_label_for_name (fl_record_get_string (draft, "priority")));
  adw_action_row_set_subtitle (self->response_due_row, response);
  adw_action_row_set_subtitle (self->resolve_due_row, resolve);
}

static void
site_changed_cb (FlNewWorkOrderDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_ptr_array_set_size (self->ci_ids, 0);
  gtk_string_list_append (names, _("None"));
  g_ptr_array_add (self->ci_ids, NULL);
  const char *site_id = selected_site (self);
  if (self->session != NULL && site_id != NULL)
    {
      g_autoptr(GPtrArray) cis = fl_work_order_list_site_cis (fl_session_get_db (self->session), site_id, NULL);
      for (guint i = 0; cis != NULL && i < cis->len; i++)
        {
          JsonObject *ci = g_ptr_array_index (cis, i);
          g_autofree char *label = g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"),
                                                    fl_record_get_string (ci, "name"));
          gtk_string_list_append (names, label);
          g_ptr_array_add (self->ci_ids, g_strdup (fl_record_get_string (ci, "id")));
        }
    }
  adw_combo_row_set_model (self->ci_row, G_LIST_MODEL (names));

  /* The catalogue's services and the contracts with policies at the site. */
  g_autoptr(GtkStringList) services = gtk_string_list_new (NULL);
  g_ptr_array_set_size (self->services, 0);
  gtk_string_list_append (services, _("None in particular"));
  g_ptr_array_add (self->services, NULL);
  g_autoptr(GPtrArray) rows = self->session != NULL && site_id != NULL
    ? fl_work_order_list_services (fl_session_get_db (self->session), site_id, NULL) : NULL;
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      const char *service = fl_record_get_string (rows->pdata[i], "service");
      const char *name = fl_record_get_string (rows->pdata[i], "name");
      g_autofree char *label = name != NULL ? g_strdup_printf ("%s — %s", service, name) : g_strdup (service);
      gtk_string_list_append (services, label);
      g_ptr_array_add (self->services, g_strdup (service));
    }
  adw_combo_row_set_model (self->service_row, G_LIST_MODEL (services));
  update_cb (self);
}

static void
create_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlNewWorkOrderDialog *self = FL_NEW_WORK_ORDER_DIALOG (widget);
  guint ci = adw_combo_row_get_selected (self->ci_row);
  const char *login = fl_session_get_login (self->session);
  g_autofree char *title = g_strstrip (g_strdup (text_of (self->title_row)));
  FlWorkOrderDraft draft = {
    .kind = selected_kind (self),
    .title = title,
    .description = text_of (self->description_row),
    .site_id = selected_site (self),
    .ci_id = ci < self->ci_ids->len ? g_ptr_array_index (self->ci_ids, ci) : NULL,
    .service = selected_service (self),
    .reporter = text_of (self->reporter_row),
    .contact = text_of (self->contact_row),
    .impact = adw_combo_row_get_selected (self->impact_row) + 1,
    .urgency = adw_combo_row_get_selected (self->urgency_row) + 1,
    .assignee = gtk_switch_get_active (self->assign_switch) ? login : NULL,
  };
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  if (!fl_work_order_create (fl_session_get_db (self->session), &draft, login, &id, &error))
    {
      fl_notice_error (widget, _("Cannot create the work order"), error);
      return;
    }
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  g_autoptr(JsonObject) row = fl_record_load (fl_session_get_db (self->session),
                                              fl_schema_lookup ("work_order"), id, NULL);
  if (parent != NULL && row != NULL)
    {
      /* Translators: "Recorded INC-261122-K3F-0007" */
      g_autofree char *message = g_strdup_printf (_("Recorded %s"), fl_record_get_string (row, "ref"));
      fl_notice_toast (GTK_WIDGET (parent), message);
    }
  g_signal_emit (self, signals[CREATED], 0, id);
  gtk_window_close (GTK_WINDOW (self));
}

static void
load_sites (FlNewWorkOrderDialog *self)
{
  g_autoptr(GtkStringList) names = gtk_string_list_new (NULL);
  g_autoptr(GPtrArray) sites = fl_work_order_list_sites (fl_session_get_db (self->session), NULL);
  for (guint i = 0; sites != NULL && i < sites->len; i++)
    {
      JsonObject *site = g_ptr_array_index (sites, i);
      g_ptr_array_add (self->site_ids, g_strdup (fl_record_get_string (site, "id")));
      gtk_string_list_append (names, fl_record_get_string (site, "name"));
    }
  adw_combo_row_set_model (self->site_row, G_LIST_MODEL (names));
  site_changed_cb (self);
}

static void
fl_new_work_order_dialog_finalize (GObject *object)
{
  FlNewWorkOrderDialog *self = FL_NEW_WORK_ORDER_DIALOG (object);
  g_clear_object (&self->session);
  g_ptr_array_unref (self->site_ids);
  g_ptr_array_unref (self->ci_ids);
  g_ptr_array_unref (self->services);
  G_OBJECT_CLASS (fl_new_work_order_dialog_parent_class)->finalize (object);
}

static void
fl_new_work_order_dialog_class_init (FlNewWorkOrderDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->finalize = fl_new_work_order_dialog_finalize;

  signals[CREATED] = g_signal_new ("created", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-new-work-order-dialog.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FlNewWorkOrderDialog, name)
  CHILD (kind_row);
  CHILD (title_row);
  CHILD (description_row);
  CHILD (site_row);
  CHILD (ci_row);
  CHILD (service_row);
  CHILD (reporter_row);
  CHILD (contact_row);
  CHILD (assign_switch);
  CHILD (impact_row);
  CHILD (urgency_row);
  CHILD (priority_row);
  CHILD (response_due_row);
  CHILD (resolve_due_row);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, update_cb);
  gtk_widget_class_bind_template_callback (widget_class, site_changed_cb);
  gtk_widget_class_install_action (widget_class, "new-work-order.create", NULL, create_activated);
  gtk_widget_class_add_binding_action (widget_class, GDK_KEY_Escape, 0, "window.close", NULL);
}

static void
fl_new_work_order_dialog_init (FlNewWorkOrderDialog *self)
{
  self->site_ids = g_ptr_array_new_with_free_func (g_free);
  self->ci_ids = g_ptr_array_new_with_free_func (g_free);
  self->services = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));

  g_autoptr(GtkStringList) impacts = gtk_string_list_new (NULL);
  g_autoptr(GtkStringList) urgencies = gtk_string_list_new (NULL);
  for (int level = 1; level <= 4; level++)
    {
      gtk_string_list_append (impacts, fl_format_impact (level));
      gtk_string_list_append (urgencies, fl_format_urgency (level));
    }
  adw_combo_row_set_model (self->impact_row, G_LIST_MODEL (impacts));
  adw_combo_row_set_model (self->urgency_row, G_LIST_MODEL (urgencies));
  /* A problem of one group, normal urgency: the common case. */
  adw_combo_row_set_selected (self->impact_row, 2);
  adw_combo_row_set_selected (self->urgency_row, 2);
  fl_widget_action_set_reason (GTK_WIDGET (self), "new-work-order.create",
                               _("Give the work order a title first"));
}

FlNewWorkOrderDialog *
fl_new_work_order_dialog_new (GtkWindow *parent, FlSession *session)
{
  FlNewWorkOrderDialog *self = g_object_new (FL_TYPE_NEW_WORK_ORDER_DIALOG, "transient-for", parent, NULL);
  self->session = g_object_ref (session);
  load_sites (self);
  return self;
}
