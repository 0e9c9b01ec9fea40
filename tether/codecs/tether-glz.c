/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPICE GLZ and ZLIB_GLZ (spice-protocol.md §9.6, §10.3) and the window of
 * earlier images that GLZ matches copy from.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>
#include <zlib.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-glz-private.h"
#include "tether-reader-private.h"

/* The most bytes a valid GLZ stream spends on one pixel of one pass: a
 * one-pixel match with every optional byte (ctrl, offset, image-distance
 * flags, 3 distance bytes, long offset) is 7. */
#define GLZ_MAX_BYTES_PER_PIXEL 8u

/* ---- shared pixel buffers ------------------------------------------------ */

/* A reference-counted array of pixels: the header sits in the 16 bytes
 * before the pixels, which keeps them as aligned as malloc's memory. */
typedef union {
  gatomicrefcount ref_count;
  guint8          pad[16];
} GlzPixelsHeader;

static guint32 *
glz_pixels_try_new (gsize n_pixels)
{
  GlzPixelsHeader *header;

  /* n_pixels ≤ TETHER_CODEC_MAX_PIXELS (checked): no overflow. */
  header = g_try_malloc (sizeof *header + n_pixels * sizeof (guint32));
  if (header == NULL)
    return NULL;
  g_atomic_ref_count_init (&header->ref_count);
  return (guint32 *) (header + 1);
}

static GlzPixelsHeader *
glz_pixels_header (const guint32 *pixels)
{
  return (GlzPixelsHeader *) pixels - 1;
}

guint32 *
tether_glz_pixels_ref (guint32 *pixels)
{
  g_return_val_if_fail (pixels != NULL, NULL);
  g_atomic_ref_count_inc (&glz_pixels_header (pixels)->ref_count);
  return pixels;
}

void
tether_glz_pixels_unref (guint32 *pixels)
{
  if (pixels != NULL && g_atomic_ref_count_dec (&glz_pixels_header (pixels)->ref_count))
    g_free (glz_pixels_header (pixels));
}

/* ---- the window ---------------------------------------------------------- */

typedef struct {
  guint64  id;
  guint32  win_head_dist;
  gsize    n_pixels;
  gboolean opaque;        /* no alpha: every pixel has alpha 0xff */
  guint32 *pixels;        /* n_pixels, stream order; a shared buffer */
} GlzImage;

struct _TetherGlzWindow {
  gatomicrefcount ref_count;
  GTree   *images;         /* &GlzImage.id → GlzImage, oldest first */
  gsize    max_bytes;
  gsize    bytes;
  /* Every id in [first inserted, tail) has been inserted: the images up to
   * tail − 1 have no gap that an out-of-order image may still fill. */
  gboolean have_tail;
  guint64  tail;
  guint64  keep_from;      /* what the gap-free images may still reference */
  guint64  evicted_below;  /* ids below this are gone for good */
};

static gsize
image_bytes (const GlzImage *image)
{
  return image->n_pixels * sizeof (guint32);
}

static void
glz_image_free (gpointer data)
{
  GlzImage *image = data;

  tether_glz_pixels_unref (image->pixels);
  g_free (image);
}

static int
compare_ids (gconstpointer a, gconstpointer b, gpointer user_data)
{
  guint64 x = *(const guint64 *) a, y = *(const guint64 *) b;

  return x < y ? -1 : x > y;
}

TetherGlzWindow *
tether_glz_window_new (gsize max_bytes)
{
  TetherGlzWindow *w = g_new0 (TetherGlzWindow, 1);

  g_atomic_ref_count_init (&w->ref_count);
  w->images = g_tree_new_full (compare_ids, NULL, NULL, glz_image_free);
  w->max_bytes = MIN (max_bytes, TETHER_GLZ_WINDOW_MAX_BYTES);
  return w;
}

TetherGlzWindow *
tether_glz_window_ref (TetherGlzWindow *window)
{
  g_return_val_if_fail (window != NULL, NULL);
  g_atomic_ref_count_inc (&window->ref_count);
  return window;
}

