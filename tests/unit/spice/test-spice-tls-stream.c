/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TetherSpiceTlsStream against a TLS server made here with OpenSSL alone:
 * blocking SSL calls on one end of a socket pair, in a thread. The client
 * end is a GSocketConnection, as in the library. Last, the whole transport
 * through an HTTPS proxy: TLS inside TLS, the proxy also OpenSSL alone, with
 * the test CA as the system's trust store (SSL_CERT_FILE).
 */
#include "config.h"

#include <string.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <gio/gio.h>

#include <openssl/err.h>
#include <openssl/ssl.h>

#include <netinet/in.h>
#include <glib/gstdio.h>

#include "tether-spice-tls-stream-private.h"
#include "tether-spice-transport-private.h"
#include "test-spice-session-helpers.h"
#include "test-spice-session-pki.h"

#define BIG_SIZE (4u * 1024u * 1024u + 12345u)

typedef enum {
  SERVE_ECHO,        /* echo everything until the client closes */
  SERVE_ONE_RECORD,  /* one record of "hello, partial reads", then wait for the close */
  SERVE_CUT_RECORD,  /* half of a record, then close the socket */
  SERVE_SILENT,      /* handshake, then read until the client closes, sending nothing */
  SERVE_NO_READING,  /* one record, then no reading until released, then read until the end */
} ServeMode;

typedef struct {
  ServeMode  mode;
  int        fd;
  GThread   *thread;
  gboolean   handshake_ok;
  gboolean   got_close_notify;
  gsize      echoed;
  gint       release;    /* SERVE_NO_READING */
} Server;

#define ONE_RECORD "hello, partial reads"

static gpointer
server_thread (gpointer data)
{
  Server *s = data;
  SSL_CTX *ctx = pki_server_ctx (pki.server_pem);
  SSL *ssl = SSL_new (ctx);
  char buf[16384];

  SSL_set_fd (ssl, s->fd);
  s->handshake_ok = SSL_accept (ssl) == 1;
  if (!s->handshake_ok)
    goto out;
  switch (s->mode)
    {
    case SERVE_ECHO:
    case SERVE_SILENT:
      for (;;)
        {
          int n = SSL_read (ssl, buf, sizeof buf);

          if (n <= 0)
            {
              s->got_close_notify = SSL_get_error (ssl, n) == SSL_ERROR_ZERO_RETURN;
              break;
            }
          if (s->mode == SERVE_ECHO)
            {
              if (SSL_write (ssl, buf, n) != n)
                break;
              s->echoed += (gsize) n;
            }
        }
      break;
    case SERVE_ONE_RECORD:
      g_assert_cmpint (SSL_write (ssl, ONE_RECORD, strlen (ONE_RECORD)), ==, (int) strlen (ONE_RECORD));
      {
        int n = SSL_read (ssl, buf, sizeof buf);

        s->got_close_notify = n <= 0 && SSL_get_error (ssl, n) == SSL_ERROR_ZERO_RETURN;
      }
      break;
    case SERVE_NO_READING:
      g_assert_cmpint (SSL_write (ssl, ONE_RECORD, strlen (ONE_RECORD)), ==, (int) strlen (ONE_RECORD));
      while (!g_atomic_int_get (&s->release))
        g_usleep (1000);
      while (SSL_read (ssl, buf, sizeof buf) > 0)
        ;
      break;
    case SERVE_CUT_RECORD:
      {
        /* The record goes to memory; half of it to the socket. */
        BIO *mem = BIO_new (BIO_s_mem ());
        char *rec;
        long len;

        SSL_set0_wbio (ssl, mem);
        g_assert_cmpint (SSL_write (ssl, buf, 1000), ==, 1000);
        len = BIO_get_mem_data (mem, &rec);
        g_assert_cmpint (len, >, 1000);
        g_assert_cmpint (write (s->fd, rec, (size_t) len / 2), ==, len / 2);
        shutdown (s->fd, SHUT_RDWR);
      }
      break;
    default:
      g_assert_not_reached ();
    }
out:
  SSL_free (ssl);
  SSL_CTX_free (ctx);
  ERR_clear_error ();
  close (s->fd);
  return NULL;
}

