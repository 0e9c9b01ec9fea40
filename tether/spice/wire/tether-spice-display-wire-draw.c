/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <stdarg.h>
#include <string.h>

#include "tether-spice-display-wire-private.h"

/*
 * The display channel's structured messages: DisplayBase, Clip, Brush,
 * QMask, SpiceImage (with palettes), Path, LineAttr, String, and the
 * COPY_BITS / DRAW_* / STREAM_CREATE / STREAM_CLIP messages built from them
 * (docs/spice-protocol.md §7).
 *
 * Parsing state: `whole` spans the message body and is only used to follow
 * pointers; each structure is read through its own cursor. The first
 * semantic error (an unknown enum, a count over a cap) is kept in the
 * context and fails the cursor, so nothing after it is read; a truncation
 * is reported by the reader itself. Semantic checks are skipped once the
 * cursor has failed, so a truncated message always reads as truncated.
 */

typedef struct {
  TetherReader whole;
  char         what[80];
  GError      *error;     /* the first semantic error, if any */
} Ctx;

static void
ctx_init (Ctx *c, GBytes *body, const char *what)
{
  memset (c, 0, sizeof *c);
  tether_reader_init_bytes (&c->whole, body);
  g_strlcpy (c->what, what, sizeof c->what);
}

static void
ctx_init_type (Ctx *c, GBytes *body, guint16 type)
{
  const char *name = tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_DISPLAY, type);
  char what[80];

  if (name != NULL)
    g_snprintf (what, sizeof what, "SPICE message %s", name);
  else
    g_snprintf (what, sizeof what, "SPICE display message %u", type);
  ctx_init (c, body, what);
}

/* Records a semantic error (unless the cursor already failed: a truncation
 * explains itself) and fails the cursor. Returns FALSE. */
static gboolean G_GNUC_PRINTF (4, 5)
ctx_fail (Ctx *c, TetherReader *r, TetherSpiceError code, const char *format, ...)
{
  va_list args;

  if (tether_reader_failed (r))
    return FALSE;
  if (c->error == NULL)
    {
      g_autofree char *text = NULL;

      va_start (args, format);
      text = g_strdup_vprintf (format, args);
      va_end (args);
      c->error = g_error_new (TETHER_SPICE_ERROR, code, "%s: %s", c->what, text);
    }
  tether_reader_fail (r, "invalid value");
  return FALSE;
}

/* After parsing through a child cursor: carries its failure to @r. */
static gboolean
ctx_child_done (Ctx *c, TetherReader *r, const TetherReader *child, const char *name,
                guint32 offset)
{
  if (!tether_reader_failed (child))
    return TRUE;
  if (c->error == NULL && !tether_reader_failed (r))
    {
      g_autoptr(GError) inner = NULL;

      tether_reader_finish_full (child, FALSE, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                                 &inner);
      c->error = g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                              "%s: %s at offset %u: %s", c->what, name, offset,
                              inner ? inner->message : "invalid");
    }
  tether_reader_fail (r, "invalid pointed-to data");
  return FALSE;
}

/* The final check: the first semantic error, else the reader's. */
static gboolean
ctx_finish (Ctx *c, const TetherReader *r, gboolean exact, GError **error)
{
  if (c->error != NULL)
    {
      g_propagate_error (error, c->error);
      c->error = NULL;
      return FALSE;
    }
  return tether_spice_wire_finish (r, exact, c->what, error);
}

/* Follows pointer @offset (non-zero) to a cursor over the rest of the body. */
static gboolean
ctx_deref (Ctx *c, TetherReader *r, guint32 offset, const char *name, TetherReader *child)
{
  gsize len = c->whole.len;

  tether_reader_init (child, NULL, 0);
  if (tether_reader_failed (r))
    {
      child->failed = TRUE;
      return FALSE;
    }
  if (offset >= len)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL,
                "%s pointer %u is outside the %" G_GSIZE_FORMAT "-byte message", name, offset, len);
      child->failed = TRUE;
      return FALSE;
    }
  {
    /* A private copy, so a failure here never touches c->whole. */
    TetherReader whole = c->whole;

    return tether_reader_at (&whole, offset, len - offset, child);
  }
}

/* ---- small structures ---------------------------------------------------- */

