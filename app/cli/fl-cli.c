#include "fl-cli.h"

#include <errno.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fl-replica-queries.h"
#include "fl-workflow.h"

gboolean
fl_cli_open (FlCli *cli, const char *profile_dir, GError **error)
{
  cli->profile_dir = g_strdup (profile_dir);
  if (g_mkdir_with_parents (profile_dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_FILE_ERROR, g_file_error_from_errno (saved),
                   _("Cannot create the profile folder %s: %s"), profile_dir, g_strerror (saved));
      return FALSE;
    }
  g_autofree char *replica = g_build_filename (profile_dir, "replica.db", NULL);
  g_autofree char *token = g_build_filename (profile_dir, "token", NULL);
  g_autofree char *blobs = g_build_filename (profile_dir, "blobs", NULL);
  cli->db = fl_db_open_replica (replica, error);
  if (cli->db == NULL)
    return FALSE;
  cli->tokens = fl_file_token_store_new (token);
  cli->client = fl_sync_client_new (cli->db, cli->tokens);
  fl_sync_client_set_blob_dir (cli->client, blobs);
  cli->interactive = isatty (STDOUT_FILENO);
  return TRUE;
}

void
fl_cli_close (FlCli *cli)
{
  g_clear_object (&cli->client);
  g_clear_object (&cli->tokens);
  if (cli->db != NULL)
    fl_db_close (cli->db);
  g_clear_object (&cli->db);
  g_clear_pointer (&cli->profile_dir, g_free);
}

int
fl_cli_fail (const GError *error)
{
  g_printerr ("fieldline-cli: %s\n", error->message);
  if (g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT) ||
      g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED))
    return FL_EXIT_SIGNED_OUT;
  if (fl_sync_error_is_transient (error))
    return FL_EXIT_OFFLINE;
  return FL_EXIT_FAILED;
}

int
fl_cli_usage (GOptionContext *context, const char *message)
{
  g_printerr ("fieldline-cli: %s\n", message);
  if (context != NULL)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_printerr ("\n%s", help);
    }
  return FL_EXIT_USAGE;
}

gboolean
fl_cli_parse (GOptionContext *context, int *argc, char ***argv, int *exit_code)
{
  g_autoptr(GError) error = NULL;
  /* "fieldline-cli wo new" in the command's usage line. */
  g_set_prgname ((*argv)[0]);
  g_option_context_set_help_enabled (context, TRUE);
  if (!g_option_context_parse (context, argc, argv, &error))
    {
      *exit_code = fl_cli_usage (context, error->message);
      return FALSE;
    }
  return TRUE;
}

int
fl_cli_run_subcommand (FlCli *cli, int argc, char **argv, const char *command, const FlCliSubcommand *subcommands,
                       guint n, const char *usage)
{
  for (guint i = 0; argc >= 2 && i < n; i++)
    if (strcmp (argv[1], subcommands[i].name) == 0)
      {
        g_autofree char *name = g_strdup_printf ("fieldline-cli %s %s", command, argv[1]);
        argv[1] = name;
        return subcommands[i].run (cli, argc - 1, argv + 1);
      }
  g_printerr ("%s", usage);
  return FL_EXIT_USAGE;
}

char *
fl_cli_login (FlCli *cli)
{
  return fl_db_get_meta (cli->db, FL_META_LOGIN);
}

gboolean
fl_cli_role (FlCli *cli, FlRole *role, GError **error)
{
  g_autofree char *name = fl_db_get_meta (cli->db, FL_META_ROLE);
  if (name == NULL || !fl_role_from_string (name, role))
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED,
                   _("This profile is not signed in yet: run “fieldline-cli login URL USER” first"));
      return FALSE;
    }
  return TRUE;
}

char *
fl_cli_find (FlCli *cli, const char *table, const char *key_column, const char *key, GError **error)
{
  return fl_replica_find_id (cli->db, table, key_column, key, error);
}

char *
fl_cli_format_time (const char *rfc3339)
{
  gint64 usec;
  if (rfc3339 == NULL || !fl_time_parse (rfc3339, &usec, NULL))
    return g_strdup ("");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

const char *
fl_cli_state_mark (FlRecordSyncState state)
{
  switch (state)
    {
    case FL_RECORD_PENDING: return "*";
    case FL_RECORD_CONFLICT: return "!";
    case FL_RECORD_REJECTED: return "x";
    case FL_RECORD_SYNCED:
    default: return "";
    }
}
