/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * SPICE LZ (spice-protocol.md §10.2). The stream is decoded into an array
 * of 32-bit pixels in stream order: the destination's own memory when it is
 * a 32-bit image without row padding (tether_codec_dest_linear(); a
 * bottom-up image is flipped in place afterwards), else a scratch array,
 * palette row padding included, written into the destination row by row.
 * Back-references only ever address that array, checked against what has
 * been decoded so far.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-lz-private.h"
#include "tether-reader-private.h"

/* The far-distance escape of a match adds this to its 16-bit distance. */
#define LZ_MAX_NEAR_DISTANCE 8191u

const char *
tether_lz_type_name (guint type)
{
  switch (type)
    {
    case TETHER_LZ_TYPE_PLT1_LE: return "PLT1_LE";
    case TETHER_LZ_TYPE_PLT1_BE: return "PLT1_BE";
    case TETHER_LZ_TYPE_PLT4_LE: return "PLT4_LE";
    case TETHER_LZ_TYPE_PLT4_BE: return "PLT4_BE";
    case TETHER_LZ_TYPE_PLT8:    return "PLT8";
    case TETHER_LZ_TYPE_RGB16:   return "RGB16";
    case TETHER_LZ_TYPE_RGB24:   return "RGB24";
    case TETHER_LZ_TYPE_RGB32:   return "RGB32";
    case TETHER_LZ_TYPE_RGBA:    return "RGBA";
    case TETHER_LZ_TYPE_XXXA:    return "XXXA";
    case TETHER_LZ_TYPE_A8:      return "A8";
    default:                     return "invalid";
    }
}

gboolean
tether_lz_get_pass (TetherLzType image_type, guint index,
                    const guint32 *palette, guint n_palette, TetherLzPass *pass)
{
  memset (pass, 0, sizeof *pass);
  pass->opaque = image_type != TETHER_LZ_TYPE_RGBA && image_type != TETHER_LZ_TYPE_XXXA &&
                 image_type != TETHER_LZ_TYPE_A8;
  pass->palette = palette;
  pass->n_palette = n_palette;
  pass->ppb = 1;

  switch (image_type)
    {
    case TETHER_LZ_TYPE_PLT1_LE:
    case TETHER_LZ_TYPE_PLT1_BE:
    case TETHER_LZ_TYPE_PLT4_LE:
    case TETHER_LZ_TYPE_PLT4_BE:
    case TETHER_LZ_TYPE_PLT8:
      if (index != 0)
        return FALSE;
      pass->unit_bytes = 1;
      pass->ppb = image_type == TETHER_LZ_TYPE_PLT8 ? 1
                : image_type >= TETHER_LZ_TYPE_PLT4_LE ? 2 : 8;
      pass->bias = 2;
      pass->unit_type = image_type;
      return TRUE;
    case TETHER_LZ_TYPE_RGB16:
      if (index != 0)
        return FALSE;
      pass->unit_bytes = 2;
      pass->bias = 1;
      pass->unit_type = TETHER_LZ_TYPE_RGB16;
      return TRUE;
    case TETHER_LZ_TYPE_RGB24:
    case TETHER_LZ_TYPE_RGB32:
    case TETHER_LZ_TYPE_RGBA:
      if (index == 0)
        {
          /* RGB24 and RGB32 literals are both 3 bytes B, G, R. */
          pass->unit_bytes = 3;
          pass->bias = 0;
          pass->unit_type = TETHER_LZ_TYPE_RGB32;
          return TRUE;
        }
      if (index != 1 || image_type != TETHER_LZ_TYPE_RGBA)
        return FALSE;
      G_GNUC_FALLTHROUGH;
    case TETHER_LZ_TYPE_XXXA:
    case TETHER_LZ_TYPE_A8:
      if (index > (image_type == TETHER_LZ_TYPE_RGBA ? 1u : 0u))
        return FALSE;
      pass->unit_bytes = 1;
      pass->bias = 2;
      pass->alpha_only = TRUE;
      pass->unit_type = TETHER_LZ_TYPE_XXXA;
      return TRUE;
    case TETHER_LZ_TYPE_INVALID:
    default:
      return FALSE;
    }
}

static inline guint32
palette_entry (const TetherLzPass *pass, guint index)
{
  return pass->palette[index % pass->n_palette] & 0x00ffffffu;
}

