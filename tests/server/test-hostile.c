/* Hostile HTTP against a real fieldline-sync: each request below once
 * crashed the server, made it hold memory or descriptors it never gave
 * back, or reached a route it should not.  After each, the server must be
 * alive, answer /health, stay within its memory and descriptor bounds and
 * have changed nothing in its database (fl_hostile_assert_healthy). */
#include "fl-hostile.h"

#include <string.h>
#include <sys/socket.h>

#include "fl-protocol.h"

#define BLOB_NAME "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef"

static char *
post (const char *path, const char *token, const char *body)
{
  g_autofree char *auth = token != NULL ? g_strdup_printf ("Authorization: Bearer %s\r\n", token) : g_strdup ("");
  return g_strdup_printf ("POST %s HTTP/1.1\r\nHost: 127.0.0.1\r\n%sContent-Type: application/json\r\n"
                          "Content-Length: %zu\r\n\r\n%s", path, auth, strlen (body), body);
}

static char *
nested (const char *prefix, guint depth, const char *suffix)
{
  GString *text = g_string_new (prefix);
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, '[');
  for (guint i = 0; i < depth; i++)
    g_string_append_c (text, ']');
  g_string_append (text, suffix);
  return g_string_free (text, FALSE);
}

static void
assert_error_answer (const char *answer, guint status)
{
  g_assert_cmpuint (fl_hostile_status (answer), ==, status);
  const char *body = fl_hostile_body (answer);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonNode) node = fl_protocol_parse (body, strlen (body), &error);
  g_assert_no_error (error);
  g_autoptr(FlErrorBody) parsed = fl_error_body_from_json (node, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (parsed->code, ==, fl_protocol_code_for_status (status));
}

