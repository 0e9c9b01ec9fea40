/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * `tether spice info` prints what the server sends (the VM name, error
 * texts): arbitrary bytes through the terminal escaper and the JSON writer.
 * Checks: the terminal text is valid UTF-8 without control characters; the
 * JSON string literal is valid UTF-8, has no raw control characters, and
 * decodes back to the input whenever the input is valid UTF-8.
 */
#include "config.h"

#include <string.h>
#include <glib.h>

#include "fuzz-common.h"
#include "../../tools/tether-spice-common.h"

/* Decodes a JSON string literal as the writer makes it (quotes included);
 * NULL if it is not one. */
static char *
json_unescape (const char *s)
{
  GString *out;
  gsize n = strlen (s);

  if (n < 2 || s[0] != '"' || s[n - 1] != '"')
    return NULL;
  out = g_string_new (NULL);
  for (gsize i = 1; i < n - 1; i++)
    {
      if (s[i] != '\\')
        {
          if (s[i] == '"')
            goto bad;
          g_string_append_c (out, s[i]);
          continue;
        }
      if (++i >= n - 1)
        goto bad;
      switch (s[i])
        {
        case '"': g_string_append_c (out, '"'); break;
        case '\\': g_string_append_c (out, '\\'); break;
        case 'b': g_string_append_c (out, '\b'); break;
        case 'f': g_string_append_c (out, '\f'); break;
        case 'n': g_string_append_c (out, '\n'); break;
        case 'r': g_string_append_c (out, '\r'); break;
        case 't': g_string_append_c (out, '\t'); break;
        case 'u':
          {
            guint64 c;
            char hex[5];

            if (i + 4 >= n - 1)
              goto bad;
            memcpy (hex, s + i + 1, 4);
            hex[4] = '\0';
            if (!g_ascii_string_to_unsigned (hex, 16, 0, 0xffff, &c, NULL))
              goto bad;
            g_string_append_unichar (out, (gunichar) c);
            i += 4;
          }
          break;
        default:
          goto bad;
        }
    }
  return g_string_free (out, FALSE);
bad:
  g_string_free (out, TRUE);
  return NULL;
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  g_autofree char *text = g_strndup ((const char *) data, size);   /* stops at a NUL */
  g_autofree char *shown = tether_spice_tool_escape_text (text);
  g_autoptr(GString) literal = g_string_new (NULL);
  g_autoptr(TetherSpiceJsonWriter) w = tether_spice_json_writer_new (TRUE);
  g_autofree char *decoded = NULL;

  g_assert (g_utf8_validate (shown, -1, NULL));
  for (const char *p = shown; *p != '\0'; p++)
    g_assert ((guchar) *p >= 0x20 && *p != 0x7f);

  tether_spice_json_escape_append (literal, text);
  g_assert (g_utf8_validate (literal->str, -1, NULL));
  for (const char *p = literal->str; *p != '\0'; p++)
    g_assert ((guchar) *p >= 0x20 && *p != 0x7f);
  decoded = json_unescape (literal->str);
  g_assert (decoded != NULL);
  g_assert (g_utf8_validate (decoded, -1, NULL));
  if (g_utf8_validate (text, -1, NULL))
    g_assert (strcmp (decoded, text) == 0);

  /* The same text as a key and a value in a document. */
  tether_spice_json_begin_object (w);
  tether_spice_json_key (w, text);
  tether_spice_json_string (w, text);
  tether_spice_json_end_object (w);
  g_assert (tether_spice_json_writer_is_complete (w));
  g_assert (g_utf8_validate (tether_spice_json_writer_get (w), -1, NULL));
  return 0;
}
