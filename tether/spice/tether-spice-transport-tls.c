/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS for SPICE channels: see tether-spice-tls-private.h for the model.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/pem.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tether-error.h"
#include "tether-spice-tls-private.h"
#include "tether-spice-tls-stream-private.h"

/* ---- cert-subject syntax ------------------------------------------------- */

static void
rdn_free (gpointer data)
{
  TetherSpiceRdn *rdn = data;

  g_free (rdn->key);
  g_free (rdn->value);
  g_free (rdn);
}

static gboolean G_GNUC_PRINTF (2, 3)
subject_fail (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_vprintf (format, args);

      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Invalid certificate subject: %s", msg);
    }
  va_end (args);
  return FALSE;
}

gboolean
tether_spice_cert_subject_parse (const char *subject, GPtrArray **out, GError **error)
{
  g_autoptr(GPtrArray) rdns = g_ptr_array_new_with_free_func (rdn_free);
  gsize len, pos = 0;

  *out = NULL;
  if (subject == NULL)
    return subject_fail (error, "none given");
  len = strnlen (subject, TETHER_SPICE_CERT_SUBJECT_MAX_LENGTH + 1);
  if (len > TETHER_SPICE_CERT_SUBJECT_MAX_LENGTH)
    return subject_fail (error, "longer than %u bytes", TETHER_SPICE_CERT_SUBJECT_MAX_LENGTH);
  if (!g_utf8_validate_len (subject, len, NULL))
    return subject_fail (error, "not valid UTF-8");

  while (pos < len)
    {
      g_autoptr(GString) value = g_string_new (NULL);
      TetherSpiceRdn *rdn;
      gsize key_start, key_end;

      while (pos < len && subject[pos] == ' ')
        pos++;
      key_start = pos;
      while (pos < len && (g_ascii_isalnum (subject[pos]) || subject[pos] == '.' || subject[pos] == '-' ||
                           subject[pos] == '_'))
        pos++;
      key_end = pos;
      if (key_end == key_start || key_end - key_start > 64)
        return subject_fail (error, "expected an attribute name at byte %" G_GSIZE_FORMAT, key_start);
      if (pos == len || subject[pos] != '=')
        return subject_fail (error, "expected '=' after an attribute name at byte %" G_GSIZE_FORMAT, pos);
      pos++;
      while (pos < len && subject[pos] != ',')
        {
          char c = subject[pos++];

          if ((guchar) c < 0x20 || c == 0x7f)
            return subject_fail (error, "control character at byte %" G_GSIZE_FORMAT, pos - 1);
          if (c == '\\')
            {
              if (pos == len || (subject[pos] != ',' && subject[pos] != '\\'))
                return subject_fail (error, "only \\, and \\\\ are escapes (byte %" G_GSIZE_FORMAT ")", pos - 1);
              c = subject[pos++];
            }
          g_string_append_c (value, c);
        }
      if (value->len == 0)
        return subject_fail (error, "empty value at byte %" G_GSIZE_FORMAT, pos);
      if (rdns->len >= TETHER_SPICE_CERT_SUBJECT_MAX_RDNS)
        return subject_fail (error, "more than %u attributes", TETHER_SPICE_CERT_SUBJECT_MAX_RDNS);
      rdn = g_new0 (TetherSpiceRdn, 1);
      rdn->key = g_strndup (subject + key_start, key_end - key_start);
      rdn->value = g_string_free (g_steal_pointer (&value), FALSE);
      g_ptr_array_add (rdns, rdn);
      if (pos < len)
        {
          pos++;  /* ',' */
          if (pos == len)
            return subject_fail (error, "trailing ','");
        }
    }
  if (rdns->len == 0)
    return subject_fail (error, "empty");
  *out = g_steal_pointer (&rdns);
  return TRUE;
}

/* Text from a certificate, made safe to show: valid UTF-8 without control
 * characters. */
