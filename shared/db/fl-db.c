#include "fl-db.h"

#include <errno.h>
#include <fcntl.h>
#include <glib/gi18n-lib.h>
#include <glib/gstdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fl-gram-tokenizer.h"

G_DEFINE_QUARK (fl-db-error-quark, fl_db_error)

struct _FlDb
{
  GObject       parent_instance;
  sqlite3      *handle;
  char         *path;
  char         *target;      /* what `path` linked to when opened; NULL: not a link */
  guint         files_opened; /* by reopen(), after a replacement */
  gboolean      on_disk;     /* not an in-memory database */
  const FlMigration *migrations;
  guint         n_migrations;
  sqlite3      *parked;      /* the file replaced last, kept locked against writers */
  GHashTable   *statements;  /* SQL text -> sqlite3_stmt */
  guint         depth;       /* open transaction / savepoint levels */
  char         *fail_point;

  /* What the open transaction wrote: interned table names, each once, and
   * for each open savepoint how many of them were there before it. */
  GPtrArray    *touched;
  GArray       *savepoint_marks;
  const char   *last_touched;  /* the table of the last row, to skip the lookup */

  /* Where committed changes are announced: this connection, or the one the
   * user interface listens to (fl_db_announce_changes_on). */
  FlDb         *announce_to;
  GMainContext *context;
  GThread      *opener;        /* compared only: commits there announce at once */
  GMutex        queue_lock;
  GPtrArray    *queued;        /* tables waiting for the "changed" emission */
  gboolean      flush_scheduled;
};

G_DEFINE_FINAL_TYPE (FlDb, fl_db, G_TYPE_OBJECT)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];


/* The statement cache's hash.  SQL texts run to a kilobyte and begin
 * alike ("SELECT id, version, created_at, ..."): hashing every byte of one
 * on each prepare was a tenth of a push's work on the server.  The length,
 * both ends (where the table's name is) and 32 bytes spread between them
 * tell the texts apart; g_str_equal settles any that hash alike. */
static guint
sql_hash (gconstpointer key)
{
  const guchar *sql = key;
  gsize n = strlen (key);
  guint h = (guint) n;
  if (n <= 160)
    {
      for (gsize i = 0; i < n; i++)
        h = h * 31 + sql[i];
      return h;
    }
  for (gsize i = 0; i < 64; i++)
    h = h * 31 + sql[i] + sql[n - 1 - i] * 7;
  for (gsize i = 64, step = (n - 128) / 32 + 1; i < n - 64; i += step)
    h = h * 31 + sql[i];
  return h;
}

static void
finalize_statement (gpointer stmt)
{
  sqlite3_finalize (stmt);
}

/* How long a replaced file stays locked after its connection is done with
 * it: longer than a writer that waited for the replacement waits (the busy
 * timeout), so none can still take the lock and write to a file no one
 * reads. */
#define PARKED_SECONDS 10

static gboolean
close_parked (gpointer data)
{
  sqlite3 *handle = data;
  sqlite3_exec (handle, "ROLLBACK", NULL, NULL, NULL);
  sqlite3_close_v2 (handle);
  return G_SOURCE_REMOVE;
}

/* Closes a parked connection later, from the process's main context (a
 * program without a main loop keeps it until it exits). */
static void
retire_parked (sqlite3 *handle)
{
  if (handle == NULL)
    return;
  g_autoptr(GSource) source = g_timeout_source_new_seconds (PARKED_SECONDS);
  g_source_set_callback (source, close_parked, handle, NULL);
  g_source_attach (source, NULL);
}

void
fl_db_close (FlDb *db)
{
  g_return_if_fail (FL_IS_DB (db));
  g_hash_table_remove_all (db->statements);
  if (db->handle != NULL)
    {
      sqlite3_close_v2 (db->handle);
      db->handle = NULL;
    }
  retire_parked (g_steal_pointer (&db->parked));
}

