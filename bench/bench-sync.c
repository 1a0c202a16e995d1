/* bench-sync — the sync engine against the real server, all on loopback.
 *
 * The server (fieldline-sync-core, in-process on port 0) holds N work
 * orders (default 100,000), a work-log entry for each and N stock
 * movements.  Measured, each beside a limit measured in the same run:
 *
 * 1. the first sync of all of it into an empty replica as a ready replica
 *    file (kept by the server) against a plain bulk insert of the very same
 *    rows into an empty replica (one prepared INSERT per row in one
 *    transaction, the search index paused and rebuilt at the end as a
 *    snapshot does): target >= 4 times its rate; beside it copying the
 *    same file on this disk, the server's cold build of the file against
 *    the plain insert, and the NDJSON snapshot (target >= 50%);
 * 2. one edit on client A visible on client B after A pushes and B pulls:
 *    target < 50 ms for 95% of 50 edits (median, p95 and worst shown);
 * 3. a pull of 1,000 changed rows, against writing the same rows with plain
 *    prepared statements;
 * 4. a push of 10,000 mutations, against applying the same changes with a
 *    plain prepared UPDATE each.
 *
 * Usage: bench-sync [N]   (exit status 0 when the targets are met) */
#include "fl-sync-test-util.h"

#include <stdio.h>
#include <time.h>

#include "fl-replica-files.h"
#include "fl-soup-transport.h"
#include "fl-time.h"

#define TARGET_SNAPSHOT_RATIO 0.50
#define TARGET_PULL_FACTOR    2.0   /* a pull within 2x the plain UPDATEs of its rows */
#define TARGET_PUSH_RATIO     0.30  /* a push at least 0.3 of the plain UPDATEs' rate */
#define TARGET_FILE_RATIO     4.0
#define TARGET_EDIT_MS        50.0
#define EDITS                 50
#define PULL_ROWS             1000
#define PUSH_MUTATIONS        10000

static const char * const statuses[] = { "new", "assigned", "in_progress", "on_hold", "resolved" };

static double
seconds_since (gint64 start)
{
  return (g_get_monotonic_time () - start) / 1e6;
}

/* CPU seconds of the whole process (client, in-process server and parser
 * threads): what a phase costs, however many programs share the machine. */
