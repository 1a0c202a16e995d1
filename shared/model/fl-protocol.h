/* fl-protocol.h — the sync protocol's wire types and their JSON codec, one
 * definition for the server and the clients (docs/protocol.md).
 *
 * Reading is strict: every member's JSON type is checked, a request with a
 * member this version does not know is refused, and the error names the
 * offending member by its path ("mutations[3].changes.impact.to") both in
 * the message and in `bad_field`.  Mutations are also checked against the
 * model: the table and every field must exist and each value must have the
 * column's type.  Responses are read leniently about members they do not
 * know, so an older client keeps working with a newer server.
 *
 * 64-bit numbers (mid, seq) travel as strings of digits (plain JSON
 * integers are accepted on input); times are RFC 3339 UTC with
 * milliseconds. */
#pragma once

#include <json-glib/json-glib.h>

#include "fl-merge.h"

G_BEGIN_DECLS

#define FL_PROTOCOL_ERROR (fl_protocol_error_quark ())
typedef enum {
  FL_PROTOCOL_ERROR_MALFORMED,  /* not JSON, a member missing or of the wrong type */
  FL_PROTOCOL_ERROR_UNKNOWN,    /* a table, field or member that does not exist */
  FL_PROTOCOL_ERROR_INVALID,    /* a value the model does not accept */
  FL_PROTOCOL_ERROR_TOO_LARGE,  /* more mutations than one request may carry */
} FlProtocolError;
GQuark fl_protocol_error_quark (void);

#define FL_PROTOCOL_PREFIX         "/api/v1"
#define FL_PROTOCOL_MAX_MUTATIONS  500
#define FL_PROTOCOL_MAX_PULL       1000
/* Lengths in bytes of a request's strings (a 400 names the longer one). */
#define FL_PROTOCOL_MAX_PASSWORD   1024
#define FL_PROTOCOL_MAX_ID         64   /* row and device ids, names of tables and ops, times */
#define FL_PROTOCOL_NDJSON_TYPE    "application/x-ndjson"
/* GET /sync/replica: the first sync as a ready replica file, a zstd frame
 * of the SQLite file; the header gives "sha-256=<hex>" of the file itself. */
#define FL_PROTOCOL_REPLICA_TYPE   "application/vnd.fieldline.replica+zstd"
#define FL_PROTOCOL_REPLICA_DIGEST_HEADER "Fieldline-Replica-Digest"

/* Parses a JSON text into a node; a clear error (MALFORMED) otherwise. */
JsonNode *fl_protocol_parse (const char *data, gsize length, GError **error);
/* Compact JSON text of `node`. */
char     *fl_protocol_to_string (JsonNode *node, gsize *length);

/* ---- errors: {"error": {"code", "message", "field"}} ---- */

typedef struct {
  char *code;     /* "invalid", "unauthorized", ... (fl_protocol_code_for_status) */
  char *message;
  char *field;    /* the offending member's path, or NULL */
} FlErrorBody;

const char  *fl_protocol_code_for_status (guint http_status);
JsonNode    *fl_error_body_to_json (const char *code, const char *message, const char *field);
FlErrorBody *fl_error_body_from_json (JsonNode *node, GError **error);
void         fl_error_body_free (FlErrorBody *body);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlErrorBody, fl_error_body_free)

/* ---- POST /auth/login ---- */

typedef struct {
  char *login;
  char *password;
  char *device_name;
  char *device_id;    /* optional: the device this client signed in as before */
} FlLoginRequest;

FlLoginRequest *fl_login_request_from_json (JsonNode *node, char **bad_field, GError **error);
JsonNode       *fl_login_request_to_json (const FlLoginRequest *request);
void            fl_login_request_free (FlLoginRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLoginRequest, fl_login_request_free)

typedef struct {
  char       *token;
  gint64      expires_at;   /* usec */
  char       *device_id;
  char       *device_code;
  JsonObject *user;         /* the user's row */
} FlLoginResponse;

FlLoginResponse *fl_login_response_from_json (JsonNode *node, GError **error);
JsonNode        *fl_login_response_to_json (const FlLoginResponse *response);
void             fl_login_response_free (FlLoginResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlLoginResponse, fl_login_response_free)

/* ---- mutations ---- */

typedef enum {
  FL_MUTATION_INSERT,  /* a new row of a mutable table: `fields` */
  FL_MUTATION_UPDATE,  /* some fields of a mutable row: `changes` {field: {from, to}} */
  FL_MUTATION_APPEND,  /* a new entry of an append-only table: `fields` */
} FlMutationOp;

const char *fl_mutation_op_to_string (FlMutationOp op);
gboolean    fl_mutation_op_from_string (const char *text, FlMutationOp *op);

typedef struct {
  gint64        mid;      /* the device's own increasing counter, > 0 */
  char         *table;
  char         *id;       /* the row's UUID */
  FlMutationOp  op;
  gint64        at;       /* usec: when the user did it */
  JsonObject   *fields;   /* insert, append */
  JsonObject   *changes;  /* update */
} FlMutation;

FlMutation *fl_mutation_new (gint64 mid, const char *table, const char *id, FlMutationOp op,
                             gint64 at, JsonObject *payload);
