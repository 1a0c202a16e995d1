/* A real fieldline-sync killed with SIGKILL in the middle of a push loop
 * restarts with a consistent database: every push was applied whole or not
 * at all, and replaying every request gives the answers already given (or,
 * for the one cut off, applies it now) without applying anything twice.
 *
 * The binary comes from the build: FIELDLINE_SYNC (set by meson) names it. */
#include "fl-api-test-util.h"
#include "fl-test-server-process.h"

#include <errno.h>
#include <signal.h>

#define ROUNDS          3
#define LOGS_PER_PUSH   20

typedef struct {
  FlTestStore          t;
  const char          *binary;
  FlTestServerProcess  process;
  SoupSession         *session;
} Crash;

static FlReply *
request_in (SoupSession *session, Crash *c, const char *method, const char *path, const char *token,
            const char *body, GError **error)
{
  g_autofree char *uri = g_strconcat (c->process.url, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  if (token != NULL)
    {
      g_autofree char *auth = g_strconcat ("Bearer ", token, NULL);
      soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
    }
  if (body != NULL)
    {
      g_autoptr(GBytes) bytes = g_bytes_new (body, strlen (body));
      soup_message_set_request_body_from_bytes (msg, "application/json", bytes);
    }
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, error);
  if (answer == NULL)
    return NULL;
  FlReply *reply = g_new0 (FlReply, 1);
  reply->status = soup_message_get_status (msg);
  reply->bytes = g_steal_pointer (&answer);
  return reply;
}

static FlReply *
request (Crash *c, const char *method, const char *path, const char *token, const char *body, GError **error)
{
  return request_in (c->session, c, method, path, token, body, error);
}

static void
start_server (Crash *c)
{
  g_autofree char *blobs = g_build_filename (c->t.dir, "blobs", NULL);
  const char *args[] = { "--store", c->t.path, "--blob-dir", blobs, NULL };
  fl_test_server_process_start (&c->process, c->binary, args);
  /* no connection of the killed server is reused */
  g_clear_object (&c->session);
  c->session = soup_session_new_with_options ("timeout", 10, NULL);
}

static void
kill_server (Crash *c)
{
  fl_test_server_process_kill (&c->process);
}

typedef struct {
  Crash      *c;
  char       *token;
  char       *device_id;
  char       *work_order;
  GPtrArray  *bodies;    /* every push request sent, in order */
  GPtrArray  *answers;   /* the answer of each, NULL where none came */
  gint64      next_mid;
  gint        stop;
} Pusher;

/* Builds one push: LOGS_PER_PUSH work-log entries and an update of the order. */
static char *
next_push (Pusher *p)
{
  g_autoptr(FlPushRequest) req = fl_push_request_new (p->device_id);
  for (int i = 0; i < LOGS_PER_PUSH; i++)
    {
      g_autofree char *id = fl_uuid7_new ();
      g_autofree char *fields = g_strdup_printf (
          "{\"work_order_id\": \"%s\", \"author\": \"eng\", \"at\": \"2026-11-22T09:30:00.000Z\","
          " \"kind\": \"labour\", \"minutes\": %d, \"text\": \"log %" G_GINT64_FORMAT "\"}",
          p->work_order, i + 1, p->next_mid);
      g_autoptr(JsonObject) payload = fl_record_parse (fields, -1, NULL);
      g_ptr_array_add (req->mutations, fl_mutation_new (p->next_mid++, "work_log", id, FL_MUTATION_APPEND,
                                                        fl_time_now (), payload));
    }
  /* counts pushes: contact goes n -> n+1, so a lost or doubled update shows */
  gint64 n = (gint64) p->bodies->len;
  g_autofree char *changes = n == 0
    ? g_strdup ("{\"contact\": {\"from\": null, \"to\": \"1\"}}")
    : g_strdup_printf ("{\"contact\": {\"from\": \"%" G_GINT64_FORMAT "\", \"to\": \"%" G_GINT64_FORMAT "\"}}", n, n + 1);
  g_autoptr(JsonObject) payload = fl_record_parse (changes, -1, NULL);
  g_ptr_array_add (req->mutations, fl_mutation_new (p->next_mid++, "work_order", p->work_order,
                                                    FL_MUTATION_UPDATE, fl_time_now (), payload));
  g_autoptr(JsonNode) node = fl_push_request_to_json (req);
  return fl_protocol_to_string (node, NULL);
}

/* Pushes until the server dies.  Like a client's outbox, a push left
 * without an answer is sent again first when the server is back. */
