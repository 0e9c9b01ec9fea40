/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether-x2go-json.h"

void
tether_json_append_string (GString *out, const char *text)
{
  const char *p = text != NULL ? text : "";
  const char *end = p + strlen (p);

  g_string_append_c (out, '"');
  while (p < end)
    {
      gunichar c = g_utf8_get_char_validated (p, end - p);

      if (c == (gunichar) -1 || c == (gunichar) -2)
        {
          /* Not UTF-8: one replacement character per bad byte. */
          g_string_append (out, "\xef\xbf\xbd");
          p++;
          continue;
        }
      switch (c)
        {
        case '"':
          g_string_append (out, "\\\"");
          break;
        case '\\':
          g_string_append (out, "\\\\");
          break;
        case '\b':
          g_string_append (out, "\\b");
          break;
        case '\f':
          g_string_append (out, "\\f");
          break;
        case '\n':
          g_string_append (out, "\\n");
          break;
        case '\r':
          g_string_append (out, "\\r");
          break;
        case '\t':
          g_string_append (out, "\\t");
          break;
        default:
          if (c < 0x20 || c == 0x7f || c == 0x2028 || c == 0x2029)
            g_string_append_printf (out, "\\u%04x", c);
          else
            g_string_append_unichar (out, c);
          break;
        }
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '"');
}

void
tether_json_writer_init (TetherJsonWriter *w, GString *out)
{
  memset (w, 0, sizeof *w);
  w->out = out;
  w->first[0] = TRUE;
}

/* Before any value: a comma unless it is the first of its container (or the
 * value of a key just written). */
static void
before_value (TetherJsonWriter *w)
{
  if (w->after_key)
    {
      w->after_key = FALSE;
      return;
    }
  if (!w->first[w->depth])
    g_string_append_c (w->out, ',');
  w->first[w->depth] = FALSE;
}

static void
open_container (TetherJsonWriter *w, char c)
{
  before_value (w);
  g_string_append_c (w->out, c);
  g_return_if_fail (w->depth < TETHER_JSON_MAX_DEPTH);
  w->depth++;
  w->first[w->depth] = TRUE;
}

static void
close_container (TetherJsonWriter *w, char c)
{
  g_return_if_fail (w->depth > 0 && !w->after_key);
  w->depth--;
  g_string_append_c (w->out, c);
}

void
tether_json_begin_object (TetherJsonWriter *w)
{
  open_container (w, '{');
}

void
tether_json_end_object (TetherJsonWriter *w)
{
  close_container (w, '}');
}

void
tether_json_begin_array (TetherJsonWriter *w)
{
  open_container (w, '[');
}

void
tether_json_end_array (TetherJsonWriter *w)
{
  close_container (w, ']');
}

void
tether_json_key (TetherJsonWriter *w, const char *key)
{
  g_return_if_fail (!w->after_key);
  before_value (w);
  tether_json_append_string (w->out, key);
  g_string_append_c (w->out, ':');
  w->after_key = TRUE;
}

void
tether_json_string (TetherJsonWriter *w, const char *value)
{
  before_value (w);
  if (value == NULL)
    g_string_append (w->out, "null");
  else
    tether_json_append_string (w->out, value);
}

void
tether_json_int (TetherJsonWriter *w, gint64 value)
{
  before_value (w);
  g_string_append_printf (w->out, "%" G_GINT64_FORMAT, value);
}

void
tether_json_bool (TetherJsonWriter *w, gboolean value)
{
  before_value (w);
  g_string_append (w->out, value ? "true" : "false");
}

void
tether_json_null (TetherJsonWriter *w)
{
  before_value (w);
  g_string_append (w->out, "null");
}
