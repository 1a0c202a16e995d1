/* fieldline-cli problem and change: open a problem from an incident, the
 * proposals, the known-error list; the changes of a CI, their approval
 * and their moves. */
#include "fl-cli.h"

#include <string.h>

#include "fl-approvals.h"
#include "fl-change.h"
#include "fl-change-workflow.h"
#include "fl-problem.h"
#include "fl-problem-workflow.h"

/* Parses a subcommand's options and checks it has `n_args` arguments (-1:
 * any number): -1 to go on, else the exit code to return. */
static int
parse_plain (int *argc, char ***argv, const char *parameters, const char *summary,
             GOptionEntry *entries, int n_args)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, summary);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, argc, argv, &code))
    return code;
  if (n_args >= 0 && *argc != n_args + 1)
    return fl_cli_usage (context, _("Wrong number of arguments"));
  return -1;
}

static int
problem_open (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("REF — open a problem from an incident"),
                          _("The problem takes the incident’s title, site, CI and priority, and links it."),
                          NULL, 1);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *wo = fl_cli_find (cli, "work_order", "ref", argv[1], &error);
  g_autofree char *login = fl_cli_login (cli);
  g_autofree char *id = NULL;
  if (wo == NULL || !fl_problem_open_from_incident (cli->db, wo, login, &id, &error))
    return fl_cli_fail (error);
  g_autoptr(JsonObject) problem = fl_record_load (cli->db, fl_schema_lookup ("problem"), id, &error);
  if (problem == NULL)
    return fl_cli_fail (error);
  g_print (_("Opened problem %s from %s; it is sent at the next sync.\n"),
           fl_record_get_string (problem, "ref"), argv[1]);
  return FL_EXIT_OK;
}

static int
problem_list (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("— every problem, open ones first"), NULL, NULL, 0);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_problem_list (cli->db, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      const char *ci = fl_record_get_string (row, "ci_code");
      g_print ("%-22s %-16s L%" G_GINT64_FORMAT " %-10s %s\n", fl_record_get_string (row, "ref"),
               fl_problem_status_label_for_name (fl_record_get_string (row, "status")),
               fl_record_get_int (row, "priority", 3), ci != NULL ? ci : "—", fl_record_get_string (row, "title"));
    }
  if (rows->len == 0)
    g_print (_("No problems recorded.\n"));
  return FL_EXIT_OK;
}

static int
problem_proposals (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("— what calls for a problem and has none"),
                          _("More than three incidents of unknown cause on one CI within its site’s window, "
                            "or a closed major incident."), NULL, 0);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_problem_list_proposals (cli->db, fl_time_now (), &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      if (g_strcmp0 (fl_record_get_string (row, "reason"), "recurrence") == 0)
        g_print (_("%s %s: %d incidents of unknown cause\n"), fl_record_get_string (row, "ci_code"),
                 fl_record_get_string (row, "ci_name"), (int) fl_record_get_int (row, "incidents", 0));
      else
        g_print (_("%s %s: major incident closed\n"), fl_record_get_string (row, "ref"),
                 fl_record_get_string (row, "title"));
    }
  if (rows->len == 0)
    g_print (_("Nothing calls for a problem.\n"));
  return FL_EXIT_OK;
}

static int
problem_known_errors (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("[WORDS…] — search the known errors"),
                          _("Known errors whose reference, title, root cause, workaround, solution or CI "
                            "contain every word; works offline."), NULL, -1);
  if (code >= 0)
    return code;
  g_autofree char *words = argc > 1 ? g_strjoinv (" ", argv + 1) : NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_problem_search_known_errors (cli->db, words, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      const char *ci = fl_record_get_string (row, "ci_code");
      const char *solution = fl_record_get_string (row, "solution");
      g_print ("%s  %s  (%s)\n", fl_record_get_string (row, "ref"), fl_record_get_string (row, "title"),
               ci != NULL ? ci : "—");
      g_print (_("  Root cause: %s\n"), fl_record_get_string (row, "root_cause"));
      g_print (_("  Workaround: %s\n"), fl_record_get_string (row, "workaround"));
      if (solution != NULL)
        g_print (_("  Solution: %s\n"), solution);
    }
  if (rows->len == 0)
    g_print (_("No known error matches.\n"));
  return FL_EXIT_OK;
}

