/* fl-sign-in-gate.h — what stands before the slow password check.
 *
 * A sign-in costs a password hash (argon2id: most of a core for a tenth of
 * a second), done one at a time.  The gate keeps a crowd from one address
 * from making everyone else wait: each client address may hold at most
 * `per_address` places of the sign-in queue, and the queue at most
 * `capacity`; a sign-in refused here is answered 429 at once, without
 * hashing.  It also notices password spraying — one password tried against
 * many logins, from anywhere — and refuses that password for a while.
 * Passwords are remembered only as keyed hashes whose key lives in memory.
 *
 * Thread-safe: the server's thread enters, the sign-in workers leave. */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

typedef struct _FlSignInGate FlSignInGate;

/* `spray_logins` different logins failing with one password within
 * `window` seconds make that password refused until its failures are older
 * than `window`. */
FlSignInGate *fl_sign_in_gate_new  (guint capacity, guint per_address, guint spray_logins, guint window);
void          fl_sign_in_gate_free (FlSignInGate *gate);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (FlSignInGate, fl_sign_in_gate_free)

/* Takes a place in the queue for a sign-in from `peer`; FALSE when the
 * address holds its share already or the queue is full.  Each place taken
 * is given back with fl_sign_in_gate_leave(). */
gboolean fl_sign_in_gate_enter (FlSignInGate *gate, const char *peer);
void     fl_sign_in_gate_leave (FlSignInGate *gate, const char *peer);

/* FALSE while `password` is being sprayed across logins. */
gboolean fl_sign_in_gate_password_allowed (FlSignInGate *gate, const char *password);
/* A sign-in of `login` failed with `password`. */
void     fl_sign_in_gate_note_failure (FlSignInGate *gate, const char *login, const char *password);

G_END_DECLS
