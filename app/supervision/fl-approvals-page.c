#include <inttypes.h>
#include "fl-approvals-page.h"

#include <fl-approvals.h>
#include <fl-change.h>
#include <fl-change-workflow.h>
#include <fl-time.h>
#include <fl-user.h>
#include <fl-work-order-queries.h>
#include <fl-cmdb-audits.h>
#include <fl-kpi.h>
#include <glib/gi18n-lib.h>

#include "fl-disabled-reason.h"
#include "fl-blob-opener.h"
#include "fl-format.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-query-model.h"
#include "fl-record-item.h"
#include "fl-stock-page.h"
#include "fl-work-log-note.h"
#include "fl-work-order.h"

struct _FlApprovalsPage
{
  GtkWidget             parent_instance;

  AdwLeaflet           *leaflet;
  GtkWidget            *list_pane;
  AdwViewStack         *list_stack;
  AdwViewStackPage     *queue_page;
  GtkStack             *queue_stack;
  GtkListView          *queue_view;
  GtkSearchEntry       *queue_search;
  GtkDropDown          *queue_order;
  GtkDropDown          *queue_kind;
  GtkDropDown          *queue_age;
  GtkDropDown          *queue_site;
  GtkStringList        *queue_site_names;
  GtkDropDown          *queue_person;
  GtkStringList        *queue_person_names;
  AdwStatusPage        *several_status;
  GtkListView          *assign_view;
  GtkButton            *conflicts_button;
  GtkStack             *detail_stack;
  GtkScrolledWindow    *detail_scroller;
  GtkButton            *back_button;
  GtkLabel             *title_label;
  GtkLabel             *subtitle_label;
  GtkWidget            *state_box;
  GtkLabel             *state_label;
  AdwPreferencesGroup  *details_group;
  AdwPreferencesGroup  *parts_group;
  AdwPreferencesGroup  *photos_group;
  GtkFlowBox           *photos_box;
  AdwPreferencesGroup  *log_group;
  AdwPreferencesGroup  *assign_group;
  AdwComboRow          *assignee_row;
  GtkStringList        *assignee_names;
  GtkButton            *assign_button;
  AdwPreferencesGroup  *decision_group;
  AdwEntryRow          *comment_row;
  GtkButton            *approve_button;
  GtkButton            *reject_button;

  FlSession            *session;
  FlQueryModel         *queue;
  FlQueryModel         *assignments;
  GtkMultiSelection    *queue_selection;  /* one item shows; several are approved together */
  GtkSingleSelection   *assign_selection;
  FlRecordItem         *current;         /* the item shown */
  gboolean              current_in_queue;
  GPtrArray            *added_rows;      /* widgets added to the groups for the current item */
  GPtrArray            *assignee_logins; /* parallel to assignee_names */
  GPtrArray            *filter_site_ids; /* parallel to queue_site_names after "All sites" */
  GPtrArray            *filter_logins;   /* parallel to queue_person_names after "Anyone" */
  FlBlobOpener         *opener;          /* a change's documents */
};

enum { OPEN_FILE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlApprovalsPage, fl_approvals_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static FlDb *
page_db (FlApprovalsPage *self)
{
  return fl_session_get_db (self->session);
}

static const char *
state_of (JsonObject *row)
{
  return fl_record_get_string (row, "approval_state");
}

/* ---- list rows ---- */

/* The choice `selected` of a filter whose first choice is "all". */
static const char *
chosen (GtkDropDown *dropdown, GPtrArray *values)
{
  guint selected = gtk_drop_down_get_selected (dropdown);
  return selected != GTK_INVALID_LIST_POSITION && selected >= 1 && selected <= values->len
    ? g_ptr_array_index (values, selected - 1) : NULL;
}

/* The queue as searched, filtered and ordered (fl_approvals_queue_sql). */
static void
queue_filters_changed (FlApprovalsPage *self)
{
  static const char * const orders[] = { NULL, "newest", "urgent" };
  static const char * const kinds[] = { NULL, "work_order", "stock_count", "scrap_request", "ci_change_proposal" };
  static const int waiting_days[] = { 0, 1, 3, 7 };
  if (self->queue == NULL)
    return;
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->queue_search));
  guint order = gtk_drop_down_get_selected (self->queue_order);
  guint kind = MIN (gtk_drop_down_get_selected (self->queue_kind), G_N_ELEMENTS (kinds) - 1);
  guint age = MIN (gtk_drop_down_get_selected (self->queue_age), G_N_ELEMENTS (waiting_days) - 1);
  g_autofree char *since = waiting_days[age] > 0
    ? fl_time_format (fl_time_now () - (gint64) waiting_days[age] * G_TIME_SPAN_DAY) : NULL;
  const char *params[] = { kinds[kind], *text != '\0' ? text : NULL, chosen (self->queue_site, self->filter_site_ids),
                           chosen (self->queue_person, self->filter_logins), since,
                           orders[MIN (order, G_N_ELEMENTS (orders) - 1)] };
  fl_query_model_set_params (self->queue, G_N_ELEMENTS (params), params);
}

/* The sites and the people the queue can be narrowed to, keeping what is
 * chosen when it is still there. */
static void
fill_filter_choices (FlApprovalsPage *self)
{
  g_autofree char *site = g_strdup (chosen (self->queue_site, self->filter_site_ids));
  g_autofree char *person = g_strdup (chosen (self->queue_person, self->filter_logins));
  g_autoptr(GPtrArray) sites = fl_work_order_list_sites (page_db (self), NULL);
  g_autoptr(GPtrArray) users = fl_user_list (page_db (self), NULL);
  g_autoptr(GPtrArray) site_names = g_ptr_array_new_with_free_func (g_free);
  g_autoptr(GPtrArray) person_names = g_ptr_array_new_with_free_func (g_free);
  g_ptr_array_set_size (self->filter_site_ids, 0);
  g_ptr_array_set_size (self->filter_logins, 0);
  g_ptr_array_add (site_names, g_strdup (_("All sites")));
  g_ptr_array_add (person_names, g_strdup (_("Anyone")));
  guint site_index = 0, person_index = 0;
  for (guint i = 0; sites != NULL && i < sites->len; i++)
    {
      const char *id = fl_record_get_string (g_ptr_array_index (sites, i), "id");
      if (g_strcmp0 (id, site) == 0)
        site_index = site_names->len;
      g_ptr_array_add (site_names, g_strdup (fl_record_get_string (g_ptr_array_index (sites, i), "name")));
      g_ptr_array_add (self->filter_site_ids, g_strdup (id));
    }
  for (guint i = 0; users != NULL && i < users->len; i++)
    {
      JsonObject *user = g_ptr_array_index (users, i);
      const char *login = fl_record_get_string (user, "login");
      if (g_strcmp0 (login, person) == 0)
        person_index = person_names->len;
      g_ptr_array_add (person_names, g_strdup (fl_record_get_string (user, "display_name")));
      g_ptr_array_add (self->filter_logins, g_strdup (login));
    }
  g_ptr_array_add (site_names, NULL);
  g_ptr_array_add (person_names, NULL);
  gtk_string_list_splice (self->queue_site_names, 0, g_list_model_get_n_items (G_LIST_MODEL (self->queue_site_names)),
                          (const char * const *) site_names->pdata);
  gtk_string_list_splice (self->queue_person_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->queue_person_names)),
                          (const char * const *) person_names->pdata);
  gtk_drop_down_set_selected (self->queue_site, site_index);
  gtk_drop_down_set_selected (self->queue_person, person_index);
}

