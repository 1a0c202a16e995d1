#include <inttypes.h>
#include "fl-demo-data.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-accounts.h"
#include "fl-blobs.h"
#include "fl-cmdb-audit.h"
#include "fl-ids.h"
#include "fl-record.h"
#include "fl-sla-sweep.h"
#include "fl-work-order-sla.h"
#include "fl-stock-movement.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-demo-data-error-quark, fl_demo_data_error)

/* Rows written between two commits: big transactions are what makes a
 * bulk load fast; committing now and then keeps the WAL file small. */
#define ROWS_PER_COMMIT 100000
#define DAY G_TIME_SPAN_DAY
#define HOUR G_TIME_SPAN_HOUR
#define MINUTE G_TIME_SPAN_MINUTE

static const FlDemoUser demo_users[] = {
  { "admin", "系统管理员 Admin", "admin", "fieldline-admin" },
  { "zhangmin", "张敏", "supervisor", "fieldline-demo" },
  { "david.xu", "David Xu 徐达", "supervisor", "fieldline-demo" },
  { "wangfang", "王芳", "clerk", "fieldline-demo" },
  { "liwei", "李伟", "engineer", "fieldline-demo" },
  { "chenjie", "陈杰", "engineer", "fieldline-demo" },
  { "sarah.lin", "Sarah Lin 林莎", "engineer", "fieldline-demo" },
  { "zhaolei", "赵磊", "engineer", "fieldline-demo" },
  { "tom.wu", "Tom Wu 吴涛", "engineer", "fieldline-demo" },
  { "huangyan", "黄燕", "engineer", "fieldline-demo" },
};

const FlDemoUser *
fl_demo_data_users (guint *n_users)
{
  *n_users = G_N_ELEMENTS (demo_users);
  return demo_users;
}

/* China's official schedule for 2026: days off, and the weekend days
 * worked in exchange (调休). */
static const char holidays_2026[] =
  "2026-01-01,2026-01-02,2026-01-03,"
  "2026-02-15,2026-02-16,2026-02-17,2026-02-18,2026-02-19,2026-02-20,2026-02-21,2026-02-22,2026-02-23,"
  "2026-04-04,2026-04-05,2026-04-06,"
  "2026-05-01,2026-05-02,2026-05-03,2026-05-04,2026-05-05,"
  "2026-06-19,2026-06-20,2026-06-21,"
  "2026-09-25,2026-09-26,2026-09-27,"
  "2026-10-01,2026-10-02,2026-10-03,2026-10-04,2026-10-05,2026-10-06,2026-10-07";
static const char working_days_2026[] =
  "2026-01-04,2026-02-14,2026-02-28,2026-05-09,2026-09-20,2026-10-10";

typedef struct {
  const char *code;
  const char *name;
  const char *address;
  const char *coverage;
} SiteSpec;

static const SiteSpec site_specs[] = {
  { "HOSP1", "浙江省人民医院 Provincial People's Hospital", "杭州市上城区上塘路158号", "7x24" },
  { "HOSP2", "市妇幼保健院 Maternity and Child Health Hospital", "杭州市西湖区文三路305号", "5x9" },
  { "CLINIC3", "湖滨社区卫生服务中心 Hubin Community Clinic", "杭州市上城区东坡路12号", "7x9" },
  { "DC1", "医疗数据中心 Medical Data Centre", "杭州市余杭区文一西路1818号", "7x24" },
};

typedef struct {
  const char *type;
  const char *prefix;
  const char *name;
  const char *model;
  const char *system;
} CiSpec;

static const CiSpec ci_specs[] = {
  { "server", "SRV", "HIS 应用服务器 HIS application server", "Dell PowerEdge R750", "HIS" },
  { "server", "SRV", "PACS 影像服务器 PACS image server", "Huawei FusionServer 2288H V6", "PACS" },
  { "storage", "STO", "SAN 存储 SAN storage array", "Huawei OceanStor 5310", "Storage" },
  { "network switch", "SW", "核心交换机 Core switch", "H3C S12508X-AF", "Network" },
  { "network switch", "SW", "楼层接入交换机 Floor access switch", "Huawei S5735-L48T4X", "Network" },
  { "database", "DB", "HIS Oracle 数据库 HIS database", "Oracle 19c RAC", "HIS" },
  { "database", "DB", "LIS SQL Server 数据库 LIS database", "SQL Server 2019", "LIS" },
  { "UPS", "UPS", "机房 UPS Server room UPS", "APC Symmetra PX 40kW", "Power" },
};

typedef struct {
  const char *sku;
  const char *name;
  const char *model;
  const char *unit;
  int         min_stock;
  gboolean    serial_tracked;
} PartSpec;

static const PartSpec part_specs[] = {
  { "PSU-750", "服务器电源 750 W server PSU", "Dell 0M1WJ2", "pcs", 4, TRUE },
  { "HDD-2T4", "2.4 TB SAS 硬盘 hard disk", "Seagate ST2400MM0129", "pcs", 8, TRUE },
  { "SSD-960", "960 GB SSD", "Samsung PM893", "pcs", 6, TRUE },
  { "RAM-32G", "32 GB DDR4 内存 memory", "Samsung M393A4K40DB3", "pcs", 8, FALSE },
  { "SFP-10G", "10G SFP+ 光模块 optical module", "H3C SFP-XG-SX-MM850-A", "pcs", 10, TRUE },
  { "FAN-R750", "服务器风扇 server fan", "Dell 0V0XR7", "pcs", 4, FALSE },
  { "BAT-12V", "UPS 蓄电池 12 V battery", "APC SYBT5", "pcs", 12, FALSE },
  { "CAB-CAT6", "六类网线 Cat 6 patch cable 3 m", "AMP 1-1859239-8", "pcs", 50, FALSE },
  { "RAID-H755", "RAID 控制器 controller", "Dell PERC H755", "pcs", 2, TRUE },
  { "TONER-26A", "打印机硒鼓 printer toner", "HP CF226A", "pcs", 20, FALSE },
  { "KBD-USB", "USB 键盘 keyboard", "Logitech K120", "pcs", 15, FALSE },
  { "FIBER-LC", "LC-LC 光纤跳线 fibre patch cord 5 m", "Corning 050502", "pcs", 30, FALSE },
};

typedef struct {
  const char *kind;     /* incident | request | maintenance */
  const char *title;
  const char *description;
  const char *resolution;
  const char *cause;
  const char *ci_type;  /* NULL: not about a CI */
  int         part;     /* index into part_specs used when resolving, -1 none */
  const char *service;  /* the contract it is for, NULL: none */
} JobSpec;

#define HIS_CORE "HIS 核心系统 HIS core systems"

static const JobSpec job_specs[] = {
  { "incident", "HIS 数据库响应缓慢 HIS database slow", "门诊挂号窗口查询超过 10 秒 Outpatient registration queries take over 10 s",
    "重建索引并清理归档日志 Rebuilt indexes and purged archive logs",
    "索引碎片且归档日志写满 Fragmented indexes and a full archive log", "database", -1, HIS_CORE },
  { "incident", "PACS 影像无法调阅 PACS images will not open", "放射科医生无法打开 CT 影像 Radiologists cannot open CT studies",
    "更换故障硬盘并重建 RAID Replaced failed disk and rebuilt RAID",
    "RAID 组中一块硬盘故障 A failed disk in the RAID set", "server", 1 },
  { "incident", "核心交换机端口抖动 Core switch port flapping", "3 楼病区网络时断时续 Ward network on floor 3 drops intermittently",
    "更换光模块 Replaced SFP+ module", "光模块老化 Aged SFP+ module", "network switch", 4 },
  { "incident", "UPS 电池告警 UPS battery alarm", "UPS 面板显示电池需更换 UPS panel reports battery replacement needed",
    "更换两块蓄电池 Replaced two batteries", "蓄电池超过使用寿命 Batteries past their life", "UPS", 6 },
  { "incident", "服务器电源故障 Server power supply failed", "冗余电源 PSU2 指示灯橙色 Redundant PSU2 LED amber",
    "更换电源模块 Replaced the PSU", "电源模块损坏 Failed PSU module", "server", 0 },
  { "incident", "打印机卡纸 Printer jam in ward 5", "护士站打印机无法打印腕带 Nurse station printer cannot print wristbands",
    "清理卡纸并更换硒鼓 Cleared the jam and replaced the toner",
    "硒鼓耗尽导致进纸卡纸 An empty toner jammed the paper feed", NULL, 9 },
  { "incident", "LIS 接口中断 LIS interface down", "检验结果未回传到 HIS Lab results are not sent to HIS",
    "重启接口服务 Restarted the interface service", "接口服务进程挂起 The interface service hung", "database", -1, HIS_CORE },
  { "request", "新员工电脑配置 New starter workstation", "门诊部新入职护士需要电脑和账号 New outpatient nurse needs a PC and accounts",
    "已安装系统并开通账号 Installed and accounts created", NULL, NULL, 10 },
  { "request", "开通 VPN 账号 VPN access", "财务处申请远程访问 Finance requests remote access",
    "已开通并告知使用方法 Enabled and explained", NULL, NULL, -1 },
  { "request", "增加网络点位 Extra network outlet", "检验科新增一台分析仪 Lab adds an analyser",
    "已布线并测试 Cabled and tested", NULL, "network switch", 7 },
  { "maintenance", "季度 UPS 维护 Quarterly UPS maintenance", "按计划检查电池与负载 Planned battery and load check",
    "检查完成，各项正常 Done, all normal", NULL, "UPS", -1 },
  { "maintenance", "存储固件升级 Storage firmware upgrade", "厂商建议升级到最新补丁 Vendor recommends the latest patch",
    "升级完成并验证 Upgraded and verified", NULL, "storage", -1 },
  { "maintenance", "服务器内存扩容 Server memory upgrade", "HIS 应用服务器内存不足 HIS application server short of memory",
    "增加 64 GB 内存 Added 64 GB", NULL, "server", 3 },
};

