#include <inttypes.h>
#include "fl-blobs.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <unistd.h>

G_DEFINE_QUARK (fl-blobs-error-quark, fl_blobs_error)

struct _FlBlobs
{
  char    *dir;       /* or NULL: in the store */
  FlStore *store;     /* borrowed */
  gsize    max_size;
};

FlBlobs *
fl_blobs_new (const char *dir, gsize max_size, GError **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_IO,
                   _("Cannot create the blob folder %s: %s"), dir, g_strerror (saved));
      return NULL;
    }
  FlBlobs *blobs = g_new0 (FlBlobs, 1);
  blobs->dir = g_strdup (dir);
  blobs->max_size = max_size;
  return blobs;
}

FlBlobs *
fl_blobs_new_in_store (FlStore *store, gsize max_size)
{
  g_return_val_if_fail (fl_store_keeps_blobs (store), NULL);
  FlBlobs *blobs = g_new0 (FlBlobs, 1);
  blobs->store = store;
  blobs->max_size = max_size;
  return blobs;
}

FlBlobs *
fl_blobs_new_for_store (FlStore *store, const char *dir, gsize max_size, GError **error)
{
  return dir != NULL ? fl_blobs_new (dir, max_size, error) : fl_blobs_new_in_store (store, max_size);
}

/* A store's failure in this module's words: not there, or the database. */
static void
store_error (GError **error, GError *store_error)
{
  g_set_error_literal (error, FL_BLOBS_ERROR,
                       g_error_matches (store_error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND)
                         ? FL_BLOBS_ERROR_NOT_FOUND : FL_BLOBS_ERROR_IO,
                       store_error->message);
}

void
fl_blobs_free (FlBlobs *blobs)
{
  if (blobs == NULL)
    return;
  g_free (blobs->dir);
  g_free (blobs);
}

gsize
fl_blobs_max_size (FlBlobs *blobs)
{
  return blobs->max_size;
}

gboolean
fl_blobs_name_is_valid (const char *sha256)
{
  if (sha256 == NULL || strlen (sha256) != 64)
    return FALSE;
  for (int i = 0; i < 64; i++)
    if (!g_ascii_isxdigit (sha256[i]) || g_ascii_isupper (sha256[i]))
      return FALSE;
  return TRUE;
}

static char *
blob_path (FlBlobs *blobs, const char *sha256)
{
  char shard[3] = { sha256[0], sha256[1], '\0' };
  return g_build_filename (blobs->dir, shard, sha256, NULL);
}

static gboolean
check_name (const char *sha256, GError **error)
{
  if (fl_blobs_name_is_valid (sha256))
    return TRUE;
  g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_BAD_NAME,
               _("A blob is named by the SHA-256 of its bytes: 64 lowercase hex digits"));
  return FALSE;
}

gboolean
fl_blobs_exists (FlBlobs *blobs, const char *sha256)
{
  if (!fl_blobs_name_is_valid (sha256))
    return FALSE;
  gboolean has_blob = FALSE;
  if (blobs->store != NULL)
    return fl_store_has_blob (blobs->store, sha256, &has_blob, NULL) && has_blob;
  g_autofree char *path = blob_path (blobs, sha256);
  return g_file_test (path, G_FILE_TEST_IS_REGULAR);
}

