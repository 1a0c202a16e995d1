/* The server's store: rows, the change log a pull pages through, scope
 * resolution and what a user at some sites is told. */
#include "fl-server-test-util.h"
#include "fl-ids.h"
#include "fl-pg-store-conn.h"
#include "fl-accounts.h"
#include "fl-push.h"
#include "fl-time.h"
#include "fl-sla-sweep.h"

static const char *
change_state (FlStoreChange *change)
{
  return change->row != NULL ? "row" : "gone";
}

/* Every change after `cursor` for a user of `sites`, read in pages of
 * `page` entries; the final cursor in `out_cursor`. */
static GPtrArray *
pull_all (FlStore *store, gint64 cursor, guint page, const char * const *sites, gint64 *out_cursor)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *all = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_store_change_free);
  gboolean more = TRUE;
  while (more)
    {
      g_autoptr(GPtrArray) changes = fl_store_changes_since (store, cursor, page, sites, &cursor,
                                                             &more, &error);
      g_assert_no_error (error);
      g_assert_cmpuint (changes->len, <=, page);
      for (guint i = 0; i < changes->len; i++)
        g_ptr_array_add (all, g_steal_pointer (&changes->pdata[i]));
    }
  if (out_cursor != NULL)
    *out_cursor = cursor;
  return all;
}

static FlStoreChange *
find_change (GPtrArray *changes, const char *row_id)
{
  for (guint i = 0; i < changes->len; i++)
    if (g_strcmp0 (((FlStoreChange *) changes->pdata[i])->row_id, row_id) == 0)
      return changes->pdata[i];
  return NULL;
}

