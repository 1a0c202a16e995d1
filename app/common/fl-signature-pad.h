/* fl-signature-pad.h — the customer signs with a finger, pen or mouse; the
 * strokes are saved as a PNG. */
#pragma once

#include <gtk/gtk.h>

G_BEGIN_DECLS

#define FL_TYPE_SIGNATURE_PAD (fl_signature_pad_get_type ())
G_DECLARE_FINAL_TYPE (FlSignaturePad, fl_signature_pad, FL, SIGNATURE_PAD, GtkDrawingArea)

GtkWidget *fl_signature_pad_new (void);

void       fl_signature_pad_clear (FlSignaturePad *self);
gboolean   fl_signature_pad_is_empty (FlSignaturePad *self);
/* How many strokes were drawn, and points they have. */
guint      fl_signature_pad_get_n_strokes (FlSignaturePad *self);
guint      fl_signature_pad_get_n_points (FlSignaturePad *self);
/* Adds one stroke through `n_points` points (x, y pairs in widget
 * coordinates): what a drag draws. */
void       fl_signature_pad_add_stroke (FlSignaturePad *self, const double *xy, guint n_points);
/* The signature as a PNG of the pad's size (black on white). */
GBytes    *fl_signature_pad_to_png (FlSignaturePad *self, GError **error);

G_END_DECLS
