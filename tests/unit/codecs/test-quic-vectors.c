/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * QUIC streams made by the real spice-server (tests/data/quic/, see its
 * README.md): each must decode to exactly the pixels spice-server was given,
 * every prefix must fail cleanly, and the test encoder must produce the very
 * same bytes from the same pixels (so the round trips in test-quic.c run
 * through an encoder that matches spice-server's bit for bit).
 */
#include "config.h"

#include <gio/gio.h>
#include <string.h>

#include "tether-error.h"
#include "tether-quic-private.h"
#include "quic-test-encoder.h"
#include "tether-test-utils.h"

typedef struct {
  char          *name;
  guint32        width;
  guint32        height;
  TetherQuicType type;
  gboolean       zero;      /* expected pixels are all zero */
  GBytes        *stream;
  guint8        *expected;  /* width × height × 4, B G R X */
} Vector;

static GPtrArray *vectors;

static void
vector_free (gpointer data)
{
  Vector *v = data;

  g_free (v->name);
  g_bytes_unref (v->stream);
  g_free (v->expected);
  g_free (v);
}

static TetherQuicType
type_from_name (const char *name)
{
  for (guint t = TETHER_QUIC_TYPE_GRAY; t <= TETHER_QUIC_TYPE_RGBA; t++)
    if (g_strcmp0 (tether_quic_type_to_string (t), name) == 0)
      return t;
  g_error ("manifest: unknown QUIC type %s", name);
}

static guint32
parse_u32 (const char *text)
{
  guint64 v;
  g_autoptr(GError) error = NULL;

  if (!g_ascii_string_to_unsigned (text, 10, 1, G_MAXUINT32, &v, &error))
    g_error ("manifest: %s", error->message);
  return (guint32) v;
}

static guint8 *
gunzip_file (const char *path, gsize expected_len)
{
  g_autoptr(GFile) file = g_file_new_for_path (path);
  g_autoptr(GError) error = NULL;
  g_autoptr(GInputStream) raw = G_INPUT_STREAM (g_file_read (file, NULL, &error));
  g_autoptr(GZlibDecompressor) gz = NULL;
  g_autoptr(GInputStream) in = NULL;
  guint8 *out;
  gsize got = 0;
  guint8 extra;

  g_assert_no_error (error);
  gz = g_zlib_decompressor_new (G_ZLIB_COMPRESSOR_FORMAT_GZIP);
  in = g_converter_input_stream_new (raw, G_CONVERTER (gz));
  out = g_malloc (expected_len);
  g_assert_true (g_input_stream_read_all (in, out, expected_len, &got, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (got, ==, expected_len);
  /* And nothing more. */
  g_assert_true (g_input_stream_read_all (in, &extra, 1, &got, NULL, &error));
  g_assert_cmpuint (got, ==, 0);
  return out;
}

static void
load_vectors (void)
{
  g_autofree char *manifest = NULL;
  g_auto(GStrv) lines = NULL;
  g_autoptr(GError) error = NULL;
  const char *dir = g_test_get_dir (G_TEST_DIST);
  g_autofree char *path = g_build_filename (dir, "data", "quic", "manifest", NULL);

  vectors = g_ptr_array_new_with_free_func (vector_free);
  g_assert_true (g_file_get_contents (path, &manifest, NULL, &error));
  g_assert_no_error (error);
  lines = g_strsplit (manifest, "\n", -1);
  for (guint i = 0; lines[i] != NULL; i++)
    {
      g_auto(GStrv) f = NULL;
      Vector *v;
      g_autofree char *quic_path = NULL;
      gchar *data = NULL;
      gsize len = 0;

      if (lines[i][0] == '\0' || lines[i][0] == '#')
        continue;
      f = g_strsplit (lines[i], " ", 8);
      g_assert_cmpuint (g_strv_length (f), >=, 6);
      g_assert_cmpuint (g_strv_length (f), <=, 7);
      v = g_new0 (Vector, 1);
      v->name = g_strdup (f[0]);
      v->width = parse_u32 (f[3]);
      v->height = parse_u32 (f[4]);
      v->type = type_from_name (f[5]);
      v->zero = f[6] != NULL && g_str_equal (f[6], "zero");
      quic_path = g_strconcat (dir, "/data/quic/", v->name, ".quic", NULL);
      g_assert_true (g_file_get_contents (quic_path, &data, &len, &error));
      g_assert_no_error (error);
      v->stream = g_bytes_new_take (data, len);
      if (v->zero)
        v->expected = g_malloc0 ((gsize) v->width * v->height * 4);
      else
        {
          g_autofree char *px_path = g_strconcat (dir, "/data/quic/", v->name, ".bgrx.gz", NULL);

          v->expected = gunzip_file (px_path, (gsize) v->width * v->height * 4);
        }
      g_ptr_array_add (vectors, v);
    }
  g_assert_cmpuint (vectors->len, >=, 17);
}

/* ---- tests --------------------------------------------------------------- */

static void
test_vectors_decode (void)
{
  guint per_type[6] = { 0 };

  for (guint i = 0; i < vectors->len; i++)
    {
      Vector *v = g_ptr_array_index (vectors, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (v->stream, &len);
      /* An exact-size copy so ASan catches any over-read, and a destination
       * with a canary row and a wider stride. */
      g_autofree guint8 *copy = g_memdup2 (data, len);
      gsize stride = (gsize) v->width * 4 + 8;
      g_autofree guint8 *dest = g_malloc (stride * (v->height + 1));
      g_autoptr(GError) error = NULL;
      TetherQuicHeader header;

      g_test_message ("%s", v->name);
      g_assert_true (tether_quic_read_header (copy, len, &header, &error));
      g_assert_no_error (error);
      g_assert_cmpint (header.type, ==, v->type);
      g_assert_cmpuint (header.width, ==, v->width);
      g_assert_cmpuint (header.height, ==, v->height);

      memset (dest, 0xc3, stride * (v->height + 1));
      g_assert_true (tether_quic_decode (copy, len, dest, stride, v->width, v->height, &error));
      g_assert_no_error (error);
      for (guint32 y = 0; y < v->height; y++)
        {
          if (memcmp (dest + y * stride, v->expected + (gsize) y * v->width * 4, v->width * 4) != 0)
            g_error ("%s: row %u differs", v->name, y);
          for (gsize k = (gsize) v->width * 4; k < stride; k++)
            g_assert_cmphex (dest[y * stride + k], ==, 0xc3);
        }
      for (gsize k = 0; k < stride; k++)
        g_assert_cmphex (dest[v->height * stride + k], ==, 0xc3);
      per_type[v->type]++;
    }
  /* Every type spice sends is covered. */
  g_assert_cmpuint (per_type[TETHER_QUIC_TYPE_RGB16], >=, 3);
  g_assert_cmpuint (per_type[TETHER_QUIC_TYPE_RGB24], >=, 3);
  g_assert_cmpuint (per_type[TETHER_QUIC_TYPE_RGB32], >=, 3);
  g_assert_cmpuint (per_type[TETHER_QUIC_TYPE_RGBA], >=, 3);
}

/* Through the shared codec destination: opaque XRGB32 (ARGB32 for RGBA),
 * and X1R5G5B5 for RGB16, which gives back the coded 5-bit values. */
static void
test_vectors_codec_dest (void)
{
  for (guint i = 0; i < vectors->len; i++)
    {
      Vector *v = g_ptr_array_index (vectors, i);
      gboolean rgb16 = v->type == TETHER_QUIC_TYPE_RGB16;
      gboolean alpha = v->type == TETHER_QUIC_TYPE_RGBA;
      TetherCodecFormat format = rgb16 ? TETHER_CODEC_FORMAT_X1R5G5B5
                                       : alpha ? TETHER_CODEC_FORMAT_ARGB32 : TETHER_CODEC_FORMAT_XRGB32;
      guint bpp = tether_codec_format_bpp (format);
      g_autofree guint8 *buf = g_malloc ((gsize) v->width * v->height * bpp);
      TetherCodecDest dest = { buf, (gsize) v->width * bpp, v->width, v->height, format };
      g_autoptr(GError) error = NULL;

      g_assert_true (tether_quic_decode_dest (g_bytes_get_data (v->stream, NULL),
                                              g_bytes_get_size (v->stream), &dest, &error));
      g_assert_no_error (error);
      for (gsize p = 0; p < (gsize) v->width * v->height; p++)
        {
          const guint8 *e = v->expected + p * 4;

          if (rgb16)
            g_assert_cmphex (buf[p * 2] | buf[p * 2 + 1] << 8, ==,
                             (guint) (e[2] >> 3) << 10 | (guint) (e[1] >> 3) << 5 | (e[0] >> 3));
          else
            {
              g_assert_cmpmem (buf + p * 4, 3, e, 3);
              g_assert_cmphex (buf[p * 4 + 3], ==, alpha ? e[3] : 0xff);
            }
        }
    }
}

static void
test_vectors_truncated (void)
{
  for (guint i = 0; i < vectors->len; i++)
    {
      Vector *v = g_ptr_array_index (vectors, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (v->stream, &len);
      g_autofree guint8 *dest = g_malloc ((gsize) v->width * v->height * 4);
      /* Every word boundary for the small streams (a cut inside a word is
       * the same as a cut at its start: partial words are ignored), a
       * sample of cuts for the large ones. */
      gsize step = len <= 6000 ? 4 : len / 97 + 1;

      g_test_message ("%s", v->name);
      for (gsize cut = 0; cut < len; cut += (cut + step < len ? step : 1))
        {
          g_autoptr(GError) error = NULL;
          g_autofree guint8 *copy = g_memdup2 (data, cut);

          g_assert_false (tether_quic_decode (copy, cut, dest, (gsize) v->width * 4,
                                              v->width, v->height, &error));
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
        }
    }
}

/* spice-server's encoder ends a stream with one zero word beyond the last
 * word holding code bits; decoding needs its 32-bit window to lie inside
 * the data, so that word is needed even though none of its bits are. */
static void
test_vectors_last_word (void)
{
  for (guint i = 0; i < vectors->len; i++)
    {
      Vector *v = g_ptr_array_index (vectors, i);
      gsize len;
      const guint8 *data = g_bytes_get_data (v->stream, &len);

      g_assert_cmpuint (len % 4, ==, 0);
      g_assert_cmpuint (data[len - 1] | data[len - 2] | data[len - 3] | data[len - 4], ==, 0);
    }
}

/* The test encoder, given the same pixels, writes the same bytes. */
static void
test_vectors_test_encoder_matches (void)
{
  for (guint i = 0; i < vectors->len; i++)
    {
      Vector *v = g_ptr_array_index (vectors, i);
      g_autoptr(QuicTestImage) img = quic_test_image_new (v->type, v->width, v->height);
      g_autoptr(GBytes) ours = NULL;
      gsize n = (gsize) v->width * v->height;

      for (gsize p = 0; p < n; p++)
        {
          const guint8 *px = v->expected + p * 4;
          guint shift = v->type == TETHER_QUIC_TYPE_RGB16 ? 3 : 0;

          img->planes[0][p] = px[2] >> shift;
          img->planes[1][p] = px[1] >> shift;
          img->planes[2][p] = px[0] >> shift;
          if (v->type == TETHER_QUIC_TYPE_RGBA)
            img->planes[3][p] = px[3];
        }
      ours = quic_test_encode (img);
      g_test_message ("%s: %" G_GSIZE_FORMAT " vs %" G_GSIZE_FORMAT " bytes", v->name,
                      g_bytes_get_size (ours), g_bytes_get_size (v->stream));
      g_assert_true (g_bytes_equal (ours, v->stream));
    }
}

/* Bit flips in real streams: success or a protocol error, nothing else. */
static void
test_vectors_corrupt (void)
{
  for (guint round = 0; round < 300; round++)
    {
      Vector *v = g_ptr_array_index (vectors, round % vectors->len);
      gsize len;
      g_autofree guint8 *data = g_bytes_unref_to_data (g_bytes_ref (v->stream), &len);
      g_autofree guint8 *dest = g_malloc ((gsize) v->width * v->height * 4);
      g_autoptr(GError) error = NULL;
      guint flips = g_test_rand_int_range (1, 4);

      if (v->width * (gsize) v->height > 100000)
        continue;
      for (guint f = 0; f < flips; f++)
        {
          gsize bit = g_test_rand_int_range (TETHER_QUIC_HEADER_SIZE * 8, (gint32) (len * 8));

          data[bit / 8] ^= (guint8) (1u << (bit % 8));
        }
      if (!tether_quic_decode (data, len, dest, (gsize) v->width * 4, v->width, v->height, &error))
        g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    }
}

int
main (int argc, char **argv)
{
  int ret;

  tether_test_init (&argc, &argv);
  load_vectors ();
  g_test_add_func ("/codecs/quic/spice-server/decode", test_vectors_decode);
  g_test_add_func ("/codecs/quic/spice-server/codec-dest", test_vectors_codec_dest);
  g_test_add_func ("/codecs/quic/spice-server/truncated", test_vectors_truncated);
  g_test_add_func ("/codecs/quic/spice-server/last-word", test_vectors_last_word);
  g_test_add_func ("/codecs/quic/spice-server/test-encoder-matches", test_vectors_test_encoder_matches);
  g_test_add_func ("/codecs/quic/spice-server/corrupt", test_vectors_corrupt);
  ret = g_test_run ();
  g_ptr_array_unref (vectors);
  return ret;
}
