#include "fl-session.h"

#include <glib/gi18n-lib.h>
#include <fl-user.h>
#include <fl-work-order.h>
#include <glib/gstdio.h>

struct _FlSession
{
  GObject     parent_instance;
  FlDb       *db;
  char       *login;
  char       *display_name;
  FlRole      role;
  FlSyncClient *sync_client;
  GHashTable *calendars;  /* site id -> FlCalendar */
  GHashTable *blobs;      /* sha256 -> FlBlobState of downloads started here */
};

G_DEFINE_FINAL_TYPE (FlSession, fl_session, G_TYPE_OBJECT)

enum { PROP_0, PROP_LOGIN, PROP_ROLE, N_PROPS };
static GParamSpec *properties[N_PROPS];

enum { CHANGED, N_SIGNALS };
static guint signals[N_SIGNALS];

static void
load_user (FlSession *self)
{
  self->role = FL_ROLE_ENGINEER;
  g_clear_pointer (&self->display_name, g_free);
  if (self->login == NULL)
    return;
  /* Until the user's own row is pulled, the role the server gave at sign-in. */
  g_autofree char *meta_login = fl_db_get_meta (self->db, FL_META_LOGIN);
  g_autofree char *meta_role = fl_db_get_meta (self->db, FL_META_ROLE);
  if (g_strcmp0 (meta_login, self->login) == 0)
    fl_role_from_string (meta_role, &self->role);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) user = fl_user_find (self->db, self->login, &error);
  if (error != NULL)
    g_warning ("%s", error->message);
  if (user == NULL)
    return;
  fl_role_from_string (fl_record_get_string (user, "role"), &self->role);
  self->display_name = g_strdup (fl_record_get_string (user, "display_name"));
}

/* The replica announced a committed write: forget what it made stale, then
 * tell the pages. */
static void
db_changed (FlSession *self, const char *table)
{
  if (g_strcmp0 (table, "site") == 0 || g_strcmp0 (table, "calendar") == 0)
    g_hash_table_remove_all (self->calendars);
  /* A sync may have brought the server back: failed downloads are tried again. */
  GHashTableIter iter;
  gpointer state;
  g_hash_table_iter_init (&iter, self->blobs);
  while (g_hash_table_iter_next (&iter, NULL, &state))
    if (GPOINTER_TO_INT (state) == FL_BLOB_FAILED)
      g_hash_table_iter_remove (&iter);
  if (g_strcmp0 (table, "user") == 0)
    {
      load_user (self);
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
    }
  g_signal_emit (self, signals[CHANGED], g_quark_from_string (table), table);
}

static void
fl_session_finalize (GObject *object)
{
  FlSession *self = FL_SESSION (object);
  g_clear_object (&self->db);
  g_free (self->login);
  g_free (self->display_name);
  g_clear_object (&self->sync_client);
  g_hash_table_unref (self->calendars);
  g_hash_table_unref (self->blobs);
  G_OBJECT_CLASS (fl_session_parent_class)->finalize (object);
}

static void
fl_session_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlSession *self = FL_SESSION (object);
  switch (prop_id)
    {
    case PROP_LOGIN:
      g_value_set_string (value, self->login);
      break;
    case PROP_ROLE:
      g_value_set_int (value, self->role);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_session_class_init (FlSessionClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  object_class->finalize = fl_session_finalize;
  object_class->get_property = fl_session_get_property;

  properties[PROP_LOGIN] = g_param_spec_string ("login", NULL, NULL, NULL,
                                                G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  properties[PROP_ROLE] = g_param_spec_int ("role", NULL, NULL, 0, FL_N_ROLES - 1, FL_ROLE_ENGINEER,
                                            G_PARAM_READABLE | G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /* ::changed::work_order — rows of that table were written locally or pulled
   * (the replica's own ::changed, after the session updated what it caches);
   * ::changed::blob — a download of fl_session_fetch_blob() ended. */
  signals[CHANGED] = g_signal_new ("changed", G_TYPE_FROM_CLASS (klass),
                                   G_SIGNAL_RUN_LAST | G_SIGNAL_DETAILED, 0, NULL, NULL, NULL,
                                   G_TYPE_NONE, 1, G_TYPE_STRING);
}

static void
fl_session_init (FlSession *self)
{
  self->blobs = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  self->calendars = g_hash_table_new_full (g_str_hash, g_str_equal, g_free,
                                           (GDestroyNotify) fl_calendar_unref);
}

FlSession *
fl_session_new_with_tokens (FlDb *db, const char *login, FlTokenStore *tokens)
{
  g_return_val_if_fail (FL_IS_DB (db), NULL);
  FlSession *self = g_object_new (FL_TYPE_SESSION, NULL);
  self->db = g_object_ref (db);
  g_signal_connect_object (db, "changed", G_CALLBACK (db_changed), self, G_CONNECT_SWAPPED);
  self->login = login != NULL && *login != '\0' ? g_strdup (login) : NULL;
  self->sync_client = fl_sync_client_new (db, tokens);
  load_user (self);
  return self;
}

FlSession *
fl_session_new (FlDb *db, const char *login)
{
  g_autoptr(FlTokenStore) tokens = fl_memory_token_store_new ();
  return fl_session_new_with_tokens (db, login, tokens);
}

FlSyncClient *
fl_session_get_sync_client (FlSession *self)
{
  return self->sync_client;
}

FlDb *
fl_session_get_db (FlSession *self)
{
  return self->db;
}

const char *
fl_session_get_login (FlSession *self)
{
  return self->login;
}

void
fl_session_set_login (FlSession *self, const char *login)
{
  g_free (self->login);
  self->login = login != NULL && *login != '\0' ? g_strdup (login) : NULL;
  load_user (self);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_LOGIN]);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_ROLE]);
}

