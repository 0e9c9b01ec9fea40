/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The inside of TetherSpiceChannel: its state machine, the table through
 * which a channel kind plugs in, and the I/O helpers the link step and the
 * message loop use.
 *
 * States (docs/spice-protocol.md §4.10, made explicit):
 *
 *   UNCONNECTED --connect--> CONNECTING --stream--> LINK --reply ok--> AUTH
 *        ^                       |  ^                 |                  |
 *        |                       |  +--NEED_SECURED---+           result ok
 *        |                       v                                       v
 *        +----connect----- CLOSED <--------- error / disconnect ------ READY
 *
 * Everything runs on the session's owner context with non-blocking GIO.
 * Each connection attempt has its own GCancellable and a generation number;
 * a callback from an older attempt finds a different generation and does
 * nothing.
 */

#include "tether-spice-channel.h"
#include "tether-spice-session.h"
#include "tether-spice-common-messages-private.h"

G_BEGIN_DECLS

typedef enum {
  TETHER_SPICE_CHANNEL_STATE_UNCONNECTED,
  TETHER_SPICE_CHANNEL_STATE_CONNECTING,
  TETHER_SPICE_CHANNEL_STATE_LINK,
  TETHER_SPICE_CHANNEL_STATE_AUTH,
  TETHER_SPICE_CHANNEL_STATE_READY,
  TETHER_SPICE_CHANNEL_STATE_CLOSED,
} TetherSpiceChannelState;

const char *tether_spice_channel_state_to_string (TetherSpiceChannelState state);

/* How a channel kind plugs into the base class. Every hook is optional. */
typedef struct {
  /* Channel capability bits this kind announces when linking. */
  void     (*fill_caps)        (TetherSpiceChannel *self,
                                GArray             *channel_caps);
  /* The largest body accepted for server message @type (0: refuse). */
  gsize    (*max_message_size) (TetherSpiceChannel *self,
                                guint16             type);
  /* Handles a server message the base class does not (channel-specific
   * types). FALSE with @error closes the channel with ERROR_IO. */
  gboolean (*handle_message)   (TetherSpiceChannel *self,
                                guint16             type,
                                GBytes             *body,
                                GError            **error);
  /* The channel is linked and READY; the first messages may be sent. */
  void     (*channel_up)       (TetherSpiceChannel *self);
  /* The connection is gone: forget per-connection state. */
  void     (*channel_reset)    (TetherSpiceChannel *self);
  /* The message loop is held (tether_spice_channel_hold()) and another
   * channel of the session made progress: try again what the kind held
   * back. TRUE when nothing is held any more and the loop may read on;
   * FALSE to stay held, or with @error to close the channel (ERROR_IO). */
  gboolean (*retry_held)       (TetherSpiceChannel *self,
                                GError            **error);
} TetherSpiceChannelOps;

/* Called from a kind's instance init. */
void     tether_spice_channel_set_ops (TetherSpiceChannel          *self,
                                       const TetherSpiceChannelOps *ops);
const TetherSpiceChannelOps *tether_spice_channel_get_ops (TetherSpiceChannel *self);
/* Changes whenever a connection ends or a new one starts: compare before and
 * after calling out to see whether the channel was closed meanwhile. */
guint    tether_spice_channel_get_generation (TetherSpiceChannel *self);

/* The factory: a channel of @type for @session, or NULL when Tether does not
 * implement the type. */
TetherSpiceChannel *tether_spice_channel_new (TetherSpiceSession *session,
                                              int                 type,
                                              int                 id);
gboolean tether_spice_channel_type_is_implemented (int type);

TetherSpiceChannelState tether_spice_channel_get_state (TetherSpiceChannel *self);
/* The session, or NULL once detached. Borrowed. */
TetherSpiceSession *tether_spice_channel_peek_session (TetherSpiceChannel *self);

/* The session lets go of the channel: closes it without an event and drops
 * the link back to the session. */
void     tether_spice_channel_detach (TetherSpiceChannel *self);

/* Ends the current connection with @event and @error (taken; may be NULL for
 * CLOSED). Emits channel-event. */
void     tether_spice_channel_fail   (TetherSpiceChannel     *self,
                                      TetherSpiceChannelEvent event,
                                      GError                 *error);

/* ---- I/O for the link step and the message loop -------------------------- */

/* Called with exactly the bytes asked for. Not called if the read failed
 * (the channel is then failed with @fail_event) or the connection was closed
 * meanwhile. */
typedef void (*TetherSpiceChannelReadFunc) (TetherSpiceChannel *self,
                                            GBytes             *data);

/* Reads exactly @n bytes (the caller has checked @n against its limit). */
void     tether_spice_channel_read   (TetherSpiceChannel         *self,
                                      gsize                       n,
                                      TetherSpiceChannelEvent     fail_event,
                                      TetherSpiceChannelReadFunc  func);
/* The same, where an end of stream before the first byte is the server
 * closing the channel (CLOSED) rather than an error. */
