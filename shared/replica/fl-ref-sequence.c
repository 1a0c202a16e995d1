#include <inttypes.h>
#include "fl-ref-sequence.h"

#include <glib/gi18n-lib.h>

char *
fl_ref_next (FlDb *db, const char *prefix, gint64 at_usec, GError **error)
{
  g_autofree char *device = fl_db_get_meta (db, FL_META_DEVICE_CODE);
  if (device == NULL || *device == '\0')
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND,
                   _("This replica has no device code yet: sign in to the server once before creating records"));
      return NULL;
    }
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "INSERT INTO ref_sequence (prefix, last) VALUES (?, 1) "
      "ON CONFLICT (prefix) DO UPDATE SET last = last + 1 RETURNING last", error);
  gboolean has_row;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, prefix, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error))
    return NULL;
  gint64 number = sqlite3_column_int64 (stmt, 0);

  /* The date a person reads on the reference is the local one. */
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (at_usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  g_autofree char *date = g_date_time_format (local, "%y%m%d");
  return g_strdup_printf ("%s-%s-%s-%04" PRId64, prefix, date, device, number);
}
