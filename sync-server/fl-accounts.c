#include "fl-accounts.h"

#include <glib/gi18n-lib.h>
#include <sodium.h>
#include <string.h>

#include "fl-ids.h"
#include "fl-record.h"
#include "fl-time.h"
#include "fl-workflow.h"

G_DEFINE_QUARK (fl-accounts-error-quark, fl_accounts_error)

#define TOKEN_BYTES 32
#define CODE_ALPHABET "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
/* A device's last_seen is written at most this often, so that checking a
 * token stays a read. */
#define LAST_SEEN_RESOLUTION (60 * G_USEC_PER_SEC)

static gboolean fast_hash;

void
fl_accounts_policy_init (FlAccountsPolicy *policy)
{
  policy->token_lifetime = 30 * 24 * 3600;
  policy->max_failures = 5;
  policy->window = 300;
}

void
fl_accounts_set_hash_limits_for_testing (gboolean fast)
{
  fast_hash = fast;
}

static gboolean
ensure_sodium (GError **error)
{
  if (sodium_init () < 0)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID,
                   _("The cryptography library could not start"));
      return FALSE;
    }
  return TRUE;
}

char *
fl_accounts_generate_password (void)
{
  static const char alphabet[] = "abcdefghjkmnpqrstuvwxyzABCDEFGHJKMNPQRSTUVWXYZ23456789";
  char password[13];
  if (sodium_init () < 0)
    g_error ("The cryptography library could not start");
  for (guint i = 0; i < 12; i++)
    password[i] = alphabet[randombytes_uniform (sizeof alphabet - 1)];
  password[12] = '\0';
  return g_strdup (password);
}

char *
fl_accounts_hash_password (const char *password, GError **error)
{
  char hash[crypto_pwhash_STRBYTES];
  gboolean fast = fast_hash || g_strcmp0 (g_getenv ("FIELDLINE_FAST_PWHASH"), "1") == 0;
  if (!ensure_sodium (error))
    return NULL;
  if (crypto_pwhash_str_alg (hash, password, strlen (password),
                             fast ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE,
                             fast ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE,
                             crypto_pwhash_ALG_ARGON2ID13) != 0)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID,
                   _("Not enough memory to hash the password"));
      return NULL;
    }
  return g_strdup (hash);
}

gboolean
fl_accounts_verify_password (const char *hash, const char *password)
{
  if (hash == NULL || password == NULL || sodium_init () < 0)
    return FALSE;
  return crypto_pwhash_str_verify (hash, password, strlen (password)) == 0;
}

/* ---- users ---- */

static const FlTable *
user_table (void)
{
  return fl_schema_lookup ("user");
}

JsonObject *
fl_accounts_find_user (FlStore *store, const char *login, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  JsonObject *user = fl_store_find_row (store, user_table (), "login", login, &local_error);
  if (user == NULL)
    {
      if (g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_NOT_FOUND,
                     _("There is no user “%s”"), login);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
    }
  return user;
}

GStrv
fl_accounts_user_sites (JsonObject *user)
{
  return fl_workflow_user_sites (user);
}

static gboolean
check_login_name (const char *login, GError **error)
{
  gsize n = login != NULL ? strlen (login) : 0;
  gboolean ok = n >= 1 && n <= 64;
  for (gsize i = 0; ok && i < n; i++)
    ok = g_ascii_isalnum (login[i]) || strchr ("._-", login[i]) != NULL;
  if (!ok)
    g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID,
                 _("“%s” cannot be a login: use 1 to 64 letters, digits, dots, dashes or underscores"),
                 login != NULL ? login : "");
  return ok;
}

static gboolean
check_password (const char *password, GError **error)
{
  if (password == NULL || g_utf8_strlen (password, -1) < FL_ACCOUNTS_MIN_PASSWORD)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID,
                   _("A password needs at least %d characters"), FL_ACCOUNTS_MIN_PASSWORD);
      return FALSE;
    }
  return TRUE;
}

