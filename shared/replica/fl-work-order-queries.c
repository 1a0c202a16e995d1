#include "fl-work-order-queries.h"

#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-query.h"
#include "fl-record.h"
#include "fl-replica-schema.h"
#include "fl-time.h"
#include "fl-workflow.h"

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

/* ---- the search ----
 *
 * A search takes two steps.  The orders it selects come from the index
 * that narrows most: the search indexes alone for a search without
 * filters, otherwise one statement holding only the conditions set (so
 * SQLite starts from the assignee, status or site index).  Their list
 * order (newest first) then comes from walking every order's rowid in that
 * order, which the search keeps and reads again (one scan of the
 * creation-time index) only when the replica has changed.  Sorting the
 * matches instead reads each matching row of the table, for its creation
 * time, at every search. */

/* The recorded SLA events (sla_event) of an open order `w`: an escalation,
 * or a warning whose target is not met yet (a request's first line is met
 * by its resolution, an incident's response by the first start of work). */
#define OPEN_STATUS "w.status IN " FL_WO_OPEN_STATUSES_SQL
#define ESCALATED \
  "(" OPEN_STATUS " AND EXISTS (SELECT 1 FROM sla_event e" \
  "  WHERE e.work_order_id = w.id AND e.kind = 'escalation'))"
#define NEARING_BREACH \
  "(" OPEN_STATUS " AND NOT " ESCALATED " AND EXISTS (SELECT 1 FROM sla_event e" \
  "  WHERE e.work_order_id = w.id AND e.kind = 'warning' AND w.resolved_at IS NULL" \
  "    AND (e.target = 'resolve' OR" \
  "         (CASE WHEN w.kind = 'request' THEN w.resolved_at ELSE w.responded_at END) IS NULL)))"

struct _FlWorkOrderSearch
{
  FlDb    *db;
  GArray  *newest_first;  /* every order's rowid, in list order */
  gint64   max_rowid;
  gint64   data_version;  /* of the replica when newest_first was read; -1 never */
};

static const char long_words_sql[] = "SELECT rowid FROM work_order_fts WHERE work_order_fts MATCH ?1";
static const char short_words_sql[] = "SELECT rowid FROM work_order_grams WHERE work_order_grams MATCH ?2";

/* The statement selecting the rowids of `query`'s orders when a filter is
 * set, in no particular order; NULL when none is.  ?1 is the trigram
 * search, ?2 the short-word search (search_terms), ?3 the assignee, ?4 the
 * status, ?5 the priority, ?6 the site and ?7 now (for overdue). */
static char *
selection_sql (const FlWorkOrderQuery *query, gboolean long_words, gboolean short_words, gboolean mine)
{
  g_autoptr(GString) where = g_string_new (NULL);
  if (mine)
    g_string_append (where, " AND w.assignee = ?3");
  if (query->status != NULL)
    g_string_append (where, " AND w.status = ?4");
  if (query->open_only)
    g_string_append (where, " AND " OPEN_STATUS);
  if (query->priority != NULL)
    g_string_append (where, " AND w.priority = ?5");
  if (query->site_id != NULL)
    g_string_append (where, " AND w.site_id = ?6");
  if (query->overdue)
    g_string_append (where, " AND w.status IN ('new', 'assigned', 'in_progress')"
                            " AND ((w.responded_at IS NULL AND w.response_due < ?7) OR w.resolve_due < ?7)");
  if (query->escalated)
    g_string_append (where, " AND " ESCALATED);
  if (query->nearing_breach)
    g_string_append (where, " AND " NEARING_BREACH);
  if (where->len == 0)
    return NULL;
  g_autoptr(GString) sql = g_string_new ("SELECT w.rowid FROM work_order w WHERE 1");
  if (long_words)
    g_string_append_printf (sql, " AND w.rowid IN (%s)", long_words_sql);
  if (short_words)
    g_string_append_printf (sql, " AND w.rowid IN (%s)", short_words_sql);
  g_string_append (sql, where->str);
  return g_string_free (g_steal_pointer (&sql), FALSE);
}

/* The search text as two FTS5 queries, each word a quoted phrase (so FTS5
 * syntax in the text means nothing) that must be found: words of three
 * characters or more in the trigram index of reference, title, description
 * and resolution (`long_words`), shorter ones (two Chinese characters are
 * a whole word, a code may be one letter) in the index of characters and
 * pairs of reference and title (`short_words`).  NULL: no such words.
 * Returns how many words there are. */
