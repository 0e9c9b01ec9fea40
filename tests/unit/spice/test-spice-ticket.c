/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>

#include "tether-spice-ticket-private.h"
#include "spice-wire-test.h"

G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY, EVP_PKEY_free)
G_DEFINE_AUTOPTR_CLEANUP_FUNC (EVP_PKEY_CTX, EVP_PKEY_CTX_free)

/* A fresh key pair, as the server makes one per connection. */
static EVP_PKEY *
make_rsa (guint bits)
{
  EVP_PKEY *pkey = EVP_RSA_gen (bits);

  g_assert_nonnull (pkey);
  return pkey;
}

/* The public half as DER SubjectPublicKeyInfo, as in SpiceLinkReply. */
static GBytes *
public_der (EVP_PKEY *pkey)
{
  unsigned char *der = NULL;
  int len = i2d_PUBKEY (pkey, &der);
  GBytes *bytes;

  g_assert_cmpint (len, >, 0);
  bytes = g_bytes_new (der, (gsize) len);
  OPENSSL_free (der);
  return bytes;
}

static GBytes *
decrypt (EVP_PKEY *pkey, GBytes *cipher)
{
  g_autoptr(EVP_PKEY_CTX) ctx = EVP_PKEY_CTX_new_from_pkey (NULL, pkey, NULL);
  guint8 out[256];
  size_t out_len = sizeof out;
  gsize in_len;
  const guint8 *in = g_bytes_get_data (cipher, &in_len);

  g_assert_nonnull (ctx);
  g_assert_cmpint (EVP_PKEY_decrypt_init (ctx), >, 0);
  g_assert_cmpint (EVP_PKEY_CTX_set_rsa_padding (ctx, RSA_PKCS1_OAEP_PADDING), >, 0);
  g_assert_cmpint (EVP_PKEY_CTX_set_rsa_oaep_md (ctx, EVP_sha1 ()), >, 0);
  g_assert_cmpint (EVP_PKEY_CTX_set_rsa_mgf1_md (ctx, EVP_sha1 ()), >, 0);
  g_assert_cmpint (EVP_PKEY_decrypt (ctx, out, &out_len, in, in_len), >, 0);
  return g_bytes_new (out, out_len);
}

static void
check_round_trip (EVP_PKEY *pkey, GBytes *der, const char *password,
                  const guint8 *expected_plain, gsize expected_len)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GBytes) ticket = NULL;
  g_autoptr(GBytes) plain = NULL;
  gsize der_len;
  const guint8 *der_data = g_bytes_get_data (der, &der_len);

  ticket = tether_spice_ticket_encrypt (der_data, der_len, password, &error);
  g_assert_no_error (error);
  g_assert_nonnull (ticket);
  g_assert_cmpuint (g_bytes_get_size (ticket), ==, TETHER_SPICE_TICKET_ENCRYPTED_SIZE);
  plain = decrypt (pkey, ticket);
  spice_test_assert_bytes (plain, expected_plain, expected_len);
}

static void
test_ticket_round_trip (void)
{
  g_autoptr(EVP_PKEY) pkey = make_rsa (1024);
  g_autoptr(GBytes) der = public_der (pkey);
  char sixty[TETHER_SPICE_MAX_PASSWORD_LENGTH + 1];
  guint8 sixty_plain[TETHER_SPICE_MAX_PASSWORD_LENGTH + 1];

  /* The reply carries exactly 162 bytes of key. */
  g_assert_cmpuint (g_bytes_get_size (der), ==, TETHER_SPICE_TICKET_PUBKEY_BYTES);

  /* The plaintext is the password and its NUL. */
  check_round_trip (pkey, der, "s3cret", (const guint8 *) "s3cret", 7);
  check_round_trip (pkey, der, "pässwörd", (const guint8 *) "pässwörd", strlen ("pässwörd") + 1);
  /* No password: the single byte 0. */
  check_round_trip (pkey, der, "", (const guint8 *) "", 1);
  check_round_trip (pkey, der, NULL, (const guint8 *) "", 1);

  /* The longest allowed password. */
  memset (sixty, 'x', TETHER_SPICE_MAX_PASSWORD_LENGTH);
  sixty[TETHER_SPICE_MAX_PASSWORD_LENGTH] = '\0';
  memcpy (sixty_plain, sixty, sizeof sixty_plain);
  check_round_trip (pkey, der, sixty, sixty_plain, sizeof sixty_plain);
}

/* The warm-up leaves nothing behind that changes a ticket, and runs once. */
static void
test_ticket_warm_up (void)
{
  g_autoptr(EVP_PKEY) pkey = make_rsa (1024);
  g_autoptr(GBytes) der = public_der (pkey);

  tether_spice_ticket_warm_up ();
  tether_spice_ticket_warm_up ();
  check_round_trip (pkey, der, "after warm-up", (const guint8 *) "after warm-up", 14);
}