static JsonNode *
sites_node (const char * const *site_ids)
{
  JsonArray *array = json_array_new ();
  for (guint i = 0; site_ids != NULL && site_ids[i] != NULL; i++)
    json_array_add_string_element (array, site_ids[i]);
  JsonNode *node = json_node_new (JSON_NODE_ARRAY);
  json_node_take_array (node, array);
  return node;
}

/* Each site id must name a site of the store. */
static gboolean
check_sites (FlStore *store, const char * const *site_ids, GError **error)
{
  for (guint i = 0; site_ids != NULL && site_ids[i] != NULL; i++)
    {
      g_autoptr(JsonObject) site = fl_store_load_row (store, fl_schema_lookup ("site"), site_ids[i], NULL);
      if (site == NULL)
        {
          g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID,
                       _("There is no site with the id %s"), site_ids[i]);
          return FALSE;
        }
    }
  return TRUE;
}

/* Stores a user row (a changed one is validated again; a new one was
 * validated by the caller) and audits what changed. */
static gboolean
put_user (FlStore *store, JsonObject *user, JsonObject *before, const char *action,
          const char *actor, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (before != NULL &&
      !fl_record_validate (user_table (), user, FL_RECORD_STORED, NULL, &local_error))
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID, "%s", local_error->message);
      return FALSE;
    }
  g_autoptr(JsonObject) detail = fl_store_row_diff (user_table (), before, user);
  FlAuditEntry entry = {
    .actor = actor, .action = action, .table_name = "user",
    .row_id = fl_record_get_string (user, "id"), .detail = detail,
  };
  return fl_store_put_row (store, user_table (), user, NULL, error) &&
         fl_store_audit (store, &entry, error);
}

JsonObject *
fl_accounts_add_user (FlStore *store, const char *login, const char *display_name,
                      const char *role, const char * const *site_ids, const char *password,
                      const char *actor, GError **error)
{
  if (!check_login_name (login, error) || !check_password (password, error))
    return NULL;
  g_autoptr(JsonObject) user = json_object_new ();
  json_object_set_string_member (user, "login", login);
  json_object_set_string_member (user, "display_name", display_name != NULL ? display_name : login);
  json_object_set_string_member (user, "role", role != NULL ? role : "");
  json_object_set_member (user, "sites", sites_node (site_ids));
  json_object_set_boolean_member (user, "disabled", FALSE);
  g_autoptr(GError) local_error = NULL;
  if (!fl_record_validate (user_table (), user, FL_RECORD_INSERT, NULL, &local_error))
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID, "%s", local_error->message);
      return NULL;
    }
  g_autofree char *hash = fl_accounts_hash_password (password, error);
  if (hash == NULL)
    return NULL;
  g_autofree char *id = fl_uuid7_new ();
  json_object_set_string_member (user, "id", id);

  if (!fl_store_begin (store, error))
    return NULL;
  g_autoptr(JsonObject) existing = fl_store_find_row (store, user_table (), "login", login, NULL);
  if (existing != NULL)
    {
      fl_store_rollback (store);
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_EXISTS,
                   _("There is already a user “%s”"), login);
      return NULL;
    }
  if (!check_sites (store, site_ids, error) ||
      !put_user (store, user, NULL, "user_add", actor, error) ||
      !fl_store_set_password (store, id, hash, error))
    {
      fl_store_rollback (store);
      return NULL;
    }
  if (!fl_store_commit (store, error))
    return NULL;
  return g_steal_pointer (&user);
}

typedef gboolean (*UserEditFunc) (FlStore *store, JsonObject *user, gconstpointer data, GError **error);

/* Loads the user, lets `edit` change the row, stores it: one transaction. */
static gboolean
edit_user (FlStore *store, const char *login, const char *action, UserEditFunc edit,
           gconstpointer data, const char *actor, GError **error)
{
  if (!fl_store_begin (store, error))
    return FALSE;
  g_autoptr(JsonObject) user = fl_accounts_find_user (store, login, error);
  g_autoptr(JsonObject) before = NULL;
  if (user != NULL)
    {
      /* What the audit compares with: a copy the edit does not touch. */
      g_autofree char *text = fl_record_to_string (user);
      before = fl_record_parse (text, -1, NULL);
    }
  if (user == NULL || !edit (store, user, data, error) ||
      !put_user (store, user, before, action, actor, error))
    {
      fl_store_rollback (store);
      return FALSE;
    }
  return fl_store_commit (store, error);
}