void
tether_glz_window_unref (TetherGlzWindow *window)
{
  if (window == NULL || !g_atomic_ref_count_dec (&window->ref_count))
    return;
  g_tree_unref (window->images);
  g_free (window);
}

void
tether_glz_window_clear (TetherGlzWindow *window)
{
  g_return_if_fail (window != NULL);
  g_tree_remove_all (window->images);
  window->bytes = 0;
  window->have_tail = FALSE;
  window->tail = 0;
  window->keep_from = 0;
  window->evicted_below = 0;
}

static GlzImage *
window_lookup (TetherGlzWindow *w, guint64 id)
{
  return g_tree_lookup (w->images, &id);
}

static GlzImage *
window_oldest (TetherGlzWindow *w)
{
  GTreeNode *node = g_tree_node_first (w->images);

  return node != NULL ? g_tree_node_value (node) : NULL;
}

static void
window_remove (TetherGlzWindow *w, GlzImage *image)
{
  guint64 id = image->id;

  w->bytes -= image_bytes (image);
  w->evicted_below = MAX (w->evicted_below, id + 1);
  g_tree_remove (w->images, &id);
}

static void
window_evict (TetherGlzWindow *w)
{
  GlzImage *oldest;

  while ((oldest = window_oldest (w)) != NULL &&
         (oldest->id < w->keep_from || w->bytes > w->max_bytes))
    window_remove (w, oldest);
}

static void
window_insert (TetherGlzWindow *w, GlzImage *image)
{
  GlzImage *next;

  g_tree_insert (w->images, &image->id, image);
  w->bytes += image_bytes (image);

  if (!w->have_tail)
    {
      w->have_tail = TRUE;
      w->tail = image->id;
    }
  /* Close the gap: the newest image before the first missing id decides
   * what may still be referenced. */
  while (w->tail != G_MAXUINT64 && (next = window_lookup (w, w->tail)) != NULL)
    {
      if (next->win_head_dist <= next->id)
        w->keep_from = MAX (w->keep_from, next->id - next->win_head_dist);
      w->tail++;
    }
  window_evict (w);
}

void
tether_glz_window_set_max_bytes (TetherGlzWindow *window, gsize max_bytes)
{
  g_return_if_fail (window != NULL);
  window->max_bytes = MIN (max_bytes, TETHER_GLZ_WINDOW_MAX_BYTES);
  window_evict (window);
}

gsize
tether_glz_window_get_max_bytes (TetherGlzWindow *window)
{
  g_return_val_if_fail (window != NULL, 0);
  return window->max_bytes;
}

gsize
tether_glz_window_get_bytes (TetherGlzWindow *window)
{
  g_return_val_if_fail (window != NULL, 0);
  return window->bytes;
}

guint
tether_glz_window_get_n_images (TetherGlzWindow *window)
{
  g_return_val_if_fail (window != NULL, 0);
  return (guint) g_tree_nnodes (window->images);
}

gboolean
tether_glz_window_has_image (TetherGlzWindow *window, guint64 id)
{
  g_return_val_if_fail (window != NULL, FALSE);
  return window_lookup (window, id) != NULL;
}

/* ---- the stream ---------------------------------------------------------- */

static gboolean
bad_stream (GError **error, const char *format, ...) G_GNUC_PRINTF (2, 3);

static gboolean
bad_stream (GError **error, const char *format, ...)
{
  va_list args;
  g_autofree char *message = NULL;

  va_start (args, format);
  message = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error_literal (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, message);
  return FALSE;
}

static gboolean
stream_truncated (const TetherReader *r, GError **error)
{
  return bad_stream (error, "GLZ stream is truncated: it ends at byte %" G_GSIZE_FORMAT
                     " but byte %" G_GSIZE_FORMAT " is needed",
                     r->len, r->fail_pos + MAX (r->fail_need, (gsize) 1));
}

