/* An engineer's day with work orders, offline, through the real widgets:
 * record an incident and see it listed with its due dates, move it through
 * its lifecycle with the refused moves disabled, and use a part from the van
 * and see the van's balance drop.  FL_SCREENSHOT_DIR=<dir> saves
 * main-work-orders.png and work-order-detail.png. */
#include <fl-work-order.h>
#include <sys/wait.h>

#include "fl-acceptance-dialog.h"
#include "fl-format.h"
#include "fl-log-entry-dialog.h"
#include "fl-new-work-order-dialog.h"
#include "fl-record-item.h"
#include "fl-service-sheet.h"
#include "fl-signature-pad.h"
#include "fl-ui-test-util.h"
#include "fl-use-part-dialog.h"
#include "fl-work-order-list-page.h"
#include "fl-work-order-page.h"

typedef struct {
  char                *dir;
  FlDb                *db;
  FlSession           *session;
  FlWindow            *window;
  FlWorkOrderListPage *list;
  FlWorkOrderPage     *page;
  char                *site, *ci, *part, *van;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("K3F", &f->dir);

  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院 First People's Hospital\","
      " \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->ci = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"DB-01\", \"name\": \"HIS database\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\"}", f->site);
  f->part = fl_ui_test_store (f->db, "part",
      "{\"sku\": \"PSU-750W\", \"name\": \"750 W power supply\", \"unit\": \"pc\"}");
  f->van = fl_ui_test_store_printf (f->db, "stock_location",
      "{\"code\": \"VAN-ZW\", \"name\": \"张伟的车\", \"kind\": \"van\", \"owner\": \"zhang.wei\","
      " \"site_id\": \"%s\"}", f->site);
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_free (fl_ui_test_store_printf (f->db, "stock_movement",
      "{\"kind\": \"issue\", \"part_id\": \"%s\", \"qty\": 5, \"to_location\": \"%s\","
      " \"by\": \"li.na\", \"at\": \"%s\"}", f->part, f->van, now));

  f->session = fl_session_new (f->db, "zhang.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  f->list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (f->window, "my-work"));
  f->page = fl_work_order_list_page_get_detail (f->list);
  fl_ui_test_wait_until (!fl_work_order_model_get_loading (fl_work_order_list_page_get_model (f->list)));
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  fl_ui_test_pump ();
  g_clear_object (&f->session);
  g_clear_object (&f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->ci);
  g_free (f->part);
  g_free (f->van);
}

static void
wait_for_list (Fixture *f)
{
  fl_ui_test_wait_until (!fl_work_order_model_get_loading (fl_work_order_list_page_get_model (f->list)));
}

static FlRecordItem *
find_listed (Fixture *f, const char *title)
{
  GListModel *model = G_LIST_MODEL (fl_work_order_list_page_get_model (f->list));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (model, i);
      if (g_strcmp0 (fl_record_item_get_title (item), title) == 0)
        return g_steal_pointer (&item);
    }
  return NULL;
}

static const char *
row_subtitle (Fixture *f, const char *name)
{
  return adw_action_row_get_subtitle (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, name));
}

static gboolean
button_enabled (Fixture *f, const char *name)
{
  return gtk_widget_get_sensitive (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, name));
}

static char *
create_kind (Fixture *f, const char *kind, const char *title, const char *assignee)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = kind, .title = title, .site_id = f->site, .ci_id = f->ci,
    .reporter = "Ward 5", .impact = 3, .urgency = 2, .assignee = assignee,
  };
  char *id = NULL;
  fl_work_order_create (f->db, &draft, "zhang.wei", &id, &error);
  g_assert_no_error (error);
  wait_for_list (f);
  return id;
}

static char *
create_order (Fixture *f, const char *title, const char *assignee)
{
  return create_kind (f, "incident", title, assignee);
}

static char *
status_of (Fixture *f, const char *id)
{
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  return g_strdup (fl_record_get_string (row, "status"));
}

static void
test_create_incident_offline (Fixture *f, gconstpointer data)
{
  gtk_widget_activate_action (GTK_WIDGET (f->window), "win.new-work-order", NULL);
  fl_ui_test_pump ();
  FlNewWorkOrderDialog *dialog = fl_ui_test_find_window (FL_TYPE_NEW_WORK_ORDER_DIALOG);
  g_assert_nonnull (dialog);
#define DIALOG_CHILD(name) fl_ui_test_child (dialog, FL_TYPE_NEW_WORK_ORDER_DIALOG, name)

  /* Create is off without a title, and says so. */
  GtkWidget *create = fl_ui_test_find_actionable (GTK_WIDGET (dialog), "new-work-order.create");
  g_assert_false (gtk_widget_is_sensitive (create));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (create), ==, "Give the work order a title first");
  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD ("title_row")), "HIS 数据库连接超时 HIS database timeouts");
  g_assert_true (gtk_widget_is_sensitive (create));
  g_assert_null (gtk_widget_get_tooltip_text (create));
  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD ("reporter_row")), "Ward 5 nurse station");
  adw_combo_row_set_selected (DIALOG_CHILD ("ci_row"), 1);       /* DB-01 */
  adw_combo_row_set_selected (DIALOG_CHILD ("impact_row"), 1);   /* whole company */
  adw_combo_row_set_selected (DIALOG_CHILD ("urgency_row"), 0);  /* urgent */

  /* The priority and the due times show before anything is saved. */
  g_assert_cmpstr (adw_action_row_get_subtitle (DIALOG_CHILD ("priority_row")), ==, "High");
  const char *response_due = adw_action_row_get_subtitle (DIALOG_CHILD ("response_due_row"));
  const char *resolve_due = adw_action_row_get_subtitle (DIALOG_CHILD ("resolve_due_row"));
  g_assert_nonnull (response_due);
  g_assert_nonnull (resolve_due);
  g_autofree char *expected_response = g_strdup (response_due);
  g_autofree char *expected_resolve = g_strdup (resolve_due);
  /* 7x24 site, high priority: respond within 24 h, resolve within 48 h. */
  g_autofree char *in_24h = fl_format_time_usec (fl_time_now () + 24 * G_TIME_SPAN_HOUR);
  g_autofree char *in_48h = fl_format_time_usec (fl_time_now () + 48 * G_TIME_SPAN_HOUR);
  g_assert_cmpstr (expected_response, ==, in_24h);
  g_assert_cmpstr (expected_resolve, ==, in_48h);

  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-work-order.create", NULL);
