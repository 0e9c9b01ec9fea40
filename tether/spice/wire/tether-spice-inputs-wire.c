/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-common-messages-private.h"
#include "tether-spice-inputs-wire-private.h"

/* Inputs channel messages and motion flow control (docs/spice-protocol.md
 * §11). The key tables are in tether-spice-inputs-wire-keys.c. */

guint16
tether_spice_mouse_button_mask (guint button)
{
  switch (button)
    {
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_LEFT: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_LEFT;
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_MIDDLE: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_MIDDLE;
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_RIGHT: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_RIGHT;
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_UP: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_UP;
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_DOWN: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_DOWN;
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_SIDE: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_SIDE;
    case TETHER_SPICE_WIRE_MOUSE_BUTTON_EXTRA: return TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_EXTRA;
    default: return 0;
    }
}

guint32
tether_spice_make_scancode (guint scancode, gboolean release)
{
  guint c = scancode & 0x37fu;

  if (release)
    c |= 0x80u;
  if (c < 0x100u)
    return c;
  /* Prefix E0 (0x1xx) or E1 (0x2xx), then the code: bytes on the wire in
   * that order, from the least significant. */
  return (0xe0u + ((c >> 8) - 1u)) | (c & 0xffu) << 8;
}

static GBytes *
encode_u32 (guint32 v)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, v);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_inputs_key_down_encode (guint scancode)
{
  return encode_u32 (tether_spice_make_scancode (scancode, FALSE));
}

GBytes *
tether_spice_msgc_inputs_key_up_encode (guint scancode)
{
  return encode_u32 (tether_spice_make_scancode (scancode, TRUE));
}

GBytes *
tether_spice_msgc_inputs_key_modifiers_encode (guint16 modifiers)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u16_le (&w, modifiers);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_inputs_key_scancode_encode (const guint8 *codes, gsize n)
{
  TetherWriter w;

  g_return_val_if_fail (codes != NULL && n > 0 && n <= TETHER_SPICE_MAX_KEY_SCANCODE_BYTES, NULL);
  tether_writer_init (&w);
  tether_writer_bytes (&w, codes, n);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_inputs_mouse_motion_encode (gint32 dx, gint32 dy, guint16 buttons_state)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_i32_le (&w, dx);
  tether_writer_i32_le (&w, dy);
  tether_writer_u16_le (&w, buttons_state);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_inputs_mouse_position_encode (guint32 x, guint32 y, guint16 buttons_state,
                                                guint8 display_id)
{
  TetherWriter w;

  tether_writer_init (&w);
  tether_writer_u32_le (&w, x);
  tether_writer_u32_le (&w, y);
  tether_writer_u16_le (&w, buttons_state);
  tether_writer_u8 (&w, display_id);
  return tether_spice_wire_take_bytes (&w);
}

static GBytes *
encode_button (guint8 button, guint16 buttons_state)
{
  TetherWriter w;

  g_return_val_if_fail (tether_spice_mouse_button_mask (button) != 0, NULL);
  tether_writer_init (&w);
  tether_writer_u8 (&w, button);
  tether_writer_u16_le (&w, buttons_state);
  return tether_spice_wire_take_bytes (&w);
}

GBytes *
tether_spice_msgc_inputs_mouse_press_encode (guint8 button, guint16 buttons_state)
{
  return encode_button (button, buttons_state);
}

GBytes *
tether_spice_msgc_inputs_mouse_release_encode (guint8 button, guint16 buttons_state)
{
  return encode_button (button, buttons_state);
}

static gboolean
decode_u16 (GBytes *body, const char *what, guint16 *value, GError **error)
{
  TetherReader r;

  tether_reader_init_bytes (&r, body);
  tether_reader_u16_le (&r, value);
  return tether_spice_wire_finish (&r, TRUE, what, error);
}

gboolean
tether_spice_msg_inputs_init_decode (GBytes *body, guint16 *modifiers, GError **error)
{
  return decode_u16 (body, "SPICE message INPUTS_INIT", modifiers, error);
}

gboolean
tether_spice_msg_inputs_key_modifiers_decode (GBytes *body, guint16 *modifiers, GError **error)
{
  return decode_u16 (body, "SPICE message INPUTS_KEY_MODIFIERS", modifiers, error);
}

gboolean
tether_spice_msg_inputs_mouse_motion_ack_decode (GBytes *body, GError **error)
{
  return tether_spice_msg_empty_decode (body, "SPICE message INPUTS_MOUSE_MOTION_ACK", error);
}

/* ---- motion flow control ------------------------------------------------- */

void
tether_spice_motion_reset (TetherSpiceMotionState *state)
{
  memset (state, 0, sizeof *state);
}

static GBytes *
take_pending (TetherSpiceMotionState *state)
{
  GBytes *msg = NULL;

  if (state->has_motion)
    {
      msg = tether_spice_msgc_inputs_mouse_motion_encode ((gint32) CLAMP (state->dx, G_MININT32, G_MAXINT32),
                                                          (gint32) CLAMP (state->dy, G_MININT32, G_MAXINT32),
                                                          state->motion_buttons);
      state->has_motion = FALSE;
      state->dx = state->dy = 0;
    }
  else if (state->has_position)
    {
      msg = tether_spice_msgc_inputs_mouse_position_encode (state->x, state->y,
                                                            state->position_buttons,
                                                            state->display_id);
      state->has_position = FALSE;
    }
  if (msg != NULL)
    state->in_flight++;
  return msg;
}

GBytes *
tether_spice_motion_relative (TetherSpiceMotionState *state, gint32 dx, gint32 dy,
                              guint16 buttons_state)
{
  state->has_motion = TRUE;
  state->dx += dx;
  state->dy += dy;
  state->motion_buttons = buttons_state;
  if (state->in_flight >= TETHER_SPICE_INPUT_MOTION_MAX_PENDING)
    return NULL;
  return take_pending (state);
}

GBytes *
tether_spice_motion_position (TetherSpiceMotionState *state, guint32 x, guint32 y,
                              guint16 buttons_state, guint8 display_id)
{
  state->has_position = TRUE;
  state->x = x;
  state->y = y;
  state->position_buttons = buttons_state;
  state->display_id = display_id;
  if (state->in_flight >= TETHER_SPICE_INPUT_MOTION_MAX_PENDING)
    return NULL;
  return take_pending (state);
}

GBytes *
tether_spice_motion_ack (TetherSpiceMotionState *state)
{
  state->in_flight = state->in_flight > TETHER_SPICE_INPUT_MOTION_ACK_BUNCH
                     ? state->in_flight - TETHER_SPICE_INPUT_MOTION_ACK_BUNCH : 0;
  if (state->in_flight >= TETHER_SPICE_INPUT_MOTION_MAX_PENDING)
    return NULL;
  return take_pending (state);
}

GBytes *
tether_spice_motion_flush (TetherSpiceMotionState *state)
{
  return take_pending (state);
}
