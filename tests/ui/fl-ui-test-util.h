/* The UI tests' helpers: the test-support library (tests/support), and
 * the window and session they drive. */
#pragma once

#include "fl-test-ui.h"

#include "fl-session.h"
#include "fl-window.h"

/* Older names, for tests written against them. */
#define fl_ui_test_remove_tree fl_test_remove_tree
#define fl_ui_test_count_rows fl_test_count
