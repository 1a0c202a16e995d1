/* Signing in, syncing and deciding a conflict through the real widgets,
 * against the real server in-process on port 0: the first run's sign-in
 * page, an order edited here and by a supervisor at the same time, the
 * conflict on the Sync page with the value before, mine and theirs, and
 * "Keep Mine" carried to the server.  FL_SCREENSHOT_DIR=<dir> saves sync.png. */
#include <fl-outbox.h>
#include <string.h>
#include <fl-problem.h>
#include <fl-work-order.h>

#include "fl-record-item.h"
#include "fl-secret-token-store.h"
#include "fl-sync-status-button.h"
#include "fl-sync-page.h"
#include "fl-work-order-list-page.h"
#include "fl-sync-test-util.h"
#include "fl-ui-test-util.h"

typedef struct {
  FlSyncServer      server;
  char             *dir;
  FlDb             *db;
  FlSession        *session;
  FlTokenStore     *tokens;
  GSettings        *settings;
  FlSyncController *sync;
  FlWindow         *window;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  fl_sync_server_setup (&f->server);
  f->db = fl_test_replica ("K3F", &f->dir);
  f->tokens = fl_memory_token_store_new ();
  f->session = fl_session_new_with_tokens (f->db, NULL, f->tokens);
  f->settings = g_settings_new (FL_APP_ID);
  g_settings_set_boolean (f->settings, "auto-sync", FALSE);
  f->sync = fl_sync_controller_new (f->session, f->settings);
  f->window = fl_window_new (NULL, f->session, f->sync);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_ui_test_pump ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  fl_sync_controller_stop (f->sync);
  fl_ui_test_pump ();
  g_clear_object (&f->sync);
  g_clear_object (&f->settings);
  g_clear_object (&f->session);
  g_clear_object (&f->tokens);
  if (f->db != NULL)
    fl_db_close (f->db);
  g_clear_object (&f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  fl_sync_server_teardown (&f->server);
}

static void
sync_now (Fixture *f)
{
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL);
  g_assert_cmpint (fl_sync_controller_get_status (f->sync), ==, FL_SYNC_STATUS_SYNCING);
  fl_ui_test_wait_until (fl_sync_controller_get_status (f->sync) != FL_SYNC_STATUS_SYNCING);
  g_assert_cmpstr (fl_sync_controller_get_error (f->sync), ==, NULL);
}

static void
sign_in (Fixture *f, const char *login)
{
  GtkStack *main_stack = fl_ui_test_child (f->window, FL_TYPE_WINDOW, "main_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (main_stack), ==, "sign-in");
  GtkWidget *page = gtk_stack_get_child_by_name (main_stack, "sign-in");
  GType type = G_OBJECT_TYPE (page);
  gtk_editable_set_text (fl_ui_test_child (page, type, "server_row"), fl_sync_server_url (&f->server));
  gtk_editable_set_text (fl_ui_test_child (page, type, "login_row"), login);
  /* Sign In is off until everything is filled in, and says so. */
  GtkWidget *button = fl_ui_test_find_actionable (page, "sign-in.sign-in");
  gtk_editable_set_text (fl_ui_test_child (page, type, "password_row"), "");
  g_assert_false (gtk_widget_is_sensitive (button));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                   "Fill in the server address, your login and your password first");
  gtk_editable_set_text (fl_ui_test_child (page, type, "password_row"), FL_TEST_PASSWORD);
  g_assert_true (gtk_widget_is_sensitive (button));
  g_assert_null (gtk_widget_get_tooltip_text (button));
  gtk_widget_activate_action (page, "sign-in.sign-in", NULL);
  fl_ui_test_wait_until (g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "main") == 0);
  g_assert_cmpstr (fl_session_get_login (f->session), ==, login);
  g_autofree char *saved = g_settings_get_string (f->settings, "login");
  g_assert_cmpstr (saved, ==, login);
  g_assert_cmpint (fl_sync_controller_get_last_synced (f->sync), >, 0);
}

static void
set_title (FlDb *db, const char *id, const char *title)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "title", title);
  fl_work_order_update (db, id, values, &error);
  g_assert_no_error (error);
}