static void
fl_db_finalize (GObject *object)
{
  FlDb *db = FL_DB (object);
  fl_db_close (db);
  g_hash_table_unref (db->statements);
  g_free (db->path);
  g_free (db->target);
  g_free (db->fail_point);
  g_ptr_array_unref (db->touched);
  g_array_unref (db->savepoint_marks);
  g_clear_object (&db->announce_to);
  g_main_context_unref (db->context);
  g_mutex_clear (&db->queue_lock);
  g_ptr_array_unref (db->queued);
  G_OBJECT_CLASS (fl_db_parent_class)->finalize (object);
}

static void
fl_db_class_init (FlDbClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_db_finalize;

  /* ::changed::work_order — a committed transaction wrote rows of that table. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fl_db_init (FlDb *db)
{
  db->statements = g_hash_table_new_full (sql_hash, g_str_equal, g_free, finalize_statement);
  db->touched = g_ptr_array_new ();
  db->savepoint_marks = g_array_new (FALSE, FALSE, sizeof (guint));
  db->context = g_main_context_ref_thread_default ();
  db->opener = g_thread_self ();
  g_mutex_init (&db->queue_lock);
  db->queued = g_ptr_array_new ();
}

/* ---- announcing what changed ---- */

static void
touch (FlDb *db, const char *table)
{
  const char *name = g_intern_string (table);
  if (!g_ptr_array_find (db->touched, name, NULL))
    g_ptr_array_add (db->touched, (gpointer) name);
}

/* SQLite calls this for every row a statement of this connection writes,
 * triggers included, whoever wrote it: the change log, a pull, the outbox. */
static void
row_written (void *data, int op, const char *database, const char *table, sqlite3_int64 rowid)
{
  FlDb *db = data;
  if ((db->last_touched != NULL && strcmp (table, db->last_touched) == 0) ||
      strcmp (database, "main") != 0)
    return;
  touch (db, table);
  db->last_touched = g_intern_string (table);
}

static void
forget_touched (FlDb *db, guint keep)
{
  if (keep < db->touched->len)
    g_ptr_array_set_size (db->touched, keep);
  db->last_touched = NULL;
}

static void
transaction_rolled_back (void *data)
{
  forget_touched (data, 0);
}

static gboolean
flush_announcements (gpointer data)
{
  FlDb *db = data;
  g_mutex_lock (&db->queue_lock);
  g_autoptr(GPtrArray) tables = g_steal_pointer (&db->queued);
  db->queued = g_ptr_array_new ();
  db->flush_scheduled = FALSE;
  g_mutex_unlock (&db->queue_lock);
  for (guint i = 0; i < tables->len; i++)
    {
      const char *table = g_ptr_array_index (tables, i);
      g_signal_emit (db, signals[CHANGED], g_quark_from_static_string (table), table);
    }
  return G_SOURCE_REMOVE;
}

/* After a commit: emits ::changed once per table written — right away in
 * the thread that opened the connection that announces (or one running its
 * main context), else from that main context as soon as it runs (a
 * worker's commits). */
static void
announce (FlDb *db)
{
  FlDb *target = db->announce_to != NULL ? db->announce_to : db;
  g_autoptr(GPtrArray) tables = g_steal_pointer (&db->touched);
  db->touched = g_ptr_array_new ();
  db->last_touched = NULL;
  if (g_signal_handler_find (target, G_SIGNAL_MATCH_ID, signals[CHANGED], 0, NULL, NULL, NULL) == 0)
    return;

  g_mutex_lock (&target->queue_lock);
  for (guint i = 0; i < tables->len; i++)
    if (!g_ptr_array_find (target->queued, tables->pdata[i], NULL))
      g_ptr_array_add (target->queued, tables->pdata[i]);
  gboolean here = g_thread_self () == target->opener || g_main_context_is_owner (target->context);
  gboolean schedule = !here && !target->flush_scheduled;
  if (schedule)
    target->flush_scheduled = TRUE;
  g_mutex_unlock (&target->queue_lock);
  if (here)
    flush_announcements (target);
  else if (schedule)
    {
      g_autoptr(GSource) source = g_idle_source_new ();
      g_source_set_priority (source, G_PRIORITY_DEFAULT);
      g_source_set_callback (source, flush_announcements, g_object_ref (target), g_object_unref);
      g_source_attach (source, target->context);
    }
}

/* A write outside any transaction is committed when its statement ends. */
static void
announce_autocommit (FlDb *db)
{
  if (db->depth == 0 && db->touched->len > 0 && sqlite3_get_autocommit (db->handle))
    announce (db);
}

void
fl_db_announce_changes_on (FlDb *db, FlDb *target)
{
  g_return_if_fail (FL_IS_DB (db));
  g_return_if_fail (target == NULL || FL_IS_DB (target));
  g_clear_object (&db->announce_to);
  if (target != NULL && target != db)
    db->announce_to = g_object_ref (target);
}

gboolean
fl_db_fail (FlDb *db, GError **error, const char *what)
{
  const char *message = db->handle != NULL ? sqlite3_errmsg (db->handle) : "closed";
  g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE,
               /* Translators: "%s" first is an action, second the database's own message */
               _("Database error while %s: %s"), what, message);
  return FALSE;
}

