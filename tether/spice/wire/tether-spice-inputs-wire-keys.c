/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-Spice"

#include "config.h"

#include <string.h>

#include "tether-spice-inputs-wire-private.h"

/*
 * Key names, US-layout characters and X keysyms to PC/AT scan codes, set 1
 * (docs/spice-protocol.md Appendix C), as spice-gtk's API values: 0x1xx is
 * a key with the E0 prefix.
 */

typedef struct {
  const char *name;
  guint       scancode;
} KeyName;

/* Names are matched without regard to case. */
static const KeyName key_names[] = {
  { "esc", 0x01 }, { "escape", 0x01 },
  { "backspace", 0x0e }, { "bksp", 0x0e },
  { "tab", 0x0f },
  { "enter", 0x1c }, { "return", 0x1c }, { "ret", 0x1c },
  { "ctrl", 0x1d }, { "control", 0x1d }, { "lctrl", 0x1d }, { "ctrl_l", 0x1d }, { "control_l", 0x1d },
  { "rctrl", 0x11d }, { "ctrl_r", 0x11d }, { "control_r", 0x11d },
  { "shift", 0x2a }, { "lshift", 0x2a }, { "shift_l", 0x2a },
  { "rshift", 0x36 }, { "shift_r", 0x36 },
  { "alt", 0x38 }, { "lalt", 0x38 }, { "alt_l", 0x38 },
  { "ralt", 0x138 }, { "alt_r", 0x138 }, { "altgr", 0x138 },
  { "super", 0x15b }, { "win", 0x15b }, { "meta", 0x15b }, { "lwin", 0x15b }, { "super_l", 0x15b },
  { "windows", 0x15b },
  { "rsuper", 0x15c }, { "rwin", 0x15c }, { "super_r", 0x15c },
  { "menu", 0x15d }, { "compose", 0x15d },
  { "space", 0x39 }, { "spc", 0x39 },
  { "capslock", 0x3a }, { "caps", 0x3a }, { "caps_lock", 0x3a },
  { "numlock", 0x45 }, { "num_lock", 0x45 },
  { "scrolllock", 0x46 }, { "scroll_lock", 0x46 },
  { "f1", 0x3b }, { "f2", 0x3c }, { "f3", 0x3d }, { "f4", 0x3e }, { "f5", 0x3f }, { "f6", 0x40 },
  { "f7", 0x41 }, { "f8", 0x42 }, { "f9", 0x43 }, { "f10", 0x44 }, { "f11", 0x57 }, { "f12", 0x58 },
  { "home", 0x147 }, { "end", 0x14f },
  { "pgup", 0x149 }, { "pageup", 0x149 }, { "page_up", 0x149 }, { "prior", 0x149 },
  { "pgdn", 0x151 }, { "pagedown", 0x151 }, { "page_down", 0x151 }, { "next", 0x151 },
  { "insert", 0x152 }, { "ins", 0x152 },
  { "delete", 0x153 }, { "del", 0x153 },
  { "up", 0x148 }, { "down", 0x150 }, { "left", 0x14b }, { "right", 0x14d },
  { "print", 0x137 }, { "printscreen", 0x137 }, { "prtsc", 0x137 },
  { "sysrq", 0x54 },
  { "pause", TETHER_SPICE_SCANCODE_PAUSE }, { "break", TETHER_SPICE_SCANCODE_PAUSE },
  { "minus", 0x0c }, { "equal", 0x0d }, { "bracketleft", 0x1a }, { "bracketright", 0x1b },
  { "backslash", 0x2b }, { "semicolon", 0x27 }, { "apostrophe", 0x28 }, { "grave", 0x29 },
  { "comma", 0x33 }, { "period", 0x34 }, { "dot", 0x34 }, { "slash", 0x35 },
  { "less", 0x56 },
  { "kp_0", 0x52 }, { "kp_1", 0x4f }, { "kp_2", 0x50 }, { "kp_3", 0x51 }, { "kp_4", 0x4b },
  { "kp_5", 0x4c }, { "kp_6", 0x4d }, { "kp_7", 0x47 }, { "kp_8", 0x48 }, { "kp_9", 0x49 },
  { "kp_enter", 0x11c }, { "kp_add", 0x4e }, { "kp_plus", 0x4e }, { "kp_subtract", 0x4a },
  { "kp_minus", 0x4a }, { "kp_multiply", 0x37 }, { "kp_divide", 0x135 }, { "kp_decimal", 0x53 },
};

/* US layout: printable ASCII 0x20..0x7e, as (scan code, shift). */
typedef struct {
  guint8 scancode;
  guint8 shift;
} CharKey;

