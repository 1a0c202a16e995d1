#include "fl-token-store.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

G_DEFINE_QUARK (fl-token-store-error-quark, fl_token_store_error)

G_DEFINE_INTERFACE (FlTokenStore, fl_token_store, G_TYPE_OBJECT)

static void
fl_token_store_default_init (FlTokenStoreInterface *iface)
{
}

char *
fl_token_store_load (FlTokenStore *self, const char *server, const char *login, GError **error)
{
  g_return_val_if_fail (FL_IS_TOKEN_STORE (self), NULL);
  return FL_TOKEN_STORE_GET_IFACE (self)->load (self, server, login, error);
}

gboolean
fl_token_store_save (FlTokenStore *self, const char *server, const char *login,
                     const char *token, GError **error)
{
  g_return_val_if_fail (FL_IS_TOKEN_STORE (self), FALSE);
  g_return_val_if_fail (token != NULL, FALSE);
  return FL_TOKEN_STORE_GET_IFACE (self)->save (self, server, login, token, error);
}

gboolean
fl_token_store_clear (FlTokenStore *self, const char *server, const char *login, GError **error)
{
  g_return_val_if_fail (FL_IS_TOKEN_STORE (self), FALSE);
  return FL_TOKEN_STORE_GET_IFACE (self)->clear (self, server, login, error);
}

/* ---- a file, mode 0600 ----
 * Three lines: the server, the login and the token.  A token stored for
 * another server or login is not returned. */

struct _FlFileTokenStore
{
  GObject  parent_instance;
  char    *path;
};

static void file_token_store_iface_init (FlTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlFileTokenStore, fl_file_token_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_TOKEN_STORE, file_token_store_iface_init))

static char *
file_load (FlTokenStore *store, const char *server, const char *login, GError **error)
{
  FlFileTokenStore *self = FL_FILE_TOKEN_STORE (store);
  g_autofree char *text = NULL;
  g_autoptr(GError) local_error = NULL;
  if (!g_file_get_contents (self->path, &text, NULL, &local_error))
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        return NULL;
      g_set_error (error, FL_TOKEN_STORE_ERROR, FL_TOKEN_STORE_ERROR_FAILED,
                   _("Cannot read the sign-in token: %s"), local_error->message);
      return NULL;
    }
  g_auto(GStrv) lines = g_strsplit (text, "\n", 4);
  if (g_strv_length (lines) < 3 || g_strcmp0 (lines[0], server) != 0 ||
      g_strcmp0 (lines[1], login) != 0 || lines[2][0] == '\0')
    return NULL;
  return g_strdup (lines[2]);
}

static gboolean
file_save (FlTokenStore *store, const char *server, const char *login, const char *token,
           GError **error)
{
  FlFileTokenStore *self = FL_FILE_TOKEN_STORE (store);
  g_autofree char *text = g_strdup_printf ("%s\n%s\n%s\n", server, login, token);
  g_autoptr(GError) local_error = NULL;
  /* Created 0600 from the start: the token is never readable by others,
   * not even for a moment. */
  if (!g_file_set_contents_full (self->path, text, -1,
                                 G_FILE_SET_CONTENTS_CONSISTENT | G_FILE_SET_CONTENTS_ONLY_EXISTING,
                                 0600, &local_error))
    {
      g_set_error (error, FL_TOKEN_STORE_ERROR, FL_TOKEN_STORE_ERROR_FAILED,
                   _("Cannot store the sign-in token: %s"), local_error->message);
      return FALSE;
    }
  return TRUE;
}

static gboolean
file_clear (FlTokenStore *store, const char *server, const char *login, GError **error)
{
  FlFileTokenStore *self = FL_FILE_TOKEN_STORE (store);
  if (g_unlink (self->path) != 0 && errno != ENOENT)
    {
      int saved = errno;
      g_set_error (error, FL_TOKEN_STORE_ERROR, FL_TOKEN_STORE_ERROR_FAILED,
                   _("Cannot remove the sign-in token %s: %s"), self->path, g_strerror (saved));
      return FALSE;
    }
  return TRUE;
}

static void
file_token_store_iface_init (FlTokenStoreInterface *iface)
{
  iface->load = file_load;
  iface->save = file_save;
  iface->clear = file_clear;
}

static void
fl_file_token_store_finalize (GObject *object)
{
  g_free (FL_FILE_TOKEN_STORE (object)->path);
  G_OBJECT_CLASS (fl_file_token_store_parent_class)->finalize (object);
}

static void
fl_file_token_store_class_init (FlFileTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_file_token_store_finalize;
}

static void
fl_file_token_store_init (FlFileTokenStore *self)
{
}

FlTokenStore *
fl_file_token_store_new (const char *path)
{
  g_return_val_if_fail (path != NULL, NULL);
  FlFileTokenStore *self = g_object_new (FL_TYPE_FILE_TOKEN_STORE, NULL);
  self->path = g_strdup (path);
  return FL_TOKEN_STORE (self);
}

/* ---- memory ---- */

struct _FlMemoryTokenStore
{
  GObject     parent_instance;
  GMutex      lock;
  GHashTable *tokens;  /* "server\nlogin" -> token */
};

static void memory_token_store_iface_init (FlTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlMemoryTokenStore, fl_memory_token_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_TOKEN_STORE, memory_token_store_iface_init))

static char *
memory_key (const char *server, const char *login)
{
  return g_strdup_printf ("%s\n%s", server != NULL ? server : "", login != NULL ? login : "");
}

static char *
memory_load (FlTokenStore *store, const char *server, const char *login, GError **error)
{
  FlMemoryTokenStore *self = FL_MEMORY_TOKEN_STORE (store);
  g_autofree char *key = memory_key (server, login);
  g_mutex_lock (&self->lock);
  char *token = g_strdup (g_hash_table_lookup (self->tokens, key));
  g_mutex_unlock (&self->lock);
  return token;
}

static gboolean
memory_save (FlTokenStore *store, const char *server, const char *login, const char *token,
             GError **error)
{
  FlMemoryTokenStore *self = FL_MEMORY_TOKEN_STORE (store);
  g_mutex_lock (&self->lock);
  g_hash_table_replace (self->tokens, memory_key (server, login), g_strdup (token));
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static gboolean
memory_clear (FlTokenStore *store, const char *server, const char *login, GError **error)
{
  FlMemoryTokenStore *self = FL_MEMORY_TOKEN_STORE (store);
  g_autofree char *key = memory_key (server, login);
  g_mutex_lock (&self->lock);
  g_hash_table_remove (self->tokens, key);
  g_mutex_unlock (&self->lock);
  return TRUE;
}

static void
memory_token_store_iface_init (FlTokenStoreInterface *iface)
{
  iface->load = memory_load;
  iface->save = memory_save;
  iface->clear = memory_clear;
}

static void
fl_memory_token_store_finalize (GObject *object)
{
  FlMemoryTokenStore *self = FL_MEMORY_TOKEN_STORE (object);
  g_hash_table_unref (self->tokens);
  g_mutex_clear (&self->lock);
  G_OBJECT_CLASS (fl_memory_token_store_parent_class)->finalize (object);
}

static void
fl_memory_token_store_class_init (FlMemoryTokenStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_memory_token_store_finalize;
}

static void
fl_memory_token_store_init (FlMemoryTokenStore *self)
{
  g_mutex_init (&self->lock);
  self->tokens = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
}

FlTokenStore *
fl_memory_token_store_new (void)
{
  return g_object_new (FL_TYPE_MEMORY_TOKEN_STORE, NULL);
}
