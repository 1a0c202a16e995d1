/* fl-catalogue-page.h — the service catalogue (服务目录, 004 3.1-3.2) as
 * every replica keeps it: business services and the technical services
 * behind them, searched by any word, each with its content, delivery,
 * coverage, the indicators promised, the CIs it depends on and the
 * service-level policy its work orders get.  show_record takes a code. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_CATALOGUE_PAGE (fl_catalogue_page_get_type ())
G_DECLARE_FINAL_TYPE (FlCataloguePage, fl_catalogue_page, FL, CATALOGUE_PAGE, GtkWidget)

/* The entries the search found (FlRecordItem, id = the code). */
GListModel *fl_catalogue_page_get_results (FlCataloguePage *self);
/* The code of the entry shown, or NULL. */
const char *fl_catalogue_page_get_shown (FlCataloguePage *self);

G_END_DECLS
