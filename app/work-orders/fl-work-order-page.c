#include <inttypes.h>
#include "fl-work-order-page.h"

#include <adwaita.h>
#include <fl-stock-movement.h>
#include <fl-time.h>
#include <fl-work-order-queries.h>
#include <fl-problem.h>
#include <fl-services.h>
#include <fl-work-order.h>
#include <glib/gi18n-lib.h>
#include <string.h>

#include "fl-acceptance-dialog.h"
#include "fl-disabled-reason.h"
#include "fl-format.h"
#include "fl-log-entry-dialog.h"
#include "fl-notice.h"
#include "fl-number-entry.h"
#include "fl-record-item.h"
#include "fl-service-sheet.h"
#include "fl-use-part-dialog.h"
#include "fl-work-log-note.h"

struct _FlWorkOrderPage
{
  GtkWidget       parent_instance;

  FlSession      *session;
  char           *id;
  JsonObject     *row;
  gboolean        show_back;
  GListStore     *log;
  GListStore     *parts;
  GListStore     *photos;

  GtkScrolledWindow *scroller;
  GtkLabel       *title_label;
  GtkLabel       *ref_label;
  GtkImage       *sync_icon;
  GtkLabel       *priority_label;
  GtkLabel       *status_label;
  GtkLabel       *sla_label;
  GtkLabel       *hint_label;
  GtkFlowBox     *actions_box;
  GtkWidget      *resolve_button;
  GtkWidget      *accept_button;
  GtkWidget      *second_line_button;
  GtkWidget      *problem_button;
  AdwActionRow   *kind_row;
  AdwActionRow   *site_row;
  AdwActionRow   *ci_row;
  AdwActionRow   *priority_row;
  AdwActionRow   *assignee_row;
  AdwActionRow   *reporter_row;
  AdwActionRow   *created_row;
  AdwActionRow   *response_row;
  AdwActionRow   *resolve_row;
  AdwActionRow   *service_row;
  GtkWidget      *service_arrow;
  AdwActionRow   *description_row;
  AdwEntryRow    *resolution_row;
  AdwEntryRow    *cause_row;
  AdwActionRow   *acceptance_row;
  GtkPicture     *signature_picture;
  GtkSpinner     *signature_spinner;
  AdwComboRow    *log_kind_row;
  AdwActionRow   *minutes_row;
  GtkEntry       *minutes_entry;
  AdwEntryRow    *log_entry;
  GtkListBox     *log_list;
  AdwActionRow   *time_row;
  GtkListBox     *parts_list;
  GtkListBox     *photos_list;
};

G_DEFINE_FINAL_TYPE (FlWorkOrderPage, fl_work_order_page, GTK_TYPE_WIDGET)

enum { PROP_0, PROP_SHOW_BACK, N_PROPS };
static GParamSpec *properties[N_PROPS];

/* The status moves, each an action "work-order.move-<status>". */
static const struct {
  FlWorkOrderStatus to;
  const char       *action;
} moves[] = {
  { FL_WO_ASSIGNED, "work-order.move-assigned" },
  { FL_WO_IN_PROGRESS, "work-order.move-in-progress" },
  { FL_WO_ON_HOLD, "work-order.move-on-hold" },
  { FL_WO_RESOLVED, "work-order.move-resolved" },
  { FL_WO_CLOSED, "work-order.move-closed" },
  { FL_WO_VISITED, "work-order.move-visited" },
  { FL_WO_CANCELLED, "work-order.move-cancelled" },
  { FL_WO_REJECTED, "work-order.move-rejected" },
};

static const char * const editing_actions[] = {
  "work-order.add-log", "work-order.edit-log", "work-order.use-part", "work-order.attach-photo",
};

static void
set_row_value (AdwActionRow *row, const char *value)
{
  adw_action_row_set_subtitle (row, value != NULL && *value != '\0' ? value : "—");
}

static void
set_time_row (AdwActionRow *row, const char *time, const char *extra_label, const char *extra_time)
{
  g_autofree char *when = fl_format_time (time);
  if (extra_time == NULL)
    {
      set_row_value (row, when);
      return;
    }
  g_autofree char *extra = fl_format_time (extra_time);
  g_autofree char *text = g_strdup_printf ("%s · %s %s", when, extra_label, extra);
  set_row_value (row, text);
}

/* The service the order is for, which policy set its due times and, for a
 * request, its level and support line. */
static void
set_service_row (FlWorkOrderPage *self, JsonObject *wo)
{
  FlDb *db = fl_session_get_db (self->session);
  g_autoptr(GPtrArray) policy_rows = fl_work_order_policy_rows (db, fl_record_get_string (wo, "site_id"), NULL);
  g_autofree char *policy = policy_rows != NULL ? fl_work_order_describe_policy (wo, policy_rows) : NULL;
  const char *service = fl_record_get_string (wo, "service");
  g_autoptr(GString) text = g_string_new (service != NULL ? service : _("No service named"));
  if (g_strcmp0 (fl_record_get_string (wo, "kind"), "request") == 0)
    g_string_append_printf (text, " · %s · %s",
                            fl_request_level_label_for_name (fl_record_get_string (wo, "request_level")),
                            g_strcmp0 (fl_record_get_string (wo, "support_line"), "second") == 0
                              ? _("Second line") : _("First line"));
  if (policy != NULL)
    g_string_append_printf (text, "\n%s", policy);
  set_row_value (self->service_row, text->str);

  /* A catalogue entry opens in the catalogue; a contract is only its name. */
  g_autoptr(JsonObject) entry = service != NULL ? fl_services_get (db, service, NULL) : NULL;
  gtk_list_box_row_set_activatable (GTK_LIST_BOX_ROW (self->service_row), entry != NULL);
  gtk_widget_set_visible (self->service_arrow, entry != NULL);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "work-order.show-service", entry != NULL);
}

static GtkWidget *
create_item_row (gpointer item, gpointer user_data)
{
  FlRecordItem *record = item;
  GtkWidget *row = adw_action_row_new ();
  adw_preferences_row_set_use_markup (ADW_PREFERENCES_ROW (row), FALSE);
  adw_preferences_row_set_title (ADW_PREFERENCES_ROW (row), fl_record_item_get_title (record));
  adw_action_row_set_subtitle (ADW_ACTION_ROW (row), fl_record_item_get_subtitle (record));
  adw_action_row_set_subtitle_lines (ADW_ACTION_ROW (row), 0);
  const char *icon = fl_sync_state_icon_name (fl_record_item_get_sync_state (record));
  if (icon != NULL)
    {
      GtkWidget *image = gtk_image_new_from_icon_name (icon);
      gtk_widget_set_tooltip_text (image, fl_sync_state_describe (fl_record_item_get_sync_state (record)));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), image);
    }
  return row;
}

/* A photo or the signature as it is here: the picture, or a spinner while
 * it downloads (started when it is first shown), or why it is missing. */
static GtkWidget *
blob_preview (FlWorkOrderPage *self, const char *sha256, int width, int height)
{
  FlBlobState state = fl_session_fetch_blob (self->session, sha256);
  GtkWidget *preview;
  if (state == FL_BLOB_HERE)
    {
      g_autofree char *path = fl_session_get_blob_path (self->session, sha256);
      preview = gtk_picture_new_for_filename (path);
      gtk_picture_set_can_shrink (GTK_PICTURE (preview), TRUE);
    }
  else if (state == FL_BLOB_DOWNLOADING)
    {
      preview = gtk_spinner_new ();
      gtk_spinner_set_spinning (GTK_SPINNER (preview), TRUE);
      gtk_widget_set_tooltip_text (preview, _("Downloading…"));
    }
  else
    {
      preview = gtk_image_new_from_icon_name ("network-offline-symbolic");
      gtk_widget_set_tooltip_text (preview, _("Not downloaded: the server could not be reached"));
    }
  gtk_widget_set_size_request (preview, width, height);
  gtk_widget_set_valign (preview, GTK_ALIGN_CENTER);
  return preview;
}