void     tether_spice_channel_read_or_close (TetherSpiceChannel         *self,
                                             gsize                       n,
                                             TetherSpiceChannelReadFunc  func);
/* Queues @data for writing, after anything queued before. */
void     tether_spice_channel_write  (TetherSpiceChannel *self,
                                      GBytes             *data);

/* The link step (tether-spice-channel-link.c): runs in state LINK on a fresh
 * connection; ends with tether_spice_channel_link_done() or a failure. */
void     tether_spice_channel_link_start (TetherSpiceChannel *self);
/* Link and auth succeeded: state READY, OPENED, the message loop starts. */
void     tether_spice_channel_link_done  (TetherSpiceChannel *self);
/* The server wants TLS for this channel (NEED_SECURED): reconnect over the
 * TLS port once, or fail with ERROR_LINK if that is not possible. */
void     tether_spice_channel_relink_tls (TetherSpiceChannel *self);
/* Moves LINK -> AUTH. */
void     tether_spice_channel_set_state  (TetherSpiceChannel     *self,
                                          TetherSpiceChannelState state);
/* Whether the current connection runs over TLS. */
gboolean tether_spice_channel_is_tls     (TetherSpiceChannel *self);
/* The current connection's stream (borrowed), and a stream to use in its
 * place from now on: one layered over it, between reads (a security layer
 * after authentication). */
GIOStream *tether_spice_channel_peek_stream (TetherSpiceChannel *self);
void       tether_spice_channel_push_stream (TetherSpiceChannel *self,
                                             GIOStream          *stream);

/* Our capability words for the link message (common, then channel). */
GArray  *tether_spice_channel_get_local_common_caps  (TetherSpiceChannel *self);
GArray  *tether_spice_channel_get_local_channel_caps (TetherSpiceChannel *self);
/* The server's, from its link reply. */
void     tether_spice_channel_set_remote_caps (TetherSpiceChannel *self,
                                               const guint32      *common,
                                               gsize               n_common,
                                               const guint32      *channel,
                                               gsize               n_channel);

/* ---- the message loop (tether-spice-channel-messages.c) ------------------ */

/* Per-connection state of the message loop, owned by the channel and reset
 * with every connection. */
typedef struct {
  gboolean  mini_header;          /* both sides announced MINI_HEADER */
  guint64   out_serial;           /* of the last message sent */
  guint64   in_serial;            /* of the message being handled */
  guint64   last_processed;       /* serial of the last message handled */
  guint16   type;                 /* header of the message being read */
  guint32   sub_list;
  guint32   ack_window;           /* 0: no ACKs (SET_ACK not received) */
  guint32   ack_remaining;
  gboolean  server_disconnecting; /* DISCONNECTING received */
  guint32   disconnect_reason;
  gboolean  waiting;              /* paused by WAIT_FOR_CHANNELS */
  GArray   *wait;                 /* TetherSpiceWaitForChannel still awaited */
  gboolean  held;                 /* the kind holds messages (tether_spice_channel_hold) */
  gboolean  paused;               /* waiting or held: the loop reads nothing */
  gboolean  paused_count_ack;     /* whether the paused message counts for ACKs */
} TetherSpiceChannelLoop;

TetherSpiceChannelLoop *tether_spice_channel_get_loop (TetherSpiceChannel *self);
void     tether_spice_channel_loop_clear (TetherSpiceChannelLoop *loop);
/* Starts reading messages (after the link). */
void     tether_spice_channel_loop_start (TetherSpiceChannel *self);
/* Frames and queues a client message; @body may be NULL for an empty one.
 * Dropped (with a debug line) when the channel is not READY, or when the
 * session is read-only and the message is not one a read-only client sends
 * (docs/spice-protocol.md §4.9). */
void     tether_spice_channel_send   (TetherSpiceChannel *self,
                                      guint16             type,
                                      GBytes             *body);
/* The serial of the last message this channel handled (WAIT_FOR_CHANNELS). */
guint64  tether_spice_channel_get_last_serial (TetherSpiceChannel *self);
/* Another channel of the session made progress: resume if a wait is over
 * (WAIT_FOR_CHANNELS, or the kind's retry_held hook says so). */
void     tether_spice_channel_check_wait (TetherSpiceChannel *self);
/* Called by a handle_message hook that cannot complete the message now
 * (an image another channel has yet to deliver): once the current message
 * (and the rest of its sub-message list) has been dispatched, the loop reads
 * nothing more until the kind's retry_held hook returns TRUE. The kind keeps
 * the messages it could not handle, in order. */
void     tether_spice_channel_hold   (TetherSpiceChannel *self);
/* Whether every channel of @waits (TetherSpiceWaitForChannel) has handled
 * the message serial it names, or is gone (INVAL_ALL_PIXMAPS's wait list). */
gboolean tether_spice_channel_waits_satisfied (TetherSpiceChannel *self,
                                               const TetherSpiceWaitForChannel *waits,
                                               guint n_waits);

G_END_DECLS
