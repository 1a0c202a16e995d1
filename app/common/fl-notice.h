/* fl-notice.h — how a page tells the user what happened: a toast in the
 * nearest toast overlay above it for what went well, a dialog for what the
 * user must read before going on.  Messages are plain text: the toast's
 * title is Pango markup, so they are escaped here, in one place. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

/* A toast whose title shows `message` as written (button, action and timeout
 * are the caller's to add). */
AdwToast *fl_notice_toast_new (const char *message);
/* Shows `toast` over `widget` (a dialog passes its parent); without an
 * overlay (a widget outside any window) the message goes to the log. */
void      fl_notice_add_toast (GtkWidget *widget, AdwToast *toast);
void      fl_notice_toast (GtkWidget *widget, const char *message);

/* An error the user must see before going on (a write the replica refused). */
void      fl_notice_error (GtkWidget *widget, const char *heading, const GError *error);

G_END_DECLS
