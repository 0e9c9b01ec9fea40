/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-spice-display-channel-private.h"
#include "tether-spice-session-private.h"
#include "tether-spice-display-wire-private.h"
#include "tether-spice-protocol-private.h"

/**
 * TetherSpiceDisplayChannel:
 *
 * A display channel of a [class@SpiceSession] (type 2): the server's
 * surfaces, drawn by Tether's software renderer (pixman), as spice-gtk's
 * `SpiceDisplayChannel`.
 *
 * When linked it sends DISPLAY_INIT with the session's
 * [property@SpiceSession:cache-size] and
 * [property@SpiceSession:glz-window-size]; every drawing message then goes
 * through the message decoders, the image decoders (QUIC, LZ, GLZ, LZ4,
 * JPEG, zlib), the image cache and the GLZ window that all display channels
 * of the session share, and the canvas. An image that another display
 * channel has yet to deliver (a GLZ reference, or a cached image) makes the
 * channel hold its messages, in order, until it arrives.
 *
 * [signal@SpiceDisplayChannel::display-primary-create] hands out the
 * primary surface's pixels, [signal@SpiceDisplayChannel::display-invalidate]
 * says what changed, and [signal@SpiceDisplayChannel::display-mark] that the
 * first complete picture is there ([property@SpiceDisplayChannel:ready]).
 * [method@SpiceDisplayChannel.copy_primary] and
 * [method@SpiceDisplayChannel.save_primary_png] read the picture.
 *
 * Video streams in MJPEG are decoded and painted as their frames arrive;
 * streams in other codecs are refused the way the protocol provides (a
 * stream report of zero frames and all drops), and the server falls back to
 * images. GL scanout is not offered.
 *
 * Differences from spice-gtk: [property@SpiceDisplayChannel:monitors] is a
 * #GVariant; there is no `gl-scanout` property and
 * [signal@SpiceDisplayChannel::gl-draw] is never emitted.
 */

typedef struct {
  guint16  type;
  GBytes  *body;
} TetherSpiceHeldMessage;

enum {
  PROP_0,
  PROP_WIDTH,
  PROP_HEIGHT,
  PROP_MONITORS,
  PROP_MONITORS_MAX,
  PROP_READY,
  N_PROPS
};

static GParamSpec *properties[N_PROPS];

enum {
  SIGNAL_PRIMARY_CREATE,
  SIGNAL_PRIMARY_DESTROY,
  SIGNAL_INVALIDATE,
  SIGNAL_MARK,
  SIGNAL_GL_DRAW,
  N_SIGNALS
};

static guint signals[N_SIGNALS];

G_DEFINE_FINAL_TYPE (TetherSpiceDisplayChannel, tether_spice_display_channel, TETHER_TYPE_SPICE_CHANNEL)

static const char *
msg_name (guint16 type)
{
  const char *name = tether_spice_message_name (TETHER_SPICE_WIRE_CHANNEL_DISPLAY, type);

  return name != NULL ? name : "an unknown message";
}

static gboolean
display_error (GError **error, TetherSpiceError code, const char *format, ...) G_GNUC_PRINTF (3, 4);

static gboolean
display_error (GError **error, TetherSpiceError code, const char *format, ...)
{
  g_autofree char *text = NULL;
  va_list args;

  va_start (args, format);
  text = g_strdup_vprintf (format, args);
  va_end (args);
  g_set_error (error, TETHER_SPICE_ERROR, code, "Display channel: %s", text);
  return FALSE;
}

/* ---- capabilities and channel start ------------------------------------------- */

static void
display_fill_caps (TetherSpiceChannel *channel, GArray *caps)
{
  guint32 word = (1u << TETHER_SPICE_DISPLAY_CAP_SIZED_STREAM) | (1u << TETHER_SPICE_DISPLAY_CAP_MONITORS_CONFIG) |
                 (1u << TETHER_SPICE_DISPLAY_CAP_COMPOSITE) | (1u << TETHER_SPICE_DISPLAY_CAP_A8_SURFACE) |
                 (1u << TETHER_SPICE_DISPLAY_CAP_STREAM_REPORT) | (1u << TETHER_SPICE_DISPLAY_CAP_LZ4_COMPRESSION) |
                 (1u << TETHER_SPICE_DISPLAY_CAP_MULTI_CODEC) | (1u << TETHER_SPICE_DISPLAY_CAP_CODEC_MJPEG);

  /* No GL_SCANOUT: Tether draws in software only. */
  g_array_append_val (caps, word);
}

static void
set_ready (TetherSpiceDisplayChannel *self)
{
  gboolean ready = self->has_primary && self->mark;

  if (ready == self->ready)
    return;
  self->ready = ready;
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_READY]);
}

static void
send_preferred_compression (TetherSpiceDisplayChannel *self)
{
  TetherSpiceChannel *channel = TETHER_SPICE_CHANNEL (self);
  g_autoptr(GBytes) body = NULL;

  if (self->preferred_compression == TETHER_SPICE_IMAGE_COMPRESSION_INVALID ||
      tether_spice_channel_get_state (channel) != TETHER_SPICE_CHANNEL_STATE_READY)
    return;
  if (!tether_spice_channel_test_capability (channel, TETHER_SPICE_DISPLAY_CAP_PREF_COMPRESSION))
    {
      g_debug ("display channel: the server cannot change its image compression");
      return;
    }
  body = tether_spice_msgc_display_preferred_compression_encode (self->preferred_compression);
  tether_spice_channel_send (channel, TETHER_SPICE_MSGC_DISPLAY_PREFERRED_COMPRESSION, body);
}

