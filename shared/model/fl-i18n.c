#include "fl-i18n.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

/* Run from the build tree the catalogue is the one just built there, not
 * an installed one that may be missing or older. */
const char *
fl_i18n_locale_dir (void)
{
  g_autofree char *exe = g_file_read_link ("/proc/self/exe", NULL);
  if (exe != NULL && g_str_has_prefix (exe, FL_BUILD_ROOT "/"))
    return FL_BUILD_ROOT "/po";
  return LOCALEDIR;
}

void
fl_i18n_init (void)
{
  setlocale (LC_ALL, "");
  bindtextdomain (GETTEXT_PACKAGE, fl_i18n_locale_dir ());
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  textdomain (GETTEXT_PACKAGE);
}
