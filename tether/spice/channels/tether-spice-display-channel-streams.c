/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Video streams of a display channel (docs/spice-protocol.md §9.7): MJPEG
 * frames are decoded (libjpeg-turbo, through tether/codecs) and painted
 * into the stream's destination as they arrive; a stream in any other codec
 * is refused with the protocol's "cannot decode" report (zero frames, all
 * drops), after which the server sends that area as images again. Adaptive
 * streaming reports (STREAM_ACTIVATE_REPORT) are answered as spice-gtk
 * does, with frames that arrive after their multimedia time counted as
 * drops (Tether paints them anyway).
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-display-channel-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-protocol-private.h"
#include "tether-jpeg-private.h"

const guint8 tether_spice_display_video_codecs[] = { TETHER_SPICE_VIDEO_CODEC_MJPEG };
const gsize tether_spice_display_n_video_codecs = G_N_ELEMENTS (tether_spice_display_video_codecs);

struct _TetherSpiceDisplayStream {
  guint32          id;
  guint32          surface_id;
  guint8           flags;
  TetherSpiceRect  dest;
  TetherSpiceClip  clip;          /* owned rects */

  guint8          *frame;         /* the last decoded frame's buffer, reused */
  gsize            frame_size;

  gboolean         report_active;
  guint32          report_id;
  guint32          report_max_window;
  guint32          report_timeout_ms;
  gint64           report_start_time;   /* monotonic µs, 0: window not started */
  guint32          report_start_frame_time;
  guint32          report_num_frames;
  guint32          report_num_drops;
  guint32          report_drops_seq;
};

static void
stream_free (TetherSpiceDisplayStream *st)
{
  g_free (st->clip.rects);
  g_free (st->frame);
  g_free (st);
}

void
tether_spice_display_streams_clear (TetherSpiceDisplayChannel *self)
{
  for (guint i = 0; i < G_N_ELEMENTS (self->streams); i++)
    g_clear_pointer (&self->streams[i], stream_free);
}

/* Tells the server that stream @id cannot be shown here (when it takes
 * stream reports): it stops the stream and sends images instead. */
static void
report_unusable_stream (TetherSpiceDisplayChannel *self, guint32 id)
{
  TetherSpiceChannel *channel = TETHER_SPICE_CHANNEL (self);
  TetherSpiceMsgcStreamReport report = { 0 };
  g_autoptr(GBytes) body = NULL;

  /* The server drops a client whose report names a stream id out of range. */
  if (id >= TETHER_SPICE_MAX_STREAMS ||
      !tether_spice_channel_test_capability (channel, TETHER_SPICE_DISPLAY_CAP_STREAM_REPORT))
    return;
  report.stream_id = id;
  report.num_frames = 0;
  report.num_drops = G_MAXUINT32;
  body = tether_spice_msgc_display_stream_report_encode (&report);
  tether_spice_channel_send (channel, TETHER_SPICE_MSGC_DISPLAY_STREAM_REPORT, body);
}

static const char *
codec_name (guint codec)
{
  switch (codec)
    {
    case TETHER_SPICE_VIDEO_CODEC_MJPEG: return "MJPEG";
    case TETHER_SPICE_VIDEO_CODEC_VP8: return "VP8";
    case TETHER_SPICE_VIDEO_CODEC_H264: return "H.264";
    case TETHER_SPICE_VIDEO_CODEC_VP9: return "VP9";
    case TETHER_SPICE_VIDEO_CODEC_H265: return "H.265";
    default: return "an unknown codec";
    }
}

