/* The multi-client convergence simulator.
 *
 * One process: the real server in-process (fieldline-sync-core on port 0)
 * and K clients, each with its own replica and the real sync engine, whose
 * HTTP goes through a transport that loses requests, loses responses after
 * the server applied them, duplicates requests, cuts snapshots short and
 * lets the user edit while a sync is in flight.  Each client takes its
 * first downloads either as ready replica files or as NDJSON snapshots
 * (both cut short now and then; a cut file falls back to the snapshot).  Between steps the server
 * restarts (reopening its database), clients are killed between any two
 * steps of a sync (the FlDb dropped and the replica file opened again),
 * clients' clocks run hours off, and an administrator changes people's
 * sites.  Every role works over the whole model: the same fields edited on
 * several devices, status moves, work logs, parts used from vans until
 * balances go negative, stock movements, counts and scrap requests,
 * inspections, backup checks, customer sign-off with a signature blob,
 * attachments, CI change proposals, CMDB audit marks and submissions,
 * approvals (some stale), moving orders to another site, two people
 * setting the same field of an order to values of their own between syncs
 * (a conflict for whoever syncs second), and users resolving, retrying and
 * discarding what the server did not take.  The server's SLA sweep
 * (warnings and escalations of open orders) runs before a sync now and
 * then, on a connection of its own, and at the start of every round of the
 * final syncs; the server never sweeps on its own, so that nothing writes
 * once the clients are quiet.
 *
 * At the end every client syncs until nothing moves, then:
 * - every replica holds exactly the rows a fresh snapshot would give its
 *   user, equal field by field (plus only its own refused new rows, which
 *   stay visible as rejected);
 * - every outbox entry is answered: applied, merged, or a conflict or a
 *   rejection with the server's reason, and the server's recorded answer
 *   for that device and mid is the same; every applied new row exists on
 *   the server once;
 * - every local change the simulation made is still in its outbox;
 * - stock balances equal the ledger sums on the server and every replica;
 * - nothing was written to the change log after the quiet round began
 *   (SIM_SETTLE_MS=N waits N ms before the checks, to catch a late writer).
 *
 * Under SIM_INSTANCES=N (2 or 3; the postgresql suite runs 3) the server is
 * N real fieldline-sync processes (FIELDLINE_SYNC) on one store, as behind
 * a load balancer: every request goes to any of them, and now and then one
 * is killed with SIGKILL at a point of a push the seed picks (before it
 * arrives, while it waits for the write lock, after it committed with its
 * answer lost, after it answered), then started again.  The
 * checks then also count, in the server's audit log, that no mutation was
 * applied twice: every new row written once, every order's updates from a
 * device no more than that device's applied and merged updates of it.
 *
 * SIM_SEEDS=N runs N seeds (default 200) from SIM_FIRST_SEED (default 1),
 * SIM_SEED=S runs one seed verbosely, SIM_STEPS=N sets the steps per seed
 * (default 60).  A failing run prints its seed, also when it stops on an
 * assertion or a crash. */
#include "fl-sync-test-util.h"

#include <signal.h>
#include <string.h>
#include <unistd.h>

#include "fl-change.h"
#include "fl-problem.h"
#include "fl-problem-workflow.h"
#include "fl-pull.h"
#include "fl-query.h"
#include "fl-sla-sweep.h"
#include "fl-soup-transport.h"
#include "fl-test-server-process.h"
#include "fl-work-order.h"
#include "fl-workflow.h"

#define N_CLIENTS 6
#define MAX_INSTANCES 3

typedef struct _Sim Sim;
typedef struct _SimClient SimClient;

/* ---- the fault-injecting transport ---- */

#define SIM_TYPE_TRANSPORT (sim_transport_get_type ())
G_DECLARE_FINAL_TYPE (SimTransport, sim_transport, SIM, TRANSPORT, GObject)

struct _SimTransport
{
  GObject    parent_instance;
  SimClient *client;
};

/* A request the network held back, delivered later (after the client gave
 * up on it and maybe sent it again). */
typedef struct {
  char   *method;
  char   *path;
  char   *token;
  char   *content_type;
  char   *content_encoding;
  GBytes *body;
} HeldRequest;

static void
held_request_free (HeldRequest *held)
{
  g_free (held->method);
  g_free (held->path);
  g_free (held->token);
  g_free (held->content_type);
  g_free (held->content_encoding);
  g_clear_pointer (&held->body, g_bytes_unref);
  g_free (held);
}

typedef struct {
  guint lost_requests, lost_responses, duplicates, truncated, delayed, edits_in_flight;
  guint restarts, kills, scope_changes, syncs, failed_syncs, ops, local_refusals;
  guint sla_sweeps, sla_events, contested_edits;
  guint applied, conflicts, rejected, user_actions, replica_files;
  guint instance_kills, answers_lost_to_kills;
} SimStats;

struct _SimClient
{
  Sim              *sim;
  const char       *login;
  FlRole            role;
  const char       *site;       /* the site they work at, NULL: every site */
  char             *van;        /* their van, or NULL */
  FlSyncTestClient  c;
  SimTransport     *transport;
  gint64            skew;       /* usec their clock is off */
  GArray           *written;    /* mids of the local changes made, to find again */
  gboolean          replica_files;  /* first downloads as replica files, or NDJSON */
  gboolean          in_edit;
};

struct _Sim
{
  guint32          seed;
  gboolean         verbose;
  GRand           *rng;
  FlSyncServer     s;
  /* The SLA sweep, which every server runs in the background, runs here
   * instead, on a connection of its own, at moments the seed picks (from a
   * generator of its own, so that how often it sweeps leaves the
   * operations of a seed as they are). */
  FlStore         *sweeper;
  FlStore         *locker;      /* under SIM_INSTANCES on PostgreSQL: holds the write lock to kill a push waiting for it */
  GRand           *sweep_rng;
  char            *config;      /* the instances' settings: no background sweep */
  gint64           swept;       /* events the last sweep recorded */
  FlSyncTransport *soup;        /* to the server's current address */
  char            *soup_url;
  /* Under SIM_INSTANCES: the server processes, each with its transport. */
  guint            n_instances;
  const char      *program;
  char            *blob_dir;
  FlTestServerProcess instances[MAX_INSTANCES];
  FlSyncTransport *instance_soup[MAX_INSTANCES];
  gboolean         faults;
  SimClient        clients[N_CLIENTS];
  char            *parts[4];
  char            *warehouse[2];
  char            *cis[2][2];
  char            *jobs[2];
  char            *rounds[2];
  char            *audits[2];
  SimStats         stats;
  GPtrArray       *held;        /* HeldRequest* */
  GString         *failures;
};

