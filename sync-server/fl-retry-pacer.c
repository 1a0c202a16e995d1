#include "fl-retry-pacer.h"

/* Each observed run weighs 1/8 of the mean: the pace follows a change of
 * load within a few runs, and one slow stream does not make it jump. */
#define WEIGHT_SHIFT 3

struct _FlRetryPacer
{
  guint  workers;
  guint  longest_s;
  gint64 mean_us;
  gint64 next_place_us;  /* the last place handed out (monotonic time) */
};

FlRetryPacer *
fl_retry_pacer_new (guint workers, gint64 first_guess_us, guint longest_s)
{
  g_return_val_if_fail (workers > 0 && first_guess_us > 0 && longest_s > 0, NULL);
  FlRetryPacer *pacer = g_new0 (FlRetryPacer, 1);
  pacer->workers = workers;
  pacer->longest_s = longest_s;
  pacer->mean_us = first_guess_us;
  return pacer;
}

void
fl_retry_pacer_free (FlRetryPacer *pacer)
{
  g_free (pacer);
}

void
fl_retry_pacer_observe (FlRetryPacer *pacer, gint64 duration_us)
{
  g_return_if_fail (pacer != NULL);
  duration_us = MAX (duration_us, 1);
  pacer->mean_us += (duration_us - pacer->mean_us) / (1 << WEIGHT_SHIFT);
  pacer->mean_us = MAX (pacer->mean_us, 1);
}

gint64
fl_retry_pacer_mean (FlRetryPacer *pacer)
{
  g_return_val_if_fail (pacer != NULL, 0);
  return pacer->mean_us;
}

guint
fl_retry_pacer_refuse (FlRetryPacer *pacer, gint64 now_us)
{
  g_return_val_if_fail (pacer != NULL, 1);
  gint64 longest_us = (gint64) pacer->longest_s * G_USEC_PER_SEC;
  /* Places past the longest wait are not handed out: the schedule would
   * only run further ahead of the time its requests come back. */
  gint64 place = MAX (pacer->next_place_us, now_us) + MAX (pacer->mean_us / pacer->workers, 1);
  place = MIN (place, now_us + longest_us);
  pacer->next_place_us = place;
  gint64 wait_s = (place - now_us + G_USEC_PER_SEC - 1) / G_USEC_PER_SEC;
  return (guint) CLAMP (wait_s, 1, (gint64) pacer->longest_s);
}
