/* Walking an inspection round through the real widgets: the checklist built
 * from the template, an out-of-range value marked while typing, a reading
 * that is not a number refused at its field, a failed
 * item that opens a linked incident (found in My work), and the round's
 * progress.  FL_SCREENSHOT_DIR=<dir> saves inspections.png. */
#include "fl-inspection-form.h"
#include "fl-inspections-page.h"
#include "fl-record-item.h"
#include "fl-ui-test-util.h"
#include "fl-work-order-list-page.h"

typedef struct {
  char              *dir;
  FlDb              *db;
  FlSession         *session;
  FlWindow          *window;
  FlInspectionsPage *page;
  char              *site, *ci1, *ci2, *round;
} Fixture;

static const char template_items[] =
  "[{\"key\": \"power_ok\", \"label\": \"电源指示正常 Power LEDs normal\", \"kind\": \"bool\","
  "  \"required\": true, \"severity\": \"major\"},"
  " {\"key\": \"temperature\", \"label\": \"进风温度 Inlet temperature\", \"kind\": \"number\","
  "  \"required\": true, \"severity\": \"major\", \"min\": 10, \"max\": 35, \"unit\": \"°C\"},"
  " {\"key\": \"humidity\", \"label\": \"相对湿度 Relative humidity\", \"kind\": \"number\","
  "  \"severity\": \"minor\", \"min\": 20, \"max\": 80, \"unit\": \"%\"},"
  " {\"key\": \"alarm\", \"label\": \"告警状态 Alarm state\", \"kind\": \"choice\", \"required\": true,"
  "  \"severity\": \"critical\", \"choices\": [\"none\", \"warning\", \"critical\"],"
  "  \"fail_choices\": [\"critical\"]},"
  " {\"key\": \"notes\", \"label\": \"备注 Notes\", \"kind\": \"text\", \"severity\": \"minor\"}]";

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("K3F", &f->dir);

  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->ci1 = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"SRV-01\", \"name\": \"HIS application server\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\", \"location\": \"机房 A 机柜 3\"}", f->site);
  f->ci2 = fl_ui_test_store_printf (f->db, "ci",
      "{\"code\": \"SRV-02\", \"name\": \"LIS server\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\", \"location\": \"机房 A 机柜 4\"}", f->site);
  g_autofree char *template = fl_ui_test_store_printf (f->db, "inspection_template",
      "{\"ci_type\": \"server\", \"name\": \"服务器月度巡检 Monthly server inspection\", \"items\": %s}",
      template_items);
  g_autoptr(GDateTime) today = g_date_time_new_now_utc ();
  g_autofree char *date = g_date_time_format (today, "%Y-%m-%d");
  f->round = fl_ui_test_store_printf (f->db, "inspection_round",
      "{\"ref\": \"INS-261123-SRV-0001\", \"site_id\": \"%s\", \"template_id\": \"%s\","
      " \"planned_for\": \"%s\", \"assignee\": \"zhang.wei\", \"status\": \"planned\"}",
      f->site, template, date);

  f->session = fl_session_new (f->db, "zhang.wei");
  f->window = fl_window_new (NULL, f->session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (f->window), 1200, 760);
  gtk_window_present (GTK_WINDOW (f->window));
  fl_window_show_area (f->window, "inspections");
  f->page = FL_INSPECTIONS_PAGE (fl_window_get_page (f->window, "inspections"));
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
  g_free (f->round);
}

static FlRecordItem *
item_at (GListModel *model, guint position)
{
  return g_list_model_get_item (model, position);
}