static void sim_local_op (SimClient *client);
static void sim_sync (SimClient *client, gboolean kill);
static void note (Sim *sim, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void sim_transport_iface_init (FlSyncTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (SimTransport, sim_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_SYNC_TRANSPORT, sim_transport_iface_init))

static FlSyncTransport *
current_soup (Sim *sim)
{
  const char *url = fl_sync_server_url (&sim->s);
  if (sim->soup == NULL || g_strcmp0 (sim->soup_url, url) != 0)
    {
      g_clear_object (&sim->soup);
      g_free (sim->soup_url);
      sim->soup = fl_soup_transport_new (url, NULL);
      sim->soup_url = g_strdup (url);
    }
  return sim->soup;
}

static gboolean
chance (Sim *sim, double p)
{
  return g_rand_double (sim->rng) < p;
}

static void
drain (FlSyncResponse *response)
{
  g_autoptr(GBytes) ignored = fl_sync_response_read_all (response, G_MAXSIZE, NULL, NULL);
}

/* Starts `count` instances from the `n`th, each with its transport. */
static void
start_instances (Sim *sim, guint n, guint count)
{
  /* A PostgreSQL store keeps the blobs itself; SQLite ones share a folder. */
  const char *args[] = { "--store", sim->s.db_path, "--config", sim->config,
                         fl_test_store_is_postgresql () ? NULL : "--blob-dir", sim->blob_dir, NULL };
  fl_test_server_processes_start (&sim->instances[n], count, sim->program, args);
  for (guint i = n; i < n + count; i++)
    {
      g_clear_object (&sim->instance_soup[i]);
      sim->instance_soup[i] = fl_soup_transport_new (sim->instances[i].url, NULL);
    }
}

static void
start_instance (Sim *sim, guint n)
{
  start_instances (sim, n, 1);
}

static void
restart_instance (Sim *sim, guint n)
{
  fl_test_server_process_kill (&sim->instances[n]);
  start_instance (sim, n);
}

/* Where in a push an instance dies, drawn from the seed: the outcome of a
 * kill is the point's, not the scheduler's, so a seed replays its kills.
 * (On a SQLite store no instance waits in a way this process can see: the
 * kill in the transaction comes before the request there.) */
typedef enum {
  KILL_BEFORE,          /* before the request reaches it */
  KILL_IN_TRANSACTION,  /* while the push waits for the write lock: nothing of it commits */
  KILL_ANSWER_LOST,     /* after it committed and answered; the answer is lost */
  KILL_AFTER_ANSWER,    /* after its answer arrived */
  N_KILL_POINTS
} KillPoint;

static const char * const kill_point_names[] = {
  "before the push reached it", "while the push waited for the write lock",
  "after the push, its answer lost", "after the push answered",
};

typedef struct {
  Sim                 *sim;
  FlTestServerProcess *process;
  gint                 answered;
  gboolean             waited;
} Killer;

/* The push of instance `process` waits for the write lock the simulation
 * holds (or it answered without needing it); then the instance dies and
 * the lock is let go. */
static gpointer
kill_in_transaction (gpointer data)
{
  Killer *killer = data;
  gint64 give_up = g_get_monotonic_time () + 30 * G_USEC_PER_SEC;
  while (!g_atomic_int_get (&killer->answered) && g_get_monotonic_time () < give_up)
    {
      /* WRITE_LOCK of fl-pg-store.c: classid 0, objid 0x4641576b. */
      if (fl_test_store_count (killer->sim->locker, "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                                                    "AND NOT granted AND classid = 0 AND objid = 1178687339") > 0)
        {
          killer->waited = TRUE;
          break;
        }
      g_usleep (1000);
    }
  fl_test_server_process_kill (killer->process);
  fl_store_rollback (killer->sim->locker);
  return NULL;
}

/* The instance dies at a point of a push the seed picks, and comes back. */
static FlSyncResponse *
send_and_kill (Sim *sim, guint n, const FlSyncRequest *request, GCancellable *cancellable, GError **error)
{
  KillPoint point = (KillPoint) g_rand_int_range (sim->rng, 0, N_KILL_POINTS);
  if (point == KILL_IN_TRANSACTION && sim->locker == NULL)
    point = KILL_BEFORE;
  Killer killer = { sim, &sim->instances[n] };
  GThread *thread = NULL;
  g_autoptr(GError) local_error = NULL;
  if (point == KILL_BEFORE)
    fl_test_server_process_kill (&sim->instances[n]);
  else if (point == KILL_IN_TRANSACTION)
    {
      g_assert_true (fl_store_begin (sim->locker, &local_error));
      /* A store may send BEGIN and the lock with the transaction's first
       * statement: one read, and the lock is held before the push arrives. */
      fl_store_last_seq (sim->locker, &local_error);
      g_assert_no_error (local_error);
      thread = g_thread_new ("killer", kill_in_transaction, &killer);
    }
  g_autoptr(FlSyncResponse) response = fl_sync_transport_send (sim->instance_soup[n], request, cancellable,
                                                               &local_error);
  g_autoptr(GBytes) body = response != NULL
    ? fl_sync_response_read_all (response, G_MAXSIZE, cancellable, &local_error) : NULL;
  g_atomic_int_set (&killer.answered, TRUE);
  if (thread != NULL)
    g_thread_join (thread);
  else
    fl_test_server_process_kill (&sim->instances[n]);
  if (point == KILL_ANSWER_LOST && body != NULL)
    {
      g_clear_pointer (&body, g_bytes_unref);
      g_set_error (&local_error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "the instance died before its answer left");
    }
  sim->stats.instance_kills++;
  start_instance (sim, n);
  note (sim, "instance %u killed %s%s, restarted at %s%s", n, kill_point_names[point],
        point == KILL_IN_TRANSACTION && !killer.waited ? " (it answered without waiting)" : "",
        sim->instances[n].url, body == NULL ? "; its answer is lost" : "");
  if (body == NULL)
    {
      sim->stats.answers_lost_to_kills++;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "simulated: instance killed: %s",
                   local_error->message);
      return NULL;
    }
  g_object_unref (response->body);
  response->body = g_memory_input_stream_new_from_bytes (body);
  return g_steal_pointer (&response);
}

/* To the one server, or to any instance as a load balancer would. */
static FlSyncResponse *
forward (Sim *sim, const FlSyncRequest *request, GCancellable *cancellable, GError **error)
{
  if (sim->n_instances == 0)
    return fl_sync_transport_send (current_soup (sim), request, cancellable, error);
  guint n = g_rand_int_range (sim->rng, 0, (gint32) sim->n_instances);
  if (sim->faults && g_str_has_suffix (request->path, "/sync/push") && chance (sim, 0.15))
    return send_and_kill (sim, n, request, cancellable, error);
  return fl_sync_transport_send (sim->instance_soup[n], request, cancellable, error);
}

static FlSyncResponse *
sim_transport_send (FlSyncTransport *transport, const FlSyncRequest *request,
                    GCancellable *cancellable, GError **error)
{
  SimClient *client = SIM_TRANSPORT (transport)->client;
  Sim *sim = client->sim;

  /* The user goes on working while the sync runs. */
  if (sim->faults && !client->in_edit && chance (sim, 0.08))
    {
      sim->stats.edits_in_flight++;
      sim_local_op (client);
    }
  if (!sim->faults)
    return forward (sim, request, cancellable, error);

  double r = g_rand_double (sim->rng);
  gboolean snapshot = g_str_has_suffix (request->path, "/sync/snapshot") ||
                      g_str_has_suffix (request->path, "/sync/replica");
  if (r < 0.05)
    {
      sim->stats.lost_requests++;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "simulated: request lost");
      return NULL;
    }
  if (r < 0.10)
    {
      /* The server did the work; the answer never arrives. */
      g_autoptr(FlSyncResponse) response = forward (sim, request, cancellable, error);
      if (response == NULL)
        return NULL;
      drain (response);
      sim->stats.lost_responses++;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED, "simulated: response lost");
      return NULL;
    }
  if (r < 0.14)
    {
      g_autoptr(FlSyncResponse) first = forward (sim, request, cancellable, error);
      if (first == NULL)
        return NULL;
      drain (first);
      sim->stats.duplicates++;
      return forward (sim, request, cancellable, error);
    }
  if (r < 0.17 && g_strcmp0 (request->method, "POST") == 0)
    {
      HeldRequest *held = g_new0 (HeldRequest, 1);
      held->method = g_strdup (request->method);
      held->path = g_strdup (request->path);
      held->token = g_strdup (request->token);
      held->content_type = g_strdup (request->content_type);
      held->content_encoding = g_strdup (request->content_encoding);
      held->body = request->body != NULL ? g_bytes_ref (request->body) : NULL;
      g_ptr_array_add (sim->held, held);
      sim->stats.delayed++;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_TIMED_OUT, "simulated: request delayed");
      return NULL;
    }
  if (snapshot && r < 0.30)
    {
      FlSyncResponse *response = forward (sim, request, cancellable, error);
      if (response == NULL)
        return NULL;
      g_autoptr(GBytes) all = fl_sync_response_read_all (response, G_MAXSIZE, NULL, NULL);
      gsize size = all != NULL ? g_bytes_get_size (all) : 0;
      g_autoptr(GBytes) part = g_bytes_new_from_bytes (all, 0, size / 2);
      g_object_unref (response->body);
      response->body = g_memory_input_stream_new_from_bytes (part);
      sim->stats.truncated++;
      return response;
    }
  return forward (sim, request, cancellable, error);
}

static void
sim_transport_iface_init (FlSyncTransportInterface *iface)
{
  iface->send = sim_transport_send;
}

static void
sim_transport_class_init (SimTransportClass *klass)
{
}

static void
sim_transport_init (SimTransport *self)
{
}

/* ---- helpers ---- */

static void
note (Sim *sim, const char *format, ...)
{
  if (!sim->verbose)
    return;
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  g_printerr ("# %s\n", text);
}

static void
fail (Sim *sim, const char *format, ...) G_GNUC_PRINTF (2, 3);

static void
fail (Sim *sim, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *text = g_strdup_vprintf (format, args);
  va_end (args);
  if (sim->failures->len < 4000)
    g_string_append_printf (sim->failures, "  %s\n", text);
}

static char *
random_row (SimClient *client, const char *table, const char *where)
{
  g_autofree char *count_sql = g_strdup_printf ("SELECT count(*) FROM \"%s\" WHERE %s", table, where);
  gint64 n = 0;
  if (!fl_db_query_int64 (client->c.db, count_sql, &n, NULL) || n == 0)
    return NULL;
  g_autofree char *sql = g_strdup_printf ("SELECT id FROM \"%s\" WHERE %s ORDER BY id LIMIT 1 OFFSET ?",
                                          table, where);
  g_autoptr(FlStmt) stmt = fl_db_prepare (client->c.db, sql, NULL);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, g_rand_int_range (client->sim->rng, 0, (gint32) n));
  if (!fl_stmt_step_row (client->c.db, stmt, &has_row, NULL) || !has_row)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

static const char *
pick (Sim *sim, const char * const *choices, guint n)
{
  return choices[g_rand_int_range (sim->rng, 0, (gint32) n)];
}
#define PICK(sim, array) pick (sim, array, G_N_ELEMENTS (array))

static int
site_index (Sim *sim, const char *site_id)
{
  return g_strcmp0 (site_id, sim->s.site_b) == 0 ? 1 : 0;
}

static const char *
client_site (SimClient *client)
{
  Sim *sim = client->sim;
  if (client->site != NULL)
    return client->site;
  return chance (sim, 0.5) ? sim->s.site_a : sim->s.site_b;
}

static JsonObject *
fields_by (SimClient *client, const char *by_member)
{
  JsonObject *fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (fields, by_member, client->login);
  json_object_set_string_member (fields, "at", now);
  return fields;
}

/* ---- the operations people do ---- */

static gboolean
op_create_work_order (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  static const char * const titles[] = { "UPS alarm", "Printer jam", "HIS slow", "Switch down", "VPN access" };
  static const char * const kinds[] = { "incident", "request", "maintenance" };
  /* Now and then an engineer files at a site that is not theirs: refused. */
  const char *site = client->site != NULL && chance (sim, 0.05)
    ? (client->site == sim->s.site_a ? sim->s.site_b : sim->s.site_a) : client_site (client);
  FlWorkOrderDraft draft = {
    .kind = PICK (sim, kinds),
    .title = PICK (sim, titles),
    .site_id = site,
    .reporter = "ward",
    .impact = g_rand_int_range (sim->rng, 1, 5),
    .urgency = g_rand_int_range (sim->rng, 1, 5),
    .assignee = client->role == FL_ROLE_ENGINEER && chance (sim, 0.5) ? client->login : NULL,
  };
  return fl_work_order_create (client->c.db, &draft, client->login, NULL, error);
}

static gboolean
op_edit_work_order (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "work_order", "1");
  if (id == NULL)
    return FALSE;
  static const char * const fields[] = { "title", "description", "contact", "cause" };
  static const char * const values[] = { "A", "B", "C", "复核 D", "E", "F", "G", "H" };
  g_autoptr(JsonObject) changes = json_object_new ();
  if (chance (sim, 0.15))
    json_object_set_int_member (changes, "urgency", g_rand_int_range (sim->rng, 1, 5));
  else
    json_object_set_string_member (changes, PICK (sim, fields), PICK (sim, values));
  if (chance (sim, 0.3))
    json_object_set_string_member (changes, PICK (sim, fields), PICK (sim, values));
  /* The client offers only the fields the rules let this user change now. */
  g_autoptr(JsonObject) wo = fl_record_load (client->c.db, fl_schema_lookup ("work_order"), id, error);
  if (wo == NULL)
    return FALSE;
  g_autoptr(GList) names = json_object_get_members (changes);
  for (GList *l = names; l != NULL; l = l->next)
    if (!fl_work_order_may_change (wo, client->role, client->login, l->data, NULL))
      return FALSE;
  return fl_work_order_update (client->c.db, id, changes, error);
}