static char *
title_of (FlDb *db, const char *id)
{
  g_autoptr(JsonObject) row = fl_record_load (db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_nonnull (row);
  return g_strdup (fl_record_get_string (row, "title"));
}

/* The sign-in is gone from the keyring (a new desktop session, a keyring
 * reset): Sync Now says so, the header no longer claims "Synced", and the
 * toast offers the way on. */
static void
test_lost_sign_in_says_so (Fixture *f, gconstpointer data)
{
  sign_in (f, "eng_a");
  FlSyncStatusButton *header = fl_ui_test_child (f->window, FL_TYPE_WINDOW, "sync_button");
  g_assert_true (g_str_has_prefix (fl_sync_status_button_get_text (header), "Synced"));

  g_autoptr(GError) error = NULL;
  g_assert_true (fl_token_store_clear (f->tokens, fl_sync_server_url (&f->server), "eng_a", &error));
  g_assert_no_error (error);
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sync", NULL);
  fl_ui_test_wait_until (fl_sync_controller_get_status (f->sync) != FL_SYNC_STATUS_SYNCING);
  g_assert_cmpint (fl_sync_controller_get_status (f->sync), ==, FL_SYNC_STATUS_FAILED);
  g_assert_true (g_str_has_prefix (fl_sync_status_button_get_text (header), "Sync failed"));
  const char *reason = fl_sync_controller_get_error (f->sync);
  g_assert_nonnull (reason);
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), reason));
}

/* The orders waiting on the server are on the list right after the first
 * sign-in: the replica file is swapped in under the open list, which had
 * read the empty replica before. */
static void
test_first_sign_in_lists_orders (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_auto(FlSyncTestClient) supervisor = { 0 };
  fl_sync_test_client_init (&supervisor, "super");
  fl_sync_test_client_login (&supervisor, &f->server);
  fl_sync_test_client_sync (&supervisor);
  for (guint i = 0; i < 3; i++)
    {
      FlWorkOrderDraft draft = {
        .kind = "incident", .title = "LIS 接口中断 LIS interface down", .site_id = f->server.site_a,
        .impact = 2, .urgency = 2, .assignee = "eng_a",
      };
      g_autofree char *id = NULL;
      fl_work_order_create (supervisor.db, &draft, "super", &id, &error);
      g_assert_no_error (error);
    }
  fl_sync_test_client_sync (&supervisor);

  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (f->window, "my-work"));
  GListModel *model = G_LIST_MODEL (fl_work_order_list_page_get_model (list));
  fl_ui_test_wait_until (!fl_work_order_model_get_loading (fl_work_order_list_page_get_model (list)));
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 0);
  sign_in (f, "eng_a");
  /* The first sync took the replica file: the replica's name is a link to it. */
  g_assert_true (g_file_test (fl_db_path (f->db), G_FILE_TEST_IS_SYMLINK));
  fl_ui_test_wait_until (g_list_model_get_n_items (model) == 3);
}

/* A client started again syncs once, with automatic syncs off too. */
static void
test_sync_at_start (Fixture *f, gconstpointer data)
{
  sign_in (f, "eng_a");
  gint64 before = fl_sync_controller_get_last_synced (f->sync);
  g_assert_false (g_settings_get_boolean (f->settings, "auto-sync"));
  g_autoptr(FlSyncController) started = fl_sync_controller_new (f->session, f->settings);
  fl_ui_test_wait_until (fl_sync_controller_get_last_synced (started) > before);
  g_assert_cmpint (fl_sync_controller_get_status (started), ==, FL_SYNC_STATUS_IDLE);
  fl_sync_controller_stop (started);
}

/* What libsecret reports becomes what to do, never a D-Bus object path. */
static void
test_keyring_errors (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) prompt_path = g_error_new_literal (G_DBUS_ERROR, G_DBUS_ERROR_FAILED,
                                                       "/org/freedesktop/secrets/prompt/u8");
  g_autoptr(GError) no_service = g_error_new_literal (G_DBUS_ERROR, G_DBUS_ERROR_SERVICE_UNKNOWN,
                                                      "The name org.freedesktop.secrets was not provided");
  struct { const GError *cause; int code; } cases[] = {
    { NULL, FL_TOKEN_STORE_ERROR_LOCKED },          /* the prompt dismissed */
    { prompt_path, FL_TOKEN_STORE_ERROR_LOCKED },
    { no_service, FL_TOKEN_STORE_ERROR_UNAVAILABLE },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      g_assert_false (fl_secret_token_store_fail (&error, cases[i].cause, "Cannot save the sign-in"));
      g_assert_error (error, FL_TOKEN_STORE_ERROR, cases[i].code);
      g_assert_true (g_str_has_prefix (error->message, "Cannot save the sign-in: "));
      g_assert_null (strstr (error->message, "/org/freedesktop"));
      g_assert_nonnull (strstr (error->message, "sign in again"));
    }
}

