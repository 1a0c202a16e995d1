/* fieldline-cli wo: list, show, new, set-status, log. */
#include <inttypes.h>
#include "fl-cli.h"

#include <string.h>

#include "fl-work-order.h"
#include "fl-workflow.h"

static GOptionContext *
command_context (const char *parameters, const char *summary, GOptionEntry *entries)
{
  GOptionContext *context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  return context;
}

/* Shortens `text` to `width` characters (not bytes: titles are often Chinese). */
static char *
clip (const char *text, glong width)
{
  if (text == NULL)
    return g_strdup ("");
  if (g_utf8_strlen (text, -1) <= width)
    return g_strdup (text);
  g_autofree char *head = g_utf8_substring (text, 0, width - 1);
  return g_strconcat (head, "…", NULL);
}

static int
wo_list (FlCli *cli, int argc, char **argv)
{
  g_autofree char *status = NULL;
  gboolean mine = FALSE;
  int limit = 50;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("Only orders in this status"), N_("STATUS") },
    { "mine", 0, 0, G_OPTION_ARG_NONE, &mine, N_("Only orders assigned to me"), NULL },
    { "limit", 0, 0, G_OPTION_ARG_INT, &limit, N_("At most N orders (default 50)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("— work orders, newest first"),
      _("Marks: * waiting to be sent, ! conflict, x rejected by the server."), entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  FlWorkOrderStatus parsed;
  if (status != NULL && !fl_work_order_status_from_string (status, &parsed))
    return fl_cli_usage (context, _("--status is one of new, assigned, in_progress, on_hold, resolved, closed, cancelled"));
  if (limit <= 0)
    return fl_cli_usage (context, _("--limit must be a positive number"));

  g_autofree char *login = fl_cli_login (cli);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlStmt) stmt = fl_db_prepare (cli->db,
      "SELECT id, ref, status, priority, assignee, resolve_due, title FROM work_order "
      "WHERE (?1 IS NULL OR status = ?1) AND (?2 IS NULL OR assignee = ?2) "
      "ORDER BY created_at DESC, id DESC LIMIT ?3", &error);
  if (stmt == NULL)
    return fl_cli_fail (error);
  if (status != NULL)
    sqlite3_bind_text (stmt, 1, status, -1, SQLITE_TRANSIENT);
  if (mine)
    sqlite3_bind_text (stmt, 2, login != NULL ? login : "", -1, SQLITE_TRANSIENT);
  sqlite3_bind_int (stmt, 3, limit);

  guint n = 0;
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (cli->db, stmt, &has_row, &error))
        return fl_cli_fail (error);
      if (!has_row)
        break;
      if (n++ == 0)
        g_print ("  %-22s %-12s %-7s %-12s %-16s %s\n", _("REF"), _("STATUS"), _("PRIO"),
                 _("ASSIGNEE"), _("DUE"), _("TITLE"));
      const char *id = (const char *) sqlite3_column_text (stmt, 0);
      g_autofree char *due = fl_cli_format_time ((const char *) sqlite3_column_text (stmt, 5));
      g_autofree char *title = clip ((const char *) sqlite3_column_text (stmt, 6), 48);
      const char *assignee = (const char *) sqlite3_column_text (stmt, 4);
      const char *priority = (const char *) sqlite3_column_text (stmt, 3);
      g_print ("%-1s %-22s %-12s %-7s %-12s %-16s %s\n",
               fl_cli_state_mark (fl_outbox_record_state (cli->db, "work_order", id)),
               (const char *) sqlite3_column_text (stmt, 1), (const char *) sqlite3_column_text (stmt, 2),
               priority != NULL ? priority : "", assignee != NULL ? assignee : "", due, title);
    }
  if (n == 0)
    g_print (_("No work orders.\n"));
  return FL_EXIT_OK;
}

static void
print_field (JsonObject *row, const char *label, const char *field, gboolean is_time)
{
  JsonNode *node = json_object_get_member (row, field);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  g_autofree char *text = NULL;
  if (json_node_get_value_type (node) == G_TYPE_STRING)
    text = is_time ? fl_cli_format_time (json_node_get_string (node)) : g_strdup (json_node_get_string (node));
  else if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    text = g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
  else
    text = g_strdup_printf ("%" PRId64, json_node_get_int (node));
  g_print ("%-16s %s\n", label, text);
}

