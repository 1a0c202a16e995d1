#include "fl-inspection.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "fl-changelog.h"
#include "fl-query.h"
#include "fl-time.h"
#include "fl-work-order.h"

G_DEFINE_QUARK (fl-inspection-error-quark, fl_inspection_error)

void
fl_inspection_finding_free (FlInspectionFinding *finding)
{
  g_free (finding->key);
  g_free (finding->label);
  g_free (finding->reason);
  g_free (finding->severity);
  g_free (finding);
}

const char *
fl_inspection_item_string (JsonObject *item, const char *name)
{
  JsonNode *node = json_object_get_member (item, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node) || json_node_get_value_type (node) != G_TYPE_STRING)
    return NULL;
  return json_node_get_string (node);
}

gboolean
fl_inspection_item_number (JsonObject *item, const char *name, double *out)
{
  JsonNode *node = json_object_get_member (item, name);
  if (node == NULL || !JSON_NODE_HOLDS_VALUE (node))
    return FALSE;
  GType type = json_node_get_value_type (node);
  if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
    return FALSE;
  *out = json_node_get_double (node);
  return TRUE;
}

gboolean
fl_inspection_item_out_of_range (JsonObject *item, double value)
{
  double limit;
  if (fl_inspection_item_number (item, "min", &limit) && value < limit)
    return TRUE;
  if (fl_inspection_item_number (item, "max", &limit) && value > limit)
    return TRUE;
  return FALSE;
}

static void
add_finding (GPtrArray *findings, JsonObject *item, char *reason)
{
  FlInspectionFinding *f = g_new0 (FlInspectionFinding, 1);
  f->key = g_strdup (fl_inspection_item_string (item, "key"));
  f->label = g_strdup (fl_inspection_item_string (item, "label") ? fl_inspection_item_string (item, "label") : f->key);
  f->reason = reason;
  f->severity = g_strdup (fl_inspection_item_string (item, "severity") ? fl_inspection_item_string (item, "severity") : "major");
  g_ptr_array_add (findings, f);
}

static gboolean
wrong_answer (GError **error, const char *label, const char *expected)
{
  g_set_error (error, FL_INSPECTION_ERROR, FL_INSPECTION_ERROR_ANSWER,
               /* Translators: "Room temperature: expects a number" */
               _("%s: expects %s"), label, expected);
  return FALSE;
}

