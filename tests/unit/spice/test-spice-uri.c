/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* SPICE URIs and proxy specifications: vectors, round trips, hostile input. */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tether-spice-uri-private.h"
#include "test-spice-session-helpers.h"

typedef struct {
  const char *uri;
  const char *host, *port, *tls_port, *unix_path, *username, *password;
  const char *canonical;
} GoodUri;

static const GoodUri good_uris[] = {
  { "spice://example.com:5900", "example.com", "5900", NULL, NULL, NULL, NULL, "spice://example.com:5900" },
  { "spice://example.com?port=5900", "example.com", "5900", NULL, NULL, NULL, NULL, "spice://example.com:5900" },
  { "spice://example.com/?port=5900", "example.com", "5900", NULL, NULL, NULL, NULL, "spice://example.com:5900" },
  { "spice://example.com;port=5900", "example.com", "5900", NULL, NULL, NULL, NULL, "spice://example.com:5900" },
  { "spice://10.0.0.1?tls-port=5901", "10.0.0.1", NULL, "5901", NULL, NULL, NULL, "spice+tls://10.0.0.1:5901" },
  { "spice://h?port=1&tls-port=65535", "h", "1", "65535", NULL, NULL, NULL, "spice://h?port=1&tls-port=65535" },
  { "spice://h:5900?tls-port=5901;password=s3cret", "h", "5900", "5901", NULL, NULL, "s3cret",
    "spice://h?port=5900&tls-port=5901" },
  { "spice://h:5900?password=a%26b%3Dc%20d", "h", "5900", NULL, NULL, NULL, "a&b=c d", "spice://h:5900" },
  { "spice://h:5900?password=", "h", "5900", NULL, NULL, NULL, NULL, "spice://h:5900" },
  { "spice://h?port=5900&tls-port=", "h", "5900", NULL, NULL, NULL, NULL, "spice://h:5900" },
  { "spice://h?port=05900", "h", "5900", NULL, NULL, NULL, NULL, "spice://h:5900" },
  { "spice://h:5900?TLS-PORT=", "h", "5900", NULL, NULL, NULL, NULL, "spice://h:5900" },
  { "spice://alice@h:5900", "h", "5900", NULL, NULL, "alice", NULL, "spice://h:5900" },
  { "spice://al%40ice@h:5900", "h", "5900", NULL, NULL, "al@ice", NULL, "spice://h:5900" },
  { "spice://[::1]:5900", "::1", "5900", NULL, NULL, NULL, NULL, "spice://[::1]:5900" },
  { "spice://[fe80::1%eth0]?tls-port=7", "fe80::1%eth0", NULL, "7", NULL, NULL, NULL, "spice+tls://[fe80::1%eth0]:7" },
  { "spice+tls://h:5901", "h", NULL, "5901", NULL, NULL, NULL, "spice+tls://h:5901" },
  { "SPICE+TLS://h:5901", "h", NULL, "5901", NULL, NULL, NULL, "spice+tls://h:5901" },
  /* spice+tls ignores port and tls-port parameters (spice-gtk warns). */
  { "spice+tls://h:5901?port=5900&tls-port=1", "h", NULL, "5901", NULL, NULL, NULL, "spice+tls://h:5901" },
  { "spice+tls://h:5901?password=pw", "h", NULL, "5901", NULL, NULL, "pw", "spice+tls://h:5901" },
  { "spice://my-host_1.example:5900/ignored/path", "my-host_1.example", "5900", NULL, NULL, NULL, NULL,
    "spice://my-host_1.example:5900" },
  { "spice://h:5900?&&tls-port=", "h", "5900", NULL, NULL, NULL, NULL, "spice://h:5900" },
  { "spice+unix:///run/spice.sock", NULL, NULL, NULL, "/run/spice.sock", NULL, NULL, "spice+unix:///run/spice.sock" },
  /* Everything after spice+unix:// is the path, literally. */
  { "spice+unix:///tmp/a?b%20c", NULL, NULL, NULL, "/tmp/a?b%20c", NULL, NULL, "spice+unix:///tmp/a?b%20c" },
  { "spice+unix://relative", NULL, NULL, NULL, "relative", NULL, NULL, "spice+unix://relative" },
};

static void
check_parts (const GoodUri *v, const TetherSpiceUriParts *p)
{
  g_assert_cmpstr (p->host, ==, v->host);
  g_assert_cmpstr (p->port, ==, v->port);
  g_assert_cmpstr (p->tls_port, ==, v->tls_port);
  g_assert_cmpstr (p->unix_path, ==, v->unix_path);
  g_assert_cmpstr (p->username, ==, v->username);
  g_assert_cmpstr (p->password, ==, v->password);
}

