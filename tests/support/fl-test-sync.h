/* Test support for the sync engine: the real server in-process on port 0
 * over a store with two sites and people of every role, and clients with
 * their own replica and the real sync engine. */
#pragma once

#include "fl-server.h"
#include "fl-sync-client.h"
#include "fl-test-replica.h"
#include "fl-test-store.h"

G_BEGIN_DECLS

typedef struct {
  char     *dir;
  char     *db_path;
  FlStore  *store;     /* the test's own connection, for checks and admin */
  FlServer *server;
  char     *site_a;
  char     *site_b;
  gsize     max_blob_size;  /* 0: the default */
  gboolean  no_sla_sweep;   /* the server records SLA events only as orders are written */
} FlSyncServer;

typedef struct {
  char         *dir;
  char         *login;
  FlDb         *db;
  FlTokenStore *tokens;
  FlSyncClient *client;
} FlSyncTestClient;

/* Starts the server on `port` (0: any free port). */
void        fl_sync_server_start_on (FlSyncServer *s, guint16 port);
void        fl_sync_server_start (FlSyncServer *s);

/* Sites A and B (covered 7x24); "eng_a", "eng_a2" (engineers at A),
 * "eng_b" (engineer at B), "super" (supervisor, every site), "clerk"
 * (clerk at A), "admin" in a new store, no server started (for servers run
 * as processes on s->db_path). */
void        fl_sync_server_setup_store (FlSyncServer *s);
/* fl_sync_server_setup_store, then the server started. */
void        fl_sync_server_setup (FlSyncServer *s);
const char *fl_sync_server_url (FlSyncServer *s);
void        fl_sync_server_teardown (FlSyncServer *s);

/* A client signing in as `login`, with its replica in a new directory. */
void        fl_sync_test_client_init (FlSyncTestClient *c, const char *login);
/* Opens (or reopens, after a simulated crash) the client's replica. */
void        fl_sync_test_client_open (FlSyncTestClient *c);
void        fl_sync_test_client_close (FlSyncTestClient *c);
void        fl_sync_test_client_login (FlSyncTestClient *c, FlSyncServer *s);
void        fl_sync_test_client_sync (FlSyncTestClient *c);
void        fl_sync_test_client_clear (FlSyncTestClient *c);
G_DEFINE_AUTO_CLEANUP_CLEAR_FUNC (FlSyncTestClient, fl_sync_test_client_clear)

G_END_DECLS
