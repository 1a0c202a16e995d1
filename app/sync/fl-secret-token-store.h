/* fl-secret-token-store.h — the desktop client's sign-in tokens in the login
 * keyring (Secret Service, through libsecret), filed under the server's URL
 * and the login. */
#pragma once

#include <fl-token-store.h>

G_BEGIN_DECLS

#define FL_TYPE_SECRET_TOKEN_STORE (fl_secret_token_store_get_type ())
G_DECLARE_FINAL_TYPE (FlSecretTokenStore, fl_secret_token_store, FL, SECRET_TOKEN_STORE, GObject)

FlTokenStore *fl_secret_token_store_new (void);

/* Sets `error` for `what` ("Cannot read the sign-in from the keyring")
 * failing with libsecret's `cause` (NULL: its prompt was dismissed), in
 * words that say what to do: unlock it and retry, or sign in again.  The
 * Secret Service's own messages can be D-Bus object paths; they are never
 * shown.  Returns FALSE. */
gboolean      fl_secret_token_store_fail (GError **error, const GError *cause, const char *what);

G_END_DECLS
