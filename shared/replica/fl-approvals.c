#include <inttypes.h>
#include "fl-approvals.h"
#include "fl-work-order-queries.h"

#include <glib/gi18n-lib.h>

#include "fl-change-workflow.h"
#include "fl-changelog.h"
#include "fl-cmdb-audits.h"
#include "fl-query.h"
#include "fl-outbox.h"
#include "fl-time.h"
#include "fl-user.h"
#include "fl-work-log-note.h"
#include "fl-work-order.h"

const char *
fl_approvals_queue_sql (void)
{
  return
    "WITH queue (target_table, id, version, site_id, at, who, ref, subject, place,"
    "            qty, counted, expected, reason, priority, kind) AS ("
    "  SELECT 'work_order', w.id, w.version, w.site_id, w.resolved_at, w.assignee, w.ref, w.title,"
    "         s.name, NULL, NULL, NULL, w.resolution, w.priority, NULL"
    "    FROM work_order w LEFT JOIN site s ON s.id = w.site_id WHERE w.status = 'resolved'"
    "  UNION ALL"
    "  SELECT 'stock_count', c.id, c.version, l.site_id, c.at, c.by, p.sku, p.name,"
    "         l.code || ' · ' || l.name, NULL, c.counted, c.expected_at_count, NULL, NULL, NULL"
    "    FROM stock_count c LEFT JOIN part p ON p.id = c.part_id"
    "    LEFT JOIN stock_location l ON l.id = c.location_id WHERE c.status = 'pending'"
    "  UNION ALL"
    "  SELECT 'scrap_request', r.id, r.version, l.site_id, r.at, r.by, p.sku, p.name,"
    "         l.code || ' · ' || l.name, r.qty, NULL, NULL, r.reason, NULL, NULL"
    "    FROM scrap_request r LEFT JOIN part p ON p.id = r.part_id"
    "    LEFT JOIN stock_location l ON l.id = r.location_id WHERE r.status = 'pending'"
    "  UNION ALL"
    "  SELECT 'ci_change_proposal', x.id, x.version, ci.site_id, x.at, x.by, ci.code, ci.name,"
    "         NULL, NULL, NULL, NULL, x.reason, NULL, NULL"
    "    FROM ci_change_proposal x LEFT JOIN ci ON ci.id = x.ci_id WHERE x.status = 'pending'"
    "  UNION ALL"
    "  SELECT 'change_record', c.id, c.version, c.site_id, c.at, c.by, c.ref, c.title,"
    "         ci.code, NULL, NULL, NULL, c.reason, NULL, c.kind"
    "    FROM change_record c LEFT JOIN ci ON ci.id = c.ci_id WHERE c.status = 'requested'"
    "  UNION ALL"
    "  SELECT 'cmdb_audit', a.id, a.version, a.site_id, a.submitted_at, a.assignee, a.ref, s.name, s.name,"
    "         NULL, (SELECT count(*) FROM cmdb_audit_item i WHERE i.audit_id = a.id AND i.result = 'as_recorded'"
    "                   AND " FL_CMDB_AUDIT_LAST_MARK "),"
    "         (SELECT count(*) FROM cmdb_audit_item i WHERE i.audit_id = a.id AND " FL_CMDB_AUDIT_LAST_MARK "),"
    "         NULL, NULL, NULL"
    "    FROM cmdb_audit a LEFT JOIN site s ON s.id = a.site_id WHERE a.status = 'pending')"
    " SELECT q.*, coalesce (u.display_name, q.who) AS who_name, a.decision AS approval_decision,"
    "        o.mid AS approval_mid, o.state AS approval_state, o.error AS approval_error"
    "   FROM queue q"
    "   LEFT JOIN user u ON u.login = q.who"
    "   LEFT JOIN outbox o ON o.mid = ("
    "        SELECT max (o2.mid) FROM approval a2"
    "          JOIN outbox o2 ON o2.table_name = 'approval' AND o2.row_id = a2.id"
    "         WHERE a2.target_id = q.id AND o2.resolution IS NULL)"
    "   LEFT JOIN approval a ON a.id = o.row_id"
    "  WHERE (?1 IS NULL OR q.target_table = ?1)"
    "    AND (?2 IS NULL OR instr (lower (coalesce (q.ref, '') || ' ' || coalesce (q.subject, '') || ' '"
    "                                     || coalesce (q.place, '') || ' ' || coalesce (q.who, '') || ' '"
    "                                     || coalesce (u.display_name, '')),"
    "                              lower (?2)) > 0)"
    "    AND (?3 IS NULL OR q.site_id = ?3)"
    "    AND (?4 IS NULL OR q.who = ?4)"
    "    AND (?5 IS NULL OR q.at <= ?5)"
    "  ORDER BY CASE WHEN ?6 = 'urgent' THEN CASE q.priority WHEN 'high' THEN 0 WHEN 'medium' THEN 1"
    "                                      WHEN 'normal' THEN 2 WHEN 'low' THEN 3 ELSE 4 END END,"
    "           CASE WHEN ?6 = 'newest' THEN q.at END DESC, q.at, q.id";
}

