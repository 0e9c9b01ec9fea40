/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* tss-input.c: keyboard, mouse and tablet interfaces that count what a
 * client sends and, on request, print it as lines on stdout:
 *   KEY down 0x1e | KEY up 0xe01d      PC/AT set-1 make code, 0xe0/0xe1 prefix kept
 *   MOUSE X Y buttons=B                absolute position (client mouse mode)
 *   MOTION DX DY DZ buttons=B          relative motion (server mouse mode)
 *   BUTTONS buttons=B                  button state change
 *   WHEEL N buttons=B                  wheel turned N steps (client mouse mode)
 * The button bits are spice-server's: 1 left, 2 right, 4 middle, 8/16 wheel.
 * spice-server calls these on its main thread; the counters are atomic all
 * the same. */
#include "config.h"

#include "tss.h"

static gboolean print_input;
static guint64 key_events;
static guint64 mouse_events;
static GMutex count_lock;

/* Scan-code reassembly: 0xe0 prefixes one byte, 0xe1 (Pause) two; the
 * byte after the prefix carries the break bit. */
static guint8 sequence[3];
static guint sequence_length;
static guint sequence_wanted;
static guint8 leds;

static void
count_key (void)
{
  g_mutex_lock (&count_lock);
  key_events++;
  g_mutex_unlock (&count_lock);
}

static void
count_mouse (void)
{
  g_mutex_lock (&count_lock);
  mouse_events++;
  g_mutex_unlock (&count_lock);
}

static void
kbd_push_scan_freg (SpiceKbdInstance *sin, uint8_t frag)
{
  guint32 code = 0;
  gboolean up;

  if (sequence_length == 0)
    sequence_wanted = frag == 0xe0 ? 2 : frag == 0xe1 ? 3 : 1;
  sequence[sequence_length++] = frag;
  if (sequence_length < sequence_wanted)
    return;

  up = (sequence[sequence_wanted == 1 ? 0 : 1] & 0x80) != 0;
  for (guint i = 0; i < sequence_length; i++)
    code = (code << 8) | (i == 0 && sequence_wanted > 1 ? sequence[i] : (sequence[i] & 0x7fu));
  sequence_length = 0;

  count_key ();
  if (print_input)
    tss_emit ("KEY %s 0x%02x", up ? "up" : "down", code);
}

static uint8_t
kbd_get_leds (SpiceKbdInstance *sin)
{
  return leds;
}

static const SpiceKbdInterface kbd_interface = {
  .base = {
    .type = SPICE_INTERFACE_KEYBOARD,
    .description = "tether-test-spice-server keyboard",
    .major_version = SPICE_INTERFACE_KEYBOARD_MAJOR,
    .minor_version = SPICE_INTERFACE_KEYBOARD_MINOR,
  },
  .push_scan_freg = kbd_push_scan_freg,
  .get_leds = kbd_get_leds,
};

static void
mouse_motion (SpiceMouseInstance *sin, int dx, int dy, int dz, uint32_t buttons)
{
  count_mouse ();
  if (print_input)
    tss_emit ("MOTION %d %d %d buttons=%u", dx, dy, dz, buttons);
}

static void
mouse_buttons (SpiceMouseInstance *sin, uint32_t buttons)
{
  count_mouse ();
  if (print_input)
    tss_emit ("BUTTONS buttons=%u", buttons);
}

static const SpiceMouseInterface mouse_interface = {
  .base = {
    .type = SPICE_INTERFACE_MOUSE,
    .description = "tether-test-spice-server mouse",
    .major_version = SPICE_INTERFACE_MOUSE_MAJOR,
    .minor_version = SPICE_INTERFACE_MOUSE_MINOR,
  },
  .motion = mouse_motion,
  .buttons = mouse_buttons,
};

static void
tablet_set_logical_size (SpiceTabletInstance *sin, int width, int height)
{
}

static void
tablet_position (SpiceTabletInstance *sin, int x, int y, uint32_t buttons)
{
  count_mouse ();
  if (print_input)
    tss_emit ("MOUSE %d %d buttons=%u", x, y, buttons);
}

/* In client mouse mode spice-server reports a button press as a wheel call
 * with no motion. */
static void
tablet_wheel (SpiceTabletInstance *sin, int motion, uint32_t buttons)
{
  count_mouse ();
  if (!print_input)
    return;
  if (motion == 0)
    tss_emit ("BUTTONS buttons=%u", buttons);
  else
    tss_emit ("WHEEL %d buttons=%u", motion, buttons);
}

static void
tablet_buttons (SpiceTabletInstance *sin, uint32_t buttons)
{
  count_mouse ();
  if (print_input)
    tss_emit ("BUTTONS buttons=%u", buttons);
}

static const SpiceTabletInterface tablet_interface = {
  .base = {
    .type = SPICE_INTERFACE_TABLET,
    .description = "tether-test-spice-server tablet",
    .major_version = SPICE_INTERFACE_TABLET_MAJOR,
    .minor_version = SPICE_INTERFACE_TABLET_MINOR,
  },
  .set_logical_size = tablet_set_logical_size,
  .position = tablet_position,
  .wheel = tablet_wheel,
  .buttons = tablet_buttons,
};

static SpiceKbdInstance kbd_instance = { .base.sif = &kbd_interface.base };
static SpiceMouseInstance mouse_instance = { .base.sif = &mouse_interface.base };
static SpiceTabletInstance tablet_instance = { .base.sif = &tablet_interface.base };

gboolean
tss_input_attach (SpiceServer *server, gboolean print)
{
  print_input = print;
  return spice_server_add_interface (server, &kbd_instance.base) == 0
         && spice_server_add_interface (server, &mouse_instance.base) == 0
         && spice_server_add_interface (server, &tablet_instance.base) == 0;
}

guint64
tss_input_key_count (void)
{
  guint64 n;

  g_mutex_lock (&count_lock);
  n = key_events;
  g_mutex_unlock (&count_lock);
  return n;
}

guint64
tss_input_mouse_count (void)
{
  guint64 n;

  g_mutex_lock (&count_lock);
  n = mouse_events;
  g_mutex_unlock (&count_lock);
  return n;
}
