/* The Retry-After of a snapshot turned away: a crowd is spread over the
 * time the workers take to serve it, not sent back all at once. */
#include "fl-retry-pacer.h"

#define SECOND G_USEC_PER_SEC

/* Before any run is seen, 40 requests refused at one instant are spread
 * over ten seconds (one second a run, four workers): a quarter second
 * apart, so each second of waits takes in four of them. */
static void
test_crowd_spread (void)
{
  g_autoptr(FlRetryPacer) pacer = fl_retry_pacer_new (4, SECOND, 60);
  gint64 now = 1000 * SECOND;
  guint per_wait[12] = { 0 };
  for (guint i = 0; i < 40; i++)
    {
      guint wait = fl_retry_pacer_refuse (pacer, now);
      g_assert_cmpuint (wait, >=, 1);
      g_assert_cmpuint (wait, <=, 10);
      per_wait[wait]++;
    }
  for (guint s = 1; s <= 10; s++)
    g_assert_cmpuint (per_wait[s], ==, 4);
}

/* Short runs shrink the waits to the shortest a header can say; a wait is
 * never longer than the longest, however large the crowd; and time passing
 * frees the places given out. */
static void
test_follows_runs (void)
{
  g_autoptr(FlRetryPacer) pacer = fl_retry_pacer_new (4, SECOND, 30);
  for (guint i = 0; i < 100; i++)
    fl_retry_pacer_observe (pacer, 5000);
  g_assert_cmpint (fl_retry_pacer_mean (pacer), <, 20000);
  gint64 now = 50 * SECOND;
  for (guint i = 0; i < 50; i++)
    g_assert_cmpuint (fl_retry_pacer_refuse (pacer, now), ==, 1);

  /* A slow stream moves the mean an eighth of the way, not all of it. */
  gint64 before = fl_retry_pacer_mean (pacer);
  fl_retry_pacer_observe (pacer, 80 * SECOND);
  g_assert_cmpint (fl_retry_pacer_mean (pacer), <=, before + 10 * SECOND + 1);
  g_assert_cmpint (fl_retry_pacer_mean (pacer), >, before);

  for (guint i = 0; i < 200; i++)
    g_assert_cmpuint (fl_retry_pacer_refuse (pacer, now), <=, 30);
  g_assert_cmpuint (fl_retry_pacer_refuse (pacer, now), ==, 30);
  /* A minute later the schedule is empty again. */
  for (guint i = 0; i < 100; i++)
    fl_retry_pacer_observe (pacer, 5000);
  g_assert_cmpuint (fl_retry_pacer_refuse (pacer, now + 60 * SECOND), ==, 1);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/retry-pacer/crowd-spread", test_crowd_spread);
  g_test_add_func ("/retry-pacer/follows-runs", test_follows_runs);
  return g_test_run ();
}