static gboolean
revoke_user_device (const FlStoreDevice *device, gpointer user_data, GError **error)
{
  return fl_store_revoke_tokens (user_data, NULL, device->id, error);
}

static gboolean
edit_fields (FlStore *store, JsonObject *user, gconstpointer data, GError **error)
{
  JsonObject *fields = (JsonObject *) data;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(GList) members = json_object_get_members (fields);
  for (GList *l = members; l != NULL; l = l->next)
    if (g_strcmp0 (l->data, "display_name") != 0 && g_strcmp0 (l->data, "role") != 0 &&
        g_strcmp0 (l->data, "sites") != 0 && g_strcmp0 (l->data, "disabled") != 0)
      {
        g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID,
                     _("user.%s: cannot be changed here"), (const char *) l->data);
        return FALSE;
      }
  if (!fl_record_validate (user_table (), fields, FL_RECORD_UPDATE, NULL, &local_error))
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_INVALID, "%s", local_error->message);
      return FALSE;
    }
  if (json_object_has_member (fields, "sites"))
    {
      g_auto(GStrv) site_ids = fl_accounts_user_sites (fields);
      if (!check_sites (store, (const char * const *) site_ids, error))
        return FALSE;
    }
  /* Validation replaced the members (and their names): list them again. */
  g_autoptr(GList) valid = json_object_get_members (fields);
  for (GList *l = valid; l != NULL; l = l->next)
    json_object_set_member (user, l->data, json_node_copy (json_object_get_member (fields, l->data)));
  if (fl_record_get_bool (fields, "disabled"))
    return fl_store_foreach_device (store, fl_record_get_string (user, "id"), revoke_user_device,
                                    store, error);
  return TRUE;
}

gboolean
fl_accounts_update_user (FlStore *store, const char *login, JsonObject *fields,
                         const char *actor, GError **error)
{
  return edit_user (store, login, "user_update", edit_fields, fields, actor, error);
}

/* A new password ends every session of the old one: whoever learnt the old
 * password (the reason it is changed) must not keep a token from it. */
static gboolean
edit_password (FlStore *store, JsonObject *user, gconstpointer data, GError **error)
{
  const char *user_id = fl_record_get_string (user, "id");
  g_autofree char *hash = fl_accounts_hash_password (data, error);
  return hash != NULL && fl_store_set_password (store, user_id, hash, error) &&
         fl_store_foreach_device (store, user_id, revoke_user_device, store, error);
}

gboolean
fl_accounts_set_password (FlStore *store, const char *login, const char *password,
                          const char *actor, GError **error)
{
  if (!check_password (password, error))
    return FALSE;
  return edit_user (store, login, "user_set_password", edit_password, password, actor, error);
}

gboolean
fl_accounts_set_disabled (FlStore *store, const char *login, gboolean disabled,
                          const char *actor, GError **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  json_object_set_boolean_member (fields, "disabled", disabled);
  return fl_accounts_update_user (store, login, fields, actor, error);
}

gboolean
fl_accounts_set_role (FlStore *store, const char *login, const char *role,
                      const char *actor, GError **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  json_object_set_string_member (fields, "role", role);
  return fl_accounts_update_user (store, login, fields, actor, error);
}

gboolean
fl_accounts_set_sites (FlStore *store, const char *login, const char * const *site_ids,
                       const char *actor, GError **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  json_object_set_member (fields, "sites", sites_node (site_ids));
  return fl_accounts_update_user (store, login, fields, actor, error);
}

/* ---- devices and tokens ---- */

