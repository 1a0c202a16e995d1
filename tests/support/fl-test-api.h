/* Test support for the HTTP API: a store with sites and people, the server
 * started in-process on port 0, and a libsoup client that signs in and
 * pushes with the protocol's own codec. */
#pragma once

#include <libsoup/soup.h>

#include "fl-protocol.h"
#include "fl-server.h"
#include "fl-test-store.h"

G_BEGIN_DECLS

typedef struct {
  FlTestStore   t;
  FlServer     *server;
  SoupSession  *session;
  char         *site_a;
  char         *site_b;
} FlApiFixture;

typedef struct {
  guint               status;
  GBytes             *bytes;
  JsonNode           *json;     /* parsed when the answer is JSON */
  SoupMessageHeaders *headers;
} FlReply;

void        fl_reply_free (FlReply *reply);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlReply, fl_reply_free)

/* The error body's field ("" when absent); valid until the next call. */
const char *fl_reply_error_field (FlReply *reply);
/* The error's message ("" for none), valid until the next call. */
const char *fl_reply_error_message (FlReply *reply);

/* Starts the server over the fixture's store on a free port with the
 * caller's options (NULL: the defaults); the caller keeps its strings. */
void        fl_api_start (FlApiFixture *f, const FlServerOptions *custom);

/* Sites A and B; engineers "eng_a" (site A), "eng_a2" (site A), "eng_b"
 * (site B); "super" (supervisor, every site), "clerk" (site A). */
void        fl_api_setup (FlApiFixture *f, const FlServerOptions *options);
void        fl_api_teardown (FlApiFixture *f);

/* One HTTP exchange; `body` may be NULL. */
FlReply    *fl_api_call_full (FlApiFixture *f, const char *method, const char *path, const char *token,
                              const char *content_type, GBytes *body, const char *content_encoding);
FlReply    *fl_api_call (FlApiFixture *f, const char *method, const char *path, const char *token,
                         const char *json);
FlReply    *fl_api_call_node (FlApiFixture *f, const char *method, const char *path, const char *token,
                              JsonNode *node);

typedef struct {
  char *token;
  char *device_id;
  char *login;
  gint64 next_mid;
} FlApiDevice;

void        fl_api_device_clear (FlApiDevice *d);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlApiDevice, fl_api_device_clear)

void        fl_api_login (FlApiFixture *f, const char *login, FlApiDevice *device);

/* A push of the mutations in `mutations` (FlMutation*, stolen). */
FlReply    *fl_api_push (FlApiFixture *f, FlApiDevice *device, GPtrArray *mutations);
/* Pushes and expects 200; returns the decoded response. */
FlPushResponse   *fl_api_push_ok (FlApiFixture *f, FlApiDevice *device, GPtrArray *mutations);
FlMutation       *fl_api_mutation (FlApiDevice *device, const char *table, const char *id,
                                   FlMutationOp op, const char *json);
FlMutationResult *fl_api_result (FlPushResponse *response, guint i);

/* A new work order at `site` by `device`, pushed; returns its id. */
char       *fl_api_new_work_order (FlApiFixture *f, FlApiDevice *device, const char *site,
                                   const char *status, const char *assignee);
JsonObject *fl_api_load (FlApiFixture *f, const char *table, const char *id);
/* Every row of `table` on the server, as JsonObject*. */
GPtrArray  *fl_api_rows (FlApiFixture *f, const char *table);
/* fl_test_count over the server's database. */
gint64      fl_api_count (FlApiFixture *f, const char *sql);

G_END_DECLS
