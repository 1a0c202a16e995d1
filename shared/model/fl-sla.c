#include "fl-sla.h"

#include <glib/gi18n-lib.h>
#include <stdlib.h>
#include <string.h>

#include "fl-enum.h"

G_DEFINE_QUARK (fl-sla-error-quark, fl_sla_error)

#define DEFAULT_TIME_ZONE "Asia/Shanghai"
#define MINUTES_PER_DAY (24 * 60)
/* Working time is counted within a century of the start: no target (the
 * schema caps policies at a year and hold time at ten) needs more, and a
 * bound keeps every walk below short whatever a caller passes. */
#define MAX_SPAN_DAYS (100 * 365)

/* ---- priority and coverage names ---------------------------------------- */

static const FlEnumName priority_names[] = {
  { "high", NC_("priority", "High") },
  { "medium", NC_("priority", "Medium") },
  { "normal", NC_("priority", "Normal") },
  { "low", NC_("priority", "Low") },
};
static const FlEnumName coverage_names[] = { { "5x9" }, { "7x9" }, { "7x24" } };

G_STATIC_ASSERT (G_N_ELEMENTS (priority_names) == FL_N_PRIORITIES);
G_STATIC_ASSERT (G_N_ELEMENTS (coverage_names) == FL_COVERAGE_7X24 + 1);

static const FlEnumTable priority_table = FL_ENUM_TABLE (priority_names, "priority");
static const FlEnumTable coverage_table = FL_ENUM_TABLE (coverage_names, NULL);

FL_DEFINE_ENUM_NAMES (fl_priority, FlPriority, priority_table)
FL_DEFINE_ENUM_LABELS (fl_priority, FlPriority, priority_table)
FL_DEFINE_ENUM_NAMES (fl_coverage, FlCoverage, coverage_table)

/* ---- priority matrix ----------------------------------------------------- */

FlPriority
fl_sla_priority (int impact, int urgency)
{
  /* Rows impact 1-4 (company business .. one person), columns urgency 1-4
   * (urgent .. low), as in the incident procedure's 事件优先级 table. */
  static const FlPriority matrix[4][4] = {
    { FL_PRIORITY_HIGH,   FL_PRIORITY_HIGH,   FL_PRIORITY_HIGH,   FL_PRIORITY_MEDIUM },
    { FL_PRIORITY_HIGH,   FL_PRIORITY_HIGH,   FL_PRIORITY_MEDIUM, FL_PRIORITY_NORMAL },
    { FL_PRIORITY_HIGH,   FL_PRIORITY_MEDIUM, FL_PRIORITY_NORMAL, FL_PRIORITY_LOW },
    { FL_PRIORITY_MEDIUM, FL_PRIORITY_NORMAL, FL_PRIORITY_LOW,    FL_PRIORITY_LOW },
  };
  /* Records are validated to 1-4 before they get here. */
  g_return_val_if_fail (impact >= 1 && impact <= 4, FL_PRIORITY_NORMAL);
  g_return_val_if_fail (urgency >= 1 && urgency <= 4, FL_PRIORITY_NORMAL);
  return matrix[impact - 1][urgency - 1];
}

/* ---- calendar ------------------------------------------------------------ */

/* What the calendar says about a date, stored per Julian day number; one
 * table for both kinds so that the last word on a date wins. */
typedef enum {
  DAY_HOLIDAY = 1,
  DAY_WORKING = 2,
} DayKind;

/* Resolving a local wall-clock time in the zone is the costly step of
 * every walk, and a server deriving the due times of many orders asks for
 * the same few days again and again: the answers are kept, a slot per
 * (day, minute), whatever the holidays and hours (they do not change it). */
#define INSTANT_CACHE_SLOTS 128

typedef struct {
  guint  julian;  /* 0: empty */
  int    minute;
  gint64 usec;
} CachedInstant;

