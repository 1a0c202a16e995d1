#include <inttypes.h>
#include "fl-push.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-accounts.h"
#include "fl-catalogue.h"
#include "fl-change-workflow.h"
#include "fl-ci-change-record.h"
#include "fl-ci-lifecycle.h"
#include "fl-cmdb-audit.h"
#include "fl-ids.h"
#include "fl-merge.h"
#include "fl-problem-workflow.h"
#include "fl-record.h"
#include "fl-security.h"
#include "fl-stock-movement.h"
#include "fl-time.h"
#include "fl-update-rules.h"
#include "fl-work-log-note.h"
#include "fl-sla-sweep.h"
#include "fl-work-order-sla.h"
#include "fl-workflow.h"

G_DEFINE_QUARK (fl-push-error-quark, fl_push_error)

/* The SLA inputs of one site, loaded once per request. */
typedef struct {
  FlCalendar  *calendar;
  GPtrArray   *policy_rows;  /* every sla_policy row: the service picks among them */
  GHashTable  *choices;      /* service ("" for none) -> FlSlaChoice*, chosen once */
  int          warnings[FL_SLA_MAX_WARNINGS];
  guint        n_warnings;
} SiteSla;

static void
site_sla_free (SiteSla *sla)
{
  g_clear_pointer (&sla->calendar, fl_calendar_unref);
  g_clear_pointer (&sla->choices, g_hash_table_unref);
  g_clear_pointer (&sla->policy_rows, g_ptr_array_unref);
  g_free (sla);
}

typedef struct {
  FlStore              *store;
  const FlPushActor    *actor;
  FlRole                role;
  const FlPushLimits   *limits;
  GHashTable           *slas;     /* site id -> SiteSla* */
  /* the mutation being applied */
  const FlMutation     *m;
  guint                 writes;   /* rows it wrote so far */
  char                 *path;     /* "mutations[3]" */
  char                 *at;       /* its `at`, RFC 3339 */
} Push;

/* ---- outcomes ---- */

static FlMutationResult *
rejected (const FlMutation *m, const char *format, ...) G_GNUC_PRINTF (2, 3);

static FlMutationResult *
rejected (const FlMutation *m, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  FlMutationResult *result = fl_mutation_result_new (m->mid, FL_RESULT_REJECTED);
  result->error = g_strdup_vprintf (format, args);
  va_end (args);
  return result;
}

static FlMutationResult *
rejected_by (const FlMutation *m, const GError *error)
{
  return rejected (m, "%s", error->message);
}

static gboolean
forbidden (Push *p, GError **error, const char *message)
{
  g_set_error (error, FL_PUSH_ERROR, FL_PUSH_ERROR_FORBIDDEN, "%s (mid %" PRId64 "): %s",
               p->path, p->m->mid, message);
  return FALSE;
}

/* ---- time ---- */

/* NULL when `at` lies in the window a device may claim (fl-push.h), or
 * the reason it does not, naming `what` ("at", "approval.at"). */
static char *
claimed_time_problem (Push *p, const char *what, gint64 at)
{
  gint64 now = fl_time_now ();
  gint64 floor = now - p->limits->max_offline;
  g_autofree char *text = fl_time_format (at);
  if (at > now + p->limits->max_clock_skew)
    return g_strdup_printf (_("%s: the time of this change (%s) is ahead of the server's clock; "
                              "set this device's clock right and send it again"), what, text);
  if (at < floor)
    {
      g_autofree char *floor_text = fl_time_format (floor);
      return g_strdup_printf (_("%s: the time of this change (%s) is before %s, longer ago than the server "
                                "accepts changes made offline; check this device's clock"),
                              what, text, floor_text);
    }
  return NULL;
}

/* ---- access ---- */

static gboolean
check_table_access (Push *p, const FlTable *table, const char *op, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (fl_access_check_write (p->role, table->name, op, &local_error))
    return TRUE;
  return forbidden (p, error, local_error->message);
}

/* Every site the row belongs to must be one of the user's. */
static gboolean
check_scope (Push *p, const FlTable *table, JsonObject *row, GError **error)
{
  if (p->actor->sites == NULL || p->actor->sites[0] == NULL)
    return TRUE;
  g_autoptr(GError) local_error = NULL;
  g_auto(GStrv) sites = fl_store_row_sites (p->store, table, row, &local_error);
  if (sites == NULL)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  for (guint i = 0; sites[i] != NULL; i++)
    if (!g_strv_contains (p->actor->sites, sites[i]))
      {
        g_autofree char *message = g_strdup_printf (_("this %s belongs to a site you do not serve"),
                                                    table->name);
        return forbidden (p, error, message);
      }
  return TRUE;
}

/* A row scoped through another one (a work log through its work order)
 * needs that row: otherwise it would belong to no site, visible to all. */
static gboolean
parents_exist (Push *p, const FlTable *table, JsonObject *row, char **missing, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (table->scope) && table->scope[i].column != NULL; i++)
    {
      const FlScopePath *path = &table->scope[i];
      const char *id = fl_record_get_string (row, path->column);
      if (path->via_table == NULL || id == NULL)
        continue;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) parent = fl_store_load_row (p->store, fl_schema_lookup (path->via_table), id,
                                                        &local_error);
      if (parent != NULL)
        continue;
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *missing = g_strdup_printf (_("%s.%s: there is no %s %s on the server"),
                                  table->name, path->column, path->via_table, id);
      return TRUE;
    }
  return TRUE;
}

/* ---- writing ---- */

static gboolean
audit (Push *p, const char *action, const FlTable *table, const char *row_id, JsonObject *detail,
       GError **error)
{
  FlAuditEntry entry = {
    .at = fl_time_now (),
    .actor = p->actor->login,
    .device = p->actor->device_id,
    .action = action,
    .table_name = table->name,
    .row_id = row_id,
    .detail = detail,
  };
  return fl_store_audit (p->store, &entry, error);
}

static SiteSla *site_sla (Push *p, const char *site_id, GError **error);

static gboolean
write_row (Push *p, const FlTable *table, JsonObject *row, const char *action, JsonObject *detail,
           GError **error)
{
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (row, "updated_at", now);
  if (!fl_store_put_row (p->store, table, row, NULL, error))
    return FALSE;
  p->writes++;
  if (!audit (p, action, table, fl_record_get_string (row, "id"), detail, error))
    return FALSE;
  if (strcmp (table->name, "work_order") != 0)
    return TRUE;
  /* A work order worked offline still gets the warnings it passed: each
   * version of it up to the moment it was written (the mutation's `at`),
   * so a response recorded offline in time is not escalated afterwards. */
  SiteSla *sla = site_sla (p, fl_record_get_string (row, "site_id"), error);
  return sla != NULL &&
         fl_sla_sweep_work_order (p->store, row, sla->calendar, sla->warnings, sla->n_warnings, p->m->at,
                                  error) >= 0;
}

static char *
first_site (Push *p, const FlTable *table, JsonObject *row, GError **error)
{
  g_auto(GStrv) sites = fl_store_row_sites (p->store, table, row, error);
  if (sites == NULL)
    return NULL;
  return g_strdup (sites[0] != NULL ? sites[0] : "");
}

/* Who made the values the conflicts keep, read from the row's history:
 * the last audited change of each field, if it set the value the server
 * still holds (otherwise the history cannot tell, and nobody is named). */
static gboolean
note_last_change (const FlAuditEntry *entry, gpointer user_data, GError **error)
{
  GPtrArray *conflicts = user_data;
  for (guint i = 0; entry->detail != NULL && i < conflicts->len; i++)
    {
      FlConflict *c = conflicts->pdata[i];
      JsonNode *change = json_object_get_member (entry->detail, c->field);
      if (change == NULL)
        continue;
      /* An insert records the values it wrote; every later write {from, to}. */
      JsonNode *to = change;
      if (g_strcmp0 (entry->action, "insert") != 0)
        to = JSON_NODE_HOLDS_OBJECT (change) ? json_object_get_member (json_node_get_object (change), "to") : NULL;
      gboolean made_it = entry->actor != NULL && to != NULL && fl_json_node_equal (to, c->theirs);
      fl_conflict_set_theirs_author (c, made_it ? entry->actor : NULL, NULL, made_it ? entry->at : 0);
    }
  return TRUE;
}

