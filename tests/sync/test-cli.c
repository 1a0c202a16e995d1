/* fieldline-cli as a person or a script uses it, against the real server
 * in-process: sign-in with the password on stdin, sync, work orders, stock,
 * status, conflicts, and the exit codes scripts rely on. */
#include "fl-sync-test-util.h"

typedef struct {
  FlSyncServer s;
  char        *profile;
  char        *part_id;
  char        *van_id;
} Fixture;

typedef struct {
  int   status;
  char *out;
  char *err;
} Run;

static void
run_clear (Run *run)
{
  g_clear_pointer (&run->out, g_free);
  g_clear_pointer (&run->err, g_free);
}
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (Run, run_clear)

/* Runs fieldline-cli --profile <profile> ARGS… with `input` on stdin. */
static void
cli (Fixture *f, Run *run, const char *input, ...)
{
  g_autoptr(GPtrArray) argv = g_ptr_array_new ();
  g_ptr_array_add (argv, (char *) g_getenv ("FIELDLINE_CLI"));
  g_ptr_array_add (argv, "--profile");
  g_ptr_array_add (argv, f->profile);
  va_list args;
  va_start (args, input);
  for (const char *arg = va_arg (args, const char *); arg != NULL; arg = va_arg (args, const char *))
    g_ptr_array_add (argv, (char *) arg);
  va_end (args);
  g_ptr_array_add (argv, NULL);

  g_autoptr(GError) error = NULL;
  g_autoptr(GSubprocessLauncher) launcher = g_subprocess_launcher_new (G_SUBPROCESS_FLAGS_STDIN_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDOUT_PIPE |
                                                                       G_SUBPROCESS_FLAGS_STDERR_PIPE);
  g_subprocess_launcher_setenv (launcher, "LC_ALL", "C.UTF-8", TRUE);
  g_autoptr(GSubprocess) process = g_subprocess_launcher_spawnv (launcher, (const char * const *) argv->pdata, &error);
  g_assert_no_error (error);
  g_subprocess_communicate_utf8 (process, input != NULL ? input : "", NULL, &run->out, &run->err, &error);
  g_assert_no_error (error);
  run->status = g_subprocess_get_exit_status (process);
  if (g_test_verbose ())
    g_printerr ("$ fieldline-cli %s -> %d\n%s%s", (char *) argv->pdata[3], run->status, run->out, run->err);
}

static void
fixture_setup (Fixture *f, gconstpointer data)
{
  fl_sync_server_setup (&f->s);
  g_autoptr(JsonObject) part = json_object_new ();
  json_object_set_string_member (part, "sku", "PSU-750");
  json_object_set_string_member (part, "name", "Server PSU");
  json_object_set_string_member (part, "unit", "pcs");
  f->part_id = fl_test_put (f->s.store, "part", part);
  g_autoptr(JsonObject) van = json_object_new ();
  json_object_set_string_member (van, "code", "VAN-A");
  json_object_set_string_member (van, "name", "Van of eng_a");
  json_object_set_string_member (van, "kind", "van");
  json_object_set_string_member (van, "site_id", f->s.site_a);
  json_object_set_string_member (van, "owner", "eng_a");
  f->van_id = fl_test_put (f->s.store, "stock_location", van);
  f->profile = g_build_filename (f->s.dir, "profile", NULL);
}

static void
fixture_teardown (Fixture *f, gconstpointer data)
{
  g_free (f->profile);
  g_free (f->part_id);
  g_free (f->van_id);
  fl_sync_server_teardown (&f->s);
}

static void
login (Fixture *f, const char *user)
{
  g_auto(Run) run = { 0 };
  cli (f, &run, FL_TEST_PASSWORD "\n", "login", fl_sync_server_url (&f->s), user, NULL);
  g_assert_cmpint (run.status, ==, 0);
}