/* A socket pair: the server's end to a thread (or to nobody, when
 * @mode_or_none is -1: a peer that never answers); the client's end as a
 * GIOStream. */
static GIOStream *
pair_new (int mode_or_none, Server **server_out, int *silent_fd)
{
  int fds[2];
  g_autoptr(GSocket) sock = NULL;
  GError *error = NULL;

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  sock = g_socket_new_from_fd (fds[0], &error);
  g_assert_no_error (error);
  *server_out = NULL;
  if (mode_or_none >= 0)
    {
      Server *s = g_new0 (Server, 1);

      s->mode = (ServeMode) mode_or_none;
      s->fd = fds[1];
      s->thread = g_thread_new ("tls-server", server_thread, s);
      *server_out = s;
    }
  else
    *silent_fd = fds[1];
  return G_IO_STREAM (g_socket_connection_factory_create_connection (sock));
}

static void
server_join (Server *s)
{
  g_thread_join (s->thread);
  g_free (s);
}

static TetherSpiceTlsStream *
client_new (GIOStream *base)
{
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());
  SSL *ssl;
  GError *error = NULL;
  TetherSpiceTlsStream *tls;

  SSL_CTX_set_verify (ctx, SSL_VERIFY_NONE, NULL);
  ssl = SSL_new (ctx);
  SSL_CTX_free (ctx);
  SSL_set_connect_state (ssl);
  tls = tether_spice_tls_stream_new (base, ssl, &error);
  g_assert_no_error (error);
  return tls;
}

typedef struct {
  gboolean done;
  gboolean ok;
  gsize    n;
  GError  *error;
} Result;

static void
handshake_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->ok = tether_spice_tls_stream_handshake_finish (TETHER_SPICE_TLS_STREAM (source), result, &r->error);
  r->done = TRUE;
}

static void
read_all_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->ok = g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &r->n, &r->error);
  r->done = TRUE;
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;
  gssize n = g_input_stream_read_finish (G_INPUT_STREAM (source), result, &r->error);

  r->ok = n >= 0;
  r->n = n >= 0 ? (gsize) n : 0;
  r->done = TRUE;
}

static void
writev_all_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->ok = g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, &r->n, &r->error);
  r->done = TRUE;
}

static void
close_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Result *r = user_data;

  r->ok = g_io_stream_close_finish (G_IO_STREAM (source), result, &r->error);
  r->done = TRUE;
}

static void
handshake (TetherSpiceTlsStream *tls)
{
  Result r = { 0 };

  tether_spice_tls_stream_handshake_async (tls, NULL, handshake_cb, &r);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
  g_assert_nonnull (tether_spice_tls_stream_get_protocol (tls));
  g_assert_nonnull (tether_spice_tls_stream_get_cipher (tls));
}

static void
close_stream (TetherSpiceTlsStream *tls)
{
  Result r = { 0 };

  g_io_stream_close_async (G_IO_STREAM (tls), G_PRIORITY_DEFAULT, NULL, close_cb, &r);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_no_error (r.error);
  g_assert_true (r.ok);
}

