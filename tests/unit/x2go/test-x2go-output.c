/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <string.h>

#include "tether.h"
#include "tether-x2go-output-private.h"
#include "tether-test-utils.h"

#define S(literal) (literal), (sizeof (literal) - 1)

static void
assert_error_mentions (GError *error, gint code, const char *needle)
{
  g_assert_error (error, TETHER_X2GO_ERROR, code);
  if (needle != NULL && strstr (error->message, needle) == NULL)
    g_error ("error message '%s' does not mention '%s'", error->message, needle);
}

/* ---- x2golistsessions stderr ---------------------------------------------- */

static void
test_list_stderr (void)
{
  g_autoptr(GError) e1 = NULL, e2 = NULL;

  g_assert_true (tether_x2go_check_list_sessions_stderr (NULL, 0, NULL));
  g_assert_true (tether_x2go_check_list_sessions_stderr (S ("Use of uninitialized value in perl\n"), NULL));
  /* x2golistsessions itself (x2go-protocol.md §4.1) */
  g_assert_false (tether_x2go_check_list_sessions_stderr (
    S ("Hostname of X2Go Server is not set-up correctly, check /etc/hostname. Exiting... at "
       "/usr/bin/x2golistsessions line 45.\n"), &e1));
  assert_error_mentions (e1, TETHER_X2GO_ERROR_COMMAND_FAILED, "host name");
  g_assert_false (tether_x2go_check_list_sessions_stderr (
    S ("sh: 1: x2golistsessions: not found\n"), &e2));
  assert_error_mentions (e2, TETHER_X2GO_ERROR_NO_SERVER, "not installed");
}

/* ---- x2gostartagent ------------------------------------------------------- */

/* docs/x2go-protocol.md §4.6 */
static const char start_doc[] =
  "50\n"
  "5f0c2e8d1b9a4e3f8c7d6b5a49382716\n"
  "24568\n"
  "jdoe-50-1700580000_stRTERMINAL_dp24\n"
  "30007\n"
  "30008\n"
  "30009\n";

