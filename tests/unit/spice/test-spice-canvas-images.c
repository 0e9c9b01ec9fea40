/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The image pipeline (docs/spice-protocol.md §9.1–§9.4, §9.6): bitmaps and
 * palettes, every compressed type through the codecs, the image cache
 * (hits, misses, lossy entries, reference counts, invalidation, budget
 * eviction), the palette cache, GLZ waits and retries, and "touching"
 * images of operations that draw nothing.
 */
#include "config.h"

#include <stdio.h>
#include <string.h>

#include <jpeglib.h>
#include <lz4.h>
#include <zlib.h>

#include "spice-canvas-test.h"
#include "../codecs/codec-test-support.h"
#include "../codecs/quic-test-encoder.h"

static guint32
img_px (pixman_image_t *image, guint x, guint y)
{
  const guint8 *row = (const guint8 *) pixman_image_get_data (image) +
                      (gsize) y * (gsize) pixman_image_get_stride (image);
  guint32 v;

  switch (PIXMAN_FORMAT_BPP (pixman_image_get_format (image)))
    {
    case 32:
      memcpy (&v, row + 4 * x, 4);
      return v;
    case 8:
      return row[x];
    default:
      g_assert_not_reached ();
    }
}

/* A bitmap image description over @data. */
static TetherSpiceImage
bitmap (guint64 id, guint8 flags, guint8 format, guint8 bflags, guint w, guint h, guint stride,
        const guint8 *data, TetherSpicePalette *palette)
{
  TetherSpiceImage image = {
    .present = TRUE, .id = id, .type = TETHER_SPICE_IMAGE_BITMAP, .flags = flags,
    .width = w, .height = h, .bitmap_format = format, .bitmap_flags = bflags,
    .bitmap_x = w, .bitmap_y = h, .bitmap_stride = stride,
    .palette = palette, .data = data, .data_size = (gsize) stride * h,
  };

  return image;
}

static TetherSpiceImage
blob (guint64 id, guint8 flags, guint8 type, guint w, guint h, const guint8 *data, gsize len)
{
  TetherSpiceImage image = {
    .present = TRUE, .id = id, .type = type, .flags = flags, .width = w, .height = h,
    .data = data, .data_size = len,
  };

  return image;
}

static pixman_image_t *
decode_ok (TetherSpiceCanvas *canvas, const TetherSpiceImage *image, gboolean as_mask)
{
  g_autoptr(GError) error = NULL;
  pixman_image_t *out = tether_spice_canvas_decode_image (canvas, image, as_mask, NULL, &error);

  if (out == NULL)
    g_error ("image %" G_GUINT64_FORMAT " (type %u) does not decode: %s", image->id, image->type,
             error->message);
  g_assert_cmpint (pixman_image_get_width (out), ==, image->width);
  g_assert_cmpint (pixman_image_get_height (out), ==, image->height);
  return out;
}

static void
decode_fails (TetherSpiceCanvas *canvas, const TetherSpiceImage *image, gboolean as_mask,
              GQuark domain, gint code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  pixman_image_t *out = tether_spice_canvas_decode_image (canvas, image, as_mask, NULL, &error);

  g_assert_null (out);
  if (!g_error_matches (error, domain, code))
    g_error ("image %" G_GUINT64_FORMAT ": expected %s %d, got: %s", image->id,
             g_quark_to_string (domain), code, error ? error->message : "(none)");
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("\"%s\" lacks \"%s\"", error->message, needle);
}

/* ---- bitmaps -------------------------------------------------------------- */

