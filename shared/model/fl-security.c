#include "fl-security.h"

#include <glib/gi18n-lib.h>

#include "fl-enum.h"
#include "fl-record.h"

static const FlEnumName security_grade_names[] = {
  { "event", NC_("security grade", "Security event") },
  { "incident", NC_("security grade", "Security incident") },
  { "major", NC_("security grade", "Major security incident") },
};
static const FlEnumTable security_grade_table = FL_ENUM_TABLE (security_grade_names, "security grade");

FL_DEFINE_ENUM_NAMES (fl_security_grade, FlSecurityGrade, security_grade_table)
FL_DEFINE_ENUM_LABELS (fl_security_grade, FlSecurityGrade, security_grade_table)

FlSecurityGrade
fl_security_grade (gint64 outage_minutes, gint64 loss_cny)
{
  if (outage_minutes >= FL_SECURITY_MAJOR_OUTAGE_MINUTES || loss_cny >= FL_SECURITY_MAJOR_LOSS_CNY)
    return FL_SECURITY_MAJOR;
  if (outage_minutes >= FL_SECURITY_INCIDENT_OUTAGE_MINUTES || loss_cny >= FL_SECURITY_INCIDENT_LOSS_CNY)
    return FL_SECURITY_INCIDENT;
  return FL_SECURITY_EVENT;
}

void
fl_security_derive (JsonObject *wo)
{
  if (g_strcmp0 (fl_record_get_string (wo, "category"), "security") != 0)
    {
      json_object_set_null_member (wo, "security_grade");
      return;
    }
  FlSecurityGrade grade = fl_security_grade (fl_record_get_int (wo, "outage_minutes", 0),
                                             fl_record_get_int (wo, "loss_cny", 0));
  json_object_set_string_member (wo, "security_grade", fl_security_grade_to_string (grade));
}

gboolean
fl_security_needs_problem (JsonObject *wo)
{
  FlSecurityGrade grade;
  return g_strcmp0 (fl_record_get_string (wo, "category"), "security") == 0 &&
         fl_security_grade_from_string (fl_record_get_string (wo, "security_grade"), &grade) &&
         grade != FL_SECURITY_EVENT;
}
