/* fl-ref-sequence.h — a replica's next human reference
 * (INC-261122-K3F-0007, see fl-ids.h) from its per-device counters. */
#pragma once

#include "fl-db.h"
#include "fl-ids.h"

G_BEGIN_DECLS

/* Takes the next number of `prefix` for this device from the replica (in
 * the caller's transaction) and formats the reference for the local date
 * of `at_usec`.  The device code is read from the replica's meta table. */
char     *fl_ref_next (FlDb *db, const char *prefix, gint64 at_usec, GError **error);

#define FL_META_DEVICE_CODE "device_code"

G_END_DECLS
