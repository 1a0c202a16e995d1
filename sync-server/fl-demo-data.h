/* fl-demo-data.h — a realistic data set for trying Fieldline out and for
 * benchmarks (`fieldline-sync demo-data --size N`).
 *
 * A hospital IT team: four sites with 7x24, 5x9 and 7x9 coverage and the
 * Chinese holiday calendar of 2026; servers, storage, network switches,
 * databases and UPSs with their relations; parts, a central warehouse, one
 * per site and a van per engineer; inspection templates with items of every
 * kind and rounds walked; backup jobs and their checks; N work orders in
 * every status with work logs, SLA due times and customer sign-off; a stock
 * ledger (including vans driven below zero by parts used offline), counts,
 * scrap requests, CI change proposals, approvals, attachments and a few
 * sync conflicts; users of every role with known demo passwords.
 *
 * Every row goes through the store's change log, so clients pull or take a
 * snapshot of it as of any other data.  The generator is deterministic. */
#pragma once

#include "fl-store.h"

G_BEGIN_DECLS

#define FL_DEMO_DATA_ERROR (fl_demo_data_error_quark ())
typedef enum {
  FL_DEMO_DATA_ERROR_NOT_EMPTY,  /* the store already holds data */
} FlDemoDataError;
GQuark fl_demo_data_error_quark (void);

typedef struct {
  const char *login;
  const char *display_name;
  const char *role;
  const char *password;
} FlDemoUser;

/* The demo users and their passwords (to print for the person trying it). */
const FlDemoUser *fl_demo_data_users (guint *n_users);

/* Fills an empty store with `size` work orders and everything around them.
 * `blob_dir` receives the bytes of the demo attachments (NULL: the store,
 * if it keeps blobs, else nowhere). */
gboolean fl_demo_data_generate (FlStore *store, guint size, const char *blob_dir, GError **error);

G_END_DECLS
