#include <inttypes.h>
#include "fl-migrate.h"

#include <glib/gi18n-lib.h>
#include <string.h>

G_DEFINE_QUARK (fl-migrate-error-quark, fl_migrate_error)

void
fl_migrate_tally_free (FlMigrateTally *tally)
{
  if (tally == NULL)
    return;
  g_free (tally->checksum);
  g_free (tally);
}

/* ---- tallies ---- */

typedef struct {
  gint64  count;
  guint64 lanes[4];  /* the 256-bit sum, in four 64-bit lanes (carries dropped per lane) */
} Sum;

static void
sum_add (Sum *sum, JsonObject *record)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), record);
  g_autofree char *text = json_to_string (node, FALSE);
  guint8 digest[32];
  gsize length = sizeof digest;
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  g_checksum_update (checksum, (const guchar *) text, strlen (text));
  g_checksum_get_digest (checksum, digest, &length);
  for (guint lane = 0; lane < 4; lane++)
    {
      guint64 value = 0;
      for (guint b = 0; b < 8; b++)
        value = (value << 8) | digest[lane * 8 + b];
      sum->lanes[lane] += value;
    }
  sum->count++;
}

static gboolean
sum_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  sum_add (user_data, row);
  return TRUE;
}

static gboolean
sum_record (const FlStoreServerTable *table, JsonObject *record, gpointer user_data, GError **error)
{
  sum_add (user_data, record);
  return TRUE;
}

static FlMigrateTally *
tally_of (const char *table, const Sum *sum)
{
  FlMigrateTally *tally = g_new0 (FlMigrateTally, 1);
  tally->table = table;
  tally->count = sum->count;
  tally->checksum = g_strdup_printf ("%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x"
                                     "%016" G_GINT64_MODIFIER "x%016" G_GINT64_MODIFIER "x",
                                     sum->lanes[0], sum->lanes[1], sum->lanes[2], sum->lanes[3]);
  return tally;
}

GPtrArray *
fl_migrate_tally (FlStore *store, GError **error)
{
  g_autoptr(GPtrArray) tallies = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_migrate_tally_free);
  guint n_tables = 0, n_server = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  const FlStoreServerTable *server = fl_store_server_tables (&n_server);
  for (guint i = 0; i < n_tables; i++)
    {
      Sum sum = { 0 };
      if (!fl_store_foreach_row (store, tables[i], NULL, sum_row, &sum, error))
        return NULL;
      g_ptr_array_add (tallies, tally_of (tables[i]->name, &sum));
    }
  for (guint i = 0; i < n_server; i++)
    {
      Sum sum = { 0 };
      if (!fl_store_foreach_record (store, &server[i], sum_record, &sum, error))
        return NULL;
      g_ptr_array_add (tallies, tally_of (server[i].name, &sum));
    }
  return g_steal_pointer (&tallies);
}

/* ---- the copy ---- */

static gboolean
copy_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  return fl_store_put_row_as_is (user_data, table, row, error);
}

static gboolean
copy_record (const FlStoreServerTable *table, JsonObject *record, gpointer user_data, GError **error)
{
  return fl_store_put_record (user_data, table, record, error);
}

/* Nothing but the meta a new store writes for itself (its id). */
static gboolean
check_empty (FlStore *to, GError **error)
{
  g_autoptr(GPtrArray) tallies = fl_migrate_tally (to, error);
  if (tallies == NULL)
    return FALSE;
  for (guint i = 0; i < tallies->len; i++)
    {
      FlMigrateTally *tally = tallies->pdata[i];
      if (tally->count > 0 && strcmp (tally->table, "meta") != 0)
        {
          g_set_error (error, FL_MIGRATE_ERROR, FL_MIGRATE_ERROR_NOT_EMPTY,
                       _("The target database already holds data (%s); migrate into a new, empty one"),
                       tally->table);
          return FALSE;
        }
    }
  return TRUE;
}

static gboolean
copy_all (FlStore *from, FlStore *to, GError **error)
{
  guint n_tables = 0, n_server = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  const FlStoreServerTable *server = fl_store_server_tables (&n_server);
  for (guint i = 0; i < n_tables; i++)
    if (!fl_store_foreach_row (from, tables[i], NULL, copy_row, to, error))
      return FALSE;
  for (guint i = 0; i < n_server; i++)
    if (!fl_store_foreach_record (from, &server[i], copy_record, to, error))
      return FALSE;
  return fl_store_finish_load (to, error);
}

static gboolean
compare (GPtrArray *expected, GPtrArray *found, GError **error)
{
  g_assert (expected->len == found->len);
  for (guint i = 0; i < expected->len; i++)
    {
      FlMigrateTally *a = expected->pdata[i], *b = found->pdata[i];
      if (a->count != b->count || strcmp (a->checksum, b->checksum) != 0)
        {
          g_set_error (error, FL_MIGRATE_ERROR, FL_MIGRATE_ERROR_MISMATCH,
                       _("%s differs after the copy: %" PRId64 " records (checksum %.12s…) became %"
                         PRId64 " (checksum %.12s…); nothing was committed"),
                       a->table, a->count, a->checksum, b->count, b->checksum);
          return FALSE;
        }
    }
  return TRUE;
}

GPtrArray *
fl_migrate_copy (FlStore *from, FlStore *to, GError **error)
{
  g_autoptr(GPtrArray) expected = fl_migrate_tally (from, error);
  if (expected == NULL || !check_empty (to, error) || !fl_store_begin (to, error))
    return NULL;
  g_autoptr(GPtrArray) found = NULL;
  if (!copy_all (from, to, error) ||
      (found = fl_migrate_tally (to, error)) == NULL ||
      !compare (expected, found, error))
    {
      fl_store_rollback (to);
      return NULL;
    }
  if (!fl_store_commit (to, error))
    return NULL;
  return g_steal_pointer (&found);
}

typedef struct {
  FlBlobs *from;
  FlBlobs *to;
  guint    n;
} BlobCopy;

static gboolean
copy_blob (const char *sha256, gpointer user_data, GError **error)
{
  BlobCopy *copy = user_data;
  g_autoptr(GBytes) data = fl_blobs_get (copy->from, sha256, error);
  if (data == NULL || !fl_blobs_put (copy->to, sha256, data, error))
    return FALSE;
  copy->n++;
  return TRUE;
}

gboolean
fl_migrate_blobs (FlBlobs *from, FlBlobs *to, guint *n_copied, GError **error)
{
  BlobCopy copy = { from, to, 0 };
  gboolean ok = fl_blobs_foreach (from, copy_blob, &copy, error);
  *n_copied = copy.n;
  return ok;
}
