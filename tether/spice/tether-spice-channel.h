/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tether-version.h"

G_BEGIN_DECLS

/**
 * TetherSpiceChannelEvent:
 * @TETHER_SPICE_CHANNEL_EVENT_NONE: no event, or the event is not known
 * @TETHER_SPICE_CHANNEL_EVENT_OPENED: the channel is linked and ready
 * @TETHER_SPICE_CHANNEL_EVENT_SWITCHING: the channel is switching host
 *   (migration; Tether does not emit it yet)
 * @TETHER_SPICE_CHANNEL_EVENT_CLOSED: the connection was closed
 * @TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT: the connection could not be made
 * @TETHER_SPICE_CHANNEL_EVENT_ERROR_TLS: the TLS handshake or the server
 *   certificate's verification failed
 * @TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK: the server refused the link or
 *   broke the link protocol
 * @TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH: authentication failed
 * @TETHER_SPICE_CHANNEL_EVENT_ERROR_IO: reading or writing failed, or the
 *   server broke the message protocol, after the link
 *
 * What happened to a channel, as reported by [signal@SpiceChannel::channel-event].
 * The numbers are those of spice-gtk's `SpiceChannelEvent`. After an error
 * event, [method@SpiceChannel.get_error] says what went wrong.
 */
typedef enum {
  TETHER_SPICE_CHANNEL_EVENT_NONE = 0,
  TETHER_SPICE_CHANNEL_EVENT_OPENED = 10,
  TETHER_SPICE_CHANNEL_EVENT_SWITCHING = 11,
  TETHER_SPICE_CHANNEL_EVENT_CLOSED = 12,
  TETHER_SPICE_CHANNEL_EVENT_ERROR_CONNECT = 20,
  TETHER_SPICE_CHANNEL_EVENT_ERROR_TLS = 21,
  TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK = 22,
  TETHER_SPICE_CHANNEL_EVENT_ERROR_AUTH = 23,
  TETHER_SPICE_CHANNEL_EVENT_ERROR_IO = 24,
} TetherSpiceChannelEvent;

/**
 * TetherSpiceChannelType:
 * @TETHER_SPICE_CHANNEL_TYPE_MAIN: the main channel (exactly one per session)
 * @TETHER_SPICE_CHANNEL_TYPE_DISPLAY: a display channel
 * @TETHER_SPICE_CHANNEL_TYPE_INPUTS: keyboard and mouse
 * @TETHER_SPICE_CHANNEL_TYPE_CURSOR: the mouse cursor of a display
 * @TETHER_SPICE_CHANNEL_TYPE_PLAYBACK: audio output
 * @TETHER_SPICE_CHANNEL_TYPE_RECORD: audio input
 * @TETHER_SPICE_CHANNEL_TYPE_TUNNEL: obsolete, never used
 * @TETHER_SPICE_CHANNEL_TYPE_SMARTCARD: smartcard forwarding
 * @TETHER_SPICE_CHANNEL_TYPE_USBREDIR: USB redirection
 * @TETHER_SPICE_CHANNEL_TYPE_PORT: a named byte pipe
 * @TETHER_SPICE_CHANNEL_TYPE_WEBDAV: folder sharing
 *
 * The SPICE channel types, with their protocol numbers. The
 * [property@SpiceChannel:channel-type] property is a plain integer, as in
 * spice-gtk; these are its values.
 */
typedef enum {
  TETHER_SPICE_CHANNEL_TYPE_MAIN = 1,
  TETHER_SPICE_CHANNEL_TYPE_DISPLAY = 2,
  TETHER_SPICE_CHANNEL_TYPE_INPUTS = 3,
  TETHER_SPICE_CHANNEL_TYPE_CURSOR = 4,
  TETHER_SPICE_CHANNEL_TYPE_PLAYBACK = 5,
  TETHER_SPICE_CHANNEL_TYPE_RECORD = 6,
  TETHER_SPICE_CHANNEL_TYPE_TUNNEL = 7,
  TETHER_SPICE_CHANNEL_TYPE_SMARTCARD = 8,
  TETHER_SPICE_CHANNEL_TYPE_USBREDIR = 9,
  TETHER_SPICE_CHANNEL_TYPE_PORT = 10,
  TETHER_SPICE_CHANNEL_TYPE_WEBDAV = 11,
} TetherSpiceChannelType;

#define TETHER_TYPE_SPICE_CHANNEL (tether_spice_channel_get_type ())
TETHER_AVAILABLE_IN_0_1
G_DECLARE_DERIVABLE_TYPE (TetherSpiceChannel, tether_spice_channel, TETHER, SPICE_CHANNEL, GObject)

/**
 * TetherSpiceChannelClass:
 * @parent_class: the parent class
 *
 * The class of [class@SpiceChannel]. It has no public virtual methods:
 * channel kinds are final subclasses that plug into the base class through
 * an internal table, and applications never subclass it.
 */
struct _TetherSpiceChannelClass {
  GObjectClass parent_class;

  /*< private >*/
  gpointer padding[12];
};

TETHER_AVAILABLE_IN_0_1
gboolean      tether_spice_channel_connect              (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
void          tether_spice_channel_disconnect           (TetherSpiceChannel     *self,
                                                         TetherSpiceChannelEvent reason);
TETHER_AVAILABLE_IN_0_1
gboolean      tether_spice_channel_open_fd              (TetherSpiceChannel *self,
                                                         int                 fd);
TETHER_AVAILABLE_IN_0_1
const GError *tether_spice_channel_get_error            (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
int           tether_spice_channel_get_channel_type     (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
int           tether_spice_channel_get_channel_id       (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
guint64       tether_spice_channel_get_total_read_bytes (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
const char   *tether_spice_channel_get_tls_protocol     (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
const char   *tether_spice_channel_get_tls_cipher       (TetherSpiceChannel *self);
TETHER_AVAILABLE_IN_0_1
gboolean      tether_spice_channel_test_capability      (TetherSpiceChannel *self,
                                                         guint32             cap);
TETHER_AVAILABLE_IN_0_1
gboolean      tether_spice_channel_test_common_capability (TetherSpiceChannel *self,
                                                           guint32             cap);

TETHER_AVAILABLE_IN_0_1
void          tether_spice_channel_flush_async          (TetherSpiceChannel  *self,
                                                         GCancellable        *cancellable,
                                                         GAsyncReadyCallback  callback,
                                                         gpointer             user_data);
TETHER_AVAILABLE_IN_0_1
gboolean      tether_spice_channel_flush_finish         (TetherSpiceChannel  *self,
                                                         GAsyncResult        *result,
                                                         GError             **error);

TETHER_AVAILABLE_IN_0_1
const char   *tether_spice_channel_type_to_string       (int                 type);
TETHER_AVAILABLE_IN_0_1
int           tether_spice_channel_string_to_type       (const char         *str);

G_END_DECLS
