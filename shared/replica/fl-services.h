/* fl-services.h — the service catalogue and the kept documents as a
 * replica holds them, for the screens and the CLI.  Every replica has both
 * whole: neither is scoped to a site. */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

/* The catalogue, each business service followed by the technical services
 * behind it (those naming no business service, or one the catalogue does
 * not have, last): code, name, kind, business, content, delivery,
 * coverage, response_minutes, resolve_minutes, availability, cis,
 * retired. */
GPtrArray *fl_services_list (FlDb *db, GError **error);

/* The documents every replica keeps, in the order of their kinds:
 * id, kind, title, sha256, mime, size, filename, published_at. */
GPtrArray *fl_documents_list (FlDb *db, GError **error);

G_END_DECLS
