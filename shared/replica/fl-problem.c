#include "fl-problem.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-changelog.h"
#include "fl-ids.h"
#include "fl-merge.h"
#include "fl-problem-workflow.h"
#include "fl-query.h"
#include "fl-record-store.h"
#include "fl-ref-sequence.h"
#include "fl-time.h"

/* Incidents of unknown cause on each CI within its site's window up to
 * ?1, for the CIs with no problem open; the threshold is the model's. */
#define UNKNOWN_CAUSE_INCIDENTS \
  "SELECT w.id, w.ci_id FROM work_order w JOIN ci ON ci.id = w.ci_id" \
  "  LEFT JOIN site s ON s.id = ci.site_id" \
  " WHERE w.kind = 'incident' AND w.status NOT IN ('cancelled', 'rejected')" \
  "   AND coalesce (trim (w.cause), '') = ''" \
  "   AND w.created_at <= ?1" \
  "   AND w.created_at > strftime ('%Y-%m-%dT%H:%M:%fZ', ?1," \
  "         '-' || coalesce (s.problem_window_days, ?2) || ' days')" \
  "   AND NOT EXISTS (SELECT 1 FROM problem p WHERE p.ci_id = w.ci_id" \
  "                     AND p.status NOT IN ('resolved', 'cancelled', 'closed'))"

static void
set_text_or_null (JsonObject *object, const char *member, const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

static gboolean
append_link (FlDb *db, const char *problem_id, const char *work_order_id, const char *ci_id,
             const char *by, GError **error)
{
  g_autofree char *at = fl_time_format (fl_time_now ());
  g_autoptr(JsonObject) link = json_object_new ();
  json_object_set_string_member (link, "problem_id", problem_id);
  set_text_or_null (link, "work_order_id", work_order_id);
  set_text_or_null (link, "ci_id", ci_id);
  json_object_set_string_member (link, "by", by);
  json_object_set_string_member (link, "at", at);
  return fl_changelog_append (db, "problem_link", link, NULL, error);
}

typedef struct {
  const char *title;
  const char *description;
  const char *site_id;
  const char *ci_id;
  const char *work_order_id;
  const char *origin;
  int priority;
  const char *by;
  GPtrArray *incidents;  /* ids of work orders to link */
  char *id;
} Open;

static gboolean
open_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Open *o = data;
  gint64 now = fl_time_now ();
  g_autofree char *ref = fl_ref_next (db, fl_ref_prefix ("problem", NULL), now, error);
  if (ref == NULL)
    return FALSE;
  g_autofree char *at = fl_time_format (now);
  g_autoptr(JsonObject) problem = json_object_new ();
  json_object_set_string_member (problem, "ref", ref);
  set_text_or_null (problem, "title", o->title);
  set_text_or_null (problem, "description", o->description);
  set_text_or_null (problem, "site_id", o->site_id);
  set_text_or_null (problem, "ci_id", o->ci_id);
  set_text_or_null (problem, "work_order_id", o->work_order_id);
  json_object_set_string_member (problem, "origin", o->origin);
  json_object_set_int_member (problem, "priority", o->priority);
  json_object_set_string_member (problem, "status", "registered");
  json_object_set_string_member (problem, "by", o->by);
  json_object_set_string_member (problem, "at", at);
  if (!fl_changelog_insert (db, "problem", problem, &o->id, error))
    return FALSE;
  for (guint i = 0; o->incidents != NULL && i < o->incidents->len; i++)
    if (!append_link (db, o->id, o->incidents->pdata[i], NULL, o->by, error))
      return FALSE;
  return o->ci_id == NULL || append_link (db, o->id, NULL, o->ci_id, o->by, error);
}

static gboolean
open_problem (FlDb *db, Open *o, char **out_id, GError **error)
{
  if (!fl_db_transaction (db, open_in_transaction, o, error))
    {
      g_free (o->id);
      return FALSE;
    }
  if (out_id != NULL)
    *out_id = o->id;
  else
    g_free (o->id);
  return TRUE;
}

static int
level_of_priority (const char *priority)
{
  if (g_strcmp0 (priority, "high") == 0)
    return 1;
  if (g_strcmp0 (priority, "medium") == 0)
    return 2;
  return 3;
}

