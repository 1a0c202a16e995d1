/* bench-server — the sync server under load, each figure beside its limit
 * measured in the same run.
 *
 * The real `fieldline-sync serve` runs as a process of its own on a free
 * loopback port, with a database made by its own admin commands (init,
 * demo-data, user add), so the memory read from /proc is the server's alone.
 *
 * 1. Push throughput: N mutations (half work-order inserts, half updates of
 *    them) pushed by one supervisor in requests of 500, against the plain
 *    bulk insert and update of the same rows into an SQLite file made by
 *    `fieldline-sync init` (same schema and settings; prepared statements,
 *    one transaction).
 * 2. Concurrent clients (50 by default, one thread and one HTTP connection
 *    each): every client is an engineer with a device of its own, serving
 *    one of the four demo sites; it signs in, takes a snapshot, then for
 *    --seconds repeats a sync round — a push of 1-20 mutations (work-order
 *    edits and status moves, work logs, parts used on a job) and a pull —
 *    with a random pause of mean --think-ms between rounds (0: back to back,
 *    the server's saturation).  Targets: no errors, p99 of each request type
 *    under 100 ms, server RSS under 100 MiB.  With --store (PostgreSQL) the
 *    same load runs first on SQLite, then on PostgreSQL with --instances
 *    servers, so that the stores are measured side by side in one run.
 *
 * Build with ninja; run build/bench/bench-server [--seconds 30] (not a
 * `meson test`). */
#include <fl-ids.h>
#include <fl-merge.h>
#include <fl-protocol.h>
#include <fl-record-store.h>
#include <fl-schema.h>
#include <fl-time.h>
#include <glib/gstdio.h>
#include <libsoup/soup.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "fl-load-client.h"

#define TARGET_P99_MS  100
#define TARGET_RSS_MIB 100
#define PASSWORD       "bench-password-2026"

static const char * const site_codes[] = { "HOSP1", "HOSP2", "CLINIC3", "DC1" };

static char *server_binary = NULL;
static char *work_dir = NULL;
static char *store_base = NULL;  /* --store: a PostgreSQL server the runs make databases on */
static guint n_instances = 1;    /* --instances: servers on one store, clients spread over them */

static G_GNUC_NORETURN void
die (const char *format, ...) G_GNUC_PRINTF (1, 2);

static void
die (const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  fprintf (stderr, "bench-server: %s\n", message);
  if (work_dir != NULL)
    fprintf (stderr, "bench-server: its files are left in %s\n", work_dir);
  exit (2);
}

/* ---- the server's admin commands and process ---- */

static void
admin (const char *stdin_text, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, server_binary);
  va_list args;
  va_start (args, stdin_text);
  const char *arg;
  while ((arg = va_arg (args, const char *)) != NULL)
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocess) process =
    g_subprocess_newv ((const char * const *) argv->pdata,
                       G_SUBPROCESS_FLAGS_STDIN_PIPE | G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                       G_SUBPROCESS_FLAGS_STDERR_PIPE, &error);
  g_autofree char *out = NULL, *err = NULL;
  if (process == NULL ||
      !g_subprocess_communicate_utf8 (process, stdin_text, NULL, &out, &err, &error))
    die ("%s %s: %s", server_binary, (char *) argv->pdata[1], error->message);
  if (!g_subprocess_get_if_exited (process) || g_subprocess_get_exit_status (process) != 0)
    die ("fieldline-sync %s failed: %s", (char *) argv->pdata[1], err);
}

typedef struct {
  GSubprocess *process;
  GPid         pid;
  char        *base_uri;
  char        *log_path;
} Server;

static guint16
free_port (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any_port = g_inet_socket_address_new (loopback, 0);
  if (socket == NULL || !g_socket_bind (socket, any_port, FALSE, &error))
    die ("no free loopback port: %s", error->message);
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (socket, &error);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
server_healthy (SoupSession *session, const char *base_uri)
{
  g_autofree char *uri = g_strconcat (base_uri, FL_PROTOCOL_PREFIX "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
  return body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK;
}

/* Where a run keeps its store: a SQLite file in the work folder, or a new
 * database on the --store PostgreSQL server (made with createdb). */
static char *
store_for (const char *name)
{
  if (store_base == NULL)
    return g_strdup_printf ("%s/%s.db", work_dir, name);
  g_autoptr(GError) error = NULL;
  g_autoptr(GUri) base = g_uri_parse (store_base, G_URI_FLAGS_ENCODED, &error);
  if (base == NULL)
    die ("--store %s: %s", store_base, error->message);
  g_autofree char *database = g_strdup_printf ("bench_%s_%d", name, (int) getpid ());
  g_autofree char *path = g_strconcat ("/", database, NULL);
  g_autoptr(GUri) uri = g_uri_build (G_URI_FLAGS_ENCODED, g_uri_get_scheme (base), g_uri_get_userinfo (base),
                                     g_uri_get_host (base), g_uri_get_port (base), path,
                                     g_uri_get_query (base), NULL);
  g_autofree char *maintenance = g_strdup_printf ("--maintenance-db=%s", store_base);
  const char *argv[] = { "createdb", maintenance, database, NULL };
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_SEARCH_PATH, NULL, NULL, NULL, NULL, &status, &error) ||
      !g_spawn_check_wait_status (status, &error))
    die ("createdb %s: %s", database, error->message);
  return g_uri_to_string (uri);
}

