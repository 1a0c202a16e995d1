/* fl-cmdb-audit.h — the rules of a CMDB audit round (001 配置管理程序 6.5:
 * the records are checked against what is really there, every six months;
 * 003 7.7.2 b, 8.3.5.2 a: 账实相符率).
 *
 * A supervisor plans a round for a site (`cmdb_audit`); the engineer walks
 * it and appends one `cmdb_audit_item` per CI: found as recorded, found with
 * differences ({field: {recorded, found}}), missing, or found but not
 * recorded (no ci_id; the found values of a new CI).  The last mark of a CI
 * on the round counts.  When every CI is marked the engineer submits the
 * round (pending) and a supervisor's approval decides it.  The same checks
 * run on a client before it writes and on the server for every push. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-workflow.h"

G_BEGIN_DECLS

#define FL_CMDB_AUDIT_ERROR (fl_cmdb_audit_error_quark ())
typedef enum {
  FL_CMDB_AUDIT_ERROR_INVALID,  /* a mark that does not fit its result */
  FL_CMDB_AUDIT_ERROR_CLOSED,   /* the round is not open for walking */
  FL_CMDB_AUDIT_ERROR_FORBIDDEN,/* not this user's round, or not their move */
} FlCmdbAuditError;
GQuark fl_cmdb_audit_error_quark (void);

/* 001 配置管理程序 6.5: 通常情况下每半年进行一次配置审计和验证. */
#define FL_CMDB_AUDIT_INTERVAL_MONTHS 6

typedef enum {
  FL_AUDIT_AS_RECORDED,  /* found, and the record is right */
  FL_AUDIT_DIFFERS,      /* found, some recorded fields are wrong */
  FL_AUDIT_MISSING,      /* recorded, not found */
  FL_AUDIT_UNRECORDED,   /* found, not recorded */
  FL_N_AUDIT_RESULTS
} FlAuditResult;

const char *fl_audit_result_to_string    (FlAuditResult result);
gboolean    fl_audit_result_from_string  (const char *text, FlAuditResult *out);
const char *fl_audit_result_get_label    (FlAuditResult result);
const char *fl_audit_result_label_for_name (const char *text);

typedef enum {
  FL_AUDIT_PLANNED,
  FL_AUDIT_IN_PROGRESS,
  FL_AUDIT_PENDING,    /* submitted, waiting for a supervisor */
  FL_AUDIT_APPROVED,
  FL_AUDIT_REJECTED,   /* sent back to be walked again */
  FL_AUDIT_CANCELLED,
  FL_N_AUDIT_STATUSES
} FlAuditStatus;

const char *fl_audit_status_to_string    (FlAuditStatus status);
gboolean    fl_audit_status_from_string  (const char *text, FlAuditStatus *out);
const char *fl_audit_status_get_label    (FlAuditStatus status);
const char *fl_audit_status_label_for_name (const char *text);

/* Whether a round in this state still takes marks (planned, in progress,
 * or sent back). */
gboolean    fl_cmdb_audit_is_open (const char *status);

/* The CI fields an audit compares with what is found, NULL-terminated. */
const char * const *fl_cmdb_audit_fields (void);

/* Checks a mark against its result: a recorded CI (ci_id) for every result
 * but unrecorded; differences only for differs (at least one audited field,
 * each found value valid for the CI and unlike the recorded one) and for
 * unrecorded (the found code, name and type at least, recorded null). */
gboolean    fl_cmdb_audit_check_item (JsonObject *item, GError **error);

/* Whether `login` of `role` may mark CIs on `audit` now: the round is open
 * and, for an engineer, assigned to them or to nobody. */
gboolean    fl_cmdb_audit_check_walk (FlRole role, const char *login, JsonObject *audit,
                                      GError **error);

/* Whether `login` of `role` may write the round `after` (`before` NULL: a
 * new round).  A new round is planned by a supervisor; an engineer only
 * starts, submits or restarts a sent-back round of theirs and changes
 * nothing else; approved and rejected are a supervisor's approval's, never
 * written directly; a decided or cancelled round stays as it is. */
gboolean    fl_cmdb_audit_check_change (FlRole role, const char *login, JsonObject *before,
                                        JsonObject *after, GError **error);

/* The date (YYYY-MM-DD) `FL_CMDB_AUDIT_INTERVAL_MONTHS` after `last`
 * (YYYY-MM-DD), the last day of the month when that month is shorter;
 * NULL when `last` is not a date. */
char       *fl_cmdb_audit_next_due (const char *last);

G_END_DECLS