static void
test_work_day (Fixture *f, gconstpointer data)
{
  login (f, "eng_a");
  /* The token file is the user's alone. */
  g_autofree char *token = g_build_filename (f->profile, "token", NULL);
  GStatBuf st;
  g_assert_cmpint (g_stat (token, &st), ==, 0);
  g_assert_cmpint (st.st_mode & 0777, ==, 0600);

  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);
  g_assert_nonnull (strstr (sync.out, "Sync complete"));

  g_auto(Run) created = { 0 };
  cli (f, &created, NULL, "wo", "new", "--kind", "incident", "--title", "机房空调漏水 Aircon leaking",
       "--site", "HOSPA", "--impact", "2", "--urgency", "1", "--assignee", "eng_a", NULL);
  g_assert_cmpint (created.status, ==, 0);
  g_assert_nonnull (strstr (created.out, "INC-"));
  g_autofree char *ref = g_strndup (strstr (created.out, "INC-"), strlen ("INC-261122-ABC-0001"));

  g_auto(Run) moved = { 0 };
  cli (f, &moved, NULL, "wo", "set-status", ref, "in_progress", "--note", "on site", NULL);
  g_assert_cmpint (moved.status, ==, 0);
  g_auto(Run) logged = { 0 };
  cli (f, &logged, NULL, "wo", "log", ref, "--kind", "labour", "--minutes", "45", "Replaced", "the", "pipe", NULL);
  g_assert_cmpint (logged.status, ==, 0);
  g_auto(Run) used = { 0 };
  cli (f, &used, NULL, "stock", "move", "--kind", "use", "--part", "PSU-750", "--qty", "2", "--from", "VAN-A",
       "--work-order", ref, NULL);
  g_assert_cmpint (used.status, ==, 0);
  g_assert_nonnull (strstr (used.out, "-2"));

  g_auto(Run) pending = { 0 };
  cli (f, &pending, NULL, "status", NULL);
  g_assert_cmpint (pending.status, ==, 0);
  const char *count = strstr (pending.out, "Pending:");
  g_assert_nonnull (count);
  guint64 waiting = g_ascii_strtoull (count + strlen ("Pending:"), NULL, 10);
  g_assert_cmpuint (waiting, >=, 5);

  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_cmpint (sent.status, ==, 0);
  g_autofree char *expected = g_strdup_printf ("%" G_GUINT64_FORMAT " sent (0 conflicts, 0 rejected)", waiting);
  g_assert_nonnull (strstr (sent.out, expected));
  g_auto(Run) after = { 0 };
  cli (f, &after, NULL, "status", NULL);
  g_assert_nonnull (strstr (after.out, "Pending:      0"));
  /* Roles, statuses, kinds and priorities read as labels, not stored names. */
  g_assert_nonnull (strstr (after.out, "(Engineer)"));

  g_auto(Run) listed = { 0 };
  cli (f, &listed, NULL, "wo", "list", "--mine", "--status", "in_progress", NULL);
  g_assert_cmpint (listed.status, ==, 0);
  g_assert_nonnull (strstr (listed.out, ref));
  g_assert_nonnull (strstr (listed.out, "In progress"));
  g_assert_null (strstr (listed.out, "in_progress"));
  g_auto(GStrv) lines = g_strsplit (listed.out, "\n", -1);
  g_assert_cmpint (strstr (lines[0], "STATUS") - lines[0], ==, strstr (lines[1], "In progress") - lines[1]);
  g_auto(Run) shown = { 0 };
  cli (f, &shown, NULL, "wo", "show", ref, NULL);
  g_assert_cmpint (shown.status, ==, 0);
  g_assert_nonnull (strstr (shown.out, "Aircon leaking"));
  g_assert_nonnull (strstr (shown.out, "Replaced the pipe"));
  g_assert_nonnull (strstr (shown.out, "synced"));
  g_assert_nonnull (strstr (shown.out, "Incident"));
  g_autofree char *status_line = g_strndup (strstr (shown.out, "Status:"), strcspn (strstr (shown.out, "Status:"), "\n"));
  g_assert_cmpstr (status_line, ==, "Status:          In progress");
  g_auto(Run) balance = { 0 };
  cli (f, &balance, NULL, "stock", "balance", "--location", "VAN-A", NULL);
  g_assert_cmpint (balance.status, ==, 0);
  g_assert_nonnull (strstr (balance.out, "PSU-750"));
  g_assert_nonnull (strstr (balance.out, "-2"));

  /* The server has it. */
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wo = fl_store_find_row (f->s.store, fl_schema_lookup ("work_order"), "ref", ref, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (wo, "status"), ==, "in_progress");

  /* Closing is an approval, not a status: refused locally, exit 1. */
  g_auto(Run) closed = { 0 };
  cli (f, &closed, NULL, "wo", "set-status", ref, "closed", NULL);
  g_assert_cmpint (closed.status, ==, 1);
  g_assert_cmpstr (closed.err, !=, "");

  g_auto(Run) none = { 0 };
  cli (f, &none, NULL, "conflicts", "list", NULL);
  g_assert_cmpint (none.status, ==, 0);
  g_assert_nonnull (strstr (none.out, "No conflicts"));
}

/* An incident recorded 30 h ago at the 7x24 site, its 24 h response due
 * 6 h ago: warned at 75% (18 h, 12 h ago) and 90% (21 h 36, 8 h 24 ago),
 * escalated to management 6 h ago. */
