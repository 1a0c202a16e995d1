#include <inttypes.h>
#include "fl-admin.h"

#include <glib/gi18n-lib.h>
#include <stdio.h>
#include <string.h>
#include <unistd.h>

#include "fl-accounts.h"
#include "fl-blobs.h"
#include "fl-catalogue.h"
#include "fl-demo-data.h"
#include "fl-import.h"
#include "fl-migrate.h"
#include "fl-record.h"
#include "fl-store.h"
#include "fl-terminal.h"
#include "fl-time.h"

G_DEFINE_QUARK (fl-admin-error-quark, fl_admin_error)

typedef struct {
  /* options */
  char       *db;       /* --store URI, or --db PATH of a SQLite file */
  gboolean    help;
  char       *role;
  char       *name;
  char       *sites;
  gboolean    password_stdin;
  int         size;
  char       *to;
  char       *table;
  char       *id;
  char       *user;
  char       *before;
  int         older_than;
  gboolean    dry_run;
  char       *site;
  char       *service;
  char       *blob_dir;
  char      **set;
  char       *title;
  /* what the command works with */
  char      **args;     /* positional arguments after the command words */
  const char *input;
  GString    *out;
  FlStore    *store;
} Admin;

typedef gboolean (*CommandFunc) (Admin *admin, GError **error);

typedef struct {
  const char  *name;        /* "user add" */
  const char  *parameters;  /* "LOGIN" */
  guint        n_args;      /* positional arguments required */
  const char  *summary;
  const char  *options;     /* option names it takes, besides --store, --db and --help */
  CommandFunc  func;
} Command;

#define ACTOR "admin (command line)"

/* ---- helpers ---- */

static gboolean
usage_error (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
usage_error (GError **error, const char *format, ...)
{
  va_list args;
  va_start (args, format);
  g_autofree char *message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_USAGE, message);
  return FALSE;
}

static char *
format_time (gint64 usec)
{
  if (usec == 0)
    return g_strdup ("—");
  g_autoptr(GDateTime) utc = g_date_time_new_from_unix_utc (usec / G_USEC_PER_SEC);
  g_autoptr(GDateTime) local = g_date_time_to_local (utc);
  return g_date_time_format (local, "%Y-%m-%d %H:%M");
}

/* Reads one line: from `input` in tests, else from stdin, without echo
 * when stdin is a terminal. */
static char *
read_secret (Admin *admin, const char *prompt, GError **error)
{
  if (admin->input != NULL)
    {
      const char *end = strchr (admin->input, '\n');
      char *line = end != NULL ? g_strndup (admin->input, end - admin->input) : g_strdup (admin->input);
      admin->input = end != NULL ? end + 1 : admin->input + strlen (admin->input);
      return line;
    }
  char *password = fl_terminal_read_secret (admin->password_stdin ? NULL : prompt);
  if (password == NULL)
    g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_INVALID, _("No password was given"));
  return password;
}

/* A new password, asked twice on a terminal. */
static char *
read_new_password (Admin *admin, GError **error)
{
  g_autofree char *password = read_secret (admin, _("New password: "), error);
  if (password == NULL)
    return NULL;
  if (admin->input == NULL && !admin->password_stdin && isatty (STDIN_FILENO))
    {
      g_autofree char *again = read_secret (admin, _("Repeat the password: "), error);
      if (again == NULL)
        return NULL;
      if (strcmp (password, again) != 0)
        {
          g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_INVALID, _("The two passwords differ"));
          return NULL;
        }
    }
  return g_steal_pointer (&password);
}

/* Site codes ("HOSP1,HOSP2"; "" or "all" = every site) to site ids. */
static GStrv
site_ids_from_codes (Admin *admin, const char *codes, GError **error)
{
  g_autoptr(GStrvBuilder) builder = g_strv_builder_new ();
  if (codes != NULL && g_ascii_strcasecmp (codes, "all") != 0)
    {
      g_auto(GStrv) list = g_strsplit_set (codes, ",; ", -1);
      for (guint i = 0; list[i] != NULL; i++)
        {
          if (*list[i] == '\0')
            continue;
          g_autoptr(JsonObject) site = fl_store_find_row (admin->store, fl_schema_lookup ("site"),
                                                          "code", list[i], NULL);
          if (site == NULL)
            {
              g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_NOT_FOUND,
                           _("There is no site with the code “%s”"), list[i]);
              return NULL;
            }
          g_strv_builder_add (builder, fl_record_get_string (site, "id"));
        }
    }
  return g_strv_builder_end (builder);
}

/* Site ids of a user row back to codes, for people. */
static char *
site_codes (Admin *admin, JsonObject *user)
{
  g_auto(GStrv) ids = fl_accounts_user_sites (user);
  if (ids == NULL)
    return g_strdup (_("all sites"));
  g_autoptr(GString) codes = g_string_new (NULL);
  for (guint i = 0; ids[i] != NULL; i++)
    {
      g_autoptr(JsonObject) site = fl_store_load_row (admin->store, fl_schema_lookup ("site"), ids[i], NULL);
      if (codes->len > 0)
        g_string_append_c (codes, ',');
      g_string_append (codes, site != NULL ? fl_record_get_string (site, "code") : ids[i]);
    }
  return g_string_free (g_steal_pointer (&codes), FALSE);
}

/* ---- commands ---- */

static gboolean
cmd_init (Admin *admin, GError **error)
{
  g_autofree char *location = fl_store_location_for_people (admin->db);
  g_string_append_printf (admin->out, _("The database %s is ready (schema %d, id %s).\n"),
                          location, fl_store_schema_version (admin->store), fl_store_get_id (admin->store));
  return TRUE;
}

static gboolean
cmd_user_add (Admin *admin, GError **error)
{
  const char *login = admin->args[0];
  if (admin->role == NULL || admin->name == NULL)
    return usage_error (error, _("“user add” needs --role and --name"));
  g_auto(GStrv) sites = site_ids_from_codes (admin, admin->sites, error);
  if (sites == NULL)
    return FALSE;
  g_autofree char *password = read_new_password (admin, error);
  if (password == NULL)
    return FALSE;
  g_autoptr(JsonObject) user = fl_accounts_add_user (admin->store, login, admin->name, admin->role,
                                                     (const char * const *) sites, password, ACTOR, error);
  if (user == NULL)
    return FALSE;
  g_autofree char *codes = site_codes (admin, user);
  g_string_append_printf (admin->out, _("Added %s (%s, %s, %s).\n"), login, admin->name, admin->role, codes);
  return TRUE;
}

