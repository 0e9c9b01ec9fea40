/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Inputs channel (docs/spice-protocol.md §11, Appendix C): message bytes,
 * scan codes, key tables, key combinations and text, motion flow control.
 */
#include "config.h"

#include <string.h>

#include "tether-spice-inputs-wire-private.h"
#include "spice-wire-test.h"

static void
assert_bytes (GBytes *b, const guint8 *expected, gsize len)
{
  g_assert_nonnull (b);
  spice_test_assert_bytes (b, expected, len);
  g_bytes_unref (b);
}

#define ASSERT_BYTES(b, ...) \
  G_STMT_START { \
    static const guint8 e_[] = { __VA_ARGS__ }; \
    assert_bytes ((b), e_, sizeof e_); \
  } G_STMT_END

static void
test_scancodes (void)
{
  g_assert_cmphex (tether_spice_make_scancode (0x1e, FALSE), ==, 0x1e);
  g_assert_cmphex (tether_spice_make_scancode (0x1e, TRUE), ==, 0x9e);
  /* E0-prefixed: the bytes E0, code (from the least significant). */
  g_assert_cmphex (tether_spice_make_scancode (0x148, FALSE), ==, 0x48e0);
  g_assert_cmphex (tether_spice_make_scancode (0x148, TRUE), ==, 0xc8e0);
  /* Pause's E1 1D. */
  g_assert_cmphex (tether_spice_make_scancode (0x21d, FALSE), ==, 0x1de1);
  g_assert_cmphex (tether_spice_make_scancode (0x21d, TRUE), ==, 0x9de1);
  /* Bits beyond 0x37f are dropped. */
  g_assert_cmphex (tether_spice_make_scancode (0x8000 | 0x1e, FALSE), ==, 0x1e);
}

static void
test_encoders (void)
{
  ASSERT_BYTES (tether_spice_msgc_inputs_key_down_encode (0x153), 0xe0, 0x53, 0x00, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_key_up_encode (0x153), 0xe0, 0xd3, 0x00, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_key_down_encode (0x01), 0x01, 0x00, 0x00, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_key_up_encode (0x01), 0x81, 0x00, 0x00, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_key_modifiers_encode (TETHER_SPICE_KEYBOARD_MODIFIER_NUM_LOCK |
                                                               TETHER_SPICE_KEYBOARD_MODIFIER_CAPS_LOCK),
                0x06, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_key_scancode_encode ((const guint8 *) "\xe0\x48\xe0\xc8", 4),
                0xe0, 0x48, 0xe0, 0xc8);
  ASSERT_BYTES (tether_spice_msgc_inputs_mouse_motion_encode (-3, 4, TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_LEFT),
                0xfd, 0xff, 0xff, 0xff,  0x04, 0x00, 0x00, 0x00,  0x01, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_mouse_position_encode (1920, 1080, 0x05, 2),
                0x80, 0x07, 0x00, 0x00,  0x38, 0x04, 0x00, 0x00,  0x05, 0x00,  0x02);
  ASSERT_BYTES (tether_spice_msgc_inputs_mouse_press_encode (TETHER_SPICE_WIRE_MOUSE_BUTTON_RIGHT,
                                                             TETHER_SPICE_WIRE_MOUSE_BUTTON_MASK_RIGHT),
                0x03, 0x04, 0x00);
  ASSERT_BYTES (tether_spice_msgc_inputs_mouse_release_encode (TETHER_SPICE_WIRE_MOUSE_BUTTON_UP, 0),
                0x04, 0x00, 0x00);

  for (guint b = 0; b < 10; b++)
    g_assert_cmphex (tether_spice_mouse_button_mask (b), ==, b >= 1 && b <= 7 ? 1u << (b - 1) : 0);
}

static gboolean
decode_init (GBytes *b, GError **error)
{
  guint16 m;

  return tether_spice_msg_inputs_init_decode (b, &m, error);
}

static gboolean
decode_modifiers (GBytes *b, GError **error)
{
  guint16 m;

  return tether_spice_msg_inputs_key_modifiers_decode (b, &m, error);
}

static gboolean
decode_ack (GBytes *b, GError **error)
{
  return tether_spice_msg_inputs_mouse_motion_ack_decode (b, error);
}

