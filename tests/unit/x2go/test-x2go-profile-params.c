/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* A session profile → python-x2go's session parameters → the options of a
 * registration: every profile key that affects a session, table-driven. */
#include "config.h"

#include <string.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-profile-params-private.h"
#include "tether-x2go-profiles.h"
#include "tether-x2go-session-options-private.h"
#include "tether-test-utils.h"

/* A profile given as GVariant text of the keys that differ from the
 * defaults (the rest read as defaults, as in a loaded profile). */
static GVariant *
profile (const char *text)
{
  g_autoptr(GError) error = NULL;
  /* (g_variant_parse returns a non-floating reference.) */
  GVariant *v = g_variant_parse (G_VARIANT_TYPE_VARDICT, text, NULL, NULL, &error);

  g_assert_no_error (error);
  return v;
}

/* The value of @key in @dict as GVariant text, or NULL when absent. */
static char *
value_text (GVariant *dict, const char *key)
{
  g_autoptr(GVariant) v = g_variant_lookup_value (dict, key, NULL);

  return v != NULL ? g_variant_print (v, FALSE) : NULL;
}

/* ---- step 1: python-x2go's translation -------------------------------------------- */

static const struct {
  const char *profile;    /* changed profile keys */
  const char *param;      /* session parameter */
  const char *expected;   /* its value as GVariant text; NULL: absent */
} params_vectors[] = {
  /* identity and SSH */
  { "@a{sv} {}", "server", "['server.mydomain']" },
  { "{'host': <['a.example', 'b.example']>}", "server", "['a.example', 'b.example']" },
  { "{'sshport': <2222>}", "port", "2222" },
  { "@a{sv} {}", "port", "22" },
  { "{'user': <'jdoe'>}", "username", "'jdoe'" },
  { "{'name': <'Office'>}", "profile_name", "'Office'" },
  { "@a{sv} {}", "profile_name", "'NEW_PROFILE'" },
  { "{'key': <'/k/id_ed25519'>}", "key_filename", "'/k/id_ed25519'" },
  { "@a{sv} {}", "key_filename", "''" },
  { "@a{sv} {}", "look_for_keys", "true" },
  { "@a{sv} {}", "allow_agent", "true" },
  { "{'autologin': <false>}", "look_for_keys", "false" },
  { "{'autologin': <false>}", "allow_agent", NULL },
  { "{'forwardsshagent': <true>}", "forward_sshagent", "true" },
  { "{'uniquehostkeyaliases': <true>}", "unique_hostkey_aliases", "true" },
  { "{'autoconnect': <true>}", "auto_connect", "true" },
  { "{'autostart': <true>}", "auto_start_or_resume", "true" },
  /* the SSH proxy */
  { "{'usesshproxy': <true>}", "use_sshproxy", "true" },
  { "{'sshproxyhost': <'jump'>}", "sshproxy_host", "'jump'" },
  { "{'sshproxyport': <23>}", "sshproxy_port", "23" },
  { "@a{sv} {}", "sshproxy_allow_agent", "true" },
  { "{'sshproxyautologin': <false>}", "sshproxy_allow_agent", NULL },
  { "{'sshproxyautologin': <false>}", "sshproxy_look_for_keys", "false" },
  { "{'user': <'u1'>, 'sshproxyuser': <'u2'>}", "sshproxy_user", "'u2'" },
  { "{'user': <'u1'>, 'sshproxyuser': <'u2'>, 'sshproxysameuser': <true>}", "sshproxy_user",
    "'u1'" },
  { "{'key': <'/k'>, 'sshproxykeyfile': <'/p'>}", "sshproxy_key_filename", "'/p'" },
  { "{'key': <'/k'>, 'sshproxykeyfile': <'/p'>, 'sshproxysamepass': <true>}",
    "sshproxy_key_filename", "'/k'" },
  { "{'sshproxysamepass': <true>}", "sshproxy_reuse_authinfo", "true" },
  { "@a{sv} {}", "sshproxy_reuse_authinfo", NULL },
  { "{'usesshproxy': <true>, 'sshproxytunnel': <'localhost:t.example:2022'>}", "server",
    "'t.example'" },
  { "{'usesshproxy': <true>, 'sshproxytunnel': <'localhost:t.example:2022'>}", "port",
    "'2022'" },
  { "{'usesshproxy': <true>, 'sshproxytunnel': <'DEPRECATED'>}", "server",
    "['server.mydomain']" },
  { "{'sshproxytunnel': <'localhost:t.example:2022'>}", "server", "['server.mydomain']" },
  /* the command and the kind of session */
  { "@a{sv} {}", "cmd", "'TERMINAL'" },
  { "{'command': <'xterm'>}", "cmd", "'xterm'" },
  { "{'command': <'XFCE4'>}", "cmd", "'XFCE'" },
  { "{'command': <'XFCE'>}", "cmd", "'XFCE'" },
  { "@a{sv} {}", "session_type", "'application'" },
  { "{'rootless': <false>}", "session_type", "'desktop'" },
  { "{'published': <true>}", "published_applications", "true" },
  { "@a{sv} {}", "applications", "['WWWBROWSER', 'MAILCLIENT', 'OFFICE', 'TERMINAL']" },
  { "{'kdrive': <true>}", "kdrive", "true" },
  { "{'rdpserver': <'w'>, 'rdpoptions': <'-x'>}", "rdp_server", "'w'" },
  { "{'rdpserver': <'w'>, 'rdpoptions': <'-x'>}", "rdp_options", "'-x'" },
  { "@a{sv} {}", "xdmcp_server", "'localhost'" },
  /* the picture */
  { "@a{sv} {}", "geometry", "'800x600'" },
  { "{'width': <1280>, 'height': <1024>}", "geometry", "'1280x1024'" },
  { "{'fullscreen': <true>}", "geometry", "'fullscreen'" },
  { "{'maxdim': <true>}", "geometry", "'maximize'" },
  { "{'fullscreen': <true>, 'maxdim': <true>}", "geometry", "'fullscreen'" },
  { "{'width': <1280>}", "width", NULL },
  { "{'fullscreen': <true>}", "fullscreen", NULL },
  { "@a{sv} {}", "link", "'adsl'" },
  { "{'speed': <0>}", "link", "'modem'" },
  { "{'speed': <1>}", "link", "'isdn'" },
  { "{'speed': <3>}", "link", "'wan'" },
  { "{'speed': <4>}", "link", "'lan'" },
  { "{'speed': <7>}", "link", "'7'" },
  { "{'speed': <-1>}", "link", "'-1'" },
  { "@a{sv} {}", "pack", "'16m-jpeg-9'" },
  { "{'quality': <0>}", "pack", "'16m-jpeg'" },
  { "{'pack': <'64k'>, 'quality': <3>}", "pack", "'64k-3'" },
  { "@a{sv} {}", "quality", NULL },
  { "@a{sv} {}", "dpi", NULL },
  { "{'dpi': <144>}", "dpi", NULL },
  { "{'dpi': <144>, 'setdpi': <true>}", "dpi", "144" },
  { "{'setdpi': <true>}", "dpi", "96" },
  { "{'setdpi': <true>}", "setdpi", NULL },
  { "{'xinerama': <true>}", "xinerama", "true" },
  { "{'clipboard': <'server'>}", "clipboard", "'server'" },
  /* the keyboard */
  { "@a{sv} {}", "kbtype", "'pc105/us'" },
  { "@a{sv} {}", "kblayout", "'us'" },
  { "@a{sv} {}", "kbvariant", "'null'" },
  { "{'type': <'pc105/de'>, 'layout': <'de'>, 'variant': <'nodeadkeys'>}", "kbvariant",
    "'nodeadkeys'" },
  { "{'usekbd': <false>}", "kbtype", "'null/null'" },
  { "{'usekbd': <false>, 'layout': <'de'>}", "kblayout", "'null'" },
  { "{'usekbd': <false>, 'variant': <'intl'>}", "kbvariant", "'null'" },
  { "{'type': <''>}", "kbtype", "'null/null'" },
  { "{'type': <'  '>}", "kbtype", "'null/null'" },
  { "{'layout': <''>}", "kblayout", "'null'" },
  { "{'variant': <' '>}", "kbvariant", "'null'" },
  { "{'type': <' pc105/de'>}", "kbtype", "' pc105/de'" },
  /* sound */
  { "@a{sv} {}", "snd_system", "'none'" },
  { "{'soundsystem': <'esd'>}", "snd_system", "'none'" },
  { "{'sound': <true>}", "snd_system", "'pulse'" },
  { "{'sound': <true>, 'soundsystem': <'esd'>}", "snd_system", "'esd'" },
  { "{'sndport': <4714>}", "snd_port", "4714" },
  /* folders, MIME box, printing */
  { "@a{sv} {}", "allow_share_local_folders", "true" },
  { "{'useexports': <false>}", "allow_share_local_folders", "false" },
  { "{'restoreexports': <true>}", "restore_shared_local_folders", "true" },
  { "@a{sv} {}", "share_local_folders", "[]" },
  { "{'export': <{'/a': true, '/b c': false}>}", "share_local_folders", "['/a', '/b c']" },
  { "{'export': <{'/a': true}>}", "export", NULL },
  { "{'usemimebox': <true>}", "allow_mimebox", "true" },
  { "{'mimeboxextensions': <'pdf,odt'>}", "mimebox_extensions", "'pdf,odt'" },
  { "{'mimeboxaction': <'SAVEAS'>}", "mimebox_action", "'SAVEAS'" },
  { "{'mimeboxaction': <'OPENWITH'>}", "mimebox_action", "'OPENWITH'" },
  { "{'mimeboxaction': <'open'>}", "mimebox_action", "'OPEN'" },
  { "{'mimeboxaction': <'PRINT'>}", "mimebox_action", "'OPEN'" },
  { "{'print': <true>}", "printing", "true" },
  { "{'useiconv': <true>, 'iconvfrom': <'L1'>, 'iconvto': <'L2'>}", "convert_encoding",
    "true" },
  { "{'iconvfrom': <'L1'>}", "client_encoding", "'L1'" },
  { "{'iconvto': <'L2'>}", "server_encoding", "'L2'" },
  { "{'setsessiontitle': <true>, 'sessiontitle': <'T'>}", "set_session_title", "true" },
  { "{'sessiontitle': <'T'>}", "session_title", "'T'" },
  /* keys python-x2go drops, x2goclient's own keys, unknown keys */
  { "@a{sv} {}", "icon", NULL },
  { "@a{sv} {}", "display", NULL },
  { "@a{sv} {}", "multidisp", NULL },
  { "@a{sv} {}", "krblogin", NULL },
  { "@a{sv} {}", "fstunnel", NULL },
  { "@a{sv} {}", "directrdp", NULL },
  { "@a{sv} {}", "rdpport", NULL },
  { "@a{sv} {}", "sshproxytype", NULL },
  { "@a{sv} {}", "startsoundsystem", NULL },
  { "@a{sv} {}", "sound", NULL },
  { "@a{sv} {}", "rootless", NULL },
  { "@a{sv} {}", "usekbd", NULL },
  { "{'krbdelegation': <true>}", "krbdelegation", NULL },
  { "{'shadowuser': <'x'>}", "shadowuser", NULL },
  { "{'no-such-key': <'x'>}", "no-such-key", NULL },
  { "@a{sv} {}", "host", NULL },
  { "@a{sv} {}", "command", NULL },
  /* a value of the wrong type reads as the default */
  { "{'fullscreen': <'yes'>}", "geometry", "'800x600'" },
  { "{'quality': <'x'>}", "pack", "'16m-jpeg-9'" },
};

