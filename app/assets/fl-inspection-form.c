#include "fl-inspection-form.h"

#include <adwaita.h>
#include <fl-inspection.h>
#include <glib/gi18n-lib.h>

#include "fl-disabled-reason.h"
#include "fl-notice.h"
#include "fl-number-entry.h"

struct _FlInspectionForm
{
  GtkWidget            parent_instance;
  FlSession           *session;
  char                *round_id;
  char                *ci_id;
  JsonArray           *items;     /* the template's items */
  GHashTable          *controls;  /* item key -> control widget */
  GPtrArray           *rows;      /* rows added to items_group */

  GtkLabel            *title_label;
  GtkLabel            *subtitle_label;
  AdwPreferencesGroup *items_group;
  GtkLabel            *result_label;
};

G_DEFINE_FINAL_TYPE (FlInspectionForm, fl_inspection_form, GTK_TYPE_WIDGET)

enum { RECORDED, N_SIGNALS };
static guint signals[N_SIGNALS];

/* Reads the reading typed for `item`: TRUE with the number in `value`,
 * or with `given` FALSE when an item that is not required was left empty;
 * FALSE with the reason otherwise. */
static gboolean
read_reading (GtkEditable *entry, JsonObject *item, double *value, gboolean *given, GError **error)
{
  gboolean required = json_object_has_member (item, "required") &&
                      json_object_get_boolean_member (item, "required");
  const char *text = gtk_editable_get_text (entry);
  g_autofree char *typed = g_strstrip (g_strdup (text));
  *given = TRUE;
  if (!required && *typed == '\0')
    {
      *given = FALSE;
      return TRUE;
    }
  return fl_record_read_decimal (text, value, error);
}

/* Marks the reading while it is typed: refused (not a number), outside
 * the limits (a finding, recorded as typed), or fine. */
static void
number_changed_cb (GtkEditable *entry, gpointer user_data)
{
  JsonObject *item = g_object_get_data (G_OBJECT (entry), "fl-item");
  g_autoptr(GError) error = NULL;
  double value = 0;
  gboolean given;
  gboolean read = read_reading (entry, item, &value, &given, &error);
  gboolean out = read && given && fl_inspection_item_out_of_range (item, value);
  if (read)
    fl_number_entry_clear (entry);
  else
    fl_number_entry_refuse (entry, error->message);
  if (out)
    {
      gtk_widget_add_css_class (GTK_WIDGET (entry), "out-of-range");
      gtk_widget_set_tooltip_text (GTK_WIDGET (entry), _("Outside the limits: this item will fail"));
    }
  else
    gtk_widget_remove_css_class (GTK_WIDGET (entry), "out-of-range");
}

static GtkWidget *
number_row (JsonObject *item, const char *label, GtkWidget **control)
{
  double min = 0, max = 0;
  gboolean has_min = fl_inspection_item_number (item, "min", &min);
  gboolean has_max = fl_inspection_item_number (item, "max", &max);
  const char *unit = fl_inspection_item_string (item, "unit");
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  g_autofree char *limits = NULL;
  if (has_min && has_max)
    limits = g_strdup_printf (_("Between %g and %g %s"), min, max, unit ? unit : "");
  else if (has_min)
    limits = g_strdup_printf (_("At least %g %s"), min, unit ? unit : "");
  else if (has_max)
    limits = g_strdup_printf (_("At most %g %s"), max, unit ? unit : "");
  if (limits != NULL)
    adw_action_row_set_subtitle (ADW_ACTION_ROW (row), limits);

  /* An entry, not a spin button: a reading far outside the limits is a
   * finding to record as typed, never clamped to a range, and text that is
   * not a number is refused here rather than read as the last value. It
   * starts empty, the limits only a hint: a value it started with would be
   * recorded as measured when nobody read the meter, so a required reading
   * must be typed and an optional one left empty is not measured. */
  gboolean required = json_object_has_member (item, "required") &&
                      json_object_get_boolean_member (item, "required");
  g_autofree char *hint = NULL;
  if (has_min && has_max)
    /* Translators: the limits of a reading, shown in its empty field. */
    hint = g_strdup_printf (_("%g–%g"), min, max);
  else if (has_min)
    /* Translators: the lower limit of a reading, shown in its empty field. */
    hint = g_strdup_printf (_("≥ %g"), min);
  else if (has_max)
    /* Translators: the upper limit of a reading, shown in its empty field. */
    hint = g_strdup_printf (_("≤ %g"), max);
  else
    hint = g_strdup (required ? _("Required") : _("Optional"));
  GtkWidget *entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), hint);
  gtk_entry_set_input_purpose (GTK_ENTRY (entry), GTK_INPUT_PURPOSE_NUMBER);
  gtk_editable_set_width_chars (GTK_EDITABLE (entry), 8);
  gtk_editable_set_alignment (GTK_EDITABLE (entry), 1);
  gtk_widget_set_valign (entry, GTK_ALIGN_CENTER);
  gtk_accessible_update_property (GTK_ACCESSIBLE (entry), GTK_ACCESSIBLE_PROPERTY_LABEL, label, -1);
  g_object_set_data_full (G_OBJECT (entry), "fl-item", json_object_ref (item),
                          (GDestroyNotify) json_object_unref);
  g_signal_connect (entry, "changed", G_CALLBACK (number_changed_cb), NULL);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), entry);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), entry);
  if (unit != NULL)
    {
      GtkWidget *unit_label = gtk_label_new (unit);
      gtk_widget_add_css_class (unit_label, "dim-label");
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), unit_label);
    }
  *control = entry;
  return row;
}

