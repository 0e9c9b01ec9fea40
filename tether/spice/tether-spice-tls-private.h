/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * TLS for SPICE channels (docs/spice-protocol.md §2.3), through OpenSSL
 * (TetherSpiceTlsStream, tether-spice-tls-stream-private.h), with the
 * certificate checks spice-gtk makes:
 *
 * - OpenSSL's own check of the server's chain is replaced (a certificate
 *   verify callback, inside the handshake, so a refusal aborts it with an
 *   alert): Tether decides with the session's `verify` flags, in spice-gtk's
 *   order: a pinned public key that matches is accepted at once; otherwise
 *   the chain must be trusted (anchors from `ca` and `ca-file`, or the
 *   system's trust store when neither gives any: OpenSSL's default paths,
 *   loaded once per process on first need), and then the subject (SUBJECT,
 *   which wins) or the host name (HOSTNAME) must match;
 * - TLS 1.2 at least; SNI carries the host name when it is a name, not an
 *   address; no renegotiation, no compression.
 *
 * Failures are TETHER_SPICE_ERROR_TLS errors whose message gives the reason:
 * unknown CA, expired, bad identity, subject mismatch, public key mismatch;
 * other handshake failures read "TLS handshake failed: <OpenSSL's reason>".
 *
 * `ciphers` is applied as spice-gtk applies it: SSL_CTX_set_cipher_list()
 * with the property's text (OpenSSL's cipher list syntax). A text OpenSSL
 * rejects (it matches no cipher) fails the connection before it is made
 * (spice-gtk 0.42 warns, connects, and its handshake then fails). The list governs TLS 1.2 only: TLS 1.3 suites are
 * OpenSSL's (and the system's openssl.cnf) defaults, untouched, so against a
 * server that speaks TLS 1.3 the property restricts nothing; it decides when
 * the server stops at TLS 1.2. This is spice-gtk's behaviour too.
 */

#include <gio/gio.h>

#include "tether-spice-session.h"

G_BEGIN_DECLS

/* Tether's limits on TLS configuration input. */
#define TETHER_SPICE_CERT_SUBJECT_MAX_LENGTH 4096u
#define TETHER_SPICE_CERT_SUBJECT_MAX_RDNS   32u
#define TETHER_SPICE_CA_MAX_SIZE             (1024u * 1024u)
#define TETHER_SPICE_CA_MAX_CERTS            256u
#define TETHER_SPICE_PUBKEY_MAX_SIZE         (16u * 1024u)
#define TETHER_SPICE_CIPHERS_MAX_LENGTH      4096u

typedef struct {
  char *key;    /* an attribute name: C, ST, L, O, OU, CN, ... or a dotted OID */
  char *value;  /* UTF-8, not empty */
} TetherSpiceRdn;

/* Parses spice-gtk's cert-subject syntax: comma-separated KEY=VALUE, spaces
 * before a key skipped, "\," and "\\" the only escapes, no empty values.
 * *@out gets a GPtrArray of TetherSpiceRdn (it frees them). Errors are
 * G_IO_ERROR_INVALID_ARGUMENT. */
gboolean tether_spice_cert_subject_parse (const char  *subject,
                                          GPtrArray  **out,
                                          GError     **error);

/* A certificate's subject in the same syntax (DER certificate in), for error
 * messages and tests; NULL if the DER does not parse. */
char    *tether_spice_cert_subject_from_der (const guint8 *der,
                                             gsize         len);

typedef struct {
  TetherSpiceSessionVerify verify;
  char   *host;          /* the name checked by HOSTNAME */
  GBytes *ca;            /* PEM text, may be NULL */
  char   *ca_file;       /* may be NULL */
  char   *cert_subject;  /* may be NULL */
  GBytes *pubkey;        /* DER SubjectPublicKeyInfo, may be NULL */
  char   *ciphers;       /* OpenSSL cipher list, may be NULL; see above */
} TetherSpiceTlsParams;

void       tether_spice_tls_params_copy  (TetherSpiceTlsParams       *dest,
                                          const TetherSpiceTlsParams *src);
void       tether_spice_tls_params_clear (TetherSpiceTlsParams       *params);

/* Runs a TLS client handshake over @base (whose streams must be pollable)
 * and checks the server; the result is a TetherSpiceTlsStream. */
void       tether_spice_tls_wrap_async   (GIOStream                  *base,
                                          const TetherSpiceTlsParams *params,
                                          GCancellable               *cancellable,
                                          GAsyncReadyCallback         callback,
                                          gpointer                    user_data);
GIOStream *tether_spice_tls_wrap_finish  (GAsyncResult               *result,
                                          GError                    **error);

/* The certificate checks alone, on a DER leaf certificate and the verdict of
 * the chain check (@chain_flags: 0 when trusted). Returns TRUE to accept, or
 * FALSE with the reason in @error (TETHER_SPICE_ERROR_TLS). For unit tests and
 * the fuzzer; the handshake calls it too. */
gboolean   tether_spice_tls_check_leaf   (const TetherSpiceTlsParams *params,
                                          const guint8               *der,
                                          gsize                       der_len,
                                          GTlsCertificateFlags        chain_flags,
                                          GError                    **error);

/* Splits PEM text into certificates (at most TETHER_SPICE_CA_MAX_CERTS):
 * a GPtrArray of OpenSSL X509 (it frees them), perhaps empty. */
GPtrArray *tether_spice_tls_certs_from_pem (const char *pem,
                                            gsize       len,
                                            GError    **error);

/* Whether OpenSSL takes @ciphers as a cipher list (NULL and "" do). */
gboolean   tether_spice_tls_check_ciphers  (const char *ciphers,
                                            GError    **error);

G_END_DECLS
