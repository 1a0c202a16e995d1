#include <inttypes.h>
#include "fl-window.h"

#include <glib/gi18n-lib.h>

#include "fl-new-work-order-dialog.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-sync-status-button.h"

/* The pages' headers only for their types, which the template builds. */
#include "fl-approvals-page.h"
#include "fl-backups-page.h"
#include "fl-catalogue-page.h"
#include "fl-cis-page.h"
#include "fl-cmdb-audits-page.h"
#include "fl-documents-page.h"
#include "fl-inspections-page.h"
#include "fl-problems-page.h"
#include "fl-reports-page.h"
#include "fl-sign-in-page.h"
#include "fl-stock-page.h"
#include "fl-sync-page.h"
#include "fl-work-order-list-page.h"

struct _FlWindow
{
  AdwApplicationWindow  parent_instance;

  FlSession            *session;
  FlSyncController     *sync;
  GSettings            *settings;

  AdwToastOverlay      *toast_overlay;
  AdwToast             *sync_toast;     /* the latest sync failure shown, weak */
  GtkStack             *main_stack;
  AdwLeaflet           *leaflet;
  GtkWidget            *content_pane;
  GtkListBox           *sidebar;
  GtkLabel             *sync_count;
  GtkLabel             *user_label;
  AdwWindowTitle       *window_title;
  FlSyncStatusButton   *sync_button;
  AdwViewStack         *stack;
  GtkWidget            *approvals_row;
  GHashTable           *ready_areas;  /* areas whose page has loaded its data */
};

G_DEFINE_FINAL_TYPE (FlWindow, fl_window, ADW_TYPE_APPLICATION_WINDOW)

enum { PROP_0, PROP_SYNC_CONTROLLER, N_PROPS };
static GParamSpec *properties[N_PROPS];

static void
update_title (FlWindow *self)
{
  const char *area = adw_view_stack_get_visible_child_name (self->stack);
  AdwViewStackPage *page = adw_view_stack_get_page (self->stack,
                                                    adw_view_stack_get_visible_child (self->stack));
  adw_window_title_set_title (self->window_title, page != NULL ? adw_view_stack_page_get_title (page) : "");
  for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (self->sidebar)); row != NULL;
       row = gtk_widget_get_next_sibling (row))
    if (g_strcmp0 (gtk_widget_get_name (row), area) == 0)
      gtk_list_box_select_row (self->sidebar, GTK_LIST_BOX_ROW (row));
}

GtkWidget *
fl_window_get_page (FlWindow *self, const char *area)
{
  return adw_view_stack_get_child_by_name (self->stack, area);
}

static FlPage *
area_page (FlWindow *self, const char *area)
{
  return FL_PAGE (fl_window_get_page (self, area));
}

/* Pages load their data when they are first shown, so that the first
 * window costs what it shows. */
static void
ensure_area (FlWindow *self, const char *area)
{
  if (self->session == NULL || !g_hash_table_add (self->ready_areas, g_strdup (area)))
    return;
  fl_page_set_session (area_page (self, area), self->session);
}

void
fl_window_show_area (FlWindow *self, const char *area)
{
  GtkWidget *child = fl_window_get_page (self, area);
  /* An unknown area, or one this role does not have (approvals). */
  if (child == NULL || !adw_view_stack_page_get_visible (adw_view_stack_get_page (self->stack, child)))
    area = "my-work";
  ensure_area (self, area);
  adw_view_stack_set_visible_child_name (self->stack, area);
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
  update_title (self);
}

const char *
fl_window_get_area (FlWindow *self)
{
  return adw_view_stack_get_visible_child_name (self->stack);
}

static void
sidebar_row_activated_cb (FlWindow *self, GtkListBoxRow *row)
{
  fl_window_show_area (self, gtk_widget_get_name (GTK_WIDGET (row)));
}

static void
show_record (FlWindow *self, const char *area, const char *id)
{
  fl_window_show_area (self, area);
  fl_page_show_record (area_page (self, area), id);
}

void
fl_window_show_work_order (FlWindow *self, const char *id)
{
  show_record (self, "my-work", id);
}

void
fl_window_show_ci (FlWindow *self, const char *id)
{
  show_record (self, "cis", id);
}

void
fl_window_show_problem_or_change (FlWindow *self, const char *id)
{
  show_record (self, "problems", id);
}

