/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Display channel messages (docs/spice-protocol.md §7, §9): decoders for
 * every server message, encoders for every client message.
 *
 * Decoders take a complete message body (for a sub-message: its own body,
 * since pointers are relative to it). Pointers (u32 offsets from the start
 * of the body, 0 = NULL) are followed through tether_reader_at() against
 * the whole body, never by arithmetic on wire values; every count is
 * capped by a constant below and checked against the bytes that remain
 * before anything is allocated.
 *
 * A decoded message that refers to bytes of the body (image payloads, glyph
 * bitmaps, stream frames) keeps a reference to the body, so its pointers
 * stay valid until the message's _clear() function runs.
 */

#include <gio/gio.h>

#include "tether-spice-common-messages-private.h"
#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* ---- Tether's caps on what a display message may hold ------------------- */

/* Rectangles in one Clip (the server merges regions far below this). */
#define TETHER_SPICE_MAX_CLIP_RECTS          65536u
/* Entries of one palette: the 8-bit formats use at most 256. */
#define TETHER_SPICE_MAX_PALETTE_ENTRIES     256u
/* Resources in one INVAL_LIST (the count is a u16 anyway). */
#define TETHER_SPICE_MAX_INVAL_RESOURCES     65535u
/* Segments of one stroke path, and points over all its segments. */
#define TETHER_SPICE_MAX_PATH_SEGMENTS       16384u
#define TETHER_SPICE_MAX_PATH_POINTS         65536u
/* Glyphs of one DRAW_TEXT string, and the longest side of a glyph. */
#define TETHER_SPICE_MAX_GLYPHS              8192u
#define TETHER_SPICE_MAX_GLYPH_SIDE          1024u
/* Heads in MONITORS_CONFIG (spice-gtk clamps max_allowed to 256 too). */
#define TETHER_SPICE_MAX_MONITORS            256u
/* Video streams: ids are below SPICE_MAX_NUM_STREAMS. */
#define TETHER_SPICE_MAX_STREAMS             64u
/* Codecs in PREFERRED_VIDEO_CODEC_TYPE. */
#define TETHER_SPICE_MAX_VIDEO_CODECS        16u

/* ---- enumerations (§7.1, §7.2, §7.4) ------------------------------------ */

/* SpiceClipType */
#define TETHER_SPICE_CLIP_NONE               0u
#define TETHER_SPICE_CLIP_RECTS              1u

/* SpiceBrushType */
#define TETHER_SPICE_BRUSH_NONE              0u
#define TETHER_SPICE_BRUSH_SOLID             1u
#define TETHER_SPICE_BRUSH_PATTERN           2u

/* SpiceMaskFlags */
#define TETHER_SPICE_MASK_INVERS             (1u << 0)

/* SpiceImageScaleMode */
#define TETHER_SPICE_SCALE_INTERPOLATE       0u
#define TETHER_SPICE_SCALE_NEAREST           1u

/* SpiceResourceType */
#define TETHER_SPICE_RES_PIXMAP              1u

/* SpiceImageType */
typedef enum {
  TETHER_SPICE_IMAGE_BITMAP              = 0,
  TETHER_SPICE_IMAGE_QUIC                = 1,
  TETHER_SPICE_IMAGE_RESERVED            = 2,
  TETHER_SPICE_IMAGE_LZ_PLT              = 100,
  TETHER_SPICE_IMAGE_LZ_RGB              = 101,
  TETHER_SPICE_IMAGE_GLZ_RGB             = 102,
  TETHER_SPICE_IMAGE_FROM_CACHE          = 103,
  TETHER_SPICE_IMAGE_SURFACE             = 104,
  TETHER_SPICE_IMAGE_JPEG                = 105,
  TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS = 106,
  TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB        = 107,
  TETHER_SPICE_IMAGE_JPEG_ALPHA          = 108,
  TETHER_SPICE_IMAGE_LZ4                 = 109,
} TetherSpiceImageType;

