/* fl-page.h — what the window knows of the page of an area: it hands the
 * page the session the first time the area shows, and may ask it to show
 * one record, to focus its search, or how many things on it wait for the
 * user.  Pages speak upward through actions (win.show-work-order, ...) and
 * fl-notice.h, never through the window's type. */
#pragma once

#include <gtk/gtk.h>

#include "fl-session.h"

G_BEGIN_DECLS

#define FL_TYPE_PAGE (fl_page_get_type ())
G_DECLARE_INTERFACE (FlPage, fl_page, FL, PAGE, GtkWidget)

struct _FlPageInterface
{
  GTypeInterface parent_iface;

  /* Required: the page loads its data and follows the session's changes. */
  void      (*set_session)     (FlPage *self, FlSession *session);
  /* Optional: shows the record `id` of the page's list. */
  void      (*show_record)     (FlPage *self, const char *id);
  /* Optional: FALSE when the page has no search. */
  gboolean  (*focus_search)    (FlPage *self);
  /* Optional: 0 unless the page holds what waits for a decision. */
  gint64    (*count_attention) (FlPage *self);
};

void      fl_page_set_session (FlPage *self, FlSession *session);
void      fl_page_show_record (FlPage *self, const char *id);
gboolean  fl_page_focus_search (FlPage *self);
gint64    fl_page_count_attention (FlPage *self);

G_END_DECLS
