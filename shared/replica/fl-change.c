#include "fl-change.h"

#include <glib/gi18n-lib.h>

#include "fl-change-workflow.h"
#include "fl-changelog.h"
#include "fl-ids.h"
#include "fl-merge.h"
#include "fl-query.h"
#include "fl-record-store.h"
#include "fl-ref-sequence.h"
#include "fl-time.h"

static void
set_text_or_null (JsonObject *object, const char *member, const char *value)
{
  if (value != NULL && *value != '\0')
    json_object_set_string_member (object, member, value);
  else
    json_object_set_null_member (object, member);
}

typedef struct {
  const FlChangeDraft *draft;
  const char *by;
  char *id;
} Request;

static gboolean
request_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Request *r = data;
  const FlChangeDraft *d = r->draft;
  const char *site_id = d->site_id;
  g_autoptr(JsonObject) ci = NULL;
  if (site_id == NULL && d->ci_id != NULL)
    {
      ci = fl_record_load (db, fl_schema_lookup ("ci"), d->ci_id, error);
      if (ci == NULL)
        return FALSE;
      site_id = fl_record_get_string (ci, "site_id");
    }
  gint64 now = fl_time_now ();
  g_autofree char *ref = fl_ref_next (db, fl_ref_prefix ("change_record", NULL), now, error);
  if (ref == NULL)
    return FALSE;
  g_autofree char *at = fl_time_format (now);
  g_autoptr(JsonObject) change = json_object_new ();
  json_object_set_string_member (change, "ref", ref);
  set_text_or_null (change, "kind", d->kind);
  set_text_or_null (change, "title", d->title);
  set_text_or_null (change, "reason", d->reason);
  set_text_or_null (change, "plan", d->plan);
  set_text_or_null (change, "site_id", site_id);
  set_text_or_null (change, "ci_id", d->ci_id);
  if (d->changes != NULL)
    json_object_set_object_member (change, "changes", json_object_ref (d->changes));
  set_text_or_null (change, "problem_id", d->problem_id);
  set_text_or_null (change, "work_order_id", d->work_order_id);
  set_text_or_null (change, "rollback_plan", d->rollback_plan);
  set_text_or_null (change, "test_report", d->test_report);
  if (d->approvers != NULL && d->approvers[0] != NULL)
    {
      JsonArray *approvers = json_array_new ();
      for (guint i = 0; d->approvers[i] != NULL; i++)
        json_array_add_string_element (approvers, d->approvers[i]);
      json_object_set_array_member (change, "approvers", approvers);
    }
  set_text_or_null (change, "assignee", d->assignee);
  json_object_set_string_member (change, "status", "requested");
  json_object_set_string_member (change, "by", r->by);
  json_object_set_string_member (change, "at", at);
  return fl_changelog_insert (db, "change_record", change, &r->id, error);
}

gboolean
fl_change_request (FlDb *db, const FlChangeDraft *draft, const char *by, char **out_id,
                   GError **error)
{
  g_return_val_if_fail (draft != NULL && by != NULL, FALSE);
  Request r = { draft, by, NULL };
  if (!fl_db_transaction (db, request_in_transaction, &r, error))
    {
      g_free (r.id);
      return FALSE;
    }
  if (out_id != NULL)
    *out_id = r.id;
  else
    g_free (r.id);
  return TRUE;
}

gboolean
fl_change_propose_standard (FlDb *db, const char *ci_id, JsonObject *changes, const char *reason,
                            const char *by, char **out_id, GError **error)
{
  g_return_val_if_fail (ci_id != NULL && changes != NULL, FALSE);
  g_autoptr(JsonObject) ci = fl_record_load (db, fl_schema_lookup ("ci"), ci_id, error);
  if (ci == NULL)
    return FALSE;
  if (json_object_get_size (changes) == 0)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Name at least one field of the configuration item to change."));
      return FALSE;
    }
  g_autoptr(GList) fields = json_object_get_members (changes);
  g_autoptr(GString) names = g_string_new (NULL);
  for (GList *l = fields; l != NULL; l = l->next)
    g_string_append_printf (names, "%s%s", names->len > 0 ? ", " : "", (const char *) l->data);
  /* The title names the record and its fields, in the language of the
   * person proposing it, as a change request is written. */
  g_autofree char *title = g_strdup_printf (_("Correct %s: %s"), fl_record_get_string (ci, "code"), names->str);
  FlChangeDraft draft = {
    .kind = "standard",
    .title = title,
    .reason = reason,
    .site_id = fl_record_get_string (ci, "site_id"),
    .ci_id = ci_id,
    .changes = changes,
  };
  return fl_change_request (db, &draft, by, out_id, error);
}

