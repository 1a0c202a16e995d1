#include "fl-test-util.h"

static JsonObject *
parse (const char *json)
{
  g_autoptr(GError) error = NULL;
  JsonObject *o = fl_record_parse (json, -1, &error);
  g_assert_no_error (error);
  return o;
}

/* Each bad value is refused with an error that names table.field and says
 * what is wrong; bad_field carries the field for the server's error body. */
static void
test_validation_names_the_field (void)
{
  static const struct {
    const char *json;
    const char *field;
    int code;
    const char *words;
  } cases[] = {
    { "{\"impact\": 7}", "impact", FL_RECORD_ERROR_INVALID, "between 1 and 4" },
    { "{\"impact\": \"2\"}", "impact", FL_RECORD_ERROR_INVALID, "whole number" },
    { "{\"impact\": 2.5}", "impact", FL_RECORD_ERROR_INVALID, "whole number" },
    { "{\"status\": \"done\"}", "status", FL_RECORD_ERROR_INVALID, "not one of" },
    { "{\"resolved_at\": \"tomorrow\"}", "resolved_at", FL_RECORD_ERROR_INVALID, "not a time" },
    { "{\"first_time_fix\": 1}", "first_time_fix", FL_RECORD_ERROR_INVALID, "true or false" },
    { "{\"on_hold_seconds\": \"12x\"}", "on_hold_seconds", FL_RECORD_ERROR_INVALID, "digits" },
    { "{\"site_id\": \"../etc\"}", "site_id", FL_RECORD_ERROR_INVALID, "not a row id" },
    { "{\"colour\": \"red\"}", "colour", FL_RECORD_ERROR_UNKNOWN_FIELD, "no such field" },
    { "{\"version\": 3}", "version", FL_RECORD_ERROR_UNKNOWN_FIELD, "kept by Fieldline" },
    { "{\"ref\": \"INC-1\"}", "ref", FL_RECORD_ERROR_IMMUTABLE, "cannot be changed" },
    { "{\"title\": null}", "title", FL_RECORD_ERROR_MISSING, "required" },
  };
  const FlTable *wo = fl_schema_lookup ("work_order");
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) fields = parse (cases[i].json);
      g_autoptr(GError) error = NULL;
      g_autofree char *bad = NULL;
      g_assert_false (fl_record_validate (wo, fields, FL_RECORD_UPDATE, &bad, &error));
      g_assert_error (error, FL_RECORD_ERROR, cases[i].code);
      g_assert_cmpstr (bad, ==, cases[i].field);
      g_autofree char *prefix = g_strdup_printf ("work_order.%s: ", cases[i].field);
      g_assert_true (g_str_has_prefix (error->message, prefix));
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
}

