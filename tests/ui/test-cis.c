/* Configuration items through the real widgets: search, relations in both
 * directions, the history of work orders and inspections, and a proposed
 * correction written through the change log as a standard change. */
#include <fl-work-order.h>

#include "fl-ci-page.h"
#include "fl-cis-page.h"
#include "fl-record-item.h"
#include "fl-ui-test-util.h"

typedef struct {
  char      *dir;
  FlDb      *db;
  FlSession *session;
  FlWindow  *window;
  FlCisPage *page;
  char      *site, *db_ci, *app_ci;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->db_ci = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"DB-01\", \"name\": \"HIS 数据库 HIS database\", \"type\": \"database\", \"site_id\": \"%s\","
      " \"status\": \"in_use\", \"serial\": \"SN-4471\", \"location\": \"机房 A 机柜 3\"}", f->site);
  f->app_ci = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"APP-01\", \"name\": \"HIS application\", \"type\": \"application\", \"site_id\": \"%s\","
      " \"status\": \"in_use\"}", f->site);
  g_free (fl_ui_test_store_printf (f->db, "ci_relation",
      "{\"ci_id\": \"%s\", \"other_ci_id\": \"%s\", \"kind\": \"depends_on\", \"active\": true}",
      f->app_ci, f->db_ci));
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = "HIS 数据库连接超时", .site_id = f->site, .ci_id = f->db_ci,
    .impact = 2, .urgency = 2, .assignee = "zhang.wei",
  };
  fl_work_order_create (f->db, &draft, "zhang.wei", NULL, &error);
  g_assert_no_error (error);

  f->session = fl_session_new (f->db, "zhang.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "cis");
  f->page = FL_CIS_PAGE (fl_window_get_page (f->window, "cis"));
  fl_ui_test_pump ();
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
  g_free (f->db_ci);
  g_free (f->app_ci);
}

static const char *
row_title (GtkListBox *list, int index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);
  g_assert_nonnull (row);
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row));
}

static void
test_search_history_and_correction (Fixture *f, gconstpointer data)
{
  GListModel *results = fl_cis_page_get_results (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 2);
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (f->page, FL_TYPE_CIS_PAGE, "search_entry")), "4471");
  fl_ui_test_wait_until (g_list_model_get_n_items (results) == 1);
  g_autoptr(FlRecordItem) found = g_list_model_get_item (results, 0);
  g_assert_cmpstr (fl_record_item_get_id (found), ==, f->db_ci);
  /* A CI's status in words, never the stored "in_use". */
  g_assert_cmpstr (fl_record_item_get_tag (found), ==, "In use");

  /* The work order's CI row leads here too. */
  fl_window_show_ci (f->window, f->db_ci);
  fl_ui_test_pump ();
  FlCiPage *ci = fl_cis_page_get_detail (f->page);
  g_assert_cmpstr (fl_ci_page_get_id (ci), ==, f->db_ci);
  GtkListBox *relations = fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "relations_list");
  g_assert_cmpstr (row_title (relations, 0), ==, "APP-01 — HIS application");  /* APP-01 depends on it */
  GtkListBox *history = fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "history_list");
  g_assert_true (g_str_has_prefix (row_title (history, 0), "INC-"));
  GtkListBox *details = fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "details_list");
  GtkListBoxRow *status = gtk_list_box_get_row_at_index (details, 1);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (status)), ==, "Status");
  g_assert_cmpstr (adw_action_row_get_subtitle (ADW_ACTION_ROW (status)), ==, "In use");

  /* A correction: the location on site differs from the record. */
  AdwComboRow *field = fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "field_row");
  GListModel *choices = adw_combo_row_get_model (field);
  for (guint i = 0; i < g_list_model_get_n_items (choices); i++)
    {
      g_autoptr(GtkStringObject) label = g_list_model_get_item (choices, i);
      if (g_str_equal (gtk_string_object_get_string (label), "Installed at"))
        adw_combo_row_set_selected (field, i);
    }
  AdwEntryRow *value = fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "value_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (value)), ==, "机房 A 机柜 3");
  /* Propose is off, saying what the form still lacks, until it has it. */
  GtkWidget *propose = fl_ui_test_find_actionable (GTK_WIDGET (ci), "ci.propose");
  g_assert_false (gtk_widget_is_sensitive (propose));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (propose), ==, "Enter the correct value: it is the same as the record's");
  gtk_editable_set_text (GTK_EDITABLE (value), "机房 B 机柜 7");
  g_assert_false (gtk_widget_is_sensitive (propose));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (propose), ==, "Say why the record is wrong, for the reviewer");
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "reason_row")), "Moved in October");
  g_assert_true (gtk_widget_is_sensitive (propose));
  gtk_widget_activate_action (GTK_WIDGET (ci), "ci.propose", NULL);
  fl_ui_test_pump ();

  g_autoptr(GError) error = NULL;
  g_autoptr(FlStmt) stmt = fl_db_prepare (f->db, "SELECT changes, status, by, kind FROM change_record", &error);
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_step (stmt), ==, SQLITE_ROW);
  g_autoptr(JsonObject) changes = fl_record_parse ((const char *) sqlite3_column_text (stmt, 0), -1, &error);
  g_assert_no_error (error);
  JsonObject *location = json_object_get_object_member (changes, "location");
  g_assert_cmpstr (json_object_get_string_member (location, "from"), ==, "机房 A 机柜 3");
  g_assert_cmpstr (json_object_get_string_member (location, "to"), ==, "机房 B 机柜 7");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 1), ==, "requested");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 2), ==, "zhang.wei");
  g_assert_cmpstr ((const char *) sqlite3_column_text (stmt, 3), ==, "standard");
  /* The CI shows its change. */
  g_assert_true (g_str_has_prefix (row_title (history, 0), "Standard change: CHG-"));
  /* The record itself is unchanged until a supervisor approves. */
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup ("ci"), f->db_ci, NULL);
  g_assert_cmpstr (fl_record_get_string (row, "location"), ==, "机房 A 机柜 3");
}

/* Another CI chosen shows from its top; at 1100 px the list and the
 * detail read whole. */
static void
test_detail_starts_at_top (Fixture *f, gconstpointer data)
{
  fl_window_show_ci (f->window, f->db_ci);
  fl_ui_test_pump ();
  FlCiPage *ci = fl_cis_page_get_detail (f->page);
  GtkScrolledWindow *scroller = fl_ui_test_child (ci, FL_TYPE_CI_PAGE, "scroller");
  GtkAdjustment *vadjustment = gtk_scrolled_window_get_vadjustment (scroller);
  gtk_adjustment_set_value (vadjustment, gtk_adjustment_get_upper (vadjustment));
  fl_ui_test_pump ();
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), >, 0);
  fl_window_show_ci (f->window, f->app_ci);
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_ci_page_get_id (ci), ==, f->app_ci);
  g_assert_cmpfloat (gtk_adjustment_get_value (vadjustment), ==, 0);
  g_assert_cmpuint (fl_ui_test_assert_readable (GTK_WIDGET (f->window)), >, 10);
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/cis/search-history-correction", Fixture, NULL, fixture_set_up,
              test_search_history_and_correction, fixture_tear_down);
  g_test_add ("/ui/cis/detail-starts-at-top", Fixture, NULL, fixture_set_up,
              test_detail_starts_at_top, fixture_tear_down);
  return g_test_run ();
}