/* SpiceImageFlags (descriptor) */
#define TETHER_SPICE_IMAGE_FLAG_CACHE_ME          (1u << 0)
#define TETHER_SPICE_IMAGE_FLAG_HIGH_BITS_SET     (1u << 1)
#define TETHER_SPICE_IMAGE_FLAG_CACHE_REPLACE_ME  (1u << 2)

/* SpiceBitmapFlags (BITMAP and LZ_PLT) */
#define TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME     (1u << 0)
#define TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE   (1u << 1)
#define TETHER_SPICE_BITMAP_FLAG_TOP_DOWN         (1u << 2)

/* SpiceJpegAlphaFlags */
#define TETHER_SPICE_JPEG_ALPHA_FLAG_TOP_DOWN     (1u << 0)

/* SpiceBitmapFmt */
typedef enum {
  TETHER_SPICE_BITMAP_FMT_INVALID = 0,
  TETHER_SPICE_BITMAP_FMT_1BIT_LE = 1,
  TETHER_SPICE_BITMAP_FMT_1BIT_BE = 2,
  TETHER_SPICE_BITMAP_FMT_4BIT_LE = 3,
  TETHER_SPICE_BITMAP_FMT_4BIT_BE = 4,
  TETHER_SPICE_BITMAP_FMT_8BIT    = 5,
  TETHER_SPICE_BITMAP_FMT_16BIT   = 6,
  TETHER_SPICE_BITMAP_FMT_24BIT   = 7,
  TETHER_SPICE_BITMAP_FMT_32BIT   = 8,
  TETHER_SPICE_BITMAP_FMT_RGBA    = 9,
  TETHER_SPICE_BITMAP_FMT_8BIT_A  = 10,
} TetherSpiceBitmapFmt;

/* Bits per pixel of a bitmap format, 0 for an unknown one. */
guint tether_spice_bitmap_fmt_bpp (guint format);

/* SpiceSurfaceFmt */
typedef enum {
  TETHER_SPICE_SURFACE_FMT_INVALID = 0,
  TETHER_SPICE_SURFACE_FMT_1_A     = 1,
  TETHER_SPICE_SURFACE_FMT_8_A     = 8,
  TETHER_SPICE_SURFACE_FMT_16_555  = 16,
  TETHER_SPICE_SURFACE_FMT_32_xRGB = 32,
  TETHER_SPICE_SURFACE_FMT_16_565  = 80,
  TETHER_SPICE_SURFACE_FMT_32_ARGB = 96,
} TetherSpiceSurfaceFmt;

/* SpiceSurfaceFlags */
#define TETHER_SPICE_SURFACE_FLAG_PRIMARY         (1u << 0)
#define TETHER_SPICE_SURFACE_FLAG_STREAMING_MODE  (1u << 1)

/* SpiceStreamFlags */
#define TETHER_SPICE_STREAM_FLAG_TOP_DOWN         (1u << 0)

/* SpiceVideoCodecType */
#define TETHER_SPICE_VIDEO_CODEC_MJPEG       1u
#define TETHER_SPICE_VIDEO_CODEC_VP8         2u
#define TETHER_SPICE_VIDEO_CODEC_H264        3u
#define TETHER_SPICE_VIDEO_CODEC_VP9         4u
#define TETHER_SPICE_VIDEO_CODEC_H265        5u

/* SpiceImageCompression */
typedef enum {
  TETHER_SPICE_IMAGE_COMPRESSION_INVALID  = 0,
  TETHER_SPICE_IMAGE_COMPRESSION_OFF      = 1,
  TETHER_SPICE_IMAGE_COMPRESSION_AUTO_GLZ = 2,
  TETHER_SPICE_IMAGE_COMPRESSION_AUTO_LZ  = 3,
  TETHER_SPICE_IMAGE_COMPRESSION_QUIC     = 4,
  TETHER_SPICE_IMAGE_COMPRESSION_GLZ      = 5,
  TETHER_SPICE_IMAGE_COMPRESSION_LZ       = 6,
  TETHER_SPICE_IMAGE_COMPRESSION_LZ4      = 7,
} TetherSpiceImageCompression;

