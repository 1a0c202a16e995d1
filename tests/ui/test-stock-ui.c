/* The stock page as a clerk uses it: receive with a barcode scanner (SKU +
 * Enter, serial numbers after a tracked part's SKU), issue to a van, the
 * alerts for stock below the minimum and below zero, a stocktake sent for
 * approval, a scrap request, a part's ledger, and an engineer who sees only
 * their van.  Runs under Xvfb; FL_SCREENSHOT_DIR=<dir> saves stock.png. */
#include "fl-ui-test-util.h"

#include <string.h>

#include "fl-page.h"
#include "fl-part-history-dialog.h"
#include "fl-record-item.h"
#include "fl-session.h"
#include "fl-stock-count-sheet.h"
#include "fl-stock-movement-dialog.h"
#include "fl-stock-page.h"

typedef struct {
  char      *dir;
  FlDb      *db;
  FlSession *session;
  GtkWindow *window;
  FlStockPage *page;
  char      *site, *warehouse, *van, *site_store, *fan, *disk;
} Fixture;

#define store fl_ui_test_store
#define pump fl_ui_test_pump

static FlSession *
session_for (Fixture *f, const char *login)
{
  return fl_session_new (f->db, login);
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->dir = g_dir_make_tmp ("fieldline-stock-ui-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (f->dir, "replica.db", NULL);
  f->db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  fl_db_set_meta (f->db, FL_META_DEVICE_CODE, "K3F", &error);

  f->site = store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"5x9\"}");
  g_free (store (f->db, "user", "{\"login\": \"li.na\", \"display_name\": \"李娜\", \"role\": \"clerk\"}"));
  g_free (store (f->db, "user", "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->fan = store (f->db, "part",
      "{\"sku\": \"FAN-1U\", \"name\": \"1U 服务器风扇\", \"unit\": \"pc\", \"min_stock\": 6}");
  f->disk = store (f->db, "part",
      "{\"sku\": \"HDD-600G\", \"name\": \"600 GB SAS disk\", \"unit\": \"pc\", \"min_stock\": 2, \"serial_tracked\": true}");
  g_free (store (f->db, "part",
      "{\"sku\": \"PSU-750W\", \"name\": \"750 W power supply\", \"unit\": \"pc\", \"min_stock\": 1}"));
  f->warehouse = store (f->db, "stock_location",
      "{\"code\": \"WH1\", \"name\": \"Central store\", \"kind\": \"warehouse\"}");
  g_autofree char *van_json = g_strdup_printf (
      "{\"code\": \"VAN1\", \"name\": \"Zhang Wei's van\", \"kind\": \"van\", \"owner\": \"zhang.wei\", \"site_id\": \"%s\"}",
      f->site);
  f->van = store (f->db, "stock_location", van_json);
  g_autofree char *site_json = g_strdup_printf (
      "{\"code\": \"H1-IT\", \"name\": \"Hospital IT room\", \"kind\": \"site\", \"site_id\": \"%s\"}", f->site);
  f->site_store = store (f->db, "stock_location", site_json);

  f->session = session_for (f, "li.na");
  g_assert_cmpint (fl_session_get_role (f->session), ==, FL_ROLE_CLERK);
  f->window = GTK_WINDOW (gtk_window_new ());
  gtk_window_set_default_size (f->window, 1100, 720);
  f->page = FL_STOCK_PAGE (fl_stock_page_new (f->session));
  gtk_window_set_child (f->window, GTK_WIDGET (f->page));
  gtk_window_present (f->window);
  pump ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (f->window);
  pump ();
  g_clear_object (&f->session);
  g_clear_object (&f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->warehouse);
  g_free (f->van);
  g_free (f->site_store);
  g_free (f->fan);
  g_free (f->disk);
}

static gint64
balance (Fixture *f, const char *location, const char *part)
{
  g_autoptr(GError) error = NULL;
  gint64 qty = fl_stock_balance (f->db, location, part, &error);
  g_assert_no_error (error);
  return qty;
}

static gint64
count_rows (Fixture *f, const char *sql)
{
  return fl_test_count (f->db, sql);
}

static FlStockMovementDialog *
open_dialog (Fixture *f, const char *action)
{
  guint n = g_list_model_get_n_items (gtk_window_get_toplevels ());
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), action, NULL));
  pump ();
  GListModel *toplevels = gtk_window_get_toplevels ();
  g_assert_cmpuint (g_list_model_get_n_items (toplevels), ==, n + 1);
  for (guint i = 0; i < g_list_model_get_n_items (toplevels); i++)
    {
      g_autoptr(GObject) window = g_list_model_get_item (toplevels, i);
      if (FL_IS_STOCK_MOVEMENT_DIALOG (window))
        return FL_STOCK_MOVEMENT_DIALOG (window);
    }
  g_assert_not_reached ();
}