sqlite3 *
fl_db_handle (FlDb *db)
{
  g_return_val_if_fail (FL_IS_DB (db), NULL);
  return db->handle;
}

const char *
fl_db_path (FlDb *db)
{
  g_return_val_if_fail (FL_IS_DB (db), NULL);
  return db->path;
}

static gboolean follow_file (FlDb *db, GError **error);
static gboolean file_moved (FlDb *db);

gboolean
fl_db_exec (FlDb *db, const char *sql, GError **error)
{
  char *message = NULL;
  if (!follow_file (db, error))
    return FALSE;
  if (sqlite3_exec (db->handle, sql, NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE, _("Database error: %s"),
                   message != NULL ? message : sqlite3_errmsg (db->handle));
      sqlite3_free (message);
      return FALSE;
    }
  announce_autocommit (db);
  return TRUE;
}

FlStmt *
fl_db_prepare (FlDb *db, const char *sql, GError **error)
{
  if (!follow_file (db, error))
    return NULL;
  sqlite3_stmt *stmt = g_hash_table_lookup (db->statements, sql);
  if (stmt != NULL)
    return stmt;
  if (sqlite3_prepare_v3 (db->handle, sql, -1, SQLITE_PREPARE_PERSISTENT, &stmt, NULL) != SQLITE_OK)
    {
      fl_db_fail (db, error, _("preparing a query"));
      return NULL;
    }
  g_hash_table_insert (db->statements, g_strdup (sql), stmt);
  return stmt;
}

void
fl_stmt_release (FlStmt *stmt)
{
  sqlite3_reset (stmt);
  sqlite3_clear_bindings (stmt);
}

gboolean
fl_stmt_step_done (FlDb *db, FlStmt *stmt, GError **error)
{
  int rc = sqlite3_step (stmt);
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    {
      announce_autocommit (db);
      return TRUE;
    }
  return fl_db_fail (db, error, _("writing"));
}

gboolean
fl_stmt_step_row (FlDb *db, FlStmt *stmt, gboolean *has_row, GError **error)
{
  int rc = sqlite3_step (stmt);
  *has_row = rc == SQLITE_ROW;
  if (rc == SQLITE_DONE || rc == SQLITE_ROW)
    {
      announce_autocommit (db);
      return TRUE;
    }
  return fl_db_fail (db, error, _("reading"));
}

gboolean
fl_db_query_int64 (FlDb *db, const char *sql, gint64 *out, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  gboolean has_row;
  if (stmt == NULL || !fl_stmt_step_row (db, stmt, &has_row, error))
    return FALSE;
  *out = has_row ? sqlite3_column_int64 (stmt, 0) : 0;
  return TRUE;
}

gboolean
fl_db_data_version (FlDb *db, gint64 *out, GError **error)
{
  gint64 version = 0;
  /* The query follows a replaced file first. */
  if (!fl_db_query_int64 (db, "PRAGMA data_version", &version, error))
    return FALSE;
  *out = ((gint64) db->files_opened << 40) + version;
  return TRUE;
}