typedef struct {
  Admin      *admin;
  GHashTable *devices;  /* user id -> count */
} UserList;

static gboolean
count_device (const FlStoreDevice *device, gpointer user_data, GError **error)
{
  GHashTable *devices = user_data;
  if (!device->revoked)
    g_hash_table_insert (devices, g_strdup (device->user_id),
                         GUINT_TO_POINTER (GPOINTER_TO_UINT (g_hash_table_lookup (devices, device->user_id)) + 1));
  return TRUE;
}

/* The widths of the columns of `user list`, in terminal cells. */
static const gsize user_columns[] = { 16, 11, 9, 7, 20 };

static gboolean
print_user (const FlTable *table, JsonObject *user, gpointer user_data, GError **error)
{
  UserList *list = user_data;
  g_autofree char *codes = site_codes (list->admin, user);
  guint devices = GPOINTER_TO_UINT (g_hash_table_lookup (list->devices, fl_record_get_string (user, "id")));
  g_autofree char *device_count = g_strdup_printf ("%u", devices);
  const char *cells[] = {
    fl_record_get_string (user, "login"), fl_record_get_string (user, "role"),
    fl_record_get_bool (user, "disabled") ? _("disabled") : _("active"),
    device_count, codes, fl_record_get_string (user, "display_name"),
  };
  fl_terminal_append_row (list->admin->out, G_N_ELEMENTS (cells), user_columns, cells);
  return TRUE;
}

static gboolean
cmd_user_list (Admin *admin, GError **error)
{
  UserList list = { admin, g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL) };
  gboolean ok = fl_store_foreach_device (admin->store, NULL, count_device, list.devices, error);
  if (ok)
    {
      const char *headers[] = { _("LOGIN"), _("ROLE"), _("STATE"), _("DEVICES"), _("SITES"), _("NAME") };
      fl_terminal_append_row (admin->out, G_N_ELEMENTS (headers), user_columns, headers);
      ok = fl_store_foreach_row (admin->store, fl_schema_lookup ("user"), NULL, print_user, &list, error);
    }
  g_hash_table_unref (list.devices);
  return ok;
}

static gboolean
cmd_user_disable (Admin *admin, GError **error)
{
  if (!fl_accounts_set_disabled (admin->store, admin->args[0], TRUE, ACTOR, error))
    return FALSE;
  g_string_append_printf (admin->out, _("Disabled %s; every token of theirs is revoked.\n"), admin->args[0]);
  return TRUE;
}

static gboolean
cmd_user_enable (Admin *admin, GError **error)
{
  if (!fl_accounts_set_disabled (admin->store, admin->args[0], FALSE, ACTOR, error))
    return FALSE;
  g_string_append_printf (admin->out, _("Enabled %s; they can sign in again.\n"), admin->args[0]);
  return TRUE;
}

static gboolean
cmd_user_set_password (Admin *admin, GError **error)
{
  g_autoptr(JsonObject) user = fl_accounts_find_user (admin->store, admin->args[0], error);
  if (user == NULL)
    return FALSE;
  g_autofree char *password = read_new_password (admin, error);
  if (password == NULL || !fl_accounts_set_password (admin->store, admin->args[0], password, ACTOR, error))
    return FALSE;
  g_string_append_printf (admin->out, _("Changed the password of %s.\n"), admin->args[0]);
  return TRUE;
}

static gboolean
cmd_user_set_role (Admin *admin, GError **error)
{
  if (!fl_accounts_set_role (admin->store, admin->args[0], admin->args[1], ACTOR, error))
    return FALSE;
  g_string_append_printf (admin->out, _("%s is now %s.\n"), admin->args[0], admin->args[1]);
  return TRUE;
}

static gboolean
cmd_user_set_sites (Admin *admin, GError **error)
{
  g_auto(GStrv) sites = site_ids_from_codes (admin, admin->args[1], error);
  if (sites == NULL ||
      !fl_accounts_set_sites (admin->store, admin->args[0], (const char * const *) sites, ACTOR, error))
    return FALSE;
  g_autoptr(JsonObject) user = fl_accounts_find_user (admin->store, admin->args[0], error);
  g_autofree char *codes = user != NULL ? site_codes (admin, user) : NULL;
  g_string_append_printf (admin->out, _("%s now works at: %s.\n"), admin->args[0], codes);
  return TRUE;
}

static gboolean
print_device (const FlStoreDevice *device, gpointer user_data, GError **error)
{
  Admin *admin = user_data;
  g_autoptr(JsonObject) user = fl_store_load_row (admin->store, fl_schema_lookup ("user"), device->user_id, NULL);
  g_autofree char *created = format_time (device->created_at);
  g_autofree char *seen = format_time (device->last_seen);
  g_string_append_printf (admin->out, "%-4s %-36s %-14s %-16s %-16s %-8s %s\n",
                          device->code, device->id,
                          user != NULL ? fl_record_get_string (user, "login") : device->user_id,
                          created, seen, device->revoked ? _("revoked") : _("active"), device->name);
  return TRUE;
}

static gboolean
cmd_device_list (Admin *admin, GError **error)
{
  g_autoptr(JsonObject) user = NULL;
  if (admin->user != NULL && (user = fl_accounts_find_user (admin->store, admin->user, error)) == NULL)
    return FALSE;
  g_string_append_printf (admin->out, "%-4s %-36s %-14s %-16s %-16s %-8s %s\n", _("CODE"), _("ID"),
                          _("USER"), _("SIGNED IN"), _("LAST SEEN"), _("STATE"), _("NAME"));
  return fl_store_foreach_device (admin->store, user != NULL ? fl_record_get_string (user, "id") : NULL,
                                  print_device, admin, error);
}

static gboolean
cmd_device_revoke (Admin *admin, GError **error)
{
  if (!fl_accounts_revoke_device (admin->store, admin->args[0], ACTOR, error))
    return FALSE;
  g_string_append_printf (admin->out,
                          _("Revoked the device %s: its next request is refused; its data stays on it.\n"),
                          admin->args[0]);
  return TRUE;
}

