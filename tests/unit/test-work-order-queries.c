/* What the work-order screens read: the orders a search and the filters
 * select, newest first; one list row; an order's log, parts used and
 * attachments; and what the dialogs offer (sites, a site's CIs in service,
 * a van's parts). */
#include <fl-work-order-queries.h>

#include "fl-test-util.h"

/* 2026-11-20 09:00 UTC, a Friday. */
#define NOW (G_GINT64_CONSTANT (1795165200) * G_USEC_PER_SEC)
#define HOUR (G_GINT64_CONSTANT (3600) * G_USEC_PER_SEC)

typedef struct {
  FlDb *db;
  char *dir;
  char *site, *clinic;
  char *pacs, *printer, *ups;  /* created in this order, an hour apart */
} Fixture;

static char *
create (Fixture *f, const char *title, const char *site, const char *assignee)
{
  g_autoptr(GError) error = NULL;
  FlWorkOrderDraft draft = {
    .kind = "incident", .title = title, .site_id = site, .impact = 3, .urgency = 3, .assignee = assignee,
  };
  char *id = NULL;
  g_assert_true (fl_work_order_create (f->db, &draft, "zhang.wei", &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("K3F", &f->dir);
  f->site = fl_test_insert (f->db, "site", "{\"code\": \"RMYY\", \"name\": \"People's Hospital\","
                                   " \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  f->clinic = fl_test_insert (f->db, "site", "{\"code\": \"CLN\", \"name\": \"Eye Clinic\","
                                     " \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  fl_time_set_now_for_testing (NOW);
  f->pacs = create (f, "PACS viewer cannot load images", f->site, "zhang.wei");
  fl_time_set_now_for_testing (NOW + HOUR);
  f->printer = create (f, "打印机卡纸 Printer jam", f->clinic, NULL);
  fl_time_set_now_for_testing (NOW + 2 * HOUR);
  f->ups = create (f, "UPS battery alarm", f->site, "li.na");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_work_order_move (f->db, f->ups, FL_ROLE_SUPERVISOR, "chen.jie", FL_WO_CANCELLED, "Duplicate of the UPS order", &error));
  g_assert_no_error (error);
}

static void
tear_down (Fixture *f, gconstpointer data)
{
  fl_time_set_now_for_testing (0);
  g_object_unref (f->db);
  fl_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->clinic);
  g_free (f->pacs);
  g_free (f->printer);
  g_free (f->ups);
}

/* The ids the query selects, in list order, joined by spaces. */
static char *
search (Fixture *f, const FlWorkOrderQuery *query)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) rowids = fl_work_order_search (f->db, query, "zhang.wei", &error);
  g_assert_no_error (error);
  g_autoptr(GString) ids = g_string_new (NULL);
  for (guint i = 0; i < rowids->len; i++)
    {
      g_autoptr(JsonObject) row = fl_work_order_list_row (f->db, g_array_index (rowids, gint64, i), &error);
      g_assert_no_error (error);
      const char *id = fl_record_get_string (row, "id");
      const char *name = g_strcmp0 (id, f->pacs) == 0 ? "pacs" : g_strcmp0 (id, f->printer) == 0 ? "printer"
                       : g_strcmp0 (id, f->ups) == 0 ? "ups" : "?";
      g_string_append_printf (ids, "%s%s", ids->len > 0 ? " " : "", name);
    }
  return g_string_free (g_steal_pointer (&ids), FALSE);
}

#define ASSERT_SEARCH(f, expected, ...)                                  \
  G_STMT_START {                                                          \
    FlWorkOrderQuery query_ = { __VA_ARGS__ };                            \
    g_autofree char *found_ = search (f, &query_);                        \
    g_assert_cmpstr (found_, ==, expected);                               \
  } G_STMT_END

static void
test_search_and_filters (Fixture *f, gconstpointer data)
{
  ASSERT_SEARCH (f, "ups printer pacs", 0);
  /* Words of three characters or more through the trigram index, shorter
   * ones (two Chinese characters are a word, a code may be one letter)
   * through the index of characters and pairs of ref and title. */
  ASSERT_SEARCH (f, "printer", .text = "printer jam");
  ASSERT_SEARCH (f, "printer", .text = "打印");
  ASSERT_SEARCH (f, "printer", .text = "纸");
  ASSERT_SEARCH (f, "", .text = "纸打");
  ASSERT_SEARCH (f, "pacs", .text = "pa");
  ASSERT_SEARCH (f, "printer", .text = "卡纸\u3000jam");
  ASSERT_SEARCH (f, "", .text = "卡纸 alarm");
  ASSERT_SEARCH (f, "ups", .text = "UP alarm");
  ASSERT_SEARCH (f, "", .text = "\"scanner\" OR");
  ASSERT_SEARCH (f, "pacs", .mine = TRUE);
  ASSERT_SEARCH (f, "printer pacs", .open_only = TRUE);
  ASSERT_SEARCH (f, "ups", .status = "cancelled");
  ASSERT_SEARCH (f, "ups pacs", .site_id = f->site);
  ASSERT_SEARCH (f, "pacs", .site_id = f->site, .open_only = TRUE);
  ASSERT_SEARCH (f, "", .overdue = TRUE);
  /* A week later both open orders are past their due times. */
  fl_time_set_now_for_testing (NOW + 24 * 7 * HOUR);
  ASSERT_SEARCH (f, "printer pacs", .overdue = TRUE);
  ASSERT_SEARCH (f, "pacs", .overdue = TRUE, .mine = TRUE);
}

