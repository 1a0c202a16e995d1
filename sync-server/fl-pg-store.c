#include <inttypes.h>
#include "fl-pg-store-conn.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-ids.h"
#include "fl-record.h"
#include "fl-json-guard.h"
#include "fl-store-backend.h"
#include "fl-workflow.h"
#include "fl-time.h"

/* How several instances share one database:
 *
 * - Every write transaction (fl_store_begin at depth 0) first takes the
 *   transaction-scoped advisory lock WRITE_LOCK, so writes are serialised
 *   across instances as SQLite serialises its writers.  A push therefore
 *   reads the rows it merges with and writes them in one stretch no other
 *   instance writes in, and a device replaying a mid to another instance
 *   waits for the first to commit, then finds the stored result.
 * - A change's seq is taken from a sequence inside that locked stretch, so
 *   a larger seq always commits after a smaller one: a pull that saw seq N
 *   has seen every seq below N that will ever commit (no cursor skips a
 *   row; a plain sequence alone would not promise that, since a value
 *   taken early can commit late).
 * - Reads (pulls, snapshots, listings) run in REPEATABLE READ READ ONLY
 *   transactions: one consistent snapshot each, never blocking a writer.
 * - The lock is held for as few round trips as can be: BEGIN and the lock
 *   go out with the transaction's first read, writes go out pipelined, and
 *   what a write transaction has read of a row and of a change-log entry
 *   is not read again (see Known).  Every round trip with the lock held is
 *   one every other instance's writer waits for. */
#define WRITE_LOCK     "4641576b"   /* "FAWk" */
#define MIGRATE_LOCK   "4641536d"   /* "FASm": schema upgrades, one instance at a time */
#define FETCH_ROWS     "256"        /* rows per FETCH while streaming */
#define BLOB_PART      (256 * 1024) /* bytes per row of a blob */

struct _FlPgStore
{
  GObject     parent_instance;
  PGconn     *conn;
  char       *uri;
  char       *id;
  int         schema_version;
  guint       depth;       /* write transaction nesting (savepoints inside) */
  gboolean    reading;     /* a read transaction of ours is open */
  guint       cursors;     /* cursor names handed out */
  char        sqlstate[6]; /* of the last failed statement */
  GHashTable *prepared;    /* SQL text -> statement name on this connection */
  GPtrArray  *pending;     /* answers the pipeline owes, in order: the SQL of a PREPARE, or "" */
  GPtrArray  *prefetches;  /* beside each: the FlTable* whose rows it reads ahead, or NULL */
  GHashTable *sql;         /* "kind:table:column" -> SQL text built from the schema */
  GHashTable *children;    /* table name -> GPtrArray of FlTable* scoped through it */
  GHashTable *known;       /* "table\x1fid" -> Known: rows and entries read in this write transaction */
  guint64     round_trips; /* waits for the server's answer, since the connection opened */
  guint64     statements;  /* statements sent (a prepare not counted), since then */
  struct _Batch *results;  /* a write transaction's stored results, written at once */
  struct _Batch *audit;    /* and its audit entries */
};

/* Rows of one table that a write transaction adds, written as one
 * statement (arrays, unnested) before its commit or before it reads that
 * table: a push records a result and an audit entry per mutation, and one
 * statement per row is most of what PostgreSQL parses, plans and answers
 * for it. */
#define BATCH_ROWS 256

typedef struct _Batch {
  const char *insert;       /* "INSERT ... SELECT ... FROM unnest ($1::t[], ...)" */
  guint       n_columns;
  GPtrArray  *columns[7];   /* each: the values (NULL for SQL null) */
  GHashTable *keys;         /* a row's key -> its index, where a row may be written again; or NULL */
  guint       marks[8];     /* rows at each savepoint depth, so a savepoint undone drops its own */
} Batch;

static Batch *
batch_new (const char *insert, guint n_columns, gboolean keyed)
{
  Batch *b = g_new0 (Batch, 1);
  b->insert = insert;
  b->n_columns = n_columns;
  for (guint c = 0; c < n_columns; c++)
    b->columns[c] = g_ptr_array_new_with_free_func (g_free);
  b->keys = keyed ? g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) : NULL;
  return b;
}

static void
batch_free (Batch *b)
{
  for (guint c = 0; c < b->n_columns; c++)
    g_ptr_array_unref (b->columns[c]);
  g_clear_pointer (&b->keys, g_hash_table_unref);
  g_free (b);
}

static guint
batch_rows (Batch *b)
{
  return b->columns[0]->len;
}

/* Keeps the first `n` rows (a savepoint undone, or none at all). */
static void
batch_truncate (Batch *b, guint n)
{
  if (n >= batch_rows (b))
    return;
  for (guint c = 0; c < b->n_columns; c++)
    g_ptr_array_set_size (b->columns[c], n);
  if (b->keys != NULL)
    {
      GHashTableIter iter;
      gpointer index;
      g_hash_table_iter_init (&iter, b->keys);
      while (g_hash_table_iter_next (&iter, NULL, &index))
        if (GPOINTER_TO_UINT (index) >= n)
          g_hash_table_iter_remove (&iter);
    }
  for (guint d = 0; d < G_N_ELEMENTS (b->marks); d++)
    b->marks[d] = MIN (b->marks[d], n);
}

/* Adds a row (taking the values); a row of a key already there replaces it. */
static void
batch_add (Batch *b, const char *key, char **values)
{
  gpointer index;
  if (key != NULL && b->keys != NULL && g_hash_table_lookup_extended (b->keys, key, NULL, &index))
    {
      for (guint c = 0; c < b->n_columns; c++)
        {
          g_free (b->columns[c]->pdata[GPOINTER_TO_UINT (index)]);
          b->columns[c]->pdata[GPOINTER_TO_UINT (index)] = values[c];
        }
      return;
    }
  if (key != NULL && b->keys != NULL)
    g_hash_table_insert (b->keys, g_strdup (key), GUINT_TO_POINTER (batch_rows (b)));
  for (guint c = 0; c < b->n_columns; c++)
    g_ptr_array_add (b->columns[c], values[c]);
}

/* {"a","b\"c",NULL}: a PostgreSQL array of text values. */
static char *
array_literal (GPtrArray *values)
{
  GString *text = g_string_new ("{");
  for (guint i = 0; i < values->len; i++)
    {
      const char *v = values->pdata[i];
      if (i > 0)
        g_string_append_c (text, ',');
      if (v == NULL)
        {
          g_string_append (text, "NULL");
          continue;
        }
      g_string_append_c (text, '"');
      for (; *v != '\0'; v++)
        {
          if (*v == '"' || *v == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *v);
        }
      g_string_append_c (text, '"');
    }
  g_string_append_c (text, '}');
  return g_string_free (text, FALSE);
}

/* What a write transaction has read of a row and of its change-log entry.
 * The write lock keeps no other writer out, so it stays true until this
 * transaction writes them: a row it wrote is read again, an entry it wrote
 * is kept as written.  A push reads the same rows again and again (the
 * work order of each log entry, the site, the van), and a write needs the
 * row's head and entry it read before: one round trip each, saved. */
typedef struct {
  gboolean  have_row;
  PGresult *row;         /* one tuple: the row's columns (its id null: no such row), its entry's */
  gboolean  have_entry;
  gboolean  found;       /* the row has a change-log entry */
  char     *sites;
  char     *gone_sites;
} Known;

static void
known_free (Known *known)
{
  g_clear_pointer (&known->row, PQclear);
  g_free (known->sites);
  g_free (known->gone_sites);
  g_free (known);
}

static Known *
known_lookup (FlPgStore *self, const char *table_name, const char *id, gboolean add)
{
  if (self->depth == 0 || id == NULL)
    return NULL;
  g_autofree char *key = g_strconcat (table_name, "\x1f", id, NULL);
  Known *known = g_hash_table_lookup (self->known, key);
  if (known == NULL && add)
    {
      known = g_new0 (Known, 1);
      g_hash_table_insert (self->known, g_steal_pointer (&key), known);
    }
  return known;
}

static void
known_set_entry (Known *known, gboolean found, const char *sites, const char *gone_sites)
{
  if (known == NULL)
    return;
  known->have_entry = TRUE;
  known->found = found;
  g_free (known->sites);
  g_free (known->gone_sites);
  known->sites = g_strdup (found ? sites : NULL);
  known->gone_sites = g_strdup (found ? gone_sites : NULL);
}

static void fl_pg_store_iface_init (FlStoreInterface *iface);
static void keep_prefetched (FlPgStore *self, const FlTable *table, PGresult *result);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlPgStore, fl_pg_store, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (FL_TYPE_STORE, fl_pg_store_iface_init))

G_DEFINE_AUTOPTR_CLEANUP_FUNC (PGresult, PQclear)

/* ---- talking to PostgreSQL ---- */

static gboolean
fail (FlPgStore *self, GError **error, const char *what, const char *message)
{
  g_autofree char *text = g_strstrip (g_strdup (message != NULL ? message : PQerrorMessage (self->conn)));
  /* Translators: "PostgreSQL, saving a device: ERROR: ..." */
  g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED, _("PostgreSQL, %s: %s"), what, text);
  return FALSE;
}

/* A connection the database closed (a restart, a failover) is opened again
 * between transactions; inside one the transaction is lost anyway. */
static void
reconnect_if_lost (FlPgStore *self)
{
  if (PQstatus (self->conn) == CONNECTION_OK || self->depth > 0 || self->reading)
    return;
  PQreset (self->conn);
  g_hash_table_remove_all (self->prepared);
}

/* Writes in a write transaction go out in pipeline mode without waiting
 * for their answers (a row, its change-log entry, its audit entry, a
 * result): the answers are read, in order, with the next statement that
 * needs one (a read, the commit), so a push costs one round trip per read
 * instead of one per statement.  A write that failed fails that statement
 * in its place; the commit refuses a transaction PostgreSQL has aborted. */
static gboolean
in_pipeline (FlPgStore *self)
{
  return PQpipelineStatus (self->conn) != PQ_PIPELINE_OFF;
}

/* Reads every answer the pipeline owes and leaves pipeline mode.  `last`
 * (may be NULL) receives the answer of the last statement sent.  FALSE
 * with the first failure's words when any statement failed. */
static gboolean
settle (FlPgStore *self, PGresult **last, GError **error)
{
  if (!in_pipeline (self))
    return TRUE;
  self->round_trips++;
  g_autofree char *message = PQpipelineSync (self->conn) == 1 ? NULL : g_strdup (PQerrorMessage (self->conn));
  for (guint i = 0; i < self->pending->len; i++)
    {
      const char *prepare_sql = self->pending->pdata[i];
      const FlTable *prefetch = self->prefetches->pdata[i];
      PGresult *result;
      while ((result = PQgetResult (self->conn)) != NULL)
        {
          ExecStatusType status = PQresultStatus (result);
          gboolean good = status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK;
          /* A PREPARE that did not run names no statement. */
          if (!good && *prepare_sql != '\0')
            g_hash_table_remove (self->prepared, prepare_sql);
          if (!good && status != PGRES_PIPELINE_ABORTED && message == NULL)
            {
              g_strlcpy (self->sqlstate, PQresultErrorField (result, PG_DIAG_SQLSTATE) ?: "", sizeof self->sqlstate);
              message = g_strdup (PQresultErrorMessage (result));
            }
          if (good && prefetch != NULL)
            keep_prefetched (self, prefetch, result);
          if (good && last != NULL && i == self->pending->len - 1)
            {
              g_clear_pointer (last, PQclear);
              *last = result;
            }
          else
            PQclear (result);
        }
    }
  g_ptr_array_set_size (self->pending, 0);
  g_ptr_array_set_size (self->prefetches, 0);
  g_autoptr(PGresult) sync = PQgetResult (self->conn);
  if (PQresultStatus (sync) != PGRES_PIPELINE_SYNC && message == NULL)
    message = g_strdup (PQerrorMessage (self->conn));
  if (PQexitPipelineMode (self->conn) != 1 && message == NULL)
    message = g_strdup (PQerrorMessage (self->conn));
  if (message == NULL)
    {
      self->sqlstate[0] = '\0';
      return TRUE;
    }
  if (last != NULL)
    g_clear_pointer (last, PQclear);
  return fail (self, error, _("running a statement"), message);
}

/* The name of `sql` prepared on this connection, preparing it when new:
 * in the pipeline when one is open, else waiting for it. */
static const char *
prepared_name (FlPgStore *self, const char *sql, int n_params, GError **error)
{
  const char *name = g_hash_table_lookup (self->prepared, sql);
  if (name != NULL)
    return name;
  g_autofree char *new_name = g_strdup_printf ("fl%u", g_hash_table_size (self->prepared) + 1);
  if (in_pipeline (self))
    {
      if (PQsendPrepare (self->conn, new_name, sql, n_params, NULL) != 1)
        {
          fail (self, error, _("preparing a statement"), NULL);
          return NULL;
        }
      g_ptr_array_add (self->pending, g_strdup (sql));
      g_ptr_array_add (self->prefetches, NULL);
    }
  else
    {
      self->round_trips++;
      g_autoptr(PGresult) prepared = PQprepare (self->conn, new_name, sql, n_params, NULL);
      if (PQresultStatus (prepared) != PGRES_COMMAND_OK)
        {
          g_strlcpy (self->sqlstate, PQresultErrorField (prepared, PG_DIAG_SQLSTATE) ?: "", sizeof self->sqlstate);
          fail (self, error, _("preparing a statement"), PQresultErrorMessage (prepared));
          return NULL;
        }
    }
  name = new_name;
  g_hash_table_insert (self->prepared, g_strdup (sql), g_steal_pointer (&new_name));
  return name;
}

