/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include <gio/gio.h>

#include "tether-codec-private.h"
#include "tether-error.h"

guint
tether_codec_format_bpp (TetherCodecFormat format)
{
  switch (format)
    {
    case TETHER_CODEC_FORMAT_XRGB32:
    case TETHER_CODEC_FORMAT_ARGB32:
      return 4;
    case TETHER_CODEC_FORMAT_X1R5G5B5:
      return 2;
    case TETHER_CODEC_FORMAT_A8:
      return 1;
    default:
      return 0;
    }
}

gboolean
tether_codec_dest_check (const TetherCodecDest *dest, GError **error)
{
  guint bpp;
  gsize row_bytes, total;

  if (dest == NULL || dest->data == NULL)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "No destination buffer for the decoded image");
      return FALSE;
    }
  bpp = tether_codec_format_bpp (dest->format);
  if (bpp == 0)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Unknown destination pixel format %d", (int) dest->format);
      return FALSE;
    }
  if (dest->width == 0 || dest->height == 0 ||
      dest->width > TETHER_CODEC_MAX_SIDE || dest->height > TETHER_CODEC_MAX_SIDE ||
      (guint64) dest->width * dest->height > TETHER_CODEC_MAX_PIXELS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Destination size %u×%u is empty or over the image limits",
                   dest->width, dest->height);
      return FALSE;
    }
  row_bytes = (gsize) dest->width * bpp;
  if (dest->stride < row_bytes ||
      !g_size_checked_mul (&total, dest->stride, dest->height))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Destination stride %" G_GSIZE_FORMAT " cannot hold %u pixels",
                   dest->stride, dest->width);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_codec_check_size (const char *what, guint64 width, guint64 height,
                         guint64 row_pixels, gsize *n_pixels, GError **error)
{
  if (width == 0 || height == 0)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "%s has an empty size (%" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT ")",
                   what, width, height);
      return FALSE;
    }
  /* Each factor is checked before the product, so nothing wraps. */
  if (width > TETHER_CODEC_MAX_SIDE || height > TETHER_CODEC_MAX_SIDE ||
      row_pixels > TETHER_CODEC_MAX_PIXELS ||
      row_pixels * height > TETHER_CODEC_MAX_PIXELS)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "%s of %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                   " pixels is over the limit (%u per side, %" G_GSIZE_FORMAT " in all)",
                   what, width, height, TETHER_CODEC_MAX_SIDE, TETHER_CODEC_MAX_PIXELS);
      return FALSE;
    }
  if (row_pixels < width)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "%s rows of %" G_GUINT64_FORMAT " pixels cannot hold %" G_GUINT64_FORMAT,
                   what, row_pixels, width);
      return FALSE;
    }
  *n_pixels = (gsize) (row_pixels * height);
  return TRUE;
}

gboolean
tether_codec_check_dest_size (const char *what, const TetherCodecDest *dest,
                              guint64 width, guint64 height, GError **error)
{
  if (width != dest->width || height != dest->height)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "%s is %" G_GUINT64_FORMAT "×%" G_GUINT64_FORMAT
                   " but the image descriptor says %u×%u",
                   what, width, height, dest->width, dest->height);
      return FALSE;
    }
  return TRUE;
}

/* 32 bytes as one value: GCC's and clang's generic vectors, lowered to
 * AVX2 in the avx2 clone below, to two SSE2 (x86-64) or NEON (aarch64)
 * operations, or to plain words elsewhere. Loads and stores go through
 * memcpy, so nothing needs to be aligned. */
typedef guint32 CodecVec8 __attribute__ ((vector_size (32)));

/* x86-64 with GCC: a copy for AVX2 machines, picked when the library
 * loads. (clang 14 names the resolver "….ifunc", leaving the function
 * itself undefined: not with clang.) */
#if defined (__x86_64__) && defined (__GNUC__) && !defined (__clang__) && defined (__has_attribute)
#if __has_attribute (target_clones)
#define CODEC_CLONES __attribute__ ((target_clones ("avx2", "default")))
#endif
#endif
#ifndef CODEC_CLONES
#define CODEC_CLONES
#endif

CODEC_CLONES void
tether_codec_copy_opaque (guint8 *out, const guint8 *in, gsize n)
{
  const CodecVec8 ff = {
    0xff000000u, 0xff000000u, 0xff000000u, 0xff000000u,
    0xff000000u, 0xff000000u, 0xff000000u, 0xff000000u,
  };
  gsize x = 0;

  for (; x + 32 <= n; x += 32)
    {
      CodecVec8 a, b, c, d;

      memcpy (&a, in + 4 * x, 32);
      memcpy (&b, in + 4 * x + 32, 32);
      memcpy (&c, in + 4 * x + 64, 32);
      memcpy (&d, in + 4 * x + 96, 32);
      a |= ff;
      b |= ff;
      c |= ff;
      d |= ff;
      memcpy (out + 4 * x, &a, 32);
      memcpy (out + 4 * x + 32, &b, 32);
      memcpy (out + 4 * x + 64, &c, 32);
      memcpy (out + 4 * x + 96, &d, 32);
    }
  for (; x + 8 <= n; x += 8)
    {
      CodecVec8 a;

      memcpy (&a, in + 4 * x, 32);
      a |= ff;
      memcpy (out + 4 * x, &a, 32);
    }
  for (; x < n; x++)
    {
      guint8 px[4];

      memcpy (px, in + 4 * x, 4);
      px[3] = 0xff;
      memcpy (out + 4 * x, px, 4);
    }
}

