/* Test support for anything with a database (a replica or the server's
 * store): temporary directories removed and row counts. */
#pragma once

#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fl-db.h"

G_BEGIN_DECLS

/* Removes `path` and, when it is a directory, everything under it. */
void    fl_test_remove_tree (const char *path);

/* The single number `sql` answers. */
gint64  fl_test_count (FlDb *db, const char *sql);
/* Whether table `table` has a column `column`. */
gboolean fl_test_has_column (FlDb *db, const char *table, const char *column);

/* Reads the texts of the core and the app in `language` ("zh_CN"; NULL:
 * the locale's, English under C.UTF-8) from the catalogue in the build tree. */
void    fl_test_use_language (const char *language);

G_END_DECLS