static const char * const reporters[] = {
  "刘护士长 Head nurse Liu (Ward 5)", "周医生 Dr. Zhou (Radiology)", "门诊部 Outpatient desk",
  "检验科 Lab (Ms. Sun)", "财务处 Finance (Mr. Qian)", "Emily Zhang (Pharmacy)", "信息科 IT office",
};

typedef struct {
  char       *id;
  const char *code;
  FlCalendar *calendar;
  char       *warehouse;
  GPtrArray  *cis;         /* CiRef* */
} Site;

typedef struct {
  char       *id;
  const char *type;
} CiRef;

typedef struct {
  const FlDemoUser *user;
  char             *van;
  guint             site;       /* home site */
  char             *code;       /* device code in references */
  guint             sequence;
} Engineer;

typedef struct {
  FlStore    *store;
  GRand      *rand;
  gint64      now;
  guint       pending;
  GPtrArray  *policy_rows; /* JsonObject*, the sla_policy rows as stored */
  GPtrArray  *sites;       /* Site* */
  GPtrArray  *engineers;   /* Engineer* */
  char       *main_warehouse;
  char       *parts[G_N_ELEMENTS (part_specs)];
  GPtrArray  *templates;   /* char* ids, one per entry of ci_specs' types */
  char       *signature_sha256;
  gsize       signature_size;
} Demo;

static void
site_free (Site *site)
{
  g_free (site->id);
  g_clear_pointer (&site->calendar, fl_calendar_unref);
  g_free (site->warehouse);
  g_ptr_array_unref (site->cis);
  g_free (site);
}

static void
ci_ref_free (CiRef *ci)
{
  g_free (ci->id);
  g_free (ci);
}

static void
engineer_free (Engineer *engineer)
{
  g_free (engineer->van);
  g_free (engineer->code);
  g_free (engineer);
}

/* ---- writing rows ---- */

static void
set_time (JsonObject *row, const char *field, gint64 usec)
{
  if (usec == 0)
    return;
  g_autofree char *text = fl_time_format (usec);
  json_object_set_string_member (row, field, text);
}

/* Stores `row` as a new row of `table` made at `at` (last changed at
 * `updated`, 0 = `at`) and returns its id: the row's own when it has one
 * (rows that others name before it is stored), else a new one. */
static char *
store_row (Demo *d, const FlTable *table, JsonObject *row, gint64 at, gint64 updated, GError **error)
{
  char id[37];
  if (json_object_has_member (row, "id"))
    g_strlcpy (id, json_object_get_string_member (row, "id"), sizeof id);
  else
    fl_uuid7_generate (id);
  json_object_set_string_member (row, "id", id);
  set_time (row, "created_at", at);
  set_time (row, "updated_at", updated != 0 ? updated : at);
  if (!fl_store_put_row (d->store, table, row, NULL, error))
    return NULL;
  if (++d->pending >= ROWS_PER_COMMIT)
    {
      d->pending = 0;
      if (!fl_store_commit (d->store, error) || !fl_store_begin (d->store, error))
        return NULL;
    }
  return g_strdup (id);
}

/* store_row() after validating the row as clients' rows are, as `id`
 * (NULL: a new one). */
static char *
put_row_as (Demo *d, const char *table_name, const char *id, JsonObject *row, gint64 at, gint64 updated,
            GError **error)
{
  const FlTable *table = fl_schema_lookup (table_name);
  if (!fl_record_validate (table, row, FL_RECORD_INSERT, NULL, error))
    return NULL;
  if (id != NULL)
    json_object_set_string_member (row, "id", id);
  return store_row (d, table, row, at, updated, error);
}

static char *
put_row (Demo *d, const char *table_name, JsonObject *row, gint64 at, gint64 updated, GError **error)
{
  return put_row_as (d, table_name, NULL, row, at, updated, error);
}

/* put_row() for rows whose id nobody needs afterwards. */
static gboolean
add_row (Demo *d, const char *table_name, JsonObject *row, gint64 at, gint64 updated, GError **error)
{
  g_autofree char *id = put_row (d, table_name, row, at, updated, error);
  return id != NULL;
}

static int
uniform (Demo *d, int from, int to)
{
  return g_rand_int_range (d->rand, from, to + 1);
}

static gboolean
chance (Demo *d, double p)
{
  return g_rand_double (d->rand) < p;
}

static Engineer *
pick_engineer (Demo *d)
{
  return g_ptr_array_index (d->engineers, uniform (d, 0, d->engineers->len - 1));
}

static CiRef *
pick_ci (Demo *d, Site *site, const char *type)
{
  guint n = 0;
  for (guint i = 0; i < site->cis->len; i++)
    n += type == NULL || strcmp (((CiRef *) site->cis->pdata[i])->type, type) == 0;
  if (n == 0)
    return NULL;
  guint k = uniform (d, 0, n - 1);
  for (guint i = 0; i < site->cis->len; i++)
    {
      CiRef *ci = site->cis->pdata[i];
      if ((type == NULL || strcmp (ci->type, type) == 0) && k-- == 0)
        return ci;
    }
  return NULL;
}

/* ---- master data ---- */

/* An sla_policy row, kept for deriving the work orders' due times. */
static gboolean
add_policy (Demo *d, const char *site_id, const char *service, FlPriority priority,
            int response_minutes, int resolve_minutes, gint64 at, GError **error)
{
  JsonObject *row = json_object_new ();
  g_ptr_array_add (d->policy_rows, row);
  if (site_id != NULL)
    json_object_set_string_member (row, "site_id", site_id);
  if (service != NULL)
    json_object_set_string_member (row, "catalogue", service);
  json_object_set_string_member (row, "priority", fl_priority_to_string (priority));
  json_object_set_int_member (row, "response_minutes", response_minutes);
  json_object_set_int_member (row, "resolve_minutes", resolve_minutes);
  return add_row (d, "sla_policy", row, at, 0, error);
}

static gboolean
add_calendar_sites_and_policies (Demo *d, char **calendar_id, GError **error)
{
  g_autoptr(JsonObject) calendar = json_object_new ();
  json_object_set_string_member (calendar, "name", "中国法定节假日 2026 China public holidays");
  json_object_set_string_member (calendar, "time_zone", "Asia/Shanghai");
  json_object_set_string_member (calendar, "holidays", holidays_2026);
  json_object_set_string_member (calendar, "working_days", working_days_2026);
  gint64 start = d->now - 400 * DAY;
  *calendar_id = put_row (d, "calendar", calendar, start, 0, error);
  if (*calendar_id == NULL)
    return FALSE;

  for (guint i = 0; i < G_N_ELEMENTS (site_specs); i++)
    {
      const SiteSpec *spec = &site_specs[i];
      g_autoptr(JsonObject) row = json_object_new ();
      json_object_set_string_member (row, "code", spec->code);
      json_object_set_string_member (row, "name", spec->name);
      json_object_set_string_member (row, "address", spec->address);
      json_object_set_string_member (row, "time_zone", "Asia/Shanghai");
      json_object_set_string_member (row, "coverage", spec->coverage);
      json_object_set_string_member (row, "calendar_id", *calendar_id);
      Site *site = g_new0 (Site, 1);
      g_ptr_array_add (d->sites, site);
      site->code = spec->code;
      site->cis = g_ptr_array_new_with_free_func ((GDestroyNotify) ci_ref_free);
      site->id = put_row (d, "site", row, start, 0, error);
      FlCoverage coverage = FL_COVERAGE_5X9;
      fl_coverage_from_string (spec->coverage, &coverage);
      site->calendar = fl_calendar_new ("Asia/Shanghai", coverage);
      if (site->id == NULL ||
          !fl_calendar_add_days_from_string (site->calendar, holidays_2026, working_days_2026, error))
        return FALSE;
    }

  /* The standards' defaults for every site, and a tighter contract for the
   * provincial hospital's high-priority incidents of its HIS core systems
   * (which no other work there is for). */
  FlSlaPolicy standard;
  fl_sla_policy_init_defaults (&standard);
  for (FlPriority p = 0; p < FL_N_PRIORITIES; p++)
    if (!add_policy (d, NULL, NULL, p, standard.response_minutes[p], standard.resolve_minutes[p], start, error))
      return FALSE;
  return add_policy (d, ((Site *) d->sites->pdata[0])->id, HIS_CORE, FL_PRIORITY_HIGH, 30, 240, start, error);
}