void
tether_lz_put_literals (const TetherLzPass *pass, const guint8 *in, gsize units,
                        guint32 *out)
{
  guint32 hi = pass->opaque ? 0xff000000u : 0;
  gsize i;
  int bit;

  switch (pass->unit_type)
    {
    case TETHER_LZ_TYPE_RGB32:
      for (i = 0; i < units; i++)
        out[i] = hi | (guint32) in[3 * i] | (guint32) in[3 * i + 1] << 8 |
                 (guint32) in[3 * i + 2] << 16;
      break;
    case TETHER_LZ_TYPE_RGB16:
      for (i = 0; i < units; i++)
        out[i] = hi | tether_codec_rgb555_to_xrgb ((guint) in[2 * i] << 8 | in[2 * i + 1]);
      break;
    case TETHER_LZ_TYPE_XXXA:
      for (i = 0; i < units; i++)
        out[i] = (out[i] & 0x00ffffffu) | (guint32) in[i] << 24;
      break;
    case TETHER_LZ_TYPE_PLT8:
      for (i = 0; i < units; i++)
        out[i] = hi | palette_entry (pass, in[i]);
      break;
    case TETHER_LZ_TYPE_PLT4_BE:
      for (i = 0; i < units; i++)
        {
          out[2 * i] = hi | palette_entry (pass, in[i] >> 4);
          out[2 * i + 1] = hi | palette_entry (pass, in[i] & 0x0f);
        }
      break;
    case TETHER_LZ_TYPE_PLT4_LE:
      for (i = 0; i < units; i++)
        {
          out[2 * i] = hi | palette_entry (pass, in[i] & 0x0f);
          out[2 * i + 1] = hi | palette_entry (pass, in[i] >> 4);
        }
      break;
    case TETHER_LZ_TYPE_PLT1_BE:
      for (i = 0; i < units; i++)
        for (bit = 0; bit < 8; bit++)
          out[8 * i + bit] = hi | palette_entry (pass, (in[i] >> (7 - bit)) & 1);
      break;
    case TETHER_LZ_TYPE_PLT1_LE:
      for (i = 0; i < units; i++)
        for (bit = 0; bit < 8; bit++)
          out[8 * i + bit] = hi | palette_entry (pass, (in[i] >> bit) & 1);
      break;
    case TETHER_LZ_TYPE_INVALID:
    case TETHER_LZ_TYPE_RGB24:
    case TETHER_LZ_TYPE_RGBA:
    case TETHER_LZ_TYPE_A8:
    default:
      g_return_if_reached ();
    }
}

/* Below this many pixels a plain loop beats a call to memcpy. */
#define LZ_SHORT_COPY 8u

/* @n copies of @v: four pixels per 16-byte store. */
static inline void
fill_pixels (guint32 *dst, guint32 v, gsize n)
{
  typedef guint32 Vec4 __attribute__ ((vector_size (16)));
  Vec4 vv = { v, v, v, v };
  gsize i = 0;

  for (; i + 4 <= n; i += 4)
    memcpy (dst + i, &vv, sizeof vv);
  for (; i < n; i++)
    dst[i] = v;
}

void
tether_lz_copy_pixels (const TetherLzPass *pass, guint32 *dst, const guint32 *src,
                       gsize n)
{
  gsize i;

  if (pass->alpha_only)
    {
      for (i = 0; i < n; i++)
        dst[i] = (dst[i] & 0x00ffffffu) | (src[i] & 0xff000000u);
    }
  else if (n <= LZ_SHORT_COPY)
    {
      /* Forward one at a time: also right for an overlapping run. */
      for (i = 0; i < n; i++)
        dst[i] = src[i];
    }
  else if (src + n <= dst || dst + n <= src)
    memcpy (dst, src, n * sizeof *dst);
  else if (src < dst)
    {
      /* An overlapping source repeats with period dst - src. */
      gsize period = (gsize) (dst - src), done;

      if (period == 1)
        {
          fill_pixels (dst, *src, n);
          return;
        }
      /* Whole periods first (each copy's source, src up to dst + done,
       * ends where it starts writing), doubling, then the rest. */
      done = MIN (period, n);
      memcpy (dst, src, done * sizeof *dst);
      while (done < n)
        {
          gsize chunk = MIN (period + done, n - done);

          memcpy (dst + done, src, chunk * sizeof *dst);
          done += chunk;
        }
    }
  else
    {
      /* Never from a decoder (sources lie before the destination), but
       * correct anyway. */
      for (i = 0; i < n; i++)
        dst[i] = src[i];
    }
}

