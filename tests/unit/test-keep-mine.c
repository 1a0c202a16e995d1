/* "Keep Mine" of a conflict is offered only when the server would accept
 * the user's value now: the role's right to change the table and the rules
 * of each table (fl_update_check), on the row as the server has it. */
#include "fl-test-util.h"

#include <fl-outbox.h>
#include <fl-update-rules.h>

typedef struct {
  FlDb *db;
  char *dir;
  char *site;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("KMN", &f->dir);
  f->site = fl_test_insert_site (f->db);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
}

static JsonNode *
node (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonNode *parsed = json_from_string (json, &error);
  g_assert_no_error (error);
  return parsed;
}

/* A pushed update of `id` in `table` that kept the server's value `theirs`
 * of `field` against `mine` (both JSON text), as the outbox keeps it. */
static FlOutboxEntry *
conflict_entry (const char *table, const char *id, const char *field, const char *theirs, const char *mine)
{
  FlOutboxEntry *entry = g_new0 (FlOutboxEntry, 1);
  entry->table = g_strdup (table);
  entry->row_id = g_strdup (id);
  entry->op = FL_MUTATION_UPDATE;
  entry->state = g_strdup ("conflict");
  entry->conflicts = fl_conflict_array_new ();
  g_autoptr(JsonNode) theirs_node = node (theirs);
  g_autoptr(JsonNode) mine_node = node (mine);
  g_ptr_array_add (entry->conflicts, fl_conflict_new (field, NULL, mine_node, theirs_node));
  return entry;
}

/* Whether `role` as `actor` may keep mine; a refusal has a reason in words. */
static gboolean
may_keep (Fixture *f, const FlOutboxEntry *entry, FlRole role, const char *actor)
{
  g_autoptr(GError) error = NULL;
  gboolean ok = fl_outbox_check_keep_mine (f->db, entry, role, actor, &error);
  if (ok)
    g_assert_no_error (error);
  else
    g_assert_true (error != NULL && *error->message != '\0');
  return ok;
}

/* The row as a pull from the server would leave it. */
static void
set_status (Fixture *f, const char *table, const char *id, const char *status)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = fl_record_load (f->db, fl_schema_lookup (table), id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (row, "status", status);
  g_assert_true (fl_record_store (f->db, fl_schema_lookup (table), row, NULL, &error));
  g_assert_no_error (error);
}

static char *
insert (Fixture *f, const char *table, const char *format, ...) G_GNUC_PRINTF (3, 4);

static char *
insert (Fixture *f, const char *table, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *json = g_strdup_vprintf (format, args);
  va_end (args);
  return fl_test_insert (f->db, table, json);
}

/* Closing is a supervisor's approval, never a status update, for anyone. */
static void
test_work_order (Fixture *f, gconstpointer data)
{
  FlWorkOrderDraft draft = {
    .kind = "maintenance", .title = "UPS battery test", .site_id = f->site,
    .impact = 3, .urgency = 3, .assignee = "wang.wu",
  };
  g_autofree char *id = NULL;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_work_order_create (f->db, &draft, "wang.wu", &id, &error));
  g_assert_no_error (error);
  g_autoptr(FlOutboxEntry) title = conflict_entry ("work_order", id, "title", "\"UPS A test\"", "\"UPS B test\"");
  g_assert_true (may_keep (f, title, FL_ROLE_ENGINEER, "wang.wu"));
  g_assert_false (may_keep (f, title, FL_ROLE_CLERK, "chen.jing"));
  g_autoptr(FlOutboxEntry) closed = conflict_entry ("work_order", id, "status", "\"resolved\"", "\"closed\"");
  g_assert_false (may_keep (f, closed, FL_ROLE_ENGINEER, "wang.wu"));
  g_assert_false (may_keep (f, closed, FL_ROLE_SUPERVISOR, "lina"));
}