static void
display_channel_up (TetherSpiceChannel *channel)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (channel);
  TetherSpiceSession *session = tether_spice_channel_peek_session (channel);
  guint64 cache_size = TETHER_SPICE_DEFAULT_CACHE_SIZE;
  guint64 glz_window_size = TETHER_SPICE_MIN_GLZ_WINDOW_SIZE;
  g_autoptr(GBytes) init = NULL;

  if (session != NULL)
    {
      if (tether_spice_session_get_cache_size (session) > 0)
        cache_size = (guint64) tether_spice_session_get_cache_size (session);
      if (tether_spice_session_get_glz_window_size (session) > 0)
        glz_window_size = (guint64) tether_spice_session_get_glz_window_size (session);
    }
  /* The budgets follow what the server is told: the cache in pixels, the
   * window in bytes at 4 a pixel (the server keeps within both). */
  tether_spice_image_cache_set_max_pixels (tether_spice_canvas_get_image_cache (self->canvas), cache_size / 4);
  tether_glz_window_set_max_bytes (tether_spice_canvas_get_glz_window (self->canvas),
                                   (gsize) MIN (glz_window_size, (guint64) TETHER_GLZ_WINDOW_MAX_BYTES));
  g_debug ("display channel %d: cache %" G_GUINT64_FORMAT " bytes, GLZ window %" G_GUINT64_FORMAT " bytes",
           tether_spice_channel_get_channel_id (channel), cache_size, glz_window_size);

  /* A new connection: the picture is not complete until the server says. */
  self->mark = FALSE;
  set_ready (self);
  init = tether_spice_msgc_display_init_encode (cache_size, glz_window_size);
  tether_spice_channel_send (channel, TETHER_SPICE_MSGC_DISPLAY_INIT, init);
  send_preferred_compression (self);
  if (tether_spice_channel_test_capability (channel, TETHER_SPICE_DISPLAY_CAP_PREF_VIDEO_CODEC_TYPE))
    {
      g_autoptr(GBytes) codecs = tether_spice_msgc_display_preferred_video_codec_type_encode (
        tether_spice_display_video_codecs, tether_spice_display_n_video_codecs);

      tether_spice_channel_send (channel, TETHER_SPICE_MSGC_DISPLAY_PREFERRED_VIDEO_CODEC_TYPE, codecs);
    }
}

/* ---- surfaces --------------------------------------------------------------------- */

void
tether_spice_display_channel_damage (TetherSpiceDisplayChannel *self, guint32 surface_id, const TetherSpiceRect *rect)
{
  gint64 left, top, right, bottom;

  if (!self->has_primary || surface_id != self->primary_id)
    return;
  /* Within the surface (a stream's destination need not be). */
  left = MAX ((gint64) rect->left, 0);
  top = MAX ((gint64) rect->top, 0);
  right = MIN ((gint64) rect->right, (gint64) self->width);
  bottom = MIN ((gint64) rect->bottom, (gint64) self->height);
  if (right <= left || bottom <= top)
    return;
  self->frame_count++;
  g_signal_emit (self, signals[SIGNAL_INVALIDATE], 0, (int) left, (int) top, (int) (right - left),
                 (int) (bottom - top));
}

static void
set_monitors_from_primary (TetherSpiceDisplayChannel *self)
{
  TetherSpiceHead head = { 0 };

  if (self->got_monitors_config)
    return;
  head.surface_id = self->primary_id;
  head.width = self->width;
  head.height = self->height;
  g_array_set_size (self->monitors, 0);
  g_array_append_val (self->monitors, head);
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITORS]);
}

/* A source on the session's context, calling back with the channel (not
 * referenced: the channel destroys it before it goes). */
static GSource *
attach_timeout (TetherSpiceDisplayChannel *self, guint ms, GSourceFunc func, const char *name)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self));
  GSource *source = g_timeout_source_new (ms);

  g_source_set_callback (source, func, self, NULL);
  g_source_set_static_name (source, name);
  g_source_attach (source, session != NULL ? tether_spice_session_get_context (session)
                                           : g_main_context_get_thread_default ());
  return source;
}

static gboolean
mark_false_cb (gpointer user_data)
{
  TetherSpiceDisplayChannel *self = user_data;

  g_clear_pointer (&self->mark_false_source, g_source_unref);
  self->mark = FALSE;
  g_signal_emit (self, signals[SIGNAL_MARK], 0, 0);
  set_ready (self);
  return G_SOURCE_REMOVE;
}

static void
cancel_mark_false (TetherSpiceDisplayChannel *self)
{
  if (self->mark_false_source == NULL)
    return;
  g_source_destroy (self->mark_false_source);
  g_clear_pointer (&self->mark_false_source, g_source_unref);
}

/* The primary surface went: tell, and forget the pixels. */
static void
primary_gone (TetherSpiceDisplayChannel *self)
{
  if (!self->has_primary)
    return;
  g_signal_emit (self, signals[SIGNAL_PRIMARY_DESTROY], 0);
  self->has_primary = FALSE;
  self->primary_data = NULL;
  set_ready (self);
}

/* The canvas's primary surface is (perhaps) new: announce it. */
static void
primary_check (TetherSpiceDisplayChannel *self)
{
  TetherSpiceSurfaceInfo info;

  if (!tether_spice_canvas_get_primary (self->canvas, &info))
    {
      primary_gone (self);
      return;
    }
  if (self->has_primary && self->primary_id == info.surface_id && self->primary_data == info.data)
    return;   /* the same surface, kept */
  primary_gone (self);
  self->has_primary = TRUE;
  self->primary_id = info.surface_id;
  self->primary_data = info.data;
  if (self->width != info.width)
    {
      self->width = info.width;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_WIDTH]);
    }
  if (self->height != info.height)
    {
      self->height = info.height;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_HEIGHT]);
    }
  cancel_mark_false (self);
  g_signal_emit (self, signals[SIGNAL_PRIMARY_CREATE], 0, (int) info.format, (int) info.width, (int) info.height,
                 (int) info.stride, -1, (gpointer) info.data);
  set_monitors_from_primary (self);
  set_ready (self);
}

/* Will creating @msg's surface replace the announced primary? Then the
 * application hears of it before the pixels go. */
