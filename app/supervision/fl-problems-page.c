#include "fl-problems-page.h"

#include <adwaita.h>
#include <fl-change-workflow.h>
#include <fl-change.h>
#include <fl-problem-workflow.h>
#include <fl-problem.h>
#include <fl-record-store.h>
#include <fl-time.h>
#include <glib/gi18n-lib.h>

#include "fl-blob-opener.h"
#include "fl-format.h"
#include "fl-notice.h"
#include "fl-page.h"

struct _FlProblemsPage
{
  GtkWidget       parent_instance;
  FlSession      *session;
  guint           n_proposals;

  GtkSearchEntry *search_entry;
  GtkListBox     *known_errors_list;
  GtkListBox     *proposals_list;
  GtkListBox     *problems_list;
  GtkListBox     *changes_list;

  FlBlobOpener   *opener;   /* a change's documents */
  char           *shown;    /* the problem or change asked for (show_record), kept open across reloads */
};

enum { OPEN_FILE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlProblemsPage, fl_problems_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static void
clear_list (GtkListBox *list)
{
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (list))) != NULL)
    gtk_list_box_remove (list, child);
}

static GtkWidget *
add_row (GtkListBox *list, const char *title, const char *subtitle)
{
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle != NULL && *subtitle != '\0' ? subtitle : "—");
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  gtk_list_box_append (list, row);
  return row;
}

static void
add_empty_row (GtkListBox *list, const char *text)
{
  if (gtk_widget_get_first_child (GTK_WIDGET (list)) == NULL)
    add_row (list, text, NULL);
}

static char *
ref_and_title (JsonObject *row)
{
  return g_strdup_printf ("%s %s", fl_record_get_string (row, "ref"), fl_record_get_string (row, "title"));
}

static void
load_known_errors (FlProblemsPage *self, FlDb *db)
{
  clear_list (self->known_errors_list);
  g_autofree char *words = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->search_entry))));
  g_autoptr(GPtrArray) rows = fl_problem_search_known_errors (db, *words != '\0' ? words : NULL, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      g_autofree char *title = ref_and_title (row);
      const char *ci = fl_record_get_string (row, "ci_code");
      const char *solution = fl_record_get_string (row, "solution");
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_string_append_printf (subtitle, _("Root cause: %s"), fl_record_get_string (row, "root_cause"));
      g_string_append_c (subtitle, '\n');
      g_string_append_printf (subtitle, _("Workaround: %s"), fl_record_get_string (row, "workaround"));
      if (solution != NULL)
        {
          g_string_append_c (subtitle, '\n');
          g_string_append_printf (subtitle, _("Solution: %s"), solution);
        }
      if (ci != NULL)
        g_string_append_printf (subtitle, "\n%s %s", ci, fl_record_get_string (row, "ci_name"));
      add_row (self->known_errors_list, title, subtitle->str);
    }
  add_empty_row (self->known_errors_list, *words != '\0' ? _("No known error matches") : _("No known errors yet"));
}

static void
open_proposal_cb (GtkButton *button, FlProblemsPage *self)
{
  JsonObject *proposal = g_object_get_data (G_OBJECT (button), "proposal");
  FlDb *db = fl_session_get_db (self->session);
  const char *login = fl_session_get_login (self->session);
  g_autoptr(GError) error = NULL;
  gboolean opened = g_strcmp0 (fl_record_get_string (proposal, "reason"), "recurrence") == 0
    ? fl_problem_open_for_recurrence (db, fl_record_get_string (proposal, "ci_id"), fl_time_now (), login, NULL, &error)
    : fl_problem_open_from_incident (db, fl_record_get_string (proposal, "work_order_id"), login, NULL, &error);
  if (!opened)
    fl_notice_error (GTK_WIDGET (self), _("Cannot open a problem"), error);
  else
    fl_notice_toast (GTK_WIDGET (self), _("Problem opened"));
}