static void
set_if_given (JsonObject *values, const char *field, const char *text)
{
  if (text != NULL)
    json_object_set_string_member (values, field, text);
}

static int
problem_move (FlCli *cli, int argc, char **argv)
{
  g_autofree char *assignee = NULL, *root_cause = NULL, *workaround = NULL, *solution = NULL;
  GOptionEntry entries[] = {
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &assignee, N_("Who works on it (a supervisor assigns)"), N_("LOGIN") },
    { "root-cause", 0, 0, G_OPTION_ARG_STRING, &root_cause, N_("The root cause found"), N_("TEXT") },
    { "workaround", 0, 0, G_OPTION_ARG_STRING, &workaround, N_("How to restore service meanwhile"), N_("TEXT") },
    { "solution", 0, 0, G_OPTION_ARG_STRING, &solution, N_("The solution"), N_("TEXT") },
    { NULL }
  };
  int code = parse_plain (&argc, &argv,
                          _("REF STATUS — assigned, investigating, known_error, on_hold, resolved, cancelled or closed"),
                          _("What the new state needs is written in the same change: an assignee, a root cause "
                            "and a workaround (known error), a root cause and a solution (resolved)."),
                          entries, 2);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "problem", "ref", argv[1], &error);
  g_autofree char *login = fl_cli_login (cli);
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "status", argv[2]);
  set_if_given (values, "assignee", assignee);
  set_if_given (values, "root_cause", root_cause);
  set_if_given (values, "workaround", workaround);
  set_if_given (values, "solution", solution);
  FlRole role;
  if (id == NULL || !fl_cli_role (cli, &role, &error) ||
      !fl_problem_update (cli->db, id, role, login, values, &error))
    return fl_cli_fail (error);
  g_print (_("%s is now %s; it is sent at the next sync.\n"), argv[1], fl_problem_status_label_for_name (argv[2]));
  return FL_EXIT_OK;
}

