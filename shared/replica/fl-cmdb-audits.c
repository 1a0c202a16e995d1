#include "fl-cmdb-audits.h"

#include <glib/gi18n-lib.h>

#include "fl-change.h"
#include "fl-changelog.h"
#include "fl-kpi.h"
#include "fl-merge.h"
#include "fl-query.h"
#include "fl-record-store.h"
#include "fl-ref-sequence.h"
#include "fl-time.h"

static const char *
first_text (GPtrArray *rows, const char *column)
{
  return rows != NULL && rows->len > 0 ? fl_record_get_string (g_ptr_array_index (rows, 0), column) : NULL;
}

static char *
local_date (FlDb *db, const char *site_id, gint64 usec)
{
  g_autoptr(GTimeZone) tz = fl_kpi_site_time_zone (db, site_id);
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (utc, tz);
  return g_date_time_format (local, "%Y-%m-%d");
}

char *
fl_cmdb_audit_due_for_site (FlDb *db, const char *site_id, GError **error)
{
  const char *params[] = { site_id };
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT max (submitted_at) AS last FROM cmdb_audit"
      " WHERE site_id = ?1 AND status <> 'cancelled' AND submitted_at IS NOT NULL",
      G_N_ELEMENTS (params), params, &local_error);
  if (rows == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  gint64 last = 0;
  if (!fl_time_parse (first_text (rows, "last"), &last, NULL))
    return local_date (db, site_id, fl_time_now ());
  g_autofree char *last_day = local_date (db, site_id, last);
  return fl_cmdb_audit_next_due (last_day);
}

static JsonObject *
load_audit (FlDb *db, const char *audit_id, GError **error)
{
  return fl_record_load (db, fl_schema_lookup ("cmdb_audit"), audit_id, error);
}

gboolean
fl_cmdb_audit_plan (FlDb *db, const char *site_id, const char *due_on, const char *assignee,
                    FlRole role, const char *actor, char **out_id, GError **error)
{
  const char *params[] = { site_id };
  g_autoptr(GPtrArray) open = fl_query_rows (db,
      "SELECT ref FROM cmdb_audit WHERE site_id = ?1"
      "   AND status IN ('planned', 'in_progress', 'pending', 'rejected') LIMIT 1",
      G_N_ELEMENTS (params), params, error);
  if (open == NULL)
    return FALSE;
  if (open->len > 0)
    {
      g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_CLOSED,
                   _("Audit %s of this site is not finished yet: finish or cancel it first"),
                   first_text (open, "ref"));
      return FALSE;
    }
  g_autofree char *due = due_on != NULL ? g_strdup (due_on) : fl_cmdb_audit_due_for_site (db, site_id, error);
  if (due == NULL)
    return FALSE;
  g_autoptr(JsonObject) audit = json_object_new ();
  json_object_set_string_member (audit, "site_id", site_id);
  json_object_set_string_member (audit, "due_on", due);
  fl_record_set_text (audit, "assignee", assignee);
  json_object_set_string_member (audit, "status", "planned");
  if (!fl_cmdb_audit_check_change (role, actor, NULL, audit, error))
    return FALSE;
  g_autofree char *ref = fl_ref_next (db, fl_ref_prefix ("cmdb_audit", NULL), fl_time_now (), error);
  if (ref == NULL)
    return FALSE;
  json_object_set_string_member (audit, "ref", ref);
  return fl_changelog_insert (db, "cmdb_audit", audit, out_id, error);
}

GPtrArray *
fl_cmdb_audit_list (FlDb *db, const char *login, GError **error)
{
  const char *params[] = { login };
  return fl_query_rows (db,
      "SELECT a.id, a.ref, a.site_id, s.name AS site_name, a.due_on, a.status, a.assignee"
      "  FROM cmdb_audit a LEFT JOIN site s ON s.id = a.site_id"
      " WHERE (a.assignee = ?1 OR a.assignee IS NULL OR ?1 IS NULL)"
      "   AND (a.status IN ('planned', 'in_progress', 'pending', 'rejected')"
      "        OR (a.status = 'approved' AND a.updated_at >= strftime ('%Y-%m-%dT%H:%M:%fZ', 'now', '-30 days')))"
      " ORDER BY a.status IN ('approved', 'cancelled'), a.due_on, a.ref",
      G_N_ELEMENTS (params), params, error);
}

