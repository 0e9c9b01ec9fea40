/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-command-private.h"
#include "tether-x2go-limits-private.h"
#include "tether-x2go-text-private.h"

#define ALNUM "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"

/* NX 3 compression ("pack") methods. Those in the second list also take a
 * JPEG/PNG quality suffix -0 ... -9 (x2goclient and python-x2go send
 * "<method>-<quality>"); without it NX uses its default quality. */
static const char *const pack_methods[] = {
  "nopack", "8", "64", "256", "512", "4k", "32k", "64k", "256k", "2m", "16m",
  "256-rdp", "256-rdp-compressed", "32k-rdp", "32k-rdp-compressed", "64k-rdp",
  "64k-rdp-compressed", "16m-rdp", "16m-rdp-compressed",
  "rfb-hextile", "rfb-tight", "rfb-tight-compressed",
  "8-tight", "64-tight", "256-tight", "512-tight", "4k-tight", "32k-tight",
  "64k-tight", "256k-tight", "2m-tight", "16m-tight",
  "64-jpeg", "256-jpeg", "512-jpeg", "4k-jpeg", "32k-jpeg", "64k-jpeg", "256k-jpeg", "2m-jpeg",
  "64-png-jpeg", "256-png-jpeg", "512-png-jpeg", "4k-png-jpeg", "32k-png-jpeg",
  "64k-png-jpeg", "256k-png-jpeg", "2m-png-jpeg",
  "64-png", "256-png", "512-png", "4k-png", "32k-png", "64k-png", "256k-png", "2m-png",
};
static const char *const pack_methods_with_quality[] = {
  "8-jpeg", "16m-jpeg", "8-png-jpeg", "16m-png-jpeg", "8-png", "16m-png", "16m-rgb", "16m-rle",
};

static const char *const links[] = { "modem", "isdn", "adsl", "wan", "lan" };
static const char *const clipboard_modes[] = { "both", "server", "client", "none" };
static const char *const sound_systems[] = { "pulse", "esd", "arts", "none" };
static const guint depths[] = { 8, 15, 16, 24, 32 };

/* Session commands the server knows by name: x2goruncommand maps the desktop
 * names and the generic ones to installed programs itself
 * (X2GO_SERVERSIDE_DESKTOPCOMMANDS). XFCE4 is sent as XFCE. */
static const char *const named_commands[] = {
  "KDE", "GNOME", "XFCE", "LXDE", "LXQt", "MATE", "IceWM", "ICEWM", "TRINITY",
  "CINNAMON", "UNITY", "OPENBOX",
  "TERMINAL", "WWWBROWSER", "MAILCLIENT", "OFFICE",
};

/* Environment variables x2goruncommand may be given (x2go-protocol.md §4.8). */
static const char *const run_env_names[] = {
  "X2GO_SPOOLDIR", "X2GO_MIMEBOX", "PULSE_CLIENTCONFIG",
};

static gboolean
in_list (const char *value, const char *const *list, gsize n)
{
  for (gsize i = 0; i < n; i++)
    if (strcmp (value, list[i]) == 0)
      return TRUE;
  return FALSE;
}

#define IN_LIST(value, list) in_list ((value), (list), G_N_ELEMENTS (list))

static gboolean
bad_option (GError **error, const char *option, const char *value, const char *expected)
{
  g_autofree char *q = value != NULL ? tether_x2go_quote_for_message (value) : g_strdup ("(none)");

  g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED,
               "invalid value for X2Go option '%s': %s (expected %s)", option, q, expected);
  return FALSE;
}

static void
append_quoted (GString *s, const char *arg)
{
  g_autofree char *q = g_shell_quote (arg);

  g_string_append_c (s, ' ');
  g_string_append (s, q);
}

/* ---- validators ----------------------------------------------------------- */

