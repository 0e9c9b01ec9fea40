/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include <zlib.h>

#include "tether-codec-private.h"
#include "tether-glz-private.h"
#include "tether-jpeg-private.h"
#include "tether-lz-private.h"
#include "tether-lz4-private.h"
#include "tether-quic-private.h"
#include "tether-spice-canvas-ops-private.h"

/*
 * The image pipeline (docs/spice-protocol.md §9.1–§9.4): a SpiceImage to a
 * pixman image, through the codecs, the image cache, the palette cache,
 * the GLZ window or a surface.
 *
 * Decoded images keep their own format: x8r8g8b8 for opaque color
 * (palettes expanded), a8r8g8b8 for images with alpha (premultiplied),
 * a8 for alpha-only images and a1 for 1-bit masks. Rows are top-down.
 * Drawing converts them to the destination's format as needed.
 */

static gboolean G_GNUC_PRINTF (3, 4)
image_error (GError **error, TetherSpiceError code, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TETHER_SPICE_ERROR, code, "SPICE image: %s", text);
  return FALSE;
}

static void
free_pixels (pixman_image_t *image, void *data)
{
  g_free (data);
}

/* @zero: FALSE when the caller writes every pixel itself; rows with padding
 * (which nobody writes) are zeroed anyway. */
static pixman_image_t *
image_new (pixman_format_code_t format, guint width, guint height, gboolean zero, GError **error)
{
  guint bpp = PIXMAN_FORMAT_BPP (format);
  gsize stride, size;
  guint8 *data;
  pixman_image_t *image;

  g_return_val_if_fail (width > 0 && height > 0, NULL);
  g_return_val_if_fail (width <= TETHER_CODEC_MAX_SIDE && height <= TETHER_CODEC_MAX_SIDE, NULL);
  /* pixman wants whole 32-bit words per row. */
  stride = (((gsize) width * bpp + 31) / 32) * 4;
  size = stride * height;
  if (stride * 8 != (gsize) width * bpp)
    zero = TRUE;
  data = zero ? g_try_malloc0 (size) : g_try_malloc (size);
  if (data == NULL)
    {
      image_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "out of memory for a %u×%u image", width, height);
      return NULL;
    }
  image = pixman_image_create_bits (format, (int) width, (int) height, (uint32_t *) data,
                                    (int) stride);
  if (image == NULL)
    {
      g_free (data);
      image_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "cannot create a %u×%u image", width, height);
      return NULL;
    }
  pixman_image_set_destroy_function (image, free_pixels, data);
  return image;
}

pixman_image_t *
tether_spice_image_new (pixman_format_code_t format, guint width, guint height, GError **error)
{
  return image_new (format, width, height, TRUE, error);
}

static TetherCodecDest
codec_dest (pixman_image_t *image, TetherCodecFormat format)
{
  TetherCodecDest dest = {
    .data = (guint8 *) pixman_image_get_data (image),
    .stride = (gsize) pixman_image_get_stride (image),
    .width = (guint) pixman_image_get_width (image),
    .height = (guint) pixman_image_get_height (image),
    .format = format,
  };

  return dest;
}

static guint32 *
image_row (pixman_image_t *image, guint y)
{
  return (guint32 *) ((guint8 *) pixman_image_get_data (image) +
                      (gsize) y * (gsize) pixman_image_get_stride (image));
}

/* ---- the operation context ---------------------------------------------- */

void
tether_spice_op_init (TetherSpiceOp *op, TetherSpiceCanvas *canvas, TetherSpiceImageWait *wait)
{
  memset (op, 0, sizeof *op);
  op->canvas = canvas;
  op->wait = wait;
  op->dest_format = TETHER_SPICE_SURFACE_FMT_32_xRGB;
  if (wait != NULL)
    {
      wait->kind = TETHER_SPICE_IMAGE_WAIT_NONE;
      wait->id = 0;
    }
}

