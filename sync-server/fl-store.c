#include "fl-store.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-record.h"

G_DEFINE_QUARK (fl-store-error-quark, fl_store_error)

G_DEFINE_INTERFACE (FlStore, fl_store, G_TYPE_OBJECT)

static void
fl_store_default_init (FlStoreInterface *iface)
{
}

FlStoreDevice *
fl_store_device_copy (const FlStoreDevice *device)
{
  FlStoreDevice *copy = g_new0 (FlStoreDevice, 1);
  *copy = *device;
  copy->id = g_strdup (device->id);
  copy->user_id = g_strdup (device->user_id);
  copy->name = g_strdup (device->name);
  copy->code = g_strdup (device->code);
  return copy;
}

void
fl_store_device_free (FlStoreDevice *device)
{
  if (device == NULL)
    return;
  g_free (device->id);
  g_free (device->user_id);
  g_free (device->name);
  g_free (device->code);
  g_free (device);
}

void
fl_store_token_free (FlStoreToken *token)
{
  if (token == NULL)
    return;
  g_free (token->device_id);
  g_free (token);
}

void
fl_store_change_free (FlStoreChange *change)
{
  if (change == NULL)
    return;
  g_free (change->row_id);
  g_clear_pointer (&change->row, json_object_unref);
  g_free (change);
}

#define IFACE(store) FL_STORE_GET_IFACE (store)

FlStore *
fl_store_reopen (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), NULL);
  return IFACE (store)->reopen (store, error);
}

const char *
fl_store_get_id (FlStore *store)
{
  g_return_val_if_fail (FL_IS_STORE (store), NULL);
  return IFACE (store)->get_id (store);
}

int
fl_store_schema_version (FlStore *store)
{
  g_return_val_if_fail (FL_IS_STORE (store), 0);
  return IFACE (store)->schema_version (store);
}

gboolean
fl_store_check (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->check (store, error);
}

gboolean
fl_store_verify (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->verify (store, error);
}

void
fl_store_set_use (FlStore *store, FlStoreUse use)
{
  g_return_if_fail (FL_IS_STORE (store));
  IFACE (store)->set_use (store, use);
}

gboolean
fl_store_maintain (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->maintain (store, error);
}

gboolean
fl_store_backup (FlStore *store, const char *dest_path, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && dest_path != NULL, FALSE);
  return IFACE (store)->backup (store, dest_path, error);
}

gboolean
fl_store_keeps_blobs (FlStore *store)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->put_blob != NULL;
}

gboolean
fl_store_put_blob (FlStore *store, const char *sha256, GBytes *data, GError **error)
{
  g_return_val_if_fail (fl_store_keeps_blobs (store) && sha256 != NULL && data != NULL, FALSE);
  return IFACE (store)->put_blob (store, sha256, data, error);
}

GBytes *
fl_store_get_blob (FlStore *store, const char *sha256, GError **error)
{
  g_return_val_if_fail (fl_store_keeps_blobs (store) && sha256 != NULL, NULL);
  return IFACE (store)->get_blob (store, sha256, error);
}

gboolean
fl_store_has_blob (FlStore *store, const char *sha256, gboolean *has_blob, GError **error)
{
  g_return_val_if_fail (fl_store_keeps_blobs (store) && sha256 != NULL, FALSE);
  return IFACE (store)->has_blob (store, sha256, has_blob, error);
}

gboolean
fl_store_foreach_blob (FlStore *store, gboolean (*func) (const char *sha256, gpointer user_data, GError **error),
                       gpointer user_data, GError **error)
{
  g_return_val_if_fail (fl_store_keeps_blobs (store), FALSE);
  return IFACE (store)->foreach_blob (store, func, user_data, error);
}

gboolean
fl_store_begin (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->begin (store, error);
}

gboolean
fl_store_commit (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->commit (store, error);
}

void
fl_store_rollback (FlStore *store)
{
  g_return_if_fail (FL_IS_STORE (store));
  IFACE (store)->rollback (store);
}

