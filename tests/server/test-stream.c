/* The snapshot stream: written as the client reads (chunked), consistent at
 * its cursor while pushes go on, followed by a pull that misses and repeats
 * nothing; and a graceful stop that lets a running stream finish. */
#include "fl-api-test-util.h"

#define P FL_PROTOCOL_PREFIX
#define N_ORDERS 3000
/* More than the kernel's socket buffers hold (some MiB on loopback), so the
 * stream is still being written while the server is asked to stop. */
#define N_ORDERS_LARGE 20000

static void
put_orders (FlApiFixture *f, GPtrArray *ids, guint n)
{
  g_autoptr(GError) error = NULL;
  fl_store_begin (f->t.store, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261122-AAA-%04u", i);
      g_ptr_array_add (ids, fl_test_put_work_order (f->t.store, f->site_a, ref));
    }
  fl_store_commit (f->t.store, &error);
  g_assert_no_error (error);
}

/* Reads one line (without its newline) from a buffered stream. */
static char *
read_line (GDataInputStream *in)
{
  g_autoptr(GError) error = NULL;
  gsize length;
  char *line = g_data_input_stream_read_line (in, &length, NULL, &error);
  g_assert_no_error (error);
  return line;
}

typedef struct {
  char       *cursor;
  GHashTable *rows;     /* "table/id" -> version */
  gboolean    complete;
} Snapshot;

static GDataInputStream *
open_snapshot (FlApiFixture *f, FlApiDevice *d, SoupMessage **out_msg)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *uri = g_strconcat (fl_server_get_base_uri (f->server), P "/sync/snapshot", NULL);
  SoupMessage *msg = soup_message_new ("GET", uri);
  g_autofree char *auth = g_strconcat ("Bearer ", d->token, NULL);
  soup_message_headers_replace (soup_message_get_request_headers (msg), "Authorization", auth);
  g_autoptr(GInputStream) body = soup_session_send (f->session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);
  g_assert_cmpint (soup_message_headers_get_encoding (soup_message_get_response_headers (msg)), ==,
                   SOUP_ENCODING_CHUNKED);
  *out_msg = msg;
  return g_data_input_stream_new (body);
}

/* Reads lines until the end line, or `max` row lines (0 = no limit). */
static void
read_snapshot (GDataInputStream *in, Snapshot *s, guint max)
{
  guint n = 0;
  while (max == 0 || n < max)
    {
      g_autofree char *text = read_line (in);
      if (text == NULL)
        return;  /* the stream ended: complete only if the end line came */
      g_autoptr(GError) error = NULL;
      g_autoptr(FlSnapshotLine) line = fl_snapshot_line_parse (text, strlen (text), &error);
      g_assert_no_error (error);
      if (line->kind == FL_SNAPSHOT_HEADER)
        s->cursor = g_strdup (line->cursor);
      else if (line->kind == FL_SNAPSHOT_ROW)
        {
          g_autofree char *key = g_strdup_printf ("%s/%s", line->table, fl_record_get_string (line->row, "id"));
          g_assert_false (g_hash_table_contains (s->rows, key));
          g_hash_table_insert (s->rows, g_steal_pointer (&key),
                               GINT_TO_POINTER (fl_record_get_int (line->row, "version", 0)));
          n++;
        }
      else
        {
          g_assert_cmpint (line->rows, ==, g_hash_table_size (s->rows));
          s->complete = TRUE;
          return;
        }
    }
}

