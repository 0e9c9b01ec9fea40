/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The QSettings INI dialect of x2goclient's configuration files: a document
 * model that keeps every line, Qt's value and key codecs, atomic writes.
 * See tether-x2go-ini-private.h for the rules and the decisions taken.
 */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-reader-private.h"
#include "tether-x2go-ini-private.h"

/* ---- the document ------------------------------------------------------ */

typedef enum {
  LINE_OTHER,   /* blank line or comment: kept as it is */
  LINE_HEADER,  /* [section] */
  LINE_ENTRY,   /* key=value */
} LineKind;

typedef struct {
  LineKind kind;
  char    *text;    /* OTHER, HEADER: the whole line with its line break;
                     * ENTRY: the key part up to '=' and the blanks after it */
  char    *value;   /* ENTRY: the raw value */
  char    *suffix;  /* ENTRY: trailing blanks, inline comment, line break */
  char    *key;     /* ENTRY: the decoded key */
} IniLine;

typedef struct {
  char      *name;   /* decoded section name */
  GPtrArray *lines;  /* of IniLine; the header first, except in the preamble */
} IniBlock;

struct _TetherX2goIni {
  GPtrArray  *blocks;   /* of IniBlock, in file order */
  GHashTable *by_name;  /* name -> GPtrArray of IniBlock (borrowed), file order */
  gboolean    bom;
  const char *eol;      /* "\n" or "\r\n" */
  gboolean    raw_utf8;
  guint       n_keys;
};

#define GENERAL_SECTION "General"

static void
ini_line_free (gpointer data)
{
  IniLine *line = data;

  g_free (line->text);
  g_free (line->value);
  g_free (line->suffix);
  g_free (line->key);
  g_free (line);
}

static void
ini_block_free (gpointer data)
{
  IniBlock *block = data;

  g_free (block->name);
  g_ptr_array_unref (block->lines);
  g_free (block);
}

TetherX2goIni *
tether_x2go_ini_new (void)
{
  TetherX2goIni *ini = g_new0 (TetherX2goIni, 1);

  ini->blocks = g_ptr_array_new_with_free_func (ini_block_free);
  ini->by_name = g_hash_table_new_full (g_str_hash, g_str_equal, NULL,
                                        (GDestroyNotify) g_ptr_array_unref);
  ini->eol = "\n";
  return ini;
}

void
tether_x2go_ini_free (TetherX2goIni *ini)
{
  if (ini == NULL)
    return;
  g_hash_table_unref (ini->by_name);
  g_ptr_array_unref (ini->blocks);
  g_free (ini);
}

static IniBlock *
block_append (TetherX2goIni *ini, const char *name)
{
  IniBlock *block = g_new0 (IniBlock, 1);
  GPtrArray *same;

  block->name = g_strdup (name);
  block->lines = g_ptr_array_new_with_free_func (ini_line_free);
  g_ptr_array_add (ini->blocks, block);
  same = g_hash_table_lookup (ini->by_name, block->name);
  if (same == NULL)
    {
      same = g_ptr_array_new ();
      g_hash_table_insert (ini->by_name, block->name, same);
    }
  g_ptr_array_add (same, block);
  return block;
}

static IniLine *
line_new (LineKind kind, char *text)
{
  IniLine *line = g_new0 (IniLine, 1);

  line->kind = kind;
  line->text = text;
  return line;
}

/* ---- Unicode accumulation, as Qt builds a QString ----------------------- */

typedef struct {
  GString *s;
  guint32  high;  /* a pending UTF-16 high surrogate, or 0 */
} Acc;

static void
acc_flush (Acc *a)
{
  if (a->high != 0)
    {
      g_string_append_unichar (a->s, 0xfffd);
      a->high = 0;
    }
}

/* One UTF-16 code unit from an escape. */
static void
acc_unit (Acc *a, guint32 unit)
{
  unit &= 0xffff;
  if (unit >= 0xd800 && unit <= 0xdbff)
    {
      acc_flush (a);
      a->high = unit;
      return;
    }
  if (unit >= 0xdc00 && unit <= 0xdfff)
    {
      if (a->high != 0)
        {
          gunichar cp = 0x10000 + ((a->high - 0xd800) << 10) + (unit - 0xdc00);

          a->high = 0;
          g_string_append_unichar (a->s, cp);
        }
      else
        g_string_append_unichar (a->s, 0xfffd);
      return;
    }
  acc_flush (a);
  g_string_append_unichar (a->s, unit == 0 ? 0xfffd : unit);
}

/* A run of raw bytes: UTF-8 when it is valid UTF-8, else Latin-1 as Qt 5
 * reads a file without a BOM. */
static void
acc_bytes (Acc *a, const guint8 *p, gsize n)
{
  acc_flush (a);
  if (n == 0)
    return;
  if (g_utf8_validate_len ((const char *) p, n, NULL))
    {
      g_string_append_len (a->s, (const char *) p, n);
      return;
    }
  for (gsize k = 0; k < n; k++)
    g_string_append_unichar (a->s, p[k] == 0 ? 0xfffd : p[k]);
}

