/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <lz4.h>
#include <string.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-lz4-private.h"
#include "tether-test-utils.h"
#include "codec-test-support.h"

static guint
format_bpp (guint format)
{
  switch (format)
    {
    case TETHER_LZ4_FORMAT_16BIT: return 2;
    case TETHER_LZ4_FORMAT_24BIT: return 3;
    case TETHER_LZ4_FORMAT_8BIT_A: return 1;
    default: return 4;
    }
}

/* 0xAARRGGBB of a packed pixel of @format. */
static guint32
packed_pixel (guint format, const guint8 *p)
{
  switch (format)
    {
    case TETHER_LZ4_FORMAT_16BIT:
      return test_rgb555_to_argb (p[0] | p[1] << 8);
    case TETHER_LZ4_FORMAT_24BIT:
      return p[0] | p[1] << 8 | p[2] << 16;
    case TETHER_LZ4_FORMAT_8BIT_A:
      return (guint32) p[0] << 24;
    default:
      return p[0] | p[1] << 8 | p[2] << 16 | (guint32) p[3] << 24;
    }
}

/* The payload: top_down, format, then one LZ4 stream block per @rows_per_block
 * rows, each able to refer to the blocks before it. */
static GByteArray *
lz4_payload (const guint8 *raw, gsize row_bytes, guint height, gboolean top_down,
             guint format, guint rows_per_block)
{
  GByteArray *out = g_byte_array_new ();
  LZ4_stream_t *stream = LZ4_createStream ();
  guint8 head[2] = { top_down, format };

  g_byte_array_append (out, head, 2);
  for (guint y = 0; y < height; y += rows_per_block)
    {
      int in_len = (int) (row_bytes * MIN (rows_per_block, height - y));
      int bound = LZ4_compressBound (in_len);
      g_autofree char *block = g_malloc (bound);
      int n = LZ4_compress_fast_continue (stream, (const char *) raw + y * row_bytes, block,
                                          in_len, bound, 1);
      guint8 size[4];

      g_assert_cmpint (n, >, 0);
      size[0] = n >> 24;
      size[1] = n >> 16;
      size[2] = n >> 8;
      size[3] = n;
      g_byte_array_append (out, size, 4);
      g_byte_array_append (out, (const guint8 *) block, n);
    }
  LZ4_freeStream (stream);
  return out;
}

static guint8 *
random_raw (gsize n)
{
  guint8 *raw = g_malloc (n);

  for (gsize i = 0; i < n; i++)
    raw[i] = i > 8 && g_test_rand_int_range (0, 3) != 0 ? raw[i - 8] : g_test_rand_int ();
  return raw;
}

static void
test_lz4_round_trip (void)
{
  static const guint formats[] = {
    TETHER_LZ4_FORMAT_16BIT, TETHER_LZ4_FORMAT_24BIT, TETHER_LZ4_FORMAT_32BIT,
    TETHER_LZ4_FORMAT_RGBA, TETHER_LZ4_FORMAT_8BIT_A,
  };
  static const TetherCodecFormat dests[] = {
    TETHER_CODEC_FORMAT_XRGB32, TETHER_CODEC_FORMAT_ARGB32,
    TETHER_CODEC_FORMAT_X1R5G5B5, TETHER_CODEC_FORMAT_A8,
  };

  for (guint f = 0; f < G_N_ELEMENTS (formats); f++)
    for (guint round = 0; round < 8; round++)
      {
        guint format = formats[f];
        guint w = g_test_rand_int_range (1, 200), h = g_test_rand_int_range (1, 60);
        gsize row_bytes = (gsize) w * format_bpp (format);
        gboolean top_down = round % 2;
        g_autofree guint8 *raw = random_raw (row_bytes * h);
        g_autoptr(GByteArray) s = lz4_payload (raw, row_bytes, h, top_down, format,
                                               g_test_rand_int_range (1, 8));
        g_autoptr(TestDest) d = test_dest_new (w, h, dests[round % 4], round % 3);
        gboolean alpha = format == TETHER_LZ4_FORMAT_RGBA || format == TETHER_LZ4_FORMAT_8BIT_A;
        g_autoptr(GError) error = NULL;

        if (!tether_lz4_decode (s->data, s->len, &d->dest, &error))
          g_error ("format %u %u×%u: %s", format, w, h, error->message);
        for (guint y = 0; y < h; y++)
          for (guint x = 0; x < w; x++)
            {
              guint row = top_down ? y : h - 1 - y;

              test_dest_assert_pixel (d, x, y,
                                      packed_pixel (format, raw + row * row_bytes + x * format_bpp (format)),
                                      alpha);
            }
        test_dest_assert_untouched_outside (d);
      }
}

