/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The .vv file parser: see tether-spice-vv-private.h for the accepted syntax.
 * Two passes: the lines are split into raw key/value entries of the
 * [virt-viewer] group (every raw value is wiped when freed, as it may be the
 * password), then each known key is converted and checked. Nothing reaches the
 * caller's TetherSpiceVv unless the whole file is valid.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-vv-private.h"
#include "tether-spice-uri-private.h"
#include "tether-spice-tls-private.h"
#include "tether-spice-secret-private.h"

#define VV_GROUP "virt-viewer"

typedef struct {
  char  *key;
  char  *raw;      /* the value as written, escapes not yet applied */
  gsize  raw_len;
  guint  line;
} Entry;

static void
entry_free (gpointer data)
{
  Entry *e = data;

  g_free (e->key);
  explicit_bzero (e->raw, e->raw_len);
  g_free (e->raw);
  g_free (e);
}

static gboolean G_GNUC_PRINTF (3, 4)
vv_fail (GError **error, GKeyFileError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_vprintf (format, args);

      g_set_error (error, G_KEY_FILE_ERROR, code, "Invalid .vv file: %s", msg);
    }
  va_end (args);
  return FALSE;
}

static gboolean
is_blank (char c)
{
  return c == ' ' || c == '\t';
}

static gboolean
key_char (char c)
{
  return g_ascii_isalnum (c) || c == '-' || c == '_';
}

/* Splits @data into entries of the [virt-viewer] group. */
static gboolean
split_lines (const char *data, gsize len, GPtrArray *entries, gboolean *have_group, GError **error)
{
  gsize pos = 0;
  guint line_no = 0;
  gboolean in_group = FALSE, in_vv = FALSE;

  /* A UTF-8 byte order mark is allowed at the start. */
  if (len >= 3 && memcmp (data, "\xef\xbb\xbf", 3) == 0)
    pos = 3;

  while (pos < len)
    {
      const char *nl = memchr (data + pos, '\n', len - pos);
      gsize end = nl != NULL ? (gsize) (nl - data) : len;
      gsize line_len = end - pos;
      const char *line = data + pos;
      gsize i = 0, key_end, value_start;

      line_no++;
      pos = nl != NULL ? end + 1 : len;
      if (line_len > TETHER_SPICE_VV_MAX_LINE_LENGTH)
        return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u is longer than %u bytes",
                        line_no, TETHER_SPICE_VV_MAX_LINE_LENGTH);
      if (line_len > 0 && line[line_len - 1] == '\r')
        line_len--;
      while (i < line_len && is_blank (line[i]))
        i++;
      if (i == line_len || line[i] == '#')
        continue;

      if (line[i] == '[')
        {
          gsize close = line_len;

          while (close > i && is_blank (line[close - 1]))
            close--;
          if (close - i < 3 || line[close - 1] != ']')
            return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: bad group header", line_no);
          for (gsize j = i + 1; j < close - 1; j++)
            if (line[j] == '[' || line[j] == ']' || (guchar) line[j] < 0x20)
              return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: bad group name", line_no);
          in_group = TRUE;
          in_vv = close - i - 2 == strlen (VV_GROUP) &&
                  memcmp (line + i + 1, VV_GROUP, strlen (VV_GROUP)) == 0;
          if (in_vv)
            {
              if (*have_group)
                return vv_fail (error, G_KEY_FILE_ERROR_PARSE,
                                "line %u: a second [" VV_GROUP "] group", line_no);
              *have_group = TRUE;
            }
          continue;
        }

      if (!in_group)
        return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: a key before any group", line_no);
      key_end = i;
      while (key_end < line_len && key_char (line[key_end]))
        key_end++;
      if (key_end == i)
        return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: expected key=value", line_no);
      value_start = key_end;
      if (value_start < line_len && line[value_start] == '[')
        {
          /* key[locale]=...: a translation; skipped. */
          const char *close = memchr (line + value_start, ']', line_len - value_start);

          if (close == NULL)
            return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: bad locale key", line_no);
          value_start = (gsize) (close - line) + 1;
        }
      while (value_start < line_len && is_blank (line[value_start]))
        value_start++;
      if (value_start == line_len || line[value_start] != '=')
        return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: expected key=value", line_no);
      if (!in_vv || line[key_end] == '[')
        continue;
      value_start++;
      while (value_start < line_len && is_blank (line[value_start]))
        value_start++;

      {
        Entry *e;

        for (guint k = 0; k < entries->len; k++)
          {
            Entry *other = g_ptr_array_index (entries, k);

            if (strlen (other->key) == key_end - i && memcmp (other->key, line + i, key_end - i) == 0)
              return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "line %u: key '%s' given twice (first on line %u)",
                              line_no, other->key, other->line);
          }
        if (entries->len >= TETHER_SPICE_VV_MAX_KEYS)
          return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "more than %u keys", TETHER_SPICE_VV_MAX_KEYS);
        e = g_new0 (Entry, 1);
        e->key = g_strndup (line + i, key_end - i);
        e->raw_len = line_len - value_start;
        e->raw = g_strndup (line + value_start, e->raw_len);
        e->line = line_no;
        g_ptr_array_add (entries, e);
      }
    }
  return TRUE;
}

