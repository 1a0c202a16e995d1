/* fieldline-sync: the sync server (`serve`) and its administration
 * commands (fl-admin.h). */
#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>

#include "fl-admin.h"
#include "fl-i18n.h"
#include "fl-request-language.h"
#include "fl-server.h"

static int
serve (int argc, char **argv)
{
  g_autofree char *store = NULL, *db = NULL, *config = NULL, *listen = NULL;
  g_autofree char *tls_cert = NULL, *tls_key = NULL, *blob_dir = NULL;
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_STRING, &store, N_("The server's database: sqlite:PATH or postgresql://… (created when missing)"), "URI" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &db, N_("The server's SQLite file, the same as --store sqlite:PATH"), "PATH" },
    { "config", 0, 0, G_OPTION_ARG_FILENAME, &config, N_("A key file with a [server] group of settings"), "FILE" },
    { "listen", 0, 0, G_OPTION_ARG_STRING, &listen, N_("Address and port, e.g. 0.0.0.0:8470 (default 127.0.0.1:8470)"), "ADDR" },
    { "tls-cert", 0, 0, G_OPTION_ARG_FILENAME, &tls_cert, N_("PEM certificate for HTTPS"), "FILE" },
    { "tls-key", 0, 0, G_OPTION_ARG_FILENAME, &tls_key, N_("PEM private key for HTTPS"), "FILE" },
    { "blob-dir", 0, 0, G_OPTION_ARG_FILENAME, &blob_dir, N_("Where photos and signatures are kept (default PATH.blobs)"), "DIR" },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("serve --store URI"));
  g_autoptr(GError) error = NULL;
  g_option_context_set_summary (context, _("Run the Fieldline sync server until SIGTERM or SIGINT."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  if (!g_option_context_parse (context, &argc, &argv, &error))
    {
      g_printerr ("fieldline-sync: %s\n", error->message);
      return FL_ADMIN_EXIT_USAGE;
    }
  if (argc > 1)
    {
      g_printerr (_("fieldline-sync: “serve” takes no argument “%s” (see --help)\n"), argv[1]);
      return FL_ADMIN_EXIT_USAGE;
    }

  FlServerOptions options;
  fl_server_options_init (&options);
  if (config != NULL && !fl_server_options_load (&options, config, &error))
    {
      g_printerr ("fieldline-sync: %s\n", error->message);
      fl_server_options_clear (&options);
      return FL_ADMIN_EXIT_USAGE;
    }
  /* The command line wins over the configuration file. */
#define OVERRIDE(field, value) \
  if (value != NULL) { g_free (options.field); options.field = g_steal_pointer (&value); }
  OVERRIDE (store, db);
  OVERRIDE (store, store);
  OVERRIDE (listen, listen);
  OVERRIDE (tls_cert_file, tls_cert);
  OVERRIDE (tls_key_file, tls_key);
  OVERRIDE (blob_dir, blob_dir);
#undef OVERRIDE
  if (options.store == NULL)
    {
      g_printerr (_("fieldline-sync: which database? Give it with --store URI\n"));
      fl_server_options_clear (&options);
      return FL_ADMIN_EXIT_USAGE;
    }
  int status = fl_server_run (&options);
  fl_server_options_clear (&options);
  return status;
}

int
main (int argc, char **argv)
{
  fl_request_language_prepare ();
  fl_i18n_init ();

  if (argc < 2 || strcmp (argv[1], "--help") == 0 || strcmp (argv[1], "-h") == 0 ||
      strcmp (argv[1], "help") == 0)
    {
      fputs (fl_admin_usage (), argc < 2 ? stderr : stdout);
      return argc < 2 ? FL_ADMIN_EXIT_USAGE : FL_ADMIN_EXIT_OK;
    }
  if (strcmp (argv[1], "--version") == 0)
    {
      printf ("fieldline-sync %s\n", FL_VERSION);
      return FL_ADMIN_EXIT_OK;
    }
  if (strcmp (argv[1], "serve") == 0)
    return serve (argc - 1, argv + 1);

  g_autoptr(GString) out = g_string_new (NULL);
  g_autoptr(GError) error = NULL;
  int status = fl_admin_run (argc - 1, argv + 1, NULL, out, &error);
  fputs (out->str, stdout);
  if (error != NULL)
    g_printerr ("fieldline-sync: %s\n", error->message);
  return status;
}
