/* Recording a backup check and a restore drill through the real widgets:
 * jobs that need attention come first, a check changes the job's state,
 * and input that is not a time or a size is refused before anything is
 * written.  FL_SCREENSHOT_DIR=<dir> saves backups.png. */
#include "fl-backups-page.h"
#include "fl-record-item.h"
#include "fl-ui-test-util.h"

typedef struct {
  char          *dir;
  FlDb          *db;
  FlSession     *session;
  FlWindow      *window;
  FlBackupsPage *page;
  char          *daily, *weekly;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("K3F", &f->dir);

  g_autofree char *site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  g_autofree char *ci = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"DB-01\", \"name\": \"HIS database\", \"type\": \"database\", \"site_id\": \"%s\","
      " \"status\": \"in_use\"}", site);
  f->daily = fl_ui_test_store_printf (f->db, "backup_job",
      "{\"ci_id\": \"%s\", \"name\": \"HIS 数据库每日全备 Daily full\", \"kind\": \"full\", \"schedule\": \"daily\","
      " \"due_by\": \"06:00\", \"target\": \"NAS-02\", \"retention_days\": 30}", ci);
  f->weekly = fl_ui_test_store_printf (f->db, "backup_job",
      "{\"ci_id\": \"%s\", \"name\": \"系统盘每周备份 Weekly system image\", \"kind\": \"incremental\","
      " \"schedule\": \"weekly\", \"due_by\": \"06:00\", \"target\": \"SAN snapshot\", \"retention_days\": 90}", ci);
  g_autofree char *yesterday = fl_time_format (fl_time_now () - G_TIME_SPAN_DAY);
  g_free (fl_ui_test_store_printf (f->db, "backup_check",
      "{\"job_id\": \"%s\", \"checked_at\": \"%s\", \"by\": \"zhang.wei\", \"result\": \"ok\"}",
      f->weekly, yesterday));

  f->session = fl_session_new (f->db, "zhang.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1100, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "backups");
  f->page = FL_BACKUPS_PAGE (fl_window_get_page (f->window, "backups"));
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
  g_free (f->daily);
  g_free (f->weekly);
}

#define PAGE_CHILD(name) fl_ui_test_child (f->page, FL_TYPE_BACKUPS_PAGE, name)

