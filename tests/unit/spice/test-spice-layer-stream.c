/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The security layer stream (tether-spice-layer-stream.c) over a socket
 * pair, with a toy codec: a packet is a 2-byte big-endian length (1..1000)
 * and the payload XORed with 0x5a; the decoder keeps partial packets. Both
 * ends are layered, so every byte passes encode() on one side and decode()
 * on the other; the socket buffers are far smaller than the transfers, so
 * writes block and are retried.
 */
#include "config.h"

#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "tether-spice-layer-stream-private.h"
#include "tether-test-utils.h"

#define TOY_MAX 1000u

typedef struct {
  GByteArray *in;    /* raw bytes not yet a whole packet */
  GByteArray *out;   /* the last call's output */
  guint       encodes;
  guint       decodes;
} Toy;

static gboolean
toy_encode (gpointer codec, const guint8 *in, gsize len, const guint8 **out, gsize *out_len, GError **error)
{
  Toy *t = codec;
  guint8 head[2] = { (guint8) (len >> 8), (guint8) len };

  g_assert_cmpuint (len, >, 0);
  g_assert_cmpuint (len, <=, TOY_MAX);
  g_byte_array_set_size (t->out, 0);
  g_byte_array_append (t->out, head, 2);
  for (gsize i = 0; i < len; i++)
    {
      guint8 b = in[i] ^ 0x5a;
      g_byte_array_append (t->out, &b, 1);
    }
  t->encodes++;
  *out = t->out->data;
  *out_len = t->out->len;
  return TRUE;
}

static gboolean
toy_decode (gpointer codec, const guint8 *in, gsize len, const guint8 **out, gsize *out_len, GError **error)
{
  Toy *t = codec;

  g_byte_array_append (t->in, in, (guint) len);
  g_byte_array_set_size (t->out, 0);
  t->decodes++;
  while (t->in->len >= 2)
    {
      gsize n = ((gsize) t->in->data[0] << 8) | t->in->data[1];

      if (n == 0 || n > TOY_MAX)
        return g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA, "bad toy length %" G_GSIZE_FORMAT, n),
               FALSE;
      if (t->in->len < n + 2)
        break;
      for (gsize i = 0; i < n; i++)
        {
          guint8 b = t->in->data[2 + i] ^ 0x5a;
          g_byte_array_append (t->out, &b, 1);
        }
      g_byte_array_remove_range (t->in, 0, (guint) (n + 2));
    }
  *out = t->out->data;
  *out_len = t->out->len;
  return TRUE;
}

static guint toys_freed;

static void
toy_free (gpointer codec)
{
  Toy *t = codec;

  g_byte_array_unref (t->in);
  g_byte_array_unref (t->out);
  g_free (t);
  toys_freed++;
}

static const TetherSpiceLayerCodec toy_codec = { toy_encode, toy_decode, toy_free };

static Toy *
toy_new (void)
{
  Toy *t = g_new0 (Toy, 1);

  t->in = g_byte_array_new ();
  t->out = g_byte_array_new ();
  return t;
}

/* Two connected socket streams, small buffers. */
static void
socket_pair (GIOStream **a, GIOStream **b)
{
  int fds[2];
  int small = 4096;

  g_assert_no_errno (socketpair (AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds));
  for (int i = 0; i < 2; i++)
    {
      GError *error = NULL;
      GSocket *s;

      g_assert_no_errno (setsockopt (fds[i], SOL_SOCKET, SO_SNDBUF, &small, sizeof small));
      g_assert_no_errno (setsockopt (fds[i], SOL_SOCKET, SO_RCVBUF, &small, sizeof small));
      s = g_socket_new_from_fd (fds[i], &error);
      g_assert_no_error (error);
      *(i == 0 ? a : b) = G_IO_STREAM (g_socket_connection_factory_create_connection (s));
      g_object_unref (s);
    }
}

typedef struct {
  GIOStream *base_a, *base_b;   /* the sockets */
  GIOStream *a, *b;             /* layered */
  Toy       *toy_a, *toy_b;
} Pair;

static void
pair_open (Pair *p)
{
  socket_pair (&p->base_a, &p->base_b);
  p->toy_a = toy_new ();
  p->toy_b = toy_new ();
  p->a = tether_test_track (tether_spice_layer_stream_new (p->base_a, &toy_codec, p->toy_a, TOY_MAX));
  p->b = tether_test_track (tether_spice_layer_stream_new (p->base_b, &toy_codec, p->toy_b, TOY_MAX));
  tether_test_track (p->base_a);
  tether_test_track (p->base_b);
}

