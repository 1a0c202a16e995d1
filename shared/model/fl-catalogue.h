/* fl-catalogue.h — the service catalogue (004 3.1-3.2) and the documents
 * every replica keeps (002 6.3): their enumerations, and which service
 * level policy a catalogue entry takes. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FL_SERVICE_BUSINESS,   /* 业务服务: what the customer sees */
  FL_SERVICE_TECHNICAL,  /* 技术服务: what delivers a business service */
} FlServiceKind;

const char *fl_service_kind_to_string (FlServiceKind kind);
gboolean    fl_service_kind_from_string (const char *text, FlServiceKind *kind);
const char *fl_service_kind_get_label (FlServiceKind kind);
const char *fl_service_kind_label_for_name (const char *text);

typedef enum {
  FL_DELIVERY_ON_SITE,
  FL_DELIVERY_REMOTE,
  FL_DELIVERY_HOTLINE,
  FL_DELIVERY_ON_SITE_REMOTE,
} FlDelivery;

const char *fl_delivery_to_string (FlDelivery delivery);
gboolean    fl_delivery_from_string (const char *text, FlDelivery *delivery);
const char *fl_delivery_get_label (FlDelivery delivery);
const char *fl_delivery_label_for_name (const char *text);

typedef enum {
  FL_DOCUMENT_CONTINUITY_PLAN,  /* 服务连续性计划 */
  FL_DOCUMENT_CONTACTS,         /* 联系人清单 */
  FL_DOCUMENT_CONTRACTS,        /* 合同清单 */
  FL_N_DOCUMENT_KINDS,
} FlDocumentKind;

const char *fl_document_kind_to_string (FlDocumentKind kind);
gboolean    fl_document_kind_from_string (const char *text, FlDocumentKind *kind);
const char *fl_document_kind_get_label (FlDocumentKind kind);
const char *fl_document_kind_label_for_name (const char *text);

/* The sla_policy rows as the catalogue makes them apply: `policy_rows`
 * (borrowed) and, for every catalogue entry of `services` that no row
 * names, copies of the rows of its business service (for a technical
 * service), or of that one's, naming the entry instead.  A technical
 * service without targets of its own so keeps the business service's; an
 * entry with its own rows keeps exactly those.  The result owns the
 * copies and refs the rest. */
GPtrArray  *fl_catalogue_effective_policies (GPtrArray *services, GPtrArray *policy_rows);

/* The catalogue entry of `code` among `services` (borrowed), or NULL. */
JsonObject *fl_catalogue_find (GPtrArray *services, const char *code);

G_END_DECLS