static gboolean
name_theirs_authors (Push *p, const FlTable *table, JsonObject *row, GPtrArray *conflicts, GError **error)
{
  if (!fl_store_audit_history (p->store, table->name, fl_record_get_string (row, "id"), note_last_change,
                               conflicts, error))
    return FALSE;
  const FlTable *user_table = fl_schema_lookup ("user");
  for (guint i = 0; i < conflicts->len; i++)
    {
      FlConflict *c = conflicts->pdata[i];
      if (c->theirs_by == NULL)
        continue;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) user = fl_store_find_row (p->store, user_table, "login", c->theirs_by, &local_error);
      if (user == NULL && !g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      /* "admin" of the command line has no user row: the login alone. */
      g_autofree char *login = g_strdup (c->theirs_by);
      fl_conflict_set_theirs_author (c, login, user != NULL ? fl_record_get_string (user, "display_name") : NULL,
                                     c->theirs_at);
    }
  return TRUE;
}

/* A conflict row for each field kept, for the author and supervisors; each
 * conflict names who made the value kept. */
static gboolean
record_conflicts (Push *p, const FlTable *table, JsonObject *row, GPtrArray *conflicts, GError **error)
{
  if (conflicts->len == 0)
    return TRUE;
  if (!name_theirs_authors (p, table, row, conflicts, error))
    return FALSE;
  const FlTable *conflict_table = fl_schema_lookup ("conflict");
  g_autofree char *site = first_site (p, table, row, error);
  if (site == NULL)
    return FALSE;
  for (guint i = 0; i < conflicts->len; i++)
    {
      FlConflict *c = conflicts->pdata[i];
      char id[37];
      fl_uuid7_generate (id);
      g_autoptr(JsonObject) conflict = json_object_new ();
      json_object_set_string_member (conflict, "id", id);
      json_object_set_string_member (conflict, "table_name", table->name);
      json_object_set_string_member (conflict, "row_id", fl_record_get_string (row, "id"));
      if (*site != '\0')
        json_object_set_string_member (conflict, "site_id", site);
      else
        json_object_set_null_member (conflict, "site_id");
      json_object_set_string_member (conflict, "field", c->field);
      json_object_set_member (conflict, "base", json_node_copy (c->base));
      json_object_set_member (conflict, "mine", json_node_copy (c->mine));
      json_object_set_member (conflict, "theirs", json_node_copy (c->theirs));
      json_object_set_string_member (conflict, "by", p->actor->login);
      json_object_set_string_member (conflict, "device", p->actor->device_id);
      json_object_set_string_member (conflict, "at", p->at);
      json_object_set_null_member (conflict, "resolved_by");
      json_object_set_null_member (conflict, "resolution");
      /* Theirs' author, so another device (a supervisor's) names both sides. */
      if (c->theirs_by != NULL)
        {
          g_autofree char *theirs_at = fl_time_format (c->theirs_at);
          json_object_set_string_member (conflict, "theirs_by", c->theirs_by);
          json_object_set_string_member (conflict, "theirs_at", theirs_at);
        }
      else
        {
          json_object_set_null_member (conflict, "theirs_by");
          json_object_set_null_member (conflict, "theirs_at");
        }
      if (!write_row (p, conflict_table, conflict, "conflict", NULL, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- work orders: SLA and lifecycle ---- */

static gboolean
collect_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, json_object_ref (row));
  return TRUE;
}

/* The site's calendar and the SLA policy rows. */
static SiteSla *
site_sla (Push *p, const char *site_id, GError **error)
{
  SiteSla *sla = g_hash_table_lookup (p->slas, site_id);
  if (sla != NULL)
    return sla;
  g_autoptr(JsonObject) site = fl_store_load_row (p->store, fl_schema_lookup ("site"), site_id, error);
  if (site == NULL)
    return NULL;
  g_autoptr(JsonObject) calendar = NULL;
  const char *calendar_id = fl_record_get_string (site, "calendar_id");
  if (calendar_id != NULL)
    calendar = fl_store_load_row (p->store, fl_schema_lookup ("calendar"), calendar_id, NULL);
  g_autoptr(GPtrArray) policy_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  if (!fl_store_foreach_row (p->store, fl_schema_lookup ("sla_policy"), NULL, collect_row, policy_rows,
                             error) ||
      !fl_store_foreach_row (p->store, fl_schema_lookup ("service"), NULL, collect_row, services, error))
    return NULL;
  sla = g_new0 (SiteSla, 1);
  sla->calendar = fl_work_order_site_calendar (site, calendar);
  sla->policy_rows = fl_catalogue_effective_policies (services, policy_rows);
  sla->choices = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  sla->n_warnings = fl_work_order_sla_warnings (site, sla->warnings);
  g_hash_table_insert (p->slas, g_strdup (site_id), sla);
  return sla;
}

/* Priority and due times are the server's to compute, whatever the client sent. */
static gboolean
derive_work_order (Push *p, JsonObject *wo, char **problem, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  SiteSla *sla = site_sla (p, fl_record_get_string (wo, "site_id"), &local_error);
  if (sla == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *problem = g_strdup_printf (_("work_order.site_id: there is no site %s on the server"),
                                  fl_record_get_string (wo, "site_id"));
      return TRUE;
    }
  const char *service = fl_record_get_string (wo, "service");
  FlSlaChoice *choice = g_hash_table_lookup (sla->choices, service != NULL ? service : "");
  if (choice == NULL)
    {
      choice = g_new (FlSlaChoice, 1);
      fl_work_order_choose_policy (fl_record_get_string (wo, "site_id"), service, sla->policy_rows, choice);
      g_hash_table_insert (sla->choices, g_strdup (service != NULL ? service : ""), choice);
    }
  fl_work_order_derive_chosen (wo, sla->calendar, choice);
  return TRUE;
}

/* The customer's acceptance, when `wo` (the row after the change, in
 * `status` before it) records one: only of work that is done. */
static void
check_acceptance (Push *p, FlWorkOrderStatus status, JsonObject *before, JsonObject *wo, char **problem)
{
  g_autoptr(GError) local_error = NULL;
  FlWorkOrderFacts facts;
  fl_update_work_order_facts (p->actor->login, before, wo, &facts);
  if (!fl_workflow_check_acceptance (status, &facts, &local_error))
    *problem = g_strdup (local_error->message);
}

static FlWorkOrderStatus
status_of (JsonObject *wo)
{
  FlWorkOrderStatus status = FL_WO_NEW;
  fl_work_order_status_from_string (fl_record_get_string (wo, "status"), &status);
  return status;
}

/* Fields a client may send but the server sets itself: what the SLA
 * derives, and what a work order's status moves set. */
static gboolean
server_sets (const FlTable *table, const char *field)
{
  const FlColumn *column = fl_table_column (table, field);
  if (column != NULL && (column->flags & FL_COL_DERIVED))
    return TRUE;
  return strcmp (table->name, "work_order") == 0 &&
         fl_workflow_field_kind (field) == FL_WO_FIELD_LIFECYCLE;
}

/* An assignee must be an engineer who works at the order's site, with an account in use. */
static gboolean
check_assignee (Push *p, JsonObject *wo, char **problem, GError **error)
{
  const char *assignee = fl_record_get_string (wo, "assignee");
  if (assignee == NULL)
    return TRUE;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) user = fl_store_find_row (p->store, fl_schema_lookup ("user"), "login", assignee,
                                                  &local_error);
  if (user == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *problem = g_strdup_printf (_("work_order.assignee: there is no user %s"), assignee);
      return TRUE;
    }
  if (!fl_workflow_check_assignee_user (user, fl_record_get_string (wo, "site_id"), &local_error))
    *problem = g_strdup (local_error->message);
  return TRUE;
}

/* A new order: nothing the server sets, and an assignee the rules allow
 * (an engineer records an order for themselves or for nobody). */
static gboolean
check_new_work_order (Push *p, JsonObject *wo, char **problem, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  const FlTable *table = fl_schema_lookup ("work_order");
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *name = table->columns[i].name;
      if (fl_workflow_field_kind (name) == FL_WO_FIELD_LIFECYCLE && fl_record_get_string (wo, name) != NULL &&
          !fl_workflow_check_field (p->role, FL_WO_NEW, name, TRUE, &local_error))
        {
          *problem = g_strdup (local_error->message);
          return TRUE;
        }
    }
  const char *assignee = fl_record_get_string (wo, "assignee");
  if (p->role == FL_ROLE_ENGINEER && assignee != NULL && strcmp (assignee, p->actor->login) != 0 &&
      !fl_workflow_check_field (p->role, FL_WO_NEW, "assignee", FALSE, &local_error))
    {
      *problem = g_strdup (local_error->message);
      return TRUE;
    }
  if (fl_record_get_string (wo, "customer_accepted_at") != NULL)
    {
      check_acceptance (p, status_of (wo), NULL, wo, problem);
      if (*problem != NULL)
        return TRUE;
    }
  return check_assignee (p, wo, problem, error);
}