char *
fl_accounts_new_device_code (FlStore *store, GError **error)
{
  const guint n_letters = sizeof CODE_ALPHABET - 1;
  if (!ensure_sodium (error))
    return NULL;
  for (guint attempt = 0; attempt < 1000; attempt++)
    {
      char code[4];
      for (guint i = 0; i < 3; i++)
        code[i] = CODE_ALPHABET[randombytes_uniform (n_letters)];
      code[3] = '\0';
      g_autoptr(GError) local_error = NULL;
      g_autoptr(FlStoreDevice) taken = fl_store_load_device (store, code, &local_error);
      if (taken != NULL)
        continue;
      if (!g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        {
          g_propagate_error (error, g_steal_pointer (&local_error));
          return NULL;
        }
      return g_strdup (code);
    }
  g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_EXISTS,
               _("No free device code is left; revoke unused devices"));
  return NULL;
}

static char *
new_token (void)
{
  guchar bytes[TOKEN_BYTES];
  randombytes_buf (bytes, sizeof bytes);
  g_autofree char *text = g_base64_encode (bytes, sizeof bytes);
  sodium_memzero (bytes, sizeof bytes);
  GString *token = g_string_new (NULL);
  for (const char *p = text; *p != '\0'; p++)
    if (*p == '+')
      g_string_append_c (token, '-');
    else if (*p == '/')
      g_string_append_c (token, '_');
    else if (*p != '=')
      g_string_append_c (token, *p);
  return g_string_free (token, FALSE);
}

static char *
token_hash (const char *token)
{
  return g_compute_checksum_for_string (G_CHECKSUM_SHA256, token, -1);
}

static const char *
strip_bearer (const char *bearer_token)
{
  if (bearer_token != NULL && g_ascii_strncasecmp (bearer_token, "Bearer ", 7) == 0)
    bearer_token += 7;
  while (bearer_token != NULL && *bearer_token == ' ')
    bearer_token++;
  return bearer_token;
}

void
fl_login_result_free (FlLoginResult *result)
{
  if (result == NULL)
    return;
  if (result->token != NULL)
    sodium_memzero (result->token, strlen (result->token));
  g_free (result->token);
  fl_store_device_free (result->device);
  g_clear_pointer (&result->user, json_object_unref);
  g_free (result);
}

static gboolean
audit_login (FlStore *store, const char *login, const char *device_id, const char *action,
             const char *user_id, const char *peer, const char *reason, GError **error)
{
  g_autoptr(JsonObject) detail = json_object_new ();
  json_object_set_string_member (detail, "peer", peer != NULL ? peer : "");
  if (reason != NULL)
    json_object_set_string_member (detail, "reason", reason);
  FlAuditEntry entry = {
    .actor = login, .device = device_id, .action = action,
    .table_name = "user", .row_id = user_id, .detail = detail,
  };
  return fl_store_audit (store, &entry, error);
}

/* Records a failed sign-in (attempt and audit) in its own transaction. */
static void
record_failure (FlStore *store, const char *login, const char *user_id, const char *peer,
                const char *reason)
{
  g_autoptr(GError) error = NULL;
  if (!fl_store_begin (store, &error))
    goto failed;
  if (!fl_store_add_login_attempt (store, login, peer, fl_time_now (), FALSE, &error) ||
      !audit_login (store, login, NULL, "login_failed", user_id, peer, reason, &error))
    {
      fl_store_rollback (store);
      goto failed;
    }
  if (fl_store_commit (store, &error))
    return;
failed:
  g_warning ("Could not record a failed sign-in of %s: %s", login, error->message);
}

/* Spends the time of a real verification, so that an unknown login cannot
 * be told from a wrong password by the answer's delay. */
static void
verify_nothing (const char *password)
{
  static char *dummy;
  if (g_once_init_enter (&dummy))
    g_once_init_leave (&dummy, fl_accounts_hash_password ("not a password of anyone", NULL));
  fl_accounts_verify_password (dummy, password);
}