static gboolean
glz_parse_header (TetherReader *r, TetherGlzHeader *h, GError **error)
{
  guint32 magic, version;
  guint8 tb;
  guint bpp;

  memset (h, 0, sizeof *h);
  tether_reader_u32_be (r, &magic);
  tether_reader_u32_be (r, &version);
  tether_reader_u8 (r, &tb);
  tether_reader_u32_be (r, &h->width);
  tether_reader_u32_be (r, &h->height);
  tether_reader_u32_be (r, &h->stride);
  tether_reader_u64_be (r, &h->id);
  tether_reader_u32_be (r, &h->win_head_dist);
  if (tether_reader_failed (r))
    return bad_stream (error, "GLZ header is truncated: %" G_GSIZE_FORMAT " of %u bytes",
                       r->len, TETHER_GLZ_HEADER_SIZE);
  if (magic != TETHER_LZ_MAGIC)
    return bad_stream (error, "GLZ header has a bad magic 0x%08x", magic);
  if (version != TETHER_LZ_VERSION)
    return bad_stream (error, "GLZ header has an unknown version 0x%08x", version);
  if (tb & 0xe0)
    return bad_stream (error, "GLZ header has unknown bits in its type byte 0x%02x", tb);
  h->top_down = (tb >> 4) & 1;

  switch (tb & 0x0f)
    {
    case TETHER_LZ_TYPE_RGB16:
      bpp = 2;
      break;
    case TETHER_LZ_TYPE_RGB24:
      bpp = 3;
      break;
    case TETHER_LZ_TYPE_RGB32:
    case TETHER_LZ_TYPE_RGBA:
      bpp = 4;
      break;
    default:
      /* Palette images would need a palette GLZ_RGB does not carry; the
       * server sends only these RGB types. */
      return bad_stream (error, "GLZ image has the type %s (%u), not an RGB type",
                         tether_lz_type_name (tb & 0x0f), tb & 0x0fu);
    }
  h->type = tb & 0x0f;
  if ((guint64) h->stride != (guint64) h->width * bpp)
    return bad_stream (error, "GLZ %s image %u pixels wide has stride %u, not %" G_GUINT64_FORMAT,
                       tether_lz_type_name (h->type), h->width, h->stride,
                       (guint64) h->width * bpp);
  return tether_codec_check_size ("GLZ image", h->width, h->height, h->width,
                                  &h->n_pixels, error);
}

gboolean
tether_glz_read_header (const guint8 *data, gsize len, TetherGlzHeader *out, GError **error)
{
  TetherReader r;

  tether_reader_init (&r, data, len);
  return glz_parse_header (&r, out, error);
}

/* Finds the pixels a match into another image copies, or says why not;
 * *@opaque tells whether that image is opaque. */
static const guint32 *
resolve_reference (TetherGlzWindow *w, const TetherGlzHeader *h, guint64 dist,
                   gsize ofs, gsize len, gboolean *opaque, guint64 *missing_id,
                   GError **error)
{
  guint64 ref_id;
  GlzImage *image;

  if (dist > h->id)
    {
      bad_stream (error, "GLZ image %" G_GUINT64_FORMAT " refers to an image %"
                  G_GUINT64_FORMAT " ids back, before id 0", h->id, dist);
      return NULL;
    }
  ref_id = h->id - dist;
  if (dist > h->win_head_dist)
    {
      bad_stream (error, "GLZ image %" G_GUINT64_FORMAT " refers to image %" G_GUINT64_FORMAT
                  ", older than its window's head %" G_GUINT64_FORMAT,
                  h->id, ref_id, h->id - MIN (h->id, h->win_head_dist));
      return NULL;
    }
  image = window_lookup (w, ref_id);
  if (image == NULL)
    {
      if (ref_id < w->evicted_below)
        {
          bad_stream (error, "GLZ image %" G_GUINT64_FORMAT " refers to image %" G_GUINT64_FORMAT
                      ", which is no longer in the window", h->id, ref_id);
          return NULL;
        }
      if (missing_id != NULL)
        *missing_id = ref_id;
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK,
                   "GLZ image %" G_GUINT64_FORMAT " refers to image %" G_GUINT64_FORMAT
                   ", which has not been decoded yet", h->id, ref_id);
      return NULL;
    }
  if (ofs > image->n_pixels || len > image->n_pixels - ofs)
    {
      bad_stream (error, "GLZ image %" G_GUINT64_FORMAT " copies pixels %" G_GSIZE_FORMAT
                  "–%" G_GSIZE_FORMAT " of image %" G_GUINT64_FORMAT ", which has %"
                  G_GSIZE_FORMAT, h->id, ofs, ofs + len, ref_id, image->n_pixels);
      return NULL;
    }
  *opaque = image->opaque;
  return image->pixels + ofs;
}

