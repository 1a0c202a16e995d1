#include <inttypes.h>
#include "fl-work-order.h"
#include "fl-work-order-queries.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-catalogue.h"
#include "fl-changelog.h"
#include "fl-merge.h"
#include "fl-query.h"
#include "fl-ref-sequence.h"
#include "fl-security.h"
#include "fl-stock.h"
#include "fl-time.h"
#include "fl-work-log-note.h"

static const FlTable *
work_order_table (void)
{
  return fl_schema_lookup ("work_order");
}

static JsonObject *
load_optional (FlDb *db, const char *table, const char *id)
{
  if (id == NULL)
    return NULL;
  return fl_record_load (db, fl_schema_lookup (table), id, NULL);
}

GPtrArray *
fl_work_order_policy_rows (FlDb *db, const char *site_id, GError **error)
{
  const char *params[] = { site_id };
  g_autoptr(GPtrArray) rows = fl_query_rows (db,
      "SELECT id, site_id, catalogue, priority, response_minutes, resolve_minutes FROM sla_policy"
      " WHERE site_id IS NULL OR site_id = ?1", G_N_ELEMENTS (params), params, error);
  g_autoptr(GPtrArray) services = rows != NULL
    ? fl_query_rows (db, "SELECT code, business FROM service", 0, NULL, error) : NULL;
  if (services == NULL)
    return NULL;
  return fl_catalogue_effective_policies (services, rows);
}

FlCalendar *
fl_work_order_load_site_calendar (FlDb *db, const char *site_id)
{
  g_autoptr(JsonObject) site = load_optional (db, "site", site_id);
  g_autoptr(JsonObject) calendar = site != NULL
    ? load_optional (db, "calendar", fl_record_get_string (site, "calendar_id")) : NULL;
  return fl_work_order_site_calendar (site, calendar);
}

gboolean
fl_work_order_derive_in_db (FlDb *db, JsonObject *wo, GError **error)
{
  const char *site_id = fl_record_get_string (wo, "site_id");
  g_autoptr(JsonObject) site = load_optional (db, "site", site_id);
  if (site == NULL)
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("work_order.site_id: no such site in this replica"));
      return FALSE;
    }
  g_autoptr(JsonObject) calendar = load_optional (db, "calendar", fl_record_get_string (site, "calendar_id"));
  g_autoptr(FlCalendar) cal = fl_work_order_site_calendar (site, calendar);
  g_autoptr(GPtrArray) policy_rows = fl_work_order_policy_rows (db, site_id, error);
  if (policy_rows == NULL)
    return FALSE;
  fl_work_order_derive (wo, cal, policy_rows);
  return TRUE;
}

/* One entry of the log: a person's text and, when the system writes it,
 * its language-free note (fl-work-log-note.h). */
static gboolean
append_log (FlDb *db, const char *id, const char *author, const char *kind, int minutes,
            const char *text, const char *note, JsonObject *note_args, GError **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (fields, "work_order_id", id);
  json_object_set_string_member (fields, "author", author);
  json_object_set_string_member (fields, "at", now);
  json_object_set_string_member (fields, "kind", kind);
  if (minutes > 0)
    json_object_set_int_member (fields, "minutes", minutes);
  fl_record_set_text (fields, "text", text);
  if (note != NULL)
    fl_work_log_set_note (fields, note, note_args);
  return fl_changelog_append (db, "work_log", fields, NULL, error);
}

typedef struct {
  const FlWorkOrderDraft *draft;
  const char *actor;
  char *id;
} Create;