static void
test_resolve_conflict (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  sign_in (f, "eng_a");
  g_assert_cmpint (fl_session_get_role (f->session), ==, FL_ROLE_ENGINEER);

  /* An incident recorded here and sent. */
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = "LIS 接口中断 LIS interface down", .site_id = f->server.site_a,
    .impact = 2, .urgency = 2, .assignee = "eng_a",
  };
  g_autofree char *id = NULL;
  fl_work_order_create (f->db, &draft, "eng_a", &id, &error);
  g_assert_no_error (error);
  sync_now (f);
  g_assert_cmpint (fl_changelog_pending_count (f->db, NULL), ==, 0);

  /* A supervisor renames it while this laptop is offline and renames it too. */
  g_auto(FlSyncTestClient) supervisor = { 0 };
  fl_sync_test_client_init (&supervisor, "super");
  fl_sync_test_client_login (&supervisor, &f->server);
  fl_sync_test_client_sync (&supervisor);
  set_title (supervisor.db, id, "LIS 接口中断（检验科）LIS down in the lab");
  fl_sync_test_client_sync (&supervisor);
  set_title (f->db, id, "LIS 接口中断：已重启 LIS down, restarted");
  sync_now (f);

  /* The Sync page shows the conflict with the three values, and the sidebar counts it. */
  fl_window_show_area (f->window, "sync");
  FlSyncPage *page = FL_SYNC_PAGE (fl_window_get_page (f->window, "sync"));
  GListModel *conflicts = fl_sync_page_get_conflicts (page);
  g_assert_cmpuint (g_list_model_get_n_items (conflicts), ==, 1);
  g_autoptr(FlRecordItem) item = g_list_model_get_item (conflicts, 0);
  g_assert_true (g_str_has_prefix (fl_record_item_get_title (item), "Work order INC-"));
  g_assert_nonnull (strstr (fl_record_item_get_subtitle (item), "Title"));
  GtkListBox *list = fl_ui_test_child (page, FL_TYPE_SYNC_PAGE, "conflicts_list");
  AdwExpanderRow *row = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (list, 0));
  g_assert_nonnull (row);
  gint64 mid = fl_record_get_int (fl_record_item_get_record (item), "mid", 0);
  g_autoptr(FlOutboxEntry) entry = fl_outbox_get (f->db, mid, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (entry->conflicts->len, ==, 1);
  FlConflict *conflict = g_ptr_array_index (entry->conflicts, 0);
  g_assert_cmpstr (json_node_get_string (conflict->base), ==, "LIS 接口中断 LIS interface down");
  g_assert_cmpstr (json_node_get_string (conflict->mine), ==, "LIS 接口中断：已重启 LIS down, restarted");
  g_assert_cmpstr (json_node_get_string (conflict->theirs), ==, "LIS 接口中断（检验科）LIS down in the lab");
  GtkLabel *count = fl_ui_test_child (f->window, FL_TYPE_WINDOW, "sync_count");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (count)));
  g_assert_cmpstr (gtk_label_get_text (count), ==, "1");
  g_assert_cmpstr (fl_session_record_state (f->session, "work_order", id), ==, "conflict");
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "sync.png");

  /* Keep mine: an ordinary update that reaches the server at the next sync. */
  gtk_widget_activate_action (GTK_WIDGET (page), "sync-page.keep-mine", "x", mid);
  fl_ui_test_pump ();
  g_assert_cmpuint (g_list_model_get_n_items (conflicts), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (fl_sync_page_get_pending (page)), ==, 1);
  sync_now (f);
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (count)));
  g_assert_cmpint (fl_changelog_pending_count (f->db, NULL), ==, 0);
  g_assert_null (fl_session_record_state (f->session, "work_order", id));

  fl_sync_test_client_sync (&supervisor);
  g_autofree char *on_server = title_of (supervisor.db, id);
  g_assert_cmpstr (on_server, ==, "LIS 接口中断：已重启 LIS down, restarted");
  g_autofree char *here = title_of (f->db, id);
  g_assert_cmpstr (here, ==, on_server);
}