static gboolean
cmd_import (Admin *admin, GError **error)
{
  FlImportKind kind;
  if (!fl_import_kind_from_string (admin->args[0], &kind) || kind == FL_IMPORT_DOCUMENTS)
    return usage_error (error, _("Cannot import “%s”: choose sites, cis, parts, locations, users, policies "
                                 "or services (documents are published with “document publish”)"),
                        admin->args[0]);
  FlImportResult result = { 0 };
  gboolean ok = fl_import_file (admin->store, kind, admin->args[1], ACTOR, &result, error);
  if (ok)
    {
      g_string_append_printf (admin->out, _("Imported %s: %u new, %u updated.\n"),
                              admin->args[1], result.inserted, result.updated);
      for (guint i = 0; i < result.generated->len; i++)
        g_string_append_printf (admin->out, _("Generated password for %s\n"), (char *) result.generated->pdata[i]);
    }
  else
    g_prefix_error (error, _("Nothing was imported from %s: "), admin->args[1]);
  fl_import_result_clear (&result);
  return ok;
}

/* A CSV field, quoted. */
static void
append_csv_field (GString *csv, const char *value, const char *separator)
{
  g_auto(GStrv) parts = g_strsplit (value, "\"", -1);
  g_autofree char *doubled = g_strjoinv ("\"\"", parts);
  g_string_append_printf (csv, "\"%s\"%s", doubled, separator);
}

/* One policy, through the import of policies (the same checks, audit and
 * key: site, service and priority). */
static gboolean
cmd_policy_set (Admin *admin, GError **error)
{
  g_autoptr(GString) csv = g_string_new ("site,catalogue,priority,response_minutes,resolve_minutes\n");
  append_csv_field (csv, admin->site != NULL ? admin->site : "", ",");
  append_csv_field (csv, admin->service != NULL ? admin->service : "", ",");
  for (guint i = 0; i < 3; i++)
    append_csv_field (csv, admin->args[i], i < 2 ? "," : "\n");
  FlImportResult result = { 0 };
  gboolean ok = fl_import_csv (admin->store, FL_IMPORT_POLICIES, csv->str, (gssize) csv->len, ACTOR,
                               &result, error);
  if (ok)
    g_string_append_printf (admin->out, result.inserted > 0 ? _("Added the policy.\n")
                                                            : _("Changed the policy.\n"));
  else
    g_prefix_error (error, _("The policy was not saved: "));
  fl_import_result_clear (&result);
  return ok;
}

/* SITE SERVICE PRIORITY RESPOND RESOLVE */
static const gsize policy_widths[] = { 10, 34, 8, 8 };

static gboolean
print_policy (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  Admin *admin = user_data;
  const char *site_id = fl_record_get_string (row, "site_id");
  g_autoptr(JsonObject) site = site_id != NULL
    ? fl_store_load_row (admin->store, fl_schema_lookup ("site"), site_id, NULL) : NULL;
  const char *service = fl_record_get_string (row, "catalogue");
  g_autofree char *response = g_strdup_printf ("%" PRId64, fl_record_get_int (row, "response_minutes", 0));
  g_autofree char *resolve = g_strdup_printf ("%" PRId64, fl_record_get_int (row, "resolve_minutes", 0));
  const char *cells[] = {
    site_id == NULL ? _("all") : site != NULL ? fl_record_get_string (site, "code") : site_id,
    service != NULL ? service : _("(site default)"),
    fl_record_get_string (row, "priority"), response, resolve,
  };
  fl_terminal_append_row (admin->out, G_N_ELEMENTS (cells), policy_widths, cells);
  return TRUE;
}

static gboolean
cmd_policy_list (Admin *admin, GError **error)
{
  const char *header[] = { _("SITE"), _("SERVICE"), _("PRIORITY"), _("RESPOND"), _("RESOLVE") };
  fl_terminal_append_row (admin->out, G_N_ELEMENTS (header), policy_widths, header);
  if (!fl_store_foreach_row (admin->store, fl_schema_lookup ("sla_policy"), NULL, print_policy, admin, error))
    return FALSE;
  g_string_append (admin->out, _("Minutes of working time.  Sites and services without a row of their own "
                                 "take the standard targets.\n"));
  return TRUE;
}

/* ---- the service catalogue and the documents ---- */

/* One catalogue entry, through the import of services (the same checks
 * and audit): its code and the columns --set gives. */
static gboolean
cmd_catalogue_set (Admin *admin, GError **error)
{
  g_autoptr(GString) csv = g_string_new ("code");
  g_autoptr(GString) line = g_string_new (NULL);
  append_csv_field (line, admin->args[0], "");
  for (guint i = 0; admin->set != NULL && admin->set[i] != NULL; i++)
    {
      const char *equals = strchr (admin->set[i], '=');
      if (equals == NULL || equals == admin->set[i])
        return usage_error (error, _("--set takes COLUMN=VALUE (name=Desktop support), not “%s”"), admin->set[i]);
      g_autofree char *column = g_strndup (admin->set[i], (gsize) (equals - admin->set[i]));
      g_string_append_printf (csv, ",%s", column);
      g_string_append_c (line, ',');
      append_csv_field (line, equals + 1, "");
    }
  g_string_append_printf (csv, "\n%s\n", line->str);
  FlImportResult result = { 0 };
  gboolean ok = fl_import_csv (admin->store, FL_IMPORT_SERVICES, csv->str, (gssize) csv->len, ACTOR,
                               &result, error);
  if (ok)
    g_string_append_printf (admin->out, result.inserted > 0 ? _("Added %s to the service catalogue.\n")
                                                            : _("Changed %s in the service catalogue.\n"),
                            admin->args[0]);
  else
    g_prefix_error (error, _("The catalogue entry was not saved: "));
  fl_import_result_clear (&result);
  return ok;
}

static char *
format_minutes (JsonObject *row, const char *column)
{
  gint64 minutes = fl_record_get_int (row, column, 0);
  return minutes > 0 ? g_strdup_printf ("%" PRId64, minutes) : g_strdup ("—");
}

/* CODE KIND BUSINESS DELIVERY COVERAGE RESPOND RESOLVE AVAILABILITY NAME */
static const gsize service_widths[] = { 14, 10, 14, 15, 6, 8, 8, 8 };