/* A search lists the order whose reference is the text itself first, then
 * the others newest first. */
static void
test_exact_ref_first (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) pacs = fl_record_load (f->db, fl_schema_lookup ("work_order"), f->pacs, &error);
  g_assert_no_error (error);
  const char *ref = fl_record_get_string (pacs, "ref");
  fl_time_set_now_for_testing (NOW + 3 * HOUR);
  g_autofree char *title = g_strdup_printf ("Follow-up of %s", ref);
  g_autofree char *follow_up = create (f, title, f->site, NULL);
  g_autofree char *lower = g_ascii_strdown (ref, -1);
  FlWorkOrderQuery query = { .text = lower };
  g_autoptr(GArray) rowids = fl_work_order_search (f->db, &query, "zhang.wei", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rowids->len, ==, 2);
  g_assert_cmpint (g_array_index (rowids, gint64, 0), ==, fl_work_order_rowid (f->db, f->pacs, &error));
  g_assert_cmpint (g_array_index (rowids, gint64, 1), ==, fl_work_order_rowid (f->db, follow_up, &error));
}

static void
test_list_row_and_rowid (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  gint64 rowid = fl_work_order_rowid (f->db, f->printer, &error);
  g_assert_no_error (error);
  g_assert_cmpint (rowid, >, 0);
  g_autoptr(JsonObject) row = fl_work_order_list_row (f->db, rowid, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (row, "id"), ==, f->printer);
  g_assert_cmpstr (fl_record_get_string (row, "site_name"), ==, "Eye Clinic");
  g_assert_cmpstr (fl_record_get_string (row, "status"), ==, "new");
  g_assert_true (g_str_has_prefix (fl_record_get_string (row, "ref"), "INC-"));
  g_assert_nonnull (fl_record_get_string (row, "resolve_due"));
  g_assert_null (fl_record_get_string (row, "assignee"));

  g_assert_cmpint (fl_work_order_rowid (f->db, "no-such-order", &error), ==, 0);
  g_assert_no_error (error);
  g_assert_null (fl_work_order_list_row (f->db, rowid + 1000, &error));
  g_assert_no_error (error);
}

