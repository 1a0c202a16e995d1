/* The sync engine end to end against the real server in-process: sign-in,
 * first snapshot, push, pull, conflicts and their resolution, rejections,
 * revoked devices, expired cursors, interrupted syncs and blobs. */
#include "fl-sync-test-util.h"

#include <sys/stat.h>

#include "fl-demo-data.h"
#include "fl-soup-transport.h"
#include "fl-sqlite-store-db.h"
#include "fl-work-order-queries.h"
#include "fl-work-order.h"

typedef struct {
  FlSyncServer s;
} Fixture;

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  fl_sync_server_setup (&f->s);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  fl_sync_server_teardown (&f->s);
}

static char *
create_work_order (FlSyncTestClient *c, const char *site_id, const char *title)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = "incident",
    .title = title,
    .site_id = site_id,
    .reporter = "ward 3",
    .impact = 3,
    .urgency = 2,
    /* an engineer records the order for themselves, to work on it */
    .assignee = g_str_has_prefix (c->login, "eng_") ? c->login : NULL,
  };
  char *id = NULL;
  fl_work_order_create (c->db, &draft, c->login, &id, &error);
  g_assert_no_error (error);
  return id;
}

static void
set_field (FlSyncTestClient *c, const char *table, const char *id, const char *field, const char *value)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, field, value);
  fl_changelog_update (c->db, table, id, values, &error);
  g_assert_no_error (error);
}

static char *
get_field (FlDb *db, const char *table, const char *id, const char *field)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = fl_record_load (db, fl_schema_lookup (table), id, &error);
  g_assert_no_error (error);
  return g_strdup (fl_record_get_string (row, field));
}

static JsonObject *
server_row (Fixture *f, const char *table, const char *id)
{
  g_autoptr(GError) error = NULL;
  JsonObject *row = fl_store_load_row (f->s.store, fl_schema_lookup (table), id, &error);
  g_assert_no_error (error);
  return row;
}

/* Sign-in stores the device, the first sync brings what the user may see. */
static void
test_login_and_first_sync (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  g_autoptr(GError) error = NULL;

  g_assert_false (fl_sync_client_is_signed_in (a.client));
  fl_sync_client_sync (a.client, NULL, &error);
  g_assert_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NOT_CONFIGURED);
  g_clear_error (&error);

  fl_sync_client_login (a.client, fl_sync_server_url (&f->s), "eng_a", "wrong password", NULL, NULL, &error);
  g_assert_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED);
  g_clear_error (&error);

  fl_sync_test_client_login (&a, &f->s);
  g_assert_true (fl_sync_client_is_signed_in (a.client));
  g_autofree char *code = fl_db_get_meta (a.db, FL_META_DEVICE_CODE);
  g_assert_cmpuint (strlen (code), ==, 3);
  g_autofree char *role = fl_db_get_meta (a.db, FL_META_ROLE);
  g_assert_cmpstr (role, ==, "engineer");

  g_autofree char *wo_b = NULL;
  {
    /* A work order at the other site: never seen by eng_a. */
    g_autoptr(JsonObject) wo = json_object_new ();
    json_object_set_string_member (wo, "ref", "INC-261122-SRV-0001");
    json_object_set_string_member (wo, "kind", "incident");
    json_object_set_string_member (wo, "title", "Core switch down");
    json_object_set_string_member (wo, "site_id", f->s.site_b);
    json_object_set_int_member (wo, "impact", 2);
    json_object_set_int_member (wo, "urgency", 2);
    json_object_set_string_member (wo, "status", "new");
    wo_b = fl_test_put (f->s.store, "work_order", wo);
  }

  fl_sync_test_client_sync (&a);
  const FlSyncStats *stats = fl_sync_client_get_last_stats (a.client);
  g_assert_cmpint (stats->snapshot_rows, >, 0);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM site"), ==, 1);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 0);
  g_autofree char *cursor = fl_db_get_meta (a.db, FL_META_CURSOR);
  g_assert_nonnull (cursor);
  g_autofree char *last = fl_db_get_meta (a.db, FL_META_LAST_SYNC);
  g_assert_nonnull (last);

  /* A second sync finds nothing new. */
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->snapshot_rows, ==, 0);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->pushed, ==, 0);
}

/* An order created offline on A reaches the server once and B sees it. */
static void
test_push_and_pull (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  g_auto(FlSyncTestClient) b = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_init (&b, "eng_a2");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_login (&b, &f->s);
  fl_sync_test_client_sync (&a);
  fl_sync_test_client_sync (&b);

  g_autofree char *id = create_work_order (&a, f->s.site_a, "UPS alarm in room 2");
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_PENDING);
  g_autoptr(GError) error = NULL;
  fl_work_order_log (a.db, id, "eng_a", "note", 0, "Battery 3 swollen", &error);
  g_assert_no_error (error);

  gint64 waiting = fl_changelog_pending_count (a.db, NULL);
  g_assert_cmpint (waiting, >=, 2);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->applied, ==, waiting);
  g_assert_cmpint (fl_changelog_pending_count (a.db, NULL), ==, 0);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_SYNCED);

  g_autoptr(JsonObject) on_server = server_row (f, "work_order", id);
  g_assert_cmpstr (fl_record_get_string (on_server, "title"), ==, "UPS alarm in room 2");

  fl_sync_test_client_sync (&b);
  g_autofree char *title = get_field (b.db, "work_order", id, "title");
  g_assert_cmpstr (title, ==, "UPS alarm in room 2");
  g_assert_cmpint (fl_test_count (b.db, "SELECT count(*) FROM work_log"), ==,
                   fl_test_count (a.db, "SELECT count(*) FROM work_log"));

  /* B's edit comes back to A; A's row equals the server's, version and all. */
  set_field (&b, "work_order", id, "description", "Replaced battery 3");
  fl_sync_test_client_sync (&b);
  fl_sync_test_client_sync (&a);
  g_autoptr(JsonObject) row_a = fl_record_load (a.db, fl_schema_lookup ("work_order"), id, NULL);
  g_autoptr(JsonObject) row_s = server_row (f, "work_order", id);
  g_autoptr(JsonNode) node_a = json_node_init_object (json_node_alloc (), row_a);
  g_autoptr(JsonNode) node_s = json_node_init_object (json_node_alloc (), row_s);
  g_assert_true (json_node_equal (node_a, node_s));
}

