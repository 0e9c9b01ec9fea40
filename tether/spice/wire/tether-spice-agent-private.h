/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * VD agent framing over the main channel (docs/spice-protocol.md §6.1):
 * VDAgentMessage = u32 protocol (1), u32 type, u64 opaque, u32 size, then
 * size bytes. The client cuts each serialized message into AGENT_DATA
 * bodies of at most 2048 bytes (one token each); the agent's stream arrives
 * in AGENT_DATA chunks that the reassembler turns back into messages.
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* How many AGENT_DATA messages (= tokens) one agent message with
 * @data_len bytes of payload needs. */
guint      tether_spice_agent_chunk_count (gsize data_len);

/* Serializes one agent message and cuts it into AGENT_DATA bodies (GBytes,
 * in order, each at most TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE bytes; there
 * are tether_spice_agent_chunk_count(@len) of them). Send them
 * consecutively, without another agent message's pieces in between.
 * @len must fit the u32 size field. */
GPtrArray *tether_spice_agent_message_encode (guint32 type, guint64 opaque,
                                              const guint8 *data, gsize len);

/* One complete message from the agent. */
typedef struct {
  guint32  type;         /* TETHER_SPICE_VD_AGENT_*; unknown types are the caller's to skip */
  guint64  opaque;
  GBytes  *data;         /* never NULL; maybe empty */
} TetherSpiceAgentMessage;

void       tether_spice_agent_message_free (TetherSpiceAgentMessage *message);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceAgentMessage, tether_spice_agent_message_free)

typedef struct _TetherSpiceAgentReassembler TetherSpiceAgentReassembler;

/* @max_message_size caps the payload of one agent message (0: use
 * TETHER_SPICE_MAX_AGENT_MESSAGE_SIZE). Memory grows with the bytes that
 * actually arrive, not with the size a header announces. */
TetherSpiceAgentReassembler *tether_spice_agent_reassembler_new (gsize max_message_size);
void       tether_spice_agent_reassembler_free (TetherSpiceAgentReassembler *self);
G_DEFINE_AUTOPTR_CLEANUP_FUNC (TetherSpiceAgentReassembler, tether_spice_agent_reassembler_free)

/* Forgets a partial message and any error (on AGENT_DISCONNECTED or a
 * channel reset). */
void       tether_spice_agent_reassembler_reset (TetherSpiceAgentReassembler *self);

/* TRUE when no message is half-received. */
gboolean   tether_spice_agent_reassembler_is_idle (const TetherSpiceAgentReassembler *self);

/* Feeds one AGENT_DATA body. Every message it completes is appended to
 * @messages (a GPtrArray that frees with tether_spice_agent_message_free).
 * Errors: a chunk over TETHER_SPICE_VD_AGENT_MAX_DATA_SIZE or a message
 * over the size cap: TETHER_SPICE_ERROR_LIMIT_EXCEEDED; a protocol field
 * other than 1: PROTOCOL. Messages completed before the error are still
 * appended. After an error every push fails until a reset. */
gboolean   tether_spice_agent_reassembler_push (TetherSpiceAgentReassembler *self,
                                                GBytes *chunk, GPtrArray *messages,
                                                GError **error);

/* VDAgentAnnounceCapabilities: u32 request, then u32 cap words. */
typedef struct {
  gboolean  request;     /* the peer wants our caps in return */
  guint     n_caps;      /* words, at most TETHER_SPICE_MAX_AGENT_CAPS_WORDS */
  guint32  *caps;        /* owned; NULL when n_caps is 0; test with tether_spice_caps_test() */
} TetherSpiceAgentAnnounceCaps;

/* Decodes the payload of an ANNOUNCE_CAPABILITIES agent message. A payload
 * shorter than 4 bytes or with a partial word: PROTOCOL; too many words:
 * LIMIT_EXCEEDED. */
gboolean   tether_spice_agent_announce_caps_decode (GBytes *data, TetherSpiceAgentAnnounceCaps *out,
                                                    GError **error);
void       tether_spice_agent_announce_caps_clear  (TetherSpiceAgentAnnounceCaps *caps);
/* The payload of our own ANNOUNCE_CAPABILITIES. */
GBytes    *tether_spice_agent_announce_caps_encode (gboolean request, const guint32 *caps,
                                                    guint n_caps);

G_END_DECLS
