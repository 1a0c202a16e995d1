/* fl-cis-page.h — the configuration items of the replica, searched, beside
 * the one that is open. */
#pragma once

#include <gtk/gtk.h>

#include "fl-ci-page.h"
#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_CIS_PAGE (fl_cis_page_get_type ())
G_DECLARE_FINAL_TYPE (FlCisPage, fl_cis_page, FL, CIS_PAGE, GtkWidget)

GListModel *fl_cis_page_get_results (FlCisPage *self);
FlCiPage   *fl_cis_page_get_detail (FlCisPage *self);

G_END_DECLS
