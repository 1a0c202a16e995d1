/* fl-soup-transport.h — the sync transport over libsoup 3: HTTP/1.1 to the
 * server's URL, bodies streamed, gzip replies decoded. */
#pragma once

#include "fl-sync-transport.h"

G_BEGIN_DECLS

#define FL_TYPE_SOUP_TRANSPORT (fl_soup_transport_get_type ())
G_DECLARE_FINAL_TYPE (FlSoupTransport, fl_soup_transport, FL, SOUP_TRANSPORT, GObject)

/* `base_uri` is the server's URL ("https://sync.example.com:8470"); the
 * paths of requests are appended to it.  Create it in the thread that owns
 * the main context; `send` may then be called from any thread. */
FlSyncTransport *fl_soup_transport_new (const char *base_uri, GError **error);
const char      *fl_soup_transport_get_base_uri (FlSoupTransport *self);

G_END_DECLS