#undef DIALOG_CHILD
  wait_for_list (f);

  /* Listed (mine and open), with its priority and SLA badge, and pending sync. */
  g_autoptr(FlRecordItem) item = find_listed (f, "HIS 数据库连接超时 HIS database timeouts");
  g_assert_nonnull (item);
  g_assert_cmpstr (fl_record_item_get_tag (item), ==, "High");
  g_assert_true (g_str_has_prefix (fl_record_item_get_badge (item), "Respond: 23 h 59 min left") ||
                 g_str_has_prefix (fl_record_item_get_badge (item), "Respond: 24 h"));
  g_assert_cmpstr (fl_record_item_get_sync_state (item), ==, "pending");
  g_assert_true (g_str_has_prefix (fl_record_item_get_subtitle (item), "INC-"));
  /* The assignee by name, as everywhere else, not by login. */
  g_assert_true (g_str_has_suffix (fl_record_item_get_subtitle (item), " · 张伟"));

  /* The new order is open beside the list, with the same due dates. */
  g_assert_cmpstr (fl_work_order_page_get_id (f->page), ==, fl_record_item_get_id (item));
  g_assert_true (g_str_has_prefix (row_subtitle (f, "response_row"), expected_response));
  g_assert_true (g_str_has_prefix (row_subtitle (f, "resolve_row"), expected_resolve));
  g_assert_cmpstr (row_subtitle (f, "assignee_row"), ==, "张伟");
  g_assert_true (g_str_has_prefix (row_subtitle (f, "ci_row"), "DB-01"));
  g_assert_cmpint (fl_changelog_pending_count (f->db, NULL), >=, 2);  /* the order and its log entry */

  /* Search finds it by words of its title, in Chinese too. */
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->list, FL_TYPE_WORK_ORDER_LIST_PAGE, "search_entry")),
                         "数据库连接");
  fl_ui_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (fl_work_order_list_page_get_model (f->list))) == 1);
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->list, FL_TYPE_WORK_ORDER_LIST_PAGE, "search_entry")),
                         "no such words");
  fl_ui_test_wait_until (g_list_model_get_n_items (G_LIST_MODEL (fl_work_order_list_page_get_model (f->list))) == 0);
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->list, FL_TYPE_WORK_ORDER_LIST_PAGE, "search_entry")), "");
  wait_for_list (f);
}

static void
accept_with_signature (Fixture *f)
{
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.accept", NULL);
  fl_ui_test_pump ();
  FlAcceptanceDialog *dialog = fl_ui_test_find_window (FL_TYPE_ACCEPTANCE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "accept"));
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (dialog, FL_TYPE_ACCEPTANCE_DIALOG, "name_entry")),
                         "王芳 Wang Fang");
  /* Nothing is chosen for the customer, and the dialog says what is missing. */
  GtkDropDown *satisfaction = fl_ui_test_child (dialog, FL_TYPE_ACCEPTANCE_DIALOG, "satisfaction_dropdown");
  g_assert_cmpuint (gtk_drop_down_get_selected (satisfaction), ==, GTK_INVALID_LIST_POSITION);
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "accept"));
  GtkLabel *hint = fl_ui_test_child (dialog, FL_TYPE_ACCEPTANCE_DIALOG, "hint_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (hint)));
  g_assert_nonnull (strstr (gtk_label_get_text (hint), "satisfied"));
  gtk_drop_down_set_selected (satisfaction, 1);
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "accept"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (hint)));
  const double stroke[] = { 20, 80, 60, 40, 100, 90, 160, 50, 220, 85 };
  fl_signature_pad_add_stroke (fl_ui_test_child (dialog, FL_TYPE_ACCEPTANCE_DIALOG, "signature_pad"),
                               stroke, G_N_ELEMENTS (stroke) / 2);
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "accept");
  fl_ui_test_pump ();
}

