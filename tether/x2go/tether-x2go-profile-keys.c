/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Every session-profile key python-x2go 0.6.1.3 knows (its
 * X2GO_SESSIONPROFILE_DEFAULTS: type = type of the default), plus the keys
 * x2goclient reads that python-x2go does not, with x2goclient's defaults.
 * And a small JSON writer for the command line's dumps.
 */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-x2go-profile-keys-private.h"

#define S TETHER_X2GO_VALUE_STRING
#define I TETHER_X2GO_VALUE_INT
#define B TETHER_X2GO_VALUE_BOOL
#define L TETHER_X2GO_VALUE_LIST
#define E TETHER_X2GO_VALUE_EXPORT
#define PY TETHER_X2GO_KEY_PYTHON_X2GO
#define QT TETHER_X2GO_KEY_X2GOCLIENT_ONLY

static const TetherX2goProfileKey profile_keys[] = {
  { "name",                 S, "NEW_PROFILE", PY },
  { "host",                 L, "server.mydomain", PY },
  { "sshport",              I, "22", PY },
  { "user",                 S, NULL, PY },
  { "key",                  S, "", PY },
  { "autologin",            B, "true", PY },
  { "krblogin",             B, "false", PY },
  { "forwardsshagent",      B, "false", PY },
  { "uniquehostkeyaliases", B, "false", PY },
  { "autoconnect",          B, "false", PY },
  { "autostart",            B, "false", PY },
  { "usesshproxy",          B, "false", PY },
  { "sshproxyhost",         S, "proxyhost.mydomain", PY },
  { "sshproxyport",         I, "22", PY },
  { "sshproxyuser",         S, "", PY },
  { "sshproxykeyfile",      S, "", PY },
  { "sshproxytype",         S, "SSH", PY },
  { "sshproxysameuser",     B, "false", PY },
  { "sshproxysamepass",     B, "false", PY },
  { "sshproxyautologin",    B, "true", PY },
  { "command",              S, "TERMINAL", PY },
  { "rootless",             B, "true", PY },
  { "published",            B, "false", PY },
  { "applications",         L, "WWWBROWSER, MAILCLIENT, OFFICE, TERMINAL", PY },
  { "kdrive",               B, "false", PY },
  { "speed",                I, "2", PY },
  { "pack",                 S, "16m-jpeg", PY },
  { "quality",              I, "9", PY },
  { "fullscreen",           B, "false", PY },
  { "maxdim",               B, "false", PY },
  { "width",                I, "800", PY },
  { "height",               I, "600", PY },
  { "dpi",                  I, "96", PY },
  { "setdpi",               B, "false", PY },
  { "xinerama",             B, "false", PY },
  { "multidisp",            B, "false", PY },
  { "display",              I, "1", PY },
  { "clipboard",            S, "both", PY },
  { "usekbd",               B, "true", PY },
  { "type",                 S, "pc105/us", PY },
  { "layout",               S, "us", PY },
  { "variant",              S, "", PY },
  { "sound",                B, "false", PY },
  { "soundsystem",          S, "pulse", PY },
  { "sndport",              I, "4713", PY },
  { "startsoundsystem",     B, "false", PY },
  { "soundtunnel",          B, "true", PY },
  { "defsndport",           B, "true", PY },
  { "useexports",           B, "true", PY },
  { "restoreexports",       B, "false", PY },
  { "export",               E, "", PY },
  { "fstunnel",             B, "true", PY },
  { "usemimebox",           B, "false", PY },
  { "mimeboxextensions",    S, "", PY },
  { "mimeboxaction",        S, "OPEN", PY },
  { "print",                B, "false", PY },
  { "useiconv",             B, "false", PY },
  { "iconvfrom",            S, "UTF-8", PY },
  { "iconvto",              S, "UTF-8", PY },
  { "setsessiontitle",      B, "false", PY },
  { "sessiontitle",         S, "", PY },
  { "rdpserver",            S, "", PY },
  { "rdpoptions",           S, "-u X2GO_USER -p X2GO_PASSWORD", PY },
  { "directrdp",            B, "false", PY },
  { "directrdpsettings",    S, "", PY },
  { "rdpclient",            S, "rdesktop", PY },
  { "rdpport",              I, "3389", PY },
  { "xdmcpserver",          S, "localhost", PY },
  { "icon",                 S, ":icons/128x128/x2gosession.png", PY },
  /* Read by x2goclient only. */
  { "krbdelegation",        B, "false", QT },
  { "sshproxykrblogin",     B, "false", QT },
  { "directxdmcp",          B, "false", QT },
  { "directxdmcpsettings",  S, "", QT },
  { "xdmcpclient",          S, "Xnest", QT },
  { "shadowuser",           S, "", QT },
  { "shadowdisplay",        S, "", QT },
  { "shadowfullaccess",     B, "false", QT },
};