const char *
fl_approvals_assignments_sql (void)
{
  return
    "SELECT w.id, w.version, w.ref, w.kind, w.title, w.status, w.assignee, w.priority, w.site_id,"
    "       w.response_due, w.resolve_due, w.responded_at, w.on_hold_since, s.name AS site_name"
    "  FROM work_order w LEFT JOIN site s ON s.id = w.site_id"
    " WHERE w.status IN " FL_WO_OPEN_STATUSES_SQL
    "   AND (?1 IS NULL OR w.assignee IS NULL)"
    " ORDER BY w.assignee IS NOT NULL, w.resolve_due";
}

static gboolean
decision_refused (JsonObject *row)
{
  return g_strcmp0 (fl_record_get_string (row, "approval_state"), "rejected") == 0;
}

gboolean
fl_approvals_decision_waiting (JsonObject *row)
{
  return fl_record_get_string (row, "approval_state") != NULL && !decision_refused (row);
}

typedef struct {
  JsonObject *row;
  const char *by;
  gboolean approve;
  const char *comment;
} Decision;

static gboolean
decide_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Decision *d = data;
  /* The supervisor has now seen why the last decision was refused. */
  if (decision_refused (d->row) &&
      !fl_outbox_discard (db, fl_record_get_int (d->row, "approval_mid", 0), error))
    return FALSE;
  g_autoptr(JsonObject) approval = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *version = g_strdup_printf ("%" PRId64, fl_record_get_int (d->row, "version", 1));
  json_object_set_string_member (approval, "target_table", fl_record_get_string (d->row, "target_table"));
  json_object_set_string_member (approval, "target_id", fl_record_get_string (d->row, "id"));
  json_object_set_string_member (approval, "target_version", version);
  if (fl_record_get_string (d->row, "site_id") != NULL)
    json_object_set_string_member (approval, "site_id", fl_record_get_string (d->row, "site_id"));
  json_object_set_string_member (approval, "decision", d->approve ? "approved" : "rejected");
  json_object_set_string_member (approval, "by", d->by);
  json_object_set_string_member (approval, "at", now);
  if (d->comment != NULL && *d->comment != '\0')
    json_object_set_string_member (approval, "comment", d->comment);
  if (!fl_changelog_append (db, "approval", approval, NULL, error))
    return FALSE;
  /* What an approved audit found different goes on as standard changes. */
  return !d->approve || g_strcmp0 (fl_record_get_string (d->row, "target_table"), "cmdb_audit") != 0 ||
         fl_cmdb_audit_propose_changes (db, fl_record_get_string (d->row, "id"), d->by, error);
}

/* Whether `role` (as `by`) may take this decision on the queue `row` now. */
static gboolean
check_decision (FlDb *db, JsonObject *row, FlRole role, const char *by, gboolean approve,
                const char *comment, GError **error)
{
  if (!fl_access_check_write (role, "approval", "append", error))
    return FALSE;
  if (fl_approvals_decision_waiting (row))
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("You already decided on this; it takes effect at the next sync."));
      return FALSE;
    }
  if (!approve && *comment == '\0')
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Say why you reject it: the person who did the work reads your comment."));
      return FALSE;
    }
  if (g_strcmp0 (fl_record_get_string (row, "target_table"), "change_record") == 0)
    {
      g_autoptr(JsonObject) change = fl_record_load (db, fl_schema_lookup ("change_record"),
                                                     fl_record_get_string (row, "id"), error);
      return change != NULL && fl_change_check_decision (role, by, change, approve, error);
    }
  return g_strcmp0 (fl_record_get_string (row, "target_table"), "work_order") != 0 ||
         fl_workflow_check_approval (role, FL_WO_RESOLVED, approve, error);
}

typedef struct {
  GPtrArray *rows;
  const char *by;
} Approvals;

static gboolean
approve_all_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Approvals *a = data;
  for (guint i = 0; i < a->rows->len; i++)
    {
      Decision d = { g_ptr_array_index (a->rows, i), a->by, TRUE, "" };
      if (!decide_in_transaction (db, &d, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fl_approvals_approve_all (FlDb *db, GPtrArray *rows, FlRole role, const char *by, GError **error)
{
  g_return_val_if_fail (rows != NULL, FALSE);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);
      g_autoptr(GError) refused = NULL;
      if (!check_decision (db, row, role, by, TRUE, "", &refused))
        {
          /* Translators: a refused approval of several items, "INC-…-0007: You already decided on this; …" */
          g_set_error (error, refused->domain, refused->code, _("%s: %s Nothing was approved."),
                       fl_record_get_string (row, "ref"), refused->message);
          return FALSE;
        }
    }
  /* Keep the rows: a reload of the queue replaces them while we write. */
  g_autoptr(GPtrArray) seen = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < rows->len; i++)
    g_ptr_array_add (seen, json_object_ref (g_ptr_array_index (rows, i)));
  Approvals a = { seen, by };
  return fl_db_transaction (db, approve_all_in_transaction, &a, error);
}

