#include "fl-ids.h"

#include <string.h>

/* Last issued (milliseconds, 12-bit counter); guarded for use from threads. */
static GMutex uuid_lock;
static gint64 last_ms = -1;
static guint32 last_counter;

void
fl_uuid7_generate (char out[37])
{
  guint8 b[16];
  gint64 ms = g_get_real_time () / 1000;
  guint32 counter;

  g_mutex_lock (&uuid_lock);
  if (ms > last_ms)
    {
      /* Start each millisecond at a random point of the lower half of the
       * counter space so a burst of ids cannot exhaust it. */
      counter = g_random_int_range (0, 0x800);
    }
  else
    {
      /* Same (or an earlier, stepped-back) millisecond: keep the last one
       * and count on; on overflow borrow the next millisecond. */
      ms = last_ms;
      counter = last_counter + 1;
      if (counter > 0xfff)
        {
          ms++;
          counter = 0;
        }
    }
  last_ms = ms;
  last_counter = counter;
  g_mutex_unlock (&uuid_lock);

  b[0] = (ms >> 40) & 0xff;
  b[1] = (ms >> 32) & 0xff;
  b[2] = (ms >> 24) & 0xff;
  b[3] = (ms >> 16) & 0xff;
  b[4] = (ms >> 8) & 0xff;
  b[5] = ms & 0xff;
  b[6] = 0x70 | ((counter >> 8) & 0x0f);
  b[7] = counter & 0xff;
  guint32 r1 = g_random_int (), r2 = g_random_int ();
  b[8] = 0x80 | ((r1 >> 24) & 0x3f);
  b[9] = (r1 >> 16) & 0xff;
  b[10] = (r1 >> 8) & 0xff;
  b[11] = r1 & 0xff;
  b[12] = (r2 >> 24) & 0xff;
  b[13] = (r2 >> 16) & 0xff;
  b[14] = (r2 >> 8) & 0xff;
  b[15] = r2 & 0xff;

  static const char hex[] = "0123456789abcdef";
  char *p = out;
  for (int i = 0; i < 16; i++)
    {
      if (i == 4 || i == 6 || i == 8 || i == 10)
        *p++ = '-';
      *p++ = hex[b[i] >> 4];
      *p++ = hex[b[i] & 0x0f];
    }
  *p = '\0';
}

char *
fl_uuid7_new (void)
{
  char *out = g_malloc (37);
  fl_uuid7_generate (out);
  return out;
}

gboolean
fl_uuid_is_valid (const char *text)
{
  if (text == NULL || strlen (text) != 36)
    return FALSE;
  for (int i = 0; i < 36; i++)
    {
      gboolean dash = i == 8 || i == 13 || i == 18 || i == 23;
      if (dash ? text[i] != '-' : !g_ascii_isxdigit (text[i]))
        return FALSE;
    }
  return TRUE;
}

const char *
fl_ref_prefix (const char *table, const char *kind)
{
  if (g_strcmp0 (table, "work_order") == 0)
    {
      if (g_strcmp0 (kind, "request") == 0)
        return "REQ";
      if (g_strcmp0 (kind, "maintenance") == 0)
        return "MNT";
      return "INC";
    }
  if (g_strcmp0 (table, "inspection_round") == 0)
    return "INS";
  if (g_strcmp0 (table, "problem") == 0)
    return "PRB";
  if (g_strcmp0 (table, "change_record") == 0)
    return "CHG";
  if (g_strcmp0 (table, "cmdb_audit") == 0)
    return "AUD";
  return NULL;
}
