#include "fl-signature-pad.h"

#include <glib/gi18n-lib.h>
#include <math.h>

struct _FlSignaturePad
{
  GtkDrawingArea  parent_instance;
  GArray         *points;   /* graphene_point_t; a NaN x ends a stroke */
  double          start_x, start_y;
};

G_DEFINE_FINAL_TYPE (FlSignaturePad, fl_signature_pad, GTK_TYPE_DRAWING_AREA)

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

#define PAD_WIDTH 360
#define PAD_HEIGHT 140

static void
end_stroke (FlSignaturePad *self)
{
  graphene_point_t end = { NAN, NAN };
  if (self->points->len > 0 && !isnan (g_array_index (self->points, graphene_point_t, self->points->len - 1).x))
    g_array_append_val (self->points, end);
}

static void
add_point (FlSignaturePad *self, double x, double y)
{
  graphene_point_t point = { x, y };
  g_array_append_val (self->points, point);
}

static void
draw_strokes (FlSignaturePad *self, cairo_t *cr, int width, int height)
{
  cairo_set_source_rgb (cr, 1, 1, 1);
  cairo_paint (cr);
  cairo_set_source_rgb (cr, 0.1, 0.1, 0.2);
  cairo_set_line_width (cr, 2.5);
  cairo_set_line_cap (cr, CAIRO_LINE_CAP_ROUND);
  cairo_set_line_join (cr, CAIRO_LINE_JOIN_ROUND);
  gboolean pen_down = FALSE;
  for (guint i = 0; i < self->points->len; i++)
    {
      graphene_point_t *p = &g_array_index (self->points, graphene_point_t, i);
      if (isnan (p->x))
        {
          pen_down = FALSE;
          continue;
        }
      if (pen_down)
        cairo_line_to (cr, p->x, p->y);
      else
        {
          cairo_move_to (cr, p->x, p->y);
          cairo_line_to (cr, p->x + 0.1, p->y);  /* a dot is a stroke too */
        }
      pen_down = TRUE;
    }
  cairo_stroke (cr);
}

static void
draw_cb (GtkDrawingArea *area, cairo_t *cr, int width, int height, gpointer user_data)
{
  FlSignaturePad *self = FL_SIGNATURE_PAD (area);
  draw_strokes (self, cr, width, height);
  if (self->points->len == 0)
    {
      /* A baseline to sign on. */
      cairo_set_source_rgba (cr, 0, 0, 0, 0.25);
      cairo_set_line_width (cr, 1);
      cairo_move_to (cr, 16, height - 28.5);
      cairo_line_to (cr, width - 16, height - 28.5);
      cairo_stroke (cr);
    }
}

static void
drag_begin_cb (GtkGestureDrag *gesture, double x, double y, FlSignaturePad *self)
{
  self->start_x = x;
  self->start_y = y;
  end_stroke (self);
  add_point (self, x, y);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_update_cb (GtkGestureDrag *gesture, double dx, double dy, FlSignaturePad *self)
{
  add_point (self, self->start_x + dx, self->start_y + dy);
  gtk_widget_queue_draw (GTK_WIDGET (self));
}

static void
drag_end_cb (GtkGestureDrag *gesture, double dx, double dy, FlSignaturePad *self)
{
  end_stroke (self);
  g_signal_emit (self, signals[CHANGED], 0);
}

void
fl_signature_pad_add_stroke (FlSignaturePad *self, const double *xy, guint n_points)
{
  end_stroke (self);
  for (guint i = 0; i < n_points; i++)
    add_point (self, xy[2 * i], xy[2 * i + 1]);
  end_stroke (self);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

void
fl_signature_pad_clear (FlSignaturePad *self)
{
  g_array_set_size (self->points, 0);
  gtk_widget_queue_draw (GTK_WIDGET (self));
  g_signal_emit (self, signals[CHANGED], 0);
}

gboolean
fl_signature_pad_is_empty (FlSignaturePad *self)
{
  return self->points->len == 0;
}

static cairo_status_t
append_png (void *closure, const unsigned char *data, unsigned int length)
{
  g_byte_array_append (closure, data, length);
  return CAIRO_STATUS_SUCCESS;
}

GBytes *
fl_signature_pad_to_png (FlSignaturePad *self, GError **error)
{
  int width = gtk_widget_get_width (GTK_WIDGET (self));
  int height = gtk_widget_get_height (GTK_WIDGET (self));
  if (width <= 0 || height <= 0)
    {
      width = PAD_WIDTH;
      height = PAD_HEIGHT;
    }
  cairo_surface_t *surface = cairo_image_surface_create (CAIRO_FORMAT_RGB24, width, height);
  cairo_t *cr = cairo_create (surface);
  draw_strokes (self, cr, width, height);
  cairo_destroy (cr);
  g_autoptr(GByteArray) png = g_byte_array_new ();
  cairo_status_t status = cairo_surface_write_to_png_stream (surface, append_png, png);
  cairo_surface_destroy (surface);
  if (status != CAIRO_STATUS_SUCCESS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, _("Cannot save the signature: %s"),
                   cairo_status_to_string (status));
      return NULL;
    }
  return g_byte_array_free_to_bytes (g_steal_pointer (&png));
}

static void
fl_signature_pad_finalize (GObject *object)
{
  g_array_unref (FL_SIGNATURE_PAD (object)->points);
  G_OBJECT_CLASS (fl_signature_pad_parent_class)->finalize (object);
}

static void
fl_signature_pad_class_init (FlSignaturePadClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = fl_signature_pad_finalize;
  gtk_widget_class_set_css_name (GTK_WIDGET_CLASS (klass), "signature-pad");
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_LAST,
                                   0, NULL, NULL, NULL, G_TYPE_NONE, 0);
}

static void
fl_signature_pad_init (FlSignaturePad *self)
{
  self->points = g_array_new (FALSE, FALSE, sizeof (graphene_point_t));
  gtk_drawing_area_set_content_width (GTK_DRAWING_AREA (self), PAD_WIDTH);
  gtk_drawing_area_set_content_height (GTK_DRAWING_AREA (self), PAD_HEIGHT);
  gtk_drawing_area_set_draw_func (GTK_DRAWING_AREA (self), draw_cb, NULL, NULL);
  gtk_widget_set_cursor_from_name (GTK_WIDGET (self), "crosshair");

  GtkGesture *drag = gtk_gesture_drag_new ();
  g_signal_connect (drag, "drag-begin", G_CALLBACK (drag_begin_cb), self);
  g_signal_connect (drag, "drag-update", G_CALLBACK (drag_update_cb), self);
  g_signal_connect (drag, "drag-end", G_CALLBACK (drag_end_cb), self);
  gtk_widget_add_controller (GTK_WIDGET (self), GTK_EVENT_CONTROLLER (drag));
}

GtkWidget *
fl_signature_pad_new (void)
{
  return g_object_new (FL_TYPE_SIGNATURE_PAD, NULL);
}
