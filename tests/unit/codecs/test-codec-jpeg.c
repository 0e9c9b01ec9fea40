/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-jpeg-private.h"
#include "tether-lz-private.h"
#include "tether-test-utils.h"
#include "codec-test-support.h"

/* A smooth test picture (JPEG keeps it close): 0x00RRGGBB at (x, y). */
static guint32
picture (guint x, guint y, guint w, guint h)
{
  guint r = x * 255 / MAX (w - 1, 1);
  guint g = y * 255 / MAX (h - 1, 1);
  guint b = (x + y) * 255 / MAX (w + h - 2, 1);

  return r << 16 | g << 8 | b;
}

typedef enum {
  ENC_BASELINE,
  ENC_GRAY,
  ENC_PROGRESSIVE,
} EncodeKind;

/* Encodes the picture with libjpeg-turbo, as the server does. */
static GBytes *
encode_jpeg (guint w, guint h, EncodeKind kind)
{
  struct jpeg_compress_struct c;
  struct jpeg_error_mgr err;
  unsigned char *out = NULL;
  unsigned long out_len = 0;
  g_autofree guint8 *row = g_malloc ((gsize) w * 3);
  GBytes *bytes;

  c.err = jpeg_std_error (&err);
  jpeg_create_compress (&c);
  jpeg_mem_dest (&c, &out, &out_len);
  c.image_width = w;
  c.image_height = h;
  c.input_components = kind == ENC_GRAY ? 1 : 3;
  c.in_color_space = kind == ENC_GRAY ? JCS_GRAYSCALE : JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, 90, TRUE);
  if (kind == ENC_PROGRESSIVE)
    jpeg_simple_progression (&c);
  jpeg_start_compress (&c, TRUE);
  while (c.next_scanline < h)
    {
      JSAMPROW rp = row;

      for (guint x = 0; x < w; x++)
        {
          guint32 p = picture (x, c.next_scanline, w, h);

          if (kind == ENC_GRAY)
            row[x] = (p >> 8) & 255;
          else
            {
              row[3 * x] = p >> 16;
              row[3 * x + 1] = p >> 8;
              row[3 * x + 2] = p;
            }
        }
      jpeg_write_scanlines (&c, &rp, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  bytes = g_bytes_new (out, out_len);
  free (out);
  return bytes;
}

/* Every channel within @tolerance of the picture (row i from the top is
 * stream row @flip ? h − 1 − i : i). */
static void
assert_close (const TestDest *d, guint tolerance, gboolean flip, gboolean gray)
{
  guint w = d->dest.width, h = d->dest.height, worst = 0;

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint32 want = picture (x, flip ? h - 1 - y : y, w, h);
        guint32 got = test_dest_get_pixel (d, x, y);

        if (gray)
          want = ((want >> 8) & 255) * 0x010101;
        for (int c = 0; c < 24; c += 8)
          {
            int diff = (int) ((want >> c) & 255) - (int) ((got >> c) & 255);

            worst = MAX (worst, (guint) ABS (diff));
          }
        /* Opaque. */
        g_assert_cmphex (got >> 24, ==, 0xff);
      }
  g_test_message ("largest channel difference %u", worst);
  g_assert_cmpuint (worst, <=, tolerance);
  test_dest_assert_untouched_outside (d);
}

static void
test_jpeg_decode (void)
{
  static const guint sizes[][2] = { { 64, 48 }, { 1, 1 }, { 17, 33 }, { 300, 7 } };

  for (guint i = 0; i < G_N_ELEMENTS (sizes); i++)
    {
      guint w = sizes[i][0], h = sizes[i][1];
      g_autoptr(GBytes) jpeg = encode_jpeg (w, h, ENC_BASELINE);
      g_autoptr(TestDest) d = test_dest_new (w, h, i % 2 ? TETHER_CODEC_FORMAT_ARGB32 : TETHER_CODEC_FORMAT_XRGB32, 4);
      g_autoptr(GError) error = NULL;
      guint rw = 0, rh = 0;

      g_assert_true (tether_jpeg_read_size (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                            &rw, &rh, &error));
      g_assert_cmpuint (rw, ==, w);
      g_assert_cmpuint (rh, ==, h);
      g_assert_true (tether_jpeg_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                         &d->dest, &error));
      g_assert_no_error (error);
      assert_close (d, 24, FALSE, FALSE);
    }
}

static void
test_jpeg_gray (void)
{
  g_autoptr(GBytes) jpeg = encode_jpeg (40, 30, ENC_GRAY);
  g_autoptr(TestDest) d = test_dest_new (40, 30, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_jpeg_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                     &d->dest, &error));
  g_assert_no_error (error);
  assert_close (d, 8, FALSE, TRUE);
}

