#include "fl-hostile.h"

#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/types.h>
#include <sys/wait.h>

#include "fl-api-test-util.h"

struct _FlHostileServer
{
  FlTestStore  t;
  GPid         pid;
  guint16      port;
  char        *token;
  char        *device_id;
  char        *state;      /* what the database held after sign-in */
};

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

GSocket *
fl_hostile_connect (FlHostileServer *server, guint timeout)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, &error);
  g_assert_no_error (error);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, server->port);
  g_socket_set_timeout (socket, timeout);
  if (!g_socket_connect (socket, address, NULL, &error))
    return NULL;
  return g_steal_pointer (&socket);
}

gboolean
fl_hostile_write (GSocket *socket, const char *data, gssize length)
{
  gsize size = length < 0 ? strlen (data) : (gsize) length;
  while (size > 0)
    {
      gssize n = g_socket_send (socket, data, size, NULL, NULL);
      if (n <= 0)
        return FALSE;
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

static gssize
content_length (const char *headers)
{
  g_auto(GStrv) lines = g_strsplit (headers, "\r\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_ascii_strncasecmp (lines[i], "Content-Length:", 15) == 0)
      return (gssize) g_ascii_strtoll (lines[i] + 15, NULL, 10);
  return -1;
}

char *
fl_hostile_read_answer (GSocket *socket)
{
  g_autoptr(GString) answer = g_string_new (NULL);
  gssize body_length = -1;
  gsize header_end = 0;
  for (;;)
    {
      if (header_end > 0 && body_length >= 0 && answer->len >= header_end + (gsize) body_length)
        break;
      char buffer[16 * 1024];
      gssize n = g_socket_receive (socket, buffer, sizeof buffer, NULL, NULL);
      if (n <= 0)
        break;
      g_string_append_len (answer, buffer, n);
      const char *blank = header_end == 0 ? strstr (answer->str, "\r\n\r\n") : NULL;
      if (blank != NULL)
        {
          header_end = (gsize) (blank - answer->str) + 4;
          g_autofree char *headers = g_strndup (answer->str, header_end);
          body_length = content_length (headers);
        }
    }
  if (answer->len == 0)
    return NULL;
  return g_string_free (g_steal_pointer (&answer), FALSE);
}

char *
fl_hostile_send (FlHostileServer *server, const char *request, gssize length)
{
  g_autoptr(GSocket) socket = fl_hostile_connect (server, 10);
  if (socket == NULL || !fl_hostile_write (socket, request, length))
    return socket != NULL ? fl_hostile_read_answer (socket) : NULL;
  return fl_hostile_read_answer (socket);
}

guint
fl_hostile_status (const char *answer)
{
  if (answer == NULL || !g_str_has_prefix (answer, "HTTP/1."))
    return 0;
  return (guint) g_ascii_strtoull (answer + 9, NULL, 10);
}

const char *
fl_hostile_body (const char *answer)
{
  const char *blank = answer != NULL ? strstr (answer, "\r\n\r\n") : NULL;
  return blank != NULL ? blank + 4 : "";
}

guint64
fl_hostile_server_rss_kib (FlHostileServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/status", server->pid);
  g_autofree char *text = NULL;
  g_assert_true (g_file_get_contents (path, &text, NULL, NULL));
  const char *line = strstr (text, "VmRSS:");
  g_assert_nonnull (line);
  return g_ascii_strtoull (line + 6, NULL, 10);
}

guint
fl_hostile_server_fd_count (FlHostileServer *server)
{
  g_autofree char *path = g_strdup_printf ("/proc/%d/fd", server->pid);
  g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
  g_assert_nonnull (dir);
  guint n = 0;
  while (g_dir_read_name (dir) != NULL)
    n++;
  return n;
}

gboolean
fl_hostile_server_answers_health (FlHostileServer *server)
{
  g_autofree char *answer = fl_hostile_send (server, "GET " FL_PROTOCOL_PREFIX "/health HTTP/1.1\r\n"
                                                     "Host: 127.0.0.1\r\nConnection: close\r\n\r\n", -1);
  return fl_hostile_status (answer) == 200;
}

/* Counts and last sequence numbers of what a hostile request must never
 * change, read from the file without the server's help. */
static char *
database_state (FlHostileServer *server)
{
  static const char *queries[] = {
    "SELECT count(*) FROM changes",
    "SELECT coalesce(max(seq), 0) FROM changes",
    "SELECT count(*) FROM audit",
    "SELECT coalesce(max(seq), 0) FROM audit",
    "SELECT count(*) FROM tokens",
    "SELECT count(*) FROM tokens WHERE revoked",
    "SELECT count(*) FROM devices",
    "SELECT count(*) FROM devices WHERE revoked",
    "SELECT count(*) FROM work_order",
    "SELECT coalesce(max(version), 0) FROM work_order",
    "SELECT count(*) FROM work_log",
    "SELECT count(*) FROM device_results",
  };
  g_autoptr(GError) error = NULL;
  g_autoptr(FlStore) store = fl_store_open (server->t.path, &error);
  g_assert_no_error (error);
  GString *state = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (queries); i++)
    g_string_append_printf (state, "%s: %" G_GINT64_FORMAT "\n", queries[i],
                            fl_test_store_count (store, queries[i]));
  return g_string_free (state, FALSE);
}

static gboolean
process_alive (FlHostileServer *server)
{
  int status = 0;
  pid_t done = waitpid (server->pid, &status, WNOHANG);
  if (done == server->pid)
    {
      if (WIFSIGNALED (status))
        g_test_message ("fieldline-sync died of signal %d", WTERMSIG (status));
      else
        g_test_message ("fieldline-sync exited with status %d", WEXITSTATUS (status));
      server->pid = 0;
      return FALSE;
    }
  return done == 0;
}

void
fl_hostile_assert_healthy (FlHostileServer *server)
{
  g_assert_true (process_alive (server));
  g_assert_true (fl_hostile_server_answers_health (server));
  guint64 rss = fl_hostile_server_rss_kib (server);
  guint fds = fl_hostile_server_fd_count (server);
  g_test_message ("server: %" G_GUINT64_FORMAT " KiB resident, %u descriptors", rss, fds);
  g_assert_cmpuint (rss, <, FL_HOSTILE_MAX_RSS_KIB);
  g_assert_cmpuint (fds, <, FL_HOSTILE_MAX_FDS);
  g_autofree char *state = database_state (server);
  g_assert_cmpstr (state, ==, server->state);
}

static void
sign_in (FlHostileServer *server)
{
  static const char body[] = "{\"login\": \"eng\", \"password\": \"password-of-test\", \"device_name\": \"hostile\"}";
  g_autofree char *request = g_strdup_printf ("POST " FL_PROTOCOL_PREFIX "/auth/login HTTP/1.1\r\n"
                                              "Host: 127.0.0.1\r\nContent-Type: application/json\r\n"
                                              "Content-Length: %zu\r\nConnection: close\r\n\r\n%s",
                                              strlen (body), body);
  g_autofree char *answer = fl_hostile_send (server, request, -1);
  g_assert_cmpuint (fl_hostile_status (answer), ==, 200);
  g_autoptr(GError) error = NULL;
  const char *json = fl_hostile_body (answer);
  g_autoptr(JsonNode) node = fl_protocol_parse (json, strlen (json), &error);
  g_assert_no_error (error);
  g_autoptr(FlLoginResponse) login = fl_login_response_from_json (node, &error);
  g_assert_no_error (error);
  server->token = g_strdup (login->token);
  server->device_id = g_strdup (login->device_id);
}

static void
put_large_logs (FlStore *store, const char *work_order, guint n)
{
  g_autofree char *text = g_strnfill (60 * 1024, 'x');
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) log = json_object_new ();
      json_object_set_string_member (log, "work_order_id", work_order);
      json_object_set_string_member (log, "author", "eng");
      json_object_set_string_member (log, "at", "2026-12-01T09:30:00.000Z");
      json_object_set_string_member (log, "kind", "note");
      json_object_set_string_member (log, "text", text);
      g_free (fl_test_put (store, "work_log", log));
    }
}

