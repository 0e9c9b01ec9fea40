/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include "tether-spice-channel.h"

G_BEGIN_DECLS

#define TETHER_TYPE_SPICE_CURSOR_CHANNEL (tether_spice_cursor_channel_get_type ())
TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherSpiceCursorChannel, tether_spice_cursor_channel, TETHER, SPICE_CURSOR_CHANNEL,
                      TetherSpiceChannel)

TETHER_AVAILABLE_IN_0_1
GBytes   *tether_spice_cursor_channel_get_shape    (TetherSpiceCursorChannel *self,
                                                    int                      *width,
                                                    int                      *height,
                                                    int                      *hot_x,
                                                    int                      *hot_y);
TETHER_AVAILABLE_IN_0_1
gboolean  tether_spice_cursor_channel_get_position (TetherSpiceCursorChannel *self,
                                                    int                      *x,
                                                    int                      *y);
TETHER_AVAILABLE_IN_0_1
gboolean  tether_spice_cursor_channel_get_visible  (TetherSpiceCursorChannel *self);

G_END_DECLS