static int
hex_value (guint8 c)
{
  if (c >= '0' && c <= '9')
    return c - '0';
  if (c >= 'a' && c <= 'f')
    return c - 'a' + 10;
  if (c >= 'A' && c <= 'F')
    return c - 'A' + 10;
  return -1;
}

/* ---- keys --------------------------------------------------------------- */

char *
tether_x2go_ini_decode_key (const char *raw, gsize len)
{
  const guint8 *p = (const guint8 *) raw;
  Acc a = { g_string_sized_new (len + 1), 0 };
  gsize i = 0;

  while (i < len)
    {
      gsize run = i;

      /* A run of ordinary bytes first. */
      while (run < len && p[run] != '\\' && p[run] != '%')
        run++;
      if (run > i)
        {
          acc_bytes (&a, p + i, run - i);
          i = run;
          continue;
        }
      if (p[i] == '\\')
        {
          acc_unit (&a, '/');
          i++;
          continue;
        }
      /* '%': %XX (a Latin-1 character) or %UXXXX (a UTF-16 code unit);
       * anything else is a literal '%', as in Qt. */
      {
        gsize first = i + 1, digits = 2;
        guint32 val = 0;
        gboolean ok = TRUE;

        if (first < len && p[first] == 'U')
          {
            first++;
            digits = 4;
          }
        if (i + 1 >= len || len - first < digits)
          ok = FALSE;
        for (gsize k = 0; ok && k < digits; k++)
          {
            int h = hex_value (p[first + k]);

            if (h < 0)
              ok = FALSE;
            else
              val = val << 4 | (guint32) h;
          }
        if (!ok)
          {
            acc_unit (&a, '%');
            i++;
            continue;
          }
        acc_unit (&a, val);
        i = first + digits;
      }
    }
  acc_flush (&a);
  return g_string_free (a.s, FALSE);
}

static const char hex_upper[] = "0123456789ABCDEF";

static void
append_key_unit (GString *out, guint32 unit)
{
  if (unit == '/')
    g_string_append_c (out, '\\');
  else if ((unit >= 'a' && unit <= 'z') || (unit >= 'A' && unit <= 'Z') ||
           (unit >= '0' && unit <= '9') || unit == '_' || unit == '-' || unit == '.')
    g_string_append_c (out, (char) unit);
  else if (unit <= 0xff)
    {
      g_string_append_c (out, '%');
      g_string_append_c (out, hex_upper[unit >> 4]);
      g_string_append_c (out, hex_upper[unit & 0xf]);
    }
  else
    {
      g_string_append (out, "%U");
      for (int shift = 12; shift >= 0; shift -= 4)
        g_string_append_c (out, hex_upper[(unit >> shift) & 0xf]);
    }
}

void
tether_x2go_ini_encode_key (GString *out, const char *key)
{
  g_return_if_fail (g_utf8_validate (key, -1, NULL));

  for (const char *p = key; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar cp = g_utf8_get_char (p);

      if (cp > 0xffff)
        {
          cp -= 0x10000;
          append_key_unit (out, 0xd800 + (cp >> 10));
          append_key_unit (out, 0xdc00 + (cp & 0x3ff));
        }
      else
        append_key_unit (out, cp);
    }
}

/* ---- values ------------------------------------------------------------- */

static void
chop_blanks (Acc *a, gsize limit)
{
  acc_flush (a);
  while (a->s->len > limit &&
         (a->s->str[a->s->len - 1] == ' ' || a->s->str[a->s->len - 1] == '\t'))
    g_string_truncate (a->s, a->s->len - 1);
}

/* Qt's stringToVariant, for the string cases: "@@x" is "@x", "@String(x)"
 * is x, "@Invalid()" is nothing (returns NULL); other @Type(…) stay text. */
static char *
unescape_at (char *s)
{
  gsize n;

  if (s[0] != '@')
    return s;
  if (s[1] == '@')
    {
      memmove (s, s + 1, strlen (s));
      return s;
    }
  if (strcmp (s, "@Invalid()") == 0)
    {
      g_free (s);
      return NULL;
    }
  n = strlen (s);
  if (g_str_has_prefix (s, "@String(") && s[n - 1] == ')')
    {
      char *inner = g_strndup (s + 8, n - 9);

      g_free (s);
      return inner;
    }
  return s;
}