static void
test_lifecycle (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "UPS 电池告警 UPS battery alarm", NULL);
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_work_order_page_get_id (f->page), ==, id);

  /* New and unassigned: an engineer may only take it. */
  g_assert_true (button_enabled (f, "take_button"));
  g_assert_false (button_enabled (f, "start_button"));
  g_assert_false (button_enabled (f, "hold_button"));
  g_assert_false (button_enabled (f, "resolve_button"));
  g_assert_false (button_enabled (f, "close_button"));
  g_assert_false (button_enabled (f, "cancel_button"));  /* supervisors cancel */
  g_assert_false (button_enabled (f, "accept_button"));  /* nothing done to accept yet */
  g_assert_false (button_enabled (f, "out_of_scope_button"));  /* the service desk's */

  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-assigned", NULL);
  fl_ui_test_pump ();
  g_autofree char *assigned = status_of (f, id);
  g_assert_cmpstr (assigned, ==, "assigned");
  g_assert_cmpstr (row_subtitle (f, "assignee_row"), ==, "张伟");
  g_assert_false (button_enabled (f, "take_button"));
  g_assert_true (button_enabled (f, "start_button"));
  g_assert_false (button_enabled (f, "hold_button"));

  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-in-progress", NULL);
  fl_ui_test_pump ();
  g_autofree char *started = status_of (f, id);
  g_assert_cmpstr (started, ==, "in_progress");
  g_assert_true (button_enabled (f, "hold_button"));
  /* Resolve waits for a resolution and the customer's acceptance, and says so. */
  g_assert_false (button_enabled (f, "resolve_button"));
  GtkLabel *hint = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "hint_label");
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (hint)));
  g_assert_cmpstr (gtk_label_get_text (hint), !=, "");

  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-on-hold", NULL);
  fl_ui_test_pump ();
  g_autofree char *held = status_of (f, id);
  g_assert_cmpstr (held, ==, "on_hold");
  GtkLabel *sla = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "sla_label");
  g_assert_nonnull (strstr (gtk_label_get_text (sla), "paused on hold"));
  g_assert_true (button_enabled (f, "start_button"));  /* resume */

  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-in-progress", NULL);
  fl_ui_test_pump ();

  /* Work done: log the labour, write the resolution, get the acceptance. */
  adw_combo_row_set_selected (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "log_kind_row"), 1);
  GtkEditable *minutes = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "minutes_entry");
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "log_entry")),
                         "Replaced the battery pack");
  /* 10^12 minutes is refused beside the field, not clamped to a number
   * the supervisor would then read as 69 days of work. */
  gtk_editable_set_text (minutes, "1000000000000");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.add-log", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'labour'"), ==, 0);
  g_assert_cmpstr (row_subtitle (f, "minutes_row"), ==, "Enter a number from 0 to 1440");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (minutes), "error"));
  gtk_editable_set_text (minutes, "45");
  g_assert_false (gtk_widget_has_css_class (GTK_WIDGET (minutes), "error"));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.add-log", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'labour' AND minutes = 45"), ==, 1);

  AdwEntryRow *resolution = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "resolution_row");
  gtk_editable_set_text (GTK_EDITABLE (resolution), "Battery pack replaced, self-test passed");
  g_signal_emit_by_name (resolution, "apply");
  fl_ui_test_pump ();
  g_assert_false (button_enabled (f, "resolve_button"));  /* still needs the acceptance */
  g_assert_true (button_enabled (f, "accept_button"));

  accept_with_signature (f);
  g_autoptr(JsonObject) accepted = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (accepted, "customer_name"), ==, "王芳 Wang Fang");
  g_assert_cmpint (fl_record_get_int (accepted, "satisfaction", 0), ==, 4);
  const char *signature = fl_record_get_string (accepted, "signature_blob");
  g_assert_nonnull (signature);
  g_autofree char *signature_path = fl_session_get_blob_path (f->session, signature);
  g_assert_true (g_file_test (signature_path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (gtk_widget_get_visible (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "signature_picture")));

  g_assert_true (button_enabled (f, "resolve_button"));
  g_assert_false (gtk_widget_get_visible (GTK_WIDGET (hint)));
  /* The screenshot shows the work done: resolution, acceptance, work log. */
  GtkScrolledWindow *scroller = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "scroller");
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (scroller), 700);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "work-order-detail.png");
  /* Resolving asks whether it was fixed on the first visit. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-resolved", NULL);
  fl_ui_test_pump ();
  AdwMessageDialog *question = fl_ui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (question);
  g_autofree char *asked = status_of (f, id);
  g_assert_cmpstr (asked, ==, "in_progress");
  adw_message_dialog_response (question, "first");
  fl_ui_test_pump ();
  g_autofree char *resolved = status_of (f, id);
  g_assert_cmpstr (resolved, ==, "resolved");
  g_autoptr(JsonObject) done = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_true (json_object_has_member (done, "first_time_fix"));
  g_assert_true (fl_record_get_bool (done, "first_time_fix"));

  /* Closing is a supervisor's approval after sync: nothing is left to an engineer. */
  const char *buttons[] = { "take_button", "start_button", "hold_button", "resolve_button",
                            "close_button", "cancel_button" };
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    g_assert_false (button_enabled (f, buttons[i]));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'status'"), ==, 6);
}

/* What a poppler tool prints about `pdf`; NULL (the test skipped) when the
 * tool is not installed. */
static char *
pdf_tool (const char *tool, const char *option, const char *pdf)
{
  const char *argv[] = { tool, option, pdf, "-", NULL };
  if (g_str_equal (tool, "pdfimages"))
    argv[3] = NULL;
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    {
      g_test_skip_printf ("%s is not installed (poppler-utils): %s", tool, error->message);
      return NULL;
    }
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static char *
log_entry_id (Fixture *f, const char *text)
{
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM work_log WHERE text = '%s'", text);
  g_autoptr(GPtrArray) rows = fl_query_rows (f->db, sql, 0, NULL, NULL);
  g_assert_nonnull (rows);
  g_assert_cmpuint (rows->len, ==, 1);
  return g_strdup (fl_record_get_string (g_ptr_array_index (rows, 0), "id"));
}

/* The service sheet prints the order, the work as corrected (a voided
 * entry left out), the time spent and the customer's signature. */
static void
test_service_sheet (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "服务器电源故障 Server power supply failed", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-in-progress", NULL);
  fl_ui_test_pump ();
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_work_order_log (f->db, id, "zhang.wei", "labour", 90, "Replaced the PSU", &error));
  g_assert_true (fl_work_order_log (f->db, id, "zhang.wei", "travel", 30, "Drove to the site", &error));
  g_assert_true (fl_work_order_log (f->db, id, "zhang.wei", "labour", 600, "Logged on the wrong order", &error));
  g_assert_true (fl_work_order_log (f->db, id, "zhang.wei", "note", 0, "Called the vendr", &error));
  g_autofree char *wrong = log_entry_id (f, "Logged on the wrong order");
  g_assert_true (fl_work_order_void_log (f->db, wrong, "zhang.wei", &error));
  g_autofree char *typo = log_entry_id (f, "Called the vendr");
  g_assert_true (fl_work_order_edit_log (f->db, typo, "zhang.wei", "note", 0,
                                         "Called the vendor: the PSU is under warranty", &error));
  g_assert_no_error (error);
  AdwEntryRow *resolution = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "resolution_row");
  gtk_editable_set_text (GTK_EDITABLE (resolution), "Power supply replaced 电源已更换");
  g_signal_emit_by_name (resolution, "apply");
  fl_ui_test_pump ();
  accept_with_signature (f);

  g_autofree char *pdf = g_build_filename (f->dir, "sheet.pdf", NULL);
  fl_work_order_page_save_sheet (f->page, pdf);
  fl_ui_test_wait_until (g_file_test (pdf, G_FILE_TEST_EXISTS));
  g_autofree char *text = pdf_tool ("pdftotext", "-layout", pdf);
  if (text == NULL)
    return;
  g_autoptr(JsonObject) wo = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_autofree char *title = g_strdup_printf ("Service Sheet %s", fl_record_get_string (wo, "ref"));
  g_assert_nonnull (strstr (text, title));
  g_assert_nonnull (strstr (text, "第一人民医院"));
  g_assert_nonnull (strstr (text, "电源已更换"));
  g_assert_nonnull (strstr (text, "Replaced the PSU"));
  g_assert_nonnull (strstr (text, "the PSU is under warranty"));
  g_assert_null (strstr (text, "vendr"));
  g_assert_null (strstr (text, "wrong order"));
  g_assert_nonnull (strstr (text, "Labour 1 h 30 min · travel 30 minutes"));
  g_assert_nonnull (strstr (text, "Accepted by 王芳 Wang Fang"));
  g_autofree char *images = pdf_tool ("pdfimages", "-list", pdf);
  g_assert_nonnull (strstr (images, "image"));

  /* Without the signature file here, the sheet says so. */
  g_autofree char *unsigned_pdf = g_build_filename (f->dir, "unsigned.pdf", NULL);
  g_assert_true (fl_service_sheet_write_pdf (f->db, id, NULL, unsigned_pdf, &error));
  g_assert_no_error (error);
  g_autofree char *unsigned_text = pdf_tool ("pdftotext", "-layout", unsigned_pdf);
  g_assert_nonnull (strstr (unsigned_text, "signature is not on this device"));
}

