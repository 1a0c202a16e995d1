/* Test support for the server's store: a store in a temporary directory,
 * rows of the model put in it and people who can sign in. */
#pragma once

#include "fl-ids.h"
#include "fl-record-store.h"
#include "fl-schema.h"
#include "fl-stock-ledger.h"
#include "fl-test-db.h"
#include "fl-time.h"

#include "fl-accounts.h"
#include "fl-sqlite-store-db.h"
#include "fl-store.h"

G_BEGIN_DECLS

/* Every test user's password. */
#define FL_TEST_PASSWORD "password-of-test"

typedef struct {
  char    *dir;
  char    *path;
  FlStore *store;
} FlTestStore;

/* A new empty store in a fresh temporary directory (`out_dir`): the file
 * "server.db" in it, or a new database on the test cluster under
 * FL_TEST_STORE=postgresql; its location (fl_store_open) in `out_path`.
 * Password hashing is made cheap so tests run fast. */
FlStore *fl_test_store_new (char **out_dir, char **out_path);

/* fl_test_store_new into `t`, and undoing it (the directory removed). */
void     fl_test_store_open (FlTestStore *t);
void     fl_test_store_close (FlTestStore *t);

/* Whether the tests run against PostgreSQL (FL_TEST_STORE=postgresql, set
 * by tests/support/with-postgresql.sh) instead of SQLite files. */
gboolean fl_test_store_is_postgresql (void);
/* The location of a new PostgreSQL database with nothing in it (not even
 * the schema) on the test cluster, named after `dir`: where a dump is
 * restored.  fl_test_store_drop removes it. */
char    *fl_test_store_new_empty (const char *dir);
/* Removes the database of a location fl_test_store_new made (a SQLite
 * file goes with its directory). */
void     fl_test_store_drop (const char *location);
/* The number the query `sql` (one row, one column, SQL both stores
 * speak) answers on the store's database. */
gint64   fl_test_store_count (FlStore *store, const char *sql);
/* Runs the statements `sql` on the store's database (failing the test
 * when they fail). */
void     fl_test_store_exec (FlStore *store, const char *sql);

/* Validates `fields` as a new row of `table_name`, gives it an id and puts
 * it in the store; returns the id. */
char    *fl_test_put (FlStore *store, const char *table_name, JsonObject *fields);

/* A site named and coded `code` with the given coverage ("5x9", "7x24"). */
char    *fl_test_put_site_with_coverage (FlStore *store, const char *code, const char *coverage);
/* The same, covered on working days ("5x9"). */
char    *fl_test_put_site (FlStore *store, const char *code);
/* A new incident at `site_id`. */
char    *fl_test_put_work_order (FlStore *store, const char *site_id, const char *ref);
/* An order of `kind` assigned to `assignee` at `site_id`, recorded at
 * `created` (usec) with its priority and due times derived by the model
 * from the site's calendar and the standard targets. */
char    *fl_test_put_derived_work_order (FlStore *store, const char *site_id, const char *ref,
                                         const char *kind, int impact, int urgency,
                                         const char *assignee, gint64 created);

/* A user with FL_TEST_PASSWORD, at `site` (NULL: every site). */
void     fl_test_add_user (FlStore *store, const char *login, const char *role, const char *site);

G_END_DECLS