static void
test_bitmap_formats (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  TetherSpicePalette pal = { .unique = 1, .n_ents = 16 };
  /* 10×2, 1 bit: row 0 = 1011001110, row 1 = 0100110001 (two bytes each). */
  static const guint8 bits_be[] = { 0xb3, 0x80, 0x4c, 0x40 };
  static const guint8 bits_le[] = { 0xcd, 0x01, 0x32, 0x02 };
  static const char *rows1[] = { "1011001110", "0100110001" };
  /* 5×2, 4 bits, stride 3 (nibbles 0..9). */
  static const guint8 nib_be[] = { 0x01, 0x23, 0x40,  0x56, 0x78, 0x90 };
  static const guint8 nib_le[] = { 0x10, 0x32, 0x04,  0x65, 0x87, 0x09 };
  /* 3×2, 8 bits, stride 4, index 200 has no entry (black). */
  static const guint8 idx8[] = { 1, 15, 200, 0xee,  7, 0, 3, 0xee };
  /* 2×2, 16 bits: x1r5g5b5 little-endian. */
  static const guint8 rgb16[] = { 0x00, 0x7c,  0xe0, 0x03,   0x1f, 0x00,  0xff, 0x7f };
  /* 2×1 24 and 32 bits, 2×1 RGBA, 3×1 alpha. */
  static const guint8 rgb24[] = { 0x01, 0x02, 0x03,  0xfd, 0xfe, 0xff };
  static const guint8 rgb32[] = { 0x01, 0x02, 0x03, 0x99,  0xfd, 0xfe, 0xff, 0x00 };
  static const guint8 rgba[] = { 0x10, 0x20, 0x30, 0x40,  0x00, 0x00, 0x00, 0x00 };
  static const guint8 a8[] = { 0x00, 0x7f, 0xff, 0x00 };

  for (guint i = 0; i < 16; i++)
    pal.ents[i] = 0x010101u * (i * 16 + 1);

  for (guint le = 0; le < 2; le++)
    {
      TetherSpiceImage im = bitmap (1, 0, le ? TETHER_SPICE_BITMAP_FMT_1BIT_LE : TETHER_SPICE_BITMAP_FMT_1BIT_BE,
                                    TETHER_SPICE_BITMAP_FLAG_TOP_DOWN, 10, 2, 2, le ? bits_le : bits_be, &pal);
      pixman_image_t *out = decode_ok (canvas, &im, FALSE);
      pixman_region32_t region;

      g_assert_cmpuint (pixman_image_get_format (out), ==, PIXMAN_x8r8g8b8);
      for (guint y = 0; y < 2; y++)
        for (guint x = 0; x < 10; x++)
          g_assert_cmphex (img_px (out, x, y) & 0xffffff, ==, pal.ents[rows1[y][x] - '0']);
      pixman_image_unref (out);

      /* As a mask: a1, the same bits. */
      out = decode_ok (canvas, &im, TRUE);
      g_assert_cmpuint (pixman_image_get_format (out), ==, PIXMAN_a1);
      pixman_region32_init_from_image (&region, out);
      for (guint y = 0; y < 2; y++)
        for (guint x = 0; x < 10; x++)
          g_assert_cmpint (pixman_region32_contains_point (&region, x, y, NULL), ==, rows1[y][x] == '1');
      pixman_region32_fini (&region);
      pixman_image_unref (out);
    }

  for (guint le = 0; le < 2; le++)
    {
      TetherSpiceImage im = bitmap (2, 0, le ? TETHER_SPICE_BITMAP_FMT_4BIT_LE : TETHER_SPICE_BITMAP_FMT_4BIT_BE,
                                    TETHER_SPICE_BITMAP_FLAG_TOP_DOWN, 5, 2, 3, le ? nib_le : nib_be, &pal);
      pixman_image_t *out = decode_ok (canvas, &im, FALSE);

      for (guint y = 0; y < 2; y++)
        for (guint x = 0; x < 5; x++)
          g_assert_cmphex (img_px (out, x, y) & 0xffffff, ==, pal.ents[y * 5 + x]);
      pixman_image_unref (out);
    }

  {
    TetherSpiceImage im = bitmap (3, 0, TETHER_SPICE_BITMAP_FMT_8BIT, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                  3, 2, 4, idx8, &pal);
    pixman_image_t *out = decode_ok (canvas, &im, FALSE);

    g_assert_cmphex (img_px (out, 0, 0) & 0xffffff, ==, pal.ents[1]);
    g_assert_cmphex (img_px (out, 1, 0) & 0xffffff, ==, pal.ents[15]);
    g_assert_cmphex (img_px (out, 2, 0) & 0xffffff, ==, 0);
    g_assert_cmphex (img_px (out, 0, 1) & 0xffffff, ==, pal.ents[7]);
    g_assert_cmphex (img_px (out, 2, 1) & 0xffffff, ==, pal.ents[3]);
    pixman_image_unref (out);
  }
  {
    TetherSpiceImage im = bitmap (4, 0, TETHER_SPICE_BITMAP_FMT_16BIT, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                  2, 2, 4, rgb16, NULL);
    pixman_image_t *out = decode_ok (canvas, &im, FALSE);

    g_assert_cmphex (img_px (out, 0, 0) & 0xffffff, ==, 0xff0000);
    g_assert_cmphex (img_px (out, 1, 0) & 0xffffff, ==, 0x00ff00);
    g_assert_cmphex (img_px (out, 0, 1) & 0xffffff, ==, 0x0000ff);
    g_assert_cmphex (img_px (out, 1, 1) & 0xffffff, ==, 0xffffff);
    pixman_image_unref (out);
  }
  {
    TetherSpiceImage im24 = bitmap (5, 0, TETHER_SPICE_BITMAP_FMT_24BIT, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                    2, 1, 6, rgb24, NULL);
    TetherSpiceImage im32 = bitmap (6, 0, TETHER_SPICE_BITMAP_FMT_32BIT, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                    2, 1, 8, rgb32, NULL);
    TetherSpiceImage ima = bitmap (7, 0, TETHER_SPICE_BITMAP_FMT_RGBA, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                   2, 1, 8, rgba, NULL);
    TetherSpiceImage im8 = bitmap (8, 0, TETHER_SPICE_BITMAP_FMT_8BIT_A, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                   3, 1, 4, a8, NULL);
    pixman_image_t *o24 = decode_ok (canvas, &im24, FALSE);
    pixman_image_t *o32 = decode_ok (canvas, &im32, FALSE);
    pixman_image_t *oa = decode_ok (canvas, &ima, FALSE);
    pixman_image_t *o8 = decode_ok (canvas, &im8, FALSE);

    g_assert_cmphex (img_px (o24, 0, 0) & 0xffffff, ==, 0x030201);
    g_assert_cmphex (img_px (o24, 1, 0) & 0xffffff, ==, 0xfffefd);
    g_assert_cmphex (img_px (o32, 0, 0) & 0xffffff, ==, 0x030201);
    g_assert_cmphex (img_px (o32, 1, 0) & 0xffffff, ==, 0xfffefd);
    g_assert_cmpuint (pixman_image_get_format (oa), ==, PIXMAN_a8r8g8b8);
    g_assert_cmphex (img_px (oa, 0, 0), ==, 0x40302010);
    g_assert_cmphex (img_px (oa, 1, 0), ==, 0);
    g_assert_cmpuint (pixman_image_get_format (o8), ==, PIXMAN_a8);
    g_assert_cmphex (img_px (o8, 1, 0), ==, 0x7f);
    g_assert_cmphex (img_px (o8, 2, 0), ==, 0xff);
    pixman_image_unref (o24);
    pixman_image_unref (o32);
    pixman_image_unref (oa);
    pixman_image_unref (o8);
  }
}

/* Without TOP_DOWN row 0 of the data is the bottom row; strides pad. */
static void
test_bitmap_orientation (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  /* 2×3, 24 bits, stride 8: data rows 0, 1, 2 are the image's rows 2, 1, 0. */
  static const guint8 data[] = {
    0x00, 0x00, 0x02,  0x01, 0x00, 0x02,  0xee, 0xee,
    0x00, 0x00, 0x01,  0x01, 0x00, 0x01,  0xee, 0xee,
    0x00, 0x00, 0x00,  0x01, 0x00, 0x00,  0xee, 0xee,
  };
  TetherSpiceImage im = bitmap (1, 0, TETHER_SPICE_BITMAP_FMT_24BIT, 0, 2, 3, 8, data, NULL);
  pixman_image_t *out = decode_ok (canvas, &im, FALSE);

  for (guint y = 0; y < 3; y++)
    for (guint x = 0; x < 2; x++)
      g_assert_cmphex (img_px (out, x, y) & 0xffffff, ==, (guint32) y << 16 | x);
  pixman_image_unref (out);
}