static void
test_ticket_randomised (void)
{
  g_autoptr(EVP_PKEY) pkey = make_rsa (1024);
  g_autoptr(GBytes) der = public_der (pkey);
  g_autoptr(GBytes) a = NULL;
  g_autoptr(GBytes) b = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  /* OAEP is randomised: the same password never gives the same ticket. */
  a = tether_spice_ticket_encrypt (data, len, "same", NULL);
  b = tether_spice_ticket_encrypt (data, len, "same", NULL);
  g_assert_nonnull (a);
  g_assert_nonnull (b);
  g_assert_false (g_bytes_equal (a, b));
}

static void
test_ticket_too_long (void)
{
  g_autoptr(EVP_PKEY) pkey = make_rsa (1024);
  g_autoptr(GBytes) der = public_der (pkey);
  char long_pw[TETHER_SPICE_MAX_PASSWORD_LENGTH + 2];
  g_autoptr(GError) error = NULL;
  gsize len;
  const guint8 *data = g_bytes_get_data (der, &len);

  memset (long_pw, 'y', sizeof long_pw - 1);
  long_pw[sizeof long_pw - 1] = '\0';
  g_assert_null (tether_spice_ticket_encrypt (data, len, long_pw, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_AUTH);
  g_assert_nonnull (strstr (error->message, "61 bytes"));
  g_assert_nonnull (strstr (error->message, "at most 60"));
  /* The password itself never appears in the message. */
  g_assert_null (strstr (error->message, "yyyy"));
}

static void
test_ticket_bad_keys (void)
{
  g_autoptr(EVP_PKEY) big = make_rsa (2048);
  g_autoptr(GBytes) big_der = public_der (big);
  g_autoptr(EVP_PKEY) ec = EVP_EC_gen ("P-256");
  g_autoptr(GBytes) ec_der = NULL;
  g_autoptr(EVP_PKEY) good = make_rsa (1024);
  g_autoptr(GBytes) good_der = public_der (good);
  guint8 zeros[TETHER_SPICE_TICKET_PUBKEY_BYTES] = { 0 };
  guint8 garbage[TETHER_SPICE_TICKET_PUBKEY_BYTES];
  guint8 mangled[TETHER_SPICE_TICKET_PUBKEY_BYTES];
  struct {
    const char *name;
    const guint8 *data;
    gsize len;
    const char *needle;
  } table[] = {
    { "zeros (SASL)", zeros, sizeof zeros, "no public key" },
    { "empty", zeros, 0, "no public key" },
    { "garbage", garbage, sizeof garbage, "not a DER" },
    { "truncated", g_bytes_get_data (good_der, NULL), 100, "not a DER" },
    { "mangled", mangled, sizeof mangled, NULL },
    { "rsa-2048", g_bytes_get_data (big_der, NULL), g_bytes_get_size (big_der), "2048 bits" },
    { "ec", NULL, 0, "not RSA" },
  };

  g_assert_nonnull (ec);
  ec_der = public_der (ec);
  table[6].data = g_bytes_get_data (ec_der, NULL);
  table[6].len = g_bytes_get_size (ec_der);
  for (guint i = 0; i < sizeof garbage; i++)
    garbage[i] = (guint8) (i * 37 + 11);
  /* A good key with its DER structure broken (the SEQUENCE tag). */
  memcpy (mangled, g_bytes_get_data (good_der, NULL), sizeof mangled);
  mangled[0] = 0x31;

  for (guint i = 0; i < G_N_ELEMENTS (table); i++)
    {
      g_autoptr(GError) error = NULL;

      g_assert_null (tether_spice_ticket_encrypt (table[i].data, table[i].len, "pw", &error));
      if (!g_error_matches (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL))
        g_error ("%s: %s", table[i].name, error ? error->message : "no error");
      if (table[i].needle != NULL && strstr (error->message, table[i].needle) == NULL)
        g_error ("%s: \"%s\" lacks \"%s\"", table[i].name, error->message, table[i].needle);
      /* OpenSSL's error queue is left empty. */
      g_assert_cmpuint (ERR_peek_error (), ==, 0);
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/spice/wire/ticket/warm-up", test_ticket_warm_up);
  g_test_add_func ("/spice/wire/ticket/round-trip", test_ticket_round_trip);
  g_test_add_func ("/spice/wire/ticket/randomised", test_ticket_randomised);
  g_test_add_func ("/spice/wire/ticket/too-long", test_ticket_too_long);
  g_test_add_func ("/spice/wire/ticket/bad-keys", test_ticket_bad_keys);
  return g_test_run ();
}