static void
read_rect (Ctx *c, TetherReader *r, const char *name, TetherSpiceRect *rect)
{
  tether_reader_i32_le (r, &rect->top);
  tether_reader_i32_le (r, &rect->left);
  tether_reader_i32_le (r, &rect->bottom);
  tether_reader_i32_le (r, &rect->right);
  if (rect->left > rect->right || rect->top > rect->bottom)
    ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL,
              "%s (%d,%d)-(%d,%d) has its corners swapped", name,
              rect->left, rect->top, rect->right, rect->bottom);
}

static void
read_point (TetherReader *r, TetherSpicePoint *p)
{
  tether_reader_i32_le (r, &p->x);
  tether_reader_i32_le (r, &p->y);
}

static void
read_point16 (TetherReader *r, TetherSpicePoint16 *p)
{
  guint16 x, y;

  tether_reader_u16_le (r, &x);
  tether_reader_u16_le (r, &y);
  /* Two's complement without implementation-defined conversions. */
  p->x = x <= G_MAXINT16 ? (gint16) x : (gint16) ((gint) x - 65536);
  p->y = y <= G_MAXINT16 ? (gint16) y : (gint16) ((gint) y - 65536);
}

static void
clip_clear (TetherSpiceClip *clip)
{
  g_clear_pointer (&clip->rects, g_free);
  clip->n_rects = 0;
  clip->type = TETHER_SPICE_CLIP_NONE;
}

static void
read_clip (Ctx *c, TetherReader *r, TetherSpiceClip *clip)
{
  guint32 n;

  tether_reader_u8 (r, &clip->type);
  if (tether_reader_failed (r))
    return;
  switch (clip->type)
    {
    case TETHER_SPICE_CLIP_NONE:
      return;
    case TETHER_SPICE_CLIP_RECTS:
      break;
    default:
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown clip type %u", clip->type);
      return;
    }
  tether_reader_u32_le (r, &n);
  if (tether_reader_failed (r))
    return;
  if (n > TETHER_SPICE_MAX_CLIP_RECTS)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                "clip of %u rectangles, over the limit of %u", n, TETHER_SPICE_MAX_CLIP_RECTS);
      return;
    }
  if (!tether_reader_can_hold (r, n, 16))
    return;
  clip->n_rects = n;
  clip->rects = n > 0 ? g_new0 (TetherSpiceRect, n) : NULL;
  for (guint i = 0; i < n; i++)
    read_rect (c, r, "clip rectangle", &clip->rects[i]);
}

static void
read_display_base (Ctx *c, TetherReader *r, TetherSpiceDisplayBase *base)
{
  tether_reader_u32_le (r, &base->surface_id);
  read_rect (c, r, "box", &base->box);
  read_clip (c, r, &base->clip);
}

/* ---- images ------------------------------------------------------------- */

guint
tether_spice_bitmap_fmt_bpp (guint format)
{
  switch (format)
    {
    case TETHER_SPICE_BITMAP_FMT_1BIT_LE:
    case TETHER_SPICE_BITMAP_FMT_1BIT_BE:
      return 1;
    case TETHER_SPICE_BITMAP_FMT_4BIT_LE:
    case TETHER_SPICE_BITMAP_FMT_4BIT_BE:
      return 4;
    case TETHER_SPICE_BITMAP_FMT_8BIT:
    case TETHER_SPICE_BITMAP_FMT_8BIT_A:
      return 8;
    case TETHER_SPICE_BITMAP_FMT_16BIT:
      return 16;
    case TETHER_SPICE_BITMAP_FMT_24BIT:
      return 24;
    case TETHER_SPICE_BITMAP_FMT_32BIT:
    case TETHER_SPICE_BITMAP_FMT_RGBA:
      return 32;
    default:
      return 0;
    }
}

static void
image_clear (TetherSpiceImage *image)
{
  g_clear_pointer (&image->palette, g_free);
  memset (image, 0, sizeof *image);
}

