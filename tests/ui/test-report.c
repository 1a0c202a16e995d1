/* The service report of a period: the PDF opens with its pages, the review
 * sections and a CJK font embedded (pdftoppm, pdfinfo, pdffonts, pdftotext
 * from poppler-utils), the CSV has the expected lines and figures, the
 * asynchronous run reports progress up to 1 and writes the file, and the
 * page shows the review.  The dataset is October 2026 (against September)
 * at a hospital with a Chinese name. */
#include <locale.h>
#include <sys/wait.h>

#include "fl-ui-test-util.h"

#include "fl-kpi-chart.h"
#include "fl-replica-queries.h"
#include "fl-session.h"
#include "fl-reports-page.h"
#include "fl-service-report.h"

#define LOCAL(t) t "+08:00"

typedef struct {
  char *dir;
  FlDb *db;
  char *site;
} Fixture;

static char *
store (FlDb *db, const char *table, const char *json, const char *created_at)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  gint64 created;
  g_assert_true (fl_time_parse (created_at, &created, NULL));
  g_autofree char *created_text = fl_time_format (created);
  char *id = fl_uuid7_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "version", "1");
  json_object_set_string_member (row, "created_at", created_text);
  json_object_set_string_member (row, "updated_at", created_text);
  fl_record_validate (fl_schema_lookup (table), row, FL_RECORD_STORED, NULL, &error);
  g_assert_no_error (error);
  fl_record_store (db, fl_schema_lookup (table), row, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static void
work_order (Fixture *f, const char *priority, const char *created, const char *response_due,
            const char *responded, const char *resolve_due, const char *resolved, int satisfaction)
{
  g_autoptr(GString) json = g_string_new (NULL);
  g_string_printf (json, "{\"ref\": \"INC-X\", \"kind\": \"incident\", \"title\": \"服务器告警\","
                         " \"site_id\": \"%s\", \"impact\": 2, \"urgency\": 2, \"priority\": \"%s\","
                         " \"status\": \"%s\", \"response_due\": \"%s\", \"resolve_due\": \"%s\"",
                   f->site, priority, resolved != NULL ? "closed" : "in_progress", response_due, resolve_due);
  if (responded != NULL)
    g_string_append_printf (json, ", \"responded_at\": \"%s\"", responded);
  if (resolved != NULL)
    g_string_append_printf (json, ", \"resolved_at\": \"%s\", \"customer_accepted_at\": \"%s\","
                                  " \"satisfaction\": %d, \"first_time_fix\": true",
                            resolved, resolved, satisfaction);
  g_string_append (json, "}");
  g_free (store (f->db, "work_order", json->str, created));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  f->dir = g_dir_make_tmp ("fieldline-report-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = g_build_filename (f->dir, "replica.db", NULL);
  f->db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  f->site = store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}",
      "2026-01-01T00:00:00Z");

  /* October: a high incident on time in both, a medium one responded late
   * and resolved on time, a normal one still open past its due time. */
  work_order (f, "high", LOCAL ("2026-10-05T10:00:00"), LOCAL ("2026-10-06T10:00:00"),
              LOCAL ("2026-10-05T11:00:00"), LOCAL ("2026-10-07T10:00:00"), LOCAL ("2026-10-06T15:00:00"), 5);
  work_order (f, "medium", LOCAL ("2026-10-12T10:00:00"), LOCAL ("2026-10-13T10:00:00"),
              LOCAL ("2026-10-13T12:00:00"), LOCAL ("2026-10-15T10:00:00"), LOCAL ("2026-10-14T09:00:00"), 3);
  work_order (f, "normal", LOCAL ("2026-10-20T10:00:00"), LOCAL ("2026-10-21T10:00:00"),
              LOCAL ("2026-10-20T12:00:00"), LOCAL ("2026-10-24T10:00:00"), NULL, 0);
  /* September: one high incident, on time. */
  work_order (f, "high", LOCAL ("2026-09-10T10:00:00"), LOCAL ("2026-09-11T10:00:00"),
              LOCAL ("2026-09-10T10:30:00"), LOCAL ("2026-09-12T10:00:00"), LOCAL ("2026-09-11T10:00:00"), 4);

  g_autofree char *ci_json = g_strdup_printf (
      "{\"code\": \"HIS-DB\", \"name\": \"HIS 数据库\", \"type\": \"server\", \"site_id\": \"%s\","
      " \"status\": \"in_use\"}", f->site);
  g_autofree char *ci = store (f->db, "ci", ci_json, "2026-01-01T00:00:00Z");
  g_autofree char *job_json = g_strdup_printf (
      "{\"ci_id\": \"%s\", \"name\": \"HIS 全量备份\", \"kind\": \"full\", \"schedule\": \"weekly\"}", ci);
  g_autofree char *job = store (f->db, "backup_job", job_json, "2026-01-01T00:00:00Z");
  static const char * const checks[] = {
    LOCAL ("2026-10-02T08:00:00"), LOCAL ("2026-10-09T08:00:00"), LOCAL ("2026-10-23T08:00:00") };
  for (guint i = 0; i < G_N_ELEMENTS (checks); i++)
    {
      g_autofree char *check = g_strdup_printf (
          "{\"job_id\": \"%s\", \"checked_at\": \"%s\", \"backup_taken_at\": \"%s\", \"by\": \"li.na\","
          " \"result\": \"ok\"%s}",
          job, checks[i], checks[i], i == 1 ? ", \"restore_test\": true, \"restore_ok\": true, \"restore_minutes\": 40" : "");
      g_free (store (f->db, "backup_check", check, checks[i]));
    }

  g_autofree char *part = store (f->db, "part",
      "{\"sku\": \"FAN-1U\", \"name\": \"1U 服务器风扇\", \"unit\": \"个\", \"min_stock\": 5}", "2026-01-01T00:00:00Z");
  g_autofree char *wh_json = g_strdup_printf (
      "{\"code\": \"WH1\", \"name\": \"中心库\", \"kind\": \"warehouse\", \"site_id\": \"%s\"}", f->site);
  g_autofree char *wh = store (f->db, "stock_location", wh_json, "2026-01-01T00:00:00Z");
  g_autofree char *receive = g_strdup_printf (
      "{\"kind\": \"receive\", \"part_id\": \"%s\", \"qty\": 4, \"to_location\": \"%s\", \"by\": \"li.na\","
      " \"at\": \"" LOCAL ("2026-10-03T09:00:00") "\"}", part, wh);
  g_free (store (f->db, "stock_movement", receive, LOCAL ("2026-10-03T09:00:00")));
  g_autofree char *count = g_strdup_printf (
      "{\"location_id\": \"%s\", \"part_id\": \"%s\", \"counted\": 4, \"expected_at_count\": 4,"
      " \"by\": \"li.na\", \"at\": \"" LOCAL ("2026-10-28T09:00:00") "\", \"status\": \"approved\"}", wh, part);
  g_free (store (f->db, "stock_count", count, LOCAL ("2026-10-28T09:00:00")));

  /* The review.  Services: HIS on the high and the medium incident
   * (response 1 of 2, resolution 2 of 2), none on the normal one (response
   * 1 of 1, resolution 0 of 1).  Problems: one recorded 8 October that
   * became a known error, one recorded in September and closed 20 October.
   * Changes: a major one failed, a standard one closed.  Security: a
   * request of 300 minutes' outage, a security incident (信息安全事故). */
  g_assert_true (fl_db_exec (f->db, "UPDATE work_order SET service = 'HIS' WHERE priority IN ('high', 'medium')"
                                    " AND created_at >= '2026-10'", NULL));
  g_autofree char *known = g_strdup_printf (
      "{\"ref\": \"PRB-1\", \"title\": \"HIS 慢\", \"site_id\": \"%s\", \"origin\": \"incident\","
      " \"priority\": 2, \"status\": \"known_error\", \"known_error\": true, \"by\": \"li.na\","
      " \"at\": \"" LOCAL ("2026-10-08T09:00:00") "\"}", f->site);
  g_free (store (f->db, "problem", known, LOCAL ("2026-10-08T09:00:00")));
  g_autofree char *closed = g_strdup_printf (
      "{\"ref\": \"PRB-2\", \"title\": \"风扇\", \"site_id\": \"%s\", \"origin\": \"incident\","
      " \"priority\": 3, \"status\": \"closed\", \"by\": \"li.na\","
      " \"at\": \"" LOCAL ("2026-09-15T09:00:00") "\"}", f->site);
  g_free (store (f->db, "problem", closed, LOCAL ("2026-10-20T09:00:00")));
  static const char * const changes[][3] = {
    { "major", "failed", LOCAL ("2026-10-09T09:00:00") }, { "standard", "closed", LOCAL ("2026-10-10T09:00:00") } };
  for (guint i = 0; i < G_N_ELEMENTS (changes); i++)
    {
      g_autofree char *change = g_strdup_printf (
          "{\"ref\": \"CHG-%u\", \"kind\": \"%s\", \"title\": \"变更\", \"reason\": \"r\", \"site_id\": \"%s\","
          " \"status\": \"%s\", \"by\": \"li.na\", \"at\": \"%s\"}",
          i, changes[i][0], f->site, changes[i][1], changes[i][2]);
      g_free (store (f->db, "change_record", change, changes[i][2]));
    }
  g_autofree char *security = g_strdup_printf (
      "{\"ref\": \"REQ-S\", \"kind\": \"request\", \"title\": \"账号异常\", \"site_id\": \"%s\", \"impact\": 3,"
      " \"urgency\": 3, \"status\": \"in_progress\", \"category\": \"security\", \"outage_minutes\": 300,"
      " \"security_grade\": \"incident\"}", f->site);
  g_free (store (f->db, "work_order", security, LOCAL ("2026-10-16T09:00:00")));

  gint64 now;
  g_assert_true (fl_time_parse ("2026-11-05T00:00:00Z", &now, NULL));
  fl_time_set_now_for_testing (now);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  fl_time_set_now_for_testing (0);
  g_clear_object (&f->db);
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (f->dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (f->dir);
  g_free (f->dir);
  g_free (f->site);
}

static void
period_range (Fixture *f, const char *period, gint64 *start, gint64 *end)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (f->db, f->site);
  g_assert_true (fl_kpi_parse_period (tz, period, start, end, &error));
  g_assert_no_error (error);
}