static gboolean
print_service (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  Admin *admin = user_data;
  g_autofree char *response = format_minutes (row, "response_minutes");
  g_autofree char *resolve = format_minutes (row, "resolve_minutes");
  gint64 availability = fl_record_get_int (row, "availability", -1);
  g_autofree char *available = availability >= 0
    ? g_strdup_printf ("%" PRId64 ".%02" PRId64 "%%", availability / 100, availability % 100) : g_strdup ("—");
  const char *business = fl_record_get_string (row, "business");
  const char *delivery = fl_record_get_string (row, "delivery");
  const char *coverage = fl_record_get_string (row, "coverage");
  g_autofree char *name = fl_record_get_bool (row, "retired")
    /* Translators: a catalogue entry no longer offered */
    ? g_strdup_printf (_("%s (retired)"), fl_record_get_string (row, "name"))
    : g_strdup (fl_record_get_string (row, "name"));
  const char *cells[] = {
    fl_record_get_string (row, "code"), fl_record_get_string (row, "kind"),
    business != NULL ? business : "—", delivery != NULL ? delivery : "—", coverage != NULL ? coverage : "—",
    response, resolve, available, name,
  };
  fl_terminal_append_row (admin->out, G_N_ELEMENTS (cells), service_widths, cells);
  return TRUE;
}

static gboolean
cmd_catalogue_list (Admin *admin, GError **error)
{
  const char *header[] = { _("CODE"), _("KIND"), _("BUSINESS"), _("DELIVERY"), _("HOURS"), _("RESPOND"),
                           _("RESOLVE"), _("AVAILABLE"), _("NAME") };
  fl_terminal_append_row (admin->out, G_N_ELEMENTS (header), service_widths, header);
  if (!fl_store_foreach_row (admin->store, fl_schema_lookup ("service"), NULL, print_service, admin, error))
    return FALSE;
  g_string_append (admin->out, _("Indicators in minutes of working time.  The SLA policies of a service are "
                                 "those “policy list” shows under its code; a technical service without "
                                 "any takes its business service’s.\n"));
  return TRUE;
}

/* The folder of the server's blobs: --blob-dir, or the one next to a
 * SQLite store, as the server finds it. */
static char *
blob_dir (Admin *admin, GError **error)
{
  if (admin->blob_dir != NULL)
    return g_strdup (admin->blob_dir);
  g_autofree char *file = fl_store_location_file (admin->db);
  if (file == NULL)
    {
      usage_error (error, _("Where does the server keep its files? Give --blob-dir, as for “serve”"));
      return NULL;
    }
  return g_strconcat (file, ".blobs", NULL);
}

/* Keeps FILE as a blob of the server and makes it the document of KIND,
 * which every replica then downloads on its next sync. */
static gboolean
cmd_document_publish (Admin *admin, GError **error)
{
  const char *kind = admin->args[0], *path = admin->args[1];
  FlDocumentKind document_kind;
  if (!fl_document_kind_from_string (kind, &document_kind))
    return usage_error (error, _("There is no document “%s”: choose continuity_plan, contacts or contracts"), kind);
  /* In --blob-dir, in a store that keeps them, or beside a database file. */
  g_autofree char *dir = admin->blob_dir == NULL && fl_store_keeps_blobs (admin->store) ? NULL
                       : blob_dir (admin, error);
  if (dir == NULL && !fl_store_keeps_blobs (admin->store))
    return FALSE;
  char *data;
  gsize size;
  if (!g_file_get_contents (path, &data, &size, error))
    return FALSE;
  g_autoptr(GBytes) bytes = g_bytes_new_take (data, size);
  g_autofree char *sha256 = g_compute_checksum_for_bytes (G_CHECKSUM_SHA256, bytes);
  g_autofree char *basename = g_path_get_basename (path);
  g_autofree char *type = g_content_type_guess (basename, g_bytes_get_data (bytes, NULL), size, NULL);
  g_autofree char *mime = g_content_type_get_mime_type (type);
  g_autoptr(FlBlobs) blobs = fl_blobs_new_for_store (admin->store, dir, MAX (size, 1), error);
  if (blobs == NULL || !fl_blobs_put (blobs, sha256, bytes, error))
    return FALSE;

  g_autoptr(GString) csv = g_string_new ("kind,title,sha256,mime,size,filename,published_by,published_at\n");
  g_autofree char *size_text = g_strdup_printf ("%" G_GSIZE_FORMAT, size);
  g_autofree char *now = fl_time_format (fl_time_now ());
  const char *fields[] = {
    kind, admin->title != NULL ? admin->title : fl_document_kind_get_label (document_kind), sha256,
    mime != NULL ? mime : "application/octet-stream", size_text, basename, ACTOR, now,
  };
  for (guint i = 0; i < G_N_ELEMENTS (fields); i++)
    append_csv_field (csv, fields[i], i + 1 < G_N_ELEMENTS (fields) ? "," : "\n");
  FlImportResult result = { 0 };
  gboolean ok = fl_import_csv (admin->store, FL_IMPORT_DOCUMENTS, csv->str, (gssize) csv->len, ACTOR,
                               &result, error);
  if (ok)
    g_string_append_printf (admin->out, _("Published %s as the %s: every replica downloads it on its next sync.\n"),
                            basename, fl_document_kind_get_label (document_kind));
  else
    g_prefix_error (error, _("The document was not published: "));
  fl_import_result_clear (&result);
  return ok;
}

/* KIND TITLE SIZE PUBLISHED FILE */
static const gsize document_widths[] = { 16, 30, 10, 17 };

static gboolean
print_document (const FlTable *table, JsonObject *row, gpointer user_data, GError **error)
{
  Admin *admin = user_data;
  g_autofree char *size = g_format_size ((guint64) fl_record_get_int (row, "size", 0));
  gint64 at = 0;
  fl_time_parse (fl_record_get_string (row, "published_at"), &at, NULL);
  g_autofree char *published = format_time (at);
  const char *cells[] = {
    fl_record_get_string (row, "kind"), fl_record_get_string (row, "title"), size, published,
    fl_record_get_string (row, "filename"),
  };
  fl_terminal_append_row (admin->out, G_N_ELEMENTS (cells), document_widths, cells);
  return TRUE;
}