static void
test_lz4_hand_made (void)
{
  /* 32BIT 6×1, top-down, one block: 4 literal bytes (pixel A), a match of
   * 8 bytes at offset 4 (A A), then 12 literal bytes (B C D). */
  static const guint8 payload[] = {
    1, TETHER_LZ4_FORMAT_32BIT,
    0, 0, 0, 20,
    0x44, 0x01, 0x02, 0x03, 0x04, 0x04, 0x00,
    0xc0, 0x11, 0x12, 0x13, 0x14, 0x21, 0x22, 0x23, 0x24, 0x31, 0x32, 0x33, 0x34,
  };
  g_autoptr(TestDest) d = test_dest_new (6, 1, TETHER_CODEC_FORMAT_ARGB32, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_lz4_decode (payload, sizeof payload, &d->dest, &error));
  g_assert_no_error (error);
  /* 32BIT has no alpha: written opaque. */
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0xff030201);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 0), ==, 0xff030201);
  g_assert_cmphex (test_dest_get_pixel (d, 2, 0), ==, 0xff030201);
  g_assert_cmphex (test_dest_get_pixel (d, 3, 0), ==, 0xff131211);
  g_assert_cmphex (test_dest_get_pixel (d, 5, 0), ==, 0xff333231);

  /* Every prefix fails, without writing outside. */
  for (gsize n = 0; n < sizeof payload; n++)
    {
      g_autoptr(TestDest) p = test_dest_new (6, 1, TETHER_CODEC_FORMAT_XRGB32, 2);
      g_autofree guint8 *copy = g_memdup2 (payload, n);
      g_autoptr(GError) e = NULL;

      g_assert_false (tether_lz4_decode (copy, n, &p->dest, &e));
      g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      test_dest_assert_untouched_outside (p);
    }
}

static void
test_lz4_every_prefix (void)
{
  guint w = 37, h = 9;
  gsize row_bytes = w * 4;
  g_autofree guint8 *raw = random_raw (row_bytes * h);
  g_autoptr(GByteArray) s = lz4_payload (raw, row_bytes, h, FALSE, TETHER_LZ4_FORMAT_RGBA, 2);

  for (gsize n = 0; n < s->len; n++)
    {
      g_autoptr(TestDest) d = test_dest_new (w, h, TETHER_CODEC_FORMAT_ARGB32, 4);
      g_autofree guint8 *copy = g_memdup2 (s->data, n);
      g_autoptr(GError) error = NULL;

      g_assert_false (tether_lz4_decode (copy, n, &d->dest, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      test_dest_assert_untouched_outside (d);
    }
}

static void
test_lz4_hostile (void)
{
  guint w = 8, h = 4;
  gsize row_bytes = w * 3;
  g_autofree guint8 *raw = random_raw (row_bytes * h);
  g_autoptr(GByteArray) good = lz4_payload (raw, row_bytes, h, TRUE, TETHER_LZ4_FORMAT_24BIT, 4);
  struct {
    const char *name;
    guint8 bytes[32];
    gsize len;
  } cases[] = {
    { "format-5", { 1, 5, 0, 0, 0, 1, 0 }, 7 },
    { "format-11", { 1, 11, 0, 0, 0, 1, 0 }, 7 },
    { "top-down-2", { 2, 7, 0, 0, 0, 1, 0 }, 7 },
    { "empty-block", { 1, 7, 0, 0, 0, 0 }, 6 },
    { "block-past-end", { 1, 7, 0, 0, 1, 0, 0x10, 1 }, 8 },
    { "block-size-huge", { 1, 7, 0xff, 0xff, 0xff, 0xff, 0 }, 7 },
    { "no-blocks", { 1, 7 }, 2 },
    { "offset-zero", { 1, 7, 0, 0, 0, 7, 0x40, 1, 2, 3, 4, 0, 0 }, 13 },
    { "offset-before-start", { 1, 7, 0, 0, 0, 7, 0x40, 1, 2, 3, 4, 9, 0 }, 13 },
    { "too-short", { 1, 7, 0, 0, 0, 4, 0x30, 1, 2, 3 }, 10 },
  };

  for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
    {
      g_autoptr(TestDest) d = test_dest_new (w, h, TETHER_CODEC_FORMAT_XRGB32, 1);
      g_autoptr(GError) error = NULL;

      g_assert_false (tether_lz4_decode (cases[i].bytes, cases[i].len, &d->dest, &error));
      g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      g_test_message ("%s: %s", cases[i].name, error->message);
      test_dest_assert_untouched_outside (d);
    }

  /* The good stream, and one more block than the image holds. */
  {
    g_autoptr(TestDest) d = test_dest_new (w, h, TETHER_CODEC_FORMAT_XRGB32, 1);
    g_autoptr(GError) error = NULL;
    static const guint8 extra[] = { 0, 0, 0, 2, 0x10, 0x55 };

    g_assert_true (tether_lz4_decode (good->data, good->len, &d->dest, &error));
    g_assert_no_error (error);
    g_byte_array_append (good, extra, sizeof extra);
    g_assert_false (tether_lz4_decode (good->data, good->len, &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    test_dest_assert_untouched_outside (d);
  }
  /* A destination of another size than the stream's: the bytes do not add up. */
  {
    g_autoptr(TestDest) d = test_dest_new (w, h + 1, TETHER_CODEC_FORMAT_XRGB32, 0);
    g_autoptr(GError) error = NULL;

    g_byte_array_set_size (good, good->len - 6);
    g_assert_false (tether_lz4_decode (good->data, good->len, &d->dest, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/codecs/lz4/round-trip", test_lz4_round_trip);
  g_test_add_func ("/codecs/lz4/hand-made", test_lz4_hand_made);
  g_test_add_func ("/codecs/lz4/every-prefix", test_lz4_every_prefix);
  g_test_add_func ("/codecs/lz4/hostile", test_lz4_hostile);
  return g_test_run ();
}
