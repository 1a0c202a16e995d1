#include "fl-log-entry-dialog.h"

#include <fl-time.h>
#include <fl-work-order-queries.h>
#include <fl-work-order.h>
#include <glib/gi18n-lib.h>

#include "fl-format.h"
#include "fl-notice.h"
#include "fl-number-entry.h"
#include "fl-work-log-note.h"

struct _FlLogEntryDialog
{
  AdwMessageDialog  parent_instance;
  FlSession        *session;
  char             *entry_id;
  JsonObject       *current;  /* the entry as it reads now */
  char             *current_text;  /* ... and its words in this language */

  AdwEntryRow      *text_row;
  AdwActionRow     *minutes_row;
  GtkEntry         *minutes_entry;
  GtkLabel         *history_label;
};

G_DEFINE_FINAL_TYPE (FlLogEntryDialog, fl_log_entry_dialog, ADW_TYPE_MESSAGE_DIALOG)

static gboolean
counts_time (FlLogEntryDialog *self)
{
  const char *kind = fl_record_get_string (self->current, "kind");
  return g_strcmp0 (kind, "labour") == 0 || g_strcmp0 (kind, "travel") == 0;
}

/* Save is there for a change that the log would take: a note has words,
 * labour and travel a number of minutes in range (else the row says why). */
static gboolean
read_fields (FlLogEntryDialog *self, char **text, gint64 *minutes, GError **error)
{
  *minutes = 0;
  if (counts_time (self) &&
      !fl_number_entry_read (GTK_EDITABLE (self->minutes_entry), "work_log", "minutes", minutes, error))
    return FALSE;
  *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->text_row))));
  return TRUE;
}

static void
update_response_cb (FlLogEntryDialog *self)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *text = NULL;
  gint64 minutes;
  gboolean valid = read_fields (self, &text, &minutes, &error);
  adw_action_row_set_subtitle (self->minutes_row, error != NULL ? error->message : _("For labour and travel time"));
  gboolean changed = valid &&
                     (g_strcmp0 (*text != '\0' ? text : NULL, self->current_text) != 0 ||
                      minutes != fl_record_get_int (self->current, "minutes", 0));
  gboolean complete = valid && (counts_time (self) ? minutes > 0 : *text != '\0');
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (self), "save", changed && complete);
}

static void
response_cb (FlLogEntryDialog *self, const char *response)
{
  GtkWindow *parent = gtk_window_get_transient_for (GTK_WINDOW (self));
  GtkWidget *report_to = parent != NULL ? GTK_WIDGET (parent) : GTK_WIDGET (self);
  FlDb *db = fl_session_get_db (self->session);
  const char *login = fl_session_get_login (self->session);
  g_autoptr(GError) error = NULL;
  if (g_strcmp0 (response, "void") == 0)
    {
      if (!fl_work_order_void_log (db, self->entry_id, login, &error))
        fl_notice_error (report_to, _("Cannot void the entry"), error);
      else
        fl_notice_toast (report_to, _("Entry voided; it stays in the log, struck through"));
    }
  else if (g_strcmp0 (response, "save") == 0)
    {
      g_autofree char *text = NULL;
      gint64 minutes;
      if (!read_fields (self, &text, &minutes, &error) ||
          !fl_work_order_edit_log (db, self->entry_id, login, fl_record_get_string (self->current, "kind"),
                                   (int) minutes, *text != '\0' ? text : NULL, &error))
        fl_notice_error (report_to, _("Cannot correct the entry"), error);
      else
        fl_notice_toast (report_to, _("Entry corrected"));
    }
}

/* Every version, oldest first: "2026-11-22 17:30 · 张伟 — text (45 minutes)". */
static char *
describe_history (FlSession *session, GPtrArray *versions)
{
  GString *history = g_string_new (NULL);
  for (guint i = 0; i < versions->len; i++)
    {
      JsonObject *version = g_ptr_array_index (versions, i);
      g_autofree char *at = fl_format_time (fl_record_get_string (version, "at"));
      gint64 minutes = fl_record_get_int (version, "minutes", 0);
      g_autofree char *spent = minutes > 0 ? fl_time_format_minutes (minutes) : NULL;
      g_autofree char *text = fl_work_log_render (version);
      g_autofree char *author = fl_format_login (session, fl_record_get_string (version, "author"));
      if (history->len > 0)
        g_string_append_c (history, '\n');
      g_string_append_printf (history, "%s · %s — %s", at, author,
                              text != NULL ? text : "");
      if (spent != NULL)
        g_string_append_printf (history, " (%s)", spent);
      if (fl_record_get_int (version, "voided", 0) != 0)
        g_string_append_printf (history, " · %s", _("voided"));
    }
  return g_string_free (history, FALSE);
}

static void
fl_log_entry_dialog_finalize (GObject *object)
{
  FlLogEntryDialog *self = FL_LOG_ENTRY_DIALOG (object);
  g_clear_object (&self->session);
  g_free (self->entry_id);
  g_clear_pointer (&self->current, json_object_unref);
  g_free (self->current_text);
  G_OBJECT_CLASS (fl_log_entry_dialog_parent_class)->finalize (object);
}

static void
fl_log_entry_dialog_class_init (FlLogEntryDialogClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->finalize = fl_log_entry_dialog_finalize;
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-log-entry-dialog.ui");
  gtk_widget_class_bind_template_child (widget_class, FlLogEntryDialog, text_row);
  gtk_widget_class_bind_template_child (widget_class, FlLogEntryDialog, minutes_row);
  gtk_widget_class_bind_template_child (widget_class, FlLogEntryDialog, minutes_entry);
  gtk_widget_class_bind_template_child (widget_class, FlLogEntryDialog, history_label);
  gtk_widget_class_bind_template_callback (widget_class, update_response_cb);
}

static void
fl_log_entry_dialog_init (FlLogEntryDialog *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  g_signal_connect (self, "response", G_CALLBACK (response_cb), NULL);
}

FlLogEntryDialog *
fl_log_entry_dialog_new (GtkWindow *parent, FlSession *session, const char *entry_id)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) versions = fl_work_order_list_log_history (fl_session_get_db (session), entry_id, &error);
  if (versions == NULL || versions->len == 0)
    {
      if (versions != NULL)
        g_set_error_literal (&error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                             _("The entry is no longer in the replica."));
      fl_notice_error (GTK_WIDGET (parent), _("Cannot open the entry"), error);
      return NULL;
    }
  FlLogEntryDialog *self = g_object_new (FL_TYPE_LOG_ENTRY_DIALOG, "transient-for", parent, "modal", TRUE, NULL);
  self->session = g_object_ref (session);
  self->entry_id = g_strdup (entry_id);
  /* The latest version is the entry as it reads now. */
  self->current = json_object_ref (g_ptr_array_index (versions, versions->len - 1));
  self->current_text = fl_work_log_render (self->current);
  gtk_editable_set_text (GTK_EDITABLE (self->text_row), self->current_text != NULL ? self->current_text : "");
  gtk_widget_set_visible (GTK_WIDGET (self->minutes_row), counts_time (self));
  g_autofree char *minutes = g_strdup_printf ("%" G_GINT64_FORMAT, fl_record_get_int (self->current, "minutes", 0));
  gtk_editable_set_text (GTK_EDITABLE (self->minutes_entry), minutes);
  g_autofree char *history = describe_history (self->session, versions);
  gtk_label_set_text (self->history_label, history);
  update_response_cb (self);
  return self;
}
