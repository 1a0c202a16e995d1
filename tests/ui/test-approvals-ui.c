/* The supervisor's approval queue end to end, with the real server
 * in-process on port 0 and the real sync engine: a stock count with a
 * variance approved -> the server posts the adjustment and the balance
 * equals the count; a scrap approved -> the balance drops; an approval of a
 * count that changed meanwhile is refused as stale, shown as such beside
 * the item's new state, and decided again; resolved work approved and
 * rejected; a new work order assigned.  Runs under Xvfb;
 * FL_SCREENSHOT_DIR=<dir> saves approvals.png. */
#include "fl-ui-test-util.h"

#include <string.h>

#include "fl-approvals-page.h"
#include "fl-change.h"
#include "fl-record-item.h"
#include "fl-session.h"
#include "fl-stock-count-sheet.h"
#include "fl-sync-test-util.h"
#include "fl-user.h"
#include "fl-work-order-page.h"
#include "fl-work-order-queries.h"
#include "fl-work-order.h"

typedef struct {
  FlSyncServer      server;
  FlSyncTestClient  clerk;
  FlSyncTestClient  supervisor;
  FlSyncTestClient  engineer;
  FlSession        *supervisor_session;
  GtkWindow        *window;
  FlApprovalsPage  *page;
  char             *fan;        /* part */
  char             *store;      /* warehouse at site A */
} Fixture;

#define pump fl_ui_test_pump

static void
sync_client (Fixture *f, FlSyncTestClient *c)
{
  fl_sync_test_client_sync (c);
  pump ();
}

static gint64
balance (FlSyncTestClient *c, const char *location, const char *part)
{
  g_autoptr(GError) error = NULL;
  gint64 qty = fl_stock_balance (c->db, location, part, &error);
  g_assert_no_error (error);
  g_assert_true (fl_stock_verify (c->db, &error));
  g_assert_no_error (error);
  return qty;
}

#define count_rows fl_test_count

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  fl_sync_server_setup (&f->server);
  g_autoptr(JsonObject) part = json_object_new ();
  json_object_set_string_member (part, "sku", "FAN-1U");
  json_object_set_string_member (part, "name", "1U 服务器风扇");
  json_object_set_string_member (part, "unit", "pc");
  json_object_set_int_member (part, "min_stock", 4);
  f->fan = fl_test_put (f->server.store, "part", part);
  g_autoptr(JsonObject) store = json_object_new ();
  json_object_set_string_member (store, "code", "WH-A");
  json_object_set_string_member (store, "name", "Hospital A store");
  json_object_set_string_member (store, "kind", "warehouse");
  json_object_set_string_member (store, "site_id", f->server.site_a);
  f->store = fl_test_put (f->server.store, "stock_location", store);

  fl_sync_test_client_init (&f->clerk, "clerk");
  fl_sync_test_client_login (&f->clerk, &f->server);
  sync_client (f, &f->clerk);
  fl_sync_test_client_init (&f->engineer, "eng_a");
  fl_sync_test_client_login (&f->engineer, &f->server);
  sync_client (f, &f->engineer);

  /* Ten fans arrive at the store. */
  g_autoptr(GError) error = NULL;
  FlStockMovement receive = { FL_MOVE_RECEIVE, f->fan, 10, NULL, f->store, NULL, NULL, "DN-1", NULL, "clerk" };
  g_assert_true (fl_stock_post (f->clerk.db, &receive, NULL, &error));
  g_assert_no_error (error);
  sync_client (f, &f->clerk);

  fl_sync_test_client_init (&f->supervisor, "super");
  fl_sync_test_client_login (&f->supervisor, &f->server);
  sync_client (f, &f->supervisor);
  /* The page downloads photos with the supervisor's sign-in. */
  f->supervisor_session = fl_session_new_with_tokens (f->supervisor.db, "super", f->supervisor.tokens);
  g_assert_cmpint (fl_session_get_role (f->supervisor_session), ==, FL_ROLE_SUPERVISOR);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1100, 760);
  AdwToastOverlay *overlay = ADW_TOAST_OVERLAY (adw_toast_overlay_new ());
  f->page = FL_APPROVALS_PAGE (fl_approvals_page_new (f->supervisor_session));
  adw_toast_overlay_set_child (overlay, GTK_WIDGET (f->page));
  gtk_window_set_child (f->window, GTK_WIDGET (overlay));
  gtk_window_present (f->window);
  pump ();
  g_assert_cmpint (balance (&f->supervisor, f->store, f->fan), ==, 10);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  pump ();
  g_clear_object (&f->supervisor_session);
  fl_sync_test_client_clear (&f->supervisor);
  fl_sync_test_client_clear (&f->engineer);
  fl_sync_test_client_clear (&f->clerk);
  fl_sync_server_teardown (&f->server);
  g_free (f->fan);
  g_free (f->store);
}

