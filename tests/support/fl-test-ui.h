/* Test support for the client's widgets: rows "pulled" into a replica, a
 * main loop to wait on, the widgets of a template and screenshots of what
 * the user would see. */
#pragma once

#include <adwaita.h>

#include "fl-test-replica.h"

G_BEGIN_DECLS

/* gtk_init, or exit 77 (skipped) without a display. */
void      fl_ui_test_init (int *argc, char ***argv);

/* Makes the client's strings read in `language` ("zh_CN"; NULL: English)
 * from the catalogue of this build, for the widgets built from then on;
 * FALSE when the C.UTF-8 locale is missing. */
gboolean  fl_ui_test_use_language (const char *language);

/* Stores `json` as a row of `table` the way a pull would (no outbox
 * entry); returns its id. */
char     *fl_ui_test_store (FlDb *db, const char *table, const char *json);
char     *fl_ui_test_store_printf (FlDb *db, const char *table, const char *format, ...) G_GNUC_PRINTF (3, 4);

/* Runs the main loop until it has nothing left to do. */
void      fl_ui_test_pump (void);

/* Runs the main loop until `done` (re-evaluated) holds, failing after 20 s. */
#define fl_ui_test_wait_until(done)                                          \
  G_STMT_START {                                                              \
    gint64 deadline_ = g_get_monotonic_time () + 20 * G_USEC_PER_SEC;         \
    while (!(done))                                                           \
      {                                                                       \
        g_main_context_iteration (NULL, FALSE);                               \
        g_usleep (1000);                                                      \
        if (g_get_monotonic_time () > deadline_)                              \
          g_error ("Timed out waiting for %s", #done);                        \
      }                                                                       \
    fl_ui_test_pump ();                                                       \
  } G_STMT_END

#define fl_ui_test_child(widget, type, name) \
  ((gpointer) gtk_widget_get_template_child (GTK_WIDGET (widget), type, name))

/* The first button (GtkActionable) under `widget` that activates the
 * action `name`, or NULL. */
GtkWidget *fl_ui_test_find_actionable (GtkWidget *widget, const char *name);

/* The newest visible toplevel window of `type` (a dialog just opened). */
gpointer  fl_ui_test_find_window (GType type);

/* Whether a label under `widget` shows `text` (markup parsed away). */
gboolean  fl_ui_test_shows_text (GtkWidget *widget, const char *text);

/* The widget named `name` (gtk_widget_set_name) at or under `widget`. */
GtkWidget *fl_ui_test_find_named (GtkWidget *widget, const char *name);

/* The button labelled `label` at or under `widget`. */
GtkWidget *fl_ui_test_find_button (GtkWidget *widget, const char *label);

/* What `widget` shows now, drawn by its window's renderer. */
GdkTexture *fl_ui_test_render (GtkWidget *widget);

/* How coloured `widget` looks: the mean over its pixels of
 * max(r, g, b) - min(r, g, b), 0-255.  Greys are 0, libadwaita's blue
 * accent about 175. */
double    fl_ui_test_colourfulness (GtkWidget *widget);

/* Fails the test for a label shown under `widget` that the user cannot read
 * whole: cut off across by whatever clips it (a scrolled window, a list,
 * `widget` itself), ellipsized with no tooltip on it or a parent, or, if
 * it does not ellipsize, narrower than its text.  Returns how many labels it checked. */
guint     fl_ui_test_assert_readable (GtkWidget *widget);

/* Fails the test for a suggested or destructive button shown under
 * `widget` that is disabled but drawn in colour, or enabled but not;
 * returns how many disabled ones it checked. */
guint     fl_ui_test_assert_disabled_looks_disabled (GtkWidget *widget);

/* Saves what `widget` shows as `name` in $FL_SCREENSHOT_DIR (if set). */
void      fl_ui_test_screenshot (GtkWidget *widget, const char *name);

G_END_DECLS