/* What status moves set comes with a move, and the server sets it then;
 * asked for alone in an update of the work order `current`, it is refused:
 * `problem` receives why. */
static void
check_lifecycle_asked (Push *p, JsonObject *current, JsonObject *changes, char **problem)
{
  g_autoptr(GError) local_error = NULL;
  const FlTable *table = fl_schema_lookup ("work_order");
  FlWorkOrderStatus status = status_of (current);
  gboolean own = g_strcmp0 (fl_record_get_string (current, "assignee"), p->actor->login) == 0;

  if (json_object_has_member (changes, "status"))
    return;
  g_autoptr(GList) asked = json_object_get_members (changes);
  for (GList *l = asked; l != NULL && *problem == NULL; l = l->next)
    {
      if (fl_workflow_field_kind (l->data) != FL_WO_FIELD_LIFECYCLE)
        continue;
      JsonObject *pair = json_object_get_object_member (changes, l->data);
      JsonNode *to = json_object_get_member (pair, "to");
      g_autoptr(JsonObject) wanted = json_object_new ();
      json_object_set_member (wanted, l->data, to != NULL ? json_node_copy (to) : json_node_new (JSON_NODE_NULL));
      if (!fl_record_validate (table, wanted, FL_RECORD_UPDATE, NULL, NULL))
        continue;  /* validation names it */
      JsonNode *now = json_object_get_member (current, l->data);
      if (!fl_json_node_equal (json_object_get_member (wanted, l->data), now) &&
          !fl_workflow_check_field (p->role, status, l->data, own, &local_error))
        *problem = g_strdup (local_error->message);
    }
}

/* What the move of `wo` to the status in `after` sets, at the mutation's
 * time, into `apply` and `after`. */
static gboolean
apply_lifecycle (Push *p, JsonObject *wo, JsonObject *apply, JsonObject *after, GError **error)
{
  SiteSla *sla = site_sla (p, fl_record_get_string (wo, "site_id"), error);
  if (sla == NULL)
    return FALSE;
  g_autoptr(JsonObject) values = json_object_new ();
  fl_work_order_lifecycle (wo, status_of (wo), status_of (after), p->m->at, sla->calendar, values);
  fl_merge_apply (apply, values);
  fl_merge_apply (after, values);
  return TRUE;
}

/* ---- stock ---- */

static gboolean
post_movement (Push *p, FlMovementKind kind, const char *part_id, gint64 qty, const char *from,
               const char *to, const char *serial, const char *reason, GError **error)
{
  const FlTable *table = fl_schema_lookup ("stock_movement");
  char id[37];
  fl_uuid7_generate (id);
  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "created_at", p->at);
  for (guint i = 0; i < table->n_columns; i++)
    json_object_set_null_member (row, table->columns[i].name);
  json_object_set_string_member (row, "kind", fl_movement_kind_to_string (kind));
  json_object_set_string_member (row, "part_id", part_id);
  json_object_set_int_member (row, "qty", qty);
  if (from != NULL)
    json_object_set_string_member (row, "from_location", from);
  if (to != NULL)
    json_object_set_string_member (row, "to_location", to);
  if (serial != NULL)
    json_object_set_string_member (row, "serial", serial);
  json_object_set_string_member (row, "reason", reason);
  json_object_set_string_member (row, "by", p->actor->login);
  json_object_set_string_member (row, "at", p->at);
  return write_row (p, table, row, "append", NULL, error);
}

/* The locations of a movement, and whether this user may move stock out
 * of and into them (fl_access_check_locations). */
static gboolean
check_movement_locations (Push *p, JsonObject *row, char **problem, GError **error)
{
  static const char * const columns[] = { "from_location", "to_location" };
  JsonObject *rows[2] = { NULL, NULL };
  FlLocationFacts facts[2];
  gboolean ok = TRUE;
  for (guint i = 0; i < 2 && ok && *problem == NULL; i++)
    {
      const char *id = fl_record_get_string (row, columns[i]);
      if (id == NULL)
        continue;
      g_autoptr(GError) local_error = NULL;
      rows[i] = fl_store_load_row (p->store, fl_schema_lookup ("stock_location"), id, &local_error);
      if (rows[i] != NULL)
        facts[i] = (FlLocationFacts) {
          .id = id,
          .kind = fl_record_get_string (rows[i], "kind"),
          .site_id = fl_record_get_string (rows[i], "site_id"),
          .owner = fl_record_get_string (rows[i], "owner"),
        };
      else if (g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        *problem = g_strdup_printf (_("stock_movement.%s: there is no stock_location %s on the server"),
                                    columns[i], id);
      else
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          ok = FALSE;
        }
    }
  g_autoptr(GError) local_error = NULL;
  if (ok && *problem == NULL &&
      !fl_access_check_locations (p->role, p->actor->login, p->actor->sites,
                                  rows[0] != NULL ? &facts[0] : NULL, rows[1] != NULL ? &facts[1] : NULL,
                                  &local_error))
    *problem = g_strdup (local_error->message);
  g_clear_pointer (&rows[0], json_object_unref);
  g_clear_pointer (&rows[1], json_object_unref);
  return ok;
}

/* A serial number is in exactly one place: a movement of a tracked part's
 * serial from where the ledger does not have it is refused, so it can never
 * be in two.  (A replica offline may not know a later move; the refusal
 * goes back to the one who recorded it.) */
static gboolean
check_movement_serial (Push *p, JsonObject *row, char **problem, GError **error)
{
  const char *serial = fl_record_get_string (row, "serial");
  const char *part_id = fl_record_get_string (row, "part_id");
  if (serial == NULL || part_id == NULL)
    return TRUE;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) part = fl_store_load_row (p->store, fl_schema_lookup ("part"), part_id, &local_error);
  if (part == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      return TRUE;  /* the part's absence is not this check's to report */
    }
  if (!fl_record_get_bool (part, "serial_tracked"))
    return TRUE;
  g_autofree char *at = NULL, *at_code = NULL;
  if (!fl_store_serial_location (p->store, part_id, serial, &at, &at_code, error))
    return FALSE;
  const char *from = fl_record_get_string (row, "from_location");
  g_autoptr(JsonObject) from_row = from != NULL
    ? fl_store_load_row (p->store, fl_schema_lookup ("stock_location"), from, NULL) : NULL;
  const char *from_code = from_row != NULL ? fl_record_get_string (from_row, "code") : from;
  if (!fl_stock_check_serial (serial, from, from_code, at, at_code, &local_error))
    *problem = g_strdup (local_error->message);
  return TRUE;
}

