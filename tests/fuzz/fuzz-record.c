/* Row validation, for every table: the input is "<table> <mode>\n<row>",
 * mode being insert, update (a push's fields and changes) or stored (a row
 * pulled from the server, as a replica keeps it).
 *
 * A refused row names the offending field.  An accepted row is in its
 * canonical form: sent over the wire and validated again it is accepted
 * unchanged.  A stored row, written to a replica and read back, keeps
 * every value it was accepted with. */
#include <fieldline.h>

#include "fl-fuzz.h"

static const char * const mode_names[] = {
  [FL_RECORD_INSERT] = "insert",
  [FL_RECORD_UPDATE] = "update",
  [FL_RECORD_STORED] = "stored",
};

static gboolean
mode_from_string (const char *text, FlRecordMode *mode)
{
  for (guint i = 0; i < G_N_ELEMENTS (mode_names); i++)
    if (g_strcmp0 (mode_names[i], text) == 0)
      {
        *mode = i;
        return TRUE;
      }
  return FALSE;
}

/* One in-memory replica for the whole run; each input's row is rolled back. */
static FlDb *
replica (void)
{
  static FlDb *db;
  if (db == NULL)
    {
      g_autoptr(GError) error = NULL;
      db = fl_db_open_replica (":memory:", &error);
      g_assert_no_error (error);
    }
  return db;
}

static void
check_stored (const FlTable *table, JsonObject *row)
{
  FlDb *db = replica ();
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_db_begin (db, &error));
  g_assert_true (fl_record_store (db, table, row, NULL, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) loaded = fl_record_load (db, table, fl_record_get_string (row, "id"), &error);
  g_assert_no_error (error);
  fl_db_rollback (db);

  g_autoptr(GList) members = json_object_get_members (row);
  for (GList *l = members; l != NULL; l = l->next)
    if (!fl_json_node_equal (json_object_get_member (row, l->data),
                             json_object_get_member (loaded, l->data)))
      {
        g_autofree char *sent = fl_fuzz_object_text (row);
        g_autofree char *back = fl_fuzz_object_text (loaded);
        g_error ("%s.%s changed in the replica:\n%s\n%s", table->name, (const char *) l->data, sent, back);
      }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *header = NULL;
  const char *text;
  gsize text_size;
  if (!fl_fuzz_split_line (data, size, &header, &text, &text_size))
    return 0;
  g_auto(GStrv) words = g_strsplit (header, " ", 2);
  FlRecordMode mode;
  const FlTable *table = fl_schema_lookup (words[0]);
  if (table == NULL || words[1] == NULL || !mode_from_string (words[1], &mode) || text_size == 0)
    return 0;

  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;
  g_autoptr(JsonObject) row = fl_record_parse (text, text_size, &error);
  if (row == NULL)
    {
      fl_fuzz_check_refusal (error, FL_RECORD_ERROR);
      return 0;
    }
  if (!fl_record_validate (table, row, mode, &bad_field, &error))
    {
      fl_fuzz_check_refusal (error, FL_RECORD_ERROR);
      g_assert_nonnull (bad_field);
      g_assert_true (g_utf8_validate (bad_field, -1, NULL));
      return 0;
    }
  g_assert_no_error (error);

  g_autofree char *canonical = fl_fuzz_object_text (row);
  g_autoptr(JsonObject) again = fl_record_parse (canonical, -1, &error);
  g_assert_no_error (error);
  g_assert_true (fl_record_validate (table, again, mode, NULL, &error));
  g_assert_no_error (error);
  g_autofree char *canonical_again = fl_fuzz_object_text (again);
  g_assert_cmpstr (canonical_again, ==, canonical);

  if (mode == FL_RECORD_STORED)
    check_stored (table, row);
  return 0;
}
