/* Test support: the real fieldline-sync program as a child process, started
 * on a free loopback port and killed without a goodbye (SIGKILL), as a
 * crash or an operator's `kill -9` would. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  GPid     pid;
  guint16  port;
  char    *url;   /* http://127.0.0.1:PORT */
} FlTestServerProcess;

/* The fieldline-sync program the build made (FIELDLINE_SYNC, set by meson),
 * or NULL when it is not there: the test should skip. */
const char *fl_test_server_program (void);

/* Runs `program serve --listen 127.0.0.1:PORT ARGS...` on a free port and
 * returns once GET /health answers 200. */
void        fl_test_server_process_start (FlTestServerProcess *process, const char *program,
                                          const char * const *args);
/* The same for `n` processes at once (they start side by side). */
void        fl_test_server_processes_start (FlTestServerProcess *processes, guint n, const char *program,
                                            const char * const *args);
/* SIGKILL, then reaps it. */
void        fl_test_server_process_kill (FlTestServerProcess *process);
/* Kills it if it runs and frees the URL. */
void        fl_test_server_process_clear (FlTestServerProcess *process);

G_END_DECLS