/* An attachment is seen where its owner row is: the server sets its site
 * from the owner, whatever the client sent. */
static gboolean
set_attachment_site (Push *p, JsonObject *row, char **problem, GError **error)
{
  const char *owner_table = fl_record_get_string (row, "owner_table");
  const char *owner_id = fl_record_get_string (row, "owner_id");
  const FlTable *table = fl_schema_lookup (owner_table);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) owner = fl_store_load_row (p->store, table, owner_id, &local_error);
  if (owner == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *problem = g_strdup_printf (_("attachment.owner_id: there is no %s %s on the server"), owner_table, owner_id);
      return TRUE;
    }
  g_autofree char *site = first_site (p, table, owner, error);
  if (site == NULL)
    return FALSE;
  if (*site != '\0')
    json_object_set_string_member (row, "site_id", site);
  else
    json_object_set_null_member (row, "site_id");
  return TRUE;
}

/* A new CMDB audit round, or a mark on one: a round is planned by a
 * supervisor; a mark goes on an open round the user walks, names a CI of
 * the round's site and fits its result. */
static gboolean
check_new_audit_row (Push *p, const FlTable *table, JsonObject *row, char **problem, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (strcmp (table->name, "cmdb_audit") == 0)
    {
      if (!fl_cmdb_audit_check_change (p->role, p->actor->login, NULL, row, &local_error))
        *problem = g_strdup (local_error->message);
      return TRUE;
    }
  g_autoptr(JsonObject) audit = fl_store_load_row (p->store, fl_schema_lookup ("cmdb_audit"),
                                                   fl_record_get_string (row, "audit_id"), error);
  if (audit == NULL)
    return FALSE;
  if (!fl_cmdb_audit_check_walk (p->role, p->actor->login, audit, &local_error) ||
      !fl_cmdb_audit_check_item (row, &local_error))
    {
      *problem = g_strdup (local_error->message);
      return TRUE;
    }
  const char *ci_id = fl_record_get_string (row, "ci_id");
  if (ci_id == NULL)
    return TRUE;
  g_autoptr(JsonObject) ci = fl_store_load_row (p->store, fl_schema_lookup ("ci"), ci_id, &local_error);
  if (ci == NULL && !g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (ci == NULL || g_strcmp0 (fl_record_get_string (ci, "site_id"), fl_record_get_string (audit, "site_id")) != 0)
    *problem = g_strdup_printf (_("cmdb_audit_item.ci_id: %s is not an item of the audited site"), ci_id);
  return TRUE;
}

/* ---- approvals ---- */

static const char *
review_status (gboolean approve)
{
  return approve ? "approved" : "rejected";
}

static gboolean
decide_work_order (Push *p, JsonObject *target, gboolean approve, const char *comment,
                   char **problem, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (!fl_workflow_check_approval (p->role, status_of (target), approve, &local_error))
    {
      *problem = g_strdup (local_error->message);
      return TRUE;
    }
  FlWorkOrderStatus to = fl_workflow_approval_outcome (approve);
  gint64 at = p->m->at;
  fl_time_parse (p->at, &at, NULL);
  g_autoptr(JsonObject) before = json_object_new ();
  fl_merge_apply (before, target);
  g_autoptr(JsonObject) values = json_object_new ();
  fl_work_order_lifecycle (target, status_of (target), to, at, NULL, values);
  json_object_set_string_member (values, "status", fl_work_order_status_to_string (to));
  fl_merge_apply (target, values);
  if (!approve)
    {
      /* Sent back to work: the reason goes into the work log. */
      const FlTable *log_table = fl_schema_lookup ("work_log");
      char id[37];
      fl_uuid7_generate (id);
      g_autoptr(JsonObject) log = json_object_new ();
      json_object_set_string_member (log, "id", id);
      json_object_set_string_member (log, "created_at", p->at);
      json_object_set_string_member (log, "work_order_id", fl_record_get_string (target, "id"));
      json_object_set_string_member (log, "author", p->actor->login);
      json_object_set_string_member (log, "at", p->at);
      json_object_set_string_member (log, "kind", "status");
      json_object_set_null_member (log, "minutes");
      /* In the reader's language: the comment and a language-free note. */
      fl_record_set_text (log, "text", comment);
      g_autoptr(JsonObject) args = json_object_new ();
      fl_record_set_text (args, "customer", fl_record_get_string (before, "customer_name"));
      fl_work_log_set_note (log, FL_NOTE_RESOLUTION_REJECTED, args);
      if (!write_row (p, log_table, log, "append", NULL, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
decide_pending (JsonObject *target, const FlTable *table, char **problem)
{
  if (g_strcmp0 (fl_record_get_string (target, "status"), "pending") != 0)
    {
      *problem = g_strdup_printf (_("This %s was already %s"), table->name,
                                  fl_record_get_string (target, "status"));
      return FALSE;
    }
  return TRUE;
}

/* CI fields change only through changes: an admin's edit of a CI (or a
 * CI an admin adds) is recorded as a standard change, implemented as it is
 * made. */
static gboolean
record_admin_change (Push *p, JsonObject *ci, JsonObject *changes, GError **error)
{
  g_autoptr(JsonObject) change = fl_ci_change_record_new (ci, changes, _("Edited by an administrator"),
                                                          p->actor->login, p->at);
  return write_row (p, fl_schema_lookup ("change_record"), change, "insert", NULL, error);
}

/* Sets the CI fields the approved proposal or the implemented change
 * `target` of `table` names in its `changes` ({field: {from, to}}), merged
 * like a pushed update of the CI; `problem` receives why they cannot be. */
static gboolean
apply_ci_changes (Push *p, const FlTable *table, JsonObject *target, GPtrArray *conflicts,
                  char **problem, GError **error)
{
  const FlTable *ci_table = fl_schema_lookup ("ci");
  JsonNode *changes_node = json_object_get_member (target, "changes");
  const char *ci_id = fl_record_get_string (target, "ci_id");
  if (changes_node == NULL || JSON_NODE_HOLDS_NULL (changes_node))
    return TRUE;  /* a change of something else than a CI's record */
  if (ci_id == NULL)
    {
      *problem = g_strdup_printf (_("%s.ci_id: the changes name no configuration item"), table->name);
      return TRUE;
    }
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) ci = fl_store_load_row (p->store, ci_table, ci_id, &local_error);
  if (ci == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      *problem = g_strdup (local_error->message);
      return TRUE;
    }
  if (!JSON_NODE_HOLDS_OBJECT (changes_node))
    {
      *problem = g_strdup_printf (_("%s.changes: not a set of changes"), table->name);
      return TRUE;
    }
  /* The changes are checked like a pushed update of the CI. */
  JsonObject *changes = json_node_get_object (changes_node);
  g_autoptr(JsonObject) values = json_object_new ();
  g_autoptr(GList) fields = json_object_get_members (changes);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      JsonNode *pair = json_object_get_member (changes, l->data);
      JsonNode *to = JSON_NODE_HOLDS_OBJECT (pair) ? json_object_get_member (json_node_get_object (pair), "to") : NULL;
      json_object_set_member (values, l->data, to != NULL ? json_node_copy (to) : json_node_new (JSON_NODE_NULL));
    }
  if (!fl_record_validate (ci_table, values, FL_RECORD_UPDATE, NULL, &local_error) ||
      (json_object_has_member (values, "status") &&
       !fl_ci_check_move (fl_record_get_string (ci, "status"), fl_record_get_string (values, "status"),
                          &local_error)))
    {
      *problem = g_strdup (local_error->message);
      return TRUE;
    }
  g_autoptr(JsonObject) apply = json_object_new ();
  fl_merge_changes (ci, changes, apply, conflicts);
  if (!record_conflicts (p, ci_table, ci, conflicts, error))
    return FALSE;
  if (json_object_get_size (apply) == 0)
    return TRUE;
  fl_merge_apply (ci, apply);
  return check_scope (p, ci_table, ci, error) &&
         write_row (p, ci_table, ci, "update", changes, error);
}

/* Applies an approval decision to its target (in the mutation's savepoint).
 * `problem` receives a reason to reject; conflicts of an applied CI change
 * are added to `conflicts`. */
static gboolean
apply_decision (Push *p, const FlTable *table, JsonObject *target, JsonObject *approval,
                GPtrArray *conflicts, char **problem, GError **error)
{
  gboolean approve = g_strcmp0 (fl_record_get_string (approval, "decision"), "approved") == 0;
  const char *comment = fl_record_get_string (approval, "comment");
  g_autoptr(JsonObject) before = json_object_new ();
  fl_merge_apply (before, target);

  if (strcmp (table->name, "work_order") == 0)
    {
      if (!decide_work_order (p, target, approve, comment, problem, error))
        return FALSE;
      if (*problem != NULL)
        return TRUE;
    }
  else if (strcmp (table->name, "change_record") == 0)
    {
      g_autoptr(GError) local_error = NULL;
      if (!fl_change_check_decision (p->role, p->actor->login, target, approve, &local_error))
        {
          *problem = g_strdup (local_error->message);
          return TRUE;
        }
      fl_change_record_decision (target, p->actor->login, approve);
      /* A standard change is implemented by its approval. */
      if (g_strcmp0 (fl_record_get_string (target, "status"), "implemented") == 0 &&
          !apply_ci_changes (p, table, target, conflicts, problem, error))
        return FALSE;
      if (*problem != NULL)
        return TRUE;
    }
  else
    {
      if (!decide_pending (target, table, problem))
        return TRUE;
      json_object_set_string_member (target, "status", review_status (approve));
      if (approve && strcmp (table->name, "stock_count") == 0)
        {
          const char *location = fl_record_get_string (target, "location_id");
          const char *part = fl_record_get_string (target, "part_id");
          g_autoptr(GError) local_error = NULL;
          gint64 balance = fl_store_stock_balance (p->store, location, part, &local_error);
          if (local_error != NULL)
            {
              g_propagate_error (error, g_steal_pointer (&local_error));
              return FALSE;
            }
          gint64 difference = fl_record_get_int (target, "counted", 0) - balance;
          g_autofree char *reason = g_strdup_printf (_("Stocktake %s"), fl_record_get_string (target, "id"));
          if (difference != 0 &&
              !post_movement (p, FL_MOVE_ADJUST, part, ABS (difference),
                              difference < 0 ? location : NULL, difference > 0 ? location : NULL,
                              NULL, reason, error))
            return FALSE;
        }
      else if (approve && strcmp (table->name, "scrap_request") == 0)
        {
          g_autofree char *reason = g_strdup_printf (_("Scrap: %s"), fl_record_get_string (target, "reason"));
          if (!post_movement (p, FL_MOVE_SCRAP, fl_record_get_string (target, "part_id"),
                              fl_record_get_int (target, "qty", 0), fl_record_get_string (target, "location_id"),
                              NULL, fl_record_get_string (target, "serial"), reason, error))
            return FALSE;
        }
      else if (approve && strcmp (table->name, "ci_change_proposal") == 0 &&
               !apply_ci_changes (p, table, target, conflicts, problem, error))
        return FALSE;
      if (*problem != NULL)
        return TRUE;
    }

  /* What the decision changed, with what it took back (a rejected
   * resolution's acceptance), for the history. */
  g_autoptr(JsonObject) detail = fl_store_row_diff (table, before, target);
  json_object_set_string_member (detail, "decision", review_status (approve));
  json_object_set_string_member (detail, "approval_id", fl_record_get_string (approval, "id"));
  if (comment != NULL)
    json_object_set_string_member (detail, "comment", comment);
  return write_row (p, table, target, approve ? "approve" : "reject", detail, error);
}

/* An approval: the decision on the version the supervisor saw. */
static FlMutationResult *
apply_approval (Push *p, JsonObject *approval, GError **error)
{
  const FlMutation *m = p->m;
  const char *target_table = fl_record_get_string (approval, "target_table");
  const char *target_id = fl_record_get_string (approval, "target_id");
  const FlTable *table = fl_schema_lookup (target_table);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) target = fl_store_load_row (p->store, table, target_id, &local_error);
  if (target == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return rejected (m, _("approval.target_id: there is no %s %s on the server"), target_table, target_id);
    }
  if (!check_scope (p, table, target, error))
    return NULL;
  gint64 seen = fl_record_get_int (approval, "target_version", 0);
  gint64 now = fl_record_get_int (target, "version", 0);
  if (strcmp (table->name, "change_record") == 0 ? !fl_change_decision_is_current (target, seen) : seen != now)
    return rejected (m, _("Stale approval: the %s changed since you saw it (version %" PRId64
                          ", now %" PRId64 "); review it again"),
                     target_table, seen, now);

  /* What the decision does carries the time it was taken. */
  g_free (p->at);
  p->at = g_strdup (fl_record_get_string (approval, "at"));

  /* The approval carries its target's site for scope. */
  g_autofree char *site = first_site (p, table, target, error);
  if (site == NULL)
    return NULL;
  if (*site != '\0')
    json_object_set_string_member (approval, "site_id", site);
  else
    json_object_set_null_member (approval, "site_id");

  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();
  g_autofree char *problem = NULL;
  if (!apply_decision (p, table, target, approval, conflicts, &problem, error))
    return NULL;
  if (problem != NULL)
    return rejected (m, "%s", problem);
  if (!write_row (p, fl_schema_lookup ("approval"), approval, "append", NULL, error))
    return NULL;
  FlMutationResult *result = fl_mutation_result_new (m->mid, conflicts->len > 0 ? FL_RESULT_CONFLICT
                                                                                : FL_RESULT_APPLIED);
  g_ptr_array_extend_and_steal (result->conflicts, g_steal_pointer (&conflicts));
  return result;
}

/* ---- the three operations ---- */

/* Who did it is the signed-in user, and when lies in the window the device
 * may claim: NULL, or the reason to reject naming the column.  A missing
 * author is filled in. */
static char *
author_and_time_problem (Push *p, const FlTable *table, JsonObject *row)
{
  const char *author = fl_table_author_column (table);
  if (author != NULL)
    {
      const char *claimed = fl_record_get_string (row, author);
      if (claimed != NULL && g_strcmp0 (claimed, p->actor->login) != 0)
        return g_strdup_printf (_("%s.%s: recorded as %s, but you are signed in as %s"),
                                table->name, author, claimed, p->actor->login);
      json_object_set_string_member (row, author, p->actor->login);
    }
  const char *when = fl_table_when_column (table);
  gint64 at;
  if (when != NULL && fl_time_parse (fl_record_get_string (row, when), &at, NULL))
    {
      g_autofree char *what = g_strdup_printf ("%s.%s", table->name, when);
      return claimed_time_problem (p, what, at);
    }
  return NULL;
}

/* The board of a change: supervisors with an account in use, each once. */
static gboolean
check_approvers (Push *p, JsonObject *change, char **problem, GError **error)
{
  JsonNode *node = json_object_get_member (change, "approvers");
  if (node == NULL || JSON_NODE_HOLDS_NULL (node))
    return TRUE;
  JsonArray *approvers = JSON_NODE_HOLDS_ARRAY (node) ? json_node_get_array (node) : NULL;
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; approvers != NULL && i < json_array_get_length (approvers) && *problem == NULL; i++)
    {
      JsonNode *item = json_array_get_element (approvers, i);
      const char *login = JSON_NODE_HOLDS_VALUE (item) && json_node_get_value_type (item) == G_TYPE_STRING
        ? json_node_get_string (item) : NULL;
      if (login == NULL || !g_hash_table_add (seen, (gpointer) login))
        {
          *problem = g_strdup (_("change_record.approvers: name each member of the board once, by login"));
          break;
        }
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) user = fl_store_find_row (p->store, fl_schema_lookup ("user"), "login", login,
                                                      &local_error);
      if (user == NULL && !g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (user == NULL || g_strcmp0 (fl_record_get_string (user, "role"), "supervisor") != 0 ||
          fl_record_get_bool (user, "disabled"))
        *problem = g_strdup_printf (_("change_record.approvers: %s is not a supervisor with an account in use; "
                                      "the board approves as supervisors"), login);
    }
  if (approvers == NULL && *problem == NULL)
    *problem = g_strdup (_("change_record.approvers: name each member of the board once, by login"));
  return TRUE;
}

/* The documents a major change is approved on are files attached to it:
 * each `*_attachment` that `fields` sets must name an attachment of
 * `change`.  `problem` receives why one does not. */
static gboolean
check_change_documents (Push *p, JsonObject *change, JsonObject *fields, char **problem, GError **error)
{
  static const char * const columns[] = { "rollback_plan_attachment", "test_report_attachment" };
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const char *attachment_id = fl_record_get_string (fields, columns[i]);
      if (attachment_id == NULL)
        continue;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(JsonObject) attachment = fl_store_load_row (p->store, fl_schema_lookup ("attachment"),
                                                            attachment_id, &local_error);
      if (attachment == NULL && !g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (attachment == NULL ||
          g_strcmp0 (fl_record_get_string (attachment, "owner_table"), "change_record") != 0 ||
          g_strcmp0 (fl_record_get_string (attachment, "owner_id"), fl_record_get_string (change, "id")) != 0)
        {
          *problem = g_strdup_printf (_("change_record.%s: %s is not a file attached to this change; "
                                        "attach the document to the change first"), columns[i], attachment_id);
          return TRUE;
        }
    }
  return TRUE;
}

static FlMutationResult *apply_update (Push *p, const FlTable *table, JsonObject *current,
                                       JsonObject *changes, gboolean replayed_insert, GError **error);

static FlMutationResult *
apply_new_row (Push *p, const FlTable *table, GError **error)
{
  const FlMutation *m = p->m;
  g_autoptr(GError) local_error = NULL;

  /* The same id again: an append is idempotent; an insert merges like an
   * update from an empty row, filling what the server lacks. */
  g_autoptr(JsonObject) existing = fl_store_load_row (p->store, table, m->id, &local_error);
  if (existing == NULL && !g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  if (existing != NULL)
    {
      if (!check_scope (p, table, existing, error))
        return NULL;
      if (m->op == FL_MUTATION_APPEND)
        return fl_mutation_result_new (m->mid, FL_RESULT_MERGED);
      g_autoptr(JsonObject) changes = json_object_new ();
      g_autoptr(GList) fields = json_object_get_members (m->fields);
      for (GList *l = fields; l != NULL; l = l->next)
        {
          JsonObject *pair = json_object_new ();
          json_object_set_null_member (pair, "from");
          json_object_set_member (pair, "to", json_node_copy (json_object_get_member (m->fields, l->data)));
          json_object_set_object_member (changes, l->data, pair);
        }
      return apply_update (p, table, existing, changes, TRUE, error);
    }
  g_clear_error (&local_error);

  g_autoptr(JsonObject) fields = json_object_new ();
  fl_merge_apply (fields, m->fields);
  g_autofree char *author_problem = author_and_time_problem (p, table, fields);
  if (author_problem != NULL)
    return rejected (m, "%s", author_problem);
  if (!fl_record_validate (table, fields, FL_RECORD_INSERT, NULL, &local_error))
    return rejected_by (m, local_error);

  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "id", m->id);
  json_object_set_string_member (row, "created_at", p->at);
  for (guint i = 0; i < table->n_columns; i++)
    {
      JsonNode *value = json_object_get_member (fields, table->columns[i].name);
      json_object_set_member (row, table->columns[i].name,
                              value != NULL ? json_node_copy (value) : json_node_new (JSON_NODE_NULL));
    }

  if (strcmp (table->name, "approval") == 0)
    return apply_approval (p, row, error);

  g_autofree char *problem = NULL;
  if (!parents_exist (p, table, row, &problem, error))
    return NULL;
  if (problem == NULL && strcmp (table->name, "attachment") == 0 &&
      !set_attachment_site (p, row, &problem, error))
    return NULL;
  if (problem != NULL)
    return rejected (m, "%s", problem);
  if (!check_scope (p, table, row, error))
    return NULL;

  if (strcmp (table->name, "work_order") == 0)
    {
      FlWorkOrderFacts facts;
      fl_update_work_order_facts (p->actor->login, NULL, row, &facts);
      if (!fl_workflow_check_create (p->role, status_of (row), &facts, &local_error))
        return rejected_by (m, local_error);
      if (!check_new_work_order (p, row, &problem, error))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
      if (!derive_work_order (p, row, &problem, error))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }
  else if (strcmp (table->name, "stock_movement") == 0)
    {
      const char *kind_name = fl_record_get_string (row, "kind");
      FlMovementKind kind = FL_MOVE_USE;
      if (!fl_access_check_movement_kind (p->role, kind_name, &local_error))
        {
          forbidden (p, error, local_error->message);
          return NULL;
        }
      fl_movement_kind_from_string (kind_name, &kind);
      if (!fl_stock_check_movement (kind, fl_record_get_string (row, "from_location"),
                                    fl_record_get_string (row, "to_location"),
                                    fl_record_get_int (row, "qty", 0), &local_error))
        return rejected_by (m, local_error);
      if (!check_movement_locations (p, row, &problem, error))
        return NULL;
      if (problem == NULL && !check_movement_serial (p, row, &problem, error))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }
  else if (strcmp (table->name, "cmdb_audit") == 0 || strcmp (table->name, "cmdb_audit_item") == 0)
    {
      if (!check_new_audit_row (p, table, row, &problem, error))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }
  else if (g_strv_contains ((const char * const[]) { "stock_count", "scrap_request", "ci_change_proposal", NULL },
                            table->name) &&
           g_strcmp0 (fl_record_get_string (row, "status"), "pending") != 0)
    return rejected (m, _("%s.status: a new one is pending until a supervisor decides"), table->name);
  else if (strcmp (table->name, "change_record") == 0 &&
           g_strcmp0 (fl_record_get_string (row, "status"), "requested") != 0)
    return rejected (m, _("change_record.status: a new change is requested until it is approved"));
  else if (strcmp (table->name, "change_record") == 0)
    {
      json_object_set_null_member (row, "approved_by");
      json_object_set_null_member (row, "approval_base");
      if (!check_approvers (p, row, &problem, error) ||
          (problem == NULL && !check_change_documents (p, row, row, &problem, error)))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }
  else if (strcmp (table->name, "problem") == 0 &&
           g_strcmp0 (fl_record_get_string (row, "status"), "registered") != 0)
    return rejected (m, _("problem.status: a new problem is registered first"));

  if (!write_row (p, table, row, fl_mutation_op_to_string (m->op), fields, error))
    return NULL;
  if (strcmp (table->name, "ci") == 0)
    {
      g_autoptr(JsonObject) added = fl_ci_change_record_fields_of_new (row);
      if (!record_admin_change (p, row, added, error))
        return NULL;
    }
  return fl_mutation_result_new (m->mid, FL_RESULT_APPLIED);
}

/* What an update of a change does beyond fl_update_check's rules: editing
 * what a requested change does starts its approvals over; its approvers and
 * documents must exist; implementing it sets the CI fields it names (their
 * conflicts are recorded on the CI).  `problem` receives the reason to
 * reject. */
static gboolean
check_change_update (Push *p, JsonObject *current, JsonObject *apply, JsonObject *after,
                     char **problem, GError **error)
{
  gboolean resets = FALSE;
  g_autoptr(GList) fields = json_object_get_members (apply);
  for (GList *l = fields; l != NULL; l = l->next)
    resets = resets || fl_change_field_resets_approvals (l->data);
  if (resets)
    {
      json_object_set_null_member (after, "approved_by");
      json_object_set_null_member (after, "approval_base");
    }
  if (json_object_has_member (apply, "approvers") && (!check_approvers (p, after, problem, error) || *problem != NULL))
    return *problem != NULL;
  if (!check_change_documents (p, after, apply, problem, error) || *problem != NULL)
    return *problem != NULL;
  if (!json_object_has_member (apply, "status"))
    return TRUE;
  g_autoptr(GPtrArray) ci_conflicts = fl_conflict_array_new ();
  return g_strcmp0 (fl_record_get_string (after, "status"), "implemented") != 0 ||
         apply_ci_changes (p, fl_schema_lookup ("change_record"), after, ci_conflicts, problem, error);
}

static FlMutationResult *
apply_update (Push *p, const FlTable *table, JsonObject *current, JsonObject *changes,
              gboolean replayed_insert, GError **error)
{
  const FlMutation *m = p->m;
  g_autoptr(GError) local_error = NULL;
  if (!check_scope (p, table, current, error))
    return NULL;

  /* The values asked for must be valid for an update (no field fixed at
   * insert changes; a replayed insert may repeat them). */
  g_autoptr(JsonObject) values = json_object_new ();
  g_autoptr(GList) fields = json_object_get_members (changes);
  for (GList *l = fields; l != NULL; l = l->next)
    {
      const FlColumn *column = fl_table_column (table, l->data);
      JsonNode *to = json_object_get_member (json_object_get_object_member (changes, l->data), "to");
      if (replayed_insert && column != NULL && (column->flags & FL_COL_IMMUTABLE))
        continue;
      if (server_sets (table, l->data))
        continue;
      json_object_set_member (values, l->data, to != NULL ? json_node_copy (to) : json_node_new (JSON_NODE_NULL));
    }
  if (!fl_record_validate (table, values, FL_RECORD_UPDATE, NULL, &local_error))
    return rejected_by (m, local_error);
  if (!fl_update_check_asked (table, values, &local_error))
    return rejected_by (m, local_error);

  /* The merge compares normalised values: rewrite each change's `to`. */
  g_autoptr(JsonObject) normal_changes = json_object_new ();
  for (GList *l = fields; l != NULL; l = l->next)
    {
      if (server_sets (table, l->data))
        continue;
      JsonObject *pair = json_object_get_object_member (changes, l->data);
      JsonObject *copy = json_object_new ();
      JsonNode *from = json_object_get_member (pair, "from");
      json_object_set_member (copy, "from", from != NULL ? json_node_copy (from) : json_node_new (JSON_NODE_NULL));
      JsonNode *to = json_object_get_member (values, l->data);
      if (to == NULL)
        to = json_object_get_member (pair, "to");
      json_object_set_member (copy, "to", json_node_copy (to));
      json_object_set_object_member (normal_changes, l->data, copy);
    }

  g_autoptr(JsonObject) apply = json_object_new ();
  g_autoptr(GPtrArray) conflicts = fl_conflict_array_new ();
  FlMergeOutcome outcome = fl_merge_changes (current, normal_changes, apply, conflicts);

  g_autoptr(JsonObject) after = json_object_new ();
  fl_merge_apply (after, current);
  fl_merge_apply (after, apply);

  /* Out of the user's sites refuses the request (403) before any rule. */
  if (json_object_get_size (apply) > 0 && !check_scope (p, table, after, error))
    return NULL;
  g_autofree char *problem = NULL;
  if (strcmp (table->name, "work_order") == 0)
    {
      check_lifecycle_asked (p, current, changes, &problem);
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }
  /* The rules a client also checks before it offers to keep its value. */
  if (!fl_update_check (table, p->role, p->actor->login, current, after, apply, &local_error))
    return rejected_by (m, local_error);
  /* A location with stock history keeps its site: re-siting it would take
   * its movements out of the replicas of the sites that had them. */
  if (strcmp (table->name, "stock_location") == 0 && json_object_has_member (apply, "site_id"))
    {
      gboolean in_use = FALSE;
      if (!fl_store_location_has_stock (p->store, m->id, &in_use, error))
        return NULL;
      if (in_use)
        return rejected (m, _("stock_location.site_id: this location has stock history and keeps its site; "
                              "record a new location at the other site and transfer the stock"));
    }
  /* An assignee with an account in use at the order's site. */
  if (strcmp (table->name, "work_order") == 0 &&
      (json_object_has_member (apply, "assignee") || json_object_has_member (apply, "site_id")))
    {
      if (!check_assignee (p, after, &problem, error))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }
  if (strcmp (table->name, "work_order") == 0 && json_object_has_member (apply, "status") &&
      !apply_lifecycle (p, current, apply, after, error))
    return NULL;
  if (strcmp (table->name, "change_record") == 0 && json_object_get_size (apply) > 0)
    {
      if (!check_change_update (p, current, apply, after, &problem, error))
        return NULL;
      if (problem != NULL)
        return rejected (m, "%s", problem);
    }

  /* What the server set in place of a client's lifecycle time goes back to
   * the device with the row, even when nothing else changed (the move
   * itself may have lost to another change). */
  gboolean replaced = FALSE;
  g_autoptr(GList) asked = json_object_get_members (changes);
  for (GList *l = asked; l != NULL && strcmp (table->name, "work_order") == 0; l = l->next)
    if (server_sets (table, l->data) && fl_workflow_field_kind (l->data) == FL_WO_FIELD_LIFECYCLE)
      {
        JsonNode *to = json_object_get_member (json_object_get_object_member (changes, l->data), "to");
        JsonNode *kept = json_object_get_member (after, l->data);
        replaced = replaced || !fl_json_node_equal (to, kept);
      }
  if (json_object_get_size (apply) > 0 || replaced)
    {
      /* Due times move only with what they are computed from, not with a
       * policy edited since: an unrelated edit leaves them as they are. */
      if (strcmp (table->name, "work_order") == 0 &&
          (json_object_has_member (apply, "impact") || json_object_has_member (apply, "urgency") ||
           json_object_has_member (apply, "site_id") || json_object_has_member (apply, "service") ||
           json_object_has_member (apply, "on_hold_seconds")))
        {
          if (!derive_work_order (p, after, &problem, error))
            return NULL;
          if (problem != NULL)
            return rejected (m, "%s", problem);
        }
      /* A security event's grade moves with its outage and loss alone. */
      if (strcmp (table->name, "work_order") == 0 &&
          (json_object_has_member (apply, "category") || json_object_has_member (apply, "outage_minutes") ||
           json_object_has_member (apply, "loss_cny")))
        fl_security_derive (after);
      /* What changed, for the history view. */
      g_autoptr(JsonObject) detail = json_object_new ();
      g_autoptr(GList) applied = json_object_get_members (apply);
      for (GList *l = applied; l != NULL; l = l->next)
        {
          JsonObject *pair = json_object_new ();
          JsonNode *from = json_object_get_member (current, l->data);
          json_object_set_member (pair, "from", from != NULL ? json_node_copy (from) : json_node_new (JSON_NODE_NULL));
          json_object_set_member (pair, "to", json_node_copy (json_object_get_member (apply, l->data)));
          json_object_set_object_member (detail, l->data, pair);
        }
      if (!write_row (p, table, after, "update", detail, error))
        return NULL;
      if (strcmp (table->name, "ci") == 0 && !record_admin_change (p, after, detail, error))
        return NULL;
    }
  /* Last: every rule that may reject the mutation (the derived due times
   * above) is checked before it writes anything. */
  if (!record_conflicts (p, table, current, conflicts, error))
    return NULL;

  FlResultStatus status = outcome == FL_MERGE_CONFLICT ? FL_RESULT_CONFLICT
                        : outcome == FL_MERGE_MERGED || replayed_insert ? FL_RESULT_MERGED
                        : FL_RESULT_APPLIED;
  FlMutationResult *result = fl_mutation_result_new (m->mid, status);
  g_ptr_array_extend_and_steal (result->conflicts, g_steal_pointer (&conflicts));
  return result;
}

static FlMutationResult *
apply_mutation (Push *p, GError **error)
{
  const FlMutation *m = p->m;
  const FlTable *table = fl_schema_lookup (m->table);
  if (!check_table_access (p, table, fl_mutation_op_to_string (m->op), error))
    return NULL;
  g_autofree char *time_problem = claimed_time_problem (p, "at", m->at);
  if (time_problem != NULL)
    return rejected (m, "%s", time_problem);
  if (m->op != FL_MUTATION_UPDATE)
    return apply_new_row (p, table, error);

  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) current = fl_store_load_row (p->store, table, m->id, &local_error);
  if (current == NULL)
    {
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return rejected (m, _("There is no %s %s on the server to change"), table->name, m->id);
    }
  return apply_update (p, table, current, m->changes, FALSE, error);
}

