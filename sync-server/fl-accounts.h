/* fl-accounts.h — users, devices and tokens: who may sign in, from where,
 * and whether a request's bearer token is still good.
 *
 * Passwords are hashed with argon2id (libsodium's crypto_pwhash_str, the
 * interactive limits).  A sign-in registers a device (or reuses the one the
 * client names) with a unique 3-character code used in human references,
 * and gives a token: 32 random bytes as base64url text, of which the store
 * keeps only the SHA-256.  Tokens expire and can be revoked (one token at
 * logout, every token of a device or a user by an admin); revocation holds
 * from the next request on.  Failed sign-ins are rate-limited per login and
 * address, and every sign-in, failed or not, is audited. */
#pragma once

#include "fl-store.h"

G_BEGIN_DECLS

#define FL_ACCOUNTS_ERROR (fl_accounts_error_quark ())
typedef enum {
  FL_ACCOUNTS_ERROR_BAD_CREDENTIALS,  /* unknown login, wrong password or disabled account (one error for all) */
  FL_ACCOUNTS_ERROR_RATE_LIMITED,     /* too many failed sign-ins: wait (429) */
  FL_ACCOUNTS_ERROR_TOKEN_MISSING,    /* no bearer token (401) */
  FL_ACCOUNTS_ERROR_TOKEN_UNKNOWN,    /* not a token this server gave (401) */
  FL_ACCOUNTS_ERROR_TOKEN_EXPIRED,    /* sign in again (401) */
  FL_ACCOUNTS_ERROR_TOKEN_REVOKED,    /* the token, its device or its user was revoked (401) */
  FL_ACCOUNTS_ERROR_INVALID,          /* a bad login name, role, password or site */
  FL_ACCOUNTS_ERROR_EXISTS,           /* the login is taken */
  FL_ACCOUNTS_ERROR_NOT_FOUND,        /* no such user or device */
} FlAccountsError;
GQuark fl_accounts_error_quark (void);

#define FL_ACCOUNTS_MIN_PASSWORD 8

typedef struct {
  gint64 token_lifetime;  /* seconds: 30 days */
  guint  max_failures;    /* failed sign-ins per login and address ... */
  guint  window;          /* ... within this many seconds, then RATE_LIMITED: 5 in 300 */
} FlAccountsPolicy;

void      fl_accounts_policy_init (FlAccountsPolicy *policy);

/* Tests: hash with libsodium's minimum limits instead of the interactive
 * ones (also when FIELDLINE_FAST_PWHASH=1 is in the environment). */
void      fl_accounts_set_hash_limits_for_testing (gboolean fast);

/* 12 random characters of an alphabet without look-alikes, for a
 * password an administrator hands over (and the user changes). */
char     *fl_accounts_generate_password (void);

char     *fl_accounts_hash_password (const char *password, GError **error);
gboolean  fl_accounts_verify_password (const char *hash, const char *password);

/* ---- users (each in its own transaction, audited with `actor`) ---- */

/* The user row with that login; NULL with NOT_FOUND. */
JsonObject *fl_accounts_find_user (FlStore *store, const char *login, GError **error);

/* The site ids a user may see, or NULL when the user sees every site. */
GStrv       fl_accounts_user_sites (JsonObject *user);

/* Adds a user (`site_ids` NULL or empty = every site).  Returns the row. */
JsonObject *fl_accounts_add_user (FlStore *store, const char *login, const char *display_name,
                                  const char *role, const char * const *site_ids,
                                  const char *password, const char *actor, GError **error);
/* Sets some of display_name, role, sites and disabled from `fields`
 * (validated against the model; `sites` are site ids). */
gboolean    fl_accounts_update_user (FlStore *store, const char *login, JsonObject *fields,
                                     const char *actor, GError **error);
gboolean    fl_accounts_set_password (FlStore *store, const char *login, const char *password,
                                      const char *actor, GError **error);
/* A new password, and disabling, revoke every token of the user's devices. */
gboolean    fl_accounts_set_disabled (FlStore *store, const char *login, gboolean disabled,
                                      const char *actor, GError **error);
gboolean    fl_accounts_set_role (FlStore *store, const char *login, const char *role,
                                  const char *actor, GError **error);
gboolean    fl_accounts_set_sites (FlStore *store, const char *login, const char * const *site_ids,
                                   const char *actor, GError **error);

/* ---- sign-in ---- */

typedef struct {
  char          *token;       /* give it to the client; never stored */
  gint64         expires_at;  /* usec */
  FlStoreDevice *device;
  JsonObject    *user;
} FlLoginResult;

void           fl_login_result_free (FlLoginResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLoginResult, fl_login_result_free)

/* Checks the password and gives a token for a device: the client's own
 * `device_id` when it names a device of this user that is not revoked,
 * otherwise a new device called `device_name`.  `peer` is the client's
 * address, for the rate limit and the audit log; `policy` NULL = defaults. */
FlLoginResult *fl_accounts_login (FlStore *store, const char *login, const char *password,
                                  const char *device_name, const char *device_id,
                                  const char *peer, const FlAccountsPolicy *policy,
                                  GError **error);

/* Checks a bearer token (with or without the "Bearer " prefix) and returns
 * its user and device.  Distinct errors for a missing, unknown, expired or
 * revoked token (a revoked device or a disabled user count as revoked). */
gboolean       fl_accounts_authenticate (FlStore *store, const char *bearer_token,
                                         JsonObject **out_user, FlStoreDevice **out_device,
                                         GError **error);

/* Revokes the token (POST /auth/logout). */
gboolean       fl_accounts_logout (FlStore *store, const char *bearer_token, GError **error);

/* Revokes a device by id or code, and every token it holds. */
gboolean       fl_accounts_revoke_device (FlStore *store, const char *id_or_code,
                                          const char *actor, GError **error);

/* A device code nobody uses yet: 3 characters of an alphabet without the
 * look-alikes 0/O, 1/I/L ("K3F"). */
char          *fl_accounts_new_device_code (FlStore *store, GError **error);

G_END_DECLS
