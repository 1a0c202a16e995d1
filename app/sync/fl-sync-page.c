#include <inttypes.h>
#include "fl-sync-page.h"

#include <adwaita.h>
#include <fl-outbox.h>
#include <fl-replica-queries.h>
#include <fl-sync-client.h>
#include <glib/gi18n-lib.h>

#include "fl-format.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-record-item.h"
#include "fl-work-log-note.h"

/* Pending changes listed; the count says how many more there are. */
#define PENDING_SHOWN 200
/* The newest conflicts of other computers listed. */
#define SEEN_CONFLICTS_SHOWN 100

struct _FlSyncPage
{
  GtkWidget            parent_instance;
  FlSession           *session;
  FlSyncController    *sync;
  GListStore          *conflicts;
  GListStore          *rejected;
  GListStore          *pending;
  GListStore          *seen_conflicts;

  AdwActionRow        *status_row;
  AdwPreferencesGroup *conflicts_group;
  AdwPreferencesGroup *rejected_group;
  AdwPreferencesGroup *pending_group;
  AdwPreferencesGroup *seen_conflicts_group;
  GtkListBox          *conflicts_list;
  GtkListBox          *rejected_list;
  GtkListBox          *pending_list;
  GtkListBox          *seen_conflicts_list;
};

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlSyncPage, fl_sync_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

enum { PROP_0, PROP_CONTROLLER, N_PROPS };
static GParamSpec *properties[N_PROPS];

static const char *
table_label (const char *table)
{
  static const struct { const char *table; const char *label; } labels[] = {
    { "work_order", N_("Work order") }, { "work_log", N_("Work log entry") },
    { "stock_movement", N_("Stock movement") }, { "stock_count", N_("Stock count") },
    { "scrap_request", N_("Scrap request") }, { "inspection", N_("Inspection") },
    { "inspection_round", N_("Inspection round") }, { "backup_check", N_("Backup check") },
    { "attachment", N_("Photo or signature") }, { "ci", N_("Configuration item") },
    { "ci_change_proposal", N_("CI correction") }, { "approval", N_("Approval") },
  };
  for (guint i = 0; i < G_N_ELEMENTS (labels); i++)
    if (g_strcmp0 (labels[i].table, table) == 0)
      return _(labels[i].label);
  return table;
}

/* "Work order INC-261122-K3F-0007 UPS battery alarm": the kind of record and
 * whatever names it for people. */
static char *
describe_record (FlDb *db, const char *table, const char *row_id)
{
  const FlTable *schema = fl_schema_lookup (table);
  g_autoptr(JsonObject) row = schema != NULL ? fl_record_load (db, schema, row_id, NULL) : NULL;
  const char *name = NULL, *detail = NULL;
  g_autofree char *log_words = NULL;
  if (row != NULL && g_str_equal (table, "work_log"))
    detail = log_words = fl_work_log_render (row);
  if (row != NULL)
    {
      static const char * const naming[] = { "ref", "code", "sku", "login" };
      static const char * const details[] = { "title", "name", "text", "filename", "reason" };
      for (guint i = 0; name == NULL && i < G_N_ELEMENTS (naming); i++)
        name = fl_record_get_string (row, naming[i]);
      for (guint i = 0; detail == NULL && i < G_N_ELEMENTS (details); i++)
        detail = fl_record_get_string (row, details[i]);
    }
  return g_strdup_printf ("%s%s%s%s%s", table_label (table), name ? " " : "", name ? name : "",
                          detail ? " " : "", detail ? detail : "");
}

static FlRecordItem *
entry_item (FlDb *db, FlOutboxEntry *entry)
{
  g_autoptr(JsonObject) record = json_object_new ();
  json_object_set_int_member (record, "mid", entry->mid);
  json_object_set_string_member (record, "table", entry->table);
  json_object_set_string_member (record, "row_id", entry->row_id);
  g_autofree char *id = g_strdup_printf ("%" PRId64, entry->mid);
  FlRecordItem *item = fl_record_item_new (id, record);
  g_autofree char *title = describe_record (db, entry->table, entry->row_id);
  fl_record_item_set_title (item, title);
  return item;
}