void
tether_spice_op_finish (TetherSpiceOp *op, gboolean success, gboolean waits)
{
  for (guint i = 0; i < op->n_memo_keys; i++)
    {
      if (!waits)
        g_hash_table_remove (op->canvas->glz_memo, op->memo_keys[i]);
      g_free (op->memo_keys[i]);
    }
  op->n_memo_keys = 0;

  for (guint i = 0; i < op->n_pending; i++)
    {
      TetherSpicePendingPut *p = &op->pending[i];

      if (success)
        {
          if (!p->replace)
            tether_spice_image_cache_put (op->canvas->images, p->id, p->image, p->lossy);
          else if (!tether_spice_image_cache_replace (op->canvas->images, p->id, p->image))
            /* Nothing to upgrade: keep it, as a first insertion would. */
            tether_spice_image_cache_put (op->canvas->images, p->id, p->image, FALSE);
        }
      pixman_image_unref (p->image);
    }
  op->n_pending = 0;
}

static void
mark_used (TetherSpiceOp *op, const TetherSpiceImage *image)
{
  for (guint i = 0; i < op->n_used; i++)
    if (op->used[i] == image)
      return;
  if (op->n_used < TETHER_SPICE_OP_MAX_IMAGES)
    op->used[op->n_used++] = image;
}

static gboolean
wait_for (TetherSpiceOp *op, TetherSpiceImageWaitKind kind, guint64 id, GError **error)
{
  if (op->wait != NULL)
    {
      op->wait->kind = kind;
      op->wait->id = id;
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
               "SPICE image: waiting for %s image %" G_GUINT64_FORMAT,
               kind == TETHER_SPICE_IMAGE_WAIT_GLZ ? "GLZ" :
               kind == TETHER_SPICE_IMAGE_WAIT_CACHE_LOSSLESS ? "a lossless cached" : "cached",
               id);
  return FALSE;
}

/* ---- palettes and bitmaps ------------------------------------------------ */

/* The palette of a BITMAP or LZ_PLT image, as 256 0x00RRGGBB entries
 * (missing ones black); caches it if asked. *n_ents: the real count. */
static gboolean
resolve_palette (TetherSpiceOp *op, const TetherSpiceImage *image, gboolean required,
                 guint32 ents[TETHER_SPICE_MAX_PALETTE_ENTRIES], guint *n_ents, GError **error)
{
  const TetherSpicePalette *palette;
  gboolean is_16 = op->dest_format == TETHER_SPICE_SURFACE_FMT_16_555 ||
                   op->dest_format == TETHER_SPICE_SURFACE_FMT_16_565;

  memset (ents, 0, sizeof (guint32) * TETHER_SPICE_MAX_PALETTE_ENTRIES);
  *n_ents = 0;
  if (image->bitmap_flags & TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE)
    {
      palette = tether_spice_palette_cache_lookup (op->canvas->palettes, image->palette_id);
      if (palette == NULL)
        return image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                            "image %" G_GUINT64_FORMAT " uses palette %" G_GUINT64_FORMAT
                            ", which is not cached", image->id, image->palette_id);
    }
  else
    {
      palette = image->palette;
      if (palette != NULL && (image->bitmap_flags & TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME))
        tether_spice_palette_cache_put (op->canvas->palettes, palette);
    }
  if (palette == NULL || palette->n_ents == 0)
    {
      if (required)
        return image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                            "image %" G_GUINT64_FORMAT " needs a palette and has none", image->id);
      return TRUE;
    }
  *n_ents = MIN (palette->n_ents, TETHER_SPICE_MAX_PALETTE_ENTRIES);
  for (guint i = 0; i < *n_ents; i++)
    /* For a 16-bit destination the server sends x1r5g5b5 entries. */
    ents[i] = is_16 ? tether_codec_rgb555_to_xrgb (palette->ents[i] & 0x7fff)
                    : palette->ents[i] & 0xffffff;
  return TRUE;
}

static gboolean
bitmap_is_1bit (const TetherSpiceImage *image)
{
  return image->bitmap_format == TETHER_SPICE_BITMAP_FMT_1BIT_LE ||
         image->bitmap_format == TETHER_SPICE_BITMAP_FMT_1BIT_BE;
}

