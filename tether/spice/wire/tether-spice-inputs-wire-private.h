/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

/*
 * Inputs channel (docs/spice-protocol.md §11): the client's keyboard and
 * mouse messages, the server's three messages, motion flow control, and a
 * table from key names, characters (US layout) and X keysyms to PC/AT
 * scan codes (set 1, Appendix C).
 *
 * Scan codes use spice-gtk's API values: 0x00–0x7f a plain key, 0x100 | c
 * a key with the E0 prefix, 0x21d the E1 1D of Pause.
 */

#include <gio/gio.h>

#include "tether-spice-wire-private.h"

G_BEGIN_DECLS

/* The server acknowledges every 4 motion/position messages; the client
 * stops sending at 8 unacknowledged. */
#define TETHER_SPICE_INPUT_MOTION_ACK_BUNCH   4u
#define TETHER_SPICE_INPUT_MOTION_MAX_PENDING (2u * TETHER_SPICE_INPUT_MOTION_ACK_BUNCH)

/* Keyboard modifiers (lock LEDs) */
#define TETHER_SPICE_KEYBOARD_MODIFIER_SCROLL_LOCK  (1u << 0)
#define TETHER_SPICE_KEYBOARD_MODIFIER_NUM_LOCK     (1u << 1)
#define TETHER_SPICE_KEYBOARD_MODIFIER_CAPS_LOCK    (1u << 2)

/* Mouse buttons (u8) and the button mask (u16) */
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_LEFT    1u
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MIDDLE  2u
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_RIGHT   3u
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_UP      4u
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_DOWN    5u
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_SIDE    6u
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_EXTRA   7u

#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_LEFT    (1u << 0)
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_MIDDLE  (1u << 1)
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_RIGHT   (1u << 2)
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_UP      (1u << 3)
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_DOWN    (1u << 4)
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_SIDE    (1u << 5)
#define TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_EXTRA   (1u << 6)

/* The mask bit of a button, 0 for a value that is not a button. */
guint16  tether_spice_mouse_button_mask (guint button);

/* The most bytes one KEY_SCANCODE message carries (Tether's cap). */
#define TETHER_SPICE_MAX_KEY_SCANCODE_BYTES   64u

/* API scan codes of keys the tables below name. */
#define TETHER_SPICE_SCANCODE_PAUSE           0x21du   /* then 0x45, see below */
#define TETHER_SPICE_SCANCODE_LEFT_SHIFT      0x2au

/* KEY_DOWN/KEY_UP's u32 for API scan code @scancode: spice_make_scancode. */
guint32  tether_spice_make_scancode (guint scancode, gboolean release);

/* ---- client -> server --------------------------------------------------- */

GBytes  *tether_spice_msgc_inputs_key_down_encode      (guint scancode);
GBytes  *tether_spice_msgc_inputs_key_up_encode        (guint scancode);
/* @modifiers: TETHER_SPICE_KEYBOARD_MODIFIER_* to set in the guest. */
GBytes  *tether_spice_msgc_inputs_key_modifiers_encode (guint16 modifiers);
/* Raw scan code bytes, sent at once (server cap KEY_SCANCODE);
 * 1 ≤ @n ≤ TETHER_SPICE_MAX_KEY_SCANCODE_BYTES. */
GBytes  *tether_spice_msgc_inputs_key_scancode_encode  (const guint8 *codes, gsize n);
GBytes  *tether_spice_msgc_inputs_mouse_motion_encode  (gint32 dx, gint32 dy, guint16 buttons_state);
GBytes  *tether_spice_msgc_inputs_mouse_position_encode (guint32 x, guint32 y, guint16 buttons_state,
                                                         guint8 display_id);
/* @buttons_state: the mask after the event. */
GBytes  *tether_spice_msgc_inputs_mouse_press_encode   (guint8 button, guint16 buttons_state);
GBytes  *tether_spice_msgc_inputs_mouse_release_encode (guint8 button, guint16 buttons_state);

