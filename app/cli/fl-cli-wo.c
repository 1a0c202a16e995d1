/* fieldline-cli wo: list, show, new, set-status, set-line, resolve, reject, follow-up, log, sheet,
 * escalations. */
#include <inttypes.h>
#include "fl-cli.h"

#include <string.h>

#include "fl-service-sheet.h"
#include "fl-sla-events.h"
#include "fl-terminal.h"
#include "fl-time.h"
#include "fl-work-log-note.h"
#include "fl-work-order-queries.h"
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

/* Prints one line of a table whose columns are `widths` cells wide. */
static void
print_row (guint n, const gsize *widths, const char * const *cells)
{
  g_autoptr(GString) line = g_string_new (NULL);
  fl_terminal_append_row (line, n, widths, cells);
  g_print ("%s", line->str);
}

static int
wo_list (FlCli *cli, int argc, char **argv)
{
  g_autofree char *status = NULL;
  gboolean mine = FALSE, nearing = FALSE, escalated = FALSE;
  int limit = 50;
  GOptionEntry entries[] = {
    { "status", 0, 0, G_OPTION_ARG_STRING, &status, N_("Only orders in this status"), N_("STATUS") },
    { "mine", 0, 0, G_OPTION_ARG_NONE, &mine, N_("Only orders assigned to me"), NULL },
    { "nearing-breach", 0, 0, G_OPTION_ARG_NONE, &nearing, N_("Only open orders nearing an SLA breach"), NULL },
    { "escalated", 0, 0, G_OPTION_ARG_NONE, &escalated, N_("Only open orders that were escalated"), NULL },
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
    return fl_cli_usage (context, _("--status is one of new, assigned, in_progress, on_hold, resolved, closed, visited, cancelled, rejected"));
  if (limit <= 0)
    return fl_cli_usage (context, _("--limit must be a positive number"));

  g_autofree char *login = fl_cli_login (cli);
  FlWorkOrderQuery query = { .mine = mine, .status = status, .nearing_breach = nearing, .escalated = escalated };
  g_autoptr(GError) error = NULL;
  /* Warnings and escalations due by now are recorded before they are shown. */
  g_autoptr(GPtrArray) recorded = fl_sla_events_record (cli->db, fl_time_now (), &error);
  if (recorded == NULL)
    return fl_cli_fail (error);
  g_autoptr(GArray) rowids = fl_work_order_search (cli->db, &query, login != NULL ? login : "", &error);
  if (rowids == NULL)
    return fl_cli_fail (error);
  g_autoptr(GPtrArray) orders = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < rowids->len && orders->len < (guint) limit; i++)
    {
      JsonObject *row = fl_work_order_list_row (cli->db, g_array_index (rowids, gint64, i), &error);
      if (error != NULL)
        return fl_cli_fail (error);
      if (row != NULL)
        g_ptr_array_add (orders, row);
    }

  /* The sync mark, then REF STATUS PRIO ASSIGNEE DUE SLA TITLE. */
  static const gsize widths[] = { 1, 22, 12, 7, 12, 16, 22 };
  guint n = orders->len;
  if (n > 0)
    {
      const char *header[] = { "", _("REF"), _("STATUS"), _("PRIO"), _("ASSIGNEE"), _("DUE"), _("SLA"), _("TITLE") };
      print_row (G_N_ELEMENTS (header), widths, header);
    }
  for (guint i = 0; i < n; i++)
    {
      JsonObject *wo = g_ptr_array_index (orders, i);
      g_autofree char *due = fl_cli_format_time (fl_record_get_string (wo, "resolve_due"));
      g_autofree char *title = fl_terminal_clip (fl_record_get_string (wo, "title"), 48);
      g_autofree char *sla = fl_sla_state_describe (fl_record_get_string (wo, "sla_state"));
      const char *cells[] = {
        fl_cli_state_mark (fl_outbox_record_state (cli->db, "work_order", fl_record_get_string (wo, "id"))),
        fl_record_get_string (wo, "ref"),
        fl_work_order_status_label_for_name (fl_record_get_string (wo, "status")),
        fl_priority_label_for_name (fl_record_get_string (wo, "priority")),
        fl_record_get_string (wo, "assignee"), due, sla, title,
      };
      print_row (G_N_ELEMENTS (cells), widths, cells);
    }
  if (n == 0)
    g_print (_("No work orders.\n"));
  return FL_EXIT_OK;
}