static void
test_jpeg_other_formats (void)
{
  g_autoptr(GBytes) jpeg = encode_jpeg (20, 10, ENC_BASELINE);
  g_autoptr(TestDest) d16 = test_dest_new (20, 10, TETHER_CODEC_FORMAT_X1R5G5B5, 2);
  g_autoptr(TestDest) da = test_dest_new (20, 10, TETHER_CODEC_FORMAT_A8, 3);
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_jpeg_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                     &d16->dest, &error));
  g_assert_no_error (error);
  for (guint y = 0; y < 10; y++)
    for (guint x = 0; x < 20; x++)
      {
        const guint8 *p = d16->dest.data + y * d16->dest.stride + 2 * x;
        guint v = p[0] | p[1] << 8;
        guint32 want = picture (x, y, 20, 10);
        int dr = (int) ((v >> 10) & 31) - (int) ((want >> 19) & 31);
        int dg = (int) ((v >> 5) & 31) - (int) ((want >> 11) & 31);
        int db = (int) (v & 31) - (int) ((want >> 3) & 31);

        g_assert_cmpuint (v >> 15, ==, 0);
        g_assert_cmpint (ABS (dr) + ABS (dg) + ABS (db), <=, 9);
      }
  test_dest_assert_untouched_outside (d16);

  /* A JPEG has no alpha: an A8 destination is all opaque. */
  g_assert_true (tether_jpeg_decode (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                     &da->dest, &error));
  g_assert_no_error (error);
  for (guint y = 0; y < 10; y++)
    for (guint x = 0; x < 20; x++)
      g_assert_cmphex (da->dest.data[y * da->dest.stride + x], ==, 0xff);
  test_dest_assert_untouched_outside (da);
}

static void
test_mjpeg_flip (void)
{
  g_autoptr(GBytes) jpeg = encode_jpeg (32, 24, ENC_BASELINE);
  g_autoptr(TestDest) up = test_dest_new (32, 24, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(TestDest) down = test_dest_new (32, 24, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_mjpeg_decode_frame (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                            TRUE, &down->dest, &error));
  g_assert_true (tether_mjpeg_decode_frame (g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg),
                                            FALSE, &up->dest, &error));
  g_assert_no_error (error);
  assert_close (down, 24, FALSE, FALSE);
  assert_close (up, 24, TRUE, FALSE);
  for (guint y = 0; y < 24; y++)
    g_assert_cmpmem (down->dest.data + y * down->dest.stride, 32 * 4,
                     up->dest.data + (23 - y) * up->dest.stride, 32 * 4);
}

