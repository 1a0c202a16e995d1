/* fl-connection-guard.h — the sync server keeps its own descriptors.
 *
 * A SoupServer of libsoup 3.2 closes no connection on its own: not one
 * that never sends a request, not one whose client stalls halfway through
 * a request or an answer, and not a keep-alive connection whose client
 * closes it between two requests (that socket stays in CLOSE-WAIT for
 * good; libsoup 3.3 fixed it).  The guard watches every connection the
 * server accepts, from the socket of its first message:
 *
 *  - at most `max_connections` are open, and `max_per_address` from one
 *    client address; a connection beyond either is answered 503 and closed;
 *  - a connection that waits on its client (for a request, the rest of
 *    one, or to take the answer) and makes no progress for `idle_timeout`
 *    seconds is closed; while the server works on a request it is not;
 *  - a keep-alive connection whose client hangs up is closed at once.
 *
 * It also answers a request early, before its body is read, and closes
 * the connection after the answer: what a request refused on its headers
 * needs, since libsoup would otherwise read the whole body first. */
#pragma once

#include <libsoup/soup.h>

G_BEGIN_DECLS

typedef struct {
  guint    idle_timeout;      /* seconds */
  guint    max_connections;
  guint    max_per_address;
  gboolean tls;               /* the connections are HTTPS */
} FlConnectionGuardLimits;

typedef struct _FlConnectionGuard FlConnectionGuard;

/* Watches the connections of `soup`, whose context is `context`. */
FlConnectionGuard *fl_connection_guard_new (SoupServer *soup, GMainContext *context,
                                            const FlConnectionGuardLimits *limits);
void               fl_connection_guard_free (FlConnectionGuard *guard);

/* The server works on `msg` (a job, a stream): its connection waits on
 * the server, not the client, until `working` is FALSE again. */
void  fl_connection_guard_set_working (FlConnectionGuard *guard, SoupServerMessage *msg, gboolean working);

/* Answers `msg` now with `status`, an error body saying `message` and
 * `extra_headers` ("Name: value\r\n" lines, or NULL), without reading its
 * body, and then closes the connection.  May be called from a
 * got-headers handler. */
void  fl_connection_guard_refuse (FlConnectionGuard *guard, SoupServerMessage *msg, guint status,
                                  const char *extra_headers, const char *message);

/* Closes the connection of `msg` now (a stalled stream). */
void  fl_connection_guard_close (FlConnectionGuard *guard, SoupServerMessage *msg);

/* Closes every connection that waits for a request: the server stops. */
void  fl_connection_guard_close_idle (FlConnectionGuard *guard);

/* Requests received (headers read) and not yet answered. */
guint fl_connection_guard_get_busy (FlConnectionGuard *guard);
/* Connections open. */
guint fl_connection_guard_get_open (FlConnectionGuard *guard);

G_END_DECLS