char **
tether_x2go_ini_decode_value (const char *raw, gsize len, gboolean as_list)
{
  static const char simple_escapes[][2] = {
    { 'a', '\a' }, { 'b', '\b' }, { 'f', '\f' }, { 'n', '\n' }, { 'r', '\r' },
    { 't', '\t' }, { 'v', '\v' }, { '"', '"' }, { '?', '?' }, { '\'', '\'' },
    { '\\', '\\' },
  };
  const guint8 *p = (const guint8 *) raw;
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  Acc a = { g_string_new (NULL), 0 };
  gboolean is_list = FALSE, in_quotes = FALSE, quoted = FALSE, chop_at_end = TRUE;
  gsize i = 0, chop_limit = 0;
  char *last;

  if (raw == NULL)
    len = 0;

skip_blanks:
  while (i < len && (p[i] == ' ' || p[i] == '\t'))
    i++;
  /* A pending high surrogate is not flushed here: Qt joins the UTF-16
   * units of a string across escapes and quotes. */
  chop_limit = a.s->len;

  while (i < len)
    {
      guint8 c = p[i];

      if (c == '\\')
        {
          guint8 e;
          gboolean simple = FALSE;

          if (++i >= len)
            {
              chop_at_end = FALSE;  /* Qt ends here without chopping */
              goto end;
            }
          e = p[i++];
          for (gsize k = 0; k < G_N_ELEMENTS (simple_escapes); k++)
            if (e == (guint8) simple_escapes[k][0])
              {
                acc_unit (&a, (guint8) simple_escapes[k][1]);
                simple = TRUE;
                break;
              }
          if (simple)
            ;
          else if (e == 'x')
            {
              guint32 val = 0;

              if (i >= len)
                {
                  chop_at_end = FALSE;
                  goto end;
                }
              if (hex_value (p[i]) >= 0)
                {
                  while (i < len && hex_value (p[i]) >= 0)
                    val = ((val << 4) | (guint32) hex_value (p[i++])) & 0xffff;
                  acc_unit (&a, val);
                  if (i >= len)
                    {
                      chop_at_end = FALSE;
                      goto end;
                    }
                }
            }
          else if (e >= '0' && e <= '7')
            {
              guint32 val = e - '0';

              while (i < len && p[i] >= '0' && p[i] <= '7')
                val = ((val << 3) | (guint32) (p[i++] - '0')) & 0xffff;
              acc_unit (&a, val);
              if (i >= len)
                {
                  chop_at_end = FALSE;
                  goto end;
                }
            }
          else if (e == '\n' || e == '\r')
            {
              /* A line continuation: \n, \r, \r\n and \n\r are one break. */
              if (i < len && (p[i] == '\n' || p[i] == '\r') && p[i] != e)
                i++;
            }
          /* any other escaped character is dropped, as in Qt */
          chop_limit = a.s->len;
          continue;
        }
      if (c == '"')
        {
          i++;
          quoted = TRUE;
          in_quotes = !in_quotes;
          if (!in_quotes)
            goto skip_blanks;
          continue;
        }
      if (c == ',' && !in_quotes && as_list && items->len + 1 < TETHER_X2GO_INI_MAX_LIST_ITEMS)
        {
          if (!quoted)
            chop_blanks (&a, chop_limit);
          acc_flush (&a);
          is_list = TRUE;
          g_ptr_array_add (items, g_string_free (a.s, FALSE));
          a.s = g_string_new (NULL);
          quoted = FALSE;
          i++;
          goto skip_blanks;
        }
      {
        gsize j = i + 1;

        while (j < len && p[j] != '\\' && p[j] != '"' && !(as_list && p[j] == ','))
          j++;
        acc_bytes (&a, p + i, j - i);
        i = j;
      }
    }
  if (!quoted && chop_at_end)
    chop_blanks (&a, chop_limit);

end:
  acc_flush (&a);
  last = g_string_free (a.s, FALSE);
  g_ptr_array_add (items, last);

  if (is_list)
    {
      for (guint k = 0; k < items->len; k++)
        {
          char *item = unescape_at (g_ptr_array_index (items, k));

          items->pdata[k] = item != NULL ? item : g_strdup ("");
        }
    }
  else
    {
      char *single = unescape_at (g_ptr_array_steal_index (items, 0));

      if (single == NULL)
        single = g_strdup ("");
      /* A list of one item, or of none for an empty value. */
      if (!as_list || single[0] != '\0')
        g_ptr_array_add (items, single);
      else
        g_free (single);
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
}

static void
append_escaped_unit (GString *out, guint32 unit)
{
  g_string_append_printf (out, "\\x%x", unit);
}

void
tether_x2go_ini_encode_string (GString *out, const char *value, gboolean raw_utf8)
{
  gsize start = out->len;
  gboolean needs_quotes = FALSE, escape_next_hex = FALSE;
  const char *p;

  g_return_if_fail (value != NULL && g_utf8_validate (value, -1, NULL));

  /* A string that starts with '@' gets another one, so it is not read as a
   * typed value. */
  if (value[0] == '@')
    g_string_append_c (out, '@');

  for (p = value; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar cp = g_utf8_get_char (p);

      if (cp == ';' || cp == ',' || cp == '=')
        needs_quotes = TRUE;
      /* After a \x escape a hex digit would run into it: escape it too. */
      if (escape_next_hex && cp < 0x80 && hex_value ((guint8) cp) >= 0)
        {
          append_escaped_unit (out, cp);
          continue;
        }
      escape_next_hex = FALSE;
      switch (cp)
        {
        case '\a': g_string_append (out, "\\a"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        case '\v': g_string_append (out, "\\v"); break;
        case '"':
        case '\\':
          g_string_append_c (out, '\\');
          g_string_append_c (out, (char) cp);
          break;
        default:
          if (cp <= 0x1f || cp == 0x7f || (cp >= 0x80 && !raw_utf8))
            {
              if (cp > 0xffff)
                {
                  append_escaped_unit (out, 0xd800 + ((cp - 0x10000) >> 10));
                  append_escaped_unit (out, 0xdc00 + ((cp - 0x10000) & 0x3ff));
                }
              else
                append_escaped_unit (out, cp);
              escape_next_hex = TRUE;
            }
          else
            g_string_append_unichar (out, cp);
          break;
        }
    }

  if (needs_quotes ||
      (out->len > start && (out->str[start] == ' ' || out->str[out->len - 1] == ' ')))
    {
      g_string_insert_c (out, start, '"');
      g_string_append_c (out, '"');
    }
}

void
tether_x2go_ini_encode_list (GString *out, const char * const *items, gboolean raw_utf8)
{
  for (gsize k = 0; items != NULL && items[k] != NULL; k++)
    {
      if (k > 0)
        g_string_append (out, ", ");
      tether_x2go_ini_encode_string (out, items[k], raw_utf8);
    }
}

/* ---- parsing ------------------------------------------------------------ */

typedef struct {
  const char *name;
  GError    **error;
} ParseCtx;

G_GNUC_PRINTF (3, 4)
static gboolean
parse_fail (ParseCtx *ctx, gsize line_no, const char *format, ...)
{
  va_list args;
  g_autofree char *what = NULL;

  va_start (args, format);
  what = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (ctx->error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
               "%s:%" G_GSIZE_FORMAT ": %s", ctx->name, line_no, what);
  return FALSE;
}

static gboolean
is_blank (guint8 c)
{
  return c == ' ' || c == '\t';
}

/* Checks one byte of a line: no NUL, no control characters but tab. */
static gboolean
check_byte (ParseCtx *ctx, gsize line_no, guint8 c)
{
  if (c == 0)
    return parse_fail (ctx, line_no, "NUL byte");
  if ((c < 0x20 && c != '\t') || c == 0x7f)
    return parse_fail (ctx, line_no, "control character 0x%02x", c);
  return TRUE;
}

/* Length of the line break at @i (0 when none): \r\n, \n or \r. */
static gsize
eol_length (const guint8 *p, gsize len, gsize i)
{
  if (i >= len)
    return 0;
  if (p[i] == '\r')
    return (len - i >= 2 && p[i + 1] == '\n') ? 2 : 1;
  return p[i] == '\n' ? 1 : 0;
}

/* Parses a section header in p[from, end). */
static gboolean
parse_header (ParseCtx *ctx, gsize line_no, const guint8 *p, gsize from, gsize end,
              char **name_out)
{
  gsize close = from + 1, a, b;
  g_autofree char *name = NULL;

  while (close < end && p[close] != ']')
    close++;
  if (close >= end)
    return parse_fail (ctx, line_no, "section header without ']'");
  for (gsize k = close + 1; k < end; k++)
    {
      if (p[k] == ';' || p[k] == '#')
        break;
      if (!is_blank (p[k]))
        return parse_fail (ctx, line_no, "text after the section header");
    }
  a = from + 1;
  b = close;
  while (a < b && is_blank (p[a]))
    a++;
  while (b > a && is_blank (p[b - 1]))
    b--;
  if (a == b)
    return parse_fail (ctx, line_no, "empty section name");
  if (b - a == 7 && g_ascii_strncasecmp ((const char *) p + a, "general", 7) == 0)
    name = g_strdup (GENERAL_SECTION);
  else if (b - a == 8 && g_ascii_strncasecmp ((const char *) p + a, "%general", 8) == 0)
    name = g_strdup (GENERAL_SECTION);
  else
    name = tether_x2go_ini_decode_key ((const char *) p + a, b - a);
  *name_out = g_steal_pointer (&name);
  return TRUE;
}

static char *
dup_range (const guint8 *p, gsize from, gsize to)
{
  return g_strndup ((const char *) p + from, to - from);
}

TetherX2goIni *
tether_x2go_ini_parse (const char *data, gsize len, const char *display_name, GError **error)
{
  g_autoptr(TetherX2goIni) ini = tether_x2go_ini_new ();
  ParseCtx ctx = { display_name != NULL ? display_name : "(config)", error };
  TetherReader r;
  const guint8 *p = NULL;
  IniBlock *block = NULL;
  gsize i = 0, line_no = 1;
  gboolean saw_eol = FALSE, high_bytes = FALSE;

  g_return_val_if_fail (data != NULL || len == 0, NULL);

  if (len > TETHER_X2GO_INI_MAX_FILE_SIZE)
    {
      parse_fail (&ctx, 1, "file larger than %u bytes", TETHER_X2GO_INI_MAX_FILE_SIZE);
      return NULL;
    }
  /* All indexing below is into this one borrowed slice, always checked
   * against its length. */
  tether_reader_init (&r, (const guint8 *) data, len);
  if (!tether_reader_borrow (&r, len, &p))
    p = (const guint8 *) "";

  if (len >= 3 && p[0] == 0xef && p[1] == 0xbb && p[2] == 0xbf)
    {
      ini->bom = TRUE;
      i = 3;
    }

  while (i < len)
    {
      gsize start = i, first = i, end, next, this_line = line_no;
      gsize eol;

      while (first < len && is_blank (p[first]))
        first++;

      if (first >= len || eol_length (p, len, first) > 0 || p[first] == ';' || p[first] == '#' ||
          p[first] == '[')
        {
          /* One physical line: blank, comment or header. */
          end = first;
          while (end < len && p[end] != '\n' && p[end] != '\r')
            {
              if (!check_byte (&ctx, line_no, p[end]))
                return NULL;
              end++;
            }
          if (end - start > TETHER_X2GO_INI_MAX_LINE_LENGTH)
            {
              parse_fail (&ctx, line_no, "line longer than %u bytes",
                          TETHER_X2GO_INI_MAX_LINE_LENGTH);
              return NULL;
            }
          eol = eol_length (p, len, end);
          next = end + eol;
          if (eol > 0 && !saw_eol)
            {
              ini->eol = eol == 2 ? "\r\n" : (p[end] == '\r' ? "\r" : "\n");
              saw_eol = TRUE;
            }
          if (first < end && p[first] == '[')
            {
              g_autofree char *name = NULL;

              if (!parse_header (&ctx, line_no, p, first, end, &name))
                return NULL;
              if (ini->blocks->len >= TETHER_X2GO_INI_MAX_SECTIONS)
                {
                  parse_fail (&ctx, line_no, "more than %u sections",
                              TETHER_X2GO_INI_MAX_SECTIONS);
                  return NULL;
                }
              block = block_append (ini, name);
              g_ptr_array_add (block->lines, line_new (LINE_HEADER, dup_range (p, start, next)));
            }
          else
            {
              if (block == NULL)
                block = block_append (ini, GENERAL_SECTION);
              g_ptr_array_add (block->lines, line_new (LINE_OTHER, dup_range (p, start, next)));
            }
          line_no++;
          i = next;
          continue;
        }

      /* key=value, possibly continued over several lines by a backslash. */
      {
        gboolean in_quotes = FALSE;
        gsize eq = G_MAXSIZE, comment = G_MAXSIZE, key_end, value_start, value_end;
        IniLine *line;

        end = first;
        while (end < len)
          {
            guint8 c = p[end];

            if (c == '\n' || c == '\r')
              {
                if (in_quotes)
                  {
                    parse_fail (&ctx, line_no, "unterminated quoted string");
                    return NULL;
                  }
                break;
              }
            if (!check_byte (&ctx, line_no, c))
              return NULL;
            if (end - start >= TETHER_X2GO_INI_MAX_LINE_LENGTH)
              {
                parse_fail (&ctx, line_no, "line longer than %u bytes",
                            TETHER_X2GO_INI_MAX_LINE_LENGTH);
                return NULL;
              }
            if (comment != G_MAXSIZE)
              {
                end++;
                continue;
              }
            if (c == '\\')
              {
                gsize brk = eol_length (p, len, end + 1);

                if (brk > 0)
                  {
                    /* The value goes on in the next line. */
                    end += 1 + brk;
                    line_no++;
                    continue;
                  }
                if (end + 1 < len && !check_byte (&ctx, line_no, p[end + 1]))
                  return NULL;
                end += end + 1 < len ? 2 : 1;
                continue;
              }
            if (c == '"')
              in_quotes = !in_quotes;
            else if (c == '=' && !in_quotes && eq == G_MAXSIZE)
              eq = end;
            else if (c == ';' && !in_quotes)
              comment = end;
            end++;
          }
        if (in_quotes)
          {
            parse_fail (&ctx, line_no, "unterminated quoted string");
            return NULL;
          }
        if (eq == G_MAXSIZE || eq > comment)
          {
            parse_fail (&ctx, this_line,
                        "expected “[section]”, “key=value” or a comment");
            return NULL;
          }
        key_end = eq;
        while (key_end > first && is_blank (p[key_end - 1]))
          key_end--;
        if (key_end == first)
          {
            parse_fail (&ctx, this_line, "empty key");
            return NULL;
          }
        if (ini->n_keys >= TETHER_X2GO_INI_MAX_KEYS)
          {
            parse_fail (&ctx, this_line, "more than %u keys", TETHER_X2GO_INI_MAX_KEYS);
            return NULL;
          }
        value_start = eq + 1;
        while (value_start < end && value_start < comment && is_blank (p[value_start]))
          value_start++;
        value_end = MIN (end, comment);
        /* Trailing blanks go to the suffix, where Qt would drop them too:
         * unless the value has quotes (then Qt keeps them), or a backslash
         * escapes the first of them. */
        if (memchr (p + value_start, '"', value_end - value_start) == NULL)
          {
            gsize full = value_end;

            while (value_end > value_start && is_blank (p[value_end - 1]))
              value_end--;
            if (value_end < full && value_end > value_start && p[value_end - 1] == '\\')
              value_end++;
          }

        eol = eol_length (p, len, end);
        next = end + eol;
        if (eol > 0 && !saw_eol)
          {
            ini->eol = eol == 2 ? "\r\n" : (p[end] == '\r' ? "\r" : "\n");
            saw_eol = TRUE;
          }
        if (block == NULL)
          block = block_append (ini, GENERAL_SECTION);
        line = line_new (LINE_ENTRY, dup_range (p, start, value_start));
        line->value = dup_range (p, value_start, value_end);
        line->suffix = dup_range (p, value_end, next);
        line->key = tether_x2go_ini_decode_key ((const char *) p + first, key_end - first);
        g_ptr_array_add (block->lines, line);
        ini->n_keys++;
        line_no++;
        i = next;
      }
    }

  for (gsize k = 0; k < len && !high_bytes; k++)
    high_bytes = p[k] >= 0x80;
  ini->raw_utf8 = ini->bom || (high_bytes && g_utf8_validate_len ((const char *) p, len, NULL));
  return g_steal_pointer (&ini);
}

/* ---- files -------------------------------------------------------------- */

static gboolean
set_errno_error (GError **error, int saved_errno, const char *path, const char *what)
{
  g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved_errno),
               "%s: %s: %s", path, what, g_strerror (saved_errno));
  return FALSE;
}

