/* fl-push.h — applying a device's pushed mutations (docs/protocol.md).
 *
 * One store transaction per request, mutations in mid order: a rejected
 * mutation leaves nothing (it is refused before it writes), the others
 * apply.  Each result is recorded under (device, mid), so a replayed
 * request gets the same answers and changes nothing.  Access (role and
 * site scope) is checked for every mutation; one mutation out of bounds
 * refuses the whole request (FL_PUSH_ERROR_FORBIDDEN, 403) and nothing of it
 * is applied, but that mutation's rejection is recorded under its mid (the
 * device marks it rejected; a late replay must not apply it).  A value
 * another row already holds (a site code) rejects that mutation alone. */
#pragma once

#include "fl-protocol.h"
#include "fl-store.h"

G_BEGIN_DECLS

#define FL_PUSH_ERROR (fl_push_error_quark ())
typedef enum {
  FL_PUSH_ERROR_FORBIDDEN,  /* the user may not do this (role or site): 403 */
} FlPushError;
GQuark fl_push_error_quark (void);

/* Who pushes: the signed-in user and device. */
typedef struct {
  const char          *user_id;
  const char          *login;
  const char          *role;       /* "engineer" | "clerk" | "supervisor" | "admin" */
  const char * const  *sites;      /* NULL: every site */
  const char          *device_id;
} FlPushActor;

/* The time a mutation (and a row's own `at`) may claim: from `max_offline`
 * before the server's now (the longest a device may work offline) to
 * `max_clock_skew` after it (a device clock a little fast). */
typedef struct {
  gint64 max_clock_skew;  /* usec a mutation's `at` may lie in the server's future */
  gint64 max_offline;     /* usec a mutation's `at` may lie in the past */
} FlPushLimits;

/* Applies `request`.  Returns the response, or NULL with an error: FORBIDDEN
 * (nothing applied; `bad_field` names the mutation, "mutations[3]") or a
 * store failure (nothing applied). */
FlPushResponse *fl_push_apply (FlStore *store, const FlPushActor *actor, const FlPushRequest *request,
                               const FlPushLimits *limits, char **bad_field, GError **error);

G_END_DECLS
