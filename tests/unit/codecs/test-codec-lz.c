/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-lz-private.h"
#include "tether-test-utils.h"
#include "codec-test-support.h"

/* ---- a random image and what it must decode to --------------------------- */

typedef struct {
  guint     type;
  guint     width, height;
  gboolean  top_down;
  guint     ppb;          /* pixels per unit */
  gsize     row_units;    /* units per row */
  gsize     n_units;
  guint32  *units;        /* first pass */
  guint32  *alpha;        /* RGBA's alpha pass */
  guint32   palette[256];
  guint     n_palette;
} TestImage;

static void
test_image_free (TestImage *im)
{
  g_free (im->units);
  g_free (im->alpha);
  g_free (im);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TestImage, test_image_free)

static guint
type_ppb (guint type)
{
  switch (type)
    {
    case TETHER_LZ_TYPE_PLT1_LE:
    case TETHER_LZ_TYPE_PLT1_BE:
      return 8;
    case TETHER_LZ_TYPE_PLT4_LE:
    case TETHER_LZ_TYPE_PLT4_BE:
      return 2;
    default:
      return 1;
    }
}

static gboolean
type_is_plt (guint type)
{
  return type <= TETHER_LZ_TYPE_PLT8;
}

static guint
type_bpp (guint type)
{
  switch (type)
    {
    case TETHER_LZ_TYPE_RGB16: return 2;
    case TETHER_LZ_TYPE_RGB24: return 3;
    case TETHER_LZ_TYPE_A8: return 1;
    default: return 4;
    }
}

static guint32
unit_mask (guint type)
{
  switch (type)
    {
    case TETHER_LZ_TYPE_RGB24:
    case TETHER_LZ_TYPE_RGB32:
    case TETHER_LZ_TYPE_RGBA:
      return 0xffffff;
    case TETHER_LZ_TYPE_RGB16:
      return 0x7fff;
    default:
      return 0xff;
    }
}

/* Units with structure, so matches of every kind occur. */
static void
fill_units (guint32 *u, gsize n, gsize row, guint32 mask)
{
  guint32 few[4];

  for (guint i = 0; i < 4; i++)
    few[i] = g_test_rand_int () & mask;
  for (gsize i = 0; i < n; i++)
    {
      guint r = g_test_rand_int_range (0, 8);

      if (r < 4 && i > 0)
        u[i] = u[i - 1];
      else if (r < 6 && i >= row && row > 0)
        u[i] = u[i - row];
      else if (r < 7)
        u[i] = few[g_test_rand_int_range (0, 4)];
      else
        u[i] = g_test_rand_int () & mask;
    }
}

static TestImage *
test_image_new (guint type, guint width, guint height, gboolean top_down)
{
  TestImage *im = g_new0 (TestImage, 1);

  im->type = type;
  im->width = width;
  im->height = height;
  im->top_down = top_down;
  im->ppb = type_ppb (type);
  im->row_units = type_is_plt (type) ? (width + im->ppb - 1) / im->ppb : width;
  im->n_units = im->row_units * height;
  im->units = g_new (guint32, im->n_units);
  fill_units (im->units, im->n_units, im->row_units, unit_mask (type));
  if (type == TETHER_LZ_TYPE_RGBA)
    {
      im->alpha = g_new (guint32, im->n_units);
      fill_units (im->alpha, im->n_units, im->row_units, 0xff);
    }
  im->n_palette = g_test_rand_int_range (1, 257);
  for (guint i = 0; i < 256; i++)
    im->palette[i] = g_test_rand_int ();   /* the top byte must be ignored */
  return im;
}

static gsize
image_stride (const TestImage *im)
{
  return type_is_plt (im->type) ? im->row_units : (gsize) im->width * type_bpp (im->type);
}

static gboolean
image_has_alpha (const TestImage *im)
{
  return im->type == TETHER_LZ_TYPE_RGBA || im->type == TETHER_LZ_TYPE_XXXA ||
         im->type == TETHER_LZ_TYPE_A8;
}