static gboolean
glz_decode_pass (TetherGlzWindow *w, const TetherGlzHeader *h, TetherReader *r,
                 const TetherLzPass *pass, guint32 *out, guint64 *missing_id, GError **error)
{
  gsize n = h->n_pixels;
  gsize pos = 0;

  while (pos < n)
    {
      guint8 ctrl;

      if (!tether_reader_u8 (r, &ctrl))
        return stream_truncated (r, error);

      if (ctrl < 32)
        {
          gsize units = (gsize) ctrl + 1;
          gsize pixels = units * pass->ppb;
          const guint8 *in;

          if (pixels > n - pos)
            return bad_stream (error, "GLZ literal run of %" G_GSIZE_FORMAT " pixels at pixel %"
                               G_GSIZE_FORMAT " goes past the end of the image (%" G_GSIZE_FORMAT
                               " pixels)", pixels, pos, n);
          if (!tether_reader_borrow (r, units * pass->unit_bytes, &in))
            return stream_truncated (r, error);
          tether_lz_put_literals (pass, in, units, out + pos);
          pos += pixels;
        }
      else
        {
          gsize len = ctrl >> 5;
          gboolean long_ofs = (ctrl >> 4) & 1;
          gsize ofs = ctrl & 0x0f;
          guint64 dist = 0;
          guint n_dist;
          const guint32 *src;
          guint8 b;

          if (len == 7)
            {
              do
                {
                  if (!tether_reader_u8 (r, &b))
                    return stream_truncated (r, error);
                  len += b;
                  if (len > n)
                    return bad_stream (error, "GLZ match at pixel %" G_GSIZE_FORMAT
                                       " is longer than the image", pos);
                }
              while (b == 255);
            }
          if (!tether_reader_u8 (r, &b))
            return stream_truncated (r, error);
          ofs += (gsize) b << 4;
          if (!tether_reader_u8 (r, &b))
            return stream_truncated (r, error);
          n_dist = b >> 6;
          if (!long_ofs)
            {
              dist = b & 0x3f;
              for (guint k = 0; k < n_dist; k++)
                {
                  guint8 d;

                  if (!tether_reader_u8 (r, &d))
                    return stream_truncated (r, error);
                  dist += (guint64) d << (6 + 8 * k);
                }
            }
          else
            {
              gboolean very_long = (b >> 5) & 1;

              ofs += (gsize) (b & 0x1f) << 12;
              for (guint k = 0; k < n_dist; k++)
                {
                  guint8 d;

                  if (!tether_reader_u8 (r, &d))
                    return stream_truncated (r, error);
                  dist += (guint64) d << (8 * k);
                }
              if (very_long)
                {
                  if (!tether_reader_u8 (r, &b))
                    return stream_truncated (r, error);
                  ofs += (gsize) b << 17;
                }
            }
          len += pass->bias;
          if (dist == 0)
            ofs += 1;
          ofs *= pass->ppb;
          len *= pass->ppb;

          if (len > n - pos)
            return bad_stream (error, "GLZ match of %" G_GSIZE_FORMAT " pixels at pixel %"
                               G_GSIZE_FORMAT " goes past the end of the image (%" G_GSIZE_FORMAT
                               " pixels)", len, pos, n);
          if (dist == 0)
            {
              if (ofs > pos)
                return bad_stream (error, "GLZ back-reference at pixel %" G_GSIZE_FORMAT
                                   " reaches %" G_GSIZE_FORMAT
                                   " pixels back, before the start of the image", pos, ofs);
              src = out + pos - ofs;
            }
          else
            {
              gboolean src_opaque = FALSE;

              src = resolve_reference (w, h, dist, ofs, len, &src_opaque, missing_id, error);
              if (src == NULL)
                return FALSE;
              if (pass->opaque && !src_opaque)
                {
                  /* Pixels of an image with alpha, into an opaque one. */
                  tether_codec_copy_opaque ((guint8 *) (out + pos), (const guint8 *) src, len);
                  pos += len;
                  continue;
                }
            }
          tether_lz_copy_pixels (pass, out + pos, src, len);
          pos += len;
        }
    }
  return TRUE;
}

