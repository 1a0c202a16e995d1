#include "fl-documents-page.h"

#include <adwaita.h>
#include <fl-catalogue.h>
#include <fl-services.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-format.h"
#include "fl-notice.h"
#include "fl-page.h"
#include "fl-record-item.h"

/* Text documents larger than this open outside the page only. */
#define MAX_SHOWN_TEXT (4 * 1024 * 1024)

/* Where a document's file is, as the page tells it. */
typedef enum {
  FILE_MISSING,      /* not downloaded yet */
  FILE_DOWNLOADING,
  FILE_FAILED,
  FILE_HERE,
} FileState;

struct _FlDocumentsPage
{
  GtkWidget            parent_instance;
  FlSession           *session;
  GListStore          *documents;
  GHashTable          *downloads;  /* sha256 -> FileState of the downloads asked for here */
  FlRecordItem        *shown;

  AdwLeaflet          *leaflet;
  GtkStack            *list_stack;
  GtkListView         *list_view;
  GtkStack            *detail_stack;
  AdwPreferencesGroup *document_group;
  AdwActionRow        *published_row;
  AdwActionRow        *file_row;
  AdwActionRow        *state_row;
  GtkWidget           *download_button;
  GtkWidget           *open_button;
  GtkWidget           *contents_group;
  GtkTextView         *text_view;
};

enum { OPEN_DOCUMENT, N_SIGNALS };
static guint signals[N_SIGNALS];

static void page_iface_init (FlPageInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlDocumentsPage, fl_documents_page, GTK_TYPE_WIDGET,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_PAGE, page_iface_init))

static char *
blob_path (FlDocumentsPage *self, JsonObject *document)
{
  return fl_session_get_blob_path (self->session, fl_record_get_string (document, "sha256"));
}

static FileState
file_state (FlDocumentsPage *self, JsonObject *document)
{
  g_autofree char *path = blob_path (self, document);
  if (g_file_test (path, G_FILE_TEST_IS_REGULAR))
    return FILE_HERE;
  gpointer state;
  if (g_hash_table_lookup_extended (self->downloads, fl_record_get_string (document, "sha256"), NULL, &state))
    return GPOINTER_TO_INT (state);
  return FILE_MISSING;
}

static void
set_badge (FlRecordItem *item, FileState state)
{
  switch (state)
    {
    case FILE_HERE:
      fl_record_item_set_badge (item, _("On this device"), "ok");
      break;
    case FILE_DOWNLOADING:
      fl_record_item_set_badge (item, _("Downloading…"), "paused");
      break;
    case FILE_FAILED:
      fl_record_item_set_badge (item, _("Download failed"), "failed");
      break;
    case FILE_MISSING:
      fl_record_item_set_badge (item, _("Not downloaded yet"), "warning");
      break;
    }
}

static gboolean
is_text (JsonObject *document)
{
  const char *mime = fl_record_get_string (document, "mime");
  return mime != NULL && g_str_has_prefix (mime, "text/");
}

/* A text document's words, inside the page: no other application needed. */
static void
show_text (FlDocumentsPage *self, JsonObject *document, FileState state)
{
  GtkTextBuffer *buffer = gtk_text_view_get_buffer (self->text_view);
  gboolean shown = state == FILE_HERE && is_text (document) &&
                   fl_record_get_int (document, "size", 0) <= MAX_SHOWN_TEXT;
  g_autofree char *contents = NULL;
  gsize length = 0;
  g_autofree char *path = blob_path (self, document);
  if (shown && !g_file_get_contents (path, &contents, &length, NULL))
    shown = FALSE;
  g_autofree char *valid = shown ? g_utf8_make_valid (contents, (gssize) length) : NULL;
  gtk_text_buffer_set_text (buffer, valid != NULL ? valid : "", -1);
  gtk_widget_set_visible (self->contents_group, shown);
}

