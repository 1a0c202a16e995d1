#include "fl-ci-lifecycle.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"

G_DEFINE_QUARK (fl-ci-error-quark, fl_ci_error)

static const FlEnumName ci_status_names[] = {
  { "ordered", NC_("ci status", "Ordered") },
  { "received", NC_("ci status", "Received") },
  { "testing", NC_("ci status", "Testing") },
  { "in_use", NC_("ci status", "In use") },
  { "changing", NC_("ci status", "Being changed") },
  { "removed", NC_("ci status", "Removed") },
  { "retired", NC_("ci status", "Retired") },
};
static const FlEnumTable ci_status_table = FL_ENUM_TABLE (ci_status_names, "ci status");

FL_DEFINE_ENUM_NAMES (fl_ci_status, FlCiStatus, ci_status_table)
FL_DEFINE_ENUM_LABELS (fl_ci_status, FlCiStatus, ci_status_table)

#define TO(s) (1u << (s))

/* The states each state may move to. */
static const guint next_states[FL_N_CI_STATUSES] = {
  [FL_CI_ORDERED]  = TO (FL_CI_RECEIVED) | TO (FL_CI_RETIRED),
  [FL_CI_RECEIVED] = TO (FL_CI_TESTING) | TO (FL_CI_RETIRED),
  [FL_CI_TESTING]  = TO (FL_CI_IN_USE) | TO (FL_CI_RECEIVED) | TO (FL_CI_REMOVED),
  [FL_CI_IN_USE]   = TO (FL_CI_CHANGING) | TO (FL_CI_REMOVED),
  [FL_CI_CHANGING] = TO (FL_CI_IN_USE) | TO (FL_CI_TESTING),
  [FL_CI_REMOVED]  = TO (FL_CI_TESTING) | TO (FL_CI_RETIRED),
  [FL_CI_RETIRED]  = 0,
};

gboolean
fl_ci_can_move (FlCiStatus from, FlCiStatus to)
{
  g_return_val_if_fail (from < FL_N_CI_STATUSES && to < FL_N_CI_STATUSES, FALSE);
  return from == to || (next_states[from] & TO (to)) != 0;
}

gboolean
fl_ci_check_move (const char *from, const char *to, GError **error)
{
  FlCiStatus before, after;
  if (!fl_ci_status_from_string (to, &after))
    {
      g_set_error (error, FL_CI_ERROR, FL_CI_ERROR_MOVE,
                   _("ci.status: “%s” is not a state of a configuration item"), to != NULL ? to : "");
      return FALSE;
    }
  if (from == NULL || !fl_ci_status_from_string (from, &before) || fl_ci_can_move (before, after))
    return TRUE;
  if (next_states[before] == 0)
    {
      g_set_error (error, FL_CI_ERROR, FL_CI_ERROR_MOVE,
                   _("ci.status: a retired item stays retired; record a new item instead of “%s”"),
                   fl_ci_status_get_label (after));
      return FALSE;
    }
  g_autoptr(GString) allowed = g_string_new (NULL);
  for (guint s = 0; s < FL_N_CI_STATUSES; s++)
    if (next_states[before] & TO (s))
      g_string_append_printf (allowed, "%s%s", allowed->len > 0 ? _(", ") : "",
                              fl_ci_status_get_label (s));
  /* Translators: "ci.status: an item that is In use cannot become Ordered;
   * it can become Being changed, Removed" */
  g_set_error (error, FL_CI_ERROR, FL_CI_ERROR_MOVE,
               _("ci.status: an item that is %s cannot become %s; it can become %s"),
               fl_ci_status_get_label (before), fl_ci_status_get_label (after), allowed->str);
  return FALSE;
}
