/* SLA warnings and escalations in the client: the desktop notifications an
 * engineer gets for their own orders and for new assignments after a sync,
 * and the list's badges and filters.  Site HOSP1 is covered 7x24 (working
 * time is elapsed time), warnings at 75% and 90%; with T the test's now:
 *  A  zhang.wei's, created T-30 h, response due T-6 h (24 h): warned at
 *     T-12 h and T-8 h 24, escalated at T-6 h; resolution due T+18 h,
 *     75% at T+6 h not yet                                   3 events
 *  B  zhang.wei's, created T-20 h, response due T+4 h: 75% at T-2 h,
 *     90% at T+1 h 36 not yet                                1 event
 *  C  li.na's, like A                                         3 events */
#include <fl-work-order.h>

#include "fl-new-work-order-dialog.h"
#include "fl-record-item.h"
#include "fl-sla-notifier.h"
#include "fl-ui-test-util.h"
#include "fl-work-order-list-page.h"

#define HOUR ((gint64) 3600 * G_USEC_PER_SEC)

typedef struct {
  char      *dir;
  FlDb      *db;
  FlSession *session;
  char      *site;
  GPtrArray *notices;  /* ids of the notifications sent */
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_ui_test_store (f->db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_free (fl_ui_test_store (f->db, "user",
      "{\"login\": \"zhang.wei\", \"display_name\": \"张伟\", \"role\": \"engineer\"}"));
  f->session = fl_session_new (f->db, "zhang.wei");
  f->notices = g_ptr_array_new_with_free_func (g_free);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_clear_object (&f->session);
  g_clear_object (&f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_ptr_array_unref (f->notices);
}

/* An order as pulled, created `hours_ago` with a 24 h response and 48 h
 * resolution. */
static char *
store_order (Fixture *f, const char *ref, const char *assignee, gint64 hours_ago)
{
  gint64 now = fl_time_now ();
  g_autofree char *created = fl_time_format (now - hours_ago * HOUR);
  g_autofree char *response_due = fl_time_format (now + (24 - hours_ago) * HOUR);
  g_autofree char *resolve_due = fl_time_format (now + (48 - hours_ago) * HOUR);
  char *id = fl_ui_test_store_printf (f->db, "work_order",
      "{\"ref\": \"%s\", \"kind\": \"incident\", \"title\": \"%s down\", \"site_id\": \"%s\", \"impact\": 1,"
      " \"urgency\": 1, \"priority\": \"high\", \"status\": \"assigned\", \"assignee\": \"%s\","
      " \"response_due\": \"%s\", \"resolve_due\": \"%s\"}",
      ref, ref, f->site, assignee, response_due, resolve_due);
  g_autofree char *sql = g_strdup_printf ("UPDATE work_order SET created_at = '%s' WHERE id = '%s'", created, id);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_db_exec (f->db, sql, &error));
  g_assert_no_error (error);
  return id;
}

static void
notice_cb (FlSlaNotifier *notifier, const char *id, GNotification *notification, Fixture *f)
{
  g_ptr_array_add (f->notices, g_strdup (id));
}

static void
test_notifications (Fixture *f, gconstpointer data)
{
  g_autofree char *a = store_order (f, "INC-A", "zhang.wei", 30);
  g_autofree char *b = store_order (f, "INC-B", "zhang.wei", 20);
  g_autofree char *c = store_order (f, "INC-C", "li.na", 30);
  g_autoptr(FlSlaNotifier) notifier = fl_sla_notifier_new (f->session, NULL);
  g_signal_connect (notifier, "notice", G_CALLBACK (notice_cb), f);

  /* The engineer's own: A's two warnings and escalation, B's warning; not
   * C's; the orders they had before are not news. */
  fl_sla_notifier_check (notifier, FALSE);
  g_assert_cmpuint (f->notices->len, ==, 4);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM sla_event"), ==, 7);
  /* Told once. */
  fl_sla_notifier_check (notifier, TRUE);
  g_assert_cmpuint (f->notices->len, ==, 4);

  /* A sync brings an order assigned to them. */
  g_autofree char *d = store_order (f, "INC-D", "zhang.wei", 1);
  fl_sla_notifier_check (notifier, TRUE);
  g_assert_cmpuint (f->notices->len, ==, 5);
  g_autofree char *expected = g_strdup_printf ("assigned-%s", d);
  g_assert_cmpstr (f->notices->pdata[4], ==, expected);
}

static guint
listed (FlWorkOrderListPage *list)
{
  FlWorkOrderModel *model = fl_work_order_list_page_get_model (list);
  fl_ui_test_wait_until (!fl_work_order_model_get_loading (model));
  return g_list_model_get_n_items (G_LIST_MODEL (model));
}

static void
test_badges_and_filters (Fixture *f, gconstpointer data)
{
  g_autofree char *a = store_order (f, "INC-A", "zhang.wei", 30);
  g_autofree char *b = store_order (f, "INC-B", "zhang.wei", 20);
  g_autofree char *c = store_order (f, "INC-C", "li.na", 30);
  g_autoptr(FlSlaNotifier) notifier = fl_sla_notifier_new (f->session, NULL);
  fl_sla_notifier_check (notifier, FALSE);

  FlWindow *window = fl_window_new (NULL, f->session, NULL);
  gtk_window_present (GTK_WINDOW (window));
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (window, "my-work"));
  g_assert_cmpuint (listed (list), ==, 2);  /* mine, open */
  FlWorkOrderModel *model = fl_work_order_list_page_get_model (list);
  for (guint i = 0; i < 2; i++)
    {
      g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (model), i);
      const char *badge = fl_record_item_get_badge (item);
      if (g_strcmp0 (fl_record_item_get_id (item), a) == 0)
        g_assert_true (g_str_has_prefix (badge, "Escalated: Management · "));
      else
        g_assert_true (g_str_has_prefix (badge, "Nearing breach · "));
    }

  GtkToggleButton *escalated = fl_ui_test_child (list, FL_TYPE_WORK_ORDER_LIST_PAGE, "escalated_toggle");
  GtkToggleButton *nearing = fl_ui_test_child (list, FL_TYPE_WORK_ORDER_LIST_PAGE, "nearing_toggle");
  GtkToggleButton *mine = fl_ui_test_child (list, FL_TYPE_WORK_ORDER_LIST_PAGE, "mine_toggle");
  gtk_toggle_button_set_active (escalated, TRUE);
  g_assert_cmpuint (listed (list), ==, 1);  /* A */
  gtk_toggle_button_set_active (mine, FALSE);
  g_assert_cmpuint (listed (list), ==, 2);  /* A, C */
  gtk_toggle_button_set_active (escalated, FALSE);
  gtk_toggle_button_set_active (nearing, TRUE);
  g_assert_cmpuint (listed (list), ==, 1);  /* B */
  g_autoptr(FlRecordItem) item = g_list_model_get_item (G_LIST_MODEL (model), 0);
  g_assert_cmpstr (fl_record_item_get_id (item), ==, b);
  gtk_window_destroy (GTK_WINDOW (window));
  fl_ui_test_pump ();
}

