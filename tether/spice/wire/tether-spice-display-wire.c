/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-display-wire-private.h"

/*
 * Display channel messages without nested structures, and the client's
 * messages (docs/spice-protocol.md §7.3, §7.4, §9). The structured ones
 * are in tether-spice-display-wire-draw.c.
 */

gboolean
tether_spice_msg_display_mode_decode (GBytes *body, TetherSpiceMsgDisplayMode *out, GError **error)
{
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->x_res);
  tether_reader_u32_le (&r, &out->y_res);
  tether_reader_u32_le (&r, &out->bits);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message DISPLAY_MODE", error);
}

void
tether_spice_msg_display_inval_list_clear (TetherSpiceMsgInvalList *list)
{
  g_clear_pointer (&list->resources, g_free);
  list->n_resources = 0;
}

gboolean
tether_spice_msg_display_inval_list_decode (GBytes *body, TetherSpiceMsgInvalList *out,
                                            GError **error)
{
  static const char what[] = "SPICE message DISPLAY_INVAL_LIST";
  TetherReader r;
  guint16 count;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u16_le (&r, &count);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  /* The u16 count cannot exceed TETHER_SPICE_MAX_INVAL_RESOURCES. Each
   * resource: u8 type + u64 id. */
  G_STATIC_ASSERT (TETHER_SPICE_MAX_INVAL_RESOURCES >= G_MAXUINT16);
  if (!tether_reader_can_hold (&r, count, 9))
    return tether_spice_wire_finish (&r, TRUE, what, error);
  out->resources = g_new0 (TetherSpiceResourceId, MAX (count, 1));
  out->n_resources = count;
  for (guint i = 0; i < count; i++)
    {
      tether_reader_u8 (&r, &out->resources[i].type);
      tether_reader_u64_le (&r, &out->resources[i].id);
      if (out->resources[i].type != TETHER_SPICE_RES_PIXMAP)
        {
          guint8 type = out->resources[i].type;

          tether_spice_msg_display_inval_list_clear (out);
          return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                          "resource %u has unknown type %u", i, type);
        }
    }
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    {
      tether_spice_msg_display_inval_list_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_spice_msg_display_inval_all_pixmaps_decode (GBytes *body, TetherSpiceMsgWaitForChannels *out,
                                                   GError **error)
{
  /* The same layout as WAIT_FOR_CHANNELS; only the name in errors differs. */
  if (tether_spice_msg_wait_for_channels_decode (body, out, error))
    return TRUE;
  if (error != NULL && *error != NULL)
    g_prefix_error (error, "in DISPLAY_INVAL_ALL_PIXMAPS: ");
  return FALSE;
}

gboolean
tether_spice_msg_display_inval_palette_decode (GBytes *body, guint64 *id, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u64_le (&r, id);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message DISPLAY_INVAL_PALETTE", error);
}

gboolean
tether_spice_msg_display_stream_destroy_decode (GBytes *body, guint32 *id, GError **error)
{
  static const char what[] = "SPICE message DISPLAY_STREAM_DESTROY";
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, id);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  if (*id >= TETHER_SPICE_MAX_STREAMS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "stream id %u is not below %u", *id, TETHER_SPICE_MAX_STREAMS);
  return TRUE;
}

gboolean
tether_spice_msg_display_stream_activate_report_decode (GBytes *body,
                                                        TetherSpiceMsgStreamActivateReport *out,
                                                        GError **error)
{
  static const char what[] = "SPICE message DISPLAY_STREAM_ACTIVATE_REPORT";
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->stream_id);
  tether_reader_u32_le (&r, &out->unique_id);
  tether_reader_u32_le (&r, &out->max_window_size);
  tether_reader_u32_le (&r, &out->timeout_ms);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  if (out->stream_id >= TETHER_SPICE_MAX_STREAMS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                    "stream id %u is not below %u", out->stream_id,
                                    TETHER_SPICE_MAX_STREAMS);
  return TRUE;
}

