/* The first sync as a ready replica file, end to end against the real
 * server: the file path gives the replica a snapshot gives, keeps the
 * outbox after a 410, and a file that is cut, corrupted, of another schema
 * version or carrying a trigger or view of its own is refused with the old
 * replica kept; the server keeps a scope's file current from the change log. */
#include "fl-sync-test-util.h"

#include <zstd.h>

#include "fl-accounts.h"
#include "fl-replica-file.h"
#include "fl-replica-files.h"
#include "fl-soup-transport.h"
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

/* ---- zstd and SQLite on whole files ---- */

static GBytes *
unpack (GBytes *packed)
{
  ZSTD_DCtx *dctx = ZSTD_createDCtx ();
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize size;
  const guint8 *data = g_bytes_get_data (packed, &size);
  ZSTD_inBuffer input = { data, size, 0 };
  guint8 buffer[64 * 1024];
  while (input.pos < input.size)
    {
      ZSTD_outBuffer output = { buffer, sizeof buffer, 0 };
      gsize rc = ZSTD_decompressStream (dctx, &output, &input);
      g_assert_false (ZSTD_isError (rc));
      g_byte_array_append (out, buffer, output.pos);
    }
  ZSTD_freeDCtx (dctx);
  return g_byte_array_free_to_bytes (g_steal_pointer (&out));
}

static GBytes *
pack (GBytes *raw)
{
  gsize size;
  const guint8 *data = g_bytes_get_data (raw, &size);
  gsize bound = ZSTD_compressBound (size);
  guint8 *out = g_malloc (bound);
  gsize n = ZSTD_compress (out, bound, data, size, 3);
  g_assert_false (ZSTD_isError (n));
  return g_bytes_new_take (out, n);
}

static char *
sha256_hex (GBytes *bytes)
{
  return g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
}

/* Runs `sql` on the replica file `raw` as a server might have, and
 * returns the file after it. */
