/* bench-app — the client's main window over a replica of 100,000 work
 * orders (or N): time to the first frame with the list filled, latency of
 * search and filters (the query in the worker, and from the change to the
 * repainted list beside one repaint of this display), scrolling far into
 * the list, and resident memory; each beside its target from the design
 * (first window < 1 s, each query < 10 ms, search/filter < 50 ms, memory
 * < 150 MiB).  The replica is built first, then measured by a fresh process
 * that opens it, as the client opens its replica when it starts.
 *
 * Needs a display (run it under Xvfb like the UI tests):
 *   xvfb-run -a build/bench/bench-app [N]
 * GSETTINGS_SCHEMA_DIR must point at the build's data directory (the
 * program sets it when it is unset). */
#include <adwaita.h>
#include <fieldline.h>
#include <fl-work-order.h>
#include <glib/gstdio.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fl-session.h"
#include "fl-window.h"
#include "fl-work-order-list-page.h"
#include "fl-work-order-model.h"

#define TARGET_FIRST_FRAME_S 1.0
#define TARGET_QUERY_S       0.050
#define TARGET_WORKER_S      0.010
#define TARGET_RSS_MIB       150.0

static const char * const titles[] = {
  "打印机卡纸 Printer jam in ward %u", "LIS 接口中断 LIS interface down", "UPS 电池告警 UPS battery alarm",
  "服务器电源故障 Server power supply failed", "PACS 影像无法调阅 PACS images will not open",
  "开通 VPN 账号 VPN access for %u", "HIS 数据库连接超时 HIS database timeouts", "交换机端口闪断 Switch port flapping",
  "门诊叫号屏黑屏 Queue display blank in clinic %u", "邮箱容量已满 Mailbox full", "新员工电脑安装 New starter PC",
  "机房空调告警 Server room A/C alarm", "备份作业失败 Backup job failed on DB-%02u", "无线网络信号弱 Weak Wi-Fi on floor %u",
};
static const char * const statuses[] = {
  "closed", "closed", "closed", "closed", "resolved", "in_progress", "assigned", "new", "on_hold", "cancelled",
};

static char *
store_site (FlDb *db, const char *code, const char *name)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) row = json_object_new ();
  g_autofree char *now = fl_time_format (fl_time_now ());
  char *id = fl_uuid7_new ();
  json_object_set_string_member (row, "id", id);
  json_object_set_string_member (row, "version", "1");
  json_object_set_string_member (row, "created_at", now);
  json_object_set_string_member (row, "updated_at", now);
  json_object_set_string_member (row, "code", code);
  json_object_set_string_member (row, "name", name);
  json_object_set_string_member (row, "time_zone", "Asia/Shanghai");
  json_object_set_string_member (row, "coverage", "5x9");
  if (!fl_record_store (db, fl_schema_lookup ("site"), row, NULL, &error))
    g_error ("%s", error->message);
  return id;
}

/* Work orders as a snapshot would bring them: a year of history, a tenth
 * of it assigned to the signed-in engineer, a few hundred still open. */
