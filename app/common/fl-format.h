/* fl-format.h — how the client shows values to people: local times, labels
 * of stored enumerations, SLA badges and byte sizes.  One place, so every
 * page says the same thing the same way. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-session.h"

G_BEGIN_DECLS

/* "2026-11-22 17:30" in the local time zone from stored RFC 3339; "" for NULL. */
char       *fl_format_time (const char *rfc3339);
char       *fl_format_time_usec (gint64 usec);
/* "3.2 GB" */
char       *fl_format_size (gint64 bytes);

/* Labels of a CI's status ("In use") and a backup's kind ("incremental",
 * as it reads inside a sentence); an unknown value as given. */
const char *fl_format_ci_status (const char *status);
const char *fl_format_backup_kind (const char *kind);
/* "7×24: around the clock" for a coverage ("7x24"). */
const char *fl_format_coverage (const char *coverage);
/* What a CI's column is called ("serial": "Serial number"). */
const char *fl_format_ci_field (const char *column);

/* A field's value as people read it: an enumeration by its label ("In
 * progress"), impact and urgency by their meaning, a user by their display
 * name, a referenced row by its name or code, yes or no, times in local
 * time, "(empty)" for none; other values as they are. */
/* The display name of `login` as the replica knows it; the login itself
 * until its user row is here.  NULL for NULL. */
char       *fl_format_login (FlSession *session, const char *login);
char       *fl_format_value (FlSession *session, const char *table, const char *field, JsonNode *value);
/* What a field is called ("Title", "Assignee"); an unknown one as stored. */
const char *fl_format_field_name (const char *table, const char *field);

/* "1 — Company business" ... "4 — One person"; "1 — Urgent" ... "4 — Low". */
const char *fl_format_impact (int impact);
const char *fl_format_urgency (int urgency);

/* The SLA badge of a work order row (needs status, site_id, response_due,
 * resolve_due, responded_at, on_hold_since): "Respond: 3 h left",
 * "Resolve: overdue by 2 h", "Resolve: 1 h left, paused on hold", with
 * what was recorded first when the row has an sla_state ("Escalated:
 * Management · Resolve: overdue by 2 h"), or NULL when the order is done.  `style` receives a CSS class of style.css. */
char       *fl_format_work_order_sla (FlSession *session, JsonObject *work_order,
                                      gint64 now, const char **style);

G_END_DECLS
