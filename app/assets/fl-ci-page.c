#include "fl-ci-page.h"

#include <adwaita.h>
#include <glib/gi18n-lib.h>

#include "fl-change-workflow.h"
#include "fl-disabled-reason.h"
#include "fl-format.h"
#include "fl-notice.h"
#include "fl-problem-workflow.h"

struct _FlCiPage
{
  GtkWidget     parent_instance;
  FlSession    *session;
  char         *id;
  JsonObject   *row;
  gboolean      show_back;

  GtkScrolledWindow *scroller;
  GtkLabel     *title_label;
  GtkLabel     *subtitle_label;
  GtkListBox   *details_list;
  GtkListBox   *relations_list;
  GtkListBox   *history_list;
  AdwComboRow  *field_row;
  AdwEntryRow  *value_row;
  AdwEntryRow  *reason_row;
};

G_DEFINE_FINAL_TYPE (FlCiPage, fl_ci_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SHOW_BACK, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The fields shown, in order; those an engineer may propose to correct. */
static const struct {
  const char *column;
  gboolean    correctable;
} fields[] = {
  { "type", FALSE },
  { "status", FALSE },
  { "model", TRUE },
  { "serial", TRUE },
  { "revision", TRUE },
  { "contract_no", TRUE },
  { "location", TRUE },
  { "system", TRUE },
  { "owner", TRUE },
  { "warranty_until", TRUE },
  { "description", TRUE },
  { "name", TRUE },
};

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

/* A row of a list; with `target`, activating it opens that record (with
 * the window's action `action`, or on this page when NULL). */
static GtkWidget *
add_row (GtkListBox *list, const char *title, const char *subtitle, const char *target, const char *action)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL && *subtitle != '\0' ? subtitle : "—");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  if (target != NULL)
    {
      gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (row), TRUE);
      g_object_set_data_full (G_OBJECT (row), "target", g_strdup (target), g_free);
      g_object_set_data (G_OBJECT (row), "action", (gpointer) action);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), gtk_image_new_from_icon_name ("go-next-symbolic"));
    }
  gtk_list_box_append (list, row);
  return row;
}

static void
load_relations (FlCiPage *self, FlDb *db)
{
  clear_list (self->relations_list);
  /* Both directions: "depends on X" and "X depends on this". */
  g_autoptr(GPtrArray) relations = fl_ci_list_relations (db, self->id, NULL);
  for (guint i = 0; relations != NULL && i < relations->len; i++)
    {
      JsonObject *relation = g_ptr_array_index (relations, i);
      g_autofree char *kind = g_strdelimit (g_strdup (fl_record_get_string (relation, "kind")), "_", ' ');
      g_autofree char *title = g_strdup_printf ("%s — %s", fl_record_get_string (relation, "code"),
                                                fl_record_get_string (relation, "name"));
      /* Translators: a relation seen from the other item, "is the target of: depends on" */
      g_autofree char *subtitle = fl_record_get_int (relation, "outgoing", 0)
        ? g_strdup (kind) : g_strdup_printf (_("the other way: %s this"), kind);
      add_row (self->relations_list, title, subtitle, fl_record_get_string (relation, "other_id"), NULL);
    }
  if (gtk_widget_get_first_child (GTK_WIDGET (self->relations_list)) == NULL)
    add_row (self->relations_list, _("No relations recorded"), NULL, NULL, NULL);
}