static void
test_params_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (params_vectors); i++)
    {
      g_autoptr(GVariant) config = profile (params_vectors[i].profile);
      g_autoptr(GVariant) params = tether_x2go_profile_to_session_params (config);
      g_autofree char *got = value_text (params, params_vectors[i].param);

      if (g_strcmp0 (got, params_vectors[i].expected) != 0)
        g_error ("vector %" G_GSIZE_FORMAT " (%s): %s is %s, expected %s", i,
                 params_vectors[i].profile, params_vectors[i].param,
                 got != NULL ? got : "absent",
                 params_vectors[i].expected != NULL ? params_vectors[i].expected : "absent");
    }
}

static int
compare_strings (gconstpointer a, gconstpointer b)
{
  return strcmp (*(const char *const *) a, *(const char *const *) b);
}

/* python-x2go's default profile gives exactly these 48 parameters. */
static void
test_params_defaults_complete (void)
{
  static const char *const expected[] = {
    "allow_agent", "allow_mimebox", "allow_share_local_folders", "applications",
    "auto_connect", "auto_start_or_resume", "client_encoding", "clipboard", "cmd",
    "convert_encoding", "forward_sshagent", "geometry", "kblayout", "kbtype", "kbvariant",
    "kdrive", "key_filename", "link", "look_for_keys", "mimebox_action", "mimebox_extensions",
    "pack", "port", "printing", "profile_name", "published_applications", "rdp_options",
    "rdp_server", "restore_shared_local_folders", "server", "server_encoding",
    "session_title", "session_type", "set_session_title", "share_local_folders", "snd_port",
    "snd_system", "sshproxy_allow_agent", "sshproxy_host", "sshproxy_key_filename",
    "sshproxy_look_for_keys", "sshproxy_port", "sshproxy_user", "unique_hostkey_aliases",
    "use_sshproxy", "username", "xdmcp_server", "xinerama",
  };
  g_autoptr(GVariant) config = profile ("@a{sv} {}");
  g_autoptr(GVariant) params = tether_x2go_profile_to_session_params (config);
  g_autoptr(GPtrArray) keys = g_ptr_array_new ();
  GVariantIter iter;
  const char *key;

  g_variant_iter_init (&iter, params);
  while (g_variant_iter_next (&iter, "{&sv}", &key, NULL))
    g_ptr_array_add (keys, (gpointer) key);
  g_ptr_array_sort (keys, compare_strings);
  g_assert_cmpuint (keys->len, ==, G_N_ELEMENTS (expected));
  for (gsize i = 0; i < G_N_ELEMENTS (expected); i++)
    g_assert_cmpstr (g_ptr_array_index (keys, i), ==, expected[i]);
  {
    g_autofree char *user = value_text (params, "username");
    g_autofree char *want = g_strdup_printf ("'%s'", g_get_user_name ());

    g_assert_cmpstr (user, ==, want);
  }
}

