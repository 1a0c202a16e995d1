/* fl-sla.h — priorities and SLA due times.
 *
 * The rules come from the service standards (see docs DESIGN.md "SLA rules"):
 * priority from impact x urgency, response and resolution targets counted in
 * working time of the site's calendar (coverage, time zone, holidays and the
 * adjusted working days of China's holiday rules).  Everything here is pure
 * computation, so the client derives the same due times offline as the
 * server does. */
#pragma once

#include <glib-object.h>

G_BEGIN_DECLS

#define FL_SLA_ERROR (fl_sla_error_quark ())
typedef enum {
  FL_SLA_ERROR_INVALID_DATE,       /* a holiday or working day that is not YYYY-MM-DD */
  FL_SLA_ERROR_INVALID_TIME_ZONE,  /* not an IANA zone known to this system */
} FlSlaError;
GQuark fl_sla_error_quark (void);

/* Highest first, so that comparing values orders by urgency of handling. */
typedef enum {
  FL_PRIORITY_HIGH,
  FL_PRIORITY_MEDIUM,
  FL_PRIORITY_NORMAL,
  FL_PRIORITY_LOW,
} FlPriority;
#define FL_N_PRIORITIES 4

const char *fl_priority_to_string (FlPriority priority);    /* "high" | "medium" | "normal" | "low" */
gboolean    fl_priority_from_string (const char *text, FlPriority *priority);
const char *fl_priority_get_label (FlPriority priority);    /* translated, for people */
const char *fl_priority_label_for_name (const char *text);  /* the same from "high"...; unknown: as given */

/* impact 1 company business .. 4 one person; urgency 1 urgent .. 4 low. */
FlPriority  fl_sla_priority (int impact, int urgency);

typedef enum {
  FL_COVERAGE_5X9,   /* Monday-Friday in working hours; holidays off, adjusted working days on */
  FL_COVERAGE_7X9,   /* every day in working hours; holidays off */
  FL_COVERAGE_7X24,  /* all hours of every day, holidays included */
} FlCoverage;

const char *fl_coverage_to_string (FlCoverage coverage);    /* "5x9" | "7x9" | "7x24" */
gboolean    fl_coverage_from_string (const char *text, FlCoverage *coverage);

/* A site's working-time calendar.  Refcounted and immutable in use: build it
 * once, then share it between threads only for reading. */
typedef struct _FlCalendar FlCalendar;

#define FL_TYPE_CALENDAR (fl_calendar_get_type ())
GType       fl_calendar_get_type (void) G_GNUC_CONST;

/* time_zone: an IANA identifier such as "Europe/Berlin"; NULL or "" means
 * Asia/Shanghai.  An unknown zone also falls back to Asia/Shanghai (with a
 * warning); check input with fl_calendar_check_time_zone() first. */
FlCalendar *fl_calendar_new (const char *time_zone, FlCoverage coverage);
FlCalendar *fl_calendar_ref (FlCalendar *calendar);
void        fl_calendar_unref (FlCalendar *calendar);

gboolean    fl_calendar_check_time_zone (const char *time_zone, GError **error);

FlCoverage  fl_calendar_get_coverage (FlCalendar *calendar);
GTimeZone  *fl_calendar_get_time_zone (FlCalendar *calendar);  /* transfer none */

/* Local opening hours as minutes after midnight, open < close <= 1440;
 * 09:00-18:00 (540, 1080) by default.  Ignored for 7x24. */
void        fl_calendar_set_working_hours (FlCalendar *calendar, int open_minute, int close_minute);

/* The working time of one working day: the opening hours (9 h for
 * 09:00-18:00), 24 h for 7x24.  "1 working day" of a target is this much. */
gint64      fl_calendar_get_working_day_seconds (FlCalendar *calendar);

/* A day off (ignored for 7x24), and a weekend day that is worked (5x9 only).
 * The last call for a date wins. */
void        fl_calendar_add_holiday (FlCalendar *calendar, int year, int month, int day);
void        fl_calendar_add_working_day (FlCalendar *calendar, int year, int month, int day);

/* Both lists are comma-separated YYYY-MM-DD, either may be NULL or empty.
 * All or nothing: on a bad date (named in the error) or a date in both lists,
 * the calendar is left unchanged. */
gboolean    fl_calendar_add_days_from_string (FlCalendar *calendar, const char *holidays_csv,
                                              const char *working_days_csv, GError **error);

/* Whether the local date of the site has working hours at all. */
gboolean    fl_calendar_is_working_day (FlCalendar *calendar, int year, int month, int day);

/* The earliest instant at which `working_seconds` of working time have passed
 * since `start_usec` (µs since the epoch, UTC).  Outside working hours the
 * clock starts at the next opening; 0 or less returns `start_usec`.  Time is
 * counted within a century of the start: more working time than that holds
 * (or than a century of seconds) is due at its end. */
gint64      fl_calendar_add_working_time (FlCalendar *calendar, gint64 start_usec,
                                          gint64 working_seconds);

/* Working seconds in [from_usec, to_usec), 0 if to_usec <= from_usec;
 * counted over the first century of the span at most. */
gint64      fl_calendar_working_seconds_between (FlCalendar *calendar, gint64 from_usec,
                                                 gint64 to_usec);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlCalendar, fl_calendar_unref)

/* Targets in working minutes, indexed by FlPriority. */
typedef struct {
  int response_minutes[FL_N_PRIORITIES];
  int resolve_minutes[FL_N_PRIORITIES];
} FlSlaPolicy;

/* Response 24/24/24/48 h, resolution 48/72/96/150 h for high..low. */
void        fl_sla_policy_init_defaults (FlSlaPolicy *policy);
void        fl_sla_policy_set (FlSlaPolicy *policy, FlPriority priority,
                               int response_minutes, int resolve_minutes);

/* Both clocks start at created_at.  on_hold_seconds is the working time the
 * order spent on hold (fl_calendar_working_seconds_between over each hold)
 * and extends the resolution due time only: response is met by the first
 * start of work, which comes before any hold. */
void        fl_sla_compute_due (const FlSlaPolicy *policy, FlCalendar *calendar,
                                FlPriority priority, gint64 created_at, gint64 on_hold_seconds,
                                gint64 *response_due, gint64 *resolve_due);

/* Overdue strictly after the due instant (done exactly at it is on time, as
 * the KPIs count it).  A due time of 0 (none) is never overdue. */
gboolean    fl_sla_is_overdue (gint64 due, gint64 now);

/* Working seconds from now until due; negative by the working time already
 * past it.  Overdue by no working time yet (an evening, a weekend) gives 0:
 * ask fl_sla_is_overdue() to tell that from "due now". */
gint64      fl_sla_time_left (FlCalendar *calendar, gint64 due, gint64 now);

/* A translated badge in working time: "5 h 30 min left", "Overdue by 2 h";
 * with on_hold_since != 0 the time left frozen at that instant plus "paused
 * on hold", since the resolution clock does not run while on hold.  NULL
 * when due is 0 (no due time). */
char       *fl_sla_describe (FlCalendar *calendar, gint64 due, gint64 now, gint64 on_hold_since);

G_END_DECLS
