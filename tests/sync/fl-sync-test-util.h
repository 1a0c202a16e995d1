/* The sync tests' helpers: the test-support library (tests/support). */
#pragma once

#include "fl-test-sync.h"

/* Older names, for tests written against them. */
#define FL_SYNC_TEST_PASSWORD FL_TEST_PASSWORD
#define fl_sync_test_remove_tree fl_test_remove_tree
#define fl_sync_test_put fl_test_put
#define fl_sync_test_put_site(store, code) fl_test_put_site_with_coverage (store, code, "7x24")
#define fl_sync_test_add_user(s, login, role, site) fl_test_add_user ((s)->store, login, role, site)
#define fl_sync_test_new_replica fl_test_new_replica_file
#define fl_sync_test_count fl_test_count
