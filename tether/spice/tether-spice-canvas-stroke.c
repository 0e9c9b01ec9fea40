/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-canvas-ops-private.h"

/*
 * DRAW_STROKE and DRAW_TEXT (docs/spice-protocol.md §8.4).
 *
 * Strokes are one-pixel "cosmetic" poly-lines, end point excluded (so the
 * joints of a poly-line are drawn once), optionally dashed, with Bézier
 * segments flattened first. A line's pixels are, for step i along its
 * major axis, the minor coordinate rounded half up: a plain integer DDA,
 * computed so that only the steps inside the region's extents are visited.
 *
 * Text: a coverage mask from the glyphs (max where they overlap),
 * composited OVER with the fore brush; the back area first gets the back
 * brush.
 */

/* fix28_4 to an integer, rounding as spice-common does (.5 goes down). */
static gint64
fix_to_int (gint64 fixed)
{
  gint64 val = fixed >= 0 ? fixed / 16 : -((-fixed + 15) / 16);
  gint64 rem = fixed - val * 16;

  return rem > 8 ? val + 1 : val;
}

typedef struct {
  gint64 x;
  gint64 y;
} P64;

/* ---- flattening ---------------------------------------------------------- */

typedef struct {
  GArray *points;       /* P64, integer pixels */
  GArray *starts;       /* guint: index of each poly-line's first point */
  guint   current;      /* first point of the poly-line being built */
  gboolean overflow;
} Flat;

static void
flat_append (Flat *f, gint64 x, gint64 y)
{
  P64 p = { x, y };

  if (f->points->len >= TETHER_SPICE_STROKE_MAX_LINES)
    {
      f->overflow = TRUE;
      return;
    }
  g_array_append_val (f->points, p);
}

static void
flat_append_fix (Flat *f, const TetherSpicePointFix *p)
{
  flat_append (f, fix_to_int (p->x), fix_to_int (p->y));
}

/* Ends the current poly-line (if it has points) and starts a new one. */
static void
flat_flush (Flat *f)
{
  if (f->points->len > f->current)
    g_array_append_val (f->starts, f->current);
  f->current = f->points->len;
}

static gboolean
flat_has_current (const Flat *f)
{
  return f->points->len > f->current;
}

/* Distance² (in pixels²) of @p from the line through @a and @b, all in
 * fix28_4 units. */
static double
deviation2 (P64 a, P64 b, P64 p)
{
  double dx = (double) (b.x - a.x), dy = (double) (b.y - a.y);
  double px = (double) (p.x - a.x), py = (double) (p.y - a.y);
  double len2 = dx * dx + dy * dy;
  double cross;

  if (len2 == 0)
    return (px * px + py * py) / 256.0;
  cross = dx * py - dy * px;
  return cross * cross / len2 / 256.0;
}

static void
bezier (Flat *f, P64 p0, P64 p1, P64 p2, P64 p3, guint depth)
{
  P64 p01, p12, p23, p012, p123, p0123;

  if (f->overflow)
    return;
  /* Straight enough (within half a pixel), or deep enough. */
  if (depth >= TETHER_SPICE_STROKE_MAX_BEZIER_DEPTH ||
      (deviation2 (p0, p3, p1) <= 0.25 && deviation2 (p0, p3, p2) <= 0.25))
    {
      flat_append (f, fix_to_int (p3.x), fix_to_int (p3.y));
      return;
    }
  p01 = (P64) { (p0.x + p1.x) / 2, (p0.y + p1.y) / 2 };
  p12 = (P64) { (p1.x + p2.x) / 2, (p1.y + p2.y) / 2 };
  p23 = (P64) { (p2.x + p3.x) / 2, (p2.y + p3.y) / 2 };
  p012 = (P64) { (p01.x + p12.x) / 2, (p01.y + p12.y) / 2 };
  p123 = (P64) { (p12.x + p23.x) / 2, (p12.y + p23.y) / 2 };
  p0123 = (P64) { (p012.x + p123.x) / 2, (p012.y + p123.y) / 2 };
  bezier (f, p0, p01, p012, p0123, depth + 1);
  bezier (f, p0123, p123, p23, p3, depth + 1);
}