FlLoginResult *
fl_accounts_login (FlStore *store, const char *login, const char *password,
                   const char *device_name, const char *device_id, const char *peer,
                   const FlAccountsPolicy *policy, GError **error)
{
  FlAccountsPolicy defaults;
  if (policy == NULL)
    {
      fl_accounts_policy_init (&defaults);
      policy = &defaults;
    }
  if (!ensure_sodium (error))
    return NULL;
  if (login == NULL || password == NULL)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS,
                   _("The login or the password is wrong"));
      return NULL;
    }
  peer = peer != NULL ? peer : "";

  gint64 now = fl_time_now ();
  gint64 failures = fl_store_count_login_failures (store, login, peer,
                                                   now - (gint64) policy->window * G_USEC_PER_SEC,
                                                   error);
  if (failures < 0)
    return NULL;
  if (failures >= policy->max_failures)
    {
      g_autoptr(GError) audit_error = NULL;
      if (!audit_login (store, login, NULL, "login_limited", NULL, peer, NULL, &audit_error))
        g_warning ("Could not audit a refused sign-in of %s: %s", login, audit_error->message);
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_RATE_LIMITED,
                   _("Too many failed sign-ins for “%s”; try again in %u minutes"),
                   login, (policy->window + 59) / 60);
      return NULL;
    }

  g_autoptr(GError) local_error = NULL;
  g_autoptr(JsonObject) user = fl_accounts_find_user (store, login, &local_error);
  if (user == NULL && !g_error_matches (local_error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_NOT_FOUND))
    {
      g_propagate_error (error, g_steal_pointer (&local_error));
      return NULL;
    }
  const char *user_id = user != NULL ? fl_record_get_string (user, "id") : NULL;
  g_autofree char *hash = user != NULL ? fl_store_get_password (store, user_id, NULL) : NULL;
  if (hash == NULL)
    verify_nothing (password);
  /* A disabled account gets the answer of a wrong password: another answer
   * would tell whoever tries that the password is right. */
  const char *reason = user == NULL ? "unknown login"
                     : hash == NULL || !fl_accounts_verify_password (hash, password) ? "wrong password"
                     : fl_record_get_bool (user, "disabled") ? "disabled"
                     : NULL;
  if (reason != NULL)
    {
      record_failure (store, login, user_id, peer, reason);
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_BAD_CREDENTIALS,
                   _("The login or the password is wrong"));
      return NULL;
    }

  if (!fl_store_begin (store, error))
    return NULL;
  g_autoptr(FlStoreDevice) device = NULL;
  if (device_id != NULL && *device_id != '\0')
    {
      device = fl_store_load_device (store, device_id, NULL);
      if (device != NULL && (g_strcmp0 (device->user_id, user_id) != 0 ||
                             g_ascii_strcasecmp (device->id, device_id) != 0))
        g_clear_pointer (&device, fl_store_device_free);  /* another user's: a new device */
      if (device != NULL && device->revoked)
        {
          fl_store_rollback (store);
          record_failure (store, login, user_id, peer, "device revoked");
          g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED,
                       _("This device was revoked by an administrator; sign in as a new device"));
          return NULL;
        }
    }
  if (device == NULL)
    {
      device = g_new0 (FlStoreDevice, 1);
      device->id = fl_uuid7_new ();
      device->user_id = g_strdup (user_id);
      device->name = g_strdup (device_name != NULL && *device_name != '\0' ? device_name : _("Unnamed device"));
      device->code = fl_accounts_new_device_code (store, error);
      device->created_at = now;
      if (device->code == NULL)
        {
          fl_store_rollback (store);
          return NULL;
        }
    }
  device->last_seen = now;

  g_autoptr(FlLoginResult) result = g_new0 (FlLoginResult, 1);
  result->token = new_token ();
  result->expires_at = now + policy->token_lifetime * G_USEC_PER_SEC;
  g_autofree char *hash_of_token = token_hash (result->token);
  if (!fl_store_put_device (store, device, error) ||
      !fl_store_put_token (store, hash_of_token, device->id, result->expires_at, error) ||
      !fl_store_add_login_attempt (store, login, peer, now, TRUE, error) ||
      !audit_login (store, login, device->id, "login", user_id, peer, NULL, error))
    {
      fl_store_rollback (store);
      return NULL;
    }
  if (!fl_store_commit (store, error))
    return NULL;
  result->device = g_steal_pointer (&device);
  result->user = g_steal_pointer (&user);
  return g_steal_pointer (&result);
}

