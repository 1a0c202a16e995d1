/* fl-hostile.h — a real fieldline-sync under attack, for the hostile-HTTP
 * tests.
 *
 * fl_hostile_server_start() builds a temporary database (a site, an
 * engineer signed in on one device, a work order), starts the built
 * program (FIELDLINE_SYNC) on a free loopback port and records what the
 * database holds.  A test sends raw bytes with fl_hostile_send() or holds
 * sockets open with fl_hostile_connect(), then calls
 * fl_hostile_assert_healthy(): the process is alive, answers /health, its
 * resident memory and open descriptors are within bounds, and the change
 * log, audit trail, rows and tokens are what they were. */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

typedef struct _FlHostileServer FlHostileServer;

/* Bounds fl_hostile_assert_healthy() holds the server to. */
#define FL_HOSTILE_MAX_RSS_KIB  (160 * 1024)
#define FL_HOSTILE_MAX_FDS      256

/* NULL (and the test skipped) when FIELDLINE_SYNC does not name the
 * program.  `config` is the text of a [server] key file, or NULL;
 * `large_logs` work-log entries of 60 KB each make a snapshot larger
 * than the sockets' buffers. */
FlHostileServer *fl_hostile_server_start (const char *config, guint large_logs);
void             fl_hostile_server_stop (FlHostileServer *server);

guint16          fl_hostile_server_get_port (FlHostileServer *server);
GPid             fl_hostile_server_get_pid (FlHostileServer *server);
/* The engineer's bearer token and device id. */
const char      *fl_hostile_server_get_token (FlHostileServer *server);
const char      *fl_hostile_server_get_device_id (FlHostileServer *server);

/* A blocking loopback connection to the server (reads time out after
 * `timeout` seconds; 0: never). */
GSocket         *fl_hostile_connect (FlHostileServer *server, guint timeout);
/* Writes all of `length` bytes (-1: a string); FALSE if the server closed. */
gboolean         fl_hostile_write (GSocket *socket, const char *data, gssize length);
/* Reads one HTTP answer (headers and a Content-Length body, or up to the
 * close); NULL when nothing came before the timeout or the close. */
char            *fl_hostile_read_answer (GSocket *socket);
/* Sends `request` on a new connection and reads the answer. */
char            *fl_hostile_send (FlHostileServer *server, const char *request, gssize length);
/* The status of an answer ("HTTP/1.1 413 ..."), 0 when there is none. */
guint            fl_hostile_status (const char *answer);
/* The answer's body: what follows the blank line. */
const char      *fl_hostile_body (const char *answer);

/* Resident memory (KiB) and open descriptors of the server process. */
guint64          fl_hostile_server_rss_kib (FlHostileServer *server);
guint            fl_hostile_server_fd_count (FlHostileServer *server);
/* GET /health answers 200 on a fresh connection. */
gboolean         fl_hostile_server_answers_health (FlHostileServer *server);
void             fl_hostile_assert_healthy (FlHostileServer *server);

G_END_DECLS