static gboolean
handle_create (TetherSpiceDisplayChannel *self, GBytes *body, GError **error)
{
  TetherSpiceMsgStreamCreate msg;
  TetherSpiceDisplayStream *st;

  if (!tether_spice_msg_display_stream_create_decode (body, &msg, error))
    return FALSE;
  /* A second create for a live id replaces the stream (spice-gtk keeps the
   * old one and warns; the server never does this). */
  g_clear_pointer (&self->streams[msg.id], stream_free);
  if (msg.codec_type != TETHER_SPICE_VIDEO_CODEC_MJPEG)
    {
      g_info ("display channel: video stream %u is in %s, which Tether does not decode; asking the server "
              "for images instead", msg.id, codec_name (msg.codec_type));
      report_unusable_stream (self, msg.id);
      tether_spice_msg_display_stream_create_clear (&msg);
      return TRUE;
    }
  st = g_new0 (TetherSpiceDisplayStream, 1);
  st->id = msg.id;
  st->surface_id = msg.surface_id;
  st->flags = msg.flags;
  st->dest = msg.dest;
  st->clip = msg.clip;
  msg.clip.rects = NULL;
  msg.clip.n_rects = 0;
  self->streams[msg.id] = st;
  g_debug ("display channel: MJPEG stream %u on surface %u, %u×%u frames into %d,%d-%d,%d", msg.id, msg.surface_id,
           msg.stream_width, msg.stream_height, msg.dest.left, msg.dest.top, msg.dest.right, msg.dest.bottom);
  tether_spice_msg_display_stream_create_clear (&msg);
  return TRUE;
}

/* The adaptive-streaming report for one more frame (§9.7). */
static void
update_report (TetherSpiceDisplayChannel *self, TetherSpiceDisplayStream *st, guint32 frame_time, gint32 margin)
{
  TetherSpiceMsgcStreamReport report = { 0 };
  g_autoptr(GBytes) body = NULL;
  gint64 now = g_get_monotonic_time ();

  if (!st->report_active)
    return;
  if (st->report_start_time == 0)
    {
      st->report_start_time = now;
      st->report_start_frame_time = frame_time;
    }
  st->report_num_frames++;
  if (margin < 0)
    {
      st->report_num_drops++;
      st->report_drops_seq++;
    }
  else
    st->report_drops_seq = 0;
  if (st->report_num_frames < st->report_max_window &&
      (now - st->report_start_time) / 1000 < (gint64) st->report_timeout_ms &&
      st->report_drops_seq < TETHER_SPICE_STREAM_REPORT_DROP_SEQ)
    return;
  report.stream_id = st->id;
  report.unique_id = st->report_id;
  report.start_frame_mm_time = st->report_start_frame_time;
  report.end_frame_mm_time = frame_time;
  report.num_frames = st->report_num_frames;
  report.num_drops = st->report_num_drops;
  report.last_frame_delay = margin;
  report.audio_delay = G_MAXUINT32;   /* Tether plays no audio */
  body = tether_spice_msgc_display_stream_report_encode (&report);
  tether_spice_channel_send (TETHER_SPICE_CHANNEL (self), TETHER_SPICE_MSGC_DISPLAY_STREAM_REPORT, body);
  st->report_start_time = 0;
  st->report_num_frames = 0;
  st->report_num_drops = 0;
  st->report_drops_seq = 0;
}

static gboolean
paint_frame (TetherSpiceDisplayChannel *self, TetherSpiceDisplayStream *st, const TetherSpiceMsgStreamData *msg,
             GError **error)
{
  const TetherSpiceRect *dest = msg->sized ? &msg->dest : &st->dest;
  gsize len;
  const guint8 *data = g_bytes_get_data (msg->data, &len);
  guint width, height;
  gsize size;
  TetherCodecDest out;

  if (!tether_jpeg_read_size (data, len, &width, &height, error))
    return FALSE;
  if (msg->sized && (width != msg->width || height != msg->height))
    return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                        "Display channel: stream %u frame is %u×%u, its header says %u×%u", st->id, width,
                        height, msg->width, msg->height), FALSE;
  /* tether_jpeg_read_size checked the sides against the codec caps. */
  size = (gsize) width * height * 4;
  if (size != st->frame_size)
    {
      g_free (st->frame);
      st->frame = g_try_malloc (size);
      st->frame_size = st->frame != NULL ? size : 0;
      if (st->frame == NULL)
        return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_LIMIT_EXCEEDED,
                            "Display channel: out of memory for a %u×%u video frame", width, height), FALSE;
    }
  out.data = st->frame;
  out.stride = (gsize) width * 4;
  out.width = width;
  out.height = height;
  out.format = TETHER_CODEC_FORMAT_XRGB32;
  if (!tether_mjpeg_decode_frame (data, len, (st->flags & TETHER_SPICE_STREAM_FLAG_TOP_DOWN) != 0, &out, error))
    return FALSE;
  /* The decoder put the rows in order already. */
  if (!tether_spice_canvas_put_frame (self->canvas, st->surface_id, dest,
                                      st->clip.type == TETHER_SPICE_CLIP_RECTS ? &st->clip : NULL, out.data,
                                      out.stride, width, height, TRUE, error))
    return FALSE;
  tether_spice_display_channel_damage (self, st->surface_id, dest);
  self->mjpeg_frames++;
  return TRUE;
}