static void
load_proposals (FlProblemsPage *self, FlDb *db)
{
  clear_list (self->proposals_list);
  g_autoptr(GPtrArray) rows = fl_problem_list_proposals (db, fl_time_now (), NULL);
  self->n_proposals = rows != NULL ? rows->len : 0;
  gboolean may_open = fl_access_check_write (fl_session_get_role (self->session), "problem", "insert", NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      gboolean recurrence = g_strcmp0 (fl_record_get_string (row, "reason"), "recurrence") == 0;
      g_autofree char *title = recurrence
        ? g_strdup_printf ("%s %s", fl_record_get_string (row, "ci_code"), fl_record_get_string (row, "ci_name"))
        : ref_and_title (row);
      g_autofree char *subtitle = recurrence
        ? g_strdup_printf (_("%d incidents of unknown cause"), (int) fl_record_get_int (row, "incidents", 0))
        : g_strdup (_("Major incident closed"));
      GtkWidget *item = add_row (self->proposals_list, title, subtitle);
      GtkWidget *button = gtk_button_new_with_mnemonic (_("_Open Problem"));
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_set_sensitive (button, may_open);
      g_object_set_data_full (G_OBJECT (button), "proposal", json_object_ref (row), (GDestroyNotify) json_object_unref);
      g_signal_connect (button, "clicked", G_CALLBACK (open_proposal_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (item), button);
    }
  add_empty_row (self->proposals_list, _("Nothing calls for a problem"));
}

/* Each problem and change opens to what its next states need and a
 * button for each state the user may move it to now. */
static GtkWidget *
add_entry (AdwExpanderRow *row, const char *name, const char *title, const char *text)
{
  GtkWidget *entry = adw_entry_row_new ();
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (entry), title);
  gtk_editable_set_text (GTK_EDITABLE (entry), text != NULL ? text : "");
  gtk_widget_set_name (entry, name);
  adw_expander_row_add_row (row, entry);
  return entry;
}

static void
collect_entries (GtkWidget *widget, JsonObject *values)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL; child = gtk_widget_get_next_sibling (child))
    {
      if (ADW_IS_ENTRY_ROW (child))
        {
          g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (child))));
          if (*text != '\0')
            json_object_set_string_member (values, gtk_widget_get_name (child), text);
        }
      else
        collect_entries (child, values);
    }
}

static void
move_clicked_cb (GtkButton *button, FlProblemsPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_EXPANDER_ROW);
  const char *table = g_object_get_data (G_OBJECT (row), "table");
  const char *id = g_object_get_data (G_OBJECT (row), "id");
  const char *to = g_object_get_data (G_OBJECT (button), "status");
  FlDb *db = fl_session_get_db (self->session);
  FlRole role = fl_session_get_role (self->session);
  const char *login = fl_session_get_login (self->session);
  g_autoptr(JsonObject) values = json_object_new ();
  collect_entries (row, values);
  g_autoptr(GError) error = NULL;
  gboolean moved;
  if (g_strcmp0 (table, "problem") == 0)
    {
      json_object_set_string_member (values, "status", to);
      moved = fl_problem_update (db, id, role, login, values, &error);
    }
  else
    moved = fl_change_move (db, id, role, login, to, fl_record_get_string (values, "review"), &error);
  if (!moved)
    fl_notice_error (GTK_WIDGET (self), _("Cannot change its state"), error);
}

static void
add_moves (FlProblemsPage *self, AdwExpanderRow *row, const char **moves, guint n, gboolean change)
{
  GtkWidget *box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
  gtk_widget_set_margin_top (box, 6);
  gtk_widget_set_margin_bottom (box, 6);
  gtk_widget_set_margin_start (box, 12);
  for (guint i = 0; i < n; i++)
    {
      GtkWidget *button = gtk_button_new_with_label (change ? fl_change_status_label_for_name (moves[i])
                                                            : fl_problem_status_label_for_name (moves[i]));
      g_object_set_data (G_OBJECT (button), "status", (gpointer) moves[i]);
      g_signal_connect (button, "clicked", G_CALLBACK (move_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), button);
    }
  if (n > 0)
    adw_expander_row_add_row (row, box);
  adw_expander_row_set_enable_expansion (row, n > 0);
}

static AdwExpanderRow *
add_expander (GtkListBox *list, const char *table, const char *id, const char *title, const char *subtitle)
{
  AdwExpanderRow *row = ADW_EXPANDER_ROW (adw_expander_row_new ());
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
  adw_expander_row_set_subtitle (row, subtitle);
  g_object_set_data (G_OBJECT (row), "table", (gpointer) table);
  g_object_set_data_full (G_OBJECT (row), "id", g_strdup (id), g_free);
  gtk_list_box_append (list, GTK_WIDGET (row));
  return row;
}