static gboolean
add_users (Demo *d, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_users); i++)
    {
      const FlDemoUser *u = &demo_users[i];
      /* Half the engineers work at one site, the others (and everyone
       * else) at every site. */
      gboolean engineer = strcmp (u->role, "engineer") == 0;
      guint home = i % d->sites->len;
      const char *sites[] = { ((Site *) d->sites->pdata[home])->id, NULL };
      g_autoptr(JsonObject) user = fl_accounts_add_user (d->store, u->login, u->display_name, u->role,
                                                         engineer && i % 2 == 0 ? sites : NULL,
                                                         u->password, "demo-data", error);
      if (user == NULL)
        return FALSE;
      if (!engineer)
        continue;
      Engineer *e = g_new0 (Engineer, 1);
      e->user = u;
      e->site = home;
      /* The laptop the engineer signed in with: its code is in references. */
      FlStoreDevice device = { 0 };
      char id[37];
      fl_uuid7_generate (id);
      device.id = id;
      device.user_id = (char *) fl_record_get_string (user, "id");
      device.name = g_strdup_printf ("ThinkPad T14 (%s)", u->login);
      device.code = fl_accounts_new_device_code (d->store, error);
      device.created_at = d->now - 300 * DAY;
      device.last_seen = d->now - uniform (d, 1, 48) * HOUR;
      gboolean ok = device.code != NULL && fl_store_put_device (d->store, &device, error);
      e->code = device.code;
      g_free (device.name);
      g_ptr_array_add (d->engineers, e);
      if (!ok)
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_cis (Demo *d, guint size, GError **error)
{
  /* Every site has each kind of CI; bigger data sets have more of them. */
  guint per_site = MAX (1, size / 2000);
  guint serial = 0;
  for (guint s = 0; s < d->sites->len; s++)
    {
      Site *site = d->sites->pdata[s];
      for (guint n = 0; n < per_site; n++)
        for (guint c = 0; c < G_N_ELEMENTS (ci_specs); c++)
          {
            const CiSpec *spec = &ci_specs[c];
            static const char * const statuses[] = { "in_use", "in_use", "in_use", "in_use", "testing", "changing", "retired" };
            g_autoptr(JsonObject) row = json_object_new ();
            g_autofree char *code = g_strdup_printf ("%s-%s-%03u", spec->prefix, site->code, ++serial);
            g_autofree char *serial_no = g_strdup_printf ("CN%08X", g_rand_int (d->rand));
            g_autofree char *contract = g_strdup_printf ("HT-2025-%04u", uniform (d, 1, 400));
            g_autofree char *location = g_strdup_printf ("机房 Server room %u, rack %c%u", uniform (d, 1, 3),
                                                         'A' + uniform (d, 0, 5), uniform (d, 1, 12));
            g_autoptr(GDateTime) warranty = g_date_time_new_from_unix_utc (d->now / G_USEC_PER_SEC +
                                                                           uniform (d, -200, 1200) * 86400);
            g_autofree char *warranty_text = g_date_time_format (warranty, "%Y-%m-%d");
            json_object_set_string_member (row, "code", code);
            json_object_set_string_member (row, "name", spec->name);
            json_object_set_string_member (row, "type", spec->type);
            json_object_set_string_member (row, "model", spec->model);
            json_object_set_string_member (row, "serial", serial_no);
            json_object_set_string_member (row, "contract_no", contract);
            json_object_set_string_member (row, "site_id", site->id);
            json_object_set_string_member (row, "location", location);
            json_object_set_string_member (row, "system", spec->system);
            json_object_set_string_member (row, "status", n == 0 ? "in_use" : statuses[uniform (d, 0, 6)]);
            json_object_set_string_member (row, "owner", "信息科 IT department");
            json_object_set_string_member (row, "warranty_until", warranty_text);
            CiRef *ci = g_new0 (CiRef, 1);
            ci->type = spec->type;
            ci->id = put_row (d, "ci", row, d->now - 380 * DAY, 0, error);
            g_ptr_array_add (site->cis, ci);
            if (ci->id == NULL)
              return FALSE;
          }

      /* Databases run on servers, servers connect to switches, are backed up
       * to the storage and depend on the UPS. */
      struct { const char *from, *to, *kind; } relations[] = {
        { "database", "server", "runs_on" },
        { "server", "network switch", "connected_to" },
        { "server", "storage", "backed_up_by" },
        { "server", "UPS", "depends_on" },
        { "storage", "UPS", "depends_on" },
      };
      for (guint r = 0; r < G_N_ELEMENTS (relations); r++)
        for (guint i = 0; i < site->cis->len; i++)
          {
            CiRef *from = site->cis->pdata[i];
            if (strcmp (from->type, relations[r].from) != 0)
              continue;
            CiRef *to = pick_ci (d, site, relations[r].to);
            g_autoptr(JsonObject) row = json_object_new ();
            json_object_set_string_member (row, "ci_id", from->id);
            json_object_set_string_member (row, "other_ci_id", to->id);
            json_object_set_string_member (row, "kind", relations[r].kind);
            json_object_set_boolean_member (row, "active", TRUE);
            if (!add_row (d, "ci_relation", row, d->now - 370 * DAY, 0, error))
              return FALSE;
          }
    }
  return TRUE;
}

static gboolean
add_parts_and_locations (Demo *d, GError **error)
{
  gint64 at = d->now - 390 * DAY;
  for (guint i = 0; i < G_N_ELEMENTS (part_specs); i++)
    {
      const PartSpec *spec = &part_specs[i];
      g_autoptr(JsonObject) row = json_object_new ();
      json_object_set_string_member (row, "sku", spec->sku);
      json_object_set_string_member (row, "name", spec->name);
      json_object_set_string_member (row, "model", spec->model);
      json_object_set_string_member (row, "unit", spec->unit);
      json_object_set_int_member (row, "min_stock", spec->min_stock);
      json_object_set_boolean_member (row, "serial_tracked", spec->serial_tracked);
      d->parts[i] = put_row (d, "part", row, at, 0, error);
      if (d->parts[i] == NULL)
        return FALSE;
    }

  g_autoptr(JsonObject) main = json_object_new ();
  json_object_set_string_member (main, "code", "WH-MAIN");
  json_object_set_string_member (main, "name", "中心库房 Central warehouse");
  json_object_set_string_member (main, "kind", "warehouse");
  d->main_warehouse = put_row (d, "stock_location", main, at, 0, error);
  if (d->main_warehouse == NULL)
    return FALSE;
  for (guint s = 0; s < d->sites->len; s++)
    {
      Site *site = d->sites->pdata[s];
      g_autoptr(JsonObject) row = json_object_new ();
      g_autofree char *code = g_strdup_printf ("WH-%s", site->code);
      g_autofree char *name = g_strdup_printf ("%s 备件间 spares room", site->code);
      json_object_set_string_member (row, "code", code);
      json_object_set_string_member (row, "name", name);
      json_object_set_string_member (row, "kind", "warehouse");
      json_object_set_string_member (row, "site_id", site->id);
      site->warehouse = put_row (d, "stock_location", row, at, 0, error);
      if (site->warehouse == NULL)
        return FALSE;
    }
  for (guint i = 0; i < d->engineers->len; i++)
    {
      Engineer *e = d->engineers->pdata[i];
      g_autoptr(JsonObject) row = json_object_new ();
      g_autofree char *code = g_strdup_printf ("VAN-%s", e->user->login);
      g_autofree char *name = g_strdup_printf ("%s 的工程车 van", e->user->display_name);
      json_object_set_string_member (row, "code", code);
      json_object_set_string_member (row, "name", name);
      json_object_set_string_member (row, "kind", "van");
      json_object_set_string_member (row, "site_id", ((Site *) d->sites->pdata[e->site])->id);
      json_object_set_string_member (row, "owner", e->user->login);
      e->van = put_row (d, "stock_location", row, at, 0, error);
      if (e->van == NULL)
        return FALSE;
    }
  return TRUE;
}

static gboolean
move_stock (Demo *d, const char *kind, guint part, int qty, const char *from, const char *to,
            const char *work_order, const char *reason, const char *by, gint64 at, GError **error)
{
  FlMovementKind movement_kind;
  fl_movement_kind_from_string (kind, &movement_kind);
  if (!fl_stock_check_movement (movement_kind, from, to, qty, error))
    return FALSE;
  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "kind", kind);
  json_object_set_string_member (row, "part_id", d->parts[part]);
  json_object_set_int_member (row, "qty", qty);
  if (from != NULL)
    json_object_set_string_member (row, "from_location", from);
  if (to != NULL)
    json_object_set_string_member (row, "to_location", to);
  if (part_specs[part].serial_tracked && qty == 1)
    {
      g_autofree char *serial = g_strdup_printf ("SN%08X", g_rand_int (d->rand));
      json_object_set_string_member (row, "serial", serial);
    }
  if (work_order != NULL)
    json_object_set_string_member (row, "work_order_id", work_order);
  if (strcmp (kind, "receive") == 0)
    {
      g_autofree char *po = g_strdup_printf ("PO-2026-%05u", uniform (d, 1, 99999));
      json_object_set_string_member (row, "supplier_ref", po);
    }
  if (reason != NULL)
    json_object_set_string_member (row, "reason", reason);
  json_object_set_string_member (row, "by", by);
  set_time (row, "at", at);
  return add_row (d, "stock_movement", row, at, 0, error);
}

