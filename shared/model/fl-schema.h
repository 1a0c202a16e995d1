/* fl-schema.h — the data model of Fieldline as one static description.
 *
 * Every synced entity is a row of a table described here: its columns, their
 * types and limits, whether the table is mutable (field-level merge) or an
 * append-only ledger, and how a row finds the site(s) that scope it. The SQL
 * tables, the JSON codec, validation, the change log, the server's merge and
 * its access checks are all driven by this one description, so a column is
 * declared once and every part agrees on it. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef enum {
  FL_COL_TEXT,      /* UTF-8 text; `choices` restricts it to an enumeration */
  FL_COL_INT,       /* 32-bit range integer, a JSON number */
  FL_COL_INT64,     /* 64-bit integer, a JSON string of digits on the wire */
  FL_COL_BOOL,      /* JSON true/false, stored 0/1 */
  FL_COL_TIME,      /* RFC 3339 UTC text with milliseconds */
  FL_COL_DATE,      /* YYYY-MM-DD */
  FL_COL_REF,       /* id of a row of `ref_table` (UUIDv7 text) */
  FL_COL_JSON,      /* a JSON object or array, stored as its text */
} FlColumnType;

typedef enum {
  FL_COL_REQUIRED    = 1 << 0,  /* must be present and non-null on insert */
  FL_COL_IMMUTABLE   = 1 << 1,  /* set on insert, never changed by an update */
  FL_COL_DERIVED     = 1 << 2,  /* computed (priority, SLA due times): clients may send it, the server recomputes */
  FL_COL_SERVER_ONLY = 1 << 3,  /* kept on the server, never sent to clients */
  FL_COL_ANY_VALUE   = 1 << 4,  /* FL_COL_JSON that may hold any JSON value, not only an object or array */
} FlColumnFlags;

typedef struct {
  const char          *name;
  FlColumnType         type;
  guint                flags;
  const char * const  *choices;    /* FL_COL_TEXT enumerations, NULL-terminated */
  gint64               min, max;   /* FL_COL_INT/INT64 limits, used when min < max */
  const char          *ref_table;  /* FL_COL_REF */
  gsize                max_length; /* FL_COL_TEXT: bytes of text; FL_COL_JSON: bytes of its JSON text */
} FlColumn;

/* Length limits of text columns, in bytes of UTF-8 (a Chinese character
 * takes three). */
#define FL_TEXT_LOGIN 128          /* a user's login */
#define FL_TEXT_NAME  200          /* codes, names, references */
#define FL_TEXT_LINE  1024         /* an address, a contact, a file name */
#define FL_TEXT_LONG  (64 * 1024)  /* descriptions, resolutions, notes */

typedef enum {
  FL_TABLE_MUTABLE,       /* insert + update, field-level three-way merge */
  FL_TABLE_APPEND_ONLY,   /* insert only (idempotent by id), never changed */
  FL_TABLE_SERVER_OWNED,  /* written by the server only (users, conflicts) */
} FlTableKind;

/* How a row finds the site(s) that scope who may see it.  A row whose scope
 * resolves to no site at all (a central warehouse, the parts catalogue) is
 * visible to every signed-in user. */
typedef struct {
  const char *column;     /* a column of this table that holds a site id, or ... */
  const char *via_table;  /* ... the id of a row of via_table, whose own scope applies */
} FlScopePath;

typedef struct {
  const char       *name;
  FlTableKind       kind;
  const FlColumn   *columns;
  guint             n_columns;
  FlScopePath       scope[2];   /* up to two paths (a transfer between two sites) */
  const char       *ref_prefix; /* human reference prefix (INC, REQ, ...) if the table has `ref` */
} FlTable;

/* All tables in dependency order (a table only refers to earlier ones). */
const FlTable * const *fl_schema_tables (guint *n_tables);
const FlTable        *fl_schema_lookup (const char *table_name);
const FlColumn       *fl_table_column (const FlTable *table, const char *column_name);
gboolean              fl_column_has_choice (const FlColumn *column, const char *value);

/* Columns every row carries besides its own. */
#define FL_COMMON_COLUMNS "id", "version", "created_at", "updated_at"
gboolean              fl_schema_is_common_column (const char *column_name);

/* The CREATE TABLE statements of the replicated model (migration 1). */
char                 *fl_schema_create_sql (void);
/* The same for one table, and the statement that adds `column` to a table
 * made before the model had it: to the table itself (NULL, with the
 * column's index) or to `sql_table`, a copy with the same columns. */
char                 *fl_schema_table_sql (const FlTable *table);
char                 *fl_schema_column_sql (const FlTable *table, const FlColumn *column,
                                            const char *sql_table);

/* The SHA-256 (hex) of the model's shape: every table, its kind and its
 * columns with their types and indexes, and `store_part`, what a store
 * keeps beside the model (NULL for none).  Stores record it and, when the
 * program's differs, bring their tables up to the model (new tables made
 * whole, new columns added): a model change needs no numbered migration. */
char                 *fl_schema_digest (const char *store_part);

G_END_DECLS
