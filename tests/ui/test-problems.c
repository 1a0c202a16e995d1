/* Problems and changes through the real widgets: a CI's recurring incidents
 * of unknown cause proposed as a problem and opened with one click, the
 * known-error list searched as on site (Chinese words too), a problem
 * opened from an incident's page, and a CI showing its changes and
 * problems.  FL_SCREENSHOT_DIR=<dir> saves problems.png. */
#include "fl-ci-page.h"
#include "fl-cis-page.h"
#include "fl-page.h"
#include "fl-problems-page.h"
#include "fl-ui-test-util.h"
#include "fl-work-order-list-page.h"

typedef struct {
  char           *dir;
  FlDb           *db;
  FlSession      *session;
  FlWindow       *window;
  FlProblemsPage *page;
  char           *site, *ci, *incident, *change;
} Fixture;

/* `data`: the language to show the pages in, NULL for English. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  if (data != NULL && !fl_ui_test_use_language (data))
    g_test_skip ("The locale of the language is missing");
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"li.na\", \"display_name\": \"李娜\", \"role\": \"supervisor\"}"));
  f->ci = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"UPS-01\", \"name\": \"机房 UPS\", \"type\": \"ups\", \"site_id\": \"%s\", \"status\": \"in_use\"}",
      f->site);
  g_autofree char *now = fl_time_format (fl_time_now ());
  for (int i = 1; i <= 4; i++)
    {
      char *id = fl_ui_test_store_printf (f->db, "work_order",
          "{\"ref\": \"INC-261201-K3F-%04d\", \"kind\": \"incident\", \"title\": \"UPS 告警 alarm\", \"site_id\": \"%s\","
          " \"ci_id\": \"%s\", \"impact\": 3, \"urgency\": 2, \"priority\": \"medium\", \"status\": \"closed\"}",
          i, f->site, f->ci);
      if (i == 4)
        f->incident = id;
      else
        g_free (id);
    }
  g_free (fl_ui_test_store_printf (f->db, "problem",
      "{\"ref\": \"PRB-261120-K3F-0001\", \"title\": \"HIS 数据库连接中断 connections drop\", \"site_id\": \"%s\","
      " \"origin\": \"incident\", \"priority\": 2, \"status\": \"known_error\", \"known_error\": true,"
      " \"root_cause\": \"交换机端口协商错误 port negotiation\", \"workaround\": \"固定端口速率 1000M full duplex\","
      " \"by\": \"li.na\", \"at\": \"%s\"}", f->site, now));
  f->change = fl_ui_test_store_printf (f->db, "change_record",
      "{\"ref\": \"CHG-261125-K3F-0001\", \"kind\": \"major\", \"title\": \"更换 UPS 电池组 Replace the battery string\","
      " \"reason\": \"电池老化\", \"site_id\": \"%s\", \"ci_id\": \"%s\", \"approvers\": [\"li.na\", \"wang.qiang\"],"
      " \"rollback_plan\": \"切回旧电池组\", \"test_report\": \"负载测试通过\", \"status\": \"requested\","
      " \"by\": \"li.na\", \"at\": \"%s\"}", f->site, f->ci, now);

  f->session = fl_session_new (f->db, "li.na");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "problems");
  f->page = FL_PROBLEMS_PAGE (fl_window_get_page (f->window, "problems"));
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
  g_free (f->ci);
  g_free (f->incident);
  g_free (f->change);
  fl_ui_test_use_language (NULL);
}

#define PAGE_CHILD(name) fl_ui_test_child (f->page, FL_TYPE_PROBLEMS_PAGE, name)

static AdwActionRow *
row_at (GtkListBox *list, int index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (list, index);
  g_assert_nonnull (row);
  return ADW_ACTION_ROW (row);
}

static const char *
title_at (GtkListBox *list, int index)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (list, index)));
}

static GtkWidget *
find_button (GtkWidget *widget)
{
  if (GTK_IS_BUTTON (widget))
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = find_button (child);
      if (found != NULL)
        return found;
    }
  return NULL;
}

static void
test_proposal_known_errors_and_ci (Fixture *f, gconstpointer data)
{
  /* Four incidents of unknown cause on UPS-01: proposed to the supervisor. */
  GtkListBox *proposals = PAGE_CHILD ("proposals_list");
  g_assert_cmpstr (title_at (proposals, 0), ==, "UPS-01 机房 UPS");
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (proposals, 0)), ==, "4 incidents of unknown cause");
  g_assert_cmpint (fl_page_count_attention (FL_PAGE (f->page)), ==, 1);

  /* The known-error list, searched by a Chinese word and by a code. */
  GtkListBox *known = PAGE_CHILD ("known_errors_list");
  g_assert_true (g_str_has_prefix (title_at (known, 0), "PRB-261120-K3F-0001"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row_at (known, 0)), "Workaround: 固定端口速率"));
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("search_entry")), "端口");
  fl_ui_test_wait_until (gtk_list_box_get_row_at_index (known, 0) != NULL &&
                         g_str_has_prefix (title_at (known, 0), "PRB-"));
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("search_entry")), "printer");
  fl_ui_test_wait_until (g_strcmp0 (title_at (known, 0), "No known error matches") == 0);
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("search_entry")), "");
  fl_ui_test_wait_until (g_str_has_prefix (title_at (known, 0), "PRB-"));
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "problems.png");
  /* The known error opens to what its next states need. */
  AdwExpanderRow *known_problem = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (PAGE_CHILD ("problems_list"), 0));
  g_assert_true (adw_expander_row_get_enable_expansion (known_problem));
  g_assert_nonnull (fl_ui_test_find_button (GTK_WIDGET (known_problem), "Resolved"));
  g_assert_null (fl_ui_test_find_button (GTK_WIDGET (known_problem), "Closed"));

  /* One click opens the problem with its four incidents; the proposal goes. */
  GtkWidget *open = find_button (GTK_WIDGET (row_at (proposals, 0)));
  g_assert_true (gtk_widget_get_sensitive (open));
  g_signal_emit_by_name (open, "clicked");
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM problem WHERE origin = 'recurrence'"
                                         " AND status = 'registered' AND by = 'li.na'"), ==, 1);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM problem_link WHERE work_order_id IS NOT NULL"), ==, 4);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'problem'"), ==, 1);
  g_assert_cmpstr (title_at (proposals, 0), ==, "Nothing calls for a problem");
  GtkListBox *problems = PAGE_CHILD ("problems_list");
  AdwExpanderRow *opened = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (problems, 0));
  g_assert_nonnull (strstr (adw_expander_row_get_subtitle (opened), "Registered · level 2 · UPS-01"));
  GtkListBox *changes = PAGE_CHILD ("changes_list");
  AdwExpanderRow *change = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (changes, 0));
  g_assert_cmpstr (adw_expander_row_get_subtitle (change), ==, "Major change · Requested · UPS-01");
  /* Its board decides it, not a move; it opens to attach its documents. */
  g_assert_null (fl_ui_test_find_button (GTK_WIDGET (change), "Approved"));
  g_assert_nonnull (fl_ui_test_find_named (GTK_WIDGET (change), "rollback_plan_attachment"));

  /* The supervisor assigns it from its row. */
  gtk_editable_set_text (GTK_EDITABLE (fl_ui_test_find_named (GTK_WIDGET (opened), "assignee")), "zhang.wei");
  g_signal_emit_by_name (fl_ui_test_find_button (GTK_WIDGET (opened), "Assigned"), "clicked");
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM problem WHERE origin = 'recurrence'"
                                         " AND status = 'assigned' AND assignee = 'zhang.wei'"), ==, 1);

  /* The CI shows its change and its problem. */
  fl_window_show_ci (f->window, f->ci);
  fl_ui_test_pump ();
  FlCisPage *cis = FL_CIS_PAGE (fl_window_get_page (f->window, "cis"));
  GtkListBox *history = fl_ui_test_child (fl_cis_page_get_detail (cis), FL_TYPE_CI_PAGE, "history_list");
  gboolean change_shown = FALSE, problem_shown = FALSE;
  for (int i = 0; gtk_list_box_get_row_at_index (history, i) != NULL; i++)
    {
      change_shown = change_shown || g_str_has_prefix (title_at (history, i), "Major change: CHG-261125-K3F-0001");
      problem_shown = problem_shown || g_str_has_prefix (title_at (history, i), "Problem: PRB-");
    }
  g_assert_true (change_shown);
  g_assert_true (problem_shown);

  /* Each opens from there, expanded on the problems and changes page. */
  static const struct { const char *history, *list, *title; } opened_from[] = {
    { "Major change: CHG-261125-K3F-0001", "changes_list", "CHG-261125-K3F-0001" },
    { "Problem: PRB-", "problems_list", "PRB-" },
  };
  for (guint p = 0; p < G_N_ELEMENTS (opened_from); p++)
    {
      fl_window_show_ci (f->window, f->ci);
      fl_ui_test_pump ();
      GtkListBoxRow *row = NULL;
      for (int i = 0; row == NULL && gtk_list_box_get_row_at_index (history, i) != NULL; i++)
        if (g_str_has_prefix (title_at (history, i), opened_from[p].history))
          row = gtk_list_box_get_row_at_index (history, i);
      g_assert_true (gtk_list_box_row_get_activatable (row));
      gtk_widget_activate (GTK_WIDGET (row));
      fl_ui_test_pump ();
      g_assert_cmpstr (fl_window_get_area (f->window), ==, "problems");
      const char *shown = fl_problems_page_get_shown (f->page);
      GtkListBox *list = PAGE_CHILD (opened_from[p].list);
      AdwExpanderRow *item = NULL;
      for (int i = 0; item == NULL && gtk_list_box_get_row_at_index (list, i) != NULL; i++)
        if (g_strcmp0 (g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (list, i)), "id"), shown) == 0)
          item = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (list, i));
      g_assert_nonnull (item);
      g_assert_true (g_str_has_prefix (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (item)), opened_from[p].title));
      g_assert_true (adw_expander_row_get_expanded (item));
      if (p == 0)
        g_assert_cmpstr (shown, ==, f->change);
    }
}