/* How a field of `wo show` reads. */
typedef enum {
  FIELD_TEXT,
  FIELD_TIME,
  FIELD_KIND,
  FIELD_STATUS,
  FIELD_PRIORITY,
  FIELD_REQUEST_LEVEL,
  FIELD_SUPPORT_LINE,
} FieldFormat;

static void
print_labelled (const char *label, const char *text)
{
  static const gsize widths[] = { 16 };
  const char *cells[] = { label, text };
  print_row (G_N_ELEMENTS (cells), widths, cells);
}

static void
print_field (JsonObject *row, const char *label, const char *field, FieldFormat format)
{
  JsonNode *node = json_object_get_member (row, field);
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return;
  g_autofree char *text = NULL;
  if (json_node_get_value_type (node) == G_TYPE_BOOLEAN)
    text = g_strdup (json_node_get_boolean (node) ? _("yes") : _("no"));
  else if (json_node_get_value_type (node) != G_TYPE_STRING)
    text = g_strdup_printf ("%" PRId64, json_node_get_int (node));
  else
    {
      const char *value = json_node_get_string (node);
      switch (format)
        {
        case FIELD_TIME: text = fl_cli_format_time (value); break;
        case FIELD_KIND: text = g_strdup (fl_work_order_kind_label_for_name (value)); break;
        case FIELD_STATUS: text = g_strdup (fl_work_order_status_label_for_name (value)); break;
        case FIELD_PRIORITY: text = g_strdup (fl_priority_label_for_name (value)); break;
        case FIELD_REQUEST_LEVEL: text = g_strdup (fl_request_level_label_for_name (value)); break;
        case FIELD_SUPPORT_LINE:
          text = g_strdup (g_strcmp0 (value, "second") == 0 ? _("Second line") : _("First line"));
          break;
        case FIELD_TEXT:
        default: text = g_strdup (value); break;
        }
    }
  print_labelled (label, text);
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

  print_field (wo, _("Reference:"), "ref", FIELD_TEXT);
  print_field (wo, _("Title:"), "title", FIELD_TEXT);
  print_field (wo, _("Kind:"), "kind", FIELD_KIND);
  print_field (wo, _("Status:"), "status", FIELD_STATUS);
  print_field (wo, _("Priority:"), "priority", FIELD_PRIORITY);
  print_field (wo, _("Service:"), "service", FIELD_TEXT);
  print_field (wo, _("Request level:"), "request_level", FIELD_REQUEST_LEVEL);
  print_field (wo, _("Support line:"), "support_line", FIELD_SUPPORT_LINE);
  if (site != NULL)
    {
      g_autofree char *site_text = g_strdup_printf ("%s (%s)", fl_record_get_string (site, "name"),
                                                    fl_record_get_string (site, "code"));
      print_labelled (_("Site:"), site_text);
    }
  print_field (wo, _("Impact:"), "impact", FIELD_TEXT);
  print_field (wo, _("Urgency:"), "urgency", FIELD_TEXT);
  print_field (wo, _("Assignee:"), "assignee", FIELD_TEXT);
  print_field (wo, _("Reporter:"), "reporter", FIELD_TEXT);
  print_field (wo, _("Contact:"), "contact", FIELD_TEXT);
  print_field (wo, _("Created:"), "created_at", FIELD_TIME);
  print_field (wo, _("Response due:"), "response_due", FIELD_TIME);
  print_field (wo, _("Resolve due:"), "resolve_due", FIELD_TIME);
  g_autoptr(GPtrArray) policy_rows = fl_work_order_policy_rows (cli->db, site_id, &error);
  if (policy_rows == NULL)
    return fl_cli_fail (error);
  g_autofree char *policy = fl_work_order_describe_policy (wo, policy_rows);
  print_labelled (_("SLA policy:"), policy);
  print_field (wo, _("Responded:"), "responded_at", FIELD_TIME);
  print_field (wo, _("Resolved:"), "resolved_at", FIELD_TIME);
  print_field (wo, _("Closed:"), "closed_at", FIELD_TIME);
  print_field (wo, _("Followed up:"), "visited_at", FIELD_TIME);
  print_field (wo, _("Out of scope:"), "reject_reason", FIELD_TEXT);
  print_field (wo, _("Description:"), "description", FIELD_TEXT);
  print_field (wo, _("Resolution:"), "resolution", FIELD_TEXT);
  print_field (wo, _("Cause:"), "cause", FIELD_TEXT);
  print_field (wo, _("First-time fix:"), "first_time_fix", FIELD_TEXT);
  print_field (wo, _("Customer:"), "customer_name", FIELD_TEXT);
  print_field (wo, _("Accepted:"), "customer_accepted_at", FIELD_TIME);
  print_field (wo, _("Satisfaction:"), "satisfaction", FIELD_TEXT);

  static const char * const state_names[] = { N_("synced"), N_("waiting to be sent"),
                                               N_("conflict (see “conflicts list”)"),
                                               N_("rejected (see “conflicts list”)") };
  print_labelled (_("Sync:"), _(state_names[fl_outbox_record_state (cli->db, "work_order", id)]));

  g_autoptr(GPtrArray) log = fl_work_order_list_log (cli->db, id, &error);
  if (log == NULL)
    return fl_cli_fail (error);
  if (log->len > 0)
    g_print ("\n%s\n", _("Work log:"));
  /* An indent, then AT AUTHOR KIND (MINUTES) TEXT. */
  static const gsize widths[] = { 1, 17, 10, 7 };
  for (guint i = 0; i < log->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (log, i);
      g_autofree char *at = fl_cli_format_time (fl_record_get_string (entry, "at"));
      gint64 minutes = fl_record_get_int (entry, "minutes", 0);
      g_autofree char *duration = minutes > 0 ? g_strdup_printf (_(" (%d min)"), (int) minutes) : g_strdup ("");
      g_autofree char *kind = g_strconcat (fl_record_get_string (entry, "kind"), duration, NULL);
      g_autofree char *text = fl_work_log_render (entry);
      const char *cells[] = { "", at, fl_record_get_string (entry, "author"), kind, text };
      print_row (G_N_ELEMENTS (cells), widths, cells);
    }
  return FL_EXIT_OK;
}