static int
change_request (FlCli *cli, int argc, char **argv)
{
  g_autofree char *kind = NULL, *ci = NULL, *reason = NULL, *plan = NULL, *rollback = NULL, *test_report = NULL;
  g_autofree char *problem = NULL, *assignee = NULL;
  g_auto(GStrv) approvers = NULL;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind, N_("standard, general, major or emergency (default general)"),
      N_("KIND") },
    { "ci", 0, 0, G_OPTION_ARG_STRING, &ci, N_("The configuration item it changes"), N_("CODE") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is needed (required)"), N_("TEXT") },
    { "plan", 0, 0, G_OPTION_ARG_STRING, &plan, N_("The change plan"), N_("TEXT") },
    { "rollback-plan", 0, 0, G_OPTION_ARG_STRING, &rollback, N_("How to go back if it fails"), N_("TEXT") },
    { "test-report", 0, 0, G_OPTION_ARG_STRING, &test_report, N_("The report of its test"), N_("TEXT") },
    { "approver", 0, 0, G_OPTION_ARG_STRING_ARRAY, &approvers,
      N_("A member of the change advisory board (repeat for each; major and emergency changes)"), N_("LOGIN") },
    { "problem", 0, 0, G_OPTION_ARG_STRING, &problem, N_("The problem it solves"), N_("REF") },
    { "assignee", 0, 0, G_OPTION_ARG_STRING, &assignee, N_("Who implements it"), N_("LOGIN") },
    { NULL }
  };
  int code = parse_plain (&argc, &argv, _("TITLE — request a change"), NULL, entries, 1);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *ci_id = NULL, *problem_id = NULL, *site_id = NULL;
  if (ci != NULL && (ci_id = fl_cli_find (cli, "ci", "code", ci, &error)) == NULL)
    return fl_cli_fail (error);
  if (problem != NULL && (problem_id = fl_cli_find (cli, "problem", "ref", problem, &error)) == NULL)
    return fl_cli_fail (error);
  /* Without a CI the change is at the site of the problem it solves. */
  if (ci_id == NULL && problem_id != NULL)
    {
      g_autoptr(JsonObject) row = fl_record_load (cli->db, fl_schema_lookup ("problem"), problem_id, &error);
      if (row == NULL)
        return fl_cli_fail (error);
      site_id = g_strdup (fl_record_get_string (row, "site_id"));
    }
  FlChangeDraft draft = {
    .kind = kind != NULL ? kind : "general",
    .title = argv[1],
    .reason = reason,
    .plan = plan,
    .site_id = site_id,
    .ci_id = ci_id,
    .problem_id = problem_id,
    .rollback_plan = rollback,
    .test_report = test_report,
    .approvers = (const char * const *) approvers,
    .assignee = assignee,
  };
  g_autofree char *login = fl_cli_login (cli);
  g_autofree char *id = NULL;
  if (!fl_change_request (cli->db, &draft, login, &id, &error))
    return fl_cli_fail (error);
  g_autoptr(JsonObject) change = fl_record_load (cli->db, fl_schema_lookup ("change_record"), id, &error);
  if (change == NULL)
    return fl_cli_fail (error);
  g_print (_("Requested %s (%s); it is sent at the next sync.\n"), fl_record_get_string (change, "ref"),
           fl_change_kind_label_for_name (draft.kind));
  return FL_EXIT_OK;
}

static int
change_list (FlCli *cli, int argc, char **argv)
{
  g_autofree char *ci = NULL;
  GOptionEntry entries[] = {
    { "ci", 0, 0, G_OPTION_ARG_STRING, &ci, N_("Only the changes of this configuration item"), N_("CODE") },
    { NULL }
  };
  int code = parse_plain (&argc, &argv, _("— changes, newest first"), NULL, entries, 0);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *ci_id = NULL;
  if (ci != NULL && (ci_id = fl_cli_find (cli, "ci", "code", ci, &error)) == NULL)
    return fl_cli_fail (error);
  g_autoptr(GPtrArray) rows = fl_change_list (cli->db, ci_id, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      g_print ("%-22s %-18s %-20s %s\n", fl_record_get_string (row, "ref"),
               fl_change_kind_label_for_name (fl_record_get_string (row, "kind")),
               fl_change_status_label_for_name (fl_record_get_string (row, "status")),
               fl_record_get_string (row, "title"));
    }
  if (rows->len == 0)
    g_print (_("No changes recorded.\n"));
  return FL_EXIT_OK;
}

static int
change_move (FlCli *cli, int argc, char **argv)
{
  g_autofree char *review = NULL;
  GOptionEntry entries[] = {
    { "review", 0, 0, G_OPTION_ARG_STRING, &review, N_("The post-implementation review (moving to reviewed)"),
      N_("TEXT") },
    { NULL }
  };
  int code = parse_plain (&argc, &argv,
                          _("REF STATUS — implementing, implemented, failed, reviewed or closed"), NULL, entries, 2);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "change_record", "ref", argv[1], &error);
  g_autofree char *login = fl_cli_login (cli);
  FlRole role;
  if (id == NULL || !fl_cli_role (cli, &role, &error) ||
      !fl_change_move (cli->db, id, role, login, argv[2], review, &error))
    return fl_cli_fail (error);
  g_print (_("%s is now %s; it is sent at the next sync.\n"), argv[1], fl_change_status_label_for_name (argv[2]));
  return FL_EXIT_OK;
}