/* A prefetch answered after a write would keep the row as it was before:
 * its answer is read before anything is written. */
static gboolean
settle_prefetches (FlPgStore *self, GError **error)
{
  for (guint i = 0; i < self->prefetches->len; i++)
    if (self->prefetches->pdata[i] != NULL)
      return settle (self, NULL, error);
  return TRUE;
}

/* Sends `sql` (prepared, with text parameters) in the pipeline, opening
 * it; outside a write transaction it runs at once instead. */
static gboolean run_done (FlPgStore *self, const char *sql, int n_params, const char * const *params,
                          GError **error);

static gboolean
queue (FlPgStore *self, const char *sql, int n_params, const char * const *params, GError **error)
{
  if (self->depth == 0)
    return run_done (self, sql, n_params, params, error);
  if (!in_pipeline (self) && PQenterPipelineMode (self->conn) != 1)
    return fail (self, error, _("running a statement"), NULL);
  const char *name = prepared_name (self, sql, n_params, error);
  if (name == NULL)
    return FALSE;
  self->statements++;
  if (PQsendQueryPrepared (self->conn, name, n_params, params, NULL, NULL, 0) != 1)
    return fail (self, error, _("running a statement"), NULL);
  g_ptr_array_add (self->pending, g_strdup (""));
  g_ptr_array_add (self->prefetches, NULL);
  return TRUE;
}

/* One statement without parameters (SAVEPOINT, RELEASE, COMMIT) in the
 * pipeline, opening it. */
static gboolean
queue_command (FlPgStore *self, const char *sql, GError **error)
{
  if (!in_pipeline (self) && PQenterPipelineMode (self->conn) != 1)
    return fail (self, error, _("running a statement"), NULL);
  self->statements++;
  if (PQsendQueryParams (self->conn, sql, 0, NULL, NULL, NULL, NULL, 0) != 1)
    return fail (self, error, _("running a statement"), NULL);
  g_ptr_array_add (self->pending, g_strdup (""));
  g_ptr_array_add (self->prefetches, NULL);
  return TRUE;
}

/* `result` when the statement succeeded, else NULL with `error` (its
 * SQLSTATE kept). */
static PGresult *
answered (FlPgStore *self, PGresult *result, GError **error)
{
  ExecStatusType status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    {
      self->sqlstate[0] = '\0';
      return result;
    }
  g_strlcpy (self->sqlstate, PQresultErrorField (result, PG_DIAG_SQLSTATE) ?: "", sizeof self->sqlstate);
  fail (self, error, _("running a statement"), PQresultErrorMessage (result));
  PQclear (result);
  return NULL;
}

/* Runs `sql` with text parameters as a statement prepared once per
 * connection; NULL with `error` when it fails (its SQLSTATE kept).  In a
 * pipeline it goes last and its answer comes with the others'. */
static PGresult *
run (FlPgStore *self, const char *sql, int n_params, const char * const *params, GError **error)
{
  if (in_pipeline (self))
    {
      PGresult *result = NULL;
      if (!queue (self, sql, n_params, params, error))
        {
          settle (self, NULL, NULL);
          return NULL;
        }
      if (!settle (self, &result, error))
        return NULL;
      return result;
    }
  reconnect_if_lost (self);
  const char *name = prepared_name (self, sql, n_params, error);
  if (name == NULL)
    return NULL;
  self->round_trips++;
  self->statements++;
  return answered (self, PQexecPrepared (self->conn, name, n_params, params, NULL, NULL, 0), error);
}

/* Runs `sql` at once (after what the pipeline owes), with parameters of the
 * given lengths and formats (NULL: text) and results in `result_format`
 * (0 text, 1 binary): for the bytes of blobs. */
static PGresult *
run_formats (FlPgStore *self, const char *sql, int n_params, const char * const *params,
             const int *lengths, const int *formats, int result_format, GError **error)
{
  if (!settle (self, NULL, error))
    return NULL;
  reconnect_if_lost (self);
  const char *name = prepared_name (self, sql, n_params, error);
  if (name == NULL)
    return NULL;
  self->round_trips++;
  self->statements++;
  return answered (self, PQexecPrepared (self->conn, name, n_params, params, lengths, formats, result_format),
                   error);
}

/* Statements without parameters, several at once (schema, transactions). */
static gboolean
run_script (FlPgStore *self, const char *sql, GError **error)
{
  if (!settle (self, NULL, error))
    return FALSE;
  reconnect_if_lost (self);
  self->round_trips++;
  self->statements++;
  g_autoptr(PGresult) result = PQexec (self->conn, sql);
  ExecStatusType status = PQresultStatus (result);
  if (status == PGRES_COMMAND_OK || status == PGRES_TUPLES_OK)
    return TRUE;
  g_strlcpy (self->sqlstate, PQresultErrorField (result, PG_DIAG_SQLSTATE) ?: "", sizeof self->sqlstate);
  return fail (self, error, _("running a statement"), PQresultErrorMessage (result));
}

static gboolean
run_done (FlPgStore *self, const char *sql, int n_params, const char * const *params, GError **error)
{
  g_autoptr(PGresult) result = run (self, sql, n_params, params, error);
  return result != NULL;
}

/* The batch's rows sent (in the pipeline, with the transaction's other
 * writes) and forgotten. */
static gboolean
batch_flush (FlPgStore *self, Batch *b, GError **error)
{
  if (batch_rows (b) == 0)
    return TRUE;
  char *arrays[G_N_ELEMENTS (b->columns)] = { NULL };
  for (guint c = 0; c < b->n_columns; c++)
    arrays[c] = array_literal (b->columns[c]);
  batch_truncate (b, 0);
  gboolean ok = queue (self, b->insert, (int) b->n_columns, (const char * const *) arrays, error);
  for (guint c = 0; c < b->n_columns; c++)
    g_free (arrays[c]);
  return ok;
}

/* Before a read of the batch's table, so the transaction reads its own
 * writes. */
static gboolean
batch_settle (FlPgStore *self, Batch *b, GError **error)
{
  return self->depth == 0 || batch_flush (self, b, error);
}

/* The first column of the first row as a number; `fallback` when no row. */
static gboolean
run_int64 (FlPgStore *self, const char *sql, int n_params, const char * const *params,
           gint64 fallback, gint64 *out, GError **error)
{
  g_autoptr(PGresult) result = run (self, sql, n_params, params, error);
  if (result == NULL)
    return FALSE;
  *out = PQntuples (result) > 0 && !PQgetisnull (result, 0, 0)
       ? g_ascii_strtoll (PQgetvalue (result, 0, 0), NULL, 10) : fallback;
  return TRUE;
}

static const char *
text_or_null (PGresult *result, int row, int column)
{
  return PQgetisnull (result, row, column) ? NULL : PQgetvalue (result, row, column);
}

static gboolean
pg_bool (PGresult *result, int row, int column)
{
  return !PQgetisnull (result, row, column) && PQgetvalue (result, row, column)[0] == 't';
}

static gboolean
not_found (GError **error, const char *format, const char *what)
{
  g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, format, what);
  return FALSE;
}

/* ---- schema ---- */

static const char *
pg_type (FlColumnType type)
{
  switch (type)
    {
    case FL_COL_INT:
    case FL_COL_INT64:
      return "BIGINT";
    case FL_COL_BOOL:
      return "BOOLEAN";
    case FL_COL_TEXT:
    case FL_COL_TIME:
    case FL_COL_DATE:
    case FL_COL_REF:
    case FL_COL_JSON:
    default:
      return "TEXT";
    }
}

/* The server's own tables beside the model, as in the SQLite store (times
 * are usec integers); site lists are JSON arrays of ids in jsonb. */
static const char server_tables_sql[] =
  "CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT);\n"
  "CREATE INDEX work_order_status ON work_order (status, resolve_due);\n"
  "CREATE INDEX work_order_ref ON work_order (ref);\n"
  "CREATE INDEX ci_code ON ci (code);\n"
  "CREATE INDEX part_sku ON part (sku);\n"
  "CREATE INDEX stock_location_code ON stock_location (code);\n"
  "CREATE TABLE stock_balance (\n"
  "  location_id TEXT NOT NULL,\n"
  "  part_id TEXT NOT NULL,\n"
  "  qty BIGINT NOT NULL DEFAULT 0,\n"
  "  PRIMARY KEY (location_id, part_id)\n"
  ");\n"
  "CREATE INDEX stock_balance_part ON stock_balance (part_id);\n"
  /* The balance follows the ledger by construction, as in fl-stock-ledger.c. */
  "CREATE FUNCTION fl_stock_post () RETURNS trigger LANGUAGE plpgsql AS $$\n"
  "BEGIN\n"
  "  IF NEW.to_location IS NOT NULL THEN\n"
  "    INSERT INTO stock_balance (location_id, part_id, qty) VALUES (NEW.to_location, NEW.part_id, NEW.qty)\n"
  "      ON CONFLICT (location_id, part_id) DO UPDATE SET qty = stock_balance.qty + EXCLUDED.qty;\n"
  "  END IF;\n"
  "  IF NEW.from_location IS NOT NULL THEN\n"
  "    INSERT INTO stock_balance (location_id, part_id, qty) VALUES (NEW.from_location, NEW.part_id, -NEW.qty)\n"
  "      ON CONFLICT (location_id, part_id) DO UPDATE SET qty = stock_balance.qty + EXCLUDED.qty;\n"
  "  END IF;\n"
  "  RETURN NULL;\n"
  "END $$;\n"
  "CREATE TRIGGER stock_movement_post AFTER INSERT ON stock_movement\n"
  "  FOR EACH ROW EXECUTE FUNCTION fl_stock_post ();\n"
  "CREATE FUNCTION fl_stock_append_only () RETURNS trigger LANGUAGE plpgsql AS $$\n"
  "BEGIN\n"
  "  RAISE EXCEPTION 'the stock ledger is append-only';\n"
  "END $$;\n"
  "CREATE TRIGGER stock_movement_append_only BEFORE UPDATE OR DELETE ON stock_movement\n"
  "  FOR EACH ROW EXECUTE FUNCTION fl_stock_append_only ();\n"
  "CREATE TABLE user_password (\n"
  "  user_id TEXT PRIMARY KEY,\n"
  "  hash TEXT NOT NULL\n"
  ");\n"
  "CREATE TABLE devices (\n"
  "  id TEXT PRIMARY KEY,\n"
  "  user_id TEXT NOT NULL,\n"
  "  name TEXT NOT NULL,\n"
  "  code TEXT NOT NULL,\n"
  "  created_at BIGINT NOT NULL,\n"
  "  last_seen BIGINT NOT NULL DEFAULT 0,\n"
  "  revoked BOOLEAN NOT NULL DEFAULT false\n"
  ");\n"
  "CREATE UNIQUE INDEX devices_code ON devices (lower (code));\n"
  "CREATE INDEX devices_user ON devices (user_id);\n"
  "CREATE TABLE tokens (\n"
  "  hash TEXT PRIMARY KEY,\n"
  "  device_id TEXT NOT NULL REFERENCES devices (id),\n"
  "  expires_at BIGINT NOT NULL,\n"
  "  revoked BOOLEAN NOT NULL DEFAULT false\n"
  ");\n"
  "CREATE INDEX tokens_device ON tokens (device_id);\n"
  /* One result per (device, mid): the key no two instances can both write. */
  "CREATE TABLE device_results (\n"
  "  device_id TEXT NOT NULL,\n"
  "  mid BIGINT NOT NULL,\n"
  "  result TEXT NOT NULL,\n"
  "  PRIMARY KEY (device_id, mid)\n"
  ");\n"
  "CREATE SEQUENCE change_seq;\n"
  "CREATE TABLE changes (\n"
  "  seq BIGINT NOT NULL UNIQUE,\n"
  "  table_name TEXT NOT NULL,\n"
  "  row_id TEXT NOT NULL,\n"
  "  sites JSONB NOT NULL DEFAULT '[]',\n"
  "  gone_sites JSONB NOT NULL DEFAULT '[]',\n"
  "  at BIGINT NOT NULL,\n"
  "  PRIMARY KEY (table_name, row_id)\n"
  ");\n"
  "CREATE TABLE audit (\n"
  "  seq BIGSERIAL PRIMARY KEY,\n"
  "  at BIGINT NOT NULL,\n"
  "  actor TEXT,\n"
  "  device TEXT,\n"
  "  action TEXT NOT NULL,\n"
  "  table_name TEXT,\n"
  "  row_id TEXT,\n"
  "  detail TEXT\n"
  ");\n"
  "CREATE INDEX audit_row ON audit (table_name, row_id, seq);\n"
  "CREATE INDEX audit_at ON audit (at);\n"
  "CREATE TABLE login_attempts (\n"
  "  id BIGSERIAL PRIMARY KEY,\n"
  "  login TEXT NOT NULL,\n"
  "  peer TEXT NOT NULL,\n"
  "  at BIGINT NOT NULL,\n"
  "  success BOOLEAN NOT NULL\n"
  ");\n"
  "CREATE INDEX login_attempts_key ON login_attempts (login, peer, at);\n"
  "CREATE INDEX login_attempts_at ON login_attempts (at);\n";

/* Model tables as in fl_schema_create_sql, with PostgreSQL's types and a
 * row_order that keeps the order rows were first written in (a snapshot
 * sends a parent before the children of the same table).  Every statement
 * is idempotent, so the same text brings an older database up to a model
 * that gained tables or columns since. */