static gboolean
record_open_file (FlProblemsPage *page, GFile *file, char **opened)
{
  g_free (*opened);
  *opened = g_file_get_path (file);
  return TRUE;
}

/* A major change takes its rollback plan and test report as files: each
 * attached from the change's row is listed there under its document, opens
 * from it, and goes to the server; a later plan replaces the first. */
static void
test_change_documents (Fixture *f, gconstpointer data)
{
  GtkListBox *changes = PAGE_CHILD ("changes_list");
  g_autofree char *plan = g_build_filename (f->dir, "回退方案.txt", NULL);
  g_autofree char *report = g_build_filename (f->dir, "test-report.txt", NULL);
  g_autofree char *second = g_build_filename (f->dir, "rollback-v2.txt", NULL);
  g_assert_true (g_file_set_contents (plan, "切回旧电池组\n", -1, NULL));
  g_assert_true (g_file_set_contents (report, "负载测试 4 小时通过\n", -1, NULL));
  g_assert_true (g_file_set_contents (second, "Refit the old string, then test\n", -1, NULL));

  g_autoptr(GFile) plan_file = g_file_new_for_path (plan);
  fl_problems_page_attach_file (f->page, f->change, "rollback_plan", plan_file);
  fl_ui_test_wait_until (fl_test_count (f->db, "SELECT count(*) FROM change_record WHERE rollback_plan_attachment"
                                               " IN (SELECT id FROM attachment WHERE filename = '回退方案.txt')") == 1);
  g_autoptr(GFile) report_file = g_file_new_for_path (report);
  fl_problems_page_attach_file (f->page, f->change, "test_report", report_file);
  fl_ui_test_wait_until (fl_test_count (f->db, "SELECT count(*) FROM change_record WHERE test_report_attachment"
                                               " IS NOT NULL") == 1);
  fl_ui_test_pump ();
  AdwExpanderRow *change = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (changes, 0));
  GtkWidget *plan_row = fl_ui_test_find_named (GTK_WIDGET (change), "rollback_plan");
  g_assert_nonnull (plan_row);
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (plan_row)), ==, "Rollback plan: 回退方案.txt");
  g_assert_nonnull (fl_ui_test_find_named (GTK_WIDGET (change), "test_report"));

  /* Open shows the very file. */
  g_autofree char *opened = NULL;
  g_signal_connect (f->page, "open-file", G_CALLBACK (record_open_file), &opened);
  g_signal_emit_by_name (fl_ui_test_find_button (plan_row, "Open"), "clicked");
  fl_ui_test_wait_until (opened != NULL);
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (opened, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "切回旧电池组\n");

  /* A second plan replaces the first, which stays listed. */
  g_autoptr(GFile) second_file = g_file_new_for_path (second);
  fl_problems_page_attach_file (f->page, f->change, "rollback_plan", second_file);
  fl_ui_test_wait_until (fl_test_count (f->db, "SELECT count(*) FROM change_record WHERE rollback_plan_attachment"
                                               " IN (SELECT id FROM attachment WHERE filename = 'rollback-v2.txt')") == 1);
  fl_ui_test_pump ();
  change = ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (changes, 0));
  g_assert_nonnull (fl_ui_test_find_named (GTK_WIDGET (change), "replaced"));
  g_assert_cmpstr (adw_preferences_row_get_title (ADW_PREFERENCES_ROW (fl_ui_test_find_named (GTK_WIDGET (change), "rollback_plan"))),
                   ==, "Rollback plan: rollback-v2.txt");
  /* Each file and the change naming it wait in the outbox, files first. */
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'attachment'"), ==, 3);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'change_record'"), ==, 3);
}

