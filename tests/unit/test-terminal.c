/* Terminal helpers: columns line up by cells on screen, not by bytes, and
 * a piped password is read line by line. */
#include <fieldline.h>
#include <unistd.h>

#include "fl-terminal.h"

static void
test_width (void)
{
  g_assert_cmpuint (fl_terminal_width (NULL), ==, 0);
  g_assert_cmpuint (fl_terminal_width ("STATUS"), ==, 6);
  g_assert_cmpuint (fl_terminal_width ("状态"), ==, 4);        /* 6 bytes, 2 wide characters */
  g_assert_cmpuint (fl_terminal_width ("e\xcc\x81t\xc3\xa9"), ==, 3);  /* a combining accent takes none */
}

static void
test_clip (void)
{
  g_autofree char *short_text = fl_terminal_clip ("UPS", 10);
  g_assert_cmpstr (short_text, ==, "UPS");
  g_autofree char *latin = fl_terminal_clip ("UPS alarm in room 3", 8);
  g_assert_cmpstr (latin, ==, "UPS ala…");
  /* Five cells: two wide characters and the ellipsis. */
  g_autofree char *chinese = fl_terminal_clip ("机房三号不间断电源告警", 6);
  g_assert_cmpstr (chinese, ==, "机房…");
  g_assert_cmpuint (fl_terminal_width (chinese), <=, 6);
}

static void
test_rows_line_up (void)
{
  const gsize widths[] = { 8, 4 };
  const char *header[] = { "状态", "优先", "标题" };
  const char *row[] = { "new", "high", "UPS" };
  g_autoptr(GString) out = g_string_new (NULL);
  fl_terminal_append_row (out, 3, widths, header);
  fl_terminal_append_row (out, 3, widths, row);
  g_assert_cmpstr (out->str, ==,
                   "状态     优先 标题\n"
                   "new      high UPS\n");
  /* The last column starts at the same cell on both lines. */
  g_auto(GStrv) lines = g_strsplit (out->str, "\n", -1);
  g_assert_cmpuint (fl_terminal_width (lines[0]) - fl_terminal_width ("标题"), ==,
                    fl_terminal_width (lines[1]) - fl_terminal_width ("UPS"));
}

static void
test_read_piped_secret (void)
{
  int fds[2];
  g_assert_cmpint (pipe (fds), ==, 0);
  const char input[] = "s3cret\r\nnext\n";
  g_assert_cmpint (write (fds[1], input, sizeof input - 1), ==, sizeof input - 1);
  close (fds[1]);
  g_assert_cmpint (dup2 (fds[0], STDIN_FILENO), ==, STDIN_FILENO);
  close (fds[0]);

  /* Not a terminal: no prompt is shown and the line ends are dropped. */
  g_autofree char *first = fl_terminal_read_secret ("Password: ");
  g_assert_cmpstr (first, ==, "s3cret");
  g_autofree char *second = fl_terminal_read_secret (NULL);
  g_assert_cmpstr (second, ==, "next");
  g_assert_null (fl_terminal_read_secret (NULL));
}

int
main (int argc, char **argv)
{
  g_test_init (&argc, &argv, NULL);
  g_test_add_func ("/terminal/width", test_width);
  g_test_add_func ("/terminal/clip", test_clip);
  g_test_add_func ("/terminal/rows-line-up", test_rows_line_up);
  g_test_add_func ("/terminal/read-piped-secret", test_read_piped_secret);
  return g_test_run ();
}
