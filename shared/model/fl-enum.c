#include "fl-enum.h"

#include <string.h>

const char *
fl_enum_to_string (const FlEnumTable *table, guint value)
{
  g_return_val_if_fail (value < table->n_values, NULL);
  return table->values[value].name;
}

gboolean
fl_enum_from_string (const FlEnumTable *table, const char *text, guint *out)
{
  for (guint i = 0; text != NULL && i < table->n_values; i++)
    if (strcmp (table->values[i].name, text) == 0)
      {
        *out = i;
        return TRUE;
      }
  return FALSE;
}

const char *
fl_enum_get_label (const FlEnumTable *table, guint value)
{
  g_return_val_if_fail (value < table->n_values, NULL);
  const char *label = table->values[value].label;
  g_return_val_if_fail (label != NULL, table->values[value].name);
  return table->context != NULL ? g_dpgettext2 (GETTEXT_PACKAGE, table->context, label)
                                : g_dgettext (GETTEXT_PACKAGE, label);
}

const char *
fl_enum_label_for_name (const FlEnumTable *table, const char *text)
{
  guint value;
  if (!fl_enum_from_string (table, text, &value))
    return text != NULL ? text : "";
  return fl_enum_get_label (table, value);
}