static void
pair_close (Pair *p)
{
  g_io_stream_close (p->a, NULL, NULL);
  g_io_stream_close (p->b, NULL, NULL);
  g_clear_object (&p->a);
  g_clear_object (&p->b);
  g_clear_object (&p->base_a);
  g_clear_object (&p->base_b);
}

static guint8 *
pattern (gsize n, guint32 seed)
{
  guint8 *d = g_malloc (n);
  GRand *r = g_rand_new_with_seed (seed);

  for (gsize i = 0; i < n; i++)
    d[i] = (guint8) g_rand_int (r);
  g_rand_free (r);
  return d;
}

typedef struct {
  GMainLoop *loop;
  int        pending;
  gboolean   wrote, read;
  gsize      read_len;
  GError    *error;
} Wait;

static void
wrote_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->wrote = g_output_stream_writev_all_finish (G_OUTPUT_STREAM (source), result, NULL,
                                                w->error == NULL ? &w->error : NULL);
  if (--w->pending == 0)
    g_main_loop_quit (w->loop);
}

static void
read_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->read = g_input_stream_read_all_finish (G_INPUT_STREAM (source), result, &w->read_len,
                                            w->error == NULL ? &w->error : NULL);
  if (--w->pending == 0)
    g_main_loop_quit (w->loop);
}

/* 4 MiB in three vectors one way, read back whole the other way, both
 * asynchronous on one main context: the layer is pollable, so this runs
 * without threads, and the writes block on the small socket buffers. */
static void
test_async_roundtrip (void)
{
  const gsize sizes[3] = { 1, 3u * 1024u * 1024u + 17u, 1024u * 1024u - 18u };
  const gsize total = sizes[0] + sizes[1] + sizes[2];
  g_autofree guint8 *data = pattern (total, 1);
  g_autofree guint8 *got = g_malloc0 (total);
  GOutputVector v[3] = {
    { data, sizes[0] }, { data + sizes[0], sizes[1] }, { data + sizes[0] + sizes[1], sizes[2] },
  };
  Wait w = { g_main_loop_new (NULL, FALSE), 2, FALSE, FALSE, 0, NULL };
  Pair p = { 0 };

  pair_open (&p);
  g_assert_true (G_IS_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (p.b)));
  g_assert_true (g_pollable_input_stream_can_poll (G_POLLABLE_INPUT_STREAM (g_io_stream_get_input_stream (p.b))));
  g_output_stream_writev_all_async (g_io_stream_get_output_stream (p.a), v, 3, G_PRIORITY_DEFAULT, NULL,
                                    wrote_cb, &w);
  g_input_stream_read_all_async (g_io_stream_get_input_stream (p.b), got, total, G_PRIORITY_DEFAULT, NULL,
                                 read_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.wrote);
  g_assert_true (w.read);
  g_assert_cmpuint (w.read_len, ==, total);
  g_assert_cmpmem (got, total, data, total);
  /* Packets of at most TOY_MAX plain bytes: at least total / TOY_MAX. */
  g_assert_cmpuint (p.toy_a->encodes, >=, total / TOY_MAX);
  g_main_loop_unref (w.loop);
  pair_close (&p);
}

typedef struct {
  GOutputStream *out;
  const guint8  *data;
  gsize          len;
} Writer;

static gpointer
write_all_thread (gpointer user_data)
{
  Writer *wr = user_data;
  GError *error = NULL;
  gboolean ok = g_output_stream_write_all (wr->out, wr->data, wr->len, NULL, NULL, &error);

  g_assert_no_error (error);
  return GINT_TO_POINTER (ok);
}

/* Blocking writes from a thread, blocking reads of 1..17 bytes here: what
 * is decoded beyond a small read waits for the next one. */
static void
test_sync_small_reads (void)
{
  const gsize total = 50000;
  g_autofree guint8 *data = pattern (total, 2);
  g_autofree guint8 *got = g_malloc0 (total);
  GInputStream *in;
  GError *error = NULL;
  gsize done = 0, step = 1;
  Writer wr;
  GThread *writer;
  Pair p = { 0 };

  pair_open (&p);
  wr.out = g_io_stream_get_output_stream (p.a);
  wr.data = data;
  wr.len = total;
  writer = g_thread_new ("layer-writer", write_all_thread, &wr);
  in = g_io_stream_get_input_stream (p.b);
  while (done < total)
    {
      gssize n = g_input_stream_read (in, got + done, MIN (step, total - done), NULL, &error);

      g_assert_no_error (error);
      g_assert_cmpint (n, >, 0);
      g_assert_cmpint (n, <=, (gssize) step);
      done += (gsize) n;
      step = step % 17 + 1;
    }
  g_assert_true (GPOINTER_TO_INT (g_thread_join (writer)));
  g_assert_cmpmem (got, total, data, total);
  pair_close (&p);
}