gboolean
tether_spice_msg_display_surface_create_decode (GBytes *body, TetherSpiceMsgSurfaceCreate *out,
                                                GError **error)
{
  static const char what[] = "SPICE message DISPLAY_SURFACE_CREATE";
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->surface_id);
  tether_reader_u32_le (&r, &out->width);
  tether_reader_u32_le (&r, &out->height);
  tether_reader_u32_le (&r, &out->format);
  tether_reader_u32_le (&r, &out->flags);
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    return FALSE;
  switch (out->format)
    {
    case TETHER_SPICE_SURFACE_FMT_1_A:
    case TETHER_SPICE_SURFACE_FMT_8_A:
    case TETHER_SPICE_SURFACE_FMT_16_555:
    case TETHER_SPICE_SURFACE_FMT_32_xRGB:
    case TETHER_SPICE_SURFACE_FMT_16_565:
    case TETHER_SPICE_SURFACE_FMT_32_ARGB:
      return TRUE;
    default:
      return tether_spice_wire_error (error, TETHER_SPICE_ERROR_PROTOCOL, what,
                                      "surface %u has unknown format %u", out->surface_id,
                                      out->format);
    }
}

gboolean
tether_spice_msg_display_surface_destroy_decode (GBytes *body, guint32 *surface_id, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, surface_id);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message DISPLAY_SURFACE_DESTROY", error);
}

void
tether_spice_msg_display_monitors_config_clear (TetherSpiceMsgMonitorsConfig *msg)
{
  g_clear_pointer (&msg->heads, g_free);
  msg->n_heads = 0;
}

gboolean
tether_spice_msg_display_monitors_config_decode (GBytes *body, TetherSpiceMsgMonitorsConfig *out,
                                                 GError **error)
{
  static const char what[] = "SPICE message DISPLAY_MONITORS_CONFIG";
  TetherReader r;
  guint16 count, max_allowed;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u16_le (&r, &count);
  tether_reader_u16_le (&r, &max_allowed);
  if (!tether_spice_wire_finish (&r, FALSE, what, error))
    return FALSE;
  if (count > TETHER_SPICE_MAX_MONITORS)
    return tether_spice_wire_error (error, TETHER_SPICE_ERROR_LIMIT_EXCEEDED, what,
                                    "%u heads, over the limit of %u", count,
                                    TETHER_SPICE_MAX_MONITORS);
  /* Each head: seven u32. */
  if (!tether_reader_can_hold (&r, count, 28))
    return tether_spice_wire_finish (&r, TRUE, what, error);
  out->n_heads = count;
  out->max_allowed = max_allowed;
  out->heads = g_new0 (TetherSpiceHead, MAX (count, 1));
  for (guint i = 0; i < count; i++)
    {
      TetherSpiceHead *h = &out->heads[i];

      tether_reader_u32_le (&r, &h->monitor_id);
      tether_reader_u32_le (&r, &h->surface_id);
      tether_reader_u32_le (&r, &h->width);
      tether_reader_u32_le (&r, &h->height);
      tether_reader_u32_le (&r, &h->x);
      tether_reader_u32_le (&r, &h->y);
      tether_reader_u32_le (&r, &h->flags);
    }
  if (!tether_spice_wire_finish (&r, TRUE, what, error))
    {
      tether_spice_msg_display_monitors_config_clear (out);
      return FALSE;
    }
  return TRUE;
}

gboolean
tether_spice_msg_display_gl_scanout_decode (GBytes *body, TetherSpiceMsgGlScanout *out,
                                            GError **error)
{
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->width);
  tether_reader_u32_le (&r, &out->height);
  tether_reader_u32_le (&r, &out->stride);
  tether_reader_u32_le (&r, &out->drm_fourcc_format);
  tether_reader_u32_le (&r, &out->flags);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message DISPLAY_GL_SCANOUT_UNIX", error);
}