/* Decodes a GLZ stream of @width × @height pixels into a new shared buffer
 * in stream order (opaque types with alpha 0xff) and adds it to the window
 * (which takes its own reference). */
static guint32 *
glz_decode_pixels (TetherGlzWindow *window, const guint8 *data, gsize len,
                   guint width, guint height, TetherGlzHeader *h,
                   guint64 *missing_id, GError **error)
{
  TetherReader r;
  TetherLzPass pass;
  guint32 *pixels;
  GlzImage *image;

  tether_reader_init (&r, data, len);
  if (!glz_parse_header (&r, h, error))
    return NULL;
  if (h->width != width || h->height != height)
    {
      bad_stream (error, "GLZ image is %u×%u but the image descriptor says %u×%u",
                  h->width, h->height, width, height);
      return NULL;
    }
  if (window_lookup (window, h->id) != NULL)
    {
      bad_stream (error, "GLZ image id %" G_GUINT64_FORMAT " is already in the window", h->id);
      return NULL;
    }

  /* Every GLZ type writes each pixel in its first pass: no need to zero. */
  pixels = glz_pixels_try_new (h->n_pixels);
  if (pixels == NULL)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "Out of memory for a GLZ image of %u×%u pixels", h->width, h->height);
      return NULL;
    }
  for (guint i = 0; tether_lz_get_pass (h->type, i, NULL, 0, &pass); i++)
    if (!glz_decode_pass (window, h, &r, &pass, pixels, missing_id, error))
      goto fail;
  if (tether_reader_remaining (&r) != 0)
    {
      bad_stream (error, "GLZ stream has %" G_GSIZE_FORMAT " bytes after the end of the image",
                  tether_reader_remaining (&r));
      goto fail;
    }

  /* An image older than what may still be referenced would be dropped at
   * once; it is shown but not kept. */
  if (h->id < window->evicted_below)
    return pixels;
  image = g_new0 (GlzImage, 1);
  image->id = h->id;
  image->win_head_dist = h->win_head_dist;
  image->n_pixels = h->n_pixels;
  image->opaque = h->type != TETHER_LZ_TYPE_RGBA;
  image->pixels = tether_glz_pixels_ref (pixels);
  window_insert (window, image);
  return pixels;

fail:
  tether_glz_pixels_unref (pixels);
  return NULL;
}

gboolean
tether_glz_decode (TetherGlzWindow *window, const guint8 *data, gsize len,
                   const TetherCodecDest *dest, guint64 *missing_id, GError **error)
{
  TetherGlzHeader h;
  guint32 *pixels;

  g_return_val_if_fail (window != NULL, FALSE);

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  pixels = glz_decode_pixels (window, data, len, dest->width, dest->height, &h,
                              missing_id, error);
  if (pixels == NULL)
    return FALSE;
  tether_codec_dest_put_image (dest, pixels, h.width, h.top_down,
                               h.type == TETHER_LZ_TYPE_RGBA);
  tether_glz_pixels_unref (pixels);
  return TRUE;
}