static P64
fix_point (const TetherSpicePointFix *p)
{
  return (P64) { p->x, p->y };
}

/* Builds the poly-lines of @path (§8.4 DRAW_STROKE). */
static gboolean
flatten (const TetherSpicePath *path, Flat *f, GError **error)
{
  for (guint i = 0; i < path->n_segments && !f->overflow; i++)
    {
      const TetherSpicePathSegment *seg = &path->segments[i];
      guint k = 0;

      if (seg->flags & TETHER_SPICE_PATH_BEGIN)
        {
          flat_flush (f);
          if (seg->n_points > 0)
            flat_append_fix (f, &seg->points[k++]);
        }
      if (seg->flags & TETHER_SPICE_PATH_BEZIER)
        {
          /* Triples of control, control, end point; a curve needs a start. */
          for (; k + 2 < seg->n_points + 0u && flat_has_current (f); k += 3)
            {
              P64 last = g_array_index (f->points, P64, f->points->len - 1);
              P64 start = { last.x * 16, last.y * 16 };

              bezier (f, start, fix_point (&seg->points[k]), fix_point (&seg->points[k + 1]),
                      fix_point (&seg->points[k + 2]), 0);
            }
        }
      else
        {
          for (; k < seg->n_points; k++)
            flat_append_fix (f, &seg->points[k]);
        }
      if (seg->flags & TETHER_SPICE_PATH_END)
        {
          if ((seg->flags & TETHER_SPICE_PATH_CLOSE) && flat_has_current (f))
            {
              P64 first = g_array_index (f->points, P64, f->current);

              flat_append (f, first.x, first.y);
            }
          flat_flush (f);
        }
    }
  flat_flush (f);
  if (f->overflow)
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                        "SPICE canvas: stroke of more than %u lines",
                        TETHER_SPICE_STROKE_MAX_LINES), FALSE;
  return TRUE;
}

/* ---- rasterising --------------------------------------------------------- */

typedef struct {
  TetherSpiceSurface       *surface;
  pixman_region32_t        *region;
  pixman_box32_t            ext;
  guint                     table;
  const TetherSpiceOperand *brush;
  guint32                   pixel_mask;
  /* Dashes: lengths in pixels, on, off, on, ...; total 0: solid. */
  guint                     dash[256];
  guint                     n_dash;
  guint64                   dash_total;
  guint64                   dash_offset;
  guint64                   dash_pos;
} Stroker;

static gboolean
dash_on (const Stroker *st)
{
  guint64 pos = st->dash_pos;

  if (st->dash_total == 0)
    return TRUE;
  for (guint i = 0; i < st->n_dash; i++)
    {
      if (pos < st->dash[i])
        return (i % 2) == 0;
      pos -= st->dash[i];
    }
  return TRUE;
}

static void
dash_advance (Stroker *st, guint64 n)
{
  if (st->dash_total != 0)
    st->dash_pos = (st->dash_pos + n) % st->dash_total;
}

static void
plot (Stroker *st, gint64 x, gint64 y)
{
  gint ix, iy;
  guint32 d, s;

  if (x < st->ext.x1 || x >= st->ext.x2 || y < st->ext.y1 || y >= st->ext.y2)
    return;
  ix = (gint) x;
  iy = (gint) y;
  if (!pixman_region32_contains_point (st->region, ix, iy, NULL))
    return;
  d = tether_spice_surface_get_pixel (st->surface, ix, iy);
  s = tether_spice_operand_get (st->brush, ix, iy);
  tether_spice_surface_put_pixel (st->surface, ix, iy,
                                  tether_spice_rop2_apply (st->table, s, d) & st->pixel_mask);
}