static void
test_start_agent_ok (void)
{
  TetherX2goAgentInfo info;
  g_autoptr(GError) error = NULL;
  /* x2goserver's stderr on success (xauth chatter) does not matter. */
  static const char noise[] = "xauth:  file /home/x2gotest/.Xauthority does not exist\n";

  g_assert_true (tether_x2go_parse_start_agent (S (start_doc), S (noise), &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.display, ==, 50);
  g_assert_cmpstr (info.cookie, ==, "5f0c2e8d1b9a4e3f8c7d6b5a49382716");
  g_assert_cmpuint (info.agent_pid, ==, 24568);
  g_assert_cmpstr (info.session_name, ==, "jdoe-50-1700580000_stRTERMINAL_dp24");
  g_assert_cmpuint (info.graphics_port, ==, 30007);
  g_assert_cmpuint (info.sound_port, ==, 30008);
  g_assert_cmpuint (info.sshfs_port, ==, 30009);
  g_assert_cmpuint (info.teki_ctrl_port, ==, 0);
  tether_x2go_agent_info_clear (&info);
  g_assert_null (info.cookie);

  /* The 9-line Telekinesis form. */
  {
    static const char teki[] =
      "51\n9806aa7e77611d47ec7b764e81f880ab\n17436\nx2gotest-51-1795262193_stRxeyes_dp24\n"
      "37216\n37217\n37218\n37219\n37220\n";

    g_assert_true (tether_x2go_parse_start_agent (S (teki), NULL, 0, &info, &error));
    g_assert_no_error (error);
    g_assert_cmpuint (info.teki_ctrl_port, ==, 37219);
    g_assert_cmpuint (info.teki_data_port, ==, 37220);
    tether_x2go_agent_info_clear (&info);
  }
}

static void
test_start_agent_failures (void)
{
  static const struct {
    const char *out, *err;
    gint code;
    const char *needle;
  } vectors[] = {
    { "", "ACCESS DENIED\n", TETHER_X2GO_ERROR_STARTUP_FAILED, "refused desktop sharing" },
    { "", "LIMIT\n", TETHER_X2GO_ERROR_STARTUP_FAILED, "session limit" },
    { "\n", "LIMIT 3\n", TETHER_X2GO_ERROR_STARTUP_FAILED, "session limit" },
    { "", "Failed to start X2Go Agent session with ID jdoe-50-1700580000_stRTERMINAL_dp24. X2Go Agent "
          "terminated unexpectedly. Aborting session startup.\n",
      TETHER_X2GO_ERROR_STARTUP_FAILED, "x2gostartagent failed: 'Failed to start X2Go Agent" },
    { "", "Unable to find free display port or insert new session into database; parameters: ...\n",
      TETHER_X2GO_ERROR_STARTUP_FAILED, "Unable to find free display port" },
    { "", "bash: line 1: x2gostartagent: command not found\n", TETHER_X2GO_ERROR_NO_SERVER, "not installed" },
    { "", "", TETHER_X2GO_ERROR_STARTUP_FAILED, "without a message" },
    /* wrong shapes */
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n",
      "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "6 lines, expected 7 or 9" },
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n"
      "30009\n30010\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "8 lines, expected 7 or 9" },
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n"
      "30009\n30010\n30011\n30012\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 10: more than 9 lines" },
    { "50\nnot-a-cookie\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n30009\n", "",
      TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 2: 12 characters, not a cookie" },
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n24568\n../../etc/passwd\n30007\n30008\n30009\n", "",
      TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 4:" },
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n70000\n30008\n"
      "30009\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 5: '70000' is not a graphics port" },
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\nabc\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n"
      "30009\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 3:" },
    { "50\r\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
      "line 1: carriage return" },
    { "50\n5f0c2e8d1b9a4e3f8c7d6b5a49382716\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n"
      "30009\n30010\n-7\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 9:" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      TetherX2goAgentInfo info;
      g_autoptr(GError) error = NULL;

      g_test_message ("vector %" G_GSIZE_FORMAT, i);
      g_assert_false (tether_x2go_parse_start_agent (vectors[i].out, strlen (vectors[i].out),
                                                     vectors[i].err, strlen (vectors[i].err),
                                                     &info, &error));
      assert_error_mentions (error, vectors[i].code, vectors[i].needle);
      g_assert_null (info.cookie);
      g_assert_null (info.session_name);
    }
}

/* A malformed cookie may be most of a real one: it is not quoted. */
static void
test_start_agent_cookie_not_echoed (void)
{
  static const char out[] =
    "50\n5f0c2e8d1b9a4e3f8c7d6b5a4938271\n24568\njdoe-50-1700580000_stRTERMINAL_dp24\n30007\n30008\n30009\n";
  TetherX2goAgentInfo info;
  g_autoptr(GError) error = NULL;

  g_assert_false (tether_x2go_parse_start_agent (S (out), NULL, 0, &info, &error));
  assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 2: 31 characters");
  g_assert_null (strstr (error->message, "5f0c2e8d"));
}

static void
test_start_agent_every_prefix (void)
{
  gsize len = strlen (start_doc);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *copy = g_memdup2 (start_doc, cut);
      TetherX2goAgentInfo info;
      g_autoptr(GError) error = NULL;
      gboolean ok = tether_x2go_parse_start_agent (copy, cut, NULL, 0, &info, &error);

      if (cut == len)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
          tether_x2go_agent_info_clear (&info);
        }
      else if (cut == 0)
        assert_error_mentions (error, TETHER_X2GO_ERROR_STARTUP_FAILED, NULL);
      else
        {
          g_assert_false (ok);
          assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "x2gostartagent output");
        }
    }
}

/* ---- x2goresume-session --------------------------------------------------- */

static const char resume_doc[] = "gr_port=30007\nsound_port=30008\nfs_port=30011\n";

