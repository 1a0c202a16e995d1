/* Test support for anything that runs over a client's replica: fresh
 * replicas and rows written as a user would. */
#pragma once

#include <fieldline.h>

#include "fl-test-db.h"

G_BEGIN_DECLS

/* Writes an empty, migrated replica at `path`: a copy of one migrated
 * once per process (the simulator makes thousands, and migrating each
 * costs more than a seed). */
void    fl_test_new_replica_file (const char *path);

/* A fresh replica in a temporary directory with device code `device`; the
 * directory is returned in `out_dir` (NULL: not wanted). */
FlDb   *fl_test_replica (const char *device, char **out_dir);

/* A row of `table` from JSON text, written through the change log as a user
 * would (appended for an append-only table); returns its id. */
char   *fl_test_insert (FlDb *db, const char *table, const char *json);

/* A site written through the change log (as a user would); returns its id. */
char   *fl_test_insert_site (FlDb *db);

G_END_DECLS
