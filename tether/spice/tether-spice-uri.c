/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPICE URIs and proxy specifications. Both are text from users, .vv files or
 * the environment, so every length is capped before anything is copied, the
 * input is scanned by index against its measured length, and every part is
 * checked against an allow-list. Error messages never quote a password.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tether-spice-uri-private.h"
#include "tether-spice-secret-private.h"

static gboolean G_GNUC_PRINTF (3, 4)
uri_fail (GError **error, GUriError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_vprintf (format, args);

      g_set_error (error, G_URI_ERROR, code, "Invalid SPICE URI: %s", msg);
    }
  va_end (args);
  return FALSE;
}

static gboolean G_GNUC_PRINTF (3, 4)
proxy_fail (GError **error, GUriError code, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_vprintf (format, args);

      g_set_error (error, G_URI_ERROR, code, "Invalid proxy: %s", msg);
    }
  va_end (args);
  return FALSE;
}

gboolean
tether_spice_port_parse (const char *text, guint16 *out)
{
  guint64 value;
  gsize len;

  if (text == NULL)
    return FALSE;
  len = strnlen (text, 6);
  if (len == 0 || len > 5)
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (!g_ascii_isdigit (text[i]))
      return FALSE;
  if (!g_ascii_string_to_unsigned (text, 10, 1, 65535, &value, NULL))
    return FALSE;
  if (out != NULL)
    *out = (guint16) value;
  return TRUE;
}

static gboolean
is_name_char (char c)
{
  return g_ascii_isalnum (c) || c == '.' || c == '-' || c == '_';
}

gboolean
tether_spice_host_is_valid (const char *host)
{
  gsize len;

  if (host == NULL)
    return FALSE;
  len = strnlen (host, TETHER_SPICE_URI_MAX_HOST_LENGTH + 1);
  if (len == 0 || len > TETHER_SPICE_URI_MAX_HOST_LENGTH)
    return FALSE;
  if (memchr (host, ':', len) != NULL)
    {
      /* An IPv6 literal, maybe with a zone: hex digits, ':' and '.', then
       * '%' and a name. */
      const char *zone = memchr (host, '%', len);
      gsize addr_len = zone != NULL ? (gsize) (zone - host) : len;

      for (gsize i = 0; i < addr_len; i++)
        if (!g_ascii_isxdigit (host[i]) && host[i] != ':' && host[i] != '.')
          return FALSE;
      if (zone != NULL)
        {
          if (addr_len + 1 == len)
            return FALSE;
          for (gsize i = addr_len + 1; i < len; i++)
            if (!is_name_char (host[i]))
              return FALSE;
        }
      return g_hostname_is_ip_address (host);
    }
  for (gsize i = 0; i < len; i++)
    if (!is_name_char (host[i]))
      return FALSE;
  return TRUE;
}

void
tether_spice_uri_parts_clear (TetherSpiceUriParts *parts)
{
  g_clear_pointer (&parts->host, g_free);
  g_clear_pointer (&parts->port, g_free);
  g_clear_pointer (&parts->tls_port, g_free);
  g_clear_pointer (&parts->unix_path, g_free);
  g_clear_pointer (&parts->username, g_free);
  tether_spice_secret_clear (&parts->password);
}

/* Checks the whole string once: length, UTF-8, no control characters. */
static gboolean
check_text (const char *text, gsize max, gsize *out_len, const char *what,
            gboolean (*fail) (GError **, GUriError, const char *, ...), GError **error)
{
  gsize len;

  if (text == NULL)
    return fail (error, G_URI_ERROR_FAILED, "no %s given", what);
  len = strnlen (text, max + 1);
  if (len > max)
    return fail (error, G_URI_ERROR_FAILED, "longer than %" G_GSIZE_FORMAT " bytes", max);
  if (!g_utf8_validate_len (text, len, NULL))
    return fail (error, G_URI_ERROR_FAILED, "not valid UTF-8");
  for (gsize i = 0; i < len; i++)
    {
      guchar c = (guchar) text[i];

      if (c < 0x20 || c == 0x7f)
        return fail (error, G_URI_ERROR_FAILED, "control character at byte %" G_GSIZE_FORMAT, i);
    }
  *out_len = len;
  return TRUE;
}

