/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes JPEG, MJPEG frames and JPEG_ALPHA. Input: u8 mode (bits 0–1: JPEG,
 * MJPEG top-down, MJPEG bottom-up, JPEG_ALPHA; bits 2–3 destination
 * format; bit 4 JPEG_ALPHA's top_down), for JPEG_ALPHA a u32 jpeg_size
 * (little-endian), then the data. The destination has the size the JPEG
 * header declares when that is small, else 2×2; it is exactly
 * stride × height bytes.
 * With TETHER_FUZZ_EXPECT_OK set, a failed decode aborts (to check seeds).
 */
#include "config.h"

#include <gio/gio.h>

#include "tether-jpeg-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

#define FUZZ_MAX_PIXELS (1u << 18)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherReader r;
  guint8 mode;
  guint32 jpeg_size = 0;
  const guint8 *bytes;
  gsize len;
  guint width = 0, height = 0;
  TetherCodecDest dest = { NULL, 0, 2, 2, TETHER_CODEC_FORMAT_XRGB32 };
  GError *error = NULL;
  gboolean ok;

  tether_reader_init (&r, data, size);
  if (!tether_reader_u8 (&r, &mode))
    return 0;
  if ((mode & 3) == 3 && !tether_reader_u32_le (&r, &jpeg_size))
    return 0;
  len = tether_reader_remaining (&r);
  tether_reader_borrow (&r, len, &bytes);

  if (tether_jpeg_read_size (bytes, (mode & 3) == 3 ? MIN (len, jpeg_size) : len,
                             &width, &height, NULL) &&
      (gsize) width * height <= FUZZ_MAX_PIXELS)
    {
      dest.width = width;
      dest.height = height;
    }
  dest.format = (mode >> 2) & 3;
  dest.stride = (gsize) dest.width * tether_codec_format_bpp (dest.format);
  dest.data = g_malloc (dest.stride * dest.height);

  switch (mode & 3)
    {
    case 0:
      ok = tether_jpeg_decode (bytes, len, &dest, &error);
      break;
    case 1:
    case 2:
      ok = tether_mjpeg_decode_frame (bytes, len, (mode & 3) == 1, &dest, &error);
      break;
    default:
      ok = tether_jpeg_alpha_decode (bytes, len, jpeg_size, (mode >> 4) & 1, &dest, &error);
      break;
    }
  if (error != NULL && g_getenv ("TETHER_FUZZ_EXPECT_OK") != NULL)
    g_error ("a seed does not decode: %s", error->message);
  if (ok == (error != NULL))
    __builtin_trap ();
  g_clear_error (&error);
  g_free (dest.data);
  return 0;
}
