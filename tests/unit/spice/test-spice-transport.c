/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Transports against in-process peers: TCP and unix listeners, socket pairs,
 * a fake HTTP CONNECT proxy, and a TLS server (OpenSSL, through
 * TetherSpiceTlsStream in server mode) with certificates made here (a CA, a wrong CA, a server certificate for localhost and
 * 127.0.0.1).
 */
#include "config.h"

#include <string.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>
#include <unistd.h>
#include <glib/gstdio.h>
#include <gio/gio.h>
#include <gio/gunixsocketaddress.h>


#include "tether-error.h"
#include "tether-spice-transport-private.h"
#include "tether-spice-tls-private.h"
#include "tether-spice-tls-stream-private.h"
#include "test-spice-session-helpers.h"
#include "test-spice-session-pki.h"

/* ---- in-process servers ---------------------------------------------------------------- */

typedef enum {
  SERVE_HELLO,       /* write "hello" and wait for the peer to close */
  SERVE_TLS_HELLO,   /* TLS handshake, then "hello" */
  SERVE_PROXY,       /* read a CONNECT request, answer with reply, then "hello" */
} ServeMode;

typedef struct {
  GSocketService *service;
  ServeMode       mode;
  guint16         port;
  char           *unix_path;
  SSL_CTX        *tls_ctx;     /* SERVE_TLS_HELLO */
  const char     *reply;       /* SERVE_PROXY */
  GString        *request;     /* what the proxy got */
  GPtrArray      *conns;       /* kept open until the server stops */
  guint           accepted;
} Server;

static void
server_write_hello (Server *server, GIOStream *stream)
{
  g_output_stream_write_all (g_io_stream_get_output_stream (stream), "hello", 5, NULL, NULL, NULL);
}

static void
tls_handshaken (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Server *server = user_data;

  if (tether_spice_tls_stream_handshake_finish (TETHER_SPICE_TLS_STREAM (source), result, NULL))
    server_write_hello (server, G_IO_STREAM (source));
}

static void proxy_read_more (Server *server, GIOStream *stream);

typedef struct {
  Server    *server;
  GIOStream *stream;
  char       byte;
} ProxyRead;

static void
proxy_byte (GObject *source, GAsyncResult *result, gpointer user_data)
{
  ProxyRead *pr = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, NULL);

  if (n == 1)
    {
      g_string_append_c (pr->server->request, pr->byte);
      if (g_str_has_suffix (pr->server->request->str, "\r\n\r\n"))
        {
          GOutputStream *out = g_io_stream_get_output_stream (pr->stream);

          g_output_stream_write_all (out, pr->server->reply, strlen (pr->server->reply), NULL, NULL, NULL);
          if (g_str_has_prefix (pr->server->reply, "HTTP/1.1 200") && g_str_has_suffix (pr->server->reply, "\r\n\r\n"))
            server_write_hello (pr->server, pr->stream);
          else
            g_io_stream_close (pr->stream, NULL, NULL);
        }
      else
        proxy_read_more (pr->server, pr->stream);
    }
  g_free (pr);
}

static void
proxy_read_more (Server *server, GIOStream *stream)
{
  ProxyRead *pr = g_new0 (ProxyRead, 1);

  pr->server = server;
  pr->stream = stream;
  g_input_stream_read_async (g_io_stream_get_input_stream (stream), &pr->byte, 1, G_PRIORITY_DEFAULT, NULL,
                             proxy_byte, pr);
}