/* Stock arrives centrally, is issued to the sites and the vans; vans get
 * less than their engineers will use, so some go below zero (parts used
 * offline before the clerk's issue was recorded). */
static gboolean
add_initial_stock (Demo *d, guint size, GError **error)
{
  gint64 at = d->now - 360 * DAY;
  int scale = MAX (1, (int) size / 200);
  for (guint p = 0; p < G_N_ELEMENTS (part_specs); p++)
    {
      if (!move_stock (d, "receive", p, part_specs[p].min_stock * 4 * scale, NULL, d->main_warehouse,
                       NULL, NULL, "wangfang", at, error))
        return FALSE;
      for (guint s = 0; s < d->sites->len; s++)
        if (!move_stock (d, "issue", p, part_specs[p].min_stock * scale, d->main_warehouse,
                         ((Site *) d->sites->pdata[s])->warehouse, NULL, NULL, "wangfang", at + HOUR, error))
          return FALSE;
      for (guint e = 0; e < d->engineers->len; e++)
        if (e % 3 != 2 &&
            !move_stock (d, "issue", p, uniform (d, 1, 3), ((Site *) d->sites->pdata[0])->warehouse,
                         ((Engineer *) d->engineers->pdata[e])->van, NULL, NULL, "wangfang", at + 2 * HOUR, error))
          return FALSE;
    }
  return TRUE;
}

/* ---- inspections and backups ---- */

static JsonNode *
template_items (const char *ci_type)
{
  g_autoptr(JsonBuilder) b = json_builder_new ();
  json_builder_begin_array (b);
#define ITEM(key, label, kind, required, severity) \
  json_builder_begin_object (b); \
  json_builder_set_member_name (b, "key"); json_builder_add_string_value (b, key); \
  json_builder_set_member_name (b, "label"); json_builder_add_string_value (b, label); \
  json_builder_set_member_name (b, "kind"); json_builder_add_string_value (b, kind); \
  json_builder_set_member_name (b, "required"); json_builder_add_boolean_value (b, required); \
  json_builder_set_member_name (b, "severity"); json_builder_add_string_value (b, severity)
#define RANGE(lo, hi, unit) \
  json_builder_set_member_name (b, "min"); json_builder_add_int_value (b, lo); \
  json_builder_set_member_name (b, "max"); json_builder_add_int_value (b, hi); \
  json_builder_set_member_name (b, "unit"); json_builder_add_string_value (b, unit)
#define CHOICES(...) \
  json_builder_set_member_name (b, "choices"); json_builder_begin_array (b); \
  for (const char * const *c = (const char * const[]) { __VA_ARGS__, NULL }; *c != NULL; c++) \
    json_builder_add_string_value (b, *c); \
  json_builder_end_array (b)

  ITEM ("power_ok", "电源指示正常 Power LEDs normal", "bool", TRUE, "major");
  json_builder_end_object (b);
  if (strcmp (ci_type, "UPS") == 0)
    {
      ITEM ("runtime", "电池后备时间 Battery runtime", "number", TRUE, "critical");
      RANGE (15, 240, "min");
      json_builder_end_object (b);
      ITEM ("load", "负载率 Load", "number", TRUE, "major");
      RANGE (0, 80, "%");
      json_builder_end_object (b);
    }
  else
    {
      ITEM ("temperature", "进风温度 Inlet temperature", "number", TRUE, "major");
      RANGE (10, 35, "°C");
      json_builder_end_object (b);
    }
  ITEM ("alarm", "告警状态 Alarm state", "choice", TRUE, "critical");
  CHOICES ("none 无", "warning 警告", "critical 严重");
  json_builder_end_object (b);
  if (strcmp (ci_type, "network switch") == 0)
    {
      ITEM ("uplinks", "上联端口正常 Uplinks up", "bool", TRUE, "critical");
      json_builder_end_object (b);
    }
  ITEM ("notes", "备注 Notes", "text", FALSE, "minor");
  json_builder_end_object (b);
  json_builder_end_array (b);
#undef ITEM
#undef RANGE
#undef CHOICES
  return json_builder_get_root (b);
}

static const char * const inspected_types[] = { "server", "storage", "network switch", "database", "UPS" };

static gboolean
add_templates (Demo *d, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (inspected_types); i++)
    {
      g_autoptr(JsonObject) row = json_object_new ();
      g_autofree char *name = g_strdup_printf ("%s 月度巡检 monthly inspection", inspected_types[i]);
      json_object_set_string_member (row, "ci_type", inspected_types[i]);
      json_object_set_string_member (row, "name", name);
      json_object_set_member (row, "items", template_items (inspected_types[i]));
      char *id = put_row (d, "inspection_template", row, d->now - 380 * DAY, 0, error);
      if (id == NULL)
        return FALSE;
      g_ptr_array_add (d->templates, id);
    }
  return TRUE;
}

static JsonNode *
inspection_results (Demo *d, const char *ci_type, gboolean pass)
{
  JsonObject *results = json_object_new ();
  json_object_set_boolean_member (results, "power_ok", pass || chance (d, 0.5));
  if (strcmp (ci_type, "UPS") == 0)
    {
      json_object_set_int_member (results, "runtime", pass ? uniform (d, 30, 90) : uniform (d, 5, 14));
      json_object_set_int_member (results, "load", uniform (d, 20, 70));
    }
  else
    json_object_set_int_member (results, "temperature", pass ? uniform (d, 18, 27) : uniform (d, 36, 42));
  json_object_set_string_member (results, "alarm", pass ? "none 无" : "critical 严重");
  if (strcmp (ci_type, "network switch") == 0)
    json_object_set_boolean_member (results, "uplinks", TRUE);
  if (!pass)
    json_object_set_string_member (results, "notes", "已报障 Incident raised");
  JsonNode *node = json_node_new (JSON_NODE_OBJECT);
  json_node_take_object (node, results);
  return node;
}

static gboolean
add_inspections (Demo *d, GError **error)
{
  static const char * const statuses[] = { "done", "done", "done", "in_progress", "planned", "cancelled" };
  for (guint s = 0; s < d->sites->len; s++)
    {
      Site *site = d->sites->pdata[s];
      for (guint m = 0; m < G_N_ELEMENTS (statuses); m++)
        for (guint t = 0; t < d->templates->len; t++)
          {
            const char *status = statuses[m];
            gint64 planned = d->now - (gint64) (G_N_ELEMENTS (statuses) - 3 - (int) m) * 30 * DAY;
            g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (planned / G_USEC_PER_SEC);
            g_autofree char *day = g_date_time_format (date, "%Y-%m-%d");
            g_autofree char *short_day = g_date_time_format (date, "%y%m%d");
            Engineer *e = pick_engineer (d);
            g_autoptr(JsonObject) round = json_object_new ();
            g_autofree char *ref = g_strdup_printf ("INS-%s-%s-%04u", short_day, e->code, ++e->sequence);
            json_object_set_string_member (round, "ref", ref);
            json_object_set_string_member (round, "site_id", site->id);
            json_object_set_string_member (round, "template_id", d->templates->pdata[t]);
            json_object_set_string_member (round, "planned_for", day);
            json_object_set_string_member (round, "assignee", e->user->login);
            json_object_set_string_member (round, "status", status);
            g_autofree char *round_id = put_row (d, "inspection_round", round, planned - 7 * DAY, 0, error);
            if (round_id == NULL)
              return FALSE;
            if (strcmp (status, "done") != 0 && strcmp (status, "in_progress") != 0)
              continue;
            for (guint i = 0; i < site->cis->len; i++)
              {
                CiRef *ci = site->cis->pdata[i];
                if (strcmp (ci->type, inspected_types[t]) != 0)
                  continue;
                gboolean pass = !chance (d, 0.08);
                g_autoptr(JsonObject) row = json_object_new ();
                json_object_set_string_member (row, "round_id", round_id);
                json_object_set_string_member (row, "ci_id", ci->id);
                json_object_set_member (row, "results", inspection_results (d, ci->type, pass));
                json_object_set_string_member (row, "outcome", pass ? "pass" : "fail");
                json_object_set_string_member (row, "by", e->user->login);
                gint64 at = planned + (9 + uniform (d, 0, 7)) * HOUR;
                set_time (row, "at", at);
                if (!add_row (d, "inspection", row, at, 0, error))
                  return FALSE;
              }
          }
    }
  return TRUE;
}

static gboolean
add_audit_mark (Demo *d, const char *audit_id, const char *ci_id, const char *result, JsonObject *differences,
                const char *by, gint64 at, GError **error)
{
  g_autoptr(JsonObject) mark = json_object_new ();
  json_object_set_string_member (mark, "audit_id", audit_id);
  if (ci_id != NULL)
    json_object_set_string_member (mark, "ci_id", ci_id);
  json_object_set_string_member (mark, "result", result);
  if (differences != NULL)
    json_object_set_object_member (mark, "differences", json_object_ref (differences));
  json_object_set_string_member (mark, "by", by);
  set_time (mark, "at", at);
  return add_row (d, "cmdb_audit_item", mark, at, 0, error);
}

