/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

/*
 * Session profiles → session parameters (python-x2go's translation) →
 * the options of a Tether registration. See the private header and
 * docs/x2go-profiles.md.
 */

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-profile-keys-private.h"
#include "tether-x2go-profile-params-private.h"
#include "tether-x2go-profiles.h"

/* ---- step 1: python-x2go's translation ------------------------------------------------ */

/* Profile keys renamed to X2GoSession keyword arguments. */
static const char *const renames[][2] = {
  { "host", "server" },
  { "user", "username" },
  { "soundsystem", "snd_system" },
  { "sndport", "snd_port" },
  { "type", "kbtype" },
  { "layout", "kblayout" },
  { "variant", "kbvariant" },
  { "speed", "link" },
  { "sshport", "port" },
  { "useexports", "allow_share_local_folders" },
  { "restoreexports", "restore_shared_local_folders" },
  { "usemimebox", "allow_mimebox" },
  { "mimeboxextensions", "mimebox_extensions" },
  { "mimeboxaction", "mimebox_action" },
  { "print", "printing" },
  { "name", "profile_name" },
  { "key", "key_filename" },
  { "command", "cmd" },
  { "rdpserver", "rdp_server" },
  { "rdpoptions", "rdp_options" },
  { "xdmcpserver", "xdmcp_server" },
  { "useiconv", "convert_encoding" },
  { "iconvto", "server_encoding" },
  { "iconvfrom", "client_encoding" },
  { "usesshproxy", "use_sshproxy" },
  { "sshproxyhost", "sshproxy_host" },
  { "sshproxyport", "sshproxy_port" },
  { "sshproxyuser", "sshproxy_user" },
  { "sshproxykeyfile", "sshproxy_key_filename" },
  { "sessiontitle", "session_title" },
  { "setsessiontitle", "set_session_title" },
  { "published", "published_applications" },
  { "autostart", "auto_start_or_resume" },
  { "autoconnect", "auto_connect" },
  { "forwardsshagent", "forward_sshagent" },
  { "autologin", "look_for_keys" },
  { "sshproxyautologin", "sshproxy_look_for_keys" },
  { "uniquehostkeyaliases", "unique_hostkey_aliases" },
};

/* Keys python-x2go knows and drops. */
static const char *const ignored[] = {
  "startsoundsystem", "soundtunnel", "defsndport", "icon", "multidisp", "display",
  "krblogin", "directrdp", "directrdpsettings", "rdpclient", "rdpport", "sshproxytype",
  "fstunnel",
};

/* speed as a number → link. */
static const char *const links[] = { "modem", "isdn", "adsl", "wan", "lan" };

static const char *
renamed (const char *key)
{
  for (gsize k = 0; k < G_N_ELEMENTS (renames); k++)
    if (strcmp (renames[k][0], key) == 0)
      return renames[k][1];
  return key;
}

/* A known key's value from @config, of its own type; its default when the
 * config lacks it or holds another type. New reference. */
static GVariant *
config_value (GVariant *config, const char *key)
{
  const TetherX2goProfileKey *known = tether_x2go_profile_key_lookup (key);
  GVariant *v;

  g_assert (known != NULL);
  v = g_variant_lookup_value (config, key, tether_x2go_value_kind_type (known->kind));
  return v != NULL ? v : tether_x2go_profile_key_default (known);
}

static gboolean
config_bool (GVariant *config, const char *key)
{
  g_autoptr(GVariant) v = config_value (config, key);

  return g_variant_get_boolean (v);
}

static gint32
config_int (GVariant *config, const char *key)
{
  g_autoptr(GVariant) v = config_value (config, key);

  return g_variant_get_int32 (v);
}

/* A string parameter of @d, or NULL when it has none. */
static char *
dict_string (GVariantDict *d, const char *key)
{
  g_autoptr(GVariant) v = g_variant_dict_lookup_value (d, key, G_VARIANT_TYPE_STRING);

  return v != NULL ? g_variant_dup_string (v, NULL) : NULL;
}

static gboolean
dict_bool (GVariantDict *d, const char *key)
{
  g_autoptr(GVariant) v = g_variant_dict_lookup_value (d, key, G_VARIANT_TYPE_BOOLEAN);

  return v != NULL && g_variant_get_boolean (v);
}

static void
put_string (GVariantDict *d, const char *key, const char *value)
{
  g_variant_dict_insert_value (d, key, g_variant_new_string (value));
}