/* 4 MiB and some, in three vectors, echoed: writev_all and read_all at once. */
static void
test_echo_big (void)
{
  Server *server;
  g_autoptr(GIOStream) base = pair_new (SERVE_ECHO, &server, NULL);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  g_autofree guint8 *out = g_malloc (BIG_SIZE);
  g_autofree guint8 *in = g_malloc0 (BIG_SIZE);
  GOutputVector vectors[3];
  Result w = { 0 }, r = { 0 };

  for (gsize i = 0; i < BIG_SIZE; i++)
    out[i] = (guint8) (i * 7 + i / 65536);
  handshake (tls);
  vectors[0] = (GOutputVector) { out, 10 };
  vectors[1] = (GOutputVector) { out + 10, 3u * 1024u * 1024u };
  vectors[2] = (GOutputVector) { out + 10 + 3u * 1024u * 1024u, BIG_SIZE - 10 - 3u * 1024u * 1024u };
  g_output_stream_writev_all_async (g_io_stream_get_output_stream (G_IO_STREAM (tls)), vectors, 3,
                                    G_PRIORITY_DEFAULT, NULL, writev_all_cb, &w);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (tls)), in, BIG_SIZE,
                                 G_PRIORITY_DEFAULT, NULL, read_all_cb, &r);
  spin_until (&w.done, TEST_TIMEOUT_MS);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_no_error (w.error);
  g_assert_no_error (r.error);
  g_assert_cmpuint (w.n, ==, BIG_SIZE);
  g_assert_cmpuint (r.n, ==, BIG_SIZE);
  g_assert_true (memcmp (in, out, BIG_SIZE) == 0);
  close_stream (tls);
  g_thread_join (server->thread);
  g_assert_cmpuint (server->echoed, ==, BIG_SIZE);
  g_free (server);
}

/* One record read 3 bytes at a time: the rest is in OpenSSL's buffer, not
 * on the socket, and every read must still complete. */
static void
test_partial_reads (void)
{
  Server *server;
  g_autoptr(GIOStream) base = pair_new (SERVE_ONE_RECORD, &server, NULL);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  GInputStream *in;
  GString *got = g_string_new (NULL);

  handshake (tls);
  in = g_io_stream_get_input_stream (G_IO_STREAM (tls));
  while (got->len < strlen (ONE_RECORD))
    {
      char buf[3];
      Result r = { 0 };

      g_input_stream_read_async (in, buf, sizeof buf, G_PRIORITY_DEFAULT, NULL, read_cb, &r);
      spin_until (&r.done, TEST_TIMEOUT_MS);
      g_assert_no_error (r.error);
      g_assert_cmpuint (r.n, >, 0);
      g_assert_cmpuint (r.n, <=, sizeof buf);
      g_string_append_len (got, buf, (gssize) r.n);
      if (got->len > 3)
        g_assert_true (g_pollable_input_stream_is_readable (G_POLLABLE_INPUT_STREAM (in)) ||
                       got->len == strlen (ONE_RECORD));
    }
  g_assert_cmpstr (got->str, ==, ONE_RECORD);
  g_string_free (got, TRUE);
  close_stream (tls);
  server_join (server);
}

/* The server goes away in the middle of a record: a G_IO_ERROR, not a hang
 * and not a short success. */
static void
test_cut_record (void)
{
  Server *server;
  g_autoptr(GIOStream) base = pair_new (SERVE_CUT_RECORD, &server, NULL);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  guint8 buf[1000];
  Result r = { 0 };

  handshake (tls);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (tls)), buf, sizeof buf,
                                 G_PRIORITY_DEFAULT, NULL, read_all_cb, &r);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_false (r.ok);
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED);
  g_assert_cmpuint (r.n, ==, 0);
  g_clear_error (&r.error);
  close_stream (tls);
  server_join (server);
}

/* Closing sends close_notify (the server sees a clean end) and closes the
 * base; reading afterwards is G_IO_ERROR_CLOSED. */
static void
test_close (void)
{
  Server *server;
  g_autoptr(GIOStream) base = pair_new (SERVE_SILENT, &server, NULL);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  GError *error = NULL;
  char c;

  handshake (tls);
  close_stream (tls);
  g_thread_join (server->thread);
  g_assert_true (server->got_close_notify);
  g_free (server);
  g_assert_true (g_io_stream_is_closed (base));
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (G_IO_STREAM (tls)), &c, 1, NULL, &error), ==, -1);
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_CLOSED);
  g_clear_error (&error);
}

