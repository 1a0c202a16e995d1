/* The service catalogue, the kept documents and security events: which
 * SLA policy a catalogue entry takes, the grade of a security event at
 * each boundary of 002 信息安全事故管理程序 4.1, and what a replica lists.
 * Every expected value is worked out by hand beside its case. */
#include "fl-catalogue.h"
#include "fl-kpi.h"
#include "fl-security.h"
#include "fl-services.h"
#include "fl-test-replica.h"
#include "fl-work-order-sla.h"
#include "fl-work-order-queries.h"
#include "fl-work-order.h"

#include <glib/gstdio.h>

/* ---- security grades ---- */

typedef struct {
  gint64 outage_minutes, loss_cny;
  FlSecurityGrade grade;
} GradeCase;

/* "4 小时以上" and "十万元以上" count the number itself: 240 minutes or
 * 100 000 yuan is an incident, one less is not; likewise 480 minutes and
 * 1 000 000 yuan for a major one.  Either measure alone decides. */
static const GradeCase grade_cases[] = {
  { 0, 0, FL_SECURITY_EVENT },
  { 239, 99999, FL_SECURITY_EVENT },        /* just under both */
  { 240, 0, FL_SECURITY_INCIDENT },         /* 4 h exactly */
  { 0, 100000, FL_SECURITY_INCIDENT },      /* 100 000 yuan exactly */
  { 479, 999999, FL_SECURITY_INCIDENT },    /* just under both major ones */
  { 480, 0, FL_SECURITY_MAJOR },            /* 8 h exactly */
  { 0, 1000000, FL_SECURITY_MAJOR },        /* 1 000 000 yuan exactly */
  { 30, 2500000, FL_SECURITY_MAJOR },       /* a short outage with a large loss */
  { 600, 0, FL_SECURITY_MAJOR },
  { -5, -1, FL_SECURITY_EVENT },            /* nothing recorded */
};

static void
test_security_grade_boundaries (void)
{
  for (guint i = 0; i < G_N_ELEMENTS (grade_cases); i++)
    {
      const GradeCase *c = &grade_cases[i];
      g_test_message ("case %u: %" G_GINT64_FORMAT " min, %" G_GINT64_FORMAT " CNY", i, c->outage_minutes,
                      c->loss_cny);
      g_assert_cmpint (fl_security_grade (c->outage_minutes, c->loss_cny), ==, c->grade);
    }
}

static JsonObject *
order (const char *category, int outage_minutes, const char *loss_cny)
{
  JsonObject *wo = json_object_new ();
  if (category != NULL)
    json_object_set_string_member (wo, "category", category);
  json_object_set_int_member (wo, "outage_minutes", outage_minutes);
  json_object_set_string_member (wo, "loss_cny", loss_cny);  /* 64-bit: digits on the wire */
  return wo;
}

static void
test_security_derive (void)
{
  /* A general incident has no grade, however long the outage. */
  g_autoptr(JsonObject) general = order (NULL, 600, "0");
  json_object_set_string_member (general, "security_grade", "major");
  fl_security_derive (general);
  g_assert_null (fl_record_get_string (general, "security_grade"));
  g_assert_false (fl_security_needs_problem (general));

  g_autoptr(JsonObject) event = order ("security", 120, "5000");
  fl_security_derive (event);
  g_assert_cmpstr (fl_record_get_string (event, "security_grade"), ==, "event");
  g_assert_false (fl_security_needs_problem (event));

  g_autoptr(JsonObject) incident = order ("security", 60, "100000");
  fl_security_derive (incident);
  g_assert_cmpstr (fl_record_get_string (incident, "security_grade"), ==, "incident");
  g_assert_true (fl_security_needs_problem (incident));

  g_autoptr(JsonObject) major = order ("security", 480, "0");
  fl_security_derive (major);
  g_assert_cmpstr (fl_record_get_string (major, "security_grade"), ==, "major");
  g_assert_true (fl_security_needs_problem (major));
  g_assert_cmpstr (fl_security_grade_label_for_name ("major"), ==, "Major security incident");
}

/* ---- which policy a catalogue entry takes ---- */

static JsonObject *
service (const char *code, const char *kind, const char *business)
{
  JsonObject *row = json_object_new ();
  json_object_set_string_member (row, "code", code);
  json_object_set_string_member (row, "kind", kind);
  if (business != NULL)
    json_object_set_string_member (row, "business", business);
  else
    json_object_set_null_member (row, "business");
  return row;
}

