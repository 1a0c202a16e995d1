#include "fl-test-util.h"
#include "fl-stock-movement.h"

typedef struct {
  FlDb *db;
  char *dir;
  char *part;
  char *warehouse, *van, *site_store, *other_van;
} Fixture;

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("AAA", &f->dir);
  f->part = fl_test_insert (f->db, "part", "{\"sku\": \"HDD-600G\", \"name\": \"600 GB SAS disk\", \"unit\": \"pc\", \"min_stock\": 2}");
  f->warehouse = fl_test_insert (f->db, "stock_location", "{\"code\": \"WH1\", \"name\": \"Central store\", \"kind\": \"warehouse\"}");
  f->van = fl_test_insert (f->db, "stock_location", "{\"code\": \"VAN1\", \"name\": \"Van 1\", \"kind\": \"van\", \"owner\": \"zhang.wei\"}");
  f->other_van = fl_test_insert (f->db, "stock_location", "{\"code\": \"VAN2\", \"name\": \"Van 2\", \"kind\": \"van\"}");
  f->site_store = fl_test_insert (f->db, "stock_location", "{\"code\": \"S1\", \"name\": \"Hospital store\", \"kind\": \"site\"}");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->db);
  fl_test_remove_tree (f->dir);
  g_free (f->dir);
  g_free (f->part);
  g_free (f->warehouse);
  g_free (f->van);
  g_free (f->other_van);
  g_free (f->site_store);
}

static void
post (Fixture *f, FlMovementKind kind, gint64 qty, const char *from, const char *to)
{
  g_autoptr(GError) error = NULL;
  FlStockMovement m = { kind, f->part, qty, from, to, NULL, NULL, NULL, "test", "li.na" };
  g_autofree char *id = NULL;
  g_assert_true (fl_stock_post (f->db, &m, &id, &error));
  g_assert_no_error (error);
  g_assert_nonnull (id);
}

static gint64
balance (Fixture *f, const char *location)
{
  g_autoptr(GError) error = NULL;
  gint64 qty = fl_stock_balance (f->db, location, f->part, &error);
  g_assert_no_error (error);
  return qty;
}

static void
assert_consistent (Fixture *f)
{
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_stock_verify (f->db, &error));
  g_assert_no_error (error);
}

/* receive 10 -> issue 4 to the van -> transfer 1 to the other van -> use 2
 * -> return 1 -> scrap 1 from the store -> adjust +3 (count found more). */
static void
test_movement_sequence (Fixture *f, gconstpointer data)
{
  post (f, FL_MOVE_RECEIVE, 10, NULL, f->warehouse);
  g_assert_cmpint (balance (f, f->warehouse), ==, 10);
  post (f, FL_MOVE_ISSUE, 4, f->warehouse, f->van);
  g_assert_cmpint (balance (f, f->warehouse), ==, 6);
  g_assert_cmpint (balance (f, f->van), ==, 4);
  post (f, FL_MOVE_TRANSFER, 1, f->van, f->other_van);
  g_assert_cmpint (balance (f, f->van), ==, 3);
  g_assert_cmpint (balance (f, f->other_van), ==, 1);
  post (f, FL_MOVE_USE, 2, f->van, NULL);
  g_assert_cmpint (balance (f, f->van), ==, 1);
  post (f, FL_MOVE_RETURN, 1, f->van, f->warehouse);
  g_assert_cmpint (balance (f, f->van), ==, 0);
  g_assert_cmpint (balance (f, f->warehouse), ==, 7);
  post (f, FL_MOVE_SCRAP, 1, f->warehouse, NULL);
  g_assert_cmpint (balance (f, f->warehouse), ==, 6);
  post (f, FL_MOVE_ADJUST, 3, NULL, f->warehouse);
  g_assert_cmpint (balance (f, f->warehouse), ==, 9);
  post (f, FL_MOVE_ADJUST, 2, f->warehouse, NULL);
  g_assert_cmpint (balance (f, f->warehouse), ==, 7);
  assert_consistent (f);
  /* Every movement is also a pending mutation for the server. */
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM outbox WHERE table_name = 'stock_movement'"), ==, 8);
}