static char *
model_tables_sql (void)
{
  GString *sql = g_string_new (NULL);
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    {
      const FlTable *t = tables[i];
      g_string_append_printf (sql,
                              "CREATE TABLE IF NOT EXISTS \"%s\" (\n"
                              "  id TEXT PRIMARY KEY,\n"
                              "  row_order BIGSERIAL NOT NULL,\n"
                              "  version BIGINT NOT NULL DEFAULT 1,\n"
                              "  created_at TEXT NOT NULL,\n"
                              "  updated_at TEXT NOT NULL\n"
                              ");\n", t->name);
      for (guint c = 0; c < t->n_columns; c++)
        g_string_append_printf (sql, "ALTER TABLE \"%s\" ADD COLUMN IF NOT EXISTS \"%s\" %s;\n",
                                t->name, t->columns[c].name, pg_type (t->columns[c].type));
      g_string_append_printf (sql, "CREATE INDEX IF NOT EXISTS \"%s_row_order\" ON \"%s\" (row_order);\n",
                              t->name, t->name);
      for (guint c = 0; c < t->n_columns; c++)
        if (t->columns[c].type == FL_COL_REF)
          g_string_append_printf (sql, "CREATE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\" (\"%s\");\n",
                                  t->name, t->columns[c].name, t->name, t->columns[c].name);
    }
  guint n_unique;
  const FlStoreUniqueColumn *unique = fl_store_unique_columns (&n_unique);
  for (guint i = 0; i < n_unique; i++)
    g_string_append_printf (sql, "CREATE UNIQUE INDEX IF NOT EXISTS \"%s_%s\" ON \"%s\" (\"%s\");\n",
                            unique[i].table, unique[i].column, unique[i].table, unique[i].column);
  return g_string_free (sql, FALSE);
}

/* After the numbered migrations: the model tables as this version's model
 * has them, applied only when the model differs from the one the database
 * last saw (its digest, fl_store_model_digest, in fl_schema_model). */
static gboolean
upgrade_model (FlPgStore *self, GError **error)
{
  g_autofree char *sql = model_tables_sql ();
  g_autofree char *digest = fl_store_model_digest ();
  const char *params[] = { digest };
  g_autoptr(PGresult) same = run (self, "SELECT 1 FROM fl_schema_model WHERE digest = $1", 1, params, error);
  if (same == NULL)
    return FALSE;
  if (PQntuples (same) > 0)
    return TRUE;
  return run_script (self, sql, error) &&
         run_script (self, "DELETE FROM fl_schema_model", error) &&
         run_done (self, "INSERT INTO fl_schema_model (digest) VALUES ($1)", 1, params, error);
}

static gboolean
create_server (FlPgStore *self, GError **error)
{
  char id[37];
  fl_uuid7_generate (id);
  g_autofree char *model = model_tables_sql ();
  const char *params[] = { id };
  return run_script (self, model, error) && run_script (self, server_tables_sql, error) &&
         run_done (self, "INSERT INTO meta (key, value) VALUES ('store_id', $1)", 1, params, error);
}

/* Photos and signatures, content-addressed, in parts of BLOB_PART bytes so
 * neither side holds more than one part in a statement. */
static gboolean
create_blobs (FlPgStore *self, GError **error)
{
  return run_script (self,
                     "CREATE TABLE blobs (\n"
                     "  sha256 TEXT NOT NULL,\n"
                     "  part INTEGER NOT NULL,\n"
                     "  data BYTEA NOT NULL,\n"
                     "  PRIMARY KEY (sha256, part)\n"
                     ")", error);
}

typedef gboolean (*PgMigrationFunc) (FlPgStore *self, GError **error);

/* Versioned migrations: each runs once, in order, in the transaction that
 * records it in fl_schema_migrations.  Append; never change one that shipped. */
static const struct {
  int             version;
  PgMigrationFunc func;
} migrations[] = {
  { 1, create_server },
  { 2, create_blobs },
};

static gboolean
migrate_in_transaction (FlPgStore *self, GError **error)
{
  int latest = migrations[G_N_ELEMENTS (migrations) - 1].version;
  gint64 current = 0;
  if (!run_script (self, "SELECT pg_advisory_xact_lock (x'" MIGRATE_LOCK "'::bigint);"
                         "CREATE TABLE IF NOT EXISTS fl_schema_migrations ("
                         "  version INTEGER PRIMARY KEY,"
                         "  applied_at TIMESTAMPTZ NOT NULL DEFAULT now ());"
                         "CREATE TABLE IF NOT EXISTS fl_schema_model (digest TEXT NOT NULL)", error) ||
      !run_int64 (self, "SELECT max (version) FROM fl_schema_migrations", 0, NULL, 0, &current, error))
    return FALSE;
  if (current > latest)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN,
                   _("The database has schema %d, newer than this server's %d; run a newer fieldline-sync"),
                   (int) current, latest);
      return FALSE;
    }
  for (guint i = 0; i < G_N_ELEMENTS (migrations); i++)
    {
      if (migrations[i].version <= current)
        continue;
      g_autofree char *version = g_strdup_printf ("%d", migrations[i].version);
      const char *params[] = { version };
      if (!migrations[i].func (self, error) ||
          !run_done (self, "INSERT INTO fl_schema_migrations (version) VALUES ($1)", 1, params, error))
        return FALSE;
    }
  self->schema_version = latest;
  return upgrade_model (self, error);
}

static gboolean
migrate (FlPgStore *self, GError **error)
{
  if (!run_script (self, "BEGIN", error))
    return FALSE;
  if (!migrate_in_transaction (self, error))
    {
      run_script (self, "ROLLBACK", NULL);
      return FALSE;
    }
  return run_script (self, "COMMIT", error);
}

/* ---- the object ---- */

static void
fl_pg_store_finalize (GObject *object)
{
  FlPgStore *self = FL_PG_STORE (object);
  g_clear_pointer (&self->conn, PQfinish);
  g_free (self->uri);
  g_free (self->id);
  g_hash_table_unref (self->prepared);
  g_ptr_array_unref (self->pending);
  g_ptr_array_unref (self->prefetches);
  g_hash_table_unref (self->sql);
  g_hash_table_unref (self->children);
  g_hash_table_unref (self->known);
  batch_free (self->results);
  batch_free (self->audit);
  G_OBJECT_CLASS (fl_pg_store_parent_class)->finalize (object);
}

static void
fl_pg_store_class_init (FlPgStoreClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_pg_store_finalize;
}

static void
fl_pg_store_init (FlPgStore *self)
{
  self->prepared = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->pending = g_ptr_array_new_with_free_func (g_free);
  self->prefetches = g_ptr_array_new ();
  self->sql = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  self->children = fl_store_scope_children ();
  self->known = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, (GDestroyNotify) known_free);
  self->results = batch_new ("INSERT INTO device_results (device_id, mid, result) "
                             "SELECT d, m, r FROM unnest ($1::text[], $2::bigint[], $3::text[]) AS u (d, m, r) "
                             "ON CONFLICT (device_id, mid) DO UPDATE SET result = EXCLUDED.result", 3, TRUE);
  /* In order: an entry's seq follows the order it was written in. */
  self->audit = batch_new ("INSERT INTO audit (at, actor, device, action, table_name, row_id, detail) "
                           "SELECT a, b, c, d, e, f, g FROM unnest ($1::bigint[], $2::text[], $3::text[], "
                           "$4::text[], $5::text[], $6::text[], $7::text[]) WITH ORDINALITY AS u (a, b, c, d, e, f, g, n) "
                           "ORDER BY n", 7, FALSE);
}

/* Server messages (NOTICE) are of no use to the server's own log. */
static void
ignore_notice (void *arg, const char *message)
{
}

FlPgStore *
fl_pg_store_open (const char *uri, GError **error)
{
  g_return_val_if_fail (uri != NULL, NULL);
  g_autoptr(FlPgStore) self = g_object_new (FL_TYPE_PG_STORE, NULL);
  self->uri = g_strdup (uri);
  self->conn = PQconnectdb (uri);
  if (PQstatus (self->conn) != CONNECTION_OK)
    {
      g_autofree char *message = g_strstrip (g_strdup (PQerrorMessage (self->conn)));
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN,
                   _("Cannot connect to the PostgreSQL database: %s"), message);
      return NULL;
    }
  PQsetNoticeProcessor (self->conn, ignore_notice, NULL);
  g_autoptr(GError) local_error = NULL;
  if (!run_script (self, "SET client_encoding = 'UTF8'; SET application_name = 'fieldline-sync'", &local_error) ||
      !migrate (self, &local_error))
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN,
                   _("Cannot use the PostgreSQL database: %s"), local_error->message);
      return NULL;
    }
  g_autoptr(PGresult) meta = run (self, "SELECT value FROM meta WHERE key = 'store_id'", 0, NULL, &local_error);
  if (meta == NULL || PQntuples (meta) != 1)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_OPEN,
                   _("The PostgreSQL database has no store id: %s"),
                   local_error != NULL ? local_error->message : "");
      return NULL;
    }
  self->id = g_strdup (PQgetvalue (meta, 0, 0));
  return g_steal_pointer (&self);
}

guint64
fl_pg_store_get_statements (FlPgStore *self)
{
  g_return_val_if_fail (FL_IS_PG_STORE (self), 0);
  return self->statements;
}

guint64
fl_pg_store_get_round_trips (FlPgStore *self)
{
  g_return_val_if_fail (FL_IS_PG_STORE (self), 0);
  return self->round_trips;
}

PGconn *
fl_pg_store_get_connection (FlPgStore *self)
{
  g_return_val_if_fail (FL_IS_PG_STORE (self), NULL);
  return self->conn;
}

/* ---- rows of the model ---- */

typedef enum {
  SQL_SELECT_BY_ID,  /* a whole row by id */
  SQL_SELECT_BY_IDS, /* the whole rows of the ids in the array $1 */
  SQL_SELECT_ENTRY,  /* that and its change-log sites, gone_sites */
  SQL_PREFETCH,      /* those of each id in the array $1, and the id */
  SQL_HEAD,          /* version and created_at of a row */
  SQL_HEAD_ENTRY,    /* those (null when no row) and the row's change-log sites, gone_sites */
  SQL_FIND,          /* a row by one column (appended to the key) */
  SQL_ALL,           /* every row, in the order they were first written */
  SQL_OPEN,          /* every open work order, in the same order */
  SQL_SCOPED,        /* every row visible at the sites bound as $1 (jsonb) */
  SQL_COUNT,
  SQL_CHILDREN,      /* ids of rows whose column (appended) is $1 */
  SQL_INSERT,
  SQL_UPDATE,
  SQL_CLASH,         /* another row holding the value of a unique column (appended) */
} SqlKind;

static const char *
select_list (FlPgStore *self, const FlTable *table);

static const char *
table_sql (FlPgStore *self, SqlKind kind, const FlTable *table, const char *column)
{
  char key[160];
  g_snprintf (key, sizeof key, "%d:%s:%s", kind, table->name, column != NULL ? column : "");
  const char *sql = g_hash_table_lookup (self->sql, key);
  if (sql != NULL)
    return sql;
  const char *list = kind == SQL_SELECT_BY_ID || kind == SQL_SELECT_BY_IDS || kind == SQL_FIND ||
                     kind == SQL_ALL || kind == SQL_OPEN || kind == SQL_SCOPED
                   ? select_list (self, table) : NULL;
  char *text = NULL;
  switch (kind)
    {
    case SQL_SELECT_BY_ID:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = $1", list, table->name);
      break;
    case SQL_SELECT_BY_IDS:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE id = ANY ($1::text[])", list, table->name);
      break;
    case SQL_SELECT_ENTRY:
    case SQL_PREFETCH:
      {
        /* One tuple an id, its id null when there is no such row. */
        g_autoptr(GString) columns = g_string_new ("t.id, t.version, t.created_at, t.updated_at");
        for (guint i = 0; i < table->n_columns; i++)
          g_string_append_printf (columns, ", t.\"%s\"", table->columns[i].name);
        text = g_strdup_printf ("SELECT %s, c.sites::text, c.gone_sites::text%s "
                                "FROM %s "
                                "LEFT JOIN \"%s\" AS t ON t.id = k.id "
                                "LEFT JOIN changes AS c ON c.table_name = '%s' AND c.row_id = k.id",
                                columns->str, kind == SQL_PREFETCH ? ", k.id" : "",
                                kind == SQL_PREFETCH ? "unnest ($1::text[]) AS k (id)"
                                                     : "(SELECT $1::text AS id) AS k",
                                table->name, table->name);
      }
      break;
    case SQL_HEAD_ENTRY:
      {
        /* And the entries (sites, gone_sites) of the rows the scope goes
         * through ($2, $3: their ids), for the row's own scope. */
        g_autoptr(GString) via = g_string_new (NULL);
        guint n = 1;
        for (guint p = 0; p < G_N_ELEMENTS (table->scope) && table->scope[p].column != NULL; p++)
          if (table->scope[p].via_table != NULL)
            {
              n++;
              for (guint c = 0; c < 2; c++)
                g_string_append_printf (via, ", (SELECT %s::text FROM changes WHERE table_name = '%s' "
                                        "AND row_id = $%u::text)", c == 0 ? "sites" : "gone_sites",
                                        table->scope[p].via_table, n);
            }
        text = g_strdup_printf ("SELECT t.version, t.created_at, c.sites::text, c.gone_sites::text%s "
                                "FROM (SELECT $1::text AS id) AS k "
                                "LEFT JOIN \"%s\" AS t ON t.id = k.id "
                                "LEFT JOIN changes AS c ON c.table_name = '%s' AND c.row_id = k.id",
                                via->str, table->name, table->name);
      }
      break;
    case SQL_HEAD:
      text = g_strdup_printf ("SELECT version, created_at FROM \"%s\" WHERE id = $1", table->name);
      break;
    case SQL_FIND:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE \"%s\" = $1 ORDER BY row_order LIMIT 1",
                              list, table->name, column);
      break;
    case SQL_ALL:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" ORDER BY row_order", list, table->name);
      break;
    case SQL_OPEN:
      text = g_strdup_printf ("SELECT %s FROM \"%s\" WHERE status IN " FL_WO_OPEN_STATUSES_SQL
                              " ORDER BY row_order", list, table->name);
      break;
    case SQL_SCOPED:
      /* The row's change-log entry looked up by its key, row by row in
       * the table's order: the planner cannot guess how many entries ?|
       * keeps (it guessed 2 of 9,297 and joined every row of the table
       * with every entry kept, 130 ms a FETCH at 6,000 rows), and the
       * cursor sends its first rows at once, with no sort. */
      text = g_strdup_printf ("SELECT %s FROM \"%s\" AS t WHERE ("
                              "SELECT c.sites = '[]' OR "
                              "c.sites ?| ARRAY (SELECT jsonb_array_elements_text ($1::jsonb)) "
                              "FROM changes AS c WHERE c.table_name = '%s' AND c.row_id = t.id) "
                              "ORDER BY row_order",
                              list, table->name, table->name);
      break;
    case SQL_COUNT:
      text = g_strdup_printf ("SELECT count(*) FROM \"%s\"", table->name);
      break;
    case SQL_CHILDREN:
      text = g_strdup_printf ("SELECT id FROM \"%s\" WHERE \"%s\" = $1", table->name, column);
      break;
    case SQL_INSERT:
    case SQL_UPDATE:
      {
        g_autoptr(GString) names = g_string_new ("id, version, created_at, updated_at");
        g_autoptr(GString) marks = g_string_new ("$1, $2, $3, $4");
        g_autoptr(GString) sets = g_string_new ("version = $2, created_at = $3, updated_at = $4");
        for (guint i = 0; i < table->n_columns; i++)
          {
            const char *cast = table->columns[i].type == FL_COL_BOOL ? "::boolean"
                             : table->columns[i].type == FL_COL_INT || table->columns[i].type == FL_COL_INT64
                             ? "::bigint" : "";
            g_string_append_printf (names, ", \"%s\"", table->columns[i].name);
            g_string_append_printf (marks, ", $%u%s", i + 5, cast);
            g_string_append_printf (sets, ", \"%s\" = $%u%s", table->columns[i].name, i + 5, cast);
          }
        text = kind == SQL_INSERT
             ? g_strdup_printf ("INSERT INTO \"%s\" (%s) VALUES (%s)", table->name, names->str, marks->str)
             : g_strdup_printf ("UPDATE \"%s\" SET %s WHERE id = $1", table->name, sets->str);
      }
      break;
    case SQL_CLASH:
      text = g_strdup_printf ("SELECT 1 FROM \"%s\" WHERE \"%s\" = $1 AND id <> $2 LIMIT 1",
                              table->name, column);
      break;
    }
  g_hash_table_insert (self->sql, g_strdup (key), text);
  return text;
}