#undef S
#undef I
#undef B
#undef L
#undef E
#undef PY
#undef QT

const TetherX2goProfileKey *
tether_x2go_profile_keys (gsize *n_keys)
{
  *n_keys = G_N_ELEMENTS (profile_keys);
  return profile_keys;
}

const TetherX2goProfileKey *
tether_x2go_profile_key_lookup (const char *key)
{
  for (gsize k = 0; key != NULL && k < G_N_ELEMENTS (profile_keys); k++)
    if (strcmp (profile_keys[k].key, key) == 0)
      return &profile_keys[k];
  return NULL;
}

GVariant *
tether_x2go_profile_key_default (const TetherX2goProfileKey *key)
{
  GVariant *v;

  if (key->default_text == NULL)
    return g_variant_ref_sink (g_variant_new_string (g_get_user_name ()));
  v = tether_x2go_value_from_text (key->kind, key->default_text, NULL);
  g_assert (v != NULL);
  return v;
}

gboolean
tether_x2go_profile_is_non_profile_section (const char *section)
{
  /* python-x2go skips "embedded" (x2goclient's embedded-mode settings) and
   * "none"; "General" is Qt's root group, never a profile. */
  return strcmp (section, "embedded") == 0 || strcmp (section, "none") == 0 ||
         strcmp (section, "General") == 0;
}

const char *
tether_x2go_desktop_session_for_command (const char *command)
{
  static const char *const desktops[][2] = {
    { "IceWM", "icewm" },
    { "KDE", "startkde" },
    { "MATE", "mate-session" },
    { "XFCE", "xfce4-session" },
    { "LXDE", "startlxde" },
    { "LXQt", "startlxqt" },
    { "TRINITY", "starttrinity" },
    { "CINNAMON", "cinnamon-session-cinnamon2d" },
    { "GNOME", "gnome-session" },
    { "UNITY", "unity" },
  };

  for (gsize k = 0; command != NULL && k < G_N_ELEMENTS (desktops); k++)
    if (strcmp (command, desktops[k][0]) == 0 || strcmp (command, desktops[k][1]) == 0)
      return desktops[k][0];
  return NULL;
}

/* ---- JSON --------------------------------------------------------------- */

void
tether_x2go_json_append_string (GString *out, const char *text)
{
  const char *p = text, *end = text + strlen (text);

  g_string_append_c (out, '"');
  while (p < end)
    {
      gunichar cp = g_utf8_get_char_validated (p, end - p);

      if (cp == (gunichar) -1 || cp == (gunichar) -2)
        {
          /* Not UTF-8: one byte becomes U+FFFD. */
          g_string_append (out, "\\ufffd");
          p++;
          continue;
        }
      switch (cp)
        {
        case '"': g_string_append (out, "\\\""); break;
        case '\\': g_string_append (out, "\\\\"); break;
        case '\b': g_string_append (out, "\\b"); break;
        case '\f': g_string_append (out, "\\f"); break;
        case '\n': g_string_append (out, "\\n"); break;
        case '\r': g_string_append (out, "\\r"); break;
        case '\t': g_string_append (out, "\\t"); break;
        default:
          /* Control characters, DEL, and the two line separators that
           * JavaScript does not allow raw in strings. */
          if (cp < 0x20 || cp == 0x7f || cp == 0x2028 || cp == 0x2029)
            g_string_append_printf (out, "\\u%04x", cp);
          else
            g_string_append_unichar (out, cp);
          break;
        }
      p = g_utf8_next_char (p);
    }
  g_string_append_c (out, '"');
}

gboolean
tether_x2go_json_append_value (GString *out, GVariant *value)
{
  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    tether_x2go_json_append_string (out, g_variant_get_string (value, NULL));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    g_string_append_printf (out, "%" G_GINT32_FORMAT, g_variant_get_int32 (value));
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BOOLEAN))
    g_string_append (out, g_variant_get_boolean (value) ? "true" : "false");
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      gsize n = g_variant_n_children (value);

      g_string_append_c (out, '[');
      for (gsize k = 0; k < n; k++)
        {
          const char *item;

          g_variant_get_child (value, k, "&s", &item);
          if (k > 0)
            g_string_append (out, ", ");
          tether_x2go_json_append_string (out, item);
        }
      g_string_append_c (out, ']');
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE ("a{sb}")))
    {
      GVariantIter iter;
      const char *path;
      gboolean flag;
      gboolean first = TRUE;

      g_string_append_c (out, '{');
      g_variant_iter_init (&iter, value);
      while (g_variant_iter_next (&iter, "{&sb}", &path, &flag))
        {
          if (!first)
            g_string_append (out, ", ");
          first = FALSE;
          tether_x2go_json_append_string (out, path);
          g_string_append (out, flag ? ": true" : ": false");
        }
      g_string_append_c (out, '}');
    }
  else
    return FALSE;
  return TRUE;
}
