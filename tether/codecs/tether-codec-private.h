/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

G_BEGIN_DECLS

/*
 * What the LZ, GLZ, LZ4 and JPEG decoders share: the caps on an image, and
 * the caller's destination buffer.
 *
 * A decoder is a pure function from a byte slice to a destination that the
 * caller allocated for the size the image descriptor declares. The decoder
 * checks that the stream describes an image of exactly that size, and never
 * writes outside the destination's `stride × height` bytes, whatever the
 * input. After a failure the destination's contents are unspecified.
 */

/* The longest side of any image, in pixels. */
#define TETHER_CODEC_MAX_SIDE        16384u
/* The most pixels one image may decode to, palette row padding included
 * (an LZ palette image decodes `stride × pixels-per-byte` pixels per row):
 * 64 Mi pixels, 256 MiB at 4 bytes each. */
#define TETHER_CODEC_MAX_PIXELS      ((gsize) 1 << 26)

/*
 * Destination formats, with pixman's meaning. Byte orders are fixed (not the
 * host's): the 32-bit formats are stored B, G, R, X/A, like pixman's
 * little-endian x8r8g8b8/a8r8g8b8 and spice-gtk's canvas.
 *
 * A decoder writes every pixel of the destination. An image without alpha
 * is written opaque: byte 3 = 0xff (XRGB32, ARGB32), alpha 0xff (A8). An
 * image with alpha (LZ RGBA, XXXA, A8; GLZ RGBA; LZ4 RGBA; JPEG_ALPHA)
 * writes its alpha bytes as they are (premultiplied, as pixman wants).
 */
typedef enum {
  TETHER_CODEC_FORMAT_XRGB32,    /* 4 bytes: B, G, R, X */
  TETHER_CODEC_FORMAT_ARGB32,    /* 4 bytes: B, G, R, A (premultiplied) */
  TETHER_CODEC_FORMAT_X1R5G5B5,  /* 2 bytes: little-endian u16 x1r5g5b5 */
  TETHER_CODEC_FORMAT_A8,        /* 1 byte: alpha */
} TetherCodecFormat;

/* A caller-owned pixel buffer: `height` rows of `stride` bytes, of which the
 * first `width × bytes-per-pixel` are the row's pixels. */
typedef struct {
  guint8            *data;
  gsize              stride;
  guint              width;
  guint              height;
  TetherCodecFormat  format;
} TetherCodecDest;

guint    tether_codec_format_bpp   (TetherCodecFormat format);

/* Checks the caller's destination: a known format, 1 ≤ width, height ≤
 * TETHER_CODEC_MAX_SIDE, width × height ≤ TETHER_CODEC_MAX_PIXELS and
 * stride ≥ width × bytes per pixel, without overflow. A bad destination is
 * the caller's bug: G_IO_ERROR_INVALID_ARGUMENT. */
gboolean tether_codec_dest_check   (const TetherCodecDest *dest, GError **error);

/* Checks the size a stream declares against the caps: @width × @height
 * pixels shown, decoded as @height rows of @row_pixels ≥ @width pixels (the
 * LZ palette types decode their row padding too).
 * TETHER_SPICE_ERROR_PROTOCOL for a zero side, LIMIT_EXCEEDED over a cap.
 * @what names the stream in the message ("LZ image"). On success
 * *@n_pixels = @row_pixels × @height. */
gboolean tether_codec_check_size   (const char *what, guint64 width, guint64 height,
                                    guint64 row_pixels, gsize *n_pixels, GError **error);

/* Fails with TETHER_SPICE_ERROR_PROTOCOL unless the stream's size equals the
 * destination's (the size the image descriptor declared). */
gboolean tether_codec_check_dest_size (const char *what, const TetherCodecDest *dest,
                                       guint64 width, guint64 height, GError **error);

/*
 * Writes decoded pixels into a checked destination. Pixels are guint32
 * values 0xAARRGGBB. @src holds dest->height rows of @src_row_pixels ≥
 * dest->width pixels in stream order; the first width pixels of each row are
 * used. When @top_down is FALSE the first stream row is the bottom row.
 * Without @has_alpha, pixels are written opaque.
 */
void     tether_codec_dest_put_image (const TetherCodecDest *dest, const guint32 *src,
                                      gsize src_row_pixels, gboolean top_down,
                                      gboolean has_alpha);

/* Writes one row (dest->width pixels) into row @y < dest->height. */
void     tether_codec_dest_put_row (const TetherCodecDest *dest, guint y,
                                    const guint32 *row, gboolean has_alpha);

/* Sets byte 3 (alpha) of every pixel of a 32-bit destination from the
 * alpha of @src (laid out as for tether_codec_dest_put_image); for an A8
 * destination writes the alpha; other formats are left alone. */
void     tether_codec_dest_put_alpha (const TetherCodecDest *dest, const guint32 *src,
                                      gsize src_row_pixels, gboolean top_down);

/*
 * Decoding straight into the destination. When the destination is a 32-bit
 * format whose rows are exactly @row_pixels pixels with no padding (stride
 * = width × 4, as pixman lays out 32-bit images) and its memory is aligned
 * for guint32, its pixels form one array of height × width 0xAARRGGBB words
 * in memory order (on little-endian hosts): returns it, so that a decoder
 * can write the stream's pixels there without a scratch buffer. NULL when
 * the decoder must go through a scratch buffer and
 * tether_codec_dest_put_image().
 */
guint32 *tether_codec_dest_linear (const TetherCodecDest *dest, gsize row_pixels);

/* Reverses the order of the rows of a checked destination, in place: a
 * bottom-up stream decoded in stream order into tether_codec_dest_linear()
 * memory becomes top-down. */
void     tether_codec_dest_flip_rows (const TetherCodecDest *dest);

/* Sets byte 3 (0xff) of @n 32-bit pixels at @p, 16 or 32 bytes per
 * operation. */
void     tether_codec_set_opaque (guint8 *p, gsize n);

/* Copies @n 32-bit pixels from @in to @out (not overlapping) with byte 3
 * set to 0xff. */
void     tether_codec_copy_opaque (guint8 *out, const guint8 *in, gsize n);

/* x1r5g5b5 → 0x00RRGGBB, each channel widened as (c << 3) | (c >> 2). */
static inline guint32
tether_codec_rgb555_to_xrgb (guint v)
{
  guint r = (v >> 10) & 31, g = (v >> 5) & 31, b = v & 31;

  return (guint32) ((r << 3 | r >> 2) << 16 | (g << 3 | g >> 2) << 8 | (b << 3 | b >> 2));
}

G_END_DECLS