/* The clerk counts `counted` fans at the store with the stocktake sheet
 * and syncs; returns the count's id. */
static char *
clerk_counts (Fixture *f, gint64 counted)
{
  g_autoptr(FlSession) session = fl_session_new (f->clerk.db, "clerk");
  FlStockCountSheet *sheet = g_object_new (FL_TYPE_STOCK_COUNT_SHEET, NULL);
  g_object_ref_sink (sheet);
  fl_stock_count_sheet_set_session (sheet, session);
  fl_stock_count_sheet_set_location (sheet, f->store);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_count_sheet_scan (sheet, "FAN-1U", &error));
  fl_stock_count_sheet_set_counted (sheet, 0, counted);
  g_assert_cmpuint (fl_stock_count_sheet_submit (sheet, &error), ==, 1);
  g_assert_no_error (error);
  g_object_unref (sheet);
  sync_client (f, &f->clerk);
  g_autoptr(FlStmt) stmt = fl_db_prepare (f->clerk.db,
      "SELECT id FROM stock_count ORDER BY at DESC, id DESC LIMIT 1", &error);
  gboolean has_row = FALSE;
  g_assert_true (fl_stmt_step_row (f->clerk.db, stmt, &has_row, &error) && has_row);
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static JsonObject *
queue_row (Fixture *f, const char *id)
{
  GListModel *queue = fl_approvals_page_get_queue (f->page);
  for (guint i = 0; i < g_list_model_get_n_items (queue); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (queue, i);
      if (g_strcmp0 (fl_record_item_get_id (item), id) == 0)
        return json_object_ref (fl_record_item_get_record (item));
    }
  return NULL;
}

static void
decide (Fixture *f, const char *id, gboolean approve, const char *comment)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_approvals_page_select (f->page, id));
  g_assert_true (fl_approvals_page_decide (f->page, approve, comment, &error));
  g_assert_no_error (error);
  pump ();
}

static void
test_count_with_variance (Fixture *f, gconstpointer data)
{
  g_autofree char *count = clerk_counts (f, 8);  /* the ledger says 10 */
  sync_client (f, &f->supervisor);
  g_autoptr(JsonObject) row = queue_row (f, count);
  g_assert_nonnull (row);
  g_assert_cmpint (fl_record_get_int (row, "counted", 0), ==, 8);
  g_assert_cmpint (fl_record_get_int (row, "expected", 0), ==, 10);

  decide (f, count, TRUE, NULL);
  /* Decided here, waiting for the server: the item says so and cannot be decided twice. */
  g_autoptr(JsonObject) waiting = queue_row (f, count);
  g_assert_cmpstr (fl_record_get_string (waiting, "approval_state"), ==, "pending");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_approvals_page_select (f->page, count));
  g_assert_false (fl_approvals_page_decide (f->page, TRUE, NULL, &error));
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  /* The decision buttons are off, and say why. */
  const char * const buttons[] = { "approve_button", "reject_button" };
  for (guint i = 0; i < G_N_ELEMENTS (buttons); i++)
    {
      GtkWidget *button = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, buttons[i]);
      g_assert_false (gtk_widget_is_sensitive (button));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                       "You decided on this already: it takes effect on the server at the next sync");
    }

  sync_client (f, &f->supervisor);
  /* The server posted the adjustment: the balance is the count. */
  g_assert_cmpint (balance (&f->supervisor, f->store, f->fan), ==, 8);
  g_assert_cmpint (count_rows (f->supervisor.db, "SELECT count(*) FROM stock_movement WHERE kind = 'adjust'"
                                                 " AND qty = 2 AND to_location IS NULL"), ==, 1);
  g_assert_cmpint (count_rows (f->supervisor.db, "SELECT count(*) FROM stock_count WHERE status = 'approved'"), ==, 1);
  g_assert_null (queue_row (f, count));
  sync_client (f, &f->clerk);
  g_assert_cmpint (balance (&f->clerk, f->store, f->fan), ==, 8);
}

static void
test_scrap_approved (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) request = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (request, "location_id", f->store);
  json_object_set_string_member (request, "part_id", f->fan);
  json_object_set_int_member (request, "qty", 3);
  json_object_set_string_member (request, "reason", "Bearings worn, noisy");
  json_object_set_string_member (request, "by", "clerk");
  json_object_set_string_member (request, "at", now);
  json_object_set_string_member (request, "status", "pending");
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_changelog_insert (f->clerk.db, "scrap_request", request, &id, &error));
  sync_client (f, &f->clerk);
  sync_client (f, &f->supervisor);
  g_assert_nonnull (queue_row (f, id));
  g_assert_cmpint (balance (&f->supervisor, f->store, f->fan), ==, 10);

  decide (f, id, TRUE, "Agreed");
  sync_client (f, &f->supervisor);
  g_assert_cmpint (balance (&f->supervisor, f->store, f->fan), ==, 7);
  g_assert_cmpint (count_rows (f->supervisor.db, "SELECT count(*) FROM stock_movement WHERE kind = 'scrap'"
                                                 " AND qty = 3"), ==, 1);
  g_assert_null (queue_row (f, id));
}

