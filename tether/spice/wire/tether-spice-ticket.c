/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tether-spice-ticket-private.h"

static const char what[] = "SPICE ticket";

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)

/* Sets an error with OpenSSL's first queued reason, and empties the queue
 * so it does not leak into an unrelated later report. */
static gboolean
openssl_error (GError **error, TetherSpiceError code, const char *doing)
{
  unsigned long e = ERR_peek_error ();
  char reason[256] = "";

  if (e != 0)
    ERR_error_string_n (e, reason, sizeof reason);
  ERR_clear_error ();
  return tether_spice_wire_error (error, code, what, "%s%s%s", doing,
                                  reason[0] != '\0' ? ": " : "", reason);
}

static gboolean
all_zero (const guint8 *p, gsize n)
{
  guint8 acc = 0;

  for (gsize i = 0; i < n; i++)
    acc |= p[i];
  return acc == 0;
}

GBytes *
tether_spice_ticket_encrypt (const guint8 *pub_key, gsize pub_key_len,
                             const char *password, GError **error)
{
  g_autoptr(EVP_PKEY) pkey = NULL;
  g_autoptr(EVP_PKEY_CTX) ctx = NULL;
  /* The plaintext: password bytes and the NUL that ends them. */
  guint8 plain[TETHER_SPICE_MAX_PASSWORD_LENGTH + 1];
  gsize plain_len, pw_len;
  guint8 *cipher = NULL;
  size_t cipher_len = 0;
  const unsigned char *p = pub_key;
  gboolean ok;

  g_return_val_if_fail (pub_key != NULL || pub_key_len == 0, NULL);

  pw_len = password != NULL ? strlen (password) : 0;
  if (pw_len > TETHER_SPICE_MAX_PASSWORD_LENGTH)
    {
      tether_spice_wire_error (error, TETHER_SPICE_ERROR_AUTH, what,
                               "the password is %" G_GSIZE_FORMAT " bytes long; "
                               "SPICE allows at most %u",
                               pw_len, TETHER_SPICE_MAX_PASSWORD_LENGTH);
      return NULL;
    }

  if (pub_key_len == 0 || pub_key_len > G_MAXLONG || all_zero (pub_key, pub_key_len))
    {
      tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                               "the server sent no public key (does it want SASL?)");
      return NULL;
    }
  pkey = d2i_PUBKEY (NULL, &p, (long) pub_key_len);
  if (pkey == NULL)
    {
      openssl_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                     "the server's public key is not a DER SubjectPublicKeyInfo");
      return NULL;
    }
  if (!EVP_PKEY_is_a (pkey, "RSA"))
    {
      tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                               "the server's public key is %s, not RSA",
                               EVP_PKEY_get0_type_name (pkey) != NULL
                               ? EVP_PKEY_get0_type_name (pkey) : "of an unknown type");
      return NULL;
    }
  /* A key of another size would give a ticket the server does not expect. */
  if (EVP_PKEY_get_size (pkey) != (int) TETHER_SPICE_TICKET_ENCRYPTED_SIZE)
    {
      tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                               "the server's RSA key has %d bits, not %u",
                               EVP_PKEY_get_bits (pkey), TETHER_SPICE_TICKET_ENCRYPTED_SIZE * 8u);
      return NULL;
    }

  ctx = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  if (ctx == NULL ||
      EVP_PKEY_encrypt_init (ctx) <= 0 ||
      EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_OAEP_PADDING) <= 0 ||
      EVP_PKEY_CTX_set_rsa_oaep_md (ctx, EVP_sha1 ()) <= 0 ||
      EVP_PKEY_CTX_set_rsa_mgf1_md (ctx, EVP_sha1 ()) <= 0)
    {
      openssl_error (error, TETHER_SPICE_ERROR_FAILED, "cannot set up RSA-OAEP");
      return NULL;
    }

  if (pw_len > 0)
    memcpy (plain, password, pw_len);
  plain[pw_len] = '\0';
  plain_len = pw_len + 1;

  cipher_len = TETHER_SPICE_TICKET_ENCRYPTED_SIZE;
  cipher = g_malloc (cipher_len);
  ok = EVP_PKEY_encrypt (ctx, cipher, &cipher_len, plain, plain_len) > 0;
  explicit_bzero (plain, sizeof plain);
  if (!ok || cipher_len != TETHER_SPICE_TICKET_ENCRYPTED_SIZE)
    {
      g_free (cipher);
      openssl_error (error, TETHER_SPICE_ERROR_FAILED, "RSA-OAEP encryption failed");
      return NULL;
    }
  return g_bytes_new_take (cipher, cipher_len);
}