JsonObject *
fl_store_load_row (FlStore *store, const FlTable *table, const char *id, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && id != NULL, NULL);
  return IFACE (store)->load_row (store, table, id, error);
}

gboolean
fl_store_prefetch_rows (FlStore *store, const FlTable *table, const char * const *ids, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && ids != NULL, FALSE);
  if (IFACE (store)->prefetch_rows == NULL)
    return TRUE;
  return IFACE (store)->prefetch_rows (store, table, ids, error);
}

JsonObject *
fl_store_find_row (FlStore *store, const FlTable *table, const char *column,
                   const char *value, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && value != NULL, NULL);
  g_return_val_if_fail (fl_table_column (table, column) != NULL || g_strcmp0 (column, "id") == 0, NULL);
  return IFACE (store)->find_row (store, table, column, value, error);
}

gboolean
fl_store_put_row (FlStore *store, const FlTable *table, JsonObject *row,
                  gint64 *out_seq, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && row != NULL, FALSE);
  return IFACE (store)->put_row (store, table, row, out_seq, error);
}

gboolean
fl_store_foreach_row (FlStore *store, const FlTable *table, const char * const *sites,
                      FlStoreRowFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && func != NULL, FALSE);
  return IFACE (store)->foreach_row (store, table, sites, func, user_data, error);
}

gboolean
fl_store_foreach_open_work_order (FlStore *store, FlStoreRowFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && func != NULL, FALSE);
  return IFACE (store)->foreach_open_work_order (store, func, user_data, error);
}

gint64
fl_store_count_rows (FlStore *store, const FlTable *table, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL, -1);
  return IFACE (store)->count_rows (store, table, error);
}

gint64
fl_store_last_seq (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), -1);
  return IFACE (store)->last_seq (store, error);
}

GPtrArray *
fl_store_changes_since (FlStore *store, gint64 cursor, guint limit, const char * const *sites,
                        gint64 *out_cursor, gboolean *more, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && limit > 0, NULL);
  return IFACE (store)->changes_since (store, cursor, limit, sites, out_cursor, more, error);
}

gboolean
fl_store_snapshot (FlStore *store, const char * const *sites, gint64 *out_cursor,
                   FlStoreRowFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && func != NULL, FALSE);
  return IFACE (store)->snapshot (store, sites, out_cursor, func, user_data, error);
}

gint64
fl_store_device_last_mid (FlStore *store, const char *device_id, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && device_id != NULL, -1);
  return IFACE (store)->device_last_mid (store, device_id, error);
}

JsonObject *
fl_store_get_result (FlStore *store, const char *device_id, gint64 mid, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && device_id != NULL, NULL);
  return IFACE (store)->get_result (store, device_id, mid, error);
}

gboolean
fl_store_put_result (FlStore *store, const char *device_id, gint64 mid, JsonObject *result,
                     GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && device_id != NULL && result != NULL, FALSE);
  return IFACE (store)->put_result (store, device_id, mid, result, error);
}

/* An audit entry keeps a summary, not whatever a request carried: every
 * text is valid UTF-8 and at most this long, a longer one cut with "…". */
#define AUDIT_NAME_MAX  256   /* who, device, action, table, row id */
#define AUDIT_VALUE_MAX 4096  /* each text inside the detail */
#define CUT_MARK "…"

/* `text` as valid UTF-8 of at most `max` bytes (a newly allocated copy),
 * or NULL when it is already both. */
static char *
audit_text (const char *text, gsize max)
{
  if (text == NULL || (strlen (text) <= max && g_utf8_validate (text, -1, NULL)))
    return NULL;
  g_autofree char *valid = g_utf8_make_valid (text, -1);
  if (strlen (valid) <= max)
    return g_steal_pointer (&valid);
  const char *end = valid;
  while (*end != '\0' && (gsize) (g_utf8_next_char (end) - valid) <= max - strlen (CUT_MARK))
    end = g_utf8_next_char (end);
  g_autofree char *head = g_strndup (valid, end - valid);
  return g_strconcat (head, CUT_MARK, NULL);
}

/* Whether audit_node would change anything in `node`: most details are
 * short and are then written as they are, without a copy. */