static void
test_stale_approval (Fixture *f, gconstpointer data)
{
  g_autofree char *count = clerk_counts (f, 9);
  sync_client (f, &f->supervisor);
  g_assert_nonnull (queue_row (f, count));

  /* While the supervisor looks at 9, the clerk recounts and corrects it to 7. */
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_int_member (values, "counted", 7);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_changelog_update (f->clerk.db, "stock_count", count, values, &error));
  sync_client (f, &f->clerk);

  decide (f, count, TRUE, NULL);   /* approves the 9 it saw (version 1) */
  sync_client (f, &f->supervisor);
  /* Refused as stale: nothing moved, and the queue shows the new count with the reason. */
  g_assert_cmpint (balance (&f->supervisor, f->store, f->fan), ==, 10);
  g_autoptr(JsonObject) stale = queue_row (f, count);
  g_assert_nonnull (stale);
  g_assert_cmpstr (fl_record_get_string (stale, "approval_state"), ==, "rejected");
  g_assert_nonnull (strstr (fl_record_get_string (stale, "approval_error"), "Stale"));
  g_assert_cmpint (fl_record_get_int (stale, "counted", 0), ==, 7);
  g_assert_cmpint (fl_record_get_int (stale, "version", 0), ==, 2);
  g_assert_true (fl_approvals_page_select (f->page, count));
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "approvals-stale.png");

  /* Deciding again on what is there now works. */
  decide (f, count, TRUE, "Recount accepted");
  g_autoptr(JsonObject) again = queue_row (f, count);
  g_assert_cmpstr (fl_record_get_string (again, "approval_state"), ==, "pending");
  sync_client (f, &f->supervisor);
  g_assert_cmpint (balance (&f->supervisor, f->store, f->fan), ==, 7);
  g_assert_null (queue_row (f, count));
  /* The refused decision was dismissed when the supervisor decided again. */
  g_assert_cmpint (fl_outbox_count (f->supervisor.db, "rejected", NULL), ==, 0);
}

/* The engineer resolves an incident with the customer's acceptance (and
 * the blob `signature`, if not NULL). */
static char *
engineer_resolves_signed (Fixture *f, const char *title, const char *signature)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = title, .site_id = f->server.site_a, .reporter = "Ward 3",
    .impact = 3, .urgency = 2, .assignee = "eng_a",
  };
  char *id = NULL;
  FlDb *db = f->engineer.db;
  g_assert_true (fl_work_order_create (db, &draft, "eng_a", &id, &error));
  g_assert_no_error (error);
  g_assert_true (fl_work_order_move (db, id, FL_ROLE_ENGINEER, "eng_a", FL_WO_IN_PROGRESS, NULL, &error));
  g_assert_true (fl_work_order_log (db, id, "eng_a", "labour", 45, "Replaced the fan of node 2", &error));
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "resolution", "Fan replaced, temperatures normal");
  json_object_set_string_member (values, "cause", "Worn fan bearing");
  json_object_set_boolean_member (values, "first_time_fix", TRUE);
  g_assert_true (fl_work_order_update (db, id, values, &error));
  g_assert_true (fl_work_order_accept (db, id, "王医生", signature, 5, &error));
  g_assert_true (fl_work_order_move (db, id, FL_ROLE_ENGINEER, "eng_a", FL_WO_RESOLVED, NULL, &error));
  g_assert_no_error (error);
  sync_client (f, &f->engineer);
  return id;
}

static char *
engineer_resolves (Fixture *f, const char *title)
{
  return engineer_resolves_signed (f, title, NULL);
}