static void
load_problems (FlProblemsPage *self, FlDb *db)
{
  clear_list (self->problems_list);
  g_autoptr(GPtrArray) rows = fl_problem_list (db, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      g_autofree char *title = ref_and_title (row);
      const char *ci = fl_record_get_string (row, "ci_code");
      const char *assignee = fl_record_get_string (row, "assignee");
      /* Translators: a problem's status, level (问题分级), CI, assignee and linked incidents:
       * "Investigating · level 2 · UPS-01 · li.wei · 4 incidents" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · level %d · %s · %s · %d incidents"),
                                                   fl_problem_status_label_for_name (fl_record_get_string (row, "status")),
                                                   (int) fl_record_get_int (row, "priority", 3), ci != NULL ? ci : "—",
                                                   assignee != NULL ? assignee : "—",
                                                   (int) fl_record_get_int (row, "incidents", 0));
      const char *id = fl_record_get_string (row, "id");
      AdwExpanderRow *item = add_expander (self->problems_list, "problem", id, title, subtitle);
      g_autoptr(JsonObject) problem = fl_record_load (db, fl_schema_lookup ("problem"), id, NULL);
      const char *moves[8];
      guint n = problem == NULL ? 0 : fl_problem_allowed_moves (fl_session_get_role (self->session),
                                                                fl_session_get_login (self->session), problem,
                                                                moves, G_N_ELEMENTS (moves));
      if (n > 0 && fl_session_get_role (self->session) != FL_ROLE_ENGINEER)
        add_entry (item, "assignee", _("Assignee (login)"), fl_record_get_string (problem, "assignee"));
      if (n > 0)
        {
          add_entry (item, "root_cause", _("Root cause"), fl_record_get_string (problem, "root_cause"));
          add_entry (item, "workaround", _("Workaround"), fl_record_get_string (problem, "workaround"));
          add_entry (item, "solution", _("Solution"), fl_record_get_string (problem, "solution"));
        }
      add_moves (self, item, moves, n, FALSE);
    }
  add_empty_row (self->problems_list, _("No problems recorded"));
}

/* ---- a change's documents ---- */

static void
open_clicked_cb (GtkButton *button, FlProblemsPage *self)
{
  fl_blob_opener_open (self->opener, g_object_get_data (G_OBJECT (button), "sha256"));
}

typedef struct {
  FlProblemsPage *page;
  char           *change_id;
  char           *document;
  char           *filename;
} Attach;

static void
attach_free (Attach *attach)
{
  g_object_unref (attach->page);
  g_free (attach->change_id);
  g_free (attach->document);
  g_free (attach->filename);
  g_free (attach);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attach, attach_free)

static void
document_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Attach) attach = user_data;
  FlProblemsPage *self = attach->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  if (self->session == NULL)
    return;  /* the window closed while the file was read */
  g_autofree char *sha = bytes != NULL ? fl_session_store_blob (self->session, bytes, &error) : NULL;
  gsize size = bytes != NULL ? g_bytes_get_size (bytes) : 0;
  g_autofree char *content_type = bytes != NULL
    ? g_content_type_guess (attach->filename, g_bytes_get_data (bytes, NULL), MIN (size, 4096), NULL) : NULL;
  g_autofree char *mime = content_type != NULL ? g_content_type_get_mime_type (content_type) : NULL;
  if (sha == NULL ||
      !fl_change_attach (fl_session_get_db (self->session), attach->change_id, attach->document, attach->filename,
                         mime != NULL ? mime : "application/octet-stream", sha, size,
                         fl_session_get_login (self->session), &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot attach the document"), error);
      return;
    }
  /* Translators: "Rollback plan attached" */
  g_autofree char *text = g_strdup_printf (_("%s attached"), fl_change_document_label_for_name (attach->document));
  fl_notice_toast (GTK_WIDGET (self), text);
}

void
fl_problems_page_attach_file (FlProblemsPage *self, const char *change_id, const char *document, GFile *file)
{
  g_return_if_fail (FL_IS_PROBLEMS_PAGE (self) && change_id != NULL && G_IS_FILE (file));
  Attach *attach = g_new0 (Attach, 1);
  attach->page = g_object_ref (self);
  attach->change_id = g_strdup (change_id);
  attach->document = g_strdup (document);
  attach->filename = g_file_get_basename (file);
  g_file_load_bytes_async (file, NULL, document_loaded_cb, attach);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  FlProblemsPage *self = user_data;
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  if (file != NULL)
    fl_problems_page_attach_file (self, g_object_get_data (G_OBJECT (chooser), "change"),
                                  g_object_get_data (G_OBJECT (chooser), "document"), file);
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
attach_clicked_cb (GtkButton *button, FlProblemsPage *self)
{
  GtkWidget *row = gtk_widget_get_ancestor (GTK_WIDGET (button), ADW_TYPE_EXPANDER_ROW);
  const char *document = g_object_get_data (G_OBJECT (button), "document");
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (gtk_button_get_label (button),
                                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Attach"), _("_Cancel"));
  g_object_set_data_full (G_OBJECT (chooser), "change", g_strdup (g_object_get_data (G_OBJECT (row), "id")), g_free);
  g_object_set_data (G_OBJECT (chooser), "document", (gpointer) document);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (self));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* The files attached to `change`, each with a button to open it, and a
 * button to attach each document it may still take; returns whether it
 * shows any. */
static gboolean
add_documents (FlProblemsPage *self, FlDb *db, AdwExpanderRow *item, JsonObject *change)
{
  static const struct { const char *document, *column, *label; } documents[] = {
    { "rollback_plan", "rollback_plan_attachment", N_("Attach Rollback Plan…") },
    { "test_report", "test_report_attachment", N_("Attach Test Report…") },
  };
  gboolean shown = FALSE;
  g_autoptr(GPtrArray) files = fl_change_list_attachments (db, fl_record_get_string (change, "id"), NULL);
  for (guint i = 0; files != NULL && i < files->len; i++)
    {
      JsonObject *file = files->pdata[i];
      const char *document = fl_record_get_string (file, "document");
      /* Translators: a change's attached file, "Rollback plan: 回退方案.pdf" */
      g_autofree char *title = g_strdup_printf (_("%s: %s"),
                                                document != NULL ? fl_change_document_label_for_name (document)
                                                                 : _("Replaced"),
                                                fl_record_get_string (file, "filename"));
      g_autofree char *size = fl_format_size (fl_record_get_int (file, "size", 0));
      g_autofree char *when = fl_format_time (fl_record_get_string (file, "at"));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", size, fl_record_get_string (file, "by"), when);
      GtkWidget *row = adw_action_row_new ();
      adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), title);
      adw_action_row_set_subtitle (ADW_ACTION_ROW (row), subtitle);
      gtk_widget_set_name (row, document != NULL ? document : "replaced");
      GtkWidget *open = gtk_button_new_with_label (C_("file", "Open"));
      gtk_widget_set_valign (open, GTK_ALIGN_CENTER);
      g_object_set_data_full (G_OBJECT (open), "sha256", g_strdup (fl_record_get_string (file, "sha256")), g_free);
      g_signal_connect (open, "clicked", G_CALLBACK (open_clicked_cb), self);
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), open);
      adw_expander_row_add_row (item, row);
      shown = TRUE;
    }
  GtkWidget *box = NULL;
  const char *status = fl_record_get_string (change, "status");
  for (guint i = 0; i < G_N_ELEMENTS (documents); i++)
    {
      if (!fl_change_check_field (status, documents[i].column, NULL))
        continue;
      if (box == NULL)
        {
          box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 6);
          gtk_widget_set_margin_top (box, 6);
          gtk_widget_set_margin_bottom (box, 6);
          gtk_widget_set_margin_start (box, 12);
          adw_expander_row_add_row (item, box);
        }
      GtkWidget *button = gtk_button_new_with_label (_(documents[i].label));
      gtk_widget_set_name (button, documents[i].column);
      g_object_set_data (G_OBJECT (button), "document", (gpointer) documents[i].document);
      g_signal_connect (button, "clicked", G_CALLBACK (attach_clicked_cb), self);
      gtk_box_append (GTK_BOX (box), button);
      shown = TRUE;
    }
  return shown;
}