static void
test_resume_ok (void)
{
  TetherX2goResumeInfo info;
  g_autoptr(GError) error = NULL;
  /* x2gormport prints harmless noise on stderr (docs/real-peers.md). */
  static const char noise[] = "x2gormport: cannot find sshd for pid 1234\nsome other noise\n";
  static const char teki[] = "gr_port=37216\nsound_port=37217\nfs_port=37218\ntekictrl_port=-1\n"
                             "tekidata_port=37300\n";

  g_assert_true (tether_x2go_parse_resume_session (S (resume_doc), S (noise), &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.graphics_port, ==, 30007);
  g_assert_cmpuint (info.sound_port, ==, 30008);
  g_assert_cmpuint (info.sshfs_port, ==, 30011);
  g_assert_cmpuint (info.teki_ctrl_port, ==, 0);

  g_assert_true (tether_x2go_parse_resume_session (S (teki), NULL, 0, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.teki_ctrl_port, ==, 0);
  g_assert_cmpuint (info.teki_data_port, ==, 37300);

  /* Key order does not matter. */
  g_assert_true (tether_x2go_parse_resume_session (S ("fs_port=3\ngr_port=1\nsound_port=2\n"),
                                                   NULL, 0, &info, &error));
  g_assert_no_error (error);
  g_assert_cmpuint (info.graphics_port, ==, 1);
  g_assert_cmpuint (info.sshfs_port, ==, 3);
}

static void
test_resume_failures (void)
{
  static const struct {
    const char *out, *err;
    gint code;
    const char *needle;
  } vectors[] = {
    /* The agent is gone: the server still prints the old ports. */
    { "gr_port=30007\nsound_port=30008\nfs_port=30011\n",
      "ERROR: failed to resume session with ID jdoe-50-1700580000_stRTERMINAL_dp24\n",
      TETHER_X2GO_ERROR_NO_SUCH_SESSION, "marked it finished" },
    { "", "session jdoe-50-1700580000_stRTERMINAL_dp24 terminated\n",
      TETHER_X2GO_ERROR_NO_SUCH_SESSION, "has been terminated" },
    { "", "not enough command line arguments\n", TETHER_X2GO_ERROR_COMMAND_FAILED, "not enough" },
    { "", "it is taking too long to suspend the session-to-be-resumed; it is possible that the "
          "session is in a damaged state\n", TETHER_X2GO_ERROR_STARTUP_FAILED, "taking too long" },
    { "", "sh: 1: x2goresume-session: not found\n", TETHER_X2GO_ERROR_NO_SERVER, "not installed" },
    { "", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "no output" },
    { "gr_port=30007\nsound_port=30008\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "no fs_port line" },
    { "gr_port=30007\ngr_port=30009\nsound_port=30008\nfs_port=1\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
      "line 2: gr_port given twice" },
    { "gr_port=30007\nsound_port=30008\nfs_port=30011\nfoo=1\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
      "line 4: unknown key 'foo'" },
    { "gr_port=3OOO7\nsound_port=30008\nfs_port=30011\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
      "line 1: gr_port: '3OOO7' is not a port" },
    { "gr_port=70000\nsound_port=30008\nfs_port=30011\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
      "line 1: gr_port: '70000'" },
    { "gr_port=\nsound_port=30008\nfs_port=30011\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 1:" },
    { "gr_port 30007\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 1: 'gr_port 30007' is not KEY=VALUE" },
    { "gr_port=30007\r\nsound_port=30008\r\nfs_port=30011\r\n", "", TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
      "line 1: carriage return" },
    { "gr_port=30007\nsound_port=30008\nfs_port=30011\ntekictrl_port=1\ntekidata_port=2\nx=1\n", "",
      TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 6: more than 5 lines" },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      TetherX2goResumeInfo info;
      g_autoptr(GError) error = NULL;

      g_test_message ("vector %" G_GSIZE_FORMAT, i);
      g_assert_false (tether_x2go_parse_resume_session (vectors[i].out, strlen (vectors[i].out),
                                                        vectors[i].err, strlen (vectors[i].err),
                                                        &info, &error));
      assert_error_mentions (error, vectors[i].code, vectors[i].needle);
    }
}

static void
test_resume_every_prefix (void)
{
  gsize len = strlen (resume_doc);

  for (gsize cut = 0; cut <= len; cut++)
    {
      g_autofree char *copy = g_memdup2 (resume_doc, cut);
      TetherX2goResumeInfo info;
      g_autoptr(GError) error = NULL;
      gboolean ok = tether_x2go_parse_resume_session (copy, cut, NULL, 0, &info, &error);

      if (cut == len)
        {
          g_assert_no_error (error);
          g_assert_true (ok);
        }
      else
        {
          g_assert_false (ok);
          assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "x2goresume-session output");
        }
    }
}

/* ---- x2gofeaturelist / x2gofeature / x2goversion -------------------------- */

/* Exact output of x2goserver 4.1.0.3 (docs/real-peers.md, x2go-protocol.md §3.1). */
static const char featurelist_real[] =
  "X2GO_RUN_EXTENSIONS\nX2GO_FMBINDINGS\nX2GO_PRINTING\nX2GOAGENT_RANDRXINERAMA\nX2GO_XSESSION\n"
  "X2GO_LIST_DESKTOPS\nX2GO_MOUNTDIRS\nX2GO_UMOUNTSESSION_ALL\nX2GO_UMOUNTSESSION_ONLYPATH\n"
  "X2GO_PUBLISHED_APPLICATIONS\nX2GO_SERVERSIDE_DESKTOPCOMMANDS\nX2GO_SET_KEYBOARD\n"
  "X2GO_LIST_SHADOWSESSIONS\nX2GO_MOUNT_UNCPATHS\nX2GO_CLIPBOARD_MODES\n";

static void
test_feature_list (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) set = tether_x2go_parse_feature_list (S (featurelist_real), &error);

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (set), ==, 15);
  g_assert_true (g_hash_table_contains (set, "X2GO_CLIPBOARD_MODES"));
  g_assert_true (g_hash_table_contains (set, "X2GOAGENT_RANDRXINERAMA"));
  g_assert_false (g_hash_table_contains (set, "X2GO_TELEKINESIS"));
  g_clear_pointer (&set, g_hash_table_unref);

  set = tether_x2go_parse_feature_list ("", 0, &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (set), ==, 0);
  g_clear_pointer (&set, g_hash_table_unref);

  set = tether_x2go_parse_feature_list (S ("X2GO_PRINTING\nx2go_lower\n"), &error);
  g_assert_null (set);
  assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT,
                         "x2gofeaturelist output, line 2: 'x2go_lower' is not a feature name");
  g_clear_error (&error);

  set = tether_x2go_parse_feature_list (S ("X2GO_PRINTING\nX2GO FOO\n"), &error);
  assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 2");
  g_clear_error (&error);

  set = tether_x2go_parse_feature_list (S ("X2GO_PRINTING"), &error);
  assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "line 1: last line has no newline");
}