static void
test_escalations (Fixture *f, gconstpointer data)
{
  gint64 created = fl_time_now () - (gint64) 30 * 3600 * G_USEC_PER_SEC;
  g_free (fl_test_put_derived_work_order (f->s.store, f->s.site_a, "INC-260101-SRV-0001", "incident", 1, 1,
                                          "eng_a", created));
  login (f, "eng_a");
  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);

  g_auto(Run) escalated = { 0 };
  cli (f, &escalated, NULL, "wo", "list", "--escalated", NULL);
  g_assert_cmpint (escalated.status, ==, 0);
  g_assert_nonnull (strstr (escalated.out, "INC-260101-SRV-0001"));
  g_assert_nonnull (strstr (escalated.out, "Escalated: Management"));
  g_auto(Run) nearing = { 0 };
  cli (f, &nearing, NULL, "wo", "list", "--nearing-breach", NULL);
  g_assert_nonnull (strstr (nearing.out, "No work orders."));

  g_auto(Run) events = { 0 };
  cli (f, &events, NULL, "wo", "escalations", "--mine", NULL);
  g_assert_cmpint (events.status, ==, 0);
  g_auto(GStrv) lines = g_strsplit (events.out, "\n", -1);
  g_assert_cmpuint (g_strv_length (lines), ==, 5);  /* the header, three events, "" */
  g_assert_nonnull (strstr (lines[1], "Escalated to Management: the response time is past"));
  g_assert_nonnull (strstr (lines[2], "90% of the response time used"));
  g_assert_nonnull (strstr (lines[3], "75% of the response time used"));

  g_auto(Run) shown = { 0 };
  cli (f, &shown, NULL, "wo", "show", "INC-260101-SRV-0001", NULL);
  g_assert_nonnull (strstr (shown.out, "SLA policy:      Due times from the standard targets"));

  /* A request names its service and takes the escalation table. */
  g_auto(Run) created_request = { 0 };
  cli (f, &created_request, NULL, "wo", "new", "--kind", "request", "--title", "VPN access", "--site", "HOSPA",
       "--impact", "1", "--urgency", "1", "--service", "Remote access", "--assignee", "eng_a", NULL);
  g_assert_cmpint (created_request.status, ==, 0);
  g_autofree char *ref = g_strndup (strstr (created_request.out, "REQ-"), strlen ("REQ-261122-ABC-0001"));
  g_auto(Run) request = { 0 };
  cli (f, &request, NULL, "wo", "show", ref, NULL);
  g_assert_nonnull (strstr (request.out, "Service:         Remote access"));
  g_assert_nonnull (strstr (request.out, "Request level:   Urgent"));
  g_assert_nonnull (strstr (request.out, "Escalation table of service requests, Urgent"));

  /* Handed to the second line, and sent. */
  g_auto(Run) line = { 0 };
  cli (f, &line, NULL, "wo", "set-line", ref, "second", NULL);
  g_assert_cmpint (line.status, ==, 0);
  g_auto(Run) bad_line = { 0 };
  cli (f, &bad_line, NULL, "wo", "set-line", ref, "third", NULL);
  g_assert_cmpint (bad_line.status, ==, 2);  /* usage */
  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_cmpint (sent.status, ==, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wo = fl_store_find_row (f->s.store, fl_schema_lookup ("work_order"), "ref", ref, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (wo, "support_line"), ==, "second");
  g_assert_cmpstr (fl_record_get_string (wo, "service"), ==, "Remote access");
}

static void
test_conflict_resolution (Fixture *f, gconstpointer data)
{
  login (f, "eng_a");
  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_auto(Run) created = { 0 };
  cli (f, &created, NULL, "wo", "new", "--kind", "request", "--title", "VPN access", "--site", "HOSPA",
       "--impact", "4", "--urgency", "3", NULL);
  g_autofree char *ref = g_strndup (strstr (created.out, "REQ-"), strlen ("REQ-261122-ABC-0001"));
  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_cmpint (sent.status, ==, 0);

  /* The same order taken by this user offline and assigned to someone
   * else by the supervisor: the second move conflicts. */
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wo = fl_store_find_row (f->s.store, fl_schema_lookup ("work_order"), "ref", ref, &error);
  g_assert_no_error (error);
  g_auto(Run) taken = { 0 };
  cli (f, &taken, NULL, "wo", "set-status", ref, "assigned", NULL);
  g_assert_cmpint (taken.status, ==, 0);
  {
    g_auto(FlSyncTestClient) super = { 0 };
    fl_sync_test_client_init (&super, "super");
    fl_sync_test_client_login (&super, &f->s);
    fl_sync_test_client_sync (&super);
    g_autoptr(JsonObject) values = json_object_new ();
    json_object_set_string_member (values, "assignee", "eng_a2");
    json_object_set_string_member (values, "status", "assigned");
    fl_changelog_update (super.db, "work_order", fl_record_get_string (wo, "id"), values, &error);
    g_assert_no_error (error);
    fl_sync_test_client_sync (&super);
  }
  g_auto(Run) synced = { 0 };
  cli (f, &synced, NULL, "sync", NULL);
  g_assert_cmpint (synced.status, ==, 0);
  g_assert_nonnull (strstr (synced.out, "need you"));

  g_auto(Run) listed = { 0 };
  cli (f, &listed, NULL, "conflicts", "list", NULL);
  g_assert_cmpint (listed.status, ==, 0);
  g_assert_nonnull (strstr (listed.out, "conflict"));
  g_assert_nonnull (strstr (listed.out, "assignee"));
  g_assert_nonnull (strstr (listed.out, "eng_a2"));
  const char *line = strstr (listed.out, "conflict");
  while (line > listed.out && line[-1] != '\n')
    line--;
  g_autofree char *id = g_strndup (line, strspn (line, "0123456789"));

  g_auto(Run) bad = { 0 };
  cli (f, &bad, NULL, "conflicts", "resolve", id, NULL);
  g_assert_cmpint (bad.status, ==, 2);
  /* Only a supervisor assigns the order to someone: the server would
   * refuse this user's assignee, so it cannot be kept. */
  g_auto(Run) refused = { 0 };
  cli (f, &refused, NULL, "conflicts", "resolve", id, "--keep", "mine", NULL);
  g_assert_cmpint (refused.status, ==, 1);
  g_assert_nonnull (strstr (refused.err, "Yours cannot be kept"));
  g_auto(Run) still = { 0 };
  cli (f, &still, NULL, "conflicts", "list", NULL);
  g_assert_nonnull (strstr (still.out, "eng_a2"));
  g_auto(Run) resolved = { 0 };
  cli (f, &resolved, NULL, "conflicts", "resolve", id, "--keep", "theirs", NULL);
  g_assert_cmpint (resolved.status, ==, 0);
  g_auto(Run) again = { 0 };
  cli (f, &again, NULL, "conflicts", "resolve", id, "--keep", "mine", NULL);
  g_assert_cmpint (again.status, ==, 1);
  g_auto(Run) empty = { 0 };
  cli (f, &empty, NULL, "conflicts", "list", NULL);
  g_assert_nonnull (strstr (empty.out, "No conflicts"));
}