/* 0xAARRGGBB of the pixel shown at (x, y), computed from the units. */
static guint32
image_pixel (const TestImage *im, guint x, guint y)
{
  gsize row = im->top_down ? y : im->height - 1 - y;
  gsize at = row * im->row_units;
  guint32 u, index;

  switch (im->type)
    {
    case TETHER_LZ_TYPE_RGB24:
    case TETHER_LZ_TYPE_RGB32:
      return im->units[at + x];
    case TETHER_LZ_TYPE_RGBA:
      return im->units[at + x] | im->alpha[at + x] << 24;
    case TETHER_LZ_TYPE_RGB16:
      return test_rgb555_to_argb (im->units[at + x]);
    case TETHER_LZ_TYPE_XXXA:
    case TETHER_LZ_TYPE_A8:
      return im->units[at + x] << 24;
    case TETHER_LZ_TYPE_PLT8:
      index = im->units[at + x];
      break;
    case TETHER_LZ_TYPE_PLT4_BE:
      u = im->units[at + x / 2];
      index = x % 2 == 0 ? u >> 4 : u & 15;
      break;
    case TETHER_LZ_TYPE_PLT4_LE:
      u = im->units[at + x / 2];
      index = x % 2 == 0 ? u & 15 : u >> 4;
      break;
    case TETHER_LZ_TYPE_PLT1_BE:
      index = (im->units[at + x / 8] >> (7 - x % 8)) & 1;
      break;
    case TETHER_LZ_TYPE_PLT1_LE:
      index = (im->units[at + x / 8] >> (x % 8)) & 1;
      break;
    default:
      g_assert_not_reached ();
    }
  return im->palette[index % im->n_palette] & 0xffffff;
}

static const TestLzCoding *
first_pass_coding (guint type)
{
  switch (type)
    {
    case TETHER_LZ_TYPE_RGB24:
    case TETHER_LZ_TYPE_RGB32:
    case TETHER_LZ_TYPE_RGBA:
      return &test_lz_coding_rgb32;
    case TETHER_LZ_TYPE_RGB16:
      return &test_lz_coding_rgb16;
    default:
      return &test_lz_coding_byte;
    }
}

static GByteArray *
encode_image (const TestImage *im, TestLzMode mode)
{
  GByteArray *out = g_byte_array_new ();

  test_lz_put_header (out, im->type, im->width, im->height, image_stride (im), im->top_down);
  test_lz_encode_pass (out, first_pass_coding (im->type), im->units, im->n_units,
                       im->row_units, mode);
  if (im->alpha != NULL)
    test_lz_encode_pass (out, &test_lz_coding_byte, im->alpha, im->n_units, im->row_units, mode);
  return out;
}

static gboolean
decode_image (const TestImage *im, const guint8 *data, gsize len, TestDest *d, GError **error)
{
  if (type_is_plt (im->type))
    return tether_lz_plt_decode (data, len, im->palette, im->n_palette, &d->dest, error);
  return tether_lz_rgb_decode (data, len, &d->dest, error);
}

static void
assert_image (const TestImage *im, const TestDest *d)
{
  for (guint y = 0; y < im->height; y++)
    for (guint x = 0; x < im->width; x++)
      test_dest_assert_pixel (d, x, y, image_pixel (im, x, y), image_has_alpha (im));
  test_dest_assert_untouched_outside (d);
}

/* ---- hand-made streams ---------------------------------------------------- */

static void
put_bytes (GByteArray *out, const guint8 *bytes, gsize n)
{
  g_byte_array_append (out, bytes, n);
}

#define PUT(out, ...) \
  G_STMT_START { \
    static const guint8 b_[] = { __VA_ARGS__ }; \
    put_bytes ((out), b_, sizeof b_); \
  } G_STMT_END

static void
test_lz_literal_run (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (2, 2, TETHER_CODEC_FORMAT_XRGB32, 4);
  g_autoptr(GError) error = NULL;

  /* Top-down RGB32 2×2: one literal run of 4 pixels, B,G,R each. */
  PUT (s, 0x20, 0x20, 0x5A, 0x4C, 0, 1, 0, 1, 0, 0, 0, 8, 0, 0, 0, 2, 0, 0, 0, 2,
       0, 0, 0, 8, 0, 0, 0, 1);
  PUT (s, 0x03, 0x01, 0x02, 0x03, 0x10, 0x20, 0x30, 0xff, 0x00, 0x80, 0x00, 0x00, 0xfe);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0xff030201);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 0), ==, 0xff302010);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 1), ==, 0xff8000ff);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 1), ==, 0xfffe0000);
  test_dest_assert_untouched_outside (d);
}

static void
test_lz_back_reference (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (5, 1, TETHER_CODEC_FORMAT_ARGB32, 0);
  g_autoptr(GError) error = NULL;

  /* RGB24 5×1, bottom-up (one row, so the same): literals A B C, then a
   * match of 2 pixels from 3 back: ctrl = 2 << 5 | 0, distance byte 3 − 1. */
  PUT (s, 0x20, 0x20, 0x5A, 0x4C, 0, 1, 0, 1, 0, 0, 0, 7, 0, 0, 0, 5, 0, 0, 0, 1,
       0, 0, 0, 15, 0, 0, 0, 0);
  PUT (s, 0x02, 0x0a, 0x0b, 0x0c, 0x1a, 0x1b, 0x1c, 0x2a, 0x2b, 0x2c, 0x40, 0x02);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0xff0c0b0a);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 0), ==, 0xff1c1b1a);
  g_assert_cmphex (test_dest_get_pixel (d, 2, 0), ==, 0xff2c2b2a);
  g_assert_cmphex (test_dest_get_pixel (d, 3, 0), ==, 0xff0c0b0a);
  g_assert_cmphex (test_dest_get_pixel (d, 4, 0), ==, 0xff1c1b1a);
}