static void
test_feature (void)
{
  static const struct {
    const char *out;
    gboolean ok, available;
  } vectors[] = {
    { "ok\n", TRUE, TRUE },
    { "not available\n", TRUE, FALSE },
    { "", FALSE, FALSE },
    { "ok", FALSE, FALSE },
    { "OK\n", FALSE, FALSE },
    { "ok\nok\n", FALSE, FALSE },
    { "yes\n", FALSE, FALSE },
  };

  for (gsize i = 0; i < G_N_ELEMENTS (vectors); i++)
    {
      g_autoptr(GError) error = NULL;
      gboolean available = !vectors[i].available;

      g_test_message ("'%s'", vectors[i].out);
      g_assert_cmpint (tether_x2go_parse_feature (vectors[i].out, strlen (vectors[i].out), &available,
                                                  &error), ==, vectors[i].ok);
      if (vectors[i].ok)
        {
          g_assert_no_error (error);
          g_assert_cmpint (available, ==, vectors[i].available);
        }
      else
        assert_error_mentions (error, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "x2gofeature output");
    }
}

static const char version_doc[] =
  "x2goserver: 4.1.0.3\nx2goserver-common: 4.1.0.3\nx2goserver-extensions: 4.1.0.3\n"
  "x2goserver-fmbindings: 4.1.0.3\nx2goserver-printing: 4.1.0.3\nx2goserver-x2goagent: 3.5.99.26\n"
  "x2goserver-xsession: 4.1.0.3\n";

