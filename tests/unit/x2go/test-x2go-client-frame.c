/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* The pure pieces of the X2Go client: the command output frame, the nxproxy
 * command line, and the session options dictionary. */
#include "config.h"

#include <string.h>
#include <unistd.h>

#include <glib/gstdio.h>

#include "tether-error.h"
#include "tether-x2go-client-transport-private.h"
#include "tether-x2go-nxproxy-private.h"
#include "tether-x2go-session-options-private.h"
#include "tether-test-utils.h"

#define M "0b6e1c2a-8a47-41ee-9c1b-0242ac110002"

/* ---- wrap --------------------------------------------------------------------- */

static void
test_wrap (void)
{
  g_autofree char *w = tether_x2go_wrap_command ("export HOSTNAME && x2golistsessions", M);
  g_autofree char *q = tether_x2go_wrap_command ("x2gosuspend-session 'a'\\''b'", M);
  g_auto(GStrv) argv = NULL;

  g_assert_cmpstr (w, ==, "echo X2GODATABEGIN:" M "; sh -c 'export HOSTNAME && x2golistsessions'; "
                          "echo X2GODATAEND:" M ":$?");
  /* Quotes inside survive as one word for the inner sh. */
  g_assert_true (g_shell_parse_argv (q, NULL, &argv, NULL));
  g_assert_cmpstr (argv[4], ==, "x2gosuspend-session 'a'\\''b';");
}

/* ---- unwrap ------------------------------------------------------------------- */

typedef struct {
  const char *name;
  const char *input;
  const char *body;     /* NULL: must fail */
  int         status;
} UnwrapCase;