static void
test_lz_run (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (3, 100, TETHER_CODEC_FORMAT_XRGB32, 8);
  g_autoptr(GError) error = NULL;

  /* RGB32 3×100 bottom-up: two literals, then a run of the second pixel
   * (distance 1) over the other 298 pixels: length 298 = 7 + 255 + 36. */
  test_lz_put_header (s, TETHER_LZ_TYPE_RGB32, 3, 100, 12, 0);
  PUT (s, 0x01, 0x11, 0x22, 0x33, 0x44, 0x55, 0x66);
  PUT (s, 0xe0, 0xff, 36, 0x00);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  /* Stream pixel 0 is the bottom-left one. */
  for (guint y = 0; y < 100; y++)
    for (guint x = 0; x < 3; x++)
      g_assert_cmphex (test_dest_get_pixel (d, x, y), ==,
                       y == 99 && x == 0 ? 0xff332211 : 0xff665544);
  test_dest_assert_untouched_outside (d);
}

static void
test_lz_far_distance (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (9000, 1, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autofree guint32 *units = g_new (guint32, 9000);
  g_autoptr(GError) error = NULL;

  for (guint i = 0; i < 9000; i++)
    units[i] = i * 2654435761u & 0xffffff;
  /* 8200 literal pixels, then 800 copied from 8200 back. That distance
   * takes the far form: ctrl 0xff (length 7 + extension, distance bits 31),
   * extension 255 255 255 28 (800 − 7 = 793), the 0xff escape, then
   * 8200 − 1 − 8191 = 8 as a big-endian u16. */
  memcpy (units + 8200, units, 800 * sizeof *units);
  test_lz_put_header (s, TETHER_LZ_TYPE_RGB32, 9000, 1, 36000, 1);
  test_lz_put_literals (s, &test_lz_coding_rgb32, units, 8200);
  PUT (s, 0xff, 0xff, 0xff, 0xff, 28, 0xff, 0x00, 0x08);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  for (guint x = 0; x < 9000; x++)
    g_assert_cmphex (test_dest_get_pixel (d, x, 0), ==, 0xff000000 | units[x]);
}

static void
test_lz_rgb16 (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (4, 1, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(TestDest) d16 = test_dest_new (4, 1, TETHER_CODEC_FORMAT_X1R5G5B5, 2);
  g_autoptr(GError) error = NULL;

  /* Literals are big-endian x1r5g5b5: 0x7c00 red, 0x03e0 green; then a
   * match of length 1 + bias 1 = 2 from 2 back. */
  test_lz_put_header (s, TETHER_LZ_TYPE_RGB16, 4, 1, 8, 1);
  PUT (s, 0x01, 0x7c, 0x00, 0x83, 0xe1, 0x20, 0x01);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0xffff0000);
  /* 0x83e1: the top bit is ignored; r = 0, g = 31, b = 1 → 0x08. */
  g_assert_cmphex (test_dest_get_pixel (d, 1, 0), ==, 0xff00ff08);
  g_assert_cmphex (test_dest_get_pixel (d, 2, 0), ==, 0xffff0000);
  g_assert_cmphex (test_dest_get_pixel (d, 3, 0), ==, 0xff00ff08);

  /* Into a 16-bit destination the 5-bit channels come back exactly. */
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d16->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (d16->dest.data[0] | d16->dest.data[1] << 8, ==, 0x7c00);
  g_assert_cmphex (d16->dest.data[2] | d16->dest.data[3] << 8, ==, 0x03e1);
  g_assert_cmphex (d16->dest.data[6] | d16->dest.data[7] << 8, ==, 0x03e1);
  test_dest_assert_untouched_outside (d16);
}

static void
test_lz_palette (void)
{
  static const guint32 palette[] = { 0x000000, 0xff0000, 0x00ff00, 0x0000ff, 0xffffff };
  g_autoptr(GError) error = NULL;

  /* PLT4_BE, 3×3, bottom-up: stride 2 bytes, so 4 pixels decoded per row
   * (the last is padding). A literal of the 2 bytes 0x12 0x3f, then a match
   * of 4 bytes (length 2 + bias 2) from 2 bytes back: every row is the same. */
  {
    g_autoptr(GByteArray) s = g_byte_array_new ();
    g_autoptr(TestDest) d = test_dest_new (3, 3, TETHER_CODEC_FORMAT_XRGB32, 4);

    test_lz_put_header (s, TETHER_LZ_TYPE_PLT4_BE, 3, 3, 2, 0);
    PUT (s, 0x01, 0x12, 0x3f, 0x40, 0x01);
    g_assert_true (tether_lz_plt_decode (s->data, s->len, palette, 5, &d->dest, &error));
    g_assert_no_error (error);
    for (guint y = 0; y < 3; y++)
      {
        test_dest_assert_pixel (d, 0, y, 0xff0000, FALSE);
        test_dest_assert_pixel (d, 1, y, 0x00ff00, FALSE);
        test_dest_assert_pixel (d, 2, y, 0x0000ff, FALSE);
      }
    test_dest_assert_untouched_outside (d);
  }

  /* PLT1_BE 10×3 top-down: stride 2, 16 pixels decoded a row. A literal
   * 0xa5 0xc0, a match of 3 bytes (length 1 + bias 2) from 2 bytes back,
   * then a literal 0x40. */
  {
    g_autoptr(GByteArray) s = g_byte_array_new ();
    g_autoptr(TestDest) d = test_dest_new (10, 3, TETHER_CODEC_FORMAT_ARGB32, 0);
    static const guint8 rows[3][2] = { { 0xa5, 0xc0 }, { 0xa5, 0xc0 }, { 0xa5, 0x40 } };

    test_lz_put_header (s, TETHER_LZ_TYPE_PLT1_BE, 10, 3, 2, 1);
    PUT (s, 0x01, 0xa5, 0xc0, 0x20, 0x01, 0x00, 0x40);
    g_assert_true (tether_lz_plt_decode (s->data, s->len, palette, 2, &d->dest, &error));
    g_assert_no_error (error);
    for (guint y = 0; y < 3; y++)
      for (guint x = 0; x < 10; x++)
        {
          guint bit = (rows[y][x / 8] >> (7 - x % 8)) & 1;

          test_dest_assert_pixel (d, x, y, palette[bit], FALSE);
        }
  }

  /* PLT8 with indices past the palette's end: they wrap. */
  {
    g_autoptr(GByteArray) s = g_byte_array_new ();
    g_autoptr(TestDest) d = test_dest_new (3, 1, TETHER_CODEC_FORMAT_XRGB32, 0);

    test_lz_put_header (s, TETHER_LZ_TYPE_PLT8, 3, 1, 3, 1);
    PUT (s, 0x02, 0x04, 0x05, 0xff);
    g_assert_true (tether_lz_plt_decode (s->data, s->len, palette, 5, &d->dest, &error));
    g_assert_no_error (error);
    test_dest_assert_pixel (d, 0, 0, 0xffffff, FALSE);
    test_dest_assert_pixel (d, 1, 0, 0x000000, FALSE);
    test_dest_assert_pixel (d, 2, 0, palette[255 % 5], FALSE);
  }
}

static void
test_lz_rgba (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (4, 1, TETHER_CODEC_FORMAT_ARGB32, 0);
  g_autoptr(GError) error = NULL;

  /* RGB pass: 4 literal pixels. Alpha pass: 1 literal 0x80, then a run of
   * 3 (len 1 + bias 2) from 1 back. */
  test_lz_put_header (s, TETHER_LZ_TYPE_RGBA, 4, 1, 16, 1);
  PUT (s, 0x03, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
  PUT (s, 0x00, 0x80, 0x20, 0x00);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0x80030201);
  g_assert_cmphex (test_dest_get_pixel (d, 3, 0), ==, 0x800c0b0a);
}

static void
test_lz_alpha_plane (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (2, 2, TETHER_CODEC_FORMAT_ARGB32, 0);
  g_autoptr(GError) error = NULL;

  /* XXXA bottom-up: the alpha goes into byte 3 and nothing else changes. */
  memset (d->dest.data, 0x11, 16);
  test_lz_put_header (s, TETHER_LZ_TYPE_XXXA, 2, 2, 8, 0);
  PUT (s, 0x03, 0x10, 0x20, 0x30, 0x40);
  g_assert_true (tether_lz_alpha_decode (s->data, s->len, FALSE, &d->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 1), ==, 0x10111111);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 1), ==, 0x20111111);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0x30111111);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 0), ==, 0x40111111);

  /* Its top_down must be the image's. */
  g_assert_false (tether_lz_alpha_decode (s->data, s->len, TRUE, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
}

static void
test_lz_a8 (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (3, 1, TETHER_CODEC_FORMAT_A8, 1);
  g_autoptr(TestDest) d32 = test_dest_new (3, 1, TETHER_CODEC_FORMAT_ARGB32, 0);
  g_autoptr(GError) error = NULL;

  test_lz_put_header (s, TETHER_LZ_TYPE_A8, 3, 1, 3, 1);
  PUT (s, 0x02, 0x00, 0x7f, 0xff);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d->dest, &error));
  g_assert_no_error (error);
  g_assert_cmpmem (d->dest.data, 3, "\x00\x7f\xff", 3);
  test_dest_assert_untouched_outside (d);
  g_assert_true (tether_lz_rgb_decode (s->data, s->len, &d32->dest, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d32, 1, 0), ==, 0x7f000000);
}