static GBytes *
rewrite (GBytes *raw, const char *sql)
{
  g_autofree char *dir = g_dir_make_tmp ("fl-replica-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "file.db", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), NULL));
  sqlite3 *handle = NULL;
  g_assert_cmpint (sqlite3_open (path, &handle), ==, SQLITE_OK);
  g_assert_cmpint (sqlite3_exec (handle, sql, NULL, NULL, NULL), ==, SQLITE_OK);
  sqlite3_close (handle);
  char *contents = NULL;
  gsize length = 0;
  g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
  fl_test_remove_tree (dir);
  return g_bytes_new_take (contents, length);
}

/* ---- a transport that spoils the replica file on its way ---- */

typedef enum {
  SPOIL_NONE,
  SPOIL_CUT,            /* the connection breaks halfway */
  SPOIL_IN_TRANSIT,     /* bytes flipped, the digest as announced */
  SPOIL_PAGE,           /* a page overwritten at the source, digest to match */
  SPOIL_SCHEMA_VERSION, /* a file of another schema version */
  SPOIL_TRIGGER,        /* a trigger this program does not know */
  SPOIL_VIEW,           /* a view this program does not know */
  SPOIL_SETTING,        /* a setting a server's file never has */
  SPOIL_MODEL,          /* made for another data model */
} Spoil;

#define TYPE_SPOIL_TRANSPORT (spoil_transport_get_type ())
G_DECLARE_FINAL_TYPE (SpoilTransport, spoil_transport, SPOIL, TRANSPORT, GObject)

struct _SpoilTransport
{
  GObject          parent_instance;
  FlSyncTransport *inner;
  Spoil            spoil;
  gboolean         refuse_snapshot;  /* the NDJSON fallback fails too */
  guint            replica_requests;
  void           (*before_replica) (gpointer data);  /* the user edits meanwhile */
  gpointer         data;
};

static GBytes *
spoil_file (Spoil spoil, GBytes *raw)
{
  switch (spoil)
    {
    case SPOIL_PAGE:
      {
        /* Page 3 on: b-tree pages of the model's tables. */
        g_autoptr(GByteArray) copy = g_bytes_unref_to_array (g_bytes_ref (raw));
        g_assert_cmpuint (copy->len, >, 4 * 4096);
        memset (copy->data + 2 * 4096, 0x5a, 4096);
        return g_byte_array_free_to_bytes (g_steal_pointer (&copy));
      }
    case SPOIL_SCHEMA_VERSION:
      return rewrite (raw, "PRAGMA user_version = 99");
    case SPOIL_TRIGGER:
      return rewrite (raw, "CREATE TRIGGER outbox_gone AFTER INSERT ON outbox BEGIN "
                           "DELETE FROM outbox; END");
    case SPOIL_VIEW:
      return rewrite (raw, "CREATE VIEW everything AS SELECT * FROM work_order");
    case SPOIL_SETTING:
      return rewrite (raw, "INSERT INTO meta (key, value) VALUES ('device_id', 'not yours')");
    case SPOIL_MODEL:
      return rewrite (raw, "UPDATE meta SET value = 'another' WHERE key = 'model_digest'");
    default:
      return g_bytes_ref (raw);
    }
}

static FlSyncResponse *
spoil_send (FlSyncTransport *transport, const FlSyncRequest *request, GCancellable *cancellable,
            GError **error)
{
  SpoilTransport *self = SPOIL_TRANSPORT (transport);
  if (self->refuse_snapshot && g_str_has_suffix (request->path, "/sync/snapshot"))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_REFUSED, "no snapshot in this test");
      return NULL;
    }
  if (self->before_replica != NULL && g_str_has_suffix (request->path, "/sync/replica"))
    {
      self->before_replica (self->data);
      self->before_replica = NULL;
    }
  FlSyncResponse *response = fl_sync_transport_send (self->inner, request, cancellable, error);
  if (response == NULL || !g_str_has_suffix (request->path, "/sync/replica") || response->status != 200)
    return response;
  self->replica_requests++;
  g_autoptr(GBytes) packed = fl_sync_response_read_all (response, G_MAXSIZE, NULL, error);
  g_assert_nonnull (packed);
  g_autoptr(GBytes) sent = NULL;
  if (self->spoil == SPOIL_CUT)
    sent = g_bytes_new_from_bytes (packed, 0, g_bytes_get_size (packed) / 2);
  else if (self->spoil == SPOIL_IN_TRANSIT)
    {
      g_autoptr(GByteArray) copy = g_bytes_unref_to_array (g_bytes_ref (packed));
      copy->data[copy->len / 2] ^= 0xff;
      sent = g_byte_array_free_to_bytes (g_steal_pointer (&copy));
    }
  else if (self->spoil == SPOIL_NONE)
    sent = g_bytes_ref (packed);
  else
    {
      g_autoptr(GBytes) raw = unpack (packed);
      g_autoptr(GBytes) spoiled = spoil_file (self->spoil, raw);
      g_autofree char *digest = sha256_hex (spoiled);
      g_free (response->replica_digest);
      response->replica_digest = g_strconcat ("sha-256=", digest, NULL);
      sent = pack (spoiled);
      response->content_length = g_bytes_get_size (sent);
    }
  g_object_unref (response->body);
  response->body = g_memory_input_stream_new_from_bytes (sent);
  return response;
}

static void
spoil_transport_iface_init (FlSyncTransportInterface *iface)
{
  iface->send = spoil_send;
}

G_DEFINE_FINAL_TYPE_WITH_CODE (SpoilTransport, spoil_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_SYNC_TRANSPORT, spoil_transport_iface_init))

static void
spoil_transport_finalize (GObject *object)
{
  g_clear_object (&SPOIL_TRANSPORT (object)->inner);
  G_OBJECT_CLASS (spoil_transport_parent_class)->finalize (object);
}

static void
spoil_transport_class_init (SpoilTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = spoil_transport_finalize;
}

static void
spoil_transport_init (SpoilTransport *self)
{
}