static GtkWidget *
build_row (JsonObject *item, GtkWidget **control)
{
  const char *kind = fl_inspection_item_string (item, "kind");
  const char *label = fl_inspection_item_string (item, "label") != NULL ? fl_inspection_item_string (item, "label")
                                                                      : fl_inspection_item_string (item, "key");
  if (g_strcmp0 (kind, "number") == 0)
    return number_row (item, label, control);
  if (g_strcmp0 (kind, "choice") == 0)
    {
      GtkWidget *row = adw_combo_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      g_autoptr(GtkStringList) choices = gtk_string_list_new (NULL);
      JsonArray *array = json_object_has_member (item, "choices")
                         ? json_object_get_array_member (item, "choices") : NULL;
      for (guint i = 0; array != NULL && i < json_array_get_length (array); i++)
        gtk_string_list_append (choices, json_array_get_string_element (array, i));
      adw_combo_row_set_model (ADW_COMBO_ROW (row), G_LIST_MODEL (choices));
      *control = row;
      return row;
    }
  if (g_strcmp0 (kind, "text") == 0)
    {
      GtkWidget *row = adw_entry_row_new ();
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
      *control = row;
      return row;
    }
  /* bool: the usual answer of a checklist is "yes, fine". */
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), label);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), _("On when it is OK"));
  GtkWidget *toggle = gtk_switch_new ();
  gtk_switch_set_active (GTK_SWITCH (toggle), TRUE);
  gtk_widget_set_valign (toggle, GTK_ALIGN_CENTER);
  adw_action_row_add_suffix (ADW_ACTION_ROW (row), toggle);
  adw_action_row_set_activatable_widget (ADW_ACTION_ROW (row), toggle);
  *control = toggle;
  return row;
}

/* A recorded inspection stands until an answer changes: recording the same
 * answers again would record the same finding twice. */
static void
answer_changed (FlInspectionForm *self)
{
  fl_widget_action_set_reason (GTK_WIDGET (self), "inspection-form.record", NULL);
}

static void
watch_answer (FlInspectionForm *self, GtkWidget *control)
{
  const char *signal = GTK_IS_SWITCH (control) ? "notify::active"
                       : ADW_IS_COMBO_ROW (control) ? "notify::selected"
                       : "changed";
  g_signal_connect_object (control, signal, G_CALLBACK (answer_changed), self, G_CONNECT_SWAPPED);
}

static void
clear_rows (FlInspectionForm *self)
{
  for (guint i = 0; i < self->rows->len; i++)
    adw_preferences_group_remove (self->items_group, g_ptr_array_index (self->rows, i));
  g_ptr_array_set_size (self->rows, 0);
  g_hash_table_remove_all (self->controls);
  g_clear_pointer (&self->items, json_array_unref);
}

