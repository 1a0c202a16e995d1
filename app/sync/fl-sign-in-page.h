/* fl-sign-in-page.h — the first run: the server's address, login and
 * password, then the first sync with its progress. */
#pragma once

#include <gtk/gtk.h>

#include "fl-sync-controller.h"

G_BEGIN_DECLS

#define FL_TYPE_SIGN_IN_PAGE (fl_sign_in_page_get_type ())
G_DECLARE_FINAL_TYPE (FlSignInPage, fl_sign_in_page, FL, SIGN_IN_PAGE, GtkWidget)

G_END_DECLS