static void
test_jpeg_refused (void)
{
  g_autoptr(GBytes) jpeg = encode_jpeg (16, 16, ENC_BASELINE);
  g_autoptr(GBytes) progressive = encode_jpeg (16, 16, ENC_PROGRESSIVE);
  const guint8 *data = g_bytes_get_data (jpeg, NULL);
  gsize len = g_bytes_get_size (jpeg);
  g_autoptr(GError) error = NULL;

  /* Another size than the descriptor's. */
  {
    g_autoptr(TestDest) d = test_dest_new (16, 15, TETHER_CODEC_FORMAT_XRGB32, 0);

    g_assert_false (tether_jpeg_decode (data, len, &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
    test_dest_assert_untouched_outside (d);
  }
  /* Progressive. */
  {
    g_autoptr(TestDest) d = test_dest_new (16, 16, TETHER_CODEC_FORMAT_XRGB32, 0);

    g_assert_false (tether_jpeg_decode (g_bytes_get_data (progressive, NULL),
                                        g_bytes_get_size (progressive), &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED);
    g_clear_error (&error);
  }
  /* Garbage, empty, and every prefix: errors, never an exit. */
  {
    g_autoptr(TestDest) d = test_dest_new (16, 16, TETHER_CODEC_FORMAT_XRGB32, 0);
    static const guint8 garbage[] = "not a JPEG at all";
    guint w, h;

    g_assert_false (tether_jpeg_decode (garbage, sizeof garbage, &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_test_message ("garbage: %s", error->message);
    g_clear_error (&error);
    g_assert_false (tether_jpeg_read_size (garbage, sizeof garbage, &w, &h, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
    g_assert_false (tether_jpeg_decode (NULL, 0, &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  for (gsize n = 0; n < len; n++)
    {
      g_autoptr(TestDest) d = test_dest_new (16, 16, TETHER_CODEC_FORMAT_XRGB32, 3);
      g_autofree guint8 *copy = g_memdup2 (data, n);

      g_assert_false (tether_jpeg_decode (copy, n, &d->dest, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_clear_error (&error);
      test_dest_assert_untouched_outside (d);
    }
  /* Corrupt entropy-coded data: a warning in libjpeg, an error here. */
  {
    g_autoptr(TestDest) d = test_dest_new (16, 16, TETHER_CODEC_FORMAT_XRGB32, 0);
    g_autofree guint8 *copy = g_memdup2 (data, len);

    for (gsize i = len - 40; i < len - 2; i++)
      copy[i] = 0xff;
    g_assert_false (tether_jpeg_decode (copy, len, &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_test_message ("corrupt: %s", error->message);
    g_clear_error (&error);
  }
  /* A header claiming a size over the caps. */
  {
    g_autofree guint8 *copy = g_memdup2 (data, len);
    guint w, h;

    for (gsize i = 0; i + 8 < len; i++)
      if (copy[i] == 0xff && copy[i + 1] == 0xc0)
        {
          copy[i + 5] = 0xff;     /* height 0xff10 */
          copy[i + 7] = 0xff;     /* width 0xff10 */
          break;
        }
    g_assert_false (tether_jpeg_read_size (copy, len, &w, &h, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  }
}

/* ---- JPEG_ALPHA ------------------------------------------------------------ */

static GByteArray *
jpeg_alpha_payload (GBytes *jpeg, guint w, guint h, gboolean top_down, guint32 *alpha)
{
  GByteArray *out = g_byte_array_new ();

  g_byte_array_append (out, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  test_lz_put_header (out, TETHER_LZ_TYPE_XXXA, w, h, w * 4, top_down);
  test_lz_encode_pass (out, &test_lz_coding_byte, alpha, (gsize) w * h, w, TEST_LZ_MATCHES);
  return out;
}

static void
test_jpeg_alpha (void)
{
  guint w = 24, h = 10;
  g_autoptr(GBytes) jpeg = encode_jpeg (w, h, ENC_BASELINE);
  g_autofree guint32 *alpha = g_new (guint32, w * h);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < w * h; i++)
    alpha[i] = i % 7 == 0 ? 0 : (i / w) * 20;

  for (int top_down = 0; top_down < 2; top_down++)
    {
      g_autoptr(GByteArray) s = jpeg_alpha_payload (jpeg, w, h, top_down, alpha);
      g_autoptr(TestDest) d = test_dest_new (w, h, TETHER_CODEC_FORMAT_ARGB32, 4);

      g_assert_true (tether_jpeg_alpha_decode (s->data, s->len, g_bytes_get_size (jpeg), top_down,
                                               &d->dest, &error));
      g_assert_no_error (error);
      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < w; x++)
          {
            guint row = top_down ? y : h - 1 - y;
            guint32 got = test_dest_get_pixel (d, x, y);
            guint32 want = picture (x, y, w, h);

            g_assert_cmphex (got >> 24, ==, alpha[row * w + x]);
            g_assert_cmpint (ABS ((int) ((got >> 8) & 255) - (int) ((want >> 8) & 255)), <=, 24);
          }
      test_dest_assert_untouched_outside (d);

      /* The flag must match the alpha plane's. */
      g_assert_false (tether_jpeg_alpha_decode (s->data, s->len, g_bytes_get_size (jpeg), !top_down,
                                                &d->dest, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_clear_error (&error);
      /* jpeg_size past the data, or cutting the JPEG short. */
      g_assert_false (tether_jpeg_alpha_decode (s->data, s->len, s->len + 1, top_down,
                                                &d->dest, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_clear_error (&error);
      g_assert_false (tether_jpeg_alpha_decode (s->data, s->len, g_bytes_get_size (jpeg) - 10,
                                                top_down, &d->dest, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_clear_error (&error);

      /* Every prefix fails cleanly. */
      for (gsize n = 0; n < s->len; n++)
        {
          g_autoptr(TestDest) p = test_dest_new (w, h, TETHER_CODEC_FORMAT_ARGB32, 1);
          g_autofree guint8 *copy = g_memdup2 (s->data, n);

          g_assert_false (tether_jpeg_alpha_decode (copy, n, MIN (n, g_bytes_get_size (jpeg)),
                                                    top_down, &p->dest, &error));
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
          g_clear_error (&error);
          test_dest_assert_untouched_outside (p);
        }
    }

  /* An alpha plane of another size. */
  {
    g_autoptr(GByteArray) s = jpeg_alpha_payload (jpeg, w, h - 1, TRUE, alpha);
    g_autoptr(TestDest) d = test_dest_new (w, h, TETHER_CODEC_FORMAT_ARGB32, 0);

    g_assert_false (tether_jpeg_alpha_decode (s->data, s->len, g_bytes_get_size (jpeg), TRUE,
                                              &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/codecs/jpeg/decode", test_jpeg_decode);
  g_test_add_func ("/codecs/jpeg/gray", test_jpeg_gray);
  g_test_add_func ("/codecs/jpeg/other-formats", test_jpeg_other_formats);
  g_test_add_func ("/codecs/jpeg/refused", test_jpeg_refused);
  g_test_add_func ("/codecs/jpeg/alpha", test_jpeg_alpha);
  g_test_add_func ("/codecs/mjpeg/flip", test_mjpeg_flip);
  return g_test_run ();
}