static void
read_palette_ptr (Ctx *c, TetherReader *r, gboolean nonnull, TetherSpiceImage *image)
{
  guint32 offset;
  guint16 n;
  TetherReader p;
  TetherSpicePalette *palette;

  tether_reader_u32_le (r, &offset);
  if (tether_reader_failed (r))
    return;
  if (offset == 0)
    {
      if (nonnull)
        ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "LZ_PLT image without a palette");
      return;
    }
  if (!ctx_deref (c, r, offset, "palette", &p))
    return;
  palette = g_new0 (TetherSpicePalette, 1);
  image->palette = palette;
  tether_reader_u64_le (&p, &palette->unique);
  tether_reader_u16_le (&p, &n);
  if (!tether_reader_failed (&p) && n > TETHER_SPICE_MAX_PALETTE_ENTRIES)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                "palette of %u entries, over the limit of %u", n, TETHER_SPICE_MAX_PALETTE_ENTRIES);
      return;
    }
  if (tether_reader_can_hold (&p, n, 4))
    {
      palette->n_ents = n;
      for (guint i = 0; i < n; i++)
        tether_reader_u32_le (&p, &palette->ents[i]);
    }
  ctx_child_done (c, r, &p, "palette", offset);
}

/* BITMAP and LZ_PLT: the palette by id or by pointer. */
static void
read_palette_ref (Ctx *c, TetherReader *r, gboolean nonnull, TetherSpiceImage *image)
{
  if (image->bitmap_flags & TETHER_SPICE_BITMAP_FLAG_PAL_FROM_CACHE)
    tether_reader_u64_le (r, &image->palette_id);
  else
    read_palette_ptr (c, r, nonnull, image);
}

static void
read_data (TetherReader *r, guint32 size, TetherSpiceImage *image)
{
  image->data_size = size;
  tether_reader_borrow (r, size, &image->data);
}

static void
read_image_body (Ctx *c, TetherReader *r, TetherSpiceImage *image)
{
  guint32 size;

  tether_reader_u64_le (r, &image->id);
  tether_reader_u8 (r, &image->type);
  tether_reader_u8 (r, &image->flags);
  tether_reader_u32_le (r, &image->width);
  tether_reader_u32_le (r, &image->height);
  if (tether_reader_failed (r))
    return;

  switch (image->type)
    {
    case TETHER_SPICE_IMAGE_BITMAP:
      {
        guint64 n_bytes;

        tether_reader_u8 (r, &image->bitmap_format);
        tether_reader_u8 (r, &image->bitmap_flags);
        tether_reader_u32_le (r, &image->bitmap_x);
        tether_reader_u32_le (r, &image->bitmap_y);
        tether_reader_u32_le (r, &image->bitmap_stride);
        if (!tether_reader_failed (r) && tether_spice_bitmap_fmt_bpp (image->bitmap_format) == 0)
          {
            ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown bitmap format %u",
                      image->bitmap_format);
            return;
          }
        read_palette_ref (c, r, FALSE, image);
        /* u32 × u32 fits in a u64; more than remains is a truncation. */
        n_bytes = (guint64) image->bitmap_stride * image->bitmap_y;
        if (!tether_reader_failed (r) && n_bytes > tether_reader_remaining (r))
          {
            tether_reader_skip (r, G_MAXSIZE);
            return;
          }
        image->data_size = (gsize) n_bytes;
        tether_reader_borrow (r, image->data_size, &image->data);
      }
      break;
    case TETHER_SPICE_IMAGE_QUIC:
    case TETHER_SPICE_IMAGE_LZ_RGB:
    case TETHER_SPICE_IMAGE_GLZ_RGB:
    case TETHER_SPICE_IMAGE_JPEG:
    case TETHER_SPICE_IMAGE_LZ4:
      tether_reader_u32_le (r, &size);
      read_data (r, size, image);
      break;
    case TETHER_SPICE_IMAGE_LZ_PLT:
      tether_reader_u8 (r, &image->bitmap_flags);
      tether_reader_u32_le (r, &size);
      read_palette_ref (c, r, TRUE, image);
      read_data (r, size, image);
      break;
    case TETHER_SPICE_IMAGE_ZLIB_GLZ_RGB:
      tether_reader_u32_le (r, &image->glz_data_size);
      tether_reader_u32_le (r, &size);
      read_data (r, size, image);
      break;
    case TETHER_SPICE_IMAGE_JPEG_ALPHA:
      tether_reader_u8 (r, &image->jpeg_alpha_flags);
      tether_reader_u32_le (r, &image->jpeg_size);
      tether_reader_u32_le (r, &size);
      if (!tether_reader_failed (r) && image->jpeg_size > size)
        {
          ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL,
                    "JPEG_ALPHA image: %u JPEG bytes in %u bytes of data", image->jpeg_size, size);
          return;
        }
      read_data (r, size, image);
      break;
    case TETHER_SPICE_IMAGE_FROM_CACHE:
    case TETHER_SPICE_IMAGE_FROM_CACHE_LOSSLESS:
      break;
    case TETHER_SPICE_IMAGE_SURFACE:
      tether_reader_u32_le (r, &image->surface_id);
      break;
    default:
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown image type %u", image->type);
      return;
    }
}