GPtrArray *
fl_cmdb_audit_list_all (FlDb *db, const char *site_id, GError **error)
{
  const char *params[] = { site_id };
  return fl_query_rows (db,
      "SELECT a.id, a.ref, s.code AS site_code, s.name AS site_name, a.due_on, a.status, a.assignee"
      "  FROM cmdb_audit a LEFT JOIN site s ON s.id = a.site_id"
      " WHERE ?1 IS NULL OR a.site_id = ?1"
      " ORDER BY a.status IN ('approved', 'cancelled'),"
      "          CASE WHEN a.status IN ('approved', 'cancelled') THEN NULL ELSE a.due_on END,"
      "          a.due_on DESC, a.ref",
      G_N_ELEMENTS (params), params, error);
}

#define ROUND_CIS \
  "  FROM cmdb_audit a JOIN ci ON ci.site_id = a.site_id" \
  "  LEFT JOIN cmdb_audit_item i ON i.audit_id = a.id AND i.ci_id = ci.id AND " FL_CMDB_AUDIT_LAST_MARK \
  " WHERE a.id = ?1 AND (ci.status NOT IN ('ordered', 'retired') OR i.id IS NOT NULL)"

GPtrArray *
fl_cmdb_audit_list_cis (FlDb *db, const char *audit_id, GError **error)
{
  const char *params[] = { audit_id };
  return fl_query_rows (db,
      "SELECT ci.id, ci.code, ci.name, ci.type, ci.model, ci.serial, ci.revision, ci.location, ci.system,"
      "       ci.status, ci.owner, i.result, i.differences, i.note"
      ROUND_CIS
      " ORDER BY ci.code",
      G_N_ELEMENTS (params), params, error);
}

#define FOUND(field) "json_extract (i.differences, '$." field ".found') AS " field

GPtrArray *
fl_cmdb_audit_list_unrecorded (FlDb *db, const char *audit_id, GError **error)
{
  const char *params[] = { audit_id };
  return fl_query_rows (db,
      "SELECT i.id, " FOUND ("code") ", " FOUND ("name") ", " FOUND ("type") ", "
      FOUND ("location") ", " FOUND ("serial") ", i.note"
      "  FROM cmdb_audit_item i"
      " WHERE i.audit_id = ?1 AND i.result = 'unrecorded' AND " FL_CMDB_AUDIT_LAST_MARK
      " ORDER BY 2",
      G_N_ELEMENTS (params), params, error);
}

gboolean
fl_cmdb_audit_count (FlDb *db, const char *audit_id, FlCmdbAuditCounts *out, GError **error)
{
  const char *params[] = { audit_id };
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT coalesce (i.result, '') AS result, count(*) AS n" ROUND_CIS " GROUP BY 1"
      " UNION ALL "
      "SELECT 'unrecorded', count(*) FROM cmdb_audit_item i"
      " WHERE i.audit_id = ?1 AND i.result = 'unrecorded' AND " FL_CMDB_AUDIT_LAST_MARK,
      G_N_ELEMENTS (params), params, error);
  if (rows == NULL)
    return FALSE;
  FlCmdbAuditCounts counts = { { 0 } };
  for (guint r = 0; r < rows->len; r++)
    {
      JsonObject *row = g_ptr_array_index (rows, r);
      FlAuditResult result;
      guint n = (guint) fl_record_get_int (row, "n", 0);
      if (fl_audit_result_from_string (fl_record_get_string (row, "result"), &result))
        counts.results[result] += n;
      else
        counts.unmarked += n;
    }
  *out = counts;
  return TRUE;
}

/* A found value as a JSON node: its text, or null for an empty field. */
static JsonNode *
found_value (JsonNode *node)
{
  if (node != NULL && JSON_NODE_HOLDS_VALUE (node) && json_node_get_value_type (node) == G_TYPE_STRING)
    {
      g_autofree char *text = g_strstrip (g_strdup (json_node_get_string (node)));
      return *text != '\0' ? json_node_init_string (json_node_alloc (), text) : json_node_new (JSON_NODE_NULL);
    }
  return node != NULL ? json_node_copy (node) : json_node_new (JSON_NODE_NULL);
}

static void
add_difference (JsonObject *differences, const char *field, JsonNode *recorded, JsonNode *found)
{
  JsonObject *pair = json_object_new ();
  json_object_set_member (pair, "recorded", recorded != NULL ? json_node_copy (recorded)
                                                              : json_node_new (JSON_NODE_NULL));
  json_object_set_member (pair, "found", found);
  json_object_set_object_member (differences, field, pair);
}

typedef struct {
  const char   *audit_id, *ci_id, *note, *actor;
  FlAuditResult result;
  JsonObject   *found;
  FlRole        role;
  char         *id;
} Mark;