static void
decorate_queue_item (FlRecordItem *item, gpointer user_data)
{
  JsonObject *row = fl_record_item_get_record (item);
  const char *table = fl_record_get_string (row, "target_table");
  const char *ref = fl_record_get_string (row, "ref");
  const char *subject = fl_record_get_string (row, "subject");
  const char *place = fl_record_get_string (row, "place");
  /* Who did it, by name: the login only while their user row is not here. */
  const char *who = fl_record_get_string (row, "who_name");
  g_autofree char *when = fl_format_time (fl_record_get_string (row, "at"));
  g_autofree char *title = NULL, *subtitle = NULL;

  if (g_strcmp0 (table, "work_order") == 0)
    {
      title = g_strdup_printf ("%s %s", ref != NULL ? ref : "", subject != NULL ? subject : "");
      /* Translators: a resolved work order in the approval queue: "Resolved by li.wei · Hospital · 2026-11-22 10:30" */
      subtitle = g_strdup_printf (_("Resolved by %s · %s · %s"), who != NULL ? who : "?",
                                  place != NULL ? place : "", when);
      fl_record_item_set_tag (item, fl_priority_label_for_name (fl_record_get_string (row, "priority")),
                              fl_record_get_string (row, "priority"));
    }
  else if (g_strcmp0 (table, "stock_count") == 0)
    {
      gint64 variance = fl_record_get_int (row, "counted", 0) - fl_record_get_int (row, "expected", 0);
      title = g_strdup_printf (_("Count of %s at %s"), subject != NULL ? subject : ref, place != NULL ? place : "");
      subtitle = g_strdup_printf (_("Counted %" PRId64 ", expected %" PRId64 " · %s · %s"),
                                  fl_record_get_int (row, "counted", 0), fl_record_get_int (row, "expected", 0),
                                  who != NULL ? who : "?", when);
      g_autofree char *tag = variance == 0 ? g_strdup (_("No variance"))
                                           : g_strdup_printf ("%+" PRId64, variance);
      fl_record_item_set_tag (item, tag, variance == 0 ? "status" : "medium");
    }
  else if (g_strcmp0 (table, "scrap_request") == 0)
    {
      title = g_strdup_printf (_("Scrap %" PRId64 " × %s"), fl_record_get_int (row, "qty", 0),
                               subject != NULL ? subject : ref);
      subtitle = g_strdup_printf ("%s · %s · %s", fl_record_get_string (row, "reason"),
                                  place != NULL ? place : "", who != NULL ? who : "?");
      fl_record_item_set_tag (item, _("Scrap"), "status");
    }
  else if (g_strcmp0 (table, "change_record") == 0)
    {
      title = g_strdup_printf ("%s %s", ref != NULL ? ref : "", subject != NULL ? subject : "");
      subtitle = g_strdup_printf ("%s · %s · %s", fl_record_get_string (row, "reason"),
                                  who != NULL ? who : "?", when);
      fl_record_item_set_tag (item, fl_change_kind_label_for_name (fl_record_get_string (row, "kind")), "status");
    }
  else if (g_strcmp0 (table, "cmdb_audit") == 0)
    {
      /* Translators: a submitted audit in the approval queue: "Configuration audit of Hospital" */
      title = g_strdup_printf (_("Configuration audit of %s"), subject != NULL ? subject : "");
      /* Translators: "AUD-261201-K3F-0001 · 41 of 45 found as recorded · li.wei · 2026-12-01 10:30" */
      subtitle = g_strdup_printf (_("%s · %" PRId64 " of %" PRId64 " found as recorded · %s · %s"), ref,
                                  fl_record_get_int (row, "counted", 0), fl_record_get_int (row, "expected", 0),
                                  who != NULL ? who : "?", when);
      fl_record_item_set_tag (item, _("Configuration audit"), "status");
    }
  else
    {
      title = g_strdup_printf (_("Change to %s %s"), ref != NULL ? ref : "", subject != NULL ? subject : "");
      subtitle = g_strdup_printf ("%s · %s · %s", fl_record_get_string (row, "reason"),
                                  who != NULL ? who : "?", when);
      fl_record_item_set_tag (item, _("CI change"), "status");
    }
  fl_record_item_set_title (item, title);
  fl_record_item_set_subtitle (item, subtitle);

  const char *state = state_of (row);
  gboolean approved = g_strcmp0 (fl_record_get_string (row, "approval_decision"), "approved") == 0;
  if (g_strcmp0 (state, "rejected") == 0)
    fl_record_item_set_badge (item, _("Decision not applied: review again"), "overdue");
  else if (g_strcmp0 (state, "pending") == 0)
    fl_record_item_set_badge (item, approved ? _("Approved, waiting to sync") : _("Rejected, waiting to sync"),
                              "paused");
  else if (state != NULL)
    fl_record_item_set_badge (item, approved ? _("Approved") : _("Rejected"), "ok");
  fl_record_item_set_sync_state (item, g_strcmp0 (state, "rejected") == 0 ? "rejected"
                                       : g_strcmp0 (state, "pending") == 0 ? "pending" : NULL);
}

static void
decorate_assignment (FlRecordItem *item, gpointer user_data)
{
  FlApprovalsPage *self = user_data;
  JsonObject *row = fl_record_item_get_record (item);
  g_autofree char *title = g_strdup_printf ("%s %s", fl_record_get_string (row, "ref"),
                                            fl_record_get_string (row, "title"));
  const char *assignee = fl_record_get_string (row, "assignee");
  /* Translators: "Hospital · In progress · li.wei" */
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s",
                                               fl_record_get_string (row, "site_name") != NULL
                                                 ? fl_record_get_string (row, "site_name") : "",
                                               fl_work_order_status_label_for_name (fl_record_get_string (row, "status")),
                                               assignee != NULL ? assignee : _("Unassigned"));
  fl_record_item_set_title (item, title);
  fl_record_item_set_subtitle (item, subtitle);
  fl_record_item_set_tag (item, fl_priority_label_for_name (fl_record_get_string (row, "priority")),
                          fl_record_get_string (row, "priority"));
  const char *style = NULL;
  g_autofree char *sla = fl_format_work_order_sla (self->session, row, fl_time_now (), &style);
  if (sla != NULL)
    fl_record_item_set_badge (item, sla, style);
}

/* ---- the detail pane ---- */

static void
clear_detail (FlApprovalsPage *self)
{
  for (guint i = 0; i < self->added_rows->len; i++)
    {
      GtkWidget *row = g_ptr_array_index (self->added_rows, i);
      GtkWidget *group = gtk_widget_get_ancestor (row, ADW_TYPE_PREFERENCES_GROUP);
      if (group != NULL)
        adw_preferences_group_remove (ADW_PREFERENCES_GROUP (group), row);
    }
  g_ptr_array_set_size (self->added_rows, 0);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photos_box))) != NULL)
    gtk_flow_box_remove (self->photos_box, child);
}

static void
add_widget (FlApprovalsPage *self, AdwPreferencesGroup *group, GtkWidget *row)
{
  adw_preferences_group_add (group, row);
  g_ptr_array_add (self->added_rows, row);
}