static gboolean
on_incoming (GSocketService *service, GSocketConnection *conn, GObject *source, gpointer user_data)
{
  Server *server = user_data;

  server->accepted++;
  switch (server->mode)
    {
    case SERVE_HELLO:
      g_ptr_array_add (server->conns, g_object_ref (conn));
      server_write_hello (server, G_IO_STREAM (conn));
      break;
    case SERVE_TLS_HELLO:
      {
        SSL *ssl = SSL_new (server->tls_ctx);
        TetherSpiceTlsStream *tls;

        SSL_set_accept_state (ssl);
        tls = tether_spice_tls_stream_new (G_IO_STREAM (conn), ssl, NULL);
        g_assert_nonnull (tls);
        g_ptr_array_add (server->conns, tls);
        tether_spice_tls_stream_handshake_async (tls, NULL, tls_handshaken, server);
      }
      break;
    case SERVE_PROXY:
      g_ptr_array_add (server->conns, g_object_ref (conn));
      proxy_read_more (server, G_IO_STREAM (conn));
      break;
    default:
      g_assert_not_reached ();
    }
  return TRUE;
}

static Server *
server_new (ServeMode mode, gboolean unix_socket)
{
  Server *server = g_new0 (Server, 1);
  g_autoptr(GError) error = NULL;

  server->mode = mode;
  server->conns = g_ptr_array_new_with_free_func (g_object_unref);
  server->request = g_string_new (NULL);
  server->service = g_socket_service_new ();
  if (unix_socket)
    {
      g_autofree char *dir = g_dir_make_tmp ("tether-sock-XXXXXX", &error);
      g_autoptr(GSocketAddress) addr = NULL;

      g_assert_no_error (error);
      server->unix_path = g_build_filename (dir, "s", NULL);
      addr = g_unix_socket_address_new (server->unix_path);
      g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), addr, G_SOCKET_TYPE_STREAM,
                                                    G_SOCKET_PROTOCOL_DEFAULT, NULL, NULL, &error));
    }
  else
    {
      g_autoptr(GInetAddress) lo = g_inet_address_new_loopback (G_SOCKET_FAMILY_IPV4);
      g_autoptr(GSocketAddress) addr = g_inet_socket_address_new (lo, 0);
      g_autoptr(GSocketAddress) bound = NULL;

      g_assert_true (g_socket_listener_add_address (G_SOCKET_LISTENER (server->service), addr, G_SOCKET_TYPE_STREAM,
                                                    G_SOCKET_PROTOCOL_TCP, NULL, &bound, &error));
      server->port = g_inet_socket_address_get_port (G_INET_SOCKET_ADDRESS (bound));
    }
  g_assert_no_error (error);
  if (mode == SERVE_TLS_HELLO)
    {
      server->tls_ctx = pki_server_ctx (pki.server_pem);
    }
  g_signal_connect (server->service, "incoming", G_CALLBACK (on_incoming), server);
  g_socket_service_start (server->service);
  return server;
}

static void
server_free (Server *server)
{
  g_socket_service_stop (server->service);
  g_socket_listener_close (G_SOCKET_LISTENER (server->service));
  g_clear_object (&server->service);
  for (guint i = 0; i < server->conns->len; i++)
    g_io_stream_close (server->conns->pdata[i], NULL, NULL);
  g_ptr_array_unref (server->conns);
  g_clear_pointer (&server->tls_ctx, SSL_CTX_free);
  g_string_free (server->request, TRUE);
  if (server->unix_path != NULL)
    {
      g_autofree char *dir = g_path_get_dirname (server->unix_path);

      g_unlink (server->unix_path);
      g_rmdir (dir);
      g_free (server->unix_path);
    }
  g_free (server);
}

/* ---- running the client ------------------------------------------------------------------ */

typedef struct {
  gboolean   done;
  GIOStream *stream;
  GError    *error;
} Result;

static void
connected (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->stream = tether_spice_transport_connect_finish (result, &r->error);
  r->done = TRUE;
}

static void
run_connect (TetherSpiceTransportParams *params, Result *r)
{
  memset (r, 0, sizeof *r);
  tether_spice_transport_connect_async (params, NULL, connected, r);
  /* The parameters were taken over. */
  g_assert_null (params->host);
  g_assert_cmpint (params->fd, ==, -1);
  spin_until (&r->done, TEST_TIMEOUT_MS);
}

static void
read_hello_done (GObject *source, GAsyncResult *result, gpointer user_data)
{
  gboolean *done = user_data;
  gsize n = 0;

  g_assert_true (g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &n, NULL));
  g_assert_cmpuint (n, ==, 5);
  *done = TRUE;
}

