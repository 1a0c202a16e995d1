/* fl-inspection.h — walking an inspection round.
 *
 * A template lists checklist items ({key, label, kind bool|number|text|choice,
 * min, max, unit, choices, required, severity}).  Recording an inspection of
 * one CI evaluates the answers against the items; a failed inspection opens
 * an incident linked to the CI and to the inspection, in the same
 * transaction, so a fault found on a round can never be forgotten. */
#pragma once

#include "fl-record-store.h"

G_BEGIN_DECLS

#define FL_INSPECTION_ERROR (fl_inspection_error_quark ())
typedef enum {
  FL_INSPECTION_ERROR_ANSWER,  /* an answer of the wrong kind or a required one missing */
} FlInspectionError;
GQuark fl_inspection_error_quark (void);

typedef struct {
  char    *key;
  char    *label;
  char    *reason;    /* "23.5 °C is above the maximum of 22" */
  char    *severity;  /* "critical" | "major" | "minor" */
} FlInspectionFinding;

void fl_inspection_finding_free (FlInspectionFinding *finding);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlInspectionFinding, fl_inspection_finding_free)

/* Checks `results` ({key: value}) against the template `items`.  Returns
 * FALSE with an error naming the item when an answer has the wrong kind or
 * a required one is missing; otherwise TRUE, with the failed items (out of
 * range numbers, a `false` switch, a choice listed as failing) in `findings`. */
gboolean fl_inspection_evaluate (JsonArray *items, JsonObject *results,
                                 GPtrArray **findings, GError **error);

/* A member of a template item: the text of `name` (NULL unless a string),
 * or its number (FALSE unless an integer or a double). */
const char *fl_inspection_item_string (JsonObject *item, const char *name);
gboolean    fl_inspection_item_number (JsonObject *item, const char *name, double *out);

/* Is this number out of the item's limits?  (For highlighting while typing.) */
gboolean fl_inspection_item_out_of_range (JsonObject *item, double value);

/* Records the inspection of `ci_id` on `round_id`; on failure also creates
 * the incident (returned in `out_incident_id`).  Idempotent: the same
 * answers as the CI's last inspection on the round return that inspection
 * and write nothing; failing answers while the incident of its last
 * inspection is still open are linked to that incident, not a new one.  Moves the round to
 * in_progress, and to done when every CI of the template's type at the
 * round's site has been inspected. */
gboolean fl_inspection_record (FlDb *db, const char *round_id, const char *ci_id,
                               JsonObject *results, const char *actor,
                               char **out_inspection_id, char **out_incident_id,
                               GError **error);

/* The rounds for `login` (assigned to them or to no one) that are open,
 * and those done in the last week, open first by date: id, ref,
 * planned_for, status, template_name, site_name. */
GPtrArray *fl_inspection_list_rounds (FlDb *db, const char *login, GError **error);
/* The CIs a round covers (the template's CI type at the round's site, in
 * service), by code, with the last inspection's outcome on the round and
 * the ref of the incident it opened: id, code, name, location, outcome,
 * incident_ref. */
GPtrArray *fl_inspection_list_round_cis (FlDb *db, const char *round_id, GError **error);

/* CIs inspected so far on the round and CIs it covers. */
gboolean fl_inspection_round_progress (FlDb *db, const char *round_id,
                                       guint *done, guint *total, GError **error);

G_END_DECLS