static SpoilTransport *
spoil_transport_new (FlSyncServer *s)
{
  SpoilTransport *self = g_object_new (TYPE_SPOIL_TRANSPORT, NULL);
  self->inner = fl_soup_transport_new (fl_sync_server_url (s), NULL);
  return self;
}

/* ---- helpers ---- */

static char *
put_work_order (Fixture *f, const char *site, const char *ref, const char *title)
{
  g_autoptr(JsonObject) wo = json_object_new ();
  json_object_set_string_member (wo, "ref", ref);
  json_object_set_string_member (wo, "kind", "incident");
  json_object_set_string_member (wo, "title", title);
  json_object_set_string_member (wo, "site_id", site);
  json_object_set_int_member (wo, "impact", 3);
  json_object_set_int_member (wo, "urgency", 3);
  json_object_set_string_member (wo, "status", "new");
  return fl_test_put (f->s.store, "work_order", wo);
}

static void
put_rows (Fixture *f, guint n)
{
  for (guint i = 0; i < n; i++)
    {
      g_autofree char *ref = g_strdup_printf ("INC-261122-SRV-%04u", i);
      g_autofree char *title = g_strdup_printf ("服务器 %u 号机柜 UPS 告警 rack %u UPS alarm", i, i);
      g_autofree char *id = put_work_order (f, i % 2 ? f->s.site_a : f->s.site_b, ref, title);
    }
}

static char *
create_local_order (FlSyncTestClient *c, const char *site_id, const char *title)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = title, .site_id = site_id, .reporter = "ward 3",
    .impact = 3, .urgency = 2,
    .assignee = g_str_has_prefix (c->login, "eng_") ? c->login : NULL,
  };
  char *id = NULL;
  fl_work_order_create (c->db, &draft, c->login, &id, &error);
  g_assert_no_error (error);
  return id;
}

/* Every row of the model (and the balances), in a text to compare. */
static char *
dump_model (FlDb *db)
{
  g_autoptr(GString) text = g_string_new (NULL);
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i <= n_tables; i++)
    {
      g_autofree char *sql = i < n_tables
        ? g_strdup_printf ("SELECT * FROM \"%s\" ORDER BY id", tables[i]->name)
        : g_strdup ("SELECT * FROM stock_balance ORDER BY location_id, part_id");
      g_autoptr(GError) error = NULL;
      g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, &error);
      g_assert_no_error (error);
      while (sqlite3_step (stmt) == SQLITE_ROW)
        {
          for (int c = 0; c < sqlite3_column_count (stmt); c++)
            g_string_append_printf (text, "%s|", (const char *) sqlite3_column_text (stmt, c));
          g_string_append_c (text, '\n');
        }
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

static void
forget_cursor (FlSyncTestClient *c)
{
  g_autoptr(GError) error = NULL;
  fl_db_exec (c->db, "DELETE FROM meta WHERE key = 'cursor'", &error);
  g_assert_no_error (error);
}

/* ---- tests ---- */

/* The file gives the very replica the NDJSON snapshot gives: rows, search
 * index and balances, and the cursor to go on from. */