/* Deep nesting used to overflow a worker's stack in json-glib's parser. */
static void
test_nesting (void)
{
  FlHostileServer *server = fl_hostile_server_start (NULL, 0);
  if (server == NULL)
    return;
  struct { const char *path; gboolean auth; guint depth; guint status; } cases[] = {
    { FL_PROTOCOL_PREFIX "/auth/login", FALSE, 100000, 413 },  /* larger than any login */
    { FL_PROTOCOL_PREFIX "/auth/login", FALSE, 7000, 400 },
    { FL_PROTOCOL_PREFIX "/sync/push", TRUE, 60000, 400 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *body = nested ("{\"login\":", cases[i].depth, "}");
      g_autofree char *request = post (cases[i].path, cases[i].auth ? fl_hostile_server_get_token (server) : NULL, body);
      g_autofree char *answer = fl_hostile_send (server, request, -1);
      assert_error_answer (answer, cases[i].status);
      fl_hostile_assert_healthy (server);
    }
  fl_hostile_server_stop (server);
}

/* Numbers that are not finite, text that is not UTF-8, half surrogates. */
static void
test_bad_json (void)
{
  FlHostileServer *server = fl_hostile_server_start (NULL, 0);
  if (server == NULL)
    return;
  g_autofree char *infinite = g_strdup_printf ("{\"device_id\": \"%s\", \"mutations\": [{\"mid\": 1e999}]}",
                                               fl_hostile_server_get_device_id (server));
  const char *bodies[] = {
    infinite,
    "{\"device_id\": \"\\ud800\", \"mutations\": []}",
    "{\"device_id\": \"\xc3\x28\", \"mutations\": []}",
  };
  for (guint i = 0; i < G_N_ELEMENTS (bodies); i++)
    {
      g_autofree char *request = post (FL_PROTOCOL_PREFIX "/sync/push", fl_hostile_server_get_token (server), bodies[i]);
      g_autofree char *answer = fl_hostile_send (server, request, -1);
      assert_error_answer (answer, 400);
      fl_hostile_assert_healthy (server);
    }
  fl_hostile_server_stop (server);
}

/* The answer comes from the headers alone, the body is never waited
 * for, and the server closes the connection after it. */
static void
assert_refused_early (FlHostileServer *server, const char *headers, guint status)
{
  g_autoptr(GSocket) socket = fl_hostile_connect (server, 10);
  g_assert_nonnull (socket);
  g_assert_true (fl_hostile_write (socket, headers, -1));
  /* a little of a body that would be far larger */
  g_autofree char *some = g_strnfill (64 * 1024, 'x');
  fl_hostile_write (socket, some, -1);
  g_autofree char *answer = fl_hostile_read_answer (socket);
  g_test_message ("%s -> %u", headers, fl_hostile_status (answer));
  assert_error_answer (answer, status);
  fl_hostile_assert_healthy (server);
}

/* A length of -1 or 2^64-1 used to make the server read until the client
 * stopped sending; a bogus token's 25 MiB blob was read whole before the
 * token was looked at. */
static void
test_body_limits (void)
{
  FlHostileServer *server = fl_hostile_server_start (NULL, 0);
  if (server == NULL)
    return;
  assert_refused_early (server, "POST " FL_PROTOCOL_PREFIX "/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\nContent-Length: -1\r\n\r\n", 411);
  assert_refused_early (server, "POST " FL_PROTOCOL_PREFIX "/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\nContent-Length: 18446744073709551615\r\n\r\n", 413);
  assert_refused_early (server, "POST " FL_PROTOCOL_PREFIX "/auth/login HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n", 411);
  assert_refused_early (server, "GET " FL_PROTOCOL_PREFIX "/health HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Length: 100000\r\n\r\n", 413);
  assert_refused_early (server, "POST " FL_PROTOCOL_PREFIX "/nowhere HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                "Content-Length: 1000000\r\n\r\n", 404);
  assert_refused_early (server, "PUT " FL_PROTOCOL_PREFIX "/sync/blobs/" BLOB_NAME " HTTP/1.1\r\n"
                                "Host: 127.0.0.1\r\nContent-Length: 26214400\r\n\r\n", 401);

  /* twenty 25 MiB uploads with a made-up token, all at once */
  GPtrArray *sockets = g_ptr_array_new_with_free_func (g_object_unref);
  for (int i = 0; i < 20; i++)
    {
      GSocket *socket = fl_hostile_connect (server, 10);
      g_assert_nonnull (socket);
      g_assert_true (fl_hostile_write (socket, "PUT " FL_PROTOCOL_PREFIX "/sync/blobs/" BLOB_NAME " HTTP/1.1\r\n"
                                               "Host: 127.0.0.1\r\nAuthorization: Bearer made-up\r\n"
                                               "Content-Length: 26214400\r\n\r\n", -1));
      g_ptr_array_add (sockets, socket);
    }
  for (guint i = 0; i < sockets->len; i++)
    {
      g_autofree char *answer = fl_hostile_read_answer (sockets->pdata[i]);
      assert_error_answer (answer, 401);
    }
  g_ptr_array_unref (sockets);
  fl_hostile_assert_healthy (server);
  fl_hostile_server_stop (server);
}

/* Routes are matched on the path as sent. */
static void
test_paths (void)
{
  FlHostileServer *server = fl_hostile_server_start (NULL, 0);
  if (server == NULL)
    return;
  struct { const char *path; guint status; } cases[] = {
    { "/api/v1%2Fmetrics", 400 },
    { "/api/v1%2fsync%2fpull?cursor=0", 400 },
    { "/api/v1/sync/blobs/..%2F..%2Fmetrics", 400 },
    { "/api/v1\\metrics", 400 },
    { "/api/v1/metrics/", 404 },
    { "/api/v1//metrics", 404 },
    /* dot segments are resolved (RFC 3986) before routing, and the
     * resolved route's rules hold: pulls still need a token */
    { "/api/v1/x/../sync/pull?cursor=0", 401 },
    { "/api/v1/%2e%2e/v1/sync/snapshot", 401 },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autofree char *request = g_strdup_printf ("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", cases[i].path);
      g_autofree char *answer = fl_hostile_send (server, request, -1);
      g_test_message ("%s -> %u", cases[i].path, fl_hostile_status (answer));
      assert_error_answer (answer, cases[i].status);
      fl_hostile_assert_healthy (server);
    }
  fl_hostile_server_stop (server);
}

/* Keep-alive clients that hang up after one request each used to leave a
 * socket in CLOSE-WAIT per request until no descriptor was left. */
static void
test_keepalive_churn (void)
{
  FlHostileServer *server = fl_hostile_server_start (NULL, 0);
  if (server == NULL)
    return;
  guint before = fl_hostile_server_fd_count (server);
  for (int i = 0; i < 2000; i++)
    {
      g_autoptr(GSocket) socket = fl_hostile_connect (server, 10);
      g_assert_nonnull (socket);
      g_assert_true (fl_hostile_write (socket, "GET " FL_PROTOCOL_PREFIX "/health HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", -1));
      g_autofree char *answer = fl_hostile_read_answer (socket);
      g_assert_cmpuint (fl_hostile_status (answer), ==, 200);
    }
  g_test_message ("descriptors: %u before, %u after 2000 clients", before, fl_hostile_server_fd_count (server));
  fl_hostile_assert_healthy (server);
  fl_hostile_server_stop (server);
}

/* Idle and half-sent connections are closed after idle_timeout, and no
 * address opens more than its share. */
static void
test_idle_connections (void)
{
  FlHostileServer *server = fl_hostile_server_start ("[server]\nidle_timeout = 1\nmax_connections_per_address = 24\n", 0);
  if (server == NULL)
    return;
  GPtrArray *held = g_ptr_array_new_with_free_func (g_object_unref);
  guint refused = 0;
  for (int i = 0; i < 40; i++)
    {
      GSocket *socket = fl_hostile_connect (server, 10);
      g_assert_nonnull (socket);
      if (i % 2 == 1)
        fl_hostile_write (socket, "GET " FL_PROTOCOL_PREFIX "/health HTTP/1.1\r\nHost: 127.0.0.1\r\n", -1);
      g_ptr_array_add (held, socket);
    }
  /* Every one is answered (503 beyond the cap) or closed when idle: none
   * is left hanging. */
  for (guint i = 0; i < held->len; i++)
    {
      g_autofree char *answer = fl_hostile_read_answer (held->pdata[i]);
      if (answer != NULL)
        {
          assert_error_answer (answer, 503);
          refused++;
        }
      char byte;
      g_assert_cmpint (g_socket_receive (held->pdata[i], &byte, 1, NULL, NULL), <=, 0);
    }
  g_assert_cmpuint (refused, >=, 40 - 24);
  g_ptr_array_unref (held);
  fl_hostile_assert_healthy (server);
  fl_hostile_server_stop (server);
}

static GSocket *
open_snapshot (FlHostileServer *server)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  /* a small window: the server's writes stall soon */
  g_socket_set_option (socket, SOL_SOCKET, SO_RCVBUF, 4096, NULL);
  g_socket_set_timeout (socket, 10);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) address = g_inet_socket_address_new (loopback, fl_hostile_server_get_port (server));
  g_assert_true (g_socket_connect (socket, address, NULL, NULL));
  g_autofree char *request = g_strdup_printf ("GET " FL_PROTOCOL_PREFIX "/sync/snapshot HTTP/1.1\r\nHost: 127.0.0.1\r\n"
                                              "Authorization: Bearer %s\r\n\r\n", fl_hostile_server_get_token (server));
  g_assert_true (fl_hostile_write (socket, request, -1));
  return g_steal_pointer (&socket);
}

