#include "fl-load-client.h"

#include <libsoup/soup.h>
#include <string.h>

#include "fl-ids.h"
#include "fl-record.h"
#include "fl-time.h"
#include "fl-workflow.h"

G_DEFINE_QUARK (fl-load-client-error-quark, fl_load_client_error)

static const char * const request_names[] = { "login", "snapshot", "push", "pull" };

const char *
fl_load_request_name (FlLoadRequest request)
{
  return request_names[request];
}

/* ---- statistics ---- */

FlLoadStats *
fl_load_stats_new (void)
{
  FlLoadStats *stats = g_new0 (FlLoadStats, 1);
  for (guint i = 0; i < FL_LOAD_N_REQUESTS; i++)
    {
      stats->latency[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
      stats->started[i] = g_array_new (FALSE, FALSE, sizeof (gint64));
    }
  return stats;
}

void
fl_load_stats_add (FlLoadStats *into, const FlLoadStats *from)
{
  for (guint i = 0; i < FL_LOAD_N_REQUESTS; i++)
    {
      g_array_append_vals (into->latency[i], from->latency[i]->data, from->latency[i]->len);
      g_array_append_vals (into->started[i], from->started[i]->data, from->started[i]->len);
      into->errors[i] += from->errors[i];
      into->deferred[i] += from->deferred[i];
    }
  for (guint i = 0; i < G_N_ELEMENTS (into->results); i++)
    into->results[i] += from->results[i];
  into->mutations += from->mutations;
  into->pulled += from->pulled;
  if (into->first_error == NULL && from->first_error != NULL)
    into->first_error = g_strdup (from->first_error);
  if (into->first_rejection == NULL && from->first_rejection != NULL)
    into->first_rejection = g_strdup (from->first_rejection);
}

static int
compare_int64 (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

gint64
fl_load_stats_quantile (FlLoadStats *stats, FlLoadRequest request, double q)
{
  /* A sorted copy: `started` stays paired with `latency`. */
  g_autoptr(GArray) values = g_array_copy (stats->latency[request]);
  if (values->len == 0)
    return 0;
  g_array_sort (values, compare_int64);
  /* nearest rank */
  guint rank = (guint) MAX (1.0, q * values->len + 0.999999);
  return g_array_index (values, gint64, MIN (rank, values->len) - 1);
}

void
fl_load_stats_free (FlLoadStats *stats)
{
  if (stats == NULL)
    return;
  for (guint i = 0; i < FL_LOAD_N_REQUESTS; i++)
    {
      g_array_unref (stats->latency[i]);
      g_array_unref (stats->started[i]);
    }
  g_free (stats->first_error);
  g_free (stats->first_rejection);
  g_free (stats);
}

/* ---- the client ---- */

struct _FlLoadClient
{
  SoupSession *session;
  char        *base_uri;
  char        *login;
  char        *password;
  GRand       *rand;
  char        *token;
  char        *bearer;
  char        *device_id;
  char        *cursor;
  gint64       mid;
  gint64       serial;        /* makes each text it writes distinct */
  GHashTable  *orders;        /* id -> work_order row */
  GPtrArray   *order_ids;     /* the keys, to pick from */
  GPtrArray   *own_orders;    /* ids the client took for itself */
  GPtrArray   *locations;     /* ids of stock locations at its sites */
  GPtrArray   *parts;         /* ids of parts without serial numbers */
  GPtrArray   *sites;         /* ids of the site rows it sees */
  FlLoadStats *stats;
};

FlLoadClient *
fl_load_client_new (const char *base_uri, const char *login, const char *password, guint32 seed)
{
  FlLoadClient *c = g_new0 (FlLoadClient, 1);
  /* Created in the thread that uses it: libsoup sessions are per thread. */
  c->session = soup_session_new_with_options ("timeout", 60, "max-conns-per-host", 2, NULL);
  c->base_uri = g_strdup (base_uri);
  c->login = g_strdup (login);
  c->password = g_strdup (password);
  c->rand = g_rand_new_with_seed (seed);
  c->orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) json_object_unref);
  c->order_ids = g_ptr_array_new_with_free_func (g_free);
  c->own_orders = g_ptr_array_new_with_free_func (g_free);
  c->locations = g_ptr_array_new_with_free_func (g_free);
  c->parts = g_ptr_array_new_with_free_func (g_free);
  c->sites = g_ptr_array_new_with_free_func (g_free);
  c->stats = fl_load_stats_new ();
  return c;
}

