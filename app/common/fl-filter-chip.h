/* fl-filter-chip.h — toggle buttons that narrow a list ("Mine", "Alerts
 * Only").  They carry the style class "filter-chip" (style.css tints one
 * that is on); this tells assistive technologies their state from the
 * start: GTK 4.8 reports "pressed" only after the first toggle. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

void fl_filter_chip_announce_state (GtkToggleButton *chip);

G_END_DECLS
