/* SPDX-License-Identifier: LGPL-2.1-or-later */
/* virt-viewer .vv files: the parser, and loading them into a session. */
#include "config.h"

#include <string.h>
#include <glib/gstdio.h>
#include <gio/gio.h>

#include "tether-error.h"
#include "tether-spice-session.h"
#include "tether-spice-vv-private.h"
#include "tether-test-utils.h"

#define PEM "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"

static const char full_vv[] =
  "# written by a test\n"
  "[virt-viewer]\n"
  "type=spice\n"
  "title=My VM\n"
  "host=vm.example.com\n"
  "port=5900\n"
  "tls-port=5901\n"
  "username = alice\n"
  "password=p;ss word\\s\n"
  "tls-ciphers=DEFAULT\n"
  "ca=-----BEGIN CERTIFICATE-----\\nMIIB\\n-----END CERTIFICATE-----\\n\n"
  "host-subject=C=XX,O=Test\\\\, Inc,CN=vm\n"
  "secure-channels=main;inputs;\n"
  "disable-channels=usbredir;smartcard\n"
  "disable-effects=wallpaper;animation;\n"
  "color-depth=16\n"
  "enable-smartcard=false\n"
  "enable-usbredir=1\n"
  "enable-usb-autoshare=true\n"
  "usb-filter=-1,-1,-1,-1,0\n"
  "proxy=http://proxy.example:8080\n"
  "delete-this-file=1\n"
  "fullscreen=0\n"
  "toggle-fullscreen=shift+f11\n"
  "title[fr]=Ma VM\n"
  "newer-key-we-do-not-know=whatever\n"
  "\n"
  "[ovirt]\n"
  "host=engine.example\n"
  "vm-guid=1234\n";

static void
test_vv_full (void)
{
  TetherSpiceVv vv;
  g_autoptr(GError) error = NULL;
  gsize n;
  const char *ca;

  g_assert_true (tether_spice_vv_parse (full_vv, strlen (full_vv), &vv, &error));
  g_assert_no_error (error);
  g_assert_cmpstr (vv.host, ==, "vm.example.com");
  g_assert_cmpstr (vv.port, ==, "5900");
  g_assert_cmpstr (vv.tls_port, ==, "5901");
  g_assert_null (vv.unix_path);
  g_assert_cmpstr (vv.username, ==, "alice");
  g_assert_cmpstr (vv.password, ==, "p;ss word ");
  g_assert_cmpstr (vv.ciphers, ==, "DEFAULT");
  ca = g_bytes_get_data (vv.ca, &n);
  g_assert_cmpmem (ca, n, PEM, strlen (PEM));
  g_assert_cmpstr (vv.cert_subject, ==, "C=XX,O=Test\\, Inc,CN=vm");
  g_assert_cmpuint (g_strv_length (vv.secure_channels), ==, 2);
  g_assert_cmpstr (vv.secure_channels[0], ==, "main");
  g_assert_cmpstr (vv.secure_channels[1], ==, "inputs");
  g_assert_cmpuint (g_strv_length (vv.disable_channels), ==, 2);
  g_assert_cmpstr (vv.disable_channels[1], ==, "smartcard");
  g_assert_cmpuint (g_strv_length (vv.disable_effects), ==, 2);
  g_assert_cmpint (vv.color_depth, ==, 16);
  g_assert_cmpint (vv.enable_smartcard, ==, 0);
  g_assert_cmpint (vv.enable_usbredir, ==, 1);
  g_assert_cmpstr (vv.proxy, ==, "http://proxy.example:8080");
  g_assert_cmpstr (vv.title, ==, "My VM");
  tether_spice_vv_clear (&vv);
  g_assert_null (vv.password);
  g_assert_null (vv.host);
}

