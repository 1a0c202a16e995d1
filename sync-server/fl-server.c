#include <inttypes.h>
#include "fl-server.h"

#include <glib/gi18n-lib.h>
#include <glib-unix.h>
#include <errno.h>
#include <libsoup/soup.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>
#include <zlib.h>

#include "fl-accounts.h"
#include "fl-blobs.h"
#include "fl-connection-guard.h"
#include "fl-metrics.h"
#include "fl-request-language.h"
#include "fl-retry-pacer.h"
#include "fl-sign-in-gate.h"
#include "fl-sla-sweep.h"
#include "fl-workflow.h"
#include "fl-protocol.h"
#include "fl-pull.h"
#include "fl-push.h"
#include "fl-replica-files.h"
#include "fl-record.h"
#include "fl-store.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-server-error-quark, fl_server_error)

/* Threads per kind of work, each with a store connection of its own. */
#define READ_WORKERS      4   /* pulls, blobs, health, metrics */
#define PUSH_GROUP_MAX    16  /* pushes sharing one commit, at most */
#define SNAPSHOT_WORKERS  4   /* snapshots streaming at once; as many more wait their turn */
#define SNAPSHOT_GUESS_US G_USEC_PER_SEC  /* a snapshot's run time until one has been seen */
#define SNAPSHOT_LONGEST_WAIT 60        /* seconds of Retry-After at most */
#define SIGN_IN_WORKERS   1   /* argon2id takes 64 MiB and most of a core per check: one at a time */
#define SIGN_IN_QUEUE     64  /* sign-ins waiting or being checked, at most ... */
#define SIGN_IN_PER_PEER  2   /* ... of them from one address: a crowd from one address waits alone */
#define SPRAY_LOGINS      10  /* logins one wrong password may fail against within login_window */
#define STREAM_HIGH_WATER (1024 * 1024)  /* bytes of a snapshot buffered ahead of the client */
/* libsoup 3.2 has no name for it */
#define STATUS_TOO_MANY_REQUESTS 429
#define LISTEN_BACKLOG    256
#define DRAIN_SECONDS     10  /* how long a stop waits for requests in flight */
#define LOGIN_MAX_BODY    (16 * 1024)  /* a login is a few short strings */
#define SPARE_DESCRIPTORS 64  /* kept for the database, blobs and logs */
#define BACKGROUND_NICENESS     10  /* of the threads no request waits for */
#define REPLICA_REFRESH_SECONDS 30  /* how often kept replica files catch up with the change log */
#define REPLICA_KEEP_HOURS      24  /* a scope's file is kept this long after its last first sync */
#define REPLICA_CHUNK     (1024 * 1024)  /* bytes of a replica file per streamed chunk */

/* ---- options ---- */

void
fl_server_options_init (FlServerOptions *o)
{
  memset (o, 0, sizeof *o);
  o->listen = g_strdup ("127.0.0.1:8470");
  o->max_body = 1024 * 1024;
  o->max_mutations = FL_PROTOCOL_MAX_MUTATIONS;
  o->max_pull = FL_PROTOCOL_MAX_PULL;
  o->max_blob_size = 25 * 1024 * 1024;
  o->token_lifetime = 30 * 24 * 3600;
  o->login_attempts = 5;
  o->login_window = 300;
  o->max_clock_skew = 600;
  o->max_offline_days = 30;
  o->snapshot_batch = 64 * 1024;
  o->audit_retention_days = FL_STORE_AUDIT_RETENTION_DAYS;
  o->sla_sweep_seconds = 60;
  o->idle_timeout = 30;
  o->max_connections = 2048;
  o->max_connections_per_address = 256;
  o->snapshot_streams_per_user = 2;
}

void
fl_server_options_clear (FlServerOptions *o)
{
  g_clear_pointer (&o->store, g_free);
  g_clear_pointer (&o->listen, g_free);
  g_clear_pointer (&o->tls_cert_file, g_free);
  g_clear_pointer (&o->tls_key_file, g_free);
  g_clear_pointer (&o->blob_dir, g_free);
  g_clear_pointer (&o->replica_dir, g_free);
  g_clear_pointer (&o->trusted_proxies, g_strfreev);
}

static void
options_copy (FlServerOptions *to, const FlServerOptions *from)
{
  *to = *from;
  to->store = g_strdup (from->store);
  to->listen = g_strdup (from->listen);
  to->tls_cert_file = g_strdup (from->tls_cert_file);
  to->tls_key_file = g_strdup (from->tls_key_file);
  to->blob_dir = g_strdup (from->blob_dir);
  to->replica_dir = g_strdup (from->replica_dir);
  to->trusted_proxies = g_strdupv (from->trusted_proxies);
}

static gboolean
read_number (GKeyFile *file, const char *key, guint64 min, guint64 max, guint64 *out, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (!g_key_file_has_key (file, "server", key, NULL))
    return TRUE;
  guint64 v = g_key_file_get_uint64 (file, "server", key, &local_error);
  if (local_error != NULL || v < min || v > max)
    {
      g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_CONFIG,
                   _("[server] %s: a whole number from %" PRIu64 " to %" PRIu64 " is needed"),
                   key, min, max);
      return FALSE;
    }
  *out = v;
  return TRUE;
}

static void
read_text (GKeyFile *file, const char *key, char **out)
{
  g_autofree char *v = g_key_file_get_string (file, "server", key, NULL);
  if (v != NULL)
    {
      g_free (*out);
      *out = g_steal_pointer (&v);
    }
}

/* trusted_proxies: addresses separated by commas, semicolons or spaces,
 * each kept as GInetAddress writes it (so that it compares with a peer's). */
static gboolean
read_addresses (GKeyFile *file, const char *key, char ***out, GError **error)
{
  g_autofree char *text = g_key_file_get_string (file, "server", key, NULL);
  if (text == NULL)
    return TRUE;
  g_auto(GStrv) words = g_strsplit_set (text, ",; \t", -1);
  g_autoptr(GPtrArray) addresses = g_ptr_array_new_with_free_func (g_free);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (words[i][0] == '\0')
        continue;
      g_autoptr(GInetAddress) address = g_inet_address_new_from_string (words[i]);
      if (address == NULL)
        {
          g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_CONFIG,
                       _("%s: “%s” is not an IP address"), key, words[i]);
          return FALSE;
        }
      g_ptr_array_add (addresses, g_inet_address_to_string (address));
    }
  g_ptr_array_add (addresses, NULL);
  g_strfreev (*out);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&addresses), FALSE);
  return TRUE;
}

gboolean
fl_server_options_load (FlServerOptions *o, const char *path, GError **error)
{
  g_autoptr(GKeyFile) file = g_key_file_new ();
  if (!g_key_file_load_from_file (file, path, G_KEY_FILE_NONE, error))
    return FALSE;
  read_text (file, "store", &o->store);
  read_text (file, "listen", &o->listen);
  read_text (file, "tls_cert", &o->tls_cert_file);
  read_text (file, "tls_key", &o->tls_key_file);
  read_text (file, "blob_dir", &o->blob_dir);
  read_text (file, "replica_dir", &o->replica_dir);
  if (!read_addresses (file, "trusted_proxies", &o->trusted_proxies, error))
    return FALSE;
  guint64 max_body = o->max_body, max_mutations = o->max_mutations, max_pull = o->max_pull;
  guint64 max_blob = o->max_blob_size, lifetime = (guint64) o->token_lifetime;
  guint64 attempts = o->login_attempts, window = o->login_window, offline = o->max_offline_days;
  guint64 retention = o->audit_retention_days, sweep = o->sla_sweep_seconds;
  guint64 idle = o->idle_timeout, connections = o->max_connections;
  guint64 per_address = o->max_connections_per_address, streams = o->snapshot_streams_per_user;
  if (!read_number (file, "max_body", 1024, G_MAXUINT32, &max_body, error) ||
      !read_number (file, "max_mutations", 1, FL_PROTOCOL_MAX_MUTATIONS, &max_mutations, error) ||
      !read_number (file, "max_pull", 1, FL_PROTOCOL_MAX_PULL, &max_pull, error) ||
      !read_number (file, "max_blob_size", 1, G_MAXUINT32, &max_blob, error) ||
      !read_number (file, "token_lifetime", 60, 10 * 365 * 24 * 3600, &lifetime, error) ||
      !read_number (file, "login_attempts", 1, 1000, &attempts, error) ||
      !read_number (file, "login_window", 1, 24 * 3600, &window, error) ||
      !read_number (file, "max_offline_days", 1, 3650, &offline, error) ||
      !read_number (file, "audit_retention_days", 0, 100 * 365, &retention, error) ||
      !read_number (file, "sla_sweep_seconds", 0, 24 * 3600, &sweep, error) ||
      !read_number (file, "idle_timeout", 1, 3600, &idle, error) ||
      !read_number (file, "max_connections", 16, 1000000, &connections, error) ||
      !read_number (file, "max_connections_per_address", 1, 1000000, &per_address, error) ||
      !read_number (file, "snapshot_streams_per_user", 1, SNAPSHOT_WORKERS, &streams, error))
    return FALSE;
  o->max_body = max_body;
  o->max_mutations = max_mutations;
  o->max_pull = max_pull;
  o->max_blob_size = max_blob;
  o->token_lifetime = (gint64) lifetime;
  o->login_attempts = attempts;
  o->login_window = window;
  o->max_offline_days = offline;
  o->audit_retention_days = retention;
  o->sla_sweep_seconds = sweep;
  o->idle_timeout = idle;
  o->max_connections = connections;
  o->max_connections_per_address = per_address;
  o->snapshot_streams_per_user = streams;
  return TRUE;
}

/* ---- the server ---- */

/* Where a route's work runs.  Pushes and sign-outs share one writer thread:
 * SQLite has one writer, so they queue here instead of spinning on the
 * database lock.  Sign-ins check the password first (slow on purpose) and
 * write only briefly. */
typedef enum {
  IN_WRITER,
  IN_READER,
  IN_SNAPSHOT,
  IN_SIGN_IN,
  N_RUN_IN
} RunIn;

static const guint workers_per_kind[N_RUN_IN] = { 1, READ_WORKERS, SNAPSHOT_WORKERS, SIGN_IN_WORKERS };

typedef struct {
  GThreadPool *pool;
  GAsyncQueue *stores;  /* one connection per thread, taken for a job and given back */
} Workers;

