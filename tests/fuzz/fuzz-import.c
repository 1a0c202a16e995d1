/* CSV import of master data (sync-server/fl-import.c): the input is
 * "<kind>\n<csv>", kind being sites, cis, parts, locations or users, into a
 * store in a temporary directory that already holds a few sites, parts
 * and locations for the rows to refer to and update.  Each input's import
 * is rolled back, so every input meets the same store.
 *
 * A refused file comes with an import error the admin can act on.  An
 * accepted file, imported again, only updates: every row it names by its
 * natural key exists now. */
#include <glib/gstdio.h>

#include "fl-accounts.h"
#include "fl-fuzz.h"
#include "fl-import.h"
#include "fl-store.h"

static const struct {
  FlImportKind kind;
  const char  *csv;
} seed_data[] = {
  { FL_IMPORT_SITES, "code,name,time_zone,coverage\n"
                     "HOSP1,First People's Hospital,Asia/Shanghai,7x24\n"
                     "CLINIC3,社区卫生服务中心,Asia/Shanghai,5x9\n" },
  { FL_IMPORT_PARTS, "sku,name,unit\nPSU-750,750 W power supply,pcs\n" },
  { FL_IMPORT_LOCATIONS, "code,name,kind,site\nWH-MAIN,Main warehouse,warehouse,HOSP1\n" },
  { FL_IMPORT_USERS, "login,display_name,role,sites,password\nliwei,李伟,engineer,HOSP1,fieldline-demo\n" },
};

static char *store_dir;

static void
remove_store (void)
{
  g_autoptr(GDir) dir = g_dir_open (store_dir, 0, NULL);
  const char *name;
  while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
    {
      g_autofree char *path = g_build_filename (store_dir, name, NULL);
      g_remove (path);
    }
  g_rmdir (store_dir);
}

static FlStore *
seeded_store (void)
{
  static FlStore *store;
  if (store != NULL)
    return store;
  g_autoptr(GError) error = NULL;
  fl_accounts_set_hash_limits_for_testing (TRUE);
  store_dir = g_dir_make_tmp ("fieldline-fuzz-import-XXXXXX", &error);
  g_assert_no_error (error);
  atexit (remove_store);
  g_autofree char *path = g_build_filename (store_dir, "server.db", NULL);
  store = fl_store_open (path, &error);
  g_assert_no_error (error);
  for (guint i = 0; i < G_N_ELEMENTS (seed_data); i++)
    {
      FlImportResult result = { 0 };
      fl_import_csv (store, seed_data[i].kind, seed_data[i].csv, -1, "admin", &result, &error);
      g_assert_no_error (error);
      fl_import_result_clear (&result);
    }
  return store;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *kind_name = NULL;
  const char *csv;
  gsize csv_size;
  FlImportKind kind;
  if (!fl_fuzz_split_line (data, size, &kind_name, &csv, &csv_size) ||
      !fl_import_kind_from_string (kind_name, &kind))
    return 0;

  FlStore *store = seeded_store ();
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_store_begin (store, &error));
  FlImportResult first = { 0 }, second = { 0 };
  if (!fl_import_csv (store, kind, csv, csv_size, "admin", &first, &error))
    fl_fuzz_check_refusal (error, FL_IMPORT_ERROR);
  else
    {
      g_assert_no_error (error);
      g_assert_true (fl_import_csv (store, kind, csv, csv_size, "admin", &second, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (second.inserted, ==, 0);
      g_assert_cmpuint (second.updated, ==, first.inserted + first.updated);
    }
  fl_store_rollback (store);
  fl_import_result_clear (&first);
  fl_import_result_clear (&second);
  return 0;
}
