#define G_LOG_DOMAIN "fieldline-sync"
#include "fl-connection-guard.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "fl-protocol.h"

#define LINGER_SECONDS  2                  /* after an early answer, while the client's bytes are drained */
#define LINGER_BYTES    (1024 * 1024)      /* drained at most before the connection is closed */
#define BUSY_RETRY      "Retry-After: 5\r\n"

typedef enum {
  CONN_WAITING,   /* for the first byte of a request, or the rest of it */
  CONN_WORKING,   /* the server works on the request */
  CONN_IDLE,      /* keep-alive, between requests */
  CONN_LINGER,    /* answered early; draining what the client still sends */
} ConnState;

typedef struct {
  FlConnectionGuard *guard;
  GSocket           *socket;
  char              *address;
  SoupServerMessage *msg;        /* the current or last message */
  ConnState          state;
  gboolean           counted;    /* msg is one of the busy requests */
  gboolean           unsure;     /* libsoup may have dropped the connection without closing it */
  gint64             last_progress;
  GSource           *watch;
  GIOStream         *stolen;     /* taken from libsoup for an early answer */
  gsize              drained;
} Conn;

struct _FlConnectionGuard
{
  SoupServer              *soup;
  GMainContext            *context;
  FlConnectionGuardLimits  limits;
  GHashTable              *conns;       /* GSocket* -> Conn* */
  GHashTable              *addresses;   /* client address -> open connections */
  GSource                 *sweep;
  GCancellable            *cancellable;
  guint                    busy;
};

/* A whole HTTP answer that closes the connection, with an error body. */
static GBytes *
error_answer (guint status, const char *extra_headers, const char *message)
{
  g_autoptr(JsonNode) node = fl_error_body_to_json (fl_protocol_code_for_status (status), message, NULL);
  gsize size = 0;
  g_autofree char *body = fl_protocol_to_string (node, &size);
  GString *answer = g_string_new (NULL);
  g_string_append_printf (answer, "HTTP/1.1 %u %s\r\nConnection: close\r\n%s"
                          "Content-Type: application/json\r\nContent-Length: %zu\r\n\r\n",
                          status, soup_status_get_phrase (status), extra_headers != NULL ? extra_headers : "",
                          size);
  g_string_append_len (answer, body, (gssize) size);
  return g_string_free_to_bytes (answer);
}

/* ---- bookkeeping ---- */

static void
conn_disarm (Conn *conn)
{
  if (conn->watch == NULL)
    return;
  g_source_destroy (conn->watch);
  g_clear_pointer (&conn->watch, g_source_unref);
}

static void
conn_uncount (Conn *conn)
{
  if (!conn->counted)
    return;
  conn->counted = FALSE;
  conn->guard->busy--;
}

static void
conn_set_msg (Conn *conn, SoupServerMessage *msg)
{
  if (conn->msg != NULL)
    g_signal_handlers_disconnect_by_data (conn->msg, conn->guard);
  g_set_object (&conn->msg, msg);
}

static void
conn_free (Conn *conn)
{
  FlConnectionGuard *guard = conn->guard;
  conn_disarm (conn);
  conn_uncount (conn);
  conn_set_msg (conn, NULL);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (guard->addresses, conn->address));
  if (n > 1)
    g_hash_table_insert (guard->addresses, g_strdup (conn->address), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (guard->addresses, conn->address);
  if (conn->stolen != NULL && !g_socket_is_closed (conn->socket))
    g_socket_close (conn->socket, NULL);
  g_clear_object (&conn->stolen);
  g_object_unref (conn->socket);
  g_free (conn->address);
  g_free (conn);
}

static Conn *
conn_of (FlConnectionGuard *guard, SoupServerMessage *msg)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  return socket != NULL ? g_hash_table_lookup (guard->conns, socket) : NULL;
}

static void
conn_forget (Conn *conn)
{
  g_hash_table_remove (conn->guard->conns, conn->socket);
}

/* Closes the descriptor now.  libsoup's own objects are freed with it when
 * it is safe to take the connection back from libsoup first: not when
 * libsoup may already have dropped it (then its descriptor is all that is
 * left to free). */
static void
conn_close (Conn *conn)
{
  /* closed already: libsoup let it go */
  if (g_socket_is_closed (conn->socket))
    {
      conn_forget (conn);
      return;
    }
  if (conn->stolen == NULL && !conn->unsure && conn->msg != NULL)
    conn->stolen = soup_server_message_steal_connection (conn->msg);
  g_socket_close (conn->socket, NULL);
  conn_forget (conn);
}