/* ROP descriptor bits (§8.3) */
#define TETHER_SPICE_ROPD_INVERS_SRC         (1u << 0)
#define TETHER_SPICE_ROPD_INVERS_BRUSH       (1u << 1)
#define TETHER_SPICE_ROPD_INVERS_DEST        (1u << 2)
#define TETHER_SPICE_ROPD_OP_PUT             (1u << 3)
#define TETHER_SPICE_ROPD_OP_OR              (1u << 4)
#define TETHER_SPICE_ROPD_OP_AND             (1u << 5)
#define TETHER_SPICE_ROPD_OP_XOR             (1u << 6)
#define TETHER_SPICE_ROPD_OP_BLACKNESS       (1u << 7)
#define TETHER_SPICE_ROPD_OP_WHITENESS       (1u << 8)
#define TETHER_SPICE_ROPD_OP_INVERS          (1u << 9)
#define TETHER_SPICE_ROPD_INVERS_RES         (1u << 10)

/* LineFlags, PathFlags, StringFlags */
#define TETHER_SPICE_LINE_FLAG_START_WITH_GAP (1u << 2)
#define TETHER_SPICE_LINE_FLAG_STYLED         (1u << 3)
#define TETHER_SPICE_PATH_BEGIN               (1u << 0)
#define TETHER_SPICE_PATH_END                 (1u << 1)
#define TETHER_SPICE_PATH_CLOSE               (1u << 3)
#define TETHER_SPICE_PATH_BEZIER              (1u << 4)
#define TETHER_SPICE_STRING_RASTER_A1         (1u << 0)
#define TETHER_SPICE_STRING_RASTER_A4         (1u << 1)
#define TETHER_SPICE_STRING_RASTER_A8         (1u << 2)
#define TETHER_SPICE_STRING_RASTER_TOP_DOWN   (1u << 3)

/* SpiceAlphaFlags (DRAW_ALPHA_BLEND) */
#define TETHER_SPICE_ALPHA_FLAG_DEST_HAS_ALPHA        (1u << 0)
#define TETHER_SPICE_ALPHA_FLAG_SRC_SURFACE_HAS_ALPHA (1u << 1)

/* DRAW_COMPOSITE flags (§8.4) */
#define TETHER_SPICE_COMPOSITE_OP_MASK           0xffu
#define TETHER_SPICE_COMPOSITE_SRC_FILTER_SHIFT  8
#define TETHER_SPICE_COMPOSITE_MASK_FILTER_SHIFT 11
#define TETHER_SPICE_COMPOSITE_SRC_REPEAT_SHIFT  14
#define TETHER_SPICE_COMPOSITE_MASK_REPEAT_SHIFT 16
#define TETHER_SPICE_COMPOSITE_COMPONENT_ALPHA   (1u << 18)
#define TETHER_SPICE_COMPOSITE_HAS_MASK          (1u << 19)
#define TETHER_SPICE_COMPOSITE_HAS_SRC_TRANSFORM (1u << 20)
#define TETHER_SPICE_COMPOSITE_HAS_MASK_TRANSFORM (1u << 21)
#define TETHER_SPICE_COMPOSITE_SOURCE_OPAQUE     (1u << 22)
#define TETHER_SPICE_COMPOSITE_MASK_OPAQUE       (1u << 23)
#define TETHER_SPICE_COMPOSITE_DEST_OPAQUE       (1u << 24)

/* GL scanout flags */
#define TETHER_SPICE_GL_SCANOUT_FLAG_Y0TOP       (1u << 0)

/* ---- shared structures (§7.1) ------------------------------------------- */

/* Rect: right and bottom are exclusive; decoders require left <= right and
 * top <= bottom. */
typedef struct {
  gint32 top;
  gint32 left;
  gint32 bottom;
  gint32 right;
} TetherSpiceRect;

typedef struct {
  gint32 x;
  gint32 y;
} TetherSpicePoint;

typedef struct {
  gint16 x;
  gint16 y;
} TetherSpicePoint16;

/* A fix28_4 point: the value is raw / 16. */
typedef struct {
  gint32 x;
  gint32 y;
} TetherSpicePointFix;