static GtkWidget *
create_photo_row (gpointer item, gpointer user_data)
{
  FlWorkOrderPage *self = user_data;
  GtkWidget *row = create_item_row (item, NULL);
  const char *sha = fl_record_get_string (fl_record_item_get_record (item), "sha256");
  adw_action_row_add_prefix (ADW_ACTION_ROW (row), blob_preview (self, sha, 64, 48));
  return row;
}

static GtkWidget *
empty_placeholder (const char *text)
{
  GtkWidget *label = gtk_label_new (text);
  gtk_widget_add_css_class (label, "dim-label");
  gtk_widget_set_margin_top (label, 12);
  gtk_widget_set_margin_bottom (label, 12);
  return label;
}

/* What a log row offers: status moves are the order's own record; other
 * entries may be corrected or voided, and a voided one is struck through. */
typedef enum {
  LOG_ROW_FIXED,
  LOG_ROW_CORRECTABLE,
  LOG_ROW_VOIDED,
} LogRowKind;

static GtkWidget *
create_log_row (gpointer item, gpointer user_data)
{
  GtkWidget *row = create_item_row (item, NULL);
  LogRowKind kind = GPOINTER_TO_INT (g_object_get_data (G_OBJECT (item), "log-row-kind"));
  if (kind == LOG_ROW_VOIDED)
    gtk_widget_add_css_class (row, "voided");
  if (kind == LOG_ROW_CORRECTABLE)
    {
      GtkWidget *button = gtk_button_new_from_icon_name ("document-edit-symbolic");
      gtk_widget_set_valign (button, GTK_ALIGN_CENTER);
      gtk_widget_add_css_class (button, "flat");
      gtk_widget_set_tooltip_text (button, _("Correct or void this entry"));
      gtk_actionable_set_action_name (GTK_ACTIONABLE (button), "work-order.edit-log");
      gtk_actionable_set_action_target (GTK_ACTIONABLE (button), "s", fl_record_item_get_id (item));
      adw_action_row_add_suffix (ADW_ACTION_ROW (row), button);
    }
  return row;
}

static void
load_log (FlWorkOrderPage *self, FlDb *db)
{
  g_list_store_remove_all (self->log);
  g_autoptr(GPtrArray) entries = fl_work_order_list_log (db, self->id, NULL);
  /* Newest first. */
  for (guint i = entries != NULL ? entries->len : 0; i > 0; i--)
    {
      JsonObject *entry = g_ptr_array_index (entries, i - 1);
      const char *id = fl_record_get_string (entry, "id");
      const char *kind = fl_record_get_string (entry, "kind");
      int minutes = (int) fl_record_get_int (entry, "minutes", 0);
      g_autofree char *text = fl_work_log_render (entry);
      gboolean voided = fl_record_get_int (entry, "voided", 0) != 0;
      g_autofree char *when = fl_format_time (fl_record_get_string (entry, "at"));
      g_autofree char *amount = NULL;
      if (g_strcmp0 (kind, "labour") == 0)
        amount = g_strdup_printf (_("%d min labour"), minutes);
      else if (g_strcmp0 (kind, "travel") == 0)
        amount = g_strdup_printf (_("%d min travel"), minutes);
      g_autofree char *author = fl_format_login (self->session, fl_record_get_string (entry, "author"));
      g_autoptr(GString) subtitle = g_string_new (NULL);
      g_string_printf (subtitle, "%s · %s%s%s", author, when,
                       amount != NULL ? " · " : "", amount != NULL ? amount : "");
      const char *revised_by = fl_record_get_string (entry, "revised_by");
      if (revised_by != NULL)
        {
          g_autofree char *revised_at = fl_format_time (fl_record_get_string (entry, "revised_at"));
          g_autofree char *reviser = fl_format_login (self->session, revised_by);
          g_string_append_c (subtitle, '\n');
          /* Translators: under a work-log entry, "Voided by li.na, 2026-11-22 17:30". */
          g_string_append_printf (subtitle, voided ? _("Voided by %s, %s") : _("Corrected by %s, %s"),
                                  reviser, revised_at);
        }
      g_autoptr(FlRecordItem) item = fl_record_item_new (id, NULL);
      fl_record_item_set_title (item, text != NULL ? text : amount);
      fl_record_item_set_subtitle (item, subtitle->str);
      fl_record_item_set_sync_state (item, fl_session_record_state (self->session, "work_log", id));
      LogRowKind row_kind = voided ? LOG_ROW_VOIDED : g_strcmp0 (kind, "status") == 0 ? LOG_ROW_FIXED : LOG_ROW_CORRECTABLE;
      g_object_set_data (G_OBJECT (item), "log-row-kind", GINT_TO_POINTER (row_kind));
      g_list_store_append (self->log, item);
    }
  FlWorkOrderTime time = { 0 };
  fl_work_order_time_spent (db, self->id, &time, NULL);
  g_autofree char *labour = fl_time_format_minutes (time.labour_minutes);
  g_autofree char *travel = fl_time_format_minutes (time.travel_minutes);
  /* Translators: the order's time in its work log, "Labour 1 h 30 min · travel 30 minutes". */
  g_autofree char *spent = g_strdup_printf (_("Labour %s · travel %s"), labour, travel);
  adw_action_row_set_subtitle (self->time_row, spent);
}

static void
load_parts (FlWorkOrderPage *self, FlDb *db)
{
  g_list_store_remove_all (self->parts);
  g_autoptr(GPtrArray) parts = fl_work_order_list_parts (db, self->id, NULL);
  for (guint i = 0; parts != NULL && i < parts->len; i++)
    {
      JsonObject *part = g_ptr_array_index (parts, i);
      g_autofree char *quantity = fl_stock_format_quantity (fl_record_get_int (part, "qty", 0),
                                                            fl_record_get_string (part, "unit"));
      /* Translators: "2 pieces PSU 750 W (PSU-750)" */
      g_autofree char *title = g_strdup_printf (_("%s %s (%s)"), quantity, fl_record_get_string (part, "name"),
                                                fl_record_get_string (part, "sku"));
      const char *serial = fl_record_get_string (part, "serial");
      const char *location = fl_record_get_string (part, "location_code");
      /* Translators: "From VAN-07 · 3 left there" */
      g_autofree char *subtitle = g_strdup_printf (_("From %s · %" PRId64 " left there%s%s"),
                                                   location != NULL ? location : "?",
                                                   fl_record_get_int (part, "balance", 0),
                                                   serial != NULL ? " · " : "", serial != NULL ? serial : "");
      g_autoptr(FlRecordItem) item = fl_record_item_new (fl_record_get_string (part, "id"), NULL);
      fl_record_item_set_title (item, title);
      fl_record_item_set_subtitle (item, subtitle);
      g_list_store_append (self->parts, item);
    }
}

