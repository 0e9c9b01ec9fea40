/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include "tether-spice-channel.h"

G_BEGIN_DECLS

#define TETHER_TYPE_SPICE_MAIN_CHANNEL (tether_spice_main_channel_get_type ())
TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherSpiceMainChannel, tether_spice_main_channel, TETHER, SPICE_MAIN_CHANNEL,
                      TetherSpiceChannel)

TETHER_AVAILABLE_IN_0_1
int      tether_spice_main_channel_get_mouse_mode      (TetherSpiceMainChannel *self);
TETHER_AVAILABLE_IN_0_1
gboolean tether_spice_main_channel_get_agent_connected (TetherSpiceMainChannel *self);
TETHER_AVAILABLE_IN_0_1
GVariant *tether_spice_main_channel_dup_channel_list   (TetherSpiceMainChannel *self);

G_END_DECLS