static void
assert_row_is_servers (Fixture *f, FlSyncTestClient *c, const char *table, const char *id)
{
  g_autoptr(JsonObject) mine = fl_record_load (c->db, fl_schema_lookup (table), id, NULL);
  g_autoptr(JsonObject) theirs = server_row (f, table, id);
  g_autoptr(JsonNode) node_mine = json_node_init_object (json_node_alloc (), mine);
  g_autoptr(JsonNode) node_theirs = json_node_init_object (json_node_alloc (), theirs);
  if (!json_node_equal (node_mine, node_theirs))
    {
      g_autofree char *text_mine = json_to_string (node_mine, FALSE);
      g_autofree char *text_theirs = json_to_string (node_theirs, FALSE);
      g_error ("%s: %s %s differs from the server's\n  replica %s\n  server  %s", c->login, table, id,
               text_mine, text_theirs);
    }
}

/* The server takes an update but stores something else than was sent:
 * derived fields are its own to compute, so an update of them only is
 * answered `applied` and changes nothing there (no new version for a pull
 * to bring).  The replica ends with the server's row, not the values it
 * sent; an update the server does store comes back with its version. */
static void
test_push_ends_with_servers_row (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Label printer offline");
  fl_sync_test_client_sync (&a);
  assert_row_is_servers (f, &a, "work_order", id);

  g_autoptr(JsonObject) before = server_row (f, "work_order", id);
  const char *priority = g_strcmp0 (fl_record_get_string (before, "priority"), "low") == 0 ? "high" : "low";
  set_field (&a, "work_order", id, "priority", priority);
  set_field (&a, "work_order", id, "resolve_due", "2030-01-01T00:00:00.000Z");
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->applied, ==, 2);
  g_autoptr(JsonObject) after = server_row (f, "work_order", id);
  g_assert_cmpstr (fl_record_get_string (after, "version"), ==, fl_record_get_string (before, "version"));
  assert_row_is_servers (f, &a, "work_order", id);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM sync_shadow_work_order"), ==, 0);

  set_field (&a, "work_order", id, "title", "Label printer offline again");
  set_field (&a, "work_order", id, "priority", priority);
  fl_sync_test_client_sync (&a);
  assert_row_is_servers (f, &a, "work_order", id);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM sync_shadow_work_order"), ==, 0);
}

/* The same field edited on two devices: `a` and `b` sign in, `a` records
 * an order ("Printer offline") that both sync, and each renames it offline,
 * `a` to "Printer offline, ward 5" and `b` to "Printer jammed".  `b` syncs
 * first (between `before` and `after`, if given), so `a`'s next push keeps
 * the server's title.  Returns the order's id. */
static char *
rename_on_both (Fixture *f, FlSyncTestClient *a, FlSyncTestClient *b, gint64 *before, gint64 *after)
{
  fl_sync_test_client_login (a, &f->s);
  fl_sync_test_client_login (b, &f->s);
  fl_sync_test_client_sync (a);
  char *id = create_work_order (a, f->s.site_a, "Printer offline");
  fl_sync_test_client_sync (a);
  fl_sync_test_client_sync (b);

  set_field (a, "work_order", id, "title", "Printer offline, ward 5");
  set_field (b, "work_order", id, "title", "Printer jammed");
  if (before != NULL)
    *before = fl_time_now ();
  fl_sync_test_client_sync (b);
  if (after != NULL)
    *after = fl_time_now ();
  return id;
}

/* The second push keeps the server's value, the author sees the conflict
 * and keeps their own. */