/* Reads "hello" from @stream (asynchronously: the peer runs on this thread). */
static void
expect_hello (GIOStream *stream)
{
  static char buf[5];
  gboolean done = FALSE;

  g_input_stream_read_all_async (g_io_stream_get_input_stream (stream), buf, 5, G_PRIORITY_DEFAULT, NULL,
                                 read_hello_done, &done);
  spin_until (&done, TEST_TIMEOUT_MS);
  g_assert_cmpmem (buf, 5, "hello", 5);
}

static void
close_stream (GIOStream *stream)
{
  g_io_stream_close (stream, NULL, NULL);
  g_object_unref (stream);
}

static void
tcp_params (TetherSpiceTransportParams *p, guint16 port)
{
  tether_spice_transport_params_init (p);
  p->kind = TETHER_SPICE_TRANSPORT_TCP;
  p->host = g_strdup ("127.0.0.1");
  p->port = port;
}

/* ---- plain transports ----------------------------------------------------------------------- */

static void
test_transport_tcp (void)
{
  guint fds = tether_test_count_fds ();
  Server *server = server_new (SERVE_HELLO, FALSE);
  TetherSpiceTransportParams p;
  Result r;
  GSocket *sock;
  GError *error = NULL;
  gint nodelay = 0, keepalive_idle = 0;

  tcp_params (&p, server->port);
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  g_assert_true (G_IS_SOCKET_CONNECTION (r.stream));
  sock = g_socket_connection_get_socket (G_SOCKET_CONNECTION (r.stream));
  g_assert_true (g_socket_get_option (sock, IPPROTO_TCP, TCP_NODELAY, &nodelay, &error));
  g_assert_cmpint (nodelay, !=, 0);
  g_assert_true (g_socket_get_keepalive (sock));
  g_assert_true (g_socket_get_option (sock, IPPROTO_TCP, TCP_KEEPIDLE, &keepalive_idle, &error));
  g_assert_cmpint (keepalive_idle, ==, TETHER_SPICE_KEEPALIVE_IDLE_SECONDS);
  /* The connect timeout does not stay on the socket. */
  g_assert_cmpuint (g_socket_get_timeout (sock), ==, 0);
  expect_hello (r.stream);
  close_stream (r.stream);
  server_free (server);
  drain_until_finalized (200);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_transport_tcp_refused (void)
{
  Server *server = server_new (SERVE_HELLO, FALSE);
  guint16 port = server->port;
  TetherSpiceTransportParams p;
  Result r;

  server_free (server);
  tcp_params (&p, port);
  run_connect (&p, &r);
  g_assert_null (r.stream);
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_assert_nonnull (strstr (r.error->message, "127.0.0.1"));
  g_clear_error (&r.error);
}

static void
test_transport_bad_params (void)
{
  TetherSpiceTransportParams p;
  Result r;

  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup ("a\r\nb");
  p.port = 1;
  run_connect (&p, &r);
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_clear_error (&r.error);

  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_UNIX;
  p.unix_path = g_strdup ("/nonexistent/tether.sock");
  p.tls = TRUE;
  run_connect (&p, &r);
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_assert_nonnull (strstr (r.error->message, "TLS"));
  g_clear_error (&r.error);

  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_UNIX;
  p.unix_path = g_strdup ("/nonexistent/tether.sock");
  run_connect (&p, &r);
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_clear_error (&r.error);
}

static void
test_transport_unix (void)
{
  guint fds = tether_test_count_fds ();
  Server *server = server_new (SERVE_HELLO, TRUE);
  TetherSpiceTransportParams p;
  Result r;

  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_UNIX;
  p.unix_path = g_strdup (server->unix_path);
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  expect_hello (r.stream);
  close_stream (r.stream);
  server_free (server);
  drain_until_finalized (200);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_transport_fd (void)
{
  guint fds = tether_test_count_fds ();
  TetherSpiceTransportParams p;
  Result r;
  int sv[2];

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  g_assert_cmpint (write (sv[1], "hello", 5), ==, 5);
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_FD;
  p.fd = sv[0];
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  expect_hello (r.stream);
  close_stream (r.stream);
  close (sv[1]);
  tether_test_assert_no_fd_leak (fds);

  /* Not a socket: refused, and the fd is closed all the same. */
  g_assert_cmpint (pipe (sv), ==, 0);
  close (sv[1]);
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_FD;
  p.fd = sv[0];
  run_connect (&p, &r);
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
  g_clear_error (&r.error);
  tether_test_assert_no_fd_leak (fds);

  /* Parameters cleared without connecting close their fd. */
  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), ==, 0);
  close (sv[1]);
  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_FD;
  p.fd = sv[0];
  tether_spice_transport_params_clear (&p);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_transport_cancel (void)
{
  guint fds = tether_test_count_fds ();
  Server *server = server_new (SERVE_HELLO, FALSE);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  TetherSpiceTransportParams p;
  Result r = { 0 };

  tcp_params (&p, server->port);
  tether_spice_transport_connect_async (&p, cancellable, connected, &r);
  g_cancellable_cancel (cancellable);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  server_free (server);
  drain_until_finalized (200);
  tether_test_assert_no_fd_leak (fds);
}

/* ---- HTTP CONNECT ----------------------------------------------------------------------------- */

static void
test_proxy_connect (void)
{
  guint fds = tether_test_count_fds ();
  Server *proxy = server_new (SERVE_PROXY, FALSE);
  TetherSpiceTransportParams p;
  Result r;
  g_autofree char *auth = NULL;

  proxy->reply = "HTTP/1.1 200 Connection established\r\nVia: test\r\n\r\n";
  tcp_params (&p, 5930);
  g_free (p.host);
  p.host = g_strdup ("10.9.8.7");
  p.use_proxy = TRUE;
  p.proxy.host = g_strdup ("127.0.0.1");
  p.proxy.port = proxy->port;
  p.proxy.user = g_strdup ("alice");
  p.proxy.password = g_strdup ("s3cret");
  run_connect (&p, &r);
  g_assert_no_error (r.error);
  /* Exactly what went to the proxy. */
  auth = g_base64_encode ((const guchar *) "alice:s3cret", 12);
  {
    g_autofree char *expected = g_strdup_printf ("CONNECT 10.9.8.7:5930 HTTP/1.0\r\nHost: 10.9.8.7:5930\r\n"
                                                 "Proxy-Authorization: Basic %s\r\n\r\n", auth);

    g_assert_cmpstr (proxy->request->str, ==, expected);
  }
  /* The tunnel's first bytes are the server's, not the proxy's. */
  expect_hello (r.stream);
  close_stream (r.stream);
  server_free (proxy);
  drain_until_finalized (200);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_proxy_refused (void)
{
  static const struct {
    const char *reply;
    const char *in_message;
  } v[] = {
    { "HTTP/1.0 407 Proxy Authentication Required\r\n\r\n", "407 Proxy Authentication Required" },
    { "HTTP/1.1 403 Forbidden\r\nX: y\r\n\r\n", "403 Forbidden" },
    { "HTTP/1.1 502\r\n\r\n", "502" },
    { "SSH-2.0-OpenSSH\r\n\r\n", "HTTP/1.x" },
    { "HTTP/1.1 2000 OK\r\n\r\n", "status code" },
    { "HTTP/1.1 200 OK\r\n", "closed the connection" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      guint fds = tether_test_count_fds ();
      Server *proxy = server_new (SERVE_PROXY, FALSE);
      TetherSpiceTransportParams p;
      Result r;

      proxy->reply = v[i].reply;
      tcp_params (&p, 5930);
      p.use_proxy = TRUE;
      p.proxy.host = g_strdup ("127.0.0.1");
      p.proxy.port = proxy->port;
      run_connect (&p, &r);
      g_assert_null (r.stream);
      g_test_message ("%s", r.error->message);
      g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
      g_assert_nonnull (strstr (r.error->message, v[i].in_message));
      g_clear_error (&r.error);
      server_free (proxy);
      drain_until_finalized (100);
      tether_test_assert_no_fd_leak (fds);
    }
}

static void
test_http_status_parse (void)
{
  static const struct {
    const char *headers;
    gboolean    ok;
    guint       status;
    const char *reason;
  } v[] = {
    { "HTTP/1.0 200 Connection established\r\n", TRUE, 200, "Connection established" },
    { "HTTP/1.1 200 OK", TRUE, 200, "OK" },
    { "HTTP/1.1 200\r\n", TRUE, 200, "" },
    { "HTTP/1.1 407 Auth\x01\xff\r\n", TRUE, 407, "Auth??" },
    { "HTTP/1.1 099 x\r\n", FALSE, 0, NULL },
    { "HTTP/2.0 200 OK\r\n", FALSE, 0, NULL },
    { "HTTP/1.1  200 OK\r\n", FALSE, 0, NULL },
    { "HTTP/1.1 20 OK\r\n", FALSE, 0, NULL },
    { "HTTP/1.1 2000 OK\r\n", FALSE, 0, NULL },
    { "HTTP/1.1 2x0 OK\r\n", FALSE, 0, NULL },
    { "http/1.1 200 OK\r\n", FALSE, 0, NULL },
    { "", FALSE, 0, NULL },
    { "HTTP/1.1", FALSE, 0, NULL },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      guint status = 1;
      g_autofree char *reason = NULL;
      g_autoptr(GError) error = NULL;
      gboolean ok = tether_spice_http_parse_status (v[i].headers, strlen (v[i].headers), &status, &reason, &error);

      test_note (v[i].headers);
      g_assert_cmpint (ok, ==, v[i].ok);
      g_assert_cmpuint (status, ==, v[i].status);
      g_assert_cmpstr (reason, ==, v[i].reason);
      if (!ok)
        g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_CONNECT);
    }
  /* A long reason is capped. */
  {
    g_autofree char *pad = g_strnfill (500, 'r');
    g_autofree char *line = g_strdup_printf ("HTTP/1.1 403 %s\r\n", pad);
    g_autofree char *reason = NULL;
    guint status;

    g_assert_true (tether_spice_http_parse_status (line, strlen (line), &status, &reason, NULL));
    g_assert_cmpuint (strlen (reason), ==, 100);
  }
}

/* ---- TLS ------------------------------------------------------------------------------------------- */

typedef struct {
  const char              *name;
  TetherSpiceSessionVerify verify;
  const char              *ca;           /* "ca", "wrong", "both", "file", "none" */
  const char              *host;
  const char              *subject;
  const char              *pubkey;       /* "server", "other", NULL */
  const char              *expect;       /* NULL: success, else a substring of the error */
  gboolean                 expired;
} TlsCase;

static const TlsCase tls_cases[] = {
  { "right CA, host name", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "ca", "127.0.0.1", NULL, NULL, NULL, FALSE },
  { "right CA, DNS name", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "ca", "localhost", NULL, NULL, NULL, FALSE },
  { "right CA in a file", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "file", "127.0.0.1", NULL, NULL, NULL, FALSE },
  { "right CA among others", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "both", "127.0.0.1", NULL, NULL, NULL, FALSE },
  { "wrong CA", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "wrong", "127.0.0.1", NULL, NULL, "unknown CA", FALSE },
  { "system CAs only", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "none", "127.0.0.1", NULL, NULL, "unknown CA", FALSE },
  { "wrong host name", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "ca", "wrong.example", NULL, NULL, "bad identity",
    FALSE },
  { "wrong IP", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "ca", "127.0.0.2", NULL, NULL, "bad identity", FALSE },
  { "right subject", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "ca", "wrong.example", SERVER_SUBJECT, NULL, NULL,
    FALSE },
  { "subject wins over host", TETHER_SPICE_SESSION_VERIFY_SUBJECT | TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "ca",
    "wrong.example", SERVER_SUBJECT, NULL, NULL, FALSE },
  { "subject with spaces", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "ca", "h", "C=XX, O=Tether Test, CN=localhost",
    NULL, NULL, FALSE },
  { "wrong subject", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "ca", "127.0.0.1", "C=XX,O=Other,CN=localhost", NULL,
    "does not match", FALSE },
  { "subject in another order", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "ca", "127.0.0.1",
    "CN=localhost,O=Tether Test,C=XX", NULL, "does not match", FALSE },
  { "subject with fewer parts", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "ca", "127.0.0.1", "CN=localhost", NULL,
    "does not match", FALSE },
  { "subject, wrong CA", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "wrong", "127.0.0.1", SERVER_SUBJECT, NULL,
    "unknown CA", FALSE },
  { "subject requested, none set", TETHER_SPICE_SESSION_VERIFY_SUBJECT, "ca", "127.0.0.1", NULL, NULL,
    "no cert-subject", FALSE },
  { "pinned key, untrusted chain", TETHER_SPICE_SESSION_VERIFY_PUBKEY | TETHER_SPICE_SESSION_VERIFY_HOSTNAME,
    "wrong", "wrong.example", NULL, "server", NULL, FALSE },
  { "pinned key alone", TETHER_SPICE_SESSION_VERIFY_PUBKEY, "none", "127.0.0.1", NULL, "server", NULL, FALSE },
  { "wrong pinned key", TETHER_SPICE_SESSION_VERIFY_PUBKEY, "ca", "127.0.0.1", NULL, "other", "pubkey mismatch",
    FALSE },
  { "wrong pinned key, good chain", TETHER_SPICE_SESSION_VERIFY_PUBKEY | TETHER_SPICE_SESSION_VERIFY_HOSTNAME,
    "ca", "127.0.0.1", NULL, "other", NULL, FALSE },
  { "pubkey requested, none set", TETHER_SPICE_SESSION_VERIFY_PUBKEY, "ca", "127.0.0.1", NULL, NULL, "no pubkey",
    FALSE },
  { "no verification", 0, "wrong", "wrong.example", NULL, NULL, NULL, FALSE },
  { "expired certificate", TETHER_SPICE_SESSION_VERIFY_HOSTNAME, "ca", "127.0.0.1", NULL, NULL, "expired", TRUE },
  { "expired certificate, pinned key", TETHER_SPICE_SESSION_VERIFY_PUBKEY, "ca", "127.0.0.1", NULL, "server", NULL,
    TRUE },
};

static void
test_tls (gconstpointer data)
{
  const TlsCase *c = data;
  guint fds = tether_test_count_fds ();
  Server *server = server_new (SERVE_TLS_HELLO, FALSE);
  g_autofree char *ca_path = NULL;
  g_autofree char *dir = NULL;
  TetherSpiceTransportParams p;
  Result r;

  if (c->expired)
    {
      SSL_CTX_free (server->tls_ctx);
      server->tls_ctx = pki_server_ctx (pki.expired_pem);
    }
  tcp_params (&p, server->port);
  p.tls = TRUE;
  p.tls_params.verify = c->verify;
  p.tls_params.host = g_strdup (c->host);
  p.tls_params.cert_subject = g_strdup (c->subject);
  if (g_str_equal (c->ca, "ca"))
    p.tls_params.ca = g_bytes_new (pki.ca_pem, strlen (pki.ca_pem));
  else if (g_str_equal (c->ca, "wrong"))
    p.tls_params.ca = g_bytes_new (pki.wrong_ca_pem, strlen (pki.wrong_ca_pem));
  else if (g_str_equal (c->ca, "both"))
    {
      g_autofree char *both = g_strconcat (pki.wrong_ca_pem, "junk between\n", pki.ca_pem, NULL);

      p.tls_params.ca = g_bytes_new (both, strlen (both));
    }
  else if (g_str_equal (c->ca, "file"))
    {
      dir = g_dir_make_tmp ("tether-ca-XXXXXX", NULL);
      ca_path = g_build_filename (dir, "ca.pem", NULL);
      g_assert_true (g_file_set_contents (ca_path, pki.ca_pem, -1, NULL));
      p.tls_params.ca_file = g_strdup (ca_path);
    }
  if (c->pubkey != NULL)
    p.tls_params.pubkey = g_bytes_ref (g_str_equal (c->pubkey, "server") ? pki.server_pubkey : pki.other_pubkey);

  run_connect (&p, &r);
  if (c->expect == NULL)
    {
      g_assert_no_error (r.error);
      g_assert_true (TETHER_SPICE_IS_TLS_STREAM (r.stream));
      expect_hello (r.stream);
      close_stream (r.stream);
    }
  else
    {
      g_assert_null (r.stream);
      g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
      g_test_message ("%s", r.error->message);
      g_assert_nonnull (strstr (r.error->message, c->expect));
      g_clear_error (&r.error);
    }
  server_free (server);
  if (ca_path != NULL)
    {
      g_unlink (ca_path);
      g_rmdir (dir);
    }
  drain_until_finalized (300);
  tether_test_assert_no_fd_leak (fds);
}

static void
test_tls_bad_ca_input (void)
{
  TetherSpiceTransportParams p;
  Result r;
  static const char broken[] = "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n";

  tcp_params (&p, 1);
  p.tls = TRUE;
  p.tls_params.verify = TETHER_SPICE_SESSION_VERIFY_HOSTNAME;
  p.tls_params.ca = g_bytes_new (broken, strlen (broken));
  run_connect (&p, &r);
  /* Either the connection is refused first, or the CA is: never success. */
  g_assert_null (r.stream);
  g_assert_nonnull (r.error);
  g_clear_error (&r.error);

  g_assert_null (tether_spice_tls_certs_from_pem (broken, strlen (broken), &r.error));
  g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
  g_clear_error (&r.error);

  /* A missing CA file is named in the error. */
  {
    Server *server = server_new (SERVE_TLS_HELLO, FALSE);

    tcp_params (&p, server->port);
    p.tls = TRUE;
    p.tls_params.verify = TETHER_SPICE_SESSION_VERIFY_HOSTNAME;
    p.tls_params.ca_file = g_strdup ("/nonexistent/ca.pem");
    run_connect (&p, &r);
    g_assert_error (r.error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
    g_assert_nonnull (strstr (r.error->message, "/nonexistent/ca.pem"));
    g_clear_error (&r.error);
    server_free (server);
  }
  drain_until_finalized (200);
}

static void
test_tls_check_leaf (void)
{
  TetherSpiceTlsParams params = { 0 };
  gsize n;
  const guint8 *der = g_bytes_get_data (pki.server_der, &n);
  g_autoptr(GError) error = NULL;
  g_autofree char *subject = tether_spice_cert_subject_from_der (der, n);

  g_assert_cmpstr (subject, ==, SERVER_SUBJECT);
  params.verify = TETHER_SPICE_SESSION_VERIFY_HOSTNAME;
  params.host = (char *) "localhost";
  g_assert_true (tether_spice_tls_check_leaf (&params, der, n, 0, &error));
  g_assert_no_error (error);
  g_assert_false (tether_spice_tls_check_leaf (&params, der, n, G_TLS_CERTIFICATE_UNKNOWN_CA, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
  g_clear_error (&error);
  /* Garbage is refused, not crashed on; every prefix too. */
  for (gsize i = 0; i < n; i += 7)
    {
      g_assert_false (tether_spice_tls_check_leaf (&params, der, i, 0, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_TLS);
      g_clear_error (&error);
      g_assert_null (tether_spice_cert_subject_from_der (der, i));
    }
  /* A pubkey property that is not DER. */
  params.verify = TETHER_SPICE_SESSION_VERIFY_PUBKEY;
  params.pubkey = g_bytes_new_static ("nonsense", 8);
  g_assert_false (tether_spice_tls_check_leaf (&params, der, n, 0, &error));
  g_assert_nonnull (strstr (error->message, "not a DER"));
  g_bytes_unref (params.pubkey);
}

static void
test_cert_subject_parse (void)
{
  static const struct {
    const char *text;
    guint       n;
    const char *last_key, *last_value;
  } good[] = {
    { "CN=x", 1, "CN", "x" },
    { "C=IL,L=Raanana,O=Red Hat,CN=my server", 4, "CN", "my server" },
    { "  C=XX, O=a\\,b,CN=c\\\\d", 3, "CN", "c\\d" },
    { "2.5.4.3=oid", 1, "2.5.4.3", "oid" },
    { "CN=a=b", 1, "CN", "a=b" },
  };
  static const char * const bad[] = {
    "", "CN", "CN=", "=x", "CN=x,", "CN=x,,O=y", "CN=a\\b", "CN=a\\", "C N=x", "CN=x\n", "CN=\x01",
    "CN=x\xff",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (good); i++)
    {
      g_autoptr(GPtrArray) rdns = NULL;
      g_autoptr(GError) error = NULL;
      TetherSpiceRdn *last;

      g_assert_true (tether_spice_cert_subject_parse (good[i].text, &rdns, &error));
      g_assert_no_error (error);
      g_assert_cmpuint (rdns->len, ==, good[i].n);
      last = g_ptr_array_index (rdns, rdns->len - 1);
      g_assert_cmpstr (last->key, ==, good[i].last_key);
      g_assert_cmpstr (last->value, ==, good[i].last_value);
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GPtrArray) rdns = NULL;
      g_autoptr(GError) error = NULL;

      test_note (bad[i]);
      g_assert_false (tether_spice_cert_subject_parse (bad[i], &rdns, &error));
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_null (rdns);
    }
  /* Limits. */
  {
    GString *s = g_string_new ("CN=a");
    g_autoptr(GPtrArray) rdns = NULL;
    g_autoptr(GError) error = NULL;

    for (guint i = 0; i < TETHER_SPICE_CERT_SUBJECT_MAX_RDNS; i++)
      g_string_append (s, ",O=b");
    g_assert_false (tether_spice_cert_subject_parse (s->str, &rdns, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    g_string_free (s, TRUE);
  }
}

int
main (int argc, char **argv)
{
  int ret;

  tether_test_init (&argc, &argv);
  warm_up_gio ();
  pki_init ();
  g_test_add_func ("/spice/transport/tcp", test_transport_tcp);
  g_test_add_func ("/spice/transport/tcp-refused", test_transport_tcp_refused);
  g_test_add_func ("/spice/transport/bad-params", test_transport_bad_params);
  g_test_add_func ("/spice/transport/unix", test_transport_unix);
  g_test_add_func ("/spice/transport/fd", test_transport_fd);
  g_test_add_func ("/spice/transport/cancel", test_transport_cancel);
  g_test_add_func ("/spice/transport/proxy/connect", test_proxy_connect);
  g_test_add_func ("/spice/transport/proxy/refused", test_proxy_refused);
  g_test_add_func ("/spice/transport/proxy/status-line", test_http_status_parse);
  for (gsize i = 0; i < G_N_ELEMENTS (tls_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/spice/transport/tls/%s", tls_cases[i].name);

      for (char *c = path; *c != '\0'; c++)
        if (*c == ' ' || *c == ',')
          *c = '-';
      g_test_add_data_func (path, &tls_cases[i], test_tls);
    }
  g_test_add_func ("/spice/transport/tls/bad-ca-input", test_tls_bad_ca_input);
  g_test_add_func ("/spice/transport/tls/check-leaf", test_tls_check_leaf);
  g_test_add_func ("/spice/transport/tls/cert-subject-parse", test_cert_subject_parse);
  ret = g_test_run ();
  pki_clear ();
  return ret;
}