void
fl_inspection_form_load (FlInspectionForm *self, const char *round_id, const char *ci_id)
{
  FlDb *db = fl_session_get_db (self->session);
  g_free (self->round_id);
  g_free (self->ci_id);
  self->round_id = g_strdup (round_id);
  self->ci_id = g_strdup (ci_id);
  clear_rows (self);
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), FALSE);

  g_autoptr(JsonObject) round = fl_record_load (db, fl_schema_lookup ("inspection_round"), round_id, NULL);
  g_autoptr(JsonObject) template = round != NULL
    ? fl_record_load (db, fl_schema_lookup ("inspection_template"), fl_record_get_string (round, "template_id"), NULL)
    : NULL;
  g_autoptr(JsonObject) ci = fl_record_load (db, fl_schema_lookup ("ci"), ci_id, NULL);
  g_autofree char *title = ci != NULL
    ? g_strdup_printf ("%s — %s", fl_record_get_string (ci, "code"), fl_record_get_string (ci, "name"))
    : g_strdup (_("Unknown configuration item"));
  gtk_label_set_text (self->title_label, title);
  const char *location = ci != NULL ? fl_record_get_string (ci, "location") : NULL;
  g_autofree char *subtitle = g_strdup_printf ("%s%s%s", template ? fl_record_get_string (template, "name") : "",
                                               location ? " · " : "", location ? location : "");
  gtk_label_set_text (self->subtitle_label, subtitle);
  fl_widget_action_set_reason (GTK_WIDGET (self), "inspection-form.record",
                               template != NULL && ci != NULL ? NULL
                               : _("This round’s checklist or item is not in the replica: sync, then try again"));
  if (template == NULL)
    return;

  JsonNode *items = json_object_get_member (template, "items");
  if (items == NULL || !JSON_NODE_HOLDS_ARRAY (items))
    return;
  self->items = json_array_ref (json_node_get_array (items));
  for (guint i = 0; i < json_array_get_length (self->items); i++)
    {
      JsonNode *node = json_array_get_element (self->items, i);
      if (!JSON_NODE_HOLDS_OBJECT (node) || fl_inspection_item_string (json_node_get_object (node), "key") == NULL)
        continue;
      JsonObject *item = json_node_get_object (node);
      GtkWidget *control = NULL;
      GtkWidget *row = build_row (item, &control);
      /* Labels and units come from the template as written. */
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_group_add (self->items_group, row);
      g_ptr_array_add (self->rows, row);
      g_hash_table_insert (self->controls, g_strdup (fl_inspection_item_string (item, "key")), control);
      watch_answer (self, control);
    }
}

const char *
fl_inspection_form_get_ci (FlInspectionForm *self)
{
  return self->ci_id;
}

GtkWidget *
fl_inspection_form_get_control (FlInspectionForm *self, const char *key)
{
  return g_hash_table_lookup (self->controls, key);
}

/* The answers of the form, or NULL when a reading is refused: each refused
 * one is marked at its field, and the first reason is in `error`. */
static JsonObject *
collect_results (FlInspectionForm *self, GError **error)
{
  g_autoptr(JsonObject) results = json_object_new ();
  g_autoptr(GError) refused = NULL;
  for (guint i = 0; self->items != NULL && i < json_array_get_length (self->items); i++)
    {
      JsonNode *node = json_array_get_element (self->items, i);
      if (!JSON_NODE_HOLDS_OBJECT (node))
        continue;
      JsonObject *item = json_node_get_object (node);
      const char *key = fl_inspection_item_string (item, "key");
      GtkWidget *control = key != NULL ? g_hash_table_lookup (self->controls, key) : NULL;
      if (control == NULL)
        continue;
      if (GTK_IS_SWITCH (control))
        json_object_set_boolean_member (results, key, gtk_switch_get_active (GTK_SWITCH (control)));
      else if (GTK_IS_ENTRY (control))
        {
          g_autoptr(GError) local_error = NULL;
          double value;
          gboolean given;
          if (!read_reading (GTK_EDITABLE (control), item, &value, &given, &local_error))
            {
              fl_number_entry_refuse (GTK_EDITABLE (control), local_error->message);
              if (refused == NULL)
                refused = g_error_new (local_error->domain, local_error->code,
                                       /* Translators: "Inlet temperature: “abc” is not a number" */
                                       _("%s: %s"), fl_inspection_item_string (item, "label") != NULL
                                       ? fl_inspection_item_string (item, "label") : key, local_error->message);
            }
          else if (given)
            json_object_set_double_member (results, key, value);
        }
      else if (ADW_IS_COMBO_ROW (control))
        {
          GtkStringObject *choice = adw_combo_row_get_selected_item (ADW_COMBO_ROW (control));
          if (choice != NULL)
            json_object_set_string_member (results, key, gtk_string_object_get_string (choice));
        }
      else if (ADW_IS_ENTRY_ROW (control))
        {
          const char *text = gtk_editable_get_text (GTK_EDITABLE (control));
          if (*text != '\0')
            json_object_set_string_member (results, key, text);
        }
    }
  if (refused != NULL)
    {
      g_propagate_error (error, g_steal_pointer (&refused));
      return NULL;
    }
  return g_steal_pointer (&results);
}