static void
append_phrase (GString *phrases, const char *word, gsize length)
{
  g_autoptr(GString) phrase = g_string_new_len (word, length);
  g_string_replace (phrase, "\"", "\"\"", 0);
  g_string_append_printf (phrases, "%s\"%s\"", phrases->len > 0 ? " " : "", phrase->str);
}

static char *
phrases_or_null (GString *phrases)
{
  if (phrases->len > 0)
    return g_string_free (phrases, FALSE);
  g_string_free (phrases, TRUE);
  return NULL;
}

static guint
search_terms (const char *text, char **long_words, char **short_words)
{
  GString *long_phrases = g_string_new (NULL), *short_phrases = g_string_new (NULL);
  g_autofree char *valid = g_utf8_make_valid (text != NULL ? text : "", -1);
  const char *end = valid + strlen (valid);
  guint n_words = 0;
  for (const char *p = valid; p < end;)
    {
      while (p < end && g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      const char *word = p;
      while (p < end && !g_unichar_isspace (g_utf8_get_char (p)))
        p = g_utf8_next_char (p);
      if (p == word)
        continue;
      append_phrase (g_utf8_strlen (word, p - word) < 3 ? short_phrases : long_phrases, word, p - word);
      n_words++;
    }
  *long_words = phrases_or_null (long_phrases);
  *short_words = phrases_or_null (short_phrases);
  return n_words;
}

static void
bind_optional (sqlite3_stmt *stmt, int index, const char *value)
{
  if (value != NULL && *value != '\0')
    sqlite3_bind_text (stmt, index, value, -1, SQLITE_TRANSIENT);
  else
    sqlite3_bind_null (stmt, index);
}

/* Reads every order's rowid in list order, unless the replica is as it was
 * when they were read last. */
static gboolean
read_list_order (FlWorkOrderSearch *search, GError **error)
{
  gint64 version = -1;
  if (!fl_db_data_version (search->db, &version, error))
    return FALSE;
  if (search->newest_first != NULL && version == search->data_version)
    return TRUE;
  g_autoptr(FlStmt) stmt = fl_db_prepare (search->db,
      "SELECT rowid FROM work_order ORDER BY created_at DESC, rowid DESC", error);
  if (stmt == NULL)
    return FALSE;
  g_autoptr(GArray) rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1024);
  gint64 max_rowid = 0;
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      g_array_append_val (rowids, rowid);
      max_rowid = MAX (max_rowid, rowid);
    }
  if (rc != SQLITE_DONE)
    {
      fl_db_fail (search->db, error, _("searching work orders"));
      return FALSE;
    }
  g_clear_pointer (&search->newest_first, g_array_unref);
  search->newest_first = g_steal_pointer (&rowids);
  search->max_rowid = max_rowid;
  search->data_version = version;
  return TRUE;
}

#define IS_SET(bits, rowid)  ((bits)[(rowid) / 8] & (1 << ((rowid) % 8)))

/* The set of the rowids `sql` selects (one bit per rowid up to max_rowid),
 * with the query's parameters bound. */
static guint8 *
select_rows (FlWorkOrderSearch *search, const char *sql, const char * const *params, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (search->db, sql, error);
  if (stmt == NULL)
    return NULL;
  for (int i = 0; i < sqlite3_bind_parameter_count (stmt); i++)
    bind_optional (stmt, i + 1, params[i]);
  g_autofree guint8 *selected = g_malloc0 (search->max_rowid / 8 + 1);
  int rc;
  while ((rc = sqlite3_step (stmt)) == SQLITE_ROW)
    {
      gint64 rowid = sqlite3_column_int64 (stmt, 0);
      if (rowid > 0 && rowid <= search->max_rowid)
        selected[rowid / 8] |= 1 << (rowid % 8);
    }
  if (rc != SQLITE_DONE)
    {
      fl_db_fail (search->db, error, _("searching work orders"));
      return NULL;
    }
  return g_steal_pointer (&selected);
}

/* The order whose reference is the whole text (one word of three
 * characters or more), found through the trigram index; 0 when none. */