static void
test_row_round_trip (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const FlTable *work_order = fl_schema_lookup ("work_order");

  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *id = fl_test_put_work_order (t.store, site, "INC-261122-K3F-0001");
  g_autoptr(JsonObject) row = fl_store_load_row (t.store, work_order, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_record_get_int (row, "version", 0), ==, 1);
  g_assert_cmpstr (fl_record_get_string (row, "title"), ==, "Core switch down");
  g_assert_cmpint (fl_record_get_int (row, "impact", 0), ==, 2);
  const char *created_at = fl_record_get_string (row, "created_at");
  g_assert_nonnull (created_at);
  g_autofree char *created_before = g_strdup (created_at);

  /* A replacement bumps the version and keeps the creation time. */
  json_object_set_string_member (row, "status", "assigned");
  json_object_set_string_member (row, "created_at", "2020-01-01T00:00:00.000Z");
  json_object_remove_member (row, "updated_at");
  gint64 seq = 0;
  fl_store_put_row (t.store, work_order, row, &seq, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, >, 0);
  g_autoptr(JsonObject) again = fl_store_load_row (t.store, work_order, id, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_record_get_int (again, "version", 0), ==, 2);
  g_assert_cmpstr (fl_record_get_string (again, "status"), ==, "assigned");
  g_assert_cmpstr (fl_record_get_string (again, "created_at"), ==, created_before);

  /* Lookups by a column, and their absence. */
  g_autoptr(JsonObject) by_ref = fl_store_find_row (t.store, work_order, "ref", "INC-261122-K3F-0001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (by_ref, "id"), ==, id);
  g_autoptr(JsonObject) none = fl_store_find_row (t.store, work_order, "ref", "nope", &error);
  g_assert_null (none);
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_autoptr(JsonObject) missing = fl_store_load_row (t.store, work_order, "0190a0b0-0000-7000-8000-000000000000", &error);
  g_assert_null (missing);
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* An append-only row is written once: storing it again changes nothing. */
  g_autoptr(JsonObject) log = json_object_new ();
  json_object_set_string_member (log, "work_order_id", id);
  json_object_set_string_member (log, "author", "liwei");
  json_object_set_string_member (log, "at", "2026-11-22T09:30:00.000Z");
  json_object_set_string_member (log, "kind", "note");
  json_object_set_string_member (log, "text", "Replaced the PSU");
  g_autofree char *log_id = fl_test_put (t.store, "work_log", log);
  gint64 last = fl_store_last_seq (t.store, &error);
  json_object_set_string_member (log, "text", "changed");
  fl_store_put_row (t.store, fl_schema_lookup ("work_log"), log, &seq, &error);
  g_assert_no_error (error);
  g_assert_cmpint (seq, ==, 0);
  g_assert_cmpint (fl_store_last_seq (t.store, NULL), ==, last);
  g_autoptr(JsonObject) stored_log = fl_store_load_row (t.store, fl_schema_lookup ("work_log"), log_id, &error);
  g_assert_cmpstr (fl_record_get_string (stored_log, "text"), ==, "Replaced the PSU");

  g_assert_cmpint (fl_store_count_rows (t.store, work_order, &error), ==, 1);
  fl_test_store_close (&t);
}

static void
test_transaction_rollback (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  gint64 seq = fl_store_last_seq (t.store, &error);

  fl_store_begin (t.store, &error);
  g_assert_no_error (error);
  g_autofree char *id = fl_test_put_work_order (t.store, site, "INC-1");
  fl_store_rollback (t.store);

  g_assert_cmpint (fl_store_count_rows (t.store, fl_schema_lookup ("work_order"), NULL), ==, 0);
  g_assert_cmpint (fl_store_last_seq (t.store, NULL), ==, seq);
  fl_test_store_close (&t);
}

static void
test_change_log_order (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const FlTable *work_order = fl_schema_lookup ("work_order");
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *a = fl_test_put_work_order (t.store, site, "INC-A");
  g_autofree char *b = fl_test_put_work_order (t.store, site, "INC-B");
  g_autofree char *c = fl_test_put_work_order (t.store, site, "INC-C");

  gint64 cursor = 0;
  g_autoptr(GPtrArray) first = pull_all (t.store, 0, 2, NULL, &cursor);
  g_assert_cmpuint (first->len, ==, 4);  /* the site and three work orders */
  g_assert_cmpint (cursor, ==, fl_store_last_seq (t.store, NULL));
  for (guint i = 1; i < first->len; i++)
    g_assert_cmpint (((FlStoreChange *) first->pdata[i - 1])->seq, <, ((FlStoreChange *) first->pdata[i])->seq);

  /* A changed row moves to the end of the log: a client that already read
   * up to `cursor` sees it once, after the others. */
  g_autoptr(JsonObject) row = fl_store_load_row (t.store, work_order, a, &error);
  json_object_set_string_member (row, "status", "assigned");
  json_object_remove_member (row, "updated_at");
  fl_store_put_row (t.store, work_order, row, NULL, &error);
  g_assert_no_error (error);

  g_autoptr(GPtrArray) from_start = pull_all (t.store, 0, 1, NULL, NULL);
  g_assert_cmpuint (from_start->len, ==, 4);
  g_assert_cmpstr (((FlStoreChange *) from_start->pdata[1])->row_id, ==, b);
  g_assert_cmpstr (((FlStoreChange *) from_start->pdata[2])->row_id, ==, c);
  g_assert_cmpstr (((FlStoreChange *) from_start->pdata[3])->row_id, ==, a);
  g_assert_cmpstr (fl_record_get_string (((FlStoreChange *) from_start->pdata[3])->row, "status"), ==, "assigned");

  g_autoptr(GPtrArray) after = pull_all (t.store, cursor, 1000, NULL, &cursor);
  g_assert_cmpuint (after->len, ==, 1);
  g_assert_cmpstr (((FlStoreChange *) after->pdata[0])->row_id, ==, a);

  /* Nothing new: an empty page, the cursor stays. */
  gint64 before = cursor;
  g_autoptr(GPtrArray) nothing = pull_all (t.store, cursor, 1000, NULL, &cursor);
  g_assert_cmpuint (nothing->len, ==, 0);
  g_assert_cmpint (cursor, ==, before);
  fl_test_store_close (&t);
}

/* A site, a CI there, its backup job and a check of it: the check finds
 * its site through two via_table steps. */
static void
test_scope_via_chain (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *other = fl_test_put_site (t.store, "HOSP2");

  g_autoptr(JsonObject) ci = json_object_new ();
  json_object_set_string_member (ci, "code", "SRV-001");
  json_object_set_string_member (ci, "name", "HIS database server");
  json_object_set_string_member (ci, "type", "server");
  json_object_set_string_member (ci, "site_id", site);
  json_object_set_string_member (ci, "status", "in_use");
  g_autofree char *ci_id = fl_test_put (t.store, "ci", ci);

  g_autoptr(JsonObject) job = json_object_new ();
  json_object_set_string_member (job, "ci_id", ci_id);
  json_object_set_string_member (job, "name", "HIS nightly");
  json_object_set_string_member (job, "kind", "full");
  json_object_set_string_member (job, "schedule", "daily");
  g_autofree char *job_id = fl_test_put (t.store, "backup_job", job);

  g_autoptr(JsonObject) check = json_object_new ();
  json_object_set_string_member (check, "job_id", job_id);
  json_object_set_string_member (check, "checked_at", "2026-11-22T08:00:00.000Z");
  json_object_set_string_member (check, "by", "liwei");
  json_object_set_string_member (check, "result", "ok");
  fl_record_validate (fl_schema_lookup ("backup_check"), check, FL_RECORD_INSERT, NULL, &error);
  g_assert_no_error (error);
  json_object_set_string_member (check, "id", "0190a0b0-0000-7000-8000-00000000c0c0");

  g_auto(GStrv) sites = fl_store_row_sites (t.store, fl_schema_lookup ("backup_check"), check, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (sites), ==, 1);
  g_assert_cmpstr (sites[0], ==, site);

  /* A site's own scope is itself; the parts catalogue is everyone's. */
  g_autoptr(JsonObject) site_row = fl_store_load_row (t.store, fl_schema_lookup ("site"), other, &error);
  g_auto(GStrv) site_sites = fl_store_row_sites (t.store, fl_schema_lookup ("site"), site_row, &error);
  g_assert_cmpstr (site_sites[0], ==, other);
  g_autoptr(JsonObject) part = json_object_new ();
  json_object_set_string_member (part, "sku", "PSU-550");
  json_object_set_string_member (part, "name", "Power supply 550 W");
  json_object_set_string_member (part, "unit", "pcs");
  g_auto(GStrv) part_sites = fl_store_row_sites (t.store, fl_schema_lookup ("part"), part, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (part_sites), ==, 0);

  /* A transfer between locations of two sites is seen at both. */
  g_autoptr(JsonObject) from = json_object_new ();
  json_object_set_string_member (from, "code", "WH-1");
  json_object_set_string_member (from, "name", "Warehouse 1");
  json_object_set_string_member (from, "kind", "warehouse");
  json_object_set_string_member (from, "site_id", site);
  g_autofree char *from_id = fl_test_put (t.store, "stock_location", from);
  g_autoptr(JsonObject) to = json_object_new ();
  json_object_set_string_member (to, "code", "WH-2");
  json_object_set_string_member (to, "name", "Warehouse 2");
  json_object_set_string_member (to, "kind", "warehouse");
  json_object_set_string_member (to, "site_id", other);
  g_autofree char *to_id = fl_test_put (t.store, "stock_location", to);
  g_autoptr(JsonObject) move = json_object_new ();
  json_object_set_string_member (move, "from_location", from_id);
  json_object_set_string_member (move, "to_location", to_id);
  g_auto(GStrv) move_sites = fl_store_row_sites (t.store, fl_schema_lookup ("stock_movement"), move, &error);
  g_assert_cmpuint (g_strv_length (move_sites), ==, 2);
  g_assert_true (g_strv_contains ((const char * const *) move_sites, site));
  g_assert_true (g_strv_contains ((const char * const *) move_sites, other));
  fl_test_store_close (&t);
}

/* A work order moves from one site to another: the user of the first site
 * is told it (and its work log) are gone, the user of the second gets them. */
static void
test_scope_move_gone (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const FlTable *work_order = fl_schema_lookup ("work_order");
  g_autofree char *s1 = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *s2 = fl_test_put_site (t.store, "HOSP2");
  const char *at_s1[] = { s1, NULL };
  const char *at_s2[] = { s2, NULL };
  g_autofree char *wo = fl_test_put_work_order (t.store, s1, "INC-1");
  g_autofree char *wo2 = fl_test_put_work_order (t.store, s2, "INC-2");
  g_autoptr(JsonObject) log = json_object_new ();
  json_object_set_string_member (log, "work_order_id", wo);
  json_object_set_string_member (log, "author", "liwei");
  json_object_set_string_member (log, "at", "2026-11-22T09:30:00.000Z");
  json_object_set_string_member (log, "kind", "note");
  g_autofree char *log_id = fl_test_put (t.store, "work_log", log);

  gint64 c1 = 0, c2 = 0;
  g_autoptr(GPtrArray) seen1 = pull_all (t.store, 0, 1000, at_s1, &c1);
  g_autoptr(GPtrArray) seen2 = pull_all (t.store, 0, 1000, at_s2, &c2);
  g_assert_cmpuint (seen1->len, ==, 3);  /* HOSP1, INC-1, its log */
  g_assert_nonnull (find_change (seen1, log_id));
  g_assert_null (find_change (seen1, wo2));
  g_assert_cmpuint (seen2->len, ==, 2);  /* HOSP2, INC-2 */

  g_autoptr(JsonObject) row = fl_store_load_row (t.store, work_order, wo, &error);
  json_object_set_string_member (row, "site_id", s2);
  json_object_remove_member (row, "updated_at");
  fl_store_put_row (t.store, work_order, row, NULL, &error);
  g_assert_no_error (error);

  g_autoptr(GPtrArray) next1 = pull_all (t.store, c1, 1000, at_s1, &c1);
  g_assert_cmpuint (next1->len, ==, 2);
  g_assert_cmpstr (change_state (find_change (next1, wo)), ==, "gone");
  g_assert_cmpstr (change_state (find_change (next1, log_id)), ==, "gone");
  g_autoptr(GPtrArray) next2 = pull_all (t.store, c2, 1000, at_s2, &c2);
  g_assert_cmpuint (next2->len, ==, 2);
  g_assert_cmpstr (change_state (find_change (next2, wo)), ==, "row");
  g_assert_cmpstr (change_state (find_change (next2, log_id)), ==, "row");

  /* Another edit at the new site still tells a client of HOSP1 that has
   * not pulled since before the move. */
  json_object_set_string_member (row, "status", "assigned");
  json_object_remove_member (row, "updated_at");
  fl_store_put_row (t.store, work_order, row, NULL, &error);
  g_autoptr(GPtrArray) late = pull_all (t.store, 0, 1000, at_s1, NULL);
  g_assert_cmpstr (change_state (find_change (late, wo)), ==, "gone");

  /* Users of every site see everything, and nothing as gone. */
  g_autoptr(GPtrArray) all = pull_all (t.store, 0, 1000, NULL, NULL);
  for (guint i = 0; i < all->len; i++)
    g_assert_nonnull (((FlStoreChange *) all->pdata[i])->row);
  fl_test_store_close (&t);
}

typedef struct {
  guint       rows;
  GHashTable *ids;
} SnapshotCount;

static gboolean
count_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  SnapshotCount *count = user_data;
  count->rows++;
  g_hash_table_add (count->ids, g_strdup (fl_record_get_string (row, "id")));
  return TRUE;
}

