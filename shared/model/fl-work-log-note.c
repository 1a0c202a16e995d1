#include "fl-work-log-note.h"

#include <glib/gi18n-lib.h>

#include "fl-record.h"
#include "fl-workflow.h"

const char * const fl_work_log_note_kinds[] = {
  FL_NOTE_CREATED, FL_NOTE_MOVED, FL_NOTE_ASSIGNED, FL_NOTE_PART_USED,
  FL_NOTE_RESOLUTION_REJECTED, NULL
};

void
fl_work_log_set_note (JsonObject *fields, const char *note, JsonObject *args)
{
  json_object_set_string_member (fields, "note", note);
  json_object_set_object_member (fields, "note_args", args != NULL ? json_object_ref (args) : json_object_new ());
}

JsonObject *
fl_work_log_note_args (JsonObject *entry)
{
  JsonNode *node = json_object_get_member (entry, "note_args");
  if (node != NULL && JSON_NODE_HOLDS_OBJECT (node))
    return json_object_ref (json_node_get_object (node));
  const char *text = fl_record_get_string (entry, "note_args");
  g_autoptr(JsonNode) parsed = text != NULL ? json_from_string (text, NULL) : NULL;
  if (parsed != NULL && JSON_NODE_HOLDS_OBJECT (parsed))
    return json_object_ref (json_node_get_object (parsed));
  return json_object_new ();
}

static char *
assignment_words (JsonObject *args)
{
  const char *assignee = fl_record_get_string (args, "assignee");
  const char *previous = fl_record_get_string (args, "previous");
  if (assignee == NULL)
    return NULL;
  return previous != NULL ? g_strdup_printf (_("Reassigned from %s to %s"), previous, assignee)
                          : g_strdup_printf (_("Assigned to %s"), assignee);
}

/* The note's own words; the person's text is added after them unless
 * the note's sentence holds it (*holds_text). */
static char *
note_words (const char *note, JsonObject *args, JsonObject *entry, gboolean *holds_text)
{
  if (g_str_equal (note, FL_NOTE_CREATED))
    return g_strdup_printf (_("Created by %s"), fl_record_get_string (entry, "author"));
  if (g_str_equal (note, FL_NOTE_ASSIGNED))
    return assignment_words (args);
  if (g_str_equal (note, FL_NOTE_PART_USED))
    /* Translators: "Used 2 pcs of Fan module (FAN-01)". */
    return g_strdup_printf (_("Used %s %s of %s (%s)"), fl_record_get_string (args, "qty"),
                            fl_record_get_string (args, "unit"), fl_record_get_string (args, "part"),
                            fl_record_get_string (args, "sku"));
  if (g_str_equal (note, FL_NOTE_RESOLUTION_REJECTED))
    {
      const char *customer = fl_record_get_string (args, "customer");
      const char *reason = fl_record_get_string (entry, "text");
      *holds_text = TRUE;
      if (reason == NULL)
        reason = _("no reason given");
      return customer != NULL
        ? g_strdup_printf (_("Resolution rejected: %s. The acceptance by %s is withdrawn: the customer signs off the work again when it is resolved again."),
                           reason, customer)
        : g_strdup_printf (_("Resolution rejected: %s"), reason);
    }
  if (g_str_equal (note, FL_NOTE_MOVED))
    {
      /* Translators: a status move in a work log, "Assigned → In progress". */
      g_autofree char *move = g_strdup_printf (_("%s → %s"),
                                               fl_work_order_status_label_for_name (fl_record_get_string (args, "from")),
                                               fl_work_order_status_label_for_name (fl_record_get_string (args, "to")));
      g_autofree char *assignment = assignment_words (args);
      gint64 satisfaction = fl_record_get_int (args, "satisfaction", 0);
      g_autofree char *follow_up = satisfaction > 0
        ? g_strdup_printf (_("Follow-up call, satisfaction %d of 5"), (int) satisfaction) : NULL;
      const char *detail = assignment != NULL ? assignment : follow_up;
      /* Translators: a status move and what came with it, "Closed → Visited: Follow-up call…". */
      return detail != NULL ? g_strdup_printf (_("%s: %s"), move, detail) : g_steal_pointer (&move);
    }
  return NULL;
}

char *
fl_work_log_render (JsonObject *entry)
{
  const char *text = fl_record_get_string (entry, "text");
  const char *note = fl_record_get_string (entry, "note");
  g_autoptr(JsonObject) args = fl_work_log_note_args (entry);
  gboolean holds_text = FALSE;
  g_autofree char *words = note != NULL ? note_words (note, args, entry, &holds_text) : NULL;
  if (words == NULL)
    return g_strdup (text);
  if (text == NULL || holds_text)
    return g_steal_pointer (&words);
  /* Translators: a system note and the text a person wrote with it. */
  return g_strdup_printf (_("%s: %s"), words, text);
}