static void
conn_progress (Conn *conn)
{
  conn->last_progress = g_get_monotonic_time ();
}

/* -1: closed or reset by the peer, 0: nothing to read, 1: bytes waiting */
static int
conn_peek (Conn *conn)
{
  char byte;
  ssize_t n = recv (g_socket_get_fd (conn->socket), &byte, 1, MSG_PEEK | MSG_DONTWAIT);
  if (n > 0)
    return 1;
  if (n < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR))
    return 0;
  return -1;
}

static void
conn_watch (Conn *conn, GSocketSourceFunc func)
{
  conn_disarm (conn);
  conn->watch = g_socket_create_source (conn->socket, G_IO_IN | G_IO_HUP | G_IO_ERR, NULL);
  /* before libsoup's own source on the socket: this one must see a hang-up first */
  g_source_set_priority (conn->watch, G_PRIORITY_HIGH);
  g_source_set_callback (conn->watch, (GSourceFunc) (void (*) (void)) func, conn, NULL);
  g_source_attach (conn->watch, conn->guard->context);
}

/* A keep-alive connection between requests became readable.  libsoup 3.2
 * would read a hang-up here and then neither close the socket nor watch it
 * again; this source runs first and closes it instead. */
static gboolean
on_idle_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  Conn *conn = data;
  g_clear_pointer (&conn->watch, g_source_unref);
  if (g_socket_is_closed (socket))
    conn_forget (conn);
  else if (conn_peek (conn) < 0)
    conn_close (conn);
  /* A request comes: libsoup reads it.  Through TLS the bytes may be the
   * client's close_notify instead, which libsoup reads without telling. */
  else
    conn->unsure = conn->guard->limits.tls;
  return G_SOURCE_REMOVE;
}

static gboolean
on_linger_readable (GSocket *socket, GIOCondition condition, gpointer data)
{
  Conn *conn = data;
  char buffer[16 * 1024];
  gssize n = g_socket_receive_with_blocking (socket, buffer, sizeof buffer, FALSE, NULL, NULL);
  if (n > 0 && (conn->drained += (gsize) n) < LINGER_BYTES)
    return G_SOURCE_CONTINUE;
  g_clear_pointer (&conn->watch, g_source_unref);
  conn_close (conn);
  return G_SOURCE_REMOVE;
}

/* ---- libsoup's signals ---- */

static void
on_got_headers (SoupServerMessage *msg, FlConnectionGuard *guard)
{
  Conn *conn = conn_of (guard, msg);
  if (conn == NULL || conn->msg != msg || conn->state == CONN_LINGER)
    return;
  conn_progress (conn);
  if (!conn->counted)
    {
      conn->counted = TRUE;
      guard->busy++;
    }
}

static void
on_progress (SoupServerMessage *msg, FlConnectionGuard *guard)
{
  Conn *conn = conn_of (guard, msg);
  if (conn != NULL && conn->msg == msg)
    conn_progress (conn);
}

static void
on_got_chunk (SoupServerMessage *msg, GBytes *chunk, FlConnectionGuard *guard)
{
  on_progress (msg, guard);
}

static void
on_wrote_data (SoupServerMessage *msg, guint size, FlConnectionGuard *guard)
{
  on_progress (msg, guard);
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, FlConnectionGuard *guard)
{
  GSocket *socket = soup_server_message_get_socket (msg);
  if (socket == NULL)
    return;
  Conn *conn = g_hash_table_lookup (guard->conns, socket);
  if (conn == NULL)
    {
      /* a new connection: its first message starts before any byte is read */
      const char *address = soup_server_message_get_remote_host (msg);
      guint from_address = GPOINTER_TO_UINT (g_hash_table_lookup (guard->addresses, address != NULL ? address : ""));
      if (g_hash_table_size (guard->conns) >= guard->limits.max_connections ||
          from_address >= guard->limits.max_per_address)
        {
          g_message ("Refusing a connection from %s: %u open, %u from there", address,
                     g_hash_table_size (guard->conns), from_address);
          /* libsoup then fails to read from it and lets it go */
          if (!guard->limits.tls)
            {
              g_autoptr(GBytes) answer = error_answer (SOUP_STATUS_SERVICE_UNAVAILABLE, BUSY_RETRY,
                                                       _("The server has too many connections open; try again shortly"));
              g_socket_send_with_blocking (socket, g_bytes_get_data (answer, NULL), g_bytes_get_size (answer),
                                           FALSE, NULL, NULL);
            }
          g_socket_close (socket, NULL);
          return;
        }
      conn = g_new0 (Conn, 1);
      conn->guard = guard;
      conn->socket = g_object_ref (socket);
      conn->address = g_strdup (address != NULL ? address : "");
      g_hash_table_insert (guard->addresses, g_strdup (conn->address), GUINT_TO_POINTER (from_address + 1));
      g_hash_table_insert (guard->conns, socket, conn);
    }
  conn_disarm (conn);
  conn_set_msg (conn, msg);
  conn->state = CONN_WAITING;
  conn->unsure = FALSE;
  conn_progress (conn);
  g_signal_connect (msg, "got-headers", G_CALLBACK (on_got_headers), guard);
  g_signal_connect (msg, "got-chunk", G_CALLBACK (on_got_chunk), guard);
  g_signal_connect (msg, "got-body", G_CALLBACK (on_progress), guard);
  g_signal_connect (msg, "wrote-headers", G_CALLBACK (on_progress), guard);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (on_wrote_data), guard);
}

