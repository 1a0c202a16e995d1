#include "fl-test-server-process.h"

#include <signal.h>
#include <sys/prctl.h>
#include <sys/wait.h>
#include <unistd.h>

#include <gio/gio.h>
#include <libsoup/soup.h>

#include "fl-protocol.h"

const char *
fl_test_server_program (void)
{
  const char *program = g_getenv ("FIELDLINE_SYNC");
  return program != NULL && g_file_test (program, G_FILE_TEST_IS_EXECUTABLE) ? program : NULL;
}

static guint16
free_port (void)
{
  g_autoptr(GSocket) socket = g_socket_new (G_SOCKET_FAMILY_IPV4, G_SOCKET_TYPE_STREAM, G_SOCKET_PROTOCOL_TCP, NULL);
  g_autoptr(GInetAddress) loopback = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
  g_autoptr(GSocketAddress) any = g_inet_socket_address_new (loopback, 0);
  g_assert_true (g_socket_bind (socket, any, TRUE, NULL));
  g_autoptr(GSocketAddress) bound = g_socket_get_local_address (socket, NULL);
  return g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
}

static gboolean
healthy (SoupSession *session, const char *url)
{
  g_autofree char *uri = g_strconcat (url, FL_PROTOCOL_PREFIX "/health", NULL);
  g_autoptr(SoupMessage) msg = soup_message_new ("GET", uri);
  g_autoptr(GBytes) body = soup_session_send_and_read (session, msg, NULL, NULL);
  return body != NULL && soup_message_get_status (msg) == SOUP_STATUS_OK;
}

static pid_t test_pid;

/* In the child, before exec: it dies with the test, so a test that stops
 * on an assertion leaves no server behind holding the test runner's pipes. */
static void
die_with_parent (gpointer data)
{
  (void) data;
  prctl (PR_SET_PDEATHSIG, SIGKILL);
  if (getppid () != test_pid)
    _exit (1);  /* the test died before prctl took effect */
}

static void
spawn (FlTestServerProcess *process, const char *program, const char * const *args)
{
  g_autoptr(GError) error = NULL;
  process->port = free_port ();
  g_autofree char *listen = g_strdup_printf ("127.0.0.1:%u", process->port);
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) program);
  g_ptr_array_add (argv, (char *) "serve");
  g_ptr_array_add (argv, (char *) "--listen");
  g_ptr_array_add (argv, listen);
  for (guint i = 0; args[i] != NULL; i++)
    g_ptr_array_add (argv, (char *) args[i]);
  g_ptr_array_add (argv, NULL);
  test_pid = getpid ();
  g_spawn_async (NULL, (char **) argv->pdata, NULL, G_SPAWN_DO_NOT_REAP_CHILD | G_SPAWN_STDOUT_TO_DEV_NULL,
                 die_with_parent, NULL, &process->pid, &error);
  g_assert_no_error (error);
  g_free (process->url);
  process->url = g_strdup_printf ("http://127.0.0.1:%u", process->port);
}

/* Up to a minute: a loaded machine can take long to start a process that
 * migrates its schema first.  A program that exits instead is reported at
 * once, with how it ended. */
static void
wait_healthy (FlTestServerProcess *process, const char *program)
{
  g_autoptr(SoupSession) session = soup_session_new_with_options ("timeout", 10, NULL);
  gint64 deadline = g_get_monotonic_time () + 60 * G_USEC_PER_SEC;
  while (g_get_monotonic_time () < deadline)
    {
      if (healthy (session, process->url))
        return;
      int status = 0;
      if (waitpid (process->pid, &status, WNOHANG) == process->pid)
        {
          process->pid = 0;
          g_error ("%s on %s ended before it answered (%s %d)", program, process->url,
                   WIFSIGNALED (status) ? "signal" : "exit status",
                   WIFSIGNALED (status) ? WTERMSIG (status) : WEXITSTATUS (status));
        }
      g_usleep (25000);
    }
  g_error ("%s did not answer on %s within 60 s", program, process->url);
}

void
fl_test_server_processes_start (FlTestServerProcess *processes, guint n, const char *program,
                                const char * const *args)
{
  for (guint i = 0; i < n; i++)
    spawn (&processes[i], program, args);
  for (guint i = 0; i < n; i++)
    wait_healthy (&processes[i], program);
}

void
fl_test_server_process_start (FlTestServerProcess *process, const char *program,
                              const char * const *args)
{
  fl_test_server_processes_start (process, 1, program, args);
}

void
fl_test_server_process_kill (FlTestServerProcess *process)
{
  if (process->pid == 0)
    return;
  kill (process->pid, SIGKILL);
  int status = 0;
  waitpid (process->pid, &status, 0);
  g_spawn_close_pid (process->pid);
  process->pid = 0;
}

void
fl_test_server_process_clear (FlTestServerProcess *process)
{
  fl_test_server_process_kill (process);
  g_clear_pointer (&process->url, g_free);
}