guint
fl_db_transaction_depth (FlDb *db)
{
  return db->depth;
}

/* SQLite may end a whole transaction on some errors (a full disk, an I/O
 * error) while a savepoint inside it is being undone.  What came before is
 * gone then; a savepoint begun after it would open a new transaction, whose
 * commit would report success for writes that are lost.  So every level
 * fails until the outermost is undone: with a level open and the connection
 * back in autocommit, the transaction is gone (nothing here begins one
 * again but fl_db_begin at depth 0). */
static gboolean
transaction_ended (FlDb *db, GError **error)
{
  if (db->depth == 0 || !sqlite3_get_autocommit (db->handle))
    return FALSE;
  g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE,
               _("The database ended the transaction after an error; nothing of it was kept"));
  return TRUE;
}

gboolean
fl_db_begin (FlDb *db, GError **error)
{
  if (transaction_ended (db, error))
    return FALSE;
  /* IMMEDIATE takes the write lock up front, so two connections never
   * deadlock upgrading read locks; the busy timeout then queues writers. */
  g_autofree char *sql = db->depth == 0
    ? g_strdup ("BEGIN IMMEDIATE")
    : g_strdup_printf ("SAVEPOINT fl_%u", db->depth);
  if (!fl_db_exec (db, sql, error))
    return FALSE;
  /* The file may have been replaced while this waited for the lock: then
   * the lock is on the old one, and the transaction is begun again on the
   * new (the replacing connection keeps the old one locked). */
  if (db->depth == 0 && file_moved (db))
    {
      sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      if (!fl_db_exec (db, sql, error))
        return FALSE;
    }
  if (db->depth > 0)
    g_array_append_val (db->savepoint_marks, db->touched->len);
  db->depth++;
  return TRUE;
}