/* Parts used offline from an empty van drive it negative: accepted, flagged. */
static void
test_negative_balance_allowed_and_flagged (Fixture *f, gconstpointer data)
{
  post (f, FL_MOVE_ISSUE, 1, f->warehouse, f->van);
  post (f, FL_MOVE_USE, 3, f->van, NULL);
  g_assert_cmpint (balance (f, f->van), ==, -2);
  g_assert_cmpint (balance (f, f->warehouse), ==, -1);
  g_assert_cmpint (fl_stock_negative_count (f->db, NULL), ==, 2);
  post (f, FL_MOVE_RECEIVE, 5, NULL, f->warehouse);
  g_assert_cmpint (fl_stock_negative_count (f->db, NULL), ==, 1);
  assert_consistent (f);
}

/* The ledger cannot be edited, and a balance cannot be moved by hand without
 * the verification noticing. */
static void
test_ledger_append_only (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  post (f, FL_MOVE_RECEIVE, 5, NULL, f->warehouse);
  g_assert_false (fl_db_exec (f->db, "UPDATE stock_movement SET qty = 50", &error));
  g_assert_nonnull (strstr (error->message, "append-only"));
  g_clear_error (&error);
  g_assert_true (fl_db_exec (f->db, "UPDATE stock_balance SET qty = 4", &error));
  g_assert_false (fl_stock_verify (f->db, &error));
  g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "adds up to 5"));
}

/* A movement that leaves a replica (out of scope) takes its effect with it. */
static void
test_forgotten_movement_leaves_balance_consistent (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  post (f, FL_MOVE_RECEIVE, 5, NULL, f->warehouse);
  g_autofree char *id = NULL;
  FlStockMovement m = { FL_MOVE_ISSUE, f->part, 2, f->warehouse, f->van, NULL, NULL, NULL, NULL, "li.na" };
  g_assert_true (fl_stock_post (f->db, &m, &id, &error));
  g_assert_true (fl_record_forget (f->db, fl_schema_lookup ("stock_movement"), id, &error));
  g_assert_no_error (error);
  g_assert_cmpint (balance (f, f->warehouse), ==, 5);
  g_assert_cmpint (balance (f, f->van), ==, 0);
  assert_consistent (f);
}

static void
test_movement_shapes_checked (Fixture *f, gconstpointer data)
{
  static const struct {
    FlMovementKind kind;
    gboolean from, to;
    gint64 qty;
    const char *field;
  } bad[] = {
    { FL_MOVE_RECEIVE, TRUE, TRUE, 1, "from_location" },
    { FL_MOVE_RECEIVE, FALSE, FALSE, 1, "to_location" },
    { FL_MOVE_ISSUE, FALSE, TRUE, 1, "from_location" },
    { FL_MOVE_USE, TRUE, TRUE, 1, "to_location" },
    { FL_MOVE_SCRAP, FALSE, FALSE, 1, "from_location" },
    { FL_MOVE_ADJUST, TRUE, TRUE, 1, "to_location" },
    { FL_MOVE_TRANSFER, TRUE, TRUE, 0, "qty" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      FlStockMovement m = { bad[i].kind, f->part, bad[i].qty, bad[i].from ? f->warehouse : NULL,
                            bad[i].to ? f->van : NULL, NULL, NULL, NULL, NULL, "li.na" };
      g_assert_false (fl_stock_post (f->db, &m, NULL, &error));
      g_assert_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID);
      g_assert_nonnull (strstr (error->message, bad[i].field));
    }
  g_autoptr(GError) error = NULL;
  FlStockMovement same = { FL_MOVE_TRANSFER, f->part, 1, f->van, f->van, NULL, NULL, NULL, NULL, "li.na" };
  g_assert_false (fl_stock_post (f->db, &same, NULL, &error));
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM stock_movement"), ==, 0);
}

static GPtrArray *
rows (Fixture *f, const char *sql, guint n, const char * const *params)
{
  g_autoptr(GError) error = NULL;
  GPtrArray *result = fl_query_rows (f->db, sql, n, params, &error);
  g_assert_no_error (error);
  return result;
}

static const char *
text (GPtrArray *result, guint i, const char *column)
{
  return fl_record_get_string (g_ptr_array_index (result, i), column);
}

static gint64
number (GPtrArray *result, guint i, const char *column)
{
  return fl_record_get_int (g_ptr_array_index (result, i), column, G_MININT64);
}

/* Balances by location code with their alerts: below zero anywhere, below
 * the minimum in a warehouse; an engineer sees only the own van. */