static void
append_shown (GString *s, const char *text, gsize len, gboolean escape)
{
  g_autofree char *valid = g_utf8_make_valid (text, (gssize) len);

  for (const char *p = valid; *p != '\0'; p++)
    {
      guchar c = (guchar) *p;

      if (c < 0x20 || c == 0x7f)
        g_string_append_c (s, '?');
      else
        {
          if (escape && (c == ',' || c == '\\'))
            g_string_append_c (s, '\\');
          g_string_append_c (s, (char) c);
        }
    }
}

static char *
subject_string (const X509_NAME *name)
{
  GString *s = g_string_new (NULL);
  int n = X509_NAME_entry_count (name);

  for (int i = 0; i < n; i++)
    {
      const X509_NAME_ENTRY *entry = X509_NAME_get_entry (name, i);
      const ASN1_OBJECT *obj = X509_NAME_ENTRY_get_object (entry);
      const ASN1_STRING *data = X509_NAME_ENTRY_get_data (entry);
      int nid = OBJ_obj2nid (obj);
      unsigned char *utf8 = NULL;
      int utf8_len;

      if (i > 0)
        g_string_append_c (s, ',');
      if (nid != NID_undef)
        g_string_append (s, OBJ_nid2sn (nid));
      else
        {
          char oid[80];

          OBJ_obj2txt (oid, sizeof oid, obj, 1);
          g_string_append (s, oid);
        }
      g_string_append_c (s, '=');
      utf8_len = ASN1_STRING_to_UTF8 (&utf8, data);
      if (utf8_len >= 0)
        append_shown (s, (const char *) utf8, (gsize) utf8_len, TRUE);
      OPENSSL_free (utf8);
    }
  return g_string_free (s, FALSE);
}

static X509 *
x509_from_der (const guint8 *der, gsize len)
{
  const unsigned char *p = der;

  if (der == NULL || len == 0 || len > G_MAXINT)
    return NULL;
  return d2i_X509 (NULL, &p, (long) len);
}

char *
tether_spice_cert_subject_from_der (const guint8 *der, gsize len)
{
  X509 *x = x509_from_der (der, len);
  char *s;

  if (x == NULL)
    return NULL;
  s = subject_string (X509_get_subject_name (x));
  X509_free (x);
  return s;
}

/* ---- parameters ------------------------------------------------------------ */

void
tether_spice_tls_params_copy (TetherSpiceTlsParams *dest, const TetherSpiceTlsParams *src)
{
  dest->verify = src->verify;
  dest->host = g_strdup (src->host);
  dest->ca = src->ca != NULL ? g_bytes_ref (src->ca) : NULL;
  dest->ca_file = g_strdup (src->ca_file);
  dest->cert_subject = g_strdup (src->cert_subject);
  dest->pubkey = src->pubkey != NULL ? g_bytes_ref (src->pubkey) : NULL;
  dest->ciphers = g_strdup (src->ciphers);
}

void
tether_spice_tls_params_clear (TetherSpiceTlsParams *params)
{
  g_clear_pointer (&params->host, g_free);
  g_clear_pointer (&params->ca, g_bytes_unref);
  g_clear_pointer (&params->ca_file, g_free);
  g_clear_pointer (&params->cert_subject, g_free);
  g_clear_pointer (&params->pubkey, g_bytes_unref);
  g_clear_pointer (&params->ciphers, g_free);
  params->verify = 0;
}

/* ---- the checks ------------------------------------------------------------ */

static gboolean G_GNUC_PRINTF (2, 3)
tls_fail (GError **error, const char *format, ...)
{
  va_list args;

  va_start (args, format);
  if (error != NULL)
    {
      g_autofree char *msg = g_strdup_vprintf (format, args);

      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS, "%s", msg);
    }
  va_end (args);
  return FALSE;
}