static int
wo_new (FlCli *cli, int argc, char **argv)
{
  g_autofree char *kind = NULL, *title = NULL, *site = NULL, *ci = NULL, *description = NULL;
  g_autofree char *reporter = NULL, *contact = NULL, *assignee = NULL, *service = NULL;
  int impact = 0, urgency = 0;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("incident, request or maintenance"), N_("KIND") },
    { "title", 0, 0, G_OPTION_ARG_STRING, &title, N_("What is wrong or wanted"), N_("TEXT") },
    { "site", 0, 0, G_OPTION_ARG_STRING, &site, N_("The site’s code"), N_("CODE") },
    { "impact", 0, 0, G_OPTION_ARG_INT, &impact, N_("1 company business, 2 whole company, 3 a group, 4 one person"), N_("N") },
    { "urgency", 0, 0, G_OPTION_ARG_INT, &urgency, N_("1 urgent, 2 high, 3 normal, 4 low"), N_("N") },
    { "ci", 0, 0, G_OPTION_ARG_STRING, &ci, N_("The configuration item’s code"), N_("CODE") },
    { "service", 0, 0, G_OPTION_ARG_STRING, &service,
      N_("The catalogue entry or contract it is for (its SLA policy applies)"), N_("NAME") },
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
    .service = service,
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

/* The work order named by REF, with the user's role and login. */
static char *
find_for_move (FlCli *cli, const char *ref, FlRole *role, char **login, GError **error)
{
  if (!fl_cli_role (cli, role, error))
    return NULL;
  char *id = fl_cli_find (cli, "work_order", "ref", ref, error);
  if (id != NULL)
    *login = fl_cli_login (cli);
  return id;
}