gboolean
fl_problem_open_from_incident (FlDb *db, const char *work_order_id, const char *by, char **out_id,
                               GError **error)
{
  g_autoptr(JsonObject) wo = fl_record_load (db, fl_schema_lookup ("work_order"), work_order_id, error);
  if (wo == NULL)
    return FALSE;
  if (g_strcmp0 (fl_record_get_string (wo, "kind"), "incident") != 0)
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                   _("%s is not an incident: problems are opened from incidents."),
                   fl_record_get_string (wo, "ref"));
      return FALSE;
    }
  g_autoptr(GPtrArray) incidents = g_ptr_array_new ();
  g_ptr_array_add (incidents, (gpointer) work_order_id);
  Open o = {
    .title = fl_record_get_string (wo, "title"),
    .description = fl_record_get_string (wo, "description"),
    .site_id = fl_record_get_string (wo, "site_id"),
    .ci_id = fl_record_get_string (wo, "ci_id"),
    .work_order_id = work_order_id,
    .origin = fl_problem_is_major_incident (wo) ? "major_incident" : "incident",
    .priority = level_of_priority (fl_record_get_string (wo, "priority")),
    .by = by,
    .incidents = incidents,
  };
  return open_problem (db, &o, out_id, error);
}

static GPtrArray *
unknown_cause_incidents (FlDb *db, gint64 now, const char *ci_id, GError **error)
{
  g_autofree char *at = fl_time_format (now);
  g_autofree char *window = g_strdup_printf ("%d", FL_PROBLEM_DEFAULT_WINDOW_DAYS);
  const char *params[] = { at, window, ci_id };
  return fl_query_rows (db, UNKNOWN_CAUSE_INCIDENTS " AND (?3 IS NULL OR w.ci_id = ?3)"
                        " ORDER BY w.ci_id, w.created_at", G_N_ELEMENTS (params), params, error);
}

gboolean
fl_problem_open_for_recurrence (FlDb *db, const char *ci_id, gint64 now, const char *by,
                                char **out_id, GError **error)
{
  g_autoptr(JsonObject) ci = fl_record_load (db, fl_schema_lookup ("ci"), ci_id, error);
  if (ci == NULL)
    return FALSE;
  g_autoptr(GPtrArray) rows = unknown_cause_incidents (db, now, ci_id, error);
  if (rows == NULL)
    return FALSE;
  g_autoptr(GPtrArray) incidents = g_ptr_array_new ();
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (incidents, (gpointer) fl_record_get_string (rows->pdata[i], "id"));
  g_autofree char *title = g_strdup_printf (_("Recurring incidents of unknown cause on %s %s"),
                                            fl_record_get_string (ci, "code"), fl_record_get_string (ci, "name"));
  Open o = {
    .title = title,
    .site_id = fl_record_get_string (ci, "site_id"),
    .ci_id = ci_id,
    .origin = "recurrence",
    .priority = 2,
    .by = by,
    .incidents = incidents,
  };
  return open_problem (db, &o, out_id, error);
}

gboolean
fl_problem_link_incident (FlDb *db, const char *problem_id, const char *work_order_id,
                          const char *by, GError **error)
{
  g_autoptr(JsonObject) wo = fl_record_load (db, fl_schema_lookup ("work_order"), work_order_id, error);
  if (wo == NULL)
    return FALSE;
  return append_link (db, problem_id, work_order_id, fl_record_get_string (wo, "ci_id"), by, error);
}

gboolean
fl_problem_update (FlDb *db, const char *id, FlRole role, const char *actor, JsonObject *values,
                   GError **error)
{
  g_autoptr(JsonObject) problem = fl_record_load (db, fl_schema_lookup ("problem"), id, error);
  if (problem == NULL)
    return FALSE;
  g_autoptr(JsonObject) before = json_object_new ();
  fl_merge_apply (before, problem);
  g_autoptr(JsonObject) set = json_object_new ();
  g_autoptr(GList) fields = json_object_get_members (values);
  for (GList *l = fields; l != NULL; l = l->next)
    json_object_set_member (set, l->data, json_node_copy (json_object_get_member (values, l->data)));
  if (g_strcmp0 (fl_record_get_string (set, "status"), "known_error") == 0)
    json_object_set_boolean_member (set, "known_error", TRUE);
  g_autoptr(GList) set_fields = json_object_get_members (set);
  for (GList *l = set_fields; l != NULL; l = l->next)
    json_object_set_member (problem, l->data, json_node_copy (json_object_get_member (set, l->data)));
  if (!fl_problem_check_update (role, actor, before, problem, error))
    return FALSE;
  return fl_changelog_update (db, "problem", id, set, error);
}