gboolean
tether_x2go_check_geometry (const char *geometry, GError **error)
{
  g_auto(GStrv) wh = NULL;
  guint64 v;

  if (geometry == NULL)
    return bad_option (error, "geometry", NULL, "<width>x<height> or fullscreen");
  if (strcmp (geometry, "fullscreen") == 0)
    return TRUE;
  if (strcmp (geometry, "maximize") == 0)
    return bad_option (error, "geometry", geometry,
                       "<width>x<height> or fullscreen; resolve maximize to the "
                       "work-area size first");
  if (!tether_x2go_is_word (geometry, "0123456789x", 16))
    return bad_option (error, "geometry", geometry, "<width>x<height> or fullscreen");
  wh = g_strsplit (geometry, "x", 3);
  if (g_strv_length (wh) != 2 || wh[0][0] == '0' || wh[1][0] == '0' ||
      !tether_x2go_parse_uint (wh[0], 1, TETHER_X2GO_MAX_GEOMETRY_DIM, &v) ||
      !tether_x2go_parse_uint (wh[1], 1, TETHER_X2GO_MAX_GEOMETRY_DIM, &v))
    return bad_option (error, "geometry", geometry,
                       "<width>x<height> (1-16384 each) or fullscreen");
  return TRUE;
}

gboolean
tether_x2go_check_link (const char *link, GError **error)
{
  if (link == NULL || !IN_LIST (link, links))
    return bad_option (error, "link", link, "modem, isdn, adsl, wan or lan");
  return TRUE;
}

gboolean
tether_x2go_check_pack (const char *pack, GError **error)
{
  gsize len;

  if (pack == NULL)
    return bad_option (error, "pack", NULL, "an NX pack method such as 16m-jpeg-9");
  if (IN_LIST (pack, pack_methods) || IN_LIST (pack, pack_methods_with_quality))
    return TRUE;
  len = strlen (pack);
  if (len > 2 && pack[len - 2] == '-' && g_ascii_isdigit (pack[len - 1]))
    {
      g_autofree char *base = g_strndup (pack, len - 2);

      if (IN_LIST (base, pack_methods_with_quality))
        return TRUE;
    }
  return bad_option (error, "pack", pack, "an NX pack method such as 16m-jpeg-9");
}

static gboolean
check_session_name (const char *name, GError **error)
{
  if (name == NULL || !tether_x2go_is_session_name (name))
    return bad_option (error, "session name", name,
                       "a session name of [A-Za-z0-9._@-] characters");
  return TRUE;
}

static gboolean
check_session_type (char type, GError **error)
{
  switch (type)
    {
    case 'D': case 'K': case 'R': case 'P': case 'S':
      return TRUE;
    default:
      {
        char text[2] = { type, '\0' };
        return bad_option (error, "session type", text, "one of D, K, R, P, S");
      }
    }
}

/* The keyboard and display arguments shared by start and resume. */
typedef struct {
  const char *kbd_layout;
  const char *kbd_type;
  gboolean    set_kbd;
  const char *clipboard;
} KbdArgs;

static gboolean
check_common (const TetherX2goSessionParams *p, KbdArgs *out, GError **error)
{
  if (!tether_x2go_check_geometry (p->geometry, error) ||
      !tether_x2go_check_link (p->link, error) ||
      !tether_x2go_check_pack (p->pack, error))
    return FALSE;

  out->kbd_layout = p->kbd_layout != NULL && p->kbd_layout[0] != '\0' ? p->kbd_layout : "null";
  if (!tether_x2go_is_word (out->kbd_layout, ALNUM "_,+-", TETHER_X2GO_MAX_KBD_TEXT))
    return bad_option (error, "keyboard layout", out->kbd_layout, "a layout such as us or de,us");

  out->kbd_type = p->kbd_type != NULL && p->kbd_type[0] != '\0' ? p->kbd_type : "null/null";
  if (strcmp (out->kbd_type, "auto") != 0)
    {
      g_auto(GStrv) parts = g_strsplit (out->kbd_type, "/", 3);

      /* It lands in the agent's NX options: no commas, no '='. */
      if (g_strv_length (parts) != 2 ||
          !tether_x2go_is_word (parts[0], ALNUM "_+-", TETHER_X2GO_MAX_KBD_TEXT) ||
          !tether_x2go_is_word (parts[1], ALNUM "_+-", TETHER_X2GO_MAX_KBD_TEXT))
        return bad_option (error, "keyboard type", out->kbd_type,
                           "<model>/<layout> such as pc105/de, auto or null/null");
    }
  out->set_kbd = p->set_kbd && strcmp (out->kbd_type, "null/null") != 0;

  out->clipboard = p->clipboard != NULL ? p->clipboard : "both";
  if (!IN_LIST (out->clipboard, clipboard_modes))
    return bad_option (error, "clipboard", out->clipboard, "both, server, client or none");
  return TRUE;
}

