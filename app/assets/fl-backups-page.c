#include "fl-backups-page.h"

#include <adwaita.h>
#include <fl-backup.h>
#include <glib/gi18n-lib.h>
#include <stdlib.h>

#include "fl-format.h"
#include "fl-notice.h"
#include "fl-number-entry.h"
#include "fl-page.h"
#include "fl-record-item.h"

struct _FlBackupsPage
{
  GtkWidget      parent_instance;
  FlSession     *session;
  char          *job_id;
  GListStore    *jobs;
  GListStore    *history;

  AdwLeaflet    *leaflet;
  GtkStack      *jobs_stack;
  GtkListView   *jobs_view;
  GtkStack      *detail_stack;
  GtkLabel      *title_label;
  GtkLabel      *subtitle_label;
  GtkLabel      *state_label;
  AdwComboRow   *result_row;
  AdwEntryRow   *taken_row;
  AdwEntryRow   *size_row;
  AdwEntryRow   *notes_row;
  AdwExpanderRow *drill_row;
  GtkSwitch     *restore_ok_switch;
  GtkEditable   *restore_minutes_entry;
  GtkListBox    *history_list;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlBackupsPage, fl_backups_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static const char * const results[] = { "ok", "failed", "partial", "missing" };

static const char *
state_label (FlBackupState state, const char **style)
{
  switch (state)
    {
    case FL_BACKUP_STATE_FAILED:
      *style = "failed";
      return _("Failed");
    case FL_BACKUP_STATE_OVERDUE:
      *style = "overdue";
      return _("Overdue");
    case FL_BACKUP_STATE_DUE:
      *style = "warning";
      return _("Due");
    case FL_BACKUP_STATE_OK:
    default:
      *style = "ok";
      return _("OK");
    }
}

static const char *
schedule_label (const char *schedule)
{
  if (g_strcmp0 (schedule, "daily") == 0)
    return _("daily");
  if (g_strcmp0 (schedule, "weekly") == 0)
    return _("weekly");
  if (g_strcmp0 (schedule, "monthly") == 0)
    return _("monthly");
  return schedule != NULL ? schedule : "";
}

/* Failed and overdue jobs first: what needs the engineer now. */
static int
compare_jobs (gconstpointer a, gconstpointer b, gpointer user_data)
{
  JsonObject *ra = fl_record_item_get_record ((FlRecordItem *) a);
  JsonObject *rb = fl_record_item_get_record ((FlRecordItem *) b);
  gint64 sa = fl_record_get_int (ra, "urgency", 0), sb = fl_record_get_int (rb, "urgency", 0);
  if (sa != sb)
    return sa > sb ? -1 : 1;
  return g_strcmp0 (fl_record_item_get_title ((FlRecordItem *) a), fl_record_item_get_title ((FlRecordItem *) b));
}

static void
load_jobs (FlBackupsPage *self)
{
  FlDb *db = fl_session_get_db (self->session);
  g_list_store_remove_all (self->jobs);
  g_autoptr(GPtrArray) jobs = fl_backup_list_jobs (db, NULL);
  gint64 now = fl_time_now ();
  for (guint i = 0; jobs != NULL && i < jobs->len; i++)
    {
      JsonObject *job = g_ptr_array_index (jobs, i);
      const char *id = fl_record_get_string (job, "id");
      const char *schedule = fl_record_get_string (job, "schedule");
      const char *last_checked = fl_record_get_string (job, "last_checked_at");
      gint64 checked = 0;
      if (last_checked != NULL)
        fl_time_parse (last_checked, &checked, NULL);
      FlBackupState state = fl_backup_state (schedule, checked, fl_record_get_string (job, "last_result"), now);
      static const int urgency[] = { [FL_BACKUP_STATE_OK] = 0, [FL_BACKUP_STATE_DUE] = 1,
                                     [FL_BACKUP_STATE_OVERDUE] = 2, [FL_BACKUP_STATE_FAILED] = 3 };
      g_autoptr(JsonObject) record = json_object_new ();
      json_object_set_int_member (record, "urgency", urgency[state]);
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, record);
      fl_record_item_set_title (item, fl_record_get_string (job, "name"));
      const char *ci_code = fl_record_get_string (job, "ci_code");
      const char *site_name = fl_record_get_string (job, "site_name");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s %s", ci_code != NULL ? ci_code : "",
                                                   site_name != NULL ? site_name : "",
                                                   schedule_label (schedule), fl_format_backup_kind (fl_record_get_string (job, "kind")));
      fl_record_item_set_subtitle (item, subtitle);
      const char *style = NULL;
      const char *label = state_label (state, &style);
      g_autofree char *when = checked != 0 ? fl_format_time_usec (checked) : NULL;
      /* Translators: backup job badge, "Due · last checked 2026-11-22 09:00" */
      g_autofree char *badge = when != NULL ? g_strdup_printf (_("%s · last checked %s"), label, when)
                                            : g_strdup_printf (_("%s · never checked"), label);
      fl_record_item_set_badge (item, badge, style);
      fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "backup_job", id));
      g_list_store_append (self->jobs, item);
    }
  g_list_store_sort (self->jobs, compare_jobs, NULL);
  gtk_stack_set_visible_child_name (self->jobs_stack,
                                    g_list_model_get_n_items (G_LIST_MODEL (self->jobs)) > 0 ? "list" : "empty");
}