/* The incident's page opens a problem linked to it. */
static void
test_open_from_incident (Fixture *f, gconstpointer data)
{
  fl_window_show_work_order (f->window, f->incident);
  fl_ui_test_pump ();
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (f->window, "my-work"));
  FlWorkOrderPage *page = fl_work_order_list_page_get_detail (list);
  g_assert_true (gtk_widget_get_visible (fl_ui_test_child (page, FL_TYPE_WORK_ORDER_PAGE, "problem_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (page), "work-order.open-problem", NULL));
  fl_ui_test_pump ();
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM problem WHERE work_order_id = '%s'"
                                          " AND origin = 'incident' AND ci_id = '%s'", f->incident, f->ci);
  g_assert_cmpint (fl_test_count (f->db, sql), ==, 1);
}

/* In a window 1100 px wide the sidebar stays beside the page, the page
 * keeps its width, and every label in its lists, an opened problem's
 * too, is readable whole or ellipsized with a tooltip: in English and in
 * Chinese. */
static void
check_readable_at_1100 (Fixture *f)
{
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_free (fl_ui_test_store_printf (f->db, "problem",
      "{\"ref\": \"PRB-261201-K3F-0002\", \"title\": \"核心交换机端口频繁抖动导致门诊挂号系统间歇性中断"
      " Core switch port flapping interrupts outpatient registration\", \"site_id\": \"%s\", \"ci_id\": \"%s\","
      " \"origin\": \"incident\", \"priority\": 1, \"status\": \"registered\", \"by\": \"li.na\", \"at\": \"%s\"}",
      f->site, f->ci, now));
  FlWindow *window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1100, 700);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "problems");
  FlProblemsPage *page = FL_PROBLEMS_PAGE (fl_window_get_page (window, "problems"));
  fl_ui_test_pump ();
  GtkListBox *problems = fl_ui_test_child (page, FL_TYPE_PROBLEMS_PAGE, "problems_list");
  for (int i = 0; gtk_list_box_get_row_at_index (problems, i) != NULL; i++)
    adw_expander_row_set_expanded (ADW_EXPANDER_ROW (gtk_list_box_get_row_at_index (problems, i)), TRUE);
  fl_ui_test_pump ();
  g_assert_cmpint (gtk_widget_get_width (GTK_WIDGET (window)), <=, 1100);
  GtkWidget *leaflet = fl_ui_test_child (window, FL_TYPE_WINDOW, "leaflet");
  g_assert_false (adw_leaflet_get_folded (ADW_LEAFLET (leaflet)));
  graphene_rect_t sidebar, content;
  g_assert_true (gtk_widget_compute_bounds (fl_ui_test_child (window, FL_TYPE_WINDOW, "sidebar"),
                                            GTK_WIDGET (window), &sidebar));
  g_assert_true (gtk_widget_compute_bounds (GTK_WIDGET (page), GTK_WIDGET (window), &content));
  g_assert_cmpfloat (sidebar.origin.x + sidebar.size.width, <=, content.origin.x + 1);
  g_assert_cmpfloat (content.origin.x + content.size.width, <=, 1100);
  g_assert_cmpfloat (content.size.width, >=, 600);
  fl_ui_test_screenshot (GTK_WIDGET (window), "problems-1100.png");
  g_assert_cmpuint (fl_ui_test_assert_readable (GTK_WIDGET (page)), >, 15);
  gtk_window_destroy (GTK_WINDOW (window));
  fl_ui_test_pump ();
}