static const char *
select_list (FlPgStore *self, const FlTable *table)
{
  char key[160];
  g_snprintf (key, sizeof key, "list:%s", table->name);
  const char *list = g_hash_table_lookup (self->sql, key);
  if (list != NULL)
    return list;
  GString *text = g_string_new ("id, version, created_at, updated_at");
  for (guint i = 0; i < table->n_columns; i++)
    g_string_append_printf (text, ", \"%s\"", table->columns[i].name);
  list = g_string_free (text, FALSE);
  g_hash_table_insert (self->sql, g_strdup (key), (char *) list);
  return list;
}

static JsonNode *
column_node (const FlColumn *column, PGresult *result, int row, int index)
{
  if (PQgetisnull (result, row, index))
    return json_node_new (JSON_NODE_NULL);
  const char *text = PQgetvalue (result, row, index);
  switch (column->type)
    {
    case FL_COL_INT:
      return json_node_init_int (json_node_alloc (), g_ascii_strtoll (text, NULL, 10));
    case FL_COL_BOOL:
      return json_node_init_boolean (json_node_alloc (), text[0] == 't');
    case FL_COL_JSON:
      {
        JsonNode *value = fl_json_guard_parse (text, -1, NULL, NULL);
        return value != NULL ? value : json_node_new (JSON_NODE_NULL);
      }
    case FL_COL_INT64:  /* digits on the wire, as PostgreSQL writes them */
    default:
      return json_node_init_string (json_node_alloc (), text);
    }
}

static JsonObject *
row_from_result (const FlTable *table, PGresult *result, int row)
{
  JsonObject *object = json_object_new ();
  json_object_set_string_member (object, "id", PQgetvalue (result, row, 0));
  json_object_set_string_member (object, "version", PQgetvalue (result, row, 1));
  json_object_set_string_member (object, "created_at", PQgetvalue (result, row, 2));
  json_object_set_string_member (object, "updated_at", PQgetvalue (result, row, 3));
  for (guint i = 0; i < table->n_columns; i++)
    json_object_set_member (object, table->columns[i].name,
                            column_node (&table->columns[i], result, row, 4 + (int) i));
  return object;
}

/* The text of a value as bound (NULL for null). */
static char *
value_text (const FlColumn *column, JsonNode *value)
{
  if (value == NULL || JSON_NODE_HOLDS_NULL (value))
    return NULL;
  switch (column->type)
    {
    case FL_COL_INT:
      return g_strdup_printf ("%" PRId64, json_node_get_int (value));
    case FL_COL_BOOL:
      return g_strdup (json_node_get_boolean (value) ? "true" : "false");
    case FL_COL_INT64:
      {
        gint64 v = 0;
        if (json_node_get_value_type (value) == G_TYPE_INT64)
          v = json_node_get_int (value);
        else
          fl_record_parse_int64 (json_node_get_string (value), &v);
        return g_strdup_printf ("%" PRId64, v);
      }
    case FL_COL_JSON:
      return json_to_string (value, FALSE);
    default:
      return g_strdup (json_node_get_string (value));
    }
}

static gboolean
write_row (FlPgStore *self, const FlTable *table, JsonObject *row, gboolean exists, GError **error)
{
  guint n = 4 + table->n_columns;
  if (!settle_prefetches (self, error))
    return FALSE;
  Known *known = known_lookup (self, table->name, fl_record_get_string (row, "id"), FALSE);
  if (known != NULL)
    {
      known->have_row = FALSE;
      g_clear_pointer (&known->row, PQclear);
    }
  g_autoptr(GPtrArray) values = g_ptr_array_new_full (n, g_free);
  g_ptr_array_add (values, g_strdup (fl_record_get_string (row, "id")));
  g_ptr_array_add (values, g_strdup_printf ("%" PRId64, fl_record_get_int (row, "version", 1)));
  g_ptr_array_add (values, g_strdup (fl_record_get_string (row, "created_at")));
  g_ptr_array_add (values, g_strdup (fl_record_get_string (row, "updated_at")));
  for (guint i = 0; i < table->n_columns; i++)
    g_ptr_array_add (values, value_text (&table->columns[i],
                                         json_object_get_member (row, table->columns[i].name)));
  return queue (self, table_sql (self, exists ? SQL_UPDATE : SQL_INSERT, table, NULL),
                (int) n, (const char * const *) values->pdata, error);
}

/* ---- transactions ---- */

static gboolean
pg_begin (FlStore *store, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  if (self->depth == 0)
    {
      g_hash_table_remove_all (self->known);
      batch_truncate (self->results, 0);
      batch_truncate (self->audit, 0);
      /* Sent ahead of the transaction's first statements: the wait for
       * the lock costs no round trip of its own. */
      reconnect_if_lost (self);
      if (!queue_command (self, "BEGIN", error) ||
          !queue_command (self, "SELECT pg_advisory_xact_lock (x'" WRITE_LOCK "'::bigint)", error))
        {
          settle (self, NULL, NULL);
          run_script (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  else
    {
      g_autofree char *sql = g_strdup_printf ("SAVEPOINT s%u", self->depth);
      if (!queue_command (self, sql, error))
        return FALSE;
      guint mark = MIN (self->depth, G_N_ELEMENTS (self->results->marks) - 1);
      self->results->marks[mark] = batch_rows (self->results);
      self->audit->marks[mark] = batch_rows (self->audit);
    }
  self->depth++;
  return TRUE;
}

static gboolean
pg_commit (FlStore *store, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_return_val_if_fail (self->depth > 0, FALSE);
  /* Still in the transaction: the batches go with its other writes. */
  gboolean ok = self->depth > 1 ||
                (batch_flush (self, self->results, error) && batch_flush (self, self->audit, error));
  self->depth--;
  if (self->depth > 0)
    {
      g_autofree char *sql = g_strdup_printf ("RELEASE SAVEPOINT s%u", self->depth);
      return queue_command (self, sql, error);
    }
  g_hash_table_remove_all (self->known);
  batch_truncate (self->results, 0);
  batch_truncate (self->audit, 0);
  /* A COMMIT after a failed statement would end the transaction as a
   * ROLLBACK and answer success: the state after the pipeline says. */
  ok = ok && queue_command (self, "COMMIT", error) && settle (self, NULL, error);
  if (ok && PQtransactionStatus (self->conn) == PQTRANS_IDLE)
    return TRUE;
  if (ok)
    g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED,
                 _("PostgreSQL did not commit: a statement of the transaction failed"));
  settle (self, NULL, NULL);
  if (PQtransactionStatus (self->conn) != PQTRANS_IDLE)
    run_script (self, "ROLLBACK", NULL);
  return FALSE;
}

static void
pg_rollback (FlStore *store)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_return_if_fail (self->depth > 0);
  self->depth--;
  guint mark = MIN (self->depth, G_N_ELEMENTS (self->results->marks) - 1);
  batch_truncate (self->results, self->depth == 0 ? 0 : self->results->marks[mark]);
  batch_truncate (self->audit, self->depth == 0 ? 0 : self->audit->marks[mark]);
  /* What failed in the pipeline is what is being undone; what was read
   * before the undone writes (or after) is read again. */
  settle (self, NULL, NULL);
  g_hash_table_remove_all (self->known);
  g_autofree char *sql = self->depth == 0 ? g_strdup ("ROLLBACK")
    : g_strdup_printf ("ROLLBACK TO SAVEPOINT s%u; RELEASE SAVEPOINT s%u", self->depth, self->depth);
  g_autoptr(GError) error = NULL;
  if (!run_script (self, sql, &error))
    g_warning ("%s", error->message);
}

/* A read transaction when none is open: one consistent snapshot for every
 * query in it, taken without waiting for any writer. */
static gboolean
begin_read (FlPgStore *self, gboolean *opened, GError **error)
{
  *opened = FALSE;
  if (self->depth > 0 || self->reading)
    return TRUE;
  if (!run_script (self, "BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", error))
    return FALSE;
  self->reading = *opened = TRUE;
  return TRUE;
}

static void
end_read (FlPgStore *self, gboolean opened)
{
  if (!opened)
    return;
  self->reading = FALSE;
  run_script (self, "COMMIT", NULL);
}

/* ---- FlStore: connection ---- */

static FlStore *
pg_reopen (FlStore *store, GError **error)
{
  return FL_STORE (fl_pg_store_open (FL_PG_STORE (store)->uri, error));
}

static const char *
pg_get_id (FlStore *store)
{
  return FL_PG_STORE (store)->id;
}

static int
pg_schema_version (FlStore *store)
{
  return FL_PG_STORE (store)->schema_version;
}

static gboolean
pg_check (FlStore *store, GError **error)
{
  gint64 n;
  return run_int64 (FL_PG_STORE (store), "SELECT count(*) FROM meta", 0, NULL, 0, &n, error);
}

static gboolean
pg_verify (FlStore *store, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_autoptr(PGresult) result = run (self,
    "WITH ledger (location_id, part_id, qty) AS ("
    "  SELECT location_id, part_id, sum(qty) FROM ("
    "    SELECT to_location AS location_id, part_id, qty FROM stock_movement WHERE to_location IS NOT NULL"
    "    UNION ALL"
    "    SELECT from_location, part_id, -qty FROM stock_movement WHERE from_location IS NOT NULL) m"
    "  GROUP BY location_id, part_id) "
    "SELECT coalesce (l.location_id, b.location_id), coalesce (l.part_id, b.part_id),"
    "       coalesce (l.qty, 0), coalesce (b.qty, 0)"
    "  FROM ledger l FULL OUTER JOIN stock_balance b"
    "    ON b.location_id = l.location_id AND b.part_id = l.part_id"
    " WHERE coalesce (l.qty, 0) <> coalesce (b.qty, 0) LIMIT 1", 0, NULL, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) == 0)
    return TRUE;
  g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED,
               _("The balance of part %s at %s is %" PRId64 " but its ledger adds up to %" PRId64),
               PQgetvalue (result, 0, 1), PQgetvalue (result, 0, 0),
               g_ascii_strtoll (PQgetvalue (result, 0, 3), NULL, 10),
               g_ascii_strtoll (PQgetvalue (result, 0, 2), NULL, 10));
  return FALSE;
}

/* The connection's parameters as a conninfo string for another program,
 * without the password (that goes in PGPASSWORD, not on a command line
 * every user of the machine can read). */
static char *
conninfo_without_password (PGconn *conn)
{
  g_autoptr(GString) text = g_string_new (NULL);
  PQconninfoOption *options = PQconninfo (conn);
  for (PQconninfoOption *o = options; o != NULL && o->keyword != NULL; o++)
    {
      if (o->val == NULL || *o->val == '\0' || strcmp (o->keyword, "password") == 0)
        continue;
      g_string_append_printf (text, "%s%s='", text->len > 0 ? " " : "", o->keyword);
      for (const char *c = o->val; *c != '\0'; c++)
        {
          if (*c == '\'' || *c == '\\')
            g_string_append_c (text, '\\');
          g_string_append_c (text, *c);
        }
      g_string_append_c (text, '\'');
    }
  PQconninfoFree (options);
  return g_string_free (g_steal_pointer (&text), FALSE);
}

