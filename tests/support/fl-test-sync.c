#include "fl-test-sync.h"

void
fl_sync_server_start_on (FlSyncServer *s, guint16 port)
{
  g_autoptr(GError) error = NULL;
  FlServerOptions options;
  fl_server_options_init (&options);
  g_free (options.store);
  options.store = g_strdup (s->db_path);
  g_free (options.listen);
  options.listen = g_strdup_printf ("127.0.0.1:%u", port);
  /* A PostgreSQL store keeps its blobs itself. */
  if (!fl_test_store_is_postgresql ())
    options.blob_dir = g_build_filename (s->dir, "blobs", NULL);
  if (s->max_blob_size > 0)
    options.max_blob_size = s->max_blob_size;
  options.login_attempts = 1000;
  if (s->no_sla_sweep)
    options.sla_sweep_seconds = 0;
  s->server = fl_server_start (&options, &error);
  fl_server_options_clear (&options);
  g_assert_no_error (error);
}

void
fl_sync_server_start (FlSyncServer *s)
{
  fl_sync_server_start_on (s, 0);
}

void
fl_sync_server_setup_store (FlSyncServer *s)
{
  s->store = fl_test_store_new (&s->dir, &s->db_path);
  s->site_a = fl_test_put_site_with_coverage (s->store, "HOSPA", "7x24");
  s->site_b = fl_test_put_site_with_coverage (s->store, "HOSPB", "7x24");
  fl_test_add_user (s->store, "eng_a", "engineer", s->site_a);
  fl_test_add_user (s->store, "eng_a2", "engineer", s->site_a);
  fl_test_add_user (s->store, "eng_b", "engineer", s->site_b);
  fl_test_add_user (s->store, "super", "supervisor", NULL);
  fl_test_add_user (s->store, "clerk", "clerk", s->site_a);
  fl_test_add_user (s->store, "admin", "admin", NULL);
}

void
fl_sync_server_setup (FlSyncServer *s)
{
  fl_sync_server_setup_store (s);
  fl_sync_server_start (s);
}

const char *
fl_sync_server_url (FlSyncServer *s)
{
  return fl_server_get_base_uri (s->server);
}

void
fl_sync_server_teardown (FlSyncServer *s)
{
  g_clear_pointer (&s->server, fl_server_stop);
  g_clear_object (&s->store);
  fl_test_store_drop (s->db_path);
  fl_test_remove_tree (s->dir);
  g_clear_pointer (&s->dir, g_free);
  g_clear_pointer (&s->db_path, g_free);
  g_clear_pointer (&s->site_a, g_free);
  g_clear_pointer (&s->site_b, g_free);
}

void
fl_sync_test_client_open (FlSyncTestClient *c)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path = g_build_filename (c->dir, "replica.db", NULL);
  if (!g_file_test (path, G_FILE_TEST_EXISTS))
    fl_test_new_replica_file (path);
  c->db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  c->client = fl_sync_client_new (c->db, c->tokens);
}

void
fl_sync_test_client_close (FlSyncTestClient *c)
{
  g_clear_object (&c->client);
  if (c->db != NULL)
    fl_db_close (c->db);
  g_clear_object (&c->db);
}

void
fl_sync_test_client_init (FlSyncTestClient *c, const char *login)
{
  g_autoptr(GError) error = NULL;
  c->dir = g_dir_make_tmp ("fieldline-client-XXXXXX", &error);
  g_assert_no_error (error);
  c->login = g_strdup (login);
  c->tokens = fl_memory_token_store_new ();
  fl_sync_test_client_open (c);
}

void
fl_sync_test_client_login (FlSyncTestClient *c, FlSyncServer *s)
{
  g_autoptr(GError) error = NULL;
  fl_sync_client_login (c->client, fl_sync_server_url (s), c->login, FL_TEST_PASSWORD,
                        "test device", NULL, &error);
  g_assert_no_error (error);
}

void
fl_sync_test_client_sync (FlSyncTestClient *c)
{
  g_autoptr(GError) error = NULL;
  fl_sync_client_sync (c->client, NULL, &error);
  g_assert_no_error (error);
}

void
fl_sync_test_client_clear (FlSyncTestClient *c)
{
  fl_sync_test_client_close (c);
  g_clear_object (&c->tokens);
  if (c->dir != NULL)
    fl_test_remove_tree (c->dir);
  g_clear_pointer (&c->dir, g_free);
  g_clear_pointer (&c->login, g_free);
}
