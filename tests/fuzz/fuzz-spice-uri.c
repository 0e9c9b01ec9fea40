/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the text parsers around a SPICE connection: the URI (with the
 * compose/parse round trip), the proxy specification, the cert-subject
 * syntax and the proxy's HTTP status line. The first byte picks the parser;
 * the rest is the text.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tether-spice-uri-private.h"
#include "tether-spice-tls-private.h"
#include "tether-spice-transport-private.h"
#include "fuzz-common.h"

static void
check_error (gboolean ok, GError *error)
{
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL)
    {
      if (error->message == NULL)
        __builtin_trap ();
      g_error_free (error);
    }
}

static void
fuzz_uri (const char *text)
{
  TetherSpiceUriParts p, again;
  GError *error = NULL;
  gboolean ok = tether_spice_uri_parse (text, &p, &error);
  char *canonical;

  check_error (ok, error);
  if (!ok)
    {
      if (p.host != NULL || p.password != NULL || p.unix_path != NULL)
        __builtin_trap ();
      return;
    }
  if (p.unix_path == NULL && (!tether_spice_host_is_valid (p.host) || (p.port == NULL && p.tls_port == NULL)))
    __builtin_trap ();
  if (p.port != NULL && !tether_spice_port_parse (p.port, NULL))
    __builtin_trap ();
  if (p.tls_port != NULL && !tether_spice_port_parse (p.tls_port, NULL))
    __builtin_trap ();
  /* The canonical form parses back to the same server. */
  canonical = tether_spice_uri_compose (p.host, p.port, p.tls_port, p.unix_path);
  if (canonical == NULL)
    __builtin_trap ();
  if (!tether_spice_uri_parse (canonical, &again, NULL))
    __builtin_trap ();
  if (g_strcmp0 (again.host, p.host) != 0 || g_strcmp0 (again.port, p.port) != 0 ||
      g_strcmp0 (again.tls_port, p.tls_port) != 0 || g_strcmp0 (again.unix_path, p.unix_path) != 0 ||
      again.password != NULL)
    __builtin_trap ();
  tether_spice_uri_parts_clear (&again);
  tether_spice_uri_parts_clear (&p);
  g_free (canonical);
}

static void
fuzz_proxy (const char *text)
{
  TetherSpiceProxy p;
  GError *error = NULL;
  gboolean ok = tether_spice_proxy_parse (text, &p, &error);

  check_error (ok, error);
  if (ok && (!tether_spice_host_is_valid (p.host) || p.port == 0))
    __builtin_trap ();
  tether_spice_proxy_clear (&p);
}

static void
fuzz_subject (const char *text)
{
  GPtrArray *rdns = NULL;
  GError *error = NULL;
  gboolean ok = tether_spice_cert_subject_parse (text, &rdns, &error);

  check_error (ok, error);
  if (ok)
    {
      if (rdns == NULL || rdns->len == 0)
        __builtin_trap ();
      for (guint i = 0; i < rdns->len; i++)
        {
          TetherSpiceRdn *rdn = g_ptr_array_index (rdns, i);

          if (rdn->key[0] == '\0' || rdn->value[0] == '\0')
            __builtin_trap ();
        }
      g_ptr_array_unref (rdns);
    }
  else if (rdns != NULL)
    __builtin_trap ();
}

static void
fuzz_status (const uint8_t *data, size_t size)
{
  guint status = 0;
  char *reason = NULL;
  GError *error = NULL;
  gboolean ok = tether_spice_http_parse_status ((const char *) data, size, &status, &reason, &error);

  check_error (ok, error);
  if (ok && (status < 100 || status > 999 || reason == NULL || strlen (reason) > 100))
    __builtin_trap ();
  g_free (reason);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  char *text;

  if (size == 0)
    return 0;
  /* The parsers take C strings: cut at a NUL as a caller's string would be. */
  text = g_strndup ((const char *) data + 1, size - 1);
  switch (data[0] % 4)
    {
    case 0: fuzz_uri (text); break;
    case 1: fuzz_proxy (text); break;
    case 2: fuzz_subject (text); break;
    default: fuzz_status (data + 1, size - 1); break;
    }
  g_free (text);
  return 0;
}
