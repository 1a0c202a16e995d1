#include <inttypes.h>
#include "fl-pull.h"

#include <glib/gi18n-lib.h>
#include <errno.h>
#include <string.h>

#include "fl-record.h"

G_DEFINE_QUARK (fl-pull-error-quark, fl_pull_error)

static int
compare_site (gconstpointer a, gconstpointer b)
{
  return strcmp (*(char * const *) a, *(char * const *) b);
}

/* A short digest of the user's sites ("all" for every site), so a cursor
 * made for one scope is not continued under another. */
static char *
scope_digest (const char * const *sites)
{
  if (sites == NULL || sites[0] == NULL)
    return g_strdup ("all");
  g_autoptr(GPtrArray) sorted = g_ptr_array_new ();
  for (guint i = 0; sites[i] != NULL; i++)
    g_ptr_array_add (sorted, (gpointer) sites[i]);
  g_ptr_array_sort (sorted, compare_site);
  g_autoptr(GChecksum) checksum = g_checksum_new (G_CHECKSUM_SHA256);
  for (guint i = 0; i < sorted->len; i++)
    {
      g_checksum_update (checksum, (const guchar *) sorted->pdata[i], -1);
      g_checksum_update (checksum, (const guchar *) "\n", 1);
    }
  return g_strndup (g_checksum_get_string (checksum), 12);
}

char *
fl_pull_cursor_format (FlStore *store, const char * const *sites, gint64 seq)
{
  g_autofree char *scope = scope_digest (sites);
  return g_strdup_printf ("%s.%s.%" PRId64, fl_store_get_id (store), scope, seq);
}

gboolean
fl_pull_cursor_parse (FlStore *store, const char * const *sites, const char *cursor,
                      gint64 *out_seq, GError **error)
{
  g_auto(GStrv) parts = cursor != NULL ? g_strsplit (cursor, ".", 0) : NULL;
  char *end = NULL;
  gint64 seq = -1;
  if (parts != NULL && g_strv_length (parts) == 3 && g_ascii_isdigit (parts[2][0]))
    {
      errno = 0;
      seq = g_ascii_strtoll (parts[2], &end, 10);
      if (errno != 0 || *end != '\0')
        seq = -1;
    }
  if (seq < 0)
    {
      g_set_error (error, FL_PULL_ERROR, FL_PULL_ERROR_BAD_CURSOR,
                   _("cursor: “%s” is not a cursor given by this server"), cursor != NULL ? cursor : "");
      return FALSE;
    }
  if (g_strcmp0 (parts[0], fl_store_get_id (store)) != 0)
    {
      g_set_error (error, FL_PULL_ERROR, FL_PULL_ERROR_GONE,
                   _("The server's database was replaced since this device last synced; "
                     "a full download is needed (pending changes are kept)"));
      return FALSE;
    }
  g_autofree char *scope = scope_digest (sites);
  if (g_strcmp0 (parts[1], scope) != 0)
    {
      g_set_error (error, FL_PULL_ERROR, FL_PULL_ERROR_GONE,
                   _("Your sites changed since this device last synced; "
                     "a full download is needed (pending changes are kept)"));
      return FALSE;
    }
  *out_seq = seq;
  return TRUE;
}

JsonObject *
fl_pull_public_row (const FlTable *table, JsonObject *row)
{
  gboolean has_private = FALSE;
  for (guint i = 0; i < table->n_columns; i++)
    if (table->columns[i].flags & FL_COL_SERVER_ONLY)
      has_private = TRUE;
  if (!has_private)
    return json_object_ref (row);
  JsonObject *copy = json_object_new ();
  g_autoptr(GList) members = json_object_get_members (row);
  for (GList *l = members; l != NULL; l = l->next)
    {
      const FlColumn *column = fl_table_column (table, l->data);
      if (column == NULL || !(column->flags & FL_COL_SERVER_ONLY))
        json_object_set_member (copy, l->data, json_node_copy (json_object_get_member (row, l->data)));
    }
  return copy;
}

static gboolean
reader_sees (const FlPullReader *reader, const FlTable *table, JsonObject *row)
{
  return reader->all_conflicts || strcmp (table->name, "conflict") != 0 ||
         g_strcmp0 (fl_record_get_string (row, "by"), reader->login) == 0;
}