/* ---- the stream ---------------------------------------------------------- */

static gboolean
stream_truncated (const char *what, const TetherReader *r, GError **error)
{
  g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
               "%s stream is truncated: it ends at byte %" G_GSIZE_FORMAT
               " but byte %" G_GSIZE_FORMAT " is needed",
               what, r->len, r->fail_pos + MAX (r->fail_need, (gsize) 1));
  return FALSE;
}

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

/* One pass over @n pixels of @out. */
static gboolean
lz_decode_pass (TetherReader *r, const TetherLzPass *pass, guint32 *out, gsize n,
                GError **error)
{
  gsize pos = 0;

  while (pos < n)
    {
      guint8 ctrl;

      if (!tether_reader_u8 (r, &ctrl))
        return stream_truncated ("LZ", r, error);

      if (ctrl < 32)
        {
          gsize units = (gsize) ctrl + 1;
          gsize pixels = units * pass->ppb;
          const guint8 *in;

          if (pixels > n - pos)
            return bad_stream (error, "LZ literal run of %" G_GSIZE_FORMAT " pixels at pixel %"
                               G_GSIZE_FORMAT " goes past the end of the image (%" G_GSIZE_FORMAT
                               " pixels)", pixels, pos, n);
          if (!tether_reader_borrow (r, units * pass->unit_bytes, &in))
            return stream_truncated ("LZ", r, error);
          tether_lz_put_literals (pass, in, units, out + pos);
          pos += pixels;
        }
      else
        {
          gsize len = ctrl >> 5;
          gsize ofs;
          guint8 b;

          if (len == 7)
            {
              do
                {
                  if (!tether_reader_u8 (r, &b))
                    return stream_truncated ("LZ", r, error);
                  len += b;
                  /* Bounded before it can grow further. */
                  if (len > n)
                    return bad_stream (error, "LZ match at pixel %" G_GSIZE_FORMAT
                                       " is longer than the image", pos);
                }
              while (b == 255);
            }
          if (!tether_reader_u8 (r, &b))
            return stream_truncated ("LZ", r, error);
          ofs = (gsize) (ctrl & 31) << 8 | b;
          if (b == 255 && (ctrl & 31) == 31)
            {
              guint16 far;

              if (!tether_reader_u16_be (r, &far))
                return stream_truncated ("LZ", r, error);
              ofs = (gsize) far + LZ_MAX_NEAR_DISTANCE;
            }
          ofs += 1;
          len += pass->bias;
          ofs *= pass->ppb;
          len *= pass->ppb;

          if (ofs > pos)
            return bad_stream (error, "LZ back-reference at pixel %" G_GSIZE_FORMAT " reaches %"
                               G_GSIZE_FORMAT " pixels back, before the start of the image",
                               pos, ofs);
          if (len > n - pos)
            return bad_stream (error, "LZ match of %" G_GSIZE_FORMAT " pixels at pixel %"
                               G_GSIZE_FORMAT " goes past the end of the image (%" G_GSIZE_FORMAT
                               " pixels)", len, pos, n);
          tether_lz_copy_pixels (pass, out + pos, out + pos - ofs, len);
          pos += len;
        }
    }
  return TRUE;
}