static Entry *
find (GPtrArray *entries, const char *key)
{
  for (guint i = 0; i < entries->len; i++)
    {
      Entry *e = g_ptr_array_index (entries, i);

      if (strcmp (e->key, key) == 0)
        return e;
    }
  return NULL;
}

/* Applies GKeyFile's escapes to raw[0..len). In a list item (@in_list) "\;"
 * stands for ';'. Returns a new string, or NULL after setting @error. */
static char *
unescape (const Entry *e, const char *raw, gsize len, gboolean in_list, GError **error)
{
  GString *s = g_string_sized_new (len + 1);

  for (gsize i = 0; i < len; i++)
    {
      char c = raw[i];

      if (c != '\\')
        {
          g_string_append_c (s, c);
          continue;
        }
      if (++i == len)
        goto bad;
      switch (raw[i])
        {
        case 's': g_string_append_c (s, ' '); break;
        case 'n': g_string_append_c (s, '\n'); break;
        case 't': g_string_append_c (s, '\t'); break;
        case 'r': g_string_append_c (s, '\r'); break;
        case '\\': g_string_append_c (s, '\\'); break;
        case ';':
          if (!in_list)
            goto bad;
          g_string_append_c (s, ';');
          break;
        default:
          goto bad;
        }
    }
  return g_string_free (s, FALSE);

bad:
  explicit_bzero (s->str, s->len);
  g_string_free (s, TRUE);
  vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s': bad escape sequence",
           e->line, e->key);
  return NULL;
}

/* A string value of at most @max bytes; control characters are refused
 * unless @multi_line (then \n, \r and \t are allowed). */
static char *
get_string (const Entry *e, gsize max, gboolean multi_line, GError **error)
{
  char *s = unescape (e, e->raw, e->raw_len, FALSE, error);
  gsize len;

  if (s == NULL)
    return NULL;
  len = strlen (s);
  if (len > max)
    {
      tether_spice_secret_free (s);
      vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s' is longer than %" G_GSIZE_FORMAT " bytes",
               e->line, e->key, max);
      return NULL;
    }
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) s[i];

      if ((c < 0x20 || c == 0x7f) && !(multi_line && (c == '\n' || c == '\r' || c == '\t')))
        {
          tether_spice_secret_free (s);
          vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s' has a control character",
                   e->line, e->key);
          return NULL;
        }
    }
  return s;
}

static gboolean
get_int (const Entry *e, gint64 min, gint64 max, gint64 *out, GError **error)
{
  g_autofree char *s = get_string (e, 16, FALSE, error);

  if (s == NULL)
    return FALSE;
  if (!g_ascii_string_to_signed (s, 10, min, max, out, NULL))
    return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE,
                    "line %u: key '%s' must be a number from %" G_GINT64_FORMAT " to %" G_GINT64_FORMAT,
                    e->line, e->key, min, max);
  return TRUE;
}

