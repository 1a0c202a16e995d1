#include "fl-time.h"

#include <glib/gi18n-lib.h>

G_DEFINE_QUARK (fl-time-error-quark, fl_time_error)

static gint64 now_override = 0;
static gint64 tick_for_testing = 0;

gint64
fl_time_now (void)
{
  if (now_override != 0)
    {
      gint64 now = now_override;
      now_override += tick_for_testing;
      return now;
    }
  return g_get_real_time ();
}

void
fl_time_set_now_for_testing (gint64 usec)
{
  now_override = usec;
  tick_for_testing = 0;
}

void
fl_time_set_tick_for_testing (gint64 usec)
{
  tick_for_testing = usec;
}

char *
fl_time_format (gint64 usec)
{
  gint64 secs = usec / G_USEC_PER_SEC;
  gint64 rem = usec % G_USEC_PER_SEC;
  if (rem < 0)
    {
      rem += G_USEC_PER_SEC;
      secs -= 1;
    }
  g_autoptr(GDateTime) dt = g_date_time_new_from_unix_utc (secs);
  g_return_val_if_fail (dt != NULL, NULL);
  return g_strdup_printf ("%04d-%02d-%02dT%02d:%02d:%02d.%03dZ",
                          g_date_time_get_year (dt), g_date_time_get_month (dt),
                          g_date_time_get_day_of_month (dt), g_date_time_get_hour (dt),
                          g_date_time_get_minute (dt), g_date_time_get_second (dt),
                          (int) (rem / 1000));
}

gboolean
fl_time_parse (const char *text, gint64 *out_usec, GError **error)
{
  if (text == NULL || *text == '\0')
    {
      g_set_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID, _("empty time"));
      return FALSE;
    }
  g_autoptr(GTimeZone) utc = g_time_zone_new_utc ();
  g_autoptr(GDateTime) dt = g_date_time_new_from_iso8601 (text, utc);
  if (dt == NULL)
    {
      g_set_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID,
                   _("“%s” is not an RFC 3339 time such as 2026-11-22T09:30:00.000Z"), text);
      return FALSE;
    }
  *out_usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC + g_date_time_get_microsecond (dt);
  return TRUE;
}

/* Reads exactly `n` ASCII digits at *p, advancing it. */
static gboolean
read_digits (const char **p, int n, int *out)
{
  int value = 0;
  for (int i = 0; i < n; i++)
    {
      if (!g_ascii_isdigit ((*p)[i]))
        return FALSE;
      value = value * 10 + ((*p)[i] - '0');
    }
  *p += n;
  *out = value;
  return TRUE;
}

gboolean
fl_time_parse_wall (const char *text, GTimeZone *tz, gint64 *out_usec, GError **error)
{
  int year, month, day, hour = 0, minute = 0;
  const char *p = text != NULL ? text : "";
  gboolean ok = read_digits (&p, 4, &year) && *p++ == '-' && read_digits (&p, 2, &month)
                && *p++ == '-' && read_digits (&p, 2, &day);
  if (ok && *p == ' ')
    {
      p++;
      ok = read_digits (&p, 2, &hour) && *p++ == ':' && read_digits (&p, 2, &minute);
    }
  ok = ok && *p == '\0' && year >= 1 && g_date_valid_dmy (day, month, year)
       && hour < 24 && minute < 60;
  g_autoptr(GDateTime) dt = NULL;
  if (ok)
    {
      g_autoptr(GTimeZone) local = tz == NULL ? g_time_zone_new_local () : g_time_zone_ref (tz);
      dt = g_date_time_new (local, year, month, day, hour, minute, 0);
      /* GLib moves a time the zone skips (a clock change) instead of
       * refusing it; such a time was never shown on a clock there. */
      ok = dt != NULL && g_date_time_get_hour (dt) == hour && g_date_time_get_minute (dt) == minute
           && g_date_time_get_day_of_month (dt) == day;
    }
  if (!ok)
    {
      g_set_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID,
                   _("“%s” is not a time such as 2026-11-22 21:30"), text != NULL ? text : "");
      return FALSE;
    }
  *out_usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
  return TRUE;
}

char *
fl_time_format_minutes (gint64 minutes)
{
  if (minutes < 60)
    return g_strdup_printf (g_dngettext (GETTEXT_PACKAGE, "%d minute", "%d minutes", minutes), (int) minutes);
  /* Translators: hours and minutes of work, "3 h 25 min". */
  return g_strdup_printf (_("%d h %02d min"), (int) (minutes / 60), (int) (minutes % 60));
}