static gint64
exact_ref (FlWorkOrderSearch *search, const char *long_words, const char *text, GError **error)
{
  g_autoptr(FlStmt) stmt = fl_db_prepare (search->db,
      "SELECT w.rowid FROM work_order_fts JOIN work_order w ON w.rowid = work_order_fts.rowid"
      " WHERE work_order_fts MATCH 'ref : ' || ?1 AND w.ref = ?2 COLLATE NOCASE", error);
  gboolean has_row = FALSE;
  if (stmt == NULL)
    return -1;
  sqlite3_bind_text (stmt, 1, long_words, -1, SQLITE_TRANSIENT);
  sqlite3_bind_text (stmt, 2, text, -1, SQLITE_TRANSIENT);
  if (!fl_stmt_step_row (search->db, stmt, &has_row, error))
    return -1;
  return has_row ? sqlite3_column_int64 (stmt, 0) : 0;
}

static GArray *
search_run (FlWorkOrderSearch *search, const FlWorkOrderQuery *query, const char *login, GError **error)
{
  if (!read_list_order (search, error))
    return NULL;
  g_autofree char *long_words = NULL, *short_words = NULL;
  guint n_words = search_terms (query->text, &long_words, &short_words);
  gboolean mine = query->mine && login != NULL;
  g_autofree char *now = query->overdue ? fl_time_format (fl_time_now ()) : NULL;
  const char *params[] = {
    long_words, short_words, mine ? login : NULL, query->status, query->priority, query->site_id, now,
  };
  /* Filters in one statement, the search words on their own through the
   * search indexes, both sets of words intersected here. */
  g_autofree char *sql = selection_sql (query, long_words != NULL, short_words != NULL, mine);
  const char *sqls[2] = { sql };
  if (sql == NULL)
    {
      sqls[0] = long_words != NULL ? long_words_sql : short_words != NULL ? short_words_sql : NULL;
      sqls[1] = long_words != NULL && short_words != NULL ? short_words_sql : NULL;
    }
  if (sqls[0] == NULL)
    return g_array_copy (search->newest_first);
  g_autofree guint8 *selected = select_rows (search, sqls[0], params, error);
  if (selected == NULL)
    return NULL;
  if (sqls[1] != NULL)
    {
      g_autofree guint8 *also = select_rows (search, sqls[1], params, error);
      if (also == NULL)
        return NULL;
      for (gint64 i = 0; i <= search->max_rowid / 8; i++)
        selected[i] &= also[i];
    }

  /* The order whose reference is the text comes first. */
  g_autofree char *text = g_strstrip (g_strdup (query->text != NULL ? query->text : ""));
  gint64 first = n_words == 1 && long_words != NULL ? exact_ref (search, long_words, text, error) : 0;
  if (first < 0)
    return NULL;
  g_autoptr(GArray) rowids = g_array_sized_new (FALSE, FALSE, sizeof (gint64), 1024);
  if (first > 0 && first <= search->max_rowid && IS_SET (selected, first))
    {
      g_array_append_val (rowids, first);
      selected[first / 8] &= ~(1 << (first % 8));
    }
  const gint64 *order = (const gint64 *) search->newest_first->data;
  for (guint i = 0; i < search->newest_first->len; i++)
    if (IS_SET (selected, order[i]))
      g_array_append_val (rowids, order[i]);
  return g_steal_pointer (&rowids);
}

FlWorkOrderSearch *
fl_work_order_search_open (const char *path, GError **error)
{
  g_autoptr(FlDb) db = fl_db_open_replica (path, error);
  /* Searches scan indexes once each; the operating system's file cache
   * serves them as well as a second 64 MiB page cache would, without the
   * resident memory. */
  if (db == NULL || !fl_db_exec (db, "PRAGMA cache_size = -8192", error))
    return NULL;
  FlWorkOrderSearch *search = g_new0 (FlWorkOrderSearch, 1);
  search->db = g_steal_pointer (&db);
  search->data_version = -1;
  return search;
}

void
fl_work_order_search_free (FlWorkOrderSearch *search)
{
  if (search == NULL)
    return;
  g_clear_object (&search->db);
  g_clear_pointer (&search->newest_first, g_array_unref);
  g_free (search);
}

GArray *
fl_work_order_search_run (FlWorkOrderSearch *search, const FlWorkOrderQuery *query, const char *login,
                          GError **error)
{
  /* One read transaction: the list order and the selection see the same
   * replica. */
  if (!fl_db_exec (search->db, "BEGIN", error))
    return NULL;
  g_autoptr(GArray) rowids = search_run (search, query, login, error);
  if (!fl_db_exec (search->db, "COMMIT", rowids != NULL ? error : NULL))
    return NULL;
  return g_steal_pointer (&rowids);
}

