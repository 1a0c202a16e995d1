#include "fl-secret-token-store.h"

#include <glib/gi18n-lib.h>
#include <libsecret/secret.h>
#include <string.h>

struct _FlSecretTokenStore
{
  GObject parent_instance;
};

static void fl_secret_token_store_iface_init (FlTokenStoreInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlSecretTokenStore, fl_secret_token_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_TOKEN_STORE,
                                                      fl_secret_token_store_iface_init))

static const SecretSchema *
token_schema (void)
{
  static const SecretSchema schema = {
    "io.github.fieldline.Fieldline.Token", SECRET_SCHEMA_NONE,
    {
      { "server", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { "login", SECRET_SCHEMA_ATTRIBUTE_STRING },
      { NULL, 0 },
    }
  };
  return &schema;
}

gboolean
fl_secret_token_store_fail (GError **error, const GError *cause, const char *what)
{
  gboolean dismissed = cause == NULL || g_error_matches (cause, G_IO_ERROR, G_IO_ERROR_CANCELLED) ||
                       g_error_matches (cause, SECRET_ERROR, SECRET_ERROR_IS_LOCKED) ||
                       strstr (cause->message, "/org/freedesktop/secrets/") != NULL;
  gboolean missing = cause != NULL && cause->domain == G_DBUS_ERROR &&
                     (cause->code == G_DBUS_ERROR_SERVICE_UNKNOWN || cause->code == G_DBUS_ERROR_NAME_HAS_NO_OWNER ||
                      cause->code == G_DBUS_ERROR_SPAWN_SERVICE_NOT_FOUND || cause->code == G_DBUS_ERROR_SPAWN_EXEC_FAILED ||
                      cause->code == G_DBUS_ERROR_SPAWN_CHILD_EXITED);
  if (dismissed)
    g_set_error (error, FL_TOKEN_STORE_ERROR, FL_TOKEN_STORE_ERROR_LOCKED,
                 /* Translators: %s says what failed */
                 _("%s: the keyring stayed locked. Unlock it when asked and retry, or sign in again."), what);
  else if (missing)
    g_set_error (error, FL_TOKEN_STORE_ERROR, FL_TOKEN_STORE_ERROR_UNAVAILABLE,
                 _("%s: no keyring is running. Start one (such as GNOME Keyring) and retry, or sign in again."),
                 what);
  else
    g_set_error (error, FL_TOKEN_STORE_ERROR, FL_TOKEN_STORE_ERROR_FAILED,
                 /* Translators: the first %s says what failed, the second is the keyring's reason */
                 _("%s: %s. Is a keyring (such as GNOME Keyring) running and unlocked?"),
                 what, cause->message);
  return FALSE;
}

static char *
secret_load (FlTokenStore *store, const char *server, const char *login, GError **error)
{
  g_autoptr(GError) cause = NULL;
  char *token = secret_password_lookup_sync (token_schema (), NULL, &cause,
                                             "server", server, "login", login, NULL);
  if (cause != NULL)
    {
      fl_secret_token_store_fail (error, cause, _("Cannot read the sign-in from the keyring"));
      return NULL;
    }
  return token;
}

static gboolean
secret_save (FlTokenStore *store, const char *server, const char *login, const char *token,
             GError **error)
{
  g_autofree char *label = g_strdup_printf (_("Fieldline sign-in for %s at %s"), login, server);
  g_autoptr(GError) cause = NULL;
  if (!secret_password_store_sync (token_schema (), SECRET_COLLECTION_DEFAULT, label, token,
                                   NULL, &cause, "server", server, "login", login, NULL))
    return fl_secret_token_store_fail (error, cause, _("Cannot save the sign-in in the keyring"));
  return TRUE;
}

static gboolean
secret_clear (FlTokenStore *store, const char *server, const char *login, GError **error)
{
  g_autoptr(GError) cause = NULL;
  secret_password_clear_sync (token_schema (), NULL, &cause, "server", server, "login", login, NULL);
  if (cause != NULL)
    return fl_secret_token_store_fail (error, cause, _("Cannot remove the sign-in from the keyring"));
  return TRUE;
}

static void
fl_secret_token_store_iface_init (FlTokenStoreInterface *iface)
{
  iface->load = secret_load;
  iface->save = secret_save;
  iface->clear = secret_clear;
}

static void
fl_secret_token_store_class_init (FlSecretTokenStoreClass *klass)
{
}

static void
fl_secret_token_store_init (FlSecretTokenStore *self)
{
}

FlTokenStore *
fl_secret_token_store_new (void)
{
  return g_object_new (FL_TYPE_SECRET_TOKEN_STORE, NULL);
}