static void
load_photos (FlWorkOrderPage *self, FlDb *db)
{
  g_list_store_remove_all (self->photos);
  g_autoptr(GPtrArray) attachments = fl_work_order_list_attachments (db, self->id, NULL);
  for (guint i = 0; attachments != NULL && i < attachments->len; i++)
    {
      JsonObject *attachment = g_ptr_array_index (attachments, i);
      g_autoptr(JsonObject) record = json_object_new ();
      json_object_set_string_member (record, "sha256", fl_record_get_string (attachment, "sha256"));
      g_autofree char *size = fl_format_size (fl_record_get_int (attachment, "size", 0));
      g_autofree char *when = fl_format_time (fl_record_get_string (attachment, "at"));
      g_autofree char *subtitle = g_strdup_printf ("%s · %s · %s", size, fl_record_get_string (attachment, "by"),
                                                   when);
      const char *filename = fl_record_get_string (attachment, "filename");
      g_autoptr(FlRecordItem) item = fl_record_item_new (fl_record_get_string (attachment, "id"), record);
      fl_record_item_set_title (item, filename != NULL ? filename : _("Photo"));
      fl_record_item_set_subtitle (item, subtitle);
      g_list_store_append (self->photos, item);
    }
}

/* The row `id` of `table` (the order's site or CI), or NULL. */
static JsonObject *
load_related (FlDb *db, const char *table, const char *id)
{
  return id != NULL ? fl_record_load (db, fl_schema_lookup (table), id, NULL) : NULL;
}

/* Out of scope and the follow-up are offered when their dialog, which
 * asks for the reason or the satisfaction, is all the move still needs. */
static gboolean
asked_move_allowed (FlWorkOrderPage *self, FlRole role, FlWorkOrderStatus status, FlWorkOrderStatus to)
{
  if (to != FL_WO_REJECTED && to != FL_WO_VISITED)
    return FALSE;
  FlWorkOrderFacts facts;
  fl_work_order_facts (self->row, fl_session_get_login (self->session), &facts);
  facts.has_reject_reason = facts.has_satisfaction = TRUE;
  return fl_workflow_check_move (role, status, to, &facts, NULL);
}

/* The button of the actions box that offers `action`. */
static GtkWidget *
action_button (FlWorkOrderPage *self, const char *action)
{
  for (GtkWidget *child = gtk_widget_get_first_child (GTK_WIDGET (self->actions_box)); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    {
      GtkWidget *button = gtk_flow_box_child_get_child (GTK_FLOW_BOX_CHILD (child));
      if (GTK_IS_ACTIONABLE (button) && g_strcmp0 (gtk_actionable_get_action_name (GTK_ACTIONABLE (button)), action) == 0)
        return button;
    }
  g_return_val_if_reached (NULL);
}

static void
update_actions (FlWorkOrderPage *self)
{
  FlWorkOrderStatus allowed[FL_N_WO_STATUSES];
  guint n_allowed = 0;
  FlRole role = self->session != NULL ? fl_session_get_role (self->session) : FL_ROLE_ENGINEER;
  FlDb *db = self->session != NULL ? fl_session_get_db (self->session) : NULL;
  const char *login = self->session != NULL ? fl_session_get_login (self->session) : NULL;
  if (self->row != NULL && db != NULL)
    n_allowed = fl_work_order_allowed_moves (db, self->id, role, login, allowed, G_N_ELEMENTS (allowed), NULL);
  FlWorkOrderStatus status = FL_WO_NEW;
  if (self->row != NULL)
    fl_work_order_status_from_string (fl_record_get_string (self->row, "status"), &status);
  FlWorkOrderFacts facts = { 0 };
  if (self->row != NULL)
    fl_work_order_facts (self->row, login, &facts);
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      gboolean enabled = self->row != NULL && db != NULL && asked_move_allowed (self, role, status, moves[i].to);
      for (guint j = 0; j < n_allowed; j++)
        enabled = enabled || allowed[j] == moves[i].to;
      gtk_widget_action_set_enabled (GTK_WIDGET (self), moves[i].action, enabled);
      /* A move not offered says why, in the rule's own words. */
      g_autoptr(GError) why_not = NULL;
      if (!enabled && self->row != NULL)
        fl_workflow_check_move (role, status, moves[i].to, &facts, &why_not);
      fl_widget_explain_disabled (action_button (self, moves[i].action), why_not != NULL ? why_not->message : NULL);
    }

  gboolean open = self->row != NULL && status != FL_WO_CLOSED && status != FL_WO_VISITED &&
                  status != FL_WO_CANCELLED && status != FL_WO_REJECTED;
  for (guint i = 0; i < G_N_ELEMENTS (editing_actions); i++)
    gtk_widget_action_set_enabled (GTK_WIDGET (self), editing_actions[i], open);
  /* The customer accepts work that is done; the button says when that is. */
  g_autoptr(GError) not_yet = NULL;
  if (self->row != NULL)
    {
      /* A resolution typed but not saved yet counts: it is saved before
       * the acceptance dialog opens. */
      FlWorkOrderFacts typed_facts = facts;
      g_autofree char *typed = g_strstrip (g_strdup (gtk_editable_get_text (GTK_EDITABLE (self->resolution_row))));
      typed_facts.has_resolution = facts.has_resolution || *typed != '\0';
      fl_workflow_check_acceptance (status, &typed_facts, &not_yet);
    }
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "work-order.accept", self->row != NULL && not_yet == NULL);
  gtk_widget_set_tooltip_text (self->accept_button, not_yet != NULL ? not_yet->message : NULL);
  /* An open service request on the first line may go to the second. */
  gboolean first_line_request = open && g_strcmp0 (fl_record_get_string (self->row, "kind"), "request") == 0 &&
                                g_strcmp0 (fl_record_get_string (self->row, "support_line"), "second") != 0;
  gtk_widget_set_visible (self->second_line_button, first_line_request);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "work-order.hand-to-second-line",
                                 first_line_request &&
                                 fl_work_order_may_change (self->row, role, login, "support_line", NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "work-order.print-sheet", self->row != NULL);
  /* Field staff open a problem from an incident (001 事件管理程序 6.5). */
  gboolean incident = self->row != NULL && g_strcmp0 (fl_record_get_string (self->row, "kind"), "incident") == 0;
  gtk_widget_set_visible (self->problem_button, incident);
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "work-order.open-problem",
                                 incident && fl_access_check_write (role, "problem", "insert", NULL));
  gtk_widget_action_set_enabled (GTK_WIDGET (self), "work-order.show-ci",
                                 self->row != NULL && fl_record_get_string (self->row, "ci_id") != NULL);
  gtk_widget_set_sensitive (GTK_WIDGET (self->resolution_row),
                            self->row != NULL && fl_work_order_may_change (self->row, role, login, "resolution", NULL));
  gtk_widget_set_sensitive (GTK_WIDGET (self->cause_row),
                            self->row != NULL && fl_work_order_may_change (self->row, role, login, "cause", NULL));

  /* Say what stands between the order and Resolve, in the rule's own words. */
  g_autoptr(GError) why = NULL;
  if (self->row != NULL && (status == FL_WO_IN_PROGRESS || status == FL_WO_ON_HOLD))
    fl_workflow_check_move (role, status, FL_WO_RESOLVED, &facts, &why);
  gtk_label_set_text (self->hint_label, why != NULL ? why->message : "");
  gtk_widget_set_visible (GTK_WIDGET (self->hint_label), why != NULL);
}

/* The fields typed into entry rows, saved on Enter, on leaving the row
 * and before any action of the page, like the GNOME apps do. */
static const struct {
  const char *field;
  gsize       row_offset;
} text_fields[] = {
  { "resolution", G_STRUCT_OFFSET (FlWorkOrderPage, resolution_row) },
  { "cause", G_STRUCT_OFFSET (FlWorkOrderPage, cause_row) },
};

static GtkEditable *
text_field_row (FlWorkOrderPage *self, guint i)
{
  return G_STRUCT_MEMBER (GtkEditable *, self, text_fields[i].row_offset);
}

static const char *
stored_text (JsonObject *row, guint i)
{
  const char *value = row != NULL ? fl_record_get_string (row, text_fields[i].field) : NULL;
  return value != NULL ? value : "";
}

