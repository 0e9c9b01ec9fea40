/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-codec-private.h"
#include "tether-spice-cursor-wire-private.h"

/* ---- messages ----------------------------------------------------------- */

gsize
tether_spice_cursor_data_size (guint type, guint width, guint height)
{
  gsize w = width, h = height;
  gsize mask = (w + 7) / 8 * h;

  switch (type)
    {
    case TETHER_SPICE_CURSOR_ALPHA:   return 4 * w * h;
    case TETHER_SPICE_CURSOR_MONO:    return 2 * mask;
    case TETHER_SPICE_CURSOR_COLOR4:  return (w + 1) / 2 * h + 16 * 4 + mask;
    case TETHER_SPICE_CURSOR_COLOR8:  return w * h + 256 * 4 + mask;
    case TETHER_SPICE_CURSOR_COLOR16: return 2 * w * h + mask;
    case TETHER_SPICE_CURSOR_COLOR24: return 3 * w * h + mask;
    case TETHER_SPICE_CURSOR_COLOR32: return 4 * w * h + mask;
    default:                          return 0;
    }
}

static void
read_point16 (TetherReader *r, TetherSpicePoint16 *p)
{
  guint16 x, y;

  tether_reader_u16_le (r, &x);
  tether_reader_u16_le (r, &y);
  p->x = x <= G_MAXINT16 ? (gint16) x : (gint16) ((gint) x - 65536);
  p->y = y <= G_MAXINT16 ? (gint16) y : (gint16) ((gint) y - 65536);
}

/* The Cursor at the end of INIT and SET: flags, then (unless NONE) the
 * header, then the rest of the body is the shape. */
static gboolean
read_cursor (TetherReader *r, const char *what, TetherSpiceCursor *c, GError **error)
{
  gsize need;

  tether_reader_u16_le (r, &c->flags);
  if (!tether_spice_wire_finish (r, FALSE, what, error))
    return FALSE;
  if (c->flags & TETHER_SPICE_CURSOR_FLAG_NONE)
    return tether_spice_wire_finish (r, TRUE, what, error);

  tether_reader_u64_le (r, &c->unique);
  tether_reader_u8 (r, &c->type);
  tether_reader_u16_le (r, &c->width);
  tether_reader_u16_le (r, &c->height);
  tether_reader_u16_le (r, &c->hot_spot_x);
  tether_reader_u16_le (r, &c->hot_spot_y);
  if (!tether_spice_wire_finish (r, FALSE, what, error))
    return FALSE;
  switch (c->type)
    {
    case TETHER_SPICE_CURSOR_ALPHA:
    case TETHER_SPICE_CURSOR_MONO:
    case TETHER_SPICE_CURSOR_COLOR4:
    case TETHER_SPICE_CURSOR_COLOR8:
    case TETHER_SPICE_CURSOR_COLOR16:
    case TETHER_SPICE_CURSOR_COLOR24:
    case TETHER_SPICE_CURSOR_COLOR32:
      break;
    default:
      return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                      "cursor %" G_GUINT64_FORMAT " has unknown type %u",
                                      c->unique, c->type);
    }
  if (c->width > TETHER_SPICE_MAX_CURSOR_SIDE || c->height > TETHER_SPICE_MAX_CURSOR_SIDE)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "cursor of %u×%u pixels, over the limit of %u per side",
                                    c->width, c->height, TETHER_SPICE_MAX_CURSOR_SIDE);
  c->data_size = tether_reader_remaining (r);
  tether_reader_borrow (r, c->data_size, &c->data);
  if (c->flags & TETHER_SPICE_CURSOR_FLAG_FROM_CACHE)
    return TRUE;
  /* The shape must be all there; a few bytes more are tolerated. */
  need = tether_spice_cursor_data_size (c->type, c->width, c->height);
  if (c->data_size < need)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "%ux%u cursor of type %u: %" G_GSIZE_FORMAT " bytes of shape, %"
                                    G_GSIZE_FORMAT " needed", c->width, c->height, c->type,
                                    c->data_size, need);
  return TRUE;
}

void
tether_spice_msg_cursor_init_clear (TetherSpiceMsgCursorInit *msg)
{
  g_clear_pointer (&msg->body, g_bytes_unref);
  memset (msg, 0, sizeof *msg);
}

gboolean
tether_spice_msg_cursor_init_decode (GBytes *body, TetherSpiceMsgCursorInit *out, GError **error)
{
  static const char what[] = "SPICE message CURSOR_INIT";
  TetherReader r;
  guint8 visible;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  read_point16 (&r, &out->position);
  tether_reader_u16_le (&r, &out->trail_length);
  tether_reader_u16_le (&r, &out->trail_frequency);
  tether_reader_u8 (&r, &visible);
  out->visible = visible != 0;
  if (!read_cursor (&r, what, &out->cursor, error))
    {
      memset (out, 0, sizeof *out);
      return FALSE;
    }
  out->body = g_bytes_ref (body);
  return TRUE;
}

