/* CSV import of master data: all lines or none, errors that name the line
 * and the field, references by natural key, re-imports that update. */
#include "fl-server-test-util.h"

#include "fl-import.h"
#include "fl-work-order-sla.h"

static const char sites_csv[] =
  "\xef\xbb\xbf" "code,name,address,time_zone,coverage\r\n"
  "HOSP1,First People's Hospital,\"1 Jiefang Road, Hangzhou\",Asia/Shanghai,7x24\r\n"
  "HOSP2,\"Children's Hospital \"\"East\"\"\",,Asia/Shanghai,5x9\r\n"
  "\r\n"
  "CLINIC3,社区卫生服务中心,\"Building 3\nFloor 2\",Asia/Shanghai,7x9\r\n";

static void
import_ok (FlStore *store, FlImportKind kind, const char *csv, guint inserted, guint updated)
{
  g_autoptr(GError) error = NULL;
  FlImportResult result = { 0 };
  g_assert_true (fl_import_csv (store, kind, csv, -1, "admin", &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.inserted, ==, inserted);
  g_assert_cmpuint (result.updated, ==, updated);
  fl_import_result_clear (&result);
}

static void
test_import_sites_and_cis (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const FlTable *site_table = fl_schema_lookup ("site");

  import_ok (t.store, FL_IMPORT_SITES, sites_csv, 3, 0);
  g_autoptr(JsonObject) hosp2 = fl_store_find_row (t.store, site_table, "code", "HOSP2", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (hosp2, "name"), ==, "Children's Hospital \"East\"");
  g_autoptr(JsonObject) clinic = fl_store_find_row (t.store, site_table, "code", "CLINIC3", &error);
  g_assert_cmpstr (fl_record_get_string (clinic, "address"), ==, "Building 3\nFloor 2");
  g_assert_cmpstr (fl_record_get_string (clinic, "name"), ==, "社区卫生服务中心");

  /* CIs name their site by its code. */
  import_ok (t.store, FL_IMPORT_CIS,
             "code,name,type,site,status,warranty_until\n"
             "SRV-001,HIS database,server,HOSP1,in_use,2027-06-30\n"
             "SW-CORE,Core switch,network switch,HOSP2,in_use,\n", 2, 0);
  g_autoptr(JsonObject) ci = fl_store_find_row (t.store, fl_schema_lookup ("ci"), "code", "SW-CORE", &error);
  g_assert_cmpstr (fl_record_get_string (ci, "site_id"), ==, fl_record_get_string (hosp2, "id"));

  /* A second import of the same codes updates them. */
  import_ok (t.store, FL_IMPORT_SITES, "code,name,time_zone,coverage\nHOSP2,Children's Hospital,Asia/Shanghai,7x24\n", 0, 1);
  g_autoptr(JsonObject) updated = fl_store_find_row (t.store, site_table, "code", "HOSP2", &error);
  g_assert_cmpstr (fl_record_get_string (updated, "coverage"), ==, "7x24");
  g_assert_cmpint (fl_record_get_int (updated, "version", 0), ==, 2);
  g_assert_cmpint (fl_store_count_rows (t.store, site_table, NULL), ==, 3);

  /* Every imported row is in the change log, for clients to pull, with
   * the change that recorded each CI. */
  g_autoptr(GPtrArray) changes = fl_store_changes_since (t.store, 0, 100, NULL, NULL, NULL, &error);
  g_assert_cmpuint (changes->len, ==, 7);
  fl_test_store_close (&t);
}

/* CI fields change only through changes: each CI an import adds or
 * changes is recorded as an implemented standard change of that CI, by
 * whoever imported it, with each field from and to; a line that changes
 * nothing records nothing. */
static void
test_import_records_ci_changes (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *site = fl_test_put_site (t.store, "HOSP1");
  import_ok (t.store, FL_IMPORT_CIS, "code,name,type,site,status,location\n"
                                     "SRV-001,HIS database,server,HOSP1,in_use,Room 3\n", 1, 0);
  g_autoptr(JsonObject) ci = fl_store_find_row (t.store, fl_schema_lookup ("ci"), "code", "SRV-001", &error);
  g_assert_no_error (error);
  const FlTable *change_table = fl_schema_lookup ("change_record");
  g_autoptr(JsonObject) added = fl_store_find_row (t.store, change_table, "ci_id",
                                                   fl_record_get_string (ci, "id"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (added, "kind"), ==, "standard");
  g_assert_cmpstr (fl_record_get_string (added, "status"), ==, "implemented");
  g_assert_cmpstr (fl_record_get_string (added, "by"), ==, "admin");
  g_assert_cmpstr (fl_record_get_string (added, "site_id"), ==, site);
  g_assert_nonnull (fl_record_get_string (added, "at"));
  JsonObject *set = json_object_get_object_member (json_object_get_object_member (added, "changes"), "location");
  g_assert_true (json_object_get_null_member (set, "from"));
  g_assert_cmpstr (json_object_get_string_member (set, "to"), ==, "Room 3");

  /* Moving it records the move, from and to; the same line again records nothing. */
  const char *moved = "code,name,type,site,status,location\nSRV-001,HIS database,server,HOSP1,in_use,Room 5\n";
  import_ok (t.store, FL_IMPORT_CIS, moved, 0, 1);
  import_ok (t.store, FL_IMPORT_CIS, moved, 0, 1);
  g_autofree char *count_sql = g_strdup_printf (
      "SELECT count(*) FROM change_record WHERE ci_id = '%s' AND kind = 'standard' AND status = 'implemented'",
      fl_record_get_string (ci, "id"));
  g_assert_cmpint (fl_test_store_count (t.store, count_sql), ==, 2);
  g_autofree char *move_sql = g_strdup_printf (
      "SELECT count(*) FROM change_record WHERE ci_id = '%s' AND changes LIKE '%%\"location\"%%Room 3%%Room 5%%'"
      " AND changes NOT LIKE '%%\"name\"%%'", fl_record_get_string (ci, "id"));
  g_assert_cmpint (fl_test_store_count (t.store, move_sql), ==, 1);
  fl_test_store_close (&t);
}

static void
import_fails (FlStore *store, FlImportKind kind, const char *csv, guint line, const char *field,
              int code)
{
  g_autoptr(GError) error = NULL;
  FlImportResult result = { 0 };
  gint64 seq = fl_store_last_seq (store, NULL);
  g_assert_false (fl_import_csv (store, kind, csv, -1, "admin", &result, &error));
  g_assert_error (error, FL_IMPORT_ERROR, code);
  g_test_message ("%s", error->message);
  g_assert_cmpuint (result.error_line, ==, line);
  g_assert_cmpstr (result.error_field, ==, field);
  g_autofree char *line_text = g_strdup_printf ("line %u", line);
  g_assert_nonnull (strstr (error->message, line_text));
  if (field != NULL)
    g_assert_nonnull (strstr (error->message, field));
  g_assert_cmpuint (result.inserted, ==, 0);
  /* Nothing was written. */
  g_assert_cmpint (fl_store_last_seq (store, NULL), ==, seq);
  fl_import_result_clear (&result);
}

static void
test_import_bad_line (void)
{
  FlTestStore t = { 0 };
  fl_test_store_open (&t);

  /* Line 4 has a coverage that does not exist: lines 2 and 3 are not kept. */
  import_fails (t.store, FL_IMPORT_SITES,
                "code,name,time_zone,coverage\n"
                "HOSP1,First,Asia/Shanghai,7x24\n"
                "HOSP2,Second,Asia/Shanghai,5x9\n"
                "HOSP3,Third,Asia/Shanghai,5x8\n", 4, "coverage", FL_IMPORT_ERROR_INVALID);
  g_assert_cmpint (fl_store_count_rows (t.store, fl_schema_lookup ("site"), NULL), ==, 0);

  import_fails (t.store, FL_IMPORT_SITES,
                "code,name,time_zone\nHOSP1,First,Asia/Shanghai\n", 2, "coverage", FL_IMPORT_ERROR_INVALID);
  import_fails (t.store, FL_IMPORT_SITES,
                "code,name,colour\n", 1, "colour", FL_IMPORT_ERROR_COLUMN);
  import_fails (t.store, FL_IMPORT_SITES,
                "name,time_zone,coverage\nFirst,Asia/Shanghai,7x24\n", 1, "code", FL_IMPORT_ERROR_COLUMN);
  import_fails (t.store, FL_IMPORT_SITES,
                "code,name,time_zone,coverage\nHOSP1,First,Asia/Shanghai\n", 2, NULL, FL_IMPORT_ERROR_SYNTAX);
  import_fails (t.store, FL_IMPORT_SITES,
                "code,name,time_zone,coverage\nHOSP1,\"First,Asia/Shanghai,7x24\n", 2, NULL, FL_IMPORT_ERROR_SYNTAX);

  import_ok (t.store, FL_IMPORT_SITES, "code,name,time_zone,coverage\nHOSP1,First,Asia/Shanghai,7x24\n", 1, 0);
  import_fails (t.store, FL_IMPORT_CIS,
                "code,name,type,site,status\n"
                "SRV-1,HIS,server,HOSP1,in_use\n"
                "SRV-2,PACS,server,HOSP9,in_use\n", 3, "site", FL_IMPORT_ERROR_INVALID);
  import_fails (t.store, FL_IMPORT_PARTS,
                "sku,name,unit,min_stock\nPSU-1,PSU,pcs,five\n", 2, "min_stock", FL_IMPORT_ERROR_INVALID);
  import_fails (t.store, FL_IMPORT_PARTS,
                "sku,name,unit,min_stock\nPSU-1,PSU,pcs,-1\n", 2, "min_stock", FL_IMPORT_ERROR_INVALID);
  fl_test_store_close (&t);
}

static void
test_import_parts_locations_users (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  import_ok (t.store, FL_IMPORT_SITES, sites_csv, 3, 0);
  import_ok (t.store, FL_IMPORT_PARTS,
             "sku,name,model,unit,min_stock,serial_tracked\n"
             "PSU-550,Power supply 550 W,DPS-550,pcs,4,no\n"
             "HDD-2T,Hard disk 2 TB,ST2000,pcs,10,yes\n", 2, 0);
  g_autoptr(JsonObject) disk = fl_store_find_row (t.store, fl_schema_lookup ("part"), "sku", "HDD-2T", &error);
  g_assert_true (fl_record_get_bool (disk, "serial_tracked"));
  g_assert_cmpint (fl_record_get_int (disk, "min_stock", 0), ==, 10);

  import_ok (t.store, FL_IMPORT_LOCATIONS,
             "code,name,kind,site,owner\n"
             "WH-MAIN,Central warehouse,warehouse,,\n"
             "WH-H1,Hospital 1 store,warehouse,HOSP1,\n", 2, 0);

  FlImportResult result = { 0 };
  g_assert_true (fl_import_csv (t.store, FL_IMPORT_USERS,
                                "login,display_name,role,sites,password\n"
                                "liwei,李伟,engineer,HOSP1;HOSP2,correct horse\n"
                                "zhangmin,张敏 Zhang Min,supervisor,,\n", -1, "admin", &result, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (result.inserted, ==, 2);
  g_assert_cmpuint (result.generated->len, ==, 1);
  g_assert_true (g_str_has_prefix (result.generated->pdata[0], "zhangmin "));
  g_autofree char *generated = g_strdup (strchr (result.generated->pdata[0], ' ') + 1);
  fl_import_result_clear (&result);

  g_autoptr(JsonObject) liwei = fl_accounts_find_user (t.store, "liwei", &error);
  g_auto(GStrv) sites = fl_accounts_user_sites (liwei);
  g_assert_cmpuint (g_strv_length (sites), ==, 2);
  g_autoptr(FlLoginResult) a = fl_accounts_login (t.store, "liwei", "correct horse", "x", NULL, "p", NULL, &error);
  g_assert_no_error (error);
  g_autoptr(FlLoginResult) b = fl_accounts_login (t.store, "zhangmin", generated, "x", NULL, "p", NULL, &error);
  g_assert_no_error (error);

  import_fails (t.store, FL_IMPORT_USERS,
                "login,display_name,role,sites,password\n"
                "wangfang,王芳,clerk,,long enough\n"
                "chenjie,陈杰,janitor,,long enough\n", 3, "role", FL_IMPORT_ERROR_INVALID);
  import_fails (t.store, FL_IMPORT_USERS,
                "login,display_name,role,sites,password\nwangfang,王芳,clerk,,short\n",
                2, "password", FL_IMPORT_ERROR_INVALID);
  g_autoptr(JsonObject) none = fl_accounts_find_user (t.store, "wangfang", NULL);
  g_assert_null (none);

  /* A re-import changes the role and keeps the password. */
  import_ok (t.store, FL_IMPORT_USERS, "login,display_name,role\nliwei,李伟,supervisor\n", 0, 1);
  g_autoptr(JsonObject) promoted = fl_accounts_find_user (t.store, "liwei", &error);
  g_assert_cmpstr (fl_record_get_string (promoted, "role"), ==, "supervisor");
  g_autoptr(FlLoginResult) c = fl_accounts_login (t.store, "liwei", "correct horse", "x", NULL, "p", NULL, &error);
  g_assert_no_error (error);
  fl_test_store_close (&t);
}

static void
test_import_file (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  g_autofree char *path = g_build_filename (t.dir, "sites.csv", NULL);
  g_file_set_contents (path, sites_csv, -1, &error);
  g_assert_no_error (error);
  FlImportResult result = { 0 };
  g_assert_true (fl_import_file (t.store, FL_IMPORT_SITES, path, "admin", &result, &error));
  g_assert_cmpuint (result.inserted, ==, 3);
  fl_import_result_clear (&result);
  g_autofree char *missing = g_build_filename (t.dir, "missing.csv", NULL);
  g_assert_false (fl_import_file (t.store, FL_IMPORT_SITES, missing, "admin", &result, &error));
  g_assert_error (error, FL_IMPORT_ERROR, FL_IMPORT_ERROR_IO);
  fl_import_result_clear (&result);
  fl_test_store_close (&t);
}

static gboolean
collect_row (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  g_ptr_array_add (user_data, json_object_ref (row));
  return TRUE;
}

/* A policy's key is its site, service and priority: a re-import of the
 * same three updates, another service or site is a row of its own. */
static void
test_import_policies (void)
{
  FlTestStore t = { 0 };
  g_autoptr(GError) error = NULL;
  fl_test_store_open (&t);
  const FlTable *policies = fl_schema_lookup ("sla_policy");
  import_ok (t.store, FL_IMPORT_SITES, sites_csv, 3, 0);
  import_ok (t.store, FL_IMPORT_POLICIES,
             "site,catalogue,priority,response_minutes,resolve_minutes\n"
             ",,high,1440,2880\n"
             "HOSP1,,high,600,1200\n"
             "HOSP1,HIS core,high,30,240\n"
             ",HIS core,high,60,480\n", 4, 0);
  /* The same site, service and priority: changed, not added. */
  import_ok (t.store, FL_IMPORT_POLICIES,
             "site,catalogue,priority,response_minutes,resolve_minutes\n"
             "HOSP1,HIS core,high,20,200\n"
             ",,high,1200,2400\n", 0, 2);
  g_assert_cmpint (fl_store_count_rows (t.store, policies, NULL), ==, 4);

  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  fl_store_foreach_row (t.store, policies, NULL, collect_row, rows, &error);
  g_assert_no_error (error);
  g_autoptr(JsonObject) hosp1 = fl_store_find_row (t.store, fl_schema_lookup ("site"), "code", "HOSP1", &error);
  g_autoptr(JsonObject) hosp2 = fl_store_find_row (t.store, fl_schema_lookup ("site"), "code", "HOSP2", &error);
  FlSlaChoice choice;
  /* HIS at HOSP1: its own row (20 / 200) is shorter than every site's (60 / 480). */
  fl_work_order_choose_policy (fl_record_get_string (hosp1, "id"), "HIS core", rows, &choice);
  g_assert_cmpint (choice.policy.response_minutes[FL_PRIORITY_HIGH], ==, 20);
  g_assert_cmpint (choice.policy.resolve_minutes[FL_PRIORITY_HIGH], ==, 200);
  /* HIS at HOSP2: every site's HIS row (60 / 480) beats the default (1200 / 2400). */
  fl_work_order_choose_policy (fl_record_get_string (hosp2, "id"), "HIS core", rows, &choice);
  g_assert_cmpint (choice.policy.response_minutes[FL_PRIORITY_HIGH], ==, 60);
  /* Other work at HOSP2: the default for every site, as re-imported. */
  fl_work_order_choose_policy (fl_record_get_string (hosp2, "id"), NULL, rows, &choice);
  g_assert_cmpint (choice.policy.response_minutes[FL_PRIORITY_HIGH], ==, 1200);

  /* All or nothing: a bad priority on line 3 leaves line 2 unsaved too. */
  FlImportResult result = { 0 };
  g_assert_false (fl_import_csv (t.store, FL_IMPORT_POLICIES,
                                 "site,catalogue,priority,response_minutes,resolve_minutes\n"
                                 "HOSP2,,low,100,200\n"
                                 "HOSP2,,urgent,10,20\n", -1, "admin", &result, &error));
  g_assert_error (error, FL_IMPORT_ERROR, FL_IMPORT_ERROR_INVALID);
  g_assert_cmpuint (result.error_line, ==, 3);
  g_assert_cmpstr (result.error_field, ==, "priority");
  fl_import_result_clear (&result);
  g_assert_cmpint (fl_store_count_rows (t.store, policies, NULL), ==, 4);
  fl_test_store_close (&t);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/import/sites-and-cis", test_import_sites_and_cis);
  g_test_add_func ("/import/records-ci-changes", test_import_records_ci_changes);
  g_test_add_func ("/import/bad-line", test_import_bad_line);
  g_test_add_func ("/import/parts-locations-users", test_import_parts_locations_users);
  g_test_add_func ("/import/file", test_import_file);
  g_test_add_func ("/import/policies", test_import_policies);
  return g_test_run ();
}