/* "rollback-plan" as typed, "rollback_plan" as stored. */
static char *
document_name (const char *typed)
{
  return g_strdelimit (g_strdup (typed), "-", '_');
}

static int
change_attach (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("REF rollback-plan|test-report FILE — attach a document to a change"),
                          _("The file is kept in the replica and uploaded at the next sync; a later file of the "
                            "same document replaces it. A major change is approved only with both attached."),
                          NULL, 3);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "change_record", "ref", argv[1], &error);
  if (id == NULL)
    return fl_cli_fail (error);
  g_autoptr(GFile) file = g_file_new_for_commandline_arg (argv[3]);
  g_autoptr(GBytes) bytes = g_file_load_bytes (file, NULL, NULL, &error);
  g_autofree char *sha = bytes != NULL ? fl_sync_client_add_blob (cli->client, bytes, &error) : NULL;
  if (sha == NULL)
    return fl_cli_fail (error);
  g_autofree char *filename = g_file_get_basename (file);
  gsize size = g_bytes_get_size (bytes);
  g_autofree char *content_type = g_content_type_guess (filename, g_bytes_get_data (bytes, NULL),
                                                        MIN (size, 4096), NULL);
  g_autofree char *mime = g_content_type_get_mime_type (content_type);
  g_autofree char *document = document_name (argv[2]);
  g_autofree char *login = fl_cli_login (cli);
  if (!fl_change_attach (cli->db, id, document, filename, mime != NULL ? mime : "application/octet-stream", sha,
                         size, login, &error))
    return fl_cli_fail (error);
  g_print (_("Attached %s to %s as its %s; it is sent at the next sync.\n"), filename, argv[1],
           fl_change_document_label_for_name (document));
  return FL_EXIT_OK;
}

static int
change_files (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("REF — the files attached to a change"), NULL, NULL, 1);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "change_record", "ref", argv[1], &error);
  g_autoptr(GPtrArray) rows = id != NULL ? fl_change_list_attachments (cli->db, id, &error) : NULL;
  if (rows == NULL)
    return fl_cli_fail (error);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      const char *document = fl_record_get_string (row, "document");
      g_autofree char *size = g_format_size (fl_record_get_int (row, "size", 0));
      g_print ("%-20s %-30s %10s %-12s %s\n", document != NULL ? fl_change_document_label_for_name (document) : _("Replaced"),
               fl_record_get_string (row, "filename"), size, fl_record_get_string (row, "by"),
               fl_record_get_string (row, "at"));
    }
  if (rows->len == 0)
    g_print (_("No files attached.\n"));
  return FL_EXIT_OK;
}

static int
change_open (FlCli *cli, int argc, char **argv)
{
  int code = parse_plain (&argc, &argv, _("REF rollback-plan|test-report — where a change’s document is"),
                          _("Prints the path of the file, downloaded first when this replica does not have it."),
                          NULL, 2);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "change_record", "ref", argv[1], &error);
  g_autoptr(GPtrArray) rows = id != NULL ? fl_change_list_attachments (cli->db, id, &error) : NULL;
  if (rows == NULL)
    return fl_cli_fail (error);
  g_autofree char *document = document_name (argv[2]);
  for (guint i = 0; i < rows->len; i++)
    if (g_strcmp0 (fl_record_get_string (rows->pdata[i], "document"), document) == 0)
      {
        g_autoptr(GFile) file = fl_sync_client_fetch_blob (cli->client, fl_record_get_string (rows->pdata[i], "sha256"),
                                                           NULL, &error);
        if (file == NULL)
          return fl_cli_fail (error);
        g_autofree char *path = g_file_get_path (file);
        g_print ("%s\n", path);
        return FL_EXIT_OK;
      }
  g_printerr (_("fieldline-cli: %s has no %s attached\n"), argv[1], argv[2]);
  return FL_EXIT_FAILED;
}

