/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the LZ decoder (LZ_RGB, LZ_PLT, JPEG_ALPHA's alpha plane).
 * Input: u8 options (bits 0–1 decoder: RGB, PLT, alpha; bits 2–3 the
 * destination format; bit 4 the alpha plane's top_down; bits 5–7 row
 * padding), u8 palette size (0 = 256), then the LZ stream. The destination
 * has the header's size when that is small enough, else 3×2; it is
 * allocated to exactly stride × height bytes, so ASan sees any write
 * outside it. With TETHER_FUZZ_EXPECT_OK set, a failed decode aborts (to
 * check that the seeds are valid).
 */
#include "config.h"

#include <string.h>

#include "tether-lz-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

/* Small images only: a fuzzer's time goes into the stream, not memset. */
#define FUZZ_MAX_PIXELS (1u << 16)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherReader r;
  guint8 options, n_palette;
  const guint8 *stream;
  gsize len;
  guint32 palette[256];
  TetherLzHeader h;
  TetherCodecDest dest = { NULL, 0, 3, 2, TETHER_CODEC_FORMAT_XRGB32 };
  GError *error = NULL;
  gboolean ok;

  tether_reader_init (&r, data, size);
  if (!tether_reader_u8 (&r, &options) || !tether_reader_u8 (&r, &n_palette))
    return 0;
  len = tether_reader_remaining (&r);
  tether_reader_borrow (&r, len, &stream);
  for (guint i = 0; i < 256; i++)
    palette[i] = i * 0x01030507u;

  if (tether_lz_read_header (stream, len, &h, NULL) &&
      h.n_pixels <= FUZZ_MAX_PIXELS)
    {
      dest.width = h.width;
      dest.height = h.height;
    }
  dest.format = (options >> 2) & 3;
  dest.stride = (gsize) dest.width * tether_codec_format_bpp (dest.format) + (options >> 5);
  dest.data = g_malloc (dest.stride * dest.height);

  switch (options & 3)
    {
    case 0:
      ok = tether_lz_rgb_decode (stream, len, &dest, &error);
      break;
    case 1:
      ok = tether_lz_plt_decode (stream, len, palette, n_palette ? n_palette : 256, &dest, &error);
      break;
    default:
      ok = tether_lz_alpha_decode (stream, len, (options >> 4) & 1, &dest, &error);
      break;
    }
  if (error != NULL && g_getenv ("TETHER_FUZZ_EXPECT_OK") != NULL)
    g_error ("a seed does not decode: %s", error->message);
  if (ok == (error != NULL) || (error != NULL && error->message == NULL))
    __builtin_trap ();
  g_clear_error (&error);
  g_free (dest.data);
  return 0;
}
