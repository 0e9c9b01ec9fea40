/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Shared helpers of the SPICE wire layer: errors that name the message,
 * capability bit sets, and message names for errors and logs.
 */

#include <gio/gio.h>

#include "tether-error.h"
#include "tether-reader-private.h"
#include "tether-spice-protocol-private.h"
#include "tether-writer-private.h"

G_BEGIN_DECLS

/* Sets a TETHER_SPICE_ERROR @code error "@what: <message>" and returns
 * FALSE, so a decoder can `return tether_spice_wire_error (...)`. */
gboolean tether_spice_wire_error (GError **error, TetherSpiceError code, const char *what,
                                  const char *format, ...) G_GNUC_PRINTF (4, 5);

/* The final check of a decoder: a reader failure (truncation, an offset out
 * of range, a count larger than the data) or, when @exact, trailing bytes,
 * become a TETHER_SPICE_ERROR_PROTOCOL error prefixed with "@what: ". */
gboolean tether_spice_wire_finish (const TetherReader *r, gboolean exact, const char *what,
                                   GError **error);

/* The encoded bytes of @w; frees the writer (TetherWriter keeps a fresh
 * buffer after tether_writer_steal_bytes(), so stealing alone would leak). */
static inline GBytes *
tether_spice_wire_take_bytes (TetherWriter *w)
{
  GBytes *bytes = tether_writer_steal_bytes (w);

  tether_writer_clear (w);
  return bytes;
}

/* Capability sets are arrays of u32 words; capability n is bit n % 32 of
 * word n / 32. A bit beyond the array tests as unset. */
gboolean tether_spice_caps_test (const guint32 *caps, gsize n_words, guint cap);
/* Sets bit @cap; @cap must fit in @n_words words. */
void     tether_spice_caps_set  (guint32 *caps, gsize n_words, guint cap);

/* The protocol name of a server -> client message ("MAIN_INIT", "PING"),
 * or NULL when @type is not one for @channel_type. Static strings. */
const char *tether_spice_message_name  (guint8 channel_type, guint16 type);
/* The same for client -> server messages ("MAIN_AGENT_DATA", "PONG"). */
const char *tether_spice_message_c_name (guint8 channel_type, guint16 type);
/* The name of a channel type ("main", "display"), or NULL. */
const char *tether_spice_channel_type_name (guint8 channel_type);

G_END_DECLS
