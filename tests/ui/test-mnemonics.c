/* No two mnemonics with the same key in one menu or one page, in English
 * and in Chinese: Alt+key then does one thing.  Two ways in:
 * - every .ui file of the app's resources, read as text: each <menu> and
 *   <submenu> is one group, the rest of the file (a page or a dialog)
 *   another, with the texts translated as the window would show them;
 * - the window itself, each area shown: what the C code adds (buttons of
 *   a row, menus built at run time) counts too, each popover apart. */
#include <string.h>

#include "fl-approvals-page.h"
#include "fl-ui-test-util.h"
#include "fl-work-order.h"

#define UI_PATH "/io/github/fieldline/Fieldline/ui"

typedef struct {
  char       *name;
  GHashTable *by_key;  /* key (gunichar) -> text */
} Group;

static Group *
group_new (const char *name)
{
  Group *group = g_new0 (Group, 1);
  group->name = g_strdup (name);
  group->by_key = g_hash_table_new_full (NULL, NULL, NULL, g_free);
  return group;
}

static void
group_free (Group *group)
{
  g_free (group->name);
  g_hash_table_unref (group->by_key);
  g_free (group);
}

/* The key after the underline of `text` (0: none), as GTK reads it. */
static gunichar
mnemonic_key (const char *text)
{
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    if (*p == '_')
      {
        if (p[1] == '_')
          {
            p++;
            continue;
          }
        if (p[1] != '\0')
          return g_unichar_tolower (g_utf8_get_char (p + 1));
      }
  return 0;
}

static void
group_add (Group *group, const char *text, GString *clashes)
{
  gunichar key = mnemonic_key (text);
  if (key == 0)
    return;
  const char *other = g_hash_table_lookup (group->by_key, GUINT_TO_POINTER (key));
  if (other != NULL)
    {
      char utf8[8] = { 0 };
      g_unichar_to_utf8 (key, utf8);
      g_string_append_printf (clashes, "%s: “%s” and “%s” both take Alt+%s\n", group->name, other, text, utf8);
      return;
    }
  g_hash_table_insert (group->by_key, GUINT_TO_POINTER (key), g_strdup (text));
}

/* ---- the .ui files ---- */

typedef struct {
  gboolean   use_underline;
  GPtrArray *labels;
} Object;

typedef struct {
  const char *file;
  GString    *clashes;
  GPtrArray  *groups;   /* the file's group, then open menus */
  GPtrArray  *objects;  /* open <object>s */
  char       *property;  /* the property, attribute or response being read */
  char       *context;
  gboolean    translatable;
  GString    *text;
} Reader;

static void
object_free (Object *object)
{
  g_ptr_array_unref (object->labels);
  g_free (object);
}

static const char *
attribute (const char **names, const char **values, const char *name)
{
  for (guint i = 0; names[i] != NULL; i++)
    if (g_str_equal (names[i], name))
      return values[i];
  return NULL;
}

static void
start_element (GMarkupParseContext *context, const char *element, const char **names,
               const char **values, gpointer data, GError **error)
{
  Reader *r = data;
  if (g_str_equal (element, "menu") || g_str_equal (element, "submenu"))
    {
      const char *id = attribute (names, values, "id");
      g_autofree char *name = g_strdup_printf ("%s, menu %s", r->file, id != NULL ? id : element);
      g_ptr_array_add (r->groups, group_new (name));
    }
  else if (g_str_equal (element, "object") || g_str_equal (element, "template"))
    {
      Object *object = g_new0 (Object, 1);
      object->labels = g_ptr_array_new_with_free_func (g_free);
      g_ptr_array_add (r->objects, object);
    }
  else if (g_str_equal (element, "property") || g_str_equal (element, "attribute") ||
           g_str_equal (element, "response"))
    {
      const char *name = attribute (names, values, "name");
      g_free (r->property);
      r->property = g_strdup_printf ("%s:%s", element, name != NULL ? name : "");
      g_free (r->context);
      r->context = g_strdup (attribute (names, values, "context"));
      r->translatable = g_strcmp0 (attribute (names, values, "translatable"), "yes") == 0;
      g_string_truncate (r->text, 0);
    }
}

