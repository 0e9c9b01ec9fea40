/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * TLS through OpenSSL as a GIOStream over another GIOStream: see
 * tether-spice-tls-stream-private.h.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <openssl/bio.h>
#include <openssl/err.h>

#include "tether-spice-tls-stream-private.h"

/* ---- the state the three streams share ---------------------------------------------------- */

/* Reference-counted (g_atomic_rc_box): the input and output streams may
 * outlive the GIOStream while an operation on them is still pending. */
typedef struct {
  SSL                   *ssl;
  GIOStream             *base;
  GPollableInputStream  *base_in;
  GPollableOutputStream *base_out;
  GError                *bio_error;    /* the base stream's error in the last BIO call */
  GIOCondition           read_wants;   /* what the last SSL_read waits for: G_IO_IN or G_IO_OUT */
  GIOCondition           write_wants;  /* the same for SSL_write */
  gboolean               handshaken;
  gboolean               closed;
} TlsConn;

static void
tls_conn_clear (gpointer p)
{
  TlsConn *c = p;

  SSL_free (c->ssl);  /* and its BIO */
  g_clear_object (&c->base_in);
  g_clear_object (&c->base_out);
  g_clear_object (&c->base);
  g_clear_error (&c->bio_error);
}

static void
tls_conn_unref (TlsConn *c)
{
  g_atomic_rc_box_release_full (c, tls_conn_clear);
}

/* ---- the BIO: OpenSSL's I/O onto the base streams, never blocking ------------------------- */

static int
bio_create (BIO *bio)
{
  BIO_set_init (bio, 1);
  return 1;
}

static int
bio_read (BIO *bio, char *buf, int len)
{
  TlsConn *c = BIO_get_data (bio);
  GError *error = NULL;
  gssize n;

  BIO_clear_retry_flags (bio);
  if (len <= 0)
    return 0;
  n = g_pollable_input_stream_read_nonblocking (c->base_in, buf, (gsize) len, NULL, &error);
  if (n >= 0)
    return (int) n;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_error_free (error);
      BIO_set_retry_read (bio);
      return -1;
    }
  g_clear_error (&c->bio_error);
  c->bio_error = error;
  return -1;
}

static int
bio_write (BIO *bio, const char *buf, int len)
{
  TlsConn *c = BIO_get_data (bio);
  GError *error = NULL;
  gssize n;

  BIO_clear_retry_flags (bio);
  if (len <= 0)
    return 0;
  n = g_pollable_output_stream_write_nonblocking (c->base_out, buf, (gsize) len, NULL, &error);
  if (n >= 0)
    return (int) n;
  if (g_error_matches (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_error_free (error);
      BIO_set_retry_write (bio);
      return -1;
    }
  g_clear_error (&c->bio_error);
  c->bio_error = error;
  return -1;
}

static long
bio_ctrl (BIO *bio, int cmd, long num, void *ptr)
{
  switch (cmd)
    {
    case BIO_CTRL_FLUSH:  /* nothing is buffered here */
    case BIO_CTRL_DUP:
      return 1;
    default:
      return 0;
    }
}

static BIO_METHOD *
bio_method (void)
{
  static BIO_METHOD *method;

  if (g_once_init_enter (&method))
    {
      BIO_METHOD *m = BIO_meth_new (BIO_get_new_index () | BIO_TYPE_SOURCE_SINK, "tether-gio");

      BIO_meth_set_create (m, bio_create);
      BIO_meth_set_read (m, bio_read);
      BIO_meth_set_write (m, bio_write);
      BIO_meth_set_ctrl (m, bio_ctrl);
      g_once_init_leave (&method, m);
    }
  return method;
}

/* ---- results of SSL calls --------------------------------------------------------------------- */

typedef enum {
  RESULT_WOULD_BLOCK,
  RESULT_EOF,    /* close_notify */
  RESULT_ERROR,
} Result;

static const char *
ssl_reason (void)
{
  unsigned long e = ERR_peek_last_error ();
  const char *reason = e != 0 ? ERR_reason_error_string (e) : NULL;

  return reason != NULL ? reason : "unknown TLS error";
}

/* After an SSL call that did not succeed: *@wants gets the condition to
 * wait for, or @error the reason. */
static Result
tls_conn_result (TlsConn *c, int ret, GIOCondition *wants, GError **error)
{
  Result r = RESULT_ERROR;

  switch (SSL_get_error (c->ssl, ret))
    {
    case SSL_ERROR_WANT_READ:
      *wants = G_IO_IN;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "The operation would block");
      r = RESULT_WOULD_BLOCK;
      break;
    case SSL_ERROR_WANT_WRITE:
      *wants = G_IO_OUT;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "The operation would block");
      r = RESULT_WOULD_BLOCK;
      break;
    case SSL_ERROR_ZERO_RETURN:
      r = RESULT_EOF;
      break;
    case SSL_ERROR_SYSCALL:
    case SSL_ERROR_SSL:
      if (c->bio_error != NULL)
        g_propagate_error (error, g_steal_pointer (&c->bio_error));
      else if (ERR_peek_last_error () == 0 ||
               ERR_GET_REASON (ERR_peek_last_error ()) == SSL_R_UNEXPECTED_EOF_WHILE_READING)
        g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                             c->handshaken ? "The peer closed the TLS connection without close_notify"
                                           : "The peer closed the connection during the TLS handshake");
      else
        g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", ssl_reason ());
      break;
    default:
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED, "%s", ssl_reason ());
      break;
    }
  ERR_clear_error ();
  return r;
}

