#pragma once
#include <gtk/gtk.h>
#include "fl-session.h"
#include "fl-sync-controller.h"
G_BEGIN_DECLS
#define FL_TYPE_BACKUPS_PAGE (fl_backups_page_get_type ())
G_DECLARE_FINAL_TYPE (FlBackupsPage, fl_backups_page, FL, BACKUPS_PAGE, GtkWidget)
void fl_backups_page_set_session (FlBackupsPage *self, FlSession *session);
G_END_DECLS
