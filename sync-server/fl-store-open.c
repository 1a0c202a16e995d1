/* fl-store-open.c — fl_store_open(): the backends this server is built
 * with, chosen by the scheme of a location.  The interface (fl-store.c)
 * knows no backend; this table is the one place that knows them all. */
#include "fl-store.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-sqlite-store.h"
#ifdef FL_HAVE_POSTGRESQL
#include "fl-pg-store.h"
#endif

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

#ifdef FL_HAVE_POSTGRESQL
/* A libpq connection URI: postgresql://user@host:port/database?... */
static FlStore *
open_postgresql (const char *location, GError **error)
{
  return FL_STORE (fl_pg_store_open (location, error));
}
#endif

static const struct {
  const char *scheme;
  OpenFunc    open;
} backends[] = {
  { "sqlite", open_sqlite },
#ifdef FL_HAVE_POSTGRESQL
  { "postgresql", open_postgresql },
  { "postgres", open_postgresql },
#endif
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
               _("“%s” names a database this server cannot use; give sqlite:PATH, the path of a SQLite file "
                 "or (in a server built with libpq) postgresql://…"),
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

char *
fl_store_location_for_people (const char *location)
{
  g_return_val_if_fail (location != NULL, NULL);
  g_autofree char *file = fl_store_location_file (location);
  g_autoptr(GUri) uri = file == NULL ? g_uri_parse (location, G_URI_FLAGS_HAS_PASSWORD, NULL) : NULL;
  if (uri == NULL)
    return g_strdup (location);
  return g_uri_to_string_partial (uri, G_URI_HIDE_PASSWORD);
}
