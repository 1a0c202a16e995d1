/* fl-secret-token-store.h — the desktop client's sign-in tokens in the login
 * keyring (Secret Service, through libsecret), filed under the server's URL
 * and the login. */
#pragma once

#include <fl-token-store.h>

G_BEGIN_DECLS

#define FL_TYPE_SECRET_TOKEN_STORE (fl_secret_token_store_get_type ())
G_DECLARE_FINAL_TYPE (FlSecretTokenStore, fl_secret_token_store, FL, SECRET_TOKEN_STORE, GObject)

FlTokenStore *fl_secret_token_store_new (void);

G_END_DECLS
