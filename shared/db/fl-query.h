/* fl-query.h — rows of a replica query as JSON objects, for the lists and
 * details the domain modules (approvals, stock, CIs) hand to screens and
 * the CLI: each row has the query's column names as members. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

/* The current row of `stmt`: integers as integers, reals as doubles, NULL as
 * null, anything else as text. */
JsonObject *fl_query_row_from_stmt (sqlite3_stmt *stmt);

/* Runs `sql` with ?1 .. ?n bound to `params` (NULL binds NULL) and returns
 * every row (JsonObject, owned by the array). */
GPtrArray  *fl_query_rows (FlDb               *db,
                           const char         *sql,
                           guint               n_params,
                           const char * const *params,
                           GError            **error);

G_END_DECLS
