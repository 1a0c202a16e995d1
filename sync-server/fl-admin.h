/* fl-admin.h — the administration commands of fieldline-sync: everything
 * but `serve`, each working on the database given with --db PATH.
 *
 *   init                                   create or upgrade the database
 *   user add LOGIN --role R --name N [--sites CODE,...] [--password-stdin]
 *   user list | disable LOGIN | enable LOGIN | set-password LOGIN
 *   user set-role LOGIN ROLE | set-sites LOGIN CODE,...|all
 *   device list [--user LOGIN] | revoke ID|CODE
 *   import sites|cis|parts|locations|users FILE.csv
 *   demo-data [--size N]
 *   backup --to FILE
 *   audit --table T --id ID|REF|CODE
 *   check                                  verify stock balances against the ledger
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_ADMIN_ERROR (fl_admin_error_quark ())
typedef enum {
  FL_ADMIN_ERROR_USAGE,      /* the command line is wrong: see --help */
  FL_ADMIN_ERROR_NOT_FOUND,  /* what the command names does not exist */
  FL_ADMIN_ERROR_INVALID,    /* the data is refused (unbalanced stock, unreadable password) */
} FlAdminError;
GQuark fl_admin_error_quark (void);

/* Exit statuses of the commands. */
typedef enum {
  FL_ADMIN_EXIT_OK = 0,
  FL_ADMIN_EXIT_FAILED = 1,     /* the database or the system failed */
  FL_ADMIN_EXIT_USAGE = 2,      /* unknown command, option or a missing argument */
  FL_ADMIN_EXIT_NOT_FOUND = 3,  /* no such user, device, site or record */
  FL_ADMIN_EXIT_INVALID = 4,    /* data refused: a bad CSV line, role, password, ... */
} FlAdminExit;

/* Runs the command in argv[0] ("user", "init", ...).  What it prints for
 * people goes to `out`; a failure sets `error` with the reason.  Passwords
 * are read from `input` when it is not NULL (tests), otherwise from the
 * terminal without echo, or from standard input when that is not a
 * terminal or --password-stdin is given. */
int          fl_admin_run (int argc, char **argv, const char *input, GString *out, GError **error);

/* The overview printed by `fieldline-sync --help`. */
const char  *fl_admin_usage (void);

G_END_DECLS