/* A property: its name, and its value at the end of the row. */
static void
add_property (FlApprovalsPage *self, AdwPreferencesGroup *group, const char *name, const char *value)
{
  if (value == NULL || *value == '\0')
    return;
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), name);
  GtkWidget *label = gtk_label_new (value);
  gtk_label_set_wrap (GTK_LABEL (label), TRUE);
  gtk_label_set_xalign (GTK_LABEL (label), 1);
  gtk_label_set_wrap_mode (GTK_LABEL (label), PANGO_WRAP_WORD_CHAR);
  /* A row gives its suffix only what it asks for: ask for the value's width, up to a limit
   * that leaves the name its own width in a narrow pane (a longer value wraps instead of
   * squeezing "Responded" into "Re-spon-ded"). */
  gtk_label_set_width_chars (GTK_LABEL (label), MIN ((int) g_utf8_strlen (value, -1) + 2, 24));
  gtk_label_set_max_width_chars (GTK_LABEL (label), 48);
  gtk_label_set_justify (GTK_LABEL (label), GTK_JUSTIFY_RIGHT);
  gtk_label_set_selectable (GTK_LABEL (label), TRUE);
  gtk_widget_set_margin_top (label, 6);
  gtk_widget_set_margin_bottom (label, 6);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), label);
  add_widget (self, group, row);
}

/* An entry of a list: a title and text under it. */
static void
add_entry (FlApprovalsPage *self, AdwPreferencesGroup *group, const char *title, const char *text)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  if (text != NULL && *text != '\0')
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), text);
  add_widget (self, group, row);
}

static char *
format_duration (gint64 seconds)
{
  if (seconds < 3600)
    return g_strdup_printf (_("%" PRId64 " min"), seconds / 60);
  return g_strdup_printf (_("%" PRId64 " h %02" PRId64 " min"), seconds / 3600,
                          seconds % 3600 / 60);
}

static char *
format_on_time (const char *due_text, const char *done_text)
{
  gint64 due, done;
  if (due_text == NULL || done_text == NULL || !fl_time_parse (due_text, &due, NULL) ||
      !fl_time_parse (done_text, &done, NULL))
    return NULL;
  g_autofree char *when = fl_format_time (done_text);
  g_autofree char *due_local = fl_format_time (due_text);
  return done <= due ? g_strdup_printf (_("%s (on time, due %s)"), when, due_local)
                     : g_strdup_printf (_("%s (late, due %s)"), when, due_local);
}

static void
picture_clicked (GtkButton *button, FlApprovalsPage *self)
{
  const char *path = g_object_get_data (G_OBJECT (button), "fl-path");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkWindow *viewer = GTK_WINDOW (adw_window_new ());
  gtk_window_set_title (viewer, g_object_get_data (G_OBJECT (button), "fl-caption"));
  gtk_window_set_transient_for (viewer, GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL);
  gtk_window_set_modal (viewer, TRUE);
  gtk_window_set_default_size (viewer, 900, 680);
  GtkWidget *content = gtk_box_new (GTK_ORIENTATION_VERTICAL, 0);
  gtk_box_append (GTK_BOX (content), adw_header_bar_new ());
  GtkWidget *picture = gtk_picture_new_for_filename (path);
  gtk_widget_set_vexpand (picture, TRUE);
  gtk_box_append (GTK_BOX (content), picture);
  adw_window_set_content (ADW_WINDOW (viewer), content);
  gtk_window_present (viewer);
}

static void
add_picture (FlApprovalsPage *self, const char *sha256, const char *caption)
{
  g_autofree char *path = fl_session_get_blob_path (self->session, sha256);
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 4);
  if (path != NULL && g_file_test (path, G_FILE_TEST_EXISTS))
    {
      /* A click opens it full size. */
      GtkWidget *picture = gtk_picture_new_for_filename (path);
      gtk_picture_set_can_shrink (GTK_PICTURE (picture), TRUE);
      gtk_widget_set_size_request (picture, 160, 120);
      GtkWidget *button = gtk_button_new ();
      gtk_button_set_child (GTK_BUTTON (button), picture);
      gtk_widget_add_css_class (button, "card");
      gtk_widget_set_tooltip_text (button, _("Show full size"));
      g_object_set_data_full (G_OBJECT (button), "fl-path", g_steal_pointer (&path), g_free);
      g_object_set_data_full (G_OBJECT (button), "fl-caption", g_strdup (caption), g_free);
      g_signal_connect (button, "clicked", G_CALLBACK (picture_clicked), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  else
    {
      gboolean downloading = fl_session_fetch_blob (self->session, sha256) == FL_BLOB_DOWNLOADING;
      GtkWidget *loading = gtk_box_new (GTK_ORIENTATION_VERTICAL, 6);
      gtk_widget_set_size_request (loading, 160, 120);
      gtk_widget_set_valign (loading, GTK_ALIGN_FILL);
      gtk_widget_add_css_class (loading, "card");
      GtkWidget *spinner = gtk_spinner_new ();
      gtk_spinner_set_spinning (GTK_SPINNER (spinner), downloading);
      gtk_widget_set_vexpand (spinner, TRUE);
      gtk_box_append (GTK_BOX (loading), spinner);
      GtkWidget *label = gtk_label_new (downloading ? _("Downloading…") : _("Not downloaded: the server could not be reached"));
      gtk_label_set_wrap (GTK_LABEL (label), TRUE);
      gtk_widget_add_css_class (label, "dim-label");
      gtk_box_append (GTK_BOX (loading), label);
      gtk_box_append (GTK_BOX (box), loading);
    }
  GtkWidget *label = gtk_label_new (caption);
  gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_MIDDLE);
  gtk_widget_add_css_class (label, "caption");
  gtk_box_append (GTK_BOX (box), label);
  gtk_flow_box_append (self->photos_box, box);
}

/* The photos and the customer's signature of the work order `wo`, each
 * downloaded when it is not here yet. */
static void
show_pictures (FlApprovalsPage *self, JsonObject *wo)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self->photos_box))) != NULL)
    gtk_flow_box_remove (self->photos_box, child);
  guint pictures = 0;
  g_autoptr(GPtrArray) photos = fl_approvals_list_photos (page_db (self), fl_record_get_string (wo, "id"), NULL);
  for (guint i = 0; photos != NULL && i < photos->len; i++)
    {
      JsonObject *photo = g_ptr_array_index (photos, i);
      add_picture (self, fl_record_get_string (photo, "sha256"), fl_record_get_string (photo, "caption"));
      pictures++;
    }
  const char *signature = fl_record_get_string (wo, "signature_blob");
  if (signature != NULL)
    {
      add_picture (self, signature, _("Customer's signature"));
      pictures++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->photos_group), pictures > 0);
}

/* A download finished: the pictures of the order shown, as they are now. */
static void
show_current_again (FlApprovalsPage *self)
{
  JsonObject *row = self->current != NULL ? fl_record_item_get_record (self->current) : NULL;
  const char *table = self->current_in_queue ? fl_record_get_string (row, "target_table") : "work_order";
  if (row == NULL || g_strcmp0 (table, "work_order") != 0)
    return;
  g_autoptr(JsonObject) wo = fl_record_load (page_db (self), fl_schema_lookup ("work_order"),
                                             fl_record_get_string (row, "id"), NULL);
  if (wo != NULL)
    show_pictures (self, wo);
}

