/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>
#include <zlib.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-glz-private.h"
#include "tether-test-utils.h"
#include "codec-test-support.h"

#define PUT(out, ...) \
  G_STMT_START { \
    static const guint8 b_[] = { __VA_ARGS__ }; \
    g_byte_array_append ((out), b_, sizeof b_); \
  } G_STMT_END

/* ---- images of a GLZ sequence --------------------------------------------- */

typedef struct {
  guint64   id;
  guint     type;          /* RGB16, RGB24, RGB32 or RGBA */
  guint     width, height;
  gboolean  top_down;
  guint32   win_head_dist;
  guint32  *rgb;           /* units of the first pass */
  guint32  *alpha;         /* RGBA's second pass */
} GlzImage;

static void
glz_image_free (GlzImage *im)
{
  g_free (im->rgb);
  g_free (im->alpha);
  g_free (im);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (GlzImage, glz_image_free)

static gsize
n_pixels (const GlzImage *im)
{
  return (gsize) im->width * im->height;
}

static guint
glz_bpp (guint type)
{
  return type == TETHER_LZ_TYPE_RGB16 ? 2 : type == TETHER_LZ_TYPE_RGB24 ? 3 : 4;
}

static guint32
glz_pixel (const GlzImage *im, guint x, guint y)
{
  gsize i = (gsize) (im->top_down ? y : im->height - 1 - y) * im->width + x;

  switch (im->type)
    {
    case TETHER_LZ_TYPE_RGB16:
      return test_rgb555_to_argb (im->rgb[i]);
    case TETHER_LZ_TYPE_RGBA:
      return im->rgb[i] | im->alpha[i] << 24;
    default:
      return im->rgb[i];
    }
}

static void
assert_glz_image (const GlzImage *im, const TestDest *d)
{
  for (guint y = 0; y < im->height; y++)
    for (guint x = 0; x < im->width; x++)
      test_dest_assert_pixel (d, x, y, glz_pixel (im, x, y), im->type == TETHER_LZ_TYPE_RGBA);
  test_dest_assert_untouched_outside (d);
}

/* A new image: mostly the previous one (if any, and of the same kind),
 * with some changes, so cross-image matches occur. */
static GlzImage *
glz_image_new (guint64 id, guint type, guint w, guint h, const GlzImage *prev)
{
  GlzImage *im = g_new0 (GlzImage, 1);
  guint32 mask = type == TETHER_LZ_TYPE_RGB16 ? 0x7fff : 0xffffff;
  gsize n = (gsize) w * h;

  im->id = id;
  im->type = type;
  im->width = w;
  im->height = h;
  im->top_down = g_test_rand_bit ();
  im->rgb = g_new (guint32, n);
  im->alpha = g_new (guint32, n);
  for (gsize i = 0; i < n; i++)
    {
      guint r = g_test_rand_int_range (0, 10);

      if (prev != NULL && i < n_pixels (prev) && r < 6)
        {
          im->rgb[i] = prev->rgb[i] & mask;
          im->alpha[i] = prev->alpha[i];
        }
      else if (i > 0 && r < 8)
        {
          im->rgb[i] = im->rgb[i - 1];
          im->alpha[i] = im->alpha[i - 1];
        }
      else
        {
          im->rgb[i] = g_test_rand_int () & mask;
          im->alpha[i] = g_test_rand_int_range (0, 256);
        }
    }
  return im;
}

static const TestLzCoding *
glz_coding (guint type)
{
  return type == TETHER_LZ_TYPE_RGB16 ? &test_lz_coding_rgb16 : &test_lz_coding_rgb32;
}

/* Encodes @im against the images in @refs (same pass kinds only). */
static GByteArray *
glz_encode (const GlzImage *im, GPtrArray *refs, TestLzMode mode)
{
  GByteArray *out = g_byte_array_new ();
  g_autofree TestGlzRef *rgb_refs = g_new0 (TestGlzRef, refs->len + 1);
  g_autofree TestGlzRef *alpha_refs = g_new0 (TestGlzRef, refs->len + 1);
  guint n_refs = 0;

  for (guint i = 0; i < refs->len; i++)
    {
      const GlzImage *r = g_ptr_array_index (refs, i);

      /* Only images the decoder still holds, and whose stored pixels equal
       * these units: 24- and 32-bit literals are the same. */
      if (r->id >= im->id || r->id < im->id - MIN (im->id, im->win_head_dist))
        continue;
      if ((r->type == TETHER_LZ_TYPE_RGB16) != (im->type == TETHER_LZ_TYPE_RGB16))
        continue;
      rgb_refs[n_refs] = (TestGlzRef) { r->id, r->rgb, n_pixels (r) };
      alpha_refs[n_refs] = (TestGlzRef) { r->id, r->alpha, n_pixels (r) };
      /* A first-pass match copies whole pixels, alpha too; the alpha pass
       * of an RGBA image rewrites every alpha, and other images are shown
       * opaque, so only the colors must match. */
      n_refs++;
    }
  test_glz_put_header (out, im->type, im->top_down, im->width, im->height,
                       im->width * glz_bpp (im->type), im->id, im->win_head_dist);
  test_glz_encode_pass (out, glz_coding (im->type), im->rgb, n_pixels (im), im->width,
                        im->id, rgb_refs, n_refs, mode);
  if (im->type == TETHER_LZ_TYPE_RGBA)
    test_glz_encode_pass (out, &test_lz_coding_byte, im->alpha, n_pixels (im), im->width,
                          im->id, alpha_refs, n_refs, mode);
  return out;
}

static GBytes *
zlib_compress (const guint8 *data, gsize len)
{
  uLongf out_len = compressBound (len);
  guint8 *out = g_malloc (out_len);

  g_assert_cmpint (compress2 (out, &out_len, data, len, 6), ==, Z_OK);
  return g_bytes_new_take (out, out_len);
}

/* ---- hand-made streams ---------------------------------------------------- */

static void
test_glz_hand_made (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (TETHER_GLZ_WINDOW_DEFAULT_BYTES);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(TestDest) da = test_dest_new (4, 1, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(TestDest) db = test_dest_new (6, 1, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GError) error = NULL;
  guint64 missing = 0;

  /* Image 7: RGB32 4×1, literals P Q, then a run: ctrl = 2 << 5 (length 2,
   * short offset 0), offset byte 0, image byte 0 (no distance): 1 back. */
  test_glz_put_header (a, TETHER_LZ_TYPE_RGB32, TRUE, 4, 1, 16, 7, 0);
  PUT (a, 0x01, 0x01, 0x02, 0x03, 0x11, 0x12, 0x13, 0x40, 0x00, 0x00);
  g_assert_true (tether_glz_decode (w, a->data, a->len, &da->dest, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (da, 0, 0), ==, 0xff030201);
  g_assert_cmphex (test_dest_get_pixel (da, 1, 0), ==, 0xff131211);
  g_assert_cmphex (test_dest_get_pixel (da, 2, 0), ==, 0xff131211);
  g_assert_cmphex (test_dest_get_pixel (da, 3, 0), ==, 0xff131211);
  g_assert_true (tether_glz_window_has_image (w, 7));
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 1);
  g_assert_cmpuint (tether_glz_window_get_bytes (w), ==, 16);

  /* Image 8, 6×1: a match of 3 pixels from pixel 1 of image 7 (distance
   * 1 in the low 6 bits of the image byte), then of 3 pixels from pixel 0
   * of image 7 with the long-offset form (flag bit 4, one distance byte). */
  test_glz_put_header (b, TETHER_LZ_TYPE_RGB32, TRUE, 6, 1, 24, 8, 1);
  PUT (b, 0x61, 0x00, 0x01);
  PUT (b, 0x70, 0x00, 0x40, 0x01);
  g_assert_true (tether_glz_decode (w, b->data, b->len, &db->dest, &missing, &error));
  g_assert_no_error (error);
  for (guint x = 0; x < 3; x++)
    g_assert_cmphex (test_dest_get_pixel (db, x, 0), ==, 0xff131211);
  g_assert_cmphex (test_dest_get_pixel (db, 3, 0), ==, 0xff030201);
  g_assert_cmphex (test_dest_get_pixel (db, 4, 0), ==, 0xff131211);
  /* Image 8's win_head_dist 1 keeps image 7. */
  g_assert_true (tether_glz_window_has_image (w, 7));
  g_assert_true (tether_glz_window_has_image (w, 8));
}

static void
test_glz_rgba_alpha_pass (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (1 << 20);
  g_autoptr(GByteArray) a = g_byte_array_new ();
  g_autoptr(GByteArray) b = g_byte_array_new ();
  g_autoptr(TestDest) d = test_dest_new (3, 1, TETHER_CODEC_FORMAT_ARGB32, 0);
  g_autoptr(GError) error = NULL;

  /* Image 1 RGBA 3×1: colors X Y Z; alpha 0x10 0x20 0x30. */
  test_glz_put_header (a, TETHER_LZ_TYPE_RGBA, TRUE, 3, 1, 12, 1, 0);
  PUT (a, 0x02, 1, 1, 1, 2, 2, 2, 3, 3, 3);
  PUT (a, 0x02, 0x10, 0x20, 0x30);
  g_assert_true (tether_glz_decode (w, a->data, a->len, &d->dest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 2, 0), ==, 0x30030303);

  /* Image 2 RGBA 3×1: colors by literal; the alpha pass copies 3 alphas
   * (length 1 + bias 2) from pixel 0 of image 1: only byte 3 changes. */
  test_glz_put_header (b, TETHER_LZ_TYPE_RGBA, TRUE, 3, 1, 12, 2, 1);
  PUT (b, 0x02, 7, 7, 7, 8, 8, 8, 9, 9, 9);
  PUT (b, 0x20, 0x00, 0x01);
  g_assert_true (tether_glz_decode (w, b->data, b->len, &d->dest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 0, 0), ==, 0x10070707);
  g_assert_cmphex (test_dest_get_pixel (d, 1, 0), ==, 0x20080808);
  g_assert_cmphex (test_dest_get_pixel (d, 2, 0), ==, 0x30090909);
}

/* ---- sequences through the test encoder ----------------------------------- */

static void
run_sequence (guint type_choice, gboolean zlib, TestLzMode mode)
{
  static const guint types[] = {
    TETHER_LZ_TYPE_RGB16, TETHER_LZ_TYPE_RGB24, TETHER_LZ_TYPE_RGB32, TETHER_LZ_TYPE_RGBA,
  };
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (TETHER_GLZ_WINDOW_DEFAULT_BYTES);
  /* The same images through tether_glz_decode_shared(). */
  g_autoptr(TetherGlzWindow) ws = tether_glz_window_new (TETHER_GLZ_WINDOW_DEFAULT_BYTES);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) glz_image_free);
  guint64 first_id = g_test_rand_int_range (0, 1000);
  guint w0 = g_test_rand_int_range (1, 60), h0 = g_test_rand_int_range (1, 30);

  for (guint k = 0; k < 16; k++)
    {
      guint type = types[type_choice];
      const GlzImage *prev = images->len > 0 ? g_ptr_array_index (images, images->len - 1) : NULL;
      gboolean same = prev != NULL && g_test_rand_int_range (0, 4) != 0;
      guint width = same ? prev->width : (guint) g_test_rand_int_range (1, 60);
      guint height = same ? prev->height : (guint) g_test_rand_int_range (1, 30);
      GlzImage *im;
      g_autoptr(GByteArray) s = NULL;
      g_autoptr(TestDest) d = NULL;
      g_autoptr(GError) error = NULL;
      guint64 missing = G_MAXUINT64;
      gboolean ok, has_alpha = FALSE;
      guint32 *shared;

      if (k == 0)
        width = w0, height = h0;
      if (type == TETHER_LZ_TYPE_RGB24 && g_test_rand_bit ())
        type = TETHER_LZ_TYPE_RGB32;
      im = glz_image_new (first_id + k, type, width, height, same ? prev : NULL);
      im->win_head_dist = MIN (k, 4);
      g_ptr_array_add (images, im);
      s = glz_encode (im, images, mode);
      d = test_dest_new (width, height, k % 2 ? TETHER_CODEC_FORMAT_ARGB32 : TETHER_CODEC_FORMAT_XRGB32, k % 3);
      if (zlib)
        {
          g_autoptr(GBytes) z = zlib_compress (s->data, s->len);

          ok = tether_zlib_glz_decode (w, s->len, g_bytes_get_data (z, NULL), g_bytes_get_size (z),
                                       &d->dest, &missing, &error);
          shared = tether_zlib_glz_decode_shared (ws, s->len, g_bytes_get_data (z, NULL),
                                                  g_bytes_get_size (z), width, height,
                                                  &has_alpha, &missing, &error);
        }
      else
        {
          ok = tether_glz_decode (w, s->data, s->len, &d->dest, &missing, &error);
          shared = tether_glz_decode_shared (ws, s->data, s->len, width, height, &has_alpha,
                                             &missing, &error);
        }
      if (!ok || shared == NULL)
        g_error ("image %u (%s %u×%u): %s", k, tether_lz_type_name (type), width, height,
                 error->message);
      g_assert_cmpuint (missing, ==, G_MAXUINT64);
      assert_glz_image (im, d);
      /* The shared pixels are what a 32-bit destination gets, top-down
       * without padding, alpha 0xff for the opaque types. */
      g_assert_cmpint (has_alpha, ==, type == TETHER_LZ_TYPE_RGBA);
      for (guint y = 0; y < height; y++)
        for (guint x = 0; x < width; x++)
          g_assert_cmphex (shared[(gsize) y * width + x], ==, test_dest_get_pixel (d, x, y));
      tether_glz_pixels_unref (shared);
      g_assert_cmpuint (tether_glz_window_get_n_images (ws), ==, tether_glz_window_get_n_images (w));
      /* The server's rule keeps the last 5 images (win_head_dist 4). */
      g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, MIN (k + 1, 5));
      g_assert_true (tether_glz_window_has_image (w, im->id));
      if (k >= 5)
        g_assert_false (tether_glz_window_has_image (w, im->id - 5));
    }
}