static void
test_vv_minimal (void)
{
  static const char *const files[] = {
    "[virt-viewer]\ntype=spice\nhost=h\nport=1\n",
    "\xef\xbb\xbf[virt-viewer]\r\ntype=spice\r\nhost=h\r\nport=1",
    "  [virt-viewer]  \n  type = spice\n\thost=h\nport=-1\ntls-port=2\n",
    "[other]\nx=y\n[virt-viewer]\ntype=spice\nunix-path=/run/s.sock\n",
    "[virt-viewer]\ntype=spice\nhost=[::1]\nport=1\n",
    "[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-channels=all\n",
    "[virt-viewer]\ntype=spice\nhost=h\nport=1\nproxy=\n",
    "[virt-viewer]\ntype=spice\nhost=h\nport=1\ncolor-depth=0\n",
  };

  for (gsize i = 0; i < G_N_ELEMENTS (files); i++)
    {
      TetherSpiceVv vv;
      g_autoptr(GError) error = NULL;

      g_test_message ("file %" G_GSIZE_FORMAT, i);
      g_assert_true (tether_spice_vv_parse (files[i], strlen (files[i]), &vv, &error));
      g_assert_no_error (error);
      g_assert_true (vv.host != NULL || vv.unix_path != NULL);
      g_assert_cmpint (vv.enable_smartcard, ==, -1);
      tether_spice_vv_clear (&vv);
    }
}

typedef struct {
  const char *text;
  GQuark      domain;
  gint        code;
} BadVv;

