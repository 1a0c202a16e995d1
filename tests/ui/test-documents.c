/* The kept documents through the real widgets, with no server: listed in
 * the order of their kinds with whether their file is here; a text
 * document shown inside the page and opened as a named copy; one not
 * downloaded yet said so, offered for download, and the failed download
 * said so.  FL_SCREENSHOT_DIR=<dir> saves documents.png, and the page in
 * Chinese as documents-zh.png. */
#include "fl-documents-page.h"
#include "fl-page.h"
#include "fl-record-item.h"
#include "fl-ui-test-util.h"

#define CONTACTS "姓名,电话\n张伟,13800000000\nWang Qiang,13900000000\n"

typedef struct {
  char            *dir;
  FlDb            *db;
  FlSession       *session;
  FlWindow        *window;
  FlDocumentsPage *page;
  GFile           *opened;
} Fixture;

/* `data`: the language to show the page in, NULL for English. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  if (data != NULL && !fl_ui_test_use_language (data))
    g_test_skip ("The locale of the language is missing");
  g_autoptr(GError) error = NULL;
  f->db = fl_test_replica ("K3F", &f->dir);
  f->session = fl_session_new (f->db, "li.wei");
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, CONTACTS, -1);
  g_autofree char *blob = fl_session_get_blob_path (f->session, sha);
  g_autofree char *blob_dir = g_path_get_dirname (blob);
  g_assert_cmpint (g_mkdir_with_parents (blob_dir, 0700), ==, 0);
  g_assert_true (g_file_set_contents (blob, CONTACTS, -1, NULL));
  g_free (fl_ui_test_store_printf (f->db, "document",
      "{\"kind\": \"contacts\", \"title\": \"联系人清单 Contacts\", \"sha256\": \"%s\", \"mime\": \"text/csv\","
      " \"size\": \"%d\", \"filename\": \"contacts.csv\", \"published_by\": \"admin\","
      " \"published_at\": \"2026-11-20T01:00:00.000Z\"}", sha, (int) strlen (CONTACTS)));
  g_free (fl_ui_test_store_printf (f->db, "document",
      "{\"kind\": \"continuity_plan\", \"title\": \"服务连续性计划 Continuity plan\", \"sha256\": \"%064d\","
      " \"mime\": \"application/pdf\", \"size\": \"52000\", \"filename\": \"plan.pdf\", \"published_by\": \"admin\","
      " \"published_at\": \"2026-11-21T01:00:00.000Z\"}", 7));
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 800);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "documents");
  f->page = FL_DOCUMENTS_PAGE (fl_window_get_page (f->window, "documents"));
  fl_ui_test_pump ();
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  gtk_window_destroy (GTK_WINDOW (f->window));
  fl_ui_test_pump ();
  g_clear_object (&f->opened);
  g_clear_object (&f->session);
  g_clear_object (&f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  fl_ui_test_use_language (NULL);
}

#define PAGE_CHILD(name) fl_ui_test_child (f->page, FL_TYPE_DOCUMENTS_PAGE, name)

static FlRecordItem *
item_at (Fixture *f, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (fl_documents_page_get_documents (f->page), position);
  g_assert_nonnull (item);
  return item;  /* the model keeps it */
}

/* Instead of an application: the copy the page hands out. */
static void
open_document_cb (FlDocumentsPage *page, GFile *copy, Fixture *f)
{
  g_set_object (&f->opened, copy);
  g_signal_stop_emission_by_name (page, "open-document");
}

static void
test_list_open_and_download (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (g_list_model_get_n_items (fl_documents_page_get_documents (f->page)), ==, 2);
  g_assert_cmpstr (fl_record_item_get_title (item_at (f, 0)), ==, "服务连续性计划 Continuity plan");
  g_assert_cmpstr (fl_record_item_get_badge (item_at (f, 0)), ==, "Not downloaded yet");
  g_assert_cmpstr (fl_record_item_get_title (item_at (f, 1)), ==, "联系人清单 Contacts");
  g_assert_cmpstr (fl_record_item_get_badge (item_at (f, 1)), ==, "On this device");

  /* The contact list opens inside the page, and as a copy named contacts.csv. */
  g_signal_emit_by_name (PAGE_CHILD ("list_view"), "activate", 1);
  fl_ui_test_pump ();
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD ("contents_group")));
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (PAGE_CHILD ("text_view"));
  GtkTextIter start, end;
  gtk_text_buffer_get_bounds (buffer, &start, &end);
  g_autofree char *shown = gtk_text_buffer_get_text (buffer, &start, &end, FALSE);
  g_assert_cmpstr (shown, ==, CONTACTS);
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD ("open_button")));
  g_assert_false (gtk_widget_get_visible (PAGE_CHILD ("download_button")));
  g_signal_connect (f->page, "open-document", G_CALLBACK (open_document_cb), f);
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "documents.open", NULL));
  fl_ui_test_pump ();
  g_assert_nonnull (f->opened);
  g_autofree char *name = g_file_get_basename (f->opened);
  g_assert_cmpstr (name, ==, "contacts.csv");
  g_autofree char *copied = NULL;
  g_assert_true (g_file_load_contents (f->opened, NULL, &copied, NULL, NULL, NULL));
  g_assert_cmpstr (copied, ==, CONTACTS);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "documents.png");

  /* The plan is not here: said so, with the download offered; with no
   * server the download fails and the page says that. */
  g_signal_emit_by_name (PAGE_CHILD ("list_view"), "activate", 0);
  fl_ui_test_pump ();
  g_assert_cmpstr (adw_preferences_row_get_title (PAGE_CHILD ("state_row")), ==, "Not downloaded yet");
  g_assert_false (gtk_widget_get_visible (PAGE_CHILD ("contents_group")));
  g_assert_false (gtk_widget_get_visible (PAGE_CHILD ("open_button")));
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD ("download_button")));
  g_assert_true (gtk_widget_activate_action (GTK_WIDGET (f->page), "documents.download", NULL));
  fl_ui_test_wait_until (g_strcmp0 (fl_record_item_get_badge (item_at (f, 0)), "Download failed") == 0);
  g_assert_cmpstr (adw_preferences_row_get_title (PAGE_CHILD ("state_row")), ==, "Download failed");
  g_assert_cmpstr (gtk_button_get_label (PAGE_CHILD ("download_button")), ==, "_Try Again");
}

/* The page in Chinese, the contact list open: documents-zh.png. */
static void
test_chinese (Fixture *f, gconstpointer data)
{
  if (g_test_failed () || f->window == NULL)
    return;
  g_assert_cmpstr (fl_record_item_get_badge (item_at (f, 0)), ==, "尚未下载");
  g_assert_cmpstr (fl_record_item_get_badge (item_at (f, 1)), ==, "已在本设备");
  g_signal_emit_by_name (PAGE_CHILD ("list_view"), "activate", 1);
  fl_ui_test_pump ();
  g_assert_true (gtk_widget_get_visible (PAGE_CHILD ("contents_group")));
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), "文档"));
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "documents-zh.png");
}

int
main (int argc, char **argv)
{
  /* The copies go to a cache folder of the test's own. */
  g_autofree char *cache = g_dir_make_tmp ("fieldline-cache-XXXXXX", NULL);
  g_setenv ("XDG_CACHE_HOME", cache, TRUE);
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/documents/list-open-download", Fixture, NULL, fixture_set_up,
              test_list_open_and_download, fixture_tear_down);
  g_test_add ("/ui/documents/chinese", Fixture, "zh_CN", fixture_set_up, test_chinese, fixture_tear_down);
  int status = g_test_run ();
  fl_test_remove_tree (cache);
  return status;
}
