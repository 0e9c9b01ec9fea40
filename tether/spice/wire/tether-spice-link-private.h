/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The SPICE link stage (docs/spice-protocol.md §3): the client's
 * SpiceLinkHeader + SpiceLinkMess, the server's SpiceLinkHeader +
 * SpiceLinkReply, the auth mechanism word and the u32 link result, and the
 * SpiceLinkErr codes as text. The RSA ticket is in tether-spice-ticket-private.h.
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* What the client says about itself in its link message. The caps arrays
 * are borrowed; each may be NULL when its count is 0. */
typedef struct {
  guint32        connection_id;   /* 0 for a new session's main channel */
  guint8         channel_type;    /* TETHER_SPICE_WIRE_CHANNEL_* */
  guint8         channel_id;
  const guint32 *common_caps;
  guint          n_common_caps;   /* words, at most TETHER_SPICE_MAX_CAPS_WORDS */
  const guint32 *channel_caps;
  guint          n_channel_caps;  /* words, at most TETHER_SPICE_MAX_CAPS_WORDS */
} TetherSpiceLinkMess;

/* SpiceLinkHeader + SpiceLinkMess + caps, ready to send. */
GBytes  *tether_spice_link_mess_encode (const TetherSpiceLinkMess *mess);

/* The server's SpiceLinkHeader. */
typedef struct {
  guint32 major_version;
  guint32 minor_version;
  guint32 size;                   /* bytes of SpiceLinkReply that follow */
} TetherSpiceLinkHeader;

/* Decodes the 16-byte header in front of a SpiceLinkReply. Wrong magic or a
 * major version other than 2: TETHER_SPICE_ERROR_LINK; a size too small for
 * a reply: PROTOCOL; a size over TETHER_SPICE_MAX_LINK_SIZE: LIMIT_EXCEEDED.
 * On success read exactly @out->size more bytes for the reply. */
gboolean tether_spice_link_header_decode (const guint8 *data, gsize len,
                                          TetherSpiceLinkHeader *out, GError **error);

/* The server's SpiceLinkReply. */
typedef struct {
  guint32  error;                 /* TetherSpiceLinkErr */
  guint8   pub_key[TETHER_SPICE_TICKET_PUBKEY_BYTES];
  guint32 *common_caps;           /* owned; NULL when n_common_caps is 0 */
  guint    n_common_caps;
  guint32 *channel_caps;          /* owned; NULL when n_channel_caps is 0 */
  guint    n_channel_caps;
} TetherSpiceLinkReply;

/* Decodes the @len bytes that followed the header (its `size`). A reply
 * with a non-zero error code fails with TETHER_SPICE_ERROR_LINK and a
 * message that says what the server refused; @out->error still holds the
 * code so the caller can react (NEED_SECURED: retry over TLS). Caps counts
 * over TETHER_SPICE_MAX_CAPS_WORDS: LIMIT_EXCEEDED; caps outside the reply
 * or a caps_offset inside the fixed part: PROTOCOL.
 * Free the caps with tether_spice_link_reply_clear(). */
gboolean tether_spice_link_reply_decode (const guint8 *data, gsize len,
                                         TetherSpiceLinkReply *out, GError **error);
void     tether_spice_link_reply_clear  (TetherSpiceLinkReply *reply);

/* How to authenticate after this reply: whether to send the auth mechanism
 * word first (the server has PROTOCOL_AUTH_SELECTION) and which mechanism.
 * SASL is chosen when the server offers it and @client_can_sasl; a server
 * that requires SASL from a client without it fails with
 * TETHER_SPICE_ERROR_UNSUPPORTED; a server offering neither, with LINK. */
gboolean tether_spice_link_choose_auth (const TetherSpiceLinkReply *reply,
                                        gboolean client_can_sasl,
                                        gboolean *send_mechanism,
                                        guint32 *mechanism, GError **error);

/* SpiceLinkAuthMechanism: one u32 word (TETHER_SPICE_AUTH_MECHANISM_*). */
GBytes  *tether_spice_auth_mechanism_encode (guint32 mechanism);

/* Decodes the u32 link result the server sends after the ticket (or SASL).
 * @code gets the value either way. OK: TRUE. PERMISSION_DENIED:
 * TETHER_SPICE_ERROR_AUTH; any other code: TETHER_SPICE_ERROR_LINK. */
gboolean tether_spice_link_result_decode (const guint8 *data, gsize len,
                                          guint32 *code, GError **error);

/* The name of a SpiceLinkErr ("PERMISSION_DENIED"), or NULL if unknown. */
const char *tether_spice_link_err_name (guint32 code);
/* A sentence for a person ("the password was refused ..."); never NULL. */
const char *tether_spice_link_err_message (guint32 code);

G_END_DECLS