/* What the scanner does: types the code into the focused entry and Enter. */
static void
scan_into (GtkWindow *window, const char *code)
{
  GtkWidget *focus = gtk_root_get_focus (GTK_ROOT (window));
  g_assert_nonnull (focus);
  GtkWidget *entry = gtk_widget_get_ancestor (focus, GTK_TYPE_ENTRY);
  g_assert_nonnull (entry);
  gtk_editable_set_text (GTK_EDITABLE (entry), code);
  g_signal_emit_by_name (entry, "activate");
  pump ();
  /* Ready for the next scan: same entry, empty, still focused. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (entry)), ==, "");
  g_assert_true (gtk_widget_get_ancestor (gtk_root_get_focus (GTK_ROOT (window)), GTK_TYPE_ENTRY) == entry);
}

static void
receive_fans_and_disks (Fixture *f)
{
  fl_stock_page_select_location (f->page, f->warehouse);
  FlStockMovementDialog *dialog = open_dialog (f, "stock.receive");
  scan_into (GTK_WINDOW (dialog), "FAN-1U");
  scan_into (GTK_WINDOW (dialog), "fan-1u");  /* scanners send either case */
  scan_into (GTK_WINDOW (dialog), "FAN-1U");
  scan_into (GTK_WINDOW (dialog), "HDD-600G");
  scan_into (GTK_WINDOW (dialog), "S1ABC001");
  scan_into (GTK_WINDOW (dialog), "S1ABC002");
  g_assert_cmpuint (fl_stock_movement_dialog_get_n_lines (dialog), ==, 2);
  g_assert_cmpint (fl_record_get_int (fl_stock_movement_dialog_get_line (dialog, 0), "qty", 0), ==, 3);
  g_assert_cmpint (fl_record_get_int (fl_stock_movement_dialog_get_line (dialog, 1), "qty", 0), ==, 2);
  fl_stock_movement_dialog_set_text (dialog, "DN-2026-1107", NULL);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_movement_dialog_post (dialog, &error));
  g_assert_no_error (error);
  pump ();
}

static void
test_receive_with_scanner (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  g_assert_cmpint (balance (f, f->warehouse, f->fan), ==, 3);
  g_assert_cmpint (balance (f, f->warehouse, f->disk), ==, 2);
  /* One movement for the fans, one per disk serial number, all with the delivery. */
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_movement WHERE kind = 'receive'"
                                  " AND supplier_ref = 'DN-2026-1107' AND by = 'li.na'"), ==, 3);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_movement WHERE serial IN ('S1ABC001', 'S1ABC002')"
                                  " AND qty = 1"), ==, 2);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM outbox WHERE table_name = 'stock_movement'"), ==, 3);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_verify (f->db, &error));
}

