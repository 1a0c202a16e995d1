#include "fl-test-db.h"

#include "fl-i18n.h"

void
fl_test_use_language (const char *language)
{
  if (language != NULL)
    g_setenv ("LANGUAGE", language, TRUE);
  else
    g_unsetenv ("LANGUAGE");
  /* Binding the domain again also drops gettext's cache of translations. */
  fl_i18n_init ();
}

void
fl_test_remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;
      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          fl_test_remove_tree (child);
        }
      g_rmdir (path);
    }
  else
    g_remove (path);
}

gint64
fl_test_count (FlDb *db, const char *sql)
{
  gint64 n = -1;
  g_autoptr(GError) error = NULL;
  fl_db_query_int64 (db, sql, &n, &error);
  g_assert_no_error (error);
  return n;
}

gboolean
fl_test_has_column (FlDb *db, const char *table, const char *column)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT 1 FROM pragma_table_info (?1) WHERE name = ?2", NULL);
  g_assert_nonnull (stmt);
  sqlite3_bind_text (stmt, 1, table, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, column, -1, SQLITE_TRANSIENT);
  g_autoptr(GError) error = NULL;
  gboolean has_row = FALSE;
  fl_stmt_step_row (db, stmt, &has_row, &error);
  g_assert_no_error (error);
  return has_row;
}
