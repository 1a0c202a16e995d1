/* fl-backup.h — backup checks and restore drills.
 *
 * A backup job (daily, weekly or monthly) expects a check each period.  Its
 * state is derived from its last check: ok, due (the period has passed),
 * overdue (a day past due), or failed (the last check found the backup
 * failed, partial or missing). */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

typedef enum {
  FL_BACKUP_STATE_OK,
  FL_BACKUP_STATE_DUE,
  FL_BACKUP_STATE_OVERDUE,
  FL_BACKUP_STATE_FAILED,
} FlBackupState;

typedef struct {
  const char *job_id;
  const char *result;          /* "ok" | "failed" | "partial" | "missing" */
  gint64      backup_taken_at; /* usec, 0 = unknown */
  gint64      size_bytes;      /* -1 = unknown */
  gboolean    restore_test;    /* a restore drill was done */
  gboolean    restore_ok;
  int         restore_minutes;
  const char *notes;
} FlBackupCheck;

gboolean      fl_backup_record_check (FlDb *db, const FlBackupCheck *check, const char *actor,
                                      char **out_id, GError **error);

/* Reads a backup's size as a person types it, in GB (10^9 bytes, "12.5"):
 * an empty text is an unknown size (-1); a size that is not a number, is
 * negative or is more than a check can hold is refused with words for the
 * field, never clamped. */
gboolean      fl_backup_read_size (const char *text, gint64 *out_bytes, GError **error);

/* Length of a schedule's period in seconds (0 for an unknown schedule). */
gint64        fl_backup_period_seconds (const char *schedule);

FlBackupState fl_backup_state (const char *schedule, gint64 last_checked_at,
                               const char *last_result, gint64 now);

/* The state of one job from the checks in the replica. */
FlBackupState fl_backup_job_state (FlDb *db, const char *job_id, gint64 now, GError **error);

/* Every job with what the list shows: id, name, kind, schedule, ci_code,
 * site_name, last_checked_at and last_result (of its newest check). */
GPtrArray    *fl_backup_list_jobs (FlDb *db, GError **error);
/* The newest 20 checks of a job, newest first: id, checked_at, by,
 * result, backup_taken_at, size_bytes, restore_test, restore_ok,
 * restore_minutes, notes. */
GPtrArray    *fl_backup_list_checks (FlDb *db, const char *job_id, GError **error);

G_END_DECLS