static double
process_cpu (void)
{
  struct timespec now;
  clock_gettime (CLOCK_PROCESS_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

/* CPU seconds of the calling thread alone: the client's own share of a
 * sync (fl_sync_client_sync runs in the caller's thread, the in-process
 * server in its own). */
static double
thread_cpu (void)
{
  struct timespec now;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

static char *
put_row (FlStore *store, const char *table_name, JsonObject *fields)
{
  g_autoptr(GError) error = NULL;
  const FlTable *table = fl_schema_lookup (table_name);
  if (!fl_record_validate (table, fields, FL_RECORD_INSERT, NULL, &error))
    g_error ("%s: %s", table_name, error->message);
  char *id = fl_uuid7_new ();
  json_object_set_string_member (fields, "id", id);
  if (!fl_store_put_row (store, table, fields, NULL, &error))
    g_error ("%s: %s", table_name, error->message);
  return id;
}

/* N work orders with a log entry each and N movements, at site A. */
static void
fill_server (FlSyncServer *s, guint n)
{
  g_autoptr(GError) error = NULL;
  char *parts[10], *locations[21];
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    {
      g_autofree char *sku = g_strdup_printf ("PART-%02u", i);
      g_autoptr(JsonObject) part = json_object_new ();
      json_object_set_string_member (part, "sku", sku);
      json_object_set_string_member (part, "name", "服务器电源 750 W server PSU");
      json_object_set_string_member (part, "unit", "pcs");
      json_object_set_int_member (part, "min_stock", 2);
      parts[i] = put_row (s->store, "part", part);
    }
  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    {
      g_autofree char *code = i == 0 ? g_strdup ("WH-A") : g_strdup_printf ("VAN-%02u", i);
      g_autoptr(JsonObject) location = json_object_new ();
      json_object_set_string_member (location, "code", code);
      json_object_set_string_member (location, "name", code);
      json_object_set_string_member (location, "kind", i == 0 ? "warehouse" : "van");
      json_object_set_string_member (location, "site_id", s->site_a);
      locations[i] = put_row (s->store, "stock_location", location);
    }

  /* Due days from now: the server's SLA sweep finds nothing to escalate
   * while the benchmark runs, or it would hold the writer for seconds. */
  g_autofree char *response_due = fl_time_format (fl_time_now () + (gint64) 7 * 24 * 3600 * G_USEC_PER_SEC);
  g_autofree char *resolve_due = fl_time_format (fl_time_now () + (gint64) 9 * 24 * 3600 * G_USEC_PER_SEC);
  if (!fl_store_begin (s->store, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261122-BEN-%06u", i);
      g_autofree char *title = g_strdup_printf ("%u 号病房工作站无法连接 HIS Ward %u workstation cannot reach HIS", i % 40, i % 40);
      g_autoptr(JsonObject) wo = json_object_new ();
      json_object_set_string_member (wo, "ref", ref);
      json_object_set_string_member (wo, "kind", i % 3 == 0 ? "request" : "incident");
      json_object_set_string_member (wo, "title", title);
      json_object_set_string_member (wo, "description", "Reported by the ward nurse station; printer queue also stuck.");
      json_object_set_string_member (wo, "site_id", s->site_a);
      json_object_set_string_member (wo, "reporter", "ward nurse");
      json_object_set_int_member (wo, "impact", 1 + i % 4);
      json_object_set_int_member (wo, "urgency", 1 + (i / 4) % 4);
      json_object_set_string_member (wo, "priority", "normal");
      json_object_set_string_member (wo, "status", statuses[i % G_N_ELEMENTS (statuses)]);
      json_object_set_string_member (wo, "assignee", "eng_a");
      json_object_set_string_member (wo, "response_due", response_due);
      json_object_set_string_member (wo, "resolve_due", resolve_due);
      g_autofree char *wo_id = put_row (s->store, "work_order", wo);

      g_autoptr(JsonObject) log = json_object_new ();
      json_object_set_string_member (log, "work_order_id", wo_id);
      json_object_set_string_member (log, "author", "eng_a");
      json_object_set_string_member (log, "at", "2026-11-22T02:00:00.000Z");
      json_object_set_string_member (log, "kind", "labour");
      json_object_set_int_member (log, "minutes", 30);
      json_object_set_string_member (log, "text", "Replaced the network cable, tested the HIS client");
      g_autofree char *log_id = put_row (s->store, "work_log", log);

      g_autoptr(JsonObject) move = json_object_new ();
      gboolean receive = i % 2 == 0;
      json_object_set_string_member (move, "kind", receive ? "receive" : "use");
      json_object_set_string_member (move, "part_id", parts[i % G_N_ELEMENTS (parts)]);
      json_object_set_int_member (move, "qty", 1 + i % 5);
      if (receive)
        json_object_set_string_member (move, "to_location", locations[0]);
      else
        {
          json_object_set_string_member (move, "from_location", locations[1 + i % 20]);
          json_object_set_string_member (move, "work_order_id", wo_id);
        }
      json_object_set_string_member (move, "by", "eng_a");
      json_object_set_string_member (move, "at", "2026-11-22T02:00:00.000Z");
      g_autofree char *move_id = put_row (s->store, "stock_movement", move);
    }
  if (!fl_store_commit (s->store, &error))
    g_error ("%s", error->message);
  for (guint i = 0; i < G_N_ELEMENTS (parts); i++)
    g_free (parts[i]);
  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    g_free (locations[i]);
}

static void
client_ready (FlSyncTestClient *c, const char *login, FlSyncServer *s)
{
  fl_sync_test_client_init (c, login);
  fl_sync_test_client_login (c, s);
}

static void
sync_or_die (FlSyncTestClient *c)
{
  g_autoptr(GError) error = NULL;
  if (!fl_sync_client_sync (c->client, NULL, &error))
    g_error ("%s: sync: %s", c->login, error->message);
}

/* Every model row of a replica, per table, as the snapshot left them. */
static GPtrArray *
read_rows (FlDb *db, const FlTable *table)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\"", fl_record_select_list (table), table->name);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_ptr_array_add (rows, fl_record_from_stmt (table, stmt, 0));
  return rows;
}

static void
bind_json (sqlite3_stmt *stmt, int index, const FlColumn *column, JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    sqlite3_bind_null (stmt, index);
  else if (column != NULL && column->type == FL_COL_JSON)
    sqlite3_bind_text (stmt, index, json_to_string (value, FALSE), -1, g_free);
  else if (json_node_get_value_type (value) == G_TYPE_INT64)
    sqlite3_bind_int64 (stmt, index, json_node_get_int (value));
  else if (json_node_get_value_type (value) == G_TYPE_BOOLEAN)
    sqlite3_bind_int (stmt, index, json_node_get_boolean (value));
  else if (column != NULL && column->type == FL_COL_INT64)
    sqlite3_bind_int64 (stmt, index, g_ascii_strtoll (json_node_get_string (value), NULL, 10));
  else
    sqlite3_bind_text (stmt, index, json_node_get_string (value), -1, SQLITE_TRANSIENT);
}

/* The limit: the same rows with one prepared statement each, in one
 * transaction; `update` rewrites existing rows in place (every column, as
 * a pull does), otherwise they are inserted. */
static double
plain_write (FlDb *db, GPtrArray **per_table, gboolean update, gboolean pause_index)
{
  g_autoptr(GError) error = NULL;
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  gint64 start = g_get_monotonic_time ();
  fl_db_begin (db, &error);
  if (pause_index)
    fl_replica_pause_search_index (db, NULL);
  for (guint t = 0; t < n_tables; t++)
    {
      const FlTable *table = tables[t];
      if (per_table[t] == NULL || per_table[t]->len == 0)
        continue;
      g_autoptr(GString) marks = g_string_new ("?, ?, ?, ?");
      g_autoptr(GString) sets = g_string_new ("\"version\" = ?2, \"created_at\" = ?3, \"updated_at\" = ?4");
      for (guint c = 0; c < table->n_columns; c++)
        {
          g_string_append (marks, ", ?");
          g_string_append_printf (sets, ", \"%s\" = ?%u", table->columns[c].name, c + 5);
        }
      g_autofree char *sql = update
        ? g_strdup_printf ("UPDATE \"%s\" SET %s WHERE id = ?1", table->name, sets->str)
        : g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s)", table->name,
                           fl_record_select_list (table), marks->str);
      for (guint i = 0; i < per_table[t]->len; i++)
        {
          JsonObject *row = g_ptr_array_index (per_table[t], i);
          g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, &error);
          bind_json (stmt, 1, NULL, json_object_get_member (row, "id"));
          sqlite3_bind_int64 (stmt, 2, fl_record_get_int (row, "version", 1));
          bind_json (stmt, 3, NULL, json_object_get_member (row, "created_at"));
          bind_json (stmt, 4, NULL, json_object_get_member (row, "updated_at"));
          for (guint c = 0; c < table->n_columns; c++)
            bind_json (stmt, (int) c + 5, &table->columns[c], json_object_get_member (row, table->columns[c].name));
          if (sqlite3_step (stmt) != SQLITE_DONE)
            g_error ("plain write of %s: %s", table->name, sqlite3_errmsg (fl_db_handle (db)));
        }
    }
  if (pause_index)
    fl_replica_resume_search_index (db, NULL);
  if (!fl_db_commit (db, &error))
    g_error ("%s", error->message);
  return seconds_since (start);
}