/* A CI's status follows its lifecycle: retired is final. */
static void
test_ci (Fixture *f, gconstpointer data)
{
  g_autofree char *id = insert (f, "ci", "{\"code\": \"SRV-1\", \"name\": \"HIS database\", \"type\": \"server\","
                                " \"site_id\": \"%s\", \"status\": \"testing\"}", f->site);
  g_autoptr(FlOutboxEntry) in_use = conflict_entry ("ci", id, "status", "\"testing\"", "\"in_use\"");
  g_assert_true (may_keep (f, in_use, FL_ROLE_ADMIN, "admin"));
  g_autoptr(FlOutboxEntry) revived = conflict_entry ("ci", id, "status", "\"retired\"", "\"in_use\"");
  g_assert_false (may_keep (f, revived, FL_ROLE_ADMIN, "admin"));
  /* Only admins edit CIs; the field proposes corrections instead. */
  g_autoptr(FlOutboxEntry) renamed = conflict_entry ("ci", id, "name", "\"HIS DB\"", "\"HIS database 1\"");
  g_assert_false (may_keep (f, renamed, FL_ROLE_ENGINEER, "wang.wu"));
}

/* Only a supervisor chooses who works on a problem. */
static void
test_problem (Fixture *f, gconstpointer data)
{
  g_autofree char *id = insert (f, "problem", "{\"ref\": \"PRB-1\", \"title\": \"PACS freezes\", \"site_id\": \"%s\","
                                " \"origin\": \"incident\", \"priority\": 2, \"status\": \"assigned\","
                                " \"assignee\": \"wang.wu\", \"by\": \"wang.wu\", \"at\": \"2026-11-20T08:00:00.000Z\"}",
                                f->site);
  g_autoptr(FlOutboxEntry) assignee = conflict_entry ("problem", id, "assignee", "\"li.wei\"", "\"wang.wu\"");
  g_assert_false (may_keep (f, assignee, FL_ROLE_ENGINEER, "wang.wu"));
  g_assert_true (may_keep (f, assignee, FL_ROLE_SUPERVISOR, "lina"));
}

/* What a change does is edited only while it is requested. */
static void
test_change (Fixture *f, gconstpointer data)
{
  g_autofree char *id = insert (f, "change_record", "{\"ref\": \"CHG-1\", \"kind\": \"general\", \"title\": \"Swap core switch\","
                                " \"reason\": \"end of life\", \"site_id\": \"%s\", \"status\": \"requested\","
                                " \"by\": \"wang.wu\", \"at\": \"2026-11-20T08:00:00.000Z\"}", f->site);
  g_autoptr(FlOutboxEntry) requested = conflict_entry ("change_record", id, "reason", "\"end of support\"", "\"EOL\"");
  g_assert_true (may_keep (f, requested, FL_ROLE_ENGINEER, "wang.wu"));
  /* Approved meanwhile on the server, as the pulled row says. */
  set_status (f, "change_record", id, "approved");
  g_assert_false (may_keep (f, requested, FL_ROLE_ENGINEER, "wang.wu"));
}

/* An engineer walks and submits a round and changes nothing else of it. */
static void
test_cmdb_audit (Fixture *f, gconstpointer data)
{
  g_autofree char *id = insert (f, "cmdb_audit", "{\"ref\": \"AUD-1\", \"site_id\": \"%s\", \"due_on\": \"2026-12-31\","
                                " \"status\": \"planned\"}", f->site);
  g_autoptr(FlOutboxEntry) due = conflict_entry ("cmdb_audit", id, "due_on", "\"2026-12-15\"", "\"2027-01-15\"");
  g_assert_false (may_keep (f, due, FL_ROLE_ENGINEER, "wang.wu"));
  g_assert_true (may_keep (f, due, FL_ROLE_SUPERVISOR, "lina"));
  /* Cancelled on the server: a cancelled round stays as it is. */
  g_autoptr(FlOutboxEntry) started = conflict_entry ("cmdb_audit", id, "status", "\"cancelled\"", "\"in_progress\"");
  g_assert_false (may_keep (f, started, FL_ROLE_ENGINEER, "wang.wu"));
}

/* Stock: a count's status is an approval's; parts and counts are the
 * stores' (clerks, and supervisors reviewing a count). */