static void
test_version (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) table = tether_x2go_parse_version (S (version_doc), &error);
  static const struct {
    const char *out, *needle;
  } bad[] = {
    { "x2goserver 4.1.0.3\n", "line 1: 'x2goserver 4.1.0.3' is not 'component: version'" },
    { "x2goserver: 4.1.0.3\nx2goserver: 4.1.0.4\n", "line 2: component x2goserver listed twice" },
    { "x2goserver: 4.1 beta\n", "line 1: '4.1 beta' is not a version" },
    { "x2go server: 4.1\n", "line 1: 'x2go server' is not a component name" },
    { ": 4.1\n", "line 1" },
    { "x2goserver:\n", "line 1" },
    { "x2goserver: $(id)\n", "line 1" },
  };

  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (table), ==, 7);
  g_assert_cmpstr (g_hash_table_lookup (table, "x2goserver"), ==, "4.1.0.3");
  g_assert_cmpstr (g_hash_table_lookup (table, "x2goserver-x2goagent"), ==, "3.5.99.26");
  g_clear_pointer (&table, g_hash_table_unref);

  /* Debian-style versions with an epoch and a tilde. */
  table = tether_x2go_parse_version (S ("nxproxy: 2:3.5.99.26-2~bpo1\n"), &error);
  g_assert_no_error (error);
  g_assert_cmpstr (g_hash_table_lookup (table, "nxproxy"), ==, "2:3.5.99.26-2~bpo1");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      g_assert_null (tether_x2go_parse_version (bad[i].out, strlen (bad[i].out), &e));
      assert_error_mentions (e, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, bad[i].needle);
    }
}

/* ---- x2golistdesktops / x2golistmounts ----------------------------------- */

static void
test_desktops (void)
{
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = tether_x2go_parse_desktop_list (
    S ("jdoe@:50\nalice@:51.0\n\nuser@example.org@:52\n"), &error);
  TetherX2goDesktop *d;
  static const char *const bad[] = {
    "jdoe@50\n", "@:50\n", "jdoe@:abc\n", "jdoe@:50.0.1\n", "jdoe@:\n", "jd oe@:50\n",
    "jdoe@:50;id\n", "jdoe@:70000\n", "-x@:50\n",
  };

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 3);
  d = list->pdata[0];
  g_assert_cmpstr (d->user, ==, "jdoe");
  g_assert_cmpuint (d->display, ==, 50);
  g_assert_cmpint (d->screen, ==, -1);
  d = list->pdata[1];
  g_assert_cmpstr (d->user, ==, "alice");
  g_assert_cmpint (d->screen, ==, 0);
  d = list->pdata[2];
  g_assert_cmpstr (d->user, ==, "user@example.org");
  g_assert_cmpuint (d->display, ==, 52);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;
      g_autofree char *text = g_strconcat ("jdoe@:50\n", bad[i], NULL);

      g_test_message ("%s", bad[i]);
      g_assert_null (tether_x2go_parse_desktop_list (text, strlen (text), &e));
      assert_error_mentions (e, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "x2golistdesktops output, line 2:");
    }
}

static void
test_mounts (void)
{
  /* docs/x2go-protocol.md §4.4, with its final empty line. */
  static const char doc[] =
    "127.0.0.1|/tmp/.x2go-jdoe/media/disk/_home_jdoe_Documents\n"
    "127.0.0.1|/tmp/.x2go-jdoe/spool/C-jdoe-50-1700580000_stDXFCE_dp24\n"
    "\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = tether_x2go_parse_mount_list (S (doc), &error);
  TetherX2goMount *m;
  static const char *const bad[] = {
    "127.0.0.1\n", "127.0.0.1|relative/path\n", "127.0.0.1|\n", "bad host|/tmp/x\n",
    "|/tmp/x\n", "127.0.0.1|/tmp/\x01x\n",
  };

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  m = list->pdata[1];
  g_assert_cmpstr (m->client_address, ==, "127.0.0.1");
  g_assert_cmpstr (m->path, ==, "/tmp/.x2go-jdoe/spool/C-jdoe-50-1700580000_stDXFCE_dp24");

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      g_test_message ("%s", bad[i]);
      g_assert_null (tether_x2go_parse_mount_list (bad[i], strlen (bad[i]), &e));
      assert_error_mentions (e, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "x2golistmounts output, line 1:");
    }
}