static void
primary_before_create (TetherSpiceDisplayChannel *self, const TetherSpiceMsgSurfaceCreate *msg)
{
  TetherSpiceSurfaceInfo info;
  gboolean primary = (msg->flags & TETHER_SPICE_SURFACE_FLAG_PRIMARY) != 0;

  if (!self->has_primary || !tether_spice_canvas_get_primary (self->canvas, &info))
    return;
  if (primary && info.surface_id == msg->surface_id && info.width == msg->width && info.height == msg->height &&
      (guint32) info.format == msg->format)
    return;   /* kept with its pixels */
  if (primary || info.surface_id == msg->surface_id)
    primary_gone (self);
}

static gboolean
handle_surface_create (TetherSpiceDisplayChannel *self, GBytes *body, GError **error)
{
  TetherSpiceMsgSurfaceCreate msg;
  g_autoptr(GError) local = NULL;

  if (!tether_spice_msg_display_surface_create_decode (body, &msg, error))
    return FALSE;
  primary_before_create (self, &msg);
  if (!tether_spice_canvas_create_surface (self->canvas, &msg, &local))
    {
      if (!g_error_matches (local, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED))
        {
          g_propagate_error (error, g_steal_pointer (&local));
          return FALSE;
        }
      /* Drawing on it is then ignored, as on any missing surface. */
      g_info ("display channel: %s", local->message);
    }
  primary_check (self);
  return TRUE;
}

static gboolean
handle_surface_destroy (TetherSpiceDisplayChannel *self, GBytes *body, GError **error)
{
  TetherSpiceChannel *channel = TETHER_SPICE_CHANNEL (self);
  guint32 id;

  if (!tether_spice_msg_display_surface_destroy_decode (body, &id, error))
    return FALSE;
  if (self->has_primary && id == self->primary_id)
    {
      primary_gone (self);
      /* On a secondary display this means the display was switched off. */
      if (tether_spice_channel_get_channel_id (channel) != 0 && self->mark_false_source == NULL)
        {
          self->mark_false_source = attach_timeout (self, TETHER_SPICE_DISPLAY_MARK_FALSE_MS, mark_false_cb,
                                                    "[tether] spice display mark false");
        }
    }
  tether_spice_canvas_destroy_surface (self->canvas, id);
  return TRUE;
}

static gboolean
handle_monitors_config (TetherSpiceDisplayChannel *self, GBytes *body, GError **error)
{
  TetherSpiceMsgMonitorsConfig msg;
  guint count, max_allowed;

  if (!tether_spice_msg_display_monitors_config_decode (body, &msg, error))
    return FALSE;
  if (msg.n_heads == 0)
    {
      g_debug ("display channel: an empty monitors config, ignored");
      tether_spice_msg_display_monitors_config_clear (&msg);
      return TRUE;
    }
  /* As spice-gtk: max_allowed within 1..256, count within 1..max_allowed. */
  max_allowed = CLAMP (msg.max_allowed, 1u, TETHER_SPICE_MAX_MONITORS);
  count = CLAMP (msg.n_heads, 1u, max_allowed);
  self->got_monitors_config = TRUE;
  g_array_set_size (self->monitors, 0);
  g_array_append_vals (self->monitors, msg.heads, count);
  tether_spice_msg_display_monitors_config_clear (&msg);
  if (self->monitors_max != max_allowed)
    {
      self->monitors_max = max_allowed;
      g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITORS_MAX]);
    }
  g_object_notify_by_pspec (G_OBJECT (self), properties[PROP_MONITORS]);
  return TRUE;
}

/* ---- drawing ------------------------------------------------------------------------ */

static const char * const image_type_names[G_N_ELEMENTS (((TetherSpiceDisplayChannel *) NULL)->image_counts)] = {
  "BITMAP", "QUIC", "LZ_PLT", "LZ_RGB", "GLZ_RGB", "FROM_CACHE", "SURFACE", "JPEG", "FROM_CACHE_LOSSLESS",
  "ZLIB_GLZ_RGB", "JPEG_ALPHA", "LZ4",
};

static void
count_image (const TetherSpiceImage *image, gpointer user_data)
{
  TetherSpiceDisplayChannel *self = user_data;
  guint slot = image->type < 100 ? image->type : image->type - 98u;

  if (image->present && slot < G_N_ELEMENTS (self->image_counts))
    self->image_counts[slot]++;
}

/* One debug line with what the connection drew, for tests and benchmarks:
 * "display channel 0: images BITMAP=1 GLZ_RGB=20 ...; MJPEG frames 0". */
static void
log_image_counts (TetherSpiceDisplayChannel *self)
{
  g_autoptr(GString) line = g_string_new (NULL);
  guint64 total = self->mjpeg_frames;

  for (guint i = 0; i < G_N_ELEMENTS (self->image_counts); i++)
    {
      total += self->image_counts[i];
      if (self->image_counts[i] > 0)
        g_string_append_printf (line, " %s=%" G_GUINT64_FORMAT, image_type_names[i], self->image_counts[i]);
    }
  if (total > 0)
    {
      TetherGlzWindow *glz = tether_spice_canvas_get_glz_window (self->canvas);
      TetherSpiceImageCache *images = tether_spice_canvas_get_image_cache (self->canvas);

      g_debug ("display channel %d: images%s; MJPEG frames %" G_GUINT64_FORMAT "; GLZ window %u images, %"
               G_GSIZE_FORMAT " bytes; image cache %u entries, %" G_GUINT64_FORMAT " pixels",
               tether_spice_channel_get_channel_id (TETHER_SPICE_CHANNEL (self)),
               line->len > 0 ? line->str : " none", self->mjpeg_frames, tether_glz_window_get_n_images (glz),
               tether_glz_window_get_bytes (glz), tether_spice_image_cache_get_n_entries (images),
               tether_spice_image_cache_get_pixels (images));
    }
  memset (self->image_counts, 0, sizeof self->image_counts);
  self->mjpeg_frames = 0;
}

