/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* x2goclient's settings, printing and xconfig files; see
 * tether-x2go-ini-config-private.h. */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <errno.h>
#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-ini-config-private.h"
#include "tether-x2go-ini-private.h"

#define S TETHER_X2GO_VALUE_STRING
#define I TETHER_X2GO_VALUE_INT
#define B TETHER_X2GO_VALUE_BOOL
#define L TETHER_X2GO_VALUE_LIST

static const TetherX2goConfigKey settings_keys[] = {
  { "LDAP", "useldap", B, "false" },
  { "LDAP", "port", I, "389" },
  { "LDAP", "server", S, "localhost" },
  { "LDAP", "port1", I, "0" },
  { "LDAP", "port2", I, "0" },
  { "General", "clientport", I, "22" },
  { "General", "autoresume", B, "true" },
  { "Authorization", "newprofile", B, "true" },
  { "Authorization", "suspend", B, "true" },
  { "Authorization", "editprofile", B, "true" },
  { "Authorization", "resume", B, "true" },
  { "trayicon", "enabled", B, "true" },
  { "trayicon", "mintotray", B, "true" },
  { "trayicon", "noclose", B, "true" },
  { "trayicon", "mincon", B, "true" },
  { "trayicon", "maxdiscon", B, "true" },
};

static const TetherX2goConfigKey printing_keys[] = {
  { "General", "showdialog", B, "false" },
  { "General", "pdfview", B, "true" },
  { "print", "startcmd", B, "false" },
  { "print", "command", S, "lpr" },
  { "print", "stdin", B, "false" },
  { "print", "ps", B, "false" },
  { "print", "gsprint", S, "%ProgramFiles%\\GhostGum\\gsview\\gsprint.exe" },
  { "save", "folder", S, "PDF" },
  { "view", "open", B, "true" },
  { "view", "command", S, "xdg-open" },
  { "CUPS", "defaultprinter", S, "PDF" },
};

static const TetherX2goConfigKey xconfig_keys[] = {
  { "XServers", "known_xservers", L, "VcXsrv_development, VcXsrv_shipped, VcXsrv, Xming, Cygwin-X" },
  /* One section per X server. */
  { "*", "display", S, "localhost:40" },
  { "*", "last_display", S, "localhost:40" },
  { "*", "process_name", S, "" },
  { "*", "test_installed", S, "" },
  { "*", "run_command", S, "" },
  { "*", "parameters", L, ":40, -clipboard, -multiwindow, -notrayicon, -nowinkill, -nounixkill, "
                          "-swcursor" },
};

#undef S
#undef I
#undef B
#undef L

struct _TetherX2goConfigFile {
  TetherX2goConfigKind  kind;
  char                 *path;
  char                 *system_path;  /* NULL: none */
  TetherX2goIni        *user;
  TetherX2goIni        *system;       /* NULL: none */
  gboolean              user_broken;
};

const TetherX2goConfigKey *
tether_x2go_config_keys (TetherX2goConfigKind kind, gsize *n_keys)
{
  switch (kind)
    {
    case TETHER_X2GO_CONFIG_SETTINGS:
      *n_keys = G_N_ELEMENTS (settings_keys);
      return settings_keys;
    case TETHER_X2GO_CONFIG_PRINTING:
      *n_keys = G_N_ELEMENTS (printing_keys);
      return printing_keys;
    case TETHER_X2GO_CONFIG_XCONFIG:
      *n_keys = G_N_ELEMENTS (xconfig_keys);
      return xconfig_keys;
    default:
      *n_keys = 0;
      g_return_val_if_reached (NULL);
    }
}

const char *
tether_x2go_config_file_name (TetherX2goConfigKind kind)
{
  switch (kind)
    {
    case TETHER_X2GO_CONFIG_SETTINGS: return "settings";
    case TETHER_X2GO_CONFIG_PRINTING: return "printing";
    case TETHER_X2GO_CONFIG_XCONFIG:  return "xconfig";
    default:
      g_return_val_if_reached ("settings");
    }
}

static const TetherX2goConfigKey *
lookup_key (TetherX2goConfigKind kind, const char *section, const char *key)
{
  gsize n;
  const TetherX2goConfigKey *keys = tether_x2go_config_keys (kind, &n);
  const TetherX2goConfigKey *wildcard = NULL;

  for (gsize k = 0; k < n; k++)
    {
      if (strcmp (keys[k].key, key) != 0)
        continue;
      if (strcmp (keys[k].section, section) == 0)
        return &keys[k];
      if (strcmp (keys[k].section, "*") == 0)
        wildcard = &keys[k];
    }
  return wildcard;
}

TetherX2goConfigFile *
tether_x2go_config_file_new (TetherX2goConfigKind kind, const char *client_rootdir,
                             const char *system_dir)
{
  TetherX2goConfigFile *cf = g_new0 (TetherX2goConfigFile, 1);

  g_return_val_if_fail (client_rootdir != NULL, NULL);

  cf->kind = kind;
  cf->path = g_build_filename (client_rootdir, tether_x2go_config_file_name (kind), NULL);
  if (system_dir != NULL && system_dir[0] != '\0')
    cf->system_path = g_build_filename (system_dir, tether_x2go_config_file_name (kind), NULL);
  cf->user = tether_x2go_ini_new ();
  return cf;
}

void
tether_x2go_config_file_free (TetherX2goConfigFile *cf)
{
  if (cf == NULL)
    return;
  g_free (cf->path);
  g_free (cf->system_path);
  tether_x2go_ini_free (cf->user);
  tether_x2go_ini_free (cf->system);
  g_free (cf);
}

const char *
tether_x2go_config_file_get_path (TetherX2goConfigFile *cf)
{
  return cf->path;
}

