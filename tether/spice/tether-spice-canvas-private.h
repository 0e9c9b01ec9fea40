/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The SPICE software canvas: a display channel's surfaces, drawn on with
 * pixman as docs/spice-protocol.md §8 defines, and the image pipeline that
 * turns a SpiceImage into pixels through the codecs and caches (§9).
 *
 * Plain C, no GObject, not thread-safe: a canvas, and the image cache and
 * GLZ window it shares with the session's other display channels, are used
 * from one thread (the session's context).
 *
 *  - TetherSpiceImageCache: the session-wide pixmap cache, keyed by image
 *    id, reference counted per entry (§9.4), with a pixel budget.
 *  - TetherSpicePaletteCache: a display channel's palette cache.
 *  - TetherSpiceCanvas: surfaces, the draw operations, reading pixels back
 *    and writing PNG files.
 *
 * Waiting: an image may name a cached image (FROM_CACHE) or, through GLZ,
 * an earlier image that another display channel has not delivered yet.
 * Then the operation fails with G_IO_ERROR_WOULD_BLOCK, fills a
 * TetherSpiceImageWait, and changes nothing the server could notice: no
 * cache entry is added, no pixel is drawn. The caller calls again with the
 * same message once the awaited image is there (GLZ images the first
 * attempt already added to the window are remembered, not decoded twice).
 */

#include <gio/gio.h>
#include <pixman.h>

#include "tether-glz-private.h"
#include "tether-spice-display-wire-private.h"

G_BEGIN_DECLS

/* ---- caps --------------------------------------------------------------- */

/* The longest side of a surface, and the most surfaces one canvas holds. */
#define TETHER_SPICE_CANVAS_MAX_SIDE            16384u
#define TETHER_SPICE_CANVAS_MAX_SURFACES        4096u
/* Default bound on all surfaces of a canvas together, in bytes. */
#define TETHER_SPICE_CANVAS_DEFAULT_SURFACE_BYTES ((gsize) 1 << 30)
/* Default bound on one decoded image (pixels): the codecs' own cap. */
#define TETHER_SPICE_CANVAS_DEFAULT_IMAGE_PIXELS  TETHER_CODEC_MAX_PIXELS
/* Palettes a palette cache holds; the server keeps at most 128. The
 * oldest goes first beyond this. */
#define TETHER_SPICE_PALETTE_CACHE_MAX          256u
/* Line segments a stroke may flatten to (Bézier curves included), and how
 * deep one curve is split. */
#define TETHER_SPICE_STROKE_MAX_LINES           (1u << 18)
#define TETHER_SPICE_STROKE_MAX_BEZIER_DEPTH    10u

/* ---- waiting for an image ----------------------------------------------- */

typedef enum {
  TETHER_SPICE_IMAGE_WAIT_NONE,
  TETHER_SPICE_IMAGE_WAIT_CACHE,           /* FROM_CACHE: id in the image cache */
  TETHER_SPICE_IMAGE_WAIT_CACHE_LOSSLESS,  /* FROM_CACHE_LOSSLESS: a lossless entry for id */
  TETHER_SPICE_IMAGE_WAIT_GLZ,             /* GLZ: image id in the GLZ window */
} TetherSpiceImageWaitKind;

typedef struct {
  TetherSpiceImageWaitKind kind;
  guint64                  id;
} TetherSpiceImageWait;

/* ---- the image (pixmap) cache ------------------------------------------- */

typedef struct _TetherSpiceImageCache TetherSpiceImageCache;

/*
 * @max_pixels: the budget, in pixels (width × height per entry), as sent
 * in DISPLAY_INIT. The server evicts with INVAL_LIST so as to stay within
 * it; should it not, the least recently used entries go first, and an
 * image larger than the whole budget is not kept.
 */
TetherSpiceImageCache *tether_spice_image_cache_new      (guint64 max_pixels);
TetherSpiceImageCache *tether_spice_image_cache_ref      (TetherSpiceImageCache *cache);
void                   tether_spice_image_cache_unref    (TetherSpiceImageCache *cache);
void                   tether_spice_image_cache_clear    (TetherSpiceImageCache *cache);
void                   tether_spice_image_cache_set_max_pixels (TetherSpiceImageCache *cache,
                                                               guint64 max_pixels);
guint64                tether_spice_image_cache_get_max_pixels (TetherSpiceImageCache *cache);
guint64                tether_spice_image_cache_get_pixels     (TetherSpiceImageCache *cache);
guint                  tether_spice_image_cache_get_n_entries  (TetherSpiceImageCache *cache);

/* Adds @image (a reference is taken) as @id. An id already present gains a
 * reference (several display channels put the same image) and keeps its
 * pixels. @lossy: a JPEG image, not good enough for FROM_CACHE_LOSSLESS. */
void     tether_spice_image_cache_put     (TetherSpiceImageCache *cache, guint64 id,
                                           pixman_image_t *image, gboolean lossy);
/* CACHE_REPLACE_ME: new pixels for an existing id, now lossless; its
 * reference count stays. FALSE when @id is not cached. */
gboolean tether_spice_image_cache_replace (TetherSpiceImageCache *cache, guint64 id,
                                           pixman_image_t *image);
/* INVAL_LIST: drops one reference; the entry goes at zero. */
void     tether_spice_image_cache_remove  (TetherSpiceImageCache *cache, guint64 id);
/* A new reference to the pixels of @id, or NULL; with @lossless, a lossy
 * entry counts as absent. *@lossy (if not NULL) says what was found. A hit
 * makes the entry the most recently used. */
pixman_image_t *tether_spice_image_cache_lookup (TetherSpiceImageCache *cache, guint64 id,
                                                 gboolean lossless, gboolean *lossy);
/* The entry's reference count, 0 when absent. */
guint    tether_spice_image_cache_get_refs (TetherSpiceImageCache *cache, guint64 id);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceImageCache, tether_spice_image_cache_unref)

