/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include "tether-spice-channel.h"

G_BEGIN_DECLS

/**
 * TetherSpiceDisplayPrimary:
 * @format: the surface format: 32 (xRGB), 96 (ARGB), 16 (x1r5g5b5), 80
 *   (r5g6b5) or 8 (alpha only), the protocol's `SpiceSurfaceFmt` numbers
 * @width: width in pixels
 * @height: height in pixels
 * @stride: bytes from one row to the next
 * @shmid: always -1 (no shared memory)
 * @data: the pixels, @stride × @height bytes, top row first; 32-bit formats
 *   are stored B, G, R, X/A. Owned by the channel: valid until
 *   [signal@SpiceDisplayChannel::display-primary-destroy]
 * @marked: whether the server marked the picture complete
 *   ([signal@SpiceDisplayChannel::display-mark])
 *
 * A surface of a display channel, as spice-gtk's `SpiceDisplayPrimary`.
 * Filled by [method@SpiceDisplayChannel.get_primary]. Bindings that cannot
 * use @data read the pixels with [method@SpiceDisplayChannel.copy_primary].
 */
typedef struct {
  int       format;
  int       width;
  int       height;
  int       stride;
  int       shmid;
  guint8   *data;
  gboolean  marked;
} TetherSpiceDisplayPrimary;

#define TETHER_TYPE_SPICE_DISPLAY_CHANNEL (tether_spice_display_channel_get_type ())
TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherSpiceDisplayChannel, tether_spice_display_channel, TETHER, SPICE_DISPLAY_CHANNEL,
                      TetherSpiceChannel)

TETHER_AVAILABLE_IN_0_1
gboolean  tether_spice_display_channel_get_primary     (TetherSpiceDisplayChannel *self,
                                                        guint32                    surface_id,
                                                        TetherSpiceDisplayPrimary *primary);
TETHER_AVAILABLE_IN_0_1
GBytes   *tether_spice_display_channel_copy_primary    (TetherSpiceDisplayChannel *self,
                                                        int                       *format,
                                                        int                       *width,
                                                        int                       *height,
                                                        int                       *stride);
TETHER_AVAILABLE_IN_0_1
GBytes   *tether_spice_display_channel_encode_primary_png (TetherSpiceDisplayChannel *self,
                                                           GError                   **error);
TETHER_AVAILABLE_IN_0_1
gboolean  tether_spice_display_channel_save_primary_png (TetherSpiceDisplayChannel *self,
                                                         const char                *filename,
                                                         GError                   **error);
TETHER_AVAILABLE_IN_0_1
gboolean  tether_spice_display_channel_get_ready       (TetherSpiceDisplayChannel *self);
TETHER_AVAILABLE_IN_0_1
guint64   tether_spice_display_channel_get_frame_count (TetherSpiceDisplayChannel *self);
TETHER_AVAILABLE_IN_0_1
GVariant *tether_spice_display_channel_dup_monitors    (TetherSpiceDisplayChannel *self);
TETHER_AVAILABLE_IN_0_1
void      tether_spice_display_channel_change_preferred_compression (TetherSpiceDisplayChannel *self,
                                                                     int                        compression);

G_END_DECLS