static gboolean
get_bool (const Entry *e, int *out, GError **error)
{
  g_autofree char *s = get_string (e, 16, FALSE, error);

  if (s == NULL)
    return FALSE;
  if (strcmp (s, "true") == 0 || strcmp (s, "1") == 0)
    *out = 1;
  else if (strcmp (s, "false") == 0 || strcmp (s, "0") == 0)
    *out = 0;
  else
    return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s' must be true or false",
                    e->line, e->key);
  return TRUE;
}

/* A ';'-separated list; every item must be one of @allowed. */
static char **
get_list (const Entry *e, const char * const *allowed, GError **error)
{
  g_autoptr(GPtrArray) items = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  for (gsize i = 0; i <= e->raw_len; i++)
    {
      char *item;
      gboolean ok = FALSE;

      if (i < e->raw_len && e->raw[i] == '\\')
        {
          if (i + 1 == e->raw_len)
            {
              vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s': bad escape sequence",
                       e->line, e->key);
              return NULL;
            }
          i++;  /* skip the escaped character */
          continue;
        }
      if (i < e->raw_len && e->raw[i] != ';')
        continue;
      if (i == start)
        {
          /* An empty item: allowed only as the trailing ';'. */
          if (i < e->raw_len)
            {
              vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s' has an empty item",
                       e->line, e->key);
              return NULL;
            }
          break;
        }
      if (items->len >= TETHER_SPICE_VV_MAX_LIST_ITEMS)
        {
          vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s' has more than %u items",
                   e->line, e->key, TETHER_SPICE_VV_MAX_LIST_ITEMS);
          return NULL;
        }
      item = unescape (e, e->raw + start, MIN (i, e->raw_len) - start, TRUE, error);
      if (item == NULL)
        return NULL;
      for (guint k = 0; allowed[k] != NULL; k++)
        if (strcmp (item, allowed[k]) == 0)
          ok = TRUE;
      if (!ok)
        {
          g_free (item);
          vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: key '%s' has an unknown item",
                   e->line, e->key);
          return NULL;
        }
      g_ptr_array_add (items, item);
      start = i + 1;
    }
  g_ptr_array_add (items, NULL);
  return (char **) g_ptr_array_free (g_steal_pointer (&items), FALSE);
}

static const char * const channel_names[] = {
  "main", "display", "inputs", "cursor", "playback", "record",
  "smartcard", "usbredir", "port", "webdav", NULL
};

gboolean
tether_spice_channel_name_is_valid (const char *name)
{
  if (name == NULL)
    return FALSE;
  for (guint i = 0; channel_names[i] != NULL; i++)
    if (strcmp (name, channel_names[i]) == 0)
      return TRUE;
  return FALSE;
}

/* A port key: -1 (and 0) mean "none", as virt-viewer writes them. */
static gboolean
get_port (const Entry *e, char **out, GError **error)
{
  gint64 v;

  if (!get_int (e, -1, 65535, &v, error))
    return FALSE;
  *out = v > 0 ? g_strdup_printf ("%" G_GINT64_FORMAT, v) : NULL;
  return TRUE;
}