static JsonObject *
policy (const char *site_id, const char *code, const char *priority, int response, int resolve)
{
  JsonObject *row = json_object_new ();
  if (site_id != NULL)
    json_object_set_string_member (row, "site_id", site_id);
  else
    json_object_set_null_member (row, "site_id");
  json_object_set_string_member (row, "catalogue", code);
  json_object_set_string_member (row, "priority", priority);
  json_object_set_int_member (row, "response_minutes", response);
  json_object_set_int_member (row, "resolve_minutes", resolve);
  return row;
}

typedef struct {
  const char *service;
  int response, resolve;  /* high priority at site-a, minutes */
} CatalogueCase;

/* The catalogue:
 *   DESK      business                  rows: every site high 30 / 240
 *   DESK-PC   technical behind DESK     none: takes DESK's 30 / 240
 *   DESK-PRN  technical behind DESK     rows: site-a high 60 / 480, its own
 *   LAN       business                  none
 *   LAN-WIFI  technical behind LAN      none, nor LAN: the standard 24 h / 48 h
 *   ORPHAN    technical behind NOSUCH   none: the standard
 *   LOOP-A, LOOP-B  technical, each behind the other: the standard (and the walk ends)
 * No site defaults, so the standard's high targets (24 h / 48 h) are the
 * site's. */
static const CatalogueCase catalogue_cases[] = {
  { "DESK", 30, 240 },
  { "DESK-PC", 30, 240 },
  { "DESK-PRN", 60, 480 },
  { "LAN-WIFI", 24 * 60, 48 * 60 },
  { "ORPHAN", 24 * 60, 48 * 60 },
  { "LOOP-A", 24 * 60, 48 * 60 },
};

static void
test_catalogue_policy_resolution (void)
{
  g_autoptr(GPtrArray) services = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (services, service ("DESK", "business", NULL));
  g_ptr_array_add (services, service ("DESK-PC", "technical", "DESK"));
  g_ptr_array_add (services, service ("DESK-PRN", "technical", "DESK"));
  g_ptr_array_add (services, service ("LAN", "business", NULL));
  g_ptr_array_add (services, service ("LAN-WIFI", "technical", "LAN"));
  g_ptr_array_add (services, service ("ORPHAN", "technical", "NOSUCH"));
  g_ptr_array_add (services, service ("LOOP-A", "technical", "LOOP-B"));
  g_ptr_array_add (services, service ("LOOP-B", "technical", "LOOP-A"));
  g_autoptr(GPtrArray) rows = g_ptr_array_new_with_free_func ((GDestroyNotify) json_object_unref);
  g_ptr_array_add (rows, policy (NULL, "DESK", "high", 30, 240));
  g_ptr_array_add (rows, policy ("site-a", "DESK-PRN", "high", 60, 480));

  g_autoptr(GPtrArray) effective = fl_catalogue_effective_policies (services, rows);
  /* The two rows and one copy of DESK's for DESK-PC; nothing else. */
  g_assert_cmpuint (effective->len, ==, 3);
  for (guint i = 0; i < G_N_ELEMENTS (catalogue_cases); i++)
    {
      const CatalogueCase *c = &catalogue_cases[i];
      FlSlaChoice choice;
      fl_work_order_choose_policy ("site-a", c->service, effective, &choice);
      g_test_message ("case %u: %s", i, c->service);
      g_assert_cmpint (choice.policy.response_minutes[FL_PRIORITY_HIGH], ==, c->response);
      g_assert_cmpint (choice.policy.resolve_minutes[FL_PRIORITY_HIGH], ==, c->resolve);
    }
  /* The rows given are untouched: DESK's row still names DESK. */
  g_assert_cmpstr (fl_record_get_string (g_ptr_array_index (rows, 0), "catalogue"), ==, "DESK");
}

/* ---- in a replica ---- */