static void
text (GMarkupParseContext *context, const char *text, gsize len, gpointer data, GError **error)
{
  Reader *r = data;
  if (r->property != NULL)
    g_string_append_len (r->text, text, len);
}

static const char *
translated (Reader *r)
{
  if (!r->translatable)
    return r->text->str;
  return r->context != NULL ? g_dpgettext2 (GETTEXT_PACKAGE, r->context, r->text->str)
                            : g_dgettext (GETTEXT_PACKAGE, r->text->str);
}

static void
end_element (GMarkupParseContext *context, const char *element, gpointer data, GError **error)
{
  Reader *r = data;
  Group *group = g_ptr_array_index (r->groups, r->groups->len - 1);
  Object *object = r->objects->len > 0 ? g_ptr_array_index (r->objects, r->objects->len - 1) : NULL;
  if (g_str_equal (element, "menu") || g_str_equal (element, "submenu"))
    g_ptr_array_remove_index (r->groups, r->groups->len - 1);
  else if (g_str_equal (element, "object") || g_str_equal (element, "template"))
    {
      /* A label is a mnemonic only where the widget reads the underline. */
      for (guint i = 0; object->use_underline && i < object->labels->len; i++)
        group_add (group, g_ptr_array_index (object->labels, i), r->clashes);
      g_ptr_array_remove_index (r->objects, r->objects->len - 1);
    }
  else if (r->property != NULL)
    {
      /* Menu items and a message dialog's responses always read it. */
      if (g_str_equal (r->property, "attribute:label") || g_str_has_prefix (r->property, "response:"))
        group_add (group, translated (r), r->clashes);
      else if (object != NULL && g_str_equal (r->property, "property:label"))
        g_ptr_array_add (object->labels, g_strdup (translated (r)));
      else if (object != NULL && (g_str_equal (r->property, "property:use-underline") ||
                                  g_str_equal (r->property, "property:use_underline")))
        object->use_underline = g_ascii_strcasecmp (r->text->str, "true") == 0 ||
                                g_ascii_strcasecmp (r->text->str, "yes") == 0 ||
                                g_str_equal (r->text->str, "1");
      g_clear_pointer (&r->property, g_free);
    }
}

static void
check_ui_file (const char *path, const char *file, GString *clashes)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) bytes = g_resources_lookup_data (path, 0, &error);
  g_assert_no_error (error);
  static const GMarkupParser parser = { start_element, end_element, text, NULL, NULL };
  Reader r = {
    .file = file, .clashes = clashes,
    .groups = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free),
    .objects = g_ptr_array_new_with_free_func ((GDestroyNotify) object_free),
    .text = g_string_new (NULL),
  };
  g_ptr_array_add (r.groups, group_new (file));
  g_autoptr(GMarkupParseContext) context = g_markup_parse_context_new (&parser, 0, &r, NULL);
  gsize size;
  const char *data = g_bytes_get_data (bytes, &size);
  g_markup_parse_context_parse (context, data, size, &error);
  g_assert_no_error (error);
  g_markup_parse_context_end_parse (context, &error);
  g_assert_no_error (error);
  g_ptr_array_unref (r.groups);
  g_ptr_array_unref (r.objects);
  g_string_free (r.text, TRUE);
  g_free (r.property);
  g_free (r.context);
}

static void
check_ui_files (GString *clashes)
{
  static const char * const folders[] = { UI_PATH, "/io/github/fieldline/Fieldline/gtk" };
  for (guint f = 0; f < G_N_ELEMENTS (folders); f++)
    {
      g_autoptr(GError) error = NULL;
      g_auto(GStrv) files = g_resources_enumerate_children (folders[f], 0, &error);
      g_assert_no_error (error);
      for (guint i = 0; files[i] != NULL; i++)
        if (g_str_has_suffix (files[i], ".ui"))
          {
            g_autofree char *path = g_build_path ("/", folders[f], files[i], NULL);
            check_ui_file (path, files[i], clashes);
          }
    }
}

/* ---- the window as it is built ---- */

