#include "fl-record-row.h"

struct _FlRecordRow
{
  GtkWidget     parent_instance;
  FlRecordItem *item;
  gulong        notify_id;
  GtkWidget    *box;
  GtkLabel     *title;
  GtkLabel     *subtitle;
  GtkLabel     *badge;
  GtkLabel     *tag;
  GtkImage     *sync_icon;
};

G_DEFINE_FINAL_TYPE (FlRecordRow, fl_record_row, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_ITEM, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* A label that ellipsizes in a narrow list keeps its whole text as its tooltip. */
static void
show_text (GtkLabel *label, const char *text)
{
  gtk_label_set_text (label, text != NULL ? text : "");
  if (gtk_label_get_ellipsize (label) != PANGO_ELLIPSIZE_NONE)
    gtk_widget_set_tooltip_text (GTK_WIDGET (label), text != NULL && *text != '\0' ? text : NULL);
}

static void
set_text (GtkLabel *label, const char *text)
{
  show_text (label, text);
  gtk_widget_set_visible (GTK_WIDGET (label), text != NULL && *text != '\0');
}

static void
update (FlRecordRow *self)
{
  FlRecordItem *item = self->item;
  if (item == NULL)
    return;
  show_text (self->title, fl_record_item_get_title (item));
  set_text (self->subtitle, fl_record_item_get_subtitle (item));
  set_text (self->badge, fl_record_item_get_badge (item));
  set_text (self->tag, fl_record_item_get_tag (item));
  g_auto(GStrv) badge_classes = NULL, tag_classes = NULL;
  g_object_get (item, "badge-classes", &badge_classes, "tag-classes", &tag_classes, NULL);
  gtk_widget_set_css_classes (GTK_WIDGET (self->badge), (const char **) badge_classes);
  gtk_widget_set_css_classes (GTK_WIDGET (self->tag), (const char **) tag_classes);
  const char *icon = fl_sync_state_icon_name (fl_record_item_get_sync_state (item));
  gtk_image_set_from_icon_name (self->sync_icon, icon);
}

void
fl_record_row_set_item (FlRecordRow *self, FlRecordItem *item)
{
  if (self->item == item)
    return;
  if (self->item != NULL)
    g_clear_signal_handler (&self->notify_id, self->item);
  g_set_object (&self->item, item);
  if (item != NULL)
    self->notify_id = g_signal_connect_object (item, "notify", G_CALLBACK (update), self, G_CONNECT_SWAPPED);
  update (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ITEM]);
}

FlRecordItem *
fl_record_row_get_item (FlRecordRow *self)
{
  return self->item;
}

static GtkLabel *
add_label (GtkWidget *box, const char *css_class, gboolean ellipsize)
{
  GtkWidget *label = gtk_label_new (NULL);
  gtk_label_set_xalign (GTK_LABEL (label), 0);
  if (ellipsize)
    gtk_label_set_ellipsize (GTK_LABEL (label), PANGO_ELLIPSIZE_END);
  if (css_class != NULL)
    gtk_widget_add_css_class (label, css_class);
  gtk_box_append (GTK_BOX (box), label);
  return GTK_LABEL (label);
}

static void
fl_record_row_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ITEM:
      g_value_set_object (value, FL_RECORD_ROW (object)->item);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_record_row_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  switch (prop_id)
    {
    case PROP_ITEM:
      fl_record_row_set_item (FL_RECORD_ROW (object), g_value_get_object (value));
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_record_row_dispose (GObject *object)
{
  FlRecordRow *self = FL_RECORD_ROW (object);
  fl_record_row_set_item (self, NULL);
  g_clear_pointer (&self->box, gtk_widget_unparent);
  G_OBJECT_CLASS (fl_record_row_parent_class)->dispose (object);
}

static void
fl_record_row_class_init (FlRecordRowClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->get_property = fl_record_row_get_property;
  object_class->set_property = fl_record_row_set_property;
  object_class->dispose = fl_record_row_dispose;

  properties[PROP_ITEM] = g_param_spec_object ("item", NULL, NULL, FL_TYPE_RECORD_ITEM,
                                               G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                               G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
  gtk_widget_class_set_layout_manager_type (GTK_WIDGET_CLASS (klass), GTK_TYPE_BIN_LAYOUT);
}

static void
fl_record_row_init (FlRecordRow *self)
{
  self->box = gtk_box_new (GTK_ORIENTATION_HORIZONTAL, 10);
  gtk_widget_set_margin_start (self->box, 6);
  gtk_widget_set_margin_end (self->box, 6);
  gtk_widget_set_margin_top (self->box, 8);
  gtk_widget_set_margin_bottom (self->box, 8);
  gtk_widget_set_parent (self->box, GTK_WIDGET (self));

  GtkWidget *texts = gtk_box_new (GTK_ORIENTATION_VERTICAL, 3);
  gtk_widget_set_hexpand (texts, TRUE);
  gtk_box_append (GTK_BOX (self->box), texts);
  self->title = add_label (texts, "heading", TRUE);
  self->subtitle = add_label (texts, "dim-label", TRUE);
  gtk_widget_add_css_class (GTK_WIDGET (self->subtitle), "caption");
  self->badge = add_label (texts, NULL, TRUE);
  gtk_widget_set_halign (GTK_WIDGET (self->badge), GTK_ALIGN_START);

  self->tag = add_label (self->box, NULL, FALSE);
  gtk_widget_set_valign (GTK_WIDGET (self->tag), GTK_ALIGN_CENTER);
  self->sync_icon = GTK_IMAGE (gtk_image_new ());
  gtk_widget_set_valign (GTK_WIDGET (self->sync_icon), GTK_ALIGN_CENTER);
  gtk_widget_set_size_request (GTK_WIDGET (self->sync_icon), 16, -1);
  gtk_box_append (GTK_BOX (self->box), GTK_WIDGET (self->sync_icon));
}

GtkWidget *
fl_record_row_new (void)
{
  return g_object_new (FL_TYPE_RECORD_ROW, NULL);
}
