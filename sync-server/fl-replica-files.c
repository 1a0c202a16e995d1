#include <inttypes.h>
#include "fl-replica-files.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <glib/gstdio.h>
#include <string.h>
#include <zstd.h>

#include "fl-record-store.h"
#include "fl-replica-file.h"
#include "fl-replica-schema.h"

/* zstd's level 3 (its default) compresses a replica about 4:1 at several
 * hundred MB/s on one core: the build, not the compression, is the cost. */
#define COMPRESSION_LEVEL 3
#define PULL_PAGE         1000

/* How far a kept file may lag the change log before it is brought current:
 * a client pulls what its file lacks right after taking it, while bringing
 * a file current costs a pass over all of it (compressed and hashed again),
 * which for a scope of 100,000 work orders is over a second of CPU.  So a
 * few changes wait for more of them, or for the file to grow old. */
#define DEFAULT_LAG_CHANGES 2000
#define DEFAULT_LAG_SECONDS 600

/* One scope's file. */
typedef struct {
  GMutex   lock;        /* one build or update at a time */
  char    *key;         /* file names: a digest of the scope */
  GStrv    sites;       /* the reader it is for */
  char    *login;
  gboolean all_conflicts;
  gint64   last_used;   /* monotonic usec */
  guint    generation;  /* of the compressed file, 0 = none yet */
  gint64   built_at;    /* monotonic usec, when that file was made */
  FlReplicaFileInfo built;  /* without a stream */
} Entry;

struct _FlReplicaFiles
{
  char       *dir;
  gint64      lag_changes;  /* see DEFAULT_LAG_CHANGES */
  gint64      lag_usec;
  GMutex      lock;     /* guards `entries` */
  GHashTable *entries;  /* key -> Entry* */
};

void
fl_replica_file_info_free (FlReplicaFileInfo *info)
{
  g_clear_object (&info->stream);
  g_free (info->sha256);
  g_free (info->cursor);
  g_free (info);
}

static char *
entry_path (FlReplicaFiles *files, const Entry *entry, const char *suffix)
{
  g_autofree char *name = g_strconcat (entry->key, suffix, NULL);
  return g_build_filename (files->dir, name, NULL);
}

static char *
compressed_path (FlReplicaFiles *files, const Entry *entry, guint generation)
{
  g_autofree char *suffix = g_strdup_printf (".%u.db.zst", generation);
  return entry_path (files, entry, suffix);
}

static void
remove_file_and_log (const char *path)
{
  const char *suffixes[] = { "", "-wal", "-shm", "-journal" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (path, suffixes[i], NULL);
      g_unlink (name);
    }
}

static void
entry_free (gpointer data)
{
  Entry *entry = data;
  g_mutex_clear (&entry->lock);
  g_free (entry->key);
  g_strfreev (entry->sites);
  g_free (entry->login);
  g_free (entry->built.sha256);
  g_free (entry->built.cursor);
  g_free (entry);
}

FlReplicaFiles *
fl_replica_files_new (const char *dir, GError **error)
{
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;
      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   _("Cannot create the folder of replica files “%s”: %s"), dir, g_strerror (saved));
      return NULL;
    }
  g_autoptr(GDir) listing = g_dir_open (dir, 0, error);
  if (listing == NULL)
    return NULL;
  const char *name;
  while ((name = g_dir_read_name (listing)) != NULL)
    {
      g_autofree char *path = g_build_filename (dir, name, NULL);
      g_unlink (path);
    }
  FlReplicaFiles *files = g_new0 (FlReplicaFiles, 1);
  files->dir = g_strdup (dir);
  files->lag_changes = DEFAULT_LAG_CHANGES;
  files->lag_usec = (gint64) DEFAULT_LAG_SECONDS * G_USEC_PER_SEC;
  g_mutex_init (&files->lock);
  files->entries = g_hash_table_new_full (g_str_hash, g_str_equal, NULL, entry_free);
  return files;
}

static void entry_discard (FlReplicaFiles *files, Entry *entry);

/* The files are a cache: they go with the server. */
void
fl_replica_files_free (FlReplicaFiles *files)
{
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, files->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    entry_discard (files, value);
  g_rmdir (files->dir);
  g_hash_table_unref (files->entries);
  g_mutex_clear (&files->lock);
  g_free (files->dir);
  g_free (files);
}