/* pg_dump does what a backup of PostgreSQL needs and no copy of ours could:
 * one consistent snapshot of every table (the change log, balances and
 * accounts together) read without stopping writers, in a file pg_restore
 * reads back into an empty database of any later PostgreSQL. */
static gboolean
pg_backup (FlStore *store, const char *dest_path, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_autofree char *pg_dump = g_find_program_in_path ("pg_dump");
  if (pg_dump == NULL)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED,
                   _("pg_dump is not installed: install the PostgreSQL client (Debian: postgresql-client)"));
      return FALSE;
    }
  g_autofree char *conninfo = conninfo_without_password (self->conn);
  g_autofree char *file_option = g_strconcat ("--file=", dest_path, NULL);
  g_autofree char *dbname_option = g_strconcat ("--dbname=", conninfo, NULL);
  const char *argv[] = { pg_dump, "--format=custom", "--no-owner", file_option, dbname_option, NULL };
  g_auto(GStrv) envp = g_get_environ ();
  const char *password = PQpass (self->conn);
  if (password != NULL && *password != '\0')
    envp = g_environ_setenv (envp, "PGPASSWORD", password, TRUE);
  g_autofree char *err = NULL;
  int status = 0;
  if (!g_spawn_sync (NULL, (char **) argv, envp, G_SPAWN_STDOUT_TO_DEV_NULL, NULL, NULL, NULL, &err,
                     &status, error))
    return FALSE;
  if (!g_spawn_check_wait_status (status, NULL))
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED, _("pg_dump could not back up the store: %s"),
                   g_strstrip (err));
      return FALSE;
    }
  return TRUE;
}

/* The connection's use shows in pg_stat_activity, where operators look. */
static void
pg_set_use (FlStore *store, FlStoreUse use)
{
  g_autoptr(GError) error = NULL;
  if (!run_script (FL_PG_STORE (store), use == FL_STORE_USE_WRITER
                                        ? "SET application_name = 'fieldline-sync writer'"
                                        : "SET application_name = 'fieldline-sync reader'", &error))
    g_warning ("%s", error->message);
}

/* PostgreSQL vacuums by itself; what is left is forgetting sign-in
 * attempts older than a day, which tell nothing any more. */
static gboolean
pg_maintain (FlStore *store, GError **error)
{
  g_autofree char *before = g_strdup_printf ("%" PRId64, fl_time_now () - G_TIME_SPAN_DAY);
  const char *params[] = { before };
  return run_done (FL_PG_STORE (store), "DELETE FROM login_attempts WHERE at < $1", 1, params, error);
}

/* ---- rows ---- */

static JsonObject *
pg_load_row (FlStore *store, const FlTable *table, const char *id, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  const char *params[] = { id };
  if (self->depth == 0)
    {
      g_autoptr(PGresult) result = run (self, table_sql (self, SQL_SELECT_BY_ID, table, NULL), 1, params, error);
      if (result == NULL)
        return NULL;
      if (PQntuples (result) == 0)
        {
          g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, _("No %s with id %s"), table->name, id);
          return NULL;
        }
      return row_from_result (table, result, 0);
    }
  /* In a write transaction: read once, with the row's entry (or with the
   * rows read ahead with it). */
  if (!settle_prefetches (self, error))
    return NULL;
  Known *known = known_lookup (self, table->name, id, TRUE);
  if (!known->have_row)
    {
      PGresult *result = run (self, table_sql (self, SQL_SELECT_ENTRY, table, NULL), 1, params, error);
      if (result == NULL)
        return NULL;
      int entry = 4 + (int) table->n_columns;
      known->have_row = TRUE;
      g_clear_pointer (&known->row, PQclear);
      known->row = result;
      if (!known->have_entry)
        known_set_entry (known, !PQgetisnull (result, 0, entry), text_or_null (result, 0, entry),
                         text_or_null (result, 0, entry + 1));
    }
  if (PQgetisnull (known->row, 0, 0))
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, _("No %s with id %s"), table->name, id);
      return NULL;
    }
  return row_from_result (table, known->row, 0);
}

/* The rows of a prefetch, each kept as pg_load_row would have read it
 * (a row or an entry known already stays as known: this transaction may
 * have written it since). */
static void
keep_prefetched (FlPgStore *self, const FlTable *table, PGresult *result)
{
  int n_columns = PQnfields (result);
  for (int i = 0; i < PQntuples (result); i++)
    {
      Known *known = known_lookup (self, table->name, PQgetvalue (result, i, n_columns - 1), TRUE);
      if (known == NULL)
        return;  /* the transaction ended */
      int entry = 4 + (int) table->n_columns;
      if (!known->have_entry)
        known_set_entry (known, !PQgetisnull (result, i, entry), text_or_null (result, i, entry),
                         text_or_null (result, i, entry + 1));
      if (known->have_row)
        continue;
      PGresult *row = PQcopyResult (result, PG_COPYRES_ATTRS);
      gboolean ok = row != NULL;
      for (int c = 0; ok && c < n_columns; c++)
        ok = PQgetisnull (result, i, c) ? PQsetvalue (row, 0, c, NULL, -1)
           : PQsetvalue (row, 0, c, PQgetvalue (result, i, c), PQgetlength (result, i, c));
      if (!ok)
        {
          g_clear_pointer (&row, PQclear);
          continue;  /* read when loaded */
        }
      known->have_row = TRUE;
      known->row = row;
    }
}

/* Asks, in the pipeline, for the rows a write transaction is about to
 * read: their answer comes with the next statement that waits. */
static gboolean
pg_prefetch_rows (FlStore *store, const FlTable *table, const char * const *ids, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  if (self->depth == 0)
    return TRUE;
  g_autoptr(GString) array = g_string_new ("{");
  for (guint i = 0; ids[i] != NULL; i++)
    {
      Known *known = known_lookup (self, table->name, ids[i], FALSE);
      if (known != NULL && known->have_row)
        continue;
      if (array->len > 1)
        g_string_append_c (array, ',');
      g_string_append_c (array, '"');
      for (const char *c = ids[i]; *c != '\0'; c++)
        {
          if (*c == '"' || *c == '\\')
            g_string_append_c (array, '\\');
          g_string_append_c (array, *c);
        }
      g_string_append_c (array, '"');
    }
  if (array->len == 1)
    return TRUE;
  g_string_append_c (array, '}');
  const char *params[] = { array->str };
  if (!queue (self, table_sql (self, SQL_PREFETCH, table, NULL), 1, params, error))
    return FALSE;
  self->prefetches->pdata[self->prefetches->len - 1] = (gpointer) table;
  return TRUE;
}

static JsonObject *
pg_find_row (FlStore *store, const FlTable *table, const char *column, const char *value,
             GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  const char *params[] = { value };
  g_autoptr(PGresult) result = run (self, table_sql (self, SQL_FIND, table, column), 1, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND,
                   _("No %s with %s “%s”"), table->name, column, value);
      return NULL;
    }
  return row_from_result (table, result, 0);
}

/* The recorded scope of a row: its change-log entry's sites. */
static gboolean
recorded_sites (FlPgStore *self, const char *table_name, const char *row_id,
                gboolean *found, char **sites, char **gone_sites, GError **error)
{
  Known *known = known_lookup (self, table_name, row_id, TRUE);
  if (known != NULL && known->have_entry)
    {
      *found = known->found;
      if (sites != NULL)
        *sites = g_strdup (known->sites);
      if (gone_sites != NULL)
        *gone_sites = g_strdup (known->gone_sites);
      return TRUE;
    }
  const char *params[] = { table_name, row_id };
  g_autoptr(PGresult) result = run (self,
      "SELECT sites::text, gone_sites::text FROM changes WHERE table_name = $1 AND row_id = $2",
      2, params, error);
  if (result == NULL)
    return FALSE;
  *found = PQntuples (result) > 0;
  known_set_entry (known, *found, *found ? PQgetvalue (result, 0, 0) : NULL, *found ? PQgetvalue (result, 0, 1) : NULL);
  if (sites != NULL)
    *sites = *found ? g_strdup (PQgetvalue (result, 0, 0)) : NULL;
  if (gone_sites != NULL)
    *gone_sites = *found ? g_strdup (PQgetvalue (result, 0, 1)) : NULL;
  return TRUE;
}

/* As in the SQLite store: a site column gives a site, a reference through
 * via_table takes the scope recorded for that row: read here, or given in
 * `via_sites` (one per path through a table, NULL for no entry) when
 * `via_known`. */
static GStrv
row_sites (FlPgStore *self, const FlTable *table, JsonObject *row, gboolean via_known,
           const char * const *via_sites, GError **error)
{
  g_autoptr(GPtrArray) sites = g_ptr_array_new_with_free_func (g_free);
  guint via = 0;
  for (guint p = 0; p < G_N_ELEMENTS (table->scope); p++)
    {
      const FlScopePath *path = &table->scope[p];
      if (path->column == NULL)
        break;
      const char *given = path->via_table != NULL && via_known ? via_sites[via++] : NULL;
      const char *value = fl_record_get_string (row, path->column);
      if (value == NULL || *value == '\0')
        continue;
      if (path->via_table == NULL)
        {
          g_ptr_array_add (sites, g_strdup (value));
          continue;
        }
      g_autofree char *parent_sites = NULL;
      gboolean found;
      if (via_known)
        {
          parent_sites = g_strdup (given);
          found = parent_sites != NULL;
        }
      else if (!recorded_sites (self, path->via_table, value, &found, &parent_sites, NULL, error))
        return NULL;
      if (!found)
        continue;
      g_auto(GStrv) list = fl_store_sites_from_json (parent_sites);
      for (guint i = 0; list[i] != NULL; i++)
        g_ptr_array_add (sites, g_strdup (list[i]));
    }
  return fl_store_sorted_unique (sites);
}

static GStrv
pg_row_sites (FlStore *store, const FlTable *table, JsonObject *row, GError **error)
{
  return row_sites (FL_PG_STORE (store), table, row, FALSE, NULL, error);
}

/* A row's change-log entry as read before it is moved, and when
 * `via_known` the recorded sites of the rows its scope goes through. */
typedef struct {
  gboolean    found;
  const char *sites;
  const char *gone_sites;
  gboolean    via_known;
  const char *via_sites[G_N_ELEMENTS (((FlTable *) NULL)->scope)];
} Entry;

static gboolean record_change (FlPgStore *self, const FlTable *table, const char *row_id,
                               JsonObject *row, const Entry *entry, gint64 *out_seq, GError **error);

/* The rows that find their scope through `table`'s row `row_id` are
 * re-recorded with their new scope (and a "gone" for the sites they left). */
