/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-limits-private.h"
#include "tether-x2go-text-private.h"

#define MESSAGE_QUOTE_MAX 48

void
tether_x2go_line_reader_init (TetherX2goLineReader *lr,
                              const char           *what,
                              const char           *data,
                              gsize                 len,
                              gsize                 max_line,
                              guint                 max_lines)
{
  memset (lr, 0, sizeof *lr);
  tether_reader_init (&lr->r, (const guint8 *) data, data != NULL ? len : 0);
  lr->what = what;
  lr->max_line = max_line;
  lr->max_lines = max_lines;
}

TetherX2goLineResult
tether_x2go_line_reader_next (TetherX2goLineReader *lr,
                              char                **line,
                              GError              **error)
{
  gsize remaining = tether_reader_remaining (&lr->r);
  gsize window, n;
  const guint8 *rest = NULL;
  const guint8 *nl;
  TetherReader peek;

  *line = NULL;
  if (remaining == 0)
    return TETHER_X2GO_LINE_END;

  lr->line_no++;
  if (lr->line_no > lr->max_lines)
    {
      tether_x2go_set_malformed (error, lr->what, lr->line_no,
                                 "more than %u lines", lr->max_lines);
      return TETHER_X2GO_LINE_ERROR;
    }

  /* Look at no more than one line's worth (plus its newline). */
  peek = lr->r;
  window = MIN (remaining, lr->max_line + 1);
  tether_reader_borrow (&peek, window, &rest);
  nl = memchr (rest, '\n', window);
  if (nl == NULL)
    {
      if (remaining > lr->max_line)
        tether_x2go_set_malformed (error, lr->what, lr->line_no,
                                   "line longer than %" G_GSIZE_FORMAT " bytes",
                                   lr->max_line);
      else
        tether_x2go_set_malformed (error, lr->what, lr->line_no,
                                   "last line has no newline (truncated output?)");
      return TETHER_X2GO_LINE_ERROR;
    }
  n = (gsize) (nl - rest);

  /* Consume the line and its newline through the reader. */
  tether_reader_borrow (&lr->r, n + 1, &rest);
  if (memchr (rest, '\0', n) != NULL)
    {
      tether_x2go_set_malformed (error, lr->what, lr->line_no, "NUL byte in line");
      return TETHER_X2GO_LINE_ERROR;
    }
  if (memchr (rest, '\r', n) != NULL)
    {
      tether_x2go_set_malformed (error, lr->what, lr->line_no,
                                 "carriage return in line (CRLF line ending?)");
      return TETHER_X2GO_LINE_ERROR;
    }
  *line = g_strndup ((const char *) rest, n);
  return TETHER_X2GO_LINE_OK;
}

gboolean
tether_x2go_line_is_blank (const char *line)
{
  for (gsize i = 0; line[i] != '\0'; i++)
    if (line[i] != ' ' && line[i] != '\t')
      return FALSE;
  return TRUE;
}

gboolean
tether_x2go_set_malformed (GError    **error,
                           const char *what,
                           guint       line,
                           const char *format,
                           ...)
{
  va_list args;
  g_autofree char *msg = NULL;

  va_start (args, format);
  msg = g_strdup_vprintf (format, args);
  va_end (args);
  if (line > 0)
    g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
                 "%s output, line %u: %s", what, line, msg);
  else
    g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
                 "%s output: %s", what, msg);
  return FALSE;
}

char *
tether_x2go_quote_for_message (const char *text)
{
  gsize len = strlen (text);
  g_autofree char *cut = g_strndup (text, MIN (len, MESSAGE_QUOTE_MAX));
  g_autofree char *esc = g_strescape (cut, NULL);

  return g_strdup_printf ("'%s'%s", esc, len > MESSAGE_QUOTE_MAX ? "..." : "");
}

void
tether_x2go_free_wiped (char *text)
{
  if (text == NULL)
    return;
  explicit_bzero (text, strlen (text));
  g_free (text);
}

void
tether_x2go_strv_free_wiped (char **strv)
{
  if (strv == NULL)
    return;
  for (gsize i = 0; strv[i] != NULL; i++)
    tether_x2go_free_wiped (strv[i]);
  g_free (strv);
}

/* ---- validators --------------------------------------------------------- */

static gboolean
all_digits (const char *text, gsize max_len)
{
  gsize i;

  for (i = 0; text[i] != '\0'; i++)
    if (!g_ascii_isdigit (text[i]) || i >= max_len)
      return FALSE;
  return i > 0;
}

gboolean
tether_x2go_parse_uint (const char *text, guint64 min, guint64 max, guint64 *out)
{
  guint64 v;

  /* At most 19 digits: always below G_MAXUINT64, so no overflow handling
   * beyond g_ascii_string_to_unsigned's own is needed. */
  if (!all_digits (text, 19))
    return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, min, max, &v, NULL))
    return FALSE;
  *out = v;
  return TRUE;
}

