/* fl-store.h — the sync server's storage, as an interface.
 *
 * Server logic (push, pull, snapshot, accounts, admin) talks to an FlStore
 * and never to SQL, so a PostgreSQL backend can follow the embedded SQLite
 * one (fl-sqlite-store.c) without touching it.
 *
 * Rows of the model are JsonObjects described by the core's FlTable.  Every
 * write of a model row goes through fl_store_put_row(), which writes the row
 * AND its entry in the change log in one step:
 *
 *   changes(seq, table_name, row_id, sites, gone_sites, at)
 *
 * `seq` is a commit-ordered sequence (SQLite serialises writers, so a larger
 * seq is always committed later); each row has exactly one entry, moved to a
 * new seq whenever the row changes, so a pull that pages through seq order
 * never skips nor repeats a row.  `sites` is the row's scope now (site ids,
 * empty = visible to everyone); `gone_sites` collects the sites the row was
 * visible at before and is not any more, so a pull tells a client at such a
 * site that the row is gone.  When a row's scope changes, the rows that find
 * their scope through it (work logs of a work order moved to another site)
 * are re-recorded with their new scope as well.
 *
 * One FlStore is one connection: use it from one thread at a time.  A server
 * that works in several threads (a long snapshot stream next to pushes)
 * opens one per thread with fl_store_reopen(); the SQLite backend runs in WAL
 * mode so readers never wait for the writer.
 *
 * Backends are chosen by the location's scheme (fl_store_open): this
 * interface knows none of them, and nothing but a backend speaks its
 * database's language. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-schema.h"

G_BEGIN_DECLS

/* Errors a caller acts on come in FL_STORE_ERROR; a failure of the
 * database itself comes in the backend's own domain (FL_DB_ERROR for
 * SQLite), its message saying what the database said. */
#define FL_STORE_ERROR (fl_store_error_quark ())
typedef enum {
  FL_STORE_ERROR_FAILED,     /* the backend failed; the message has its words */
  FL_STORE_ERROR_NOT_FOUND,  /* no such row, user, device or token */
  FL_STORE_ERROR_EXISTS,     /* a unique value (login, device code) is taken */
  FL_STORE_ERROR_OPEN,       /* the database cannot be opened or upgraded */
} FlStoreError;
GQuark fl_store_error_quark (void);

/* A device: one sign-in of a user on one machine. */
typedef struct {
  char    *id;          /* UUIDv7 */
  char    *user_id;     /* the `user` row */
  char    *name;        /* "ThinkPad of Li Wei" */
  char    *code;        /* "K3F": 3 characters, unique, in human references */
  gint64   created_at;  /* usec */
  gint64   last_seen;   /* usec, 0 = never */
  gboolean revoked;
} FlStoreDevice;

FlStoreDevice *fl_store_device_copy (const FlStoreDevice *device);
void           fl_store_device_free (FlStoreDevice *device);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlStoreDevice, fl_store_device_free)

/* A token as stored: only its SHA-256, never the token itself. */
typedef struct {
  char    *device_id;
  gint64   expires_at;  /* usec */
  gboolean revoked;
} FlStoreToken;

void fl_store_token_free (FlStoreToken *token);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlStoreToken, fl_store_token_free)

/* One entry of the audit log: who did what to which record, from where. */
typedef struct {
  gint64      seq;         /* set by the store (0 when written inside a write transaction) */
  gint64      at;          /* usec; 0 = now */
  const char *actor;       /* login, or "admin" for the command line; may be NULL */
  const char *device;      /* device id, or NULL */
  const char *action;      /* "login", "login_failed", "insert", "update", "append", "approve", ... */
  const char *table_name;  /* or NULL */
  const char *row_id;      /* or NULL */
  JsonObject *detail;      /* what changed ({field: {from, to}}), or NULL */
} FlAuditEntry;

/* One entry of a pull page. */
typedef struct {
  gint64          seq;
  const FlTable  *table;
  char           *row_id;
  JsonObject     *row;   /* the row as it is now, or NULL: it left the user's sites */
} FlStoreChange;

void fl_store_change_free (FlStoreChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlStoreChange, fl_store_change_free)