void
fl_load_client_free (FlLoadClient *c)
{
  if (c == NULL)
    return;
  g_clear_object (&c->session);
  g_free (c->base_uri);
  g_free (c->login);
  g_free (c->password);
  g_rand_free (c->rand);
  g_free (c->token);
  g_free (c->bearer);
  g_free (c->device_id);
  g_free (c->cursor);
  g_hash_table_unref (c->orders);
  g_ptr_array_unref (c->order_ids);
  g_ptr_array_unref (c->own_orders);
  g_ptr_array_unref (c->locations);
  g_ptr_array_unref (c->parts);
  g_ptr_array_unref (c->sites);
  fl_load_stats_free (c->stats);
  g_free (c);
}

FlLoadStats *
fl_load_client_get_stats (FlLoadClient *c)
{
  return c->stats;
}

const char *
fl_load_client_get_device_id (FlLoadClient *c)
{
  return c->device_id;
}

GPtrArray *
fl_load_client_get_site_ids (FlLoadClient *c)
{
  return c->sites;
}

gint64
fl_load_client_next_mid (FlLoadClient *c)
{
  return ++c->mid;
}

/* How long a deferred sign-in or snapshot is sent again before it counts
 * as an error. */
#define DEFER_SECONDS 180

static void
note_error (FlLoadClient *c, FlLoadRequest kind, const GError *error)
{
  c->stats->errors[kind]++;
  if (c->stats->first_error == NULL)
    c->stats->first_error = g_strdup_printf ("%s %s: %s", request_names[kind], c->login, error->message);
}

/* One timed request.  The answer's body, or NULL with an error (counted,
 * unless the server asked to come back later — 429, or 503 with
 * Retry-After — and `retry_after` asks for the seconds to wait). */
static GBytes *
send_once (FlLoadClient *c, FlLoadRequest kind, const char *method, const char *path, JsonNode *json,
           guint *retry_after, GError **error)
{
  g_autofree char *uri = g_strconcat (c->base_uri, FL_PROTOCOL_PREFIX, path, NULL);
  g_autoptr(SoupMessage) msg = soup_message_new (method, uri);
  SoupMessageHeaders *headers = soup_message_get_request_headers (msg);
  if (c->bearer != NULL)
    soup_message_headers_replace (headers, "Authorization", c->bearer);
  if (json != NULL)
    {
      gsize length = 0;
      char *text = fl_protocol_to_string (json, &length);
      g_autoptr(GBytes) body = g_bytes_new_take (text, length);
      soup_message_set_request_body_from_bytes (msg, "application/json", body);
    }

  g_autoptr(GError) local_error = NULL;
  gint64 start = g_get_monotonic_time ();
  g_autoptr(GBytes) answer = soup_session_send_and_read (c->session, msg, NULL, &local_error);
  gint64 elapsed = g_get_monotonic_time () - start;
  g_array_append_val (c->stats->latency[kind], elapsed);
  g_array_append_val (c->stats->started[kind], start);

  if (answer == NULL)
    {
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_TRANSPORT, "%s %s: %s (after %.0f ms)",
                   method, path, local_error->message, elapsed / 1e3);
      note_error (c, kind, *error);
      return NULL;
    }
  guint status = soup_message_get_status (msg);
  const char *later = soup_message_headers_get_one (soup_message_get_response_headers (msg), "Retry-After");
  if ((status == 429 || (status == SOUP_STATUS_SERVICE_UNAVAILABLE && later != NULL)) && retry_after != NULL)
    {
      *retry_after = later != NULL ? (guint) CLAMP (g_ascii_strtoll (later, NULL, 10), 1, 60) : 1;
      c->stats->deferred[kind]++;
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_BUSY, "%s %s: HTTP %u, retry after %u s",
                   method, path, status, *retry_after);
      return NULL;
    }
  if (!SOUP_STATUS_IS_SUCCESSFUL (status))
    {
      gsize size = 0;
      const char *data = g_bytes_get_data (answer, &size);
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_STATUS, "%s %s: HTTP %u %.*s (after %.0f ms)",
                   method, path, status, (int) MIN (size, 300), data != NULL ? data : "", elapsed / 1e3);
      note_error (c, kind, *error);
      return NULL;
    }
  return g_steal_pointer (&answer);
}

