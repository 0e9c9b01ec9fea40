/* SPDX-License-Identifier: LGPL-2.1-or-later */
/*
 * Fuzzes every X2Go server-output parser and the command builders. The first
 * input byte picks the target; the rest is its input. Where a target takes
 * two texts (stdout and stderr, or several builder arguments), byte 0x01
 * separates them.
 *
 * Beyond "no crash, no leak", it checks invariants: a parsed session line
 * gives its text back unchanged; a built command line, split the way a shell
 * splits words, gives back each argument exactly as it was passed.
 */
#include "config.h"

#include <string.h>

#include "tether.h"
#include "tether-x2go-command-private.h"
#include "tether-x2go-output-private.h"
#include "tether-x2go-session-info-private.h"
#include "fuzz-common.h"

enum {
  T_LIST, T_LIST_SHADOW, T_LIST_COMBINED, T_LINE, T_START_AGENT, T_RESUME, T_FEATURE_LIST,
  T_FEATURE, T_VERSION, T_DESKTOPS, T_MOUNTS, T_APPS, T_BUILDERS, N_TARGETS
};

#define SEP 0x01

static void
check_error (GError *error)
{
  if (error == NULL || error->message == NULL || error->message[0] == '\0')
    __builtin_trap ();
  if (error->domain != TETHER_X2GO_ERROR && error->domain != G_IO_ERROR)
    __builtin_trap ();
}

static void
exercise_info (TetherX2goSessionInfo *info)
{
  g_autofree char *line = tether_x2go_session_info_to_string (info);

  /* Every getter on every accepted record. */
  (void) tether_x2go_session_info_get_agent_pid (info);
  (void) tether_x2go_session_info_get_display (info);
  (void) tether_x2go_session_info_get_state (info);
  (void) tether_x2go_session_info_get_graphics_port (info);
  (void) tether_x2go_session_info_get_sound_port (info);
  (void) tether_x2go_session_info_get_sshfs_port (info);
  (void) tether_x2go_session_info_get_telekinesis_control_port (info);
  (void) tether_x2go_session_info_get_telekinesis_data_port (info);
  (void) tether_x2go_session_info_get_age (info);
  (void) tether_x2go_session_info_get_session_type (info);
  (void) tether_x2go_session_info_get_color_depth (info);
  if (strlen (tether_x2go_session_info_get_name (info)) == 0 ||
      strlen (tether_x2go_session_info_get_hostname (info)) == 0 ||
      strlen (tether_x2go_session_info_get_username (info)) == 0 ||
      strlen (tether_x2go_session_info_get_creation_time (info)) != 19 ||
      strlen (tether_x2go_session_info_get_last_change_time (info)) != 19)
    __builtin_trap ();
  if (tether_x2go_session_info_get_command (info) != NULL)
    (void) strlen (tether_x2go_session_info_get_command (info));
  if (tether_x2go_session_info_get_cookie (info) != NULL &&
      strlen (tether_x2go_session_info_get_cookie (info)) != 32)
    __builtin_trap ();
  if (tether_x2go_session_info_is_running (info) && tether_x2go_session_info_is_suspended (info))
    __builtin_trap ();
  if (!tether_x2go_session_info_is_starting (info) &&
      (tether_x2go_session_info_get_cookie (info) == NULL ||
       tether_x2go_session_info_get_graphics_port (info) == 0))
    __builtin_trap ();
  /* Reparsing the text gives the same record. */
  {
    g_autoptr(GError) error = NULL;
    g_autoptr(TetherX2goSessionInfo) again = tether_x2go_session_info_new_from_line (line, &error);
    g_autofree char *line2 = NULL;

    if (again == NULL)
      __builtin_trap ();
    line2 = tether_x2go_session_info_to_string (again);
    if (strcmp (line, line2) != 0)
      __builtin_trap ();
  }
}

static void
fuzz_list (const char *data, gsize len, TetherX2goListKind kind)
{
  GError *error = NULL;
  GPtrArray *list;

  if (!tether_x2go_check_list_sessions_stderr (data, len, &error))
    check_error (error);
  g_clear_error (&error);
  list = tether_x2go_parse_session_list (data, len, kind, &error);

  if (list == NULL)
    {
      check_error (error);
      g_error_free (error);
      return;
    }
  if (error != NULL)
    __builtin_trap ();
  for (guint i = 0; i < list->len; i++)
    exercise_info (list->pdata[i]);
  g_ptr_array_unref (list);
}

