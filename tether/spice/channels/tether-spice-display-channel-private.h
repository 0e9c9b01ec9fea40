/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What the display channel's two source files share: the instance struct,
 * and the video streams (tether-spice-display-channel-streams.c).
 */

#include "tether-spice-display-channel.h"
#include "tether-spice-channel-private.h"
#include "tether-spice-canvas-private.h"

G_BEGIN_DECLS

/* How long a display channel waits for an image another display channel
 * has to deliver (a GLZ reference or FROM_CACHE) before giving up. */
#define TETHER_SPICE_DISPLAY_HOLD_TIMEOUT_MS  10000u
/* After the primary surface of a display channel other than 0 goes, the
 * display counts as disabled (mark FALSE) if no new one came in this time
 * (spice-gtk's rule). */
#define TETHER_SPICE_DISPLAY_MARK_FALSE_MS    1000u
/* A stream report goes out after this many consecutive late frames even if
 * the report window is not full (spice-gtk's value). */
#define TETHER_SPICE_STREAM_REPORT_DROP_SEQ   3u
/* A frame with multimedia time 0 is invalid; it is shown this much later
 * than now (spice-gtk's work-around). */
#define TETHER_SPICE_STREAM_ZERO_TIME_DELAY   100u

typedef struct _TetherSpiceDisplayStream TetherSpiceDisplayStream;

typedef enum {
  TETHER_SPICE_HOLD_NONE,
  TETHER_SPICE_HOLD_IMAGE,       /* an image (GLZ window or image cache) */
  TETHER_SPICE_HOLD_WAIT_LIST,   /* INVAL_ALL_PIXMAPS's wait list */
} TetherSpiceHoldKind;

struct _TetherSpiceDisplayChannel {
  TetherSpiceChannel         parent_instance;

  TetherSpiceCanvas         *canvas;
  gboolean                   mark;
  gboolean                   ready;          /* primary && mark */
  gboolean                   has_primary;
  guint32                    primary_id;
  guint8                    *primary_data;   /* as last announced */
  guint                      width;
  guint                      height;
  GArray                    *monitors;       /* TetherSpiceHead */
  guint                      monitors_max;
  gboolean                   got_monitors_config;
  guint64                    frame_count;
  int                        preferred_compression;
  GSource                   *mark_false_source;

  /* Messages held back while waiting for an image (in message order), what
   * the first one waits for, and the timeout. */
  GQueue                     held;           /* TetherSpiceHeldMessage */
  TetherSpiceHoldKind        hold_kind;
  TetherSpiceImageWait       hold_wait;
  GSource                   *hold_timeout;

  TetherSpiceDisplayStream  *streams[TETHER_SPICE_MAX_STREAMS];

  /* Images drawn, by SpiceImageType (0..9 for 0, 1, 100..109 as 2..11),
   * and MJPEG frames: logged (debug) when a connection ends. */
  guint64                    image_counts[12];
  guint64                    mjpeg_frames;
};

/* ---- helpers of tether-spice-display-channel.c used by the streams ---------- */

/* display-invalidate for @rect when @surface_id is the primary surface. */
void     tether_spice_display_channel_damage (TetherSpiceDisplayChannel *self, guint32 surface_id,
                                              const TetherSpiceRect *rect);

/* ---- streams (tether-spice-display-channel-streams.c) ---------------------- */

/* STREAM_CREATE, STREAM_DATA(_SIZED), STREAM_CLIP, STREAM_DESTROY,
 * STREAM_DESTROY_ALL and STREAM_ACTIVATE_REPORT. */
gboolean tether_spice_display_streams_handle (TetherSpiceDisplayChannel *self, guint16 type,
                                              GBytes *body, GError **error);
/* Drops every stream (STREAM_DESTROY_ALL, channel reset, dispose). */
void     tether_spice_display_streams_clear  (TetherSpiceDisplayChannel *self);
/* Video codecs Tether decodes, for the capabilities and
 * PREFERRED_VIDEO_CODEC_TYPE: MJPEG. */
extern const guint8 tether_spice_display_video_codecs[];
extern const gsize  tether_spice_display_n_video_codecs;

G_END_DECLS
