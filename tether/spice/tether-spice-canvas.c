/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-canvas-ops-private.h"

/*
 * The software canvas (docs/spice-protocol.md §8, §9.5): surfaces, the
 * destination region of an operation (box, surface, clip, mask), raster
 * operations, and every draw operation but STROKE and TEXT
 * (tether-spice-canvas-stroke.c).
 *
 * An operation runs in two phases. First everything that may fail or wait
 * is done: the region is computed (the mask decoded), the images the
 * operation uses are decoded and converted, and the images it does not use
 * are "touched" (decoded when a cache or the GLZ window needs them). Then
 * it draws, which cannot fail. So a WOULD_BLOCK leaves the pixels as they
 * were, and the retry draws exactly once.
 *
 * Every pixel written is inside the region, which is inside the surface;
 * every source rectangle is checked against its image.
 */

static gboolean G_GNUC_PRINTF (3, 4)
canvas_error (GError **error, TetherSpiceError code, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TETHER_SPICE_ERROR, code, "SPICE canvas: %s", text);
  return FALSE;
}

/* ---- canvas and surfaces ------------------------------------------------- */

pixman_format_code_t
tether_spice_surface_fmt_to_pixman (TetherSpiceSurfaceFmt format)
{
  switch (format)
    {
    case TETHER_SPICE_SURFACE_FMT_32_xRGB:
      return PIXMAN_x8r8g8b8;
    case TETHER_SPICE_SURFACE_FMT_32_ARGB:
      return PIXMAN_a8r8g8b8;
    case TETHER_SPICE_SURFACE_FMT_16_555:
      return PIXMAN_x1r5g5b5;
    case TETHER_SPICE_SURFACE_FMT_16_565:
      return PIXMAN_r5g6b5;
    case TETHER_SPICE_SURFACE_FMT_8_A:
      return PIXMAN_a8;
    case TETHER_SPICE_SURFACE_FMT_1_A:
    case TETHER_SPICE_SURFACE_FMT_INVALID:
    default:
      return 0;
    }
}

static void
surface_free (gpointer data)
{
  TetherSpiceSurface *surface = data;

  pixman_image_unref (surface->image);
  g_free (surface->data);
  g_free (surface);
}

static void
glz_memo_value_free (gpointer data)
{
  pixman_image_unref (data);
}

TetherSpiceCanvas *
tether_spice_canvas_new (TetherSpiceImageCache *images, TetherGlzWindow *glz)
{
  TetherSpiceCanvas *canvas = g_new0 (TetherSpiceCanvas, 1);

  canvas->surfaces = g_hash_table_new_full (g_int_hash, g_int_equal, NULL, surface_free);
  canvas->images = images != NULL
                   ? tether_spice_image_cache_ref (images)
                   : tether_spice_image_cache_new (TETHER_SPICE_DEFAULT_CACHE_SIZE / 4);
  canvas->glz = glz != NULL ? tether_glz_window_ref (glz)
                            : tether_glz_window_new (TETHER_GLZ_WINDOW_DEFAULT_BYTES);
  canvas->palettes = tether_spice_palette_cache_new ();
  canvas->max_surface_bytes = TETHER_SPICE_CANVAS_DEFAULT_SURFACE_BYTES;
  canvas->max_image_pixels = TETHER_SPICE_CANVAS_DEFAULT_IMAGE_PIXELS;
  canvas->glz_memo = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, glz_memo_value_free);
  return canvas;
}

void
tether_spice_canvas_free (TetherSpiceCanvas *canvas)
{
  if (canvas == NULL)
    return;
  g_hash_table_unref (canvas->surfaces);
  g_hash_table_unref (canvas->glz_memo);
  tether_spice_image_cache_unref (canvas->images);
  tether_glz_window_unref (canvas->glz);
  tether_spice_palette_cache_free (canvas->palettes);
  g_free (canvas);
}

TetherSpiceImageCache *
tether_spice_canvas_get_image_cache (TetherSpiceCanvas *canvas)
{
  return canvas->images;
}

TetherGlzWindow *
tether_spice_canvas_get_glz_window (TetherSpiceCanvas *canvas)
{
  return canvas->glz;
}

TetherSpicePaletteCache *
tether_spice_canvas_get_palette_cache (TetherSpiceCanvas *canvas)
{
  return canvas->palettes;
}

void
tether_spice_canvas_set_max_surface_bytes (TetherSpiceCanvas *canvas, gsize max_bytes)
{
  canvas->max_surface_bytes = MIN (max_bytes, TETHER_SPICE_CANVAS_DEFAULT_SURFACE_BYTES);
}

void
tether_spice_canvas_set_max_image_pixels (TetherSpiceCanvas *canvas, gsize max_pixels)
{
  canvas->max_image_pixels = MIN (max_pixels, TETHER_SPICE_CANVAS_DEFAULT_IMAGE_PIXELS);
}

TetherSpiceSurface *
tether_spice_canvas_lookup_surface (TetherSpiceCanvas *canvas, guint32 id)
{
  return g_hash_table_lookup (canvas->surfaces, &id);
}

guint
tether_spice_canvas_get_n_surfaces (TetherSpiceCanvas *canvas)
{
  return g_hash_table_size (canvas->surfaces);
}

void
tether_spice_canvas_destroy_surface (TetherSpiceCanvas *canvas, guint32 surface_id)
{
  TetherSpiceSurface *surface = tether_spice_canvas_lookup_surface (canvas, surface_id);

  if (surface == NULL)
    return;
  canvas->surface_bytes -= surface->n_bytes;
  if (surface->primary)
    canvas->has_primary = FALSE;
  g_hash_table_remove (canvas->surfaces, &surface_id);
}

void
tether_spice_canvas_clear (TetherSpiceCanvas *canvas)
{
  g_hash_table_remove_all (canvas->surfaces);
  g_hash_table_remove_all (canvas->glz_memo);
  canvas->surface_bytes = 0;
  canvas->has_primary = FALSE;
}

void
tether_spice_canvas_clear_offscreen (TetherSpiceCanvas *canvas)
{
  GHashTableIter iter;
  TetherSpiceSurface *surface;

  g_hash_table_iter_init (&iter, canvas->surfaces);
  while (g_hash_table_iter_next (&iter, NULL, (gpointer *) &surface))
    if (!surface->primary)
      {
        canvas->surface_bytes -= surface->n_bytes;
        g_hash_table_iter_remove (&iter);
      }
  g_hash_table_remove_all (canvas->glz_memo);
}

