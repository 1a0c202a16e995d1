#include "fl-work-order-queries.h"

#include <glib/gi18n-lib.h>

#include "fl-query.h"
#include "fl-replica-schema.h"
#include "fl-time.h"

void
fl_work_order_query_clear (FlWorkOrderQuery *query)
{
  g_clear_pointer (&query->text, g_free);
  g_clear_pointer (&query->status, g_free);
  g_clear_pointer (&query->priority, g_free);
  g_clear_pointer (&query->site_id, g_free);
  query->mine = query->open_only = query->overdue = FALSE;
  query->nearing_breach = query->escalated = FALSE;
}

void
fl_work_order_query_copy (const FlWorkOrderQuery *from, FlWorkOrderQuery *to)
{
  fl_work_order_query_clear (to);
  to->text = g_strdup (from->text);
  to->mine = from->mine;
  to->open_only = from->open_only;
  to->status = g_strdup (from->status);
  to->priority = g_strdup (from->priority);
  to->site_id = g_strdup (from->site_id);
  to->overdue = from->overdue;
  to->nearing_breach = from->nearing_breach;
  to->escalated = from->escalated;
}

/* ---- the search ---- */

/* The recorded SLA events (sla_event) of an open order `w`: an escalation,
 * or a warning whose target is not met yet (a request's first line is met
 * by its resolution, an incident's response by the first start of work). */
#define OPEN_STATUS "w.status IN ('new', 'assigned', 'in_progress', 'on_hold')"
#define ESCALATED \
  "(" OPEN_STATUS " AND EXISTS (SELECT 1 FROM sla_event e" \
  "  WHERE e.work_order_id = w.id AND e.kind = 'escalation'))"
#define NEARING_BREACH \
  "(" OPEN_STATUS " AND NOT " ESCALATED " AND EXISTS (SELECT 1 FROM sla_event e" \
  "  WHERE e.work_order_id = w.id AND e.kind = 'warning' AND w.resolved_at IS NULL" \
  "    AND (e.target = 'resolve' OR" \
  "         (CASE WHEN w.kind = 'request' THEN w.resolved_at ELSE w.responded_at END) IS NULL)))"

#define FILTERS \
  " AND (?2 IS NULL OR w.ref LIKE ?2 OR w.title LIKE ?2)" \
  " AND (?3 IS NULL OR w.assignee = ?3)" \
  " AND (?4 IS NULL OR w.status = ?4)" \
  " AND (?5 = 0 OR w.status NOT IN ('resolved', 'closed', 'visited', 'cancelled', 'rejected'))" \
  " AND (?6 IS NULL OR w.priority = ?6)" \
  " AND (?7 IS NULL OR w.site_id = ?7)" \
  " AND (?8 IS NULL OR (w.status IN ('new', 'assigned', 'in_progress')" \
  "      AND ((w.responded_at IS NULL AND w.response_due < ?8) OR w.resolve_due < ?8)))" \
  " AND (?9 = 0 OR " ESCALATED ")" \
  " AND (?10 = 0 OR " NEARING_BREACH ")" \
  " ORDER BY w.created_at DESC, w.rowid DESC"

/* One statement per driving condition, so that SQLite starts from the
 * index that narrows most: the search index, the assignee, the status, the
 * site, the open statuses (overdue or not), or (every order) the creation
 * time the list is sorted by.  The other filters apply on top in each. */
static const char query_sql[] =
  "SELECT w.rowid FROM work_order w WHERE ?1 IS NULL" FILTERS;
static const char search_sql[] =
  "SELECT w.rowid FROM work_order_fts JOIN work_order w ON w.rowid = work_order_fts.rowid"
  " WHERE work_order_fts MATCH ?1" FILTERS;
static const char mine_sql[] =
  "SELECT w.rowid FROM work_order w WHERE ?1 IS NULL AND w.assignee = ?3" FILTERS;
static const char status_sql[] =
  "SELECT w.rowid FROM work_order w WHERE ?1 IS NULL AND w.status = ?4" FILTERS;
static const char site_sql[] =
  "SELECT w.rowid FROM work_order w WHERE ?1 IS NULL AND w.site_id = ?7" FILTERS;