static gboolean
cancel_later (gpointer data)
{
  g_cancellable_cancel (G_CANCELLABLE (data));
  return G_SOURCE_REMOVE;
}

static double
cpu_seconds (void)
{
  struct rusage ru;

  g_assert_cmpint (getrusage (RUSAGE_SELF, &ru), ==, 0);
  return (double) ru.ru_utime.tv_sec + (double) ru.ru_utime.tv_usec / 1e6 + (double) ru.ru_stime.tv_sec +
         (double) ru.ru_stime.tv_usec / 1e6;
}

/* A peer that never answers the ClientHello: the handshake waits without
 * spinning, and cancelling it after 200 ms ends it with CANCELLED. */
static void
test_cancel_handshake (void)
{
  Server *none;
  int peer_fd = -1;
  g_autoptr(GIOStream) base = pair_new (-1, &none, &peer_fd);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  Result r = { 0 };
  gint64 start = g_get_monotonic_time ();
  double cpu = cpu_seconds ();
  GMainContext *ctx = g_main_context_get_thread_default ();

  tether_spice_tls_stream_handshake_async (tls, cancellable, handshake_cb, &r);
  g_timeout_add (200, cancel_later, cancellable);
  while (!r.done)
    g_main_context_iteration (ctx, TRUE);  /* blocking: CPU time is the stream's */
  cpu = cpu_seconds () - cpu;
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_cmpint (g_get_monotonic_time () - start, >=, 190 * 1000);
  g_test_message ("CPU time while waiting 200 ms: %.1f ms", cpu * 1000);
  g_assert_cmpfloat (cpu, <, 0.05);
  close (peer_fd);
}

/* A read waiting for data that never comes, cancelled. */
static void
test_cancel_read (void)
{
  Server *server;
  g_autoptr(GIOStream) base = pair_new (SERVE_SILENT, &server, NULL);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  guint8 buf[10];
  Result r = { 0 };
  double cpu;
  GMainContext *ctx = g_main_context_get_thread_default ();

  handshake (tls);
  cpu = cpu_seconds ();
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (tls)), buf, sizeof buf,
                                 G_PRIORITY_DEFAULT, cancellable, read_all_cb, &r);
  g_timeout_add (200, cancel_later, cancellable);
  while (!r.done)
    g_main_context_iteration (ctx, TRUE);
  cpu = cpu_seconds () - cpu;
  g_assert_error (r.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&r.error);
  g_assert_cmpfloat (cpu, <, 0.05);
  /* The stream still works after a cancelled read: closing it is clean. */
  close_stream (tls);
  server_join (server);
}

/* A write blocked on a full socket while decrypted bytes wait to be read:
 * the writer waits without spinning (a source made ready by the pending
 * read data would spin), and cancelling it works. */
static void
test_write_blocked_with_pending_read (void)
{
  Server *server;
  g_autoptr(GIOStream) base = pair_new (SERVE_NO_READING, &server, NULL);
  g_autoptr(TetherSpiceTlsStream) tls = client_new (base);
  g_autoptr(GCancellable) cancellable = g_cancellable_new ();
  g_autofree guint8 *big = g_malloc0 (8u * 1024u * 1024u);
  GOutputVector v = { big, 8u * 1024u * 1024u };
  char c;
  Result r = { 0 }, w = { 0 };
  double cpu;
  GMainContext *ctx = g_main_context_get_thread_default ();

  handshake (tls);
  g_input_stream_read_async (g_io_stream_get_input_stream (G_IO_STREAM (tls)), &c, 1, G_PRIORITY_DEFAULT, NULL,
                             read_cb, &r);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_no_error (r.error);
  g_assert_cmpint (c, ==, ONE_RECORD[0]);
  g_assert_cmpint (SSL_pending (tether_spice_tls_stream_get_ssl (tls)), ==, (int) strlen (ONE_RECORD) - 1);
  cpu = cpu_seconds ();
  g_output_stream_writev_all_async (g_io_stream_get_output_stream (G_IO_STREAM (tls)), &v, 1, G_PRIORITY_DEFAULT,
                                    cancellable, writev_all_cb, &w);
  g_timeout_add (200, cancel_later, cancellable);
  while (!w.done)
    g_main_context_iteration (ctx, TRUE);
  cpu = cpu_seconds () - cpu;
  g_assert_error (w.error, G_IO_ERROR, G_IO_ERROR_CANCELLED);
  g_clear_error (&w.error);
  g_assert_cmpuint (w.n, <, v.size);
  g_test_message ("CPU time with the write blocked for 200 ms: %.1f ms", cpu * 1000);
  g_assert_cmpfloat (cpu, <, 0.08);
  g_atomic_int_set (&server->release, 1);
  close_stream (tls);
  server_join (server);
}