gboolean
tether_spice_canvas_create_surface (TetherSpiceCanvas *canvas, const TetherSpiceMsgSurfaceCreate *msg,
                                    GError **error)
{
  TetherSpiceSurfaceFmt format = (TetherSpiceSurfaceFmt) msg->format;
  pixman_format_code_t pformat = tether_spice_surface_fmt_to_pixman (format);
  gboolean primary = (msg->flags & TETHER_SPICE_SURFACE_FLAG_PRIMARY) != 0;
  TetherSpiceSurface *old, *surface;
  gsize stride, n_bytes;
  guint bytes_pp;
  guint8 *data;

  if (format == TETHER_SPICE_SURFACE_FMT_1_A)
    return canvas_error (error, TETHER_SPICE_ERROR_UNSUPPORTED,
                         "surface %u has the 1-bit format, which Tether does not draw on",
                         msg->surface_id);
  if (pformat == 0)
    return canvas_error (error, TETHER_SPICE_ERROR_PROTOCOL, "surface %u has unknown format %u",
                         msg->surface_id, msg->format);
  if (msg->width == 0 || msg->height == 0)
    return canvas_error (error, TETHER_SPICE_ERROR_PROTOCOL, "surface %u has an empty size %u×%u",
                         msg->surface_id, msg->width, msg->height);
  if (msg->width > TETHER_SPICE_CANVAS_MAX_SIDE || msg->height > TETHER_SPICE_CANVAS_MAX_SIDE)
    return canvas_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                         "surface %u of %u×%u pixels: the limit is %u per side",
                         msg->surface_id, msg->width, msg->height, TETHER_SPICE_CANVAS_MAX_SIDE);

  bytes_pp = PIXMAN_FORMAT_BPP (pformat) / 8;
  stride = (((gsize) msg->width * bytes_pp) + 3) & ~(gsize) 3;
  n_bytes = stride * msg->height;

  old = tether_spice_canvas_lookup_surface (canvas, msg->surface_id);
  if (old != NULL && primary && old->primary && old->width == msg->width &&
      old->height == msg->height && old->format == format)
    return TRUE;   /* spice-gtk keeps an identical primary, with its pixels */
  if (old != NULL)
    tether_spice_canvas_destroy_surface (canvas, msg->surface_id);
  if (primary && canvas->has_primary)
    tether_spice_canvas_destroy_surface (canvas, canvas->primary_id);

  if (g_hash_table_size (canvas->surfaces) >= TETHER_SPICE_CANVAS_MAX_SURFACES)
    return canvas_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                         "surface %u would be one more than the limit of %u surfaces",
                         msg->surface_id, TETHER_SPICE_CANVAS_MAX_SURFACES);
  if (n_bytes > canvas->max_surface_bytes - canvas->surface_bytes)
    return canvas_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                         "surface %u of %u×%u pixels does not fit in the %" G_GSIZE_FORMAT
                         " bytes left for surfaces", msg->surface_id, msg->width, msg->height,
                         canvas->max_surface_bytes - canvas->surface_bytes);
  data = g_try_malloc0 (n_bytes);
  if (data == NULL)
    return canvas_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                         "out of memory for surface %u of %u×%u pixels",
                         msg->surface_id, msg->width, msg->height);

  surface = g_new0 (TetherSpiceSurface, 1);
  surface->id = msg->surface_id;
  surface->format = format;
  surface->pixman_format = pformat;
  surface->width = msg->width;
  surface->height = msg->height;
  surface->bytes_pp = bytes_pp;
  surface->stride = stride;
  surface->n_bytes = n_bytes;
  surface->data = data;
  surface->primary = primary;
  surface->image = pixman_image_create_bits (pformat, (int) msg->width, (int) msg->height,
                                             (uint32_t *) data, (int) stride);
  g_assert (surface->image != NULL);
  g_hash_table_insert (canvas->surfaces, &surface->id, surface);
  canvas->surface_bytes += n_bytes;
  if (primary)
    {
      canvas->has_primary = TRUE;
      canvas->primary_id = surface->id;
    }
  return TRUE;
}

gboolean
tether_spice_canvas_set_mode (TetherSpiceCanvas *canvas, const TetherSpiceMsgDisplayMode *msg,
                              GError **error)
{
  TetherSpiceMsgSurfaceCreate create = {
    .surface_id = 0,
    .width = msg->x_res,
    .height = msg->y_res,
    .format = msg->bits == 32 ? TETHER_SPICE_SURFACE_FMT_32_xRGB : TETHER_SPICE_SURFACE_FMT_16_555,
    .flags = TETHER_SPICE_SURFACE_FLAG_PRIMARY,
  };

  return tether_spice_canvas_create_surface (canvas, &create, error);
}

void
tether_spice_canvas_reset (TetherSpiceCanvas *canvas)
{
  TetherSpiceSurface *primary = canvas->has_primary
                                ? tether_spice_canvas_lookup_surface (canvas, canvas->primary_id)
                                : NULL;

  if (primary != NULL)
    memset (primary->data, 0, primary->n_bytes);
  tether_spice_palette_cache_clear (canvas->palettes);
}

void
tether_spice_canvas_inval_list (TetherSpiceCanvas *canvas, const TetherSpiceMsgInvalList *list)
{
  for (guint i = 0; i < list->n_resources; i++)
    if (list->resources[i].type == TETHER_SPICE_RES_PIXMAP)
      tether_spice_image_cache_remove (canvas->images, list->resources[i].id);
}

void
tether_spice_canvas_inval_all_pixmaps (TetherSpiceCanvas *canvas)
{
  tether_spice_image_cache_clear (canvas->images);
}

void
tether_spice_canvas_inval_palette (TetherSpiceCanvas *canvas, guint64 id)
{
  tether_spice_palette_cache_remove (canvas->palettes, id);
}

void
tether_spice_canvas_inval_all_palettes (TetherSpiceCanvas *canvas)
{
  tether_spice_palette_cache_clear (canvas->palettes);
}

gboolean
tether_spice_canvas_get_surface (TetherSpiceCanvas *canvas, guint32 surface_id,
                                 TetherSpiceSurfaceInfo *info)
{
  TetherSpiceSurface *surface = tether_spice_canvas_lookup_surface (canvas, surface_id);

  memset (info, 0, sizeof *info);
  if (surface == NULL)
    return FALSE;
  info->surface_id = surface->id;
  info->data = surface->data;
  info->stride = surface->stride;
  info->width = surface->width;
  info->height = surface->height;
  info->format = surface->format;
  info->primary = surface->primary;
  return TRUE;
}

gboolean
tether_spice_canvas_get_primary (TetherSpiceCanvas *canvas, TetherSpiceSurfaceInfo *info)
{
  if (!canvas->has_primary)
    {
      memset (info, 0, sizeof *info);
      return FALSE;
    }
  return tether_spice_canvas_get_surface (canvas, canvas->primary_id, info);
}

/* ---- pixels -------------------------------------------------------------- */

static inline guint8 *
surface_row (const TetherSpiceSurface *surface, gint y)
{
  return surface->data + (gsize) y * surface->stride;
}

guint32
tether_spice_surface_get_pixel (const TetherSpiceSurface *surface, gint x, gint y)
{
  const guint8 *row = surface_row (surface, y);

  switch (surface->bytes_pp)
    {
    case 4: return ((const guint32 *) row)[x];
    case 2: return ((const guint16 *) row)[x];
    default: return row[x];
    }
}

void
tether_spice_surface_put_pixel (TetherSpiceSurface *surface, gint x, gint y, guint32 v)
{
  guint8 *row = surface_row (surface, y);

  switch (surface->bytes_pp)
    {
    case 4: ((guint32 *) row)[x] = v; break;
    case 2: ((guint16 *) row)[x] = (guint16) v; break;
    default: row[x] = (guint8) v; break;
    }
}