static void
test_stock (Fixture *f, gconstpointer data)
{
  g_autofree char *part = insert (f, "part", "{\"sku\": \"BAT-12V\", \"name\": \"UPS battery\", \"unit\": \"pcs\"}");
  g_autofree char *location = insert (f, "stock_location", "{\"code\": \"WH1\", \"name\": \"Main store\","
                                      " \"kind\": \"warehouse\", \"site_id\": \"%s\"}", f->site);
  g_autofree char *count = insert (f, "stock_count", "{\"location_id\": \"%s\", \"part_id\": \"%s\", \"counted\": 7,"
                                   " \"expected_at_count\": 8, \"by\": \"chen.jing\","
                                   " \"at\": \"2026-11-20T08:00:00.000Z\", \"status\": \"pending\"}", location, part);
  g_autoptr(FlOutboxEntry) counted = conflict_entry ("stock_count", count, "counted", "6", "7");
  g_assert_true (may_keep (f, counted, FL_ROLE_CLERK, "chen.jing"));
  g_assert_false (may_keep (f, counted, FL_ROLE_ENGINEER, "wang.wu"));
  g_autoptr(FlOutboxEntry) status = conflict_entry ("stock_count", count, "status", "\"rejected\"", "\"approved\"");
  g_assert_false (may_keep (f, status, FL_ROLE_SUPERVISOR, "lina"));
  g_autoptr(FlOutboxEntry) name = conflict_entry ("part", part, "name", "\"UPS battery 12 V\"", "\"Battery\"");
  g_assert_true (may_keep (f, name, FL_ROLE_CLERK, "chen.jing"));
  g_assert_false (may_keep (f, name, FL_ROLE_ENGINEER, "wang.wu"));
}

/* Inspection rounds are walked by field staff, backup jobs set by admins;
 * who made a row and when are kept as recorded. */
static void
test_inspection_round_and_backup_job (Fixture *f, gconstpointer data)
{
  g_autofree char *template = fl_uuid7_new ();
  g_autofree char *round = insert (f, "inspection_round", "{\"ref\": \"INS-1\", \"site_id\": \"%s\", \"template_id\": \"%s\","
                                   " \"planned_for\": \"2026-12-01\", \"status\": \"planned\"}", f->site, template);
  g_autoptr(FlOutboxEntry) planned = conflict_entry ("inspection_round", round, "planned_for", "\"2026-12-02\"",
                                                     "\"2026-12-03\"");
  g_assert_true (may_keep (f, planned, FL_ROLE_ENGINEER, "wang.wu"));
  g_assert_false (may_keep (f, planned, FL_ROLE_CLERK, "chen.jing"));
  g_autofree char *ci = insert (f, "ci", "{\"code\": \"SRV-2\", \"name\": \"Backup server\", \"type\": \"server\","
                                " \"site_id\": \"%s\", \"status\": \"in_use\"}", f->site);
  g_autofree char *job = insert (f, "backup_job", "{\"ci_id\": \"%s\", \"name\": \"HIS nightly\", \"kind\": \"full\","
                                 " \"schedule\": \"daily\"}", ci);
  g_autoptr(FlOutboxEntry) schedule = conflict_entry ("backup_job", job, "schedule", "\"weekly\"", "\"monthly\"");
  g_assert_true (may_keep (f, schedule, FL_ROLE_ADMIN, "admin"));
  g_assert_false (may_keep (f, schedule, FL_ROLE_ENGINEER, "wang.wu"));
  g_autofree char *change = insert (f, "change_record", "{\"ref\": \"CHG-2\", \"kind\": \"general\", \"title\": \"t\","
                                    " \"reason\": \"r\", \"site_id\": \"%s\", \"status\": \"requested\","
                                    " \"by\": \"chen.jing\", \"at\": \"2026-11-20T08:00:00.000Z\"}", f->site);
  g_autoptr(FlOutboxEntry) by = conflict_entry ("change_record", change, "by", "\"chen.jing\"", "\"wang.wu\"");
  g_assert_false (may_keep (f, by, FL_ROLE_SUPERVISOR, "lina"));
}

int
main (int argc, char *argv[])
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/keep-mine/work-order", Fixture, NULL, fixture_set_up, test_work_order, fixture_tear_down);
  g_test_add ("/keep-mine/ci", Fixture, NULL, fixture_set_up, test_ci, fixture_tear_down);
  g_test_add ("/keep-mine/problem", Fixture, NULL, fixture_set_up, test_problem, fixture_tear_down);
  g_test_add ("/keep-mine/change", Fixture, NULL, fixture_set_up, test_change, fixture_tear_down);
  g_test_add ("/keep-mine/cmdb-audit", Fixture, NULL, fixture_set_up, test_cmdb_audit, fixture_tear_down);
  g_test_add ("/keep-mine/stock", Fixture, NULL, fixture_set_up, test_stock, fixture_tear_down);
  g_test_add ("/keep-mine/inspection-round-and-backup-job", Fixture, NULL, fixture_set_up,
              test_inspection_round_and_backup_job, fixture_tear_down);
  return g_test_run ();
}
