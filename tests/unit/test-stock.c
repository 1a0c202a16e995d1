#include "fl-test-util.h"

typedef struct {
  FlDb *db;
  char *dir;
  char *part;
  char *warehouse, *van, *site_store, *other_van;
} Fixture;

static char *
insert (FlDb *db, const char *table, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  char *id = NULL;
  g_assert_true (fl_changelog_insert (db, table, fields, &id, &error));
  g_assert_no_error (error);
  return id;
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("AAA", &f->dir);
  f->part = insert (f->db, "part", "{\"sku\": \"HDD-600G\", \"name\": \"600 GB SAS disk\", \"unit\": \"pc\", \"min_stock\": 2}");
  f->warehouse = insert (f->db, "stock_location", "{\"code\": \"WH1\", \"name\": \"Central store\", \"kind\": \"warehouse\"}");
  f->van = insert (f->db, "stock_location", "{\"code\": \"VAN1\", \"name\": \"Van 1\", \"kind\": \"van\", \"owner\": \"zhang.wei\"}");
  f->other_van = insert (f->db, "stock_location", "{\"code\": \"VAN2\", \"name\": \"Van 2\", \"kind\": \"van\"}");
  f->site_store = insert (f->db, "stock_location", "{\"code\": \"S1\", \"name\": \"Hospital store\", \"kind\": \"site\"}");
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->db);
  fl_test_remove_dir (f->dir);
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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, fn) g_test_add (path, Fixture, NULL, fixture_set_up, fn, fixture_tear_down)
  ADD ("/stock/sequence", test_movement_sequence);
  ADD ("/stock/negative", test_negative_balance_allowed_and_flagged);
  ADD ("/stock/append-only", test_ledger_append_only);
  ADD ("/stock/forget", test_forgotten_movement_leaves_balance_consistent);
  ADD ("/stock/shapes", test_movement_shapes_checked);
  return g_test_run ();
}
