/* fl-retry-pacer.h — how long a request turned away for want of a worker
 * is told to wait.
 *
 * When every snapshot worker is busy and their queue is full, the server
 * answers 503 with Retry-After.  One fixed wait sends a crowd that arrived
 * together (a shift starting, a site's network coming back) back together,
 * to be turned away again, and makes a short queue wait far longer than its
 * work.  The pacer instead hands each refused request the next free place
 * in a schedule: places are one mean run time divided by the workers apart,
 * the mean taken over the runs that finished lately.  A crowd comes back
 * spread out, at about the pace the workers take it in.
 *
 * Not thread-safe: the server's thread refuses and observes. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FlRetryPacer FlRetryPacer;

/* `workers` runs at once; `first_guess_us` stands for the mean run time
 * until a run has been observed; a wait is at most `longest_s` seconds. */
FlRetryPacer *fl_retry_pacer_new  (guint workers, gint64 first_guess_us, guint longest_s);
void          fl_retry_pacer_free (FlRetryPacer *pacer);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlRetryPacer, fl_retry_pacer_free)

/* A run ended after `duration_us` (from its request's arrival). */
void  fl_retry_pacer_observe (FlRetryPacer *pacer, gint64 duration_us);
/* The mean run time the pacer goes by now, in microseconds. */
gint64 fl_retry_pacer_mean (FlRetryPacer *pacer);
/* The seconds (1 to longest_s) a request refused at `now_us` (monotonic
 * time) is to wait: the next free place, which it then holds. */
guint fl_retry_pacer_refuse (FlRetryPacer *pacer, gint64 now_us);

G_END_DECLS