gboolean
fl_change_move (FlDb *db, const char *id, FlRole role, const char *actor, const char *to,
                const char *review, GError **error)
{
  g_autoptr(JsonObject) change = fl_record_load (db, fl_schema_lookup ("change_record"), id, error);
  if (change == NULL)
    return FALSE;
  g_autoptr(JsonObject) before = json_object_new ();
  fl_merge_apply (before, change);
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "status", to);
  if (review != NULL)
    json_object_set_string_member (values, "review", review);
  g_autoptr(GList) fields = json_object_get_members (values);
  for (GList *l = fields; l != NULL; l = l->next)
    json_object_set_member (change, l->data, json_node_copy (json_object_get_member (values, l->data)));
  if (!fl_change_check_move (role, actor, before, change, error))
    return FALSE;
  return fl_changelog_update (db, "change_record", id, values, error);
}

typedef struct {
  const char *id, *column, *filename, *mime, *sha256, *by;
  gsize size;
} Attach;

static gboolean
attach_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Attach *a = data;
  g_autoptr(JsonObject) change = fl_record_load (db, fl_schema_lookup ("change_record"), a->id, error);
  if (change == NULL || !fl_change_check_field (fl_record_get_string (change, "status"), a->column, error))
    return FALSE;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *size_text = g_strdup_printf ("%zu", a->size);
  json_object_set_string_member (fields, "owner_table", "change_record");
  json_object_set_string_member (fields, "owner_id", a->id);
  json_object_set_string_member (fields, "site_id", fl_record_get_string (change, "site_id"));
  json_object_set_string_member (fields, "sha256", a->sha256);
  json_object_set_string_member (fields, "mime", a->mime);
  json_object_set_string_member (fields, "size", size_text);
  set_text_or_null (fields, "filename", a->filename);
  json_object_set_string_member (fields, "by", a->by);
  json_object_set_string_member (fields, "at", now);
  g_autofree char *attachment_id = NULL;
  if (!fl_changelog_append (db, "attachment", fields, &attachment_id, error))
    return FALSE;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, a->column, attachment_id);
  return fl_changelog_update (db, "change_record", a->id, values, error);
}

gboolean
fl_change_attach (FlDb *db, const char *id, const char *document, const char *filename, const char *mime,
                  const char *sha256, gsize size, const char *by, GError **error)
{
  g_return_val_if_fail (id != NULL && sha256 != NULL && mime != NULL && by != NULL, FALSE);
  static const char * const documents[] = { "rollback_plan", "test_report", NULL };
  if (!g_strv_contains (documents, document))
    {
      g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                   _("“%s” is not a document of a change: attach its rollback plan or its test report"),
                   document != NULL ? document : "");
      return FALSE;
    }
  g_autofree char *column = g_strconcat (document, "_attachment", NULL);
  Attach a = { id, column, filename, mime, sha256, by, size };
  return fl_db_transaction (db, attach_in_transaction, &a, error);
}

GPtrArray *
fl_change_list_attachments (FlDb *db, const char *id, GError **error)
{
  const char *params[] = { id };
  return fl_query_rows (db,
      "SELECT a.id, a.filename, a.mime, a.sha256, a.size, a.by, a.at,"
      "       CASE a.id WHEN c.rollback_plan_attachment THEN 'rollback_plan'"
      "                 WHEN c.test_report_attachment THEN 'test_report' END AS document"
      "  FROM attachment a JOIN change_record c ON c.id = a.owner_id"
      " WHERE a.owner_table = 'change_record' AND a.owner_id = ?1"
      " ORDER BY a.at, a.rowid", 1, params, error);
}

GPtrArray *
fl_change_list (FlDb *db, const char *ci_id, GError **error)
{
  const char *params[] = { ci_id };
  return fl_query_rows (db,
      "SELECT c.id, c.ref, c.kind, c.title, c.status, c.by, c.at, ci.code AS ci_code,"
      "       c.approvers, c.approved_by"
      "  FROM change_record c LEFT JOIN ci ON ci.id = c.ci_id"
      " WHERE ?1 IS NULL OR c.ci_id = ?1"
      " ORDER BY c.at DESC, c.id DESC", 1, params, error);
}