static gboolean
handle_data (TetherSpiceDisplayChannel *self, guint16 type, GBytes *body, GError **error)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self));
  TetherSpiceMsgStreamData msg;
  TetherSpiceDisplayStream *st;
  g_autoptr(GError) local = NULL;
  guint32 now = session != NULL ? tether_spice_session_get_mm_time (session) : 0;
  guint32 frame_time;

  if (!tether_spice_msg_display_stream_data_decode (type, body, &msg, error))
    return FALSE;
  st = self->streams[msg.id];
  if (st == NULL)
    {
      /* A stream refused at creation, or one the server never created. */
      report_unusable_stream (self, msg.id);
      tether_spice_msg_display_stream_data_clear (&msg);
      return TRUE;
    }
  frame_time = msg.multi_media_time != 0 ? msg.multi_media_time : now + TETHER_SPICE_STREAM_ZERO_TIME_DELAY;
  if (!paint_frame (self, st, &msg, &local))
    {
      /* A frame that does not decode: like spice-gtk, drop the stream and
       * ask the server for images. */
      g_info ("display channel: stream %u: %s; asking the server for images instead", msg.id, local->message);
      g_clear_pointer (&self->streams[msg.id], stream_free);
      report_unusable_stream (self, msg.id);
    }
  else
    update_report (self, st, frame_time, (gint32) (frame_time - now));
  tether_spice_msg_display_stream_data_clear (&msg);
  return TRUE;
}

gboolean
tether_spice_display_streams_handle (TetherSpiceDisplayChannel *self, guint16 type, GBytes *body, GError **error)
{
  guint32 id;

  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CREATE:
      return handle_create (self, body, error);
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
      return handle_data (self, type, body, error);
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CLIP:
      {
        TetherSpiceMsgStreamClip msg;
        TetherSpiceDisplayStream *st;

        if (!tether_spice_msg_display_stream_clip_decode (body, &msg, error))
          return FALSE;
        st = self->streams[msg.id];
        if (st != NULL)
          {
            g_free (st->clip.rects);
            st->clip = msg.clip;
            msg.clip.rects = NULL;
            msg.clip.n_rects = 0;
          }
        else
          report_unusable_stream (self, msg.id);
        tether_spice_msg_display_stream_clip_clear (&msg);
        return TRUE;
      }
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY:
      if (!tether_spice_msg_display_stream_destroy_decode (body, &id, error))
        return FALSE;
      g_clear_pointer (&self->streams[id], stream_free);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL:
      if (!tether_spice_msg_empty_decode (body, "DISPLAY_STREAM_DESTROY_ALL", error))
        return FALSE;
      tether_spice_display_streams_clear (self);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT:
      {
        TetherSpiceMsgStreamActivateReport msg;
        TetherSpiceDisplayStream *st;

        if (!tether_spice_msg_display_stream_activate_report_decode (body, &msg, error))
          return FALSE;
        st = msg.stream_id < TETHER_SPICE_MAX_STREAMS ? self->streams[msg.stream_id] : NULL;
        if (st == NULL)
          {
            report_unusable_stream (self, msg.stream_id);
            return TRUE;
          }
        st->report_active = TRUE;
        st->report_id = msg.unique_id;
        st->report_max_window = msg.max_window_size;
        st->report_timeout_ms = msg.timeout_ms;
        st->report_start_time = 0;
        st->report_num_frames = 0;
        st->report_num_drops = 0;
        st->report_drops_seq = 0;
        return TRUE;
      }
    default:
      return g_set_error (error, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                          "Display channel: message %u is not a stream message", type), FALSE;
    }
}
