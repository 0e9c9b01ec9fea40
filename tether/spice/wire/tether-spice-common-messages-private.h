/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The messages every SPICE channel has (docs/spice-protocol.md §4.4).
 * Decoders take a complete message body; encoders return a body for
 * tether_spice_message_frame(). MSG_LIST is split by
 * tether_spice_sub_messages_parse() (tether-spice-framing-private.h).
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* ---- server -> client --------------------------------------------------- */

/* MSG_MIGRATE: TETHER_SPICE_MIGRATE_* flags (other bits are kept). */
gboolean tether_spice_msg_migrate_decode (GBytes *body, guint32 *flags, GError **error);

/* MSG_MIGRATE_DATA: opaque; *data is a new reference to @body, whose size
 * is checked against TETHER_SPICE_MAX_MIGRATE_DATA_SIZE. */
gboolean tether_spice_msg_migrate_data_decode (GBytes *body, GBytes **data, GError **error);

typedef struct {
  guint32 generation;
  guint32 window;
} TetherSpiceMsgSetAck;
gboolean tether_spice_msg_set_ack_decode (GBytes *body, TetherSpiceMsgSetAck *out, GError **error);

typedef struct {
  guint32  id;
  guint64  timestamp;
  GBytes  *data;        /* a slice of the body, maybe empty; never NULL on success */
} TetherSpiceMsgPing;
gboolean tether_spice_msg_ping_decode (GBytes *body, TetherSpiceMsgPing *out, GError **error);
void     tether_spice_msg_ping_clear  (TetherSpiceMsgPing *ping);

typedef struct {
  guint8  channel_type;
  guint8  channel_id;
  guint64 message_serial;
} TetherSpiceWaitForChannel;

typedef struct {
  guint                      n_channels;   /* at most TETHER_SPICE_MAX_WAIT_CHANNELS */
  TetherSpiceWaitForChannel *channels;     /* owned */
} TetherSpiceMsgWaitForChannels;
gboolean tether_spice_msg_wait_for_channels_decode (GBytes *body, TetherSpiceMsgWaitForChannels *out,
                                                    GError **error);
void     tether_spice_msg_wait_for_channels_clear  (TetherSpiceMsgWaitForChannels *wait);

typedef struct {
  guint64 time_stamp;
  guint32 reason;       /* TetherSpiceLinkErr */
} TetherSpiceMsgDisconnecting;
gboolean tether_spice_msg_disconnecting_decode (GBytes *body, TetherSpiceMsgDisconnecting *out,
                                                GError **error);

typedef struct {
  guint64  time_stamp;
  guint32  severity;    /* TETHER_SPICE_NOTIFY_SEVERITY_* (checked) */
  guint32  visibility;  /* TETHER_SPICE_NOTIFY_VISIBILITY_* (checked) */
  guint32  what;        /* a SpiceLinkErr for errors, 0 otherwise */
  char    *message;     /* owned, valid UTF-8, NUL-terminated; cut at an embedded NUL */
} TetherSpiceMsgNotify;
/* The counted text may be followed by one NUL byte (spice-server sends
 * one) or by nothing; anything else after it is an error. */
gboolean tether_spice_msg_notify_decode (GBytes *body, TetherSpiceMsgNotify *out, GError **error);
void     tether_spice_msg_notify_clear  (TetherSpiceMsgNotify *notify);

/* A message that must have an empty body (@what names it in the error). */
gboolean tether_spice_msg_empty_decode (GBytes *body, const char *what, GError **error);

/* ---- client -> server --------------------------------------------------- */

GBytes  *tether_spice_msgc_ack_sync_encode (guint32 generation);
GBytes  *tether_spice_msgc_ack_encode (void);
/* PONG echoes id and timestamp, never the ping's data. */
GBytes  *tether_spice_msgc_pong_encode (guint32 id, guint64 timestamp);
GBytes  *tether_spice_msgc_migrate_flush_mark_encode (void);
/* MSGC_MIGRATE_DATA carries a MSG_MIGRATE_DATA body unchanged. */
GBytes  *tether_spice_msgc_migrate_data_encode (GBytes *data);
GBytes  *tether_spice_msgc_disconnecting_encode (guint64 time_stamp, guint32 reason);

G_END_DECLS