static GtkListBoxRow *
log_row (Fixture *f, int index)
{
  return gtk_list_box_get_row_at_index (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "log_list"), index);
}

/* A work-log entry is corrected and then voided from the page: the time
 * totals follow, the history keeps each version, the voided entry stays
 * struck through. */
static void
test_log_corrections (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "风扇异响 Fan noise", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-in-progress", NULL);
  fl_ui_test_pump ();
  g_assert_cmpstr (row_subtitle (f, "time_row"), ==, "Labour 0 minutes · travel 0 minutes");
  adw_combo_row_set_selected (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "log_kind_row"), 1);
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "minutes_entry")), "45");
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "log_entry")), "Replaced fan");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.add-log", NULL);
  fl_ui_test_pump ();
  g_assert_cmpstr (row_subtitle (f, "time_row"), ==, "Labour 45 minutes · travel 0 minutes");

  g_autofree char *entry = log_entry_id (f, "Replaced fan");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.edit-log", "s", entry);
  fl_ui_test_pump ();
  FlLogEntryDialog *dialog = fl_ui_test_find_window (FL_TYPE_LOG_ENTRY_DIALOG);
  g_assert_nonnull (dialog);
#define DIALOG_CHILD(name) fl_ui_test_child (dialog, FL_TYPE_LOG_ENTRY_DIALOG, name)
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (DIALOG_CHILD ("text_row"))), ==, "Replaced fan");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));  /* nothing changed */
  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD ("minutes_entry")), "-3");
  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD ("text_row")), "Replaced the CPU fan");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));
  g_assert_cmpstr (adw_action_row_get_subtitle (DIALOG_CHILD ("minutes_row")), ==, "Enter a number from 0 to 1440");
  gtk_editable_set_text (GTK_EDITABLE (DIALOG_CHILD ("minutes_entry")), "60");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "save"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "save");
  fl_ui_test_pump ();
  g_assert_cmpstr (row_subtitle (f, "time_row"), ==, "Labour 1 h 00 min · travel 0 minutes");
  AdwActionRow *row = ADW_ACTION_ROW (log_row (f, 0));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Replaced the CPU fan");
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Corrected by 张伟"));

  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.edit-log", "s", entry);
  fl_ui_test_pump ();
  dialog = fl_ui_test_find_window (FL_TYPE_LOG_ENTRY_DIALOG);
  const char *history = gtk_label_get_text (DIALOG_CHILD ("history_label"));
  g_assert_nonnull (strstr (history, "张伟 — Replaced fan (45 minutes)"));
  g_assert_nonnull (strstr (history, "张伟 — Replaced the CPU fan (1 h 00 min)"));
#undef DIALOG_CHILD
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "void");
  fl_ui_test_pump ();
  g_assert_cmpstr (row_subtitle (f, "time_row"), ==, "Labour 0 minutes · travel 0 minutes");
  row = ADW_ACTION_ROW (log_row (f, 0));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), ==, "Replaced the CPU fan");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (row), "voided"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "Voided by 张伟"));
  gtk_widget_grab_focus (GTK_WIDGET (row));
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "work-log-corrections.png");
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM work_log WHERE revises = '%s'", entry);
  g_assert_cmpint (fl_test_count (f->db, sql), ==, 2);
  /* A voided entry is not corrected again. */
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_work_order_edit_log (f->db, entry, "zhang.wei", "labour", 10, "again", &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
}

/* Text typed into Cause and Resolution without Enter is not lost: it is
 * saved before an action leaves the row, kept while a sync changes the
 * order, and saved when another order is opened. */
static void
test_typed_text_is_saved (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "打印机卡纸 Printer jams", "zhang.wei");
  g_autofree char *other = create_order (f, "门禁失灵 Door badge reader", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-in-progress", NULL);
  fl_ui_test_pump ();

  GtkEditable *cause = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "cause_row");
  GtkEditable *resolution = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "resolution_row");
  gtk_editable_set_text (cause, "Worn pickup roller");
  /* A change of the order arriving meanwhile keeps what is being typed. */
  g_free (fl_ui_test_store_printf (f->db, "work_order",
      "{\"id\": \"%s\", \"version\": \"9\", \"ref\": \"INC-1\", \"kind\": \"incident\","
      " \"title\": \"Printer jams on ward 3\", \"site_id\": \"%s\", \"impact\": 3, \"urgency\": 2,"
      " \"status\": \"in_progress\", \"assignee\": \"zhang.wei\", \"priority\": \"medium\"}", id, f->site));
  g_signal_emit_by_name (f->session, "changed", "work_order");
  fl_ui_test_pump ();
  g_assert_cmpstr (gtk_editable_get_text (cause), ==, "Worn pickup roller");

  /* Going on to the acceptance (which a typed resolution allows) saves
   * both first. */
  gtk_editable_set_text (resolution, "Roller swapped");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.accept", NULL);
  fl_ui_test_pump ();
  FlAcceptanceDialog *dialog = fl_ui_test_find_window (FL_TYPE_ACCEPTANCE_DIALOG);
  g_assert_nonnull (dialog);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_autoptr(JsonObject) saved = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (saved, "cause"), ==, "Worn pickup roller");
  g_assert_cmpstr (fl_record_get_string (saved, "resolution"), ==, "Roller swapped");

  /* Leaving the row saves it. */
  g_assert_true (gtk_widget_grab_focus (GTK_WIDGET (resolution)));
  fl_ui_test_pump ();
  gtk_editable_set_text (resolution, "Roller cleaned");
  g_assert_true (gtk_widget_grab_focus (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "log_entry")));
  fl_ui_test_pump ();
  g_autoptr(JsonObject) focused_away = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (focused_away, "resolution"), ==, "Roller cleaned");

  /* Opening another order saves what was typed in this one. */
  gtk_editable_set_text (resolution, "Roller replaced");
  fl_window_show_work_order (f->window, other);
  fl_ui_test_pump ();
  g_autoptr(JsonObject) left = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (left, "resolution"), ==, "Roller replaced");
  g_assert_cmpstr (gtk_editable_get_text (resolution), ==, "");
}

