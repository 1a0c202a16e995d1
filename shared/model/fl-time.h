/* fl-time.h — instants as microseconds since the Unix epoch (UTC) and their
 * RFC 3339 text form with milliseconds, the only form stored and sent. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_TIME_ERROR (fl_time_error_quark ())
typedef enum {
  FL_TIME_ERROR_INVALID,
} FlTimeError;

GQuark  fl_time_error_quark (void);

/* Wall-clock now; tests may override it with fl_time_set_now_for_testing(). */
gint64  fl_time_now (void);
void    fl_time_set_now_for_testing (gint64 usec);
/* With an overridden now, every reading advances it by `usec`: a slow
 * machine's clock, for tests of code that must read it only once. */
void    fl_time_set_tick_for_testing (gint64 usec);

/* "2026-11-22T09:30:00.000Z" */
char   *fl_time_format (gint64 usec);
gboolean fl_time_parse (const char *text, gint64 *out_usec, GError **error);

/* A wall-clock time typed by a person, "2026-11-22 21:30" or "2026-11-22"
 * (midnight), in `tz` (NULL: local time). Digits exactly as shown, every
 * field range-checked, nothing after it; a time the zone skips is refused. */
gboolean fl_time_parse_wall (const char *text, GTimeZone *tz, gint64 *out_usec, GError **error);

/* Time spent for people: "40 minutes", "3 h 25 min". */
char   *fl_time_format_minutes (gint64 minutes);

G_END_DECLS