/* A command line for x2goruncommand: printable UTF-8 without control
 * characters, not an option, a relative path only as a bare name. */
static gboolean
check_user_command (const char *command, GError **error)
{
  gsize len = command != NULL ? strlen (command) : 0;
  g_autofree char *first = NULL;
  const char *space;

  if (len == 0 || len > TETHER_X2GO_MAX_COMMAND_LENGTH || !g_utf8_validate (command, (gssize) len, NULL))
    return bad_option (error, "command", command, "a command line of at most 1024 bytes");
  for (gsize i = 0; i < len; i++)
    if ((guchar) command[i] < 0x20 || command[i] == 0x7f)
      return bad_option (error, "command", command, "a command line without control characters");
  if (command[0] == '-' || command[0] == ' ')
    return bad_option (error, "command", command, "a command line starting with the program");
  space = strchr (command, ' ');
  first = space != NULL ? g_strndup (command, (gsize) (space - command)) : g_strdup (command);
  if (strchr (first, '/') != NULL && first[0] != '/')
    return bad_option (error, "command", command, "a program name or an absolute path");
  return TRUE;
}

/* "<0|1>XSHAD<user>XSHAD:<display>[.<screen>]" */
static gboolean
check_shadow_spec (const char *spec, GError **error)
{
  static const char expected[] = "<0|1>XSHAD<user>XSHAD:<display> for a shadow session";
  g_auto(GStrv) parts = NULL;
  g_auto(GStrv) disp = NULL;
  guint64 v;

  if (spec == NULL)
    return bad_option (error, "command", NULL, expected);
  parts = g_strsplit (spec, "XSHAD", 4);
  if (g_strv_length (parts) != 3 ||
      (strcmp (parts[0], "0") != 0 && strcmp (parts[0], "1") != 0) ||
      !tether_x2go_is_user_name (parts[1]) || parts[2][0] != ':')
    return bad_option (error, "command", spec, expected);
  disp = g_strsplit (parts[2] + 1, ".", 3);
  if (g_strv_length (disp) < 1 || g_strv_length (disp) > 2 ||
      !tether_x2go_parse_uint (disp[0], 0, TETHER_X2GO_MAX_DISPLAY, &v) ||
      (disp[1] != NULL && !tether_x2go_parse_uint (disp[1], 0, 255, &v)))
    return bad_option (error, "command", spec, expected);
  return TRUE;
}

typedef enum {
  CMD_NAMED,      /* a name the server maps: KDE, TERMINAL, ... */
  CMD_PUBLISHED,
  CMD_XDMCP,
  CMD_SHADOW,
  CMD_USER,       /* a command line */
} CommandKind;

/* Classifies the session command and gives the tag x2gostartagent puts in
 * the session name (argument 9). */