static FlServiceReport *
collect_period (Fixture *f, const char *period)
{
  g_autoptr(GError) error = NULL;
  gint64 start, end;
  period_range (f, period, &start, &end);
  FlServiceReport *report = fl_service_report_collect (f->db, f->site, start, end, NULL, NULL, &error);
  g_assert_no_error (error);
  g_assert_nonnull (report);
  return report;
}

static FlServiceReport *
collect (Fixture *f)
{
  return collect_period (f, "2026-10");
}

static char *
run (const char * const *argv)
{
  g_autoptr(GError) error = NULL;
  char *out = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH | G_SPAWN_STDERR_TO_DEV_NULL,
                     NULL, NULL, &out, NULL, &status, &error))
    {
      g_test_skip_printf ("%s is not installed (poppler-utils): %s", argv[0], error->message);
      return NULL;
    }
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

static void
test_figures (Fixture *f, gconstpointer data)
{
  g_autoptr(FlServiceReport) report = collect (f);
  const FlKpiReport *r = fl_service_report_get_kpis (report);
  g_assert_cmpstr (report->period, ==, "2026-10");
  g_assert_cmpint (report->kind, ==, FL_KPI_PERIOD_MONTH);
  g_assert_cmpstr (report->site_name, ==, "HOSP1 第一人民医院");
  g_assert_cmpint (r->values[FL_KPI_RESPONSE_ON_TIME].numerator, ==, 2);
  g_assert_cmpint (r->values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 3);
  g_assert_cmpint (r->values[FL_KPI_RESOLVED_ON_TIME].numerator, ==, 2);
  g_assert_cmpint (r->values[FL_KPI_RESOLVED_ON_TIME].denominator, ==, 3);
  g_assert_cmpint (r->by_priority[0].opened, ==, 1);
  /* Weeks ending on the Mondays 5, 12, 19 and 26 October (the first from
   * 28 September): the third had no backup. */
  g_assert_cmpint (r->values[FL_KPI_BACKUPS_ON_TIME].numerator, ==, 3);
  g_assert_cmpint (r->values[FL_KPI_BACKUPS_ON_TIME].denominator, ==, 4);
  /* September is the month before in the history, May the first. */
  g_assert_cmpint (report->history[4].values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 1);
  g_assert_cmpint (report->history[0].values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 0);
  g_assert_cmpint (report->previous.kpis.values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 1);

  /* The review of October against September. */
  g_assert_cmpuint (report->services->len, ==, 2);
  const FlKpiServiceRow *none = report->services->pdata[0], *his = report->services->pdata[1];
  g_assert_cmpstr (none->service, ==, "");
  g_assert_cmpint (none->response.numerator, ==, 1);
  g_assert_cmpint (none->response.denominator, ==, 1);
  g_assert_cmpint (none->resolution.numerator, ==, 0);
  g_assert_cmpint (none->resolution.denominator, ==, 1);
  g_assert_cmpstr (his->service, ==, "HIS");
  g_assert_cmpint (his->response.numerator, ==, 1);
  g_assert_cmpint (his->response.denominator, ==, 2);
  g_assert_cmpint (his->resolution.numerator, ==, 2);
  g_assert_cmpint (his->resolution.denominator, ==, 2);
  g_assert_cmpint (report->current.problems.opened, ==, 1);
  g_assert_cmpint (report->current.problems.closed, ==, 1);
  g_assert_cmpint (report->current.problems.known_errors, ==, 1);
  g_assert_cmpint (report->previous.problems.opened, ==, 1);
  g_assert_cmpint (report->current.changes[2][FL_KPI_CHANGE_FAILED], ==, 1);  /* major */
  g_assert_cmpint (report->current.changes[0][FL_KPI_CHANGE_DONE], ==, 1);    /* standard */
  g_assert_cmpint (report->current.security[1], ==, 1);
  /* Incidents opened: 3 in October, 1 in September; responses on time
   * 2 of 3 against 1 of 1. */
  g_autofree char *incidents = fl_kpi_format_headline_change (&report->current, &report->previous,
                                                             FL_KPI_HEADLINE_INCIDENTS);
  g_assert_cmpstr (incidents, ==, "+2");
  g_autofree char *response = fl_kpi_format_headline_change (&report->current, &report->previous,
                                                            FL_KPI_RESPONSE_ON_TIME);
  g_assert_cmpstr (response, ==, "−33.3 pp");
}