/* FALSE with G_IO_ERROR_WOULD_BLOCK (and @wait) when an image is missing. */
static gboolean
handle_draw (TetherSpiceDisplayChannel *self, guint16 type, GBytes *body, TetherSpiceImageWait *wait,
             GError **error)
{
  TetherSpiceDrawMsg msg;
  TetherSpiceRect damage;
  g_autoptr(GError) local = NULL;
  gboolean ok;

  if (!tether_spice_msg_display_draw_decode (type, body, &msg, error))
    return FALSE;
  ok = tether_spice_canvas_draw (self->canvas, &msg, &damage, wait, &local);
  if (ok)
    {
      tether_spice_draw_msg_foreach_image (&msg, count_image, self);
      tether_spice_display_channel_damage (self, msg.base.surface_id, &damage);
    }
  tether_spice_draw_msg_clear (&msg);
  if (!ok && g_error_matches (local, TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED))
    {
      /* Nothing was drawn and no cache changed; the picture may be off
       * there, but the channel goes on. */
      g_info ("display channel: %s not drawn: %s", msg_name (type), local->message);
      return TRUE;
    }
  if (!ok)
    g_propagate_error (error, g_steal_pointer (&local));
  return ok;
}

static gboolean
handle_inval_all_pixmaps (TetherSpiceDisplayChannel *self, GBytes *body, GError **error)
{
  TetherSpiceMsgWaitForChannels wait;
  gboolean satisfied;

  if (!tether_spice_msg_display_inval_all_pixmaps_decode (body, &wait, error))
    return FALSE;
  satisfied = tether_spice_channel_waits_satisfied (TETHER_SPICE_CHANNEL (self), wait.channels, wait.n_channels);
  tether_spice_msg_wait_for_channels_clear (&wait);
  if (!satisfied)
    {
      self->hold_kind = TETHER_SPICE_HOLD_WAIT_LIST;
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK, "waiting for other channels");
      return FALSE;
    }
  tether_spice_canvas_inval_all_pixmaps (self->canvas);
  return TRUE;
}

/* Handles one message. FALSE with G_IO_ERROR_WOULD_BLOCK when it has to
 * wait (self->hold_kind and self->hold_wait say for what). */
static gboolean
handle_one (TetherSpiceDisplayChannel *self, guint16 type, GBytes *body, GError **error)
{
  self->hold_kind = TETHER_SPICE_HOLD_NONE;
  if (tether_spice_display_is_draw_type (type))
    {
      gboolean ok;

      memset (&self->hold_wait, 0, sizeof self->hold_wait);
      ok = handle_draw (self, type, body, &self->hold_wait, error);
      if (!ok && self->hold_wait.kind != TETHER_SPICE_IMAGE_WAIT_NONE)
        self->hold_kind = TETHER_SPICE_HOLD_IMAGE;
      return ok;
    }

  switch (type)
    {
    case TETHER_SPICE_MSG_DISPLAY_MODE:
      {
        TetherSpiceMsgDisplayMode mode;

        if (!tether_spice_msg_display_mode_decode (body, &mode, error))
          return FALSE;
        if (self->has_primary)
          primary_gone (self);
        if (!tether_spice_canvas_set_mode (self->canvas, &mode, error))
          return FALSE;
        primary_check (self);
        return TRUE;
      }
    case TETHER_SPICE_MSG_DISPLAY_MARK:
      if (!tether_spice_msg_empty_decode (body, "DISPLAY_MARK", error))
        return FALSE;
      if (!self->has_primary)
        {
          g_debug ("display channel: MARK without a primary surface, ignored");
          return TRUE;
        }
      self->mark = TRUE;
      g_signal_emit (self, signals[SIGNAL_MARK], 0, 1);
      set_ready (self);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_RESET:
      if (!tether_spice_msg_empty_decode (body, "DISPLAY_RESET", error))
        return FALSE;
      tether_spice_canvas_reset (self->canvas);
      self->mark = FALSE;
      g_signal_emit (self, signals[SIGNAL_MARK], 0, 0);
      set_ready (self);
      if (self->has_primary)
        {
          TetherSpiceRect all = { .top = 0, .left = 0, .bottom = (gint32) self->height, .right = (gint32) self->width };

          tether_spice_display_channel_damage (self, self->primary_id, &all);
        }
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_INVAL_LIST:
      {
        TetherSpiceMsgInvalList list;

        if (!tether_spice_msg_display_inval_list_decode (body, &list, error))
          return FALSE;
        tether_spice_canvas_inval_list (self->canvas, &list);
        tether_spice_msg_display_inval_list_clear (&list);
        return TRUE;
      }
    case TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PIXMAPS:
      return handle_inval_all_pixmaps (self, body, error);
    case TETHER_SPICE_MSG_DISPLAY_INVAL_PALETTE:
      {
        guint64 id;

        if (!tether_spice_msg_display_inval_palette_decode (body, &id, error))
          return FALSE;
        tether_spice_canvas_inval_palette (self->canvas, id);
        return TRUE;
      }
    case TETHER_SPICE_MSG_DISPLAY_INVAL_ALL_PALETTES:
      if (!tether_spice_msg_empty_decode (body, "DISPLAY_INVAL_ALL_PALETTES", error))
        return FALSE;
      tether_spice_canvas_inval_all_palettes (self->canvas);
      return TRUE;
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CREATE:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_CLIP:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DESTROY_ALL:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_DATA_SIZED:
    case TETHER_SPICE_MSG_DISPLAY_STREAM_ACTIVATE_REPORT:
      return tether_spice_display_streams_handle (self, type, body, error);
    case TETHER_SPICE_MSG_DISPLAY_SURFACE_CREATE:
      return handle_surface_create (self, body, error);
    case TETHER_SPICE_MSG_DISPLAY_SURFACE_DESTROY:
      return handle_surface_destroy (self, body, error);
    case TETHER_SPICE_MSG_DISPLAY_MONITORS_CONFIG:
      return handle_monitors_config (self, body, error);
    case TETHER_SPICE_MSG_DISPLAY_GL_SCANOUT_UNIX:
    case TETHER_SPICE_MSG_DISPLAY_GL_DRAW:
      /* Never offered; a GL_SCANOUT_UNIX may even carry a byte outside
       * the framing, so the stream cannot be trusted any more. */
      return display_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                            "the server sent %s, but Tether did not offer GL scanout", msg_name (type));
    case TETHER_SPICE_MSG_DISPLAY_QUALITY_INDICATOR:
      return TRUE;   /* unused by clients */
    default:
      return display_error (error, TETHER_SPICE_ERROR_PROTOCOL, "unknown message %u", type);
    }
}

