#include "fl-query-model.h"

#include <fl-paged-query.h>

#include "fl-format.h"
#include "fl-record-item.h"

#define PAGE_SIZE 200
#define MAX_PAGES 32

struct _FlQueryModel {
  GObject       parent_instance;
  FlPagedQuery *query;
  guint         n_items;
  GHashTable   *pages;    /* page index -> GPtrArray of FlJsonItem */
  GQueue        page_order;
  GError       *error;
  FlQueryModelDecorate decorate;
  gpointer      decorate_data;
};

static void list_model_iface_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlQueryModel, fl_query_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL, list_model_iface_init))

static void
fl_query_model_finalize (GObject *object)
{
  FlQueryModel *self = FL_QUERY_MODEL (object);
  g_clear_pointer (&self->query, fl_paged_query_free);
  g_hash_table_unref (self->pages);
  g_queue_clear (&self->page_order);
  g_clear_error (&self->error);
  G_OBJECT_CLASS (fl_query_model_parent_class)->finalize (object);
}

static void
fl_query_model_class_init (FlQueryModelClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_query_model_finalize;
}

static void
fl_query_model_init (FlQueryModel *self)
{
  self->pages = g_hash_table_new_full (NULL, NULL, NULL, (GDestroyNotify) g_ptr_array_unref);
  g_queue_init (&self->page_order);
}

static void
remember_error (FlQueryModel *self, GError *error)
{
  if (error == NULL)
    return;
  g_warning ("%s", error->message);
  g_clear_error (&self->error);
  self->error = error;
}

static guint
count_rows (FlQueryModel *self)
{
  GError *error = NULL;
  guint n = 0;
  if (!fl_paged_query_count (self->query, &n, &error))
    remember_error (self, error);
  return n;
}

static GPtrArray *
load_page (FlQueryModel *self, guint page)
{
  GPtrArray *items = g_hash_table_lookup (self->pages, GUINT_TO_POINTER (page));
  if (items != NULL)
    return items;

  items = g_ptr_array_new_with_free_func (g_object_unref);
  GError *error = NULL;
  g_autoptr(GPtrArray) rows = fl_paged_query_fetch (self->query, page * PAGE_SIZE, PAGE_SIZE, &error);
  for (guint i = 0; rows != NULL && i < rows->len; i++)
    {
      JsonObject *row = g_ptr_array_index (rows, i);
      FlRecordItem *item = fl_record_item_new (fl_record_get_string (row, "id"), row);
      if (self->decorate != NULL)
        self->decorate (item, self->decorate_data);
      g_ptr_array_add (items, item);
    }
  remember_error (self, error);

  /* Keep the pages last looked at; a view only needs what is on screen. */
  if (g_queue_get_length (&self->page_order) >= MAX_PAGES)
    g_hash_table_remove (self->pages, g_queue_pop_head (&self->page_order));
  g_hash_table_insert (self->pages, GUINT_TO_POINTER (page), items);
  g_queue_push_tail (&self->page_order, GUINT_TO_POINTER (page));
  return items;
}

static GType
fl_query_model_get_item_type (GListModel *model)
{
  return FL_TYPE_RECORD_ITEM;
}

static guint
fl_query_model_get_n_items (GListModel *model)
{
  return FL_QUERY_MODEL (model)->n_items;
}

static gpointer
fl_query_model_get_item (GListModel *model, guint position)
{
  FlQueryModel *self = FL_QUERY_MODEL (model);
  if (position >= self->n_items)
    return NULL;
  GPtrArray *items = load_page (self, position / PAGE_SIZE);
  guint index = position % PAGE_SIZE;
  if (index >= items->len)
    return NULL;  /* the table shrank since it was counted: a reload is on its way */
  return g_object_ref (g_ptr_array_index (items, index));
}

static void
list_model_iface_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_query_model_get_item_type;
  iface->get_n_items = fl_query_model_get_n_items;
  iface->get_item = fl_query_model_get_item;
}

FlQueryModel *
fl_query_model_new (FlDb *db, const char *sql)
{
  g_return_val_if_fail (FL_IS_DB (db), NULL);
  FlQueryModel *self = g_object_new (FL_TYPE_QUERY_MODEL, NULL);
  self->query = fl_paged_query_new (db, sql);
  return self;
}

void
fl_query_model_set_params (FlQueryModel *self, guint n_params, const char * const *params)
{
  g_return_if_fail (FL_IS_QUERY_MODEL (self));
  fl_paged_query_set_params (self->query, n_params, params);
  fl_query_model_reload (self);
}

void
fl_query_model_set_decorate (FlQueryModel *self, FlQueryModelDecorate decorate, gpointer user_data)
{
  g_return_if_fail (FL_IS_QUERY_MODEL (self));
  self->decorate = decorate;
  self->decorate_data = user_data;
}

void
fl_query_model_reload (FlQueryModel *self)
{
  g_return_if_fail (FL_IS_QUERY_MODEL (self));
  guint removed = self->n_items;
  g_hash_table_remove_all (self->pages);
  g_queue_clear (&self->page_order);
  g_clear_error (&self->error);
  self->n_items = count_rows (self);
  if (removed != 0 || self->n_items != 0)
    g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, self->n_items);
}

const GError *
fl_query_model_get_error (FlQueryModel *self)
{
  g_return_val_if_fail (FL_IS_QUERY_MODEL (self), NULL);
  return self->error;
}

static char *
value_text (FlRecordItem *item, const char *column)
{
  JsonObject *row = item != NULL ? fl_record_item_get_record (item) : NULL;
  if (row == NULL || column == NULL || !json_object_has_member (row, column))
    return g_strdup ("");
  JsonNode *node = json_object_get_member (row, column);
  if (!JSON_NODE_HOLDS_VALUE (node))
    return g_strdup ("");
  switch (json_node_get_value_type (node))
    {
    case G_TYPE_STRING:
      return g_strdup (json_node_get_string (node));
    case G_TYPE_INT64:
      return g_strdup_printf ("%" G_GINT64_FORMAT, json_node_get_int (node));
    case G_TYPE_DOUBLE:
      return g_strdup_printf ("%g", json_node_get_double (node));
    default:
      return g_strdup ("");
    }
}

static char *
fl_row_text (gpointer this_, FlRecordItem *item, const char *column)
{
  return value_text (item, column);
}

static char *
fl_row_time (gpointer this_, FlRecordItem *item, const char *column)
{
  JsonObject *row = item != NULL ? fl_record_item_get_record (item) : NULL;
  return fl_format_time (row != NULL ? fl_record_get_string (row, column) : NULL);
}

void
fl_query_model_add_template_callbacks (GtkWidgetClass *widget_class)
{
  gtk_widget_class_bind_template_callback (widget_class, fl_row_text);
  gtk_widget_class_bind_template_callback (widget_class, fl_row_time);
}