static gboolean
op_move_work_order (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "work_order", "status NOT IN ('closed', 'cancelled')");
  if (id == NULL)
    return FALSE;
  FlWorkOrderStatus moves[FL_N_WO_STATUSES];
  guint n = fl_work_order_allowed_moves (client->c.db, id, client->role, client->login, moves,
                                         G_N_ELEMENTS (moves), NULL);
  if (n == 0)
    return FALSE;
  FlWorkOrderStatus to = moves[g_rand_int_range (sim->rng, 0, (gint32) n)];
  if (to == FL_WO_RESOLVED)
    {
      /* What resolving needs: a resolution and the customer's acceptance,
       * signed on the device (a blob uploaded before the change). */
      g_autoptr(JsonObject) values = json_object_new ();
      json_object_set_string_member (values, "resolution", "Replaced the faulty part");
      if (!fl_work_order_update (client->c.db, id, values, error))
        return FALSE;
      g_autofree char *png = g_strdup_printf ("signature %u %s", g_rand_int (sim->rng), id);
      g_autoptr(GBytes) bytes = g_bytes_new (png, strlen (png));
      g_autofree char *sha = fl_sync_client_add_blob (client->c.client, bytes, error);
      if (sha == NULL ||
          !fl_work_order_accept (client->c.db, id, "Dr. Wang", sha, g_rand_int_range (sim->rng, 1, 6), error))
        return FALSE;
    }
  return fl_work_order_move (client->c.db, id, client->role, client->login, to, "sim", error);
}

/* A status written directly, as a buggy or outdated client might: the
 * server checks the move and usually refuses it. */
static gboolean
op_raw_status (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "work_order", "1");
  if (id == NULL)
    return FALSE;
  static const char * const statuses[] = { "in_progress", "resolved", "closed", "cancelled", "new" };
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "status", PICK (sim, statuses));
  return fl_changelog_update (client->c.db, "work_order", id, values, error);
}

static gboolean
op_work_log (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "work_order", "1");
  if (id == NULL)
    return FALSE;
  static const char * const kinds[] = { "note", "labour", "travel" };
  const char *kind = PICK (sim, kinds);
  return fl_work_order_log (client->c.db, id, client->login, kind,
                            g_strcmp0 (kind, "note") == 0 ? 0 : g_rand_int_range (sim->rng, 5, 120),
                            "worked on it", error);
}

static gboolean
op_use_part (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  if (client->van == NULL)
    return FALSE;
  g_autofree char *id = random_row (client, "work_order", "1");
  if (id == NULL)
    return FALSE;
  return fl_work_order_use_part (client->c.db, id, sim->parts[g_rand_int_range (sim->rng, 0, 4)],
                                 client->van, g_rand_int_range (sim->rng, 1, 6), NULL, client->login, error);
}

static gboolean
op_stock_move (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  static const FlMovementKind kinds[] = { FL_MOVE_RECEIVE, FL_MOVE_ISSUE, FL_MOVE_TRANSFER, FL_MOVE_RETURN };
  FlMovementKind kind = kinds[g_rand_int_range (sim->rng, 0, G_N_ELEMENTS (kinds))];
  int site = site_index (sim, client_site (client));
  g_autofree char *van = random_row (client, "stock_location", "kind = 'van'");
  const char *warehouse = sim->warehouse[site];
  FlStockMovement m = {
    .kind = kind,
    .part_id = sim->parts[g_rand_int_range (sim->rng, 0, 4)],
    .qty = g_rand_int_range (sim->rng, 1, 20),
    .by = client->login,
  };
  switch (kind)
    {
    case FL_MOVE_RECEIVE:
      m.to_location = warehouse;
      m.supplier_ref = "DN-1";
      break;
    case FL_MOVE_ISSUE:
      m.from_location = warehouse;
      m.to_location = van;
      break;
    case FL_MOVE_TRANSFER:
      m.from_location = warehouse;
      m.to_location = sim->warehouse[1 - site];
      break;
    default:
      m.from_location = van;
      m.to_location = warehouse;
      break;
    }
  if (m.to_location == NULL || m.from_location == m.to_location)
    return FALSE;
  /* The client offers only the locations the rules let this user use. */
  const char *ids[2] = { m.from_location, m.to_location };
  g_autoptr(JsonObject) from = NULL, to = NULL;
  JsonObject **rows[2] = { &from, &to };
  FlLocationFacts facts[2] = { { 0 } };
  for (guint i = 0; i < 2; i++)
    if (ids[i] != NULL && (*rows[i] = fl_record_load (client->c.db, fl_schema_lookup ("stock_location"), ids[i], NULL)) != NULL)
      facts[i] = (FlLocationFacts) { ids[i], fl_record_get_string (*rows[i], "kind"),
                                     fl_record_get_string (*rows[i], "site_id"), fl_record_get_string (*rows[i], "owner") };
  const char *sites[] = { client->site, NULL };
  if (!fl_access_check_locations (client->role, client->login, client->site != NULL ? sites : NULL,
                                  from != NULL ? &facts[0] : NULL, to != NULL ? &facts[1] : NULL, NULL))
    return FALSE;
  return fl_stock_post (client->c.db, &m, NULL, error);
}

static gboolean
op_stock_count (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  const char *part = sim->parts[g_rand_int_range (sim->rng, 0, 4)];
  g_autoptr(JsonObject) fields = fields_by (client, "by");
  gint64 expected = fl_stock_balance (client->c.db, sim->warehouse[site], part, NULL);
  json_object_set_string_member (fields, "location_id", sim->warehouse[site]);
  json_object_set_string_member (fields, "part_id", part);
  json_object_set_int_member (fields, "expected_at_count", expected);
  json_object_set_int_member (fields, "counted", expected + g_rand_int_range (sim->rng, -2, 3));
  json_object_set_string_member (fields, "status", "pending");
  return fl_changelog_insert (client->c.db, "stock_count", fields, NULL, error);
}

static gboolean
op_scrap_request (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  g_autoptr(JsonObject) fields = fields_by (client, "by");
  json_object_set_string_member (fields, "location_id", sim->warehouse[site]);
  json_object_set_string_member (fields, "part_id", sim->parts[g_rand_int_range (sim->rng, 0, 4)]);
  json_object_set_int_member (fields, "qty", g_rand_int_range (sim->rng, 1, 4));
  json_object_set_string_member (fields, "reason", "water damage");
  json_object_set_string_member (fields, "status", "pending");
  return fl_changelog_insert (client->c.db, "scrap_request", fields, NULL, error);
}

static gboolean
op_inspection (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  g_autoptr(JsonObject) fields = fields_by (client, "by");
  g_autoptr(JsonObject) results = json_object_new ();
  json_object_set_int_member (results, "temperature", g_rand_int_range (sim->rng, 18, 40));
  json_object_set_string_member (fields, "round_id", sim->rounds[site]);
  json_object_set_string_member (fields, "ci_id", sim->cis[site][g_rand_int_range (sim->rng, 0, 2)]);
  json_object_set_object_member (fields, "results", g_steal_pointer (&results));
  json_object_set_string_member (fields, "outcome", chance (sim, 0.8) ? "pass" : "fail");
  return fl_changelog_append (client->c.db, "inspection", fields, NULL, error);
}

static gboolean
op_backup_check (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  static const char * const results[] = { "ok", "failed", "partial", "missing" };
  json_object_set_string_member (fields, "job_id", sim->jobs[site]);
  json_object_set_string_member (fields, "checked_at", now);
  json_object_set_string_member (fields, "by", client->login);
  json_object_set_string_member (fields, "result", PICK (sim, results));
  json_object_set_boolean_member (fields, "restore_test", chance (sim, 0.3));
  return fl_changelog_append (client->c.db, "backup_check", fields, NULL, error);
}

static gboolean
op_attachment (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "work_order", "1");
  if (id == NULL)
    return FALSE;
  g_autoptr(JsonObject) wo = fl_record_load (client->c.db, fl_schema_lookup ("work_order"), id, error);
  if (wo == NULL)
    return FALSE;
  g_autofree char *text = g_strdup_printf ("photo %u", g_rand_int (sim->rng));
  g_autoptr(GBytes) bytes = g_bytes_new (text, strlen (text));
  g_autofree char *sha = fl_sync_client_add_blob (client->c.client, bytes, error);
  if (sha == NULL)
    return FALSE;
  g_autoptr(JsonObject) fields = fields_by (client, "by");
  g_autofree char *size = g_strdup_printf ("%zu", strlen (text));
  json_object_set_string_member (fields, "owner_table", "work_order");
  json_object_set_string_member (fields, "owner_id", id);
  json_object_set_string_member (fields, "site_id", fl_record_get_string (wo, "site_id"));
  json_object_set_string_member (fields, "sha256", sha);
  json_object_set_string_member (fields, "mime", "image/jpeg");
  json_object_set_string_member (fields, "size", size);
  return fl_changelog_append (client->c.db, "attachment", fields, NULL, error);
}

static gboolean
op_ci_change_proposal (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  g_autoptr(JsonObject) fields = fields_by (client, "by");
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) pair = json_object_new ();
  json_object_set_string_member (pair, "from", "Room 1");
  json_object_set_string_member (pair, "to", chance (sim, 0.5) ? "Room 2" : "Room 3");
  json_object_set_object_member (changes, "location", g_steal_pointer (&pair));
  json_object_set_string_member (fields, "ci_id", sim->cis[site][0]);
  json_object_set_object_member (fields, "changes", g_steal_pointer (&changes));
  json_object_set_string_member (fields, "reason", "moved during the audit");
  json_object_set_string_member (fields, "status", "pending");
  return fl_changelog_insert (client->c.db, "ci_change_proposal", fields, NULL, error);
}

/* A CMDB audit mark offline; the round may have been submitted or decided
 * meanwhile (refused here or on the server). */
