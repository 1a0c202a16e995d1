/* fieldline-cli — the headless Fieldline client: the same replica, change
 * log and sync engine as the desktop app, driven from a shell. */
#include "fl-cli.h"
#include "fl-i18n.h"

#include <string.h>

static const struct {
  const char *name;
  int (*run) (FlCli *cli, int argc, char **argv);
  const char *help;
} commands[] = {
  { "login", fl_cli_login_command, N_("URL USER        sign in (password from the terminal or stdin)") },
  { "logout", fl_cli_logout_command, N_("                sign out, keeping local data") },
  { "sync", fl_cli_sync_command, N_("                send local changes, receive the server’s") },
  { "status", fl_cli_status_command, N_("                pending changes, conflicts, last sync") },
  { "wo", fl_cli_wo_command, N_("list|show|new|set-status|log   work orders") },
  { "stock", fl_cli_stock_command, N_("balance|move    spare parts") },
  { "problem", fl_cli_problem_command, N_("open|list|proposals|known-errors|move   problems and known errors") },
  { "change", fl_cli_change_command, N_("request|list|approve|reject|move   changes") },
  { "catalogue", fl_cli_catalogue_command, N_("list            the service catalogue") },
  { "documents", fl_cli_documents_command, N_("list|open       the documents kept offline") },
  { "audits", fl_cli_audits_command, N_("list|kpi        CMDB audit rounds; records matching reality per site") },
  { "report", fl_cli_report_command, N_("--period P --format pdf|csv   the service report of a period") },
  { "conflicts", fl_cli_conflicts_command, N_("list|resolve|retry|discard   changes the server did not take") },
};

static void
print_help (void)
{
  g_print (_("Usage: fieldline-cli [--profile DIR] COMMAND [ARGS…]\n\n"
             "The headless Fieldline client: a full local copy of your work that syncs\n"
             "with a Fieldline server; every command works offline except login and sync.\n\n"
             "Commands:\n"));
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    g_print ("  %-10s %s\n", commands[i].name, _(commands[i].help));
  g_print (_("\nOptions:\n"
             "  --profile DIR   where the replica, the sign-in token and files are kept\n"
             "                  (default: $FIELDLINE_PROFILE, else %s)\n"
             "  --help          this help; COMMAND --help tells more about one command\n"
             "  --version       the version\n\n"
             "Exit status: 0 done, 1 failed, 2 wrong arguments, 3 not signed in or\n"
             "signed out by the server, 4 the server could not be reached.\n"),
           "~/.local/share/fieldline-cli");
}

int
main (int argc, char **argv)
{
  fl_i18n_init ();
  g_set_prgname ("fieldline-cli");

  /* Global options come before the command; the command parses the rest. */
  g_autofree char *profile = g_strdup (g_getenv ("FIELDLINE_PROFILE"));
  int first = 1;
  while (first < argc && argv[first][0] == '-')
    {
      const char *arg = argv[first];
      if (strcmp (arg, "--help") == 0 || strcmp (arg, "-h") == 0)
        {
          print_help ();
          return FL_EXIT_OK;
        }
      if (strcmp (arg, "--version") == 0)
        {
          g_print ("fieldline-cli %s\n", FL_VERSION);
          return FL_EXIT_OK;
        }
      if (strcmp (arg, "--profile") == 0 && first + 1 < argc)
        {
          g_free (profile);
          profile = g_strdup (argv[first + 1]);
          first += 2;
          continue;
        }
      if (g_str_has_prefix (arg, "--profile="))
        {
          g_free (profile);
          profile = g_strdup (arg + strlen ("--profile="));
          first++;
          continue;
        }
      g_printerr (_("fieldline-cli: unknown option %s (see fieldline-cli --help)\n"), arg);
      return FL_EXIT_USAGE;
    }
  if (first >= argc)
    {
      print_help ();
      return FL_EXIT_USAGE;
    }

  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    if (strcmp (argv[first], commands[i].name) == 0)
      {
        if (profile == NULL || *profile == '\0')
          {
            g_free (profile);
            profile = g_build_filename (g_get_user_data_dir (), "fieldline-cli", NULL);
          }
        FlCli cli = { 0 };
        g_autoptr(GError) error = NULL;
        if (!fl_cli_open (&cli, profile, &error))
          {
            int code = fl_cli_fail (error);
            fl_cli_close (&cli);
            return code;
          }
        g_autofree char *name = g_strdup_printf ("fieldline-cli %s", argv[first]);
        argv[first] = name;
        int code = commands[i].run (&cli, argc - first, argv + first);
        fl_cli_close (&cli);
        return code;
      }
  g_printerr (_("fieldline-cli: unknown command “%s” (see fieldline-cli --help)\n"), argv[first]);
  return FL_EXIT_USAGE;
}