gboolean
fl_db_commit (FlDb *db, GError **error)
{
  g_return_val_if_fail (db->depth > 0, FALSE);
  g_autofree char *sql = db->depth == 1
    ? g_strdup ("COMMIT")
    : g_strdup_printf ("RELEASE fl_%u", db->depth - 1);
  if (transaction_ended (db, error) || !fl_db_exec (db, sql, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  db->depth--;
  if (db->depth > 0)
    g_array_set_size (db->savepoint_marks, db->depth - 1);
  else if (db->touched->len > 0)
    announce (db);
  return TRUE;
}

void
fl_db_rollback (FlDb *db)
{
  g_return_if_fail (db->depth > 0);
  if (db->depth == 1)
    {
      if (!sqlite3_get_autocommit (db->handle))
        sqlite3_exec (db->handle, "ROLLBACK", NULL, NULL, NULL);
      forget_touched (db, 0);
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("ROLLBACK TO fl_%u; RELEASE fl_%u",
                                              db->depth - 1, db->depth - 1);
      sqlite3_exec (db->handle, sql, NULL, NULL, NULL);
      forget_touched (db, g_array_index (db->savepoint_marks, guint, db->depth - 2));
      g_array_set_size (db->savepoint_marks, db->depth - 2);
    }
  db->depth--;
}

gboolean
fl_db_transaction (FlDb *db, FlDbTxnFunc func, gpointer user_data, GError **error)
{
  if (!fl_db_begin (db, error))
    return FALSE;
  if (!func (db, user_data, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  return fl_db_commit (db, error);
}

int
fl_db_schema_version (FlDb *db)
{
  gint64 version = 0;
  if (!fl_db_query_int64 (db, "PRAGMA user_version", &version, NULL))
    return -1;
  return (int) version;
}

static gboolean
migrate (FlDb *db, const FlMigration *migrations, guint n_migrations, GError **error)
{
  int current = fl_db_schema_version (db);
  int latest = n_migrations > 0 ? migrations[n_migrations - 1].version : 0;
  if (current > latest)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_MIGRATION,
                   _("The database “%s” was written by a newer Fieldline (schema %d, this program knows %d)"),
                   db->path, current, latest);
      return FALSE;
    }
  for (guint i = 0; i < n_migrations; i++)
    {
      const FlMigration *m = &migrations[i];
      if (m->version <= current)
        continue;
      g_autoptr(GError) local_error = NULL;
      g_autofree char *bump = g_strdup_printf ("PRAGMA user_version = %d", m->version);
      if (!fl_db_begin (db, &local_error))
        goto failed;
      if ((m->sql != NULL && !fl_db_exec (db, m->sql, &local_error)) ||
          (m->apply != NULL && !m->apply (db, &local_error)) ||
          !fl_db_exec (db, bump, &local_error))
        {
          fl_db_rollback (db);
          goto failed;
        }
      if (!fl_db_commit (db, &local_error))
        goto failed;
      continue;
    failed:
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_MIGRATION,
                   _("Could not upgrade the database “%s” to schema %d: %s"),
                   db->path, m->version, local_error->message);
      return FALSE;
    }
  return TRUE;
}

/* Opens `db->path` with the settings of every Fieldline connection, into
 * `*out`; the hooks report to `db`. */
static gboolean
open_connection (FlDb *db, sqlite3 **out, GError **error)
{
  sqlite3 *handle = NULL;
  int rc = sqlite3_open_v2 (db->path, &handle,
                            SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE | SQLITE_OPEN_NOMUTEX,
                            NULL);
  if (rc != SQLITE_OK)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE, _("Could not open the database “%s”: %s"),
                   db->path, handle != NULL ? sqlite3_errmsg (handle) : sqlite3_errstr (rc));
      sqlite3_close_v2 (handle);
      return FALSE;
    }
  sqlite3_extended_result_codes (handle, 1);
  sqlite3_update_hook (handle, row_written, db);
  sqlite3_rollback_hook (handle, transaction_rolled_back, db);
  sqlite3_busy_timeout (handle, 5000);
  char *message = NULL;
  /* synchronous=NORMAL is durable across application crashes in WAL mode;
   * only a power cut can lose the last transactions, never corrupt. */
  if (!fl_gram_tokenizer_register (handle, error))
    {
      sqlite3_close_v2 (handle);
      return FALSE;
    }
  if (sqlite3_exec (handle, "PRAGMA journal_mode = WAL;"
                            "PRAGMA synchronous = NORMAL;"
                            "PRAGMA foreign_keys = ON;"
                            "PRAGMA temp_store = MEMORY;"
                            "PRAGMA cache_size = -65536;", NULL, NULL, &message) != SQLITE_OK)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE, _("Could not open the database “%s”: %s"),
                   db->path, message != NULL ? message : sqlite3_errmsg (handle));
      sqlite3_free (message);
      sqlite3_close_v2 (handle);
      return FALSE;
    }
  *out = handle;
  return TRUE;
}

FlDb *
fl_db_open (const char *path, const FlMigration *migrations, guint n_migrations, GError **error)
{
  g_return_val_if_fail (path != NULL, NULL);
  g_autoptr(FlDb) db = g_object_new (FL_TYPE_DB, NULL);
  db->path = g_strdup (path);
  db->on_disk = *path != '\0' && strcmp (path, ":memory:") != 0 && !g_str_has_prefix (path, "file:");
  db->target = db->on_disk ? g_file_read_link (path, NULL) : NULL;
  db->migrations = migrations;
  db->n_migrations = n_migrations;
  if (!open_connection (db, &db->handle, error) ||
      !migrate (db, migrations, n_migrations, error))
    return NULL;
  return g_steal_pointer (&db);
}

/* ---- following a replaced file ----
 *
 * fl_db_replace can move a new file under the database's name (a link to
 * it).  Every connection checks the name before a transaction and before a
 * statement outside one, and opens the new file when it changed; the old
 * file stays locked against writers by the connection that replaced it, so
 * a write that slipped past the check fails instead of being lost. */

static gboolean
file_moved (FlDb *db)
{
  if (!db->on_disk || db->handle == NULL)
    return FALSE;
  g_autofree char *now = g_file_read_link (db->path, NULL);
  return g_strcmp0 (now, db->target) != 0;
}

