/* fl-request-language.h — the language a request is answered in.
 *
 * The server's messages (why a push was refused, why a sign-in failed)
 * reach a person: the engineer reading the client.  They are translated
 * like the client's own strings, and each request is answered in the first
 * language of its Accept-Language that has a catalogue here: the thread
 * handling it switches its locale (uselocale) for the time it composes the
 * answer.  English, the language of the source strings, always has one; a
 * request without the header is answered in the server's own locale.  The
 * server's log stays in the server's own locale only where it is written
 * outside a request.
 *
 * A language needs its locale on the host (for Chinese: zh_CN.UTF-8, from
 * Debian's `locales`); without it, that language is passed over. */
#pragma once

#include <locale.h>
#include <glib.h>

G_BEGIN_DECLS

/* GLib decides once, at the first translation, whether to translate at
 * all, and in a locale with no catalogue of ours and a text domain set (the
 * usual server under C.UTF-8) decides not to: every request would be
 * answered in English.  Called before fl_i18n_init() sets the text domain,
 * this settles that decision for translating. */
void     fl_request_language_prepare (void);

/* The locale for `accept_language` (the header's value, or NULL), or
 * (locale_t) 0 for the server's own.  Thread-safe; the locale is kept for
 * the life of the process and must not be freed. */
locale_t fl_request_language_pick (const char *accept_language);

/* uselocale() for `locale` when it is not 0; returns what to give back to
 * fl_request_language_end(). */
locale_t fl_request_language_begin (locale_t locale);
void     fl_request_language_end   (locale_t locale, locale_t previous);

G_END_DECLS