static gboolean
cmd_document_list (Admin *admin, GError **error)
{
  const char *header[] = { _("KIND"), _("TITLE"), _("SIZE"), _("PUBLISHED"), _("FILE") };
  fl_terminal_append_row (admin->out, G_N_ELEMENTS (header), document_widths, header);
  return fl_store_foreach_row (admin->store, fl_schema_lookup ("document"), NULL, print_document, admin, error);
}

static gboolean
cmd_demo_data (Admin *admin, GError **error)
{
  if (admin->size < 0 || admin->size > 10000000)
    return usage_error (error, _("--size must be between 0 and 10000000"));
  guint size = admin->size > 0 ? (guint) admin->size : 1000;
  /* The photos go where the servers of the store keep them: in --blob-dir,
   * beside a SQLite file, or in a PostgreSQL store itself. */
  g_autofree char *file = fl_store_location_file (admin->db);
  g_autofree char *blob_dir = admin->blob_dir != NULL ? g_strdup (admin->blob_dir)
                              : file != NULL ? g_strconcat (file, ".blobs", NULL) : NULL;
  gint64 start = g_get_monotonic_time ();
  if (!fl_demo_data_generate (admin->store, size, blob_dir, error))
    return FALSE;
  double seconds = (g_get_monotonic_time () - start) / (double) G_USEC_PER_SEC;

  g_string_append_printf (admin->out, _("Demo data in %s (%.1f s):\n"), admin->db, seconds);
  guint n_tables = 0;
  const FlTable * const *tables = fl_schema_tables (&n_tables);
  for (guint i = 0; i < n_tables; i++)
    g_string_append_printf (admin->out, "  %-20s %8" PRId64 "\n", tables[i]->name,
                            fl_store_count_rows (admin->store, tables[i], NULL));
  g_string_append_printf (admin->out, _("Negative stock balances for the clerk: %" PRId64 "\n"),
                          fl_store_count_negative_balances (admin->store, NULL));
  g_string_append (admin->out, _("\nDemo users (change these passwords before real use):\n"));
  guint n_users = 0;
  const FlDemoUser *users = fl_demo_data_users (&n_users);
  for (guint i = 0; i < n_users; i++)
    g_string_append_printf (admin->out, "  %-12s %-11s %-16s %s\n", users[i].login, users[i].role,
                            users[i].password, users[i].display_name);
  return TRUE;
}

static gboolean
cmd_backup (Admin *admin, GError **error)
{
  if (admin->to == NULL)
    return usage_error (error, _("“backup” needs --to FILE"));
  if (!fl_store_backup (admin->store, admin->to, error))
    return FALSE;
  g_string_append_printf (admin->out, _("Backed up %s to %s.\n"), admin->db, admin->to);
  return TRUE;
}

/* The blobs beside a SQLite file ("PATH.blobs", as the server keeps them),
 * or NULL when there are none. */
static char *
source_blob_dir (Admin *admin)
{
  g_autofree char *file = fl_store_location_file (admin->db);
  g_autofree char *dir = file != NULL ? g_strconcat (file, ".blobs", NULL) : NULL;
  return dir != NULL && g_file_test (dir, G_FILE_TEST_IS_DIR) ? g_steal_pointer (&dir) : NULL;
}

/* Into --blob-dir when given, else into the new store itself. */
static gboolean
migrate_blobs (Admin *admin, const char *source, FlStore *target, GError **error)
{
  g_autoptr(FlBlobs) from = fl_blobs_new (source, G_MAXSIZE, error);
  if (from == NULL)
    return FALSE;
  g_autoptr(FlBlobs) to = fl_blobs_new_for_store (target, admin->blob_dir, G_MAXSIZE, error);
  guint n = 0;
  if (to == NULL || !fl_migrate_blobs (from, to, &n, error))
    return FALSE;
  g_autofree char *where = admin->blob_dir != NULL ? g_strdup (admin->blob_dir)
                                                   : fl_store_location_for_people (admin->to);
  g_string_append_printf (admin->out, _("Copied %u blobs to %s, each checked against its hash.\n"), n, where);
  return TRUE;
}

static gboolean
cmd_migrate (Admin *admin, GError **error)
{
  if (admin->to == NULL)
    return usage_error (error, _("“migrate” needs --to URI, the new, empty database"));
  g_autofree char *blobs = source_blob_dir (admin);
  g_autoptr(FlStore) to = fl_store_open (admin->to, error);
  if (to == NULL)
    return FALSE;
  if (blobs != NULL && admin->blob_dir == NULL && !fl_store_keeps_blobs (to))
    return usage_error (error, _("%s holds photos and signatures: give --blob-dir, the folder the new "
                                 "store's instances share, to move them"), blobs);
  g_autoptr(GPtrArray) tallies = fl_migrate_copy (admin->store, to, error);
  if (tallies == NULL)
    return FALSE;
  gint64 total = 0;
  for (guint i = 0; i < tallies->len; i++)
    {
      FlMigrateTally *tally = tallies->pdata[i];
      total += tally->count;
      if (tally->count > 0)
        g_string_append_printf (admin->out, "  %-24s %10" PRId64 "  %.16s\n",
                                tally->table, tally->count, tally->checksum);
    }
  g_autofree char *from = fl_store_location_for_people (admin->db);
  g_autofree char *target = fl_store_location_for_people (admin->to);
  g_string_append_printf (admin->out, _("Moved %" PRId64 " records from %s to %s; every count and "
                                        "checksum is equal.\n"), total, from, target);
  return blobs == NULL || migrate_blobs (admin, blobs, to, error);
}

typedef struct {
  Admin *admin;
  guint  n;
} AuditPrint;

