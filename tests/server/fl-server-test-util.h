/* The server tests' helpers: the test-support library (tests/support). */
#pragma once

#include "fl-test-store.h"