static int
wo_show (FlCli *cli, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = command_context (_("REF|ID — one work order with its work log"), NULL, NULL);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return fl_cli_usage (context, _("Give the work order’s reference or id"));
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "work_order", "ref", argv[1], &error);
  if (id == NULL)
    return fl_cli_fail (error);
  g_autoptr(JsonObject) wo = fl_record_load (cli->db, fl_schema_lookup ("work_order"), id, &error);
  if (wo == NULL)
    return fl_cli_fail (error);

  g_autoptr(JsonObject) site = NULL;
  const char *site_id = fl_record_get_string (wo, "site_id");
  if (site_id != NULL)
    site = fl_record_load (cli->db, fl_schema_lookup ("site"), site_id, NULL);

  print_field (wo, _("Reference:"), "ref", FALSE);
  print_field (wo, _("Title:"), "title", FALSE);
  print_field (wo, _("Kind:"), "kind", FALSE);
  print_field (wo, _("Status:"), "status", FALSE);
  print_field (wo, _("Priority:"), "priority", FALSE);
  if (site != NULL)
    g_print ("%-16s %s (%s)\n", _("Site:"), fl_record_get_string (site, "name"), fl_record_get_string (site, "code"));
  print_field (wo, _("Impact:"), "impact", FALSE);
  print_field (wo, _("Urgency:"), "urgency", FALSE);
  print_field (wo, _("Assignee:"), "assignee", FALSE);
  print_field (wo, _("Reporter:"), "reporter", FALSE);
  print_field (wo, _("Contact:"), "contact", FALSE);
  print_field (wo, _("Created:"), "created_at", TRUE);
  print_field (wo, _("Response due:"), "response_due", TRUE);
  print_field (wo, _("Resolve due:"), "resolve_due", TRUE);
  print_field (wo, _("Responded:"), "responded_at", TRUE);
  print_field (wo, _("Resolved:"), "resolved_at", TRUE);
  print_field (wo, _("Closed:"), "closed_at", TRUE);
  print_field (wo, _("Description:"), "description", FALSE);
  print_field (wo, _("Resolution:"), "resolution", FALSE);
  print_field (wo, _("Cause:"), "cause", FALSE);
  print_field (wo, _("Customer:"), "customer_name", FALSE);
  print_field (wo, _("Accepted:"), "customer_accepted_at", TRUE);
  print_field (wo, _("Satisfaction:"), "satisfaction", FALSE);

  static const char * const state_names[] = { N_("synced"), N_("waiting to be sent"),
                                               N_("conflict (see “conflicts list”)"),
                                               N_("rejected (see “conflicts list”)") };
  g_print ("%-16s %s\n", _("Sync:"), _(state_names[fl_outbox_record_state (cli->db, "work_order", id)]));

  g_autoptr(FlStmt) stmt = fl_db_prepare (cli->db,
      "SELECT at, author, kind, minutes, text FROM work_log WHERE work_order_id = ? ORDER BY at, id", &error);
  if (stmt == NULL)
    return fl_cli_fail (error);
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  gboolean header = FALSE;
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (cli->db, stmt, &has_row, &error))
        return fl_cli_fail (error);
      if (!has_row)
        break;
      if (!header)
        g_print ("\n%s\n", _("Work log:"));
      header = TRUE;
      g_autofree char *at = fl_cli_format_time ((const char *) sqlite3_column_text (stmt, 0));
      const char *text = (const char *) sqlite3_column_text (stmt, 4);
      int minutes = sqlite3_column_int (stmt, 3);
      g_autofree char *duration = minutes > 0 ? g_strdup_printf (_(" (%d min)"), minutes) : g_strdup ("");
      g_print ("  %s  %-10s %-7s%s %s\n", at, (const char *) sqlite3_column_text (stmt, 1),
               (const char *) sqlite3_column_text (stmt, 2), duration, text != NULL ? text : "");
    }
  return FL_EXIT_OK;
}