static void
test_errors_and_exit_codes (Fixture *f, gconstpointer data)
{
  g_auto(Run) help = { 0 };
  cli (f, &help, NULL, "--help", NULL);
  g_assert_cmpint (help.status, ==, 0);
  g_assert_nonnull (strstr (help.out, "Usage: fieldline-cli"));
  g_auto(Run) command_help = { 0 };
  cli (f, &command_help, NULL, "wo", "new", "--help", NULL);
  g_assert_cmpint (command_help.status, ==, 0);
  g_assert_nonnull (strstr (command_help.out, "--urgency"));

  g_auto(Run) unknown = { 0 };
  cli (f, &unknown, NULL, "teleport", NULL);
  g_assert_cmpint (unknown.status, ==, 2);
  g_auto(Run) missing = { 0 };
  cli (f, &missing, NULL, "wo", "new", "--title", "x", NULL);
  g_assert_cmpint (missing.status, ==, 2);
  g_auto(Run) not_signed_in = { 0 };
  cli (f, &not_signed_in, NULL, "sync", NULL);
  g_assert_cmpint (not_signed_in.status, ==, 3);
  g_assert_nonnull (strstr (not_signed_in.err, "sign in"));

  g_auto(Run) wrong = { 0 };
  cli (f, &wrong, "not the password\n", "login", fl_sync_server_url (&f->s), "eng_a", NULL);
  g_assert_cmpint (wrong.status, ==, 1);
  g_assert_nonnull (strstr (wrong.err, "Cannot sign in"));
  g_auto(Run) no_password = { 0 };
  cli (f, &no_password, "", "login", fl_sync_server_url (&f->s), "eng_a", NULL);
  g_assert_cmpint (no_password.status, ==, 1);

  login (f, "eng_a");
  g_auto(Run) unknown_ref = { 0 };
  cli (f, &unknown_ref, NULL, "wo", "show", "INC-000000-XXX-0000", NULL);
  g_assert_cmpint (unknown_ref.status, ==, 1);

  /* The server goes away: exit 4, worth trying again later. */
  guint16 port = fl_server_get_port (f->s.server);
  g_clear_pointer (&f->s.server, fl_server_stop);
  g_auto(Run) offline = { 0 };
  cli (f, &offline, NULL, "sync", "--once", NULL);
  g_assert_cmpint (offline.status, ==, 4);
  fl_sync_server_start_on (&f->s, port);

  /* Before the first sync the replica knows no site yet. */
  g_auto(Run) early = { 0 };
  cli (f, &early, NULL, "wo", "new", "--kind", "incident", "--title", "Offline work", "--site", "HOSPA",
       "--impact", "3", "--urgency", "3", NULL);
  g_assert_cmpint (early.status, ==, 1);
  g_assert_nonnull (strstr (early.err, "sync"));

  /* A revoked device: exit 3, local changes kept. */
  g_auto(Run) first = { 0 };
  cli (f, &first, NULL, "sync", NULL);
  g_assert_cmpint (first.status, ==, 0);
  g_auto(Run) created = { 0 };
  cli (f, &created, NULL, "wo", "new", "--kind", "incident", "--title", "Offline work", "--site", "HOSPA",
       "--impact", "3", "--urgency", "3", NULL);
  g_assert_cmpint (created.status, ==, 0);
  g_autoptr(GError) error = NULL;
  g_autoptr(FlStore) store = g_object_ref (f->s.store);
  gboolean revoked = FALSE;
  {
    g_autofree char *path = g_build_filename (f->profile, "replica.db", NULL);
    g_autoptr(FlDb) db = fl_db_open_replica (path, &error);
    g_assert_no_error (error);
    g_autofree char *device = fl_db_get_meta (db, FL_META_DEVICE_ID);
    revoked = fl_accounts_revoke_device (store, device, "admin", &error);
    g_assert_no_error (error);
    fl_db_close (db);
  }
  g_assert_true (revoked);
  g_auto(Run) refused = { 0 };
  cli (f, &refused, NULL, "sync", NULL);
  g_assert_cmpint (refused.status, ==, 3);
  g_auto(Run) status = { 0 };
  cli (f, &status, NULL, "status", NULL);
  g_assert_cmpint (status.status, ==, 0);
  g_assert_null (strstr (status.out, "Signed in:    yes"));
  g_assert_null (strstr (status.out, "Pending:      0"));
}