static GBytes *
send (FlLoadClient *c, FlLoadRequest kind, const char *method, const char *path, JsonNode *json,
      GError **error)
{
  return send_once (c, kind, method, path, json, NULL, error);
}

/* A request the server may defer (sign-in, snapshot), sent again after
 * each Retry-After, as the sync engine does, until DEFER_SECONDS passed;
 * then a deferral counts as an error. */
static GBytes *
send_deferrable (FlLoadClient *c, FlLoadRequest kind, const char *method, const char *path, JsonNode *json,
                 GError **error)
{
  gint64 give_up = g_get_monotonic_time () + DEFER_SECONDS * G_USEC_PER_SEC;
  for (;;)
    {
      guint retry_after = 0;
      g_autoptr(GError) local_error = NULL;
      gboolean last = g_get_monotonic_time () >= give_up;
      GBytes *answer = send_once (c, kind, method, path, json, last ? NULL : &retry_after, &local_error);
      if (answer != NULL)
        return answer;
      if (!g_error_matches (local_error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_BUSY))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      g_usleep (retry_after * G_USEC_PER_SEC);
    }
}

/* A 2xx answer's JSON; NULL with an error (counted) when unreadable. */
static JsonNode *
parse_answer (FlLoadClient *c, FlLoadRequest kind, GBytes *answer, GError **error)
{
  gsize size = 0;
  const char *data = g_bytes_get_data (answer, &size);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = fl_protocol_parse (data != NULL ? data : "", size, &local_error);
  if (node == NULL)
    {
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_ANSWER, "%s", local_error->message);
      note_error (c, kind, *error);
    }
  return node;
}

gboolean
fl_load_client_login (FlLoadClient *c, GError **error)
{
  g_autofree char *device_name = g_strdup_printf ("bench laptop of %s", c->login);
  FlLoginRequest request = { c->login, c->password, device_name, NULL };
  g_autoptr(JsonNode) body = fl_login_request_to_json (&request);
  g_autoptr(GBytes) answer = send_deferrable (c, FL_LOAD_LOGIN, "POST", "/auth/login", body, error);
  if (answer == NULL)
    return FALSE;
  g_autoptr(JsonNode) node = parse_answer (c, FL_LOAD_LOGIN, answer, error);
  if (node == NULL)
    return FALSE;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlLoginResponse) response = fl_login_response_from_json (node, &local_error);
  if (response == NULL)
    {
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_ANSWER, "%s", local_error->message);
      note_error (c, FL_LOAD_LOGIN, *error);
      return FALSE;
    }
  g_free (c->token);
  c->token = g_strdup (response->token);
  g_free (c->bearer);
  c->bearer = g_strconcat ("Bearer ", c->token, NULL);
  g_free (c->device_id);
  c->device_id = g_strdup (response->device_id);
  return TRUE;
}

/* ---- the rows the client keeps ---- */