void
fl_window_show_service (FlWindow *self, const char *code)
{
  show_record (self, "catalogue", code);
}

void
fl_window_show_sign_in (FlWindow *self, gboolean sign_in)
{
  gtk_stack_set_visible_child_name (self->main_stack, sign_in ? "sign-in" : "main");
}

FlSession *
fl_window_get_session (FlWindow *self)
{
  return self->session;
}

/* ---- sync ---- */

static void
update_sync_state (FlWindow *self)
{
  FlSyncStatus status = FL_SYNC_STATUS_IDLE;
  gint64 pending = fl_outbox_count (fl_session_get_db (self->session), "pending", NULL);
  gint64 last = 0;
  const char *detail = NULL;
  if (self->sync != NULL)
    {
      status = fl_sync_controller_get_status (self->sync);
      last = fl_sync_controller_get_last_synced (self->sync);
      detail = fl_sync_controller_get_error (self->sync);
    }
  fl_sync_status_button_update (self->sync_button, status, MAX (pending, 0), last, detail);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sync",
                                 self->sync != NULL && status != FL_SYNC_STATUS_SYNCING);

  gint64 attention = fl_page_count_attention (area_page (self, "sync"));
  g_autofree char *count = g_strdup_printf ("%" PRId64, attention);
  gtk_label_set_text (self->sync_count, count);
  gtk_widget_set_visible (GTK_WIDGET (self->sync_count), attention > 0);
}

static void
sync_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  if (self->sync != NULL)
    fl_sync_controller_sync (self->sync);
}

static void
session_changed_cb (FlWindow *self, const char *table)
{
  update_sync_state (self);
}

static void
update_user (FlWindow *self)
{
  const char *name = fl_session_get_display_name (self->session);
  g_autofree char *text = name != NULL
    /* Translators: "Signed in as Li Wei (engineer)" */
    ? g_strdup_printf (_("Signed in as %s (%s)"), name, fl_role_get_label (fl_session_get_role (self->session)))
    : g_strdup (_("Not signed in"));
  gtk_label_set_text (self->user_label, text);
}

/* Signing out needs a server to sign out of, and a user. */
static void
update_sign_out (FlWindow *self)
{
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "win.sign-out",
                                 self->sync != NULL && fl_session_get_login (self->session) != NULL);
}

/* The approval queue is a supervisor's. */
static void
update_role_areas (FlWindow *self)
{
  gboolean supervisor = fl_session_get_role (self->session) == FL_ROLE_SUPERVISOR;
  gtk_widget_set_visible (self->approvals_row, supervisor);
  adw_view_stack_page_set_visible (adw_view_stack_get_page (self->stack, fl_window_get_page (self, "approvals")),
                                   supervisor);
}

/* One toast for the latest sync failure, with the way on: it stays until
 * dismissed, and a newer failure replaces it. */
static void
show_sync_failure (FlWindow *self, const char *reason, const char *button, const char *action)
{
  if (self->sync_toast != NULL)
    adw_toast_dismiss (self->sync_toast);
  AdwToast *toast = fl_notice_toast_new (reason);
  adw_toast_set_button_label (toast, button);
  adw_toast_set_action_name (toast, action);
  adw_toast_set_timeout (toast, 0);
  g_set_weak_pointer (&self->sync_toast, toast);
  adw_toast_overlay_add_toast (self->toast_overlay, toast);
}

static void
signed_out_cb (FlWindow *self, const char *reason)
{
  /* The data and the outbox stay: sign in again when convenient. */
  show_sync_failure (self, reason, _("_Sign In"), "win.sign-in");
}

static void
sync_failed_cb (FlWindow *self, const char *reason)
{
  show_sync_failure (self, reason, _("_Retry"), "win.sync");
}

static void
sign_in_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fl_window_show_sign_in (FL_WINDOW (widget), TRUE);
}

/* Each role lands on its own home: an engineer on their work, a clerk on
 * the stock, a supervisor on the approval queue. */
const char *
fl_window_home_area (FlRole role)
{
  switch (role)
    {
    case FL_ROLE_CLERK:
      return "stock";
    case FL_ROLE_SUPERVISOR:
      return "approvals";
    default:
      return "my-work";
    }
}

static void
signed_in_cb (FlWindow *self)
{
  update_user (self);
  fl_window_show_sign_in (self, FALSE);
  fl_window_show_area (self, fl_window_home_area (fl_session_get_role (self->session)));
}