FlPullResponse *
fl_pull_page (FlStore *store, const FlPullReader *reader, const char *cursor, guint limit, GError **error)
{
  const char * const *sites = reader->sites;
  gint64 seq, last_seq, next = 0;
  gboolean more = FALSE;
  if (!fl_pull_cursor_parse (store, sites, cursor, &seq, error))
    return NULL;
  last_seq = fl_store_last_seq (store, error);
  if (last_seq < 0)
    return NULL;
  if (seq > last_seq)
    {
      /* A cursor from the future: the database was restored from a backup
       * older than what this device already has. */
      g_set_error (error, FL_PULL_ERROR, FL_PULL_ERROR_GONE,
                   _("The server's database is older than this device's copy (it was restored); "
                     "a full download is needed (pending changes are kept)"));
      return NULL;
    }
  g_autoptr(GPtrArray) changes = fl_store_changes_since (store, seq, limit, sites, &next, &more, error);
  if (changes == NULL)
    return NULL;

  g_autoptr(FlPullResponse) response = fl_pull_response_new ();
  for (guint i = 0; i < changes->len; i++)
    {
      FlStoreChange *change = changes->pdata[i];
      if (change->row != NULL && !reader_sees (reader, change->table, change->row))
        continue;
      g_autoptr(JsonObject) row = change->row != NULL ? fl_pull_public_row (change->table, change->row) : NULL;
      g_ptr_array_add (response->changes, fl_change_new (change->seq, change->table->name, change->row_id, row));
    }
  response->cursor = fl_pull_cursor_format (store, sites, next);
  response->more = more;
  return g_steal_pointer (&response);
}

/* ---- snapshot ---- */

typedef struct {
  const FlPullReader *reader;
  FlStoreRowFunc      func;
  gpointer            user_data;
} VisibleRows;

static gboolean
visible_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  VisibleRows *v = user_data;
  if (!reader_sees (v->reader, table, row))
    return TRUE;
  g_autoptr(JsonObject) visible = fl_pull_public_row (table, row);
  return v->func (table, visible, v->user_data, error);
}

gboolean
fl_pull_foreach_snapshot_row (FlStore *store, const FlPullReader *reader, gint64 *out_cursor,
                              FlStoreRowFunc func, gpointer user_data, GError **error)
{
  VisibleRows v = { reader, func, user_data };
  return fl_store_snapshot (store, reader->sites, out_cursor, visible_row, &v, error);
}

typedef struct {
  FlStore         *store;
  const char * const *sites;
  gsize            batch_bytes;
  FlPullWriteFunc  write;
  gpointer         user_data;
  GString         *buffer;
  gint64           cursor;
  gboolean         header_written;
  gint64           rows;
} Snapshot;

static gboolean
flush (Snapshot *s, GError **error)
{
  if (s->buffer->len == 0)
    return TRUE;
  gsize length = s->buffer->len;
  g_autoptr(GBytes) lines = g_bytes_new_take (g_string_free (g_steal_pointer (&s->buffer), FALSE), length);
  s->buffer = g_string_sized_new (s->batch_bytes + 4096);
  return s->write (lines, s->user_data, error);
}

static void
append_header (Snapshot *s)
{
  g_autofree char *cursor = fl_pull_cursor_format (s->store, s->sites, s->cursor);
  gsize length;
  g_autofree char *line = fl_snapshot_header_line (cursor, &length);
  g_string_append_len (s->buffer, line, (gssize) length);
  s->header_written = TRUE;
}

static gboolean
snapshot_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  Snapshot *s = user_data;
  /* The store sets the cursor before the first row. */
  if (!s->header_written)
    append_header (s);
  gsize length;
  g_autofree char *line = fl_snapshot_row_line (table->name, row, &length);
  g_string_append_len (s->buffer, line, (gssize) length);
  s->rows++;
  if (s->buffer->len >= s->batch_bytes)
    return flush (s, error);
  return TRUE;
}

gboolean
fl_pull_snapshot (FlStore *store, const FlPullReader *reader, gsize batch_bytes,
                  FlPullWriteFunc write, gpointer user_data, GError **error)
{
  const char * const *sites = reader->sites;
  Snapshot s = {
    .store = store,
    .sites = sites,
    .batch_bytes = MAX (batch_bytes, 1024),
    .write = write,
    .user_data = user_data,
  };
  s.buffer = g_string_sized_new (s.batch_bytes + 4096);
  gboolean ok = fl_pull_foreach_snapshot_row (store, reader, &s.cursor, snapshot_row, &s, error);
  if (ok)
    {
      if (!s.header_written)
        append_header (&s);
      gsize length;
      g_autofree char *end = fl_snapshot_end_line (s.rows, &length);
      g_string_append_len (s.buffer, end, (gssize) length);
      ok = flush (&s, error);
    }
  g_string_free (s.buffer, TRUE);
  return ok;
}
