/* fl-stock.h — the spare-parts ledger.
 *
 * Stock only ever changes by appending a movement.  Balances per (location,
 * part) are kept by triggers on the ledger table, so they equal the ledger
 * sum whichever way a movement arrives (posted here, pulled from the server,
 * or applied by the server itself).  A balance may go negative: a part used
 * offline is a fact, flagged for the clerk, never refused after the fact. */
#pragma once

#include "fl-db.h"

G_BEGIN_DECLS

#define FL_STOCK_ERROR (fl_stock_error_quark ())
typedef enum {
  FL_STOCK_ERROR_INVALID,  /* the movement's locations do not fit its kind */
} FlStockError;
GQuark fl_stock_error_quark (void);

typedef enum {
  FL_MOVE_RECEIVE,   /* into a location from outside (a supplier) */
  FL_MOVE_ISSUE,     /* warehouse -> van or site */
  FL_MOVE_TRANSFER,  /* location -> location */
  FL_MOVE_USE,       /* consumed on a job, out of a van or site */
  FL_MOVE_RETURN,    /* van or site -> warehouse */
  FL_MOVE_SCRAP,     /* written off (after approval) */
  FL_MOVE_ADJUST,    /* stocktake correction (after approval), in or out */
} FlMovementKind;

const char *fl_movement_kind_to_string (FlMovementKind kind);
gboolean    fl_movement_kind_from_string (const char *text, FlMovementKind *kind);

typedef struct {
  FlMovementKind kind;
  const char    *part_id;
  gint64         qty;            /* > 0 */
  const char    *from_location;  /* NULL where the kind has no source */
  const char    *to_location;    /* NULL where the kind has no destination */
  const char    *serial;
  const char    *work_order_id;
  const char    *supplier_ref;
  const char    *reason;
  const char    *by;
} FlStockMovement;

/* Checks which locations the kind needs (receive: to; use/scrap: from;
 * issue/transfer/return: both, different; adjust: exactly one). */
gboolean fl_stock_check_movement (FlMovementKind kind, const char *from_location,
                                  const char *to_location, gint64 qty, GError **error);

/* Posts a movement through the change log; returns its id. */
gboolean fl_stock_post (FlDb *db, const FlStockMovement *movement, char **out_id, GError **error);

/* The balance of one part at one location (0 when nothing moved yet). */
gint64   fl_stock_balance (FlDb *db, const char *location_id, const char *part_id, GError **error);

/* Number of (location, part) balances below zero. */
gint64   fl_stock_negative_count (FlDb *db, GError **error);

/* Recomputes every balance from the ledger and compares: FALSE with an error
 * naming the first difference.  (A check for tests and `fieldline-sync check`.) */
gboolean fl_stock_verify (FlDb *db, GError **error);

/* SQL for the balance table and the triggers that keep it; part of both the
 * replica's and the server's first migration. */
const char *fl_stock_schema_sql (void);

G_END_DECLS
