/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Writes the seed corpora of the codec fuzz targets (tests/fuzz/corpus/
 * codec-lz, codec-glz, codec-lz4, codec-jpeg) with the test encoder,
 * liblz4, zlib and libjpeg-turbo. Deterministic: run it again and the files
 * are the same.
 *
 *   ninja -C build tests/unit/codecs/make-codec-corpus &&
 *     build/tests/unit/codecs/make-codec-corpus tests/fuzz/corpus
 */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <lz4.h>
#include <zlib.h>
#include <glib.h>

#include "tether-lz-private.h"
#include "codec-test-support.h"

static GRand *rnd;
static const char *top;

static void
write_file (const char *corpus, const char *name, const guint8 *data, gsize len)
{
  g_autofree char *dir = g_build_filename (top, corpus, NULL);
  g_autofree char *path = g_build_filename (dir, name, NULL);
  g_autoptr(GError) error = NULL;

  g_mkdir_with_parents (dir, 0755);
  if (!g_file_set_contents (path, (const char *) data, len, &error))
    g_error ("%s", error->message);
}

static void
put_u8 (GByteArray *a, guint v)
{
  guint8 b = v;

  g_byte_array_append (a, &b, 1);
}

static void
put_u16_le (GByteArray *a, guint v)
{
  put_u8 (a, v);
  put_u8 (a, v >> 8);
}

static void
put_u32_le (GByteArray *a, guint32 v)
{
  put_u16_le (a, v);
  put_u16_le (a, v >> 16);
}

static void
fill (guint32 *u, gsize n, gsize row, guint32 mask)
{
  for (gsize i = 0; i < n; i++)
    {
      guint r = g_rand_int_range (rnd, 0, 8);

      if (r < 4 && i > 0)
        u[i] = u[i - 1];
      else if (r < 6 && i >= row)
        u[i] = u[i - row];
      else
        u[i] = g_rand_int (rnd) & mask;
    }
}

/* ---- LZ -------------------------------------------------------------------- */

static void
lz_seed (const char *name, guint options, guint type, guint w, guint h, gboolean top_down)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  guint ppb = type <= 2 ? 8 : type <= 4 ? 2 : 1;
  gboolean plt = type <= TETHER_LZ_TYPE_PLT8;
  gsize row = plt ? (w + ppb - 1) / ppb : w;
  guint bpp = type == TETHER_LZ_TYPE_RGB16 ? 2 : type == TETHER_LZ_TYPE_RGB24 ? 3 :
              type == TETHER_LZ_TYPE_A8 ? 1 : 4;
  g_autofree guint32 *units = g_new (guint32, row * h);
  const TestLzCoding *coding = plt || type >= TETHER_LZ_TYPE_XXXA ? &test_lz_coding_byte
                             : type == TETHER_LZ_TYPE_RGB16 ? &test_lz_coding_rgb16
                             : &test_lz_coding_rgb32;

  put_u8 (s, options);
  put_u8 (s, 16);
  fill (units, row * h, row, type == TETHER_LZ_TYPE_RGB16 ? 0x7fff : coding->unit_bytes == 1 ? 0xff : 0xffffff);
  test_lz_put_header (s, type, w, h, plt ? row : w * bpp, top_down);
  test_lz_encode_pass (s, coding, units, row * h, row, TEST_LZ_MATCHES);
  if (type == TETHER_LZ_TYPE_RGBA)
    {
      fill (units, row * h, row, 0xff);
      test_lz_encode_pass (s, &test_lz_coding_byte, units, row * h, row, TEST_LZ_MATCHES);
    }
  write_file ("codec-lz", name, s->data, s->len);
}

static void
lz_corpus (void)
{
  lz_seed ("rgb32-top-down", 0x00, TETHER_LZ_TYPE_RGB32, 23, 9, TRUE);
  lz_seed ("rgb24-bottom-up-argb", 0x04, TETHER_LZ_TYPE_RGB24, 17, 6, FALSE);
  lz_seed ("rgb16-into-555", 0x28, TETHER_LZ_TYPE_RGB16, 31, 5, TRUE);
  lz_seed ("rgba", 0x04, TETHER_LZ_TYPE_RGBA, 12, 12, FALSE);
  lz_seed ("a8-into-a8", 0x0c, TETHER_LZ_TYPE_A8, 20, 3, TRUE);
  lz_seed ("xxxa-alpha-plane", 0x16, TETHER_LZ_TYPE_XXXA, 9, 7, TRUE);
  lz_seed ("plt1-be", 0x01, TETHER_LZ_TYPE_PLT1_BE, 37, 8, FALSE);
  lz_seed ("plt1-le", 0x01, TETHER_LZ_TYPE_PLT1_LE, 16, 4, TRUE);
  lz_seed ("plt4-be", 0x21, TETHER_LZ_TYPE_PLT4_BE, 15, 9, TRUE);
  lz_seed ("plt4-le", 0x01, TETHER_LZ_TYPE_PLT4_LE, 8, 8, FALSE);
  lz_seed ("plt8", 0x05, TETHER_LZ_TYPE_PLT8, 40, 10, TRUE);
  lz_seed ("rgb32-wide-far", 0x00, TETHER_LZ_TYPE_RGB32, 8400, 2, TRUE);
}