/* How fast the server sends the snapshot when nobody applies it. */
static double
stream_alone (FlSyncTestClient *c, FlSyncServer *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *token = fl_token_store_load (c->tokens, fl_sync_server_url (s), c->login, &error);
  g_autoptr(FlSyncTransport) transport = fl_soup_transport_new (fl_sync_server_url (s), &error);
  FlSyncRequest request = { "GET", FL_PROTOCOL_PREFIX "/sync/snapshot", token };
  gint64 start = g_get_monotonic_time ();
  g_autoptr(FlSyncResponse) response = fl_sync_transport_send (transport, &request, NULL, &error);
  if (response == NULL)
    g_error ("%s", error->message);
  g_autoptr(GBytes) body = fl_sync_response_read_all (response, G_MAXSIZE, NULL, &error);
  if (body == NULL)
    g_error ("%s", error->message);
  return seconds_since (start);
}

static double
timed_sync (FlSyncTestClient *c)
{
  gint64 start = g_get_monotonic_time ();
  sync_or_die (c);
  return seconds_since (start);
}

static double
copy_file (const char *from, const char *to)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) dest = g_file_new_for_path (to);
  gint64 start = g_get_monotonic_time ();
  if (!g_file_copy (source, dest, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &error))
    g_error ("%s", error->message);
  return seconds_since (start);
}