static void
test_readable_at_1100 (Fixture *f, gconstpointer data)
{
  check_readable_at_1100 (f);
}

static void
test_readable_at_1100_in_chinese (Fixture *f, gconstpointer data)
{
  if (!fl_ui_test_use_language ("zh_CN"))
    {
      g_test_skip ("no C.UTF-8 locale to switch the language in");
      return;
    }
  check_readable_at_1100 (f);
  fl_ui_test_use_language (NULL);
}

/* The major change opened from its CI's history, as a supervisor sees it
 * (`data`: the language): problems-change.png, problems-change-zh.png. */
static void
test_change_screenshot (Fixture *f, gconstpointer data)
{
  fl_window_show_ci (f->window, f->ci);
  fl_ui_test_pump ();
  FlCisPage *cis = FL_CIS_PAGE (fl_window_get_page (f->window, "cis"));
  GtkListBox *history = fl_ui_test_child (fl_cis_page_get_detail (cis), FL_TYPE_CI_PAGE, "history_list");
  GtkListBoxRow *row = NULL;
  for (int i = 0; row == NULL && gtk_list_box_get_row_at_index (history, i) != NULL; i++)
    if (g_strcmp0 (g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (history, i)), "target"), f->change) == 0)
      row = gtk_list_box_get_row_at_index (history, i);
  g_assert_nonnull (row);
  gtk_widget_activate (GTK_WIDGET (row));
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_problems_page_get_shown (f->page), ==, f->change);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), data != NULL ? "problems-change-zh.png" : "problems-change.png");
}