gboolean
fl_accounts_authenticate (FlStore *store, const char *bearer_token, JsonObject **out_user,
                          FlStoreDevice **out_device, GError **error)
{
  const char *token = strip_bearer (bearer_token);
  if (token == NULL || *token == '\0')
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_MISSING,
                   _("Sign in first: this request carries no token"));
      return FALSE;
    }
  g_autofree char *hash = token_hash (token);
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlStoreToken) stored = fl_store_load_token (store, hash, &local_error);
  if (stored == NULL)
    {
      if (g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_UNKNOWN,
                     _("This server does not know the token; sign in again"));
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  if (stored->revoked)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED,
                   _("The token was revoked; sign in again"));
      return FALSE;
    }
  gint64 now = fl_time_now ();
  if (stored->expires_at <= now)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_EXPIRED,
                   _("The token expired; sign in again"));
      return FALSE;
    }
  g_autoptr(FlStoreDevice) device = fl_store_load_device (store, stored->device_id, error);
  if (device == NULL)
    return FALSE;
  if (device->revoked)
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED,
                   _("This device was revoked by an administrator"));
      return FALSE;
    }
  g_autoptr(JsonObject) user = fl_store_load_row (store, user_table (), device->user_id, error);
  if (user == NULL)
    return FALSE;
  if (fl_record_get_bool (user, "disabled"))
    {
      g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_TOKEN_REVOKED,
                   _("The account “%s” is disabled"), fl_record_get_string (user, "login"));
      return FALSE;
    }
  if (now - device->last_seen >= LAST_SEEN_RESOLUTION)
    {
      /* Best effort: a busy store must not fail the request for this. */
      g_autoptr(GError) touch_error = NULL;
      device->last_seen = now;
      if (!fl_store_put_device (store, device, &touch_error))
        g_debug ("Could not note when device %s was last seen: %s", device->code, touch_error->message);
    }
  if (out_user != NULL)
    *out_user = g_steal_pointer (&user);
  if (out_device != NULL)
    *out_device = g_steal_pointer (&device);
  return TRUE;
}

gboolean
fl_accounts_logout (FlStore *store, const char *bearer_token, GError **error)
{
  g_autoptr(FlStoreDevice) device = NULL;
  g_autoptr(JsonObject) user = NULL;
  if (!fl_accounts_authenticate (store, bearer_token, &user, &device, error))
    return FALSE;
  g_autofree char *hash = token_hash (strip_bearer (bearer_token));
  FlAuditEntry entry = {
    .actor = fl_record_get_string (user, "login"), .device = device->id, .action = "logout",
    .table_name = "user", .row_id = fl_record_get_string (user, "id"),
  };
  if (!fl_store_begin (store, error))
    return FALSE;
  if (!fl_store_revoke_tokens (store, hash, NULL, error) || !fl_store_audit (store, &entry, error))
    {
      fl_store_rollback (store);
      return FALSE;
    }
  return fl_store_commit (store, error);
}

gboolean
fl_accounts_revoke_device (FlStore *store, const char *id_or_code, const char *actor,
                           GError **error)
{
  if (!fl_store_begin (store, error))
    return FALSE;
  g_autoptr(GError) local_error = NULL;
  g_autoptr(FlStoreDevice) device = fl_store_load_device (store, id_or_code, &local_error);
  if (device == NULL)
    {
      fl_store_rollback (store);
      if (g_error_matches (local_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
        g_set_error (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_NOT_FOUND,
                     _("There is no device with the id or code “%s”"), id_or_code);
      else
        g_propagate_error (error, g_steal_pointer (&local_error));
      return FALSE;
    }
  device->revoked = TRUE;
  FlAuditEntry entry = {
    .actor = actor, .device = device->id, .action = "device_revoke",
    .table_name = "user", .row_id = device->user_id,
  };
  if (!fl_store_put_device (store, device, error) ||
      !fl_store_revoke_tokens (store, NULL, device->id, error) ||
      !fl_store_audit (store, &entry, error))
    {
      fl_store_rollback (store);
      return FALSE;
    }
  return fl_store_commit (store, error);
}
