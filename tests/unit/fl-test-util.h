/* The unit tests' helpers: the test-support library (tests/support). */
#pragma once

#include "fl-test-replica.h"

/* Older name, for tests written against it. */
#define fl_test_remove_dir fl_test_remove_tree