static void
show_state (FlDocumentsPage *self, JsonObject *document, FileState state)
{
  static const struct { const char *title, *subtitle; } states[] = {
    [FILE_MISSING] = { N_("Not downloaded yet"),
                       N_("Every sync downloads it; download it now while the network is up.") },
    [FILE_DOWNLOADING] = { N_("Downloading…"), N_("It opens here as soon as it has arrived.") },
    [FILE_FAILED] = { N_("Download failed"),
                      N_("The server could not be reached or does not have the file. Sign in and sync, then try again.") },
    [FILE_HERE] = { N_("On this device"), N_("Opens with no network.") },
  };
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->state_row), _(states[state].title));
  adw_action_row_set_subtitle (self->state_row, _(states[state].subtitle));
  gtk_widget_set_visible (self->download_button, state == FILE_MISSING || state == FILE_FAILED);
  gtk_button_set_label (GTK_BUTTON (self->download_button),
                        state == FILE_FAILED ? _("_Try Again") : _("_Download Now"));
  gtk_widget_set_visible (self->open_button, state == FILE_HERE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "documents.open", state == FILE_HERE);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "documents.download",
                                 state == FILE_MISSING || state == FILE_FAILED);
  show_text (self, document, state);
}

static void
show_document (FlDocumentsPage *self, FlRecordItem *item)
{
  JsonObject *document = fl_record_item_get_record (item);
  g_set_object (&self->shown, item);
  adw_preferences_group_set_title (self->document_group, fl_record_get_string (document, "title"));
  adw_preferences_group_set_description (self->document_group,
                                         fl_document_kind_label_for_name (fl_record_get_string (document, "kind")));
  g_autofree char *when = fl_format_time (fl_record_get_string (document, "published_at"));
  /* Translators: a document's version, "Published 2026-11-20 09:00 by admin" */
  g_autofree char *published = g_strdup_printf (_("Published %s by %s"), when,
                                                fl_record_get_string (document, "published_by"));
  adw_action_row_set_subtitle (self->published_row, published);
  const char *filename = fl_record_get_string (document, "filename");
  g_autofree char *size = fl_format_size (fl_record_get_int (document, "size", 0));
  g_autofree char *file = g_strdup_printf ("%s · %s · %s", filename != NULL ? filename : "—", size,
                                           fl_record_get_string (document, "mime"));
  adw_action_row_set_subtitle (self->file_row, file);
  show_state (self, document, file_state (self, document));
  gtk_stack_set_visible_child_name (self->detail_stack, "detail");
}

/* The list again from the replica (a sync published a new version), the
 * document shown kept when it is still there. */
static void
reload (FlDocumentsPage *self)
{
  g_autofree char *shown_id = self->shown != NULL ? g_strdup (fl_record_item_get_id (self->shown)) : NULL;
  g_clear_object (&self->shown);
  g_list_store_remove_all (self->documents);
  g_autoptr(GPtrArray) rows = fl_documents_list (fl_session_get_db (self->session), NULL);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *document = g_ptr_array_index (rows, i);
      const char *id = fl_record_get_string (document, "id");
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, document);
      g_autofree char *when = fl_format_time (fl_record_get_string (document, "published_at"));
      /* Translators: a document's kind and when it was published, "Contact list · 2026-11-20 09:00" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · %s"),
          fl_document_kind_label_for_name (fl_record_get_string (document, "kind")), when);
      fl_record_item_set_title (item, fl_record_get_string (document, "title"));
      fl_record_item_set_subtitle (item, subtitle);
      set_badge (item, file_state (self, document));
      g_list_store_append (self->documents, item);
      if (g_strcmp0 (id, shown_id) == 0)
        show_document (self, item);
    }
  gtk_stack_set_visible_child_name (self->list_stack, rows != NULL && rows->len > 0 ? "list" : "empty");
  if (self->shown == NULL)
    gtk_stack_set_visible_child_name (self->detail_stack, "none");
}

/* What the session says of the download of `document`'s file, asking for
 * it when it is neither here nor on its way. */
static FileState
fetch (FlDocumentsPage *self, JsonObject *document)
{
  const char *sha = fl_record_get_string (document, "sha256");
  FileState state;
  switch (fl_session_fetch_blob (self->session, sha))
    {
    case FL_BLOB_HERE:
      state = FILE_HERE;
      break;
    case FL_BLOB_DOWNLOADING:
      state = FILE_DOWNLOADING;
      break;
    default:
      state = FILE_FAILED;
      break;
    }
  g_hash_table_insert (self->downloads, g_strdup (sha), GINT_TO_POINTER (state));
  return state;
}