static gpointer
push_loop (gpointer data)
{
  Pusher *p = data;
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  gboolean resend = p->answers->len > 0 && p->answers->pdata[p->answers->len - 1] == NULL;
  while (!g_atomic_int_get (&p->stop))
    {
      const char *body;
      if (resend)
        {
          body = p->bodies->pdata[p->bodies->len - 1];
          g_ptr_array_set_size (p->answers, p->answers->len - 1);
          resend = FALSE;
        }
      else
        {
          body = next_push (p);
          g_ptr_array_add (p->bodies, (char *) body);
        }
      g_autoptr(GError) error = NULL;
      g_autoptr(FlReply) reply = request_in (session, p->c, "POST", FL_PROTOCOL_PREFIX "/sync/push", p->token,
                                             body, &error);
      if (reply == NULL)
        {
          g_ptr_array_add (p->answers, NULL);
          break;  /* the server is gone */
        }
      g_assert_cmpuint (reply->status, ==, 200);
      g_ptr_array_add (p->answers, g_strndup (g_bytes_get_data (reply->bytes, NULL), g_bytes_get_size (reply->bytes)));
    }
  return NULL;
}

static void
test_sigkill_during_pushes (void)
{
  const char *binary = fl_test_server_program ();
  if (binary == NULL)
    {
      g_test_skip ("FIELDLINE_SYNC does not name the fieldline-sync program");
      return;
    }
  Crash c = { .binary = binary };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&c.t);
  g_autofree char *site = fl_test_put_site (c.t.store, "HOSPA");
  const char *sites[] = { site, NULL };
  g_autoptr(JsonObject) user = fl_accounts_add_user (c.t.store, "eng", "eng", "engineer", sites,
                                                     "password-of-test", "admin", &error);
  g_assert_no_error (error);
  g_autofree char *wo = fl_test_put_work_order (c.t.store, site, "INC-261122-AAA-0001");
  {
    /* assign it to the engineer, so the engineer may work it */
    g_autoptr(JsonObject) row = fl_store_load_row (c.t.store, fl_schema_lookup ("work_order"), wo, &error);
    json_object_set_string_member (row, "status", "assigned");
    json_object_set_string_member (row, "assignee", "eng");
    fl_store_put_row (c.t.store, fl_schema_lookup ("work_order"), row, NULL, &error);
    g_assert_no_error (error);
  }
  g_clear_object (&c.t.store);
  start_server (&c);

  g_autoptr(FlReply) login = request (&c, "POST", FL_PROTOCOL_PREFIX "/auth/login", NULL,
      "{\"login\": \"eng\", \"password\": \"password-of-test\", \"device_name\": \"crash test\"}", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (login->status, ==, 200);
  g_autoptr(JsonNode) login_json = fl_protocol_parse (g_bytes_get_data (login->bytes, NULL),
                                                      g_bytes_get_size (login->bytes), &error);
  g_autoptr(FlLoginResponse) account = fl_login_response_from_json (login_json, &error);
  g_assert_no_error (error);

  Pusher p = {
    .c = &c,
    .token = account->token,
    .device_id = account->device_id,
    .work_order = wo,
    .bodies = g_ptr_array_new_with_free_func (g_free),
    .answers = g_ptr_array_new_with_free_func (g_free),
    .next_mid = 1,
  };
  for (int round = 0; round < ROUNDS; round++)
    {
      g_atomic_int_set (&p.stop, FALSE);
      GThread *thread = g_thread_new ("pusher", push_loop, &p);
      g_usleep (g_random_int_range (150, 400) * 1000);
      kill_server (&c);
      g_thread_join (thread);
      g_test_message ("round %d: %u pushes sent so far", round, p.bodies->len);
      start_server (&c);
    }

  /* The database came back whole. */
  kill_server (&c);
  FlStore *store = fl_store_open (c.t.path, &error);
  g_assert_no_error (error);
  if (!fl_test_store_is_postgresql ())
    {
      FlDb *db = fl_sqlite_store_get_db (FL_SQLITE_STORE (store));
      g_autoptr(FlStmt) check = fl_db_prepare (db, "PRAGMA integrity_check", &error);
      g_assert_cmpint (sqlite3_step (check), ==, SQLITE_ROW);
      g_assert_cmpstr ((const char *) sqlite3_column_text (check, 0), ==, "ok");
    }
  /* every push whole or not at all: logs come in full pushes */
  gint64 logs = fl_test_store_count (store, "SELECT count(*) FROM work_log");
  g_assert_cmpint (logs % LOGS_PER_PUSH, ==, 0);
  g_clear_object (&store);
  start_server (&c);

  /* Replay everything in order. */
  for (guint i = 0; i < p.bodies->len; i++)
    {
      g_autoptr(FlReply) again = request (&c, "POST", FL_PROTOCOL_PREFIX "/sync/push", p.token,
                                          p.bodies->pdata[i], &error);
      g_assert_no_error (error);
      g_assert_cmpuint (again->status, ==, 200);
      g_autofree char *text = g_strndup (g_bytes_get_data (again->bytes, NULL), g_bytes_get_size (again->bytes));
      g_autoptr(JsonNode) node = fl_protocol_parse (text, strlen (text), &error);
      /* The same results (`seq` is where the log stands now). */
      if (p.answers->pdata[i] != NULL)
        {
          const char *first_text = p.answers->pdata[i];
          g_autoptr(JsonNode) first = fl_protocol_parse (first_text, strlen (first_text), &error);
          g_assert_true (json_node_equal (json_object_get_member (json_node_get_object (first), "results"),
                                          json_object_get_member (json_node_get_object (node), "results")));
        }
      g_autoptr(FlPushResponse) response = fl_push_response_from_json (node, &error);
      g_assert_no_error (error);
      for (guint r = 0; r < response->results->len; r++)
        {
          FlMutationResult *result = response->results->pdata[r];
          if (result->status != FL_RESULT_APPLIED)
            g_test_message ("push %u mid %" G_GINT64_FORMAT ": %s", i, result->mid, result->error);
          g_assert_cmpint (result->status, ==, FL_RESULT_APPLIED);
        }
    }
  kill_server (&c);

  /* Each push applied exactly once. */
  store = fl_store_open (c.t.path, &error);
  g_assert_no_error (error);
  logs = fl_test_store_count (store, "SELECT count(*) FROM work_log");
  g_assert_cmpint (logs, ==, (gint64) p.bodies->len * LOGS_PER_PUSH);
  g_autoptr(JsonObject) row = fl_store_load_row (store, fl_schema_lookup ("work_order"), wo, &error);
  g_autofree char *expected = g_strdup_printf ("%u", p.bodies->len);
  g_assert_cmpstr (fl_record_get_string (row, "contact"), ==, expected);
  g_assert_cmpint (fl_record_get_int (row, "version", 0), ==, 2 + (gint64) p.bodies->len);
  g_clear_object (&store);

  g_ptr_array_unref (p.bodies);
  g_ptr_array_unref (p.answers);
  g_clear_object (&c.session);
  fl_test_server_process_clear (&c.process);
  fl_test_store_close (&c.t);
}