static void
test_snapshot_scope (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *s1 = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *s2 = fl_test_put_site (t.store, "HOSP2");
  const char *at_s1[] = { s1, NULL };
  g_autofree char *wo1 = fl_test_put_work_order (t.store, s1, "INC-1");
  g_autofree char *wo2 = fl_test_put_work_order (t.store, s2, "INC-2");
  g_autoptr(JsonObject) part = json_object_new ();
  json_object_set_string_member (part, "sku", "PSU-550");
  json_object_set_string_member (part, "name", "Power supply 550 W");
  json_object_set_string_member (part, "unit", "pcs");
  g_autofree char *part_id = fl_test_put (t.store, "part", part);

  SnapshotCount count = { 0, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  gint64 cursor = -1;
  fl_store_snapshot (t.store, at_s1, &cursor, count_row, &count, &error);
  g_assert_no_error (error);
  g_assert_cmpint (cursor, ==, fl_store_last_seq (t.store, NULL));
  g_assert_cmpuint (count.rows, ==, 3);
  g_assert_true (g_hash_table_contains (count.ids, s1));
  g_assert_true (g_hash_table_contains (count.ids, wo1));
  g_assert_true (g_hash_table_contains (count.ids, part_id));
  g_assert_false (g_hash_table_contains (count.ids, wo2));

  count.rows = 0;
  fl_store_snapshot (t.store, NULL, &cursor, count_row, &count, &error);
  g_assert_cmpuint (count.rows, ==, 5);
  g_hash_table_unref (count.ids);
  fl_test_store_close (&t);
}

typedef struct {
  FlStore    *writer;
  const char *site;
  guint       rows;
  guint       stop_at;
} WhileStreaming;

/* Writes through another connection in the middle of the snapshot, then
 * stops it as a client that went away would. */
static gboolean
write_while_streaming (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  WhileStreaming *w = user_data;
  if (++w->rows == 2)
    {
      g_autofree char *id = fl_test_put_work_order (w->writer, w->site, "INC-W");
      return TRUE;
    }
  if (w->rows < w->stop_at)
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "client went away");
  return FALSE;
}

/* A snapshot read does not hold the write lock: a second connection writes
 * while it streams, the snapshot does not see that write (it is one
 * consistent state), and a stopped snapshot leaves the store usable. */
