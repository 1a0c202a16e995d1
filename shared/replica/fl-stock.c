#include "fl-stock.h"

#include "fl-changelog.h"
#include "fl-query.h"
#include "fl-stock-ledger.h"
#include "fl-time.h"

gboolean
fl_stock_check_serial_at (FlDb *db, const char *part_id, const char *serial,
                          const char *from_location, GError **error)
{
  if (serial == NULL || *serial == '\0')
    return TRUE;
  const char *params[] = { part_id, from_location };
  g_autoptr(GPtrArray) facts = fl_query_rows (db,
      "SELECT (SELECT coalesce (serial_tracked, 0) FROM part WHERE id = ?1) AS tracked,"
      "       (SELECT code FROM stock_location WHERE id = ?2) AS from_code", 2, params, error);
  if (facts == NULL)
    return FALSE;
  JsonObject *row = g_ptr_array_index (facts, 0);
  if (fl_record_get_int (row, "tracked", 0) == 0)
    return TRUE;
  g_autofree char *at = NULL, *at_code = NULL;
  if (!fl_stock_serial_location (db, part_id, serial, &at, &at_code, error))
    return FALSE;
  return fl_stock_check_serial (serial, from_location, fl_record_get_string (row, "from_code"),
                                at, at_code, error);
}

gboolean
fl_stock_post (FlDb *db, const FlStockMovement *m, char **out_id, GError **error)
{
  if (!fl_stock_check_movement (m->kind, m->from_location, m->to_location, m->qty, error))
    return FALSE;
  if (!fl_stock_check_serial_at (db, m->part_id, m->serial, m->from_location, error))
    return FALSE;
  g_autoptr(JsonObject) fields = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (fields, "kind", fl_movement_kind_to_string (m->kind));
  fl_record_set_text (fields, "part_id", m->part_id);
  json_object_set_int_member (fields, "qty", m->qty);
  fl_record_set_text (fields, "from_location", m->from_location);
  fl_record_set_text (fields, "to_location", m->to_location);
  fl_record_set_text (fields, "serial", m->serial);
  fl_record_set_text (fields, "work_order_id", m->work_order_id);
  fl_record_set_text (fields, "supplier_ref", m->supplier_ref);
  fl_record_set_text (fields, "reason", m->reason);
  fl_record_set_text (fields, "by", m->by);
  json_object_set_string_member (fields, "at", now);
  return fl_changelog_append (db, "stock_movement", fields, out_id, error);
}

typedef struct {
  const char *location_id;
  const FlStockCountLine *lines;
  guint n_lines;
  const char *by;
} Count;

static gboolean
submit_count_in_transaction (FlDb *db, gpointer data, GError **error)
{
  Count *c = data;
  g_autofree char *now = fl_time_format (fl_time_now ());
  for (guint i = 0; i < c->n_lines; i++)
    {
      g_autoptr(GError) balance_error = NULL;
      gint64 expected = fl_stock_balance (db, c->location_id, c->lines[i].part_id, &balance_error);
      if (balance_error != NULL)
        {
          g_propagate_error (error, g_steal_pointer (&balance_error));
          return FALSE;
        }
      g_autoptr(JsonObject) count = json_object_new ();
      json_object_set_string_member (count, "location_id", c->location_id);
      json_object_set_string_member (count, "part_id", c->lines[i].part_id);
      json_object_set_int_member (count, "counted", c->lines[i].counted);
      json_object_set_int_member (count, "expected_at_count", expected);
      json_object_set_string_member (count, "by", c->by);
      json_object_set_string_member (count, "at", now);
      json_object_set_string_member (count, "status", "pending");
      if (!fl_changelog_insert (db, "stock_count", count, NULL, error))
        return FALSE;
    }
  return TRUE;
}

gboolean
fl_stock_submit_count (FlDb *db, const char *location_id, const FlStockCountLine *lines,
                       guint n_lines, const char *by, GError **error)
{
  g_return_val_if_fail (location_id != NULL, FALSE);
  Count c = { location_id, lines, n_lines, by };
  return fl_db_transaction (db, submit_count_in_transaction, &c, error);
}

gboolean
fl_stock_request_scrap (FlDb *db, const char *location_id, const char *part_id, gint64 qty,
                        const char *serial, const char *reason, const char *by, GError **error)
{
  if (!fl_stock_check_serial_at (db, part_id, serial, location_id, error))
    return FALSE;
  g_autoptr(JsonObject) request = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  json_object_set_string_member (request, "location_id", location_id);
  json_object_set_string_member (request, "part_id", part_id);
  json_object_set_int_member (request, "qty", qty);
  if (serial != NULL)
    json_object_set_string_member (request, "serial", serial);
  json_object_set_string_member (request, "reason", reason);
  json_object_set_string_member (request, "by", by);
  json_object_set_string_member (request, "at", now);
  json_object_set_string_member (request, "status", "pending");
  return fl_changelog_insert (db, "scrap_request", request, NULL, error);
}
