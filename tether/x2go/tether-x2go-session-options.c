/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-session-options-private.h"
#include "tether-x2go-text-private.h"

void
tether_x2go_secret_free (char *secret)
{
  if (secret == NULL)
    return;
  explicit_bzero (secret, strlen (secret));
  g_free (secret);
}

void
tether_x2go_session_options_clear (TetherX2goSessionOptions *opts)
{
  g_clear_pointer (&opts->server, g_free);
  g_clear_pointer (&opts->username, g_free);
  g_clear_pointer (&opts->profile_name, g_free);
  g_clear_pointer (&opts->profile_id, g_free);
  g_clear_pointer (&opts->session_name, g_free);
  g_clear_pointer (&opts->key_files, g_strfreev);
  g_clear_pointer (&opts->password, tether_x2go_secret_free);
  g_clear_pointer (&opts->passphrase, tether_x2go_secret_free);
  g_clear_pointer (&opts->known_hosts, g_free);
  g_clear_pointer (&opts->cmd, g_free);
  g_clear_pointer (&opts->geometry, g_free);
  g_clear_pointer (&opts->link, g_free);
  g_clear_pointer (&opts->pack, g_free);
  g_clear_pointer (&opts->cache_type, g_free);
  g_clear_pointer (&opts->kbtype, g_free);
  g_clear_pointer (&opts->kblayout, g_free);
  g_clear_pointer (&opts->kbvariant, g_free);
  g_clear_pointer (&opts->clipboard, g_free);
  g_clear_pointer (&opts->snd_system, g_free);
}

gboolean
tether_x2go_session_options_low_latency (const TetherX2goSessionOptions *opts)
{
  return g_strcmp0 (opts->link, "modem") == 0 || g_strcmp0 (opts->link, "isdn") == 0;
}

static void
set_defaults (TetherX2goSessionOptions *opts)
{
  memset (opts, 0, sizeof *opts);
  opts->cmd = g_strdup ("TERMINAL");
  opts->session_type = 'R';
  opts->geometry = g_strdup ("800x600");
  opts->link = g_strdup ("adsl");
  opts->pack = g_strdup ("16m-jpeg-9");
  opts->cache_type = g_strdup ("unix-kde");
  opts->depth = 24;
  opts->kbtype = g_strdup ("null/null");
  opts->kblayout = g_strdup ("null");
  opts->kbvariant = g_strdup ("null");
  opts->clipboard = g_strdup ("both");
  opts->snd_system = g_strdup ("none");
  opts->allow_agent = FALSE;
  opts->look_for_keys = FALSE;
}

static gboolean
bad_value (GError **error, const char *key, const char *why)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "session option '%s': %s", key, why);
  return FALSE;
}

static gboolean
not_supported (GError **error, const char *key, const char *what)
{
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED,
               "session option '%s': %s is not supported by Tether yet", key, what);
  return FALSE;
}

static gboolean
want_type (GVariant *value, const char *key, const GVariantType *type, GError **error)
{
  if (g_variant_is_of_type (value, type))
    return TRUE;
  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "session option '%s': expected a value of type '%.*s', got '%s'",
               key, (int) g_variant_type_get_string_length (type),
               g_variant_type_peek_string (type), g_variant_get_type_string (value));
  return FALSE;
}

static gboolean
get_bool (GVariant *value, const char *key, gboolean *out, GError **error)
{
  if (!want_type (value, key, G_VARIANT_TYPE_BOOLEAN, error))
    return FALSE;
  *out = g_variant_get_boolean (value);
  return TRUE;
}