/* The last mark that counts of this CI (or found code) on the round. */
static JsonObject *
last_mark (FlDb *db, JsonObject *item, GError **error)
{
  JsonNode *differences = json_object_get_member (item, "differences");
  g_autofree char *differences_text = differences != NULL ? json_to_string (differences, FALSE) : NULL;
  const char *params[] = { fl_record_get_string (item, "audit_id"), fl_record_get_string (item, "ci_id"),
                           differences_text };
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT i.id FROM cmdb_audit_item i WHERE i.audit_id = ?1 AND i.ci_id IS ?2"
      "   AND (?2 IS NOT NULL OR json_extract (i.differences, '$.code.found') = json_extract (?3, '$.code.found'))"
      " ORDER BY i.at DESC, i.id DESC LIMIT 1",
      G_N_ELEMENTS (params), params, error);
  if (rows == NULL || rows->len == 0)
    return NULL;
  return fl_record_load (db, fl_schema_lookup ("cmdb_audit_item"), first_text (rows, "id"), error);
}

static gboolean
same_mark (JsonObject *last, JsonObject *item)
{
  static const char * const fields[] = { "result", "differences", "note" };
  if (last == NULL)
    return FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!fl_json_node_equal (json_object_get_member (last, fields[i]), json_object_get_member (item, fields[i])))
      return FALSE;
  return TRUE;
}

static gboolean
mark_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Mark *m = data;
  g_autoptr(JsonObject) audit = load_audit (db, m->audit_id, error);
  if (audit == NULL || !fl_cmdb_audit_check_walk (m->role, m->actor, audit, error))
    return FALSE;

  g_autoptr(JsonObject) item = json_object_new ();
  g_autoptr(JsonObject) differences = json_object_new ();
  json_object_set_string_member (item, "audit_id", m->audit_id);
  json_object_set_string_member (item, "result", fl_audit_result_to_string (m->result));
  fl_record_set_text (item, "note", m->note);
  g_autoptr(GList) fields = m->found != NULL ? json_object_get_members (m->found) : NULL;
  if (m->ci_id != NULL)
    {
      g_autoptr(JsonObject) ci = fl_record_load (db, fl_schema_lookup ("ci"), m->ci_id, error);
      if (ci == NULL)
        return FALSE;
      if (g_strcmp0 (fl_record_get_string (ci, "site_id"), fl_record_get_string (audit, "site_id")) != 0)
        {
          g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID,
                       _("%s is not an item of the audited site"), fl_record_get_string (ci, "code"));
          return FALSE;
        }
      json_object_set_string_member (item, "ci_id", m->ci_id);
      for (GList *l = fields; l != NULL && m->result == FL_AUDIT_DIFFERS; l = l->next)
        {
          JsonNode *recorded = json_object_get_member (ci, l->data);
          g_autoptr(JsonNode) found = found_value (json_object_get_member (m->found, l->data));
          if (!fl_json_node_equal (recorded, found))
            add_difference (differences, l->data, recorded, g_steal_pointer (&found));
        }
    }
  else
    for (GList *l = fields; l != NULL; l = l->next)
      {
        JsonNode *found = found_value (json_object_get_member (m->found, l->data));
        if (JSON_NODE_HOLDS_NULL (found))
          json_node_unref (found);
        else
          add_difference (differences, l->data, NULL, found);
      }
  if (json_object_get_size (differences) > 0)
    json_object_set_object_member (item, "differences", g_steal_pointer (&differences));
  if (!fl_cmdb_audit_check_item (item, error))
    return FALSE;

  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) last = last_mark (db, item, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The same mark again (a second tap, a retried save) is the one recorded. */
  if (same_mark (last, item))
    {
      m->id = g_strdup (fl_record_get_string (last, "id"));
      return TRUE;
    }
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (item, "by", m->actor);
  json_object_set_string_member (item, "at", now);
  if (!fl_changelog_append (db, "cmdb_audit_item", item, &m->id, error))
    return FALSE;
  if (g_strcmp0 (fl_record_get_string (audit, "status"), "in_progress") == 0)
    return TRUE;
  g_autoptr(JsonObject) change = json_object_new ();
  json_object_set_string_member (change, "status", "in_progress");
  return fl_changelog_update (db, "cmdb_audit", m->audit_id, change, error);
}

static gboolean
run_mark (FlDb *db, Mark *m, char **out_id, GError **error)
{
  gboolean ok = fl_db_transaction (db, mark_in_transaction, m, error);
  if (ok && out_id != NULL)
    *out_id = g_steal_pointer (&m->id);
  g_free (m->id);
  return ok;
}

gboolean
fl_cmdb_audit_mark (FlDb *db, const char *audit_id, const char *ci_id, FlAuditResult result,
                    JsonObject *found, const char *note, FlRole role, const char *actor,
                    char **out_id, GError **error)
{
  g_return_val_if_fail (ci_id != NULL, FALSE);
  Mark m = { audit_id, ci_id, note, actor, result, found, role, NULL };
  return run_mark (db, &m, out_id, error);
}