static void
tls_conn_begin (TlsConn *c)
{
  ERR_clear_error ();
  g_clear_error (&c->bio_error);
}

/* A source that fires when the base stream may have what OpenSSL waits
 * for, as a pollable source of @owner (one of the TLS streams). A reader
 * (@owner the input stream) is ready at once when OpenSSL holds decrypted
 * bytes; a writer is not: that would spin while the socket is full. */
static GSource *
tls_conn_source (TlsConn *c, gpointer owner, GIOCondition wants, GCancellable *cancellable)
{
  g_autoptr(GSource) child = NULL;
  gboolean reader = G_IS_INPUT_STREAM (owner);

  if (c->closed || (reader && SSL_pending (c->ssl) > 0))
    child = g_timeout_source_new (0);
  else if (wants == G_IO_OUT)
    child = g_pollable_output_stream_create_source (c->base_out, NULL);
  else
    child = g_pollable_input_stream_create_source (c->base_in, NULL);
  return g_pollable_source_new_full (owner, child, cancellable);
}

static gboolean
wait_fired (GObject *pollable, gpointer user_data)
{
  *(gboolean *) user_data = TRUE;
  return G_SOURCE_REMOVE;
}

/* The blocking calls: waits on a private main context. */
static gboolean
tls_conn_wait (TlsConn *c, gpointer owner, GIOCondition wants, GCancellable *cancellable, GError **error)
{
  GMainContext *ctx = g_main_context_new ();
  GSource *source = tls_conn_source (c, owner, wants, cancellable);
  gboolean fired = FALSE;

  g_source_set_callback (source, (GSourceFunc) (void (*) (void)) wait_fired, &fired, NULL);
  g_source_attach (source, ctx);
  while (!fired)
    g_main_context_iteration (ctx, TRUE);
  g_source_destroy (source);
  g_source_unref (source);
  g_main_context_unref (ctx);
  return !g_cancellable_set_error_if_cancelled (cancellable, error);
}

static gboolean
check_open (TlsConn *c, GError **error)
{
  if (!c->closed)
    return TRUE;
  g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CLOSED, "The TLS stream is closed");
  return FALSE;
}

/* A blocking read or write: the non-blocking call, and while it would
 * block, a wait on a private context for what OpenSSL asked for. */