static void
fuzz_line (const char *data, gsize len)
{
  g_autofree char *line = g_strndup (data, len);
  GError *error = NULL;
  TetherX2goSessionInfo *info = tether_x2go_session_info_new_from_line (line, &error);

  if (info == NULL)
    {
      check_error (error);
      g_error_free (error);
      return;
    }
  exercise_info (info);
  /* to_string is the input without its one optional newline. */
  {
    g_autofree char *back = tether_x2go_session_info_to_string (info);
    gsize n = strlen (line);

    if (n > 0 && line[n - 1] == '\n')
      line[n - 1] = '\0';
    if (strcmp (back, line) != 0)
      __builtin_trap ();
  }
  tether_x2go_session_info_unref (info);
}

/* Splits at the first SEP: [data, sep) and (sep, end]. */
static void
split2 (const char *data, gsize len, const char **a, gsize *alen, const char **b, gsize *blen)
{
  const char *sep = memchr (data, SEP, len);

  *a = data;
  if (sep == NULL)
    {
      *alen = len;
      *b = NULL;
      *blen = 0;
      return;
    }
  *alen = (gsize) (sep - data);
  *b = sep + 1;
  *blen = len - *alen - 1;
}

static void
fuzz_start_agent (const char *data, gsize len)
{
  const char *out, *err;
  gsize out_len, err_len;
  TetherX2goAgentInfo info;
  GError *error = NULL;

  split2 (data, len, &out, &out_len, &err, &err_len);
  if (tether_x2go_parse_start_agent (out, out_len, err, err_len, &info, &error))
    {
      if (error != NULL || info.cookie == NULL || strlen (info.cookie) != 32 ||
          info.session_name == NULL || info.graphics_port == 0 || info.agent_pid == 0)
        __builtin_trap ();
      tether_x2go_agent_info_clear (&info);
    }
  else
    {
      check_error (error);
      if (info.cookie != NULL || info.session_name != NULL)
        __builtin_trap ();
      g_error_free (error);
    }
}

static void
fuzz_resume (const char *data, gsize len)
{
  const char *out, *err;
  gsize out_len, err_len;
  TetherX2goResumeInfo info;
  GError *error = NULL;

  split2 (data, len, &out, &out_len, &err, &err_len);
  if (tether_x2go_parse_resume_session (out, out_len, err, err_len, &info, &error))
    {
      if (error != NULL || info.graphics_port == 0 || info.sound_port == 0 || info.sshfs_port == 0)
        __builtin_trap ();
    }
  else
    {
      check_error (error);
      g_error_free (error);
    }
}

static void
fuzz_simple (const char *data, gsize len, guint target)
{
  GError *error = NULL;
  gpointer result = NULL;
  gboolean available = FALSE, ok;

  switch (target)
    {
    case T_FEATURE_LIST:
      result = tether_x2go_parse_feature_list (data, len, &error);
      if (result != NULL)
        g_hash_table_unref (result);
      break;
    case T_FEATURE:
      ok = tether_x2go_parse_feature (data, len, &available, &error);
      result = ok ? GINT_TO_POINTER (1) : NULL;
      break;
    case T_VERSION:
      result = tether_x2go_parse_version (data, len, &error);
      if (result != NULL)
        g_hash_table_unref (result);
      break;
    case T_DESKTOPS:
      result = tether_x2go_parse_desktop_list (data, len, &error);
      if (result != NULL)
        g_ptr_array_unref (result);
      break;
    case T_MOUNTS:
      result = tether_x2go_parse_mount_list (data, len, &error);
      if (result != NULL)
        g_ptr_array_unref (result);
      break;
    case T_APPS:
      result = tether_x2go_parse_apps (data, len, &error);
      if (result != NULL)
        {
          GPtrArray *apps = result;

          for (guint i = 0; i < apps->len; i++)
            {
              TetherX2goApp *app = apps->pdata[i];

              if (app->fields == NULL)
                __builtin_trap ();
              if (app->icon != NULL)
                (void) g_bytes_get_size (app->icon);
            }
          g_ptr_array_unref (result);
        }
      break;
    default:
      return;
    }
  if ((result == NULL) != (error != NULL))
    __builtin_trap ();
  if (error != NULL)
    {
      check_error (error);
      g_error_free (error);
    }
}

/* ---- builders ------------------------------------------------------------- */

/* The arguments after @program in a built command, split like sh does. */
static char **
words_after (const char *command, const char *program, int *index)
{
  char **argv = NULL;
  int argc = 0;

  if (!g_shell_parse_argv (command, &argc, &argv, NULL))
    __builtin_trap ();  /* a built command always parses */
  for (int i = 0; i < argc; i++)
    if (strcmp (argv[i], program) == 0)
      {
        *index = i;
        return argv;
      }
  __builtin_trap ();
}

static void
expect_word (char **argv, int at, const char *expected)
{
  if (g_strv_length (argv) <= (guint) at || strcmp (argv[at], expected) != 0)
    __builtin_trap ();
}

