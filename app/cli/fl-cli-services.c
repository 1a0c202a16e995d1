/* fieldline-cli catalogue and documents: the service catalogue and the
 * documents every replica keeps (continuity plan, contacts, contracts),
 * offline, in a form a script can read. */
#include "fl-cli.h"

#include <stdio.h>

#include "fl-services.h"
#include "fl-sync-client.h"

static int
parse_plain (int *argc, char ***argv, const char *parameters, GOptionEntry *entries, int n_args)
{
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  if (entries != NULL)
    g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, argc, argv, &code))
    return code;
  if (*argc != n_args + 1)
    return fl_cli_usage (context, _("Wrong number of arguments"));
  return -1;
}

int
fl_cli_catalogue_command (FlCli *cli, int argc, char **argv)
{
  if (argc < 2 || g_strcmp0 (argv[1], "list") != 0)
    return fl_cli_usage (NULL, _("Usage: fieldline-cli catalogue list"));
  int code = parse_plain (&argc, &argv, _("— the service catalogue, business services first"), NULL, 1);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_services_list (cli->db, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  /* One service a line, tab-separated: code, kind, business service, name. */
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      const char *business = fl_record_get_string (row, "business");
      g_print ("%s\t%s\t%s\t%s%s\n", fl_record_get_string (row, "code"), fl_record_get_string (row, "kind"),
               business != NULL ? business : "-", fl_record_get_string (row, "name"),
               fl_record_get_bool (row, "retired") ? _(" (retired)") : "");
    }
  if (rows->len == 0)
    g_print (_("The catalogue is empty.\n"));
  return FL_EXIT_OK;
}

int
fl_cli_documents_command (FlCli *cli, int argc, char **argv)
{
  gboolean open = argc >= 2 && g_strcmp0 (argv[1], "open") == 0;
  if (argc < 2 || (!open && g_strcmp0 (argv[1], "list") != 0))
    return fl_cli_usage (NULL, _("Usage: fieldline-cli documents list|open KIND|ID [--text]"));
  gboolean text = FALSE;
  GOptionEntry entries[] = {
    { "text", 0, 0, G_OPTION_ARG_NONE, &text, N_("Print the document itself, not where it is kept"), NULL },
    { NULL }
  };
  int code = parse_plain (&argc, &argv, open ? _("KIND|ID — where a kept document is, or its text")
                                             : _("— the documents kept offline"),
                          open ? entries : NULL, open ? 2 : 1);
  if (code >= 0)
    return code;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_documents_list (cli->db, &error);
  if (rows == NULL)
    return fl_cli_fail (error);
  const char *blobs = fl_sync_client_get_blob_dir (cli->client);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      g_autofree char *path = g_build_filename (blobs, fl_record_get_string (row, "sha256"), NULL);
      if (!open)
        {
          g_print ("%s\t%s\t%s\t%s\n", fl_record_get_string (row, "id"), fl_record_get_string (row, "kind"),
                   fl_record_get_string (row, "title"),
                   g_file_test (path, G_FILE_TEST_EXISTS) ? path : _("(not downloaded yet: run sync)"));
          continue;
        }
      if (g_strcmp0 (argv[2], fl_record_get_string (row, "kind")) != 0 &&
          g_strcmp0 (argv[2], fl_record_get_string (row, "id")) != 0)
        continue;
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        {
          g_printerr (_("fieldline-cli: %s is not downloaded yet: run “fieldline-cli sync”\n"),
                      fl_record_get_string (row, "title"));
          return FL_EXIT_FAILED;
        }
      if (!text)
        {
          g_print ("%s\n", path);
          return FL_EXIT_OK;
        }
      g_autofree char *contents = NULL;
      gsize length;
      if (!g_file_get_contents (path, &contents, &length, &error))
        return fl_cli_fail (error);
      fwrite (contents, 1, length, stdout);
      return FL_EXIT_OK;
    }
  if (open)
    {
      g_printerr (_("fieldline-cli: no kept document is “%s” (see fieldline-cli documents list)\n"), argv[2]);
      return FL_EXIT_FAILED;
    }
  if (rows->len == 0)
    g_print (_("No documents are kept yet.\n"));
  return FL_EXIT_OK;
}