static gssize tls_input_read_nonblocking   (GPollableInputStream  *pollable,
                                            void                  *buffer,
                                            gsize                  count,
                                            GError               **error);
static gssize tls_output_write_nonblocking (GPollableOutputStream *pollable,
                                            const void            *buffer,
                                            gsize                  count,
                                            GError               **error);

static gssize
tls_conn_blocking (TlsConn *c, gpointer stream, gboolean reading, gpointer buffer, gsize count,
                   GCancellable *cancellable, GError **error)
{
  for (;;)
    {
      GError *local = NULL;
      gssize n;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return -1;
      n = reading ? tls_input_read_nonblocking (stream, buffer, count, &local)
                  : tls_output_write_nonblocking (stream, buffer, count, &local);
      if (n >= 0)
        return n;
      if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_propagate_error (error, local);
          return -1;
        }
      g_error_free (local);
      if (!tls_conn_wait (c, stream, reading ? c->read_wants : c->write_wants, cancellable, error))
        return -1;
    }
}

/* ---- input -------------------------------------------------------------------------------------- */

#define TETHER_SPICE_TYPE_TLS_INPUT_STREAM (tether_spice_tls_input_stream_get_type ())
G_DECLARE_FINAL_TYPE (TetherSpiceTlsInputStream, tether_spice_tls_input_stream, TETHER_SPICE, TLS_INPUT_STREAM,
                      GInputStream)

struct _TetherSpiceTlsInputStream {
  GInputStream parent_instance;
  TlsConn     *conn;
};

static void tls_input_pollable_init (GPollableInputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TetherSpiceTlsInputStream, tether_spice_tls_input_stream, G_TYPE_INPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_INPUT_STREAM, tls_input_pollable_init))

static gssize
tls_input_read_nonblocking (GPollableInputStream *pollable, void *buffer, gsize count, GError **error)
{
  TlsConn *c = TETHER_SPICE_TLS_INPUT_STREAM (pollable)->conn;
  size_t got = 0;
  int ret;

  if (!check_open (c, error))
    return -1;
  if (count == 0)
    return 0;
  tls_conn_begin (c);
  ret = SSL_read_ex (c->ssl, buffer, count, &got);
  if (ret == 1)
    {
      c->read_wants = G_IO_IN;
      return (gssize) got;
    }
  switch (tls_conn_result (c, ret, &c->read_wants, error))
    {
    case RESULT_EOF:
      return 0;
    case RESULT_WOULD_BLOCK:
    case RESULT_ERROR:
    default:
      return -1;
    }
}

static gboolean
tls_input_can_poll (GPollableInputStream *pollable)
{
  return g_pollable_input_stream_can_poll (TETHER_SPICE_TLS_INPUT_STREAM (pollable)->conn->base_in);
}

static gboolean
tls_input_is_readable (GPollableInputStream *pollable)
{
  TlsConn *c = TETHER_SPICE_TLS_INPUT_STREAM (pollable)->conn;

  if (c->closed || SSL_pending (c->ssl) > 0)
    return TRUE;
  if (c->read_wants == G_IO_OUT)
    return g_pollable_output_stream_is_writable (c->base_out);
  return g_pollable_input_stream_is_readable (c->base_in);
}

static GSource *
tls_input_create_source (GPollableInputStream *pollable, GCancellable *cancellable)
{
  TlsConn *c = TETHER_SPICE_TLS_INPUT_STREAM (pollable)->conn;

  return tls_conn_source (c, pollable, c->read_wants, cancellable);
}

static void
tls_input_pollable_init (GPollableInputStreamInterface *iface)
{
  iface->can_poll = tls_input_can_poll;
  iface->is_readable = tls_input_is_readable;
  iface->create_source = tls_input_create_source;
  iface->read_nonblocking = tls_input_read_nonblocking;
}

static gssize
tls_input_read (GInputStream *stream, void *buffer, gsize count, GCancellable *cancellable, GError **error)
{
  return tls_conn_blocking (TETHER_SPICE_TLS_INPUT_STREAM (stream)->conn, stream, TRUE, buffer, count,
                            cancellable, error);
}