/* Host and optional port of an authority (no userinfo). @host_port is the
 * authority text of @len bytes. A bracketed host is taken as an IPv6 literal
 * and not percent-decoded; any other host is decoded. *@port_text is NULL
 * when there is no ':'. */
static gboolean
split_host_port (const char *host_port, gsize len, char **host, char **port_text,
                 gboolean (*fail) (GError **, GUriError, const char *, ...), GError **error)
{
  g_autofree char *h = NULL;
  gsize host_end, port_start;

  *host = NULL;
  *port_text = NULL;
  if (len > 0 && host_port[0] == '[')
    {
      const char *close = memchr (host_port, ']', len);

      if (close == NULL)
        return fail (error, G_URI_ERROR_BAD_HOST, "'[' without ']'");
      host_end = (gsize) (close - host_port);
      h = g_strndup (host_port + 1, host_end - 1);
      if (strchr (h, ':') == NULL)
        return fail (error, G_URI_ERROR_BAD_HOST, "brackets around something that is not an IPv6 address");
      host_end++;  /* past ']' */
      if (host_end < len && host_port[host_end] != ':')
        return fail (error, G_URI_ERROR_BAD_HOST, "text after ']'");
    }
  else
    {
      const char *colon = memchr (host_port, ':', len);

      host_end = colon != NULL ? (gsize) (colon - host_port) : len;
      h = g_uri_unescape_segment (host_port, host_port + host_end, NULL);
      if (h == NULL)
        return fail (error, G_URI_ERROR_BAD_HOST, "bad percent-encoding in the host");
    }
  if (h[0] == '\0')
    return fail (error, G_URI_ERROR_BAD_HOST, "no host");
  if (!tether_spice_host_is_valid (h))
    return fail (error, G_URI_ERROR_BAD_HOST,
                 "the host is not a host name or IP address (letters, digits, '.', '-', '_'; "
                 "at most %u bytes)", TETHER_SPICE_URI_MAX_HOST_LENGTH);
  if (host_end < len)
    {
      port_start = host_end + 1;  /* past ':' */
      *port_text = g_strndup (host_port + port_start, len - port_start);
    }
  *host = g_steal_pointer (&h);
  return TRUE;
}

static char *
canonical_port (guint16 port)
{
  return g_strdup_printf ("%u", (guint) port);
}

typedef enum {
  PARAM_PORT = 1 << 0,
  PARAM_TLS_PORT = 1 << 1,
  PARAM_PASSWORD = 1 << 2,
} ParamSeen;