static void
test_bitmap_errors (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  static const guint8 data[64] = { 0 };
  TetherSpiceImage im;

  /* An 8-bit bitmap needs a palette. */
  im = bitmap (1, 0, TETHER_SPICE_BITMAP_FMT_8BIT, 0, 2, 2, 4, data, NULL);
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "needs a palette");
  /* A palette from the cache must be there. */
  im.bitmap_flags = TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE;
  im.palette_id = 77;
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                "palette 77, which is not cached");
  /* The bitmap's size is the descriptor's. */
  im = bitmap (2, 0, TETHER_SPICE_BITMAP_FMT_32BIT, 0, 2, 2, 8, data, NULL);
  im.bitmap_x = 3;
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "descriptor says 2×2");
  /* The stride holds a row. */
  im = bitmap (3, 0, TETHER_SPICE_BITMAP_FMT_24BIT, 0, 3, 2, 8, data, NULL);
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "stride 8 is too small");
  /* Sizes. */
  im = bitmap (4, 0, TETHER_SPICE_BITMAP_FMT_32BIT, 0, 0, 2, 8, data, NULL);
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "empty size");
  im = bitmap (5, 0, TETHER_SPICE_BITMAP_FMT_32BIT, 0, 4, 4, 16, data, NULL);
  tether_spice_canvas_set_max_image_pixels (canvas, 15);
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "limit of 15");
  tether_spice_canvas_set_max_image_pixels (canvas, 16);
  pixman_image_unref (decode_ok (canvas, &im, FALSE));
  im.width = im.bitmap_x = 16385;
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, NULL);
  /* Masks are 1-bit bitmaps, or cached 1-bit images; not surfaces. */
  im = bitmap (6, 0, TETHER_SPICE_BITMAP_FMT_8BIT_A, 0, 2, 2, 4, data, NULL);
  decode_fails (canvas, &im, TRUE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "not 1-bit");
  im = blob (7, 0, TETHER_SPICE_IMAGE_LZ_RGB, 2, 2, data, 8);
  decode_fails (canvas, &im, TRUE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "1-bit bitmap");
  ct_add_surface (canvas, 3, 2, 2, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  im = blob (8, 0, TETHER_SPICE_IMAGE_SURFACE, 2, 2, NULL, 0);
  im.surface_id = 3;
  decode_fails (canvas, &im, TRUE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED, "surface 3");
  pixman_image_unref (decode_ok (canvas, &im, FALSE));
  im.surface_id = 4;
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "surface 4");
  /* A cached image that is not 1-bit is no mask. */
  im = bitmap (9, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, TETHER_SPICE_BITMAP_FMT_32BIT, 0, 2, 2, 8, data, NULL);
  pixman_image_unref (decode_ok (canvas, &im, FALSE));
  im = blob (9, 0, TETHER_SPICE_IMAGE_FROM_CACHE, 2, 2, NULL, 0);
  decode_fails (canvas, &im, TRUE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "not 1-bit");
  /* QUIC garbage is the codec's protocol error, naming the image. */
  im = blob (10, 0, TETHER_SPICE_IMAGE_QUIC, 2, 2, data, 40);
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "image 10");
}

/* ---- palettes ------------------------------------------------------------- */

static void
test_palette_cache (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  TetherSpicePaletteCache *palettes = tether_spice_canvas_get_palette_cache (canvas);
  TetherSpicePalette pal = { .unique = 0x55, .n_ents = 2, .ents = { 0x123456, 0xabcdef } };
  static const guint8 idx[] = { 1, 0, 0, 0 };
  TetherSpiceImage im = bitmap (1, 0, TETHER_SPICE_BITMAP_FMT_8BIT, TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME,
                                1, 1, 4, idx, &pal);
  pixman_image_t *out;
  g_autoptr(TetherSpicePaletteCache) own = tether_spice_palette_cache_new ();

  out = decode_ok (canvas, &im, FALSE);
  pixman_image_unref (out);
  g_assert_nonnull (tether_spice_palette_cache_lookup (palettes, 0x55));
  /* The next image names it by id. */
  im = bitmap (2, 0, TETHER_SPICE_BITMAP_FMT_8BIT, TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE, 1, 1, 4, idx, NULL);
  im.palette_id = 0x55;
  out = decode_ok (canvas, &im, FALSE);
  g_assert_cmphex (img_px (out, 0, 0) & 0xffffff, ==, 0xabcdef);
  pixman_image_unref (out);
  /* INVAL_PALETTE drops it. */
  tether_spice_canvas_inval_palette (canvas, 0x55);
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "not cached");
  tether_spice_palette_cache_put (palettes, &pal);
  tether_spice_canvas_inval_all_palettes (canvas);
  g_assert_cmpuint (tether_spice_palette_cache_get_n_entries (palettes), ==, 0);

  /* The cache keeps at most 256 palettes, dropping the oldest. */
  for (guint64 i = 0; i < TETHER_SPICE_PALETTE_CACHE_MAX + 10; i++)
    {
      pal.unique = i;
      pal.ents[0] = (guint32) i;
      tether_spice_palette_cache_put (own, &pal);
    }
  g_assert_cmpuint (tether_spice_palette_cache_get_n_entries (own), ==, TETHER_SPICE_PALETTE_CACHE_MAX);
  g_assert_null (tether_spice_palette_cache_lookup (own, 9));
  g_assert_cmphex (tether_spice_palette_cache_lookup (own, 10)->ents[0], ==, 10);
  /* Putting an id again replaces it. */
  pal.unique = 10;
  pal.ents[0] = 0xfeed;
  tether_spice_palette_cache_put (own, &pal);
  g_assert_cmphex (tether_spice_palette_cache_lookup (own, 10)->ents[0], ==, 0xfeed);
  g_assert_cmpuint (tether_spice_palette_cache_get_n_entries (own), ==, TETHER_SPICE_PALETTE_CACHE_MAX);
  tether_spice_palette_cache_remove (own, 10);
  g_assert_null (tether_spice_palette_cache_lookup (own, 10));
}

/* For a 16-bit destination the palette entries are x1r5g5b5. */
static void
test_palette_16bit_surface (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 2, 1, TETHER_SPICE_SURFACE_FMT_16_555);
  TMsg m;
  gsize src, pal;
  g_autoptr(GBytes) b = NULL;

  tm_init (&m);
  tm_base (&m, 0, 0, 0, 2, 1);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 2, 1);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, 0);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  tm_descriptor (&m, 1, TETHER_SPICE_IMAGE_BITMAP, 0, 2, 1);
  tm_u8 (&m, TETHER_SPICE_BITMAP_FMT_8BIT);
  tm_u8 (&m, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN);
  tm_u32 (&m, 2);
  tm_u32 (&m, 1);
  tm_u32 (&m, 2);
  pal = tm_ptr (&m);
  tm_u8 (&m, 0);
  tm_u8 (&m, 1);
  tm_here (&m, pal);
  tm_u64 (&m, 9);
  tm_u16 (&m, 2);
  tm_u32 (&m, 0x7c00);
  tm_u32 (&m, 0x03ff);
  b = tm_finish (&m);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, b);
  g_assert_cmphex (ct_get (canvas, 0, 0, 0), ==, 0x7c00);
  g_assert_cmphex (ct_get (canvas, 0, 1, 0), ==, 0x03ff);
}