/* Any integer type, or a decimal string (python-x2go passes dpi as text). */
static gboolean
get_uint (GVariant *value, const char *key, guint64 min, guint64 max, guint64 *out,
          GError **error)
{
  gint64 s = 0;
  guint64 u = 0;
  gboolean is_signed = TRUE;

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT32))
    s = g_variant_get_int32 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT64))
    s = g_variant_get_int64 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_INT16))
    s = g_variant_get_int16 (value);
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT32))
    u = g_variant_get_uint32 (value), is_signed = FALSE;
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT64))
    u = g_variant_get_uint64 (value), is_signed = FALSE;
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_UINT16))
    u = g_variant_get_uint16 (value), is_signed = FALSE;
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_BYTE))
    u = g_variant_get_byte (value), is_signed = FALSE;
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      if (!tether_x2go_parse_uint (g_variant_get_string (value, NULL), min, max, &u))
        return bad_value (error, key, "not a number in the allowed range");
      *out = u;
      return TRUE;
    }
  else
    return bad_value (error, key, "expected an integer");

  if (is_signed)
    {
      if (s < 0)
        return bad_value (error, key, "must not be negative");
      u = (guint64) s;
    }
  if (u < min || u > max)
    return bad_value (error, key, "out of the allowed range");
  *out = u;
  return TRUE;
}

/* A string of printable characters (UTF-8, no control characters), at most
 * TETHER_X2GO_MAX_OPTION_TEXT bytes. @allowed, when not NULL, further
 * restricts it to those ASCII bytes. */
static gboolean
get_text (GVariant *value, const char *key, const char *allowed, gboolean may_be_empty,
          char **out, GError **error)
{
  const char *s;
  gsize len;

  if (!want_type (value, key, G_VARIANT_TYPE_STRING, error))
    return FALSE;
  s = g_variant_get_string (value, &len);
  if (len > TETHER_X2GO_MAX_OPTION_TEXT)
    return bad_value (error, key, "too long");
  if (len == 0 && !may_be_empty)
    return bad_value (error, key, "must not be empty");
  if (!g_utf8_validate (s, len, NULL))
    return bad_value (error, key, "not valid UTF-8");
  for (const char *p = s; *p != '\0'; p = g_utf8_next_char (p))
    {
      gunichar c = g_utf8_get_char (p);

      if (g_unichar_iscntrl (c))
        return bad_value (error, key, "contains a control character");
      if (allowed != NULL && (c > 0x7f || strchr (allowed, (int) c) == NULL))
        return bad_value (error, key, "contains a character that is not allowed here");
    }
  g_free (*out);
  *out = g_strdup (s);
  return TRUE;
}

static char *
expand_home (const char *path)
{
  if (g_str_has_prefix (path, "~/"))
    return g_build_filename (g_get_home_dir (), path + 2, NULL);
  return g_strdup (path);
}

static gboolean
get_key_files (GVariant *value, const char *key, char ***out, GError **error)
{
  g_autoptr(GPtrArray) files = g_ptr_array_new_with_free_func (g_free);

  if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING))
    {
      g_autofree char *one = NULL;

      if (!get_text (value, key, NULL, FALSE, &one, error))
        return FALSE;
      g_ptr_array_add (files, expand_home (one));
    }
  else if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING_ARRAY))
    {
      gsize n = g_variant_n_children (value);

      if (n > TETHER_X2GO_MAX_KEY_FILES)
        return bad_value (error, key, "too many key files");
      for (gsize i = 0; i < n; i++)
        {
          g_autoptr(GVariant) child = g_variant_get_child_value (value, i);
          g_autofree char *one = NULL;

          if (!get_text (child, key, NULL, FALSE, &one, error))
            return FALSE;
          g_ptr_array_add (files, expand_home (one));
        }
    }
  else
    return bad_value (error, key, "expected a string or an array of strings");

  g_strfreev (*out);
  g_ptr_array_add (files, NULL);
  *out = (char **) g_ptr_array_free (g_steal_pointer (&files), FALSE);
  return TRUE;
}

static gboolean
one_of (const char *value, const char *const *allowed)
{
  for (gsize i = 0; allowed[i] != NULL; i++)
    if (g_str_equal (value, allowed[i]))
      return TRUE;
  return FALSE;
}

static gboolean
check_geometry (const char *geometry)
{
  g_auto(GStrv) parts = NULL;
  guint64 w, h;

  if (g_str_equal (geometry, "fullscreen"))
    return TRUE;
  parts = g_strsplit (geometry, "x", 3);
  return g_strv_length (parts) == 2 &&
         tether_x2go_parse_uint (parts[0], 1, 16384, &w) &&
         tether_x2go_parse_uint (parts[1], 1, 16384, &h);
}

