#include "fl-sla-notifier.h"

#include <fl-sla-events.h>
#include <fl-work-order-queries.h>
#include <glib/gi18n-lib.h>

struct _FlSlaNotifier
{
  GObject           parent_instance;
  FlSession        *session;
  FlSyncController *sync;
  GHashTable       *assigned;  /* ids of the engineer's open orders last seen */
  char             *login;     /* whose they are */
  guint             clock_id;
};

G_DEFINE_FINAL_TYPE (FlSlaNotifier, fl_sla_notifier, G_TYPE_OBJECT)

enum { NOTICE, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
notice (FlSlaNotifier *self, const char *id, const char *title, const char *body, const char *work_order_id,
        GNotificationPriority priority)
{
  g_autoptr(GNotification) notification = g_notification_new (title);
  g_notification_set_body (notification, body);
  g_notification_set_priority (notification, priority);
  g_notification_set_default_action_and_target (notification, "app.show-work-order", "s", work_order_id);
  g_signal_emit (self, signals[NOTICE], 0, id, notification);
}

/* The engineer's open orders now (id -> "REF title"). */
static GHashTable *
own_open_orders (FlSlaNotifier *self, const char *login)
{
  GHashTable *orders = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  FlDb *db = fl_session_get_db (self->session);
  FlWorkOrderQuery query = { .mine = TRUE, .open_only = TRUE };
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = fl_work_order_search (db, &query, login, &error);
  for (guint i = 0; rowids != NULL && i < rowids->len; i++)
    {
      g_autoptr(JsonObject) row = fl_work_order_list_row (db, g_array_index (rowids, gint64, i), NULL);
      if (row != NULL)
        g_hash_table_insert (orders, g_strdup (fl_record_get_string (row, "id")),
                             g_strdup_printf ("%s %s", fl_record_get_string (row, "ref"),
                                              fl_record_get_string (row, "title")));
    }
  if (error != NULL)
    g_warning ("Cannot list your work orders: %s", error->message);
  return orders;
}

static void
tell_new_assignments (FlSlaNotifier *self, const char *login)
{
  g_autoptr(GHashTable) now = own_open_orders (self, login);
  /* Orders already there when this engineer's session began are not news. */
  if (self->assigned != NULL && g_strcmp0 (self->login, login) == 0)
    {
      GHashTableIter iter;
      gpointer id, label;
      g_hash_table_iter_init (&iter, now);
      while (g_hash_table_iter_next (&iter, &id, &label))
        if (!g_hash_table_contains (self->assigned, id))
          {
            g_autofree char *notice_id = g_strdup_printf ("assigned-%s", (char *) id);
            notice (self, notice_id, _("New work order for you"), label, id, G_NOTIFICATION_PRIORITY_NORMAL);
          }
    }
  g_clear_pointer (&self->assigned, g_hash_table_unref);
  self->assigned = g_steal_pointer (&now);
  g_free (self->login);
  self->login = g_strdup (login);
}

void
fl_sla_notifier_check (FlSlaNotifier *self, gboolean after_sync)
{
  g_return_if_fail (FL_IS_SLA_NOTIFIER (self));
  const char *login = fl_session_get_login (self->session);
  if (login == NULL)
    return;
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) recorded = fl_sla_events_record (fl_session_get_db (self->session), fl_time_now (), &error);
  if (recorded == NULL)
    g_warning ("Cannot record SLA warnings: %s", error->message);
  for (guint i = 0; recorded != NULL && i < recorded->len; i++)
    {
      JsonObject *event = recorded->pdata[i];
      if (g_strcmp0 (fl_record_get_string (event, "assignee"), login) != 0)
        continue;
      gboolean escalation = g_strcmp0 (fl_record_get_string (event, "kind"), "escalation") == 0;
      /* Translators: a notification's title, "INC-261123-K3F-0001 — nearing an SLA breach" */
      g_autofree char *title = g_strdup_printf (escalation ? _("%s was escalated") : _("%s is nearing an SLA breach"),
                                                fl_record_get_string (event, "ref"));
      g_autofree char *what = fl_sla_event_describe (event);
      g_autofree char *body = g_strdup_printf ("%s\n%s", fl_record_get_string (event, "title"), what);
      g_autofree char *notice_id = g_strdup_printf ("sla-%s", fl_record_get_string (event, "id"));
      notice (self, notice_id, title, body, fl_record_get_string (event, "work_order_id"),
              escalation ? G_NOTIFICATION_PRIORITY_URGENT : G_NOTIFICATION_PRIORITY_HIGH);
    }
  if (after_sync || self->assigned == NULL || g_strcmp0 (self->login, login) != 0)
    tell_new_assignments (self, login);
}

static gboolean
clock_cb (gpointer user_data)
{
  fl_sla_notifier_check (user_data, FALSE);
  return G_SOURCE_CONTINUE;
}

static void
synced_cb (FlSlaNotifier *self)
{
  fl_sla_notifier_check (self, TRUE);
}

static void
fl_sla_notifier_dispose (GObject *object)
{
  FlSlaNotifier *self = FL_SLA_NOTIFIER (object);
  g_clear_handle_id (&self->clock_id, g_source_remove);
  g_clear_object (&self->sync);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_sla_notifier_parent_class)->dispose (object);
}

static void
fl_sla_notifier_finalize (GObject *object)
{
  FlSlaNotifier *self = FL_SLA_NOTIFIER (object);
  g_clear_pointer (&self->assigned, g_hash_table_unref);
  g_free (self->login);
  G_OBJECT_CLASS (fl_sla_notifier_parent_class)->finalize (object);
}

static void
fl_sla_notifier_class_init (FlSlaNotifierClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->dispose = fl_sla_notifier_dispose;
  object_class->finalize = fl_sla_notifier_finalize;
  /* ::notice (id, notification): something to tell the engineer. */
  signals[NOTICE] = g_signal_new ("notice", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST, 0, NULL, NULL, NULL,
                                  G_TYPE_NONE, 2, G_TYPE_STRING, G_TYPE_NOTIFICATION);
}

static void
fl_sla_notifier_init (FlSlaNotifier *self)
{
}

FlSlaNotifier *
fl_sla_notifier_new (FlSession *session, FlSyncController *sync)
{
  FlSlaNotifier *self = g_object_new (FL_TYPE_SLA_NOTIFIER, NULL);
  self->session = g_object_ref (session);
  if (sync != NULL)
    {
      self->sync = g_object_ref (sync);
      g_signal_connect_object (sync, "notify::last-synced", G_CALLBACK (synced_cb), self, G_CONNECT_SWAPPED);
    }
  self->clock_id = g_timeout_add_seconds (60, clock_cb, self);
  return self;
}