void
tether_codec_set_opaque (guint8 *p, gsize n)
{
  tether_codec_copy_opaque (p, p, n);
}

guint32 *
tether_codec_dest_linear (const TetherCodecDest *dest, gsize row_pixels)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if ((dest->format == TETHER_CODEC_FORMAT_XRGB32 || dest->format == TETHER_CODEC_FORMAT_ARGB32) &&
      row_pixels == dest->width && dest->stride == (gsize) dest->width * 4 &&
      ((guintptr) dest->data % G_ALIGNOF (guint32)) == 0)
    return (guint32 *) dest->data;
#endif
  return NULL;
}

void
tether_codec_dest_flip_rows (const TetherCodecDest *dest)
{
  gsize row_bytes = (gsize) dest->width * tether_codec_format_bpp (dest->format);
  g_autofree guint8 *tmp = NULL;

  if (dest->height < 2)
    return;
  tmp = g_malloc (row_bytes);
  for (guint top = 0, bottom = dest->height - 1; top < bottom; top++, bottom--)
    {
      guint8 *a = dest->data + (gsize) top * dest->stride;
      guint8 *b = dest->data + (gsize) bottom * dest->stride;

      memcpy (tmp, a, row_bytes);
      memcpy (a, b, row_bytes);
      memcpy (b, tmp, row_bytes);
    }
}

void
tether_codec_dest_put_row (const TetherCodecDest *dest, guint y,
                           const guint32 *row, gboolean has_alpha)
{
  guint8 *out;
  guint x;

  g_return_if_fail (y < dest->height);
  out = dest->data + (gsize) y * dest->stride;

  switch (dest->format)
    {
    case TETHER_CODEC_FORMAT_XRGB32:
    case TETHER_CODEC_FORMAT_ARGB32:
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
      /* B, G, R, A is the little-endian 0xAARRGGBB word: whole words, 16
       * bytes at a time (the byte loop below costs about 20 instructions a
       * pixel; bench/README.md). */
      if (has_alpha)
        memcpy (out, row, (gsize) dest->width * 4);
      else
        tether_codec_copy_opaque (out, (const guint8 *) row, dest->width);
#else
      for (x = 0; x < dest->width; x++)
        {
          guint32 p = row[x];

          out[4 * x + 0] = (guint8) p;
          out[4 * x + 1] = (guint8) (p >> 8);
          out[4 * x + 2] = (guint8) (p >> 16);
          out[4 * x + 3] = has_alpha ? (guint8) (p >> 24) : 0xff;
        }
#endif
      break;
    case TETHER_CODEC_FORMAT_X1R5G5B5:
      for (x = 0; x < dest->width; x++)
        {
          guint32 p = row[x];
          guint v = ((p >> 19) & 31) << 10 | ((p >> 11) & 31) << 5 | ((p >> 3) & 31);

          out[2 * x + 0] = (guint8) v;
          out[2 * x + 1] = (guint8) (v >> 8);
        }
      break;
    case TETHER_CODEC_FORMAT_A8:
      for (x = 0; x < dest->width; x++)
        out[x] = has_alpha ? (guint8) (row[x] >> 24) : 0xff;
      break;
    default:
      g_return_if_reached ();
    }
}

static inline guint
dest_row_for (const TetherCodecDest *dest, guint stream_row, gboolean top_down)
{
  return top_down ? stream_row : dest->height - 1 - stream_row;
}

void
tether_codec_dest_put_image (const TetherCodecDest *dest, const guint32 *src,
                             gsize src_row_pixels, gboolean top_down,
                             gboolean has_alpha)
{
  g_return_if_fail (src_row_pixels >= dest->width);

  for (guint i = 0; i < dest->height; i++)
    tether_codec_dest_put_row (dest, dest_row_for (dest, i, top_down),
                               src + (gsize) i * src_row_pixels, has_alpha);
}

void
tether_codec_dest_put_alpha (const TetherCodecDest *dest, const guint32 *src,
                             gsize src_row_pixels, gboolean top_down)
{
  g_return_if_fail (src_row_pixels >= dest->width);

  for (guint i = 0; i < dest->height; i++)
    {
      const guint32 *row = src + (gsize) i * src_row_pixels;
      guint8 *out = dest->data + (gsize) dest_row_for (dest, i, top_down) * dest->stride;

      switch (dest->format)
        {
        case TETHER_CODEC_FORMAT_XRGB32:
        case TETHER_CODEC_FORMAT_ARGB32:
          for (guint x = 0; x < dest->width; x++)
            out[4 * x + 3] = (guint8) (row[x] >> 24);
          break;
        case TETHER_CODEC_FORMAT_A8:
          for (guint x = 0; x < dest->width; x++)
            out[x] = (guint8) (row[x] >> 24);
          break;
        case TETHER_CODEC_FORMAT_X1R5G5B5:
        default:
          return;
        }
    }
}