static int
compare_site (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* The scope of a file: the reader's sites and whose conflicts they see. */
static char *
reader_key (const FlPullReader *reader)
{
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  for (guint i = 0; reader->sites != NULL && reader->sites[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer) reader->sites[i]);
  g_ptr_array_sort (sorted, compare_site);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < sorted->len; i++)
    {
      g_checksum_update (checksum, (const guchar *) sorted->pdata[i], -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }
  /* A reader who sees every conflict shares the file with the others who do. */
  g_checksum_update (checksum, (const guchar *) (reader->all_conflicts ? "*" : reader->login), -1);
  return g_strndup (g_checksum_get_string (checksum), 24);
}

static void
entry_reader (const Entry *entry, FlPullReader *reader)
{
  *reader = (FlPullReader) {
    .sites = (const char * const *) entry->sites,
    .login = entry->login,
    .all_conflicts = entry->all_conflicts,
  };
}

/* ---- building ---- */

/* A row goes into the file only as a client would take it: a row it would
 * refuse (spoiled behind the server's back) fails the file, and the client
 * takes the NDJSON snapshot, which leaves that row out and lists it. */
static gboolean
store_row (FlDb *db, const FlTable *table, JsonObject *row, GError **error)
{
  g_autoptr(GError) refused = NULL;
  if (!fl_record_accept_pulled (table, row, &refused))
    {
      g_set_error (error, FL_REPLICA_FILE_ERROR, FL_REPLICA_FILE_ERROR_INVALID,
                   _("The %s row %s cannot go into a replica file: %s"),
                   table->name, fl_record_get_string (row, "id"), refused->message);
      return FALSE;
    }
  return fl_record_store (db, table, row, NULL, error);
}

static gboolean
store_snapshot_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  return store_row (user_data, table, row, error);
}

/* A file under construction: nobody waits for its durability (a crash
 * leaves a file that is thrown away). */
static FlDb *
open_for_writing (const char *path, GError **error)
{
  g_autoptr(FlDb) db = fl_db_open_replica (path, error);
  if (db == NULL || !fl_db_exec (db, "PRAGMA synchronous = OFF", error))
    return NULL;
  return g_steal_pointer (&db);
}

static gboolean
close_and_seal (FlDb *db, const char *path, GError **error)
{
  fl_db_close (db);
  return fl_replica_file_seal (path, error);
}

static gboolean
build_file (FlStore *store, const FlPullReader *reader, const char *path, char **out_cursor,
            GError **error)
{
  remove_file_and_log (path);
  g_autoptr(FlDb) db = open_for_writing (path, error);
  if (db == NULL || !fl_db_begin (db, error))
    return FALSE;
  gint64 seq = 0;
  /* Rows arrive in bulk, the search index is built once at the end: the
   * same shape as a client applying a snapshot. */
  gboolean ok = fl_replica_pause_search_index (db, error) &&
                fl_pull_foreach_snapshot_row (store, reader, &seq, store_snapshot_row, db, error) &&
                fl_replica_resume_search_index (db, error);
  if (ok)
    {
      *out_cursor = fl_pull_cursor_format (store, reader->sites, seq);
      ok = fl_db_set_meta (db, FL_REPLICA_FILE_CURSOR_KEY, *out_cursor, error) && fl_db_commit (db, error);
    }
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return close_and_seal (db, path, error);
}

gboolean
fl_replica_file_build (FlStore *store, const FlPullReader *reader, const char *path, GError **error)
{
  g_autofree char *cursor = NULL;
  return build_file (store, reader, path, &cursor, error);
}

/* Applies the change log since the file's cursor `from`, as a client's pull does
 * (the rows' writes mark themselves applying: a server's file has no
 * shadows); the caller saw the log has moved past it (entry_recent_enough). */
static gboolean
bring_current (FlStore *store, const FlPullReader *reader, const char *path, const char *from,
               char **out_cursor, GError **error)
{
  g_autoptr(FlDb) db = open_for_writing (path, error);
  if (db == NULL || !fl_db_begin (db, error))
    return FALSE;
  g_autofree char *cursor = g_strdup (from);
  gboolean ok = fl_replica_set_applying (db, TRUE, error);
  gboolean more = TRUE;
  while (ok && more)
    {
      g_autoptr(FlPullResponse) page = fl_pull_page (store, reader, cursor, PULL_PAGE, error);
      if (page == NULL)
        {
          ok = FALSE;
          break;
        }
      for (guint i = 0; ok && i < page->changes->len; i++)
        {
          FlChange *change = page->changes->pdata[i];
          const FlTable *table = fl_schema_lookup (change->table);
          ok = change->row != NULL ? store_row (db, table, change->row, error)
                                   : fl_record_forget (db, table, change->id, error);
        }
      g_free (cursor);
      cursor = g_strdup (page->cursor);
      more = page->more;
    }
  ok = ok && fl_replica_set_applying (db, FALSE, error) &&
       fl_db_set_meta (db, FL_REPLICA_FILE_CURSOR_KEY, cursor, error) &&
       fl_db_commit (db, error);
  if (!ok)
    {
      fl_db_rollback (db);
      return FALSE;
    }
  *out_cursor = g_steal_pointer (&cursor);
  return close_and_seal (db, path, error);
}