static void
test_work_order_decisions (Fixture *f, gconstpointer data)
{
  g_autofree char *closed = engineer_resolves (f, "Server room fan noisy");
  g_autofree char *reworked = engineer_resolves (f, "Printer jams on ward 3");
  sync_client (f, &f->supervisor);
  g_assert_nonnull (queue_row (f, closed));
  g_assert_nonnull (queue_row (f, reworked));

  /* The queue is searched anywhere in the subject, and ordered newest first. */
  GListModel *queue = fl_approvals_page_get_queue (f->page);
  GtkEditable *search = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "queue_search");
  gtk_editable_set_text (search, "printer");
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 1);
  g_assert_nonnull (queue_row (f, reworked));
  g_assert_null (queue_row (f, closed));
  gtk_editable_set_text (search, "");
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 2);
  gtk_drop_down_set_selected (fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "queue_order"), 1);
  g_autoptr(FlRecordItem) newest = g_list_model_get_item (queue, 0);
  g_assert_cmpstr (fl_record_item_get_id (newest), ==, reworked);
  gtk_drop_down_set_selected (fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "queue_order"), 0);

  decide (f, closed, TRUE, NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_approvals_page_select (f->page, reworked));
  g_assert_false (fl_approvals_page_decide (f->page, FALSE, "  ", &error));  /* a reason is needed */
  g_assert_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION);
  decide (f, reworked, FALSE, "The customer still reports jams");
  sync_client (f, &f->supervisor);

  g_autoptr(JsonObject) done = fl_record_load (f->supervisor.db, fl_schema_lookup ("work_order"), closed, &error);
  g_assert_cmpstr (fl_record_get_string (done, "status"), ==, "closed");
  g_autoptr(JsonObject) back = fl_record_load (f->supervisor.db, fl_schema_lookup ("work_order"), reworked, &error);
  g_assert_cmpstr (fl_record_get_string (back, "status"), ==, "in_progress");
  sync_client (f, &f->engineer);
  g_assert_cmpint (count_rows (f->engineer.db, "SELECT count(*) FROM work_log WHERE text LIKE '%still reports jams%'"), ==, 1);
  g_assert_null (queue_row (f, closed));
  g_assert_null (queue_row (f, reworked));
}

/* The position in a filter of the queue of `value` among `rows` (column
 * `column`), after the filter's first choice ("all"). */
static guint
filter_position (GPtrArray *rows, const char *column, const char *value)
{
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (fl_record_get_string (g_ptr_array_index (rows, i), column), value) == 0)
      return i + 1;
  g_assert_not_reached ();
}

static GtkDropDown *
queue_filter (Fixture *f, const char *name)
{
  return fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, name);
}

/* The queue fills its pane down to the bottom of the window: a long queue
 * shows as many rows as fit, not the few an empty queue's page is tall. */
static void
test_queue_fills_the_pane (Fixture *f, gconstpointer data)
{
  g_autofree char *fan = engineer_resolves (f, "Server room fan noisy");
  sync_client (f, &f->supervisor);
  g_assert_cmpuint (g_list_model_get_n_items (fl_approvals_page_get_queue (f->page)), ==, 1);
  pump ();
  GtkWidget *view = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "queue_view");
  GtkWidget *scroller = gtk_widget_get_ancestor (view, GTK_TYPE_SCROLLED_WINDOW);
  graphene_rect_t bounds;
  g_assert_true (gtk_widget_compute_bounds (scroller, GTK_WIDGET (f->page), &bounds));
  int page_height = gtk_widget_get_height (GTK_WIDGET (f->page));
  g_test_message ("queue %.0f..%.0f of a page %d px high", bounds.origin.y,
                  bounds.origin.y + bounds.size.height, page_height);
  g_assert_cmpfloat (bounds.origin.y + bounds.size.height, >=, page_height - 2);
}

/* The queue narrowed by kind, person, site and age, and several items
 * selected and approved together. */
static void
test_filters_and_approve_several (Fixture *f, gconstpointer data)
{
  g_autofree char *fan = engineer_resolves (f, "Server room fan noisy");
  g_autofree char *printer = engineer_resolves (f, "Printer jams on ward 3");
  g_autofree char *count = clerk_counts (f, 8);
  sync_client (f, &f->supervisor);
  GListModel *queue = fl_approvals_page_get_queue (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (queue), ==, 3);

  gtk_drop_down_set_selected (queue_filter (f, "queue_kind"), 1);  /* work orders */
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 2);
  g_assert_null (queue_row (f, count));
  g_autoptr(GPtrArray) users = fl_user_list (f->supervisor.db, NULL);
  gtk_drop_down_set_selected (queue_filter (f, "queue_person"), filter_position (users, "login", "clerk"));
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 0);
  gtk_drop_down_set_selected (queue_filter (f, "queue_kind"), 0);
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 1);
  g_assert_nonnull (queue_row (f, count));
  gtk_drop_down_set_selected (queue_filter (f, "queue_person"), 0);
  g_autoptr(GPtrArray) sites = fl_work_order_list_sites (f->supervisor.db, NULL);
  gtk_drop_down_set_selected (queue_filter (f, "queue_site"), filter_position (sites, "id", f->server.site_b));
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 0);
  gtk_drop_down_set_selected (queue_filter (f, "queue_site"), filter_position (sites, "id", f->server.site_a));
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 3);
  gtk_drop_down_set_selected (queue_filter (f, "queue_age"), 1);  /* waiting over a day: none yet */
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 0);
  gtk_drop_down_set_selected (queue_filter (f, "queue_age"), 0);
  gtk_drop_down_set_selected (queue_filter (f, "queue_kind"), 1);
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 2);

  /* Both orders selected: the detail offers to approve them together. */
  GtkListView *view = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "queue_view");
  gtk_selection_model_select_all (gtk_list_view_get_model (view));
  pump ();
  GtkStack *detail = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "detail_stack");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (detail), ==, "several");
  g_assert_cmpstr (adw_status_page_get_title (fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "several_status")),
                   ==, "2 Items Selected");
  g_autoptr(GError) error = NULL;
  g_assert_cmpuint (fl_approvals_page_approve_selected (f->page, &error), ==, 2);
  g_assert_no_error (error);
  pump ();
  sync_client (f, &f->supervisor);
  g_autoptr(JsonObject) fan_row = fl_record_load (f->supervisor.db, fl_schema_lookup ("work_order"), fan, &error);
  g_autoptr(JsonObject) printer_row = fl_record_load (f->supervisor.db, fl_schema_lookup ("work_order"), printer, &error);
  g_assert_cmpstr (fl_record_get_string (fan_row, "status"), ==, "closed");
  g_assert_cmpstr (fl_record_get_string (printer_row, "status"), ==, "closed");
  gtk_drop_down_set_selected (queue_filter (f, "queue_kind"), 0);
  fl_ui_test_wait_until (g_list_model_get_n_items (queue) == 1);
  g_assert_nonnull (queue_row (f, count));
}