static void
sign_out_done_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(FlWindow) self = user_data;
  g_autoptr(GError) error = NULL;
  if (!fl_sync_controller_sign_out_finish (FL_SYNC_CONTROLLER (source), result, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot sign out"), error);
      return;
    }
  update_user (self);
  fl_window_show_sign_in (self, TRUE);
}

static void
sign_out (FlWindow *self)
{
  fl_sync_controller_sign_out_async (self->sync, NULL, sign_out_done_cb, g_object_ref (self));
}

static void
sign_out_response_cb (AdwMessageDialog *dialog, const char *response, FlWindow *self)
{
  if (g_strcmp0 (response, "sign-out") == 0)
    sign_out (self);
}

/* Signing out keeps the replica and what waits to be sent; say so when
 * something does, since only the same user can send it. */
static void
sign_out_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  gint64 pending = fl_outbox_count (fl_session_get_db (self->session), "pending", NULL);
  if (pending <= 0)
    {
      sign_out (self);
      return;
    }
  GtkWidget *dialog = adw_message_dialog_new (GTK_WINDOW (self), _("Sign Out?"), NULL);
  adw_message_dialog_format_body (ADW_MESSAGE_DIALOG (dialog),
      g_dngettext (GETTEXT_PACKAGE,
                   "%" PRId64 " change is not sent yet. It stays on this device and is sent when %s signs in again; "
                   "nobody else can sign in here until then.",
                   "%" PRId64 " changes are not sent yet. They stay on this device and are sent when %s signs in again; "
                   "nobody else can sign in here until then.", pending),
      pending, fl_session_get_display_name (self->session));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "sign-out", _("_Sign Out"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "sign-out",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_signal_connect_object (dialog, "response", G_CALLBACK (sign_out_response_cb), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* ---- other actions ---- */

static void
show_sidebar_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  adw_leaflet_set_visible_child (self->leaflet, gtk_widget_get_first_child (GTK_WIDGET (self->leaflet)));
}

static void
show_area_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fl_window_show_area (FL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_work_order_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fl_window_show_work_order (FL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_ci_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fl_window_show_ci (FL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_problem_or_change_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fl_window_show_problem_or_change (FL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
show_service_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  fl_window_show_service (FL_WINDOW (widget), g_variant_get_string (parameter, NULL));
}

static void
new_work_order_created_cb (FlWindow *self, const char *id)
{
  fl_window_show_work_order (self, id);
}

static void
new_work_order_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  FlNewWorkOrderDialog *dialog = fl_new_work_order_dialog_new (GTK_WINDOW (self), self->session);
  g_signal_connect_object (dialog, "created", G_CALLBACK (new_work_order_created_cb), self,
                           G_CONNECT_SWAPPED);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The search of the area shown, or else the work orders'. */
static void
search_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWindow *self = FL_WINDOW (widget);
  adw_leaflet_set_visible_child (self->leaflet, self->content_pane);
  if (!fl_page_focus_search (area_page (self, fl_window_get_area (self))))
    {
      fl_window_show_area (self, "my-work");
      fl_page_focus_search (area_page (self, "my-work"));
    }
}

static void
fl_window_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SYNC_CONTROLLER:
      g_value_set_object (value, FL_WINDOW (object)->sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SYNC_CONTROLLER:
      FL_WINDOW (object)->sync = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_window_dispose (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WINDOW);
  g_clear_weak_pointer (&self->sync_toast);
  G_OBJECT_CLASS (fl_window_parent_class)->dispose (object);
}

static void
fl_window_finalize (GObject *object)
{
  FlWindow *self = FL_WINDOW (object);
  g_clear_object (&self->session);
  g_clear_object (&self->sync);
  g_clear_object (&self->settings);
  g_hash_table_unref (self->ready_areas);
  G_OBJECT_CLASS (fl_window_parent_class)->finalize (object);
}

static void
fl_window_class_init (FlWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_window_dispose;
  object_class->finalize = fl_window_finalize;
  object_class->get_property = fl_window_get_property;
  object_class->set_property = fl_window_set_property;

  /* NULL without a server; the template hands it to the pages that show
   * the sync (sign-in, sync page). */
  properties[PROP_SYNC_CONTROLLER] = g_param_spec_object ("sync-controller", NULL, NULL, FL_TYPE_SYNC_CONTROLLER,
                                                          G_PARAM_READWRITE | G_PARAM_CONSTRUCT_ONLY |
                                                          G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  g_type_ensure (FL_TYPE_SIGN_IN_PAGE);
  g_type_ensure (FL_TYPE_SYNC_STATUS_BUTTON);
  g_type_ensure (FL_TYPE_WORK_ORDER_LIST_PAGE);
  g_type_ensure (FL_TYPE_INSPECTIONS_PAGE);
  g_type_ensure (FL_TYPE_CMDB_AUDITS_PAGE);
  g_type_ensure (FL_TYPE_BACKUPS_PAGE);
  g_type_ensure (FL_TYPE_CIS_PAGE);
  g_type_ensure (FL_TYPE_SYNC_PAGE);
  g_type_ensure (FL_TYPE_STOCK_PAGE);
  g_type_ensure (FL_TYPE_APPROVALS_PAGE);
  g_type_ensure (FL_TYPE_PROBLEMS_PAGE);
  g_type_ensure (FL_TYPE_CATALOGUE_PAGE);
  g_type_ensure (FL_TYPE_DOCUMENTS_PAGE);
  g_type_ensure (FL_TYPE_REPORTS_PAGE);

  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlWindow, toast_overlay);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, main_stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, content_pane);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, sidebar);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, sync_count);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, user_label);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, window_title);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, sync_button);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, stack);
  gtk_widget_class_bind_template_child (widget_class, FlWindow, approvals_row);
  gtk_widget_class_bind_template_callback (widget_class, sidebar_row_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, signed_in_cb);

  gtk_widget_class_install_action (widget_class, "win.sync", NULL, sync_activated);
  gtk_widget_class_install_action (widget_class, "win.show-sidebar", NULL, show_sidebar_activated);
  gtk_widget_class_install_action (widget_class, "win.show-area", "s", show_area_activated);
  gtk_widget_class_install_action (widget_class, "win.show-work-order", "s", show_work_order_activated);
  gtk_widget_class_install_action (widget_class, "win.show-ci", "s", show_ci_activated);
  gtk_widget_class_install_action (widget_class, "win.show-service", "s", show_service_activated);
  gtk_widget_class_install_action (widget_class, "win.show-problem", "s", show_problem_or_change_activated);
  gtk_widget_class_install_action (widget_class, "win.show-change", "s", show_problem_or_change_activated);
  gtk_widget_class_install_action (widget_class, "win.new-work-order", NULL, new_work_order_activated);
  gtk_widget_class_install_action (widget_class, "win.search", NULL, search_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-in", NULL, sign_in_activated);
  gtk_widget_class_install_action (widget_class, "win.sign-out", NULL, sign_out_activated);
}