static GtkWidget *
create_history_row (gpointer item, gpointer user_data)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_item_get_title (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_record_item_get_subtitle (item));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  const char *icon = fl_sync_state_icon_name (fl_record_item_get_sync_state (item));
  if (icon != NULL)
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name (icon));
  return row;
}

static const char *
result_label (const char *result)
{
  if (g_strcmp0 (result, "ok") == 0)
    return _("OK");
  if (g_strcmp0 (result, "failed") == 0)
    return _("Failed");
  if (g_strcmp0 (result, "partial") == 0)
    return _("Partial");
  if (g_strcmp0 (result, "missing") == 0)
    return _("Missing");
  return result != NULL ? result : "";
}

static void
load_job (FlBackupsPage *self)
{
  g_list_store_remove_all (self->history);
  if (self->job_id == NULL)
    return;
  FlDb *db = fl_session_get_db (self->session);
  g_autoptr(JsonObject) job = fl_record_load (db, fl_schema_lookup ("backup_job"), self->job_id, NULL);
  if (job == NULL)
    return;
  g_autoptr(JsonObject) ci = fl_record_load (db, fl_schema_lookup ("ci"), fl_record_get_string (job, "ci_id"), NULL);
  gtk_label_set_text (self->title_label, fl_record_get_string (job, "name"));
  const char *target = fl_record_get_string (job, "target");
  const char *due_by = fl_record_get_string (job, "due_by");
  /* Translators: "DB-01 HIS database · weekly full to SAN snapshot by 06:00, kept 90 days" */
  g_autofree char *subtitle = g_strdup_printf (_("%s %s · %s %s to %s by %s, kept %d days"),
                                               ci ? fl_record_get_string (ci, "code") : "",
                                               ci ? fl_record_get_string (ci, "name") : "",
                                               schedule_label (fl_record_get_string (job, "schedule")),
                                               fl_format_backup_kind (fl_record_get_string (job, "kind")),
                                               target ? target : "—",
                                               due_by ? due_by : "—",
                                               (int) fl_record_get_int (job, "retention_days", 0));
  gtk_label_set_text (self->subtitle_label, subtitle);
  const char *style = NULL;
  FlBackupState state = fl_backup_job_state (db, self->job_id, fl_time_now (), NULL);
  gtk_label_set_text (self->state_label, state_label (state, &style));
  gtk_widget_set_css_classes (GTK_WIDGET (self->state_label), (const char *[]) { "badge", style, NULL });

  g_autoptr(GPtrArray) checks = fl_backup_list_checks (db, self->job_id, NULL);
  for (guint i = 0; checks != NULL && i < checks->len; i++)
    {
      JsonObject *check = g_ptr_array_index (checks, i);
      const char *id = fl_record_get_string (check, "id");
      g_autofree char *checked = fl_format_time (fl_record_get_string (check, "checked_at"));
      g_autofree char *title = g_strdup_printf ("%s · %s", result_label (fl_record_get_string (check, "result")),
                                                checked);
      g_autoptr(GString) details = g_string_new (fl_record_get_string (check, "by"));
      const char *taken_at = fl_record_get_string (check, "backup_taken_at");
      if (taken_at != NULL)
        {
          g_autofree char *taken = fl_format_time (taken_at);
          g_string_append_printf (details, _(" · taken %s"), taken);
        }
      gint64 size_bytes = fl_record_get_int (check, "size_bytes", -1);
      if (size_bytes >= 0)
        {
          g_autofree char *size = fl_format_size (size_bytes);
          g_string_append_printf (details, " · %s", size);
        }
      if (fl_record_get_int (check, "restore_test", 0))
        g_string_append_printf (details, fl_record_get_int (check, "restore_ok", 0)
                                         ? _(" · restore drill passed in %d min")
                                         : _(" · restore drill failed after %d min"),
                                (int) fl_record_get_int (check, "restore_minutes", 0));
      const char *notes = fl_record_get_string (check, "notes");
      if (notes != NULL)
        g_string_append_printf (details, " · %s", notes);
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, NULL);
      fl_record_item_set_title (item, title);
      fl_record_item_set_subtitle (item, details->str);
      fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "backup_check", id));
      g_list_store_append (self->history, item);
    }
}

