/* fl-session.h — what every page of the client shares: the replica, who is
 * signed in (login, role, van), the blob store, site calendars, and a signal
 * that tells the pages which table changed so they reload what they show
 * (::changed::<table>, relayed from the replica after each committed write). */
#pragma once

#include <fieldline.h>
#include <fl-sla.h>
#include <fl-sync-client.h>
#include <fl-workflow.h>
#include <gio/gio.h>

G_BEGIN_DECLS

#define FL_TYPE_SESSION (fl_session_get_type ())
G_DECLARE_FINAL_TYPE (FlSession, fl_session, FL, SESSION, GObject)

/* `login` may be NULL before the first sign-in.  The session's sync client
 * keeps its token in memory only; fl_session_new_with_tokens gives it a
 * lasting store (the keyring). */
FlSession   *fl_session_new (FlDb *db, const char *login);
FlSession   *fl_session_new_with_tokens (FlDb *db, const char *login, FlTokenStore *tokens);

FlSyncClient *fl_session_get_sync_client (FlSession *self);

FlDb        *fl_session_get_db (FlSession *self);
const char  *fl_session_get_login (FlSession *self);
void         fl_session_set_login (FlSession *self, const char *login);
/* From the user's row in the replica; an engineer until it is known. */
FlRole       fl_session_get_role (FlSession *self);
const char  *fl_session_get_display_name (FlSession *self);
/* The id of the signed-in engineer's van (a stock location), or NULL. */
char        *fl_session_dup_van_id (FlSession *self);

/* The working-time calendar of a site, cached until the site changes. */
FlCalendar  *fl_session_get_calendar (FlSession *self, const char *site_id);

/* Content-addressed blob files (photos, signatures) of the sync client. */
char        *fl_session_get_blob_path (FlSession *self, const char *sha256);
/* Stores `bytes` as a blob to upload and returns their sha256 (hex). */
char        *fl_session_store_blob (FlSession *self, GBytes *bytes, GError **error);

/* What became of a blob a page shows. */
typedef enum {
  FL_BLOB_HERE,         /* its file is on this device */
  FL_BLOB_DOWNLOADING,  /* on its way; ::changed::blob says when it ended */
  FL_BLOB_FAILED,       /* the download failed; tried again after the next change of the replica */
} FlBlobState;
/* Downloads the blob `sha256` when it is not here (once at a time). */
FlBlobState  fl_session_fetch_blob (FlSession *self, const char *sha256);

/* "pending", "conflict", "rejected" or NULL (in sync) for one record. */
const char  *fl_session_record_state (FlSession *self, const char *table, const char *id);

/* Where the replica lives: $FIELDLINE_REPLICA or <user data>/fieldline/replica.db. */
char        *fl_session_default_replica_path (void);

G_END_DECLS