static guint32
pixel_mask (guint bytes_pp)
{
  return bytes_pp == 4 ? 0xffffffffu : bytes_pp == 2 ? 0xffffu : 0xffu;
}

static inline guint32
image_pixel (pixman_image_t *image, guint bytes_pp, gint x, gint y)
{
  const guint8 *row = (const guint8 *) pixman_image_get_data (image) +
                      (gsize) y * (gsize) pixman_image_get_stride (image);

  switch (bytes_pp)
    {
    case 4: return ((const guint32 *) row)[x];
    case 2: return ((const guint16 *) row)[x];
    default: return row[x];
    }
}

/* Positive modulo of a 64-bit value by a positive side. */
static inline gint
wrap (gint64 v, gint side)
{
  gint64 m = v % side;

  return (gint) (m < 0 ? m + side : m);
}

void
tether_spice_operand_clear (TetherSpiceOperand *operand)
{
  g_clear_pointer (&operand->image, pixman_image_unref);
  memset (operand, 0, sizeof *operand);
}

guint32
tether_spice_operand_get (const TetherSpiceOperand *operand, gint x, gint y)
{
  switch (operand->kind)
    {
    case TETHER_SPICE_OPERAND_IMAGE:
      return image_pixel (operand->image, operand->bytes_pp, x - operand->ox, y - operand->oy);
    case TETHER_SPICE_OPERAND_TILE:
      return image_pixel (operand->image, operand->bytes_pp,
                          wrap ((gint64) x - operand->ox, pixman_image_get_width (operand->image)),
                          wrap ((gint64) y - operand->oy, pixman_image_get_height (operand->image)));
    case TETHER_SPICE_OPERAND_SOLID:
    default:
      return operand->solid;
    }
}

guint
tether_spice_rop2_from_descriptor (guint16 desc, guint s_invert_bit, guint d_invert_bit)
{
  guint table = 0;

  /* The op bits are tested in this order, as the reference does; no op bit
   * at all is a plain copy. BLACKNESS, WHITENESS and INVERS ignore the
   * inversion bits. */
  if (!(desc & (TETHER_SPICE_ROPD_OP_PUT | TETHER_SPICE_ROPD_OP_OR | TETHER_SPICE_ROPD_OP_AND |
                TETHER_SPICE_ROPD_OP_XOR)))
    {
      if (desc & TETHER_SPICE_ROPD_OP_BLACKNESS)
        return TETHER_SPICE_ROP2_CLEAR;
      if (desc & TETHER_SPICE_ROPD_OP_WHITENESS)
        return TETHER_SPICE_ROP2_SET;
      if (desc & TETHER_SPICE_ROPD_OP_INVERS)
        return TETHER_SPICE_ROP2_INVERT;
      return TETHER_SPICE_ROP2_COPY;
    }
  for (guint s = 0; s < 2; s++)
    for (guint d = 0; d < 2; d++)
      {
        guint si = s ^ ((desc & s_invert_bit) ? 1u : 0u);
        guint di = d ^ ((desc & d_invert_bit) ? 1u : 0u);
        guint r;

        if (desc & TETHER_SPICE_ROPD_OP_PUT)
          r = si;
        else if (desc & TETHER_SPICE_ROPD_OP_OR)
          r = si | di;
        else if (desc & TETHER_SPICE_ROPD_OP_AND)
          r = si & di;
        else
          r = si ^ di;
        if (desc & TETHER_SPICE_ROPD_INVERS_RES)
          r ^= 1u;
        if (r)
          table |= 1u << ((s << 1) | d);
      }
  return table;
}

void
tether_spice_surface_rop2 (TetherSpiceSurface *surface, pixman_region32_t *region, guint table,
                           const TetherSpiceOperand *operand)
{
  int n_rects;
  pixman_box32_t *rects = pixman_region32_rectangles (region, &n_rects);
  guint32 mask = pixel_mask (surface->bytes_pp);

  for (int i = 0; i < n_rects; i++)
    for (gint y = rects[i].y1; y < rects[i].y2; y++)
      for (gint x = rects[i].x1; x < rects[i].x2; x++)
        {
          guint32 d = tether_spice_surface_get_pixel (surface, x, y);
          guint32 s = tether_spice_operand_get (operand, x, y);

          tether_spice_surface_put_pixel (surface, x, y, tether_spice_rop2_apply (table, s, d) & mask);
        }
}

static void
surface_fill (TetherSpiceSurface *surface, pixman_region32_t *region, guint32 value)
{
  int n_rects;
  pixman_box32_t *rects = pixman_region32_rectangles (region, &n_rects);

  value &= pixel_mask (surface->bytes_pp);
  for (int i = 0; i < n_rects; i++)
    {
      int w = rects[i].x2 - rects[i].x1, h = rects[i].y2 - rects[i].y1;

      if (pixman_fill ((uint32_t *) surface->data, (int) (surface->stride / 4),
                       (int) surface->bytes_pp * 8, rects[i].x1, rects[i].y1, w, h, value))
        continue;
      for (gint y = rects[i].y1; y < rects[i].y2; y++)
        for (gint x = rects[i].x1; x < rects[i].x2; x++)
          tether_spice_surface_put_pixel (surface, x, y, value);
    }
}

/* ---- regions ------------------------------------------------------------- */

static gint
clamp_coord (gint32 v, guint limit)
{
  return v < 0 ? 0 : (guint32) v > limit ? (gint) limit : v;
}

static void
clamped_box (const TetherSpiceSurface *surface, const TetherSpiceRect *r, pixman_box32_t *box)
{
  box->x1 = clamp_coord (r->left, surface->width);
  box->x2 = clamp_coord (r->right, surface->width);
  box->y1 = clamp_coord (r->top, surface->height);
  box->y2 = clamp_coord (r->bottom, surface->height);
  if (box->x2 < box->x1)
    box->x2 = box->x1;
  if (box->y2 < box->y1)
    box->y2 = box->y1;
}

void
tether_spice_surface_region (TetherSpiceSurface *surface, const TetherSpiceRect *rect,
                             const TetherSpiceClip *clip, pixman_region32_t *region)
{
  pixman_box32_t box;

  /* Clamping first keeps every coordinate pixman sees inside the surface. */
  clamped_box (surface, rect, &box);
  pixman_region32_init_rect (region, box.x1, box.y1, (unsigned) (box.x2 - box.x1),
                             (unsigned) (box.y2 - box.y1));
  if (clip != NULL && clip->type == TETHER_SPICE_CLIP_RECTS)
    {
      pixman_region32_t clip_region;
      pixman_box32_t *boxes = g_new (pixman_box32_t, MAX (clip->n_rects, 1));
      int n = 0;

      for (guint i = 0; i < clip->n_rects; i++)
        {
          clamped_box (surface, &clip->rects[i], &boxes[n]);
          if (boxes[n].x1 < boxes[n].x2 && boxes[n].y1 < boxes[n].y2)
            n++;
        }
      if (n > 0)
        pixman_region32_init_rects (&clip_region, boxes, n);
      else
        pixman_region32_init (&clip_region);
      pixman_region32_intersect (region, region, &clip_region);
      pixman_region32_fini (&clip_region);
      g_free (boxes);
    }
}