gboolean
fl_inspection_evaluate (JsonArray *items, JsonObject *results, GPtrArray **out_findings,
                        GError **error)
{
  g_autoptr(GPtrArray) findings = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_inspection_finding_free);
  for (guint i = 0; i < json_array_get_length (items); i++)
    {
      JsonNode *item_node = json_array_get_element (items, i);
      if (!JSON_NODE_HOLDS_OBJECT (item_node))
        continue;
      JsonObject *item = json_node_get_object (item_node);
      const char *key = fl_inspection_item_string (item, "key");
      const char *kind = fl_inspection_item_string (item, "kind");
      const char *label = fl_inspection_item_string (item, "label") ? fl_inspection_item_string (item, "label") : key;
      if (key == NULL || kind == NULL)
        continue;
      JsonNode *answer = json_object_get_member (results, key);
      gboolean required = json_object_has_member (item, "required") &&
                          json_object_get_boolean_member (item, "required");
      if (answer == NULL || JSON_NODE_HOLDS_NULL (answer))
        {
          if (required)
            {
              g_set_error (error, FL_INSPECTION_ERROR, FL_INSPECTION_ERROR_ANSWER,
                           _("%s: an answer is required"), label);
              return FALSE;
            }
          continue;
        }
      GType type = JSON_NODE_HOLDS_VALUE (answer) ? json_node_get_value_type (answer) : G_TYPE_INVALID;
      if (g_str_equal (kind, "bool"))
        {
          if (type != G_TYPE_BOOLEAN)
            return wrong_answer (error, label, _("yes or no"));
          if (!json_node_get_boolean (answer))
            add_finding (findings, item, g_strdup_printf (_("%s: not OK"), label));
        }
      else if (g_str_equal (kind, "number"))
        {
          if (type != G_TYPE_INT64 && type != G_TYPE_DOUBLE)
            return wrong_answer (error, label, _("a number"));
          double v = json_node_get_double (answer), limit;
          const char *unit = fl_inspection_item_string (item, "unit") ? fl_inspection_item_string (item, "unit") : "";
          if (fl_inspection_item_number (item, "min", &limit) && v < limit)
            add_finding (findings, item, g_strdup_printf (_("%s: %g %s is below the minimum of %g"),
                                                          label, v, unit, limit));
          else if (fl_inspection_item_number (item, "max", &limit) && v > limit)
            add_finding (findings, item, g_strdup_printf (_("%s: %g %s is above the maximum of %g"),
                                                          label, v, unit, limit));
        }
      else if (g_str_equal (kind, "choice"))
        {
          if (type != G_TYPE_STRING)
            return wrong_answer (error, label, _("one of its choices"));
          const char *value = json_node_get_string (answer);
          gboolean known = FALSE;
          JsonArray *choices = json_object_has_member (item, "choices")
                               ? json_object_get_array_member (item, "choices") : NULL;
          for (guint c = 0; choices != NULL && c < json_array_get_length (choices); c++)
            known = known || g_strcmp0 (json_array_get_string_element (choices, c), value) == 0;
          if (!known)
            return wrong_answer (error, label, _("one of its choices"));
          JsonArray *failing = json_object_has_member (item, "fail_choices")
                               ? json_object_get_array_member (item, "fail_choices") : NULL;
          for (guint c = 0; failing != NULL && c < json_array_get_length (failing); c++)
            if (g_strcmp0 (json_array_get_string_element (failing, c), value) == 0)
              add_finding (findings, item, g_strdup_printf (_("%s: %s"), label, value));
        }
      else if (g_str_equal (kind, "text"))
        {
          if (type != G_TYPE_STRING)
            return wrong_answer (error, label, _("text"));
        }
    }
  if (out_findings != NULL)
    *out_findings = g_steal_pointer (&findings);
  return TRUE;
}

/* Severity of the worst finding -> impact and urgency of the incident. */
static void
incident_rating (GPtrArray *findings, int *impact, int *urgency)
{
  *impact = 4;
  *urgency = 3;
  for (guint i = 0; i < findings->len; i++)
    {
      FlInspectionFinding *f = g_ptr_array_index (findings, i);
      if (g_strcmp0 (f->severity, "critical") == 0)
        {
          *impact = MIN (*impact, 2);
          *urgency = MIN (*urgency, 1);
        }
      else if (g_strcmp0 (f->severity, "major") == 0)
        {
          *impact = MIN (*impact, 3);
          *urgency = MIN (*urgency, 2);
        }
    }
}

typedef struct {
  const char *round_id, *ci_id, *actor;
  JsonObject *results;
  char       *inspection_id, *incident_id;
} Record;

static gboolean
count_round (FlDb *db, JsonObject *round, guint *done, guint *total, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT (SELECT count(DISTINCT ci_id) FROM inspection WHERE round_id = ?1),"
      "       (SELECT count(*) FROM ci JOIN inspection_template t ON t.id = ?2"
      "         WHERE ci.site_id = ?3 AND ci.type = t.ci_type"
      "           AND ci.status NOT IN ('removed', 'retired'))", error);
  gboolean has_row;
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, fl_record_get_string (round, "id"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, fl_record_get_string (round, "template_id"), -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 3, fl_record_get_string (round, "site_id"), -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return FALSE;
  *done = (guint) sqlite3_column_int64 (stmt, 0);
  *total = (guint) sqlite3_column_int64 (stmt, 1);
  return TRUE;
}