typedef struct {
  guint8           type;       /* TETHER_SPICE_CLIP_* */
  guint            n_rects;    /* RECTS: at most TETHER_SPICE_MAX_CLIP_RECTS */
  TetherSpiceRect *rects;      /* owned; NULL when n_rects is 0 */
} TetherSpiceClip;

typedef struct {
  guint32         surface_id;
  TetherSpiceRect box;
  TetherSpiceClip clip;
} TetherSpiceDisplayBase;

/* A palette reached through a pointer: entries 0x00RRGGBB. */
typedef struct {
  guint64  unique;
  guint    n_ents;            /* at most TETHER_SPICE_MAX_PALETTE_ENTRIES */
  guint32  ents[TETHER_SPICE_MAX_PALETTE_ENTRIES];
} TetherSpicePalette;

/*
 * A SpiceImage (§7.2): the descriptor and its type-specific part. Payload
 * bytes are borrowed from the message body.
 */
typedef struct {
  gboolean            present;   /* FALSE: a NULL pointer */
  guint64             id;
  guint8              type;      /* TetherSpiceImageType, checked */
  guint8              flags;     /* TETHER_SPICE_IMAGE_FLAG_* */
  guint32             width;
  guint32             height;

  /* BITMAP: format, flags, x, y, stride (x and y are the bitmap's own size). */
  guint8              bitmap_format;   /* TetherSpiceBitmapFmt, checked */
  guint8              bitmap_flags;    /* also LZ_PLT's flags */
  guint32             bitmap_x;
  guint32             bitmap_y;
  guint32             bitmap_stride;

  /* BITMAP and LZ_PLT: with PAL_FROM_CACHE, palette_id names the palette;
   * otherwise palette is the pointed-to one, or NULL (pointer 0, allowed
   * for BITMAP only). */
  guint64             palette_id;
  TetherSpicePalette *palette;         /* owned */

  /* The payload: BITMAP's stride × y bytes, or a compressed stream. */
  const guint8       *data;
  gsize               data_size;

  guint32             glz_data_size;   /* ZLIB_GLZ_RGB: inflated size */
  guint8              jpeg_alpha_flags;/* JPEG_ALPHA */
  guint32             jpeg_size;       /* JPEG_ALPHA: JPEG bytes at the start of data */
  guint32             surface_id;      /* SURFACE */
} TetherSpiceImage;

typedef struct {
  guint8           type;        /* TETHER_SPICE_BRUSH_* */
  guint32          color;       /* SOLID */
  TetherSpiceImage pattern;     /* PATTERN (always present then) */
  TetherSpicePoint pos;         /* PATTERN */
} TetherSpiceBrush;

typedef struct {
  guint8           flags;       /* TETHER_SPICE_MASK_INVERS */
  TetherSpicePoint pos;
  TetherSpiceImage bitmap;      /* present = FALSE: no mask */
} TetherSpiceQMask;

typedef struct {
  guint8   flags;               /* TETHER_SPICE_PATH_* */
  guint    n_points;
  TetherSpicePointFix *points;  /* borrowed from the message's points array */
} TetherSpicePathSegment;

typedef struct {
  guint                   n_segments;
  TetherSpicePathSegment *segments;   /* owned */
  TetherSpicePointFix    *points;     /* owned: every segment's points */
} TetherSpicePath;

typedef struct {
  guint8   flags;               /* TETHER_SPICE_LINE_FLAG_* */
  guint8   style_nseg;          /* STYLED: dash lengths */
  gint32  *style;               /* owned, fix28_4[style_nseg], NULL if none */
} TetherSpiceLineAttr;

typedef struct {
  TetherSpicePoint render_pos;
  TetherSpicePoint glyph_origin;
  guint16          width;
  guint16          height;
  const guint8    *data;        /* borrowed: ((bpp × width + 7) / 8) × height bytes */
} TetherSpiceGlyph;

typedef struct {
  guint8            flags;      /* TETHER_SPICE_STRING_*: exactly one of A1/A4/A8 */
  guint             bpp;        /* 1, 4 or 8 */
  guint             n_glyphs;
  TetherSpiceGlyph *glyphs;     /* owned */
} TetherSpiceString;