static gboolean
parse_param (const char *seg, gsize seg_len, gboolean tls_scheme, guint *seen,
             TetherSpiceUriParts *out, GError **error)
{
  const char *eq = memchr (seg, '=', seg_len);
  gsize key_len, value_len;
  g_autofree char *key = NULL;
  char *value;
  guint which;
  guint16 port;

  if (eq == NULL)
    return uri_fail (error, G_URI_ERROR_BAD_QUERY, "a parameter without '='");
  key_len = (gsize) (eq - seg);
  if (key_len == 0 || key_len > TETHER_SPICE_URI_MAX_KEY_LENGTH)
    return uri_fail (error, G_URI_ERROR_BAD_QUERY, "a parameter name must have 1 to %u characters",
                     TETHER_SPICE_URI_MAX_KEY_LENGTH);
  for (gsize i = 0; i < key_len; i++)
    if (!g_ascii_isalnum (seg[i]) && seg[i] != '-')
      return uri_fail (error, G_URI_ERROR_BAD_QUERY,
                       "a parameter name may only have letters, digits and '-'");
  key = g_strndup (seg, key_len);
  value_len = seg_len - key_len - 1;
  if (value_len > TETHER_SPICE_URI_MAX_VALUE_LENGTH)
    return uri_fail (error, G_URI_ERROR_BAD_QUERY, "the value of '%s' is longer than %u bytes",
                     key, TETHER_SPICE_URI_MAX_VALUE_LENGTH);

  if (g_ascii_strcasecmp (key, "port") == 0)
    which = PARAM_PORT;
  else if (g_ascii_strcasecmp (key, "tls-port") == 0)
    which = PARAM_TLS_PORT;
  else if (g_ascii_strcasecmp (key, "password") == 0)
    which = PARAM_PASSWORD;
  else
    return uri_fail (error, G_URI_ERROR_BAD_QUERY,
                     "unknown parameter '%s' (known: port, tls-port, password)", key);
  if (tls_scheme && which != PARAM_PASSWORD)
    {
      /* spice+tls:// names the TLS port in the authority; spice-gtk ignores
       * these parameters with a warning. */
      g_debug ("SPICE URI: ignoring the %s parameter of a spice+tls URI", key);
      return TRUE;
    }
  if (*seen & which)
    return uri_fail (error, G_URI_ERROR_BAD_QUERY, "'%s' given twice", key);
  *seen |= which;

  value = g_uri_unescape_segment (eq + 1, seg + seg_len, NULL);
  if (value == NULL)
    return uri_fail (error, which == PARAM_PASSWORD ? G_URI_ERROR_BAD_PASSWORD : G_URI_ERROR_BAD_QUERY,
                     "bad percent-encoding in the value of '%s'", key);
  if (which == PARAM_PASSWORD)
    {
      /* key= means unset. */
      tether_spice_secret_clear (&out->password);
      if (value[0] != '\0')
        out->password = value;
      else
        g_free (value);
      return TRUE;
    }

  if (value[0] != '\0' && !tether_spice_port_parse (value, &port))
    {
      g_free (value);
      return uri_fail (error, G_URI_ERROR_BAD_PORT, "'%s' must be a number from 1 to 65535", key);
    }
  if (value[0] != '\0')
    {
      char **slot = which == PARAM_PORT ? &out->port : &out->tls_port;

      g_free (*slot);
      *slot = canonical_port (port);
    }
  g_free (value);
  return TRUE;
}

static gboolean
parse_network_uri (const char *rest, gsize rest_len, gboolean tls_scheme,
                   TetherSpiceUriParts *out, GError **error)
{
  gsize auth_len = strcspn (rest, "/?;");
  const char *at;
  const char *host_port = rest;
  gsize host_port_len = auth_len;
  g_autofree char *port_text = NULL;
  gsize pos;
  guint seen = 0, n_params = 0;
  guint16 port;

  for (gsize i = 0; i < rest_len; i++)
    if ((guchar) rest[i] >= 0x80)
      return uri_fail (error, G_URI_ERROR_FAILED, "non-ASCII characters must be percent-encoded");

  /* userinfo: everything before the last '@' of the authority. */
  at = g_strrstr_len (rest, auth_len, "@");
  if (at != NULL)
    {
      gsize user_len = (gsize) (at - rest);
      g_autofree char *user = NULL;

      if (user_len > TETHER_SPICE_URI_MAX_USER_LENGTH)
        return uri_fail (error, G_URI_ERROR_BAD_USER, "the user name is longer than %u bytes",
                         TETHER_SPICE_URI_MAX_USER_LENGTH);
      if (memchr (rest, ':', user_len) != NULL)
        return uri_fail (error, G_URI_ERROR_BAD_USER,
                         "a password in the user part is not accepted; use the password parameter");
      user = g_uri_unescape_segment (rest, at, NULL);
      if (user == NULL)
        return uri_fail (error, G_URI_ERROR_BAD_USER, "bad percent-encoding in the user name");
      if (user[0] != '\0')
        out->username = g_steal_pointer (&user);
      host_port = at + 1;
      host_port_len = auth_len - user_len - 1;
    }

  if (!split_host_port (host_port, host_port_len, &out->host, &port_text, uri_fail, error))
    return FALSE;
  if (port_text != NULL)
    {
      if (!tether_spice_port_parse (port_text, &port))
        return uri_fail (error, G_URI_ERROR_BAD_PORT, "the port must be a number from 1 to 65535");
      if (tls_scheme)
        {
          out->tls_port = canonical_port (port);
          seen |= PARAM_TLS_PORT;
        }
      else
        {
          out->port = canonical_port (port);
          seen |= PARAM_PORT;
        }
    }

  /* A path other than "" or "/" is ignored, as spice-gtk does. */
  pos = auth_len;
  if (pos < rest_len && rest[pos] == '/')
    {
      gsize path_len = strcspn (rest + pos, "?;");

      if (path_len > 1)
        g_debug ("SPICE URI: ignoring the path");
      pos += path_len;
    }
  if (pos < rest_len)
    {
      /* rest[pos] is '?' or ';': the parameters follow. */
      pos++;
      while (pos < rest_len)
        {
          gsize seg_len = strcspn (rest + pos, "&;");

          if (seg_len > 0)
            {
              if (++n_params > TETHER_SPICE_URI_MAX_PARAMS)
                return uri_fail (error, G_URI_ERROR_BAD_QUERY, "more than %u parameters",
                                 TETHER_SPICE_URI_MAX_PARAMS);
              if (!parse_param (rest + pos, seg_len, tls_scheme, &seen, out, error))
                return FALSE;
            }
          pos += seg_len;
          if (pos < rest_len)
            pos++;  /* the separator */
        }
    }

  if (out->port == NULL && out->tls_port == NULL)
    return uri_fail (error, G_URI_ERROR_BAD_PORT, "no port (give spice://HOST:PORT, "
                     "spice+tls://HOST:PORT, or a port or tls-port parameter)");
  return TRUE;
}

