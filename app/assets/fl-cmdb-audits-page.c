#include "fl-cmdb-audits-page.h"

#include <fl-ci-lifecycle.h>
#include <fl-cmdb-audits.h>
#include <fl-kpi.h>
#include <glib/gi18n-lib.h>

#include "fl-disabled-reason.h"
#include "fl-format.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-record-item.h"

struct _FlCmdbAuditsPage
{
  GtkWidget             parent_instance;
  FlSession            *session;
  char                 *audit_id;
  char                 *ci_id;     /* the CI being marked; NULL with `adding` */
  gboolean              adding;    /* recording an item found but not recorded */
  GListStore           *audits;
  GListStore           *cis;
  GPtrArray            *sites;     /* rows of fl_kpi_list_sites */
  GHashTable           *field_rows;  /* column -> AdwPreferencesRow */

  AdwLeaflet           *leaflet;
  GtkStack             *audits_stack;
  GtkListView          *audits_view;
  AdwPreferencesGroup  *plan_group;
  AdwComboRow          *site_row;
  AdwEntryRow          *due_row;
  GtkWidget            *audit_pane;
  GtkLabel             *audit_title;
  GtkLabel             *audit_subtitle;
  GtkProgressBar       *audit_progress;
  GtkListView          *cis_view;
  GtkWidget            *mark_pane;
  GtkStack             *mark_stack;
  AdwPreferencesGroup  *fields_group;
  AdwEntryRow          *note_row;
  GtkWidget            *mark_buttons;
  GtkWidget            *add_button;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlCmdbAuditsPage, fl_cmdb_audits_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static FlDb *
page_db (FlCmdbAuditsPage *self)
{
  return fl_session_get_db (self->session);
}

static const char *
status_style (const char *status)
{
  if (g_strcmp0 (status, "approved") == 0)
    return "ok";
  if (g_strcmp0 (status, "rejected") == 0)
    return "overdue";
  if (g_strcmp0 (status, "pending") == 0)
    return "paused";
  return "dim";
}

static const char *
result_style (const char *result)
{
  if (g_strcmp0 (result, "as_recorded") == 0)
    return "ok";
  if (g_strcmp0 (result, "missing") == 0)
    return "overdue";
  return result != NULL ? "warning" : "dim";
}

static void
load_audits (FlCmdbAuditsPage *self)
{
  g_list_store_remove_all (self->audits);
  g_autoptr(GPtrArray) audits = fl_cmdb_audit_list (page_db (self), fl_session_get_login (self->session), NULL);
  for (guint i = 0; audits != NULL && i < audits->len; i++)
    {
      JsonObject *audit = g_ptr_array_index (audits, i);
      const char *id = fl_record_get_string (audit, "id");
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, audit);
      fl_record_item_set_title (item, fl_record_get_string (audit, "site_name"));
      /* Translators: "AUD-261201-K3F-0001 · due on 2026-12-15" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · due on %s"), fl_record_get_string (audit, "ref"),
                                                   fl_record_get_string (audit, "due_on"));
      fl_record_item_set_subtitle (item, subtitle);
      const char *status = fl_record_get_string (audit, "status");
      fl_record_item_set_badge (item, fl_audit_status_label_for_name (status), status_style (status));
      fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "cmdb_audit", id));
      g_list_store_append (self->audits, item);
    }
  gtk_stack_set_visible_child_name (self->audits_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->audits)) > 0 ? "list" : "empty");
}

static void
add_ci_item (FlCmdbAuditsPage *self, JsonObject *ci, const char *result)
{
  g_autoptr(FlRecordItem) item = fl_record_item_new (fl_record_get_string (ci, "id"), ci);
  g_autofree char *title = g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"),
                                            fl_record_get_string (ci, "name"));
  fl_record_item_set_title (item, title);
  const char *location = fl_record_get_string (ci, "location");
  fl_record_item_set_subtitle (item, location != NULL ? location : "");
  fl_record_item_set_badge (item, result != NULL ? fl_audit_result_label_for_name (result) : _("To check"),
                            result_style (result));
  g_list_store_append (self->cis, item);
}

static JsonObject *
current_audit (FlCmdbAuditsPage *self)
{
  return self->audit_id != NULL
    ? fl_record_load (page_db (self), fl_schema_lookup ("cmdb_audit"), self->audit_id, NULL) : NULL;
}

static void
update_actions (FlCmdbAuditsPage *self)
{
  g_autoptr(JsonObject) audit = self->session != NULL ? current_audit (self) : NULL;
  FlRole role = self->session != NULL ? fl_session_get_role (self->session) : FL_ROLE_CLERK;
  /* Closed or someone else's: the buttons say so in the rule's words. */
  g_autoptr(GError) why_not = NULL;
  const char *reason = audit == NULL ? _("Choose an audit first")
    : !fl_cmdb_audit_check_walk (role, fl_session_get_login (self->session), audit, &why_not) ? why_not->message
    : NULL;
  static const char * const walking[] = { "audits.mark", "audits.add-unrecorded", "audits.submit" };
  for (guint i = 0; i < G_N_ELEMENTS (walking); i++)
    fl_widget_action_set_reason (GTK_WIDGET (self), walking[i], reason);
  gboolean plans = role == FL_ROLE_SUPERVISOR || role == FL_ROLE_ADMIN;
  gtk_widget_set_visible (GTK_WIDGET (self->plan_group), plans);
}

static void
load_audit (FlCmdbAuditsPage *self)
{
  g_list_store_remove_all (self->cis);
  update_actions (self);
  g_autoptr(JsonObject) audit = current_audit (self);
  if (audit == NULL)
    return;
  FlDb *db = page_db (self);
  g_autoptr(JsonObject) site = fl_record_load (db, fl_schema_lookup ("site"),
                                               fl_record_get_string (audit, "site_id"), NULL);
  gtk_label_set_text (self->audit_title, site != NULL ? fl_record_get_string (site, "name") : "");
  /* Translators: "AUD-261201-K3F-0001 · due on 2026-12-15 · In progress" */
  g_autofree char *subtitle = g_strdup_printf (_("%s · due on %s · %s"), fl_record_get_string (audit, "ref"),
                                               fl_record_get_string (audit, "due_on"),
                                               fl_audit_status_label_for_name (fl_record_get_string (audit, "status")));
  gtk_label_set_text (self->audit_subtitle, subtitle);

  FlCmdbAuditCounts counts = { { 0 } };
  fl_cmdb_audit_count (db, self->audit_id, &counts, NULL);
  guint listed = counts.unmarked;
  for (guint r = 0; r < FL_N_AUDIT_RESULTS; r++)
    if (r != FL_AUDIT_UNRECORDED)
      listed += counts.results[r];
  guint checked = listed - counts.unmarked;
  gtk_progress_bar_set_fraction (self->audit_progress, listed > 0 ? (double) checked / listed : 0);
  /* Translators: audit progress, "3 of 10 checked" */
  g_autofree char *progress = g_strdup_printf (_("%u of %u checked"), checked, listed);
  gtk_progress_bar_set_text (self->audit_progress, progress);

  g_autoptr(GPtrArray) cis = fl_cmdb_audit_list_cis (db, self->audit_id, NULL);
  for (guint i = 0; cis != NULL && i < cis->len; i++)
    {
      JsonObject *ci = g_ptr_array_index (cis, i);
      add_ci_item (self, ci, fl_record_get_string (ci, "result"));
    }
  g_autoptr(GPtrArray) found = fl_cmdb_audit_list_unrecorded (db, self->audit_id, NULL);
  for (guint i = 0; found != NULL && i < found->len; i++)
    {
      JsonObject *item = g_ptr_array_index (found, i);
      json_object_set_string_member (item, "result", "unrecorded");
      add_ci_item (self, item, "unrecorded");
    }
}

static void
set_field (FlCmdbAuditsPage *self, const char *column, const char *value)
{
  AdwPreferencesRow *row = g_hash_table_lookup (self->field_rows, column);
  if (ADW_IS_COMBO_ROW (row))
    {
      FlCiStatus status = FL_CI_IN_USE;
      fl_ci_status_from_string (value, &status);
      adw_combo_row_set_selected (ADW_COMBO_ROW (row), status);
    }
  else
    gtk_editable_set_text (GTK_EDITABLE (row), value != NULL ? value : "");
}

/* The values on the form, {column: text}; status as its stored name. */
static JsonObject *
found_values (FlCmdbAuditsPage *self)
{
  JsonObject *found = json_object_new ();
  GHashTableIter iter;
  gpointer column, row;
  g_hash_table_iter_init (&iter, self->field_rows);
  while (g_hash_table_iter_next (&iter, &column, &row))
    {
      if (!gtk_widget_get_visible (row))
        continue;
      if (ADW_IS_COMBO_ROW (row))
        json_object_set_string_member (found, column,
                                       fl_ci_status_to_string (adw_combo_row_get_selected (ADW_COMBO_ROW (row))));
      else
        json_object_set_string_member (found, column, gtk_editable_get_text (GTK_EDITABLE (row)));
    }
  return found;
}

static void
show_form (FlCmdbAuditsPage *self, JsonObject *ci)
{
  gtk_widget_set_visible (g_hash_table_lookup (self->field_rows, "code"), self->adding);
  gtk_widget_set_visible (self->mark_buttons, !self->adding);
  gtk_widget_set_visible (self->add_button, self->adding);
  g_autofree char *title = ci != NULL ? g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"),
                                                         fl_record_get_string (ci, "name"))
                                      : g_strdup (_("Found, Not Recorded"));
  adw_preferences_group_set_title (self->fields_group, title);
  set_field (self, "code", NULL);
  for (const char * const *f = fl_cmdb_audit_fields (); *f != NULL; f++)
    set_field (self, *f, ci != NULL ? fl_record_get_string (ci, *f) : NULL);
  gtk_editable_set_text (GTK_EDITABLE (self->note_row), "");
  gtk_stack_set_visible_child_name (self->mark_stack, "mark");
  adw_leaflet_set_visible_child (self->leaflet, self->mark_pane);
}