static const UnwrapCase unwrap_cases[] = {
  { "plain", "X2GODATABEGIN:" M "\nline 1\nline 2\nX2GODATAEND:" M ":0\n", "line 1\nline 2\n", 0 },
  { "empty", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":0\n", "", 0 },
  { "noise around", "motd\nfortune\nX2GODATABEGIN:" M "\nok\nX2GODATAEND:" M ":0\nbye\n", "ok\n", 0 },
  { "status", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":127\n", "", 127 },
  { "status 255", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":255\n", "", 255 },
  { "no final newline in body", "X2GODATABEGIN:" M "\nabcX2GODATAEND:" M ":0\n", NULL, 0 },
  { "body keeps a missing newline", "X2GODATABEGIN:" M "\nabc\nX2GODATAEND:" M ":1\n", "abc\n", 1 },
  { "no frame", "50\ncookie\n", NULL, 0 },
  { "empty input", "", NULL, 0 },
  { "no end", "X2GODATABEGIN:" M "\nabc\n", NULL, 0 },
  { "end without newline", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":0", NULL, 0 },
  { "begin without newline", "X2GODATABEGIN:" M, NULL, 0 },
  { "other marker", "X2GODATABEGIN:other\nX2GODATAEND:other:0\n", NULL, 0 },
  { "marker prefix only", "X2GODATABEGIN:" M "x\nX2GODATAEND:" M ":0\n", NULL, 0 },
  { "two begins", "X2GODATABEGIN:" M "\nX2GODATABEGIN:" M "\nX2GODATAEND:" M ":0\n", NULL, 0 },
  { "two ends", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":0\nX2GODATAEND:" M ":0\n", NULL, 0 },
  { "second frame", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":0\nX2GODATABEGIN:" M "\n", NULL, 0 },
  { "status missing", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":\n", NULL, 0 },
  { "status no colon", "X2GODATABEGIN:" M "\nX2GODATAEND:" M "\n", NULL, 0 },
  { "status negative", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":-1\n", NULL, 0 },
  { "status too big", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":256\n", NULL, 0 },
  { "status long", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":0000\n", NULL, 0 },
  { "status plus", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":+1\n", NULL, 0 },
  { "status junk", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":1 \n", NULL, 0 },
  { "crlf end", "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":0\r\n", NULL, 0 },
};

static void
test_unwrap_table (void)
{
  for (gsize i = 0; i < G_N_ELEMENTS (unwrap_cases); i++)
    {
      const UnwrapCase *c = &unwrap_cases[i];
      g_autoptr(GError) error = NULL;
      g_autofree char *out = NULL;
      gsize out_len = 99;
      int status = 99;
      gboolean ok;

      ok = tether_x2go_unwrap_output ("test-cmd", c->input, strlen (c->input), M, &out, &out_len,
                                      &status, &error);
      if (c->body != NULL)
        {
          if (!ok)
            g_error ("case '%s' failed: %s", c->name, error->message);
          g_assert_cmpstr (out, ==, c->body);
          g_assert_cmpuint (out_len, ==, strlen (c->body));
          g_assert_cmpint (status, ==, c->status);
        }
      else
        {
          if (ok)
            g_error ("case '%s' was accepted", c->name);
          g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
          g_assert_true (g_str_has_prefix (error->message, "test-cmd: "));
          g_assert_null (out);
          g_assert_cmpuint (out_len, ==, 0);
          g_assert_cmpint (status, ==, -1);
        }
    }
}

static void
test_unwrap_nul_bytes (void)
{
  static const char input[] = "X2GODATABEGIN:" M "\na\0b\nX2GODATAEND:" M ":0\n";
  static const char bad_status[] = "X2GODATABEGIN:" M "\nX2GODATAEND:" M ":1\0\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gsize out_len = 0;
  int status;

  /* NUL bytes pass through in the body (the parsers refuse them). */
  g_assert_true (tether_x2go_unwrap_output ("t", input, sizeof input - 1, M, &out, &out_len,
                                            &status, &error));
  g_assert_cmpuint (out_len, ==, 4);
  g_assert_cmpmem (out, 4, "a\0b\n", 4);
  g_clear_pointer (&out, g_free);
  g_assert_false (tether_x2go_unwrap_output ("t", bad_status, sizeof bad_status - 1, M, &out,
                                             &out_len, &status, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
}

static void
test_unwrap_every_prefix (void)
{
  static const char input[] = "noise\nX2GODATABEGIN:" M "\nx2gotest|jdoe\nX2GODATAEND:" M ":0\n";
  gsize len = sizeof input - 1;

  for (gsize n = 0; n < len; n++)
    {
      g_autoptr(GError) error = NULL;
      g_autofree char *copy = g_memdup2 (input, n);
      g_autofree char *out = NULL;
      gsize out_len;
      int status;

      if (tether_x2go_unwrap_output ("t", copy, n, M, &out, &out_len, &status, &error))
        g_error ("prefix of %" G_GSIZE_FORMAT " bytes was accepted", n);
      g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
    }
}

static void
test_unwrap_too_large (void)
{
  gsize len = TETHER_X2GO_MAX_COMMAND_OUTPUT + 1;
  g_autofree char *big = g_malloc0 (len);
  g_autoptr(GError) error = NULL;
  g_autofree char *out = NULL;
  gsize out_len;
  int status;

  g_assert_false (tether_x2go_unwrap_output ("t", big, len, M, &out, &out_len, &status, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_MALFORMED_OUTPUT);
}

/* ---- nxproxy ------------------------------------------------------------------- */

static void
test_nxproxy_argv (void)
{
  TetherX2goNxproxyParams p = {
    .program = "nxproxy",
    .session_dir = "/home/jdoe/.x2go/S-jdoe-50-1700580000_stRTERMINAL_dp24",
    .nx_root = "/home/jdoe/.x2go",
    .display = ":0",
    .cookie = "5f0c2e8d1b9a4e3f8c7d6b5a49382716",
    .local_port = 40007,
    .server_display = 50,
  };
  g_autoptr(GError) error = NULL;
  g_auto(GStrv) argv = tether_x2go_nxproxy_build_argv (&p, "/usr/bin/nxproxy", &error);
  g_auto(GStrv) argv2 = NULL;

  g_assert_no_error (error);
  g_assert_cmpuint (g_strv_length (argv), ==, 3);
  g_assert_cmpstr (argv[0], ==, "/usr/bin/nxproxy");
  g_assert_cmpstr (argv[1], ==, "-S");
  g_assert_cmpstr (argv[2], ==, "nx/nx,retry=5,composite=1,connect=127.0.0.1,clipboard=1,"
                                "cookie=5f0c2e8d1b9a4e3f8c7d6b5a49382716,port=40007,"
                                "errors=/home/jdoe/.x2go/S-jdoe-50-1700580000_stRTERMINAL_dp24/"
                                "session.err:50");

  p.use_options_file = TRUE;
  argv2 = tether_x2go_nxproxy_build_argv (&p, "/usr/bin/nxproxy", &error);
  g_assert_no_error (error);
  g_assert_cmpstr (argv2[2], ==, "nx/nx,options=/home/jdoe/.x2go/S-jdoe-50-1700580000_stRTERMINAL_dp24/"
                                 "options:50");
}

static void
test_nxproxy_bad_values (void)
{
  TetherX2goNxproxyParams p = {
    .program = "nxproxy",
    .session_dir = "/tmp/S-x",
    .nx_root = "/tmp",
    .display = ":0",
    .cookie = "5f0c2e8d1b9a4e3f8c7d6b5a49382716",
    .local_port = 40007,
    .server_display = 50,
  };
  const char *bad_cookies[] = { "", "5f0c", "5f0c2e8d1b9a4e3f8c7d6b5a4938271g",
                                "5f0c2e8d1b9a4e3f8c7d6b5a49382716,port=1", NULL };
  const char *bad_dirs[] = { "/tmp/a,b/S-x", "/tmp/a:b/S-x", "/tmp/a=b/S-x", "/tmp/a\nb/S-x" };
  g_autoptr(GError) error = NULL;

  for (gsize i = 0; i < G_N_ELEMENTS (bad_cookies); i++)
    {
      g_auto(GStrv) argv = NULL;

      p.cookie = bad_cookies[i];
      argv = tether_x2go_nxproxy_build_argv (&p, "/usr/bin/nxproxy", &error);
      g_assert_null (argv);
      g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED);
      g_clear_error (&error);
    }
  p.cookie = "5f0c2e8d1b9a4e3f8c7d6b5a49382716";
  for (gsize i = 0; i < G_N_ELEMENTS (bad_dirs); i++)
    {
      g_auto(GStrv) argv = NULL;

      p.session_dir = bad_dirs[i];
      argv = tether_x2go_nxproxy_build_argv (&p, "/usr/bin/nxproxy", &error);
      g_assert_null (argv);
      g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED);
      g_assert_nonnull (strstr (error->message, "session directory"));
      g_clear_error (&error);
    }
  p.session_dir = "/tmp/S-x";
  p.local_port = 0;
  g_assert_null (tether_x2go_nxproxy_build_options (&p, &error));
  g_assert_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_PROXY_FAILED);
}

static void
test_nxproxy_remove_dir (void)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *root = g_dir_make_tmp ("tether-nx-XXXXXX", &error);
  g_autofree char *dir = g_build_filename (root, "S-jdoe-50-1700000000_stRxterm_dp24", NULL);
  g_autofree char *sub = g_build_filename (dir, "cache", NULL);
  g_autofree char *file = g_build_filename (sub, "f", NULL);
  g_autofree char *outside = g_build_filename (root, "keep", NULL);
  g_autofree char *link = g_build_filename (dir, "link", NULL);
  g_autofree char *other = g_build_filename (root, "not-a-session", NULL);

  g_assert_no_error (error);
  g_assert_cmpint (g_mkdir_with_parents (sub, 0700), ==, 0);
  g_assert_true (g_file_set_contents (file, "x", -1, NULL));
  g_assert_cmpint (g_mkdir (outside, 0700), ==, 0);
  g_assert_cmpint (symlink (outside, link), ==, 0);
  g_assert_cmpint (g_mkdir (other, 0700), ==, 0);

  tether_x2go_nxproxy_remove_session_dir (dir);
  g_assert_false (g_file_test (dir, G_FILE_TEST_EXISTS));
  /* The symbolic link went, not what it pointed to. */
  g_assert_true (g_file_test (outside, G_FILE_TEST_IS_DIR));

  g_test_expect_message ("Tether-X2go", G_LOG_LEVEL_WARNING, "refusing to remove*");
  tether_x2go_nxproxy_remove_session_dir (other);
  g_test_assert_expected_messages ();
  g_assert_true (g_file_test (other, G_FILE_TEST_IS_DIR));
  g_rmdir (other);
  g_rmdir (outside);
  g_rmdir (root);
}