/* Cancel Order asks for a reason and keeps it in the log. */
static void
test_cancel_asks_reason (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "重复报修 Reported twice", "zhang.wei");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"chen.jie\", \"display_name\": \"陈杰\", \"role\": \"supervisor\"}"));
  g_autoptr(FlSession) supervisor = fl_session_new (f->db, "chen.jie");
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  FlWorkOrderPage *page = g_object_new (FL_TYPE_WORK_ORDER_PAGE, NULL);
  adw_toast_overlay_set_child (overlay, GTK_WIDGET (page));
  gtk_window_set_child (window, GTK_WIDGET (overlay));
  fl_work_order_page_set_session (page, supervisor);
  fl_work_order_page_load (page, id);
  gtk_window_present (window);
  fl_ui_test_pump ();

  gtk_widget_activate_action (GTK_WIDGET (page), "work-order.move-cancelled", NULL);
  fl_ui_test_pump ();
  AdwMessageDialog *dialog = fl_ui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_autofree char *still = status_of (f, id);
  g_assert_cmpstr (still, ==, "assigned");  /* nothing until confirmed */
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "cancel-order"));
  GtkEditable *reason = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  gtk_editable_set_text (reason, "  ");
  g_assert_false (adw_message_dialog_get_response_enabled (dialog, "cancel-order"));
  gtk_editable_set_text (reason, "Same fault as INC-0001");
  g_assert_true (adw_message_dialog_get_response_enabled (dialog, "cancel-order"));
  adw_message_dialog_response (dialog, "cancel-order");
  fl_ui_test_pump ();
  g_autofree char *cancelled = status_of (f, id);
  g_assert_cmpstr (cancelled, ==, "cancelled");
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_log WHERE kind = 'status'"
                                         " AND text = 'Same fault as INC-0001'"), ==, 1);
  gtk_window_destroy (window);
  fl_ui_test_pump ();
}

/* A real drag on the pad, as the X server delivers it, inside a window
 * handle (what lets a dialog be moved by its background): the pad takes the
 * whole stroke, and the handle moves nothing. */
static cairo_status_t
read_bytes (void *closure, unsigned char *data, unsigned int length)
{
  GInputStream *in = closure;
  return g_input_stream_read_all (in, data, length, NULL, NULL, NULL) ? CAIRO_STATUS_SUCCESS
                                                                      : CAIRO_STATUS_READ_ERROR;
}

/* Whether the signature's PNG has ink within 6 px of (x, y). */
static gboolean
inked_near (GBytes *png, int x, int y)
{
  g_autoptr(GInputStream) in = g_memory_input_stream_new_from_bytes (png);
  cairo_surface_t *image = cairo_image_surface_create_from_png_stream (read_bytes, in);
  g_assert_cmpint (cairo_surface_status (image), ==, CAIRO_STATUS_SUCCESS);
  const unsigned char *data = cairo_image_surface_get_data (image);
  int stride = cairo_image_surface_get_stride (image);
  gboolean inked = FALSE;
  for (int dy = -6; dy <= 6 && !inked; dy++)
    for (int dx = -6; dx <= 6 && !inked; dx++)
      {
        int px = x + dx, py = y + dy;
        if (px >= 0 && py >= 0 && px < cairo_image_surface_get_width (image) &&
            py < cairo_image_surface_get_height (image))
          inked = data[py * stride + px * 4] < 128;  /* blue of RGB24: the ink is dark */
      }
  cairo_surface_destroy (image);
  return inked;
}

static void
test_signature_pad_takes_drag (Fixture *f, gconstpointer data)
{
  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_decorated (window, FALSE);
  GtkWidget *handle = gtk_window_handle_new ();
  FlSignaturePad *pad = FL_SIGNATURE_PAD (fl_signature_pad_new ());
  gtk_window_handle_set_child (GTK_WINDOW_HANDLE (handle), GTK_WIDGET (pad));
  gtk_window_set_child (window, handle);
  gtk_window_present (window);
  fl_ui_test_wait_until (gtk_widget_get_mapped (GTK_WIDGET (pad)) && gtk_widget_get_width (GTK_WIDGET (pad)) > 0);

  /* Without a window manager the window sits at the top left of the screen. */
  g_autoptr(GError) error = NULL;
  GPid pid;
  /* Pauses between the moves so that GTK does not fold them into one. */
  const char *argv[] = { "xdotool", "mousemove", "40", "60", "mousedown", "1", "sleep", "0.05",
                         "mousemove", "80", "70", "sleep", "0.05", "mousemove", "120", "90", "sleep", "0.05",
                         "mousemove", "160", "80", "sleep", "0.05", "mousemove", "200", "100", "sleep", "0.05",
                         "mousemove", "240", "70", "sleep", "0.05", "mousemove", "280", "90", "sleep", "0.05",
                         "mouseup", "1", NULL };
  if (!g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_DO_NOT_REAP_CHILD,
                      NULL, NULL, &pid, &error))
    {
      g_test_skip ("xdotool is not installed");
      gtk_window_destroy (window);
      return;
    }
  int status = -1;
  while (waitpid (pid, &status, WNOHANG) == 0)
    g_main_context_iteration (NULL, FALSE);
  g_spawn_close_pid (pid);
  fl_ui_test_wait_until (fl_signature_pad_get_n_strokes (pad) > 0);
  g_assert_cmpuint (fl_signature_pad_get_n_strokes (pad), ==, 1);
  /* The whole stroke, from where the press was to where the button went up. */
  g_autoptr(GBytes) png = fl_signature_pad_to_png (pad, &error);
  g_assert_no_error (error);
  g_assert_true (inked_near (png, 40, 60));
  g_assert_true (inked_near (png, 280, 90));
  gtk_window_destroy (window);
  fl_ui_test_pump ();
}