static void
test_log_parts_and_attachments (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *part = fl_test_insert (f->db, "part", "{\"sku\": \"PSU-750\", \"name\": \"750 W power supply\", \"unit\": \"pc\"}");
  g_autofree char *van = fl_test_insert (f->db, "stock_location", "{\"code\": \"VAN1\", \"name\": \"Van 1\", \"kind\": \"van\"}");
  FlStockMovement load_van = { FL_MOVE_RECEIVE, part, 5, NULL, van, NULL, NULL, NULL, NULL, "li.na" };
  g_assert_true (fl_stock_post (f->db, &load_van, NULL, &error));
  g_assert_true (fl_work_order_log (f->db, f->pacs, "zhang.wei", "travel", 25, NULL, &error));
  fl_time_set_now_for_testing (NOW + 3 * HOUR);
  g_assert_true (fl_work_order_use_part (f->db, f->pacs, part, van, 2, "SN123", "zhang.wei", &error));
  g_assert_true (fl_work_order_attach (f->db, f->pacs, "panel.jpg", "image/jpeg",
                                       "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                       48213, "zhang.wei", &error));
  g_assert_no_error (error);

  g_autoptr(GPtrArray) log = fl_work_order_list_log (f->db, f->pacs, &error);
  g_assert_no_error (error);
  /* After what creating it noted: the travel, then the part. */
  g_assert_cmpuint (log->len, >=, 2);
  JsonObject *travel = g_ptr_array_index (log, log->len - 2);
  g_assert_cmpstr (fl_record_get_string (travel, "kind"), ==, "travel");
  g_assert_cmpint (fl_record_get_int (travel, "minutes", 0), ==, 25);
  g_assert_cmpstr (fl_record_get_string (travel, "author"), ==, "zhang.wei");
  g_autofree char *used_words = fl_work_log_render (g_ptr_array_index (log, log->len - 1));
  g_assert_true (g_str_has_prefix (used_words, "Used 2 pc"));

  g_autoptr(GPtrArray) parts = fl_work_order_list_parts (f->db, f->pacs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (parts->len, ==, 1);
  JsonObject *used = g_ptr_array_index (parts, 0);
  g_assert_cmpint (fl_record_get_int (used, "qty", 0), ==, 2);
  g_assert_cmpstr (fl_record_get_string (used, "serial"), ==, "SN123");
  g_assert_cmpstr (fl_record_get_string (used, "sku"), ==, "PSU-750");
  g_assert_cmpstr (fl_record_get_string (used, "location_code"), ==, "VAN1");
  g_assert_cmpint (fl_record_get_int (used, "balance", -1), ==, 3);

  g_autoptr(GPtrArray) attachments = fl_work_order_list_attachments (f->db, f->pacs, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (attachments->len, ==, 1);
  JsonObject *photo = g_ptr_array_index (attachments, 0);
  g_assert_cmpstr (fl_record_get_string (photo, "filename"), ==, "panel.jpg");
  g_assert_cmpint (fl_record_get_int (photo, "size", 0), ==, 48213);
  g_assert_cmpstr (fl_record_get_string (photo, "by"), ==, "zhang.wei");
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM attachment WHERE site_id IS NOT NULL"), ==, 1);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'attachment'"), ==, 1);

  /* An order that left the replica takes no attachment. */
  g_assert_false (fl_work_order_attach (f->db, "no-such-order", "x.jpg", "image/jpeg",
                                        "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
                                        1, "zhang.wei", &error));
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND);
}

static void
test_dialog_choices (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) sites = fl_work_order_list_sites (f->db, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (sites->len, ==, 2);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (sites, 0), "name"), ==, "Eye Clinic");
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (sites, 1), "id"), ==, f->site);

  g_autofree char *json = g_strdup_printf ("{\"code\": \"DB-02\", \"name\": \"Old database\", \"type\": \"server\","
                                           " \"site_id\": \"%s\", \"status\": \"retired\"}", f->site);
  g_free (fl_test_insert (f->db, "ci", json));
  g_free (json);
  json = g_strdup_printf ("{\"code\": \"DB-01\", \"name\": \"HIS database\", \"type\": \"server\","
                          " \"site_id\": \"%s\", \"status\": \"in_use\"}", f->site);
  g_autofree char *his = fl_test_insert (f->db, "ci", json);
  g_autoptr(GPtrArray) cis = fl_work_order_list_site_cis (f->db, f->site, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cis->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (cis, 0), "id"), ==, his);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (cis, 0), "code"), ==, "DB-01");

  g_autofree char *psu = fl_test_insert (f->db, "part", "{\"sku\": \"PSU-750\", \"name\": \"750 W power supply\", \"unit\": \"pc\"}");
  g_autofree char *fan = fl_test_insert (f->db, "part", "{\"sku\": \"FAN-80\", \"name\": \"80 mm fan\", \"unit\": \"pc\"}");
  g_autofree char *van = fl_test_insert (f->db, "stock_location", "{\"code\": \"VAN1\", \"name\": \"Van 1\", \"kind\": \"van\"}");
  FlStockMovement psus = { FL_MOVE_RECEIVE, psu, 2, NULL, van, NULL, NULL, NULL, NULL, "li.na" };
  FlStockMovement fans = { FL_MOVE_RECEIVE, fan, 1, NULL, van, NULL, NULL, NULL, NULL, "li.na" };
  g_assert_true (fl_stock_post (f->db, &psus, NULL, &error));
  g_assert_true (fl_stock_post (f->db, &fans, NULL, &error));
  g_assert_true (fl_work_order_use_part (f->db, f->pacs, fan, van, 1, NULL, "zhang.wei", &error));
  g_assert_no_error (error);
  /* In stock first: the fans are used up. */
  g_autoptr(GPtrArray) van_parts = fl_work_order_list_van_parts (f->db, van, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (van_parts->len, ==, 2);
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (van_parts, 0), "sku"), ==, "PSU-750");
  g_assert_cmpint (fl_record_get_int (g_ptr_array_index (van_parts, 0), "qty", 0), ==, 2);
  g_assert_cmpint (fl_record_get_int (g_ptr_array_index (van_parts, 1), "qty", -1), ==, 0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add ("/work-order-queries/search", Fixture, NULL, set_up, test_search_and_filters, tear_down);
  g_test_add ("/work-order-queries/exact-ref-first", Fixture, NULL, set_up, test_exact_ref_first, tear_down);
  g_test_add ("/work-order-queries/list-row", Fixture, NULL, set_up, test_list_row_and_rowid, tear_down);
  g_test_add ("/work-order-queries/detail", Fixture, NULL, set_up, test_log_parts_and_attachments, tear_down);
  g_test_add ("/work-order-queries/dialog-choices", Fixture, NULL, set_up, test_dialog_choices, tear_down);
  return g_test_run ();
}
