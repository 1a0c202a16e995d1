/* fl-user.h — who is signed in, as the replica knows them: their user row
 * (role, display name) and the van they drive (a stock location). */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

/* The row of the user `login`: role, display_name.  NULL without an error
 * until that row has been pulled into the replica. */
JsonObject *fl_user_find (FlDb *db, const char *login, GError **error);

/* Every user row the replica has (all columns), by display name. */
GPtrArray  *fl_user_list (FlDb *db, GError **error);

/* The id of the van (stock location of kind van) `login` owns, the first by
 * code; NULL without an error when they own none. */
char       *fl_user_dup_van_id (FlDb *db, const char *login, GError **error);

G_END_DECLS
