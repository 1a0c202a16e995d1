/* fl-ci-change-record.h — CI fields change only through changes (001
 * 变更管理程序, 配置管理程序): a CI an administrator adds or edits on the
 * server, by a pushed edit or a CSV import, is recorded as a standard
 * change, implemented as it is made, with who, when and each field from
 * and to, so the CI's history shows every change of its record. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The change record (every column of change_record, with its own id and
 * `created_at` = `at`) of `by` having set the fields `changes` ({field:
 * {from, to}}, `from` null for a new CI) of CI `ci` (as it is after the
 * change) at `at` (RFC 3339), for `reason`.  `changes` is referenced. */
JsonObject *fl_ci_change_record_new (JsonObject *ci, JsonObject *changes, const char *reason,
                                     const char *by, const char *at);

/* The changes ({field: {from: null, to}}) that record new CI `ci`: each
 * of its model fields that has a value. */
JsonObject *fl_ci_change_record_fields_of_new (JsonObject *ci);

G_END_DECLS
