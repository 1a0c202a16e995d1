/* fl-paged-query.h — a SELECT of the replica read a page at a time: how
 * many rows it gives, then rows [offset, offset + limit) as JSON objects
 * (fl-query.h), for lists that read only what is on screen. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

typedef struct _FlPagedQuery FlPagedQuery;

/* `sql` is a SELECT without LIMIT whose parameters are ?1 .. ?n. */
FlPagedQuery *fl_paged_query_new (FlDb *db, const char *sql);
void          fl_paged_query_free (FlPagedQuery *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPagedQuery, fl_paged_query_free)

/* Sets ?1 .. ?n (NULL binds NULL) for the next count and fetches. */
void          fl_paged_query_set_params (FlPagedQuery *self, guint n_params, const char * const *params);

gboolean      fl_paged_query_count (FlPagedQuery *self, guint *out_count, GError **error);
/* Up to `limit` rows from `offset` (JsonObject, owned by the array). */
GPtrArray    *fl_paged_query_fetch (FlPagedQuery *self, guint offset, guint limit, GError **error);

G_END_DECLS