static void
test_balances_and_alerts (Fixture *f, gconstpointer data)
{
  post (f, FL_MOVE_RECEIVE, 3, NULL, f->warehouse);
  post (f, FL_MOVE_ISSUE, 2, f->warehouse, f->van);
  post (f, FL_MOVE_USE, 3, f->van, NULL);
  post (f, FL_MOVE_RECEIVE, 1, NULL, f->site_store);

  const char *all[] = { NULL, NULL, NULL, NULL };
  g_autoptr(GPtrArray) balances = rows (f, fl_stock_balances_sql (), 4, all);
  g_assert_cmpuint (balances->len, ==, 3);
  g_assert_cmpstr (text (balances, 0, "location_code"), ==, "S1");
  g_assert_cmpstr (text (balances, 0, "alert"), ==, "");
  g_assert_cmpstr (text (balances, 1, "location_code"), ==, "VAN1");
  g_assert_cmpint (number (balances, 1, "qty"), ==, -1);
  g_assert_cmpstr (text (balances, 1, "alert"), ==, "negative");
  g_assert_cmpstr (text (balances, 2, "location_name"), ==, "WH1 · Central store");
  g_assert_cmpint (number (balances, 2, "qty"), ==, 1);
  g_assert_cmpint (number (balances, 2, "part_min_stock"), ==, 2);
  g_assert_cmpint (number (balances, 2, "min_stock"), ==, 2);
  g_assert_cmpstr (text (balances, 2, "alert"), ==, "low");
  /* The minimum is the warehouse's: none beside the van or the site store. */
  g_assert_cmpint (number (balances, 0, "min_stock"), ==, G_MININT64);
  g_assert_cmpint (number (balances, 1, "min_stock"), ==, G_MININT64);

  const char *alerts[] = { NULL, "HDD", "1", NULL };
  g_autoptr(GPtrArray) flagged = rows (f, fl_stock_balances_sql (), 4, alerts);
  g_assert_cmpuint (flagged->len, ==, 2);
  const char *mine[] = { NULL, NULL, NULL, "zhang.wei" };
  g_autoptr(GPtrArray) van = rows (f, fl_stock_balances_sql (), 4, mine);
  g_assert_cmpuint (van->len, ==, 1);
  g_assert_cmpstr (text (van, 0, "location_id"), ==, f->van);
  /* One location shows its parts even at 0. */
  post (f, FL_MOVE_TRANSFER, 1, f->site_store, f->other_van);
  const char *store[] = { f->site_store, NULL, NULL, NULL };
  g_autoptr(GPtrArray) empty = rows (f, fl_stock_balances_sql (), 4, store);
  g_assert_cmpuint (empty->len, ==, 1);
  g_assert_cmpint (number (empty, 0, "qty"), ==, 0);
}

/* The catalogue against the minimum in the warehouses, and a part's ledger
 * newest first with where it went. */
static void
test_catalogue_and_history (Fixture *f, gconstpointer data)
{
  post (f, FL_MOVE_RECEIVE, 5, NULL, f->warehouse);
  post (f, FL_MOVE_ISSUE, 4, f->warehouse, f->van);
  const char *search[] = { "600", NULL };
  g_autoptr(GPtrArray) parts = rows (f, fl_stock_parts_sql (), 2, search);
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_cmpint (number (parts, 0, "in_warehouses"), ==, 1);
  g_assert_cmpint (number (parts, 0, "on_hand"), ==, 5);
  g_assert_cmpstr (text (parts, 0, "alert"), ==, "low");
  const char *none[] = { "no such part", NULL };
  g_autoptr(GPtrArray) nothing = rows (f, fl_stock_parts_sql (), 2, none);
  g_assert_cmpuint (nothing->len, ==, 0);

  const char *part[] = { f->part };
  g_autoptr(GPtrArray) ledger = rows (f, fl_stock_part_history_sql (), 1, part);
  g_assert_cmpuint (ledger->len, ==, 2);
  g_assert_cmpint (number (ledger, 0, "qty"), ==, 4);
  guint issue = g_strcmp0 (text (ledger, 0, "kind"), "issue") == 0 ? 0 : 1;
  g_assert_cmpstr (text (ledger, issue, "from_code"), ==, "WH1");
  g_assert_cmpstr (text (ledger, issue, "to_code"), ==, "VAN1");

  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) where = fl_stock_list_part_balances (f->db, f->part, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (where->len, ==, 2);
  g_assert_cmpstr (text (where, 0, "location_code"), ==, "WH1");
  g_assert_cmpint (number (where, 0, "qty"), ==, 1);
  g_assert_cmpstr (text (where, 1, "location_code"), ==, "VAN1");
}

