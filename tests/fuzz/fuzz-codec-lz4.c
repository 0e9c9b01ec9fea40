/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the LZ4 image decoder. Input: u16 width, u16 height (little-
 * endian; capped), u8 options (bits 0–1 destination format, the rest row
 * padding), then the LZ4 image payload. The
 * destination is exactly stride × height bytes. With TETHER_FUZZ_EXPECT_OK
 * set, a failed decode aborts (to check seeds).
 */
#include "config.h"

#include <gio/gio.h>

#include "tether-lz4-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

#define FUZZ_MAX_PIXELS (1u << 16)

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherReader r;
  guint16 width, height;
  guint8 format;
  const guint8 *payload;
  gsize len;
  TetherCodecDest dest = { NULL, 0, 0, 0, TETHER_CODEC_FORMAT_XRGB32 };
  GError *error = NULL;
  gboolean ok;

  tether_reader_init (&r, data, size);
  tether_reader_u16_le (&r, &width);
  tether_reader_u16_le (&r, &height);
  if (!tether_reader_u8 (&r, &format))
    return 0;
  len = tether_reader_remaining (&r);
  tether_reader_borrow (&r, len, &payload);

  dest.width = MAX (width, 1);
  dest.height = MAX (height, 1);
  if ((gsize) dest.width * dest.height > FUZZ_MAX_PIXELS)
    dest.width = dest.height = 1;
  dest.format = format & 3;
  dest.stride = (gsize) dest.width * tether_codec_format_bpp (dest.format) + (format >> 2);
  dest.data = g_malloc (dest.stride * dest.height);

  ok = tether_lz4_decode (payload, len, &dest, &error);
  if (error != NULL && g_getenv ("TETHER_FUZZ_EXPECT_OK") != NULL)
    g_error ("a seed does not decode: %s", error->message);
  if (ok == (error != NULL))
    __builtin_trap ();
  g_clear_error (&error);
  g_free (dest.data);
  return 0;
}