/* python's `not s.strip()`. */
static gboolean
blank (const char *s)
{
  for (; s != NULL && *s != '\0'; s++)
    if (!g_ascii_isspace (*s))
      return FALSE;
  return TRUE;
}

static void
null_if_blank (GVariantDict *d, const char *key, const char *null_value)
{
  g_autofree char *s = dict_string (d, key);

  if (blank (s))
    put_string (d, key, null_value);
}

GVariant *
tether_x2go_profile_to_session_params (GVariant *config)
{
  GVariantDict d;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (g_variant_is_of_type (config, G_VARIANT_TYPE_VARDICT), NULL);

  /* Only python-x2go's own keys, renamed. */
  g_variant_dict_init (&d, NULL);
  g_variant_iter_init (&iter, config);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      const TetherX2goProfileKey *known = tether_x2go_profile_key_lookup (key);

      if (known != NULL && known->origin == TETHER_X2GO_KEY_PYTHON_X2GO)
        g_variant_dict_insert_value (&d, renamed (key), value);
      g_variant_unref (value);
    }
  /* Keys the config lacks read as their defaults, as in a loaded profile. */
  {
    gsize n;
    const TetherX2goProfileKey *table = tether_x2go_profile_keys (&n);

    for (gsize k = 0; k < n; k++)
      if (table[k].origin == TETHER_X2GO_KEY_PYTHON_X2GO &&
          !g_variant_dict_contains (&d, renamed (table[k].key)))
        {
          g_autoptr(GVariant) v = config_value (config, table[k].key);

          g_variant_dict_insert_value (&d, renamed (table[k].key), v);
        }
  }

  /* speed: a number 0-4 names the link; other values stay, lower-cased. */
  {
    g_autoptr(GVariant) speed = g_variant_dict_lookup_value (&d, "link", NULL);
    g_autofree char *text = NULL;
    g_autofree char *lower = NULL;

    if (g_variant_is_of_type (speed, G_VARIANT_TYPE_INT32))
      text = g_strdup_printf ("%" G_GINT32_FORMAT, g_variant_get_int32 (speed));
    else if (g_variant_is_of_type (speed, G_VARIANT_TYPE_STRING))
      text = g_variant_dup_string (speed, NULL);
    else
      text = g_strdup ("");
    lower = g_ascii_strdown (text, -1);
    for (gsize k = 0; k < G_N_ELEMENTS (links); k++)
      if (lower[0] == (char) ('0' + k) && lower[1] == '\0')
        {
          g_free (lower);
          lower = g_strdup (links[k]);
          break;
        }
    put_string (&d, "link", lower);
  }

  {
    g_autofree char *cmd = dict_string (&d, "cmd");

    if (g_strcmp0 (cmd, "XFCE4") == 0)
      put_string (&d, "cmd", "XFCE");
  }
  if (dict_bool (&d, "look_for_keys"))
    g_variant_dict_insert_value (&d, "allow_agent", g_variant_new_boolean (TRUE));
  if (dict_bool (&d, "sshproxy_look_for_keys"))
    g_variant_dict_insert_value (&d, "sshproxy_allow_agent", g_variant_new_boolean (TRUE));

  /* pack-quality, unless the quality is 0. */
  {
    gint32 quality = config_int (config, "quality");

    if (quality != 0)
      {
        g_autofree char *pack = dict_string (&d, "pack");
        g_autofree char *both = g_strdup_printf ("%s-%" G_GINT32_FORMAT,
                                                 pack != NULL ? pack : "", quality);

        put_string (&d, "pack", both);
      }
    g_variant_dict_remove (&d, "quality");
  }

  /* Every exported folder, whatever its flag. */
  {
    g_autoptr(GVariant) export = config_value (config, "export");
    g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
    g_auto(GStrv) list = NULL;
    GVariantIter it;
    const char *path;
    gboolean flag;

    g_variant_iter_init (&it, export);
    while (g_variant_iter_next (&it, "{&sb}", &path, &flag))
      g_strv_builder_add (folders, path);
    list = g_strv_builder_end (folders);
    g_variant_dict_insert_value (&d, "share_local_folders",
                                 g_variant_new_strv ((const char *const *) list, -1));
    g_variant_dict_remove (&d, "export");
  }

  if (config_bool (config, "fullscreen"))
    put_string (&d, "geometry", "fullscreen");
  else if (config_bool (config, "maxdim"))
    put_string (&d, "geometry", "maximize");
  else
    {
      g_autofree char *geometry = g_strdup_printf ("%" G_GINT32_FORMAT "x%" G_GINT32_FORMAT,
                                                   config_int (config, "width"),
                                                   config_int (config, "height"));
      put_string (&d, "geometry", geometry);
    }
  g_variant_dict_remove (&d, "width");
  g_variant_dict_remove (&d, "height");
  g_variant_dict_remove (&d, "fullscreen");
  g_variant_dict_remove (&d, "maxdim");

  if (!config_bool (config, "sound"))
    put_string (&d, "snd_system", "none");
  g_variant_dict_remove (&d, "sound");

  put_string (&d, "session_type", config_bool (config, "rootless") ? "application" : "desktop");
  g_variant_dict_remove (&d, "rootless");

  {
    g_autofree char *action = dict_string (&d, "mimebox_action");

    if (g_strcmp0 (action, "OPEN") != 0 && g_strcmp0 (action, "OPENWITH") != 0 &&
        g_strcmp0 (action, "SAVEAS") != 0)
      put_string (&d, "mimebox_action", "OPEN");
  }

  if (!config_bool (config, "usekbd"))
    {
      put_string (&d, "kbtype", "null/null");
      put_string (&d, "kblayout", "null");
      put_string (&d, "kbvariant", "null");
    }
  g_variant_dict_remove (&d, "usekbd");
  null_if_blank (&d, "kbtype", "null/null");
  null_if_blank (&d, "kblayout", "null");
  null_if_blank (&d, "kbvariant", "null");

  if (!config_bool (config, "setdpi"))
    g_variant_dict_remove (&d, "dpi");
  g_variant_dict_remove (&d, "setdpi");

  if (config_bool (config, "sshproxysameuser"))
    {
      g_autofree char *user = dict_string (&d, "username");

      put_string (&d, "sshproxy_user", user != NULL ? user : "");
    }
  g_variant_dict_remove (&d, "sshproxysameuser");
  if (config_bool (config, "sshproxysamepass"))
    {
      g_autofree char *key_file = dict_string (&d, "key_filename");

      g_variant_dict_insert_value (&d, "sshproxy_reuse_authinfo", g_variant_new_boolean (TRUE));
      put_string (&d, "sshproxy_key_filename", key_file != NULL ? key_file : "");
    }
  g_variant_dict_remove (&d, "sshproxysamepass");

  /* python-x2go 0.2.1's "sshproxytunnel=…:host:port" (an unknown key now):
   * with an SSH proxy it names the server and port, both as text. */
  if (dict_bool (&d, "use_sshproxy"))
    {
      g_autoptr(GVariant) tunnel = g_variant_lookup_value (config, "sshproxytunnel",
                                                           G_VARIANT_TYPE_STRING);
      const char *text = tunnel != NULL ? g_variant_get_string (tunnel, NULL) : NULL;

      if (text != NULL && !g_str_has_prefix (text, "DEPRECATED"))
        {
          g_auto(GStrv) parts = g_strsplit (text, ":", -1);
          guint n = g_strv_length (parts);

          if (n >= 2)
            {
              put_string (&d, "server", parts[n - 2]);
              put_string (&d, "port", parts[n - 1]);
            }
        }
    }

  for (gsize k = 0; k < G_N_ELEMENTS (ignored); k++)
    g_variant_dict_remove (&d, ignored[k]);

  return g_variant_ref_sink (g_variant_dict_end (&d));
}