/* ---- random images through the test encoder ------------------------------ */

static const guint all_types[] = {
  TETHER_LZ_TYPE_PLT1_LE, TETHER_LZ_TYPE_PLT1_BE, TETHER_LZ_TYPE_PLT4_LE,
  TETHER_LZ_TYPE_PLT4_BE, TETHER_LZ_TYPE_PLT8, TETHER_LZ_TYPE_RGB16, TETHER_LZ_TYPE_RGB24,
  TETHER_LZ_TYPE_RGB32, TETHER_LZ_TYPE_RGBA, TETHER_LZ_TYPE_XXXA, TETHER_LZ_TYPE_A8,
};

static void
test_lz_round_trip (void)
{
  static const TetherCodecFormat formats[] = {
    TETHER_CODEC_FORMAT_XRGB32, TETHER_CODEC_FORMAT_ARGB32,
    TETHER_CODEC_FORMAT_X1R5G5B5, TETHER_CODEC_FORMAT_A8,
  };
  guint images = 0;

  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    for (guint round = 0; round < 12; round++)
      {
        guint type = all_types[t];
        guint w = g_test_rand_int_range (1, 80), h = g_test_rand_int_range (1, 40);
        TestLzMode mode = round % 3 == 0 ? TEST_LZ_LITERALS_ONLY : TEST_LZ_MATCHES;
        g_autoptr(TestImage) im = test_image_new (type, w, h, g_test_rand_bit ());
        g_autoptr(GByteArray) s = encode_image (im, mode);
        g_autoptr(TestDest) d = test_dest_new (w, h, formats[round % 4], round % 5);
        g_autoptr(GError) error = NULL;

        if (!decode_image (im, s->data, s->len, d, &error))
          g_error ("%s %u×%u: %s", tether_lz_type_name (type), w, h, error->message);
        assert_image (im, d);
        images++;
      }
  g_test_message ("%u images decoded", images);
}

