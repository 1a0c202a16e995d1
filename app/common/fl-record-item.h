/* fl-record-item.h — one row of any list of the client: the record it shows
 * and the few texts a list row displays (title, subtitle, a tag such as the
 * priority, a badge such as the SLA time left, and its sync state icon). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FL_TYPE_RECORD_ITEM (fl_record_item_get_type ())
G_DECLARE_FINAL_TYPE (FlRecordItem, fl_record_item, FL, RECORD_ITEM, GObject)

FlRecordItem *fl_record_item_new (const char *id, JsonObject *record);

const char   *fl_record_item_get_id (FlRecordItem *self);
/* The row as loaded (may hold only the columns the list needs); transfer none. */
JsonObject   *fl_record_item_get_record (FlRecordItem *self);

const char   *fl_record_item_get_title (FlRecordItem *self);
const char   *fl_record_item_get_subtitle (FlRecordItem *self);
const char   *fl_record_item_get_badge (FlRecordItem *self);
const char   *fl_record_item_get_tag (FlRecordItem *self);

void          fl_record_item_set_title (FlRecordItem *self, const char *title);
void          fl_record_item_set_subtitle (FlRecordItem *self, const char *subtitle);
/* `style` is a CSS class of style.css: "overdue", "warning", "ok", "paused", "dim". */
void          fl_record_item_set_badge (FlRecordItem *self, const char *badge, const char *style);
/* `style`: "high", "medium", "normal", "low" (priorities) or a badge style. */
void          fl_record_item_set_tag (FlRecordItem *self, const char *tag, const char *style);
/* The sync state of the record ("pending", "conflict", "rejected", NULL when in sync). */
void          fl_record_item_set_sync_state (FlRecordItem *self, const char *state);
const char   *fl_record_item_get_sync_state (FlRecordItem *self);

/* The icon and tooltip that show a sync state in lists and on pages. */
const char   *fl_sync_state_icon_name (const char *state);
const char   *fl_sync_state_describe (const char *state);

G_END_DECLS