/* ---- the image cache ------------------------------------------------------ */

static pixman_image_t *
solid_image (guint w, guint h, guint32 color)
{
  pixman_image_t *image = pixman_image_create_bits (PIXMAN_x8r8g8b8, w, h, NULL, 0);

  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      ((guint32 *) ((guint8 *) pixman_image_get_data (image) + y * pixman_image_get_stride (image)))[x] = color;
  return image;
}

static void
test_image_cache (void)
{
  g_autoptr(TetherSpiceImageCache) cache = tether_spice_image_cache_new (100);
  pixman_image_t *a = solid_image (5, 8, 1), *b = solid_image (5, 8, 2), *c = solid_image (5, 8, 3);
  pixman_image_t *big = solid_image (11, 10, 4);
  pixman_image_t *got;
  gboolean lossy;

  /* Puts, a second put of an id counts a reference. */
  tether_spice_image_cache_put (cache, 1, a, FALSE);
  tether_spice_image_cache_put (cache, 1, b, FALSE);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 1), ==, 2);
  got = tether_spice_image_cache_lookup (cache, 1, FALSE, &lossy);
  g_assert_true (got == a);   /* the first pixels stay */
  g_assert_false (lossy);
  pixman_image_unref (got);
  g_assert_cmpuint (tether_spice_image_cache_get_pixels (cache), ==, 40);
  tether_spice_image_cache_remove (cache, 1);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 1), ==, 1);
  tether_spice_image_cache_remove (cache, 1);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 1), ==, 0);
  g_assert_null (tether_spice_image_cache_lookup (cache, 1, FALSE, NULL));
  tether_spice_image_cache_remove (cache, 12345);   /* unknown: ignored */

  /* Lossy entries do for FROM_CACHE, not for FROM_CACHE_LOSSLESS, until
   * replaced; the replacement keeps the reference count. */
  tether_spice_image_cache_put (cache, 2, a, TRUE);
  tether_spice_image_cache_put (cache, 2, a, TRUE);
  got = tether_spice_image_cache_lookup (cache, 2, FALSE, &lossy);
  g_assert_true (lossy);
  pixman_image_unref (got);
  g_assert_null (tether_spice_image_cache_lookup (cache, 2, TRUE, &lossy));
  g_assert_true (lossy);
  g_assert_true (tether_spice_image_cache_replace (cache, 2, b));
  got = tether_spice_image_cache_lookup (cache, 2, TRUE, &lossy);
  g_assert_true (got == b);
  g_assert_false (lossy);
  pixman_image_unref (got);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 2), ==, 2);
  g_assert_false (tether_spice_image_cache_replace (cache, 3, b));

  /* Budget: 100 pixels. 2 (40) + 3 (40) fit; 4 evicts the least
   * recently used, which is 2 unless it was just used. */
  tether_spice_image_cache_put (cache, 3, c, FALSE);
  got = tether_spice_image_cache_lookup (cache, 2, FALSE, NULL);
  pixman_image_unref (got);
  tether_spice_image_cache_put (cache, 4, a, FALSE);
  g_assert_cmpuint (tether_spice_image_cache_get_n_entries (cache), ==, 2);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 3), ==, 0);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 2), ==, 2);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 4), ==, 1);
  g_assert_cmpuint (tether_spice_image_cache_get_pixels (cache), ==, 80);
  /* An image larger than the whole budget is not kept. */
  tether_spice_image_cache_put (cache, 5, big, FALSE);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 5), ==, 0);
  g_assert_cmpuint (tether_spice_image_cache_get_n_entries (cache), ==, 2);
  /* A smaller budget evicts at once. */
  tether_spice_image_cache_set_max_pixels (cache, 40);
  g_assert_cmpuint (tether_spice_image_cache_get_n_entries (cache), ==, 1);
  g_assert_cmpuint (tether_spice_image_cache_get_max_pixels (cache), ==, 40);
  tether_spice_image_cache_clear (cache);
  g_assert_cmpuint (tether_spice_image_cache_get_n_entries (cache), ==, 0);
  g_assert_cmpuint (tether_spice_image_cache_get_pixels (cache), ==, 0);

  pixman_image_unref (a);
  pixman_image_unref (b);
  pixman_image_unref (c);
  pixman_image_unref (big);
}

/* Through the pipeline: CACHE_ME, FROM_CACHE, misses that wait, lossy
 * JPEG entries upgraded by CACHE_REPLACE_ME, INVAL_LIST, two canvases
 * sharing one cache. */
static GBytes *encode_jpeg (guint w, guint h, guint32 color);

