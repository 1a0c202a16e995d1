/* fl-work-log-note.h — what the system writes into a work log, kept
 * language-free and put into words when it is read.
 *
 * A work-log row travels to everyone who works the order, in whatever
 * language each of them uses.  So a note the system writes ("Created by
 * li.na", "assigned → in progress") is stored as a kind (`note`) and its
 * parameters (`note_args`); `text` keeps only what a person typed (the
 * reason of a move, the comment of a rejection).  fl_work_log_render()
 * gives the words in the reader's language; a row without `note` (one of
 * an older program, or a person's own entry) reads as its text. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

/* The notes, as stored in work_log.note. */
#define FL_NOTE_CREATED             "created"              /* {} — by the row's author */
#define FL_NOTE_MOVED               "moved"                /* {from, to, [satisfaction], [assignee, [previous]]} */
#define FL_NOTE_ASSIGNED            "assigned"             /* {assignee, [previous]} */
#define FL_NOTE_PART_USED           "part_used"            /* {qty, unit, part, sku} */
#define FL_NOTE_RESOLUTION_REJECTED "resolution_rejected"  /* {[customer]}; text: the comment */

/* The NULL-terminated list of notes, for the schema's choices. */
extern const char * const fl_work_log_note_kinds[];

/* Sets `note` and `note_args` (args may be NULL: none) on a work_log
 * row's fields; takes a reference to args. */
void  fl_work_log_set_note (JsonObject *fields, const char *note, JsonObject *args);

/* The entry's note parameters (an empty object when it has none). */
JsonObject *fl_work_log_note_args (JsonObject *entry);

/* The entry's words in the language of this process's catalogue: the
 * note with its parameters and the person's text after it, or the text
 * alone.  `note_args` may be an object or its JSON text (a query row). */
char *fl_work_log_render (JsonObject *entry);

G_END_DECLS