/* The last inspection of the CI on the round, or NULL. */
static JsonObject *
last_inspection (FlDb *db, const char *round_id, const char *ci_id, GError **error)
{
  const char *params[] = { round_id, ci_id };
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT id FROM inspection WHERE round_id = ?1 AND ci_id = ?2 ORDER BY at DESC, id DESC LIMIT 1",
      G_N_ELEMENTS (params), params, error);
  if (rows == NULL || rows->len == 0)
    return NULL;
  return fl_record_load (db, fl_schema_lookup ("inspection"),
                         fl_record_get_string (g_ptr_array_index (rows, 0), "id"), error);
}

/* The incident `last` opened, when it is still being worked on. */
static char *
open_incident_of (FlDb *db, JsonObject *last)
{
  const char *id = last != NULL ? fl_record_get_string (last, "incident_id") : NULL;
  if (id == NULL)
    return NULL;
  g_autoptr(JsonObject) incident = fl_record_load (db, fl_schema_lookup ("work_order"), id, NULL);
  const char *status = incident != NULL ? fl_record_get_string (incident, "status") : NULL;
  static const char * const finished[] = { "resolved", "closed", "cancelled", NULL };
  return status != NULL && !g_strv_contains (finished, status) ? g_strdup (id) : NULL;
}

static gboolean
same_results (JsonObject *last, JsonObject *results)
{
  JsonNode *before = last != NULL ? json_object_get_member (last, "results") : NULL;
  if (before == NULL || !JSON_NODE_HOLDS_OBJECT (before))
    return FALSE;
  g_autoptr(JsonNode) now = json_node_init_object (json_node_alloc (), results);
  return json_node_equal (before, now);
}

static gboolean
record_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Record *r = data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) last = last_inspection (db, r->round_id, r->ci_id, &local_error);
  if (local_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  /* The same answers again (a second click, a retried save) are the
   * inspection already recorded, not a second one. */
  if (same_results (last, r->results))
    {
      r->inspection_id = g_strdup (fl_record_get_string (last, "id"));
      r->incident_id = g_strdup (fl_record_get_string (last, "incident_id"));
      return TRUE;
    }

  g_autoptr(JsonObject) round = fl_record_load (db, fl_schema_lookup ("inspection_round"), r->round_id, error);
  if (round == NULL)
    return FALSE;
  g_autoptr(JsonObject) template = fl_record_load (db, fl_schema_lookup ("inspection_template"),
                                                   fl_record_get_string (round, "template_id"), error);
  if (template == NULL)
    return FALSE;
  g_autoptr(JsonObject) ci = fl_record_load (db, fl_schema_lookup ("ci"), r->ci_id, error);
  if (ci == NULL)
    return FALSE;

  g_autoptr(GPtrArray) findings = NULL;
  JsonArray *items = json_object_get_array_member (template, "items");
  if (!fl_inspection_evaluate (items, r->results, &findings, error))
    return FALSE;

  /* A CI whose incident from this round is still open gets no second one:
   * the new answers are recorded against it. */
  if (findings->len > 0)
    r->incident_id = open_incident_of (db, last);
  if (findings->len > 0 && r->incident_id == NULL)
    {
      g_autoptr(GString) description = g_string_new (NULL);
      for (guint i = 0; i < findings->len; i++)
        {
          FlInspectionFinding *f = g_ptr_array_index (findings, i);
          g_string_append_printf (description, "%s\n", f->reason);
        }
      /* Translators: incident title, e.g. "Inspection failed: HIS-DB-01 (2 items)" */
      g_autofree char *title = g_strdup_printf (g_dngettext (GETTEXT_PACKAGE,
                                                             "Inspection failed: %s (%u item)",
                                                             "Inspection failed: %s (%u items)",
                                                             findings->len),
                                                fl_record_get_string (ci, "code"), findings->len);
      FlWorkOrderDraft draft = {
        .kind = "incident",
        .title = title,
        .description = description->str,
        .site_id = fl_record_get_string (round, "site_id"),
        .ci_id = r->ci_id,
        .reporter = r->actor,
        .assignee = r->actor,
      };
      incident_rating (findings, &draft.impact, &draft.urgency);
      if (!fl_work_order_create (db, &draft, r->actor, &r->incident_id, error))
        return FALSE;
    }

  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (fields, "round_id", r->round_id);
  json_object_set_string_member (fields, "ci_id", r->ci_id);
  json_object_set_object_member (fields, "results", json_object_ref (r->results));
  json_object_set_string_member (fields, "outcome", findings->len > 0 ? "fail" : "pass");
  json_object_set_string_member (fields, "by", r->actor);
  json_object_set_string_member (fields, "at", now);
  if (r->incident_id != NULL)
    json_object_set_string_member (fields, "incident_id", r->incident_id);
  if (!fl_changelog_append (db, "inspection", fields, &r->inspection_id, error))
    return FALSE;

  guint done = 0, total = 0;
  if (!count_round (db, round, &done, &total, error))
    return FALSE;
  const char *status = done >= total ? "done" : "in_progress";
  g_autoptr(JsonObject) change = json_object_new ();
  json_object_set_string_member (change, "status", status);
  return fl_changelog_update (db, "inspection_round", r->round_id, change, error);
}