static void
test_uri_good (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_uris); i++)
    {
      const GoodUri *v = &good_uris[i];
      TetherSpiceUriParts p, again;
      g_autoptr(GError) error = NULL;
      g_autofree char *canonical = NULL;
      g_autofree char *canonical2 = NULL;

      test_note (v->uri);
      g_assert_true (tether_spice_uri_parse (v->uri, &p, &error));
      g_assert_no_error (error);
      check_parts (v, &p);

      /* The canonical form, and it parses back to the same place. */
      canonical = tether_spice_uri_compose (p.host, p.port, p.tls_port, p.unix_path);
      g_assert_cmpstr (canonical, ==, v->canonical);
      g_assert_true (tether_spice_uri_parse (canonical, &again, &error));
      g_assert_no_error (error);
      g_assert_cmpstr (again.host, ==, p.host);
      g_assert_cmpstr (again.port, ==, p.port);
      g_assert_cmpstr (again.tls_port, ==, p.tls_port);
      g_assert_cmpstr (again.unix_path, ==, p.unix_path);
      g_assert_null (again.password);
      canonical2 = tether_spice_uri_compose (again.host, again.port, again.tls_port, again.unix_path);
      g_assert_cmpstr (canonical2, ==, canonical);
      tether_spice_uri_parts_clear (&again);
      tether_spice_uri_parts_clear (&p);
      g_assert_null (p.host);
      g_assert_null (p.password);
    }
}

typedef struct {
  const char *uri;
  GUriError   code;
} BadUri;

