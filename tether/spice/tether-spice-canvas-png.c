/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <setjmp.h>
#include <string.h>

#include <png.h>

#include "tether-spice-canvas-ops-private.h"

/* zlib level for PNG output (see encode()). */
#define TETHER_SPICE_PNG_COMPRESSION_LEVEL 3

/*
 * A surface as a PNG file, through libpng, row by row. libpng reports
 * errors by longjmp from its error callback; the callback keeps the text
 * for the GError. Each row is converted with pixman first (to a8r8g8b8),
 * so every surface format takes the same path.
 */

typedef struct {
  GByteArray *out;
  char        message[256];
  jmp_buf     jump;
} PngWriter;

static void
png_write_cb (png_structp png, png_bytep data, png_size_t len)
{
  PngWriter *w = png_get_io_ptr (png);

  g_byte_array_append (w->out, data, (guint) len);
}

static void
png_flush_cb (png_structp png)
{
}

static void
png_error_cb (png_structp png, png_const_charp message)
{
  PngWriter *w = png_get_error_ptr (png);

  g_strlcpy (w->message, message != NULL ? message : "unknown error", sizeof w->message);
  longjmp (w->jump, 1);
}

static void
png_warning_cb (png_structp png, png_const_charp message)
{
  g_debug ("libpng: %s", message);
}

static gboolean
format_has_alpha (TetherSpiceSurfaceFmt format)
{
  return format == TETHER_SPICE_SURFACE_FMT_32_ARGB || format == TETHER_SPICE_SURFACE_FMT_8_A;
}

/* Everything libpng touches between setjmp and longjmp lives here, so no
 * local variable of the caller is clobbered. */
typedef struct {
  PngWriter           w;
  png_structp         png;
  png_infop           info;
  guint8             *row;
  guint32            *argb;
  pixman_image_t     *line;
} PngJob;

static gboolean
encode (PngJob *job, TetherSpiceSurface *surface)
{
  gboolean alpha = format_has_alpha (surface->format);
  guint channels = alpha ? 4 : 3;

  if (setjmp (job->w.jump) != 0)
    return FALSE;
  png_set_write_fn (job->png, &job->w, png_write_cb, png_flush_cb);
  png_set_IHDR (job->png, job->info, surface->width, surface->height, 8,
                alpha ? PNG_COLOR_TYPE_RGB_ALPHA : PNG_COLOR_TYPE_RGB,
                PNG_INTERLACE_NONE, PNG_COMPRESSION_TYPE_DEFAULT, PNG_FILTER_TYPE_DEFAULT);
  /* Screenshots want speed more than the last bytes: the SUB filter alone
   * (rather than libpng trying all five on every row) and zlib level 3 cut
   * the encoding's instructions to a quarter for files about twice as
   * large (bench/README.md). */
  png_set_filter (job->png, PNG_FILTER_TYPE_BASE, PNG_FILTER_SUB);
  png_set_compression_level (job->png, TETHER_SPICE_PNG_COMPRESSION_LEVEL);
  png_write_info (job->png, job->info);
  for (guint y = 0; y < surface->height; y++)
    {
      /* One row of the surface as a8r8g8b8 (premultiplied). */
      pixman_image_composite32 (PIXMAN_OP_SRC, surface->image, NULL, job->line, 0, (int) y, 0, 0,
                                0, 0, (int) surface->width, 1);
      for (guint x = 0; x < surface->width; x++)
        {
          guint32 p = job->argb[x];
          guint a = p >> 24, r = (p >> 16) & 0xff, g = (p >> 8) & 0xff, b = p & 0xff;
          guint8 *o = job->row + (gsize) x * channels;

          if (alpha)
            {
              /* PNG alpha is straight, pixman's premultiplied. */
              if (a != 0 && a != 255)
                {
                  r = MIN ((r * 255 + a / 2) / a, 255);
                  g = MIN ((g * 255 + a / 2) / a, 255);
                  b = MIN ((b * 255 + a / 2) / a, 255);
                }
              o[3] = (guint8) a;
            }
          o[0] = (guint8) r;
          o[1] = (guint8) g;
          o[2] = (guint8) b;
        }
      png_write_row (job->png, job->row);
    }
  png_write_end (job->png, job->info);
  return TRUE;
}

GBytes *
tether_spice_canvas_encode_png (TetherSpiceCanvas *canvas, guint32 surface_id, GError **error)
{
  TetherSpiceSurface *surface = tether_spice_canvas_lookup_surface (canvas, surface_id);
  PngJob *job;
  gboolean ok;
  GBytes *bytes = NULL;

  if (surface == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "SPICE canvas: no surface %u",
                   surface_id);
      return NULL;
    }
  job = g_new0 (PngJob, 1);
  job->w.out = g_byte_array_new ();
  job->row = g_malloc ((gsize) surface->width * 4);
  job->argb = g_new (guint32, surface->width);
  job->line = pixman_image_create_bits (PIXMAN_a8r8g8b8, (int) surface->width, 1, job->argb,
                                        (int) (surface->width * 4));
  job->png = png_create_write_struct (PNG_LIBPNG_VER_STRING, &job->w, png_error_cb, png_warning_cb);
  if (job->png != NULL)
    job->info = png_create_info_struct (job->png);
  if (job->png == NULL || job->info == NULL)
    {
      g_strlcpy (job->w.message, "cannot create the PNG writer", sizeof job->w.message);
      ok = FALSE;
    }
  else
    ok = encode (job, surface);

  if (ok)
    bytes = g_byte_array_free_to_bytes (g_steal_pointer (&job->w.out));
  else
    g_set_error (error, G_IO_ERROR, G_IO_ERROR_FAILED,
                 "SPICE canvas: cannot encode surface %u as PNG: %s", surface_id, job->w.message);
  if (job->png != NULL)
    png_destroy_write_struct (&job->png, job->info != NULL ? &job->info : NULL);
  if (job->w.out != NULL)
    g_byte_array_unref (job->w.out);
  pixman_image_unref (job->line);
  g_free (job->argb);
  g_free (job->row);
  g_free (job);
  return bytes;
}

gboolean
tether_spice_canvas_write_png (TetherSpiceCanvas *canvas, guint32 surface_id, const char *path,
                               GError **error)
{
  g_autoptr(GBytes) png = tether_spice_canvas_encode_png (canvas, surface_id, error);
  gsize len;
  const guint8 *data;

  if (png == NULL)
    return FALSE;
  data = g_bytes_get_data (png, &len);
  return g_file_set_contents (path, (const char *) data, (gssize) len, error);
}

gboolean
tether_spice_canvas_write_primary_png (TetherSpiceCanvas *canvas, const char *path, GError **error)
{
  TetherSpiceSurfaceInfo info;

  if (!tether_spice_canvas_get_primary (canvas, &info))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "SPICE canvas: there is no primary surface");
      return FALSE;
    }
  return tether_spice_canvas_write_png (canvas, info.surface_id, path, error);
}