static void
test_record_check_and_drill (Fixture *f, gconstpointer data)
{
  GListModel *jobs = fl_backups_page_get_jobs (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 2);
  g_autoptr(FlRecordItem) first = g_list_model_get_item (jobs, 0);
  g_assert_cmpstr (fl_record_item_get_id (first), ==, f->daily);
  g_assert_cmpstr (fl_record_item_get_badge (first), ==, "Overdue · never checked");
  g_autoptr(FlRecordItem) second = g_list_model_get_item (jobs, 1);
  g_assert_true (g_str_has_prefix (fl_record_item_get_badge (second), "OK · last checked"));

  fl_backups_page_show (f->page, f->daily);

  /* A size that is not a number, negative or absurd is refused at the
   * size field, saying why; nothing is written. */
  static const struct { const char *text, *words; } sizes[] = {
    { "twelve", "“twelve” is not a number" },
    { "-1", "Enter a size in GB from 0 to 1152921504" },
    { "inf", "“inf” is not a number" },
    { "1e30", "“1e30” is not a number" },
    { "99999999999", "Enter a size in GB from 0 to 1152921504" },
  };
  GtkWidget *size = PAGE_CHILD ("size_row");
  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (size), sizes[i].text);
      gtk_widget_activate_action (GTK_WIDGET (f->page), "backups.record", NULL);
      fl_ui_test_pump ();
      g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM backup_check"), ==, 1);
      g_assert_true (gtk_widget_has_css_class (size, "error"));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (size), ==, sizes[i].words);
    }

  adw_combo_row_set_selected (PAGE_CHILD ("result_row"), 0);
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("taken_row")), "2026-11-22 05:40");
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("size_row")), "12.5");
  gtk_editable_set_text (GTK_EDITABLE (PAGE_CHILD ("notes_row")), "校验和一致 checksums match");
  adw_expander_row_set_enable_expansion (PAGE_CHILD ("drill_row"), TRUE);
  gtk_switch_set_active (PAGE_CHILD ("restore_ok_switch"), TRUE);
  /* Minutes out of range or not a number are refused at the field, and
   * nothing of the form is recorded. */
  GtkEditable *minutes = PAGE_CHILD ("restore_minutes_entry");
  const char * const refused[] = { "1000000", "half an hour", "-5" };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gtk_editable_set_text (minutes, refused[i]);
      gtk_widget_activate_action (GTK_WIDGET (f->page), "backups.record", NULL);
      fl_ui_test_pump ();
      g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM backup_check"), ==, 1);
      g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (minutes), "error"));
      g_assert_nonnull (gtk_widget_get_tooltip_text (GTK_WIDGET (minutes)));
    }
  gtk_editable_set_text (minutes, "35");
  /* A time that cannot be read is refused at its own field too. */
  GtkWidget *taken = PAGE_CHILD ("taken_row");
  gtk_editable_set_text (GTK_EDITABLE (taken), "yesterday");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "backups.record", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM backup_check"), ==, 1);
  g_assert_true (gtk_widget_has_css_class (taken, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (taken), ==, "Write when the backup was taken as YYYY-MM-DD HH:MM");
  gtk_editable_set_text (GTK_EDITABLE (taken), "2026-11-22 05:40");
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "backups.png");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "backups.record", NULL);
  fl_ui_test_pump ();

  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM backup_check WHERE job_id = '%s' AND result = 'ok' AND by = 'zhang.wei'"
      " AND size_bytes = 12500000000 AND restore_test = 1 AND restore_ok = 1 AND restore_minutes = 35"
      " AND notes = '校验和一致 checksums match' AND backup_taken_at IS NOT NULL", f->daily);
  g_assert_cmpint (fl_test_count (f->db, sql), ==, 1);
  g_assert_cmpint (fl_test_count (f->db,
                   "SELECT count(*) FROM outbox WHERE table_name = 'backup_check' AND state = 'pending'"), ==, 1);

  /* The job is OK now, and its history shows the check and the drill. */
  GtkLabel *state = PAGE_CHILD ("state_label");
  g_assert_cmpstr (gtk_label_get_text (state), ==, "OK");
  GtkListBox *history = PAGE_CHILD ("history_list");
  AdwActionRow *row = ADW_ACTION_ROW (gtk_list_box_get_row_at_index (history, 0));
  g_assert_nonnull (row);
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "restore drill passed in 35 min"));
  g_assert_nonnull (strstr (adw_action_row_get_subtitle (row), "12.5\u00a0GB"));  /* g_format_size */
  g_assert_cmpuint (g_list_model_get_n_items (jobs), ==, 2);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FlRecordItem) job = g_list_model_get_item (jobs, i);
      g_assert_true (g_str_has_prefix (fl_record_item_get_badge (job), "OK · last checked"));
    }
  /* The form is ready for the next job. */
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (PAGE_CHILD ("size_row"))), ==, "");
  g_assert_false (adw_expander_row_get_enable_expansion (PAGE_CHILD ("drill_row")));
  g_assert_false (gtk_widget_has_css_class (size, "error"));
}

/* In Chinese the job's line reads as Chinese is written: "每周增量备份至",
 * with no spaces between the words the English one needs. */
static void
test_job_line_in_chinese (Fixture *f, gconstpointer data)
{
  if (!fl_ui_test_use_language ("zh_CN"))
    {
      g_test_skip ("no C.UTF-8 locale to switch the language in");
      return;
    }
  fl_backups_page_show (f->page, f->weekly);
  fl_ui_test_pump ();
  g_autofree char *line = g_strdup (gtk_label_get_text (PAGE_CHILD ("subtitle_label")));
  fl_ui_test_use_language (NULL);
  g_test_message ("%s", line);
  g_assert_nonnull (strstr (line, "DB-01 HIS database · 每周增量备份至 SAN snapshot"));
  g_assert_nonnull (strstr (line, "06:00 前完成，保留 90 天"));
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/backups/record-check-and-drill", Fixture, NULL, fixture_set_up,
              test_record_check_and_drill, fixture_tear_down);
  g_test_add ("/ui/backups/job-line-in-chinese", Fixture, NULL, fixture_set_up,
              test_job_line_in_chinese, fixture_tear_down);
  return g_test_run ();
}