#define WORD_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789"
#define KBD_CHARS  WORD_CHARS "_-/().,+"

static gboolean
apply_session_type (const char *key, const char *value, TetherX2goSessionOptions *opts,
                    GError **error)
{
  static const char *const desktop[] = { "desktop", "D", NULL };
  static const char *const application[] = { "application", "rootless", "R", NULL };
  static const char *const published[] = { "published", "P", NULL };
  static const char *const shadow[] = { "shared", "shadow", "S", NULL };
  static const char *const kdrive[] = { "kdrive", "K", NULL };

  if (one_of (value, desktop))
    opts->session_type = 'D';
  else if (one_of (value, application))
    opts->session_type = 'R';
  else if (one_of (value, published))
    return not_supported (error, key, "a published-applications session");
  else if (one_of (value, shadow))
    return not_supported (error, key, "desktop sharing");
  else if (one_of (value, kdrive))
    return not_supported (error, key, "an X2Go KDrive session");
  else
    return bad_value (error, key, "expected 'desktop' or 'application'");
  return TRUE;
}

/* Boolean options that name a feature not built yet: FALSE is fine. */
static const struct {
  const char *key;
  const char *feature;
} unsupported_flags[] = {
  { "printing", "printing" },
  { "allow_printing", "printing" },
  { "allow_share_local_folders", "local folder sharing" },
  { "restore_shared_local_folders", "local folder sharing" },
  { "allow_mimebox", "the MIME box" },
  { "published_applications", "published applications" },
  { "use_sshproxy", "an SSH proxy (jump host)" },
  { "sshproxy_reuse_authinfo", "an SSH proxy (jump host)" },
  { "forward_sshagent", "SSH agent forwarding" },
  { "auto_start_or_resume", "automatic start or resume" },
  { "auto_connect", "automatic connect" },
  { "set_session_title", "setting the session window title" },
  { "kdrive", "an X2Go KDrive session" },
  { "unique_hostkey_aliases", "host keys stored under per-profile aliases" },
  { "setdpi", NULL },              /* handled: only meaningful with "dpi" */
  { "convert_encoding", "encoding conversion of shared folders" },
};