static void
test_assign (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = "request", .title = "New account for Dr Wang", .site_id = f->server.site_a,
    .impact = 4, .urgency = 3,
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_work_order_create (f->supervisor.db, &draft, "super", &id, &error));
  g_assert_no_error (error);
  pump ();
  g_assert_true (fl_approvals_page_select (f->page, id));
  /* Only the engineers of the order's site are offered (eng_b works at B). */
  GListModel *names = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "assignee_names");
  g_assert_cmpuint (g_list_model_get_n_items (names), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      const char *name = gtk_string_list_get_string (GTK_STRING_LIST (names), i);
      g_assert_true (strstr (name, "(eng_a)") != NULL || strstr (name, "(eng_a2)") != NULL);
    }
  /* Assign as the user does: the toast names whom, after the page reloaded. */
  AdwComboRow *assignee_row = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "assignee_row");
  guint eng_a = strstr (gtk_string_list_get_string (GTK_STRING_LIST (names), 0), "(eng_a)") != NULL ? 0 : 1;
  adw_combo_row_set_selected (assignee_row, eng_a);
  g_signal_emit_by_name (fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "assign_button"), "clicked");
  pump ();
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), "Assigned to eng_a"));
  sync_client (f, &f->supervisor);
  sync_client (f, &f->engineer);
  g_autoptr(JsonObject) wo = fl_record_load (f->engineer.db, fl_schema_lookup ("work_order"), id, &error);
  g_assert_nonnull (wo);
  g_assert_cmpstr (fl_record_get_string (wo, "assignee"), ==, "eng_a");
  g_assert_cmpstr (fl_record_get_string (wo, "status"), ==, "assigned");

  /* At a site where no engineer works, Assign is off and says why. */
  GtkWidget *assign = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "assign_button");
  g_assert_true (gtk_widget_is_sensitive (assign));
  g_assert_null (gtk_widget_get_tooltip_text (assign));
  g_autofree char *lonely = fl_ui_test_store (f->supervisor.db, "site",
      "{\"code\": \"DC-9\", \"name\": \"Remote data centre\", \"time_zone\": \"Asia/Shanghai\","
      " \"coverage\": \"7x24\"}");
  draft.site_id = lonely;
  draft.title = "Badge reader at the gate";
  g_autofree char *unassignable = NULL;
  g_assert_true (fl_work_order_create (f->supervisor.db, &draft, "super", &unassignable, &error));
  g_assert_no_error (error);
  pump ();
  g_assert_true (fl_approvals_page_select (f->page, unassignable));
  g_assert_false (gtk_widget_is_sensitive (assign));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (assign), ==, "No engineer works at this order's site");
}

/* The customer's signature comes down with the queue, before the item is
 * opened, and opens full size in a viewer. */
static void
test_signature_downloaded (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG signature of Dr Wang", 26);
  g_autofree char *sha = fl_sync_client_add_blob (f->engineer.client, png, &error);
  g_assert_no_error (error);
  g_autofree char *id = engineer_resolves_signed (f, "Monitor flickers", sha);
  g_assert_cmpint (fl_outbox_count (f->engineer.db, "rejected", NULL), ==, 0);
  sync_client (f, &f->supervisor);
  g_assert_nonnull (queue_row (f, id));

  g_autofree char *path = fl_session_get_blob_path (f->supervisor_session, sha);
  fl_ui_test_wait_until (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  g_assert_true (fl_approvals_page_select (f->page, id));
  pump ();
  GtkFlowBox *photos = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "photos_box");
  GtkWidget *shown = gtk_flow_box_child_get_child (gtk_flow_box_get_child_at_index (photos, 0));
  GtkWidget *button = gtk_widget_get_first_child (shown);
  g_assert_true (GTK_IS_BUTTON (button));
  g_signal_emit_by_name (button, "clicked");
  pump ();
  GtkWindow *viewer = fl_ui_test_find_window (ADW_TYPE_WINDOW);
  g_assert_nonnull (viewer);
  g_assert_cmpstr (gtk_window_get_title (viewer), ==, "Customer's signature");
  gtk_window_destroy (viewer);
}