struct _FlServer
{
  FlServerOptions  options;
  GMainContext    *context;
  GMainLoop       *loop;
  GThread         *thread;          /* in-process servers only */
  SoupServer      *soup;
  FlStore         *store;           /* the first connection, the writer's */
  Workers          workers[N_RUN_IN];
  /* Pushes wait here for the writer, which takes all that wait (up to
   * PUSH_GROUP_MAX) into one transaction; the writer's pool gets
   * `push_marker` once per push, to come and take them. */
  GAsyncQueue     *pushes;
  struct _Job     *push_marker;
  FlBlobs         *blobs;
  FlMetrics       *metrics;
  FlConnectionGuard *guard;
  GMutex           streams_lock;
  GHashTable      *streams;         /* login -> snapshot streams running */
  FlSignInGate    *sign_in_gate;
  FlRetryPacer    *snapshot_pacer;   /* the Retry-After of a snapshot turned away */
  guint16          port;
  char            *base_uri;
  gboolean         stopping;
  gint             closing;         /* atomic: the loop is over, streams must end now */
  guint            drain_source;
  GThread         *maintenance;
  FlStore         *maintenance_store;
  FlReplicaFiles  *replica_files;
  GThread         *replica_refresher;
  FlStore         *replica_store;
  gint64           drain_deadline;
  /* start-up hand-shake of fl_server_start() */
  GMutex           lock;
  GCond            cond;
  gboolean         ready;
  GError          *start_error;
};

typedef struct _Job Job;
typedef void (*JobFunc) (Job *job, FlStore *store);

/* How large a route's request body may be. */
typedef enum {
  BODY_NONE,     /* no body at all */
  BODY_LOGIN,    /* LOGIN_MAX_BODY */
  BODY_REQUEST,  /* max_body */
  BODY_BLOB,     /* max_blob_size, for PUT; none for GET */
} BodyLimit;

typedef struct {
  const char *path;
  const char *methods;   /* space-separated */
  gboolean    auth;      /* needs a bearer token */
  gboolean    json_body; /* a JSON request body (415 otherwise) */
  gboolean    subpath;   /* takes one more path segment (the blob's hash) */
  BodyLimit   body;
  RunIn       run_in;
  JobFunc     run;
} Route;

/* The signed-in user of a request, known before its body is read. */
typedef struct {
  JsonObject    *user;
  FlStoreDevice *device;
} Admission;

static void
admission_free (Admission *admission)
{
  g_clear_pointer (&admission->user, json_object_unref);
  g_clear_pointer (&admission->device, fl_store_device_free);
  g_free (admission);
}

struct _Job
{
  FlServer          *server;
  const Route       *route;
  SoupServerMessage *msg;
  gint               finished;     /* atomic: the client went away, or a stream answered */
  char              *method;
  char              *argument;     /* the path segment after the route */
  GHashTable        *query;
  GBytes            *body;
  char              *token;
  char              *peer;
  /* the signed-in user, after authenticate() */
  JsonObject        *user;
  FlStoreDevice     *device;
  GStrv              sites;
  /* the answer */
  guint              status;
  char              *content_type;
  GBytes            *answer;
  char              *retry_after;
  locale_t           language;     /* the answer's (fl_request_language_pick), or 0 */
  /* an admission checks only the token, before the body is read */
  gboolean           admission;
  GError            *auth_error;
};

static void
job_free (Job *job)
{
  if (job->msg != NULL)
    g_signal_handlers_disconnect_by_data (job->msg, job);
  g_clear_object (&job->msg);
  g_free (job->method);
  g_free (job->argument);
  g_clear_pointer (&job->query, g_hash_table_unref);
  g_clear_pointer (&job->body, g_bytes_unref);
  g_free (job->token);
  g_free (job->peer);
  g_clear_pointer (&job->user, json_object_unref);
  g_clear_pointer (&job->device, fl_store_device_free);
  g_strfreev (job->sites);
  g_free (job->content_type);
  g_clear_pointer (&job->answer, g_bytes_unref);
  g_free (job->retry_after);
  g_clear_error (&job->auth_error);
  g_free (job);
}

/* Runs `func` in the server's thread.  Never inline, as
 * g_main_context_invoke() would when that thread is not in its loop (at
 * a stop): callers hold locks the function takes. */
static void
run_in_server (FlServer *server, GSourceFunc func, gpointer data, GDestroyNotify destroy)
{
  GSource *source = g_idle_source_new ();
  g_source_set_priority (source, G_PRIORITY_DEFAULT);
  g_source_set_callback (source, func, data, destroy);
  g_source_attach (source, server->context);
  g_source_unref (source);
}

static void
job_reply_json (Job *job, guint status, JsonNode *node)
{
  gsize length = 0;
  char *text = fl_protocol_to_string (node, &length);
  job->status = status;
  g_free (job->content_type);
  job->content_type = g_strdup ("application/json");
  g_clear_pointer (&job->answer, g_bytes_unref);
  job->answer = g_bytes_new_take (text, length);
}

static void
job_reply_error (Job *job, guint status, const char *field, const char *message)
{
  g_autoptr(JsonNode) node = fl_error_body_to_json (fl_protocol_code_for_status (status), message, field);
  job_reply_json (job, status, node);
}

/* The details stay in the server's log: a database's own words mean
 * nothing to a client, and may say more than it should know. */
static void
job_reply_internal (Job *job, const GError *error)
{
  g_warning ("%s %s: %s", job->method, job->route != NULL ? job->route->path : "?", error->message);
  job_reply_error (job, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL,
                   _("The server could not complete this request; try again later, "
                     "and if it keeps failing tell its administrator (the server's log says why)"));
}

/* Sets the answer on the message and lets libsoup send it. */
static void
job_respond (Job *job)
{
  SoupServerMessage *msg = job->msg;
  soup_server_message_set_status (msg, job->status, NULL);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  if (job->retry_after != NULL)
    soup_message_headers_replace (headers, "Retry-After", job->retry_after);
  if (job->status == SOUP_STATUS_UNAUTHORIZED)
    soup_message_headers_replace (headers, "WWW-Authenticate", "Bearer realm=\"fieldline\"");
  if (job->answer != NULL)
    {
      soup_message_headers_set_content_type (headers, job->content_type, NULL);
      soup_message_body_append_bytes (soup_server_message_get_response_body (msg), job->answer);
    }
}

static gboolean
job_finish_in_main (gpointer data)
{
  Job *job = data;
  if (!g_atomic_int_get (&job->finished))
    {
      job_respond (job);
      fl_connection_guard_set_working (job->server->guard, job->msg, FALSE);
      soup_server_message_unpause (job->msg);
    }
  job_free (job);
  return G_SOURCE_REMOVE;
}

static void
job_on_finished (SoupServerMessage *msg, Job *job)
{
  g_atomic_int_set (&job->finished, TRUE);
  g_object_set_data (G_OBJECT (msg), "fl-finished", GINT_TO_POINTER (TRUE));
}

/* ---- request helpers (worker threads) ---- */

static gboolean
authenticate (Job *job, FlStore *store)
{
  /* An admitted request was signed in before its body was read. */
  if (job->user == NULL &&
      !fl_accounts_authenticate (store, job->token, &job->user, &job->device, &job->auth_error))
    {
      if (job->auth_error->domain == FL_ACCOUNTS_ERROR)
        job_reply_error (job, SOUP_STATUS_UNAUTHORIZED, NULL, job->auth_error->message);
      else
        job_reply_internal (job, job->auth_error);
      return FALSE;
    }
  job->sites = fl_accounts_user_sites (job->user);
  return TRUE;
}

/* Gunzips `data` into at most `limit` bytes: NULL with *too_large set when
 * the result would be bigger, NULL alone when it is not gzip data. */
static GBytes *
gunzip (GBytes *data, gsize limit, gboolean *too_large)
{
  z_stream z = { 0 };
  gsize size = 0;
  *too_large = FALSE;
  if (inflateInit2 (&z, 16 + MAX_WBITS) != Z_OK)
    return NULL;
  g_autoptr(GByteArray) out = g_byte_array_sized_new (MIN (limit + 1, 64 * 1024));
  z.next_in = (Bytef *) g_bytes_get_data (data, &size);
  z.avail_in = (uInt) size;
  int rc = Z_OK;
  while (rc == Z_OK)
    {
      if (out->len > limit)
        break;
      guint8 buffer[16 * 1024];
      z.next_out = buffer;
      z.avail_out = sizeof buffer;
      rc = inflate (&z, Z_NO_FLUSH);
      if (rc != Z_OK && rc != Z_STREAM_END)
        break;
      g_byte_array_append (out, buffer, sizeof buffer - z.avail_out);
      if (rc == Z_OK && z.avail_in == 0 && z.avail_out != 0)
        break;  /* truncated input */
    }
  inflateEnd (&z);
  if (out->len > limit)
    {
      *too_large = TRUE;
      return NULL;
    }
  if (rc != Z_STREAM_END)
    return NULL;
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static void
reply_protocol_error (Job *job, const GError *error, const char *field)
{
  guint status = g_error_matches (error, FL_PROTOCOL_ERROR, FL_PROTOCOL_ERROR_TOO_LARGE)
                   ? SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE : SOUP_STATUS_BAD_REQUEST;
  job_reply_error (job, status, field, error->message);
}

/* The request body as JSON, or an answer (400, 413, 415) set on the job. */
static JsonNode *
read_json_body (Job *job)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (job->msg);
  const char *encoding = soup_message_headers_get_one (headers, "Content-Encoding");
  g_autoptr(GBytes) body = g_bytes_ref (job->body);
  if (encoding != NULL && g_ascii_strcasecmp (encoding, "identity") != 0)
    {
      if (g_ascii_strcasecmp (encoding, "gzip") != 0)
        {
          job_reply_error (job, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, NULL,
                           _("Only gzip is accepted as a Content-Encoding"));
          return NULL;
        }
      gboolean too_large;
      g_autoptr(GBytes) plain = gunzip (body, job->server->options.max_body, &too_large);
      if (plain == NULL)
        {
          if (too_large)
            job_reply_error (job, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL,
                             _("The request is larger than the server accepts once uncompressed"));
          else
            job_reply_error (job, SOUP_STATUS_BAD_REQUEST, NULL, _("The body is not valid gzip data"));
          return NULL;
        }
      g_bytes_unref (body);
      body = g_steal_pointer (&plain);
    }
  if (g_bytes_get_size (body) > job->server->options.max_body)
    {
      job_reply_error (job, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL,
                       _("The request is larger than the server accepts"));
      return NULL;
    }
  gsize size;
  const char *data = g_bytes_get_data (body, &size);
  g_autoptr(GError) error = NULL;
  JsonNode *node = fl_protocol_parse (data != NULL ? data : "", size, &error);
  if (node == NULL)
    reply_protocol_error (job, error, NULL);
  return node;
}