/* ---- holding messages back ------------------------------------------------------------- */

static void
held_message_free (gpointer data)
{
  TetherSpiceHeldMessage *m = data;

  g_bytes_unref (m->body);
  g_free (m);
}

static void
hold_push (TetherSpiceDisplayChannel *self, guint16 type, GBytes *body)
{
  TetherSpiceHeldMessage *m = g_new0 (TetherSpiceHeldMessage, 1);

  m->type = type;
  m->body = g_bytes_ref (body);
  g_queue_push_tail (&self->held, m);
}

static void
hold_clear (TetherSpiceDisplayChannel *self)
{
  g_queue_clear_full (&self->held, held_message_free);
  self->hold_kind = TETHER_SPICE_HOLD_NONE;
  if (self->hold_timeout != NULL)
    {
      g_source_destroy (self->hold_timeout);
      g_clear_pointer (&self->hold_timeout, g_source_unref);
    }
}

static char *
describe_wait (TetherSpiceDisplayChannel *self)
{
  switch (self->hold_wait.kind)
    {
    case TETHER_SPICE_IMAGE_WAIT_GLZ:
      return g_strdup_printf ("GLZ image %" G_GUINT64_FORMAT, self->hold_wait.id);
    case TETHER_SPICE_IMAGE_WAIT_CACHE:
      return g_strdup_printf ("cached image %" G_GUINT64_FORMAT, self->hold_wait.id);
    case TETHER_SPICE_IMAGE_WAIT_CACHE_LOSSLESS:
      return g_strdup_printf ("lossless cached image %" G_GUINT64_FORMAT, self->hold_wait.id);
    case TETHER_SPICE_IMAGE_WAIT_NONE:
    default:
      return g_strdup ("an image");
    }
}

static gboolean
hold_timeout_cb (gpointer user_data)
{
  TetherSpiceDisplayChannel *self = user_data;
  g_autofree char *what = describe_wait (self);

  g_clear_pointer (&self->hold_timeout, g_source_unref);
  tether_spice_channel_fail (TETHER_SPICE_CHANNEL (self), TETHER_SPICE_CHANNEL_EVENT_ERROR_IO,
                             g_error_new (TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_PROTOCOL,
                                          "Display channel: the server referred to %s, which no display channel "
                                          "delivered within %u ms", what, TETHER_SPICE_DISPLAY_HOLD_TIMEOUT_MS));
  return G_SOURCE_REMOVE;
}

/* Could another display channel of the session still deliver an image? */
static gboolean
other_display_connected (TetherSpiceDisplayChannel *self)
{
  TetherSpiceSession *session = tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self));
  g_autoptr(GList) channels = NULL;

  if (session == NULL)
    return FALSE;
  channels = tether_spice_session_get_channels (session);
  for (GList *l = channels; l != NULL; l = l->next)
    {
      TetherSpiceChannelState state;

      if (l->data == (gpointer) self || !TETHER_IS_SPICE_DISPLAY_CHANNEL (l->data))
        continue;
      state = tether_spice_channel_get_state (l->data);
      if (state != TETHER_SPICE_CHANNEL_STATE_UNCONNECTED && state != TETHER_SPICE_CHANNEL_STATE_CLOSED)
        return TRUE;
    }
  return FALSE;
}

/* The first held message waits: decide whether waiting makes sense. */
static gboolean
hold_start (TetherSpiceDisplayChannel *self, GError **error)
{
  if (self->hold_kind == TETHER_SPICE_HOLD_IMAGE)
    {
      if (!other_display_connected (self))
        {
          g_autofree char *what = describe_wait (self);

          return display_error (error, TETHER_SPICE_ERROR_PROTOCOL,
                                "the server referred to %s, which this channel never received (and no other "
                                "display channel is connected to deliver it)", what);
        }
      if (self->hold_timeout == NULL)
        self->hold_timeout = attach_timeout (self, TETHER_SPICE_DISPLAY_HOLD_TIMEOUT_MS, hold_timeout_cb,
                                             "[tether] spice display hold");
    }
  tether_spice_channel_hold (TETHER_SPICE_CHANNEL (self));
  return TRUE;
}

/* Whether the first held message may succeed now, without decoding. */
static gboolean
hold_may_go (TetherSpiceDisplayChannel *self)
{
  TetherSpiceImageCache *images = tether_spice_canvas_get_image_cache (self->canvas);
  pixman_image_t *image;

  switch (self->hold_kind)
    {
    case TETHER_SPICE_HOLD_IMAGE:
      switch (self->hold_wait.kind)
        {
        case TETHER_SPICE_IMAGE_WAIT_GLZ:
          return tether_glz_window_has_image (tether_spice_canvas_get_glz_window (self->canvas), self->hold_wait.id);
        case TETHER_SPICE_IMAGE_WAIT_CACHE:
          return tether_spice_image_cache_get_refs (images, self->hold_wait.id) > 0;
        case TETHER_SPICE_IMAGE_WAIT_CACHE_LOSSLESS:
          image = tether_spice_image_cache_lookup (images, self->hold_wait.id, TRUE, NULL);
          if (image == NULL)
            return FALSE;
          pixman_image_unref (image);
          return TRUE;
        case TETHER_SPICE_IMAGE_WAIT_NONE:
        default:
          return TRUE;
        }
    case TETHER_SPICE_HOLD_WAIT_LIST:
    case TETHER_SPICE_HOLD_NONE:
    default:
      return TRUE;   /* checked by handling it again */
    }
}

