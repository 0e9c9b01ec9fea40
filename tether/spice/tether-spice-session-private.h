/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * What channels ask of their session. Everything runs on the session's owner
 * context.
 */

#include "tether-spice-session.h"
#include "tether-spice-transport-private.h"
#include "tether-spice-canvas-private.h"

G_BEGIN_DECLS

GMainContext *tether_spice_session_get_context        (TetherSpiceSession *self);

/* The session id from MAIN_INIT (0 before it, and for a new connect). */
guint32       tether_spice_session_get_connection_id  (TetherSpiceSession *self);
void          tether_spice_session_set_connection_id  (TetherSpiceSession *self,
                                                       guint32             id);

/* Borrowed; never log them. */
const char   *tether_spice_session_get_password       (TetherSpiceSession *self);
const char   *tether_spice_session_get_username       (TetherSpiceSession *self);

gboolean      tether_spice_session_get_client_sockets (TetherSpiceSession *self);
/* Should a channel of @type use TLS from the start (secure-channels names it
 * or "all", or there is a TLS port and no plain port)? */
gboolean      tether_spice_session_channel_wants_tls  (TetherSpiceSession *self,
                                                       int                 type);
/* Is there a TLS port to retry on after NEED_SECURED? */
gboolean      tether_spice_session_has_tls_port       (TetherSpiceSession *self);
/* Fills @params (initialised by the caller) for a channel connection from the
 * session's settings: unix path or host/port (TLS port when @tls), proxy, TLS
 * verification. Errors (TETHER_SPICE_ERROR_CONNECT) name what is missing. */
gboolean      tether_spice_session_transport_params   (TetherSpiceSession         *self,
                                                       gboolean                    tls,
                                                       TetherSpiceTransportParams *params,
                                                       GError                    **error);

/* A channel handled a message: channels waiting for it may go on. */
void          tether_spice_session_channel_progress   (TetherSpiceSession *self,
                                                       TetherSpiceChannel *channel);

/* Called by every channel on each event it emits. */
void          tether_spice_session_channel_event      (TetherSpiceSession     *self,
                                                       TetherSpiceChannel     *channel,
                                                       TetherSpiceChannelEvent event);

/* From the main channel. */
void          tether_spice_session_set_name           (TetherSpiceSession *self,
                                                       const char         *name);
void          tether_spice_session_set_uuid           (TetherSpiceSession *self,
                                                       const guint8       *uuid);
void          tether_spice_session_notify_uuid        (TetherSpiceSession *self);
void          tether_spice_session_set_mm_time        (TetherSpiceSession *self,
                                                       guint32             mm_time);
guint32       tether_spice_session_get_mm_time        (TetherSpiceSession *self);
/* A CHANNELS_LIST entry: creates the channel (emitting channel-new) when
 * Tether implements the type, the session enables it and it is new. Returns
 * the channel, or NULL when skipped. */
TetherSpiceChannel *
              tether_spice_session_add_channel        (TetherSpiceSession *self,
                                                       int                 type,
                                                       int                 id);
/* Is a channel of @type wanted (enable-audio, -usbredir, -smartcard,
 * disable-channels from a .vv file)? */
gboolean      tether_spice_session_channel_enabled    (TetherSpiceSession *self,
                                                       int                 type);
int           tether_spice_session_get_cache_size     (TetherSpiceSession *self);
int           tether_spice_session_get_glz_window_size (TetherSpiceSession *self);
char        **tether_spice_session_dup_disable_effects (TetherSpiceSession *self);
/* From MAIN_INIT: fills in cache-size and glz-window-size when unset. */
void          tether_spice_session_set_caches_hints   (TetherSpiceSession *self,
                                                       guint32             ram_hint);
/* The image cache and the GLZ window all display channels of the session
 * share (borrowed); emptied when the session connects. */
TetherSpiceImageCache *
              tether_spice_session_get_image_cache    (TetherSpiceSession *self);
TetherGlzWindow *
              tether_spice_session_get_glz_window     (TetherSpiceSession *self);

G_END_DECLS