static void
add_button (GtkWidget *row, const char *label, const char *action, GVariant *target, gboolean suggested)
{
  GtkWidget *button = gtk_button_new_with_mnemonic (label);
  gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
  gtk_actionable_set_action_name (GTK_ACTIONABLE (button), action);
  gtk_actionable_set_action_target_value (GTK_ACTIONABLE (button), target);
  if (suggested)
    gtk_widget_add_css_class (button, "suggested-action");
  if (ADW_IS_EXPANDER_ROW (row))
    adw_expander_row_add_action (ADW_EXPANDER_ROW (row), button);
  else
    adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
}

/* Who made the server's value, and when: "Li Na, 2026-11-22 10:40". */
static char *
theirs_author (FlSession *session, const FlConflict *conflict)
{
  if (conflict->theirs_by == NULL)
    return NULL;
  g_autofree char *when = fl_format_time_usec (conflict->theirs_at);
  if (g_strcmp0 (conflict->theirs_by, fl_session_get_login (session)) == 0)
    /* Translators: the server's side of a conflict came from the user's own other computer */
    return g_strdup_printf (_("you, on another computer, %s"), when);
  const char *name = conflict->theirs_by_name != NULL ? conflict->theirs_by_name : conflict->theirs_by;
  /* Translators: who changed the server's value and when: "Li Na, 2026-11-22 10:40" */
  return g_strdup_printf (_("%s, %s"), name, when);
}

/* The three values of a conflicting field, in words, with who made each side. */
static char *
conflict_values (FlSession *session, const FlOutboxEntry *entry, const FlConflict *conflict)
{
  g_autofree char *base = fl_format_value (session, entry->table, conflict->field, conflict->base);
  g_autofree char *mine = fl_format_value (session, entry->table, conflict->field, conflict->mine);
  g_autofree char *theirs = fl_format_value (session, entry->table, conflict->field, conflict->theirs);
  g_autofree char *mine_when = fl_format_time_usec (entry->at);
  g_autofree char *by = theirs_author (session, conflict);
  g_autofree char *theirs_line = by != NULL
    /* Translators: the server's value of a conflicting field: "Theirs (Li Na, 2026-11-22 10:40): In progress" */
    ? g_strdup_printf (_("Theirs (%s): %s"), by, theirs)
    /* Translators: the server's value when the server did not say who made it */
    : g_strdup_printf (_("Theirs (changed on the server meanwhile): %s"), theirs);
  /* Translators: the values of a conflicting field before and as the user
   * changed it: "Before: Assigned\nMine (you, 2026-11-22 10:30): Cancelled" */
  g_autofree char *before_and_mine = g_strdup_printf (_("Before: %s\nMine (you, %s): %s"), base, mine_when, mine);
  return g_strdup_printf ("%s\n%s", before_and_mine, theirs_line);
}

static GtkWidget *
create_conflict_row (gpointer item, gpointer user_data)
{
  FlSyncPage *self = user_data;
  JsonObject *record = fl_record_item_get_record (item);
  gint64 mid = fl_record_get_int (record, "mid", 0);
  g_autoptr(FlOutboxEntry) entry = fl_outbox_get (fl_session_get_db (self->session), mid, NULL);
  GtkWidget *row = adw_expander_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_item_get_title (item));
  adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), fl_record_item_get_subtitle (item));
  adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
  /* Only what the server can accept: keeping a move it refuses would only
   * come back refused. */
  g_autoptr(GError) refused = NULL;
  gboolean may_keep_mine = entry != NULL &&
    fl_outbox_check_keep_mine (fl_session_get_db (self->session), entry, fl_session_get_role (self->session),
                               fl_session_get_login (self->session), &refused);
  add_button (row, _("Keep _Theirs"), "sync-page.keep-theirs", g_variant_new_int64 (mid), !may_keep_mine);
  if (may_keep_mine)
    add_button (row, _("Keep _Mine"), "sync-page.keep-mine", g_variant_new_int64 (mid), TRUE);
  else if (refused != NULL)
    {
      /* Translators: why only the server's version can be kept */
      g_autofree char *why = g_strdup_printf (_("Yours cannot be kept: %s"), refused->message);
      adw_expander_row_set_subtitle (ADW_EXPANDER_ROW (row), why);
    }
  for (guint i = 0; entry != NULL && i < entry->conflicts->len; i++)
    {
      FlConflict *conflict = g_ptr_array_index (entry->conflicts, i);
      g_autofree char *values = conflict_values (self->session, entry, conflict);
      GtkWidget *field = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (field), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (field), fl_format_field_name (entry->table, conflict->field));
      adw_action_row_set_subtitle (ADW_ACTION_ROW (field), values);
      adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (field), 0);
      adw_expander_row_add_row (ADW_EXPANDER_ROW (row), field);
    }
  return row;
}