static void
test_use_part_from_van (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "服务器电源故障 Server power supply failed", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_stock_balance (f->db, f->van, f->part, NULL), ==, 5);

  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.use-part", NULL);
  fl_ui_test_pump ();
  FlUsePartDialog *dialog = fl_ui_test_find_window (FL_TYPE_USE_PART_DIALOG);
  g_assert_nonnull (dialog);
  GtkDropDown *parts = fl_ui_test_child (dialog, FL_TYPE_USE_PART_DIALOG, "part_dropdown");
  GtkStringObject *offered = gtk_drop_down_get_selected_item (parts);
  g_assert_nonnull (strstr (gtk_string_object_get_string (offered), "5 pieces in the van"));
  g_assert_true (fl_use_part_dialog_select_part (dialog, f->part));
  GtkEditable *qty = fl_ui_test_child (dialog, FL_TYPE_USE_PART_DIALOG, "qty_entry");
  gtk_editable_set_text (qty, "1000000000000");
  g_assert_false (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "use"));
  g_assert_cmpstr (gtk_label_get_text (fl_ui_test_child (dialog, FL_TYPE_USE_PART_DIALOG, "qty_error")), ==,
                   "Enter a number from 1 to 1000000");
  gtk_editable_set_text (qty, "2");
  g_assert_true (adw_message_dialog_get_response_enabled (ADW_MESSAGE_DIALOG (dialog), "use"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "use");
  fl_ui_test_pump ();

  /* The ledger has the `use` and the van's balance dropped by two. */
  g_assert_cmpint (fl_stock_balance (f->db, f->van, f->part, NULL), ==, 3);
  g_assert_cmpint (fl_test_count (f->db,
                   "SELECT count(*) FROM stock_movement WHERE kind = 'use' AND qty = 2"), ==, 1);
  GtkListBox *parts_list = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "parts_list");
  AdwActionRow *row = ADW_ACTION_ROW (gtk_list_box_get_row_at_index (parts_list, 0));
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "3 left there"));
  g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row)), "2 pieces 750 W power supply"));

  /* The next time, the dialog offers what is left. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.use-part", NULL);
  fl_ui_test_pump ();
  dialog = fl_ui_test_find_window (FL_TYPE_USE_PART_DIALOG);
  offered = gtk_drop_down_get_selected_item (fl_ui_test_child (dialog, FL_TYPE_USE_PART_DIALOG, "part_dropdown"));
  g_assert_nonnull (strstr (gtk_string_object_get_string (offered), "3 pieces in the van"));
  adw_message_dialog_response (ADW_MESSAGE_DIALOG (dialog), "cancel");
  fl_ui_test_pump ();
  g_assert_cmpint (fl_stock_balance (f->db, f->van, f->part, NULL), ==, 3);
}

static void
test_attach_photo (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "机房漏水 Water on the server room floor", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();

  /* What the file chooser hands over: an image file on disk. */
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, 64, 48);
  g_autofree char *path = g_build_filename (f->dir, "leak.png", NULL);
  g_assert_cmpint (cairo_surface_write_to_png (surface, path), ==, CAIRO_STATUS_SUCCESS);
  cairo_surface_destroy (surface);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  fl_work_order_page_attach_file (f->page, file);
  fl_ui_test_wait_until (fl_test_count (f->db, "SELECT count(*) FROM attachment") == 1);

  /* An attachment row pointing at a blob with the file's bytes, listed on the order. */
  g_autoptr(FlStmt) stmt = fl_db_prepare (f->db, "SELECT owner_id, sha256, mime, filename, size FROM attachment", NULL);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 0), ==, id);
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "image/png");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, "leak.png");
  g_autofree char *blob = fl_session_get_blob_path (f->session, (const char *) sqlite3_column_text (stmt, 1));
  g_autofree char *original = NULL, *stored = NULL;
  gsize original_size = 0, stored_size = 0;
  g_assert_true (g_file_get_contents (path, &original, &original_size, NULL));
  g_assert_true (g_file_get_contents (blob, &stored, &stored_size, NULL));
  g_assert_cmpmem (original, original_size, stored, stored_size);
  g_assert_cmpint (sqlite3_column_int64 (stmt, 4), ==, (gint64) original_size);
  GtkListBox *photos = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "photos_list");
  g_assert_nonnull (gtk_list_box_get_row_at_index (photos, 0));
}

static void
test_list_screenshot (Fixture *f, gconstpointer data)
{
  static const char * const titles[] = {
    "LIS 接口中断 LIS interface down", "打印机卡纸 Printer jam in ward 5", "开通 VPN 账号 VPN access",
    "PACS 影像无法调阅 PACS images will not open",
  };
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    g_free (create_order (f, titles[i], "zhang.wei"));
  g_autofree char *id = create_order (f, "UPS 电池告警 UPS battery alarm", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (fl_work_order_list_page_get_model (f->list))), ==, 5);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "main-work-orders.png");
}

/* The dialog a move opens, its extra child's widgets in order. */
static AdwMessageDialog *
move_dialog (GtkWidget *page, const char *action, GtkWidget **first, GtkWidget **last)
{
  gtk_widget_activate_action (page, action, NULL);
  fl_ui_test_pump ();
  AdwMessageDialog *dialog = fl_ui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  GtkWidget *box = adw_message_dialog_get_extra_child (dialog);
  *first = gtk_widget_get_first_child (box);
  *last = gtk_widget_get_last_child (box);
  return dialog;
}

/* The service desk (a supervisor) rejects a new incident as out of scope,
 * with the reason, and records the follow-up call on a closed one; the
 * engineer is offered neither. */
