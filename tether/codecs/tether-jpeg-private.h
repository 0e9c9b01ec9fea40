/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "tether-codec-private.h"

G_BEGIN_DECLS

/*
 * JPEG, JPEG_ALPHA and MJPEG frames (spice-protocol.md §9.3, §10.5), decoded
 * with libjpeg-turbo. A libjpeg error or warning (corrupt or truncated data)
 * becomes a GError through a longjmp out of libjpeg; nothing is printed and
 * nothing exits. Only sequential (baseline or extended) JPEGs with 1 or 3
 * components are accepted, of exactly the destination's size.
 */

/* libjpeg's working memory for one image (its large-buffer pool). */
#define TETHER_JPEG_MAX_MEMORY ((gsize) 128 << 20)

/* Reads the frame size from the headers, without decoding (for a stream
 * frame whose size is not known beforehand). */
gboolean tether_jpeg_read_size    (const guint8 *data, gsize len,
                                   guint *width, guint *height, GError **error);

/* JPEG: a complete JFIF image, top row first. */
gboolean tether_jpeg_decode       (const guint8 *data, gsize len,
                                   const TetherCodecDest *dest, GError **error);

/* JPEG_ALPHA: @data holds @jpeg_size bytes of JPEG, then an LZ XXXA stream
 * with the alpha plane, whose top_down must equal @top_down (the image's
 * TOP_DOWN flag). The color is written first, then the alpha bytes. */
gboolean tether_jpeg_alpha_decode (const guint8 *data, gsize len, guint32 jpeg_size,
                                   gboolean top_down,
                                   const TetherCodecDest *dest, GError **error);

/* An MJPEG stream frame: a complete JFIF image; when @top_down is FALSE
 * (a stream without the TOP_DOWN flag) the first decoded row goes to the
 * bottom of @dest. Uses libjpeg's fast integer IDCT, like spice-gtk. */
gboolean tether_mjpeg_decode_frame (const guint8 *data, gsize len, gboolean top_down,
                                    const TetherCodecDest *dest, GError **error);

G_END_DECLS