/* Sets bit x of an a1 row: pixman's a1 puts pixel x in word x / 32, at bit
 * x % 32 counted from the least significant end on little-endian hosts
 * and from the most significant end on big-endian ones. */
static inline void
a1_set (guint32 *row, guint x)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  row[x / 32] |= 1u << (x % 32);
#else
  row[x / 32] |= 0x80000000u >> (x % 32);
#endif
}

/* A row of 32BIT (B, G, R, X) or RGBA (B, G, R, A) bitmap bytes as pixman
 * words; X becomes 0xff. On little-endian hosts those bytes are the words
 * already: a copy (with the X bytes set 16 bytes at a time). */
static void
row_32 (guint32 *dst, const guint8 *p, guint w, gboolean alpha)
{
#if G_BYTE_ORDER == G_LITTLE_ENDIAN
  if (alpha)
    {
      memcpy (dst, p, (gsize) w * 4);
      return;
    }
  tether_codec_copy_opaque ((guint8 *) dst, p, w);
#else
  for (guint x = 0; x < w; x++)
    dst[x] = (alpha ? (guint32) p[4 * x + 3] << 24 : 0xff000000u) | (guint32) p[4 * x + 2] << 16 |
             (guint32) p[4 * x + 1] << 8 | p[4 * x];
#endif
}