/* ---- step 2: the options of a registration -------------------------------------------- */

typedef enum {
  PASS,           /* to the option parser, which refuses what Tether cannot do */
  DROP,           /* describes a feature the profile does not ask for */
  IF_RDP,         /* passed when the command is RDP (then refused) */
  IF_XDMCP,       /* passed when the command is XDMCP (then refused) */
  NONEMPTY,       /* passed unless the empty string (no key file) */
  SPECIAL,        /* handled on its own below */
} Action;

static const struct {
  const char *param;
  Action      action;
} actions[] = {
  { "server", SPECIAL },
  { "port", PASS },
  { "username", PASS },
  { "key_filename", NONEMPTY },
  { "look_for_keys", PASS },
  { "allow_agent", PASS },
  { "forward_sshagent", PASS },
  { "unique_hostkey_aliases", PASS },
  { "auto_connect", PASS },
  { "auto_start_or_resume", PASS },
  { "use_sshproxy", PASS },
  { "sshproxy_host", DROP },
  { "sshproxy_port", DROP },
  { "sshproxy_user", DROP },
  { "sshproxy_key_filename", DROP },
  { "sshproxy_look_for_keys", DROP },
  { "sshproxy_allow_agent", DROP },
  { "sshproxy_reuse_authinfo", DROP },
  { "cmd", PASS },
  { "session_type", PASS },
  { "published_applications", PASS },
  { "applications", DROP },
  { "kdrive", PASS },
  { "link", PASS },
  { "pack", PASS },
  { "geometry", PASS },
  { "dpi", PASS },
  { "clipboard", PASS },
  { "xinerama", PASS },
  { "kbtype", PASS },
  { "kblayout", PASS },
  { "kbvariant", PASS },
  { "snd_system", PASS },
  { "snd_port", DROP },
  { "allow_share_local_folders", SPECIAL },
  { "share_local_folders", SPECIAL },
  { "restore_shared_local_folders", PASS },
  { "allow_mimebox", PASS },
  { "mimebox_extensions", DROP },
  { "mimebox_action", DROP },
  { "printing", PASS },
  { "convert_encoding", PASS },
  { "client_encoding", DROP },
  { "server_encoding", DROP },
  { "set_session_title", PASS },
  { "session_title", DROP },
  { "rdp_server", IF_RDP },
  { "rdp_options", IF_RDP },
  { "xdmcp_server", IF_XDMCP },
  { "profile_name", SPECIAL },
};

