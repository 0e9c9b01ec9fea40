/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the canvas's source files share (not an API): the canvas and
 * surface structs, the per-operation context of the image pipeline, pixel
 * access and the raster operations.
 */

#include "tether-spice-canvas-private.h"

G_BEGIN_DECLS

typedef struct {
  guint32               id;
  TetherSpiceSurfaceFmt format;
  pixman_format_code_t  pixman_format;
  guint                 width;
  guint                 height;
  guint                 bytes_pp;     /* 4, 2 or 1 */
  gsize                 stride;
  gsize                 n_bytes;
  guint8               *data;
  pixman_image_t       *image;        /* over data */
  gboolean              primary;
} TetherSpiceSurface;

struct _TetherSpiceCanvas {
  GHashTable              *surfaces;         /* guint32 id -> TetherSpiceSurface* */
  gboolean                 has_primary;
  guint32                  primary_id;
  TetherSpiceImageCache   *images;
  TetherGlzWindow         *glz;
  TetherSpicePaletteCache *palettes;
  gsize                    max_surface_bytes;
  gsize                    surface_bytes;
  gsize                    max_image_pixels;
  /* GLZ images decoded by an attempt that then had to wait, so that the
   * retry does not add them to the window twice. Keyed by the image's
   * descriptor id, size and payload checksum (a GLZ payload names its
   * window id, so equal bytes are the same window image). Entries go when
   * an operation that used them completes; at most
   * TETHER_SPICE_GLZ_MEMO_MAX stay. */
  GHashTable              *glz_memo;         /* char* key -> pixman_image_t* */
};

/* Pixman format of a surface format; 0 when the canvas has none. */
pixman_format_code_t tether_spice_surface_fmt_to_pixman (TetherSpiceSurfaceFmt format);

TetherSpiceSurface *tether_spice_canvas_lookup_surface (TetherSpiceCanvas *canvas, guint32 id);

/* ---- one operation ------------------------------------------------------ */

#define TETHER_SPICE_OP_MAX_IMAGES 8
#define TETHER_SPICE_GLZ_MEMO_MAX  16

typedef struct {
  guint64         id;
  pixman_image_t *image;
  gboolean        lossy;
  gboolean        replace;    /* CACHE_REPLACE_ME rather than CACHE_ME */
} TetherSpicePendingPut;

/* Images are decoded through an Op: cache insertions wait in `pending`
 * until the whole operation succeeded (so a retry after WOULD_BLOCK does
 * not count them twice), and `used` lists the images already decoded, so
 * the rest can be "touched" at the end. */
typedef struct {
  TetherSpiceCanvas       *canvas;
  TetherSpiceImageWait    *wait;
  /* The destination's format: palettes are x1r5g5b5 for 16-bit ones. */
  TetherSpiceSurfaceFmt    dest_format;
  TetherSpicePendingPut    pending[TETHER_SPICE_OP_MAX_IMAGES];
  guint                    n_pending;
  const TetherSpiceImage  *used[TETHER_SPICE_OP_MAX_IMAGES];
  guint                    n_used;
  char                    *memo_keys[TETHER_SPICE_OP_MAX_IMAGES];   /* GLZ memo entries used */
  guint                    n_memo_keys;
} TetherSpiceOp;

void            tether_spice_op_init   (TetherSpiceOp *op, TetherSpiceCanvas *canvas,
                                        TetherSpiceImageWait *wait);
/* Commits the pending cache insertions (on success) or drops them. The
 * GLZ memo entries the operation used are dropped unless it @waits. */
void            tether_spice_op_finish (TetherSpiceOp *op, gboolean success, gboolean waits);
/* The pixels of @image; a new reference or NULL with @error. */
pixman_image_t *tether_spice_op_get_image (TetherSpiceOp *op, const TetherSpiceImage *image,
                                           gboolean as_mask, GError **error);
/* Decodes @image only if the caches or the GLZ window need it (§8.1 step
 * 5) and it was not decoded by this operation already. */
gboolean        tether_spice_op_touch_image (TetherSpiceOp *op, const TetherSpiceImage *image,
                                             gboolean as_mask, GError **error);