static void
add_difference (JsonObject *differences, const char *field, const char *recorded, const char *found)
{
  JsonObject *pair = json_object_new ();
  if (recorded != NULL)
    json_object_set_string_member (pair, "recorded", recorded);
  else
    json_object_set_null_member (pair, "recorded");
  json_object_set_string_member (pair, "found", found);
  json_object_set_object_member (differences, field, pair);
}

/* Per site, the CMDB audit of five months ago, approved, with a few CIs
 * moved or missing and one found but not recorded, and the next one
 * planned six months after it (001 配置管理程序 6.5). */
static gboolean
add_cmdb_audits (Demo *d, GError **error)
{
  for (guint s = 0; s < d->sites->len; s++)
    {
      Site *site = d->sites->pdata[s];
      Engineer *e = pick_engineer (d);
      gint64 walked = d->now - 150 * DAY;
      g_autoptr(GDateTime) date = g_date_time_new_from_unix_utc (walked / G_USEC_PER_SEC);
      g_autofree char *day = g_date_time_format (date, "%Y-%m-%d");
      g_autofree char *short_day = g_date_time_format (date, "%y%m%d");
      g_autofree char *ref = g_strdup_printf ("AUD-%s-%s-%04u", short_day, e->code, ++e->sequence);
      g_autoptr(JsonObject) audit = json_object_new ();
      json_object_set_string_member (audit, "ref", ref);
      json_object_set_string_member (audit, "site_id", site->id);
      json_object_set_string_member (audit, "due_on", day);
      json_object_set_string_member (audit, "assignee", e->user->login);
      json_object_set_string_member (audit, "status", "approved");
      set_time (audit, "submitted_at", walked + 8 * HOUR);
      g_autofree char *audit_id = put_row (d, "cmdb_audit", audit, walked - 14 * DAY, walked + DAY, error);
      if (audit_id == NULL)
        return FALSE;
      for (guint i = 0; i < site->cis->len; i++)
        {
          CiRef *ci = site->cis->pdata[i];
          gint64 at = walked + (1 + i % 7) * HOUR;
          double roll = g_rand_double (d->rand);
          g_autoptr(JsonObject) moved = json_object_new ();
          add_difference (moved, "location", "机房 Server room 1, rack A1", "机房 Server room 2, rack C4");
          if (!add_audit_mark (d, audit_id, ci->id, roll < 0.05 ? "differs" : roll < 0.07 ? "missing" : "as_recorded",
                               roll < 0.05 ? moved : NULL, e->user->login, at, error))
            return FALSE;
        }
      g_autoptr(JsonObject) found = json_object_new ();
      add_difference (found, "code", NULL, "UPS-SPARE");
      add_difference (found, "name", NULL, "备用 UPS Spare UPS");
      add_difference (found, "type", NULL, "UPS");
      if (!add_audit_mark (d, audit_id, NULL, "unrecorded", found, e->user->login, walked + 7 * HOUR, error))
        return FALSE;

      g_autofree char *next_due = fl_cmdb_audit_next_due (day);
      g_autofree char *next_ref = g_strdup_printf ("AUD-%s-%s-%04u", short_day, e->code, ++e->sequence);
      g_autoptr(JsonObject) next = json_object_new ();
      json_object_set_string_member (next, "ref", next_ref);
      json_object_set_string_member (next, "site_id", site->id);
      json_object_set_string_member (next, "due_on", next_due);
      json_object_set_string_member (next, "assignee", e->user->login);
      json_object_set_string_member (next, "status", "planned");
      if (!add_row (d, "cmdb_audit", next, d->now - 7 * DAY, 0, error))
        return FALSE;
    }
  return TRUE;
}

static gboolean
add_backups (Demo *d, GError **error)
{
  static const char * const results[] = { "ok", "ok", "ok", "ok", "ok", "ok", "partial", "failed", "missing" };
  for (guint s = 0; s < d->sites->len; s++)
    {
      Site *site = d->sites->pdata[s];
      for (guint i = 0; i < site->cis->len; i++)
        {
          CiRef *ci = site->cis->pdata[i];
          if (strcmp (ci->type, "database") != 0 && strcmp (ci->type, "server") != 0)
            continue;
          gboolean database = strcmp (ci->type, "database") == 0;
          g_autoptr(JsonObject) job = json_object_new ();
          json_object_set_string_member (job, "ci_id", ci->id);
          json_object_set_string_member (job, "name", database ? "每日全备 Nightly full backup" : "系统盘每周备份 Weekly system image");
          json_object_set_string_member (job, "kind", database ? "full" : "incremental");
          json_object_set_string_member (job, "schedule", database ? "daily" : "weekly");
          json_object_set_string_member (job, "due_by", "06:00");
          json_object_set_string_member (job, "target", database ? "NBU 磁带库 tape library" : "SAN 快照 SAN snapshot");
          json_object_set_int_member (job, "retention_days", database ? 30 : 90);
          g_autofree char *job_id = put_row (d, "backup_job", job, d->now - 300 * DAY, 0, error);
          if (job_id == NULL)
            return FALSE;
          for (guint day = 1; day <= 14; day++)
            {
              const char *result = results[uniform (d, 0, G_N_ELEMENTS (results) - 1)];
              gint64 at = d->now - (gint64) day * DAY + uniform (d, 0, 120) * MINUTE;
              gboolean restore = day % 7 == 0;
              g_autoptr(JsonObject) check = json_object_new ();
              json_object_set_string_member (check, "job_id", job_id);
              set_time (check, "checked_at", at);
              json_object_set_string_member (check, "by", pick_engineer (d)->user->login);
              json_object_set_string_member (check, "result", result);
              if (strcmp (result, "missing") != 0)
                {
                  g_autofree char *size = g_strdup_printf ("%" PRId64,
                                                           (gint64) uniform (d, 20, 900) * 1024 * 1024 * 1024);
                  set_time (check, "backup_taken_at", at - 5 * HOUR);
                  json_object_set_string_member (check, "size_bytes", size);
                }
              json_object_set_boolean_member (check, "restore_test", restore);
              if (restore)
                {
                  json_object_set_boolean_member (check, "restore_ok", strcmp (result, "ok") == 0);
                  json_object_set_int_member (check, "restore_minutes", uniform (d, 15, 180));
                }
              if (strcmp (result, "ok") != 0)
                json_object_set_string_member (check, "notes", "已通知 DBA 跟进 DBA notified");
              if (!add_row (d, "backup_check", check, at, 0, error))
                return FALSE;
            }
        }
    }
  return TRUE;
}

/* ---- work orders ---- */

static const char *
pick_status (Demo *d, guint index)
{
  static const struct { const char *status; int percent; } mix[] = {
    { "closed", 55 }, { "resolved", 10 }, { "in_progress", 10 }, { "assigned", 8 },
    { "new", 7 }, { "on_hold", 5 }, { "cancelled", 5 },
  };
  /* The first orders take every status once, whatever the size. */
  if (index < G_N_ELEMENTS (mix))
    return mix[index].status;
  int r = uniform (d, 0, 99);
  for (guint i = 0; i < G_N_ELEMENTS (mix); i++)
    if ((r -= mix[i].percent) < 0)
      return mix[i].status;
  return "closed";
}

static gboolean
add_log (Demo *d, const char *work_order, const char *author, gint64 at, const char *kind,
         int minutes, const char *text, GError **error)
{
  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "work_order_id", work_order);
  json_object_set_string_member (row, "author", author);
  set_time (row, "at", at);
  json_object_set_string_member (row, "kind", kind);
  if (minutes > 0)
    json_object_set_int_member (row, "minutes", minutes);
  json_object_set_string_member (row, "text", text);
  return add_row (d, "work_log", row, at, 0, error);
}

