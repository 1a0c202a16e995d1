#include "fl-schema.h"

#include "fl-work-log-note.h"

#include <string.h>

#define COLS(array) array, G_N_ELEMENTS (array)
#define REQ FL_COL_REQUIRED
#define IMM FL_COL_IMMUTABLE
#define DER FL_COL_DERIVED
#define NAME FL_TEXT_NAME
#define LINE FL_TEXT_LINE
#define LONG FL_TEXT_LONG
/* Sizes of JSON columns' text: a list of site ids, one inspection's results
 * or one proposal's changes, a whole checklist, and one value of any
 * column as a conflict keeps it (escaping may make a long text longer). */
/* What one person can enter at once: a work-log entry is at most a day's
 * work, a movement at most a million units, a count at most a billion.
 * More is a typing slip, refused at the field rather than clamped. */
#define MAX_LOG_MINUTES    (24 * 60)
#define MAX_MOVED_UNITS    1000000
#define MAX_COUNTED_UNITS  1000000000
#define JSON_LIST      (64 * 1024)
#define JSON_RESULTS   (64 * 1024)
#define JSON_TEMPLATE  (256 * 1024)
#define JSON_VALUE     (512 * 1024)
/* Ranges of 64-bit numbers: ten years of hold time (the SLA clock then
 * stays within this century), a backup of up to an exbibyte, an attachment
 * of up to a tebibyte. */
#define MAX_HOLD_SECONDS ((gint64) 10 * 365 * 24 * 3600)
#define MAX_BACKUP_BYTES ((gint64) 1 << 60)
#define MAX_ATTACHMENT_BYTES ((gint64) 1 << 40)

static const char * const coverage_choices[] = { "5x9", "7x9", "7x24", NULL };
static const char * const role_choices[] = { "engineer", "clerk", "supervisor", "admin", NULL };
static const char * const priority_choices[] = { "high", "medium", "normal", "low", NULL };
static const char * const ci_status_choices[] = {
  "ordered", "received", "testing", "in_use", "changing", "removed", "retired", NULL };
static const char * const service_kind_choices[] = { "business", "technical", NULL };
static const char * const delivery_choices[] = { "on_site", "remote", "hotline", "on_site_remote", NULL };
static const char * const document_kind_choices[] = { "continuity_plan", "contacts", "contracts", NULL };
static const char * const wo_category_choices[] = { "general", "security", NULL };
static const char * const security_grade_choices[] = { "event", "incident", "major", NULL };
static const char * const wo_kind_choices[] = { "incident", "request", "maintenance", NULL };
static const char * const request_level_choices[] = { "urgent", "normal", NULL };
static const char * const support_line_choices[] = { "first", "second", NULL };
static const char * const sla_event_kind_choices[] = { "warning", "escalation", NULL };
static const char * const sla_target_choices[] = { "response", "resolve", NULL };
static const char * const escalation_level_choices[] = {
  "second_line", "incident_change", "management", NULL };
static const char * const wo_status_choices[] = {
  "new", "assigned", "in_progress", "on_hold", "resolved", "closed", "visited", "cancelled",
  "rejected", NULL };
static const char * const log_kind_choices[] = { "note", "status", "labour", "travel", NULL };
static const char * const location_kind_choices[] = { "warehouse", "van", "site", NULL };
static const char * const movement_kind_choices[] = {
  "receive", "issue", "transfer", "use", "return", "scrap", "adjust", NULL };
static const char * const review_status_choices[] = { "pending", "approved", "rejected", NULL };
static const char * const round_status_choices[] = {
  "planned", "in_progress", "done", "cancelled", NULL };
static const char * const outcome_choices[] = { "pass", "fail", NULL };
static const char * const backup_kind_choices[] = { "full", "incremental", "log", NULL };
static const char * const backup_result_choices[] = { "ok", "failed", "partial", "missing", NULL };
static const char * const decision_choices[] = { "approved", "rejected", NULL };
static const char * const relation_kind_choices[] = {
  "depends_on", "runs_on", "connected_to", "backed_up_by", "part_of", NULL };
static const char * const approval_target_choices[] = {
  "work_order", "stock_count", "scrap_request", "ci_change_proposal", "change_record", "cmdb_audit", NULL };
static const char * const audit_status_choices[] = {
  "planned", "in_progress", "pending", "approved", "rejected", "cancelled", NULL };
static const char * const audit_result_choices[] = {
  "as_recorded", "differs", "missing", "unrecorded", NULL };
static const char * const attachment_owner_choices[] = {
  "work_order", "inspection", "backup_check", "ci", "ci_change_proposal", "stock_count", "problem",
  "change_record", NULL };