static gboolean
create_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Create *c = data;
  const FlWorkOrderDraft *d = c->draft;
  /* One reading of the clock: the reference, the due times and created_at
   * all come from it. */
  gint64 now = fl_time_now ();
  g_autofree char *ref = fl_ref_next (db, fl_ref_prefix ("work_order", d->kind), now, error);
  if (ref == NULL)
    return FALSE;
  g_autoptr(JsonObject) wo = json_object_new ();
  json_object_set_string_member (wo, "ref", ref);
  fl_record_set_text (wo, "kind", d->kind);
  fl_record_set_text (wo, "title", d->title);
  fl_record_set_text (wo, "description", d->description);
  fl_record_set_text (wo, "site_id", d->site_id);
  fl_record_set_text (wo, "ci_id", d->ci_id);
  fl_record_set_text (wo, "service", d->service);
  fl_record_set_text (wo, "reporter", d->reporter);
  fl_record_set_text (wo, "contact", d->contact);
  json_object_set_int_member (wo, "impact", d->impact);
  json_object_set_int_member (wo, "urgency", d->urgency);
  json_object_set_string_member (wo, "status", d->assignee != NULL ? "assigned" : "new");
  fl_record_set_text (wo, "assignee", d->assignee);
  if (!fl_record_validate (work_order_table (), wo, FL_RECORD_INSERT, NULL, error))
    return FALSE;
  /* created_at is the change log's to write; it is set here only for the
   * derivation to read. */
  g_autofree char *created = fl_time_format (now);
  json_object_set_string_member (wo, "created_at", created);
  gboolean derived = fl_work_order_derive_in_db (db, wo, error);
  json_object_remove_member (wo, "created_at");
  if (!derived || !fl_changelog_insert_at (db, "work_order", wo, now, &c->id, error))
    return FALSE;
  return append_log (db, c->id, c->actor, "status", 0, NULL, FL_NOTE_CREATED, NULL, error);
}

gboolean
fl_work_order_create (FlDb *db, const FlWorkOrderDraft *draft, const char *actor,
                      char **out_id, GError **error)
{
  Create c = { draft, actor, NULL };
  if (!fl_db_transaction (db, create_in_transaction, &c, error))
    {
      g_free (c.id);
      return FALSE;
    }
  if (out_id != NULL)
    *out_id = c.id;
  else
    g_free (c.id);
  return TRUE;
}

static gboolean
has_text (const char *text)
{
  for (; text != NULL && *text != '\0'; text = g_utf8_next_char (text))
    if (!g_unichar_isspace (g_utf8_get_char (text)))
      return TRUE;
  return FALSE;
}

void
fl_work_order_facts (JsonObject *wo, const char *actor, FlWorkOrderFacts *facts)
{
  memset (facts, 0, sizeof *facts);
  fl_work_order_kind_from_string (fl_record_get_string (wo, "kind"), &facts->kind);
  facts->has_resolution = has_text (fl_record_get_string (wo, "resolution"));
  facts->customer_accepted = fl_record_get_string (wo, "customer_accepted_at") != NULL;
  facts->actor_is_assignee = g_strcmp0 (fl_record_get_string (wo, "assignee"), actor) == 0;
  facts->assignee_is_actor_after = facts->actor_is_assignee;
  facts->has_assignee_after = fl_record_get_string (wo, "assignee") != NULL;
  facts->has_satisfaction = fl_record_get_int (wo, "satisfaction", 0) > 0;
  facts->has_reject_reason = has_text (fl_record_get_string (wo, "reject_reason"));
}

/* An engineer takes a new, unassigned order by moving it to assigned:
 * they become its assignee.  Others assign it to an engineer first. */
static gboolean
takes_it (JsonObject *wo, FlRole role, FlWorkOrderStatus to)
{
  return role == FL_ROLE_ENGINEER && to == FL_WO_ASSIGNED && fl_record_get_string (wo, "assignee") == NULL;
}

static void
facts_of_taking (JsonObject *wo, FlRole role, FlWorkOrderFacts *facts)
{
  if (takes_it (wo, role, FL_WO_ASSIGNED))
    facts->assignee_is_actor_after = facts->has_assignee_after = TRUE;
}

typedef struct {
  const char *id, *actor, *note;
  FlRole role;
  FlWorkOrderStatus to;
  JsonObject *with;       /* fields written with the move (NULL: none) */
  JsonObject *note_args;  /* more of the log's note (NULL: the move alone) */
} Move;

