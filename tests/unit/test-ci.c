#include "fl-test-util.h"

typedef struct {
  FlDb *db;
  char *dir;
  char *site, *server, *storage, *switch_;
} Fixture;

static char *
insert_ci (Fixture *f, const char *code, const char *name, const char *serial, const char *location)
{
  g_autofree char *json = g_strdup_printf ("{\"code\": \"%s\", \"name\": \"%s\", \"type\": \"server\","
                                           " \"site_id\": \"%s\", \"status\": \"in_use\", \"serial\": \"%s\","
                                           " \"location\": \"%s\"}", code, name, f->site, serial, location);
  return fl_test_insert (f->db, "ci", json);
}

static void
relate (Fixture *f, const char *from, const char *kind, const char *to)
{
  g_autofree char *json = g_strdup_printf ("{\"ci_id\": \"%s\", \"other_ci_id\": \"%s\", \"kind\": \"%s\"}",
                                           from, to, kind);
  g_free (fl_test_insert (f->db, "ci_relation", json));
}

static void
fixture_set_up (Fixture *f, gconstpointer data)
{
  f->db = fl_test_replica ("AAA", &f->dir);
  f->site = fl_test_insert_site (f->db);
  f->server = insert_ci (f, "SRV-01", "PACS server", "CN7731", "Room 2 rack A");
  f->storage = insert_ci (f, "SAN-01", "PACS storage", "HX-9", "Room 2 rack B");
  f->switch_ = insert_ci (f, "SW-01", "Core switch", "FOX-1", "Room 1");
  relate (f, f->server, "depends_on", f->storage);
  relate (f, f->server, "connected_to", f->switch_);
}

static void
fixture_tear_down (Fixture *f, gconstpointer data)
{
  g_object_unref (f->db);
  fl_test_remove_dir (f->dir);
  g_free (f->dir);
  g_free (f->site);
  g_free (f->server);
  g_free (f->storage);
  g_free (f->switch_);
}

static const char *
text (GPtrArray *rows, guint i, const char *column)
{
  return fl_record_get_string (g_ptr_array_index (rows, i), column);
}

/* Code, name, serial number or location, by code (the exact code first),
 * up to the limit. */
static void
test_search (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) pacs = fl_ci_search (f->db, "PACS", 10, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (pacs->len, ==, 2);
  g_assert_cmpstr (text (pacs, 0, "code"), ==, "SAN-01");
  g_assert_cmpstr (text (pacs, 1, "code"), ==, "SRV-01");
  g_assert_cmpstr (text (pacs, 1, "site_name"), ==, "First People's Hospital");
  g_assert_cmpstr (text (pacs, 1, "location"), ==, "Room 2 rack A");
  g_autoptr(GPtrArray) serial = fl_ci_search (f->db, "FOX", 10, &error);
  g_assert_cmpuint (serial->len, ==, 1);
  g_assert_cmpstr (text (serial, 0, "id"), ==, f->switch_);
  g_autoptr(GPtrArray) room = fl_ci_search (f->db, "Room 2", 10, &error);
  g_assert_cmpuint (room->len, ==, 2);
  g_autoptr(GPtrArray) first = fl_ci_search (f->db, "", 1, &error);
  g_assert_cmpuint (first->len, ==, 1);
  g_assert_cmpstr (text (first, 0, "code"), ==, "SAN-01");
  /* The CI whose code is the text comes before the others that mention it. */
  g_autofree char *nas = insert_ci (f, "NAS-02", "Backup NAS", "QN-2", "beside SRV-01");
  g_autoptr(GPtrArray) exact = fl_ci_search (f->db, "srv-01", 10, &error);
  g_assert_cmpuint (exact->len, ==, 2);
  g_assert_cmpstr (text (exact, 0, "code"), ==, "SRV-01");
  g_assert_cmpstr (text (exact, 1, "code"), ==, "NAS-02");
}