static const char *
chain_reason (GTlsCertificateFlags flags)
{
  if (flags & G_TLS_CERTIFICATE_UNKNOWN_CA)
    return "it is not signed by a trusted certificate authority (unknown CA)";
  if (flags & G_TLS_CERTIFICATE_EXPIRED)
    return "it has expired";
  if (flags & G_TLS_CERTIFICATE_NOT_ACTIVATED)
    return "it is not valid yet";
  if (flags & G_TLS_CERTIFICATE_REVOKED)
    return "it has been revoked";
  if (flags & G_TLS_CERTIFICATE_INSECURE)
    return "it uses an insecure algorithm";
  return "it could not be verified";
}

static gboolean
subject_matches (const char *expected, X509 *x, GError **error)
{
  g_autoptr(GPtrArray) rdns = NULL;
  g_autoptr(GError) parse_error = NULL;
  X509_NAME *want;
  const X509_NAME *have = X509_get_subject_name (x);
  gboolean ok;

  if (expected == NULL || expected[0] == '\0')
    return tls_fail (error, "TLS: subject verification was requested, but no cert-subject is set");
  if (!tether_spice_cert_subject_parse (expected, &rdns, &parse_error))
    return tls_fail (error, "TLS: %s", parse_error->message);
  want = X509_NAME_new ();
  for (guint i = 0; i < rdns->len; i++)
    {
      TetherSpiceRdn *rdn = g_ptr_array_index (rdns, i);

      if (!X509_NAME_add_entry_by_txt (want, rdn->key, MBSTRING_UTF8,
                                       (const unsigned char *) rdn->value, -1, -1, 0))
        {
          X509_NAME_free (want);
          return tls_fail (error, "TLS: unknown attribute '%s' in cert-subject", rdn->key);
        }
    }
  ok = X509_NAME_entry_count (want) == X509_NAME_entry_count (have) && X509_NAME_cmp (want, have) == 0;
  X509_NAME_free (want);
  if (!ok)
    {
      g_autofree char *shown = subject_string (have);

      return tls_fail (error, "TLS: the server certificate's subject \"%s\" does not match the expected \"%s\"",
                       shown, expected);
    }
  return TRUE;
}

static gboolean
host_matches (const char *host, X509 *x, GError **error)
{
  int r;

  if (host == NULL || host[0] == '\0')
    return tls_fail (error, "TLS: host name verification was requested, but there is no host name");
  if (g_hostname_is_ip_address (host))
    r = X509_check_ip_asc (x, host, 0);
  else
    r = X509_check_host (x, host, strlen (host), 0, NULL);
  if (r != 1)
    {
      g_autofree char *shown = subject_string (X509_get_subject_name (x));

      return tls_fail (error, "TLS: the server certificate (\"%s\") is not valid for the host \"%s\" "
                       "(bad identity)", shown, host);
    }
  return TRUE;
}

gboolean
tether_spice_tls_check_leaf (const TetherSpiceTlsParams *params, const guint8 *der, gsize der_len,
                             GTlsCertificateFlags chain_flags, GError **error)
{
  TetherSpiceSessionVerify verify = params->verify;
  X509 *x;
  gboolean ok = FALSE;
  const char *pubkey_problem = NULL;

  if (verify == 0)
    return TRUE;
  x = x509_from_der (der, der_len);
  if (x == NULL)
    return tls_fail (error, "TLS: the server certificate does not parse");

  if (verify & TETHER_SPICE_SESSION_VERIFY_PUBKEY)
    {
      gsize n = 0;
      const unsigned char *p = params->pubkey != NULL ? g_bytes_get_data (params->pubkey, &n) : NULL;
      EVP_PKEY *want = NULL;

      if (p == NULL || n == 0)
        pubkey_problem = "public key verification was requested, but no pubkey is set";
      else if (n > TETHER_SPICE_PUBKEY_MAX_SIZE ||
               (want = d2i_PUBKEY (NULL, &p, (long) n)) == NULL)
        pubkey_problem = "the pubkey property is not a DER SubjectPublicKeyInfo";
      else if (EVP_PKEY_eq (X509_get0_pubkey (x), want) == 1)
        {
          /* Pinned key: accepted whatever the chain says. */
          EVP_PKEY_free (want);
          X509_free (x);
          return TRUE;
        }
      else
        pubkey_problem = "the server's public key does not match the pubkey property (pubkey mismatch)";
      EVP_PKEY_free (want);
      if (!(verify & (TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT)))
        {
          X509_free (x);
          return tls_fail (error, "TLS: %s", pubkey_problem);
        }
    }

  if (chain_flags != 0)
    {
      g_autofree char *shown = subject_string (X509_get_subject_name (x));

      tls_fail (error, "TLS: the server certificate (\"%s\") is refused: %s", shown, chain_reason (chain_flags));
    }
  else if (verify & TETHER_SPICE_SESSION_VERIFY_SUBJECT)
    ok = subject_matches (params->cert_subject, x, error);
  else if (verify & TETHER_SPICE_SESSION_VERIFY_HOSTNAME)
    ok = host_matches (params->host, x, error);
  X509_free (x);
  return ok;
}