/* ---- options --------------------------------------------------------------------- */

static void
test_options_defaults (void)
{
  TetherX2goSessionOptions o;
  g_autoptr(GError) error = NULL;

  g_assert_true (tether_x2go_session_options_parse (NULL, &o, &error));
  g_assert_cmpstr (o.cmd, ==, "TERMINAL");
  g_assert_cmpint (o.session_type, ==, 'R');
  g_assert_cmpstr (o.geometry, ==, "800x600");
  g_assert_cmpstr (o.link, ==, "adsl");
  g_assert_cmpstr (o.pack, ==, "16m-jpeg-9");
  g_assert_cmpstr (o.cache_type, ==, "unix-kde");
  g_assert_cmpuint (o.depth, ==, 24);
  g_assert_cmpstr (o.kbtype, ==, "null/null");
  g_assert_cmpstr (o.clipboard, ==, "both");
  g_assert_cmpstr (o.snd_system, ==, "none");
  g_assert_false (o.add_to_known_hosts);
  g_assert_null (o.key_files);
  g_assert_null (o.password);
  g_assert_false (tether_x2go_session_options_low_latency (&o));
  tether_x2go_session_options_clear (&o);
}

static void
test_options_values (void)
{
  TetherX2goSessionOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = g_variant_parse (G_VARIANT_TYPE_VARDICT,
    "{'cmd': <'xterm -e top'>, 'session_type': <'desktop'>, 'geometry': <'1024x768'>,"
    " 'link': <'modem'>, 'pack': <'64k-png'>, 'depth': <16>, 'dpi': <'96'>,"
    " 'kbtype': <'pc105/de'>, 'kblayout': <'de'>, 'kbvariant': <'nodeadkeys'>,"
    " 'clipboard': <'server'>, 'xinerama': <true>, 'snd_system': <'none'>,"
    " 'key_filename': <['~/.ssh/id_a', '/k/id_b']>, 'password': <'s3cret'>,"
    " 'add_to_known_hosts': <true>, 'known_hosts': <'/kh'>, 'timeout': <uint32 7>,"
    " 'profile_name': <'work'>, 'session_name': <'jdoe-50-1700000000_stRxterm_dp24'>,"
    " 'printing': <false>, 'share_local_folders': <@as []>, 'port': <uint16 2222>}",
    NULL, NULL, &error);
  g_autofree char *home_key = g_build_filename (g_get_home_dir (), ".ssh/id_a", NULL);

  g_assert_no_error (error);
  g_assert_true (tether_x2go_session_options_parse (v, &o, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (o.cmd, ==, "xterm -e top");
  g_assert_cmpint (o.session_type, ==, 'D');
  g_assert_cmpstr (o.geometry, ==, "1024x768");
  g_assert_true (tether_x2go_session_options_low_latency (&o));
  g_assert_cmpstr (o.pack, ==, "64k-png");
  g_assert_cmpuint (o.depth, ==, 16);
  g_assert_cmpuint (o.dpi, ==, 96);
  g_assert_cmpstr (o.kbtype, ==, "pc105/de");
  g_assert_cmpstr (o.kblayout, ==, "de");
  g_assert_cmpstr (o.kbvariant, ==, "nodeadkeys");
  g_assert_cmpstr (o.clipboard, ==, "server");
  g_assert_true (o.xinerama);
  g_assert_cmpuint (g_strv_length (o.key_files), ==, 2);
  g_assert_cmpstr (o.key_files[0], ==, home_key);
  g_assert_cmpstr (o.key_files[1], ==, "/k/id_b");
  g_assert_cmpstr (o.password, ==, "s3cret");
  g_assert_true (o.add_to_known_hosts);
  g_assert_cmpstr (o.known_hosts, ==, "/kh");
  g_assert_cmpuint (o.connect_timeout, ==, 7);
  g_assert_cmpstr (o.profile_name, ==, "work");
  g_assert_cmpstr (o.session_name, ==, "jdoe-50-1700000000_stRxterm_dp24");
  g_assert_cmpuint (o.port, ==, 2222);
  tether_x2go_session_options_clear (&o);
  g_assert_null (o.password);
}

static void
test_options_too_many (void)
{
  GVariantBuilder b;
  TetherX2goSessionOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = NULL;

  g_variant_builder_init (&b, G_VARIANT_TYPE_VARDICT);
  for (int i = 0; i <= TETHER_X2GO_MAX_OPTIONS; i++)
    {
      g_autofree char *k = g_strdup_printf ("k%d", i);
      g_variant_builder_add (&b, "{sv}", k, g_variant_new_int32 (i));
    }
  v = g_variant_ref_sink (g_variant_builder_end (&b));
  g_assert_false (tether_x2go_session_options_parse (v, &o, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_INVALID_ARGUMENT);
  g_assert_nonnull (strstr (error->message, "too many"));
}

static void
test_options_rootless_and_dpi (void)
{
  TetherX2goSessionOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = g_variant_parse (G_VARIANT_TYPE_VARDICT,
    "{'rootless': <false>, 'dpi': <uint32 120>, 'setdpi': <false>}", NULL, NULL, &error);

  g_assert_true (tether_x2go_session_options_parse (v, &o, &error));
  g_assert_cmpint (o.session_type, ==, 'D');
  g_assert_cmpuint (o.dpi, ==, 0);
  tether_x2go_session_options_clear (&o);
}

static void
test_options_sshproxy (void)
{
  TetherX2goSessionOptions o;
  g_autoptr(GError) error = NULL;
  g_autoptr(GVariant) v = g_variant_parse (G_VARIANT_TYPE_VARDICT,
    "{'use_sshproxy': <true>, 'sshproxy_host': <'jump.example'>, 'sshproxy_port': <'2022'>,"
    " 'sshproxy_user': <'hop'>, 'sshproxy_password': <'pw'>, 'sshproxy_passphrase': <'pp'>,"
    " 'sshproxy_key_filename': <'/k/jump'>, 'sshproxy_reuse_authinfo': <true>,"
    " 'sshproxy_look_for_keys': <true>, 'sshproxy_allow_agent': <true>,"
    " 'sshproxy_type': <'SSH'>}", NULL, NULL, &error);
  static const struct {
    const char *options;
    int         code;
    const char *in_message;
  } bad[] = {
    { "{'use_sshproxy': <true>}", G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_host" },
    { "{'use_sshproxy': <'yes'>}", G_IO_ERROR_INVALID_ARGUMENT, "use_sshproxy" },
    { "{'sshproxy_host': <'a b'>}", G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_host" },
    { "{'sshproxy_port': <uint32 65536>}", G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_port" },
    { "{'sshproxy_user': <'-oProxyCommand=x'>}", G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_user" },
    { "{'sshproxy_password': <1>}", G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_password" },
    { "{'sshproxy_type': <'HTTP'>}", G_IO_ERROR_NOT_SUPPORTED, "sshproxy_type" },
    { "{'sshproxy_tunnel': <'localhost:44444:h:22'>}", G_IO_ERROR_NOT_SUPPORTED,
      "sshproxy_tunnel" },
    { "{'sshproxy_pkey': <'x'>}", G_IO_ERROR_INVALID_ARGUMENT, "sshproxy_pkey" },
  };

  g_assert_no_error (error);
  g_assert_true (tether_x2go_session_options_parse (v, &o, &error));
  g_assert_no_error (error);
  g_assert_true (o.use_sshproxy);
  g_assert_cmpstr (o.sshproxy_host, ==, "jump.example");
  g_assert_cmpuint (o.sshproxy_port, ==, 2022);
  g_assert_cmpstr (o.sshproxy_user, ==, "hop");
  g_assert_cmpstr (o.sshproxy_password, ==, "pw");
  g_assert_cmpstr (o.sshproxy_passphrase, ==, "pp");
  g_assert_cmpuint (g_strv_length (o.sshproxy_key_files), ==, 1);
  g_assert_cmpstr (o.sshproxy_key_files[0], ==, "/k/jump");
  g_assert_true (o.sshproxy_reuse_authinfo);
  g_assert_true (o.sshproxy_look_for_keys);
  g_assert_true (o.sshproxy_allow_agent);
  tether_x2go_session_options_clear (&o);
  g_assert_null (o.sshproxy_password);
  g_assert_null (o.sshproxy_passphrase);

  /* Defaults, and an empty proxy user (the profile default) means "not set". */
  g_clear_pointer (&v, g_variant_unref);
  v = g_variant_parse (G_VARIANT_TYPE_VARDICT, "{'sshproxy_user': <''>}", NULL, NULL, &error);
  g_assert_true (tether_x2go_session_options_parse (v, &o, &error));
  g_assert_false (o.use_sshproxy);
  g_assert_null (o.sshproxy_user);
  g_assert_cmpuint (o.sshproxy_port, ==, 22);
  tether_x2go_session_options_clear (&o);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GVariant) b = g_variant_parse (G_VARIANT_TYPE_VARDICT, bad[i].options,
                                               NULL, NULL, NULL);

      g_clear_error (&error);
      g_assert_nonnull (b);
      if (tether_x2go_session_options_parse (b, &o, &error))
        g_error ("%s: accepted", bad[i].options);
      g_assert_error (error, G_IO_ERROR, bad[i].code);
      if (strstr (error->message, bad[i].in_message) == NULL)
        g_error ("%s: '%s' lacks '%s'", bad[i].options, error->message, bad[i].in_message);
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/client/frame/wrap", test_wrap);
  g_test_add_func ("/x2go/client/frame/unwrap", test_unwrap_table);
  g_test_add_func ("/x2go/client/frame/nul-bytes", test_unwrap_nul_bytes);
  g_test_add_func ("/x2go/client/frame/truncated", test_unwrap_every_prefix);
  g_test_add_func ("/x2go/client/frame/too-large", test_unwrap_too_large);
  g_test_add_func ("/x2go/client/nxproxy/argv", test_nxproxy_argv);
  g_test_add_func ("/x2go/client/nxproxy/bad-values", test_nxproxy_bad_values);
  g_test_add_func ("/x2go/client/nxproxy/remove-session-dir", test_nxproxy_remove_dir);
  g_test_add_func ("/x2go/client/options/defaults", test_options_defaults);
  g_test_add_func ("/x2go/client/options/values", test_options_values);
  g_test_add_func ("/x2go/client/options/too-many", test_options_too_many);
  g_test_add_func ("/x2go/client/options/rootless-dpi", test_options_rootless_and_dpi);
  g_test_add_func ("/x2go/client/options/sshproxy", test_options_sshproxy);
  return g_test_run ();
}
