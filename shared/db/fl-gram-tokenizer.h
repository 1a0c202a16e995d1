/* fl-gram-tokenizer.h — the FTS5 tokenizer "fl_grams": every character of
 * a text and every pair of neighbouring characters, so that a word of one
 * or two characters (the usual length of a Chinese search word, or a short
 * code) is one token of the index instead of a scan.
 *
 * Whitespace is no character here and pairs do not span it (a search word
 * never holds any); ASCII letters are folded to lower case, as LIKE does,
 * so a match is exactly what `column LIKE '%word%'` finds.  Queries are
 * tokenized as one gram when the word has one or two characters. */
#pragma once

#include <glib.h>
#include <sqlite3.h>

G_BEGIN_DECLS

/* Makes the tokenizer known to the connection (every connection that reads
 * or writes a table using it needs it). */
gboolean fl_gram_tokenizer_register (sqlite3 *handle, GError **error);

G_END_DECLS