static gboolean
op_audit_mark (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  static const FlAuditResult results[] = { FL_AUDIT_AS_RECORDED, FL_AUDIT_AS_RECORDED, FL_AUDIT_DIFFERS,
                                           FL_AUDIT_MISSING };
  FlAuditResult result = results[g_rand_int_range (sim->rng, 0, G_N_ELEMENTS (results))];
  g_autoptr(JsonObject) found = json_object_new ();
  json_object_set_string_member (found, "location", chance (sim, 0.5) ? "Room 2" : "Room 3");
  return fl_cmdb_audit_mark (client->c.db, sim->audits[site], sim->cis[site][g_rand_int_range (sim->rng, 0, 2)],
                             result, found, NULL, client->role, client->login, NULL, error);
}

static gboolean
op_audit_submit (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  int site = site_index (sim, client_site (client));
  return fl_cmdb_audit_submit (client->c.db, sim->audits[site], client->role, client->login, error);
}

static gboolean
op_open_problem (SimClient *client, GError **error)
{
  g_autofree char *id = random_row (client, "work_order", "kind = 'incident'");
  if (id == NULL)
    return FALSE;
  return fl_problem_open_from_incident (client->c.db, id, client->login, NULL, error);
}

/* A move the rules offer now, with what it needs written in the same
 * change (some of it refused later by a server that saw other moves). */
static gboolean
op_move_problem (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "problem", "status NOT IN ('closed', 'cancelled')");
  if (id == NULL)
    return FALSE;
  g_autoptr(JsonObject) problem = fl_record_load (client->c.db, fl_schema_lookup ("problem"), id, error);
  if (problem == NULL)
    return FALSE;
  const char *moves[8];
  guint n = fl_problem_allowed_moves (client->role, client->login, problem, moves, G_N_ELEMENTS (moves));
  if (n == 0)
    return FALSE;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "status", pick (sim, moves, n));
  json_object_set_string_member (values, "assignee", g_strcmp0 (fl_record_get_string (problem, "site_id"),
                                                                sim->s.site_a) == 0 ? "eng_a" : "eng_b");
  json_object_set_string_member (values, "root_cause", "aged battery string");
  json_object_set_string_member (values, "workaround", "run on bypass");
  json_object_set_string_member (values, "solution", "new batteries");
  return fl_problem_update (client->c.db, id, client->role, client->login, values, error);
}

static gboolean
op_request_change (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  static const char * const kinds[] = { "standard", "general", "major", "emergency" };
  int site = site_index (sim, client_site (client));
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autoptr(JsonObject) pair = json_object_new ();
  json_object_set_string_member (pair, "from", "Room 1");
  json_object_set_string_member (pair, "to", chance (sim, 0.5) ? "Room 4" : "Room 5");
  json_object_set_object_member (changes, "location", g_steal_pointer (&pair));
  FlChangeDraft draft = {
    .kind = PICK (sim, kinds),
    .title = "Move the UPS",
    .reason = "room works",
    .ci_id = sim->cis[site][0],
    .changes = changes,
    .rollback_plan = chance (sim, 0.7) ? "move it back" : NULL,
    .test_report = chance (sim, 0.7) ? "load test passed" : NULL,
    .approvers = (const char * const[]) { "super", "super2", NULL },
    .assignee = client->role == FL_ROLE_ENGINEER ? client->login : NULL,
  };
  return fl_change_request (client->c.db, &draft, client->login, NULL, error);
}

static gboolean
op_move_change (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  static const char * const statuses[] = { "implementing", "implemented", "failed", "reviewed", "closed" };
  g_autofree char *id = random_row (client, "change_record", "status NOT IN ('requested', 'rejected', 'closed')");
  if (id == NULL)
    return FALSE;
  const char *to = PICK (sim, statuses);
  return fl_change_move (client->c.db, id, client->role, client->login, to,
                         g_strcmp0 (to, "reviewed") == 0 ? "met its purpose" : NULL, error);
}

static gboolean
op_approval (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  static const char * const targets[] = {
    "work_order", "stock_count", "scrap_request", "ci_change_proposal", "change_record", "cmdb_audit" };
  const char *table = PICK (sim, targets);
  const char *waiting = g_strcmp0 (table, "work_order") == 0 ? "status = 'resolved'"
                      : g_strcmp0 (table, "change_record") == 0 ? "status = 'requested'" : "status = 'pending'";
  g_autofree char *id = random_row (client, table, waiting);
  if (id == NULL)
    return FALSE;
  g_autoptr(JsonObject) target = fl_record_load (client->c.db, fl_schema_lookup (table), id, error);
  if (target == NULL)
    return FALSE;
  g_autoptr(JsonObject) fields = fields_by (client, "by");
  json_object_set_string_member (fields, "target_table", table);
  json_object_set_string_member (fields, "target_id", id);
  /* The version seen here: stale when someone changed it since. */
  json_object_set_string_member (fields, "target_version", fl_record_get_string (target, "version"));
  json_object_set_string_member (fields, "decision", chance (sim, 0.7) ? "approved" : "rejected");
  json_object_set_string_member (fields, "comment", "checked");
  return fl_changelog_append (client->c.db, "approval", fields, NULL, error);
}

static gboolean
op_move_to_other_site (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autofree char *id = random_row (client, "work_order", "status NOT IN ('closed', 'cancelled')");
  if (id == NULL)
    return FALSE;
  g_autoptr(JsonObject) wo = fl_record_load (client->c.db, fl_schema_lookup ("work_order"), id, error);
  if (wo == NULL)
    return FALSE;
  gboolean to_b = g_strcmp0 (fl_record_get_string (wo, "site_id"), sim->s.site_a) == 0;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "site_id", to_b ? sim->s.site_b : sim->s.site_a);
  /* An assigned order goes to an engineer of its new site with it. */
  if (fl_record_get_string (wo, "assignee") != NULL)
    json_object_set_string_member (values, "assignee", to_b ? "eng_b" : "eng_a");
  return fl_work_order_update (client->c.db, id, values, error);
}

/* The user deals with what the server did not take. */
static gboolean
op_user_action (SimClient *client, GError **error)
{
  Sim *sim = client->sim;
  g_autoptr(GPtrArray) entries = fl_outbox_unresolved (client->c.db, NULL, error);
  if (entries == NULL || entries->len == 0)
    return FALSE;
  FlOutboxEntry *entry = g_ptr_array_index (entries, g_rand_int_range (sim->rng, 0, (gint32) entries->len));
  sim->stats.user_actions++;
  if (g_strcmp0 (entry->state, "conflict") == 0)
    return fl_outbox_resolve_conflict (client->c.db, entry->mid, chance (sim, 0.5), error);
  if (chance (sim, 0.3))
    return fl_outbox_retry (client->c.db, entry->mid, error);
  return fl_outbox_discard (client->c.db, entry->mid, error);
}

typedef gboolean (*OpFunc) (SimClient *client, GError **error);

typedef struct {
  OpFunc      run;
  const char *name;
  guint       roles;   /* 1 << FlRole */
  guint       weight;
} Op;

#define ENG (1 << FL_ROLE_ENGINEER)
#define CLK (1 << FL_ROLE_CLERK)
#define SUP (1 << FL_ROLE_SUPERVISOR)
#define ALL (ENG | CLK | SUP)

static const Op ops[] = {
  { op_create_work_order, "create work order", ENG | SUP, 3 },
  { op_edit_work_order, "edit work order", ENG | SUP, 14 },
  { op_move_work_order, "move work order", ENG | SUP, 10 },
  { op_raw_status, "raw status", ENG | SUP, 1 },
  { op_work_log, "work log", ENG | SUP, 5 },
  { op_use_part, "use part", ENG, 5 },
  { op_stock_move, "stock movement", CLK | ENG, 4 },
  { op_stock_count, "stock count", CLK, 3 },
  { op_scrap_request, "scrap request", CLK, 2 },
  { op_inspection, "inspection", ENG, 3 },
  { op_backup_check, "backup check", ENG, 3 },
  { op_attachment, "attachment", ENG | SUP, 2 },
  { op_ci_change_proposal, "CI change proposal", ENG, 2 },
  { op_open_problem, "open problem", ENG | SUP, 1 },
  { op_move_problem, "move problem", ENG | SUP, 2 },
  { op_request_change, "request change", ENG | SUP, 1 },
  { op_move_change, "move change", ENG | SUP, 2 },
  { op_audit_mark, "CMDB audit mark", ENG, 3 },
  { op_audit_submit, "CMDB audit submit", ENG, 1 },
  { op_approval, "approval", SUP, 6 },
  { op_move_to_other_site, "move to other site", SUP, 2 },
  { op_user_action, "resolve/retry/discard", ALL, 3 },
};

static gint64
max_mid (SimClient *client)
{
  gint64 mid = 0;
  fl_db_query_int64 (client->c.db, "SELECT coalesce(max(mid), 0) FROM outbox", &mid, NULL);
  return mid;
}

/* The user does `run` on their device, with its (maybe wrong) clock. */
static void
sim_run_op (SimClient *client, const char *name, OpFunc run)
{
  Sim *sim = client->sim;
  client->in_edit = TRUE;
  fl_time_set_now_for_testing (client->skew != 0 ? g_get_real_time () + client->skew : 0);
  gint64 before = max_mid (client);
  g_autoptr(GError) error = NULL;
  gboolean ok = run (client, &error);
  fl_time_set_now_for_testing (0);
  client->in_edit = FALSE;
  sim->stats.ops++;
  if (error != NULL)
    sim->stats.local_refusals++;
  gint64 after = max_mid (client);
  for (gint64 mid = before + 1; mid <= after; mid++)
    g_array_append_val (client->written, mid);
  note (sim, "%s: %s%s%s", client->login, name, ok ? "" : " — ", error != NULL ? error->message : "");
}

static void
sim_local_op (SimClient *client)
{
  Sim *sim = client->sim;
  guint total = 0;
  for (guint i = 0; i < G_N_ELEMENTS (ops); i++)
    if (ops[i].roles & (1u << client->role))
      total += ops[i].weight;
  guint r = (guint) g_rand_int_range (sim->rng, 0, (gint32) total);
  const Op *op = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (ops) && op == NULL; i++)
    if (ops[i].roles & (1u << client->role))
      {
        if (r < ops[i].weight)
          op = &ops[i];
        else
          r -= ops[i].weight;
      }

  sim_run_op (client, op->name, op->run);
}

