/* fl-problems-page.h — problems and changes: the known-error list searched
 * on site, what calls for a problem (recurring incidents of unknown cause,
 * closed major incidents), the problems to closure and the changes. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_PROBLEMS_PAGE (fl_problems_page_get_type ())
G_DECLARE_FINAL_TYPE (FlProblemsPage, fl_problems_page, FL, PROBLEMS_PAGE, GtkWidget)

/* Attaches `file` to change `change_id` as its `document` ("rollback_plan"
 * or "test_report"), as the file chooser of its row does. */
void fl_problems_page_attach_file (FlProblemsPage *self, const char *change_id, const char *document,
                                   GFile *file);

/* The id of the problem or change shown at the window's request (a CI's
 * history opens one: fl_page_show_record), or NULL. */
const char *fl_problems_page_get_shown (FlProblemsPage *self);

/* Signals: "open-file" (GFile *file) -> gboolean: a change's document is
 * to be shown; the default handler opens it with the desktop's application
 * for its type; a handler returning TRUE opens it instead. */

G_END_DECLS