TetherX2goIni *
tether_x2go_ini_load_file (const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize used = 0;
  struct stat st;
  int fd;

  g_return_val_if_fail (path != NULL, NULL);

  fd = g_open (path, O_RDONLY | O_CLOEXEC | O_NOCTTY, 0);
  if (fd < 0)
    {
      set_errno_error (error, errno, path, "cannot open");
      return NULL;
    }
  if (fstat (fd, &st) != 0)
    {
      int saved = errno;

      close (fd);
      set_errno_error (error, saved, path, "cannot stat");
      return NULL;
    }
  if (!S_ISREG (st.st_mode))
    {
      close (fd);
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
                   "%s: not a regular file", path);
      return NULL;
    }
  if (st.st_size > TETHER_X2GO_INI_MAX_FILE_SIZE)
    {
      close (fd);
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
                   "%s: file larger than %u bytes", path, TETHER_X2GO_INI_MAX_FILE_SIZE);
      return NULL;
    }
  /* Read at most one byte past the cap: the file may grow meanwhile. */
  data = g_malloc ((gsize) TETHER_X2GO_INI_MAX_FILE_SIZE + 1);
  for (;;)
    {
      gssize n = read (fd, data + used, (gsize) TETHER_X2GO_INI_MAX_FILE_SIZE + 1 - used);

      if (n < 0 && errno == EINTR)
        continue;
      if (n < 0)
        {
          int saved = errno;

          close (fd);
          set_errno_error (error, saved, path, "cannot read");
          return NULL;
        }
      if (n == 0)
        break;
      used += (gsize) n;
      if (used > TETHER_X2GO_INI_MAX_FILE_SIZE)
        {
          close (fd);
          g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
                       "%s: file larger than %u bytes", path, TETHER_X2GO_INI_MAX_FILE_SIZE);
          return NULL;
        }
    }
  close (fd);
  return tether_x2go_ini_parse (data, used, path, error);
}

