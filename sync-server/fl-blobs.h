/* fl-blobs.h — content-addressed blobs (photos, signatures).
 *
 * In a folder, a blob is stored under its SHA-256 as <dir>/<ab>/<sha256>:
 * written to a temporary file, synced, then renamed, so a file under a
 * hash name is always complete and always has that hash.  In a store that
 * keeps blobs (PostgreSQL: every instance finds them there) it is written
 * in parts in one transaction, with the same checks first. */
#pragma once

#include <gio/gio.h>

#include "fl-store.h"

G_BEGIN_DECLS

#define FL_BLOBS_ERROR (fl_blobs_error_quark ())
typedef enum {
  FL_BLOBS_ERROR_BAD_NAME,       /* not 64 lowercase hex digits */
  FL_BLOBS_ERROR_HASH_MISMATCH,  /* the bytes do not have that hash */
  FL_BLOBS_ERROR_TOO_LARGE,
  FL_BLOBS_ERROR_NOT_FOUND,
  FL_BLOBS_ERROR_IO,
} FlBlobsError;
GQuark fl_blobs_error_quark (void);

typedef struct _FlBlobs FlBlobs;

/* Blobs live in `dir` (created when missing); none may exceed `max_size`. */
FlBlobs  *fl_blobs_new (const char *dir, gsize max_size, GError **error);
/* Blobs in `store` (fl_store_keeps_blobs), through that connection: use
 * it from the thread that uses the store, and free it before the store. */
FlBlobs  *fl_blobs_new_in_store (FlStore *store, gsize max_size);
/* In `dir` when one is given, else in `store` (which must keep blobs). */
FlBlobs  *fl_blobs_new_for_store (FlStore *store, const char *dir, gsize max_size, GError **error);
void      fl_blobs_free (FlBlobs *blobs);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlBlobs, fl_blobs_free)

gsize     fl_blobs_max_size (FlBlobs *blobs);
gboolean  fl_blobs_name_is_valid (const char *sha256);
gboolean  fl_blobs_exists (FlBlobs *blobs, const char *sha256);

/* Stores `data` under `sha256` after checking its hash and size.  Storing a
 * blob that exists already is a success that writes nothing. */
gboolean  fl_blobs_put (FlBlobs *blobs, const char *sha256, GBytes *data, GError **error);

/* The blob's bytes, mapped from its file (no copy). */
GBytes   *fl_blobs_get (FlBlobs *blobs, const char *sha256, GError **error);

/* Calls `func` with the name of every blob kept (files of other names, a
 * write under way, are passed over); returning FALSE stops. */
typedef gboolean (*FlBlobsFunc) (const char *sha256, gpointer user_data, GError **error);
gboolean  fl_blobs_foreach (FlBlobs *blobs, FlBlobsFunc func, gpointer user_data, GError **error);

G_END_DECLS
