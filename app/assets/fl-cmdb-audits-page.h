/* fl-cmdb-audits-page.h — CMDB audit rounds (配置审计): the engineer walks
 * a site's round offline, comparing each CI's record with what is found and
 * adding what is found but not recorded, then submits it; a supervisor
 * plans the rounds.  The approval is on the approvals page. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_CMDB_AUDITS_PAGE (fl_cmdb_audits_page_get_type ())
G_DECLARE_FINAL_TYPE (FlCmdbAuditsPage, fl_cmdb_audits_page, FL, CMDB_AUDITS_PAGE, GtkWidget)

/* Opens an audit, and a CI of it to mark (NULL: none yet). */
void         fl_cmdb_audits_page_show (FlCmdbAuditsPage *self, const char *audit_id, const char *ci_id);
GListModel  *fl_cmdb_audits_page_get_audits (FlCmdbAuditsPage *self);
GListModel  *fl_cmdb_audits_page_get_cis (FlCmdbAuditsPage *self);
/* The row where the found value of `column` is typed (status: a combo row). */
AdwPreferencesRow *fl_cmdb_audits_page_get_field_row (FlCmdbAuditsPage *self, const char *column);

G_END_DECLS