/* Who pulls, for fl-pull. */
static void
job_reader (Job *job, FlPullReader *reader)
{
  FlRole role = FL_ROLE_ENGINEER;
  fl_role_from_string (fl_record_get_string (job->user, "role"), &role);
  *reader = (FlPullReader) {
    .sites = (const char * const *) job->sites,
    .login = fl_record_get_string (job->user, "login"),
    .all_conflicts = role == FL_ROLE_SUPERVISOR || role == FL_ROLE_ADMIN,
  };
}

/* ---- routes ---- */

static void
sign_in (Job *job, FlStore *store)
{
  g_autoptr(JsonNode) node = read_json_body (job);
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;
  if (node == NULL)
    return;
  g_autoptr(FlLoginRequest) request = fl_login_request_from_json (node, &bad_field, &error);
  if (request == NULL)
    {
      reply_protocol_error (job, error, bad_field);
      return;
    }
  /* One password failing for many logins is being sprayed: refused
   * before hashing, for any login. */
  FlSignInGate *gate = job->server->sign_in_gate;
  if (!fl_sign_in_gate_password_allowed (gate, request->password))
    {
      job->retry_after = g_strdup_printf ("%u", job->server->options.login_window);
      job_reply_error (job, STATUS_TOO_MANY_REQUESTS, NULL,
                       _("This password failed for too many logins; try again later"));
      return;
    }
  FlAccountsPolicy policy = {
    .token_lifetime = job->server->options.token_lifetime,
    .max_failures = job->server->options.login_attempts,
    .window = job->server->options.login_window,
  };
  g_autoptr(FlLoginResult) result = fl_accounts_login (store, request->login, request->password,
                                                       request->device_name, request->device_id,
                                                       job->peer, &policy, &error);
  if (result == NULL)
    {
      if (g_error_matches (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_RATE_LIMITED))
        {
          job->retry_after = g_strdup_printf ("%u", job->server->options.login_window);
          job_reply_error (job, STATUS_TOO_MANY_REQUESTS, NULL, error->message);
        }
      else if (g_error_matches (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS))
        {
          fl_sign_in_gate_note_failure (gate, request->login, request->password);
          job_reply_error (job, SOUP_STATUS_UNAUTHORIZED, NULL, error->message);
        }
      else if (error->domain == FL_ACCOUNTS_ERROR)
        job_reply_error (job, SOUP_STATUS_BAD_REQUEST, NULL, error->message);
      else
        job_reply_internal (job, error);
      return;
    }
  FlLoginResponse response = {
    .token = result->token,
    .expires_at = result->expires_at,
    .device_id = result->device->id,
    .device_code = result->device->code,
    .user = result->user,
  };
  g_autoptr(JsonNode) answer = fl_login_response_to_json (&response);
  job_reply_json (job, SOUP_STATUS_OK, answer);
}

/* Gives the place in the sign-in queue back however the sign-in ended. */
static void
run_login (Job *job, FlStore *store)
{
  sign_in (job, store);
  fl_sign_in_gate_leave (job->server->sign_in_gate, job->peer);
}

static void
run_logout (Job *job, FlStore *store)
{
  g_autoptr(GError) error = NULL;
  if (!fl_accounts_logout (store, job->token, &error))
    {
      job_reply_internal (job, error);
      return;
    }
  job->status = SOUP_STATUS_NO_CONTENT;
}

static void
run_push (Job *job, FlStore *store)
{
  g_autoptr(JsonNode) node = read_json_body (job);
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;
  if (node == NULL)
    return;
  g_autoptr(FlPushRequest) request = fl_push_request_from_json (node, job->server->options.max_mutations,
                                                                &bad_field, &error);
  if (request == NULL)
    {
      reply_protocol_error (job, error, bad_field);
      return;
    }
  if (g_strcmp0 (request->device_id, job->device->id) != 0)
    {
      job_reply_error (job, SOUP_STATUS_FORBIDDEN, "device_id",
                       _("This token belongs to another device; sign in again on this one"));
      return;
    }
  FlPushActor actor = {
    .user_id = fl_record_get_string (job->user, "id"),
    .login = fl_record_get_string (job->user, "login"),
    .role = fl_record_get_string (job->user, "role"),
    .sites = (const char * const *) job->sites,
    .device_id = job->device->id,
  };
  FlPushLimits limits = {
    .max_clock_skew = job->server->options.max_clock_skew * G_USEC_PER_SEC,
    .max_offline = (gint64) job->server->options.max_offline_days * 24 * 3600 * G_USEC_PER_SEC,
  };
  g_autoptr(FlPushResponse) response = fl_push_apply (store, &actor, request, &limits, &bad_field, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, FL_PUSH_ERROR, FL_PUSH_ERROR_FORBIDDEN))
        job_reply_error (job, SOUP_STATUS_FORBIDDEN, bad_field, error->message);
      else
        job_reply_internal (job, error);
      return;
    }
  for (guint i = 0; i < response->results->len; i++)
    {
      FlMutationResult *result = response->results->pdata[i];
      fl_metrics_count_mutation (job->server->metrics, fl_result_status_to_string (result->status), 1);
    }
  g_autoptr(JsonNode) answer = fl_push_response_to_json (response);
  job_reply_json (job, SOUP_STATUS_OK, answer);
}

static void
run_pull (Job *job, FlStore *store)
{
  const char *cursor = job->query != NULL ? g_hash_table_lookup (job->query, "cursor") : NULL;
  const char *limit_text = job->query != NULL ? g_hash_table_lookup (job->query, "limit") : NULL;
  guint limit = job->server->options.max_pull;
  if (cursor == NULL || *cursor == '\0')
    {
      job_reply_error (job, SOUP_STATUS_BAD_REQUEST, "cursor",
                       _("cursor: the cursor of the last snapshot or pull is required"));
      return;
    }
  if (limit_text != NULL)
    {
      guint64 v = 0;
      if (!g_ascii_string_to_unsigned (limit_text, 10, 1, job->server->options.max_pull, &v, NULL))
        {
          g_autofree char *message = g_strdup_printf (_("limit: a number from 1 to %u"),
                                                      job->server->options.max_pull);
          job_reply_error (job, SOUP_STATUS_BAD_REQUEST, "limit", message);
          return;
        }
      limit = (guint) v;
    }
  g_autoptr(GError) error = NULL;
  FlPullReader reader;
  job_reader (job, &reader);
  g_autoptr(FlPullResponse) response = fl_pull_page (store, &reader, cursor, limit, &error);
  if (response == NULL)
    {
      if (g_error_matches (error, FL_PULL_ERROR, FL_PULL_ERROR_GONE))
        job_reply_error (job, SOUP_STATUS_GONE, "cursor", error->message);
      else if (g_error_matches (error, FL_PULL_ERROR, FL_PULL_ERROR_BAD_CURSOR))
        job_reply_error (job, SOUP_STATUS_BAD_REQUEST, "cursor", error->message);
      else
        job_reply_internal (job, error);
      return;
    }
  g_autoptr(JsonNode) answer = fl_pull_response_to_json (response);
  job_reply_json (job, SOUP_STATUS_OK, answer);
}

static void
run_blob (Job *job, FlStore *store)
{
  g_autoptr(GError) error = NULL;
  if (!fl_blobs_name_is_valid (job->argument))
    {
      job_reply_error (job, SOUP_STATUS_NOT_FOUND, NULL,
                       _("A blob is named by the SHA-256 of its bytes: 64 lowercase hex digits"));
      return;
    }
  /* In the folder the server was given, or in the store through this
   * worker's connection. */
  g_autoptr(FlBlobs) in_store = job->server->blobs == NULL
    ? fl_blobs_new_in_store (store, job->server->options.max_blob_size) : NULL;
  FlBlobs *blobs = in_store != NULL ? in_store : job->server->blobs;
  if (strcmp (job->method, "PUT") == 0)
    {
      if (fl_blobs_put (blobs, job->argument, job->body, &error))
        {
          job->status = SOUP_STATUS_CREATED;
          return;
        }
      if (g_error_matches (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_TOO_LARGE))
        job_reply_error (job, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL, error->message);
      else if (g_error_matches (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_HASH_MISMATCH))
        job_reply_error (job, SOUP_STATUS_BAD_REQUEST, "sha256", error->message);
      else
        job_reply_internal (job, error);
      return;
    }
  g_autoptr(GBytes) bytes = fl_blobs_get (blobs, job->argument, &error);
  if (bytes == NULL)
    {
      if (g_error_matches (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_NOT_FOUND))
        job_reply_error (job, SOUP_STATUS_NOT_FOUND, NULL, error->message);
      else
        job_reply_internal (job, error);
      return;
    }
  job->status = SOUP_STATUS_OK;
  job->content_type = g_strdup ("application/octet-stream");
  job->answer = g_steal_pointer (&bytes);
}

static void
run_health (Job *job, FlStore *store)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) o = json_object_new ();
  gboolean ok = fl_store_check (store, &error);
  json_object_set_string_member (o, "status", ok ? "ok" : "failing");
  json_object_set_string_member (o, "version", FL_VERSION);
  if (!ok)
    json_object_set_string_member (o, "error", error->message);
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), o);
  job_reply_json (job, ok ? SOUP_STATUS_OK : SOUP_STATUS_SERVICE_UNAVAILABLE, node);
}

static void
run_metrics (Job *job, FlStore *store)
{
  char *text = fl_metrics_render (job->server->metrics);
  /* The gauge reads the store of this worker thread. */
  g_autoptr(GError) error = NULL;
  gint64 negative = fl_store_count_negative_balances (store, &error);
  g_autofree char *all = g_strdup_printf (
      "%s# HELP fieldline_stock_negative_balances (location, part) balances below zero, flagged for the clerk.\n"
      "# TYPE fieldline_stock_negative_balances gauge\n"
      "fieldline_stock_negative_balances %" PRId64 "\n",
      text, MAX (negative, 0));
  g_free (text);
  job->status = SOUP_STATUS_OK;
  job->content_type = g_strdup ("text/plain; version=0.0.4");
  gsize length = strlen (all);
  job->answer = g_bytes_new_take (g_steal_pointer (&all), length);
}

