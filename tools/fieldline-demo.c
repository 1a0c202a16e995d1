/* fieldline-demo — a short tour of the core library on a fresh replica:
 * records a day of work offline and prints the outbox waiting for the
 * server and the stock balances.  `tools/dev.sh run` shows it when the
 * sync server is not built. */
#include <fieldline.h>
#include <glib/gi18n.h>
#include <glib/gstdio.h>
#include <locale.h>
#include <stdio.h>

static char *
insert (FlDb *db, const char *table, const char *json)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) fields = fl_record_parse (json, -1, &error);
  char *id = NULL;
  if (fields == NULL || !fl_changelog_insert (db, table, fields, &id, &error))
    {
      g_printerr ("%s\n", error->message);
      exit (1);
    }
  return id;
}

int
main (int argc, char **argv)
{
  setlocale (LC_ALL, "");
  if (argc != 2)
    {
      g_printerr (_("Usage: %s REPLICA.db\n"), argv[0]);
      return 2;
    }
  g_autoptr(GError) error = NULL;
  g_unlink (argv[1]);
  g_autoptr(FlDb) db = fl_db_open_replica (argv[1], &error);
  if (db == NULL || !fl_db_set_meta (db, FL_META_DEVICE_CODE, "DEM", &error))
    {
      g_printerr ("%s\n", error->message);
      return 1;
    }
  printf (_("Replica %s (schema %d)\n\n"), argv[1], fl_db_schema_version (db));

  g_autofree char *site = insert (db, "site",
      "{\"code\": \"RMYY\", \"name\": \"市人民医院\", \"time_zone\": \"Asia/Shanghai\", \"coverage\": \"7x24\"}");
  g_autofree char *ref = fl_ref_next (db, fl_ref_prefix ("work_order", "incident"), fl_time_now (), &error);
  g_autofree char *wo_json = g_strdup_printf (
      "{\"ref\": \"%s\", \"kind\": \"incident\", \"title\": \"HIS 数据库服务器无响应\","
      " \"site_id\": \"%s\", \"impact\": 2, \"urgency\": 1, \"status\": \"new\"}", ref, site);
  g_autofree char *wo = insert (db, "work_order", wo_json);
  g_autoptr(JsonObject) move = json_object_new ();
  json_object_set_string_member (move, "status", "assigned");
  json_object_set_string_member (move, "assignee", "zhang.wei");
  if (!fl_changelog_update (db, "work_order", wo, move, &error))
    g_printerr ("%s\n", error->message);

  g_autofree char *part = insert (db, "part",
      "{\"sku\": \"HDD-600G\", \"name\": \"600 GB SAS 硬盘\", \"unit\": \"pc\", \"min_stock\": 2}");
  g_autofree char *store = insert (db, "stock_location",
      "{\"code\": \"WH1\", \"name\": \"备件库\", \"kind\": \"warehouse\"}");
  g_autofree char *van = insert (db, "stock_location",
      "{\"code\": \"VAN1\", \"name\": \"Van 1\", \"kind\": \"van\", \"owner\": \"zhang.wei\"}");
  FlStockMovement moves[] = {
    { FL_MOVE_RECEIVE, part, 4, NULL, store, NULL, NULL, "PO-2026-118", NULL, "li.na" },
    { FL_MOVE_ISSUE, part, 1, store, van, NULL, NULL, NULL, NULL, "li.na" },
    { FL_MOVE_USE, part, 2, van, NULL, NULL, wo, NULL, NULL, "zhang.wei" },
  };
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    if (!fl_stock_post (db, &moves[i], NULL, &error))
      g_printerr ("%s\n", error->message);

  printf (_("Outbox (mutations waiting for the server):\n"));
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT mid, op, table_name, body FROM outbox ORDER BY mid", NULL);
  while (sqlite3_step (stmt) == SQLITE_ROW)
    {
      g_autofree char *body = g_utf8_substring ((const char *) sqlite3_column_text (stmt, 3), 0, 80);
      printf ("  %3lld %-6s %-15s %s…\n", (long long) sqlite3_column_int64 (stmt, 0),
              sqlite3_column_text (stmt, 1), sqlite3_column_text (stmt, 2), body);
    }

  printf (_("\nStock balances:\n"));
  g_autoptr(FlStmt) balances = fl_db_prepare (db,
      "SELECT l.code, p.sku, b.qty FROM stock_balance b JOIN stock_location l ON l.id = b.location_id"
      " JOIN part p ON p.id = b.part_id ORDER BY l.code", NULL);
  while (sqlite3_step (balances) == SQLITE_ROW)
    printf ("  %-6s %-10s %4lld%s\n", sqlite3_column_text (balances, 0), sqlite3_column_text (balances, 1),
            (long long) sqlite3_column_int64 (balances, 2),
            sqlite3_column_int64 (balances, 2) < 0 ? _("  (negative: flagged for the clerk)") : "");
  printf (_("\nLedger and balances agree: %s\n"), fl_stock_verify (db, NULL) ? _("yes") : _("NO"));
  printf (_("\nNot there yet in this build: the sync server, the client sync engine and the GTK app.\n"));
  return 0;
}
