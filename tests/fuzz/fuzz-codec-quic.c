/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the QUIC decoder. An input that starts with the QUIC magic is a
 * whole stream; it is decoded into a destination sized exactly from its
 * (capped) header, so a sanitizer sees any write outside it. Any other input
 * is a stream body: its first three bytes choose a small type and size, and
 * a header is put in front, which lets the fuzzer spend its time inside the
 * decoder instead of rediscovering the header.
 */
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-quic-private.h"
#include "fuzz-common.h"

/* Far below the codec caps, to keep each run quick: still enough for
 * every wait-mask step (6 × 2048 pixels) and rows wider than 2048. */
#define FUZZ_MAX_PIXELS (1u << 16)

/* The input's length picks the destination: the plain B,G,R,X buffer, or
 * the shared codec destination as XRGB32 or X1R5G5B5. */
static void
decode_one (const guint8 *data, gsize len, const TetherQuicHeader *header)
{
  guint sink = len % 3;
  TetherCodecFormat format = sink == 2 ? TETHER_CODEC_FORMAT_X1R5G5B5 : TETHER_CODEC_FORMAT_XRGB32;
  gsize stride = (gsize) header->width * tether_codec_format_bpp (format);
  guint8 *dest = g_malloc (stride * header->height);
  GError *error = NULL;
  gboolean ok;

  if (sink == 0)
    ok = tether_quic_decode (data, len, dest, stride, header->width, header->height, &error);
  else
    {
      TetherCodecDest cd = { dest, stride, header->width, header->height, format };

      ok = tether_quic_decode_dest (data, len, &cd, &error);
    }
  if (ok != (error == NULL))
    __builtin_trap ();
  if (!ok)
    {
      if (error->domain != TETHER_SPICE_ERROR || error->message == NULL)
        __builtin_trap ();
      g_error_free (error);
    }
  g_free (dest);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  TetherQuicHeader header;
  GError *error = NULL;

  if (size >= 4 && data[0] == 'Q' && data[1] == 'U' && data[2] == 'I' && data[3] == 'C')
    {
      if (!tether_quic_read_header (data, size, &header, &error))
        {
          if (error == NULL)
            __builtin_trap ();
          g_error_free (error);
          return 0;
        }
      if ((guint64) header.width * header.height > FUZZ_MAX_PIXELS)
        return 0;
      decode_one (data, size, &header);
      return 0;
    }

  if (size < 3)
    return 0;
  {
    guint32 type = 1 + data[0] % 5;
    guint32 width = 1 + data[1] % 96, height = 1 + data[2] % 48;
    gsize body_len = size - 3;
    guint8 *stream = g_malloc (TETHER_QUIC_HEADER_SIZE + body_len);
    const guint32 words[5] = { TETHER_QUIC_MAGIC, TETHER_QUIC_VERSION, type, width, height };

    for (guint w = 0; w < 5; w++)
      for (guint b = 0; b < 4; b++)
        stream[w * 4 + b] = (guint8) (words[w] >> (8 * b));
    if (body_len > 0)
      memcpy (stream + TETHER_QUIC_HEADER_SIZE, data + 3, body_len);
    if (!tether_quic_read_header (stream, TETHER_QUIC_HEADER_SIZE + body_len, &header, NULL))
      __builtin_trap ();
    decode_one (stream, TETHER_QUIC_HEADER_SIZE + body_len, &header);
    g_free (stream);
  }
  return 0;
}