/* In Chinese a month under a chart's bar is its number and 月, whatever
 * the C library's locale names months: the client may run in C.UTF-8
 * with LANGUAGE=zh_CN. */
static void
test_months_in_chinese (Fixture *f, gconstpointer data)
{
  fl_test_use_language ("zh_CN");
  g_autoptr(FlServiceReport) report = collect_period (f, "2026-10");
  fl_test_use_language (NULL);
  g_assert_cmpstr (report->history_labels[5], ==, "10月");
  g_assert_cmpstr (report->history_labels[0], ==, "5月");
  g_autoptr(FlServiceReport) english = collect_period (f, "2026-10");
  g_assert_cmpstr (english->history_labels[5], ==, "Oct");
}

/* A quarter compares with the quarter before and shows the quarters in
 * its history; any days compare with as many days before them. */
static void
test_other_periods (Fixture *f, gconstpointer data)
{
  g_autoptr(FlServiceReport) quarter = collect_period (f, "2026-Q4");
  g_assert_cmpstr (quarter->period, ==, "2026-Q4");
  g_assert_cmpint (quarter->kind, ==, FL_KPI_PERIOD_QUARTER);
  g_assert_cmpstr (quarter->history_labels[5], ==, "Q4");
  g_assert_cmpstr (quarter->history_labels[4], ==, "Q3");
  g_assert_cmpstr (quarter->history_labels[0], ==, "Q3");  /* 2025 */
  /* October's three incidents against September's one. */
  g_assert_cmpint (quarter->current.kpis.values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 3);
  g_assert_cmpint (quarter->previous.kpis.values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 1);
  g_autofree char *title = fl_service_report_get_title (quarter);
  g_assert_cmpstr (title, ==, "Quarterly Service Review 2026-Q4");

  /* 1-14 October against 17-30 September: the high incident of 5 October
   * against the September one of the 10th, which is before those days. */
  g_autoptr(FlServiceReport) days = collect_period (f, "2026-10-01..2026-10-14");
  g_assert_cmpint (days->kind, ==, FL_KPI_PERIOD_CUSTOM);
  g_assert_cmpstr (days->history_labels[4], ==, "09-17");
  g_assert_cmpint (days->current.kpis.by_priority[0].opened, ==, 1);
  g_assert_cmpint (days->previous.kpis.by_priority[0].opened, ==, 0);
  g_autofree char *days_title = fl_service_report_get_title (days);
  g_assert_cmpstr (days_title, ==, "Service Review 2026-10-01..2026-10-14");
}