static gboolean
convert (GPtrArray *entries, TetherSpiceVv *vv, GError **error)
{
  static const char * const secure_names[] = {
    "all", "main", "display", "inputs", "cursor", "playback", "record",
    "smartcard", "usbredir", "port", "webdav", NULL
  };
  static const char * const effect_names[] = {
    "wallpaper", "font-smooth", "animation", "all", NULL
  };
  Entry *e;
  g_autofree char *type = NULL;

  e = find (entries, "type");
  if (e == NULL)
    return vv_fail (error, G_KEY_FILE_ERROR_KEY_NOT_FOUND, "no 'type' key in [" VV_GROUP "]");
  type = get_string (e, 16, FALSE, error);
  if (type == NULL)
    return FALSE;
  if (strcmp (type, "spice") != 0)
    {
      if (strcmp (type, "vnc") == 0 || strcmp (type, "ovirt") == 0)
        return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED,
                            "The .vv file is for a %s connection; Tether speaks SPICE only", type), FALSE;
      return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: unknown type", e->line);
    }

  if ((e = find (entries, "host")) != NULL)
    {
      g_autofree char *h = get_string (e, TETHER_SPICE_URI_MAX_HOST_LENGTH + 2, FALSE, error);
      gsize hl;

      if (h == NULL)
        return FALSE;
      hl = strlen (h);
      if (hl >= 2 && h[0] == '[' && h[hl - 1] == ']')
        vv->host = g_strndup (h + 1, hl - 2);
      else
        vv->host = g_steal_pointer (&h);
      if (!tether_spice_host_is_valid (vv->host))
        return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE,
                        "line %u: 'host' is not a host name or IP address", e->line);
    }
  if ((e = find (entries, "port")) != NULL && !get_port (e, &vv->port, error))
    return FALSE;
  if ((e = find (entries, "tls-port")) != NULL && !get_port (e, &vv->tls_port, error))
    return FALSE;
  if ((e = find (entries, "unix-path")) != NULL)
    {
      vv->unix_path = get_string (e, TETHER_SPICE_UNIX_PATH_MAX_LENGTH, FALSE, error);
      if (vv->unix_path == NULL)
        return FALSE;
      if (vv->unix_path[0] == '\0')
        return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: empty 'unix-path'", e->line);
      if (vv->host != NULL || vv->port != NULL || vv->tls_port != NULL)
        return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE,
                        "line %u: 'unix-path' cannot be combined with host or ports", e->line);
    }
  else
    {
      if (vv->host == NULL)
        return vv_fail (error, G_KEY_FILE_ERROR_KEY_NOT_FOUND, "neither 'host' nor 'unix-path' is given");
      if (vv->port == NULL && vv->tls_port == NULL)
        return vv_fail (error, G_KEY_FILE_ERROR_KEY_NOT_FOUND, "neither 'port' nor 'tls-port' is given");
    }
  if ((e = find (entries, "username")) != NULL &&
      (vv->username = get_string (e, TETHER_SPICE_URI_MAX_USER_LENGTH, FALSE, error)) == NULL)
    return FALSE;
  if ((e = find (entries, "password")) != NULL &&
      (vv->password = get_string (e, TETHER_SPICE_VV_MAX_PASSWORD_LENGTH, FALSE, error)) == NULL)
    return FALSE;
  if ((e = find (entries, "tls-ciphers")) != NULL &&
      (vv->ciphers = get_string (e, TETHER_SPICE_VV_MAX_STRING_LENGTH, FALSE, error)) == NULL)
    return FALSE;
  if ((e = find (entries, "ca")) != NULL)
    {
      char *ca = get_string (e, TETHER_SPICE_VV_MAX_CA_LENGTH, TRUE, error);
      gsize n;

      if (ca == NULL)
        return FALSE;
      n = strlen (ca);
      vv->ca = g_bytes_new_take (ca, n);
    }
  if ((e = find (entries, "host-subject")) != NULL)
    {
      g_autoptr(GError) sub_error = NULL;
      g_autoptr(GPtrArray) rdns = NULL;

      vv->cert_subject = get_string (e, TETHER_SPICE_VV_MAX_STRING_LENGTH, FALSE, error);
      if (vv->cert_subject == NULL)
        return FALSE;
      if (!tether_spice_cert_subject_parse (vv->cert_subject, &rdns, &sub_error))
        return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: 'host-subject': %s",
                        e->line, sub_error->message);
    }
  if ((e = find (entries, "proxy")) != NULL)
    {
      g_autoptr(GError) proxy_error = NULL;

      vv->proxy = get_string (e, TETHER_SPICE_URI_MAX_LENGTH, FALSE, error);
      if (vv->proxy == NULL)
        return FALSE;
      if (vv->proxy[0] != '\0')
        {
          TetherSpiceProxy p;

          if (!tether_spice_proxy_parse (vv->proxy, &p, &proxy_error))
            return vv_fail (error, G_KEY_FILE_ERROR_INVALID_VALUE, "line %u: 'proxy': %s",
                            e->line, proxy_error->message);
          tether_spice_proxy_clear (&p);
        }
    }
  if ((e = find (entries, "secure-channels")) != NULL &&
      (vv->secure_channels = get_list (e, secure_names, error)) == NULL)
    return FALSE;
  if ((e = find (entries, "disable-channels")) != NULL &&
      (vv->disable_channels = get_list (e, channel_names, error)) == NULL)
    return FALSE;
  if ((e = find (entries, "disable-effects")) != NULL &&
      (vv->disable_effects = get_list (e, effect_names, error)) == NULL)
    return FALSE;
  if ((e = find (entries, "color-depth")) != NULL)
    {
      gint64 depth;

      if (!get_int (e, 0, 32, &depth, error))
        return FALSE;
      vv->color_depth = (int) depth;
    }
  if ((e = find (entries, "enable-smartcard")) != NULL && !get_bool (e, &vv->enable_smartcard, error))
    return FALSE;
  if ((e = find (entries, "enable-usbredir")) != NULL && !get_bool (e, &vv->enable_usbredir, error))
    return FALSE;
  if ((e = find (entries, "title")) != NULL &&
      (vv->title = get_string (e, TETHER_SPICE_VV_MAX_STRING_LENGTH, FALSE, error)) == NULL)
    return FALSE;
  return TRUE;
}

