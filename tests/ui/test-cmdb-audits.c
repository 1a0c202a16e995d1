/* Walking a CMDB audit through the real widgets: the round's list of CIs,
 * a CI found with a difference typed over its record, one found missing,
 * an item found but not recorded, the progress, submitting once every CI
 * is marked, and a supervisor planning the next round.
 * FL_SCREENSHOT_DIR=<dir> saves cmdb-audit.png, and the round in Chinese
 * as cmdb-audit-zh.png. */
#include "fl-cmdb-audits-page.h"
#include "fl-record-item.h"
#include "fl-ui-test-util.h"

typedef struct {
  char             *dir;
  FlDb             *db;
  FlSession        *session;
  FlWindow         *window;
  FlCmdbAuditsPage *page;
  char             *site, *ci1, *ci2, *ci3, *audit;
} Fixture;

/* `data`: the language to show the page in, NULL for English. */
static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  if (data != NULL && !fl_ui_test_use_language (data))
    g_test_skip ("The locale of the language is missing");
  f->db = fl_test_replica ("K3F", &f->dir);

  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->ci1 = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"SRV-01\", \"name\": \"HIS application server\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\", \"location\": \"机房 A 机柜 3\", \"serial\": \"CN7731\", \"revision\": \"BIOS 2.1\"}",
      f->site);
  f->ci2 = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"SRV-02\", \"name\": \"LIS server\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\", \"location\": \"机房 A 机柜 4\"}", f->site);
  f->ci3 = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"SW-01\", \"name\": \"核心交换机 Core switch\", \"type\": \"switch\", \"site_id\": \"%s\","
      " \"status\": \"in_use\", \"location\": \"机房 A 机柜 1\"}", f->site);
  f->audit = fl_ui_test_store_printf (f->db, "cmdb_audit",
      "{\"ref\": \"AUD-261201-SUP-0001\", \"site_id\": \"%s\", \"due_on\": \"2026-12-15\","
      " \"assignee\": \"zhang.wei\", \"status\": \"planned\"}", f->site);

  f->session = fl_session_new (f->db, "zhang.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "cmdb-audits");
  f->page = FL_CMDB_AUDITS_PAGE (fl_window_get_page (f->window, "cmdb-audits"));
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
  g_free (f->ci1);
  g_free (f->ci2);
  g_free (f->ci3);
  g_free (f->audit);
  fl_ui_test_use_language (NULL);
}

static const char *
badge_at (GListModel *model, guint position)
{
  static char badge[128];
  g_autoptr(FlRecordItem) item = g_list_model_get_item (model, position);
  g_strlcpy (badge, fl_record_item_get_badge (item), sizeof badge);
  return badge;
}

static void
type (Fixture *f, const char *column, const char *text)
{
  gtk_editable_set_text (GTK_EDITABLE (fl_cmdb_audits_page_get_field_row (f->page, column)), text);
}