static void
reset_form (FlBackupsPage *self)
{
  adw_combo_row_set_selected (self->result_row, 0);
  g_autofree char *now = fl_format_time_usec (fl_time_now ());
  gtk_editable_set_text (GTK_EDITABLE (self->taken_row), now);
  gtk_editable_set_text (GTK_EDITABLE (self->size_row), "");
  gtk_editable_set_text (GTK_EDITABLE (self->notes_row), "");
  adw_expander_row_set_enable_expansion (self->drill_row, FALSE);
  gtk_switch_set_active (self->restore_ok_switch, TRUE);
  gtk_editable_set_text (self->restore_minutes_entry, "0");
  fl_number_entry_clear (self->restore_minutes_entry);
  fl_number_entry_clear (GTK_EDITABLE (self->taken_row));
  fl_number_entry_clear (GTK_EDITABLE (self->size_row));
}

void
fl_backups_page_show (FlBackupsPage *self, const char *job_id)
{
  if (g_strcmp0 (self->job_id, job_id) != 0)
    {
      g_free (self->job_id);
      self->job_id = g_strdup (job_id);
      reset_form (self);
    }
  load_job (self);
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
job_activate_cb (FlBackupsPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->jobs), position);
  if (item != NULL)
    fl_backups_page_show (self, fl_record_item_get_id (item));
}