/* ---- x2gogetapps --------------------------------------------------------- */

static void
test_apps (void)
{
  /* As x2gogetapps prints it: base64 chunks end in a newline and are joined
   * with another one, so an empty line ends each chunk. "AAECAw==" is
   * bytes 0 1 2 3. */
  static const char apps[] =
    "<desktop>\n"
    "Name=Vim\n"
    "Name[de]=Vim (Texteditor)\n"
    "Comment=Edit text files\n"
    "Exec=vim %F\n"
    "Terminal=true\n"
    "<icon>\n"
    "AAECAw==\n"
    "\n"
    "</icon>\n"
    "Categories=Utility;TextEditor;\n"
    "</desktop>\n"
    "<desktop>\n"
    "Name = XTerm\n"
    "Exec=xterm\n"
    "<icon>\n"
    "</icon>\n"
    "</desktop>\n";
  g_autoptr(GError) error = NULL;
  g_autoptr(GPtrArray) list = tether_x2go_parse_apps (S (apps), &error);
  TetherX2goApp *app;
  const guint8 *icon;
  gsize icon_len;
  static const struct {
    const char *out, *needle;
  } bad[] = {
    { "Name=Vim\n", "line 1: 'Name=Vim' outside a <desktop> block" },
    { "<desktop>\nName=Vim\n", "ends inside a <desktop> block" },
    { "<desktop>\n<icon>\nAAEC\n", "ends inside a <icon> block" },
    { "<desktop>\n<icon>\nAA=C\n</icon>\n</desktop>\n", "line 4: icon is not valid base64" },
    { "<desktop>\n<icon>\nAAE\n</icon>\n</desktop>\n", "line 4: icon is not valid base64" },
    { "<desktop>\n<icon>\nAA*C\n</icon>\n</desktop>\n", "line 3: icon line is not base64" },
    { "<desktop>\nNoEquals\n</desktop>\n", "line 2: 'NoEquals' is not KEY=VALUE" },
    { "<desktop>\nNa me=x\n</desktop>\n", "line 2" },
    { "<desktop>\nName[de=x\n</desktop>\n", "line 2" },
    { "<desktop>\nName=\x01x\n</desktop>\n", "line 2" },
    { "<desktop>\nName=\xff\xfe\n</desktop>\n", "line 2" },
    { "<desktop>\nName=Vim\r\n</desktop>\n", "line 2: carriage return" },
    { "<desktop>\n<desktop>\n</desktop>\n", "line 2" },
  };

  g_assert_no_error (error);
  g_assert_cmpuint (list->len, ==, 2);
  app = list->pdata[0];
  g_assert_cmpstr (g_hash_table_lookup (app->fields, "Name"), ==, "Vim");
  g_assert_cmpstr (g_hash_table_lookup (app->fields, "Name[de]"), ==, "Vim (Texteditor)");
  g_assert_cmpstr (g_hash_table_lookup (app->fields, "Exec"), ==, "vim %F");
  g_assert_cmpstr (g_hash_table_lookup (app->fields, "Categories"), ==, "Utility;TextEditor;");
  g_assert_nonnull (app->icon);
  icon = g_bytes_get_data (app->icon, &icon_len);
  g_assert_cmpmem (icon, icon_len, "\0\1\2\3", 4);
  app = list->pdata[1];
  g_assert_cmpstr (g_hash_table_lookup (app->fields, "Name"), ==, "XTerm");
  g_assert_null (app->icon);

  for (gsize i = 0; i < G_N_ELEMENTS (bad); i++)
    {
      g_autoptr(GError) e = NULL;

      g_test_message ("vector %" G_GSIZE_FORMAT, i);
      g_assert_null (tether_x2go_parse_apps (bad[i].out, strlen (bad[i].out), &e));
      assert_error_mentions (e, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, bad[i].needle);
    }

  /* Every prefix: whole blocks parse, anything else fails cleanly. */
  for (gsize cut = 0; cut <= strlen (apps); cut++)
    {
      g_autofree char *copy = g_memdup2 (apps, cut);
      g_autoptr(GError) e = NULL;
      g_autoptr(GPtrArray) l = tether_x2go_parse_apps (copy, cut, &e);

      if (l == NULL)
        assert_error_mentions (e, TETHER_X2GO_ERROR_MALFORMED_OUTPUT, "x2gogetapps output");
      else
        {
          g_autofree char *text = g_strndup (apps, cut);
          g_assert_true (cut == 0 || g_str_has_suffix (text, "</desktop>\n"));
        }
    }
}