static void
test_scanner_errors (Fixture *f, gconstpointer data)
{
  FlStockMovementDialog *dialog = open_dialog (f, "stock.receive");
  /* An unknown code is refused, nothing is added, the entry waits for the next scan. */
  scan_into (GTK_WINDOW (dialog), "NO-SUCH-SKU");
  g_assert_cmpuint (fl_stock_movement_dialog_get_n_lines (dialog), ==, 0);
  /* A tracked part without serial numbers cannot be received. */
  scan_into (GTK_WINDOW (dialog), "HDD-600G");
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_stock_movement_dialog_post (dialog, &error));
  g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "600 GB SAS disk"));
  /* The same serial twice is refused. */
  scan_into (GTK_WINDOW (dialog), "S1");
  scan_into (GTK_WINDOW (dialog), "S1");
  g_assert_cmpint (fl_record_get_int (fl_stock_movement_dialog_get_line (dialog, 0), "qty", 0), ==, 1);
  gtk_window_destroy (GTK_WINDOW (dialog));
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_movement"), ==, 0);
}

static const char *
dialog_error (FlStockMovementDialog *dialog)
{
  return gtk_label_get_text (fl_ui_test_child (dialog, FL_TYPE_STOCK_MOVEMENT_DIALOG, "error_label"));
}

/* After a tracked part's SKU, a code is a serial only where it can be one:
 * an unknown barcode is reported as unknown, not taken as a serial; a
 * serial already in stock cannot be received again. */
static void
test_unknown_barcode_is_no_serial (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);  /* WH1: S1ABC001, S1ABC002 */
  fl_stock_page_select_location (f->page, f->warehouse);
  FlStockMovementDialog *issue = open_dialog (f, "stock.issue");
  scan_into (GTK_WINDOW (issue), "HDD-600G");
  scan_into (GTK_WINDOW (issue), "6901234567892");
  g_assert_cmpint (fl_record_get_int (fl_stock_movement_dialog_get_line (issue, 0), "qty", 0), ==, 0);
  g_assert_nonnull (strstr (dialog_error (issue), "“6901234567892” is not a SKU in the catalogue"));
  g_assert_nonnull (strstr (dialog_error (issue), "not in stock at WH1"));
  scan_into (GTK_WINDOW (issue), "S1ABC001");
  g_assert_cmpint (fl_record_get_int (fl_stock_movement_dialog_get_line (issue, 0), "qty", 0), ==, 1);
  gtk_window_destroy (GTK_WINDOW (issue));

  FlStockMovementDialog *receive = open_dialog (f, "stock.receive");
  scan_into (GTK_WINDOW (receive), "HDD-600G");
  scan_into (GTK_WINDOW (receive), "S1ABC002");
  g_assert_cmpint (fl_record_get_int (fl_stock_movement_dialog_get_line (receive, 0), "qty", 0), ==, 0);
  g_assert_nonnull (strstr (dialog_error (receive), "already in stock at WH1"));
  gtk_window_destroy (GTK_WINDOW (receive));

  /* Posted directly, the replica refuses the serial from elsewhere too. */
  FlStockMovement wrong = { FL_MOVE_TRANSFER, f->disk, 1, f->site_store, f->van, "S1ABC001",
                            NULL, NULL, NULL, "li.na" };
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_stock_post (f->db, &wrong, NULL, &error));
  g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_SERIAL);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_movement WHERE serial = 'S1ABC001'"), ==, 1);
}

static GListModel *
balances_model (Fixture *f)
{
  GtkColumnView *view = NULL;
  GtkWidget *w = GTK_WIDGET (f->page);
  /* The first column view of the page lists the balances. */
  for (GtkWidget *child = w; child != NULL;)
    {
      if (GTK_IS_COLUMN_VIEW (child))
        {
          view = GTK_COLUMN_VIEW (child);
          break;
        }
      GtkWidget *next = gtk_widget_get_first_child (child);
      while (next == NULL && child != w)
        {
          next = gtk_widget_get_next_sibling (child);
          if (next == NULL)
            child = gtk_widget_get_parent (child);
        }
      child = next;
    }
  g_assert_nonnull (view);
  return G_LIST_MODEL (gtk_column_view_get_model (view));
}