/* The pixels of (x0, y0)-(x1, y1), the end point excluded. */
static void
line (Stroker *st, P64 a, P64 b)
{
  gint64 dx = b.x - a.x, dy = b.y - a.y;
  gint64 adx = dx < 0 ? -dx : dx, ady = dy < 0 ? -dy : dy;
  gboolean x_major = adx >= ady;
  gint64 n = x_major ? adx : ady;
  gint64 amin = x_major ? ady : adx;
  gint64 smaj = (x_major ? dx : dy) < 0 ? -1 : 1;
  gint64 smin = (x_major ? dy : dx) < 0 ? -1 : 1;
  gint64 m0 = x_major ? a.x : a.y;
  gint64 lo = x_major ? st->ext.x1 : st->ext.y1, hi = x_major ? st->ext.x2 : st->ext.y2;
  gint64 i0, i1;

  if (n == 0)
    return;
  /* Steps whose major coordinate m0 + i·smaj is in [lo, hi). */
  if (smaj > 0)
    {
      i0 = lo - m0;
      i1 = hi - m0;
    }
  else
    {
      i0 = m0 - hi + 1;
      i1 = m0 - lo + 1;
    }
  i0 = CLAMP (i0, 0, n);
  i1 = CLAMP (i1, i0, n);

  dash_advance (st, (guint64) i0);
  for (gint64 i = i0; i < i1; i++)
    {
      /* Round half up: floor ((2·i·amin + n) / (2n)); fits: < 2^31 · 2^32. */
      gint64 minor = (2 * i * amin + n) / (2 * n);
      gint64 maj = m0 + i * smaj;
      gint64 mnr = (x_major ? a.y : a.x) + minor * smin;

      if (dash_on (st))
        plot (st, x_major ? maj : mnr, x_major ? mnr : maj);
      dash_advance (st, 1);
    }
  dash_advance (st, (guint64) (n - i1));
}

gboolean
tether_spice_canvas_draw_stroke (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                                 pixman_region32_t *region, const TetherSpiceOperand *brush,
                                 GError **error)
{
  Flat f = { 0 };
  Stroker st;
  gboolean ok;

  memset (&st, 0, sizeof st);
  st.table = tether_spice_rop2_from_descriptor (msg->fore_mode, TETHER_SPICE_ROPD_INVERS_BRUSH,
                                                TETHER_SPICE_ROPD_INVERS_DEST);
  if (st.table == TETHER_SPICE_ROP2_NOOP)
    return TRUE;

  f.points = g_array_new (FALSE, FALSE, sizeof (P64));
  f.starts = g_array_new (FALSE, FALSE, sizeof (guint));
  ok = flatten (&msg->path, &f, error);
  if (ok)
    {
      st.surface = surface;
      st.region = region;
      st.ext = *pixman_region32_extents (region);
      st.brush = brush;
      st.pixel_mask = surface->bytes_pp == 4 ? 0xffffffffu : surface->bytes_pp == 2 ? 0xffffu : 0xffu;

      /* Dash lengths; START_WITH_GAP rotates the first to the end and
       * starts one dash in, as spice-common does. */
      if ((msg->attr.flags & TETHER_SPICE_LINE_FLAG_STYLED) && msg->attr.style_nseg > 0)
        {
          guint n = msg->attr.style_nseg;
          gboolean gap = (msg->attr.flags & TETHER_SPICE_LINE_FLAG_START_WITH_GAP) != 0;

          for (guint i = 0; i < n; i++)
            {
              gint64 v = fix_to_int (msg->attr.style[gap ? (i + 1) % n : i]);

              st.dash[i] = (guint) CLAMP (v, 0, G_MAXUINT16);
              st.dash_total += st.dash[i];
            }
          st.n_dash = n;
          st.dash_offset = gap ? st.dash[0] : 0;
        }

      for (guint k = 0; k < f.starts->len; k++)
        {
          guint first = g_array_index (f.starts, guint, k);
          guint end = k + 1 < f.starts->len ? g_array_index (f.starts, guint, k + 1) : f.points->len;

          /* Each poly-line starts the dash pattern afresh. */
          st.dash_pos = st.dash_total != 0 ? st.dash_offset % st.dash_total : 0;
          for (guint i = first; i + 1 < end; i++)
            line (&st, g_array_index (f.points, P64, i), g_array_index (f.points, P64, i + 1));
        }
    }
  g_array_unref (f.points);
  g_array_unref (f.starts);
  return ok;
}