/* The blocking calls (tests' servers use them), on both ends: a client
 * stream in a thread against the async one. */
typedef struct {
  GIOStream *base;
  gboolean   ok;
} SyncServer;

static gpointer
sync_server_thread (gpointer data)
{
  SyncServer *s = data;
  SSL_CTX *ctx = pki_server_ctx (pki.server_pem);
  SSL *ssl = SSL_new (ctx);
  TetherSpiceTlsStream *tls;
  char buf[5];
  gsize n = 0;

  SSL_CTX_free (ctx);
  SSL_set_accept_state (ssl);
  tls = tether_spice_tls_stream_new (s->base, ssl, NULL);
  s->ok = tether_spice_tls_stream_handshake (tls, NULL, NULL) &&
          g_input_stream_read_all (g_io_stream_get_input_stream (G_IO_STREAM (tls)), buf, 5, &n, NULL, NULL) &&
          n == 5 && memcmp (buf, "ping!", 5) == 0 &&
          g_output_stream_write_all (g_io_stream_get_output_stream (G_IO_STREAM (tls)), "pong!", 5, NULL, NULL,
                                     NULL);
  g_io_stream_close (G_IO_STREAM (tls), NULL, NULL);
  g_object_unref (tls);
  return NULL;
}

static void
test_sync_server (void)
{
  int fds[2];
  g_autoptr(GSocket) a = NULL, b = NULL;
  g_autoptr(GIOStream) base = NULL;
  g_autoptr(TetherSpiceTlsStream) tls = NULL;
  SyncServer s = { 0 };
  GThread *thread;
  char buf[5];
  Result w = { 0 }, r = { 0 };
  GOutputVector v = { "ping!", 5 };

  g_assert_cmpint (socketpair (AF_UNIX, SOCK_STREAM, 0, fds), ==, 0);
  a = g_socket_new_from_fd (fds[0], NULL);
  b = g_socket_new_from_fd (fds[1], NULL);
  base = G_IO_STREAM (g_socket_connection_factory_create_connection (a));
  s.base = G_IO_STREAM (g_socket_connection_factory_create_connection (b));
  thread = g_thread_new ("sync-server", sync_server_thread, &s);
  tls = client_new (base);
  handshake (tls);
  g_output_stream_writev_all_async (g_io_stream_get_output_stream (G_IO_STREAM (tls)), &v, 1, G_PRIORITY_DEFAULT,
                                    NULL, writev_all_cb, &w);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (G_IO_STREAM (tls)), buf, 5, G_PRIORITY_DEFAULT,
                                 NULL, read_all_cb, &r);
  spin_until (&w.done, TEST_TIMEOUT_MS);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_no_error (w.error);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.n, ==, 5);
  g_assert_true (memcmp (buf, "pong!", 5) == 0);
  g_thread_join (thread);
  g_assert_true (s.ok);
  g_object_unref (s.base);
  close_stream (tls);
}