/* Runs `wo new` for a job of `kind` assigned to eng_a and returns its reference. */
static char *
new_order (Fixture *f, const char *kind)
{
  g_auto(Run) created = { 0 };
  cli (f, &created, NULL, "wo", "new", "--kind", kind, "--title", "UPS battery test", "--site", "HOSPA",
       "--impact", "3", "--urgency", "3", "--assignee", "eng_a", NULL);
  g_assert_cmpint (created.status, ==, 0);
  const char *ref = strstr (created.out, "-2");
  g_assert_nonnull (ref);
  ref -= 3;  /* MNT-, INC-, REQ- */
  return g_strndup (ref, strcspn (ref, " "));
}

/* Resolving asks whether it was fixed on the first visit, and records it. */
static void
test_resolve_first_time_fix (Fixture *f, gconstpointer data)
{
  login (f, "eng_a");
  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);
  g_autofree char *ref = new_order (f, "maintenance");
  g_auto(Run) started = { 0 };
  cli (f, &started, NULL, "wo", "set-status", ref, "in_progress", NULL);
  g_assert_cmpint (started.status, ==, 0);

  /* Not without the answer, and not through set-status. */
  g_auto(Run) unanswered = { 0 };
  cli (f, &unanswered, NULL, "wo", "resolve", ref, "--resolution", "Batteries replaced", NULL);
  g_assert_cmpint (unanswered.status, ==, 2);
  g_assert_nonnull (strstr (unanswered.err, "--first-time-fix"));
  g_auto(Run) both = { 0 };
  cli (f, &both, NULL, "wo", "resolve", ref, "--first-time-fix", "--not-first-time", NULL);
  g_assert_cmpint (both.status, ==, 2);
  g_auto(Run) plain = { 0 };
  cli (f, &plain, NULL, "wo", "set-status", ref, "resolved", NULL);
  g_assert_cmpint (plain.status, ==, 2);
  g_assert_nonnull (strstr (plain.err, "wo resolve"));

  g_auto(Run) resolved = { 0 };
  cli (f, &resolved, NULL, "wo", "resolve", ref, "--resolution", "Batteries replaced", "--not-first-time", NULL);
  g_assert_cmpint (resolved.status, ==, 0);
  g_auto(Run) shown = { 0 };
  cli (f, &shown, NULL, "wo", "show", ref, NULL);
  g_assert_nonnull (strstr (shown.out, "First-time fix:  no"));
  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_cmpint (sent.status, ==, 0);
  g_assert_nonnull (strstr (sent.out, "0 rejected"));

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) wo = fl_store_find_row (f->s.store, fl_schema_lookup ("work_order"), "ref", ref, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (wo, "status"), ==, "resolved");
  g_assert_true (json_object_has_member (wo, "first_time_fix"));
  g_assert_false (JSON_NODE_HOLDS_NULL (json_object_get_member (wo, "first_time_fix")));
  g_assert_false (fl_record_get_bool (wo, "first_time_fix"));
}

/* The service desk rejects out of scope and records follow-up calls. */
static void
test_reject_and_follow_up (Fixture *f, gconstpointer data)
{
  g_autoptr(JsonObject) closed = json_object_new ();
  json_object_set_string_member (closed, "ref", "INC-261120-SRV-0001");
  json_object_set_string_member (closed, "kind", "incident");
  json_object_set_string_member (closed, "title", "Printer offline");
  json_object_set_string_member (closed, "site_id", f->s.site_a);
  json_object_set_int_member (closed, "impact", 3);
  json_object_set_int_member (closed, "urgency", 3);
  json_object_set_string_member (closed, "status", "closed");
  json_object_set_string_member (closed, "assignee", "eng_a");
  json_object_set_string_member (closed, "resolution", "Replaced the cable");
  g_autofree char *closed_id = fl_test_put (f->s.store, "work_order", closed);
  login (f, "super");
  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);

  g_autofree char *ref = new_order (f, "incident");
  g_auto(Run) no_reason = { 0 };
  cli (f, &no_reason, NULL, "wo", "reject", ref, NULL);
  g_assert_cmpint (no_reason.status, ==, 1);
  g_assert_nonnull (strstr (no_reason.err, "reason"));
  g_auto(Run) rejected = { 0 };
  cli (f, &rejected, NULL, "wo", "reject", ref, "--reason", "个人手机 A personal phone", NULL);
  g_assert_cmpint (rejected.status, ==, 0);
  g_assert_nonnull (strstr (rejected.out, "Rejected as out of scope"));

  g_auto(Run) unrated = { 0 };
  cli (f, &unrated, NULL, "wo", "follow-up", "INC-261120-SRV-0001", NULL);
  g_assert_cmpint (unrated.status, ==, 2);
  g_auto(Run) too_early = { 0 };
  cli (f, &too_early, NULL, "wo", "follow-up", ref, "--satisfaction", "4", NULL);
  g_assert_cmpint (too_early.status, ==, 1);
  g_auto(Run) visited = { 0 };
  cli (f, &visited, NULL, "wo", "follow-up", "INC-261120-SRV-0001", "--satisfaction", "4",
       "--note", "Printing fine since", NULL);
  g_assert_cmpint (visited.status, ==, 0);
  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_cmpint (sent.status, ==, 0);
  g_assert_nonnull (strstr (sent.out, "0 rejected"));

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) out = fl_store_find_row (f->s.store, fl_schema_lookup ("work_order"), "ref", ref, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (out, "status"), ==, "rejected");
  g_assert_cmpstr (fl_record_get_string (out, "reject_reason"), ==, "个人手机 A personal phone");
  g_autoptr(JsonObject) followed = fl_store_load_row (f->s.store, fl_schema_lookup ("work_order"), closed_id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (followed, "status"), ==, "visited");
  g_assert_cmpint (fl_record_get_int (followed, "satisfaction", 0), ==, 4);
  g_assert_nonnull (fl_record_get_string (followed, "visited_at"));
}

