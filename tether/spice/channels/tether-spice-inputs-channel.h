/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include "tether-spice-channel.h"

G_BEGIN_DECLS

/**
 * TetherSpiceInputsLock:
 * @TETHER_SPICE_INPUTS_LOCK_SCROLL: Scroll Lock
 * @TETHER_SPICE_INPUTS_LOCK_NUM: Num Lock
 * @TETHER_SPICE_INPUTS_LOCK_CAPS: Caps Lock
 *
 * Keyboard lock states (LEDs), as spice-gtk's `SpiceInputsLock`.
 */
typedef enum /*< flags >*/ {
  TETHER_SPICE_INPUTS_LOCK_SCROLL = 1 << 0,
  TETHER_SPICE_INPUTS_LOCK_NUM    = 1 << 1,
  TETHER_SPICE_INPUTS_LOCK_CAPS   = 1 << 2,
} TetherSpiceInputsLock;

/**
 * TetherSpiceMouseButton:
 * @TETHER_SPICE_MOUSE_BUTTON_INVALID: no button
 * @TETHER_SPICE_MOUSE_BUTTON_LEFT: left
 * @TETHER_SPICE_MOUSE_BUTTON_MIDDLE: middle
 * @TETHER_SPICE_MOUSE_BUTTON_RIGHT: right
 * @TETHER_SPICE_MOUSE_BUTTON_UP: wheel up
 * @TETHER_SPICE_MOUSE_BUTTON_DOWN: wheel down
 * @TETHER_SPICE_MOUSE_BUTTON_SIDE: side (back)
 * @TETHER_SPICE_MOUSE_BUTTON_EXTRA: extra (forward)
 *
 * Mouse buttons, with the protocol's numbers.
 */
typedef enum {
  TETHER_SPICE_MOUSE_BUTTON_INVALID = 0,
  TETHER_SPICE_MOUSE_BUTTON_LEFT    = 1,
  TETHER_SPICE_MOUSE_BUTTON_MIDDLE  = 2,
  TETHER_SPICE_MOUSE_BUTTON_RIGHT   = 3,
  TETHER_SPICE_MOUSE_BUTTON_UP      = 4,
  TETHER_SPICE_MOUSE_BUTTON_DOWN    = 5,
  TETHER_SPICE_MOUSE_BUTTON_SIDE    = 6,
  TETHER_SPICE_MOUSE_BUTTON_EXTRA   = 7,
} TetherSpiceMouseButton;

/**
 * TetherSpiceMouseButtonMask:
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_LEFT: left
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_MIDDLE: middle
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_RIGHT: right
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_UP: wheel up
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_DOWN: wheel down
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_SIDE: side
 * @TETHER_SPICE_MOUSE_BUTTON_MASK_EXTRA: extra
 *
 * The buttons held down, with the protocol's bits.
 */
typedef enum /*< flags >*/ {
  TETHER_SPICE_MOUSE_BUTTON_MASK_LEFT   = 1 << 0,
  TETHER_SPICE_MOUSE_BUTTON_MASK_MIDDLE = 1 << 1,
  TETHER_SPICE_MOUSE_BUTTON_MASK_RIGHT  = 1 << 2,
  TETHER_SPICE_MOUSE_BUTTON_MASK_UP     = 1 << 3,
  TETHER_SPICE_MOUSE_BUTTON_MASK_DOWN   = 1 << 4,
  TETHER_SPICE_MOUSE_BUTTON_MASK_SIDE   = 1 << 5,
  TETHER_SPICE_MOUSE_BUTTON_MASK_EXTRA  = 1 << 6,
} TetherSpiceMouseButtonMask;

#define TETHER_TYPE_SPICE_INPUTS_CHANNEL (tether_spice_inputs_channel_get_type ())
TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherSpiceInputsChannel, tether_spice_inputs_channel, TETHER, SPICE_INPUTS_CHANNEL,
                      TetherSpiceChannel)

TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_motion         (TetherSpiceInputsChannel *self,
                                                     int                       dx,
                                                     int                       dy,
                                                     int                       button_state);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_position       (TetherSpiceInputsChannel *self,
                                                     int                       x,
                                                     int                       y,
                                                     int                       display,
                                                     int                       button_state);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_button_press   (TetherSpiceInputsChannel *self,
                                                     int                       button,
                                                     int                       button_state);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_button_release (TetherSpiceInputsChannel *self,
                                                     int                       button,
                                                     int                       button_state);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_key_press      (TetherSpiceInputsChannel *self,
                                                     guint                     scancode);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_key_release    (TetherSpiceInputsChannel *self,
                                                     guint                     scancode);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_key_press_and_release (TetherSpiceInputsChannel *self,
                                                            guint                     scancode);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_set_key_locks  (TetherSpiceInputsChannel *self,
                                                     guint                     locks);
TETHER_AVAILABLE_IN_0_1
int      tether_spice_inputs_channel_get_key_modifiers (TetherSpiceInputsChannel *self);

TETHER_AVAILABLE_IN_0_1
gboolean tether_spice_inputs_channel_send_keys      (TetherSpiceInputsChannel *self,
                                                     const char               *combo,
                                                     GError                  **error);
TETHER_AVAILABLE_IN_0_1
gboolean tether_spice_inputs_channel_type_text      (TetherSpiceInputsChannel *self,
                                                     const char               *text,
                                                     GError                  **error);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_send_keys_async (TetherSpiceInputsChannel *self,
                                                      const char               *combo,
                                                      guint                     interval_ms,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
TETHER_AVAILABLE_IN_0_1
gboolean tether_spice_inputs_channel_send_keys_finish (TetherSpiceInputsChannel *self,
                                                       GAsyncResult             *result,
                                                       GError                  **error);
TETHER_AVAILABLE_IN_0_1
void     tether_spice_inputs_channel_type_text_async (TetherSpiceInputsChannel *self,
                                                      const char               *text,
                                                      guint                     interval_ms,
                                                      GCancellable             *cancellable,
                                                      GAsyncReadyCallback       callback,
                                                      gpointer                  user_data);
TETHER_AVAILABLE_IN_0_1
gboolean tether_spice_inputs_channel_type_text_finish (TetherSpiceInputsChannel *self,
                                                       GAsyncResult             *result,
                                                       GError                  **error);
TETHER_AVAILABLE_IN_0_1
gboolean tether_spice_inputs_key_name_to_scancode   (const char               *name,
                                                     guint                    *scancode);

G_END_DECLS
