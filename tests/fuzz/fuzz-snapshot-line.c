/* Snapshot decoding on the client: the input is a stream of NDJSON lines
 * as GET /sync/snapshot sends them, each read as the client's snapshot
 * parsers read it (fl_snapshot_line_parse, then the row's acceptance,
 * fl_record_accept_pulled).
 *
 * A refused line comes with an error the sync page can show.  Each line
 * the client accepts is one the server writes the same way: encoded again
 * with the server's writers it reads back to the same line. */
#include "fl-record.h"
#include "fl-schema.h"

#include "fl-fuzz.h"

static char *
encode (const FlSnapshotLine *line)
{
  switch (line->kind)
    {
    case FL_SNAPSHOT_HEADER:
      return fl_snapshot_header_line (line->cursor, NULL);
    case FL_SNAPSHOT_ROW:
      return fl_snapshot_row_line (line->table, line->row, NULL);
    case FL_SNAPSHOT_END:
      return fl_snapshot_end_line (line->rows, NULL);
    default:
      g_assert_not_reached ();
    }
}

static void
check_line (const char *text)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(FlSnapshotLine) line = fl_snapshot_line_parse (text, strlen (text), &error);
  if (line == NULL)
    {
      fl_fuzz_check_refusal (error, FL_PROTOCOL_ERROR);
      return;
    }
  g_assert_no_error (error);

  g_autofree char *encoded = encode (line);
  g_assert_true (g_str_has_suffix (encoded, "\n"));
  g_autoptr(FlSnapshotLine) again = fl_snapshot_line_parse (encoded, strlen (encoded) - 1, &error);
  g_assert_no_error (error);
  g_assert_cmpint (again->kind, ==, line->kind);
  g_autofree char *encoded_again = encode (again);
  g_assert_cmpstr (encoded_again, ==, encoded);

  if (line->kind != FL_SNAPSHOT_ROW)
    return;
  const FlTable *table = fl_schema_lookup (line->table);
  if (table != NULL && !fl_record_accept_pulled (table, line->row, &error))
    fl_fuzz_check_refusal (error, FL_RECORD_ERROR);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *stream = g_strndup ((const char *) data, size);
  g_auto(GStrv) lines = g_strsplit (stream, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    check_line (lines[i]);
  return 0;
}
