/* HTTPS: with --tls-cert/--tls-key the API is served over TLS only, and a
 * certificate that cannot be used stops the start with a clear error.
 * The certificate is made for the test with openssl (skipped without it). */
#include "fl-api-test-util.h"

static gboolean
accept_any (SoupMessage *msg, GTlsCertificate *certificate, GTlsCertificateFlags errors, gpointer data)
{
  return TRUE;  /* the test's own self-signed certificate */
}

static void
test_https (void)
{
  g_autofree char *openssl = g_find_program_in_path ("openssl");
  if (openssl == NULL || !g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_test_skip ("needs openssl and a TLS backend (glib-networking)");
      return;
    }
  FlApiFixture f = { 0 };
  fl_test_store_open (&f.t);
  g_autofree char *cert = g_build_filename (f.t.dir, "cert.pem", NULL);
  g_autofree char *key = g_build_filename (f.t.dir, "key.pem", NULL);
  const char *argv[] = { openssl, "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", key,
                         "-out", cert, "-days", "1", "-subj", "/CN=127.0.0.1", NULL };
  g_autoptr(GError) error = NULL;
  int status = 0;
  g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_STDOUT_TO_DEV_NULL | G_SPAWN_STDERR_TO_DEV_NULL,
                NULL, NULL, NULL, NULL, &status, &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));

  /* A key that does not exist: a clear error, no server. */
  FlServerOptions options;
  fl_server_options_init (&options);
  options.store = g_strdup (f.t.path);
  g_free (options.listen);
  options.listen = g_strdup ("127.0.0.1:0");
  options.tls_cert_file = g_strdup (cert);
  options.tls_key_file = g_build_filename (f.t.dir, "missing.pem", NULL);
  FlServer *broken = fl_server_start (&options, &error);
  g_assert_null (broken);
  g_assert_error (error, FL_SERVER_ERROR, FL_SERVER_ERROR_TLS);
  g_clear_error (&error);

  g_free (options.tls_key_file);
  options.tls_key_file = g_strdup (key);
  fl_api_start (&f, &options);
  fl_server_options_clear (&options);
  g_assert_true (g_str_has_prefix (fl_server_get_base_uri (f.server), "https://"));

  f.session = soup_session_new ();
  g_autofree char *uri = g_strconcat (fl_server_get_base_uri (f.server), FL_PROTOCOL_PREFIX "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_signal_connect (msg, "accept-certificate", G_CALLBACK (accept_any), NULL);
  g_autoptr(GBytes) body = soup_session_send_and_read (f.session, msg, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (soup_message_get_status (msg), ==, 200);

  fl_api_teardown (&f);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/tls/https", test_https);
  return g_test_run ();
}
