/* fl-json-guard.h — the one way Fieldline reads JSON text.
 *
 * json-glib's parser recurses once per nesting level and keeps every node
 * in memory, so a small hostile text (a login body nested 100,000 levels
 * deep, a million-element array) can overflow a thread's stack or eat the
 * heap.  fl_json_guard_parse() first scans the bytes without recursion and
 * refuses a text that is too large, nested too deeply, has too many
 * members or elements, is not UTF-8 or escapes half of a surrogate pair;
 * only then is the tree built, by a reader of its own (json-glib's scanner
 * is five times slower) that recurses at most as deep as the limit and
 * refuses numbers that are not finite ("1e999") or not JSON ("01").
 *
 * Every JSON the server or the clients read goes through here: request
 * bodies, replies, snapshot lines, stored JSON columns, imported cells. */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

#define FL_JSON_GUARD_ERROR (fl_json_guard_error_quark ())
typedef enum {
  FL_JSON_GUARD_ERROR_TOO_LARGE,  /* more bytes than the limit */
  FL_JSON_GUARD_ERROR_TOO_DEEP,   /* arrays and objects nested deeper than the limit */
  FL_JSON_GUARD_ERROR_TOO_MANY,   /* more members and elements than the limit */
  FL_JSON_GUARD_ERROR_ENCODING,   /* not UTF-8, a NUL byte, a bad or unpaired \u escape */
  FL_JSON_GUARD_ERROR_NUMBER,     /* a number that is not finite */
  FL_JSON_GUARD_ERROR_SYNTAX,     /* not JSON at all, or empty */
} FlJsonGuardError;
GQuark fl_json_guard_error_quark (void);

#define FL_JSON_MAX_DEPTH  32                   /* levels of arrays and objects */
#define FL_JSON_MAX_ITEMS  (256 * 1024)         /* members + elements + containers */
#define FL_JSON_MAX_BYTES  (64 * 1024 * 1024)   /* one text: a pull page, a request */

typedef struct {
  gsize max_bytes;
  guint max_depth;  /* at most FL_JSON_MAX_DEPTH */
  guint max_items;
} FlJsonLimits;

/* The limits above. */
const FlJsonLimits *fl_json_limits_default (void);

/* Parses `length` bytes (-1: up to the NUL) under `limits` (NULL: the
 * defaults).  Returns the root node, never NULL on success. */
JsonNode *fl_json_guard_parse (const char *data, gssize length, const FlJsonLimits *limits,
                               GError **error);

/* Checks a tree built elsewhere: every number finite, every string and
 * member name UTF-8.  Iterative, so any depth is safe. */
gboolean  fl_json_guard_check_node (JsonNode *node, GError **error);

G_END_DECLS