static gboolean
resolve_command (const TetherX2goSessionParams *p,
                 CommandKind                   *kind,
                 char                         **tag,
                 GError                       **error)
{
  const char *cmd = p->command;

  *tag = NULL;
  if (!check_session_type (p->session_type, error))
    return FALSE;

  if (p->session_type == 'S')
    {
      if (!check_shadow_spec (cmd, error))
        return FALSE;
      *kind = CMD_SHADOW;
      *tag = g_strdup (cmd);
      return TRUE;
    }
  if (p->session_type == 'P' && (cmd == NULL || cmd[0] == '\0' || strcmp (cmd, "PUBLISHED") == 0))
    {
      *kind = CMD_PUBLISHED;
      *tag = g_strdup ("PUBLISHED");
      return TRUE;
    }
  if (cmd == NULL || cmd[0] == '\0')
    return bad_option (error, "command", cmd, "a session command");
  if (strcmp (cmd, "XFCE4") == 0)
    cmd = "XFCE";
  if (strcmp (cmd, "RDP") == 0 || strcmp (cmd, "DirectRDP") == 0)
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
                           "RDP sessions through X2Go are not supported yet");
      return FALSE;
    }
  if (IN_LIST (cmd, named_commands))
    {
      *kind = CMD_NAMED;
      *tag = g_strdup (cmd);
      return TRUE;
    }
  if (strcmp (cmd, "XDMCP") == 0)
    {
      *kind = CMD_XDMCP;
      *tag = g_strdup (cmd);
      return TRUE;
    }
  if (strcmp (cmd, "PUBLISHED") == 0)
    return bad_option (error, "command", cmd, "PUBLISHED only with session type P");
  if (!check_user_command (cmd, error))
    return FALSE;

  /* The tag: the program's base name, in the characters a session name
   * keeps (the server would drop the others itself). */
  {
    const char *space = strchr (cmd, ' ');
    g_autofree char *first = space != NULL ? g_strndup (cmd, (gsize) (space - cmd)) : g_strdup (cmd);
    g_autofree char *base = g_path_get_basename (first);
    GString *t = g_string_new (NULL);

    for (gsize i = 0; base[i] != '\0'; i++)
      if (strchr (ALNUM "._-", base[i]) != NULL)
        g_string_append_c (t, base[i]);
    if (t->len == 0 || strcmp (t->str, ".") == 0 || strcmp (t->str, "..") == 0)
      g_string_assign (t, "custom");
    *tag = g_string_free (t, FALSE);
  }
  *kind = CMD_USER;
  return TRUE;
}

/* ---- simple commands ------------------------------------------------------- */

char *
tether_x2go_command_list_sessions (gboolean with_shadow_sessions)
{
  return g_strdup (with_shadow_sessions
                   ? "export HOSTNAME && { x2golistsessions; x2golistshadowsessions; }"
                   : "export HOSTNAME && x2golistsessions");
}

char *
tether_x2go_command_list_desktops (void)
{
  return g_strdup ("export HOSTNAME && x2golistdesktops");
}

char *
tether_x2go_command_list_mounts (const char *session_name, GError **error)
{
  GString *s;

  if (!check_session_name (session_name, error))
    return NULL;
  s = g_string_new ("export HOSTNAME && x2golistmounts");
  append_quoted (s, session_name);
  return g_string_free (s, FALSE);
}

char *
tether_x2go_command_feature_list (void)
{
  return g_strdup ("which x2gofeaturelist >/dev/null && x2gofeaturelist");
}

char *
tether_x2go_command_feature (const char *feature, GError **error)
{
  GString *s;

  if (feature == NULL || !tether_x2go_is_feature_name (feature))
    {
      bad_option (error, "feature", feature, "a feature name ([A-Z][A-Z0-9_]*)");
      return NULL;
    }
  s = g_string_new ("x2gofeature");
  append_quoted (s, feature);
  return g_string_free (s, FALSE);
}

char *
tether_x2go_command_version (void)
{
  return g_strdup ("which x2goversion >/dev/null && x2goversion");
}

char *
tether_x2go_command_get_apps (void)
{
  return g_strdup ("which x2gogetapps >/dev/null && x2gogetapps");
}

static char *
simple_session_command (const char *command, const char *session_name, GError **error)
{
  GString *s;

  if (!check_session_name (session_name, error))
    return NULL;
  s = g_string_new (command);
  append_quoted (s, session_name);
  return g_string_free (s, FALSE);
}

char *
tether_x2go_command_suspend_session (const char *session_name, GError **error)
{
  return simple_session_command ("x2gosuspend-session", session_name, error);
}

char *
tether_x2go_command_terminate_session (const char *session_name, GError **error)
{
  return simple_session_command ("x2goterminate-session", session_name, error);
}

/* ---- x2gostartagent -------------------------------------------------------- */