static gboolean
tls_input_close (GInputStream *stream, GCancellable *cancellable, GError **error)
{
  return TRUE;  /* the GIOStream closes the connection */
}

static void
tether_spice_tls_input_stream_finalize (GObject *object)
{
  tls_conn_unref (TETHER_SPICE_TLS_INPUT_STREAM (object)->conn);
  G_OBJECT_CLASS (tether_spice_tls_input_stream_parent_class)->finalize (object);
}

static void
tether_spice_tls_input_stream_class_init (TetherSpiceTlsInputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tether_spice_tls_input_stream_finalize;
  G_INPUT_STREAM_CLASS (klass)->read_fn = tls_input_read;
  G_INPUT_STREAM_CLASS (klass)->close_fn = tls_input_close;
}

static void
tether_spice_tls_input_stream_init (TetherSpiceTlsInputStream *self)
{
}

/* ---- output ------------------------------------------------------------------------------------- */

#define TETHER_SPICE_TYPE_TLS_OUTPUT_STREAM (tether_spice_tls_output_stream_get_type ())
G_DECLARE_FINAL_TYPE (TetherSpiceTlsOutputStream, tether_spice_tls_output_stream, TETHER_SPICE, TLS_OUTPUT_STREAM,
                      GOutputStream)

struct _TetherSpiceTlsOutputStream {
  GOutputStream parent_instance;
  TlsConn      *conn;
};

static void tls_output_pollable_init (GPollableOutputStreamInterface *iface);

G_DEFINE_FINAL_TYPE_WITH_CODE (TetherSpiceTlsOutputStream, tether_spice_tls_output_stream, G_TYPE_OUTPUT_STREAM,
                               G_IMPLEMENT_INTERFACE (G_TYPE_POLLABLE_OUTPUT_STREAM, tls_output_pollable_init))

static gssize
tls_output_write_nonblocking (GPollableOutputStream *pollable, const void *buffer, gsize count, GError **error)
{
  TlsConn *c = TETHER_SPICE_TLS_OUTPUT_STREAM (pollable)->conn;
  size_t written = 0;
  int ret;

  if (!check_open (c, error))
    return -1;
  if (count == 0)
    return 0;
  tls_conn_begin (c);
  /* After WANT_WRITE, GIO retries with the same bytes (at the same place
   * or, with SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER, elsewhere), as OpenSSL
   * requires. */
  ret = SSL_write_ex (c->ssl, buffer, count, &written);
  if (ret == 1)
    {
      c->write_wants = G_IO_OUT;
      return (gssize) written;
    }
  switch (tls_conn_result (c, ret, &c->write_wants, error))
    {
    case RESULT_EOF:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_BROKEN_PIPE, "The peer closed the TLS connection");
      return -1;
    case RESULT_WOULD_BLOCK:
    case RESULT_ERROR:
    default:
      return -1;
    }
}

static gboolean
tls_output_can_poll (GPollableOutputStream *pollable)
{
  return g_pollable_output_stream_can_poll (TETHER_SPICE_TLS_OUTPUT_STREAM (pollable)->conn->base_out);
}

static gboolean
tls_output_is_writable (GPollableOutputStream *pollable)
{
  TlsConn *c = TETHER_SPICE_TLS_OUTPUT_STREAM (pollable)->conn;

  if (c->closed)
    return TRUE;
  if (c->write_wants == G_IO_IN)
    return g_pollable_input_stream_is_readable (c->base_in);
  return g_pollable_output_stream_is_writable (c->base_out);
}

static GSource *
tls_output_create_source (GPollableOutputStream *pollable, GCancellable *cancellable)
{
  TlsConn *c = TETHER_SPICE_TLS_OUTPUT_STREAM (pollable)->conn;

  return tls_conn_source (c, pollable, c->write_wants, cancellable);
}