static gboolean
display_retry_held (TetherSpiceChannel *channel, GError **error)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (channel);
  guint generation = tether_spice_channel_get_generation (channel);
  TetherSpiceHeldMessage *m;

  while ((m = g_queue_peek_head (&self->held)) != NULL)
    {
      GError *local = NULL;
      TetherSpiceHoldKind previous = self->hold_kind;

      if (!hold_may_go (self))
        return FALSE;
      if (!handle_one (self, m->type, m->body, &local))
        {
          if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
            {
              g_propagate_error (error, local);
              return FALSE;
            }
          g_clear_error (&local);
          /* Now waiting for something else (perhaps): keep the timeout of
           * the first wait, but check again that waiting makes sense. */
          if (previous != TETHER_SPICE_HOLD_IMAGE && self->hold_kind == TETHER_SPICE_HOLD_IMAGE &&
              self->hold_timeout == NULL)
            hold_start (self, error);
          return FALSE;
        }
      if (tether_spice_channel_get_generation (channel) != generation)
        return FALSE;
      g_queue_pop_head (&self->held);
      held_message_free (m);
    }
  hold_clear (self);
  return TRUE;
}

static gboolean
display_handle_message (TetherSpiceChannel *channel, guint16 type, GBytes *body, GError **error)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (channel);
  GError *local = NULL;

  if (!g_queue_is_empty (&self->held))
    {
      /* Behind a held message: in order. */
      hold_push (self, type, body);
      return TRUE;
    }
  if (handle_one (self, type, body, &local))
    return TRUE;
  if (!g_error_matches (local, G_IO_ERROR, G_IO_ERROR_WOULD_BLOCK))
    {
      g_propagate_error (error, local);
      return FALSE;
    }
  g_clear_error (&local);
  hold_push (self, type, body);
  return hold_start (self, error);
}

static void
display_channel_reset (TetherSpiceChannel *channel)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (channel);

  log_image_counts (self);
  hold_clear (self);
  cancel_mark_false (self);
  tether_spice_display_streams_clear (self);
  /* The primary stays readable after a disconnect (as in spice-gtk, which
   * keeps it across a reset); other surfaces and palettes go. */
  tether_spice_canvas_clear_offscreen (self->canvas);
  tether_spice_canvas_inval_all_palettes (self->canvas);
}

static const TetherSpiceChannelOps display_ops = {
  .fill_caps = display_fill_caps,
  .handle_message = display_handle_message,
  .channel_up = display_channel_up,
  .channel_reset = display_channel_reset,
  .retry_held = display_retry_held,
};

/* ---- public API ------------------------------------------------------------------------ */

/**
 * tether_spice_display_channel_get_primary:
 * @self: a display channel
 * @surface_id: the surface: 0 for the primary surface of QEMU and
 *   spice-server, or another surface id
 * @primary: (out caller-allocates): where to store the surface's details
 *
 * The surface's pixels and layout, without copying (as spice-gtk's
 * `spice_display_channel_get_primary`): @primary->data stays valid until
 * [signal@SpiceDisplayChannel::display-primary-destroy] (or, for another
 * surface, until the server destroys it), and changes as the server draws.
 *
 * Returns: %TRUE if the channel has surface @surface_id
 */
gboolean
tether_spice_display_channel_get_primary (TetherSpiceDisplayChannel *self, guint32 surface_id,
                                          TetherSpiceDisplayPrimary *primary)
{
  TetherSpiceSurfaceInfo info;

  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), FALSE);
  g_return_val_if_fail (primary != NULL, FALSE);
  memset (primary, 0, sizeof *primary);
  if (!tether_spice_canvas_get_surface (self->canvas, surface_id, &info))
    return FALSE;
  primary->format = (int) info.format;
  primary->width = (int) info.width;
  primary->height = (int) info.height;
  primary->stride = (int) info.stride;
  primary->shmid = -1;
  primary->data = info.data;
  primary->marked = self->mark;
  return TRUE;
}

/**
 * tether_spice_display_channel_copy_primary:
 * @self: a display channel
 * @format: (out) (optional): the surface format (see [struct@SpiceDisplayPrimary])
 * @width: (out) (optional): width in pixels
 * @height: (out) (optional): height in pixels
 * @stride: (out) (optional): bytes per row in the copy
 *
 * A copy of the primary surface's pixels, for bindings and for keeping a
 * picture: rows top-down, @stride bytes each; 32-bit formats are B, G, R,
 * X/A bytes (in the xRGB format the X byte is unspecified).
 *
 * Returns: (transfer full) (nullable): the pixels, or %NULL when there is
 *   no primary surface
 */
GBytes *
tether_spice_display_channel_copy_primary (TetherSpiceDisplayChannel *self, int *format, int *width, int *height,
                                           int *stride)
{
  TetherSpiceSurfaceInfo info;

  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), NULL);
  if (!tether_spice_canvas_get_primary (self->canvas, &info))
    return NULL;
  if (format != NULL)
    *format = (int) info.format;
  if (width != NULL)
    *width = (int) info.width;
  if (height != NULL)
    *height = (int) info.height;
  if (stride != NULL)
    *stride = (int) info.stride;
  return g_bytes_new (info.data, info.stride * info.height);
}

/**
 * tether_spice_display_channel_encode_primary_png:
 * @self: a display channel
 * @error: return location for an error
 *
 * The primary surface as a PNG image: RGB, or RGBA for surfaces with alpha.
 *
 * Returns: (transfer full): the PNG file's bytes, or %NULL with
 *   %G_IO_ERROR_NOT_FOUND when there is no primary surface
 */
