#include "fl-backup.h"

#include <glib/gi18n-lib.h>
#include <math.h>

#include "fl-changelog.h"
#include "fl-query.h"
#include "fl-time.h"

#define BYTES_PER_GB 1e9

#define DAY (G_GINT64_CONSTANT (24) * 3600)

gint64
fl_backup_period_seconds (const char *schedule)
{
  if (g_strcmp0 (schedule, "daily") == 0)
    return DAY;
  if (g_strcmp0 (schedule, "weekly") == 0)
    return 7 * DAY;
  if (g_strcmp0 (schedule, "monthly") == 0)
    return 31 * DAY;
  return 0;
}

FlBackupState
fl_backup_state (const char *schedule, gint64 last_checked_at, const char *last_result, gint64 now)
{
  if (last_checked_at <= 0)
    return FL_BACKUP_STATE_OVERDUE;
  if (g_strcmp0 (last_result, "ok") != 0)
    return FL_BACKUP_STATE_FAILED;
  gint64 period = fl_backup_period_seconds (schedule);
  if (period == 0)
    period = DAY;
  gint64 age = (now - last_checked_at) / G_USEC_PER_SEC;
  if (age >= period + DAY)
    return FL_BACKUP_STATE_OVERDUE;
  if (age >= period)
    return FL_BACKUP_STATE_DUE;
  return FL_BACKUP_STATE_OK;
}

FlBackupState
fl_backup_job_state (FlDb *db, const char *job_id, gint64 now, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT j.schedule, c.checked_at, c.result FROM backup_job j"
      " LEFT JOIN backup_check c ON c.job_id = j.id"
      " WHERE j.id = ? ORDER BY c.checked_at DESC LIMIT 1", error);
  gboolean has_row;
  if (stmt == NULL)
    return FL_BACKUP_STATE_OVERDUE;
  sqlite3_bind_text (stmt, 1, job_id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error) || !has_row)
    return FL_BACKUP_STATE_OVERDUE;
  gint64 checked_at = 0;
  const char *checked_text = (const char *) sqlite3_column_text (stmt, 1);
  if (checked_text != NULL)
    fl_time_parse (checked_text, &checked_at, NULL);
  return fl_backup_state ((const char *) sqlite3_column_text (stmt, 0), checked_at,
                          (const char *) sqlite3_column_text (stmt, 2), now);
}

gboolean
fl_backup_record_check (FlDb *db, const FlBackupCheck *check, const char *actor,
                        char **out_id, GError **error)
{
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (fields, "job_id", check->job_id);
  json_object_set_string_member (fields, "checked_at", now);
  json_object_set_string_member (fields, "by", actor);
  json_object_set_string_member (fields, "result", check->result);
  if (check->backup_taken_at > 0)
    {
      g_autofree char *taken = fl_time_format (check->backup_taken_at);
      json_object_set_string_member (fields, "backup_taken_at", taken);
    }
  if (check->size_bytes >= 0)
    {
      g_autofree char *size = g_strdup_printf ("%" G_GINT64_FORMAT, check->size_bytes);
      json_object_set_string_member (fields, "size_bytes", size);
    }
  json_object_set_boolean_member (fields, "restore_test", check->restore_test);
  if (check->restore_test)
    {
      json_object_set_boolean_member (fields, "restore_ok", check->restore_ok);
      json_object_set_int_member (fields, "restore_minutes", check->restore_minutes);
    }
  if (check->notes != NULL && *check->notes != '\0')
    json_object_set_string_member (fields, "notes", check->notes);
  return fl_changelog_append (db, "backup_check", fields, out_id, error);
}

gboolean
fl_backup_read_size (const char *text, gint64 *out_bytes, GError **error)
{
  g_return_val_if_fail (out_bytes != NULL, FALSE);
  g_autofree char *typed = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*typed == '\0')
    {
      *out_bytes = -1;
      return TRUE;
    }
  const FlColumn *column = fl_table_column (fl_schema_lookup ("backup_check"), "size_bytes");
  double most = (double) column->max / BYTES_PER_GB;
  double gigabytes;
  if (!fl_record_read_decimal (typed, &gigabytes, error))
    return FALSE;
  if (gigabytes < 0 || gigabytes > most)
    {
      /* Translators: the size of a backup, in GB (10^9 bytes) */
      g_set_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID,
                   _("Enter a size in GB from 0 to %.0f"), floor (most));
      return FALSE;
    }
  *out_bytes = (gint64) llround (gigabytes * BYTES_PER_GB);
  return TRUE;
}

GPtrArray *
fl_backup_list_jobs (FlDb *db, GError **error)
{
  return fl_query_rows (db,
      "SELECT j.id, j.name, j.kind, j.schedule, c.code AS ci_code, s.name AS site_name,"
      "       (SELECT max (k.checked_at) FROM backup_check k WHERE k.job_id = j.id) AS last_checked_at,"
      "       (SELECT k.result FROM backup_check k WHERE k.job_id = j.id ORDER BY k.checked_at DESC LIMIT 1)"
      "         AS last_result"
      "  FROM backup_job j LEFT JOIN ci c ON c.id = j.ci_id LEFT JOIN site s ON s.id = c.site_id",
      0, NULL, error);
}

GPtrArray *
fl_backup_list_checks (FlDb *db, const char *job_id, GError **error)
{
  const char *params[] = { job_id };
  return fl_query_rows (db,
      "SELECT id, checked_at, by, result, backup_taken_at, size_bytes, restore_test, restore_ok,"
      "       restore_minutes, notes FROM backup_check WHERE job_id = ?1 ORDER BY checked_at DESC LIMIT 20",
      G_N_ELEMENTS (params), params, error);
}
