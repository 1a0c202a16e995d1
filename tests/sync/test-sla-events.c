/* SLA warnings and escalations, recorded by the server (fl_sla_sweep) and
 * by a replica offline (fl_sla_events_record), are the same rows: the same
 * ids, instants and levels; the server's replace the replica's when pulled.
 *
 * Site A is covered 7x24 (working time is elapsed time), warnings at 75%
 * and 90%.  With T the test's now, worked out by hand:
 *  1. incident high (1 x 1), created T-30 h: response 24 h -> due T-6 h
 *     (75% T-12 h, 90% T-8 h 24, escalated to management at T-6 h);
 *     resolution 48 h -> due T+18 h, 75% at T+6 h: not yet.       3 events
 *  2. request urgent (1 x 1), created T-100 min: first line 1 h -> T-40 min
 *     (75% T-55, 90% T-46, escalated to the second line at T-40);
 *     final 2 h -> T+20 min (75% T-10 min; 90% T+8 min not yet).  4 events
 *  3. request normal (3 x 3), created T-20 h: first line 1 working day =
 *     24 h -> T+4 h, 75% at T-2 h; 90% at T+1 h 36 not yet.       1 event
 * No threshold lies within minutes of T, so the server's own minute sweep
 * (which runs beside the test with the real clock) finds the same. */
#include "fl-sync-test-util.h"

#include "fl-query.h"
#include "fl-sla-events.h"
#include "fl-sla-sweep.h"
#include "fl-work-order-queries.h"
#include "fl-work-order.h"

#define MINUTE ((gint64) 60 * G_USEC_PER_SEC)
#define HOUR (60 * MINUTE)

static char *
put_order (FlSyncServer *s, const char *ref, const char *kind, int impact, int urgency, gint64 created)
{
  return fl_test_put_derived_work_order (s->store, s->site_a, ref, kind, impact, urgency, "eng_a", created);
}

static gboolean
add_server_event (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  g_autofree char *text = g_strdup_printf ("%s %s %s %s", fl_record_get_string (row, "kind"),
                                           fl_record_get_string (row, "target"),
                                           fl_record_get_string (row, "at"),
                                           fl_record_get_string (row, "level") != NULL
                                             ? fl_record_get_string (row, "level") : "-");
  g_hash_table_insert (user_data, g_strdup (fl_record_get_string (row, "id")), g_steal_pointer (&text));
  return TRUE;
}

/* id -> "kind target at level" of every sla_event row. */
static GHashTable *
server_events (FlSyncServer *s)
{
  g_autoptr(GError) error = NULL;
  GHashTable *events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  fl_store_foreach_row (s->store, fl_schema_lookup ("sla_event"), NULL, add_server_event, events, &error);
  g_assert_no_error (error);
  return events;
}

static GHashTable *
replica_events (FlDb *db)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rows = fl_query_rows (db, "SELECT * FROM sla_event", 0, NULL, &error);
  g_assert_no_error (error);
  GHashTable *events = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  for (guint i = 0; i < rows->len; i++)
    add_server_event (NULL, rows->pdata[i], events, NULL);
  return events;
}

static void
assert_same_events (GHashTable *a, GHashTable *b)
{
  g_assert_cmpuint (g_hash_table_size (a), ==, g_hash_table_size (b));
  GHashTableIter iter;
  gpointer id, text;
  g_hash_table_iter_init (&iter, a);
  while (g_hash_table_iter_next (&iter, &id, &text))
    g_assert_cmpstr (g_hash_table_lookup (b, id), ==, text);
}

static guint
count_matching (FlDb *db, gboolean nearing, gboolean escalated)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderQuery query = { .nearing_breach = nearing, .escalated = escalated };
  g_autoptr(GArray) rowids = fl_work_order_search (db, &query, "eng_a", &error);
  g_assert_no_error (error);
  return rowids->len;
}

