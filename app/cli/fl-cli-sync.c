/* fieldline-cli login, logout, sync, status and conflicts. */
#include <inttypes.h>
#include "fl-cli.h"

#include <stdio.h>
#include <string.h>

#include "fl-terminal.h"

#define SYNC_ATTEMPTS 4

/* The password: typed without echo on a terminal, else the first line of
 * standard input (scripts: `echo "$PW" | fieldline-cli login ...`). */
static char *
read_password (GError **error)
{
  char *password = fl_terminal_read_secret (_("Password: "));
  if (password == NULL)
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA,
                 _("No password given (type it, or pass it as the first line of standard input)"));
  return password;
}

int
fl_cli_login_command (FlCli *cli, int argc, char **argv)
{
  g_autofree char *device_name = NULL;
  GOptionEntry entries[] = {
    { "device-name", 0, 0, G_OPTION_ARG_STRING, &device_name,
      N_("How this device is listed for the administrator (default: the host name)"), N_("NAME") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("URL USER — sign in to a sync server"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 3)
    return fl_cli_usage (context, _("login needs the server’s URL and your user name"));

  g_autoptr(GError) error = NULL;
  g_autofree char *password = read_password (&error);
  if (password == NULL)
    return fl_cli_fail (error);
  if (!fl_sync_client_login (cli->client, argv[1], argv[2], password, device_name, NULL, &error))
    {
      memset (password, 0, strlen (password));
      return fl_cli_fail (error);
    }
  memset (password, 0, strlen (password));
  g_autofree char *code_text = fl_db_get_meta (cli->db, FL_META_DEVICE_CODE);
  g_autofree char *role = fl_db_get_meta (cli->db, FL_META_ROLE);
  g_print (_("Signed in to %s as %s (%s); this device’s code is %s.\n"), argv[1], argv[2],
           role != NULL ? fl_role_label_for_name (role) : "?", code_text != NULL ? code_text : "?");
  g_print (_("Run “fieldline-cli sync” to download your data.\n"));
  return FL_EXIT_OK;
}

int
fl_cli_logout_command (FlCli *cli, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— sign out (local data and unsent changes are kept)"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  g_autoptr(GError) error = NULL;
  if (!fl_sync_client_logout (cli->client, NULL, &error))
    return fl_cli_fail (error);
  g_print (_("Signed out. Local data and unsent changes are kept.\n"));
  return FL_EXIT_OK;
}

/* ---- sync with a progress bar ---- */

typedef struct {
  FlCli   *cli;
  guint    phase;
  gboolean started;
  gboolean line_open;
} Progress;

static const char *
phase_label (guint phase)
{
  switch (phase)
    {
    case FL_SYNC_PHASE_SIGN_IN: return _("Signing in");
    case FL_SYNC_PHASE_SNAPSHOT: return _("Downloading");
    /* Translators: the first download as one file, counted in bytes */
    case FL_SYNC_PHASE_DOWNLOAD: return _("Downloading bytes");
    case FL_SYNC_PHASE_BLOBS: return _("Uploading files");
    case FL_SYNC_PHASE_PUSH: return _("Sending");
    case FL_SYNC_PHASE_PULL: return _("Receiving");
    default: return "";
    }
}

static void
on_progress (FlSyncClient *client, guint phase, gint64 done, gint64 total, gpointer user_data)
{
  Progress *p = user_data;
  if (!p->cli->interactive)
    {
      /* Plain lines for logs: one when a phase starts, one when it ends. */
      if (!p->started || phase != p->phase)
        g_print ("%s…\n", phase_label (phase));
      else if (total >= 0 && done == total)
        g_print (_("%s: %" PRId64 " done\n"), phase_label (phase), done);
      p->phase = phase;
      p->started = TRUE;
      return;
    }
  if (p->line_open && phase != p->phase)
    g_print ("\n");
  p->phase = phase;
  p->started = TRUE;
  p->line_open = TRUE;
  const int width = 30;
  if (total > 0)
    {
      int filled = (int) (width * MIN (done, total) / total);
      g_autofree char *bar = g_strnfill (filled, '#');
      g_autofree char *rest = g_strnfill (width - filled, '.');
      g_print ("\r%-16s [%s%s] %" PRId64 "/%" PRId64 "  ",
               phase_label (phase), bar, rest, done, total);
    }
  else
    g_print ("\r%-16s %" PRId64 "  ", phase_label (phase), done);
  fflush (stdout);
}

int
fl_cli_sync_command (FlCli *cli, int argc, char **argv)
{
  gboolean once = FALSE;
  GOptionEntry entries[] = {
    { "once", 0, 0, G_OPTION_ARG_NONE, &once,
      N_("Try only once (by default a failed connection is tried again, waiting longer each time)"), NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— send local changes and receive the server’s"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return fl_cli_usage (context, _("sync takes no arguments"));

  Progress progress = { cli };
  gulong handler = g_signal_connect (cli->client, "progress", G_CALLBACK (on_progress), &progress);
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;
  for (guint attempt = 1; !ok; attempt++)
    {
      g_clear_error (&error);
      ok = fl_sync_client_sync (cli->client, NULL, &error);
      if (ok || once || attempt >= SYNC_ATTEMPTS || !fl_sync_error_is_transient (error))
        break;
      double delay = fl_sync_backoff_delay (attempt, g_random_double ());
      if (progress.line_open)
        g_print ("\n");
      progress.line_open = FALSE;
      g_printerr (_("%s; trying again in %.0f s\n"), error->message, delay);
      g_usleep ((gulong) (delay * G_USEC_PER_SEC));
    }
  g_signal_handler_disconnect (cli->client, handler);
  if (progress.line_open)
    g_print ("\n");
  if (!ok)
    return fl_cli_fail (error);

  const FlSyncStats *stats = fl_sync_client_get_last_stats (cli->client);
  g_print (_("Sync complete: %" PRId64 " sent (%" PRId64 " conflicts, %"
             PRId64 " rejected), %" PRId64 " received.\n"),
           stats->pushed, stats->conflicts, stats->rejected, stats->pulled + stats->snapshot_rows);
  gint64 open_conflicts = fl_outbox_count (cli->db, "conflict", NULL);
  gint64 open_rejected = fl_outbox_count (cli->db, "rejected", NULL);
  if (open_conflicts > 0 || open_rejected > 0)
    g_print (_("%" PRId64 " conflicts and %" PRId64
               " rejected changes need you: see “fieldline-cli conflicts list”.\n"),
             open_conflicts, open_rejected);
  return FL_EXIT_OK;
}

int
fl_cli_status_command (FlCli *cli, int argc, char **argv)
{
  g_autoptr(GOptionContext) context = g_option_context_new (_("— what waits to be sent and when the last sync was"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  g_autofree char *server = fl_db_get_meta (cli->db, FL_META_SERVER_URL);
  g_autofree char *login = fl_db_get_meta (cli->db, FL_META_LOGIN);
  g_autofree char *role = fl_db_get_meta (cli->db, FL_META_ROLE);
  g_autofree char *device = fl_db_get_meta (cli->db, FL_META_DEVICE_CODE);
  g_autofree char *last = fl_db_get_meta (cli->db, FL_META_LAST_SYNC);
  g_autofree char *signed_out = fl_db_get_meta (cli->db, FL_META_SIGNED_OUT);
  g_autofree char *last_text = fl_cli_format_time (last);
  g_autoptr(GError) error = NULL;
  gint64 pending = fl_outbox_count (cli->db, "pending", &error);
  if (pending < 0)
    return fl_cli_fail (error);

  g_print (_("Profile:      %s\n"), cli->profile_dir);
  g_print (_("Server:       %s\n"), server != NULL ? server : _("(not signed in)"));
  if (login != NULL)
    g_print (_("User:         %s (%s), device %s\n"), login, role != NULL ? fl_role_label_for_name (role) : "?",
             device != NULL ? device : "?");
  if (server != NULL)
    g_print (_("Signed in:    %s\n"), fl_sync_client_is_signed_in (cli->client) ? _("yes")
                                      : signed_out != NULL ? signed_out : _("no"));
  g_print (_("Last sync:    %s\n"), last != NULL ? last_text : _("never"));
  g_print (_("Pending:      %" PRId64 " changes to send\n"), pending);
  g_print (_("Conflicts:    %" PRId64 "\n"), fl_outbox_count (cli->db, "conflict", NULL));
  g_print (_("Rejected:     %" PRId64 "\n"), fl_outbox_count (cli->db, "rejected", NULL));
  return FL_EXIT_OK;
}

/* ---- conflicts and rejections ---- */

static char *
node_text (JsonNode *node)
{
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return g_strdup ("∅");
  if (JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    return g_strdup (json_node_get_string (node));
  return json_to_string (node, FALSE);
}

/* The record a mutation is about, as a person knows it. */
static char *
entry_label (FlCli *cli, const FlOutboxEntry *entry)
{
  const FlTable *table = fl_schema_lookup (entry->table);
  g_autoptr(JsonObject) row = table != NULL ? fl_record_load (cli->db, table, entry->row_id, NULL) : NULL;
  const char *name = NULL;
  if (row != NULL)
    {
      const char *keys[] = { "ref", "code", "sku", "name", NULL };
      for (guint i = 0; keys[i] != NULL && name == NULL; i++)
        name = fl_record_get_string (row, keys[i]);
    }
  return g_strdup_printf ("%s %s", entry->table, name != NULL ? name : entry->row_id);
}

static int
conflicts_list (FlCli *cli)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) entries = fl_outbox_unresolved (cli->db, NULL, &error);
  if (entries == NULL)
    return fl_cli_fail (error);
  if (entries->len == 0)
    {
      g_print (_("No conflicts or rejected changes.\n"));
      return FL_EXIT_OK;
    }
  for (guint i = 0; i < entries->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (entries, i);
      g_autofree char *label = entry_label (cli, entry);
      g_autofree char *at = fl_time_format (entry->at);
      g_autofree char *when = fl_cli_format_time (at);
      if (g_strcmp0 (entry->state, "conflict") == 0)
        {
          g_print (_("%" PRId64 "  conflict  %s  (%s)\n"), entry->mid, label, when);
          for (guint c = 0; c < entry->conflicts->len; c++)
            {
              FlConflict *conflict = g_ptr_array_index (entry->conflicts, c);
              g_autofree char *base = node_text (conflict->base);
              g_autofree char *mine = node_text (conflict->mine);
              g_autofree char *theirs = node_text (conflict->theirs);
              g_print (_("      %s: was “%s”, mine “%s”, server “%s”\n"), conflict->field, base, mine, theirs);
            }
        }
      else
        {
          g_print (_("%" PRId64 "  rejected  %s %s  (%s)\n"), entry->mid,
                   fl_mutation_op_to_string (entry->op), label, when);
          g_print ("      %s\n", entry->error != NULL ? entry->error : "");
        }
    }
  g_print (_("\nResolve with “fieldline-cli conflicts resolve ID --keep mine|theirs”, "
             "“conflicts retry ID” or “conflicts discard ID”.\n"));
  return FL_EXIT_OK;
}

/* Keeping mine only when the server would take it, as the Sync page offers. */
static gboolean
may_keep_mine (FlCli *cli, gint64 mid, GError **error)
{
  FlRole role;
  g_autoptr(FlOutboxEntry) entry = fl_outbox_get (cli->db, mid, error);
  if (entry == NULL || !fl_cli_role (cli, &role, error))
    return FALSE;
  g_autofree char *login = fl_cli_login (cli);
  g_autoptr(GError) refused = NULL;
  if (g_strcmp0 (entry->state, "conflict") != 0 || fl_outbox_check_keep_mine (cli->db, entry, role, login, &refused))
    return TRUE;  /* not a conflict: resolving says so */
  g_set_error (error, refused->domain, refused->code,
               /* Translators: why only the server's version can be kept */
               _("Yours cannot be kept: %s"), refused->message);
  return FALSE;
}

int
fl_cli_conflicts_command (FlCli *cli, int argc, char **argv)
{
  g_autofree char *keep = NULL;
  GOptionEntry entries[] = {
    { "keep", 0, 0, G_OPTION_ARG_STRING, &keep, N_("resolve: whose value stays, mine or theirs"), N_("WHOSE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("list | resolve ID --keep mine|theirs | retry ID | discard ID"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Changes the server kept its own value for (conflicts) or refused (rejected)."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc < 2 || g_strcmp0 (argv[1], "list") == 0)
    return argc <= 2 ? conflicts_list (cli) : fl_cli_usage (context, _("list takes no arguments"));

  const char *action = argv[1];
  if (argc != 3)
    return fl_cli_usage (context, _("Give the ID shown by “conflicts list”"));
  char *end = NULL;
  gint64 mid = g_ascii_strtoll (argv[2], &end, 10);
  if (end == NULL || *end != '\0' || mid <= 0)
    return fl_cli_usage (context, _("The ID is the number shown by “conflicts list”"));

  g_autoptr(GError) error = NULL;
  gboolean ok;
  if (g_strcmp0 (action, "resolve") == 0)
    {
      if (g_strcmp0 (keep, "mine") != 0 && g_strcmp0 (keep, "theirs") != 0)
        return fl_cli_usage (context, _("resolve needs --keep mine or --keep theirs"));
      gboolean keep_mine = g_strcmp0 (keep, "mine") == 0;
      ok = !keep_mine || may_keep_mine (cli, mid, &error);
      ok = ok && fl_outbox_resolve_conflict (cli->db, mid, keep_mine, &error);
    }
  else if (g_strcmp0 (action, "retry") == 0)
    ok = fl_outbox_retry (cli->db, mid, &error);
  else if (g_strcmp0 (action, "discard") == 0)
    ok = fl_outbox_discard (cli->db, mid, &error);
  else
    {
      g_autofree char *message = g_strdup_printf (_("Unknown action “%s”"), action);
      return fl_cli_usage (context, message);
    }
  if (!ok)
    return fl_cli_fail (error);
  g_print (_("Done. Run “fieldline-cli sync” to send it.\n"));
  return FL_EXIT_OK;
}
