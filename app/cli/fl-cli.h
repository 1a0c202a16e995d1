/* fl-cli.h — what the commands of fieldline-cli share: the profile (a
 * replica, a token file, blobs), exit codes and output helpers. */
#pragma once

#include <fieldline.h>
#include <glib/gi18n-lib.h>

#include "fl-sync-client.h"

G_BEGIN_DECLS

/* Exit codes, documented in `fieldline-cli --help`. */
enum {
  FL_EXIT_OK = 0,
  FL_EXIT_FAILED = 1,       /* the command could not do what was asked */
  FL_EXIT_USAGE = 2,        /* wrong arguments */
  FL_EXIT_SIGNED_OUT = 3,   /* not signed in, or the server refused the sign-in */
  FL_EXIT_OFFLINE = 4,      /* the server could not be reached (try again later) */
};

typedef struct {
  char         *profile_dir;
  FlDb         *db;
  FlTokenStore *tokens;
  FlSyncClient *client;
  gboolean      interactive;  /* stdout is a terminal */
} FlCli;

gboolean  fl_cli_open (FlCli *cli, const char *profile_dir, GError **error);
void      fl_cli_close (FlCli *cli);

/* Prints "fieldline-cli: <message>" to stderr and returns the exit code
 * that fits the error. */
int       fl_cli_fail (const GError *error);
int       fl_cli_usage (GOptionContext *context, const char *message);

/* Parses a command's options; on --help prints it and sets *exit_code. */
gboolean  fl_cli_parse (GOptionContext *context, int *argc, char ***argv, int *exit_code);

/* The signed-in user's login and role (from the replica). */
char     *fl_cli_login (FlCli *cli);
gboolean  fl_cli_role (FlCli *cli, FlRole *role, GError **error);

/* Finds a row id by a human key: a work order by ref or id, a site or a
 * location or a CI by code, a part by SKU. */
char     *fl_cli_find (FlCli *cli, const char *table, const char *key_column, const char *key,
                       GError **error);

/* "2026-11-22 17:30" in local time, or "" for NULL. */
char     *fl_cli_format_time (const char *rfc3339);
/* A mark for a record's sync state: "", "*" pending, "!" conflict, "x" rejected. */
const char *fl_cli_state_mark (FlRecordSyncState state);

/* A subcommand of a command ("list" of "fieldline-cli audits"). */
typedef struct {
  const char *name;
  int (*run) (FlCli *cli, int argc, char **argv);
} FlCliSubcommand;

/* Runs the subcommand argv[1] of `command` (its usage line names it
 * "fieldline-cli COMMAND SUBCOMMAND"); prints `usage` and returns
 * FL_EXIT_USAGE when there is none of that name. */
int       fl_cli_run_subcommand (FlCli *cli, int argc, char **argv, const char *command,
                                 const FlCliSubcommand *subcommands, guint n, const char *usage);

int       fl_cli_sync_command (FlCli *cli, int argc, char **argv);
int       fl_cli_login_command (FlCli *cli, int argc, char **argv);
int       fl_cli_logout_command (FlCli *cli, int argc, char **argv);
int       fl_cli_status_command (FlCli *cli, int argc, char **argv);
int       fl_cli_conflicts_command (FlCli *cli, int argc, char **argv);
int       fl_cli_wo_command (FlCli *cli, int argc, char **argv);
int       fl_cli_stock_command (FlCli *cli, int argc, char **argv);
int       fl_cli_problem_command (FlCli *cli, int argc, char **argv);
int       fl_cli_change_command (FlCli *cli, int argc, char **argv);
int       fl_cli_report_command (FlCli *cli, int argc, char **argv);
int       fl_cli_audits_command (FlCli *cli, int argc, char **argv);
int       fl_cli_catalogue_command (FlCli *cli, int argc, char **argv);
int       fl_cli_documents_command (FlCli *cli, int argc, char **argv);

G_END_DECLS