static gboolean
apply_option (TetherX2goSessionOptions *opts,
              const char               *key,
              GVariant                 *value,
              gboolean                 *setdpi,
              GError                  **error)
{
  static const char *const links[] = { "modem", "isdn", "adsl", "wan", "lan", NULL };
  static const char *const clipboards[] = { "both", "server", "client", "none", NULL };
  guint64 n;
  gboolean b;

  for (gsize i = 0; i < G_N_ELEMENTS (unsupported_flags); i++)
    if (g_str_equal (key, unsupported_flags[i].key))
      {
        if (!get_bool (value, key, &b, error))
          return FALSE;
        if (g_str_equal (key, "setdpi"))
          *setdpi = b;
        else if (b)
          return not_supported (error, key, unsupported_flags[i].feature);
        return TRUE;
      }

  if (g_str_equal (key, "server"))
    return get_text (value, key, WORD_CHARS ".-:[]%", FALSE, &opts->server, error);
  if (g_str_equal (key, "port"))
    {
      if (!get_uint (value, key, 1, 65535, &n, error))
        return FALSE;
      opts->port = (guint) n;
      return TRUE;
    }
  if (g_str_equal (key, "username"))
    {
      if (!get_text (value, key, NULL, FALSE, &opts->username, error))
        return FALSE;
      if (!tether_x2go_is_user_name (opts->username))
        return bad_value (error, key, "not a valid user name");
      return TRUE;
    }
  if (g_str_equal (key, "profile_name"))
    return get_text (value, key, NULL, FALSE, &opts->profile_name, error);
  if (g_str_equal (key, "profile_id"))
    return get_text (value, key, NULL, FALSE, &opts->profile_id, error);
  if (g_str_equal (key, "session_name"))
    {
      if (!get_text (value, key, NULL, FALSE, &opts->session_name, error))
        return FALSE;
      if (!tether_x2go_is_session_name (opts->session_name))
        return bad_value (error, key, "not a valid X2Go session name");
      return TRUE;
    }
  if (g_str_equal (key, "key_filename"))
    return get_key_files (value, key, &opts->key_files, error);
  if (g_str_equal (key, "password") || g_str_equal (key, "passphrase"))
    {
      char **slot = g_str_equal (key, "password") ? &opts->password : &opts->passphrase;

      if (!want_type (value, key, G_VARIANT_TYPE_STRING, error))
        return FALSE;
      g_clear_pointer (slot, tether_x2go_secret_free);
      *slot = g_variant_dup_string (value, NULL);
      return TRUE;
    }
  if (g_str_equal (key, "known_hosts"))
    {
      g_autofree char *path = NULL;

      if (!get_text (value, key, NULL, FALSE, &path, error))
        return FALSE;
      g_free (opts->known_hosts);
      opts->known_hosts = expand_home (path);
      return TRUE;
    }
  if (g_str_equal (key, "add_to_known_hosts"))
    return get_bool (value, key, &opts->add_to_known_hosts, error);
  if (g_str_equal (key, "look_for_keys"))
    return get_bool (value, key, &opts->look_for_keys, error);
  if (g_str_equal (key, "allow_agent"))
    return get_bool (value, key, &opts->allow_agent, error);
  if (g_str_equal (key, "force_password_auth"))
    return get_bool (value, key, &opts->force_password_auth, error);
  if (g_str_equal (key, "timeout"))
    {
      if (!get_uint (value, key, 1, TETHER_X2GO_MAX_CONNECT_TIMEOUT, &n, error))
        return FALSE;
      opts->connect_timeout = (guint) n;
      return TRUE;
    }

  if (g_str_equal (key, "cmd"))
    return get_text (value, key, NULL, FALSE, &opts->cmd, error);
  if (g_str_equal (key, "session_type"))
    {
      g_autofree char *type = NULL;

      if (!get_text (value, key, NULL, FALSE, &type, error))
        return FALSE;
      return apply_session_type (key, type, opts, error);
    }
  if (g_str_equal (key, "rootless"))
    {
      if (!get_bool (value, key, &b, error))
        return FALSE;
      opts->session_type = b ? 'R' : 'D';
      return TRUE;
    }
  if (g_str_equal (key, "geometry"))
    {
      if (!get_text (value, key, NULL, FALSE, &opts->geometry, error))
        return FALSE;
      if (g_str_equal (opts->geometry, "maximize"))
        return not_supported (error, key, "'maximize' (the local work-area size)");
      if (!check_geometry (opts->geometry))
        return bad_value (error, key, "expected '<width>x<height>' or 'fullscreen'");
      return TRUE;
    }
  if (g_str_equal (key, "link"))
    {
      if (!get_text (value, key, NULL, FALSE, &opts->link, error))
        return FALSE;
      if (!one_of (opts->link, links))
        return bad_value (error, key, "expected modem, isdn, adsl, wan or lan");
      return TRUE;
    }
  if (g_str_equal (key, "pack"))
    return get_text (value, key, WORD_CHARS "-_", FALSE, &opts->pack, error);
  if (g_str_equal (key, "cache_type"))
    return get_text (value, key, WORD_CHARS "-_", FALSE, &opts->cache_type, error);
  if (g_str_equal (key, "depth"))
    {
      if (!get_uint (value, key, 8, 32, &n, error))
        return FALSE;
      if (n != 8 && n != 15 && n != 16 && n != 24 && n != 32)
        return bad_value (error, key, "expected 8, 15, 16, 24 or 32");
      opts->depth = (guint) n;
      return TRUE;
    }
  if (g_str_equal (key, "dpi"))
    {
      if (g_variant_is_of_type (value, G_VARIANT_TYPE_STRING) &&
          g_variant_get_string (value, NULL)[0] == '\0')
        {
          opts->dpi = 0;
          return TRUE;
        }
      if (!get_uint (value, key, 1, 1000, &n, error))
        return FALSE;
      opts->dpi = (guint) n;
      return TRUE;
    }
  if (g_str_equal (key, "kbtype"))
    return get_text (value, key, KBD_CHARS, FALSE, &opts->kbtype, error);
  if (g_str_equal (key, "kblayout"))
    return get_text (value, key, KBD_CHARS, FALSE, &opts->kblayout, error);
  if (g_str_equal (key, "kbvariant"))
    return get_text (value, key, KBD_CHARS, FALSE, &opts->kbvariant, error);
  if (g_str_equal (key, "clipboard"))
    {
      if (!get_text (value, key, NULL, FALSE, &opts->clipboard, error))
        return FALSE;
      if (!one_of (opts->clipboard, clipboards))
        return bad_value (error, key, "expected both, server, client or none");
      return TRUE;
    }
  if (g_str_equal (key, "xinerama"))
    return get_bool (value, key, &opts->xinerama, error);
  if (g_str_equal (key, "snd_system"))
    {
      if (!get_text (value, key, NULL, FALSE, &opts->snd_system, error))
        return FALSE;
      if (g_str_equal (opts->snd_system, "none"))
        return TRUE;
      if (g_str_equal (opts->snd_system, "pulse") || g_str_equal (opts->snd_system, "esd") ||
          g_str_equal (opts->snd_system, "arts"))
        return not_supported (error, key, "sound");
      return bad_value (error, key, "expected none, pulse, esd or arts");
    }
  if (g_str_equal (key, "share_local_folders") || g_str_equal (key, "mimebox_extensions") ||
      g_str_equal (key, "applications"))
    {
      if (!want_type (value, key, G_VARIANT_TYPE_STRING_ARRAY, error))
        return FALSE;
      if (g_variant_n_children (value) > 0)
        return not_supported (error, key, g_str_equal (key, "share_local_folders")
                                              ? "local folder sharing"
                                              : g_str_equal (key, "applications")
                                                  ? "published applications"
                                                  : "the MIME box");
      return TRUE;
    }
  if (g_str_equal (key, "rdp_server") || g_str_equal (key, "rdp_options"))
    return not_supported (error, key, "an RDP session");
  if (g_str_equal (key, "xdmcp_server"))
    return not_supported (error, key, "an XDMCP session");
  if (g_str_equal (key, "snd_port") || g_str_equal (key, "mimebox_action") ||
      g_str_equal (key, "print_action") || g_str_equal (key, "session_title") ||
      g_str_equal (key, "sshproxy_host") || g_str_equal (key, "sshproxy_port") ||
      g_str_equal (key, "sshproxy_user") || g_str_equal (key, "sshproxy_password") ||
      g_str_equal (key, "sshproxy_key_filename") || g_str_equal (key, "sshproxy_passphrase") ||
      g_str_equal (key, "sshproxy_tunnel") || g_str_equal (key, "proxy_options"))
    return not_supported (error, key, "this option");

  g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
               "unknown session option '%s'", key);
  return FALSE;
}