/* §8.1 step 4: keep the pixels whose mask bit is 1 (0 with INVERS); bits
 * outside the mask are 0. */
static gboolean
apply_mask (TetherSpiceOp *op, const TetherSpiceQMask *mask, const TetherSpiceRect *box,
            pixman_region32_t *region, GError **error)
{
  pixman_image_t *bits;
  pixman_box32_t ext;
  gint64 tx, ty, mx1, mx2, my1, my2;
  gint mw, mh;
  pixman_region32_t set;

  if (!mask->bitmap.present || !pixman_region32_not_empty (region))
    return TRUE;
  bits = tether_spice_op_get_image (op, &mask->bitmap, TRUE, error);
  if (bits == NULL)
    return FALSE;
  mw = pixman_image_get_width (bits);
  mh = pixman_image_get_height (bits);

  /* Destination (x, y) reads mask bit (x - tx, y - ty). */
  tx = (gint64) box->left - mask->pos.x;
  ty = (gint64) box->top - mask->pos.y;
  ext = *pixman_region32_extents (region);
  mx1 = MAX ((gint64) ext.x1 - tx, 0);
  mx2 = MIN ((gint64) ext.x2 - tx, mw);
  my1 = MAX ((gint64) ext.y1 - ty, 0);
  my2 = MIN ((gint64) ext.y2 - ty, mh);

  pixman_region32_init (&set);
  if (mx1 < mx2 && my1 < my2)
    {
      /* A view of the rows and (32-pixel aligned) columns that matter. */
      gint64 ax = mx1 & ~(gint64) 31;
      gint stride = pixman_image_get_stride (bits);
      guint8 *data = (guint8 *) pixman_image_get_data (bits) + my1 * stride + (ax / 32) * 4;
      pixman_image_t *view = pixman_image_create_bits (PIXMAN_a1, (int) (mx2 - ax), (int) (my2 - my1),
                                                       (uint32_t *) data, stride);

      pixman_region32_fini (&set);
      pixman_region32_init_from_image (&set, view);
      pixman_image_unref (view);
      /* Within the extents, so these fit an int. */
      pixman_region32_translate (&set, (int) (ax + tx), (int) (my1 + ty));
    }
  if (mask->flags & TETHER_SPICE_MASK_INVERS)
    pixman_region32_subtract (region, region, &set);
  else
    pixman_region32_intersect (region, region, &set);
  pixman_region32_fini (&set);
  pixman_image_unref (bits);
  return TRUE;
}

/* ---- sources --------------------------------------------------------------- */

/* A second pixman image over the same bits (so transforms and filters never
 * touch a cached image or a surface); @format 0 keeps the image's. */
static pixman_image_t *
image_view (pixman_image_t *image, pixman_format_code_t format)
{
  return pixman_image_create_bits (format != 0 ? format : pixman_image_get_format (image),
                                   pixman_image_get_width (image), pixman_image_get_height (image),
                                   pixman_image_get_data (image), pixman_image_get_stride (image));
}

static gint
clamp_int (gint64 v)
{
  return (gint) CLAMP (v, -(1 << 30), 1 << 30);
}

/* How destination pixels sample a source: through a view (maybe with a
 * scaling transform), at (x + dx, y + dy) before the transform. */
typedef struct {
  pixman_image_t *view;
  gint64          dx;
  gint64          dy;
} Sampler;

static void
sampler_clear (Sampler *s)
{
  g_clear_pointer (&s->view, pixman_image_unref);
}

/* §8.2: src_area of @image mapped onto @box, 1:1 or scaled. */
static gboolean
sampler_init (Sampler *s, pixman_image_t *image, const TetherSpiceRect *box,
              const TetherSpiceRect *src_area, guint8 scale_mode, GError **error)
{
  gint64 bw = (gint64) box->right - box->left, bh = (gint64) box->bottom - box->top;
  gint64 sw = (gint64) src_area->right - src_area->left, sh = (gint64) src_area->bottom - src_area->top;
  gint iw = pixman_image_get_width (image), ih = pixman_image_get_height (image);

  memset (s, 0, sizeof *s);
  if (src_area->left < 0 || src_area->top < 0 || src_area->right > iw || src_area->bottom > ih ||
      sw <= 0 || sh <= 0)
    return canvas_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                         "source area (%d,%d)-(%d,%d) is not inside its %d×%d image",
                         src_area->left, src_area->top, src_area->right, src_area->bottom, iw, ih);
  s->view = image_view (image, 0);
  if (bw == sw && bh == sh)
    {
      s->dx = (gint64) src_area->left - box->left;
      s->dy = (gint64) src_area->top - box->top;
    }
  else
    {
      pixman_transform_t t;

      /* source = src_area.left + (x - box.left) × sw / bw */
      pixman_transform_init_identity (&t);
      t.matrix[0][0] = pixman_double_to_fixed ((double) sw / (double) bw);
      t.matrix[0][2] = pixman_int_to_fixed (src_area->left);
      t.matrix[1][1] = pixman_double_to_fixed ((double) sh / (double) bh);
      t.matrix[1][2] = pixman_int_to_fixed (src_area->top);
      pixman_image_set_transform (s->view, &t);
      if (scale_mode == TETHER_SPICE_SCALE_NEAREST)
        pixman_image_set_filter (s->view, PIXMAN_FILTER_NEAREST, NULL, 0);
      else
        pixman_image_set_filter (s->view, PIXMAN_FILTER_BILINEAR, NULL, 0);
      pixman_image_set_repeat (s->view, PIXMAN_REPEAT_PAD);
      s->dx = -(gint64) box->left;
      s->dy = -(gint64) box->top;
    }
  return TRUE;
}

/* Composites @s onto @dst (already clipped) over @ext with @pop. */
static void
sampler_composite (const Sampler *s, pixman_op_t pop, pixman_image_t *mask,
                   pixman_image_t *dst, const pixman_box32_t *ext, gint dst_ox, gint dst_oy)
{
  pixman_image_composite32 (pop, s->view, mask, dst,
                            clamp_int (ext->x1 + s->dx), clamp_int (ext->y1 + s->dy),
                            0, 0,
                            ext->x1 - dst_ox, ext->y1 - dst_oy,
                            ext->x2 - ext->x1, ext->y2 - ext->y1);
}

/* The sampled source over the region's extents, in @surface's format. */
static gboolean
sampler_operand (const Sampler *s, TetherSpiceSurface *surface, pixman_region32_t *region,
                 TetherSpiceOperand *operand, GError **error)
{
  pixman_box32_t ext = *pixman_region32_extents (region);
  pixman_image_t *temp = tether_spice_image_new (surface->pixman_format, ext.x2 - ext.x1,
                                                 ext.y2 - ext.y1, error);

  if (temp == NULL)
    return FALSE;
  sampler_composite (s, PIXMAN_OP_SRC, NULL, temp, &ext, ext.x1, ext.y1);
  memset (operand, 0, sizeof *operand);
  operand->kind = TETHER_SPICE_OPERAND_IMAGE;
  operand->image = temp;
  operand->ox = ext.x1;
  operand->oy = ext.y1;
  operand->bytes_pp = surface->bytes_pp;
  return TRUE;
}

