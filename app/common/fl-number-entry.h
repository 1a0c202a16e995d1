/* fl-number-entry.h — a whole number typed into an entry, read against the
 * model's range for its column and never clamped: what cannot be stored is
 * refused at the field, with words saying what to type. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

/* Reads the number typed in `entry` for `column` of `table`
 * (fl_record_read_number).  On failure the entry is marked as an error and
 * its tooltip says why, and `error` carries the same words for the caller to
 * show beside it; on success the mark is cleared. */
gboolean fl_number_entry_read (GtkEditable *entry, const char *table, const char *column,
                               gint64 *out, GError **error);

/* Marks `entry` as refused, its tooltip saying why (for input read by
 * other means, such as a size or a reading). */
void     fl_number_entry_refuse (GtkEditable *entry, const char *reason);

/* Clears the mark of a refused number (the text is being edited again). */
void     fl_number_entry_clear (GtkEditable *entry);

G_END_DECLS
