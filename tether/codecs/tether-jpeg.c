/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * JPEG, JPEG_ALPHA and MJPEG frames through libjpeg-turbo (spice-protocol.md
 * §10.5). libjpeg reports errors by calling error_exit, which by default
 * exits the process; ours longjmps back into the decoder, which turns the
 * message into a GError. Warnings (corrupt data that libjpeg would paper
 * over) are treated the same way.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <setjmp.h>
#include <stdio.h>
#include <string.h>
#include <jpeglib.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-jpeg-private.h"
#include "tether-lz-private.h"
#include "tether-reader-private.h"

typedef struct {
  struct jpeg_error_mgr pub;
  jmp_buf               jump;
  char                  message[JMSG_LENGTH_MAX];
} JpegErrorMgr;

static void G_GNUC_NORETURN
error_exit (j_common_ptr cinfo)
{
  JpegErrorMgr *err = (JpegErrorMgr *) cinfo->err;

  err->pub.format_message (cinfo, err->message);
  longjmp (err->jump, 1);
}

static void
emit_message (j_common_ptr cinfo, int level)
{
  /* Level −1 is a warning: corrupt data libjpeg would decode anyway. The
   * other levels are traces, which are dropped. */
  if (level < 0)
    error_exit (cinfo);
}

static void
output_message (j_common_ptr cinfo)
{
  /* Never print to stderr. */
}

static void
init_error_mgr (struct jpeg_decompress_struct *cinfo, JpegErrorMgr *err)
{
  memset (err, 0, sizeof *err);
  cinfo->err = jpeg_std_error (&err->pub);
  err->pub.error_exit = error_exit;
  err->pub.emit_message = emit_message;
  err->pub.output_message = output_message;
}

static gboolean
jpeg_failed (const char *what, const JpegErrorMgr *err, GError **error)
{
  g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
               "%s is corrupt: %s", what, err->message);
  return FALSE;
}