/* ---- step 2: the options of a registration ------------------------------------------ */

static const struct {
  const char *profile;
  const char *overrides;  /* NULL: none */
  const char *option;
  const char *expected;   /* GVariant text; NULL: absent */
} options_vectors[] = {
  { "@a{sv} {}", NULL, "server", "'server.mydomain'" },
  { "{'host': <['x2go.example']>, 'sshport': <2022>, 'user': <'jdoe'>}", NULL, "port", "2022" },
  { "{'host': <['x2go.example']>}", NULL, "server", "'x2go.example'" },
  { "{'user': <'jdoe'>}", NULL, "username", "'jdoe'" },
  { "@a{sv} {}", NULL, "profile_name", "'P'" },
  { "@a{sv} {}", NULL, "profile_id", "'20240101000000000'" },
  { "{'name': <'inside the file'>}", NULL, "profile_name", "'P'" },
  { "@a{sv} {}", NULL, "key_filename", NULL },
  { "{'key': <'~/.ssh/k'>}", NULL, "key_filename", "'~/.ssh/k'" },
  { "@a{sv} {}", NULL, "look_for_keys", "true" },
  { "@a{sv} {}", NULL, "allow_agent", "true" },
  { "{'autologin': <false>}", NULL, "allow_agent", NULL },
  { "@a{sv} {}", NULL, "cmd", "'TERMINAL'" },
  { "@a{sv} {}", NULL, "geometry", "'800x600'" },
  { "@a{sv} {}", NULL, "pack", "'16m-jpeg-9'" },
  { "@a{sv} {}", NULL, "snd_system", "'none'" },
  { "{'setdpi': <true>, 'dpi': <120>}", NULL, "dpi", "120" },
  { "{'forwardsshagent': <true>}", NULL, "forward_sshagent", "true" },
  /* what only describes a feature the profile does not use stays out */
  { "@a{sv} {}", NULL, "allow_share_local_folders", NULL },
  { "@a{sv} {}", NULL, "share_local_folders", NULL },
  { "{'export': <{'/a': false}>}", NULL, "share_local_folders", NULL },
  { "{'export': <{'/a': true, '/b': false}>}", NULL, "share_local_folders", "['/a']" },
  { "{'export': <{'/a': true}>, 'useexports': <false>}", NULL, "share_local_folders", NULL },
  { "@a{sv} {}", NULL, "applications", NULL },
  { "@a{sv} {}", NULL, "snd_port", NULL },
  { "@a{sv} {}", NULL, "mimebox_action", NULL },
  { "@a{sv} {}", NULL, "mimebox_extensions", NULL },
  { "@a{sv} {}", NULL, "session_title", NULL },
  { "@a{sv} {}", NULL, "client_encoding", NULL },
  { "@a{sv} {}", NULL, "server_encoding", NULL },
  { "@a{sv} {}", NULL, "sshproxy_host", NULL },
  { "@a{sv} {}", NULL, "sshproxy_allow_agent", NULL },
  { "{'sshproxysamepass': <true>}", NULL, "sshproxy_reuse_authinfo", NULL },
  { "@a{sv} {}", NULL, "rdp_server", NULL },
  { "@a{sv} {}", NULL, "xdmcp_server", NULL },
  { "{'command': <'RDP'>, 'rdpserver': <'w'>}", NULL, "rdp_server", "'w'" },
  { "{'command': <'RDP'>}", NULL, "rdp_options", "'-u X2GO_USER -p X2GO_PASSWORD'" },
  { "{'command': <'XDMCP'>}", NULL, "xdmcp_server", "'localhost'" },
  { "{'command': <'RDP'>}", "{'cmd': <'xterm'>}", "rdp_server", NULL },
  { "@a{sv} {}", "{'cmd': <'XDMCP'>}", "xdmcp_server", "'localhost'" },
  /* the caller's options win, and may add any option */
  { "{'command': <'xterm'>}", "{'cmd': <'xeyes'>}", "cmd", "'xeyes'" },
  { "{'host': <['a']>}", "{'server': <'b.example'>}", "server", "'b.example'" },
  { "{'sshport': <2022>}", "{'port': <uint32 2200>}", "port", "2200" },
  /* secrets stay out of the merged options: the registration takes them */
  { "@a{sv} {}", "{'password': <'pw'>}", "password", NULL },
  { "@a{sv} {}", "{'passphrase': <'pp'>}", "passphrase", NULL },
  { "@a{sv} {}", "{'session_title': <'T'>}", "session_title", "'T'" },
  { "{'sound': <true>}", "{'snd_system': <'none'>}", "snd_system", "'none'" },
  { "{'export': <{'/a': true}>}", "{'share_local_folders': <@as []>}", "share_local_folders",
    "[]" },
};