static void
on_request_done (SoupServer *soup, SoupServerMessage *msg, FlConnectionGuard *guard)
{
  Conn *conn = conn_of (guard, msg);
  if (conn == NULL || conn->msg != msg || conn->state == CONN_LINGER)
    return;
  conn_uncount (conn);
  conn->state = CONN_IDLE;
  conn_progress (conn);
  /* Watched from now on, before libsoup looks at the socket again; if
   * libsoup closes it instead, the watch sees that too. */
  conn_watch (conn, on_idle_readable);
}

/* Once a second: forget what libsoup closed, close what stalled. */
static gboolean
sweep (gpointer data)
{
  FlConnectionGuard *guard = data;
  gint64 now = g_get_monotonic_time ();
  GHashTableIter iter;
  gpointer value;
  g_autoptr(GPtrArray) to_close = g_ptr_array_new ();
  g_autoptr(GPtrArray) gone = g_ptr_array_new ();
  g_hash_table_iter_init (&iter, guard->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Conn *conn = value;
      gint64 quiet = now - conn->last_progress;
      gint64 limit = (conn->state == CONN_LINGER ? LINGER_SECONDS : guard->limits.idle_timeout) * G_USEC_PER_SEC;
      if (conn->stolen == NULL && g_socket_is_closed (conn->socket))
        g_ptr_array_add (gone, conn);
      else if ((conn->state != CONN_WORKING && quiet > limit) ||
               (conn->unsure && conn->state == CONN_IDLE && conn_peek (conn) < 0))
        g_ptr_array_add (to_close, conn);
    }
  for (guint i = 0; i < gone->len; i++)
    conn_forget (gone->pdata[i]);
  for (guint i = 0; i < to_close->len; i++)
    conn_close (to_close->pdata[i]);
  return G_SOURCE_CONTINUE;
}

/* ---- early answers ---- */

typedef struct {
  FlConnectionGuard *guard;
  GCancellable      *cancellable;
  GSocket           *socket;
  GBytes            *answer;
} EarlyAnswer;

static EarlyAnswer *
early_answer_new (FlConnectionGuard *guard, GSocket *socket, GBytes *answer)
{
  EarlyAnswer *early = g_new0 (EarlyAnswer, 1);
  early->guard = guard;
  early->cancellable = g_object_ref (guard->cancellable);
  early->socket = g_object_ref (socket);
  early->answer = g_bytes_ref (answer);
  return early;
}

static void
early_answer_free (EarlyAnswer *early)
{
  g_object_unref (early->cancellable);
  g_object_unref (early->socket);
  g_bytes_unref (early->answer);
  g_free (early);
}

static void
early_answer_written (GObject *stream, GAsyncResult *result, gpointer data)
{
  EarlyAnswer *early = data;
  g_autoptr(GError) error = NULL;
  gboolean ok = g_output_stream_write_all_finish (G_OUTPUT_STREAM (stream), result, NULL, &error);
  Conn *conn = g_cancellable_is_cancelled (early->cancellable)
                 ? NULL : g_hash_table_lookup (early->guard->conns, early->socket);
  if (conn != NULL && !ok)
    conn_close (conn);
  else if (conn != NULL)
    {
      /* FIN now, then read what the client still sends for a moment, so
       * that closing does not reset the connection under the answer */
      g_socket_shutdown (conn->socket, FALSE, TRUE, NULL);
      conn_progress (conn);
      conn_watch (conn, on_linger_readable);
    }
  early_answer_free (early);
}

