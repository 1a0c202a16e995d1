#include <fieldline.h>

static void
test_round_trip (void)
{
  gint64 usec = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_time_parse ("2026-11-22T09:30:15.250Z", &usec, &error));
  g_assert_no_error (error);
  g_autofree char *text = fl_time_format (usec);
  g_assert_cmpstr (text, ==, "2026-11-22T09:30:15.250Z");
}

static void
test_offset_normalised_to_utc (void)
{
  gint64 usec = 0;
  g_assert_true (fl_time_parse ("2026-11-22T17:30:00+08:00", &usec, NULL));
  g_autofree char *text = fl_time_format (usec);
  g_assert_cmpstr (text, ==, "2026-11-22T09:30:00.000Z");
}

static void
test_garbage_refused (void)
{
  gint64 usec = 0;
  g_autoptr(GError) error = NULL;
  g_assert_false (fl_time_parse ("yesterday", &usec, &error));
  g_assert_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID);
  g_assert_nonnull (g_strstr_len (error->message, -1, "yesterday"));
}

static void
test_wall_time (void)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_offset (8 * 3600);
  gint64 usec = 0;
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_time_parse_wall ("2026-11-22 21:30", shanghai, &usec, &error));
  g_assert_no_error (error);
  g_autofree char *text = fl_time_format (usec);
  g_assert_cmpstr (text, ==, "2026-11-22T13:30:00.000Z");
  g_assert_true (fl_time_parse_wall ("2026-02-28", shanghai, &usec, NULL));
  g_autofree char *midnight = fl_time_format (usec);
  g_assert_cmpstr (midnight, ==, "2026-02-27T16:00:00.000Z");
  g_assert_true (fl_time_parse_wall ("2028-02-29 23:59", shanghai, &usec, NULL));
}

static void
test_wall_time_hostile (void)
{
  g_autoptr(GTimeZone) shanghai = g_time_zone_new_offset (8 * 3600);
  const char *hostile[] = {
    "99999999999-01-01 10:00", "2147483648-01-01 10:00", "-2026-01-01 10:00",
    "2026-13-01", "2026-00-10", "2026-02-30", "2027-02-29", "2026-04-31",
    "2026-01-01 25:00", "2026-01-01 24:00", "2026-01-01 10:60", "2026-01-01 -1:00",
    "2026-01-01 10:00 tomorrow", "2026-01-01 10:00x", "2026-01-01x", "2026-01-01 ",
    "2026-01-01 10", "2026-1-01", " 2026-01-01", "+2026-01-01", "0000-01-01",
    "2026-01-01T10:00", "", "yesterday",
  };
  for (gsize i = 0; i < G_N_ELEMENTS (hostile); i++)
    {
      gint64 usec = 42;
      g_autoptr(GError) error = NULL;
      if (fl_time_parse_wall (hostile[i], shanghai, &usec, &error))
        g_error ("“%s” was read as a time", hostile[i]);
      g_assert_error (error, FL_TIME_ERROR, FL_TIME_ERROR_INVALID);
      g_assert_cmpint (usec, ==, 42);
    }
  gint64 usec = 42;
  g_assert_false (fl_time_parse_wall (NULL, shanghai, &usec, NULL));
}

static void
test_wall_time_skipped_by_clock_change (void)
{
  /* 2026-03-29 02:30 never appears on a clock in Berlin. */
  g_autoptr(GTimeZone) berlin = g_time_zone_new_identifier ("Europe/Berlin");
  if (berlin == NULL)
    {
      g_test_skip ("no Europe/Berlin zone data");
      return;
    }
  gint64 usec = 0;
  g_assert_false (fl_time_parse_wall ("2026-03-29 02:30", berlin, &usec, NULL));
  g_assert_true (fl_time_parse_wall ("2026-03-29 03:30", berlin, &usec, NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/round-trip", test_round_trip);
  g_test_add_func ("/time/offset", test_offset_normalised_to_utc);
  g_test_add_func ("/time/garbage", test_garbage_refused);
  g_test_add_func ("/time/wall", test_wall_time);
  g_test_add_func ("/time/wall-hostile", test_wall_time_hostile);
  g_test_add_func ("/time/wall-skipped", test_wall_time_skipped_by_clock_change);
  return g_test_run ();
}