/* TRUE once `pid` has ended: gone, or a zombie no one has reaped yet. */
static gboolean
process_ended (GPid pid)
{
  if (kill (pid, 0) != 0 && errno == ESRCH)
    return TRUE;
  g_autofree char *stat_path = g_strdup_printf ("/proc/%d/stat", (int) pid);
  g_autofree char *stat = NULL;
  if (!g_file_get_contents (stat_path, &stat, NULL, NULL))
    return TRUE;
  const char *state = strrchr (stat, ')');
  return state != NULL && (state[2] == 'Z' || state[2] == 'X');
}

/* A test that stops on an assertion takes its servers with it: a server
 * left running would keep the test runner's pipes open and hang the run. */
static void
test_server_dies_with_its_test (void)
{
  const char *binary = fl_test_server_program ();
  if (binary == NULL)
    {
      g_test_skip ("FIELDLINE_SYNC does not name the fieldline-sync program");
      return;
    }
  if (g_test_subprocess ())
    {
      FlTestServerProcess process = { 0 };
      g_autofree char *blobs = g_build_filename (g_getenv ("FL_CRASH_DIR"), "blobs", NULL);
      const char *args[] = { "--store", g_getenv ("FL_CRASH_STORE"), "--blob-dir", blobs, NULL };
      fl_test_server_process_start (&process, binary, args);
      g_autofree char *pid_path = g_build_filename (g_getenv ("FL_CRASH_DIR"), "server.pid", NULL);
      g_autofree char *pid_text = g_strdup_printf ("%d", (int) process.pid);
      g_assert_true (g_file_set_contents (pid_path, pid_text, -1, NULL));
      abort ();  /* as a failed assertion would, without cleaning up */
    }
  FlTestStore t;
  fl_test_store_open (&t);
  g_setenv ("FL_CRASH_DIR", t.dir, TRUE);
  g_setenv ("FL_CRASH_STORE", t.path, TRUE);
  g_test_trap_subprocess (NULL, 120 * G_USEC_PER_SEC, G_TEST_SUBPROCESS_INHERIT_STDERR);
  g_test_trap_assert_failed ();
  g_autofree char *pid_path = g_build_filename (t.dir, "server.pid", NULL);
  g_autofree char *pid_text = NULL;
  g_assert_true (g_file_get_contents (pid_path, &pid_text, NULL, NULL));
  GPid pid = (GPid) g_ascii_strtoll (pid_text, NULL, 10);
  g_assert_cmpint (pid, >, 1);
  gboolean ended = FALSE;
  for (int i = 0; i < 200 && !ended; i++)
    {
      ended = process_ended (pid);
      if (!ended)
        g_usleep (25000);
    }
  if (!ended)
    kill (pid, SIGKILL);  /* not left behind by this test either */
  g_assert_true (ended);
  fl_test_store_close (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/crash/sigkill-during-pushes", test_sigkill_during_pushes);
  g_test_add_func ("/crash/server-dies-with-its-test", test_server_dies_with_its_test);
  return g_test_run ();
}