static void
tls_output_pollable_init (GPollableOutputStreamInterface *iface)
{
  iface->can_poll = tls_output_can_poll;
  iface->is_writable = tls_output_is_writable;
  iface->create_source = tls_output_create_source;
  iface->write_nonblocking = tls_output_write_nonblocking;
}

static gssize
tls_output_write (GOutputStream *stream, const void *buffer, gsize count, GCancellable *cancellable,
                  GError **error)
{
  return tls_conn_blocking (TETHER_SPICE_TLS_OUTPUT_STREAM (stream)->conn, stream, FALSE, (gpointer) buffer,
                            count, cancellable, error);
}

static gboolean
tls_output_close (GOutputStream *stream, GCancellable *cancellable, GError **error)
{
  return TRUE;  /* the GIOStream closes the connection */
}

static void
tether_spice_tls_output_stream_finalize (GObject *object)
{
  tls_conn_unref (TETHER_SPICE_TLS_OUTPUT_STREAM (object)->conn);
  G_OBJECT_CLASS (tether_spice_tls_output_stream_parent_class)->finalize (object);
}

static void
tether_spice_tls_output_stream_class_init (TetherSpiceTlsOutputStreamClass *klass)
{
  G_OBJECT_CLASS (klass)->finalize = tether_spice_tls_output_stream_finalize;
  G_OUTPUT_STREAM_CLASS (klass)->write_fn = tls_output_write;
  G_OUTPUT_STREAM_CLASS (klass)->close_fn = tls_output_close;
}

static void
tether_spice_tls_output_stream_init (TetherSpiceTlsOutputStream *self)
{
}

/* ---- the GIOStream ---------------------------------------------------------------------------- */

struct _TetherSpiceTlsStream {
  GIOStream                   parent_instance;
  TlsConn                    *conn;
  TetherSpiceTlsInputStream  *input;
  TetherSpiceTlsOutputStream *output;
};

G_DEFINE_FINAL_TYPE (TetherSpiceTlsStream, tether_spice_tls_stream, G_TYPE_IO_STREAM)

/* close_notify if the base takes it now; no waiting for the peer's. */
static void
tls_stream_shutdown (TetherSpiceTlsStream *self)
{
  TlsConn *c = self->conn;

  if (c->closed)
    return;
  if (c->handshaken)
    {
      tls_conn_begin (c);
      (void) SSL_shutdown (c->ssl);
      ERR_clear_error ();
      g_clear_error (&c->bio_error);
    }
  c->closed = TRUE;
}

static gboolean
tls_stream_close (GIOStream *stream, GCancellable *cancellable, GError **error)
{
  TetherSpiceTlsStream *self = TETHER_SPICE_TLS_STREAM (stream);

  tls_stream_shutdown (self);
  return g_io_stream_close (self->conn->base, cancellable, error);
}

static void
base_closed (GObject *source, GAsyncResult *result, gpointer user_data)
{
  g_autoptr(GTask) task = user_data;
  GError *error = NULL;

  if (g_io_stream_close_finish (G_IO_STREAM (source), result, &error))
    g_task_return_boolean (task, TRUE);
  else
    g_task_return_error (task, error);
}

static void
tls_stream_close_async (GIOStream *stream, int io_priority, GCancellable *cancellable,
                        GAsyncReadyCallback callback, gpointer user_data)
{
  TetherSpiceTlsStream *self = TETHER_SPICE_TLS_STREAM (stream);
  GTask *task = g_task_new (stream, cancellable, callback, user_data);

  g_task_set_source_tag (task, tls_stream_close_async);
  tls_stream_shutdown (self);
  g_io_stream_close_async (self->conn->base, io_priority, cancellable, base_closed, task);
}

static gboolean
tls_stream_close_finish (GIOStream *stream, GAsyncResult *result, GError **error)
{
  return g_task_propagate_boolean (G_TASK (result), error);
}

