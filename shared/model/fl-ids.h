/* fl-ids.h — row ids and human references.
 *
 * Row ids are UUIDv7 (RFC 9562): 48 bits of Unix milliseconds, then a
 * counter, then randomness, so ids sort by creation time and are strictly
 * increasing within one process even when the clock stalls or steps back.
 * Human references (INC-261122-K3F-0007) combine the type, the local date,
 * the device code the server gave at first sign-in and a per-device
 * sequence (fl-ref-sequence.h), so they are unique without a network. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* A new UUIDv7 as 36 lowercase characters. */
char     *fl_uuid7_new (void);
/* Fills `out` (37 bytes) without allocating. */
void      fl_uuid7_generate (char out[37]);
gboolean  fl_uuid_is_valid (const char *text);

/* Reference prefix for a table and, for work orders, its kind:
 * INC incident, REQ request, MNT maintenance, INS inspection round, PRB problem,
 * CHG change, AUD CMDB audit round. */
const char *fl_ref_prefix (const char *table, const char *kind);

G_END_DECLS
