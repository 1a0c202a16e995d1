/* main.c — sets up translations and runs the application. */
#include <glib/gi18n-lib.h>
#include <locale.h>

#include "fl-application.h"

int
main (int argc, char *argv[])
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, LOCALEDIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);

  g_autoptr(FlApplication) app = fl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