/* `path` names the mutation in errors ("mutations[3]"). */
FlMutation *fl_mutation_from_json (JsonNode *node, const char *path, char **bad_field, GError **error);
JsonNode   *fl_mutation_to_json (const FlMutation *mutation);
void        fl_mutation_free (FlMutation *mutation);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMutation, fl_mutation_free)

/* ---- POST /sync/push ---- */

typedef struct {
  char      *device_id;
  GPtrArray *mutations;   /* FlMutation*, sorted by mid (duplicates refused) */
} FlPushRequest;

/* Refuses more than `max_mutations` mutations with TOO_LARGE. */
FlPushRequest *fl_push_request_from_json (JsonNode *node, guint max_mutations,
                                          char **bad_field, GError **error);
JsonNode      *fl_push_request_to_json (const FlPushRequest *request);
FlPushRequest *fl_push_request_new (const char *device_id);
void           fl_push_request_free (FlPushRequest *request);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPushRequest, fl_push_request_free)

typedef enum {
  FL_RESULT_APPLIED,   /* done as asked */
  FL_RESULT_MERGED,    /* done; some of it was already in place */
  FL_RESULT_CONFLICT,  /* the fields in `conflicts` kept the server's values, the rest applied */
  FL_RESULT_REJECTED,  /* nothing applied; `error` says why */
} FlResultStatus;

const char *fl_result_status_to_string (FlResultStatus status);
gboolean    fl_result_status_from_string (const char *text, FlResultStatus *status);

typedef struct {
  gint64          mid;
  FlResultStatus  status;
  GPtrArray      *conflicts;  /* FlConflict*, never NULL */
  char           *error;      /* rejected: the reason, for the user */
} FlMutationResult;

FlMutationResult *fl_mutation_result_new (gint64 mid, FlResultStatus status);
FlMutationResult *fl_mutation_result_from_json (JsonNode *node, GError **error);
JsonNode         *fl_mutation_result_to_json (const FlMutationResult *result);
void              fl_mutation_result_free (FlMutationResult *result);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlMutationResult, fl_mutation_result_free)

typedef struct {
  GPtrArray *results;  /* FlMutationResult* in mid order */
  gint64     seq;      /* the change-log position after this push */
} FlPushResponse;

FlPushResponse *fl_push_response_new (void);
FlPushResponse *fl_push_response_from_json (JsonNode *node, GError **error);
JsonNode       *fl_push_response_to_json (const FlPushResponse *response);
void            fl_push_response_free (FlPushResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPushResponse, fl_push_response_free)

/* ---- GET /sync/pull ---- */

typedef struct {
  gint64      seq;
  char       *table;
  char       *id;
  JsonObject *row;    /* NULL: the row is gone from the user's scope */
} FlChange;

FlChange *fl_change_new (gint64 seq, const char *table, const char *id, JsonObject *row);
FlChange *fl_change_from_json (JsonNode *node, GError **error);
JsonNode *fl_change_to_json (const FlChange *change);
void      fl_change_free (FlChange *change);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlChange, fl_change_free)

typedef struct {
  GPtrArray *changes;  /* FlChange* in server commit order */
  char      *cursor;   /* pass it to the next pull */
  gboolean   more;     /* more changes wait beyond this page */
} FlPullResponse;

FlPullResponse *fl_pull_response_new (void);
FlPullResponse *fl_pull_response_from_json (JsonNode *node, GError **error);
JsonNode       *fl_pull_response_to_json (const FlPullResponse *response);
void            fl_pull_response_free (FlPullResponse *response);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlPullResponse, fl_pull_response_free)

/* ---- GET /sync/snapshot: NDJSON ----
 * header  {"snapshot": 1, "cursor": "C"}
 * row     {"table": "work_order", "row": {...}}      one per line
 * end     {"end": true, "rows": "N"}                 the stream is complete
 * A stream without its end line was cut short and must not be applied. */

typedef enum {
  FL_SNAPSHOT_HEADER,
  FL_SNAPSHOT_ROW,
  FL_SNAPSHOT_END,
} FlSnapshotLineKind;

typedef struct {
  FlSnapshotLineKind  kind;
  char               *cursor;  /* header */
  char               *table;   /* row */
  JsonObject         *row;     /* row */
  gint64              rows;    /* end: how many row lines were sent */
} FlSnapshotLine;

/* Each returns one line of text ending in "\n". */
char           *fl_snapshot_header_line (const char *cursor, gsize *length);
char           *fl_snapshot_row_line (const char *table, JsonObject *row, gsize *length);
char           *fl_snapshot_end_line (gint64 rows, gsize *length);
FlSnapshotLine *fl_snapshot_line_parse (const char *line, gsize length, GError **error);
void            fl_snapshot_line_free (FlSnapshotLine *line);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSnapshotLine, fl_snapshot_line_free)

/* 64-bit numbers as strings of digits (and JSON integers on input). */
gboolean  fl_protocol_read_int64 (JsonNode *node, gint64 *out);
JsonNode *fl_protocol_int64_node (gint64 value);

G_END_DECLS
