/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The SPICE QUIC image decoder (spice-protocol.md §10.1): a pure function
 * from a QUIC stream to 32-bit pixels. No GObject, no I/O, no global state;
 * safe to call from any thread.
 *
 * tether_quic_decode() writes what spice-gtk's QUIC decoder writes: four
 * bytes B, G, R, X per pixel (pixman's x8r8g8b8/a8r8g8b8 on a little-endian
 * host, as spice-gtk's canvas uses):
 *
 *   RGB32, RGB24  B, G, R, 0
 *   RGB16         each 5-bit value c widened to (c << 3) | (c >> 2); X = 0
 *   RGBA          B, G, R, A (A as coded; SPICE's RGBA is premultiplied)
 *   GRAY          v, v, v, 0 (spice never sends GRAY; spice-gtk rejects it)
 *
 * tether_quic_decode_dest() follows the shared codec contract of
 * tether-codec-private.h instead: images without alpha are written opaque
 * (byte 3 = 0xff), and it can also write X1R5G5B5 (exact for RGB16, the
 * canvas's "original format" path) and A8.
 *
 * QUIC images are always top-down: row 0 of the stream is row 0 of the
 * destination. The image descriptor's HIGH_BITS_SET flag (§9.1) is the
 * caller's business.
 */

#include <glib.h>

#include "tether-codec-private.h"

G_BEGIN_DECLS

/* The stream's magic, "QUIC" read as a little-endian u32, and the only version. */
#define TETHER_QUIC_MAGIC       0x43495551u
#define TETHER_QUIC_VERSION     0u

/* The header's size is capped by TETHER_CODEC_MAX_SIDE and
 * TETHER_CODEC_MAX_PIXELS (tether-codec-private.h), like every codec's. */

/* The header: five 32-bit words (magic, version, type, width, height). */
#define TETHER_QUIC_HEADER_SIZE 20u

typedef enum {
  TETHER_QUIC_TYPE_GRAY  = 1,  /* 1 channel, 8 bits */
  TETHER_QUIC_TYPE_RGB16 = 2,  /* 3 channels, 5 bits */
  TETHER_QUIC_TYPE_RGB24 = 3,  /* 3 channels, 8 bits */
  TETHER_QUIC_TYPE_RGB32 = 4,  /* 3 channels, 8 bits */
  TETHER_QUIC_TYPE_RGBA  = 5,  /* 3 + 1 channels, 8 bits */
} TetherQuicType;

typedef struct {
  TetherQuicType type;
  guint32        width;   /* 1 .. TETHER_CODEC_MAX_SIDE */
  guint32        height;  /* 1 .. TETHER_CODEC_MAX_SIDE */
} TetherQuicHeader;

/* The name of @type ("RGB32", …), or NULL for a value that is not a type. */
const char *tether_quic_type_to_string (guint32 type);

/* Reads and validates the header of the QUIC stream @data: magic, version,
 * type and a size within the caps. On failure sets @error
 * (TETHER_SPICE_ERROR_PROTOCOL, _UNSUPPORTED for another version, or
 * _LIMIT_EXCEEDED for a size over the caps) and returns FALSE. */
gboolean tether_quic_read_header (const guint8     *data,
                                  gsize             len,
                                  TetherQuicHeader *header,
                                  GError          **error);

/* Decodes the QUIC stream @data (@len bytes; trailing bytes after the last
 * whole 32-bit word are ignored, as the reference does) into @dest, which
 * holds @dest_height rows of @dest_stride bytes. The stream's size must be
 * exactly @dest_width × @dest_height (the image descriptor's size) and
 * @dest_stride at least 4 × @dest_width. Writes only inside the first
 * @dest_width × 4 bytes of each of the @dest_height rows. On failure sets
 * @error (TETHER_SPICE_ERROR_PROTOCOL for a corrupt or truncated stream,
 * _UNSUPPORTED, _LIMIT_EXCEEDED; G_IO_ERROR_INVALID_ARGUMENT for a
 * destination that cannot hold the image), returns FALSE, and the
 * destination holds a partly decoded image. */
gboolean tether_quic_decode (const guint8 *data,
                             gsize         len,
                             guint8       *dest,
                             gsize         dest_stride,
                             guint32       dest_width,
                             guint32       dest_height,
                             GError      **error);

/* The same into a destination of the shared codec contract (checked with
 * tether_codec_dest_check(): G_IO_ERROR_INVALID_ARGUMENT if it is bad; its
 * size must be the stream's). RGB types are written opaque; RGBA with its
 * alpha; RGB16 into X1R5G5B5 keeps the coded 5-bit values. */
gboolean tether_quic_decode_dest (const guint8          *data,
                                  gsize                  len,
                                  const TetherCodecDest *dest,
                                  GError               **error);

G_END_DECLS