static GInputStream *
tls_stream_get_input_stream (GIOStream *stream)
{
  return G_INPUT_STREAM (TETHER_SPICE_TLS_STREAM (stream)->input);
}

static GOutputStream *
tls_stream_get_output_stream (GIOStream *stream)
{
  return G_OUTPUT_STREAM (TETHER_SPICE_TLS_STREAM (stream)->output);
}

static void
tether_spice_tls_stream_finalize (GObject *object)
{
  TetherSpiceTlsStream *self = TETHER_SPICE_TLS_STREAM (object);

  g_clear_object (&self->input);
  g_clear_object (&self->output);
  g_clear_pointer (&self->conn, tls_conn_unref);
  G_OBJECT_CLASS (tether_spice_tls_stream_parent_class)->finalize (object);
}

static void
tether_spice_tls_stream_class_init (TetherSpiceTlsStreamClass *klass)
{
  GIOStreamClass *io_class = G_IO_STREAM_CLASS (klass);

  G_OBJECT_CLASS (klass)->finalize = tether_spice_tls_stream_finalize;
  io_class->get_input_stream = tls_stream_get_input_stream;
  io_class->get_output_stream = tls_stream_get_output_stream;
  io_class->close_fn = tls_stream_close;
  io_class->close_async = tls_stream_close_async;
  io_class->close_finish = tls_stream_close_finish;
}

static void
tether_spice_tls_stream_init (TetherSpiceTlsStream *self)
{
}

TetherSpiceTlsStream *
tether_spice_tls_stream_new (GIOStream *base, SSL *ssl, GError **error)
{
  GInputStream *in = g_io_stream_get_input_stream (base);
  GOutputStream *out = g_io_stream_get_output_stream (base);
  TetherSpiceTlsStream *self;
  TlsConn *c;
  BIO *bio;

  if (!G_IS_POLLABLE_INPUT_STREAM (in) || !g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (in)) ||
      !G_IS_POLLABLE_OUTPUT_STREAM (out) || !g_pollable_output_stream_can_poll (G_POLLABLE_OUTPUT_STREAM (out)))
    {
      SSL_free (ssl);
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "TLS needs a connection that can be polled (a socket)");
      return NULL;
    }
  c = g_atomic_rc_box_new0 (TlsConn);
  c->ssl = ssl;
  c->base = g_object_ref (base);
  c->base_in = G_POLLABLE_INPUT_STREAM (g_object_ref (in));
  c->base_out = G_POLLABLE_OUTPUT_STREAM (g_object_ref (out));
  c->read_wants = G_IO_IN;
  c->write_wants = G_IO_OUT;
  bio = BIO_new (bio_method ());
  BIO_set_data (bio, c);
  SSL_set_bio (ssl, bio, bio);
  SSL_set_mode (ssl, SSL_MODE_ENABLE_PARTIAL_WRITE | SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);

  self = g_object_new (TETHER_SPICE_TYPE_TLS_STREAM, NULL);
  self->conn = c;
  self->input = g_object_new (TETHER_SPICE_TYPE_TLS_INPUT_STREAM, NULL);
  self->input->conn = g_atomic_rc_box_acquire (c);
  self->output = g_object_new (TETHER_SPICE_TYPE_TLS_OUTPUT_STREAM, NULL);
  self->output->conn = g_atomic_rc_box_acquire (c);
  return self;
}

/* ---- handshake ------------------------------------------------------------------------------------ */

/* 1: done, 0: would block (*@wants set), -1: @error set. */
static int
handshake_step (TlsConn *c, GIOCondition *wants, GError **error)
{
  int ret;

  tls_conn_begin (c);
  ret = SSL_do_handshake (c->ssl);
  if (ret == 1)
    {
      c->handshaken = TRUE;
      return 1;
    }
  switch (tls_conn_result (c, ret, wants, error))
    {
    case RESULT_WOULD_BLOCK:
      g_clear_error (error);
      return 0;
    case RESULT_EOF:
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_CONNECTION_CLOSED,
                           "The peer closed the connection during the TLS handshake");
      return -1;
    case RESULT_ERROR:
    default:
      return -1;
    }
}