static pixman_image_t *
decode_bitmap (TetherSpiceOp *op, const TetherSpiceImage *image, gboolean as_mask, GError **error)
{
  guint w = image->width, h = image->height;
  guint bpp = tether_spice_bitmap_fmt_bpp (image->bitmap_format);
  gsize row_bytes = ((gsize) bpp * w + 7) / 8;
  gboolean top_down = (image->bitmap_flags & TETHER_SPICE_BITMAP_FLAG_TOP_DOWN) != 0;
  guint32 ents[TETHER_SPICE_MAX_PALETTE_ENTRIES];
  guint n_ents = 0;
  pixman_format_code_t format;
  pixman_image_t *out;
  TetherReader data;

  if (image->bitmap_x != w || image->bitmap_y != h)
    {
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                   "bitmap %" G_GUINT64_FORMAT " is %u×%u but its descriptor says %u×%u",
                   image->id, image->bitmap_x, image->bitmap_y, w, h);
      return NULL;
    }
  if (image->bitmap_stride < row_bytes)
    {
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                   "bitmap %" G_GUINT64_FORMAT ": stride %u is too small for %u pixels of %u bits",
                   image->id, image->bitmap_stride, w, bpp);
      return NULL;
    }

  if (as_mask)
    {
      if (!bitmap_is_1bit (image))
        {
          image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                       "mask bitmap %" G_GUINT64_FORMAT " is not 1-bit (format %u)",
                       image->id, image->bitmap_format);
          return NULL;
        }
      format = PIXMAN_a1;
      /* A mask's bits are not colors, but a palette to cache is still cached. */
      if (!resolve_palette (op, image, FALSE, ents, &n_ents, error))
        return NULL;
    }
  else
    {
      switch (image->bitmap_format)
        {
        case TETHER_SPICE_BITMAP_FMT_1BIT_LE:
        case TETHER_SPICE_BITMAP_FMT_1BIT_BE:
        case TETHER_SPICE_BITMAP_FMT_4BIT_LE:
        case TETHER_SPICE_BITMAP_FMT_4BIT_BE:
        case TETHER_SPICE_BITMAP_FMT_8BIT:
          if (!resolve_palette (op, image, TRUE, ents, &n_ents, error))
            return NULL;
          format = PIXMAN_x8r8g8b8;
          break;
        case TETHER_SPICE_BITMAP_FMT_16BIT:
        case TETHER_SPICE_BITMAP_FMT_24BIT:
        case TETHER_SPICE_BITMAP_FMT_32BIT:
          if (!resolve_palette (op, image, FALSE, ents, &n_ents, error))
            return NULL;
          format = PIXMAN_x8r8g8b8;
          break;
        case TETHER_SPICE_BITMAP_FMT_RGBA:
          if (!resolve_palette (op, image, FALSE, ents, &n_ents, error))
            return NULL;
          format = PIXMAN_a8r8g8b8;
          break;
        case TETHER_SPICE_BITMAP_FMT_8BIT_A:
          if (!resolve_palette (op, image, FALSE, ents, &n_ents, error))
            return NULL;
          format = PIXMAN_a8;
          break;
        default:
          image_error (error, TETHER_SPICE_ERROR_PROTOCOL, "unknown bitmap format %u",
                       image->bitmap_format);
          return NULL;
        }
    }

  /* Every row writes each of its pixels, except a mask's bits. */
  out = image_new (format, w, h, as_mask, error);
  if (out == NULL)
    return NULL;

  tether_reader_init (&data, image->data, image->data_size);
  for (guint y = 0; y < h; y++)
    {
      guint src_y = top_down ? y : h - 1 - y;
      TetherReader row;
      const guint8 *p = NULL;
      guint32 *dst = image_row (out, y);

      /* The decoder checked stride × y bytes; this cannot fail, but every
       * access goes through a checked slice anyway. */
      if (!tether_reader_at (&data, (guint64) src_y * image->bitmap_stride, row_bytes, &row) ||
          !tether_reader_borrow (&row, row_bytes, &p))
        {
          pixman_image_unref (out);
          image_error (error, TETHER_SPICE_ERROR_PROTOCOL, "bitmap %" G_GUINT64_FORMAT
                       " has fewer bytes than its size needs", image->id);
          return NULL;
        }

      switch (image->bitmap_format)
        {
        case TETHER_SPICE_BITMAP_FMT_1BIT_LE:
        case TETHER_SPICE_BITMAP_FMT_1BIT_BE:
          for (guint x = 0; x < w; x++)
            {
              guint bit = image->bitmap_format == TETHER_SPICE_BITMAP_FMT_1BIT_LE
                          ? (p[x / 8] >> (x % 8)) & 1u
                          : (p[x / 8] >> (7 - x % 8)) & 1u;

              if (as_mask)
                {
                  if (bit)
                    a1_set (dst, x);
                }
              else
                dst[x] = 0xff000000u | ents[bit];
            }
          break;
        case TETHER_SPICE_BITMAP_FMT_4BIT_LE:
        case TETHER_SPICE_BITMAP_FMT_4BIT_BE:
          for (guint x = 0; x < w; x++)
            {
              guint byte = p[x / 2];
              gboolean first = (x % 2) == 0;
              guint index = (image->bitmap_format == TETHER_SPICE_BITMAP_FMT_4BIT_BE) == first
                            ? byte >> 4 : byte & 0x0f;

              dst[x] = 0xff000000u | ents[index];
            }
          break;
        case TETHER_SPICE_BITMAP_FMT_8BIT:
          for (guint x = 0; x < w; x++)
            dst[x] = 0xff000000u | ents[p[x]];
          break;
        case TETHER_SPICE_BITMAP_FMT_16BIT:
          for (guint x = 0; x < w; x++)
            dst[x] = 0xff000000u |
                     tether_codec_rgb555_to_xrgb ((guint) p[2 * x] | (guint) p[2 * x + 1] << 8);
          break;
        case TETHER_SPICE_BITMAP_FMT_24BIT:
          for (guint x = 0; x < w; x++)
            dst[x] = 0xff000000u | (guint32) p[3 * x + 2] << 16 | (guint32) p[3 * x + 1] << 8 |
                     p[3 * x];
          break;
        case TETHER_SPICE_BITMAP_FMT_32BIT:
          row_32 (dst, p, w, FALSE);
          break;
        case TETHER_SPICE_BITMAP_FMT_RGBA:
          row_32 (dst, p, w, TRUE);
          break;
        case TETHER_SPICE_BITMAP_FMT_8BIT_A:
          memcpy (dst, p, w);
          break;
        default:
          g_assert_not_reached ();
        }
    }
  return out;
}

/* ---- compressed images --------------------------------------------------- */

