/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes GLZ and ZLIB_GLZ with a window that the input itself fills: the
 * input is a sequence of records, each decoded in turn into one window
 * (1 MiB budget, so eviction runs too):
 *   u8 kind (bit 0: ZLIB_GLZ; bits 1–2 destination format; bit 3: through
 *   the shared-buffer API, tether_glz_decode_shared()),
 *   ZLIB_GLZ only: u32 glz_size, u16 width, u16 height (little-endian),
 *   u32 length (little-endian, clamped to what is left), the bytes.
 * A GLZ record's destination has its header's size when small enough.
 * With TETHER_FUZZ_EXPECT_OK set, a failed decode aborts (to check seeds).
 */
#include "config.h"

#include <gio/gio.h>

#include "tether-glz-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

#define FUZZ_MAX_PIXELS  (1u << 16)
#define FUZZ_MAX_RECORDS 32

static void
decode_record (TetherGlzWindow *w, guint8 kind, guint32 glz_size, guint width, guint height,
               const guint8 *bytes, gsize len)
{
  TetherCodecDest dest = { NULL, 0, width, height, (kind >> 1) & 3 };
  TetherGlzHeader h;
  GError *error = NULL;
  guint64 missing = G_MAXUINT64;
  guint before = tether_glz_window_get_n_images (w);
  gboolean ok;

  if (!(kind & 1) && tether_glz_read_header (bytes, len, &h, NULL) &&
      h.n_pixels <= FUZZ_MAX_PIXELS)
    {
      dest.width = h.width;
      dest.height = h.height;
    }
  if (dest.width == 0 || dest.height == 0 || (gsize) dest.width * dest.height > FUZZ_MAX_PIXELS)
    dest.width = dest.height = 1;
  dest.stride = (gsize) dest.width * tether_codec_format_bpp (dest.format);
  dest.data = g_malloc (dest.stride * dest.height);

  if (kind & 8)
    {
      gboolean has_alpha = FALSE;
      guint32 *pixels, sum = 0;

      if (kind & 1)
        pixels = tether_zlib_glz_decode_shared (w, glz_size, bytes, len, dest.width, dest.height,
                                                &has_alpha, &missing, &error);
      else
        pixels = tether_glz_decode_shared (w, bytes, len, dest.width, dest.height, &has_alpha,
                                           &missing, &error);
      ok = pixels != NULL;
      if (ok)
        {
          /* Every pixel is there (ASan checks the reads), opaque ones
           * with alpha 0xff. */
          for (gsize i = 0; i < (gsize) dest.width * dest.height; i++)
            {
              sum += pixels[i];
              if (!has_alpha && (pixels[i] >> 24) != 0xff)
                __builtin_trap ();
            }
          tether_glz_pixels_unref (pixels);
        }
      (void) sum;
    }
  else if (kind & 1)
    ok = tether_zlib_glz_decode (w, glz_size, bytes, len, &dest, &missing, &error);
  else
    ok = tether_glz_decode (w, bytes, len, &dest, &missing, &error);
  if (error != NULL && g_getenv ("TETHER_FUZZ_EXPECT_OK") != NULL)
    g_error ("a seed does not decode: %s", error->message);
  if (ok == (error != NULL))
    __builtin_trap ();
  if (ok && missing != G_MAXUINT64)
    __builtin_trap ();
  if (!ok && tether_glz_window_get_n_images (w) != before)
    __builtin_trap ();   /* a failed image must not get in */
  if (tether_glz_window_get_bytes (w) > tether_glz_window_get_max_bytes (w))
    __builtin_trap ();
  g_clear_error (&error);
  g_free (dest.data);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherReader r;
  TetherGlzWindow *w = tether_glz_window_new (1 << 20);

  tether_reader_init (&r, data, size);
  for (guint i = 0; i < FUZZ_MAX_RECORDS && tether_reader_remaining (&r) > 0; i++)
    {
      guint8 kind;
      guint32 glz_size = 0, len;
      guint16 width = 0, height = 0;
      const guint8 *bytes;

      tether_reader_u8 (&r, &kind);
      if (kind & 1)
        {
          tether_reader_u32_le (&r, &glz_size);
          tether_reader_u16_le (&r, &width);
          tether_reader_u16_le (&r, &height);
        }
      if (!tether_reader_u32_le (&r, &len))
        break;
      len = MIN (len, tether_reader_remaining (&r));
      tether_reader_borrow (&r, len, &bytes);
      decode_record (w, kind, glz_size, width, height, bytes, len);
    }
  tether_glz_window_unref (w);
  return 0;
}