/* Whether a button under `widget` activates `action`. */
static gboolean
has_action_button (GtkWidget *widget, const char *action)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (widget)), action) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (has_action_button (child, action))
      return TRUE;
  return FALSE;
}

/* The values of the first conflicting field under `widget`. */
static const char *
field_values (GtkWidget *widget)
{
  if (ADW_IS_ACTION_ROW (widget) && g_str_has_prefix (adw_action_row_get_subtitle (ADW_ACTION_ROW (widget)) ?: "",
                                                      "Before: "))
    return adw_action_row_get_subtitle (ADW_ACTION_ROW (widget));
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      const char *values = field_values (child);
      if (values != NULL)
        return values;
    }
  return NULL;
}

/* The supervisor cancelled offline an order the engineer has started
 * since: the server refuses to cancel work in progress, so only its
 * version is offered, and the values read as words. */
static void
test_conflict_offers_what_server_accepts (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *sites[] = { f->server.site_a, NULL };
  g_autoptr(JsonObject) lina = fl_accounts_add_user (f->server.store, "lina", "Li Na", "engineer", sites,
                                                     FL_TEST_PASSWORD, "admin", &error);
  g_assert_no_error (error);
  g_auto(FlSyncTestClient) engineer = { 0 };
  fl_sync_test_client_init (&engineer, "lina");
  fl_sync_test_client_login (&engineer, &f->server);
  fl_sync_test_client_sync (&engineer);
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = "HIS 登录缓慢 HIS slow to sign in", .site_id = f->server.site_a,
    .impact = 3, .urgency = 3, .assignee = "lina",
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_work_order_create (engineer.db, &draft, "lina", &id, &error));
  g_assert_no_error (error);
  fl_sync_test_client_sync (&engineer);
  sign_in (f, "super");

  g_assert_true (fl_work_order_move (engineer.db, id, FL_ROLE_ENGINEER, "lina", FL_WO_IN_PROGRESS, NULL, &error));
  fl_sync_test_client_sync (&engineer);
  g_assert_true (fl_work_order_move (f->db, id, FL_ROLE_SUPERVISOR, "super", FL_WO_CANCELLED, "Reported twice", &error));
  g_assert_no_error (error);
  sync_now (f);

  fl_window_show_area (f->window, "sync");
  FlSyncPage *page = FL_SYNC_PAGE (fl_window_get_page (f->window, "sync"));
  g_assert_cmpuint (g_list_model_get_n_items (fl_sync_page_get_conflicts (page)), ==, 1);
  GtkListBox *list = fl_ui_test_child (page, FL_TYPE_SYNC_PAGE, "conflicts_list");
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (has_action_button (row, "sync-page.keep-theirs"));
  g_assert_false (has_action_button (row, "sync-page.keep-mine"));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "Yours cannot be kept"));
  const char *values = field_values (row);
  g_assert_nonnull (values);
  /* Both sides name who made them and when; the values read as words. */
  g_assert_true (g_str_has_prefix (values, "Before: Assigned\nMine (you, "));
  g_assert_nonnull (strstr (values, "): Cancelled\nTheirs (Li Na, 20"));
  g_assert_true (g_str_has_suffix (values, "): In progress"));
  g_assert_null (strstr (values, "in_progress"));
  g_autoptr(FlRecordItem) item = g_list_model_get_item (fl_sync_page_get_conflicts (page), 0);
  gint64 mid = fl_record_get_int (fl_record_item_get_record (item), "mid", 0);
  g_autoptr(FlOutboxEntry) entry = fl_outbox_get (f->db, mid, &error);
  g_assert_no_error (error);
  FlConflict *conflict = g_ptr_array_index (entry->conflicts, 0);
  g_assert_cmpstr (conflict->field, ==, "status");
}

static void
update_problem (FlDb *db, const char *id, FlRole role, const char *actor, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  g_assert_true (fl_problem_update (db, id, role, actor, values, &error));
  g_assert_no_error (error);
}

