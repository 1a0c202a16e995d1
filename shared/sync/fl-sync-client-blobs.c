/* FlSyncClient: the blobs mutations refer to (attachments, signatures),
 * uploaded before the push that names them and fetched on demand; the
 * kept documents, fetched by every sync. */

#include "fl-sync-client-private.h"
#include "fl-services.h"

#include <errno.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

gboolean
fl_sync_is_sha256 (const char *text)
{
  if (text == NULL || strlen (text) != 64)
    return FALSE;
  for (const char *p = text; *p != '\0'; p++)
    if (!g_ascii_isxdigit (*p) || g_ascii_isupper (*p))
      return FALSE;
  return TRUE;
}

/* The blob a mutation refers to: an attachment's bytes or a signature. */
static const char *
mutation_blob (const FlOutboxEntry *entry)
{
  if (g_strcmp0 (entry->table, "attachment") == 0)
    return fl_record_get_string (entry->payload, "sha256");
  if (g_strcmp0 (entry->table, "work_order") != 0)
    return NULL;
  if (entry->op != FL_MUTATION_UPDATE)
    return fl_record_get_string (entry->payload, "signature_blob");
  JsonNode *change = json_object_get_member (entry->payload, "signature_blob");
  if (change == NULL || !JSON_NODE_HOLDS_OBJECT (change))
    return NULL;
  return fl_record_get_string (json_node_get_object (change), "to");
}

char *
fl_sync_blob_path (const char *dir, const char *sha256)
{
  return g_build_filename (dir, sha256, NULL);
}

/* Uploads the blobs `entries` name.  A blob the server refuses (too large,
 * not matching its hash) rejects the mutations that name it, here, with the
 * server's words; `rejected` says whether that happened. */
gboolean
fl_sync_run_upload_blobs (SyncRun *run, GPtrArray *entries, gboolean *rejected, GError **error)
{
  FlDb *db = run->db;
  *rejected = FALSE;
  for (guint i = 0; i < entries->len; i++)
    {
      FlOutboxEntry *entry = g_ptr_array_index (entries, i);
      const char *sha = mutation_blob (entry);
      if (!fl_sync_is_sha256 (sha))
        continue;
      gint64 uploaded = 0;
      {
        g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT uploaded FROM sync_blob WHERE sha256 = ?", error);
        gboolean has_row;
        if (stmt == NULL)
          return FALSE;
        sqlite3_bind_text (stmt, 1, sha, -1, SQLITE_TRANSIENT);
        if (!fl_stmt_step_row (db, stmt, &has_row, error))
          return FALSE;
        uploaded = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
      }
      g_autofree char *path = fl_sync_blob_path (run->blob_dir, sha);
      if (uploaded || !g_file_test (path, G_FILE_TEST_IS_REGULAR))
        continue;  /* the server has it, or it is not this replica's to send */

      char *data;
      gsize size;
      g_autoptr(GError) local_error = NULL;
      if (!g_file_get_contents (path, &data, &size, &local_error))
        {
          g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED,
                       _("Cannot read the attachment %s to upload it: %s"), path, local_error->message);
          return FALSE;
        }
      g_autoptr(GBytes) bytes = g_bytes_new_take (data, size);
      g_autofree char *request_path = g_strdup_printf (API "/sync/blobs/%s", sha);
      g_autoptr(FlSyncResponse) response = fl_sync_run_send (run, "PUT", request_path,
                                                             "application/octet-stream", bytes, error);
      if (response == NULL)
        return FALSE;
      g_autoptr(GError) refused = NULL;
      if (!fl_sync_run_check_status (run, response, FALSE, NULL, &refused))
        {
          if (!g_error_matches (refused, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED) &&
              !g_error_matches (refused, FL_SYNC_ERROR, FL_SYNC_ERROR_TOO_LARGE))
            {
              g_propagate_error (error, g_steal_pointer (&refused));
              return FALSE;
            }
          if (!fl_outbox_reject (db, entry->mid, refused->message, error))
            return FALSE;
          run->stats.rejected++;
          *rejected = TRUE;
          continue;
        }
      g_autoptr(GBytes) ignored = NULL;
      fl_sync_run_read_reply (run, response, &ignored, NULL);
      g_autoptr(FlStmt) mark = fl_db_prepare (db,
          "INSERT INTO sync_blob (sha256, uploaded) VALUES (?, 1) "
          "ON CONFLICT (sha256) DO UPDATE SET uploaded = 1", error);
      if (mark == NULL)
        return FALSE;
      sqlite3_bind_text (mark, 1, sha, -1, SQLITE_TRANSIENT);
      if (!fl_stmt_step_done (db, mark, error))
        return FALSE;
      run->stats.blobs++;
      fl_sync_run_report_progress (run, FL_SYNC_PHASE_BLOBS, run->stats.blobs, -1, TRUE);
    }
  return TRUE;
}

/* Downloads the blob `sha256` into the replica's blob folder unless it is
 * there already. */
static gboolean
download_blob (SyncRun *run, const char *sha256, GError **error)
{
  g_autofree char *path = fl_sync_blob_path (run->blob_dir, sha256);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return TRUE;
  if (run->token == NULL)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT,
                   _("Not signed in: sign in to download attachments"));
      return FALSE;
    }
  g_autofree char *request_path = g_strdup_printf (API "/sync/blobs/%s", sha256);
  g_autoptr(FlSyncResponse) response = fl_sync_run_send (run, "GET", request_path, NULL, NULL, error);
  if (response == NULL || !fl_sync_run_check_status (run, response, FALSE, NULL, error))
    return FALSE;
  g_autoptr(GBytes) bytes = NULL;
  if (!fl_sync_run_read_reply (run, response, &bytes, error))
    return FALSE;
  g_autofree char *sum = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (g_strcmp0 (sum, sha256) != 0)
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                   _("The attachment the server sent does not match its checksum"));
      return FALSE;
    }
  g_autoptr(GError) local_error = NULL;
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  if (g_mkdir_with_parents (run->blob_dir, 0700) != 0 ||
      !g_file_set_contents (path, data, (gssize) size, &local_error))
    {
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED, _("Cannot keep the attachment in %s: %s"),
                   run->blob_dir, local_error != NULL ? local_error->message : g_strerror (errno));
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_sync_run_fetch_blob (SyncRun *run, GError **error)
{
  g_autofree char *path = fl_sync_blob_path (run->blob_dir, run->sha256);
  run->blob_file = g_file_new_for_path (path);
  return download_blob (run, run->sha256, error);
}

/* The documents every replica keeps are not fetched on demand like photos:
 * a sync downloads each one it does not have, so they open with no
 * network (002 6.3).  A document the server cannot give (its file not
 * published with it) does not stop the sync: the rows are in, the
 * Documents page says which file is missing, and the next sync tries
 * again.  Only a cancelled run stops here. */
gboolean
fl_sync_run_fetch_documents (SyncRun *run, GError **error)
{
  g_autoptr(GPtrArray) documents = fl_documents_list (run->db, error);
  if (documents == NULL)
    return FALSE;
  for (guint i = 0; i < documents->len; i++)
    {
      JsonObject *document = g_ptr_array_index (documents, i);
      const char *sha = fl_record_get_string (document, "sha256");
      g_autoptr(GError) local_error = NULL;
      if (!fl_sync_run_check_cancelled (run, error))
        return FALSE;
      if (fl_sync_is_sha256 (sha) && !download_blob (run, sha, &local_error))
        g_message (_("Cannot download the document “%s”: %s"), fl_record_get_string (document, "title"),
                   local_error->message);
    }
  return TRUE;
}