/* Called for every row of a snapshot or listing; return FALSE (setting
 * `error`) to stop, e.g. when the client went away. */
typedef gboolean (*FlStoreRowFunc) (const FlTable *table, JsonObject *row,
                                    gpointer user_data, GError **error);
typedef gboolean (*FlStoreDeviceFunc) (const FlStoreDevice *device, gpointer user_data,
                                       GError **error);
typedef gboolean (*FlStoreAuditFunc) (const FlAuditEntry *entry, gpointer user_data,
                                      GError **error);

/* The server's own tables beside the model (accounts, devices, tokens,
 * results, the change log, the audit log, sign-in attempts, meta), as
 * records for moving a whole store (fl-migrate.h): each a JsonObject with
 * one member per column, typed as below. */
typedef enum {
  FL_STORE_VALUE_TEXT,   /* a string, or null */
  FL_STORE_VALUE_INT,    /* a 64-bit integer */
  FL_STORE_VALUE_BOOL,   /* true / false */
  FL_STORE_VALUE_SITES,  /* a JSON array of site ids */
} FlStoreValueType;

typedef struct {
  const char       *name;
  FlStoreValueType  type;
} FlStoreServerColumn;

typedef struct {
  const char                *name;
  const FlStoreServerColumn *columns;
  guint                      n_columns;
  const char                *key;  /* the columns that tell records apart: "device_id, mid" */
} FlStoreServerTable;

/* Every server table, in an order that loads (devices before tokens). */
const FlStoreServerTable *fl_store_server_tables (guint *n_tables);

typedef gboolean (*FlStoreRecordFunc) (const FlStoreServerTable *table, JsonObject *record,
                                       gpointer user_data, GError **error);

/* What a connection is used for, so a backend can size it: the one writer
 * of a server, or one of its many readers (pulls, snapshots, blobs). */
typedef enum {
  FL_STORE_USE_WRITER,
  FL_STORE_USE_READER,
} FlStoreUse;

#define FL_TYPE_STORE (fl_store_get_type ())
G_DECLARE_INTERFACE (FlStore, fl_store, FL, STORE, GObject)

struct _FlStoreInterface
{
  GTypeInterface parent_iface;

  FlStore    *(*reopen)          (FlStore *store, GError **error);
  const char *(*get_id)          (FlStore *store);
  int         (*schema_version)  (FlStore *store);
  gboolean    (*check)           (FlStore *store, GError **error);
  gboolean    (*verify)          (FlStore *store, GError **error);
  gboolean    (*backup)          (FlStore *store, const char *dest_path, GError **error);
  void        (*set_use)         (FlStore *store, FlStoreUse use);
  gboolean    (*maintain)        (FlStore *store, GError **error);

  gboolean    (*begin)           (FlStore *store, GError **error);
  gboolean    (*commit)          (FlStore *store, GError **error);
  void        (*rollback)        (FlStore *store);

  JsonObject *(*load_row)        (FlStore *store, const FlTable *table, const char *id, GError **error);
  gboolean    (*prefetch_rows)   (FlStore *store, const FlTable *table, const char * const *ids,
                                  GError **error);  /* NULL: nothing to gain */
  JsonObject *(*find_row)        (FlStore *store, const FlTable *table, const char *column,
                                  const char *value, GError **error);
  gboolean    (*put_row)         (FlStore *store, const FlTable *table, JsonObject *row,
                                  gint64 *out_seq, GError **error);
  gboolean    (*foreach_row)     (FlStore *store, const FlTable *table, const char * const *sites,
                                  FlStoreRowFunc func, gpointer user_data, GError **error);
  gboolean    (*foreach_open_work_order) (FlStore *store, FlStoreRowFunc func, gpointer user_data,
                                          GError **error);
  gint64      (*count_rows)      (FlStore *store, const FlTable *table, GError **error);
  GStrv       (*row_sites)       (FlStore *store, const FlTable *table, JsonObject *row, GError **error);