static gboolean
ends_with_eol (const GString *s)
{
  return s->len > 0 && (s->str[s->len - 1] == '\n' || s->str[s->len - 1] == '\r');
}

char *
tether_x2go_ini_to_data (const TetherX2goIni *ini, gsize *len)
{
  GString *out = g_string_new (NULL);

  if (ini->bom)
    g_string_append (out, "\xef\xbb\xbf");
  for (guint b = 0; b < ini->blocks->len; b++)
    {
      IniBlock *block = g_ptr_array_index (ini->blocks, b);

      for (guint l = 0; l < block->lines->len; l++)
        {
          IniLine *line = g_ptr_array_index (block->lines, l);

          /* Only the very last line of a file may lack its line break. */
          if (out->len > (ini->bom ? 3u : 0u) && !ends_with_eol (out))
            g_string_append (out, ini->eol);
          g_string_append (out, line->text);
          if (line->kind == LINE_ENTRY)
            {
              g_string_append (out, line->value);
              g_string_append (out, line->suffix);
            }
        }
    }
  if (len != NULL)
    *len = out->len;
  return g_string_free (out, FALSE);
}

gboolean
tether_x2go_ini_write_atomic (const char *path, const char *data, gsize len, GError **error)
{
  g_autofree char *target = g_strdup (path);

  g_return_val_if_fail (path != NULL, FALSE);

  /* Replace the file a symlink points to, not the symlink. */
  for (int depth = 0; depth < 8 && g_file_test (target, G_FILE_TEST_IS_SYMLINK); depth++)
    {
      g_autofree char *link = g_file_read_link (target, error);
      g_autofree char *dir = NULL;

      if (link == NULL)
        return FALSE;
      if (g_path_is_absolute (link))
        {
          g_free (target);
          target = g_steal_pointer (&link);
          continue;
        }
      dir = g_path_get_dirname (target);
      g_free (target);
      target = g_build_filename (dir, link, NULL);
    }
  return g_file_set_contents_full (target, data, (gssize) len,
                                   G_FILE_SET_CONTENTS_CONSISTENT, 0600, error);
}