static void
test_pipeline_cache (void)
{
  g_autoptr(TetherSpiceImageCache) shared = tether_spice_image_cache_new (1 << 20);
  g_autoptr(TetherSpiceCanvas) one = tether_spice_canvas_new (shared, NULL);
  g_autoptr(TetherSpiceCanvas) two = tether_spice_canvas_new (shared, NULL);
  static const guint8 px[] = { 1, 2, 3, 0,  4, 5, 6, 0 };
  g_autoptr(GBytes) jpeg = encode_jpeg (2, 1, 0x808080);
  TetherSpiceImage cached = bitmap (900, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, TETHER_SPICE_BITMAP_FMT_32BIT,
                                    TETHER_SPICE_BITMAP_FLAG_TOP_DOWN, 2, 1, 8, px, NULL);
  TetherSpiceImage from = blob (900, 0, TETHER_SPICE_IMAGE_FROM_CACHE, 2, 1, NULL, 0);
  TetherSpiceImage from_lossless = blob (901, 0, TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS, 2, 1, NULL, 0);
  TetherSpiceImage lossy = blob (901, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, TETHER_SPICE_IMAGE_JPEG, 2, 1,
                                 g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  TetherSpiceImage replace = bitmap (901, TETHER_SPICE_IMAGE_FLAG_CACHE_REPLACE_ME,
                                     TETHER_SPICE_BITMAP_FMT_32BIT, TETHER_SPICE_BITMAP_FLAG_TOP_DOWN,
                                     2, 1, 8, px, NULL);
  TetherSpiceImage lossy_replace = lossy;
  TetherSpiceImageWait wait = { 0 };
  TetherSpiceMsgInvalList list = { 1, (TetherSpiceResourceId[]) { { TETHER_SPICE_RES_PIXMAP, 900 } } };
  g_autoptr(GError) error = NULL;
  pixman_image_t *out;

  /* A miss waits, naming the id. */
  g_assert_null (tether_spice_canvas_decode_image (one, &from, FALSE, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpint (wait.kind, ==, TETHER_SPICE_IMAGE_WAIT_CACHE);
  g_assert_cmpuint (wait.id, ==, 900);
  g_clear_error (&error);

  /* Channel one caches it; channel two finds it. */
  pixman_image_unref (decode_ok (one, &cached, FALSE));
  out = decode_ok (two, &from, FALSE);
  g_assert_cmphex (img_px (out, 1, 0) & 0xffffff, ==, 0x060504);
  pixman_image_unref (out);
  pixman_image_unref (decode_ok (two, &cached, FALSE));
  g_assert_cmpuint (tether_spice_image_cache_get_refs (shared, 900), ==, 2);
  tether_spice_canvas_inval_list (one, &list);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (shared, 900), ==, 1);
  tether_spice_canvas_inval_list (two, &list);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (shared, 900), ==, 0);

  /* JPEG is cached lossy: FROM_CACHE takes it, FROM_CACHE_LOSSLESS waits. */
  pixman_image_unref (decode_ok (one, &lossy, FALSE));
  from_lossless.type = TETHER_SPICE_IMAGE_FROM_CACHE;
  pixman_image_unref (decode_ok (two, &from_lossless, FALSE));
  from_lossless.type = TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS;
  g_assert_null (tether_spice_canvas_decode_image (two, &from_lossless, FALSE, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpint (wait.kind, ==, TETHER_SPICE_IMAGE_WAIT_CACHE_LOSSLESS);
  g_assert_cmpuint (wait.id, ==, 901);
  g_clear_error (&error);
  /* A lossy image cannot replace; a lossless one can. */
  lossy_replace.flags = TETHER_SPICE_IMAGE_FLAG_CACHE_REPLACE_ME;
  g_assert_null (tether_spice_canvas_decode_image (one, &lossy_replace, FALSE, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  pixman_image_unref (decode_ok (one, &replace, FALSE));
  out = decode_ok (two, &from_lossless, FALSE);
  g_assert_cmphex (img_px (out, 0, 0) & 0xffffff, ==, 0x030201);
  pixman_image_unref (out);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (shared, 901), ==, 1);

  tether_spice_canvas_inval_all_pixmaps (two);
  g_assert_cmpuint (tether_spice_image_cache_get_n_entries (shared), ==, 0);
}

/* ---- compressed images ----------------------------------------------------- */

static GBytes *
encode_jpeg (guint w, guint h, guint32 color)
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
  c.input_components = 3;
  c.in_color_space = JCS_RGB;
  jpeg_set_defaults (&c);
  jpeg_set_quality (&c, 100, TRUE);
  jpeg_start_compress (&c, TRUE);
  for (guint x = 0; x < w; x++)
    {
      row[3 * x] = color >> 16;
      row[3 * x + 1] = color >> 8;
      row[3 * x + 2] = color;
    }
  while (c.next_scanline < h)
    {
      JSAMPROW rp = row;

      jpeg_write_scanlines (&c, &rp, 1);
    }
  jpeg_finish_compress (&c);
  jpeg_destroy_compress (&c);
  bytes = g_bytes_new (out, out_len);
  free (out);
  return bytes;
}

static guint32 *
test_units (guint n, guint32 seed)
{
  guint32 *u = g_new (guint32, n);

  for (guint i = 0; i < n; i++)
    u[i] = (i * 0x01020304u + seed * 0x9e3779b9u) & 0xffffff;
  return u;
}

static void
test_lz (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  const guint w = 7, h = 5;
  g_autofree guint32 *units = test_units (w * h, 1);
  g_autofree guint32 *alpha = test_units (w * h, 2);
  g_autoptr(GByteArray) rgb = g_byte_array_new ();
  g_autoptr(GByteArray) rgba = g_byte_array_new ();
  g_autoptr(GByteArray) plt = g_byte_array_new ();
  guint32 idx[7 * 5];
  TetherSpicePalette pal = { .unique = 3, .n_ents = 4, .ents = { 0x111111, 0x222222, 0x333333, 0x444444 } };
  TetherSpiceImage im;
  pixman_image_t *out;

  /* LZ_RGB, RGB32, top-down. */
  test_lz_put_header (rgb, TETHER_LZ_TYPE_RGB32, w, h, w * 4, 1);
  test_lz_encode_pass (rgb, &test_lz_coding_rgb32, units, w * h, w, TEST_LZ_MATCHES);
  im = blob (1, 0, TETHER_SPICE_IMAGE_LZ_RGB, w, h, rgb->data, rgb->len);
  out = decode_ok (canvas, &im, FALSE);
  g_assert_cmpuint (pixman_image_get_format (out), ==, PIXMAN_x8r8g8b8);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      g_assert_cmphex (img_px (out, x, y) & 0xffffff, ==, units[y * w + x]);
  pixman_image_unref (out);

  /* LZ_RGB, RGBA (two passes), bottom-up: ARGB. */
  for (guint i = 0; i < w * h; i++)
    alpha[i] &= 0xff;
  test_lz_put_header (rgba, TETHER_LZ_TYPE_RGBA, w, h, w * 4, 0);
  test_lz_encode_pass (rgba, &test_lz_coding_rgb32, units, w * h, w, TEST_LZ_MATCHES);
  test_lz_encode_pass (rgba, &test_lz_coding_byte, alpha, w * h, w, TEST_LZ_MATCHES);
  im = blob (2, 0, TETHER_SPICE_IMAGE_LZ_RGB, w, h, rgba->data, rgba->len);
  out = decode_ok (canvas, &im, FALSE);
  g_assert_cmpuint (pixman_image_get_format (out), ==, PIXMAN_a8r8g8b8);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        guint i = (h - 1 - y) * w + x;

        g_assert_cmphex (img_px (out, x, y), ==, alpha[i] << 24 | units[i]);
      }
  pixman_image_unref (out);

  /* LZ_PLT, PLT8, the palette from the image (and cached). */
  for (guint i = 0; i < w * h; i++)
    idx[i] = i % 4;
  test_lz_put_header (plt, TETHER_LZ_TYPE_PLT8, w, h, w, 1);
  test_lz_encode_pass (plt, &test_lz_coding_byte, idx, w * h, w, TEST_LZ_MATCHES);
  im = blob (3, 0, TETHER_SPICE_IMAGE_LZ_PLT, w, h, plt->data, plt->len);
  im.palette = &pal;
  im.bitmap_flags = TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME;
  out = decode_ok (canvas, &im, FALSE);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      g_assert_cmphex (img_px (out, x, y) & 0xffffff, ==, pal.ents[(y * w + x) % 4]);
  pixman_image_unref (out);
  g_assert_nonnull (tether_spice_palette_cache_lookup (tether_spice_canvas_get_palette_cache (canvas), 3));
  /* LZ_PLT needs a palette. */
  im.palette = NULL;
  im.bitmap_flags = 0;
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "palette");
}

/* A one-line GLZ image: a pixel from @dist images back (0: none), then
 * literals. */
static GByteArray *
glz_line (guint64 id, guint w, guint64 dist, guint32 seed)
{
  GByteArray *s = g_byte_array_new ();
  g_autofree guint32 *units = test_units (w, seed);

  test_glz_put_header (s, TETHER_LZ_TYPE_RGB32, TRUE, w, 1, w * 4, id, 10);
  if (dist != 0)
    {
      test_glz_put_match (s, &test_lz_coding_rgb32, dist, 0, 2);
      test_lz_put_literals (s, &test_lz_coding_rgb32, units + 2, w - 2);
    }
  else
    test_lz_put_literals (s, &test_lz_coding_rgb32, units, w);
  return s;
}

static void
test_glz_wait (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  g_autoptr(GByteArray) a = glz_line (1, 4, 0, 11);
  g_autoptr(GByteArray) b = glz_line (2, 4, 1, 12);
  g_autofree guint32 *ua = test_units (4, 11);
  g_autofree guint32 *ub = test_units (4, 12);
  TetherSpiceImage ia = blob (101, 0, TETHER_SPICE_IMAGE_GLZ_RGB, 4, 1, a->data, a->len);
  TetherSpiceImage ib = blob (102, 0, TETHER_SPICE_IMAGE_GLZ_RGB, 4, 1, b->data, b->len);
  TetherSpiceImageWait wait = { 0 };
  g_autoptr(GError) error = NULL;
  pixman_image_t *out;

  /* B copies from A, which another channel has not delivered: wait. */
  g_assert_null (tether_spice_canvas_decode_image (canvas, &ib, FALSE, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpint (wait.kind, ==, TETHER_SPICE_IMAGE_WAIT_GLZ);
  g_assert_cmpuint (wait.id, ==, 1);
  g_clear_error (&error);
  g_assert_false (tether_glz_window_has_image (tether_spice_canvas_get_glz_window (canvas), 2));
  pixman_image_unref (decode_ok (canvas, &ia, FALSE));
  out = decode_ok (canvas, &ib, FALSE);
  g_assert_cmphex (img_px (out, 0, 0) & 0xffffff, ==, ua[0]);
  g_assert_cmphex (img_px (out, 1, 0) & 0xffffff, ==, ua[1]);
  g_assert_cmphex (img_px (out, 3, 0) & 0xffffff, ==, ub[3]);
  pixman_image_unref (out);
  g_assert_true (tether_glz_window_has_image (tether_spice_canvas_get_glz_window (canvas), 2));
}

/* An operation with two GLZ images whose second must wait: the retry
 * does not add the first to the window again, and the first attempt
 * drew nothing and cached nothing. */
static void
test_glz_retry (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 1, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GByteArray) c = glz_line (3, 4, 0, 13);
  g_autoptr(GByteArray) d = glz_line (6, 4, 1, 14);   /* from image 5 */
  g_autoptr(GByteArray) e = glz_line (5, 4, 0, 15);
  g_autofree guint32 *uc = test_units (4, 13);
  g_autofree guint32 *ud = test_units (4, 14);
  g_autofree guint32 *ue = test_units (4, 15);
  TetherSpiceImage ie = blob (105, 0, TETHER_SPICE_IMAGE_GLZ_RGB, 4, 1, e->data, e->len);
  TMsg m;
  gsize src, pat;
  g_autoptr(GBytes) msg = NULL;
  TetherSpiceImageWait wait = { 0 };
  g_autoptr(GError) error = NULL;

  /* ROP3 0xCA: (P & S) | (~P & D), source C (CACHE_ME), pattern D. */
  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 1);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 1);
  tm_u8 (&m, TETHER_SPICE_BRUSH_PATTERN);
  pat = tm_ptr (&m);
  tm_point (&m, 0, 0);
  tm_u8 (&m, 0xca);
  tm_u8 (&m, 1);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  tm_descriptor (&m, 103, TETHER_SPICE_IMAGE_GLZ_RGB, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 4, 1);
  tm_u32 (&m, c->len);
  tm_bytes (&m, c->data, c->len);
  tm_here (&m, pat);
  tm_descriptor (&m, 106, TETHER_SPICE_IMAGE_GLZ_RGB, 0, 4, 1);
  tm_u32 (&m, d->len);
  tm_bytes (&m, d->data, d->len);
  msg = tm_finish (&m);

  for (guint x = 0; x < 4; x++)
    ct_set (canvas, 0, x, 0, 0x5a5a5a);
  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3, msg, NULL, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpint (wait.kind, ==, TETHER_SPICE_IMAGE_WAIT_GLZ);
  g_assert_cmpuint (wait.id, ==, 5);
  g_clear_error (&error);
  g_assert_true (tether_glz_window_has_image (tether_spice_canvas_get_glz_window (canvas), 3));
  g_assert_cmpuint (tether_spice_image_cache_get_refs (tether_spice_canvas_get_image_cache (canvas), 103), ==, 0);
  for (guint x = 0; x < 4; x++)
    g_assert_cmphex (ct_get (canvas, 0, x, 0) & 0xffffff, ==, 0x5a5a5a);

  /* Image 5 arrives (through another channel); the retry draws. */
  pixman_image_unref (decode_ok (canvas, &ie, FALSE));
  ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3, msg, NULL, &wait, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (tether_spice_canvas_get_image_cache (canvas), 103), ==, 1);
  for (guint x = 0; x < 4; x++)
    {
      guint32 p = x < 2 ? ue[x] : ud[x];
      guint32 want = ((p & uc[x]) | (~p & 0x5a5a5a)) & 0xffffff;

      g_assert_cmphex (ct_get (canvas, 0, x, 0) & 0xffffff, ==, want);
    }
  /* A third attempt at the same message is a protocol error: image 3 is
   * in the window already and nothing remembers it any more. */
  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3, msg, NULL, &wait, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
}

