#include "fl-sign-in-gate.h"

#include <sodium.h>
#include <string.h>

#include "fl-time.h"

/* Passwords followed at once, at most: beyond, the oldest is forgotten. */
#define MAX_PASSWORDS 4096

struct _FlSignInGate
{
  GMutex      lock;
  guint       capacity, per_address, spray_logins;
  gint64      window;    /* usec */
  guint       queued;
  GHashTable *places;    /* peer -> places held (GUINT_TO_POINTER) */
  GHashTable *failures;  /* password fingerprint -> GHashTable (login -> last failure, gint64*) */
  guchar      key[crypto_generichash_KEYBYTES];
};

FlSignInGate *
fl_sign_in_gate_new (guint capacity, guint per_address, guint spray_logins, guint window)
{
  FlSignInGate *gate = g_new0 (FlSignInGate, 1);
  g_mutex_init (&gate->lock);
  gate->capacity = capacity;
  gate->per_address = per_address;
  gate->spray_logins = spray_logins;
  gate->window = (gint64) window * G_USEC_PER_SEC;
  gate->places = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gate->failures = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) g_hash_table_unref);
  if (sodium_init () < 0)
    g_error ("The cryptography library could not start");
  randombytes_buf (gate->key, sizeof gate->key);
  return gate;
}

void
fl_sign_in_gate_free (FlSignInGate *gate)
{
  if (gate == NULL)
    return;
  g_hash_table_unref (gate->places);
  g_hash_table_unref (gate->failures);
  sodium_memzero (gate->key, sizeof gate->key);
  g_mutex_clear (&gate->lock);
  g_free (gate);
}

gboolean
fl_sign_in_gate_enter (FlSignInGate *gate, const char *peer)
{
  peer = peer != NULL ? peer : "";
  g_mutex_lock (&gate->lock);
  guint held = GPOINTER_TO_UINT (g_hash_table_lookup (gate->places, peer));
  gboolean admitted = held < gate->per_address && gate->queued < gate->capacity;
  if (admitted)
    {
      g_hash_table_replace (gate->places, g_strdup (peer), GUINT_TO_POINTER (held + 1));
      gate->queued++;
    }
  g_mutex_unlock (&gate->lock);
  return admitted;
}

void
fl_sign_in_gate_leave (FlSignInGate *gate, const char *peer)
{
  peer = peer != NULL ? peer : "";
  g_mutex_lock (&gate->lock);
  guint held = GPOINTER_TO_UINT (g_hash_table_lookup (gate->places, peer));
  g_warn_if_fail (held > 0 && gate->queued > 0);
  if (held > 1)
    g_hash_table_replace (gate->places, g_strdup (peer), GUINT_TO_POINTER (held - 1));
  else
    g_hash_table_remove (gate->places, peer);
  if (gate->queued > 0)
    gate->queued--;
  g_mutex_unlock (&gate->lock);
}

/* A keyed hash of the password: equal passwords meet, and nothing here
 * tells a password without the key. */
static char *
fingerprint (FlSignInGate *gate, const char *password)
{
  guchar hash[16];
  crypto_generichash (hash, sizeof hash, (const guchar *) password, strlen (password),
                      gate->key, sizeof gate->key);
  char *text = g_malloc (sizeof hash * 2 + 1);
  sodium_bin2hex (text, sizeof hash * 2 + 1, hash, sizeof hash);
  return text;
}

/* The logins that failed with one password within the window (older
 * failures are dropped). */
static guint
recent_logins (FlSignInGate *gate, GHashTable *logins, gint64 now)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, logins);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    if (*(gint64 *) value < now - gate->window)
      g_hash_table_iter_remove (&iter);
  return g_hash_table_size (logins);
}

gboolean
fl_sign_in_gate_password_allowed (FlSignInGate *gate, const char *password)
{
  g_autofree char *key = fingerprint (gate, password != NULL ? password : "");
  g_mutex_lock (&gate->lock);
  GHashTable *logins = g_hash_table_lookup (gate->failures, key);
  gboolean allowed = logins == NULL || recent_logins (gate, logins, fl_time_now ()) < gate->spray_logins;
  if (logins != NULL && g_hash_table_size (logins) == 0)
    g_hash_table_remove (gate->failures, key);
  g_mutex_unlock (&gate->lock);
  return allowed;
}

void
fl_sign_in_gate_note_failure (FlSignInGate *gate, const char *login, const char *password)
{
  g_autofree char *key = fingerprint (gate, password != NULL ? password : "");
  gint64 now = fl_time_now ();
  g_mutex_lock (&gate->lock);
  GHashTable *logins = g_hash_table_lookup (gate->failures, key);
  if (logins == NULL)
    {
      if (g_hash_table_size (gate->failures) >= MAX_PASSWORDS)
        {
          /* Forget one whose failures are all old, or any. */
          GHashTableIter iter;
          gpointer value;
          g_hash_table_iter_init (&iter, gate->failures);
          gboolean found = FALSE;
          while (!found && g_hash_table_iter_next (&iter, NULL, &value))
            found = recent_logins (gate, value, now) == 0;
          if (!found)
            {
              g_hash_table_iter_init (&iter, gate->failures);
              g_hash_table_iter_next (&iter, NULL, NULL);
            }
          g_hash_table_iter_remove (&iter);
        }
      logins = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
      g_hash_table_insert (gate->failures, g_strdup (key), logins);
    }
  gint64 *at = g_new (gint64, 1);
  *at = now;
  g_hash_table_replace (logins, g_strdup (login != NULL ? login : ""), at);
  g_mutex_unlock (&gate->lock);
}
