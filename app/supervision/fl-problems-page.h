/* fl-problems-page.h — problems and changes: the known-error list searched
 * on site, what calls for a problem (recurring incidents of unknown cause,
 * closed major incidents), the problems to closure and the changes. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_PROBLEMS_PAGE (fl_problems_page_get_type ())
G_DECLARE_FINAL_TYPE (FlProblemsPage, fl_problems_page, FL, PROBLEMS_PAGE, GtkWidget)

G_END_DECLS