static void
test_conflict_and_resolution (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  g_auto(FlSyncTestClient) b = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_init (&b, "super");
  g_autofree char *id = rename_on_both (f, &a, &b, NULL, NULL);
  set_field (&a, "work_order", id, "contact", "nurse station 5");
  fl_sync_test_client_sync (&a);

  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->conflicts, ==, 1);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_CONFLICT);
  g_autofree char *shown = get_field (a.db, "work_order", id, "title");
  g_assert_cmpstr (shown, ==, "Printer jammed");
  g_autofree char *contact = get_field (a.db, "work_order", id, "contact");
  g_assert_cmpstr (contact, ==, "nurse station 5");  /* the other field applied */

  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) conflicts = fl_outbox_unresolved (a.db, "conflict", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (conflicts->len, ==, 1);
  FlOutboxEntry *entry = g_ptr_array_index (conflicts, 0);
  g_assert_cmpuint (entry->conflicts->len, ==, 1);
  FlConflict *conflict = g_ptr_array_index (entry->conflicts, 0);
  g_assert_cmpstr (conflict->field, ==, "title");
  g_assert_cmpstr (json_node_get_string (conflict->mine), ==, "Printer offline, ward 5");
  g_assert_cmpstr (json_node_get_string (conflict->theirs), ==, "Printer jammed");

  fl_outbox_resolve_conflict (a.db, entry->mid, TRUE, &error);
  g_assert_no_error (error);
  fl_outbox_resolve_conflict (a.db, entry->mid, TRUE, &error);
  g_assert_error (error, FL_OUTBOX_ERROR, FL_OUTBOX_ERROR_WRONG_STATE);
  g_clear_error (&error);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_PENDING);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_SYNCED);
  fl_sync_test_client_sync (&b);
  g_autofree char *final = get_field (b.db, "work_order", id, "title");
  g_assert_cmpstr (final, ==, "Printer offline, ward 5");
}

/* The replica keeps who made the server's value of a conflict, as the
 * server named them, across a restart of the client. */
static void
test_conflict_keeps_other_author (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = fl_accounts_add_user (f->s.store, "lina", "李娜", "supervisor", NULL,
                                                     FL_TEST_PASSWORD, "admin", &error);
  g_assert_no_error (error);
  g_auto(FlSyncTestClient) a = { 0 };
  g_auto(FlSyncTestClient) b = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_init (&b, "lina");
  gint64 before = 0, after = 0;
  g_autofree char *id = rename_on_both (f, &a, &b, &before, &after);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->conflicts, ==, 1);

  for (guint reopened = 0; reopened < 2; reopened++)
    {
      g_autoptr(GPtrArray) conflicts = fl_outbox_unresolved (a.db, "conflict", &error);
      g_assert_no_error (error);
      g_assert_cmpuint (conflicts->len, ==, 1);
      FlOutboxEntry *entry = g_ptr_array_index (conflicts, 0);
      FlConflict *conflict = g_ptr_array_index (entry->conflicts, 0);
      g_assert_cmpstr (conflict->field, ==, "title");
      g_assert_cmpstr (conflict->theirs_by, ==, "lina");
      g_assert_cmpstr (conflict->theirs_by_name, ==, "李娜");
      g_assert_cmpint (conflict->theirs_at, >=, before - 1000);  /* milliseconds on the wire */
      g_assert_cmpint (conflict->theirs_at, <=, after);
      if (reopened == 0)
        {
          fl_sync_test_client_close (&a);
          fl_sync_test_client_open (&a);
        }
    }
}

/* A transport that lets the user edit just before the pull of a sync
 * (the UI keeps working while a sync runs). */
#define TYPE_HOOK_TRANSPORT (hook_transport_get_type ())
G_DECLARE_FINAL_TYPE (HookTransport, hook_transport, HOOK, TRANSPORT, GObject)

struct _HookTransport
{
  GObject          parent_instance;
  FlSyncTransport *inner;
  void           (*before_pull) (gpointer data);
  gpointer         data;
  guint            busy;  /* requests to answer 503 with Retry-After: 7, as a busy server */
};

static FlSyncResponse *
hook_send (FlSyncTransport *transport, const FlSyncRequest *request, GCancellable *cancellable, GError **error)
{
  HookTransport *self = HOOK_TRANSPORT (transport);
  if (self->busy > 0)
    {
      self->busy--;
      FlSyncResponse *response = g_new0 (FlSyncResponse, 1);
      response->status = 503;
      response->content_length = 0;
      response->retry_after = fl_sync_parse_retry_after ("7");
      response->body = g_memory_input_stream_new ();
      return response;
    }
  if (self->before_pull != NULL && strstr (request->path, "/sync/pull") != NULL)
    {
      self->before_pull (self->data);
      self->before_pull = NULL;
    }
  return fl_sync_transport_send (self->inner, request, cancellable, error);
}

static void
hook_transport_iface_init (FlSyncTransportInterface *iface)
{
  iface->send = hook_send;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (HookTransport, hook_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_SYNC_TRANSPORT, hook_transport_iface_init))

static void
hook_transport_finalize (GObject *object)
{
  g_clear_object (&HOOK_TRANSPORT (object)->inner);
  G_OBJECT_CLASS (hook_transport_parent_class)->finalize (object);
}

static void
hook_transport_class_init (HookTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = hook_transport_finalize;
}

static void
hook_transport_init (HookTransport *self)
{
}

typedef struct {
  FlSyncTestClient *client;
  const char       *id;
} EditData;

static void
edit_while_syncing (gpointer data)
{
  EditData *edit = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "title", "Title from A");
  json_object_set_string_member (values, "description", "Same as B");
  json_object_set_string_member (values, "contact", "contact from A");
  fl_changelog_update (edit->client->db, "work_order", edit->id, values, &error);
  g_assert_no_error (error);
}

static const char *
change_from (FlOutboxEntry *entry, const char *field)
{
  JsonObject *change = json_object_get_object_member (entry->payload, field);
  return json_object_get_string_member (change, "from");
}

/* Local changes made while a pull brings the same row: they stay visible;
 * one the server already holds gets that value as `from`; one that will
 * conflict keeps the `from` the user saw, so the server records the
 * conflict instead of the other side's value being overwritten. */
