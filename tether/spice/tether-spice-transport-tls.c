/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS for SPICE channels: see tether-spice-tls-private.h for the model.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include <openssl/evp.h>
#include <openssl/objects.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include "tether-error.h"
#include "tether-spice-tls-private.h"

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

GList *
tether_spice_tls_certs_from_pem (const char *pem, gsize len, GError **error)
{
  static const char begin[] = "-----BEGIN CERTIFICATE-----";
  static const char end[] = "-----END CERTIFICATE-----";
  GList *certs = NULL;
  gsize pos = 0;
  guint n = 0;

  if (len > TETHER_SPICE_CA_MAX_SIZE)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                   "TLS: the CA certificates are larger than %u bytes", TETHER_SPICE_CA_MAX_SIZE);
      return NULL;
    }
  while (pos < len)
    {
      const char *b = g_strstr_len (pem + pos, (gssize) (len - pos), begin);
      const char *e;
      gsize b_pos, e_pos;
      GTlsCertificate *cert;
      g_autoptr(GError) local = NULL;

      if (b == NULL)
        break;
      b_pos = (gsize) (b - pem);
      e = g_strstr_len (b, (gssize) (len - b_pos), end);
      if (e == NULL)
        break;
      e_pos = (gsize) (e - pem) + strlen (end);
      if (++n > TETHER_SPICE_CA_MAX_CERTS)
        {
          g_list_free_full (certs, g_object_unref);
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                       "TLS: more than %u CA certificates", TETHER_SPICE_CA_MAX_CERTS);
          return NULL;
        }
      cert = g_tls_certificate_new_from_pem (pem + b_pos, (gssize) (e_pos - b_pos), &local);
      if (cert == NULL)
        {
          g_list_free_full (certs, g_object_unref);
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                       "TLS: CA certificate %u does not parse: %s", n, local->message);
          return NULL;
        }
      certs = g_list_append (certs, cert);
      pos = e_pos;
    }
  return certs;
}

/* ---- the handshake ---------------------------------------------------------- */

typedef struct {
  TetherSpiceTlsParams params;
  GList               *anchors;     /* GTlsCertificate, from ca and ca-file */
  GTlsDatabase        *system_db;   /* when there are no anchors */
  GIOStream           *tls;
  gulong               accept_id;
  GError              *refusal;     /* why accept-certificate said no */
} WrapData;

static void
wrap_data_free (gpointer p)
{
  WrapData *d = p;

  tether_spice_tls_params_clear (&d->params);
  g_list_free_full (d->anchors, g_object_unref);
  g_clear_object (&d->system_db);
  if (d->tls != NULL)
    g_clear_signal_handler (&d->accept_id, d->tls);
  g_clear_object (&d->tls);
  g_clear_error (&d->refusal);
  g_free (d);
}

static GTlsCertificateFlags
chain_flags (WrapData *d, GTlsCertificate *peer)
{
  GTlsCertificateFlags best = G_TLS_CERTIFICATE_UNKNOWN_CA;

  if (d->anchors != NULL)
    {
      for (GList *l = d->anchors; l != NULL; l = l->next)
        {
          GTlsCertificateFlags f = g_tls_certificate_verify (peer, NULL, l->data);

          if (f == 0)
            return 0;
          /* Prefer the verdict of an anchor that did sign the chain. */
          if (!(f & G_TLS_CERTIFICATE_UNKNOWN_CA))
            best = f;
        }
      return best;
    }
  if (d->system_db != NULL)
    return g_tls_database_verify_chain (d->system_db, peer, G_TLS_DATABASE_PURPOSE_AUTHENTICATE_SERVER,
                                        NULL, NULL, G_TLS_DATABASE_VERIFY_NONE, NULL, NULL);
  return G_TLS_CERTIFICATE_UNKNOWN_CA;
}

static gboolean
accept_certificate (GTlsConnection *conn, GTlsCertificate *peer, GTlsCertificateFlags errors, gpointer user_data)
{
  WrapData *d = user_data;
  g_autoptr(GByteArray) der = NULL;
  GTlsCertificateFlags flags = 0;

  if (d->params.verify == 0)
    return TRUE;
  g_object_get (peer, "certificate", &der, NULL);
  if (der == NULL)
    {
      g_clear_error (&d->refusal);
      tls_fail (&d->refusal, "TLS: the server sent no usable certificate");
      return FALSE;
    }
  if (d->params.verify & (TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT))
    flags = chain_flags (d, peer);
  g_clear_error (&d->refusal);
  return tether_spice_tls_check_leaf (&d->params, der->data, der->len, flags, &d->refusal);
}