/* What waits for a decision is looked at next: its pictures come down with
 * the queue, not when the supervisor opens the item. */
static void
fetch_queue_pictures (FlApprovalsPage *self)
{
  GListModel *queue = G_LIST_MODEL (self->queue);
  guint n = MIN (g_list_model_get_n_items (queue), 50);
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (queue, i);
      JsonObject *row = fl_record_item_get_record (item);
      if (g_strcmp0 (fl_record_get_string (row, "target_table"), "work_order") != 0)
        continue;
      const char *id = fl_record_get_string (row, "id");
      g_autoptr(GPtrArray) photos = fl_approvals_list_photos (page_db (self), id, NULL);
      for (guint p = 0; photos != NULL && p < photos->len; p++)
        fl_session_fetch_blob (self->session, fl_record_get_string (g_ptr_array_index (photos, p), "sha256"));
      g_autoptr(JsonObject) wo = fl_record_load (page_db (self), fl_schema_lookup ("work_order"), id, NULL);
      const char *signature = wo != NULL ? fl_record_get_string (wo, "signature_blob") : NULL;
      if (signature != NULL)
        fl_session_fetch_blob (self->session, signature);
    }
}

static guint
show_work_order_facts (FlApprovalsPage *self, const char *id)
{
  FlDb *db = page_db (self);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wo = fl_record_load (db, fl_schema_lookup ("work_order"), id, &error);
  if (wo == NULL)
    return 0;
  AdwPreferencesGroup *g = self->details_group;
  add_property (self, g, _("Kind"), fl_work_order_kind_label_for_name (fl_record_get_string (wo, "kind")));
  add_property (self, g, _("Priority"), fl_priority_label_for_name (fl_record_get_string (wo, "priority")));
  add_property (self, g, _("Status"), fl_work_order_status_label_for_name (fl_record_get_string (wo, "status")));
  g_autofree char *assignee = fl_format_login (self->session, fl_record_get_string (wo, "assignee"));
  add_property (self, g, _("Assignee"), assignee);
  add_property (self, g, _("Reported by"), fl_record_get_string (wo, "reporter"));
  g_autofree char *responded = format_on_time (fl_record_get_string (wo, "response_due"),
                                               fl_record_get_string (wo, "responded_at"));
  add_property (self, g, _("Responded"), responded);
  g_autofree char *resolved = format_on_time (fl_record_get_string (wo, "resolve_due"),
                                              fl_record_get_string (wo, "resolved_at"));
  add_property (self, g, _("Resolved"), resolved);
  gint64 held = fl_record_get_int (wo, "on_hold_seconds", 0);
  g_autofree char *hold = held > 0 ? format_duration (held) : NULL;
  add_property (self, g, _("Time on hold"), hold);
  add_property (self, g, _("Cause"), fl_record_get_string (wo, "cause"));
  add_property (self, g, _("Resolution"), fl_record_get_string (wo, "resolution"));
  const char *customer = fl_record_get_string (wo, "customer_name");
  if (customer != NULL)
    {
      g_autofree char *accepted = fl_format_time (fl_record_get_string (wo, "customer_accepted_at"));
      g_autofree char *text = g_strdup_printf (_("%s, %s"), customer, accepted);
      add_property (self, g, _("Accepted by the customer"), text);
    }
  else if (g_strcmp0 (fl_record_get_string (wo, "kind"), "maintenance") != 0)
    add_property (self, g, _("Accepted by the customer"), _("No: the customer has not signed"));
  gint64 satisfaction = fl_record_get_int (wo, "satisfaction", 0);
  if (satisfaction > 0)
    {
      g_autoptr(GString) stars = g_string_new (NULL);
      for (gint64 i = 1; i <= 5; i++)
        g_string_append (stars, i <= satisfaction ? "★" : "☆");
      g_string_append_printf (stars, "  %" PRId64 "/5", satisfaction);
      add_property (self, g, _("Satisfaction"), stars->str);
    }
  if (json_object_has_member (wo, "first_time_fix") &&
      !json_object_get_null_member (wo, "first_time_fix"))
    add_property (self, g, _("Fixed on the first visit"),
                  fl_record_get_bool (wo, "first_time_fix") ? _("Yes") : _("No"));

  guint parts = 0;
  g_autoptr(GPtrArray) used = fl_approvals_list_parts_used (db, id, NULL);
  for (guint i = 0; used != NULL && i < used->len; i++)
    {
      JsonObject *part = g_ptr_array_index (used, i);
      g_autofree char *title = g_strdup_printf ("%lld × %s", (long long) fl_record_get_int (part, "qty", 0),
                                                fl_record_get_string (part, "name"));
      const char *serial = fl_record_get_string (part, "serial");
      g_autofree char *detail = serial != NULL
        ? g_strdup_printf (_("%s · serial %s · from %s"), fl_record_get_string (part, "sku"), serial,
                           fl_record_get_string (part, "from_code"))
        : g_strdup_printf (_("%s · from %s"), fl_record_get_string (part, "sku"),
                           fl_record_get_string (part, "from_code"));
      add_entry (self, self->parts_group, title, detail);
      parts++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->parts_group), parts > 0);

  show_pictures (self, wo);

  guint entries = 0;
  g_autoptr(GPtrArray) log = fl_approvals_list_work_log (db, id, NULL);
  for (guint i = 0; log != NULL && i < log->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (log, i);
      g_autofree char *at = fl_format_time (fl_record_get_string (entry, "at"));
      int minutes = (int) fl_record_get_int (entry, "minutes", 0);
      const char *author = fl_record_get_string (entry, "author");
      g_autofree char *title = minutes > 0
        ? g_strdup_printf (_("%s · %s · %d min"), at, author, minutes)
        : g_strdup_printf ("%s · %s", at, author);
      g_autofree char *text = fl_work_log_render (entry);
      add_entry (self, self->log_group, title, text);
      entries++;
    }
  gtk_widget_set_visible (GTK_WIDGET (self->log_group), entries > 0);
  return 1;
}

static void
show_stock_facts (FlApprovalsPage *self, JsonObject *row, gboolean count)
{
  FlDb *db = page_db (self);
  const FlTable *table = fl_schema_lookup (count ? "stock_count" : "scrap_request");
  g_autoptr(JsonObject) target = fl_record_load (db, table, fl_record_get_string (row, "id"), NULL);
  if (target == NULL)
    return;
  AdwPreferencesGroup *g = self->details_group;
  g_autofree char *part = g_strdup_printf ("%s · %s", fl_record_get_string (row, "ref"),
                                           fl_record_get_string (row, "subject"));
  add_property (self, g, _("Part"), part);
  add_property (self, g, _("Location"), fl_record_get_string (row, "place"));
  gint64 balance = fl_stock_balance (db, fl_record_get_string (target, "location_id"),
                                     fl_record_get_string (target, "part_id"), NULL);
  g_autofree char *balance_text = g_strdup_printf ("%" PRId64, balance);
  if (count)
    {
      gint64 counted = fl_record_get_int (target, "counted", 0);
      gint64 expected = fl_record_get_int (target, "expected_at_count", 0);
      g_autofree char *counted_text = g_strdup_printf ("%" PRId64, counted);
      g_autofree char *expected_text = g_strdup_printf ("%" PRId64, expected);
      g_autofree char *variance = g_strdup_printf ("%+" PRId64, counted - expected);
      g_autofree char *adjust = counted == balance
        ? g_strdup (_("None: the balance already equals the count"))
        : g_strdup_printf (_("%+" PRId64 " (the balance becomes %" PRId64 ")"),
                           counted - balance, counted);
      add_property (self, g, _("Counted"), counted_text);
      add_property (self, g, _("Recorded when counted"), expected_text);
      add_property (self, g, _("Variance"), variance);
      add_property (self, g, _("Balance now"), balance_text);
      add_property (self, g, _("Adjustment if approved"), adjust);
    }
  else
    {
      g_autofree char *qty = g_strdup_printf ("%" PRId64, fl_record_get_int (target, "qty", 0));
      add_property (self, g, _("Quantity"), qty);
      add_property (self, g, _("Serial number"), fl_record_get_string (target, "serial"));
      add_property (self, g, _("Reason"), fl_record_get_string (target, "reason"));
      add_property (self, g, _("Balance now"), balance_text);
    }
  add_property (self, g, _("By"), fl_record_get_string (target, "by"));
  g_autofree char *at = fl_format_time (fl_record_get_string (target, "at"));
  add_property (self, g, _("When"), at);
}

