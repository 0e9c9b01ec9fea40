/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * A test PKI made in memory with OpenSSL: a CA, a wrong CA, a server
 * certificate for localhost and 127.0.0.1 signed by the CA (subject
 * SERVER_SUBJECT), an expired one, and the keys' SubjectPublicKeyInfo.
 */

#include <string.h>
#include <glib.h>

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

G_BEGIN_DECLS

#define SERVER_SUBJECT "C=XX,O=Tether Test,CN=localhost"

/* ---- a test PKI ------------------------------------------------------------------ */

typedef struct {
  char   *ca_pem;
  char   *wrong_ca_pem;
  char   *server_pem;        /* certificate then key */
  GBytes *server_pubkey;     /* DER SubjectPublicKeyInfo */
  GBytes *other_pubkey;
  GBytes *server_der;
  char   *expired_pem;       /* an expired server certificate and key */
} Pki;

static Pki pki G_GNUC_UNUSED;

static inline void
add_ext (X509 *x, X509 *issuer, int nid, const char *value)
{
  X509V3_CTX ctx;
  X509_EXTENSION *ext;

  X509V3_set_ctx (&ctx, issuer, x, NULL, NULL, 0);
  ext = X509V3_EXT_nconf_nid (NULL, &ctx, nid, value);
  g_assert_nonnull (ext);
  g_assert_true (X509_add_ext (x, ext, -1));
  X509_EXTENSION_free (ext);
}

static inline X509 *
make_cert (EVP_PKEY *key, const char *org, const char *cn, X509 *issuer, EVP_PKEY *issuer_key, gboolean ca,
           long not_before, long not_after)
{
  static long serial = 1;
  X509 *x = X509_new ();
  X509_NAME *name = X509_get_subject_name (x);

  X509_set_version (x, 2);
  ASN1_INTEGER_set (X509_get_serialNumber (x), serial++);
  X509_gmtime_adj (X509_getm_notBefore (x), not_before);
  X509_gmtime_adj (X509_getm_notAfter (x), not_after);
  X509_set_pubkey (x, key);
  X509_NAME_add_entry_by_txt (name, "C", MBSTRING_UTF8, (const unsigned char *) "XX", -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "O", MBSTRING_UTF8, (const unsigned char *) org, -1, -1, 0);
  X509_NAME_add_entry_by_txt (name, "CN", MBSTRING_UTF8, (const unsigned char *) cn, -1, -1, 0);
  X509_set_issuer_name (x, issuer != NULL ? X509_get_subject_name (issuer) : name);
  if (ca)
    {
      add_ext (x, x, NID_basic_constraints, "critical,CA:TRUE");
      add_ext (x, x, NID_key_usage, "critical,keyCertSign,cRLSign");
      add_ext (x, x, NID_subject_key_identifier, "hash");
    }
  else
    {
      add_ext (x, issuer, NID_basic_constraints, "critical,CA:FALSE");
      add_ext (x, issuer, NID_key_usage, "critical,digitalSignature");
      add_ext (x, issuer, NID_ext_key_usage, "serverAuth");
      add_ext (x, issuer, NID_subject_alt_name, "DNS:localhost,IP:127.0.0.1");
    }
  g_assert_cmpint (X509_sign (x, issuer_key != NULL ? issuer_key : key, EVP_sha256 ()), >, 0);
  return x;
}

static inline char *
pem_of (X509 *x, EVP_PKEY *key)
{
  BIO *bio = BIO_new (BIO_s_mem ());
  char *data;
  long n;
  char *out;

  g_assert_true (PEM_write_bio_X509 (bio, x));
  if (key != NULL)
    g_assert_true (PEM_write_bio_PrivateKey (bio, key, NULL, NULL, 0, NULL, NULL));
  n = BIO_get_mem_data (bio, &data);
  out = g_strndup (data, (gsize) n);
  BIO_free (bio);
  return out;
}

static inline GBytes *
pubkey_der (EVP_PKEY *key)
{
  unsigned char *buf = NULL;
  int n = i2d_PUBKEY (key, &buf);
  GBytes *b;

  g_assert_cmpint (n, >, 0);
  b = g_bytes_new (buf, (gsize) n);
  OPENSSL_free (buf);
  return b;
}

static inline void
pki_init (void)
{
  EVP_PKEY *ca_key = EVP_EC_gen ("P-256");
  EVP_PKEY *wrong_key = EVP_EC_gen ("P-256");
  EVP_PKEY *server_key = EVP_EC_gen ("P-256");
  X509 *ca = make_cert (ca_key, "Tether Test", "Tether Test CA", NULL, NULL, TRUE, -3600, 86400);
  X509 *wrong = make_cert (wrong_key, "Tether Test", "Tether Wrong CA", NULL, NULL, TRUE, -3600, 86400);
  X509 *server = make_cert (server_key, "Tether Test", "localhost", ca, ca_key, FALSE, -3600, 86400);
  X509 *expired = make_cert (server_key, "Tether Test", "localhost", ca, ca_key, FALSE, -7200, -3600);
  unsigned char *der = NULL;
  int der_len;

  pki.ca_pem = pem_of (ca, NULL);
  pki.wrong_ca_pem = pem_of (wrong, NULL);
  pki.server_pem = pem_of (server, server_key);
  pki.expired_pem = pem_of (expired, server_key);
  pki.server_pubkey = pubkey_der (server_key);
  pki.other_pubkey = pubkey_der (wrong_key);
  der_len = i2d_X509 (server, &der);
  pki.server_der = g_bytes_new (der, (gsize) der_len);
  OPENSSL_free (der);
  X509_free (ca);
  X509_free (wrong);
  X509_free (server);
  X509_free (expired);
  EVP_PKEY_free (ca_key);
  EVP_PKEY_free (wrong_key);
  EVP_PKEY_free (server_key);
}

/* An OpenSSL server context serving @cert_and_key_pem (a certificate, then
 * its key: pki.server_pem or pki.expired_pem). */
static inline SSL_CTX *
pki_server_ctx (const char *cert_and_key_pem)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_server_method ());
  BIO *bio = BIO_new_mem_buf (cert_and_key_pem, -1);
  X509 *x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
  EVP_PKEY *key = PEM_read_bio_PrivateKey (bio, NULL, NULL, NULL);

  g_assert_nonnull (ctx);
  g_assert_nonnull (x);
  g_assert_nonnull (key);
  g_assert_cmpint (SSL_CTX_use_certificate (ctx, x), ==, 1);
  g_assert_cmpint (SSL_CTX_use_PrivateKey (ctx, key), ==, 1);
  X509_free (x);
  EVP_PKEY_free (key);
  BIO_free (bio);
  return ctx;
}

static inline void
pki_clear (void)
{
  g_free (pki.ca_pem);
  g_free (pki.wrong_ca_pem);
  g_free (pki.server_pem);
  g_free (pki.expired_pem);
  g_bytes_unref (pki.server_pubkey);
  g_bytes_unref (pki.other_pubkey);
  g_bytes_unref (pki.server_der);
}

G_END_DECLS