static gboolean
statements_busy (FlDb *db)
{
  for (sqlite3_stmt *s = sqlite3_next_stmt (db->handle, NULL); s != NULL; s = sqlite3_next_stmt (db->handle, s))
    if (sqlite3_stmt_busy (s))
      return TRUE;
  return FALSE;
}

/* Opens the file the name now links to in place of the one open; the
 * statements of the cache are prepared again there on their next use. */
static gboolean
reopen (FlDb *db, GError **error)
{
  sqlite3 *handle = NULL;
  g_autofree char *target = g_file_read_link (db->path, NULL);
  if (!open_connection (db, &handle, error))
    return FALSE;
  g_free (db->target);
  db->target = g_steal_pointer (&target);
  g_hash_table_remove_all (db->statements);
  sqlite3_update_hook (db->handle, NULL, NULL);
  sqlite3_rollback_hook (db->handle, NULL, NULL);
  sqlite3_close_v2 (db->handle);
  db->handle = handle;
  db->files_opened++;
  forget_touched (db, 0);
  /* Whoever replaced the file announced every table as changed. */
  return migrate (db, db->migrations, db->n_migrations, error);
}

/* Before a statement or a transaction at depth 0: moves to a replaced file
 * unless a statement of this connection is still being stepped. */
static gboolean
follow_file (FlDb *db, GError **error)
{
  if (db->depth > 0 || !file_moved (db) || statements_busy (db))
    return TRUE;
  g_debug ("%s was replaced: opening the new file", db->path);
  return reopen (db, error);
}

char *
fl_db_get_meta (FlDb *db, const char *key)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT value FROM meta WHERE key = ?", NULL);
  gboolean has_row = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, NULL) || !has_row)
    return NULL;
  return g_strdup ((const char *) sqlite3_column_text (stmt, 0));
}

gboolean
fl_db_set_meta (FlDb *db, const char *key, const char *value, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "INSERT INTO meta (key, value) VALUES (?, ?) "
      "ON CONFLICT (key) DO UPDATE SET value = excluded.value", error);
  if (stmt == NULL)
    return FALSE;
  sqlite3_bind_text (stmt, 1, key, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, value, -1, SQLITE_TRANSIENT);
  return fl_stmt_step_done (db, stmt, error);
}

static gboolean
touch_every_table (FlDb *db, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT name FROM sqlite_schema WHERE type = 'table'", error);
  if (stmt == NULL)
    return FALSE;
  for (;;)
    {
      gboolean has_row;
      if (!fl_stmt_step_row (db, stmt, &has_row, error))
        return FALSE;
      if (!has_row)
        return TRUE;
      touch (db, (const char *) sqlite3_column_text (stmt, 0));
    }
}

/* An in-memory database, or one in another folder: every page copied in
 * one transaction (SQLite's online backup). */
static gboolean
replace_by_copy (FlDb *db, FlDb *source, FlDbTxnFunc prepare, gpointer user_data, GError **error)
{
  sqlite3_backup *backup = sqlite3_backup_init (db->handle, "main", source->handle, "main");
  if (backup == NULL)
    return fl_db_fail (db, error, _("replacing the database"));
  /* A first step of no pages takes the write lock of `db`, waiting (the
   * busy timeout) as any writer does for the one that holds it. */
  int rc = sqlite3_backup_step (backup, 0);
  gboolean ok = rc == SQLITE_OK || rc == SQLITE_DONE;
  if (!ok)
    fl_db_fail (db, error, _("locking the database to replace it"));
  else if (!prepare (source, user_data, error))
    ok = FALSE;
  else if ((rc = sqlite3_backup_step (backup, -1)) != SQLITE_DONE)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE, _("Database error while %s: %s"),
                   _("replacing the database"), sqlite3_errstr (rc));
      ok = FALSE;
    }
  rc = sqlite3_backup_finish (backup);
  if (ok && rc != SQLITE_OK)
    ok = fl_db_fail (db, error, _("replacing the database"));
  if (!ok)
    return FALSE;
  /* The statements of the cache are prepared again on their next use. */
  if (!touch_every_table (db, error))
    return FALSE;
  announce (db);
  return TRUE;
}

