/* The service catalogue through the real widgets, with no server: the
 * entries a replica holds listed business service first, searched by a
 * Chinese word, a CI's code and nothing; an entry's content, indicators,
 * technical services, CIs and policy; a technical service's business
 * service and its inherited policy; a CI opened from it; and a work order
 * opening its service.  FL_SCREENSHOT_DIR=<dir> saves catalogue.png and,
 * in Chinese, catalogue-zh.png. */
#include "fl-catalogue-page.h"
#include "fl-page.h"
#include "fl-record-item.h"
#include "fl-ui-test-util.h"
#include "fl-work-order-list-page.h"
#include "fl-work-order-page.h"

#include <glib/gi18n-lib.h>

typedef struct {
  char            *dir;
  FlDb            *db;
  FlSession       *session;
  FlWindow        *window;
  FlCataloguePage *page;
  char            *site, *ci, *incident;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer language)
{
  if (!fl_ui_test_use_language (language))
    g_test_skip ("The C.UTF-8 locale is missing");
  g_autoptr(GError) error = NULL;
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"li.wei\", \"display_name\": \"李伟\", \"role\": \"engineer\"}"));
  f->ci = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"DB-01\", \"name\": \"HIS 数据库服务器\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\"}", f->site);
  g_free (fl_ui_test_store (f->db, "service",
      "{\"code\": \"HIS\", \"name\": \"医院信息系统 Hospital information\", \"kind\": \"business\","
      " \"content\": \"门诊挂号、收费与住院管理 Registration, billing and wards\", \"delivery\": \"on_site_remote\","
      " \"coverage\": \"7x24\", \"response_minutes\": 15, \"resolve_minutes\": 240, \"availability\": 9990,"
      " \"cis\": \"DB-01, SW-09\"}"));
  g_free (fl_ui_test_store (f->db, "service",
      "{\"code\": \"HIS-DB\", \"name\": \"数据库运维 Database operation\", \"kind\": \"technical\","
      " \"business\": \"HIS\", \"delivery\": \"remote\", \"cis\": \"DB-01\"}"));
  g_free (fl_ui_test_store (f->db, "service",
      "{\"code\": \"DESK\", \"name\": \"桌面支持 Desktop support\", \"kind\": \"business\", \"delivery\": \"hotline\","
      " \"coverage\": \"5x9\"}"));
  g_free (fl_ui_test_store (f->db, "service",
      "{\"code\": \"FAX\", \"name\": \"传真 Fax\", \"kind\": \"technical\", \"business\": \"DESK\", \"retired\": true}"));
  g_free (fl_ui_test_store (f->db, "sla_policy",
      "{\"catalogue\": \"HIS\", \"priority\": \"high\", \"response_minutes\": 15, \"resolve_minutes\": 120}"));
  g_free (fl_ui_test_store_printf (f->db, "sla_policy",
      "{\"site_id\": \"%s\", \"catalogue\": \"HIS\", \"priority\": \"high\", \"response_minutes\": 10,"
      " \"resolve_minutes\": 90}", f->site));
  f->incident = fl_ui_test_store_printf (f->db, "work_order",
      "{\"ref\": \"INC-261201-K3F-0001\", \"kind\": \"incident\", \"title\": \"HIS 数据库连接慢\", \"site_id\": \"%s\","
      " \"ci_id\": \"%s\", \"service\": \"HIS-DB\", \"impact\": 2, \"urgency\": 2, \"priority\": \"high\","
      " \"status\": \"assigned\", \"assignee\": \"li.wei\"}", f->site, f->ci);

  f->session = fl_session_new (f->db, "li.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "catalogue");
  f->page = FL_CATALOGUE_PAGE (fl_window_get_page (f->window, "catalogue"));
  fl_ui_test_pump ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  if (f->window != NULL)
    gtk_window_destroy (GTK_WINDOW (f->window));
  fl_ui_test_pump ();
  g_clear_object (&f->session);
  g_clear_object (&f->db);
  if (f->dir != NULL)
    fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->ci);
  g_free (f->incident);
  fl_ui_test_use_language (NULL);
}

#define PAGE_CHILD(name) fl_ui_test_child (f->page, FL_TYPE_CATALOGUE_PAGE, name)

static const char *
listed_code (Fixture *f, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (fl_catalogue_page_get_results (f->page), position);
  g_assert_nonnull (item);
  return g_intern_string (fl_record_item_get_id (item));
}

static AdwActionRow *
row_at (Fixture *f, const char *list, int index)
{
  GtkListBoxRow *row = gtk_list_box_get_row_at_index (PAGE_CHILD (list), index);
  g_assert_nonnull (row);
  return ADW_ACTION_ROW (row);
}

