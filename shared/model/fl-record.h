/* fl-record.h — rows as JSON objects: validation against the schema with
 * field-level errors and lenient reading of their values.  Storing them in
 * SQLite is fl-record-store.h's. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-schema.h"

G_BEGIN_DECLS

#define FL_RECORD_ERROR (fl_record_error_quark ())
typedef enum {
  FL_RECORD_ERROR_UNKNOWN_TABLE,
  FL_RECORD_ERROR_UNKNOWN_FIELD,
  FL_RECORD_ERROR_INVALID,    /* wrong type, out of range, not a choice */
  FL_RECORD_ERROR_MISSING,    /* a required field is absent or null */
  FL_RECORD_ERROR_IMMUTABLE,  /* an update touches a field fixed at insert */
  FL_RECORD_ERROR_MALFORMED,  /* not JSON, or not an object */
} FlRecordError;
GQuark fl_record_error_quark (void);

typedef enum {
  FL_RECORD_INSERT,  /* a whole new row: required fields must be there */
  FL_RECORD_UPDATE,  /* some fields of an existing row */
  FL_RECORD_STORED,  /* a stored row as pulled: common columns allowed */
} FlRecordMode;

/* Checks `fields` against `table` and normalises what it accepts (times to
 * the canonical RFC 3339 form, 64-bit numbers to strings).  On failure,
 * `bad_field` (if given) receives the name of the first offending field and
 * `error` says what is wrong with it, naming it. */
gboolean    fl_record_validate (const FlTable *table,
                                JsonObject    *fields,
                                FlRecordMode   mode,
                                char         **bad_field,
                                GError       **error);

/* Checks and normalises a row the server sent (a pulled row, a snapshot
 * line's row), as fl_record_validate (FL_RECORD_STORED) does, except that
 * fields this version does not know (a newer server's) are dropped rather
 * than refused, and a row of a server-owned table keeps any JSON value its
 * columns hold: the server's word. */
gboolean    fl_record_accept_pulled (const FlTable *table,
                                     JsonObject    *row,
                                     GError       **error);

/* Validates one value of a column (used for update `changes`). */
gboolean    fl_record_validate_value (const FlTable  *table,
                                      const FlColumn *column,
                                      JsonNode       *value,
                                      GError        **error);

/* Parses a JSON text that must be an object (a row); a clear error otherwise. */
JsonObject *fl_record_parse (const char *json_text, gssize length, GError **error);
char       *fl_record_to_string (JsonObject *row);

/* Value helpers that read a row leniently. */
const char *fl_record_get_string (JsonObject *row, const char *field);
gint64      fl_record_get_int (JsonObject *row, const char *field, gint64 fallback);
gboolean    fl_record_get_bool (JsonObject *row, const char *field);
gboolean    fl_json_node_equal (JsonNode *a, JsonNode *b);
/* Parses a whole decimal 64-bit number ("-12"); FALSE for anything else. */
gboolean    fl_record_parse_int64 (const char *text, gint64 *out);
/* Reads a number a person typed for `column` of `table` (an int column with
 * a range): a whole number within the column's range, spaces around it
 * allowed.  Anything else is refused with words for the field ("Enter a
 * number from 0 to 1440"), never clamped. */
gboolean    fl_record_read_number (const char *table, const char *column, const char *text,
                                   gint64 *out, GError **error);
/* The same for a number that is not a column (a setting): a whole number
 * from `min` to `max`. */
gboolean    fl_record_read_whole_number (const char *text, gint64 min, gint64 max,
                                         gint64 *out, GError **error);
/* Reads a decimal number a person typed ("21.5", "-3", " 0.25 "): digits
 * with an optional sign and one decimal point, at most 15 digits.  Anything
 * else ("abc", "1e999", "inf", "", "1,5") is refused with words for the
 * field. */
gboolean    fl_record_read_decimal (const char *text, double *out, GError **error);
/* Sets a text field only when `value` is non-NULL and not empty (an empty
 * entry in a form means "not given"). */
void        fl_record_set_text (JsonObject *row, const char *field, const char *value);

G_END_DECLS