static void
test_rebase_on_pull (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  g_auto(FlSyncTestClient) b = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_init (&b, "super");  /* a supervisor edits the same order */
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_login (&b, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Original title");
  set_field (&a, "work_order", id, "contact", "original contact");
  fl_sync_test_client_sync (&a);
  fl_sync_test_client_sync (&b);

  set_field (&b, "work_order", id, "description", "Same as B");
  set_field (&b, "work_order", id, "contact", "contact from B");
  fl_sync_test_client_sync (&b);

  g_autoptr(GError) error = NULL;
  HookTransport *hook = g_object_new (TYPE_HOOK_TRANSPORT, NULL);
  hook->inner = fl_soup_transport_new (fl_sync_server_url (&f->s), &error);
  g_assert_no_error (error);
  EditData edit = { &a, id };
  hook->before_pull = edit_while_syncing;
  hook->data = &edit;
  fl_sync_client_set_transport (a.client, FL_SYNC_TRANSPORT (hook));
  g_object_unref (hook);
  fl_sync_test_client_sync (&a);

  /* Everything A typed is shown, over B's pulled values. */
  g_autofree char *title = get_field (a.db, "work_order", id, "title");
  g_autofree char *contact = get_field (a.db, "work_order", id, "contact");
  g_assert_cmpstr (title, ==, "Title from A");
  g_assert_cmpstr (contact, ==, "contact from A");
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_PENDING);
  g_autoptr(GPtrArray) pending = fl_outbox_pending_updates (a.db, "work_order", id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pending->len, ==, 1);
  FlOutboxEntry *entry = g_ptr_array_index (pending, 0);
  g_assert_cmpstr (change_from (entry, "title"), ==, "Original title");
  g_assert_cmpstr (change_from (entry, "description"), ==, "Same as B");
  g_assert_cmpstr (change_from (entry, "contact"), ==, "original contact");

  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->conflicts, ==, 1);
  g_autoptr(JsonObject) row = server_row (f, "work_order", id);
  g_assert_cmpstr (fl_record_get_string (row, "title"), ==, "Title from A");
  g_assert_cmpstr (fl_record_get_string (row, "contact"), ==, "contact from B");
  g_autofree char *shown = get_field (a.db, "work_order", id, "contact");
  g_assert_cmpstr (shown, ==, "contact from B");
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_CONFLICT);
}

/* An impossible status move is rejected with the server's reason, the row
 * shows the server's status again, and the user can discard it. */
static void
test_rejection (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Disk failure");
  fl_sync_test_client_sync (&a);

  set_field (&a, "work_order", id, "status", "closed");  /* only an approval closes */
  set_field (&a, "work_order", id, "cause", "old disk");
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->rejected, ==, 1);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_REJECTED);
  g_autofree char *status = get_field (a.db, "work_order", id, "status");
  g_assert_cmpstr (status, ==, "assigned");
  g_autofree char *cause = get_field (a.db, "work_order", id, "cause");
  g_assert_cmpstr (cause, ==, "old disk");

  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) rejected = fl_outbox_unresolved (a.db, "rejected", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rejected->len, ==, 1);
  FlOutboxEntry *entry = g_ptr_array_index (rejected, 0);
  g_assert_nonnull (entry->error);
  g_assert_cmpuint (strlen (entry->error), >, 10);
  fl_outbox_discard (a.db, entry->mid, &error);
  g_assert_no_error (error);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", id), ==, FL_RECORD_SYNCED);
}

/* A checklist on the server, then spoiled behind its back as an older
 * version could store it: its items read back as null. */
static char *
put_template (Fixture *f, const char *name, gboolean spoiled)
{
  g_autoptr(JsonObject) template = json_object_new ();
  json_object_set_string_member (template, "ci_type", "ups");
  json_object_set_string_member (template, "name", name);
  json_object_set_array_member (template, "items", json_array_new ());
  char *id = fl_sync_test_put (f->s.store, "inspection_template", template);
  if (spoiled)
    {
      FlDb *db = fl_sqlite_store_get_db (FL_SQLITE_STORE (f->s.store));
      g_autoptr(GError) error = NULL;
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, "UPDATE inspection_template SET items = '{\"temp\": 1e999' "
                                                  "WHERE id = ?", &error);
      g_assert_no_error (error);
      sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
      fl_stmt_step_done (db, stmt, &error);
      g_assert_no_error (error);
    }
  return id;
}

/* One bad row on the server (in a snapshot, then in a pull) is left out
 * and listed with its table, id and reason; every other row syncs and the
 * cursor moves on, so the site's clients never stall on it. */