static void
fl_window_init (FlWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->ready_areas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->settings = g_settings_new (FL_APP_ID);
  g_settings_bind (self->settings, "window-width", self, "default-width", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-height", self, "default-height", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "window-maximized", self, "maximized", G_SETTINGS_BIND_DEFAULT);
}

FlWindow *
fl_window_new (GtkApplication *app, FlSession *session, FlSyncController *sync)
{
  FlWindow *self = g_object_new (FL_TYPE_WINDOW, "application", app, "sync-controller", sync, NULL);
  self->session = g_object_ref (session);

  /* My work opens work orders from every area; the sync page counts what
   * waits for a decision for the sidebar. */
  ensure_area (self, "my-work");
  ensure_area (self, "sync");

  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::role", G_CALLBACK (update_user), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::role", G_CALLBACK (update_role_areas), self, G_CONNECT_SWAPPED);
  update_role_areas (self);
  if (sync != NULL)
    {
      g_signal_connect_object (sync, "notify::status", G_CALLBACK (update_sync_state), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "notify::last-synced", G_CALLBACK (update_sync_state), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "signed-out", G_CALLBACK (signed_out_cb), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "failed", G_CALLBACK (sync_failed_cb), self, G_CONNECT_SWAPPED);
    }

  update_user (self);
  update_sync_state (self);
  update_sign_out (self);
  g_signal_connect_object (session, "notify::login", G_CALLBACK (update_sign_out), self, G_CONNECT_SWAPPED);
  fl_window_show_sign_in (self, fl_session_get_login (session) == NULL);
  fl_window_show_area (self, fl_window_home_area (fl_session_get_role (session)));
  return self;
}