static gboolean
lz_parse_header (TetherReader *r, TetherLzHeader *h, GError **error)
{
  guint32 magic, version, type, top_down;
  guint64 bpp = 0, expected_stride;

  memset (h, 0, sizeof *h);
  tether_reader_u32_be (r, &magic);
  tether_reader_u32_be (r, &version);
  tether_reader_u32_be (r, &type);
  tether_reader_u32_be (r, &h->width);
  tether_reader_u32_be (r, &h->height);
  tether_reader_u32_be (r, &h->stride);
  tether_reader_u32_be (r, &top_down);
  if (tether_reader_failed (r))
    return bad_stream (error, "LZ header is truncated: %" G_GSIZE_FORMAT " of %u bytes",
                       r->len, TETHER_LZ_HEADER_SIZE);
  if (magic != TETHER_LZ_MAGIC)
    return bad_stream (error, "LZ header has a bad magic 0x%08x", magic);
  if (version != TETHER_LZ_VERSION)
    return bad_stream (error, "LZ header has an unknown version 0x%08x", version);
  if (top_down > 1)
    return bad_stream (error, "LZ header has a bad top_down flag %u", top_down);
  h->top_down = top_down;

  h->pixels_per_byte = 1;
  switch (type)
    {
    case TETHER_LZ_TYPE_PLT1_LE:
    case TETHER_LZ_TYPE_PLT1_BE:
      h->pixels_per_byte = 8;
      break;
    case TETHER_LZ_TYPE_PLT4_LE:
    case TETHER_LZ_TYPE_PLT4_BE:
      h->pixels_per_byte = 2;
      break;
    case TETHER_LZ_TYPE_PLT8:
      break;
    case TETHER_LZ_TYPE_RGB16:
      bpp = 2;
      break;
    case TETHER_LZ_TYPE_RGB24:
      bpp = 3;
      break;
    case TETHER_LZ_TYPE_RGB32:
    case TETHER_LZ_TYPE_RGBA:
    case TETHER_LZ_TYPE_XXXA:
      bpp = 4;
      break;
    case TETHER_LZ_TYPE_A8:
      bpp = 1;
      break;
    default:
      return bad_stream (error, "LZ header has an unknown image type %u", type);
    }
  h->type = type;

  if (bpp != 0)
    expected_stride = (guint64) h->width * bpp;
  else
    expected_stride = ((guint64) h->width + h->pixels_per_byte - 1) / h->pixels_per_byte;
  if (h->stride != expected_stride)
    return bad_stream (error, "LZ %s image %u pixels wide has stride %u, not %" G_GUINT64_FORMAT,
                       tether_lz_type_name (type), h->width, h->stride, expected_stride);

  h->row_pixels = bpp != 0 ? h->width : (gsize) h->stride * h->pixels_per_byte;
  return tether_codec_check_size ("LZ image", h->width, h->height,
                                  bpp != 0 ? h->width : (guint64) h->stride * h->pixels_per_byte,
                                  &h->n_pixels, error);
}

gboolean
tether_lz_read_header (const guint8 *data, gsize len, TetherLzHeader *out, GError **error)
{
  TetherReader r;

  tether_reader_init (&r, data, len);
  return lz_parse_header (&r, out, error);
}

/* Decodes every pass of the image after the header into @pixels
 * (h->n_pixels, stream order). */
static gboolean
lz_decode_into (TetherReader *r, const TetherLzHeader *h,
                const guint32 *palette, guint n_palette, guint32 *pixels, GError **error)
{
  TetherLzPass pass;

  for (guint i = 0; tether_lz_get_pass (h->type, i, palette, n_palette, &pass); i++)
    if (!lz_decode_pass (r, &pass, pixels, h->n_pixels, error))
      return FALSE;
  if (tether_reader_remaining (r) != 0)
    return bad_stream (error, "LZ stream has %" G_GSIZE_FORMAT " bytes after the end of the image",
                       tether_reader_remaining (r));
  return TRUE;
}

/* Whether a pass only sets alpha, keeping what the array held before. */
static gboolean
type_is_alpha_only (TetherLzType type)
{
  return type == TETHER_LZ_TYPE_XXXA || type == TETHER_LZ_TYPE_A8;
}

/* Decodes every pass of the image after the header into a new scratch array
 * of h->n_pixels pixels (zeroed only for the alpha-only types: every other
 * type writes each pixel). */
static guint32 *
lz_decode_pixels (TetherReader *r, const TetherLzHeader *h,
                  const guint32 *palette, guint n_palette, GError **error)
{
  g_autofree guint32 *pixels = NULL;

  pixels = type_is_alpha_only (h->type) ? g_try_new0 (guint32, h->n_pixels)
                                        : g_try_new (guint32, h->n_pixels);
  if (pixels == NULL)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                   "Out of memory for an LZ image of %u×%u pixels", h->width, h->height);
      return NULL;
    }
  if (!lz_decode_into (r, h, palette, n_palette, pixels, error))
    return NULL;
  return g_steal_pointer (&pixels);
}

static gboolean
type_has_alpha (TetherLzType type)
{
  return type == TETHER_LZ_TYPE_RGBA || type == TETHER_LZ_TYPE_XXXA ||
         type == TETHER_LZ_TYPE_A8;
}

