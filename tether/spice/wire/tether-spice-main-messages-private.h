/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Main channel messages (docs/spice-protocol.md §5). Decoders take a
 * complete message body; encoders return a body for
 * tether_spice_message_frame(). Empty server messages (MIGRATE_CANCEL,
 * AGENT_CONNECTED, MIGRATE_END, MIGRATE_DST_SEAMLESS_ACK/NACK) are checked
 * with tether_spice_msg_empty_decode().
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* ---- server -> client --------------------------------------------------- */

typedef struct {
  guint32  session_id;
  guint32  display_channels_hint;
  guint32  supported_mouse_modes;   /* TETHER_SPICE_MOUSE_MODE_* flags, checked */
  guint32  current_mouse_mode;      /* one TETHER_SPICE_MOUSE_MODE_*, checked */
  gboolean agent_connected;
  guint32  agent_tokens;
  guint32  multi_media_time;
  guint32  ram_hint;
} TetherSpiceMsgMainInit;
gboolean tether_spice_msg_main_init_decode (GBytes *body, TetherSpiceMsgMainInit *out,
                                            GError **error);

typedef struct {
  guint8 type;     /* TETHER_SPICE_WIRE_CHANNEL_*; unknown types are kept for the caller to skip */
  guint8 id;
} TetherSpiceChannelEntry;

typedef struct {
  guint                    n_channels;   /* at most TETHER_SPICE_MAX_CHANNELS */
  TetherSpiceChannelEntry *channels;     /* owned */
} TetherSpiceMsgMainChannelsList;
gboolean tether_spice_msg_main_channels_list_decode (GBytes *body,
                                                     TetherSpiceMsgMainChannelsList *out,
                                                     GError **error);
void     tether_spice_msg_main_channels_list_clear  (TetherSpiceMsgMainChannelsList *list);

typedef struct {
  guint16 supported_modes;   /* flags, checked */
  guint16 current_mode;      /* one mode, checked */
} TetherSpiceMsgMainMouseMode;
gboolean tether_spice_msg_main_mouse_mode_decode (GBytes *body, TetherSpiceMsgMainMouseMode *out,
                                                  GError **error);

/* The main messages whose body is one u32: MULTI_MEDIA_TIME (time),
 * AGENT_DISCONNECTED (error code), AGENT_TOKEN and AGENT_CONNECTED_TOKENS
 * (num_tokens). @type says which, for the error message. */
gboolean tether_spice_msg_main_u32_decode (guint16 type, GBytes *body, guint32 *value,
                                           GError **error);

/* AGENT_DATA: *data is a new reference to @body (at most
 * TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE bytes); feed it to the agent
 * reassembler. */
gboolean tether_spice_msg_main_agent_data_decode (GBytes *body, GBytes **data, GError **error);

/* NAME: u32 length (including a NUL), then the name. Returns a UTF-8
 * string (repaired if needed); a missing final NUL is tolerated, an
 * embedded one is a protocol error. */
gboolean tether_spice_msg_main_name_decode (GBytes *body, char **name, GError **error);

gboolean tether_spice_msg_main_uuid_decode (GBytes *body, guint8 uuid[TETHER_SPICE_UUID_SIZE],
                                            GError **error);

/* MIGRATE_BEGIN, MIGRATE_BEGIN_SEAMLESS and MIGRATE_SWITCH_HOST: where the
 * server wants the client to go. Tether does not migrate; the channel
 * decodes these to say so clearly (see tether_spice_migration_unsupported). */
typedef struct {
  guint16  port;               /* 0: none */
  guint16  sport;              /* TLS port, 0: none */
  char    *host;               /* owned, never NULL on success */
  char    *cert_subject;       /* owned, NULL when absent */
  guint32  src_mig_version;    /* MIGRATE_BEGIN_SEAMLESS only, else 0 */
} TetherSpiceMsgMainMigrate;
gboolean tether_spice_msg_main_migrate_decode (guint16 type, GBytes *body,
                                               TetherSpiceMsgMainMigrate *out, GError **error);
void     tether_spice_msg_main_migrate_clear  (TetherSpiceMsgMainMigrate *migrate);

/* Sets G_IO_ERROR_NOT_SUPPORTED: "the server asked to migrate this session
 * to HOST:PORT; Tether does not support migration". Returns FALSE. */
gboolean tether_spice_migration_unsupported (const TetherSpiceMsgMainMigrate *migrate,
                                             GError **error);

/* ---- client -> server --------------------------------------------------- */

/* CLIENT_INFO is obsolete (spice-gtk never sends it); here for completeness. */
GBytes  *tether_spice_msgc_main_client_info_encode (guint64 cache_size);
GBytes  *tether_spice_msgc_main_attach_channels_encode (void);
/* @mode: TETHER_SPICE_MOUSE_MODE_SERVER or _CLIENT. */
GBytes  *tether_spice_msgc_main_mouse_mode_request_encode (guint16 mode);
/* @num_tokens: AGENT_DATA messages the server may send before it needs
 * more (TETHER_SPICE_AGENT_TOKENS_UNLIMITED as spice-gtk does). */
GBytes  *tether_spice_msgc_main_agent_start_encode (guint32 num_tokens);
/* One piece of the agent stream, at most TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE
 * bytes; tether_spice_agent_message_encode() makes these. */
GBytes  *tether_spice_msgc_main_agent_data_encode (const guint8 *data, gsize len);
GBytes  *tether_spice_msgc_main_agent_token_encode (guint32 num_tokens);

G_END_DECLS