static void
fuzz_builders (const char *data, gsize len)
{
  g_autofree char *text = g_strndup (data, len);  /* a NUL ends the arguments */
  g_auto(GStrv) f = g_strsplit (text, "\x01", 12);
  const char *v[12] = { NULL, };
  TetherX2goSessionParams p = { 0, };
  GError *error = NULL;
  char *cmd;
  guint n = g_strv_length (f);

  for (guint i = 0; i < n && i < 12; i++)
    v[i] = f[i];
  p.geometry = v[0];
  p.link = v[1];
  p.pack = v[2];
  p.kbd_layout = v[3];
  p.kbd_type = v[4];
  p.command = v[5];
  p.clipboard = v[6];
  p.xdmcp_server = v[8];
  p.session_type = v[9] != NULL && v[9][0] != '\0' ? v[9][0] : 'R';
  p.set_kbd = v[10] != NULL && v[10][0] == '1';
  p.xinerama = v[10] != NULL && v[10][0] != '\0' && v[10][1] == '1';
  p.depth = v[11] != NULL ? (guint) strlen (v[11]) * 8 : 0;

  cmd = tether_x2go_command_start_agent (&p, &error);
  if (cmd != NULL)
    {
      int i;
      char **argv = words_after (cmd, "x2gostartagent", &i);

      expect_word (argv, i + 1, p.geometry);
      expect_word (argv, i + 2, p.link);
      expect_word (argv, i + 3, p.pack);
      g_strfreev (argv);
      g_free (cmd);
    }
  else
    {
      check_error (error);
      g_clear_error (&error);
    }

  cmd = tether_x2go_command_resume_session (v[7], &p, &error);
  if (cmd != NULL)
    {
      int i;
      char **argv = words_after (cmd, "x2goresume-session", &i);

      expect_word (argv, i + 1, v[7]);
      expect_word (argv, i + 2, p.geometry);
      g_strfreev (argv);
      g_free (cmd);
    }
  else
    {
      check_error (error);
      g_clear_error (&error);
    }

  {
    g_autofree char *spool = v[8] != NULL ? g_strconcat ("X2GO_SPOOLDIR=", v[8], NULL) : NULL;
    const char *env[] = { spool, NULL };

    cmd = tether_x2go_command_run_command (50, 1234, v[7], 30008, &p, v[6] != NULL ? v[6] : "none",
                                           env, &error);
    if (cmd != NULL)
      {
        int i;
        char **argv = words_after (cmd, "x2goruncommand", &i);

        expect_word (argv, i + 3, v[7]);
        if (p.command != NULL && p.command[0] != '\0' && p.session_type != 'P')
          {
            g_auto(GStrv) words = g_strsplit (strcmp (p.command, "XFCE4") == 0 ? "XFCE" : p.command, " ", -1);
            g_autofree char *joined = g_strjoinv ("X2GO_SPACE_CHAR", words);

            expect_word (argv, i + 5, joined);
          }
        if (spool != NULL)
          expect_word (argv, 0, spool);
        g_strfreev (argv);
        g_free (cmd);
      }
    else
      {
        check_error (error);
        g_clear_error (&error);
      }
  }

  cmd = tether_x2go_command_suspend_session (v[0], &error);
  if (cmd != NULL)
    {
      int i;
      char **argv = words_after (cmd, "x2gosuspend-session", &i);

      expect_word (argv, i + 1, v[0]);
      g_strfreev (argv);
      g_free (cmd);
    }
  else
    {
      check_error (error);
      g_clear_error (&error);
    }
}

int
LLVMFuzzerTestOneInput (const uint8_t *data, size_t size)
{
  const char *text;
  gsize len;
  guint target;

  if (size < 1)
    return 0;
  target = data[0] % N_TARGETS;
  text = (const char *) data + 1;
  len = size - 1;

  switch (target)
    {
    case T_LIST:
      fuzz_list (text, len, TETHER_X2GO_LIST_SESSIONS);
      break;
    case T_LIST_SHADOW:
      fuzz_list (text, len, TETHER_X2GO_LIST_SHADOW_SESSIONS);
      break;
    case T_LIST_COMBINED:
      fuzz_list (text, len, TETHER_X2GO_LIST_COMBINED);
      break;
    case T_LINE:
      fuzz_line (text, len);
      break;
    case T_START_AGENT:
      fuzz_start_agent (text, len);
      break;
    case T_RESUME:
      fuzz_resume (text, len);
      break;
    case T_BUILDERS:
      fuzz_builders (text, len);
      break;
    default:
      fuzz_simple (text, len, target);
      break;
    }
  return 0;
}