static gboolean
codec_failed (const TetherSpiceImage *image, GError **error)
{
  /* The codecs' errors already say what broke; say which image it was. */
  if (error != NULL && *error != NULL && !g_error_matches (*error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    g_prefix_error (error, "SPICE image %" G_GUINT64_FORMAT ": ", image->id);
  return FALSE;
}

/* The format an LZ4 payload decodes to, from its second byte. */
static pixman_format_code_t
lz4_format (const TetherSpiceImage *image)
{
  TetherReader r;
  guint8 top_down, format = 0;

  tether_reader_init (&r, image->data, image->data_size);
  tether_reader_u8 (&r, &top_down);
  tether_reader_u8 (&r, &format);
  switch (format)
    {
    case TETHER_LZ4_FORMAT_RGBA:
      return PIXMAN_a8r8g8b8;
    case TETHER_LZ4_FORMAT_8BIT_A:
      return PIXMAN_a8;
    default:
      /* Anything else the decoder checks and reports. */
      return PIXMAN_x8r8g8b8;
    }
}

static TetherCodecFormat
codec_format_of (pixman_format_code_t format)
{
  switch (format)
    {
    case PIXMAN_a8r8g8b8:
      return TETHER_CODEC_FORMAT_ARGB32;
    case PIXMAN_a8:
      return TETHER_CODEC_FORMAT_A8;
    case PIXMAN_x8r8g8b8:
    default:
      return TETHER_CODEC_FORMAT_XRGB32;
    }
}

static void
release_glz_pixels (pixman_image_t *image, void *data)
{
  tether_glz_pixels_unref (data);
}

/* GLZ_RGB and ZLIB_GLZ_RGB: the image wraps the pixels the GLZ window keeps
 * (read-only, as every decoded image is here), with no copy. */
static pixman_image_t *
decode_glz (TetherSpiceOp *op, const TetherSpiceImage *image, GError **error)
{
  pixman_format_code_t format;
  pixman_image_t *out;
  gboolean has_alpha = FALSE;
  guint64 missing = 0;
  GError *local = NULL;
  guint32 *pixels;

  if (image->type == TETHER_SPICE_IMAGE_GLZ_RGB)
    pixels = tether_glz_decode_shared (op->canvas->glz, image->data, image->data_size,
                                       image->width, image->height, &has_alpha,
                                       &missing, &local);
  else
    pixels = tether_zlib_glz_decode_shared (op->canvas->glz, image->glz_data_size, image->data,
                                            image->data_size, image->width, image->height,
                                            &has_alpha, &missing, &local);
  if (pixels == NULL)
    {
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&local);
          wait_for (op, TETHER_SPICE_IMAGE_WAIT_GLZ, missing, error);
          return NULL;
        }
      g_propagate_error (error, local);
      return codec_failed (image, error), NULL;
    }
  /* ZLIB_GLZ's type is only known inside its deflated data: ARGB holds
   * both kinds (an opaque image has alpha 0xff). */
  format = has_alpha || image->type == TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB ? PIXMAN_a8r8g8b8
                                                                       : PIXMAN_x8r8g8b8;
  /* Sides are at most TETHER_CODEC_MAX_SIDE (checked): the stride fits. */
  out = pixman_image_create_bits (format, (int) image->width, (int) image->height, pixels,
                                  (int) (image->width * 4));
  if (out == NULL)
    {
      tether_glz_pixels_unref (pixels);
      image_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "cannot create a %u×%u image", image->width, image->height);
      return NULL;
    }
  pixman_image_set_destroy_function (out, release_glz_pixels, pixels);
  return out;
}

