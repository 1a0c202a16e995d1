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

/* A quadratic Bézier from `from` to `to` bent towards `control`, as cairo's cubic. */
static void
quad_to (cairo_t *cr, const graphene_point_t *from, const graphene_point_t *control,
         const graphene_point_t *to)
{
  cairo_curve_to (cr,
                  from->x + 2.0 / 3.0 * (control->x - from->x), from->y + 2.0 / 3.0 * (control->y - from->y),
                  to->x + 2.0 / 3.0 * (control->x - to->x), to->y + 2.0 / 3.0 * (control->y - to->y),
                  to->x, to->y);
}

/* One stroke of `n` points, smooth: through the midpoints between the
 * points the pointer reported, bent towards the points themselves, so a
 * fast stroke has no corners. */
static void
draw_stroke (cairo_t *cr, const graphene_point_t *p, guint n)
{
  cairo_move_to (cr, p[0].x, p[0].y);
  if (n == 1)
    {
      cairo_line_to (cr, p[0].x + 0.1, p[0].y);  /* a dot is a stroke too */
      return;
    }
  graphene_point_t from = p[0];
  for (guint i = 1; i + 1 < n; i++)
    {
      graphene_point_t mid = { (p[i].x + p[i + 1].x) / 2, (p[i].y + p[i + 1].y) / 2 };
      quad_to (cr, &from, &p[i], &mid);
      from = mid;
    }
  cairo_line_to (cr, p[n - 1].x, p[n - 1].y);
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
  const graphene_point_t *points = (const graphene_point_t *) self->points->data;
  guint start = 0;
  for (guint i = 0; i <= self->points->len; i++)
    {
      if (i < self->points->len && !isnan (points[i].x))
        continue;
      if (i > start)
        draw_stroke (cr, points + start, i - start);
      start = i + 1;
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
  /* The stroke is the pad's: the dialog around it must not move with it. */
  gtk_gesture_set_state (GTK_GESTURE (gesture), GTK_EVENT_SEQUENCE_CLAIMED);
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

guint
fl_signature_pad_get_n_strokes (FlSignaturePad *self)
{
  guint strokes = 0;
  for (guint i = 0; i < self->points->len; i++)
    strokes += isnan (g_array_index (self->points, graphene_point_t, i).x);
  return strokes;
}

guint
fl_signature_pad_get_n_points (FlSignaturePad *self)
{
  return self->points->len - fl_signature_pad_get_n_strokes (self);
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
  /* Before the window's own drag (it moves the dialog) sees the press. */
  gtk_event_controller_set_propagation_phase (GTK_EVENT_CONTROLLER (drag), GTK_PHASE_CAPTURE);
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