static gboolean
audit_node_is_short (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_autofree char *short_name = audit_text (name, AUDIT_NAME_MAX);
            if (short_name != NULL || !audit_node_is_short (member))
              return FALSE;
          }
        return TRUE;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        for (guint i = 0; i < json_array_get_length (array); i++)
          if (!audit_node_is_short (json_array_get_element (array, i)))
            return FALSE;
        return TRUE;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = audit_text (json_node_get_string (node), AUDIT_VALUE_MAX);
          return text == NULL;
        }
      return TRUE;
    case JSON_NODE_NULL:
    default:
      return TRUE;
    }
}

static JsonNode *
audit_node (JsonNode *node)
{
  switch (json_node_get_node_type (node))
    {
    case JSON_NODE_OBJECT:
      {
        JsonObject *copy = json_object_new ();
        JsonObjectIter iter;
        const char *name;
        JsonNode *member;
        json_object_iter_init (&iter, json_node_get_object (node));
        while (json_object_iter_next (&iter, &name, &member))
          {
            g_autofree char *short_name = audit_text (name, AUDIT_NAME_MAX);
            json_object_set_member (copy, short_name != NULL ? short_name : name, audit_node (member));
          }
        JsonNode *result = json_node_init_object (json_node_alloc (), copy);
        json_object_unref (copy);
        return result;
      }
    case JSON_NODE_ARRAY:
      {
        JsonArray *array = json_node_get_array (node);
        JsonArray *copy = json_array_sized_new (json_array_get_length (array));
        for (guint i = 0; i < json_array_get_length (array); i++)
          json_array_add_element (copy, audit_node (json_array_get_element (array, i)));
        JsonNode *result = json_node_init_array (json_node_alloc (), copy);
        json_array_unref (copy);
        return result;
      }
    case JSON_NODE_VALUE:
      if (json_node_get_value_type (node) == G_TYPE_STRING)
        {
          g_autofree char *text = audit_text (json_node_get_string (node), AUDIT_VALUE_MAX);
          if (text != NULL)
            return json_node_init_string (json_node_alloc (), text);
        }
      return json_node_copy (node);
    case JSON_NODE_NULL:
    default:
      return json_node_copy (node);
    }
}

gboolean
fl_store_audit (FlStore *store, FlAuditEntry *entry, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && entry != NULL && entry->action != NULL, FALSE);
  g_autofree char *actor = audit_text (entry->actor, AUDIT_NAME_MAX);
  g_autofree char *device = audit_text (entry->device, AUDIT_NAME_MAX);
  g_autofree char *action = audit_text (entry->action, AUDIT_NAME_MAX);
  g_autofree char *table_name = audit_text (entry->table_name, AUDIT_NAME_MAX);
  g_autofree char *row_id = audit_text (entry->row_id, AUDIT_NAME_MAX);
  g_autoptr(JsonNode) detail = NULL;
  if (entry->detail != NULL)
    {
      g_autoptr(JsonNode) whole = json_node_init_object (json_node_alloc (), entry->detail);
      detail = audit_node_is_short (whole) ? g_steal_pointer (&whole) : audit_node (whole);
    }
  FlAuditEntry summary = {
    .at = entry->at,
    .actor = actor != NULL ? actor : entry->actor,
    .device = device != NULL ? device : entry->device,
    .action = action != NULL ? action : entry->action,
    .table_name = table_name != NULL ? table_name : entry->table_name,
    .row_id = row_id != NULL ? row_id : entry->row_id,
    .detail = detail != NULL ? json_node_get_object (detail) : NULL,
  };
  if (!IFACE (store)->audit (store, &summary, error))
    return FALSE;
  entry->seq = summary.seq;
  entry->at = summary.at;
  return TRUE;
}

gint64
fl_store_prune_audit (FlStore *store, gint64 before, gboolean dry_run, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), -1);
  return IFACE (store)->prune_audit (store, before, dry_run, error);
}

gboolean
fl_store_audit_history (FlStore *store, const char *table_name, const char *row_id,
                        FlStoreAuditFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table_name != NULL && func != NULL, FALSE);
  return IFACE (store)->audit_history (store, table_name, row_id, func, user_data, error);
}