static gboolean
move_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Move *m = data;
  g_autoptr(JsonObject) wo = fl_record_load (db, work_order_table (), m->id, error);
  if (wo == NULL)
    return FALSE;
  FlWorkOrderStatus from;
  if (!fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &from))
    from = FL_WO_NEW;
  g_autoptr(JsonObject) values = json_object_new ();
  if (m->with != NULL)
    {
      if (!fl_record_validate (work_order_table (), m->with, FL_RECORD_UPDATE, NULL, error))
        return FALSE;
      fl_merge_apply (values, m->with);
      fl_merge_apply (wo, m->with);
    }
  FlWorkOrderFacts facts;
  fl_work_order_facts (wo, m->actor, &facts);
  if (m->to == FL_WO_ASSIGNED)
    facts_of_taking (wo, m->role, &facts);
  if (!fl_workflow_check_move (m->role, from, m->to, &facts, error))
    return FALSE;

  json_object_set_string_member (values, "status", fl_work_order_status_to_string (m->to));
  if (takes_it (wo, m->role, m->to))
    json_object_set_string_member (values, "assignee", m->actor);
  g_autoptr(FlCalendar) cal = fl_work_order_load_site_calendar (db, fl_record_get_string (wo, "site_id"));
  fl_work_order_lifecycle (wo, from, m->to, fl_time_now (), cal, values);
  if (json_object_has_member (values, "on_hold_seconds"))
    {
      json_object_set_member (wo, "on_hold_seconds", json_node_copy (json_object_get_member (values, "on_hold_seconds")));
      if (!fl_work_order_derive_in_db (db, wo, error))
        return FALSE;
      json_object_set_string_member (values, "resolve_due", fl_record_get_string (wo, "resolve_due"));
    }
  if (!fl_changelog_update (db, "work_order", m->id, values, error))
    return FALSE;

  g_autoptr(JsonObject) args = json_object_new ();
  if (m->note_args != NULL)
    fl_merge_apply (args, m->note_args);
  json_object_set_string_member (args, "from", fl_work_order_status_to_string (from));
  json_object_set_string_member (args, "to", fl_work_order_status_to_string (m->to));
  return append_log (db, m->id, m->actor, "status", 0, m->note, FL_NOTE_MOVED, args, error);
}

gboolean
fl_work_order_move (FlDb *db, const char *id, FlRole role, const char *actor,
                    FlWorkOrderStatus to, const char *note, GError **error)
{
  g_autofree char *reason = g_strstrip (g_strdup (note != NULL ? note : ""));
  if (to == FL_WO_CANCELLED && *reason == '\0')
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("Say why the work order is cancelled: the reason is kept in its log."));
      return FALSE;
    }
  Move m = { id, actor, reason, role, to, NULL, NULL };
  return fl_db_transaction (db, move_in_transaction, &m, error);
}

gboolean
fl_work_order_move_noted (FlDb *db, const char *id, FlRole role, const char *actor,
                          FlWorkOrderStatus to, JsonObject *note_args, GError **error)
{
  Move m = { id, actor, NULL, role, to, NULL, note_args };
  return fl_db_transaction (db, move_in_transaction, &m, error);
}

gboolean
fl_work_order_resolve (FlDb *db, const char *id, FlRole role, const char *actor,
                       const char *resolution, gboolean first_time_fix, const char *note,
                       GError **error)
{
  g_autoptr(JsonObject) with = json_object_new ();
  json_object_set_boolean_member (with, "first_time_fix", first_time_fix);
  fl_record_set_text (with, "resolution", resolution);
  Move m = { id, actor, note, role, FL_WO_RESOLVED, with, NULL };
  return fl_db_transaction (db, move_in_transaction, &m, error);
}