static pixman_image_t *
decode_compressed (TetherSpiceOp *op, const TetherSpiceImage *image, GError **error)
{
  pixman_format_code_t format = PIXMAN_x8r8g8b8;
  pixman_image_t *out;
  TetherCodecDest dest;
  gboolean ok = FALSE;
  guint64 missing = 0;
  GError *local = NULL;

  if (image->type == TETHER_SPICE_IMAGE_GLZ_RGB || image->type == TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB)
    return decode_glz (op, image, error);

  /* Pick the output format from the stream's header where it says. */
  switch (image->type)
    {
    case TETHER_SPICE_IMAGE_QUIC:
      {
        TetherQuicHeader header;

        if (!tether_quic_read_header (image->data, image->data_size, &header, error))
          return codec_failed (image, error), NULL;
        format = header.type == TETHER_QUIC_TYPE_RGBA ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8;
      }
      break;
    case TETHER_SPICE_IMAGE_LZ_RGB:
      {
        TetherLzHeader header;

        if (!tether_lz_read_header (image->data, image->data_size, &header, error))
          return codec_failed (image, error), NULL;
        if (header.type == TETHER_LZ_TYPE_RGBA || header.type == TETHER_LZ_TYPE_XXXA)
          format = PIXMAN_a8r8g8b8;
        else if (header.type == TETHER_LZ_TYPE_A8)
          format = PIXMAN_a8;
      }
      break;
    case TETHER_SPICE_IMAGE_LZ4:
      format = lz4_format (image);
      break;
    case TETHER_SPICE_IMAGE_JPEG_ALPHA:
      format = PIXMAN_a8r8g8b8;
      break;
    case TETHER_SPICE_IMAGE_LZ_PLT:
    case TETHER_SPICE_IMAGE_JPEG:
      format = PIXMAN_x8r8g8b8;
      break;
    default:
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL, "image type %u cannot be decoded",
                   image->type);
      return NULL;
    }

  /* The codecs write every pixel of their destination. */
  out = image_new (format, image->width, image->height, FALSE, error);
  if (out == NULL)
    return NULL;
  dest = codec_dest (out, codec_format_of (format));

  switch (image->type)
    {
    case TETHER_SPICE_IMAGE_QUIC:
      ok = tether_quic_decode_dest (image->data, image->data_size, &dest, &local);
      break;
    case TETHER_SPICE_IMAGE_LZ_RGB:
      ok = tether_lz_rgb_decode (image->data, image->data_size, &dest, &local);
      break;
    case TETHER_SPICE_IMAGE_LZ_PLT:
      {
        guint32 ents[TETHER_SPICE_MAX_PALETTE_ENTRIES];
        guint n_ents;

        ok = resolve_palette (op, image, TRUE, ents, &n_ents, &local) &&
             tether_lz_plt_decode (image->data, image->data_size, ents, n_ents, &dest, &local);
      }
      break;
    case TETHER_SPICE_IMAGE_LZ4:
      ok = tether_lz4_decode (image->data, image->data_size, &dest, &local);
      break;
    case TETHER_SPICE_IMAGE_JPEG:
      ok = tether_jpeg_decode (image->data, image->data_size, &dest, &local);
      break;
    case TETHER_SPICE_IMAGE_JPEG_ALPHA:
      ok = tether_jpeg_alpha_decode (image->data, image->data_size, image->jpeg_size,
                                     (image->jpeg_alpha_flags & TETHER_SPICE_JPEG_ALPHA_FLAG_TOP_DOWN) != 0,
                                     &dest, &local);
      break;
    default:
      g_assert_not_reached ();
    }

  if (!ok)
    {
      pixman_image_unref (out);
      if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
        {
          g_clear_error (&local);
          wait_for (op, TETHER_SPICE_IMAGE_WAIT_GLZ, missing, error);
          return NULL;
        }
      g_propagate_error (error, local);
      return codec_failed (image, error), NULL;
    }
  return out;
}

/* ---- the pipeline -------------------------------------------------------- */

static gboolean
is_glz (const TetherSpiceImage *image)
{
  return image->type == TETHER_SPICE_IMAGE_GLZ_RGB || image->type == TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB;
}

static gboolean
is_lossy (const TetherSpiceImage *image)
{
  return image->type == TETHER_SPICE_IMAGE_JPEG || image->type == TETHER_SPICE_IMAGE_JPEG_ALPHA;
}