static gboolean
add_work_order (Demo *d, guint index, guint size, GError **error)
{
  const JobSpec *job = &job_specs[uniform (d, 0, G_N_ELEMENTS (job_specs) - 1)];
  const char *status = pick_status (d, index);
  Engineer *e = pick_engineer (d);
  Site *site = chance (d, 0.7) ? d->sites->pdata[e->site] : g_ptr_array_index (d->sites, uniform (d, 0, d->sites->len - 1));
  CiRef *ci = job->ci_type != NULL ? pick_ci (d, site, job->ci_type) : NULL;
  gboolean open = strcmp (status, "closed") != 0 && strcmp (status, "cancelled") != 0 &&
                  strcmp (status, "resolved") != 0;
  /* Spread over the past year, open work being recent. */
  gint64 created = d->now - (open ? uniform (d, 1, 20 * 24) * HOUR
                                   : (gint64) uniform (d, 2, 365) * DAY + (gint64) uniform (d, 0, 86399) * G_USEC_PER_SEC);
  gboolean incident = strcmp (job->kind, "incident") == 0;
  int impact = incident ? uniform (d, 1, 4) : uniform (d, 3, 4);
  int urgency = incident ? uniform (d, 1, 4) : uniform (d, 2, 4);

  g_autoptr(GDateTime) created_date = g_date_time_new_from_unix_utc (created / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_timezone (created_date, fl_calendar_get_time_zone (site->calendar));
  g_autofree char *day = g_date_time_format (local, "%y%m%d");
  const char *prefix = fl_ref_prefix ("work_order", job->kind);
  g_autofree char *ref = g_strdup_printf ("%s-%s-%s-%04u", prefix, day, e->code, ++e->sequence);

  gboolean assigned = strcmp (status, "new") != 0 &&
                      !(strcmp (status, "cancelled") == 0 && chance (d, 0.5));
  gboolean worked = open ? strcmp (status, "in_progress") == 0 || strcmp (status, "on_hold") == 0
                         : strcmp (status, "cancelled") != 0;
  gboolean done = strcmp (status, "resolved") == 0 || strcmp (status, "closed") == 0;
  gint64 responded = worked ? created + uniform (d, 10, 8 * 60) * MINUTE : 0;
  gint64 on_hold_seconds = 0;
  gint64 on_hold_since = strcmp (status, "on_hold") == 0 ? responded + uniform (d, 30, 240) * MINUTE : 0;
  if (done && chance (d, 0.15))
    on_hold_seconds = uniform (d, 1, 16) * 3600;
  gint64 resolved = done ? responded + uniform (d, 30, 96 * 60) * MINUTE : 0;
  gint64 closed = strcmp (status, "closed") == 0 ? resolved + uniform (d, 1, 72) * HOUR : 0;
  const char *reporter = reporters[uniform (d, 0, G_N_ELEMENTS (reporters) - 1)];

  g_autoptr(JsonObject) row = json_object_new ();
  json_object_set_string_member (row, "ref", ref);
  json_object_set_string_member (row, "kind", job->kind);
  json_object_set_string_member (row, "title", job->title);
  json_object_set_string_member (row, "description", job->description);
  json_object_set_string_member (row, "site_id", site->id);
  if (ci != NULL)
    json_object_set_string_member (row, "ci_id", ci->id);
  json_object_set_string_member (row, "reporter", reporter);
  g_autofree char *contact = g_strdup_printf ("0571-8%03u-%04u", uniform (d, 100, 999), uniform (d, 0, 9999));
  json_object_set_string_member (row, "contact", contact);
  json_object_set_int_member (row, "impact", impact);
  json_object_set_int_member (row, "urgency", urgency);
  if (job->service != NULL)
    json_object_set_string_member (row, "service", job->service);
  json_object_set_string_member (row, "status", status);
  if (assigned)
    json_object_set_string_member (row, "assignee", e->user->login);
  set_time (row, "responded_at", responded);
  set_time (row, "resolved_at", resolved);
  set_time (row, "closed_at", closed);
  set_time (row, "on_hold_since", on_hold_since);
  g_autofree char *hold = g_strdup_printf ("%" PRId64, on_hold_seconds);
  json_object_set_string_member (row, "on_hold_seconds", hold);
  /* Priority and due times as the server derives them, from the creation
   * time that store_row() sets. */
  set_time (row, "created_at", created);
  fl_work_order_derive (row, site->calendar, d->policy_rows);
  json_object_remove_member (row, "created_at");
  gboolean signed_off = done && (incident || strcmp (job->kind, "request") == 0 || chance (d, 0.5));
  if (done)
    {
      json_object_set_string_member (row, "resolution", job->resolution);
      if (job->cause != NULL)
        json_object_set_string_member (row, "cause", job->cause);
      json_object_set_boolean_member (row, "first_time_fix", chance (d, 0.8));
    }
  if (signed_off)
    {
      json_object_set_string_member (row, "customer_name", reporter);
      set_time (row, "customer_accepted_at", resolved + uniform (d, 1, 60) * MINUTE);
      json_object_set_int_member (row, "satisfaction", chance (d, 0.1) ? uniform (d, 1, 3) : uniform (d, 4, 5));
      if (d->signature_sha256 != NULL && index % 10 == 0)
        json_object_set_string_member (row, "signature_blob", d->signature_sha256);
    }
  gint64 updated = MAX (MAX (created, responded), MAX (MAX (resolved, closed), on_hold_since));
  g_autofree char *id = put_row (d, "work_order", row, created, updated, error);
  if (id == NULL)
    return FALSE;

  /* Its story in the work log. */
  if (worked && !add_log (d, id, e->user->login, responded, "status",
                          0, "开始处理 Work started", error))
    return FALSE;
  if (worked && chance (d, 0.4) &&
      !add_log (d, id, e->user->login, responded + 5 * MINUTE, "travel", uniform (d, 10, 60),
                "前往现场 Travelled to site", error))
    return FALSE;
  if (on_hold_since != 0 &&
      !add_log (d, id, e->user->login, on_hold_since, "status", 0,
                "等待备件到货 Waiting for a part", error))
    return FALSE;
  if (done &&
      !add_log (d, id, e->user->login, resolved, "labour", uniform (d, 15, 240), job->resolution, error))
    return FALSE;
  if (strcmp (status, "cancelled") == 0 &&
      !add_log (d, id, "zhangmin", created + HOUR, "status", 0, "重复报修，已取消 Duplicate, cancelled", error))
    return FALSE;

  /* Parts used from the engineer's van.  More is used than was issued to
   * vans, so some balances go negative: the clerk sees them flagged. */
  if (done && job->part >= 0 &&
      !move_stock (d, "use", job->part, uniform (d, 1, 2), e->van, NULL, id, NULL,
                   e->user->login, resolved - 10 * MINUTE, error))
    return FALSE;
  /* The clerk tops the van up now and then. */
  if (done && job->part >= 0 && chance (d, 0.8) &&
      !move_stock (d, "issue", job->part, uniform (d, 1, 3), site->warehouse, e->van, NULL, NULL,
                   "wangfang", resolved + DAY, error))
    return FALSE;
  if (done && job->part >= 0 && chance (d, 0.3) &&
      !move_stock (d, "receive", job->part, uniform (d, 2, 6), NULL, site->warehouse, NULL, NULL,
                   "wangfang", resolved + 2 * DAY, error))
    return FALSE;

  if (strcmp (status, "closed") == 0 && index % 97 == 0)
    {
      g_autoptr(JsonObject) approval = json_object_new ();
      json_object_set_string_member (approval, "target_table", "work_order");
      json_object_set_string_member (approval, "target_id", id);
      json_object_set_string_member (approval, "target_version", "1");
      json_object_set_string_member (approval, "site_id", site->id);
      json_object_set_string_member (approval, "decision", "approved");
      json_object_set_string_member (approval, "by", "zhangmin");
      set_time (approval, "at", closed);
      json_object_set_string_member (approval, "comment", "同意关闭 Approved");
      if (!add_row (d, "approval", approval, closed, 0, error))
        return FALSE;
    }
  if (signed_off && index % 10 == 0 && d->signature_sha256 != NULL)
    {
      g_autoptr(JsonObject) attachment = json_object_new ();
      json_object_set_string_member (attachment, "owner_table", "work_order");
      json_object_set_string_member (attachment, "owner_id", id);
      json_object_set_string_member (attachment, "site_id", site->id);
      json_object_set_string_member (attachment, "sha256", d->signature_sha256);
      json_object_set_string_member (attachment, "mime", "image/png");
      g_autofree char *bytes = g_strdup_printf ("%zu", d->signature_size);
      json_object_set_string_member (attachment, "size", bytes);
      json_object_set_string_member (attachment, "filename", "signature.png");
      json_object_set_string_member (attachment, "by", e->user->login);
      set_time (attachment, "at", resolved);
      if (!add_row (d, "attachment", attachment, resolved, 0, error))
        return FALSE;
    }
  if (index == size / 2 && done)
    {
      /* A sync conflict for the supervisor's queue: two people changed
       * the title offline. */
      g_autoptr(JsonObject) conflict = json_object_new ();
      json_object_set_string_member (conflict, "table_name", "work_order");
      json_object_set_string_member (conflict, "row_id", id);
      json_object_set_string_member (conflict, "site_id", site->id);
      json_object_set_string_member (conflict, "field", "title");
      /* base, mine and theirs hold the field's JSON values as the push
       * records them (plain text here), which insert validation, made for
       * objects and arrays, would refuse: stored as the server writes them. */
      json_object_set_string_member (conflict, "base", job->title);
      json_object_set_string_member (conflict, "mine", "HIS 全院卡顿 HIS slow everywhere");
      json_object_set_string_member (conflict, "theirs", job->title);
      json_object_set_string_member (conflict, "by", e->user->login);
      set_time (conflict, "at", resolved);
      g_autofree char *conflict_id = store_row (d, fl_schema_lookup ("conflict"), conflict, resolved, 0, error);
      if (conflict_id == NULL)
        return FALSE;
    }
  return TRUE;
}

/* ---- reviews: counts, scrap, CI changes ---- */

static gboolean
add_reviews (Demo *d, GError **error)
{
  static const char * const review[] = { "pending", "approved", "rejected" };
  for (guint i = 0; i < 6; i++)
    {
      Engineer *e = d->engineers->pdata[i % d->engineers->len];
      guint part = i * 2 % G_N_ELEMENTS (part_specs);
      gint64 at = d->now - (gint64) (i + 1) * 3 * DAY;
      const char *status = review[i % 3];
      g_autoptr(JsonObject) count = json_object_new ();
      json_object_set_string_member (count, "location_id", e->van);
      json_object_set_string_member (count, "part_id", d->parts[part]);
      json_object_set_int_member (count, "counted", uniform (d, 0, 4));
      json_object_set_int_member (count, "expected_at_count", uniform (d, -2, 5));
      json_object_set_string_member (count, "by", "wangfang");
      set_time (count, "at", at);
      json_object_set_string_member (count, "status", status);
      g_autofree char *count_id = put_row (d, "stock_count", count, at, 0, error);
      if (count_id == NULL)
        return FALSE;
      if (strcmp (status, "pending") != 0)
        {
          g_autoptr(JsonObject) approval = json_object_new ();
          json_object_set_string_member (approval, "target_table", "stock_count");
          json_object_set_string_member (approval, "target_id", count_id);
          json_object_set_string_member (approval, "target_version", "1");
          json_object_set_string_member (approval, "site_id", ((Site *) d->sites->pdata[e->site])->id);
          json_object_set_string_member (approval, "decision", status);
          json_object_set_string_member (approval, "by", "david.xu");
          set_time (approval, "at", at + HOUR);
          if (!add_row (d, "approval", approval, at + HOUR, 0, error))
            return FALSE;
          if (strcmp (status, "approved") == 0 &&
              !move_stock (d, "adjust", part, 1, e->van, NULL, NULL, "盘点差异 Stocktake variance",
                           "wangfang", at + 2 * HOUR, error))
            return FALSE;
        }

      Site *site = d->sites->pdata[i % d->sites->len];
      g_autoptr(JsonObject) scrap = json_object_new ();
      json_object_set_string_member (scrap, "location_id", site->warehouse);
      json_object_set_string_member (scrap, "part_id", d->parts[part]);
      json_object_set_int_member (scrap, "qty", 1);
      json_object_set_string_member (scrap, "reason", "到货损坏 Damaged on arrival");
      json_object_set_string_member (scrap, "by", "wangfang");
      set_time (scrap, "at", at);
      json_object_set_string_member (scrap, "status", status);
      if (!add_row (d, "scrap_request", scrap, at, 0, error))
        return FALSE;
      if (strcmp (status, "approved") == 0 &&
          !move_stock (d, "scrap", part, 1, site->warehouse, NULL, NULL, "到货损坏 Damaged on arrival",
                       "wangfang", at + 3 * HOUR, error))
        return FALSE;
      if (!move_stock (d, "return", part, 1, e->van, site->warehouse, NULL, "未使用 Unused",
                       e->user->login, at + 4 * HOUR, error))
        return FALSE;
      Site *next = d->sites->pdata[(i + 1) % d->sites->len];
      if (!move_stock (d, "transfer", part, 2, site->warehouse, next->warehouse, NULL,
                       "调拨 Rebalancing between sites", "wangfang", at + 5 * HOUR, error))
        return FALSE;

      CiRef *ci = pick_ci (d, site, "server");
      g_autoptr(JsonObject) proposal = json_object_new ();
      JsonObject *changes = json_object_new ();
      JsonObject *change = json_object_new ();
      json_object_set_string_member (change, "from", "机房 Server room 1, rack A1");
      json_object_set_string_member (change, "to", "机房 Server room 2, rack C4");
      json_object_set_object_member (changes, "location", change);
      json_object_set_string_member (proposal, "ci_id", ci->id);
      json_object_set_object_member (proposal, "changes", changes);
      json_object_set_string_member (proposal, "reason", "设备已搬迁 Moved during the rack migration");
      json_object_set_string_member (proposal, "by", e->user->login);
      set_time (proposal, "at", at);
      json_object_set_string_member (proposal, "status", status);
      if (!add_row (d, "ci_change_proposal", proposal, at, 0, error))
        return FALSE;
    }
  return TRUE;
}

/* Keeps `bytes` where the store's servers keep files: in `blob_dir`, or in
 * the store itself when it keeps them (nowhere when neither). */
static gboolean
put_demo_blob (Demo *d, const char *blob_dir, const char *sha256, GBytes *bytes, GError **error)
{
  if (blob_dir == NULL && !fl_store_keeps_blobs (d->store))
    return TRUE;
  g_autoptr(FlBlobs) blobs = fl_blobs_new_for_store (d->store, blob_dir, 1024 * 1024, error);
  return blobs != NULL && fl_blobs_put (blobs, sha256, bytes, error);
}

/* The documents a major change is approved on (001 变更管理程序): what
 * its board opens before deciding. */
static const struct {
  const char *document, *filename, *text;
} demo_change_documents[] = {
  { "rollback_plan", "回退计划 rollback-plan.txt",
    "回退计划 Rollback plan\n"
    "1. 停止 HIS 服务，拔下新电源模块 Stop the HIS service, pull the new power supply module\n"
    "2. 装回原电源模块并通电 Refit the old module and power it on\n"
    "3. 启动 HIS 服务，确认业务恢复 Start the HIS service and check the wards can work\n"
    "回退时间 Time to roll back: 30 min\n" },
  { "test_report", "测试报告 test-report.txt",
    "测试报告 Test report\n"
    "备机安装新电源模块，满载运行 4 小时 The spare server ran 4 h at full load on the new module\n"
    "温度、电压正常，无重启 Temperature and voltage normal, no restart\n"
    "结论：通过 Result: passed\n" },
};

/* Attaches the demo's rollback plan and test report to the major change
 * `change`, to be stored as `change_id`, of `site`, their files kept with the
 * server's: its board can open them and approve it. */
static gboolean
attach_change_documents (Demo *d, const char *blob_dir, JsonObject *change, const char *change_id, Site *site,
                         const char *by, gint64 at, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_change_documents); i++)
    {
      const char *text = demo_change_documents[i].text;
      g_autoptr(GBytes) bytes = g_bytes_new_static (text, strlen (text));
      g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
      if (!put_demo_blob (d, blob_dir, sha256, bytes, error))
        return FALSE;
      g_autoptr(JsonObject) attachment = json_object_new ();
      g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, strlen (text));
      json_object_set_string_member (attachment, "owner_table", "change_record");
      json_object_set_string_member (attachment, "owner_id", change_id);
      json_object_set_string_member (attachment, "site_id", site->id);
      json_object_set_string_member (attachment, "sha256", sha256);
      json_object_set_string_member (attachment, "mime", "text/plain");
      json_object_set_string_member (attachment, "size", size);
      json_object_set_string_member (attachment, "filename", demo_change_documents[i].filename);
      json_object_set_string_member (attachment, "by", by);
      set_time (attachment, "at", at);
      g_autofree char *id = put_row (d, "attachment", attachment, at, 0, error);
      if (id == NULL)
        return FALSE;
      g_autofree char *column = g_strconcat (demo_change_documents[i].document, "_attachment", NULL);
      json_object_set_string_member (change, column, id);
    }
  return TRUE;
}

