#include "fl-metrics.h"

#include <string.h>

/* Latency buckets in seconds: the 50 ms / 100 ms targets sit on bucket edges. */
static const double buckets[] = { 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5 };
#define N_BUCKETS G_N_ELEMENTS (buckets)

typedef struct {
  guint64 counts[N_BUCKETS];  /* cumulative at render time, per bucket here */
  guint64 count;
  double  sum;
} Histogram;

struct _FlMetrics
{
  GMutex      lock;
  GHashTable *requests;    /* "route\tstatus" -> guint64* */
  GHashTable *latency;     /* route -> Histogram* */
  GHashTable *mutations;   /* status -> guint64* */
  guint64     push_commits;
  guint64     push_commit_requests;
};

FlMetrics *
fl_metrics_new (void)
{
  FlMetrics *metrics = g_new0 (FlMetrics, 1);
  g_mutex_init (&metrics->lock);
  metrics->requests = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  metrics->latency = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  metrics->mutations = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  /* Every outcome is listed from the start, so a rate over it never starts from nothing. */
  static const char * const statuses[] = { "applied", "merged", "conflict", "rejected" };
  for (guint i = 0; i < G_N_ELEMENTS (statuses); i++)
    g_hash_table_insert (metrics->mutations, g_strdup (statuses[i]), g_new0 (guint64, 1));
  return metrics;
}

void
fl_metrics_free (FlMetrics *metrics)
{
  if (metrics == NULL)
    return;
  g_hash_table_unref (metrics->requests);
  g_hash_table_unref (metrics->latency);
  g_hash_table_unref (metrics->mutations);
  g_mutex_clear (&metrics->lock);
  g_free (metrics);
}

static guint64 *
counter (GHashTable *table, const char *key)
{
  guint64 *value = g_hash_table_lookup (table, key);
  if (value == NULL)
    {
      value = g_new0 (guint64, 1);
      g_hash_table_insert (table, g_strdup (key), value);
    }
  return value;
}

void
fl_metrics_observe_request (FlMetrics *metrics, const char *route, guint status, gint64 duration_usec)
{
  char key[256];
  g_snprintf (key, sizeof key, "%s\t%u", route, status);
  double seconds = (double) duration_usec / G_USEC_PER_SEC;

  g_mutex_lock (&metrics->lock);
  (*counter (metrics->requests, key))++;
  Histogram *h = g_hash_table_lookup (metrics->latency, route);
  if (h == NULL)
    {
      h = g_new0 (Histogram, 1);
      g_hash_table_insert (metrics->latency, g_strdup (route), h);
    }
  for (guint i = 0; i < N_BUCKETS; i++)
    if (seconds <= buckets[i])
      {
        h->counts[i]++;
        break;
      }
  h->count++;
  h->sum += seconds;
  g_mutex_unlock (&metrics->lock);
}

void
fl_metrics_count_mutation (FlMetrics *metrics, const char *status, guint n)
{
  g_mutex_lock (&metrics->lock);
  *counter (metrics->mutations, status) += n;
  g_mutex_unlock (&metrics->lock);
}

void
fl_metrics_count_push_commit (FlMetrics *metrics, guint requests)
{
  g_mutex_lock (&metrics->lock);
  metrics->push_commits++;
  metrics->push_commit_requests += requests;
  g_mutex_unlock (&metrics->lock);
}

static GList *
sorted_keys (GHashTable *table)
{
  return g_list_sort (g_hash_table_get_keys (table), (GCompareFunc) strcmp);
}

char *
fl_metrics_render (FlMetrics *metrics)
{
  GString *out = g_string_new (NULL);
  char number[G_ASCII_DTOSTR_BUF_SIZE];

  g_mutex_lock (&metrics->lock);
  g_string_append (out,
                   "# HELP fieldline_http_requests_total HTTP requests answered, by route and status.\n"
                   "# TYPE fieldline_http_requests_total counter\n");
  g_autoptr(GList) keys = sorted_keys (metrics->requests);
  for (GList *l = keys; l != NULL; l = l->next)
    {
      const char *key = l->data;
      const char *tab = strchr (key, '\t');
      g_string_append_printf (out, "fieldline_http_requests_total{route=\"%.*s\",code=\"%s\"} %" G_GUINT64_FORMAT "\n",
                              (int) (tab - key), key, tab + 1,
                              *(guint64 *) g_hash_table_lookup (metrics->requests, key));
    }

  g_string_append (out,
                   "# HELP fieldline_http_request_duration_seconds Time from request to response, by route.\n"
                   "# TYPE fieldline_http_request_duration_seconds histogram\n");
  g_autoptr(GList) routes = sorted_keys (metrics->latency);
  for (GList *l = routes; l != NULL; l = l->next)
    {
      Histogram *h = g_hash_table_lookup (metrics->latency, l->data);
      guint64 cumulative = 0;
      for (guint i = 0; i < N_BUCKETS; i++)
        {
          cumulative += h->counts[i];
          g_string_append_printf (out, "fieldline_http_request_duration_seconds_bucket{route=\"%s\",le=\"%s\"} %"
                                  G_GUINT64_FORMAT "\n", (const char *) l->data,
                                  g_ascii_formatd (number, sizeof number, "%g", buckets[i]), cumulative);
        }
      g_string_append_printf (out, "fieldline_http_request_duration_seconds_bucket{route=\"%s\",le=\"+Inf\"} %"
                              G_GUINT64_FORMAT "\n", (const char *) l->data, h->count);
      g_string_append_printf (out, "fieldline_http_request_duration_seconds_sum{route=\"%s\"} %s\n",
                              (const char *) l->data, g_ascii_formatd (number, sizeof number, "%.6f", h->sum));
      g_string_append_printf (out, "fieldline_http_request_duration_seconds_count{route=\"%s\"} %"
                              G_GUINT64_FORMAT "\n", (const char *) l->data, h->count);
    }

  g_string_append (out,
                   "# HELP fieldline_mutations_total Pushed mutations by outcome.\n"
                   "# TYPE fieldline_mutations_total counter\n");
  g_autoptr(GList) statuses = sorted_keys (metrics->mutations);
  for (GList *l = statuses; l != NULL; l = l->next)
    g_string_append_printf (out, "fieldline_mutations_total{status=\"%s\"} %" G_GUINT64_FORMAT "\n",
                            (const char *) l->data,
                            *(guint64 *) g_hash_table_lookup (metrics->mutations, l->data));
  g_string_append_printf (out,
                          "# HELP fieldline_push_commits_total Commits of pushes (several waiting pushes share one).\n"
                          "# TYPE fieldline_push_commits_total counter\n"
                          "fieldline_push_commits_total %" G_GUINT64_FORMAT "\n"
                          "# HELP fieldline_push_commit_requests_total Pushes answered 200 in those commits.\n"
                          "# TYPE fieldline_push_commit_requests_total counter\n"
                          "fieldline_push_commit_requests_total %" G_GUINT64_FORMAT "\n",
                          metrics->push_commits, metrics->push_commit_requests);
  g_mutex_unlock (&metrics->lock);
  return g_string_free (out, FALSE);
}