/* Bytes that do not decode fail the read with INVALID_DATA, and every
 * later read too; what was decoded before the bad packet is still read. */
static void
test_decode_error_sticky (void)
{
  const guint8 good[] = { 0x00, 0x03, 'a' ^ 0x5a, 'b' ^ 0x5a, 'c' ^ 0x5a };
  const guint8 bad[] = { 0xff, 0xff, 0x00 };
  guint8 buf[16];
  GInputStream *in;
  GError *error = NULL;
  gssize n;
  Pair p = { 0 };

  pair_open (&p);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (p.base_a), good, sizeof good,
                                            NULL, NULL, &error));
  g_assert_no_error (error);
  in = g_io_stream_get_input_stream (p.b);
  n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 3);
  g_assert_cmpmem (buf, 3, "abc", 3);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (p.base_a), bad, sizeof bad,
                                            NULL, NULL, &error));
  for (int i = 0; i < 2; i++)
    {
      n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);
      g_assert_cmpint (n, ==, -1);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_DATA);
      g_assert_nonnull (strstr (error->message, "bad toy length 65535"));
      g_clear_error (&error);
    }
  pair_close (&p);
}

/* The peer closes after a whole packet and half of another: the whole
 * packet is read, then the end of the stream. */
static void
test_eof_mid_packet (void)
{
  const guint8 half[] = { 0x00, 0x10, 1, 2, 3 };
  guint8 buf[64];
  GInputStream *in;
  GError *error = NULL;
  GSocket *sock;
  gssize n;
  Pair p = { 0 };

  pair_open (&p);
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (p.a), "0123456789", 10, NULL, NULL,
                                            &error));
  g_assert_true (g_output_stream_write_all (g_io_stream_get_output_stream (p.base_a), half, sizeof half, NULL,
                                            NULL, &error));
  g_assert_no_error (error);
  sock = g_socket_connection_get_socket (G_SOCKET_CONNECTION (p.base_a));
  g_assert_true (g_socket_shutdown (sock, FALSE, TRUE, &error));
  in = g_io_stream_get_input_stream (p.b);
  n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 10);
  g_assert_cmpmem (buf, 10, "0123456789", 10);
  n = g_input_stream_read (in, buf, sizeof buf, NULL, &error);
  g_assert_no_error (error);
  g_assert_cmpint (n, ==, 0);
  pair_close (&p);
}

static void
closed_cb (GObject *source, GAsyncResult *result, gpointer user_data)
{
  Wait *w = user_data;

  w->wrote = g_io_stream_close_finish (G_IO_STREAM (source), result, &w->error);
  g_main_loop_quit (w->loop);
}

/* Closing the layer (asynchronously, as the channel does) closes the base
 * stream: the peer sees the end; the codecs are freed with the streams;
 * "base-io-stream" names the base. */
static void
test_close (void)
{
  Wait w = { g_main_loop_new (NULL, FALSE), 1, FALSE, FALSE, 0, NULL };
  guint freed = toys_freed;
  GIOStream *named = NULL;
  guint8 buf[4];
  GError *error = NULL;
  Pair p = { 0 };

  pair_open (&p);
  g_object_get (p.a, "base-io-stream", &named, NULL);
  g_assert_true (named == p.base_a);
  g_object_unref (named);
  g_io_stream_close_async (p.a, G_PRIORITY_DEFAULT, NULL, closed_cb, &w);
  g_main_loop_run (w.loop);
  g_assert_no_error (w.error);
  g_assert_true (w.wrote);
  g_assert_true (g_io_stream_is_closed (p.base_a));
  g_assert_cmpint (g_input_stream_read (g_io_stream_get_input_stream (p.b), buf, sizeof buf, NULL, &error), ==, 0);
  g_assert_no_error (error);
  g_main_loop_unref (w.loop);
  pair_close (&p);
  g_assert_cmpuint (toys_freed, ==, freed + 2);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/layer-stream/async-roundtrip", test_async_roundtrip);
  g_test_add_func ("/spice/layer-stream/sync-small-reads", test_sync_small_reads);
  g_test_add_func ("/spice/layer-stream/decode-error-sticky", test_decode_error_sticky);
  g_test_add_func ("/spice/layer-stream/eof-mid-packet", test_eof_mid_packet);
  g_test_add_func ("/spice/layer-stream/close", test_close);
  return g_test_run ();
}