/* "Li Na, 2026-11-22 10:40" for the side of a recorded conflict that `login`
 * made at `at` (RFC 3339); NULL when nobody is named. */
static char *
side_author (FlSession *session, const char *login, const char *at)
{
  if (login == NULL)
    return NULL;
  g_autofree char *when = fl_format_time (at);
  if (g_strcmp0 (login, fl_session_get_login (session)) == 0)
    return g_strdup_printf (_("you, on another computer, %s"), when);
  g_autofree char *name = fl_format_login (session, login);
  return g_strdup_printf (_("%s, %s"), name, when);
}

/* A conflict the server recorded, pushed from another computer: the field,
 * and both sides with who made each and when. */
static GtkWidget *
create_seen_conflict_row (gpointer item, gpointer user_data)
{
  FlSyncPage *self = user_data;
  JsonObject *conflict = fl_record_item_get_record (item);
  const char *table = fl_record_get_string (conflict, "table_name");
  const char *field = fl_record_get_string (conflict, "field");
  g_autofree char *base = fl_format_value (self->session, table, field, json_object_get_member (conflict, "base"));
  g_autofree char *mine = fl_format_value (self->session, table, field, json_object_get_member (conflict, "mine"));
  g_autofree char *theirs = fl_format_value (self->session, table, field,
                                             json_object_get_member (conflict, "theirs"));
  g_autofree char *sent_by = side_author (self->session, fl_record_get_string (conflict, "by"),
                                          fl_record_get_string (conflict, "at"));
  g_autofree char *kept_by = side_author (self->session, fl_record_get_string (conflict, "theirs_by"),
                                          fl_record_get_string (conflict, "theirs_at"));
  g_autofree char *sent_line =
    /* Translators: the value a device sent: "Sent (Wang Wu, 2026-11-22 10:30): Cancelled" */
    g_strdup_printf (_("Sent (%s): %s"), sent_by, mine);
  g_autofree char *kept_line = kept_by != NULL
    /* Translators: the value the server kept: "Kept (Li Na, 2026-11-22 10:40): In progress" */
    ? g_strdup_printf (_("Kept (%s): %s"), kept_by, theirs)
    /* Translators: the value the server kept when it could not tell who made it */
    : g_strdup_printf (_("Kept (changed on the server meanwhile): %s"), theirs);
  /* Translators: a recorded conflict's values: "Before: Assigned\nSent (…): …\nKept (…): …" */
  g_autofree char *values = g_strdup_printf (_("Before: %s\n%s\n%s"), base, sent_line, kept_line);
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  /* Translators: "Work order INC-… UPS alarm · Title" */
  g_autofree char *title = g_strdup_printf (_("%s · %s"), fl_record_item_get_title (item),
                                            fl_format_field_name (table, field));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), values);
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (g_strcmp0 (table, "work_order") == 0)
    add_button (row, _("_Open"), "win.show-work-order",
                g_variant_new_string (fl_record_get_string (conflict, "row_id")), FALSE);
  return row;
}

static GtkWidget *
create_rejected_row (gpointer item, gpointer user_data)
{
  JsonObject *record = fl_record_item_get_record (item);
  gint64 mid = fl_record_get_int (record, "mid", 0);
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_item_get_title (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_record_item_get_subtitle (item));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (g_strcmp0 (fl_record_get_string (record, "table"), "work_order") == 0)
    add_button (row, _("_Fix"), "win.show-work-order",
                g_variant_new_string (fl_record_get_string (record, "row_id")), FALSE);
  add_button (row, _("_Retry"), "sync-page.retry", g_variant_new_int64 (mid), FALSE);
  add_button (row, _("_Discard"), "sync-page.discard", g_variant_new_int64 (mid), FALSE);
  return row;
}