gboolean
tether_x2go_session_options_parse (GVariant                 *options,
                                   TetherX2goSessionOptions *opts,
                                   GError                  **error)
{
  GVariantIter iter;
  const char *key;
  GVariant *value;
  gboolean setdpi = TRUE;
  gsize n = 0;

  set_defaults (opts);
  if (options == NULL)
    return TRUE;
  if (!g_variant_is_of_type (options, G_VARIANT_TYPE_VARDICT))
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "session options must be a dictionary of type 'a{sv}', not '%s'",
                   g_variant_get_type_string (options));
      tether_x2go_session_options_clear (opts);
      return FALSE;
    }
  if (g_variant_n_children (options) > TETHER_X2GO_MAX_OPTIONS)
    {
      g_set_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT,
                   "too many session options (at most %d)", TETHER_X2GO_MAX_OPTIONS);
      tether_x2go_session_options_clear (opts);
      return FALSE;
    }

  g_variant_iter_init (&iter, options);
  while (g_variant_iter_next (&iter, "{&sv}", &key, &value))
    {
      gboolean ok = apply_option (opts, key, value, &setdpi, error);

      g_variant_unref (value);
      n++;
      if (!ok)
        {
          tether_x2go_session_options_clear (opts);
          return FALSE;
        }
    }
  /* python-x2go sends X2GODPI only with setdpi. */
  if (!setdpi)
    opts->dpi = 0;
  return TRUE;
}
