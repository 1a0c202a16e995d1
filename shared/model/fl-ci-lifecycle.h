/* fl-ci-lifecycle.h — the states of a configuration item and the moves
 * between them (001 8.2.6.6: 订购、接收、测试、使用、变更、拆卸、取消).
 *
 *   ordered -> received -> testing -> in use <-> changing
 *                             ^          |
 *                             +- removed <+-> retired
 *
 * An ordered item may be cancelled (retired) before it arrives; a received
 * one that fails its tests goes back to received or is removed; an item in
 * use is changed (and tested again) or removed; a removed item is
 * installed again only after testing, or retired.  Retired is final.  The
 * same check runs on a client before it offers a move and on the server
 * for every change of `ci.status`. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

#define FL_CI_ERROR (fl_ci_error_quark ())
typedef enum {
  FL_CI_ERROR_MOVE,  /* the lifecycle does not allow this move */
} FlCiError;
GQuark fl_ci_error_quark (void);

typedef enum {
  FL_CI_ORDERED,
  FL_CI_RECEIVED,
  FL_CI_TESTING,
  FL_CI_IN_USE,
  FL_CI_CHANGING,
  FL_CI_REMOVED,
  FL_CI_RETIRED,
  FL_N_CI_STATUSES
} FlCiStatus;

const char *fl_ci_status_to_string     (FlCiStatus status);
gboolean    fl_ci_status_from_string   (const char *text, FlCiStatus *out);
/* Translated names ("In use"; zh_CN 在用). */
const char *fl_ci_status_get_label     (FlCiStatus status);
const char *fl_ci_status_label_for_name (const char *text);

/* Whether the lifecycle allows `from` -> `to` (staying put is allowed). */
gboolean    fl_ci_can_move   (FlCiStatus from, FlCiStatus to);
/* The same for stored names; FALSE with an FL_CI_ERROR_MOVE naming the
 * moves allowed from `from` otherwise (`from` NULL: a new item, any state). */
gboolean    fl_ci_check_move (const char *from, const char *to, GError **error);

G_END_DECLS