static void run_snapshot (Job *job, FlStore *store);
static void run_replica (Job *job, FlStore *store);

static const Route routes[] = {
  { FL_PROTOCOL_PREFIX "/auth/login", "POST", FALSE, TRUE, FALSE, BODY_LOGIN, IN_SIGN_IN, run_login },
  { FL_PROTOCOL_PREFIX "/auth/logout", "POST", TRUE, FALSE, FALSE, BODY_LOGIN, IN_WRITER, run_logout },
  { FL_PROTOCOL_PREFIX "/sync/push", "POST", TRUE, TRUE, FALSE, BODY_REQUEST, IN_WRITER, run_push },
  { FL_PROTOCOL_PREFIX "/sync/pull", "GET", TRUE, FALSE, FALSE, BODY_NONE, IN_READER, run_pull },
  { FL_PROTOCOL_PREFIX "/sync/snapshot", "GET", TRUE, FALSE, FALSE, BODY_NONE, IN_SNAPSHOT, run_snapshot },
  { FL_PROTOCOL_PREFIX "/sync/replica", "GET", TRUE, FALSE, FALSE, BODY_NONE, IN_SNAPSHOT, run_replica },
  { FL_PROTOCOL_PREFIX "/sync/blobs", "GET PUT", TRUE, FALSE, TRUE, BODY_BLOB, IN_READER, run_blob },
  { FL_PROTOCOL_PREFIX "/health", "GET", FALSE, FALSE, FALSE, BODY_NONE, IN_READER, run_health },
  { FL_PROTOCOL_PREFIX "/metrics", "GET", FALSE, FALSE, FALSE, BODY_NONE, IN_READER, run_metrics },
};

/* ---- snapshot streaming ----
 * A snapshot thread reads the rows in one read transaction and queues NDJSON
 * batches; the server's thread appends them to the chunked response as the
 * client reads.  The thread waits while more than STREAM_HIGH_WATER bytes
 * are queued or unsent, so memory stays bounded however large the replica. */

typedef struct {
  gatomicrefcount    ref;
  GMutex             lock;
  GCond              cond;
  GQueue             batches;     /* GBytes* waiting for the server's thread */
  gsize              unsent;      /* queued + appended but not yet written */
  gboolean           done;        /* the producer finished (well or not) */
  gboolean           closed;      /* the client went away */
  gboolean           feed_pending;
  gint64             last_write;  /* when the client last took bytes */
  FlServer          *server;
  SoupServerMessage *msg;
  const char        *content_type;
  gint64             content_length;  /* or -1: chunked */
  char              *digest;          /* a replica file's, or NULL */
} Stream;

static Stream *
stream_ref (Stream *s)
{
  g_atomic_ref_count_inc (&s->ref);
  return s;
}

static void
stream_unref (Stream *s)
{
  if (!g_atomic_ref_count_dec (&s->ref))
    return;
  g_queue_clear_full (&s->batches, (GDestroyNotify) g_bytes_unref);
  g_mutex_clear (&s->lock);
  g_cond_clear (&s->cond);
  g_clear_object (&s->msg);
  g_free (s->digest);
  g_free (s);
}

/* Server thread: move queued batches into the response. */
static gboolean
stream_feed (gpointer data)
{
  Stream *s = data;
  g_mutex_lock (&s->lock);
  s->feed_pending = FALSE;
  gboolean closed = s->closed, done = s->done;
  GQueue batches = s->batches;
  g_queue_init (&s->batches);
  g_mutex_unlock (&s->lock);

  if (s->msg == NULL)
    {
      g_queue_clear_full (&batches, (GDestroyNotify) g_bytes_unref);
      return G_SOURCE_REMOVE;
    }
  SoupMessageBody *body = soup_server_message_get_response_body (s->msg);
  GBytes *batch;
  gboolean appended = FALSE;
  while ((batch = g_queue_pop_head (&batches)) != NULL)
    {
      if (!closed)
        soup_message_body_append_bytes (body, batch);
      g_bytes_unref (batch);
      appended = TRUE;
    }
  if (!closed && done)
    soup_message_body_complete (body);
  if (!closed && (appended || done))
    soup_server_message_unpause (s->msg);
  /* The last feed lets go of the message (whose handlers hold the stream);
   * what is left to send now waits on the client alone. */
  if (done)
    {
      if (!closed)
        fl_connection_guard_set_working (s->server->guard, s->msg, FALSE);
      g_clear_object (&s->msg);
    }
  return G_SOURCE_REMOVE;
}

static void
stream_schedule_feed (Stream *s)
{
  /* with s->lock held */
  if (s->feed_pending)
    return;
  s->feed_pending = TRUE;
  run_in_server (s->server, stream_feed, stream_ref (s), (GDestroyNotify) stream_unref);
}

static void
stream_on_wrote_data (SoupServerMessage *msg, guint size, Stream *s)
{
  g_mutex_lock (&s->lock);
  s->unsent -= MIN (s->unsent, size);
  s->last_write = g_get_monotonic_time ();
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
}

static void
stream_on_gone (SoupServerMessage *msg, Stream *s)
{
  g_mutex_lock (&s->lock);
  s->closed = TRUE;
  g_cond_signal (&s->cond);
  g_mutex_unlock (&s->lock);
}

/* Server thread: a client that stopped reading loses its connection. */
static gboolean
stream_cut (gpointer data)
{
  Stream *s = data;
  if (s->msg != NULL)
    fl_connection_guard_close (s->server->guard, s->msg);
  return G_SOURCE_REMOVE;
}

/* Snapshot thread: queue a batch, waiting while the client lags behind,
 * but not for longer than the idle timeout without it taking a byte. */
static gboolean
stream_write (GBytes *lines, gpointer user_data, GError **error)
{
  Stream *s = user_data;
  gint64 stall = (gint64) s->server->options.idle_timeout * G_USEC_PER_SEC;
  g_mutex_lock (&s->lock);
  /* The wait wakes now and then: a server closing down ends every stream. */
  while (s->unsent > STREAM_HIGH_WATER && !s->closed)
    if (!g_cond_wait_until (&s->cond, &s->lock, g_get_monotonic_time () + G_USEC_PER_SEC / 10))
      {
        if (g_atomic_int_get (&s->server->closing))
          s->closed = TRUE;
        else if (g_get_monotonic_time () - s->last_write > stall)
          {
            g_message ("Ending a snapshot stream its client stopped reading");
            s->closed = TRUE;
            run_in_server (s->server, stream_cut, stream_ref (s), (GDestroyNotify) stream_unref);
          }
      }
  if (s->closed)
    {
      g_mutex_unlock (&s->lock);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           _("The client closed the connection"));
      return FALSE;
    }
  g_queue_push_tail (&s->batches, g_bytes_ref (lines));
  s->unsent += g_bytes_get_size (lines);
  stream_schedule_feed (s);
  g_mutex_unlock (&s->lock);
  return TRUE;
}

static gboolean
stream_begin_in_main (gpointer data)
{
  Stream *s = data;
  SoupServerMessage *msg = s->msg;
  /* From here on the stream watches the message itself. */
  g_signal_connect_data (msg, "finished", G_CALLBACK (stream_on_gone), stream_ref (s),
                         (GClosureNotify) (void (*) (void)) stream_unref, 0);
  g_signal_connect_data (msg, "disconnected", G_CALLBACK (stream_on_gone), stream_ref (s),
                         (GClosureNotify) (void (*) (void)) stream_unref, 0);
  if (g_object_get_data (G_OBJECT (msg), "fl-finished") != NULL)
    {
      stream_on_gone (msg, s);  /* the client left while the snapshot started */
      return G_SOURCE_REMOVE;
    }
  soup_server_message_set_status (msg, SOUP_STATUS_OK, NULL);
  SoupMessageHeaders *headers = soup_server_message_get_response_headers (msg);
  soup_message_headers_set_content_type (headers, s->content_type, NULL);
  if (s->digest != NULL)
    soup_message_headers_replace (headers, FL_PROTOCOL_REPLICA_DIGEST_HEADER, s->digest);
  if (s->content_length >= 0)
    soup_message_headers_set_content_length (headers, s->content_length);
  else
    soup_message_headers_set_encoding (headers, SOUP_ENCODING_CHUNKED);
  soup_message_body_set_accumulate (soup_server_message_get_response_body (msg), FALSE);
  g_signal_connect (msg, "wrote-body-data", G_CALLBACK (stream_on_wrote_data), s);
  soup_server_message_unpause (msg);
  return G_SOURCE_REMOVE;
}

/* Takes one of the user's snapshot streams, FALSE when all are taken. */
static gboolean
streams_take (FlServer *server, const char *login)
{
  g_mutex_lock (&server->streams_lock);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (server->streams, login));
  gboolean ok = n < server->options.snapshot_streams_per_user;
  if (ok)
    g_hash_table_insert (server->streams, g_strdup (login), GUINT_TO_POINTER (n + 1));
  g_mutex_unlock (&server->streams_lock);
  return ok;
}

static void
streams_give_back (FlServer *server, const char *login)
{
  g_mutex_lock (&server->streams_lock);
  guint n = GPOINTER_TO_UINT (g_hash_table_lookup (server->streams, login));
  if (n > 1)
    g_hash_table_insert (server->streams, g_strdup (login), GUINT_TO_POINTER (n - 1));
  else
    g_hash_table_remove (server->streams, login);
  g_mutex_unlock (&server->streams_lock);
}

/* Starts the answer that is a stream: NULL when the user's streams are all
 * taken (answered with 429). */
static Stream *
stream_begin (Job *job, const char *content_type, gint64 content_length, const char *digest)
{
  const char *login = fl_record_get_string (job->user, "login");
  /* One user's streams (a stuck client, a script) leave threads for the others. */
  if (!streams_take (job->server, login))
    {
      job->retry_after = g_strdup_printf ("%u", job->server->options.idle_timeout);
      job_reply_error (job, STATUS_TOO_MANY_REQUESTS, NULL,
                       _("Your other snapshots are still streaming; wait for them to finish"));
      return NULL;
    }
  /* authenticate() has run: from here on the answer is the stream. */
  Stream *s = g_new0 (Stream, 1);
  g_atomic_ref_count_init (&s->ref);
  g_mutex_init (&s->lock);
  g_cond_init (&s->cond);
  g_queue_init (&s->batches);
  s->server = job->server;
  s->msg = g_object_ref (job->msg);
  s->last_write = g_get_monotonic_time ();
  s->content_type = content_type;
  s->content_length = content_length;
  s->digest = g_strdup (digest);
  run_in_server (job->server, stream_begin_in_main, stream_ref (s), (GDestroyNotify) stream_unref);
  return s;
}

