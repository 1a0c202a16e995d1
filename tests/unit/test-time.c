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

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/time/round-trip", test_round_trip);
  g_test_add_func ("/time/offset", test_offset_normalised_to_utc);
  g_test_add_func ("/time/garbage", test_garbage_refused);
  return g_test_run ();
}