/* A base whose streams cannot be polled is refused. */
static void
test_not_pollable (void)
{
  g_autoptr(GInputStream) mem_in = g_memory_input_stream_new ();
  g_autoptr(GOutputStream) mem_out = g_memory_output_stream_new_resizable ();
  g_autoptr(GInputStream) in = g_buffered_input_stream_new (mem_in);
  g_autoptr(GOutputStream) out = g_buffered_output_stream_new (mem_out);
  g_autoptr(GIOStream) base = g_simple_io_stream_new (in, out);
  SSL_CTX *ctx = SSL_CTX_new (TLS_client_method ());
  SSL *ssl = SSL_new (ctx);
  GError *error = NULL;

  SSL_CTX_free (ctx);
  g_assert_null (tether_spice_tls_stream_new (base, ssl, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED);
  g_clear_error (&error);
}

/* An HTTPS proxy in a thread: TLS, CONNECT, 200, then the SPICE server's
 * TLS inside the proxy's, and "hello" from the server. */
typedef struct {
  int      listen_fd;
  guint16  port;
  GString *request;
  gboolean inner_ok;
} HttpsProxy;

static gpointer
https_proxy_thread (gpointer data)
{
  HttpsProxy *p = data;
  SSL_CTX *ctx = pki_server_ctx (pki.server_pem);
  SSL *outer = SSL_new (ctx), *inner = SSL_new (ctx);
  BIO *through_outer = BIO_new (BIO_f_ssl ());
  int fd = accept (p->listen_fd, NULL, NULL);
  char c;

  g_assert_cmpint (fd, >=, 0);
  SSL_set_fd (outer, fd);
  if (SSL_accept (outer) != 1)
    goto out;
  while (!g_str_has_suffix (p->request->str, "\r\n\r\n") && p->request->len < 4096 && SSL_read (outer, &c, 1) == 1)
    g_string_append_c (p->request, c);
  SSL_write (outer, "HTTP/1.1 200 OK\r\n\r\n", 19);
  BIO_set_ssl (through_outer, outer, BIO_NOCLOSE);
  SSL_set_bio (inner, through_outer, through_outer);
  through_outer = NULL;
  if (SSL_accept (inner) == 1 && SSL_write (inner, "hello", 5) == 5)
    {
      p->inner_ok = TRUE;
      (void) SSL_read (inner, &c, 1);  /* until the client closes */
    }
out:
  BIO_free (through_outer);
  SSL_free (inner);
  SSL_free (outer);
  SSL_CTX_free (ctx);
  ERR_clear_error ();
  close (fd);
  return NULL;
}

static void
transport_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  GIOStream **out = user_data;
  GError *error = NULL;

  *out = tether_spice_transport_connect_finish (result, &error);
  g_assert_no_error (error);
}