/* ---- the request ---- */

static void
want_row (GHashTable *wanted, const FlTable *table, const char *id)
{
  if (table == NULL || id == NULL || *id == '\0')
    return;
  GPtrArray *ids = g_hash_table_lookup (wanted, table);
  if (ids == NULL)
    {
      ids = g_ptr_array_new ();
      g_hash_table_insert (wanted, (gpointer) table, ids);
    }
  for (guint i = 0; i < ids->len; i++)
    if (strcmp (ids->pdata[i], id) == 0)
      return;
  g_ptr_array_add (ids, (gpointer) id);
}

/* The rows the mutations will read first, asked for at once: each
 * mutation's row and the rows its new fields refer to (a log entry's work
 * order, a movement's part and locations). */
static gboolean
prefetch_rows (Push *p, const FlPushRequest *request, GError **error)
{
  g_autoptr(GHashTable) wanted = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  for (guint i = 0; i < request->mutations->len; i++)
    {
      const FlMutation *m = request->mutations->pdata[i];
      const FlTable *table = fl_schema_lookup (m->table);
      if (table == NULL)
        continue;
      want_row (wanted, table, m->id);
      for (guint c = 0; m->fields != NULL && c < table->n_columns; c++)
        if (table->columns[c].type == FL_COL_REF && table->columns[c].ref_table != NULL)
          {
            JsonNode *value = json_object_get_member (m->fields, table->columns[c].name);
            if (value != NULL && JSON_NODE_HOLDS_VALUE (value) && json_node_get_value_type (value) == G_TYPE_STRING)
              want_row (wanted, fl_schema_lookup (table->columns[c].ref_table), json_node_get_string (value));
          }
    }
  GHashTableIter iter;
  gpointer table, ids;
  g_hash_table_iter_init (&iter, wanted);
  while (g_hash_table_iter_next (&iter, &table, &ids))
    {
      g_ptr_array_add (ids, NULL);
      if (!fl_store_prefetch_rows (p->store, table, (const char * const *) ((GPtrArray *) ids)->pdata, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
push_in_transaction (Push *p, const FlPushRequest *request, FlPushResponse *response,
                     char **bad_field, GError **error)
{
  if (!prefetch_rows (p, request, error))
    return FALSE;
  /* Every result is recorded, rejections too: a mid above the last one
   * recorded is new and needs no look-up. */
  gint64 last_mid = fl_store_device_last_mid (p->store, p->actor->device_id, error);
  if (last_mid < 0)
    return FALSE;
  for (guint i = 0; i < request->mutations->len; i++)
    {
      p->m = request->mutations->pdata[i];
      g_free (p->path);
      p->path = g_strdup_printf ("mutations[%u]", i);
      g_free (p->at);
      p->at = fl_time_format (p->m->at);

      /* Already applied: the recorded answer, and nothing else. */
      g_autoptr(GError) lookup_error = NULL;
      g_autoptr(JsonObject) stored = p->m->mid > last_mid ? NULL
        : fl_store_get_result (p->store, p->actor->device_id, p->m->mid, &lookup_error);
      if (lookup_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&lookup_error));
          return FALSE;
        }
      if (stored != NULL)
        {
          g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), stored);
          FlMutationResult *result = fl_mutation_result_from_json (node, error);
          if (result == NULL)
            return FALSE;
          g_ptr_array_add (response->results, result);
          continue;
        }

      /* No savepoint per mutation: every rejection is decided before the
       * mutation writes anything, and a value another row holds (a site
       * code) fails its first write, which leaves nothing written.  That
       * refuses this mutation alone, in words naming the field. */
      p->writes = 0;
      g_autoptr(GError) local_error = NULL;
      FlMutationResult *result = apply_mutation (p, &local_error);
      if (result == NULL && g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_EXISTS))
        result = rejected_by (p->m, local_error);
      if (result == NULL)
        {
          if (g_error_matches (local_error, FL_PUSH_ERROR, FL_PUSH_ERROR_FORBIDDEN) && bad_field != NULL)
            *bad_field = g_strdup (p->path);
          g_propagate_error (error, g_steal_pointer (&local_error));
          return FALSE;
        }
      if (result->status == FL_RESULT_REJECTED && p->writes > 0)
        {
          /* A rule checked after writing: nothing could undo the writes
           * but the whole request. */
          g_critical ("%s (mid %" PRId64 ") was rejected after writing %u rows: %s", p->path, p->m->mid,
                      p->writes, result->error);
          g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED,
                       _("%s: the server could not apply this change; nothing of the request was applied"),
                       p->path);
          fl_mutation_result_free (result);
          return FALSE;
        }
      g_ptr_array_add (response->results, result);

      g_autoptr(JsonNode) node = fl_mutation_result_to_json (result);
      if (!fl_store_put_result (p->store, p->actor->device_id, p->m->mid, json_node_get_object (node), error))
        return FALSE;
    }
  return TRUE;
}