/* The text after `prefix` in `text` up to the next space or stop. */
static char *
word_after (const char *text, const char *prefix)
{
  const char *start = strstr (text, prefix);
  g_assert_nonnull (start);
  start += strlen (prefix);
  return g_strndup (start, strcspn (start, " ;(\n"));
}

/* A supervisor opens a problem from an incident and takes it to a known
 * error, which the list then finds; a major change goes to its board with
 * its rollback plan and test report attached. */
static void
test_problem_and_change (Fixture *f, gconstpointer data)
{
  fl_test_add_user (f->s.store, "super2", "supervisor", NULL);
  g_autoptr(JsonObject) ci = json_object_new ();
  json_object_set_string_member (ci, "code", "SRV-01");
  json_object_set_string_member (ci, "name", "HIS server");
  json_object_set_string_member (ci, "type", "server");
  json_object_set_string_member (ci, "site_id", f->s.site_a);
  json_object_set_string_member (ci, "status", "in_use");
  g_autofree char *ci_id = fl_test_put (f->s.store, "ci", ci);
  g_autoptr(JsonObject) incident = json_object_new ();
  json_object_set_string_member (incident, "ref", "INC-261120-SRV-0002");
  json_object_set_string_member (incident, "kind", "incident");
  json_object_set_string_member (incident, "title", "HIS 服务器重启 restarts");
  json_object_set_string_member (incident, "site_id", f->s.site_a);
  json_object_set_string_member (incident, "ci_id", ci_id);
  json_object_set_int_member (incident, "impact", 2);
  json_object_set_int_member (incident, "urgency", 2);
  json_object_set_string_member (incident, "status", "in_progress");
  json_object_set_string_member (incident, "assignee", "eng_a");
  g_free (fl_test_put (f->s.store, "work_order", incident));
  login (f, "super");
  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);

  g_auto(Run) opened = { 0 };
  cli (f, &opened, NULL, "problem", "open", "INC-261120-SRV-0002", NULL);
  g_assert_cmpint (opened.status, ==, 0);
  g_autofree char *ref = word_after (opened.out, "Opened problem ");
  g_assert_true (g_str_has_prefix (ref, "PRB-"));
  g_auto(Run) assigned = { 0 };
  cli (f, &assigned, NULL, "problem", "move", ref, "assigned", "--assignee", "eng_a", NULL);
  g_assert_cmpint (assigned.status, ==, 0);
  g_auto(Run) investigating = { 0 };
  cli (f, &investigating, NULL, "problem", "move", ref, "investigating", NULL);
  g_assert_cmpint (investigating.status, ==, 0);
  g_auto(Run) no_workaround = { 0 };
  cli (f, &no_workaround, NULL, "problem", "move", ref, "known_error", "--root-cause", "电源模块老化", NULL);
  g_assert_cmpint (no_workaround.status, ==, 1);
  g_assert_nonnull (strstr (no_workaround.err, "workaround"));
  g_auto(Run) known = { 0 };
  cli (f, &known, NULL, "problem", "move", ref, "known_error", "--root-cause", "电源模块老化",
       "--workaround", "Switch to the redundant supply", NULL);
  g_assert_cmpint (known.status, ==, 0);
  g_auto(Run) found = { 0 };
  cli (f, &found, NULL, "problem", "known-errors", "电源", NULL);
  g_assert_cmpint (found.status, ==, 0);
  g_assert_nonnull (strstr (found.out, "Workaround: Switch to the redundant supply"));
  g_auto(Run) none = { 0 };
  cli (f, &none, NULL, "problem", "known-errors", "printer", NULL);
  g_assert_nonnull (strstr (none.out, "No known error matches"));

  g_auto(Run) requested = { 0 };
  cli (f, &requested, NULL, "change", "request", "Replace the PSU", "--kind", "major", "--ci", "SRV-01",
       "--reason", "Remove the known error", "--problem", ref, "--approver", "super", "--approver", "super2", NULL);
  g_assert_cmpint (requested.status, ==, 0);
  g_autofree char *change = word_after (requested.out, "Requested ");
  g_auto(Run) listed = { 0 };
  cli (f, &listed, NULL, "change", "list", "--ci", "SRV-01", NULL);
  g_assert_nonnull (strstr (listed.out, change));
  g_assert_nonnull (strstr (listed.out, "Major change"));
  g_auto(Run) early = { 0 };
  cli (f, &early, NULL, "change", "move", change, "implementing", NULL);
  g_assert_cmpint (early.status, ==, 1);

  /* Its rollback plan and test report go with it as files. */
  g_autofree char *plan_path = g_build_filename (f->profile, "回退方案.txt", NULL);
  g_autofree char *test_path = g_build_filename (f->profile, "test-report.txt", NULL);
  g_assert_true (g_file_set_contents (plan_path, "Refit the old PSU, restart the HIS service\n", -1, NULL));
  g_assert_true (g_file_set_contents (test_path, "The spare ran 4 h at full load\n", -1, NULL));
  g_auto(Run) bad_document = { 0 };
  cli (f, &bad_document, NULL, "change", "attach", change, "photo", test_path, NULL);
  g_assert_cmpint (bad_document.status, ==, 1);
  g_auto(Run) plan = { 0 };
  cli (f, &plan, NULL, "change", "attach", change, "rollback-plan", plan_path, NULL);
  g_assert_cmpint (plan.status, ==, 0);
  g_assert_nonnull (strstr (plan.out, "as its Rollback plan"));
  g_auto(Run) report = { 0 };
  cli (f, &report, NULL, "change", "attach", change, "test-report", test_path, NULL);
  g_assert_cmpint (report.status, ==, 0);
  g_auto(Run) files = { 0 };
  cli (f, &files, NULL, "change", "files", change, NULL);
  g_assert_nonnull (strstr (files.out, "回退方案.txt"));
  g_assert_nonnull (strstr (files.out, "Test report"));
  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_cmpint (sent.status, ==, 0);
  g_assert_nonnull (strstr (sent.out, "0 rejected"));

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) problem = fl_store_find_row (f->s.store, fl_schema_lookup ("problem"), "ref", ref, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (problem, "status"), ==, "known_error");
  g_assert_true (fl_record_get_bool (problem, "known_error"));
  g_autoptr(JsonObject) stored = fl_store_find_row (f->s.store, fl_schema_lookup ("change_record"), "ref", change,
                                                    &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (stored, "status"), ==, "requested");
  g_assert_cmpstr (fl_record_get_string (stored, "problem_id"), ==, fl_record_get_string (problem, "id"));
  g_autoptr(JsonObject) plan_row = fl_store_load_row (f->s.store, fl_schema_lookup ("attachment"),
                                                      fl_record_get_string (stored, "rollback_plan_attachment"),
                                                      &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (plan_row, "filename"), ==, "回退方案.txt");
  g_assert_cmpstr (fl_record_get_string (plan_row, "owner_id"), ==, fl_record_get_string (stored, "id"));
  g_assert_nonnull (fl_record_get_string (stored, "test_report_attachment"));

  /* The document opens where the CLI keeps it. */
  g_auto(Run) opened_plan = { 0 };
  cli (f, &opened_plan, NULL, "change", "open", change, "rollback-plan", NULL);
  g_assert_cmpint (opened_plan.status, ==, 0);
  g_autofree char *local = g_strstrip (g_strdup (opened_plan.out));
  g_autofree char *contents = NULL;
  g_assert_true (g_file_get_contents (local, &contents, NULL, NULL));
  g_assert_cmpstr (contents, ==, "Refit the old PSU, restart the HIS service\n");
}