/* A value of a proposed CI change as words: a status by its label, text as
 * it is (not as JSON), nothing as a dash. */
static char *
proposed_value (const char *field, JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return g_strdup ("—");
  if (json_node_get_value_type (value) == G_TYPE_STRING)
    {
      const char *text = json_node_get_string (value);
      return g_strdup (g_str_equal (field, "status") ? fl_format_ci_status (text) : text);
    }
  return json_to_string (value, FALSE);
}

static char *
join_logins (JsonObject *row, const char *field)
{
  JsonNode *node = json_object_get_member (row, field);
  g_autoptr(GString) text = g_string_new (NULL);
  JsonArray *array = node != NULL && JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
    g_string_append_printf (text, "%s%s", i > 0 ? ", " : "", json_array_get_string_element (array, i));
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
open_document_clicked (GtkButton *button, FlApprovalsPage *self)
{
  fl_blob_opener_open (self->opener, g_object_get_data (G_OBJECT (button), "sha256"));
}

/* What the board decides on: the kind, its members and who has approved,
 * the plan, the rollback plan and the test report, and the files of the
 * two documents attached, each with a button that opens it (downloaded
 * first when this device does not have it). */
static void
show_change_facts (FlApprovalsPage *self, JsonObject *change)
{
  AdwPreferencesGroup *g = self->details_group;
  g_autofree char *approvers = join_logins (change, "approvers");
  g_autofree char *approved = join_logins (change, "approved_by");
  add_property (self, g, _("Kind"), fl_change_kind_label_for_name (fl_record_get_string (change, "kind")));
  add_property (self, g, _("Change advisory board"), approvers);
  add_property (self, g, _("Approved by"), approved);
  add_property (self, g, _("Plan"), fl_record_get_string (change, "plan"));
  add_property (self, g, _("Rollback plan"), fl_record_get_string (change, "rollback_plan"));
  add_property (self, g, _("Test report"), fl_record_get_string (change, "test_report"));
  gboolean major = g_strcmp0 (fl_record_get_string (change, "kind"), "major") == 0;
  g_autoptr(GPtrArray) files = fl_change_list_attachments (page_db (self), fl_record_get_string (change, "id"), NULL);
  static const char * const documents[] = { "rollback_plan", "test_report" };
  for (guint d = 0; d < G_N_ELEMENTS (documents); d++)
    {
      JsonObject *file = NULL;
      for (guint i = 0; files != NULL && i < files->len; i++)
        if (g_strcmp0 (fl_record_get_string (files->pdata[i], "document"), documents[d]) == 0)
          file = files->pdata[i];
      /* Translators: "Rollback plan file", the attached document's name or "Not attached" */
      g_autofree char *title = g_strdup_printf (_("%s file"), fl_change_document_label_for_name (documents[d]));
      if (file == NULL)
        {
          /* Only a major change is approved on its documents. */
          if (major)
            add_property (self, g, title, _("Not attached"));
          continue;
        }
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_record_get_string (file, "filename"));
      gtk_widget_set_name (row, documents[d]);
      GtkWidget *open = gtk_button_new_with_label (C_("file", "Open"));
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (open), "sha256", g_strdup (fl_record_get_string (file, "sha256")), g_free);
      g_signal_connect (open, "clicked", G_CALLBACK (open_document_clicked), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), open);
      add_widget (self, g, row);
    }
}

static void
show_ci_change_facts (FlApprovalsPage *self, JsonObject *row)
{
  const char *table = fl_record_get_string (row, "target_table");
  g_autoptr(JsonObject) proposal = fl_record_load (page_db (self), fl_schema_lookup (table),
                                                   fl_record_get_string (row, "id"), NULL);
  if (proposal == NULL)
    return;
  AdwPreferencesGroup *g = self->details_group;
  JsonNode *node = json_object_get_member (proposal, "changes");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    {
      JsonObject *changes = json_node_get_object (node);
      g_autoptr(GList) fields = json_object_get_members (changes);
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonNode *pair = json_object_get_member (changes, l->data);
          if (!JSON_NODE_HOLDS_OBJECT (pair))
            continue;
          JsonObject *p = json_node_get_object (pair);
          g_autofree char *from = proposed_value (l->data, json_object_get_member (p, "from"));
          g_autofree char *to = proposed_value (l->data, json_object_get_member (p, "to"));
          g_autofree char *text = g_strdup_printf ("%s → %s", from, to);
          add_property (self, g, l->data, text);
        }
    }
  add_property (self, g, _("Reason"), fl_record_get_string (proposal, "reason"));
  if (g_strcmp0 (table, "change_record") == 0)
    show_change_facts (self, proposal);
  add_property (self, g, _("Proposed by"), fl_record_get_string (proposal, "by"));
  g_autofree char *at = fl_format_time (fl_record_get_string (proposal, "at"));
  add_property (self, g, _("When"), at);
}