static void
test_pdf (Fixture *f, gconstpointer data)
{
  g_autoptr(FlServiceReport) report = collect (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *pdf = g_build_filename (f->dir, "report.pdf", NULL);
  g_assert_true (fl_service_report_write_pdf (report, pdf, &error));
  g_assert_no_error (error);

  const char *keep = g_getenv ("FL_REPORT_KEEP");
  if (keep != NULL && *keep != '\0')
    {
      g_autofree char *contents = NULL;
      gsize length;
      g_assert_true (g_file_get_contents (pdf, &contents, &length, NULL));
      g_assert_true (g_file_set_contents (keep, contents, length, NULL));
    }

  /* It opens. */
  g_autofree char *prefix = g_build_filename (f->dir, "page", NULL);
  const char *render[] = { "pdftoppm", "-r", "40", "-png", pdf, prefix, NULL };
  g_autofree char *rendered = run (render);
  if (rendered == NULL)
    return;
  guint pages = 0;
  g_autoptr(GDir) dir = g_dir_open (f->dir, 0, NULL);
  const char *name;
  while ((name = g_dir_read_name (dir)) != NULL)
    if (g_str_has_prefix (name, "page") && g_str_has_suffix (name, ".png"))
      pages++;
  /* Seven: the audits' table runs onto a page of its own, and the review
   * takes two. */
  g_assert_cmpuint (pages, ==, 7);
  const char *info[] = { "pdfinfo", pdf, NULL };
  g_autofree char *pdfinfo = run (info);
  const char *pages_line = strstr (pdfinfo, "Pages:");
  g_assert_nonnull (pages_line);
  g_assert_cmpint (atoi (pages_line + strlen ("Pages:")), ==, 7);
  /* Every footer counts the pages there are. */
  const char *text_argv[] = { "pdftotext", "-layout", pdf, "-", NULL };
  g_autofree char *text = run (text_argv);
  g_assert_nonnull (strstr (text, "Page 1 of 7"));
  g_assert_nonnull (strstr (text, "Page 7 of 7"));
  g_assert_null (strstr (text, "of 5"));
  /* The review's sections, with October's figures against September's. */
  static const char * const sections[] = {
    "Comparison with the previous period", "Previous period 2026-09-01 to 2026-09-30",
    "SLA attainment by service", "HIS", "No service named", "Problems", "Known errors recorded",
    "Changes by kind and outcome", "Major change", "Failed", "Security events by grade" };
  for (guint i = 0; i < G_N_ELEMENTS (sections); i++)
    {
      g_test_message ("%s", sections[i]);
      g_assert_nonnull (strstr (text, sections[i]));
    }
  g_assert_true (g_regex_match_simple ("Incidents opened +3 +1 +\\+2", text, 0, 0));
  g_assert_true (g_regex_match_simple ("Incident response on time +66\\.7% +100\\.0% +−33\\.3 pp", text, 0, 0));
  g_assert_true (g_regex_match_simple ("HIS +50\\.0% \\(1 / 2\\) +100\\.0% \\(2 / 2\\)", text, 0, 0));
  g_assert_nonnull (strstr (pdfinfo, "Monthly Service Report 2026-10"));

  /* The Chinese site name needs a CJK font, embedded (subset) in the file. */
  const char *fonts[] = { "pdffonts", pdf, NULL };
  g_autofree char *pdffonts = run (fonts);
  gboolean cjk_embedded = FALSE;
  g_auto(GStrv) lines = g_strsplit (pdffonts, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "CJK") != NULL && strstr (lines[i], " yes ") != NULL)
      cjk_embedded = TRUE;
  if (!cjk_embedded)
    g_printerr ("%s", pdffonts);
  g_assert_true (cjk_embedded);
}


static const char *
csv_value (GStrv lines, const char *prefix)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return lines[i] + strlen (prefix);
  return NULL;
}

