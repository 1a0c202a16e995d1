#include "fl-test-util.h"

#define HOUR (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)
#define DAY (24 * HOUR)

/* The state of a job follows its last check and its schedule. */
static void
test_state_from_last_check (void)
{
  gint64 now = G_GINT64_CONSTANT (1795312800) * G_USEC_PER_SEC;
  g_assert_cmpint (fl_backup_state ("daily", now - 2 * HOUR, "ok", now), ==, FL_BACKUP_STATE_OK);
  g_assert_cmpint (fl_backup_state ("daily", now - 25 * HOUR, "ok", now), ==, FL_BACKUP_STATE_DUE);
  g_assert_cmpint (fl_backup_state ("daily", now - 49 * HOUR, "ok", now), ==, FL_BACKUP_STATE_OVERDUE);
  g_assert_cmpint (fl_backup_state ("weekly", now - 6 * DAY, "ok", now), ==, FL_BACKUP_STATE_OK);
  g_assert_cmpint (fl_backup_state ("weekly", now - 7 * DAY - HOUR, "ok", now), ==, FL_BACKUP_STATE_DUE);
  g_assert_cmpint (fl_backup_state ("monthly", now - 20 * DAY, "ok", now), ==, FL_BACKUP_STATE_OK);
  g_assert_cmpint (fl_backup_state ("daily", now - HOUR, "partial", now), ==, FL_BACKUP_STATE_FAILED);
  g_assert_cmpint (fl_backup_state ("daily", 0, NULL, now), ==, FL_BACKUP_STATE_OVERDUE);
}

static void
test_record_check_and_drill (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_autoptr(JsonObject) ci = json_object_new ();
  json_object_set_string_member (ci, "code", "HIS-DB-01");
  json_object_set_string_member (ci, "name", "HIS database");
  json_object_set_string_member (ci, "type", "database");
  json_object_set_string_member (ci, "site_id", site);
  json_object_set_string_member (ci, "status", "in_use");
  g_autofree char *ci_id = NULL;
  g_assert_true (fl_changelog_insert (db, "ci", ci, &ci_id, &error));
  g_autoptr(JsonObject) job = json_object_new ();
  json_object_set_string_member (job, "ci_id", ci_id);
  json_object_set_string_member (job, "name", "Nightly full backup");
  json_object_set_string_member (job, "kind", "full");
  json_object_set_string_member (job, "schedule", "daily");
  g_autofree char *job_id = NULL;
  g_assert_true (fl_changelog_insert (db, "backup_job", job, &job_id, &error));
  g_assert_no_error (error);

  g_assert_cmpint (fl_backup_job_state (db, job_id, fl_time_now (), NULL), ==, FL_BACKUP_STATE_OVERDUE);

  FlBackupCheck check = {
    .job_id = job_id, .result = "ok", .backup_taken_at = fl_time_now () - HOUR,
    .size_bytes = G_GINT64_CONSTANT (5368709120), .restore_test = TRUE, .restore_ok = TRUE,
    .restore_minutes = 42, .notes = "restored to the test instance",
  };
  g_autofree char *check_id = NULL;
  g_assert_true (fl_backup_record_check (db, &check, "zhang.wei", &check_id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_backup_job_state (db, job_id, fl_time_now (), NULL), ==, FL_BACKUP_STATE_OK);

  g_autoptr(JsonObject) row = fl_record_load (db, fl_schema_lookup ("backup_check"), check_id, &error);
  g_assert_cmpstr (fl_record_get_string (row, "size_bytes"), ==, "5368709120");
  g_assert_true (fl_record_get_bool (row, "restore_ok"));
  g_assert_cmpint (fl_record_get_int (row, "restore_minutes", 0), ==, 42);
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM outbox WHERE table_name = 'backup_check' AND op = 'append'"), ==, 1);

  /* The list and the job's history show it. */
  g_autoptr(GPtrArray) jobs = fl_backup_list_jobs (db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (jobs->len, ==, 1);
  JsonObject *listed = g_ptr_array_index (jobs, 0);
  g_assert_cmpstr (fl_record_get_string (listed, "id"), ==, job_id);
  g_assert_cmpstr (fl_record_get_string (listed, "ci_code"), ==, "HIS-DB-01");
  g_assert_cmpstr (fl_record_get_string (listed, "site_name"), ==, "First People's Hospital");
  g_assert_cmpstr (fl_record_get_string (listed, "last_result"), ==, "ok");
  g_assert_cmpstr (fl_record_get_string (listed, "last_checked_at"), ==, fl_record_get_string (row, "checked_at"));
  g_autoptr(GPtrArray) checks = fl_backup_list_checks (db, job_id, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (checks->len, ==, 1);
  JsonObject *history = g_ptr_array_index (checks, 0);
  g_assert_cmpint (fl_record_get_int (history, "size_bytes", 0), ==, G_GINT64_CONSTANT (5368709120));
  g_assert_cmpint (fl_record_get_int (history, "restore_ok", 0), ==, 1);
  g_assert_cmpint (fl_record_get_int (history, "restore_minutes", 0), ==, 42);
  g_assert_cmpstr (fl_record_get_string (history, "notes"), ==, "restored to the test instance");

  /* A bad result is refused, naming the field, and nothing is written. */
  FlBackupCheck bad = { .job_id = job_id, .result = "fine", .size_bytes = -1 };
  g_assert_false (fl_backup_record_check (db, &bad, "zhang.wei", NULL, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "backup_check.result"));
  g_assert_cmpint (fl_test_count (db, "SELECT count(*) FROM backup_check"), ==, 1);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* A size is read as typed, in GB, never clamped: "twelve", "-1", "inf",
 * "1e30" and more than a check holds are refused with words for the field
 * (each used to be cast to a number of bytes); empty means unknown. */
static void
test_typed_size_is_refused_not_clamped (void)
{
  static const struct { const char *text; gint64 bytes; const char *words; } cases[] = {
    { "12.5", 12500000000, NULL },
    { " 0 ", 0, NULL },
    { "", -1, NULL },
    { "0.000000001", 1, NULL },
    { "1152921504", 1152921504000000000, NULL },
    { "twelve", -2, "“twelve” is not a number" },
    { "inf", -2, "“inf” is not a number" },
    { "1e30", -2, "“1e30” is not a number" },
    { "12,5", -2, "“12,5” is not a number" },
    { "-1", -2, "Enter a size in GB from 0 to 1152921504" },
    { "1152921505", -2, "Enter a size in GB from 0 to 1152921504" },
    { "99999999999999", -2, "Enter a size in GB from 0 to 1152921504" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 bytes = -2;
      g_test_message ("“%s”", cases[i].text);
      gboolean read = fl_backup_read_size (cases[i].text, &bytes, &error);
      g_assert_cmpint (bytes, ==, cases[i].bytes);
      if (cases[i].words == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (read);
        }
      else
        {
          g_assert_false (read);
          g_assert_cmpstr (error->message, ==, cases[i].words);
        }
    }
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/backup/state", test_state_from_last_check);
  g_test_add_func ("/backup/record", test_record_check_and_drill);
  g_test_add_func ("/backup/typed-size", test_typed_size_is_refused_not_clamped);
  return g_test_run ();
}