static JsonObject *
find_balance (GListModel *model, const char *location_code_prefix, const char *sku)
{
  for (guint i = 0; i < g_list_model_get_n_items (model); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (model, i);
      JsonObject *row = fl_record_item_get_record (item);
      if (g_str_has_prefix (fl_record_get_string (row, "location_name"), location_code_prefix) &&
          g_strcmp0 (fl_record_get_string (row, "sku"), sku) == 0)
        return row;
    }
  return NULL;
}

static void
test_issue_and_alerts (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  FlStockMovementDialog *dialog = open_dialog (f, "stock.issue");
  fl_stock_movement_dialog_set_locations (dialog, f->warehouse, f->van);
  scan_into (GTK_WINDOW (dialog), "FAN-1U");
  scan_into (GTK_WINDOW (dialog), "FAN-1U");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_movement_dialog_post (dialog, &error));
  g_assert_no_error (error);
  pump ();
  g_assert_cmpint (balance (f, f->warehouse, f->fan), ==, 1);
  g_assert_cmpint (balance (f, f->van, f->fan), ==, 2);

  /* The engineer used three fans offline from a van that had two. */
  FlStockMovement use = { FL_MOVE_USE, f->fan, 3, f->van, NULL, NULL, NULL, NULL, NULL, "zhang.wei" };
  g_assert_true (fl_stock_post (f->db, &use, NULL, &error));
  pump ();

  fl_stock_page_select_location (f->page, NULL);
  pump ();
  GListModel *model = balances_model (f);
  JsonObject *store_fans = find_balance (model, "WH1", "FAN-1U");
  JsonObject *van_fans = find_balance (model, "VAN1", "FAN-1U");
  JsonObject *store_disks = find_balance (model, "WH1", "HDD-600G");
  g_assert_nonnull (store_fans);
  g_assert_nonnull (van_fans);
  g_assert_nonnull (store_disks);
  g_assert_cmpstr (fl_record_get_string (store_fans, "alert"), ==, "low");       /* 1 < 6 */
  g_assert_cmpint (fl_record_get_int (van_fans, "qty", 0), ==, -1);
  g_assert_cmpstr (fl_record_get_string (van_fans, "alert"), ==, "negative");
  g_assert_cmpstr (fl_record_get_string (store_disks, "alert"), ==, "");         /* 2 >= 2 */
}

static void
test_stocktake (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);  /* WH1: 3 fans, 2 disks */
  fl_stock_page_select_location (f->page, f->warehouse);
  pump ();
  GtkWidget *sheet = NULL;
  for (GtkWidget *w = gtk_widget_get_first_child (GTK_WIDGET (f->page)); w != NULL;)
    {
      if (FL_IS_STOCK_COUNT_SHEET (w))
        {
          sheet = w;
          break;
        }
      GtkWidget *next = gtk_widget_get_first_child (w);
      while (next == NULL && w != NULL)
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
          if (w == GTK_WIDGET (f->page))
            break;
        }
      w = next;
    }
  g_assert_nonnull (sheet);
  FlStockCountSheet *counts = FL_STOCK_COUNT_SHEET (sheet);
  fl_stock_count_sheet_load_expected (counts);
  g_assert_cmpuint (fl_stock_count_sheet_get_n_lines (counts), ==, 2);
  /* Nothing counted yet: Send for Approval is disabled and says why. */
  GtkWidget *submit = fl_ui_test_child (counts, FL_TYPE_STOCK_COUNT_SHEET, "submit_button");
  g_assert_false (gtk_widget_is_sensitive (submit));
  g_assert_nonnull (gtk_widget_get_tooltip_text (submit));
  g_autoptr(GError) error = NULL;
  /* Four fans on the shelf (the ledger says 3); the disks are as recorded. */
  for (int i = 0; i < 4; i++)
    g_assert_true (fl_stock_count_sheet_scan (counts, "FAN-1U", &error));
  fl_stock_count_sheet_set_counted (counts, 1, 2);
  g_assert_false (fl_stock_count_sheet_scan (counts, "NOPE", &error));
  g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpuint (fl_stock_count_sheet_submit (counts, &error), ==, 2);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_count WHERE counted = 4"
                                  " AND expected_at_count = 3 AND status = 'pending' AND by = 'li.na'"), ==, 1);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_count WHERE counted = 2"
                                  " AND expected_at_count = 2"), ==, 1);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM outbox WHERE table_name = 'stock_count'"), ==, 2);
  /* The count changes nothing by itself: the approval does. */
  g_assert_cmpint (balance (f, f->warehouse, f->fan), ==, 3);
  g_assert_cmpuint (fl_stock_count_sheet_get_n_lines (counts), ==, 0);
}