static GtkWidget *
create_pending_row (gpointer item, gpointer user_data)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_item_get_title (item));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_record_item_get_subtitle (item));
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("emblem-synchronizing-symbolic"));
  return row;
}

static const char *
op_label (FlMutationOp op)
{
  switch (op)
    {
    case FL_MUTATION_INSERT: return _("new");
    case FL_MUTATION_UPDATE: return _("changed");
    case FL_MUTATION_APPEND:
    default: return _("added");
    }
}

static void
load_unresolved (FlSyncPage *self, const char *state, GListStore *store)
{
  FlDb *db = fl_session_get_db (self->session);
  g_list_store_remove_all (store);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = fl_outbox_unresolved (db, state, &error);
  if (entries == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(FlRecordItem) item = entry_item (db, entry);
      g_autofree char *when = fl_format_time_usec (entry->at);
      g_autofree char *subtitle = NULL;
      if (g_str_equal (state, "rejected"))
        /* Translators: "Changed 2026-11-22 10:42 · the server said: <reason>" */
        subtitle = g_strdup_printf (_("%s %s · the server said: %s"), op_label (entry->op), when,
                                    entry->error != NULL ? entry->error : _("no reason given"));
      else
        {
          g_autoptr(GString) fields = g_string_new (NULL);
          for (guint c = 0; c < entry->conflicts->len; c++)
            g_string_append_printf (fields, "%s%s", c > 0 ? ", " : "",
                                    fl_format_field_name (entry->table,
                                                          ((FlConflict *) g_ptr_array_index (entry->conflicts, c))->field));
          /* Translators: "Changed 2026-11-22 10:42 · title, contact" */
          subtitle = g_strdup_printf (_("%s %s · %s"), op_label (entry->op), when, fields->str);
        }
      fl_record_item_set_subtitle (item, subtitle);
      g_list_store_append (store, item);
    }
}

static void
load_pending (FlSyncPage *self)
{
  FlDb *db = fl_session_get_db (self->session);
  g_list_store_remove_all (self->pending);
  g_autoptr(GPtrArray) entries = fl_outbox_pending (db, 0, PENDING_SHOWN, NULL);
  for (guint i = 0; entries != NULL && i < entries->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autoptr(FlRecordItem) item = entry_item (db, entry);
      g_autofree char *when = fl_format_time_usec (entry->at);
      g_autofree char *subtitle = g_strdup_printf ("%s %s", op_label (entry->op), when);
      fl_record_item_set_subtitle (item, subtitle);
      g_list_store_append (self->pending, item);
    }
  gint64 total = fl_outbox_count (db, "pending", NULL);
  g_autofree char *description = total == 0
    ? g_strdup (_("Everything you did here is on the server."))
    : g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%" PRId64 " change is kept here until the next sync.",
                                    "%" PRId64 " changes are kept here until the next sync.", total), total);
  adw_preferences_group_set_description (self->pending_group, description);
}

static void
load_seen_conflicts (FlSyncPage *self)
{
  FlDb *db = fl_session_get_db (self->session);
  g_list_store_remove_all (self->seen_conflicts);
  g_autofree char *device = fl_db_get_meta (db, FL_META_DEVICE_ID);
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_replica_open_conflicts (db, device, SEEN_CONFLICTS_SHOWN, &error);
  if (rows == NULL)
    {
      g_warning ("%s", error->message);
      return;
    }
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);
      g_autoptr(FlRecordItem) item = fl_record_item_new (fl_record_get_string (row, "id"), row);
      g_autofree char *title = describe_record (db, fl_record_get_string (row, "table_name"),
                                                fl_record_get_string (row, "row_id"));
      fl_record_item_set_title (item, title);
      g_list_store_append (self->seen_conflicts, item);
    }
}

static void
update_status (FlSyncPage *self)
{
  gint64 last = self->sync != NULL ? fl_sync_controller_get_last_synced (self->sync) : 0;
  g_autofree char *when = last > 0 ? fl_format_time_usec (last) : NULL;
  g_autofree char *title = when != NULL ? g_strdup_printf (_("Last synced %s"), when) : g_strdup (_("Not synced yet"));
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->status_row), title);
  const char *error = self->sync != NULL ? fl_sync_controller_get_error (self->sync) : NULL;
  FlSyncStatus status = self->sync != NULL ? fl_sync_controller_get_status (self->sync) : FL_SYNC_STATUS_IDLE;
  const char *subtitle = status == FL_SYNC_STATUS_SYNCING ? _("Syncing…")
                       : status == FL_SYNC_STATUS_OFFLINE ? _("Offline: your work is kept here")
                       : error;
  adw_action_row_set_subtitle (self->status_row, subtitle != NULL ? subtitle : "");
}