/* A new image of @format with zeroed pixels, or NULL with
 * TETHER_SPICE_ERROR_LIMIT_EXCEEDED when memory runs out. */
pixman_image_t *tether_spice_image_new (pixman_format_code_t format, guint width, guint height,
                                        GError **error);

/* ---- pixels and raster operations --------------------------------------- */

/* A ROP2 truth table: bit ((s << 1) | d) is the result for source bit s and
 * destination bit d. */
#define TETHER_SPICE_ROP2_CLEAR    0x0u
#define TETHER_SPICE_ROP2_COPY     0xcu
#define TETHER_SPICE_ROP2_NOOP     0xau
#define TETHER_SPICE_ROP2_INVERT   0x5u
#define TETHER_SPICE_ROP2_SET      0xfu

/* The ROP2 a descriptor means (§8.3), given which descriptor bits invert
 * the input ("s") and the target ("d"). */
guint tether_spice_rop2_from_descriptor (guint16 descriptor, guint s_invert_bit, guint d_invert_bit);

static inline guint32
tether_spice_rop2_apply (guint table, guint32 s, guint32 d)
{
  guint32 r = 0;

  if (table & 1u) r |= ~s & ~d;
  if (table & 2u) r |= ~s & d;
  if (table & 4u) r |= s & ~d;
  if (table & 8u) r |= s & d;
  return r;
}

/* ROP3: bit ((p << 2) | (s << 1) | d) of @rop3 for each bit. */
static inline guint32
tether_spice_rop3_apply (guint8 rop3, guint32 p, guint32 s, guint32 d)
{
  guint32 r = 0;

  for (guint i = 0; i < 8; i++)
    if (rop3 & (1u << i))
      r |= ((i & 4) ? p : ~p) & ((i & 2) ? s : ~s) & ((i & 1) ? d : ~d);
  return r;
}

/* A value per destination pixel: a solid pixel, an image in the surface's
 * format placed with its (0,0) at (ox, oy), or such an image tiled. */
typedef struct {
  enum { TETHER_SPICE_OPERAND_SOLID, TETHER_SPICE_OPERAND_IMAGE, TETHER_SPICE_OPERAND_TILE } kind;
  guint32         solid;
  pixman_image_t *image;     /* owned reference */
  gint            ox;
  gint            oy;
  guint           bytes_pp;
} TetherSpiceOperand;

void    tether_spice_operand_clear (TetherSpiceOperand *operand);
guint32 tether_spice_operand_get   (const TetherSpiceOperand *operand, gint x, gint y);

/* A brush as an operand in @surface's format (NONE: solid 0). */
gboolean tether_spice_op_brush_operand (TetherSpiceOp *op, TetherSpiceSurface *surface,
                                        const TetherSpiceBrush *brush,
                                        TetherSpiceOperand *operand, GError **error);

/* Every pixel of @region: d = ROP2(table, operand, d). */
void     tether_spice_surface_rop2 (TetherSpiceSurface *surface, pixman_region32_t *region,
                                    guint table, const TetherSpiceOperand *operand);

/* Raw pixel access inside the surface (callers stay inside it). */
guint32  tether_spice_surface_get_pixel (const TetherSpiceSurface *surface, gint x, gint y);
void     tether_spice_surface_put_pixel (TetherSpiceSurface *surface, gint x, gint y, guint32 v);

/* box ∩ surface ∩ clip. */
void     tether_spice_surface_region (TetherSpiceSurface *surface, const TetherSpiceRect *box,
                                      const TetherSpiceClip *clip, pixman_region32_t *region);

/* ---- operations in other files ------------------------------------------ */

/* STROKE and TEXT draw with brushes prepared beforehand (in the
 * surface's format); they fail only before changing any pixel. */
gboolean tether_spice_canvas_draw_stroke (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                                          pixman_region32_t *region,
                                          const TetherSpiceOperand *brush, GError **error);
gboolean tether_spice_canvas_draw_text   (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                                          pixman_region32_t *region,
                                          const TetherSpiceOperand *fore,
                                          const TetherSpiceOperand *back, GError **error);

G_END_DECLS