/* Reads an Image pointer; @nonnull: a NULL pointer is an error. */
static void
read_image_ptr (Ctx *c, TetherReader *r, gboolean nonnull, const char *name,
                TetherSpiceImage *image)
{
  guint32 offset;
  TetherReader child;

  tether_reader_u32_le (r, &offset);
  if (tether_reader_failed (r))
    return;
  if (offset == 0)
    {
      if (nonnull)
        ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "%s image pointer is NULL", name);
      return;
    }
  if (!ctx_deref (c, r, offset, name, &child))
    return;
  image->present = TRUE;
  read_image_body (c, &child, image);
  ctx_child_done (c, r, &child, name, offset);
}

static void
brush_clear (TetherSpiceBrush *brush)
{
  image_clear (&brush->pattern);
  memset (brush, 0, sizeof *brush);
}

static void
read_brush (Ctx *c, TetherReader *r, TetherSpiceBrush *brush)
{
  tether_reader_u8 (r, &brush->type);
  if (tether_reader_failed (r))
    return;
  switch (brush->type)
    {
    case TETHER_SPICE_BRUSH_NONE:
      break;
    case TETHER_SPICE_BRUSH_SOLID:
      tether_reader_u32_le (r, &brush->color);
      break;
    case TETHER_SPICE_BRUSH_PATTERN:
      read_image_ptr (c, r, TRUE, "pattern", &brush->pattern);
      read_point (r, &brush->pos);
      break;
    default:
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown brush type %u", brush->type);
      break;
    }
}

static void
read_qmask (Ctx *c, TetherReader *r, TetherSpiceQMask *mask)
{
  tether_reader_u8 (r, &mask->flags);
  read_point (r, &mask->pos);
  read_image_ptr (c, r, FALSE, "mask", &mask->bitmap);
}

static void
read_rop_descriptor (TetherReader *r, guint16 *rop)
{
  /* Every combination of the eleven bits has a meaning (§8.3); the unused
   * high bits are ignored, as the reference does. */
  tether_reader_u16_le (r, rop);
}

static void
read_scale_mode (Ctx *c, TetherReader *r, guint8 *mode)
{
  tether_reader_u8 (r, mode);
  if (tether_reader_failed (r))
    return;
  switch (*mode)
    {
    case TETHER_SPICE_SCALE_INTERPOLATE:
    case TETHER_SPICE_SCALE_NEAREST:
      break;
    default:
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown scale mode %u", *mode);
      break;
    }
}

/* ---- path, line attributes, string -------------------------------------- */

static void
path_clear (TetherSpicePath *path)
{
  g_clear_pointer (&path->segments, g_free);
  g_clear_pointer (&path->points, g_free);
  path->n_segments = 0;
}