gboolean
tether_x2go_ini_save_file (const TetherX2goIni *ini, const char *path, GError **error)
{
  g_autofree char *data = NULL;
  gsize len = 0;

  data = tether_x2go_ini_to_data (ini, &len);
  return tether_x2go_ini_write_atomic (path, data, len, error);
}

/* ---- queries ------------------------------------------------------------ */

static GPtrArray *
blocks_of (const TetherX2goIni *ini, const char *section)
{
  return section != NULL ? g_hash_table_lookup (ini->by_name, section) : NULL;
}

/* The line that counts for @key: the last one in the last block having it. */
static IniLine *
find_entry (const TetherX2goIni *ini, const char *section, const char *key)
{
  GPtrArray *blocks = blocks_of (ini, section);

  if (blocks == NULL || key == NULL)
    return NULL;
  for (guint b = blocks->len; b > 0; b--)
    {
      IniBlock *block = g_ptr_array_index (blocks, b - 1);

      for (guint l = block->lines->len; l > 0; l--)
        {
          IniLine *line = g_ptr_array_index (block->lines, l - 1);

          if (line->kind == LINE_ENTRY && strcmp (line->key, key) == 0)
            return line;
        }
    }
  return NULL;
}

char **
tether_x2go_ini_get_sections (const TetherX2goIni *ini)
{
  g_autoptr(GHashTable) seen = g_hash_table_new (g_str_hash, g_str_equal);
  GPtrArray *names = g_ptr_array_new ();

  for (guint b = 0; b < ini->blocks->len; b++)
    {
      IniBlock *block = g_ptr_array_index (ini->blocks, b);

      if (g_hash_table_add (seen, block->name))
        g_ptr_array_add (names, g_strdup (block->name));
    }
  g_ptr_array_add (names, NULL);
  return (char **) g_ptr_array_free (names, FALSE);
}