/* After jpeg_read_header: what we accept. */
static gboolean
check_header (const char *what, struct jpeg_decompress_struct *cinfo, GError **error)
{
  if (cinfo->progressive_mode)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED,
                   "%s is a progressive JPEG; only sequential JPEGs are supported", what);
      return FALSE;
    }
  switch (cinfo->jpeg_color_space)
    {
    case JCS_GRAYSCALE:
    case JCS_YCbCr:
    case JCS_RGB:
      break;
    case JCS_UNKNOWN:
    case JCS_CMYK:
    case JCS_YCCK:
    default:
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED,
                   "%s has %d color components of an unsupported kind", what,
                   cinfo->num_components);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_jpeg_read_size (const guint8 *data, gsize len,
                       guint *width, guint *height, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorMgr err;
  gsize n_pixels;
  volatile gboolean ok = FALSE;

  if (len == 0)
    {
      g_set_error_literal (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                           "JPEG image is empty");
      return FALSE;
    }
  init_error_mgr (&cinfo, &err);
  if (setjmp (err.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      return jpeg_failed ("JPEG image", &err, error);
    }
  jpeg_create_decompress (&cinfo);
  cinfo.mem->max_memory_to_use = TETHER_JPEG_MAX_MEMORY;
  jpeg_mem_src (&cinfo, data, len);
  if (jpeg_read_header (&cinfo, TRUE) != JPEG_HEADER_OK)
    g_set_error_literal (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                         "JPEG data holds no image");
  else if (check_header ("JPEG image", &cinfo, error) &&
           tether_codec_check_size ("JPEG image", cinfo.image_width, cinfo.image_height,
                                    cinfo.image_width, &n_pixels, error))
    {
      *width = cinfo.image_width;
      *height = cinfo.image_height;
      ok = TRUE;
    }
  jpeg_destroy_decompress (&cinfo);
  return ok;
}

/* Decodes a complete JPEG into @dest; row i of the JPEG goes to row i, or
 * to row height − 1 − i unless @top_down. */
static gboolean
decode_into (const char *what, const guint8 *data, gsize len, const TetherCodecDest *dest,
             gboolean top_down, gboolean fast, GError **error)
{
  struct jpeg_decompress_struct cinfo;
  JpegErrorMgr err;
  gboolean direct;
  /* Allocated before setjmp: only read after a longjmp, never changed. */
  guint8 *const row_bytes = g_malloc ((gsize) dest->width * 4);
  guint32 *const row = g_new (guint32, dest->width);

  if (len == 0)
    {
      g_free (row_bytes);
      g_free (row);
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL, "%s is empty", what);
      return FALSE;
    }

  init_error_mgr (&cinfo, &err);
  if (setjmp (err.jump))
    {
      jpeg_destroy_decompress (&cinfo);
      g_free (row_bytes);
      g_free (row);
      return jpeg_failed (what, &err, error);
    }
  jpeg_create_decompress (&cinfo);
  cinfo.mem->max_memory_to_use = TETHER_JPEG_MAX_MEMORY;
  jpeg_mem_src (&cinfo, data, len);
  if (jpeg_read_header (&cinfo, TRUE) != JPEG_HEADER_OK)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "%s holds no image", what);
      goto fail;
    }
  if (!check_header (what, &cinfo, error) ||
      !tether_codec_check_dest_size (what, dest, cinfo.image_width, cinfo.image_height, error))
    goto fail;

  cinfo.out_color_space = JCS_EXT_BGRX;
  cinfo.dct_method = fast ? JDCT_IFAST : JDCT_ISLOW;
  jpeg_start_decompress (&cinfo);
  if (cinfo.output_width != dest->width || cinfo.output_height != dest->height ||
      cinfo.output_components != 4)
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "%s decodes to %u×%u×%d instead of %u×%u×4", what, cinfo.output_width,
                   cinfo.output_height, cinfo.output_components, dest->width, dest->height);
      goto fail;
    }

  /* B, G, R, 0xff is exactly the 32-bit destination formats' layout. */
  direct = dest->format == TETHER_CODEC_FORMAT_XRGB32 ||
           dest->format == TETHER_CODEC_FORMAT_ARGB32;
  while (cinfo.output_scanline < cinfo.output_height)
    {
      guint y = cinfo.output_scanline;
      guint dest_y = top_down ? y : dest->height - 1 - y;
      JSAMPROW line = direct ? dest->data + (gsize) dest_y * dest->stride : row_bytes;

      if (jpeg_read_scanlines (&cinfo, &line, 1) != 1)
        {
          g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                       "%s stops at row %u of %u", what, y, dest->height);
          goto fail;
        }
      if (!direct)
        {
          for (guint x = 0; x < dest->width; x++)
            row[x] = (guint32) row_bytes[4 * x] | (guint32) row_bytes[4 * x + 1] << 8 |
                     (guint32) row_bytes[4 * x + 2] << 16;
          tether_codec_dest_put_row (dest, dest_y, row, FALSE);
        }
    }
  jpeg_finish_decompress (&cinfo);
  jpeg_destroy_decompress (&cinfo);
  g_free (row_bytes);
  g_free (row);
  return TRUE;

fail:
  jpeg_destroy_decompress (&cinfo);
  g_free (row_bytes);
  g_free (row);
  return FALSE;
}

gboolean
tether_jpeg_decode (const guint8 *data, gsize len,
                    const TetherCodecDest *dest, GError **error)
{
  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  return decode_into ("JPEG image", data, len, dest, TRUE, FALSE, error);
}

gboolean
tether_mjpeg_decode_frame (const guint8 *data, gsize len, gboolean top_down,
                           const TetherCodecDest *dest, GError **error)
{
  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  return decode_into ("MJPEG frame", data, len, dest, top_down, TRUE, error);
}

gboolean
tether_jpeg_alpha_decode (const guint8 *data, gsize len, guint32 jpeg_size,
                          gboolean top_down,
                          const TetherCodecDest *dest, GError **error)
{
  TetherReader r;
  const guint8 *jpeg, *alpha;
  gsize alpha_len;

  if (!tether_codec_dest_check (dest, error))
    return FALSE;
  tether_reader_init (&r, data, len);
  if (!tether_reader_borrow (&r, jpeg_size, &jpeg))
    {
      g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                   "JPEG_ALPHA image declares %u bytes of JPEG but holds only %" G_GSIZE_FORMAT,
                   jpeg_size, len);
      return FALSE;
    }
  alpha_len = tether_reader_remaining (&r);
  tether_reader_borrow (&r, alpha_len, &alpha);

  /* JPEG is always top-down; the alpha plane follows the image's flag. */
  if (!decode_into ("JPEG_ALPHA image", jpeg, jpeg_size, dest, TRUE, FALSE, error))
    return FALSE;
  return tether_lz_alpha_decode (alpha, alpha_len, top_down, dest, error);
}