void
fl_cmdb_audits_page_show (FlCmdbAuditsPage *self, const char *audit_id, const char *ci_id)
{
  g_return_if_fail (FL_IS_CMDB_AUDITS_PAGE (self));
  if (g_strcmp0 (self->audit_id, audit_id) != 0)
    {
      g_free (self->audit_id);
      self->audit_id = g_strdup (audit_id);
      gtk_stack_set_visible_child_name (self->mark_stack, "none");
    }
  g_free (self->ci_id);
  self->ci_id = g_strdup (ci_id);
  self->adding = FALSE;
  load_audit (self);
  g_autoptr(JsonObject) ci = ci_id != NULL ? fl_record_load (page_db (self), fl_schema_lookup ("ci"), ci_id, NULL)
                                           : NULL;
  if (ci != NULL)
    show_form (self, ci);
  else
    adw_leaflet_set_visible_child (self->leaflet, self->audit_pane);
}

/* The next item of the list not marked yet, after a mark. */
static const char *
next_unmarked (FlCmdbAuditsPage *self)
{
  for (guint i = 0; i < g_list_model_get_n_items (G_LIST_MODEL (self->cis)); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->cis), i);
      if (fl_record_get_string (fl_record_item_get_record (item), "result") == NULL)
        return fl_record_item_get_id (item);
    }
  return NULL;
}

