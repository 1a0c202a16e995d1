#include "fl-replica-file.h"

#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <string.h>

#include "fl-record-store.h"
#include "fl-replica-schema.h"

G_DEFINE_QUARK (fl-replica-file-error-quark, fl_replica_file_error)

static gboolean
invalid (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
invalid (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *why = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, FL_REPLICA_FILE_ERROR, FL_REPLICA_FILE_ERROR_INVALID,
               _("The downloaded replica file was refused: %s"), why);
  return FALSE;
}

/* Every schema object as "type name on table: sql", one a line, sorted. */
static char *
describe_schema (sqlite3 *handle, GError **error)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (handle,
                          "SELECT type, name, tbl_name, sql FROM sqlite_schema ORDER BY type, name",
                          -1, &stmt, NULL) != SQLITE_OK)
    {
      invalid (error, _("its schema cannot be read (%s)"), sqlite3_errmsg (handle));
      return NULL;
    }
  g_autoptr(GString) text = g_string_new (NULL);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    g_string_append_printf (text, "%s %s on %s: %s\n",
                            (const char *) sqlite3_column_text (stmt, 0),
                            (const char *) sqlite3_column_text (stmt, 1),
                            (const char *) sqlite3_column_text (stmt, 2),
                            sqlite3_column_type (stmt, 3) == SQLITE_NULL
                              ? "" : (const char *) sqlite3_column_text (stmt, 3));
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    {
      invalid (error, _("its schema cannot be read (%s)"), sqlite3_errmsg (handle));
      return NULL;
    }
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* What this program's own migrations create, described the same way. */
static char *
expected_schema (GError **error)
{
  g_autoptr(FlDb) reference = fl_db_open_replica (":memory:", error);
  if (reference == NULL)
    return NULL;
  return describe_schema (fl_db_handle (reference), error);
}

/* `text` made valid UTF-8 and cut to `max_chars` characters, for a message. */
static char *
shown_text (const char *text, glong max_chars)
{
  char *shown = g_utf8_make_valid (text, -1);
  if (g_utf8_strlen (shown, -1) > max_chars)
    *g_utf8_offset_to_pointer (shown, max_chars) = '\0';
  return shown;
}

/* The first line where `a` and `b` differ, for the message. */
static char *
first_difference (const char *a, const char *b)
{
  g_auto(GStrv) la = g_strsplit (a, "\n", -1);
  g_auto(GStrv) lb = g_strsplit (b, "\n", -1);
  guint i = 0;
  while (la[i] != NULL && lb[i] != NULL && strcmp (la[i], lb[i]) == 0)
    i++;
  const char *line = la[i] != NULL && *la[i] != '\0' ? la[i] : lb[i];
  return shown_text (line != NULL ? line : "", 200);
}

static gboolean
query_text (sqlite3 *handle, const char *sql, char **out)
{
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (handle, sql, -1, &stmt, NULL) != SQLITE_OK)
    return FALSE;
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_ROW)
    *out = g_strdup ((const char *) sqlite3_column_text (stmt, 0));
  sqlite3_finalize (stmt);
  return rc == SQLITE_ROW || rc == SQLITE_DONE;
}

static gboolean
check_open_file (sqlite3 *handle, char **out_cursor, GError **error)
{
  /* Nothing in the file runs as trusted code, and nothing may be written
   * through the schema's back doors, while it is examined. */
  sqlite3_db_config (handle, SQLITE_DBCONFIG_DEFENSIVE, 1, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_TRUSTED_SCHEMA, 0, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_TRIGGER, 0, NULL);
  sqlite3_db_config (handle, SQLITE_DBCONFIG_ENABLE_VIEW, 0, NULL);

  g_autofree char *check = NULL;
  if (!query_text (handle, "PRAGMA quick_check", &check))
    return invalid (error, _("it is not an intact database (%s)"), sqlite3_errmsg (handle));
  if (g_strcmp0 (check, "ok") != 0)
    return invalid (error, _("it is damaged (%s)"), check != NULL ? check : "?");

  g_autofree char *version_text = NULL;
  guint n_migrations = 0;
  const FlMigration *migrations = fl_replica_migrations (&n_migrations);
  int latest = migrations[n_migrations - 1].version;
  if (!query_text (handle, "PRAGMA user_version", &version_text))
    return invalid (error, _("its schema version cannot be read"));
  int version = (int) g_ascii_strtoll (version_text != NULL ? version_text : "0", NULL, 10);
  if (version != latest)
    return invalid (error, _("it has schema version %d, this program's replica has %d"),
                    version, latest);

  g_autofree char *found = describe_schema (handle, error);
  if (found == NULL)
    return FALSE;
  g_autofree char *expected = expected_schema (error);
  if (expected == NULL)
    return FALSE;
  if (strcmp (found, expected) != 0)
    {
      g_autofree char *difference = first_difference (found, expected);
      return invalid (error, _("its schema differs from this program's at “%s”"), difference);
    }

  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (handle, "SELECT key, value FROM meta ORDER BY key", -1, &stmt, NULL) != SQLITE_OK)
    return invalid (error, _("its settings cannot be read (%s)"), sqlite3_errmsg (handle));
  g_autofree char *cursor = NULL;
  g_autofree char *model_digest = NULL;
  g_autofree char *unknown = NULL;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      const char *key = (const char *) sqlite3_column_text (stmt, 0);
      const char *value = (const char *) sqlite3_column_text (stmt, 1);
      if (strcmp (key, FL_REPLICA_FILE_CURSOR_KEY) == 0 && value != NULL && cursor == NULL)
        cursor = g_strdup (value);
      else if (strcmp (key, FL_META_MODEL_DIGEST) == 0 && value != NULL && model_digest == NULL)
        model_digest = g_strdup (value);
      else if (unknown == NULL)
        unknown = shown_text (key, 64);
    }
  sqlite3_finalize (stmt);
  if (rc != SQLITE_DONE)
    return invalid (error, _("its settings cannot be read (%s)"), sqlite3_errmsg (handle));
  if (unknown != NULL)
    return invalid (error, _("it carries the setting “%s”, which a server's file never has"), unknown);
  /* The file's tables were made by this program's migrations (the schema
   * above): its model must be this program's too. */
  g_autofree char *own_digest = fl_schema_digest (NULL);
  if (g_strcmp0 (model_digest, own_digest) != 0)
    return invalid (error, _("it was made for another version of the data model"));
  if (cursor == NULL)
    return invalid (error, _("it does not say where to continue syncing from"));
  *out_cursor = g_steal_pointer (&cursor);
  return TRUE;
}

char *
fl_replica_file_verify (const char *path, GError **error)
{
  sqlite3 *handle = NULL;
  int rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READONLY | SQLITE_OPEN_NOMUTEX, NULL);
  char *cursor = NULL;
  if (rc != SQLITE_OK)
    invalid (error, _("it cannot be opened (%s)"),
             handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
  else
    check_open_file (handle, &cursor, error);
  sqlite3_close_v2 (handle);
  return cursor;
}

gboolean
fl_replica_file_seal (const char *path, GError **error)
{
  sqlite3 *handle = NULL;
  int rc = sqlite3_open_v2 (path, &handle, SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX, NULL);
  if (rc == SQLITE_OK)
    rc = sqlite3_exec (handle, "PRAGMA journal_mode = DELETE", NULL, NULL, NULL);
  if (rc != SQLITE_OK)
    g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE, _("Could not finish the replica file “%s”: %s"),
                 path, handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
  sqlite3_close_v2 (handle);
  return rc == SQLITE_OK;
}