void
tether_spice_msg_cursor_set_clear (TetherSpiceMsgCursorSet *msg)
{
  g_clear_pointer (&msg->body, g_bytes_unref);
  memset (msg, 0, sizeof *msg);
}

gboolean
tether_spice_msg_cursor_set_decode (GBytes *body, TetherSpiceMsgCursorSet *out, GError **error)
{
  static const char what[] = "SPICE message CURSOR_SET";
  TetherReader r;
  guint8 visible;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  read_point16 (&r, &out->position);
  tether_reader_u8 (&r, &visible);
  out->visible = visible != 0;
  if (!read_cursor (&r, what, &out->cursor, error))
    {
      memset (out, 0, sizeof *out);
      return FALSE;
    }
  out->body = g_bytes_ref (body);
  return TRUE;
}

gboolean
tether_spice_msg_cursor_move_decode (GBytes *body, TetherSpicePoint16 *position, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  read_point16 (&r, position);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message CURSOR_MOVE", error);
}

gboolean
tether_spice_msg_cursor_trail_decode (GBytes *body, guint16 *length, guint16 *frequency,
                                      GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u16_le (&r, length);
  tether_reader_u16_le (&r, frequency);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message CURSOR_TRAIL", error);
}

gboolean
tether_spice_msg_cursor_inval_one_decode (GBytes *body, guint64 *id, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u64_le (&r, id);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message CURSOR_INVAL_ONE", error);
}

/* ---- shapes ------------------------------------------------------------- */

TetherSpiceCursorImage *
tether_spice_cursor_image_ref (TetherSpiceCursorImage *image)
{
  g_return_val_if_fail (image != NULL, NULL);
  image->ref_count++;
  return image;
}

void
tether_spice_cursor_image_unref (TetherSpiceCursorImage *image)
{
  if (image == NULL || --image->ref_count > 0)
    return;
  g_free (image->pixels);
  g_free (image);
}

#define OPAQUE_BLACK 0xff000000u
#define OPAQUE_WHITE 0xffffffffu

/* A pixel that should invert the screen: a checker of black and white. */
static guint32
invert_pixel (guint x, guint y)
{
  return ((x + y) & 1) ? OPAQUE_WHITE : OPAQUE_BLACK;
}

/* Bit x of a 1-bit, MSB-first row. */
static guint
bit_at (const guint8 *row, guint x)
{
  return (row[x / 8] >> (7 - x % 8)) & 1u;
}

/* Reads @n bytes at @offset of the shape through a checked slice. */
static const guint8 *
shape_bytes (const TetherSpiceCursor *c, gsize offset, gsize n)
{
  TetherReader r, sub;
  const guint8 *p = NULL;

  tether_reader_init (&r, c->data, c->data_size);
  if (!tether_reader_at (&r, offset, n, &sub) || !tether_reader_borrow (&sub, n, &p))
    return NULL;
  return p;
}

static guint32
read_u32 (const guint8 *p)
{
  return (guint32) p[0] | (guint32) p[1] << 8 | (guint32) p[2] << 16 | (guint32) p[3] << 24;
}

