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

/* A 1024-bit RSA public key (DER SubjectPublicKeyInfo) made for the warm-up
 * alone; its private half was thrown away. */
static const guint8 warm_up_key[] = {
  0x30, 0x81, 0x9f, 0x30, 0x0d, 0x06, 0x09, 0x2a, 0x86, 0x48, 0x86, 0xf7,
  0x0d, 0x01, 0x01, 0x01, 0x05, 0x00, 0x03, 0x81, 0x8d, 0x00, 0x30, 0x81,
  0x89, 0x02, 0x81, 0x81, 0x00, 0xc2, 0xe6, 0xb9, 0x20, 0xe0, 0x8c, 0xd8,
  0x41, 0x62, 0x2c, 0x94, 0x65, 0x22, 0x38, 0xb7, 0xc8, 0x27, 0xb2, 0x10,
  0x06, 0x53, 0xbf, 0x20, 0x4f, 0x3a, 0x5e, 0xcc, 0x90, 0xfb, 0xf6, 0x6c,
  0xe3, 0xb6, 0x61, 0x61, 0xd7, 0x61, 0xc8, 0x9e, 0x7c, 0x31, 0xfe, 0x22,
  0xbb, 0x81, 0x69, 0x66, 0x07, 0xe4, 0xf4, 0x6a, 0x98, 0x4a, 0x84, 0x75,
  0xb7, 0x05, 0x04, 0x29, 0x65, 0xfa, 0x76, 0xe8, 0x89, 0x31, 0x32, 0x4e,
  0x46, 0x45, 0x77, 0xcf, 0xe7, 0x38, 0x7b, 0x37, 0xe7, 0xd2, 0x10, 0x4e,
  0xd0, 0xa6, 0xd0, 0x9c, 0x09, 0x75, 0xde, 0xdc, 0x8e, 0x69, 0xbe, 0xd2,
  0xb0, 0xc8, 0x65, 0xe7, 0xc6, 0x4b, 0x29, 0x23, 0x3c, 0xd8, 0x1a, 0xca,
  0x0b, 0x47, 0xfe, 0xf3, 0x34, 0x3d, 0x25, 0x53, 0xd3, 0x3b, 0xff, 0xde,
  0x98, 0x87, 0xff, 0xba, 0xff, 0x5b, 0xc2, 0x0b, 0xde, 0xda, 0xc6, 0x80,
  0xed, 0x02, 0x03, 0x01, 0x00, 0x01
};

void
tether_spice_ticket_warm_up (void)
{
  static gsize done = 0;

  if (g_once_init_enter (&done))
    {
      g_autoptr(GBytes) ticket = tether_spice_ticket_encrypt (warm_up_key, sizeof warm_up_key, NULL, NULL);

      g_once_init_leave (&done, ticket != NULL ? 1 : 2);
    }
}