static void
test_decoders (void)
{
  static const guint8 init[] = { 0x07, 0x00 };
  static const guint8 three[] = { 0x07, 0x00, 0x00 };
  static const SpiceValidVector valid[] = {
    { "init", decode_init, SPICE_VEC (init), 0 },
    { "key-modifiers", decode_modifiers, SPICE_VEC (init), 0 },
  };
  static const SpiceBadVector bad[] = {
    { "init-trailing", decode_init, SPICE_VEC (three), TETHER_SPICE_ERROR_PROTOCOL, "trailing" },
    { "ack-not-empty", decode_ack, SPICE_VEC (init), TETHER_SPICE_ERROR_PROTOCOL, "MOTION_ACK" },
  };
  g_autoptr(GBytes) b = spice_test_bytes (SPICE_VEC (init));
  g_autoptr(GBytes) empty = g_bytes_new (NULL, 0);
  guint16 m = 0;

  spice_test_valid_table (valid, G_N_ELEMENTS (valid));
  spice_test_prefix_table (valid, G_N_ELEMENTS (valid));
  spice_test_bad_table (bad, G_N_ELEMENTS (bad));
  g_assert_true (tether_spice_msg_inputs_key_modifiers_decode (b, &m, NULL));
  g_assert_cmphex (m, ==, 7);
  g_assert_true (tether_spice_msg_inputs_mouse_motion_ack_decode (empty, NULL));
}

/* The US layout, row by row, as Appendix C numbers the keys. */
static void
test_us_layout (void)
{
  static const struct { const char *plain, *shifted; guint first; } rows[] = {
    { "1234567890-=", "!@#$%^&*()_+", 0x02 },
    { "qwertyuiop[]", "QWERTYUIOP{}", 0x10 },
    { "asdfghjkl;'`", "ASDFGHJKL:\"~", 0x1e },
    { "zxcvbnm,./", "ZXCVBNM<>?", 0x2c },
  };
  guint n_mapped = 0;

  for (guint r = 0; r < G_N_ELEMENTS (rows); r++)
    for (guint i = 0; rows[r].plain[i] != '\0'; i++)
      {
        guint code;
        gboolean shift;

        g_assert_true (tether_spice_unichar_to_scancode (rows[r].plain[i], &code, &shift));
        g_assert_cmphex (code, ==, rows[r].first + i);
        g_assert_false (shift);
        g_assert_true (tether_spice_unichar_to_scancode (rows[r].shifted[i], &code, &shift));
        g_assert_cmphex (code, ==, rows[r].first + i);
        g_assert_true (shift);
        n_mapped += 2;
      }
  /* Backslash and bar, space, newline, tab. */
  {
    guint code;
    gboolean shift;

    g_assert_true (tether_spice_unichar_to_scancode ('\\', &code, &shift));
    g_assert_cmphex (code, ==, 0x2b);
    g_assert_false (shift);
    g_assert_true (tether_spice_unichar_to_scancode ('|', &code, &shift));
    g_assert_cmphex (code, ==, 0x2b);
    g_assert_true (shift);
    g_assert_true (tether_spice_unichar_to_scancode (' ', &code, &shift));
    g_assert_cmphex (code, ==, 0x39);
    g_assert_true (tether_spice_unichar_to_scancode ('\n', &code, &shift));
    g_assert_cmphex (code, ==, 0x1c);
    g_assert_true (tether_spice_unichar_to_scancode ('\t', &code, &shift));
    g_assert_cmphex (code, ==, 0x0f);
    g_assert_false (tether_spice_unichar_to_scancode (0xe9, &code, &shift));
    g_assert_false (tether_spice_unichar_to_scancode (0x7f, &code, &shift));
    g_assert_false (tether_spice_unichar_to_scancode (0x1f, &code, &shift));
    n_mapped += 3;
  }
  /* Every printable ASCII character is covered. */
  g_assert_cmpuint (n_mapped, ==, 0x7f - 0x20);
}

