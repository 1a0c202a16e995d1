/* Helpers of the UI tests: a replica in a temporary directory with rows
 * "pulled" into it, the real window over it, a main loop to wait on, the
 * widgets of a template and screenshots of what the user would see. */
#pragma once

#include <adwaita.h>
#include <fieldline.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fl-session.h"
#include "fl-window.h"

/* Stores `json` as a row of `table` the way a pull would (no outbox entry). */
static inline char *
fl_ui_test_store (FlDb *db, const char *table, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  g_autofree char *now = fl_time_format (fl_time_now ());
  char *id = fl_uuid7_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "version", "1");
  json_object_set_string_member (row, "created_at", now);
  json_object_set_string_member (row, "updated_at", now);
  fl_record_validate (fl_schema_lookup (table), row, FL_RECORD_STORED, NULL, &error);
  g_assert_no_error (error);
  fl_record_store (db, fl_schema_lookup (table), row, NULL, &error);
  g_assert_no_error (error);
  return id;
}

static inline char *
fl_ui_test_store_printf (FlDb *db, const char *table, const char *format, ...) G_GNUC_PRINTF (3, 4);

static inline char *
fl_ui_test_store_printf (FlDb *db, const char *table, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *json = g_strdup_vprintf (format, args);
  va_end (args);
  return fl_ui_test_store (db, table, json);
}

/* Runs the main loop until it has nothing left to do. */
static inline void
fl_ui_test_pump (void)
{
  for (int i = 0; i < 10; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

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

/* The newest toplevel window of `type` (a dialog just opened). */
static inline gpointer
fl_ui_test_find_window (GType type)
{
  GListModel *toplevels = gtk_window_get_toplevels ();
  for (guint i = g_list_model_get_n_items (toplevels); i > 0; i--)
    {
      g_autoptr(GtkWidget) window = g_list_model_get_item (toplevels, i - 1);
      if (G_TYPE_CHECK_INSTANCE_TYPE (window, type) && gtk_widget_get_visible (window))
        return window;
    }
  return NULL;
}

/* Saves what `widget` shows as `name` in $FL_SCREENSHOT_DIR (if set). */
static inline void
fl_ui_test_screenshot (GtkWidget *widget, const char *name)
{
  const char *dir = g_getenv ("FL_SCREENSHOT_DIR");
  if (dir == NULL || *dir == '\0')
    return;
  /* Let transitions and animations (about 250 ms) finish. */
  gint64 until = g_get_monotonic_time () + 600 * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  g_autoptr(GdkTexture) texture = gsk_renderer_render_texture (renderer, node, &bounds);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}

static inline void
fl_ui_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          fl_ui_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

/* gtk_init, or exit 77 (skipped) without a display. */
static inline void
fl_ui_test_init (int *argc, char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  g_test_init (argc, argv, NULL);
  if (!gtk_init_check ())
    {
      g_printerr ("No display: the UI tests run under Xvfb (tools/dev.sh test)\n");
      exit (77);
    }
  adw_init ();
  /* What AdwApplication does for the application from its resource path. */
  g_autoptr(GtkCssProvider) css = gtk_css_provider_new ();
  gtk_css_provider_load_from_resource (css, "/io/github/fieldline/Fieldline/style.css");
  gtk_style_context_add_provider_for_display (gdk_display_get_default (), GTK_STYLE_PROVIDER (css),
                                              GTK_STYLE_PROVIDER_PRIORITY_APPLICATION);
}

static inline gint64
fl_ui_test_count_rows (FlDb *db, const char *sql)
{
  gint64 n = -1;
  g_autoptr(GError) error = NULL;
  fl_db_query_int64 (db, sql, &n, &error);
  g_assert_no_error (error);
  return n;
}