static int
moved (const char *ref, FlWorkOrderStatus to)
{
  g_print (_("%s is now %s. It is sent at the next sync.\n"), ref, fl_work_order_status_get_label (to));
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
    return fl_cli_usage (context, _("The status is one of new, assigned, in_progress, on_hold, closed, cancelled (resolve, reject and follow-up have their own commands)"));
  /* These moves carry what they need in the same change. */
  if (to == FL_WO_RESOLVED)
    return fl_cli_usage (context, _("Resolve with “wo resolve”: it asks whether it was fixed on the first visit"));
  if (to == FL_WO_REJECTED)
    return fl_cli_usage (context, _("Reject as out of scope with “wo reject”, which takes the reason"));
  if (to == FL_WO_VISITED)
    return fl_cli_usage (context, _("Record the follow-up call with “wo follow-up”, which takes the customer’s satisfaction"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  g_autofree char *login = NULL;
  g_autofree char *id = find_for_move (cli, argv[1], &role, &login, &error);
  if (id == NULL || !fl_work_order_move (cli->db, id, role, login, to, note, &error))
    return fl_cli_fail (error);
  return moved (argv[1], to);
}

static int
wo_resolve (FlCli *cli, int argc, char **argv)
{
  g_autofree char *resolution = NULL, *note = NULL;
  gboolean first = FALSE, not_first = FALSE;
  GOptionEntry entries[] = {
    { "first-time-fix", 0, 0, G_OPTION_ARG_NONE, &first, N_("It was fixed on the first visit"), NULL },
    { "not-first-time", 0, 0, G_OPTION_ARG_NONE, &not_first, N_("It took more than one visit"), NULL },
    { "resolution", 0, 0, G_OPTION_ARG_STRING, &resolution, N_("What was done (if not written yet)"), N_("TEXT") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("A note for the work log"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("REF — resolve a work order"),
      _("Say whether it was fixed on the first visit: --first-time-fix or --not-first-time."), entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return fl_cli_usage (context, _("Give the work order’s reference"));
  if (first == not_first)
    return fl_cli_usage (context, _("Was it fixed on the first visit? Give --first-time-fix or --not-first-time"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  g_autofree char *login = NULL;
  g_autofree char *id = find_for_move (cli, argv[1], &role, &login, &error);
  if (id == NULL ||
      !fl_work_order_resolve (cli->db, id, role, login, resolution, first, note, &error))
    return fl_cli_fail (error);
  return moved (argv[1], FL_WO_RESOLVED);
}

static int
wo_reject (FlCli *cli, int argc, char **argv)
{
  g_autofree char *reason = NULL;
  GOptionEntry entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why the service level agreement does not cover it"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("REF — reject a new or assigned order as out of scope"),
      NULL, entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return fl_cli_usage (context, _("Give the work order’s reference"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  g_autofree char *login = NULL;
  g_autofree char *id = find_for_move (cli, argv[1], &role, &login, &error);
  if (id == NULL ||
      !fl_work_order_reject_out_of_scope (cli->db, id, role, login, reason, &error))
    return fl_cli_fail (error);
  return moved (argv[1], FL_WO_REJECTED);
}

static int
wo_follow_up (FlCli *cli, int argc, char **argv)
{
  g_autofree char *note = NULL;
  int satisfaction = 0;
  GOptionEntry entries[] = {
    { "satisfaction", 0, 0, G_OPTION_ARG_INT, &satisfaction, N_("How satisfied the customer is, 1 to 5"), N_("N") },
    { "note", 0, 0, G_OPTION_ARG_STRING, &note, N_("What the customer said"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("REF — record the follow-up call on a closed order"),
      NULL, entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 2)
    return fl_cli_usage (context, _("Give the work order’s reference"));
  if (satisfaction < 1 || satisfaction > 5)
    return fl_cli_usage (context, _("Ask the customer and give --satisfaction from 1 to 5"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  g_autofree char *login = NULL;
  g_autofree char *id = find_for_move (cli, argv[1], &role, &login, &error);
  if (id == NULL ||
      !fl_work_order_record_follow_up (cli->db, id, role, login, satisfaction, note, &error))
    return fl_cli_fail (error);
  return moved (argv[1], FL_WO_VISITED);
}

static int
wo_sheet (FlCli *cli, int argc, char **argv)
{
  g_autofree char *output = NULL;
  GOptionEntry entries[] = {
    { "output", 'o', 0, G_OPTION_ARG_FILENAME, &output, N_("Write the PDF to this file"), N_("FILE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("REF -o FILE — print a work order’s service sheet (PDF)"),
      _("The customer’s signature is downloaded first when it is not here yet."), entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 2 || output == NULL)
    return fl_cli_usage (context, _("Give the work order’s reference and --output FILE.pdf"));
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "work_order", "ref", argv[1], &error);
  if (id == NULL)
    return fl_cli_fail (error);
  g_autoptr(JsonObject) wo = fl_record_load (cli->db, fl_schema_lookup ("work_order"), id, &error);
  if (wo == NULL)
    return fl_cli_fail (error);
  const char *sha = fl_record_get_string (wo, "signature_blob");
  g_autoptr(GFile) signature = NULL;
  if (sha != NULL)
    {
      g_autoptr(GError) fetch_error = NULL;
      signature = fl_sync_client_fetch_blob (cli->client, sha, NULL, &fetch_error);
      if (signature == NULL)
        g_printerr (_("fieldline-cli: the sheet goes without the customer’s signature: %s\n"), fetch_error->message);
    }
  g_autofree char *signature_path = signature != NULL ? g_file_get_path (signature) : NULL;
  if (!fl_service_sheet_write_pdf (cli->db, id, signature_path, output, &error))
    return fl_cli_fail (error);
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

/* A service request passes from the first line to the second (or back). */
static int
wo_set_line (FlCli *cli, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = command_context (_("REF first|second — who supports a service request"),
                                                       NULL, NULL);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 3 || !g_strv_contains ((const char * const[]) { "first", "second", NULL }, argv[2]))
    return fl_cli_usage (context, _("Give the work order’s reference and the line: first or second"));
  g_autoptr(GError) error = NULL;
  FlRole role;
  if (!fl_cli_role (cli, &role, &error))
    return fl_cli_fail (error);
  g_autofree char *id = fl_cli_find (cli, "work_order", "ref", argv[1], &error);
  if (id == NULL)
    return fl_cli_fail (error);
  g_autoptr(JsonObject) wo = fl_record_load (cli->db, fl_schema_lookup ("work_order"), id, &error);
  if (wo == NULL)
    return fl_cli_fail (error);
  g_autofree char *login = fl_cli_login (cli);
  if (!fl_work_order_may_change (wo, role, login, "support_line", &error))
    return fl_cli_fail (error);
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "support_line", argv[2]);
  if (!fl_work_order_update (cli->db, id, values, &error))
    return fl_cli_fail (error);
  g_print (strcmp (argv[2], "second") == 0 ? _("%s is with the second line now. It is sent at the next sync.\n")
                                           : _("%s is with the first line now. It is sent at the next sync.\n"),
           argv[1]);
  return FL_EXIT_OK;
}

static int
wo_escalations (FlCli *cli, int argc, char **argv)
{
  gboolean mine = FALSE;
  GOptionEntry entries[] = {
    { "mine", 0, 0, G_OPTION_ARG_NONE, &mine, N_("Only orders assigned to me"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = command_context (_("— SLA warnings and escalations of open work orders"),
      _("A warning comes when 75 and when 90 per cent of the working time to a due time is used "
        "(a site may set other shares); an order is escalated when a due time passes."), entries);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return fl_cli_usage (context, _("wo escalations takes no arguments"));
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recorded = fl_sla_events_record (cli->db, fl_time_now (), &error);
  if (recorded == NULL)
    return fl_cli_fail (error);
  g_autofree char *login = mine ? fl_cli_login (cli) : NULL;
  g_autoptr(GPtrArray) events = fl_sla_events_list (cli->db, mine ? (login != NULL ? login : "") : NULL, &error);
  if (events == NULL)
    return fl_cli_fail (error);
  /* AT REF ASSIGNEE WHAT */
  static const gsize widths[] = { 17, 22, 12 };
  if (events->len > 0)
    {
      const char *header[] = { _("AT"), _("REF"), _("ASSIGNEE"), _("WHAT") };
      print_row (G_N_ELEMENTS (header), widths, header);
    }
  for (guint i = 0; i < events->len; i++)
    {
      JsonObject *event = events->pdata[i];
      g_autofree char *at = fl_cli_format_time (fl_record_get_string (event, "at"));
      g_autofree char *what = fl_sla_event_describe (event);
      const char *cells[] = { at, fl_record_get_string (event, "ref"), fl_record_get_string (event, "assignee"), what };
      print_row (G_N_ELEMENTS (cells), widths, cells);
    }
  if (events->len == 0)
    g_print (_("No warnings or escalations.\n"));
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
    { "resolve", wo_resolve },
    { "reject", wo_reject },
    { "follow-up", wo_follow_up },
    { "log", wo_log },
    { "sheet", wo_sheet },
    { "set-line", wo_set_line },
    { "escalations", wo_escalations },
  };
  if (argc >= 2)
    for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
      if (strcmp (argv[1], commands[i].name) == 0)
        {
          g_autofree char *name = g_strdup_printf ("fieldline-cli wo %s", argv[1]);
          argv[1] = name;
          return commands[i].run (cli, argc - 1, argv + 1);
        }
  g_printerr (_("Usage: fieldline-cli wo list|show|new|set-status|set-line|resolve|reject|follow-up|log|sheet|escalations … (add --help to any of them)\n"));
  return FL_EXIT_USAGE;
}