/* The count entry of line `index` of the sheet (entries in list order). */
static GtkEditable *
count_entry (GtkWidget *sheet, guint index)
{
  guint seen = 0;
  for (GtkWidget *w = gtk_widget_get_first_child (sheet); w != NULL;)
    {
      if (GTK_IS_ENTRY (w) && g_strcmp0 (gtk_entry_get_placeholder_text (GTK_ENTRY (w)), "count") == 0
          && seen++ == index)
        return GTK_EDITABLE (w);
      GtkWidget *next = gtk_widget_get_first_child (w);
      while (next == NULL && w != NULL && w != sheet)
        {
          next = gtk_widget_get_next_sibling (w);
          if (next == NULL)
            w = gtk_widget_get_parent (w);
        }
      w = next;
    }
  g_assert_not_reached ();
}

/* A count typed as "abc" or "-3" refuses the whole sheet, naming the line,
 * rather than sending only the other lines; lines not counted yet are left
 * on the sheet, not dropped. */
static void
test_stocktake_refuses_part_of_the_sheet (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  fl_stock_page_select_location (f->page, f->warehouse);
  pump ();
  FlStockCountSheet *counts = fl_ui_test_child (f->page, FL_TYPE_STOCK_PAGE, "count_sheet");
  fl_stock_count_sheet_load_expected (counts);
  pump ();
  g_assert_cmpuint (fl_stock_count_sheet_get_n_lines (counts), ==, 2);
  GtkEditable *fans = count_entry (GTK_WIDGET (counts), 0);
  GtkEditable *disks = count_entry (GTK_WIDGET (counts), 1);
  g_autoptr(GError) error = NULL;
  static const char * const typos[] = { "abc", "-3" };
  for (guint i = 0; i < G_N_ELEMENTS (typos); i++)
    {
      gtk_editable_set_text (fans, "4");
      gtk_editable_set_text (disks, typos[i]);
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (disks), "error"));
      g_assert_cmpuint (fl_stock_count_sheet_submit (counts, &error), ==, 0);
      g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, "600 GB SAS disk"));
      g_assert_nonnull (strstr (error->message, "nothing was sent"));
      g_clear_error (&error);
      g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_count"), ==, 0);
    }
  gtk_editable_set_text (disks, "");
  g_assert_cmpuint (fl_stock_count_sheet_submit (counts, &error), ==, 1);
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_count WHERE counted = 4"), ==, 1);
  g_assert_cmpuint (fl_stock_count_sheet_get_n_lines (counts), ==, 1);
  g_assert_cmpstr (fl_record_get_string (fl_stock_count_sheet_get_line (counts, 0), "sku"), ==, "HDD-600G");
}