GPtrArray *
fl_problem_list_proposals (FlDb *db, gint64 now, GError **error)
{
  g_autoptr(GPtrArray) incidents = unknown_cause_incidents (db, now, NULL, error);
  if (incidents == NULL)
    return NULL;
  g_autoptr(GPtrArray) proposals = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < incidents->len;)
    {
      const char *ci_id = fl_record_get_string (incidents->pdata[i], "ci_id");
      guint n = 0;
      while (i + n < incidents->len &&
             g_strcmp0 (fl_record_get_string (incidents->pdata[i + n], "ci_id"), ci_id) == 0)
        n++;
      i += n;
      if (!fl_problem_recurrence_exceeded (n))
        continue;
      const char *params[] = { ci_id };
      g_autoptr(GPtrArray) ci = fl_query_rows (db,
          "SELECT 'recurrence' AS reason, id AS ci_id, code AS ci_code, name AS ci_name, site_id"
          "  FROM ci WHERE id = ?1", 1, params, error);
      if (ci == NULL)
        return NULL;
      json_object_set_int_member (ci->pdata[0], "incidents", n);
      g_ptr_array_add (proposals, json_object_ref (ci->pdata[0]));
    }
  /* Closed high-priority incidents with no problem: the model says which
   * of them are major. */
  g_autoptr(GPtrArray) closed = fl_query_rows (db,
      "SELECT 'major_incident' AS reason, w.ci_id, ci.code AS ci_code, ci.name AS ci_name, w.site_id,"
      "       1 AS incidents, w.id AS work_order_id, w.ref, w.title, w.kind, w.priority, w.impact"
      "  FROM work_order w LEFT JOIN ci ON ci.id = w.ci_id"
      " WHERE w.kind = 'incident' AND w.priority = 'high' AND w.status IN ('closed', 'visited')"
      "   AND NOT EXISTS (SELECT 1 FROM problem p WHERE p.work_order_id = w.id)"
      "   AND NOT EXISTS (SELECT 1 FROM problem_link l WHERE l.work_order_id = w.id)"
      " ORDER BY w.closed_at DESC", 0, NULL, error);
  if (closed == NULL)
    return NULL;
  for (guint i = 0; i < closed->len; i++)
    if (fl_problem_is_major_incident (closed->pdata[i]))
      g_ptr_array_add (proposals, json_object_ref (closed->pdata[i]));
  return g_steal_pointer (&proposals);
}

static gboolean
contains_every_word (JsonObject *row, char **words)
{
  static const char * const fields[] = {
    "ref", "title", "root_cause", "workaround", "solution", "ci_code", "ci_name" };
  g_autoptr(GString) text = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    {
      const char *value = fl_record_get_string (row, fields[i]);
      g_string_append_printf (text, "%s\n", value != NULL ? value : "");
    }
  g_autofree char *folded = g_utf8_casefold (text->str, -1);
  for (guint i = 0; words[i] != NULL; i++)
    if (*words[i] != '\0' && strstr (folded, words[i]) == NULL)
      return FALSE;
  return TRUE;
}

GPtrArray *
fl_problem_search_known_errors (FlDb *db, const char *words, GError **error)
{
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT p.id, p.ref, p.title, p.status, p.root_cause, p.workaround, p.solution,"
      "       ci.code AS ci_code, ci.name AS ci_name"
      "  FROM problem p LEFT JOIN ci ON ci.id = p.ci_id"
      " WHERE p.known_error AND p.status <> 'cancelled'"
      " ORDER BY p.at DESC, p.id DESC", 0, NULL, error);
  if (rows == NULL || words == NULL)
    return g_steal_pointer (&rows);
  /* Few rows, searched as typed: each word anywhere, case folded, which
   * finds Chinese words as well as codes. */
  g_autofree char *folded = g_utf8_casefold (words, -1);
  g_auto(GStrv) parts = g_strsplit_set (folded, " \t\u3000", -1);
  g_autoptr(GPtrArray) found = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < rows->len; i++)
    if (contains_every_word (rows->pdata[i], parts))
      g_ptr_array_add (found, json_object_ref (rows->pdata[i]));
  return g_steal_pointer (&found);
}

GPtrArray *
fl_problem_list (FlDb *db, GError **error)
{
  return fl_query_rows (db,
      "SELECT p.id, p.ref, p.title, p.status, p.priority, p.origin, p.assignee, p.known_error,"
      "       ci.code AS ci_code,"
      "       (SELECT count (*) FROM problem_link l WHERE l.problem_id = p.id"
      "           AND l.work_order_id IS NOT NULL) AS incidents"
      "  FROM problem p LEFT JOIN ci ON ci.id = p.ci_id"
      " ORDER BY p.status IN ('closed', 'cancelled'), p.at DESC, p.id DESC", 0, NULL, error);
}

GPtrArray *
fl_problem_list_incidents (FlDb *db, const char *id, GError **error)
{
  const char *params[] = { id };
  return fl_query_rows (db,
      "SELECT DISTINCT w.id AS work_order_id, w.ref, w.title, w.status"
      "  FROM problem_link l JOIN work_order w ON w.id = l.work_order_id"
      " WHERE l.problem_id = ?1 ORDER BY w.created_at", 1, params, error);
}