static void
stream_end (Job *job, Stream *s)
{
  g_mutex_lock (&s->lock);
  s->done = TRUE;
  stream_schedule_feed (s);
  g_mutex_unlock (&s->lock);
  stream_unref (s);
  streams_give_back (job->server, fl_record_get_string (job->user, "login"));
  /* The stream answers; the job has nothing more to send. */
  g_atomic_int_set (&job->finished, TRUE);
}

static void
run_snapshot (Job *job, FlStore *store)
{
  Stream *s = stream_begin (job, FL_PROTOCOL_NDJSON_TYPE, -1, NULL);
  if (s == NULL)
    return;
  g_autoptr(GError) error = NULL;
  FlPullReader reader;
  job_reader (job, &reader);
  if (!fl_pull_snapshot (store, &reader, job->server->options.snapshot_batch, stream_write, s, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    /* Headers are gone already: the stream ends without its end line, which
     * tells the client it is incomplete. */
    g_warning ("Snapshot for %s stopped: %s", fl_record_get_string (job->user, "login"), error->message);
  stream_end (job, s);
}

/* The first sync as a ready replica file, zstd-compressed as it is kept. */
static void
run_replica (Job *job, FlStore *store)
{
  g_autoptr(GError) error = NULL;
  FlPullReader reader;
  job_reader (job, &reader);
  g_autoptr(FlReplicaFileInfo) info = fl_replica_files_get (job->server->replica_files, store, &reader, &error);
  if (info == NULL)
    {
      /* The client falls back to the NDJSON snapshot. */
      job_reply_internal (job, error);
      return;
    }
  g_autofree char *digest = g_strconcat ("sha-256=", info->sha256, NULL);
  Stream *s = stream_begin (job, FL_PROTOCOL_REPLICA_TYPE, info->size, digest);
  if (s == NULL)
    return;
  gboolean ok = TRUE;
  while (ok)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (info->stream, REPLICA_CHUNK, NULL, &error);
      if (chunk == NULL)
        ok = FALSE;
      else if (g_bytes_get_size (chunk) == 0)
        break;
      else
        ok = stream_write (chunk, s, &error);
    }
  if (!ok && !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED))
    /* Cut short of its Content-Length: the client sees it incomplete. */
    g_warning ("Replica file for %s stopped: %s", fl_record_get_string (job->user, "login"), error->message);
  stream_end (job, s);
}

/* ---- dispatch ---- */

static gboolean admission_finish_in_main (gpointer data);

/* Runs the job's route on `store`, in the job's language. */
static void
job_run (Job *job, FlStore *store)
{
  locale_t language = job->language, previous = fl_request_language_begin (language);
  if (!job->route->auth || authenticate (job, store))
    job->route->run (job, store);
  fl_request_language_end (language, previous);
}

static void
job_finish (Job *job)
{
  if (job->status == 0 && !g_atomic_int_get (&job->finished))
    {
      locale_t language = job->language, previous = fl_request_language_begin (language);
      job_reply_error (job, SOUP_STATUS_INTERNAL_SERVER_ERROR, NULL, _("The request was not answered"));
      fl_request_language_end (language, previous);
    }
  run_in_server (job->server, job_finish_in_main, job, NULL);
}

/* Group commit: the pushes waiting for the writer go into one transaction,
 * each in a savepoint of its own, so each stays all-or-nothing (a push
 * refused or failing undoes its own writes alone) while they share one
 * commit — one write lock and one flush to disk for all of them.  Nobody
 * is answered before the commit: when it fails, every push of the group is
 * answered 500 and nothing of any was applied. */
static void
run_push_group (FlServer *server, GAsyncQueue *stores)
{
  Job *jobs[PUSH_GROUP_MAX];
  guint n = 0;
  Job *job;
  while (n < PUSH_GROUP_MAX && (job = g_async_queue_try_pop (server->pushes)) != NULL)
    jobs[n++] = job;
  /* Taken by the marker before this one. */
  if (n == 0)
    return;
  FlStore *store = g_async_queue_pop (stores);
  g_autoptr(GError) error = NULL;
  if (n == 1 || !fl_store_begin (store, &error))
    {
      if (error != NULL)
        g_warning ("Could not begin a group of pushes, each goes alone: %s", error->message);
      for (guint i = 0; i < n; i++)
        {
          job_run (jobs[i], store);
          if (jobs[i]->status == SOUP_STATUS_OK)
            fl_metrics_count_push_commit (server->metrics, 1);
        }
    }
  else
    {
      for (guint i = 0; i < n; i++)
        job_run (jobs[i], store);
      gboolean committed = fl_store_commit (store, &error);
      guint applied = 0;
      for (guint i = 0; i < n; i++)
        if (jobs[i]->status == SOUP_STATUS_OK && !committed)
          {
            locale_t language = jobs[i]->language, previous = fl_request_language_begin (language);
            job_reply_internal (jobs[i], error);
            fl_request_language_end (language, previous);
          }
        else if (jobs[i]->status == SOUP_STATUS_OK)
          applied++;
      if (applied > 0)
        fl_metrics_count_push_commit (server->metrics, applied);
    }
  g_async_queue_push (stores, store);
  for (guint i = 0; i < n; i++)
    job_finish (jobs[i]);
}

static void
worker_run (gpointer data, gpointer user_data)
{
  Job *job = data;
  GAsyncQueue *stores = user_data;
  if (job == job->server->push_marker)
    {
      run_push_group (job->server, stores);
      return;
    }
  FlStore *store = g_async_queue_pop (stores);
  if (job->admission)
    {
      locale_t language = job->language, previous = fl_request_language_begin (language);
      authenticate (job, store);
      g_async_queue_push (stores, store);
      fl_request_language_end (language, previous);
      run_in_server (job->server, admission_finish_in_main, job, NULL);
      return;
    }
  job_run (job, store);
  g_async_queue_push (stores, store);
  job_finish (job);
}

static void
reply_now (SoupServerMessage *msg, guint status, const char *field, const char *message)
{
  g_autoptr(JsonNode) node = fl_error_body_to_json (fl_protocol_code_for_status (status), message, field);
  gsize length;
  char *text = fl_protocol_to_string (node, &length);
  soup_server_message_set_status (msg, status, NULL);
  soup_server_message_set_response (msg, "application/json", SOUP_MEMORY_TAKE, text, length);
}

static gboolean
method_allowed (const Route *route, const char *method)
{
  g_auto(GStrv) methods = g_strsplit (route->methods, " ", 0);
  return g_strv_contains ((const char * const *) methods, method);
}

static gboolean
content_type_is_json (SoupServerMessage *msg)
{
  const char *type = soup_message_headers_get_content_type (soup_server_message_get_request_headers (msg), NULL);
  return type != NULL && g_ascii_strcasecmp (type, "application/json") == 0;
}

static const char *
bearer_token (SoupServerMessage *msg)
{
  const char *value = soup_message_headers_get_one (soup_server_message_get_request_headers (msg),
                                                    "Authorization");
  if (value == NULL || g_ascii_strncasecmp (value, "Bearer ", 7) != 0)
    return NULL;
  value += 7;
  while (*value == ' ')
    value++;
  return *value != '\0' ? value : NULL;
}

/* Hops of X-Forwarded-For looked at, from the right, at most. */
#define MAX_FORWARDED_HOPS 16

static gboolean
is_trusted_proxy (FlServer *server, const char *address)
{
  return server->options.trusted_proxies != NULL &&
         g_strv_contains ((const char * const *) server->options.trusted_proxies, address);
}

/* The address a request comes from, for the sign-in limits and the audit:
 * the peer's; behind a proxy the options trust, the address that proxy
 * saw: the last of X-Forwarded-For that is not a trusted proxy itself.
 * What comes before it the client wrote, and proves nothing; a hop that
 * is not an address ends the walk at the proxy that passed it on. */
static char *
request_address (FlServer *server, SoupServerMessage *msg)
{
  const char *peer = soup_server_message_get_remote_host (msg);
  if (peer == NULL || !is_trusted_proxy (server, peer))
    return g_strdup (peer);
  const char *forwarded = soup_message_headers_get_list (soup_server_message_get_request_headers (msg),
                                                         "X-Forwarded-For");
  g_autofree char *address = g_strdup (peer);
  if (forwarded == NULL)
    return g_steal_pointer (&address);
  /* From the right, without splitting what the client may have made long. */
  const char *end = forwarded + strlen (forwarded);
  for (guint hops = 0; hops < MAX_FORWARDED_HOPS && end > forwarded; hops++)
    {
      const char *start = end;
      while (start > forwarded && start[-1] != ',')
        start--;
      g_autofree char *word = g_strstrip (g_strndup (start, (gsize) (end - start)));
      end = start > forwarded ? start - 1 : forwarded;
      g_autoptr(GInetAddress) hop = g_inet_address_new_from_string (word);
      if (hop == NULL)
        break;
      g_free (address);
      address = g_inet_address_to_string (hop);
      if (!is_trusted_proxy (server, address))
        break;
    }
  return g_steal_pointer (&address);
}

static const Route *
find_route (const char *path, char **argument)
{
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      const Route *route = &routes[i];
      if (!g_str_has_prefix (path, route->path))
        continue;
      /* Exact paths only; the blob route takes exactly one more segment. */
      const char *rest = path + strlen (route->path);
      if (route->subpath && rest[0] == '/' && rest[1] != '\0' && strchr (rest + 1, '/') == NULL)
        {
          if (argument != NULL)
            *argument = g_strdup (rest + 1);
          return route;
        }
      if (!route->subpath && rest[0] == '\0')
        return route;
    }
  return NULL;
}

/* The language a request is answered in, as handle_early() picked it from
 * its headers (every request passes there first). */
static locale_t
language_of (SoupServerMessage *msg)
{
  return (locale_t) g_object_get_data (G_OBJECT (msg), "fl-language");
}

