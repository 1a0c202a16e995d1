/* fl-terminal.h — text terminals, for fieldline-cli and the server's admin
 * commands: a password typed without echo, and table columns measured in
 * the cells characters take on screen (a Chinese character takes two). */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/* One line of standard input without its line end, or NULL at the end of
 * input.  When standard input is a terminal and `prompt` is not NULL, the
 * prompt is shown on standard error and what is typed is not echoed;
 * otherwise (a script piping the password in) the line is read plainly. */
char  *fl_terminal_read_secret (const char *prompt);

/* How many cells `text` (UTF-8) takes: two for a wide character, none for
 * a combining mark, one for any other. */
gsize  fl_terminal_width (const char *text);

/* `text` (NULL: "") cut to at most `width` cells, ending in "…" when cut. */
char  *fl_terminal_clip (const char *text, gsize width);

/* Appends one line of a table to `out`: the `n` cells one space apart, each
 * but the last padded to the width of its column in `widths` (a wider cell
 * is kept whole). */
void   fl_terminal_append_row (GString *out, guint n, const gsize *widths, const char * const *cells);

G_END_DECLS