/* A field two people both changed between syncs, each to a value of their
 * own: the order, the field. */
static const char *contested_order, *contested_field;

static gboolean
op_edit_contested_field (SimClient *client, GError **error)
{
  g_autofree char *value = g_strdup_printf ("%s %u", client->login, g_rand_int_range (client->sim->rng, 0, 1000));
  g_autoptr(JsonObject) changes = json_object_new ();
  json_object_set_string_member (changes, contested_field, value);
  return fl_work_order_update (client->c.db, contested_order, changes, error);
}

static gboolean
may_edit (SimClient *client, const char *id, const char *field)
{
  g_autoptr(JsonObject) wo = fl_record_load (client->c.db, fl_schema_lookup ("work_order"), id, NULL);
  return wo != NULL && fl_work_order_may_change (wo, client->role, client->login, field, NULL);
}

/* An order and a field of it that both `first` and `second` may change
 * now, from a place the seed picks in `first`'s open orders; FALSE if none. */
static gboolean
find_contested_field (SimClient *first, SimClient *second, char **out_id, const char **out_field)
{
  static const char * const fields[] = { "title", "description", "contact", "cause" };
  Sim *sim = first->sim;
  g_autoptr(GPtrArray) rows = fl_query_rows (first->c.db, "SELECT id FROM work_order "
                                             "WHERE status NOT IN ('closed', 'cancelled') ORDER BY id", 0, NULL, NULL);
  if (rows == NULL || rows->len == 0)
    return FALSE;
  guint start = (guint) g_rand_int_range (sim->rng, 0, (gint32) rows->len);
  guint field_start = (guint) g_rand_int_range (sim->rng, 0, G_N_ELEMENTS (fields));
  for (guint i = 0; i < rows->len; i++)
    {
      const char *id = fl_record_get_string (rows->pdata[(start + i) % rows->len], "id");
      for (guint f = 0; f < G_N_ELEMENTS (fields); f++)
        {
          const char *field = fields[(field_start + f) % G_N_ELEMENTS (fields)];
          if (may_edit (first, id, field) && may_edit (second, id, field))
            {
              *out_id = g_strdup (id);
              *out_field = field;
              return TRUE;
            }
        }
    }
  return FALSE;
}

/* Two people of one site (or one of them and the supervisor) edit the same
 * field of the same order between syncs, then both sync: whoever comes
 * second has changed a field the other changed first, a conflict.  The
 * pair, the order and the field are ones that may (an engineer changes
 * most fields of their own orders only). */
static void
sim_contested_edit (Sim *sim)
{
  static const guint pairs[][2] = { { 0, 1 }, { 2, 3 }, { 0, 4 }, { 1, 4 }, { 2, 4 }, { 3, 4 } };  /* … 4: super */
  guint pair_start = (guint) g_rand_int_range (sim->rng, 0, G_N_ELEMENTS (pairs));
  gboolean swap = chance (sim, 0.5);
  g_autofree char *id = NULL;
  const char *field = NULL;
  SimClient *first = NULL, *second = NULL;
  for (guint p = 0; p < G_N_ELEMENTS (pairs) && id == NULL; p++)
    {
      const guint *pair = pairs[(pair_start + p) % G_N_ELEMENTS (pairs)];
      first = &sim->clients[pair[swap ? 1 : 0]];
      second = &sim->clients[pair[swap ? 0 : 1]];
      find_contested_field (first, second, &id, &field);
    }
  if (id == NULL)
    {
      note (sim, "no order two people may both edit");
      return;
    }
  sim->stats.contested_edits++;
  note (sim, "%s and %s both edit %s of work order %s", first->login, second->login, field, id);
  contested_order = id;
  contested_field = field;
  sim_run_op (first, "contested edit", op_edit_contested_field);
  sim_run_op (second, "contested edit", op_edit_contested_field);
  contested_order = contested_field = NULL;
  sim_sync (first, FALSE);
  sim_sync (second, FALSE);
}

/* ---- the world ---- */

static char *
put (Sim *sim, const char *table, JsonObject *fields)
{
  return fl_test_put (sim->s.store, table, fields);
}

static const char *
server_url (Sim *sim)
{
  return sim->n_instances == 0 ? fl_sync_server_url (&sim->s) : sim->instances[0].url;
}

static void
setup_world (Sim *sim)
{
  /* A server sweeping on its own would write after the clients became
   * quiet (a minute after the last sweep, or a second after a restart):
   * the simulation sweeps itself instead (sweep_sla). */
  sim->s.no_sla_sweep = TRUE;
  if (sim->n_instances == 0)
    fl_sync_server_setup (&sim->s);
  else
    {
      fl_sync_server_setup_store (&sim->s);
      sim->blob_dir = g_build_filename (sim->s.dir, "blobs", NULL);
      sim->config = g_build_filename (sim->s.dir, "fieldline-sync.conf", NULL);
      g_autoptr(GError) error = NULL;
      g_file_set_contents (sim->config, "[server]\nsla_sweep_seconds = 0\n", -1, &error);
      g_assert_no_error (error);
      start_instances (sim, 0, sim->n_instances);
      if (fl_test_store_is_postgresql ())
        {
          g_autoptr(GError) error2 = NULL;
          sim->locker = fl_store_reopen (sim->s.store, &error2);
          g_assert_no_error (error2);
        }
    }
  g_autoptr(GError) sweeper_error = NULL;
  sim->sweeper = fl_store_reopen (sim->s.store, &sweeper_error);
  g_assert_no_error (sweeper_error);
  fl_test_add_user (sim->s.store, "eng_b2", "engineer", sim->s.site_b);
  /* The second member of the change advisory board (no device of its own). */
  fl_test_add_user (sim->s.store, "super2", "supervisor", NULL);
  const char *sites[] = { sim->s.site_a, sim->s.site_b };
  static const char * const skus[] = { "PSU-750", "HDD-2T4", "RAM-32G", "FAN-R750" };
  for (guint i = 0; i < 4; i++)
    {
      g_autoptr(JsonObject) part = json_object_new ();
      json_object_set_string_member (part, "sku", skus[i]);
      json_object_set_string_member (part, "name", skus[i]);
      json_object_set_string_member (part, "unit", "pcs");
      json_object_set_int_member (part, "min_stock", 2);
      sim->parts[i] = put (sim, "part", part);
    }
  g_autoptr(JsonObject) template = json_object_new ();
  g_autoptr(JsonArray) items = json_array_new ();
  json_object_set_string_member (template, "ci_type", "server");
  json_object_set_string_member (template, "name", "Server room round");
  json_object_set_array_member (template, "items", g_steal_pointer (&items));
  g_autofree char *template_id = put (sim, "inspection_template", template);
  for (guint s = 0; s < 2; s++)
    {
      g_autoptr(JsonObject) warehouse = json_object_new ();
      json_object_set_string_member (warehouse, "code", s == 0 ? "WH-A" : "WH-B");
      json_object_set_string_member (warehouse, "name", "Warehouse");
      json_object_set_string_member (warehouse, "kind", "warehouse");
      json_object_set_string_member (warehouse, "site_id", sites[s]);
      sim->warehouse[s] = put (sim, "stock_location", warehouse);
      for (guint c = 0; c < 2; c++)
        {
          g_autofree char *code = g_strdup_printf ("SRV-%u-%u", s, c);
          g_autoptr(JsonObject) ci = json_object_new ();
          json_object_set_string_member (ci, "code", code);
          json_object_set_string_member (ci, "name", code);
          json_object_set_string_member (ci, "type", "server");
          json_object_set_string_member (ci, "site_id", sites[s]);
          json_object_set_string_member (ci, "status", "in_use");
          json_object_set_string_member (ci, "location", "Room 1");
          sim->cis[s][c] = put (sim, "ci", ci);
        }
      g_autoptr(JsonObject) job = json_object_new ();
      json_object_set_string_member (job, "ci_id", sim->cis[s][0]);
      json_object_set_string_member (job, "name", "Nightly");
      json_object_set_string_member (job, "kind", "full");
      json_object_set_string_member (job, "schedule", "daily");
      sim->jobs[s] = put (sim, "backup_job", job);
      g_autoptr(JsonObject) round = json_object_new ();
      json_object_set_string_member (round, "ref", s == 0 ? "INS-261122-SRV-0001" : "INS-261122-SRV-0002");
      json_object_set_string_member (round, "site_id", sites[s]);
      json_object_set_string_member (round, "template_id", template_id);
      json_object_set_string_member (round, "planned_for", "2026-11-22");
      json_object_set_string_member (round, "status", "in_progress");
      sim->rounds[s] = put (sim, "inspection_round", round);
      g_autoptr(JsonObject) audit = json_object_new ();
      json_object_set_string_member (audit, "ref", s == 0 ? "AUD-261122-SRV-0001" : "AUD-261122-SRV-0002");
      json_object_set_string_member (audit, "site_id", sites[s]);
      json_object_set_string_member (audit, "due_on", "2026-12-15");
      json_object_set_string_member (audit, "status", "planned");
      sim->audits[s] = put (sim, "cmdb_audit", audit);
    }

  /* A few orders at each site from the start, for everyone to work on. */
  for (guint i = 0; i < 6; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261122-SRV-%04u", i + 1);
      g_autoptr(JsonObject) wo = json_object_new ();
      json_object_set_string_member (wo, "ref", ref);
      json_object_set_string_member (wo, "kind", "incident");
      json_object_set_string_member (wo, "title", "Reported by phone");
      json_object_set_string_member (wo, "site_id", sites[i % 2]);
      json_object_set_int_member (wo, "impact", 3);
      json_object_set_int_member (wo, "urgency", 3);
      json_object_set_string_member (wo, "status", "new");
      g_autofree char *id = put (sim, "work_order", wo);
    }

  static const struct { const char *login; FlRole role; int site; } people[N_CLIENTS] = {
    { "eng_a", FL_ROLE_ENGINEER, 0 },
    { "eng_a2", FL_ROLE_ENGINEER, 0 },
    { "eng_b", FL_ROLE_ENGINEER, 1 },
    { "eng_b2", FL_ROLE_ENGINEER, 1 },
    { "super", FL_ROLE_SUPERVISOR, -1 },
    { "clerk", FL_ROLE_CLERK, 0 },
  };
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      SimClient *client = &sim->clients[i];
      client->sim = sim;
      client->login = people[i].login;
      client->role = people[i].role;
      client->site = people[i].site < 0 ? NULL : sites[people[i].site];
      client->written = g_array_new (FALSE, FALSE, sizeof (gint64));
      if (client->role == FL_ROLE_ENGINEER)
        {
          g_autofree char *code = g_strdup_printf ("VAN-%s", client->login);
          g_autoptr(JsonObject) van = json_object_new ();
          json_object_set_string_member (van, "code", code);
          json_object_set_string_member (van, "name", code);
          json_object_set_string_member (van, "kind", "van");
          json_object_set_string_member (van, "site_id", client->site);
          json_object_set_string_member (van, "owner", client->login);
          client->van = put (sim, "stock_location", van);
        }
      /* Some clocks are hours off, both ways. */
      static const gint64 skews[] = { 0, 0, 0, 0, 0, -5 * 3600, -90 * 60, 3 * 3600 };
      client->skew = skews[g_rand_int_range (sim->rng, 0, G_N_ELEMENTS (skews))] * G_USEC_PER_SEC;

      fl_sync_test_client_init (&client->c, client->login);
      client->transport = g_object_new (SIM_TYPE_TRANSPORT, NULL);
      client->transport->client = client;
      client->replica_files = chance (sim, 0.5);
      fl_sync_client_set_transport (client->c.client, FL_SYNC_TRANSPORT (client->transport));
      fl_sync_client_set_replica_files (client->c.client, client->replica_files);
      g_autoptr(GError) error = NULL;
      if (!fl_sync_client_login (client->c.client, server_url (sim), client->login,
                                 FL_TEST_PASSWORD, client->login, NULL, &error))
        fail (sim, "%s cannot sign in: %s", client->login, error->message);
    }
}