static Server *
server_start (const char *db, const char *name)
{
  g_autoptr(SoupSession) session = soup_session_new ();
  for (int attempt = 0; attempt < 3; attempt++)
    {
      Server *server = g_new0 (Server, 1);
      guint16 port = free_port ();
      g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", port);
      server->base_uri = g_strdup_printf ("http://127.0.0.1:%u", port);
      server->log_path = g_strdup_printf ("%s/%s.log", work_dir, name);
      g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDOUT_SILENCE);
      g_subprocess_launcher_set_stderr_file_path (launcher, server->log_path);
      g_autoptr(GError) error = NULL;
      g_autofree char *blobs = g_strdup_printf ("%s/%s.blobs", work_dir, name);
      server->process = g_subprocess_launcher_spawn (launcher, &error, server_binary, "serve", "--store", db,
                                                     "--listen", listen, "--blob-dir", blobs, NULL);
      if (server->process == NULL)
        die ("cannot start %s: %s", server_binary, error->message);
      server->pid = (GPid) g_ascii_strtoll (g_subprocess_get_identifier (server->process), NULL, 10);
      for (int i = 0; i < 200 && g_subprocess_get_identifier (server->process) != NULL; i++)
        {
          if (server_healthy (session, server->base_uri))
            return server;
          g_usleep (50 * 1000);
        }
      /* The port was taken between our look and its bind: try another. */
      g_subprocess_force_exit (server->process);
      g_subprocess_wait (server->process, NULL, NULL);
      g_object_unref (server->process);
      g_free (server->base_uri);
      g_free (server->log_path);
      g_free (server);
    }
  die ("the server did not come up; see %s/%s.log", work_dir, name);
}

static void
server_stop (Server *server)
{
  g_subprocess_send_signal (server->process, SIGTERM);
  g_autoptr(GError) error = NULL;
  if (!g_subprocess_wait (server->process, NULL, &error))
    die ("waiting for the server: %s", error->message);
  /* What the server logged beyond its start and stop lines. */
  g_autofree char *log = NULL;
  if (g_file_get_contents (server->log_path, &log, NULL, NULL) && strstr (log, "WARNING") != NULL)
    fprintf (stderr, "server log %s:\n%.2000s\n", server->log_path, log);
  g_object_unref (server->process);
  g_free (server->base_uri);
  g_free (server->log_path);
  g_free (server);
}

/* A "VmRSS:"-style line of /proc/PID/status, in KiB (-1 when unreadable). */
static gint64
proc_status_kib (GPid pid, const char *key)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", (int) pid);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return -1;
  const char *line = strstr (text, key);
  return line != NULL ? g_ascii_strtoll (line + strlen (key), NULL, 10) : -1;
}

/* Resets VmHWM to the current RSS (Linux 4.0+), so the peak of one phase
 * can be read on its own. */
static gboolean
reset_peak_rss (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/clear_refs", (int) pid);
  FILE *file = fopen (path, "w");
  if (file == NULL)
    return FALSE;
  gboolean ok = fputs ("5", file) >= 0;
  return fclose (file) == 0 && ok;
}

typedef struct {
  GPid   pid;
  gint   stop;
  gint64 peak_kib;
} RssSampler;

static gpointer
sample_rss (gpointer data)
{
  RssSampler *s = data;
  while (!g_atomic_int_get (&s->stop))
    {
      s->peak_kib = MAX (s->peak_kib, proc_status_kib (s->pid, "VmRSS:"));
      g_usleep (20 * 1000);
    }
  return NULL;
}

static double
mib (gint64 kib)
{
  return kib / 1024.0;
}

/* ---- where the CPU went ---- */

typedef struct {
  double server;   /* seconds of CPU of the server process */
  double self;     /* of this program (the load generator) */
  double busy;     /* of the whole machine, every process */
  double wall;
} CpuClock;

static double
process_cpu_seconds (GPid pid)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *text = NULL;
  if (!g_file_get_contents (path, &text, NULL, NULL))
    return 0;
  /* utime and stime are the 14th and 15th fields; the 2nd may hold spaces. */
  const char *p = strrchr (text, ')');
  g_auto(GStrv) fields = g_strsplit (p != NULL ? p + 2 : "", " ", 0);
  if (g_strv_length (fields) < 13)
    return 0;
  return (g_ascii_strtod (fields[11], NULL) + g_ascii_strtod (fields[12], NULL)) / sysconf (_SC_CLK_TCK);
}

static double
machine_busy_seconds (void)
{
  g_autofree char *text = NULL;
  if (!g_file_get_contents ("/proc/stat", &text, NULL, NULL))
    return 0;
  /* cpu  user nice system idle iowait irq softirq steal ... */
  g_auto(GStrv) fields = g_strsplit_set (text, " \n", 0);
  double values[8] = { 0 };
  guint n = 0;
  for (guint i = 1; fields[i] != NULL && n < G_N_ELEMENTS (values); i++)
    if (*fields[i] != '\0')
      values[n++] = g_ascii_strtod (fields[i], NULL);
  double busy = 0;
  for (guint i = 0; i < n; i++)
    if (i != 3 && i != 4)  /* idle, iowait */
      busy += values[i];
  return busy / sysconf (_SC_CLK_TCK);
}

static CpuClock
cpu_clock (GPid server)
{
  struct rusage usage;
  getrusage (RUSAGE_SELF, &usage);
  CpuClock c = {
    .server = process_cpu_seconds (server),
    .self = usage.ru_utime.tv_sec + usage.ru_utime.tv_usec / 1e6 + usage.ru_stime.tv_sec + usage.ru_stime.tv_usec / 1e6,
    .busy = machine_busy_seconds (),
    .wall = g_get_monotonic_time () / 1e6,
  };
  return c;
}

static void
print_cpu (const char *label, CpuClock a, CpuClock b)
{
  double cores = (double) g_get_num_processors () * (b.wall - a.wall);
  double server = b.server - a.server, self = b.self - a.self, busy = b.busy - a.busy;
  double others = MAX (0, busy - server - self);
  printf ("%-25s %.0f core-s on %u cores: server %.1f (%.0f%%), load generator %.1f (%.0f%%), "
          "other processes %.1f (%.0f%%), idle %.0f%%\n", label, cores, g_get_num_processors (),
          server, 100 * server / cores, self, 100 * self / cores, others, 100 * others / cores,
          100 * MAX (0, cores - busy) / cores);
}

