/* The pull: pages of changes since a cursor, and the snapshot stream
 * (one JSON object per line) of a first download. */

#include "fl-protocol-private.h"

#include <glib/gi18n-lib.h>

/* ---- pull ---- */

FlChange *
fl_change_new (gint64 seq, const char *table, const char *id, JsonObject *row)
{
  FlChange *change = g_new0 (FlChange, 1);
  change->seq = seq;
  change->table = g_strdup (table);
  change->id = g_strdup (id);
  change->row = row != NULL ? json_object_ref (row) : NULL;
  return change;
}

void
fl_change_free (FlChange *change)
{
  if (change == NULL)
    return;
  g_free (change->table);
  g_free (change->id);
  g_clear_pointer (&change->row, json_object_unref);
  g_free (change);
}

FlChange *
fl_change_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = fl_protocol_require_object (node, "changes[]", NULL, error);
  gint64 seq;
  const char *table, *id;
  if (o == NULL ||
      !fl_protocol_member_int64 (o, "changes[]", "seq", 1, &seq, NULL, error) ||
      !fl_protocol_member_string (o, "changes[]", "table", TRUE, &table, NULL, error) ||
      !fl_protocol_member_string (o, "changes[]", "id", TRUE, &id, NULL, error))
    return NULL;
  JsonNode *row = json_object_get_member (o, "row");
  if (row != NULL && JSON_NODE_HOLDS_OBJECT (row))
    return fl_change_new (seq, table, id, json_node_get_object (row));
  gboolean gone = FALSE;
  if (!fl_protocol_member_bool (o, "changes[]", "gone", &gone, NULL, error))
    return NULL;
  if (!gone)
    {
      fl_protocol_fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "changes[].row", _("a change carries a row or \"gone\": true"));
      return NULL;
    }
  return fl_change_new (seq, table, id, NULL);
}

JsonNode *
fl_change_to_json (const FlChange *change)
{
  JsonObject *o = json_object_new ();
  json_object_set_member (o, "seq", fl_protocol_int64_node (change->seq));
  json_object_set_string_member (o, "table", change->table);
  json_object_set_string_member (o, "id", change->id);
  if (change->row != NULL)
    json_object_set_object_member (o, "row", json_object_ref (change->row));
  else
    json_object_set_boolean_member (o, "gone", TRUE);
  return fl_protocol_object_node (o);
}

FlPullResponse *
fl_pull_response_new (void)
{
  FlPullResponse *response = g_new0 (FlPullResponse, 1);
  response->changes = g_ptr_array_new_with_free_func ((GDestroyNotify) fl_change_free);
  return response;
}

void
fl_pull_response_free (FlPullResponse *response)
{
  if (response == NULL)
    return;
  g_clear_pointer (&response->changes, g_ptr_array_unref);
  g_free (response->cursor);
  g_free (response);
}

FlPullResponse *
fl_pull_response_from_json (JsonNode *node, GError **error)
{
  JsonObject *o = fl_protocol_require_object (node, NULL, NULL, error);
  const char *cursor;
  gboolean more;
  if (o == NULL || !fl_protocol_member_string (o, NULL, "cursor", TRUE, &cursor, NULL, error) ||
                    !fl_protocol_member_bool (o, NULL, "more", &more, NULL, error))
    return NULL;
  JsonNode *list = json_object_get_member (o, "changes");
  if (list == NULL || !JSON_NODE_HOLDS_ARRAY (list))
    {
      fl_protocol_fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, "changes", _("must be a JSON array"));
      return NULL;
    }
  g_autoptr(FlPullResponse) response = fl_pull_response_new ();
  response->cursor = g_strdup (cursor);
  response->more = more;
  JsonArray *array = json_node_get_array (list);
  for (guint i = 0; i < json_array_get_length (array); i++)
    {
      FlChange *change = fl_change_from_json (json_array_get_element (array, i), error);
      if (change == NULL)
        return NULL;
      g_ptr_array_add (response->changes, change);
    }
  return g_steal_pointer (&response);
}

