#include "fl-preferences-window.h"

#include <fl-record.h>
#include <glib/gi18n-lib.h>

#include "fl-number-entry.h"

#define INTERVAL_KEY "sync-interval-minutes"

struct _FlPreferencesWindow
{
  AdwPreferencesWindow parent_instance;
  GSettings           *settings;

  AdwEntryRow         *server_row;
  GtkSwitch           *auto_sync_switch;
  AdwEntryRow         *interval_row;
};

G_DEFINE_FINAL_TYPE (FlPreferencesWindow, fl_preferences_window, ADW_TYPE_PREFERENCES_WINDOW)

enum { PROP_0, PROP_SETTINGS, N_PROPS };
static GParamSpec *props[N_PROPS];

/* The range the schema gives the key, so that the field refuses exactly
 * what the setting cannot hold. */
static void
interval_range (GSettings *settings, gint64 *min, gint64 *max)
{
  g_autoptr(GSettingsSchema) schema = NULL;
  g_object_get (settings, "settings-schema", &schema, NULL);
  g_autoptr(GSettingsSchemaKey) key = g_settings_schema_get_key (schema, INTERVAL_KEY);
  g_autoptr(GVariant) range = g_settings_schema_key_get_range (key);
  const char *kind;
  g_autoptr(GVariant) limits = NULL;
  g_variant_get (range, "(&sv)", &kind, &limits);
  guint32 lower = 0, upper = G_MAXUINT32;
  if (g_str_equal (kind, "range"))
    g_variant_get (limits, "(uu)", &lower, &upper);
  *min = lower;
  *max = upper;
}

/* Each change is taken as soon as it reads as a number the setting holds;
 * until then the field says why not and the setting keeps its value. */
static void
interval_changed_cb (FlPreferencesWindow *self)
{
  gint64 min, max, minutes;
  g_autoptr(GError) error = NULL;
  GtkEditable *entry = GTK_EDITABLE (self->interval_row);
  interval_range (self->settings, &min, &max);
  if (!fl_record_read_whole_number (gtk_editable_get_text (entry), min, max, &minutes, &error))
    {
      fl_number_entry_refuse (entry, error->message);
      return;
    }
  fl_number_entry_clear (entry);
  if (g_settings_get_uint (self->settings, INTERVAL_KEY) != (guint) minutes)
    g_settings_set_uint (self->settings, INTERVAL_KEY, (guint) minutes);
}

static void
interval_setting_changed_cb (FlPreferencesWindow *self)
{
  guint minutes = g_settings_get_uint (self->settings, INTERVAL_KEY);
  gint64 shown;
  if (fl_record_read_whole_number (gtk_editable_get_text (GTK_EDITABLE (self->interval_row)), 0, G_MAXUINT32,
                                   &shown, NULL) && shown == minutes)
    return;
  g_autofree char *text = g_strdup_printf ("%u", minutes);
  gtk_editable_set_text (GTK_EDITABLE (self->interval_row), text);
}

static void
fl_preferences_window_constructed (GObject *object)
{
  FlPreferencesWindow *self = FL_PREFERENCES_WINDOW (object);
  G_OBJECT_CLASS (fl_preferences_window_parent_class)->constructed (object);
  g_settings_bind (self->settings, "server-url", self->server_row, "text", G_SETTINGS_BIND_DEFAULT);
  g_settings_bind (self->settings, "auto-sync", self->auto_sync_switch, "active", G_SETTINGS_BIND_DEFAULT);
  g_signal_connect_object (self->settings, "changed::" INTERVAL_KEY, G_CALLBACK (interval_setting_changed_cb),
                           self, G_CONNECT_SWAPPED);
  interval_setting_changed_cb (self);
}

static void
fl_preferences_window_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlPreferencesWindow *self = FL_PREFERENCES_WINDOW (object);
  switch (prop_id)
    {
    case PROP_SETTINGS:
      self->settings = g_value_dup_object (value);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_preferences_window_dispose (GObject *object)
{
  FlPreferencesWindow *self = FL_PREFERENCES_WINDOW (object);
  g_clear_object (&self->settings);
  G_OBJECT_CLASS (fl_preferences_window_parent_class)->dispose (object);
}

static void
fl_preferences_window_class_init (FlPreferencesWindowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->constructed = fl_preferences_window_constructed;
  object_class->set_property = fl_preferences_window_set_property;
  object_class->dispose = fl_preferences_window_dispose;

  props[PROP_SETTINGS] = g_param_spec_object ("settings", NULL, NULL, G_TYPE_SETTINGS,
                                              G_PARAM_WRITABLE | G_PARAM_CONSTRUCT_ONLY | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, props);

  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-preferences-window.ui");
  gtk_widget_class_bind_template_child (widget_class, FlPreferencesWindow, server_row);
  gtk_widget_class_bind_template_child (widget_class, FlPreferencesWindow, auto_sync_switch);
  gtk_widget_class_bind_template_child (widget_class, FlPreferencesWindow, interval_row);
  gtk_widget_class_bind_template_callback (widget_class, interval_changed_cb);
}

static void
fl_preferences_window_init (FlPreferencesWindow *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
}

FlPreferencesWindow *
fl_preferences_window_new (GSettings *settings)
{
  g_return_val_if_fail (G_IS_SETTINGS (settings), NULL);
  return g_object_new (FL_TYPE_PREFERENCES_WINDOW, "settings", settings, NULL);
}
