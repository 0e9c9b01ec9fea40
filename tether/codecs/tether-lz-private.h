/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <glib.h>

#include "tether-codec-private.h"

G_BEGIN_DECLS

/*
 * SPICE's LZ image decoder (LZ_RGB, LZ_PLT and the alpha plane of
 * JPEG_ALPHA): a FastLZ-style LZ77 over whole pixels, spice-protocol.md
 * §10.2. Every decoder checks the stream against the caps of
 * tether-codec-private.h and the destination, every back-reference against
 * the pixels already decoded, and requires the stream to end exactly where
 * the image does.
 */

/* LzImageType: the `type` of an LZ or GLZ header. */
typedef enum {
  TETHER_LZ_TYPE_INVALID = 0,
  TETHER_LZ_TYPE_PLT1_LE = 1,
  TETHER_LZ_TYPE_PLT1_BE = 2,
  TETHER_LZ_TYPE_PLT4_LE = 3,
  TETHER_LZ_TYPE_PLT4_BE = 4,
  TETHER_LZ_TYPE_PLT8    = 5,
  TETHER_LZ_TYPE_RGB16   = 6,
  TETHER_LZ_TYPE_RGB24   = 7,
  TETHER_LZ_TYPE_RGB32   = 8,
  TETHER_LZ_TYPE_RGBA    = 9,
  TETHER_LZ_TYPE_XXXA    = 10,
  TETHER_LZ_TYPE_A8      = 11,
} TetherLzType;

/* "LZ  " and version 1.1, both big-endian on the wire. */
#define TETHER_LZ_MAGIC          0x20205A4Cu
#define TETHER_LZ_VERSION        0x00010001u
/* Bytes of the LZ header: seven big-endian u32. */
#define TETHER_LZ_HEADER_SIZE    28u

typedef struct {
  TetherLzType type;
  guint32      width;
  guint32      height;
  guint32      stride;        /* bytes per row of the encoded bitmap */
  gboolean     top_down;      /* FALSE: the first decoded row is the bottom one */
  guint        pixels_per_byte; /* palette types: 8, 2 or 1; RGB types: 1 */
  gsize        row_pixels;    /* decoded pixels per row: width, or stride × ppb */
  gsize        n_pixels;      /* row_pixels × height, within TETHER_CODEC_MAX_PIXELS */
} TetherLzHeader;

/* Parses and validates the header (magic, version, type, stride rules of
 * §10.2, caps). */
gboolean tether_lz_read_header  (const guint8 *data, gsize len, TetherLzHeader *out,
                                 GError **error);

/* LZ_RGB: an LZ stream of type RGB16, RGB24, RGB32, RGBA, XXXA or A8,
 * whose size must equal the destination's. */
gboolean tether_lz_rgb_decode   (const guint8 *data, gsize len,
                                 const TetherCodecDest *dest, GError **error);

/* LZ_PLT: an LZ stream of a palette type; @palette holds @n_palette ≥ 1
 * entries 0x00RRGGBB (an index past the end wraps modulo @n_palette, like
 * the reference's 4-bit decoder). */
gboolean tether_lz_plt_decode   (const guint8 *data, gsize len,
                                 const guint32 *palette, guint n_palette,
                                 const TetherCodecDest *dest, GError **error);

/* The alpha plane of JPEG_ALPHA: an LZ stream of type XXXA whose size equals
 * the destination's and whose top_down equals @top_down; writes only the
 * alpha byte of each pixel of a 32-bit (or the alpha of an A8)
 * destination. */
gboolean tether_lz_alpha_decode (const guint8 *data, gsize len, gboolean top_down,
                                 const TetherCodecDest *dest, GError **error);

/* ---- shared with the GLZ decoder ---------------------------------------- */

/* How one pass over the image is coded. */
typedef struct {
  guint          unit_bytes;  /* bytes of one literal unit */
  guint          ppb;         /* pixels one literal unit decodes to */
  guint          bias;        /* added to every match length */
  gboolean       alpha_only;  /* literals and matches set only the alpha byte */
  gboolean       opaque;      /* an image without alpha: literals get alpha 0xff */
  TetherLzType   unit_type;   /* how literal units decode */
  const guint32 *palette;
  guint          n_palette;
} TetherLzPass;

const char *tether_lz_type_name (guint type);

/* Fills @pass with how pass @index (0, or 1 for RGBA's alpha pass) of an
 * image of @image_type is coded; FALSE when the image has no such pass. */
gboolean tether_lz_get_pass     (TetherLzType image_type, guint index,
                                 const guint32 *palette, guint n_palette,
                                 TetherLzPass *pass);

/* Decodes @units literal units from @in (units × pass->unit_bytes bytes)
 * into @out (units × pass->ppb pixels). Pixels of an opaque image (every
 * type but RGBA, XXXA and A8) get alpha 0xff, those of RGBA's first pass
 * alpha 0 (its second pass sets it). */
void     tether_lz_put_literals (const TetherLzPass *pass, const guint8 *in, gsize units,
                                 guint32 *out);

/* Copies @n pixels from @src to @dst as if forward, one at a time: an
 * overlapping source (src < dst in the same image) repeats as a run (done
 * as a fill, or as copies of whole periods that do not overlap). */
void     tether_lz_copy_pixels  (const TetherLzPass *pass, guint32 *dst, const guint32 *src,
                                 gsize n);

G_END_DECLS