/* Compresses the replica file at `from` into `to`, recording its digest
 * and sizes in `info`. */
static gboolean
compress_file (const char *from, const char *to, FlReplicaFileInfo *info, GError **error)
{
  g_autoptr(GFile) source = g_file_new_for_path (from);
  g_autoptr(GFile) dest = g_file_new_for_path (to);
  g_autoptr(GFileInputStream) in = g_file_read (source, NULL, error);
  if (in == NULL)
    return FALSE;
  g_autoptr(GFileOutputStream) out = g_file_replace (dest, NULL, FALSE, G_FILE_CREATE_PRIVATE, NULL, error);
  if (out == NULL)
    return FALSE;
  ZSTD_CCtx *cctx = ZSTD_createCCtx ();
  ZSTD_CCtx_setParameter (cctx, ZSTD_c_compressionLevel, COMPRESSION_LEVEL);
  ZSTD_CCtx_setParameter (cctx, ZSTD_c_checksumFlag, 1);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  gsize in_size = ZSTD_CStreamInSize (), out_size = ZSTD_CStreamOutSize ();
  g_autofree guint8 *in_buf = g_malloc (in_size);
  g_autofree guint8 *out_buf = g_malloc (out_size);
  gint64 raw = 0, packed = 0;
  gboolean ok = TRUE, last = FALSE;
  while (ok && !last)
    {
      gsize n = 0;
      if (!g_input_stream_read_all (G_INPUT_STREAM (in), in_buf, in_size, &n, NULL, error))
        {
          ok = FALSE;
          break;
        }
      last = n < in_size;
      g_checksum_update (checksum, in_buf, n);
      raw += n;
      ZSTD_inBuffer input = { in_buf, n, 0 };
      gboolean finished = FALSE;
      while (ok && !finished)
        {
          ZSTD_outBuffer output = { out_buf, out_size, 0 };
          gsize remaining = ZSTD_compressStream2 (cctx, &output, &input, last ? ZSTD_e_end : ZSTD_e_continue);
          if (ZSTD_isError (remaining))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Could not compress the replica file: %s"),
                           ZSTD_getErrorName (remaining));
              ok = FALSE;
              break;
            }
          ok = g_output_stream_write_all (G_OUTPUT_STREAM (out), out_buf, output.pos, NULL, NULL, error);
          packed += output.pos;
          finished = last ? remaining == 0 : input.pos == input.size;
        }
    }
  ZSTD_freeCCtx (cctx);
  if (!ok || !g_output_stream_close (G_OUTPUT_STREAM (out), NULL, error))
    {
      g_unlink (to);
      return FALSE;
    }
  g_free (info->sha256);
  info->sha256 = g_strdup (g_checksum_get_string (checksum));
  info->raw_size = raw;
  info->size = packed;
  return TRUE;
}

void
fl_replica_files_set_lag (FlReplicaFiles *files, gint64 changes, gint64 usec)
{
  files->lag_changes = changes;
  files->lag_usec = usec;
}

/* Whether the entry's file is close enough to the change log to be sent
 * (or kept) as it is; with entry->lock held. */
static gboolean
entry_recent_enough (FlReplicaFiles *files, Entry *entry, FlStore *store, gboolean *recent, GError **error)
{
  *recent = FALSE;
  if (entry->generation == 0)
    return TRUE;
  gint64 seq = 0, last = fl_store_last_seq (store, error);
  if (last < 0 || !fl_pull_cursor_parse (store, (const char * const *) entry->sites, entry->built.cursor, &seq, error))
    return FALSE;
  /* An upper bound of the scope's changes: the log's, all sites'. */
  gint64 behind = last - seq;
  *recent = behind <= 0 ||
            (behind < files->lag_changes && g_get_monotonic_time () - entry->built_at < files->lag_usec);
  return TRUE;
}