static void
test_walk_audit (Fixture *f, gconstpointer data)
{
  GListModel *audits = fl_cmdb_audits_page_get_audits (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (audits), ==, 1);
  g_assert_cmpstr (badge_at (audits, 0), ==, "Planned");
  /* An engineer walks rounds; planning is a supervisor's. */
  g_assert_false (gtk_widget_get_visible (fl_ui_test_child (f->page, FL_TYPE_CMDB_AUDITS_PAGE, "plan_group")));

  fl_cmdb_audits_page_show (f->page, f->audit, NULL);
  GListModel *cis = fl_cmdb_audits_page_get_cis (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (cis), ==, 3);
  g_assert_cmpstr (badge_at (cis, 0), ==, "To check");

  /* SRV-01 stands in another rack: the form shows the record, the
   * engineer types what is there. */
  fl_cmdb_audits_page_show (f->page, f->audit, f->ci1);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fl_cmdb_audits_page_get_field_row (f->page, "location"))),
                   ==, "机房 A 机柜 3");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (fl_cmdb_audits_page_get_field_row (f->page, "revision"))),
                   ==, "BIOS 2.1");
  type (f, "location", "机房 B 机柜 7");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "differs");
  fl_ui_test_pump ();
  g_assert_cmpstr (badge_at (cis, 0), ==, "Found with differences");
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM cmdb_audit_item WHERE ci_id = '%s' AND result = 'differs'"
      " AND json_extract (differences, '$.location.recorded') = '机房 A 机柜 3'"
      " AND json_extract (differences, '$.location.found') = '机房 B 机柜 7'"
      " AND json_extract (differences, '$.revision') IS NULL", f->ci1);
  g_assert_cmpint (fl_test_count (f->db, sql), ==, 1);
  g_assert_cmpstr (badge_at (audits, 0), ==, "In progress");

  /* The next unmarked CI comes up: SRV-02, not found. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "missing");
  fl_ui_test_pump ();
  g_assert_cmpstr (badge_at (cis, 1), ==, "Missing");

  /* Submitting with SW-01 unchecked is refused. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.submit", NULL);
  fl_ui_test_pump ();
  g_autoptr(JsonObject) walking = fl_record_load (f->db, fl_schema_lookup ("cmdb_audit"), f->audit, NULL);
  g_assert_cmpstr (fl_record_get_string (walking, "status"), ==, "in_progress");

  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "as_recorded");
  fl_ui_test_pump ();

  /* A UPS nobody recorded. */
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.add-unrecorded", NULL);
  fl_ui_test_pump ();
  g_assert_true (gtk_widget_get_visible (GTK_WIDGET (fl_cmdb_audits_page_get_field_row (f->page, "code"))));
  type (f, "code", "UPS-07");
  type (f, "name", "UPS 机房 A");
  type (f, "type", "ups");
  type (f, "location", "机房 A 配电");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "unrecorded");
  fl_ui_test_pump ();
  g_assert_cmpuint (g_list_model_get_n_items (cis), ==, 4);
  g_assert_cmpstr (badge_at (cis, 3), ==, "Found, not recorded");
  GtkProgressBar *progress = fl_ui_test_child (f->page, FL_TYPE_CMDB_AUDITS_PAGE, "audit_progress");
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "3 of 3 checked");

  fl_cmdb_audits_page_show (f->page, f->audit, NULL);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "cmdb-audit.png");

  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.submit", NULL);
  fl_ui_test_pump ();
  g_autoptr(JsonObject) submitted = fl_record_load (f->db, fl_schema_lookup ("cmdb_audit"), f->audit, NULL);
  g_assert_cmpstr (fl_record_get_string (submitted, "status"), ==, "pending");
  g_assert_nonnull (fl_record_get_string (submitted, "submitted_at"));
  g_assert_cmpstr (badge_at (audits, 0), ==, "Waiting for approval");
  /* Submitted: marking is off. */
  gint64 marks = fl_test_count (f->db, "SELECT count(*) FROM cmdb_audit_item");
  fl_cmdb_audits_page_show (f->page, f->audit, f->ci2);
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "as_recorded");
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM cmdb_audit_item"), ==, marks);
  /* And the buttons say why, in the rule's words. */
  const char * const walking_actions[] = { "audits.submit", "audits.mark", "audits.add-unrecorded" };
  for (guint i = 0; i < G_N_ELEMENTS (walking_actions); i++)
    {
      GtkWidget *button = fl_ui_test_find_actionable (GTK_WIDGET (f->page), walking_actions[i]);
      g_assert_nonnull (button);
      g_assert_false (gtk_widget_is_sensitive (button));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (button), ==,
                       "Audit AUD-261201-SUP-0001 is Waiting for approval: it takes no more marks");
    }
}

/* The round in Chinese, with the 001 procedure's words, a CI found with a
 * difference and one missing: cmdb-audit-zh.png. */
static void
test_chinese (Fixture *f, gconstpointer data)
{
  if (g_test_failed () || f->window == NULL)
    return;
  fl_cmdb_audits_page_show (f->page, f->audit, f->ci1);
  type (f, "location", "机房 B 机柜 7");
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "differs");
  fl_ui_test_pump ();
  gtk_widget_activate_action (GTK_WIDGET (f->page), "audits.mark", "s", "missing");
  fl_ui_test_pump ();
  GListModel *cis = fl_cmdb_audits_page_get_cis (f->page);
  g_assert_cmpstr (badge_at (cis, 0), ==, "账实不符");
  GtkProgressBar *progress = fl_ui_test_child (f->page, FL_TYPE_CMDB_AUDITS_PAGE, "audit_progress");
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "已核对 2/3");
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (f->window), "配置审计"));
  fl_cmdb_audits_page_show (f->page, f->audit, NULL);
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "cmdb-audit-zh.png");
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/cmdb-audits/walk", Fixture, NULL, fixture_set_up, test_walk_audit, fixture_tear_down);
  g_test_add ("/ui/cmdb-audits/chinese", Fixture, "zh_CN", fixture_set_up, test_chinese, fixture_tear_down);
  return g_test_run ();
}