static void
test_snapshot_concurrent_write (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *s1 = fl_test_put_site (t.store, "HOSP1");
  for (guint i = 0; i < 5; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-%u", i);
      g_autofree char *id = fl_test_put_work_order (t.store, s1, ref);
    }
  g_autoptr(FlStore) writer = fl_store_reopen (t.store, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_store_get_id (writer), ==, fl_store_get_id (t.store));

  WhileStreaming w = { writer, s1, 0, 100 };
  gint64 cursor = 0;
  g_assert_true (fl_store_snapshot (t.store, NULL, &cursor, write_while_streaming, &w, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (w.rows, ==, 6);  /* the site and five work orders: not INC-W */
  g_assert_cmpint (cursor, <, fl_store_last_seq (t.store, NULL));

  g_autofree char *more = fl_test_put_work_order (t.store, s1, "INC-X");
  w.rows = 0;
  w.stop_at = 4;
  g_assert_false (fl_store_snapshot (t.store, NULL, NULL, write_while_streaming, &w, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE);
  g_clear_error (&error);
  g_autofree char *after = fl_test_put_work_order (writer, s1, "INC-Y");
  g_assert_cmpint (fl_store_count_rows (t.store, fl_schema_lookup ("work_order"), &error), ==, 9);
  fl_test_store_close (&t);
}

static gboolean
collect_audit (const FlAuditEntry *entry, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, g_strdup_printf ("%s:%s", entry->actor, entry->action));
  return TRUE;
}

static void
test_results_and_audit (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const char *device = "0190a0b0-0000-7000-8000-0000000000d1";

  g_assert_cmpint (fl_store_device_last_mid (t.store, device, &error), ==, 0);
  g_autoptr(JsonObject) none = fl_store_get_result (t.store, device, 1, &error);
  g_assert_no_error (error);
  g_assert_null (none);
  for (gint64 mid = 1; mid <= 3; mid++)
    {
      g_autoptr(JsonObject) result = json_object_new ();
      json_object_set_int_member (result, "mid", mid);
      json_object_set_string_member (result, "status", mid == 2 ? "conflict" : "applied");
      fl_store_put_result (t.store, device, mid, result, &error);
      g_assert_no_error (error);
    }
  g_assert_cmpint (fl_store_device_last_mid (t.store, device, &error), ==, 3);
  g_autoptr(JsonObject) second = fl_store_get_result (t.store, device, 2, &error);
  g_assert_cmpstr (fl_record_get_string (second, "status"), ==, "conflict");

  g_autoptr(JsonObject) detail = json_object_new ();
  json_object_set_string_member (detail, "status", "assigned");
  FlAuditEntry first = { .actor = "wangfang", .device = device, .action = "update",
                         .table_name = "work_order", .row_id = "wo-1", .detail = detail };
  FlAuditEntry other = { .actor = "liwei", .action = "insert", .table_name = "work_order", .row_id = "wo-2" };
  FlAuditEntry later = { .actor = "zhangmin", .action = "approve", .table_name = "work_order", .row_id = "wo-1" };
  g_assert_true (fl_store_audit (t.store, &first, &error));
  g_assert_true (fl_store_audit (t.store, &other, &error));
  g_assert_true (fl_store_audit (t.store, &later, &error));
  g_assert_cmpint (later.seq, >, first.seq);
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_free);
  fl_store_audit_history (t.store, "work_order", "wo-1", collect_audit, history, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  g_assert_cmpstr (history->pdata[0], ==, "wangfang:update");
  g_assert_cmpstr (history->pdata[1], ==, "zhangmin:approve");
  fl_test_store_close (&t);
}

/* An audit entry keeps a bounded summary in valid UTF-8: a login of
 * 500 KB, refused at sign-in, used to be written whole at every attempt. */
static gboolean
keep_audit (const FlAuditEntry *entry, gpointer user_data, GError **error)
{
  g_autofree char *detail = entry->detail != NULL ? fl_record_to_string (entry->detail) : g_strdup ("");
  g_ptr_array_add (user_data, g_strdup (entry->actor));
  g_ptr_array_add (user_data, g_steal_pointer (&detail));
  return TRUE;
}

/* Results and audit entries written in a write transaction (PostgreSQL
 * holds them back to write them in one statement) read back in it, exact
 * whatever characters they hold; a savepoint undone drops its own, the
 * transaction's stay, and a rollback drops them all. */
static void
test_results_and_audit_in_a_transaction (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const char *device = "0190a0b0-0000-7000-8000-0000000000d2";
  const char *awkward = "say \"hi\", C:\\temp {a,b} NULL 机房 ,";

  g_assert_true (fl_store_begin (t.store, &error));
  g_autoptr(JsonObject) result = json_object_new ();
  json_object_set_string_member (result, "status", "rejected");
  json_object_set_string_member (result, "error", awkward);
  g_assert_true (fl_store_put_result (t.store, device, 1, result, &error));
  g_autoptr(JsonObject) detail = json_object_new ();
  json_object_set_string_member (detail, "contact", awkward);
  FlAuditEntry first = { .actor = NULL, .device = device, .action = "update",
                         .table_name = "work_order", .row_id = "wo-1", .detail = detail };
  FlAuditEntry second = { .actor = "liwei", .action = "append", .table_name = "work_order", .row_id = "wo-1" };
  g_assert_true (fl_store_audit (t.store, &first, &error));
  g_assert_true (fl_store_audit (t.store, &second, &error));
  g_assert_cmpint (fl_store_device_last_mid (t.store, device, &error), ==, 1);
  g_autoptr(JsonObject) read = fl_store_get_result (t.store, device, 1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (read, "error"), ==, awkward);

  /* Written after the reads: still in order, after them. */
  g_assert_true (fl_store_put_result (t.store, device, 2, result, &error));
  FlAuditEntry third = { .actor = "zhangmin", .action = "approve", .table_name = "work_order", .row_id = "wo-1" };
  g_assert_true (fl_store_audit (t.store, &third, &error));
  g_assert_true (fl_store_begin (t.store, &error));
  g_assert_true (fl_store_put_result (t.store, device, 3, result, &error));
  FlAuditEntry undone = { .actor = "undone", .action = "update", .table_name = "work_order", .row_id = "wo-1" };
  g_assert_true (fl_store_audit (t.store, &undone, &error));
  fl_store_rollback (t.store);
  g_assert_true (fl_store_commit (t.store, &error));

  g_assert_cmpint (fl_store_device_last_mid (t.store, device, &error), ==, 2);
  g_autoptr(GPtrArray) history = g_ptr_array_new_with_free_func (g_free);
  fl_store_audit_history (t.store, "work_order", "wo-1", keep_audit, history, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 6);
  g_assert_null (history->pdata[0]);
  g_autoptr(JsonObject) kept = fl_record_parse (history->pdata[1], -1, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (kept, "contact"), ==, awkward);
  g_assert_cmpstr (history->pdata[2], ==, "liwei");
  g_assert_cmpstr (history->pdata[4], ==, "zhangmin");

  g_assert_true (fl_store_begin (t.store, &error));
  g_assert_true (fl_store_put_result (t.store, device, 4, result, &error));
  g_assert_true (fl_store_audit (t.store, &undone, &error));
  fl_store_rollback (t.store);
  g_assert_cmpint (fl_store_device_last_mid (t.store, device, &error), ==, 2);
  g_assert_cmpint (fl_test_store_count (t.store, "SELECT count(*) FROM audit WHERE actor = 'undone'"), ==, 0);
  fl_test_store_close (&t);
}

static void
test_audit_keeps_a_summary (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autoptr(GString) login = g_string_new (NULL);
  while (login->len < 500 * 1024)
    g_string_append (login, "李伟");
  g_string_append (login, "\xff");  /* not UTF-8 */
  g_autoptr(JsonObject) detail = json_object_new ();
  json_object_set_string_member (detail, "peer", login->str);
  FlAuditEntry entry = { .actor = login->str, .action = "login_limited", .table_name = "user",
                         .row_id = "u-1", .detail = detail };
  g_assert_true (fl_store_audit (t.store, &entry, &error));
  g_assert_no_error (error);

  g_autoptr(GPtrArray) kept = g_ptr_array_new_with_free_func (g_free);
  fl_store_audit_history (t.store, "user", "u-1", keep_audit, kept, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (kept->len, ==, 2);
  const char *actor = kept->pdata[0], *kept_detail = kept->pdata[1];
  g_assert_cmpuint (strlen (actor), <=, 256);
  g_assert_true (g_utf8_validate (actor, -1, NULL));
  g_assert_true (g_str_has_prefix (actor, "李伟李伟"));
  g_assert_true (g_str_has_suffix (actor, "…"));
  g_assert_cmpuint (strlen (kept_detail), <=, 4096 + 32);
  g_assert_true (g_utf8_validate (kept_detail, -1, NULL));
  g_assert_nonnull (strstr (kept_detail, "…"));
  gint64 stored = fl_test_store_count (t.store, fl_test_store_is_postgresql ()
    ? "SELECT max(octet_length (actor) + octet_length (detail)) FROM audit"
    : "SELECT max(length(CAST(actor AS BLOB)) + length(CAST(detail AS BLOB))) FROM audit");
  g_assert_cmpint (stored, <, 8192);
  fl_test_store_close (&t);
}

static void
test_devices_and_tokens (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  FlStoreDevice device = { .id = "0190a0b0-0000-7000-8000-0000000000d1", .user_id = "u1",
                           .name = "ThinkPad", .code = "K3F" };
  g_assert_true (fl_store_put_device (t.store, &device, &error));
  FlStoreDevice clash = { .id = "0190a0b0-0000-7000-8000-0000000000d2", .user_id = "u2",
                          .name = "Other", .code = "k3f" };
  g_assert_false (fl_store_put_device (t.store, &clash, &error));
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_EXISTS);
  g_clear_error (&error);

  g_autoptr(FlStoreDevice) by_code = fl_store_load_device (t.store, "k3f", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (by_code->id, ==, device.id);
  g_assert_cmpstr (by_code->code, ==, "K3F");

  fl_store_put_token (t.store, "hash1", device.id, 1000, &error);
  fl_store_put_token (t.store, "hash2", device.id, 2000, &error);
  g_assert_no_error (error);
  g_autoptr(FlStoreToken) token = fl_store_load_token (t.store, "hash1", &error);
  g_assert_cmpint (token->expires_at, ==, 1000);
  g_assert_false (token->revoked);
  fl_store_revoke_tokens (t.store, NULL, device.id, &error);
  g_assert_no_error (error);
  g_autoptr(FlStoreToken) revoked = fl_store_load_token (t.store, "hash2", &error);
  g_assert_true (revoked->revoked);
  fl_test_store_close (&t);
}

typedef struct {
  FlStore *store;
  char    *site;
  gint     done;
} LateWriter;

/* A second instance writing while the first holds a transaction open. */
static gpointer
write_late (gpointer data)
{
  LateWriter *w = data;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_store_begin (w->store, &error));
  g_autofree char *id = fl_test_put_work_order (w->store, w->site, "INC-LATE");
  g_assert_true (fl_store_commit (w->store, &error));
  g_atomic_int_set (&w->done, TRUE);
  return g_strdup (id);
}

/* The cursor-skip problem of change feeds: a transaction that took the
 * smaller seq is still open while one with a larger seq tries to commit,
 * and a pull runs in between.  The pull must not move its cursor past the
 * open transaction's change, so that the next pull still brings it. */
static void
test_pull_never_skips_an_open_transaction (void)
{
  if (!fl_test_store_is_postgresql ())
    {
      g_test_skip ("SQLite has one writer at a time: no transaction commits out of order");
      return;
    }
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  gint64 cursor = fl_store_last_seq (t.store, &error);
  g_autoptr(FlStore) reader = fl_store_reopen (t.store, &error);
  g_assert_no_error (error);

  /* The first transaction takes its seq and stays open (a read in it
   * makes sure its writes reached the database, pipelined or not). */
  g_assert_true (fl_store_begin (t.store, &error));
  g_autofree char *early = fl_test_put_work_order (t.store, site, "INC-EARLY");
  g_assert_cmpint (fl_store_last_seq (t.store, &error), >, cursor);
  g_assert_no_error (error);

  LateWriter late = { .store = fl_store_reopen (t.store, &error), .site = site };
  g_assert_no_error (error);
  GThread *thread = g_thread_new ("late-writer", write_late, &late);
  /* Until the late writer waits for the first (or, were writes not
   * ordered, has committed). */
  while (!g_atomic_int_get (&late.done) &&
         fl_test_store_count (reader, "SELECT count(*) FROM pg_locks "
                                      "WHERE locktype = 'advisory' AND NOT granted") == 0)
    g_usleep (10 * 1000);

  gboolean more = FALSE;
  g_autoptr(GPtrArray) between = fl_store_changes_since (reader, cursor, 100, NULL, &cursor, &more, &error);
  g_assert_no_error (error);

  g_assert_true (fl_store_commit (t.store, &error));
  g_autofree char *late_id = g_thread_join (thread);
  g_autoptr(GPtrArray) after = pull_all (reader, cursor, 100, NULL, NULL);
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_extend (all, between, NULL, NULL);
  g_ptr_array_extend (all, after, NULL, NULL);
  g_assert_nonnull (find_change (all, early));
  g_assert_nonnull (find_change (all, late_id));
  g_clear_object (&late.store);
  g_clear_object (&reader);
  fl_test_store_close (&t);
}

/* A write transaction reads each row and change-log entry once: a write
 * after a read of the same row, and a row scoped through one just written,
 * wait for no answer of their own (on a busy server every wait is a
 * scheduling of the database and of the server in turn, with the write
 * lock held).  What is read after a write is what was written. */
static void
test_write_after_read_waits_for_no_answer (void)
{
  if (!fl_test_store_is_postgresql ())
    {
      g_test_skip ("SQLite answers in the same process: no round trips to save");
      return;
    }
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *wo_id = fl_test_put_work_order (t.store, site, "INC-261122-K3F-0001");
  const FlTable *work_order = fl_schema_lookup ("work_order"), *work_log = fl_schema_lookup ("work_log");
  gint64 cursor = fl_store_last_seq (t.store, &error);
  g_autofree char *log_id = fl_uuid7_new ();

  guint64 before = fl_pg_store_get_round_trips (FL_PG_STORE (t.store));
  g_assert_true (fl_store_begin (t.store, &error));
  g_autoptr(JsonObject) wo = fl_store_load_row (t.store, work_order, wo_id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (wo, "status", "assigned");
  g_assert_true (fl_store_put_row (t.store, work_order, wo, NULL, &error));
  g_autoptr(JsonObject) absent = fl_store_load_row (t.store, work_log, log_id, &error);
  g_assert_null (absent);
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_autoptr(JsonObject) log = json_object_new ();
  json_object_set_string_member (log, "id", log_id);
  json_object_set_string_member (log, "work_order_id", wo_id);
  json_object_set_string_member (log, "author", "liwei");
  json_object_set_string_member (log, "at", "2026-11-22T09:30:00.000Z");
  json_object_set_string_member (log, "kind", "note");
  json_object_set_string_member (log, "text", "Replaced the PSU");
  g_assert_true (fl_store_put_row (t.store, work_log, log, NULL, &error));
  g_assert_true (fl_store_commit (t.store, &error));
  g_assert_no_error (error);
  /* The work order's read, the log entry's (absent) read, the commit. */
  g_assert_cmpuint (fl_pg_store_get_round_trips (FL_PG_STORE (t.store)) - before, ==, 3);

  /* A row read again after its write in the same transaction, and a
   * write over that: the stored row, not the one read first. */
  g_assert_true (fl_store_begin (t.store, &error));
  g_autoptr(JsonObject) first = fl_store_load_row (t.store, work_order, wo_id, &error);
  json_object_set_string_member (first, "status", "in_progress");
  g_assert_true (fl_store_put_row (t.store, work_order, first, NULL, &error));
  g_autoptr(JsonObject) again = fl_store_load_row (t.store, work_order, wo_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (again, "status"), ==, "in_progress");
  g_assert_cmpint (fl_record_get_int (again, "version", 0), ==, 3);
  json_object_set_string_member (again, "title", "Core switch replaced");
  g_assert_true (fl_store_put_row (t.store, work_order, again, NULL, &error));
  g_assert_true (fl_store_commit (t.store, &error));
  g_autoptr(JsonObject) stored = fl_store_load_row (t.store, work_order, wo_id, &error);
  g_assert_cmpint (fl_record_get_int (stored, "version", 0), ==, 4);
  g_assert_cmpstr (fl_record_get_string (stored, "status"), ==, "in_progress");
  g_assert_cmpstr (fl_record_get_string (stored, "title"), ==, "Core switch replaced");

  /* Rows asked for ahead come with the first answer waited for, absent
   * ones too; each as stored. */
  g_autofree char *other_log = fl_uuid7_new ();
  before = fl_pg_store_get_round_trips (FL_PG_STORE (t.store));
  g_assert_true (fl_store_begin (t.store, &error));
  const char *wo_ids[] = { wo_id, NULL }, *log_ids[] = { log_id, other_log, NULL };
  g_assert_true (fl_store_prefetch_rows (t.store, work_order, wo_ids, &error));
  g_assert_true (fl_store_prefetch_rows (t.store, work_log, log_ids, &error));
  g_autoptr(JsonObject) ahead = fl_store_load_row (t.store, work_order, wo_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (ahead, "title"), ==, "Core switch replaced");
  g_assert_cmpint (fl_record_get_int (ahead, "version", 0), ==, 4);
  g_autoptr(JsonObject) logged_ahead = fl_store_load_row (t.store, work_log, log_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (logged_ahead, "text"), ==, "Replaced the PSU");
  g_autoptr(JsonObject) other = fl_store_load_row (t.store, work_log, other_log, &error);
  g_assert_null (other);
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);
  json_object_set_string_member (ahead, "status", "on_hold");
  g_assert_true (fl_store_put_row (t.store, work_order, ahead, NULL, &error));
  g_assert_true (fl_store_commit (t.store, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (fl_pg_store_get_round_trips (FL_PG_STORE (t.store)) - before, ==, 2);
  g_autoptr(JsonObject) held = fl_store_load_row (t.store, work_order, wo_id, &error);
  g_assert_cmpint (fl_record_get_int (held, "version", 0), ==, 5);
  g_assert_cmpstr (fl_record_get_string (held, "status"), ==, "on_hold");

  /* Both reach the work order's site, the log entry through its work order. */
  const char *sites[] = { site, NULL };
  g_autoptr(GPtrArray) changes = pull_all (t.store, cursor, 100, sites, NULL);
  g_assert_nonnull (find_change (changes, wo_id));
  FlStoreChange *logged = find_change (changes, log_id);
  g_assert_nonnull (logged);
  g_assert_nonnull (logged->row);
  fl_test_store_close (&t);
}

/* A push of `n` log entries on one work order by `login`. */
static FlPushResponse *
push_logs (FlStore *store, JsonObject *user, const char *wo_id, gint64 first_mid, guint n)
{
  g_autoptr(GError) error = NULL;
  const char *login = fl_record_get_string (user, "login");
  g_autoptr(FlPushRequest) request = fl_push_request_new ("0190a0b0-0000-7000-8000-0000000000d1");
  g_autofree char *now = fl_time_format (fl_time_now ());
  for (guint i = 0; i < n; i++)
    {
      JsonObject *fields = json_object_new ();
      json_object_set_string_member (fields, "work_order_id", wo_id);
      json_object_set_string_member (fields, "author", login);
      json_object_set_string_member (fields, "at", now);
      json_object_set_string_member (fields, "kind", "note");
      json_object_set_string_member (fields, "text", "Checked the uplink");
      g_autofree char *id = fl_uuid7_new ();
      g_ptr_array_add (request->mutations,
                       fl_mutation_new (first_mid + i, "work_log", id, FL_MUTATION_APPEND, fl_time_now (), fields));
      json_object_unref (fields);
    }
  g_auto(GStrv) sites = fl_accounts_user_sites (user);
  FlPushActor actor = {
    .user_id = fl_record_get_string (user, "id"),
    .login = login,
    .role = fl_record_get_string (user, "role"),
    .sites = (const char * const *) sites,
    .device_id = request->device_id,
  };
  FlPushLimits limits = { .max_clock_skew = 600 * G_USEC_PER_SEC, .max_offline = 30 * G_TIME_SPAN_DAY };
  FlPushResponse *response = fl_push_apply (store, &actor, request, &limits, NULL, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      FlMutationResult *result = response->results->pdata[i];
      if (result->status != FL_RESULT_APPLIED)
        g_test_message ("rejected: %s", result->error);
      g_assert_cmpint (result->status, ==, FL_RESULT_APPLIED);
    }
  return response;
}

/* The rows a push's mutations read first (each one's own row, the rows
 * its fields refer to) are asked for at once: a push of ten log entries
 * on a work order waits as often as a push of one, and sends only the
 * statements each entry's own writes need. */
static void
test_push_reads_its_rows_at_once (void)
{
  if (!fl_test_store_is_postgresql ())
    {
      g_test_skip ("SQLite answers in the same process: no round trips to save");
      return;
    }
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  fl_test_add_user (t.store, "liwei", "engineer", site);
  g_autoptr(JsonObject) user = fl_store_find_row (t.store, fl_schema_lookup ("user"), "login", "liwei", &error);
  g_assert_no_error (error);
  FlPgStore *pg = FL_PG_STORE (t.store);
  g_autofree char *first_wo = fl_test_put_work_order (t.store, site, "INC-261122-K3F-0001");
  g_autofree char *second_wo = fl_test_put_work_order (t.store, site, "INC-261122-K3F-0002");
  /* Statements prepared on the connection, before anything is counted. */
  g_autoptr(FlPushResponse) warm = push_logs (t.store, user, first_wo, 1, 2);

  guint64 before = fl_pg_store_get_round_trips (pg), sent = fl_pg_store_get_statements (pg);
  g_autoptr(FlPushResponse) one = push_logs (t.store, user, second_wo, 3, 1);
  guint64 for_one = fl_pg_store_get_round_trips (pg) - before;
  guint64 sent_for_one = fl_pg_store_get_statements (pg) - sent;
  before = fl_pg_store_get_round_trips (pg);
  sent = fl_pg_store_get_statements (pg);
  g_autoptr(FlPushResponse) ten = push_logs (t.store, user, first_wo, 4, 10);
  guint64 for_ten = fl_pg_store_get_round_trips (pg) - before;
  guint64 sent_for_ten = fl_pg_store_get_statements (pg) - sent;
  g_assert_cmpuint (for_ten, ==, for_one);
  /* Each more entry is its row and its change-log entry; the results and
   * the audit entries of a push are one statement each. */
  g_test_message ("statements: %" G_GUINT64_FORMAT " for one entry, %" G_GUINT64_FORMAT " for ten",
                  sent_for_one, sent_for_ten);
  g_assert_cmpuint (sent_for_ten, <=, sent_for_one + 9 * 2);
  g_assert_cmpint (fl_test_store_count (t.store, "SELECT count(*) FROM work_log"), ==, 13);
  g_assert_cmpint (ten->seq, >, one->seq);
  fl_test_store_close (&t);
}

/* A pull reads the rows of its changes a table at once: ten work orders
 * cost the round trips of one, each row as loaded alone, and a row the
 * scope leaves out is not read. */
static void
test_pull_reads_rows_a_table_at_once (void)
{
  if (!fl_test_store_is_postgresql ())
    {
      g_test_skip ("SQLite answers in the same process: no round trips to save");
      return;
    }
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  FlPgStore *pg = FL_PG_STORE (t.store);
  const FlTable *work_order = fl_schema_lookup ("work_order");
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *elsewhere = fl_test_put_site (t.store, "HOSP2");
  const char *sites[] = { site, NULL };
  gint64 cursor = fl_store_last_seq (t.store, &error);
  g_autofree char *first = fl_test_put_work_order (t.store, site, "INC-261204-K3F-0001");
  g_autofree char *hidden = fl_test_put_work_order (t.store, elsewhere, "INC-261204-K3F-0002");
  gint64 after_one = fl_store_last_seq (t.store, &error);

  gint64 next = 0;
  gboolean more = TRUE;
  /* Statements prepared on the connection, before anything is counted. */
  g_autoptr(GPtrArray) warm = fl_store_changes_since (t.store, cursor, 100, sites, &next, &more, &error);
  g_assert_no_error (error);
  guint64 before = fl_pg_store_get_round_trips (pg);
  g_autoptr(GPtrArray) one = fl_store_changes_since (t.store, cursor, 100, sites, &next, &more, &error);
  g_assert_no_error (error);
  guint64 for_one = fl_pg_store_get_round_trips (pg) - before;
  g_assert_cmpuint (one->len, ==, 1);
  g_assert_false (more);

  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261204-K3F-%04u", i + 10);
      g_ptr_array_add (ids, fl_test_put_work_order (t.store, site, ref));
    }
  before = fl_pg_store_get_round_trips (pg);
  g_autoptr(GPtrArray) ten = fl_store_changes_since (t.store, after_one, 100, sites, &next, &more, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (fl_pg_store_get_round_trips (pg) - before, ==, for_one);
  g_assert_cmpuint (ten->len, ==, 10);
  for (guint i = 0; i < ten->len; i++)
    {
      FlStoreChange *change = ten->pdata[i];
      g_assert_cmpstr (change->row_id, ==, ids->pdata[i]);
      g_assert_nonnull (change->row);
      g_autoptr(JsonObject) alone = fl_store_load_row (t.store, work_order, change->row_id, &error);
      g_assert_no_error (error);
      g_autofree char *pulled = fl_record_to_string (change->row);
      g_autofree char *loaded = fl_record_to_string (alone);
      g_assert_cmpstr (pulled, ==, loaded);
    }

  /* Without a scope the other site's work order comes too, with its row. */
  g_autoptr(GPtrArray) all = fl_store_changes_since (t.store, cursor, 100, NULL, &next, &more, &error);
  g_assert_no_error (error);
  gboolean saw_hidden = FALSE;
  for (guint i = 0; i < all->len; i++)
    {
      FlStoreChange *change = all->pdata[i];
      g_assert_nonnull (change->row);
      saw_hidden |= g_strcmp0 (change->row_id, hidden) == 0;
    }
  g_assert_true (saw_hidden);
  fl_test_store_close (&t);
}

typedef struct {
  FlStore *store;
  gint64   now;
  gint64   recorded;
} LateSweep;

static gpointer
sweep_late (gpointer data)
{
  LateSweep *w = data;
  g_autoptr(GError) error = NULL;
  w->recorded = fl_sla_sweep (w->store, w->now, &error);
  g_assert_no_error (error);
  return NULL;
}

/* The same for the SLA sweep, which another instance's housekeeping runs on
 * a connection of its own: its events, written while a push holds a
 * transaction open, come after the push's change in the log, and a pull
 * in between does not move its cursor past them. */
static void
test_pull_never_skips_a_sweep (void)
{
  if (!fl_test_store_is_postgresql ())
    {
      g_test_skip ("SQLite has one writer at a time: no transaction commits out of order");
      return;
    }
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site_with_coverage (t.store, "HOSP1", "7x24");
  gint64 now = fl_time_now ();
  /* An urgent request two hours old: past every response warning. */
  g_autofree char *wo = fl_test_put_derived_work_order (t.store, site, "REQ-1", "request", 1, 1, NULL,
                                                        now - 2 * G_TIME_SPAN_HOUR);
  gint64 cursor = fl_store_last_seq (t.store, &error);
  g_autoptr(FlStore) reader = fl_store_reopen (t.store, &error);
  g_assert_no_error (error);

  g_assert_true (fl_store_begin (t.store, &error));
  g_autofree char *early = fl_test_put_work_order (t.store, site, "INC-EARLY");
  g_assert_cmpint (fl_store_last_seq (t.store, &error), >, cursor);

  LateSweep late = { .store = fl_store_reopen (t.store, &error), .now = now };
  g_assert_no_error (error);
  GThread *thread = g_thread_new ("late-sweep", sweep_late, &late);
  /* Until the sweep waits for the push's transaction (or, were writes not
   * ordered, has written its events). */
  while (fl_test_store_count (reader, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' AND NOT granted") == 0 &&
         fl_test_store_count (reader, "SELECT count(*) FROM sla_event") == 0)
    g_usleep (10 * 1000);

  gboolean more = FALSE;
  g_autoptr(GPtrArray) between = fl_store_changes_since (reader, cursor, 100, NULL, &cursor, &more, &error);
  g_assert_no_error (error);
  g_assert_true (fl_store_commit (t.store, &error));
  g_thread_join (thread);
  g_assert_cmpint (late.recorded, >, 0);

  g_autoptr(GPtrArray) after = pull_all (reader, cursor, 100, NULL, NULL);
  g_autoptr(GPtrArray) all = g_ptr_array_new ();
  g_ptr_array_extend (all, between, NULL, NULL);
  g_ptr_array_extend (all, after, NULL, NULL);
  g_assert_nonnull (find_change (all, early));
  guint events = 0;
  for (guint i = 0; i < all->len; i++)
    if (strcmp (((FlStoreChange *) all->pdata[i])->table->name, "sla_event") == 0)
      events++;
  g_assert_cmpint (events, ==, late.recorded);
  g_assert_cmpint (fl_test_store_count (reader, "SELECT count(*) FROM sla_event"), ==, late.recorded);
  g_clear_object (&late.store);
  g_clear_object (&reader);
  fl_test_store_close (&t);
}

/* sqlite:PATH and a plain PATH name the same file; a scheme no backend
 * serves is refused in words naming it. */
static void
test_open_by_location (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldline-server-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "server.db", NULL);
  g_autoptr(FlStore) created = fl_store_open (path, &error);
  g_assert_no_error (error);
  g_autofree char *uri = g_strconcat ("sqlite:", path, NULL);
  g_autoptr(FlStore) by_uri = fl_store_open (uri, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_store_get_id (by_uri), ==, fl_store_get_id (created));
  g_assert_cmpint (fl_store_schema_version (by_uri), >=, 1);
  g_autofree char *file = fl_store_location_file (uri);
  g_assert_cmpstr (file, ==, path);

  g_autoptr(FlStore) unknown = fl_store_open ("nosuch://host/db", &error);
  g_assert_null (unknown);
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN);
  g_assert_nonnull (strstr (error->message, "nosuch://host/db"));
  g_assert_null (fl_store_location_file ("nosuch://host/db"));
  g_clear_object (&by_uri);
  g_clear_object (&created);
  fl_test_remove_tree (dir);
}

/* A store made by a model without a table and a column gets both when a
 * program with the whole model opens it: the model's digest differs from
 * the recorded one, no migration number needed. */
static void
test_model_change_reaches_old_store (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  g_autofree char *id = fl_test_put_work_order (t.store, site, "INC-261122-K3F-0001");
  gboolean sqlite = FL_IS_SQLITE_STORE (t.store);
  /* What an older model made, recorded with its own digest. */
  fl_test_store_exec (t.store, "DROP TABLE ci_change_proposal;"
                               "ALTER TABLE work_order DROP COLUMN visited_at");
  fl_test_store_exec (t.store, sqlite ? "UPDATE meta SET value = 'older' WHERE key = '" FL_META_MODEL_DIGEST "'"
                                      : "UPDATE fl_schema_model SET digest = 'older'");
  g_clear_object (&t.store);

  t.store = fl_store_open (t.path, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_store_count (t.store, "SELECT count(*) FROM ci_change_proposal"), ==, 0);
  g_assert_cmpint (fl_test_store_count (t.store, "SELECT count(*) FROM work_order WHERE visited_at IS NULL"), ==, 1);
  /* The new column takes values, and the data was kept. */
  const FlTable *work_order = fl_schema_lookup ("work_order");
  g_autoptr(JsonObject) row = fl_store_load_row (t.store, work_order, id, &error);
  g_assert_no_error (error);
  json_object_set_string_member (row, "visited_at", "2026-11-22T10:00:00.000Z");
  gint64 seq = 0;
  fl_store_put_row (t.store, work_order, row, &seq, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_store_count (t.store, "SELECT count(*) FROM work_order WHERE visited_at IS NOT NULL"), ==, 1);
  fl_test_store_close (&t);
}

static gboolean
collect_ref (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, g_strdup (fl_record_get_string (row, "ref")));
  return TRUE;
}

/* The open work orders, in the order they were written, and no others. */
static void
test_open_work_orders (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  const char *statuses[] = { "new", "resolved", "on_hold", "closed", "assigned", "cancelled", "in_progress",
                             "rejected", "visited" };
  const FlTable *work_order = fl_schema_lookup ("work_order");
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261122-K3F-%04u", i + 1);
      g_autofree char *id = fl_test_put_work_order (t.store, site, ref);
      g_autoptr(JsonObject) row = fl_store_load_row (t.store, work_order, id, &error);
      g_assert_no_error (error);
      json_object_set_string_member (row, "status", statuses[i]);
      fl_store_put_row (t.store, work_order, row, NULL, &error);
      g_assert_no_error (error);
    }
  g_autoptr(GPtrArray) refs = g_ptr_array_new_with_free_func (g_free);
  g_assert_true (fl_store_foreach_open_work_order (t.store, collect_ref, refs, &error));
  g_assert_no_error (error);
  g_ptr_array_add (refs, NULL);
  g_autofree char *found = g_strjoinv (" ", (char **) refs->pdata);
  g_assert_cmpstr (found, ==, "INC-261122-K3F-0001 INC-261122-K3F-0003 INC-261122-K3F-0005 INC-261122-K3F-0007");
  fl_test_store_close (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/store/open-by-location", test_open_by_location);
  g_test_add_func ("/store/model-change-reaches-old-store", test_model_change_reaches_old_store);
  g_test_add_func ("/store/row-round-trip", test_row_round_trip);
  g_test_add_func ("/store/open-work-orders", test_open_work_orders);
  g_test_add_func ("/store/transaction-rollback", test_transaction_rollback);
  g_test_add_func ("/store/change-log-order", test_change_log_order);
  g_test_add_func ("/store/pull-never-skips-an-open-transaction", test_pull_never_skips_an_open_transaction);
  g_test_add_func ("/store/pull-never-skips-a-sweep", test_pull_never_skips_a_sweep);
  g_test_add_func ("/store/scope-via-chain", test_scope_via_chain);
  g_test_add_func ("/store/scope-move-gone", test_scope_move_gone);
  g_test_add_func ("/store/snapshot-scope", test_snapshot_scope);
  g_test_add_func ("/store/audit-keeps-a-summary", test_audit_keeps_a_summary);
  g_test_add_func ("/store/snapshot-concurrent-write", test_snapshot_concurrent_write);
  g_test_add_func ("/store/results-and-audit", test_results_and_audit);
  g_test_add_func ("/store/results-and-audit-in-a-transaction", test_results_and_audit_in_a_transaction);
  g_test_add_func ("/store/devices-and-tokens", test_devices_and_tokens);
  g_test_add_func ("/store/write-after-read-waits-for-no-answer", test_write_after_read_waits_for_no_answer);
  g_test_add_func ("/store/push-reads-its-rows-at-once", test_push_reads_its_rows_at_once);
  g_test_add_func ("/store/pull-reads-rows-a-table-at-once", test_pull_reads_rows_a_table_at_once);
  return g_test_run ();
}
