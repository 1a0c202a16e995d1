#include "fl-disabled-reason.h"

static GQuark
own_tooltip_quark (void)
{
  return g_quark_from_static_string ("fl-own-tooltip");
}

void
fl_widget_explain_disabled (GtkWidget *widget, const char *reason)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  /* A widget without a tooltip of its own keeps "" to go back to. */
  if (g_object_get_qdata (G_OBJECT (widget), own_tooltip_quark ()) == NULL)
    {
      const char *own = gtk_widget_get_tooltip_text (widget);
      g_object_set_qdata_full (G_OBJECT (widget), own_tooltip_quark (), g_strdup (own != NULL ? own : ""), g_free);
    }
  const char *own = g_object_get_qdata (G_OBJECT (widget), own_tooltip_quark ());
  const char *shown = reason != NULL ? reason : own;
  gtk_widget_set_tooltip_text (widget, *shown != '\0' ? shown : NULL);
}

static void
explain_buttons_of (GtkWidget *widget, const char *name, const char *reason)
{
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      if (GTK_IS_ACTIONABLE (child) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (child)), name) == 0)
        fl_widget_explain_disabled (child, reason);
      explain_buttons_of (child, name, reason);
    }
}

void
fl_widget_action_set_reason (GtkWidget *widget, const char *name, const char *reason)
{
  g_return_if_fail (GTK_IS_WIDGET (widget));
  gtk_widget_action_set_enabled (widget, name, reason == NULL);
  explain_buttons_of (widget, name, reason);
}