/* One definition of an alert: a warehouse emptied below the minimum is
 * listed among all locations' alerts as it is under its own location, the
 * catalogue says where, and the counts of the service report agree. */
static void
test_alerts_agree (Fixture *f, gconstpointer data)
{
  g_autofree char *second = fl_test_insert (f->db, "stock_location",
      "{\"code\": \"WH2\", \"name\": \"Clinic store\", \"kind\": \"warehouse\"}");
  post (f, FL_MOVE_RECEIVE, 40, NULL, f->warehouse);
  post (f, FL_MOVE_RECEIVE, 1, NULL, second);
  post (f, FL_MOVE_ISSUE, 1, second, f->van);
  post (f, FL_MOVE_USE, 2, f->van, NULL);

  const char *everywhere[] = { NULL, NULL, "1", NULL };
  g_autoptr(GPtrArray) flagged = rows (f, fl_stock_balances_sql (), 4, everywhere);
  const char *here[] = { second, NULL, "1", NULL };
  g_autoptr(GPtrArray) at_second = rows (f, fl_stock_balances_sql (), 4, here);
  g_assert_cmpuint (flagged->len, ==, 2);
  g_assert_cmpstr (text (flagged, 0, "location_code"), ==, "VAN1");
  g_assert_cmpstr (text (flagged, 0, "alert"), ==, "negative");
  g_assert_cmpstr (text (flagged, 1, "location_code"), ==, "WH2");
  g_assert_cmpint (number (flagged, 1, "qty"), ==, 0);
  g_assert_cmpstr (text (flagged, 1, "alert"), ==, "low");
  g_assert_cmpuint (at_second->len, ==, 1);
  g_assert_cmpstr (text (at_second, 0, "alert"), ==, "low");

  const char *alerts_only[] = { NULL, "1" };
  g_autoptr(GPtrArray) parts = rows (f, fl_stock_parts_sql (), 2, alerts_only);
  g_assert_cmpuint (parts->len, ==, 1);
  g_assert_cmpint (number (parts, 0, "in_warehouses"), ==, 40);
  g_assert_cmpstr (text (parts, 0, "alert"), ==, "negative");
  g_assert_cmpint (number (parts, 0, "negatives"), ==, 1);
  g_assert_cmpint (number (parts, 0, "low_warehouses"), ==, 1);

  g_autoptr(GError) error = NULL;
  FlStockAlertCounts counts;
  g_assert_true (fl_stock_count_alerts (f->db, NULL, &counts, &error));
  g_assert_no_error (error);
  g_assert_cmpint (counts.negative_balances, ==, 1);
  g_assert_cmpint (counts.low_balances, ==, 1);
  g_assert_cmpint (counts.low_parts, ==, 1);
}

/* A search finds its text anywhere in the SKU, the name or the model, in
 * Chinese as in Latin letters of either case. */
static void
test_part_search_anywhere (Fixture *f, gconstpointer data)
{
  g_autofree char *psu = fl_test_insert (f->db, "part",
      "{\"sku\": \"PWR-750\", \"name\": \"服务器电源 750 W\", \"model\": \"DPS-750AB PSU\", \"unit\": \"pc\"}");
  const char *words[] = { "电源", "psu", "750", "PWR", "dps-750" };
  for (guint i = 0; i < G_N_ELEMENTS (words); i++)
    {
      const char *search[] = { words[i], NULL };
      g_autoptr(GPtrArray) found = rows (f, fl_stock_parts_sql (), 2, search);
      g_assert_cmpuint (found->len, ==, 1);
      g_assert_cmpstr (text (found, 0, "id"), ==, psu);
    }
}