static void
route_in_language (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                   locale_t language)
{
  FlServer *server = g_object_get_data (G_OBJECT (soup), "fl-server");
  g_autofree char *argument = NULL;
  /* handle_early() admitted the request: its route, method, token and size */
  const Route *route = find_route (path, &argument);
  g_return_if_fail (route != NULL);
  g_object_set_data (G_OBJECT (msg), "fl-route", (gpointer) route->path);
  if (route->run_in == IN_SNAPSHOT &&
      g_thread_pool_unprocessed (server->workers[IN_SNAPSHOT].pool) >= SNAPSHOT_WORKERS)
    {
      g_autofree char *wait = g_strdup_printf ("%u", fl_retry_pacer_refuse (server->snapshot_pacer,
                                                                           g_get_monotonic_time ()));
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", wait);
      reply_now (msg, SOUP_STATUS_SERVICE_UNAVAILABLE, NULL,
                 _("Every snapshot stream is busy; try again shortly"));
      return;
    }
  if (route->run_in == IN_SNAPSHOT)
    g_object_set_data (G_OBJECT (msg), "fl-paced", GINT_TO_POINTER (TRUE));

  /* A sign-in beyond its address's share of the queue is refused before
   * any password is hashed. */
  g_autofree char *peer = request_address (server, msg);
  if (route->run_in == IN_SIGN_IN && !fl_sign_in_gate_enter (server->sign_in_gate, peer))
    {
      soup_message_headers_replace (soup_server_message_get_response_headers (msg), "Retry-After", "1");
      reply_now (msg, STATUS_TOO_MANY_REQUESTS, NULL,
                 _("Too many sign-ins are waiting from this address; try again in a moment"));
      return;
    }

  Job *job = g_new0 (Job, 1);
  job->server = server;
  job->route = route;
  job->msg = g_object_ref (msg);
  job->method = g_strdup (soup_server_message_get_method (msg));
  job->argument = g_steal_pointer (&argument);
  job->query = query != NULL ? g_hash_table_ref (query) : NULL;
  job->body = soup_message_body_flatten (soup_server_message_get_request_body (msg));
  job->token = g_strdup (bearer_token (msg));
  job->peer = g_steal_pointer (&peer);
  job->language = language;
  Admission *admission = g_object_steal_data (G_OBJECT (msg), "fl-admission");
  if (admission != NULL)
    {
      job->user = g_steal_pointer (&admission->user);
      job->device = g_steal_pointer (&admission->device);
      admission_free (admission);
    }
  g_signal_connect (msg, "finished", G_CALLBACK (job_on_finished), job);
  soup_server_message_pause (msg);
  fl_connection_guard_set_working (server->guard, msg, TRUE);

  if (route->run == run_push)
    {
      g_async_queue_push (server->pushes, job);
      g_thread_pool_push (server->workers[IN_WRITER].pool, server->push_marker, NULL);
      return;
    }
  g_thread_pool_push (server->workers[route->run_in].pool, job, NULL);
}

static void
handle_route (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  locale_t language = language_of (msg), previous = fl_request_language_begin (language);
  route_in_language (soup, msg, path, query, language);
  fl_request_language_end (language, previous);
}

static void
handle_unknown (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
                gpointer user_data)
{
  locale_t language = language_of (msg), previous = fl_request_language_begin (language);
  reply_now (msg, SOUP_STATUS_NOT_FOUND, NULL, _("There is no such address in this API"));
  fl_request_language_end (language, previous);
}

/* The most body bytes `route` takes with `method`. */
static gsize
body_limit (FlServer *server, const Route *route, const char *method)
{
  switch (route->body)
    {
    case BODY_LOGIN:
      return LOGIN_MAX_BODY;
    case BODY_REQUEST:
      return server->options.max_body;
    case BODY_BLOB:
      return strcmp (method, "PUT") == 0 ? server->options.max_blob_size : 0;
    case BODY_NONE:
    default:
      return 0;
    }
}

/* Content-Length as sent: digits only (libsoup also takes "-1" or "+5"). */
static gboolean
parse_content_length (const char *text, guint64 *length)
{
  if (text == NULL)
    {
      *length = 0;
      return TRUE;
    }
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isdigit (*p))
      return FALSE;
  if (*text == '\0' || strlen (text) > 19)
    {
      *length = G_MAXUINT64;
      return *text != '\0';
    }
  *length = g_ascii_strtoull (text, NULL, 10);
  return TRUE;
}

static void
admission_finish (FlServer *server, Job *job)
{
  SoupServerMessage *msg = job->msg;
  if (job->auth_error != NULL)
    {
      gboolean unauthorized = job->auth_error->domain == FL_ACCOUNTS_ERROR;
      fl_connection_guard_refuse (server->guard, msg,
                                  unauthorized ? SOUP_STATUS_UNAUTHORIZED : SOUP_STATUS_INTERNAL_SERVER_ERROR,
                                  unauthorized ? "WWW-Authenticate: Bearer realm=\"fieldline\"\r\n" : NULL,
                                  job->auth_error->message);
      return;
    }
  Admission *admission = g_new0 (Admission, 1);
  admission->user = g_steal_pointer (&job->user);
  admission->device = g_steal_pointer (&job->device);
  g_object_set_data_full (G_OBJECT (msg), "fl-admission", admission, (GDestroyNotify) admission_free);
  /* now the body may come */
  fl_connection_guard_set_working (server->guard, msg, FALSE);
  soup_server_message_unpause (msg);
}

static gboolean
admission_finish_in_main (gpointer data)
{
  Job *job = data;
  if (!g_atomic_int_get (&job->finished) && soup_server_message_get_socket (job->msg) != NULL)
    admission_finish (job->server, job);
  job_free (job);
  return G_SOURCE_REMOVE;
}

/* Decides on a request from its headers alone, before libsoup reads its
 * body: the route, the method, the token, the size.  A refused request is
 * answered at once and its connection closed, its body never read; a
 * request with a body and a bearer token waits for the token's check
 * first, so nobody unknown makes the server hold megabytes. */
static void
early_in_language (FlServer *server, SoupServerMessage *msg, const char *path, locale_t language)
{
  FlConnectionGuard *guard = server->guard;
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  const char *method = soup_server_message_get_method (msg);
  /* Paths are routed as sent: an escaped "/" or "." would name another route. */
  if (strchr (path, '%') != NULL || strchr (path, '\\') != NULL)
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_BAD_REQUEST,
                                  NULL, _("The address may not contain escaped characters"));
      return;
    }
  const Route *route = find_route (path, NULL);
  if (route == NULL)
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_NOT_FOUND, NULL, _("There is no such address in this API"));
      return;
    }
  if (!method_allowed (route, method))
    {
      g_autofree char *allow = g_strdup_printf ("Allow: %s\r\n", route->methods);
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_METHOD_NOT_ALLOWED, allow,
                                  _("This address does not take that method"));
      return;
    }
  if (server->stopping)
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_SERVICE_UNAVAILABLE, "Retry-After: 10\r\n",
                                  _("The server is shutting down; try again shortly"));
      return;
    }
  if (soup_message_headers_get_encoding (headers) == SOUP_ENCODING_CHUNKED)
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_LENGTH_REQUIRED, NULL,
                                  _("Send the body with a Content-Length, not in chunks"));
      return;
    }
  guint64 length = 0;
  if (!parse_content_length (soup_message_headers_get_one (headers, "Content-Length"), &length))
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_LENGTH_REQUIRED, NULL,
                                  _("Content-Length must be a number of bytes"));
      return;
    }
  if (length > body_limit (server, route, method))
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_REQUEST_ENTITY_TOO_LARGE, NULL,
                                  body_limit (server, route, method) == 0
                                    ? _("This request takes no body")
                                    : _("The request is larger than the server accepts"));
      return;
    }
  const char *token = bearer_token (msg);
  if (route->auth && token == NULL)
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_UNAUTHORIZED,
                                  "WWW-Authenticate: Bearer realm=\"fieldline\"\r\n",
                                  _("Sign in first: this call needs a bearer token"));
      return;
    }
  if (route->json_body && !content_type_is_json (msg))
    {
      fl_connection_guard_refuse (guard, msg, SOUP_STATUS_UNSUPPORTED_MEDIA_TYPE, NULL,
                                  _("The body must be application/json"));
      return;
    }
  if (route->auth && length > 0)
    {
      Job *job = g_new0 (Job, 1);
      job->server = server;
      job->route = route;
      job->msg = g_object_ref (msg);
      job->method = g_strdup (method);
      job->token = g_strdup (token);
      job->language = language;
      job->admission = TRUE;
      g_signal_connect (msg, "finished", G_CALLBACK (job_on_finished), job);
      soup_server_message_pause (msg);
      fl_connection_guard_set_working (guard, msg, TRUE);
      g_thread_pool_push (server->workers[IN_READER].pool, job, NULL);
    }
}

static void
handle_early (SoupServer *soup, SoupServerMessage *msg, const char *path, GHashTable *query,
              gpointer user_data)
{
  SoupMessageHeaders *headers = soup_server_message_get_request_headers (msg);
  locale_t language = fl_request_language_pick (soup_message_headers_get_one (headers, "Accept-Language"));
  g_object_set_data (G_OBJECT (msg), "fl-language", (gpointer) language);
  locale_t previous = fl_request_language_begin (language);
  early_in_language (user_data, msg, path, language);
  fl_request_language_end (language, previous);
}

static void
on_request_started (SoupServer *soup, SoupServerMessage *msg, FlServer *server)
{
  gint64 *started = g_new (gint64, 1);
  *started = g_get_monotonic_time ();
  g_object_set_data_full (G_OBJECT (msg), "fl-started", started, g_free);
}

static void
on_request_done (SoupServer *soup, SoupServerMessage *msg, FlServer *server)
{
  gint64 *started = g_object_get_data (G_OBJECT (msg), "fl-started");
  const char *route = g_object_get_data (G_OBJECT (msg), "fl-route");
  if (started == NULL)
    return;
  gint64 took = g_get_monotonic_time () - *started;
  guint status = soup_server_message_get_status (msg);
  fl_metrics_observe_request (server->metrics, route != NULL ? route : "other", status, took);
  /* A snapshot that ran sets the pace of those turned away. */
  if (g_object_get_data (G_OBJECT (msg), "fl-paced") != NULL && status == SOUP_STATUS_OK)
    fl_retry_pacer_observe (server->snapshot_pacer, took);
}

/* ---- start and stop ---- */