/* ---- drawing messages (COPY_BITS and DRAW_*) ---------------------------- */

/*
 * One struct for every message that starts with a DisplayBase: COPY_BITS
 * and the DRAW_* messages. `type` says which fields are meaningful:
 *
 *   COPY_BITS      src_pos
 *   FILL           brush, rop_descriptor, mask
 *   OPAQUE         src, src_area, brush, rop_descriptor, scale_mode, mask
 *   COPY, BLEND    src, src_area, rop_descriptor, scale_mode, mask
 *   BLACKNESS, WHITENESS, INVERS   mask
 *   ROP3           src, src_area, brush, rop3, scale_mode, mask
 *   STROKE         path, attr, brush, fore_mode, back_mode
 *   TEXT           str, back_area, brush (fore), back_brush, fore_mode, back_mode
 *   TRANSPARENT    src, src_area, src_color, true_color
 *   ALPHA_BLEND    alpha_flags, alpha, src, src_area
 *   COMPOSITE      composite_flags, src, composite_mask, src_transform,
 *                  mask_transform, src_origin, mask_origin
 */
typedef struct {
  guint16                type;        /* TETHER_SPICE_MSG_DISPLAY_* */
  TetherSpiceDisplayBase base;

  TetherSpicePoint       src_pos;
  TetherSpiceImage       src;
  TetherSpiceRect        src_area;
  TetherSpiceBrush       brush;
  TetherSpiceBrush       back_brush;
  guint16                rop_descriptor;
  guint8                 scale_mode;
  TetherSpiceQMask       mask;
  guint8                 rop3;

  TetherSpicePath        path;
  TetherSpiceLineAttr    attr;
  guint16                fore_mode;
  guint16                back_mode;

  TetherSpiceString      str;
  TetherSpiceRect        back_area;

  guint32                src_color;
  guint32                true_color;

  guint8                 alpha_flags;
  guint8                 alpha;

  guint32                composite_flags;
  TetherSpiceImage       composite_mask;  /* present iff HAS_MASK */
  guint32                src_transform[6];  /* t00 t01 t02 t10 t11 t12, 16.16 */
  guint32                mask_transform[6];
  TetherSpicePoint16     src_origin;
  TetherSpicePoint16     mask_origin;

  GBytes                *body;            /* keeps borrowed pointers valid */
} TetherSpiceDrawMsg;

/* TRUE for COPY_BITS and the DRAW_* types. */
gboolean tether_spice_display_is_draw_type (guint16 type);

/* Decodes a COPY_BITS or DRAW_* body. Unknown enums (brush, clip, image
 * type, bitmap format, scale mode, composite operator...) are
 * TETHER_SPICE_ERROR_PROTOCOL; counts over the caps above are
 * TETHER_SPICE_ERROR_LIMIT_EXCEEDED. *out is cleared on failure. */
gboolean tether_spice_msg_display_draw_decode (guint16 type, GBytes *body,
                                               TetherSpiceDrawMsg *out, GError **error);
void     tether_spice_draw_msg_clear          (TetherSpiceDrawMsg *msg);

/* Calls @func on each image the message carries (source, patterns, masks). */
typedef void (*TetherSpiceImageFunc) (const TetherSpiceImage *image, gpointer user_data);
void     tether_spice_draw_msg_foreach_image  (const TetherSpiceDrawMsg *msg,
                                               TetherSpiceImageFunc func, gpointer user_data);

/* ---- the other server messages ------------------------------------------ */

typedef struct {
  guint32 x_res;
  guint32 y_res;
  guint32 bits;
} TetherSpiceMsgDisplayMode;
gboolean tether_spice_msg_display_mode_decode (GBytes *body, TetherSpiceMsgDisplayMode *out,
                                               GError **error);

typedef struct {
  guint8  type;        /* TETHER_SPICE_RES_PIXMAP (checked) */
  guint64 id;
} TetherSpiceResourceId;