/* Wide images reach the far distances and long offsets. */
static void
test_lz_round_trip_wide (void)
{
  g_autoptr(TestImage) im = test_image_new (TETHER_LZ_TYPE_RGB32, 9000, 3, TRUE);
  g_autoptr(GByteArray) s = encode_image (im, TEST_LZ_MATCHES);
  g_autoptr(TestDest) d = test_dest_new (9000, 3, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_image (im, s->data, s->len, d, &error));
  g_assert_no_error (error);
  assert_image (im, d);
}

/* ---- truncation and hostile input ---------------------------------------- */

static void
test_lz_every_prefix (void)
{
  for (guint t = 0; t < G_N_ELEMENTS (all_types); t++)
    {
      guint type = all_types[t];
      g_autoptr(TestImage) im = test_image_new (type, 13, 5, t % 2);
      g_autoptr(GByteArray) s = encode_image (im, TEST_LZ_MATCHES);

      for (gsize n = 0; n < s->len; n++)
        {
          g_autoptr(TestDest) d = test_dest_new (13, 5, TETHER_CODEC_FORMAT_ARGB32, 3);
          /* An exact-size copy, so ASan sees any over-read. */
          g_autofree guint8 *copy = g_memdup2 (s->data, n);
          g_autoptr(GError) error = NULL;

          g_assert_false (decode_image (im, copy, n, d, &error));
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
          test_dest_assert_untouched_outside (d);
        }
      /* A byte too many is refused too. */
      {
        g_autoptr(TestDest) d = test_dest_new (13, 5, TETHER_CODEC_FORMAT_ARGB32, 3);
        g_autoptr(GError) error = NULL;

        g_byte_array_append (s, (const guint8 *) "", 1);
        g_assert_false (decode_image (im, s->data, s->len, d, &error));
        g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
      }
    }
}

typedef struct {
  const char *name;
  guint32     type, width, height, stride, top_down;
  guint       dest_w, dest_h;
  const char *body;        /* hex bytes after the header */
  int         code;        /* TETHER_SPICE_ERROR_* */
} HostileCase;

