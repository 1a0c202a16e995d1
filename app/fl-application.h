/* fl-application.h — the Fieldline desktop client: opens the replica,
 * keeps the sync going and shows the main window. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FL_TYPE_APPLICATION (fl_application_get_type ())
G_DECLARE_FINAL_TYPE (FlApplication, fl_application, FL, APPLICATION, AdwApplication)

FlApplication *fl_application_new (void);

/* The keyboard shortcuts of the whole client, in one table:
 * {action, accelerators...}, ended by a NULL action. */
typedef struct {
  const char *action;
  const char *accels[3];
} FlShortcut;

const FlShortcut *fl_application_get_shortcuts (void);
/* Sets them on `app` (also used by the tests, which have no application run). */
void              fl_application_set_shortcuts (GtkApplication *app);

G_END_DECLS
