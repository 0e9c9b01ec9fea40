/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPICE LZ4 images (spice-protocol.md §10.4), decoded with liblz4's
 * streaming decoder. The 32-bit formats' bytes (B, G, R, X/A) are the
 * destination's pixels already: when the destination allows
 * (tether_codec_dest_linear()) they are decoded straight into it, X set to
 * 0xff and a bottom-up image flipped in place afterwards. Anything else
 * goes through one scratch buffer, converted row by row.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <lz4.h>
#include <string.h>

#include "tether-error.h"
#include "tether-lz4-private.h"
#include "tether-reader-private.h"

static gboolean
bad_stream (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad_stream (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, message);
  return FALSE;
}

/* One packed row of @format into 0xAARRGGBB pixels. */
static void
convert_row (TetherLz4Format format, const guint8 *in, guint width, guint32 *out)
{
  guint x;

  switch (format)
    {
    case TETHER_LZ4_FORMAT_16BIT:
      for (x = 0; x < width; x++)
        out[x] = tether_codec_rgb555_to_xrgb ((guint) in[2 * x] | (guint) in[2 * x + 1] << 8);
      break;
    case TETHER_LZ4_FORMAT_24BIT:
      for (x = 0; x < width; x++)
        out[x] = (guint32) in[3 * x] | (guint32) in[3 * x + 1] << 8 |
                 (guint32) in[3 * x + 2] << 16;
      break;
    case TETHER_LZ4_FORMAT_32BIT:
    case TETHER_LZ4_FORMAT_RGBA:
      for (x = 0; x < width; x++)
        out[x] = (guint32) in[4 * x] | (guint32) in[4 * x + 1] << 8 |
                 (guint32) in[4 * x + 2] << 16 | (guint32) in[4 * x + 3] << 24;
      break;
    case TETHER_LZ4_FORMAT_8BIT_A:
      for (x = 0; x < width; x++)
        out[x] = (guint32) in[x] << 24;
      break;
    default:
      g_return_if_reached ();
    }
}

gboolean
tether_lz4_decode (const guint8 *data, gsize len,
                   const TetherCodecDest *dest, GError **error)
{
  TetherReader r;
  guint8 top_down, format;
  guint bpp;
  gsize row_bytes, total, produced = 0;
  g_autofree guint8 *raw = NULL;
  guint8 *out;
  g_autofree guint32 *row = NULL;
  LZ4_streamDecode_t stream;
  guint blocks = 0;

  if (!tether_codec_dest_check (dest, error))
    return FALSE;

  tether_reader_init (&r, data, len);
  tether_reader_u8 (&r, &top_down);
  tether_reader_u8 (&r, &format);
  if (tether_reader_failed (&r))
    return bad_stream (error, "LZ4 image is truncated: %" G_GSIZE_FORMAT " of 2 header bytes", len);
  if (top_down > 1)
    return bad_stream (error, "LZ4 image has a bad top_down flag %u", top_down);
  switch (format)
    {
    case TETHER_LZ4_FORMAT_16BIT:
      bpp = 2;
      break;
    case TETHER_LZ4_FORMAT_24BIT:
      bpp = 3;
      break;
    case TETHER_LZ4_FORMAT_32BIT:
    case TETHER_LZ4_FORMAT_RGBA:
      bpp = 4;
      break;
    case TETHER_LZ4_FORMAT_8BIT_A:
      bpp = 1;
      break;
    default:
      return bad_stream (error, "LZ4 image has the bitmap format %u, not an RGB format", format);
    }

  /* The destination is checked: width × height ≤ TETHER_CODEC_MAX_PIXELS,
   * so total ≤ 4 × 2^26, well within an int. */
  row_bytes = (gsize) dest->width * bpp;
  total = row_bytes * dest->height;
  if (bpp == 4 && tether_codec_dest_linear (dest, dest->width) != NULL)
    out = dest->data;   /* exactly total bytes */
  else
    out = raw = g_try_malloc (total);
  if (out == NULL)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "Out of memory for an LZ4 image of %u×%u pixels", dest->width, dest->height);
      return FALSE;
    }

  LZ4_setStreamDecode (&stream, NULL, 0);
  while (tether_reader_remaining (&r) > 0)
    {
      guint32 block_size;
      const guint8 *block;
      gsize left;
      int n;

      if (!tether_reader_u32_be (&r, &block_size))
        return bad_stream (error, "LZ4 image is truncated in the size of block %u", blocks);
      if (block_size == 0 || block_size > (guint32) LZ4_MAX_INPUT_SIZE)
        return bad_stream (error, "LZ4 block %u has a bad size %u", blocks, block_size);
      left = tether_reader_remaining (&r);
      if (!tether_reader_borrow (&r, block_size, &block))
        return bad_stream (error, "LZ4 block %u of %u bytes is truncated (%" G_GSIZE_FORMAT
                           " bytes left)", blocks, block_size, left);
      if (produced == total)
        return bad_stream (error, "LZ4 image has more blocks than its %u×%u pixels need",
                           dest->width, dest->height);
      /* Bounded by the space left: liblz4's safe decoder never writes past
       * dstCapacity nor reads past the block. */
      n = LZ4_decompress_safe_continue (&stream, (const char *) block,
                                        (char *) out + produced,
                                        (int) block_size, (int) (total - produced));
      if (n <= 0)
        return bad_stream (error, "LZ4 block %u is corrupt or decodes past the end of the "
                           "%u×%u image", blocks, dest->width, dest->height);
      produced += (gsize) n;
      blocks++;
    }
  if (produced != total)
    return bad_stream (error, "LZ4 image decodes to %" G_GSIZE_FORMAT " bytes, not the %"
                       G_GSIZE_FORMAT " of %u×%u pixels", produced, total,
                       dest->width, dest->height);

  if (raw == NULL)
    {
      if (format != TETHER_LZ4_FORMAT_RGBA)
        tether_codec_set_opaque (out, total / 4);
      if (!top_down)
        tether_codec_dest_flip_rows (dest);
      return TRUE;
    }

  row = g_new (guint32, dest->width);
  for (guint i = 0; i < dest->height; i++)
    {
      convert_row (format, raw + (gsize) i * row_bytes, dest->width, row);
      tether_codec_dest_put_row (dest, top_down ? i : dest->height - 1 - i, row,
                                 format == TETHER_LZ4_FORMAT_RGBA ||
                                 format == TETHER_LZ4_FORMAT_8BIT_A);
    }
  return TRUE;
}