/* Builds or updates the entry's files; with entry->lock held. */
static gboolean
entry_update (FlReplicaFiles *files, Entry *entry, FlStore *store, gboolean *updated, GError **error)
{
  FlPullReader reader;
  entry_reader (entry, &reader);
  g_autofree char *raw_path = entry_path (files, entry, ".db");
  gboolean recent;
  g_autofree char *cursor = NULL;
  *updated = FALSE;
  if (!entry_recent_enough (files, entry, store, &recent, error))
    return FALSE;
  if (recent)
    return TRUE;
  gint64 start = g_get_monotonic_time ();
  if (entry->generation == 0 ? !build_file (store, &reader, raw_path, &cursor, error)
                             : !bring_current (store, &reader, raw_path, entry->built.cursor, &cursor, error))
    return FALSE;
  *updated = TRUE;
  gint64 built = g_get_monotonic_time ();
  g_autofree char *next = compressed_path (files, entry, entry->generation + 1);
  if (!compress_file (raw_path, next, &entry->built, error))
    return FALSE;
  g_free (entry->built.cursor);
  entry->built.cursor = g_steal_pointer (&cursor);
  /* A stream still reading the previous file keeps it open. */
  if (entry->generation > 0)
    {
      g_autofree char *previous = compressed_path (files, entry, entry->generation);
      g_unlink (previous);
    }
  entry->generation++;
  entry->built_at = g_get_monotonic_time ();
  g_debug ("Replica file %s: %" PRId64 " bytes, %" PRId64 " compressed, in %.0f ms "
           "(%s %.0f ms, compressing and hashing %.0f ms)",
           entry->key, entry->built.raw_size, entry->built.size, (entry->built_at - start) / 1000.0,
           entry->generation == 1 ? "build" : "update", (built - start) / 1000.0,
           (entry->built_at - built) / 1000.0);
  return TRUE;
}

/* After a failure: start afresh next time rather than from a file in an
 * unknown state. */
static void
entry_discard (FlReplicaFiles *files, Entry *entry)
{
  g_autofree char *raw_path = entry_path (files, entry, ".db");
  g_autofree char *packed = compressed_path (files, entry, entry->generation);
  remove_file_and_log (raw_path);
  g_unlink (packed);
  entry->generation = 0;
}

static Entry *
lookup_entry (FlReplicaFiles *files, const FlPullReader *reader)
{
  g_autofree char *key = reader_key (reader);
  g_mutex_lock (&files->lock);
  Entry *entry = g_hash_table_lookup (files->entries, key);
  if (entry == NULL)
    {
      entry = g_new0 (Entry, 1);
      g_mutex_init (&entry->lock);
      entry->key = g_steal_pointer (&key);
      entry->sites = g_strdupv ((GStrv) reader->sites);
      entry->login = g_strdup (reader->login);
      entry->all_conflicts = reader->all_conflicts;
      g_hash_table_insert (files->entries, entry->key, entry);
    }
  entry->last_used = g_get_monotonic_time ();
  /* Entries are removed only by a refresh, under both locks. */
  g_mutex_lock (&entry->lock);
  g_mutex_unlock (&files->lock);
  return entry;
}

FlReplicaFileInfo *
fl_replica_files_get (FlReplicaFiles *files, FlStore *store, const FlPullReader *reader, GError **error)
{
  Entry *entry = lookup_entry (files, reader);
  gboolean updated;
  FlReplicaFileInfo *info = NULL;
  if (entry_update (files, entry, store, &updated, error))
    {
      g_autofree char *path = compressed_path (files, entry, entry->generation);
      g_autoptr(GFile) file = g_file_new_for_path (path);
      GFileInputStream *stream = g_file_read (file, NULL, error);
      if (stream != NULL)
        {
          info = g_new0 (FlReplicaFileInfo, 1);
          info->stream = G_INPUT_STREAM (stream);
          info->size = entry->built.size;
          info->raw_size = entry->built.raw_size;
          info->sha256 = g_strdup (entry->built.sha256);
          info->cursor = g_strdup (entry->built.cursor);
        }
    }
  else
    entry_discard (files, entry);
  g_mutex_unlock (&entry->lock);
  return info;
}


guint
fl_replica_files_refresh (FlReplicaFiles *files, FlStore *store, gint64 recent)
{
  gint64 now = g_get_monotonic_time ();
  g_autoptr(GPtrArray) keep = g_ptr_array_new ();
  g_mutex_lock (&files->lock);
  GHashTableIter iter;
  gpointer value;
  g_hash_table_iter_init (&iter, files->entries);
  while (g_hash_table_iter_next (&iter, NULL, &value))
    {
      Entry *entry = value;
      if (now - entry->last_used <= recent)
        {
          g_ptr_array_add (keep, entry);
          continue;
        }
      g_mutex_lock (&entry->lock);
      entry_discard (files, entry);
      g_mutex_unlock (&entry->lock);
      g_hash_table_iter_remove (&iter);
    }
  g_mutex_unlock (&files->lock);

  /* Entries are only removed above, in this (the one refreshing) thread. */
  guint updated_files = 0;
  for (guint i = 0; i < keep->len; i++)
    {
      Entry *entry = keep->pdata[i];
      g_autoptr(GError) error = NULL;
      gboolean updated = FALSE;
      g_mutex_lock (&entry->lock);
      if (entry->generation > 0 && !entry_update (files, entry, store, &updated, &error))
        {
          g_warning ("Could not bring the replica file %s current: %s", entry->key, error->message);
          entry_discard (files, entry);
        }
      g_mutex_unlock (&entry->lock);
      updated_files += updated;
    }
  return updated_files;
}
