#include "fl-blob-opener.h"

#include <glib/gi18n-lib.h>

#include "fl-notice.h"

struct _FlBlobOpener
{
  GObject    parent_instance;
  GtkWidget *page;     /* owns the opener */
  FlSession *session;
  gulong     changed_id;
  char      *waiting;  /* the blob to open once it is downloaded */
};

G_DEFINE_FINAL_TYPE (FlBlobOpener, fl_blob_opener, G_TYPE_OBJECT)

static void
emit_open (FlBlobOpener *self, const char *sha256)
{
  g_autofree char *path = fl_session_get_blob_path (self->session, sha256);
  g_autoptr(GFile) file = g_file_new_for_path (path);
  gboolean handled = FALSE;
  g_signal_emit_by_name (self->page, "open-file", file, &handled);
}

static void
blob_changed (FlBlobOpener *self, const char *table)
{
  /* A download ended: the one waited for may be here now. */
  if (self->waiting != NULL && fl_session_fetch_blob (self->session, self->waiting) == FL_BLOB_HERE)
    {
      g_autofree char *sha256 = g_steal_pointer (&self->waiting);
      emit_open (self, sha256);
    }
}

void
fl_blob_opener_set_session (FlBlobOpener *self, FlSession *session)
{
  g_return_if_fail (FL_IS_BLOB_OPENER (self));
  if (self->session != NULL)
    g_clear_signal_handler (&self->changed_id, self->session);
  g_clear_pointer (&self->waiting, g_free);
  g_set_object (&self->session, session);
  if (session != NULL)
    self->changed_id = g_signal_connect_swapped (session, "changed::blob", G_CALLBACK (blob_changed), self);
}

void
fl_blob_opener_open (FlBlobOpener *self, const char *sha256)
{
  g_return_if_fail (FL_IS_BLOB_OPENER (self) && self->session != NULL && sha256 != NULL);
  switch (fl_session_fetch_blob (self->session, sha256))
    {
    case FL_BLOB_HERE:
      g_clear_pointer (&self->waiting, g_free);
      emit_open (self, sha256);
      break;
    case FL_BLOB_DOWNLOADING:
      g_free (self->waiting);
      self->waiting = g_strdup (sha256);
      fl_notice_toast (self->page, _("Downloading the file; it opens when it is here"));
      break;
    case FL_BLOB_FAILED:
    default:
      fl_notice_toast (self->page, _("Cannot download the file now: sync, then open it again"));
      break;
    }
}

gboolean
fl_blob_opener_show_file (GtkWidget *page, GFile *file)
{
  GtkRoot *root = gtk_widget_get_root (page);
  g_autofree char *uri = g_file_get_uri (file);
  gtk_show_uri (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, uri, GDK_CURRENT_TIME);
  return TRUE;
}

static void
fl_blob_opener_dispose (GObject *object)
{
  fl_blob_opener_set_session (FL_BLOB_OPENER (object), NULL);
  G_OBJECT_CLASS (fl_blob_opener_parent_class)->dispose (object);
}

static void
fl_blob_opener_class_init (FlBlobOpenerClass *klass)
{
  G_OBJECT_CLASS (klass)->dispose = fl_blob_opener_dispose;
}

static void
fl_blob_opener_init (FlBlobOpener *self)
{
}

FlBlobOpener *
fl_blob_opener_new (GtkWidget *page)
{
  g_return_val_if_fail (GTK_IS_WIDGET (page), NULL);
  FlBlobOpener *self = g_object_new (FL_TYPE_BLOB_OPENER, NULL);
  self->page = page;
  return self;
}