/* ---- the server's own view: its request-duration histogram (/metrics) ---- */

typedef struct {
  double count;
  double sum;
  double within;  /* answered within the latency target */
} RouteTimes;

static double
metric_value (const char *text, const char *series)
{
  const char *line = strstr (text, series);
  return line != NULL ? g_ascii_strtod (line + strlen (series), NULL) : 0;
}

/* The server's own times of each route, and its push commits: `commits[0]`
 * commits, `commits[1]` the pushes in them. */
static void
server_route_times (const char *base_uri, RouteTimes times[FL_LOAD_N_REQUESTS], double commits[2])
{
  static const char * const paths[FL_LOAD_N_REQUESTS] = {
    "/api/v1/auth/login", "/api/v1/sync/snapshot", "/api/v1/sync/push", "/api/v1/sync/pull" };
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autofree char *uri = g_strconcat (base_uri, FL_PROTOCOL_PREFIX "/metrics", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
  g_autofree char *text = body != NULL ? g_strndup (g_bytes_get_data (body, NULL), g_bytes_get_size (body)) : g_strdup ("");
  for (guint i = 0; i < FL_LOAD_N_REQUESTS; i++)
    {
      g_autofree char *count = g_strdup_printf ("_count{route=\"%s\"} ", paths[i]);
      g_autofree char *sum = g_strdup_printf ("_sum{route=\"%s\"} ", paths[i]);
      g_autofree char *within = g_strdup_printf ("_bucket{route=\"%s\",le=\"%g\"} ", paths[i], TARGET_P99_MS / 1000.0);
      times[i].count = metric_value (text, count);
      times[i].sum = metric_value (text, sum);
      times[i].within = metric_value (text, within);
    }
  commits[0] = metric_value (text, "\nfieldline_push_commits_total ");
  commits[1] = metric_value (text, "\nfieldline_push_commit_requests_total ");
}

/* ---- 1. push throughput against the plain bulk write ---- */

static JsonObject *
work_order_fields (guint i, const char *site_id)
{
  static const char * const kinds[] = { "incident", "request", "maintenance" };
  JsonObject *wo = json_object_new ();
  g_autofree char *ref = g_strdup_printf ("INC-261123-BEN-%06u", i);
  g_autofree char *title = g_strdup_printf ("Ward %u workstation cannot reach the HIS server", i % 40);
  json_object_set_string_member (wo, "ref", ref);
  json_object_set_string_member (wo, "kind", kinds[i % G_N_ELEMENTS (kinds)]);
  json_object_set_string_member (wo, "title", title);
  json_object_set_string_member (wo, "description", "Reported by the ward nurse station; printer queue also stuck.");
  json_object_set_string_member (wo, "site_id", site_id);
  json_object_set_string_member (wo, "reporter", "Head nurse Liu (Ward 5)");
  json_object_set_int_member (wo, "impact", 1 + i % 4);
  json_object_set_int_member (wo, "urgency", 1 + (i / 4) % 4);
  json_object_set_string_member (wo, "status", "new");
  return wo;
}

typedef struct {
  double insert_s;
  double update_s;
} Timing;

/* The limit: the same rows and changes straight into SQLite. */
static Timing
plain_write (const char *path, GPtrArray *rows, GPtrArray *updates)
{
  sqlite3 *db = NULL;
  if (sqlite3_open (path, &db) != SQLITE_OK)
    die ("open %s: %s", path, sqlite3_errmsg (db));
  /* The settings every Fieldline connection uses (fl_db_open). */
  sqlite3_busy_timeout (db, 5000);
  sqlite3_exec (db, "PRAGMA journal_mode = WAL; PRAGMA synchronous = NORMAL; PRAGMA foreign_keys = ON;"
                    "PRAGMA temp_store = MEMORY; PRAGMA cache_size = -65536;", NULL, NULL, NULL);

  const FlTable *table = fl_schema_lookup ("work_order");
  g_autoptr(GString) marks = g_string_new ("?, ?, ?, ?");
  for (guint c = 0; c < table->n_columns; c++)
    g_string_append (marks, ", ?");
  g_autofree char *insert_sql = g_strdup_printf ("INSERT INTO work_order (%s) VALUES (%s)",
                                                 fl_record_select_list (table), marks->str);
  const char *update_sql = "UPDATE work_order SET description = ?, contact = ?, version = version + 1, "
                           "updated_at = ? WHERE id = ?";
  sqlite3_stmt *insert = NULL, *update = NULL;
  if (sqlite3_prepare_v2 (db, insert_sql, -1, &insert, NULL) != SQLITE_OK ||
      sqlite3_prepare_v2 (db, update_sql, -1, &update, NULL) != SQLITE_OK)
    die ("plain write: %s", sqlite3_errmsg (db));

  Timing t;
  g_autofree char *now = fl_time_format (fl_time_now ());
  gint64 start = g_get_monotonic_time ();
  sqlite3_exec (db, "BEGIN IMMEDIATE", NULL, NULL, NULL);
  for (guint i = 0; i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      sqlite3_bind_text (insert, 1, fl_record_get_string (row, "id"), -1, SQLITE_STATIC);
      sqlite3_bind_int64 (insert, 2, 1);
      sqlite3_bind_text (insert, 3, now, -1, SQLITE_STATIC);
      sqlite3_bind_text (insert, 4, now, -1, SQLITE_STATIC);
      for (guint c = 0; c < table->n_columns; c++)
        {
          JsonNode *v = json_object_get_member (row, table->columns[c].name);
          int index = (int) c + 5;
          if (v == NULL || JSON_NODE_HOLDS_NULL (v))
            sqlite3_bind_null (insert, index);
          else if (json_node_get_value_type (v) == G_TYPE_INT64)
            sqlite3_bind_int64 (insert, index, json_node_get_int (v));
          else
            sqlite3_bind_text (insert, index, json_node_get_string (v), -1, SQLITE_STATIC);
        }
      if (sqlite3_step (insert) != SQLITE_DONE)
        die ("plain insert: %s", sqlite3_errmsg (db));
      sqlite3_reset (insert);
    }
  t.insert_s = (g_get_monotonic_time () - start) / 1e6;
  start = g_get_monotonic_time ();
  for (guint i = 0; i < updates->len; i++)
    {
      FlMutation *m = updates->pdata[i];
      JsonObject *description = json_object_get_object_member (m->changes, "description");
      JsonObject *contact = json_object_get_object_member (m->changes, "contact");
      sqlite3_bind_text (update, 1, json_object_get_string_member (description, "to"), -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 2, json_object_get_string_member (contact, "to"), -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 3, now, -1, SQLITE_STATIC);
      sqlite3_bind_text (update, 4, m->id, -1, SQLITE_STATIC);
      if (sqlite3_step (update) != SQLITE_DONE || sqlite3_changes (db) != 1)
        die ("plain update: %s", sqlite3_errmsg (db));
      sqlite3_reset (update);
    }
  if (sqlite3_exec (db, "COMMIT", NULL, NULL, NULL) != SQLITE_OK)
    die ("plain commit: %s", sqlite3_errmsg (db));
  t.update_s = (g_get_monotonic_time () - start) / 1e6;
  sqlite3_finalize (insert);
  sqlite3_finalize (update);
  sqlite3_close (db);
  return t;
}

/* Pushes `mutations` in requests of `batch`; every one must be applied. */
static double
push_all (FlLoadClient *client, GPtrArray *mutations, guint batch)
{
  gint64 start = g_get_monotonic_time ();
  for (guint i = 0; i < mutations->len; i += batch)
    {
      g_autoptr(GPtrArray) request = g_ptr_array_new ();
      for (guint k = i; k < MIN (i + batch, mutations->len); k++)
        g_ptr_array_add (request, mutations->pdata[k]);
      g_autoptr(GError) error = NULL;
      g_autoptr(FlPushResponse) response = fl_load_client_push (client, request, &error);
      if (response == NULL)
        die ("push: %s", error->message);
      for (guint k = 0; k < response->results->len; k++)
        {
          FlMutationResult *result = response->results->pdata[k];
          if (result->status != FL_RESULT_APPLIED)
            die ("push: mutation %" G_GINT64_FORMAT " was %s: %s", result->mid,
                 fl_result_status_to_string (result->status), result->error != NULL ? result->error : "");
        }
    }
  return (g_get_monotonic_time () - start) / 1e6;
}

static void
bench_push (guint n, guint batch)
{
  g_autofree char *db = store_for ("push");
  g_autofree char *plain_db = g_build_filename (work_dir, "plain.db", NULL);
  admin (NULL, "init", "--store", db, NULL);
  admin (NULL, "demo-data", "--store", db, "--size", "0", NULL);
  admin (PASSWORD "\n", "user", "add", "bench.lead", "--store", db, "--role", "supervisor",
         "--name", "Bench lead", "--password-stdin", NULL);
  admin (NULL, "init", "--db", plain_db, NULL);

  Server *server = server_start (db, "push-server");
  g_autoptr(FlLoadClient) client = fl_load_client_new (server->base_uri, "bench.lead", PASSWORD, 1);
  g_autoptr(GError) error = NULL;
  if (!fl_load_client_login (client, &error) || !fl_load_client_snapshot (client, &error))
    die ("%s", error->message);
  GPtrArray *sites = fl_load_client_get_site_ids (client);
  if (sites->len == 0)
    die ("the demo data has no sites");

  /* n/2 new work orders, then an update of each: two fields edited. */
  guint n_new = n / 2;
  g_autoptr(GPtrArray) inserts = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_autoptr(GPtrArray) updates = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  g_autoptr(GPtrArray) plain_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  gint64 at = fl_time_now ();
  for (guint i = 0; i < n_new; i++)
    {
      char id[37];
      fl_uuid7_generate (id);
      g_autoptr(JsonObject) fields = work_order_fields (i, sites->pdata[i % sites->len]);
      g_ptr_array_add (inserts, fl_mutation_new (fl_load_client_next_mid (client), "work_order", id,
                                                 FL_MUTATION_INSERT, at, fields));
      /* The plain row holds what the server derives as well. */
      JsonObject *row = json_object_new ();
      fl_merge_apply (row, fields);
      json_object_set_string_member (row, "id", id);
      json_object_set_string_member (row, "priority", "normal");
      json_object_set_string_member (row, "response_due", "2026-11-24T09:00:00.000Z");
      json_object_set_string_member (row, "resolve_due", "2026-11-27T09:00:00.000Z");
      g_ptr_array_add (plain_rows, row);
    }
  for (guint i = 0; i < n - n_new; i++)
    {
      FlMutation *insert = inserts->pdata[i % n_new];
      g_autoptr(JsonObject) changes = json_object_new ();
      JsonObject *description = json_object_new ();
      json_object_set_string_member (description, "from", json_object_get_string_member (insert->fields, "description"));
      json_object_set_string_member (description, "to", "Printer queue cleared; the HIS client still times out.");
      json_object_set_object_member (changes, "description", description);
      JsonObject *contact = json_object_new ();
      json_object_set_null_member (contact, "from");
      g_autofree char *phone = g_strdup_printf ("ext. %u", 3000 + i % 1000);
      json_object_set_string_member (contact, "to", phone);
      json_object_set_object_member (changes, "contact", contact);
      g_ptr_array_add (updates, fl_mutation_new (fl_load_client_next_mid (client), "work_order", insert->id,
                                                 FL_MUTATION_UPDATE, at, changes));
    }

  CpuClock cpu_start = cpu_clock (server->pid);
  double insert_s = push_all (client, inserts, batch);
  double update_s = push_all (client, updates, batch);
  CpuClock cpu_end = cpu_clock (server->pid);
  printf ("server pid %d, database %s\n", (int) server->pid, db);
  server_stop (server);
  Timing plain = plain_write (plain_db, plain_rows, updates);

  double push_rate = n / (insert_s + update_s), plain_rate = n / (plain.insert_s + plain.update_s);
  printf ("mutations                 %u (%u work-order inserts, then %u updates of two fields), %u per push\n",
          n, n_new, n - n_new, batch);
  printf ("plain SQLite (limit)      %10.0f rows/s   (inserts %.0f/s, updates %.0f/s; %.2f s)\n",
          plain_rate, n_new / plain.insert_s, (n - n_new) / plain.update_s, plain.insert_s + plain.update_s);
  printf ("pushed through the server %10.0f mutations/s (inserts %.0f/s, updates %.0f/s; %.2f s)\n",
          push_rate, n_new / insert_s, (n - n_new) / update_s, insert_s + update_s);
  printf ("ratio                     %10.3f\n", push_rate / plain_rate);
  print_cpu ("CPU during the pushes", cpu_start, cpu_end);
}

/* ---- 2. concurrent clients ---- */

/* The clients sign in all at once, then take their snapshots all at once,
 * then run: the server's memory is read after each phase. */
enum { SIGN_IN, SNAPSHOT, RUN };

typedef struct {
  GMutex  lock;
  GCond   cond;
  guint   arrived;     /* clients done with the phase before (well or not) */
  guint   phase;       /* SIGN_IN, SNAPSHOT, RUN */
  gint64  seconds;
  gint64  deadline;    /* monotonic usec */
  guint   think_ms;
  guint   max_batch;
  int     nice;        /* of the client threads */
  guint64 rounds;
} Load;

typedef struct {
  Load         *load;
  char         *base_uri;
  char         *login;
  guint         index;
  FlLoadStats  *stats;   /* a copy, made when the client is done */
} Worker;

/* A client is done with a phase; it waits for the next one. */
static void
arrive (Load *load, guint next)
{
  g_mutex_lock (&load->lock);
  load->arrived++;
  g_cond_broadcast (&load->cond);
  while (load->phase < next)
    g_cond_wait (&load->cond, &load->lock);
  g_mutex_unlock (&load->lock);
}

static void
wait_for_clients (Load *load, guint n_clients)
{
  g_mutex_lock (&load->lock);
  while (load->arrived < n_clients)
    g_cond_wait (&load->cond, &load->lock);
  g_mutex_unlock (&load->lock);
}

/* Every client has arrived: reads the server's peak memory of the phase
 * (VmHWM, then resets it), and begins the next phase. */
static gint64
next_phase (Load *load, GPid server, gboolean *reset)
{
  g_mutex_lock (&load->lock);
  load->arrived = 0;
  gint64 peak = proc_status_kib (server, "VmHWM:");
  *reset = reset_peak_rss (server) && *reset;
  load->phase++;
  if (load->phase == RUN)
    load->deadline = g_get_monotonic_time () + load->seconds * G_USEC_PER_SEC;
  g_cond_broadcast (&load->cond);
  g_mutex_unlock (&load->lock);
  return peak;
}

static gpointer
run_client (gpointer data)
{
  Worker *w = data;
  Load *load = w->load;
  /* The clients stand in for laptops elsewhere: on this machine they yield
   * the CPU to the server (Linux sets nice per thread). */
  setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), load->nice);
  g_autoptr(FlLoadClient) client = fl_load_client_new (w->base_uri, w->login, PASSWORD, 1000 + w->index);
  g_autoptr(GRand) rand = g_rand_new_with_seed (2000 + w->index);
  g_autoptr(GError) error = NULL;
  gboolean ok = fl_load_client_login (client, &error);
  arrive (load, SNAPSHOT);
  ok = ok && fl_load_client_snapshot (client, &error);
  arrive (load, RUN);

  /* A pause first as well: clients that sync on their own clocks do not
   * all arrive in the same millisecond. */
  guint64 rounds = 0;
  while (ok && g_get_monotonic_time () < load->deadline)
    {
      if (load->think_ms > 0)
        {
          gint64 pause = g_rand_int_range (rand, 0, 2 * (gint32) load->think_ms * 1000);
          gint64 left = load->deadline - g_get_monotonic_time ();
          g_usleep (MAX (0, MIN (pause, left)));
          if (g_get_monotonic_time () >= load->deadline)
            break;
        }
      g_clear_error (&error);
      fl_load_client_round (client, load->max_batch, &error);
      rounds++;
    }
  g_mutex_lock (&load->lock);
  load->rounds += rounds;
  g_mutex_unlock (&load->lock);
  w->stats = fl_load_stats_new ();
  fl_load_stats_add (w->stats, fl_load_client_get_stats (client));
  return NULL;
}