char *
fl_store_get_password (FlStore *store, const char *user_id, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && user_id != NULL, NULL);
  return IFACE (store)->get_password (store, user_id, error);
}

gboolean
fl_store_set_password (FlStore *store, const char *user_id, const char *hash, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && user_id != NULL && hash != NULL, FALSE);
  return IFACE (store)->set_password (store, user_id, hash, error);
}

gboolean
fl_store_put_device (FlStore *store, const FlStoreDevice *device, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && device != NULL && device->id != NULL, FALSE);
  return IFACE (store)->put_device (store, device, error);
}

FlStoreDevice *
fl_store_load_device (FlStore *store, const char *id_or_code, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && id_or_code != NULL, NULL);
  return IFACE (store)->load_device (store, id_or_code, error);
}

gboolean
fl_store_foreach_device (FlStore *store, const char *user_id, FlStoreDeviceFunc func,
                         gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && func != NULL, FALSE);
  return IFACE (store)->foreach_device (store, user_id, func, user_data, error);
}

gboolean
fl_store_put_token (FlStore *store, const char *hash, const char *device_id, gint64 expires_at,
                    GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && hash != NULL && device_id != NULL, FALSE);
  return IFACE (store)->put_token (store, hash, device_id, expires_at, error);
}

FlStoreToken *
fl_store_load_token (FlStore *store, const char *hash, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && hash != NULL, NULL);
  return IFACE (store)->load_token (store, hash, error);
}

gboolean
fl_store_revoke_tokens (FlStore *store, const char *hash, const char *device_id, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && (hash != NULL || device_id != NULL), FALSE);
  return IFACE (store)->revoke_tokens (store, hash, device_id, error);
}

gboolean
fl_store_add_login_attempt (FlStore *store, const char *login, const char *peer, gint64 at,
                            gboolean success, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && login != NULL, FALSE);
  return IFACE (store)->add_login_attempt (store, login, peer != NULL ? peer : "", at, success, error);
}

gint64
fl_store_count_login_failures (FlStore *store, const char *login, const char *peer, gint64 since,
                               GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && login != NULL, -1);
  return IFACE (store)->count_login_failures (store, login, peer != NULL ? peer : "", since, error);
}

gint64
fl_store_stock_balance (FlStore *store, const char *location_id, const char *part_id,
                        GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && location_id != NULL && part_id != NULL, 0);
  return IFACE (store)->stock_balance (store, location_id, part_id, error);
}

gboolean
fl_store_location_has_stock (FlStore *store, const char *location_id, gboolean *has_stock,
                             GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && location_id != NULL && has_stock != NULL, FALSE);
  return IFACE (store)->location_has_stock (store, location_id, has_stock, error);
}

gboolean
fl_store_serial_location (FlStore *store, const char *part_id, const char *serial,
                          char **location_id, char **location_code, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && part_id != NULL && serial != NULL, FALSE);
  g_return_val_if_fail (location_id != NULL && location_code != NULL, FALSE);
  return IFACE (store)->serial_location (store, part_id, serial, location_id, location_code, error);
}

gint64
fl_store_count_negative_balances (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), -1);
  return IFACE (store)->count_negative_balances (store, error);
}

gboolean
fl_store_foreach_record (FlStore *store, const FlStoreServerTable *table,
                         FlStoreRecordFunc func, gpointer user_data, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && func != NULL, FALSE);
  return IFACE (store)->foreach_record (store, table, func, user_data, error);
}

gboolean
fl_store_put_record (FlStore *store, const FlStoreServerTable *table, JsonObject *record,
                     GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && record != NULL, FALSE);
  return IFACE (store)->put_record (store, table, record, error);
}

gboolean
fl_store_put_row_as_is (FlStore *store, const FlTable *table, JsonObject *row, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && row != NULL, FALSE);
  return IFACE (store)->put_row_as_is (store, table, row, error);
}

