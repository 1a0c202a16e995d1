#include "fl-services.h"

#include "fl-catalogue.h"
#include "fl-query.h"
#include "fl-record.h"
#include "fl-sla.h"

#include <string.h>

#define SERVICE_COLUMNS                                                                          \
  "SELECT s.code, s.name, s.kind, s.business, b.name AS business_name, s.content, s.delivery,"  \
  "       s.coverage, s.response_minutes, s.resolve_minutes, s.availability, s.cis, s.retired"  \
  "  FROM service s LEFT JOIN service b ON b.code = s.business AND b.kind = 'business'"

GPtrArray *
fl_services_list (FlDb *db, GError **error)
{
  return fl_query_rows (db,
      SERVICE_COLUMNS
      " ORDER BY CASE WHEN s.kind = 'business' THEN 0 WHEN b.code IS NOT NULL THEN 0 ELSE 1 END,"
      "          CASE WHEN s.kind = 'business' THEN s.code ELSE b.code END, s.kind = 'technical', s.code",
      0, NULL, error);
}

/* Whether `word` (casefolded) is in one of the entry's searched columns. */
static gboolean
entry_has_word (JsonObject *entry, const char *word)
{
  static const char * const columns[] = { "code", "name", "content", "cis", "business", "business_name" };
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const char *value = fl_record_get_string (entry, columns[i]);
      g_autofree char *folded = value != NULL ? g_utf8_casefold (value, -1) : NULL;
      if (folded != NULL && strstr (folded, word) != NULL)
        return TRUE;
    }
  return FALSE;
}

GPtrArray *
fl_services_search (FlDb *db, const char *words, GError **error)
{
  GPtrArray *all = fl_services_list (db, error);
  g_autofree char *folded = words != NULL ? g_utf8_casefold (words, -1) : NULL;
  g_auto(GStrv) wanted = g_strsplit_set (folded != NULL ? folded : "", " \t\u3000", -1);
  if (all == NULL)
    return NULL;
  GPtrArray *found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < all->len; i++)
    {
      JsonObject *entry = g_ptr_array_index (all, i);
      gboolean matches = TRUE;
      for (guint w = 0; matches && wanted[w] != NULL; w++)
        matches = *wanted[w] == '\0' || entry_has_word (entry, wanted[w]);
      if (matches)
        g_ptr_array_add (found, json_object_ref (entry));
    }
  g_ptr_array_unref (all);
  return found;
}

JsonObject *
fl_services_get (FlDb *db, const char *code, GError **error)
{
  const char *params[] = { code };
  g_autoptr(GPtrArray) rows = fl_query_rows (db, SERVICE_COLUMNS " WHERE s.code = ?1", 1, params, error);
  return rows != NULL && rows->len > 0 ? json_object_ref (g_ptr_array_index (rows, 0)) : NULL;
}

GPtrArray *
fl_services_list_technical (FlDb *db, const char *code, GError **error)
{
  const char *params[] = { code };
  return fl_query_rows (db,
      "SELECT code, name, retired FROM service WHERE kind = 'technical' AND business = ?1 ORDER BY code",
      1, params, error);
}

static gint
compare_policies (gconstpointer a, gconstpointer b)
{
  JsonObject *x = *(JsonObject **) a, *y = *(JsonObject **) b;
  const char *site_x = fl_record_get_string (x, "site_name"), *site_y = fl_record_get_string (y, "site_name");
  if ((site_x == NULL) != (site_y == NULL))
    return site_x == NULL ? -1 : 1;
  int by_site = g_strcmp0 (site_x, site_y);
  if (by_site != 0)
    return by_site;
  FlPriority priority_x = FL_PRIORITY_LOW, priority_y = FL_PRIORITY_LOW;
  fl_priority_from_string (fl_record_get_string (x, "priority"), &priority_x);
  fl_priority_from_string (fl_record_get_string (y, "priority"), &priority_y);
  return (int) priority_x - (int) priority_y;
}

GPtrArray *
fl_services_list_policies (FlDb *db, const char *code, GError **error)
{
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT p.site_id, s.name AS site_name, p.catalogue, p.priority, p.response_minutes, p.resolve_minutes"
      "  FROM sla_policy p LEFT JOIN site s ON s.id = p.site_id WHERE p.catalogue IS NOT NULL",
      0, NULL, error);
  g_autoptr(GPtrArray) services = rows != NULL
    ? fl_query_rows (db, "SELECT code, business FROM service", 0, NULL, error) : NULL;
  if (services == NULL)
    return NULL;
  g_autoptr(GPtrArray) effective = fl_catalogue_effective_policies (services, rows);
  GPtrArray *policies = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < effective->len; i++)
    if (g_strcmp0 (fl_record_get_string (g_ptr_array_index (effective, i), "catalogue"), code) == 0)
      g_ptr_array_add (policies, json_object_ref (g_ptr_array_index (effective, i)));
  g_ptr_array_sort (policies, compare_policies);
  return policies;
}

GPtrArray *
fl_services_list_cis (FlDb *db, const char *code, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) entry = fl_services_get (db, code, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  const char *listed = entry != NULL ? fl_record_get_string (entry, "cis") : NULL;
  g_auto(GStrv) codes = g_strsplit (listed != NULL ? listed : "", ",", -1);
  GPtrArray *cis = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; codes[i] != NULL; i++)
    {
      const char *ci_code = g_strstrip (codes[i]);
      if (*ci_code == '\0')
        continue;
      const char *params[] = { ci_code };
      g_autoptr(GPtrArray) held = fl_query_rows (db,
          "SELECT c.code, c.id, c.name, s.name AS site_name FROM ci c LEFT JOIN site s ON s.id = c.site_id"
          " WHERE c.code = ?1 ORDER BY s.name", 1, params, error);
      if (held == NULL)
        {
          g_ptr_array_unref (cis);
          return NULL;
        }
      if (held->len == 0)
        {
          JsonObject *missing = json_object_new ();
          json_object_set_string_member (missing, "code", ci_code);
          g_ptr_array_add (cis, missing);
        }
      for (guint h = 0; h < held->len; h++)
        g_ptr_array_add (cis, json_object_ref (g_ptr_array_index (held, h)));
    }
  return cis;
}

GPtrArray *
fl_documents_list (FlDb *db, GError **error)
{
  return fl_query_rows (db,
      "SELECT id, kind, title, sha256, mime, size, filename, published_by, published_at FROM document"
      " ORDER BY CASE kind WHEN 'continuity_plan' THEN 0 WHEN 'contacts' THEN 1 ELSE 2 END, title",
      0, NULL, error);
}