static void
test_fail_opens_incident (Fixture *f, gconstpointer data)
{
  GListModel *rounds = fl_inspections_page_get_rounds (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (rounds), ==, 1);
  g_autoptr(FlRecordItem) round = item_at (rounds, 0);
  g_assert_cmpstr (fl_record_item_get_badge (round), ==, "0 of 2 inspected");

  fl_inspections_page_show (f->page, f->round, NULL);
  GListModel *cis = fl_inspections_page_get_cis (f->page);
  g_assert_cmpuint (g_list_model_get_n_items (cis), ==, 2);
  g_autoptr(FlRecordItem) first = item_at (cis, 0);
  g_assert_cmpstr (fl_record_item_get_badge (first), ==, "To do");

  /* The checklist has one control per template item, of the item's kind. */
  fl_inspections_page_show (f->page, f->round, f->ci1);
  FlInspectionForm *form = fl_inspections_page_get_form (f->page);
  g_assert_true (GTK_IS_SWITCH (fl_inspection_form_get_control (form, "power_ok")));
  GtkWidget *temperature = fl_inspection_form_get_control (form, "temperature");
  g_assert_true (GTK_IS_EDITABLE (temperature));
  g_assert_true (ADW_IS_COMBO_ROW (fl_inspection_form_get_control (form, "alarm")));
  g_assert_true (ADW_IS_ENTRY_ROW (fl_inspection_form_get_control (form, "notes")));

  /* Readings start empty with their limits as a hint: a required one
   * nobody typed is refused at its field and nothing is recorded, rather
   * than a value the form made up being recorded as measured. */
  GtkWidget *humidity = fl_inspection_form_get_control (form, "humidity");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (temperature)), ==, "");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (temperature)), ==, "10–35");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (humidity)), ==, "");
  g_assert_cmpstr (gtk_entry_get_placeholder_text (GTK_ENTRY (humidity)), ==, "20–80");
  gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"), ==, 0);
  g_assert_true (gtk_widget_has_css_class (temperature, "error"));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (temperature), ==, "Enter a number");
  g_assert_false (gtk_widget_has_css_class (humidity, "error"));

  /* A reading that is not a number, or a required one left empty, is
   * refused at its field with the reason, and nothing is recorded (the
   * spin button it replaced recorded its last value instead). */
  static const struct { const char *text, *words; } refused[] = {
    { "abc", "“abc” is not a number" },
    { "1e999", "“1e999” is not a number" },
    { "", "Enter a number" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      gtk_editable_set_text (GTK_EDITABLE (temperature), refused[i].text);
      gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
      fl_ui_test_pump ();
      g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"), ==, 0);
      g_assert_true (gtk_widget_has_css_class (temperature, "error"));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (temperature), ==, refused[i].words);
    }

  /* 22 °C is fine; 41 °C is marked at once. */
  gtk_editable_set_text (GTK_EDITABLE (temperature), "22");
  g_assert_false (gtk_widget_has_css_class (temperature, "error"));
  g_assert_false (gtk_widget_has_css_class (temperature, "out-of-range"));
  gtk_editable_set_text (GTK_EDITABLE (temperature), "41");
  g_assert_true (gtk_widget_has_css_class (temperature, "out-of-range"));
  gtk_editable_set_text (GTK_EDITABLE (fl_inspection_form_get_control (form, "notes")), "Fan noisy");

  gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
  fl_ui_test_pump ();
  /* A second click records nothing: the action is off until an answer
   * changes, and the button says so. */
  gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"), ==, 1);
  GtkWidget *record = fl_ui_test_find_actionable (GTK_WIDGET (form), "inspection-form.record");
  g_assert_false (gtk_widget_is_sensitive (record));
  g_assert_cmpstr (gtk_widget_get_tooltip_text (record), ==,
                   "Recorded: change an answer to record the inspection again");

  /* The inspection failed and is linked to a new incident about this CI. */
  g_assert_cmpint (fl_test_count (f->db,
                   "SELECT count(*) FROM inspection WHERE outcome = 'fail' AND incident_id IS NOT NULL"), ==, 1);
  g_autofree char *sql = g_strdup_printf (
      "SELECT count(*) FROM work_order w JOIN inspection i ON i.incident_id = w.id"
      " WHERE w.kind = 'incident' AND w.ci_id = '%s' AND w.assignee = 'zhang.wei'", f->ci1);
  g_assert_cmpint (fl_test_count (f->db, sql), ==, 1);
  g_autoptr(FlRecordItem) failed = item_at (cis, 0);
  g_assert_true (g_str_has_prefix (fl_record_item_get_badge (failed), "Failed · INC-"));
  GtkProgressBar *progress = fl_ui_test_child (f->page, FL_TYPE_INSPECTIONS_PAGE, "round_progress");
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "1 of 2 inspected");

  /* Corrected answers are recorded against the same open incident, a
   * reading far outside the limits as typed, not clamped. */
  gtk_editable_set_text (GTK_EDITABLE (temperature), "450");
  gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"), ==, 2);
  g_assert_cmpint (fl_test_count (f->db,
                   "SELECT count(*) FROM inspection WHERE json_extract (results, '$.temperature') = 450"), ==, 1);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM work_order"), ==, 1);

  /* And it waits in My work. */
  FlWorkOrderListPage *work = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (f->window, "my-work"));
  FlWorkOrderModel *model = fl_work_order_list_page_get_model (work);
  fl_ui_test_wait_until (!fl_work_order_model_get_loading (model));
  g_assert_cmpuint (g_list_model_get_n_items (G_LIST_MODEL (model)), ==, 1);
  g_autoptr(FlRecordItem) incident = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_true (g_str_has_prefix (fl_record_item_get_title (incident), "Inspection failed: SRV-01"));

  /* The second CI passes and the round is done. */
  fl_inspections_page_show (f->page, f->round, f->ci2);
  gtk_editable_set_text (GTK_EDITABLE (fl_inspection_form_get_control (form, "temperature")), "22");
  gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
  fl_ui_test_pump ();
  g_assert_cmpstr (gtk_progress_bar_get_text (progress), ==, "2 of 2 inspected");
  g_autoptr(JsonObject) done = fl_record_load (f->db, fl_schema_lookup ("inspection_round"), f->round, NULL);
  g_assert_cmpstr (fl_record_get_string (done, "status"), ==, "done");
  g_autoptr(FlRecordItem) passed = item_at (cis, 1);
  g_assert_cmpstr (fl_record_item_get_badge (passed), ==, "Passed");
  /* The optional humidity nobody read is recorded as not measured. */
  g_autofree char *second = g_strdup_printf (
      "SELECT count(*) FROM inspection WHERE ci_id = '%s' AND json_extract (results, '$.temperature') = 22"
      " AND json_type (results, '$.humidity') IS NULL", f->ci2);
  g_assert_cmpint (fl_test_count (f->db, second), ==, 1);

  /* For the screenshot: the failing checklist again. */
  fl_inspections_page_show (f->page, f->round, f->ci1);
  gtk_editable_set_text (GTK_EDITABLE (fl_inspection_form_get_control (form, "temperature")), "41");
  fl_ui_test_screenshot (GTK_WIDGET (f->window), "inspections.png");
}