/* A submitted audit: its marks by result, 账实相符率, and each finding. */
static void
show_audit_facts (FlApprovalsPage *self, JsonObject *row)
{
  FlDb *db = page_db (self);
  const char *audit_id = fl_record_get_string (row, "id");
  AdwPreferencesGroup *g = self->details_group;
  FlCmdbAuditCounts counts;
  if (!fl_cmdb_audit_count (db, audit_id, &counts, NULL))
    return;
  FlKpiValue accuracy = { counts.results[FL_AUDIT_AS_RECORDED], 0 };
  for (guint r = 0; r < FL_N_AUDIT_RESULTS; r++)
    {
      g_autofree char *n = g_strdup_printf ("%u", counts.results[r]);
      add_property (self, g, fl_audit_result_get_label (r), n);
      accuracy.denominator += counts.results[r];
    }
  g_autofree char *rate = fl_kpi_format_value (FL_KPI_CMDB_ACCURACY, &accuracy);
  add_property (self, g, fl_kpi_label (FL_KPI_CMDB_ACCURACY), rate);
  g_autoptr(GPtrArray) cis = fl_cmdb_audit_list_cis (db, audit_id, NULL);
  for (guint i = 0; cis != NULL && i < cis->len; i++)
    {
      JsonObject *ci = g_ptr_array_index (cis, i);
      const char *result = fl_record_get_string (ci, "result");
      if (g_strcmp0 (result, "as_recorded") == 0)
        continue;
      g_autoptr(GString) text = g_string_new (fl_audit_result_label_for_name (result));
      g_autoptr(JsonObject) differences = fl_record_get_string (ci, "differences") != NULL
        ? fl_record_parse (fl_record_get_string (ci, "differences"), -1, NULL) : NULL;
      g_autoptr(GList) fields = differences != NULL ? json_object_get_members (differences) : NULL;
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonObject *pair = json_object_get_object_member (differences, l->data);
          g_autofree char *recorded = proposed_value (l->data, json_object_get_member (pair, "recorded"));
          g_autofree char *found = proposed_value (l->data, json_object_get_member (pair, "found"));
          /* Translators: a difference found on an audit, "Installed at: Room 1 → Room 4" */
          g_string_append_printf (text, _(" · %s: %s → %s"), fl_format_ci_field (l->data), recorded, found);
        }
      add_property (self, g, fl_record_get_string (ci, "code"), text->str);
    }
  g_autoptr(GPtrArray) unrecorded = fl_cmdb_audit_list_unrecorded (db, audit_id, NULL);
  for (guint i = 0; unrecorded != NULL && i < unrecorded->len; i++)
    {
      JsonObject *found = g_ptr_array_index (unrecorded, i);
      g_autofree char *text = g_strdup_printf ("%s · %s", fl_audit_result_get_label (FL_AUDIT_UNRECORDED),
                                               fl_record_get_string (found, "name"));
      add_property (self, g, fl_record_get_string (found, "code"), text);
    }
}

static void
show_state (FlApprovalsPage *self, JsonObject *row)
{
  const char *state = self->current_in_queue ? state_of (row) : NULL;
  gboolean approved = g_strcmp0 (fl_record_get_string (row, "approval_decision"), "approved") == 0;
  g_autofree char *text = NULL;
  gtk_widget_remove_css_class (GTK_WIDGET (self->state_label), "error");
  if (g_strcmp0 (state, "rejected") == 0)
    {
      text = g_strdup_printf (_("Your decision was not applied: %s. What you see below is the item as it is now on the server."),
                              fl_record_get_string (row, "approval_error") != NULL
                                ? fl_record_get_string (row, "approval_error") : _("the server refused it"));
      gtk_widget_add_css_class (GTK_WIDGET (self->state_label), "error");
    }
  else if (g_strcmp0 (state, "pending") == 0)
    text = g_strdup (approved ? _("You approved this. It takes effect on the server at the next sync.")
                              : _("You rejected this. It takes effect on the server at the next sync."));
  else if (state != NULL)
    text = g_strdup (_("The server applied your decision; this item leaves the queue at the next sync."));
  gtk_label_set_text (self->state_label, text != NULL ? text : "");
  gtk_widget_set_visible (self->state_box, text != NULL);
}

/* Only the engineers of the order's site: the server refuses anyone else. */
static void
fill_assignees (FlApprovalsPage *self, const char *current, const char *site_id)
{
  gtk_string_list_splice (self->assignee_names, 0,
                          g_list_model_get_n_items (G_LIST_MODEL (self->assignee_names)), NULL);
  g_ptr_array_set_size (self->assignee_logins, 0);
  g_autoptr(GPtrArray) assignees = fl_approvals_list_assignees (page_db (self), site_id, NULL);
  guint selected = 0;
  for (guint i = 0; assignees != NULL && i < assignees->len; i++)
    {
      JsonObject *user = g_ptr_array_index (assignees, i);
      const char *login = fl_record_get_string (user, "login");
      g_autofree char *name = g_strdup_printf ("%s (%s)", fl_record_get_string (user, "display_name"), login);
      if (g_strcmp0 (login, current) == 0)
        selected = self->assignee_logins->len;
      gtk_string_list_append (self->assignee_names, name);
      g_ptr_array_add (self->assignee_logins, g_strdup (login));
    }
  adw_combo_row_set_selected (self->assignee_row, selected);
  gboolean anyone = self->assignee_logins->len > 0;
  adw_action_row_set_subtitle (ADW_ACTION_ROW (self->assignee_row),
                               anyone ? "" : _("No engineer works at this order's site"));
  gtk_widget_set_sensitive (GTK_WIDGET (self->assignee_row), anyone);
  gtk_widget_set_sensitive (GTK_WIDGET (self->assign_button), anyone);
  fl_widget_explain_disabled (GTK_WIDGET (self->assign_button),
                              anyone ? NULL : _("No engineer works at this order's site"));
}

static void
show_item (FlApprovalsPage *self, FlRecordItem *item, gboolean in_queue)
{
  g_set_object (&self->current, item);
  self->current_in_queue = in_queue;
  clear_detail (self);
  if (item == NULL)
    {
      gtk_stack_set_visible_child_name (self->detail_stack, "none");
      return;
    }
  JsonObject *row = fl_record_item_get_record (item);
  const char *table = in_queue ? fl_record_get_string (row, "target_table") : "work_order";
  gboolean work_order = g_strcmp0 (table, "work_order") == 0;

  gtk_label_set_text (self->title_label, fl_record_item_get_title (item));
  gtk_label_set_text (self->subtitle_label, fl_record_item_get_subtitle (item));
  show_state (self, row);
  gtk_widget_set_visible (GTK_WIDGET (self->parts_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->photos_group), FALSE);
  gtk_widget_set_visible (GTK_WIDGET (self->log_group), FALSE);
  if (work_order)
    show_work_order_facts (self, fl_record_get_string (row, "id"));
  else if (g_strcmp0 (table, "stock_count") == 0 || g_strcmp0 (table, "scrap_request") == 0)
    show_stock_facts (self, row, g_strcmp0 (table, "stock_count") == 0);
  else if (g_strcmp0 (table, "cmdb_audit") == 0)
    show_audit_facts (self, row);
  else
    show_ci_change_facts (self, row);

  gtk_widget_set_visible (GTK_WIDGET (self->assign_group), !in_queue);
  if (!in_queue)
    fill_assignees (self, fl_record_get_string (row, "assignee"), fl_record_get_string (row, "site_id"));
  gtk_widget_set_visible (GTK_WIDGET (self->decision_group), in_queue);
  const char *why_not = !in_queue ? NULL
    : fl_approvals_decision_waiting (row) ? _("You decided on this already: it takes effect on the server at the next sync")
    : !fl_access_check_write (fl_session_get_role (self->session), "approval", "append", NULL)
      ? _("Only a supervisor approves or rejects") : NULL;
  gtk_widget_set_sensitive (GTK_WIDGET (self->decision_group), in_queue && why_not == NULL);
  fl_widget_explain_disabled (GTK_WIDGET (self->approve_button), why_not);
  fl_widget_explain_disabled (GTK_WIDGET (self->reject_button), why_not);
  gtk_editable_set_text (GTK_EDITABLE (self->comment_row), "");
  /* Another item reads from its top, not from where the last one was left. */
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->detail_scroller), 0);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

