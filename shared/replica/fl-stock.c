#include "fl-stock.h"

#include "fl-changelog.h"
#include "fl-time.h"

gboolean
fl_stock_post (FlDb *db, const FlStockMovement *m, char **out_id, GError **error)
{
  if (!fl_stock_check_movement (m->kind, m->from_location, m->to_location, m->qty, error))
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
