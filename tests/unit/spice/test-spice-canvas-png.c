/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Surfaces written as PNG and read back with libpng's own reader.
 */
#include "config.h"

#include <glib/gstdio.h>
#include <png.h>
#include <string.h>

#include "spice-canvas-test.h"

typedef struct {
  guint    width;
  guint    height;
  gboolean has_alpha;
  guint8  *rgba;    /* width × height × 4, straight alpha */
} Png;

static void
test_png_free (Png *p)
{
  g_free (p->rgba);
  g_free (p);
}

G_DEFINE_AUTOPTR_CLEANUP_FUNC (Png, test_png_free)

static Png *
read_png (const guint8 *data, gsize len)
{
  png_image image;
  Png *p = g_new0 (Png, 1);

  memset (&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  g_assert_true (png_image_begin_read_from_memory (&image, data, len));
  p->width = image.width;
  p->height = image.height;
  p->has_alpha = (image.format & PNG_FORMAT_FLAG_ALPHA) != 0;
  image.format = PNG_FORMAT_RGBA;
  p->rgba = g_malloc (PNG_IMAGE_SIZE (image));
  g_assert_true (png_image_finish_read (&image, NULL, p->rgba, 0, NULL));
  return p;
}

static const guint8 *
png_px (const Png *p, guint x, guint y)
{
  return p->rgba + ((gsize) y * p->width + x) * 4;
}

static void
test_png_xrgb (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 5, 3, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  g_autoptr(GBytes) png = NULL;
  g_autoptr(Png) p = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tether-png-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "primary.png", NULL);
  g_autofree char *bad = g_build_filename (dir, "no-such-dir", "x.png", NULL);
  g_autofree char *contents = NULL;
  gsize len;

  g_assert_no_error (error);
  for (guint y = 0; y < 3; y++)
    for (guint x = 0; x < 5; x++)
      /* The top byte of xRGB is no alpha: it must not leak into the PNG. */
      ct_set (canvas, 0, x, y, 0x5a000000u | (x * 50) << 16 | (y * 100) << 8 | (x + y));

  png = tether_spice_canvas_encode_png (canvas, 0, &error);
  g_assert_no_error (error);
  p = read_png (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_assert_cmpuint (p->width, ==, 5);
  g_assert_cmpuint (p->height, ==, 3);
  g_assert_false (p->has_alpha);
  for (guint y = 0; y < 3; y++)
    for (guint x = 0; x < 5; x++)
      {
        const guint8 *o = png_px (p, x, y);

        g_assert_cmpuint (o[0], ==, x * 50);
        g_assert_cmpuint (o[1], ==, y * 100);
        g_assert_cmpuint (o[2], ==, x + y);
        g_assert_cmpuint (o[3], ==, 255);
      }

  /* To a file: the same bytes. */
  g_assert_true (tether_spice_canvas_write_primary_png (canvas, path, &error));
  g_assert_no_error (error);
  g_assert_true (g_file_get_contents (path, &contents, &len, &error));
  g_assert_cmpmem (contents, len, g_bytes_get_data (png, NULL), g_bytes_get_size (png));

  /* Errors: a missing surface, a path that cannot be written, no primary. */
  g_assert_null (tether_spice_canvas_encode_png (canvas, 9, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);
  g_assert_false (tether_spice_canvas_write_png (canvas, 0, bad, &error));
  g_assert_error (error, G_FILE_ERROR, G_FILE_ERROR_NOENT);
  g_clear_error (&error);
  tether_spice_canvas_destroy_surface (canvas, 0);
  g_assert_false (tether_spice_canvas_write_primary_png (canvas, path, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);

  g_unlink (path);
  g_rmdir (dir);
}

static void
test_png_argb (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 4, 1, TETHER_SPICE_SURFACE_FMT_32_ARGB);
  /* Premultiplied pixels: opaque, half, transparent, a quarter. */
  const guint32 px[4] = { 0xff102030, 0x80402000, 0x00000000, 0x40101010 };
  g_autoptr(GBytes) png = NULL;
  g_autoptr(Png) p = NULL;
  g_autoptr(GError) error = NULL;

  for (guint x = 0; x < 4; x++)
    ct_set (canvas, 0, x, 0, px[x]);
  png = tether_spice_canvas_encode_png (canvas, 0, &error);
  g_assert_no_error (error);
  p = read_png (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  g_assert_true (p->has_alpha);
  for (guint x = 0; x < 4; x++)
    {
      guint a = px[x] >> 24;
      const guint8 *o = png_px (p, x, 0);

      g_assert_cmpuint (o[3], ==, a);
      for (guint c = 0; c < 3; c++)
        {
          guint v = (px[x] >> (16 - 8 * c)) & 0xff;
          /* Straight alpha: v × 255 / a, rounded. */
          guint want = a == 0 ? 0 : MIN ((guint) (v * 255.0 / a + 0.5), 255u);

          g_assert_cmpuint (o[c], ==, want);
        }
    }
}

static void
test_png_other_formats (void)
{
  g_autoptr(TetherSpiceCanvas) c16 = ct_canvas (0, 2, 1, TETHER_SPICE_SURFACE_FMT_16_555);
  g_autoptr(TetherSpiceCanvas) c8 = ct_canvas (0, 2, 1, TETHER_SPICE_SURFACE_FMT_8_A);
  g_autoptr(GBytes) png16 = NULL, png8 = NULL;
  g_autoptr(Png) p16 = NULL, p8 = NULL;
  g_autoptr(GError) error = NULL;

  ct_set (c16, 0, 0, 0, 0x7c00 | (16 << 5) | 1);
  ct_set (c16, 0, 1, 0, 0x7fff);
  png16 = tether_spice_canvas_encode_png (c16, 0, &error);
  g_assert_no_error (error);
  p16 = read_png (g_bytes_get_data (png16, NULL), g_bytes_get_size (png16));
  g_assert_false (p16->has_alpha);
  /* 5 bits widened as (c << 3) | (c >> 2). */
  g_assert_cmpuint (png_px (p16, 0, 0)[0], ==, 0xff);
  g_assert_cmpuint (png_px (p16, 0, 0)[1], ==, (16 << 3) | (16 >> 2));
  g_assert_cmpuint (png_px (p16, 0, 0)[2], ==, (1 << 3) | (1 >> 2));
  g_assert_cmpuint (png_px (p16, 1, 0)[1], ==, 0xff);

  ct_set (c8, 0, 0, 0, 0x00);
  ct_set (c8, 0, 1, 0, 0xc0);
  png8 = tether_spice_canvas_encode_png (c8, 0, &error);
  g_assert_no_error (error);
  p8 = read_png (g_bytes_get_data (png8, NULL), g_bytes_get_size (png8));
  g_assert_true (p8->has_alpha);
  g_assert_cmpuint (png_px (p8, 0, 0)[3], ==, 0);
  g_assert_cmpuint (png_px (p8, 1, 0)[3], ==, 0xc0);
  g_assert_cmpuint (png_px (p8, 1, 0)[0], ==, 0);
}

/* A drawn primary, through the whole path: draw, save, read. */
static void
test_png_after_drawing (void)
{
  g_autoptr(TetherSpiceCanvas) canvas = ct_canvas (0, 8, 8, TETHER_SPICE_SURFACE_FMT_32_xRGB);
  TMsg m;
  g_autoptr(GBytes) fill = NULL, png = NULL;
  g_autoptr(Png) p = NULL;

  tm_init (&m);
  tm_base (&m, 0, 2, 2, 6, 5);
  tm_u8 (&m, TETHER_SPICE_BRUSH_SOLID);
  tm_u32 (&m, 0x00ff8000);
  tm_u16 (&m, TETHER_SPICE_ROPD_OP_PUT);
  tm_u8 (&m, 0);
  tm_point (&m, 0, 0);
  tm_u32 (&m, 0);
  fill = tm_finish (&m);
  ct_draw (canvas, TETHER_SPICE_MSG_DISPLAY_DRAW_FILL, fill);
  png = tether_spice_canvas_encode_png (canvas, 0, NULL);
  p = read_png (g_bytes_get_data (png, NULL), g_bytes_get_size (png));
  for (guint y = 0; y < 8; y++)
    for (guint x = 0; x < 8; x++)
      {
        gboolean in = ct_in (x, y, 2, 2, 6, 5);

        g_assert_cmpuint (png_px (p, x, y)[0], ==, in ? 0xff : 0);
        g_assert_cmpuint (png_px (p, x, y)[1], ==, in ? 0x80 : 0);
        g_assert_cmpuint (png_px (p, x, y)[2], ==, 0);
      }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/canvas/png/xrgb", test_png_xrgb);
  g_test_add_func ("/spice/canvas/png/argb", test_png_argb);
  g_test_add_func ("/spice/canvas/png/other-formats", test_png_other_formats);
  g_test_add_func ("/spice/canvas/png/after-drawing", test_png_after_drawing);
  return g_test_run ();
}
