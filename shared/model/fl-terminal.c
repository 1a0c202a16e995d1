#include "fl-terminal.h"

#include <stdio.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>

char *
fl_terminal_read_secret (const char *prompt)
{
  gboolean quiet = prompt != NULL && isatty (STDIN_FILENO);
  struct termios saved;
  if (quiet)
    {
      g_printerr ("%s", prompt);
      tcgetattr (STDIN_FILENO, &saved);
      struct termios no_echo = saved;
      no_echo.c_lflag &= ~(tcflag_t) ECHO;
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &no_echo);
    }
  char buffer[1024];
  char *line = fgets (buffer, sizeof buffer, stdin);
  if (quiet)
    {
      tcsetattr (STDIN_FILENO, TCSAFLUSH, &saved);
      g_printerr ("\n");
    }
  if (line == NULL)
    return NULL;
  buffer[strcspn (buffer, "\r\n")] = '\0';
  char *secret = g_strdup (buffer);
  memset (buffer, 0, sizeof buffer);
  return secret;
}

static gsize
char_width (gunichar c)
{
  if (g_unichar_iszerowidth (c))
    return 0;
  return g_unichar_iswide (c) ? 2 : 1;
}

gsize
fl_terminal_width (const char *text)
{
  gsize width = 0;
  for (const char *p = text; p != NULL && *p != '\0'; p = g_utf8_next_char (p))
    width += char_width (g_utf8_get_char (p));
  return width;
}

char *
fl_terminal_clip (const char *text, gsize width)
{
  if (fl_terminal_width (text) <= width)
    return g_strdup (text != NULL ? text : "");
  /* Keep what fits beside the one cell of "…". */
  GString *clipped = g_string_new (NULL);
  gsize used = 0;
  for (const char *p = text; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      if (used + char_width (c) + 1 > width)
        break;
      g_string_append_unichar (clipped, c);
      used += char_width (c);
    }
  g_string_append (clipped, "…");
  return g_string_free (clipped, FALSE);
}

void
fl_terminal_append_row (GString *out, guint n, const gsize *widths, const char * const *cells)
{
  for (guint i = 0; i < n; i++)
    {
      const char *cell = cells[i] != NULL ? cells[i] : "";
      g_string_append (out, cell);
      if (i + 1 < n)
        for (gsize used = fl_terminal_width (cell); used <= widths[i]; used++)
          g_string_append_c (out, ' ');
    }
  g_string_append_c (out, '\n');
}
