/* SPDX-License-Identifier: LGPL-2.1-or-later */
#include "config.h"

#include <glib/gstdio.h>
#include <string.h>

#include "tether.h"
#include "tether-x2go-command-private.h"
#include "tether-x2go-output-private.h"
#include "tether-test-utils.h"

#define REAL_NAME "x2gotest-50-1795262193_stRxeyes_dp24"
#define DOC_NAME  "jdoe-50-1700580000_stRTERMINAL_dp24"

/* The parameters of docs/real-peers.md's start: 800x600 adsl 16m-jpeg-9
 * unix-kde-depth_24 null auto 1 R xterm both, no Xinerama. */
static TetherX2goSessionParams
real_params (void)
{
  TetherX2goSessionParams p = {
    .geometry = "800x600",
    .link = "adsl",
    .pack = "16m-jpeg-9",
    .kbd_type = "auto",
    .set_kbd = TRUE,
    .session_type = 'R',
    .command = "xterm",
    .clipboard = "both",
  };
  return p;
}

/* ---- exact command lines -------------------------------------------------- */

static void
assert_command (char *built, GError *error, const char *expected)
{
  g_assert_no_error (error);
  g_assert_cmpstr (built, ==, expected);
  g_free (built);
}

static void
test_simple_commands (void)
{
  GError *error = NULL;

  assert_command (tether_x2go_command_list_sessions (FALSE), NULL, "export HOSTNAME && x2golistsessions");
  assert_command (tether_x2go_command_list_sessions (TRUE), NULL,
                  "export HOSTNAME && { x2golistsessions; x2golistshadowsessions; }");
  assert_command (tether_x2go_command_list_desktops (), NULL, "export HOSTNAME && x2golistdesktops");
  assert_command (tether_x2go_command_list_mounts (DOC_NAME, &error), error,
                  "export HOSTNAME && x2golistmounts '" DOC_NAME "'");
  assert_command (tether_x2go_command_feature_list (), NULL,
                  "which x2gofeaturelist >/dev/null && x2gofeaturelist");
  assert_command (tether_x2go_command_feature ("X2GO_PRINTING", &error), error, "x2gofeature 'X2GO_PRINTING'");
  assert_command (tether_x2go_command_version (), NULL, "which x2goversion >/dev/null && x2goversion");
  assert_command (tether_x2go_command_get_apps (), NULL, "which x2gogetapps >/dev/null && x2gogetapps");
  assert_command (tether_x2go_command_suspend_session (REAL_NAME, &error), error,
                  "x2gosuspend-session '" REAL_NAME "'");
  assert_command (tether_x2go_command_terminate_session (REAL_NAME, &error), error,
                  "x2goterminate-session '" REAL_NAME "'");
}

