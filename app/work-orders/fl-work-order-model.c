#include "fl-work-order-model.h"

#include <glib/gi18n-lib.h>
#include <string.h>
#include <time.h>

#include "fl-format.h"
#include "fl-record-item.h"

#define CACHE_LIMIT 1024

struct _FlWorkOrderModel
{
  GObject           parent_instance;
  FlSession        *session;
  FlWorkOrderQuery  query;
  GArray           *rowids;        /* gint64, the matching rows in list order */
  GHashTable       *cache;         /* rowid (gint64*) -> FlRecordItem */
  guint             generation;    /* of the newest query started */
  guint             running;       /* queries not finished yet */
  double            last_query_seconds;
  struct Reader    *reader;        /* shared with the queries running */
};

static void fl_work_order_model_list_model_init (GListModelInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (FlWorkOrderModel, fl_work_order_model, G_TYPE_OBJECT,
                               G_IMPLEMENT_INTERFACE (G_TYPE_LIST_MODEL,
                                                      fl_work_order_model_list_model_init))

enum { PROP_0, PROP_LOADING, PROP_N_ITEMS, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* ---- the query, in a worker thread ----
 *
 * A query holds the replica's second connection, not the model: the model
 * (and the session it holds, and all behind it) is let go on the main
 * thread only.  A query that held the model could drop its last reference
 * in the worker once the window had gone, finalizing the session there
 * while the main thread went on. */

typedef struct Reader {
  GMutex             lock;    /* one query at a time on `search` */
  char              *path;    /* the replica, opened again by the worker */
  FlWorkOrderSearch *search;  /* used by worker threads only */
} Reader;

static void
reader_clear (Reader *reader)
{
  g_clear_pointer (&reader->search, fl_work_order_search_free);
  g_free (reader->path);
  g_mutex_clear (&reader->lock);
}

static Reader *
reader_new (const char *path)
{
  Reader *reader = g_atomic_rc_box_new0 (Reader);
  g_mutex_init (&reader->lock);
  reader->path = g_strdup (path);
  return reader;
}

static void
reader_release (Reader *reader)
{
  g_atomic_rc_box_release_full (reader, (GDestroyNotify) reader_clear);
}

typedef struct {
  GWeakRef         model;
  Reader          *reader;
  FlWorkOrderQuery query;
  char            *login;
  guint            generation;
  double           seconds;
} QueryTask;

static void
query_task_free (QueryTask *task)
{
  g_weak_ref_clear (&task->model);
  reader_release (task->reader);
  fl_work_order_query_clear (&task->query);
  g_free (task->login);
  g_free (task);
}

static void
query_thread (GTask *task, gpointer source, gpointer task_data, GCancellable *cancellable)
{
  QueryTask *query = task_data;
  Reader *reader = query->reader;
  GError *error = NULL;
  struct timespec start, end;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &start);

  g_mutex_lock (&reader->lock);
  if (reader->search == NULL)
    reader->search = fl_work_order_search_open (reader->path, &error);
  GArray *rowids = reader->search != NULL ? fl_work_order_search_run (reader->search, &query->query, query->login,
                                                                      &error)
                                          : NULL;
  g_mutex_unlock (&reader->lock);

  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &end);
  query->seconds = (end.tv_sec - start.tv_sec) + (end.tv_nsec - start.tv_nsec) / 1e9;
  if (rowids == NULL)
    g_task_return_error (task, error);
  else
    g_task_return_pointer (task, rowids, (GDestroyNotify) g_array_unref);
}

/* ---- items ---- */