static gboolean
print_audit (const FlAuditEntry *entry, gpointer user_data, GError **error)
{
  AuditPrint *print = user_data;
  Admin *admin = print->admin;
  if (print->n == 0)
    g_string_append_printf (admin->out, _("History of %s %s:\n"), entry->table_name, entry->row_id);
  g_autofree char *at = fl_time_format (entry->at);
  g_autoptr(FlStoreDevice) device = entry->device != NULL
    ? fl_store_load_device (admin->store, entry->device, NULL) : NULL;
  g_autofree char *from = device != NULL ? g_strdup_printf (_(" on device %s"), device->code)
                                         : entry->device != NULL ? g_strdup_printf (_(" on device %s"), entry->device)
                                                                 : g_strdup ("");
  g_string_append_printf (admin->out, "%s  %s%s  %s\n", at, entry->actor != NULL ? entry->actor : "—",
                          from, entry->action);
  if (entry->detail != NULL)
    {
      g_autoptr(GList) members = json_object_get_members (entry->detail);
      for (GList *l = members; l != NULL; l = l->next)
        {
          JsonNode *value = json_object_get_member (entry->detail, l->data);
          if (JSON_NODE_HOLDS_OBJECT (value) && json_object_has_member (json_node_get_object (value), "to"))
            {
              JsonObject *change = json_node_get_object (value);
              g_autofree char *was = json_to_string (json_object_get_member (change, "from"), FALSE);
              g_autofree char *now = json_to_string (json_object_get_member (change, "to"), FALSE);
              g_string_append_printf (admin->out, "    %s: %s → %s\n", (char *) l->data,
                                      json_object_has_member (change, "from") ? was : "null", now);
            }
          else
            {
              g_autofree char *text = json_to_string (value, FALSE);
              g_string_append_printf (admin->out, "    %s: %s\n", (char *) l->data, text);
            }
        }
    }
  print->n++;
  return TRUE;
}

/* The record's id: `--id` is an id, or a reference, code, SKU or login. */
static char *
resolve_record (Admin *admin, const FlTable *table, const char *key)
{
  static const char * const natural_keys[] = { "ref", "code", "sku", "login" };
  for (guint i = 0; i < G_N_ELEMENTS (natural_keys); i++)
    if (fl_table_column (table, natural_keys[i]) != NULL)
      {
        g_autoptr(JsonObject) row = fl_store_find_row (admin->store, table, natural_keys[i], key, NULL);
        if (row != NULL)
          return g_strdup (fl_record_get_string (row, "id"));
      }
  return g_strdup (key);
}

static gboolean
cmd_audit (Admin *admin, GError **error)
{
  if (admin->table == NULL || admin->id == NULL)
    return usage_error (error, _("“audit” needs --table and --id"));
  const FlTable *table = fl_schema_lookup (admin->table);
  if (table == NULL)
    return usage_error (error, _("There is no table “%s”"), admin->table);
  g_autofree char *id = resolve_record (admin, table, admin->id);
  AuditPrint print = { admin, 0 };
  if (!fl_store_audit_history (admin->store, table->name, id, print_audit, &print, error))
    return FALSE;
  if (print.n == 0)
    {
      g_autoptr(JsonObject) row = fl_store_load_row (admin->store, table, id, NULL);
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_NOT_FOUND,
                   row != NULL ? _("The audit log holds nothing about %s %s (it was loaded in bulk)")
                               : _("There is no %s with the id, reference or code %s"),
                   table->name, admin->id);
      return FALSE;
    }
  return TRUE;
}

/* The instant `--before DATE` (local midnight) or `--older-than DAYS`
 * names; by default the retention the server keeps. */
static gboolean
prune_before (Admin *admin, gint64 *before, GError **error)
{
  if (admin->before != NULL && admin->older_than != 0)
    return usage_error (error, _("Give either --before or --older-than, not both"));
  if (admin->before != NULL)
    {
      GDate date;
      g_date_clear (&date, 1);
      guint y, m, d;
      char tail;
      if (sscanf (admin->before, "%4u-%2u-%2u%c", &y, &m, &d, &tail) != 3 || !g_date_valid_dmy (d, m, y))
        return usage_error (error, _("--before: “%s” is not a date such as 2023-12-01"), admin->before);
      g_autoptr(GDateTime) midnight = g_date_time_new_local ((int) y, (int) m, (int) d, 0, 0, 0);
      *before = g_date_time_to_unix (midnight) * G_USEC_PER_SEC;
      return TRUE;
    }
  if (admin->older_than < 0 || admin->older_than > 100 * 365)
    return usage_error (error, _("--older-than: a number of days from 1 to 36500"));
  int days = admin->older_than != 0 ? admin->older_than : FL_STORE_AUDIT_RETENTION_DAYS;
  *before = fl_time_now () - (gint64) days * 24 * 3600 * G_USEC_PER_SEC;
  return TRUE;
}

static gboolean
cmd_audit_prune (Admin *admin, GError **error)
{
  gint64 before = 0;
  if (!prune_before (admin, &before, error))
    return FALSE;
  gint64 n = fl_store_prune_audit (admin->store, before, admin->dry_run, error);
  if (n < 0)
    return FALSE;
  g_autofree char *when = format_time (before);
  if (admin->dry_run)
    g_string_append_printf (admin->out, _("%" PRId64 " audit entries from before %s would be removed (dry run).\n"),
                            n, when);
  else
    g_string_append_printf (admin->out, _("Removed %" PRId64 " audit entries from before %s.\n"), n, when);
  return TRUE;
}

static gboolean
cmd_check (Admin *admin, GError **error)
{
  g_autoptr(GError) local_error = NULL;
  if (!fl_store_verify (admin->store, &local_error))
    {
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_INVALID, "%s", local_error->message);
      return FALSE;
    }
  g_string_append_printf (admin->out, _("Stock balances equal the ledger; %" PRId64 " below zero.\n"),
                          fl_store_count_negative_balances (admin->store, NULL));
  return TRUE;
}

