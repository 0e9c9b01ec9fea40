/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes the inputs channel's parsers: the first byte picks one, the rest
 * is its input. 0: INIT / KEY_MODIFIERS / MOUSE_MOTION_ACK bodies; 1: a
 * key combination ("ctrl-alt-del"); 2: text to type; 3: X keysyms (u32
 * each) and characters; 4: motion flow control driven by the bytes.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-inputs-wire-private.h"
#include "tether-reader-private.h"
#include "fuzz-common.h"

static void
check_events (GArray *events, GError *error)
{
  gint depth = 0;

  if ((events == NULL) == (error == NULL))
    __builtin_trap ();
  if (events == NULL)
    {
      if (!g_error_matches (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT))
        __builtin_trap ();
      return;
    }
  /* Every press has its release. */
  for (guint i = 0; i < events->len; i++)
    {
      TetherSpiceKeyEvent *e = &g_array_index (events, TetherSpiceKeyEvent, i);

      if (e->scancode > 0x37f)
        __builtin_trap ();
      depth += e->down ? 1 : -1;
    }
  if (depth != 0)
    __builtin_trap ();
  g_array_unref (events);
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  GError *error = NULL;
  g_autofree char *text = NULL;
  GBytes *body;
  guint16 m;

  if (size < 1)
    return 0;
  text = g_strndup ((const char *) data + 1, size - 1);
  body = g_bytes_new (data + 1, size - 1);
  switch (data[0] % 5)
    {
    case 0:
      tether_spice_msg_inputs_init_decode (body, &m, &error);
      g_clear_error (&error);
      tether_spice_msg_inputs_key_modifiers_decode (body, &m, &error);
      g_clear_error (&error);
      tether_spice_msg_inputs_mouse_motion_ack_decode (body, &error);
      g_clear_error (&error);
      break;
    case 1:
      check_events (tether_spice_keys_for_combo (text, &error), error);
      g_clear_error (&error);
      break;
    case 2:
      check_events (tether_spice_keys_for_text (text, &error), error);
      g_clear_error (&error);
      break;
    case 3:
      {
        TetherReader r;
        guint32 sym;
        guint code;
        gboolean shift;

        tether_reader_init (&r, data + 1, size - 1);
        while (tether_reader_u32_le (&r, &sym))
          {
            if (tether_spice_keysym_to_scancode (sym, &code, &shift) && code > 0x37f)
              __builtin_trap ();
            if (tether_spice_unichar_to_scancode (sym, &code, &shift) && code > 0x7f)
              __builtin_trap ();
            if (tether_spice_keyname_to_scancode (text, &code) && code > 0x37f)
              __builtin_trap ();
          }
      }
      break;
    case 4:
      {
        TetherSpiceMotionState st;

        tether_spice_motion_reset (&st);
        for (gsize i = 1; i < size; i++)
          {
            GBytes *msg = NULL;

            switch (data[i] % 4)
              {
              case 0: msg = tether_spice_motion_relative (&st, data[i], -(gint32) data[i], data[i]); break;
              case 1: msg = tether_spice_motion_position (&st, data[i], data[i], 0, 0); break;
              case 2: msg = tether_spice_motion_ack (&st); break;
              default: msg = tether_spice_motion_flush (&st); break;
              }
            if (msg != NULL)
              g_bytes_unref (msg);
            if (st.in_flight > TETHER_SPICE_INPUT_MOTION_MAX_PENDING + size)
              __builtin_trap ();
          }
      }
      break;
    default:
      break;
    }
  g_bytes_unref (body);
  return 0;
}