struct _FlCalendar {
  GTimeZone    *time_zone;
  FlCoverage    coverage;
  int           open_minute;
  int           close_minute;
  GHashTable   *days;  /* Julian day -> DayKind */
  GMutex        cache_lock;  /* a calendar may be shared between threads */
  CachedInstant instants[INSTANT_CACHE_SLOTS];
};

static void
calendar_clear (gpointer data)
{
  FlCalendar *calendar = data;
  g_time_zone_unref (calendar->time_zone);
  g_hash_table_unref (calendar->days);
  g_mutex_clear (&calendar->cache_lock);
}

G_DEFINE_BOXED_TYPE (FlCalendar, fl_calendar, fl_calendar_ref, fl_calendar_unref)

static GTimeZone *
default_time_zone (void)
{
  GTimeZone *tz = g_time_zone_new_identifier (DEFAULT_TIME_ZONE);
  /* Without tzdata installed, China Standard Time is still a fixed +08:00:
   * China has had no daylight saving since 1991. */
  return tz != NULL ? tz : g_time_zone_new_offset (8 * 3600);
}

gboolean
fl_calendar_check_time_zone (const char *time_zone, GError **error)
{
  if (time_zone == NULL || *time_zone == '\0')
    return TRUE;
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier (time_zone);
  if (tz == NULL)
    {
      g_set_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_TIME_ZONE,
                   _("“%s” is not a known time zone; use a name such as Asia/Shanghai"), time_zone);
      return FALSE;
    }
  return TRUE;
}

FlCalendar *
fl_calendar_new (const char *time_zone, FlCoverage coverage)
{
  g_return_val_if_fail ((guint) coverage < G_N_ELEMENTS (coverage_names), NULL);

  FlCalendar *calendar = g_atomic_rc_box_new0 (FlCalendar);
  if (time_zone != NULL && *time_zone != '\0')
    {
      calendar->time_zone = g_time_zone_new_identifier (time_zone);
      /* Due times must still come out (offline, for an order being created),
       * so a bad zone degrades to the default rather than failing. */
      if (calendar->time_zone == NULL)
        g_warning ("Unknown time zone “%s”, using %s", time_zone, DEFAULT_TIME_ZONE);
    }
  if (calendar->time_zone == NULL)
    calendar->time_zone = default_time_zone ();
  calendar->coverage = coverage;
  calendar->open_minute = 9 * 60;
  calendar->close_minute = 18 * 60;
  calendar->days = g_hash_table_new (g_direct_hash, g_direct_equal);
  g_mutex_init (&calendar->cache_lock);
  return calendar;
}

FlCalendar *
fl_calendar_ref (FlCalendar *calendar)
{
  g_return_val_if_fail (calendar != NULL, NULL);
  return g_atomic_rc_box_acquire (calendar);
}

void
fl_calendar_unref (FlCalendar *calendar)
{
  g_return_if_fail (calendar != NULL);
  g_atomic_rc_box_release_full (calendar, calendar_clear);
}

FlCoverage
fl_calendar_get_coverage (FlCalendar *calendar)
{
  g_return_val_if_fail (calendar != NULL, FL_COVERAGE_5X9);
  return calendar->coverage;
}

GTimeZone *
fl_calendar_get_time_zone (FlCalendar *calendar)
{
  g_return_val_if_fail (calendar != NULL, NULL);
  return calendar->time_zone;
}

void
fl_calendar_set_working_hours (FlCalendar *calendar, int open_minute, int close_minute)
{
  g_return_if_fail (calendar != NULL);
  /* An empty or overnight day would leave no working time to count. */
  g_return_if_fail (open_minute >= 0 && open_minute < close_minute && close_minute <= MINUTES_PER_DAY);
  calendar->open_minute = open_minute;
  calendar->close_minute = close_minute;
}

gint64
fl_calendar_get_working_day_seconds (FlCalendar *calendar)
{
  g_return_val_if_fail (calendar != NULL, 0);
  if (calendar->coverage == FL_COVERAGE_7X24)
    return 24 * 3600;
  return (gint64) (calendar->close_minute - calendar->open_minute) * 60;
}