  gint64      (*last_seq)        (FlStore *store, GError **error);
  GPtrArray  *(*changes_since)   (FlStore *store, gint64 cursor, guint limit,
                                  const char * const *sites, gint64 *out_cursor,
                                  gboolean *more, GError **error);
  gboolean    (*snapshot)        (FlStore *store, const char * const *sites, gint64 *out_cursor,
                                  FlStoreRowFunc func, gpointer user_data, GError **error);

  gint64      (*device_last_mid) (FlStore *store, const char *device_id, GError **error);
  JsonObject *(*get_result)      (FlStore *store, const char *device_id, gint64 mid, GError **error);
  gboolean    (*put_result)      (FlStore *store, const char *device_id, gint64 mid,
                                  JsonObject *result, GError **error);

  gboolean    (*audit)           (FlStore *store, FlAuditEntry *entry, GError **error);
  gboolean    (*audit_history)   (FlStore *store, const char *table_name, const char *row_id,
                                  FlStoreAuditFunc func, gpointer user_data, GError **error);
  gint64      (*prune_audit)     (FlStore *store, gint64 before, gboolean dry_run, GError **error);

  char       *(*get_password)    (FlStore *store, const char *user_id, GError **error);
  gboolean    (*set_password)    (FlStore *store, const char *user_id, const char *hash, GError **error);

  gboolean    (*put_device)      (FlStore *store, const FlStoreDevice *device, GError **error);
  FlStoreDevice *(*load_device)  (FlStore *store, const char *id_or_code, GError **error);
  gboolean    (*foreach_device)  (FlStore *store, const char *user_id, FlStoreDeviceFunc func,
                                  gpointer user_data, GError **error);

  gboolean    (*put_token)       (FlStore *store, const char *hash, const char *device_id,
                                  gint64 expires_at, GError **error);
  FlStoreToken *(*load_token)    (FlStore *store, const char *hash, GError **error);
  gboolean    (*revoke_tokens)   (FlStore *store, const char *hash, const char *device_id,
                                  GError **error);

  gboolean    (*add_login_attempt) (FlStore *store, const char *login, const char *peer,
                                    gint64 at, gboolean success, GError **error);
  gint64      (*count_login_failures) (FlStore *store, const char *login, const char *peer,
                                       gint64 since, GError **error);

  gint64      (*stock_balance)   (FlStore *store, const char *location_id, const char *part_id,
                                  GError **error);
  gboolean    (*location_has_stock) (FlStore *store, const char *location_id, gboolean *has_stock,
                                     GError **error);
  gboolean    (*serial_location) (FlStore *store, const char *part_id, const char *serial,
                                  char **location_id, char **location_code, GError **error);
  gint64      (*count_negative_balances) (FlStore *store, GError **error);

  gboolean    (*foreach_record)  (FlStore *store, const FlStoreServerTable *table,
                                  FlStoreRecordFunc func, gpointer user_data, GError **error);
  gboolean    (*put_record)      (FlStore *store, const FlStoreServerTable *table, JsonObject *record,
                                  GError **error);
  gboolean    (*put_row_as_is)   (FlStore *store, const FlTable *table, JsonObject *row, GError **error);
  gboolean    (*finish_load)     (FlStore *store, GError **error);

  /* Blobs kept in the database (NULL: the backend keeps none, see
   * fl_store_keeps_blobs). */
  gboolean    (*put_blob)        (FlStore *store, const char *sha256, GBytes *data, GError **error);
  GBytes     *(*get_blob)        (FlStore *store, const char *sha256, GError **error);
  gboolean    (*has_blob)        (FlStore *store, const char *sha256, gboolean *has_blob, GError **error);
  gboolean    (*foreach_blob)    (FlStore *store, gboolean (*func) (const char *sha256, gpointer user_data,
                                                                    GError **error),
                                  gpointer user_data, GError **error);
};

/* Opens the store at `location`, created and upgraded as needed: its
 * scheme names the backend ("sqlite:PATH"; a plain file path is a SQLite
 * file too).  An unknown scheme fails with FL_STORE_ERROR_OPEN. */
FlStore    *fl_store_open (const char *location, GError **error);
/* The file a location names when its store is one file (SQLite), else
 * NULL: a server keeps its blobs beside it, a command checks it exists. */