char *
tether_x2go_command_start_agent (const TetherX2goSessionParams *p, GError **error)
{
  g_autofree char *tag = NULL;
  g_autofree char *type_arg = NULL;
  const char *cache_type;
  guint depth;
  CommandKind kind;
  KbdArgs kbd;
  GString *s;

  g_return_val_if_fail (p != NULL, NULL);

  if (!check_common (p, &kbd, error) || !resolve_command (p, &kind, &tag, error))
    return NULL;

  cache_type = p->cache_type != NULL ? p->cache_type : "unix-kde";
  if (!tether_x2go_is_word (cache_type, "abcdefghijklmnopqrstuvwxyz-", 32) ||
      cache_type[0] == '-' || g_str_has_suffix (cache_type, "-"))
    {
      bad_option (error, "cache type", cache_type, "an NX cache type such as unix-kde");
      return NULL;
    }
  depth = p->depth != 0 ? p->depth : 24;
  {
    gboolean ok = FALSE;

    for (gsize i = 0; i < G_N_ELEMENTS (depths); i++)
      ok |= depth == depths[i];
    if (!ok)
      {
        g_autofree char *d = g_strdup_printf ("%u", depth);
        bad_option (error, "colour depth", d, "8, 15, 16, 24 or 32");
        return NULL;
      }
  }
  if (p->dpi > TETHER_X2GO_MAX_DPI)
    {
      g_autofree char *d = g_strdup_printf ("%u", p->dpi);
      bad_option (error, "dpi", d, "1-1000, or 0 for the server's default");
      return NULL;
    }
  if (kind == CMD_XDMCP && p->xdmcp_server != NULL &&
      !tether_x2go_is_host_name (p->xdmcp_server) && !tether_x2go_is_ip_address (p->xdmcp_server))
    {
      bad_option (error, "XDMCP server", p->xdmcp_server, "a host name or IP address");
      return NULL;
    }
  type_arg = g_strdup_printf ("%s-depth_%u", cache_type, depth);

  s = g_string_new (NULL);
  g_string_append_printf (s, "X2GO_XINERAMA=%s", p->xinerama ? "true" : "false");
  if (p->dpi != 0)
    g_string_append_printf (s, " X2GODPI=%u", p->dpi);
  if (kind == CMD_XDMCP && p->xdmcp_server != NULL)
    {
      g_autofree char *q = g_shell_quote (p->xdmcp_server);
      g_string_append_printf (s, " X2GOXDMCP=%s", q);
    }
  g_string_append (s, " x2gostartagent");
  append_quoted (s, p->geometry);
  append_quoted (s, p->link);
  append_quoted (s, p->pack);
  append_quoted (s, type_arg);
  append_quoted (s, kbd.kbd_layout);
  append_quoted (s, kbd.kbd_type);
  g_string_append_printf (s, " %d %c", kbd.set_kbd ? 1 : 0, p->session_type);
  append_quoted (s, tag);
  if (kind != CMD_SHADOW)
    append_quoted (s, kbd.clipboard);
  return g_string_free (s, FALSE);
}

/* ---- x2goresume-session ---------------------------------------------------- */

char *
tether_x2go_command_resume_session (const char                    *session_name,
                                    const TetherX2goSessionParams *p,
                                    GError                       **error)
{
  KbdArgs kbd;
  GString *s;

  g_return_val_if_fail (p != NULL, NULL);

  if (!check_session_name (session_name, error) || !check_common (p, &kbd, error))
    return NULL;
  s = g_string_new ("x2goresume-session");
  append_quoted (s, session_name);
  append_quoted (s, p->geometry);
  append_quoted (s, p->link);
  append_quoted (s, p->pack);
  append_quoted (s, kbd.kbd_layout);
  append_quoted (s, kbd.kbd_type);
  g_string_append_printf (s, " %d", kbd.set_kbd ? 1 : 0);
  append_quoted (s, kbd.clipboard);
  /* The server tests the text for truthiness; py-x2go sends True/False. */
  g_string_append (s, p->xinerama ? " True" : " False");
  return g_string_free (s, FALSE);
}

/* ---- x2goruncommand ------------------------------------------------------- */