static FlRecordItem *
load_item (FlWorkOrderModel *self, gint64 rowid)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = fl_work_order_list_row (fl_session_get_db (self->session), rowid, &error);
  if (row == NULL)
    {
      /* Gone since the query ran (it left this replica's scope): an empty row
       * until the next refresh rather than a hole in the list. */
      if (error != NULL)
        g_warning ("%s", error->message);
      FlRecordItem *item = fl_record_item_new (NULL, NULL);
      fl_record_item_set_title (item, _("(no longer in this replica)"));
      return item;
    }
  FlRecordItem *item = fl_record_item_new (fl_record_get_string (row, "id"), row);
  fl_record_item_set_title (item, fl_record_get_string (row, "title"));

  /* Looked up per row shown, not in the search: the query stays on its index. */
  const char *assignee_login = fl_record_get_string (row, "assignee");
  g_autofree char *assignee = assignee_login != NULL ? fl_format_login (self->session, assignee_login) : NULL;
  const char *site = fl_record_get_string (row, "site_name");
  g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s%s%s",
                                               fl_record_get_string (row, "ref"),
                                               site != NULL ? site : "",
                                               fl_work_order_status_label_for_name (fl_record_get_string (row, "status")),
                                               assignee != NULL ? " · " : "",
                                               assignee != NULL ? assignee : "");
  fl_record_item_set_subtitle (item, subtitle);
  const char *priority = fl_record_get_string (row, "priority");
  fl_record_item_set_tag (item, fl_priority_label_for_name (priority), priority);
  const char *style = NULL;
  g_autofree char *sla = fl_format_work_order_sla (self->session, row, fl_time_now (), &style);
  fl_record_item_set_badge (item, sla, style);
  fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "work_order",
                                                               fl_record_get_string (row, "id")));
  return item;
}

static GType
fl_work_order_model_get_item_type (GListModel *model)
{
  return FL_TYPE_RECORD_ITEM;
}

static guint
fl_work_order_model_get_n_items (GListModel *model)
{
  return FL_WORK_ORDER_MODEL (model)->rowids->len;
}

static gpointer
fl_work_order_model_get_item (GListModel *model, guint position)
{
  FlWorkOrderModel *self = FL_WORK_ORDER_MODEL (model);
  if (position >= self->rowids->len)
    return NULL;
  gint64 rowid = g_array_index (self->rowids, gint64, position);
  FlRecordItem *item = g_hash_table_lookup (self->cache, &rowid);
  if (item == NULL)
    {
      if (g_hash_table_size (self->cache) >= CACHE_LIMIT)
        g_hash_table_remove_all (self->cache);
      item = load_item (self, rowid);
      g_hash_table_insert (self->cache, g_memdup2 (&rowid, sizeof rowid), item);
    }
  return g_object_ref (item);
}

static void
fl_work_order_model_list_model_init (GListModelInterface *iface)
{
  iface->get_item_type = fl_work_order_model_get_item_type;
  iface->get_n_items = fl_work_order_model_get_n_items;
  iface->get_item = fl_work_order_model_get_item;
}

/* ---- the model ---- */

static void
fl_work_order_model_dispose (GObject *object)
{
  FlWorkOrderModel *self = FL_WORK_ORDER_MODEL (object);
  g_hash_table_remove_all (self->cache);
  G_OBJECT_CLASS (fl_work_order_model_parent_class)->dispose (object);
}

static void
fl_work_order_model_finalize (GObject *object)
{
  FlWorkOrderModel *self = FL_WORK_ORDER_MODEL (object);
  g_clear_object (&self->session);
  fl_work_order_query_clear (&self->query);
  g_array_unref (self->rowids);
  g_hash_table_unref (self->cache);
  reader_release (self->reader);
  G_OBJECT_CLASS (fl_work_order_model_parent_class)->finalize (object);
}