static gboolean
rescope_children (FlPgStore *self, const FlTable *table, const char *row_id, GError **error)
{
  GPtrArray *children = g_hash_table_lookup (self->children, table->name);
  for (guint c = 0; children != NULL && c < children->len; c++)
    {
      const FlTable *child = children->pdata[c];
      for (guint p = 0; p < G_N_ELEMENTS (child->scope); p++)
        {
          const FlScopePath *path = &child->scope[p];
          if (path->column == NULL)
            break;
          if (g_strcmp0 (path->via_table, table->name) != 0)
            continue;
          const char *params[] = { row_id };
          g_autoptr(PGresult) ids = run (self, table_sql (self, SQL_CHILDREN, child, path->column),
                                         1, params, error);
          if (ids == NULL)
            return FALSE;
          for (int i = 0; i < PQntuples (ids); i++)
            {
              const char *id = PQgetvalue (ids, i, 0);
              g_autoptr(JsonObject) child_row = pg_load_row (FL_STORE (self), child, id, error);
              if (child_row == NULL || !record_change (self, child, id, child_row, NULL, NULL, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* Moves the row's change-log entry (`entry`, or NULL to read it) to a new
 * seq with its current scope.  The seq is taken under WRITE_LOCK: commit
 * order is seq order. */
static gboolean
record_change (FlPgStore *self, const FlTable *table, const char *row_id, JsonObject *row,
               const Entry *entry, gint64 *out_seq, GError **error)
{
  g_auto(GStrv) sites = row_sites (self, table, row, entry != NULL && entry->via_known,
                                   entry != NULL ? entry->via_sites : NULL, error);
  g_autofree char *old_sites = NULL, *old_gone = NULL;
  gboolean found;
  if (sites == NULL)
    return FALSE;
  if (entry != NULL)
    {
      found = entry->found;
      old_sites = g_strdup (entry->sites);
      old_gone = g_strdup (entry->gone_sites);
    }
  else if (!recorded_sites (self, table->name, row_id, &found, &old_sites, &old_gone, error))
    return FALSE;
  g_autofree char *sites_json = fl_store_sites_to_json ((const char * const *) sites);
  g_auto(GStrv) gone = found ? fl_store_gone_after_move (old_sites, old_gone, sites) : g_new0 (char *, 1);
  g_autofree char *gone_json = fl_store_sites_to_json ((const char * const *) gone);
  g_autofree char *at = g_strdup_printf ("%" PRId64, fl_time_now ());
  const char *params[] = { table->name, row_id, sites_json, gone_json, at };
  if (!settle_prefetches (self, error))
    return FALSE;
  known_set_entry (known_lookup (self, table->name, row_id, TRUE), TRUE, sites_json, gone_json);
  static const char upsert[] =
    "INSERT INTO changes (seq, table_name, row_id, sites, gone_sites, at) "
    "VALUES (nextval ('change_seq'), $1, $2, $3::jsonb, $4::jsonb, $5) "
    "ON CONFLICT (table_name, row_id) DO UPDATE SET seq = EXCLUDED.seq, "
    "sites = EXCLUDED.sites, gone_sites = EXCLUDED.gone_sites, at = EXCLUDED.at "
    "RETURNING seq";
  /* Only a caller that asks for the seq waits for it. */
  if (out_seq != NULL ? !run_int64 (self, upsert, 5, params, 0, out_seq, error)
                      : !queue (self, upsert, 5, params, error))
    return FALSE;
  if (found)
    {
      /* jsonb writes its text its own way: compare the lists, not the text. */
      g_auto(GStrv) before = fl_store_sites_from_json (old_sites);
      if (!g_strv_equal ((const char * const *) before, (const char * const *) sites))
        return rescope_children (self, table, row_id, error);
    }
  return TRUE;
}

/* A value another row holds in a unique column: refused before writing,
 * so the transaction stays usable (the write lock makes the check exact). */
static gboolean
check_unique (FlPgStore *self, const FlTable *table, JsonObject *row, GError **error)
{
  guint n_unique;
  const FlStoreUniqueColumn *unique = fl_store_unique_columns (&n_unique);
  for (guint i = 0; i < n_unique; i++)
    {
      if (strcmp (unique[i].table, table->name) != 0)
        continue;
      const char *value = fl_record_get_string (row, unique[i].column);
      if (value == NULL)
        continue;
      const char *params[] = { value, fl_record_get_string (row, "id") };
      g_autoptr(PGresult) result = run (self, table_sql (self, SQL_CLASH, table, unique[i].column),
                                        2, params, error);
      if (result == NULL)
        return FALSE;
      if (PQntuples (result) > 0)
        {
          fl_store_set_unique_clash (error, table, row, unique[i].column);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
put_row_in_transaction (FlPgStore *self, const FlTable *table, JsonObject *row,
                        gint64 *out_seq, GError **error)
{
  const char *id = fl_record_get_string (row, "id");
  if (id == NULL)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_FAILED, _("%s: a row needs an id"), table->name);
      return FALSE;
    }
  /* The row's head, its change-log entry and the entries of the rows its
   * scope goes through: as read before in this transaction, or in one
   * round trip. */
  Known *known = known_lookup (self, table->name, id, TRUE);
  const char *params[1 + G_N_ELEMENTS (table->scope)] = { id };
  Known *via[G_N_ELEMENTS (table->scope)] = { NULL };
  guint n_params = 1;
  gboolean read = !known->have_row || !known->have_entry;
  for (guint p = 0; p < G_N_ELEMENTS (table->scope) && table->scope[p].column != NULL; p++)
    if (table->scope[p].via_table != NULL)
      {
        const char *value = fl_record_get_string (row, table->scope[p].column);
        if (value != NULL && *value != '\0')
          {
            via[n_params - 1] = known_lookup (self, table->scope[p].via_table, value, TRUE);
            read = read || !via[n_params - 1]->have_entry;
          }
        params[n_params++] = value;
      }
  gboolean exists;
  gint64 version = 0;
  g_autofree char *created_at = NULL;
  if (read)
    {
      g_autoptr(PGresult) head = run (self, table_sql (self, SQL_HEAD_ENTRY, table, NULL), (int) n_params,
                                      params, error);
      if (head == NULL)
        return FALSE;
      exists = !PQgetisnull (head, 0, 0);
      if (exists)
        {
          version = g_ascii_strtoll (PQgetvalue (head, 0, 0), NULL, 10);
          created_at = g_strdup (PQgetvalue (head, 0, 1));
        }
      if (!known->have_entry)
        known_set_entry (known, !PQgetisnull (head, 0, 2), text_or_null (head, 0, 2), text_or_null (head, 0, 3));
      for (guint v = 1; v < n_params; v++)
        {
          int column = 2 + 2 * (int) v;
          if (via[v - 1] != NULL && !via[v - 1]->have_entry)
            known_set_entry (via[v - 1], !PQgetisnull (head, 0, column), text_or_null (head, 0, column),
                             text_or_null (head, 0, column + 1));
        }
    }
  else
    {
      exists = !PQgetisnull (known->row, 0, 0);
      if (exists)
        {
          version = g_ascii_strtoll (PQgetvalue (known->row, 0, 1), NULL, 10);
          created_at = g_strdup (PQgetvalue (known->row, 0, 2));
        }
    }
  g_autofree char *entry_sites = g_strdup (known->sites), *entry_gone = g_strdup (known->gone_sites);
  Entry entry = { .found = known->found, .sites = entry_sites, .gone_sites = entry_gone, .via_known = TRUE };
  if (exists && table->kind == FL_TABLE_APPEND_ONLY)
    {
      if (out_seq != NULL)
        *out_seq = 0;
      return TRUE;
    }
  /* Copies: writing the row's entry replaces what is known of it. */
  char *via_sites[G_N_ELEMENTS (table->scope)] = { NULL };
  for (guint v = 1; v < n_params; v++)
    entry.via_sites[v - 1] = via_sites[v - 1] = via[v - 1] != NULL ? g_strdup (via[v - 1]->sites) : NULL;
  fl_store_stamp_row (row, version, created_at);
  gboolean ok = check_unique (self, table, row, error) &&
                write_row (self, table, row, exists, error) &&
                record_change (self, table, id, row, &entry, out_seq, error);
  for (guint v = 0; v < G_N_ELEMENTS (via_sites); v++)
    g_free (via_sites[v]);
  return ok;
}

static gboolean
pg_put_row (FlStore *store, const FlTable *table, JsonObject *row, gint64 *out_seq,
            GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  if (self->depth > 0)
    return put_row_in_transaction (self, table, row, out_seq, error);
  if (!pg_begin (store, error))
    return FALSE;
  if (!put_row_in_transaction (self, table, row, out_seq, error))
    {
      pg_rollback (store);
      return FALSE;
    }
  return pg_commit (store, error);
}

typedef gboolean (*ResultFunc) (PGresult *result, int row, gpointer data, GError **error);

/* Streams the rows of a query through a cursor, FETCH_ROWS at a time, so
 * memory stays bounded and `each` may query the store in between.  Runs
 * inside the caller's (read or write) transaction. */
static gboolean
stream (FlPgStore *self, const char *select, int n_params, const char * const *params,
        ResultFunc each, gpointer data, GError **error)
{
  g_autofree char *cursor = g_strdup_printf ("fl_rows%u", ++self->cursors);
  g_autofree char *declare = g_strdup_printf ("DECLARE %s NO SCROLL CURSOR FOR %s", cursor, select);
  g_autofree char *fetch = g_strdup_printf ("FETCH " FETCH_ROWS " FROM %s", cursor);
  g_autofree char *close = g_strdup_printf ("CLOSE %s", cursor);
  if (!settle (self, NULL, error))
    return FALSE;
  g_autoptr(PGresult) declared = PQexecParams (self->conn, declare, n_params, NULL, params, NULL, NULL, 0);
  if (PQresultStatus (declared) != PGRES_COMMAND_OK)
    return fail (self, error, _("reading"), PQresultErrorMessage (declared));
  gboolean ok = TRUE;
  for (;;)
    {
      self->round_trips++;
      g_autoptr(PGresult) batch = PQexec (self->conn, fetch);
      if (PQresultStatus (batch) != PGRES_TUPLES_OK)
        return fail (self, error, _("reading"), PQresultErrorMessage (batch));
      int n = PQntuples (batch);
      for (int i = 0; ok && i < n; i++)
        ok = each (batch, i, data, error);
      if (!ok || n == 0)
        break;
    }
  run_script (self, close, NULL);
  return ok;
}

typedef struct {
  const FlTable  *table;
  FlStoreRowFunc  func;
  gpointer        user_data;
} RowStream;

static gboolean
stream_row (PGresult *result, int row, gpointer data, GError **error)
{
  RowStream *s = data;
  g_autoptr(JsonObject) object = row_from_result (s->table, result, row);
  return s->func (s->table, object, s->user_data, error);
}

static gboolean
stream_rows (FlPgStore *self, const FlTable *table, const char *select, int n_params,
             const char * const *params, FlStoreRowFunc func, gpointer user_data, GError **error)
{
  RowStream s = { table, func, user_data };
  return stream (self, select, n_params, params, stream_row, &s, error);
}

static gboolean
foreach_row_in_read (FlPgStore *self, const FlTable *table, const char * const *sites,
                     FlStoreRowFunc func, gpointer user_data, GError **error)
{
  gboolean scoped = sites != NULL && sites[0] != NULL;
  g_autofree char *sites_json = scoped ? fl_store_sites_to_json (sites) : NULL;
  const char *params[] = { sites_json };
  return stream_rows (self, table, table_sql (self, scoped ? SQL_SCOPED : SQL_ALL, table, NULL),
                      scoped ? 1 : 0, params, func, user_data, error);
}

static gboolean
pg_foreach_row (FlStore *store, const FlTable *table, const char * const *sites,
                FlStoreRowFunc func, gpointer user_data, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  gboolean ok = foreach_row_in_read (self, table, sites, func, user_data, error);
  end_read (self, opened);
  return ok;
}

static gboolean
pg_foreach_open_work_order (FlStore *store, FlStoreRowFunc func, gpointer user_data, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  const FlTable *table = fl_schema_lookup ("work_order");
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  gboolean ok = stream_rows (self, table, table_sql (self, SQL_OPEN, table, NULL), 0, NULL, func, user_data,
                             error);
  end_read (self, opened);
  return ok;
}

static gint64
pg_count_rows (FlStore *store, const FlTable *table, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  gint64 n = -1;
  if (!run_int64 (self, table_sql (self, SQL_COUNT, table, NULL), 0, NULL, 0, &n, error))
    return -1;
  return n;
}

/* ---- change log ---- */

static gint64
pg_last_seq (FlStore *store, GError **error)
{
  gint64 seq = -1;
  if (!run_int64 (FL_PG_STORE (store), "SELECT coalesce (max (seq), 0) FROM changes", 0, NULL, 0, &seq, error))
    return -1;
  return seq;
}

/* The rows of `changes` (FlStoreChange*, of one read), one query a table:
 * a page of a pull names rows of a few tables, and a round trip a row
 * would cost more than the rows. */
static gboolean
load_changed_rows (FlPgStore *self, GPtrArray *changes, GError **error)
{
  g_autoptr(GHashTable) ids_of = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_autoptr(GPtrArray) tables = g_ptr_array_new ();  /* in the order first met */
  for (guint i = 0; i < changes->len; i++)
    {
      FlStoreChange *change = changes->pdata[i];
      GPtrArray *ids = g_hash_table_lookup (ids_of, change->table);
      if (ids == NULL)
        {
          ids = g_ptr_array_new ();
          g_hash_table_insert (ids_of, (gpointer) change->table, ids);
          g_ptr_array_add (tables, (gpointer) change->table);
        }
      g_ptr_array_add (ids, change->row_id);
    }
  for (guint t = 0; t < tables->len; t++)
    {
      const FlTable *table = tables->pdata[t];
      GPtrArray *ids_of_table = g_hash_table_lookup (ids_of, table);
      g_autofree char *ids = array_literal (ids_of_table);
      const char *params[] = { ids };
      g_autoptr(PGresult) result = run (self, table_sql (self, SQL_SELECT_BY_IDS, table, NULL), 1, params,
                                        error);
      if (result == NULL)
        return FALSE;
      /* The rows come in no particular order. */
      g_autoptr(GHashTable) tuple_of = g_hash_table_new (g_str_hash, g_str_equal);
      for (int r = 0; r < PQntuples (result); r++)
        g_hash_table_insert (tuple_of, PQgetvalue (result, r, 0), GINT_TO_POINTER (r + 1));
      for (guint i = 0; i < changes->len; i++)
        {
          FlStoreChange *change = changes->pdata[i];
          if (change->table != table)
            continue;
          int tuple = GPOINTER_TO_INT (g_hash_table_lookup (tuple_of, change->row_id));
          if (tuple == 0)
            {
              g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, _("No %s with id %s"),
                           table->name, change->row_id);
              return FALSE;
            }
          change->row = row_from_result (table, result, tuple - 1);
        }
    }
  return TRUE;
}

static gboolean
changes_in_read (FlPgStore *self, gint64 cursor, guint limit, const char * const *sites,
                 GPtrArray *changes, gint64 *out_cursor, gboolean *more, GError **error)
{
  gboolean scoped = sites != NULL && sites[0] != NULL;
  gint64 last_seq = pg_last_seq (FL_STORE (self), error);
  if (last_seq < 0)
    return FALSE;
  g_autofree char *cursor_text = g_strdup_printf ("%" PRId64, cursor);
  g_autofree char *limit_text = g_strdup_printf ("%u", limit + 1);
  g_autofree char *sites_json = scoped ? fl_store_sites_to_json (sites) : NULL;
  const char *params[] = { cursor_text, limit_text, sites_json };
  /* The entries that concern the user: rows visible at their sites, and
   * rows that left one of them.  One more than asked tells whether more
   * wait. */
  g_autoptr(PGresult) result = run (self, scoped
      ? "SELECT seq, table_name, row_id, sites::text FROM changes WHERE seq > $1::bigint AND ("
        "sites = '[]' OR sites ?| ARRAY (SELECT jsonb_array_elements_text ($3::jsonb)) "
        "OR gone_sites ? '*' OR gone_sites ?| ARRAY (SELECT jsonb_array_elements_text ($3::jsonb))) "
        "ORDER BY seq LIMIT $2::bigint"
      : "SELECT seq, table_name, row_id, sites::text FROM changes WHERE seq > $1::bigint "
        "ORDER BY seq LIMIT $2::bigint", scoped ? 3 : 2, params, error);
  if (result == NULL)
    return FALSE;

  int n = PQntuples (result);
  *more = n > (int) limit;
  if (*more)
    n = (int) limit;
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_store_change_free);
  g_autoptr(GPtrArray) wanted = g_ptr_array_new ();  /* the changes whose row is sent */
  for (int i = 0; i < n; i++)
    {
      g_autoptr(FlStoreChange) change = g_new0 (FlStoreChange, 1);
      change->seq = g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10);
      change->table = fl_schema_lookup (PQgetvalue (result, i, 1));
      change->row_id = g_strdup (PQgetvalue (result, i, 2));
      if (*more && i == n - 1)
        *out_cursor = change->seq;
      if (change->table == NULL)
        continue;  /* a table of a newer schema: nothing this version can send */
      g_auto(GStrv) row_sites = fl_store_sites_from_json (PQgetvalue (result, i, 3));
      if (fl_store_sites_visible ((const char * const *) row_sites, sites))
        g_ptr_array_add (wanted, change);
      g_ptr_array_add (entries, g_steal_pointer (&change));
    }
  if (!load_changed_rows (self, wanted, error))
    return FALSE;
  if (!*more)
    *out_cursor = MAX (cursor, last_seq);
  for (guint i = 0; i < entries->len; i++)
    g_ptr_array_add (changes, g_steal_pointer (&entries->pdata[i]));
  return TRUE;
}

static GPtrArray *
pg_changes_since (FlStore *store, gint64 cursor, guint limit, const char * const *sites,
                  gint64 *out_cursor, gboolean *more, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_autoptr(GPtrArray) changes = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_store_change_free);
  gint64 next_cursor = cursor;
  gboolean has_more = FALSE;
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return NULL;
  gboolean ok = changes_in_read (self, cursor, limit, sites, changes, &next_cursor, &has_more, error);
  end_read (self, opened);
  if (!ok)
    return NULL;
  if (out_cursor != NULL)
    *out_cursor = next_cursor;
  if (more != NULL)
    *more = has_more;
  return g_steal_pointer (&changes);
}

static gboolean
pg_snapshot (FlStore *store, const char * const *sites, gint64 *out_cursor,
             FlStoreRowFunc func, gpointer user_data, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  gint64 seq = pg_last_seq (store, error);
  gboolean ok = seq >= 0;
  if (ok && out_cursor != NULL)
    *out_cursor = seq;
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; ok && i < n_tables; i++)
    ok = foreach_row_in_read (self, tables[i], sites, func, user_data, error);
  end_read (self, opened);
  return ok;
}

/* ---- device results ---- */

static gint64
pg_device_last_mid (FlStore *store, const char *device_id, GError **error)
{
  const char *params[] = { device_id };
  gint64 mid = -1;
  if (!batch_settle (FL_PG_STORE (store), FL_PG_STORE (store)->results, error) ||
      !run_int64 (FL_PG_STORE (store),
                  "SELECT coalesce (max (mid), 0) FROM device_results WHERE device_id = $1",
                  1, params, 0, &mid, error))
    return -1;
  return mid;
}

static JsonObject *
pg_get_result (FlStore *store, const char *device_id, gint64 mid, GError **error)
{
  g_autofree char *mid_text = g_strdup_printf ("%" PRId64, mid);
  const char *params[] = { device_id, mid_text };
  if (!batch_settle (FL_PG_STORE (store), FL_PG_STORE (store)->results, error))
    return NULL;
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT result FROM device_results WHERE device_id = $1 AND mid = $2::bigint", 2, params, error);
  if (result == NULL || PQntuples (result) == 0)
    return NULL;
  return fl_record_parse (PQgetvalue (result, 0, 0), -1, error);
}

static gboolean
pg_put_result (FlStore *store, const char *device_id, gint64 mid, JsonObject *result,
               GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  if (self->depth > 0)
    {
      char *values[] = { g_strdup (device_id), g_strdup_printf ("%" PRId64, mid), fl_record_to_string (result) };
      g_autofree char *key = g_strconcat (values[0], "\x1f", values[1], NULL);
      batch_add (self->results, key, values);
      return batch_rows (self->results) < BATCH_ROWS || batch_flush (self, self->results, error);
    }
  g_autofree char *mid_text = g_strdup_printf ("%" PRId64, mid);
  g_autofree char *text = fl_record_to_string (result);
  const char *params[] = { device_id, mid_text, text };
  return queue (self,
                "INSERT INTO device_results (device_id, mid, result) VALUES ($1, $2::bigint, $3) "
                "ON CONFLICT (device_id, mid) DO UPDATE SET result = EXCLUDED.result", 3, params, error);
}

/* ---- audit ---- */

static gboolean
pg_audit (FlStore *store, FlAuditEntry *entry, GError **error)
{
  if (entry->at == 0)
    entry->at = fl_time_now ();
  g_autofree char *at = g_strdup_printf ("%" PRId64, entry->at);
  g_autofree char *detail = entry->detail != NULL ? fl_record_to_string (entry->detail) : NULL;
  const char *params[] = { at, entry->actor, entry->device, entry->action, entry->table_name,
                           entry->row_id, detail };
  static const char insert[] =
    "INSERT INTO audit (at, actor, device, action, table_name, row_id, detail) "
    "VALUES ($1::bigint, $2, $3, $4, $5, $6, $7) RETURNING seq";
  FlPgStore *self = FL_PG_STORE (store);
  /* In a write transaction the entry goes with its other writes (seq 0). */
  entry->seq = 0;
  if (self->depth > 0)
    {
      char *values[] = { g_strdup (at), g_strdup (entry->actor), g_strdup (entry->device), g_strdup (entry->action),
                         g_strdup (entry->table_name), g_strdup (entry->row_id), g_strdup (detail) };
      batch_add (self->audit, NULL, values);
      return batch_rows (self->audit) < BATCH_ROWS || batch_flush (self, self->audit, error);
    }
  return run_int64 (self, insert, 7, params, 0, &entry->seq, error);
}

/* Entries deleted per statement while pruning, each its own transaction
 * outside the caller's. */
#define PRUNE_BATCH "5000"

static gint64
pg_prune_audit (FlStore *store, gint64 before, gboolean dry_run, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_autofree char *before_text = g_strdup_printf ("%" PRId64, before);
  const char *params[] = { before_text };
  gint64 count = 0;
  if (!run_int64 (self, "SELECT count(*) FROM audit WHERE at < $1::bigint", 1, params, 0, &count, error))
    return -1;
  if (dry_run || count == 0)
    return count;
  gint64 removed = 0;
  for (;;)
    {
      g_autoptr(PGresult) result = run (self,
          "DELETE FROM audit WHERE seq IN (SELECT seq FROM audit WHERE at < $1::bigint "
          "ORDER BY seq LIMIT " PRUNE_BATCH ")", 1, params, error);
      if (result == NULL)
        return -1;
      gint64 changes = g_ascii_strtoll (PQcmdTuples (result), NULL, 10);
      removed += changes;
      if (changes < g_ascii_strtoll (PRUNE_BATCH, NULL, 10))
        return removed;
    }
}

static gboolean
pg_audit_history (FlStore *store, const char *table_name, const char *row_id,
                  FlStoreAuditFunc func, gpointer user_data, GError **error)
{
  const char *params[] = { table_name, row_id };
  if (!batch_settle (FL_PG_STORE (store), FL_PG_STORE (store)->audit, error))
    return FALSE;
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT seq, at, actor, device, action, table_name, row_id, detail FROM audit "
      "WHERE table_name = $1 AND ($2::text IS NULL OR row_id = $2) ORDER BY seq", 2, params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      const char *detail_text = text_or_null (result, i, 7);
      g_autoptr(JsonObject) detail = detail_text != NULL ? fl_record_parse (detail_text, -1, NULL) : NULL;
      FlAuditEntry entry = {
        .seq = g_ascii_strtoll (PQgetvalue (result, i, 0), NULL, 10),
        .at = g_ascii_strtoll (PQgetvalue (result, i, 1), NULL, 10),
        .actor = text_or_null (result, i, 2),
        .device = text_or_null (result, i, 3),
        .action = text_or_null (result, i, 4),
        .table_name = text_or_null (result, i, 5),
        .row_id = text_or_null (result, i, 6),
        .detail = detail,
      };
      if (!func (&entry, user_data, error))
        return FALSE;
    }
  return TRUE;
}

/* ---- accounts ---- */

static char *
pg_get_password (FlStore *store, const char *user_id, GError **error)
{
  const char *params[] = { user_id };
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT hash FROM user_password WHERE user_id = $1", 1, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      not_found (error, _("No password is set for the user %s"), user_id);
      return NULL;
    }
  return g_strdup (PQgetvalue (result, 0, 0));
}

