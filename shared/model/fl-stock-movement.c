#include "fl-stock-movement.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"

G_DEFINE_QUARK (fl-stock-error-quark, fl_stock_error)

static const FlEnumName kind_names[] = {
  { "receive" }, { "issue" }, { "transfer" }, { "use" }, { "return" }, { "scrap" }, { "adjust" },
};
static const FlEnumTable kind_table = FL_ENUM_TABLE (kind_names, NULL);

FL_DEFINE_ENUM_NAMES (fl_movement_kind, FlMovementKind, kind_table)

gboolean
fl_stock_check_movement (FlMovementKind kind, const char *from, const char *to,
                         gint64 qty, GError **error)
{
  const char *name = fl_movement_kind_to_string (kind);
  gboolean needs_from = FALSE, needs_to = FALSE;

  if (qty <= 0)
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                   _("stock_movement.qty: a quantity must be more than zero"));
      return FALSE;
    }
  switch (kind)
    {
    case FL_MOVE_RECEIVE:
      needs_to = TRUE;
      break;
    case FL_MOVE_USE:
    case FL_MOVE_SCRAP:
      needs_from = TRUE;
      break;
    case FL_MOVE_ISSUE:
    case FL_MOVE_TRANSFER:
    case FL_MOVE_RETURN:
      needs_from = needs_to = TRUE;
      break;
    case FL_MOVE_ADJUST:
      if ((from == NULL) == (to == NULL))
        {
          g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                       _("stock_movement.to_location: an adjustment goes either into or out of one location"));
          return FALSE;
        }
      return TRUE;
    default:
      g_assert_not_reached ();
    }
  if (needs_from != (from != NULL))
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                   needs_from ? _("stock_movement.from_location: a %s needs the location the parts leave")
                              : _("stock_movement.from_location: a %s has no source location"),
                   name);
      return FALSE;
    }
  if (needs_to != (to != NULL))
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                   needs_to ? _("stock_movement.to_location: a %s needs the location the parts go to")
                            : _("stock_movement.to_location: a %s has no destination"),
                   name);
      return FALSE;
    }
  if (from != NULL && to != NULL && g_strcmp0 (from, to) == 0)
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_INVALID,
                   _("stock_movement.to_location: source and destination are the same location"));
      return FALSE;
    }
  return TRUE;
}

gboolean
fl_stock_check_serial (const char *serial, const char *from_location, const char *from_code,
                       const char *at, const char *at_code, GError **error)
{
  g_return_val_if_fail (serial != NULL, FALSE);
  if (from_location == NULL && at != NULL)
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_SERIAL,
                   _("Serial number %s is already in stock at %s: it cannot be received again."),
                   serial, at_code);
      return FALSE;
    }
  if (from_location != NULL && at == NULL)
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_SERIAL,
                   _("Serial number %s is not in stock at %s (nor anywhere else)."), serial, from_code);
      return FALSE;
    }
  if (from_location != NULL && g_strcmp0 (from_location, at) != 0)
    {
      g_set_error (error, FL_STOCK_ERROR, FL_STOCK_ERROR_SERIAL,
                   _("Serial number %s is at %s, not at %s: move it from where it is."),
                   serial, at_code, from_code);
      return FALSE;
    }
  return TRUE;
}

/* The units parts are counted in, by the codes the catalogue uses. */
static const char *
unit_words (const char *unit, gint64 qty)
{
  static const char * const pieces[] = { "pcs", "pc", "piece", NULL };
  static const char * const sets[] = { "set", "sets", NULL };
  static const char * const boxes[] = { "box", "boxes", NULL };
  if (g_strv_contains (pieces, unit))
    return g_dngettext (GETTEXT_PACKAGE, "%d piece", "%d pieces", qty);
  if (g_strv_contains (sets, unit))
    return g_dngettext (GETTEXT_PACKAGE, "%d set", "%d sets", qty);
  if (g_strv_contains (boxes, unit))
    return g_dngettext (GETTEXT_PACKAGE, "%d box", "%d boxes", qty);
  return NULL;
}

char *
fl_stock_format_quantity (gint64 qty, const char *unit)
{
  const char *words = unit != NULL ? unit_words (unit, qty) : NULL;
  if (words != NULL)
    return g_strdup_printf (words, (int) qty);
  return unit != NULL ? g_strdup_printf ("%" G_GINT64_FORMAT " %s", qty, unit)
                      : g_strdup_printf ("%" G_GINT64_FORMAT, qty);
}
