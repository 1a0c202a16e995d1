/* fl-migrate.h — moving a whole store into another (fieldline-sync
 * migrate --from PATH.db --to postgresql://…): every model row as it is
 * (versions and times kept), the change log with its seqs and the store's
 * id (so clients' cursors stay valid), accounts, devices, tokens, stored
 * results, the audit log and sign-in attempts; verified by counts and
 * checksums before the copy commits. */
#pragma once

#include "fl-blobs.h"
#include "fl-store.h"

G_BEGIN_DECLS

#define FL_MIGRATE_ERROR (fl_migrate_error_quark ())
typedef enum {
  FL_MIGRATE_ERROR_NOT_EMPTY,  /* the target already holds data */
  FL_MIGRATE_ERROR_MISMATCH,   /* a count or checksum differs after the copy */
} FlMigrateError;
GQuark fl_migrate_error_quark (void);

/* One table's count and checksum: the SHA-256 of each record's canonical
 * JSON, added up in four 64-bit lanes, so the order rows come in does not
 * matter and neither does how a backend spells a value. */
typedef struct {
  const char *table;
  gint64      count;
  char       *checksum;  /* 64 hex digits */
} FlMigrateTally;

void       fl_migrate_tally_free (FlMigrateTally *tally);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMigrateTally, fl_migrate_tally_free)

/* The tallies of every model and server table of `store`, as FlMigrateTally*. */
GPtrArray *fl_migrate_tally (FlStore *store, GError **error);

/* Copies everything of `from` into `to`, which must hold nothing yet, in
 * one transaction of `to` that commits only when every tally is equal.
 * Returns the tallies. */
GPtrArray *fl_migrate_copy (FlStore *from, FlStore *to, GError **error);

/* Copies every blob of `from` into `to`, each checked against its hash;
 * the number copied in `n_copied`. */
gboolean   fl_migrate_blobs (FlBlobs *from, FlBlobs *to, guint *n_copied, GError **error);

G_END_DECLS
