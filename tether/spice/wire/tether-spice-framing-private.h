/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * SPICE data framing after the link (docs/spice-protocol.md §4.1–§4.3): the
 * 6-byte mini header and the 18-byte full header, the per-channel, per-type
 * body size caps, and sub-message lists (MSG_LIST, or a full header's
 * sub_list).
 *
 * Reading loop of a channel: read the header (mini iff both sides set
 * common cap MINI_HEADER), decode it, check the size with
 * tether_spice_message_check_size(), read exactly `size` body bytes, then
 * for MSG_LIST (or sub_list != 0) split with tether_spice_sub_messages_parse().
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"
#include "tether-writer-private.h"

G_BEGIN_DECLS

typedef struct {
  guint64 serial;      /* full header only; 0 with the mini header */
  guint16 type;
  guint32 size;        /* body bytes that follow the header */
  guint32 sub_list;    /* full header only: body offset of a sub-message list, or 0 */
} TetherSpiceDataHeader;

/* Decode exactly TETHER_SPICE_MINI_HEADER_SIZE / _FULL_HEADER_SIZE bytes.
 * Truncation or extra bytes: TETHER_SPICE_ERROR_PROTOCOL. A full header
 * whose sub_list does not lie inside the body: PROTOCOL. Sizes are not
 * capped here; see tether_spice_message_check_size(). */
gboolean tether_spice_mini_header_decode (const guint8 *data, gsize len,
                                          TetherSpiceDataHeader *out, GError **error);
gboolean tether_spice_full_header_decode (const guint8 *data, gsize len,
                                          TetherSpiceDataHeader *out, GError **error);

/* Append a header to @w. */
void     tether_spice_mini_header_encode (TetherWriter *w, guint16 type, guint32 size);
void     tether_spice_full_header_encode (TetherWriter *w, guint64 serial, guint16 type,
                                          guint32 size, guint32 sub_list);

/* A whole client message, header and @body (may be NULL for an empty one),
 * ready to send. @serial is used only with the full header. */
GBytes  *tether_spice_message_frame (gboolean mini_header, guint64 serial,
                                     guint16 type, GBytes *body);

/* The largest body Tether accepts for server message @type on a channel of
 * @channel_type. Types that are empty by protocol get 0; unknown types get
 * the channel's general limit (the channel rejects them by type). */
guint32  tether_spice_message_max_size (guint8 channel_type, guint16 type);

/* TRUE if @size is within tether_spice_message_max_size(); otherwise a
 * TETHER_SPICE_ERROR_LIMIT_EXCEEDED error naming the message. */
gboolean tether_spice_message_check_size (guint8 channel_type, guint16 type,
                                          guint32 size, GError **error);

typedef struct {
  guint16  type;
  GBytes  *body;       /* a slice of the message body; pointers inside it are
                        * relative to its start */
} TetherSpiceSubMessage;

/* Splits the sub-message list at @list_offset of @body (0 for MSG_LIST).
 * Returns a GArray of TetherSpiceSubMessage in list order (the array frees
 * the slices). @main_len (may be NULL) gets the length of the main
 * message's own data, which precedes the sub-messages and the list: for
 * MSG_LIST it is 0. Errors: a count over TETHER_SPICE_MAX_SUB_MESSAGES or a
 * sub-message over its type's size cap: LIMIT_EXCEEDED; offsets or sizes
 * outside the body, a nested LIST: PROTOCOL. */
GArray  *tether_spice_sub_messages_parse (guint8 channel_type, GBytes *body,
                                          guint32 list_offset, gsize *main_len,
                                          GError **error);

G_END_DECLS
