#include "fl-gram-tokenizer.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-db.h"

/* FTS5 keeps no state of ours: every table shares this one instance. */
static int the_tokenizer;

static int
grams_create (void *context, const char **args, int n_args, Fts5Tokenizer **out)
{
  *out = (Fts5Tokenizer *) &the_tokenizer;
  return SQLITE_OK;
}

static void
grams_delete (Fts5Tokenizer *tokenizer)
{
}

/* The end of the character at `p`: a byte that does not begin valid UTF-8
 * counts as a character of its own. */
static const char *
char_end (const char *p, const char *end, gunichar *out)
{
  *out = g_utf8_get_char_validated (p, end - p);
  if (*out == (gunichar) -1 || *out == (gunichar) -2)
    {
      *out = (guchar) *p;
      return p + 1;
    }
  return g_utf8_next_char (p);
}

typedef int (*EmitToken) (void *context, int flags, const char *token, int n_token, int start, int end);

/* Emits text[from, to) with ASCII letters in lower case. */
static int
emit_gram (const char *text, const char *from, const char *to, void *context, EmitToken emit)
{
  char folded[2 * 6];
  gsize length = to - from;
  for (gsize i = 0; i < length; i++)
    folded[i] = g_ascii_tolower (from[i]);
  return emit (context, 0, folded, (int) length, (int) (from - text), (int) (to - text));
}

static int
grams_tokenize (Fts5Tokenizer *tokenizer, void *context, int flags, const char *text, int n_text,
                EmitToken emit)
{
  const char *end = text + n_text;
  guint n_chars = 0;
  gunichar c;
  for (const char *p = text; p < end; p = char_end (p, end, &c))
    n_chars++;
  /* A query word of two characters or more is looked up by its pairs; a
   * text being indexed gives every character and every pair. */
  gboolean unigrams = !(flags & FTS5_TOKENIZE_QUERY) || n_chars < 2;
  const char *previous = NULL;  /* the character before, if it was no space */
  int rc = SQLITE_OK;
  for (const char *p = text; p < end && rc == SQLITE_OK;)
    {
      const char *next = char_end (p, end, &c);
      if (g_unichar_isspace (c))
        previous = NULL;
      else
        {
          if (previous != NULL)
            rc = emit_gram (text, previous, next, context, emit);
          if (unigrams && rc == SQLITE_OK)
            rc = emit_gram (text, p, next, context, emit);
          previous = p;
        }
      p = next;
    }
  return rc;
}

static fts5_api *
fts5_api_of (sqlite3 *handle)
{
  fts5_api *api = NULL;
  sqlite3_stmt *stmt = NULL;
  if (sqlite3_prepare_v2 (handle, "SELECT fts5(?1)", -1, &stmt, NULL) == SQLITE_OK)
    {
      sqlite3_bind_pointer (stmt, 1, &api, "fts5_api_ptr", NULL);
      sqlite3_step (stmt);
    }
  sqlite3_finalize (stmt);
  return api;
}

gboolean
fl_gram_tokenizer_register (sqlite3 *handle, GError **error)
{
  static fts5_tokenizer grams = { grams_create, grams_delete, grams_tokenize };
  fts5_api *api = fts5_api_of (handle);
  if (api == NULL || api->iVersion < 2 ||
      api->xCreateTokenizer (api, "fl_grams", NULL, &grams, NULL) != SQLITE_OK)
    {
      g_set_error (error, FL_DB_ERROR, FL_DB_ERROR_SQLITE,
                   _("This SQLite has no full-text search (FTS5); install a build of SQLite with it."));
      return FALSE;
    }
  return TRUE;
}