gboolean
fl_work_order_reject_out_of_scope (FlDb *db, const char *id, FlRole role, const char *actor,
                                   const char *reason, GError **error)
{
  g_autofree char *text = g_strstrip (g_strdup (reason != NULL ? reason : ""));
  g_autoptr(JsonObject) with = json_object_new ();
  fl_record_set_text (with, "reject_reason", *text != '\0' ? text : NULL);
  Move m = { id, actor, text, role, FL_WO_REJECTED, with, NULL };
  return fl_db_transaction (db, move_in_transaction, &m, error);
}

gboolean
fl_work_order_record_follow_up (FlDb *db, const char *id, FlRole role, const char *actor,
                                int satisfaction, const char *note, GError **error)
{
  g_autoptr(JsonObject) with = json_object_new ();
  if (satisfaction != 0)
    json_object_set_int_member (with, "satisfaction", satisfaction);
  else
    json_object_set_null_member (with, "satisfaction");
  g_autoptr(JsonObject) args = json_object_new ();
  json_object_set_int_member (args, "satisfaction", satisfaction);
  Move m = { id, actor, note, role, FL_WO_VISITED, with, args };
  return fl_db_transaction (db, move_in_transaction, &m, error);
}

guint
fl_work_order_allowed_moves (FlDb *db, const char *id, FlRole role, const char *actor,
                             FlWorkOrderStatus *out, guint max, GError **error)
{
  g_autoptr(JsonObject) wo = fl_record_load (db, work_order_table (), id, error);
  if (wo == NULL)
    return 0;
  FlWorkOrderStatus from;
  if (!fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &from))
    return 0;
  FlWorkOrderFacts facts;
  fl_work_order_facts (wo, actor, &facts);
  facts_of_taking (wo, role, &facts);
  return fl_workflow_allowed_moves (role, from, &facts, out, max);
}

gboolean
fl_work_order_may_change (JsonObject *wo, FlRole role, const char *actor, const char *field,
                          GError **error)
{
  FlWorkOrderStatus status = FL_WO_NEW;
  fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &status);
  gboolean own = g_strcmp0 (fl_record_get_string (wo, "assignee"), actor) == 0;
  return fl_workflow_check_field (role, status, field, own, error);
}

gboolean
fl_work_order_update (FlDb *db, const char *id, JsonObject *values, GError **error)
{
  if (json_object_has_member (values, "status"))
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("work_order.status: use a status action to move a work order"));
      return FALSE;
    }
  if (!fl_db_begin (db, error))
    return FALSE;
  static const char * const inputs[] = { "impact", "urgency", "service", "site_id" };
  gboolean rederive = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    rederive |= json_object_has_member (values, inputs[i]);
  if (rederive)
    {
      g_autoptr(JsonObject) wo = fl_record_load (db, work_order_table (), id, error);
      if (wo == NULL)
        goto failed;
      if (!fl_record_validate (work_order_table (), values, FL_RECORD_UPDATE, NULL, error))
        goto failed;
      g_autoptr(GList) members = json_object_get_members (values);
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (wo, l->data, json_node_copy (json_object_get_member (values, l->data)));
      if (!fl_work_order_derive_in_db (db, wo, error))
        goto failed;
      static const char * const derived[] = { "priority", "request_level", "response_due", "resolve_due" };
      for (guint i = 0; i < G_N_ELEMENTS (derived); i++)
        json_object_set_member (values, derived[i], json_node_copy (json_object_get_member (wo, derived[i])));
    }
  /* A security event's grade moves with its outage and loss alone, as on
   * the server. */
  static const char * const security_inputs[] = { "category", "outage_minutes", "loss_cny" };
  gboolean regrade = FALSE;
  for (guint i = 0; i < G_N_ELEMENTS (security_inputs); i++)
    regrade |= json_object_has_member (values, security_inputs[i]);
  if (regrade)
    {
      g_autoptr(JsonObject) wo = fl_record_load (db, work_order_table (), id, error);
      if (wo == NULL)
        goto failed;
      g_autoptr(GList) members = json_object_get_members (values);
      for (GList *l = members; l != NULL; l = l->next)
        json_object_set_member (wo, l->data, json_node_copy (json_object_get_member (values, l->data)));
      fl_security_derive (wo);
      json_object_set_member (values, "security_grade", json_node_copy (json_object_get_member (wo, "security_grade")));
    }
  if (!fl_changelog_update (db, "work_order", id, values, error))
    goto failed;
  return fl_db_commit (db, error);
