#include "fl-record-item.h"

#include "fl-record-row.h"

#include <glib/gi18n-lib.h>

struct _FlRecordItem
{
  GObject     parent_instance;
  char       *id;
  JsonObject *record;
  char       *title;
  char       *subtitle;
  char       *badge;
  char      **badge_classes;
  char       *tag;
  char      **tag_classes;
  char       *sync_state;
};

G_DEFINE_FINAL_TYPE (FlRecordItem, fl_record_item, G_TYPE_OBJECT)

enum {
  PROP_0,
  PROP_ID,
  PROP_TITLE,
  PROP_SUBTITLE,
  PROP_BADGE,
  PROP_BADGE_CLASSES,
  PROP_HAS_BADGE,
  PROP_TAG,
  PROP_TAG_CLASSES,
  PROP_HAS_TAG,
  PROP_SYNC_ICON,
  PROP_SYNC_TOOLTIP,
  N_PROPS
};
static GParamSpec *properties[N_PROPS];

static void
fl_record_item_finalize (GObject *object)
{
  FlRecordItem *self = FL_RECORD_ITEM (object);
  g_free (self->id);
  g_clear_pointer (&self->record, json_object_unref);
  g_free (self->title);
  g_free (self->subtitle);
  g_free (self->badge);
  g_strfreev (self->badge_classes);
  g_free (self->tag);
  g_strfreev (self->tag_classes);
  g_free (self->sync_state);
  G_OBJECT_CLASS (fl_record_item_parent_class)->finalize (object);
}

static void
fl_record_item_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlRecordItem *self = FL_RECORD_ITEM (object);
  switch (prop_id)
    {
    case PROP_ID:
      g_value_set_string (value, self->id);
      break;
    case PROP_TITLE:
      g_value_set_string (value, self->title);
      break;
    case PROP_SUBTITLE:
      g_value_set_string (value, self->subtitle);
      break;
    case PROP_BADGE:
      g_value_set_string (value, self->badge);
      break;
    case PROP_BADGE_CLASSES:
      g_value_set_boxed (value, self->badge_classes);
      break;
    case PROP_HAS_BADGE:
      g_value_set_boolean (value, self->badge != NULL && *self->badge != '\0');
      break;
    case PROP_TAG:
      g_value_set_string (value, self->tag);
      break;
    case PROP_TAG_CLASSES:
      g_value_set_boxed (value, self->tag_classes);
      break;
    case PROP_HAS_TAG:
      g_value_set_boolean (value, self->tag != NULL && *self->tag != '\0');
      break;
    case PROP_SYNC_ICON:
      g_value_set_string (value, fl_sync_state_icon_name (self->sync_state));
      break;
    case PROP_SYNC_TOOLTIP:
      g_value_set_string (value, fl_sync_state_describe (self->sync_state));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_record_item_class_init (FlRecordItemClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = fl_record_item_finalize;
  object_class->get_property = fl_record_item_get_property;

#define STRING_PROP(id, name) \
  properties[id] = g_param_spec_string (name, NULL, NULL, NULL, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)
#define STRV_PROP(id, name) \
  properties[id] = g_param_spec_boxed (name, NULL, NULL, G_TYPE_STRV, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)
#define BOOL_PROP(id, name) \
  properties[id] = g_param_spec_boolean (name, NULL, NULL, FALSE, G_PARAM_READABLE | G_PARAM_STATIC_STRINGS)
  STRING_PROP (PROP_ID, "id");
  STRING_PROP (PROP_TITLE, "title");
  STRING_PROP (PROP_SUBTITLE, "subtitle");
  STRING_PROP (PROP_BADGE, "badge");
  STRV_PROP (PROP_BADGE_CLASSES, "badge-classes");
  BOOL_PROP (PROP_HAS_BADGE, "has-badge");
  STRING_PROP (PROP_TAG, "tag");
  STRV_PROP (PROP_TAG_CLASSES, "tag-classes");
  BOOL_PROP (PROP_HAS_TAG, "has-tag");
  STRING_PROP (PROP_SYNC_ICON, "sync-icon");
  STRING_PROP (PROP_SYNC_TOOLTIP, "sync-tooltip");
#undef STRING_PROP
#undef STRV_PROP
#undef BOOL_PROP
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* List templates (fl-record-row.ui) name the row type: registering it
   * with its items lets them be parsed wherever items are. */
  g_type_ensure (FL_TYPE_RECORD_ROW);
}

static void
fl_record_item_init (FlRecordItem *self)
{
}

FlRecordItem *
fl_record_item_new (const char *id, JsonObject *record)
{
  FlRecordItem *self = g_object_new (FL_TYPE_RECORD_ITEM, NULL);
  self->id = g_strdup (id);
  self->record = record != NULL ? json_object_ref (record) : json_object_new ();
  return self;
}

const char *
fl_record_item_get_id (FlRecordItem *self)
{
  return self->id;
}

JsonObject *
fl_record_item_get_record (FlRecordItem *self)
{
  return self->record;
}

const char *
fl_record_item_get_title (FlRecordItem *self)
{
  return self->title;
}

const char *
fl_record_item_get_subtitle (FlRecordItem *self)
{
  return self->subtitle;
}

const char *
fl_record_item_get_badge (FlRecordItem *self)
{
  return self->badge;
}

const char *
fl_record_item_get_tag (FlRecordItem *self)
{
  return self->tag;
}

const char *
fl_record_item_get_sync_state (FlRecordItem *self)
{
  return self->sync_state;
}

static gboolean
replace_string (char **field, const char *value)
{
  if (g_strcmp0 (*field, value) == 0)
    return FALSE;
  g_free (*field);
  *field = g_strdup (value);
  return TRUE;
}

static void
replace_classes (char ***field, const char *base, const char *style)
{
  g_strfreev (*field);
  const char *classes[] = { base, style, NULL };
  *field = g_strdupv ((char **) classes);
}

void
fl_record_item_set_title (FlRecordItem *self, const char *title)
{
  if (replace_string (&self->title, title))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TITLE]);
}