static void
teardown_world (Sim *sim)
{
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      SimClient *client = &sim->clients[i];
      fl_sync_test_client_clear (&client->c);
      g_clear_object (&client->transport);
      g_clear_pointer (&client->written, g_array_unref);
      g_clear_pointer (&client->van, g_free);
    }
  for (guint i = 0; i < 4; i++)
    g_clear_pointer (&sim->parts[i], g_free);
  for (guint s = 0; s < 2; s++)
    {
      g_clear_pointer (&sim->warehouse[s], g_free);
      g_clear_pointer (&sim->cis[s][0], g_free);
      g_clear_pointer (&sim->cis[s][1], g_free);
      g_clear_pointer (&sim->jobs[s], g_free);
      g_clear_pointer (&sim->rounds[s], g_free);
      g_clear_pointer (&sim->audits[s], g_free);
    }
  g_clear_object (&sim->soup);
  g_clear_pointer (&sim->soup_url, g_free);
  for (guint n = 0; n < sim->n_instances; n++)
    {
      fl_test_server_process_clear (&sim->instances[n]);
      g_clear_object (&sim->instance_soup[n]);
    }
  g_clear_object (&sim->sweeper);
  g_clear_object (&sim->locker);
  fl_sync_server_teardown (&sim->s);
  g_clear_pointer (&sim->blob_dir, g_free);
  g_clear_pointer (&sim->config, g_free);
}

/* The process dies: the connection goes without a goodbye and the file is
 * opened again (what was not committed is gone, as after a crash). */
static void
reopen_client (SimClient *client)
{
  fl_sync_test_client_close (&client->c);
  fl_sync_test_client_open (&client->c);
  fl_sync_client_set_transport (client->c.client, FL_SYNC_TRANSPORT (client->transport));
  fl_sync_client_set_replica_files (client->c.client, client->replica_files);
}

static const char * const kill_points[] = {
  "sync-push-sent", "sync-push-results", "sync-pull-page", "sync-snapshot-rows",
  "sync-snapshot-commit", "sync-replica-swap", "changelog-after-row",
};

static void
sim_sync (SimClient *client, gboolean kill)
{
  Sim *sim = client->sim;
  if (kill)
    fl_db_set_fail_point (client->c.db, PICK (sim, kill_points));
  g_autoptr(GError) error = NULL;
  sim->stats.syncs++;
  gboolean ok = fl_sync_client_sync (client->c.client, NULL, &error);
  if (!ok)
    {
      sim->stats.failed_syncs++;
      note (sim, "%s: sync failed: %s", client->login, error->message);
      gboolean expected = g_error_matches (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK) ||
                          g_error_matches (error, FL_DB_ERROR, FL_DB_ERROR_INJECTED);
      if (!expected)
        fail (sim, "%s: unexpected sync error: %s", client->login, error->message);
    }
  else
    {
      const FlSyncStats *stats = fl_sync_client_get_last_stats (client->c.client);
      sim->stats.applied += stats->applied;
      sim->stats.conflicts += stats->conflicts;
      sim->stats.rejected += stats->rejected;
      sim->stats.replica_files += stats->replica_files;
      note (sim, "%s: synced: pushed %" G_GINT64_FORMAT " (%" G_GINT64_FORMAT " conflicts, %"
            G_GINT64_FORMAT " rejected), pulled %" G_GINT64_FORMAT ", snapshot %" G_GINT64_FORMAT,
            client->login, stats->pushed, stats->conflicts, stats->rejected, stats->pulled, stats->snapshot_rows);
    }
  if (kill)
    {
      sim->stats.kills++;
      fl_db_set_fail_point (client->c.db, NULL);
      reopen_client (client);
    }
}

/* The SLA sweep of a server: the events the open orders have reached by
 * now (the real time: the server's clock is right), in transactions of its
 * own; how many in sim->swept. */
static void
sweep_sla (Sim *sim)
{
  g_autoptr(GError) error = NULL;
  sim->swept = fl_sla_sweep (sim->sweeper, g_get_real_time (), &error);
  sim->stats.sla_sweeps++;
  if (sim->swept < 0)
    fail (sim, "server: the SLA sweep failed: %s", error->message);
  else
    sim->stats.sla_events += (guint) sim->swept;
}

/* A client syncs, now and then just after the server swept.  (The sweep
 * and a push on another instance take turns on the write lock; which goes
 * first would be the scheduler's choice, not the seed's, so the sweep runs
 * before the sync instead of beside it.) */
static void
sim_sync_after_sweep (SimClient *client, gboolean kill)
{
  Sim *sim = client->sim;
  if (g_rand_double (sim->sweep_rng) < 0.25)
    {
      sweep_sla (sim);
      note (sim, "the SLA sweep recorded %" G_GINT64_FORMAT " events", sim->swept);
    }
  sim_sync (client, kill);
}

/* A held-back request finally reaches the server; nobody waits for it. */
static void
deliver_held (Sim *sim)
{
  if (sim->held->len == 0)
    return;
  guint index = g_rand_int_range (sim->rng, 0, (gint32) sim->held->len);
  HeldRequest *held = g_ptr_array_steal_index (sim->held, index);
  FlSyncRequest request = { held->method, held->path, held->token, held->content_type,
                            held->content_encoding, held->body };
  g_autoptr(FlSyncResponse) response = forward (sim, &request, NULL, NULL);
  if (response != NULL)
    drain (response);
  note (sim, "a delayed %s %s reached the server", held->method, held->path);
  held_request_free (held);
}

static void
restart_server (Sim *sim)
{
  sim->stats.restarts++;
  if (sim->n_instances > 0)
    {
      guint n = g_rand_int_range (sim->rng, 0, (gint32) sim->n_instances);
      restart_instance (sim, n);
      note (sim, "instance %u restarted at %s", n, sim->instances[n].url);
      return;
    }
  g_clear_pointer (&sim->s.server, fl_server_stop);
  fl_sync_server_start (&sim->s);
  note (sim, "server restarted at %s", fl_sync_server_url (&sim->s));
}

/* An administrator gives a person another site, or takes it away. */
static void
change_scope (Sim *sim)
{
  SimClient *client = &sim->clients[g_rand_int_range (sim->rng, 0, 4)];
  const char *home = client->site;
  const char *both[] = { sim->s.site_a, sim->s.site_b, NULL };
  const char *one[] = { home, NULL };
  g_autoptr(JsonObject) user = fl_accounts_find_user (sim->s.store, client->login, NULL);
  g_auto(GStrv) now = user != NULL ? fl_accounts_user_sites (user) : NULL;
  gboolean widen = now != NULL && g_strv_length (now) == 1;
  g_autoptr(GError) error = NULL;
  if (!fl_accounts_set_sites (sim->s.store, client->login, widen ? both : one, "admin", &error))
    fail (sim, "cannot change %s's sites: %s", client->login, error->message);
  sim->stats.scope_changes++;
  note (sim, "%s now works at %s", client->login, widen ? "both sites" : "one site");
}

/* ---- the checks ---- */

typedef struct {
  GHashTable *rows;  /* "table\037id" -> JsonObject */
  GError     *error;
} Expected;

static gboolean
collect_snapshot (GBytes *lines, gpointer user_data, GError **error)
{
  Expected *expected = user_data;
  gsize size;
  const char *data = g_bytes_get_data (lines, &size);
  const char *end = data + size;
  while (data < end)
    {
      const char *nl = memchr (data, '\n', (gsize) (end - data));
      gsize length = nl != NULL ? (gsize) (nl - data) : (gsize) (end - data);
      g_autoptr(FlSnapshotLine) line = fl_snapshot_line_parse (data, length, error);
      if (line == NULL)
        return FALSE;
      if (line->kind == FL_SNAPSHOT_ROW)
        g_hash_table_insert (expected->rows,
                             fl_outbox_row_key (line->table, fl_record_get_string (line->row, "id")),
                             json_object_ref (line->row));
      data += length + 1;
    }
  return TRUE;
}