static void
fill_replica (FlDb *db, guint n)
{
  g_autoptr(GError) error = NULL;
  const FlTable *table = fl_schema_lookup ("work_order");
  if (!fl_db_begin (db, &error) || !fl_replica_pause_search_index (db, &error))
    g_error ("%s", error->message);
  char *sites[4] = {
    store_site (db, "HOSP1", "第一人民医院 First People's Hospital"),
    store_site (db, "HOSP2", "市妇幼保健院 Maternity and Child Health Hospital"),
    store_site (db, "HOSP3", "浙江省人民医院 Provincial People's Hospital"),
    store_site (db, "CLIN1", "社区卫生服务中心 Community Clinic"),
  };
  static const char * const people[] = { "zhang.wei", "li.na", "chenjie", "tom.wu", "huangyan", "zhaolei",
                                          "sarah.lin", "wang.fang", "liu.yang", "sun.li" };
  gint64 now = fl_time_now ();
  for (guint i = 0; i < n; i++)
    {
      g_autoptr(JsonObject) wo = json_object_new ();
      char id[37];
      fl_uuid7_generate (id);
      /* Older first, so that rowid order follows time as in a real replica. */
      gint64 created = now - (gint64) (n - i) * (365 * G_TIME_SPAN_DAY / n);
      gboolean recent = i > n - n / 50;  /* the last 2% are still open */
      const char *status = recent ? statuses[5 + i % 5] : statuses[i % 5];
      g_autofree char *created_text = fl_time_format (created);
      g_autofree char *response_due = fl_time_format (created + 24 * G_TIME_SPAN_HOUR);
      g_autofree char *resolve_due = fl_time_format (created + 72 * G_TIME_SPAN_HOUR);
      g_autofree char *ref = g_strdup_printf ("INC-%06u-BEN-%04u", 261100 + (i / 3000) % 30, i % 10000);
      g_autofree char *title = g_strdup_printf (titles[i % G_N_ELEMENTS (titles)], i % 37 + 1);
      json_object_set_string_member (wo, "id", id);
      json_object_set_string_member (wo, "version", "1");
      json_object_set_string_member (wo, "created_at", created_text);
      json_object_set_string_member (wo, "updated_at", created_text);
      json_object_set_string_member (wo, "ref", ref);
      json_object_set_string_member (wo, "kind", i % 5 == 0 ? "request" : "incident");
      json_object_set_string_member (wo, "title", title);
      json_object_set_string_member (wo, "description", "病房护士站报告；Reported by the ward nurse station.");
      json_object_set_string_member (wo, "site_id", sites[i % 4]);
      json_object_set_int_member (wo, "impact", 1 + i % 4);
      json_object_set_int_member (wo, "urgency", 1 + (i / 4) % 4);
      json_object_set_string_member (wo, "priority", fl_priority_to_string (fl_sla_priority (1 + i % 4, 1 + (i / 4) % 4)));
      json_object_set_string_member (wo, "status", status);
      json_object_set_string_member (wo, "assignee", people[i % G_N_ELEMENTS (people)]);
      json_object_set_string_member (wo, "response_due", response_due);
      json_object_set_string_member (wo, "resolve_due", resolve_due);
      if (!g_str_equal (status, "new") && !g_str_equal (status, "assigned"))
        json_object_set_string_member (wo, "responded_at", created_text);
      if (!fl_record_store (db, table, wo, NULL, &error))
        g_error ("%s", error->message);
    }
  for (guint i = 0; i < G_N_ELEMENTS (sites); i++)
    g_free (sites[i]);
  if (!fl_replica_resume_search_index (db, &error) || !fl_db_commit (db, &error))
    g_error ("%s", error->message);
}

/* ---- measuring frames ---- */

typedef struct {
  GMainLoop        *loop;
  FlWorkOrderModel *model;
  gboolean          waiting;   /* for the first frame painted with the model settled */
  gint64            painted;   /* monotonic time of that frame */
} Frames;

static void
after_paint_cb (GdkFrameClock *clock, Frames *frames)
{
  if (!frames->waiting || fl_work_order_model_get_loading (frames->model))
    return;
  frames->waiting = FALSE;
  frames->painted = g_get_monotonic_time ();
  g_main_loop_quit (frames->loop);
}

static gboolean
timeout_cb (gpointer data)
{
  g_error ("No frame after 30 s");
  return G_SOURCE_REMOVE;
}

/* Runs until a frame is painted with the model's query done; returns when. */
static gint64
wait_for_frame (Frames *frames, GtkWidget *window)
{
  frames->waiting = TRUE;
  gtk_widget_queue_draw (window);
  guint timeout = g_timeout_add_seconds (30, timeout_cb, NULL);
  g_main_loop_run (frames->loop);
  g_source_remove (timeout);
  return frames->painted;
}

static guint
count_children (GtkWidget *widget)
{
  guint n = 0;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    n++;
  return n;
}

/* CPU seconds of this (the main) thread: what the UI work costs, however
 * many other programs share the machine. */
static double
main_cpu (void)
{
  struct timespec now;
  clock_gettime (CLOCK_THREAD_CPUTIME_ID, &now);
  return now.tv_sec + now.tv_nsec / 1e9;
}

static double
resident_mib (const char *field)
{
  g_autofree char *status = NULL;
  if (!g_file_get_contents ("/proc/self/status", &status, NULL, NULL))
    return -1;
  const char *line = strstr (status, field);
  return line != NULL ? g_ascii_strtod (line + strlen (field), NULL) / 1024.0 : -1;
}