static pixman_image_t *
decode_new (TetherSpiceOp *op, const TetherSpiceImage *image, gboolean as_mask, GError **error)
{
  TetherSpiceCanvas *canvas = op->canvas;
  pixman_image_t *out = NULL;
  g_autofree char *memo_key = NULL;

  if (image->width == 0 || image->height == 0)
    {
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL, "image %" G_GUINT64_FORMAT
                   " has an empty size (%u×%u)", image->id, image->width, image->height);
      return NULL;
    }
  if (image->width > TETHER_CODEC_MAX_SIDE || image->height > TETHER_CODEC_MAX_SIDE ||
      (guint64) image->width * image->height > canvas->max_image_pixels)
    {
      image_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "image %" G_GUINT64_FORMAT
                   " of %u×%u pixels is over the limit of %" G_GSIZE_FORMAT " pixels",
                   image->id, image->width, image->height, canvas->max_image_pixels);
      return NULL;
    }
  if (as_mask && image->type != TETHER_SPICE_IMAGE_BITMAP)
    {
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                   "a mask must be a 1-bit bitmap, not an image of type %u", image->type);
      return NULL;
    }

  if (is_glz (image))
    {
      memo_key = g_strdup_printf ("%" G_GUINT64_FORMAT ":%" G_GSIZE_FORMAT ":%08lx", image->id,
                                  image->data_size,
                                  crc32 (0, image->data, (uInt) MIN (image->data_size, G_MAXUINT)));
      out = g_hash_table_lookup (canvas->glz_memo, memo_key);
      if (out != NULL)
        out = pixman_image_ref (out);
    }
  if (out == NULL)
    {
      if (image->type == TETHER_SPICE_IMAGE_BITMAP)
        out = decode_bitmap (op, image, as_mask, error);
      else
        out = decode_compressed (op, image, error);
      if (out == NULL)
        return NULL;
      if (is_glz (image))
        {
          /* Stale entries (of attempts never retried) go all at once. */
          if (g_hash_table_size (canvas->glz_memo) >= TETHER_SPICE_GLZ_MEMO_MAX)
            g_hash_table_remove_all (canvas->glz_memo);
          g_hash_table_replace (canvas->glz_memo, g_strdup (memo_key), pixman_image_ref (out));
        }
    }
  if (memo_key != NULL)
    {
      if (op->n_memo_keys < TETHER_SPICE_OP_MAX_IMAGES)
        op->memo_keys[op->n_memo_keys++] = g_steal_pointer (&memo_key);
      else
        g_clear_pointer (&memo_key, g_free);
    }

  /* HIGH_BITS_SET marks an xRGB image as opaque: x8r8g8b8 already is. */

  if ((image->flags & TETHER_SPICE_IMAGE_FLAG_CACHE_ME) ||
      (image->flags & TETHER_SPICE_IMAGE_FLAG_CACHE_REPLACE_ME))
    {
      gboolean replace = !(image->flags & TETHER_SPICE_IMAGE_FLAG_CACHE_ME);

      if (replace && is_lossy (image))
        {
          pixman_image_unref (out);
          image_error (error, TETHER_SPICE_ERROR_PROTOCOL, "lossy image %" G_GUINT64_FORMAT
                       " cannot replace a cached one", image->id);
          return NULL;
        }
      if (op->n_pending < TETHER_SPICE_OP_MAX_IMAGES)
        {
          TetherSpicePendingPut *p = &op->pending[op->n_pending++];

          p->id = image->id;
          p->image = pixman_image_ref (out);
          p->lossy = is_lossy (image);
          p->replace = replace;
        }
    }
  return out;
}