static void
test_key_names (void)
{
  static const struct { const char *name; guint code; } names[] = {
    { "ctrl", 0x1d }, { "CTRL", 0x1d }, { "Control_R", 0x11d }, { "alt", 0x38 }, { "altgr", 0x138 },
    { "shift", 0x2a }, { "rshift", 0x36 }, { "super", 0x15b }, { "menu", 0x15d },
    { "del", 0x153 }, { "Delete", 0x153 }, { "insert", 0x152 }, { "home", 0x147 }, { "end", 0x14f },
    { "pgup", 0x149 }, { "PageDown", 0x151 }, { "up", 0x148 }, { "down", 0x150 }, { "left", 0x14b },
    { "right", 0x14d }, { "esc", 0x01 }, { "tab", 0x0f }, { "enter", 0x1c }, { "backspace", 0x0e },
    { "space", 0x39 }, { "capslock", 0x3a }, { "numlock", 0x45 }, { "scrolllock", 0x46 },
    { "print", 0x137 }, { "sysrq", 0x54 }, { "pause", 0x21d },
    { "f1", 0x3b }, { "f10", 0x44 }, { "F11", 0x57 }, { "f12", 0x58 },
    { "kp_enter", 0x11c }, { "kp_divide", 0x135 }, { "kp_0", 0x52 }, { "kp_7", 0x47 },
    { "a", 0x1e }, { "Z", 0x2c }, { "5", 0x06 }, { "-", 0x0c }, { "minus", 0x0c }, { "slash", 0x35 },
  };
  guint code;

  for (guint i = 0; i < G_N_ELEMENTS (names); i++)
    {
      if (!tether_spice_keyname_to_scancode (names[i].name, &code))
        g_error ("key name \"%s\" is unknown", names[i].name);
      g_assert_cmphex (code, ==, names[i].code);
    }
  g_assert_false (tether_spice_keyname_to_scancode ("hyper", &code));
  g_assert_false (tether_spice_keyname_to_scancode ("", &code));
  g_assert_false (tether_spice_keyname_to_scancode ("f13", &code));
  g_assert_false (tether_spice_keyname_to_scancode ("\xc3\xa9", &code));
}

static void
test_keysyms (void)
{
  static const struct { guint32 keysym; guint code; gboolean shift; } syms[] = {
    { 0xff0d, 0x1c, FALSE }, { 0xff08, 0x0e, FALSE }, { 0xff1b, 0x01, FALSE }, { 0xffff, 0x153, FALSE },
    { 0xffbe, 0x3b, FALSE }, { 0xffc9, 0x58, FALSE }, { 0xff52, 0x148, FALSE }, { 0xffe3, 0x1d, FALSE },
    { 0xffea, 0x138, FALSE }, { 0xff13, 0x21d, FALSE }, { 0xffb5, 0x4c, FALSE }, { 0xff8d, 0x11c, FALSE },
    { 'a', 0x1e, FALSE }, { 'A', 0x1e, TRUE }, { '?', 0x35, TRUE }, { 0x1000041, 0x1e, TRUE },
  };
  guint code;
  gboolean shift;

  for (guint i = 0; i < G_N_ELEMENTS (syms); i++)
    {
      g_assert_true (tether_spice_keysym_to_scancode (syms[i].keysym, &code, &shift));
      g_assert_cmphex (code, ==, syms[i].code);
      g_assert_cmpint (shift, ==, syms[i].shift);
    }
  g_assert_false (tether_spice_keysym_to_scancode (0xfe50, &code, &shift));   /* dead_grave */
  g_assert_false (tether_spice_keysym_to_scancode (0xe9, &code, &shift));     /* eacute */
  g_assert_false (tether_spice_keysym_to_scancode (0x10000e9, &code, &shift));
}

/* Events as "d1d u1d": d = down, u = up, the code in hex. */
static char *
events_string (GArray *events)
{
  GString *s = g_string_new (NULL);

  for (guint i = 0; i < events->len; i++)
    {
      TetherSpiceKeyEvent *e = &g_array_index (events, TetherSpiceKeyEvent, i);

      g_string_append_printf (s, "%s%c%x", i ? " " : "", e->down ? 'd' : 'u', e->scancode);
    }
  return g_string_free (s, FALSE);
}

static void
assert_combo (const char *combo, const char *expected)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) events = tether_spice_keys_for_combo (combo, &error);
  g_autofree char *got = NULL;

  if (events == NULL)
    g_error ("\"%s\": %s", combo, error->message);
  got = events_string (events);
  g_assert_cmpstr (got, ==, expected);
}

static void
test_combos (void)
{
  static const char *bad[] = { "", "ctrl-", "ctrl-hyper", "ctrl--x", "-a-",
                               "averyveryveryverylongkeynamethatnobodyhas",
                               "a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a" };

  assert_combo ("ctrl-alt-del", "d1d d38 d153 u153 u38 u1d");
  assert_combo ("ctrl+shift+esc", "d1d d2a d1 u1 u2a u1d");
  assert_combo ("super", "d15b u15b");
  assert_combo ("alt-f4", "d38 d3e u3e u38");
  assert_combo ("ctrl--", "d1d dc uc u1d");
  assert_combo ("ctrl-+", "d1d dd ud u1d");
  assert_combo ("-", "dc uc");
  assert_combo ("pause", "d21d d45 u21d u45");
  assert_combo ("a-a-a-a-a-a-a-a-a-a-a-a-a-a-a-a",
                "d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e d1e "
                "u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e u1e");
  for (guint i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) error = NULL;
      GArray *events = tether_spice_keys_for_combo (bad[i], &error);

      if (events != NULL)
        g_error ("\"%s\" parsed", bad[i]);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
    }
}