JsonNode *
fl_pull_response_to_json (const FlPullResponse *response)
{
  JsonObject *o = json_object_new ();
  JsonArray *array = json_array_sized_new (response->changes->len);
  for (guint i = 0; i < response->changes->len; i++)
    json_array_add_element (array, fl_change_to_json (g_ptr_array_index (response->changes, i)));
  json_object_set_array_member (o, "changes", array);
  json_object_set_string_member (o, "cursor", response->cursor);
  json_object_set_boolean_member (o, "more", response->more);
  return fl_protocol_object_node (o);
}

/* ---- snapshot ---- */

static char *
line_of (JsonObject *o, gsize *length)
{
  g_autoptr(JsonNode) node = json_node_init_object (json_node_alloc (), o);
  GString *out = g_string_sized_new (512);
  fl_protocol_write_node (out, node);
  g_string_append_c (out, '\n');
  if (length != NULL)
    *length = out->len;
  return g_string_free (out, FALSE);
}

char *
fl_snapshot_header_line (const char *cursor, gsize *length)
{
  g_autoptr(JsonObject) o = json_object_new ();
  json_object_set_int_member (o, "snapshot", 1);
  json_object_set_string_member (o, "cursor", cursor);
  return line_of (o, length);
}

char *
fl_snapshot_row_line (const char *table, JsonObject *row, gsize *length)
{
  g_autoptr(JsonObject) o = json_object_new ();
  json_object_set_string_member (o, "table", table);
  json_object_set_object_member (o, "row", json_object_ref (row));
  return line_of (o, length);
}

char *
fl_snapshot_end_line (gint64 rows, gsize *length)
{
  g_autoptr(JsonObject) o = json_object_new ();
  json_object_set_boolean_member (o, "end", TRUE);
  json_object_set_member (o, "rows", fl_protocol_int64_node (rows));
  return line_of (o, length);
}

FlSnapshotLine *
fl_snapshot_line_parse (const char *text, gsize length, GError **error)
{
  g_autoptr(JsonNode) node = fl_protocol_parse (text, length, error);
  if (node == NULL)
    return NULL;
  JsonObject *o = fl_protocol_require_object (node, NULL, NULL, error);
  if (o == NULL)
    return NULL;
  g_autoptr(FlSnapshotLine) line = g_new0 (FlSnapshotLine, 1);
  if (json_object_has_member (o, "row"))
    {
      const char *table;
      JsonObject *row = fl_protocol_require_object (json_object_get_member (o, "row"), "row", NULL, error);
      if (row == NULL || !fl_protocol_member_string (o, NULL, "table", TRUE, &table, NULL, error))
        return NULL;
      line->kind = FL_SNAPSHOT_ROW;
      line->table = g_strdup (table);
      line->row = json_object_ref (row);
    }
  else if (json_object_has_member (o, "snapshot"))
    {
      const char *cursor;
      if (!fl_protocol_member_string (o, NULL, "cursor", TRUE, &cursor, NULL, error))
        return NULL;
      line->kind = FL_SNAPSHOT_HEADER;
      line->cursor = g_strdup (cursor);
    }
  else if (json_object_has_member (o, "end"))
    {
      if (!fl_protocol_member_int64 (o, NULL, "rows", 0, &line->rows, NULL, error))
        return NULL;
      line->kind = FL_SNAPSHOT_END;
    }
  else
    {
      fl_protocol_fail (NULL, error, FL_PROTOCOL_ERROR_MALFORMED, NULL,
                        _("A snapshot line is a header, a row or the end line"));
      return NULL;
    }
  return g_steal_pointer (&line);
}

void
fl_snapshot_line_free (FlSnapshotLine *line)
{
  if (line == NULL)
    return;
  g_free (line->cursor);
  g_free (line->table);
  g_clear_pointer (&line->row, json_object_unref);
  g_free (line);
}