static pixman_image_t *
from_cache (TetherSpiceOp *op, const TetherSpiceImage *image, gboolean as_mask, GError **error)
{
  gboolean lossless = image->type == TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS;
  pixman_image_t *out = NULL;
  gboolean lossy = FALSE;

  /* An image this very operation decoded first. */
  for (guint i = op->n_pending; i > 0; i--)
    if (op->pending[i - 1].id == image->id && !(lossless && op->pending[i - 1].lossy))
      {
        out = pixman_image_ref (op->pending[i - 1].image);
        break;
      }
  if (out == NULL)
    out = tether_spice_image_cache_lookup (op->canvas->images, image->id, lossless, &lossy);
  if (out == NULL)
    {
      wait_for (op, lossless ? TETHER_SPICE_IMAGE_WAIT_CACHE_LOSSLESS : TETHER_SPICE_IMAGE_WAIT_CACHE,
                image->id, error);
      return NULL;
    }
  if (as_mask && pixman_image_get_format (out) != PIXMAN_a1)
    {
      pixman_image_unref (out);
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                   "cached image %" G_GUINT64_FORMAT " used as a mask is not 1-bit", image->id);
      return NULL;
    }
  return out;
}

pixman_image_t *
tether_spice_op_get_image (TetherSpiceOp *op, const TetherSpiceImage *image, gboolean as_mask,
                           GError **error)
{
  g_return_val_if_fail (image != NULL && image->present, NULL);

  mark_used (op, image);
  switch (image->type)
    {
    case TETHER_SPICE_IMAGE_SURFACE:
      {
        TetherSpiceSurface *surface = tether_spice_canvas_lookup_surface (op->canvas,
                                                                          image->surface_id);

        if (surface == NULL)
          {
            image_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                         "image names surface %u, which does not exist", image->surface_id);
            return NULL;
          }
        if (as_mask)
          {
            image_error (error, TETHER_SPICE_ERROR_UNSUPPORTED,
                         "surface %u used as a mask: only 1-bit bitmaps are", image->surface_id);
            return NULL;
          }
        return pixman_image_ref (surface->image);
      }
    case TETHER_SPICE_IMAGE_FROM_CACHE:
    case TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS:
      return from_cache (op, image, as_mask, error);
    case TETHER_SPICE_IMAGE_BITMAP:
    case TETHER_SPICE_IMAGE_QUIC:
    case TETHER_SPICE_IMAGE_LZ_PLT:
    case TETHER_SPICE_IMAGE_LZ_RGB:
    case TETHER_SPICE_IMAGE_GLZ_RGB:
    case TETHER_SPICE_IMAGE_JPEG:
    case TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB:
    case TETHER_SPICE_IMAGE_JPEG_ALPHA:
    case TETHER_SPICE_IMAGE_LZ4:
      return decode_new (op, image, as_mask, error);
    default:
      image_error (error, TETHER_SPICE_ERROR_PROTOCOL, "unknown image type %u", image->type);
      return NULL;
    }
}

static gboolean
needs_touch (const TetherSpiceImage *image)
{
  switch (image->type)
    {
    case TETHER_SPICE_IMAGE_FROM_CACHE:
    case TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS:
    case TETHER_SPICE_IMAGE_SURFACE:
      return FALSE;
    default:
      break;
    }
  if (image->flags & (TETHER_SPICE_IMAGE_FLAG_CACHE_ME | TETHER_SPICE_IMAGE_FLAG_CACHE_REPLACE_ME))
    return TRUE;
  if (is_glz (image))
    return TRUE;
  /* A palette to cache. */
  return (image->type == TETHER_SPICE_IMAGE_BITMAP || image->type == TETHER_SPICE_IMAGE_LZ_PLT) &&
         image->palette != NULL &&
         (image->bitmap_flags & TETHER_SPICE_BITMAP_FLAG_PAL_CACHE_ME) &&
         !(image->bitmap_flags & TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE);
}

gboolean
tether_spice_op_touch_image (TetherSpiceOp *op, const TetherSpiceImage *image, gboolean as_mask,
                             GError **error)
{
  pixman_image_t *pixels;

  if (image == NULL || !image->present)
    return TRUE;
  for (guint i = 0; i < op->n_used; i++)
    if (op->used[i] == image)
      return TRUE;
  if (!needs_touch (image))
    return TRUE;
  pixels = tether_spice_op_get_image (op, image, as_mask, error);
  if (pixels == NULL)
    return FALSE;
  pixman_image_unref (pixels);
  return TRUE;
}