static const CharKey ascii_keys[0x7f - 0x20] = {
  /* ' ' */ { 0x39, 0 }, /* ! */ { 0x02, 1 }, /* " */ { 0x28, 1 }, /* # */ { 0x04, 1 },
  /* $ */ { 0x05, 1 }, /* % */ { 0x06, 1 }, /* & */ { 0x08, 1 }, /* ' */ { 0x28, 0 },
  /* ( */ { 0x0a, 1 }, /* ) */ { 0x0b, 1 }, /* * */ { 0x09, 1 }, /* + */ { 0x0d, 1 },
  /* , */ { 0x33, 0 }, /* - */ { 0x0c, 0 }, /* . */ { 0x34, 0 }, /* / */ { 0x35, 0 },
  /* 0 */ { 0x0b, 0 }, /* 1 */ { 0x02, 0 }, /* 2 */ { 0x03, 0 }, /* 3 */ { 0x04, 0 },
  /* 4 */ { 0x05, 0 }, /* 5 */ { 0x06, 0 }, /* 6 */ { 0x07, 0 }, /* 7 */ { 0x08, 0 },
  /* 8 */ { 0x09, 0 }, /* 9 */ { 0x0a, 0 }, /* : */ { 0x27, 1 }, /* ; */ { 0x27, 0 },
  /* < */ { 0x33, 1 }, /* = */ { 0x0d, 0 }, /* > */ { 0x34, 1 }, /* ? */ { 0x35, 1 },
  /* @ */ { 0x03, 1 }, /* A */ { 0x1e, 1 }, /* B */ { 0x30, 1 }, /* C */ { 0x2e, 1 },
  /* D */ { 0x20, 1 }, /* E */ { 0x12, 1 }, /* F */ { 0x21, 1 }, /* G */ { 0x22, 1 },
  /* H */ { 0x23, 1 }, /* I */ { 0x17, 1 }, /* J */ { 0x24, 1 }, /* K */ { 0x25, 1 },
  /* L */ { 0x26, 1 }, /* M */ { 0x32, 1 }, /* N */ { 0x31, 1 }, /* O */ { 0x18, 1 },
  /* P */ { 0x19, 1 }, /* Q */ { 0x10, 1 }, /* R */ { 0x13, 1 }, /* S */ { 0x1f, 1 },
  /* T */ { 0x14, 1 }, /* U */ { 0x16, 1 }, /* V */ { 0x2f, 1 }, /* W */ { 0x11, 1 },
  /* X */ { 0x2d, 1 }, /* Y */ { 0x15, 1 }, /* Z */ { 0x2c, 1 }, /* [ */ { 0x1a, 0 },
  /* \ */ { 0x2b, 0 }, /* ] */ { 0x1b, 0 }, /* ^ */ { 0x07, 1 }, /* _ */ { 0x0c, 1 },
  /* ` */ { 0x29, 0 }, /* a */ { 0x1e, 0 }, /* b */ { 0x30, 0 }, /* c */ { 0x2e, 0 },
  /* d */ { 0x20, 0 }, /* e */ { 0x12, 0 }, /* f */ { 0x21, 0 }, /* g */ { 0x22, 0 },
  /* h */ { 0x23, 0 }, /* i */ { 0x17, 0 }, /* j */ { 0x24, 0 }, /* k */ { 0x25, 0 },
  /* l */ { 0x26, 0 }, /* m */ { 0x32, 0 }, /* n */ { 0x31, 0 }, /* o */ { 0x18, 0 },
  /* p */ { 0x19, 0 }, /* q */ { 0x10, 0 }, /* r */ { 0x13, 0 }, /* s */ { 0x1f, 0 },
  /* t */ { 0x14, 0 }, /* u */ { 0x16, 0 }, /* v */ { 0x2f, 0 }, /* w */ { 0x11, 0 },
  /* x */ { 0x2d, 0 }, /* y */ { 0x15, 0 }, /* z */ { 0x2c, 0 }, /* { */ { 0x1a, 1 },
  /* | */ { 0x2b, 1 }, /* } */ { 0x1b, 1 }, /* ~ */ { 0x29, 1 },
};

gboolean
tether_spice_unichar_to_scancode (gunichar c, guint *scancode, gboolean *shift)
{
  *scancode = 0;
  *shift = FALSE;
  switch (c)
    {
    case '\n':
    case '\r':
      *scancode = 0x1c;
      return TRUE;
    case '\t':
      *scancode = 0x0f;
      return TRUE;
    default:
      break;
    }
  if (c < 0x20 || c > 0x7e)
    return FALSE;
  *scancode = ascii_keys[c - 0x20].scancode;
  *shift = ascii_keys[c - 0x20].shift != 0;
  return TRUE;
}