static void
test_start_agent (void)
{
  GError *error = NULL;
  TetherX2goSessionParams p = real_params ();

  /* docs/real-peers.md */
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=false x2gostartagent '800x600' 'adsl' '16m-jpeg-9' "
                  "'unix-kde-depth_24' 'null' 'auto' 1 R 'xterm' 'both'");

  /* docs/x2go-protocol.md appendix A */
  p.geometry = "1280x800";
  p.kbd_layout = "de";
  p.kbd_type = "pc105/de";
  p.command = "TERMINAL";
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=false x2gostartagent '1280x800' 'adsl' '16m-jpeg-9' "
                  "'unix-kde-depth_24' 'de' 'pc105/de' 1 R 'TERMINAL' 'both'");

  /* XFCE4 is sent as XFCE; desktop names go to the server as they are. */
  p.session_type = 'D';
  p.command = "XFCE4";
  p.geometry = "fullscreen";
  p.xinerama = TRUE;
  p.clipboard = NULL;
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=true x2gostartagent 'fullscreen' 'adsl' '16m-jpeg-9' "
                  "'unix-kde-depth_24' 'de' 'pc105/de' 1 D 'XFCE' 'both'");

  /* A command line: the session name gets the program's base name. */
  p = real_params ();
  p.command = "/usr/bin/xterm -e top";
  p.depth = 16;
  p.set_kbd = FALSE;
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=false x2gostartagent '800x600' 'adsl' '16m-jpeg-9' "
                  "'unix-kde-depth_16' 'null' 'auto' 0 R 'xterm' 'both'");

  /* Published applications. */
  p = real_params ();
  p.session_type = 'P';
  p.command = NULL;
  p.kbd_type = NULL;
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=false x2gostartagent '800x600' 'adsl' '16m-jpeg-9' "
                  "'unix-kde-depth_24' 'null' 'null/null' 0 P 'PUBLISHED' 'both'");

  /* Shadow: no clipboard argument. */
  p = real_params ();
  p.session_type = 'S';
  p.command = "1XSHADaliceXSHAD:50";
  p.link = "lan";
  p.pack = "16m-png";
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=false x2gostartagent '800x600' 'lan' '16m-png' "
                  "'unix-kde-depth_24' 'null' 'auto' 1 S '1XSHADaliceXSHAD:50'");

  /* XDMCP with a DPI: the environment words in py-x2go's order. */
  p = real_params ();
  p.session_type = 'D';
  p.command = "XDMCP";
  p.xdmcp_server = "10.0.0.5";
  p.dpi = 96;
  p.link = "wan";
  p.pack = "64k-png";
  p.clipboard = "none";
  p.kbd_layout = "us";
  p.kbd_type = "pc105/us";
  assert_command (tether_x2go_command_start_agent (&p, &error), error,
                  "X2GO_XINERAMA=false X2GODPI=96 X2GOXDMCP='10.0.0.5' x2gostartagent '800x600' 'wan' "
                  "'64k-png' 'unix-kde-depth_24' 'us' 'pc105/us' 1 D 'XDMCP' 'none'");
}

static void
test_resume_session (void)
{
  GError *error = NULL;
  TetherX2goSessionParams p = real_params ();

  /* docs/real-peers.md */
  assert_command (tether_x2go_command_resume_session (REAL_NAME, &p, &error), error,
                  "x2goresume-session '" REAL_NAME "' '800x600' 'adsl' '16m-jpeg-9' 'null' 'auto' 1 "
                  "'both' False");
  /* docs/x2go-protocol.md appendix A */
  p.geometry = "1280x800";
  p.kbd_layout = "de";
  p.kbd_type = "pc105/de";
  p.xinerama = TRUE;
  assert_command (tether_x2go_command_resume_session (DOC_NAME, &p, &error), error,
                  "x2goresume-session '" DOC_NAME "' '1280x800' 'adsl' '16m-jpeg-9' 'de' 'pc105/de' 1 "
                  "'both' True");
}

static void
test_run_command (void)
{
  GError *error = NULL;
  TetherX2goSessionParams p = real_params ();
  const char *env[] = {
    "X2GO_SPOOLDIR=/home/jdoe/.x2go/C-" DOC_NAME "/spool",
    "PULSE_CLIENTCONFIG=/home/jdoe/.x2go/C-" DOC_NAME "/.pulse-client.conf",
    NULL,
  };

  /* docs/real-peers.md */
  assert_command (tether_x2go_command_run_command (50, 17436, REAL_NAME, 37217, &p, "none", NULL, &error),
                  error,
                  "setsid x2goruncommand 50 17436 '" REAL_NAME "' 37217 'xterm' 'none' R "
                  "1>/dev/null 2>/dev/null & exit");
  /* docs/x2go-protocol.md appendix A */
  p.command = "TERMINAL";
  assert_command (tether_x2go_command_run_command (50, 24568, DOC_NAME, 30008, &p, "pulse", env, &error),
                  error,
                  "X2GO_SPOOLDIR='/home/jdoe/.x2go/C-" DOC_NAME "/spool' "
                  "PULSE_CLIENTCONFIG='/home/jdoe/.x2go/C-" DOC_NAME "/.pulse-client.conf' "
                  "setsid x2goruncommand 50 24568 '" DOC_NAME "' 30008 'TERMINAL' 'pulse' R "
                  "1>/dev/null 2>/dev/null & exit");
  /* Blanks travel as X2GO_SPACE_CHAR. */
  p.command = "xterm -e top";
  assert_command (tether_x2go_command_run_command (51, 2, REAL_NAME, 3, &p, "esd", NULL, &error), error,
                  "setsid x2goruncommand 51 2 '" REAL_NAME "' 3 'xtermX2GO_SPACE_CHAR-eX2GO_SPACE_CHARtop' "
                  "'esd' R 1>/dev/null 2>/dev/null & exit");
  p.session_type = 'P';
  p.command = "";
  assert_command (tether_x2go_command_run_command (52, 2, REAL_NAME, 3, &p, "none", NULL, &error), error,
                  "setsid x2goruncommand 52 2 '" REAL_NAME "' 3 'PUBLISHED' 'none' P "
                  "1>/dev/null 2>/dev/null & exit");
}