static void
keep_order (FlLoadClient *c, const char *id, JsonObject *row)
{
  if (row == NULL)
    {
      g_hash_table_remove (c->orders, id);  /* its id stays in order_ids: picks skip it */
      return;
    }
  if (!g_hash_table_contains (c->orders, id))
    g_ptr_array_add (c->order_ids, g_strdup (id));
  g_hash_table_replace (c->orders, g_strdup (id), json_object_ref (row));
}

static void
keep_row (FlLoadClient *c, const char *table, const char *id, JsonObject *row)
{
  if (strcmp (table, "work_order") == 0)
    keep_order (c, id, row);
  else if (row == NULL)
    return;
  else if (strcmp (table, "site") == 0)
    g_ptr_array_add (c->sites, g_strdup (id));
  else if (strcmp (table, "stock_location") == 0 && fl_record_get_string (row, "site_id") != NULL &&
           (g_strcmp0 (fl_record_get_string (row, "kind"), "site") == 0 ||
            g_strcmp0 (fl_record_get_string (row, "owner"), c->login) == 0))
    g_ptr_array_add (c->locations, g_strdup (id));  /* where an engineer may take parts from */
  else if (strcmp (table, "part") == 0 && !fl_record_get_bool (row, "serial_tracked"))
    g_ptr_array_add (c->parts, g_strdup (id));
}

gboolean
fl_load_client_snapshot (FlLoadClient *c, GError **error)
{
  g_autoptr(GBytes) answer = send_deferrable (c, FL_LOAD_SNAPSHOT, "GET", "/sync/snapshot", NULL, error);
  if (answer == NULL)
    return FALSE;
  gsize size = 0;
  const char *data = g_bytes_get_data (answer, &size);
  const char *end = data + size;
  gboolean complete = FALSE;
  while (data != NULL && data < end)
    {
      const char *nl = memchr (data, '\n', end - data);
      gsize length = nl != NULL ? (gsize) (nl - data) : (gsize) (end - data);
      g_autoptr(GError) local_error = NULL;
      g_autoptr(FlSnapshotLine) line = fl_snapshot_line_parse (data, length, &local_error);
      data += length + 1;
      if (line == NULL)
        {
          g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_ANSWER, "snapshot: %s",
                       local_error->message);
          note_error (c, FL_LOAD_SNAPSHOT, *error);
          return FALSE;
        }
      if (line->kind == FL_SNAPSHOT_HEADER)
        {
          g_free (c->cursor);
          c->cursor = g_strdup (line->cursor);
        }
      else if (line->kind == FL_SNAPSHOT_ROW)
        keep_row (c, line->table, fl_record_get_string (line->row, "id"), line->row);
      else
        complete = TRUE;
    }
  if (!complete || c->cursor == NULL)
    {
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_ANSWER,
                   "snapshot: the stream ended without its end line");
      note_error (c, FL_LOAD_SNAPSHOT, *error);
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_load_client_pull (FlLoadClient *c, GError **error)
{
  gboolean more = TRUE;
  while (more)
    {
      g_autofree char *cursor = g_uri_escape_string (c->cursor, NULL, FALSE);
      g_autofree char *path = g_strdup_printf ("/sync/pull?cursor=%s&limit=%u", cursor, FL_PROTOCOL_MAX_PULL);
      g_autoptr(GBytes) answer = send (c, FL_LOAD_PULL, "GET", path, NULL, error);
      if (answer == NULL)
        return FALSE;
      g_autoptr(JsonNode) node = parse_answer (c, FL_LOAD_PULL, answer, error);
      if (node == NULL)
        return FALSE;
      g_autoptr(GError) local_error = NULL;
      g_autoptr(FlPullResponse) page = fl_pull_response_from_json (node, &local_error);
      if (page == NULL)
        {
          g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_ANSWER, "pull: %s", local_error->message);
          note_error (c, FL_LOAD_PULL, *error);
          return FALSE;
        }
      for (guint i = 0; i < page->changes->len; i++)
        {
          FlChange *change = page->changes->pdata[i];
          keep_row (c, change->table, change->id, change->row);
        }
      c->stats->pulled += page->changes->len;
      g_free (c->cursor);
      c->cursor = g_strdup (page->cursor);
      more = page->more;
    }
  return TRUE;
}