gboolean
tether_x2go_ini_has_section (const TetherX2goIni *ini, const char *section)
{
  return blocks_of (ini, section) != NULL;
}

char **
tether_x2go_ini_get_keys (const TetherX2goIni *ini, const char *section)
{
  GPtrArray *blocks = blocks_of (ini, section);
  g_autoptr(GHashTable) seen = NULL;
  GPtrArray *keys;

  if (blocks == NULL)
    return NULL;
  seen = g_hash_table_new (g_str_hash, g_str_equal);
  keys = g_ptr_array_new ();
  for (guint b = 0; b < blocks->len; b++)
    {
      IniBlock *block = g_ptr_array_index (blocks, b);

      for (guint l = 0; l < block->lines->len; l++)
        {
          IniLine *line = g_ptr_array_index (block->lines, l);

          if (line->kind == LINE_ENTRY && g_hash_table_add (seen, line->key))
            g_ptr_array_add (keys, g_strdup (line->key));
        }
    }
  g_ptr_array_add (keys, NULL);
  return (char **) g_ptr_array_free (keys, FALSE);
}

gboolean
tether_x2go_ini_has_key (const TetherX2goIni *ini, const char *section, const char *key)
{
  return find_entry (ini, section, key) != NULL;
}

const char *
tether_x2go_ini_get_raw (const TetherX2goIni *ini, const char *section, const char *key)
{
  IniLine *line = find_entry (ini, section, key);

  return line != NULL ? line->value : NULL;
}

char *
tether_x2go_ini_get_string (const TetherX2goIni *ini, const char *section, const char *key)
{
  IniLine *line = find_entry (ini, section, key);
  g_auto(GStrv) items = NULL;
  char *result;

  if (line == NULL)
    return NULL;
  items = tether_x2go_ini_decode_value (line->value, strlen (line->value), FALSE);
  result = items[0];
  items[0] = g_strdup ("");  /* keep the vector freeable */
  return result;
}

char **
tether_x2go_ini_get_list (const TetherX2goIni *ini, const char *section, const char *key)
{
  IniLine *line = find_entry (ini, section, key);

  if (line == NULL)
    return NULL;
  return tether_x2go_ini_decode_value (line->value, strlen (line->value), TRUE);
}

gboolean
tether_x2go_ini_get_raw_utf8 (const TetherX2goIni *ini)
{
  return ini->raw_utf8;
}

void
tether_x2go_ini_set_raw_utf8 (TetherX2goIni *ini, gboolean raw_utf8)
{
  ini->raw_utf8 = raw_utf8;
}

/* ---- changes ------------------------------------------------------------ */

static gboolean
line_is_blank (const IniLine *line)
{
  if (line->kind != LINE_OTHER)
    return FALSE;
  for (const char *c = line->text; *c != '\0'; c++)
    if (!is_blank ((guint8) *c) && *c != '\n' && *c != '\r')
      return FALSE;
  return TRUE;
}

void
tether_x2go_ini_add_section (TetherX2goIni *ini, const char *section)
{
  GString *header;
  IniBlock *block;

  g_return_if_fail (section != NULL && section[0] != '\0');
  g_return_if_fail (g_utf8_validate (section, -1, NULL));

  if (blocks_of (ini, section) != NULL)
    return;
  /* A blank line between the last section and the new one, as Qt and
   * configparser write them. */
  if (ini->blocks->len > 0)
    {
      IniBlock *last = g_ptr_array_index (ini->blocks, ini->blocks->len - 1);

      if (last->lines->len > 0 &&
          !line_is_blank (g_ptr_array_index (last->lines, last->lines->len - 1)))
        g_ptr_array_add (last->lines, line_new (LINE_OTHER, g_strdup (ini->eol)));
    }
  header = g_string_new ("[");
  tether_x2go_ini_encode_key (header, section);
  g_string_append_c (header, ']');
  g_string_append (header, ini->eol);
  block = block_append (ini, section);
  g_ptr_array_add (block->lines, line_new (LINE_HEADER, g_string_free (header, FALSE)));
}