static const Command commands[] = {
  { "init", "", 0, N_("Create the database, or bring it to this version's schema"), "", cmd_init },
  { "user add", "LOGIN", 1, N_("Add a user; the password is asked for (or read from stdin)"),
    "role name sites password-stdin", cmd_user_add },
  { "user list", "", 0, N_("List the users, their roles, sites and devices"), "", cmd_user_list },
  { "user disable", "LOGIN", 1, N_("Stop a user signing in and revoke their tokens"), "", cmd_user_disable },
  { "user enable", "LOGIN", 1, N_("Let a disabled user sign in again"), "", cmd_user_enable },
  { "user set-password", "LOGIN", 1, N_("Set a user's password"), "password-stdin", cmd_user_set_password },
  { "user set-role", "LOGIN ROLE", 2, N_("Make the user an engineer, clerk, supervisor or admin"), "", cmd_user_set_role },
  { "user set-sites", "LOGIN CODE,CODE|all", 2, N_("Set the sites a user works at"), "", cmd_user_set_sites },
  { "device list", "", 0, N_("List signed-in devices"), "user", cmd_device_list },
  { "device revoke", "ID|CODE", 1, N_("Revoke a device (a lost laptop): its token stops at once"), "", cmd_device_revoke },
  { "import", "sites|cis|parts|locations|users|policies|services FILE.csv", 2,
    N_("Import master data, all lines or none"), "", cmd_import },
  { "policy list", "", 0, N_("List the SLA policies of sites and services"), "", cmd_policy_list },
  { "policy set", "PRIORITY RESPONSE_MINUTES RESOLVE_MINUTES", 3,
    N_("Set the SLA targets of a priority, for a site (--site) and a service (--service)"), "site service",
    cmd_policy_set },
  { "catalogue list", "", 0, N_("List the service catalogue: business and technical services"), "",
    cmd_catalogue_list },
  { "catalogue set", "CODE", 1,
    N_("Add or change a catalogue entry: --set name=… --set kind=technical --set business=CODE …"), "set",
    cmd_catalogue_set },
  { "document list", "", 0, N_("List the documents every replica keeps"), "", cmd_document_list },
  { "document publish", "continuity_plan|contacts|contracts FILE", 2,
    N_("Publish the continuity plan, the contact list or the contract list to every replica"),
    "title blob-dir", cmd_document_publish },
  { "demo-data", "", 0, N_("Fill an empty database with realistic demo data"), "size blob-dir", cmd_demo_data },
  { "backup", "", 0, N_("Copy the database while the server runs"), "to", cmd_backup },
  { "migrate", "", 0, N_("Move a stopped server's database (--from PATH.db) into a new one (--to postgresql://…)"),
    "from to blob-dir", cmd_migrate },
  { "audit", "", 0, N_("Show the history of a record: who, on which device, when, what"), "table id", cmd_audit },
  { "audit prune", "", 0, N_("Remove audit entries past their retention (default: older than 3 years)"),
    "before older-than dry-run", cmd_audit_prune },
  { "check", "", 0, N_("Check that stock balances equal the ledger"), "", cmd_check },
};

const char *
fl_admin_usage (void)
{
  static char *usage;
  if (g_once_init_enter (&usage))
    {
      GString *text = g_string_new (_("Usage: fieldline-sync COMMAND [OPTIONS]\n\n"
                                      "The Fieldline sync server and its administration.\n\n"
                                      "Commands:\n"));
      g_string_append_printf (text, "  %-44s %s\n", "serve --store URI [--listen ADDR] [--config FILE]",
                              _("Run the sync server"));
      for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
        {
          g_autofree char *synopsis = g_strdup_printf ("%s %s", commands[i].name, commands[i].parameters);
          g_string_append_printf (text, "  %-44s %s\n", synopsis, _(commands[i].summary));
        }
      g_string_append (text, _("\nEvery command takes --store URI, the server's database: sqlite:PATH\n"
                               "(or --db PATH) or postgresql://….\n"
                               "“fieldline-sync COMMAND --help” describes a command's options.\n"));
      g_once_init_leave (&usage, g_string_free (text, FALSE));
    }
  return usage;
}

static GOptionEntry *
option_entries (Admin *admin, const Command *command)
{
  const GOptionEntry all[] = {
    { "store", 0, 0, G_OPTION_ARG_STRING, &admin->db, N_("The server's database: sqlite:PATH or postgresql://…"), "URI" },
    { "db", 0, 0, G_OPTION_ARG_FILENAME, &admin->db, N_("The server's SQLite file, the same as --store sqlite:PATH"), "PATH" },
    { "role", 0, 0, G_OPTION_ARG_STRING, &admin->role, N_("engineer, clerk, supervisor or admin"), "ROLE" },
    { "name", 0, 0, G_OPTION_ARG_STRING, &admin->name, N_("The name people see"), "NAME" },
    { "sites", 0, 0, G_OPTION_ARG_STRING, &admin->sites, N_("Site codes the user works at (default: all)"), "CODE,CODE" },
    { "password-stdin", 0, 0, G_OPTION_ARG_NONE, &admin->password_stdin, N_("Read the password from standard input"), NULL },
    { "size", 0, 0, G_OPTION_ARG_INT, &admin->size, N_("Number of work orders (default 1000)"), "N" },
    { "from", 0, 0, G_OPTION_ARG_STRING, &admin->db, N_("The database to move, the same as --store"), "URI" },
    { "to", 0, 0, G_OPTION_ARG_STRING, &admin->to, N_("The backup file, or the database migrate fills"), "FILE|URI" },
    { "blob-dir", 0, 0, G_OPTION_ARG_FILENAME, &admin->blob_dir, N_("Where the new store's photos and signatures go"), "DIR" },
    { "table", 0, 0, G_OPTION_ARG_STRING, &admin->table, N_("The record's table (work_order, ci, ...)"), "TABLE" },
    { "id", 0, 0, G_OPTION_ARG_STRING, &admin->id, N_("The record's id, reference or code"), "ID" },
    { "user", 0, 0, G_OPTION_ARG_STRING, &admin->user, N_("Only this user's devices"), "LOGIN" },
    { "before", 0, 0, G_OPTION_ARG_STRING, &admin->before, N_("Entries before this date (local time)"), "YYYY-MM-DD" },
    { "older-than", 0, 0, G_OPTION_ARG_INT, &admin->older_than, N_("Entries older than this many days"), "DAYS" },
    { "dry-run", 0, 0, G_OPTION_ARG_NONE, &admin->dry_run, N_("Only count what would be removed"), NULL },
    { "site", 0, 0, G_OPTION_ARG_STRING, &admin->site, N_("The site's code (default: every site)"), "CODE" },
    { "service", 0, 0, G_OPTION_ARG_STRING, &admin->service,
      N_("The catalogue entry or contract (default: the site's default)"), "NAME" },
    { "set", 0, 0, G_OPTION_ARG_STRING_ARRAY, &admin->set, N_("A column and its value; may be repeated"),
      "COLUMN=VALUE" },
    { "title", 0, 0, G_OPTION_ARG_STRING, &admin->title, N_("The title people see"), "TITLE" },
    { "help", 'h', 0, G_OPTION_ARG_NONE, &admin->help, N_("Show this help"), NULL },
  };
  g_auto(GStrv) wanted = g_strsplit (command->options, " ", -1);
  GArray *entries = g_array_new (TRUE, TRUE, sizeof (GOptionEntry));
  for (guint i = 0; i < G_N_ELEMENTS (all); i++)
    if (strcmp (all[i].long_name, "store") == 0 || strcmp (all[i].long_name, "db") == 0 ||
        strcmp (all[i].long_name, "help") == 0 ||
        g_strv_contains ((const char * const *) wanted, all[i].long_name))
      g_array_append_val (entries, all[i]);
  return (GOptionEntry *) g_array_free (entries, FALSE);
}

