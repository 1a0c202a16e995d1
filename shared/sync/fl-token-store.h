/* fl-token-store.h — where a client keeps its sign-in token.
 *
 * The sync engine only knows this interface.  The headless client keeps the
 * token in a file readable by its owner only (FlFileTokenStore, here); the
 * desktop client keeps it in the login keyring (libsecret).  A token is
 * filed under the server's URL and the login, so one store can hold the
 * tokens of several servers. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_TOKEN_STORE_ERROR (fl_token_store_error_quark ())
typedef enum {
  FL_TOKEN_STORE_ERROR_FAILED,       /* the token could not be read or written */
  FL_TOKEN_STORE_ERROR_LOCKED,       /* the keyring stayed locked (its prompt was dismissed) */
  FL_TOKEN_STORE_ERROR_UNAVAILABLE,  /* no keyring service is running */
} FlTokenStoreError;
GQuark fl_token_store_error_quark (void);

#define FL_TYPE_TOKEN_STORE (fl_token_store_get_type ())
G_DECLARE_INTERFACE (FlTokenStore, fl_token_store, FL, TOKEN_STORE, GObject)

struct _FlTokenStoreInterface
{
  GTypeInterface parent_iface;

  char     *(*load)  (FlTokenStore *self, const char *server, const char *login, GError **error);
  gboolean  (*save)  (FlTokenStore *self, const char *server, const char *login,
                      const char *token, GError **error);
  gboolean  (*clear) (FlTokenStore *self, const char *server, const char *login, GError **error);
};

/* The token, or NULL without an error when none is stored. */
char     *fl_token_store_load (FlTokenStore *self, const char *server, const char *login,
                               GError **error);
gboolean  fl_token_store_save (FlTokenStore *self, const char *server, const char *login,
                               const char *token, GError **error);
/* Forgets the token; no error when there was none. */
gboolean  fl_token_store_clear (FlTokenStore *self, const char *server, const char *login,
                                GError **error);

/* A token in one file, mode 0600, for one server and login at a time. */
#define FL_TYPE_FILE_TOKEN_STORE (fl_file_token_store_get_type ())
G_DECLARE_FINAL_TYPE (FlFileTokenStore, fl_file_token_store, FL, FILE_TOKEN_STORE, GObject)

FlTokenStore *fl_file_token_store_new (const char *path);

/* Tokens in memory only (tests, and sessions that must not persist one). */
#define FL_TYPE_MEMORY_TOKEN_STORE (fl_memory_token_store_get_type ())
G_DECLARE_FINAL_TYPE (FlMemoryTokenStore, fl_memory_token_store, FL, MEMORY_TOKEN_STORE, GObject)

FlTokenStore *fl_memory_token_store_new (void);

G_END_DECLS
