#include "fl-test-ui.h"

#include <glib/gi18n-lib.h>
#include <locale.h>

void
fl_ui_test_init (int *argc, char ***argv)
{
  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "test", FALSE);
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
  fl_test_use_language (language);
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

GtkWidget *
fl_ui_test_find_actionable (GtkWidget *widget, const char *name)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_ACTIONABLE (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), name) == 0)
        return child;
      GtkWidget *found = fl_ui_test_find_actionable (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
fl_ui_test_find_named (GtkWidget *widget, const char *name)
{
  if (g_strcmp0 (gtk_widget_get_name (widget), name) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fl_ui_test_find_named (child, name);
      if (found != NULL)
        return found;
    }
  return NULL;
}

GtkWidget *
fl_ui_test_find_button (GtkWidget *widget, const char *label)
{
  if (GTK_IS_BUTTON (widget) && g_strcmp0 (gtk_button_get_label (GTK_BUTTON (widget)), label) == 0)
    return widget;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *found = fl_ui_test_find_button (child, label);
      if (found != NULL)
        return found;
    }
  return NULL;
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

GdkTexture *
fl_ui_test_render (GtkWidget *widget)
{
  int width = gtk_widget_get_width (widget), height = gtk_widget_get_height (widget);
  g_assert_cmpint (width, >, 0);
  g_autoptr(GdkPaintable) paintable = gtk_widget_paintable_new (widget);
  g_autoptr(GtkSnapshot) snapshot = gtk_snapshot_new ();
  gdk_paintable_snapshot (paintable, snapshot, width, height);
  g_autoptr(GskRenderNode) node = gtk_snapshot_free_to_node (g_steal_pointer (&snapshot));
  g_assert_nonnull (node);
  GskRenderer *renderer = gtk_native_get_renderer (gtk_widget_get_native (widget));
  graphene_rect_t bounds = GRAPHENE_RECT_INIT (0, 0, width, height);
  return gsk_renderer_render_texture (renderer, node, &bounds);
}

double
fl_ui_test_colourfulness (GtkWidget *widget)
{
  /* Let the change of state (a 200 ms transition) finish. */
  gint64 until = g_get_monotonic_time () + 350 * 1000;
  while (g_get_monotonic_time () < until)
    {
      g_main_context_iteration (NULL, FALSE);
      g_usleep (5000);
    }
  g_autoptr(GdkTexture) texture = fl_ui_test_render (widget);
  int width = gdk_texture_get_width (texture), height = gdk_texture_get_height (texture);
  gsize stride = (gsize) width * 4;
  g_autofree guchar *pixels = g_malloc (stride * height);
  /* Premultiplied: a see-through pixel counts as little as it shows. */
  gdk_texture_download (texture, pixels, stride);
  double sum = 0;
  for (gsize i = 0; i < stride * height; i += 4)
    sum += MAX (MAX (pixels[i], pixels[i + 1]), pixels[i + 2]) - MIN (MIN (pixels[i], pixels[i + 1]), pixels[i + 2]);
  return sum / ((double) width * height);
}

static gboolean
has_tooltip_up_to (GtkWidget *widget, GtkWidget *root)
{
  for (; widget != NULL && widget != root; widget = gtk_widget_get_parent (widget))
    if (gtk_widget_get_has_tooltip (widget))
      return TRUE;
  return FALSE;
}

/* "AdwHeaderBar > GtkBox > GtkLabel", from `root` down to `widget`. */
static char *
widget_path (GtkWidget *widget, GtkWidget *root)
{
  g_autoptr(GString) path = g_string_new (G_OBJECT_TYPE_NAME (widget));
  for (GtkWidget *parent = gtk_widget_get_parent (widget); parent != NULL && parent != root;
       parent = gtk_widget_get_parent (parent))
    {
      g_string_prepend (path, " > ");
      g_string_prepend (path, G_OBJECT_TYPE_NAME (parent));
    }
  return g_string_free (g_steal_pointer (&path), FALSE);
}

static void
assert_label_readable (GtkLabel *label, GtkWidget *root)
{
  GtkWidget *widget = GTK_WIDGET (label);
  const char *text = gtk_label_get_text (label);
  if (*text == '\0')
    return;
  g_autofree char *path = widget_path (widget, root);
  /* An ellipsizing label ends in "…" where it is short: the tooltip reads
   * it whole.  Any other label narrower than its text is cut mid-glyph. */
  if (gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE)
    {
      if (pango_layout_is_ellipsized (gtk_label_get_layout (label)) && !has_tooltip_up_to (widget, root))
        g_error ("\"%s\" (%s) is ellipsized without a tooltip to read it whole", text, path);
    }
  else
    {
      int text_width = 0;
      pango_layout_get_pixel_size (gtk_label_get_layout (label), &text_width, NULL);
      if (text_width > gtk_widget_get_width (widget))
        g_error ("\"%s\" (%s) is %d px wide, %d px short of its text", text, path,
                 gtk_widget_get_width (widget), text_width - gtk_widget_get_width (widget));
    }
  /* Whatever clips it (a scrolled window, a list, the window) shows it whole across. */
  for (GtkWidget *clip = gtk_widget_get_parent (widget); clip != NULL; clip = gtk_widget_get_parent (clip))
    {
      if (clip != root && gtk_widget_get_overflow (clip) != GTK_OVERFLOW_HIDDEN)
        continue;
      graphene_rect_t bounds;
      g_assert_true (gtk_widget_compute_bounds (widget, clip, &bounds));
      if (bounds.origin.x < -0.5 || bounds.origin.x + bounds.size.width > gtk_widget_get_width (clip) + 0.5)
        g_error ("\"%s\" (%s, x %.0f to %.0f) is cut off by a %s %d px wide", text, path, bounds.origin.x,
                 bounds.origin.x + bounds.size.width, G_OBJECT_TYPE_NAME (clip), gtk_widget_get_width (clip));
      if (clip == root)
        break;
    }
}

static guint
assert_readable_under (GtkWidget *widget, GtkWidget *root)
{
  if (!gtk_widget_get_mapped (widget))
    return 0;
  guint n = 0;
  if (GTK_IS_LABEL (widget))
    {
      assert_label_readable (GTK_LABEL (widget), root);
      n++;
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += assert_readable_under (child, root);
  return n;
}

guint
fl_ui_test_assert_readable (GtkWidget *widget)
{
  return assert_readable_under (widget, widget);
}

/* A suggested or destructive button drawn in its accent colour. */
#define ACCENT_COLOURFULNESS 40
/* A disabled one: grey like any disabled button (its text and edges
 * antialiased on a tint at most). */
#define DISABLED_COLOURFULNESS 12

static gboolean
is_accented (GtkWidget *widget)
{
  if (gtk_widget_has_css_class (widget, "suggested-action") || gtk_widget_has_css_class (widget, "destructive-action"))
    return TRUE;
  /* A menu button carries the class, its inner button draws it. */
  GtkWidget *parent = gtk_widget_get_parent (widget);
  return GTK_IS_MENU_BUTTON (parent) && is_accented (parent);
}

guint
fl_ui_test_assert_disabled_looks_disabled (GtkWidget *widget)
{
  if (!gtk_widget_get_mapped (widget))
    return 0;
  guint n = 0;
  if (GTK_IS_BUTTON (widget) && is_accented (widget))
    {
      double colour = fl_ui_test_colourfulness (widget);
      const char *label = gtk_button_get_label (GTK_BUTTON (widget));
      if (label == NULL)
        label = gtk_widget_get_tooltip_text (widget);
      if (gtk_widget_is_sensitive (widget) && colour < ACCENT_COLOURFULNESS)
        g_error ("The button \"%s\" is drawn without its colour (%.0f)", label, colour);
      if (!gtk_widget_is_sensitive (widget) && colour > DISABLED_COLOURFULNESS)
        g_error ("The disabled button \"%s\" is drawn in colour (%.0f), as if it could be clicked", label, colour);
      n += !gtk_widget_is_sensitive (widget);
    }
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n += fl_ui_test_assert_disabled_looks_disabled (child);
  return n;
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
  g_autoptr(GdkTexture) texture = fl_ui_test_render (widget);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_assert_true (gdk_texture_save_to_png (texture, path));
}