static void
test_csv (Fixture *f, gconstpointer data)
{
  g_autoptr(FlServiceReport) report = collect (f);
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (f->dir, "report.csv", NULL);
  g_assert_true (fl_service_report_write_csv (report, path, &error));
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (path, &csv, NULL, &error));
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
  /* header + 9 report + 14 KPIs x 6 + 4 priorities x 6 + 2 routine x 2 + 8 backups
   * + 7 kinds x 2 + 4 stock + 5 CMDB audits + 2 services x 4 + 3 problems + 4 change
   * kinds x 4 outcomes + 3 security grades + 26 headlines x 3 + 6 months x 14 KPIs x 3,
   * and the empty string after the last line break. */
  g_assert_cmpuint (g_strv_length (lines), ==,
                    1 + 9 + 84 + 24 + 4 + 8 + 14 + 4 + 5 + 8 + 3 + 16 + 3 + 78 + 252 + 1);
  g_assert_cmpstr (lines[0], ==, "section,item,measure,value");
  g_assert_cmpstr (csv_value (lines, "report,site,name,"), ==, "HOSP1 第一人民医院");
  g_assert_cmpstr (csv_value (lines, "report,period,name,"), ==, "2026-10");
  g_assert_cmpstr (csv_value (lines, "report,period,kind,"), ==, "month");
  g_assert_cmpstr (csv_value (lines, "report,previous_period,start,"), ==, "2026-08-31T16:00:00.000Z");
  /* The review. */
  g_assert_cmpstr (csv_value (lines, "services,HIS,response_on_time,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "services,HIS,response_due,"), ==, "2");
  g_assert_cmpstr (csv_value (lines, "services,none,resolution_due,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "problems,closed,count,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "problems,known_errors,count,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "changes,major,failed,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "changes,standard,done,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "changes,emergency,rejected,"), ==, "0");
  g_assert_cmpstr (csv_value (lines, "security,incident,count,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "comparison,response_on_time,value,"), ==, "0.6667");
  g_assert_cmpstr (csv_value (lines, "comparison,response_on_time,previous,"), ==, "1.0000");
  g_assert_cmpstr (csv_value (lines, "comparison,response_on_time,change,"), ==, "-0.3333");
  /* MTTR 38 h against 24 h: 14 h more. */
  g_assert_cmpstr (csv_value (lines, "comparison,mttr,change,"), ==, "50400");
  g_assert_cmpstr (csv_value (lines, "comparison,request_overdue,change,"), ==, "");
  g_assert_cmpstr (csv_value (lines, "comparison,incidents_opened,value,"), ==, "3");
  g_assert_cmpstr (csv_value (lines, "comparison,incidents_opened,change,"), ==, "2");
  g_assert_cmpstr (csv_value (lines, "comparison,security_events,previous,"), ==, "0");
  g_assert_cmpstr (csv_value (lines, "report,period,start,"), ==, "2026-09-30T16:00:00.000Z");
  g_assert_cmpstr (csv_value (lines, "kpi,response_on_time,clause,"), ==, "001 6.2.1; 003 8.4.2.2 a");
  g_assert_cmpstr (csv_value (lines, "kpi,response_on_time,numerator,"), ==, "2");
  g_assert_cmpstr (csv_value (lines, "kpi,response_on_time,denominator,"), ==, "3");
  g_assert_cmpstr (csv_value (lines, "kpi,response_on_time,rate,"), ==, "0.6667");
  g_assert_cmpstr (csv_value (lines, "kpi,response_on_time,target,"), ==, "0.9500");
  g_assert_cmpstr (csv_value (lines, "kpi,response_on_time,meets_target,"), ==, "no");
  g_assert_cmpstr (csv_value (lines, "kpi,customer_satisfaction,rate,"), ==, "0.5000");
  g_assert_cmpstr (csv_value (lines, "kpi,stock_record_accuracy,meets_target,"), ==, "yes");
  g_assert_cmpstr (csv_value (lines, "kpi,first_time_fix,denominator,"), ==, "2");
  /* MTTR: 5 Oct 10:00 - 6 Oct 15:00 (29 h) and 12 Oct 10:00 - 14 Oct 09:00
   * (47 h): 76 h over 2, no target. */
  g_assert_cmpstr (csv_value (lines, "kpi,mttr,numerator,"), ==, "273600");
  g_assert_cmpstr (csv_value (lines, "kpi,mttr,mean_seconds,"), ==, "136800");
  g_assert_cmpstr (csv_value (lines, "kpi,mttr,target,"), ==, "");
  g_assert_cmpstr (csv_value (lines, "kpi,request_mean_resolution_time,target,"), ==, "3600");
  g_assert_cmpstr (csv_value (lines, "kpi,backups_on_time,numerator,"), ==, "3");
  g_assert_cmpstr (csv_value (lines, "incidents,high,opened,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "incidents,medium,response_on_time,"), ==, "0");
  g_assert_cmpstr (csv_value (lines, "backups,restore_drills,minutes,"), ==, "40");
  g_assert_cmpstr (csv_value (lines, "stock,receive,units,"), ==, "4");
  g_assert_cmpstr (csv_value (lines, "stock,parts,below_minimum,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "cmdb,audits,count,"), ==, "0");
  g_assert_cmpstr (csv_value (lines, "kpi,cmdb_record_accuracy,clause,"), ==,
                   "003 7.7.2 b; 003 8.3.5.2 a; 001 配置管理程序 6.5");
  /* Demand (001 8.4.2): October's three incidents and the security event
   * against September's one incident; nobody logged time in either. */
  g_assert_cmpstr (csv_value (lines, "comparison,work_orders_opened,value,"), ==, "4");
  g_assert_cmpstr (csv_value (lines, "comparison,work_orders_opened,previous,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "comparison,work_orders_opened,change,"), ==, "3");
  g_assert_cmpstr (csv_value (lines, "comparison,labour_minutes,value,"), ==, "0");
  g_assert_cmpstr (csv_value (lines, "history,2026-09.response_on_time,rate,"), ==, "1.0000");
  g_assert_cmpstr (csv_value (lines, "history,2026-05.response_on_time,rate,"), ==, "");
}

/* Runs fieldline-cli over the fixture's replica (its folder is the
 * profile): the exit status, and stdout in `out`. */
static int
cli (Fixture *f, char **out, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) g_getenv ("FIELDLINE_CLI"));
  g_ptr_array_add (argv, "--profile");
  g_ptr_array_add (argv, f->dir);
  va_list args;
  va_start (args, out);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_assert_true (g_spawn_sync (NULL, (char **) argv->pdata, NULL, G_SPAWN_STDERR_TO_DEV_NULL, NULL, NULL,
                               out, NULL, &status, &error));
  g_assert_no_error (error);
  return WIFEXITED (status) ? WEXITSTATUS (status) : -1;
}

/* fieldline-cli report writes the same review as the page, for a script. */
static void
test_cli_report (Fixture *f, gconstpointer data)
{
  if (g_getenv ("FIELDLINE_CLI") == NULL)
    {
      g_test_skip ("fieldline-cli is not built");
      return;
    }
  g_autofree char *csv_path = g_build_filename (f->dir, "cli.csv", NULL);
  g_autofree char *out = NULL;
  g_assert_cmpint (cli (f, &out, "report", "--period", "2026-10", "--site", "HOSP1", "--format", "csv",
                        "--output", csv_path, NULL), ==, 0);
  g_assert_nonnull (strstr (out, csv_path));
  g_autofree char *csv = NULL;
  g_assert_true (g_file_get_contents (csv_path, &csv, NULL, NULL));
  g_auto(GStrv) lines = g_strsplit (csv, "\r\n", -1);
  g_assert_cmpstr (csv_value (lines, "report,site,name,"), ==, "HOSP1 第一人民医院");
  g_assert_cmpstr (csv_value (lines, "report,period,name,"), ==, "2026-10");
  g_assert_cmpstr (csv_value (lines, "services,HIS,response_due,"), ==, "2");
  g_assert_cmpstr (csv_value (lines, "changes,major,failed,"), ==, "1");
  g_assert_cmpstr (csv_value (lines, "comparison,incidents_opened,change,"), ==, "2");

  g_autofree char *pdf_path = g_build_filename (f->dir, "cli.pdf", NULL);
  g_autofree char *pdf_out = NULL;
  g_assert_cmpint (cli (f, &pdf_out, "report", "--period", "2026-Q4", "--format", "pdf", "--output", pdf_path,
                        NULL), ==, 0);
  const char *text_argv[] = { "pdftotext", "-layout", pdf_path, "-", NULL };
  g_autofree char *text = run (text_argv);
  if (text != NULL)
    {
      g_assert_nonnull (strstr (text, "Quarterly Service Review 2026-Q4"));
      g_assert_nonnull (strstr (text, "Comparison with the previous period"));
      g_assert_nonnull (strstr (text, "Security events by grade"));
    }

  /* An audit approved in October: one CI as recorded, one different. */
  g_autofree char *audit_json = g_strdup_printf (
      "{\"ref\": \"AUD-1\", \"site_id\": \"%s\", \"due_on\": \"2026-10-20\", \"status\": \"approved\","
      " \"submitted_at\": \"" LOCAL ("2026-10-20T17:00:00") "\"}", f->site);
  g_autofree char *audit = store (f->db, "cmdb_audit", audit_json, LOCAL ("2026-10-19T09:00:00"));
  static const char * const marks[][2] = { { "SW-1", "as_recorded" }, { "SW-2", "differs" } };
  for (guint i = 0; i < G_N_ELEMENTS (marks); i++)
    {
      g_autofree char *ci_json = g_strdup_printf (
          "{\"code\": \"%s\", \"name\": \"交换机\", \"type\": \"switch\", \"site_id\": \"%s\", \"status\": \"in_use\"}",
          marks[i][0], f->site);
      g_autofree char *ci = store (f->db, "ci", ci_json, "2026-01-01T00:00:00Z");
      g_autofree char *item = g_strdup_printf (
          "{\"audit_id\": \"%s\", \"ci_id\": \"%s\", \"result\": \"%s\", \"by\": \"li.na\","
          " \"at\": \"" LOCAL ("2026-10-20T10:00:00") "\"}", audit, ci, marks[i][1]);
      g_free (store (f->db, "cmdb_audit_item", item, LOCAL ("2026-10-20T10:00:00")));
    }
  g_autofree char *audits = NULL;
  g_assert_cmpint (cli (f, &audits, "audits", "kpi", "--period", "2026-10", NULL), ==, 0);
  g_assert_cmpstr (audits, ==, "HOSP1 第一人民医院\t2026-10\taudits 1\tRecords match reality 50.0% (1 / 2)\n");
  g_autofree char *september = NULL, *no_site = NULL;
  g_assert_cmpint (cli (f, &september, "audits", "kpi", "--period", "2026-09", "--site", "HOSP1", NULL), ==, 0);
  g_assert_cmpstr (september, ==, "HOSP1 第一人民医院\t2026-09\taudits 0\tRecords match reality — (0 / 0)\n");
  g_assert_cmpint (cli (f, &no_site, "audits", "kpi", "--period", "2026-10", "--site", "HOSP", NULL), ==, 1);

  /* audits list: the open round first, whatever its marks; each CI by its
   * last mark, HIS-DB unmarked on the approved round. */
  g_autofree char *open_json = g_strdup_printf (
      "{\"ref\": \"AUD-2\", \"site_id\": \"%s\", \"due_on\": \"2026-12-01\", \"status\": \"planned\","
      " \"assignee\": \"li.na\"}", f->site);
  g_autofree char *open_audit = store (f->db, "cmdb_audit", open_json, LOCAL ("2026-11-01T09:00:00"));
  g_autofree char *his_db = fl_replica_find_id (f->db, "ci", "code", "HIS-DB", NULL);
  g_autofree char *missing = g_strdup_printf (
      "{\"audit_id\": \"%s\", \"ci_id\": \"%s\", \"result\": \"missing\", \"by\": \"li.na\","
      " \"at\": \"" LOCAL ("2026-11-02T10:00:00") "\"}", open_audit, his_db);
  g_free (store (f->db, "cmdb_audit_item", missing, LOCAL ("2026-11-02T10:00:00")));
  g_autofree char *rounds = NULL, *rounds_elsewhere = NULL, *rounds_nowhere = NULL;
  g_assert_cmpint (cli (f, &rounds, "audits", "list", NULL), ==, 0);
  g_assert_cmpstr (rounds, ==,
                   "AUD-2\tHOSP1 第一人民医院\t2026-12-01\tPlanned\tli.na\tFound as recorded: 0; "
                   "Found with differences: 0; Missing: 1; Found, not recorded: 0; Unmarked: 2\n"
                   "AUD-1\tHOSP1 第一人民医院\t2026-10-20\tApproved\t—\tFound as recorded: 1; "
                   "Found with differences: 1; Missing: 0; Found, not recorded: 0; Unmarked: 1\n");
  g_assert_cmpint (cli (f, &rounds_elsewhere, "audits", "list", "--site", "HOSP1", NULL), ==, 0);
  g_assert_cmpstr (rounds_elsewhere, ==, rounds);
  g_assert_cmpint (cli (f, &rounds_nowhere, "audits", "list", "--site", "NOPE", NULL), ==, 1);

  /* Wrong arguments exit 2, an unknown site 1. */
  g_autofree char *wrong = NULL, *nowhere = NULL, *no_format = NULL;
  g_assert_cmpint (cli (f, &wrong, "report", "--period", "2026-Q5", "--format", "csv", NULL), ==, 2);
  g_assert_cmpint (cli (f, &no_format, "report", "--period", "2026-10", "--format", "xls", NULL), ==, 2);
  g_assert_cmpint (cli (f, &nowhere, "report", "--period", "2026-10", "--site", "NOPE", "--format", "csv", NULL),
                   ==, 1);
}

/* fieldline-cli catalogue list and documents list|open over the replica. */
static void
test_cli_catalogue_and_documents (Fixture *f, gconstpointer data)
{
  if (g_getenv ("FIELDLINE_CLI") == NULL)
    {
      g_test_skip ("fieldline-cli is not built");
      return;
    }
  g_free (store (f->db, "service", "{\"code\": \"HIS\", \"name\": \"医院信息系统\", \"kind\": \"business\"}",
                 "2026-01-01T00:00:00Z"));
  g_free (store (f->db, "service", "{\"code\": \"HIS-DB\", \"name\": \"HIS 数据库\", \"kind\": \"technical\","
                 " \"business\": \"HIS\"}", "2026-01-01T00:00:00Z"));
  const char *plan = "一、停电时切换到备用电源\n";
  g_autofree char *sha = g_compute_checksum_for_string (G_CHECKSUM_SHA256, plan, -1);
  g_autofree char *document = g_strdup_printf (
      "{\"kind\": \"continuity_plan\", \"title\": \"服务连续性计划\", \"sha256\": \"%s\", \"mime\": \"text/plain\","
      " \"size\": %zu, \"published_by\": \"admin\", \"published_at\": \"2026-10-01T00:00:00Z\"}", sha, strlen (plan));
  g_autofree char *document_id = store (f->db, "document", document, "2026-10-01T00:00:00Z");

  g_autofree char *catalogue = NULL;
  g_assert_cmpint (cli (f, &catalogue, "catalogue", "list", NULL), ==, 0);
  g_assert_cmpstr (catalogue, ==, "HIS\tbusiness\t-\t医院信息系统\nHIS-DB\ttechnical\tHIS\tHIS 数据库\n");

  /* Not downloaded yet: listed as such, and opening it says to sync. */
  g_autofree char *listed = NULL, *missing = NULL;
  g_assert_cmpint (cli (f, &listed, "documents", "list", NULL), ==, 0);
  g_assert_nonnull (strstr (listed, "run sync"));
  g_assert_cmpint (cli (f, &missing, "documents", "open", "continuity_plan", NULL), ==, 1);

  g_autofree char *blobs = g_build_filename (f->dir, "blobs", NULL);
  g_assert_cmpint (g_mkdir_with_parents (blobs, 0700), ==, 0);
  g_autofree char *blob = g_build_filename (blobs, sha, NULL);
  g_assert_true (g_file_set_contents (blob, plan, -1, NULL));
  g_autofree char *listed_again = NULL, *path = NULL, *text = NULL, *by_id = NULL, *unknown = NULL;
  g_assert_cmpint (cli (f, &listed_again, "documents", "list", NULL), ==, 0);
  g_autofree char *line = g_strdup_printf ("%s\tcontinuity_plan\t服务连续性计划\t%s\n", document_id, blob);
  g_assert_cmpstr (listed_again, ==, line);
  g_assert_cmpint (cli (f, &path, "documents", "open", "continuity_plan", NULL), ==, 0);
  g_autofree char *path_line = g_strdup_printf ("%s\n", blob);
  g_assert_cmpstr (path, ==, path_line);
  g_assert_cmpint (cli (f, &text, "documents", "open", "continuity_plan", "--text", NULL), ==, 0);
  g_assert_cmpstr (text, ==, plan);
  g_assert_cmpint (cli (f, &by_id, "documents", "open", document_id, "--text", NULL), ==, 0);
  g_assert_cmpstr (by_id, ==, plan);
  g_assert_cmpint (cli (f, &unknown, "documents", "open", "contracts", NULL), ==, 1);
  g_remove (blob);
  g_rmdir (blobs);
}

static void
progress_cb (double fraction, gpointer data)
{
  GArray *seen = data;
  g_array_append_val (seen, fraction);
}

static void
done_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  FlServiceReport **out = data;
  g_autoptr(GError) error = NULL;
  *out = fl_service_report_run_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_async (Fixture *f, gconstpointer data)
{
  g_autofree char *path = g_build_filename (f->dir, "async.csv", NULL);
  g_autoptr(GArray) seen = g_array_new (FALSE, FALSE, sizeof (double));
  FlServiceReport *report = NULL;
  gint64 start, end;
  period_range (f, "2026-10", &start, &end);
  fl_service_report_run_async (fl_db_path (f->db), f->site, start, end, FL_SERVICE_REPORT_CSV, path,
                               NULL, progress_cb, seen, done_cb, &report);
  while (report == NULL)
    g_main_context_iteration (NULL, TRUE);
  /* Pending progress may still be queued: let it through. */
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_assert_true (g_file_test (path, G_FILE_TEST_EXISTS));
  g_assert_cmpuint (seen->len, >=, 2);
  for (guint i = 1; i < seen->len; i++)
    g_assert_cmpfloat (g_array_index (seen, double, i), >=, g_array_index (seen, double, i - 1));
  g_assert_cmpfloat (g_array_index (seen, double, seen->len - 1), ==, 1.0);
  g_assert_cmpint (fl_service_report_get_kpis (report)->values[FL_KPI_RESPONSE_ON_TIME].denominator, ==, 3);
  fl_service_report_free (report);
}

static void
test_chart_trend (void)
{
  FlKpiChartPoint points[4] = {
    { "a", { 8, 10 } }, { "b", { 0, 0 } }, { "c", { 9, 10 } }, { "d", { 10, 10 } },
  };
  double intercept;
  /* Through (0, .8), (2, .9), (3, 1.0), skipping the empty month. */
  double slope = fl_kpi_chart_trend (points, 4, &intercept);
  g_assert_cmpfloat_with_epsilon (slope, 0.0643, 0.001);
  g_assert_cmpfloat_with_epsilon (intercept, 0.7929, 0.001);
}

static void
wait_loaded (FlReportsPage *page)
{
  while (fl_reports_page_is_loading (page))
    g_main_context_iteration (NULL, TRUE);
  for (int i = 0; i < 10; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (10000);
    }
}

static void
export_done (FlReportsPage *page, const char *path, const char *error, gpointer data)
{
  g_assert_null (error);
  *(gboolean *) data = TRUE;
}

/* The dashboard shows the month's figures against their targets and
 * exports the PDF through the same worker thread. */
static void
test_page (Fixture *f, gconstpointer data)
{
  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }
  g_free (fl_ui_test_store (f->db, "user",
                             "{\"login\": \"zhang.min\", \"display_name\": \"张敏\", \"role\": \"supervisor\"}"));
  g_autoptr(FlSession) session = fl_session_new (f->db, "zhang.min");
  FlWindow *window = fl_window_new (NULL, session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "reports");
  FlReportsPage *page = FL_REPORTS_PAGE (fl_window_get_page (window, "reports"));
  g_assert_true (fl_reports_page_set_period (page, "2026-10", f->site, NULL));
  wait_loaded (page);
  const FlServiceReport *report = fl_reports_page_get_report (page);
  g_assert_nonnull (report);
  g_assert_cmpstr (report->period, ==, "2026-10");
  g_assert_cmpstr (report->site_id, ==, f->site);
  g_assert_cmpint (fl_service_report_get_kpis (report)->values[FL_KPI_RESPONSE_ON_TIME].numerator, ==, 2);
  /* Each card shows the numerator and the denominator with what they count. */
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (page),
                                        "target ≥ 95% · 2 responded in time / 3 responses due"));
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (page),
                                        "no target · 76.0 h from report to resolution / 2 incidents resolved"));
  /* The review of the month: each section, October against September. */
  static const char * const review[] = {
    "Comparison with the previous period", "previous period 100.0% · change −33.3 pp",
    "SLA attainment by service", "HIS", "response 50.0% (1 / 2)", "Problems", "Known errors recorded",
    "Changes by kind and outcome", "Open 0 · Implemented 0 · Failed 1 · Rejected 0",
    "Security events by grade", "Security incident",
    /* 001 8.4: the demand of the month, and what the records cannot tell. */
    "Demand and capacity",
    "Budget and accounting (001 8.4.1) are not part of this review: no costs or budgets are recorded. "
    "Capacity (001 8.4.3) is shown as the time logged and the people who logged it; no planned capacity "
    "is recorded to measure it against." };
  for (guint i = 0; i < G_N_ELEMENTS (review); i++)
    {
      g_test_message ("%s", review[i]);
      g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (page), review[i]));
    }
  /* A quarter, and days that do not make a period. */
  g_assert_true (fl_reports_page_set_period (page, "2026-Q4", f->site, NULL));
  wait_loaded (page);
  g_assert_cmpstr (fl_reports_page_get_report (page)->period, ==, "2026-Q4");
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_reports_page_set_period (page, "2026-Q5", f->site, &error));
  g_assert_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID);
  g_assert_true (fl_reports_page_set_period (page, "2026-10", f->site, NULL));
  wait_loaded (page);
  fl_ui_test_screenshot (GTK_WIDGET (window), "reports.png");

  g_autofree char *pdf = g_build_filename (f->dir, "from-page.pdf", NULL);
  gboolean done = FALSE;
  g_signal_connect (page, "exported", G_CALLBACK (export_done), &done);
  fl_reports_page_export (page, FL_SERVICE_REPORT_PDF, pdf);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  g_assert_true (g_file_test (pdf, G_FILE_TEST_EXISTS));
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
}