/* A failed assertion aborts the test: the server goes with it. */
static void
die_with_parent (gpointer data)
{
  prctl (PR_SET_PDEATHSIG, SIGKILL);
}

FlHostileServer *
fl_hostile_server_start (const char *config, guint large_logs)
{
  const char *binary = g_getenv ("FIELDLINE_SYNC");
  if (binary == NULL || !g_file_test (binary, G_FILE_TEST_IS_EXECUTABLE))
    {
      g_test_skip ("FIELDLINE_SYNC does not name the fieldline-sync program");
      return NULL;
    }
  FlHostileServer *server = g_new0 (FlHostileServer, 1);
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&server->t);
  g_autofree char *site = fl_test_put_site (server->t.store, "HOSPA");
  const char *sites[] = { site, NULL };
  g_autoptr(JsonObject) user = fl_accounts_add_user (server->t.store, "eng", "eng", "engineer", sites,
                                                     "password-of-test", "admin", &error);
  g_assert_no_error (error);
  g_autofree char *wo = fl_test_put_work_order (server->t.store, site, "INC-261201-AAA-0001");
  put_large_logs (server->t.store, wo, large_logs);
  g_clear_object (&server->t.store);

  server->port = free_port ();
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", server->port);
  g_autofree char *config_path = g_build_filename (server->t.dir, "server.conf", NULL);
  g_assert_true (g_file_set_contents (config_path, config != NULL ? config : "[server]\n", -1, NULL));
  g_autofree char *blobs = g_build_filename (server->t.dir, "blobs", NULL);
  const char *argv[] = { binary, "serve", "--store", server->t.path, "--listen", listen, "--config", config_path,
                         "--blob-dir", blobs, NULL };
  g_spawn_async (NULL, (char **) argv, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 die_with_parent, NULL, &server->pid, &error);
  g_assert_no_error (error);
  /* Ready when /health answers: poll, the program has no other signal. */
  gboolean up = FALSE;
  for (int i = 0; i < 400 && !up; i++)
    {
      g_autoptr(GSocket) probe = fl_hostile_connect (server, 5);
      up = probe != NULL && fl_hostile_server_answers_health (server);
      if (!up)
        g_usleep (25000);
    }
  g_assert_true (up);
  sign_in (server);
  server->state = database_state (server);
  return server;
}

void
fl_hostile_server_stop (FlHostileServer *server)
{
  if (server == NULL)
    return;
  if (server->pid > 0)
    {
      kill (server->pid, SIGTERM);
      int status = 0;
      waitpid (server->pid, &status, 0);
      g_spawn_close_pid (server->pid);
    }
  g_free (server->token);
  g_free (server->device_id);
  g_free (server->state);
  fl_test_store_close (&server->t);
  g_free (server);
}

guint16
fl_hostile_server_get_port (FlHostileServer *server)
{
  return server->port;
}

GPid
fl_hostile_server_get_pid (FlHostileServer *server)
{
  return server->pid;
}

const char *
fl_hostile_server_get_token (FlHostileServer *server)
{
  return server->token;
}

const char *
fl_hostile_server_get_device_id (FlHostileServer *server)
{
  return server->device_id;
}