static void
test_bad_row_is_refused_alone (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  g_autofree char *good = put_template (f, "UPS monthly", FALSE);
  g_autofree char *bad = put_template (f, "UPS weekly", TRUE);

  /* Refusals are logged as warnings; here they are expected. */
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->refused, ==, 1);
  g_assert_cmpint (fl_sync_test_count (a.db, "SELECT count(*) FROM inspection_template"), ==, 1);
  g_autofree char *name = get_field (a.db, "inspection_template", good, "name");
  g_assert_cmpstr (name, ==, "UPS monthly");

  g_autofree char *later_bad = put_template (f, "UPS yearly", TRUE);
  g_autofree char *later_good = put_template (f, "UPS daily", FALSE);
  g_autofree char *cursor = fl_db_get_meta (a.db, FL_META_CURSOR);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->refused, ==, 1);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->pulled, >=, 2);
  g_assert_cmpint (fl_sync_test_count (a.db, "SELECT count(*) FROM inspection_template"), ==, 2);
  g_autofree char *moved = fl_db_get_meta (a.db, FL_META_CURSOR);
  g_assert_cmpstr (moved, !=, cursor);

  /* Nothing new: a quiet sync, no refusal again. */
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->refused, ==, 0);
  g_log_set_always_fatal (fatal);

  g_autoptr(GPtrArray) refused = fl_sync_client_get_refused_rows (a.client);
  g_assert_cmpuint (refused->len, ==, 2);
  const char *ids[] = { bad, later_bad };
  for (guint i = 0; i < refused->len; i++)
    {
      FlRefusedRow *row = refused->pdata[i];
      g_assert_cmpstr (row->table, ==, "inspection_template");
      g_assert_cmpstr (row->id, ==, ids[i]);
      g_assert_true (g_str_has_prefix (row->reason, "inspection_template.items: "));
      g_assert_cmpint (row->at, >, 0);
    }
}

/* A revoked device: a clear signed-out error, data and outbox kept; after
 * signing in again the waiting change goes out. */
static void
test_revoked_device (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *device = fl_db_get_meta (a.db, FL_META_DEVICE_ID);
  g_autoptr(GError) error = NULL;
  fl_accounts_revoke_device (f->s.store, device, "admin", &error);
  g_assert_no_error (error);

  g_autofree char *id = create_work_order (&a, f->s.site_a, "Badge reader dead");
  fl_sync_client_sync (a.client, NULL, &error);
  g_assert_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT);
  g_clear_error (&error);
  g_assert_false (fl_sync_client_is_signed_in (a.client));
  g_autofree char *reason = fl_db_get_meta (a.db, FL_META_SIGNED_OUT);
  g_assert_nonnull (reason);
  g_assert_cmpint (fl_changelog_pending_count (a.db, NULL), >, 0);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 1);

  fl_sync_test_client_login (&a, &f->s);
  g_autofree char *new_device = fl_db_get_meta (a.db, FL_META_DEVICE_ID);
  g_assert_cmpstr (new_device, !=, device);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_changelog_pending_count (a.db, NULL), ==, 0);
  g_autoptr(JsonObject) row = server_row (f, "work_order", id);
  g_assert_nonnull (row);
}

/* Another person signs in on the same replica: refused while the first
 * one's changes wait, then the replica holds only what they may see. */
static void
test_another_user (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Left by eng_a");
  g_autoptr(GError) error = NULL;
  fl_sync_client_login (a.client, fl_sync_server_url (&f->s), "eng_b", FL_TEST_PASSWORD, NULL, NULL, &error);
  g_assert_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED);
  g_assert_nonnull (strstr (error->message, "eng_a"));
  g_clear_error (&error);

  set_field (&a, "work_order", id, "status", "closed");  /* refused by the server */
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_outbox_count (a.db, "rejected", NULL), ==, 1);

  fl_sync_client_login (a.client, fl_sync_server_url (&f->s), "eng_b", FL_TEST_PASSWORD, NULL, NULL, &error);
  g_assert_no_error (error);
  g_free (a.login);
  a.login = g_strdup ("eng_b");
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 0);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM site"), ==, 1);
  g_assert_cmpint (fl_outbox_count (a.db, "rejected", NULL), ==, 0);
  g_autofree char *role = fl_db_get_meta (a.db, FL_META_LOGIN);
  g_assert_cmpstr (role, ==, "eng_b");
}

/* The user's sites change: the cursor is refused (410), the client takes
 * a snapshot and keeps its waiting changes on top of it. */
static void
test_expired_cursor_keeps_outbox (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "super");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Aircon leaking");
  fl_sync_test_client_sync (&a);
  set_field (&a, "work_order", id, "title", "Aircon leaking on rack 4");
  g_autofree char *new_id = create_work_order (&a, f->s.site_a, "Fire alarm test");

  g_autoptr(GError) error = NULL;
  const char *sites[] = { f->s.site_a, NULL };
  fl_accounts_set_sites (f->s.store, "super", sites, "admin", &error);
  g_assert_no_error (error);

  /* Push first (the changes are kept), then pull gets 410 -> snapshot. */
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->snapshot_rows, >, 0);
  g_autoptr(JsonObject) row = server_row (f, "work_order", id);
  g_assert_cmpstr (fl_record_get_string (row, "title"), ==, "Aircon leaking on rack 4");
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM site"), ==, 1);
  g_autofree char *shown = get_field (a.db, "work_order", new_id, "title");
  g_assert_cmpstr (shown, ==, "Fire alarm test");
}

static gboolean
count_labour (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  if (g_strcmp0 (fl_record_get_string (row, "kind"), "labour") == 0)
    (*(gint64 *) user_data)++;
  return TRUE;
}

/* Killed after the server applied a push but before the answer was kept:
 * the next sync sends the same mids and nothing is applied twice. */