gboolean
tether_spice_keyname_to_scancode (const char *name, guint *scancode)
{
  gboolean shift;

  *scancode = 0;
  if (name == NULL || name[0] == '\0')
    return FALSE;
  for (gsize i = 0; i < G_N_ELEMENTS (key_names); i++)
    if (g_ascii_strcasecmp (name, key_names[i].name) == 0)
      {
        *scancode = key_names[i].scancode;
        return TRUE;
      }
  /* A single character names its key (a letter in either case, a digit,
   * or an unshifted punctuation mark). */
  if (name[1] == '\0')
    return tether_spice_unichar_to_scancode ((gunichar) g_ascii_tolower (name[0]), scancode, &shift);
  return FALSE;
}

typedef struct {
  guint32 keysym;
  guint   scancode;
} KeysymKey;

static const KeysymKey keysym_keys[] = {
  { 0xff08, 0x0e },   /* BackSpace */
  { 0xff09, 0x0f },   /* Tab */
  { 0xff0d, 0x1c },   /* Return */
  { 0xff13, TETHER_SPICE_SCANCODE_PAUSE },  /* Pause */
  { 0xff14, 0x46 },   /* Scroll_Lock */
  { 0xff15, 0x54 },   /* Sys_Req */
  { 0xff1b, 0x01 },   /* Escape */
  { 0xff50, 0x147 },  /* Home */
  { 0xff51, 0x14b },  /* Left */
  { 0xff52, 0x148 },  /* Up */
  { 0xff53, 0x14d },  /* Right */
  { 0xff54, 0x150 },  /* Down */
  { 0xff55, 0x149 },  /* Prior */
  { 0xff56, 0x151 },  /* Next */
  { 0xff57, 0x14f },  /* End */
  { 0xff61, 0x137 },  /* Print */
  { 0xff63, 0x152 },  /* Insert */
  { 0xff67, 0x15d },  /* Menu */
  { 0xff7f, 0x45 },   /* Num_Lock */
  { 0xff8d, 0x11c },  /* KP_Enter */
  { 0xff95, 0x47 },   /* KP_Home */
  { 0xff96, 0x4b },   /* KP_Left */
  { 0xff97, 0x48 },   /* KP_Up */
  { 0xff98, 0x4d },   /* KP_Right */
  { 0xff99, 0x50 },   /* KP_Down */
  { 0xff9a, 0x49 },   /* KP_Prior */
  { 0xff9b, 0x51 },   /* KP_Next */
  { 0xff9c, 0x4f },   /* KP_End */
  { 0xff9d, 0x4c },   /* KP_Begin */
  { 0xff9e, 0x52 },   /* KP_Insert */
  { 0xff9f, 0x53 },   /* KP_Delete */
  { 0xffaa, 0x37 },   /* KP_Multiply */
  { 0xffab, 0x4e },   /* KP_Add */
  { 0xffad, 0x4a },   /* KP_Subtract */
  { 0xffae, 0x53 },   /* KP_Decimal */
  { 0xffaf, 0x135 },  /* KP_Divide */
  { 0xffb0, 0x52 }, { 0xffb1, 0x4f }, { 0xffb2, 0x50 }, { 0xffb3, 0x51 }, { 0xffb4, 0x4b },
  { 0xffb5, 0x4c }, { 0xffb6, 0x4d }, { 0xffb7, 0x47 }, { 0xffb8, 0x48 }, { 0xffb9, 0x49 },
  { 0xffbe, 0x3b }, { 0xffbf, 0x3c }, { 0xffc0, 0x3d }, { 0xffc1, 0x3e }, { 0xffc2, 0x3f },
  { 0xffc3, 0x40 }, { 0xffc4, 0x41 }, { 0xffc5, 0x42 }, { 0xffc6, 0x43 }, { 0xffc7, 0x44 },
  { 0xffc8, 0x57 }, { 0xffc9, 0x58 },   /* F1 .. F12 */
  { 0xffe1, 0x2a },   /* Shift_L */
  { 0xffe2, 0x36 },   /* Shift_R */
  { 0xffe3, 0x1d },   /* Control_L */
  { 0xffe4, 0x11d },  /* Control_R */
  { 0xffe5, 0x3a },   /* Caps_Lock */
  { 0xffe7, 0x15b },  /* Meta_L */
  { 0xffe8, 0x15c },  /* Meta_R */
  { 0xffe9, 0x38 },   /* Alt_L */
  { 0xffea, 0x138 },  /* Alt_R */
  { 0xffeb, 0x15b },  /* Super_L */
  { 0xffec, 0x15c },  /* Super_R */
  { 0xfe03, 0x138 },  /* ISO_Level3_Shift (AltGr) */
  { 0xffff, 0x153 },  /* Delete */
};

