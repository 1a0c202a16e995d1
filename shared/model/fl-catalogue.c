#include "fl-catalogue.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"
#include "fl-record.h"

static const FlEnumName service_kind_names[] = {
  { "business", NC_("service kind", "Business service") },
  { "technical", NC_("service kind", "Technical service") },
};
static const FlEnumTable service_kind_table = FL_ENUM_TABLE (service_kind_names, "service kind");

FL_DEFINE_ENUM_NAMES (fl_service_kind, FlServiceKind, service_kind_table)
FL_DEFINE_ENUM_LABELS (fl_service_kind, FlServiceKind, service_kind_table)

static const FlEnumName delivery_names[] = {
  { "on_site", NC_("delivery", "On site") },
  { "remote", NC_("delivery", "Remote") },
  { "hotline", NC_("delivery", "Hotline") },
  { "on_site_remote", NC_("delivery", "On site and remote") },
};
static const FlEnumTable delivery_table = FL_ENUM_TABLE (delivery_names, "delivery");

FL_DEFINE_ENUM_NAMES (fl_delivery, FlDelivery, delivery_table)
FL_DEFINE_ENUM_LABELS (fl_delivery, FlDelivery, delivery_table)

static const FlEnumName document_kind_names[] = {
  { "continuity_plan", NC_("document", "Service continuity plan") },
  { "contacts", NC_("document", "Contact list") },
  { "contracts", NC_("document", "Contract list") },
};
static const FlEnumTable document_kind_table = FL_ENUM_TABLE (document_kind_names, "document");

FL_DEFINE_ENUM_NAMES (fl_document_kind, FlDocumentKind, document_kind_table)
FL_DEFINE_ENUM_LABELS (fl_document_kind, FlDocumentKind, document_kind_table)

JsonObject *
fl_catalogue_find (GPtrArray *services, const char *code)
{
  if (code == NULL)
    return NULL;
  for (guint i = 0; i < services->len; i++)
    if (g_strcmp0 (fl_record_get_string (g_ptr_array_index (services, i), "code"), code) == 0)
      return g_ptr_array_index (services, i);
  return NULL;
}

static gboolean
has_rows (GPtrArray *policy_rows, const char *code)
{
  for (guint i = 0; i < policy_rows->len; i++)
    if (g_strcmp0 (fl_record_get_string (g_ptr_array_index (policy_rows, i), "catalogue"), code) == 0)
      return TRUE;
  return FALSE;
}

/* The code whose rows `entry` takes: its own, or the nearest business
 * service's up the chain that has rows; NULL for none.  The chain is at
 * most as long as the catalogue, so a loop in it ends too. */
static const char *
policy_source (GPtrArray *services, GPtrArray *policy_rows, JsonObject *entry)
{
  for (guint step = 0; entry != NULL && step <= services->len; step++)
    {
      const char *code = fl_record_get_string (entry, "code");
      if (has_rows (policy_rows, code))
        return code;
      entry = fl_catalogue_find (services, fl_record_get_string (entry, "business"));
    }
  return NULL;
}

GPtrArray *
fl_catalogue_effective_policies (GPtrArray *services, GPtrArray *policy_rows)
{
  GPtrArray *rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  for (guint i = 0; i < policy_rows->len; i++)
    g_ptr_array_add (rows, json_object_ref (g_ptr_array_index (policy_rows, i)));
  for (guint s = 0; s < services->len; s++)
    {
      JsonObject *entry = g_ptr_array_index (services, s);
      const char *code = fl_record_get_string (entry, "code");
      const char *source = policy_source (services, policy_rows, entry);
      if (source == NULL || g_strcmp0 (source, code) == 0)
        continue;
      for (guint i = 0; i < policy_rows->len; i++)
        {
          JsonObject *row = g_ptr_array_index (policy_rows, i);
          if (g_strcmp0 (fl_record_get_string (row, "catalogue"), source) != 0)
            continue;
          g_autofree char *text = fl_record_to_string (row);
          JsonObject *copy = fl_record_parse (text, -1, NULL);
          json_object_set_string_member (copy, "catalogue", code);
          g_ptr_array_add (rows, copy);
        }
    }
  return rows;
}