/* The source image of an operation; a source that is the destination
 * surface itself is copied first, so reading never overlaps writing. */
static pixman_image_t *
get_source (TetherSpiceOp *op, TetherSpiceSurface *surface, const TetherSpiceImage *image,
            GError **error)
{
  pixman_image_t *src = tether_spice_op_get_image (op, image, FALSE, error);

  if (src != NULL && surface != NULL && src == surface->image)
    {
      pixman_image_t *copy = tether_spice_image_new (surface->pixman_format, surface->width,
                                                     surface->height, error);

      if (copy != NULL)
        pixman_image_composite32 (PIXMAN_OP_SRC, src, NULL, copy, 0, 0, 0, 0, 0, 0,
                                  (int) surface->width, (int) surface->height);
      pixman_image_unref (src);
      src = copy;
    }
  return src;
}

gboolean
tether_spice_op_brush_operand (TetherSpiceOp *op, TetherSpiceSurface *surface,
                               const TetherSpiceBrush *brush, TetherSpiceOperand *operand,
                               GError **error)
{
  pixman_image_t *pattern, *tile;
  gint w, h;

  memset (operand, 0, sizeof *operand);
  operand->kind = TETHER_SPICE_OPERAND_SOLID;
  operand->bytes_pp = surface->bytes_pp;
  switch (brush->type)
    {
    case TETHER_SPICE_BRUSH_SOLID:
      /* Colors are pixel values of the surface's format (§7.1). */
      operand->solid = brush->color & pixel_mask (surface->bytes_pp);
      return TRUE;
    case TETHER_SPICE_BRUSH_PATTERN:
      pattern = get_source (op, surface, &brush->pattern, error);
      if (pattern == NULL)
        return FALSE;
      w = pixman_image_get_width (pattern);
      h = pixman_image_get_height (pattern);
      tile = tether_spice_image_new (surface->pixman_format, (guint) w, (guint) h, error);
      if (tile == NULL)
        {
          pixman_image_unref (pattern);
          return FALSE;
        }
      pixman_image_composite32 (PIXMAN_OP_SRC, pattern, NULL, tile, 0, 0, 0, 0, 0, 0, w, h);
      pixman_image_unref (pattern);
      operand->kind = TETHER_SPICE_OPERAND_TILE;
      operand->image = tile;
      operand->ox = brush->pos.x;
      operand->oy = brush->pos.y;
      return TRUE;
    case TETHER_SPICE_BRUSH_NONE:
    default:
      /* NONE draws with color 0, which still matters to ROPs like INVERS. */
      return TRUE;
    }
}

/* Writes @operand into @region (a plain copy). */
static void
operand_copy (TetherSpiceSurface *surface, pixman_region32_t *region,
              const TetherSpiceOperand *operand)
{
  if (operand->kind == TETHER_SPICE_OPERAND_SOLID)
    surface_fill (surface, region, operand->solid);
  else
    tether_spice_surface_rop2 (surface, region, TETHER_SPICE_ROP2_COPY, operand);
}

/* ---- the operations ------------------------------------------------------ */

/* What an operation decoded in its first phase. */
typedef struct {
  pixman_image_t     *src;
  pixman_image_t     *src_owner;  /* the image whose bits a view `src` uses */
  Sampler             sampler;
  TetherSpiceOperand  brush;
  TetherSpiceOperand  back;       /* TEXT's back brush */
  TetherSpiceOperand  source;     /* the sampled source, for ROPs */
  guint               table;
  pixman_image_t     *cmask;
} Inputs;

static void
inputs_clear (Inputs *in)
{
  sampler_clear (&in->sampler);
  g_clear_pointer (&in->src, pixman_image_unref);
  g_clear_pointer (&in->src_owner, pixman_image_unref);
  g_clear_pointer (&in->cmask, pixman_image_unref);
  tether_spice_operand_clear (&in->brush);
  tether_spice_operand_clear (&in->back);
  tether_spice_operand_clear (&in->source);
}

static gboolean
prepare_source (TetherSpiceOp *op, TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                guint8 scale_mode, Inputs *in, GError **error)
{
  in->src = get_source (op, surface, &msg->src, error);
  if (in->src == NULL)
    return FALSE;
  return sampler_init (&in->sampler, in->src, &msg->base.box, &msg->src_area, scale_mode, error);
}

static void
source_copy (TetherSpiceSurface *surface, pixman_region32_t *region, const Sampler *sampler)
{
  pixman_box32_t ext = *pixman_region32_extents (region);

  pixman_image_set_clip_region32 (surface->image, region);
  sampler_composite (sampler, PIXMAN_OP_SRC, NULL, surface->image, &ext, 0, 0);
  pixman_image_set_clip_region32 (surface->image, NULL);
}

/* pixman operand formats for DRAW_ALPHA_BLEND and DRAW_COMPOSITE. */
static pixman_format_code_t
opaque_format (pixman_format_code_t format)
{
  return format == PIXMAN_a8r8g8b8 ? PIXMAN_x8r8g8b8 : format;
}

static gboolean
composite_repeat (guint v, pixman_repeat_t *repeat)
{
  switch (v)
    {
    case 0: *repeat = PIXMAN_REPEAT_NONE; return TRUE;
    case 1: *repeat = PIXMAN_REPEAT_NORMAL; return TRUE;
    case 2: *repeat = PIXMAN_REPEAT_PAD; return TRUE;
    case 3: *repeat = PIXMAN_REPEAT_REFLECT; return TRUE;
    default: return FALSE;
    }
}

static gboolean
composite_filter (guint v, pixman_filter_t *filter, GError **error)
{
  switch (v)
    {
    case 0: *filter = PIXMAN_FILTER_FAST; return TRUE;
    case 1: *filter = PIXMAN_FILTER_GOOD; return TRUE;
    case 2: *filter = PIXMAN_FILTER_BEST; return TRUE;
    case 3: *filter = PIXMAN_FILTER_NEAREST; return TRUE;
    case 4: *filter = PIXMAN_FILTER_BILINEAR; return TRUE;
    default:
      /* CONVOLUTION needs parameters the protocol does not carry. */
      return canvas_error (error, TETHER_SPICE_ERROR_UNSUPPORTED,
                           "composite filter %u (convolution) is not supported", v);
    }
}

static void
set_transform (pixman_image_t *image, const guint32 t[6])
{
  pixman_transform_t m;

  pixman_transform_init_identity (&m);
  for (guint i = 0; i < 3; i++)
    {
      /* 16.16 fixed values, two's complement. */
      m.matrix[0][i] = (pixman_fixed_t) (gint32) t[i];
      m.matrix[1][i] = (pixman_fixed_t) (gint32) t[3 + i];
    }
  pixman_image_set_transform (image, &m);
}