/* ---- trust anchors --------------------------------------------------------- */

/* @file: NULL for the ca property's text, else the file it came from. */
static GPtrArray *
certs_from_pem (const char *pem, gsize len, const char *file, GError **error)
{
  static const char begin[] = "-----BEGIN CERTIFICATE-----";
  static const char end[] = "-----END CERTIFICATE-----";
  g_autoptr(GPtrArray) certs = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  gsize pos = 0;

  if (len > TETHER_SPICE_CA_MAX_SIZE)
    {
      if (file != NULL)
        g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                     "TLS: cannot load the CA file %s: it is larger than %u bytes", file, TETHER_SPICE_CA_MAX_SIZE);
      else
        g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                     "TLS: the CA certificates are larger than %u bytes", TETHER_SPICE_CA_MAX_SIZE);
      return NULL;
    }
  while (pos < len)
    {
      const char *b = g_strstr_len (pem + pos, (gssize) (len - pos), begin);
      const char *e;
      gsize b_pos, e_pos;
      BIO *bio;
      X509 *x;

      if (b == NULL)
        break;
      b_pos = (gsize) (b - pem);
      e = g_strstr_len (b, (gssize) (len - b_pos), end);
      if (e == NULL)
        break;
      e_pos = (gsize) (e - pem) + strlen (end);
      if (certs->len >= TETHER_SPICE_CA_MAX_CERTS)
        {
          if (file != NULL)
            g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                         "TLS: more than %u CA certificates in %s", TETHER_SPICE_CA_MAX_CERTS, file);
          else
            g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                         "TLS: more than %u CA certificates", TETHER_SPICE_CA_MAX_CERTS);
          return NULL;
        }
      bio = BIO_new_mem_buf (pem + b_pos, (int) (e_pos - b_pos));
      x = PEM_read_bio_X509 (bio, NULL, NULL, NULL);
      BIO_free (bio);
      if (x == NULL)
        {
          unsigned long err = ERR_peek_last_error ();
          const char *reason = err != 0 ? ERR_reason_error_string (err) : NULL;

          if (file != NULL)
            g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                         "TLS: cannot load the CA file %s: certificate %u does not parse: %s", file,
                         certs->len + 1, reason != NULL ? reason : "not a PEM certificate");
          else
            g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                         "TLS: CA certificate %u does not parse: %s", certs->len + 1,
                         reason != NULL ? reason : "not a PEM certificate");
          ERR_clear_error ();
          return NULL;
        }
      g_ptr_array_add (certs, x);
      pos = e_pos;
    }
  return g_steal_pointer (&certs);
}

GPtrArray *
tether_spice_tls_certs_from_pem (const char *pem, gsize len, GError **error)
{
  return certs_from_pem (pem, len, NULL, error);
}

/* The system's trust store, loaded the first time a connection needs it
 * and kept for the process (OpenSSL's default paths: on Debian the
 * hashed directory /etc/ssl/certs, read on demand, and its bundle). */