static void
test_same_replica_as_snapshot (Fixture *f, gconstpointer data)
{
  put_rows (f, 300);
  g_auto(FlSyncTestClient) by_file = { 0 };
  g_auto(FlSyncTestClient) by_lines = { 0 };
  fl_sync_test_client_init (&by_file, "eng_a");
  fl_sync_test_client_init (&by_lines, "eng_a2");
  fl_sync_test_client_login (&by_file, &f->s);
  fl_sync_test_client_login (&by_lines, &f->s);
  fl_sync_client_set_replica_files (by_lines.client, FALSE);
  fl_sync_test_client_sync (&by_file);
  fl_sync_test_client_sync (&by_lines);
  g_assert_cmpint (fl_sync_client_get_last_stats (by_file.client)->replica_files, ==, 1);
  g_assert_cmpint (fl_sync_client_get_last_stats (by_lines.client)->replica_files, ==, 0);
  g_assert_cmpint (fl_sync_client_get_last_stats (by_file.client)->snapshot_rows, ==,
                   fl_sync_client_get_last_stats (by_lines.client)->snapshot_rows);

  g_autofree char *file_rows = dump_model (by_file.db);
  g_autofree char *line_rows = dump_model (by_lines.db);
  g_assert_cmpstr (file_rows, ==, line_rows);
  g_assert_cmpint (fl_test_count (by_file.db, "SELECT count(*) FROM work_order"), ==, 150);
  g_assert_cmpint (fl_test_count (by_file.db,
                   "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH '号机柜'"), ==, 150);
  /* The device's own settings came along; the file brought the cursor. */
  g_autofree char *login = fl_db_get_meta (by_file.db, FL_META_LOGIN);
  g_assert_cmpstr (login, ==, "eng_a");
  g_autofree char *cursor = fl_db_get_meta (by_file.db, FL_META_CURSOR);
  g_assert_nonnull (cursor);

  /* And it syncs on from there like any replica. */
  g_autofree char *later = put_work_order (f, f->s.site_a, "INC-261122-SRV-9999", "Later order");
  fl_sync_test_client_sync (&by_file);
  g_assert_cmpint (fl_sync_client_get_last_stats (by_file.client)->pulled, >=, 1);
  g_assert_cmpint (fl_test_count (by_file.db, "SELECT count(*) FROM work_order"), ==, 151);
}

typedef struct {
  FlSyncTestClient *client;
  const char       *site;
  char             *created;
} Edit;

static void
create_meanwhile (gpointer data)
{
  Edit *edit = data;
  edit->created = create_local_order (edit->client, edit->site, "Generator test run");
}

/* After a 410 the replica file replaces the rows; a change made while it
 * downloads comes along and is pushed by the next sync. */
static void
test_after_gone_keeps_outbox (Fixture *f, gconstpointer data)
{
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "super");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autoptr(SpoilTransport) transport = spoil_transport_new (&f->s);
  fl_sync_client_set_transport (a.client, FL_SYNC_TRANSPORT (transport));
  Edit edit = { &a, f->s.site_a, NULL };
  transport->before_replica = create_meanwhile;
  transport->data = &edit;

  g_autoptr(GError) error = NULL;
  const char *sites[] = { f->s.site_a, NULL };
  fl_accounts_set_sites (f->s.store, "super", sites, "admin", &error);
  g_assert_no_error (error);
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->replica_files, ==, 1);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM site"), ==, 1);
  g_assert_nonnull (edit.created);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", edit.created), ==, FL_RECORD_PENDING);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order WHERE title = 'Generator test run'"), ==, 1);

  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", edit.created), ==, FL_RECORD_SYNCED);
  g_autoptr(JsonObject) row = fl_store_load_row (f->s.store, fl_schema_lookup ("work_order"), edit.created, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (row, "title"), ==, "Generator test run");
  g_free (edit.created);
}