static void
test_killed_mid_sync (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Switch port flapping");
  g_autoptr(GError) error = NULL;
  fl_work_order_log (a.db, id, "eng_a", "labour", 30, "Traced the cable", &error);
  g_assert_no_error (error);

  const char *points[] = { "sync-push-sent", "sync-push-results", "sync-pull-page" };
  for (guint i = 0; i < G_N_ELEMENTS (points); i++)
    {
      set_field (&a, "work_order", id, "contact", points[i]);
      fl_db_set_fail_point (a.db, points[i]);
      fl_sync_client_sync (a.client, NULL, &error);
      g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_INJECTED);
      g_clear_error (&error);
      /* The process dies: drop the connection, open the file again. */
      fl_sync_test_client_close (&a);
      fl_sync_test_client_open (&a);
      fl_sync_test_client_sync (&a);
      g_assert_cmpint (fl_changelog_pending_count (a.db, NULL), ==, 0);
      g_autofree char *contact = get_field (a.db, "work_order", id, "contact");
      g_assert_cmpstr (contact, ==, points[i]);
    }
  g_autoptr(JsonObject) row = server_row (f, "work_order", id);
  g_assert_cmpstr (fl_record_get_string (row, "contact"), ==, points[2]);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM outbox WHERE state NOT IN ('applied', 'merged')"), ==, 0);
  /* The log entry exists once on the server and once here. */
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_log WHERE kind = 'labour'"), ==, 1);
  gint64 on_server = 0;
  fl_store_foreach_row (f->s.store, fl_schema_lookup ("work_log"), NULL, count_labour, &on_server, &error);
  g_assert_no_error (error);
  g_assert_cmpint (on_server, ==, 1);
}

/* The NDJSON snapshot cut short leaves nothing and starts again. */
static void
test_snapshot_interrupted (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "super");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_client_set_replica_files (a.client, FALSE);
  for (int i = 0; i < 3000; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261122-SRV-%04d", i);
      g_autoptr(JsonObject) wo = json_object_new ();
      json_object_set_string_member (wo, "ref", ref);
      json_object_set_string_member (wo, "kind", "incident");
      json_object_set_string_member (wo, "title", "Bulk");
      json_object_set_string_member (wo, "site_id", f->s.site_a);
      json_object_set_int_member (wo, "impact", 3);
      json_object_set_int_member (wo, "urgency", 3);
      json_object_set_string_member (wo, "status", "new");
      g_autofree char *id = fl_test_put (f->s.store, "work_order", wo);
    }
  g_autoptr(GError) error = NULL;
  fl_db_set_fail_point (a.db, "sync-snapshot-rows");
  fl_sync_client_sync (a.client, NULL, &error);
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_INJECTED);
  g_clear_error (&error);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 0);
  g_assert_null (fl_db_get_meta (a.db, FL_META_CURSOR));

  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 3000);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH 'Bulk'"), ==, 3000);
}

/* An attachment's bytes go up before the row that names them; another
 * device downloads them on demand. */
static void
test_blobs (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  g_auto(FlSyncTestClient) b = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_init (&b, "eng_a2");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_login (&b, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Rack photo");

  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) photo = g_bytes_new_static ("\x89PNG not really a photo", 23);
  g_autofree char *sha = fl_sync_client_add_blob (a.client, photo, &error);
  g_assert_no_error (error);
  g_autoptr(JsonObject) attachment = json_object_new ();
  json_object_set_string_member (attachment, "owner_table", "work_order");
  json_object_set_string_member (attachment, "owner_id", id);
  json_object_set_string_member (attachment, "site_id", f->s.site_a);
  json_object_set_string_member (attachment, "sha256", sha);
  json_object_set_string_member (attachment, "mime", "image/png");
  json_object_set_string_member (attachment, "size", "23");
  json_object_set_string_member (attachment, "by", "eng_a");
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (attachment, "at", now);
  g_autofree char *attachment_id = NULL;
  fl_changelog_append (a.db, "attachment", attachment, &attachment_id, &error);
  g_assert_no_error (error);

  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->blobs, ==, 1);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->rejected, ==, 0);

  fl_sync_test_client_sync (&b);
  g_autoptr(GFile) file = fl_sync_client_fetch_blob (b.client, sha, NULL, &error);
  g_assert_no_error (error);
  g_autofree char *contents = NULL;
  gsize length;
  g_file_load_contents (file, NULL, &contents, &length, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (length, ==, 23);

  /* A blob over the server's limit: the attachment naming it is rejected
   * with the server's reason; the rest goes through. */
  guint16 port = fl_server_get_port (f->s.server);
  g_clear_pointer (&f->s.server, fl_server_stop);
  f->s.max_blob_size = 16;
  fl_sync_server_start_on (&f->s, port);
  g_autoptr(GBytes) big = g_bytes_new_static ("a photo of more than sixteen bytes", 34);
  g_autofree char *big_sha = fl_sync_client_add_blob (a.client, big, &error);
  g_assert_no_error (error);
  json_object_set_string_member (attachment, "sha256", big_sha);
  json_object_set_string_member (attachment, "size", "34");
  g_autofree char *big_id = NULL;
  fl_changelog_append (a.db, "attachment", attachment, &big_id, &error);
  g_assert_no_error (error);
  set_field (&a, "work_order", id, "contact", "still sent");
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->rejected, ==, 1);
  g_assert_cmpint (fl_outbox_record_state (a.db, "attachment", big_id), ==, FL_RECORD_REJECTED);
  g_autoptr(JsonObject) row = server_row (f, "work_order", id);
  g_assert_cmpstr (fl_record_get_string (row, "contact"), ==, "still sent");
}

/* The async API: progress in the caller's main context, same outcome. */
static void
sync_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  g_autoptr(GError) error = NULL;
  fl_sync_client_sync_finish (FL_SYNC_CLIENT (source), result, &error);
  g_assert_no_error (error);
  *done = TRUE;
}