void
tether_spice_vv_clear (TetherSpiceVv *vv)
{
  g_clear_pointer (&vv->host, g_free);
  g_clear_pointer (&vv->port, g_free);
  g_clear_pointer (&vv->tls_port, g_free);
  g_clear_pointer (&vv->unix_path, g_free);
  g_clear_pointer (&vv->username, g_free);
  tether_spice_secret_clear (&vv->password);
  g_clear_pointer (&vv->ciphers, g_free);
  g_clear_pointer (&vv->ca, g_bytes_unref);
  g_clear_pointer (&vv->cert_subject, g_free);
  tether_spice_secret_clear (&vv->proxy);
  g_clear_pointer (&vv->secure_channels, g_strfreev);
  g_clear_pointer (&vv->disable_channels, g_strfreev);
  g_clear_pointer (&vv->disable_effects, g_strfreev);
  g_clear_pointer (&vv->title, g_free);
  vv->color_depth = 0;
  vv->enable_smartcard = -1;
  vv->enable_usbredir = -1;
}

gboolean
tether_spice_vv_parse (const char *data, gsize length, TetherSpiceVv *out, GError **error)
{
  g_autoptr(GPtrArray) entries = g_ptr_array_new_with_free_func (entry_free);
  gboolean have_group = FALSE;

  memset (out, 0, sizeof *out);
  out->enable_smartcard = -1;
  out->enable_usbredir = -1;
  if (data == NULL)
    length = 0;
  if (length > TETHER_SPICE_VV_MAX_SIZE)
    return vv_fail (error, G_KEY_FILE_ERROR_PARSE, "larger than %u bytes", TETHER_SPICE_VV_MAX_SIZE);
  if (!g_utf8_validate_len (data != NULL ? data : "", length, NULL))
    return vv_fail (error, G_KEY_FILE_ERROR_UNKNOWN_ENCODING, "not UTF-8 text");
  if (!split_lines (data, length, entries, &have_group, error))
    return FALSE;
  if (!have_group)
    return vv_fail (error, G_KEY_FILE_ERROR_GROUP_NOT_FOUND, "no [" VV_GROUP "] group");
  if (!convert (entries, out, error))
    {
      tether_spice_vv_clear (out);
      return FALSE;
    }
  return TRUE;
}