/* ---- the palette cache --------------------------------------------------- */

typedef struct _TetherSpicePaletteCache TetherSpicePaletteCache;

TetherSpicePaletteCache  *tether_spice_palette_cache_new    (void);
void                      tether_spice_palette_cache_free   (TetherSpicePaletteCache *cache);
/* Keeps a copy of @palette under palette->unique (replacing one with that
 * id); beyond TETHER_SPICE_PALETTE_CACHE_MAX the oldest is dropped. */
void                      tether_spice_palette_cache_put    (TetherSpicePaletteCache *cache,
                                                             const TetherSpicePalette *palette);
/* The palette, valid until the cache changes, or NULL. */
const TetherSpicePalette *tether_spice_palette_cache_lookup (TetherSpicePaletteCache *cache,
                                                             guint64 id);
void                      tether_spice_palette_cache_remove (TetherSpicePaletteCache *cache,
                                                             guint64 id);
void                      tether_spice_palette_cache_clear  (TetherSpicePaletteCache *cache);
guint                     tether_spice_palette_cache_get_n_entries (TetherSpicePaletteCache *cache);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpicePaletteCache, tether_spice_palette_cache_free)

/* ---- the canvas --------------------------------------------------------- */

typedef struct _TetherSpiceCanvas TetherSpiceCanvas;

/* A surface's pixels, borrowed from the canvas until the surface changes
 * size or goes away. Rows are top-down; 32-bit formats are host-endian
 * 0xAARRGGBB words (B, G, R, A/X in memory on little-endian hosts),
 * 16_555 is x1r5g5b5, 16_565 r5g6b5, 8_A one alpha byte. For 32_xRGB the
 * top byte of each pixel is unspecified. */
typedef struct {
  guint32               surface_id;
  guint8               *data;
  gsize                 stride;
  guint                 width;
  guint                 height;
  TetherSpiceSurfaceFmt format;
  gboolean              primary;
} TetherSpiceSurfaceInfo;

/* @images and @glz are the session's (a reference is taken); NULL makes
 * the canvas its own (default budget: spice-gtk's 80 MiB cache, 64 MiB
 * window). */
TetherSpiceCanvas *tether_spice_canvas_new   (TetherSpiceImageCache *images, TetherGlzWindow *glz);
void               tether_spice_canvas_free  (TetherSpiceCanvas *canvas);

TetherSpiceImageCache   *tether_spice_canvas_get_image_cache   (TetherSpiceCanvas *canvas);
TetherGlzWindow         *tether_spice_canvas_get_glz_window    (TetherSpiceCanvas *canvas);
TetherSpicePaletteCache *tether_spice_canvas_get_palette_cache (TetherSpiceCanvas *canvas);

/* Limits: bytes of all surfaces together, and pixels of one decoded image
 * (both capped by the defaults above). Over them is
 * TETHER_SPICE_ERROR_LIMIT_EXCEEDED. */
void     tether_spice_canvas_set_max_surface_bytes (TetherSpiceCanvas *canvas, gsize max_bytes);
void     tether_spice_canvas_set_max_image_pixels  (TetherSpiceCanvas *canvas, gsize max_pixels);

/* SURFACE_CREATE. Formats 32_xRGB, 32_ARGB, 16_555, 16_565 and 8_A; 1_A is
 * TETHER_SPICE_ERROR_UNSUPPORTED. A zero side is a protocol error, a side
 * over TETHER_SPICE_CANVAS_MAX_SIDE or the byte budget LIMIT_EXCEEDED. An
 * existing id is replaced, except that a primary surface of the same size
 * and format is kept with its pixels, as spice-gtk does. New surfaces are
 * black (all bits zero). */
gboolean tether_spice_canvas_create_surface  (TetherSpiceCanvas *canvas,
                                              const TetherSpiceMsgSurfaceCreate *msg,
                                              GError **error);