static X509_STORE *
system_store (void)
{
  static X509_STORE *store;

  if (g_once_init_enter (&store))
    {
      X509_STORE *s = X509_STORE_new ();

      if (X509_STORE_set_default_paths (s) != 1)
        g_debug ("TLS: the system's trust store did not load completely");
      ERR_clear_error ();
      g_once_init_leave (&store, s);
    }
  return store;
}

/* The store the chain is checked against: the anchors from ca and ca-file,
 * or the system's when neither gives any. Returns a new reference. */
static X509_STORE *
load_anchors (const TetherSpiceTlsParams *params, GError **error)
{
  g_autoptr(GPtrArray) anchors = g_ptr_array_new_with_free_func ((GDestroyNotify) X509_free);
  X509_STORE *store;

  if (params->ca != NULL && g_bytes_get_size (params->ca) > 0)
    {
      gsize n;
      const char *pem = g_bytes_get_data (params->ca, &n);
      GPtrArray *certs = certs_from_pem (pem, n, NULL, error);

      if (certs == NULL)
        return NULL;
      g_ptr_array_extend_and_steal (anchors, certs);
    }
  if (params->ca_file != NULL && params->ca_file[0] != '\0')
    {
      g_autoptr(GError) local = NULL;
      g_autofree char *text = NULL;
      gsize n = 0;
      GPtrArray *certs;

      if (!g_file_get_contents (params->ca_file, &text, &n, &local))
        {
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                       "TLS: cannot load the CA file %s: %s", params->ca_file, local->message);
          return NULL;
        }
      certs = certs_from_pem (text, n, params->ca_file, error);
      if (certs == NULL)
        return NULL;
      if (anchors->len + certs->len > TETHER_SPICE_CA_MAX_CERTS)
        {
          g_ptr_array_unref (certs);
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                       "TLS: more than %u CA certificates in %s", TETHER_SPICE_CA_MAX_CERTS, params->ca_file);
          return NULL;
        }
      g_ptr_array_extend_and_steal (anchors, certs);
    }
  if (anchors->len == 0)
    {
      store = system_store ();
      X509_STORE_up_ref (store);
      return store;
    }
  store = X509_STORE_new ();
  for (guint i = 0; i < anchors->len; i++)
    X509_STORE_add_cert (store, g_ptr_array_index (anchors, i));  /* a duplicate is not an error */
  ERR_clear_error ();
  return store;
}

/* ---- ciphers --------------------------------------------------------------------- */

static gboolean
apply_ciphers (SSL_CTX *ctx, const char *ciphers, GError **error)
{
  GString *shown;

  if (ciphers == NULL || ciphers[0] == '\0')
    return TRUE;
  if (strlen (ciphers) <= TETHER_SPICE_CIPHERS_MAX_LENGTH && SSL_CTX_set_cipher_list (ctx, ciphers) == 1)
    return TRUE;
  ERR_clear_error ();
  shown = g_string_new (NULL);
  for (const char *p = ciphers; *p != '\0' && shown->len < 80; p++)
    g_string_append_c (shown, g_ascii_isprint (*p) ? *p : '?');
  if (*ciphers != '\0' && strlen (ciphers) > 80)
    g_string_append (shown, "...");
  g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
               "TLS: the ciphers property \"%s\" matches no cipher (an OpenSSL cipher list is expected, "
               "such as \"ECDHE-RSA-AES128-GCM-SHA256:ECDHE-RSA-AES256-GCM-SHA384\")", shown->str);
  g_string_free (shown, TRUE);
  return FALSE;
}

gboolean
tether_spice_tls_check_ciphers (const char *ciphers, GError **error)
{
  SSL_CTX *ctx;
  gboolean ok;

  if (ciphers == NULL || ciphers[0] == '\0')
    return TRUE;
  ctx = SSL_CTX_new (TLS_client_method ());
  if (ctx == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS, "TLS: OpenSSL cannot make a context");
      return FALSE;
    }
  ok = apply_ciphers (ctx, ciphers, error);
  SSL_CTX_free (ctx);
  return ok;
}