/* Approves or rejects change argv[1] as the signed-in supervisor, on the
 * version this replica has: the rules of fl_change_check_decision (each
 * member of the board once), the server's at the next sync. */
static int
change_decide (FlCli *cli, int argc, char **argv, gboolean approve)
{
  g_autofree char *reason = NULL;
  GOptionEntry reject_entries[] = {
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why it is rejected (required)"), N_("TEXT") },
    { NULL }
  };
  int code = parse_plain (&argc, &argv, approve ? _("REF — approve a requested change") : _("REF — reject a requested change"),
                          approve ? _("A general change needs one supervisor; a major or an emergency change every "
                                      "member of its change advisory board, each once, on the version they saw.")
                                  : NULL,
                          approve ? NULL : reject_entries, 1);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autofree char *id = fl_cli_find (cli, "change_record", "ref", argv[1], &error);
  g_autofree char *login = fl_cli_login (cli);
  FlRole role;
  if (id == NULL || !fl_cli_role (cli, &role, &error))
    return fl_cli_fail (error);
  const char *params[] = { "change_record", argv[1] };
  g_autoptr(GPtrArray) rows = fl_query_rows (cli->db, fl_approvals_queue_sql (), G_N_ELEMENTS (params), params, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  JsonObject *row = NULL;
  for (guint i = 0; i < rows->len && row == NULL; i++)
    if (g_strcmp0 (fl_record_get_string (rows->pdata[i], "id"), id) == 0)
      row = rows->pdata[i];
  /* The change's rules first: they say why better than "already decided"
   * once this replica has the board's decisions so far. */
  g_autoptr(JsonObject) change = fl_record_load (cli->db, fl_schema_lookup ("change_record"), id, &error);
  if (change == NULL || !fl_change_check_decision (role, login, change, approve, &error))
    return fl_cli_fail (error);
  if (row == NULL)
    {
      g_set_error (&error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                   _("%s is not waiting for a decision."), argv[1]);
      return fl_cli_fail (error);
    }
  if (!fl_approvals_decide (cli->db, row, role, login, approve, reason, &error))
    return fl_cli_fail (error);
  g_autofree char *version = g_strdup_printf ("%" G_GINT64_FORMAT, fl_record_get_int (row, "version", 1));
  if (approve)
    g_print (_("Approved %s (version %s); it is sent at the next sync.\n"), argv[1], version);
  else
    g_print (_("Rejected %s (version %s); it is sent at the next sync.\n"), argv[1], version);
  return FL_EXIT_OK;
}

static int
change_approve (FlCli *cli, int argc, char **argv)
{
  return change_decide (cli, argc, argv, TRUE);
}

static int
change_reject (FlCli *cli, int argc, char **argv)
{
  return change_decide (cli, argc, argv, FALSE);
}

int
fl_cli_problem_command (FlCli *cli, int argc, char **argv)
{
  static const FlCliSubcommand subcommands[] = {
    { "open", problem_open }, { "list", problem_list }, { "proposals", problem_proposals },
    { "known-errors", problem_known_errors }, { "move", problem_move },
  };
  return fl_cli_run_subcommand (cli, argc, argv, "problem", subcommands, G_N_ELEMENTS (subcommands),
                         _("Usage: fieldline-cli problem open|list|proposals|known-errors|move … (add --help to any)\n"));
}

int
fl_cli_change_command (FlCli *cli, int argc, char **argv)
{
  static const FlCliSubcommand subcommands[] = {
    { "request", change_request }, { "list", change_list }, { "move", change_move },
    { "attach", change_attach }, { "files", change_files }, { "open", change_open },
    { "approve", change_approve }, { "reject", change_reject },
  };
  return fl_cli_run_subcommand (cli, argc, argv, "change", subcommands, G_N_ELEMENTS (subcommands),
                         _("Usage: fieldline-cli change request|list|move|approve|reject|attach|files|open … (add --help to any)\n"));
}