gboolean
tether_spice_uri_parse (const char *uri, TetherSpiceUriParts *out, GError **error)
{
  static const struct {
    const char *prefix;
    gsize len;
  } schemes[] = {
    { "spice://", 8 },
    { "spice+tls://", 12 },
    { "spice+unix://", 13 },
  };
  gsize len, rest_len;
  const char *rest;
  guint scheme;

  memset (out, 0, sizeof *out);
  if (!check_text (uri, TETHER_SPICE_URI_MAX_LENGTH, &len, "URI", uri_fail, error))
    return FALSE;
  for (scheme = 0; scheme < G_N_ELEMENTS (schemes); scheme++)
    if (len >= schemes[scheme].len && g_ascii_strncasecmp (uri, schemes[scheme].prefix, schemes[scheme].len) == 0)
      break;
  if (scheme == G_N_ELEMENTS (schemes))
    return uri_fail (error, G_URI_ERROR_BAD_SCHEME,
                     "the scheme must be spice://, spice+tls:// or spice+unix://");
  rest = uri + schemes[scheme].len;
  rest_len = len - schemes[scheme].len;

  if (scheme == 2)
    {
      /* spice+unix://PATH: the rest is the path, literally (spice-gtk). */
      if (rest_len == 0)
        return uri_fail (error, G_URI_ERROR_BAD_PATH, "no socket path");
      if (rest_len > TETHER_SPICE_UNIX_PATH_MAX_LENGTH)
        return uri_fail (error, G_URI_ERROR_BAD_PATH, "the socket path is longer than %u bytes",
                         TETHER_SPICE_UNIX_PATH_MAX_LENGTH);
      out->unix_path = g_strndup (rest, rest_len);
      return TRUE;
    }

  if (!parse_network_uri (rest, rest_len, scheme == 1, out, error))
    {
      tether_spice_uri_parts_clear (out);
      return FALSE;
    }
  return TRUE;
}

static char *
host_for_uri (const char *host)
{
  if (strchr (host, ':') != NULL)
    return g_strdup_printf ("[%s]", host);
  return g_uri_escape_string (host, NULL, FALSE);
}

char *
tether_spice_uri_compose (const char *host, const char *port, const char *tls_port,
                          const char *unix_path)
{
  g_autofree char *h = NULL;
  guint16 p = 0, t = 0;
  gboolean have_port, have_tls;

  if (unix_path != NULL && unix_path[0] != '\0')
    return g_strconcat ("spice+unix://", unix_path, NULL);
  if (host == NULL || host[0] == '\0')
    return NULL;
  have_port = tether_spice_port_parse (port, &p);
  have_tls = tether_spice_port_parse (tls_port, &t);
  h = host_for_uri (host);
  if (have_port && have_tls)
    return g_strdup_printf ("spice://%s?port=%u&tls-port=%u", h, (guint) p, (guint) t);
  if (have_port)
    return g_strdup_printf ("spice://%s:%u", h, (guint) p);
  if (have_tls)
    return g_strdup_printf ("spice+tls://%s:%u", h, (guint) t);
  return NULL;
}