/* ---- the handshake ---------------------------------------------------------- */

typedef struct {
  TetherSpiceTlsParams  params;
  TetherSpiceTlsStream *tls;
  GError               *refusal;  /* why the certificate check said no */
} WrapData;

static void
wrap_data_free (gpointer p)
{
  WrapData *d = p;

  if (d->tls != NULL)
    SSL_set_app_data (tether_spice_tls_stream_get_ssl (d->tls), NULL);
  g_clear_object (&d->tls);
  tether_spice_tls_params_clear (&d->params);
  g_clear_error (&d->refusal);
  g_free (d);
}

static GTlsCertificateFlags
flags_from_x509_error (int err)
{
  switch (err)
    {
    case X509_V_OK:
      return 0;
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT:
    case X509_V_ERR_UNABLE_TO_GET_ISSUER_CERT_LOCALLY:
    case X509_V_ERR_UNABLE_TO_VERIFY_LEAF_SIGNATURE:
    case X509_V_ERR_DEPTH_ZERO_SELF_SIGNED_CERT:
    case X509_V_ERR_SELF_SIGNED_CERT_IN_CHAIN:
    case X509_V_ERR_CERT_UNTRUSTED:
    case X509_V_ERR_CERT_SIGNATURE_FAILURE:
    case X509_V_ERR_INVALID_CA:
      return G_TLS_CERTIFICATE_UNKNOWN_CA;
    case X509_V_ERR_CERT_HAS_EXPIRED:
      return G_TLS_CERTIFICATE_EXPIRED;
    case X509_V_ERR_CERT_NOT_YET_VALID:
      return G_TLS_CERTIFICATE_NOT_ACTIVATED;
    case X509_V_ERR_CERT_REVOKED:
      return G_TLS_CERTIFICATE_REVOKED;
    case X509_V_ERR_CA_MD_TOO_WEAK:
    case X509_V_ERR_CA_KEY_TOO_SMALL:
    case X509_V_ERR_EE_KEY_TOO_SMALL:
      return G_TLS_CERTIFICATE_INSECURE;
    default:
      return G_TLS_CERTIFICATE_GENERIC_ERROR;
    }
}

/* OpenSSL's whole check of the server's chain, replaced by Tether's: the
 * chain against the context's store (only when HOSTNAME or SUBJECT needs
 * it), then tether_spice_tls_check_leaf(). Runs inside the handshake, so a
 * refusal aborts it with an alert, as spice-gtk's verify callback does. */
static int
verify_server (X509_STORE_CTX *sctx, void *arg)
{
  SSL *ssl = X509_STORE_CTX_get_ex_data (sctx, SSL_get_ex_data_X509_STORE_CTX_idx ());
  WrapData *d = ssl != NULL ? SSL_get_app_data (ssl) : NULL;
  X509 *leaf = X509_STORE_CTX_get0_cert (sctx);
  GTlsCertificateFlags flags = 0;
  unsigned char *der = NULL;
  int len;
  gboolean ok;

  if (d == NULL)  /* after the handshake (renegotiation is off) */
    return 0;
  if (d->params.verify == 0)
    return 1;
  g_clear_error (&d->refusal);
  if (leaf == NULL || (len = i2d_X509 (leaf, &der)) <= 0)
    {
      tls_fail (&d->refusal, "TLS: the server sent no usable certificate");
      X509_STORE_CTX_set_error (sctx, X509_V_ERR_APPLICATION_VERIFICATION);
      return 0;
    }
  if (d->params.verify & (TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT))
    {
      if (X509_verify_cert (sctx) == 1)
        flags = 0;
      else
        flags = flags_from_x509_error (X509_STORE_CTX_get_error (sctx));
      ERR_clear_error ();
    }
  ok = tether_spice_tls_check_leaf (&d->params, der, (gsize) len, flags, &d->refusal);
  OPENSSL_free (der);
  if (!ok)
    X509_STORE_CTX_set_error (sctx, X509_V_ERR_APPLICATION_VERIFICATION);
  else
    X509_STORE_CTX_set_error (sctx, X509_V_OK);
  return ok ? 1 : 0;
}

