/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes what TLS set-up reads: the `ca` property's PEM text (split into
 * certificates), a server certificate (DER) through the verify checks and
 * the subject shown in messages, and the `ciphers` text. The first byte
 * picks the input kind; the rest is the input.
 */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-spice-tls-private.h"
#include "fuzz-common.h"

static void
check_tls_error (gboolean ok, GError *error)
{
  if (ok != (error == NULL))
    __builtin_trap ();
  if (error != NULL)
    {
      if (error->message == NULL || !g_utf8_validate (error->message, -1, NULL))
        __builtin_trap ();
      g_error_free (error);
    }
}

static void
fuzz_pem (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  GPtrArray *certs = tether_spice_tls_certs_from_pem ((const char *) data, size, &error);

  if ((certs == NULL) == (error == NULL))
    __builtin_trap ();
  if (certs != NULL && certs->len > TETHER_SPICE_CA_MAX_CERTS)
    __builtin_trap ();
  for (guint i = 0; certs != NULL && i < certs->len; i++)
    if (g_ptr_array_index (certs, i) == NULL)
      __builtin_trap ();
  if (error != NULL && !g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS))
    __builtin_trap ();
  g_clear_pointer (&certs, g_ptr_array_unref);
  g_clear_error (&error);
}

static void
fuzz_leaf (const uint8_t *data, size_t size)
{
  static const TetherSpiceSessionVerify verifies[] = {
    TETHER_SPICE_SESSION_VERIFY_HOSTNAME,
    TETHER_SPICE_SESSION_VERIFY_SUBJECT,
    TETHER_SPICE_SESSION_VERIFY_PUBKEY,
    TETHER_SPICE_SESSION_VERIFY_PUBKEY | TETHER_SPICE_SESSION_VERIFY_HOSTNAME,
  };
  TetherSpiceTlsParams params = { 0 };
  char *subject = tether_spice_cert_subject_from_der (data, size);

  if (subject != NULL && !g_utf8_validate (subject, -1, NULL))
    __builtin_trap ();
  params.host = (char *) "localhost";
  params.cert_subject = (char *) "C=XX,O=Tether Test,CN=localhost";
  params.pubkey = g_bytes_new_static (data, MIN (size, 200));
  for (gsize i = 0; i < G_N_ELEMENTS (verifies); i++)
    {
      GError *error = NULL;
      gboolean ok;

      params.verify = verifies[i];
      ok = tether_spice_tls_check_leaf (&params, data, size, 0, &error);
      check_tls_error (ok, error);
      error = NULL;
      ok = tether_spice_tls_check_leaf (&params, data, size, G_TLS_CERTIFICATE_UNKNOWN_CA, &error);
      check_tls_error (ok, error);
    }
  g_bytes_unref (params.pubkey);
  g_free (subject);
}

static void
fuzz_ciphers (const uint8_t *data, size_t size)
{
  char *text = g_strndup ((const char *) data, size);
  GError *error = NULL;
  gboolean ok = tether_spice_tls_check_ciphers (text, &error);

  check_tls_error (ok, error);
  g_free (text);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  if (size == 0)
    return 0;
  switch (data[0] % 3)
    {
    case 0: fuzz_pem (data + 1, size - 1); break;
    case 1: fuzz_leaf (data + 1, size - 1); break;
    default: fuzz_ciphers (data + 1, size - 1); break;
    }
  return 0;
}