/* The items of the queue selected, oldest selected first. */
static GPtrArray *
selected_queue_items (FlApprovalsPage *self)
{
  GPtrArray *items = g_ptr_array_new_with_free_func (g_object_unref);
  g_autoptr(GtkBitset) selected = gtk_selection_model_get_selection (GTK_SELECTION_MODEL (self->queue_selection));
  GtkBitsetIter iter;
  guint position;
  for (gboolean more = gtk_bitset_iter_init_first (&iter, selected, &position); more;
       more = gtk_bitset_iter_next (&iter, &position))
    g_ptr_array_add (items, g_list_model_get_item (G_LIST_MODEL (self->queue_selection), position));
  return items;
}

static void
queue_selection_changed (FlApprovalsPage *self)
{
  g_autoptr(GPtrArray) items = selected_queue_items (self);
  if (items->len == 0)
    return;
  gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->assign_selection));
  if (items->len == 1)
    {
      show_item (self, g_ptr_array_index (items, 0), TRUE);
      return;
    }
  show_item (self, NULL, FALSE);
  g_autofree char *title = g_strdup_printf (ngettext ("%u Item Selected", "%u Items Selected", items->len),
                                            items->len);
  adw_status_page_set_title (self->several_status, title);
  gtk_stack_set_visible_child_name (self->detail_stack, "several");
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_FORWARD);
}

static void
assign_selection_changed (FlApprovalsPage *self)
{
  FlRecordItem *item = gtk_single_selection_get_selected_item (self->assign_selection);
  if (item != NULL)
    {
      gtk_selection_model_unselect_all (GTK_SELECTION_MODEL (self->queue_selection));
      show_item (self, item, FALSE);
    }
}

static void
back_clicked (FlApprovalsPage *self)
{
  adw_leaflet_navigate (self->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

/* Selects the item `id` alone. */
static gboolean
select_in (GtkSelectionModel *selection, const char *id)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (selection));
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (selection), i);
      if (g_strcmp0 (fl_record_item_get_id (item), id) == 0)
        {
          gtk_selection_model_select_item (selection, i, TRUE);
          return TRUE;
        }
    }
  return FALSE;
}

gboolean
fl_approvals_page_select (FlApprovalsPage *self, const char *target_id)
{
  g_return_val_if_fail (FL_IS_APPROVALS_PAGE (self), FALSE);
  if (select_in (GTK_SELECTION_MODEL (self->queue_selection), target_id))
    {
      adw_view_stack_set_visible_child_name (self->list_stack, "queue");
      queue_selection_changed (self);
      return TRUE;
    }
  if (select_in (GTK_SELECTION_MODEL (self->assign_selection), target_id))
    {
      adw_view_stack_set_visible_child_name (self->list_stack, "assign");
      assign_selection_changed (self);
      return TRUE;
    }
  return FALSE;
}

static void
update_counts (FlApprovalsPage *self)
{
  guint n = g_list_model_get_n_items (G_LIST_MODEL (self->queue));
  adw_view_stack_page_set_badge_number (self->queue_page, n);
  adw_view_stack_page_set_needs_attention (self->queue_page, n > 0);
  gtk_stack_set_visible_child_name (self->queue_stack, n > 0 ? "list" : "empty");

  gint64 attention = fl_outbox_count (page_db (self), "conflict", NULL) +
                     fl_outbox_count (page_db (self), "rejected", NULL);
  g_autofree char *label = g_strdup_printf (ngettext ("%" PRId64 " sync problem to resolve",
                                                      "%" PRId64 " sync problems to resolve",
                                                      (gulong) attention), attention);
  gtk_button_set_label (self->conflicts_button, label);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_button), attention > 0);
}

void
fl_approvals_page_reload (FlApprovalsPage *self)
{
  g_return_if_fail (FL_IS_APPROVALS_PAGE (self));
  if (self->session == NULL)
    return;
  g_autofree char *current = self->current != NULL ? g_strdup (fl_record_item_get_id (self->current)) : NULL;
  fill_filter_choices (self);
  fl_query_model_reload (self->queue);
  fl_query_model_reload (self->assignments);
  update_counts (self);
  fetch_queue_pictures (self);
  /* Show the same item again as it is now, or nothing when it is done. */
  if (current == NULL || !fl_approvals_page_select (self, current))
    show_item (self, NULL, FALSE);
}

static void
session_changed (FlApprovalsPage *self, const char *table)
{
  static const char * const tables[] = {
    "work_order", "stock_count", "scrap_request", "ci_change_proposal", "change_record", "cmdb_audit",
    "cmdb_audit_item", "approval", "work_log",
    "attachment", "user", "stock_movement", NULL };
  if (g_strcmp0 (table, "blob") == 0)
    show_current_again (self);
  else if (table == NULL || g_strv_contains (tables, table))
    fl_approvals_page_reload (self);
}

GListModel *
fl_approvals_page_get_queue (FlApprovalsPage *self)
{
  g_return_val_if_fail (FL_IS_APPROVALS_PAGE (self), NULL);
  return G_LIST_MODEL (self->queue);
}

GListModel *
fl_approvals_page_get_assignments (FlApprovalsPage *self)
{
  g_return_val_if_fail (FL_IS_APPROVALS_PAGE (self), NULL);
  return G_LIST_MODEL (self->assignments);
}

/* ---- decisions ---- */

gboolean
fl_approvals_page_decide (FlApprovalsPage *self, gboolean approve, const char *comment, GError **error)
{
  g_return_val_if_fail (FL_IS_APPROVALS_PAGE (self), FALSE);
  if (self->current == NULL || !self->current_in_queue)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Choose an item of the queue first."));
      return FALSE;
    }
  return fl_approvals_decide (page_db (self), fl_record_item_get_record (self->current),
                              fl_session_get_role (self->session), fl_session_get_login (self->session),
                              approve, comment, error);
}

static void
decide_clicked (FlApprovalsPage *self, gboolean approve)
{
  g_autoptr(GError) error = NULL;
  const char *comment = gtk_editable_get_text (GTK_EDITABLE (self->comment_row));
  if (!fl_approvals_page_decide (self, approve, comment, &error))
    {
      fl_notice_error (GTK_WIDGET (self), approve ? _("Cannot Approve") : _("Cannot Reject"), error);
      return;
    }
  fl_notice_toast (GTK_WIDGET (self), approve ? _("Approved: it takes effect at the next sync")
                                              : _("Rejected: it takes effect at the next sync"));
}

guint
fl_approvals_page_approve_selected (FlApprovalsPage *self, GError **error)
{
  g_return_val_if_fail (FL_IS_APPROVALS_PAGE (self), 0);
  g_autoptr(GPtrArray) items = selected_queue_items (self);
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < items->len; i++)
    g_ptr_array_add (rows, json_object_ref (fl_record_item_get_record (g_ptr_array_index (items, i))));
  if (rows->len == 0)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Choose the items of the queue to approve first."));
      return 0;
    }
  if (!fl_approvals_approve_all (page_db (self), rows, fl_session_get_role (self->session),
                                 fl_session_get_login (self->session), error))
    return 0;
  return rows->len;
}

static void
approve_selected_clicked (FlApprovalsPage *self)
{
  g_autoptr(GError) error = NULL;
  guint approved = fl_approvals_page_approve_selected (self, &error);
  if (approved == 0)
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot Approve"), error);
      return;
    }
  g_autofree char *message = g_strdup_printf (ngettext ("%u item approved: it takes effect at the next sync",
                                                       "%u items approved: they take effect at the next sync",
                                                       approved), approved);
  fl_notice_toast (GTK_WIDGET (self), message);
}