static void
load_changes (FlProblemsPage *self, FlDb *db)
{
  clear_list (self->changes_list);
  g_autoptr(GPtrArray) rows = fl_change_list (db, NULL, NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = rows->pdata[i];
      g_autofree char *title = ref_and_title (row);
      const char *ci = fl_record_get_string (row, "ci_code");
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s",
                                                   fl_change_kind_label_for_name (fl_record_get_string (row, "kind")),
                                                   fl_change_status_label_for_name (fl_record_get_string (row, "status")),
                                                   ci != NULL ? ci : "—");
      const char *id = fl_record_get_string (row, "id");
      AdwExpanderRow *item = add_expander (self->changes_list, "change_record", id, title, subtitle);
      g_autoptr(JsonObject) change = fl_record_load (db, fl_schema_lookup ("change_record"), id, NULL);
      const char *moves[8];
      guint n = change == NULL ? 0 : fl_change_allowed_moves (fl_session_get_role (self->session),
                                                              fl_session_get_login (self->session), change,
                                                              moves, G_N_ELEMENTS (moves));
      for (guint m = 0; m < n; m++)
        if (g_strcmp0 (moves[m], "reviewed") == 0)
          add_entry (item, "review", _("Post-implementation review"), fl_record_get_string (change, "review"));
      gboolean documents = change != NULL && add_documents (self, db, item, change);
      add_moves (self, item, moves, n, TRUE);
      if (documents)
        adw_expander_row_set_enable_expansion (item, TRUE);
    }
  add_empty_row (self->changes_list, _("No changes recorded"));
}