FlRole
fl_session_get_role (FlSession *self)
{
  return self->role;
}

const char *
fl_session_get_display_name (FlSession *self)
{
  return self->display_name != NULL ? self->display_name : self->login;
}

char *
fl_session_dup_van_id (FlSession *self)
{
  if (self->login == NULL)
    return NULL;
  return fl_user_dup_van_id (self->db, self->login, NULL);
}

FlCalendar *
fl_session_get_calendar (FlSession *self, const char *site_id)
{
  const char *key = site_id != NULL ? site_id : "";
  FlCalendar *calendar = g_hash_table_lookup (self->calendars, key);
  if (calendar != NULL)
    return calendar;
  const FlTable *sites = fl_schema_lookup ("site");
  g_autoptr(JsonObject) site = site_id != NULL ? fl_record_load (self->db, sites, site_id, NULL) : NULL;
  const char *calendar_id = site != NULL ? fl_record_get_string (site, "calendar_id") : NULL;
  g_autoptr(JsonObject) days = calendar_id != NULL
    ? fl_record_load (self->db, fl_schema_lookup ("calendar"), calendar_id, NULL) : NULL;
  calendar = fl_work_order_site_calendar (site, days);
  g_hash_table_insert (self->calendars, g_strdup (key), calendar);
  return calendar;
}

char *
fl_session_get_blob_path (FlSession *self, const char *sha256)
{
  return g_build_filename (fl_sync_client_get_blob_dir (self->sync_client), sha256, NULL);
}

char *
fl_session_store_blob (FlSession *self, GBytes *bytes, GError **error)
{
  return fl_sync_client_add_blob (self->sync_client, bytes, error);
}

typedef struct {
  FlSession *session;
  char      *sha256;
} BlobFetch;

static void
blob_fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  BlobFetch *fetch = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = fl_sync_client_fetch_blob_finish (FL_SYNC_CLIENT (source), result, &error);
  if (file == NULL)
    g_message ("Cannot download %s: %s", fetch->sha256, error->message);
  g_hash_table_insert (fetch->session->blobs, g_strdup (fetch->sha256),
                       GINT_TO_POINTER (file != NULL ? FL_BLOB_HERE : FL_BLOB_FAILED));
  g_signal_emit (fetch->session, signals[CHANGED], g_quark_from_static_string ("blob"), "blob");
  g_object_unref (fetch->session);
  g_free (fetch->sha256);
  g_free (fetch);
}

FlBlobState
fl_session_fetch_blob (FlSession *self, const char *sha256)
{
  g_return_val_if_fail (FL_IS_SESSION (self) && sha256 != NULL, FL_BLOB_FAILED);
  g_autofree char *path = fl_session_get_blob_path (self, sha256);
  if (g_file_test (path, G_FILE_TEST_EXISTS))
    return FL_BLOB_HERE;
  gpointer state;
  if (g_hash_table_lookup_extended (self->blobs, sha256, NULL, &state) && GPOINTER_TO_INT (state) != FL_BLOB_HERE)
    return GPOINTER_TO_INT (state);
  g_hash_table_insert (self->blobs, g_strdup (sha256), GINT_TO_POINTER (FL_BLOB_DOWNLOADING));
  BlobFetch *fetch = g_new0 (BlobFetch, 1);
  fetch->session = g_object_ref (self);
  fetch->sha256 = g_strdup (sha256);
  fl_sync_client_fetch_blob_async (self->sync_client, sha256, NULL, blob_fetched, fetch);
  return FL_BLOB_DOWNLOADING;
}

const char *
fl_session_record_state (FlSession *self, const char *table, const char *id)
{
  switch (fl_outbox_record_state (self->db, table, id))
    {
    case FL_RECORD_PENDING: return "pending";
    case FL_RECORD_CONFLICT: return "conflict";
    case FL_RECORD_REJECTED: return "rejected";
    case FL_RECORD_SYNCED:
    default: return NULL;
    }
}

char *
fl_session_default_replica_path (void)
{
  const char *env = g_getenv ("FIELDLINE_REPLICA");
  if (env != NULL && *env != '\0')
    return g_strdup (env);
  return g_build_filename (g_get_user_data_dir (), "fieldline", "replica.db", NULL);
}