static void handshake_continue (GTask *task);

static gboolean
handshake_ready (GObject *pollable, gpointer user_data)
{
  handshake_continue (G_TASK (user_data));
  return G_SOURCE_REMOVE;
}

static void
handshake_continue (GTask *task)
{
  TetherSpiceTlsStream *self = g_task_get_source_object (task);
  GError *error = NULL;
  GIOCondition wants = G_IO_IN;
  GSource *source;

  if (g_task_return_error_if_cancelled (task))
    return;
  switch (handshake_step (self->conn, &wants, &error))
    {
    case 1:
      g_task_return_boolean (task, TRUE);
      return;
    case 0:
      source = tls_conn_source (self->conn, wants == G_IO_OUT ? (gpointer) self->output : (gpointer) self->input,
                                wants, g_task_get_cancellable (task));
      g_task_attach_source (task, source, (GSourceFunc) (void (*) (void)) handshake_ready);
      g_source_unref (source);
      return;
    default:
      g_task_return_error (task, error);
      return;
    }
}

static void
handshake_task_start (GTask *task)
{
  handshake_continue (task);
  g_object_unref (task);
}

void
tether_spice_tls_stream_handshake_async (TetherSpiceTlsStream *self, GCancellable *cancellable,
                                         GAsyncReadyCallback callback, gpointer user_data)
{
  GTask *task;

  g_return_if_fail (TETHER_SPICE_IS_TLS_STREAM (self));
  task = g_task_new (self, cancellable, callback, user_data);
  g_task_set_source_tag (task, tether_spice_tls_stream_handshake_async);
  /* The task holds itself while a source waits: g_task_attach_source
   * keeps a reference in the source. */
  handshake_task_start (task);
}

gboolean
tether_spice_tls_stream_handshake_finish (TetherSpiceTlsStream *self, GAsyncResult *result, GError **error)
{
  g_return_val_if_fail (g_task_is_valid (result, self), FALSE);
  return g_task_propagate_boolean (G_TASK (result), error);
}

gboolean
tether_spice_tls_stream_handshake (TetherSpiceTlsStream *self, GCancellable *cancellable, GError **error)
{
  g_return_val_if_fail (TETHER_SPICE_IS_TLS_STREAM (self), FALSE);
  for (;;)
    {
      GIOCondition wants = G_IO_IN;
      int r;

      if (g_cancellable_set_error_if_cancelled (cancellable, error))
        return FALSE;
      r = handshake_step (self->conn, &wants, error);
      if (r != 0)
        return r == 1;
      if (!tls_conn_wait (self->conn, wants == G_IO_OUT ? (gpointer) self->output : (gpointer) self->input, wants,
                          cancellable, error))
        return FALSE;
    }
}

GIOStream *
tether_spice_tls_stream_get_base (TetherSpiceTlsStream *self)
{
  g_return_val_if_fail (TETHER_SPICE_IS_TLS_STREAM (self), NULL);
  return self->conn->base;
}

SSL *
tether_spice_tls_stream_get_ssl (TetherSpiceTlsStream *self)
{
  g_return_val_if_fail (TETHER_SPICE_IS_TLS_STREAM (self), NULL);
  return self->conn->ssl;
}

const char *
tether_spice_tls_stream_get_protocol (TetherSpiceTlsStream *self)
{
  g_return_val_if_fail (TETHER_SPICE_IS_TLS_STREAM (self), NULL);
  return self->conn->handshaken ? SSL_get_version (self->conn->ssl) : NULL;
}

const char *
tether_spice_tls_stream_get_cipher (TetherSpiceTlsStream *self)
{
  g_return_val_if_fail (TETHER_SPICE_IS_TLS_STREAM (self), NULL);
  return self->conn->handshaken ? SSL_get_cipher_name (self->conn->ssl) : NULL;
}