static void
test_scrap_request (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  fl_stock_page_select_location (f->page, f->warehouse);
  FlStockMovementDialog *dialog = open_dialog (f, "stock.scrap");
  scan_into (GTK_WINDOW (dialog), "HDD-600G");
  scan_into (GTK_WINDOW (dialog), "S1ABC002");
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_stock_movement_dialog_post (dialog, &error));  /* no reason yet */
  g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID);
  g_clear_error (&error);
  fl_stock_movement_dialog_set_text (dialog, NULL, "Bad sectors found in the SMART test");
  g_assert_true (fl_stock_movement_dialog_post (dialog, &error));
  g_assert_no_error (error);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM scrap_request WHERE status = 'pending'"
                                  " AND qty = 1 AND serial = 'S1ABC002'"), ==, 1);
  /* Nothing leaves the store until a supervisor approves. */
  g_assert_cmpint (balance (f, f->warehouse, f->disk), ==, 2);
  g_assert_cmpint (count_rows (f, "SELECT count(*) FROM stock_movement WHERE kind = 'scrap'"), ==, 0);
}

static void
test_part_history (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  FlStockMovement issue = { FL_MOVE_ISSUE, f->fan, 2, f->warehouse, f->van, NULL, NULL, NULL,
                            "Spare for the HIS servers", "li.na" };
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_post (f->db, &issue, NULL, &error));
  GtkWidget *dialog = fl_part_history_dialog_new (f->session, f->fan);
  gtk_window_present (GTK_WINDOW (dialog));
  pump ();
  GListModel *movements = fl_part_history_dialog_get_movements (FL_PART_HISTORY_DIALOG (dialog));
  g_assert_cmpuint (g_list_model_get_n_items (movements), ==, 2);
  g_autoptr(FlRecordItem) newest = g_list_model_get_item (movements, 0);
  JsonObject *row = fl_record_item_get_record (newest);
  g_assert_cmpstr (fl_record_get_string (row, "kind"), ==, "issue");
  g_assert_cmpstr (fl_record_get_string (row, "from_code"), ==, "WH1");
  g_assert_cmpstr (fl_record_get_string (row, "to_code"), ==, "VAN1");
  g_assert_cmpstr (fl_record_get_string (row, "by"), ==, "li.na");
  g_assert_cmpstr (fl_record_get_string (row, "reason"), ==, "Spare for the HIS servers");
  g_autoptr(FlRecordItem) oldest = g_list_model_get_item (movements, 1);
  g_assert_cmpstr (fl_record_get_string (fl_record_item_get_record (oldest), "supplier_ref"), ==, "DN-2026-1107");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_engineer_sees_own_van (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  FlStockMovement issue = { FL_MOVE_ISSUE, f->fan, 2, f->warehouse, f->van, NULL, NULL, NULL, NULL, "li.na" };
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_post (f->db, &issue, NULL, &error));
  g_autoptr(FlSession) engineer = session_for (f, "zhang.wei");
  fl_page_set_session (FL_PAGE (f->page), engineer);
  pump ();
  g_assert_cmpstr (fl_stock_page_get_location (f->page), ==, f->van);
  GListModel *model = balances_model (f);
  g_assert_cmpuint (g_list_model_get_n_items (model), ==, 1);
  g_assert_nonnull (find_balance (model, "VAN1", "FAN-1U"));
  /* Engineers do not receive or issue; they may return what they carry. */
  guint windows = g_list_model_get_n_items (gtk_window_get_toplevels ());
  gtk_widget_activate_action (GTK_WIDGET (f->page), "stock.receive", NULL);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "stock.issue", NULL);
  pump ();
  g_assert_cmpuint (g_list_model_get_n_items (gtk_window_get_toplevels ()), ==, windows);
  FlStockMovementDialog *dialog = open_dialog (f, "stock.return");
  gtk_window_destroy (GTK_WINDOW (dialog));
}

/* Another user signing in on the same window does not inherit the
 * location the previous one was looking at: the clerk after the engineer
 * sees every location, not the engineer's van. */