FlPushResponse *
fl_load_client_push (FlLoadClient *c, GPtrArray *mutations, GError **error)
{
  g_autoptr(FlPushRequest) request = fl_push_request_new (c->device_id);
  for (guint i = 0; i < mutations->len; i++)
    g_ptr_array_add (request->mutations, mutations->pdata[i]);
  g_autoptr(JsonNode) body = fl_push_request_to_json (request);
  /* The caller keeps the mutations. */
  g_ptr_array_set_free_func (request->mutations, NULL);

  c->stats->mutations += mutations->len;
  g_autoptr(GBytes) answer = send (c, FL_LOAD_PUSH, "POST", "/sync/push", body, error);
  if (answer == NULL)
    return NULL;
  g_autoptr(JsonNode) node = parse_answer (c, FL_LOAD_PUSH, answer, error);
  if (node == NULL)
    return NULL;
  g_autoptr(GError) local_error = NULL;
  FlPushResponse *response = fl_push_response_from_json (node, &local_error);
  if (response == NULL)
    {
      g_set_error (error, FL_LOAD_CLIENT_ERROR, FL_LOAD_CLIENT_ERROR_ANSWER, "push: %s", local_error->message);
      note_error (c, FL_LOAD_PUSH, *error);
      return NULL;
    }
  for (guint i = 0; i < response->results->len; i++)
    {
      FlMutationResult *result = response->results->pdata[i];
      c->stats->results[result->status]++;
      if (result->status == FL_RESULT_REJECTED && c->stats->first_rejection == NULL)
        c->stats->first_rejection = g_strdup_printf ("%s mid %" G_GINT64_FORMAT ": %s", c->login,
                                                     result->mid, result->error);
    }
  return response;
}

/* ---- what an engineer does ---- */

/* A random order the engineer may work on (log, use parts): one still
 * open.  With `field`, one whose field the engineer may edit, as the app
 * offers it: the shared rules decide, so the load is what users can do and
 * not a stream of refusals. */
static JsonObject *
random_order_for (FlLoadClient *c, const char *field, const char **out_id)
{
  for (int tries = 0; tries < 32 && c->order_ids->len > 0; tries++)
    {
      const char *id = c->order_ids->pdata[g_rand_int_range (c->rand, 0, c->order_ids->len)];
      JsonObject *row = g_hash_table_lookup (c->orders, id);
      FlWorkOrderStatus status;
      if (row == NULL || !fl_work_order_status_from_string (fl_record_get_string (row, "status"), &status))
        continue;
      gboolean mine = g_strcmp0 (fl_record_get_string (row, "assignee"), c->login) == 0;
      if (field != NULL ? !fl_workflow_check_field (FL_ROLE_ENGINEER, status, field, mine, NULL)
                        : !fl_work_order_status_is_open (status))
        continue;
      *out_id = id;
      return row;
    }
  return NULL;
}

static JsonObject *
random_order (FlLoadClient *c, const char **out_id)
{
  return random_order_for (c, NULL, out_id);
}

static const char *
random_of (FlLoadClient *c, GPtrArray *ids)
{
  return ids->len > 0 ? ids->pdata[g_rand_int_range (c->rand, 0, ids->len)] : NULL;
}

/* {field: {from: what the client holds, to}}, and the client's copy updated. */
static void
add_change (JsonObject *changes, JsonObject *row, const char *field, JsonNode *to)
{
  JsonObject *pair = json_object_new ();
  JsonNode *from = json_object_get_member (row, field);
  json_object_set_member (pair, "from", from != NULL ? json_node_copy (from) : json_node_new (JSON_NODE_NULL));
  json_object_set_member (pair, "to", json_node_copy (to));
  json_object_set_object_member (changes, field, pair);
  json_object_set_member (row, field, to);
}