static gboolean
listen_on (FlServer *server, GError **error)
{
  const char *listen = server->options.listen;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GSocketConnectable) address = g_network_address_parse (listen, 8470, &local_error);
  if (address == NULL && listen[0] == ':')
    {
      /* ":8470" means every address */
      g_autofree char *any = g_strconcat ("0.0.0.0", listen, NULL);
      g_clear_error (&local_error);
      address = g_network_address_parse (any, 8470, &local_error);
    }
  if (address == NULL)
    {
      g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_CONFIG,
                   _("--listen %s: give an address and port such as 127.0.0.1:8470"), listen);
      return FALSE;
    }
  const char *host = g_network_address_get_hostname (G_NETWORK_ADDRESS (address));
  guint16 port = g_network_address_get_port (G_NETWORK_ADDRESS (address));
  SoupServerListenOptions flags = server->options.tls_cert_file != NULL ? SOUP_SERVER_LISTEN_HTTPS : 0;
  g_autoptr(GInetAddress) inet = g_strcmp0 (host, "localhost") == 0
                                   ? g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4)
                                   : g_inet_address_new_from_string (host);
  if (inet == NULL)
    {
      g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_CONFIG,
                   _("--listen %s: “%s” is not an IP address"), listen, host);
      return FALSE;
    }
  /* Our own socket, for a listen backlog that takes fifty clients
   * connecting at once (GSocket's default queues ten). */
  g_autoptr(GSocketAddress) socket_address = g_inet_socket_address_new (inet, port);
  g_autoptr(GSocket) socket = g_socket_new (g_inet_address_get_family (inet), G_SOCKET_TYPE_STREAM,
                                            G_SOCKET_PROTOCOL_TCP, &local_error);
  if (socket != NULL)
    g_socket_set_listen_backlog (socket, LISTEN_BACKLOG);
  if (socket == NULL || !g_socket_bind (socket, socket_address, TRUE, &local_error) ||
      !g_socket_listen (socket, &local_error) ||
      !soup_server_listen_socket (server->soup, socket, flags, &local_error))
    {
      g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_LISTEN,
                   _("Cannot listen on %s: %s"), listen, local_error->message);
      return FALSE;
    }
  GSList *uris = soup_server_get_uris (server->soup);
  if (uris != NULL)
    server->port = (guint16) g_uri_get_port (uris->data);
  /* The address clients on this machine use: loopback when listening on all. */
  gboolean loopback = g_strcmp0 (host, "localhost") == 0 || g_strcmp0 (host, "0.0.0.0") == 0 ||
                      g_strcmp0 (host, "::") == 0;
  gboolean v6 = !loopback && strchr (host, ':') != NULL;
  server->base_uri = g_strdup_printf ("%s://%s%s%s:%u", flags ? "https" : "http", v6 ? "[" : "",
                                      loopback ? "127.0.0.1" : host, v6 ? "]" : "", server->port);
  g_slist_free_full (uris, (GDestroyNotify) g_uri_unref);
  return TRUE;
}

/* ---- the store's housekeeping ----
 * A thread of its own, on a connection of its own, gives the store its
 * maintenance once a second (fl_store_maintain) and prunes the audit log. */

/* The audit log's retention: entries past it go, once a day (and soon
 * after start), in short batches beside the pushes. */
static void
prune_audit_if_due (FlServer *server, gint64 *next_prune)
{
  guint days = server->options.audit_retention_days;
  if (days == 0 || g_get_monotonic_time () < *next_prune)
    return;
  *next_prune = g_get_monotonic_time () + (gint64) 24 * 3600 * G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  gint64 before = fl_time_now () - (gint64) days * 24 * 3600 * G_USEC_PER_SEC;
  gint64 removed = fl_store_prune_audit (server->maintenance_store, before, FALSE, &error);
  if (removed < 0)
    g_warning ("Could not prune the audit log: %s", error->message);
  else if (removed > 0)
    g_message ("Pruned %" PRId64 " audit entries older than %u days", removed, days);
}

/* SLA warnings and escalations are recorded as they happen: a sweep of
 * the open work orders every sla_sweep_seconds (a minute). */
static void
sweep_sla_if_due (FlServer *server, gint64 *next_sweep)
{
  guint interval = server->options.sla_sweep_seconds;
  if (interval == 0 || g_get_monotonic_time () < *next_sweep)
    return;
  *next_sweep = g_get_monotonic_time () + interval * G_USEC_PER_SEC;
  g_autoptr(GError) error = NULL;
  gint64 recorded = fl_sla_sweep (server->maintenance_store, fl_time_now (), &error);
  if (recorded < 0)
    g_warning ("Could not record SLA warnings and escalations: %s", error->message);
  else if (recorded > 0)
    g_debug ("Recorded %" PRId64 " SLA warnings and escalations", recorded);
}

/* Work no request waits for (maintenance, keeping replica files current)
 * yields the processor to the requests: on Linux a thread has its own
 * niceness. */
static void
run_in_background (void)
{
#ifdef __linux__
  if (setpriority (PRIO_PROCESS, (id_t) syscall (SYS_gettid), BACKGROUND_NICENESS) != 0)
    g_debug ("Could not lower the priority of a background thread: %s", g_strerror (errno));
#endif
}

static gpointer
maintenance_loop (gpointer data)
{
  FlServer *server = data;
  gint64 next_prune = 0, next_sweep = 0;
  run_in_background ();
  g_mutex_lock (&server->lock);
  while (!g_atomic_int_get (&server->closing))
    {
      g_cond_wait_until (&server->cond, &server->lock, g_get_monotonic_time () + G_USEC_PER_SEC);
      if (g_atomic_int_get (&server->closing))
        break;
      g_mutex_unlock (&server->lock);
      g_autoptr(GError) error = NULL;
      if (!fl_store_maintain (server->maintenance_store, &error))
        g_warning ("%s", error->message);
      prune_audit_if_due (server, &next_prune);
      sweep_sla_if_due (server, &next_sweep);
      g_mutex_lock (&server->lock);
    }
  g_mutex_unlock (&server->lock);
  return NULL;
}

static gboolean
maintenance_start (FlServer *server, GError **error)
{
  server->maintenance_store = fl_store_reopen (server->store, error);
  if (server->maintenance_store == NULL)
    return FALSE;
  server->maintenance = g_thread_new ("fl-maintenance", maintenance_loop, server);
  return TRUE;
}

static void
maintenance_stop (FlServer *server)
{
  if (server->maintenance == NULL)
    return;
  g_mutex_lock (&server->lock);
  g_atomic_int_set (&server->closing, TRUE);
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
  g_clear_pointer (&server->maintenance, g_thread_join);
  g_clear_object (&server->maintenance_store);
}

/* Replica files of the scopes used lately catch up with the change log in
 * the background, so the next first sync of such a scope costs only its
 * download; files of scopes unused for a day are forgotten. */
static gpointer
replica_refresh_loop (gpointer data)
{
  FlServer *server = data;
  run_in_background ();
  g_mutex_lock (&server->lock);
  while (!g_atomic_int_get (&server->closing))
    {
      g_cond_wait_until (&server->cond, &server->lock,
                         g_get_monotonic_time () + REPLICA_REFRESH_SECONDS * G_USEC_PER_SEC);
      if (g_atomic_int_get (&server->closing))
        break;
      g_mutex_unlock (&server->lock);
      fl_replica_files_refresh (server->replica_files, server->replica_store,
                                (gint64) REPLICA_KEEP_HOURS * 3600 * G_USEC_PER_SEC);
      g_mutex_lock (&server->lock);
    }
  g_mutex_unlock (&server->lock);
  return NULL;
}

/* The files are this instance's cache: beside a SQLite store's file, or
 * in a folder of its own (instances of a PostgreSQL store share nothing). */
static gboolean
replica_files_start (FlServer *server, const char *store_file, GError **error)
{
  const FlServerOptions *o = &server->options;
  g_autofree char *dir = o->replica_dir != NULL ? g_strdup (o->replica_dir)
                       : store_file != NULL ? g_strconcat (store_file, ".replicas", NULL)
                       : g_dir_make_tmp ("fieldline-replicas-XXXXXX", error);
  if (dir == NULL)
    return FALSE;
  server->replica_files = fl_replica_files_new (dir, error);
  if (server->replica_files == NULL)
    return FALSE;
  server->replica_store = fl_store_reopen (server->store, error);
  if (server->replica_store == NULL)
    return FALSE;
  server->replica_refresher = g_thread_new ("fl-replica-keep", replica_refresh_loop, server);
  return TRUE;
}

static void
replica_files_stop (FlServer *server)
{
  g_mutex_lock (&server->lock);
  g_atomic_int_set (&server->closing, TRUE);
  g_cond_broadcast (&server->cond);
  g_mutex_unlock (&server->lock);
  g_clear_pointer (&server->replica_refresher, g_thread_join);
  g_clear_object (&server->replica_store);
}

/* The threads of one kind of work, each with its own connection (the
 * writer's is the server's first one). */
static gboolean
workers_start (FlServer *server, RunIn kind, GError **error)
{
  Workers *w = &server->workers[kind];
  guint n = workers_per_kind[kind];
  w->stores = g_async_queue_new_full (g_object_unref);
  for (guint i = 0; i < n; i++)
    {
      FlStore *store = kind == IN_WRITER ? g_object_ref (server->store) : fl_store_reopen (server->store, error);
      if (store == NULL)
        return FALSE;
      fl_store_set_use (store, kind == IN_WRITER ? FL_STORE_USE_WRITER : FL_STORE_USE_READER);
      g_async_queue_push (w->stores, store);
    }
  w->pool = g_thread_pool_new (worker_run, w->stores, (int) n, TRUE, error);
  return w->pool != NULL;
}

/* Connections the descriptor limit leaves room for. */
static guint
descriptor_budget (void)
{
  struct rlimit limit;
  if (getrlimit (RLIMIT_NOFILE, &limit) != 0 || limit.rlim_cur == RLIM_INFINITY)
    return G_MAXUINT;
  return limit.rlim_cur > 2 * SPARE_DESCRIPTORS ? (guint) (limit.rlim_cur - SPARE_DESCRIPTORS) : SPARE_DESCRIPTORS;
}

/* Every descriptor the system allows this process: the soft limit is
 * often 1024 while the hard one is far higher. */