TetherSpiceCursorImage *
tether_spice_cursor_decode_image (const TetherSpiceCursor *c, GError **error)
{
  g_autoptr(TetherSpiceCursorImage) image = NULL;
  guint w = c->width, h = c->height;
  gsize mask_stride = ((gsize) w + 7) / 8;
  gsize color_stride = 0, color_bytes, palette_entries = 0;
  const guint8 *colors = NULL, *palette = NULL, *and_mask = NULL, *xor_mask = NULL;

  g_return_val_if_fail (!(c->flags & (TETHER_SPICE_CURSOR_FLAG_NONE |
                                       TETHER_SPICE_CURSOR_FLAG_FROM_CACHE)), NULL);
  if (w > TETHER_SPICE_MAX_CURSOR_SIDE || h > TETHER_SPICE_MAX_CURSOR_SIDE)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "SPICE cursor of %u×%u pixels is over the limit", w, h);
      return NULL;
    }
  switch (c->type)
    {
    case TETHER_SPICE_CURSOR_ALPHA:
    case TETHER_SPICE_CURSOR_MONO:
    case TETHER_SPICE_CURSOR_COLOR4:
    case TETHER_SPICE_CURSOR_COLOR8:
    case TETHER_SPICE_CURSOR_COLOR16:
    case TETHER_SPICE_CURSOR_COLOR24:
    case TETHER_SPICE_CURSOR_COLOR32:
      break;
    default:
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "SPICE cursor %" G_GUINT64_FORMAT " has unknown type %u", c->unique, c->type);
      return NULL;
    }
  if (c->data_size < tether_spice_cursor_data_size (c->type, w, h))
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "SPICE cursor %" G_GUINT64_FORMAT ": %" G_GSIZE_FORMAT " bytes of shape, %"
                   G_GSIZE_FORMAT " needed", c->unique, c->data_size,
                   tether_spice_cursor_data_size (c->type, w, h));
      return NULL;
    }

  image = g_new0 (TetherSpiceCursorImage, 1);
  image->ref_count = 1;
  image->unique = c->unique;
  image->width = w;
  image->height = h;
  image->hot_x = w > 0 ? MIN (c->hot_spot_x, w - 1) : 0;
  image->hot_y = h > 0 ? MIN (c->hot_spot_y, h - 1) : 0;
  if (w == 0 || h == 0)
    return g_steal_pointer (&image);
  image->pixels = g_new0 (guint32, (gsize) w * h);

  switch (c->type)
    {
    case TETHER_SPICE_CURSOR_ALPHA:
      colors = shape_bytes (c, 0, 4 * (gsize) w * h);
      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < w; x++)
          image->pixels[(gsize) y * w + x] = read_u32 (colors + 4 * ((gsize) y * w + x));
      return g_steal_pointer (&image);
    case TETHER_SPICE_CURSOR_MONO:
      and_mask = shape_bytes (c, 0, mask_stride * h);
      xor_mask = shape_bytes (c, mask_stride * h, mask_stride * h);
      for (guint y = 0; y < h; y++)
        for (guint x = 0; x < w; x++)
          {
            guint a = bit_at (and_mask + y * mask_stride, x);
            guint xr = bit_at (xor_mask + y * mask_stride, x);
            guint32 *o = &image->pixels[(gsize) y * w + x];

            if (a == 0)
              *o = xr ? OPAQUE_WHITE : OPAQUE_BLACK;
            else
              *o = xr ? invert_pixel (x, y) : 0;
          }
      return g_steal_pointer (&image);
    case TETHER_SPICE_CURSOR_COLOR4:
      color_stride = ((gsize) w + 1) / 2;
      palette_entries = 16;
      break;
    case TETHER_SPICE_CURSOR_COLOR8:
      color_stride = w;
      palette_entries = 256;
      break;
    case TETHER_SPICE_CURSOR_COLOR16:
      color_stride = 2 * (gsize) w;
      break;
    case TETHER_SPICE_CURSOR_COLOR24:
      color_stride = 3 * (gsize) w;
      break;
    case TETHER_SPICE_CURSOR_COLOR32:
      color_stride = 4 * (gsize) w;
      break;
    default:
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "SPICE cursor %" G_GUINT64_FORMAT " has unknown type %u", c->unique, c->type);
      return NULL;
    }

  /* Color cursors: the colors, the palette if any, then the AND mask. */
  color_bytes = color_stride * h;
  colors = shape_bytes (c, 0, color_bytes);
  palette = shape_bytes (c, color_bytes, palette_entries * 4);
  and_mask = shape_bytes (c, color_bytes + palette_entries * 4, mask_stride * h);
  for (guint y = 0; y < h; y++)
    for (guint x = 0; x < w; x++)
      {
        const guint8 *row = colors + y * color_stride;
        guint32 rgb;
        gboolean white;

        switch (c->type)
          {
          case TETHER_SPICE_CURSOR_COLOR4:
            rgb = read_u32 (palette + 4 * ((x % 2 == 0) ? row[x / 2] >> 4 : row[x / 2] & 0x0f)) & 0xffffff;
            white = rgb == 0xffffff;
            break;
          case TETHER_SPICE_CURSOR_COLOR8:
            rgb = read_u32 (palette + 4 * (gsize) row[x]) & 0xffffff;
            white = rgb == 0xffffff;
            break;
          case TETHER_SPICE_CURSOR_COLOR16:
            {
              guint v = (guint) row[2 * x] | (guint) row[2 * x + 1] << 8;

              rgb = tether_codec_rgb555_to_xrgb (v);
              white = (v & 0x7fff) == 0x7fff;
            }
            break;
          case TETHER_SPICE_CURSOR_COLOR24:
            rgb = (guint32) row[3 * x + 2] << 16 | (guint32) row[3 * x + 1] << 8 | row[3 * x];
            white = rgb == 0xffffff;
            break;
          case TETHER_SPICE_CURSOR_COLOR32:
          default:
            rgb = read_u32 (row + 4 * (gsize) x) & 0xffffff;
            white = rgb == 0xffffff;
            break;
          }
        if (bit_at (and_mask + y * mask_stride, x))
          image->pixels[(gsize) y * w + x] = white ? invert_pixel (x, y) : 0;
        else
          image->pixels[(gsize) y * w + x] = 0xff000000u | rgb;
      }
  return g_steal_pointer (&image);
}

