#include "fl-page.h"

G_DEFINE_INTERFACE (FlPage, fl_page, GTK_TYPE_WIDGET)

static void
fl_page_default_init (FlPageInterface *iface)
{
}

void
fl_page_set_session (FlPage *self, FlSession *session)
{
  g_return_if_fail (FL_IS_PAGE (self));
  g_return_if_fail (FL_IS_SESSION (session));
  FL_PAGE_GET_IFACE (self)->set_session (self, session);
}

void
fl_page_show_record (FlPage *self, const char *id)
{
  g_return_if_fail (FL_IS_PAGE (self));
  FlPageInterface *iface = FL_PAGE_GET_IFACE (self);
  if (iface->show_record != NULL)
    iface->show_record (self, id);
}

gboolean
fl_page_focus_search (FlPage *self)
{
  g_return_val_if_fail (FL_IS_PAGE (self), FALSE);
  FlPageInterface *iface = FL_PAGE_GET_IFACE (self);
  return iface->focus_search != NULL && iface->focus_search (self);
}

gint64
fl_page_count_attention (FlPage *self)
{
  g_return_val_if_fail (FL_IS_PAGE (self), 0);
  FlPageInterface *iface = FL_PAGE_GET_IFACE (self);
  return iface->count_attention != NULL ? iface->count_attention (self) : 0;
}