void
fl_record_item_set_subtitle (FlRecordItem *self, const char *subtitle)
{
  if (replace_string (&self->subtitle, subtitle))
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SUBTITLE]);
}

void
fl_record_item_set_badge (FlRecordItem *self, const char *badge, const char *style)
{
  replace_string (&self->badge, badge);
  replace_classes (&self->badge_classes, "badge", style);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BADGE]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_BADGE_CLASSES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_BADGE]);
}

void
fl_record_item_set_tag (FlRecordItem *self, const char *tag, const char *style)
{
  replace_string (&self->tag, tag);
  replace_classes (&self->tag_classes, "tag", style);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAG]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_TAG_CLASSES]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HAS_TAG]);
}

void
fl_record_item_set_sync_state (FlRecordItem *self, const char *state)
{
  if (!replace_string (&self->sync_state, state))
    return;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_ICON]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_SYNC_TOOLTIP]);
}

const char *
fl_sync_state_icon_name (const char *state)
{
  if (g_strcmp0 (state, "pending") == 0)
    return "emblem-synchronizing-symbolic";
  if (g_strcmp0 (state, "conflict") == 0)
    return "dialog-warning-symbolic";
  if (g_strcmp0 (state, "rejected") == 0)
    return "dialog-error-symbolic";
  return NULL;
}

const char *
fl_sync_state_describe (const char *state)
{
  if (g_strcmp0 (state, "pending") == 0)
    return _("Changed here, waiting to be sent to the server");
  if (g_strcmp0 (state, "conflict") == 0)
    return _("Someone else changed this too: choose which value to keep on the Sync page");
  if (g_strcmp0 (state, "rejected") == 0)
    return _("The server refused a change: see the reason on the Sync page");
  return NULL;
}