/* Which command argv names: the longest name whose words start argv. */
static const Command *
find_command (int argc, char **argv, guint *n_words)
{
  const Command *best = NULL;
  for (guint i = 0; i < G_N_ELEMENTS (commands); i++)
    {
      g_auto(GStrv) words = g_strsplit (commands[i].name, " ", -1);
      guint n = g_strv_length (words);
      gboolean match = (int) n <= argc;
      for (guint w = 0; match && w < n; w++)
        match = strcmp (words[w], argv[w]) == 0;
      if (match && (best == NULL || n > *n_words))
        {
          best = &commands[i];
          *n_words = n;
        }
    }
  return best;
}

static int
exit_status (const GError *error)
{
  if (error->domain == FL_ADMIN_ERROR)
    return error->code == FL_ADMIN_ERROR_USAGE ? FL_ADMIN_EXIT_USAGE
         : error->code == FL_ADMIN_ERROR_NOT_FOUND ? FL_ADMIN_EXIT_NOT_FOUND
         : FL_ADMIN_EXIT_INVALID;
  if (g_error_matches (error, FL_ACCOUNTS_ERROR, FL_ACCOUNTS_ERROR_NOT_FOUND) ||
      g_error_matches (error, FL_STORE_ERROR, FL_STORE_ERROR_NOT_FOUND))
    return FL_ADMIN_EXIT_NOT_FOUND;
  if (error->domain == FL_ACCOUNTS_ERROR || error->domain == FL_DEMO_DATA_ERROR ||
      (error->domain == FL_IMPORT_ERROR && error->code != FL_IMPORT_ERROR_IO))
    return FL_ADMIN_EXIT_INVALID;
  return FL_ADMIN_EXIT_FAILED;
}

static int
run_command (Admin *admin, const Command *command, int argc, char **argv, GError **error)
{
  g_autofree char *parameters = g_strdup_printf ("%s %s", command->name, command->parameters);
  g_autoptr(GOptionContext) context = g_option_context_new (parameters);
  g_autofree GOptionEntry *entries = option_entries (admin, command);
  g_option_context_set_help_enabled (context, FALSE);
  g_option_context_set_summary (context, _(command->summary));
  g_option_context_add_main_entries (context, entries, GETTEXT_PACKAGE);

  /* GOption wants the program name first. */
  g_auto(GStrv) strv = g_new0 (char *, argc + 2);
  strv[0] = g_strdup ("fieldline-sync");
  for (int i = 0; i < argc; i++)
    strv[i + 1] = g_strdup (argv[i]);
  g_autoptr(GError) local_error = NULL;
  if (!g_option_context_parse_strv (context, &strv, &local_error))
    {
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_USAGE, "%s", local_error->message);
      return FL_ADMIN_EXIT_USAGE;
    }
  if (admin->help)
    {
      g_autofree char *help = g_option_context_get_help (context, TRUE, NULL);
      g_string_append (admin->out, help);
      return FL_ADMIN_EXIT_OK;
    }
  guint n_args = g_strv_length (strv) - 1;
  if (n_args != command->n_args)
    {
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_USAGE,
                   _("Usage: fieldline-sync %s %s --store URI (see --help)"),
                   command->name, command->parameters);
      return FL_ADMIN_EXIT_USAGE;
    }
  if (admin->db == NULL)
    {
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_USAGE,
                   _("Which database? Give it with --store URI"));
      return FL_ADMIN_EXIT_USAGE;
    }
  g_autofree char *file = fl_store_location_file (admin->db);
  if (strcmp (command->name, "init") != 0 && file != NULL && !g_file_test (file, G_FILE_TEST_EXISTS))
    {
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_NOT_FOUND,
                   _("There is no database at %s; create it with “fieldline-sync init --store %s”"),
                   admin->db, admin->db);
      return FL_ADMIN_EXIT_NOT_FOUND;
    }
  admin->args = strv + 1;
  admin->store = fl_store_open (admin->db, error);
  if (admin->store == NULL)
    return FL_ADMIN_EXIT_FAILED;
  gboolean ok = command->func (admin, &local_error);
  g_clear_object (&admin->store);
  if (ok)
    return FL_ADMIN_EXIT_OK;
  int status = exit_status (local_error);
  g_propagate_error (error, g_steal_pointer (&local_error));
  return status;
}

int
fl_admin_run (int argc, char **argv, const char *input, GString *out, GError **error)
{
  guint n_words = 0;
  const Command *command = argc > 0 ? find_command (argc, argv, &n_words) : NULL;
  if (command == NULL)
    {
      g_set_error (error, FL_ADMIN_ERROR, FL_ADMIN_ERROR_USAGE,
                   _("Unknown command “%s”; “fieldline-sync --help” lists the commands"),
                   argc > 0 ? argv[0] : "");
      return FL_ADMIN_EXIT_USAGE;
    }
  Admin admin = { .input = input, .out = out };
  int status = run_command (&admin, command, argc - (int) n_words, argv + n_words, error);
  g_free (admin.db);
  g_free (admin.role);
  g_free (admin.name);
  g_free (admin.sites);
  g_free (admin.to);
  g_free (admin.table);
  g_free (admin.id);
  g_free (admin.user);
  g_free (admin.before);
  g_free (admin.site);
  g_free (admin.service);
  g_free (admin.blob_dir);
  g_strfreev (admin.set);
  g_free (admin.title);
  return status;
}