/* A download ended: the file is here, or it failed. */
static void
update_downloads (FlDocumentsPage *self)
{
  GListModel *documents = G_LIST_MODEL (self->documents);
  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (documents, i);
      JsonObject *document = fl_record_item_get_record (item);
      FileState state = file_state (self, document);
      if (state == FILE_DOWNLOADING)
        state = fetch (self, document);
      set_badge (item, state);
      if (item == self->shown)
        show_state (self, document, state);
    }
}

static void
session_changed_cb (FlDocumentsPage *self, const char *table)
{
  if (g_strcmp0 (table, "blob") == 0)
    update_downloads (self);
  else if (table == NULL || g_strcmp0 (table, "document") == 0)
    reload (self);
}

static void
download_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlDocumentsPage *self = FL_DOCUMENTS_PAGE (widget);
  if (self->shown == NULL)
    return;
  JsonObject *document = fl_record_item_get_record (self->shown);
  FileState state = fetch (self, document);
  if (state == FILE_FAILED)
    fl_notice_toast (widget, _("Still cannot download it: sign in and sync first"));
  set_badge (self->shown, state);
  show_state (self, document, state);
}

/* The name the exported copy gets: the published file's own name, so the
 * default application knows its kind, else the title. */
static char *
copy_name (JsonObject *document)
{
  const char *filename = fl_record_get_string (document, "filename");
  g_autofree char *base = g_path_get_basename (filename != NULL ? filename : fl_record_get_string (document, "title"));
  if (*base == '\0' || g_strcmp0 (base, ".") == 0 || g_strcmp0 (base, "..") == 0 || strchr (base, G_DIR_SEPARATOR))
    return g_strdup (fl_record_get_string (document, "sha256"));
  return g_steal_pointer (&base);
}

/* Copies the document's file under the user's cache folder with its own
 * name: the blob store names files by checksum, which no application can
 * tell the kind of. */
static GFile *
export_copy (FlDocumentsPage *self, JsonObject *document, GError **error)
{
  g_autofree char *dir = g_build_filename (g_get_user_cache_dir (), "fieldline", "documents", NULL);
  g_autofree char *name = copy_name (document);
  g_autofree char *source_path = blob_path (self, document);
  g_autoptr(GFile) source = g_file_new_for_path (source_path);
  g_autoptr(GFile) folder = g_file_new_for_path (dir);
  g_autoptr(GFile) copy = g_file_get_child (folder, name);
  g_autoptr(GError) local_error = NULL;
  if ((!g_file_make_directory_with_parents (folder, NULL, &local_error) &&
       !g_error_matches (local_error, G_IO_ERROR, G_IO_ERROR_EXISTS)))
    {
      g_set_error (error, G_IO_ERROR, local_error->code, _("Cannot make the folder %s for a copy: %s"), dir,
                   local_error->message);
      return NULL;
    }
  g_clear_error (&local_error);
  if (!g_file_copy (source, copy, G_FILE_COPY_OVERWRITE, NULL, NULL, NULL, &local_error))
    {
      g_set_error (error, G_IO_ERROR, local_error->code, _("Cannot copy the document to %s: %s"), dir,
                   local_error->message);
      return NULL;
    }
  return g_steal_pointer (&copy);
}

static void
open_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlDocumentsPage *self = FL_DOCUMENTS_PAGE (widget);
  if (self->shown == NULL)
    return;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) copy = export_copy (self, fl_record_item_get_record (self->shown), &error);
  if (copy == NULL)
    fl_notice_error (widget, _("Cannot open the document"), error);
  else
    g_signal_emit (self, signals[OPEN_DOCUMENT], 0, copy);
}

typedef struct {
  FlDocumentsPage *page;
  char            *path;
} Launch;

