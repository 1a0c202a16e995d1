/* fl-stock-movement.h — what a movement of the spare-parts ledger is: its
 * kinds and the locations each kind needs.  The ledger itself is
 * fl-stock-ledger.h (SQL) and fl-stock.h (posting from a replica). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_STOCK_ERROR (fl_stock_error_quark ())
typedef enum {
  FL_STOCK_ERROR_INVALID,  /* the movement's locations do not fit its kind */
  FL_STOCK_ERROR_SERIAL,   /* the serial number is not where the movement takes it from */
} FlStockError;
GQuark fl_stock_error_quark (void);

/* A quantity of a part in words: "1 piece", "4 pieces", "2 boxes"; a unit
 * the table does not know as written ("4 个"). */
char  *fl_stock_format_quantity (gint64 qty, const char *unit);

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

/* A serial number is in exactly one place.  `at` is where the ledger has it
 * now (NULL: not in stock): a movement from a location needs it there, a
 * receipt (no source) needs it nowhere in stock.  `from_code` and `at_code`
 * name the places in the error. */
gboolean fl_stock_check_serial (const char *serial, const char *from_location, const char *from_code,
                                const char *at, const char *at_code, GError **error);

G_END_DECLS
