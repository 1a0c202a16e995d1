/* fl-backups-page.h — the backup jobs at the engineer's sites with their
 * state (ok, due, overdue, failed), a check of a job (result, when the
 * backup was taken, its size, notes) and a restore drill (success, minutes). */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_BACKUPS_PAGE (fl_backups_page_get_type ())
G_DECLARE_FINAL_TYPE (FlBackupsPage, fl_backups_page, FL, BACKUPS_PAGE, GtkWidget)

void        fl_backups_page_show (FlBackupsPage *self, const char *job_id);
GListModel *fl_backups_page_get_jobs (FlBackupsPage *self);

G_END_DECLS