static void
handshake_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WrapData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  SSL_set_app_data (tether_spice_tls_stream_get_ssl (d->tls), NULL);
  if (!tether_spice_tls_stream_handshake_finish (d->tls, result, &error))
    {
      if (d->refusal != NULL)
        g_task_return_error (task, g_steal_pointer (&d->refusal));
      else if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_CANCELLED))
        g_task_return_error (task, g_steal_pointer (&error));
      else
        g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                                 "TLS handshake failed: %s", error->message);
      return;
    }
  g_debug ("TLS: %s, %s", tether_spice_tls_stream_get_protocol (d->tls), tether_spice_tls_stream_get_cipher (d->tls));
  g_task_return_pointer (task, g_steal_pointer (&d->tls), g_object_unref);
}

/* A client SSL object for @d's parameters. */
static SSL *
make_ssl (WrapData *d, GError **error)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());
  SSL *ssl;

  if (ctx == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS, "TLS: OpenSSL cannot make a context");
      return NULL;
    }
  SSL_CTX_set_min_proto_version (ctx, TLS1_2_VERSION);
  SSL_CTX_set_options (ctx, SSL_OP_NO_RENEGOTIATION | SSL_OP_NO_COMPRESSION);
  if (!apply_ciphers (ctx, d->params.ciphers, error))
    {
      SSL_CTX_free (ctx);
      return NULL;
    }
  if (d->params.verify & (TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT))
    {
      X509_STORE *store = load_anchors (&d->params, error);

      if (store == NULL)
        {
          SSL_CTX_free (ctx);
          return NULL;
        }
      SSL_CTX_set1_cert_store (ctx, store);
      X509_STORE_free (store);
    }
  SSL_CTX_set_verify (ctx, SSL_VERIFY_PEER, NULL);
  SSL_CTX_set_cert_verify_callback (ctx, verify_server, NULL);
  ssl = SSL_new (ctx);
  SSL_CTX_free (ctx);  /* the SSL object holds it */
  if (ssl == NULL)
    {
      ERR_clear_error ();
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS, "TLS: OpenSSL cannot make a connection");
      return NULL;
    }
  SSL_set_connect_state (ssl);
  /* SNI for names; RFC 6066 allows no address literals. */
  if (d->params.host != NULL && d->params.host[0] != '\0' && !g_hostname_is_ip_address (d->params.host) &&
      strlen (d->params.host) <= 255)
    SSL_set_tlsext_host_name (ssl, d->params.host);
  ERR_clear_error ();
  return ssl;
}

void
tether_spice_tls_wrap_async (GIOStream *base, const TetherSpiceTlsParams *params, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WrapData *d = g_new0 (WrapData, 1);
  GError *error = NULL;
  SSL *ssl;

  g_task_set_source_tag (task, tether_spice_tls_wrap_async);
  g_task_set_task_data (task, d, wrap_data_free);
  tether_spice_tls_params_copy (&d->params, params);

  ssl = make_ssl (d, &error);
  if (ssl == NULL)
    {
      g_task_return_error (task, error);
      return;
    }
  SSL_set_app_data (ssl, d);
  d->tls = tether_spice_tls_stream_new (base, ssl, &error);
  if (d->tls == NULL)
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                               "TLS: cannot set up the connection: %s", error->message);
      g_error_free (error);
      return;
    }
  tether_spice_tls_stream_handshake_async (d->tls, cancellable, handshake_done, g_object_ref (task));
}

GIOStream *
tether_spice_tls_wrap_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