char       *fl_store_location_file (const char *location);
/* `location` without the password a URI may carry, for logs and output. */
char       *fl_store_location_for_people (const char *location);

/* Another connection to the same database, for another thread. */
FlStore    *fl_store_reopen (FlStore *store, GError **error);
/* A UUID set when the database was created: cursors from another database
 * (a restored or re-created one) can be recognised. */
const char *fl_store_get_id (FlStore *store);
/* The version of the store's schema (its last migration applied). */
int         fl_store_schema_version (FlStore *store);
/* A cheap query: is the database there and answering?  (GET /health) */
gboolean    fl_store_check (FlStore *store, GError **error);
/* The check of `fieldline-sync check`: every stock balance the store keeps
 * equals the sum of its ledger; FALSE with an error naming the first
 * difference. */
gboolean    fl_store_verify (FlStore *store, GError **error);
/* A consistent copy of the whole database at `dest_path`, safe while the
 * server is serving. */
gboolean    fl_store_backup (FlStore *store, const char *dest_path, GError **error);

/* Whether the database itself keeps photos and signatures, so every
 * instance on it finds them without a shared folder (PostgreSQL; a SQLite
 * server keeps them in files beside its database).  The blob functions
 * below are for such a store only; fl-blobs.h checks names, hashes and
 * sizes and is what the rest of the server calls. */
gboolean    fl_store_keeps_blobs (FlStore *store);
/* Stores `data` under `sha256` (already checked) in bounded chunks, in the
 * open transaction or one of its own; a blob there already is left as it is. */
gboolean    fl_store_put_blob (FlStore *store, const char *sha256, GBytes *data, GError **error);
/* The blob's bytes, read chunk by chunk; NULL with FL_STORE_ERROR_NOT_FOUND
 * when there is none. */
GBytes     *fl_store_get_blob (FlStore *store, const char *sha256, GError **error);
gboolean    fl_store_has_blob (FlStore *store, const char *sha256, gboolean *has_blob, GError **error);
gboolean    fl_store_foreach_blob (FlStore *store, gboolean (*func) (const char *sha256, gpointer user_data,
                                                                     GError **error),
                                   gpointer user_data, GError **error);

/* Sizes the connection for `use` (caches, background work). */
void        fl_store_set_use (FlStore *store, FlStoreUse use);
/* The backend's housekeeping, called about once a second on a connection
 * of its own while a server runs (the SQLite backend checkpoints its WAL
 * there instead of inside whichever push commits the thousandth page).
 * Never waits for readers or writers. */
gboolean    fl_store_maintain (FlStore *store, GError **error);

/* ---- transactions ----
 * One write transaction per push request.  They nest (savepoints inside),
 * so helpers that open their own are safe inside the caller's. */
gboolean    fl_store_begin (FlStore *store, GError **error);
gboolean    fl_store_commit (FlStore *store, GError **error);
void        fl_store_rollback (FlStore *store);

/* ---- model rows ---- */

/* The row `id` of `table`; NULL with FL_STORE_ERROR_NOT_FOUND when absent. */
JsonObject *fl_store_load_row (FlStore *store, const FlTable *table, const char *id, GError **error);
/* In a write transaction, the rows `ids` (NULL-terminated) of `table` that
 * it is about to load, asked for at once: a backend with round trips to a
 * database server reads them in one (and `fl_store_load_row` then waits for
 * none), the others ignore it.  Absent ids are fine; loads answer the same
 * with or without it. */
gboolean    fl_store_prefetch_rows (FlStore *store, const FlTable *table, const char * const *ids,
                                    GError **error);
/* The first row whose `column` equals `value` (a user by login, a site by
 * code); NULL with FL_STORE_ERROR_NOT_FOUND when there is none.  `column`
 * must be a column of the table. */
JsonObject *fl_store_find_row (FlStore *store, const FlTable *table, const char *column,
                               const char *value, GError **error);