static void
load_history (FlCiPage *self, FlDb *db)
{
  clear_list (self->history_list);
  g_autoptr(GPtrArray) history = fl_ci_list_history (db, self->id, NULL);
  for (guint i = 0; history != NULL && i < history->len; i++)
    {
      JsonObject *event = g_ptr_array_index (history, i);
      g_autofree char *when = fl_format_time (fl_record_get_string (event, "at"));
      const char *what = fl_record_get_string (event, "what");
      const char *title = fl_record_get_string (event, "title");
      const char *detail = fl_record_get_string (event, "detail");
      if (g_str_equal (what, "work_order"))
        {
          g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, fl_work_order_status_label_for_name (detail));
          add_row (self->history_list, title, subtitle, fl_record_get_string (event, "target"), "win.show-work-order");
        }
      else if (g_str_equal (what, "inspection"))
        {
          const char *outcome = g_strcmp0 (title, "fail") == 0 ? _("Inspection failed") : _("Inspection passed");
          g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, detail);
          add_row (self->history_list, outcome, subtitle, NULL, NULL);
        }
      else if (g_str_equal (what, "change_record") || g_str_equal (what, "problem"))
        {
          gboolean change = g_str_equal (what, "change_record");
          const char *status = fl_record_get_string (event, "status");
          /* Translators: a change or a problem in a CI's history, "Major change: CHG-… Move the UPS" */
          g_autofree char *heading = g_strdup_printf (_("%s: %s"), change ? fl_change_kind_label_for_name (detail)
                                                                          : _("Problem"), title);
          g_autofree char *subtitle = g_strdup_printf ("%s · %s", when,
                                                       change ? fl_change_status_label_for_name (status)
                                                              : fl_problem_status_label_for_name (status));
          add_row (self->history_list, heading, subtitle, fl_record_get_string (event, "target"),
                   change ? "win.show-change" : "win.show-problem");
        }
      else
        {
          /* Translators: "Correction proposed: {"location": ...}" */
          g_autofree char *proposed = g_strdup_printf (_("Correction proposed: %s"), title);
          g_autofree char *subtitle = g_strdup_printf ("%s · %s", when, detail);
          add_row (self->history_list, proposed, subtitle, NULL, NULL);
        }
    }
  if (gtk_widget_get_first_child (GTK_WIDGET (self->history_list)) == NULL)
    add_row (self->history_list, _("Nothing recorded yet"), NULL, NULL, NULL);
}

/* Why the correction in the form cannot be proposed (NULL: it can), with
 * what it would propose. */
static const char *
propose_refusal (FlCiPage *self, const char **column, const char **current, char **value, char **reason)
{
  *column = *current = NULL;
  *value = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->value_row))));
  *reason = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->reason_row))));
  if (self->row == NULL)
    return _("This item is no longer in the replica");
  GtkStringObject *label = adw_combo_row_get_selected_item (self->field_row);
  for (guint i = 0; label != NULL && i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fl_format_ci_field (fields[i].column), gtk_string_object_get_string (label)) == 0)
      *column = fields[i].column;
  *current = *column != NULL ? fl_record_get_string (self->row, *column) : NULL;
  if (*column == NULL || g_strcmp0 (*current != NULL ? *current : "", *value) == 0)
    return _("Enter the correct value: it is the same as the record's");
  if (**reason == '\0')
    return _("Say why the record is wrong, for the reviewer");
  return NULL;
}

/* The button says what the form still lacks while it lacks it. */
static void
update_propose (FlCiPage *self)
{
  const char *column, *current;
  g_autofree char *value = NULL, *reason = NULL;
  fl_widget_action_set_reason (GTK_WIDGET (self), "ci.propose",
                               propose_refusal (self, &column, &current, &value, &reason));
}

static void
field_changed_cb (FlCiPage *self)
{
  GtkStringObject *label = adw_combo_row_get_selected_item (self->field_row);
  if (self->row == NULL || label == NULL)
    return;
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (g_strcmp0 (fl_format_ci_field (fields[i].column), gtk_string_object_get_string (label)) == 0)
      {
        const char *value = fl_record_get_string (self->row, fields[i].column);
        gtk_editable_set_text (GTK_EDITABLE (self->value_row), value != NULL ? value : "");
      }
  update_propose (self);
}

static void
reload (FlCiPage *self)
{
  if (self->session == NULL || self->id == NULL)
    return;
  FlDb *db = fl_session_get_db (self->session);
  g_clear_pointer (&self->row, json_object_unref);
  self->row = fl_record_load (db, fl_schema_lookup ("ci"), self->id, NULL);
  clear_list (self->details_list);
  update_propose (self);
  if (self->row == NULL)
    {
      gtk_label_set_text (self->title_label, _("This item is no longer in the replica"));
      return;
    }
  g_autofree char *title = g_strdup_printf ("%s — %s", fl_record_get_string (self->row, "code"),
                                            fl_record_get_string (self->row, "name"));
  gtk_label_set_text (self->title_label, title);
  const char *site_id = fl_record_get_string (self->row, "site_id");
  g_autoptr(JsonObject) site_row = site_id != NULL ? fl_record_load (db, fl_schema_lookup ("site"), site_id, NULL) : NULL;
  const char *site = site_row != NULL ? fl_record_get_string (site_row, "name") : NULL;
  gtk_label_set_text (self->subtitle_label, site != NULL ? site : "");
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (!g_str_equal (fields[i].column, "name"))
      {
        const char *value = fl_record_get_string (self->row, fields[i].column);
        add_row (self->details_list, fl_format_ci_field (fields[i].column),
                 g_str_equal (fields[i].column, "status") ? fl_format_ci_status (value) : value, NULL, NULL);
      }
  load_relations (self, db);
  load_history (self, db);
  field_changed_cb (self);
}

