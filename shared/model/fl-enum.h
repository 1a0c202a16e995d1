/* fl-enum.h — enumerations stored as text ("in_progress", "high", "5x9"):
 * one table of names (and labels for people) per enumeration, and one
 * lookup for all of them.
 *
 * A module lists its values in order and defines the public functions
 * with the macros below:
 *
 *   static const FlEnumName priority_names[] = {
 *     { "high", NC_("priority", "High") }, ...
 *   };
 *   static const FlEnumTable priority_table = FL_ENUM_TABLE (priority_names, "priority");
 *   FL_DEFINE_ENUM_NAMES (fl_priority, FlPriority, priority_table)
 *   FL_DEFINE_ENUM_LABELS (fl_priority, FlPriority, priority_table)
 */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct {
  const char *name;   /* as stored and sent */
  const char *label;  /* for people, marked N_() or NC_(); NULL when never shown */
} FlEnumName;

typedef struct {
  const FlEnumName *values;   /* indexed by the enumeration's value */
  guint             n_values;
  const char       *context;  /* the labels' translation context, or NULL */
} FlEnumTable;

#define FL_ENUM_TABLE(values, context) { (values), G_N_ELEMENTS (values), (context) }

/* The stored name of `value`, or NULL (with a critical) when out of range. */
const char *fl_enum_to_string (const FlEnumTable *table, guint value);
/* The value stored as `text`; FALSE (leaving *out alone) for NULL or an
 * unknown name. */
gboolean    fl_enum_from_string (const FlEnumTable *table, const char *text, guint *out);
/* The translated label of `value`. */
const char *fl_enum_get_label (const FlEnumTable *table, guint value);
/* The translated label of the value stored as `text`; `text` itself when
 * it names no value ("" for NULL), so odd data still shows. */
const char *fl_enum_label_for_name (const FlEnumTable *table, const char *text);

/* PREFIX_to_string (Type) and PREFIX_from_string (const char *, Type *). */
#define FL_DEFINE_ENUM_NAMES(prefix, Type, table)                            \
  const char *                                                                \
  prefix##_to_string (Type value)                                             \
  {                                                                           \
    return fl_enum_to_string (&(table), (guint) value);                       \
  }                                                                           \
  gboolean                                                                    \
  prefix##_from_string (const char *text, Type *out)                          \
  {                                                                           \
    guint value;                                                              \
    if (!fl_enum_from_string (&(table), text, &value))                        \
      return FALSE;                                                           \
    *out = (Type) value;                                                      \
    return TRUE;                                                              \
  }

/* PREFIX_get_label (Type) and PREFIX_label_for_name (const char *). */
#define FL_DEFINE_ENUM_LABELS(prefix, Type, table)                           \
  const char *                                                                \
  prefix##_get_label (Type value)                                             \
  {                                                                           \
    return fl_enum_get_label (&(table), (guint) value);                       \
  }                                                                           \
  const char *                                                                \
  prefix##_label_for_name (const char *text)                                  \
  {                                                                           \
    return fl_enum_label_for_name (&(table), text);                           \
  }

G_END_DECLS