static const HostileCase hostile_cases[] = {
  { "huge-dimensions", TETHER_LZ_TYPE_RGB32, 65536, 65536, 262144, 1, 4, 4, "00", TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
  { "over-pixel-cap", TETHER_LZ_TYPE_RGB32, 16384, 16384, 65536, 1, 4, 4, "00", TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
  { "plt1-gross-over-cap", TETHER_LZ_TYPE_PLT1_BE, 16384, 16384, 2048, 1, 4, 4, "00", TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
  { "stride-wrap", TETHER_LZ_TYPE_RGB32, 0x40000001, 1, 4, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "zero-width", TETHER_LZ_TYPE_RGB32, 0, 4, 0, 1, 4, 4, "", TETHER_SPICE_ERROR_PROTOCOL },
  { "zero-height", TETHER_LZ_TYPE_RGB32, 4, 0, 16, 1, 4, 4, "", TETHER_SPICE_ERROR_PROTOCOL },
  { "stride-mismatch-rgb", TETHER_LZ_TYPE_RGB32, 4, 4, 17, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "stride-mismatch-rgb24", TETHER_LZ_TYPE_RGB24, 4, 4, 16, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "stride-mismatch-plt", TETHER_LZ_TYPE_PLT4_BE, 4, 4, 3, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "stride-short-plt", TETHER_LZ_TYPE_PLT1_LE, 9, 4, 1, 1, 9, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "type-zero", 0, 4, 4, 16, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "type-twelve", 12, 4, 4, 16, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "type-huge", 0x80000008, 4, 4, 16, 1, 4, 4, "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "top-down-two", TETHER_LZ_TYPE_RGB32, 1, 1, 4, 2, 1, 1, "00010203", TETHER_SPICE_ERROR_PROTOCOL },
  { "size-not-descriptor", TETHER_LZ_TYPE_RGB32, 2, 2, 8, 1, 2, 3, "03000000000000000000000000", TETHER_SPICE_ERROR_PROTOCOL },
  { "reference-before-start", TETHER_LZ_TYPE_RGB32, 4, 1, 16, 1, 4, 1, "8000", TETHER_SPICE_ERROR_PROTOCOL },
  { "reference-one-too-far", TETHER_LZ_TYPE_RGB32, 4, 1, 16, 1, 4, 1, "00010203" "4001", TETHER_SPICE_ERROR_PROTOCOL },
  { "far-reference-before-start", TETHER_LZ_TYPE_RGB32, 4, 1, 16, 1, 4, 1, "00010203" "3fffffff", TETHER_SPICE_ERROR_PROTOCOL },
  { "match-past-end", TETHER_LZ_TYPE_RGB32, 4, 1, 16, 1, 4, 1, "00010203" "8000", TETHER_SPICE_ERROR_PROTOCOL },
  { "long-match-past-end", TETHER_LZ_TYPE_RGB32, 4, 1, 16, 1, 4, 1, "00010203" "e0ffffffffffffffffffffff", TETHER_SPICE_ERROR_PROTOCOL },
  { "literal-past-end", TETHER_LZ_TYPE_RGB32, 2, 1, 8, 1, 2, 1, "02000000000000000000", TETHER_SPICE_ERROR_PROTOCOL },
  { "plt-literal-past-end", TETHER_LZ_TYPE_PLT1_BE, 8, 1, 1, 1, 8, 1, "01ffff", TETHER_SPICE_ERROR_PROTOCOL },
  { "plt-match-past-end", TETHER_LZ_TYPE_PLT4_LE, 4, 1, 2, 1, 4, 1, "00ff" "2000", TETHER_SPICE_ERROR_PROTOCOL },
  { "empty-body", TETHER_LZ_TYPE_RGB32, 1, 1, 4, 1, 1, 1, "", TETHER_SPICE_ERROR_PROTOCOL },
  { "trailing-byte", TETHER_LZ_TYPE_RGB32, 1, 1, 4, 1, 1, 1, "00010203" "00", TETHER_SPICE_ERROR_PROTOCOL },
  { "rgba-missing-alpha-pass", TETHER_LZ_TYPE_RGBA, 1, 1, 4, 1, 1, 1, "00010203", TETHER_SPICE_ERROR_PROTOCOL },
};

static GByteArray *
hostile_stream (const HostileCase *c)
{
  GByteArray *s = g_byte_array_new ();
  gsize n = strlen (c->body);

  test_lz_put_header (s, c->type, c->width, c->height, c->stride, c->top_down);
  for (gsize i = 0; i + 1 < n; i += 2)
    {
      char hex[3] = { c->body[i], c->body[i + 1], 0 };
      guint8 b = (guint8) g_ascii_strtoull (hex, NULL, 16);

      g_byte_array_append (s, &b, 1);
    }
  return s;
}

static void
test_lz_hostile (gconstpointer data)
{
  const HostileCase *c = data;
  static const guint32 palette[2] = { 0, 0xffffff };
  g_autoptr(GByteArray) s = hostile_stream (c);
  g_autoptr(TestDest) d = test_dest_new (c->dest_w, c->dest_h, TETHER_CODEC_FORMAT_XRGB32, 2);
  g_autoptr(GError) error = NULL;
  gboolean ok;

  if (c->type >= 1 && c->type <= TETHER_LZ_TYPE_PLT8)
    ok = tether_lz_plt_decode (s->data, s->len, palette, 2, &d->dest, &error);
  else
    ok = tether_lz_rgb_decode (s->data, s->len, &d->dest, &error);
  g_assert_false (ok);
  g_assert_error (error, TETHER_SPICE_ERROR, c->code);
  g_test_message ("%s: %s", c->name, error->message);
  test_dest_assert_untouched_outside (d);
}

static void
test_lz_wrong_kind (void)
{
  static const guint32 palette[2] = { 0, 0xffffff };
  g_autoptr(GError) error = NULL;
  g_autoptr(TestDest) d = test_dest_new (8, 1, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GByteArray) plt = g_byte_array_new ();
  g_autoptr(GByteArray) rgb = g_byte_array_new ();
  g_autoptr(GByteArray) bad = g_byte_array_new ();

  test_lz_put_header (plt, TETHER_LZ_TYPE_PLT1_BE, 8, 1, 1, 1);
  PUT (plt, 0x00, 0x55);
  test_lz_put_header (rgb, TETHER_LZ_TYPE_A8, 8, 1, 8, 1);
  PUT (rgb, 0x07, 1, 2, 3, 4, 5, 6, 7, 8);

  /* LZ_RGB with a palette type, LZ_PLT with an RGB type, no palette. */
  g_assert_false (tether_lz_rgb_decode (plt->data, plt->len, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (tether_lz_plt_decode (rgb->data, rgb->len, palette, 2, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (tether_lz_plt_decode (plt->data, plt->len, palette, 0, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (tether_lz_alpha_decode (rgb->data, rgb->len, TRUE, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_true (tether_lz_plt_decode (plt->data, plt->len, palette, 2, &d->dest, &error));
  g_assert_no_error (error);

  /* Bad magic and version. */
  test_lz_put_header (bad, TETHER_LZ_TYPE_A8, 8, 1, 8, 1);
  g_byte_array_append (bad, rgb->data + TETHER_LZ_HEADER_SIZE, rgb->len - TETHER_LZ_HEADER_SIZE);
  bad->data[0] ^= 1;
  g_assert_false (tether_lz_rgb_decode (bad->data, bad->len, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  bad->data[0] ^= 1;
  bad->data[7] = 2;
  g_assert_false (tether_lz_rgb_decode (bad->data, bad->len, &d->dest, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
}

static void
test_lz_bad_dest (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  guint8 buf[64];
  TetherCodecDest dest = { buf, 8, 2, 2, TETHER_CODEC_FORMAT_XRGB32 };
  g_autoptr(GError) error = NULL;

  test_lz_put_header (s, TETHER_LZ_TYPE_RGB32, 2, 2, 8, 1);
  dest.stride = 7;   /* less than 2 pixels */
  g_assert_false (tether_lz_rgb_decode (s->data, s->len, &dest, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  dest.stride = 8;
  dest.data = NULL;
  g_assert_false (tether_lz_rgb_decode (s->data, s->len, &dest, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  dest.data = buf;
  dest.format = 17;
  g_assert_false (tether_lz_rgb_decode (s->data, s->len, &dest, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
}

static void
test_lz_read_header (void)
{
  g_autoptr(GByteArray) s = g_byte_array_new ();
  TetherLzHeader h;
  g_autoptr(GError) error = NULL;

  test_lz_put_header (s, TETHER_LZ_TYPE_PLT4_LE, 5, 7, 3, 1);
  g_assert_true (tether_lz_read_header (s->data, s->len, &h, &error));
  g_assert_no_error (error);
  g_assert_cmpint (h.type, ==, TETHER_LZ_TYPE_PLT4_LE);
  g_assert_cmpuint (h.width, ==, 5);
  g_assert_cmpuint (h.height, ==, 7);
  g_assert_cmpuint (h.row_pixels, ==, 6);
  g_assert_cmpuint (h.n_pixels, ==, 42);
  g_assert_true (h.top_down);
  for (gsize n = 0; n < s->len; n++)
    {
      g_autofree guint8 *copy = g_memdup2 (s->data, n);
      g_autoptr(GError) e = NULL;

      g_assert_false (tether_lz_read_header (copy, n, &h, &e));
      g_assert_error (e, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    }
}

/* tether_lz_copy_pixels() is a forward copy one pixel at a time, whatever
 * the overlap: every period and length against that loop. */
static void
test_lz_copy_overlap (void)
{
  TetherLzPass pass;
  guint32 buf[256], want[256];

  g_assert_true (tether_lz_get_pass (TETHER_LZ_TYPE_RGB32, 0, NULL, 0, &pass));
  for (gsize period = 1; period <= 40; period++)
    for (gsize n = 1; n <= 150; n++)
      {
        gsize at = 60;

        for (gsize i = 0; i < G_N_ELEMENTS (buf); i++)
          buf[i] = want[i] = g_test_rand_int ();
        for (gsize i = 0; i < n; i++)
          want[at + i] = want[at - period + i];
        tether_lz_copy_pixels (&pass, buf + at, buf + at - period, n);
        g_assert_cmpmem (buf, sizeof buf, want, sizeof want);
      }
}

/* The row helpers of tether-codec-private.h. */
static void
test_codec_helpers (void)
{
  guint8 in[4 * 70 + 3], out[4 * 70 + 3];

  for (gsize i = 0; i < sizeof in; i++)
    in[i] = (guint8) g_test_rand_int ();
  /* Every count and misalignment: byte 3 of each pixel becomes 0xff, the
   * rest is copied, nothing past n pixels is written. */
  for (gsize skew = 0; skew < 3; skew++)
    for (gsize n = 0; n <= 70; n++)
      {
        memset (out, 0x5a, sizeof out);
        tether_codec_copy_opaque (out + skew, in + skew, n);
        for (gsize i = 0; i < sizeof out; i++)
          {
            gsize k = i - skew;

            if (i < skew || k >= 4 * n)
              g_assert_cmpuint (out[i], ==, 0x5a);
            else
              g_assert_cmpuint (out[i], ==, k % 4 == 3 ? 0xff : in[i]);
          }
        memcpy (out, in, sizeof out);
        tether_codec_set_opaque (out + skew, n);
        for (gsize i = skew; i < skew + 4 * n; i++)
          g_assert_cmpuint (out[i], ==, (i - skew) % 4 == 3 ? 0xff : in[i]);
      }

  /* Flipping rows, with padding left alone, odd and even heights. */
  for (guint h = 1; h <= 4; h++)
    {
      g_autoptr(TestDest) d = test_dest_new (3, h, TETHER_CODEC_FORMAT_XRGB32, 4);

      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < 3; x++)
          {
            guint32 v = y << 8 | x;

            memcpy (d->dest.data + (gsize) y * d->dest.stride + 4 * x, &v, 4);
          }
      tether_codec_dest_flip_rows (&d->dest);
      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < 3; x++)
          {
            guint32 v;

            memcpy (&v, d->dest.data + (gsize) y * d->dest.stride + 4 * x, 4);
            g_assert_cmphex (v, ==, (h - 1 - y) << 8 | x);
          }
      test_dest_assert_untouched_outside (d);
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/codecs/lz/literal-run", test_lz_literal_run);
  g_test_add_func ("/codecs/lz/back-reference", test_lz_back_reference);
  g_test_add_func ("/codecs/lz/run", test_lz_run);
  g_test_add_func ("/codecs/lz/far-distance", test_lz_far_distance);
  g_test_add_func ("/codecs/lz/rgb16", test_lz_rgb16);
  g_test_add_func ("/codecs/lz/palette", test_lz_palette);
  g_test_add_func ("/codecs/lz/rgba", test_lz_rgba);
  g_test_add_func ("/codecs/lz/alpha-plane", test_lz_alpha_plane);
  g_test_add_func ("/codecs/lz/a8", test_lz_a8);
  g_test_add_func ("/codecs/lz/round-trip", test_lz_round_trip);
  g_test_add_func ("/codecs/lz/round-trip-wide", test_lz_round_trip_wide);
  g_test_add_func ("/codecs/lz/every-prefix", test_lz_every_prefix);
  g_test_add_func ("/codecs/lz/wrong-kind", test_lz_wrong_kind);
  g_test_add_func ("/codecs/lz/bad-destination", test_lz_bad_dest);
  g_test_add_func ("/codecs/lz/read-header", test_lz_read_header);
  g_test_add_func ("/codecs/lz/copy-overlap", test_lz_copy_overlap);
  g_test_add_func ("/codecs/helpers", test_codec_helpers);
  for (guint i = 0; i < G_N_ELEMENTS (hostile_cases); i++)
    {
      g_autofree char *path = g_strdup_printf ("/codecs/lz/hostile/%s", hostile_cases[i].name);

      g_test_add_data_func (path, &hostile_cases[i], test_lz_hostile);
    }
  return g_test_run ();
}