static void
record_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlInspectionForm *self = FL_INSPECTION_FORM (widget);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) results = collect_results (self, &error);
  g_autofree char *incident_id = NULL;
  /* A refused reading is marked at its field; nothing is recorded. */
  if (results == NULL)
    {
      fl_notice_toast (widget, error->message);
      return;
    }
  /* Off while it is saved and after: a second click must not record it again. */
  fl_widget_action_set_reason (widget, "inspection-form.record",
                               _("Recorded: change an answer to record the inspection again"));
  if (!fl_inspection_record (fl_session_get_db (self->session), self->round_id, self->ci_id, results,
                             fl_session_get_login (self->session), NULL, &incident_id, &error))
    {
      fl_widget_action_set_reason (widget, "inspection-form.record", NULL);
      fl_notice_error (widget, _("Cannot record the inspection"), error);
      return;
    }
  if (incident_id != NULL)
    {
      g_autoptr(JsonObject) incident = fl_record_load (fl_session_get_db (self->session),
                                                       fl_schema_lookup ("work_order"), incident_id, NULL);
      /* Translators: "Failed: incident INC-261122-K3F-0007 opened and assigned to you" */
      g_autofree char *text = g_strdup_printf (_("Failed: incident %s opened and assigned to you"),
                                               incident ? fl_record_get_string (incident, "ref") : incident_id);
      gtk_label_set_text (self->result_label, text);
      gtk_widget_set_css_classes (GTK_WIDGET (self->result_label), (const char *[]) { "error", NULL });
      AdwToast *toast = fl_notice_toast_new (text);
      adw_toast_set_button_label (toast, _("_Open"));
      adw_toast_set_action_name (toast, "win.show-work-order");
      adw_toast_set_action_target_value (toast, g_variant_new_string (incident_id));
      fl_notice_add_toast (widget, toast);
    }
  else
    {
      gtk_label_set_text (self->result_label, _("Passed"));
      gtk_widget_set_css_classes (GTK_WIDGET (self->result_label), (const char *[]) { "success", NULL });
      fl_notice_toast (widget, _("Inspection recorded: passed"));
    }
  gtk_widget_set_visible (GTK_WIDGET (self->result_label), TRUE);
  g_signal_emit (self, signals[RECORDED], 0, incident_id);
}

void
fl_inspection_form_set_session (FlInspectionForm *self, FlSession *session)
{
  g_set_object (&self->session, session);
}

static void
fl_inspection_form_dispose (GObject *object)
{
  FlInspectionForm *self = FL_INSPECTION_FORM (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_INSPECTION_FORM);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_inspection_form_parent_class)->dispose (object);
}

static void
fl_inspection_form_finalize (GObject *object)
{
  FlInspectionForm *self = FL_INSPECTION_FORM (object);
  g_free (self->round_id);
  g_free (self->ci_id);
  g_clear_pointer (&self->items, json_array_unref);
  g_hash_table_unref (self->controls);
  g_ptr_array_unref (self->rows);
  G_OBJECT_CLASS (fl_inspection_form_parent_class)->finalize (object);
}

static void
fl_inspection_form_class_init (FlInspectionFormClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_inspection_form_dispose;
  object_class->finalize = fl_inspection_form_finalize;

  /* ::recorded (incident id or NULL) after an inspection was recorded. */
  signals[RECORDED] = g_signal_new ("recorded", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                    0, NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_STRING);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-inspection-form.ui");
  gtk_widget_class_bind_template_child (widget_class, FlInspectionForm, title_label);
  gtk_widget_class_bind_template_child (widget_class, FlInspectionForm, subtitle_label);
  gtk_widget_class_bind_template_child (widget_class, FlInspectionForm, items_group);
  gtk_widget_class_bind_template_child (widget_class, FlInspectionForm, result_label);
  gtk_widget_class_install_action (widget_class, "inspection-form.record", NULL, record_activated);
}

static void
fl_inspection_form_init (FlInspectionForm *self)
{
  self->controls = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->rows = g_ptr_array_new ();
  gtk_widget_init_template (GTK_WIDGET (self));
}