static void
test_service_desk_steps (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "私人手机无法上网 Personal phone offline", NULL);
  g_autofree char *closed = fl_ui_test_store_printf (f->db, "work_order",
      "{\"ref\": \"INC-261120-K3F-0077\", \"kind\": \"incident\", \"title\": \"打印机脱机 Printer offline\","
      " \"site_id\": \"%s\", \"impact\": 3, \"urgency\": 3, \"status\": \"closed\", \"assignee\": \"zhang.wei\","
      " \"resolution\": \"Replaced the cable\", \"customer_name\": \"王芳\", \"satisfaction\": 5}", f->site);
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  g_assert_false (button_enabled (f, "out_of_scope_button"));
  fl_window_show_work_order (f->window, closed);
  fl_ui_test_pump ();
  g_assert_false (button_enabled (f, "follow_up_button"));

  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"chen.jie\", \"display_name\": \"陈洁\", \"role\": \"supervisor\"}"));
  g_autoptr(FlSession) session = fl_session_new (f->db, "chen.jie");
  FlWindow *window = fl_window_new (NULL, session, NULL);
  gtk_window_present (GTK_WINDOW (window));
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (window, "my-work"));
  GtkWidget *page = GTK_WIDGET (fl_work_order_list_page_get_detail (list));
  fl_window_show_work_order (window, id);
  fl_ui_test_pump ();
  g_assert_true (gtk_widget_get_sensitive (fl_ui_test_child (page, FL_TYPE_WORK_ORDER_PAGE, "out_of_scope_button")));

  GtkWidget *reason, *last;
  AdwMessageDialog *reject = move_dialog (page, "work-order.move-rejected", &reason, &last);
  g_assert_false (adw_message_dialog_get_response_enabled (reject, "record"));
  gtk_editable_set_text (GTK_EDITABLE (reason), "   ");
  g_assert_false (adw_message_dialog_get_response_enabled (reject, "record"));
  gtk_editable_set_text (GTK_EDITABLE (reason), "员工个人设备，不在服务范围内 A personal device");
  g_assert_true (adw_message_dialog_get_response_enabled (reject, "record"));
  adw_message_dialog_response (reject, "record");
  fl_ui_test_pump ();
  g_autoptr(JsonObject) rejected = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (rejected, "status"), ==, "rejected");
  g_assert_cmpstr (fl_record_get_string (rejected, "reject_reason"), ==, "员工个人设备，不在服务范围内 A personal device");

  fl_window_show_work_order (window, closed);
  fl_ui_test_pump ();
  GtkWidget *satisfaction, *said;
  AdwMessageDialog *follow_up = move_dialog (page, "work-order.move-visited", &satisfaction, &said);
  /* The acceptance's 5 is not taken for the call's answer. */
  g_assert_cmpuint (gtk_drop_down_get_selected (GTK_DROP_DOWN (satisfaction)), ==, GTK_INVALID_LIST_POSITION);
  g_assert_false (adw_message_dialog_get_response_enabled (follow_up, "record"));
  gtk_drop_down_set_selected (GTK_DROP_DOWN (satisfaction), 2);
  gtk_editable_set_text (GTK_EDITABLE (said), "修好了，但等了两天 Fixed, but it took two days");
  g_assert_true (adw_message_dialog_get_response_enabled (follow_up, "record"));
  adw_message_dialog_response (follow_up, "record");
  fl_ui_test_pump ();
  g_autoptr(JsonObject) visited = fl_record_load (f->db, fl_schema_lookup ("work_order"), closed, NULL);
  g_assert_cmpstr (fl_record_get_string (visited, "status"), ==, "visited");
  g_assert_cmpint (fl_record_get_int (visited, "satisfaction", 0), ==, 3);
  g_assert_false (gtk_widget_get_sensitive (fl_ui_test_child (page, FL_TYPE_WORK_ORDER_PAGE, "follow_up_button")));
  gtk_window_destroy (GTK_WINDOW (window));
  fl_ui_test_pump ();
}

/* The first line hands an open service request to the second: the page
 * offers it for requests only, says so, and shows the line it is with. */
static void
test_hand_to_second_line (Fixture *f, gconstpointer data)
{
  g_autofree char *incident = create_order (f, "打印机卡纸 Printer jam", "zhang.wei");
  fl_window_show_work_order (f->window, incident);
  fl_ui_test_pump ();
  g_assert_false (gtk_widget_get_visible (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "second_line_button")));

  g_autofree char *id = create_kind (f, "request", "开通 VPN 账号 VPN access", "zhang.wei");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  g_assert_true (gtk_widget_get_visible (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "second_line_button")));
  g_assert_true (button_enabled (f, "second_line_button"));
  g_assert_nonnull (strstr (row_subtitle (f, "service_row"), "First line"));
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.hand-to-second-line", NULL);
  fl_ui_test_pump ();
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (row, "support_line"), ==, "second");
  g_assert_nonnull (strstr (row_subtitle (f, "service_row"), "Second line"));
  g_assert_false (gtk_widget_get_visible (fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "second_line_button")));
}

/* A move the engineer may not make now looks disabled, not like a blue or
 * red button that does nothing, and says why. */
static void
test_disabled_moves_look_disabled (Fixture *f, gconstpointer data)
{
  g_autofree char *id = create_order (f, "UPS 电池告警 UPS battery alarm", NULL);
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  GtkWidget *start = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "start_button");
  GtkWidget *cancel = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "cancel_button");
  g_assert_false (gtk_widget_is_sensitive (start));
  g_assert_false (gtk_widget_is_sensitive (cancel));
  g_assert_cmpuint (fl_ui_test_assert_disabled_looks_disabled (GTK_WIDGET (f->page)), >=, 2);
  /* Why Start Work is not offered: the order is nobody's yet. */
  g_assert_nonnull (gtk_widget_get_tooltip_text (start));
  g_assert_nonnull (gtk_widget_get_tooltip_text (cancel));

  /* Once taken, the engineer may start: the same button in its colour,
   * with what it does as its tooltip again. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "work-order.move-assigned", NULL);
  fl_ui_test_pump ();
  g_assert_true (gtk_widget_is_sensitive (start));
  g_assert_cmpfloat (fl_ui_test_colourfulness (start), >, 40);
  g_assert_cmpstr (gtk_widget_get_tooltip_text (start), ==, "Begin the work: the response time is met");
}

/* The filter chips show plainly whether they are on: tinted in the accent
 * colour when checked, and pressed for assistive technologies. */
static void
test_filter_chips_show_state (Fixture *f, gconstpointer data)
{
  static const char * const chips[] = {
    "mine_toggle", "open_toggle", "overdue_toggle", "nearing_toggle", "escalated_toggle",
  };
  for (guint i = 0; i < G_N_ELEMENTS (chips); i++)
    {
      GtkToggleButton *chip = fl_ui_test_child (f->list, FL_TYPE_WORK_ORDER_LIST_PAGE, chips[i]);
      gtk_toggle_button_set_active (chip, FALSE);
      wait_for_list (f);
      double off = fl_ui_test_colourfulness (GTK_WIDGET (chip));
      g_assert_false (gtk_widget_get_state_flags (GTK_WIDGET (chip)) & GTK_STATE_FLAG_CHECKED);
      gtk_test_accessible_assert_state (chip, GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_FALSE);
      gtk_toggle_button_set_active (chip, TRUE);
      wait_for_list (f);
      double on = fl_ui_test_colourfulness (GTK_WIDGET (chip));
      g_assert_true (gtk_widget_get_state_flags (GTK_WIDGET (chip)) & GTK_STATE_FLAG_CHECKED);
      gtk_test_accessible_assert_state (chip, GTK_ACCESSIBLE_STATE_PRESSED, GTK_ACCESSIBLE_TRISTATE_TRUE);
      g_test_message ("%s: %.0f off, %.0f on", chips[i], off, on);
      g_assert_cmpfloat (on - off, >, 30);
    }
}