/* An item's own relations first, then those of others to it. */
static void
test_relations (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) server = fl_ci_list_relations (f->db, f->server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (server->len, ==, 2);
  g_assert_cmpstr (text (server, 0, "kind"), ==, "connected_to");
  g_assert_cmpstr (text (server, 0, "other_id"), ==, f->switch_);
  g_assert_cmpstr (text (server, 1, "kind"), ==, "depends_on");
  g_assert_cmpstr (text (server, 1, "code"), ==, "SAN-01");
  g_assert_cmpint (fl_record_get_int (g_ptr_array_index (server, 1), "outgoing", -1), ==, 1);

  g_autoptr(GPtrArray) storage = fl_ci_list_relations (f->db, f->storage, &error);
  g_assert_cmpuint (storage->len, ==, 1);
  g_assert_cmpstr (text (storage, 0, "other_id"), ==, f->server);
  g_assert_cmpint (fl_record_get_int (g_ptr_array_index (storage, 0), "outgoing", -1), ==, 0);
}

/* A proposed correction is a standard change that waits for approval and
 * shows in the history with the work orders of the item, newest first. */
static void
test_propose_and_history (Fixture *f, gconstpointer data)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *wo_json = g_strdup_printf (
      "{\"ref\": \"INC-1\", \"kind\": \"incident\", \"title\": \"PACS slow\", \"site_id\": \"%s\","
      " \"ci_id\": \"%s\", \"impact\": 2, \"urgency\": 2, \"status\": \"new\"}", f->site, f->server);
  g_autofree char *wo = fl_test_insert (f->db, "work_order", wo_json);
  g_autofree char *id = NULL;
  g_assert_true (fl_ci_propose_change (f->db, f->server, "location", "Room 2 rack A", "Room 3 rack C",
                                       "Moved in November", "eng_a", &id, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) proposal = fl_record_load (f->db, fl_schema_lookup ("change_record"), id, &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (proposal, "status"), ==, "requested");
  g_assert_cmpstr (fl_record_get_string (proposal, "kind"), ==, "standard");
  g_assert_cmpstr (fl_record_get_string (proposal, "site_id"), ==, f->site);
  g_assert_cmpstr (fl_record_get_string (proposal, "title"), ==, "Correct SRV-01: location");
  g_assert_true (g_str_has_prefix (fl_record_get_string (proposal, "ref"), "CHG-"));
  g_assert_cmpstr (fl_record_get_string (proposal, "by"), ==, "eng_a");
  JsonObject *change = json_object_get_object_member (json_object_get_object_member (proposal, "changes"), "location");
  g_assert_cmpstr (json_object_get_string_member (change, "from"), ==, "Room 2 rack A");
  g_assert_cmpstr (json_object_get_string_member (change, "to"), ==, "Room 3 rack C");

  g_autofree char *cleared_id = NULL;
  g_assert_true (fl_ci_propose_change (f->db, f->storage, "serial", NULL, NULL, "No plate", "eng_a", &cleared_id,
                                       &error));
  g_autoptr(GPtrArray) cleared = fl_ci_list_history (f->db, f->storage, &error);
  g_assert_cmpuint (cleared->len, ==, 1);
  g_assert_cmpstr (text (cleared, 0, "what"), ==, "change_record");
  g_autoptr(JsonObject) cleared_change = fl_record_load (f->db, fl_schema_lookup ("change_record"), cleared_id, &error);
  JsonObject *serial = json_object_get_object_member (json_object_get_object_member (cleared_change, "changes"), "serial");
  g_assert_true (json_object_get_null_member (serial, "to"));

  g_autoptr(GPtrArray) history = fl_ci_list_history (f->db, f->server, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (history->len, ==, 2);
  /* Both were written in the same instant: find each by what it is. */
  guint p = g_strcmp0 (text (history, 0, "what"), "change_record") == 0 ? 0 : 1;
  g_assert_cmpstr (text (history, p, "what"), ==, "change_record");
  g_assert_cmpstr (text (history, p, "detail"), ==, "standard");
  g_assert_cmpstr (text (history, p, "status"), ==, "requested");
  g_assert_cmpstr (text (history, 1 - p, "what"), ==, "work_order");
  g_assert_cmpstr (text (history, 1 - p, "target"), ==, wo);
  g_assert_cmpstr (text (history, 1 - p, "title"), ==, "INC-1 PACS slow");
  g_assert_cmpstr (text (history, 1 - p, "detail"), ==, "new");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
#define ADD(path, func) g_test_add (path, Fixture, NULL, fixture_set_up, func, fixture_tear_down)
  ADD ("/ci/search", test_search);
  ADD ("/ci/relations", test_relations);
  ADD ("/ci/propose-and-history", test_propose_and_history);
  return g_test_run ();
}