static void
walk (GtkWidget *widget, Group *group, GString *clashes)
{
  if (!gtk_widget_get_visible (widget))
    return;
  g_autoptr(GPtrArray) own = NULL;
  if (GTK_IS_POPOVER (widget))
    {
      /* A popover is its own menu. */
      own = g_ptr_array_new_with_free_func ((GDestroyNotify) group_free);
      g_autofree char *name = g_strdup_printf ("%s, a popover", group->name);
      g_ptr_array_add (own, group_new (name));
      group = g_ptr_array_index (own, 0);
    }
  if (GTK_IS_LABEL (widget) && gtk_label_get_use_underline (GTK_LABEL (widget)))
    group_add (group, gtk_label_get_label (GTK_LABEL (widget)), clashes);
  GtkWidget *shown = GTK_IS_STACK (widget) ? gtk_stack_get_visible_child (GTK_STACK (widget)) : NULL;
  for (GtkWidget *child = gtk_widget_get_first_child (widget); child != NULL;
       child = gtk_widget_get_next_sibling (child))
    if (shown == NULL || child == shown)
      walk (child, group, clashes);
}

static void
check_page (FlWindow *window, const char *area, const char *what, GString *clashes)
{
  fl_ui_test_pump ();
  g_autofree char *name = g_strdup_printf ("the %s page%s", area, what);
  Group *group = group_new (name);
  walk (fl_window_get_page (window, area), group, clashes);
  group_free (group);
}

static void
check_window (GString *clashes)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = NULL;
  g_autoptr(FlDb) db = fl_test_replica ("K3F", &dir);
  g_free (fl_ui_test_store (db, "user",
      "{\"login\": \"chen.jie\", \"display_name\": \"陈杰\", \"role\": \"supervisor\"}"));
  g_autofree char *site = fl_ui_test_store (db, "site",
      "{\"code\": \"HOSP1\", \"name\": \"第一人民医院\", \"time_zone\": \"Asia/Shanghai\","
      " \"coverage\": \"7x24\"}");
  FlWorkOrderDraft draft = { .kind = "incident", .title = "UPS alarm", .site_id = site, .impact = 3, .urgency = 2 };
  g_autofree char *order = NULL;
  g_assert_true (fl_work_order_create (db, &draft, "chen.jie", &order, &error));
  g_assert_no_error (error);
  g_autoptr(FlSession) session = fl_session_new (db, "chen.jie");
  FlWindow *window = fl_window_new (NULL, session, NULL);
  gtk_window_present (GTK_WINDOW (window));
  static const char * const areas[] = {
    "my-work", "inspections", "cmdb-audits", "backups", "cis", "problems", "stock",
    "approvals", "reports", "sync",
  };
  for (guint i = 0; i < G_N_ELEMENTS (areas); i++)
    {
      fl_window_show_area (window, areas[i]);
      check_page (window, areas[i], "", clashes);
    }
  /* With an order open, and chosen in the supervisor's queue. */
  fl_window_show_work_order (window, order);
  check_page (window, "my-work", " with an order open", clashes);
  fl_window_show_area (window, "approvals");
  fl_ui_test_pump ();
  FlApprovalsPage *approvals = FL_APPROVALS_PAGE (fl_window_get_page (window, "approvals"));
  g_assert_true (fl_approvals_page_select (approvals, order));
  check_page (window, "approvals", " with an order chosen", clashes);
  gtk_window_destroy (GTK_WINDOW (window));
  fl_ui_test_pump ();
  fl_test_remove_tree (dir);
}

static void
test_unique (gconstpointer language)
{
  fl_test_use_language (language);
  g_autoptr(GString) clashes = g_string_new (NULL);
  check_ui_files (clashes);
  check_window (clashes);
  fl_test_use_language (NULL);
  if (clashes->len > 0)
    g_test_message ("%s", clashes->str);
  g_assert_cmpstr (clashes->str, ==, "");
}

int
main (int argc, char **argv)
{
  fl_ui_test_init (&argc, &argv);
  g_test_add_data_func ("/ui/mnemonics/unique/C", NULL, test_unique);
  g_test_add_data_func ("/ui/mnemonics/unique/zh_CN", "zh_CN", test_unique);
  return g_test_run ();
}