static int
wo_new (FlCli *cli, int argc, char **argv)
{
  g_autofree char *kind = NULL, *title = NULL, *site = NULL, *ci = NULL, *description = NULL;
  g_autofree char *reporter = NULL, *contact = NULL, *assignee = NULL;
  int impact = 0, urgency = 0;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("incident, request or maintenance"), N_("KIND") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("What is wrong or wanted"), N_("TEXT") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("The site’s code"), N_("CODE") },
    { "impact", 0, 0, G_OPTION_ARG_INT, &impact, N_("1 company business, 2 whole company, 3 a group, 4 one person"), N_("N") },
    { "urgency", 0, 0, G_OPTION_ARG_INT, &urgency, N_("1 urgent, 2 high, 3 normal, 4 low"), N_("N") },
    { "ci", 0, 0, G_OPTION_ARG_STRING, &ci, N_("The configuration item’s code"), N_("CODE") },
    { "description", 0, 0, G_OPTION_ARG_STRING, &description, N_("More detail"), N_("TEXT") },
    { "reporter", 0, 0, G_OPTION_ARG_STRING, &reporter, N_("Who reported it"), N_("NAME") },
    { "contact", 0, 0, G_OPTION_ARG_STRING, &contact, N_("How to reach them"), N_("TEXT") },
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &assignee, N_("Assign it at once to this login"), N_("LOGIN") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("— record a new work order (works offline)"),
      _("Priority and SLA due times follow from impact, urgency and the site’s calendar."), entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return fl_cli_usage (context, _("Put the title in --title"));
  if (kind == NULL || title == NULL || site == NULL || impact == 0 || urgency == 0)
    return fl_cli_usage (context, _("wo new needs --kind, --title, --site, --impact and --urgency"));
  FlWorkOrderKind parsed_kind;
  if (!fl_work_order_kind_from_string (kind, &parsed_kind))
    return fl_cli_usage (context, _("--kind is incident, request or maintenance"));
  if (impact < 1 || impact > 4 || urgency < 1 || urgency > 4)
    return fl_cli_usage (context, _("--impact and --urgency are numbers from 1 to 4"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  if (!fl_cli_role (cli, &role, &error))
    return fl_cli_fail (error);
  g_autofree char *site_id = fl_cli_find (cli, "site", "code", site, &error);
  if (site_id == NULL)
    return fl_cli_fail (error);
  g_autofree char *ci_id = NULL;
  if (ci != NULL && (ci_id = fl_cli_find (cli, "ci", "code", ci, &error)) == NULL)
    return fl_cli_fail (error);

  g_autofree char *login = fl_cli_login (cli);
  FlWorkOrderDraft draft = {
    .kind = kind, .title = title, .description = description, .site_id = site_id, .ci_id = ci_id,
    .reporter = reporter != NULL ? reporter : login, .contact = contact,
    .impact = impact, .urgency = urgency, .assignee = assignee,
  };
  g_autofree char *id = NULL;
  if (!fl_work_order_create (cli->db, &draft, login, &id, &error))
    return fl_cli_fail (error);
  g_autoptr(JsonObject) wo = fl_record_load (cli->db, fl_schema_lookup ("work_order"), id, &error);
  if (wo == NULL)
    return fl_cli_fail (error);
  g_autofree char *due = fl_cli_format_time (fl_record_get_string (wo, "resolve_due"));
  g_print (_("Created %s (priority %s, resolve by %s). It is sent at the next sync.\n"),
           fl_record_get_string (wo, "ref"), fl_record_get_string (wo, "priority"), due);
  return FL_EXIT_OK;
}

static int
wo_set_status (FlCli *cli, int argc, char **argv)
{
  g_autofree char *note = NULL;
  GOptionEntry entries[] = {
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note for the work log"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("REF STATUS — move a work order on"), NULL, entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return fl_cli_usage (context, _("Give the work order’s reference and the new status"));
  FlWorkOrderStatus to;
  if (!fl_work_order_status_from_string (argv[2], &to))
    return fl_cli_usage (context, _("The status is one of new, assigned, in_progress, on_hold, resolved, closed, cancelled"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  if (!fl_cli_role (cli, &role, &error))
    return fl_cli_fail (error);
  g_autofree char *id = fl_cli_find (cli, "work_order", "ref", argv[1], &error);
  if (id == NULL)
    return fl_cli_fail (error);
  g_autofree char *login = fl_cli_login (cli);
  if (!fl_work_order_move (cli->db, id, role, login, to, note, &error))
    return fl_cli_fail (error);
  g_print (_("%s is now %s. It is sent at the next sync.\n"), argv[1], fl_work_order_status_get_label (to));
  return FL_EXIT_OK;
}

static int
wo_log (FlCli *cli, int argc, char **argv)
{
  g_autofree char *kind = NULL;
  int minutes = 0;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("note, labour or travel"), N_("KIND") },
    { "minutes", 0, 0, G_OPTION_ARG_INT, &minutes, N_("Time spent (labour, travel)"), N_("N") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("REF TEXT — add to a work order’s log"), NULL, entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc < 3)
    return fl_cli_usage (context, _("Give the work order’s reference and the text"));
  if (kind == NULL)
    kind = g_strdup ("note");
  if (!g_strv_contains ((const char * const[]) { "note", "labour", "travel", NULL }, kind))
    return fl_cli_usage (context, _("--kind is note, labour or travel"));
  if (minutes < 0 || (g_strcmp0 (kind, "note") != 0 && minutes == 0))
    return fl_cli_usage (context, _("Labour and travel need --minutes with the time spent"));

  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "work_order", "ref", argv[1], &error);
  if (id == NULL)
    return fl_cli_fail (error);
  g_autofree char *text = g_strjoinv (" ", argv + 2);
  g_autofree char *login = fl_cli_login (cli);
  if (login == NULL)
    {
      FlRole role;
      fl_cli_role (cli, &role, &error);
      return fl_cli_fail (error);
    }
  if (!fl_work_order_log (cli->db, id, login, kind, minutes, text, &error))
    return fl_cli_fail (error);
  g_print (_("Logged. It is sent at the next sync.\n"));
  return FL_EXIT_OK;
}

int
fl_cli_wo_command (FlCli *cli, int argc, char **argv)
{
  static const struct {
    const char *name;
    int (*run) (FlCli *cli, int argc, char **argv);
  } commands[] = {
    { "list", wo_list },
    { "show", wo_show },
    { "new", wo_new },
    { "set-status", wo_set_status },
    { "log", wo_log },
  };
  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *name = g_strdup_printf ("fieldline-cli wo %s", argv[1]);
          argv[1] = name;
          return commands[i].run (cli, argc - 1, argv + 1);
        }
  g_printerr (_("Usage: fieldline-cli wo list|show|new|set-status|log … (add --help to any of them)\n"));
  return FL_EXIT_USAGE;
}
