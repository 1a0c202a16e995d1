#include "fl-test-ui.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

void
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

gboolean
fl_ui_test_use_language (const char *language)
{
  if (setlocale (LC_ALL, "C.UTF-8") == NULL)
    return FALSE;
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  bindtextdomain (GETTEXT_PACKAGE, FL_TEST_LOCALE_DIR);
  bind_textdomain_codeset (GETTEXT_PACKAGE, "UTF-8");
  /* Setting the domain again also drops the messages gettext has cached. */
  textdomain (GETTEXT_PACKAGE);
  return TRUE;
}

char *
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

char *
fl_ui_test_store_printf (FlDb *db, const char *table, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *json = g_strdup_vprintf (format, args);
  va_end (args);
  return fl_ui_test_store (db, table, json);
}

void
fl_ui_test_pump (void)
{
  for (int i = 0; i < 10; i++)
    {
      while (g_main_context_iteration (NULL, FALSE))
        ;
      g_usleep (2000);
    }
}

gboolean
fl_ui_test_shows_text (GtkWidget *widget, const char *text)
{
  if (GTK_IS_LABEL (widget) && g_strcmp0 (gtk_label_get_text (GTK_LABEL (widget)), text) == 0)
    return TRUE;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (fl_ui_test_shows_text (child, text))
      return TRUE;
  return FALSE;
}

gpointer
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

void
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
