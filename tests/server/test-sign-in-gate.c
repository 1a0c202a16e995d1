/* The sign-in gate: a fair share of the sign-in queue per client address,
 * and a password sprayed across logins refused. */
#include "fl-sign-in-gate.h"

#include "fl-time.h"

/* 40 sign-ins at once from one address take their share of the queue and
 * no more; another address still gets in, and places come back. */
static void
test_share_per_address (void)
{
  g_autoptr(FlSignInGate) gate = fl_sign_in_gate_new (8, 2, 10, 300);
  guint admitted = 0;
  for (guint i = 0; i < 40; i++)
    admitted += fl_sign_in_gate_enter (gate, "203.0.113.9");
  g_assert_cmpuint (admitted, ==, 2);
  g_assert_true (fl_sign_in_gate_enter (gate, "10.0.0.5"));
  fl_sign_in_gate_leave (gate, "203.0.113.9");
  g_assert_true (fl_sign_in_gate_enter (gate, "203.0.113.9"));
  g_assert_false (fl_sign_in_gate_enter (gate, "203.0.113.9"));

  /* Many addresses fill the queue, then everyone waits for a place. */
  guint others = 0;
  for (guint i = 0; i < 10; i++)
    {
      g_autofree char *peer = g_strdup_printf ("198.51.100.%u", i);
      others += fl_sign_in_gate_enter (gate, peer);
    }
  g_assert_cmpuint (others, ==, 8 - 3);
  g_assert_false (fl_sign_in_gate_enter (gate, "10.0.0.6"));
  fl_sign_in_gate_leave (gate, "10.0.0.5");
  g_assert_true (fl_sign_in_gate_enter (gate, "10.0.0.6"));
}

/* The same wrong password against many logins is refused, for every
 * login, until its failures are older than the window. */
static void
test_password_spraying (void)
{
  g_autoptr(FlSignInGate) gate = fl_sign_in_gate_new (64, 2, 10, 300);
  gint64 now = fl_time_now ();
  fl_time_set_now_for_testing (now);
  /* One login failing again and again is the per-login limit's business. */
  for (guint i = 0; i < 20; i++)
    fl_sign_in_gate_note_failure (gate, "liwei", "Summer2026!");
  g_assert_true (fl_sign_in_gate_password_allowed (gate, "Summer2026!"));
  for (guint i = 0; i < 9; i++)
    {
      g_autofree char *login = g_strdup_printf ("user%u", i);
      fl_sign_in_gate_note_failure (gate, login, "Summer2026!");
    }
  g_assert_false (fl_sign_in_gate_password_allowed (gate, "Summer2026!"));
  g_assert_true (fl_sign_in_gate_password_allowed (gate, "another one"));
  fl_time_set_now_for_testing (now + (gint64) 301 * G_USEC_PER_SEC);
  g_assert_true (fl_sign_in_gate_password_allowed (gate, "Summer2026!"));
  fl_time_set_now_for_testing (0);
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/sign-in-gate/share-per-address", test_share_per_address);
  g_test_add_func ("/sign-in-gate/password-spraying", test_password_spraying);
  return g_test_run ();
}