void
fl_sync_page_reload (FlSyncPage *self)
{
  if (self->session == NULL)
    return;
  load_unresolved (self, "conflict", self->conflicts);
  load_unresolved (self, "rejected", self->rejected);
  load_pending (self);
  load_seen_conflicts (self);
  gtk_widget_set_visible (GTK_WIDGET (self->seen_conflicts_group),
                          g_list_model_get_n_items (G_LIST_MODEL (self->seen_conflicts)) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->conflicts_group),
                          g_list_model_get_n_items (G_LIST_MODEL (self->conflicts)) > 0);
  gtk_widget_set_visible (GTK_WIDGET (self->rejected_group),
                          g_list_model_get_n_items (G_LIST_MODEL (self->rejected)) > 0);
  update_status (self);
}

static gint64
page_count_attention (FlPage *page)
{
  FlSyncPage *self = FL_SYNC_PAGE (page);
  if (self->session == NULL)
    return 0;
  FlDb *db = fl_session_get_db (self->session);
  return MAX (fl_outbox_count (db, "conflict", NULL), 0) + MAX (fl_outbox_count (db, "rejected", NULL), 0);
}

/* ---- actions ---- */

typedef gboolean (*EntryAction) (FlDb *db, gint64 mid, GError **error);

static gboolean
keep_mine (FlDb *db, gint64 mid, GError **error)
{
  return fl_outbox_resolve_conflict (db, mid, TRUE, error);
}

static gboolean
keep_theirs (FlDb *db, gint64 mid, GError **error)
{
  return fl_outbox_resolve_conflict (db, mid, FALSE, error);
}

static void
run_entry_action (FlSyncPage *self, EntryAction action, gint64 mid, const char *done)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlOutboxEntry) entry = fl_outbox_get (fl_session_get_db (self->session), mid, NULL);
  if (!action (fl_session_get_db (self->session), mid, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot do that"), error);
      return;
    }
  fl_notice_toast (GTK_WIDGET (self), done);
}

static void
keep_mine_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_entry_action (FL_SYNC_PAGE (widget), keep_mine, g_variant_get_int64 (parameter),
                    _("Your value is kept: it goes to the server at the next sync"));
}

static void
keep_theirs_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_entry_action (FL_SYNC_PAGE (widget), keep_theirs, g_variant_get_int64 (parameter),
                    _("The server's value is kept"));
}

static void
retry_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  run_entry_action (FL_SYNC_PAGE (widget), fl_outbox_retry, g_variant_get_int64 (parameter),
                    _("The change will be sent again at the next sync"));
}

static void
discard_response_cb (AdwMessageDialog *dialog, const char *response, gpointer user_data)
{
  FlSyncPage *self = g_object_get_data (G_OBJECT (dialog), "page");
  gint64 mid = GPOINTER_TO_SIZE (user_data);
  if (g_strcmp0 (response, "discard") == 0)
    run_entry_action (self, fl_outbox_discard, mid, _("The change is discarded"));
}

static void
discard_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                              _("Discard This Change?"),
                                              _("The server refused it. Discarding takes it back here too; "
                                                "a refused new record leaves this computer."));
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog), "cancel", _("_Cancel"),
                                    "discard", _("_Discard"), NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "discard",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  g_object_set_data_full (G_OBJECT (dialog), "page", g_object_ref (widget), g_object_unref);
  g_signal_connect (dialog, "response", G_CALLBACK (discard_response_cb),
                    GSIZE_TO_POINTER ((gsize) g_variant_get_int64 (parameter)));
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
session_changed_cb (FlSyncPage *self, const char *table)
{
  fl_sync_page_reload (self);
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlSyncPage *self = FL_SYNC_PAGE (page);
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->conflicts_list, G_LIST_MODEL (self->conflicts), create_conflict_row, self, NULL);
  gtk_list_box_bind_model (self->seen_conflicts_list, G_LIST_MODEL (self->seen_conflicts), create_seen_conflict_row,
                           self, NULL);
  fl_sync_page_reload (self);
}