static gboolean
rows_equal (const FlTable *table, JsonObject *a, JsonObject *b, const char **field)
{
  static const char * const common[] = { FL_COMMON_COLUMNS };
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    {
      JsonNode *x = json_object_get_member (a, common[i]);
      JsonNode *y = json_object_get_member (b, common[i]);
      gboolean same = i == 1 ? fl_record_get_int (a, "version", -1) == fl_record_get_int (b, "version", -2)
                             : fl_json_node_equal (x, y);
      if (!same)
        {
          *field = common[i];
          return FALSE;
        }
    }
  for (guint i = 0; i < table->n_columns; i++)
    if (!fl_json_node_equal (json_object_get_member (a, table->columns[i].name),
                             json_object_get_member (b, table->columns[i].name)))
      {
        *field = table->columns[i].name;
        return FALSE;
      }
  return TRUE;
}

/* The outbox entries of one row, to explain a difference. */
static char *
outbox_history (FlDb *db, const char *table, const char *id)
{
  g_autoptr(GString) text = g_string_new (NULL);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT mid, op, state, resolution, body, error, result FROM outbox WHERE table_name = ? AND row_id = ? ORDER BY mid", NULL);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, id, -1, SQLITE_TRANSIENT);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    g_string_append_printf (text, "\n    mid %s %s %s%s%s %s %s %s", sqlite3_column_text (stmt, 0),
                            sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2),
                            sqlite3_column_type (stmt, 3) != SQLITE_NULL ? "/" : "",
                            sqlite3_column_type (stmt, 3) != SQLITE_NULL ? (const char *) sqlite3_column_text (stmt, 3) : "",
                            sqlite3_column_text (stmt, 4),
                            sqlite3_column_type (stmt, 5) != SQLITE_NULL ? (const char *) sqlite3_column_text (stmt, 5) : "",
                            sqlite3_column_type (stmt, 6) != SQLITE_NULL ? (const char *) sqlite3_column_text (stmt, 6) : "");
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
check_client (Sim *sim, SimClient *client)
{
  FlDb *db = client->c.db;
  g_autoptr(GError) error = NULL;

  /* What a fresh snapshot would give this user now. */
  g_autoptr(JsonObject) user = fl_accounts_find_user (sim->s.store, client->login, &error);
  g_auto(GStrv) sites = user != NULL ? fl_accounts_user_sites (user) : NULL;
  Expected expected = { g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref) };
  FlPullReader reader = {
    .sites = (const char * const *) sites,
    .login = client->login,
    .all_conflicts = client->role == FL_ROLE_SUPERVISOR || client->role == FL_ROLE_ADMIN,
  };
  if (!fl_pull_snapshot (sim->s.store, &reader, 64 * 1024, collect_snapshot, &expected, &error))
    {
      fail (sim, "%s: cannot take the expected snapshot: %s", client->login, error->message);
      g_hash_table_unref (expected.rows);
      return;
    }

  /* Rows this replica may hold beyond the server's: its refused new rows. */
  g_autoptr(GHashTable) refused = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_autoptr(GPtrArray) unresolved = fl_outbox_unresolved (db, "rejected", NULL);
  for (guint i = 0; unresolved != NULL && i < unresolved->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (unresolved, i);
      if (entry->op != FL_MUTATION_UPDATE)
        g_hash_table_add (refused, fl_outbox_row_key (entry->table, entry->row_id));
    }

  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  guint mismatches = 0;
  for (guint t = 0; t < n_tables; t++)
    {
      const FlTable *table = tables[t];
      g_autofree char *sql = g_strdup_printf ("SELECT %s FROM \"%s\"", fl_record_select_list (table), table->name);
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, NULL);
      for (;;)
        {
          gboolean has_row;
          if (!fl_stmt_step_row (db, stmt, &has_row, NULL) || !has_row)
            break;
          g_autoptr(JsonObject) local = fl_record_from_stmt (table, stmt, 0);
          const char *id = fl_record_get_string (local, "id");
          g_autofree char *key = fl_outbox_row_key (table->name, id);
          JsonObject *theirs = g_hash_table_lookup (expected.rows, key);
          const char *field = NULL;
          if (theirs == NULL)
            {
              if (!g_hash_table_contains (refused, key) && mismatches++ < 5)
                fail (sim, "%s has %s %s that the server does not give it", client->login, table->name, id);
            }
          else if (!rows_equal (table, local, theirs, &field))
            {
              if (mismatches++ < 5)
                {
                  g_autofree char *mine_text = fl_record_to_string (local);
                  g_autofree char *their_text = fl_record_to_string (theirs);
                  g_autofree char *history = outbox_history (db, table->name, id);
                  fail (sim, "%s: %s %s differs from the server in %s\n    replica %s\n    server  %s%s",
                        client->login, table->name, id, field, mine_text, their_text, history);
                }
              g_hash_table_remove (expected.rows, key);
            }
          else
            g_hash_table_remove (expected.rows, key);
        }
    }
  GHashTableIter iter;
  gpointer key;
  g_hash_table_iter_init (&iter, expected.rows);
  while (g_hash_table_iter_next (&iter, &key, NULL))
    if (mismatches++ < 5)
      fail (sim, "%s lacks %s", client->login, (const char *) key);
  g_hash_table_unref (expected.rows);

  /* Every entry answered, the same way the server remembers it. */
  g_autofree char *device = fl_db_get_meta (db, FL_META_DEVICE_ID);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT mid, state, error, result, op, table_name, row_id FROM outbox", NULL);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, NULL) || !has_row)
        break;
      gint64 mid = sqlite3_column_int64 (stmt, 0);
      const char *state = (const char *) sqlite3_column_text (stmt, 1);
      const char *reason = (const char *) sqlite3_column_text (stmt, 2);
      gboolean answered_by_server = sqlite3_column_type (stmt, 3) != SQLITE_NULL;
      const char *op = (const char *) sqlite3_column_text (stmt, 4);
      if (g_strcmp0 (state, "pending") == 0)
        {
          fail (sim, "%s: mid %" G_GINT64_FORMAT " still pending after quiet", client->login, mid);
          continue;
        }
      if (g_strcmp0 (state, "rejected") == 0)
        note (sim, "%s: mid %" G_GINT64_FORMAT " %s %s rejected: %s", client->login, mid, op,
              (const char *) sqlite3_column_text (stmt, 5), reason);
      if (g_strcmp0 (state, "rejected") == 0 && (reason == NULL || *reason == '\0'))
        fail (sim, "%s: mid %" G_GINT64_FORMAT " rejected without a reason", client->login, mid);
      g_autoptr(JsonObject) stored = fl_store_get_result (sim->s.store, device, mid, NULL);
      if (!answered_by_server)
        {
          /* Refused with its whole request: the server records it rejected
           * (403) or never saw it pass (400), and never applies it. */
          if (stored != NULL && g_strcmp0 (fl_record_get_string (stored, "status"), "rejected") != 0)
            fail (sim, "%s: mid %" G_GINT64_FORMAT " refused here but the server applied it", client->login, mid);
          continue;
        }
      if (stored == NULL)
        {
          fail (sim, "%s: mid %" G_GINT64_FORMAT " (%s) has no answer on the server", client->login, mid, state);
          continue;
        }
      if (g_strcmp0 (fl_record_get_string (stored, "status"), state) != 0)
        fail (sim, "%s: mid %" G_GINT64_FORMAT " is %s here but %s on the server", client->login, mid, state,
              fl_record_get_string (stored, "status"));
      if ((g_strcmp0 (state, "applied") == 0 || g_strcmp0 (state, "merged") == 0) && g_strcmp0 (op, "update") != 0)
        {
          const char *table_name = (const char *) sqlite3_column_text (stmt, 5);
          const char *row_id = (const char *) sqlite3_column_text (stmt, 6);
          g_autoptr(JsonObject) row = fl_store_load_row (sim->s.store, fl_schema_lookup (table_name), row_id, NULL);
          if (row == NULL)
            fail (sim, "%s: mid %" G_GINT64_FORMAT " applied but %s %s is not on the server",
                  client->login, mid, table_name, row_id);
        }
    }

  /* No local change lost. */
  for (guint i = 0; i < client->written->len; i++)
    {
      g_autoptr(FlOutboxEntry) entry = fl_outbox_get (db, g_array_index (client->written, gint64, i), NULL);
      if (entry == NULL)
        fail (sim, "%s: the change with mid %" G_GINT64_FORMAT " is lost from the outbox",
              client->login, g_array_index (client->written, gint64, i));
    }

  if (!fl_stock_verify (db, &error))
    fail (sim, "%s: stock balances differ from the ledger: %s", client->login, error->message);
}

/* A mutation applied twice (say by two instances) writes twice: the server
 * audits each write of an order with the device it came from, so the
 * order's updates from a device number at most its updates of the order
 * the server answered applied, merged or conflict (a conflict applies the
 * fields that did not clash; an update that changes nothing writes
 * nothing).  That nothing taken was lost the replicas' equality shows. */
static void
check_updates_applied_once (Sim *sim, SimClient *client)
{
  FlDb *db = client->c.db;
  g_autofree char *device = fl_db_get_meta (db, FL_META_DEVICE_ID);
  g_autoptr(GHashTable) rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT mid, row_id FROM outbox "
                                              "WHERE op = 'update' AND table_name = 'work_order'", NULL);
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, NULL) || !has_row)
        break;
      g_autoptr(JsonObject) stored = fl_store_get_result (sim->s.store, device, sqlite3_column_int64 (stmt, 0), NULL);
      const char *status = stored != NULL ? fl_record_get_string (stored, "status") : "";
      const char *row_id = (const char *) sqlite3_column_text (stmt, 1);
      gint64 *answered = g_hash_table_lookup (rows, row_id);
      if (answered == NULL)
        g_hash_table_insert (rows, g_strdup (row_id), answered = g_new0 (gint64, 1));
      *answered += g_strcmp0 (status, "applied") == 0 || g_strcmp0 (status, "merged") == 0 ||
                   g_strcmp0 (status, "conflict") == 0;
    }
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    {
      const gint64 *answered = value;
      /* Ids made by the store and the replica (UUIDs), not input. */
      g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM audit WHERE action = 'update' AND "
                                              "table_name = 'work_order' AND row_id = '%s' AND device = '%s'",
                                              (const char *) key, device);
      gint64 writes = fl_test_store_count (sim->s.store, sql);
      if (writes > *answered)
        fail (sim, "%s: work order %s written %" G_GINT64_FORMAT " times by its updates, of which the server "
              "took only %" G_GINT64_FORMAT, client->login, (const char *) key, writes, *answered);
    }
}