/* Shows the stored value, unless the user is typing something else than
 * what was shown (`before`): a sync landing meanwhile keeps their text. */
static void
show_text_field (FlWorkOrderPage *self, JsonObject *before, guint i)
{
  GtkEditable *row = text_field_row (self, i);
  if (before != NULL && g_strcmp0 (gtk_editable_get_text (row), stored_text (before, i)) != 0)
    return;
  gtk_editable_set_text (row, stored_text (self->row, i));
}

/* Saves what was typed and not saved yet; `done_message`: a toast after. */
static gboolean
save_typed_text (FlWorkOrderPage *self, const char *done_message)
{
  if (self->session == NULL || self->id == NULL || self->row == NULL)
    return TRUE;
  g_autoptr(JsonObject) values = json_object_new ();
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      const char *text = gtk_editable_get_text (text_field_row (self, i));
      if (g_strcmp0 (text, stored_text (self->row, i)) == 0)
        continue;
      if (*text != '\0')
        json_object_set_string_member (values, text_fields[i].field, text);
      else
        json_object_set_null_member (values, text_fields[i].field);
    }
  if (json_object_get_size (values) == 0)
    return TRUE;
  g_autoptr(GError) error = NULL;
  if (!fl_work_order_update (fl_session_get_db (self->session), self->id, values, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot save the resolution"), error);
      return FALSE;
    }
  if (done_message != NULL)
    fl_notice_toast (GTK_WIDGET (self), done_message);
  return TRUE;
}

static void
reload (FlWorkOrderPage *self)
{
  if (self->session == NULL || self->id == NULL)
    return;
  FlDb *db = fl_session_get_db (self->session);
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) before = g_steal_pointer (&self->row);
  self->row = fl_record_load (db, fl_schema_lookup ("work_order"), self->id, &error);
  if (self->row == NULL)
    {
      gtk_label_set_text (self->title_label, _("This work order is no longer in the replica"));
      gtk_label_set_text (self->ref_label, error != NULL ? error->message : "");
      update_actions (self);
      return;
    }
  JsonObject *wo = self->row;
  gtk_label_set_text (self->title_label, fl_record_get_string (wo, "title"));
  gtk_label_set_text (self->ref_label, fl_record_get_string (wo, "ref"));

  const char *sync_state = fl_session_record_state (self->session, "work_order", self->id);
  gtk_image_set_from_icon_name (self->sync_icon, fl_sync_state_icon_name (sync_state));
  gtk_widget_set_tooltip_text (GTK_WIDGET (self->sync_icon), fl_sync_state_describe (sync_state));

  const char *priority = fl_record_get_string (wo, "priority");
  gtk_label_set_text (self->priority_label, fl_priority_label_for_name (priority));
  const char *priority_classes[] = { "tag", priority, NULL };
  gtk_widget_set_css_classes (GTK_WIDGET (self->priority_label), priority_classes);
  gtk_label_set_text (self->status_label, fl_work_order_status_label_for_name (fl_record_get_string (wo, "status")));
  const char *style = NULL;
  g_autofree char *sla = fl_format_work_order_sla (self->session, wo, fl_time_now (), &style);
  gtk_label_set_text (self->sla_label, sla != NULL ? sla : "");
  gtk_widget_set_visible (GTK_WIDGET (self->sla_label), sla != NULL);
  const char *sla_classes[] = { "badge", style, NULL };
  gtk_widget_set_css_classes (GTK_WIDGET (self->sla_label), sla_classes);

  set_row_value (self->kind_row, fl_work_order_kind_label_for_name (fl_record_get_string (wo, "kind")));
  g_autoptr(JsonObject) site = load_related (db, "site", fl_record_get_string (wo, "site_id"));
  set_row_value (self->site_row, site != NULL ? fl_record_get_string (site, "name") : NULL);
  const char *ci_id = fl_record_get_string (wo, "ci_id");
  g_autoptr(JsonObject) ci_row = load_related (db, "ci", ci_id);
  g_autofree char *ci = ci_row != NULL ? g_strdup_printf ("%s — %s", fl_record_get_string (ci_row, "code"),
                                                          fl_record_get_string (ci_row, "name"))
                                       : NULL;
  set_row_value (self->ci_row, ci != NULL ? ci : ci_id);
  int impact = (int) fl_record_get_int (wo, "impact", 0);
  int urgency = (int) fl_record_get_int (wo, "urgency", 0);
  /* Translators: "High · impact 2 — Whole company · urgency 1 — Urgent" */
  g_autofree char *priority_text = g_strdup_printf (_("%s · impact %s · urgency %s"), fl_priority_label_for_name (priority),
                                                    fl_format_impact (impact), fl_format_urgency (urgency));
  set_row_value (self->priority_row, priority_text);
  g_autofree char *assignee = fl_format_login (self->session, fl_record_get_string (wo, "assignee"));
  set_row_value (self->assignee_row, assignee);
  const char *reporter = fl_record_get_string (wo, "reporter");
  const char *contact = fl_record_get_string (wo, "contact");
  g_autofree char *reporter_text = g_strdup_printf ("%s%s%s", reporter ? reporter : "",
                                                    reporter && contact ? " · " : "", contact ? contact : "");
  set_row_value (self->reporter_row, reporter_text);
  set_time_row (self->created_row, fl_record_get_string (wo, "created_at"), NULL, NULL);
  set_time_row (self->response_row, fl_record_get_string (wo, "response_due"), _("responded"),
                fl_record_get_string (wo, "responded_at"));
  set_time_row (self->resolve_row, fl_record_get_string (wo, "resolve_due"), _("resolved"),
                fl_record_get_string (wo, "resolved_at"));
  set_service_row (self, wo);
  set_row_value (self->description_row, fl_record_get_string (wo, "description"));

  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    show_text_field (self, before, i);

  const char *accepted_at = fl_record_get_string (wo, "customer_accepted_at");
  if (accepted_at != NULL)
    {
      g_autofree char *when = fl_format_time (accepted_at);
      /* Translators: "Accepted by Zhang Min" */
      g_autofree char *title = g_strdup_printf (_("Accepted by %s"), fl_record_get_string (wo, "customer_name"));
      /* Translators: "2026-11-22 17:30 · satisfaction 5 of 5" */
      g_autofree char *subtitle = g_strdup_printf (_("%s · satisfaction %d of 5"), when,
                                                   (int) fl_record_get_int (wo, "satisfaction", 0));
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->acceptance_row), title);
      adw_action_row_set_subtitle (self->acceptance_row, subtitle);
    }
  else
    {
      adw_preferences_row_set_title (ADW_PREFERENCES_ROW (self->acceptance_row), _("Not accepted yet"));
      adw_action_row_set_subtitle (self->acceptance_row,
                                   _("Incidents and requests need the customer's acceptance before they are resolved"));
    }
  /* The signature downloads when the order is shown. */
  const char *signature = fl_record_get_string (wo, "signature_blob");
  FlBlobState signature_state = signature != NULL ? fl_session_fetch_blob (self->session, signature) : FL_BLOB_FAILED;
  g_autofree char *signature_path = signature != NULL ? fl_session_get_blob_path (self->session, signature) : NULL;
  gboolean has_signature = signature != NULL && signature_state == FL_BLOB_HERE;
  gtk_picture_set_filename (self->signature_picture, has_signature ? signature_path : NULL);
  gtk_widget_set_visible (GTK_WIDGET (self->signature_picture), has_signature);
  gtk_widget_set_visible (GTK_WIDGET (self->signature_spinner), signature != NULL && signature_state == FL_BLOB_DOWNLOADING);
  gtk_spinner_set_spinning (self->signature_spinner, signature_state == FL_BLOB_DOWNLOADING);
  if (signature != NULL && signature_state == FL_BLOB_FAILED)
    {
      g_autofree char *subtitle = g_strdup_printf ("%s\n%s", adw_action_row_get_subtitle (self->acceptance_row),
                                                   _("The signature is not downloaded: the server could not be reached"));
      adw_action_row_set_subtitle (self->acceptance_row, subtitle);
    }

  load_log (self, db);
  load_parts (self, db);
  load_photos (self, db);
  update_actions (self);
}