static void
test_snapshot_streams_while_pushes_go_on (void)
{
  FlApiFixture f = { 0 };
  g_auto(FlApiDevice) a = { 0 };
  g_auto(FlApiDevice) reader = { 0 };
  fl_api_setup (&f, NULL);
  fl_api_login (&f, "super", &a);  /* edits orders nobody is assigned to yet */
  fl_api_login (&f, "eng_a2", &reader);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  put_orders (&f, ids, N_ORDERS);

  SoupMessage *msg = NULL;
  g_autoptr(GDataInputStream) in = open_snapshot (&f, &reader, &msg);
  Snapshot s = { .rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  read_snapshot (in, &s, 100);
  g_assert_nonnull (s.cursor);
  g_assert_false (s.complete);

  /* While the client has read only the start: edits and new orders. */
  g_autoptr(SoupSession) other = soup_session_new ();
  SoupSession *reading = f.session;
  f.session = other;
  for (guint i = 0; i < 20; i++)
    {
      g_autoptr(GPtrArray) mutations = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
      guint pick = (i * 149) % N_ORDERS;
      g_ptr_array_add (mutations, fl_api_mutation (&a, "work_order", ids->pdata[pick], FL_MUTATION_UPDATE,
                                                   "{\"description\": {\"from\": null, \"to\": \"seen\"}}"));
      g_autoptr(FlPushResponse) r = fl_api_push_ok (&f, &a, mutations);
      g_assert_cmpint (fl_api_result (r, 0)->status, ==, FL_RESULT_APPLIED);
    }
  for (guint i = 0; i < 5; i++)
    g_free (fl_api_new_work_order (&f, &a, f.site_a, "assigned", "eng_a"));

  read_snapshot (in, &s, 0);
  g_assert_true (s.complete);
  f.session = reading;
  g_clear_object (&in);
  g_object_unref (msg);
  /* The snapshot is the state at its cursor: the edits are not in it. */
  guint changed = 0;
  GHashTableIter iter;
  gpointer key, value;
  g_hash_table_iter_init (&iter, s.rows);
  while (g_hash_table_iter_next (&iter, &key, &value))
    if (g_str_has_prefix (key, "work_order/") && GPOINTER_TO_INT (value) > 1)
      changed++;
  g_assert_cmpuint (changed, ==, 0);

  /* A pull from its cursor brings exactly the 25 changes. */
  g_autofree char *escaped = g_uri_escape_string (s.cursor, NULL, FALSE);
  g_autofree char *path = g_strdup_printf (P "/sync/pull?cursor=%s", escaped);
  g_autoptr(FlReply) reply = fl_api_call (&f, "GET", path, reader.token, NULL);
  g_assert_cmpuint (reply->status, ==, 200);
  g_autoptr(FlPullResponse) page = fl_pull_response_from_json (reply->json, NULL);
  g_assert_nonnull (page);
  g_assert_cmpuint (page->changes->len, ==, 25);
  for (guint i = 0; i < page->changes->len; i++)
    {
      FlChange *change = page->changes->pdata[i];
      g_autofree char *k = g_strdup_printf ("%s/%s", change->table, change->id);
      gint64 version = fl_record_get_int (change->row, "version", 0);
      if (g_hash_table_contains (s.rows, k))
        g_assert_cmpint (version, ==, GPOINTER_TO_INT (g_hash_table_lookup (s.rows, k)) + 1);
      else
        g_assert_cmpint (version, ==, 1);
    }
  g_hash_table_unref (s.rows);
  g_free (s.cursor);
  fl_api_teardown (&f);
}

static gpointer
stop_server (gpointer data)
{
  fl_server_stop (data);
  return NULL;
}

/* A client of its own thread, so its session runs apart from the stream's.
 * Returns the status, or 0 when the server closed the connection without
 * an answer (a stopping server may close one it accepted just before it
 * stopped listening): either way the request was not served. */
static gpointer
ask_health (gpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(SoupSession) session = soup_session_new ();
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", data);
  g_autoptr(GBytes) answer = soup_session_send_and_read (session, msg, NULL, &error);
  if (error != NULL)
    {
      g_assert_true (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED) ||
                     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED) ||
                     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE) ||
                     g_error_matches (error, G_IO_ERROR, G_IO_ERROR_PARTIAL_INPUT));
      return GUINT_TO_POINTER (0);
    }
  return GUINT_TO_POINTER (soup_message_get_status (msg));
}

/* A stop lets the stream that runs finish, refuses new work meanwhile. */
static void
test_graceful_stop_finishes_streams (void)
{
  FlApiFixture f = { 0 };
  g_auto(FlApiDevice) reader = { 0 };
  fl_api_setup (&f, NULL);
  fl_api_login (&f, "eng_a2", &reader);
  g_autoptr(GPtrArray) ids = g_ptr_array_new_with_free_func (g_free);
  put_orders (&f, ids, N_ORDERS_LARGE);

  SoupMessage *msg = NULL;
  g_autoptr(GDataInputStream) in = open_snapshot (&f, &reader, &msg);
  Snapshot s = { .rows = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  read_snapshot (in, &s, 10);

  FlServer *server = g_steal_pointer (&f.server);
  GThread *stopper = g_thread_new ("stopper", stop_server, server);

  /* New requests while stopping: 503, or closed unanswered.  The stop
   * begins on the server's own thread, so ask until it has begun; the
   * stream held open keeps the server from finishing meanwhile. */
  g_autofree char *uri = g_strconcat (fl_server_get_base_uri (server), P "/health", NULL);
  guint status = 200;
  for (guint tries = 0; status == 200 && tries < 500; tries++)
    {
      GThread *asker = g_thread_new ("asker", ask_health, uri);
      status = GPOINTER_TO_UINT (g_thread_join (asker));
      if (status == 200)
        g_usleep (10 * 1000);
    }
  g_assert_true (status == 503 || status == 0);

  read_snapshot (in, &s, 0);
  g_assert_true (s.complete);
  g_assert_cmpuint (g_hash_table_size (s.rows), >=, N_ORDERS_LARGE);
  g_thread_join (stopper);
  g_clear_object (&in);
  g_object_unref (msg);
  g_hash_table_unref (s.rows);
  g_free (s.cursor);
  fl_api_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stream/snapshot-while-pushes-go-on", test_snapshot_streams_while_pushes_go_on);
  g_test_add_func ("/stream/graceful-stop-finishes-streams", test_graceful_stop_finishes_streams);
  return g_test_run ();
}