static void
set_day (FlCalendar *calendar, int year, int month, int day, DayKind kind)
{
  g_return_if_fail (calendar != NULL);
  g_return_if_fail (g_date_valid_dmy (day, month, year));
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  g_hash_table_insert (calendar->days, GUINT_TO_POINTER (g_date_get_julian (&date)),
                       GINT_TO_POINTER (kind));
}

void
fl_calendar_add_holiday (FlCalendar *calendar, int year, int month, int day)
{
  set_day (calendar, year, month, day, DAY_HOLIDAY);
}

void
fl_calendar_add_working_day (FlCalendar *calendar, int year, int month, int day)
{
  set_day (calendar, year, month, day, DAY_WORKING);
}

/* Strict YYYY-MM-DD: the stored form, and the only one admins are shown. */
static gboolean
parse_date (const char *text, GDate *date)
{
  if (strlen (text) != 10 || text[4] != '-' || text[7] != '-')
    return FALSE;
  for (int i = 0; i < 10; i++)
    if (i != 4 && i != 7 && !g_ascii_isdigit (text[i]))
      return FALSE;
  int year = atoi (text), month = atoi (text + 5), day = atoi (text + 8);
  if (!g_date_valid_dmy (day, month, year))
    return FALSE;
  g_date_clear (date, 1);
  g_date_set_dmy (date, day, month, year);
  return TRUE;
}

/* Parses one list into Julian days; the error names the list and the date. */
static gboolean
parse_date_list (const char *csv, const char *list_name, GArray *out, GError **error)
{
  if (csv == NULL)
    return TRUE;
  g_auto(GStrv) parts = g_strsplit (csv, ",", -1);
  for (guint i = 0; parts[i] != NULL; i++)
    {
      const char *text = g_strstrip (parts[i]);
      if (*text == '\0')
        continue;  /* tolerate "a,,b" and a trailing comma from hand editing */
      GDate date;
      if (!parse_date (text, &date))
        {
          g_set_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_DATE,
                       /* Translators: first %s is the date as typed, second the list's
                        * name ("holidays" or "working days") */
                       _("“%s” in the %s is not a date such as 2026-10-01"), text, list_name);
          return FALSE;
        }
      guint julian = g_date_get_julian (&date);
      g_array_append_val (out, julian);
    }
  return TRUE;
}

gboolean
fl_calendar_add_days_from_string (FlCalendar *calendar, const char *holidays_csv,
                                  const char *working_days_csv, GError **error)
{
  g_return_val_if_fail (calendar != NULL, FALSE);

  g_autoptr(GArray) holidays = g_array_new (FALSE, FALSE, sizeof (guint));
  g_autoptr(GArray) working = g_array_new (FALSE, FALSE, sizeof (guint));
  if (!parse_date_list (holidays_csv, _("holidays"), holidays, error) ||
      !parse_date_list (working_days_csv, _("working days"), working, error))
    return FALSE;

  /* In one saved calendar a date in both lists is a mistake, not an
   * override; say so rather than guess which was meant. */
  for (guint i = 0; i < working->len; i++)
    for (guint j = 0; j < holidays->len; j++)
      if (g_array_index (working, guint, i) == g_array_index (holidays, guint, j))
        {
          GDate date;
          g_date_clear (&date, 1);
          g_date_set_julian (&date, g_array_index (working, guint, i));
          g_set_error (error, FL_SLA_ERROR, FL_SLA_ERROR_INVALID_DATE,
                       /* Translators: %04d-%02d-%02d is a date, "2026-10-10" */
                       _("%04d-%02d-%02d is listed both as a holiday and as a working day"),
                       g_date_get_year (&date), g_date_get_month (&date), g_date_get_day (&date));
          return FALSE;
        }

  for (guint i = 0; i < holidays->len; i++)
    g_hash_table_insert (calendar->days, GUINT_TO_POINTER (g_array_index (holidays, guint, i)),
                         GINT_TO_POINTER (DAY_HOLIDAY));
  for (guint i = 0; i < working->len; i++)
    g_hash_table_insert (calendar->days, GUINT_TO_POINTER (g_array_index (working, guint, i)),
                         GINT_TO_POINTER (DAY_WORKING));
  return TRUE;
}

