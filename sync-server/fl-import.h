/* fl-import.h — master data from CSV files (`fieldline-sync import`).
 *
 * The first line names the columns: the table's own column names, and for
 * references the natural key of the row referred to instead of its id
 * (`site` = a site's code, `calendar` = a calendar's name).  Users take
 * `login, display_name, role, sites, password`, sites being site codes
 * separated by `;` (empty = every site) and an empty password being
 * generated and reported.  SLA policies take `site, catalogue, priority,
 * response_minutes, resolve_minutes`: an empty site is every site, an
 * empty catalogue the site's default.  Catalogue entries take the columns
 * of `service`, documents those of `document`.  A row whose natural key
 * (site and location code, CI code, part SKU, login; a policy's site,
 * catalogue and priority; a service's code, a document's kind) exists
 * already is updated.
 *
 * All or nothing: every line is validated against the model and the import
 * runs in one transaction; the first bad line stops it with an error that
 * names the line and the field, and nothing is imported. */
#pragma once

#include "fl-store.h"

G_BEGIN_DECLS

#define FL_IMPORT_ERROR (fl_import_error_quark ())
typedef enum {
  FL_IMPORT_ERROR_SYNTAX,    /* not CSV: an unclosed quote, a line with more fields than the header */
  FL_IMPORT_ERROR_COLUMN,    /* a header column that is unknown, repeated or missing */
  FL_IMPORT_ERROR_INVALID,   /* a value the model refuses */
  FL_IMPORT_ERROR_IO,        /* the file cannot be read */
} FlImportError;
GQuark fl_import_error_quark (void);

typedef enum {
  FL_IMPORT_SITES,
  FL_IMPORT_CIS,
  FL_IMPORT_PARTS,
  FL_IMPORT_LOCATIONS,
  FL_IMPORT_USERS,
  FL_IMPORT_POLICIES,
  FL_IMPORT_SERVICES,
  FL_IMPORT_DOCUMENTS,
} FlImportKind;

/* "sites", "cis", "parts", "locations", "users", "policies", "services",
 * "documents" (the rows only: `fieldline-sync document publish` keeps the
 * file too) */
gboolean fl_import_kind_from_string (const char *text, FlImportKind *kind);

typedef struct {
  guint      inserted;
  guint      updated;
  GPtrArray *generated;   /* "login password" of users given a generated password */
  guint      error_line;  /* on failure: the line (1 = the header), 0 if none */
  char      *error_field; /* on failure: the column, or NULL */
} FlImportResult;

void     fl_import_result_clear (FlImportResult *result);

gboolean fl_import_csv (FlStore *store, FlImportKind kind, const char *text, gssize length,
                        const char *actor, FlImportResult *result, GError **error);
gboolean fl_import_file (FlStore *store, FlImportKind kind, const char *path,
                         const char *actor, FlImportResult *result, GError **error);

G_END_DECLS