static void
test_next_user_starts_afresh (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  g_autoptr(FlSession) shared = session_for (f, "zhang.wei");
  fl_page_set_session (FL_PAGE (f->page), shared);
  pump ();
  g_assert_cmpstr (fl_stock_page_get_location (f->page), ==, f->van);
  fl_session_set_login (shared, NULL);
  fl_session_set_login (shared, "li.na");
  g_signal_emit_by_name (shared, "changed", NULL);
  pump ();
  g_assert_cmpint (fl_session_get_role (shared), ==, FL_ROLE_CLERK);
  g_assert_null (fl_stock_page_get_location (f->page));
  g_assert_nonnull (find_balance (balances_model (f), "WH1", "FAN-1U"));
  /* The clerk may count: the stocktake follows the role of who signed in. */
  GtkWidget *counts = fl_ui_test_child (f->page, FL_TYPE_STOCK_PAGE, "count_sheet");
  g_assert_true (gtk_widget_get_sensitive (counts));
  fl_session_set_login (shared, "zhang.wei");
  pump ();
  g_assert_false (gtk_widget_get_sensitive (counts));
  fl_session_set_login (shared, "li.na");
  g_signal_emit_by_name (shared, "changed", NULL);
  pump ();
  g_assert_true (gtk_widget_get_sensitive (counts));
  /* A location the clerk chose stays chosen while the clerk works. */
  fl_stock_page_select_location (f->page, f->warehouse);
  g_signal_emit_by_name (shared, "changed", "stock_movement");
  pump ();
  g_assert_cmpstr (fl_stock_page_get_location (f->page), ==, f->warehouse);
}

static void
test_screenshot (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  FlStockMovement issue = { FL_MOVE_ISSUE, f->fan, 2, f->warehouse, f->van, NULL, NULL, NULL, NULL, "li.na" };
  FlStockMovement use = { FL_MOVE_USE, f->fan, 3, f->van, NULL, NULL, NULL, NULL, NULL, "zhang.wei" };
  FlStockMovement psu = { FL_MOVE_RECEIVE, NULL, 4, NULL, f->site_store, NULL, NULL, "DN-2026-1111", NULL, "li.na" };
  g_autoptr(JsonObject) part = fl_stock_find_part (f->db, "PSU-750W", NULL);
  psu.part_id = fl_record_get_string (part, "id");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_post (f->db, &issue, NULL, &error));
  g_assert_true (fl_stock_post (f->db, &use, NULL, &error));
  g_assert_true (fl_stock_post (f->db, &psu, NULL, &error));
  /* In the window, as a clerk sees it. */
  FlWindow *window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 760);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "stock");
  fl_ui_test_screenshot (GTK_WIDGET (window), "stock.png");
  gtk_window_destroy (GTK_WINDOW (window));
}

/* In a window 1100 px wide every balance shows whole, its alert included,
 * or ellipsized with a tooltip. */
static void
test_readable_at_1100 (Fixture *f, gconstpointer data)
{
  receive_fans_and_disks (f);
  FlWindow *window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "stock");
  fl_ui_test_pump ();
  g_assert_cmpuint (fl_ui_test_assert_readable (GTK_WIDGET (window)), >, 20);
  gtk_window_destroy (GTK_WINDOW (window));
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/stock-ui/receive-with-scanner", test_receive_with_scanner);
  ADD ("/stock-ui/scanner-errors", test_scanner_errors);
  ADD ("/stock-ui/unknown-barcode", test_unknown_barcode_is_no_serial);
  ADD ("/stock-ui/issue-and-alerts", test_issue_and_alerts);
  ADD ("/stock-ui/stocktake", test_stocktake);
  ADD ("/stock-ui/stocktake-refuses-part", test_stocktake_refuses_part_of_the_sheet);
  ADD ("/stock-ui/scrap-request", test_scrap_request);
  ADD ("/stock-ui/part-history", test_part_history);
  ADD ("/stock-ui/engineer-sees-own-van", test_engineer_sees_own_van);
  ADD ("/stock-ui/next-user-starts-afresh", test_next_user_starts_afresh);
  ADD ("/stock-ui/screenshot", test_screenshot);
  ADD ("/stock-ui/readable-at-1100", test_readable_at_1100);
  return g_test_run ();
}