static void
report (const char *what, double seconds, double target)
{
  printf ("  %-34s %8.1f ms   target < %5.0f ms   %s (%.2f of the limit)\n", what, seconds * 1000,
          target * 1000, seconds < target ? "ok  " : "SLOW", seconds / target);
}

/* Builds a replica of `n` work orders (at `kept`, or in a directory of its
 * own removed afterwards) and measures it in a fresh process of this
 * program; returns that process's exit status. */
static int
build_and_measure (const char *program, guint n, const char *kept)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("fieldline-bench-app-XXXXXX", &error);
  g_assert_no_error (error);
  g_autofree char *path = kept != NULL ? g_strdup (kept) : g_build_filename (dir, "replica.db", NULL);
  {
    gint64 start = g_get_monotonic_time ();
    g_autoptr(FlDb) db = fl_db_open_replica (path, &error);
    g_assert_no_error (error);
    fl_db_set_meta (db, FL_META_DEVICE_CODE, "BEN", &error);
    fill_replica (db, n);
    fl_db_close (db);
    printf ("bench-app: replica of %u work orders built in %.1f s (not measured below)\n", n,
            (g_get_monotonic_time () - start) / 1e6);
  }
  fflush (stdout);
  g_autofree char *count = g_strdup_printf ("%u", n);
  const char *child_argv[] = { program, count, NULL };
  g_auto(GStrv) env = g_environ_setenv (g_get_environ (), "FIELDLINE_REPLICA", path, TRUE);
  int status = 1;
  if (!g_spawn_sync (NULL, (char **) child_argv, env, G_SPAWN_DEFAULT, NULL, NULL, NULL, NULL, &status, &error))
    g_error ("%s", error->message);
  if (kept == NULL)
    {
      static const char * const suffixes[] = { "", "-wal", "-shm" };
      for (guint i = 0; i < G_N_ELEMENTS (suffixes); i++)
        {
          g_autofree char *file = g_strconcat (path, suffixes[i], NULL);
          g_remove (file);
        }
    }
  g_rmdir (dir);
  return g_spawn_check_wait_status (status, NULL) ? 0 : 1;
}