/* ---- text --------------------------------------------------------------- */

/* A surface pixel value as a pixman color (for a solid text brush). */
static pixman_color_t
pixel_color (const TetherSpiceSurface *surface, guint32 v)
{
  pixman_color_t c = { 0, 0, 0, 0xffff };
  guint r, g, b;

  switch (surface->format)
    {
    case TETHER_SPICE_SURFACE_FMT_16_555:
      r = (v >> 10) & 31; g = (v >> 5) & 31; b = v & 31;
      c.red = (guint16) (((r << 3) | (r >> 2)) * 0x101u);
      c.green = (guint16) (((g << 3) | (g >> 2)) * 0x101u);
      c.blue = (guint16) (((b << 3) | (b >> 2)) * 0x101u);
      break;
    case TETHER_SPICE_SURFACE_FMT_16_565:
      r = (v >> 11) & 31; g = (v >> 5) & 63; b = v & 31;
      c.red = (guint16) (((r << 3) | (r >> 2)) * 0x101u);
      c.green = (guint16) (((g << 2) | (g >> 4)) * 0x101u);
      c.blue = (guint16) (((b << 3) | (b >> 2)) * 0x101u);
      break;
    case TETHER_SPICE_SURFACE_FMT_8_A:
      c.alpha = (guint16) ((v & 0xff) * 0x101u);
      break;
    case TETHER_SPICE_SURFACE_FMT_32_ARGB:
    case TETHER_SPICE_SURFACE_FMT_32_xRGB:
    default:
      c.red = (guint16) (((v >> 16) & 0xff) * 0x101u);
      c.green = (guint16) (((v >> 8) & 0xff) * 0x101u);
      c.blue = (guint16) ((v & 0xff) * 0x101u);
      break;
    }
  return c;
}

/* Coverage 0..255 of glyph pixel (col, row), rows counted from the top;
 * @p is the row's bytes. */
static guint8
glyph_coverage (guint bpp, const guint8 *p, guint col)
{
  switch (bpp)
    {
    case 1:
      return (p[col / 8] >> (7 - col % 8)) & 1 ? 0xff : 0;
    case 4:
      /* High nibble first; a nibble n covers n << 4, as the reference. */
      return (guint8) ((col % 2 == 0 ? p[col / 2] >> 4 : p[col / 2] & 0x0f) << 4);
    case 8:
    default:
      return p[col];
    }
}

/* Writes the glyphs' coverage into @mask, whose pixel (0, 0) is at (gx, gy). */
static void
glyph_mask (const TetherSpiceString *str, pixman_image_t *mask, gint gx, gint gy)
{
  gint mw = pixman_image_get_width (mask), mh = pixman_image_get_height (mask);
  gint stride = pixman_image_get_stride (mask);
  guint8 *bits = (guint8 *) pixman_image_get_data (mask);

  for (guint i = 0; i < str->n_glyphs; i++)
    {
      const TetherSpiceGlyph *g = &str->glyphs[i];
      gint64 left = (gint64) g->render_pos.x + g->glyph_origin.x - gx;
      gint64 top = (gint64) g->render_pos.y + g->glyph_origin.y - gy;
      gsize row_bytes = ((gsize) str->bpp * g->width + 7) / 8;
      TetherReader data;

      tether_reader_init (&data, g->data, row_bytes * g->height);
      for (guint row = 0; row < g->height; row++)
        {
          gint64 y = top + row;
          TetherReader r;
          const guint8 *p;

          if (y < 0 || y >= mh)
            continue;
          /* Glyph rows are stored bottom-up. */
          if (!tether_reader_at (&data, (guint64) (g->height - 1 - row) * row_bytes, row_bytes, &r) ||
              !tether_reader_borrow (&r, row_bytes, &p))
            break;
          for (guint col = 0; col < g->width; col++)
            {
              gint64 x = left + col;
              guint8 *dst;
              guint8 cov;

              if (x < 0 || x >= mw)
                continue;
              dst = bits + (gsize) y * stride + (gsize) x;
              cov = glyph_coverage (str->bpp, p, col);
              if (cov > *dst)
                *dst = cov;
            }
        }
    }
}

