/* Accounts: passwords, sign-in, tokens that expire and are revoked, the
 * rate limit on failed sign-ins, and the audit of every sign-in. */
#include "fl-server-test-util.h"

static JsonObject *
add_engineer (FlStore *store, const char *login)
{
  g_autoptr(GError) error = NULL;
  JsonObject *user = fl_accounts_add_user (store, login, "李伟 Li Wei", "engineer", NULL,
                                           "correct horse", "admin", &error);
  g_assert_no_error (error);
  return user;
}

static void
test_password_hash (void)
{
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  g_autofree char *hash = fl_accounts_hash_password ("correct horse", &error);
  g_assert_no_error (error);
  g_assert_true (g_str_has_prefix (hash, "$argon2id$"));
  g_assert_true (fl_accounts_verify_password (hash, "correct horse"));
  g_assert_false (fl_accounts_verify_password (hash, "correct horsE"));
  g_assert_false (fl_accounts_verify_password (hash, ""));
  g_autofree char *again = fl_accounts_hash_password ("correct horse", &error);
  g_assert_cmpstr (hash, !=, again);  /* salted */
}

static void
test_add_user (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  const char *sites[] = { site, NULL };
  g_autoptr(JsonObject) user = fl_accounts_add_user (t.store, "liwei", "李伟", "engineer", sites,
                                                     "correct horse", "admin", &error);
  g_assert_no_error (error);
  g_auto(GStrv) user_sites = fl_accounts_user_sites (user);
  g_assert_cmpstr (user_sites[0], ==, site);

  /* The row clients pull has no password in it. */
  g_autoptr(JsonObject) row = fl_store_load_row (t.store, fl_schema_lookup ("user"),
                                                 fl_record_get_string (user, "id"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (row, "role"), ==, "engineer");
  g_autofree char *text = fl_record_to_string (row);
  g_assert_null (strstr (text, "argon2"));

  g_autoptr(JsonObject) dup = fl_accounts_add_user (t.store, "liwei", "x", "engineer", NULL,
                                                    "correct horse", "admin", &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_EXISTS);
  g_clear_error (&error);
  g_autoptr(JsonObject) bad_role = fl_accounts_add_user (t.store, "zhang", "张敏", "boss", NULL,
                                                         "correct horse", "admin", &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID);
  g_clear_error (&error);
  g_autoptr(JsonObject) short_pw = fl_accounts_add_user (t.store, "zhang", "张敏", "clerk", NULL,
                                                         "short", "admin", &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID);
  g_clear_error (&error);
  const char *unknown[] = { "0190a0b0-0000-7000-8000-000000000bad", NULL };
  g_autoptr(JsonObject) bad_site = fl_accounts_add_user (t.store, "zhang", "张敏", "clerk", unknown,
                                                         "correct horse", "admin", &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID);
  g_clear_error (&error);
  g_assert_cmpint (fl_store_count_rows (t.store, fl_schema_lookup ("user"), NULL), ==, 1);

  fl_accounts_set_role (t.store, "liwei", "supervisor", "admin", &error);
  g_assert_no_error (error);
  fl_accounts_set_sites (t.store, "liwei", NULL, "admin", &error);
  g_assert_no_error (error);
  g_autoptr(JsonObject) changed = fl_accounts_find_user (t.store, "liwei", &error);
  g_assert_cmpstr (fl_record_get_string (changed, "role"), ==, "supervisor");
  g_assert_cmpint (fl_record_get_int (changed, "version", 0), ==, 3);
  g_assert_null (fl_accounts_user_sites (changed));
  fl_test_store_close (&t);
}

static void
test_login_and_authenticate (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autoptr(JsonObject) user = add_engineer (t.store, "liwei");

  g_autoptr(FlLoginResult) login = fl_accounts_login (t.store, "liwei", "correct horse", "ThinkPad",
                                                      NULL, "10.0.0.5", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (strlen (login->token), ==, 43);  /* 32 bytes, base64url, unpadded */
  g_assert_null (strpbrk (login->token, "+/="));
  g_assert_cmpuint (strlen (login->device->code), ==, 3);
  g_assert_cmpstr (login->device->name, ==, "ThinkPad");
  g_assert_cmpint (login->expires_at - fl_time_now (), >, 29 * G_TIME_SPAN_DAY);

  /* The store holds the token's hash only. */
  g_autoptr(FlStoreToken) raw = fl_store_load_token (t.store, login->token, &error);
  g_assert_null (raw);
  g_assert_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_autoptr(JsonObject) who = NULL;
  g_autoptr(FlStoreDevice) device = NULL;
  g_autofree char *header = g_strconcat ("Bearer ", login->token, NULL);
  g_assert_true (fl_accounts_authenticate (t.store, header, &who, &device, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (who, "login"), ==, "liwei");
  g_assert_cmpstr (device->id, ==, login->device->id);

  /* Signing in again from the same device keeps its id and code. */
  g_autoptr(FlLoginResult) again = fl_accounts_login (t.store, "liwei", "correct horse", "ThinkPad",
                                                      login->device->id, "10.0.0.5", NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (again->device->id, ==, login->device->id);
  g_assert_cmpstr (again->device->code, ==, login->device->code);
  g_assert_cmpstr (again->token, !=, login->token);
  /* A new device gets another code. */
  g_autoptr(FlLoginResult) other = fl_accounts_login (t.store, "liwei", "correct horse", "Phone",
                                                      NULL, "10.0.0.5", NULL, &error);
  g_assert_cmpstr (other->device->code, !=, login->device->code);

  g_assert_false (fl_accounts_authenticate (t.store, NULL, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_MISSING);
  g_clear_error (&error);
  g_assert_false (fl_accounts_authenticate (t.store, "Bearer not-a-token", NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_UNKNOWN);
  g_clear_error (&error);
  fl_test_store_close (&t);
}

static void
test_wrong_password (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autoptr(JsonObject) user = add_engineer (t.store, "liwei");

  g_autoptr(FlLoginResult) wrong = fl_accounts_login (t.store, "liwei", "wrong horse", "ThinkPad",
                                                      NULL, "10.0.0.5", NULL, &error);
  g_assert_null (wrong);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_autofree char *wrong_message = g_strdup (error->message);
  g_clear_error (&error);
  /* An unknown login gets the very same answer. */
  g_autoptr(FlLoginResult) unknown = fl_accounts_login (t.store, "nobody", "wrong horse", "ThinkPad",
                                                        NULL, "10.0.0.5", NULL, &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, wrong_message);
  g_clear_error (&error);

  /* A new password replaces the old one and ends the sessions signed in
   * with the old one. */
  g_autoptr(FlLoginResult) before = fl_accounts_login (t.store, "liwei", "correct horse", "ThinkPad",
                                                       NULL, "10.0.0.5", NULL, &error);
  g_assert_no_error (error);
  fl_accounts_set_password (t.store, "liwei", "battery staple", "admin", &error);
  g_assert_no_error (error);
  g_assert_false (fl_accounts_authenticate (t.store, before->token, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED);
  g_clear_error (&error);
  g_autoptr(FlLoginResult) old = fl_accounts_login (t.store, "liwei", "correct horse", "ThinkPad",
                                                    NULL, "10.0.0.5", NULL, &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_clear_error (&error);
  g_autoptr(FlLoginResult) ok = fl_accounts_login (t.store, "liwei", "battery staple", "ThinkPad",
                                                   NULL, "10.0.0.5", NULL, &error);
  g_assert_no_error (error);
  fl_test_store_close (&t);
}

static void
test_token_expiry (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autoptr(JsonObject) user = add_engineer (t.store, "liwei");
  FlAccountsPolicy policy;
  fl_accounts_policy_init (&policy);
  policy.token_lifetime = 3600;

  gint64 now = fl_time_now ();
  fl_time_set_now_for_testing (now);
  g_autoptr(FlLoginResult) login = fl_accounts_login (t.store, "liwei", "correct horse", "ThinkPad",
                                                      NULL, "10.0.0.5", &policy, &error);
  g_assert_no_error (error);
  g_assert_cmpint (login->expires_at, ==, now + (gint64) 3600 * G_USEC_PER_SEC);
  fl_time_set_now_for_testing (now + (gint64) 3599 * G_USEC_PER_SEC);
  g_assert_true (fl_accounts_authenticate (t.store, login->token, NULL, NULL, &error));
  g_assert_no_error (error);
  fl_time_set_now_for_testing (now + (gint64) 3600 * G_USEC_PER_SEC);
  g_assert_false (fl_accounts_authenticate (t.store, login->token, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_EXPIRED);
  fl_time_set_now_for_testing (0);
  fl_test_store_close (&t);
}

static void
test_revocation (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autoptr(JsonObject) user = add_engineer (t.store, "liwei");
  g_autoptr(JsonObject) other = add_engineer (t.store, "wangfang");

  /* Logout revokes that token only. */
  g_autoptr(FlLoginResult) a = fl_accounts_login (t.store, "liwei", "correct horse", "A", NULL, "p", NULL, &error);
  g_autoptr(FlLoginResult) b = fl_accounts_login (t.store, "liwei", "correct horse", "B", NULL, "p", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fl_accounts_logout (t.store, a->token, &error));
  g_assert_false (fl_accounts_authenticate (t.store, a->token, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED);
  g_clear_error (&error);
  g_assert_true (fl_accounts_authenticate (t.store, b->token, NULL, NULL, &error));

  /* Revoking a device (by its code) stops its token at the next request,
   * and it cannot sign in again as that device. */
  g_assert_true (fl_accounts_revoke_device (t.store, b->device->code, "admin", &error));
  g_assert_false (fl_accounts_authenticate (t.store, b->token, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED);
  g_clear_error (&error);
  g_autoptr(FlLoginResult) back = fl_accounts_login (t.store, "liwei", "correct horse", "B",
                                                     b->device->id, "p", NULL, &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED);
  g_clear_error (&error);
  g_assert_false (fl_accounts_revoke_device (t.store, "ZZZZ", "admin", &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_NOT_FOUND);
  g_clear_error (&error);

  /* Disabling a user stops every token of theirs, and sign-in. */
  g_autoptr(FlLoginResult) c = fl_accounts_login (t.store, "wangfang", "correct horse", "C", NULL, "p", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (fl_accounts_set_disabled (t.store, "wangfang", TRUE, "admin", &error));
  g_assert_false (fl_accounts_authenticate (t.store, c->token, NULL, NULL, &error));
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED);
  g_clear_error (&error);
  /* ... and the right password is answered like a wrong one: the answer
   * must not tell that the password is right. */
  g_autoptr(FlLoginResult) d = fl_accounts_login (t.store, "wangfang", "correct horse", "C", NULL, "p", NULL, &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_autofree char *disabled_message = g_strdup (error->message);
  g_clear_error (&error);
  g_autoptr(FlLoginResult) e = fl_accounts_login (t.store, "wangfang", "wrong horse", "C", NULL, "p", NULL, &error);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
  g_assert_cmpstr (error->message, ==, disabled_message);
  g_clear_error (&error);
  fl_test_store_close (&t);
}

static gboolean
collect_actions (const FlAuditEntry *entry, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, g_strdup (entry->action));
  return TRUE;
}

static void
test_rate_limit (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autoptr(JsonObject) user = add_engineer (t.store, "liwei");
  FlAccountsPolicy policy;
  fl_accounts_policy_init (&policy);
  gint64 now = fl_time_now ();
  fl_time_set_now_for_testing (now);

  for (guint i = 0; i < policy.max_failures; i++)
    {
      g_autoptr(FlLoginResult) r = fl_accounts_login (t.store, "liwei", "guess", "X", NULL,
                                                      "10.0.0.66", &policy, &error);
      g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS);
      g_clear_error (&error);
    }
  /* Even the right password is refused now, from that address ... */
  g_autoptr(FlLoginResult) limited = fl_accounts_login (t.store, "liwei", "correct horse", "X", NULL,
                                                        "10.0.0.66", &policy, &error);
  g_assert_null (limited);
  g_assert_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_RATE_LIMITED);
  g_clear_error (&error);
  /* ... but not from another one ... */
  g_autoptr(FlLoginResult) elsewhere = fl_accounts_login (t.store, "liwei", "correct horse", "X", NULL,
                                                          "10.0.0.5", &policy, &error);
  g_assert_no_error (error);
  /* ... and the window passes. */
  fl_time_set_now_for_testing (now + (policy.window + 1) * G_USEC_PER_SEC);
  g_autoptr(FlLoginResult) later = fl_accounts_login (t.store, "liwei", "correct horse", "X", NULL,
                                                      "10.0.0.66", &policy, &error);
  g_assert_no_error (error);
  fl_time_set_now_for_testing (0);

  /* Every attempt is in the audit log. */
  g_autoptr(GPtrArray) actions = g_ptr_array_new_with_free_func (g_free);
  fl_store_audit_history (t.store, "user", fl_record_get_string (user, "id"), collect_actions, actions, &error);
  g_assert_no_error (error);
  guint failed = 0, ok = 0;
  for (guint i = 0; i < actions->len; i++)
    {
      failed += g_strcmp0 (actions->pdata[i], "login_failed") == 0;
      ok += g_strcmp0 (actions->pdata[i], "login") == 0;
    }
  g_assert_cmpuint (failed, ==, policy.max_failures);
  g_assert_cmpuint (ok, ==, 2);
  fl_test_store_close (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/accounts/password-hash", test_password_hash);
  g_test_add_func ("/accounts/add-user", test_add_user);
  g_test_add_func ("/accounts/login-and-authenticate", test_login_and_authenticate);
  g_test_add_func ("/accounts/wrong-password", test_wrong_password);
  g_test_add_func ("/accounts/token-expiry", test_token_expiry);
  g_test_add_func ("/accounts/revocation", test_revocation);
  g_test_add_func ("/accounts/rate-limit", test_rate_limit);
  return g_test_run ();
}