/* ---- GLZ ------------------------------------------------------------------- */

typedef struct {
  guint64  id;
  guint32 *units;
  guint32 *alpha;
  gsize    n;
} Img;

static void
glz_record (GByteArray *out, gboolean zlib, guint type, guint w, guint h, guint64 id,
            guint32 win_head_dist, Img *images, guint n_images, guint dest_format)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  gsize n = (gsize) w * h;
  Img *im = &images[n_images];
  const TestLzCoding *coding = type == TETHER_LZ_TYPE_RGB16 ? &test_lz_coding_rgb16
                                                             : &test_lz_coding_rgb32;
  TestGlzRef refs[8], arefs[8];
  guint n_refs = 0;

  im->id = id;
  im->n = n;
  im->units = g_new (guint32, n);
  im->alpha = g_new (guint32, n);
  fill (im->units, n, w, type == TETHER_LZ_TYPE_RGB16 ? 0x7fff : 0xffffff);
  fill (im->alpha, n, w, 0xff);
  for (guint i = 0; i < n_images && n_refs < 8; i++)
    {
      /* Half the pixels from the image before, to give matches. */
      if (i == n_images - 1)
        for (gsize k = 0; k < MIN (n, images[i].n); k += 2)
          {
            im->units[k] = images[i].units[k];
            im->alpha[k] = images[i].alpha[k];
          }
      refs[n_refs] = (TestGlzRef) { images[i].id, images[i].units, images[i].n };
      arefs[n_refs] = (TestGlzRef) { images[i].id, images[i].alpha, images[i].n };
      n_refs++;
    }
  test_glz_put_header (s, type, id % 2, w, h, w * (type == TETHER_LZ_TYPE_RGB16 ? 2 :
                                                   type == TETHER_LZ_TYPE_RGB24 ? 3 : 4),
                       id, win_head_dist);
  test_glz_encode_pass (s, coding, im->units, n, w, id, refs, n_refs, TEST_LZ_MATCHES);
  if (type == TETHER_LZ_TYPE_RGBA)
    test_glz_encode_pass (s, &test_lz_coding_byte, im->alpha, n, w, id, arefs, n_refs,
                          TEST_LZ_MATCHES);

  put_u8 (out, (zlib ? 1 : 0) | dest_format << 1);
  if (zlib)
    {
      uLongf zn = compressBound (s->len);
      g_autofree guint8 *z = g_malloc (zn);

      g_assert (compress2 (z, &zn, s->data, s->len, 6) == Z_OK);
      put_u32_le (out, s->len);
      put_u16_le (out, w);
      put_u16_le (out, h);
      put_u32_le (out, zn);
      g_byte_array_append (out, z, zn);
    }
  else
    {
      put_u32_le (out, s->len);
      g_byte_array_append (out, s->data, s->len);
    }
}

static void
glz_seed (const char *name, guint type, guint n_images, gboolean zlib, guint w, guint h)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  Img images[8] = { 0 };

  for (guint i = 0; i < n_images; i++)
    glz_record (out, zlib && i % 2 == 1, type, w, h, 100 + i, MIN (i, 3), images, i, i % 2);
  write_file ("codec-glz", name, out->data, out->len);
  for (guint i = 0; i < n_images; i++)
    {
      g_free (images[i].units);
      g_free (images[i].alpha);
    }
}

static void
glz_corpus (void)
{
  glz_seed ("rgb32-three", TETHER_LZ_TYPE_RGB32, 3, FALSE, 21, 7);
  glz_seed ("rgb24-two", TETHER_LZ_TYPE_RGB24, 2, FALSE, 9, 9);
  glz_seed ("rgb16-four", TETHER_LZ_TYPE_RGB16, 4, FALSE, 13, 5);
  glz_seed ("rgba-three", TETHER_LZ_TYPE_RGBA, 3, FALSE, 10, 6);
  glz_seed ("zlib-rgb32-four", TETHER_LZ_TYPE_RGB32, 4, TRUE, 30, 10);
  glz_seed ("zlib-rgba-two", TETHER_LZ_TYPE_RGBA, 2, TRUE, 16, 16);
}

/* ---- LZ4 ------------------------------------------------------------------- */

