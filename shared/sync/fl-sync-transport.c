#include <inttypes.h>
#include "fl-sync-transport.h"

#include <glib/gi18n-lib.h>

G_DEFINE_INTERFACE (FlSyncTransport, fl_sync_transport, G_TYPE_OBJECT)

static void
fl_sync_transport_default_init (FlSyncTransportInterface *iface)
{
}

FlSyncResponse *
fl_sync_transport_send (FlSyncTransport *self, const FlSyncRequest *request,
                        GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (FL_IS_SYNC_TRANSPORT (self), NULL);
  g_return_val_if_fail (request != NULL && request->method != NULL && request->path != NULL, NULL);
  return FL_SYNC_TRANSPORT_GET_IFACE (self)->send (self, request, cancellable, error);
}

guint
fl_sync_parse_retry_after (const char *value)
{
  if (value == NULL)
    return 0;
  while (*value == ' ' || *value == '\t')
    value++;
  guint64 seconds = 0;
  const char *end = value;
  /* Digits only: a date, a sign or a fraction is not a delay. */
  while (g_ascii_isdigit (*end) && seconds <= 3600)
    seconds = seconds * 10 + (guint64) (*end++ - '0');
  if (end == value)
    return 0;
  while (g_ascii_isdigit (*end))
    end++;
  while (*end == ' ' || *end == '\t')
    end++;
  return *end == '\0' ? (guint) MIN (seconds, 3600) : 0;
}

void
fl_sync_response_free (FlSyncResponse *response)
{
  if (response == NULL)
    return;
  g_free (response->content_type);
  g_free (response->replica_digest);
  g_clear_object (&response->body);
  g_free (response);
}

GBytes *
fl_sync_response_read_all (FlSyncResponse *response, gsize max_bytes,
                           GCancellable *cancellable, GError **error)
{
  g_autoptr(GByteArray) data = g_byte_array_new ();
  guint8 buffer[16384];
  for (;;)
    {
      gssize n = g_input_stream_read (response->body, buffer, sizeof buffer, cancellable, error);
      if (n < 0)
        return NULL;
      if (n == 0)
        break;
      if (data->len + (gsize) n > max_bytes)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_MESSAGE_TOO_LARGE,
                       _("The server's reply is larger than %zu bytes"), max_bytes);
          return NULL;
        }
      g_byte_array_append (data, buffer, (guint) n);
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&data));
}
