#include "fl-ci.h"

#include "fl-change.h"
#include "fl-changelog.h"
#include "fl-ci-lifecycle.h"
#include "fl-query.h"

GPtrArray *
fl_ci_search (FlDb *db, const char *words, guint limit, GError **error)
{
  g_autofree char *pattern = words != NULL && *words != '\0' ? g_strdup_printf ("%%%s%%", words) : NULL;
  g_autofree char *max = g_strdup_printf ("%u", limit);
  const char *params[] = { pattern, max, words };
  /* The CI whose code is the text itself comes first. */
  return fl_query_rows (db,
      "SELECT ci.id, ci.code, ci.name, ci.type, ci.status, ci.location, s.name AS site_name"
      "  FROM ci LEFT JOIN site s ON s.id = ci.site_id"
      " WHERE ?1 IS NULL OR ci.code LIKE ?1 OR ci.name LIKE ?1 OR ci.serial LIKE ?1 OR ci.location LIKE ?1"
      " ORDER BY ci.code = ?3 COLLATE NOCASE DESC, ci.code LIMIT ?2", G_N_ELEMENTS (params), params, error);
}

GPtrArray *
fl_ci_list_relations (FlDb *db, const char *ci_id, GError **error)
{
  const char *params[] = { ci_id };
  return fl_query_rows (db,
      "SELECT r.kind, o.id AS other_id, o.code, o.name, 1 AS outgoing"
      "  FROM ci_relation r JOIN ci o ON o.id = r.other_ci_id"
      " WHERE r.ci_id = ?1 AND coalesce (r.active, 1)"
      " UNION ALL "
      "SELECT r.kind, o.id, o.code, o.name, 0 FROM ci_relation r JOIN ci o ON o.id = r.ci_id"
      " WHERE r.other_ci_id = ?1 AND coalesce (r.active, 1)"
      " ORDER BY 5 DESC, 1, 3", 1, params, error);
}

GPtrArray *
fl_ci_list_history (FlDb *db, const char *ci_id, GError **error)
{
  const char *params[] = { ci_id };
  return fl_query_rows (db,
      "SELECT created_at AS at, 'work_order' AS what, id AS target, ref || ' ' || title AS title,"
      "       status AS detail, status FROM work_order WHERE ci_id = ?1"
      " UNION ALL "
      "SELECT at, 'inspection', round_id, outcome, by, outcome FROM inspection WHERE ci_id = ?1"
      " UNION ALL "
      "SELECT at, 'ci_change_proposal', id, changes, status || ' · ' || by || ' · ' || reason, status"
      "  FROM ci_change_proposal WHERE ci_id = ?1"
      " UNION ALL "
      "SELECT at, 'change_record', id, ref || ' ' || title, kind, status"
      "  FROM change_record WHERE ci_id = ?1"
      " UNION ALL "
      "SELECT at, 'problem', id, ref || ' ' || title, origin, status FROM problem"
      " WHERE ci_id = ?1 OR id IN (SELECT problem_id FROM problem_link WHERE ci_id = ?1)"
      " ORDER BY 1 DESC LIMIT 100", 1, params, error);
}

static void
set_text_or_null (JsonObject *object, const char *member, const char *value)
{
  if (value != NULL)
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

gboolean
fl_ci_propose_change (FlDb *db, const char *ci_id, const char *column, const char *from,
                      const char *to, const char *reason, const char *by, char **out_id,
                      GError **error)
{
  /* A move the lifecycle does not allow would only be refused on approval. */
  if (g_strcmp0 (column, "status") == 0 && !fl_ci_check_move (from, to, error))
    return FALSE;
  g_autoptr(JsonObject) change = json_object_new ();
  set_text_or_null (change, "from", from);
  set_text_or_null (change, "to", to);
  g_autoptr(JsonObject) changes = json_object_new ();
  json_object_set_object_member (changes, column, g_steal_pointer (&change));
  return fl_change_propose_standard (db, ci_id, changes, reason, by, out_id, error);
}