failed:
  fl_db_rollback (db);
  return FALSE;
}

gboolean
fl_work_order_log (FlDb *db, const char *id, const char *author, const char *kind,
                   int minutes, const char *text, GError **error)
{
  return append_log (db, id, author, kind, minutes, text, NULL, NULL, error);
}

gboolean
fl_work_order_log_note (FlDb *db, const char *id, const char *author,
                        const char *note, JsonObject *note_args, GError **error)
{
  return append_log (db, id, author, "note", 0, NULL, note, note_args, error);
}

/* The entry `entry_id` as it reads now (fl_work_order_list_log's row). */
static JsonObject *
current_log_entry (FlDb *db, const char *entry_id, GError **error)
{
  g_autoptr(JsonObject) entry = fl_record_load (db, fl_schema_lookup ("work_log"), entry_id, error);
  if (entry == NULL)
    return NULL;
  const char *first = fl_record_get_string (entry, "revises");
  if (first == NULL)
    first = entry_id;
  g_autoptr(GPtrArray) log = fl_work_order_list_log (db, fl_record_get_string (entry, "work_order_id"), error);
  if (log == NULL)
    return NULL;
  for (guint i = 0; i < log->len; i++)
    if (g_strcmp0 (fl_record_get_string (g_ptr_array_index (log, i), "id"), first) == 0)
      return json_object_ref (g_ptr_array_index (log, i));
  g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MISSING,
               _("The work-log entry this corrects is not in the replica."));
  return NULL;
}

/* A voided entry keeps the note it withdraws (`keep`: the current entry),
 * so it reads as it did; a correction is a person's own words. */
static gboolean
revise_log (FlDb *db, const char *entry_id, const char *author, const char *kind, int minutes,
            const char *text, JsonObject *keep, GError **error)
{
  g_autoptr(JsonObject) entry = current_log_entry (db, entry_id, error);
  if (entry == NULL)
    return FALSE;
  if (fl_record_get_int (entry, "voided", 0) != 0)
    {
      g_set_error_literal (error, FL_WORKFLOW_ERROR, FL_WORKFLOW_ERROR_PRECONDITION,
                           _("This work-log entry was voided; add a new entry instead."));
      return FALSE;
    }
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (fields, "work_order_id", fl_record_get_string (entry, "work_order_id"));
  json_object_set_string_member (fields, "revises", fl_record_get_string (entry, "id"));
  json_object_set_string_member (fields, "author", author);
  json_object_set_string_member (fields, "at", now);
  json_object_set_string_member (fields, "kind", kind);
  if (minutes > 0)
    json_object_set_int_member (fields, "minutes", minutes);
  fl_record_set_text (fields, "text", text);
  if (keep != NULL)
    {
      json_object_set_boolean_member (fields, "voided", TRUE);
      if (fl_record_get_string (keep, "note") != NULL)
        {
          g_autoptr(JsonObject) args = fl_work_log_note_args (keep);
          fl_work_log_set_note (fields, fl_record_get_string (keep, "note"), args);
        }
    }
  return fl_changelog_append (db, "work_log", fields, NULL, error);
}

gboolean
fl_work_order_edit_log (FlDb *db, const char *entry_id, const char *author, const char *kind,
                        int minutes, const char *text, GError **error)
{
  return revise_log (db, entry_id, author, kind, minutes, text, NULL, error);
}

gboolean
fl_work_order_void_log (FlDb *db, const char *entry_id, const char *author, GError **error)
{
  g_autoptr(JsonObject) entry = current_log_entry (db, entry_id, error);
  if (entry == NULL)
    return FALSE;
  return revise_log (db, entry_id, author, fl_record_get_string (entry, "kind"),
                     (int) fl_record_get_int (entry, "minutes", 0), fl_record_get_string (entry, "text"),
                     entry, error);
}

