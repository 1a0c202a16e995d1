/* fl-documents-page.h — the documents every replica keeps (文档: the
 * service continuity plan, the contact list, the contract list; 002 6.3,
 * 001 8.7.2), their version, whether their file is on this device, and
 * opening one with no network: a text document shows inside the page, and
 * any document opens as an exported copy in the application for its kind
 * of file.  A document whose file is not here yet says so and offers to
 * download it.  show_record takes a document's id. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_DOCUMENTS_PAGE (fl_documents_page_get_type ())
G_DECLARE_FINAL_TYPE (FlDocumentsPage, fl_documents_page, FL, DOCUMENTS_PAGE, GtkWidget)

/* The documents listed (FlRecordItem, id = the document's id). */
GListModel *fl_documents_page_get_documents (FlDocumentsPage *self);

/* ::open-document (GFile *copy) is emitted with the exported copy of the
 * document the user opens; its default handler shows it with the default
 * application of its kind (gtk_show_uri_full). */

G_END_DECLS