static const char * const problem_category_choices[] = {
  "hardware", "software", "network", "peripheral", "other", NULL };
static const char * const problem_origin_choices[] = {
  "incident", "recurrence", "major_incident", "trend", NULL };
static const char * const problem_status_choices[] = {
  "registered", "assigned", "investigating", "known_error", "on_hold", "resolved", "cancelled",
  "closed", NULL };
static const char * const change_kind_choices[] = {
  "standard", "general", "major", "emergency", NULL };
static const char * const change_status_choices[] = {
  "requested", "approved", "rejected", "implementing", "implemented", "failed", "reviewed",
  "closed", NULL };

static const FlColumn calendar_columns[] = {
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "time_zone", FL_COL_TEXT, REQ, .max_length = NAME },
  { "holidays", FL_COL_TEXT, 0, .max_length = LONG },      /* comma-separated YYYY-MM-DD */
  { "working_days", FL_COL_TEXT, 0, .max_length = LONG },  /* adjusted weekend days that are worked */
};

static const FlColumn site_columns[] = {
  { "code", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "address", FL_COL_TEXT, 0, .max_length = LINE },
  { "time_zone", FL_COL_TEXT, REQ, .max_length = NAME },
  { "coverage", FL_COL_TEXT, REQ, coverage_choices },
  { "calendar_id", FL_COL_REF, 0, NULL, 0, 0, "calendar" },
  { "sla_warnings", FL_COL_TEXT, 0, .max_length = NAME },  /* percents of working time used that warn, "75,90" */
  { "problem_window_days", FL_COL_INT, 0, NULL, 1, 3650 },  /* recurring incidents counted over it; NULL: 30 */
};