static void
test_replica_catalogue (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("CAT", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_free (fl_test_insert (db, "service",
                          "{\"code\": \"DESK-PC\", \"name\": \"PC repair\", \"kind\": \"technical\","
                          " \"business\": \"DESK\", \"delivery\": \"on_site\"}"));
  g_free (fl_test_insert (db, "service", "{\"code\": \"LAN\", \"name\": \"LAN\", \"kind\": \"business\"}"));
  g_free (fl_test_insert (db, "service",
                          "{\"code\": \"DESK\", \"name\": \"Desktop support\", \"kind\": \"business\","
                          " \"response_minutes\": 30, \"resolve_minutes\": 240, \"availability\": 9990}"));
  g_free (fl_test_insert (db, "service",
                          "{\"code\": \"OLD\", \"name\": \"Fax\", \"kind\": \"technical\", \"retired\": true}"));
  g_free (fl_test_insert (db, "sla_policy",
                          "{\"catalogue\": \"DESK\", \"priority\": \"high\", \"response_minutes\": 30,"
                          " \"resolve_minutes\": 240}"));

  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) listed = fl_services_list (db, &error);
  g_assert_no_error (error);
  /* Each business service, then what is behind it; the technical service
   * behind none last. */
  static const char * const order[] = { "DESK", "DESK-PC", "LAN", "OLD" };
  g_assert_cmpuint (listed->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < listed->len; i++)
    g_assert_cmpstr (fl_record_get_string (listed->pdata[i], "code"), ==, order[i]);

  /* The policies the replica applies: DESK's row and DESK-PC's copy. */
  g_autoptr(GPtrArray) policies = fl_work_order_policy_rows (db, site, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, ==, 2);
  g_assert_cmpstr (fl_record_get_string (policies->pdata[1], "catalogue"), ==, "DESK-PC");

  /* A work order picks from the catalogue, retired entries left out. */
  g_autoptr(GPtrArray) offered = fl_work_order_list_services (db, site, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (offered->len, ==, 3);
  g_assert_cmpstr (fl_record_get_string (offered->pdata[0], "service"), ==, "DESK");
  g_assert_cmpstr (fl_record_get_string (offered->pdata[0], "name"), ==, "Desktop support");
}

/* What the catalogue page shows of an entry: found by any word of its
 * code, name, content, CIs or business service (Chinese too); the
 * technical services behind a business one; the policy it takes, every
 * site's first; its CIs, those of other sites as their code only. */
static char *G_GNUC_PRINTF (3, 4)
insert_printf (FlDb *db, const char *table, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *json = g_strdup_vprintf (format, args);
  va_end (args);
  return fl_test_insert (db, table, json);
}

static void
test_replica_catalogue_details (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("CAD", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  g_free (fl_test_insert (db, "service",
                          "{\"code\": \"HIS\", \"name\": \"医院信息系统 HIS\", \"kind\": \"business\","
                          " \"content\": \"门诊挂号与收费\", \"cis\": \"DB-01, SW-09\"}"));
  g_free (fl_test_insert (db, "service",
                          "{\"code\": \"HIS-DB\", \"name\": \"Database\", \"kind\": \"technical\","
                          " \"business\": \"HIS\"}"));
  g_free (fl_test_insert (db, "service", "{\"code\": \"LAN\", \"name\": \"Network\", \"kind\": \"business\"}"));
  g_free (insert_printf (db, "ci",
                                 "{\"code\": \"DB-01\", \"name\": \"HIS database\", \"type\": \"server\","
                                 " \"site_id\": \"%s\", \"status\": \"in_use\"}", site));
  g_free (insert_printf (db, "sla_policy",
                                 "{\"site_id\": \"%s\", \"catalogue\": \"HIS\", \"priority\": \"high\","
                                 " \"response_minutes\": 15, \"resolve_minutes\": 120}", site));
  g_free (fl_test_insert (db, "sla_policy",
                          "{\"catalogue\": \"HIS\", \"priority\": \"medium\", \"response_minutes\": 30,"
                          " \"resolve_minutes\": 480}"));
  g_free (fl_test_insert (db, "sla_policy",
                          "{\"catalogue\": \"HIS\", \"priority\": \"high\", \"response_minutes\": 20,"
                          " \"resolve_minutes\": 240}"));

  g_autoptr(GError) error = NULL;
  static const struct { const char *words; guint found; const char *first; } searches[] = {
    { NULL, 3, "HIS" }, { "  ", 3, "HIS" }, { "收费", 1, "HIS" }, { "database", 1, "HIS-DB" },
    { "his database", 1, "HIS-DB" },  /* both words, in different columns */
    { "sw-09", 1, "HIS" }, { "医院信息", 2, "HIS" },  /* the technical service by its business one's name */
    { "printer", 0, NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (searches); i++)
    {
      g_autoptr(GPtrArray) found = fl_services_search (db, searches[i].words, &error);
      g_assert_no_error (error);
      g_test_message ("search %u: %s", i, searches[i].words);
      g_assert_cmpuint (found->len, ==, searches[i].found);
      if (found->len > 0)
        g_assert_cmpstr (fl_record_get_string (found->pdata[0], "code"), ==, searches[i].first);
    }

  g_autoptr(JsonObject) his_db = fl_services_get (db, "HIS-DB", &error);
  g_assert_cmpstr (fl_record_get_string (his_db, "business_name"), ==, "医院信息系统 HIS");
  g_assert_null (fl_services_get (db, "NOSUCH", &error));
  g_assert_no_error (error);
  g_autoptr(GPtrArray) technical = fl_services_list_technical (db, "HIS", &error);
  g_assert_cmpuint (technical->len, ==, 1);
  g_assert_cmpstr (fl_record_get_string (technical->pdata[0], "code"), ==, "HIS-DB");

  /* HIS-DB has no rows of its own: it takes HIS's three, every site's first. */
  g_autoptr(GPtrArray) policies = fl_services_list_policies (db, "HIS-DB", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (policies->len, ==, 3);
  g_assert_null (fl_record_get_string (policies->pdata[0], "site_name"));
  g_assert_cmpstr (fl_record_get_string (policies->pdata[0], "priority"), ==, "high");
  g_assert_cmpint (fl_record_get_int (policies->pdata[0], "response_minutes", 0), ==, 20);
  g_assert_cmpstr (fl_record_get_string (policies->pdata[1], "priority"), ==, "medium");
  g_assert_cmpstr (fl_record_get_string (policies->pdata[2], "site_name"), ==, "First People's Hospital");
  g_assert_cmpint (fl_record_get_int (policies->pdata[2], "response_minutes", 0), ==, 15);
  g_autoptr(GPtrArray) lan_policies = fl_services_list_policies (db, "LAN", &error);
  g_assert_cmpuint (lan_policies->len, ==, 0);

  g_autoptr(GPtrArray) cis = fl_services_list_cis (db, "HIS", &error);
  g_assert_no_error (error);
  g_assert_cmpuint (cis->len, ==, 2);
  g_assert_cmpstr (fl_record_get_string (cis->pdata[0], "name"), ==, "HIS database");
  g_assert_nonnull (fl_record_get_string (cis->pdata[0], "id"));
  g_assert_cmpstr (fl_record_get_string (cis->pdata[1], "code"), ==, "SW-09");
  g_assert_null (fl_record_get_string (cis->pdata[1], "id"));
}

/* Offline, the replica grades a security event as the server does, when
 * its outage or loss is recorded. */
static void
test_replica_security_grade (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("SEC", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  FlWorkOrderDraft draft = { .kind = "incident", .title = "Virus on the registration PCs", .site_id = site,
                             .impact = 2, .urgency = 2 };
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  g_assert_true (fl_work_order_create (db, &draft, "zhang.wei", &id, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) values = fl_record_parse ("{\"category\": \"security\", \"outage_minutes\": 239,"
                                                  " \"loss_cny\": \"99999\"}", -1, &error);
  g_assert_true (fl_work_order_update (db, id, values, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) event = fl_record_load (db, fl_schema_lookup ("work_order"), id, &error);
  g_assert_cmpstr (fl_record_get_string (event, "security_grade"), ==, "event");
  g_autoptr(JsonObject) longer = fl_record_parse ("{\"outage_minutes\": 480}", -1, &error);
  g_assert_true (fl_work_order_update (db, id, longer, &error));
  g_assert_no_error (error);
  g_autoptr(JsonObject) major = fl_record_load (db, fl_schema_lookup ("work_order"), id, &error);
  g_assert_cmpstr (fl_record_get_string (major, "security_grade"), ==, "major");
}

static void
test_replica_documents (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("DOC", &dir);
  static const char * const kinds[] = { "contracts", "continuity_plan", "contacts" };
  for (guint i = 0; i < G_N_ELEMENTS (kinds); i++)
    {
      g_autofree char *json = g_strdup_printf (
          "{\"kind\": \"%s\", \"title\": \"T%u\", \"sha256\": \"%064u\", \"mime\": \"application/pdf\","
          " \"size\": \"10\", \"published_by\": \"admin\", \"published_at\": \"2026-12-01T08:00:00.000Z\"}",
          kinds[i], i, i);
      g_free (fl_test_insert (db, "document", json));
    }
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) documents = fl_documents_list (db, &error);
  g_assert_no_error (error);
  static const char * const order[] = { "continuity_plan", "contacts", "contracts" };
  g_assert_cmpuint (documents->len, ==, G_N_ELEMENTS (order));
  for (guint i = 0; i < documents->len; i++)
    g_assert_cmpstr (fl_record_get_string (documents->pdata[i], "kind"), ==, order[i]);
}

/* ---- periodic reviews ---- */

static gint64
utc (const char *text)
{
  gint64 usec = 0;
  g_assert_true (fl_time_parse (text, &usec, NULL));
  return usec;
}

typedef struct {
  const char *start, *end;            /* the period, UTC */
  const char *previous_start;         /* expected; the previous ends at start */
} PeriodCase;

/* Asia/Shanghai is UTC+8 all year: local midnight is 16:00Z the day before. */
static const PeriodCase period_cases[] = {
  /* February 2026 (28 days) -> January (31 days). */
  { "2026-01-31T16:00:00.000Z", "2026-02-28T16:00:00.000Z", "2025-12-31T16:00:00.000Z" },
  /* March 2026 -> February, not the 31 days before March. */
  { "2026-02-28T16:00:00.000Z", "2026-03-31T16:00:00.000Z", "2026-01-31T16:00:00.000Z" },
  /* The first quarter of 2026 -> the last of 2025 (October to December). */
  { "2025-12-31T16:00:00.000Z", "2026-03-31T16:00:00.000Z", "2025-09-30T16:00:00.000Z" },
  /* The year 2026 -> 2025. */
  { "2025-12-31T16:00:00.000Z", "2026-12-31T16:00:00.000Z", "2024-12-31T16:00:00.000Z" },
  /* Ten days from 11-21 -> the ten days before. */
  { "2026-11-20T16:00:00.000Z", "2026-11-30T16:00:00.000Z", "2026-11-10T16:00:00.000Z" },
};

static void
test_review_previous_period (void)
{
  g_autoptr(GTimeZone) tz = g_time_zone_new_identifier ("Asia/Shanghai");
  for (guint i = 0; i < G_N_ELEMENTS (period_cases); i++)
    {
      const PeriodCase *c = &period_cases[i];
      gint64 start = 0, end = 0;
      fl_kpi_previous_period (tz, utc (c->start), utc (c->end), &start, &end);
      g_autofree char *start_text = fl_time_format (start);
      g_test_message ("case %u", i);
      g_assert_cmpstr (start_text, ==, c->previous_start);
      g_assert_cmpint (end, ==, utc (c->start));
    }
}

static void
insert_incident (FlDb *db, const char *site, const char *service, const char *created, const char *response_due,
                 const char *responded, const char *category, const char *grade)
{
  g_autofree char *ref = fl_uuid7_new ();
  g_autofree char *json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"incident\", \"title\": \"x\", \"site_id\": \"%s\", \"impact\": 2,"
      " \"urgency\": 2, \"status\": \"in_progress\", \"service\": %s%s%s, \"response_due\": \"%s\","
      " \"responded_at\": %s%s%s, \"category\": %s%s%s, \"security_grade\": %s%s%s}",
      ref, site, service ? "\"" : "", service ? service : "null", service ? "\"" : "", response_due,
      responded ? "\"" : "", responded ? responded : "null", responded ? "\"" : "",
      category ? "\"" : "", category ? category : "null", category ? "\"" : "",
      grade ? "\"" : "", grade ? grade : "null", grade ? "\"" : "");
  g_autofree char *id = fl_test_insert (db, "work_order", json);
  /* created_at is the change log's now: set the period's own. */
  g_autofree char *sql = g_strdup_printf ("UPDATE work_order SET created_at = '%s' WHERE id = '%s'", created, id);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_db_exec (db, sql, &error));
  g_assert_no_error (error);
}

/* November 2026 in UTC.  Responses decided in November:
 *   DESK: due 11-03, responded 11-02 (met); due 11-10, responded 11-11
 *         (late); due 11-20, none by as_of 12-01 (late): 1 of 3
 *   HIS:  due 11-05, responded 11-05 (met): 1 of 1
 *   none: due 10-30, responded 10-29: October's, not November's
 * Security events created in November: one incident, one major; the
 * October one is not counted. */
static void
test_review_services_and_security (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("REV", &dir);
  g_autofree char *site = fl_test_insert_site (db);
  insert_incident (db, site, "DESK", "2026-11-02T01:00:00.000Z", "2026-11-03T01:00:00.000Z",
                   "2026-11-02T02:00:00.000Z", "security", "incident");
  insert_incident (db, site, "DESK", "2026-11-09T01:00:00.000Z", "2026-11-10T01:00:00.000Z",
                   "2026-11-11T01:00:00.000Z", NULL, NULL);
  insert_incident (db, site, "DESK", "2026-11-19T01:00:00.000Z", "2026-11-20T01:00:00.000Z", NULL,
                   "security", "major");
  insert_incident (db, site, "HIS", "2026-11-04T01:00:00.000Z", "2026-11-05T01:00:00.000Z",
                   "2026-11-05T01:00:00.000Z", NULL, NULL);
  insert_incident (db, site, NULL, "2026-10-28T01:00:00.000Z", "2026-10-30T01:00:00.000Z",
                   "2026-10-29T01:00:00.000Z", "security", "event");

  g_autoptr(GError) error = NULL;
  gint64 start = utc ("2026-11-01T00:00:00.000Z"), end = utc ("2026-12-01T00:00:00.000Z");
  g_autoptr(GPtrArray) rows = fl_kpi_compute_services (db, NULL, start, end, end, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (rows->len, ==, 2);
  FlKpiServiceRow *desk = rows->pdata[0], *his = rows->pdata[1];
  g_assert_cmpstr (desk->service, ==, "DESK");
  g_assert_cmpint (desk->response.numerator, ==, 1);
  g_assert_cmpint (desk->response.denominator, ==, 3);
  g_assert_cmpstr (his->service, ==, "HIS");
  g_assert_cmpint (his->response.numerator, ==, 1);
  g_assert_cmpint (his->response.denominator, ==, 1);

  gint64 grades[FL_KPI_N_SECURITY_GRADES];
  g_assert_true (fl_kpi_count_security (db, NULL, start, end, grades, &error));
  g_assert_no_error (error);
  g_assert_cmpint (grades[FL_SECURITY_EVENT], ==, 0);
  g_assert_cmpint (grades[FL_SECURITY_INCIDENT], ==, 1);
  g_assert_cmpint (grades[FL_SECURITY_MAJOR], ==, 1);
  /* October, the period before: the one event and the undated-service response. */
  gint64 previous_start, previous_end;
  g_autoptr(GTimeZone) tz = g_time_zone_new_utc ();
  fl_kpi_previous_period (tz, start, end, &previous_start, &previous_end);
  g_assert_true (fl_kpi_count_security (db, NULL, previous_start, previous_end, grades, &error));
  g_assert_cmpint (grades[FL_SECURITY_EVENT], ==, 1);
  g_autoptr(GPtrArray) october = fl_kpi_compute_services (db, NULL, previous_start, previous_end, end, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (october->len, ==, 1);
  g_assert_cmpstr (((FlKpiServiceRow *) october->pdata[0])->service, ==, "");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/catalogue/security-grade-boundaries", test_security_grade_boundaries);
  g_test_add_func ("/catalogue/security-derive", test_security_derive);
  g_test_add_func ("/catalogue/policy-resolution", test_catalogue_policy_resolution);
  g_test_add_func ("/catalogue/replica-catalogue", test_replica_catalogue);
  g_test_add_func ("/catalogue/replica-catalogue-details", test_replica_catalogue_details);
  g_test_add_func ("/catalogue/replica-security-grade", test_replica_security_grade);
  g_test_add_func ("/catalogue/replica-documents", test_replica_documents);
  g_test_add_func ("/catalogue/review-previous-period", test_review_previous_period);
  g_test_add_func ("/catalogue/review-services-and-security", test_review_services_and_security);
  return g_test_run ();
}