static void
count_progress (FlSyncClient *client, guint phase, gint64 done, gint64 total, gpointer user_data)
{
  g_assert_true (g_main_context_is_owner (g_main_context_default ()));
  (*(guint *) user_data)++;
}

static void
test_async_sync (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *id = create_work_order (&a, f->s.site_a, "Async order");
  guint reports = 0;
  g_signal_connect (a.client, "progress", G_CALLBACK (count_progress), &reports);
  gboolean done = FALSE;
  fl_sync_client_sync_async (a.client, NULL, sync_done, &done);
  /* The UI's own connection stays usable while the sync runs. */
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 1);
  while (!done)
    g_main_context_iteration (NULL, TRUE);
  while (g_main_context_pending (NULL))
    g_main_context_iteration (NULL, FALSE);
  g_assert_cmpuint (reports, >, 0);
  g_assert_cmpint (fl_changelog_pending_count (a.db, NULL), ==, 0);
  g_autoptr(JsonObject) row = server_row (f, "work_order", id);
  g_assert_nonnull (row);
}

static void
test_backoff (void)
{
  g_assert_cmpfloat (fl_sync_backoff_delay (1, 0.5), ==, 2.0);
  g_assert_cmpfloat (fl_sync_backoff_delay (3, 0.5), ==, 8.0);
  g_assert_cmpfloat (fl_sync_backoff_delay (30, 0.5), ==, 300.0);
  g_assert_cmpfloat (fl_sync_backoff_delay (2, 0.0), ==, 4.0 * 0.8);
}

/* A busy server's Retry-After is what the next attempt waits, spread up
 * to half as long again, instead of the back-off; a date or anything but
 * plain seconds is not taken for one. */
static void
test_retry_after (Fixture *f, gconstpointer data)
{
  g_assert_cmpuint (fl_sync_parse_retry_after ("7"), ==, 7);
  g_assert_cmpuint (fl_sync_parse_retry_after (" 12 "), ==, 12);
  g_assert_cmpuint (fl_sync_parse_retry_after ("99999999999999999999"), ==, 3600);
  g_assert_cmpuint (fl_sync_parse_retry_after ("0"), ==, 0);
  g_assert_cmpuint (fl_sync_parse_retry_after ("-3"), ==, 0);
  g_assert_cmpuint (fl_sync_parse_retry_after ("1.5"), ==, 0);
  g_assert_cmpuint (fl_sync_parse_retry_after ("5 s"), ==, 0);
  g_assert_cmpuint (fl_sync_parse_retry_after ("Wed, 21 Oct 2026 07:28:00 GMT"), ==, 0);
  g_assert_cmpuint (fl_sync_parse_retry_after (""), ==, 0);
  g_assert_cmpuint (fl_sync_parse_retry_after (NULL), ==, 0);
  g_assert_cmpfloat (fl_sync_retry_delay (3, 0, 0.5), ==, fl_sync_backoff_delay (3, 0.5));
  g_assert_cmpfloat (fl_sync_retry_delay (3, 10, 0.0), ==, 10.0);
  g_assert_cmpfloat (fl_sync_retry_delay (3, 10, 1.0), ==, 15.0);

  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  g_autoptr(GError) error = NULL;
  HookTransport *hook = g_object_new (TYPE_HOOK_TRANSPORT, NULL);
  hook->inner = fl_soup_transport_new (fl_sync_server_url (&f->s), &error);
  g_assert_no_error (error);
  hook->busy = 1;
  fl_sync_client_set_transport (a.client, FL_SYNC_TRANSPORT (hook));
  g_object_unref (hook);
  g_assert_false (fl_sync_client_sync (a.client, NULL, &error));
  g_assert_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SERVER);
  g_assert_true (fl_sync_error_is_transient (error));
  g_assert_cmpuint (fl_sync_client_get_last_stats (a.client)->retry_after, ==, 7);
  g_clear_error (&error);
  /* The next run, answered, forgets it. */
  fl_sync_test_client_sync (&a);
  g_assert_cmpuint (fl_sync_client_get_last_stats (a.client)->retry_after, ==, 0);
}

static void
test_file_token_store (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldline-token-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "token", NULL);
  g_autoptr(FlTokenStore) store = fl_file_token_store_new (path);
  g_autofree char *none = fl_token_store_load (store, "http://a", "eng_a", &error);
  g_assert_no_error (error);
  g_assert_null (none);
  fl_token_store_save (store, "http://a", "eng_a", "secret-token", &error);
  g_assert_no_error (error);
  GStatBuf st;
  g_assert_cmpint (g_stat (path, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);
  g_autofree char *token = fl_token_store_load (store, "http://a", "eng_a", &error);
  g_assert_cmpstr (token, ==, "secret-token");
  g_autofree char *other = fl_token_store_load (store, "http://b", "eng_a", &error);
  g_assert_null (other);
  fl_token_store_clear (store, "http://a", "eng_a", &error);
  g_assert_no_error (error);
  g_assert_false (g_file_test (path, G_FILE_TEST_EXISTS));
  g_rmdir (dir);
}

static int
compare_rowids (gconstpointer a, gconstpointer b)
{
  gint64 x = *(const gint64 *) a, y = *(const gint64 *) b;
  return x < y ? -1 : x > y;
}