static void
read_path_ptr (Ctx *c, TetherReader *r, TetherSpicePath *path)
{
  guint32 offset, n_segments;
  guint64 total = 0;
  TetherReader p, scan;
  gsize next_point = 0;

  tether_reader_u32_le (r, &offset);
  if (tether_reader_failed (r))
    return;
  if (offset == 0)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "path pointer is NULL");
      return;
    }
  if (!ctx_deref (c, r, offset, "path", &p))
    return;
  tether_reader_u32_le (&p, &n_segments);
  if (!tether_reader_failed (&p) && n_segments > TETHER_SPICE_MAX_PATH_SEGMENTS)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "path of %u segments, over the limit of %u",
                n_segments, TETHER_SPICE_MAX_PATH_SEGMENTS);
      return;
    }
  /* Each segment is at least u8 flags + u32 count. */
  tether_reader_can_hold (&p, n_segments, 5);

  /* First pass on a copy: the counts, checked against the data and the cap. */
  scan = p;
  for (guint i = 0; i < n_segments && !tether_reader_failed (&scan); i++)
    {
      guint8 flags;
      guint32 count;

      tether_reader_u8 (&scan, &flags);
      tether_reader_u32_le (&scan, &count);
      if (!tether_reader_can_hold (&scan, count, 8))
        break;
      total += count;
      if (total > TETHER_SPICE_MAX_PATH_POINTS)
        {
          ctx_fail (c, r, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "path of more than %u points",
                    TETHER_SPICE_MAX_PATH_POINTS);
          return;
        }
      tether_reader_skip (&scan, (gsize) count * 8);
    }
  if (tether_reader_failed (&scan))
    {
      ctx_child_done (c, r, &scan, "path", offset);
      return;
    }

  path->n_segments = n_segments;
  path->segments = g_new0 (TetherSpicePathSegment, MAX (n_segments, 1));
  path->points = g_new0 (TetherSpicePointFix, MAX (total, 1));
  for (guint i = 0; i < n_segments; i++)
    {
      TetherSpicePathSegment *seg = &path->segments[i];
      guint32 count;

      tether_reader_u8 (&p, &seg->flags);
      tether_reader_u32_le (&p, &count);
      seg->n_points = count;
      seg->points = &path->points[next_point];
      for (guint k = 0; k < count; k++)
        {
          tether_reader_i32_le (&p, &path->points[next_point].x);
          tether_reader_i32_le (&p, &path->points[next_point].y);
          next_point++;
        }
    }
  ctx_child_done (c, r, &p, "path", offset);
}

static void
line_attr_clear (TetherSpiceLineAttr *attr)
{
  g_clear_pointer (&attr->style, g_free);
  attr->style_nseg = 0;
}

static void
read_line_attr (Ctx *c, TetherReader *r, TetherSpiceLineAttr *attr)
{
  guint32 offset;
  TetherReader p;

  tether_reader_u8 (r, &attr->flags);
  if (!(attr->flags & TETHER_SPICE_LINE_FLAG_STYLED))
    return;
  tether_reader_u8 (r, &attr->style_nseg);
  tether_reader_u32_le (r, &offset);
  if (tether_reader_failed (r) || attr->style_nseg == 0)
    return;
  if (offset == 0)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "line style pointer is NULL");
      return;
    }
  if (!ctx_deref (c, r, offset, "line style", &p))
    return;
  attr->style = g_new0 (gint32, attr->style_nseg);
  for (guint i = 0; i < attr->style_nseg; i++)
    tether_reader_i32_le (&p, &attr->style[i]);
  ctx_child_done (c, r, &p, "line style", offset);
}

static void
string_clear (TetherSpiceString *str)
{
  g_clear_pointer (&str->glyphs, g_free);
  str->n_glyphs = 0;
}