static void
created_cb (FlNewWorkOrderDialog *dialog, const char *id, char **out)
{
  *out = g_strdup (id);
}

static gint64
time_of (JsonObject *row, const char *field)
{
  gint64 usec = 0;
  g_assert_true (fl_time_parse (fl_record_get_string (row, field), &usec, NULL));
  return usec;
}

/* The new-order dialog offers the site's services; the one chosen is
 * recorded and its contract sets the due times (7x24: 30 min after). */
static void
test_dialog_names_service (Fixture *f, gconstpointer data)
{
  g_free (fl_ui_test_store_printf (f->db, "sla_policy",
      "{\"site_id\": \"%s\", \"catalogue\": \"HIS core\", \"priority\": \"high\","
      " \"response_minutes\": 30, \"resolve_minutes\": 240}", f->site));
  g_free (fl_ui_test_store (f->db, "sla_policy",
      "{\"site_id\": null, \"catalogue\": \"PACS\", \"priority\": \"high\","
      " \"response_minutes\": 60, \"resolve_minutes\": 480}"));
  FlNewWorkOrderDialog *dialog = fl_new_work_order_dialog_new (NULL, f->session);
  gtk_window_present (GTK_WINDOW (dialog));
  AdwComboRow *service = fl_ui_test_child (dialog, FL_TYPE_NEW_WORK_ORDER_DIALOG, "service_row");
  GListModel *services = adw_combo_row_get_model (service);
  g_assert_cmpuint (g_list_model_get_n_items (services), ==, 3);  /* none, HIS core, PACS */
  g_assert_cmpstr (gtk_string_list_get_string (GTK_STRING_LIST (services), 1), ==, "HIS core");
  adw_combo_row_set_selected (service, 1);
  adw_combo_row_set_selected (fl_ui_test_child (dialog, FL_TYPE_NEW_WORK_ORDER_DIALOG, "impact_row"), 0);
  adw_combo_row_set_selected (fl_ui_test_child (dialog, FL_TYPE_NEW_WORK_ORDER_DIALOG, "urgency_row"), 0);
  gtk_editable_set_text (fl_ui_test_child (dialog, FL_TYPE_NEW_WORK_ORDER_DIALOG, "title_row"), "HIS down");
  g_autofree char *id = NULL;
  g_signal_connect (dialog, "created", G_CALLBACK (created_cb), &id);
  gtk_widget_activate_action (GTK_WIDGET (dialog), "new-work-order.create", NULL);
  fl_ui_test_pump ();
  g_assert_nonnull (id);
  g_autoptr(JsonObject) wo = fl_record_load (f->db, fl_schema_lookup ("work_order"), id, NULL);
  g_assert_cmpstr (fl_record_get_string (wo, "service"), ==, "HIS core");
  g_assert_cmpint (time_of (wo, "response_due") - time_of (wo, "created_at"), ==, 30 * 60 * G_USEC_PER_SEC);
  g_assert_cmpint (time_of (wo, "resolve_due") - time_of (wo, "created_at"), ==, 4 * HOUR);
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ui/sla/notifications", test_notifications);
  ADD ("/ui/sla/badges-and-filters", test_badges_and_filters);
  ADD ("/ui/sla/dialog-names-service", test_dialog_names_service);
  return g_test_run ();
}