/* At each site a known error on a server and a change of its record: a
 * major one before its board (张敏 and David Xu) with its rollback plan and
 * test report attached, and a standard correction already implemented. */
static gboolean
add_problems_and_changes (Demo *d, const char *blob_dir, GError **error)
{
  for (guint i = 0; i < d->sites->len; i++)
    {
      Site *site = d->sites->pdata[i];
      Engineer *e = d->engineers->pdata[i % d->engineers->len];
      CiRef *ci = pick_ci (d, site, "server");
      gint64 at = d->now - (gint64) (i + 2) * DAY;
      g_autofree char *problem_ref = g_strdup_printf ("PRB-%s-%04u", e->code, i + 1);
      g_autoptr(JsonObject) problem = json_object_new ();
      json_object_set_string_member (problem, "ref", problem_ref);
      json_object_set_string_member (problem, "title", "服务器频繁重启 Server restarts under load");
      json_object_set_string_member (problem, "site_id", site->id);
      json_object_set_string_member (problem, "ci_id", ci->id);
      json_object_set_string_member (problem, "origin", "recurrence");
      json_object_set_string_member (problem, "category", "hardware");
      json_object_set_int_member (problem, "priority", 2);
      json_object_set_string_member (problem, "status", "known_error");
      json_object_set_string_member (problem, "assignee", e->user->login);
      json_object_set_string_member (problem, "root_cause", "电源模块老化 Aged power supply module");
      json_object_set_string_member (problem, "workaround", "切换到备用电源 Switch to the redundant supply");
      json_object_set_boolean_member (problem, "known_error", TRUE);
      json_object_set_string_member (problem, "by", "zhangmin");
      set_time (problem, "at", at);
      g_autofree char *problem_id = put_row (d, "problem", problem, at, 0, error);
      if (problem_id == NULL)
        return FALSE;
      g_autoptr(JsonObject) link = json_object_new ();
      json_object_set_string_member (link, "problem_id", problem_id);
      json_object_set_string_member (link, "ci_id", ci->id);
      json_object_set_string_member (link, "by", "zhangmin");
      set_time (link, "at", at);
      if (!add_row (d, "problem_link", link, at, 0, error))
        return FALSE;

      static const char * const kinds[] = { "major", "standard" };
      for (guint k = 0; k < G_N_ELEMENTS (kinds); k++)
        {
          gboolean major = k == 0;
          g_autofree char *ref = g_strdup_printf ("CHG-%s-%04u", e->code, 2 * i + k + 1);
          g_autoptr(JsonObject) change = json_object_new ();
          json_object_set_string_member (change, "ref", ref);
          json_object_set_string_member (change, "kind", kinds[k]);
          json_object_set_string_member (change, "title", major ? "更换电源模块 Replace the power supply"
                                                                : "更正安装位置 Correct the location");
          json_object_set_string_member (change, "reason", major ? "消除已知错误 Remove the known error"
                                                                 : "设备已搬迁 Moved during the rack migration");
          json_object_set_string_member (change, "site_id", site->id);
          json_object_set_string_member (change, "ci_id", ci->id);
          if (major)
            {
              JsonArray *board = json_array_new ();
              json_array_add_string_element (board, "zhangmin");
              json_array_add_string_element (board, "david.xu");
              json_object_set_array_member (change, "approvers", board);
              json_object_set_string_member (change, "problem_id", problem_id);
              json_object_set_string_member (change, "rollback_plan", "装回原电源模块 Refit the old module");
              json_object_set_string_member (change, "test_report", "备机满载 4 小时通过 Spare ran 4 h at full load");
              json_object_set_string_member (change, "status", "requested");
            }
          else
            json_object_set_string_member (change, "status", "implemented");
          json_object_set_string_member (change, "assignee", e->user->login);
          json_object_set_string_member (change, "by", e->user->login);
          set_time (change, "at", at);
          /* Its documents name it before it is stored. */
          char id[37];
          fl_uuid7_generate (id);
          if (major && !attach_change_documents (d, blob_dir, change, id, site, e->user->login, at, error))
            return FALSE;
          g_autofree char *stored = put_row_as (d, "change_record", id, change, at, 0, error);
          if (stored == NULL)
            return FALSE;
        }
    }
  return TRUE;
}

