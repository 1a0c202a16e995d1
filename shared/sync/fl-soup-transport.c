#include "fl-soup-transport.h"

#include <glib/gi18n-lib.h>
#include <libsoup/soup.h>
#include <string.h>

#include "fl-protocol.h"

struct _FlSoupTransport
{
  GObject      parent_instance;
  SoupSession *session;
  char        *base_uri;  /* without a trailing slash */
};

static void soup_transport_iface_init (FlSyncTransportInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlSoupTransport, fl_soup_transport, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_SYNC_TRANSPORT, soup_transport_iface_init))

static FlSyncResponse *
soup_send (FlSyncTransport *transport, const FlSyncRequest *request,
           GCancellable *cancellable, GError **error)
{
  FlSoupTransport *self = FL_SOUP_TRANSPORT (transport);
  g_autofree char *uri = g_strconcat (self->base_uri, request->path, NULL);
  g_autoptr(SoupMessage) message = soup_message_new (request->method, uri);
  if (message == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a valid server address"), uri);
      return NULL;
    }
  SoupMessageHeaders *headers = soup_message_get_request_headers (message);
  soup_message_headers_replace (headers, "Accept", "application/json");
  if (request->token != NULL)
    {
      g_autofree char *bearer = g_strconcat ("Bearer ", request->token, NULL);
      soup_message_headers_replace (headers, "Authorization", bearer);
    }
  if (request->body != NULL)
    soup_message_set_request_body_from_bytes (message,
                                              request->content_type != NULL ? request->content_type
                                                                            : "application/json",
                                              request->body);
  if (request->content_encoding != NULL)
    soup_message_headers_replace (headers, "Content-Encoding", request->content_encoding);

  GInputStream *body = soup_session_send (self->session, message, cancellable, error);
  if (body == NULL)
    return NULL;

  FlSyncResponse *response = g_new0 (FlSyncResponse, 1);
  response->status = soup_message_get_status (message);
  SoupMessageHeaders *answer = soup_message_get_response_headers (message);
  response->content_type = g_strdup (soup_message_headers_get_content_type (answer, NULL));
  response->content_length = soup_message_headers_get_encoding (answer) == SOUP_ENCODING_CONTENT_LENGTH
                             ? soup_message_headers_get_content_length (answer) : -1;
  response->replica_digest = g_strdup (soup_message_headers_get_one (answer, FL_PROTOCOL_REPLICA_DIGEST_HEADER));
  response->retry_after = fl_sync_parse_retry_after (soup_message_headers_get_one (answer, "Retry-After"));
  response->body = body;
  return response;
}

static void
soup_transport_iface_init (FlSyncTransportInterface *iface)
{
  iface->send = soup_send;
}

static void
fl_soup_transport_finalize (GObject *object)
{
  FlSoupTransport *self = FL_SOUP_TRANSPORT (object);
  g_clear_object (&self->session);
  g_free (self->base_uri);
  G_OBJECT_CLASS (fl_soup_transport_parent_class)->finalize (object);
}

static void
fl_soup_transport_class_init (FlSoupTransportClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_soup_transport_finalize;
}

static void
fl_soup_transport_init (FlSoupTransport *self)
{
}

FlSyncTransport *
fl_soup_transport_new (const char *base_uri, GError **error)
{
  g_return_val_if_fail (base_uri != NULL, NULL);
  g_autoptr(GUri) parsed = g_uri_parse (base_uri, G_URI_FLAGS_NONE, NULL);
  if (parsed == NULL || g_uri_get_host (parsed) == NULL ||
      (g_strcmp0 (g_uri_get_scheme (parsed), "http") != 0 &&
       g_strcmp0 (g_uri_get_scheme (parsed), "https") != 0))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   _("“%s” is not a server address such as https://sync.example.com:8470"), base_uri);
      return NULL;
    }
  FlSoupTransport *self = g_object_new (FL_TYPE_SOUP_TRANSPORT, NULL);
  self->base_uri = g_strdup (base_uri);
  gsize n = strlen (self->base_uri);
  while (n > 0 && self->base_uri[n - 1] == '/')
    self->base_uri[--n] = '\0';
  /* Long snapshots stream for minutes: only an idle connection times out. */
  self->session = soup_session_new_with_options ("idle-timeout", 60, "timeout", 60,
                                                 "user-agent", "fieldline/" FL_VERSION,
                                                 /* the server answers in the user's language */
                                                 "accept-language-auto", TRUE, NULL);
  return FL_SYNC_TRANSPORT (self);
}

const char *
fl_soup_transport_get_base_uri (FlSoupTransport *self)
{
  g_return_val_if_fail (FL_IS_SOUP_TRANSPORT (self), NULL);
  return self->base_uri;
}
