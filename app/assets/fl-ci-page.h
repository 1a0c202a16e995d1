/* fl-ci-page.h — one configuration item: its fields, its relations, its
 * history (work orders, inspections, corrections) and a correction to
 * propose when the record is wrong. */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_CI_PAGE (fl_ci_page_get_type ())
G_DECLARE_FINAL_TYPE (FlCiPage, fl_ci_page, FL, CI_PAGE, GtkWidget)

void        fl_ci_page_set_session (FlCiPage *self, FlSession *session);
void        fl_ci_page_load (FlCiPage *self, const char *ci_id);
const char *fl_ci_page_get_id (FlCiPage *self);

G_END_DECLS
