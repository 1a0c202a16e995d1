/* Text with "<" and "&" shown as written: in a toast over a page or over
 * the window a dialog reports to, in an error dialog, in a work order's
 * rows (site, reporter, description) and in the report page's toast.  Pango reads such text as broken
 * markup and warns, which a test makes fatal. */
#include <fl-work-order.h>

#include "fl-notice.h"
#include "fl-reports-page.h"
#include "fl-ui-test-util.h"
#include "fl-work-order-list-page.h"
#include "fl-work-order-page.h"

#define SITE_NAME "Ward <5> & theatres"
#define REPORTER "Nurse station <B> & C"
#define DESCRIPTION "Pump <3> stops & the valve leaks"

typedef struct {
  char      *dir;
  FlDb      *db;
  FlSession *session;
  FlWindow  *window;
  char      *site;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"" SITE_NAME "\", \"time_zone\": \"Asia/Shanghai\","
      " \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->session = fl_session_new (f->db, "zhang.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 720);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_ui_test_pump ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  fl_ui_test_pump ();
  g_clear_object (&f->session);
  g_clear_object (&f->db);
  fl_ui_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
}

#define shows_text fl_ui_test_shows_text

static void
test_toast_over_page (Fixture *f, gconstpointer data)
{
  const char *message = "Saved <draft> & sent";
  fl_notice_toast (fl_window_get_page (f->window, "my-work"), message);
  fl_ui_test_pump ();
  g_assert_true (shows_text (GTK_WIDGET (f->window), message));
}

/* A dialog reports to its parent window once it has closed. */
static void
test_toast_over_window (Fixture *f, gconstpointer data)
{
  const char *message = "Recorded <INC-1> & assigned";
  fl_notice_toast (GTK_WIDGET (f->window), message);
  fl_ui_test_pump ();
  g_assert_true (shows_text (GTK_WIDGET (f->window), message));
}

static void
test_error (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = g_error_new_literal (G_IO_ERROR, G_IO_ERROR_FAILED, "The value <0> & more is refused");
  fl_notice_error (fl_window_get_page (f->window, "my-work"), "Cannot <save> & go", error);
  fl_ui_test_pump ();
  AdwMessageDialog *dialog = fl_ui_test_find_window (ADW_TYPE_MESSAGE_DIALOG);
  g_assert_nonnull (dialog);
  g_assert_true (gtk_window_get_transient_for (GTK_WINDOW (dialog)) == GTK_WINDOW (f->window));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "Cannot <save> & go"));
  g_assert_true (shows_text (GTK_WIDGET (dialog), "The value <0> & more is refused"));
  gtk_window_destroy (GTK_WINDOW (dialog));
}

static void
test_work_order_rows (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = "Pump <3> & valve", .description = DESCRIPTION,
    .site_id = f->site, .reporter = REPORTER, .impact = 3, .urgency = 2,
  };
  g_autofree char *id = NULL;
  fl_work_order_create (f->db, &draft, "zhang.wei", &id, &error);
  g_assert_no_error (error);
  fl_window_show_work_order (f->window, id);
  fl_ui_test_pump ();
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (f->window, "my-work"));
  FlWorkOrderPage *page = fl_work_order_list_page_get_detail (list);
  g_assert_true (shows_text (GTK_WIDGET (page), "Pump <3> & valve"));
  g_assert_true (shows_text (GTK_WIDGET (page), SITE_NAME));
  g_assert_true (shows_text (GTK_WIDGET (page), REPORTER));
  g_assert_true (shows_text (GTK_WIDGET (page), DESCRIPTION));
}

static void
exported_cb (FlReportsPage *page, const char *path, const char *error, gpointer data)
{
  g_assert_null (error);
  *(gboolean *) data = TRUE;
}

static void
test_report_saved (Fixture *f, gconstpointer data)
{
  fl_window_show_area (f->window, "reports");
  FlReportsPage *page = FL_REPORTS_PAGE (fl_window_get_page (f->window, "reports"));
  g_autofree char *csv = g_build_filename (f->dir, "month <11> & more.csv", NULL);
  gboolean done = FALSE;
  g_signal_connect (page, "exported", G_CALLBACK (exported_cb), &done);
  fl_reports_page_export (page, FL_SERVICE_REPORT_CSV, csv);
  fl_ui_test_wait_until (done);
  g_assert_true (g_file_test (csv, G_FILE_TEST_EXISTS));
  g_assert_true (shows_text (GTK_WIDGET (f->window), "Report saved as month <11> & more.csv"));
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/notice/toast-over-page", Fixture, NULL, fixture_set_up, test_toast_over_page, fixture_tear_down);
  g_test_add ("/notice/toast-over-window", Fixture, NULL, fixture_set_up, test_toast_over_window,
              fixture_tear_down);
  g_test_add ("/notice/error", Fixture, NULL, fixture_set_up, test_error, fixture_tear_down);
  g_test_add ("/notice/work-order-rows", Fixture, NULL, fixture_set_up, test_work_order_rows, fixture_tear_down);
  g_test_add ("/notice/report-saved", Fixture, NULL, fixture_set_up, test_report_saved, fixture_tear_down);
  return g_test_run ();
}