/* A reading far outside the limits is recorded as typed, not cut to what
 * the field happens to allow: 99 °C stays 99 °C, marked. */
static void
test_reading_kept_as_typed (Fixture *f, gconstpointer data)
{
  fl_inspections_page_show (f->page, f->round, f->ci1);
  FlInspectionForm *form = fl_inspections_page_get_form (f->page);
  GtkEditable *temperature = GTK_EDITABLE (fl_inspection_form_get_control (form, "temperature"));
  gtk_editable_set_text (temperature, "99");
  g_assert_cmpstr (gtk_editable_get_text (temperature), ==, "99");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (temperature), "out-of-range"));
  gtk_editable_set_text (temperature, "-40");
  g_assert_cmpstr (gtk_editable_get_text (temperature), ==, "-40");
  g_assert_true (gtk_widget_has_css_class (GTK_WIDGET (temperature), "out-of-range"));
  gtk_editable_set_text (temperature, "99");
  gtk_widget_activate_action (GTK_WIDGET (form), "inspection-form.record", NULL);
  fl_ui_test_pump ();
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM inspection"
                                         " WHERE json_extract (results, '$.temperature') = 99"), ==, 1);
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add ("/ui/inspections/fail-opens-incident", Fixture, NULL, fixture_set_up,
              test_fail_opens_incident, fixture_tear_down);
  g_test_add ("/ui/inspections/reading-kept-as-typed", Fixture, NULL, fixture_set_up,
              test_reading_kept_as_typed, fixture_tear_down);
  return g_test_run ();
}