/* `sync` may be NULL (no server). */
static void
set_controller (FlSyncPage *self, FlSyncController *sync)
{
  if (self->sync == sync)
    return;
  if (self->sync != NULL)
    g_signal_handlers_disconnect_by_data (self->sync, self);
  g_set_object (&self->sync, sync);
  if (sync != NULL)
    {
      g_signal_connect_object (sync, "notify::status", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
      g_signal_connect_object (sync, "notify::last-synced", G_CALLBACK (update_status), self, G_CONNECT_SWAPPED);
    }
  update_status (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_CONTROLLER]);
}

GListModel *
fl_sync_page_get_conflicts (FlSyncPage *self)
{
  return G_LIST_MODEL (self->conflicts);
}

GListModel *
fl_sync_page_get_rejected (FlSyncPage *self)
{
  return G_LIST_MODEL (self->rejected);
}

GListModel *
fl_sync_page_get_pending (FlSyncPage *self)
{
  return G_LIST_MODEL (self->pending);
}

GListModel *
fl_sync_page_get_seen_conflicts (FlSyncPage *self)
{
  return G_LIST_MODEL (self->seen_conflicts);
}

static void
fl_sync_page_dispose (GObject *object)
{
  FlSyncPage *self = FL_SYNC_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_SYNC_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->sync);
  G_OBJECT_CLASS (fl_sync_page_parent_class)->dispose (object);
}

static void
fl_sync_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTROLLER:
      g_value_set_object (value, FL_SYNC_PAGE (object)->sync);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_sync_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_CONTROLLER:
      set_controller (FL_SYNC_PAGE (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_sync_page_finalize (GObject *object)
{
  FlSyncPage *self = FL_SYNC_PAGE (object);
  g_clear_object (&self->conflicts);
  g_clear_object (&self->rejected);
  g_clear_object (&self->pending);
  g_clear_object (&self->seen_conflicts);
  G_OBJECT_CLASS (fl_sync_page_parent_class)->finalize (object);
}

static void
fl_sync_page_class_init (FlSyncPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_sync_page_dispose;
  object_class->finalize = fl_sync_page_finalize;
  object_class->get_property = fl_sync_page_get_property;
  object_class->set_property = fl_sync_page_set_property;

  /* The window's: when the last sync ran and how it went. */
  properties[PROP_CONTROLLER] = g_param_spec_object ("controller", NULL, NULL, FL_TYPE_SYNC_CONTROLLER,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-sync-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, status_row);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, conflicts_group);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, rejected_group);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, pending_group);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, conflicts_list);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, rejected_list);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, pending_list);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, seen_conflicts_group);
  gtk_widget_class_bind_template_child (widget_class, FlSyncPage, seen_conflicts_list);
  gtk_widget_class_install_action (widget_class, "sync-page.keep-mine", "x", keep_mine_activated);
  gtk_widget_class_install_action (widget_class, "sync-page.keep-theirs", "x", keep_theirs_activated);
  gtk_widget_class_install_action (widget_class, "sync-page.retry", "x", retry_activated);
  gtk_widget_class_install_action (widget_class, "sync-page.discard", "x", discard_activated);
}

static void
fl_sync_page_init (FlSyncPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->conflicts = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->rejected = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->pending = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->seen_conflicts = g_list_store_new (FL_TYPE_RECORD_ITEM);
  gtk_list_box_bind_model (self->rejected_list, G_LIST_MODEL (self->rejected), create_rejected_row, NULL, NULL);
  gtk_list_box_bind_model (self->pending_list, G_LIST_MODEL (self->pending), create_pending_row, NULL, NULL);
  GtkWidget *placeholder = gtk_label_new (_("Nothing waits to be sent"));
  gtk_widget_add_css_class (placeholder, "dim-label");
  gtk_widget_set_margin_top (placeholder, 12);
  gtk_widget_set_margin_bottom (placeholder, 12);
  gtk_list_box_set_placeholder (self->pending_list, placeholder);
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->count_attention = page_count_attention;
  iface->set_session = page_set_session;
}
