/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Transports (docs/spice-protocol.md §2): a connected GIOStream for one
 * channel connection, over TCP (optionally through an HTTP CONNECT proxy),
 * a unix socket or a file descriptor the application gave, with TLS on top
 * when asked (tether-spice-tls-private.h). Everything is asynchronous and
 * runs on the caller's thread-default main context.
 *
 * Errors: TETHER_SPICE_ERROR_CONNECT (no connection: refused, timed out,
 * unknown host, proxy refused), TETHER_SPICE_ERROR_TLS, G_IO_ERROR_CANCELLED.
 */

#include <gio/gio.h>

#include "tether-spice-tls-private.h"
#include "tether-spice-uri-private.h"

G_BEGIN_DECLS

/* spice-gtk's connect timeout and keepalive settings (§2.2). */
#define TETHER_SPICE_CONNECT_TIMEOUT_SECONDS  10u
#define TETHER_SPICE_KEEPALIVE_IDLE_SECONDS   30
#define TETHER_SPICE_KEEPALIVE_INTERVAL       15
#define TETHER_SPICE_KEEPALIVE_COUNT          3
/* The proxy's answer to CONNECT: at most this many bytes of headers. */
#define TETHER_SPICE_HTTP_MAX_REPLY_SIZE      8192u

typedef enum {
  TETHER_SPICE_TRANSPORT_TCP,
  TETHER_SPICE_TRANSPORT_UNIX,
  TETHER_SPICE_TRANSPORT_FD,
} TetherSpiceTransportKind;

typedef struct {
  TetherSpiceTransportKind kind;
  char                    *host;        /* TCP */
  guint16                  port;        /* TCP */
  char                    *unix_path;   /* UNIX */
  int                      fd;          /* FD: owned; -1 once handed over */
  gboolean                 tls;         /* TLS on top (TCP only) */
  TetherSpiceTlsParams     tls_params;
  gboolean                 use_proxy;   /* TCP: through proxy */
  TetherSpiceProxy         proxy;
  guint                    timeout;     /* seconds; 0: the default */
} TetherSpiceTransportParams;

void       tether_spice_transport_params_init  (TetherSpiceTransportParams *params);
/* Frees the fields, wiping proxy credentials, and closes an fd not handed over. */
void       tether_spice_transport_params_clear (TetherSpiceTransportParams *params);

/* Takes over the contents of *@params (leaving it cleared) and connects. */
void       tether_spice_transport_connect_async  (TetherSpiceTransportParams *params,
                                                  GCancellable               *cancellable,
                                                  GAsyncReadyCallback         callback,
                                                  gpointer                    user_data);
GIOStream *tether_spice_transport_connect_finish (GAsyncResult               *result,
                                                  GError                    **error);

/* HTTP CONNECT over @stream to @host:@port. */
void       tether_spice_http_connect_async  (GIOStream           *stream,
                                             const char          *host,
                                             guint16              port,
                                             const char          *user,
                                             const char          *password,
                                             GCancellable        *cancellable,
                                             GAsyncReadyCallback  callback,
                                             gpointer             user_data);
gboolean   tether_spice_http_connect_finish (GAsyncResult        *result,
                                             GError             **error);

/* The proxy's reply headers (without the final blank line) → the status code
 * of the status line `HTTP/1.x NNN reason`; *@reason gets the reason phrase,
 * made printable and capped. Errors are TETHER_SPICE_ERROR_CONNECT. */
gboolean   tether_spice_http_parse_status   (const char  *headers,
                                             gsize        len,
                                             guint       *status,
                                             char       **reason,
                                             GError     **error);

G_END_DECLS