/* ---- rejected values ------------------------------------------------------ */

typedef void (*Mutate) (TetherX2goSessionParams *p);

static void
check_start_rejects (const TetherX2goSessionParams *p, GQuark domain, gint code, const char *needle)
{
  g_autoptr(GError) error = NULL;
  char *cmd = tether_x2go_command_start_agent (p, &error);

  g_assert_null (cmd);
  g_assert_error (error, domain, code);
  if (strstr (error->message, needle) == NULL)
    g_error ("message '%s' does not mention '%s'", error->message, needle);
}

static void
test_rejected_values (void)
{
  static const char *const bad_geometries[] = {
    "maximize", "800x", "x600", "0x600", "800x0", "800x600x2", "800X600", "99999x600", "-800x600",
    "800x600;rm -rf /", "fullscreen\n", "", " 800x600", "08x600",
  };
  static const char *const bad_links[] = { "fast", "LAN", "", "adsl;id", "modem " };
  static const char *const bad_packs[] = {
    "16m-jpeg-99", "16m-jpeg-a", "foo", "", "16m-jpeg-9,listen=1", "64-jpeg-9", "nopack-1", "16m-jpeg-",
  };
  static const char *const bad_kbd_types[] = {
    "pc105/de,listen=4000", "pc105", "pc105/de/x", "/de", "pc105/", "pc 105/de", "$(id)/de",
  };
  static const char *const bad_kbd_layouts[] = { "de us", "de;id", "$(id)", "de\n" };
  static const char *const bad_clipboards[] = { "all", "", "both;id", "1" };
  static const char *const bad_commands[] = {
    "xterm\nid", "xterm\r", "\txterm", "-e foo", " xterm", "bin/xterm", "./xterm -e x",
    "PUBLISHED",
  };
  static const char *const bad_shadow[] = {
    "xterm", "2XSHADaliceXSHAD:50", "1XSHADal iceXSHAD:50", "1XSHADaliceXSHAD50", "1XSHADaliceXSHAD:5x",
    "1XSHADaliceXSHAD:50XSHADx", "1XSHAD-aliceXSHAD:50", "1XSHADaliceXSHAD:", "1XSHADaliceXSHAD:.",
    "1XSHADaliceXSHAD:50.",
  };
  TetherX2goSessionParams p;

  for (gsize i = 0; i < G_N_ELEMENTS (bad_geometries); i++)
    {
      p = real_params ();
      p.geometry = bad_geometries[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'geometry'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_links); i++)
    {
      p = real_params ();
      p.link = bad_links[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'link'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_packs); i++)
    {
      p = real_params ();
      p.pack = bad_packs[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'pack'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_kbd_types); i++)
    {
      p = real_params ();
      p.kbd_type = bad_kbd_types[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'keyboard type'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_kbd_layouts); i++)
    {
      p = real_params ();
      p.kbd_layout = bad_kbd_layouts[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'keyboard layout'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_clipboards); i++)
    {
      p = real_params ();
      p.clipboard = bad_clipboards[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'clipboard'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_commands); i++)
    {
      p = real_params ();
      p.command = bad_commands[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'command'");
    }
  for (gsize i = 0; i < G_N_ELEMENTS (bad_shadow); i++)
    {
      p = real_params ();
      p.session_type = 'S';
      p.command = bad_shadow[i];
      check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'command'");
    }

  p = real_params ();
  p.command = NULL;
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'command'");
  p = real_params ();
  p.session_type = 'X';
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'session type'");
  p = real_params ();
  p.session_type = '\0';
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'session type'");
  p = real_params ();
  p.depth = 17;
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'colour depth'");
  p = real_params ();
  p.dpi = 5000;
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'dpi'");
  p = real_params ();
  p.cache_type = "unix-kde,listen=1";
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'cache type'");
  p = real_params ();
  p.command = "XDMCP";
  p.xdmcp_server = "host;id";
  check_start_rejects (&p, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED, "'XDMCP server'");
  p = real_params ();
  p.command = "RDP";
  check_start_rejects (&p, G_IO_ERROR, G_IO_ERROR_NOT_SUPPORTED, "RDP");

  /* Session names, wherever one is taken. */
  {
    static const char *const bad_names[] = {
      "../../etc/passwd", "a/b", "-rf", "..", "", "name;touch pwned", "name$(id)", "na me", "name\n",
      "@x",
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad_names); i++)
      {
        g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL;

        p = real_params ();
        g_assert_null (tether_x2go_command_suspend_session (bad_names[i], &e1));
        g_assert_error (e1, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
        g_assert_nonnull (strstr (e1->message, "'session name'"));
        g_assert_null (tether_x2go_command_terminate_session (bad_names[i], &e2));
        g_assert_error (e2, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
        g_assert_null (tether_x2go_command_resume_session (bad_names[i], &p, &e3));
        g_assert_error (e3, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
        g_assert_null (tether_x2go_command_run_command (50, 1, bad_names[i], 2, &p, "none", NULL, &e4));
        g_assert_error (e4, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
        g_assert_null (tether_x2go_command_list_mounts (bad_names[i], &e5));
        g_assert_error (e5, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
      }
    g_assert_null (tether_x2go_command_suspend_session (NULL, NULL));
  }

  /* x2goruncommand's own arguments. */
  {
    static const char *const bad_env[][2] = {
      { "LD_PRELOAD=/tmp/evil.so", "'environment'" },
      { "X2GO_SPOOLDIR", "'environment'" },
      { "X2GO_SPOOLDIR=relative", "'X2GO_SPOOLDIR'" },
      { "X2GO_SPOOLDIR=", "'X2GO_SPOOLDIR'" },
      { "X2GO_MIMEBOX=/tmp/a\nb", "'X2GO_MIMEBOX'" },
      { "PATH=/tmp", "'environment'" },
    };

    for (gsize i = 0; i < G_N_ELEMENTS (bad_env); i++)
      {
        g_autoptr(GError) e = NULL;
        const char *env[] = { bad_env[i][0], NULL };

        p = real_params ();
        g_assert_null (tether_x2go_command_run_command (50, 1, REAL_NAME, 2, &p, "pulse", env, &e));
        g_assert_error (e, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
        g_assert_nonnull (strstr (e->message, bad_env[i][1]));
      }
  }
  {
    g_autoptr(GError) e1 = NULL, e2 = NULL, e3 = NULL, e4 = NULL, e5 = NULL, e6 = NULL, e7 = NULL;

    p = real_params ();
    g_assert_null (tether_x2go_command_run_command (50, 1, REAL_NAME, 2, &p, "alsa", NULL, &e1));
    g_assert_true (strstr (e1->message, "'sound system'") != NULL);
    g_assert_null (tether_x2go_command_run_command (50, 0, REAL_NAME, 2, &p, "none", NULL, &e2));
    g_assert_true (strstr (e2->message, "'agent PID'") != NULL);
    g_assert_null (tether_x2go_command_run_command (50, 1, REAL_NAME, 0, &p, "none", NULL, &e3));
    g_assert_true (strstr (e3->message, "'sound port'") != NULL);
    g_assert_null (tether_x2go_command_run_command (50, 1, REAL_NAME, 70000, &p, "none", NULL, &e4));
    g_assert_true (strstr (e4->message, "'sound port'") != NULL);
    g_assert_null (tether_x2go_command_run_command (99999, 1, REAL_NAME, 2, &p, "none", NULL, &e5));
    g_assert_true (strstr (e5->message, "'display'") != NULL);
    p.command = "XDMCP";
    g_assert_null (tether_x2go_command_run_command (50, 1, REAL_NAME, 2, &p, "none", NULL, &e6));
    g_assert_error (e6, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
    g_assert_null (tether_x2go_command_feature ("x2go_printing;id", &e7));
    g_assert_error (e7, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_FAILED);
  }

  /* The validators on their own. */
  {
    g_autoptr(GError) e = NULL;

    g_assert_true (tether_x2go_check_geometry ("16384x16384", NULL));
    g_assert_false (tether_x2go_check_geometry ("16385x600", &e));
    g_assert_true (tether_x2go_check_pack ("nopack", NULL));
    g_assert_true (tether_x2go_check_pack ("16m-rle-0", NULL));
    g_assert_true (tether_x2go_check_pack ("16m-jpeg", NULL));
    g_assert_true (tether_x2go_check_pack ("rfb-tight-compressed", NULL));
    g_assert_true (tether_x2go_check_link ("modem", NULL));
  }
}

/* ---- the built commands through a real shell ------------------------------ */

typedef struct {
  char *dir;       /* working directory of the shell: canaries land here */
  char *bin;       /* stub programs, first on PATH */
} Stubs;

/* Each stub writes its name, its arguments and a few environment variables,
 * NUL-separated, to $STUB_DIR/out.<name> (atomically, via a rename). */
#define STUB_ENV(v) \
  "  if [ -n \"${" v "+x}\" ]; then printf 'env:%s=%s\\0' " v " \"$" v "\"; fi\n"

static const char stub_script[] =
  "#!/bin/sh\n"
  "n=$(basename \"$0\")\n"
  "{\n"
  "  printf '%s\\0' \"$n\"\n"
  "  for a in \"$@\"; do printf 'arg:%s\\0' \"$a\"; done\n"
  STUB_ENV ("X2GO_XINERAMA") STUB_ENV ("X2GODPI") STUB_ENV ("X2GOXDMCP")
  STUB_ENV ("X2GO_SPOOLDIR") STUB_ENV ("X2GO_MIMEBOX") STUB_ENV ("PULSE_CLIENTCONFIG")
  "} > \"$STUB_DIR/out.$n.tmp\" && mv \"$STUB_DIR/out.$n.tmp\" \"$STUB_DIR/out.$n\"\n"
  "if [ \"$n\" = x2gofeaturelist ]; then cat \"$STUB_DIR/features\"; fi\n";

static const char *const stub_names[] = {
  "x2gostartagent", "x2goruncommand", "x2goresume-session", "x2gosuspend-session",
  "x2goterminate-session", "x2golistsessions", "x2golistshadowsessions", "x2golistmounts",
  "x2gofeature", "x2gofeaturelist", "x2goversion", "x2golistdesktops", "x2gogetapps",
};

static void
stubs_init (Stubs *s)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *victim = NULL;
  g_autofree char *setsid_path = NULL;

  s->dir = g_dir_make_tmp ("tether-x2go-cmd-XXXXXX", &error);
  g_assert_no_error (error);
  s->bin = g_build_filename (s->dir, "bin", NULL);
  g_assert_cmpint (g_mkdir (s->bin, 0700), ==, 0);
  for (gsize i = 0; i < G_N_ELEMENTS (stub_names); i++)
    {
      g_autofree char *path = g_build_filename (s->bin, stub_names[i], NULL);

      g_assert_true (g_file_set_contents_full (path, stub_script, -1, G_FILE_SET_CONTENTS_NONE, 0700,
                                               &error));
      g_assert_no_error (error);
    }
  /* setsid would detach; the stub just runs its arguments. */
  setsid_path = g_build_filename (s->bin, "setsid", NULL);
  g_assert_true (g_file_set_contents_full (setsid_path, "#!/bin/sh\nexec \"$@\"\n", -1,
                                           G_FILE_SET_CONTENTS_NONE, 0700, &error));
  /* A directory an injected "rm -rf victim" would remove. */
  victim = g_build_filename (s->dir, "victim", NULL);
  g_assert_cmpint (g_mkdir (victim, 0700), ==, 0);
}

static gboolean
remove_tree (const char *path)
{
  if (g_file_test (path, G_FILE_TEST_IS_DIR) && !g_file_test (path, G_FILE_TEST_IS_SYMLINK))
    {
      g_autoptr(GDir) dir = g_dir_open (path, 0, NULL);
      const char *name;

      while (dir != NULL && (name = g_dir_read_name (dir)) != NULL)
        {
          g_autofree char *child = g_build_filename (path, name, NULL);
          remove_tree (child);
        }
      return g_rmdir (path) == 0;
    }
  return g_unlink (path) == 0;
}

static void
stubs_clear (Stubs *s)
{
  remove_tree (s->dir);
  g_free (s->dir);
  g_free (s->bin);
}

/* Runs @command with /bin/sh -c the way an SSH exec runs it on the server;
 * returns stdout. */
static char *
run_shell (Stubs *s, const char *command)
{
  g_autoptr(GError) error = NULL;
  g_autofree char *path_env = g_strdup_printf ("PATH=%s:/usr/bin:/bin", s->bin);
  g_autofree char *stub_env = g_strdup_printf ("STUB_DIR=%s", s->dir);
  g_autofree char *home_env = g_strdup_printf ("HOME=%s", s->dir);
  const char *argv[] = { "/bin/sh", "-c", command, NULL };
  const char *envp[] = { path_env, stub_env, home_env, "LC_ALL=C", NULL };
  char *out = NULL;
  int status = 0;

  g_assert_true (g_spawn_sync (s->dir, (char **) argv, (char **) envp, G_SPAWN_DEFAULT, NULL, NULL,
                               &out, NULL, &status, &error));
  g_assert_no_error (error);
  g_assert_true (g_spawn_check_wait_status (status, NULL));
  return out;
}

/* What stub @name recorded, waiting for it (x2goruncommand runs in the
 * background after "& exit"). Returns the NUL-separated records. */
static GPtrArray *
stub_record (Stubs *s, const char *name)
{
  g_autofree char *path = g_strdup_printf ("%s/out.%s", s->dir, name);
  g_autofree char *data = NULL;
  gsize len = 0;
  GPtrArray *records = g_ptr_array_new_with_free_func (g_free);
  gsize start = 0;

  for (guint i = 0; i < 500 && !g_file_test (path, G_FILE_TEST_EXISTS); i++)
    g_usleep (10 * 1000);
  g_assert_true (g_file_get_contents (path, &data, &len, NULL));
  g_assert_cmpint (g_unlink (path), ==, 0);
  for (gsize i = 0; i < len; i++)
    if (data[i] == '\0')
      {
        g_ptr_array_add (records, g_strndup (data + start, i - start));
        start = i + 1;
      }
  g_assert_cmpuint (start, ==, len);
  return records;
}

static void
assert_records (GPtrArray *records, const char *const *expected)
{
  guint n = g_strv_length ((char **) expected);

  for (guint i = 0; i < MIN (n, records->len); i++)
    g_assert_cmpstr (records->pdata[i], ==, expected[i]);
  g_assert_cmpuint (records->len, ==, n);
}

static void
assert_no_injection (Stubs *s)
{
  g_autofree char *canary = g_build_filename (s->dir, "pwned", NULL);
  g_autofree char *victim = g_build_filename (s->dir, "victim", NULL);

  g_assert_false (g_file_test (canary, G_FILE_TEST_EXISTS));
  g_assert_true (g_file_test (victim, G_FILE_TEST_IS_DIR));
}

/* Hostile text that the allow-lists let through (a session command, a path)
 * reaches the server program as one intact argument, and nothing else runs. */
static const char hostile_command[] =
  "xterm -e 'a;b' ; touch pwned $(touch pwned) `touch pwned` && rm -rf victim || touch pwned "
  "| tee pwned > pwned < /dev/null \"q\" \\ * ? ~ # ! { } [ ] %s $HOME ${PATH} it's";
static const char hostile_path[] = "/tmp/$(touch pwned)/`touch pwned`;touch pwned/'\"/*";

static void
test_shell_run_command (void)
{
  Stubs s;
  TetherX2goSessionParams p = real_params ();
  g_autoptr(GError) error = NULL;
  g_autofree char *spool = g_strconcat ("X2GO_SPOOLDIR=", hostile_path, NULL);
  g_autofree char *pulse = g_strconcat ("PULSE_CLIENTCONFIG=", hostile_path, "/.pulse-client.conf", NULL);
  const char *env[] = { spool, pulse, NULL };
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_auto(GStrv) words = g_strsplit (hostile_command, " ", -1);
  g_autofree char *cmd_arg = g_strjoinv ("X2GO_SPACE_CHAR", words);
  g_autofree char *a5 = g_strconcat ("arg:", cmd_arg, NULL);
  g_autofree char *e_spool = g_strconcat ("env:", spool, NULL);
  g_autofree char *e_pulse = g_strconcat ("env:", pulse, NULL);
  g_autoptr(GPtrArray) rec = NULL;

  stubs_init (&s);
  p.command = hostile_command;
  cmd = tether_x2go_command_run_command (50, 17436, REAL_NAME, 37217, &p, "pulse", env, &error);
  g_assert_no_error (error);
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2goruncommand");
  {
    const char *expected[] = {
      "x2goruncommand", "arg:50", "arg:17436", "arg:" REAL_NAME, "arg:37217", a5, "arg:pulse", "arg:R",
      e_spool, e_pulse, NULL,
    };
    assert_records (rec, expected);
  }
  assert_no_injection (&s);
  stubs_clear (&s);
}

static void
test_shell_start_and_resume (void)
{
  Stubs s;
  TetherX2goSessionParams p = real_params ();
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GPtrArray) rec = NULL;

  stubs_init (&s);

  p.command = hostile_command;
  cmd = tether_x2go_command_start_agent (&p, &error);
  g_assert_no_error (error);
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2gostartagent");
  {
    const char *expected[] = {
      "x2gostartagent", "arg:800x600", "arg:adsl", "arg:16m-jpeg-9", "arg:unix-kde-depth_24", "arg:null",
      "arg:auto", "arg:1", "arg:R", "arg:xterm", "arg:both", "env:X2GO_XINERAMA=false", NULL,
    };
    assert_records (rec, expected);
  }
  g_clear_pointer (&rec, g_ptr_array_unref);
  g_clear_pointer (&cmd, g_free);
  g_clear_pointer (&out, g_free);

  p = real_params ();
  p.command = "XDMCP";
  p.session_type = 'D';
  p.xdmcp_server = "xdm.example.org";
  p.dpi = 120;
  p.xinerama = TRUE;
  cmd = tether_x2go_command_start_agent (&p, &error);
  g_assert_no_error (error);
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2gostartagent");
  {
    const char *expected[] = {
      "x2gostartagent", "arg:800x600", "arg:adsl", "arg:16m-jpeg-9", "arg:unix-kde-depth_24", "arg:null",
      "arg:auto", "arg:1", "arg:D", "arg:XDMCP", "arg:both", "env:X2GO_XINERAMA=true", "env:X2GODPI=120",
      "env:X2GOXDMCP=xdm.example.org", NULL,
    };
    assert_records (rec, expected);
  }
  g_clear_pointer (&rec, g_ptr_array_unref);
  g_clear_pointer (&cmd, g_free);
  g_clear_pointer (&out, g_free);

  p = real_params ();
  cmd = tether_x2go_command_resume_session (REAL_NAME, &p, &error);
  g_assert_no_error (error);
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2goresume-session");
  {
    const char *expected[] = {
      "x2goresume-session", "arg:" REAL_NAME, "arg:800x600", "arg:adsl", "arg:16m-jpeg-9", "arg:null",
      "arg:auto", "arg:1", "arg:both", "arg:False", NULL,
    };
    assert_records (rec, expected);
  }
  g_clear_pointer (&rec, g_ptr_array_unref);
  g_clear_pointer (&cmd, g_free);
  g_clear_pointer (&out, g_free);

  cmd = tether_x2go_command_suspend_session (REAL_NAME, &error);
  g_assert_no_error (error);
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2gosuspend-session");
  {
    const char *expected[] = { "x2gosuspend-session", "arg:" REAL_NAME, NULL };
    assert_records (rec, expected);
  }
  g_clear_pointer (&rec, g_ptr_array_unref);
  g_clear_pointer (&cmd, g_free);
  g_clear_pointer (&out, g_free);

  cmd = tether_x2go_command_list_sessions (TRUE);
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2golistsessions");
  g_clear_pointer (&rec, g_ptr_array_unref);
  rec = stub_record (&s, "x2golistshadowsessions");
  g_clear_pointer (&rec, g_ptr_array_unref);

  assert_no_injection (&s);
  stubs_clear (&s);
}

/* The built feature-list command, run by a shell, its output parsed. */
static void
test_shell_feature_list (void)
{
  Stubs s;
  g_autoptr(GError) error = NULL;
  g_autofree char *cmd = tether_x2go_command_feature_list ();
  g_autofree char *features = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GHashTable) set = NULL;
  g_autoptr(GPtrArray) rec = NULL;

  stubs_init (&s);
  features = g_build_filename (s.dir, "features", NULL);
  g_assert_true (g_file_set_contents (features, "X2GO_PRINTING\nX2GO_LIST_SHADOWSESSIONS\n", -1, &error));
  out = run_shell (&s, cmd);
  rec = stub_record (&s, "x2gofeaturelist");
  set = tether_x2go_parse_feature_list (out, strlen (out), &error);
  g_assert_no_error (error);
  g_assert_cmpuint (g_hash_table_size (set), ==, 2);
  g_assert_true (g_hash_table_contains (set, "X2GO_LIST_SHADOWSESSIONS"));
  stubs_clear (&s);
}

/* If x2goserver is installed on this machine, the built commands run the
 * real programs and their output goes through the parsers. */
static void
test_real_server_programs (void)
{
  g_autofree char *featurelist = g_find_program_in_path ("x2gofeaturelist");
  g_autofree char *version = g_find_program_in_path ("x2goversion");
  g_autofree char *cmd = NULL;
  g_autofree char *out = NULL;
  g_autoptr(GError) error = NULL;
  g_autoptr(GHashTable) features = NULL;
  g_autoptr(GHashTable) versions = NULL;
  gboolean available = TRUE;
  const char *argv[] = { "/bin/sh", "-c", NULL, NULL };
  int status = 0;

  if (featurelist == NULL || version == NULL)
    {
      g_test_skip ("x2goserver is not installed here");
      return;
    }

  argv[2] = cmd = tether_x2go_command_feature_list ();
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                               &status, &error));
  features = tether_x2go_parse_feature_list (out, strlen (out), &error);
  g_assert_no_error (error);
  g_assert_true (g_hash_table_contains (features, "X2GO_LIST_SHADOWSESSIONS"));
  g_clear_pointer (&cmd, g_free);
  g_clear_pointer (&out, g_free);

  argv[2] = cmd = tether_x2go_command_version ();
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                               &status, &error));
  versions = tether_x2go_parse_version (out, strlen (out), &error);
  g_assert_no_error (error);
  g_assert_nonnull (g_hash_table_lookup (versions, "x2goserver"));
  g_clear_pointer (&cmd, g_free);
  g_clear_pointer (&out, g_free);

  argv[2] = cmd = tether_x2go_command_feature ("X2GO_NO_SUCH_FEATURE", &error);
  g_assert_no_error (error);
  g_assert_true (g_spawn_sync (NULL, (char **) argv, NULL, G_SPAWN_DEFAULT, NULL, NULL, &out, NULL,
                               &status, &error));
  g_assert_true (tether_x2go_parse_feature (out, strlen (out), &available, &error));
  g_assert_no_error (error);
  g_assert_false (available);
}

int
main (int argc, char **argv)
{
  tether_test_init (&argc, &argv);

  g_test_add_func ("/x2go/command/simple", test_simple_commands);
  g_test_add_func ("/x2go/command/start-agent", test_start_agent);
  g_test_add_func ("/x2go/command/resume-session", test_resume_session);
  g_test_add_func ("/x2go/command/run-command", test_run_command);
  g_test_add_func ("/x2go/command/rejected", test_rejected_values);
  g_test_add_func ("/x2go/command/shell/run-command", test_shell_run_command);
  g_test_add_func ("/x2go/command/shell/start-and-resume", test_shell_start_and_resume);
  g_test_add_func ("/x2go/command/shell/feature-list", test_shell_feature_list);
  g_test_add_func ("/x2go/command/real-server-programs", test_real_server_programs);

  return g_test_run ();
}
