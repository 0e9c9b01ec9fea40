/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "tether-codec-private.h"
#include "tether-lz-private.h"

G_BEGIN_DECLS

/*
 * SPICE GLZ ("global LZ", spice-protocol.md §9.6, §10.3): LZ whose matches
 * may copy pixels of earlier images, kept in a window shared by every
 * display channel of a session.
 *
 * TetherGlzWindow holds decoded images by id (32-bit pixels in stream
 * order, opaque types with alpha 0xff, in reference-counted buffers that
 * tether_glz_decode_shared() also hands to its caller). It is bounded two ways: by the server's rule (after each insert,
 * images older than what the newest gap-free image may still reference are
 * dropped) and by a byte budget (the oldest images go first). It is
 * reference counted and not thread-safe: use it from one thread.
 */

/* Bytes of the GLZ header (big-endian). */
#define TETHER_GLZ_HEADER_SIZE        33u
/* The largest byte budget of a window: the protocol's largest window,
 * 2^25 pixels (LZ_MAX_WINDOW_SIZE), at 4 bytes a pixel. */
#define TETHER_GLZ_WINDOW_MAX_BYTES   ((gsize) 4 << 25)
/* The budget spice-gtk's default glz-window-size gives at most: 64 MiB. */
#define TETHER_GLZ_WINDOW_DEFAULT_BYTES ((gsize) 64 << 20)
/* The largest inflated size of a ZLIB_GLZ_RGB image. It is also bounded
 * by the image: 8 bytes per pixel per pass, the most a valid stream can
 * spend on one pixel. */
#define TETHER_GLZ_MAX_ZLIB_BYTES     ((gsize) 256 << 20)

typedef struct {
  TetherLzType type;          /* RGB16, RGB24, RGB32 or RGBA */
  gboolean     top_down;
  guint32      width;
  guint32      height;
  guint32      stride;
  guint64      id;
  guint32      win_head_dist; /* id − win_head_dist: the oldest image it may use */
  gsize        n_pixels;
} TetherGlzHeader;

typedef struct _TetherGlzWindow TetherGlzWindow;

/* @max_bytes: the byte budget, clamped to TETHER_GLZ_WINDOW_MAX_BYTES. Give
 * at least 4 × the window size (in pixels) advertised in DISPLAY_INIT. */
TetherGlzWindow *tether_glz_window_new   (gsize max_bytes);
TetherGlzWindow *tether_glz_window_ref   (TetherGlzWindow *window);
void             tether_glz_window_unref (TetherGlzWindow *window);
/* Drops every image (on connect, host switch, migration end). */
void             tether_glz_window_clear (TetherGlzWindow *window);
/* Evicts the oldest images at once if they no longer fit. */
void             tether_glz_window_set_max_bytes (TetherGlzWindow *window, gsize max_bytes);
gsize            tether_glz_window_get_max_bytes (TetherGlzWindow *window);
/* Bytes of pixel data held now. */
gsize            tether_glz_window_get_bytes     (TetherGlzWindow *window);
guint            tether_glz_window_get_n_images  (TetherGlzWindow *window);
gboolean         tether_glz_window_has_image     (TetherGlzWindow *window, guint64 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherGlzWindow, tether_glz_window_unref)

gboolean tether_glz_read_header (const guint8 *data, gsize len, TetherGlzHeader *out,
                                 GError **error);

/*
 * GLZ_RGB: decodes the stream into @dest (whose size must be the stream's)
 * and adds the image to @window.
 *
 * A match that uses an image the window does not hold yet but may still
 * get (another display channel may be decoding it) fails with
 * G_IO_ERROR_WOULD_BLOCK and sets *@missing_id (if not NULL) to its id:
 * the caller may decode again once that image is in, or give up. Nothing
 * is added to the window then. A match that uses an evicted image, or
 * pixels outside the image it names, is TETHER_SPICE_ERROR_PROTOCOL; so is
 * an image id the window already holds.
 */
gboolean tether_glz_decode      (TetherGlzWindow *window,
                                 const guint8 *data, gsize len,
                                 const TetherCodecDest *dest,
                                 guint64 *missing_id, GError **error);

/* ZLIB_GLZ_RGB: inflates @data (zlib format) to exactly @glz_size bytes,
 * then tether_glz_decode(). */
gboolean tether_zlib_glz_decode (TetherGlzWindow *window, guint32 glz_size,
                                 const guint8 *data, gsize len,
                                 const TetherCodecDest *dest,
                                 guint64 *missing_id, GError **error);

/*
 * The same two, without a destination of the caller's: the image's pixels
 * are returned in a buffer the window shares (the window keeps the image
 * in it). @width × @height must be the stream's size (the image
 * descriptor's). Returns a new reference to width × height 0xAARRGGBB
 * words, top-down rows without padding (a bottom-up image gets a flipped
 * buffer of its own), alpha 0xff for the types without alpha; *@has_alpha
 * tells whether the image has alpha (RGBA). The buffer is READ-ONLY: later
 * images' matches read it. Release it with tether_glz_pixels_unref(). NULL
 * on failure, as tether_glz_decode() fails.
 */
guint32 *tether_glz_decode_shared      (TetherGlzWindow *window,
                                        const guint8 *data, gsize len,
                                        guint width, guint height, gboolean *has_alpha,
                                        guint64 *missing_id, GError **error);
guint32 *tether_zlib_glz_decode_shared (TetherGlzWindow *window, guint32 glz_size,
                                        const guint8 *data, gsize len,
                                        guint width, guint height, gboolean *has_alpha,
                                        guint64 *missing_id, GError **error);
guint32 *tether_glz_pixels_ref         (guint32 *pixels);
void     tether_glz_pixels_unref       (guint32 *pixels);

G_END_DECLS
