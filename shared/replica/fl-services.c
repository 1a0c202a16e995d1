#include "fl-services.h"

#include "fl-query.h"

GPtrArray *
fl_services_list (FlDb *db, GError **error)
{
  return fl_query_rows (db,
      "SELECT s.code, s.name, s.kind, s.business, s.content, s.delivery, s.coverage, s.response_minutes,"
      "       s.resolve_minutes, s.availability, s.cis, s.retired"
      "  FROM service s LEFT JOIN service b ON b.code = s.business AND b.kind = 'business'"
      " ORDER BY CASE WHEN s.kind = 'business' THEN 0 WHEN b.code IS NOT NULL THEN 0 ELSE 1 END,"
      "          CASE WHEN s.kind = 'business' THEN s.code ELSE b.code END, s.kind = 'technical', s.code",
      0, NULL, error);
}

GPtrArray *
fl_documents_list (FlDb *db, GError **error)
{
  return fl_query_rows (db,
      "SELECT id, kind, title, sha256, mime, size, filename, published_at FROM document"
      " ORDER BY CASE kind WHEN 'continuity_plan' THEN 0 WHEN 'contacts' THEN 1 ELSE 2 END, title",
      0, NULL, error);
}