static const char *
title_at (Fixture *f, const char *list, int index)
{
  return adw_preferences_row_get_title (ADW_PREFERENCES_ROW (row_at (f, list, index)));
}

static const char *
subtitle_of (Fixture *f, const char *row)
{
  return adw_action_row_get_subtitle (ADW_ACTION_ROW (PAGE_CHILD (row)));
}

static void
search (Fixture *f, const char *words, guint expected)
{
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("search_entry")), words);
  fl_ui_test_wait_until (g_list_model_get_n_items (fl_catalogue_page_get_results (f->page)) == expected);
}

static void
test_list_search_and_detail (Fixture *f, gconstpointer data)
{
  /* Every entry, each business service followed by what is behind it. */
  GListModel *results = fl_catalogue_page_get_results (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (results), ==, 4);
  static const char * const order[] = { "DESK", "FAX", "HIS", "HIS-DB" };
  for (guint i = 0; i < G_N_ELEMENTS (order); i++)
    g_assert_cmpstr (listed_code (f, i), ==, order[i]);
  g_autoptr(FlRecordItem) fax = g_list_model_get_item (results, 1);
  g_assert_cmpstr (fl_record_item_get_subtitle (fax), ==, "FAX · for DESK");
  g_assert_cmpstr (fl_record_item_get_tag (fax), ==, "Retired");
  g_assert_true (fl_ui_test_shows_text (PAGE_CHILD ("list_view"), "医院信息系统 Hospital information"));

  /* Searched by a word of the content, by a CI's code, and by nothing known. */
  search (f, "收费", 1);
  g_assert_cmpstr (listed_code (f, 0), ==, "HIS");
  search (f, "db-01", 2);
  g_assert_cmpstr (listed_code (f, 1), ==, "HIS-DB");
  search (f, "printer", 0);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PAGE_CHILD ("list_stack")), ==, "empty");
  g_assert_cmpstr (adw_status_page_get_title (PAGE_CHILD ("empty_status")), ==, "No service matches");
  search (f, "", 4);
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PAGE_CHILD ("list_stack")), ==, "list");

  /* Opening HIS from the list shows what the catalogue promises. */
  g_signal_emit_by_name (PAGE_CHILD ("list_view"), "activate", 2);
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_catalogue_page_get_shown (f->page), ==, "HIS");
  g_assert_cmpstr (gtk_stack_get_visible_child_name (PAGE_CHILD ("detail_stack")), ==, "detail");
  g_assert_cmpstr (adw_preferences_group_get_title (PAGE_CHILD ("service_group")), ==,
                   "HIS — 医院信息系统 Hospital information");
  g_assert_cmpstr (adw_preferences_group_get_description (PAGE_CHILD ("service_group")), ==, "Business service");
  g_assert_cmpstr (subtitle_of (f, "content_row"), ==, "门诊挂号、收费与住院管理 Registration, billing and wards");
  g_assert_cmpstr (subtitle_of (f, "delivery_row"), ==, "On site and remote");
  g_assert_cmpstr (subtitle_of (f, "coverage_row"), ==, "7×24: around the clock");
  g_assert_false (gtk_widget_get_visible (PAGE_CHILD ("business_row")));
  g_assert_cmpstr (subtitle_of (f, "response_row"), ==, "Within 15 minutes");
  g_assert_cmpstr (subtitle_of (f, "resolve_row"), ==, "Within 4 h 00 min");
  g_assert_cmpstr (subtitle_of (f, "availability_row"), ==, "99.90 %");
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD ("technical_group")));
  g_assert_cmpstr (title_at (f, "technical_list", 0), ==, "数据库运维 Database operation");
  g_assert_cmpstr (title_at (f, "cis_list", 0), ==, "DB-01 — HIS 数据库服务器");
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (f, "cis_list", 0)), ==, "第一人民医院");
  g_assert_cmpstr (title_at (f, "cis_list", 1), ==, "SW-09");
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (f, "cis_list", 1)), ==, "At a site this device does not keep");
  g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (row_at (f, "cis_list", 1))));
  /* The policy for every site first, then the site's own. */
  g_assert_cmpstr (title_at (f, "policy_list", 0), ==, "High · every site");
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (f, "policy_list", 0)), ==,
                   "Respond within 15 minutes, resolve within 2 h 00 min");
  g_assert_cmpstr (title_at (f, "policy_list", 1), ==, "High · 第一人民医院");
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "catalogue.png");

  /* Its technical service, whose business service and policy are HIS's. */
  gtk_widget_activate (GTK_WIDGET (row_at (f, "technical_list", 0)));
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_catalogue_page_get_shown (f->page), ==, "HIS-DB");
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD ("business_row")));
  g_assert_cmpstr (subtitle_of (f, "business_row"), ==, "HIS — 医院信息系统 Hospital information");
  g_assert_false (gtk_widget_get_visible (PAGE_CHILD ("technical_group")));
  g_assert_cmpstr (subtitle_of (f, "response_row"), ==, "Not promised");
  g_assert_cmpstr (subtitle_of (f, "availability_row"), ==, "Not promised");
  g_assert_cmpstr (title_at (f, "policy_list", 0), ==, "High · every site");
  g_assert_true (gtk_widget_activate_action (PAGE_CHILD ("business_row"), "catalogue.show-business", NULL));
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_catalogue_page_get_shown (f->page), ==, "HIS");

  /* DESK has no policy of its own: the site's and the standard's apply. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "catalogue.show", "s", "DESK");
  fl_ui_test_pump ();
  g_assert_cmpstr (title_at (f, "policy_list", 0), ==, "The site’s policy applies, else the standard’s");
  g_assert_cmpstr (title_at (f, "technical_list", 0), ==, "传真 Fax");
  g_assert_cmpstr (adw_action_row_get_subtitle (row_at (f, "technical_list", 0)), ==, "FAX · retired");

  /* A CI it depends on opens on the CI page. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "catalogue.show", "s", "HIS");
  fl_ui_test_pump ();
  gtk_widget_activate (GTK_WIDGET (row_at (f, "cis_list", 0)));
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_window_get_area (f->window), ==, "cis");
}

/* A sync that brings an entry lists it, the entry shown staying. */
static void
test_follows_sync (Fixture *f, gconstpointer data)
{
  fl_page_show_record (FL_PAGE (f->page), "DESK");
  fl_ui_test_pump ();
  g_assert_cmpstr (subtitle_of (f, "delivery_row"), ==, "Hotline");
  g_free (fl_ui_test_store (f->db, "service", "{\"code\": \"NET\", \"name\": \"网络 Network\", \"kind\": \"business\"}"));
  fl_ui_test_wait_until (g_list_model_get_n_items (fl_catalogue_page_get_results (f->page)) == 5);
  g_assert_cmpstr (fl_catalogue_page_get_shown (f->page), ==, "DESK");
}

