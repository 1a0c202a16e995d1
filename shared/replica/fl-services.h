/* fl-services.h — the service catalogue and the kept documents as a
 * replica holds them, for the screens and the CLI.  Every replica has both
 * whole: neither is scoped to a site. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-db.h"

G_BEGIN_DECLS

/* The catalogue, each business service followed by the technical services
 * behind it (those naming no business service, or one the catalogue does
 * not have, last): code, name, kind, business, business_name, content,
 * delivery, coverage, response_minutes, resolve_minutes, availability,
 * cis, retired. */
GPtrArray  *fl_services_list (FlDb *db, GError **error);

/* The entries of fl_services_list in which every word of `words` (split
 * at spaces, case ignored) appears in the code, name, content, the CIs or
 * the business service's code or name; all of them for NULL or blank. */
GPtrArray  *fl_services_search (FlDb *db, const char *words, GError **error);

/* One entry, with the columns of fl_services_list, or NULL (and no error)
 * when the catalogue has no `code`. */
JsonObject *fl_services_get (FlDb *db, const char *code, GError **error);

/* The technical services behind the business service `code`, by code:
 * code, name, retired. */
GPtrArray  *fl_services_list_technical (FlDb *db, const char *code, GError **error);

/* The service-level policy that applies to `code` as the catalogue makes
 * it apply (its own rows, else its business service's), the defaults for
 * every site first, then each site's by name, by priority: site_id,
 * site_name (NULL: every site), priority, response_minutes,
 * resolve_minutes.  Empty when the site defaults and the standard apply. */
GPtrArray  *fl_services_list_policies (FlDb *db, const char *code, GError **error);

/* The CIs the entry depends on, in the order its `cis` names them: code,
 * and id, name, site_name when this replica holds the CI (a CI of a site
 * the user does not work at is only its code). */
GPtrArray  *fl_services_list_cis (FlDb *db, const char *code, GError **error);

/* The documents every replica keeps, in the order of their kinds:
 * id, kind, title, sha256, mime, size, filename, published_by,
 * published_at. */
GPtrArray  *fl_documents_list (FlDb *db, GError **error);

G_END_DECLS
