/* fl-sync-transport.h — how the sync engine talks HTTP to the server.
 *
 * The engine builds requests and reads responses through this interface
 * only, so the same engine runs over libsoup (FlSoupTransport) in the
 * clients, and over a wrapper that loses, duplicates or delays requests in
 * the multi-client simulator (tests/sync).  `send` blocks: the engine runs
 * it in a worker thread (or in the caller's thread for its synchronous
 * API); it must honour `cancellable`. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct {
  const char *method;            /* "GET", "POST", "PUT" */
  const char *path;              /* below the server's URL: "/api/v1/sync/pull?cursor=12" */
  const char *token;             /* bearer token, or NULL */
  const char *content_type;      /* of `body`, or NULL */
  const char *content_encoding;  /* "gzip" when `body` is compressed, or NULL */
  GBytes     *body;              /* or NULL */
} FlSyncRequest;

typedef struct {
  guint         status;        /* HTTP status */
  char         *content_type;  /* without parameters, or NULL */
  gint64        content_length;  /* bytes of the body, or -1 when not known */
  char         *replica_digest;  /* FL_PROTOCOL_REPLICA_DIGEST_HEADER, or NULL */
  guint         retry_after;   /* seconds of a Retry-After (delay form, at most an hour), or 0 */
  GInputStream *body;          /* the body as it arrives (already decompressed) */
} FlSyncResponse;

void            fl_sync_response_free (FlSyncResponse *response);
/* The seconds of a Retry-After header in its delay form, at most an hour;
 * 0 for none, the date form or anything else. */
guint           fl_sync_parse_retry_after (const char *value);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSyncResponse, fl_sync_response_free)

/* Reads the whole body, refusing more than `max_bytes`. */
GBytes         *fl_sync_response_read_all (FlSyncResponse *response, gsize max_bytes,
                                           GCancellable *cancellable, GError **error);

#define FL_TYPE_SYNC_TRANSPORT (fl_sync_transport_get_type ())
G_DECLARE_INTERFACE (FlSyncTransport, fl_sync_transport, FL, SYNC_TRANSPORT, GObject)

struct _FlSyncTransportInterface
{
  GTypeInterface parent_iface;

  /* Sends `request` and returns the response once its headers arrived; an
   * error (G_IO_ERROR_*) only when no response came at all. */
  FlSyncResponse *(*send) (FlSyncTransport     *self,
                           const FlSyncRequest *request,
                           GCancellable        *cancellable,
                           GError             **error);
};

FlSyncResponse *fl_sync_transport_send (FlSyncTransport     *self,
                                        const FlSyncRequest *request,
                                        GCancellable        *cancellable,
                                        GError             **error);

G_END_DECLS