static void
test_glz_round_trip (void)
{
  for (guint t = 0; t < 4; t++)
    for (guint round = 0; round < 4; round++)
      run_sequence (t, FALSE, round == 0 ? TEST_LZ_LITERALS_ONLY : TEST_LZ_MATCHES);
}

static void
test_zlib_glz_round_trip (void)
{
  for (guint t = 0; t < 4; t++)
    run_sequence (t, TRUE, TEST_LZ_MATCHES);
}

/* Long offsets (≥ 2^17 pixels) into a big earlier image. */
static void
test_glz_long_offsets (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (TETHER_GLZ_WINDOW_DEFAULT_BYTES);
  g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) glz_image_free);
  GlzImage *a = glz_image_new (100, TETHER_LZ_TYPE_RGB32, 600, 400, NULL);
  GlzImage *b = glz_image_new (101, TETHER_LZ_TYPE_RGB32, 600, 400, a);
  g_autoptr(TestDest) d = test_dest_new (600, 400, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GError) error = NULL;

  g_ptr_array_add (images, a);
  g_ptr_array_add (images, b);
  b->win_head_dist = 1;
  for (guint i = 0; i < 2; i++)
    {
      GlzImage *im = g_ptr_array_index (images, i);
      g_autoptr(GByteArray) s = glz_encode (im, images, TEST_LZ_MATCHES);

      g_assert_true (tether_glz_decode (w, s->data, s->len, &d->dest, NULL, &error));
      g_assert_no_error (error);
      assert_glz_image (im, d);
    }
}