static gint64
file_size (const char *path)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GFileInfo) info = g_file_query_info (file, G_FILE_ATTRIBUTE_STANDARD_SIZE, 0, NULL, NULL);
  return info != NULL ? g_file_info_get_size (info) : 0;
}

/* When each phase of a sync ended, from the progress signal. */
typedef struct {
  gint64 started;
  gint64 push_done;
  double push_done_cpu;
  double push_done_client_cpu;
} Phases;

static void
on_progress (FlSyncClient *client, guint phase, gint64 done, gint64 total, gpointer user_data)
{
  Phases *phases = user_data;
  if (phase == FL_SYNC_PHASE_PUSH && total > 0 && done == total)
    {
      phases->push_done = g_get_monotonic_time ();
      phases->push_done_cpu = process_cpu ();
      phases->push_done_client_cpu = thread_cpu ();
    }
}

static int
compare_double (gconstpointer a, gconstpointer b)
{
  double x = *(const double *) a, y = *(const double *) b;
  return x < y ? -1 : x > y;
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  g_autoptr(GError) error = NULL;
  gboolean met = TRUE;

  FlSyncServer s = { 0 };
  fl_sync_server_setup (&s);
  gint64 t0 = g_get_monotonic_time ();
  fill_server (&s, n);
  printf ("server data               %u work orders, %u work-log entries, %u stock movements (filled in %.1f s)\n",
          n, n, n, seconds_since (t0));

  /* 1. First sync into an empty replica: the NDJSON snapshot, then the
   * replica file (the first one built by the server, the next one kept). */
  g_auto(FlSyncTestClient) a = { 0 };
  client_ready (&a, "super", &s);
  fl_sync_client_set_replica_files (a.client, FALSE);
  double stream_s = stream_alone (&a, &s);
  double snapshot_s = timed_sync (&a);
  gint64 rows = fl_sync_client_get_last_stats (a.client)->snapshot_rows;

  g_auto(FlSyncTestClient) cold = { 0 };
  client_ready (&cold, "super", &s);
  double cold_file_s = timed_sync (&cold);
  g_auto(FlSyncTestClient) warm = { 0 };
  client_ready (&warm, "super", &s);
  double file_s = timed_sync (&warm);
  if (fl_sync_client_get_last_stats (warm.client)->replica_files != 1 ||
      fl_sync_client_get_last_stats (warm.client)->snapshot_rows != rows)
    g_error ("the replica file did not give the snapshot's %" G_GINT64_FORMAT " rows", rows);

  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  GPtrArray **per_table = g_new0 (GPtrArray *, n_tables);
  for (guint t = 0; t < n_tables; t++)
    per_table[t] = read_rows (a.db, tables[t]);
  g_autofree char *plain_path = g_build_filename (a.dir, "plain.db", NULL);
  g_autoptr(FlDb) plain = fl_db_open_replica (plain_path, &error);
  if (plain == NULL)
    g_error ("%s", error->message);
  double plain_s = plain_write (plain, per_table, FALSE, TRUE);
  double snapshot_rate = rows / snapshot_s, plain_rate = rows / plain_s;
  double ratio = snapshot_rate / plain_rate;
  double file_ratio = (rows / file_s) / plain_rate;
  met = met && ratio >= TARGET_SNAPSHOT_RATIO && file_ratio >= TARGET_FILE_RATIO;

  /* The same file copied on this disk, and built cold by the server. */
  g_autofree char *copy_path = g_build_filename (a.dir, "copy.db", NULL);
  fl_db_exec (warm.db, "PRAGMA wal_checkpoint(TRUNCATE)", NULL);
  double copy_s = copy_file (fl_db_path (warm.db), copy_path);
  gint64 replica_bytes = file_size (fl_db_path (warm.db));
  g_autofree char *built_path = g_build_filename (a.dir, "built.db", NULL);
  FlPullReader reader = { .sites = NULL, .login = "super", .all_conflicts = TRUE };
  t0 = g_get_monotonic_time ();
  if (!fl_replica_file_build (s.store, &reader, built_path, &error))
    g_error ("%s", error->message);
  double build_s = seconds_since (t0);

  printf ("-- first sync (%" G_GINT64_FORMAT " rows over loopback)\n", rows);
  printf ("plain bulk insert (limit) %10.0f rows/s  (%.2f s)\n", plain_rate, plain_s);
  printf ("replica file, kept        %10.0f rows/s  (%.2f s; %.1f MiB file)  ratio %.2f (target >= %.1f: %s)\n",
          rows / file_s, file_s, replica_bytes / 1048576.0, file_ratio, TARGET_FILE_RATIO,
          file_ratio >= TARGET_FILE_RATIO ? "met" : "NOT met");
  printf ("  copying the same file on this disk: %.2f s (the file path takes %.1f times as long)\n",
          copy_s, file_s / copy_s);
  printf ("replica file, built cold  %10.0f rows/s  (%.2f s: the server's build, compression and the download)\n",
          rows / cold_file_s, cold_file_s);
  printf ("  the server's build alone: %.0f rows/s (%.2f s), %.2f of the plain insert\n",
          rows / build_s, build_s, plain_s / build_s);
  printf ("NDJSON snapshot sync      %10.0f rows/s  (%.2f s)  ratio %.2f (target >= %.2f: %s)\n",
          snapshot_rate, snapshot_s, ratio, TARGET_SNAPSHOT_RATIO,
          ratio >= TARGET_SNAPSHOT_RATIO ? "met" : "NOT met");
  printf ("  (the server's stream alone, read and dropped: %.0f rows/s)\n", rows / stream_s);
  for (guint t = 0; t < n_tables; t++)
    g_ptr_array_unref (per_table[t]);
  g_free (per_table);
  fl_db_close (plain);

  /* 2. One edit on A, visible on B. */
  g_auto(FlSyncTestClient) b = { 0 };
  client_ready (&b, "eng_a2", &s);
  sync_or_die (&b);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  {
    g_autoptr(FlStmt) stmt = fl_db_prepare (a.db, "SELECT id FROM work_order ORDER BY id LIMIT ?", NULL);
    sqlite3_bind_int (stmt, 1, PUSH_MUTATIONS);
    while (sqlite3_step (stmt) == SQLITE_ROW)
      g_ptr_array_add (ids, g_strdup ((const char *) sqlite3_column_text (stmt, 0)));
  }
  double latencies[EDITS];
  for (guint i = 0; i < EDITS; i++)
    {
      const char *id = g_ptr_array_index (ids, i);
      g_autofree char *title = g_strdup_printf ("Edited on A, round %u", i);
      g_autoptr(JsonObject) values = json_object_new ();
      json_object_set_string_member (values, "title", title);
      if (!fl_changelog_update (a.db, "work_order", id, values, &error))
        g_error ("%s", error->message);
      t0 = g_get_monotonic_time ();
      sync_or_die (&a);
      sync_or_die (&b);
      latencies[i] = seconds_since (t0) * 1000;
      g_autoptr(JsonObject) row = fl_record_load (b.db, fl_schema_lookup ("work_order"), id, NULL);
      if (row == NULL || g_strcmp0 (fl_record_get_string (row, "title"), title) != 0)
        g_error ("the edit did not reach B");
    }
  qsort (latencies, EDITS, sizeof (double), compare_double);
  double p95 = latencies[EDITS * 95 / 100 - 1];
  met = met && p95 < TARGET_EDIT_MS;
  printf ("-- one edit on A visible on B (A pushes and pulls, B pushes and pulls; %d edits)\n", EDITS);
  printf ("limit                     %10.1f ms\n", TARGET_EDIT_MS);
  printf ("median / p95 / worst      %10.1f ms / %.1f ms / %.1f ms  (p95 %s)\n", latencies[EDITS / 2], p95,
          latencies[EDITS - 1], p95 < TARGET_EDIT_MS ? "met" : "NOT met");

  /* 3. B pulls 1,000 rows A changed. */
  {
    if (!fl_db_begin (a.db, &error))
      g_error ("%s", error->message);
    for (guint i = 0; i < PULL_ROWS; i++)
      {
        g_autoptr(JsonObject) values = json_object_new ();
        json_object_set_string_member (values, "contact", "pull benchmark");
        if (!fl_changelog_update (a.db, "work_order", g_ptr_array_index (ids, i), values, &error))
          g_error ("%s", error->message);
      }
    fl_db_commit (a.db, &error);
    sync_or_die (&a);
    t0 = g_get_monotonic_time ();
    double pull_cpu0 = process_cpu (), pull_client_cpu0 = thread_cpu ();
    sync_or_die (&b);
    double pull_s = seconds_since (t0);
    double pull_cpu = process_cpu () - pull_cpu0, pull_client_cpu = thread_cpu () - pull_client_cpu0;
    gint64 pulled = fl_sync_client_get_last_stats (b.client)->pulled;

    GPtrArray **changed = g_new0 (GPtrArray *, n_tables);
    const FlTable *wo_table = fl_schema_lookup ("work_order");
    for (guint t = 0; t < n_tables; t++)
      if (tables[t] == wo_table)
        {
          changed[t] = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
          for (guint i = 0; i < PULL_ROWS; i++)
            g_ptr_array_add (changed[t], fl_record_load (b.db, wo_table, g_ptr_array_index (ids, i), NULL));
        }
    double plain_cpu0 = process_cpu ();
    double plain_pull_s = plain_write (b.db, changed, TRUE, FALSE);
    double plain_pull_cpu = process_cpu () - plain_cpu0;
    for (guint t = 0; t < n_tables; t++)
      if (changed[t] != NULL)
        g_ptr_array_unref (changed[t]);
    g_free (changed);
    printf ("-- pull of %d changed rows (B: one sync; %" G_GINT64_FORMAT " changes pulled)\n", PULL_ROWS, pulled);
    printf ("plain UPDATEs (limit)     %10.1f ms\n", plain_pull_s * 1000);
    printf ("pull sync                 %10.1f ms  (%.0f rows/s)\n", pull_s * 1000, pulled / pull_s);
    printf ("CPU: pull %.3f s (client and server), plain UPDATEs %.3f s: %.2f times\n", pull_cpu, plain_pull_cpu,
            pull_cpu / plain_pull_cpu);
    printf ("  the client's own share: %.3f s CPU, %.2f times the plain UPDATEs\n", pull_client_cpu,
            pull_client_cpu / plain_pull_cpu);
    double pull_factor = pull_s / plain_pull_s;
    met = met && pull_factor <= TARGET_PULL_FACTOR;
    printf ("pull / plain              %10.2f  (target <= %.1f: %s)\n", pull_factor, TARGET_PULL_FACTOR,
            pull_factor <= TARGET_PULL_FACTOR ? "met" : "NOT met");
  }

  /* 4. A pushes 10,000 mutations. */
  {
    if (!fl_db_begin (a.db, &error))
      g_error ("%s", error->message);
    for (guint i = 0; i < PUSH_MUTATIONS; i++)
      {
        g_autoptr(JsonObject) values = json_object_new ();
        /* A field the supervisor may change in every status the rows are in (the
         * cause only while an order is worked: 40% of the pushes were refused). */
        json_object_set_string_member (values, "contact", "push benchmark");
        if (!fl_changelog_update (a.db, "work_order", g_ptr_array_index (ids, i), values, &error))
          g_error ("%s", error->message);
      }
    fl_db_commit (a.db, &error);
    Phases phases = { 0 };
    gulong handler = g_signal_connect (a.client, "progress", G_CALLBACK (on_progress), &phases);
    t0 = g_get_monotonic_time ();
    double cpu0 = process_cpu (), client_cpu0 = thread_cpu ();
    sync_or_die (&a);
    double sync_s = seconds_since (t0);
    double push_cpu = phases.push_done_cpu - cpu0;
    double push_client_cpu = phases.push_done_client_cpu - client_cpu0;
    g_signal_handler_disconnect (a.client, handler);
    double push_s = (phases.push_done - t0) / 1e6;
    const FlSyncStats *stats = fl_sync_client_get_last_stats (a.client);
    if (stats->rejected > 0 || stats->conflicts > 0)
      g_error ("the push benchmark measured refusals: %" G_GINT64_FORMAT " rejected, %" G_GINT64_FORMAT
               " conflicts", stats->rejected, stats->conflicts);

    t0 = g_get_monotonic_time ();
    cpu0 = process_cpu ();
    fl_db_begin (a.db, &error);
    for (guint i = 0; i < PUSH_MUTATIONS; i++)
      {
        g_autoptr(FlStmt) stmt = fl_db_prepare (a.db, "UPDATE work_order SET contact = ? WHERE id = ?", &error);
        sqlite3_bind_text (stmt, 1, "plain", -1, SQLITE_STATIC);
        sqlite3_bind_text (stmt, 2, g_ptr_array_index (ids, i), -1, SQLITE_TRANSIENT);
        sqlite3_step (stmt);
      }
    fl_db_commit (a.db, &error);
    double plain_push_s = seconds_since (t0);
    double plain_push_cpu = process_cpu () - cpu0;
    printf ("-- push of %d mutations (%" G_GINT64_FORMAT " answered: %" G_GINT64_FORMAT " applied, %"
            G_GINT64_FORMAT " conflicts, %" G_GINT64_FORMAT " rejected; %u requests in the whole sync)\n",
            PUSH_MUTATIONS, stats->pushed, stats->applied, stats->conflicts, stats->rejected, stats->requests);
    printf ("plain UPDATEs (limit)     %10.1f ms\n", plain_push_s * 1000);
    printf ("push                      %10.1f ms  (%.0f mutations/s; the sync with its pull of them: %.1f ms)\n",
            push_s * 1000, PUSH_MUTATIONS / push_s, sync_s * 1000);
    printf ("CPU: push %.2f s (client and server), plain UPDATEs %.2f s: ratio %.2f\n", push_cpu, plain_push_cpu,
            plain_push_cpu / push_cpu);
    printf ("  the client's own share: %.2f s CPU (reading, sending and marking the outbox), ratio %.2f\n",
            push_client_cpu, plain_push_cpu / push_client_cpu);
    double push_ratio = plain_push_s / push_s;
    met = met && push_ratio >= TARGET_PUSH_RATIO;
    printf ("push rate / plain rate    %10.2f  (target >= %.2f: %s)\n", push_ratio, TARGET_PUSH_RATIO,
            push_ratio >= TARGET_PUSH_RATIO ? "met" : "NOT met");
  }

  fl_sync_test_client_clear (&a);
  fl_sync_test_client_clear (&b);
  fl_sync_server_teardown (&s);
  return met ? 0 : 1;
}