/* A work order's page opens the service it is for; a contract that is not
 * in the catalogue does not open. */
static void
test_work_order_opens_service (Fixture *f, gconstpointer data)
{
  fl_window_show_work_order (f->window, f->incident);
  fl_ui_test_pump ();
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (f->window, "my-work"));
  FlWorkOrderPage *page = fl_work_order_list_page_get_detail (list);
  AdwActionRow *service = fl_ui_test_child (page, FL_TYPE_WORK_ORDER_PAGE, "service_row");
  g_assert_true (g_str_has_prefix (adw_action_row_get_subtitle (service), "HIS-DB"));
  g_assert_true (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (service)));
  gtk_widget_activate (GTK_WIDGET (service));
  fl_ui_test_pump ();
  g_assert_cmpstr (fl_window_get_area (f->window), ==, "catalogue");
  g_assert_cmpstr (fl_catalogue_page_get_shown (f->page), ==, "HIS-DB");

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = fl_record_parse ("{\"service\": \"CONTRACT-2026-17\"}", -1, &error);
  g_assert_true (fl_work_order_update (f->db, f->incident, values, &error));
  g_assert_no_error (error);
  fl_window_show_work_order (f->window, f->incident);
  fl_ui_test_pump ();
  g_assert_false (gtk_list_box_row_get_activatable (GTK_LIST_BOX_ROW (service)));
  g_assert_false (gtk_widget_activate_action (GTK_WIDGET (page), "work-order.show-service", NULL) &&
                  g_strcmp0 (fl_window_get_area (f->window), "catalogue") == 0);
}

/* The page in Chinese, with the standards' words. */
static void
test_chinese (Fixture *f, gconstpointer data)
{
  if (g_test_failed () || f->window == NULL)
    return;
  fl_page_show_record (FL_PAGE (f->page), "HIS");
  fl_ui_test_pump ();
  g_assert_cmpstr (adw_preferences_group_get_description (PAGE_CHILD ("service_group")), ==, "业务服务");
  g_assert_cmpstr (subtitle_of (f, "response_row"), ==, "15 分钟内");
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), "服务目录"));
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "catalogue-zh.png");
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/catalogue/list-search-detail", Fixture, NULL, fixture_set_up,
              test_list_search_and_detail, fixture_tear_down);
  g_test_add ("/ui/catalogue/follows-sync", Fixture, NULL, fixture_set_up, test_follows_sync, fixture_tear_down);
  g_test_add ("/ui/catalogue/work-order-opens-service", Fixture, NULL, fixture_set_up,
              test_work_order_opens_service, fixture_tear_down);
  g_test_add ("/ui/catalogue/chinese", Fixture, "zh_CN", fixture_set_up, test_chinese, fixture_tear_down);
  return g_test_run ();
}