/* ---- the window ------------------------------------------------------------ */

static GByteArray *
solid_image (guint64 id, guint32 win_head_dist, guint w, guint h, guint32 color)
{
  GByteArray *s = g_byte_array_new ();
  gsize n = (gsize) w * h;
  guint32 units[1] = { color };

  test_glz_put_header (s, TETHER_LZ_TYPE_RGB32, TRUE, w, h, w * 4, id, win_head_dist);
  test_lz_put_literals (s, &test_lz_coding_rgb32, units, 1);
  if (n > 1)
    test_glz_put_match (s, &test_lz_coding_rgb32, 0, 1, n - 1);
  return s;
}

/* An image whose first pixel comes from pixel @ofs of image id − dist,
 * @len pixels, then literals. */
static GByteArray *
referencing_image (guint64 id, guint32 win_head_dist, guint64 dist, gsize ofs, guint w)
{
  GByteArray *s = g_byte_array_new ();
  guint32 units[64] = { 0 };

  test_glz_put_header (s, TETHER_LZ_TYPE_RGB32, TRUE, w, 1, w * 4, id, win_head_dist);
  test_glz_put_match (s, &test_lz_coding_rgb32, dist, ofs, 2);
  test_lz_put_literals (s, &test_lz_coding_rgb32, units, w - 2);
  return s;
}