/* Each parser takes NULL with length 0 and arbitrary bytes without crashing. */
static void
test_hostile_bytes (void)
{
  static const guint8 junk[] = { 0xff, '\n', 0x00, '|', '\r', 0x80, '\n', 0xc3, 0x28, '=', '\n' };
  g_autoptr(GRand) rand = g_rand_new_with_seed (20261121);

  for (guint round = 0; round < 2000; round++)
    {
      gsize len = g_rand_int_range (rand, 0, 64);
      g_autofree guint8 *buf = g_malloc (len + 1);
      TetherX2goAgentInfo agent;
      TetherX2goResumeInfo resume;
      gboolean available;
      GError *error = NULL;
      gpointer res;

      for (gsize i = 0; i < len; i++)
        buf[i] = g_rand_boolean (rand) ? junk[g_rand_int_range (rand, 0, sizeof junk)]
                                       : (guint8) g_rand_int_range (rand, 0x20, 0x7f);
      if (tether_x2go_parse_start_agent ((char *) buf, len, (char *) buf, len, &agent, &error))
        tether_x2go_agent_info_clear (&agent);
      g_clear_error (&error);
      tether_x2go_parse_resume_session ((char *) buf, len, (char *) buf, len, &resume, &error);
      g_clear_error (&error);
      if ((res = tether_x2go_parse_feature_list ((char *) buf, len, &error)) != NULL)
        g_hash_table_unref (res);
      g_clear_error (&error);
      tether_x2go_parse_feature ((char *) buf, len, &available, &error);
      g_clear_error (&error);
      if ((res = tether_x2go_parse_version ((char *) buf, len, &error)) != NULL)
        g_hash_table_unref (res);
      g_clear_error (&error);
      if ((res = tether_x2go_parse_desktop_list ((char *) buf, len, &error)) != NULL)
        g_ptr_array_unref (res);
      g_clear_error (&error);
      if ((res = tether_x2go_parse_mount_list ((char *) buf, len, &error)) != NULL)
        g_ptr_array_unref (res);
      g_clear_error (&error);
      if ((res = tether_x2go_parse_apps ((char *) buf, len, &error)) != NULL)
        g_ptr_array_unref (res);
      g_clear_error (&error);
    }
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/output/list-sessions/stderr", test_list_stderr);
  g_test_add_func ("/x2go/output/start-agent/ok", test_start_agent_ok);
  g_test_add_func ("/x2go/output/start-agent/failures", test_start_agent_failures);
  g_test_add_func ("/x2go/output/start-agent/cookie-not-echoed", test_start_agent_cookie_not_echoed);
  g_test_add_func ("/x2go/output/start-agent/every-prefix", test_start_agent_every_prefix);
  g_test_add_func ("/x2go/output/resume-session/ok", test_resume_ok);
  g_test_add_func ("/x2go/output/resume-session/failures", test_resume_failures);
  g_test_add_func ("/x2go/output/resume-session/every-prefix", test_resume_every_prefix);
  g_test_add_func ("/x2go/output/feature-list", test_feature_list);
  g_test_add_func ("/x2go/output/feature", test_feature);
  g_test_add_func ("/x2go/output/version", test_version);
  g_test_add_func ("/x2go/output/desktops", test_desktops);
  g_test_add_func ("/x2go/output/mounts", test_mounts);
  g_test_add_func ("/x2go/output/apps", test_apps);
  g_test_add_func ("/x2go/output/hostile-bytes", test_hostile_bytes);

  return g_test_run ();
}