/* In a window 1100 px wide the list stays beside the detail and every
 * label in both is readable whole, or ellipsized with a tooltip. */
static void
test_readable_at_1100 (Fixture *f, gconstpointer data)
{
  static const char * const titles[] = {
    "核心交换机端口频繁抖动导致门诊挂号系统间歇性中断 Core switch port flapping interrupts outpatient registration",
    "PACS 影像无法调阅 PACS images will not open on the radiology workstations of the second floor",
    "打印机卡纸 Printer jam",
  };
  g_autofree char *id = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (titles); i++)
    {
      g_free (id);
      id = create_order (f, titles[i], "zhang.wei");
    }
  FlWindow *window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (window, "my-work"));
  fl_ui_test_wait_until (!fl_work_order_model_get_loading (fl_work_order_list_page_get_model (list)));
  fl_window_show_work_order (window, id);
  fl_ui_test_pump ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1100);
  g_assert_false (adw_leaflet_get_folded (fl_ui_test_child (list, FL_TYPE_WORK_ORDER_LIST_PAGE, "leaflet")));
  fl_ui_test_screenshot (GTK_WIDGET (window), "work-orders-1100.png");
  g_assert_cmpuint (fl_ui_test_assert_readable (GTK_WIDGET (window)), >, 20);
  gtk_window_destroy (GTK_WINDOW (window));
}

/* Another order chosen in the list shows from its top, wherever the
 * previous one was scrolled to. */
static void
test_detail_starts_at_top (Fixture *f, gconstpointer data)
{
  g_autofree char *first = create_order (f, "UPS 电池告警 UPS battery alarm", "zhang.wei");
  g_autofree char *second = create_order (f, "打印机卡纸 Printer jam", "zhang.wei");
  fl_window_show_work_order (f->window, first);
  fl_ui_test_pump ();
  GtkScrolledWindow *scroller = fl_ui_test_child (f->page, FL_TYPE_WORK_ORDER_PAGE, "scroller");
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  fl_ui_test_pump ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 100);

  GtkGridView *view = fl_ui_test_child (f->list, FL_TYPE_WORK_ORDER_LIST_PAGE, "list_view");
  GListModel *model = G_LIST_MODEL (fl_work_order_list_page_get_model (f->list));
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (model, i);
      if (g_strcmp0 (fl_record_item_get_id (item), second) == 0)
        g_signal_emit_by_name (view, "activate", i);
    }
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_work_order_page_get_id (f->page), ==, second);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
}

/* The log written by an English-speaking engineer reads in Chinese to a
 * colleague whose desktop is in zh_CN. */
static void
test_log_in_readers_language (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *id = create_order (f, "UPS alarm", "zhang.wei");
  g_assert_true (fl_work_order_move (f->db, id, FL_ROLE_ENGINEER, "zhang.wei", FL_WO_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);

  fl_test_use_language ("zh_CN");
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  gboolean created_zh = fl_ui_test_shows_text (GTK_WIDGET (f->page), "由 zhang.wei 创建");
  gboolean moved_zh = fl_ui_test_shows_text (GTK_WIDGET (f->page), "已分派 → 处理中");
  gboolean created_en = fl_ui_test_shows_text (GTK_WIDGET (f->page), "Created by zhang.wei");
  fl_test_use_language (NULL);
  g_assert_true (created_zh);
  g_assert_true (moved_zh);
  g_assert_false (created_en);
}

/* A query running in its worker does not keep the list's model alive:
 * the model, and the session behind it, are let go at once on this thread,
 * and the query's answer, when it comes, goes nowhere.  (A query holding
 * the model could let go of it last, in the worker, and finalize the
 * session there while this thread went on.) */
static void
test_query_does_not_hold_the_model (Fixture *f, gconstpointer data)
{
  FlWorkOrderModel *model = fl_work_order_model_new (f->session);
  g_object_add_weak_pointer (G_OBJECT (model), (gpointer *) &model);
  fl_work_order_model_refresh (model);
  g_assert_true (fl_work_order_model_get_loading (model));
  g_object_unref (model);
  g_assert_null (model);
  /* The worker's answer arrives after its model is gone (a warning or a
   * touch of the freed model would fail the test here). */
  for (int i = 0; i < 20; i++)
    {
      fl_ui_test_pump ();
      g_usleep (10 * 1000);
    }
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/work-orders/create-offline", test_create_incident_offline);
  ADD ("/ui/work-orders/lifecycle", test_lifecycle);
  ADD ("/ui/work-orders/service-desk-steps", test_service_desk_steps);
  ADD ("/ui/work-orders/second-line", test_hand_to_second_line);
  ADD ("/ui/work-orders/typed-text", test_typed_text_is_saved);
  ADD ("/ui/work-orders/cancel-reason", test_cancel_asks_reason);
  ADD ("/ui/work-orders/signature-drag", test_signature_pad_takes_drag);
  ADD ("/ui/work-orders/use-part", test_use_part_from_van);
  ADD ("/ui/work-orders/service-sheet", test_service_sheet);
  ADD ("/ui/work-orders/log-corrections", test_log_corrections);
  ADD ("/ui/work-orders/attach-photo", test_attach_photo);
  ADD ("/ui/work-orders/screenshot", test_list_screenshot);
  ADD ("/ui/work-orders/disabled-moves-look-disabled", test_disabled_moves_look_disabled);
  ADD ("/ui/work-orders/filter-chips-show-state", test_filter_chips_show_state);
  ADD ("/ui/work-orders/readable-at-1100", test_readable_at_1100);
  ADD ("/ui/work-orders/detail-starts-at-top", test_detail_starts_at_top);
  ADD ("/ui/work-orders/log-in-readers-language", test_log_in_readers_language);
  ADD ("/ui/work-orders/query-does-not-hold-the-model", test_query_does_not_hold_the_model);
  return g_test_run ();
}