/* Streams whose clients stop reading end after idle_timeout, and one user
 * cannot take every snapshot thread. */
static void
test_stalled_snapshots (void)
{
  FlHostileServer *server = fl_hostile_server_start ("[server]\nidle_timeout = 1\nsnapshot_streams_per_user = 2\n", 160);
  if (server == NULL)
    return;
  g_autoptr(GSocket) first = open_snapshot (server);
  g_autoptr(GSocket) second = open_snapshot (server);
  /* both streams have begun */
  char status[12];
  g_assert_cmpint (g_socket_receive (first, status, sizeof status, NULL, NULL), ==, sizeof status);
  g_assert_cmpint (g_socket_receive (second, status, sizeof status, NULL, NULL), ==, sizeof status);
  g_autoptr(GSocket) third = open_snapshot (server);
  g_autofree char *refused = fl_hostile_read_answer (third);
  assert_error_answer (refused, 429);
  g_assert_nonnull (strstr (refused, "Retry-After:"));

  /* The stalled streams end, and a reader gets its snapshot. */
  gboolean served = FALSE;
  for (int attempt = 0; attempt < 120 && !served; attempt++)
    {
      g_autoptr(GSocket) next = open_snapshot (server);
      char line[12];
      served = g_socket_receive (next, line, sizeof line, NULL, NULL) == sizeof line &&
               memcmp (line, "HTTP/1.1 200", sizeof line) == 0;
      if (!served)
        g_usleep (G_USEC_PER_SEC / 4);
    }
  g_assert_true (served);
  fl_hostile_assert_healthy (server);
  fl_hostile_server_stop (server);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/hostile/nesting", test_nesting);
  g_test_add_func ("/hostile/bad-json", test_bad_json);
  g_test_add_func ("/hostile/body-limits", test_body_limits);
  g_test_add_func ("/hostile/paths", test_paths);
  g_test_add_func ("/hostile/keepalive-churn", test_keepalive_churn);
  g_test_add_func ("/hostile/idle-connections", test_idle_connections);
  g_test_add_func ("/hostile/stalled-snapshots", test_stalled_snapshots);
  return g_test_run ();
}
