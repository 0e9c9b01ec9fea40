/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "tether-codec-private.h"

G_BEGIN_DECLS

/*
 * SPICE's LZ4 image (spice-protocol.md §10.4): `u8 top_down, u8 format`,
 * then blocks of `u32 size (big-endian)` + an LZ4 raw block, decoded as one
 * LZ4 stream (a block may copy from the blocks before it) into packed rows
 * of width × bytes-per-pixel. The image's size is the descriptor's, that is
 * the destination's; the blocks must decode to exactly that many bytes.
 */

/* SpiceBitmapFmt values an LZ4 image may carry. */
typedef enum {
  TETHER_LZ4_FORMAT_16BIT = 6,   /* x1r5g5b5, little-endian u16 */
  TETHER_LZ4_FORMAT_24BIT = 7,   /* B, G, R */
  TETHER_LZ4_FORMAT_32BIT = 8,   /* B, G, R, X */
  TETHER_LZ4_FORMAT_RGBA  = 9,   /* B, G, R, A */
  TETHER_LZ4_FORMAT_8BIT_A = 10, /* A */
} TetherLz4Format;

gboolean tether_lz4_decode (const guint8 *data, gsize len,
                            const TetherCodecDest *dest, GError **error);

G_END_DECLS
