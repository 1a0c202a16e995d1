/* fieldline-cli stock: balance, move. */
#include <inttypes.h>
#include "fl-cli.h"

#include <string.h>

#include "fl-workflow.h"

static int
stock_balance (FlCli *cli, int argc, char **argv)
{
  g_autofree char *location = NULL;
  GOptionEntry entries[] = {
    { "location", 0, 0, G_OPTION_ARG_STRING, &location, N_("Only this location (its code)"), N_("CODE") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— stock on hand per location and part"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context, _("Marks: ! below zero (parts used offline: tell the clerk), "
                                           "↓ below the part’s minimum stock."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return fl_cli_usage (context, _("Put the location in --location"));

  g_autoptr(GError) error = NULL;
  g_autofree char *location_id = NULL;
  if (location != NULL && (location_id = fl_cli_find (cli, "stock_location", "code", location, &error)) == NULL)
    return fl_cli_fail (error);
  const char *params[] = { location_id, NULL, NULL, NULL };
  g_autoptr(GPtrArray) balances = fl_query_rows (cli->db, fl_stock_balances_sql (), G_N_ELEMENTS (params),
                                                 params, &error);
  if (balances == NULL)
    return fl_cli_fail (error);
  guint n = balances->len;
  if (n > 0)
    g_print ("  %-14s %-16s %10s %-6s %s\n", _("LOCATION"), _("SKU"), _("QTY"), _("UNIT"), _("PART"));
  for (guint i = 0; i < n; i++)
    {
      JsonObject *balance = g_ptr_array_index (balances, i);
      gint64 qty = fl_record_get_int (balance, "qty", 0);
      const char *alert = fl_record_get_string (balance, "alert");
      const char *mark = g_strcmp0 (alert, "negative") == 0 ? "!" : g_strcmp0 (alert, "low") == 0 ? "↓" : "";
      const char *unit = fl_record_get_string (balance, "unit");
      g_print ("%-1s %-14s %-16s %10" PRId64 " %-6s %s\n", mark,
               fl_record_get_string (balance, "location_code"), fl_record_get_string (balance, "sku"),
               qty, unit != NULL ? unit : "", fl_record_get_string (balance, "part_name"));
    }
  if (n == 0)
    g_print (_("No stock recorded.\n"));
  return FL_EXIT_OK;
}

static int
stock_move (FlCli *cli, int argc, char **argv)
{
  g_autofree char *kind = NULL, *part = NULL, *from = NULL, *to = NULL, *serial = NULL;
  g_autofree char *work_order = NULL, *reason = NULL, *supplier_ref = NULL;
  int qty = 0;
  GOptionEntry entries[] = {
    { "kind", 0, 0, G_OPTION_ARG_STRING, &kind,
      N_("receive, issue, transfer, use, return, scrap or adjust"), N_("KIND") },
    { "part", 0, 0, G_OPTION_ARG_STRING, &part, N_("The part’s SKU"), N_("SKU") },
    { "qty", 0, 0, G_OPTION_ARG_INT, &qty, N_("How many (more than 0)"), N_("N") },
    { "from", 0, 0, G_OPTION_ARG_STRING, &from, N_("Location the parts leave (its code)"), N_("CODE") },
    { "to", 0, 0, G_OPTION_ARG_STRING, &to, N_("Location the parts reach (its code)"), N_("CODE") },
    { "serial", 0, 0, G_OPTION_ARG_STRING, &serial, N_("Serial number of a tracked part"), N_("SERIAL") },
    { "work-order", 0, 0, G_OPTION_ARG_STRING, &work_order, N_("The work order the parts were used for"), N_("REF") },
    { "supplier-ref", 0, 0, G_OPTION_ARG_STRING, &supplier_ref, N_("Delivery note of a receipt"), N_("TEXT") },
    { "reason", 0, 0, G_OPTION_ARG_STRING, &reason, N_("Why (scrap, adjust)"), N_("TEXT") },
    { NULL }
  };
  g_autoptr(GOptionContext) context = g_option_context_new (_("— record a stock movement (works offline)"));
  g_option_context_set_translation_domain (context, GETTEXT_PACKAGE);
  g_option_context_set_summary (context,
      _("receive: --to; use, scrap: --from; issue, transfer, return: --from and --to; adjust: one of them."));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);
  int code;
  if (!fl_cli_parse (context, &argc, &argv, &code))
    return code;
  if (argc != 1)
    return fl_cli_usage (context, _("stock move takes only options"));
  FlMovementKind movement_kind;
  if (kind == NULL || !fl_movement_kind_from_string (kind, &movement_kind))
    return fl_cli_usage (context, _("--kind is receive, issue, transfer, use, return, scrap or adjust"));
  if (part == NULL || qty <= 0)
    return fl_cli_usage (context, _("stock move needs --part and a --qty above 0"));

  g_autoptr(GError) error = NULL;
  FlRole role;
  if (!fl_cli_role (cli, &role, &error) || !fl_access_check_movement_kind (role, kind, &error))
    return fl_cli_fail (error);
  g_autofree char *part_id = fl_cli_find (cli, "part", "sku", part, &error);
  if (part_id == NULL)
    return fl_cli_fail (error);
  g_autofree char *from_id = NULL, *to_id = NULL, *work_order_id = NULL;
  if ((from != NULL && (from_id = fl_cli_find (cli, "stock_location", "code", from, &error)) == NULL) ||
      (to != NULL && (to_id = fl_cli_find (cli, "stock_location", "code", to, &error)) == NULL) ||
      (work_order != NULL && (work_order_id = fl_cli_find (cli, "work_order", "ref", work_order, &error)) == NULL))
    return fl_cli_fail (error);

  g_autofree char *login = fl_cli_login (cli);
  FlStockMovement movement = {
    .kind = movement_kind, .part_id = part_id, .qty = qty, .from_location = from_id,
    .to_location = to_id, .serial = serial, .work_order_id = work_order_id,
    .supplier_ref = supplier_ref, .reason = reason, .by = login,
  };
  g_autofree char *id = NULL;
  if (!fl_stock_post (cli->db, &movement, &id, &error))
    return fl_cli_fail (error);
  g_print (_("Recorded. It is sent at the next sync.\n"));
  const char *locations[] = { from_id, to_id };
  const char *codes[] = { from, to };
  for (guint i = 0; i < G_N_ELEMENTS (locations); i++)
    if (locations[i] != NULL)
      {
        gint64 balance = fl_stock_balance (cli->db, locations[i], part_id, NULL);
        g_print (_("%s at %s: %" PRId64 "%s\n"), part, codes[i], balance,
                 balance < 0 ? _(" (below zero: flagged for the clerk)") : "");
      }
  return FL_EXIT_OK;
}

int
fl_cli_stock_command (FlCli *cli, int argc, char **argv)
{
  if (argc >= 2 && (strcmp (argv[1], "balance") == 0 || strcmp (argv[1], "move") == 0))
    {
      gboolean balance = strcmp (argv[1], "balance") == 0;
      g_autofree char *name = g_strdup_printf ("fieldline-cli stock %s", argv[1]);
      argv[1] = name;
      return balance ? stock_balance (cli, argc - 1, argv + 1) : stock_move (cli, argc - 1, argv + 1);
    }
  g_printerr (_("Usage: fieldline-cli stock balance|move … (add --help to either)\n"));
  return FL_EXIT_USAGE;
}