/* The rowids of the work orders `sql` (with ?1 = `term`) or the search for
 * `term` selects, in rowid order. */
static GArray *
sorted_rowids (FlDb *db, const char *sql, const char *term)
{
  g_autoptr(GError) error = NULL;
  GArray *rowids;
  if (sql != NULL)
    {
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, &error);
      g_assert_no_error (error);
      sqlite3_bind_text (stmt, 1, term, -1, SQLITE_TRANSIENT);
      rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          gint64 rowid = sqlite3_column_int64 (stmt, 0);
          g_array_append_val (rowids, rowid);
        }
    }
  else
    {
      FlWorkOrderQuery query = { .text = (char *) term };
      rowids = fl_work_order_search (db, &query, "zhangmin", &error);
      g_assert_no_error (error);
    }
  g_array_sort (rowids, compare_rowids);
  return rowids;
}

/* Every character and every pair of neighbours in the references and
 * titles of the work orders, and words found nowhere. */
static GHashTable *
short_words_of (FlDb *db)
{
  g_autoptr(GError) error = NULL;
  GHashTable *terms = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  g_hash_table_add (terms, g_strdup ("鲸"));
  g_hash_table_add (terms, g_strdup ("无关"));
  g_hash_table_add (terms, g_strdup ("Q9"));
  g_autoptr(FlStmt) texts = fl_db_prepare (db, "SELECT ref FROM work_order UNION SELECT title FROM work_order", &error);
  g_assert_no_error (error);
  while (sqlite3_step (texts) == SQLITE_ROW)
    {
      const char *text = (const char *) sqlite3_column_text (texts, 0);
      for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
        {
          const char *next = g_utf8_next_char (p);
          if (g_unichar_isspace (g_utf8_get_char (p)))
            continue;
          g_hash_table_add (terms, g_strndup (p, next - p));
          if (*next != '\0' && !g_unichar_isspace (g_utf8_get_char (next)))
            g_hash_table_add (terms, g_strndup (p, g_utf8_next_char (next) - p));
        }
    }
  return terms;
}

/* Every Chinese word of one or two characters and every short code
 * searched on the demo data finds through the index exactly the orders a
 * full scan of references and titles finds. */
static void
test_short_words_on_demo_data (void)
{
  g_autoptr(GError) error = NULL;
  FlSyncServer s = { 0 };
  s.store = fl_test_store_new (&s.dir, &s.db_path);
  fl_demo_data_generate (s.store, 300, NULL, &error);
  g_assert_no_error (error);
  fl_sync_server_start (&s);
  FlSyncTestClient c = { 0 };
  fl_sync_test_client_init (&c, "zhangmin");
  fl_sync_client_login (c.client, fl_sync_server_url (&s), "zhangmin", "fieldline-demo", "test device", NULL, &error);
  g_assert_no_error (error);
  fl_sync_test_client_sync (&c);
  g_assert_cmpint (fl_test_count (c.db, "SELECT count(*) FROM work_order"), >=, 300);

  g_autoptr(GHashTable) terms = short_words_of (c.db);
  g_assert_cmpuint (g_hash_table_size (terms), >, 200);

  GHashTableIter iter;
  const char *term;
  g_hash_table_iter_init (&iter, terms);
  while (g_hash_table_iter_next (&iter, (gpointer *) &term, NULL))
    {
      g_autoptr(GArray) scanned = sorted_rowids (c.db,
          "SELECT rowid FROM work_order"
          " WHERE instr (lower (ref), lower (?1)) > 0 OR instr (lower (title), lower (?1)) > 0", term);
      g_autoptr(GArray) found = sorted_rowids (c.db, NULL, term);
      g_assert_cmpmem (found->data, found->len * sizeof (gint64), scanned->data, scanned->len * sizeof (gint64));
    }

  fl_sync_test_client_clear (&c);
  fl_sync_server_teardown (&s);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/sync-engine/login-and-first-sync", test_login_and_first_sync);
  ADD ("/sync-engine/push-and-pull", test_push_and_pull);
  ADD ("/sync-engine/push-ends-with-servers-row", test_push_ends_with_servers_row);
  ADD ("/sync-engine/conflict-and-resolution", test_conflict_and_resolution);
  ADD ("/sync-engine/conflict-keeps-other-author", test_conflict_keeps_other_author);
  ADD ("/sync-engine/rebase-on-pull", test_rebase_on_pull);
  ADD ("/sync-engine/rejection", test_rejection);
  ADD ("/sync-engine/revoked-device", test_revoked_device);
  ADD ("/sync-engine/another-user", test_another_user);
  ADD ("/sync-engine/expired-cursor-keeps-outbox", test_expired_cursor_keeps_outbox);
  ADD ("/sync-engine/killed-mid-sync", test_killed_mid_sync);
  ADD ("/sync-engine/snapshot-interrupted", test_snapshot_interrupted);
  ADD ("/sync-engine/blobs", test_blobs);
  ADD ("/sync-engine/bad-row-is-refused-alone", test_bad_row_is_refused_alone);
  ADD ("/sync-engine/async", test_async_sync);
  g_test_add_func ("/sync-engine/backoff", test_backoff);
  ADD ("/sync-engine/retry-after", test_retry_after);
  g_test_add_func ("/sync-engine/short-words-on-demo-data", test_short_words_on_demo_data);
  g_test_add_func ("/sync-engine/file-token-store", test_file_token_store);
  return g_test_run ();
}