/* Straight into the destination's memory when it allows
 * (tether_codec_dest_linear()): *@done is TRUE then, and the result is the
 * decoder's. */
static gboolean
lz_decode_direct (TetherReader *r, const TetherLzHeader *h,
                  const guint32 *palette, guint n_palette,
                  const TetherCodecDest *dest, gboolean *done, GError **error)
{
  guint32 *linear = NULL;

  if (!type_is_alpha_only (h->type))
    linear = tether_codec_dest_linear (dest, h->row_pixels);
  *done = linear != NULL;
  if (linear == NULL)
    return FALSE;
  if (!lz_decode_into (r, h, palette, n_palette, linear, error))
    return FALSE;
  if (!h->top_down)
    tether_codec_dest_flip_rows (dest);
  return TRUE;
}

gboolean
tether_lz_rgb_decode (const guint8 *data, gsize len,
                      const TetherCodecDest *dest, GError **error)
{
  TetherReader r;
  TetherLzHeader h;
  g_autofree guint32 *pixels = NULL;
  gboolean ok, done;

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  tether_reader_init (&r, data, len);
  if (!lz_parse_header (&r, &h, error))
    return FALSE;
  if (h.pixels_per_byte != 1 || h.type < TETHER_LZ_TYPE_RGB16)
    return bad_stream (error, "LZ_RGB image has the palette type %s",
                       tether_lz_type_name (h.type));
  if (!tether_codec_check_dest_size ("LZ image", dest, h.width, h.height, error))
    return FALSE;
  ok = lz_decode_direct (&r, &h, NULL, 0, dest, &done, error);
  if (done)
    return ok;
  pixels = lz_decode_pixels (&r, &h, NULL, 0, error);
  if (pixels == NULL)
    return FALSE;
  tether_codec_dest_put_image (dest, pixels, h.row_pixels, h.top_down,
                               type_has_alpha (h.type));
  return TRUE;
}

gboolean
tether_lz_plt_decode (const guint8 *data, gsize len,
                      const guint32 *palette, guint n_palette,
                      const TetherCodecDest *dest, GError **error)
{
  TetherReader r;
  TetherLzHeader h;
  g_autofree guint32 *pixels = NULL;
  gboolean ok, done;

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  tether_reader_init (&r, data, len);
  if (!lz_parse_header (&r, &h, error))
    return FALSE;
  if (h.type > TETHER_LZ_TYPE_PLT8)
    return bad_stream (error, "LZ_PLT image has the non-palette type %s",
                       tether_lz_type_name (h.type));
  if (palette == NULL || n_palette == 0)
    return bad_stream (error, "LZ_PLT image has an empty palette");
  if (!tether_codec_check_dest_size ("LZ image", dest, h.width, h.height, error))
    return FALSE;
  ok = lz_decode_direct (&r, &h, palette, n_palette, dest, &done, error);
  if (done)
    return ok;
  pixels = lz_decode_pixels (&r, &h, palette, n_palette, error);
  if (pixels == NULL)
    return FALSE;
  tether_codec_dest_put_image (dest, pixels, h.row_pixels, h.top_down, FALSE);
  return TRUE;
}

gboolean
tether_lz_alpha_decode (const guint8 *data, gsize len, gboolean top_down,
                        const TetherCodecDest *dest, GError **error)
{
  TetherReader r;
  TetherLzHeader h;
  g_autofree guint32 *pixels = NULL;

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  tether_reader_init (&r, data, len);
  if (!lz_parse_header (&r, &h, error))
    return FALSE;
  if (h.type != TETHER_LZ_TYPE_XXXA)
    return bad_stream (error, "The alpha plane is an LZ %s image, not XXXA",
                       tether_lz_type_name (h.type));
  if (!h.top_down != !top_down)
    return bad_stream (error, "The alpha plane is %s but the image is %s",
                       h.top_down ? "top-down" : "bottom-up",
                       top_down ? "top-down" : "bottom-up");
  if (!tether_codec_check_dest_size ("The alpha plane", dest, h.width, h.height, error))
    return FALSE;
  pixels = lz_decode_pixels (&r, &h, NULL, 0, error);
  if (pixels == NULL)
    return FALSE;
  tether_codec_dest_put_alpha (dest, pixels, h.row_pixels, h.top_down);
  return TRUE;
}