static const BadUri bad_uris[] = {
  { "", G_URI_ERROR_BAD_SCHEME },
  { "http://h:5900", G_URI_ERROR_BAD_SCHEME },
  { "spice:/h:5900", G_URI_ERROR_BAD_SCHEME },
  { "spice", G_URI_ERROR_BAD_SCHEME },
  { "vnc://h:5900", G_URI_ERROR_BAD_SCHEME },
  { "spice://h", G_URI_ERROR_BAD_PORT },
  { "spice://h:", G_URI_ERROR_BAD_PORT },
  { "spice://h:0", G_URI_ERROR_BAD_PORT },
  { "spice://h:65536", G_URI_ERROR_BAD_PORT },
  { "spice://h:-1", G_URI_ERROR_BAD_PORT },
  { "spice://h:+5900", G_URI_ERROR_BAD_PORT },
  { "spice://h:59 00", G_URI_ERROR_BAD_PORT },
  { "spice://h:0x10", G_URI_ERROR_BAD_PORT },
  { "spice://h:123456", G_URI_ERROR_BAD_PORT },
  { "spice://h?port=abc", G_URI_ERROR_BAD_PORT },
  { "spice://h?tls-port=70000", G_URI_ERROR_BAD_PORT },
  { "spice://h?port=", G_URI_ERROR_BAD_PORT },
  { "spice://:5900", G_URI_ERROR_BAD_HOST },
  { "spice://?port=5900", G_URI_ERROR_BAD_HOST },
  { "spice://h%00x:5900", G_URI_ERROR_BAD_HOST },
  { "spice://h%zz:5900", G_URI_ERROR_BAD_HOST },
  { "spice://bad host:5900", G_URI_ERROR_BAD_HOST },
  { "spice://h%2Fx:5900", G_URI_ERROR_BAD_HOST },
  { "spice://[::1:5900", G_URI_ERROR_BAD_HOST },
  { "spice://[1.2.3.4]:5900", G_URI_ERROR_BAD_HOST },
  { "spice://[::1]x:5900", G_URI_ERROR_BAD_HOST },
  { "spice://[::g]:5900", G_URI_ERROR_BAD_HOST },
  { "spice://[::1%]:5900", G_URI_ERROR_BAD_HOST },
  { "spice://h:5900:1", G_URI_ERROR_BAD_PORT },
  { "spice://user:pw@h:5900", G_URI_ERROR_BAD_USER },
  { "spice://u%zz@h:5900", G_URI_ERROR_BAD_USER },
  { "spice://h:5900?foo=1", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?port", G_URI_ERROR_BAD_QUERY },
  { "spice://h?port=5900&port=5900", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?port=5900", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?password=a&password=b", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?=1", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?pass_word=1", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?password=%zz", G_URI_ERROR_BAD_PASSWORD },
  { "spice://h:5900?password=a%00b", G_URI_ERROR_BAD_PASSWORD },
  { "spice://h:5900?abcdefghijabcdefghijabcdefghijab=1", G_URI_ERROR_BAD_QUERY },
  { "spice://h:5900?a=&b=&c=&d=&e=&f=&g=&h=&i=", G_URI_ERROR_BAD_QUERY },
  { "spice://h\x01:5900", G_URI_ERROR_FAILED },
  { "spice://h:5900\n", G_URI_ERROR_FAILED },
  { "spice://h\x7f:5900", G_URI_ERROR_FAILED },
  { "spice://h\xc3\xa9:5900", G_URI_ERROR_FAILED },
  { "spice://h:5900?password=\xff", G_URI_ERROR_FAILED },
  { "spice+unix://", G_URI_ERROR_BAD_PATH },
  { "spice+tls://h", G_URI_ERROR_BAD_PORT },
};

static void
test_uri_bad (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (bad_uris); i++)
    {
      TetherSpiceUriParts p;
      g_autoptr(GError) error = NULL;

      test_note (bad_uris[i].uri);
      g_assert_false (tether_spice_uri_parse (bad_uris[i].uri, &p, &error));
      g_assert_error (error, G_URI_ERROR, (gint) bad_uris[i].code);
      g_assert_null (p.host);
      g_assert_null (p.port);
      g_assert_null (p.password);
      g_assert_null (p.unix_path);
    }
}

static void
test_uri_limits (void)
{
  TetherSpiceUriParts p;
  g_autoptr(GError) error = NULL;
  g_autofree char *long_host = g_strnfill (TETHER_SPICE_URI_MAX_HOST_LENGTH, 'a');
  g_autofree char *longer_host = g_strnfill (TETHER_SPICE_URI_MAX_HOST_LENGTH + 1, 'a');
  g_autofree char *value127 = g_strnfill (TETHER_SPICE_URI_MAX_VALUE_LENGTH, 'p');
  g_autofree char *value128 = g_strnfill (TETHER_SPICE_URI_MAX_VALUE_LENGTH + 1, 'p');
  g_autofree char *path107 = g_strnfill (TETHER_SPICE_UNIX_PATH_MAX_LENGTH, 'x');
  g_autofree char *path108 = g_strnfill (TETHER_SPICE_UNIX_PATH_MAX_LENGTH + 1, 'x');
  g_autofree char *huge = g_strnfill (TETHER_SPICE_URI_MAX_LENGTH + 1, 'a');
  char *uri;

  uri = g_strdup_printf ("spice://%s:1", long_host);
  g_assert_true (tether_spice_uri_parse (uri, &p, &error));
  g_assert_cmpuint (strlen (p.host), ==, TETHER_SPICE_URI_MAX_HOST_LENGTH);
  tether_spice_uri_parts_clear (&p);
  g_free (uri);

  uri = g_strdup_printf ("spice://%s:1", longer_host);
  g_assert_false (tether_spice_uri_parse (uri, &p, &error));
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_BAD_HOST);
  g_clear_error (&error);
  g_free (uri);

  uri = g_strdup_printf ("spice://h:1?password=%s", value127);
  g_assert_true (tether_spice_uri_parse (uri, &p, &error));
  g_assert_cmpstr (p.password, ==, value127);
  tether_spice_uri_parts_clear (&p);
  g_free (uri);

  uri = g_strdup_printf ("spice://h:1?password=%s", value128);
  g_assert_false (tether_spice_uri_parse (uri, &p, &error));
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_BAD_QUERY);
  /* The message names the key, never the value. */
  g_assert_nonnull (strstr (error->message, "password"));
  g_assert_null (strstr (error->message, "ppp"));
  g_clear_error (&error);
  g_free (uri);

  uri = g_strdup_printf ("spice+unix://%s", path107);
  g_assert_true (tether_spice_uri_parse (uri, &p, &error));
  tether_spice_uri_parts_clear (&p);
  g_free (uri);

  uri = g_strdup_printf ("spice+unix://%s", path108);
  g_assert_false (tether_spice_uri_parse (uri, &p, &error));
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_BAD_PATH);
  g_clear_error (&error);
  g_free (uri);

  memcpy (huge, "spice://", 8);
  g_assert_false (tether_spice_uri_parse (huge, &p, &error));
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_FAILED);
  g_clear_error (&error);

  g_assert_false (tether_spice_uri_parse (NULL, &p, &error));
  g_assert_error (error, G_URI_ERROR, G_URI_ERROR_FAILED);
}