void
fl_work_order_page_load (FlWorkOrderPage *self, const char *id)
{
  if (g_strcmp0 (self->id, id) != 0)
    {
      save_typed_text (self, NULL);
      g_clear_pointer (&self->row, json_object_unref);
      g_free (self->id);
      self->id = g_strdup (id);
      gtk_editable_set_text (GTK_EDITABLE (self->log_entry), "");
      gtk_editable_set_text (GTK_EDITABLE (self->minutes_entry), "");
      gtk_adjustment_set_value (gtk_scrolled_window_get_vadjustment (self->scroller), 0);
    }
  reload (self);
}

const char *
fl_work_order_page_get_id (FlWorkOrderPage *self)
{
  return self->id;
}

static void
session_changed_cb (FlWorkOrderPage *self, const char *table)
{
  static const char * const shown[] = {
    "work_order", "work_log", "stock_movement", "attachment", "site", "ci", "user", "outbox", "blob",
  };
  for (guint i = 0; i < G_N_ELEMENTS (shown); i++)
    if (table == NULL || g_strcmp0 (table, shown[i]) == 0)
      {
        reload (self);
        return;
      }
}

void
fl_work_order_page_set_session (FlWorkOrderPage *self, FlSession *session)
{
  g_set_object (&self->session, session);
  g_signal_connect_object (session, "changed", G_CALLBACK (session_changed_cb), self, G_CONNECT_SWAPPED);
  g_signal_connect_object (session, "notify::role", G_CALLBACK (reload), self, G_CONNECT_SWAPPED);
  gtk_list_box_bind_model (self->photos_list, G_LIST_MODEL (self->photos), create_photo_row, self, NULL);
  update_actions (self);
}

/* ---- actions ---- */

static void
moved (FlWorkOrderPage *self, FlWorkOrderStatus to, gboolean ok, GError *error)
{
  if (!ok)
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot change the status"), error);
      return;
    }
  /* Translators: "Now In progress" */
  g_autofree char *message = g_strdup_printf (_("Now %s"), fl_work_order_status_get_label (to));
  fl_notice_toast (GTK_WIDGET (self), message);
}

/* A move that asks first: whether it was fixed on the first visit
 * (resolve), why it is out of scope (reject), the customer's satisfaction
 * (follow-up).  The answer goes with the move, in one change. */
typedef struct {
  FlWorkOrderPage   *page;
  char              *id;
  FlWorkOrderStatus  to;
  GtkEditable       *text;          /* the reason or what the customer said */
  GtkDropDown       *satisfaction;  /* the follow-up's */
} Asked;

static void
asked_free (gpointer data, GClosure *closure)
{
  Asked *asked = data;
  g_object_unref (asked->page);
  g_free (asked->id);
  g_free (asked);
}

static void
asked_changed_cb (Asked *asked)
{
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (gtk_widget_get_root (GTK_WIDGET (asked->text)));
  g_autofree char *text = g_strstrip (g_strdup (gtk_editable_get_text (asked->text)));
  gboolean answered = asked->to == FL_WO_REJECTED ? *text != '\0'
                    : fl_satisfaction_dropdown_get_value (asked->satisfaction) != 0;
  adw_message_dialog_set_response_enabled (dialog, "record", answered);
}

static void
asked_response_cb (AdwMessageDialog *dialog, const char *response, Asked *asked)
{
  FlWorkOrderPage *self = asked->page;
  if (self->session == NULL || g_strcmp0 (response, "cancel") == 0)
    return;
  FlDb *db = fl_session_get_db (self->session);
  FlRole role = fl_session_get_role (self->session);
  const char *login = fl_session_get_login (self->session);
  g_autoptr(GError) error = NULL;
  gboolean ok = FALSE;
  if (asked->to == FL_WO_RESOLVED)
    ok = fl_work_order_resolve (db, asked->id, role, login, NULL, g_strcmp0 (response, "first") == 0, NULL, &error);
  else if (asked->to == FL_WO_REJECTED)
    ok = fl_work_order_reject_out_of_scope (db, asked->id, role, login, gtk_editable_get_text (asked->text), &error);
  else
    ok = fl_work_order_record_follow_up (db, asked->id, role, login,
                                         fl_satisfaction_dropdown_get_value (asked->satisfaction),
                                         gtk_editable_get_text (asked->text), &error);
  moved (self, asked->to, ok, error);
}