static void
mark_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (widget);
  FlAuditResult result;
  if (!fl_audit_result_from_string (g_variant_get_string (parameter, NULL), &result))
    return;
  g_autoptr(JsonObject) found = found_values (self);
  g_autoptr(GError) error = NULL;
  const char *note = gtk_editable_get_text (GTK_EDITABLE (self->note_row));
  FlRole role = fl_session_get_role (self->session);
  const char *login = fl_session_get_login (self->session);
  gboolean ok = result == FL_AUDIT_UNRECORDED
    ? fl_cmdb_audit_add_unrecorded (page_db (self), self->audit_id, found, note, role, login, NULL, &error)
    : self->ci_id != NULL &&
      fl_cmdb_audit_mark (page_db (self), self->audit_id, self->ci_id, result,
                          result == FL_AUDIT_DIFFERS ? found : NULL, note, role, login, NULL, &error);
  if (!ok)
    {
      fl_notice_error (widget, _("Cannot record the check"), error);
      return;
    }
  /* Translators: after marking a CI, "SRV-01: Found as recorded" */
  g_autofree char *done = g_strdup_printf (_("%s: %s"), fl_record_get_string (found, "code") != NULL
                                                        ? fl_record_get_string (found, "code")
                                                        : adw_preferences_group_get_title (self->fields_group),
                                           fl_audit_result_get_label (result));
  fl_notice_toast (widget, done);
  load_audits (self);
  load_audit (self);
  g_autofree char *next = g_strdup (next_unmarked (self));
  fl_cmdb_audits_page_show (self, self->audit_id, next);
}