/* ---- the cursor cache ---------------------------------------------------- */

struct _TetherSpiceCursorCache {
  GHashTable *images;     /* guint64* (image->unique) -> TetherSpiceCursorImage* */
  GQueue      lru;        /* of TetherSpiceCursorImage*, least recent first */
  gsize       bytes;
};

static gsize
image_bytes (const TetherSpiceCursorImage *image)
{
  return (gsize) image->width * image->height * 4;
}

TetherSpiceCursorCache *
tether_spice_cursor_cache_new (void)
{
  TetherSpiceCursorCache *cache = g_new0 (TetherSpiceCursorCache, 1);

  cache->images = g_hash_table_new_full (g_int64_hash, g_int64_equal, NULL,
                                         (GDestroyNotify) tether_spice_cursor_image_unref);
  g_queue_init (&cache->lru);
  return cache;
}

void
tether_spice_cursor_cache_clear (TetherSpiceCursorCache *cache)
{
  g_queue_clear (&cache->lru);
  g_hash_table_remove_all (cache->images);
  cache->bytes = 0;
}

void
tether_spice_cursor_cache_free (TetherSpiceCursorCache *cache)
{
  if (cache == NULL)
    return;
  tether_spice_cursor_cache_clear (cache);
  g_hash_table_unref (cache->images);
  g_free (cache);
}

void
tether_spice_cursor_cache_remove (TetherSpiceCursorCache *cache, guint64 unique)
{
  TetherSpiceCursorImage *image = g_hash_table_lookup (cache->images, &unique);

  if (image == NULL)
    return;
  g_queue_remove (&cache->lru, image);
  cache->bytes -= image_bytes (image);
  g_hash_table_remove (cache->images, &unique);
}

void
tether_spice_cursor_cache_put (TetherSpiceCursorCache *cache, TetherSpiceCursorImage *image)
{
  g_return_if_fail (image != NULL);
  tether_spice_cursor_cache_remove (cache, image->unique);
  if (image_bytes (image) > TETHER_SPICE_CURSOR_CACHE_MAX_BYTES)
    return;
  while (g_queue_get_length (&cache->lru) >= TETHER_SPICE_CURSOR_CACHE_MAX ||
         cache->bytes + image_bytes (image) > TETHER_SPICE_CURSOR_CACHE_MAX_BYTES)
    {
      TetherSpiceCursorImage *oldest = g_queue_peek_head (&cache->lru);

      tether_spice_cursor_cache_remove (cache, oldest->unique);
    }
  tether_spice_cursor_image_ref (image);
  g_hash_table_insert (cache->images, &image->unique, image);
  g_queue_push_tail (&cache->lru, image);
  cache->bytes += image_bytes (image);
}

TetherSpiceCursorImage *
tether_spice_cursor_cache_lookup (TetherSpiceCursorCache *cache, guint64 unique)
{
  TetherSpiceCursorImage *image = g_hash_table_lookup (cache->images, &unique);

  if (image == NULL)
    return NULL;
  g_queue_remove (&cache->lru, image);
  g_queue_push_tail (&cache->lru, image);
  return tether_spice_cursor_image_ref (image);
}

guint
tether_spice_cursor_cache_get_n_entries (TetherSpiceCursorCache *cache)
{
  return g_hash_table_size (cache->images);
}

gboolean
tether_spice_cursor_resolve (TetherSpiceCursorCache *cache, const TetherSpiceCursor *cursor,
                             TetherSpiceCursorImage **image, GError **error)
{
  *image = NULL;
  if (cursor->flags & TETHER_SPICE_CURSOR_FLAG_NONE)
    return TRUE;
  if (cursor->flags & TETHER_SPICE_CURSOR_FLAG_FROM_CACHE)
    {
      *image = tether_spice_cursor_cache_lookup (cache, cursor->unique);
      if (*image == NULL)
        {
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                       "SPICE cursor %" G_GUINT64_FORMAT " is not in the cursor cache",
                       cursor->unique);
          return FALSE;
        }
      return TRUE;
    }
  *image = tether_spice_cursor_decode_image (cursor, error);
  if (*image == NULL)
    return FALSE;
  if (cursor->flags & TETHER_SPICE_CURSOR_FLAG_CACHE_ME)
    tether_spice_cursor_cache_put (cache, *image);
  return TRUE;
}