static void
test_vv_bad (void)
{
  const BadVv v[] = {
    { "", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND },
    { "[other]\ntype=spice\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_GROUP_NOT_FOUND },
    { "type=spice\n[virt-viewer]\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer]\nhost=h\nport=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND },
    { "[virt-viewer]\ntype=vnc\nhost=h\nport=1\n", TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED },
    { "[virt-viewer]\ntype=ovirt\n", TETHER_SPICE_ERROR, TETHER_SPICE_ERROR_UNSUPPORTED },
    { "[virt-viewer]\ntype=rdp\nhost=h\nport=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND },
    { "[virt-viewer]\ntype=spice\nhost=h\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=0\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_KEY_NOT_FOUND },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=65536\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=12ab\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=-2\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=bad host\nport=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\\nx\nport=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nport=2\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer]\ntype=spice\n[virt-viewer]\nhost=h\nport=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nnovalue\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nba d=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer\ntype=spice\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[]\ntype=spice\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nkey[fr=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=a\\qb\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=ab\\\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nenable-smartcard=yes\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-channels=main;bogus\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-channels=main;;inputs\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\ndisable-channels=all\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\ndisable-effects=main\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-channels=main\\\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\ncolor-depth=33\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nhost-subject=CN=\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nhost-subject=CN=a\\x\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nproxy=socks://p\n", G_KEY_FILE_ERROR,
      G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nport=1\nca=a\\x01b\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\nunix-path=/s\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nunix-path=\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE },
    { "[virt-viewer]\ntype=spice\nhost=h\xff\nport=1\n", G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (v); i++)
    {
      TetherSpiceVv vv;
      g_autoptr(GError) error = NULL;

      g_test_message ("vector %" G_GSIZE_FORMAT, i);
      g_assert_false (tether_spice_vv_parse (v[i].text, strlen (v[i].text), &vv, &error));
      g_assert_error (error, v[i].domain, v[i].code);
      g_assert_null (vv.host);
      g_assert_null (vv.password);
    }
}

/* A NUL byte inside the data is not text. */
static void
test_vv_nul (void)
{
  static const char data[] = "[virt-viewer]\ntype=spice\nhost=h\0x\nport=1\n";
  TetherSpiceVv vv;
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_spice_vv_parse (data, sizeof data - 1, &vv, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_UNKNOWN_ENCODING);
}

static void
test_vv_limits (void)
{
  GString *s = g_string_new ("[virt-viewer]\ntype=spice\nhost=h\nport=1\n");
  TetherSpiceVv vv;
  GError *error = NULL;
  g_autofree char *long_line = NULL;
  g_autofree char *file = NULL;

  /* Too many keys. */
  for (guint i = 0; i < TETHER_SPICE_VV_MAX_KEYS; i++)
    g_string_append_printf (s, "k%u=v\n", i);
  g_assert_false (tether_spice_vv_parse (s->str, s->len, &vv, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_clear_error (&error);
  g_string_free (s, TRUE);

  /* A line over the cap. */
  long_line = g_strnfill (TETHER_SPICE_VV_MAX_LINE_LENGTH, 'a');
  file = g_strdup_printf ("[virt-viewer]\ntype=spice\nhost=h\nport=1\ntitle=%s\n", long_line);
  g_assert_false (tether_spice_vv_parse (file, strlen (file), &vv, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_clear_error (&error);

  /* A password over its cap names the key, not the value. */
  {
    g_autofree char *pw = g_strnfill (TETHER_SPICE_VV_MAX_PASSWORD_LENGTH + 1, 'S');
    g_autofree char *f = g_strdup_printf ("[virt-viewer]\ntype=spice\nhost=h\nport=1\npassword=%s\n", pw);

    g_assert_false (tether_spice_vv_parse (f, strlen (f), &vv, &error));
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    g_assert_nonnull (strstr (error->message, "password"));
    g_assert_null (strstr (error->message, "SSSS"));
    g_clear_error (&error);
  }

  /* Too large as a whole. */
  {
    gsize big = TETHER_SPICE_VV_MAX_SIZE + 1;
    char *data = g_malloc (big);

    memset (data, '#', big);
    g_assert_false (tether_spice_vv_parse (data, big, &vv, &error));
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
    g_clear_error (&error);
    g_free (data);
  }

  /* Too many list items. */
  {
    GString *list = g_string_new ("[virt-viewer]\ntype=spice\nhost=h\nport=1\nsecure-channels=");

    for (guint i = 0; i <= TETHER_SPICE_VV_MAX_LIST_ITEMS; i++)
      g_string_append (list, "main;");
    g_assert_false (tether_spice_vv_parse (list->str, list->len, &vv, &error));
    g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
    g_clear_error (&error);
    g_string_free (list, TRUE);
  }
}

/* Every prefix of a valid file parses or fails cleanly. */
static void
test_vv_prefixes (void)
{
  gsize len = strlen (full_vv);
  guint ok = 0;

  for (gsize n = 0; n <= len; n++)
    {
      TetherSpiceVv vv;
      GError *error = NULL;
      char *copy = g_memdup2 (full_vv, n);

      if (tether_spice_vv_parse (copy, n, &vv, &error))
        {
          g_assert_no_error (error);
          ok++;
          tether_spice_vv_clear (&vv);
        }
      else
        {
          g_assert_nonnull (error);
          g_error_free (error);
        }
      g_free (copy);
    }
  /* The whole file and the ones cut inside the trailing groups parse. */
  g_assert_cmpuint (ok, >, 0);
}

static void
test_vv_session_apply (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL, *port = NULL, *tls = NULL, *pw = NULL, *subject = NULL, *proxy = NULL;
  g_auto(GStrv) secure = NULL;
  g_autoptr(GByteArray) ca = NULL;
  TetherSpiceSessionVerify verify;
  gboolean smartcard, usbredir;
  int depth;

  g_assert_true (tether_spice_session_load_vv_data (session, full_vv, -1, &error));
  g_assert_no_error (error);
  g_object_get (session, "host", &host, "port", &port, "tls-port", &tls, "password", &pw, "cert-subject",
                &subject, "secure-channels", &secure, "ca", &ca, "verify", &verify, "enable-smartcard",
                &smartcard, "enable-usbredir", &usbredir, "proxy", &proxy, "color-depth", &depth, NULL);
  g_assert_cmpstr (host, ==, "vm.example.com");
  g_assert_cmpstr (port, ==, "5900");
  g_assert_cmpstr (tls, ==, "5901");
  g_assert_cmpstr (pw, ==, "p;ss word ");
  g_assert_cmpstr (subject, ==, "C=XX,O=Test\\, Inc,CN=vm");
  g_assert_cmpuint (verify, ==, TETHER_SPICE_SESSION_VERIFY_HOSTNAME | TETHER_SPICE_SESSION_VERIFY_SUBJECT);
  g_assert_cmpstr (secure[0], ==, "main");
  g_assert_cmpuint (ca->len, ==, strlen (PEM));
  g_assert_false (smartcard);
  g_assert_true (usbredir);
  g_assert_cmpstr (proxy, ==, "http://proxy.example:8080");
  g_assert_cmpint (depth, ==, 16);
  g_object_unref (session);
}

/* A bad file changes nothing. */
static void
test_vv_session_unchanged (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  static const char bad[] = "[virt-viewer]\ntype=spice\nhost=other\nport=1\npassword=x\ncolor-depth=99\n";
  g_autoptr(GError) error = NULL;
  g_autofree char *host = NULL;
  g_autofree char *pw = NULL;

  g_object_set (session, "host", "keep", "password", "old", NULL);
  g_assert_false (tether_spice_session_load_vv_data (session, bad, -1, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_INVALID_VALUE);
  g_object_get (session, "host", &host, "password", &pw, NULL);
  g_assert_cmpstr (host, ==, "keep");
  g_assert_cmpstr (pw, ==, "old");
  g_object_unref (session);
}

static void
test_vv_file (void)
{
  TetherSpiceSession *session = tether_test_track (tether_spice_session_new ());
  g_autoptr(GError) error = NULL;
  g_autofree char *dir = g_dir_make_tmp ("tether-vv-XXXXXX", &error);
  g_autofree char *path = g_build_filename (dir, "c.vv", NULL);
  g_autofree char *big = g_build_filename (dir, "big.vv", NULL);
  g_autofree char *missing = g_build_filename (dir, "missing.vv", NULL);
  g_autofree char *uri = NULL;
  char *filler;
  guint fds = tether_test_count_fds ();

  g_assert_no_error (error);
  g_assert_true (g_file_set_contents (path, "[virt-viewer]\ntype=spice\nhost=10.1.1.1\ntls-port=5901\n", -1, &error));
  g_assert_true (tether_spice_session_load_vv_file (session, path, &error));
  g_assert_no_error (error);
  uri = tether_spice_session_get_uri (session);
  g_assert_cmpstr (uri, ==, "spice+tls://10.1.1.1:5901");

  filler = g_malloc (TETHER_SPICE_VV_MAX_SIZE + 10);
  memset (filler, '#', TETHER_SPICE_VV_MAX_SIZE + 10);
  g_assert_true (g_file_set_contents (big, filler, TETHER_SPICE_VV_MAX_SIZE + 10, &error));
  g_free (filler);
  g_assert_false (tether_spice_session_load_vv_file (session, big, &error));
  g_assert_error (error, G_KEY_FILE_ERROR, G_KEY_FILE_ERROR_PARSE);
  g_clear_error (&error);

  g_assert_false (tether_spice_session_load_vv_file (session, missing, &error));
  g_assert_error (error, G_IO_ERROR, G_IO_ERROR_NOT_FOUND);
  g_clear_error (&error);

  g_unlink (path);
  g_unlink (big);
  g_rmdir (dir);
  tether_test_assert_no_fd_leak (fds);
  g_object_unref (session);
}

/* The fuzzer's seed files are real-shaped: the good ones parse. */
static void
test_vv_seed_corpus (void)
{
  static const struct {
    const char *name;
    gint        code;
  } seeds[] = {
    { "minimal", 0 },
    { "unix-crlf", 0 },
    { "full", 0 },
    { "vnc", TETHER_SPICE_ERROR_UNSUPPORTED },
    { "duplicate", G_KEY_FILE_ERROR_PARSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (seeds); i++)
    {
      g_autofree char *path = g_test_build_filename (G_TEST_DIST, "fuzz", "corpus", "spice-vv", seeds[i].name, NULL);
      g_autofree char *data = NULL;
      gsize len;
      TetherSpiceVv vv;
      g_autoptr(GError) error = NULL;

      g_assert_true (g_file_get_contents (path, &data, &len, NULL));
      if (i < 3)
        {
          g_assert_true (tether_spice_vv_parse (data, len, &vv, &error));
          g_assert_no_error (error);
          tether_spice_vv_clear (&vv);
        }
      else
        {
          g_assert_false (tether_spice_vv_parse (data, len, &vv, &error));
          GQuark domain = i == 3 ? TETHER_SPICE_ERROR : G_KEY_FILE_ERROR;

          g_assert_error (error, domain, seeds[i].code);
        }
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);
  g_test_add_func ("/spice/vv/full", test_vv_full);
  g_test_add_func ("/spice/vv/minimal", test_vv_minimal);
  g_test_add_func ("/spice/vv/bad", test_vv_bad);
  g_test_add_func ("/spice/vv/nul", test_vv_nul);
  g_test_add_func ("/spice/vv/limits", test_vv_limits);
  g_test_add_func ("/spice/vv/prefixes", test_vv_prefixes);
  g_test_add_func ("/spice/vv/session-apply", test_vv_session_apply);
  g_test_add_func ("/spice/vv/session-unchanged", test_vv_session_unchanged);
  g_test_add_func ("/spice/vv/file", test_vv_file);
  g_test_add_func ("/spice/vv/seed-corpus", test_vv_seed_corpus);
  return g_test_run ();
}