gboolean
fl_approvals_decide (FlDb *db, JsonObject *row, FlRole role, const char *by, gboolean approve,
                     const char *comment, GError **error)
{
  g_return_val_if_fail (row != NULL, FALSE);
  g_autofree char *text = g_strstrip (g_strdup (comment != NULL ? comment : ""));
  if (!check_decision (db, row, role, by, approve, text, error))
    return FALSE;

  /* Keep the row: a reload of the queue replaces it while we write. */
  g_autoptr(JsonObject) seen = json_object_ref (row);
  Decision d = { seen, by, approve, text };
  return fl_db_transaction (db, decide_in_transaction, &d, error);
}

typedef struct {
  FlRole role;
  const char *by, *id, *login, *status, *previous;
} Assignment;

static gboolean
assign_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Assignment *a = data;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "assignee", a->login);
  if (!fl_work_order_update (db, a->id, values, error))
    return FALSE;
  g_autoptr(JsonObject) args = json_object_new ();
  json_object_set_string_member (args, "assignee", a->login);
  fl_record_set_text (args, "previous", a->previous);
  if (g_strcmp0 (a->status, "new") == 0)
    return fl_work_order_move_noted (db, a->id, a->role, a->by, FL_WO_ASSIGNED, args, error);
  return fl_work_order_log_note (db, a->id, a->by, FL_NOTE_ASSIGNED, args, error);
}

/* The rule of the server, before the change is written: the push would be refused. */
static gboolean
check_assignee (FlDb *db, const char *login, const char *site_id, GError **error)
{
  g_autoptr(GPtrArray) users = fl_user_list (db, error);
  if (users == NULL)
    return FALSE;
  for (guint i = 0; i < users->len; i++)
    {
      JsonObject *user = g_ptr_array_index (users, i);
      if (g_strcmp0 (fl_record_get_string (user, "login"), login) == 0)
        return fl_workflow_check_assignee_user (user, site_id, error);
    }
  g_set_error (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_FORBIDDEN,
               _("work_order.assignee: there is no user %s"), login);
  return FALSE;
}

gboolean
fl_approvals_assign (FlDb *db, JsonObject *row, FlRole role, const char *by, const char *login,
                     GError **error)
{
  g_return_val_if_fail (row != NULL && login != NULL, FALSE);
  g_autoptr(JsonObject) seen = json_object_ref (row);
  if (g_strcmp0 (fl_record_get_string (seen, "assignee"), login) == 0)
    return TRUE;
  if (!check_assignee (db, login, fl_record_get_string (seen, "site_id"), error))
    return FALSE;
  Assignment a = { role, by, fl_record_get_string (seen, "id"), login,
                   fl_record_get_string (seen, "status"), fl_record_get_string (seen, "assignee") };
  return fl_db_transaction (db, assign_in_transaction, &a, error);
}

GPtrArray *
fl_approvals_list_assignees (FlDb *db, const char *site_id, GError **error)
{
  g_autoptr(GPtrArray) users = fl_user_list (db, error);
  if (users == NULL)
    return NULL;
  GPtrArray *assignees = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < users->len; i++)
    if (fl_workflow_check_assignee_user (g_ptr_array_index (users, i), site_id, NULL))
      g_ptr_array_add (assignees, json_object_ref (g_ptr_array_index (users, i)));
  return assignees;
}

GPtrArray *
fl_approvals_list_parts_used (FlDb *db, const char *work_order_id, GError **error)
{
  const char *params[] = { work_order_id };
  return fl_query_rows (db,
      "SELECT m.qty, p.sku, p.name, m.serial, l.code AS from_code FROM stock_movement m"
      "  LEFT JOIN part p ON p.id = m.part_id LEFT JOIN stock_location l ON l.id = m.from_location"
      " WHERE m.work_order_id = ?1 AND m.kind = 'use' ORDER BY m.at", 1, params, error);
}

GPtrArray *
fl_approvals_list_photos (FlDb *db, const char *work_order_id, GError **error)
{
  const char *params[] = { work_order_id };
  return fl_query_rows (db,
      "SELECT sha256, coalesce (filename, mime) AS caption FROM attachment"
      " WHERE owner_table = 'work_order' AND owner_id = ?1 AND mime LIKE 'image/%' ORDER BY at",
      1, params, error);
}

GPtrArray *
fl_approvals_list_work_log (FlDb *db, const char *work_order_id, GError **error)
{
  GPtrArray *log = fl_work_order_list_log (db, work_order_id, error);
  for (guint i = log != NULL ? log->len : 0; i > 0; i--)
    if (fl_record_get_int (g_ptr_array_index (log, i - 1), "voided", 0) != 0)
      g_ptr_array_remove_index (log, i - 1);
  return log;
}
