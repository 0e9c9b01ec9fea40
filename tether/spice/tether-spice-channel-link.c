/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * The link step of a channel connection (docs/spice-protocol.md §3): link
 * message, link reply, authentication, link result.
 */
#define G_LOG_DOMAIN "Tether-Spice"
#include "config.h"

#include "tether-spice-channel-private.h"

void
tether_spice_channel_link_start (TetherSpiceChannel *self)
{
  /* Filled in with the wire layer's link codecs. */
  tether_spice_channel_fail (self, TETHER_SPICE_CHANNEL_EVENT_ERROR_LINK,
                             g_error_new (G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                                          "The SPICE link step is not built yet"));
}
