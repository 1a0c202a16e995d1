/* fl-pg-store.h — the FlStore of a team that runs several fieldline-sync
 * instances on one PostgreSQL database (libpq).  Everything an instance
 * keeps lives in the database, so any instance answers any request.  The
 * server opens it through fl_store_open ("postgresql://…"). */
#pragma once

#include "fl-store.h"

G_BEGIN_DECLS

#define FL_TYPE_PG_STORE (fl_pg_store_get_type ())
G_DECLARE_FINAL_TYPE (FlPgStore, fl_pg_store, FL, PG_STORE, GObject)

/* Connects to the database of `uri` (a libpq connection URI) and brings its
 * schema to this version's, creating it when the database is empty. */
FlPgStore *fl_pg_store_open (const char *uri, GError **error);

G_END_DECLS