void
fl_ci_page_load (FlCiPage *self, const char *ci_id)
{
  if (g_strcmp0 (self->id, ci_id) != 0)
    {
      g_free (self->id);
      self->id = g_strdup (ci_id);
      gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
    }
  reload (self);
}

const char *
fl_ci_page_get_id (FlCiPage *self)
{
  return self->id;
}

static void
relation_activated_cb (FlCiPage *self, GtkListBoxRow *row)
{
  const char *target = g_object_get_data (G_OBJECT (row), "target");
  if (target != NULL)
    fl_ci_page_load (self, target);
}

static void
history_activated_cb (FlCiPage *self, GtkListBoxRow *row)
{
  const char *target = g_object_get_data (G_OBJECT (row), "target");
  const char *action = g_object_get_data (G_OBJECT (row), "action");
  if (target != NULL && action != NULL)
    gtk_widget_activate_action (GTK_WIDGET (self), action, "s", target);
}

static void
propose_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlCiPage *self = FL_CI_PAGE (widget);
  const char *column, *current;
  g_autofree char *value = NULL, *reason = NULL;
  const char *refusal = propose_refusal (self, &column, &current, &value, &reason);
  if (refusal != NULL)
    {
      fl_notice_toast (widget, refusal);
      return;
    }
  g_autoptr(GError) error = NULL;
  if (!fl_ci_propose_change (fl_session_get_db (self->session), self->id, column, current,
                             *value != '\0' ? value : NULL, reason, fl_session_get_login (self->session),
                             NULL, &error))
    {
      fl_notice_error (widget, _("Cannot propose the correction"), error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->reason_row), "");
  fl_notice_toast (widget, _("Correction proposed: a supervisor reviews it after sync"));
}

static void
session_changed_cb (FlCiPage *self, const char *table)
{
  static const char * const shown[] = {
    "ci", "ci_relation", "work_order", "inspection", "ci_change_proposal", "change_record", "problem",
    "problem_link", "site",
  };
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (table == NULL || g_strcmp0 (table, shown[i]) == 0)
      {
        reload (self);
        return;
      }
}

void
fl_ci_page_set_session (FlCiPage *self, FlSession *session)
{
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
}

static void
fl_ci_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_SHOW_BACK:
      g_value_set_boolean (value, FL_CI_PAGE (object)->show_back);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_ci_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlCiPage *self = FL_CI_PAGE (object);
  switch (prop_id)
    {
    case PROP_SHOW_BACK:
      if (self->show_back != g_value_get_boolean (value))
        {
          self->show_back = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_ci_page_dispose (GObject *object)
{
  FlCiPage *self = FL_CI_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_CI_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_ci_page_parent_class)->dispose (object);
}

static void
fl_ci_page_finalize (GObject *object)
{
  FlCiPage *self = FL_CI_PAGE (object);
  g_free (self->id);
  g_clear_pointer (&self->row, json_object_unref);
  G_OBJECT_CLASS (fl_ci_page_parent_class)->finalize (object);
}

static void
fl_ci_page_class_init (FlCiPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->get_property = fl_ci_page_get_property;
  object_class->set_property = fl_ci_page_set_property;
  object_class->dispose = fl_ci_page_dispose;
  object_class->finalize = fl_ci_page_finalize;

  properties[PROP_SHOW_BACK] = g_param_spec_boolean ("show-back", NULL, NULL, FALSE,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-ci-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FlCiPage, name)
  CHILD (scroller);
  CHILD (title_label);
  CHILD (subtitle_label);
  CHILD (details_list);
  CHILD (relations_list);
  CHILD (history_list);
  CHILD (field_row);
  CHILD (value_row);
  CHILD (reason_row);
#undef CHILD
  gtk_widget_class_bind_template_callback (widget_class, relation_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, history_activated_cb);
  gtk_widget_class_bind_template_callback (widget_class, field_changed_cb);
  gtk_widget_class_install_action (widget_class, "ci.propose", NULL, propose_activated);
}

static void
fl_ci_page_init (FlCiPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_autoptr(GtkStringList) correctable = gtk_string_list_new (NULL);
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    if (fields[i].correctable)
      gtk_string_list_append (correctable, fl_format_ci_field (fields[i].column));
  adw_combo_row_set_model (self->field_row, G_LIST_MODEL (correctable));
  g_signal_connect_swapped (self->value_row, "changed", G_CALLBACK (update_propose), self);
  g_signal_connect_swapped (self->reason_row, "changed", G_CALLBACK (update_propose), self);
  update_propose (self);
}