/* The work-order page downloads the signature of the order it shows, with
 * a spinner meanwhile (here on a second device of the supervisor's, whose
 * approval queue has not fetched it). */
static void
test_detail_downloads_signature (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) png = g_bytes_new_static ("\x89PNG signature of Dr Li", 24);
  g_autofree char *sha = fl_sync_client_add_blob (f->engineer.client, png, &error);
  g_assert_no_error (error);
  g_autofree char *id = engineer_resolves_signed (f, "Scanner offline", sha);
  FlSyncTestClient tablet;
  fl_sync_test_client_init (&tablet, "super");
  fl_sync_test_client_login (&tablet, &f->server);
  sync_client (f, &tablet);
  g_autoptr(FlSession) session = fl_session_new_with_tokens (tablet.db, "super", tablet.tokens);
  g_autofree char *path = fl_session_get_blob_path (session, sha);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));

  GtkWindow *window = GTK_WINDOW (gtk_window_new ());
  FlWorkOrderPage *page = g_object_new (FL_TYPE_WORK_ORDER_PAGE, NULL);
  gtk_window_set_child (window, GTK_WIDGET (page));
  fl_work_order_page_set_session (page, session);
  fl_work_order_page_load (page, id);
  gtk_window_present (window);
  GtkWidget *spinner = fl_ui_test_child (page, FL_TYPE_WORK_ORDER_PAGE, "signature_spinner");
  GtkWidget *picture = fl_ui_test_child (page, FL_TYPE_WORK_ORDER_PAGE, "signature_picture");
  g_assert_true (gtk_widget_get_visible (spinner));
  g_assert_false (gtk_widget_get_visible (picture));
  fl_ui_test_wait_until (gtk_widget_get_visible (picture));
  g_assert_false (gtk_widget_get_visible (spinner));
  g_assert_true (g_file_test (path, G_FILE_TEST_IS_REGULAR));
  gtk_window_destroy (window);
  pump ();
  g_clear_object (&session);
  fl_sync_test_client_clear (&tablet);
}

/* An engineer found the CI elsewhere than recorded; the approval moves it. */
static void
test_ci_change (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) ci = json_object_new ();
  json_object_set_string_member (ci, "code", "SRV-HIS-01");
  json_object_set_string_member (ci, "name", "HIS 应用服务器");
  json_object_set_string_member (ci, "type", "server");
  json_object_set_string_member (ci, "site_id", f->server.site_a);
  json_object_set_string_member (ci, "location", "Rack A1");
  json_object_set_string_member (ci, "status", "in_use");
  g_autofree char *ci_id = fl_test_put (f->server.store, "ci", ci);
  sync_client (f, &f->engineer);

  g_autoptr(JsonObject) proposal = fl_record_parse (
      "{\"changes\": {\"location\": {\"from\": \"Rack A1\", \"to\": \"Rack B2\"}},"
      " \"reason\": \"Moved during the cabling work\", \"by\": \"eng_a\", \"status\": \"pending\"}", -1, NULL);
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (proposal, "ci_id", ci_id);
  json_object_set_string_member (proposal, "at", now);
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_changelog_insert (f->engineer.db, "ci_change_proposal", proposal, &id, &error));
  g_assert_no_error (error);
  sync_client (f, &f->engineer);
  sync_client (f, &f->supervisor);
  g_assert_nonnull (queue_row (f, id));

  decide (f, id, TRUE, NULL);
  sync_client (f, &f->supervisor);
  g_autoptr(JsonObject) moved = fl_record_load (f->supervisor.db, fl_schema_lookup ("ci"), ci_id, &error);
  g_assert_cmpstr (fl_record_get_string (moved, "location"), ==, "Rack B2");
  g_assert_null (queue_row (f, id));
}

/* The next item chosen shows from its top, wherever the supervisor had
 * scrolled the previous one to. */
static void
test_detail_starts_at_top (Fixture *f, gconstpointer data)
{
  g_autofree char *work = engineer_resolves (f, "UPS alarm in the server room");
  g_autofree char *count = clerk_counts (f, 8);
  sync_client (f, &f->supervisor);
  g_assert_true (fl_approvals_page_select (f->page, work));
  pump ();
  GtkScrolledWindow *scroller = fl_ui_test_child (f->page, FL_TYPE_APPROVALS_PAGE, "detail_scroller");
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  pump ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 100);
  g_assert_true (fl_approvals_page_select (f->page, count));
  pump ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
}