static void
add_unrecorded_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (widget);
  g_clear_pointer (&self->ci_id, g_free);
  self->adding = TRUE;
  show_form (self, NULL);
}

static void
submit_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (widget);
  g_autoptr(GError) error = NULL;
  if (!fl_cmdb_audit_submit (page_db (self), self->audit_id, fl_session_get_role (self->session),
                             fl_session_get_login (self->session), &error))
    {
      fl_notice_error (widget, _("Cannot submit the audit"), error);
      return;
    }
  fl_notice_toast (widget, _("Audit submitted for approval"));
  load_audits (self);
  load_audit (self);
}

static const char *
selected_site (FlCmdbAuditsPage *self)
{
  guint i = adw_combo_row_get_selected (self->site_row);
  return self->sites != NULL && i < self->sites->len
    ? fl_record_get_string (g_ptr_array_index (self->sites, i), "id") : NULL;
}

static void
site_selected_cb (FlCmdbAuditsPage *self)
{
  const char *site = self->session != NULL ? selected_site (self) : NULL;
  g_autofree char *due = site != NULL ? fl_cmdb_audit_due_for_site (page_db (self), site, NULL) : NULL;
  gtk_editable_set_text (GTK_EDITABLE (self->due_row), due != NULL ? due : "");
}

static void
plan_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (widget);
  const char *site = selected_site (self);
  if (site == NULL)
    return;
  const char *due = gtk_editable_get_text (GTK_EDITABLE (self->due_row));
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  if (!fl_cmdb_audit_plan (page_db (self), site, *due != '\0' ? due : NULL, NULL,
                           fl_session_get_role (self->session), fl_session_get_login (self->session), &id, &error))
    {
      fl_notice_error (widget, _("Cannot plan the audit"), error);
      return;
    }
  fl_notice_toast (widget, _("Audit planned"));
  load_audits (self);
  fl_cmdb_audits_page_show (self, id, NULL);
}

static void
audit_activate_cb (FlCmdbAuditsPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->audits), position);
  if (item != NULL)
    fl_cmdb_audits_page_show (self, fl_record_item_get_id (item), NULL);
}

static void
ci_activate_cb (FlCmdbAuditsPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->cis), position);
  /* An item found but not recorded has no record to check again. */
  if (item != NULL && g_strcmp0 (fl_record_get_string (fl_record_item_get_record (item), "result"), "unrecorded") != 0)
    fl_cmdb_audits_page_show (self, self->audit_id, fl_record_item_get_id (item));
}

static void
load_sites (FlCmdbAuditsPage *self)
{
  g_clear_pointer (&self->sites, g_ptr_array_unref);
  self->sites = fl_kpi_list_sites (page_db (self), NULL);
  g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
  for (guint i = 0; self->sites != NULL && i < self->sites->len; i++)
    gtk_string_list_append (labels, fl_record_get_string (g_ptr_array_index (self->sites, i), "label"));
  adw_combo_row_set_model (self->site_row, G_LIST_MODEL (labels));
  site_selected_cb (self);
}

static void
session_changed_cb (FlCmdbAuditsPage *self, const char *table)
{
  static const char * const shown[] = { "cmdb_audit", "cmdb_audit_item", "ci", "site" };
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (table == NULL || g_strcmp0 (table, shown[i]) == 0)
      {
        if (table == NULL || g_strcmp0 (table, "site") == 0)
          load_sites (self);
        load_audits (self);
        load_audit (self);
        return;
      }
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (page);
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::role", G_CALLBACK (update_actions), self, G_CONNECT_SWAPPED);
  load_sites (self);
  load_audits (self);
  update_actions (self);
}

GListModel *
fl_cmdb_audits_page_get_audits (FlCmdbAuditsPage *self)
{
  return G_LIST_MODEL (self->audits);
}

GListModel *
fl_cmdb_audits_page_get_cis (FlCmdbAuditsPage *self)
{
  return G_LIST_MODEL (self->cis);
}