/* Writes a whole row: inserted when new, replaced when it exists (an
 * existing append-only row is left as it is and nothing is recorded).
 * The store sets `version` in `row` (1 for a new row, the stored version
 * + 1 otherwise), `created_at` and `updated_at` when absent (now; a
 * replacement keeps the stored created_at), and records the change with the
 * row's scope at a new seq, returned in `out_seq` (0 when nothing changed).
 * `row` must already be validated (fl_record_validate).  Outside a
 * transaction the row and its change are written together or not at all;
 * inside one, a failure leaves the transaction to be rolled back. */
gboolean    fl_store_put_row (FlStore *store, const FlTable *table, JsonObject *row,
                              gint64 *out_seq, GError **error);

/* Calls `func` for every row of `table` visible at `sites` (NULL = every
 * row; a row without sites is visible everywhere), one row at a time. */
gboolean    fl_store_foreach_row (FlStore *store, const FlTable *table, const char * const *sites,
                                  FlStoreRowFunc func, gpointer user_data, GError **error);
/* Calls `func` for every open work order (fl_work_order_status_is_open),
 * read through an index on the status. */
gboolean    fl_store_foreach_open_work_order (FlStore *store, FlStoreRowFunc func, gpointer user_data,
                                              GError **error);
gint64      fl_store_count_rows (FlStore *store, const FlTable *table, GError **error);

/* The site ids that scope `row` (resolved through via_table chains), an
 * empty vector when the row is visible to everyone.  Sorted, no duplicates. */
GStrv       fl_store_row_sites (FlStore *store, const FlTable *table, JsonObject *row, GError **error);

/* True when a user whose `user.sites` are `user_sites` (NULL or empty =
 * every site) may see a row scoped to `row_sites`. */
gboolean    fl_store_sites_visible (const char * const *row_sites, const char * const *user_sites);

/* What changed between two versions of a row, as the audit log keeps it:
 * {field: {from, to}} for every column of `table` whose value differs
 * (`before` NULL: a new row, every set field from null). */
JsonObject *fl_store_row_diff (const FlTable *table, JsonObject *before, JsonObject *after);

/* ---- the change log ---- */

/* The last seq committed (0 for an empty log). */
gint64      fl_store_last_seq (FlStore *store, GError **error);
/* Up to `limit` changes after `cursor` in seq order that concern a user of
 * `sites` (NULL = every site): rows visible to them, and rows that left
 * their sites (`row` NULL).  `out_cursor` receives the cursor to continue
 * from (the last seq examined, so rows of other sites are not scanned
 * again); `more` whether more changes wait.  Returns FlStoreChange*. */
GPtrArray  *fl_store_changes_since (FlStore *store, gint64 cursor, guint limit,
                                    const char * const *sites, gint64 *out_cursor,
                                    gboolean *more, GError **error);
/* Every row visible at `sites`, table by table in dependency order, read in
 * one consistent read transaction that does not block writers.
 * `out_cursor` is set BEFORE the first call of `func` to the seq this
 * snapshot is at, so a client continues pulling from there. */
gboolean    fl_store_snapshot (FlStore *store, const char * const *sites, gint64 *out_cursor,
                               FlStoreRowFunc func, gpointer user_data, GError **error);

/* ---- pushed mutations: idempotent replay ---- */

/* The highest mid applied for the device (0 when none). */
gint64      fl_store_device_last_mid (FlStore *store, const char *device_id, GError **error);
/* The result recorded for (device, mid), or NULL (no error) when none. */
JsonObject *fl_store_get_result (FlStore *store, const char *device_id, gint64 mid, GError **error);
gboolean    fl_store_put_result (FlStore *store, const char *device_id, gint64 mid,
                                 JsonObject *result, GError **error);

/* ---- audit log ---- */

/* Appends a summary of `entry`, setting its seq (a backend may send an
 * entry of a write transaction with its other writes and leave seq 0):
 * each text made valid UTF-8 and cut (marked "…") at 256 bytes, each text
 * inside `detail` at 4 KiB. */
gboolean    fl_store_audit (FlStore *store, FlAuditEntry *entry, GError **error);
/* The history of one record (or of a whole table when `row_id` is NULL),
 * oldest first. */
gboolean    fl_store_audit_history (FlStore *store, const char *table_name, const char *row_id,
                                    FlStoreAuditFunc func, gpointer user_data, GError **error);