GArray *
fl_work_order_search (FlDb *db, const FlWorkOrderQuery *query, const char *login, GError **error)
{
  FlWorkOrderSearch once = { .db = db, .data_version = -1 };
  GArray *rowids = search_run (&once, query, login, error);
  g_clear_pointer (&once.newest_first, g_array_unref);
  return rowids;
}

/* ---- rows ---- */

/* The rows of `sql` for one order, site or van (?1). */
/* The log of order ?1 as it reads now: each first entry of a line with the
 * kind, minutes and text of its latest correction (the latest `at`, then
 * the latest written, so every replica picks the same one). */
#define CURRENT_LOG \
  "WITH correction AS (" \
  "  SELECT revises, id, count (*) OVER (PARTITION BY revises) AS revisions," \
  "         row_number () OVER (PARTITION BY revises ORDER BY at DESC, id DESC) AS n" \
  "    FROM work_log WHERE work_order_id = ?1 AND revises IS NOT NULL)," \
  " current_log AS (" \
  "  SELECT e.rowid, e.id, e.work_order_id, e.author, e.at," \
  "         CASE WHEN c.id IS NULL THEN e.kind ELSE c.kind END AS kind," \
  "         CASE WHEN c.id IS NULL THEN e.minutes ELSE c.minutes END AS minutes," \
  "         CASE WHEN c.id IS NULL THEN e.text ELSE c.text END AS text," \
  "         CASE WHEN c.id IS NULL THEN e.note ELSE c.note END AS note," \
  "         CASE WHEN c.id IS NULL THEN e.note_args ELSE c.note_args END AS note_args," \
  "         coalesce (c.voided, 0) AS voided, c.author AS revised_by, c.at AS revised_at," \
  "         coalesce (r.revisions, 0) AS revisions" \
  "    FROM work_log e" \
  "    LEFT JOIN correction r ON r.revises = e.id AND r.n = 1" \
  "    LEFT JOIN work_log c ON c.id = r.id" \
  "   WHERE e.work_order_id = ?1 AND e.revises IS NULL)"

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
  return rows_for (db, CURRENT_LOG
      " SELECT id, work_order_id, author, at, kind, minutes, text, note, note_args, voided, revised_by,"
      "        revised_at, revisions"
      "   FROM current_log ORDER BY at, rowid", id, error);
}

GPtrArray *
fl_work_order_list_log_history (FlDb *db, const char *entry_id, GError **error)
{
  return rows_for (db,
      "WITH first AS (SELECT coalesce (revises, id) AS id FROM work_log WHERE id = ?1)"
      " SELECT id, author, at, kind, minutes, text, note, note_args, coalesce (voided, 0) AS voided"
      "   FROM work_log"
      "  WHERE id = (SELECT id FROM first) OR revises = (SELECT id FROM first)"
      "  ORDER BY revises IS NOT NULL, at, id", entry_id, error);
}

gboolean
fl_work_order_time_spent (FlDb *db, const char *id, FlWorkOrderTime *time, GError **error)
{
  g_autoptr(GPtrArray) rows = rows_for (db,
      CURRENT_LOG " SELECT coalesce (sum (CASE WHEN kind = 'labour' THEN minutes END), 0) AS labour,"
      "                    coalesce (sum (CASE WHEN kind = 'travel' THEN minutes END), 0) AS travel"
      "  FROM current_log WHERE voided = 0", id, error);
  if (rows == NULL)
    return FALSE;
  JsonObject *row = g_ptr_array_index (rows, 0);
  time->labour_minutes = fl_record_get_int (row, "labour", 0);
  time->travel_minutes = fl_record_get_int (row, "travel", 0);
  return TRUE;
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
fl_work_order_list_services (FlDb *db, const char *site_id, GError **error)
{
  return rows_for (db,
      "SELECT service, name FROM ("
      "  SELECT code AS service, name, 0 AS contract FROM service WHERE NOT coalesce (retired, 0)"
      "  UNION SELECT catalogue, NULL, 1 FROM sla_policy"
      "   WHERE catalogue IS NOT NULL AND (site_id IS NULL OR site_id = ?1)"
      "     AND catalogue NOT IN (SELECT code FROM service))"
      " ORDER BY contract, service", site_id, error);
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