gboolean
tether_x2go_ini_remove_section (TetherX2goIni *ini, const char *section)
{
  GPtrArray *blocks = blocks_of (ini, section);

  if (blocks == NULL)
    return FALSE;
  for (guint b = 0; b < blocks->len; b++)
    {
      IniBlock *block = g_ptr_array_index (blocks, b);

      for (guint l = 0; l < block->lines->len; l++)
        if (((IniLine *) g_ptr_array_index (block->lines, l))->kind == LINE_ENTRY)
          ini->n_keys--;
      /* The hash table's key is the first block's name: drop the entry
       * before any block goes. */
    }
  {
    g_autoptr(GPtrArray) doomed = g_ptr_array_ref (blocks);

    g_hash_table_remove (ini->by_name, section);
    for (guint b = 0; b < doomed->len; b++)
      g_ptr_array_remove (ini->blocks, g_ptr_array_index (doomed, b));
  }
  return TRUE;
}

void
tether_x2go_ini_set_raw (TetherX2goIni *ini, const char *section, const char *key,
                         const char *raw)
{
  IniLine *line;
  GPtrArray *blocks;
  IniBlock *block;
  GString *prefix;
  guint at;

  g_return_if_fail (section != NULL && key != NULL && key[0] != '\0' && raw != NULL);
  g_return_if_fail (g_utf8_validate (key, -1, NULL) && g_utf8_validate (raw, -1, NULL));
  g_return_if_fail (strpbrk (raw, "\r\n") == NULL);

  line = find_entry (ini, section, key);
  if (line != NULL)
    {
      g_free (line->value);
      line->value = g_strdup (raw);
      return;
    }
  tether_x2go_ini_add_section (ini, section);
  blocks = blocks_of (ini, section);
  block = g_ptr_array_index (blocks, blocks->len - 1);
  /* After the last key of the section's last block (or its header), so
   * blank lines and comments that end the block stay at its end. */
  at = 0;
  for (guint l = 0; l < block->lines->len; l++)
    {
      IniLine *other = g_ptr_array_index (block->lines, l);

      if (other->kind != LINE_OTHER)
        at = l + 1;
    }
  prefix = g_string_new (NULL);
  tether_x2go_ini_encode_key (prefix, key);
  g_string_append_c (prefix, '=');
  line = line_new (LINE_ENTRY, g_string_free (prefix, FALSE));
  line->value = g_strdup (raw);
  line->suffix = g_strdup (ini->eol);
  line->key = g_strdup (key);
  /* A new line after one that lacks its line break (the last line of the
   * file) gets one from the serializer. */
  g_ptr_array_insert (block->lines, (gint) at, line);
  ini->n_keys++;
}

void
tether_x2go_ini_set_string (TetherX2goIni *ini, const char *section, const char *key,
                            const char *value)
{
  g_autoptr(GString) raw = g_string_new (NULL);

  tether_x2go_ini_encode_string (raw, value, ini->raw_utf8);
  tether_x2go_ini_set_raw (ini, section, key, raw->str);
}

void
tether_x2go_ini_set_list (TetherX2goIni *ini, const char *section, const char *key,
                          const char * const *items)
{
  g_autoptr(GString) raw = g_string_new (NULL);

  tether_x2go_ini_encode_list (raw, items, ini->raw_utf8);
  tether_x2go_ini_set_raw (ini, section, key, raw->str);
}

gboolean
tether_x2go_ini_remove_key (TetherX2goIni *ini, const char *section, const char *key)
{
  GPtrArray *blocks = blocks_of (ini, section);
  gboolean removed = FALSE;

  if (blocks == NULL || key == NULL)
    return FALSE;
  for (guint b = 0; b < blocks->len; b++)
    {
      IniBlock *block = g_ptr_array_index (blocks, b);

      for (guint l = block->lines->len; l > 0; l--)
        {
          IniLine *line = g_ptr_array_index (block->lines, l - 1);

          if (line->kind == LINE_ENTRY && strcmp (line->key, key) == 0)
            {
              g_ptr_array_remove_index (block->lines, l - 1);
              ini->n_keys--;
              removed = TRUE;
            }
        }
    }
  return removed;
}

void
tether_x2go_ini_copy_section (TetherX2goIni *dest, const TetherX2goIni *src,
                              const char *section)
{
  g_auto(GStrv) keys = tether_x2go_ini_get_keys (src, section);

  tether_x2go_ini_add_section (dest, section);
  for (gsize k = 0; keys != NULL && keys[k] != NULL; k++)
    if (!tether_x2go_ini_has_key (dest, section, keys[k]))
      tether_x2go_ini_set_raw (dest, section, keys[k],
                               tether_x2go_ini_get_raw (src, section, keys[k]));
}