static void
fl_work_order_model_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlWorkOrderModel *self = FL_WORK_ORDER_MODEL (object);
  switch (prop_id)
    {
    case PROP_LOADING:
      g_value_set_boolean (value, self->running > 0);
      break;
    case PROP_N_ITEMS:
      g_value_set_uint (value, self->rowids->len);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_work_order_model_class_init (FlWorkOrderModelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = fl_work_order_model_dispose;
  object_class->finalize = fl_work_order_model_finalize;
  object_class->get_property = fl_work_order_model_get_property;

  properties[PROP_LOADING] = g_param_spec_boolean ("loading", NULL, NULL, FALSE,
                                                   G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_N_ITEMS] = g_param_spec_uint ("n-items", NULL, NULL, 0, G_MAXUINT, 0,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);
}

static void
fl_work_order_model_init (FlWorkOrderModel *self)
{
  self->rowids = g_array_new (FALSE, FALSE, sizeof (gint64));
  self->cache = g_hash_table_new_full (g_int64_hash, g_int64_equal, g_free, g_object_unref);
}

FlWorkOrderModel *
fl_work_order_model_new (FlSession *session)
{
  FlWorkOrderModel *self = g_object_new (FL_TYPE_WORK_ORDER_MODEL, NULL);
  self->session = g_object_ref (session);
  self->reader = reader_new (fl_db_path (fl_session_get_db (session)));
  return self;
}

static gboolean
same_rows (GArray *a, GArray *b)
{
  /* An empty array may have no data at all, which memcmp must not get. */
  return a->len == b->len && (a->len == 0 || memcmp (a->data, b->data, a->len * sizeof (gint64)) == 0);
}

static void
query_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  QueryTask *query = g_task_get_task_data (G_TASK (result));
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = g_task_propagate_pointer (G_TASK (result), &error);
  g_autoptr(FlWorkOrderModel) self = g_weak_ref_get (&query->model);
  if (self == NULL)
    return;  /* the list went while the query ran */

  self->running--;
  if (query->generation == self->generation)
    {
      self->last_query_seconds = query->seconds;
      if (rowids == NULL)
        g_warning ("%s", error->message);
      else if (same_rows (rowids, self->rowids))
        {
          /* Same rows: reload the ones on screen in place, keeping the
           * selection and the scroll position. */
          for (guint i = 0; i < self->rowids->len; i++)
            {
              gint64 rowid = g_array_index (self->rowids, gint64, i);
              if (g_hash_table_contains (self->cache, &rowid))
                {
                  g_hash_table_remove (self->cache, &rowid);
                  g_list_model_items_changed (G_LIST_MODEL (self), i, 1, 1);
                }
            }
        }
      else
        {
          /* Two steps, never one replacing change: a list view that loses
           * rows it tracks (focus, scroll anchor) in a change looks for
           * them among all the added items, reading every one of them. */
          guint removed = self->rowids->len;
          g_array_set_size (self->rowids, 0);
          g_hash_table_remove_all (self->cache);
          if (removed > 0)
            g_list_model_items_changed (G_LIST_MODEL (self), 0, removed, 0);
          g_array_unref (self->rowids);
          self->rowids = g_steal_pointer (&rowids);
          if (self->rowids->len > 0)
            g_list_model_items_changed (G_LIST_MODEL (self), 0, 0, self->rowids->len);
          g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_N_ITEMS]);
        }
    }
  if (self->running == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
}

void
fl_work_order_model_refresh (FlWorkOrderModel *self)
{
  QueryTask *query = g_new0 (QueryTask, 1);
  fl_work_order_query_copy (&self->query, &query->query);
  query->login = g_strdup (fl_session_get_login (self->session));
  query->generation = ++self->generation;
  g_weak_ref_init (&query->model, self);
  query->reader = g_atomic_rc_box_acquire (self->reader);

  g_autoptr(GTask) task = g_task_new (NULL, NULL, query_done, NULL);
  g_task_set_source_tag (task, fl_work_order_model_refresh);
  g_task_set_task_data (task, query, (GDestroyNotify) query_task_free);
  if (self->running++ == 0)
    g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOADING]);
  g_task_run_in_thread (task, query_thread);
}

void
fl_work_order_model_set_query (FlWorkOrderModel *self, const FlWorkOrderQuery *query)
{
  fl_work_order_query_copy (query, &self->query);
  fl_work_order_model_refresh (self);
}

gboolean
fl_work_order_model_get_loading (FlWorkOrderModel *self)
{
  return self->running > 0;
}

double
fl_work_order_model_get_last_query_seconds (FlWorkOrderModel *self)
{
  return self->last_query_seconds;
}

guint
fl_work_order_model_find (FlWorkOrderModel *self, const char *id)
{
  gint64 rowid = fl_work_order_rowid (fl_session_get_db (self->session), id, NULL);
  for (guint i = 0; rowid != 0 && i < self->rowids->len; i++)
    if (g_array_index (self->rowids, gint64, i) == rowid)
      return i;
  return G_MAXUINT;
}
