/* The preferences through the real window: a synchronization interval that
 * the setting cannot hold ("5000", "abc", "-5", "0", "") is refused at its
 * field with the reason and the setting keeps its value, where the spin
 * button it replaced clamped 5000 to 1440 without a word; a good one is
 * taken at once. */
#include "fl-preferences-window.h"
#include "fl-ui-test-util.h"

static void
test_interval_refused_not_clamped (void)
{
  g_autoptr(GSettings) settings = g_settings_new (FL_APP_ID);
  g_settings_set_uint (settings, "sync-interval-minutes", 15);
  FlPreferencesWindow *window = fl_preferences_window_new (settings);
  gtk_window_present (GTK_WINDOW (window));
  fl_ui_test_pump ();

  GtkWidget *interval = fl_ui_test_child (window, FL_TYPE_PREFERENCES_WINDOW, "interval_row");
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (interval)), ==, "15");
  g_assert_false (gtk_widget_has_css_class (interval, "error"));

  static const struct { const char *text, *words; } refused[] = {
    { "5000", "Enter a number from 1 to 1440" },
    { "abc", "“abc” is not a whole number" },
    { "-5", "Enter a number from 1 to 1440" },
    { "0", "Enter a number from 1 to 1440" },
    { "", "Enter a number" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (refused); i++)
    {
      g_test_message ("“%s”", refused[i].text);
      gtk_editable_set_text (GTK_EDITABLE (interval), refused[i].text);
      fl_ui_test_pump ();
      g_assert_cmpuint (g_settings_get_uint (settings, "sync-interval-minutes"), ==, 15);
      g_assert_true (gtk_widget_has_css_class (interval, "error"));
      g_assert_cmpstr (gtk_widget_get_tooltip_text (interval), ==, refused[i].words);
    }

  gtk_editable_set_text (GTK_EDITABLE (interval), "30");
  fl_ui_test_pump ();
  g_assert_cmpuint (g_settings_get_uint (settings, "sync-interval-minutes"), ==, 30);
  g_assert_false (gtk_widget_has_css_class (interval, "error"));
  g_assert_null (gtk_widget_get_tooltip_text (interval));

  /* A change made elsewhere shows in the field. */
  g_settings_set_uint (settings, "sync-interval-minutes", 60);
  g_assert_cmpstr (gtk_editable_get_text (GTK_EDITABLE (interval)), ==, "60");

  gtk_window_destroy (GTK_WINDOW (window));
  fl_ui_test_pump ();
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add_func ("/ui/preferences/interval-refused-not-clamped", test_interval_refused_not_clamped);
  return g_test_run ();
}