/* In a window 1100 px wide the queue stays beside the detail and every
 * label reads whole, or ellipsized with a tooltip. */
static void
test_readable_at_1100 (Fixture *f, gconstpointer data)
{
  g_autofree char *work = engineer_resolves (f, "核心交换机端口频繁抖动 Core switch port flapping in the server room");
  g_autofree char *count = clerk_counts (f, 8);
  sync_client (f, &f->supervisor);
  FlWindow *window = fl_window_new (NULL, f->supervisor_session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "approvals");
  FlApprovalsPage *page = FL_APPROVALS_PAGE (fl_window_get_page (window, "approvals"));
  g_assert_true (fl_approvals_page_select (page, work));
  pump ();
  g_assert_false (adw_leaflet_get_folded (fl_ui_test_child (page, FL_TYPE_APPROVALS_PAGE, "leaflet")));
  g_assert_cmpuint (fl_ui_test_assert_readable (GTK_WIDGET (window)), >, 20);
  gtk_window_destroy (GTK_WINDOW (window));
}

static gboolean
shows_text (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    if (shows_text (child, text))
      return TRUE;
  return FALSE;
}

static void
attach_document (Fixture *f, const char *change, const char *document, const char *filename, const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autofree char *sha = fl_sync_client_add_blob (f->engineer.client, bytes, &error);
  g_assert_no_error (error);
  g_assert_true (fl_change_attach (f->engineer.db, change, document, filename, "text/plain", sha, strlen (text),
                                   "eng_a", &error));
  g_assert_no_error (error);
  sync_client (f, &f->engineer);
  sync_client (f, &f->supervisor);
}

static gboolean
record_open_file (FlApprovalsPage *page, GFile *file, char **opened)
{
  g_free (*opened);
  *opened = g_file_get_path (file);
  return TRUE;
}

/* The file a document's Open button of the item shown opens: downloaded
 * first when this device does not have it yet. */
static char *
open_document (Fixture *f, const char *document)
{
  GtkWidget *row = fl_ui_test_find_named (GTK_WIDGET (f->page), document);
  g_assert_nonnull (row);
  GtkWidget *open = fl_ui_test_find_button (row, "Open");
  g_assert_nonnull (open);
  g_autofree char *opened = NULL;
  gulong handler = g_signal_connect (f->page, "open-file", G_CALLBACK (record_open_file), &opened);
  g_signal_emit_by_name (open, "clicked");
  fl_ui_test_wait_until (opened != NULL);
  g_signal_handler_disconnect (f->page, handler);
  char *contents = NULL;
  g_assert_true (g_file_get_contents (opened, &contents, NULL, NULL));
  return contents;
}

/* The board decides a major change on its attached documents: the queue
 * shows which files are attached, each opens from it, and approving is
 * refused until both the rollback plan and the test report are. */
static void
test_major_change_documents (Fixture *f, gconstpointer data)
{
  fl_test_add_user (f->server.store, "super2", "supervisor", NULL);
  g_autoptr(GError) error = NULL;
  FlChangeDraft draft = {
    .kind = "major", .title = "更换核心交换机 Replace the core switch", .reason = "End of support",
    .site_id = f->server.site_a, .rollback_plan = "Refit the old switch", .test_report = "Tested on the bench",
    .approvers = (const char * const[]) { "super", "super2", NULL },
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_change_request (f->engineer.db, &draft, "eng_a", &id, &error));
  g_assert_no_error (error);
  attach_document (f, id, "rollback_plan", "回退方案.txt", "Refit the old switch, restore the config\n");
  g_assert_nonnull (queue_row (f, id));
  g_assert_true (fl_approvals_page_select (f->page, id));
  pump ();
  g_assert_true (shows_text (GTK_WIDGET (f->page), "回退方案.txt"));
  g_assert_true (shows_text (GTK_WIDGET (f->page), "Not attached"));
  g_assert_null (fl_ui_test_find_named (GTK_WIDGET (f->page), "test_report"));
  g_autofree char *plan = open_document (f, "rollback_plan");
  g_assert_cmpstr (plan, ==, "Refit the old switch, restore the config\n");
  g_assert_false (fl_approvals_page_decide (f->page, TRUE, NULL, &error));
  g_assert_nonnull (error);
  g_assert_nonnull (strstr (error->message, "test"));
  g_clear_error (&error);

  attach_document (f, id, "test_report", "test-report.txt", "Ran 4 h at full load\n");
  g_assert_true (fl_approvals_page_select (f->page, id));
  pump ();
  g_autofree char *report = open_document (f, "test_report");
  g_assert_cmpstr (report, ==, "Ran 4 h at full load\n");
  decide (f, id, TRUE, NULL);
  sync_client (f, &f->supervisor);
  g_autoptr(JsonObject) stored = fl_store_load_row (f->server.store, fl_schema_lookup ("change_record"), id, &error);
  g_assert_no_error (error);
  g_autofree char *approved_by = fl_record_to_string (stored);
  g_assert_nonnull (strstr (approved_by, "\"approved_by\":[\"super\"]"));
}