static gboolean
file_error (GError **error, const char *path, int saved_errno)
{
  g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE,
               /* Translators: "%s" first is a file name, then the system's reason */
               _("Could not replace the database file “%s”: %s"), path, g_strerror (saved_errno));
  return FALSE;
}

static gboolean
sync_folder (const char *path, GError **error)
{
  g_autofree char *folder = g_path_get_dirname (path);
  int fd = open (folder, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
  if (fd < 0 || fsync (fd) != 0)
    {
      int saved_errno = errno;
      if (fd >= 0)
        close (fd);
      return file_error (error, folder, saved_errno);
    }
  close (fd);
  return TRUE;
}

/* A generation file of `path`: its name, a dot and eight hex digits, then
 * perhaps SQLite's "-wal" or "-shm". */
static gboolean
is_generation_of (const char *name, const char *base)
{
  size_t n = strlen (base);
  if (strncmp (name, base, n) != 0 || name[n] != '.')
    return FALSE;
  const char *digits = name + n + 1;
  for (guint i = 0; i < 8; i++)
    if (!g_ascii_isxdigit (digits[i]))
      return FALSE;
  const char *rest = digits + 8;
  return *rest == '\0' || strcmp (rest, "-wal") == 0 || strcmp (rest, "-shm") == 0;
}

/* Under the write lock of the current file: generation files other than
 * it (left by a replacement a crash cut short) are removed. */
static void
remove_old_generations (FlDb *db)
{
  g_autofree char *folder = g_path_get_dirname (db->path);
  g_autofree char *base = g_path_get_basename (db->path);
  g_autoptr(GDir) dir = g_dir_open (folder, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      if (!is_generation_of (name, base) || (db->target != NULL && g_str_has_prefix (name, db->target)))
        continue;
      g_autofree char *file = g_build_filename (folder, name, NULL);
      g_unlink (file);
    }
}

static char *
new_generation (FlDb *db)
{
  for (;;)
    {
      g_autofree char *path = g_strdup_printf ("%s.%08x", db->path, g_random_int ());
      if (!g_file_test (path, G_FILE_TEST_EXISTS))
        return g_steal_pointer (&path);
    }
}

/* Folds the source's write-ahead log into its file and closes it, so that
 * the file alone holds the database, on disk. */
static gboolean
close_whole (FlDb *source, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (source, "PRAGMA wal_checkpoint(TRUNCATE)", error);
  gboolean has_row = FALSE;
  if (stmt == NULL || !fl_stmt_step_row (source, stmt, &has_row, error))
    return FALSE;
  if (!has_row || sqlite3_column_int (stmt, 0) != 0)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE,
                   _("Could not replace the database file “%s”: another program has it open"), source->path);
      return FALSE;
    }
  fl_stmt_release (g_steal_pointer (&stmt));
  fl_db_close (source);
  /* The checkpoint synced what it wrote; the rest of the file was written
   * before SQLite opened it. */
  int fd = open (source->path, O_RDONLY | O_CLOEXEC);
  if (fd < 0 || fdatasync (fd) != 0)
    {
      int saved_errno = errno;
      if (fd >= 0)
        close (fd);
      return file_error (error, source->path, saved_errno);
    }
  close (fd);
  return TRUE;
}

/* Points the name at `generation` at once: a new link renamed over it. */
static gboolean
point_name_at (FlDb *db, const char *generation, GError **error)
{
  g_autofree char *link = g_strconcat (db->path, ".link", NULL);
  g_autofree char *target = g_path_get_basename (generation);
  g_unlink (link);
  if (symlink (target, link) != 0)
    return file_error (error, link, errno);
  if (g_rename (link, db->path) != 0)
    {
      int saved_errno = errno;
      g_unlink (link);
      return file_error (error, db->path, saved_errno);
    }
  return TRUE;
}