static void
ask_before_move (FlWorkOrderPage *self, FlWorkOrderStatus to)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  AdwMessageDialog *dialog = ADW_MESSAGE_DIALOG (adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                                         NULL, NULL));
  Asked *asked = g_new0 (Asked, 1);
  asked->page = g_object_ref (self);
  asked->id = g_strdup (self->id);
  asked->to = to;
  adw_message_dialog_add_response (dialog, "cancel", _("_Cancel"));
  adw_message_dialog_set_close_response (dialog, "cancel");
  if (to == FL_WO_RESOLVED)
    {
      adw_message_dialog_set_heading (dialog, _("Fixed on the First Visit?"));
      adw_message_dialog_set_body (dialog, _("Was the problem fixed on the first visit, without coming back?"));
      adw_message_dialog_add_responses (dialog, "not-first", _("_No, It Took More Visits"),
                                        "first", _("_Yes, First Visit"), NULL);
      adw_message_dialog_set_response_appearance (dialog, "first", ADW_RESPONSE_SUGGESTED);
    }
  else
    {
      GtkWidget *box = gtk_box_new (GTK_ORIENTATION_VERTICAL, 12);
      GtkWidget *entry = gtk_entry_new ();
      asked->text = GTK_EDITABLE (entry);
      if (to == FL_WO_VISITED)
        {
          asked->satisfaction = GTK_DROP_DOWN (gtk_drop_down_new (NULL, NULL));
          fl_satisfaction_dropdown_setup (asked->satisfaction);
          gtk_box_append (GTK_BOX (box), GTK_WIDGET (asked->satisfaction));
          g_signal_connect_swapped (asked->satisfaction, "notify::selected", G_CALLBACK (asked_changed_cb), asked);
        }
      gtk_entry_set_placeholder_text (GTK_ENTRY (entry), to == FL_WO_REJECTED ? _("Reason") : _("What the customer said"));
      gtk_box_append (GTK_BOX (box), entry);
      adw_message_dialog_set_extra_child (dialog, box);
      g_signal_connect_swapped (entry, "changed", G_CALLBACK (asked_changed_cb), asked);
      adw_message_dialog_set_heading (dialog, to == FL_WO_REJECTED ? _("Reject as Out of Scope?")
                                                                  : _("Record the Follow-up Call"));
      adw_message_dialog_set_body (dialog, to == FL_WO_REJECTED
                                   ? _("Say why the service level agreement does not cover this work. Rejected orders are final.")
                                   : _("Ask the customer how satisfied they are with how the work order was handled; the rating replaces the one given at acceptance."));
      adw_message_dialog_add_response (dialog, "record", to == FL_WO_REJECTED ? _("_Reject") : _("_Record"));
      adw_message_dialog_set_response_appearance (dialog, "record", to == FL_WO_REJECTED ? ADW_RESPONSE_DESTRUCTIVE
                                                                                      : ADW_RESPONSE_SUGGESTED);
      adw_message_dialog_set_response_enabled (dialog, "record", FALSE);
    }
  g_signal_connect_data (dialog, "response", G_CALLBACK (asked_response_cb), asked, asked_free, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
cancel_reason_changed (GtkEditable *entry, AdwMessageDialog *dialog)
{
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  adw_message_dialog_set_response_enabled (dialog, "cancel-order", *reason != '\0');
}

static void
cancel_response (AdwMessageDialog *dialog, const char *response, FlWorkOrderPage *self)
{
  if (g_strcmp0 (response, "cancel-order") != 0)
    return;
  GtkEditable *entry = GTK_EDITABLE (adw_message_dialog_get_extra_child (dialog));
  g_autofree char *reason = g_strstrip (g_strdup (gtk_editable_get_text (entry)));
  g_autoptr(GError) error = NULL;
  gboolean ok = fl_work_order_move (fl_session_get_db (self->session), self->id,
                                    fl_session_get_role (self->session), fl_session_get_login (self->session),
                                    FL_WO_CANCELLED, reason, &error);
  moved (self, FL_WO_CANCELLED, ok, error);
}

/* Cancelling is final: it is confirmed, with the reason kept in the log. */
static void
ask_cancel_reason (FlWorkOrderPage *self)
{
  GtkRoot *root = gtk_widget_get_root (GTK_WIDGET (self));
  g_autofree char *heading = g_strdup_printf (_("Cancel %s?"), fl_record_get_string (self->row, "ref"));
  GtkWidget *dialog = adw_message_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL, heading,
                                              _("A cancelled work order cannot be reopened. Say why it is not "
                                                "needed: the reason is kept in its log."));
  GtkWidget *entry = gtk_entry_new ();
  gtk_entry_set_placeholder_text (GTK_ENTRY (entry), _("Reason"));
  gtk_entry_set_activates_default (GTK_ENTRY (entry), TRUE);
  adw_message_dialog_set_extra_child (ADW_MESSAGE_DIALOG (dialog), entry);
  adw_message_dialog_add_responses (ADW_MESSAGE_DIALOG (dialog),
                                    "keep", _("_Keep Order"),
                                    "cancel-order", _("_Cancel Order"),
                                    NULL);
  adw_message_dialog_set_response_appearance (ADW_MESSAGE_DIALOG (dialog), "cancel-order",
                                              ADW_RESPONSE_DESTRUCTIVE);
  adw_message_dialog_set_response_enabled (ADW_MESSAGE_DIALOG (dialog), "cancel-order", FALSE);
  adw_message_dialog_set_default_response (ADW_MESSAGE_DIALOG (dialog), "cancel-order");
  adw_message_dialog_set_close_response (ADW_MESSAGE_DIALOG (dialog), "keep");
  g_signal_connect (entry, "changed", G_CALLBACK (cancel_reason_changed), dialog);
  g_signal_connect_object (dialog, "response", G_CALLBACK (cancel_response), self, 0);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
move_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    {
      FlWorkOrderStatus to = moves[i].to;
      if (g_strcmp0 (moves[i].action, action_name) != 0)
        continue;
      if (to == FL_WO_CANCELLED)
        {
          ask_cancel_reason (self);
          return;
        }
      if (to == FL_WO_RESOLVED || to == FL_WO_REJECTED || to == FL_WO_VISITED)
        {
          ask_before_move (self, to);
          return;
        }
      g_autoptr(GError) error = NULL;
      gboolean ok = fl_work_order_move (fl_session_get_db (self->session), self->id,
                                        fl_session_get_role (self->session), fl_session_get_login (self->session),
                                        to, NULL, &error);
      moved (self, to, ok, error);
      return;
    }
}

static void
save_resolution_cb (FlWorkOrderPage *self)
{
  save_typed_text (self, _("Resolution saved"));
}

static void
text_row_left (FlWorkOrderPage *self)
{
  save_typed_text (self, NULL);
}

static void
add_log_cb (FlWorkOrderPage *self)
{
  if (!save_typed_text (self, NULL))
    return;
  static const char * const kinds[] = { "note", "labour", "travel" };
  guint selected = adw_combo_row_get_selected (self->log_kind_row);
  const char *kind = kinds[MIN (selected, G_N_ELEMENTS (kinds) - 1)];
  const char *text = gtk_editable_get_text (GTK_EDITABLE (self->log_entry));
  g_autoptr(GError) error = NULL;
  if (g_str_equal (kind, "note") && *text == '\0')
    {
      fl_notice_toast (GTK_WIDGET (self), _("Write the note first"));
      return;
    }
  gint64 minutes = 0;
  if (!g_str_equal (kind, "note"))
    {
      GtkEditable *minutes_text = GTK_EDITABLE (self->minutes_entry);
      if (!fl_number_entry_read (minutes_text, "work_log", "minutes", &minutes, &error) || minutes == 0)
        {
          adw_action_row_set_subtitle (self->minutes_row,
                                       error != NULL ? error->message : _("Enter the minutes spent"));
          gtk_widget_add_css_class (GTK_WIDGET (self->minutes_entry), "error");
          gtk_widget_grab_focus (GTK_WIDGET (self->minutes_entry));
          return;
        }
    }
  if (!fl_work_order_log (fl_session_get_db (self->session), self->id,
                          fl_session_get_login (self->session), kind,
                          (int) minutes, text, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot add to the work log"), error);
      return;
    }
  gtk_editable_set_text (GTK_EDITABLE (self->log_entry), "");
  gtk_editable_set_text (GTK_EDITABLE (self->minutes_entry), "");
}

/* Editing the minutes again takes back the refusal shown beside them. */
static void
minutes_changed_cb (FlWorkOrderPage *self)
{
  fl_number_entry_clear (GTK_EDITABLE (self->minutes_entry));
  adw_action_row_set_subtitle (self->minutes_row, _("For labour and travel time"));
}

static void
add_log_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  add_log_cb (FL_WORK_ORDER_PAGE (widget));
}

static void
edit_log_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  FlLogEntryDialog *dialog = fl_log_entry_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                      self->session, g_variant_get_string (parameter, NULL));
  if (dialog != NULL)
    gtk_window_present (GTK_WINDOW (dialog));
}

static void
accept_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  FlAcceptanceDialog *dialog = fl_acceptance_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                         self->session, self->id);
  gtk_window_present (GTK_WINDOW (dialog));
}

/* The first support line hands a service request to the second. */
static void
hand_to_second_line_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  g_autoptr(GError) error = NULL;
  g_autoptr(JsonObject) values = json_object_new ();
  json_object_set_string_member (values, "support_line", "second");
  if (!fl_work_order_may_change (self->row, fl_session_get_role (self->session), fl_session_get_login (self->session),
                                 "support_line", &error) ||
      !fl_work_order_update (fl_session_get_db (self->session), self->id, values, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot hand the request to the second line"), error);
      return;
    }
  fl_notice_toast (GTK_WIDGET (self), _("Now with the second line"));
}

static void
open_problem_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  g_autoptr(GError) error = NULL;
  g_autofree char *id = NULL;
  if (!fl_problem_open_from_incident (fl_session_get_db (self->session), self->id,
                                      fl_session_get_login (self->session), &id, &error))
    {
      fl_notice_error (widget, _("Cannot open a problem"), error);
      return;
    }
  g_autoptr(JsonObject) problem = fl_record_load (fl_session_get_db (self->session), fl_schema_lookup ("problem"),
                                                  id, NULL);
  g_autofree char *text = g_strdup_printf (_("Problem %s opened: a supervisor assigns it"),
                                           problem != NULL ? fl_record_get_string (problem, "ref") : "");
  fl_notice_toast (widget, text);
}