/* Takes the connection from libsoup and writes the answer. */
static gboolean
early_answer_send (gpointer data)
{
  EarlyAnswer *early = data;
  Conn *conn = g_hash_table_lookup (early->guard->conns, early->socket);
  g_clear_pointer (&conn->watch, g_source_unref);
  conn->stolen = soup_server_message_steal_connection (conn->msg);
  if (conn->stolen == NULL)
    {
      conn_close (conn);
      return G_SOURCE_REMOVE;
    }
  gsize size;
  const void *bytes = g_bytes_get_data (early->answer, &size);
  g_output_stream_write_all_async (g_io_stream_get_output_stream (conn->stolen), bytes, size,
                                   G_PRIORITY_DEFAULT, early->cancellable, early_answer_written,
                                   early_answer_new (early->guard, early->socket, early->answer));
  return G_SOURCE_REMOVE;
}

void
fl_connection_guard_refuse (FlConnectionGuard *guard, SoupServerMessage *msg, guint status,
                            const char *extra_headers, const char *message)
{
  Conn *conn = conn_of (guard, msg);
  if (conn == NULL || conn->msg != msg || conn->state == CONN_LINGER)
    return;  /* the connection is gone, or answered already */
  g_autoptr(GBytes) answer = error_answer (status, extra_headers, message);
  conn_uncount (conn);
  conn->state = CONN_LINGER;
  conn_progress (conn);
  /* no more reading (pausing twice is harmless) */
  soup_server_message_pause (msg);
  /* Out of libsoup's signal emission: it may be reading this message. */
  conn_disarm (conn);
  conn->watch = g_idle_source_new ();
  g_source_set_priority (conn->watch, G_PRIORITY_HIGH);
  g_source_set_callback (conn->watch, early_answer_send, early_answer_new (guard, conn->socket, answer),
                         (GDestroyNotify) early_answer_free);
  g_source_attach (conn->watch, guard->context);
}

/* ---- the rest of the API ---- */

void
fl_connection_guard_set_working (FlConnectionGuard *guard, SoupServerMessage *msg, gboolean working)
{
  Conn *conn = conn_of (guard, msg);
  if (conn == NULL || conn->msg != msg || conn->state == CONN_LINGER)
    return;
  conn->state = working ? CONN_WORKING : CONN_WAITING;
  conn_progress (conn);
}

void
fl_connection_guard_close (FlConnectionGuard *guard, SoupServerMessage *msg)
{
  Conn *conn = conn_of (guard, msg);
  if (conn != NULL && conn->msg == msg)
    conn_close (conn);
}

void
fl_connection_guard_close_idle (FlConnectionGuard *guard)
{
  g_autoptr(GPtrArray) idle = g_ptr_array_new ();
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, guard->conns);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (((Conn *) value)->state == CONN_IDLE || !((Conn *) value)->counted)
      g_ptr_array_add (idle, value);
  for (guint i = 0; i < idle->len; i++)
    conn_close (idle->pdata[i]);
}

guint
fl_connection_guard_get_busy (FlConnectionGuard *guard)
{
  return guard->busy;
}

guint
fl_connection_guard_get_open (FlConnectionGuard *guard)
{
  return g_hash_table_size (guard->conns);
}

FlConnectionGuard *
fl_connection_guard_new (SoupServer *soup, GMainContext *context, const FlConnectionGuardLimits *limits)
{
  FlConnectionGuard *guard = g_new0 (FlConnectionGuard, 1);
  guard->soup = g_object_ref (soup);
  guard->context = g_main_context_ref (context);
  guard->limits = *limits;
  guard->conns = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) conn_free);
  guard->addresses = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  guard->cancellable = g_cancellable_new ();
  g_signal_connect (soup, "request-started", G_CALLBACK (on_request_started), guard);
  g_signal_connect (soup, "request-finished", G_CALLBACK (on_request_done), guard);
  g_signal_connect (soup, "request-aborted", G_CALLBACK (on_request_done), guard);
  guard->sweep = g_timeout_source_new_seconds (1);
  g_source_set_callback (guard->sweep, sweep, guard, NULL);
  g_source_attach (guard->sweep, context);
  return guard;
}

void
fl_connection_guard_free (FlConnectionGuard *guard)
{
  if (guard == NULL)
    return;
  g_cancellable_cancel (guard->cancellable);
  g_signal_handlers_disconnect_by_data (guard->soup, guard);
  g_source_destroy (guard->sweep);
  g_source_unref (guard->sweep);
  g_hash_table_destroy (guard->conns);
  g_hash_table_destroy (guard->addresses);
  g_object_unref (guard->cancellable);
  g_object_unref (guard->soup);
  g_main_context_unref (guard->context);
  g_free (guard);
}
