#include "fl-filter-chip.h"

void
fl_filter_chip_announce_state (GtkToggleButton *chip)
{
  g_return_if_fail (GTK_IS_TOGGLE_BUTTON (chip));
  gtk_accessible_update_state (GTK_ACCESSIBLE (chip), GTK_ACCESSIBLE_STATE_PRESSED,
                               gtk_toggle_button_get_active (chip) ? GTK_ACCESSIBLE_TRISTATE_TRUE
                                                                   : GTK_ACCESSIBLE_TRISTATE_FALSE,
                               -1);
}