/* The shared buffer itself for a top-down image; a bottom-up one is
 * flipped into a buffer of its own. */
static guint32 *
shared_result (guint32 *pixels, const TetherGlzHeader *h, gboolean *has_alpha, GError **error)
{
  guint32 *flipped;

  *has_alpha = h->type == TETHER_LZ_TYPE_RGBA;
  if (h->top_down)
    return pixels;
  flipped = glz_pixels_try_new (h->n_pixels);
  if (flipped == NULL)
    {
      tether_glz_pixels_unref (pixels);
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "Out of memory for a GLZ image of %u×%u pixels", h->width, h->height);
      return NULL;
    }
  for (guint y = 0; y < h->height; y++)
    memcpy (flipped + (gsize) y * h->width, pixels + (gsize) (h->height - 1 - y) * h->width,
            (gsize) h->width * sizeof *pixels);
  tether_glz_pixels_unref (pixels);
  return flipped;
}

guint32 *
tether_glz_decode_shared (TetherGlzWindow *window, const guint8 *data, gsize len,
                          guint width, guint height, gboolean *has_alpha,
                          guint64 *missing_id, GError **error)
{
  TetherGlzHeader h;
  guint32 *pixels;

  g_return_val_if_fail (window != NULL, NULL);
  g_return_val_if_fail (has_alpha != NULL, NULL);

  pixels = glz_decode_pixels (window, data, len, width, height, &h, missing_id, error);
  if (pixels == NULL)
    return NULL;
  return shared_result (pixels, &h, has_alpha, error);
}

/* ---- ZLIB_GLZ ------------------------------------------------------------ */

/* Inflates into out[0..n): TRUE when all n bytes were produced; *ended
 * tells whether the zlib stream ended. */
static gboolean
inflate_into (z_stream *z, guint8 *out, gsize n, gboolean *ended, GError **error)
{
  z->next_out = out;
  z->avail_out = (uInt) n;
  *ended = FALSE;
  while (z->avail_out > 0)
    {
      int ret = inflate (z, Z_NO_FLUSH);

      if (ret == Z_STREAM_END)
        {
          *ended = TRUE;
          break;
        }
      if (ret == Z_BUF_ERROR || (ret == Z_OK && z->avail_in == 0 && z->avail_out > 0))
        {
          if (z->avail_out == 0)
            break;
          return bad_stream (error, "ZLIB_GLZ data is truncated after %lu inflated bytes",
                             z->total_out);
        }
      if (ret == Z_MEM_ERROR)
        {
          g_set_error_literal (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                               "Out of memory inflating ZLIB_GLZ data");
          return FALSE;
        }
      if (ret != Z_OK)
        return bad_stream (error, "ZLIB_GLZ data is corrupt: %s",
                           z->msg != NULL ? z->msg : "inflate failed");
    }
  return z->avail_out == 0;
}

/* Inflates ZLIB_GLZ data to exactly @glz_size bytes of GLZ stream: a new
 * buffer, or NULL with @error set. */