int
main (int argc, char **argv)
{
  guint n = argc > 1 ? (guint) g_ascii_strtoull (argv[1], NULL, 10) : 100000;
  /* FIELDLINE_REPLICA: a replica built by an earlier run (kept, for
   * profiling) or by this program just before it started this process. */
  const char *path = g_getenv ("FIELDLINE_REPLICA");
  if (path == NULL || !g_file_test (path, G_FILE_TEST_EXISTS))
    return build_and_measure (argv[0], n, path);

  g_setenv ("GSETTINGS_BACKEND", "memory", TRUE);
  g_setenv ("GSETTINGS_SCHEMA_DIR", FL_BENCH_SCHEMA_DIR, FALSE);
  g_setenv ("GSK_RENDERER", "cairo", FALSE);
  g_setenv ("GTK_A11Y", "none", FALSE);
  if (!gtk_init_check ())
    {
      fprintf (stderr, "bench-app needs a display: run it as xvfb-run -a %s\n", argv[0]);
      return 2;
    }
  adw_init ();
  printf ("bench-app: a fresh process opening the replica %s\n", path);
  g_autoptr(GError) error = NULL;

  /* First window: open the replica, build the window, query, paint. */
  Frames frames = { g_main_loop_new (NULL, FALSE) };
  gint64 start = g_get_monotonic_time ();
  g_autoptr(FlDb) db = fl_db_open_replica (path, &error);
  g_assert_no_error (error);
  g_autoptr(FlSession) session = fl_session_new (db, "zhang.wei");
  FlWindow *window = fl_window_new (NULL, session, NULL);
  gtk_window_set_default_size (GTK_WINDOW (window), 1280, 800);
  FlWorkOrderListPage *list = FL_WORK_ORDER_LIST_PAGE (fl_window_get_page (window, "my-work"));
  frames.model = fl_work_order_list_page_get_model (list);
  gtk_widget_realize (GTK_WIDGET (window));
  g_signal_connect (gtk_widget_get_frame_clock (GTK_WIDGET (window)), "after-paint",
                    G_CALLBACK (after_paint_cb), &frames);
  gtk_window_present (GTK_WINDOW (window));
  double first_frame = (wait_for_frame (&frames, GTK_WIDGET (window)) - start) / 1e6;
  GListModel *model = G_LIST_MODEL (frames.model);

  printf ("\nFirst window (My work: mine and open, %u listed):\n", g_list_model_get_n_items (model));
  report ("time to the first frame", first_frame, TARGET_FIRST_FRAME_S);

  /* Search and filters, each from the change to the repainted list. */
  GtkEditable *search = GTK_EDITABLE (gtk_widget_get_template_child (GTK_WIDGET (list),
                                      FL_TYPE_WORK_ORDER_LIST_PAGE, "search_entry"));
  gtk_search_entry_set_search_delay (GTK_SEARCH_ENTRY (search), 0);
  GtkToggleButton *mine = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (list),
                                             FL_TYPE_WORK_ORDER_LIST_PAGE, "mine_toggle"));
  GtkToggleButton *open = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (list),
                                             FL_TYPE_WORK_ORDER_LIST_PAGE, "open_toggle"));
  GtkToggleButton *overdue = GTK_TOGGLE_BUTTON (gtk_widget_get_template_child (GTK_WIDGET (list),
                                                FL_TYPE_WORK_ORDER_LIST_PAGE, "overdue_toggle"));
  GtkDropDown *status = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (list),
                                       FL_TYPE_WORK_ORDER_LIST_PAGE, "status_dropdown"));
  GtkDropDown *priority = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (list),
                                         FL_TYPE_WORK_ORDER_LIST_PAGE, "priority_dropdown"));
  GtkDropDown *site = GTK_DROP_DOWN (gtk_widget_get_template_child (GTK_WIDGET (list),
                                     FL_TYPE_WORK_ORDER_LIST_PAGE, "site_dropdown"));

  /* What one frame costs on this display with nothing changed: the floor
   * under every figure below (cairo over X11 sends the whole window). */
  double frame_floor = G_MAXDOUBLE;
  for (int i = 0; i < 5; i++)
    {
      gint64 step_start = g_get_monotonic_time ();
      frame_floor = MIN (frame_floor, (wait_for_frame (&frames, GTK_WIDGET (window)) - step_start) / 1e6);
    }
  printf ("\nOne repaint with nothing changed (this display's floor): %.1f ms\n", frame_floor * 1000);

  GtkWidget *list_view = GTK_WIDGET (gtk_widget_get_template_child (GTK_WIDGET (list),
                                     FL_TYPE_WORK_ORDER_LIST_PAGE, "list_view"));
  printf ("\nSearch and filters (query in the worker + list repainted):\n");
  /* Each step: the wall time from the change to the repainted list, and
   * what it cost: CPU of the query in the worker and of the main thread
   * (building the rows, layout, painting), which do not grow with load. */
  double worst = 0, worst_query = 0, worst_cpu = 0;