static TetherX2goIni *
load_optional (const char *path, GError **error)
{
  g_autoptr(GError) local = NULL;
  TetherX2goIni *ini = tether_x2go_ini_load_file (path, &local);

  if (ini != NULL)
    return ini;
  if (g_error_matches (local, G_IO_ERROR, G_IO_ERROR_NOT_FOUND))
    return tether_x2go_ini_new ();
  g_propagate_error (error, g_steal_pointer (&local));
  return NULL;
}

gboolean
tether_x2go_config_file_load (TetherX2goConfigFile *cf, GError **error)
{
  g_autoptr(TetherX2goIni) user = load_optional (cf->path, error);
  g_autoptr(TetherX2goIni) system = NULL;

  if (user == NULL)
    {
      cf->user_broken = TRUE;
      return FALSE;
    }
  if (cf->system_path != NULL)
    {
      system = load_optional (cf->system_path, error);
      if (system == NULL)
        return FALSE;
    }
  tether_x2go_ini_free (cf->user);
  cf->user = g_steal_pointer (&user);
  tether_x2go_ini_free (cf->system);
  cf->system = g_steal_pointer (&system);
  cf->user_broken = FALSE;
  return TRUE;
}

gboolean
tether_x2go_config_file_save (TetherX2goConfigFile *cf, GError **error)
{
  g_autofree char *dir = g_path_get_dirname (cf->path);

  if (cf->user_broken)
    {
      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_BAD_CONFIG_FILE,
                   "%s did not load; not writing over it", cf->path);
      return FALSE;
    }
  if (g_mkdir_with_parents (dir, 0700) != 0)
    {
      int saved = errno;

      g_set_error (error, G_IO_ERROR, g_io_error_from_errno (saved),
                   "%s: cannot create: %s", dir, g_strerror (saved));
      return FALSE;
    }
  return tether_x2go_ini_save_file (cf->user, cf->path, error);
}

GVariant *
tether_x2go_config_file_get_value (TetherX2goConfigFile *cf, const char *section,
                                   const char *key, GError **error)
{
  const TetherX2goConfigKey *known;
  const char *raw;

  g_return_val_if_fail (section != NULL && key != NULL, NULL);

  known = lookup_key (cf->kind, section, key);
  raw = tether_x2go_ini_get_raw (cf->user, section, key);
  if (raw == NULL && cf->system != NULL)
    raw = tether_x2go_ini_get_raw (cf->system, section, key);
  if (raw != NULL)
    {
      g_autoptr(GError) local = NULL;
      GVariant *v = tether_x2go_value_from_raw (known != NULL ? known->kind
                                                              : TETHER_X2GO_VALUE_STRING,
                                                raw, &local);

      if (v != NULL)
        return v;
      g_debug ("%s [%s] %s: %s; using the default", cf->path, section, key, local->message);
    }
  if (known == NULL)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND, "%s has no key “%s” in [%s]",
                   cf->path, key, section);
      return NULL;
    }
  return tether_x2go_value_from_text (known->kind, known->default_text, NULL);
}

gboolean
tether_x2go_config_file_set_value (TetherX2goConfigFile *cf, const char *section,
                                   const char *key, GVariant *value, GError **error)
{
  g_autoptr(GVariant) owned = g_variant_ref_sink (value);
  const TetherX2goConfigKey *known = lookup_key (cf->kind, section, key);
  TetherX2goValueKind kind = known != NULL ? known->kind : TETHER_X2GO_VALUE_STRING;
  g_autofree char *raw = NULL;

  if (section[0] == '\0' || key[0] == '\0' || !g_utf8_validate (section, -1, NULL) ||
      !g_utf8_validate (key, -1, NULL))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "section and key must be non-empty UTF-8 text");
      return FALSE;
    }
  if (!g_variant_is_of_type (value, tether_x2go_value_kind_type (kind)))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "[%s] %s takes a %s, not “%s”", section, key,
                   tether_x2go_value_kind_name (kind), g_variant_get_type_string (value));
      return FALSE;
    }
  raw = tether_x2go_value_to_raw (kind, value, tether_x2go_ini_get_raw_utf8 (cf->user));
  tether_x2go_ini_set_raw (cf->user, section, key, raw);
  return TRUE;
}

static gboolean
get_bool (TetherX2goConfigFile *cf, const char *section, const char *key)
{
  g_autoptr(GVariant) v = tether_x2go_config_file_get_value (cf, section, key, NULL);

  return v != NULL && g_variant_get_boolean (v);
}

static char *
get_string (TetherX2goConfigFile *cf, const char *section, const char *key)
{
  g_autoptr(GVariant) v = tether_x2go_config_file_get_value (cf, section, key, NULL);

  return g_variant_dup_string (v, NULL);
}

const char *
tether_x2go_config_file_get_print_action (TetherX2goConfigFile *cf, char **argument)
{
  g_return_val_if_fail (cf->kind == TETHER_X2GO_CONFIG_PRINTING, NULL);

  if (argument != NULL)
    *argument = NULL;
  if (get_bool (cf, "General", "showdialog"))
    return "DIALOG";
  if (get_bool (cf, "General", "pdfview"))
    {
      if (get_bool (cf, "view", "open"))
        {
          if (argument != NULL)
            *argument = get_string (cf, "view", "command");
          return "PDFVIEW";
        }
      if (argument != NULL)
        *argument = get_string (cf, "save", "folder");
      return "PDFSAVE";
    }
  if (!get_bool (cf, "print", "startcmd"))
    {
      if (argument != NULL)
        *argument = get_string (cf, "CUPS", "defaultprinter");
      return "PRINT";
    }
  if (argument != NULL)
    *argument = get_string (cf, "print", "command");
  return "PRINTCMD";
}