/* Removes the entries older than `before` (usec), in short transactions so
 * the server's writer waits little; with `dry_run` only counts them.
 * Returns how many, or -1 with `error`. */
gint64      fl_store_prune_audit (FlStore *store, gint64 before, gboolean dry_run, GError **error);

/* How long audit entries are kept unless configured otherwise: the
 * customers' standards keep audit records three years. */
#define FL_STORE_AUDIT_RETENTION_DAYS (3 * 365)

/* ---- accounts (server-only data; see fl-accounts.h for the logic) ---- */

/* The password hash of a `user` row, NULL with NOT_FOUND when none is set. */
char       *fl_store_get_password (FlStore *store, const char *user_id, GError **error);
gboolean    fl_store_set_password (FlStore *store, const char *user_id, const char *hash, GError **error);

/* Inserts or updates a device by id; a code already used by another device
 * fails with FL_STORE_ERROR_EXISTS. */
gboolean    fl_store_put_device (FlStore *store, const FlStoreDevice *device, GError **error);
/* A device by id or by code (case-insensitive); NULL with NOT_FOUND. */
FlStoreDevice *fl_store_load_device (FlStore *store, const char *id_or_code, GError **error);
/* Devices of one user, or of everyone when `user_id` is NULL, oldest first. */
gboolean    fl_store_foreach_device (FlStore *store, const char *user_id, FlStoreDeviceFunc func,
                                     gpointer user_data, GError **error);

gboolean    fl_store_put_token (FlStore *store, const char *hash, const char *device_id,
                                gint64 expires_at, GError **error);
/* NULL with NOT_FOUND when no token has that hash. */
FlStoreToken *fl_store_load_token (FlStore *store, const char *hash, GError **error);
/* Revokes the token with `hash`, or (hash NULL) every token of `device_id`. */
gboolean    fl_store_revoke_tokens (FlStore *store, const char *hash, const char *device_id,
                                    GError **error);

gboolean    fl_store_add_login_attempt (FlStore *store, const char *login, const char *peer,
                                        gint64 at, gboolean success, GError **error);
/* Failed attempts for `login` from `peer` since `since` (usec), not counting
 * those before the last success. */
gint64      fl_store_count_login_failures (FlStore *store, const char *login, const char *peer,
                                           gint64 since, GError **error);

/* ---- moving a whole store (fl-migrate.c) ---- */

/* Calls `func` for every record of a server table, in no set order. */
gboolean    fl_store_foreach_record (FlStore *store, const FlStoreServerTable *table,
                                     FlStoreRecordFunc func, gpointer user_data, GError **error);
/* Writes a record as it is, replacing one with the same key. */
gboolean    fl_store_put_record (FlStore *store, const FlStoreServerTable *table, JsonObject *record,
                                 GError **error);
/* Writes a model row as it is (its version and times kept), without
 * recording a change: the change log is moved as records. */
gboolean    fl_store_put_row_as_is (FlStore *store, const FlTable *table, JsonObject *row, GError **error);
/* After records were put: the store's counters (change seq, audit seq)
 * continue after the largest values loaded. */
gboolean    fl_store_finish_load (FlStore *store, GError **error);

/* ---- stock ---- */

/* The balance of one part at one location, the sum of the stock_movement
 * ledger (0 when nothing moved yet); inside a transaction it counts the
 * movements written in it. */
gint64      fl_store_stock_balance (FlStore *store, const char *location_id, const char *part_id,
                                    GError **error);
/* Whether a stock location has any stock history: movements from or to
 * it, counts or scrap requests at it. */
gboolean    fl_store_location_has_stock (FlStore *store, const char *location_id,
                                         gboolean *has_stock, GError **error);
/* Where serial number `serial` of part `part_id` is now by the ledger (its
 * latest movement's destination): the location's id and code, both NULL
 * when it is not in stock. */
gboolean    fl_store_serial_location (FlStore *store, const char *part_id, const char *serial,
                                      char **location_id, char **location_code, GError **error);
/* Number of (location, part) balances below zero (a gauge in /metrics). */
gint64      fl_store_count_negative_balances (FlStore *store, GError **error);

G_END_DECLS
