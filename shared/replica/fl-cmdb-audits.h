/* fl-cmdb-audits.h — CMDB audit rounds on a replica: a supervisor plans
 * one for a site, the engineer walks it offline marking each CI (and the
 * items found but not recorded), submits it, and a supervisor's approval
 * decides it (fl-approvals.h).  The rules are the model's
 * (fl-cmdb-audit.h); these are the operations and what the screens list.
 *
 * The round lists the site's CIs that should be there: every state but
 * ordered (not delivered yet) and retired, and any CI already marked. */
#pragma once

#include "fl-cmdb-audit.h"
#include "fl-db.h"
#include "fl-record.h"

G_BEGIN_DECLS

/* An SQL condition true when the mark `i` (a cmdb_audit_item) is the last
 * on its round for its CI, or, found but not recorded, for its found code:
 * the marks that count. */
#define FL_CMDB_AUDIT_LAST_MARK \
  "i.id = (SELECT j.id FROM cmdb_audit_item j WHERE j.audit_id = i.audit_id AND j.ci_id IS i.ci_id" \
  "          AND (i.ci_id IS NOT NULL" \
  "               OR json_extract (j.differences, '$.code.found') = json_extract (i.differences, '$.code.found'))" \
  "        ORDER BY j.at DESC, j.id DESC LIMIT 1)"

/* The marks that count on a round by FlAuditResult, and how many of the
 * round's recorded CIs have none yet. */
typedef struct {
  guint results[FL_N_AUDIT_RESULTS];
  guint unmarked;
} FlCmdbAuditCounts;

/* When the site's next audit is due (YYYY-MM-DD): six months after the
 * last one submitted, or today (the site's time zone) when it has had none. */
char      *fl_cmdb_audit_due_for_site (FlDb *db, const char *site_id, GError **error);

/* Plans an audit round of `site_id` due on `due_on` (NULL: when it is due),
 * walked by `assignee` (NULL: any engineer of the site).  Refused while the
 * site has a round still open or waiting for approval. */
gboolean   fl_cmdb_audit_plan (FlDb        *db,
                               const char  *site_id,
                               const char  *due_on,
                               const char  *assignee,
                               FlRole       role,
                               const char  *actor,
                               char       **out_id,
                               GError     **error);

/* The rounds `login` may walk or decide (assigned to them or to nobody)
 * that are open or waiting, and those decided in the last 30 days, open
 * first by due date: id, ref, site_id, site_name, due_on, status, assignee. */
GPtrArray *fl_cmdb_audit_list (FlDb *db, const char *login, GError **error);

/* Every round of `site_id` (NULL: of every site), whoever walks it and
 * however long ago it was decided: the open and waiting ones first by due
 * date, then the others, latest due first: id, ref, site_code, site_name,
 * due_on, status, assignee. */
GPtrArray *fl_cmdb_audit_list_all (FlDb *db, const char *site_id, GError **error);

/* The round's CIs by code with their last mark: id, code, name, type,
 * model, serial, revision, location, system, status, owner, result,
 * differences (JSON text), note. */
GPtrArray *fl_cmdb_audit_list_cis (FlDb *db, const char *audit_id, GError **error);

/* The items found but not recorded, by code: id, code, name, type,
 * location, serial, note. */
GPtrArray *fl_cmdb_audit_list_unrecorded (FlDb *db, const char *audit_id, GError **error);

gboolean   fl_cmdb_audit_count (FlDb *db, const char *audit_id, FlCmdbAuditCounts *out, GError **error);

/* Marks `ci_id` on the round as `result`.  For FL_AUDIT_DIFFERS `found`
 * holds what was found ({field: value}); only the fields whose value is not
 * the recorded one are kept, each with the recorded value beside it, and
 * a mark where nothing differs is refused.  The same mark again writes
 * nothing.  A planned or sent-back round becomes in progress. */
gboolean   fl_cmdb_audit_mark (FlDb          *db,
                               const char    *audit_id,
                               const char    *ci_id,
                               FlAuditResult  result,
                               JsonObject    *found,
                               const char    *note,
                               FlRole         role,
                               const char    *actor,
                               char         **out_id,
                               GError       **error);

/* Records an item found on site that the CMDB does not have: `found` holds
 * its code, name and type at least (and any audited field).  Refused when
 * a CI of that code is recorded (mark that one instead). */
gboolean   fl_cmdb_audit_add_unrecorded (FlDb        *db,
                                         const char  *audit_id,
                                         JsonObject  *found,
                                         const char  *note,
                                         FlRole       role,
                                         const char  *actor,
                                         char       **out_id,
                                         GError     **error);

/* For each CI of the approved round found with differences, proposes a
 * standard change (fl-change.h) that brings its record to what was found,
 * by `by`: the records change only through the change's approval. */
gboolean   fl_cmdb_audit_propose_changes (FlDb *db, const char *audit_id, const char *by, GError **error);

/* Submits the walked round for approval; refused while a CI is unmarked. */
gboolean   fl_cmdb_audit_submit (FlDb *db, const char *audit_id, FlRole role, const char *actor,
                                 GError **error);

G_END_DECLS