void
tether_spice_proxy_clear (TetherSpiceProxy *proxy)
{
  g_clear_pointer (&proxy->host, g_free);
  g_clear_pointer (&proxy->user, g_free);
  tether_spice_secret_clear (&proxy->password);
  proxy->port = 0;
  proxy->https = FALSE;
}

static gboolean
parse_proxy (const char *text, TetherSpiceProxy *out, GError **error)
{
  const char *sep;
  const char *rest = text;
  gsize len, rest_len, at_pos;
  const char *at;
  g_autofree char *port_text = NULL;

  if (!check_text (text, TETHER_SPICE_URI_MAX_LENGTH, &len, "proxy", proxy_fail, error))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) text[i] >= 0x80)
      return proxy_fail (error, G_URI_ERROR_FAILED, "non-ASCII characters must be percent-encoded");

  sep = strstr (text, "://");
  if (sep != NULL)
    {
      gsize scheme_len = (gsize) (sep - text);

      if (scheme_len == 4 && g_ascii_strncasecmp (text, "http", 4) == 0)
        out->https = FALSE;
      else if (scheme_len == 5 && g_ascii_strncasecmp (text, "https", 5) == 0)
        out->https = TRUE;
      else
        return proxy_fail (error, G_URI_ERROR_BAD_SCHEME, "the scheme must be http or https");
      rest = sep + 3;
    }
  rest_len = len - (gsize) (rest - text);
  /* Trailing slashes are dropped; any other path is an error. */
  while (rest_len > 0 && rest[rest_len - 1] == '/')
    rest_len--;
  if (strcspn (rest, "/?#") < rest_len)
    return proxy_fail (error, G_URI_ERROR_BAD_PATH, "a proxy has no path, query or fragment");

  at = g_strrstr_len (rest, rest_len, "@");
  if (at != NULL)
    {
      const char *colon;
      gsize user_len;

      at_pos = (gsize) (at - rest);
      if (at_pos > TETHER_SPICE_URI_MAX_USER_LENGTH)
        return proxy_fail (error, G_URI_ERROR_BAD_USER, "the credentials are longer than %u bytes",
                           TETHER_SPICE_URI_MAX_USER_LENGTH);
      colon = memchr (rest, ':', at_pos);
      user_len = colon != NULL ? (gsize) (colon - rest) : at_pos;
      out->user = g_uri_unescape_segment (rest, rest + user_len, NULL);
      if (out->user == NULL)
        return proxy_fail (error, G_URI_ERROR_BAD_USER, "bad percent-encoding in the user name");
      if (out->user[0] == '\0')
        return proxy_fail (error, G_URI_ERROR_BAD_USER, "empty user name");
      if (colon != NULL)
        {
          out->password = g_uri_unescape_segment (colon + 1, at, NULL);
          if (out->password == NULL)
            return proxy_fail (error, G_URI_ERROR_BAD_PASSWORD, "bad percent-encoding in the password");
        }
      rest = at + 1;
      rest_len -= at_pos + 1;
    }

  if (!split_host_port (rest, rest_len, &out->host, &port_text, proxy_fail, error))
    return FALSE;
  if (port_text != NULL)
    {
      if (!tether_spice_port_parse (port_text, &out->port))
        return proxy_fail (error, G_URI_ERROR_BAD_PORT, "the port must be a number from 1 to 65535");
    }
  else
    out->port = out->https ? TETHER_SPICE_PROXY_DEFAULT_HTTPS_PORT : TETHER_SPICE_PROXY_DEFAULT_HTTP_PORT;
  return TRUE;
}

gboolean
tether_spice_proxy_parse (const char *text, TetherSpiceProxy *out, GError **error)
{
  memset (out, 0, sizeof *out);
  if (!parse_proxy (text, out, error))
    {
      tether_spice_proxy_clear (out);
      return FALSE;
    }
  return TRUE;
}