/* Whether two files' folders are one, however each path names it. */
static gboolean
same_folder (const char *a, const char *b)
{
  g_autofree char *x = g_path_get_dirname (a);
  g_autofree char *y = g_path_get_dirname (b);
  g_autofree char *real_x = realpath (x, NULL);
  g_autofree char *real_y = realpath (y, NULL);
  return real_x != NULL && real_y != NULL && strcmp (real_x, real_y) == 0;
}

gboolean
fl_db_replace (FlDb *db, FlDb *source, FlDbTxnFunc prepare, gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_DB (db) && FL_IS_DB (source), FALSE);
  g_return_val_if_fail (db->depth == 0, FALSE);
  if (!db->on_disk || !source->on_disk || !same_folder (db->path, source->path))
    return replace_by_copy (db, source, prepare, user_data, error);

  /* The write lock of the current file: what `prepare` reads of it is what
   * gets replaced. */
  if (!fl_db_begin (db, error))
    return FALSE;
  remove_old_generations (db);
  if (!prepare (source, user_data, error) || !close_whole (source, error))
    {
      fl_db_rollback (db);
      return FALSE;
    }
  g_autofree char *generation = new_generation (db);
  if (g_rename (source->path, generation) != 0)
    {
      int saved_errno = errno;
      fl_db_rollback (db);
      return file_error (error, source->path, saved_errno);
    }
  if (!point_name_at (db, generation, error))
    {
      g_unlink (generation);
      fl_db_rollback (db);
      return FALSE;
    }

  /* Done: the name is the new file.  The old one stays locked by this
   * connection, parked, until some seconds after the next replacement or
   * the close; the others move to the new file at their next statement. */
  g_autofree char *old_file = g_strdup (sqlite3_db_filename (db->handle, "main"));
  g_hash_table_remove_all (db->statements);
  retire_parked (g_steal_pointer (&db->parked));
  /* Parked, it reports nothing more: `db` may be gone when it is closed. */
  sqlite3_update_hook (db->handle, NULL, NULL);
  sqlite3_rollback_hook (db->handle, NULL, NULL);
  db->parked = g_steal_pointer (&db->handle);
  db->depth = 0;
  forget_touched (db, 0);
  const char *suffixes[] = { "-wal", "-shm" };
  for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
    {
      g_autofree char *name = g_strconcat (old_file, suffixes[i], NULL);
      g_unlink (name);
    }
  /* The first replacement turns the file under the name into the link (its
   * inode goes with the last descriptor); a file the name linked to that is
   * not one of these generations is someone else's, and stays. */
  g_autofree char *old_base = g_path_get_basename (old_file);
  g_autofree char *base = g_path_get_basename (db->path);
  if (is_generation_of (old_base, base) && same_folder (old_file, db->path))
    g_unlink (old_file);
  g_autoptr(GError) sync_error = NULL;
  if (!sync_folder (db->path, &sync_error))
    g_warning ("%s", sync_error->message);
  if (!open_connection (db, &db->handle, error))
    {
      /* Rather the old file than none: it is whole, only out of date. */
      sqlite3_exec (db->parked, "ROLLBACK", NULL, NULL, NULL);
      db->handle = g_steal_pointer (&db->parked);
      sqlite3_update_hook (db->handle, row_written, db);
      sqlite3_rollback_hook (db->handle, transaction_rolled_back, db);
      return FALSE;
    }
  g_free (db->target);
  db->target = g_file_read_link (db->path, NULL);
  if (!migrate (db, db->migrations, db->n_migrations, error) || !touch_every_table (db, error))
    return FALSE;
  announce (db);
  return TRUE;
}

void
fl_db_set_fail_point (FlDb *db, const char *name)
{
  g_free (db->fail_point);
  db->fail_point = g_strdup (name);
}

gboolean
fl_db_check_fail_point (FlDb *db, const char *name, GError **error)
{
  if (G_LIKELY (db->fail_point == NULL) || g_strcmp0 (db->fail_point, name) != 0)
    return TRUE;
  g_clear_pointer (&db->fail_point, g_free);
  g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_INJECTED, "injected failure at %s", name);
  return FALSE;
}