gboolean
tether_x2go_parse_int (const char *text, gint64 max_abs, gint64 *out)
{
  gboolean negative = text[0] == '-';
  guint64 v;

  if (!tether_x2go_parse_uint (negative ? text + 1 : text, 0, (guint64) max_abs, &v))
    return FALSE;
  *out = negative ? -(gint64) v : (gint64) v;
  return TRUE;
}

gboolean
tether_x2go_parse_port (const char *text, guint16 *out)
{
  guint64 v;

  if (!tether_x2go_parse_uint (text, 1, G_MAXUINT16, &v))
    return FALSE;
  *out = (guint16) v;
  return TRUE;
}

gboolean
tether_x2go_is_word (const char *text, const char *allowed, gsize max_len)
{
  gsize i;

  for (i = 0; text[i] != '\0'; i++)
    if (i >= max_len || strchr (allowed, text[i]) == NULL)
      return FALSE;
  return i > 0;
}

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

gboolean
tether_x2go_is_session_name (const char *text)
{
  if (!tether_x2go_is_word (text, ALNUM "._@-", TETHER_X2GO_MAX_SESSION_NAME))
    return FALSE;
  if (text[0] == '-' || text[0] == '@')
    return FALSE;
  return strcmp (text, ".") != 0 && strcmp (text, "..") != 0;
}

gboolean
tether_x2go_is_user_name (const char *text)
{
  if (!tether_x2go_is_word (text, ALNUM "._@-", TETHER_X2GO_MAX_USER_NAME))
    return FALSE;
  return text[0] != '-' && text[0] != '@';
}

gboolean
tether_x2go_is_host_name (const char *text)
{
  if (!tether_x2go_is_word (text, ALNUM "._-", TETHER_X2GO_MAX_HOST_NAME))
    return FALSE;
  return text[0] != '-' && text[0] != '.';
}

gboolean
tether_x2go_is_cookie (const char *text)
{
  return strlen (text) == TETHER_X2GO_COOKIE_LENGTH &&
         tether_x2go_is_word (text, "0123456789abcdefABCDEF", TETHER_X2GO_COOKIE_LENGTH);
}

static gboolean
digits_at (const char *text, gsize at, gsize n, guint *out)
{
  guint v = 0;

  for (gsize i = at; i < at + n; i++)
    {
      if (!g_ascii_isdigit (text[i]))
        return FALSE;
      v = v * 10 + (guint) (text[i] - '0');
    }
  *out = v;
  return TRUE;
}

gboolean
tether_x2go_is_iso_datetime (const char *text)
{
  guint y, mo, d, h, mi, s;

  /* strlen first: every index below is then inside the string. */
  if (strlen (text) != 19)
    return FALSE;
  if (text[4] != '-' || text[7] != '-' || text[10] != 'T' || text[13] != ':' || text[16] != ':')
    return FALSE;
  if (!digits_at (text, 0, 4, &y) || !digits_at (text, 5, 2, &mo) || !digits_at (text, 8, 2, &d) ||
      !digits_at (text, 11, 2, &h) || !digits_at (text, 14, 2, &mi) || !digits_at (text, 17, 2, &s))
    return FALSE;
  if (y < 1 || mo < 1 || mo > 12 || d < 1 || d > 31)
    return FALSE;
  if (!g_date_valid_dmy ((GDateDay) d, (GDateMonth) mo, (GDateYear) y))
    return FALSE;
  return h < 24 && mi < 60 && s < 60;
}

gboolean
tether_x2go_is_ip_address (const char *text)
{
  g_autoptr(GInetAddress) addr = NULL;
  g_autofree char *host = NULL;
  const char *zone;
  gsize len = strlen (text);

  if (len == 0 || len > 64)
    return FALSE;
  /* Only the characters of numeric addresses: no host names. */
  zone = strchr (text, '%');
  if (zone != NULL)
    {
      if (!tether_x2go_is_word (zone + 1, ALNUM "._-", 32))
        return FALSE;
      host = g_strndup (text, (gsize) (zone - text));
      if (strchr (host, ':') == NULL)
        return FALSE;  /* a zone only on IPv6 */
    }
  else
    host = g_strdup (text);
  if (!tether_x2go_is_word (host, "0123456789abcdefABCDEF:.", 64))
    return FALSE;
  addr = g_inet_address_new_from_string (host);
  return addr != NULL;
}

gboolean
tether_x2go_is_feature_name (const char *text)
{
  return tether_x2go_is_word (text, "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_",
                              TETHER_X2GO_MAX_FEATURE_NAME) &&
         g_ascii_isupper (text[0]);
}