/* Not only work orders: the supervisor cancelled a problem while its
 * engineer started investigating it offline.  The server does not reopen a
 * cancelled problem, so only its version is offered. */
static void
test_problem_conflict_offers_what_server_accepts (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) supervisor = { 0 };
  fl_sync_test_client_init (&supervisor, "super");
  fl_sync_test_client_login (&supervisor, &f->server);
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"PRB-261122-SUP-0001\", \"title\": \"PACS 反复卡死 PACS freezes again\", \"site_id\": \"%s\","
      " \"origin\": \"trend\", \"priority\": 2, \"status\": \"registered\", \"by\": \"super\", \"at\": \"%s\"}",
      f->server.site_a, now);
  g_autofree char *id = fl_test_insert (supervisor.db, "problem", json);
  update_problem (supervisor.db, id, FL_ROLE_SUPERVISOR, "super", "{\"status\": \"assigned\", \"assignee\": \"eng_a\"}");
  fl_sync_test_client_sync (&supervisor);
  sign_in (f, "eng_a");

  update_problem (supervisor.db, id, FL_ROLE_SUPERVISOR, "super", "{\"status\": \"cancelled\"}");
  fl_sync_test_client_sync (&supervisor);
  update_problem (f->db, id, FL_ROLE_ENGINEER, "eng_a", "{\"status\": \"investigating\"}");
  sync_now (f);

  fl_window_show_area (f->window, "sync");
  FlSyncPage *page = FL_SYNC_PAGE (fl_window_get_page (f->window, "sync"));
  g_assert_cmpuint (g_list_model_get_n_items (fl_sync_page_get_conflicts (page)), ==, 1);
  GtkListBox *list = fl_ui_test_child (page, FL_TYPE_SYNC_PAGE, "conflicts_list");
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (has_action_button (row, "sync-page.keep-theirs"));
  g_assert_false (has_action_button (row, "sync-page.keep-mine"));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (ADW_EXPANDER_ROW (row)), "Yours cannot be kept"));
  const char *values = field_values (row);
  g_assert_nonnull (values);
  g_assert_nonnull (strstr (values, "Theirs (super, "));
}

/* A supervisor's computer shows the conflicts recorded of other people's
 * pushes, naming who sent each side and who made the value kept, and
 * when. */
static void
test_seen_conflict_names_both_sides (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  const char *sites[] = { f->server.site_a, NULL };
  g_autoptr(JsonObject) lina = fl_accounts_add_user (f->server.store, "lina", "Li Na", "supervisor", sites,
                                                     FL_TEST_PASSWORD, "admin", &error);
  g_assert_no_error (error);
  g_auto(FlSyncTestClient) engineer = { 0 };
  g_auto(FlSyncTestClient) supervisor = { 0 };
  fl_sync_test_client_init (&engineer, "eng_a");
  fl_sync_test_client_login (&engineer, &f->server);
  fl_sync_test_client_init (&supervisor, "super");
  fl_sync_test_client_login (&supervisor, &f->server);
  fl_sync_test_client_sync (&engineer);
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = "UPS 告警 UPS alarm", .site_id = f->server.site_a,
    .impact = 3, .urgency = 3, .assignee = "eng_a",
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_work_order_create (engineer.db, &draft, "eng_a", &id, &error));
  g_assert_no_error (error);
  fl_sync_test_client_sync (&engineer);
  fl_sync_test_client_sync (&supervisor);
  set_title (supervisor.db, id, "UPS 告警（机房 3）UPS alarm, room 3");
  fl_sync_test_client_sync (&supervisor);
  set_title (engineer.db, id, "UPS 电池告警 UPS battery alarm");
  fl_sync_test_client_sync (&engineer);

  sign_in (f, "lina");
  fl_window_show_area (f->window, "sync");
  FlSyncPage *page = FL_SYNC_PAGE (fl_window_get_page (f->window, "sync"));
  g_assert_cmpuint (g_list_model_get_n_items (fl_sync_page_get_conflicts (page)), ==, 0);
  g_assert_cmpuint (g_list_model_get_n_items (fl_sync_page_get_seen_conflicts (page)), ==, 1);
  GtkListBox *list = fl_ui_test_child (page, FL_TYPE_SYNC_PAGE, "seen_conflicts_list");
  GtkWidget *row = GTK_WIDGET (gtk_list_box_get_row_at_index (list, 0));
  g_assert_true (gtk_widget_is_visible (row));
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "Work order INC-"));
  g_assert_true (g_str_has_suffix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), " · Title"));
  const char *values = adw_action_row_get_subtitle (ADW_ACTION_ROW (row));
  g_assert_true (g_str_has_prefix (values, "Before: UPS 告警 UPS alarm\nSent (eng_a, 20"));
  g_assert_nonnull (strstr (values, "): UPS 电池告警 UPS battery alarm\nKept (super, 20"));
  g_assert_true (g_str_has_suffix (values, "): UPS 告警（机房 3）UPS alarm, room 3"));
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "sync-seen-conflicts.png");
}