static const FlColumn user_columns[] = {
  { "login", FL_COL_TEXT, REQ | IMM, .max_length = FL_TEXT_LOGIN },
  { "display_name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "role", FL_COL_TEXT, REQ, role_choices },
  { "sites", FL_COL_JSON, 0, .max_length = JSON_LIST },         /* array of site ids; empty = every site */
  { "disabled", FL_COL_BOOL, 0 },
};

static const FlColumn sla_policy_columns[] = {
  { "site_id", FL_COL_REF, 0, NULL, 0, 0, "site" },  /* NULL: the default for every site */
  { "catalogue", FL_COL_TEXT, 0, .max_length = NAME },  /* the service it covers; NULL: the site's default */
  { "priority", FL_COL_TEXT, REQ, priority_choices },
  { "response_minutes", FL_COL_INT, REQ, NULL, 1, 525600 },
  { "resolve_minutes", FL_COL_INT, REQ, NULL, 1, 525600 },
};

/* A service catalogue entry (004 3.1-3.2): a business service, or a
 * technical service behind one (`business`, the business service's code).
 * Its code is what sla_policy.catalogue and work_order.service name. */
static const FlColumn service_columns[] = {
  { "code", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "kind", FL_COL_TEXT, REQ, service_kind_choices },
  { "business", FL_COL_TEXT, 0, .max_length = NAME },  /* technical services: the business service's code */
  { "content", FL_COL_TEXT, 0, .max_length = LONG },
  { "delivery", FL_COL_TEXT, 0, delivery_choices },
  { "coverage", FL_COL_TEXT, 0, coverage_choices },
  { "response_minutes", FL_COL_INT, 0, NULL, 1, 525600 },  /* the indicators the catalogue promises */
  { "resolve_minutes", FL_COL_INT, 0, NULL, 1, 525600 },
  { "availability", FL_COL_INT, 0, NULL, 0, 10000 },       /* hundredths of a percent: 9990 = 99.90 % */
  { "cis", FL_COL_TEXT, 0, .max_length = LONG },           /* codes of the CIs it depends on, comma-separated */
  { "retired", FL_COL_BOOL, 0 },
};

/* A document every replica keeps (002 6.3, 001 8.7.2): the published file
 * is the blob `sha256`; publishing a new one changes the row. */
static const FlColumn document_columns[] = {
  { "kind", FL_COL_TEXT, REQ | IMM, document_kind_choices },
  { "title", FL_COL_TEXT, REQ, .max_length = NAME },
  { "sha256", FL_COL_TEXT, REQ, .max_length = NAME },
  { "mime", FL_COL_TEXT, REQ, .max_length = NAME },
  { "size", FL_COL_INT64, REQ, NULL, 0, MAX_ATTACHMENT_BYTES },
  { "filename", FL_COL_TEXT, 0, .max_length = LINE },
  { "published_by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "published_at", FL_COL_TIME, REQ },
};

static const FlColumn ci_columns[] = {
  { "code", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "type", FL_COL_TEXT, REQ, .max_length = NAME },
  { "model", FL_COL_TEXT, 0, .max_length = NAME },
  { "serial", FL_COL_TEXT, 0, .max_length = NAME },
  { "contract_no", FL_COL_TEXT, 0, .max_length = NAME },
  { "site_id", FL_COL_REF, REQ, NULL, 0, 0, "site" },
  { "location", FL_COL_TEXT, 0, .max_length = LINE },
  { "system", FL_COL_TEXT, 0, .max_length = NAME },
  { "status", FL_COL_TEXT, REQ, ci_status_choices },
  { "owner", FL_COL_TEXT, 0, .max_length = NAME },
  { "warranty_until", FL_COL_DATE, 0 },
  { "revision", FL_COL_TEXT, 0, .max_length = NAME },  /* the item's version (001 8.2.6.1; `version` is the row's) */
  { "description", FL_COL_TEXT, 0, .max_length = LONG },
};

static const FlColumn ci_relation_columns[] = {
  { "ci_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "ci" },
  { "other_ci_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "ci" },
  { "kind", FL_COL_TEXT, REQ, relation_kind_choices },
  { "active", FL_COL_BOOL, 0 },  /* relations are ended, never deleted */
};

static const FlColumn work_order_columns[] = {
  { "ref", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "kind", FL_COL_TEXT, REQ | IMM, wo_kind_choices },
  { "title", FL_COL_TEXT, REQ, .max_length = LINE },
  { "description", FL_COL_TEXT, 0, .max_length = LONG },
  { "site_id", FL_COL_REF, REQ, NULL, 0, 0, "site" },
  { "ci_id", FL_COL_REF, 0, NULL, 0, 0, "ci" },
  { "reporter", FL_COL_TEXT, 0, .max_length = NAME },
  { "contact", FL_COL_TEXT, 0, .max_length = LINE },
  { "impact", FL_COL_INT, REQ, NULL, 1, 4 },
  { "urgency", FL_COL_INT, REQ, NULL, 1, 4 },
  { "priority", FL_COL_TEXT, DER, priority_choices },
  { "status", FL_COL_TEXT, REQ, wo_status_choices },
  { "assignee", FL_COL_TEXT, 0, .max_length = NAME },
  { "response_due", FL_COL_TIME, DER },
  { "resolve_due", FL_COL_TIME, DER },
  { "responded_at", FL_COL_TIME, 0 },
  { "resolved_at", FL_COL_TIME, 0 },
  { "closed_at", FL_COL_TIME, 0 },
  { "on_hold_since", FL_COL_TIME, 0 },
  { "on_hold_seconds", FL_COL_INT64, 0, NULL, 0, MAX_HOLD_SECONDS },
  { "resolution", FL_COL_TEXT, 0, .max_length = LONG },
  { "cause", FL_COL_TEXT, 0, .max_length = LONG },
  { "customer_name", FL_COL_TEXT, 0, .max_length = NAME },
  { "customer_accepted_at", FL_COL_TIME, 0 },
  { "signature_blob", FL_COL_TEXT, 0, .max_length = NAME },  /* sha256 of the PNG */
  { "satisfaction", FL_COL_INT, 0, NULL, 1, 5 },
  { "first_time_fix", FL_COL_BOOL, 0 },
  { "service", FL_COL_TEXT, 0, .max_length = NAME },  /* the catalogue entry or contract (sla_policy.catalogue) */
  { "request_level", FL_COL_TEXT, DER, request_level_choices },  /* service requests only */
  { "support_line", FL_COL_TEXT, 0, support_line_choices },      /* NULL: first */
  { "reject_reason", FL_COL_TEXT, 0, .max_length = LONG },  /* why it is out of scope */
  { "visited_at", FL_COL_TIME, 0 },  /* the follow-up call after closing */
  { "category", FL_COL_TEXT, 0, wo_category_choices },  /* NULL: general */
  { "outage_minutes", FL_COL_INT, 0, NULL, 0, 525600 },  /* security events: how long service stopped */
  { "loss_cny", FL_COL_INT64, 0, NULL, 0, G_MAXINT64 },  /* ... and the loss, in yuan */
  { "security_grade", FL_COL_TEXT, DER, security_grade_choices },  /* from the two (002 4.1) */
};

/* A warning or an escalation of a work order's SLA, recorded when it
 * happens; `at` is the instant the threshold was crossed. */
static const FlColumn sla_event_columns[] = {
  { "work_order_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "work_order" },
  { "kind", FL_COL_TEXT, REQ | IMM, sla_event_kind_choices },
  { "target", FL_COL_TEXT, REQ | IMM, sla_target_choices },
  { "percent", FL_COL_INT, REQ | IMM, NULL, 1, 100 },  /* of the working time to the due time used */
  { "level", FL_COL_TEXT, IMM, escalation_level_choices },  /* escalations: where it went */
  { "due", FL_COL_TIME, REQ | IMM },
  { "at", FL_COL_TIME, REQ | IMM },
};

static const FlColumn work_log_columns[] = {
  { "work_order_id", FL_COL_REF, REQ, NULL, 0, 0, "work_order" },
  { "author", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "kind", FL_COL_TEXT, REQ, log_kind_choices },
  { "minutes", FL_COL_INT, 0, NULL, 0, MAX_LOG_MINUTES },
  { "text", FL_COL_TEXT, 0, .max_length = LONG },
  /* A correction: the entry (the first of its line) whose kind, minutes and
   * text this one replaces, the latest correction counting; the entry and
   * earlier corrections stay as its history. */
  { "revises", FL_COL_REF, 0, NULL, 0, 0, "work_log" },
  { "voided", FL_COL_BOOL, 0 },  /* a correction that withdraws the entry */
  /* What the system wrote, language-free: rendered in the reader's
   * language (fl-work-log-note.h); `text` then holds only a person's words. */
  { "note", FL_COL_TEXT, 0, fl_work_log_note_kinds },
  { "note_args", FL_COL_JSON, 0, .max_length = JSON_LIST },
};

static const FlColumn part_columns[] = {
  { "sku", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "model", FL_COL_TEXT, 0, .max_length = NAME },
  { "unit", FL_COL_TEXT, REQ, .max_length = NAME },
  { "min_stock", FL_COL_INT, 0, NULL, 0, 1000000000 },
  { "serial_tracked", FL_COL_BOOL, 0 },
};

static const FlColumn stock_location_columns[] = {
  { "code", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "kind", FL_COL_TEXT, REQ, location_kind_choices },
  { "site_id", FL_COL_REF, 0, NULL, 0, 0, "site" },
  { "owner", FL_COL_TEXT, 0, .max_length = NAME },  /* login of the engineer for a van */
};

static const FlColumn stock_movement_columns[] = {
  { "kind", FL_COL_TEXT, REQ, movement_kind_choices },
  { "part_id", FL_COL_REF, REQ, NULL, 0, 0, "part" },
  { "qty", FL_COL_INT, REQ, NULL, 1, MAX_MOVED_UNITS },
  { "from_location", FL_COL_REF, 0, NULL, 0, 0, "stock_location" },
  { "to_location", FL_COL_REF, 0, NULL, 0, 0, "stock_location" },
  { "serial", FL_COL_TEXT, 0, .max_length = NAME },
  { "work_order_id", FL_COL_REF, 0, NULL, 0, 0, "work_order" },
  { "supplier_ref", FL_COL_TEXT, 0, .max_length = NAME },
  { "reason", FL_COL_TEXT, 0, .max_length = LINE },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
};

static const FlColumn stock_count_columns[] = {
  { "location_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "stock_location" },
  { "part_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "part" },
  { "counted", FL_COL_INT, REQ, NULL, 0, MAX_COUNTED_UNITS },
  { "expected_at_count", FL_COL_INT, REQ, NULL, -1000000000, 1000000000 },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "status", FL_COL_TEXT, REQ, review_status_choices },
};

static const FlColumn scrap_request_columns[] = {
  { "location_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "stock_location" },
  { "part_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "part" },
  { "qty", FL_COL_INT, REQ, NULL, 1, MAX_MOVED_UNITS },
  { "serial", FL_COL_TEXT, 0, .max_length = NAME },
  { "reason", FL_COL_TEXT, REQ, .max_length = LINE },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "status", FL_COL_TEXT, REQ, review_status_choices },
};

static const FlColumn inspection_template_columns[] = {
  { "ci_type", FL_COL_TEXT, REQ, .max_length = NAME },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "items", FL_COL_JSON, REQ, .max_length = JSON_TEMPLATE },  /* [{key, label, kind, min, max, unit, choices, required, severity}] */
};

static const FlColumn inspection_round_columns[] = {
  { "ref", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "site_id", FL_COL_REF, REQ, NULL, 0, 0, "site" },
  { "template_id", FL_COL_REF, REQ, NULL, 0, 0, "inspection_template" },
  { "planned_for", FL_COL_DATE, REQ },
  { "assignee", FL_COL_TEXT, 0, .max_length = NAME },
  { "status", FL_COL_TEXT, REQ, round_status_choices },
};

static const FlColumn inspection_columns[] = {
  { "round_id", FL_COL_REF, REQ, NULL, 0, 0, "inspection_round" },
  { "ci_id", FL_COL_REF, REQ, NULL, 0, 0, "ci" },
  { "results", FL_COL_JSON, REQ, .max_length = JSON_RESULTS },  /* {item key: value} */
  { "outcome", FL_COL_TEXT, REQ, outcome_choices },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "incident_id", FL_COL_REF, 0, NULL, 0, 0, "work_order" },
};

static const FlColumn backup_job_columns[] = {
  { "ci_id", FL_COL_REF, REQ, NULL, 0, 0, "ci" },
  { "name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "kind", FL_COL_TEXT, REQ, backup_kind_choices },
  { "schedule", FL_COL_TEXT, REQ, .max_length = NAME },       /* daily | weekly | monthly */
  { "due_by", FL_COL_TEXT, 0, .max_length = NAME },           /* local time of day the backup must exist by, HH:MM */
  { "target", FL_COL_TEXT, 0, .max_length = LINE },
  { "retention_days", FL_COL_INT, 0, NULL, 0, 36500 },
};

static const FlColumn backup_check_columns[] = {
  { "job_id", FL_COL_REF, REQ, NULL, 0, 0, "backup_job" },
  { "checked_at", FL_COL_TIME, REQ },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "result", FL_COL_TEXT, REQ, backup_result_choices },
  { "backup_taken_at", FL_COL_TIME, 0 },
  { "size_bytes", FL_COL_INT64, 0, NULL, 0, MAX_BACKUP_BYTES },
  { "restore_test", FL_COL_BOOL, 0 },
  { "restore_ok", FL_COL_BOOL, 0 },
  { "restore_minutes", FL_COL_INT, 0, NULL, 0, 100000 },
  { "notes", FL_COL_TEXT, 0, .max_length = LONG },
};

static const FlColumn ci_change_proposal_columns[] = {
  { "ci_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "ci" },
  { "changes", FL_COL_JSON, REQ | IMM, .max_length = JSON_RESULTS },  /* {field: {from, to}} */
  { "reason", FL_COL_TEXT, REQ, .max_length = LONG },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "status", FL_COL_TEXT, REQ, review_status_choices },
};

/* A CMDB audit round of one site (fl-cmdb-audit.h); its site is fixed,
 * since its marks are scoped through it. */
static const FlColumn cmdb_audit_columns[] = {
  { "ref", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "site_id", FL_COL_REF, REQ | IMM, NULL, 0, 0, "site" },
  { "due_on", FL_COL_DATE, REQ },
  { "assignee", FL_COL_TEXT, 0, .max_length = NAME },
  { "status", FL_COL_TEXT, REQ, audit_status_choices },
  { "submitted_at", FL_COL_TIME, 0 },
};

static const FlColumn cmdb_audit_item_columns[] = {
  { "audit_id", FL_COL_REF, REQ, NULL, 0, 0, "cmdb_audit" },
  { "ci_id", FL_COL_REF, 0, NULL, 0, 0, "ci" },  /* NULL: found, not recorded */
  { "result", FL_COL_TEXT, REQ, audit_result_choices },
  { "differences", FL_COL_JSON, 0, .max_length = JSON_RESULTS },  /* {field: {recorded, found}} */
  { "note", FL_COL_TEXT, 0, .max_length = LONG },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
};

static const FlColumn approval_columns[] = {
  { "target_table", FL_COL_TEXT, REQ, approval_target_choices },
  { "target_id", FL_COL_TEXT, REQ, .max_length = NAME },
  { "target_version", FL_COL_INT64, REQ, NULL, 1, G_MAXINT64 },
  { "site_id", FL_COL_REF, 0, NULL, 0, 0, "site" },  /* the target's site, for scope */
  { "decision", FL_COL_TEXT, REQ, decision_choices },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "comment", FL_COL_TEXT, 0, .max_length = LONG },
};

static const FlColumn attachment_columns[] = {
  { "owner_table", FL_COL_TEXT, REQ, attachment_owner_choices },
  { "owner_id", FL_COL_TEXT, REQ, .max_length = NAME },
  { "site_id", FL_COL_REF, 0, NULL, 0, 0, "site" },  /* the owner's site, for scope */
  { "sha256", FL_COL_TEXT, REQ, .max_length = NAME },
  { "mime", FL_COL_TEXT, REQ, .max_length = NAME },
  { "size", FL_COL_INT64, REQ, NULL, 0, MAX_ATTACHMENT_BYTES },
  { "filename", FL_COL_TEXT, 0, .max_length = LINE },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
};

static const FlColumn conflict_columns[] = {
  { "table_name", FL_COL_TEXT, REQ, .max_length = NAME },
  { "row_id", FL_COL_TEXT, REQ, .max_length = NAME },
  { "site_id", FL_COL_REF, 0, NULL, 0, 0, "site" },
  { "field", FL_COL_TEXT, REQ, .max_length = NAME },
  { "base", FL_COL_JSON, FL_COL_ANY_VALUE, .max_length = JSON_VALUE },    /* what the device last saw ... */
  { "mine", FL_COL_JSON, FL_COL_ANY_VALUE, .max_length = JSON_VALUE },    /* ... what it wanted ... */
  { "theirs", FL_COL_JSON, FL_COL_ANY_VALUE, .max_length = JSON_VALUE },  /* ... and what the server kept */
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "device", FL_COL_TEXT, 0, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
  { "resolved_by", FL_COL_TEXT, 0, .max_length = NAME },
  { "resolution", FL_COL_TEXT, 0, .max_length = LONG },
  /* Who made `theirs` and when the server accepted it, as the push answer
   * names them (NULL when the record's history cannot tell); `by` and `at`
   * are mine's.  Last, where an upgrade adds them. */
  { "theirs_by", FL_COL_TEXT, 0, .max_length = NAME },
  { "theirs_at", FL_COL_TIME, 0 },
};

/* A problem (001 问题管理程序): the unknown cause behind incidents, until
 * its root cause and a workaround make it a known error and a solution
 * closes it. */
static const FlColumn problem_columns[] = {
  { "ref", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "title", FL_COL_TEXT, REQ, .max_length = LINE },
  { "description", FL_COL_TEXT, 0, .max_length = LONG },
  { "site_id", FL_COL_REF, REQ, NULL, 0, 0, "site" },
  { "ci_id", FL_COL_REF, 0, NULL, 0, 0, "ci" },
  { "work_order_id", FL_COL_REF, 0, NULL, 0, 0, "work_order" },  /* the incident it was opened from */
  { "origin", FL_COL_TEXT, REQ | IMM, problem_origin_choices },
  { "category", FL_COL_TEXT, 0, problem_category_choices },
  { "priority", FL_COL_INT, REQ, NULL, 1, 3 },  /* 问题分级: level 1 is the most serious */
  { "status", FL_COL_TEXT, REQ, problem_status_choices },
  { "assignee", FL_COL_TEXT, 0, .max_length = NAME },
  { "root_cause", FL_COL_TEXT, 0, .max_length = LONG },
  { "workaround", FL_COL_TEXT, 0, .max_length = LONG },
  { "solution", FL_COL_TEXT, 0, .max_length = LONG },
  { "known_error", FL_COL_BOOL, 0 },  /* in the known-error list engineers search on site */
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
};

/* An incident or a CI linked to a problem; links are never removed. */
static const FlColumn problem_link_columns[] = {
  { "problem_id", FL_COL_REF, REQ, NULL, 0, 0, "problem" },
  { "work_order_id", FL_COL_REF, 0, NULL, 0, 0, "work_order" },
  { "ci_id", FL_COL_REF, 0, NULL, 0, 0, "ci" },
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
};

/* A change (001 变更管理程序).  `changes` are the CI's fields it sets when
 * implemented ({field: {from, to}}); `approvers` the logins of the change
 * advisory board (or the emergency one) who must all approve a major or an
 * emergency change; `approved_by` those who have, and `approval_base` the
 * version they approved, both kept by the server.  `rollback_plan` and
 * `test_report` are summaries; the documents themselves are attached files
 * (`*_attachment`, see fl_change_attach). */
static const FlColumn change_record_columns[] = {
  { "ref", FL_COL_TEXT, REQ | IMM, .max_length = NAME },
  { "kind", FL_COL_TEXT, REQ, change_kind_choices },
  { "title", FL_COL_TEXT, REQ, .max_length = LINE },
  { "reason", FL_COL_TEXT, REQ, .max_length = LONG },
  { "plan", FL_COL_TEXT, 0, .max_length = LONG },
  { "site_id", FL_COL_REF, REQ, NULL, 0, 0, "site" },
  { "ci_id", FL_COL_REF, 0, NULL, 0, 0, "ci" },
  { "changes", FL_COL_JSON, 0, .max_length = JSON_RESULTS },
  { "problem_id", FL_COL_REF, 0, NULL, 0, 0, "problem" },
  { "work_order_id", FL_COL_REF, 0, NULL, 0, 0, "work_order" },
  { "rollback_plan", FL_COL_TEXT, 0, .max_length = LONG },
  { "test_report", FL_COL_TEXT, 0, .max_length = LONG },
  /* The documents a major change is approved on: its attached rollback
   * plan and test report (attachments of this change). */
  { "rollback_plan_attachment", FL_COL_REF, 0, NULL, 0, 0, "attachment" },
  { "test_report_attachment", FL_COL_REF, 0, NULL, 0, 0, "attachment" },
  { "approvers", FL_COL_JSON, 0, .max_length = JSON_LIST },
  { "approved_by", FL_COL_JSON, DER, .max_length = JSON_LIST },
  { "approval_base", FL_COL_INT64, DER, NULL, 1, G_MAXINT64 },
  { "status", FL_COL_TEXT, REQ, change_status_choices },
  { "assignee", FL_COL_TEXT, 0, .max_length = NAME },
  { "review", FL_COL_TEXT, 0, .max_length = LONG },  /* the post-implementation review */
  { "by", FL_COL_TEXT, REQ, .max_length = NAME },
  { "at", FL_COL_TIME, REQ },
};

#define TABLE(n, k, ...) { #n, k, COLS (n##_columns), __VA_ARGS__ }

static const FlTable tables[] = {
  TABLE (calendar, FL_TABLE_MUTABLE, { { NULL } }),
  TABLE (site, FL_TABLE_MUTABLE, { { "id", NULL } }),
  TABLE (user, FL_TABLE_SERVER_OWNED, { { NULL } }),
  TABLE (sla_policy, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (service, FL_TABLE_MUTABLE, { { NULL } }),
  TABLE (document, FL_TABLE_MUTABLE, { { NULL } }),
  TABLE (ci, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (ci_relation, FL_TABLE_MUTABLE, { { "ci_id", "ci" } }),
  TABLE (work_order, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (work_log, FL_TABLE_APPEND_ONLY, { { "work_order_id", "work_order" } }),
  TABLE (sla_event, FL_TABLE_SERVER_OWNED, { { "work_order_id", "work_order" } }),
  TABLE (part, FL_TABLE_MUTABLE, { { NULL } }),
  TABLE (stock_location, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (stock_movement, FL_TABLE_APPEND_ONLY,
         { { "from_location", "stock_location" }, { "to_location", "stock_location" } }),
  TABLE (stock_count, FL_TABLE_MUTABLE, { { "location_id", "stock_location" } }),
  TABLE (scrap_request, FL_TABLE_MUTABLE, { { "location_id", "stock_location" } }),
  TABLE (inspection_template, FL_TABLE_MUTABLE, { { NULL } }),
  TABLE (inspection_round, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (inspection, FL_TABLE_APPEND_ONLY, { { "round_id", "inspection_round" } }),
  TABLE (backup_job, FL_TABLE_MUTABLE, { { "ci_id", "ci" } }),
  TABLE (backup_check, FL_TABLE_APPEND_ONLY, { { "job_id", "backup_job" } }),
  TABLE (ci_change_proposal, FL_TABLE_MUTABLE, { { "ci_id", "ci" } }),
  TABLE (cmdb_audit, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (cmdb_audit_item, FL_TABLE_APPEND_ONLY, { { "audit_id", "cmdb_audit" } }),
  TABLE (approval, FL_TABLE_APPEND_ONLY, { { "site_id", NULL } }),
  TABLE (attachment, FL_TABLE_APPEND_ONLY, { { "site_id", NULL } }),
  TABLE (conflict, FL_TABLE_SERVER_OWNED, { { "site_id", NULL } }),
  TABLE (problem, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
  TABLE (problem_link, FL_TABLE_APPEND_ONLY, { { "problem_id", "problem" } }),
  TABLE (change_record, FL_TABLE_MUTABLE, { { "site_id", NULL } }),
};

static const FlTable *table_pointers[G_N_ELEMENTS (tables)];

const FlTable * const *
fl_schema_tables (guint *n_tables)
{
  if (table_pointers[0] == NULL)
    for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
      table_pointers[i] = &tables[i];
  if (n_tables != NULL)
    *n_tables = G_N_ELEMENTS (tables);
  return table_pointers;
}

/* Names to tables and, a table each, names to columns: a row's fields
 * are looked up by name over and over (validation, merge, the update
 * rules, binding), and a walk of a work order's columns with strcmp cost
 * more than the rest of each look-up.  Built once, then only read. */
static GHashTable *table_index;
static GHashTable *column_index[G_N_ELEMENTS (tables)];

static void
ensure_indexes (void)
{
  static gsize built = 0;
  if (!g_once_init_enter (&built))
    return;
  table_index = g_hash_table_new (g_str_hash, g_str_equal);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_hash_table_insert (table_index, (gpointer) tables[i].name, (gpointer) &tables[i]);
      column_index[i] = g_hash_table_new (g_str_hash, g_str_equal);
      for (guint c = 0; c < tables[i].n_columns; c++)
        g_hash_table_insert (column_index[i], (gpointer) tables[i].columns[c].name,
                             (gpointer) &tables[i].columns[c]);
    }
  g_once_init_leave (&built, 1);
}

const FlTable *
fl_schema_lookup (const char *table_name)
{
  if (table_name == NULL)
    return NULL;
  ensure_indexes ();
  return g_hash_table_lookup (table_index, table_name);
}

const FlColumn *
fl_table_column (const FlTable *table, const char *column_name)
{
  g_return_val_if_fail (table != NULL, NULL);
  if (column_name == NULL)
    return NULL;
  ensure_indexes ();
  if (table >= tables && table < tables + G_N_ELEMENTS (tables))
    return g_hash_table_lookup (column_index[table - tables], column_name);
  for (guint i = 0; i < table->n_columns; i++)  /* a table made elsewhere (a test's) */
    if (strcmp (table->columns[i].name, column_name) == 0)
      return &table->columns[i];
  return NULL;
}

gboolean
fl_column_has_choice (const FlColumn *column, const char *value)
{
  if (column->choices == NULL)
    return TRUE;
  for (guint i = 0; column->choices[i] != NULL; i++)
    if (g_strcmp0 (column->choices[i], value) == 0)
      return TRUE;
  return FALSE;
}

gboolean
fl_schema_is_common_column (const char *column_name)
{
  static const char * const common[] = { FL_COMMON_COLUMNS };
  for (guint i = 0; i < G_N_ELEMENTS (common); i++)
    if (g_strcmp0 (common[i], column_name) == 0)
      return TRUE;
  return FALSE;
}

static const char *
sql_type (FlColumnType type)
{
  switch (type)
    {
    case FL_COL_INT:
    case FL_COL_INT64:
    case FL_COL_BOOL:
      return "INTEGER";
    case FL_COL_TEXT:
    case FL_COL_TIME:
    case FL_COL_DATE:
    case FL_COL_REF:
    case FL_COL_JSON:
    default:
      return "TEXT";
    }
}

static void
append_column_index (GString *sql, const FlTable *t, const FlColumn *column)
{
  if (column->type == FL_COL_REF)
    g_string_append_printf (sql, "CREATE INDEX \"%s_%s\" ON \"%s\" (\"%s\");\n",
                            t->name, column->name, t->name, column->name);
}

/* Foreign keys are deliberately not declared: a replica receives rows in
 * server commit order filtered by scope, so a work order may legitimately
 * arrive before (or without) the CI it names.  References are checked by
 * validation where it matters. */
char *
fl_schema_table_sql (const FlTable *t)
{
  GString *sql = g_string_new (NULL);
  g_string_append_printf (sql,
                          "CREATE TABLE \"%s\" (\n"
                          "  id TEXT PRIMARY KEY NOT NULL,\n"
                          "  version INTEGER NOT NULL DEFAULT 1,\n"
                          "  created_at TEXT NOT NULL,\n"
                          "  updated_at TEXT NOT NULL",
                          t->name);
  for (guint c = 0; c < t->n_columns; c++)
    g_string_append_printf (sql, ",\n  \"%s\" %s", t->columns[c].name, sql_type (t->columns[c].type));
  g_string_append (sql, "\n) STRICT;\n");
  for (guint c = 0; c < t->n_columns; c++)
    append_column_index (sql, t, &t->columns[c]);
  return g_string_free (sql, FALSE);
}

char *
fl_schema_column_sql (const FlTable *t, const FlColumn *column, const char *sql_table)
{
  GString *sql = g_string_new (NULL);
  g_string_append_printf (sql, "ALTER TABLE \"%s\" ADD COLUMN \"%s\" %s;\n",
                          sql_table != NULL ? sql_table : t->name, column->name, sql_type (column->type));
  if (sql_table == NULL)
    append_column_index (sql, t, column);
  return g_string_free (sql, FALSE);
}

char *
fl_schema_create_sql (void)
{
  GString *sql = g_string_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *table_sql = fl_schema_table_sql (&tables[i]);
      g_string_append (sql, table_sql);
    }
  return g_string_free (sql, FALSE);
}

char *
fl_schema_digest (const char *store_part)
{
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < G_N_ELEMENTS (tables); i++)
    {
      g_autofree char *kind = g_strdup_printf ("-- %s kind %d\n", tables[i].name, tables[i].kind);
      g_autofree char *table_sql = fl_schema_table_sql (&tables[i]);
      g_checksum_update (checksum, (const guchar *) kind, -1);
      g_checksum_update (checksum, (const guchar *) table_sql, -1);
    }
  if (store_part != NULL)
    g_checksum_update (checksum, (const guchar *) store_part, -1);
  return g_strdup (g_checksum_get_string (checksum));
}