static void
read_string_ptr (Ctx *c, TetherReader *r, TetherSpiceString *str)
{
  guint32 offset;
  guint16 length;
  TetherReader p;

  tether_reader_u32_le (r, &offset);
  if (tether_reader_failed (r))
    return;
  if (offset == 0)
    {
      ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "string pointer is NULL");
      return;
    }
  if (!ctx_deref (c, r, offset, "string", &p))
    return;
  tether_reader_u16_le (&p, &length);
  tether_reader_u8 (&p, &str->flags);
  if (!tether_reader_failed (&p))
    {
      switch (str->flags & (TETHER_SPICE_STRING_RASTER_A1 | TETHER_SPICE_STRING_RASTER_A4 |
                            TETHER_SPICE_STRING_RASTER_A8))
        {
        case TETHER_SPICE_STRING_RASTER_A1:
          str->bpp = 1;
          break;
        case TETHER_SPICE_STRING_RASTER_A4:
          str->bpp = 4;
          break;
        case TETHER_SPICE_STRING_RASTER_A8:
          str->bpp = 8;
          break;
        default:
          ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL,
                    "string flags 0x%02x do not name exactly one glyph format", str->flags);
          return;
        }
      if (length > TETHER_SPICE_MAX_GLYPHS)
        {
          ctx_fail (c, r, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, "string of %u glyphs, over the limit of %u",
                    length, TETHER_SPICE_MAX_GLYPHS);
          return;
        }
    }
  /* Each glyph has a 20-byte header. */
  if (tether_reader_can_hold (&p, length, 20))
    {
      str->n_glyphs = length;
      str->glyphs = g_new0 (TetherSpiceGlyph, MAX (length, 1));
    }
  for (guint i = 0; i < str->n_glyphs && !tether_reader_failed (&p); i++)
    {
      TetherSpiceGlyph *g = &str->glyphs[i];
      gsize size;

      read_point (&p, &g->render_pos);
      read_point (&p, &g->glyph_origin);
      tether_reader_u16_le (&p, &g->width);
      tether_reader_u16_le (&p, &g->height);
      if (tether_reader_failed (&p))
        break;
      if (g->width > TETHER_SPICE_MAX_GLYPH_SIDE || g->height > TETHER_SPICE_MAX_GLYPH_SIDE)
        {
          ctx_fail (c, r, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                    "glyph of %ux%u pixels, over the limit of %u per side",
                    g->width, g->height, TETHER_SPICE_MAX_GLYPH_SIDE);
          return;
        }
      size = (((gsize) str->bpp * g->width + 7) / 8) * g->height;
      tether_reader_borrow (&p, size, &g->data);
    }
  ctx_child_done (c, r, &p, "string", offset);
}

/* ---- the drawing messages ----------------------------------------------- */

gboolean
tether_spice_display_is_draw_type (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_COPY_BITS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_FILL:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COPY:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE:
      return TRUE;
    default:
      return FALSE;
    }
}

void
tether_spice_draw_msg_clear (TetherSpiceDrawMsg *msg)
{
  clip_clear (&msg->base.clip);
  image_clear (&msg->src);
  brush_clear (&msg->brush);
  brush_clear (&msg->back_brush);
  image_clear (&msg->mask.bitmap);
  path_clear (&msg->path);
  line_attr_clear (&msg->attr);
  string_clear (&msg->str);
  image_clear (&msg->composite_mask);
  g_clear_pointer (&msg->body, g_bytes_unref);
  memset (msg, 0, sizeof *msg);
}

static gboolean
composite_op_is_valid (guint op)
{
  /* pixman_op_t: the Porter-Duff operators, their disjoint and conjoint
   * variants, and the PDF blend modes. */
  return op <= 0x0d || (op >= 0x10 && op <= 0x1b) || (op >= 0x20 && op <= 0x2b) ||
         (op >= 0x30 && op <= 0x3e);
}

static void
check_composite_flags (Ctx *c, TetherReader *r, guint32 flags)
{
  guint op = flags & TETHER_SPICE_COMPOSITE_OP_MASK;
  guint src_filter = (flags >> TETHER_SPICE_COMPOSITE_SRC_FILTER_SHIFT) & 7;
  guint mask_filter = (flags >> TETHER_SPICE_COMPOSITE_MASK_FILTER_SHIFT) & 7;

  if (tether_reader_failed (r))
    return;
  if (!composite_op_is_valid (op))
    ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown composite operator 0x%02x", op);
  /* pixman_filter_t: FAST .. CONVOLUTION (5); 6 and 7 name nothing the
   * protocol allows. */
  else if (src_filter > 5 || mask_filter > 5)
    ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "unknown composite filter %u",
              src_filter > 5 ? src_filter : mask_filter);
}