static void
handshake_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  WrapData *d = g_task_get_task_data (task);
  g_autoptr(GError) error = NULL;

  /* The handler points at the task data, which goes away with the task. */
  g_clear_signal_handler (&d->accept_id, d->tls);
  if (!g_tls_connection_handshake_finish (G_TLS_CONNECTION (source), result, &error))
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
  g_task_return_pointer (task, g_steal_pointer (&d->tls), g_object_unref);
}

static gboolean
load_anchors (WrapData *d, GError **error)
{
  if (d->params.ca != NULL && g_bytes_get_size (d->params.ca) > 0)
    {
      gsize n;
      const char *pem = g_bytes_get_data (d->params.ca, &n);
      GError *local = NULL;
      GList *certs = tether_spice_tls_certs_from_pem (pem, n, &local);

      if (local != NULL)
        {
          g_propagate_error (error, local);
          return FALSE;
        }
      d->anchors = g_list_concat (d->anchors, certs);
    }
  if (d->params.ca_file != NULL && d->params.ca_file[0] != '\0')
    {
      g_autoptr(GError) local = NULL;
      GList *certs = g_tls_certificate_list_new_from_file (d->params.ca_file, &local);

      if (local != NULL)
        {
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                       "TLS: cannot load the CA file %s: %s", d->params.ca_file, local->message);
          return FALSE;
        }
      if (g_list_length (certs) > TETHER_SPICE_CA_MAX_CERTS)
        {
          g_list_free_full (certs, g_object_unref);
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                       "TLS: more than %u CA certificates in %s", TETHER_SPICE_CA_MAX_CERTS,
                       d->params.ca_file);
          return FALSE;
        }
      d->anchors = g_list_concat (d->anchors, certs);
    }
  if (d->anchors == NULL)
    d->system_db = g_tls_backend_get_default_database (g_tls_backend_get_default ());
  return TRUE;
}

void
tether_spice_tls_wrap_async (GIOStream *base, const TetherSpiceTlsParams *params, GCancellable *cancellable,
                             GAsyncReadyCallback callback, gpointer user_data)
{
  g_autoptr(GTask) task = g_task_new (NULL, cancellable, callback, user_data);
  WrapData *d = g_new0 (WrapData, 1);
  GError *error = NULL;
  static gboolean ciphers_reported;

  g_task_set_source_tag (task, tether_spice_tls_wrap_async);
  g_task_set_task_data (task, d, wrap_data_free);
  tether_spice_tls_params_copy (&d->params, params);

  if (!g_tls_backend_supports_tls (g_tls_backend_get_default ()))
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                               "TLS is not available: GIO has no TLS backend (install glib-networking)");
      return;
    }
  if (d->params.ciphers != NULL && d->params.ciphers[0] != '\0' && !ciphers_reported)
    {
      ciphers_reported = TRUE;
      g_message ("TLS: the ciphers property is not applied; glib-networking takes TLS priorities only "
                 "process-wide, from G_TLS_GNUTLS_PRIORITY");
    }
  if ((d->params.verify & (TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT)) &&
      !load_anchors (d, &error))
    {
      g_task_return_error (task, error);
      return;
    }

  /* Made with no database from the start (not unset, which
   * glib-networking's set-up resolves by loading the system trust store, 10
   * to 25 ms per connection, for a check Tether makes itself): every
   * handshake asks accept-certificate, which decides. */
  d->tls = g_initable_new (g_tls_backend_get_client_connection_type (g_tls_backend_get_default ()), NULL, &error,
                           "base-io-stream", base, "database", NULL, NULL);
  if (d->tls == NULL)
    {
      g_task_return_new_error (task, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS,
                               "TLS: cannot set up the connection: %s", error->message);
      g_error_free (error);
      return;
    }
  d->accept_id = g_signal_connect (d->tls, "accept-certificate", G_CALLBACK (accept_certificate), d);
  g_tls_connection_handshake_async (G_TLS_CONNECTION (d->tls), G_PRIORITY_DEFAULT, cancellable,
                                    handshake_done, g_object_ref (task));
}

GIOStream *
tether_spice_tls_wrap_finish (GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, NULL), NULL);
  return g_task_propagate_pointer (G_TASK (result), error);
}
