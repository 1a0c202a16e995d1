/* Helpers of the sync tests: the real server in-process on port 0 over a
 * store with two sites and people of every role, and clients with their
 * own replica and the real sync engine. */
#pragma once

#include <fieldline.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fl-accounts.h"
#include "fl-server.h"
#include "fl-store.h"
#include "fl-sync-client.h"

#define FL_SYNC_TEST_PASSWORD "password-of-test"

typedef struct {
  char     *dir;
  char     *db_path;
  FlStore  *store;     /* the test's own connection, for checks and admin */
  FlServer *server;
  char     *site_a;
  char     *site_b;
  gsize     max_blob_size;  /* 0: the default */
} FlSyncServer;

typedef struct {
  char         *dir;
  char         *login;
  FlDb         *db;
  FlTokenStore *tokens;
  FlSyncClient *client;
} FlSyncTestClient;

static inline void
fl_sync_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          fl_sync_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

/* Validates `fields` as a new row and puts it in the store; returns the id. */
static inline char *
fl_sync_test_put (FlStore *store, const char *table_name, JsonObject *fields)
{
  g_autoptr(GError) error = NULL;
  const FlTable *table = fl_schema_lookup (table_name);
  g_assert_nonnull (table);
  fl_record_validate (table, fields, FL_RECORD_INSERT, NULL, &error);
  g_assert_no_error (error);
  char *id = fl_uuid7_new ();
  json_object_set_string_member (fields, "id", id);
  fl_store_put_row (store, table, fields, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static inline char *
fl_sync_test_put_site (FlStore *store, const char *code)
{
  g_autoptr(JsonObject) site = json_object_new ();
  json_object_set_string_member (site, "code", code);
  json_object_set_string_member (site, "name", code);
  json_object_set_string_member (site, "time_zone", "Asia/Shanghai");
  json_object_set_string_member (site, "coverage", "7x24");
  return fl_sync_test_put (store, "site", site);
}

static inline void
fl_sync_test_add_user (FlSyncServer *s, const char *login, const char *role, const char *site)
{
  g_autoptr(GError) error = NULL;
  const char *sites[] = { site, NULL };
  g_autoptr(JsonObject) user = fl_accounts_add_user (s->store, login, login, role,
                                                     site != NULL ? sites : NULL,
                                                     FL_SYNC_TEST_PASSWORD, "admin", &error);
  g_assert_no_error (error);
}

/* Starts the server on `port` (0: any free port). */
static inline void
fl_sync_server_start_on (FlSyncServer *s, guint16 port)
{
  g_autoptr(GError) error = NULL;
  FlServerOptions options;
  fl_server_options_init (&options);
  g_free (options.db_path);
  options.db_path = g_strdup (s->db_path);
  g_free (options.listen);
  options.listen = g_strdup_printf ("127.0.0.1:%u", port);
  if (s->max_blob_size > 0)
    options.max_blob_size = s->max_blob_size;
  options.login_attempts = 1000;
  s->server = fl_server_start (&options, &error);
  fl_server_options_clear (&options);
  g_assert_no_error (error);
}

static inline void
fl_sync_server_start (FlSyncServer *s)
{
  fl_sync_server_start_on (s, 0);
}

/* Sites A and B; "eng_a", "eng_a2" (engineers at A), "eng_b" (engineer at
 * B), "super" (supervisor, every site), "clerk" (clerk at A), "admin". */
static inline void
fl_sync_server_setup (FlSyncServer *s)
{
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  s->dir = g_dir_make_tmp ("fieldline-sync-XXXXXX", &error);
  g_assert_no_error (error);
  s->db_path = g_build_filename (s->dir, "server.db", NULL);
  s->store = fl_store_open (s->db_path, &error);
  g_assert_no_error (error);
  s->site_a = fl_sync_test_put_site (s->store, "HOSPA");
  s->site_b = fl_sync_test_put_site (s->store, "HOSPB");
  fl_sync_test_add_user (s, "eng_a", "engineer", s->site_a);
  fl_sync_test_add_user (s, "eng_a2", "engineer", s->site_a);
  fl_sync_test_add_user (s, "eng_b", "engineer", s->site_b);
  fl_sync_test_add_user (s, "super", "supervisor", NULL);
  fl_sync_test_add_user (s, "clerk", "clerk", s->site_a);
  fl_sync_test_add_user (s, "admin", "admin", NULL);
  fl_sync_server_start (s);
}

static inline const char *
fl_sync_server_url (FlSyncServer *s)
{
  return fl_server_get_base_uri (s->server);
}

static inline void
fl_sync_server_teardown (FlSyncServer *s)
{
  g_clear_pointer (&s->server, fl_server_stop);
  g_clear_object (&s->store);
  fl_sync_test_remove_tree (s->dir);
  g_clear_pointer (&s->dir, g_free);
  g_clear_pointer (&s->db_path, g_free);
  g_clear_pointer (&s->site_a, g_free);
  g_clear_pointer (&s->site_b, g_free);
}

static char *fl_sync_test_template;

static void
fl_sync_test_remove_template (void)
{
  g_remove (fl_sync_test_template);
}

/* A new replica is a copy of an empty one migrated once per process: the
 * simulator makes thousands, and migrating each costs more than a seed. */
static inline void
fl_sync_test_new_replica (const char *path)
{
  g_autoptr(GError) error = NULL;
  if (fl_sync_test_template == NULL)
    {
      g_autofree char *name = g_strdup_printf ("fieldline-replica-%d.db", (int) getpid ());
      char *template = g_build_filename (g_get_tmp_dir (), name, NULL);
      g_remove (template);
      FlDb *db = fl_db_open_replica (template, &error);
      g_assert_no_error (error);
      fl_db_close (db);
      g_object_unref (db);
      fl_sync_test_template = template;
      atexit (fl_sync_test_remove_template);
    }
  g_autofree char *bytes = NULL;
  gsize size;
  g_file_get_contents (fl_sync_test_template, &bytes, &size, &error);
  g_assert_no_error (error);
  g_file_set_contents (path, bytes, (gssize) size, &error);
  g_assert_no_error (error);
}

/* Opens (or reopens, after a simulated crash) the client's replica. */
static inline void
fl_sync_test_client_open (FlSyncTestClient *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (c->dir, "replica.db", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    fl_sync_test_new_replica (path);
  c->db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  c->client = fl_sync_client_new (c->db, c->tokens);
}

static inline void
fl_sync_test_client_close (FlSyncTestClient *c)
{
  g_clear_object (&c->client);
  if (c->db != NULL)
    fl_db_close (c->db);
  g_clear_object (&c->db);
}

static inline void
fl_sync_test_client_init (FlSyncTestClient *c, const char *login)
{
  g_autoptr(GError) error = NULL;
  c->dir = g_dir_make_tmp ("fieldline-client-XXXXXX", &error);
  g_assert_no_error (error);
  c->login = g_strdup (login);
  c->tokens = fl_memory_token_store_new ();
  fl_sync_test_client_open (c);
}

static inline void
fl_sync_test_client_login (FlSyncTestClient *c, FlSyncServer *s)
{
  g_autoptr(GError) error = NULL;
  fl_sync_client_login (c->client, fl_sync_server_url (s), c->login, FL_SYNC_TEST_PASSWORD,
                        "test device", NULL, &error);
  g_assert_no_error (error);
}

static inline void
fl_sync_test_client_sync (FlSyncTestClient *c)
{
  g_autoptr(GError) error = NULL;
  fl_sync_client_sync (c->client, NULL, &error);
  g_assert_no_error (error);
}

static inline void
fl_sync_test_client_clear (FlSyncTestClient *c)
{
  fl_sync_test_client_close (c);
  g_clear_object (&c->tokens);
  if (c->dir != NULL)
    fl_sync_test_remove_tree (c->dir);
  g_clear_pointer (&c->dir, g_free);
  g_clear_pointer (&c->login, g_free);
}

G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlSyncTestClient, fl_sync_test_client_clear)

static inline gint64
fl_sync_test_count (FlDb *db, const char *sql)
{
  gint64 n = -1;
  g_autoptr(GError) error = NULL;
  fl_db_query_int64 (db, sql, &n, &error);
  g_assert_no_error (error);
  return n;
}