/* Expands the row of the problem or change shown, and with `focus` gives
 * it the keyboard focus (which scrolls to it) when it is on screen. */
static void
expand_shown (FlProblemsPage *self, gboolean focus)
{
  GtkListBox *lists[] = { self->problems_list, self->changes_list };
  for (guint l = 0; self->shown != NULL && l < G_N_ELEMENTS (lists); l++)
    for (GtkWidget *row = gtk_widget_get_first_child (GTK_WIDGET (lists[l])); row != NULL;
         row = gtk_widget_get_next_sibling (row))
      if (ADW_IS_EXPANDER_ROW (row) && g_strcmp0 (g_object_get_data (G_OBJECT (row), "id"), self->shown) == 0)
        {
          adw_expander_row_set_expanded (ADW_EXPANDER_ROW (row), TRUE);
          if (focus)
            gtk_widget_grab_focus (row);
          return;
        }
}

static void
reload (FlProblemsPage *self)
{
  if (self->session == NULL)
    return;
  FlDb *db = fl_session_get_db (self->session);
  load_known_errors (self, db);
  load_proposals (self, db);
  load_problems (self, db);
  load_changes (self, db);
  expand_shown (self, FALSE);
}

/* A problem or a change opened from elsewhere (a CI's history). */
static void
page_show_record (FlPage *page, const char *id)
{
  FlProblemsPage *self = FL_PROBLEMS_PAGE (page);
  g_free (self->shown);
  self->shown = g_strdup (id);
  expand_shown (self, TRUE);
}

const char *
fl_problems_page_get_shown (FlProblemsPage *self)
{
  g_return_val_if_fail (FL_IS_PROBLEMS_PAGE (self), NULL);
  return self->shown;
}

static void
search_changed_cb (FlProblemsPage *self)
{
  if (self->session != NULL)
    load_known_errors (self, fl_session_get_db (self->session));
}

static void
session_changed_cb (FlProblemsPage *self, const char *table)
{
  static const char * const shown[] = { "problem", "problem_link", "change_record", "work_order", "ci", "site",
                                        "attachment", NULL };
  if (g_strcmp0 (table, "blob") == 0)
    return;
  if (table == NULL || g_strv_contains (shown, table))
    reload (self);
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlProblemsPage *self = FL_PROBLEMS_PAGE (page);
  g_set_object (&self->session, session);
  fl_blob_opener_set_session (self->opener, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  reload (self);
}

static gboolean
page_focus_search (FlPage *page)
{
  gtk_widget_grab_focus (GTK_WIDGET (FL_PROBLEMS_PAGE (page)->search_entry));
  return TRUE;
}

static gint64
page_count_attention (FlPage *page)
{
  FlProblemsPage *self = FL_PROBLEMS_PAGE (page);
  gboolean supervisor = self->session != NULL && fl_session_get_role (self->session) == FL_ROLE_SUPERVISOR;
  return supervisor ? self->n_proposals : 0;
}

static void
fl_problems_page_dispose (GObject *object)
{
  FlProblemsPage *self = FL_PROBLEMS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_PROBLEMS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  g_clear_object (&self->opener);
  g_clear_pointer (&self->shown, g_free);
  G_OBJECT_CLASS (fl_problems_page_parent_class)->dispose (object);
}

static void
fl_problems_page_class_init (FlProblemsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_problems_page_dispose;

  signals[OPEN_FILE] = g_signal_new_class_handler ("open-file", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                                   G_CALLBACK (fl_blob_opener_show_file),
                                                   g_signal_accumulator_true_handled, NULL, NULL,
                                                   G_TYPE_BOOLEAN, 1, G_TYPE_FILE);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-problems-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlProblemsPage, search_entry);
  gtk_widget_class_bind_template_child (widget_class, FlProblemsPage, known_errors_list);
  gtk_widget_class_bind_template_child (widget_class, FlProblemsPage, proposals_list);
  gtk_widget_class_bind_template_child (widget_class, FlProblemsPage, problems_list);
  gtk_widget_class_bind_template_child (widget_class, FlProblemsPage, changes_list);
  gtk_widget_class_bind_template_callback (widget_class, search_changed_cb);
}

static void
fl_problems_page_init (FlProblemsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->opener = fl_blob_opener_new (GTK_WIDGET (self));
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
  iface->show_record = page_show_record;
  iface->focus_search = page_focus_search;
  iface->count_attention = page_count_attention;
}