static gboolean
check_env_entry (const char *entry, GError **error)
{
  const char *eq = strchr (entry, '=');
  g_autofree char *name = eq != NULL ? g_strndup (entry, (gsize) (eq - entry)) : NULL;
  const char *value = eq != NULL ? eq + 1 : NULL;
  gsize len;

  if (name == NULL || !IN_LIST (name, run_env_names))
    return bad_option (error, "environment", entry,
                       "X2GO_SPOOLDIR=, X2GO_MIMEBOX= or PULSE_CLIENTCONFIG=<path>");
  len = strlen (value);
  if (len == 0 || len > TETHER_X2GO_MAX_PATH || value[0] != '/' ||
      !g_utf8_validate (value, (gssize) len, NULL))
    return bad_option (error, name, value, "an absolute path");
  for (gsize i = 0; i < len; i++)
    if ((guchar) value[i] < 0x20 || value[i] == 0x7f)
      return bad_option (error, name, value, "a path without control characters");
  return TRUE;
}

char *
tether_x2go_command_run_command (guint                          display,
                                 guint                          agent_pid,
                                 const char                    *session_name,
                                 guint                          sound_port,
                                 const TetherX2goSessionParams *p,
                                 const char                    *sound_system,
                                 const char *const             *env,
                                 GError                       **error)
{
  g_autofree char *tag = NULL;
  g_autofree char *cmd_arg = NULL;
  CommandKind kind;
  GString *s;
  gsize n_env = 0;

  g_return_val_if_fail (p != NULL, NULL);

  if (display > TETHER_X2GO_MAX_DISPLAY)
    {
      g_autofree char *d = g_strdup_printf ("%u", display);
      bad_option (error, "display", d, "a display number");
      return NULL;
    }
  if (agent_pid == 0 || agent_pid > TETHER_X2GO_MAX_PID)
    {
      g_autofree char *d = g_strdup_printf ("%u", agent_pid);
      bad_option (error, "agent PID", d, "a process ID");
      return NULL;
    }
  if (sound_port == 0 || sound_port > G_MAXUINT16)
    {
      g_autofree char *d = g_strdup_printf ("%u", sound_port);
      bad_option (error, "sound port", d, "a port number (1-65535)");
      return NULL;
    }
  if (!check_session_name (session_name, error) || !resolve_command (p, &kind, &tag, error))
    return NULL;
  if (kind == CMD_XDMCP || kind == CMD_SHADOW)
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED,
                   "%s sessions run no command: x2goruncommand is not used for them",
                   kind == CMD_XDMCP ? "XDMCP" : "shadow");
      return NULL;
    }
  if (sound_system == NULL || !IN_LIST (sound_system, sound_systems))
    {
      bad_option (error, "sound system", sound_system, "pulse, esd, arts or none");
      return NULL;
    }
  for (; env != NULL && env[n_env] != NULL; n_env++)
    if (n_env >= TETHER_X2GO_MAX_ENV_VARS || !check_env_entry (env[n_env], error))
      {
        if (n_env >= TETHER_X2GO_MAX_ENV_VARS)
          bad_option (error, "environment", env[n_env], "at most 16 variables");
        return NULL;
      }

  switch (kind)
    {
    case CMD_NAMED:
    case CMD_PUBLISHED:
      cmd_arg = g_strdup (tag);
      break;
    case CMD_USER:
      {
        /* x2goruncommand turns X2GO_SPACE_CHAR back into blanks. */
        g_auto(GStrv) words = g_strsplit (p->command, " ", -1);
        cmd_arg = g_strjoinv ("X2GO_SPACE_CHAR", words);
      }
      break;
    case CMD_XDMCP:
    case CMD_SHADOW:
    default:
      g_assert_not_reached ();
    }

  s = g_string_new (NULL);
  for (gsize i = 0; i < n_env; i++)
    {
      const char *eq = strchr (env[i], '=');
      g_autofree char *q = g_shell_quote (eq + 1);

      g_string_append_len (s, env[i], (gssize) (eq - env[i]) + 1);
      g_string_append (s, q);
      g_string_append_c (s, ' ');
    }
  g_string_append_printf (s, "setsid x2goruncommand %u %u", display, agent_pid);
  append_quoted (s, session_name);
  g_string_append_printf (s, " %u", sound_port);
  append_quoted (s, cmd_arg);
  append_quoted (s, sound_system);
  g_string_append_printf (s, " %c 1>/dev/null 2>/dev/null & exit", p->session_type);
  return g_string_free (s, FALSE);
}
