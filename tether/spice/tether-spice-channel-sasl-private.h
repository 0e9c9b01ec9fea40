/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * The client side of SPICE's SASL exchange (docs/spice-protocol.md §3.7) on
 * a channel's link step, with libsasl2 (only when built with HAVE_SASL).
 */

#include "tether-spice-channel-private.h"

G_BEGIN_DECLS

/* Whether this build can authenticate with SASL on @self's current
 * connection: with libsasl2, always (over TLS without a security layer,
 * otherwise with one); without it, never. When FALSE, @why (if not NULL)
 * gets a sentence for the person. */
gboolean tether_spice_channel_sasl_available (TetherSpiceChannel *self,
                                              const char        **why);

/* Runs the exchange once the mechanism word (AUTH_SASL) is queued: reads
 * the server's mechanism list, steps with libsasl2, reads the server's
 * SASL result word, puts the security layer over a connection without TLS,
 * and reads the u32 link result through it; ends with tether_spice_channel_link_done() or a failure
 * (ERROR_AUTH: TETHER_SPICE_ERROR_AUTH naming the mechanism). Requires
 * tether_spice_channel_sasl_available(). */
void     tether_spice_channel_sasl_start (TetherSpiceChannel *self);

G_END_DECLS