GBytes *
tether_spice_display_channel_encode_primary_png (TetherSpiceDisplayChannel *self, GError **error)
{
  TetherSpiceSurfaceInfo info;

  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);
  if (!tether_spice_canvas_get_primary (self->canvas, &info))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND,
                           "The display channel has no primary surface (yet)");
      return NULL;
    }
  return tether_spice_canvas_encode_png (self->canvas, info.surface_id, error);
}

/**
 * tether_spice_display_channel_save_primary_png:
 * @self: a display channel
 * @filename: (type filename): the file to write
 * @error: return location for an error
 *
 * Writes the primary surface to @filename as a PNG image (see
 * [method@SpiceDisplayChannel.encode_primary_png]); the file is replaced
 * atomically.
 *
 * Returns: %TRUE on success
 */
gboolean
tether_spice_display_channel_save_primary_png (TetherSpiceDisplayChannel *self, const char *filename,
                                               GError **error)
{
  g_autoptr(GBytes) png = NULL;
  gsize len;
  const guint8 *data;

  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), FALSE);
  g_return_val_if_fail (filename != NULL, FALSE);
  png = tether_spice_display_channel_encode_primary_png (self, error);
  if (png == NULL)
    return FALSE;
  data = g_bytes_get_data (png, &len);
  return g_file_set_contents (filename, (const char *) data, (gssize) len, error);
}

/**
 * tether_spice_display_channel_get_ready:
 * @self: a display channel
 *
 * Returns: whether the channel has a primary surface and the server marked
 *   its picture complete ([property@SpiceDisplayChannel:ready])
 */
gboolean
tether_spice_display_channel_get_ready (TetherSpiceDisplayChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), FALSE);
  return self->ready;
}

/**
 * tether_spice_display_channel_get_frame_count:
 * @self: a display channel
 *
 * Returns: how many drawing operations and video frames changed the primary
 *   surface so far (one [signal@SpiceDisplayChannel::display-invalidate]
 *   each), over all connections
 */
guint64
tether_spice_display_channel_get_frame_count (TetherSpiceDisplayChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), 0);
  return self->frame_count;
}

static GVariant *
monitors_variant (TetherSpiceDisplayChannel *self)
{
  GVariantBuilder b;

  g_variant_builder_init (&b, G_VARIANT_TYPE ("a(uuuuuu)"));
  for (guint i = 0; i < self->monitors->len; i++)
    {
      const TetherSpiceHead *h = &g_array_index (self->monitors, TetherSpiceHead, i);

      g_variant_builder_add (&b, "(uuuuuu)", h->monitor_id, h->surface_id, h->x, h->y, h->width, h->height);
    }
  return g_variant_builder_end (&b);
}

/**
 * tether_spice_display_channel_dup_monitors:
 * @self: a display channel
 *
 * The monitors of the display ([property@SpiceDisplayChannel:monitors]).
 *
 * Returns: (transfer full): a #GVariant of type `a(uuuuuu)`: for each
 *   monitor its id, surface id, x, y, width and height
 */
GVariant *
tether_spice_display_channel_dup_monitors (TetherSpiceDisplayChannel *self)
{
  g_return_val_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self), NULL);
  return g_variant_ref_sink (monitors_variant (self));
}

/**
 * tether_spice_display_channel_change_preferred_compression:
 * @self: a display channel
 * @compression: the protocol's `SpiceImageCompression`: 1 off, 2 auto GLZ,
 *   3 auto LZ, 4 QUIC, 5 GLZ, 6 LZ, 7 LZ4; 0 to send nothing
 *
 * Asks the server to compress images this way (when it can change it,
 * capability PREF_COMPRESSION), now if the channel is linked and on every
 * later link.
 */
void
tether_spice_display_channel_change_preferred_compression (TetherSpiceDisplayChannel *self, int compression)
{
  g_return_if_fail (TETHER_IS_SPICE_DISPLAY_CHANNEL (self));
  g_return_if_fail (compression >= TETHER_SPICE_IMAGE_COMPRESSION_INVALID &&
                    compression <= TETHER_SPICE_IMAGE_COMPRESSION_LZ4);
  self->preferred_compression = compression;
  send_preferred_compression (self);
}

/* ---- GObject --------------------------------------------------------------------------- */

static void
tether_spice_display_channel_get_property (GObject *object, guint prop_id, GValue *value, GParamSpec *pspec)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (object);

  switch (prop_id)
    {
    case PROP_WIDTH: g_value_set_int (value, (int) self->width); break;
    case PROP_HEIGHT: g_value_set_int (value, (int) self->height); break;
    case PROP_MONITORS: g_value_set_variant (value, monitors_variant (self)); break;
    case PROP_MONITORS_MAX: g_value_set_uint (value, self->monitors_max); break;
    case PROP_READY: g_value_set_boolean (value, self->ready); break;
    default: G_OBJECT_WARN_INVALID_PROPERTY_ID (object, prop_id, pspec);
    }
}

static void
tether_spice_display_channel_constructed (GObject *object)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (object);
  TetherSpiceSession *session = tether_spice_channel_peek_session (TETHER_SPICE_CHANNEL (self));

  G_OBJECT_CLASS (tether_spice_display_channel_parent_class)->constructed (object);
  /* The image cache and the GLZ window are the session's. */
  self->canvas = session != NULL ? tether_spice_canvas_new (tether_spice_session_get_image_cache (session),
                                                            tether_spice_session_get_glz_window (session))
                                 : tether_spice_canvas_new (NULL, NULL);
}

static void
tether_spice_display_channel_dispose (GObject *object)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (object);

  /* The base class closes the connection (channel_reset) first. */
  G_OBJECT_CLASS (tether_spice_display_channel_parent_class)->dispose (object);
  hold_clear (self);
  cancel_mark_false (self);
  tether_spice_display_streams_clear (self);
}