gboolean
fl_work_order_attach (FlDb *db, const char *id, const char *filename, const char *mime,
                      const char *sha256, gsize size, const char *by, GError **error)
{
  g_autoptr(JsonObject) work_order = fl_record_load (db, work_order_table (), id, error);
  if (work_order == NULL)
    return FALSE;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  g_autofree char *size_text = g_strdup_printf ("%zu", size);
  json_object_set_string_member (fields, "owner_table", "work_order");
  json_object_set_string_member (fields, "owner_id", id);
  json_object_set_string_member (fields, "site_id", fl_record_get_string (work_order, "site_id"));
  json_object_set_string_member (fields, "sha256", sha256);
  json_object_set_string_member (fields, "mime", mime);
  json_object_set_string_member (fields, "size", size_text);
  json_object_set_string_member (fields, "filename", filename);
  json_object_set_string_member (fields, "by", by);
  json_object_set_string_member (fields, "at", now);
  return fl_changelog_append (db, "attachment", fields, NULL, error);
}

typedef struct {
  const char *id, *part_id, *location_id, *serial, *actor;
  gint64 qty;
} UsePart;

static gboolean
use_part_in_transaction (FlDb *db, gpointer data, GError **error)
{
  UsePart *u = data;
  g_autoptr(JsonObject) part = fl_record_load (db, fl_schema_lookup ("part"), u->part_id, error);
  if (part == NULL)
    return FALSE;
  FlStockMovement m = {
    .kind = FL_MOVE_USE, .part_id = u->part_id, .qty = u->qty, .from_location = u->location_id,
    .serial = u->serial, .work_order_id = u->id, .by = u->actor,
  };
  if (!fl_stock_post (db, &m, NULL, error))
    return FALSE;
  g_autoptr(JsonObject) args = json_object_new ();
  g_autofree char *qty = g_strdup_printf ("%" PRId64, u->qty);
  json_object_set_string_member (args, "qty", qty);
  json_object_set_string_member (args, "unit", fl_record_get_string (part, "unit"));
  json_object_set_string_member (args, "part", fl_record_get_string (part, "name"));
  json_object_set_string_member (args, "sku", fl_record_get_string (part, "sku"));
  return fl_work_order_log_note (db, u->id, u->actor, FL_NOTE_PART_USED, args, error);
}

gboolean
fl_work_order_use_part (FlDb *db, const char *id, const char *part_id, const char *location_id,
                        gint64 qty, const char *serial, const char *actor, GError **error)
{
  UsePart u = { id, part_id, location_id, serial, actor, qty };
  return fl_db_transaction (db, use_part_in_transaction, &u, error);
}

gboolean
fl_work_order_accept (FlDb *db, const char *id, const char *customer_name,
                      const char *signature_sha256, int satisfaction, GError **error)
{
  if (customer_name == NULL || *customer_name == '\0')
    {
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MISSING,
                   _("work_order.customer_name: the customer's name is required for acceptance"));
      return FALSE;
    }
  g_autoptr(JsonObject) wo = fl_record_load (db, work_order_table (), id, error);
  if (wo == NULL)
    return FALSE;
  FlWorkOrderStatus status = FL_WO_NEW;
  fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &status);
  FlWorkOrderFacts facts;
  fl_work_order_facts (wo, NULL, &facts);
  if (!fl_workflow_check_acceptance (status, &facts, error))
    return FALSE;
  g_autoptr(JsonObject) values = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (values, "customer_name", customer_name);
  json_object_set_string_member (values, "customer_accepted_at", now);
  fl_record_set_text (values, "signature_blob", signature_sha256);
  json_object_set_int_member (values, "satisfaction", satisfaction);
  return fl_changelog_update (db, "work_order", id, values, error);
}