#define STEP(label, change)                                                               \
  G_STMT_START {                                                                          \
    gint64 step_start = g_get_monotonic_time ();                                          \
    double cpu_start = main_cpu ();                                                       \
    change;                                                                               \
    double seconds = (wait_for_frame (&frames, GTK_WIDGET (window)) - step_start) / 1e6;  \
    double query = fl_work_order_model_get_last_query_seconds (frames.model);             \
    double ui = main_cpu () - cpu_start;                                                  \
    g_autofree char *what = g_strdup_printf ("%s (%u)", label, g_list_model_get_n_items (model)); \
    report (what, seconds, TARGET_QUERY_S);                                               \
    printf ("  %-34s %8.1f ms wall beside %.1f ms of one repaint\n", "", seconds * 1000,  \
            frame_floor * 1000);                                                          \
    printf ("  %-34s %8.1f ms query in the worker, target < %2.0f ms   %s\n", "",          \
            query * 1000, TARGET_WORKER_S * 1000, query < TARGET_WORKER_S ? "ok" : "SLOW"); \
    printf ("  %-34s %8.1f ms CPU: query %.1f + list %.1f (%u rows built)\n", "",         \
            (query + ui) * 1000, query * 1000, ui * 1000, count_children (list_view));    \
    worst = MAX (worst, seconds);                                                         \
    worst_query = MAX (worst_query, query);                                               \
    worst_cpu = MAX (worst_cpu, query + ui);                                              \
  } G_STMT_END

  STEP ("all, not only mine", gtk_toggle_button_set_active (mine, FALSE));
  STEP ("all statuses (every order)", gtk_toggle_button_set_active (open, FALSE));
  STEP ("search \"LIS\"", gtk_editable_set_text (search, "LIS"));
  STEP ("search \"打印机卡纸\"", gtk_editable_set_text (search, "打印机卡纸"));
  STEP ("search \"UPS battery\"", gtk_editable_set_text (search, "UPS battery"));
  STEP ("search \"数据\" (2 chars)", gtk_editable_set_text (search, "数据"));
  STEP ("search \"电\" (1 char)", gtk_editable_set_text (search, "电"));
  STEP ("search \"告警 UPS\"", gtk_editable_set_text (search, "告警 UPS"));
  STEP ("search \"42\" (a short code)", gtk_editable_set_text (search, "42"));
  STEP ("search a reference", gtk_editable_set_text (search, "BEN-0042"));
  STEP ("clear the search", gtk_editable_set_text (search, ""));
  STEP ("status: in progress", gtk_drop_down_set_selected (status, 3));
  STEP ("priority: high", gtk_drop_down_set_selected (priority, 1));
  STEP ("site: the second", gtk_drop_down_set_selected (site, 2));
  STEP ("reset 3 dropdowns (3 queries)", (gtk_drop_down_set_selected (status, 0), gtk_drop_down_set_selected (priority, 0),
                                gtk_drop_down_set_selected (site, 0)));
  STEP ("overdue", gtk_toggle_button_set_active (overdue, TRUE));
  STEP ("mine and open again", (gtk_toggle_button_set_active (overdue, FALSE),
                                gtk_toggle_button_set_active (open, TRUE),
                                gtk_toggle_button_set_active (mine, TRUE)));
  STEP ("every order again", (gtk_toggle_button_set_active (open, FALSE),
                              gtk_toggle_button_set_active (mine, FALSE)));

  /* Scrolling far: only the rows on screen are read. */
  printf ("\nScrolling through %u rows:\n", g_list_model_get_n_items (model));
  GtkAdjustment *adjustment = gtk_scrollable_get_vadjustment (GTK_SCROLLABLE (list_view));
  double scroll_worst = 0;
  for (int i = 1; i <= 4; i++)
    {
      gint64 step_start = g_get_monotonic_time ();
      gtk_adjustment_set_value (adjustment, gtk_adjustment_get_upper (adjustment) * i / 4.0);
      double seconds = (wait_for_frame (&frames, GTK_WIDGET (window)) - step_start) / 1e6;
      scroll_worst = MAX (scroll_worst, seconds);
    }
  report ("jump to 1/4, 1/2, 3/4, end (worst)", scroll_worst, TARGET_QUERY_S);

  double rss = resident_mib ("VmRSS:"), peak = resident_mib ("VmHWM:");
  printf ("\nMemory:\n  %-34s %8.1f MiB  target < %5.0f MiB  %s (%.2f of the limit)\n", "resident now", rss,
          TARGET_RSS_MIB, rss < TARGET_RSS_MIB ? "ok  " : "HIGH", rss / TARGET_RSS_MIB);
  printf ("  %-34s %8.1f MiB  (this process, from its start)\n", "peak resident", peak);

  printf ("\nWorst search/filter: %.1f ms wall (target < %.0f ms, one repaint %.1f ms), %.1f ms CPU\n",
          worst * 1000, TARGET_QUERY_S * 1000, frame_floor * 1000, worst_cpu * 1000);
  printf ("Worst query in the worker: %.1f ms (target < %.0f ms)\n", worst_query * 1000, TARGET_WORKER_S * 1000);
  double load[1] = { 0 };
  g_autofree char *loadavg = NULL;
  if (g_file_get_contents ("/proc/loadavg", &loadavg, NULL, NULL))
    load[0] = g_ascii_strtod (loadavg, NULL);
  printf ("Load average during the run: %.1f on %u CPUs (wall times grow with it; CPU times do not)\n",
          load[0], g_get_num_processors ());
  gboolean ok = first_frame < TARGET_FIRST_FRAME_S && worst < TARGET_QUERY_S && worst_query < TARGET_WORKER_S &&
                rss < TARGET_RSS_MIB;
  printf ("\n%s\n", ok ? "All within the targets." : "Some figures miss their targets (see above).");

  gtk_window_destroy (GTK_WINDOW (window));
  while (g_main_context_iteration (NULL, FALSE))
    ;
  g_main_loop_unref (frames.loop);
  return ok ? 0 : 1;
}