static void
record_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlBackupsPage *self = FL_BACKUPS_PAGE (widget);
  FlBackupCheck check = {
    .job_id = self->job_id,
    .result = results[MIN (adw_combo_row_get_selected (self->result_row), G_N_ELEMENTS (results) - 1)],
    .size_bytes = -1,
    .notes = gtk_editable_get_text (GTK_EDITABLE (self->notes_row)),
  };
  /* Every field is read before anything is refused, so each refused one
   * is marked at once; nothing of the form is recorded then. */
  g_autoptr(GError) error = NULL;
  const char *refused = NULL;
  g_autofree char *taken = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->taken_row))));
  if (*taken != '\0' && !fl_time_parse_wall (taken, NULL, &check.backup_taken_at, NULL))
    {
      refused = _("Write when the backup was taken as YYYY-MM-DD HH:MM");
      fl_number_entry_refuse (GTK_EDITABLE (self->taken_row), refused);
    }
  else
    fl_number_entry_clear (GTK_EDITABLE (self->taken_row));
  if (fl_backup_read_size (gtk_editable_get_text (GTK_EDITABLE (self->size_row)), &check.size_bytes, &error))
    fl_number_entry_clear (GTK_EDITABLE (self->size_row));
  else
    {
      fl_number_entry_refuse (GTK_EDITABLE (self->size_row), error->message);
      refused = refused != NULL ? refused : error->message;
    }
  check.restore_test = adw_expander_row_get_enable_expansion (self->drill_row);
  check.restore_ok = gtk_switch_get_active (self->restore_ok_switch);
  g_autoptr(GError) minutes_error = NULL;
  gint64 minutes = 0;
  if (check.restore_test &&
      !fl_number_entry_read (self->restore_minutes_entry, "backup_check", "restore_minutes", &minutes,
                             &minutes_error))
    refused = refused != NULL ? refused : minutes_error->message;
  if (refused != NULL)
    {
      fl_notice_toast (widget, refused);
      return;
    }
  check.restore_minutes = (int) minutes;
  if (!fl_backup_record_check (fl_session_get_db (self->session), &check, fl_session_get_login (self->session),
                               NULL, &error))
    {
      fl_notice_error (widget, _("Cannot record the check"), error);
      return;
    }
  reset_form (self);
  fl_notice_toast (widget, _("Backup check recorded"));
}

static void
session_changed_cb (FlBackupsPage *self, const char *table)
{
  static const char * const shown[] = { "backup_job", "backup_check", "ci", "site" };
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (table == NULL || g_strcmp0 (table, shown[i]) == 0)
      {
        load_jobs (self);
        load_job (self);
        return;
      }
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlBackupsPage *self = FL_BACKUPS_PAGE (page);
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  load_jobs (self);
}

GListModel *
fl_backups_page_get_jobs (FlBackupsPage *self)
{
  return G_LIST_MODEL (self->jobs);
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  adw_leaflet_navigate (FL_BACKUPS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
fl_backups_page_dispose (GObject *object)
{
  FlBackupsPage *self = FL_BACKUPS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_BACKUPS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_backups_page_parent_class)->dispose (object);
}

static void
fl_backups_page_finalize (GObject *object)
{
  FlBackupsPage *self = FL_BACKUPS_PAGE (object);
  g_free (self->job_id);
  g_clear_object (&self->jobs);
  g_clear_object (&self->history);
  G_OBJECT_CLASS (fl_backups_page_parent_class)->finalize (object);
}

static void
fl_backups_page_class_init (FlBackupsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_backups_page_dispose;
  object_class->finalize = fl_backups_page_finalize;

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-backups-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FlBackupsPage, name)
  CHILD (leaflet);
  CHILD (jobs_stack);
  CHILD (jobs_view);
  CHILD (detail_stack);
  CHILD (title_label);
  CHILD (subtitle_label);
  CHILD (state_label);
  CHILD (result_row);
  CHILD (taken_row);
  CHILD (size_row);
  CHILD (notes_row);
  CHILD (drill_row);
  CHILD (restore_ok_switch);
  CHILD (restore_minutes_entry);
  CHILD (history_list);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, job_activate_cb);
  gtk_widget_class_install_action (widget_class, "backups.record", NULL, record_activated);
  gtk_widget_class_install_action (widget_class, "backups.back", NULL, back_activated);
}

static void
fl_backups_page_init (FlBackupsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->jobs = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->history = g_list_store_new (FL_TYPE_RECORD_ITEM);
  g_autoptr(GtkNoSelection) jobs = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->jobs)));
  gtk_list_view_set_model (self->jobs_view, GTK_SELECTION_MODEL (jobs));
  gtk_list_box_bind_model (self->history_list, G_LIST_MODEL (self->history), create_history_row, NULL, NULL);
  GtkWidget *placeholder = gtk_label_new (_("No checks recorded yet"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->history_list, placeholder);
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
}