static gboolean
io_error (GError **error, const char *what, const char *path, int saved_errno)
{
  g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_IO, "%s %s: %s", what, path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
write_all (int fd, const guint8 *data, gsize size)
{
  while (size > 0)
    {
      ssize_t n = write (fd, data, size);
      if (n < 0 && errno == EINTR)
        continue;
      if (n <= 0)
        return FALSE;
      data += n;
      size -= (gsize) n;
    }
  return TRUE;
}

gboolean
fl_blobs_put (FlBlobs *blobs, const char *sha256, GBytes *data, GError **error)
{
  if (!check_name (sha256, error))
    return FALSE;
  gsize size = g_bytes_get_size (data);
  if (size > blobs->max_size)
    {
      g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_TOO_LARGE,
                   _("The file is %zu bytes; the server accepts at most %zu"),
                   size, blobs->max_size);
      return FALSE;
    }
  g_autofree char *actual = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, data);
  if (strcmp (actual, sha256) != 0)
    {
      g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_HASH_MISMATCH,
                   _("The bytes received have the SHA-256 %s, not %s: the upload was damaged"),
                   actual, sha256);
      return FALSE;
    }
  if (blobs->store != NULL)
    {
      g_autoptr(GError) local_error = NULL;
      if (fl_store_put_blob (blobs->store, sha256, data, &local_error))
        return TRUE;
      store_error (error, local_error);
      return FALSE;
    }
  if (fl_blobs_exists (blobs, sha256))
    return TRUE;

  g_autofree char *path = blob_path (blobs, sha256);
  g_autofree char *shard = g_path_get_dirname (path);
  if (g_mkdir_with_parents (shard, 0700) != 0)
    return io_error (error, _("Cannot create"), shard, errno);
  g_autofree char *tmp = g_strconcat (path, ".XXXXXX", NULL);
  int fd = g_mkstemp_full (tmp, O_WRONLY | O_CLOEXEC, 0600);
  if (fd < 0)
    return io_error (error, _("Cannot create"), tmp, errno);
  gboolean ok = write_all (fd, g_bytes_get_data (data, NULL), size) && fsync (fd) == 0;
  int saved = errno;
  close (fd);
  if (!ok || g_rename (tmp, path) != 0)
    {
      saved = ok ? errno : saved;
      g_unlink (tmp);
      return io_error (error, _("Cannot write"), path, saved);
    }
  return TRUE;
}

GBytes *
fl_blobs_get (FlBlobs *blobs, const char *sha256, GError **error)
{
  if (!check_name (sha256, error))
    return NULL;
  g_autoptr(GError) local_error = NULL;
  if (blobs->store != NULL)
    {
      GBytes *bytes = fl_store_get_blob (blobs->store, sha256, &local_error);
      if (bytes == NULL)
        store_error (error, local_error);
      return bytes;
    }
  g_autofree char *path = blob_path (blobs, sha256);
  g_autoptr(GMappedFile) file = g_mapped_file_new (path, FALSE, &local_error);
  if (file == NULL)
    {
      if (g_error_matches (local_error, G_FILE_ERROR, G_FILE_ERROR_NOENT))
        g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_NOT_FOUND, _("No blob %s on the server"), sha256);
      else
        g_set_error (error, FL_BLOBS_ERROR, FL_BLOBS_ERROR_IO, "%s", local_error->message);
      return NULL;
    }
  return g_mapped_file_get_bytes (file);
}

gboolean
fl_blobs_foreach (FlBlobs *blobs, FlBlobsFunc func, gpointer user_data, GError **error)
{
  if (blobs->store != NULL)
    return fl_store_foreach_blob (blobs->store, func, user_data, error);
  g_autoptr(GDir) top = g_dir_open (blobs->dir, 0, error);
  if (top == NULL)
    return FALSE;
  const char *shard;
  while ((shard = g_dir_read_name (top)) != NULL)
    {
      g_autofree char *shard_path = g_build_filename (blobs->dir, shard, NULL);
      if (strlen (shard) != 2 || !g_file_test (shard_path, G_FILE_TEST_IS_DIR))
        continue;
      g_autoptr(GDir) dir = g_dir_open (shard_path, 0, error);
      if (dir == NULL)
        return FALSE;
      const char *name;
      while ((name = g_dir_read_name (dir)) != NULL)
        if (fl_blobs_name_is_valid (name) && strncmp (name, shard, 2) == 0 && !func (name, user_data, error))
          return FALSE;
    }
  return TRUE;
}