/* ---- server -> client --------------------------------------------------- */

/* INIT and KEY_MODIFIERS: u16 keyboard modifiers (unknown bits are kept). */
gboolean tether_spice_msg_inputs_init_decode          (GBytes *body, guint16 *modifiers,
                                                       GError **error);
gboolean tether_spice_msg_inputs_key_modifiers_decode (GBytes *body, guint16 *modifiers,
                                                       GError **error);
gboolean tether_spice_msg_inputs_mouse_motion_ack_decode (GBytes *body, GError **error);

/* ---- motion flow control (§11.3) ---------------------------------------- */

/*
 * Counts motion messages in flight. While 8 are unacknowledged, relative
 * motion accumulates (dx, dy summed, the latest buttons) and a position
 * overwrites the pending one; the pending message goes out with the next
 * acknowledgement, or before a button event (flush).
 */
typedef struct {
  guint    in_flight;
  gboolean has_motion;
  gint64   dx;
  gint64   dy;
  guint16  motion_buttons;
  gboolean has_position;
  guint32  x;
  guint32  y;
  guint16  position_buttons;
  guint8   display_id;
} TetherSpiceMotionState;

void     tether_spice_motion_reset (TetherSpiceMotionState *state);
/* A message to send now, or NULL when it had to wait. */
GBytes  *tether_spice_motion_relative (TetherSpiceMotionState *state, gint32 dx, gint32 dy,
                                       guint16 buttons_state);
GBytes  *tether_spice_motion_position (TetherSpiceMotionState *state, guint32 x, guint32 y,
                                       guint16 buttons_state, guint8 display_id);
/* MOUSE_MOTION_ACK: frees a bunch; returns the pending message, if any. */
GBytes  *tether_spice_motion_ack (TetherSpiceMotionState *state);
/* The pending message regardless of the count (before a press/release). */
GBytes  *tether_spice_motion_flush (TetherSpiceMotionState *state);

/* ---- key tables ---------------------------------------------------------- */

/* A key name ("ctrl", "alt", "del", "f5", "pgup", "kp_enter", "a", "5",
 * "minus"...; case-insensitive) to its API scan code. */
gboolean tether_spice_keyname_to_scancode (const char *name, guint *scancode);
/* A character of the US layout (printable ASCII, '\n', '\t') to its key
 * and whether Shift is needed. */
gboolean tether_spice_unichar_to_scancode (gunichar c, guint *scancode, gboolean *shift);
/* An X keysym (Latin-1, the function/cursor/keypad/modifier keys, and
 * Unicode keysyms 0x1000000 | U) to its key and Shift. */
gboolean tether_spice_keysym_to_scancode (guint32 keysym, guint *scancode, gboolean *shift);

typedef struct {
  guint    scancode;   /* API value */
  gboolean down;
} TetherSpiceKeyEvent;

/* The most keys one combination may press. */
#define TETHER_SPICE_MAX_KEY_COMBO  16u
/* The longest text tether_spice_keys_for_text() takes, in characters. */
#define TETHER_SPICE_MAX_KEY_TEXT   65536u

/*
 * "ctrl-alt-del", "ctrl+shift+esc", "super", "alt-f4": keys joined by '-'
 * or '+', pressed in order and released in reverse. Returns an array of
 * TetherSpiceKeyEvent; G_IO_ERROR_INVALID_ARGUMENT names an unknown key.
 * Pause is pressed as 0x21d, 0x45 and released the same way, like a PC
 * keyboard.
 */
GArray  *tether_spice_keys_for_combo (const char *combo, GError **error);
/* Presses and releases the keys that type @utf8 on a US layout, with
 * Shift around the characters that need it. A character the layout lacks
 * is G_IO_ERROR_INVALID_ARGUMENT. */
GArray  *tether_spice_keys_for_text  (const char *utf8, GError **error);

G_END_DECLS