gboolean
fl_cmdb_audit_add_unrecorded (FlDb *db, const char *audit_id, JsonObject *found, const char *note,
                              FlRole role, const char *actor, char **out_id, GError **error)
{
  const char *code = fl_record_get_string (found, "code");
  const char *params[] = { code };
  g_autoptr(GPtrArray) recorded = fl_query_rows (db, "SELECT code FROM ci WHERE code = ?1",
                                                 G_N_ELEMENTS (params), params, error);
  if (recorded == NULL)
    return FALSE;
  if (recorded->len > 0)
    {
      g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID,
                   _("%s is recorded: mark it on the list instead"), code);
      return FALSE;
    }
  Mark m = { audit_id, NULL, note, actor, FL_AUDIT_UNRECORDED, found, role, NULL };
  return run_mark (db, &m, out_id, error);
}

typedef struct {
  const char *audit_id, *actor;
  FlRole      role;
} Submit;

static gboolean
submit_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Submit *s = data;
  g_autoptr(JsonObject) audit = load_audit (db, s->audit_id, error);
  FlCmdbAuditCounts counts;
  if (audit == NULL || !fl_cmdb_audit_count (db, s->audit_id, &counts, error))
    return FALSE;
  if (counts.unmarked > 0)
    {
      g_set_error (error, FL_CMDB_AUDIT_ERROR, FL_CMDB_AUDIT_ERROR_INVALID,
                   g_dngettext (GETTEXT_PACKAGE, "%u item of the list is not marked yet",
                                "%u items of the list are not marked yet", counts.unmarked),
                   counts.unmarked);
      return FALSE;
    }
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autoptr(JsonObject) change = json_object_new ();
  json_object_set_string_member (change, "status", "pending");
  json_object_set_string_member (change, "submitted_at", now);
  g_autoptr(JsonObject) after = json_object_new ();
  fl_merge_apply (after, audit);
  fl_merge_apply (after, change);
  return fl_cmdb_audit_check_change (s->role, s->actor, audit, after, error) &&
         fl_changelog_update (db, "cmdb_audit", s->audit_id, change, error);
}

gboolean
fl_cmdb_audit_submit (FlDb *db, const char *audit_id, FlRole role, const char *actor, GError **error)
{
  Submit s = { audit_id, actor, role };
  return fl_db_transaction (db, submit_in_transaction, &s, error);
}

gboolean
fl_cmdb_audit_propose_changes (FlDb *db, const char *audit_id, const char *by, GError **error)
{
  g_autoptr(JsonObject) audit = fl_record_load (db, fl_schema_lookup ("cmdb_audit"), audit_id, error);
  if (audit == NULL)
    return FALSE;
  g_autoptr(GPtrArray) cis = fl_cmdb_audit_list_cis (db, audit_id, error);
  if (cis == NULL)
    return FALSE;
  /* Translators: the reason of a change proposed from an audit's finding */
  g_autofree char *reason = g_strdup_printf (_("Found so in the configuration audit %s"),
                                             fl_record_get_string (audit, "ref"));
  for (guint i = 0; i < cis->len; i++)
    {
      JsonObject *ci = g_ptr_array_index (cis, i);
      const char *text = fl_record_get_string (ci, "differences");
      if (g_strcmp0 (fl_record_get_string (ci, "result"), "differs") != 0 || text == NULL)
        continue;
      g_autoptr(JsonNode) node = json_from_string (text, error);
      if (node == NULL)
        return FALSE;
      JsonObject *differences = JSON_NODE_HOLDS_OBJECT (node) ? json_node_get_object (node) : NULL;
      if (differences == NULL)
        continue;
      /* {field: {recorded, found}} becomes {field: {from, to}}. */
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(GList) fields = json_object_get_members (differences);
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonNode *pair = json_object_get_member (differences, l->data);
          if (!JSON_NODE_HOLDS_OBJECT (pair))
            continue;
          JsonNode *recorded = json_object_get_member (json_node_get_object (pair), "recorded");
          JsonNode *found = json_object_get_member (json_node_get_object (pair), "found");
          JsonObject *change = json_object_new ();
          json_object_set_member (change, "from", recorded != NULL ? json_node_copy (recorded)
                                                                   : json_node_new (JSON_NODE_NULL));
          json_object_set_member (change, "to", found != NULL ? json_node_copy (found) : json_node_new (JSON_NODE_NULL));
          json_object_set_object_member (changes, l->data, change);
        }
      if (json_object_get_size (changes) > 0 &&
          !fl_change_propose_standard (db, fl_record_get_string (ci, "id"), changes, reason, by, NULL, error))
        return FALSE;
    }
  return TRUE;
}