gboolean
fl_inspection_record (FlDb *db, const char *round_id, const char *ci_id, JsonObject *results,
                      const char *actor, char **out_inspection_id, char **out_incident_id,
                      GError **error)
{
  Record r = { round_id, ci_id, actor, results, NULL, NULL };
  if (!fl_db_transaction (db, record_in_transaction, &r, error))
    {
      g_free (r.inspection_id);
      g_free (r.incident_id);
      return FALSE;
    }
  if (out_inspection_id != NULL)
    *out_inspection_id = r.inspection_id;
  else
    g_free (r.inspection_id);
  if (out_incident_id != NULL)
    *out_incident_id = r.incident_id;
  else
    g_free (r.incident_id);
  return TRUE;
}

gboolean
fl_inspection_round_progress (FlDb *db, const char *round_id, guint *done, guint *total, GError **error)
{
  g_autoptr(JsonObject) round = fl_record_load (db, fl_schema_lookup ("inspection_round"), round_id, error);
  return round != NULL && count_round (db, round, done, total, error);
}

GPtrArray *
fl_inspection_list_rounds (FlDb *db, const char *login, GError **error)
{
  const char *params[] = { login };
  return fl_query_rows (db,
      "SELECT r.id, r.ref, r.planned_for, r.status, t.name AS template_name, s.name AS site_name"
      "  FROM inspection_round r"
      "  LEFT JOIN inspection_template t ON t.id = r.template_id"
      "  LEFT JOIN site s ON s.id = r.site_id"
      " WHERE (r.assignee = ?1 OR r.assignee IS NULL)"
      "   AND (r.status IN ('planned', 'in_progress')"
      "        OR (r.status = 'done' AND r.planned_for >= date ('now', '-7 days')))"
      " ORDER BY r.status = 'done', r.planned_for, r.ref",
      G_N_ELEMENTS (params), params, error);
}

GPtrArray *
fl_inspection_list_round_cis (FlDb *db, const char *round_id, GError **error)
{
  const char *params[] = { round_id };
  return fl_query_rows (db,
      "SELECT ci.id, ci.code, ci.name, ci.location,"
      "       (SELECT i.outcome FROM inspection i WHERE i.round_id = ?1 AND i.ci_id = ci.id"
      "         ORDER BY i.at DESC LIMIT 1) AS outcome,"
      "       (SELECT w.ref FROM inspection i JOIN work_order w ON w.id = i.incident_id"
      "         WHERE i.round_id = ?1 AND i.ci_id = ci.id ORDER BY i.at DESC LIMIT 1) AS incident_ref"
      "  FROM inspection_round r JOIN inspection_template t ON t.id = r.template_id"
      "  JOIN ci ON ci.site_id = r.site_id AND ci.type = t.ci_type"
      " WHERE r.id = ?1 AND ci.status NOT IN ('removed', 'retired')"
      " ORDER BY ci.code",
      G_N_ELEMENTS (params), params, error);
}