static void
lz4_seed (const char *name, guint format, guint bpp, guint w, guint h, gboolean top_down,
          guint rows_per_block, guint dest)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  gsize row = (gsize) w * bpp;
  g_autofree guint8 *raw = g_malloc (row * h);
  LZ4_stream_t *stream = LZ4_createStream ();

  for (gsize i = 0; i < row * h; i++)
    raw[i] = i >= bpp && g_rand_int_range (rnd, 0, 3) ? raw[i - bpp] : g_rand_int (rnd);
  put_u16_le (out, w);
  put_u16_le (out, h);
  put_u8 (out, dest);
  put_u8 (out, top_down);
  put_u8 (out, format);
  for (guint y = 0; y < h; y += rows_per_block)
    {
      int in_len = (int) (row * MIN (rows_per_block, h - y));
      int bound = LZ4_compressBound (in_len);
      g_autofree char *block = g_malloc (bound);
      int n = LZ4_compress_fast_continue (stream, (const char *) raw + y * row, block, in_len,
                                          bound, 1);

      put_u8 (out, n >> 24);
      put_u8 (out, n >> 16);
      put_u8 (out, n >> 8);
      put_u8 (out, n);
      g_byte_array_append (out, (const guint8 *) block, n);
    }
  LZ4_freeStream (stream);
  write_file ("codec-lz4", name, out->data, out->len);
}

static void
lz4_corpus (void)
{
  lz4_seed ("16bit", 6, 2, 33, 9, TRUE, 3, 0);
  lz4_seed ("24bit-bottom-up", 7, 3, 20, 12, FALSE, 4, 1);
  lz4_seed ("32bit-one-block", 8, 4, 64, 16, TRUE, 16, 0);
  lz4_seed ("rgba-many-blocks", 9, 4, 17, 20, FALSE, 1, 1);
  lz4_seed ("8bit-a-into-a8", 10, 1, 50, 5, TRUE, 2, 3);
  lz4_seed ("16bit-into-555", 6, 2, 8, 8, FALSE, 8, 2);
}

/* ---- JPEG ------------------------------------------------------------------ */

static GByteArray *
jpeg_bytes (guint w, guint h, gboolean gray, int quality)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *buf = NULL;
  unsigned long len = 0;
  g_autofree guint8 *row = g_malloc ((gsize) w * 3);
  GByteArray *out = g_byte_array_new ();

  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &buf, &len);
  c.image_width = w;
  c.image_height = h;
  c.input_components = gray ? 1 : 3;
  c.in_color_space = gray ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, quality, TRUE);
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < h)
    {
      JSAMPROW rp = row;

      for (guint x = 0; x < w * c.input_components; x++)
        row[x] = (x * 7 + c.next_scanline * 3) & 255;
      jpeg_write_scanlines (&c, &rp, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  g_byte_array_append (out, buf, len);
  free (buf);
  return out;
}

static void
jpeg_seed (const char *name, guint mode, guint w, guint h, gboolean gray, gboolean alpha)
{
  g_autoptr(GByteArray) out = g_byte_array_new ();
  g_autoptr(GByteArray) jpeg = jpeg_bytes (w, h, gray, 60);

  put_u8 (out, mode);
  if (alpha)
    put_u32_le (out, jpeg->len);
  g_byte_array_append (out, jpeg->data, jpeg->len);
  if (alpha)
    {
      g_autofree guint32 *units = g_new (guint32, (gsize) w * h);

      fill (units, (gsize) w * h, w, 0xff);
      test_lz_put_header (out, TETHER_LZ_TYPE_XXXA, w, h, w * 4, (mode >> 4) & 1);
      test_lz_encode_pass (out, &test_lz_coding_byte, units, (gsize) w * h, w, TEST_LZ_MATCHES);
    }
  write_file ("codec-jpeg", name, out->data, out->len);
}

static void
jpeg_corpus (void)
{
  jpeg_seed ("baseline", 0x00, 16, 16, FALSE, FALSE);
  jpeg_seed ("baseline-odd-size-argb", 0x04, 33, 17, FALSE, FALSE);
  jpeg_seed ("gray-into-555", 0x08, 24, 8, TRUE, FALSE);
  jpeg_seed ("mjpeg-top-down", 0x01, 40, 24, FALSE, FALSE);
  jpeg_seed ("mjpeg-bottom-up", 0x02, 8, 8, FALSE, FALSE);
  jpeg_seed ("jpeg-alpha-top-down", 0x17, 20, 10, FALSE, TRUE);
  jpeg_seed ("jpeg-alpha-bottom-up", 0x07, 9, 9, FALSE, TRUE);
}

int
main (int argc, char **argv)
{
  if (argc != 2)
    {
      fprintf (stderr, "usage: %s CORPUS-DIR\n", argv[0]);
      return 2;
    }
  top = argv[1];
  rnd = g_rand_new_with_seed (20261121);
  lz_corpus ();
  glz_corpus ();
  lz4_corpus ();
  jpeg_corpus ();
  g_rand_free (rnd);
  return 0;
}