static void
test_server_and_replica_agree (void)
{
  /* The server records events only as orders are written: its own sweep
   * would race with what the test compares. */
  FlSyncServer s = { .no_sla_sweep = TRUE };
  fl_sync_server_setup (&s);
  gint64 now = fl_time_now ();
  g_autofree char *incident = put_order (&s, "INC-1", "incident", 1, 1, now - 30 * HOUR);
  g_autofree char *urgent = put_order (&s, "REQ-1", "request", 1, 1, now - 100 * MINUTE);
  g_autofree char *normal = put_order (&s, "REQ-2", "request", 3, 3, now - 20 * HOUR);

  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &s);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM sla_event"), ==, 0);

  /* Offline, the replica records the events itself ... */
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recorded = fl_sla_events_record (a.db, now, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (recorded->len, ==, 8);
  g_autoptr(GPtrArray) again = fl_sla_events_record (a.db, now, &error);
  g_assert_cmpuint (again->len, ==, 0);
  /* ... oldest first: the incident's 75% response warning at T-12 h. */
  JsonObject *first = recorded->pdata[0];
  g_assert_cmpstr (fl_record_get_string (first, "work_order_id"), ==, incident);
  g_assert_cmpint (fl_record_get_int (first, "percent", 0), ==, 75);
  g_autofree char *twelve_hours_ago = fl_time_format (now - 12 * HOUR);
  g_assert_cmpstr (fl_record_get_string (first, "at"), ==, twelve_hours_ago);
  g_autofree char *escalated_to_management = g_strdup_printf (
      "SELECT count(*) FROM sla_event WHERE level = 'management' AND work_order_id = '%s'", incident);
  g_autofree char *escalated_to_second_line = g_strdup_printf (
      "SELECT count(*) FROM sla_event WHERE level = 'second_line' AND work_order_id = '%s'", urgent);
  g_autofree char *normal_warned = g_strdup_printf (
      "SELECT count(*) FROM sla_event WHERE kind = 'warning' AND percent = 75 AND work_order_id = '%s'", normal);
  g_assert_cmpint (fl_test_count (a.db, escalated_to_management), ==, 1);
  g_assert_cmpint (fl_test_count (a.db, escalated_to_second_line), ==, 1);
  g_assert_cmpint (fl_test_count (a.db, normal_warned), ==, 1);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM sla_event WHERE kind = 'escalation'"), ==, 2);
  g_assert_cmpuint (count_matching (a.db, FALSE, TRUE), ==, 2);  /* INC-1, REQ-1 */
  g_assert_cmpuint (count_matching (a.db, TRUE, FALSE), ==, 1);  /* REQ-2 */

  /* ... the server the same ones. */
  gint64 n = fl_sla_sweep (s.store, now, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, <=, 8);  /* its own minute sweep may have begun */
  g_assert_cmpint (fl_sla_sweep (s.store, now, &error), ==, 0);
  g_autoptr(GHashTable) on_server = server_events (&s);
  g_autoptr(GHashTable) offline = replica_events (a.db);
  assert_same_events (on_server, offline);

  /* Pulled, the server's rows take the place of the replica's. */
  fl_sync_test_client_sync (&a);
  g_autoptr(GHashTable) pulled = replica_events (a.db);
  assert_same_events (on_server, pulled);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM sla_event"), ==, 8);
  fl_sync_test_client_clear (&a);
  fl_sync_server_teardown (&s);
}

/* A maintenance job (no acceptance to record) worked offline: recorded
 * at T-30 h, high, 7x24; work started at T-7 h, before its response was
 * due (T-6 h) but after 75% (T-12 h) and 90% (T-8 h 24); resolved at
 * T-1 h, before 75% of the resolution time (T+6 h).  Pushed at T, the
 * server records the two response warnings and no escalation, though
 * the order is no longer open for its minute sweep. */
static void
test_worked_offline (void)
{
  /* The server records events only as orders are written: its own sweep
   * would race with what the test compares. */
  FlSyncServer s = { .no_sla_sweep = TRUE };
  fl_sync_server_setup (&s);
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &s);
  fl_sync_test_client_sync (&a);

  gint64 now = fl_time_now ();
  g_autoptr(GError) error = NULL;
  fl_time_set_now_for_testing (now - 30 * HOUR);
  FlWorkOrderDraft draft = {
    .kind = "maintenance", .title = "UPS battery swap", .site_id = s.site_a,
    .impact = 1, .urgency = 1, .assignee = "eng_a",
  };
  g_autofree char *id = NULL;
  g_assert_true (fl_work_order_create (a.db, &draft, "eng_a", &id, &error));
  g_assert_no_error (error);
  fl_time_set_now_for_testing (now - 7 * HOUR);
  g_assert_true (fl_work_order_move (a.db, id, FL_ROLE_ENGINEER, "eng_a", FL_WO_IN_PROGRESS, NULL, &error));
  g_assert_no_error (error);
  fl_time_set_now_for_testing (now - 1 * HOUR);
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "resolution", "Swapped both batteries");
  g_assert_true (fl_work_order_update (a.db, id, values, &error));
  g_assert_true (fl_work_order_move (a.db, id, FL_ROLE_ENGINEER, "eng_a", FL_WO_RESOLVED, NULL, &error));
  g_assert_no_error (error);
  fl_time_set_now_for_testing (0);

  fl_sync_test_client_sync (&a);
  g_autoptr(GHashTable) on_server = server_events (&s);
  g_assert_cmpuint (g_hash_table_size (on_server), ==, 2);
  g_autoptr(JsonObject) wo = fl_store_load_row (s.store, fl_schema_lookup ("work_order"), id, &error);
  g_assert_cmpstr (fl_record_get_string (wo, "status"), ==, "resolved");
  g_autofree char *twelve_hours_ago = fl_time_format (now - 12 * HOUR);
  g_autofree char *warned = g_strdup_printf ("warning response %s -", twelve_hours_ago);
  gboolean found = FALSE;
  GHashTableIter iter;
  gpointer key, text;
  g_hash_table_iter_init (&iter, on_server);
  while (g_hash_table_iter_next (&iter, &key, &text))
    found |= g_strcmp0 (text, warned) == 0;
  g_assert_true (found);
  fl_sync_test_client_clear (&a);
  fl_sync_server_teardown (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sla-events/server-and-replica-agree", test_server_and_replica_agree);
  g_test_add_func ("/sla-events/worked-offline", test_worked_offline);
  return g_test_run ();
}