/* Slow requests (over the latency target) of every client, grouped where
 * they overlap in time: a few long groups mean the server stalled for
 * everyone at once; many small ones, that requests queued one by one. */
typedef struct {
  gint64 from, to;
} Span;

static int
compare_spans (gconstpointer a, gconstpointer b)
{
  const Span *x = a, *y = b;
  return x->from < y->from ? -1 : x->from > y->from;
}

static void
print_slow_groups (FlLoadStats *all, gint64 run_start)
{
  g_autoptr(GArray) spans = g_array_new (FALSE, FALSE, sizeof (Span));
  for (FlLoadRequest r = FL_LOAD_PUSH; r <= FL_LOAD_PULL; r++)
    for (guint i = 0; i < all->latency[r]->len; i++)
      {
        gint64 latency = g_array_index (all->latency[r], gint64, i);
        gint64 started = g_array_index (all->started[r], gint64, i);
        if (latency >= TARGET_P99_MS * 1000 && started >= run_start)
          g_array_append_val (spans, ((Span) { started, started + latency }));
      }
  if (spans->len == 0)
    return;
  g_array_sort (spans, compare_spans);
  guint groups = 0, largest = 0, in_group = 0;
  gint64 group_end = G_MININT64, group_from = 0, longest = 0, longest_at = 0;
  /* Where each group starts and how many it holds, to set beside the
   * server's log (its background work) and the database's. */
  g_autoptr(GString) starts = g_string_new (NULL);
  for (guint i = 0; i < spans->len; i++)
    {
      Span *s = &g_array_index (spans, Span, i);
      if (s->from > group_end)
        {
          if (groups > 0)
            g_string_append_printf (starts, " (%u)", in_group);
          groups++;
          in_group = 0;
          group_from = s->from;
          g_string_append_printf (starts, "%s%.1f s", groups > 1 ? "," : "", (s->from - run_start) / 1e6);
        }
      group_end = MAX (group_end, s->to);
      in_group++;
      largest = MAX (largest, in_group);
      if (group_end - group_from > longest)
        {
          longest = group_end - group_from;
          longest_at = group_from - run_start;
        }
    }
  printf ("requests over %d ms      %u, in %u groups overlapping in time (largest %u requests; "
          "longest %.0f ms, from %.1f s into the run)\n",
          TARGET_P99_MS, spans->len, groups, largest, longest / 1e3, longest_at / 1e6);
  g_string_append_printf (starts, " (%u)", in_group);
  printf ("  groups at (requests)    %s\n", starts->str);
}