static void
tether_spice_display_channel_finalize (GObject *object)
{
  TetherSpiceDisplayChannel *self = TETHER_SPICE_DISPLAY_CHANNEL (object);

  g_clear_pointer (&self->canvas, tether_spice_canvas_free);
  g_array_unref (self->monitors);
  G_OBJECT_CLASS (tether_spice_display_channel_parent_class)->finalize (object);
}

static void
tether_spice_display_channel_class_init (TetherSpiceDisplayChannelClass *klass)
{
  GObjectClass *object_class = G_OBJECT_CLASS (klass);
  const GParamFlags ro = G_PARAM_READABLE | G_PARAM_STATIC_STRINGS | G_PARAM_EXPLICIT_NOTIFY;

  object_class->get_property = tether_spice_display_channel_get_property;
  object_class->constructed = tether_spice_display_channel_constructed;
  object_class->dispose = tether_spice_display_channel_dispose;
  object_class->finalize = tether_spice_display_channel_finalize;

  /**
   * TetherSpiceDisplayChannel:width:
   *
   * Width of the primary surface in pixels (0 before there is one).
   */
  properties[PROP_WIDTH] = g_param_spec_int ("width", NULL, NULL, 0, G_MAXINT, 0, ro);
  /**
   * TetherSpiceDisplayChannel:height:
   *
   * Height of the primary surface in pixels (0 before there is one).
   */
  properties[PROP_HEIGHT] = g_param_spec_int ("height", NULL, NULL, 0, G_MAXINT, 0, ro);
  /**
   * TetherSpiceDisplayChannel:monitors:
   *
   * The monitors shown on this channel, as the guest reports them (or the
   * primary surface as one monitor at 0,0 when the server sends no monitor
   * configuration): `a(uuuuuu)`, for each its id, surface id, x, y, width
   * and height.
   */
  properties[PROP_MONITORS] = g_param_spec_variant ("monitors", NULL, NULL, G_VARIANT_TYPE ("a(uuuuuu)"), NULL, ro);
  /**
   * TetherSpiceDisplayChannel:monitors-max:
   *
   * How many monitors the guest supports on this channel (1..256).
   */
  properties[PROP_MONITORS_MAX] = g_param_spec_uint ("monitors-max", NULL, NULL, 1, TETHER_SPICE_MAX_MONITORS, 1, ro);
  /**
   * TetherSpiceDisplayChannel:ready:
   *
   * Whether there is a primary surface whose picture the server marked
   * complete: the moment a screenshot shows the whole screen.
   */
  properties[PROP_READY] = g_param_spec_boolean ("ready", NULL, NULL, FALSE, ro);
  g_object_class_install_properties (object_class, N_PROPS, properties);

  /**
   * TetherSpiceDisplayChannel::display-primary-create:
   * @display: the channel
   * @format: the surface format (see [struct@SpiceDisplayPrimary])
   * @width: width in pixels
   * @height: height in pixels
   * @stride: bytes per row
   * @shmid: always -1
   * @imgdata: the pixels, valid until
   *   [signal@SpiceDisplayChannel::display-primary-destroy]
   *
   * The primary surface was created (also for a new size). Bindings that
   * cannot read @imgdata use [method@SpiceDisplayChannel.copy_primary].
   */
  signals[SIGNAL_PRIMARY_CREATE] = g_signal_new ("display-primary-create", G_TYPE_FROM_CLASS (klass),
                                                 G_SIGNAL_RUN_FIRST, 0, NULL, NULL, NULL, G_TYPE_NONE, 6,
                                                 G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT, G_TYPE_INT,
                                                 G_TYPE_POINTER);
  /**
   * TetherSpiceDisplayChannel::display-primary-destroy:
   * @display: the channel
   *
   * The primary surface is about to go: its pixels must not be used any
   * more.
   */
  signals[SIGNAL_PRIMARY_DESTROY] = g_signal_new ("display-primary-destroy", G_TYPE_FROM_CLASS (klass),
                                                  G_SIGNAL_RUN_FIRST, 0, NULL, NULL, NULL, G_TYPE_NONE, 0);
  /**
   * TetherSpiceDisplayChannel::display-invalidate:
   * @display: the channel
   * @x: left edge
   * @y: top edge
   * @width: width
   * @height: height
   *
   * This rectangle of the primary surface changed.
   */
  signals[SIGNAL_INVALIDATE] = g_signal_new ("display-invalidate", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST,
                                             0, NULL, NULL, NULL, G_TYPE_NONE, 4, G_TYPE_INT, G_TYPE_INT,
                                             G_TYPE_INT, G_TYPE_INT);
  /**
   * TetherSpiceDisplayChannel::display-mark:
   * @display: the channel
   * @mark: 1 when the picture is complete and may be shown; 0 when it is
   *   not any more (a reset, or a secondary display switched off)
   *
   * The server marked the display.
   */
  signals[SIGNAL_MARK] = g_signal_new ("display-mark", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST, 0, NULL,
                                       NULL, NULL, G_TYPE_NONE, 1, G_TYPE_INT);
  /**
   * TetherSpiceDisplayChannel::gl-draw:
   * @display: the channel
   * @x: left edge
   * @y: top edge
   * @width: width
   * @height: height
   *
   * spice-gtk's GL scanout update. Tether does not offer GL scanout, so it is
   * never emitted; it exists for code written for spice-gtk.
   */
  signals[SIGNAL_GL_DRAW] = g_signal_new ("gl-draw", G_TYPE_FROM_CLASS (klass), G_SIGNAL_RUN_FIRST, 0, NULL, NULL,
                                          NULL, G_TYPE_NONE, 4, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT, G_TYPE_UINT);
}

static void
tether_spice_display_channel_init (TetherSpiceDisplayChannel *self)
{
  self->monitors = g_array_new (FALSE, TRUE, sizeof (TetherSpiceHead));
  self->monitors_max = 1;
  g_queue_init (&self->held);
  tether_spice_channel_set_ops (TETHER_SPICE_CHANNEL (self), &display_ops);
}