static const char overdue_sql[] =
  "SELECT w.rowid FROM work_order w"
  " WHERE ?1 IS NULL AND w.status IN ('new', 'assigned', 'in_progress')"
  "   AND ((w.responded_at IS NULL AND w.response_due < ?8) OR w.resolve_due < ?8)" FILTERS;
static const char open_sql[] =
  "SELECT w.rowid FROM work_order w"
  " WHERE ?1 IS NULL AND w.status IN ('new', 'assigned', 'in_progress', 'on_hold')" FILTERS;

/* Trigram search finds substrings of three characters or more; each word
 * becomes a quoted phrase (so FTS5 syntax in the text means nothing).  A
 * shorter word (two Chinese characters are a whole word) falls back to LIKE
 * over the reference and the title. */
static void
search_terms (const char *text, char **match, char **like)
{
  *match = *like = NULL;
  g_autofree char *stripped = g_strstrip (g_strdup (text != NULL ? text : ""));
  if (*stripped == '\0')
    return;
  g_auto(GStrv) words = g_strsplit_set (stripped, " \t", -1);
  g_autoptr(GString) phrase = g_string_new (NULL);
  for (guint i = 0; words[i] != NULL; i++)
    {
      if (*words[i] == '\0')
        continue;
      if (g_utf8_strlen (words[i], -1) < 3)
        {
          *like = g_strdup_printf ("%%%s%%", stripped);
          return;
        }
      g_autoptr(GString) word = g_string_new (words[i]);
      g_string_replace (word, "\"", "\"\"", 0);
      g_string_append_printf (phrase, "%s\"%s\"", phrase->len > 0 ? " " : "", word->str);
    }
  *match = g_string_free (g_steal_pointer (&phrase), FALSE);
}

static void
bind_optional (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value != NULL && *value != '\0')
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

FlDb *
fl_work_order_search_open (const char *path, GError **error)
{
  g_autoptr(FlDb) db = fl_db_open_replica (path, error);
  /* Searches scan indexes once each; the operating system's file cache
   * serves them as well as a second 64 MiB page cache would, without the
   * resident memory. */
  if (db == NULL || !fl_db_exec (db, "PRAGMA cache_size = -8192", error))
    return NULL;
  return g_steal_pointer (&db);
}

GArray *
fl_work_order_search (FlDb *db, const FlWorkOrderQuery *query, const char *login, GError **error)
{
  g_autofree char *match = NULL, *like = NULL;
  search_terms (query->text, &match, &like);
  const char *sql = match != NULL ? search_sql
                  : query->mine && login != NULL ? mine_sql
                  : query->status != NULL ? status_sql
                  : query->site_id != NULL ? site_sql
                  : query->overdue ? overdue_sql
                  : query->open_only ? open_sql
                  : query_sql;
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, sql, error);
  if (stmt == NULL)
    return NULL;
  bind_optional (stmt, 1, match);
  bind_optional (stmt, 2, like);
  bind_optional (stmt, 3, query->mine ? login : NULL);
  bind_optional (stmt, 4, query->status);
  sqlite3_bind_int (stmt, 5, query->open_only);
  bind_optional (stmt, 6, query->priority);
  bind_optional (stmt, 7, query->site_id);
  g_autofree char *now = query->overdue ? fl_time_format (fl_time_now ()) : NULL;
  bind_optional (stmt, 8, now);
  sqlite3_bind_int (stmt, 9, query->escalated);
  sqlite3_bind_int (stmt, 10, query->nearing_breach);

  g_autoptr(GArray) rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1024);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rowids, rowid);
    }
  if (rc != SQLITE_DONE)
    {
      fl_db_fail (db, error, _("searching work orders"));
      return NULL;
    }
  return g_steal_pointer (&rowids);
}

/* ---- rows ---- */

/* The rows of `sql` for one order, site or van (?1). */
static GPtrArray *
rows_for (FlDb *db, const char *sql, const char *id, GError **error)
{
  const char *params[] = { id };
  return fl_query_rows (db, sql, G_N_ELEMENTS (params), params, error);
}