static void
raise_descriptor_limit (void)
{
  struct rlimit limit;
  if (getrlimit (RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max)
    {
      limit.rlim_cur = limit.rlim_max;
      if (setrlimit (RLIMIT_NOFILE, &limit) != 0)
        g_warning ("Cannot raise the open file limit: %s", g_strerror (errno));
    }
}

/* Everything that needs the server's own thread-default context. */
static gboolean
server_setup (FlServer *server, GError **error)
{
  FlServerOptions *o = &server->options;
  if ((o->tls_cert_file == NULL) != (o->tls_key_file == NULL))
    {
      g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_CONFIG,
                   _("TLS needs both a certificate (--tls-cert) and its key (--tls-key)"));
      return FALSE;
    }
  g_autoptr(GTlsCertificate) certificate = NULL;
  if (o->tls_cert_file != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      certificate = g_tls_certificate_new_from_files (o->tls_cert_file, o->tls_key_file, &local_error);
      if (certificate == NULL)
        {
          g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_TLS,
                       _("Cannot use the TLS certificate %s with key %s: %s"),
                       o->tls_cert_file, o->tls_key_file, local_error->message);
          return FALSE;
        }
    }

  server->store = fl_store_open (o->store, error);
  if (server->store == NULL)
    return FALSE;
  g_autofree char *file = fl_store_location_file (o->store);
  g_autofree char *default_blobs = file != NULL ? g_strconcat (file, ".blobs", NULL) : NULL;
  /* Blobs go in --blob-dir when given, else beside a SQLite file, else in
   * the store itself (server->blobs NULL). */
  if (o->blob_dir != NULL || default_blobs != NULL)
    {
      server->blobs = fl_blobs_new (o->blob_dir != NULL ? o->blob_dir : default_blobs, o->max_blob_size, error);
      if (server->blobs == NULL)
        return FALSE;
    }
  else if (!fl_store_keeps_blobs (server->store))
    {
      g_set_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_CONFIG,
                   _("Where are photos and signatures kept? Give --blob-dir, a folder every instance shares"));
      return FALSE;
    }
  for (RunIn kind = 0; kind < N_RUN_IN; kind++)
    if (!workers_start (server, kind, error))
      return FALSE;
  if (!maintenance_start (server, error) || !replica_files_start (server, file, error))
    return FALSE;

  /* raw-paths: libsoup would otherwise unescape "%2F" into a "/" that routes */
  server->soup = soup_server_new ("server-header", "fieldline-sync/" FL_VERSION " ",
                                  "tls-certificate", certificate, "raw-paths", TRUE, NULL);
  g_object_set_data (G_OBJECT (server->soup), "fl-server", server);
  FlConnectionGuardLimits limits = {
    .idle_timeout = o->idle_timeout,
    .max_connections = MIN (o->max_connections, descriptor_budget ()),
    .max_per_address = o->max_connections_per_address,
    .tls = certificate != NULL,
  };
  server->guard = fl_connection_guard_new (server->soup, server->context, &limits);
  /* Early handlers sit in the same path map as the others: one per route. */
  for (guint i = 0; i < G_N_ELEMENTS (routes); i++)
    {
      soup_server_add_handler (server->soup, routes[i].path, handle_route, (gpointer) &routes[i], NULL);
      soup_server_add_early_handler (server->soup, routes[i].path, handle_early, server, NULL);
    }
  soup_server_add_handler (server->soup, NULL, handle_unknown, NULL, NULL);
  soup_server_add_early_handler (server->soup, NULL, handle_early, server, NULL);
  g_signal_connect (server->soup, "request-started", G_CALLBACK (on_request_started), server);
  g_signal_connect (server->soup, "request-finished", G_CALLBACK (on_request_done), server);
  g_signal_connect (server->soup, "request-aborted", G_CALLBACK (on_request_done), server);
  return listen_on (server, error);
}

static gboolean
drain_check (gpointer data)
{
  FlServer *server = data;
  guint busy = fl_connection_guard_get_busy (server->guard);
  if (busy > 0 && g_get_monotonic_time () < server->drain_deadline)
    {
      fl_connection_guard_close_idle (server->guard);
      return G_SOURCE_CONTINUE;
    }
  if (busy > 0)
    g_warning ("Stopping with %u requests still running", busy);
  server->drain_source = 0;
  soup_server_disconnect (server->soup);
  g_main_loop_quit (server->loop);
  return G_SOURCE_REMOVE;
}

/* Stop accepting work, let what runs finish, then leave the loop. */
static gboolean
begin_stop (gpointer data)
{
  FlServer *server = data;
  if (server->stopping)
    return G_SOURCE_REMOVE;
  server->stopping = TRUE;
  fl_connection_guard_close_idle (server->guard);
  server->drain_deadline = g_get_monotonic_time () + DRAIN_SECONDS * G_USEC_PER_SEC;
  GSource *source = g_timeout_source_new (20);
  g_source_set_callback (source, drain_check, server, NULL);
  server->drain_source = g_source_attach (source, server->context);
  g_source_unref (source);
  return G_SOURCE_REMOVE;
}

static void
server_teardown (FlServer *server)
{
  /* Workers finish the jobs they hold; their answers go nowhere now, and
   * streams still waiting for a slow client end. */
  g_atomic_int_set (&server->closing, TRUE);
  maintenance_stop (server);
  replica_files_stop (server);
  for (RunIn kind = 0; kind < N_RUN_IN; kind++)
    if (server->workers[kind].pool != NULL)
      {
        g_thread_pool_free (server->workers[kind].pool, FALSE, TRUE);
        server->workers[kind].pool = NULL;
      }
  /* Let the last answers and stream feeds run and drop their references. */
  while (g_main_context_iteration (server->context, FALSE))
    ;
  g_clear_pointer (&server->guard, fl_connection_guard_free);
  g_clear_object (&server->soup);
  for (RunIn kind = 0; kind < N_RUN_IN; kind++)
    g_clear_pointer (&server->workers[kind].stores, g_async_queue_unref);
  g_clear_object (&server->store);
  g_clear_pointer (&server->blobs, fl_blobs_free);
  g_clear_pointer (&server->replica_files, fl_replica_files_free);
}

static FlServer *
server_new (const FlServerOptions *options)
{
  FlServer *server = g_new0 (FlServer, 1);
  options_copy (&server->options, options);
  server->metrics = fl_metrics_new ();
  server->pushes = g_async_queue_new ();
  server->push_marker = g_new0 (Job, 1);
  server->push_marker->server = server;
  g_mutex_init (&server->streams_lock);
  server->streams = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  server->sign_in_gate = fl_sign_in_gate_new (SIGN_IN_QUEUE, SIGN_IN_PER_PEER, SPRAY_LOGINS,
                                              server->options.login_window);
  server->snapshot_pacer = fl_retry_pacer_new (SNAPSHOT_WORKERS, SNAPSHOT_GUESS_US, SNAPSHOT_LONGEST_WAIT);
  g_mutex_init (&server->lock);
  g_cond_init (&server->cond);
  return server;
}

static void
server_free (FlServer *server)
{
  server_teardown (server);
  g_clear_pointer (&server->loop, g_main_loop_unref);
  g_clear_pointer (&server->context, g_main_context_unref);
  g_clear_pointer (&server->metrics, fl_metrics_free);
  g_clear_pointer (&server->pushes, g_async_queue_unref);
  g_clear_pointer (&server->push_marker, g_free);
  g_clear_pointer (&server->streams, g_hash_table_unref);
  g_mutex_clear (&server->streams_lock);
  g_clear_pointer (&server->sign_in_gate, fl_sign_in_gate_free);
  g_clear_pointer (&server->snapshot_pacer, fl_retry_pacer_free);
  g_clear_error (&server->start_error);
  g_free (server->base_uri);
  fl_server_options_clear (&server->options);
  g_mutex_clear (&server->lock);
  g_cond_clear (&server->cond);
  g_free (server);
}

static gboolean
on_signal (gpointer data)
{
  FlServer *server = data;
  g_message ("Stopping: finishing the requests in flight");
  begin_stop (server);
  return G_SOURCE_CONTINUE;
}

int
fl_server_run (const FlServerOptions *options)
{
  FlServer *server = server_new (options);
  g_autoptr(GError) error = NULL;
  server->context = g_main_context_ref_thread_default ();
  server->loop = g_main_loop_new (server->context, FALSE);
  raise_descriptor_limit ();
  if (!server_setup (server, &error))
    {
      g_printerr ("fieldline-sync: %s\n", error->message);
      server_free (server);
      return 1;
    }
  guint term = g_unix_signal_add (SIGTERM, on_signal, server);
  guint intr = g_unix_signal_add (SIGINT, on_signal, server);
  g_autofree char *store = fl_store_location_for_people (options->store);
  g_print ("fieldline-sync %s serving %s on %s\n", FL_VERSION, store, server->base_uri);
  g_main_loop_run (server->loop);
  g_source_remove (term);
  g_source_remove (intr);
  server_free (server);
  g_print ("fieldline-sync stopped\n");
  return 0;
}

static gpointer
server_thread (gpointer data)
{
  FlServer *server = data;
  g_main_context_push_thread_default (server->context);
  GError *error = NULL;
  gboolean ok = server_setup (server, &error);
  g_mutex_lock (&server->lock);
  server->ready = TRUE;
  server->start_error = error;
  g_cond_signal (&server->cond);
  g_mutex_unlock (&server->lock);
  if (ok)
    g_main_loop_run (server->loop);
  server_teardown (server);
  g_main_context_pop_thread_default (server->context);
  return NULL;
}

FlServer *
fl_server_start (const FlServerOptions *options, GError **error)
{
  g_return_val_if_fail (options != NULL && options->store != NULL, NULL);
  FlServer *server = server_new (options);
  server->context = g_main_context_new ();
  server->loop = g_main_loop_new (server->context, FALSE);
  server->thread = g_thread_new ("fl-server", server_thread, server);
  g_mutex_lock (&server->lock);
  while (!server->ready)
    g_cond_wait (&server->cond, &server->lock);
  g_mutex_unlock (&server->lock);
  if (server->start_error != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&server->start_error));
      g_thread_join (server->thread);
      server_free (server);
      return NULL;
    }
  return server;
}

guint16
fl_server_get_port (FlServer *server)
{
  return server->port;
}

const char *
fl_server_get_base_uri (FlServer *server)
{
  return server->base_uri;
}

void
fl_server_stop (FlServer *server)
{
  if (server == NULL)
    return;
  g_main_context_invoke (server->context, begin_stop, server);
  g_thread_join (server->thread);
  server_free (server);
}