/* The device marks a mutation refused with the whole request as rejected
 * and sends the rest again.  Its rejection is recorded like any result, so
 * that a late copy of the old request (held back by the network) answers
 * "rejected" for it and changes nothing, even once the user may do it. */
static void
remember_refusal (Push *p, const GError *refusal)
{
  g_autoptr(FlMutationResult) result = rejected_by (p->m, refusal);
  g_autoptr(JsonNode) node = fl_mutation_result_to_json (result);
  g_autoptr(GError) error = NULL;
  if (!fl_store_put_result (p->store, p->actor->device_id, p->m->mid, json_node_get_object (node), &error))
    g_warning ("Could not record the refusal of mid %" PRId64 " of device %s: %s",
               p->m->mid, p->actor->device_id, error->message);
}

FlPushResponse *
fl_push_apply (FlStore *store, const FlPushActor *actor, const FlPushRequest *request,
               const FlPushLimits *limits, char **bad_field, GError **error)
{
  Push p = {
    .store = store,
    .actor = actor,
    .limits = limits,
    .slas = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) site_sla_free),
  };
  if (!fl_role_from_string (actor->role, &p.role))
    {
      g_hash_table_unref (p.slas);
      g_set_error (error, FL_PUSH_ERROR, FL_PUSH_ERROR_FORBIDDEN, _("Your account has no valid role"));
      return NULL;
    }
  g_autoptr(FlPushResponse) response = fl_push_response_new ();
  g_autoptr(GError) local_error = NULL;
  gboolean ok = fl_store_begin (store, &local_error);
  if (ok)
    {
      ok = push_in_transaction (&p, request, response, bad_field, &local_error);
      if (ok)
        ok = fl_store_commit (store, &local_error);
      else
        fl_store_rollback (store);
    }
  /* Where the log stands, read after the commit: not while other
   * instances' pushes wait for this one's. */
  if (ok)
    {
      response->seq = fl_store_last_seq (store, &local_error);
      ok = response->seq >= 0;
    }
  if (!ok && g_error_matches (local_error, FL_PUSH_ERROR, FL_PUSH_ERROR_FORBIDDEN) && p.m != NULL)
    remember_refusal (&p, local_error);
  g_hash_table_unref (p.slas);
  g_free (p.path);
  g_free (p.at);
  if (!ok)
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  return g_steal_pointer (&response);
}
