/* The HTTP API tests' helpers: the test-support library (tests/support). */
#pragma once

#include "fl-test-api.h"

/* Older name, for tests written against it. */
#define fl_api_add_user(f, login, role, site) fl_test_add_user ((f)->t.store, login, role, site)