/* Every way a file can be wrong: refused before anything is replaced. */
static void
test_spoiled_file_is_refused (Fixture *f, gconstpointer data)
{
  put_rows (f, 200);
  g_auto(FlSyncTestClient) a = { 0 };
  fl_sync_test_client_init (&a, "eng_a");
  fl_sync_test_client_login (&a, &f->s);
  fl_sync_test_client_sync (&a);
  g_autofree char *waiting = create_local_order (&a, f->s.site_a, "Chiller alarm");
  g_autofree char *before = dump_model (a.db);
  gint64 outbox = fl_test_count (a.db, "SELECT count(*) FROM outbox");
  g_autoptr(SpoilTransport) transport = spoil_transport_new (&f->s);
  fl_sync_client_set_transport (a.client, FL_SYNC_TRANSPORT (transport));
  transport->refuse_snapshot = TRUE;

  const Spoil spoils[] = { SPOIL_CUT, SPOIL_IN_TRANSIT, SPOIL_PAGE, SPOIL_SCHEMA_VERSION,
                           SPOIL_TRIGGER, SPOIL_VIEW, SPOIL_SETTING, SPOIL_MODEL };
  /* The refusals are logged; the test expects them. */
  GLogLevelFlags fatal = g_log_set_always_fatal (G_LOG_FATAL_MASK | G_LOG_LEVEL_CRITICAL);
  for (guint i = 0; i < G_N_ELEMENTS (spoils); i++)
    {
      forget_cursor (&a);
      transport->spoil = spoils[i];
      guint requests = transport->replica_requests;
      g_autoptr(GError) error = NULL;
      /* Without a cursor the sync starts with the first download. */
      fl_sync_client_sync (a.client, NULL, &error);
      g_assert_nonnull (error);
      g_assert_cmpuint (transport->replica_requests, ==, requests + 1);
      g_autofree char *after = dump_model (a.db);
      g_assert_cmpstr (after, ==, before);
      g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM outbox"), ==, outbox);
      g_assert_null (fl_db_get_meta (a.db, FL_META_CURSOR));
      g_autofree char *incoming = g_strconcat (fl_db_path (a.db), ".incoming", NULL);
      g_assert_false (g_file_test (incoming, G_FILE_TEST_EXISTS));
    }
  g_log_set_always_fatal (fatal);

  /* With the snapshot to fall back on, the sync completes. */
  transport->refuse_snapshot = FALSE;
  fl_sync_test_client_sync (&a);
  g_assert_cmpint (fl_sync_client_get_last_stats (a.client)->replica_files, ==, 0);
  g_assert_cmpint (fl_outbox_record_state (a.db, "work_order", waiting), ==, FL_RECORD_SYNCED);
  g_assert_cmpint (fl_test_count (a.db, "SELECT count(*) FROM work_order"), ==, 101);
}

/* The checks alone, on the file the server builds. */
static void
test_verify (Fixture *f, gconstpointer data)
{
  put_rows (f, 20);
  g_autofree char *path = g_build_filename (f->s.dir, "built.db", NULL);
  FlPullReader reader = { .sites = NULL, .login = "super", .all_conflicts = TRUE };
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_replica_file_build (f->s.store, &reader, path, &error));
  g_assert_no_error (error);
  g_autofree char *cursor = fl_replica_file_verify (path, &error);
  g_assert_no_error (error);
  g_autofree char *expected = fl_pull_cursor_format (f->s.store, NULL, fl_store_last_seq (f->s.store, NULL));
  g_assert_cmpstr (cursor, ==, expected);

  g_autoptr(GBytes) raw = NULL;
  {
    char *contents = NULL;
    gsize length = 0;
    g_assert_true (g_file_get_contents (path, &contents, &length, NULL));
    raw = g_bytes_new_take (contents, length);
  }
  const Spoil spoils[] = { SPOIL_PAGE, SPOIL_SCHEMA_VERSION, SPOIL_TRIGGER, SPOIL_VIEW, SPOIL_SETTING,
                           SPOIL_MODEL };
  for (guint i = 0; i < G_N_ELEMENTS (spoils); i++)
    {
      g_autoptr(GBytes) spoiled = spoil_file (spoils[i], raw);
      g_assert_true (g_file_set_contents (path, g_bytes_get_data (spoiled, NULL), g_bytes_get_size (spoiled), NULL));
      g_autofree char *none = fl_replica_file_verify (path, &error);
      g_assert_null (none);
      g_assert_error (error, FL_REPLICA_FILE_ERROR, FL_REPLICA_FILE_ERROR_INVALID);
      g_clear_error (&error);
    }
  /* Cut: the file ends halfway. */
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw) / 2, NULL));
  g_autofree char *none = fl_replica_file_verify (path, &error);
  g_assert_null (none);
  g_assert_error (error, FL_REPLICA_FILE_ERROR, FL_REPLICA_FILE_ERROR_INVALID);
}