static void
check_all (Sim *sim)
{
  g_autoptr(GError) error = NULL;
  if (!fl_store_verify (sim->s.store, &error))
    fail (sim, "server: stock balances differ from the ledger: %s", error->message);
  gint64 twice = fl_test_store_count (sim->s.store,
      "SELECT count(*) FROM (SELECT table_name, row_id FROM audit WHERE action IN ('insert', 'append')"
      " GROUP BY table_name, row_id HAVING count(*) > 1) AS written_twice");
  if (twice > 0)
    fail (sim, "server: %" G_GINT64_FORMAT " new rows were written more than once", twice);
  for (guint i = 0; i < N_CLIENTS; i++)
    {
      check_client (sim, &sim->clients[i]);
      check_updates_applied_once (sim, &sim->clients[i]);
    }
}

/* Quiet means the server too: once the clients have nothing left to send
 * or pull, nothing may write to the change log any more, or the checks
 * above would blame the pull for rows written after it. */
static void
check_server_quiet (Sim *sim, gint64 quiet_seq)
{
  g_autofree char *sql = g_strdup_printf ("SELECT count(*) FROM changes WHERE seq > %" G_GINT64_FORMAT, quiet_seq);
  gint64 late = fl_test_store_count (sim->s.store, sql);
  if (late > 0)
    fail (sim, "server: %" G_GINT64_FORMAT " changes were written after the clients became quiet "
          "(rows they lack above may be these: nothing may write once the network heals)", late);
}

static guint env_uint (const char *name, guint fallback);

/* ---- one seed ---- */

/* The line a fatal signal prints, made before the seed runs: a handler may
 * only write what is ready. */
static char seed_line[96];

static void
on_fatal_signal (int signum)
{
  ssize_t written = write (STDERR_FILENO, seed_line, strlen (seed_line));
  (void) written;
  signal (signum, SIG_DFL);
  raise (signum);
}

static void
name_seed_on_fatal_signals (guint32 seed)
{
  g_snprintf (seed_line, sizeof seed_line, "\n# seed %u stopped the simulator (rerun with SIM_SEED=%u)\n", seed, seed);
  static const int fatal[] = { SIGABRT, SIGTRAP, SIGSEGV, SIGBUS, SIGFPE };
  for (guint i = 0; i < G_N_ELEMENTS (fatal); i++)
    signal (fatal[i], on_fatal_signal);
}

static gboolean
run_seed (guint32 seed, guint steps, guint n_instances, const char *program, gboolean verbose,
          SimStats *totals)
{
  Sim sim = { .seed = seed, .verbose = verbose, .n_instances = n_instances, .program = program };
  name_seed_on_fatal_signals (seed);
  sim.rng = g_rand_new_with_seed (seed);
  sim.sweep_rng = g_rand_new_with_seed (seed ^ 0x5157eeb5u);
  sim.held = g_ptr_array_new_with_free_func ((GDestroyNotify) held_request_free);
  sim.failures = g_string_new (NULL);
  setup_world (&sim);

  /* First syncs take the snapshot, already with faults. */
  sim.faults = TRUE;
  for (guint i = 0; i < N_CLIENTS; i++)
    sim_sync (&sim.clients[i], FALSE);

  for (guint step = 0; step < steps && sim.failures->len == 0; step++)
    {
      SimClient *client = &sim.clients[g_rand_int_range (sim.rng, 0, N_CLIENTS)];
      double r = g_rand_double (sim.rng);
      if (r < 0.02)
        restart_server (&sim);
      else if (r < 0.025)
        deliver_held (&sim);
      else if (r < 0.03)
        change_scope (&sim);
      else if (r < 0.08)
        sim_sync_after_sweep (client, TRUE);
      else if (r < 0.30)
        sim_sync_after_sweep (client, FALSE);
      else if (r < 0.36)
        sim_contested_edit (&sim);
      else
        sim_local_op (client);
    }

  /* The network heals: what it held back arrives, then everyone syncs
   * until nothing moves any more.  Each round begins with the server's
   * sweep, recording what the orders pushed so far have reached; a round
   * is quiet when the sweep recorded nothing and no client moved anything. */
  sim.faults = FALSE;
  while (sim.held->len > 0)
    deliver_held (&sim);
  gboolean quiet = FALSE;
  gint64 quiet_seq = 0;  /* the change log when the quiet round began */
  for (guint round = 0; round < 8 && !quiet && sim.failures->len == 0; round++)
    {
      quiet_seq = fl_store_last_seq (sim.s.store, NULL);
      sweep_sla (&sim);
      quiet = sim.swept == 0;
      for (guint i = 0; i < N_CLIENTS; i++)
        {
          SimClient *client = &sim.clients[i];
          g_autoptr(GError) error = NULL;
          if (!fl_sync_client_sync (client->c.client, NULL, &error))
            {
              fail (&sim, "%s: sync without faults failed: %s", client->login, error->message);
              break;
            }
          const FlSyncStats *stats = fl_sync_client_get_last_stats (client->c.client);
          if (stats->pushed > 0 || stats->pulled > 0 || stats->snapshot_rows > 0)
            quiet = FALSE;
        }
    }
  if (!quiet && sim.failures->len == 0)
    fail (&sim, "the clients did not become quiet after 8 rounds of syncs");
  if (sim.failures->len == 0)
    {
      guint settle_ms = env_uint ("SIM_SETTLE_MS", 0);
      if (settle_ms > 0)
        g_usleep ((gulong) settle_ms * 1000);
      check_all (&sim);
      check_server_quiet (&sim, quiet_seq);
    }

  gboolean ok = sim.failures->len == 0;
  if (!ok)
    g_printerr ("# seed %u FAILED (rerun with SIM_SEED=%u):\n%s", seed, seed, sim.failures->str);
  if (verbose || !ok)
    g_printerr ("# seed %u: %u ops (%u refused locally), %u syncs (%u failed), %u applied, %u conflicts "
                "(%u contested edits), %u rejected, %u user actions; faults: %u lost requests, %u lost responses, "
                "%u duplicates, %u delayed, %u cut snapshots, %u edits during sync, %u kills, %u restarts, "
                "%u scope changes, %u SLA sweeps (%u events); %u first downloads as replica files; %u instance kills in a push "
                "(%u answers lost)\n",
                seed, sim.stats.ops, sim.stats.local_refusals, sim.stats.syncs, sim.stats.failed_syncs,
                sim.stats.applied, sim.stats.conflicts, sim.stats.contested_edits, sim.stats.rejected,
                sim.stats.user_actions,
                sim.stats.lost_requests, sim.stats.lost_responses, sim.stats.duplicates, sim.stats.delayed,
                sim.stats.truncated,
                sim.stats.edits_in_flight, sim.stats.kills, sim.stats.restarts, sim.stats.scope_changes,
                sim.stats.sla_sweeps, sim.stats.sla_events, sim.stats.replica_files, sim.stats.instance_kills, sim.stats.answers_lost_to_kills);
  guint *dst = (guint *) totals;
  const guint *src = (const guint *) &sim.stats;
  for (guint i = 0; i < sizeof (SimStats) / sizeof (guint); i++)
    dst[i] += src[i];

  teardown_world (&sim);
  g_string_free (sim.failures, TRUE);
  g_ptr_array_unref (sim.held);
  g_rand_free (sim.rng);
  g_rand_free (sim.sweep_rng);
  return ok;
}

static guint
env_uint (const char *name, guint fallback)
{
  const char *text = g_getenv (name);
  return text != NULL && *text != '\0' ? (guint) g_ascii_strtoull (text, NULL, 10) : fallback;
}

static void
test_convergence (void)
{
  guint steps = env_uint ("SIM_STEPS", 60);
  guint n_instances = env_uint ("SIM_INSTANCES", 0);
  const char *program = fl_test_server_program ();
  if (n_instances > MAX_INSTANCES)
    n_instances = MAX_INSTANCES;
  if (n_instances > 1 && program == NULL)
    {
      g_test_skip ("FIELDLINE_SYNC does not name the fieldline-sync program");
      return;
    }
  if (n_instances <= 1)
    n_instances = 0;  /* the server in this process */
  guint first = env_uint ("SIM_FIRST_SEED", 1);
  guint last = first + env_uint ("SIM_SEEDS", 200) - 1;
  gboolean verbose = FALSE;
  if (g_getenv ("SIM_SEED") != NULL)
    {
      first = last = env_uint ("SIM_SEED", 1);
      verbose = TRUE;
    }
  SimStats totals = { 0 };
  gint64 start = g_get_monotonic_time ();
  guint failed = 0;
  for (guint32 seed = first; seed <= last; seed++)
    if (!run_seed (seed, steps, n_instances, program, verbose, &totals))
      failed++;
  double seconds = (g_get_monotonic_time () - start) / 1e6;
  g_printerr ("# %u seeds of %u steps in %.1f s: %u ops, %u syncs (%u failed on purpose), %u applied, "
              "%u conflicts (%u contested edits), %u rejected; %u lost requests, %u lost responses, %u duplicates, %u delayed, "
              "%u cut snapshots, %u edits during sync, %u kills, %u restarts, %u scope changes, %u SLA sweeps (%u events); "
              "%u first downloads as replica files; %u instance kills in a push (%u answers lost)\n",
              last - first + 1, steps, seconds, totals.ops, totals.syncs, totals.failed_syncs,
              totals.applied, totals.conflicts, totals.contested_edits, totals.rejected, totals.lost_requests,
              totals.lost_responses, totals.duplicates, totals.delayed, totals.truncated, totals.edits_in_flight,
              totals.kills, totals.restarts, totals.scope_changes, totals.sla_sweeps, totals.sla_events, totals.replica_files,
              totals.instance_kills, totals.answers_lost_to_kills);
  if (failed > 0)
    {
      g_autofree char *message = g_strdup_printf ("%u of %u seeds failed (see above)", failed, last - first + 1);
      g_test_fail_printf ("%s", message);
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sync-sim/convergence", test_convergence);
  return g_test_run ();
}