static void
use_part_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  FlUsePartDialog *dialog = fl_use_part_dialog_new (GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                    self->session, self->id);
  gtk_window_present (GTK_WINDOW (dialog));
}

static void
show_ci_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  const char *ci_id = self->row != NULL ? fl_record_get_string (self->row, "ci_id") : NULL;
  if (ci_id != NULL)
    gtk_widget_activate_action (widget, "win.show-ci", "s", ci_id);
}

static void
show_service_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  if (!save_typed_text (self, NULL))
    return;
  const char *service = self->row != NULL ? fl_record_get_string (self->row, "service") : NULL;
  if (service != NULL)
    gtk_widget_activate_action (widget, "win.show-service", "s", service);
}

/* ---- photos ---- */

typedef struct {
  FlWorkOrderPage *page;
  char            *work_order_id;
  char            *filename;
} Attach;

static void
attach_free (Attach *attach)
{
  g_object_unref (attach->page);
  g_free (attach->work_order_id);
  g_free (attach->filename);
  g_free (attach);
}
G_DEFINE_AUTOPTR_CLEANUP_FUNC (Attach, attach_free)

static void
photo_loaded_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(Attach) attach = user_data;
  FlWorkOrderPage *self = attach->page;
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_file_load_bytes_finish (G_FILE (source), result, NULL, &error);
  g_autofree char *sha = bytes != NULL ? fl_session_store_blob (self->session, bytes, &error) : NULL;
  if (sha == NULL)
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot attach the photo"), error);
      return;
    }
  gsize size = g_bytes_get_size (bytes);
  g_autofree char *content_type = g_content_type_guess (attach->filename, g_bytes_get_data (bytes, NULL),
                                                        MIN (size, 4096), NULL);
  g_autofree char *mime = g_content_type_get_mime_type (content_type);
  if (mime == NULL || !g_str_has_prefix (mime, "image/"))
    {
      fl_notice_toast (GTK_WIDGET (self), _("That file is not an image"));
      return;
    }
  if (!fl_work_order_attach (fl_session_get_db (self->session), attach->work_order_id, attach->filename, mime,
                             sha, size, fl_session_get_login (self->session), &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot attach the photo"), error);
      return;
    }
  fl_notice_toast (GTK_WIDGET (self), _("Photo attached"));
}

void
fl_work_order_page_attach_file (FlWorkOrderPage *self, GFile *file)
{
  g_return_if_fail (self->id != NULL);
  Attach *attach = g_new0 (Attach, 1);
  attach->page = g_object_ref (self);
  attach->work_order_id = g_strdup (self->id);
  attach->filename = g_file_get_basename (file);
  g_file_load_bytes_async (file, NULL, photo_loaded_cb, attach);
}

static void
chooser_response_cb (GtkNativeDialog *chooser, int response, gpointer user_data)
{
  FlWorkOrderPage *self = user_data;
  if (response == GTK_RESPONSE_ACCEPT)
    {
      g_autoptr(GFile) file = gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser));
      if (file != NULL)
        fl_work_order_page_attach_file (self, file);
    }
  g_object_unref (chooser);
  g_object_unref (self);
}

static void
attach_photo_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  if (!save_typed_text (FL_WORK_ORDER_PAGE (widget), NULL))
    return;
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Attach a Photo"),
                                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                               GTK_FILE_CHOOSER_ACTION_OPEN,
                                                               _("_Attach"), _("_Cancel"));
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("Images"));
  gtk_file_filter_add_mime_type (filter, "image/*");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (chooser_response_cb), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the service sheet ---- */

typedef struct {
  FlWorkOrderPage *self;
  char            *id;
  char            *path;
} SheetJob;

static void
sheet_job_free (SheetJob *job)
{
  g_object_unref (job->self);
  g_free (job->id);
  g_free (job->path);
  g_free (job);
}

static void
write_sheet (SheetJob *job, const char *signature_path)
{
  FlWorkOrderPage *self = job->self;
  g_autoptr(GError) error = NULL;
  if (!fl_service_sheet_write_pdf (fl_session_get_db (self->session), job->id, signature_path, job->path, &error))
    {
      fl_notice_error (GTK_WIDGET (self), _("Cannot save the service sheet"), error);
      return;
    }
  g_autofree char *name = g_path_get_basename (job->path);
  g_autofree char *message = g_strdup_printf (_("Service sheet saved as %s"), name);
  fl_notice_toast (GTK_WIDGET (self), message);
}

static void
signature_fetched (GObject *source, GAsyncResult *result, gpointer data)
{
  SheetJob *job = data;
  g_autoptr(GError) error = NULL;
  g_autoptr(GFile) file = fl_sync_client_fetch_blob_finish (FL_SYNC_CLIENT (source), result, &error);
  if (file == NULL)
    g_message ("The service sheet goes without the signature: %s", error->message);
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  write_sheet (job, path);
  sheet_job_free (job);
}

void
fl_work_order_page_save_sheet (FlWorkOrderPage *self, const char *path)
{
  g_return_if_fail (FL_IS_WORK_ORDER_PAGE (self));
  if (self->session == NULL || self->row == NULL || !save_typed_text (self, NULL))
    return;
  SheetJob *job = g_new0 (SheetJob, 1);
  job->self = g_object_ref (self);
  job->id = g_strdup (self->id);
  job->path = g_strdup (path);
  const char *signature = fl_record_get_string (self->row, "signature_blob");
  g_autofree char *signature_path = signature != NULL ? fl_session_get_blob_path (self->session, signature) : NULL;
  if (signature_path == NULL || g_file_test (signature_path, G_FILE_TEST_EXISTS))
    {
      write_sheet (job, signature_path);
      sheet_job_free (job);
      return;
    }
  fl_sync_client_fetch_blob_async (fl_session_get_sync_client (self->session), signature, NULL,
                                   signature_fetched, job);
}

static void
sheet_chooser_response_cb (GtkNativeDialog *chooser, int response, gpointer data)
{
  g_autoptr(FlWorkOrderPage) self = data;
  g_autoptr(GFile) file = response == GTK_RESPONSE_ACCEPT ? gtk_file_chooser_get_file (GTK_FILE_CHOOSER (chooser)) : NULL;
  g_autofree char *path = file != NULL ? g_file_get_path (file) : NULL;
  if (path != NULL)
    fl_work_order_page_save_sheet (self, path);
  g_object_unref (chooser);
}

static void
print_sheet_activated (GtkWidget *widget, const char *action_name, GVariant *parameter)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (widget);
  GtkRoot *root = gtk_widget_get_root (widget);
  GtkFileChooserNative *chooser = gtk_file_chooser_native_new (_("Save the Service Sheet"),
                                                               GTK_IS_WINDOW (root) ? GTK_WINDOW (root) : NULL,
                                                               GTK_FILE_CHOOSER_ACTION_SAVE,
                                                               _("_Save"), _("_Cancel"));
  /* Translators: the suggested file name of a service sheet, "service-sheet-INC-2026-0042.pdf". */
  g_autofree char *name = g_strdup_printf (_("service-sheet-%s.pdf"), fl_record_get_string (self->row, "ref"));
  gtk_file_chooser_set_current_name (GTK_FILE_CHOOSER (chooser), name);
  g_autoptr(GtkFileFilter) filter = gtk_file_filter_new ();
  gtk_file_filter_set_name (filter, _("PDF documents"));
  gtk_file_filter_add_mime_type (filter, "application/pdf");
  gtk_file_chooser_add_filter (GTK_FILE_CHOOSER (chooser), filter);
  gtk_native_dialog_set_modal (GTK_NATIVE_DIALOG (chooser), TRUE);
  g_signal_connect (chooser, "response", G_CALLBACK (sheet_chooser_response_cb), g_object_ref (widget));
  gtk_native_dialog_show (GTK_NATIVE_DIALOG (chooser));
}

