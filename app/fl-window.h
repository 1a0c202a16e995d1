/* fl-window.h — the main window: the areas in a sidebar that folds on
 * narrow windows, the header bar with the sync button, and the sign-in page
 * before the first sync. */
#pragma once

#include <adwaita.h>

#include "fl-session.h"
#include "fl-sync-controller.h"

G_BEGIN_DECLS

#define FL_TYPE_WINDOW (fl_window_get_type ())
G_DECLARE_FINAL_TYPE (FlWindow, fl_window, FL, WINDOW, AdwApplicationWindow)

/* `app` may be NULL (tests); `sync` may be NULL (no server configured). */
FlWindow     *fl_window_new (GtkApplication *app, FlSession *session, FlSyncController *sync);

FlSession    *fl_window_get_session (FlWindow *self);
/* Areas: "my-work", "inspections", "cmdb-audits", "backups", "cis",
 * "problems", "catalogue", "documents", "stock", "approvals", "reports",
 * "sync". */
void          fl_window_show_area (FlWindow *self, const char *area);
/* The page of `area` (an FlPage), or NULL. */
GtkWidget    *fl_window_get_page (FlWindow *self, const char *area);
const char   *fl_window_get_area (FlWindow *self);
void          fl_window_show_work_order (FlWindow *self, const char *id);
void          fl_window_show_ci (FlWindow *self, const char *id);
/* The problem or the change `id` on the problems and changes page. */
void          fl_window_show_problem_or_change (FlWindow *self, const char *id);
/* The service catalogue's entry `code`. */
void          fl_window_show_service (FlWindow *self, const char *code);
/* The area a role lands on: "my-work", "stock" (clerk), "approvals"
 * (supervisor). */
const char   *fl_window_home_area (FlRole role);
/* The sign-in page instead of the areas (first run, or after a sign-out). */
void          fl_window_show_sign_in (FlWindow *self, gboolean sign_in);

G_END_DECLS