static guint8 *
zlib_glz_inflate (guint32 glz_size, const guint8 *data, gsize len, GError **error)
{
  z_stream z;
  guint8 header[TETHER_GLZ_HEADER_SIZE];
  g_autofree guint8 *glz = NULL;
  TetherGlzHeader h;
  guint64 most;
  gboolean ended = FALSE, ok = FALSE;

  if (glz_size <= TETHER_GLZ_HEADER_SIZE)
    {
      bad_stream (error, "ZLIB_GLZ image declares %u bytes, too few for a GLZ image", glz_size);
      return NULL;
    }
  if (glz_size > TETHER_GLZ_MAX_ZLIB_BYTES || len > G_MAXUINT32)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "ZLIB_GLZ image of %u bytes (%" G_GSIZE_FORMAT " compressed) is over the "
                   "limit of %" G_GSIZE_FORMAT " bytes", glz_size, len, TETHER_GLZ_MAX_ZLIB_BYTES);
      return NULL;
    }

  memset (&z, 0, sizeof z);
  if (inflateInit (&z) != Z_OK)
    {
      g_set_error_literal (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_FAILED,
                           "Cannot start a zlib inflater");
      return NULL;
    }
  /* zlib takes a non-const input pointer but never writes through it. */
  z.next_in = (Bytef *) data;
  z.avail_in = (uInt) len;

  /* The header first: it bounds how many bytes the image can need, before
   * the declared size is allocated. */
  if (!inflate_into (&z, header, sizeof header, &ended, error))
    {
      if (error == NULL || *error == NULL)
        bad_stream (error, "ZLIB_GLZ data inflates to only %lu bytes", z.total_out);
      goto out;
    }
  if (!tether_glz_read_header (header, sizeof header, &h, error))
    goto out;
  most = TETHER_GLZ_HEADER_SIZE +
         (guint64) h.n_pixels * GLZ_MAX_BYTES_PER_PIXEL * (h.type == TETHER_LZ_TYPE_RGBA ? 2 : 1);
  if (glz_size > most)
    {
      bad_stream (error, "ZLIB_GLZ image declares %u bytes, more than a %u×%u GLZ image can use",
                  glz_size, h.width, h.height);
      goto out;
    }
  glz = g_try_malloc (glz_size);
  if (glz == NULL)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "Out of memory for %u bytes of ZLIB_GLZ data", glz_size);
      goto out;
    }
  memcpy (glz, header, sizeof header);
  if (ended || !inflate_into (&z, glz + sizeof header, glz_size - sizeof header, &ended, error))
    {
      if (error == NULL || *error == NULL)
        bad_stream (error, "ZLIB_GLZ data inflates to %lu bytes, not the %u declared",
                    z.total_out, glz_size);
      goto out;
    }
  if (!ended)
    {
      /* The output is full: only the stream's end (its checksum) may follow. */
      guint8 extra;

      z.next_out = &extra;
      z.avail_out = 1;
      if (inflate (&z, Z_FINISH) != Z_STREAM_END || z.avail_out == 0)
        {
          bad_stream (error, "ZLIB_GLZ data inflates to more than the %u bytes declared, "
                      "or is corrupt", glz_size);
          goto out;
        }
    }
  if (z.avail_in != 0)
    {
      bad_stream (error, "ZLIB_GLZ data has %u bytes after the end of the zlib stream",
                  z.avail_in);
      goto out;
    }
  ok = TRUE;

out:
  inflateEnd (&z);
  if (!ok)
    return NULL;
  return g_steal_pointer (&glz);
}

gboolean
tether_zlib_glz_decode (TetherGlzWindow *window, guint32 glz_size,
                        const guint8 *data, gsize len,
                        const TetherCodecDest *dest,
                        guint64 *missing_id, GError **error)
{
  g_autofree guint8 *glz = NULL;

  g_return_val_if_fail (window != NULL, FALSE);

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  glz = zlib_glz_inflate (glz_size, data, len, error);
  if (glz == NULL)
    return FALSE;
  return tether_glz_decode (window, glz, glz_size, dest, missing_id, error);
}

guint32 *
tether_zlib_glz_decode_shared (TetherGlzWindow *window, guint32 glz_size,
                               const guint8 *data, gsize len,
                               guint width, guint height, gboolean *has_alpha,
                               guint64 *missing_id, GError **error)
{
  g_autofree guint8 *glz = NULL;

  g_return_val_if_fail (window != NULL, NULL);

  glz = zlib_glz_inflate (glz_size, data, len, error);
  if (glz == NULL)
    return NULL;
  return tether_glz_decode_shared (window, glz, glz_size, width, height, has_alpha,
                                   missing_id, error);
}