static Action
action_of (const char *param)
{
  for (gsize k = 0; k < G_N_ELEMENTS (actions); k++)
    if (strcmp (actions[k].param, param) == 0)
      return actions[k].action;
  /* Every parameter of step 1 is in the table; anything else goes to the
   * parser, which names it. */
  return PASS;
}

static gboolean
has_key (GVariant *dict, const char *key)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (dict, key, NULL);

  return v != NULL;
}

/* The profile's server: one of its hosts, at random (python-x2go's FILE
 * backend), or the one an old sshproxytunnel key named. */
static char *
pick_server (GVariant *params, const char *profile_name, GError **error)
{
  g_autoptr(GVariant) server = g_variant_lookup_value (params, "server", NULL);
  gsize n;

  if (server != NULL && g_variant_is_of_type (server, G_VARIANT_TYPE_STRING))
    return g_variant_dup_string (server, NULL);
  n = server != NULL && g_variant_is_of_type (server, G_VARIANT_TYPE_STRING_ARRAY)
        ? g_variant_n_children (server) : 0;
  if (n > TETHER_X2GO_PROFILE_MAX_HOSTS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "session profile “%s” names too many hosts (%" G_GSIZE_FORMAT
                   ", at most %d)", profile_name, n, TETHER_X2GO_PROFILE_MAX_HOSTS);
      return NULL;
    }
  if (n > 0)
    {
      char *host = NULL;

      g_variant_get_child (server, (gsize) g_random_int_range (0, (gint32) n), "s", &host);
      if (!blank (host))
        return host;
      g_free (host);
    }
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "session profile “%s” names no host", profile_name);
  return NULL;
}

/* The folders to share at once: those of `export` flagged 1, when
 * `useexports` allows sharing (python-x2go's master session re-reads
 * `export` and shares exactly these). */
static GVariant *
auto_shared_folders (GVariant *config, GVariant *params)
{
  g_autoptr(GVariant) allow = g_variant_lookup_value (params, "allow_share_local_folders",
                                                      G_VARIANT_TYPE_BOOLEAN);
  g_autoptr(GVariant) export = config_value (config, "export");
  g_autoptr(GStrvBuilder) folders = g_strv_builder_new ();
  g_auto(GStrv) list = NULL;
  GVariantIter it;
  const char *path;
  gboolean flag;

  if (allow == NULL || !g_variant_get_boolean (allow))
    return NULL;
  g_variant_iter_init (&it, export);
  while (g_variant_iter_next (&it, "{&sb}", &path, &flag))
    if (flag)
      g_strv_builder_add (folders, path);
  list = g_strv_builder_end (folders);
  if (list[0] == NULL)
    return NULL;
  return g_variant_new_strv ((const char *const *) list, -1);
}

