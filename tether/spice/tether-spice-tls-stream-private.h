/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * TetherSpiceTlsStream: a GIOStream carrying TLS through OpenSSL over
 * another GIOStream (a socket connection, or another TetherSpiceTlsStream
 * for TLS inside an HTTPS proxy's tunnel).
 *
 * The SSL object reads and writes the base stream through a BIO of its own
 * that calls g_pollable_{input,output}_stream_{read,write}_nonblocking(), so
 * the base streams must be pollable (socket streams are). The input and
 * output streams are pollable in turn: GIO's default asynchronous read,
 * write, read_all and writev_all run on them without threads, each waiting
 * on the base stream for the condition OpenSSL asked for (SSL_read may need
 * to write and SSL_write to read). The blocking calls wait the same way on a
 * private main context; they are for tests' servers in their own threads.
 *
 * One reader and one writer at a time (GIO's pending flags see to that), on
 * one thread. Closing sends close_notify if the base takes it at once, then
 * closes the base stream.
 *
 * Errors: G_IO_ERROR codes; a peer that goes away without close_notify is
 * G_IO_ERROR_CONNECTION_CLOSED, a TLS protocol failure G_IO_ERROR_FAILED
 * with OpenSSL's reason in the message, an error of the base stream as it
 * was.
 */

#include <gio/gio.h>
#include <openssl/ssl.h>

G_BEGIN_DECLS

#define TETHER_SPICE_TYPE_TLS_STREAM (tether_spice_tls_stream_get_type ())
G_DECLARE_FINAL_TYPE (TetherSpiceTlsStream, tether_spice_tls_stream, TETHER_SPICE, TLS_STREAM, GIOStream)

/* Takes @ssl (set up as client or server, without a BIO). Fails with
 * G_IO_ERROR_NOT_SUPPORTED when @base's streams are not pollable. */
TetherSpiceTlsStream *tether_spice_tls_stream_new              (GIOStream             *base,
                                                               SSL                   *ssl,
                                                               GError               **error);

void                  tether_spice_tls_stream_handshake_async  (TetherSpiceTlsStream  *self,
                                                               GCancellable          *cancellable,
                                                               GAsyncReadyCallback    callback,
                                                               gpointer               user_data);
gboolean              tether_spice_tls_stream_handshake_finish (TetherSpiceTlsStream  *self,
                                                               GAsyncResult          *result,
                                                               GError               **error);
/* Blocking; for tests. */
gboolean              tether_spice_tls_stream_handshake        (TetherSpiceTlsStream  *self,
                                                               GCancellable          *cancellable,
                                                               GError               **error);

GIOStream            *tether_spice_tls_stream_get_base         (TetherSpiceTlsStream  *self);
SSL                  *tether_spice_tls_stream_get_ssl          (TetherSpiceTlsStream  *self);
/* After the handshake: "TLSv1.3", and OpenSSL's name of the cipher suite. */
const char           *tether_spice_tls_stream_get_protocol     (TetherSpiceTlsStream  *self);
const char           *tether_spice_tls_stream_get_cipher       (TetherSpiceTlsStream  *self);

G_END_DECLS