/* A 1x1 white PNG: the demo customer signature. */
static const guint8 signature_png[] = {
  0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a, 0x00, 0x00, 0x00, 0x0d, 0x49, 0x48, 0x44, 0x52,
  0x00, 0x00, 0x00, 0x01, 0x00, 0x00, 0x00, 0x01, 0x08, 0x02, 0x00, 0x00, 0x00, 0x90, 0x77, 0x53,
  0xde, 0x00, 0x00, 0x00, 0x0c, 0x49, 0x44, 0x41, 0x54, 0x08, 0xd7, 0x63, 0xf8, 0xff, 0xff, 0x3f,
  0x00, 0x05, 0xfe, 0x02, 0xfe, 0xa7, 0x35, 0x81, 0x84, 0x00, 0x00, 0x00, 0x00, 0x49, 0x45, 0x4e,
  0x44, 0xae, 0x42, 0x60, 0x82,
};

static gboolean
store_signature (Demo *d, const char *blob_dir, GError **error)
{
  g_autoptr(GBytes) bytes = g_bytes_new_static (signature_png, sizeof signature_png);
  d->signature_sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  d->signature_size = sizeof signature_png;
  return put_demo_blob (d, blob_dir, d->signature_sha256, bytes, error);
}

/* The service catalogue of 004 3.1-3.2 in short: the business services
 * and a technical service behind each; HIS core is the service the demo's
 * policy and work orders name. */
static const struct {
  const char *code, *name, *kind, *business, *delivery, *coverage;
  int response, resolve, availability;
  const char *content;
} demo_services[] = {
  { HIS_CORE, "HIS 核心系统 HIS core systems", "business", NULL, "on_site_remote", "7x24", 30, 240, 9990,
    "关键应用系统运行维护 Keeping the hospital information system running" },
  { "HIS-DB", "数据库运行维护 Database operation", "technical", HIS_CORE, "remote", "7x24", 30, 240, 9990,
    "数据库、中间件的监控、备份与故障处理 Monitoring, backups and faults of the database and middleware" },
  { "DESK", "桌面计算机系统运行维护 Desktop support", "business", NULL, "on_site", "5x9", 60, 480, 9900,
    "桌面计算机、打印机、扫描仪的维护 PCs, printers and scanners" },
  { "DESK-PC", "计算机系统维护 PC repair", "technical", "DESK", "on_site", "5x9", 0, 0, -1,
    "现场硬件故障判断及定位 Finding hardware faults on site" },
  { "HOTLINE", "热线服务 Service hotline", "business", NULL, "hotline", "7x24", 15, 60, -1,
    "热线电话支持、受理服务请求与投诉 Phone support, requests and complaints" },
};

static const char demo_contacts[] =
  "服务台 Service desk: 400-800-1234\n"
  "值班工程师 Engineer on duty: 138-0000-0001\n"
  "信息中心主任 Head of IT: 138-0000-0002\n";

static gboolean
add_catalogue_and_documents (Demo *d, const char *blob_dir, gint64 at, GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_services); i++)
    {
      JsonObject *row = json_object_new ();
      json_object_set_string_member (row, "code", demo_services[i].code);
      json_object_set_string_member (row, "name", demo_services[i].name);
      json_object_set_string_member (row, "kind", demo_services[i].kind);
      if (demo_services[i].business != NULL)
        json_object_set_string_member (row, "business", demo_services[i].business);
      json_object_set_string_member (row, "delivery", demo_services[i].delivery);
      json_object_set_string_member (row, "coverage", demo_services[i].coverage);
      json_object_set_string_member (row, "content", demo_services[i].content);
      if (demo_services[i].response > 0)
        {
          json_object_set_int_member (row, "response_minutes", demo_services[i].response);
          json_object_set_int_member (row, "resolve_minutes", demo_services[i].resolve);
        }
      if (demo_services[i].availability >= 0)
        json_object_set_int_member (row, "availability", demo_services[i].availability);
      if (!add_row (d, "service", row, at, 0, error))
        return FALSE;
    }

  g_autoptr(GBytes) bytes = g_bytes_new_static (demo_contacts, sizeof demo_contacts - 1);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  if (!put_demo_blob (d, blob_dir, sha256, bytes, error))
    return FALSE;
  JsonObject *contacts = json_object_new ();
  g_autofree char *size = g_strdup_printf ("%" G_GSIZE_FORMAT, sizeof demo_contacts - 1);
  g_autofree char *published = fl_time_format (at);
  json_object_set_string_member (contacts, "kind", "contacts");
  json_object_set_string_member (contacts, "title", "联系人清单 Contact list");
  json_object_set_string_member (contacts, "sha256", sha256);
  json_object_set_string_member (contacts, "mime", "text/plain");
  json_object_set_string_member (contacts, "size", size);
  json_object_set_string_member (contacts, "filename", "contacts.txt");
  json_object_set_string_member (contacts, "published_by", "admin");
  json_object_set_string_member (contacts, "published_at", published);
  return add_row (d, "document", contacts, at, 0, error);
}

static gboolean
generate (Demo *d, guint size, const char *blob_dir, GError **error)
{
  g_autofree char *calendar_id = NULL;
  if (!store_signature (d, blob_dir, error) ||
      !add_calendar_sites_and_policies (d, &calendar_id, error) ||
      !add_catalogue_and_documents (d, blob_dir, d->now - 400 * DAY, error) ||
      !add_users (d, error) ||
      !add_cis (d, size, error) ||
      !add_parts_and_locations (d, error) ||
      !add_initial_stock (d, size, error) ||
      !add_templates (d, error) ||
      !add_inspections (d, error) ||
      !add_cmdb_audits (d, error) ||
      !add_backups (d, error))
    return FALSE;
  for (guint i = 0; i < size; i++)
    if (!add_work_order (d, i, size, error))
      return FALSE;
  /* The warnings and escalations the open orders have passed, as the
   * running server records them. */
  return add_reviews (d, error) && add_problems_and_changes (d, blob_dir, error) &&
         fl_sla_sweep (d->store, d->now, error) >= 0;
}

gboolean
fl_demo_data_generate (FlStore *store, guint size, const char *blob_dir, GError **error)
{
  gint64 sites = fl_store_count_rows (store, fl_schema_lookup ("site"), error);
  gint64 users = fl_store_count_rows (store, fl_schema_lookup ("user"), error);
  if (sites < 0 || users < 0)
    return FALSE;
  if (sites > 0 || users > 0)
    {
      g_set_error (error, FL_DEMO_DATA_ERROR, FL_DEMO_DATA_ERROR_NOT_EMPTY,
                   _("The database already holds data; demo data goes into a new, empty database"));
      return FALSE;
    }

  Demo d = {
    .store = store,
    .rand = g_rand_new_with_seed (20261122),
    .now = fl_time_now (),
    .sites = g_ptr_array_new_with_free_func ((GDestroyNotify) site_free),
    .engineers = g_ptr_array_new_with_free_func ((GDestroyNotify) engineer_free),
    .templates = g_ptr_array_new_with_free_func (g_free),
    .policy_rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref),
  };

  gboolean ok = fl_store_begin (store, error);
  if (ok)
    {
      ok = generate (&d, size, blob_dir, error);
      if (ok)
        ok = fl_store_commit (store, error);
      else
        fl_store_rollback (store);
    }

  g_rand_free (d.rand);
  g_ptr_array_unref (d.sites);
  g_ptr_array_unref (d.engineers);
  g_ptr_array_unref (d.templates);
  g_ptr_array_unref (d.policy_rows);
  g_free (d.main_warehouse);
  for (guint i = 0; i < G_N_ELEMENTS (d.parts); i++)
    g_free (d.parts[i]);
  g_free (d.signature_sha256);
  return ok;
}