JsonObject *
fl_work_order_list_row (FlDb *db, gint64 rowid, GError **error)
{
  static const char * const columns[] = {
    "id", "ref", "kind", "title", "status", "priority", "assignee", "site_id",
    "response_due", "resolve_due", "responded_at", "on_hold_since", "site_name", "sla_state",
  };
  g_autoptr(FlStmt) stmt = fl_db_prepare (db,
      "SELECT w.id, w.ref, w.kind, w.title, w.status, w.priority, w.assignee, w.site_id,"
      "       w.response_due, w.resolve_due, w.responded_at, w.on_hold_since, s.name,"
      "       CASE WHEN " ESCALATED " THEN (SELECT e.level FROM sla_event e"
      "              WHERE e.work_order_id = w.id AND e.kind = 'escalation' ORDER BY e.at DESC LIMIT 1)"
      "            WHEN " NEARING_BREACH " THEN 'nearing_breach' END"
      "  FROM work_order w LEFT JOIN site s ON s.id = w.site_id WHERE w.rowid = ?", error);
  gboolean has_row = FALSE;
  if (stmt == NULL)
    return NULL;
  sqlite3_bind_int64 (stmt, 1, rowid);
  if (!fl_stmt_step_row (db, stmt, &has_row, error) || !has_row)
    return NULL;
  JsonObject *row = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (columns); i++)
    {
      const char *value = (const char *) sqlite3_column_text (stmt, i);
      if (value != NULL)
        json_object_set_string_member (row, columns[i], value);
      else
        json_object_set_null_member (row, columns[i]);
    }
  return row;
}

gint64
fl_work_order_rowid (FlDb *db, const char *id, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (db, "SELECT rowid FROM work_order WHERE id = ?", error);
  gboolean has_row = FALSE;
  if (stmt == NULL)
    return 0;
  sqlite3_bind_text (stmt, 1, id, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (db, stmt, &has_row, error) || !has_row)
    return 0;
  return sqlite3_column_int64 (stmt, 0);
}

GPtrArray *
fl_work_order_list_log (FlDb *db, const char *id, GError **error)
{
  return rows_for (db, "SELECT * FROM work_log WHERE work_order_id = ?1 ORDER BY at, rowid", id, error);
}

GPtrArray *
fl_work_order_list_parts (FlDb *db, const char *id, GError **error)
{
  return rows_for (db,
      "SELECT m.id, m.qty, m.serial, p.name, p.sku, p.unit, l.code AS location_code, b.qty AS balance"
      "  FROM stock_movement m JOIN part p ON p.id = m.part_id"
      "  LEFT JOIN stock_location l ON l.id = m.from_location"
      "  LEFT JOIN stock_balance b ON b.location_id = m.from_location AND b.part_id = m.part_id"
      " WHERE m.work_order_id = ?1 AND m.kind = 'use' ORDER BY m.at, m.rowid", id, error);
}

GPtrArray *
fl_work_order_list_attachments (FlDb *db, const char *id, GError **error)
{
  return rows_for (db,
      "SELECT id, filename, sha256, size, at, by FROM attachment"
      " WHERE owner_table = 'work_order' AND owner_id = ?1 ORDER BY at, rowid", id, error);
}

GPtrArray *
fl_work_order_list_sites (FlDb *db, GError **error)
{
  return fl_query_rows (db, "SELECT id, name FROM site ORDER BY name", 0, NULL, error);
}

GPtrArray *
fl_work_order_list_site_cis (FlDb *db, const char *site_id, GError **error)
{
  return rows_for (db,
      "SELECT id, code, name FROM ci WHERE site_id = ?1 AND status NOT IN ('removed', 'retired')"
      " ORDER BY code", site_id, error);
}

GPtrArray *
fl_work_order_list_van_parts (FlDb *db, const char *van_id, GError **error)
{
  return rows_for (db,
      "SELECT p.id, p.name, p.sku, p.unit, b.qty FROM stock_balance b JOIN part p ON p.id = b.part_id"
      " WHERE b.location_id = ?1 ORDER BY b.qty <= 0, p.name", van_id, error);
}
