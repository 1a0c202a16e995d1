/* fl-security.h — security events (002 信息安全事故管理程序 4.1): an
 * incident of the security category takes its grade from how long service
 * stopped and what was lost.
 *
 * The procedure counts "以上" with the number itself, as Chinese
 * standards do: 4 hours of outage or a loss of 100 000 yuan make an
 * information security incident (信息安全事故), 8 hours or 1 000 000 yuan
 * a major one (重大信息安全事故); anything below is a security event
 * (信息安全事件). */
#pragma once

#include <json-glib/json-glib.h>

G_BEGIN_DECLS

typedef enum {
  FL_SECURITY_EVENT,     /* 信息安全事件 */
  FL_SECURITY_INCIDENT,  /* 信息安全事故 */
  FL_SECURITY_MAJOR,     /* 重大信息安全事故 */
} FlSecurityGrade;

#define FL_SECURITY_INCIDENT_OUTAGE_MINUTES (4 * 60)
#define FL_SECURITY_INCIDENT_LOSS_CNY       100000
#define FL_SECURITY_MAJOR_OUTAGE_MINUTES    (8 * 60)
#define FL_SECURITY_MAJOR_LOSS_CNY          1000000

const char     *fl_security_grade_to_string (FlSecurityGrade grade);
gboolean        fl_security_grade_from_string (const char *text, FlSecurityGrade *grade);
const char     *fl_security_grade_get_label (FlSecurityGrade grade);
const char     *fl_security_grade_label_for_name (const char *text);

/* The grade of an outage of `outage_minutes` with a loss of `loss_cny`
 * yuan (negative counts as none). */
FlSecurityGrade fl_security_grade (gint64 outage_minutes, gint64 loss_cny);

/* Sets work_order.security_grade of `work_order` from its outage and
 * loss when its category is security, else clears it.  Pure: used offline
 * and by the server. */
void            fl_security_derive (JsonObject *work_order);

/* Whether `work_order` is a security incident or a major one: such an
 * order is what a problem record is proposed from (001 问题管理程序) and
 * what the periodic reports count. */
gboolean        fl_security_needs_problem (JsonObject *work_order);

G_END_DECLS