AdwPreferencesRow *
fl_cmdb_audits_page_get_field_row (FlCmdbAuditsPage *self, const char *column)
{
  return g_hash_table_lookup (self->field_rows, column);
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  adw_leaflet_navigate (FL_CMDB_AUDITS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
fl_cmdb_audits_page_dispose (GObject *object)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_CMDB_AUDITS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_cmdb_audits_page_parent_class)->dispose (object);
}

static void
fl_cmdb_audits_page_finalize (GObject *object)
{
  FlCmdbAuditsPage *self = FL_CMDB_AUDITS_PAGE (object);
  g_free (self->audit_id);
  g_free (self->ci_id);
  g_clear_object (&self->audits);
  g_clear_object (&self->cis);
  g_clear_pointer (&self->sites, g_ptr_array_unref);
  g_clear_pointer (&self->field_rows, g_hash_table_unref);
  G_OBJECT_CLASS (fl_cmdb_audits_page_parent_class)->finalize (object);
}

static void
fl_cmdb_audits_page_class_init (FlCmdbAuditsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_cmdb_audits_page_dispose;
  object_class->finalize = fl_cmdb_audits_page_finalize;

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-cmdb-audits-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FlCmdbAuditsPage, name)
  CHILD (leaflet);
  CHILD (audits_stack);
  CHILD (audits_view);
  CHILD (plan_group);
  CHILD (site_row);
  CHILD (due_row);
  CHILD (audit_pane);
  CHILD (audit_title);
  CHILD (audit_subtitle);
  CHILD (audit_progress);
  CHILD (cis_view);
  CHILD (mark_pane);
  CHILD (mark_stack);
  CHILD (fields_group);
  CHILD (note_row);
  CHILD (mark_buttons);
  CHILD (add_button);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, audit_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, ci_activate_cb);
  gtk_widget_class_bind_template_callback (widget_class, site_selected_cb);
  gtk_widget_class_install_action (widget_class, "audits.back", NULL, back_activated);
  gtk_widget_class_install_action (widget_class, "audits.mark", "s", mark_activated);
  gtk_widget_class_install_action (widget_class, "audits.add-unrecorded", NULL, add_unrecorded_activated);
  gtk_widget_class_install_action (widget_class, "audits.submit", NULL, submit_activated);
  gtk_widget_class_install_action (widget_class, "audits.plan", NULL, plan_activated);
}

/* One row per field an audit checks, showing the record, edited to what
 * is found; the code only for an item found but not recorded. */
static void
add_field_rows (FlCmdbAuditsPage *self)
{
  self->field_rows = g_hash_table_new (g_str_hash, g_str_equal);
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  g_strv_builder_add (builder, "code");
  g_strv_builder_addv (builder, (const char **) fl_cmdb_audit_fields ());
  g_auto(GStrv) columns = g_strv_builder_end (builder);
  for (guint i = 0; columns[i] != NULL; i++)
    {
      const char *column = g_intern_string (columns[i]);
      AdwPreferencesRow *row;
      if (g_str_equal (column, "status"))
        {
          g_autoptr(GtkStringList) labels = gtk_string_list_new (NULL);
          for (guint s = 0; s < FL_N_CI_STATUSES; s++)
            gtk_string_list_append (labels, fl_ci_status_get_label (s));
          row = ADW_PREFERENCES_ROW (adw_combo_row_new ());
          adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (labels));
        }
      else
        row = ADW_PREFERENCES_ROW (adw_entry_row_new ());
      adw_preferences_row_set_title (row, fl_format_ci_field (column));
      adw_preferences_group_add (self->fields_group, GTK_WIDGET (row));
      g_hash_table_insert (self->field_rows, (gpointer) column, row);
    }
}

static void
fl_cmdb_audits_page_init (FlCmdbAuditsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->audits = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->cis = g_list_store_new (FL_TYPE_RECORD_ITEM);
  g_autoptr(GtkNoSelection) audits = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->audits)));
  g_autoptr(GtkNoSelection) cis = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->cis)));
  gtk_list_view_set_model (self->audits_view, GTK_SELECTION_MODEL (audits));
  gtk_list_view_set_model (self->cis_view, GTK_SELECTION_MODEL (cis));
  add_field_rows (self);
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
}