static void
test_other_codecs (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = tether_spice_canvas_new (NULL, NULL);
  const guint w = 6, h = 4;
  g_autofree guint32 *units = test_units (w * h, 21);
  g_autoptr(GByteArray) glz = g_byte_array_new ();
  g_autoptr(GByteArray) lz4 = g_byte_array_new ();
  g_autoptr(GByteArray) alpha = g_byte_array_new ();
  g_autoptr(GBytes) jpeg = encode_jpeg (w, h, 0x4080c0);
  g_autoptr(GByteArray) ja = g_byte_array_new ();
  g_autoptr(QuicTestImage) quic = quic_test_image_new (TETHER_QUIC_TYPE_RGB32, w, h);
  g_autoptr(GBytes) quic_bytes = NULL;
  g_autofree guint8 *quic_expected = NULL;
  guint8 raw[6 * 4 * 4];
  guint32 alpha_units[6 * 4];
  uLongf zlen = 1024;
  guint8 zbuf[1024];
  TetherSpiceImage im;
  pixman_image_t *out;

  /* ZLIB_GLZ_RGB: a GLZ stream inside zlib. */
  test_glz_put_header (glz, TETHER_LZ_TYPE_RGB32, TRUE, w, h, w * 4, 40, 10);
  test_lz_put_literals (glz, &test_lz_coding_rgb32, units, w * h);
  g_assert_cmpint (compress2 (zbuf, &zlen, glz->data, glz->len, 9), ==, Z_OK);
  im = blob (1, 0, TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB, w, h, zbuf, zlen);
  im.glz_data_size = glz->len;
  out = decode_ok (canvas, &im, FALSE);
  for (guint i = 0; i < w * h; i++)
    g_assert_cmphex (img_px (out, i % w, i / w) & 0xffffff, ==, units[i]);
  pixman_image_unref (out);
  g_assert_true (tether_glz_window_has_image (tether_spice_canvas_get_glz_window (canvas), 40));

  /* LZ4: top_down, 32BIT, one block. */
  for (guint i = 0; i < w * h; i++)
    {
      raw[4 * i] = units[i] & 0xff;
      raw[4 * i + 1] = (units[i] >> 8) & 0xff;
      raw[4 * i + 2] = units[i] >> 16;
      raw[4 * i + 3] = 0;
    }
  {
    char block[256];
    int n = LZ4_compress_default ((const char *) raw, block, sizeof raw, sizeof block);
    guint8 head[6] = { 1, 8, (guint8) (n >> 24), (guint8) (n >> 16), (guint8) (n >> 8), (guint8) n };

    g_assert_cmpint (n, >, 0);
    g_byte_array_append (lz4, head, 6);
    g_byte_array_append (lz4, (const guint8 *) block, n);
  }
  im = blob (2, 0, TETHER_SPICE_IMAGE_LZ4, w, h, lz4->data, lz4->len);
  out = decode_ok (canvas, &im, FALSE);
  for (guint i = 0; i < w * h; i++)
    g_assert_cmphex (img_px (out, i % w, i / w) & 0xffffff, ==, units[i]);
  pixman_image_unref (out);

  /* JPEG: a flat color survives within a few levels. */
  im = blob (3, 0, TETHER_SPICE_IMAGE_JPEG, w, h, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  out = decode_ok (canvas, &im, FALSE);
  for (guint i = 0; i < w * h; i++)
    {
      guint32 p = img_px (out, i % w, i / w);

      g_assert_cmpint (ABS ((gint) ((p >> 16) & 0xff) - 0x40), <=, 3);
      g_assert_cmpint (ABS ((gint) ((p >> 8) & 0xff) - 0x80), <=, 3);
      g_assert_cmpint (ABS ((gint) (p & 0xff) - 0xc0), <=, 3);
    }
  pixman_image_unref (out);

  /* JPEG_ALPHA: the JPEG, then an LZ XXXA alpha plane. */
  for (guint i = 0; i < w * h; i++)
    alpha_units[i] = (i * 10) & 0xff;
  test_lz_put_header (alpha, TETHER_LZ_TYPE_XXXA, w, h, w * 4, 1);
  test_lz_encode_pass (alpha, &test_lz_coding_byte, alpha_units, w * h, w, TEST_LZ_MATCHES);
  g_byte_array_append (ja, g_bytes_get_data (jpeg, NULL), g_bytes_get_size (jpeg));
  g_byte_array_append (ja, alpha->data, alpha->len);
  im = blob (4, 0, TETHER_SPICE_IMAGE_JPEG_ALPHA, w, h, ja->data, ja->len);
  im.jpeg_size = g_bytes_get_size (jpeg);
  im.jpeg_alpha_flags = TETHER_SPICE_JPEG_ALPHA_FLAG_TOP_DOWN;
  out = decode_ok (canvas, &im, FALSE);
  g_assert_cmpuint (pixman_image_get_format (out), ==, PIXMAN_a8r8g8b8);
  for (guint i = 0; i < w * h; i++)
    g_assert_cmpuint (img_px (out, i % w, i / w) >> 24, ==, alpha_units[i]);
  pixman_image_unref (out);

  /* QUIC, through the test encoder. */
  for (guint c = 0; c < 3; c++)
    for (guint i = 0; i < w * h; i++)
      quic->planes[c][i] = (guint8) (i * (c + 3) + c * 40);
  quic_bytes = quic_test_encode (quic);
  quic_expected = quic_test_image_expected (quic);
  im = blob (5, 0, TETHER_SPICE_IMAGE_QUIC, w, h, g_bytes_get_data (quic_bytes, NULL),
             g_bytes_get_size (quic_bytes));
  out = decode_ok (canvas, &im, FALSE);
  for (guint i = 0; i < w * h; i++)
    {
      guint32 want = (guint32) quic_expected[4 * i + 2] << 16 | (guint32) quic_expected[4 * i + 1] << 8 |
                     quic_expected[4 * i];

      g_assert_cmphex (img_px (out, i % w, i / w) & 0xffffff, ==, want);
    }
  pixman_image_unref (out);

  /* A size that is not the descriptor's is refused by the codec. */
  im = blob (6, 0, TETHER_SPICE_IMAGE_QUIC, w + 1, h, g_bytes_get_data (quic_bytes, NULL),
             g_bytes_get_size (quic_bytes));
  decode_fails (canvas, &im, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, NULL);
}

/* ---- touching -------------------------------------------------------------- */

/* Operations that draw nothing still decode the images the caches and the
 * GLZ window need; a WOULD_BLOCK caches nothing. */
static void
test_touch (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 4, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  TetherSpiceImageCache *cache = tether_spice_canvas_get_image_cache (canvas);
  const guint32 px[4] = { 1, 2, 3, 4 };
  static const guint8 bits[4] = { 1, 1, 0, 1 };
  g_autoptr(GByteArray) glz = glz_line (60, 4, 0, 3);
  TMsg m;
  gsize src, pat, mask, pal;
  g_autoptr(GBytes) clipped = NULL, blackness = NULL, blocked = NULL, mask_msg = NULL;
  TetherSpiceImageWait wait = { 0 };
  g_autoptr(GError) error = NULL;

  /* A COPY clipped away entirely, whose GLZ source must reach the window
   * and be cached. */
  tm_init (&m);
  tm_u32 (&m, 0);
  tm_rect (&m, 0, 0, 4, 4);
  tm_u8 (&m, TETHER_SPICE_CLIP_RECTS);
  tm_u32 (&m, 1);
  tm_rect (&m, 10, 10, 20, 20);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 4, 1);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, 0);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, src);
  tm_descriptor (&m, 600, TETHER_SPICE_IMAGE_GLZ_RGB, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 4, 1);
  tm_u32 (&m, glz->len);
  tm_bytes (&m, glz->data, glz->len);
  clipped = tm_finish (&m);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, clipped);
  g_assert_true (tether_glz_window_has_image (tether_spice_canvas_get_glz_window (canvas), 60));
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 600), ==, 1);

  /* A FILL with BLACKNESS does not use its pattern brush, whose image and
   * palette are still cached. */
  tm_init (&m);
  tm_base (&m, 0, 0, 0, 4, 4);
  tm_u8 (&m, TETHER_SPICE_BRUSH_PATTERN);
  pat = tm_ptr (&m);
  tm_point (&m, 0, 0);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_BLACKNESS);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  tm_here (&m, pat);
  tm_descriptor (&m, 601, TETHER_SPICE_IMAGE_BITMAP, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 1, 1);
  tm_u8 (&m, TETHER_SPICE_BITMAP_FMT_8BIT);
  tm_u8 (&m, TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME);
  tm_u32 (&m, 1);
  tm_u32 (&m, 1);
  tm_u32 (&m, 1);
  pal = tm_ptr (&m);
  tm_u8 (&m, 0);
  tm_here (&m, pal);
  tm_u64 (&m, 0x600);
  tm_u16 (&m, 1);
  tm_u32 (&m, 0xffffff);
  blackness = tm_finish (&m);
  for (guint i = 0; i < 16; i++)
    ct_set (canvas, 0, i % 4, i / 4, 0x777777);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, blackness);
  g_assert_cmphex (ct_get (canvas, 0, 2, 2) & 0xffffff, ==, 0);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 601), ==, 1);
  g_assert_nonnull (tether_spice_palette_cache_lookup (tether_spice_canvas_get_palette_cache (canvas), 0x600));

  /* A COPY whose source is to be cached but whose mask is not there yet:
   * it waits, caching nothing and drawing nothing. */
  tm_init (&m);
  tm_base (&m, 0, 0, 0, 2, 2);
  src = tm_ptr (&m);
  tm_rect (&m, 0, 0, 2, 2);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, 0);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  mask = tm_ptr (&m);
  tm_here (&m, src);
  tm_bitmap32 (&m, 602, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 2, 2, px);
  tm_here (&m, mask);
  tm_descriptor (&m, 603, TETHER_SPICE_IMAGE_FROM_CACHE, 0, 2, 2);
  blocked = tm_finish (&m);
  g_assert_false (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, blocked, NULL, &wait, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpint (wait.kind, ==, TETHER_SPICE_IMAGE_WAIT_CACHE);
  g_assert_cmpuint (wait.id, ==, 603);
  g_clear_error (&error);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 602), ==, 0);
  g_assert_cmphex (ct_get (canvas, 0, 0, 0) & 0xffffff, ==, 0);

  /* The mask arrives (cached by an INVERS with a CACHE_ME mask). */
  tm_init (&m);
  tm_base (&m, 0, 3, 3, 4, 4);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  mask = tm_ptr (&m);
  tm_here (&m, mask);
  tm_mask_bitmap (&m, 603, TETHER_SPICE_IMAGE_FLAG_CACHE_ME, 2, 2, bits);
  mask_msg = tm_finish (&m);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS, mask_msg);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 603), ==, 1);
  g_assert_true (ct_draw_full (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_COPY, blocked, NULL, &wait, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_spice_image_cache_get_refs (cache, 602), ==, 1);
  for (guint y = 0; y < 2; y++)
    for (guint x = 0; x < 2; x++)
      g_assert_cmphex (ct_get (canvas, 0, x, y) & 0xffffff, ==, bits[y * 2 + x] ? px[y * 2 + x] : 0);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/canvas/images/bitmap-formats", test_bitmap_formats);
  g_test_add_func ("/spice/canvas/images/bitmap-orientation", test_bitmap_orientation);
  g_test_add_func ("/spice/canvas/images/bitmap-errors", test_bitmap_errors);
  g_test_add_func ("/spice/canvas/images/palette-cache", test_palette_cache);
  g_test_add_func ("/spice/canvas/images/palette-16bit", test_palette_16bit_surface);
  g_test_add_func ("/spice/canvas/images/image-cache", test_image_cache);
  g_test_add_func ("/spice/canvas/images/pipeline-cache", test_pipeline_cache);
  g_test_add_func ("/spice/canvas/images/lz", test_lz);
  g_test_add_func ("/spice/canvas/images/glz-wait", test_glz_wait);
  g_test_add_func ("/spice/canvas/images/glz-retry", test_glz_retry);
  g_test_add_func ("/spice/canvas/images/codecs", test_other_codecs);
  g_test_add_func ("/spice/canvas/images/touch", test_touch);
  return g_test_run ();
}