GVariant *
tether_x2go_profile_to_session_options (GVariant    *config,
                                        const char  *profile_id,
                                        const char  *profile_name,
                                        GVariant    *overrides,
                                        GError     **error)
{
  g_autoptr(GVariant) params = NULL;
  g_autoptr(GVariant) cmd_value = NULL;
  g_autofree char *cmd = NULL;
  GVariantDict out;
  GVariantIter iter;
  const char *key;
  GVariant *value;

  g_return_val_if_fail (profile_id != NULL && profile_name != NULL, NULL);

  if (overrides != NULL && !g_variant_is_of_type (overrides, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "session options must be a dictionary of type 'a{sv}', not '%s'",
                   g_variant_get_type_string (overrides));
      return NULL;
    }
  if (overrides != NULL && (has_key (overrides, "profile_name") ||
                            has_key (overrides, "profile_id")))
    {
      g_set_error_literal (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                           "the session options of a profile's session may not set "
                           "profile_name or profile_id: the profile sets them");
      return NULL;
    }

  params = tether_x2go_profile_to_session_params (config);
  g_variant_dict_init (&out, NULL);

  /* The command that decides about rdp_* and xdmcp_server: the override's
   * if there is one. */
  if (overrides != NULL)
    cmd_value = g_variant_lookup_value (overrides, "cmd", G_VARIANT_TYPE_STRING);
  if (cmd_value == NULL)
    cmd_value = g_variant_lookup_value (params, "cmd", G_VARIANT_TYPE_STRING);
  cmd = cmd_value != NULL ? g_variant_dup_string (cmd_value, NULL) : g_strdup ("");

  g_variant_iter_init (&iter, params);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      gboolean pass = FALSE;

      switch (action_of (key))
        {
        case PASS:
          pass = TRUE;
          break;
        case NONEMPTY:
          pass = !g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) ||
                 g_variant_get_string (value, NULL)[0] != '\0';
          break;
        case IF_RDP:
          pass = strcmp (cmd, "RDP") == 0;
          break;
        case IF_XDMCP:
          pass = strcmp (cmd, "XDMCP") == 0;
          break;
        case DROP:
        case SPECIAL:
        default:
          break;
        }
      if (pass)
        g_variant_dict_insert_value (&out, key, value);
      g_variant_unref (value);
    }

  {
    GVariant *folders = auto_shared_folders (config, params);

    if (folders != NULL)
      g_variant_dict_insert_value (&out, "share_local_folders", folders);
  }

  /* The caller's options win over the profile's. Secrets are not copied
   * here: the caller hands them to the registration itself. */
  if (overrides != NULL)
    {
      g_variant_iter_init (&iter, overrides);
      while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
        {
          if (strcmp (key, "password") != 0 && strcmp (key, "passphrase") != 0)
            g_variant_dict_insert_value (&out, key, value);
          g_variant_unref (value);
        }
    }

  if (!g_variant_dict_contains (&out, "server"))
    {
      g_autofree char *server = pick_server (params, profile_name, error);

      if (server == NULL)
        {
          g_variant_dict_clear (&out);
          return NULL;
        }
      put_string (&out, "server", server);
    }
  put_string (&out, "profile_name", profile_name);
  put_string (&out, "profile_id", profile_id);
  return g_variant_ref_sink (g_variant_dict_end (&out));
}

/* ---- the public face: X2GoSessionProfiles.to_session_params() ------------------------- */

/**
 * tether_x2go_profiles_to_session_params:
 * @self: a #TetherX2goProfiles
 * @profile_id_or_name: a profile name or ID
 * @error: return location for a #GError
 *
 * The profile as the keyword arguments of a python-x2go `X2GoSession`, the
 * reference's `to_session_params()`: keys renamed (`host` → `server`,
 * `command` → `cmd`, `speed` → `link`, …) and derived (`geometry` from
 * `fullscreen`, `maxdim`, `width` and `height`; `pack` from `pack` and
 * `quality`; `session_type` from `rootless`; …) value for value as
 * python-x2go 0.6.1.3 computes them (docs/x2go-profiles.md has the table).
 * `server` is the host list. [method@X2goClient.register_session_from_profile]
 * registers a session from these.
 *
 * Returns: (transfer full): an `a{sv}` #GVariant, or %NULL with
 *   %TETHER_X2GO_ERROR_NO_SUCH_PROFILE
 *
 * Since: 0.1
 */
GVariant *
tether_x2go_profiles_to_session_params (TetherX2goProfiles *self,
                                        const char         *profile_id_or_name,
                                        GError            **error)
{
  g_autoptr(GVariant) config = NULL;

  g_return_val_if_fail (TETHER_X2GO_IS_PROFILES (self), NULL);

  config = tether_x2go_profiles_get_profile_config (self, profile_id_or_name, error);
  if (config == NULL)
    return NULL;
  return tether_x2go_profile_to_session_params (config);
}