static gboolean
pg_set_password (FlStore *store, const char *user_id, const char *hash, GError **error)
{
  const char *params[] = { user_id, hash };
  return run_done (FL_PG_STORE (store),
                   "INSERT INTO user_password (user_id, hash) VALUES ($1, $2) "
                   "ON CONFLICT (user_id) DO UPDATE SET hash = EXCLUDED.hash", 2, params, error);
}

#define DEVICE_COLUMNS "id, user_id, name, code, created_at, last_seen, revoked"

static gboolean
pg_put_device (FlStore *store, const FlStoreDevice *device, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  /* A code another device holds is refused before writing, so the
   * caller's transaction stays usable to try another code. */
  const char *check[] = { device->code, device->id };
  g_autoptr(PGresult) taken = run (self,
      "SELECT 1 FROM devices WHERE lower (code) = lower ($1) AND id <> $2", 2, check, error);
  if (taken == NULL)
    return FALSE;
  if (PQntuples (taken) > 0)
    {
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_EXISTS,
                   _("The device code %s is already in use"), device->code);
      return FALSE;
    }
  g_autofree char *created = g_strdup_printf ("%" PRId64, device->created_at != 0 ? device->created_at : fl_time_now ());
  g_autofree char *seen = g_strdup_printf ("%" PRId64, device->last_seen);
  const char *params[] = { device->id, device->user_id, device->name != NULL ? device->name : "",
                           device->code, created, seen, device->revoked ? "true" : "false" };
  if (run_done (self,
                "INSERT INTO devices (" DEVICE_COLUMNS ") "
                "VALUES ($1, $2, $3, $4, $5::bigint, $6::bigint, $7::boolean) ON CONFLICT (id) DO UPDATE SET "
                "user_id = EXCLUDED.user_id, name = EXCLUDED.name, code = EXCLUDED.code, "
                "last_seen = EXCLUDED.last_seen, revoked = EXCLUDED.revoked", 7, params, error))
    return TRUE;
  if (strcmp (self->sqlstate, "23505") == 0)  /* unique_violation: another instance took the code */
    {
      g_clear_error (error);
      g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_EXISTS,
                   _("The device code %s is already in use"), device->code);
    }
  return FALSE;
}

static FlStoreDevice *
device_from_result (PGresult *result, int row)
{
  FlStoreDevice *device = g_new0 (FlStoreDevice, 1);
  device->id = g_strdup (PQgetvalue (result, row, 0));
  device->user_id = g_strdup (PQgetvalue (result, row, 1));
  device->name = g_strdup (PQgetvalue (result, row, 2));
  device->code = g_strdup (PQgetvalue (result, row, 3));
  device->created_at = g_ascii_strtoll (PQgetvalue (result, row, 4), NULL, 10);
  device->last_seen = g_ascii_strtoll (PQgetvalue (result, row, 5), NULL, 10);
  device->revoked = pg_bool (result, row, 6);
  return device;
}

static FlStoreDevice *
pg_load_device (FlStore *store, const char *id_or_code, GError **error)
{
  const char *params[] = { id_or_code };
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT " DEVICE_COLUMNS " FROM devices WHERE id = $1 OR lower (code) = lower ($1)",
      1, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      not_found (error, _("No device has the id or code “%s”"), id_or_code);
      return NULL;
    }
  return device_from_result (result, 0);
}

