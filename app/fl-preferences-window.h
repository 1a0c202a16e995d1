/* fl-preferences-window.h — the application's preferences: the server
 * address and background synchronization, each bound to its GSettings key.
 * A number that the key cannot hold is refused at its field, with words
 * saying what to type, and the setting keeps its value: never clamped. */
#pragma once

#include <adwaita.h>

G_BEGIN_DECLS

#define FL_TYPE_PREFERENCES_WINDOW (fl_preferences_window_get_type ())
G_DECLARE_FINAL_TYPE (FlPreferencesWindow, fl_preferences_window, FL, PREFERENCES_WINDOW, AdwPreferencesWindow)

/* The preferences of `settings` (the application's schema). */
FlPreferencesWindow *fl_preferences_window_new (GSettings *settings);

G_END_DECLS