typedef struct {
  guint                  n_resources;
  TetherSpiceResourceId *resources;    /* owned */
} TetherSpiceMsgInvalList;
gboolean tether_spice_msg_display_inval_list_decode (GBytes *body, TetherSpiceMsgInvalList *out,
                                                     GError **error);
void     tether_spice_msg_display_inval_list_clear  (TetherSpiceMsgInvalList *list);

/* INVAL_ALL_PIXMAPS: the wait list, as in WAIT_FOR_CHANNELS. */
gboolean tether_spice_msg_display_inval_all_pixmaps_decode (GBytes *body,
                                                            TetherSpiceMsgWaitForChannels *out,
                                                            GError **error);

/* INVAL_PALETTE: u64 id. */
gboolean tether_spice_msg_display_inval_palette_decode (GBytes *body, guint64 *id, GError **error);

typedef struct {
  guint32         surface_id;
  guint32         id;            /* < TETHER_SPICE_MAX_STREAMS */
  guint8          flags;         /* TETHER_SPICE_STREAM_FLAG_* */
  guint8          codec_type;    /* TETHER_SPICE_VIDEO_CODEC_*; unknown values are kept */
  guint64         stamp;
  guint32         stream_width;
  guint32         stream_height;
  guint32         src_width;
  guint32         src_height;
  TetherSpiceRect dest;
  TetherSpiceClip clip;
} TetherSpiceMsgStreamCreate;
gboolean tether_spice_msg_display_stream_create_decode (GBytes *body, TetherSpiceMsgStreamCreate *out,
                                                        GError **error);
void     tether_spice_msg_display_stream_create_clear  (TetherSpiceMsgStreamCreate *msg);

/* STREAM_DATA and STREAM_DATA_SIZED (sized = TRUE: width, height, dest). */
typedef struct {
  guint32          id;
  guint32          multi_media_time;
  gboolean         sized;
  guint32          width;
  guint32          height;
  TetherSpiceRect  dest;
  GBytes          *data;         /* a slice of the body; never NULL on success */
} TetherSpiceMsgStreamData;
gboolean tether_spice_msg_display_stream_data_decode (guint16 type, GBytes *body,
                                                      TetherSpiceMsgStreamData *out, GError **error);
void     tether_spice_msg_display_stream_data_clear  (TetherSpiceMsgStreamData *msg);

typedef struct {
  guint32         id;
  TetherSpiceClip clip;
} TetherSpiceMsgStreamClip;
gboolean tether_spice_msg_display_stream_clip_decode (GBytes *body, TetherSpiceMsgStreamClip *out,
                                                      GError **error);
void     tether_spice_msg_display_stream_clip_clear  (TetherSpiceMsgStreamClip *msg);

/* STREAM_DESTROY: u32 id (< TETHER_SPICE_MAX_STREAMS). */
gboolean tether_spice_msg_display_stream_destroy_decode (GBytes *body, guint32 *id, GError **error);

typedef struct {
  guint32 stream_id;
  guint32 unique_id;
  guint32 max_window_size;
  guint32 timeout_ms;
} TetherSpiceMsgStreamActivateReport;
gboolean tether_spice_msg_display_stream_activate_report_decode (GBytes *body,
                                                                 TetherSpiceMsgStreamActivateReport *out,
                                                                 GError **error);

typedef struct {
  guint32 surface_id;
  guint32 width;
  guint32 height;
  guint32 format;      /* TetherSpiceSurfaceFmt, checked */
  guint32 flags;       /* TETHER_SPICE_SURFACE_FLAG_* */
} TetherSpiceMsgSurfaceCreate;
/* Sizes are checked by the canvas, which knows its limits; here only the
 * format is. */
gboolean tether_spice_msg_display_surface_create_decode (GBytes *body, TetherSpiceMsgSurfaceCreate *out,
                                                         GError **error);

/* SURFACE_DESTROY: u32 surface_id. */
gboolean tether_spice_msg_display_surface_destroy_decode (GBytes *body, guint32 *surface_id,
                                                          GError **error);