static GBytes *
read_info (FlReplicaFileInfo *info)
{
  g_autoptr(GByteArray) all = g_byte_array_new ();
  for (;;)
    {
      g_autoptr(GBytes) chunk = g_input_stream_read_bytes (info->stream, 65536, NULL, NULL);
      g_assert_nonnull (chunk);
      if (g_bytes_get_size (chunk) == 0)
        break;
      g_byte_array_append (all, g_bytes_get_data (chunk, NULL), g_bytes_get_size (chunk));
    }
  g_autoptr(GBytes) packed = g_byte_array_free_to_bytes (g_steal_pointer (&all));
  g_assert_cmpint (g_bytes_get_size (packed), ==, info->size);
  return unpack (packed);
}

static gint64
count_in_file (GBytes *raw, const char *dir, const char *sql)
{
  g_autofree char *path = g_build_filename (dir, "check.db", NULL);
  g_assert_true (g_file_set_contents (path, g_bytes_get_data (raw, NULL), g_bytes_get_size (raw), NULL));
  g_autoptr(GError) error = NULL;
  g_autoptr(FlDb) db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  return fl_test_count (db, sql);
}

/* A kept file catches up with the change log; a scope not used lately is
 * forgotten. */
static void
test_server_keeps_file_current (Fixture *f, gconstpointer data)
{
  put_rows (f, 10);
  g_autofree char *dir = g_build_filename (f->s.dir, "kept", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlReplicaFiles) files = fl_replica_files_new (dir, &error);
  g_assert_no_error (error);
  fl_replica_files_set_lag (files, 0, 0);
  const char *sites[] = { f->s.site_a, NULL };
  FlPullReader reader = { .sites = sites, .login = "eng_a", .all_conflicts = FALSE };

  g_autoptr(FlReplicaFileInfo) first = fl_replica_files_get (files, f->s.store, &reader, &error);
  g_assert_no_error (error);
  g_autoptr(GBytes) first_raw = read_info (first);
  g_autofree char *digest = sha256_hex (first_raw);
  g_assert_cmpstr (digest, ==, first->sha256);
  g_assert_cmpint (count_in_file (first_raw, f->s.dir, "SELECT count(*) FROM work_order"), ==, 5);

  g_autofree char *added = put_work_order (f, f->s.site_a, "INC-261122-SRV-0100", "Added later");
  g_autofree char *elsewhere = put_work_order (f, f->s.site_b, "INC-261122-SRV-0101", "Other site");
  g_assert_cmpuint (fl_replica_files_refresh (files, f->s.store, G_MAXINT64), ==, 1);
  /* Nothing more to apply: the next refresh leaves the file alone. */
  g_assert_cmpuint (fl_replica_files_refresh (files, f->s.store, G_MAXINT64), ==, 0);
  g_autoptr(FlReplicaFileInfo) second = fl_replica_files_get (files, f->s.store, &reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (second->cursor, !=, first->cursor);
  g_autoptr(GBytes) second_raw = read_info (second);
  g_assert_cmpint (count_in_file (second_raw, f->s.dir, "SELECT count(*) FROM work_order"), ==, 6);
  g_assert_cmpint (count_in_file (second_raw, f->s.dir,
                   "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH 'Added later'"), ==, 1);
  g_assert_cmpint (count_in_file (second_raw, f->s.dir, "SELECT count(*) FROM sync_shadow_work_order"), ==, 0);

  /* Not used within the last microsecond: forgotten, its files gone. */
  g_assert_cmpuint (fl_replica_files_refresh (files, f->s.store, 0), ==, 0);
  g_autoptr(GDir) listing = g_dir_open (dir, 0, &error);
  g_assert_no_error (error);
  g_assert_null (g_dir_read_name (listing));
}

/* A kept file waits for a few changes, or for time, before it is brought
 * current: what it lacks comes with the pull after it. */
static void
test_kept_file_lags_a_little (Fixture *f, gconstpointer data)
{
  put_rows (f, 10);
  g_autofree char *dir = g_build_filename (f->s.dir, "kept", NULL);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlReplicaFiles) files = fl_replica_files_new (dir, &error);
  g_assert_no_error (error);
  fl_replica_files_set_lag (files, 3, G_MAXINT64);
  const char *sites[] = { f->s.site_a, NULL };
  FlPullReader reader = { .sites = sites, .login = "eng_a", .all_conflicts = FALSE };
  g_autoptr(FlReplicaFileInfo) first = fl_replica_files_get (files, f->s.store, &reader, &error);
  g_assert_no_error (error);

  /* Two changes behind: the file stays as it is, for a refresh and a request. */
  g_autofree char *one = put_work_order (f, f->s.site_a, "INC-261122-SRV-0100", "One");
  g_autofree char *two = put_work_order (f, f->s.site_a, "INC-261122-SRV-0101", "Two");
  g_assert_cmpuint (fl_replica_files_refresh (files, f->s.store, G_MAXINT64), ==, 0);
  g_autoptr(FlReplicaFileInfo) same = fl_replica_files_get (files, f->s.store, &reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (same->cursor, ==, first->cursor);
  g_assert_cmpstr (same->sha256, ==, first->sha256);

  /* The third makes it lag too far. */
  g_autofree char *three = put_work_order (f, f->s.site_a, "INC-261122-SRV-0102", "Three");
  g_assert_cmpuint (fl_replica_files_refresh (files, f->s.store, G_MAXINT64), ==, 1);
  g_autoptr(FlReplicaFileInfo) current = fl_replica_files_get (files, f->s.store, &reader, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (current->cursor, !=, first->cursor);
  g_autoptr(GBytes) raw = read_info (current);
  g_assert_cmpint (count_in_file (raw, f->s.dir, "SELECT count(*) FROM work_order"), ==, 8);

  /* One change on a file older than the time allowed: brought current. */
  fl_replica_files_set_lag (files, 3, 0);
  g_autofree char *four = put_work_order (f, f->s.site_a, "INC-261122-SRV-0103", "Four");
  g_assert_cmpuint (fl_replica_files_refresh (files, f->s.store, G_MAXINT64), ==, 1);
}

/* Through the server, whose files lag by default: a device taking the
 * file of a scope changed since gets the change with the pull after it. */
static void
test_lagging_file_then_pull (Fixture *f, gconstpointer data)
{
  put_rows (f, 300);
  g_auto(FlSyncTestClient) first = { 0 };
  g_auto(FlSyncTestClient) second = { 0 };
  fl_sync_test_client_init (&first, "eng_a");
  fl_sync_test_client_init (&second, "eng_a");
  fl_sync_test_client_login (&first, &f->s);
  fl_sync_test_client_sync (&first);
  g_assert_cmpint (fl_sync_client_get_last_stats (first.client)->replica_files, ==, 1);

  g_autofree char *later = put_work_order (f, f->s.site_a, "INC-261122-SRV-9999", "Later order");
  fl_sync_test_client_login (&second, &f->s);
  fl_sync_test_client_sync (&second);
  const FlSyncStats *stats = fl_sync_client_get_last_stats (second.client);
  g_assert_cmpint (stats->replica_files, ==, 1);
  g_assert_cmpint (stats->pulled, >=, 1);
  g_assert_cmpint (fl_test_count (second.db, "SELECT count(*) FROM work_order"), ==, 151);
  g_assert_cmpint (fl_test_count (second.db,
                   "SELECT count(*) FROM work_order_fts WHERE work_order_fts MATCH 'Later order'"), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/replica-file/same-replica-as-snapshot", test_same_replica_as_snapshot);
  ADD ("/replica-file/after-gone-keeps-outbox", test_after_gone_keeps_outbox);
  ADD ("/replica-file/spoiled-file-is-refused", test_spoiled_file_is_refused);
  ADD ("/replica-file/verify", test_verify);
  ADD ("/replica-file/server-keeps-file-current", test_server_keeps_file_current);
  ADD ("/replica-file/kept-file-lags-a-little", test_kept_file_lags_a_little);
  ADD ("/replica-file/lagging-file-then-pull", test_lagging_file_then_pull);
  return g_test_run ();
}