/* The CI's own page, its history naming its changes and problems (`data`:
 * the language): ci-history.png, ci-history-zh.png. */
static void
test_ci_history_screenshot (Fixture *f, gconstpointer data)
{
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *problem = fl_ui_test_store_printf (f->db, "problem",
      "{\"ref\": \"PRB-261201-K3F-0002\", \"title\": \"UPS 反复告警 alarms again\", \"site_id\": \"%s\","
      " \"ci_id\": \"%s\", \"origin\": \"recurrence\", \"priority\": 2, \"status\": \"investigating\","
      " \"by\": \"li.na\", \"at\": \"%s\"}", f->site, f->ci, now);
  fl_window_show_ci (f->window, f->ci);
  fl_ui_test_pump ();
  FlCisPage *cis = FL_CIS_PAGE (fl_window_get_page (f->window, "cis"));
  GtkListBox *history = fl_ui_test_child (fl_cis_page_get_detail (cis), FL_TYPE_CI_PAGE, "history_list");
  gboolean change_listed = FALSE, problem_listed = FALSE;
  for (int i = 0; gtk_list_box_get_row_at_index (history, i) != NULL; i++)
    {
      const char *target = g_object_get_data (G_OBJECT (gtk_list_box_get_row_at_index (history, i)), "target");
      change_listed |= g_strcmp0 (target, f->change) == 0;
      problem_listed |= g_strcmp0 (target, problem) == 0;
    }
  g_assert_true (change_listed);
  g_assert_true (problem_listed);
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), data != NULL ? "配置项" : "Configuration items"));
  /* Its history says it holds them. */
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), data != NULL
      ? "该配置项的工单、巡检、更正记录、变更和问题，最新的在前。"
      : "Work orders, inspections, corrections, changes and problems of this item, newest first."));
  /* The history in view. */
  GtkWidget *scrolled = gtk_widget_get_ancestor (GTK_WIDGET (history), GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t at;
  g_assert_true (gtk_widget_compute_point (GTK_WIDGET (history), content, &GRAPHENE_POINT_INIT (0, 0), &at));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), at.y - 300);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), data != NULL ? "ci-history-zh.png" : "ci-history.png");
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/problems/proposal-known-errors-ci", Fixture, NULL, fixture_set_up,
              test_proposal_known_errors_and_ci, fixture_tear_down);
  g_test_add ("/ui/problems/change-documents", Fixture, NULL, fixture_set_up,
              test_change_documents, fixture_tear_down);
  g_test_add ("/ui/problems/open-from-incident", Fixture, NULL, fixture_set_up,
              test_open_from_incident, fixture_tear_down);
  g_test_add ("/ui/problems/readable-at-1100", Fixture, NULL, fixture_set_up,
              test_readable_at_1100, fixture_tear_down);
  g_test_add ("/ui/problems/readable-at-1100-in-chinese", Fixture, NULL, fixture_set_up,
              test_readable_at_1100_in_chinese, fixture_tear_down);
  g_test_add ("/ui/problems/change-screenshot", Fixture, NULL, fixture_set_up, test_change_screenshot,
              fixture_tear_down);
  g_test_add ("/ui/problems/change-screenshot-zh", Fixture, "zh_CN", fixture_set_up, test_change_screenshot,
              fixture_tear_down);
  g_test_add ("/ui/problems/ci-history-screenshot", Fixture, NULL, fixture_set_up, test_ci_history_screenshot,
              fixture_tear_down);
  g_test_add ("/ui/problems/ci-history-screenshot-zh", Fixture, "zh_CN", fixture_set_up, test_ci_history_screenshot,
              fixture_tear_down);
  return g_test_run ();
}