typedef struct {
  guint32 monitor_id;
  guint32 surface_id;
  guint32 width;
  guint32 height;
  guint32 x;
  guint32 y;
  guint32 flags;
} TetherSpiceHead;

typedef struct {
  guint            n_heads;       /* count, at most TETHER_SPICE_MAX_MONITORS */
  guint            max_allowed;   /* as sent */
  TetherSpiceHead *heads;         /* owned */
} TetherSpiceMsgMonitorsConfig;
gboolean tether_spice_msg_display_monitors_config_decode (GBytes *body, TetherSpiceMsgMonitorsConfig *out,
                                                          GError **error);
void     tether_spice_msg_display_monitors_config_clear  (TetherSpiceMsgMonitorsConfig *msg);

/* GL_SCANOUT_UNIX: recognised so that a channel can refuse it clearly.
 * When drm_fourcc_format != 0 the server sends a dma-buf fd with one extra
 * byte outside the message framing (§9.9); this decoder sees only the
 * body. */
typedef struct {
  guint32 width;
  guint32 height;
  guint32 stride;
  guint32 drm_fourcc_format;
  guint32 flags;
} TetherSpiceMsgGlScanout;
gboolean tether_spice_msg_display_gl_scanout_decode (GBytes *body, TetherSpiceMsgGlScanout *out,
                                                     GError **error);

typedef struct {
  guint32 x;
  guint32 y;
  guint32 w;
  guint32 h;
} TetherSpiceMsgGlDraw;
gboolean tether_spice_msg_display_gl_draw_decode (GBytes *body, TetherSpiceMsgGlDraw *out,
                                                  GError **error);

/* ---- client -> server --------------------------------------------------- */

/* spice-gtk's default image cache, 80 MiB, and the GLZ window bounds. */
#define TETHER_SPICE_DEFAULT_CACHE_SIZE          ((guint64) 80 << 20)
#define TETHER_SPICE_MIN_GLZ_WINDOW_SIZE         ((guint64) 12 << 20)
#define TETHER_SPICE_MAX_GLZ_WINDOW_SIZE         ((guint64) 64 << 20)
/* LZ_MAX_WINDOW_SIZE, in pixels. */
#define TETHER_SPICE_LZ_MAX_WINDOW_PIXELS        (1u << 25)

/* The GLZ window spice-gtk picks from MAIN_INIT's ram_hint (bytes):
 * clamp (ram_hint / 2, 12 MiB, 64 MiB). */
guint64  tether_spice_display_default_glz_window_size (guint64 ram_hint);

/* DISPLAY_INIT for an image cache of @cache_size bytes and a GLZ window of
 * @glz_window_size bytes, both sent in 32-bit pixels (÷ 4) like spice-gtk,
 * with cache id 1 and dictionary id 1. The window is capped at
 * LZ_MAX_WINDOW_SIZE pixels, the cache at G_MAXINT64 pixels. */
GBytes  *tether_spice_msgc_display_init_encode (guint64 cache_size, guint64 glz_window_size);

typedef struct {
  guint32 stream_id;
  guint32 unique_id;
  guint32 start_frame_mm_time;
  guint32 end_frame_mm_time;
  guint32 num_frames;
  guint32 num_drops;
  gint32  last_frame_delay;
  guint32 audio_delay;         /* 0xffffffff: no audio playback */
} TetherSpiceMsgcStreamReport;
GBytes  *tether_spice_msgc_display_stream_report_encode (const TetherSpiceMsgcStreamReport *report);

/* @compression: OFF .. LZ4 (INVALID means "send nothing"; returns NULL). */
GBytes  *tether_spice_msgc_display_preferred_compression_encode (TetherSpiceImageCompression compression);

/* @codecs: @n_codecs ≤ TETHER_SPICE_MAX_VIDEO_CODECS values
 * TETHER_SPICE_VIDEO_CODEC_*, most preferred first. */
GBytes  *tether_spice_msgc_display_preferred_video_codec_type_encode (const guint8 *codecs,
                                                                     gsize n_codecs);
GBytes  *tether_spice_msgc_display_gl_draw_done_encode (void);

G_END_DECLS
