#include "fl-request-language.h"

#include <string.h>

#include "fl-i18n.h"

#define MAX_HEADER 256   /* bytes of Accept-Language looked at */
#define MAX_RANGES 12    /* language ranges of it tried */

static GMutex     lock;
static GHashTable *locales;  /* "zh_CN" -> locale_t, or a NULL value: none here */

/* The locale named `name` ("zh_CN"), when its catalogue and the system's
 * locale are both here. */
static locale_t
locale_for (const char *name)
{
  g_mutex_lock (&lock);
  if (locales == NULL)
    locales = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  gpointer found = NULL;
  if (!g_hash_table_lookup_extended (locales, name, NULL, &found))
    {
      locale_t made = (locale_t) 0;
      if (strcmp (name, "en") == 0)
        {
          /* The source strings: no catalogue to look in. */
          made = newlocale (LC_MESSAGES_MASK, "C.UTF-8", (locale_t) 0);
          if (made == (locale_t) 0)
            made = newlocale (LC_MESSAGES_MASK, "C", (locale_t) 0);
        }
      else
        {
          g_autofree char *mo = g_build_filename (fl_i18n_locale_dir (), name, "LC_MESSAGES",
                                                  GETTEXT_PACKAGE ".mo", NULL);
          g_autofree char *system_name = g_strconcat (name, ".UTF-8", NULL);
          if (g_file_test (mo, G_FILE_TEST_IS_REGULAR))
            made = newlocale (LC_MESSAGES_MASK, system_name, (locale_t) 0);
        }
      found = (gpointer) made;
      g_hash_table_insert (locales, g_strdup (name), found);
    }
  g_mutex_unlock (&lock);
  return (locale_t) found;
}

typedef struct {
  char  *tag;
  double q;
  guint  order;
} Range;

static int
by_preference (gconstpointer a, gconstpointer b)
{
  const Range *x = a, *y = b;
  if (x->q != y->q)
    return x->q > y->q ? -1 : 1;
  return x->order < y->order ? -1 : x->order > y->order;
}

/* "zh-cn" -> "zh_CN", "ZH" -> "zh"; NULL when the language is not two or
 * three letters (a script or a variant is dropped: "zh-Hans-CN" -> "zh_CN"). */
static char *
catalogue_name (const char *tag)
{
  g_auto(GStrv) parts = g_strsplit (tag, "-", 4);
  const char *language = parts[0], *region = NULL;
  for (guint i = 1; parts[i] != NULL; i++)
    if (strlen (parts[i]) == 2)
      region = parts[i];
  gsize n = strlen (language);
  if (n < 2 || n > 3)
    return NULL;
  for (const char *p = language; *p != '\0'; p++)
    if (!g_ascii_isalpha (*p))
      return NULL;
  if (region != NULL && !(g_ascii_isalpha (region[0]) && g_ascii_isalpha (region[1])))
    region = NULL;
  g_autofree char *lower = g_ascii_strdown (language, -1);
  if (region == NULL)
    return g_steal_pointer (&lower);
  g_autofree char *upper = g_ascii_strup (region, -1);
  return g_strconcat (lower, "_", upper, NULL);
}

/* The catalogues a language range may be answered from, best first. */
static locale_t
locale_for_range (const char *tag)
{
  g_autofree char *name = catalogue_name (tag);
  if (name == NULL)
    return (locale_t) 0;
  if (g_str_has_prefix (name, "en"))
    return locale_for ("en");
  locale_t found = locale_for (name);
  if (found == (locale_t) 0 && strcmp (name, "zh") == 0)
    found = locale_for ("zh_CN");  /* "zh" alone: the Chinese the catalogue is in */
  return found;
}

void
fl_request_language_prepare (void)
{
  (void) g_dgettext (GETTEXT_PACKAGE, "");
}

locale_t
fl_request_language_pick (const char *accept_language)
{
  if (accept_language == NULL || *accept_language == '\0')
    return (locale_t) 0;
  g_autofree char *header = g_strndup (accept_language, MAX_HEADER);
  g_auto(GStrv) items = g_strsplit (header, ",", MAX_RANGES + 1);
  g_autoptr(GArray) ranges = g_array_new (FALSE, FALSE, sizeof (Range));
  for (guint i = 0; items[i] != NULL && i < MAX_RANGES; i++)
    {
      g_auto(GStrv) fields = g_strsplit (items[i], ";", 3);
      char *tag = g_strstrip (fields[0]);
      double q = 1.0;
      for (guint f = 1; fields[f] != NULL; f++)
        {
          char *param = g_strstrip (fields[f]);
          if (g_str_has_prefix (param, "q=") || g_str_has_prefix (param, "Q="))
            {
              char *end = NULL;
              q = g_ascii_strtod (param + 2, &end);
              if (end == param + 2 || *end != '\0' || !(q >= 0.0 && q <= 1.0))
                q = 0.0;
            }
        }
      if (q <= 0.0 || *tag == '\0' || strcmp (tag, "*") == 0)
        continue;
      Range range = { g_strdup (tag), q, i };
      g_array_append_val (ranges, range);
    }
  g_array_sort (ranges, by_preference);
  locale_t chosen = (locale_t) 0;
  for (guint i = 0; i < ranges->len; i++)
    {
      Range *range = &g_array_index (ranges, Range, i);
      if (chosen == (locale_t) 0)
        chosen = locale_for_range (range->tag);
      g_free (range->tag);
    }
  return chosen;
}

locale_t
fl_request_language_begin (locale_t locale)
{
  return locale != (locale_t) 0 ? uselocale (locale) : (locale_t) 0;
}

void
fl_request_language_end (locale_t locale, locale_t previous)
{
  if (locale != (locale_t) 0 && previous != (locale_t) 0)
    uselocale (previous);
}