static void
test_insert_needs_required_fields (void)
{
  const FlTable *site = fl_schema_lookup ("site");
  g_autoptr(JsonObject) fields = parse ("{\"code\": \"H1\", \"name\": \"Hospital\", \"coverage\": \"5x9\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *bad = NULL;
  g_assert_false (fl_record_validate (site, fields, FL_RECORD_INSERT, &bad, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MISSING);
  g_assert_cmpstr (bad, ==, "time_zone");
}

static void
test_values_are_normalised (void)
{
  const FlTable *check = fl_schema_lookup ("backup_check");
  g_autoptr(JsonObject) fields = parse ("{\"checked_at\": \"2026-11-22T17:30:00+08:00\","
                                        " \"size_bytes\": 5000000000}");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_record_validate (check, fields, FL_RECORD_UPDATE, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (json_object_get_string_member (fields, "checked_at"), ==, "2026-11-22T09:30:00.000Z");
  /* 64-bit numbers travel as strings. */
  g_assert_cmpstr (json_object_get_string_member (fields, "size_bytes"), ==, "5000000000");
}

static void
test_malformed_json_refused (void)
{
  static const char * const inputs[] = { "{\"title\": ", "[1, 2]", "\"text\"", "" };
  for (guint i = 0; i < G_N_ELEMENTS (inputs); i++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(JsonObject) o = fl_record_parse (inputs[i], -1, &error);
      g_assert_null (o);
      g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MALFORMED);
    }
}

/* A stored row reads back field for field, with nulls for what was unset. */
static void
test_store_and_load_round_trip (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  const FlTable *check = fl_schema_lookup ("backup_check");
  g_autoptr(JsonObject) row = parse (
      "{\"id\": \"0192f1d2-0000-7000-8000-000000000001\", \"version\": \"3\","
      " \"created_at\": \"2026-11-22T01:00:00.000Z\", \"updated_at\": \"2026-11-22T01:00:00.000Z\","
      " \"job_id\": \"0192f1d2-0000-7000-8000-000000000002\", \"checked_at\": \"2026-11-22T01:00:00.000Z\","
      " \"by\": \"li.wei\", \"result\": \"ok\", \"size_bytes\": \"5000000000\", \"restore_test\": true}");
  g_assert_true (fl_record_validate (check, row, FL_RECORD_STORED, NULL, &error));
  g_assert_no_error (error);
  gboolean inserted = FALSE;
  g_assert_true (fl_record_store (db, check, row, &inserted, &error));
  g_assert_true (inserted);
  g_autoptr(JsonObject) back = fl_record_load (db, check, "0192f1d2-0000-7000-8000-000000000001", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (back, "version"), ==, "3");
  g_assert_cmpstr (fl_record_get_string (back, "size_bytes"), ==, "5000000000");
  g_assert_true (fl_record_get_bool (back, "restore_test"));
  g_assert_true (json_object_get_null_member (back, "notes"));
  g_assert_cmpstr (fl_record_get_string (back, "by"), ==, "li.wei");

  /* Storing an append-only row again leaves the first one as it was. */
  json_object_set_string_member (row, "result", "failed");
  g_assert_true (fl_record_store (db, check, row, &inserted, &error));
  g_assert_false (inserted);
  g_clear_pointer (&back, json_object_unref);
  back = fl_record_load (db, check, "0192f1d2-0000-7000-8000-000000000001", &error);
  g_assert_cmpstr (fl_record_get_string (back, "result"), ==, "ok");

  g_autoptr(JsonObject) missing = fl_record_load (db, check, "0192f1d2-0000-7000-8000-00000000ffff", &error);
  g_assert_null (missing);
  g_assert_error (error, FL_DB_ERROR, FL_DB_ERROR_NOT_FOUND);
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* A row stored again as it is changes nothing (no write, so no index,
 * trigger or change announcement); a changed value is written. */
static void
test_store_same_row_writes_nothing (void)
{
  g_autofree char *dir = NULL;
  g_autoptr(GError) error = NULL;
  FlDb *db = fl_test_replica ("AAA", &dir);
  const FlTable *site = fl_schema_lookup ("site");
  g_autoptr(JsonObject) row = parse (
      "{\"id\": \"0192f1d2-0000-7000-8000-000000000003\", \"version\": \"2\","
      " \"created_at\": \"2026-11-22T01:00:00.000Z\", \"updated_at\": \"2026-11-22T02:00:00.000Z\","
      " \"code\": \"RMYY\", \"name\": \"市人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_assert_true (fl_record_validate (site, row, FL_RECORD_STORED, NULL, &error));
  g_assert_no_error (error);
  g_assert_true (fl_record_store (db, site, row, NULL, &error));
  int written = sqlite3_total_changes (fl_db_handle (db));
  g_assert_true (fl_record_store (db, site, row, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpint (sqlite3_total_changes (fl_db_handle (db)), ==, written);

  json_object_set_string_member (row, "name", "市人民医院（东院）");
  g_assert_true (fl_record_store (db, site, row, NULL, &error));
  g_assert_cmpint (sqlite3_total_changes (fl_db_handle (db)), >, written);
  g_autoptr(JsonObject) back = fl_record_load (db, site, "0192f1d2-0000-7000-8000-000000000003", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (fl_record_get_string (back, "name"), ==, "市人民医院（东院）");
  g_object_unref (db);
  fl_test_remove_tree (dir);
}

/* A conflict keeps the plain values of both sides (text, numbers, null). */
static void
test_conflict_values_may_be_scalars (void)
{
  const FlTable *conflict = fl_schema_lookup ("conflict");
  g_autoptr(JsonObject) fields = parse ("{\"base\": \"new\", \"mine\": 3, \"theirs\": null}");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_record_validate (conflict, fields, FL_RECORD_UPDATE, NULL, &error));
  g_assert_no_error (error);
  /* Other JSON columns still want an object or array. */
  g_autoptr(JsonObject) items = parse ("{\"items\": \"none\"}");
  g_assert_false (fl_record_validate (fl_schema_lookup ("inspection_template"), items,
                                      FL_RECORD_UPDATE, NULL, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID);
}

/* A tree as json-glib alone builds it, which the JSON guard would refuse:
 * what code building rows by hand can hand to validation. */
static JsonObject *
parse_unguarded (const char *json)
{
  g_autoptr(JsonParser) parser = json_parser_new ();
  g_assert_true (json_parser_load_from_data (parser, json, -1, NULL));
  return json_object_ref (json_node_get_object (json_parser_get_root (parser)));
}

/* A JSON column must read back as it was written: a number json-glib takes
 * as infinity, or text with a lone surrogate, is refused naming the field
 * (stored, it came back as null and the row failed every later sync).
 * Read from text, the JSON guard refuses it first. */
static void
test_json_columns_store_what_reads_back (void)
{
  static const char * const bad[] = {
    "{\"results\": {\"temp\": 1e999}}",
    "{\"results\": {\"temp\": [1, -1e999]}}",
    "{\"results\": {\"label\": \"a\\ud800b\"}}",
    "{\"results\": {\"a\\ud800b\": 1}}",
    NULL,  /* nested 40 deep, built below */
  };
  const FlTable *inspection = fl_schema_lookup ("inspection");
  g_autofree char *open = g_strnfill (40, '[');
  g_autofree char *close = g_strnfill (40, ']');
  g_autofree char *deep = g_strdup_printf ("{\"results\": %s1%s}", open, close);
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      const char *text = bad[i] != NULL ? bad[i] : deep;
      g_autoptr(GError) error = NULL;
      g_assert_null (fl_record_parse (text, -1, &error));
      g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_MALFORMED);
      g_clear_error (&error);
      g_autoptr(JsonObject) fields = parse_unguarded (text);
      g_autofree char *field = NULL;
      g_assert_false (fl_record_validate (inspection, fields, FL_RECORD_UPDATE, &field, &error));
      g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID);
      g_assert_cmpstr (field, ==, "results");
      g_assert_true (g_str_has_prefix (error->message, "inspection.results: "));
    }
  g_autoptr(JsonObject) good = parse ("{\"results\": {\"temp\": 21.5, \"note\": \"\\ud83d\\ude00 ok\"}}");
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_record_validate (inspection, good, FL_RECORD_UPDATE, NULL, &error));
  g_assert_no_error (error);
}

/* Every text and JSON column has a length limit, every number a range. */
static void
test_every_column_is_bounded (void)
{
  guint n_tables;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint t = 0; t < n_tables; t++)
    for (guint c = 0; c < tables[t]->n_columns; c++)
      {
        const FlColumn *column = &tables[t]->columns[c];
        g_test_message ("%s.%s", tables[t]->name, column->name);
        if (column->type == FL_COL_INT || column->type == FL_COL_INT64)
          g_assert_cmpint (column->min, <, column->max);
        else if (column->type == FL_COL_JSON || (column->type == FL_COL_TEXT && column->choices == NULL))
          g_assert_cmpuint (column->max_length, >, 0);
      }
}

/* Text beyond its column's limit, JSON beyond its size, a number beyond its
 * range: refused, naming the field and the limit. */
static void
test_limits_are_enforced (void)
{
  const FlTable *wo = fl_schema_lookup ("work_order");
  g_autofree char *code = g_strnfill (FL_TEXT_NAME + 1, 'x');
  g_autofree char *notes = g_strnfill (FL_TEXT_LONG, 'x');
  g_autofree char *huge = g_strnfill (FL_TEXT_LONG + 1, 'x');
  static const struct { const char *field; const char *words; } cases[] = {
    { "assignee", "longer than 200 bytes" },
    { "description", "longer than 65536 bytes" },
    { "on_hold_seconds", "between 0 and 315360000" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(JsonObject) fields = json_object_new ();
      if (i == 0)
        json_object_set_string_member (fields, cases[i].field, code);
      else if (i == 1)
        json_object_set_string_member (fields, cases[i].field, huge);
      else
        json_object_set_string_member (fields, cases[i].field, "3100000000");
      g_autoptr(GError) error = NULL;
      g_autofree char *field = NULL;
      g_assert_false (fl_record_validate (wo, fields, FL_RECORD_UPDATE, &field, &error));
      g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID);
      g_assert_cmpstr (field, ==, cases[i].field);
      g_assert_nonnull (strstr (error->message, cases[i].words));
    }
  g_autoptr(JsonObject) fine = json_object_new ();
  json_object_set_string_member (fine, "description", notes);
  g_autoptr(GError) error = NULL;
  g_assert_true (fl_record_validate (wo, fine, FL_RECORD_UPDATE, NULL, &error));

  g_autoptr(JsonObject) results = json_object_new ();
  g_autoptr(JsonObject) big = json_object_new ();
  json_object_set_string_member (big, "a", notes);
  json_object_set_object_member (results, "results", g_steal_pointer (&big));
  g_assert_false (fl_record_validate (fl_schema_lookup ("inspection"), results, FL_RECORD_UPDATE, NULL, &error));
  g_assert_error (error, FL_RECORD_ERROR, FL_RECORD_ERROR_INVALID);
  g_assert_nonnull (strstr (error->message, "inspection.results: is larger than 65536 bytes"));
}

/* What a person types is read, never clamped: 10^12 labour minutes, 10^12
 * units, "abc" and "-3" in a count are each refused with words for the
 * field; a day's labour and a million units are the most one entry holds. */
static void
test_typed_numbers_are_refused_not_clamped (void)
{
  static const struct { const char *table, *column, *text; gint64 value; const char *words; } cases[] = {
    { "work_log", "minutes", "1000000000000", -1, "Enter a number from 0 to 1440" },
    { "work_log", "minutes", "100000", -1, "Enter a number from 0 to 1440" },
    { "work_log", "minutes", " 90 ", 90, NULL },
    { "work_log", "minutes", "1440", 1440, NULL },
    { "stock_movement", "qty", "1000000000000", -1, "Enter a number from 1 to 1000000" },
    { "stock_movement", "qty", "0", -1, "Enter a number from 1 to 1000000" },
    { "stock_movement", "qty", "007", 7, NULL },
    { "stock_count", "counted", "abc", -1, "“abc” is not a whole number" },
    { "stock_count", "counted", "-3", -1, "Enter a number from 0 to 1000000000" },
    { "stock_count", "counted", "2.5", -1, "“2.5” is not a whole number" },
    { "stock_count", "counted", "", -1, "Enter a number" },
    { "stock_count", "counted", "0", 0, NULL },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      gint64 value = -1;
      gboolean read = fl_record_read_number (cases[i].table, cases[i].column, cases[i].text, &value, &error);
      g_test_message ("%s.%s “%s”", cases[i].table, cases[i].column, cases[i].text);
      g_assert_cmpint (value, ==, cases[i].value);
      if (cases[i].words == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (read);
        }
      else
        {
          g_assert_false (read);
          g_assert_cmpstr (error->message, ==, cases[i].words);
        }
    }
}

/* A decimal a person types (a reading) is digits with a sign and a point:
 * what g_ascii_strtod would also take ("inf", "nan", "0x10", "1e999") is
 * refused with words for the field, as is a setting outside its range. */
static void
test_typed_decimals_are_refused (void)
{
  static const struct { const char *text; double value; const char *words; } cases[] = {
    { "21.5", 21.5, NULL },
    { " -3 ", -3, NULL },
    { "+0.25", 0.25, NULL },
    { ".5", 0.5, NULL },
    { "7.", 7, NULL },
    { "", -99, "Enter a number" },
    { "abc", -99, "“abc” is not a number" },
    { "inf", -99, "“inf” is not a number" },
    { "nan", -99, "“nan” is not a number" },
    { "0x10", -99, "“0x10” is not a number" },
    { "1e999", -99, "“1e999” is not a number" },
    { "1.2.3", -99, "“1.2.3” is not a number" },
    { "-", -99, "“-” is not a number" },
    { ".", -99, "“.” is not a number" },
    { "1234567890123456", -99, "Enter a number of at most 15 digits" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(GError) error = NULL;
      double value = -99;
      g_test_message ("“%s”", cases[i].text);
      gboolean read = fl_record_read_decimal (cases[i].text, &value, &error);
      g_assert_cmpfloat (value, ==, cases[i].value);
      if (cases[i].words == NULL)
        {
          g_assert_no_error (error);
          g_assert_true (read);
        }
      else
        {
          g_assert_false (read);
          g_assert_cmpstr (error->message, ==, cases[i].words);
        }
    }

  g_autoptr(GError) error = NULL;
  gint64 minutes = -1;
  g_assert_false (fl_record_read_whole_number ("5000", 1, 1440, &minutes, &error));
  g_assert_cmpstr (error->message, ==, "Enter a number from 1 to 1440");
  g_assert_cmpint (minutes, ==, -1);
  g_clear_error (&error);
  g_assert_true (fl_record_read_whole_number ("30", 1, 1440, &minutes, &error));
  g_assert_no_error (error);
  g_assert_cmpint (minutes, ==, 30);
}

/* A 64-bit number travels as the digits PRId64 writes, nothing else: "09"
 * used to validate as a version and read back from the store as "9" (found
 * by the record fuzz target). */
static void
test_int64_digits_are_canonical (void)
{
  const char *good[] = { "0", "7", "-5", "9223372036854775807", "-9223372036854775808" };
  const char *bad[] = { "", "09", "-0", "+5", " 5", "5 ", "0x10", "9223372036854775808", "1e3" };
  gint64 v;
  for (guint i = 0; i < G_N_ELEMENTS (good); i++)
    g_assert_true (fl_record_parse_int64 (good[i], &v));
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    g_assert_false (fl_record_parse_int64 (bad[i], &v));

  const FlTable *site = fl_schema_lookup ("site");
  g_autoptr(JsonObject) fields = parse ("{\"id\": \"01936d3c-8f00-7000-8000-000000000001\","
                                        " \"version\": \"09\", \"created_at\": \"2026-11-22T09:30:00.000Z\","
                                        " \"updated_at\": \"2026-11-22T09:30:00.000Z\", \"code\": \"H1\","
                                        " \"name\": \"Hospital\", \"coverage\": \"5x9\", \"time_zone\": \"Asia/Shanghai\"}");
  g_autoptr(GError) error = NULL;
  g_autofree char *bad_field = NULL;
  g_assert_false (fl_record_validate (site, fields, FL_RECORD_STORED, &bad_field, &error));
  g_assert_cmpstr (bad_field, ==, "version");
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/record/validation-names-field", test_validation_names_the_field);
  g_test_add_func ("/record/insert-required", test_insert_needs_required_fields);
  g_test_add_func ("/record/normalised", test_values_are_normalised);
  g_test_add_func ("/record/malformed-json", test_malformed_json_refused);
  g_test_add_func ("/record/store-load", test_store_and_load_round_trip);
  g_test_add_func ("/record/store-same-row", test_store_same_row_writes_nothing);
  g_test_add_func ("/record/conflict-scalars", test_conflict_values_may_be_scalars);
  g_test_add_func ("/record/json-storable", test_json_columns_store_what_reads_back);
  g_test_add_func ("/record/every-column-bounded", test_every_column_is_bounded);
  g_test_add_func ("/record/limits", test_limits_are_enforced);
  g_test_add_func ("/record/typed-numbers", test_typed_numbers_are_refused_not_clamped);
  g_test_add_func ("/record/typed-decimals", test_typed_decimals_are_refused);
  g_test_add_func ("/record/int64-canonical", test_int64_digits_are_canonical);
  return g_test_run ();
}