static void
test_options_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (options_vectors); i++)
    {
      g_autoptr(GVariant) config = profile (options_vectors[i].profile);
      g_autoptr(GVariant) overrides = options_vectors[i].overrides != NULL
                                        ? profile (options_vectors[i].overrides) : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = tether_x2go_profile_to_session_options (
        config, "20240101000000000", "P", overrides, &error);
      g_autofree char *got = NULL;

      g_assert_no_error (error);
      got = value_text (options, options_vectors[i].option);
      if (g_strcmp0 (got, options_vectors[i].expected) != 0)
        g_error ("vector %" G_GSIZE_FORMAT " (%s + %s): %s is %s, expected %s", i,
                 options_vectors[i].profile,
                 options_vectors[i].overrides != NULL ? options_vectors[i].overrides : "-",
                 options_vectors[i].option, got != NULL ? got : "absent",
                 options_vectors[i].expected != NULL ? options_vectors[i].expected : "absent");
    }
}

/* What the option parser then says about a profile: accepted, or refused
 * with the exact error for what Tether cannot do yet. */
static const struct {
  const char *profile;
  const char *overrides;
  int         code;       /* a G_IO_ERROR code; 0: accepted */
  const char *in_message;
} parse_vectors[] = {
  { "@a{sv} {}", NULL, 0, NULL },
  { "{'host': <['x2go.example']>, 'user': <'jdoe'>, 'command': <'xterm'>, 'rootless': <false>,"
    " 'speed': <4>, 'quality': <0>, 'pack': <'nopack'>, 'width': <1024>, 'height': <768>,"
    " 'setdpi': <true>, 'dpi': <110>, 'usekbd': <true>, 'type': <'pc105/de'>,"
    " 'layout': <'de'>, 'variant': <'nodeadkeys'>, 'clipboard': <'none'>,"
    " 'xinerama': <true>, 'key': <'/k'>, 'export': <{'/manual': false}>}", NULL, 0, NULL },
  { "{'fullscreen': <true>}", NULL, 0, NULL },
  { "{'usekbd': <false>}", NULL, 0, NULL },
  { "{'sound': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "snd_system" },
  { "{'sound': <true>}", "{'snd_system': <'none'>}", 0, NULL },
  { "{'sound': <true>, 'soundsystem': <'none'>}", NULL, 0, NULL },
  { "{'print': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "printing" },
  { "{'export': <{'/a': true}>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "share_local_folders" },
  { "{'restoreexports': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "restore_shared" },
  { "{'usemimebox': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "allow_mimebox" },
  { "{'usesshproxy': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "use_sshproxy" },
  { "{'setsessiontitle': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "set_session_title" },
  { "{'maxdim': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "maximize" },
  { "{'published': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "published" },
  { "{'autoconnect': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "auto_connect" },
  { "{'autostart': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "auto_start_or_resume" },
  { "{'autostart': <true>}", "{'auto_start_or_resume': <false>}", 0, NULL },
  { "{'kdrive': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "kdrive" },
  { "{'useiconv': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "convert_encoding" },
  { "{'uniquehostkeyaliases': <true>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "unique_hostkey" },
  { "{'command': <'RDP'>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "rdp_" },
  { "{'command': <'XDMCP'>}", NULL, G_IO_ERROR_NOT_SUPPORTED, "xdmcp_server" },
  { "{'speed': <7>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "link" },
  { "{'width': <0>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "geometry" },
  { "{'width': <-5>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "geometry" },
  { "{'setdpi': <true>, 'dpi': <0>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "dpi" },
  { "{'sshport': <0>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "port" },
  { "{'sshport': <70000>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "port" },
  { "{'user': <'-oProxyCommand'>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "username" },
  { "{'clipboard': <'all'>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "clipboard" },
  { "{'type': <'pc105;rm'>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "kbtype" },
  { "{'pack': <'16m jpeg'>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "pack" },
  { "{'command': <''>}", NULL, G_IO_ERROR_INVALID_ARGUMENT, "cmd" },
};

static void
test_parse_vectors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (parse_vectors); i++)
    {
      g_autoptr(GVariant) config = profile (parse_vectors[i].profile);
      g_autoptr(GVariant) overrides = parse_vectors[i].overrides != NULL
                                        ? profile (parse_vectors[i].overrides) : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = tether_x2go_profile_to_session_options (
        config, "1", "P", overrides, &error);
      TetherX2goSessionOptions opts;
      gboolean ok;

      g_assert_no_error (error);
      ok = tether_x2go_session_options_parse (options, &opts, &error);
      if (parse_vectors[i].code == 0)
        {
          if (!ok)
            g_error ("vector %" G_GSIZE_FORMAT " (%s): refused: %s", i, parse_vectors[i].profile,
                     error->message);
          tether_x2go_session_options_clear (&opts);
          continue;
        }
      if (ok)
        g_error ("vector %" G_GSIZE_FORMAT " (%s): accepted", i, parse_vectors[i].profile);
      g_assert_error (error, G_IO_ERROR, parse_vectors[i].code);
      if (strstr (error->message, parse_vectors[i].in_message) == NULL)
        g_error ("vector %" G_GSIZE_FORMAT ": '%s' does not name %s", i, error->message,
                 parse_vectors[i].in_message);
    }
}

/* The parsed options hold the profile's values. */
static void
test_parse_values (void)
{
  g_autoptr(GVariant) config = profile (
    "{'host': <['x2go.example']>, 'sshport': <2022>, 'user': <'jdoe'>, 'key': <'/k/id'>,"
    " 'command': <'xterm'>, 'rootless': <false>, 'speed': <4>, 'pack': <'64k'>,"
    " 'quality': <0>, 'width': <1024>, 'height': <768>, 'setdpi': <true>, 'dpi': <110>,"
    " 'type': <'pc105/de'>, 'layout': <'de'>, 'variant': <''>, 'clipboard': <'client'>,"
    " 'xinerama': <true>, 'autologin': <false>}");
  g_autoptr(GVariant) options = NULL;
  g_autoptr(GError) error = NULL;
  TetherX2goSessionOptions opts;

  options = tether_x2go_profile_to_session_options (config, "20240102", "Office", NULL, &error);
  g_assert_no_error (error);
  g_assert_true (tether_x2go_session_options_parse (options, &opts, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (opts.server, ==, "x2go.example");
  g_assert_cmpuint (opts.port, ==, 2022);
  g_assert_cmpstr (opts.username, ==, "jdoe");
  g_assert_cmpstr (opts.profile_name, ==, "Office");
  g_assert_cmpstr (opts.profile_id, ==, "20240102");
  g_assert_nonnull (opts.key_files);
  g_assert_cmpstr (opts.key_files[0], ==, "/k/id");
  g_assert_null (opts.key_files[1]);
  g_assert_false (opts.look_for_keys);
  g_assert_false (opts.allow_agent);
  g_assert_cmpstr (opts.cmd, ==, "xterm");
  g_assert_cmpint (opts.session_type, ==, 'D');
  g_assert_cmpstr (opts.link, ==, "lan");
  g_assert_cmpstr (opts.pack, ==, "64k");
  g_assert_cmpstr (opts.geometry, ==, "1024x768");
  g_assert_cmpuint (opts.dpi, ==, 110);
  g_assert_cmpstr (opts.kbtype, ==, "pc105/de");
  g_assert_cmpstr (opts.kblayout, ==, "de");
  g_assert_cmpstr (opts.kbvariant, ==, "null");
  g_assert_cmpstr (opts.clipboard, ==, "client");
  g_assert_true (opts.xinerama);
  g_assert_cmpstr (opts.snd_system, ==, "none");
  tether_x2go_session_options_clear (&opts);

  /* autologin: keys from the SSH folder and the agent. */
  {
    g_autoptr(GVariant) c2 = profile ("@a{sv} {}");
    g_autoptr(GVariant) o2 = tether_x2go_profile_to_session_options (c2, "1", "P", NULL, &error);

    g_assert_true (tether_x2go_session_options_parse (o2, &opts, &error));
    g_assert_true (opts.look_for_keys);
    g_assert_true (opts.allow_agent);
    g_assert_null (opts.key_files);
    g_assert_cmpuint (opts.dpi, ==, 0);
    tether_x2go_session_options_clear (&opts);
  }
}

/* Several hosts: one of them, each now and then. */
static void
test_options_host_list (void)
{
  g_autoptr(GVariant) config = profile ("{'host': <['a.example', 'b.example', 'c.example']>}");
  gboolean seen[3] = { FALSE, FALSE, FALSE };

  for (int round = 0; round < 200; round++)
    {
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = tether_x2go_profile_to_session_options (config, "1", "P",
                                                                             NULL, &error);
      const char *server = NULL;

      g_assert_no_error (error);
      g_assert_true (g_variant_lookup (options, "server", "&s", &server));
      g_assert_true (strlen (server) == 9 && g_str_has_suffix (server, ".example") &&
                     server[0] >= 'a' && server[0] <= 'c');
      seen[server[0] - 'a'] = TRUE;
    }
  g_assert_true (seen[0] && seen[1] && seen[2]);
}

static const struct {
  const char *profile;
  const char *overrides;
  const char *in_message;
} options_errors[] = {
  { "{'host': <@as []>}", NULL, "names no host" },
  { "{'host': <['']>}", NULL, "names no host" },
  { "{'host': <['   ']>}", NULL, "names no host" },
  { "@a{sv} {}", "{'profile_name': <'other'>}", "profile_name or profile_id" },
  { "@a{sv} {}", "{'profile_id': <'1'>}", "profile_name or profile_id" },
};

static void
test_options_errors (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (options_errors); i++)
    {
      g_autoptr(GVariant) config = profile (options_errors[i].profile);
      g_autoptr(GVariant) overrides = options_errors[i].overrides != NULL
                                        ? profile (options_errors[i].overrides) : NULL;
      g_autoptr(GError) error = NULL;
      g_autoptr(GVariant) options = tether_x2go_profile_to_session_options (
        config, "1", "P", overrides, &error);

      g_assert_null (options);
      g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
      g_assert_nonnull (strstr (error->message, options_errors[i].in_message));
    }
  /* Many hosts. */
  {
    g_autoptr(GVariantBuilder) hosts = g_variant_builder_new (G_VARIANT_TYPE_STRING_ARRAY);
    g_autoptr(GVariant) config = NULL;
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) options = NULL;
    GVariantBuilder b;

    for (int k = 0; k <= TETHER_X2GO_PROFILE_MAX_HOSTS; k++)
      {
        g_autofree char *h = g_strdup_printf ("h%d.example", k);
        g_variant_builder_add (hosts, "s", h);
      }
    g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
    g_variant_builder_add (&b, "{sv}", "host", g_variant_builder_end (hosts));
    config = g_variant_ref_sink (g_variant_builder_end (&b));
    options = tether_x2go_profile_to_session_options (config, "1", "P", NULL, &error);
    g_assert_null (options);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
  /* Overrides that are no dictionary. */
  {
    g_autoptr(GVariant) config = profile ("@a{sv} {}");
    g_autoptr(GVariant) bad = g_variant_ref_sink (g_variant_new_string ("x"));
    g_autoptr(GError) error = NULL;
    g_autoptr(GVariant) options = tether_x2go_profile_to_session_options (config, "1", "P", bad,
                                                                           &error);
    g_assert_null (options);
    g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  }
}

/* The public face, on a file. */
static void
test_profiles_to_session_params (void)
{
  g_autofree char *dir = g_dir_make_tmp ("tether-params-XXXXXX", NULL);
  g_autofree char *path = g_build_filename (dir, "sessions", NULL);
  g_autoptr(TetherX2goProfiles) profiles = NULL;
  g_autoptr(GVariant) params = NULL;
  g_autoptr(GError) error = NULL;
  g_autofree char *geometry = NULL;
  g_autofree char *server = NULL;
  g_autofree char *name = NULL;

  g_assert_true (g_file_set_contents (path,
                                      "[20240101]\nname=Büro\nhost=a, b\nfullscreen=false\n"
                                      "width=1920\nheight=1080\nspeed=4\nsshport=2022\n"
                                      "usekbd=false\n", -1, NULL));
  profiles = g_object_new (TETHER_X2GO_TYPE_PROFILES, "client-rootdir", dir, "system-dir", "",
                           NULL);
  g_assert_true (tether_x2go_profiles_load (profiles, &error));
  params = tether_x2go_profiles_to_session_params (profiles, "Büro", &error);
  g_assert_no_error (error);
  geometry = value_text (params, "geometry");
  server = value_text (params, "server");
  name = value_text (params, "profile_name");
  g_assert_cmpstr (geometry, ==, "'1920x1080'");
  g_assert_cmpstr (server, ==, "['a', 'b']");
  g_assert_cmpstr (name, ==, "'Büro'");
  g_clear_pointer (&params, g_variant_unref);
  params = tether_x2go_profiles_to_session_params (profiles, "20240101", &error);
  g_assert_no_error (error);
  g_clear_pointer (&params, g_variant_unref);
  params = tether_x2go_profiles_to_session_params (profiles, "nope", &error);
  g_assert_null (params);
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_PROFILE);
  g_unlink (path);
  g_rmdir (dir);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/x2go/profile-params/vectors", test_params_vectors);
  g_test_add_func ("/x2go/profile-params/defaults-complete", test_params_defaults_complete);
  g_test_add_func ("/x2go/profile-options/vectors", test_options_vectors);
  g_test_add_func ("/x2go/profile-options/host-list", test_options_host_list);
  g_test_add_func ("/x2go/profile-options/errors", test_options_errors);
  g_test_add_func ("/x2go/profile-options/parse", test_parse_vectors);
  g_test_add_func ("/x2go/profile-options/parse-values", test_parse_values);
  g_test_add_func ("/x2go/profile-params/profiles", test_profiles_to_session_params);
  return g_test_run ();
}