static gboolean
decode_glz (TetherGlzWindow *w, GByteArray *s, guint width, guint height,
            guint64 *missing, GError **error)
{
  g_autoptr(TestDest) d = test_dest_new (width, height, TETHER_CODEC_FORMAT_XRGB32, 0);
  gboolean ok = tether_glz_decode (w, s->data, s->len, &d->dest, missing, error);

  test_dest_assert_untouched_outside (d);
  return ok;
}

static void
test_glz_out_of_order (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (1 << 20);
  g_autoptr(GByteArray) i0 = solid_image (0, 0, 4, 4, 0x102030);
  g_autoptr(GByteArray) i1 = solid_image (1, 1, 4, 4, 0x405060);
  g_autoptr(GByteArray) i2 = referencing_image (2, 2, 1, 3, 8);
  g_autoptr(GError) error = NULL;
  guint64 missing = 0;

  g_assert_true (decode_glz (w, i0, 4, 4, NULL, &error));
  /* Image 2 uses image 1, which another channel has not delivered yet. */
  g_assert_false (decode_glz (w, i2, 8, 1, &missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
  g_assert_cmpuint (missing, ==, 1);
  g_assert_false (tether_glz_window_has_image (w, 2));
  g_clear_error (&error);
  g_assert_true (decode_glz (w, i1, 4, 4, NULL, &error));
  g_assert_true (decode_glz (w, i2, 8, 1, &missing, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 3);

  /* The same id twice is refused. */
  g_assert_false (decode_glz (w, i1, 4, 4, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
}

static void
test_glz_eviction_keep (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (1 << 20);
  g_autoptr(GError) error = NULL;

  /* Ids 10..14, each keeping the 2 before it. */
  for (guint64 id = 10; id < 15; id++)
    {
      g_autoptr(GByteArray) s = solid_image (id, id == 10 ? 0 : 2, 3, 3, id);

      g_assert_true (decode_glz (w, s, 3, 3, NULL, &error));
      g_assert_no_error (error);
    }
  g_assert_false (tether_glz_window_has_image (w, 11));
  g_assert_true (tether_glz_window_has_image (w, 12));
  g_assert_true (tether_glz_window_has_image (w, 14));
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 3);
  g_assert_cmpuint (tether_glz_window_get_bytes (w), ==, 3 * 9 * 4);

  /* A reference to an evicted image can never be met. */
  {
    g_autoptr(GByteArray) s = referencing_image (15, 5, 4, 0, 4);

    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* Nor one older than the image's own win_head_dist allows. */
  {
    g_autoptr(GByteArray) s = referencing_image (15, 1, 3, 0, 4);

    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* A gap: image 17 arrives before 16; 17's rule must not evict what 16
   * may still use until 16 is in. */
  {
    g_autoptr(GByteArray) s15 = solid_image (15, 3, 3, 3, 15);
    g_autoptr(GByteArray) s17 = solid_image (17, 0, 3, 3, 17);
    g_autoptr(GByteArray) s16 = referencing_image (16, 4, 4, 0, 4);

    g_assert_true (decode_glz (w, s15, 3, 3, NULL, &error));
    g_assert_true (decode_glz (w, s17, 3, 3, NULL, &error));
    g_assert_true (tether_glz_window_has_image (w, 12));
    g_assert_true (decode_glz (w, s16, 4, 1, NULL, &error));
    g_assert_no_error (error);
    /* Now 17 closes the gap and its win_head_dist 0 drops all before it. */
    g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 1);
    g_assert_true (tether_glz_window_has_image (w, 17));
  }
}

static void
test_glz_eviction_budget (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (3 * 100 * 4);
  g_autoptr(GError) error = NULL;

  for (guint64 id = 0; id < 6; id++)
    {
      g_autoptr(GByteArray) s = solid_image (id, id, 10, 10, id);

      g_assert_true (decode_glz (w, s, 10, 10, NULL, &error));
      g_assert_cmpuint (tether_glz_window_get_bytes (w), <=, tether_glz_window_get_max_bytes (w));
    }
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 3);
  g_assert_false (tether_glz_window_has_image (w, 2));
  g_assert_true (tether_glz_window_has_image (w, 3));

  /* Shrinking the budget evicts at once. */
  tether_glz_window_set_max_bytes (w, 100 * 4);
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 1);
  g_assert_true (tether_glz_window_has_image (w, 5));

  /* An image larger than the whole budget is shown but not kept. */
  {
    g_autoptr(GByteArray) s = solid_image (6, 6, 20, 20, 6);

    g_assert_true (decode_glz (w, s, 20, 20, NULL, &error));
    g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 0);
    g_assert_cmpuint (tether_glz_window_get_bytes (w), ==, 0);
  }
  /* A reference to what the budget evicted is a protocol error. */
  {
    g_autoptr(GByteArray) s = referencing_image (7, 7, 2, 0, 4);

    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  }

  tether_glz_window_clear (w);
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 0);
  /* After a clear ids start over. */
  {
    g_autoptr(GByteArray) s = solid_image (0, 0, 10, 10, 1);

    g_assert_true (decode_glz (w, s, 10, 10, NULL, &error));
    g_assert_true (tether_glz_window_has_image (w, 0));
  }
}

static void
test_glz_window_ref (void)
{
  TetherGlzWindow *w = tether_glz_window_new (G_MAXSIZE);

  g_assert_cmpuint (tether_glz_window_get_max_bytes (w), ==, TETHER_GLZ_WINDOW_MAX_BYTES);
  g_assert_true (tether_glz_window_ref (w) == w);
  tether_glz_window_unref (w);
  tether_glz_window_unref (w);
  tether_glz_window_unref (NULL);
}

/* ---- hostile streams --------------------------------------------------------- */

static void
test_glz_hostile (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (1 << 20);
  g_autoptr(GByteArray) base = solid_image (5, 0, 4, 4, 0xabcdef);
  g_autoptr(GError) error = NULL;

  g_assert_true (decode_glz (w, base, 4, 4, NULL, &error));

  /* Window reference out of range: image 5 has 16 pixels. */
  {
    g_autoptr(GByteArray) s = referencing_image (6, 1, 1, 15, 4);

    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
    g_byte_array_unref (s);
    s = referencing_image (6, 1, 1, 14, 4);
    g_assert_true (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_no_error (error);
  }
  /* An offset far past any image (the long form, 2^24 + 2^17). */
  {
    g_autoptr(GByteArray) s = referencing_image (7, 2, 2, (1u << 24) + (1u << 17), 4);

    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* A distance past id 0. */
  {
    g_autoptr(GByteArray) s = referencing_image (7, 7, 8, 0, 4);

    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* A GLZ id not in the window, never seen, that may still arrive. */
  {
    g_autoptr(GByteArray) s = referencing_image (1000, 1000, 10, 0, 4);
    guint64 missing = 0;

    g_assert_false (decode_glz (w, s, 4, 1, &missing, &error));
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK);
    g_assert_cmpuint (missing, ==, 990);
    g_clear_error (&error);
  }
  /* A same-image reference before the start: offset 1 at pixel 0. */
  {
    g_autoptr(GByteArray) s = g_byte_array_new ();

    test_glz_put_header (s, TETHER_LZ_TYPE_RGB32, TRUE, 4, 1, 16, 8, 0);
    test_glz_put_match (s, &test_lz_coding_rgb32, 0, 1, 4);
    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* A match past the end of the image. */
  {
    g_autoptr(GByteArray) s = g_byte_array_new ();
    guint32 u = 1;

    test_glz_put_header (s, TETHER_LZ_TYPE_RGB32, TRUE, 4, 1, 16, 8, 0);
    test_lz_put_literals (s, &test_lz_coding_rgb32, &u, 1);
    test_glz_put_match (s, &test_lz_coding_rgb32, 0, 1, 4);
    g_assert_false (decode_glz (w, s, 4, 1, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* Headers: palette type, XXXA, stride mismatch, huge, zero, bad magic,
   * unknown type bits, size unlike the descriptor, trailing bytes. */
  {
    struct {
      guint type_byte;
      guint32 width, height, stride;
      guint dest_w, dest_h;
      int code;
    } cases[] = {
      { TETHER_LZ_TYPE_PLT8, 4, 1, 4, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_XXXA, 4, 1, 16, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_A8, 4, 1, 4, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { 0, 4, 1, 16, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_RGB32, 4, 1, 12, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_RGB16, 4, 1, 16, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_RGB32, 100000, 100000, 400000, 4, 1, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
      { TETHER_LZ_TYPE_RGB32, 16384, 8192, 65536, 4, 1, TETHER_SPICE_ERROR_LIMIT_EXCEEDED },
      { TETHER_LZ_TYPE_RGB32, 0, 1, 0, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_RGB32, 4, 1, 16, 4, 2, TETHER_SPICE_ERROR_PROTOCOL },
      { TETHER_LZ_TYPE_RGB32 | 0x20, 4, 1, 16, 4, 1, TETHER_SPICE_ERROR_PROTOCOL },
    };

    for (guint i = 0; i < G_N_ELEMENTS (cases); i++)
      {
        g_autoptr(GByteArray) s = g_byte_array_new ();
        guint32 units[4] = { 1, 2, 3, 4 };

        test_glz_put_header (s, 0, FALSE, cases[i].width, cases[i].height, cases[i].stride, 9, 0);
        s->data[8] = cases[i].type_byte;
        test_lz_put_literals (s, &test_lz_coding_rgb32, units, 4);
        g_assert_false (decode_glz (w, s, cases[i].dest_w, cases[i].dest_h, NULL, &error));
        g_assert_error (error, TETHER_SPICE_ERROR, cases[i].code);
        g_test_message ("case %u: %s", i, error->message);
        g_clear_error (&error);
      }
  }
  {
    g_autoptr(GByteArray) s = solid_image (9, 0, 4, 4, 1);

    s->data[3] ^= 0xff;
    g_assert_false (decode_glz (w, s, 4, 4, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
    s->data[3] ^= 0xff;
    g_byte_array_append (s, (const guint8 *) "", 1);
    g_assert_false (decode_glz (w, s, 4, 4, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  /* Nothing failed got in. */
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 2);
}

static void
test_glz_every_prefix (void)
{
  static const guint types[] = { TETHER_LZ_TYPE_RGB16, TETHER_LZ_TYPE_RGB32, TETHER_LZ_TYPE_RGBA };

  for (guint t = 0; t < G_N_ELEMENTS (types); t++)
    {
      g_autoptr(TetherGlzWindow) w = tether_glz_window_new (1 << 20);
      g_autoptr(GPtrArray) images = g_ptr_array_new_with_free_func ((GDestroyNotify) glz_image_free);
      GlzImage *a = glz_image_new (40, types[t], 9, 4, NULL);
      GlzImage *b = glz_image_new (41, types[t], 9, 4, a);
      g_autoptr(GByteArray) sa = NULL;
      g_autoptr(GByteArray) sb = NULL;
      g_autoptr(GBytes) zb = NULL;
      g_autoptr(GError) error = NULL;

      b->win_head_dist = 1;
      g_ptr_array_add (images, a);
      g_ptr_array_add (images, b);
      sa = glz_encode (a, images, TEST_LZ_MATCHES);
      sb = glz_encode (b, images, TEST_LZ_MATCHES);
      zb = zlib_compress (sb->data, sb->len);
      g_assert_true (decode_glz (w, sa, 9, 4, NULL, &error));
      g_assert_no_error (error);

      for (gsize n = 0; n < sb->len; n++)
        {
          g_autoptr(TestDest) d = test_dest_new (9, 4, TETHER_CODEC_FORMAT_ARGB32, 1);
          g_autofree guint8 *copy = g_memdup2 (sb->data, n);

          g_assert_false (tether_glz_decode (w, copy, n, &d->dest, NULL, &error));
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
          g_clear_error (&error);
          test_dest_assert_untouched_outside (d);
        }
      for (gsize n = 0; n < g_bytes_get_size (zb); n++)
        {
          g_autoptr(TestDest) d = test_dest_new (9, 4, TETHER_CODEC_FORMAT_ARGB32, 1);
          g_autofree guint8 *copy = g_memdup2 (g_bytes_get_data (zb, NULL), n);

          g_assert_false (tether_zlib_glz_decode (w, sb->len, copy, n, &d->dest, NULL, &error));
          g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
          g_clear_error (&error);
          test_dest_assert_untouched_outside (d);
        }
      g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 1);
      {
        g_autoptr(TestDest) d = test_dest_new (9, 4, TETHER_CODEC_FORMAT_ARGB32, 1);

        g_assert_true (tether_zlib_glz_decode (w, sb->len, g_bytes_get_data (zb, NULL),
                                               g_bytes_get_size (zb), &d->dest, NULL, &error));
        g_assert_no_error (error);
        assert_glz_image (b, d);
      }
    }
}

static void
test_zlib_glz_hostile (void)
{
  g_autoptr(TetherGlzWindow) w = tether_glz_window_new (1 << 20);
  g_autoptr(GByteArray) s = solid_image (3, 0, 8, 8, 0x123456);
  g_autoptr(GBytes) z = zlib_compress (s->data, s->len);
  const guint8 *zd = g_bytes_get_data (z, NULL);
  gsize zn = g_bytes_get_size (z);
  g_autoptr(TestDest) d = test_dest_new (8, 8, TETHER_CODEC_FORMAT_XRGB32, 0);
  g_autoptr(GError) error = NULL;

  /* Declared sizes that are not the inflated size. */
  g_assert_false (tether_zlib_glz_decode (w, s->len - 1, zd, zn, &d->dest, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (tether_zlib_glz_decode (w, s->len + 1, zd, zn, &d->dest, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  g_assert_false (tether_zlib_glz_decode (w, 20, zd, zn, &d->dest, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* Over the caps: the global one, and what an 8×8 image can use. */
  g_assert_false (tether_zlib_glz_decode (w, G_MAXUINT32, zd, zn, &d->dest, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED);
  g_clear_error (&error);
  g_assert_false (tether_zlib_glz_decode (w, 100000, zd, zn, &d->dest, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  /* Not zlib; trailing bytes after the zlib stream. */
  g_assert_false (tether_zlib_glz_decode (w, s->len, s->data, s->len, &d->dest, NULL, &error));
  g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
  g_clear_error (&error);
  {
    g_autoptr(GByteArray) t = g_byte_array_new ();

    g_byte_array_append (t, zd, zn);
    g_byte_array_append (t, (const guint8 *) "x", 1);
    g_assert_false (tether_zlib_glz_decode (w, s->len, t->data, t->len, &d->dest, NULL, &error));
    g_assert_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL);
    g_clear_error (&error);
  }
  g_assert_cmpuint (tether_glz_window_get_n_images (w), ==, 0);
  g_assert_true (tether_zlib_glz_decode (w, s->len, zd, zn, &d->dest, NULL, &error));
  g_assert_no_error (error);
  g_assert_cmphex (test_dest_get_pixel (d, 7, 7), ==, 0xff123456);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/codecs/glz/hand-made", test_glz_hand_made);
  g_test_add_func ("/codecs/glz/rgba-alpha-pass", test_glz_rgba_alpha_pass);
  g_test_add_func ("/codecs/glz/round-trip", test_glz_round_trip);
  g_test_add_func ("/codecs/glz/long-offsets", test_glz_long_offsets);
  g_test_add_func ("/codecs/glz/out-of-order", test_glz_out_of_order);
  g_test_add_func ("/codecs/glz/eviction-keep", test_glz_eviction_keep);
  g_test_add_func ("/codecs/glz/eviction-budget", test_glz_eviction_budget);
  g_test_add_func ("/codecs/glz/window-ref", test_glz_window_ref);
  g_test_add_func ("/codecs/glz/hostile", test_glz_hostile);
  g_test_add_func ("/codecs/glz/every-prefix", test_glz_every_prefix);
  g_test_add_func ("/codecs/zlib-glz/round-trip", test_zlib_glz_round_trip);
  g_test_add_func ("/codecs/zlib-glz/hostile", test_zlib_glz_hostile);
  return g_test_run ();
}