static void
sign_out (Fixture *f)
{
  GtkStack *main_stack = fl_ui_test_child (f->window, FL_TYPE_WINDOW, "main_stack");
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->window), "win.sign-out", NULL));
  fl_ui_test_wait_until (g_strcmp0 (gtk_stack_get_visible_child_name (main_stack), "sign-in") == 0);
  g_assert_null (fl_session_get_login (f->session));
  g_assert_false (fl_sync_client_is_signed_in (fl_session_get_sync_client (f->session)));
  g_autofree char *saved = g_settings_get_string (f->settings, "login");
  g_assert_cmpstr (saved, ==, "");
}

/* There is a way out: signing out ends the token and shows the sign-in
 * page, where another user signs in; each role lands on its own home. */
static void
test_sign_out_and_switch_user (Fixture *f, gconstpointer data)
{
  static const struct { const char *login, *home; } users[] = {
    { "eng_a", "my-work" }, { "clerk", "stock" }, { "super", "approvals" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (users); i++)
    {
      sign_in (f, users[i].login);
      g_assert_cmpstr (fl_window_get_area (f->window), ==, users[i].home);
      GtkLabel *user = fl_ui_test_child (f->window, FL_TYPE_WINDOW, "user_label");
      g_assert_null (strstr (gtk_label_get_text (user), "(clerk)"));
      g_assert_null (strstr (gtk_label_get_text (user), "(supervisor)"));
      g_assert_null (strstr (gtk_label_get_text (user), "(engineer)"));
      sign_out (f);
    }
  /* Back at start, a signed-in clerk lands on the stock too. */
  sign_in (f, "clerk");
  g_autoptr(FlWindow) again = g_object_ref_sink (fl_window_new (NULL, f->session, f->sync));
  g_assert_cmpstr (fl_window_get_area (again), ==, "stock");
  gtk_window_destroy (GTK_WINDOW (again));
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/sync/lost-sign-in", Fixture, NULL, fixture_set_up, test_lost_sign_in_says_so,
              fixture_tear_down);
  g_test_add ("/ui/sync/first-sign-in-lists-orders", Fixture, NULL, fixture_set_up, test_first_sign_in_lists_orders,
              fixture_tear_down);
  g_test_add ("/ui/sync/sync-at-start", Fixture, NULL, fixture_set_up, test_sync_at_start,
              fixture_tear_down);
  g_test_add ("/ui/sync/keyring-errors", Fixture, NULL, fixture_set_up, test_keyring_errors,
              fixture_tear_down);
  g_test_add ("/ui/sync/conflict-offers", Fixture, NULL, fixture_set_up, test_conflict_offers_what_server_accepts,
              fixture_tear_down);
  g_test_add ("/ui/sync/seen-conflict-names-both-sides", Fixture, NULL, fixture_set_up,
              test_seen_conflict_names_both_sides, fixture_tear_down);
  g_test_add ("/ui/sync/problem-conflict-offers", Fixture, NULL, fixture_set_up,
              test_problem_conflict_offers_what_server_accepts, fixture_tear_down);
  g_test_add ("/ui/sync/sign-out-and-switch-user", Fixture, NULL, fixture_set_up, test_sign_out_and_switch_user,
              fixture_tear_down);
  g_test_add ("/ui/sync/resolve-conflict", Fixture, NULL, fixture_set_up, test_resolve_conflict,
              fixture_tear_down);
  return g_test_run ();
}