static JsonNode *
text_node (const char *text)
{
  JsonNode *node = json_node_new (JSON_NODE_VALUE);
  json_node_set_string (node, text);
  return node;
}

static FlMutation *
work_log (FlLoadClient *c, const char *order_id, gint64 at, const char *kind, const char *text)
{
  char id[37];
  fl_uuid7_generate (id);
  g_autofree char *at_text = fl_time_format (at);
  g_autoptr(JsonObject) fields = json_object_new ();
  json_object_set_string_member (fields, "work_order_id", order_id);
  json_object_set_string_member (fields, "author", c->login);
  json_object_set_string_member (fields, "at", at_text);
  json_object_set_string_member (fields, "kind", kind);
  if (strcmp (kind, "labour") == 0)
    json_object_set_int_member (fields, "minutes", g_rand_int_range (c->rand, 5, 180));
  json_object_set_string_member (fields, "text", text);
  return fl_mutation_new (fl_load_client_next_mid (c), "work_log", id, FL_MUTATION_APPEND, at, fields);
}

static FlMutation *
part_used (FlLoadClient *c, const char *order_id, gint64 at)
{
  const char *location = random_of (c, c->locations), *part = random_of (c, c->parts);
  if (location == NULL || part == NULL)
    return NULL;
  char id[37];
  fl_uuid7_generate (id);
  g_autofree char *at_text = fl_time_format (at);
  g_autoptr(JsonObject) fields = json_object_new ();
  json_object_set_string_member (fields, "kind", "use");
  json_object_set_string_member (fields, "part_id", part);
  json_object_set_int_member (fields, "qty", g_rand_int_range (c->rand, 1, 4));
  json_object_set_string_member (fields, "from_location", location);
  json_object_set_string_member (fields, "work_order_id", order_id);
  json_object_set_string_member (fields, "reason", "Used on the job");
  json_object_set_string_member (fields, "by", c->login);
  json_object_set_string_member (fields, "at", at_text);
  return fl_mutation_new (fl_load_client_next_mid (c), "stock_movement", id, FL_MUTATION_APPEND, at, fields);
}

/* The next move of one of the client's own orders, or taking a new one. */
static FlMutation *
status_move (FlLoadClient *c, gint64 at, GPtrArray *batch)
{
  const char *id = NULL;
  JsonObject *row = NULL;
  const char *to = NULL;
  g_autofree char *at_text = fl_time_format (at);
  g_autoptr(JsonObject) changes = json_object_new ();

  for (int tries = 0; tries < 4 && c->own_orders->len > 0 && to == NULL; tries++)
    {
      id = random_of (c, c->own_orders);
      row = g_hash_table_lookup (c->orders, id);
      const char *status = row != NULL ? fl_record_get_string (row, "status") : NULL;
      if (row == NULL || g_strcmp0 (fl_record_get_string (row, "assignee"), c->login) != 0)
        continue;
      if (g_strcmp0 (status, "assigned") == 0 || g_strcmp0 (status, "on_hold") == 0)
        to = "in_progress";
      else if (g_strcmp0 (status, "in_progress") == 0)
        to = "on_hold";
    }
  if (to == NULL)
    {
      /* Take a new order at one of the engineer's sites. */
      for (int tries = 0; tries < 16 && to == NULL; tries++)
        {
          row = random_order (c, &id);
          if (row != NULL && g_strcmp0 (fl_record_get_string (row, "status"), "new") == 0)
            to = "assigned";
        }
      if (to == NULL)
        return NULL;
      add_change (changes, row, "assignee", text_node (c->login));
      g_ptr_array_add (c->own_orders, g_strdup (id));
    }
  else if (strcmp (to, "in_progress") == 0)
    {
      if (fl_record_get_string (row, "responded_at") == NULL)
        add_change (changes, row, "responded_at", text_node (at_text));
      if (fl_record_get_string (row, "on_hold_since") != NULL)
        add_change (changes, row, "on_hold_since", json_node_new (JSON_NODE_NULL));
    }
  else
    add_change (changes, row, "on_hold_since", text_node (at_text));
  add_change (changes, row, "status", text_node (to));
  FlMutation *move = fl_mutation_new (fl_load_client_next_mid (c), "work_order", id, FL_MUTATION_UPDATE, at, changes);
  g_ptr_array_add (batch, move);
  /* As the client's lifecycle does: the move goes into the work log. */
  g_autofree char *note = g_strdup_printf ("Status: %s", to);
  return work_log (c, id, at, "note", note);
}