static void
test_https_proxy (void)
{
  HttpsProxy proxy = { 0 };
  struct sockaddr_in addr = { .sin_family = AF_INET, .sin_addr.s_addr = htonl (INADDR_LOOPBACK) };
  socklen_t len = sizeof addr;
  TetherSpiceTransportParams p;
  GIOStream *stream = NULL;
  TetherSpiceTlsStream *outer;
  GThread *thread;
  char buf[5];
  Result r = { 0 };

  proxy.listen_fd = socket (AF_INET, SOCK_STREAM, 0);
  g_assert_cmpint (bind (proxy.listen_fd, (struct sockaddr *) &addr, sizeof addr), ==, 0);
  g_assert_cmpint (listen (proxy.listen_fd, 1), ==, 0);
  g_assert_cmpint (getsockname (proxy.listen_fd, (struct sockaddr *) &addr, &len), ==, 0);
  proxy.port = ntohs (addr.sin_port);
  proxy.request = g_string_new (NULL);
  thread = g_thread_new ("https-proxy", https_proxy_thread, &proxy);

  tether_spice_transport_params_init (&p);
  p.kind = TETHER_SPICE_TRANSPORT_TCP;
  p.host = g_strdup ("localhost");
  p.port = 5999;
  p.tls = TRUE;
  p.tls_params.verify = TETHER_SPICE_SESSION_VERIFY_HOSTNAME;
  p.tls_params.host = g_strdup ("localhost");
  p.tls_params.ca = g_bytes_new (pki.ca_pem, strlen (pki.ca_pem));
  p.use_proxy = TRUE;
  p.proxy.https = TRUE;
  p.proxy.host = g_strdup ("127.0.0.1");  /* checked against the system store: SSL_CERT_FILE */
  p.proxy.port = proxy.port;
  tether_spice_transport_connect_async (&p, NULL, transport_cb, &stream);
  while (stream == NULL)
    g_main_context_iteration (NULL, TRUE);

  g_assert_true (TETHER_SPICE_IS_TLS_STREAM (stream));
  outer = TETHER_SPICE_TLS_STREAM (tether_spice_tls_stream_get_base (TETHER_SPICE_TLS_STREAM (stream)));
  g_assert_true (TETHER_SPICE_IS_TLS_STREAM (outer));
  g_assert_true (G_IS_SOCKET_CONNECTION (tether_spice_tls_stream_get_base (outer)));
  g_input_stream_read_all_async (g_io_stream_get_input_stream (stream), buf, 5, G_PRIORITY_DEFAULT, NULL,
                                 read_all_cb, &r);
  spin_until (&r.done, TEST_TIMEOUT_MS);
  g_assert_no_error (r.error);
  g_assert_cmpuint (r.n, ==, 5);
  g_assert_true (memcmp (buf, "hello", 5) == 0);
  close_stream (TETHER_SPICE_TLS_STREAM (stream));
  g_object_unref (stream);
  g_thread_join (thread);
  g_assert_true (proxy.inner_ok);
  g_assert_cmpstr (proxy.request->str, ==, "CONNECT localhost:5999 HTTP/1.0\r\nHost: localhost:5999\r\n\r\n");
  g_string_free (proxy.request, TRUE);
  close (proxy.listen_fd);
}

int
main (int argc, char **argv)
{
  int ret;

  g_autofree char *dir = NULL;
  g_autofree char *ca_file = NULL;

  tether_test_init (&argc, &argv);
  pki_init ();
  /* The system trust store is the test CA here (read once per process). */
  dir = g_dir_make_tmp ("tether-tls-XXXXXX", NULL);
  g_assert_nonnull (dir);
  ca_file = g_build_filename (dir, "ca.pem", NULL);
  g_assert_true (g_file_set_contents (ca_file, pki.ca_pem, -1, NULL));
  g_setenv ("SSL_CERT_FILE", ca_file, TRUE);
  g_setenv ("SSL_CERT_DIR", dir, TRUE);
  g_test_add_func ("/spice/tls-stream/echo-4mib", test_echo_big);
  g_test_add_func ("/spice/tls-stream/partial-reads", test_partial_reads);
  g_test_add_func ("/spice/tls-stream/cut-record", test_cut_record);
  g_test_add_func ("/spice/tls-stream/close", test_close);
  g_test_add_func ("/spice/tls-stream/cancel-handshake", test_cancel_handshake);
  g_test_add_func ("/spice/tls-stream/cancel-read", test_cancel_read);
  g_test_add_func ("/spice/tls-stream/write-blocked-pending-read", test_write_blocked_with_pending_read);
  g_test_add_func ("/spice/tls-stream/sync-server", test_sync_server);
  g_test_add_func ("/spice/tls-stream/not-pollable", test_not_pollable);
  g_test_add_func ("/spice/tls-stream/https-proxy", test_https_proxy);
  ret = g_test_run ();
  pki_clear ();
  g_unlink (ca_file);
  g_rmdir (dir);
  return ret;
}