static const char *
met (gboolean ok)
{
  return ok ? "met" : "NOT met";
}

static gboolean
bench_clients (guint n_clients, guint seconds, guint think_ms, guint max_batch, guint demo_size, int nice)
{
  g_autofree char *db = store_for ("load");
  g_autofree char *size = g_strdup_printf ("%u", demo_size);
  admin (NULL, "init", "--store", db, NULL);
  admin (NULL, "demo-data", "--store", db, "--size", size, NULL);
  g_autoptr(GPtrArray) workers = g_ptr_array_new ();
  for (guint i = 0; i < n_clients; i++)
    {
      Worker *w = g_new0 (Worker, 1);
      w->login = g_strdup_printf ("bench.eng%02u", i + 1);
      w->index = i;
      g_autofree char *name = g_strdup_printf ("Bench engineer %02u", i + 1);
      admin (PASSWORD "\n", "user", "add", w->login, "--store", db, "--role", "engineer", "--name", name,
             "--sites", site_codes[i % G_N_ELEMENTS (site_codes)], "--password-stdin", NULL);
      g_ptr_array_add (workers, w);
    }

  /* The first instance is the one measured (CPU, memory, route times);
   * the clients are spread over all of them. */
  Server *server = server_start (db, "load-server");
  g_autoptr(GPtrArray) others = g_ptr_array_new ();
  for (guint i = 1; i < n_instances; i++)
    {
      g_autofree char *name = g_strdup_printf ("load-server-%u", i + 1);
      g_ptr_array_add (others, server_start (db, name));
    }
  gint64 idle_kib = proc_status_kib (server->pid, "VmRSS:");
  Load load = { .phase = SIGN_IN, .seconds = seconds, .think_ms = think_ms, .max_batch = max_batch,
               .nice = nice };
  g_mutex_init (&load.lock);
  g_cond_init (&load.cond);
  g_autoptr(GPtrArray) threads = g_ptr_array_new ();
  for (guint i = 0; i < n_clients; i++)
    {
      Worker *w = workers->pdata[i];
      w->load = &load;
      Server *instance = i % n_instances == 0 ? server : others->pdata[i % n_instances - 1];
      w->base_uri = g_strdup (instance->base_uri);
      g_ptr_array_add (threads, g_thread_new ("load-client", run_client, w));
    }

  gboolean reset = TRUE;
  gint64 phase_start = g_get_monotonic_time ();
  wait_for_clients (&load, n_clients);
  double sign_in_s = (g_get_monotonic_time () - phase_start) / 1e6;
  gint64 sign_in_kib = next_phase (&load, server->pid, &reset);

  phase_start = g_get_monotonic_time ();
  wait_for_clients (&load, n_clients);
  double snapshot_s = (g_get_monotonic_time () - phase_start) / 1e6;
  RouteTimes times_before[FL_LOAD_N_REQUESTS], times_after[FL_LOAD_N_REQUESTS];
  double commits_before[2], commits_after[2];
  server_route_times (server->base_uri, times_before, commits_before);
  CpuClock cpu_start = cpu_clock (server->pid);
  gint64 snapshot_kib = next_phase (&load, server->pid, &reset);

  gint64 start = g_get_monotonic_time ();
  RssSampler sampler = { .pid = server->pid };
  GThread *sampler_thread = g_thread_new ("rss", sample_rss, &sampler);
  for (guint i = 0; i < threads->len; i++)
    g_thread_join (threads->pdata[i]);
  double elapsed = (g_get_monotonic_time () - start) / 1e6;
  CpuClock cpu_end = cpu_clock (server->pid);
  server_route_times (server->base_uri, times_after, commits_after);
  gint64 load_peak_kib = proc_status_kib (server->pid, "VmHWM:");
  gint64 end_kib = proc_status_kib (server->pid, "VmRSS:");
  g_atomic_int_set (&sampler.stop, TRUE);
  g_thread_join (sampler_thread);
  printf ("server pid %d, database %s, %u instance%s\n", (int) server->pid, db, n_instances,
          n_instances > 1 ? "s" : "");
  server_stop (server);
  for (guint i = 0; i < others->len; i++)
    server_stop (others->pdata[i]);

  g_autoptr(FlLoadStats) all = fl_load_stats_new ();
  for (guint i = 0; i < workers->len; i++)
    {
      Worker *w = workers->pdata[i];
      fl_load_stats_add (all, w->stats);
      fl_load_stats_free (w->stats);
      g_free (w->login);
      g_free (w->base_uri);
      g_free (w);
    }

  guint errors = 0, requests = all->latency[FL_LOAD_PUSH]->len + all->latency[FL_LOAD_PULL]->len;
  for (guint i = 0; i < FL_LOAD_N_REQUESTS; i++)
    errors += all->errors[i];
  printf ("clients                   %u engineers at %u sites, each its own device and connection\n",
          n_clients, (guint) MIN (n_clients, G_N_ELEMENTS (site_codes)));
  printf ("demo data                 %u work orders and all around them\n", demo_size);
  printf ("sign-in, all at once      %.2f s (login p50 %.0f ms, max %.0f ms; %u deferred by the server "
          "and sent again after its Retry-After)\n", sign_in_s,
          fl_load_stats_quantile (all, FL_LOAD_LOGIN, 0.5) / 1e3, fl_load_stats_quantile (all, FL_LOAD_LOGIN, 1) / 1e3,
          all->deferred[FL_LOAD_LOGIN]);
  printf ("snapshots, all at once    %.2f s (snapshot p50 %.0f ms, max %.0f ms; %u deferred)\n", snapshot_s,
          fl_load_stats_quantile (all, FL_LOAD_SNAPSHOT, 0.5) / 1e3, fl_load_stats_quantile (all, FL_LOAD_SNAPSHOT, 1) / 1e3,
          all->deferred[FL_LOAD_SNAPSHOT]);
  printf ("run                       %.1f s, think time %s (mean %u ms), 1-%u mutations per push, clients at nice %d\n",
          elapsed, think_ms > 0 ? "0-2x" : "none", think_ms, max_batch, nice);
  printf ("sync rounds               %" G_GUINT64_FORMAT " (%.1f/s)\n", load.rounds, load.rounds / elapsed);
  printf ("requests                  %u (%.1f/s): %u pushes, %u pulls\n", requests, requests / elapsed,
          all->latency[FL_LOAD_PUSH]->len, all->latency[FL_LOAD_PULL]->len);
  printf ("mutations pushed          %" G_GUINT64_FORMAT " (%.1f/s): %" G_GUINT64_FORMAT " applied, %"
          G_GUINT64_FORMAT " merged, %" G_GUINT64_FORMAT " conflict, %" G_GUINT64_FORMAT " rejected\n",
          all->mutations, all->mutations / elapsed, all->results[FL_RESULT_APPLIED], all->results[FL_RESULT_MERGED],
          all->results[FL_RESULT_CONFLICT], all->results[FL_RESULT_REJECTED]);
  printf ("changes pulled            %" G_GUINT64_FORMAT "\n", all->pulled);
  if (all->first_rejection != NULL)
    printf ("  first rejection: %s\n", all->first_rejection);

  gboolean ok = TRUE;
  printf ("errors                    %u (login %u, snapshot %u, push %u, pull %u)  (target 0: %s)\n", errors,
          all->errors[FL_LOAD_LOGIN], all->errors[FL_LOAD_SNAPSHOT], all->errors[FL_LOAD_PUSH],
          all->errors[FL_LOAD_PULL], met (errors == 0));
  if (all->first_error != NULL)
    printf ("  first error: %s\n", all->first_error);
  ok = ok && errors == 0;
  for (FlLoadRequest r = FL_LOAD_PUSH; r <= FL_LOAD_PULL; r++)
    {
      double p50 = fl_load_stats_quantile (all, r, 0.5) / 1e3, p99 = fl_load_stats_quantile (all, r, 0.99) / 1e3;
      double max = fl_load_stats_quantile (all, r, 1) / 1e3;
      printf ("%-4s latency              p50 %6.1f ms  p99 %6.1f ms  max %6.1f ms  (target p99 < %d ms: %s)\n",
              fl_load_request_name (r), p50, p99, max, TARGET_P99_MS, met (p99 < TARGET_P99_MS));
      ok = ok && p99 < TARGET_P99_MS;
    }
  for (FlLoadRequest r = FL_LOAD_PUSH; r <= FL_LOAD_PULL; r++)
    {
      double count = times_after[r].count - times_before[r].count;
      double within = times_after[r].within - times_before[r].within;
      printf ("  as the server saw it    %s: mean %.1f ms, %.2f%% within %d ms (accepted to answered)\n",
              fl_load_request_name (r), count > 0 ? 1e3 * (times_after[r].sum - times_before[r].sum) / count : 0,
              count > 0 ? 100 * within / count : 0, TARGET_P99_MS);
    }
  double commits = commits_after[0] - commits_before[0], grouped = commits_after[1] - commits_before[1];
  printf ("  push commits            %.0f for %.0f pushes (%.2f pushes per commit%s)\n", commits, grouped,
          commits > 0 ? grouped / commits : 0, n_instances > 1 ? ", the first instance's" : "");
  print_slow_groups (all, start);
  print_cpu ("CPU during the run", cpu_start, cpu_end);
  gint64 peak_kib = MAX (load_peak_kib, sampler.peak_kib);
  printf ("server RSS                idle %.1f MiB; peak in the sign-ins %.1f MiB, in the snapshots %.1f MiB, "
          "in the run %.1f MiB%s; at the end %.1f MiB\n",
          mib (idle_kib), mib (sign_in_kib), mib (snapshot_kib), mib (peak_kib),
          reset ? "" : " (VmHWM could not be reset: each peak includes those before)", mib (end_kib));
  gint64 worst_kib = MAX (peak_kib, MAX (sign_in_kib, snapshot_kib));
  printf ("server RSS peak           %.1f MiB  (target < %d MiB: %s)\n", mib (worst_kib), TARGET_RSS_MIB,
          met (mib (worst_kib) < TARGET_RSS_MIB));
  ok = ok && mib (worst_kib) < TARGET_RSS_MIB;
  g_mutex_clear (&load.lock);
  g_cond_clear (&load.cond);
  return ok;
}