gboolean
fl_store_finish_load (FlStore *store, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store), FALSE);
  return IFACE (store)->finish_load (store, error);
}

#define T FL_STORE_VALUE_TEXT
#define I FL_STORE_VALUE_INT
#define B FL_STORE_VALUE_BOOL
#define S FL_STORE_VALUE_SITES
static const FlStoreServerColumn meta_columns[] = { { "key", T }, { "value", T } };
static const FlStoreServerColumn password_columns[] = { { "user_id", T }, { "hash", T } };
static const FlStoreServerColumn device_columns[] = {
  { "id", T }, { "user_id", T }, { "name", T }, { "code", T }, { "created_at", I }, { "last_seen", I },
  { "revoked", B },
};
static const FlStoreServerColumn token_columns[] = {
  { "hash", T }, { "device_id", T }, { "expires_at", I }, { "revoked", B },
};
static const FlStoreServerColumn result_columns[] = { { "device_id", T }, { "mid", I }, { "result", T } };
static const FlStoreServerColumn change_columns[] = {
  { "seq", I }, { "table_name", T }, { "row_id", T }, { "sites", S }, { "gone_sites", S }, { "at", I },
};
static const FlStoreServerColumn audit_columns[] = {
  { "seq", I }, { "at", I }, { "actor", T }, { "device", T }, { "action", T }, { "table_name", T },
  { "row_id", T }, { "detail", T },
};
static const FlStoreServerColumn attempt_columns[] = {
  { "id", I }, { "login", T }, { "peer", T }, { "at", I }, { "success", B },
};
#undef T
#undef I
#undef B
#undef S

#define SERVER_TABLE(name, columns, key) { name, columns, G_N_ELEMENTS (columns), key }
static const FlStoreServerTable server_tables[] = {
  SERVER_TABLE ("meta", meta_columns, "key"),
  SERVER_TABLE ("user_password", password_columns, "user_id"),
  SERVER_TABLE ("devices", device_columns, "id"),
  SERVER_TABLE ("tokens", token_columns, "hash"),
  SERVER_TABLE ("device_results", result_columns, "device_id, mid"),
  SERVER_TABLE ("changes", change_columns, "table_name, row_id"),
  SERVER_TABLE ("audit", audit_columns, "seq"),
  SERVER_TABLE ("login_attempts", attempt_columns, "id"),
};
#undef SERVER_TABLE

const FlStoreServerTable *
fl_store_server_tables (guint *n_tables)
{
  *n_tables = G_N_ELEMENTS (server_tables);
  return server_tables;
}

/* ---- scope ---- */

GStrv
fl_store_row_sites (FlStore *store, const FlTable *table, JsonObject *row, GError **error)
{
  g_return_val_if_fail (FL_IS_STORE (store) && table != NULL && row != NULL, NULL);
  return IFACE (store)->row_sites (store, table, row, error);
}

JsonObject *
fl_store_row_diff (const FlTable *table, JsonObject *before, JsonObject *after)
{
  JsonObject *diff = json_object_new ();
  for (guint i = 0; i < table->n_columns; i++)
    {
      const char *name = table->columns[i].name;
      JsonNode *from = before != NULL ? json_object_get_member (before, name) : NULL;
      JsonNode *to = json_object_get_member (after, name);
      if (fl_json_node_equal (from, to))
        continue;
      JsonObject *change = json_object_new ();
      json_object_set_member (change, "from", from != NULL ? json_node_copy (from) : json_node_new (JSON_NODE_NULL));
      json_object_set_member (change, "to", to != NULL ? json_node_copy (to) : json_node_new (JSON_NODE_NULL));
      json_object_set_object_member (diff, name, change);
    }
  return diff;
}

gboolean
fl_store_sites_visible (const char * const *row_sites, const char * const *user_sites)
{
  if (user_sites == NULL || user_sites[0] == NULL)
    return TRUE;
  if (row_sites == NULL || row_sites[0] == NULL)
    return TRUE;
  for (guint i = 0; row_sites[i] != NULL; i++)
    if (g_strv_contains (user_sites, row_sites[i]))
      return TRUE;
  return FALSE;
}