static void
approve_clicked (FlApprovalsPage *self)
{
  decide_clicked (self, TRUE);
}

static void
reject_clicked (FlApprovalsPage *self)
{
  decide_clicked (self, FALSE);
}

/* ---- assignment ---- */

gboolean
fl_approvals_page_assign (FlApprovalsPage *self, const char *login, GError **error)
{
  g_return_val_if_fail (FL_IS_APPROVALS_PAGE (self), FALSE);
  if (self->current == NULL || self->current_in_queue)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Choose a work order to assign first."));
      return FALSE;
    }
  return fl_approvals_assign (page_db (self), fl_record_item_get_record (self->current),
                              fl_session_get_role (self->session), fl_session_get_login (self->session),
                              login, error);
}

static void
assign_clicked (FlApprovalsPage *self)
{
  guint selected = adw_combo_row_get_selected (self->assignee_row);
  if (selected >= self->assignee_logins->len)
    return;
  g_autoptr(GError) error = NULL;
  /* A copy: the assignment reloads the page, which refills assignee_logins. */
  g_autofree char *login = g_strdup (g_ptr_array_index (self->assignee_logins, selected));
  if (!fl_approvals_page_assign (self, login, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot Assign"), error);
      return;
    }
  g_autofree char *message = g_strdup_printf (_("Assigned to %s"), login);
  fl_notice_toast (GTK_WIDGET (self), message);
}

/* ---- life cycle ---- */

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlApprovalsPage *self = FL_APPROVALS_PAGE (page);
  g_return_if_fail (FL_IS_APPROVALS_PAGE (self));
  if (!g_set_object (&self->session, session))
    return;
  fl_blob_opener_set_session (self->opener, session);
  g_clear_object (&self->queue);
  g_clear_object (&self->assignments);
  if (session != NULL)
    {
      self->queue = fl_query_model_new (fl_session_get_db (session), fl_approvals_queue_sql ());
      fl_query_model_set_decorate (self->queue, decorate_queue_item, self);
      self->assignments = fl_query_model_new (fl_session_get_db (session), fl_approvals_assignments_sql ());
      fl_query_model_set_decorate (self->assignments, decorate_assignment, self);
      g_signal_connect_object (session, "changed", G_CALLBACK (session_changed), self, G_CONNECT_SWAPPED);
    }
  gtk_multi_selection_set_model (self->queue_selection, G_LIST_MODEL (self->queue));
  gtk_single_selection_set_model (self->assign_selection, G_LIST_MODEL (self->assignments));
  fl_approvals_page_reload (self);
}

static void
fl_approvals_page_dispose (GObject *object)
{
  FlApprovalsPage *self = FL_APPROVALS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_APPROVALS_PAGE);
  g_clear_object (&self->queue_selection);
  g_clear_object (&self->assign_selection);
  g_clear_object (&self->queue);
  g_clear_object (&self->assignments);
  g_clear_object (&self->current);
  g_clear_object (&self->session);
  g_clear_object (&self->opener);
  G_OBJECT_CLASS (fl_approvals_page_parent_class)->dispose (object);
}

static void
fl_approvals_page_finalize (GObject *object)
{
  FlApprovalsPage *self = FL_APPROVALS_PAGE (object);
  g_ptr_array_unref (self->added_rows);
  g_ptr_array_unref (self->assignee_logins);
  g_ptr_array_unref (self->filter_site_ids);
  g_ptr_array_unref (self->filter_logins);
  G_OBJECT_CLASS (fl_approvals_page_parent_class)->finalize (object);
}

static void
fl_approvals_page_class_init (FlApprovalsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_approvals_page_dispose;
  object_class->finalize = fl_approvals_page_finalize;

  /* A change's document to open: handled by default with the desktop's
   * application for it. */
  signals[OPEN_FILE] = g_signal_new_class_handler ("open-file", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   G_CALLBACK (fl_blob_opener_show_file),
                                                   g_signal_accumulator_true_handled, NULL, NULL,
                                                   G_TYPE_BOOLEAN, 1, G_TYPE_FILE);

  gtk_widget_class_set_template_from_resource (widget_class,
      "/io/github/fieldline/Fieldline/ui/fl-approvals-page.ui");
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, list_pane);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_page);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_stack);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_view);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_search);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_order);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_kind);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_age);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_site);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_site_names);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_person);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, queue_person_names);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, several_status);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, assign_view);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, conflicts_button);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, detail_scroller);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, back_button);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, title_label);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, state_box);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, state_label);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, details_group);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, parts_group);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, photos_group);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, photos_box);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, log_group);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, assign_group);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, assignee_row);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, assignee_names);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, assign_button);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, decision_group);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, comment_row);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, approve_button);
  gtk_widget_class_bind_template_child (widget_class, FlApprovalsPage, reject_button);
  gtk_widget_class_bind_template_callback (widget_class, back_clicked);
  gtk_widget_class_bind_template_callback (widget_class, queue_filters_changed);
  gtk_widget_class_bind_template_callback (widget_class, approve_clicked);
  gtk_widget_class_bind_template_callback (widget_class, approve_selected_clicked);
  gtk_widget_class_bind_template_callback (widget_class, reject_clicked);
  gtk_widget_class_bind_template_callback (widget_class, assign_clicked);
}

static void
fl_approvals_page_init (FlApprovalsPage *self)
{
  self->added_rows = g_ptr_array_new ();
  self->assignee_logins = g_ptr_array_new_with_free_func (g_free);
  self->filter_site_ids = g_ptr_array_new_with_free_func (g_free);
  self->filter_logins = g_ptr_array_new_with_free_func (g_free);
  gtk_widget_init_template (GTK_WIDGET (self));
  self->opener = fl_blob_opener_new (GTK_WIDGET (self));

  self->queue_selection = gtk_multi_selection_new (NULL);
  self->assign_selection = gtk_single_selection_new (NULL);
  gtk_single_selection_set_autoselect (self->assign_selection, FALSE);
  gtk_single_selection_set_can_unselect (self->assign_selection, TRUE);
  g_signal_connect_swapped (self->queue_selection, "selection-changed",
                            G_CALLBACK (queue_selection_changed), self);
  g_signal_connect_swapped (self->assign_selection, "selection-changed",
                            G_CALLBACK (assign_selection_changed), self);

  /* The rows look like every other list of the client. */
  GtkListItemFactory *factory = gtk_builder_list_item_factory_new_from_resource (
      NULL, "/io/github/fieldline/Fieldline/ui/fl-record-row.ui");
  gtk_list_view_set_factory (self->queue_view, factory);
  gtk_list_view_set_factory (self->assign_view, factory);
  g_object_unref (factory);
  gtk_list_view_set_model (self->queue_view, GTK_SELECTION_MODEL (self->queue_selection));
  gtk_list_view_set_model (self->assign_view, GTK_SELECTION_MODEL (self->assign_selection));
  gtk_widget_set_visible (GTK_WIDGET (self->back_button), FALSE);
  g_object_bind_property (self->leaflet, "folded", self->back_button, "visible", G_BINDING_SYNC_CREATE);
}

GtkWidget *
fl_approvals_page_new (FlSession *session)
{
  FlApprovalsPage *self = g_object_new (FL_TYPE_APPROVALS_PAGE, NULL);
  page_set_session (FL_PAGE (self), session);
  return GTK_WIDGET (self);
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
}
