/* fieldline-cli report: the service report of a period (a month, a quarter,
 * a year or any days) as PDF or CSV, the same file the reports page writes. */
#include "fl-cli.h"

#include <inttypes.h>
#include <string.h>

#include "fl-service-report.h"

int
fl_cli_report_command (FlCli *cli, int argc, char **argv)
{
  g_autofree char *period = NULL, *format = NULL, *site = NULL, *output = NULL;
  GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period,
      N_("2026-10, 2026-Q3, 2026 or 2026-10-01..2026-10-15"), N_("PERIOD") },
    { "format", 0, 0, G_OPTION_ARG_STRING, &format, N_("pdf or csv"), N_("FORMAT") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("Only this site (its code); default every site"), N_("CODE") },
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("The file to write (default service-report-PERIOD.FORMAT)"),
      N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— the service report of a period"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("KPIs against their targets and the review against the previous "
                                           "period, from the local replica; works offline."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1 || period == NULL || format == NULL)
    return fl_cli_usage (context, _("--period and --format are needed"));
  gboolean pdf = g_strcmp0 (format, "pdf") == 0;
  if (!pdf && g_strcmp0 (format, "csv") != 0)
    return fl_cli_usage (context, _("--format is pdf or csv"));

  g_autoptr(GError) error = NULL;
  g_autofree char *site_id = site != NULL ? fl_cli_find (cli, "site", "code", site, &error) : NULL;
  if (site != NULL && site_id == NULL)
    return fl_cli_fail (error);
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (cli->db, site_id);
  gint64 start, end;
  if (!fl_kpi_parse_period (tz, period, &start, &end, &error))
    return fl_cli_usage (NULL, error->message);
  g_autoptr(FlServiceReport) report = fl_service_report_collect (cli->db, site_id, start, end, NULL, NULL, &error);
  if (report == NULL)
    return fl_cli_fail (error);
  g_autofree char *path = output != NULL ? g_strdup (output)
                                         : g_strdup_printf ("service-report-%s.%s", report->period, format);
  if (!(pdf ? fl_service_report_write_pdf (report, path, &error)
            : fl_service_report_write_csv (report, path, &error)))
    return fl_cli_fail (error);
  g_print ("%s\n", path);
  return FL_EXIT_OK;
}

/* fieldline-cli audits list: every CMDB audit round, open ones first, with
 * how far its walk has got. */
static int
audits_list (FlCli *cli, int argc, char **argv)
{
  g_autofree char *site = NULL;
  GOptionEntry entries[] = {
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("Only this site (its code); default every site"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— CMDB audit rounds, open ones first"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Each round’s reference, site, due date, status, who walks it, and its "
                                           "CIs by result, tab-separated; works offline."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return fl_cli_usage (context, _("Wrong number of arguments"));
  g_autoptr(GError) error = NULL;
  g_autofree char *site_id = site != NULL ? fl_cli_find (cli, "site", "code", site, &error) : NULL;
  if (site != NULL && site_id == NULL)
    return fl_cli_fail (error);
  g_autoptr(GPtrArray) rows = fl_cmdb_audit_list_all (cli->db, site_id, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      FlCmdbAuditCounts counts;
      if (!fl_cmdb_audit_count (cli->db, fl_record_get_string (row, "id"), &counts, &error))
        return fl_cli_fail (error);
      g_autoptr(GString) marks = g_string_new (NULL);
      for (guint r = 0; r < FL_N_AUDIT_RESULTS; r++)
        /* Translators: a result and how many CIs have it, then the next: "账实相符: 3; " */
        g_string_append_printf (marks, _("%s: %u; "), fl_audit_result_get_label (r), counts.results[r]);
      /* Translators: how many CIs of the round have no mark yet */
      g_string_append_printf (marks, _("Unmarked: %u"), counts.unmarked);
      const char *assignee = fl_record_get_string (row, "assignee");
      g_print ("%s\t%s %s\t%s\t%s\t%s\t%s\n", fl_record_get_string (row, "ref"),
               fl_record_get_string (row, "site_code"), fl_record_get_string (row, "site_name"),
               fl_record_get_string (row, "due_on"), fl_audit_status_label_for_name (fl_record_get_string (row, "status")),
               assignee != NULL ? assignee : "—", marks->str);
    }
  if (rows->len == 0)
    g_print (_("No CMDB audits planned.\n"));
  return FL_EXIT_OK;
}

/* fieldline-cli audits kpi: the CMDB audits approved in a period and the
 * share of audited CIs found as recorded (账实相符率), per site. */
static int
audits_kpi (FlCli *cli, int argc, char **argv)
{
  g_autofree char *period = NULL, *site = NULL;
  GOptionEntry entries[] = {
    { "period", 0, 0, G_OPTION_ARG_STRING, &period,
      N_("2026-10, 2026-Q3, 2026 or 2026-10-01..2026-10-15"), N_("PERIOD") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("Only this site (its code); default every site"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— CMDB audits of a period and records matching reality, per site"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1 || period == NULL)
    return fl_cli_usage (context, _("--period is needed"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sites = fl_kpi_list_sites (cli->db, &error);
  if (sites == NULL)
    return fl_cli_fail (error);
  gboolean found = FALSE;
  for (guint i = 0; i < sites->len; i++)
    {
      JsonObject *row = sites->pdata[i];
      const char *id = fl_record_get_string (row, "id");
      const char *label = fl_record_get_string (row, "label");
      if (site != NULL && !g_str_has_prefix (label, site))
        continue;
      if (site != NULL && label[strlen (site)] != ' ' && label[strlen (site)] != '\0')
        continue;
      found = TRUE;
      g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (cli->db, id);
      gint64 start, end;
      if (!fl_kpi_parse_period (tz, period, &start, &end, &error))
        return fl_cli_usage (NULL, error->message);
      FlKpiReport report;
      if (!fl_kpi_compute (cli->db, id, start, end, fl_time_now (), &report, &error))
        return fl_cli_fail (error);
      const FlKpiValue *v = &report.values[FL_KPI_CMDB_ACCURACY];
      g_autofree char *value = fl_kpi_format_value (FL_KPI_CMDB_ACCURACY, v);
      /* Translators: "HOSP1 第一人民医院  2026-Q3  audits 1  records match reality 50.0% (1 / 2)" */
      g_print (_("%s\t%s\taudits %" PRId64 "\t%s %s (%" PRId64 " / %" PRId64 ")\n"),
               label, period, report.cmdb.audits, fl_kpi_label (FL_KPI_CMDB_ACCURACY), value,
               v->numerator, v->denominator);
    }
  if (!found)
    {
      g_printerr (_("fieldline-cli: no site has the code “%s”\n"), site);
      return FL_EXIT_FAILED;
    }
  return FL_EXIT_OK;
}

int
fl_cli_audits_command (FlCli *cli, int argc, char **argv)
{
  static const FlCliSubcommand subcommands[] = { { "list", audits_list }, { "kpi", audits_kpi } };
  return fl_cli_run_subcommand (cli, argc, argv, "audits", subcommands, G_N_ELEMENTS (subcommands),
                                _("Usage: fieldline-cli audits list [--site CODE] | kpi --period PERIOD [--site CODE]\n"));
}