static void
test_find_part_and_locations (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) part = fl_stock_find_part (f->db, "hdd-600g", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (part, "id"), ==, f->part);
  g_assert_cmpstr (fl_record_get_string (part, "unit"), ==, "pc");
  g_assert_false (fl_record_get_bool (part, "serial_tracked"));
  g_assert_null (fl_stock_find_part (f->db, "HDD-600", &error));
  g_assert_no_error (error);

  g_autoptr(GPtrArray) all = fl_stock_list_locations (f->db, NULL, NULL, &error);
  g_assert_cmpuint (all->len, ==, 4);
  g_assert_cmpstr (text (all, 0, "label"), ==, "WH1 · Central store");
  g_assert_cmpstr (text (all, 1, "id"), ==, f->site_store);
  g_autoptr(GPtrArray) vans = fl_stock_list_locations (f->db, NULL, "van,site", &error);
  g_assert_cmpuint (vans->len, ==, 3);
  g_autoptr(GPtrArray) own = fl_stock_list_locations (f->db, "zhang.wei", NULL, &error);
  g_assert_cmpuint (own->len, ==, 1);
  g_assert_cmpstr (text (own, 0, "id"), ==, f->van);
}

/* A count records what the ledger said when it was taken, and waits for
 * approval; the balance is not touched. */
static void
test_count_and_scrap_request (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  post (f, FL_MOVE_RECEIVE, 6, NULL, f->warehouse);
  g_autoptr(GPtrArray) expected = fl_stock_list_expected (f->db, f->warehouse, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (expected->len, ==, 1);
  g_assert_cmpstr (text (expected, 0, "part_id"), ==, f->part);
  g_assert_cmpstr (text (expected, 0, "sku"), ==, "HDD-600G");
  g_assert_cmpint (number (expected, 0, "qty"), ==, 6);

  FlStockCountLine lines[] = { { f->part, 5 } };
  g_assert_true (fl_stock_submit_count (f->db, f->warehouse, lines, G_N_ELEMENTS (lines), "li.na", &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM stock_count WHERE counted = 5"
                                         " AND expected_at_count = 6 AND status = 'pending' AND by = 'li.na'"), ==, 1);
  g_assert_cmpint (balance (f, f->warehouse), ==, 6);

  /* Nothing is written when one of the counts cannot be. */
  FlStockCountLine bad[] = { { f->part, 4 }, { f->part, 2000000000 } };
  g_assert_false (fl_stock_submit_count (f->db, f->warehouse, bad, G_N_ELEMENTS (bad), "li.na", &error));
  g_assert_nonnull (error);
  g_clear_error (&error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM stock_count"), ==, 1);

  g_assert_true (fl_stock_request_scrap (f->db, f->warehouse, f->part, 2, "SN-1", "Dropped", "li.na", &error));
  g_assert_no_error (error);
  g_assert_cmpint (fl_test_count (f->db, "SELECT count(*) FROM scrap_request WHERE qty = 2 AND serial = 'SN-1'"
                                         " AND reason = 'Dropped' AND status = 'pending'"), ==, 1);
  g_assert_cmpint (balance (f, f->warehouse), ==, 6);
}

/* Quantities read as words, one or many, never "1 pcs". */
static void
test_quantity_words (void)
{
  g_autofree char *one = fl_stock_format_quantity (1, "pcs");
  g_autofree char *four = fl_stock_format_quantity (4, "pc");
  g_autofree char *boxes = fl_stock_format_quantity (2, "box");
  g_autofree char *chinese = fl_stock_format_quantity (4, "个");
  g_assert_cmpstr (one, ==, "1 piece");
  g_assert_cmpstr (four, ==, "4 pieces");
  g_assert_cmpstr (boxes, ==, "2 boxes");
  g_assert_cmpstr (chinese, ==, "4 个");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/stock/quantity-words", test_quantity_words);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/stock/sequence", test_movement_sequence);
  ADD ("/stock/negative", test_negative_balance_allowed_and_flagged);
  ADD ("/stock/append-only", test_ledger_append_only);
  ADD ("/stock/forget", test_forgotten_movement_leaves_balance_consistent);
  ADD ("/stock/shapes", test_movement_shapes_checked);
  ADD ("/stock/balances", test_balances_and_alerts);
  ADD ("/stock/catalogue-and-history", test_catalogue_and_history);
  ADD ("/stock/alerts-agree", test_alerts_agree);
  ADD ("/stock/part-search", test_part_search_anywhere);
  ADD ("/stock/find-part-and-locations", test_find_part_and_locations);
  ADD ("/stock/count-and-scrap-request", test_count_and_scrap_request);
  return g_test_run ();
}