/* Error messages never quote a password. */
static void
test_uri_no_secret_in_errors (void)
{
  static const char * const uris[] = {
    "spice://h?password=SECRETVALUE&foo=1",
    "spice://h?password=SECRETVALUE&port=x",
    "spice://h?password=SECRETVALUE",
    "spice://h:1?password=SECRETVALUE&password=SECRETVALUE",
    "spice://SECRETVALUE:SECRETVALUE@h:1",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (uris); i++)
    {
      TetherSpiceUriParts p;
      g_autoptr(GError) error = NULL;

      g_assert_false (tether_spice_uri_parse (uris[i], &p, &error));
      g_assert_nonnull (error);
      g_assert_null (strstr (error->message, "SECRETVALUE"));
    }
}

/* Every prefix of every valid URI either parses or fails with an error. */
static void
test_uri_prefixes (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (good_uris); i++)
    {
      gsize len = strlen (good_uris[i].uri);

      for (gsize n = 0; n < len; n++)
        {
          g_autofree char *prefix = g_strndup (good_uris[i].uri, n);
          TetherSpiceUriParts p;
          GError *error = NULL;

          if (tether_spice_uri_parse (prefix, &p, &error))
            {
              g_assert_no_error (error);
              g_assert_true (p.unix_path != NULL || p.port != NULL || p.tls_port != NULL);
              tether_spice_uri_parts_clear (&p);
            }
          else
            {
              g_assert_nonnull (error);
              g_assert_true (error->domain == G_URI_ERROR);
              g_error_free (error);
            }
        }
    }
}