/* A configured view of a composite source or mask. */
static pixman_image_t *
composite_view (pixman_image_t *image, guint32 flags, guint filter_shift, guint repeat_shift,
                guint32 opaque_flag, guint32 transform_flag, const guint32 transform[6],
                GError **error)
{
  pixman_format_code_t format = pixman_image_get_format (image);
  pixman_filter_t filter = PIXMAN_FILTER_FAST;
  pixman_repeat_t repeat = PIXMAN_REPEAT_NONE;
  pixman_image_t *view;

  if (!composite_filter ((flags >> filter_shift) & 7, &filter, error))
    return NULL;
  composite_repeat ((flags >> repeat_shift) & 3, &repeat);
  view = image_view (image, (flags & opaque_flag) ? opaque_format (format) : format);
  pixman_image_set_filter (view, filter, NULL, 0);
  pixman_image_set_repeat (view, repeat);
  if (flags & transform_flag)
    set_transform (view, transform);
  return view;
}

/* Phase one: decode and convert what the operation draws with. */
static gboolean
prepare (TetherSpiceOp *op, TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
         pixman_region32_t *region, Inputs *in, GError **error)
{
  switch (msg->type)
    {
    case TETHER_SPICE_MSG_DISPLAY_COPY_BITS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS:
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_FILL:
      in->table = tether_spice_rop2_from_descriptor (msg->rop_descriptor,
                                                     TETHER_SPICE_ROPD_INVERS_BRUSH,
                                                     TETHER_SPICE_ROPD_INVERS_DEST);
      if (in->table == TETHER_SPICE_ROP2_NOOP)
        return TRUE;
      return tether_spice_op_brush_operand (op, surface, &msg->brush, &in->brush, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COPY:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND:
      in->table = tether_spice_rop2_from_descriptor (msg->rop_descriptor,
                                                     TETHER_SPICE_ROPD_INVERS_SRC,
                                                     TETHER_SPICE_ROPD_INVERS_DEST);
      if (in->table == TETHER_SPICE_ROP2_NOOP)
        return TRUE;
      if (!prepare_source (op, surface, msg, msg->scale_mode, in, error))
        return FALSE;
      if (in->table == TETHER_SPICE_ROP2_COPY)
        return TRUE;
      return sampler_operand (&in->sampler, surface, region, &in->source, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE:
      in->table = tether_spice_rop2_from_descriptor (msg->rop_descriptor,
                                                     TETHER_SPICE_ROPD_INVERS_BRUSH,
                                                     TETHER_SPICE_ROPD_INVERS_SRC);
      if (!prepare_source (op, surface, msg, msg->scale_mode, in, error))
        return FALSE;
      if (in->table == TETHER_SPICE_ROP2_NOOP)
        return TRUE;
      return tether_spice_op_brush_operand (op, surface, &msg->brush, &in->brush, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3:
      if (!prepare_source (op, surface, msg, msg->scale_mode, in, error) ||
          !sampler_operand (&in->sampler, surface, region, &in->source, error))
        return FALSE;
      return tether_spice_op_brush_operand (op, surface, &msg->brush, &in->brush, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT:
      if (!prepare_source (op, surface, msg, TETHER_SPICE_SCALE_NEAREST, in, error))
        return FALSE;
      return sampler_operand (&in->sampler, surface, region, &in->source, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND:
      if (msg->alpha == 0)
        return TRUE;
      in->src = get_source (op, surface, &msg->src, error);
      if (in->src == NULL)
        return FALSE;
      /* A surface source has alpha only when the flag says so. */
      if (msg->src.type == TETHER_SPICE_IMAGE_SURFACE &&
          !(msg->alpha_flags & TETHER_SPICE_ALPHA_FLAG_SRC_SURFACE_HAS_ALPHA))
        {
          in->src_owner = in->src;
          in->src = image_view (in->src_owner, opaque_format (pixman_image_get_format (in->src_owner)));
        }
      return sampler_init (&in->sampler, in->src, &msg->base.box, &msg->src_area,
                           TETHER_SPICE_SCALE_NEAREST, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE:
      in->src = get_source (op, surface, &msg->src, error);
      if (in->src == NULL)
        return FALSE;
      if (msg->composite_mask.present)
        {
          in->cmask = get_source (op, surface, &msg->composite_mask, error);
          if (in->cmask == NULL)
            return FALSE;
        }
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE:
      return tether_spice_op_brush_operand (op, surface, &msg->brush, &in->brush, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT:
      if (!tether_spice_op_brush_operand (op, surface, &msg->brush, &in->brush, error))
        return FALSE;
      if (msg->back_area.left < msg->back_area.right && msg->back_area.top < msg->back_area.bottom)
        return tether_spice_op_brush_operand (op, surface, &msg->back_brush, &in->back, error);
      return TRUE;
    default:
      return TRUE;
    }
}

static void
draw_copy_bits (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg, pixman_region32_t *region)
{
  gint64 dx = (gint64) msg->base.box.left - msg->src_pos.x;
  gint64 dy = (gint64) msg->base.box.top - msg->src_pos.y;
  pixman_region32_t valid;
  pixman_box32_t ext;
  pixman_image_t *temp;
  gint64 vx1 = MAX (dx, 0), vy1 = MAX (dy, 0);
  gint64 vx2 = MIN ((gint64) surface->width + dx, surface->width);
  gint64 vy2 = MIN ((gint64) surface->height + dy, surface->height);

  /* Only destinations whose source pixel is inside the surface. */
  if (vx1 >= vx2 || vy1 >= vy2)
    {
      pixman_region32_clear (region);
      return;
    }
  pixman_region32_init_rect (&valid, (int) vx1, (int) vy1, (unsigned) (vx2 - vx1),
                             (unsigned) (vy2 - vy1));
  pixman_region32_intersect (region, region, &valid);
  pixman_region32_fini (&valid);
  if (!pixman_region32_not_empty (region))
    return;

  /* Through a copy of the source area: overlap behaves like memmove. */
  ext = *pixman_region32_extents (region);
  temp = tether_spice_image_new (surface->pixman_format, ext.x2 - ext.x1, ext.y2 - ext.y1, NULL);
  if (temp == NULL)
    return;
  pixman_image_composite32 (PIXMAN_OP_SRC, surface->image, NULL, temp,
                            (int) (ext.x1 - dx), (int) (ext.y1 - dy), 0, 0, 0, 0,
                            ext.x2 - ext.x1, ext.y2 - ext.y1);
  pixman_image_set_clip_region32 (surface->image, region);
  pixman_image_composite32 (PIXMAN_OP_SRC, temp, NULL, surface->image, 0, 0, 0, 0,
                            ext.x1, ext.y1, ext.x2 - ext.x1, ext.y2 - ext.y1);
  pixman_image_set_clip_region32 (surface->image, NULL);
  pixman_image_unref (temp);
}

static void
draw_rop3 (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg, pixman_region32_t *region,
           const Inputs *in)
{
  int n_rects;
  pixman_box32_t *rects = pixman_region32_rectangles (region, &n_rects);
  guint32 mask = pixel_mask (surface->bytes_pp);

  for (int i = 0; i < n_rects; i++)
    for (gint y = rects[i].y1; y < rects[i].y2; y++)
      for (gint x = rects[i].x1; x < rects[i].x2; x++)
        {
          guint32 p = tether_spice_operand_get (&in->brush, x, y);
          guint32 s = tether_spice_operand_get (&in->source, x, y);
          guint32 d = tether_spice_surface_get_pixel (surface, x, y);

          tether_spice_surface_put_pixel (surface, x, y,
                                          tether_spice_rop3_apply (msg->rop3, p, s, d) & mask);
        }
}

/* The transparent color key in the surface's format, and the bits compared. */
static guint32
color_key (const TetherSpiceSurface *surface, guint32 color, guint32 *bits)
{
  guint r = (color >> 16) & 0xff, g = (color >> 8) & 0xff, b = color & 0xff;

  switch (surface->format)
    {
    case TETHER_SPICE_SURFACE_FMT_16_555:
      *bits = 0x7fff;
      return (r >> 3) << 10 | (g >> 3) << 5 | (b >> 3);
    case TETHER_SPICE_SURFACE_FMT_16_565:
      *bits = 0xffff;
      return (r >> 3) << 11 | (g >> 2) << 5 | (b >> 3);
    case TETHER_SPICE_SURFACE_FMT_8_A:
      *bits = 0xff;
      return color & 0xff;
    case TETHER_SPICE_SURFACE_FMT_32_xRGB:
    case TETHER_SPICE_SURFACE_FMT_32_ARGB:
    default:
      *bits = 0xffffff;
      return color & 0xffffff;
    }
}

static void
draw_transparent (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                  pixman_region32_t *region, const Inputs *in)
{
  int n_rects;
  pixman_box32_t *rects = pixman_region32_rectangles (region, &n_rects);
  guint32 bits;
  guint32 key = color_key (surface, msg->true_color, &bits);

  for (int i = 0; i < n_rects; i++)
    for (gint y = rects[i].y1; y < rects[i].y2; y++)
      for (gint x = rects[i].x1; x < rects[i].x2; x++)
        {
          guint32 s = tether_spice_operand_get (&in->source, x, y);

          if ((s & bits) != key)
            tether_spice_surface_put_pixel (surface, x, y, s);
        }
}

static void
draw_alpha_blend (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                  pixman_region32_t *region, Inputs *in)
{
  pixman_color_t alpha = { 0, 0, 0, (guint16) (msg->alpha * 0x101u) };
  pixman_image_t *mask = pixman_image_create_solid_fill (&alpha);
  pixman_image_t *dst;
  pixman_box32_t ext = *pixman_region32_extents (region);

  /* The destination's alpha is used only with DEST_HAS_ALPHA. */
  if (surface->bytes_pp == 4)
    dst = image_view (surface->image,
                      (msg->alpha_flags & TETHER_SPICE_ALPHA_FLAG_DEST_HAS_ALPHA)
                      ? PIXMAN_a8r8g8b8 : PIXMAN_x8r8g8b8);
  else
    dst = pixman_image_ref (surface->image);
  pixman_image_set_clip_region32 (dst, region);
  sampler_composite (&in->sampler, PIXMAN_OP_OVER, mask, dst, &ext, 0, 0);
  pixman_image_unref (dst);
  pixman_image_unref (mask);
}

static gboolean
draw_composite (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
                pixman_region32_t *region, Inputs *in, GError **error)
{
  guint32 flags = msg->composite_flags;
  pixman_image_t *src, *mask = NULL, *dst;
  pixman_box32_t ext = *pixman_region32_extents (region);
  gint64 ox = (gint64) ext.x1 - msg->base.box.left;
  gint64 oy = (gint64) ext.y1 - msg->base.box.top;

  src = composite_view (in->src, flags, TETHER_SPICE_COMPOSITE_SRC_FILTER_SHIFT,
                        TETHER_SPICE_COMPOSITE_SRC_REPEAT_SHIFT, TETHER_SPICE_COMPOSITE_SOURCE_OPAQUE,
                        TETHER_SPICE_COMPOSITE_HAS_SRC_TRANSFORM, msg->src_transform, error);
  if (src == NULL)
    return FALSE;
  if (in->cmask != NULL)
    {
      mask = composite_view (in->cmask, flags, TETHER_SPICE_COMPOSITE_MASK_FILTER_SHIFT,
                             TETHER_SPICE_COMPOSITE_MASK_REPEAT_SHIFT,
                             TETHER_SPICE_COMPOSITE_MASK_OPAQUE,
                             TETHER_SPICE_COMPOSITE_HAS_MASK_TRANSFORM, msg->mask_transform, error);
      if (mask == NULL)
        {
          pixman_image_unref (src);
          return FALSE;
        }
      if (flags & TETHER_SPICE_COMPOSITE_COMPONENT_ALPHA)
        pixman_image_set_component_alpha (mask, TRUE);
    }
  dst = image_view (surface->image, (flags & TETHER_SPICE_COMPOSITE_DEST_OPAQUE)
                                    ? opaque_format (surface->pixman_format) : 0);
  pixman_image_set_clip_region32 (dst, region);
  /* The box's (0, 0) samples src_origin and mask_origin. */
  pixman_image_composite32 ((pixman_op_t) (flags & TETHER_SPICE_COMPOSITE_OP_MASK), src, mask, dst,
                            clamp_int (msg->src_origin.x + ox), clamp_int (msg->src_origin.y + oy),
                            clamp_int (msg->mask_origin.x + ox), clamp_int (msg->mask_origin.y + oy),
                            ext.x1, ext.y1, ext.x2 - ext.x1, ext.y2 - ext.y1);
  pixman_image_unref (dst);
  pixman_image_unref (src);
  if (mask != NULL)
    pixman_image_unref (mask);
  return TRUE;
}

/* Phase two: draw. What can still fail (an unsupported composite filter, a
 * stroke too long to flatten) fails before changing any pixel. */
static gboolean
draw (TetherSpiceSurface *surface, const TetherSpiceDrawMsg *msg,
      pixman_region32_t *region, Inputs *in, GError **error)
{
  TetherSpiceOperand zero = { .kind = TETHER_SPICE_OPERAND_SOLID, .solid = 0 };

  switch (msg->type)
    {
    case TETHER_SPICE_MSG_DISPLAY_COPY_BITS:
      draw_copy_bits (surface, msg, region);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_FILL:
      if (in->table == TETHER_SPICE_ROP2_NOOP)
        return TRUE;
      if (in->table == TETHER_SPICE_ROP2_COPY)
        operand_copy (surface, region, &in->brush);
      else
        tether_spice_surface_rop2 (surface, region, in->table, &in->brush);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COPY:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND:
      if (in->table == TETHER_SPICE_ROP2_NOOP)
        return TRUE;
      if (in->table == TETHER_SPICE_ROP2_COPY)
        source_copy (surface, region, &in->sampler);
      else
        tether_spice_surface_rop2 (surface, region, in->table, &in->source);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE:
      source_copy (surface, region, &in->sampler);
      if (in->table == TETHER_SPICE_ROP2_NOOP)
        return TRUE;
      if (in->table == TETHER_SPICE_ROP2_COPY)
        operand_copy (surface, region, &in->brush);
      else
        tether_spice_surface_rop2 (surface, region, in->table, &in->brush);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
      surface_fill (surface, region, 0);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS:
      surface_fill (surface, region, 0xffffffffu);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS:
      tether_spice_surface_rop2 (surface, region, TETHER_SPICE_ROP2_INVERT, &zero);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3:
      draw_rop3 (surface, msg, region, in);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TRANSPARENT:
      draw_transparent (surface, msg, region, in);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ALPHA_BLEND:
      if (msg->alpha != 0)
        draw_alpha_blend (surface, msg, region, in);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COMPOSITE:
      return draw_composite (surface, msg, region, in, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_STROKE:
      return tether_spice_canvas_draw_stroke (surface, msg, region, &in->brush, error);
    case TETHER_SPICE_MSG_DISPLAY_DRAW_TEXT:
      return tether_spice_canvas_draw_text (surface, msg, region, &in->brush, &in->back, error);
    default:
      return canvas_error (error, TETHER_SPICE_ERROR_PROTOCOL, "message %u is not a drawing",
                           msg->type);
    }
}

static gboolean
has_mask (guint16 type)
{
  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_DRAW_FILL:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_OPAQUE:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_COPY:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLEND:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_BLACKNESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_WHITENESS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_INVERS:
    case TETHER_SPICE_MSG_DISPLAY_DRAW_ROP3:
      return TRUE;
    default:
      return FALSE;
    }
}

/* §8.1 step 5: the images the operation did not use, decoded if needed. */
static gboolean
touch_all (TetherSpiceOp *op, const TetherSpiceDrawMsg *msg, GError **error)
{
  return tether_spice_op_touch_image (op, &msg->src, FALSE, error) &&
         tether_spice_op_touch_image (op, &msg->brush.pattern, FALSE, error) &&
         tether_spice_op_touch_image (op, &msg->back_brush.pattern, FALSE, error) &&
         tether_spice_op_touch_image (op, &msg->mask.bitmap, TRUE, error) &&
         tether_spice_op_touch_image (op, &msg->composite_mask, FALSE, error);
}

gboolean
tether_spice_canvas_draw (TetherSpiceCanvas *canvas, const TetherSpiceDrawMsg *msg,
                          TetherSpiceRect *damage, TetherSpiceImageWait *wait, GError **error)
{
  TetherSpiceOp op;
  TetherSpiceSurface *surface;
  pixman_region32_t region;
  Inputs in;
  gboolean ok = TRUE, drawing;
  GError *local = NULL;

  g_return_val_if_fail (canvas != NULL && msg != NULL, FALSE);
  memset (&in, 0, sizeof in);
  if (damage != NULL)
    memset (damage, 0, sizeof *damage);
  tether_spice_op_init (&op, canvas, wait);
  surface = tether_spice_canvas_lookup_surface (canvas, msg->base.surface_id);
  if (surface != NULL)
    {
      op.dest_format = surface->format;
      tether_spice_surface_region (surface, &msg->base.box, &msg->base.clip, &region);
    }
  else
    pixman_region32_init (&region);

  if (has_mask (msg->type))
    ok = apply_mask (&op, &msg->mask, &msg->base.box, &region, &local);
  drawing = ok && surface != NULL && pixman_region32_not_empty (&region);
  if (drawing)
    ok = prepare (&op, surface, msg, &region, &in, &local);
  ok = ok && touch_all (&op, msg, &local);
  if (ok && drawing)
    ok = draw (surface, msg, &region, &in, &local);

  if (ok && drawing && damage != NULL && pixman_region32_not_empty (&region))
    {
      pixman_box32_t *ext = pixman_region32_extents (&region);

      damage->left = ext->x1;
      damage->top = ext->y1;
      damage->right = ext->x2;
      damage->bottom = ext->y2;
    }
  inputs_clear (&in);
  pixman_region32_fini (&region);
  tether_spice_op_finish (&op, ok, !ok && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  if (!ok)
    g_propagate_error (error, local);
  return ok;
}

pixman_image_t *
tether_spice_canvas_decode_image (TetherSpiceCanvas *canvas, const TetherSpiceImage *image,
                                  gboolean as_mask, TetherSpiceImageWait *wait, GError **error)
{
  TetherSpiceOp op;
  pixman_image_t *out;
  GError *local = NULL;

  g_return_val_if_fail (canvas != NULL && image != NULL, NULL);
  tether_spice_op_init (&op, canvas, wait);
  if (!image->present)
    {
      canvas_error (error, TETHER_SPICE_ERROR_PROTOCOL, "no image to decode");
      return NULL;
    }
  out = tether_spice_op_get_image (&op, image, as_mask, &local);
  tether_spice_op_finish (&op, out != NULL,
                          out == NULL && g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK));
  if (out == NULL)
    g_propagate_error (error, local);
  return out;
}

gboolean
tether_spice_canvas_put_frame (TetherSpiceCanvas *canvas, guint32 surface_id,
                               const TetherSpiceRect *dest, const TetherSpiceClip *clip,
                               const guint8 *pixels, gsize stride, guint width, guint height,
                               gboolean top_down, GError **error)
{
  TetherSpiceSurface *surface = tether_spice_canvas_lookup_surface (canvas, surface_id);
  pixman_region32_t region;
  pixman_image_t *frame;
  pixman_transform_t t;
  pixman_box32_t ext;
  gint64 dw = (gint64) dest->right - dest->left, dh = (gint64) dest->bottom - dest->top;

  if (width == 0 || height == 0 || width > TETHER_CODEC_MAX_SIDE || height > TETHER_CODEC_MAX_SIDE ||
      stride < (gsize) width * 4 || stride > G_MAXINT)
    return canvas_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                         "video frame of %u×%u pixels (stride %" G_GSIZE_FORMAT ") is not valid",
                         width, height, stride);
  if (surface == NULL || dw <= 0 || dh <= 0)
    return TRUE;
  tether_spice_surface_region (surface, dest, clip, &region);
  if (!pixman_region32_not_empty (&region))
    {
      pixman_region32_fini (&region);
      return TRUE;
    }
  frame = pixman_image_create_bits (PIXMAN_x8r8g8b8, (int) width, (int) height,
                                    (uint32_t *) pixels, (int) stride);
  /* frame = dest scaled; a bottom-up frame is read from its last row. */
  pixman_transform_init_identity (&t);
  t.matrix[0][0] = pixman_double_to_fixed ((double) width / (double) dw);
  t.matrix[1][1] = pixman_double_to_fixed ((top_down ? 1.0 : -1.0) * (double) height / (double) dh);
  t.matrix[1][2] = top_down ? 0 : pixman_int_to_fixed ((int) height);
  pixman_image_set_transform (frame, &t);
  pixman_image_set_filter (frame, PIXMAN_FILTER_NEAREST, NULL, 0);
  pixman_image_set_repeat (frame, PIXMAN_REPEAT_PAD);
  ext = *pixman_region32_extents (&region);
  pixman_image_set_clip_region32 (surface->image, &region);
  pixman_image_composite32 (PIXMAN_OP_SRC, frame, NULL, surface->image,
                            clamp_int ((gint64) ext.x1 - dest->left),
                            clamp_int ((gint64) ext.y1 - dest->top),
                            0, 0, ext.x1, ext.y1, ext.x2 - ext.x1, ext.y2 - ext.y1);
  pixman_image_set_clip_region32 (surface->image, NULL);
  pixman_image_unref (frame);
  pixman_region32_fini (&region);
  return TRUE;
}