/* The page in Chinese, with the manual's terms: reports-zh.png. */
static void
test_page_chinese (Fixture *f, gconstpointer data)
{
  if (!gtk_is_initialized ())
    {
      g_test_skip ("no display");
      return;
    }
  if (!fl_ui_test_use_language ("zh_CN"))
    {
      g_test_skip ("The locale of the language is missing");
      return;
    }
  g_free (fl_ui_test_store (f->db, "user",
                             "{\"login\": \"zhang.min\", \"display_name\": \"张敏\", \"role\": \"supervisor\"}"));
  g_autoptr(FlSession) session = fl_session_new (f->db, "zhang.min");
  FlWindow *window = fl_window_new (NULL, session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  gtk_window_present (GTK_WINDOW (window));
  fl_window_show_area (window, "reports");
  FlReportsPage *page = FL_REPORTS_PAGE (fl_window_get_page (window, "reports"));
  g_assert_true (fl_reports_page_set_period (page, "2026-10", f->site, NULL));
  wait_loaded (page);
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (page), "需求与能力"));
  g_assert_true (fl_ui_test_shows_text (GTK_WIDGET (page),
      "服务的预算与核算（001 8.4.1）不在本评审范围内：系统未记录成本和预算。能力（001 8.4.3）以登记的工时及登记工时的人员表示；"
      "系统未记录能力计划，无法与之对比。"));
  /* The review's demand and capacity, with the note, in view. */
  GtkWidget *note = fl_ui_test_child (page, FL_TYPE_REPORTS_PAGE, "capacity_note");
  GtkWidget *scrolled = gtk_widget_get_ancestor (note, GTK_TYPE_SCROLLED_WINDOW);
  GtkWidget *content = gtk_scrolled_window_get_child (GTK_SCROLLED_WINDOW (scrolled));
  graphene_point_t at;
  g_assert_true (gtk_widget_compute_point (note, content, &GRAPHENE_POINT_INIT (0, 0), &at));
  gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (GTK_SCROLLED_WINDOW (scrolled)), at.y - 420);
  fl_ui_test_screenshot (GTK_WIDGET (window), "reports-zh.png");
  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  fl_ui_test_use_language (NULL);
  setlocale (LC_ALL, "");
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_test_init (&argc, &argv, NULL);
  /* The PDF and CSV need no display; the dashboard does. */
  if (gtk_init_check ())
    adw_init ();
  g_test_add_func ("/report/chart-trend", test_chart_trend);
  g_test_add ("/report/figures", Fixture, NULL, fixture_set_up, test_figures, fixture_tear_down);
  g_test_add ("/report/months-in-chinese", Fixture, NULL, fixture_set_up, test_months_in_chinese, fixture_tear_down);
  g_test_add ("/report/other-periods", Fixture, NULL, fixture_set_up, test_other_periods, fixture_tear_down);
  g_test_add ("/report/pdf", Fixture, NULL, fixture_set_up, test_pdf, fixture_tear_down);
  g_test_add ("/report/csv", Fixture, NULL, fixture_set_up, test_csv, fixture_tear_down);
  g_test_add ("/report/cli", Fixture, NULL, fixture_set_up, test_cli_report, fixture_tear_down);
  g_test_add ("/report/cli-catalogue-documents", Fixture, NULL, fixture_set_up, test_cli_catalogue_and_documents,
              fixture_tear_down);
  g_test_add ("/report/async", Fixture, NULL, fixture_set_up, test_async, fixture_tear_down);
  g_test_add ("/report/page", Fixture, NULL, fixture_set_up, test_page, fixture_tear_down);
  g_test_add ("/report/page-chinese", Fixture, NULL, fixture_set_up, test_page_chinese, fixture_tear_down);
  return g_test_run ();
}