static void
test_uri_compose (void)
{
  struct {
    const char *host, *port, *tls, *path, *expected;
  } v[] = {
    { "h", "1", NULL, NULL, "spice://h:1" },
    { "h", NULL, "2", NULL, "spice+tls://h:2" },
    { "h", "1", "2", NULL, "spice://h?port=1&tls-port=2" },
    { "h", NULL, NULL, NULL, NULL },
    { NULL, "1", NULL, NULL, NULL },
    { "", "1", NULL, NULL, NULL },
    { "h", "bad", NULL, NULL, NULL },
    { "h", "0", "2", NULL, "spice+tls://h:2" },
    { "::1", "1", NULL, NULL, "spice://[::1]:1" },
    { "a b", "1", NULL, NULL, "spice://a%20b:1" },
    { "h", "1", "2", "/p", "spice+unix:///p" },
    { NULL, NULL, NULL, "", NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      g_autofree char *got = tether_spice_uri_compose (v[i].host, v[i].port, v[i].tls, v[i].path);

      g_assert_cmpstr (got, ==, v[i].expected);
    }
}

static void
test_port_parse (void)
{
  guint16 port = 0;

  g_assert_true (tether_spice_port_parse ("1", &port));
  g_assert_cmpuint (port, ==, 1);
  g_assert_true (tether_spice_port_parse ("65535", &port));
  g_assert_cmpuint (port, ==, 65535);
  g_assert_true (tether_spice_port_parse ("00080", &port));
  g_assert_cmpuint (port, ==, 80);
  g_assert_false (tether_spice_port_parse ("0", &port));
  g_assert_false (tether_spice_port_parse ("65536", &port));
  g_assert_false (tether_spice_port_parse ("000080", &port));
  g_assert_false (tether_spice_port_parse ("", &port));
  g_assert_false (tether_spice_port_parse (NULL, &port));
  g_assert_false (tether_spice_port_parse (" 80", &port));
  g_assert_false (tether_spice_port_parse ("80 ", &port));
  g_assert_false (tether_spice_port_parse ("-80", &port));
  g_assert_false (tether_spice_port_parse ("+80", &port));
}

static void
test_host_valid (void)
{
  g_assert_true (tether_spice_host_is_valid ("localhost"));
  g_assert_true (tether_spice_host_is_valid ("127.0.0.1"));
  g_assert_true (tether_spice_host_is_valid ("::1"));
  g_assert_true (tether_spice_host_is_valid ("fe80::1%eth0"));
  g_assert_true (tether_spice_host_is_valid ("a_b-c.d"));
  g_assert_false (tether_spice_host_is_valid (""));
  g_assert_false (tether_spice_host_is_valid (NULL));
  g_assert_false (tether_spice_host_is_valid ("a b"));
  g_assert_false (tether_spice_host_is_valid ("a\r\nHost: x"));
  g_assert_false (tether_spice_host_is_valid ("a/b"));
  g_assert_false (tether_spice_host_is_valid ("::g"));
  g_assert_false (tether_spice_host_is_valid ("1::2::3"));
  g_assert_false (tether_spice_host_is_valid ("fe80::1%"));
  g_assert_false (tether_spice_host_is_valid ("fe80::1%e/0"));
}

/* ---- proxies ---- */

typedef struct {
  const char *text;
  gboolean    https;
  const char *host;
  guint16     port;
  const char *user, *password;
} GoodProxy;

static void
test_proxy_good (void)
{
  static const GoodProxy v[] = {
    { "proxy", FALSE, "proxy", 3128, NULL, NULL },
    { "proxy:8080", FALSE, "proxy", 8080, NULL, NULL },
    { "http://proxy:8080/", FALSE, "proxy", 8080, NULL, NULL },
    { "HTTP://proxy///", FALSE, "proxy", 3128, NULL, NULL },
    { "https://proxy", TRUE, "proxy", 3129, NULL, NULL },
    { "http://u@proxy:1", FALSE, "proxy", 1, "u", NULL },
    { "http://u:p%40ss@proxy:1", FALSE, "proxy", 1, "u", "p@ss" },
    { "http://u:@proxy", FALSE, "proxy", 3128, "u", "" },
    { "[::1]:3", FALSE, "::1", 3, NULL, NULL },
    { "http://u:a:b@10.1.2.3", FALSE, "10.1.2.3", 3128, "u", "a:b" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      TetherSpiceProxy p;
      g_autoptr(GError) error = NULL;

      test_note (v[i].text);
      g_assert_true (tether_spice_proxy_parse (v[i].text, &p, &error));
      g_assert_no_error (error);
      g_assert_cmpint (p.https, ==, v[i].https);
      g_assert_cmpstr (p.host, ==, v[i].host);
      g_assert_cmpuint (p.port, ==, v[i].port);
      g_assert_cmpstr (p.user, ==, v[i].user);
      g_assert_cmpstr (p.password, ==, v[i].password);
      tether_spice_proxy_clear (&p);
      g_assert_null (p.password);
    }
}

static void
test_proxy_bad (void)
{
  static const struct {
    const char *text;
    GUriError   code;
  } v[] = {
    { "", G_URI_ERROR_BAD_HOST },
    { "socks5://proxy", G_URI_ERROR_BAD_SCHEME },
    { "://proxy", G_URI_ERROR_BAD_SCHEME },
    { "http://", G_URI_ERROR_BAD_HOST },
    { "http://proxy:0", G_URI_ERROR_BAD_PORT },
    { "http://proxy:x", G_URI_ERROR_BAD_PORT },
    { "http://proxy:", G_URI_ERROR_BAD_PORT },
    { "http://proxy/path", G_URI_ERROR_BAD_PATH },
    { "http://proxy?q", G_URI_ERROR_BAD_PATH },
    { "http://proxy#f", G_URI_ERROR_BAD_PATH },
    { "http://:p@proxy", G_URI_ERROR_BAD_USER },
    { "http://u%zz@proxy", G_URI_ERROR_BAD_USER },
    { "http://u:%zz@proxy", G_URI_ERROR_BAD_PASSWORD },
    { "http://pro xy", G_URI_ERROR_BAD_HOST },
    { "http://[::1", G_URI_ERROR_BAD_HOST },
    { "http://proxy\r\n", G_URI_ERROR_FAILED },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      TetherSpiceProxy p;
      g_autoptr(GError) error = NULL;

      test_note (v[i].text);
      g_assert_false (tether_spice_proxy_parse (v[i].text, &p, &error));
      g_assert_error (error, G_URI_ERROR, (gint) v[i].code);
      g_assert_null (p.host);
      g_assert_null (p.user);
      g_assert_null (p.password);
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/uri/good", test_uri_good);
  g_test_add_func ("/spice/uri/bad", test_uri_bad);
  g_test_add_func ("/spice/uri/limits", test_uri_limits);
  g_test_add_func ("/spice/uri/no-secret-in-errors", test_uri_no_secret_in_errors);
  g_test_add_func ("/spice/uri/prefixes", test_uri_prefixes);
  g_test_add_func ("/spice/uri/compose", test_uri_compose);
  g_test_add_func ("/spice/uri/port", test_port_parse);
  g_test_add_func ("/spice/uri/host", test_host_valid);
  g_test_add_func ("/spice/proxy/good", test_proxy_good);
  g_test_add_func ("/spice/proxy/bad", test_proxy_bad);
  return g_test_run ();
}
