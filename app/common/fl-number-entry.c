#include "fl-number-entry.h"

#include <fl-record.h>

gboolean
fl_number_entry_read (GtkEditable *entry, const char *table, const char *column,
                      gint64 *out, GError **error)
{
  g_return_val_if_fail (GTK_IS_EDITABLE (entry), FALSE);
  g_autoptr(GError) local_error = NULL;
  if (fl_record_read_number (table, column, gtk_editable_get_text (entry), out, &local_error))
    {
      fl_number_entry_clear (entry);
      return TRUE;
    }
  fl_number_entry_refuse (entry, local_error->message);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return FALSE;
}

void
fl_number_entry_refuse (GtkEditable *entry, const char *reason)
{
  g_return_if_fail (GTK_IS_EDITABLE (entry));
  gtk_widget_add_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (entry), reason);
}

void
fl_number_entry_clear (GtkEditable *entry)
{
  g_return_if_fail (GTK_IS_EDITABLE (entry));
  gtk_widget_remove_css_class (GTK_WIDGET (entry), "error");
  gtk_widget_set_tooltip_text (GTK_WIDGET (entry), NULL);
}
