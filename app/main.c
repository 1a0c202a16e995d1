/* main.c — sets up translations and runs the application. */
#include <glib/gi18n-lib.h>
#include <locale.h>

#include "fl-application.h"

/* Run from the build tree (tools/dev.sh run) the catalogue is the one just
 * built there, not an installed one that may be missing or older. */
static const char *
locale_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL && g_str_has_prefix (exe, FL_BUILD_ROOT "/"))
    return FL_BUILD_ROOT "/po";
  return LOCALEDIR;
}

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_autoptr(FlApplication) app = fl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