static gboolean
pg_foreach_device (FlStore *store, const char *user_id, FlStoreDeviceFunc func,
                   gpointer user_data, GError **error)
{
  const char *params[] = { user_id };
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT " DEVICE_COLUMNS " FROM devices WHERE $1::text IS NULL OR user_id = $1 "
      "ORDER BY created_at, id", 1, params, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    {
      g_autoptr(FlStoreDevice) device = device_from_result (result, i);
      if (!func (device, user_data, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
pg_put_token (FlStore *store, const char *hash, const char *device_id, gint64 expires_at,
              GError **error)
{
  g_autofree char *expires = g_strdup_printf ("%" PRId64, expires_at);
  const char *params[] = { hash, device_id, expires };
  return run_done (FL_PG_STORE (store),
                   "INSERT INTO tokens (hash, device_id, expires_at) VALUES ($1, $2, $3::bigint)",
                   3, params, error);
}

static FlStoreToken *
pg_load_token (FlStore *store, const char *hash, GError **error)
{
  const char *params[] = { hash };
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT device_id, expires_at, revoked FROM tokens WHERE hash = $1", 1, params, error);
  if (result == NULL)
    return NULL;
  if (PQntuples (result) == 0)
    {
      not_found (error, "%s", _("No such token"));
      return NULL;
    }
  FlStoreToken *token = g_new0 (FlStoreToken, 1);
  token->device_id = g_strdup (PQgetvalue (result, 0, 0));
  token->expires_at = g_ascii_strtoll (PQgetvalue (result, 0, 1), NULL, 10);
  token->revoked = pg_bool (result, 0, 2);
  return token;
}

static gboolean
pg_revoke_tokens (FlStore *store, const char *hash, const char *device_id, GError **error)
{
  const char *params[] = { hash, device_id };
  return run_done (FL_PG_STORE (store),
                   "UPDATE tokens SET revoked = true WHERE hash = $1 OR ($1::text IS NULL AND device_id = $2)",
                   2, params, error);
}

static gboolean
pg_add_login_attempt (FlStore *store, const char *login, const char *peer, gint64 at,
                      gboolean success, GError **error)
{
  g_autofree char *at_text = g_strdup_printf ("%" PRId64, at);
  const char *params[] = { login, peer, at_text, success ? "true" : "false" };
  return run_done (FL_PG_STORE (store),
                   "INSERT INTO login_attempts (login, peer, at, success) VALUES ($1, $2, $3::bigint, $4::boolean)",
                   4, params, error);
}

static gint64
pg_count_login_failures (FlStore *store, const char *login, const char *peer, gint64 since,
                         GError **error)
{
  g_autofree char *since_text = g_strdup_printf ("%" PRId64, since);
  const char *params[] = { login, peer, since_text };
  gint64 n = -1;
  if (!run_int64 (FL_PG_STORE (store),
                  "SELECT count(*) FROM login_attempts WHERE login = $1 AND peer = $2 AND NOT success "
                  "AND at >= greatest ($3::bigint, coalesce ((SELECT max (at) FROM login_attempts "
                  "                                         WHERE login = $1 AND peer = $2 AND success), 0))",
                  3, params, 0, &n, error))
    return -1;
  return n;
}

/* ---- stock ---- */

static gint64
pg_stock_balance (FlStore *store, const char *location_id, const char *part_id, GError **error)
{
  const char *params[] = { location_id, part_id };
  gint64 qty = 0;
  if (!run_int64 (FL_PG_STORE (store),
                  "SELECT qty FROM stock_balance WHERE location_id = $1 AND part_id = $2",
                  2, params, 0, &qty, error))
    return 0;
  return qty;
}

static gboolean
pg_location_has_stock (FlStore *store, const char *location_id, gboolean *has_stock,
                       GError **error)
{
  const char *params[] = { location_id };
  gint64 any = 0;
  if (!run_int64 (FL_PG_STORE (store),
                  "SELECT (EXISTS (SELECT 1 FROM stock_movement WHERE from_location = $1)"
                  " OR EXISTS (SELECT 1 FROM stock_movement WHERE to_location = $1)"
                  " OR EXISTS (SELECT 1 FROM stock_count WHERE location_id = $1)"
                  " OR EXISTS (SELECT 1 FROM scrap_request WHERE location_id = $1))::int",
                  1, params, 0, &any, error))
    return FALSE;
  *has_stock = any != 0;
  return TRUE;
}

static gboolean
pg_serial_location (FlStore *store, const char *part_id, const char *serial,
                    char **location_id, char **location_code, GError **error)
{
  const char *params[] = { part_id, serial };
  *location_id = *location_code = NULL;
  /* Where its latest movement took it: NULL once used or scrapped. */
  g_autoptr(PGresult) result = run (FL_PG_STORE (store),
      "SELECT m.to_location, l.code FROM stock_movement m"
      "  LEFT JOIN stock_location l ON l.id = m.to_location"
      " WHERE m.part_id = $1 AND m.serial = $2 ORDER BY m.at DESC, m.id DESC LIMIT 1",
      2, params, error);
  if (result == NULL)
    return FALSE;
  if (PQntuples (result) > 0 && text_or_null (result, 0, 0) != NULL)
    {
      *location_id = g_strdup (text_or_null (result, 0, 0));
      *location_code = g_strdup (text_or_null (result, 0, 1));
    }
  return TRUE;
}

static gint64
pg_count_negative_balances (FlStore *store, GError **error)
{
  gint64 n = -1;
  if (!run_int64 (FL_PG_STORE (store), "SELECT count(*) FROM stock_balance WHERE qty < 0",
                  0, NULL, 0, &n, error))
    return -1;
  return n;
}

/* ---- moving a whole store ---- */

static void
pg_record_column (GString *sql, const char *name, FlStoreValueType type)
{
  g_string_append_printf (sql, type == FL_STORE_VALUE_SITES ? "%s::text" : "%s", name);
}

static void
pg_record_param (GString *sql, guint number, FlStoreValueType type)
{
  static const char * const casts[] = {
    [FL_STORE_VALUE_TEXT] = "",
    [FL_STORE_VALUE_INT] = "::bigint",
    [FL_STORE_VALUE_BOOL] = "::boolean",
    [FL_STORE_VALUE_SITES] = "::jsonb",
  };
  g_string_append_printf (sql, "$%u%s", number, casts[type]);
}

static const char *
record_sql (FlPgStore *self, const char *kind, const FlStoreServerTable *table)
{
  g_autofree char *key = g_strdup_printf ("record:%s:%s", kind, table->name);
  const char *sql = g_hash_table_lookup (self->sql, key);
  if (sql == NULL)
    {
      char *text = strcmp (kind, "select") == 0
                 ? fl_store_record_select_sql (table, pg_record_column)
                 : fl_store_record_upsert_sql (table, pg_record_param);
      g_hash_table_insert (self->sql, g_steal_pointer (&key), text);
      sql = text;
    }
  return sql;
}

typedef struct {
  const FlStoreServerTable *table;
  FlStoreRecordFunc         func;
  gpointer                  user_data;
} RecordStream;

static gboolean
stream_record (PGresult *result, int row, gpointer data, GError **error)
{
  RecordStream *s = data;
  g_autoptr(JsonObject) record = json_object_new ();
  for (guint i = 0; i < s->table->n_columns; i++)
    json_object_set_member (record, s->table->columns[i].name,
                            fl_store_record_value (s->table->columns[i].type,
                                                   text_or_null (result, row, (int) i)));
  return s->func (s->table, record, s->user_data, error);
}

static gboolean
pg_foreach_record (FlStore *store, const FlStoreServerTable *table, FlStoreRecordFunc func,
                   gpointer user_data, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  gboolean opened;
  if (!begin_read (self, &opened, error))
    return FALSE;
  RecordStream s = { table, func, user_data };
  gboolean ok = stream (self, record_sql (self, "select", table), 0, NULL, stream_record, &s, error);
  end_read (self, opened);
  return ok;
}

static gboolean
pg_put_record (FlStore *store, const FlStoreServerTable *table, JsonObject *record, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_autoptr(GPtrArray) values = g_ptr_array_new_full (table->n_columns, g_free);
  for (guint i = 0; i < table->n_columns; i++)
    g_ptr_array_add (values, fl_store_record_text (table->columns[i].type,
                                                   json_object_get_member (record, table->columns[i].name)));
  return run_done (self, record_sql (self, "upsert", table), (int) table->n_columns,
                   (const char * const *) values->pdata, error);
}

static gboolean
pg_put_row_as_is (FlStore *store, const FlTable *table, JsonObject *row, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  const char *params[] = { fl_record_get_string (row, "id") };
  g_autoptr(PGresult) head = run (self, table_sql (self, SQL_HEAD, table, NULL), 1, params, error);
  return head != NULL && write_row (self, table, row, PQntuples (head) > 0, error);
}

static gboolean
pg_finish_load (FlStore *store, GError **error)
{
  return run_script (FL_PG_STORE (store),
    "SELECT setval ('change_seq', greatest ((SELECT max (seq) FROM changes), 1));"
    "SELECT setval (pg_get_serial_sequence ('audit', 'seq'), greatest ((SELECT max (seq) FROM audit), 1));"
    "SELECT setval (pg_get_serial_sequence ('login_attempts', 'id'),"
    "               greatest ((SELECT max (id) FROM login_attempts), 1))", error);
}

/* ---- blobs ---- */

static gboolean
pg_has_blob (FlStore *store, const char *sha256, gboolean *has_blob, GError **error)
{
  const char *params[] = { sha256 };
  g_autoptr(PGresult) result = run (FL_PG_STORE (store), "SELECT 1 FROM blobs WHERE sha256 = $1 AND part = 0",
                                    1, params, error);
  if (result == NULL)
    return FALSE;
  *has_blob = PQntuples (result) > 0;
  return TRUE;
}

/* In the caller's transaction if one is open, else in a short one of its
 * own outside the write lock: a blob is named by its bytes, so two
 * instances storing one blob at once write the same rows. */
static gboolean
pg_put_blob (FlStore *store, const char *sha256, GBytes *data, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  gboolean has_blob = FALSE;
  if (!pg_has_blob (store, sha256, &has_blob, error))
    return FALSE;
  if (has_blob)
    return TRUE;
  gsize size = 0;
  const char *bytes = g_bytes_get_data (data, &size);
  gboolean own = self->depth == 0;
  if (own && !run_script (self, "BEGIN", error))
    return FALSE;
  for (gsize offset = 0, part = 0; offset < size || part == 0; offset += BLOB_PART, part++)
    {
      g_autofree char *number = g_strdup_printf ("%" G_GSIZE_FORMAT, part);
      const char *params[] = { sha256, number, bytes != NULL ? bytes + offset : "" };
      const int lengths[] = { 0, 0, (int) MIN (size - offset, (gsize) BLOB_PART) };
      const int formats[] = { 0, 0, 1 };
      g_autoptr(PGresult) result = run_formats (self, "INSERT INTO blobs (sha256, part, data) VALUES ($1, $2, $3) "
                                                      "ON CONFLICT DO NOTHING", 3, params, lengths, formats, 0, error);
      if (result == NULL)
        {
          if (own)
            run_script (self, "ROLLBACK", NULL);
          return FALSE;
        }
    }
  return !own || run_script (self, "COMMIT", error);
}

static GBytes *
pg_get_blob (FlStore *store, const char *sha256, GError **error)
{
  FlPgStore *self = FL_PG_STORE (store);
  g_autoptr(GByteArray) bytes = g_byte_array_new ();
  for (guint part = 0;; part++)
    {
      g_autofree char *number = g_strdup_printf ("%u", part);
      const char *params[] = { sha256, number };
      g_autoptr(PGresult) result = run_formats (self, "SELECT data FROM blobs WHERE sha256 = $1 AND part = $2",
                                                2, params, NULL, NULL, 1, error);
      if (result == NULL)
        return NULL;
      if (PQntuples (result) == 0)
        break;
      g_byte_array_append (bytes, (const guint8 *) PQgetvalue (result, 0, 0), PQgetlength (result, 0, 0));
    }
  gsize size = bytes->len;
  if (size == 0)
    {
      gboolean has_blob = FALSE;
      if (!pg_has_blob (store, sha256, &has_blob, error))
        return NULL;
      if (!has_blob)
        {
          g_set_error (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND, _("No blob %s on the server"), sha256);
          return NULL;
        }
    }
  return g_bytes_new_take (g_byte_array_free (g_steal_pointer (&bytes), FALSE), size);
}

static gboolean
pg_foreach_blob (FlStore *store, gboolean (*func) (const char *sha256, gpointer user_data, GError **error),
                 gpointer user_data, GError **error)
{
  g_autoptr(PGresult) result = run (FL_PG_STORE (store), "SELECT sha256 FROM blobs WHERE part = 0 ORDER BY sha256",
                                    0, NULL, error);
  if (result == NULL)
    return FALSE;
  for (int i = 0; i < PQntuples (result); i++)
    if (!func (PQgetvalue (result, i, 0), user_data, error))
      return FALSE;
  return TRUE;
}

static void
fl_pg_store_iface_init (FlStoreInterface *iface)
{
  iface->reopen = pg_reopen;
  iface->get_id = pg_get_id;
  iface->schema_version = pg_schema_version;
  iface->check = pg_check;
  iface->verify = pg_verify;
  iface->backup = pg_backup;
  iface->set_use = pg_set_use;
  iface->maintain = pg_maintain;
  iface->begin = pg_begin;
  iface->commit = pg_commit;
  iface->rollback = pg_rollback;
  iface->load_row = pg_load_row;
  iface->prefetch_rows = pg_prefetch_rows;
  iface->find_row = pg_find_row;
  iface->put_row = pg_put_row;
  iface->foreach_row = pg_foreach_row;
  iface->foreach_open_work_order = pg_foreach_open_work_order;
  iface->count_rows = pg_count_rows;
  iface->row_sites = pg_row_sites;
  iface->last_seq = pg_last_seq;
  iface->changes_since = pg_changes_since;
  iface->snapshot = pg_snapshot;
  iface->device_last_mid = pg_device_last_mid;
  iface->get_result = pg_get_result;
  iface->put_result = pg_put_result;
  iface->audit = pg_audit;
  iface->audit_history = pg_audit_history;
  iface->prune_audit = pg_prune_audit;
  iface->get_password = pg_get_password;
  iface->set_password = pg_set_password;
  iface->put_device = pg_put_device;
  iface->load_device = pg_load_device;
  iface->foreach_device = pg_foreach_device;
  iface->put_token = pg_put_token;
  iface->load_token = pg_load_token;
  iface->revoke_tokens = pg_revoke_tokens;
  iface->add_login_attempt = pg_add_login_attempt;
  iface->count_login_failures = pg_count_login_failures;
  iface->stock_balance = pg_stock_balance;
  iface->location_has_stock = pg_location_has_stock;
  iface->serial_location = pg_serial_location;
  iface->count_negative_balances = pg_count_negative_balances;
  iface->foreach_record = pg_foreach_record;
  iface->put_record = pg_put_record;
  iface->put_row_as_is = pg_put_row_as_is;
  iface->finish_load = pg_finish_load;
  iface->put_blob = pg_put_blob;
  iface->get_blob = pg_get_blob;
  iface->has_blob = pg_has_blob;
  iface->foreach_blob = pg_foreach_blob;
}
