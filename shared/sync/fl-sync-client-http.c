/* FlSyncClient: the requests of a run over its transport — gzip of large
 * bodies, replies read whole, and HTTP statuses turned into FL_SYNC_ERROR. */

#include "fl-sync-client-private.h"

#include <glib/gi18n-lib.h>
#define MAX_REPLY_BYTES       (64 * 1024 * 1024)
#define GZIP_THRESHOLD        (16 * 1024)

static GBytes *
gzip_bytes (GBytes *input)
{
  g_autoptr(GZlibCompressor) compressor = g_zlib_compressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP, 6);
  g_autoptr(GOutputStream) memory = g_memory_output_stream_new_resizable ();
  g_autoptr(GOutputStream) out = g_converter_output_stream_new (memory, G_CONVERTER (compressor));
  gsize size;
  const guint8 *data = g_bytes_get_data (input, &size);
  if (!g_output_stream_write_all (out, data, size, NULL, NULL, NULL) ||
      !g_output_stream_close (out, NULL, NULL))
    return NULL;
  return g_memory_output_stream_steal_as_bytes (G_MEMORY_OUTPUT_STREAM (memory));
}

FlSyncResponse *
fl_sync_run_send (SyncRun *run, const char *method, const char *path, const char *content_type,
                  GBytes *body, GError **error)
{
  FlSyncRequest request = { method, path, run->token, content_type, NULL, body };
  g_autoptr(GBytes) compressed = NULL;
  if (body != NULL && g_bytes_get_size (body) > GZIP_THRESHOLD &&
      g_strcmp0 (content_type, "application/json") == 0 && (compressed = gzip_bytes (body)) != NULL)
    {
      request.body = compressed;
      request.content_encoding = "gzip";
    }
  run->stats.requests++;
  g_autoptr(GError) local_error = NULL;
  FlSyncResponse *response = fl_sync_transport_send (run->transport, &request, run->cancellable, &local_error);
  if (response != NULL)
    return response;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                 _("Cannot reach the sync server: %s"), local_error->message);
  return NULL;
}

gboolean
fl_sync_run_read_reply (SyncRun *run, FlSyncResponse *response, GBytes **out, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  *out = fl_sync_response_read_all (response, MAX_REPLY_BYTES, run->cancellable, &local_error);
  if (*out != NULL)
    return TRUE;
  if (g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    g_propagate_error (error, g_steal_pointer (&local_error));
  else
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_NETWORK,
                 _("The connection to the sync server broke: %s"), local_error->message);
  return FALSE;
}

/* Turns a reply that is not 2xx into an error saying what the server said.
 * `login` marks the sign-in request, where 401 means a wrong password. */
gboolean
fl_sync_run_check_status (SyncRun *run, FlSyncResponse *response, gboolean login, char **bad_field, GError **error)
{
  guint status = response->status;
  if (status >= 200 && status < 300)
    return TRUE;

  g_autoptr(GBytes) bytes = fl_sync_response_read_all (response, 64 * 1024, run->cancellable, NULL);
  g_autoptr(FlErrorBody) body = NULL;
  if (bytes != NULL && g_bytes_get_size (bytes) > 0)
    {
      gsize size;
      const char *data = g_bytes_get_data (bytes, &size);
      g_autoptr(JsonNode) node = fl_protocol_parse (data, size, NULL);
      if (node != NULL)
        body = fl_error_body_from_json (node, NULL);
    }
  const char *message = body != NULL && body->message != NULL ? body->message : NULL;
  g_autofree char *fallback = g_strdup_printf (_("HTTP status %u"), status);
  if (message == NULL)
    message = fallback;
  if (bad_field != NULL && body != NULL)
    *bad_field = g_strdup (body->field);

  if (status == 401 && !login)
    {
      run->signed_out = TRUE;
      g_free (run->signed_out_reason);
      run->signed_out_reason = g_strdup (message);
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SIGNED_OUT,
                   _("The server no longer accepts this device’s sign-in (%s). "
                     "Sign in again; your local data and unsent changes are kept."), message);
    }
  else if (status == 410)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_CURSOR_EXPIRED,
                 _("The server no longer has the changes since the last sync: %s"), message);
  else if (status == 413)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_TOO_LARGE,
                 _("The sync server refused a request as too large: %s"), message);
  else if (status == 429 || status >= 500 || status < 200)
    {
      run->stats.retry_after = response->retry_after;
      g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_SERVER,
                   _("The sync server is busy or failed (%s); the sync will be tried again"), message);
    }
  else
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_REFUSED,
                 _("The sync server refused the request: %s"), message);
  return FALSE;
}

/* A request with a JSON body (or none) whose 2xx reply is JSON. */
JsonNode *
fl_sync_run_request_json (SyncRun *run, const char *method, const char *path, JsonNode *body,
                          gboolean login, char **bad_field, GError **error)
{
  g_autoptr(GBytes) bytes = NULL;
  if (body != NULL)
    {
      gsize length;
      char *text = fl_protocol_to_string (body, &length);
      bytes = g_bytes_new_take (text, length);
    }
  g_autoptr(FlSyncResponse) response = fl_sync_run_send (run, method, path,
                                                         body != NULL ? "application/json" : NULL,
                                                         bytes, error);
  if (response == NULL || !fl_sync_run_check_status (run, response, login, bad_field, error))
    return NULL;
  g_autoptr(GBytes) reply = NULL;
  if (!fl_sync_run_read_reply (run, response, &reply, error))
    return NULL;
  gsize size;
  const char *data = g_bytes_get_data (reply, &size);
  g_autoptr(GError) local_error = NULL;
  JsonNode *node = fl_protocol_parse (data, size, &local_error);
  if (node == NULL)
    g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
                 _("The sync server’s reply is not valid: %s"), local_error->message);
  return node;
}

gboolean
fl_sync_protocol_error (GError **error, GError *cause)
{
  g_set_error (error, FL_SYNC_ERROR, FL_SYNC_ERROR_PROTOCOL,
               _("The sync server’s reply is not valid: %s"), cause->message);
  g_error_free (cause);
  return FALSE;
}