/* ---- the type ---- */

static void
fl_work_order_page_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (object);
  switch (prop_id)
    {
    case PROP_SHOW_BACK:
      g_value_set_boolean (value, self->show_back);
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_work_order_page_set_property (GObject *object, guint prop_id, const GValue *value, GParamSpec *pspec)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (object);
  switch (prop_id)
    {
    case PROP_SHOW_BACK:
      if (self->show_back != g_value_get_boolean (value))
        {
          self->show_back = g_value_get_boolean (value);
          g_object_notify_by_pspec (object, pspec);
        }
      break;
    default:
      G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
fl_work_order_page_dispose (GObject *object)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (object);
  gtk_widget_dispose_template (GTK_WIDGET (self), FL_TYPE_WORK_ORDER_PAGE);
  GtkWidget *child;
  while ((child = gtk_widget_get_first_child (GTK_WIDGET (self))) != NULL)
    gtk_widget_unparent (child);
  g_clear_object (&self->session);
  G_OBJECT_CLASS (fl_work_order_page_parent_class)->dispose (object);
}

/* Leaving the page (another area, the window closing) leaves the rows too. */
static void
fl_work_order_page_unmap (GtkWidget *widget)
{
  save_typed_text (FL_WORK_ORDER_PAGE (widget), NULL);
  GTK_WIDGET_CLASS (fl_work_order_page_parent_class)->unmap (widget);
}

static void
fl_work_order_page_finalize (GObject *object)
{
  FlWorkOrderPage *self = FL_WORK_ORDER_PAGE (object);
  g_free (self->id);
  g_clear_pointer (&self->row, json_object_unref);
  g_clear_object (&self->log);
  g_clear_object (&self->parts);
  g_clear_object (&self->photos);
  G_OBJECT_CLASS (fl_work_order_page_parent_class)->finalize (object);
}

static void
fl_work_order_page_class_init (FlWorkOrderPageClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  GtkWidgetClass *widget_class = GTK_WIDGET_CLASS (klass);
  object_class->get_property = fl_work_order_page_get_property;
  object_class->set_property = fl_work_order_page_set_property;
  object_class->dispose = fl_work_order_page_dispose;
  object_class->finalize = fl_work_order_page_finalize;
  widget_class->unmap = fl_work_order_page_unmap;

  /* Whether to show a way back to the list (the window is too narrow for both). */
  properties[PROP_SHOW_BACK] = g_param_spec_boolean ("show-back", NULL, NULL, FALSE,
                                                     G_PARAM_READWRITE | G_PARAM_EXPLICIT_NOTIFY |
                                                     G_PARAM_STATIC_STRINGS);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  gtk_widget_class_set_layout_manager_type (widget_class, GTK_TYPE_BIN_LAYOUT);
  gtk_widget_class_set_template_from_resource (widget_class,
                                               "/io/github/fieldline/Fieldline/ui/fl-work-order-page.ui");
#define CHILD(name) gtk_widget_class_bind_template_child (widget_class, FlWorkOrderPage, name)
  CHILD (scroller);
  CHILD (title_label);
  CHILD (ref_label);
  CHILD (sync_icon);
  CHILD (priority_label);
  CHILD (status_label);
  CHILD (sla_label);
  CHILD (hint_label);
  CHILD (accept_button);
  CHILD (actions_box);
  CHILD (resolve_button);
  CHILD (second_line_button);
  CHILD (problem_button);
  CHILD (kind_row);
  CHILD (site_row);
  CHILD (ci_row);
  CHILD (priority_row);
  CHILD (assignee_row);
  CHILD (reporter_row);
  CHILD (created_row);
  CHILD (response_row);
  CHILD (resolve_row);
  CHILD (service_row);
  CHILD (service_arrow);
  CHILD (description_row);
  CHILD (resolution_row);
  CHILD (cause_row);
  CHILD (acceptance_row);
  CHILD (signature_picture);
  CHILD (signature_spinner);
  CHILD (log_kind_row);
  CHILD (minutes_row);
  CHILD (minutes_entry);
  CHILD (log_entry);
  CHILD (log_list);
  CHILD (time_row);
  CHILD (parts_list);
  CHILD (photos_list);
#undef CHILD
  gtk_widget_class_bind_template_child_full (widget_class, "take_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "start_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "hold_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "close_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "cancel_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "follow_up_button", FALSE, 0);
  gtk_widget_class_bind_template_child_full (widget_class, "out_of_scope_button", FALSE, 0);
  gtk_widget_class_bind_template_callback (widget_class, save_resolution_cb);
  gtk_widget_class_bind_template_callback (widget_class, add_log_cb);
  gtk_widget_class_bind_template_callback (widget_class, minutes_changed_cb);

  for (guint i = 0; i < G_N_ELEMENTS (moves); i++)
    gtk_widget_class_install_action (widget_class, moves[i].action, NULL, move_activated);
  gtk_widget_class_install_action (widget_class, "work-order.accept", NULL, accept_activated);
  gtk_widget_class_install_action (widget_class, "work-order.add-log", NULL, add_log_activated);
  gtk_widget_class_install_action (widget_class, "work-order.edit-log", "s", edit_log_activated);
  gtk_widget_class_install_action (widget_class, "work-order.use-part", NULL, use_part_activated);
  gtk_widget_class_install_action (widget_class, "work-order.attach-photo", NULL, attach_photo_activated);
  gtk_widget_class_install_action (widget_class, "work-order.show-ci", NULL, show_ci_activated);
  gtk_widget_class_install_action (widget_class, "work-order.show-service", NULL, show_service_activated);
  gtk_widget_class_install_action (widget_class, "work-order.print-sheet", NULL, print_sheet_activated);
  gtk_widget_class_install_action (widget_class, "work-order.hand-to-second-line", NULL,
                                   hand_to_second_line_activated);
  gtk_widget_class_install_action (widget_class, "work-order.open-problem", NULL, open_problem_activated);
}

static void
fl_work_order_page_init (FlWorkOrderPage *self)
{
  gtk_widget_init_template (GTK_WIDGET (self));
  for (guint i = 0; i < G_N_ELEMENTS (text_fields); i++)
    {
      GtkEventController *focus = gtk_event_controller_focus_new ();
      g_signal_connect_object (focus, "leave", G_CALLBACK (text_row_left), self, G_CONNECT_SWAPPED);
      gtk_widget_add_controller (GTK_WIDGET (text_field_row (self, i)), focus);
    }
  g_signal_connect_swapped (self->resolution_row, "changed", G_CALLBACK (update_actions), self);
  self->log = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->parts = g_list_store_new (FL_TYPE_RECORD_ITEM);
  self->photos = g_list_store_new (FL_TYPE_RECORD_ITEM);
  gtk_list_box_bind_model (self->log_list, G_LIST_MODEL (self->log), create_log_row, NULL, NULL);
  gtk_list_box_bind_model (self->parts_list, G_LIST_MODEL (self->parts), create_item_row, NULL, NULL);
  gtk_list_box_set_placeholder (self->log_list, empty_placeholder (_("Nothing logged yet")));
  gtk_list_box_set_placeholder (self->parts_list, empty_placeholder (_("No parts used")));
  gtk_list_box_set_placeholder (self->photos_list, empty_placeholder (_("No photos")));
  update_actions (self);
}