gboolean
tether_spice_msg_display_draw_decode (guint16 type, GBytes *body, TetherSpiceDrawMsg *out,
                                      GError **error)
{
  Ctx c;
  TetherReader r;

  memset (out, 0, sizeof *out);
  ctx_init_type (&c, body, type);
  r = c.whole;
  out->type = type;

  if (!tether_spice_display_is_draw_type (type))
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, c.what,
                                    "not a drawing message");

  read_display_base (&c, &r, &out->base);
  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_COPY_BITS:
      read_point (&r, &out->src_pos);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_FILL:
      read_brush (&c, &r, &out->brush);
      read_rop_descriptor (&r, &out->rop_descriptor);
      read_qmask (&c, &r, &out->mask);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE:
      read_image_ptr (&c, &r, TRUE, "source", &out->src);
      read_rect (&c, &r, "source area", &out->src_area);
      read_brush (&c, &r, &out->brush);
      read_rop_descriptor (&r, &out->rop_descriptor);
      read_scale_mode (&c, &r, &out->scale_mode);
      read_qmask (&c, &r, &out->mask);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COPY:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND:
      read_image_ptr (&c, &r, TRUE, "source", &out->src);
      read_rect (&c, &r, "source area", &out->src_area);
      read_rop_descriptor (&r, &out->rop_descriptor);
      read_scale_mode (&c, &r, &out->scale_mode);
      read_qmask (&c, &r, &out->mask);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS:
      read_qmask (&c, &r, &out->mask);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3:
      read_image_ptr (&c, &r, TRUE, "source", &out->src);
      read_rect (&c, &r, "source area", &out->src_area);
      read_brush (&c, &r, &out->brush);
      tether_reader_u8 (&r, &out->rop3);
      read_scale_mode (&c, &r, &out->scale_mode);
      read_qmask (&c, &r, &out->mask);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE:
      read_path_ptr (&c, &r, &out->path);
      read_line_attr (&c, &r, &out->attr);
      read_brush (&c, &r, &out->brush);
      tether_reader_u16_le (&r, &out->fore_mode);
      tether_reader_u16_le (&r, &out->back_mode);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT:
      read_string_ptr (&c, &r, &out->str);
      read_rect (&c, &r, "back area", &out->back_area);
      read_brush (&c, &r, &out->brush);
      read_brush (&c, &r, &out->back_brush);
      tether_reader_u16_le (&r, &out->fore_mode);
      tether_reader_u16_le (&r, &out->back_mode);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT:
      read_image_ptr (&c, &r, TRUE, "source", &out->src);
      read_rect (&c, &r, "source area", &out->src_area);
      tether_reader_u32_le (&r, &out->src_color);
      tether_reader_u32_le (&r, &out->true_color);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND:
      tether_reader_u8 (&r, &out->alpha_flags);
      tether_reader_u8 (&r, &out->alpha);
      read_image_ptr (&c, &r, TRUE, "source", &out->src);
      read_rect (&c, &r, "source area", &out->src_area);
      break;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE:
      tether_reader_u32_le (&r, &out->composite_flags);
      check_composite_flags (&c, &r, out->composite_flags);
      read_image_ptr (&c, &r, TRUE, "source", &out->src);
      if (out->composite_flags & TETHER_SPICE_COMPOSITE_HAS_MASK)
        read_image_ptr (&c, &r, FALSE, "mask", &out->composite_mask);
      if (out->composite_flags & TETHER_SPICE_COMPOSITE_HAS_SRC_TRANSFORM)
        for (guint i = 0; i < 6; i++)
          tether_reader_u32_le (&r, &out->src_transform[i]);
      if (out->composite_flags & TETHER_SPICE_COMPOSITE_HAS_MASK_TRANSFORM)
        for (guint i = 0; i < 6; i++)
          tether_reader_u32_le (&r, &out->mask_transform[i]);
      read_point16 (&r, &out->src_origin);
      read_point16 (&r, &out->mask_origin);
      break;
    default:
      g_assert_not_reached ();
    }

  /* Pointed-to data follows the fixed part, so trailing bytes are normal. */
  if (!ctx_finish (&c, &r, FALSE, error))
    {
      tether_spice_draw_msg_clear (out);
      return FALSE;
    }
  out->body = g_bytes_ref (body);
  return TRUE;
}

void
tether_spice_draw_msg_foreach_image (const TetherSpiceDrawMsg *msg,
                                     TetherSpiceImageFunc func, gpointer user_data)
{
  if (msg->src.present)
    func (&msg->src, user_data);
  if (msg->brush.type == TETHER_SPICE_BRUSH_PATTERN && msg->brush.pattern.present)
    func (&msg->brush.pattern, user_data);
  if (msg->back_brush.type == TETHER_SPICE_BRUSH_PATTERN && msg->back_brush.pattern.present)
    func (&msg->back_brush.pattern, user_data);
  if (msg->mask.bitmap.present)
    func (&msg->mask.bitmap, user_data);
  if (msg->composite_mask.present)
    func (&msg->composite_mask, user_data);
}