/* SURFACE_DESTROY; an unknown id is ignored. */
void     tether_spice_canvas_destroy_surface (TetherSpiceCanvas *canvas, guint32 surface_id);
/* MODE (legacy): a primary surface 0, 32_xRGB when bits is 32, else 16_555. */
gboolean tether_spice_canvas_set_mode        (TetherSpiceCanvas *canvas,
                                              const TetherSpiceMsgDisplayMode *msg, GError **error);
/* RESET (legacy): the primary turns black and the palette cache empties. */
void     tether_spice_canvas_reset           (TetherSpiceCanvas *canvas);
/* Drops every surface (channel reset or disconnect). */
void     tether_spice_canvas_clear           (TetherSpiceCanvas *canvas);
/* Drops every surface but the primary one, and what waits for a retry. */
void     tether_spice_canvas_clear_offscreen (TetherSpiceCanvas *canvas);
guint    tether_spice_canvas_get_n_surfaces  (TetherSpiceCanvas *canvas);

/* INVAL_LIST, INVAL_ALL_PIXMAPS (after its wait list), INVAL_PALETTE,
 * INVAL_ALL_PALETTES. */
void     tether_spice_canvas_inval_list         (TetherSpiceCanvas *canvas,
                                                 const TetherSpiceMsgInvalList *list);
void     tether_spice_canvas_inval_all_pixmaps  (TetherSpiceCanvas *canvas);
void     tether_spice_canvas_inval_palette      (TetherSpiceCanvas *canvas, guint64 id);
void     tether_spice_canvas_inval_all_palettes (TetherSpiceCanvas *canvas);

/*
 * Applies COPY_BITS or a DRAW_* message. A message for a missing surface
 * draws nothing, but its images are still decoded when the caches or the
 * GLZ window need them (§8.1, step 5), as for a fully clipped one.
 *
 * @damage (nullable): the rectangle that may have changed (the box within
 * the surface), empty when nothing was drawn.
 * @wait (nullable): filled on G_IO_ERROR_WOULD_BLOCK.
 *
 * Errors: TETHER_SPICE_ERROR_PROTOCOL (an image that does not decode or
 * whose size is not its descriptor's, a source area outside its image, a
 * mask that is not 1-bit...), _LIMIT_EXCEEDED, _UNSUPPORTED (a surface
 * used as a mask, a convolution filter), G_IO_ERROR_WOULD_BLOCK (see
 * above). A failed operation changes no pixel.
 */
gboolean tether_spice_canvas_draw (TetherSpiceCanvas *canvas, const TetherSpiceDrawMsg *msg,
                                   TetherSpiceRect *damage, TetherSpiceImageWait *wait,
                                   GError **error);

/*
 * Decodes one image as a draw operation would (caching it when it says
 * so, adding GLZ images to the window), without drawing. @as_mask: decode
 * a 1-bit bitmap as a mask (PIXMAN_a1) rather than through its palette.
 * Returns a new reference, or NULL with @error (and @wait, as above).
 */
pixman_image_t *tether_spice_canvas_decode_image (TetherSpiceCanvas *canvas,
                                                  const TetherSpiceImage *image,
                                                  gboolean as_mask,
                                                  TetherSpiceImageWait *wait,
                                                  GError **error);

/*
 * Paints a decoded video frame: @width × @height xRGB32 pixels (host
 * 0x00RRGGBB words, @stride bytes a row) scaled (nearest) into @dest on
 * @surface_id, inside @clip (nullable: no clip) and the surface. When
 * @top_down is FALSE the first row is the bottom one. A missing surface is
 * ignored.
 */
gboolean tether_spice_canvas_put_frame (TetherSpiceCanvas *canvas, guint32 surface_id,
                                        const TetherSpiceRect *dest, const TetherSpiceClip *clip,
                                        const guint8 *pixels, gsize stride,
                                        guint width, guint height, gboolean top_down,
                                        GError **error);

/* ---- reading back -------------------------------------------------------- */

gboolean tether_spice_canvas_get_surface (TetherSpiceCanvas *canvas, guint32 surface_id,
                                          TetherSpiceSurfaceInfo *info);
gboolean tether_spice_canvas_get_primary (TetherSpiceCanvas *canvas, TetherSpiceSurfaceInfo *info);

/* The surface as a PNG: RGB for formats without alpha, RGBA (straight
 * alpha) for 32_ARGB and 8_A. G_IO_ERROR_NOT_FOUND for a missing surface. */
GBytes  *tether_spice_canvas_encode_png        (TetherSpiceCanvas *canvas, guint32 surface_id,
                                                GError **error);
gboolean tether_spice_canvas_write_png         (TetherSpiceCanvas *canvas, guint32 surface_id,
                                                const char *path, GError **error);
/* The primary surface to @path; G_IO_ERROR_NOT_FOUND without one. */
gboolean tether_spice_canvas_write_primary_png (TetherSpiceCanvas *canvas, const char *path,
                                                GError **error);

G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceCanvas, tether_spice_canvas_free)

G_END_DECLS