static FlMutation *
text_update (FlLoadClient *c, gint64 at)
{
  const char *id = NULL;
  const char *field = g_rand_boolean (c->rand) ? "contact" : "description";
  JsonObject *row = random_order_for (c, field, &id);
  if (row == NULL)
    return NULL;
  g_autoptr(JsonObject) changes = json_object_new ();
  g_autofree char *text = g_strdup_printf ("%s, updated on site by %s (%" G_GINT64_FORMAT ")",
                                           g_rand_boolean (c->rand) ? "Caller reachable on ext. 3021"
                                                                    : "Ward manager informed",
                                           c->login, ++c->serial);
  add_change (changes, row, field, text_node (text));
  return fl_mutation_new (fl_load_client_next_mid (c), "work_order", id, FL_MUTATION_UPDATE, at, changes);
}

static void
fill_batch (FlLoadClient *c, guint size, GPtrArray *batch)
{
  gint64 at = fl_time_now ();
  while (batch->len < size)
    {
      FlMutation *m = NULL;
      const char *order_id = NULL;
      int dice = g_rand_int_range (c->rand, 0, 100);
      if (dice < 10 && batch->len + 2 <= size)
        m = status_move (c, at, batch);
      else if (dice < 40)
        m = text_update (c, at);
      else if (random_order (c, &order_id) != NULL)
        {
          if (dice < 75)
            {
              g_autofree char *text = g_strdup_printf ("Checked the cabling and the switch port (%" G_GINT64_FORMAT ")",
                                                       ++c->serial);
              m = work_log (c, order_id, at, dice < 60 ? "note" : "labour", text);
            }
          else
            m = part_used (c, order_id, at);
        }
      if (m == NULL)
        {
          if (g_hash_table_size (c->orders) == 0)
            return;  /* nothing to work on at the engineer's sites */
          continue;
        }
      g_ptr_array_add (batch, m);
    }
}

/* The server kept its values where the client's changes conflicted: hold
 * them, as a client does until the user resolves the conflict. */
static void
take_theirs (FlLoadClient *c, GPtrArray *batch, FlPushResponse *response)
{
  for (guint i = 0; i < response->results->len && i < batch->len; i++)
    {
      FlMutationResult *result = response->results->pdata[i];
      FlMutation *m = batch->pdata[i];
      JsonObject *row = strcmp (m->table, "work_order") == 0 ? g_hash_table_lookup (c->orders, m->id) : NULL;
      if (row == NULL)
        continue;
      for (guint k = 0; k < result->conflicts->len; k++)
        {
          FlConflict *conflict = result->conflicts->pdata[k];
          json_object_set_member (row, conflict->field, json_node_copy (conflict->theirs));
        }
    }
}

gboolean
fl_load_client_round (FlLoadClient *c, guint max_batch, GError **error)
{
  g_autoptr(GPtrArray) batch = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_mutation_free);
  fill_batch (c, (guint) g_rand_int_range (c->rand, 1, (gint32) max_batch + 1), batch);
  if (batch->len > 0)
    {
      g_autoptr(FlPushResponse) response = fl_load_client_push (c, batch, error);
      if (response == NULL)
        return FALSE;
      take_theirs (c, batch, response);
    }
  return fl_load_client_pull (c, error);
}
