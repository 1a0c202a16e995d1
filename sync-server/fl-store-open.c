/* fl-store-open.c — fl_store_open(): the backends this server is built
 * with, chosen by the scheme of a location.  The interface (fl-store.c)
 * knows no backend; this table is the one place that knows them all. */
#include "fl-store.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-sqlite-store.h"

typedef FlStore *(*OpenFunc) (const char *location, GError **error);

/* The file of "sqlite:PATH", "sqlite://PATH" or a plain PATH. */
static const char *
sqlite_path (const char *location)
{
  const char *path = location;
  if (g_str_has_prefix (path, "sqlite:"))
    path += strlen ("sqlite:");
  if (g_str_has_prefix (path, "//"))
    path += strlen ("//");
  return path;
}

static FlStore *
open_sqlite (const char *location, GError **error)
{
  const char *path = sqlite_path (location);
  if (*path == '\0')
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN,
                   _("“%s” names no file; write sqlite:PATH"), location);
      return NULL;
    }
  return FL_STORE (fl_sqlite_store_open (path, error));
}

static const struct {
  const char *scheme;
  OpenFunc    open;
} backends[] = {
  { "sqlite", open_sqlite },
};

FlStore *
fl_store_open (const char *location, GError **error)
{
  g_return_val_if_fail (location != NULL, NULL);
  const char *scheme = g_uri_peek_scheme (location);
  if (scheme == NULL)
    return open_sqlite (location, error);
  for (guint i = 0; i < G_N_ELEMENTS (backends); i++)
    if (strcmp (scheme, backends[i].scheme) == 0)
      return backends[i].open (location, error);
  g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN,
               _("“%s” names a database this server cannot use; give sqlite:PATH or the path of a SQLite file"),
               location);
  return NULL;
}

char *
fl_store_location_file (const char *location)
{
  g_return_val_if_fail (location != NULL, NULL);
  const char *scheme = g_uri_peek_scheme (location);
  if (scheme != NULL && strcmp (scheme, "sqlite") != 0)
    return NULL;
  return g_strdup (sqlite_path (location));
}
