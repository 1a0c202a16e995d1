/* fl-blob-opener.h — opens a page's attached file (a change's rollback
 * plan, its test report) on request: at once when this device has it,
 * else once its download ends, saying so in a toast meanwhile.  It opens
 * by emitting the page's "open-file" signal (gboolean (GFile *), true
 * when handled), whose default handler shows the file with the desktop's
 * application and which a test catches instead. */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_BLOB_OPENER (fl_blob_opener_get_type ())
G_DECLARE_FINAL_TYPE (FlBlobOpener, fl_blob_opener, FL, BLOB_OPENER, GObject)

/* Opens files for `page` (not referenced: the page owns the opener). */
FlBlobOpener *fl_blob_opener_new (GtkWidget *page);

/* The session whose blobs it opens; NULL stops it. */
void          fl_blob_opener_set_session (FlBlobOpener *self, FlSession *session);

/* Opens the blob `sha256`, or asks for it and opens it when it is here. */
void          fl_blob_opener_open (FlBlobOpener *self, const char *sha256);

/* The default "open-file" handler: shows `file` with the desktop's
 * application for it. */
gboolean      fl_blob_opener_show_file (GtkWidget *page, GFile *file);

G_END_DECLS