/* ---- streams with a clip ------------------------------------------------ */

static gboolean
check_stream_id (Ctx *c, TetherReader *r, guint32 id)
{
  if (tether_reader_failed (r) || id < TETHER_SPICE_MAX_STREAMS)
    return TRUE;
  return ctx_fail (c, r, TETHER_SPICE_ERROR_PROTOCOL, "stream id %u is not below %u",
                   id, TETHER_SPICE_MAX_STREAMS);
}

void
tether_spice_msg_display_stream_create_clear (TetherSpiceMsgStreamCreate *msg)
{
  clip_clear (&msg->clip);
}

gboolean
tether_spice_msg_display_stream_create_decode (GBytes *body, TetherSpiceMsgStreamCreate *out,
                                               GError **error)
{
  Ctx c;
  TetherReader r;

  memset (out, 0, sizeof *out);
  ctx_init_type (&c, body, TETHER_SPICE_MSG_DISPLAY_STREAM_CREATE);
  r = c.whole;
  tether_reader_u32_le (&r, &out->surface_id);
  tether_reader_u32_le (&r, &out->id);
  check_stream_id (&c, &r, out->id);
  tether_reader_u8 (&r, &out->flags);
  tether_reader_u8 (&r, &out->codec_type);
  tether_reader_u64_le (&r, &out->stamp);
  tether_reader_u32_le (&r, &out->stream_width);
  tether_reader_u32_le (&r, &out->stream_height);
  tether_reader_u32_le (&r, &out->src_width);
  tether_reader_u32_le (&r, &out->src_height);
  read_rect (&c, &r, "destination", &out->dest);
  read_clip (&c, &r, &out->clip);
  if (!ctx_finish (&c, &r, TRUE, error))
    {
      tether_spice_msg_display_stream_create_clear (out);
      return FALSE;
    }
  return TRUE;
}

void
tether_spice_msg_display_stream_clip_clear (TetherSpiceMsgStreamClip *msg)
{
  clip_clear (&msg->clip);
}

gboolean
tether_spice_msg_display_stream_clip_decode (GBytes *body, TetherSpiceMsgStreamClip *out,
                                             GError **error)
{
  Ctx c;
  TetherReader r;

  memset (out, 0, sizeof *out);
  ctx_init_type (&c, body, TETHER_SPICE_MSG_DISPLAY_STREAM_CLIP);
  r = c.whole;
  tether_reader_u32_le (&r, &out->id);
  check_stream_id (&c, &r, out->id);
  read_clip (&c, &r, &out->clip);
  if (!ctx_finish (&c, &r, TRUE, error))
    {
      tether_spice_msg_display_stream_clip_clear (out);
      return FALSE;
    }
  return TRUE;
}

/* STREAM_DATA and STREAM_DATA_SIZED share the stream id check. */
gboolean
tether_spice_msg_display_stream_data_decode (guint16 type, GBytes *body,
                                             TetherSpiceMsgStreamData *out, GError **error)
{
  Ctx c;
  TetherReader r;
  guint32 size;

  memset (out, 0, sizeof *out);
  ctx_init_type (&c, body, type);
  r = c.whole;
  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA:
      out->sized = FALSE;
      break;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
      out->sized = TRUE;
      break;
    default:
      return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, c.what,
                                      "not a stream data message");
    }
  tether_reader_u32_le (&r, &out->id);
  check_stream_id (&c, &r, out->id);
  tether_reader_u32_le (&r, &out->multi_media_time);
  if (out->sized)
    {
      tether_reader_u32_le (&r, &out->width);
      tether_reader_u32_le (&r, &out->height);
      read_rect (&c, &r, "destination", &out->dest);
    }
  tether_reader_u32_le (&r, &size);
  tether_reader_skip (&r, size);
  if (!ctx_finish (&c, &r, TRUE, error))
    return FALSE;
  out->data = g_bytes_new_from_bytes (body, tether_reader_offset (&r) - size, size);
  return TRUE;
}

void
tether_spice_msg_display_stream_data_clear (TetherSpiceMsgStreamData *msg)
{
  g_clear_pointer (&msg->data, g_bytes_unref);
}