/* Supervisors decide changes from the command line: a general change is
 * rejected only with a reason; a major change needs each member of its
 * board once, each on the version they saw, and is approved when the last
 * one has. */
static void
test_change_approval (Fixture *f, gconstpointer data)
{
  fl_test_add_user (f->s.store, "super2", "supervisor", NULL);
  g_autoptr(JsonObject) ci = json_object_new ();
  json_object_set_string_member (ci, "code", "SW-01");
  json_object_set_string_member (ci, "name", "核心交换机 Core switch");
  json_object_set_string_member (ci, "type", "switch");
  json_object_set_string_member (ci, "site_id", f->s.site_a);
  json_object_set_string_member (ci, "status", "in_use");
  g_free (fl_test_put (f->s.store, "ci", ci));
  login (f, "super");
  g_auto(Run) sync = { 0 };
  cli (f, &sync, NULL, "sync", NULL);
  g_assert_cmpint (sync.status, ==, 0);

  g_auto(Run) general_run = { 0 };
  cli (f, &general_run, NULL, "change", "request", "Move the uplink port", "--ci", "SW-01",
       "--reason", "Port 24 is failing", NULL);
  g_assert_cmpint (general_run.status, ==, 0);
  g_autofree char *general = word_after (general_run.out, "Requested ");
  g_auto(Run) major_run = { 0 };
  cli (f, &major_run, NULL, "change", "request", "Replace the core switch", "--kind", "major", "--ci", "SW-01",
       "--reason", "End of support", "--approver", "super", "--approver", "super2", NULL);
  g_assert_cmpint (major_run.status, ==, 0);
  g_autofree char *major = word_after (major_run.out, "Requested ");
  g_auto(Run) sent = { 0 };
  cli (f, &sent, NULL, "sync", NULL);
  g_assert_nonnull (strstr (sent.out, "0 rejected"));

  /* A rejection says why. */
  g_auto(Run) no_reason = { 0 };
  cli (f, &no_reason, NULL, "change", "reject", general, NULL);
  g_assert_cmpint (no_reason.status, ==, 1);
  g_assert_nonnull (strstr (no_reason.err, "Say why"));
  g_auto(Run) rejected = { 0 };
  cli (f, &rejected, NULL, "change", "reject", general, "--reason", "Not in the maintenance window", NULL);
  g_assert_cmpint (rejected.status, ==, 0);
  g_assert_nonnull (strstr (rejected.out, "Rejected"));

  /* A major change is not approved without its rollback plan and test report. */
  g_auto(Run) bare = { 0 };
  cli (f, &bare, NULL, "change", "approve", major, NULL);
  g_assert_cmpint (bare.status, ==, 1);
  g_assert_nonnull (strstr (bare.err, "rollback plan"));
  g_autofree char *plan_path = g_build_filename (f->s.dir, "rollback.txt", NULL);
  g_assert_true (g_file_set_contents (plan_path, "Refit the old switch\n", -1, NULL));
  g_auto(Run) plan = { 0 };
  cli (f, &plan, NULL, "change", "attach", major, "rollback-plan", plan_path, NULL);
  g_assert_cmpint (plan.status, ==, 0);
  g_auto(Run) report = { 0 };
  cli (f, &report, NULL, "change", "attach", major, "test-report", plan_path, NULL);
  g_assert_cmpint (report.status, ==, 0);
  g_auto(Run) attached = { 0 };
  cli (f, &attached, NULL, "sync", NULL);
  g_assert_nonnull (strstr (attached.out, "0 rejected"));

  g_auto(Run) first = { 0 };
  cli (f, &first, NULL, "change", "approve", major, NULL);
  g_assert_cmpint (first.status, ==, 0);
  g_assert_nonnull (strstr (first.out, "Approved"));
  /* Once: again before the sync, and again after it. */
  g_auto(Run) waiting = { 0 };
  cli (f, &waiting, NULL, "change", "approve", major, NULL);
  g_assert_cmpint (waiting.status, ==, 1);
  g_auto(Run) decided = { 0 };
  cli (f, &decided, NULL, "sync", NULL);
  g_assert_nonnull (strstr (decided.out, "0 rejected"));
  g_auto(Run) twice = { 0 };
  cli (f, &twice, NULL, "change", "approve", major, NULL);
  g_assert_cmpint (twice.status, ==, 1);
  g_assert_nonnull (strstr (twice.err, "already approved"));

  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) stored_general = fl_store_find_row (f->s.store, fl_schema_lookup ("change_record"), "ref",
                                                            general, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (stored_general, "status"), ==, "rejected");
  g_autoptr(JsonObject) half = fl_store_find_row (f->s.store, fl_schema_lookup ("change_record"), "ref", major,
                                                  &error);
  g_assert_cmpstr (fl_record_get_string (half, "status"), ==, "requested");

  /* The board's other member, on another device: the change is approved. */
  g_autofree char *first_profile = g_steal_pointer (&f->profile);
  f->profile = g_build_filename (f->s.dir, "profile2", NULL);
  login (f, "super2");
  g_auto(Run) other_sync = { 0 };
  cli (f, &other_sync, NULL, "sync", NULL);
  g_assert_cmpint (other_sync.status, ==, 0);
  g_auto(Run) closed = { 0 };
  cli (f, &closed, NULL, "change", "approve", general, NULL);
  g_assert_cmpint (closed.status, ==, 1);
  g_assert_nonnull (strstr (closed.err, "only a requested change is decided"));
  g_auto(Run) second = { 0 };
  cli (f, &second, NULL, "change", "approve", major, NULL);
  g_assert_cmpint (second.status, ==, 0);
  g_auto(Run) last = { 0 };
  cli (f, &last, NULL, "sync", NULL);
  g_assert_nonnull (strstr (last.out, "0 rejected"));
  g_autoptr(JsonObject) approved = fl_store_find_row (f->s.store, fl_schema_lookup ("change_record"), "ref", major,
                                                      &error);
  g_assert_cmpstr (fl_record_get_string (approved, "status"), ==, "approved");
  g_free (f->profile);
  f->profile = g_steal_pointer (&first_profile);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  if (g_getenv ("FIELDLINE_CLI") == NULL)
    {
      g_test_skip ("FIELDLINE_CLI is not set");
      return g_test_run ();
    }
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_setup, func, fixture_teardown)
  ADD ("/cli/work-day", test_work_day);
  ADD ("/cli/conflict-resolution", test_conflict_resolution);
  ADD ("/cli/escalations", test_escalations);
  ADD ("/cli/errors-and-exit-codes", test_errors_and_exit_codes);
  ADD ("/cli/resolve-first-time-fix", test_resolve_first_time_fix);
  ADD ("/cli/reject-and-follow-up", test_reject_and_follow_up);
  ADD ("/cli/problem-and-change", test_problem_and_change);
  ADD ("/cli/change-approval", test_change_approval);
  return g_test_run ();
}
