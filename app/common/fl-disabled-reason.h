/* fl-disabled-reason.h — telling people why a control is disabled.  A
 * greyed-out button that gives no reason leaves the user guessing; its
 * tooltip says what stands in the way while it is disabled, and what it
 * does (its own tooltip, from its template) otherwise. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Shows `reason` as the tooltip of `widget` (disabled now) or, for NULL,
 * the tooltip it had when first given a reason (it can be used now). */
void fl_widget_explain_disabled (GtkWidget *widget, const char *reason);

/* Enables the action `name` of `widget` (installed on its class) when
 * `reason` is NULL, else disables it, and explains it so on every button
 * under `widget` that activates it. */
void fl_widget_action_set_reason (GtkWidget *widget, const char *name, const char *reason);

G_END_DECLS