static void
remove_tree (const char *path)
{
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *child = g_build_filename (path, name, NULL);
      if (g_file_test (child, G_FILE_TEST_IS_DIR) && !g_file_test (child, G_FILE_TEST_IS_SYMLINK))
        remove_tree (child);
      else
        g_remove (child);
    }
  g_rmdir (path);
}

int
main (int argc, char **argv)
{
  int seconds = 30, clients = 50, mutations = 20000, batch = 500, max_batch = 20;
  int demo_size = 5000, think_ms = 500, nice = 10;
  gboolean keep = FALSE, skip_push = FALSE, skip_clients = FALSE;
  g_autofree char *server = NULL;
  int instances = 1;
  const GOptionEntry entries[] = {
    { "store", 0, 0, G_OPTION_ARG_STRING, &store_base,
      "A PostgreSQL server to run on, postgresql://…/postgres (default: SQLite files)", "URI" },
    { "instances", 0, 0, G_OPTION_ARG_INT, &instances, "Servers on the one store in the clients test (1)", "N" },
    { "seconds", 0, 0, G_OPTION_ARG_INT, &seconds, "How long the clients run (30)", "N" },
    { "clients", 0, 0, G_OPTION_ARG_INT, &clients, "Concurrent clients (50)", "N" },
    { "think-ms", 0, 0, G_OPTION_ARG_INT, &think_ms, "Mean pause between a client's sync rounds, 0 = none (500)", "MS" },
    { "client-nice", 0, 0, G_OPTION_ARG_INT, &nice, "Niceness of the client threads, so the server comes first (10)", "N" },
    { "max-batch", 0, 0, G_OPTION_ARG_INT, &max_batch, "Most mutations in one client push (20)", "N" },
    { "demo-size", 0, 0, G_OPTION_ARG_INT, &demo_size, "Work orders in the demo data the clients work on (5000)", "N" },
    { "mutations", 0, 0, G_OPTION_ARG_INT, &mutations, "Mutations of the push throughput test (20000)", "N" },
    { "batch", 0, 0, G_OPTION_ARG_INT, &batch, "Mutations per push in the throughput test (500)", "N" },
    { "server", 0, 0, G_OPTION_ARG_FILENAME, &server, "The fieldline-sync program (the one built with this)", "PATH" },
    { "keep", 0, 0, G_OPTION_ARG_NONE, &keep, "Keep the databases and server logs", NULL },
    { "no-push", 0, 0, G_OPTION_ARG_NONE, &skip_push, "Skip the push throughput test", NULL },
    { "no-clients", 0, 0, G_OPTION_ARG_NONE, &skip_clients, "Skip the concurrent clients test", NULL },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new ("— the sync server under load");
  g_option_context_add_main_entries (context, entries, NULL);
  g_autoptr(GError) error = NULL;
  if (!g_option_context_parse (context, &argc, &argv, &error))
    die ("%s", error->message);
  if (seconds < 1 || clients < 1 || mutations < 2 || batch < 1 || batch > FL_PROTOCOL_MAX_MUTATIONS ||
      max_batch < 2 || max_batch > FL_PROTOCOL_MAX_MUTATIONS || demo_size < 1 || think_ms < 0 || nice < 0 || nice > 19 ||
      instances < 1 || instances > 8)
    die ("an option is out of range (see --help)");
  n_instances = (guint) instances;
  server_binary = server != NULL ? g_steal_pointer (&server) : g_strdup (FL_SYNC_SERVER_PATH);
  if (!g_file_test (server_binary, G_FILE_TEST_IS_EXECUTABLE))
    die ("%s is not built (run ninja first, or give --server PATH)", server_binary);
  work_dir = g_dir_make_tmp ("bench-server-XXXXXX", &error);
  if (work_dir == NULL)
    die ("%s", error->message);
  /* The server's admin commands hash passwords as a real server does. */
  g_unsetenv ("FIELDLINE_FAST_PWHASH");

  gboolean ok = TRUE;
  if (!skip_push)
    {
      printf ("-- 1. push throughput\n");
      bench_push ((guint) mutations, (guint) batch);
    }
  if (!skip_clients && store_base != NULL)
    {
      /* On PostgreSQL, SQLite first in the same run: the same load on the
       * same machine a minute apart, beside each other. */
      char *postgresql = g_steal_pointer (&store_base);
      n_instances = 1;
      printf ("-- 2. %d concurrent clients for %d s, SQLite beside PostgreSQL\n", clients, seconds);
      ok = bench_clients ((guint) clients, (guint) seconds, (guint) think_ms, (guint) max_batch, (guint) demo_size, nice);
      store_base = postgresql;
      n_instances = (guint) instances;
    }
  if (!skip_clients)
    {
      printf ("-- %s. %d concurrent clients for %d s\n", store_base != NULL ? "3" : "2", clients, seconds);
      ok = bench_clients ((guint) clients, (guint) seconds, (guint) think_ms, (guint) max_batch, (guint) demo_size,
                          nice) && ok;
    }
  if (keep)
    printf ("files kept in %s\n", work_dir);
  else
    remove_tree (work_dir);
  return ok ? 0 : 1;
}