gboolean
tether_spice_msg_display_gl_draw_decode (GBytes *body, TetherSpiceMsgGlDraw *out, GError **error)
{
  TetherReader r;

  memset (out, 0, sizeof *out);
  tether_reader_init_bytes (&r, body);
  tether_reader_u32_le (&r, &out->x);
  tether_reader_u32_le (&r, &out->y);
  tether_reader_u32_le (&r, &out->w);
  tether_reader_u32_le (&r, &out->h);
  return tether_spice_wire_finish (&r, TRUE, "SPICE message DISPLAY_GL_DRAW", error);
}

/* ---- client -> server --------------------------------------------------- */

guint64
tether_spice_display_default_glz_window_size (guint64 ram_hint)
{
  return CLAMP (ram_hint / 2, TETHER_SPICE_MIN_GLZ_WINDOW_SIZE, TETHER_SPICE_MAX_GLZ_WINDOW_SIZE);
}

GBytes *
tether_spice_msgc_display_init_encode (guint64 cache_size, guint64 glz_window_size)
{
  TetherWriter w;
  guint64 cache_pixels = MIN (cache_size / 4, (guint64) G_MAXINT64);
  guint64 window_pixels = MIN (glz_window_size / 4, (guint64) TETHER_SPICE_LZ_MAX_WINDOW_PIXELS);

  tether_writer_init (&w);
  tether_writer_u8 (&w, 1);                          /* pixmap_cache_id */
  tether_writer_u64_le (&w, cache_pixels);           /* i64 pixmap_cache_size */
  tether_writer_u8 (&w, 1);                          /* glz_dictionary_id */
  tether_writer_u32_le (&w, (guint32) window_pixels); /* i32 glz_dictionary_window_size */
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_display_stream_report_encode (const TetherSpiceMsgcStreamReport *report)
{
  TetherWriter w;

  g_return_val_if_fail (report != NULL, NULL);
  tether_writer_init (&w);
  tether_writer_u32_le (&w, report->stream_id);
  tether_writer_u32_le (&w, report->unique_id);
  tether_writer_u32_le (&w, report->start_frame_mm_time);
  tether_writer_u32_le (&w, report->end_frame_mm_time);
  tether_writer_u32_le (&w, report->num_frames);
  tether_writer_u32_le (&w, report->num_drops);
  tether_writer_i32_le (&w, report->last_frame_delay);
  tether_writer_u32_le (&w, report->audio_delay);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_display_preferred_compression_encode (TetherSpiceImageCompression compression)
{
  TetherWriter w;

  switch (compression)
    {
    case TETHER_SPICE_IMAGE_COMPRESSION_OFF:
    case TETHER_SPICE_IMAGE_COMPRESSION_AUTO_GLZ:
    case TETHER_SPICE_IMAGE_COMPRESSION_AUTO_LZ:
    case TETHER_SPICE_IMAGE_COMPRESSION_QUIC:
    case TETHER_SPICE_IMAGE_COMPRESSION_GLZ:
    case TETHER_SPICE_IMAGE_COMPRESSION_LZ:
    case TETHER_SPICE_IMAGE_COMPRESSION_LZ4:
      break;
    case TETHER_SPICE_IMAGE_COMPRESSION_INVALID:
      return NULL;
    default:
      g_return_val_if_reached (NULL);
    }
  tether_writer_init (&w);
  tether_writer_u8 (&w, (guint8) compression);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_display_preferred_video_codec_type_encode (const guint8 *codecs, gsize n_codecs)
{
  TetherWriter w;

  g_return_val_if_fail (n_codecs <= TETHER_SPICE_MAX_VIDEO_CODECS, NULL);
  g_return_val_if_fail (codecs != NULL || n_codecs == 0, NULL);
  for (gsize i = 0; i < n_codecs; i++)
    g_return_val_if_fail (codecs[i] >= TETHER_SPICE_VIDEO_CODEC_MJPEG &&
                          codecs[i] <= TETHER_SPICE_VIDEO_CODEC_H265, NULL);
  tether_writer_init (&w);
  tether_writer_u8 (&w, (guint8) n_codecs);
  if (n_codecs > 0)
    tether_writer_bytes (&w, codecs, n_codecs);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_display_gl_draw_done_encode (void)
{
  return g_bytes_new (NULL, 0);
}