static void
test_text (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GArray) events = tether_spice_keys_for_text ("aB!\n ", &error);
  g_autofree char *got = NULL;

  g_assert_no_error (error);
  got = events_string (events);
  g_assert_cmpstr (got, ==, "d1e u1e d2a d30 u30 u2a d2a d2 u2 u2a d1c u1c d39 u39");

  g_assert_null (tether_spice_keys_for_text ("caf\xc3\xa9", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "U+00E9"));
  g_clear_error (&error);
  g_assert_null (tether_spice_keys_for_text ("bad \xff", &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_clear_error (&error);
  {
    g_autoptr(GArray) none = tether_spice_keys_for_text ("", &error);

    g_assert_no_error (error);
    g_assert_cmpuint (none->len, ==, 0);
  }
}

/* ---- motion flow control -------------------------------------------------- */

static void
test_motion (void)
{
  TetherSpiceMotionState st;
  GBytes *msg;

  tether_spice_motion_reset (&st);
  /* Eight messages go out at once; the ninth and tenth accumulate. */
  for (guint i = 0; i < TETHER_SPICE_INPUT_MOTION_MAX_PENDING; i++)
    {
      msg = tether_spice_motion_relative (&st, 1, 1, 0);
      g_assert_nonnull (msg);
      g_bytes_unref (msg);
    }
  g_assert_null (tether_spice_motion_relative (&st, 2, -3, 1));
  g_assert_null (tether_spice_motion_relative (&st, 5, 7, 4));
  /* An acknowledgement frees four: the pending sum goes, with the latest
   * buttons. */
  ASSERT_BYTES (tether_spice_motion_ack (&st), 0x07, 0, 0, 0,  0x04, 0, 0, 0,  0x04, 0x00);
  g_assert_cmpuint (st.in_flight, ==, 5);
  /* Nothing pending: an ack sends nothing. */
  g_assert_null (tether_spice_motion_ack (&st));
  g_assert_cmpuint (st.in_flight, ==, 1);

  /* Positions: the latest wins. */
  tether_spice_motion_reset (&st);
  st.in_flight = TETHER_SPICE_INPUT_MOTION_MAX_PENDING;
  g_assert_null (tether_spice_motion_position (&st, 10, 20, 0, 0));
  g_assert_null (tether_spice_motion_position (&st, 30, 40, 2, 1));
  /* Before a button event the pending position is flushed regardless. */
  ASSERT_BYTES (tether_spice_motion_flush (&st), 30, 0, 0, 0,  40, 0, 0, 0,  0x02, 0x00,  0x01);
  g_assert_null (tether_spice_motion_flush (&st));
  g_assert_cmpuint (st.in_flight, ==, TETHER_SPICE_INPUT_MOTION_MAX_PENDING + 1);
  /* Huge sums are clamped to the wire's i32. */
  tether_spice_motion_reset (&st);
  st.in_flight = TETHER_SPICE_INPUT_MOTION_MAX_PENDING;
  g_assert_null (tether_spice_motion_relative (&st, G_MAXINT32, 0, 0));
  g_assert_null (tether_spice_motion_relative (&st, G_MAXINT32, 0, 0));
  ASSERT_BYTES (tether_spice_motion_flush (&st), 0xff, 0xff, 0xff, 0x7f,  0, 0, 0, 0,  0, 0);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/inputs/scancodes", test_scancodes);
  g_test_add_func ("/spice/inputs/encoders", test_encoders);
  g_test_add_func ("/spice/inputs/decoders", test_decoders);
  g_test_add_func ("/spice/inputs/us-layout", test_us_layout);
  g_test_add_func ("/spice/inputs/key-names", test_key_names);
  g_test_add_func ("/spice/inputs/keysyms", test_keysyms);
  g_test_add_func ("/spice/inputs/combos", test_combos);
  g_test_add_func ("/spice/inputs/text", test_text);
  g_test_add_func ("/spice/inputs/motion", test_motion);
  return g_test_run ();
}
