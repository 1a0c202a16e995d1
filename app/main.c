/* main.c — sets up translations and runs the application. */
#include "fl-application.h"
#include "fl-i18n.h"

int
main (int argc, char *argv[])
{
  fl_i18n_init ();

  g_autoptr(FlApplication) app = fl_application_new ();
  return g_application_run (G_APPLICATION (app), argc, argv);
}