static void
launched_cb (GObject *source, GAsyncResult *result, gpointer data)
{
  Launch *launch = data;
  g_autoptr(GError) error = NULL;
  if (!gtk_show_uri_full_finish (GTK_WINDOW (source), result, &error) &&
      !g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
    {
      g_autoptr(GError) reason = g_error_new (error->domain, error->code,
                                              _("%s. The copy is at %s: open it from the file manager, or install "
                                                "an application for this kind of file."), error->message, launch->path);
      fl_notice_error (GTK_WIDGET (launch->page), _("Cannot open the document"), reason);
    }
  g_object_unref (launch->page);
  g_free (launch->path);
  g_free (launch);
}

static void
fl_documents_page_real_open_document (FlDocumentsPage *self, GFile *copy)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  Launch *launch = g_new0 (Launch, 1);
  launch->page = g_object_ref (self);
  launch->path = g_file_get_path (copy);
  g_autofree char *uri = g_file_get_uri (copy);
  gtk_show_uri_full (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME, NULL,
                     launched_cb, launch);
}

static void
activate_cb (FlDocumentsPage *self, guint position)
{
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (self->documents), position);
  if (item == NULL)
    return;
  show_document (self, item);
  adw_leaflet_set_visible_child (self->leaflet, GTK_WIDGET (self->detail_stack));
}

static void
page_show_record (FlPage *page, const char *id)
{
  FlDocumentsPage *self = FL_DOCUMENTS_PAGE (page);
  GListModel *documents = G_LIST_MODEL (self->documents);
  for (guint i = 0; i < g_list_model_get_n_items (documents); i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (documents, i);
      if (g_strcmp0 (fl_record_item_get_id (item), id) == 0)
        activate_cb (self, i);
    }
}

static void
back_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  adw_leaflet_navigate (FL_DOCUMENTS_PAGE (widget)->leaflet, ADW_NAVIGATION_DIRECTION_BACK);
}

static void
page_set_session (FlPage *page, FlSession *session)
{
  FlDocumentsPage *self = FL_DOCUMENTS_PAGE (page);
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  reload (self);
}

GListModel *
fl_documents_page_get_documents (FlDocumentsPage *self)
{
  return G_LIST_MODEL (self->documents);
}

static void
fl_documents_page_dispose (GObject *object)
{
  FlDocumentsPage *self = FL_DOCUMENTS_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_DOCUMENTS_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->shown);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_documents_page_parent_class)->dispose (object);
}

static void
fl_documents_page_finalize (GObject *object)
{
  FlDocumentsPage *self = FL_DOCUMENTS_PAGE (object);
  g_clear_object (&self->documents);
  g_hash_table_unref (self->downloads);
  G_OBJECT_CLASS (fl_documents_page_parent_class)->finalize (object);
}

static void
fl_documents_page_class_init (FlDocumentsPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->dispose = fl_documents_page_dispose;
  object_class->finalize = fl_documents_page_finalize;

  signals[OPEN_DOCUMENT] = g_signal_new_class_handler ("open-document", G_TYPE_FROM_CLASS (klass),
                                                       G_SIGNAL_RUN_LAST,
                                                       G_CALLBACK (fl_documents_page_real_open_document),
                                                       NULL, NULL, NULL, G_TYPE_NONE, 1, G_TYPE_FILE);

  g_type_ensure (FL_TYPE_RECORD_ITEM);
  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class, "/io/github/fieldline/Fieldline/ui/fl-documents-page.ui");
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, leaflet);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, list_stack);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, list_view);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, detail_stack);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, document_group);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, published_row);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, file_row);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, state_row);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, download_button);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, open_button);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, contents_group);
  gtk_widget_class_bind_template_child (widget_class, FlDocumentsPage, text_view);
  gtk_widget_class_bind_template_callback (widget_class, activate_cb);
  gtk_widget_class_install_action (widget_class, "documents.open", NULL, open_activated);
  gtk_widget_class_install_action (widget_class, "documents.download", NULL, download_activated);
  gtk_widget_class_install_action (widget_class, "documents.back", NULL, back_activated);
}

static void
fl_documents_page_init (FlDocumentsPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  self->downloads = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->documents = g_list_store_new (FL_TYPE_RECORD_ITEM);
  g_autoptr(GtkNoSelection) selection = gtk_no_selection_new (g_object_ref (G_LIST_MODEL (self->documents)));
  gtk_list_view_set_model (self->list_view, GTK_SELECTION_MODEL (selection));
}

static void
page_iface_init (FlPageInterface *iface)
{
  iface->set_session = page_set_session;
  iface->show_record = page_show_record;
}