static void
test_screenshot (Fixture *f, gconstpointer data)
{
  g_autofree char *work = engineer_resolves (f, "UPS alarm in the server room");
  g_autofree char *count = clerk_counts (f, 8);
  sync_client (f, &f->supervisor);
  /* In the window, as the supervisor sees it. */
  FlWindow *window = fl_window_new (NULL, f->supervisor_session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "approvals");
  FlApprovalsPage *page = FL_APPROVALS_PAGE (fl_window_get_page (window, "approvals"));
  g_assert_true (fl_approvals_page_select (page, work));
  fl_ui_test_screenshot (GTK_WIDGET (window), "approvals.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* A major change before its board, both documents attached, as the
 * supervisor sees it in the window (`data`: the language, NULL English):
 * approvals-change.png, approvals-change-zh.png. */
static void
test_change_screenshot (Fixture *f, gconstpointer data)
{
  const char *language = data;
  if (language != NULL && !fl_ui_test_use_language (language))
    {
      g_test_skip ("The zh_CN.UTF-8 locale is missing");
      return;
    }
  fl_test_add_user (f->server.store, "super2", "supervisor", NULL);
  g_autoptr(GError) error = NULL;
  FlChangeDraft draft = {
    .kind = "major", .title = "更换核心交换机 Replace the core switch", .reason = "设备停保 End of support",
    .plan = "周六 02:00 切换到新交换机 Switch over on Saturday at 02:00", .site_id = f->server.site_a,
    .rollback_plan = "装回原交换机并恢复配置 Refit the old switch, restore the config",
    .test_report = "备机满载 4 小时通过 Ran 4 h at full load on the bench",
    .approvers = (const char * const[]) { "super", "super2", NULL },
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_change_request (f->engineer.db, &draft, "eng_a", &id, &error));
  g_assert_no_error (error);
  attach_document (f, id, "rollback_plan", "回退计划 rollback-plan.txt", "Refit the old switch\n");
  attach_document (f, id, "test_report", "测试报告 test-report.txt", "Ran 4 h at full load\n");
  FlWindow *window = fl_window_new (NULL, f->supervisor_session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "approvals");
  FlApprovalsPage *page = FL_APPROVALS_PAGE (fl_window_get_page (window, "approvals"));
  g_assert_true (fl_approvals_page_select (page, id));
  pump ();
  g_assert_nonnull (fl_ui_test_find_named (GTK_WIDGET (page), "rollback_plan"));
  g_assert_nonnull (fl_ui_test_find_named (GTK_WIDGET (page), "test_report"));
  fl_ui_test_screenshot (GTK_WIDGET (window), language != NULL ? "approvals-change-zh.png" : "approvals-change.png");
  gtk_window_destroy (GTK_WINDOW (window));
  if (language != NULL)
    fl_ui_test_use_language (NULL);
}

int
main (int argc, char **argv)
{
  g_setenv ("FIELDLINE_FAST_PWHASH", "1", TRUE);
  fl_ui_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/approvals-ui/count-with-variance", test_count_with_variance);
  ADD ("/ui/approvals/major-change-documents", test_major_change_documents);
  ADD ("/approvals-ui/scrap-approved", test_scrap_approved);
  ADD ("/approvals-ui/stale-approval", test_stale_approval);
  ADD ("/approvals-ui/work-order-decisions", test_work_order_decisions);
  ADD ("/approvals-ui/assign", test_assign);
  ADD ("/approvals-ui/queue-fills-the-pane", test_queue_fills_the_pane);
  ADD ("/approvals-ui/filters-approve-several", test_filters_and_approve_several);
  ADD ("/approvals-ui/signature-downloaded", test_signature_downloaded);
  ADD ("/approvals-ui/detail-downloads-signature", test_detail_downloads_signature);
  ADD ("/approvals-ui/ci-change", test_ci_change);
  ADD ("/approvals-ui/screenshot", test_screenshot);
  g_test_add ("/approvals-ui/change-screenshot", Fixture, NULL, fixture_set_up, test_change_screenshot,
              fixture_tear_down);
  g_test_add ("/approvals-ui/change-screenshot-zh", Fixture, "zh_CN", fixture_set_up, test_change_screenshot,
              fixture_tear_down);
  ADD ("/approvals-ui/detail-starts-at-top", test_detail_starts_at_top);
  ADD ("/approvals-ui/readable-at-1100", test_readable_at_1100);
  return g_test_run ();
}