static gboolean
date_is_working (FlCalendar *calendar, const GDate *date)
{
  if (calendar->coverage == FL_COVERAGE_7X24)
    return TRUE;
  DayKind kind = GPOINTER_TO_INT (g_hash_table_lookup (calendar->days,
                                                       GUINT_TO_POINTER (g_date_get_julian (date))));
  if (kind == DAY_HOLIDAY)
    return FALSE;
  if (calendar->coverage == FL_COVERAGE_7X9)
    return TRUE;
  GDateWeekday weekday = g_date_get_weekday (date);
  return (weekday != G_DATE_SATURDAY && weekday != G_DATE_SUNDAY) || kind == DAY_WORKING;
}

gboolean
fl_calendar_is_working_day (FlCalendar *calendar, int year, int month, int day)
{
  g_return_val_if_fail (calendar != NULL, FALSE);
  g_return_val_if_fail (g_date_valid_dmy (day, month, year), FALSE);
  GDate date;
  g_date_clear (&date, 1);
  g_date_set_dmy (&date, day, month, year);
  return date_is_working (calendar, &date);
}

/* ---- working time -------------------------------------------------------- */

/* Floor division, so instants before 1970 land in the right second. */
static gint64
usec_to_seconds (gint64 usec)
{
  return usec >= 0 ? usec / G_USEC_PER_SEC : -((-usec + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC);
}

/* GDate's day number of 1970-01-01. */
#define UNIX_EPOCH_JULIAN 719163

/* The local date of an instant: the zone's offset at that instant, as
 * g_date_time_to_timezone takes it, without making GDateTimes. */
static void
local_date_of (FlCalendar *calendar, gint64 usec, GDate *date)
{
  gint64 seconds = usec_to_seconds (usec);
  gint interval = g_time_zone_find_interval (calendar->time_zone, G_TIME_TYPE_UNIVERSAL, seconds);
  gint64 local = seconds + g_time_zone_get_offset (calendar->time_zone, interval);
  gint64 day = local >= 0 ? local / 86400 : -((-local + 86399) / 86400);
  g_date_clear (date, 1);
  g_date_set_julian (date, (guint32) (UNIX_EPOCH_JULIAN + day));
}

/* The instant of a local wall-clock time.  GDateTime resolves it with the
 * zone's offset of that very day, which is what makes DST changes correct;
 * 24:00 is taken as the next day's midnight. */
static gint64
local_instant (FlCalendar *calendar, const GDate *date, int minute_of_day)
{
  GDate day = *date;
  if (minute_of_day == MINUTES_PER_DAY)
    {
      g_date_add_days (&day, 1);
      minute_of_day = 0;
    }
  guint julian = g_date_get_julian (&day);
  CachedInstant *slot = &calendar->instants[(julian * 7 + (guint) minute_of_day) % INSTANT_CACHE_SLOTS];
  g_mutex_lock (&calendar->cache_lock);
  gboolean cached = slot->julian == julian && slot->minute == minute_of_day;
  gint64 usec = slot->usec;
  g_mutex_unlock (&calendar->cache_lock);
  if (cached)
    return usec;

  g_autoptr(GDateTime) dt = g_date_time_new (calendar->time_zone, g_date_get_year (&day),
                                             g_date_get_month (&day), g_date_get_day (&day),
                                             minute_of_day / 60, minute_of_day % 60, 0);
  usec = g_date_time_to_unix (dt) * G_USEC_PER_SEC;
  g_mutex_lock (&calendar->cache_lock);
  *slot = (CachedInstant) { .julian = julian, .minute = minute_of_day, .usec = usec };
  g_mutex_unlock (&calendar->cache_lock);
  return usec;
}

/* The working interval [open, close) of a local date, FALSE on a day off.
 * Intervals are real instants, so a day's length is whatever elapses
 * between opening and closing, even on a day the clocks change. */
static gboolean
working_interval (FlCalendar *calendar, const GDate *date, gint64 *open, gint64 *close)
{
  if (!date_is_working (calendar, date))
    return FALSE;
  *open = local_instant (calendar, date, calendar->open_minute);
  *close = local_instant (calendar, date, calendar->close_minute);
  return TRUE;
}

/* The working time of a week whose days all work the plain hours. */
static gint64
plain_week_usec (FlCalendar *calendar)
{
  int days = calendar->coverage == FL_COVERAGE_5X9 ? 5 : 7;
  return (gint64) days * (calendar->close_minute - calendar->open_minute) * 60 * G_USEC_PER_SEC;
}

static gboolean
same_offset_interval (FlCalendar *calendar, gint64 a_usec, gint64 b_usec)
{
  return g_time_zone_find_interval (calendar->time_zone, G_TIME_TYPE_UNIVERSAL, usec_to_seconds (a_usec)) ==
         g_time_zone_find_interval (calendar->time_zone, G_TIME_TYPE_UNIVERSAL, usec_to_seconds (b_usec));
}

/* How many of the next `max_weeks` whole weeks from `date` are plain: no
 * holiday or adjusted day among their days, and no change of the zone's
 * offset (daylight saving) within them.  Each such week holds exactly
 * plain_week_usec(), so walking it day by day can be skipped: a ten-year
 * target in a zone without daylight saving is a handful of steps instead
 * of thousands of days. */
static gint64
plain_weeks (FlCalendar *calendar, const GDate *date, gint64 max_weeks)
{
  guint first = g_date_get_julian (date);
  GHashTableIter iter;
  gpointer day;
  g_hash_table_iter_init (&iter, calendar->days);
  while (max_weeks > 0 && g_hash_table_iter_next (&iter, &day, NULL))
    if (GPOINTER_TO_UINT (day) >= first)
      max_weeks = MIN (max_weeks, (gint64) (GPOINTER_TO_UINT (day) - first) / 7);
  if (max_weeks <= 0)
    return 0;

  /* Offsets only change forward in time: the span is free of changes when
   * its two ends share the zone's interval.  Halve until they do. */
  gint64 begin = local_instant (calendar, date, 0);
  while (max_weeks > 0)
    {
      GDate end = *date;
      g_date_add_days (&end, (guint) (max_weeks * 7));
      if (same_offset_interval (calendar, begin, local_instant (calendar, &end, 0)))
        return max_weeks;
      max_weeks /= 2;
    }
  return 0;
}

/* A walk over local dates: `days` walked since the start's own date. */
typedef struct {
  GDate date;
  guint days;
  guint retry_at;  /* no plain week before this day: one is known to be in the way */
} Walk;

/* Skips up to `max_weeks` plain weeks ahead of the walk (never on the
 * start's own date, which may be partly over); returns how many. */
static gint64
walk_skip_plain_weeks (FlCalendar *calendar, Walk *walk, gint64 max_weeks)
{
  max_weeks = MIN (max_weeks, (gint64) (MAX_SPAN_DAYS - MIN (walk->days, MAX_SPAN_DAYS)) / 7);
  if (walk->days == 0 || walk->days < walk->retry_at || max_weeks <= 0)
    return 0;
  gint64 weeks = plain_weeks (calendar, &walk->date, max_weeks);
  if (weeks == 0)
    walk->retry_at = walk->days + 7;
  g_date_add_days (&walk->date, (guint) (weeks * 7));
  walk->days += (guint) (weeks * 7);
  return weeks;
}

/* Both functions walk local dates, one interval per day, skipping plain
 * weeks whole; holidays and adjusted days never need special arithmetic. */

gint64
fl_calendar_add_working_time (FlCalendar *calendar, gint64 start_usec, gint64 working_seconds)
{
  g_return_val_if_fail (calendar != NULL, start_usec);
  if (working_seconds <= 0)
    return start_usec;
  working_seconds = MIN (working_seconds, (gint64) MAX_SPAN_DAYS * 24 * 3600);
  /* Every hour counts and holidays do not stop the clock, so 7x24 working
   * time is elapsed time (DST changes included). */
  if (calendar->coverage == FL_COVERAGE_7X24)
    return start_usec + working_seconds * G_USEC_PER_SEC;

  gint64 remaining = working_seconds * G_USEC_PER_SEC;
  gint64 week = plain_week_usec (calendar);
  Walk walk = { .days = 0 };
  local_date_of (calendar, start_usec, &walk.date);
  for (; walk.days < MAX_SPAN_DAYS; walk.days++, g_date_add_days (&walk.date, 1))
    {
      /* The last week is always walked, to land on the exact instant. */
      remaining -= week * walk_skip_plain_weeks (calendar, &walk, (remaining - 1) / week);
      gint64 open, close;
      if (!working_interval (calendar, &walk.date, &open, &close))
        continue;
      gint64 from = MAX (open, start_usec);
      if (from >= close)
        continue;
      /* `<=`: a target used up exactly at closing is due at closing, the
       * earliest instant it is met, not at the next opening. */
      if (remaining <= close - from)
        return from + remaining;
      remaining -= close - from;
    }
  /* Only a calendar with (nearly) no working day left in a century gets
   * here: due at the end of it. */
  return local_instant (calendar, &walk.date, 0);
}

gint64
fl_calendar_working_seconds_between (FlCalendar *calendar, gint64 from_usec, gint64 to_usec)
{
  g_return_val_if_fail (calendar != NULL, 0);
  if (to_usec <= from_usec)
    return 0;
  if (calendar->coverage == FL_COVERAGE_7X24)
    return (to_usec - from_usec) / G_USEC_PER_SEC;

  GDate last;
  Walk walk = { .days = 0 };
  local_date_of (calendar, from_usec, &walk.date);
  local_date_of (calendar, to_usec, &last);
  gint64 week = plain_week_usec (calendar);
  gint64 total = 0;
  for (; walk.days < MAX_SPAN_DAYS && g_date_compare (&walk.date, &last) <= 0;
       walk.days++, g_date_add_days (&walk.date, 1))
    {
      /* Whole plain weeks that end before the last day, which is walked. */
      gint64 ahead = (gint64) g_date_get_julian (&last) - g_date_get_julian (&walk.date);
      total += week * walk_skip_plain_weeks (calendar, &walk, ahead / 7);
      gint64 open, close;
      if (!working_interval (calendar, &walk.date, &open, &close))
        continue;
      gint64 lo = MAX (open, from_usec), hi = MIN (close, to_usec);
      if (hi > lo)
        total += hi - lo;
    }
  /* Summed in µs and truncated once, so that it is the exact inverse of
   * fl_calendar_add_working_time for whole seconds. */
  return total / G_USEC_PER_SEC;
}

/* ---- policy and due times ------------------------------------------------ */

void
fl_sla_policy_init_defaults (FlSlaPolicy *policy)
{
  g_return_if_fail (policy != NULL);
  /* 事件优先级响应和处理时间 (working hours, holidays excluded). */
  static const int response_hours[FL_N_PRIORITIES] = { 24, 24, 24, 48 };
  static const int resolve_hours[FL_N_PRIORITIES] = { 48, 72, 96, 150 };
  for (int p = 0; p < FL_N_PRIORITIES; p++)
    {
      policy->response_minutes[p] = response_hours[p] * 60;
      policy->resolve_minutes[p] = resolve_hours[p] * 60;
    }
}

void
fl_sla_policy_set (FlSlaPolicy *policy, FlPriority priority, int response_minutes, int resolve_minutes)
{
  g_return_if_fail (policy != NULL);
  g_return_if_fail ((guint) priority < FL_N_PRIORITIES);
  policy->response_minutes[priority] = response_minutes;
  policy->resolve_minutes[priority] = resolve_minutes;
}

void
fl_sla_compute_due (const FlSlaPolicy *policy, FlCalendar *calendar, FlPriority priority,
                    gint64 created_at, gint64 on_hold_seconds,
                    gint64 *response_due, gint64 *resolve_due)
{
  g_return_if_fail (policy != NULL && calendar != NULL);
  g_return_if_fail ((guint) priority < FL_N_PRIORITIES);

  /* Hold time was measured in the same calendar's working time, so adding it
   * to the target (rather than to the due instant) moves the due time by
   * exactly the working time lost, across nights and weekends alike. */
  gint64 hold = CLAMP (on_hold_seconds, 0, (gint64) MAX_SPAN_DAYS * 24 * 3600);
  gint64 resolve_seconds = (gint64) policy->resolve_minutes[priority] * 60 + hold;
  if (response_due != NULL)
    *response_due = fl_calendar_add_working_time (calendar, created_at,
                                                  (gint64) policy->response_minutes[priority] * 60);
  if (resolve_due != NULL)
    *resolve_due = fl_calendar_add_working_time (calendar, created_at, resolve_seconds);
}

gboolean
fl_sla_is_overdue (gint64 due, gint64 now)
{
  return due != 0 && now > due;
}

gint64
fl_sla_time_left (FlCalendar *calendar, gint64 due, gint64 now)
{
  g_return_val_if_fail (calendar != NULL, 0);
  if (now <= due)
    return fl_calendar_working_seconds_between (calendar, now, due);
  return -fl_calendar_working_seconds_between (calendar, due, now);
}

static char *
format_duration (gint64 seconds)
{
  int hours = (int) (seconds / 3600), minutes = (int) (seconds % 3600 / 60);
  if (hours == 0)
    /* Translators: a duration in working time, "45 min" */
    return g_strdup_printf (_("%d min"), minutes);
  if (minutes == 0)
    /* Translators: a duration in working time, "24 h" */
    return g_strdup_printf (_("%d h"), hours);
  /* Translators: a duration in working time, "5 h 30 min" */
  return g_strdup_printf (_("%d h %d min"), hours, minutes);
}

char *
fl_sla_describe (FlCalendar *calendar, gint64 due, gint64 now, gint64 on_hold_since)
{
  g_return_val_if_fail (calendar != NULL, NULL);
  if (due == 0)
    return NULL;

  /* On hold the clock stopped when the hold began: show it as it stood then. */
  gint64 at = on_hold_since != 0 ? on_hold_since : now;
  gint64 left = fl_sla_time_left (calendar, due, at);
  g_autofree char *state = NULL;
  if (!fl_sla_is_overdue (due, at))
    {
      g_autofree char *duration = format_duration (left);
      /* Translators: "5 h 30 min left" until the SLA due time */
      state = g_strdup_printf (_("%s left"), duration);
    }
  else if (-left < 60)
    /* Past due, but no working minute has passed since (an evening, a weekend). */
    state = g_strdup (_("Overdue"));
  else
    {
      g_autofree char *duration = format_duration (-left);
      /* Translators: "Overdue by 2 h" past the SLA due time */
      state = g_strdup_printf (_("Overdue by %s"), duration);
    }
  if (on_hold_since == 0)
    return g_steal_pointer (&state);
  /* Translators: "5 h 30 min left" or "Overdue by 2 h", then that the clock is stopped */
  return g_strdup_printf (_("%s, paused on hold"), state);
}