static gint
wrap (gint64 v, gint side)
{
  gint64 m = v % side;

  return (gint) (m < 0 ? m + side : m);
}

/* The fore brush as a pixman source: a solid color or the tiled pattern. */
static pixman_image_t *
brush_source (const TetherSpiceSurface *surface, const TetherSpiceOperand *brush)
{
  pixman_image_t *src;

  if (brush->kind == TETHER_SPICE_OPERAND_TILE)
    {
      src = pixman_image_create_bits (pixman_image_get_format (brush->image),
                                      pixman_image_get_width (brush->image),
                                      pixman_image_get_height (brush->image),
                                      pixman_image_get_data (brush->image),
                                      pixman_image_get_stride (brush->image));
      pixman_image_set_repeat (src, PIXMAN_REPEAT_NORMAL);
      return src;
    }
  {
    pixman_color_t c = pixel_color (surface, brush->solid);

    return pixman_image_create_solid_fill (&c);
  }
}

gboolean
tether_spice_canvas_draw_text (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                               pixman_region32_t *region, const TetherSpiceOperand *fore,
                               const TetherSpiceOperand *back, GError **error)
{
  const TetherSpiceString *str = &msg->str;
  pixman_box32_t ext = *pixman_region32_extents (region);
  gint64 x1 = G_MAXINT64, y1 = G_MAXINT64, x2 = G_MININT64, y2 = G_MININT64;
  pixman_image_t *mask, *src;

  /* The glyphs' bounds, within the region's extents. */
  for (guint i = 0; i < str->n_glyphs; i++)
    {
      const TetherSpiceGlyph *g = &str->glyphs[i];
      gint64 left = (gint64) g->render_pos.x + g->glyph_origin.x;
      gint64 top = (gint64) g->render_pos.y + g->glyph_origin.y;

      if (g->width == 0 || g->height == 0)
        continue;
      x1 = MIN (x1, left);
      y1 = MIN (y1, top);
      x2 = MAX (x2, left + g->width);
      y2 = MAX (y2, top + g->height);
    }
  x1 = MAX (x1, ext.x1);
  y1 = MAX (y1, ext.y1);
  x2 = MIN (x2, ext.x2);
  y2 = MIN (y2, ext.y2);

  mask = NULL;
  if (x1 < x2 && y1 < y2)
    {
      mask = tether_spice_image_new (PIXMAN_a8, (guint) (x2 - x1), (guint) (y2 - y1), error);
      if (mask == NULL)
        return FALSE;
      glyph_mask (str, mask, (gint) x1, (gint) y1);
    }

  /* The back area, when there is one, with the back brush as a copy. */
  if (msg->back_area.left < msg->back_area.right && msg->back_area.top < msg->back_area.bottom)
    {
      pixman_region32_t back_region;

      tether_spice_surface_region (surface, &msg->back_area, NULL, &back_region);
      pixman_region32_intersect (&back_region, &back_region, region);
      tether_spice_surface_rop2 (surface, &back_region, TETHER_SPICE_ROP2_COPY, back);
      pixman_region32_fini (&back_region);
    }

  if (mask == NULL)
    return TRUE;
  src = brush_source (surface, fore);
  pixman_image_set_clip_region32 (surface->image, region);
  if (fore->kind == TETHER_SPICE_OPERAND_TILE)
    pixman_image_composite32 (PIXMAN_OP_OVER, src, mask, surface->image,
                              wrap (x1 - fore->ox, pixman_image_get_width (fore->image)),
                              wrap (y1 - fore->oy, pixman_image_get_height (fore->image)),
                              0, 0, (int) x1, (int) y1, (int) (x2 - x1), (int) (y2 - y1));
  else
    pixman_image_composite32 (PIXMAN_OP_OVER, src, mask, surface->image, 0, 0, 0, 0,
                              (int) x1, (int) y1, (int) (x2 - x1), (int) (y2 - y1));
  pixman_image_set_clip_region32 (surface->image, NULL);
  pixman_image_unref (src);
  pixman_image_unref (mask);
  return TRUE;
}