gboolean
tether_spice_keysym_to_scancode (guint32 keysym, guint *scancode, gboolean *shift)
{
  *scancode = 0;
  *shift = FALSE;
  /* Latin-1 keysyms are their characters; 0x1000000 | U is Unicode U. */
  if (keysym >= 0x20 && keysym <= 0x7e)
    return tether_spice_unichar_to_scancode (keysym, scancode, shift);
  if ((keysym & 0xff000000u) == 0x01000000u)
    return tether_spice_unichar_to_scancode (keysym & 0x00ffffffu, scancode, shift);
  for (gsize i = 0; i < G_N_ELEMENTS (keysym_keys); i++)
    if (keysym_keys[i].keysym == keysym)
      {
        *scancode = keysym_keys[i].scancode;
        return TRUE;
      }
  return FALSE;
}

static void
push (GArray *events, guint scancode, gboolean down)
{
  TetherSpiceKeyEvent ev = { scancode, down };

  g_array_append_val (events, ev);
}

/* Pause is two codes on press and on release, in the same order. */
static void
press (GArray *events, guint scancode, gboolean down)
{
  push (events, scancode, down);
  if (scancode == TETHER_SPICE_SCANCODE_PAUSE)
    push (events, 0x45, down);
}

static gboolean
is_separator (char c)
{
  return c == '-' || c == '+';
}

GArray *
tether_spice_keys_for_combo (const char *combo, GError **error)
{
  guint codes[TETHER_SPICE_MAX_KEY_COMBO];
  guint n = 0;
  gsize pos = 0, len;
  gboolean expect_key = TRUE;
  GArray *events;

  g_return_val_if_fail (combo != NULL, NULL);
  len = strlen (combo);
  /* Keys joined by '-' or '+'; where a key is expected, a separator is
   * itself the key ("ctrl--" is Ctrl and Minus). */
  while (pos < len)
    {
      char name[32];
      gsize n_name = 0;
      guint code;

      if (!expect_key)
        {
          /* Only after a separator used as a key ("--x") can a key
           * follow a key directly. */
          if (!is_separator (combo[pos]))
            {
              g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "Key combination \"%s\" needs '-' or '+' between keys", combo);
              return NULL;
            }
          pos++;
          expect_key = TRUE;
          continue;
        }
      if (is_separator (combo[pos]))
        name[n_name++] = combo[pos++];
      else
        while (pos < len && !is_separator (combo[pos]))
          {
            if (n_name + 1 >= sizeof name)
              {
                g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                             "Key combination \"%s\" has a key name that is too long", combo);
                return NULL;
              }
            name[n_name++] = combo[pos++];
          }
      name[n_name] = '\0';
      expect_key = FALSE;
      if (n >= TETHER_SPICE_MAX_KEY_COMBO)
        {
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Key combination \"%s\" has more than %u keys", combo,
                       TETHER_SPICE_MAX_KEY_COMBO);
          return NULL;
        }
      if (!tether_spice_keyname_to_scancode (name, &code))
        {
          g_autofree char *shown = g_strescape (name, NULL);

          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Unknown key \"%s\" in \"%s\"", shown, combo);
          return NULL;
        }
      codes[n++] = code;
    }
  if (n == 0 || expect_key)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Key combination \"%s\" %s", combo, n == 0 ? "names no key" : "ends without a key");
      return NULL;
    }

  events = g_array_new (FALSE, FALSE, sizeof (TetherSpiceKeyEvent));
  for (guint i = 0; i < n; i++)
    press (events, codes[i], TRUE);
  for (guint i = n; i > 0; i--)
    press (events, codes[i - 1], FALSE);
  return events;
}

GArray *
tether_spice_keys_for_text (const char *utf8, GError **error)
{
  GArray *events;
  glong n_chars;

  g_return_val_if_fail (utf8 != NULL, NULL);
  if (!g_utf8_validate (utf8, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT, "Text is not valid UTF-8");
      return NULL;
    }
  n_chars = g_utf8_strlen (utf8, -1);
  if (n_chars > (glong) TETHER_SPICE_MAX_KEY_TEXT)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "Text of %ld characters is longer than the limit of %u", n_chars,
                   TETHER_SPICE_MAX_KEY_TEXT);
      return NULL;
    }
  events = g_array_new (FALSE, FALSE, sizeof (TetherSpiceKeyEvent));
  for (const char *p = utf8; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);
      guint code;
      gboolean shift;

      if (!tether_spice_unichar_to_scancode (c, &code, &shift))
        {
          char shown[8] = { 0 };

          if (g_unichar_isprint (c))
            g_unichar_to_utf8 (c, shown);
          g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                       "Character U+%04X%s%s%s has no key on the US keyboard layout",
                       (guint) c, shown[0] ? " '" : "", shown, shown[0] ? "'" : "");
          g_array_unref (events);
          return NULL;
        }
      if (shift)
        push (events, TETHER_SPICE_SCANCODE_LEFT_SHIFT, TRUE);
      push (events, code, TRUE);
      push (events, code, FALSE);
      if (shift)
        push (events, TETHER_SPICE_SCANCODE_LEFT_SHIFT, FALSE);
    }
  return events;
}
