/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-limits-private.h"
#include "tether-x2go-output-private.h"
#include "tether-x2go-text-private.h"

/* How much of stderr is looked at for failure messages. */
#define STDERR_SCAN_MAX   (64 * 1024)
#define STDERR_MAX_LINES  256

/* ---- helpers -------------------------------------------------------------- */

static gboolean
text_is_blank (const char *text, gsize len)
{
  for (gsize i = 0; i < len; i++)
    if (text[i] != ' ' && text[i] != '\t' && text[i] != '\n')
      return FALSE;
  return TRUE;
}

/* The lines of stderr (untrusted, only searched and quoted), stripped of
 * surrounding blanks and CRs; a NUL byte ends the text. */
static GStrv
stderr_lines (const char *err, gsize len)
{
  g_autofree char *copy = NULL;
  GStrv lines;

  if (err == NULL)
    len = 0;
  copy = g_strndup (len > 0 ? err : "", MIN (len, STDERR_SCAN_MAX));
  lines = g_strsplit (copy, "\n", STDERR_MAX_LINES);
  for (guint i = 0; lines[i] != NULL; i++)
    g_strstrip (lines[i]);
  return lines;
}

static const char *
stderr_find_prefix (GStrv lines, const char *prefix)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], prefix))
      return lines[i];
  return NULL;
}

static const char *
stderr_first (GStrv lines)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (lines[i][0] != '\0')
      return lines[i];
  return NULL;
}

static gboolean
stderr_says_not_found (GStrv lines, const char *command)
{
  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], command) != NULL &&
        (strstr (lines[i], "not found") != NULL || strstr (lines[i], "No such file") != NULL))
      return TRUE;
  return FALSE;
}

static gboolean
set_failed_with_stderr (GError **error, gint code, const char *command, GStrv lines)
{
  const char *first = stderr_first (lines);
  g_autofree char *quoted = first != NULL ? tether_x2go_quote_for_message (first) : NULL;

  if (quoted != NULL)
    g_set_error (error, TETHER_X2GO_ERROR, code, "%s failed: %s", command, quoted);
  else
    g_set_error (error, TETHER_X2GO_ERROR, code, "%s failed without a message", command);
  return FALSE;
}

/* An optional Telekinesis port: empty or -1 means none (0). */
static gboolean
parse_teki_port (const char *text, guint16 *out)
{
  *out = 0;
  if (text[0] == '\0' || strcmp (text, "-1") == 0)
    return TRUE;
  return tether_x2go_parse_port (text, out);
}

/* ---- x2golistsessions stderr ----------------------------------------------- */

gboolean
tether_x2go_check_list_sessions_stderr (const char *err, gsize err_len, GError **error)
{
  g_auto(GStrv) lines = stderr_lines (err, err_len);

  for (guint i = 0; lines[i] != NULL; i++)
    if (strstr (lines[i], "Hostname of X2Go Server is not set-up correctly") != NULL)
      {
        g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED,
                             "x2golistsessions failed: the server's host name is not set up "
                             "correctly (it is localhost or unset)");
        return FALSE;
      }
  if (stderr_says_not_found (lines, "x2golistsessions"))
    {
      g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                           "x2golistsessions is not installed on the server");
      return FALSE;
    }
  return TRUE;
}

/* ---- x2gostartagent -------------------------------------------------------- */

void
tether_x2go_agent_info_clear (TetherX2goAgentInfo *info)
{
  g_clear_pointer (&info->cookie, tether_x2go_free_wiped);
  g_clear_pointer (&info->session_name, g_free);
  memset (info, 0, sizeof *info);
}

static gboolean
start_agent_failure (GStrv lines, GError **error)
{
  for (guint i = 0; lines[i] != NULL; i++)
    {
      if (strcmp (lines[i], "ACCESS DENIED") == 0)
        {
          g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_STARTUP_FAILED,
                               "x2gostartagent: the desktop's owner refused desktop sharing "
                               "(ACCESS DENIED)");
          return FALSE;
        }
      if (strcmp (lines[i], "LIMIT") == 0 || g_str_has_prefix (lines[i], "LIMIT "))
        {
          g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_STARTUP_FAILED,
                               "x2gostartagent: the server's session limit for this user "
                               "has been reached (LIMIT)");
          return FALSE;
        }
    }
  if (stderr_says_not_found (lines, "x2gostartagent"))
    {
      g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                           "x2gostartagent is not installed on the server");
      return FALSE;
    }
  return set_failed_with_stderr (error, TETHER_X2GO_ERROR_STARTUP_FAILED, "x2gostartagent", lines);
}

gboolean
tether_x2go_parse_start_agent (const char          *out,
                               gsize                out_len,
                               const char          *err,
                               gsize                err_len,
                               TetherX2goAgentInfo *info,
                               GError             **error)
{
  static const char what[] = "x2gostartagent";
  g_auto(GStrv) errl = stderr_lines (err, err_len);
  char *lines[TETHER_X2GO_START_AGENT_LINES_TEKI] = { NULL, };
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  guint n = 0;
  guint64 v;
  gboolean ok = FALSE;
  char *line;

  memset (info, 0, sizeof *info);
  if (out == NULL)
    out_len = 0;
  if (text_is_blank (out, out_len))
    return start_agent_failure (errl, error);

  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_LINE_LENGTH,
                                TETHER_X2GO_START_AGENT_LINES_TEKI);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    lines[n++] = line;
  if (res == TETHER_X2GO_LINE_ERROR)
    goto out;
  if (n != TETHER_X2GO_START_AGENT_LINES && n != TETHER_X2GO_START_AGENT_LINES_TEKI)
    {
      tether_x2go_set_malformed (error, what, 0, "%u lines, expected %d or %d", n,
                                 TETHER_X2GO_START_AGENT_LINES, TETHER_X2GO_START_AGENT_LINES_TEKI);
      goto out;
    }

#define BAD_LINE(i, expected) \
  G_STMT_START { \
    g_autofree char *q_ = tether_x2go_quote_for_message (lines[i]); \
    tether_x2go_set_malformed (error, what, (i) + 1, "%s is not %s", q_, expected); \
    goto out; \
  } G_STMT_END

  if (!tether_x2go_parse_uint (lines[0], 0, TETHER_X2GO_MAX_DISPLAY, &v))
    BAD_LINE (0, "a display number");
  info->display = (guint) v;
  if (!tether_x2go_is_cookie (lines[1]))
    {
      /* Not quoted: it may be most of a real cookie. */
      tether_x2go_set_malformed (error, what, 2, "%" G_GSIZE_FORMAT " characters, not a cookie "
                                 "(32 hex digits)", strlen (lines[1]));
      goto out;
    }
  info->cookie = g_strdup (lines[1]);
  if (!tether_x2go_parse_uint (lines[2], 1, TETHER_X2GO_MAX_PID, &v))
    BAD_LINE (2, "a process ID");
  info->agent_pid = (guint) v;
  if (!tether_x2go_is_session_name (lines[3]))
    BAD_LINE (3, "a session name");
  info->session_name = g_strdup (lines[3]);
  if (!tether_x2go_parse_port (lines[4], &info->graphics_port))
    BAD_LINE (4, "a graphics port (1-65535)");
  if (!tether_x2go_parse_port (lines[5], &info->sound_port))
    BAD_LINE (5, "a sound port (1-65535)");
  if (!tether_x2go_parse_port (lines[6], &info->sshfs_port))
    BAD_LINE (6, "an sshfs port (1-65535)");
  if (n == TETHER_X2GO_START_AGENT_LINES_TEKI)
    {
      if (!parse_teki_port (lines[7], &info->teki_ctrl_port))
        BAD_LINE (7, "a Telekinesis control port");
      if (!parse_teki_port (lines[8], &info->teki_data_port))
        BAD_LINE (8, "a Telekinesis data port");
    }
#undef BAD_LINE
  ok = TRUE;

out:
  for (guint i = 0; i < n; i++)
    tether_x2go_free_wiped (lines[i]);
  if (!ok)
    tether_x2go_agent_info_clear (info);
  return ok;
}

/* ---- x2goresume-session ---------------------------------------------------- */

static gboolean
resume_failure_from_stderr (GStrv lines, GError **error)
{
  const char *l;

  if ((l = stderr_find_prefix (lines, "ERROR: failed to resume session")) != NULL)
    {
      g_autofree char *q = tether_x2go_quote_for_message (l);

      g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                   "x2goresume-session: the session's agent is gone and the server has "
                   "marked it finished (%s)", q);
      return TRUE;
    }
  for (guint i = 0; lines[i] != NULL; i++)
    if (g_str_has_prefix (lines[i], "session ") && g_str_has_suffix (lines[i], " terminated"))
      {
        g_autofree char *q = tether_x2go_quote_for_message (lines[i]);

        g_set_error (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SUCH_SESSION,
                     "x2goresume-session: the session has been terminated (%s)", q);
        return TRUE;
      }
  if (stderr_find_prefix (lines, "not enough command line arguments") != NULL)
    {
      g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_COMMAND_FAILED,
                           "x2goresume-session: not enough command line arguments");
      return TRUE;
    }
  return FALSE;
}

gboolean
tether_x2go_parse_resume_session (const char           *out,
                                  gsize                 out_len,
                                  const char           *err,
                                  gsize                 err_len,
                                  TetherX2goResumeInfo *info,
                                  GError              **error)
{
  static const char what[] = "x2goresume-session";
  static const char *const keys[] = {
    "gr_port", "sound_port", "fs_port", "tekictrl_port", "tekidata_port",
  };
  g_auto(GStrv) errl = stderr_lines (err, err_len);
  gboolean seen[G_N_ELEMENTS (keys)] = { FALSE, };
  guint16 *fields[G_N_ELEMENTS (keys)];
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  char *line;

  memset (info, 0, sizeof *info);
  fields[0] = &info->graphics_port;
  fields[1] = &info->sound_port;
  fields[2] = &info->sshfs_port;
  fields[3] = &info->teki_ctrl_port;
  fields[4] = &info->teki_data_port;

  if (resume_failure_from_stderr (errl, error))
    return FALSE;
  if (out == NULL)
    out_len = 0;
  if (text_is_blank (out, out_len))
    {
      if (stderr_says_not_found (errl, "x2goresume-session"))
        {
          g_set_error_literal (error, TETHER_X2GO_ERROR, TETHER_X2GO_ERROR_NO_SERVER,
                               "x2goresume-session is not installed on the server");
          return FALSE;
        }
      if (stderr_first (errl) != NULL)
        return set_failed_with_stderr (error, TETHER_X2GO_ERROR_STARTUP_FAILED, what, errl);
      return tether_x2go_set_malformed (error, what, 0, "no output");
    }

  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_LINE_LENGTH,
                                G_N_ELEMENTS (keys));
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      g_autofree char *owned = line;
      const char *eq = strchr (owned, '=');
      g_autofree char *key = NULL;
      const char *value;
      guint k;

      if (eq == NULL)
        {
          g_autofree char *q = tether_x2go_quote_for_message (owned);
          return tether_x2go_set_malformed (error, what, lr.line_no, "%s is not KEY=VALUE", q);
        }
      key = g_strndup (owned, (gsize) (eq - owned));
      value = eq + 1;
      for (k = 0; k < G_N_ELEMENTS (keys); k++)
        if (strcmp (key, keys[k]) == 0)
          break;
      if (k == G_N_ELEMENTS (keys))
        {
          g_autofree char *q = tether_x2go_quote_for_message (key);
          return tether_x2go_set_malformed (error, what, lr.line_no, "unknown key %s", q);
        }
      if (seen[k])
        return tether_x2go_set_malformed (error, what, lr.line_no, "%s given twice", keys[k]);
      seen[k] = TRUE;
      if (k < 3 ? !tether_x2go_parse_port (value, fields[k]) : !parse_teki_port (value, fields[k]))
        {
          g_autofree char *q = tether_x2go_quote_for_message (value);
          return tether_x2go_set_malformed (error, what, lr.line_no,
                                            "%s: %s is not a port number (1-65535)", keys[k], q);
        }
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    return FALSE;
  for (guint k = 0; k < 3; k++)
    if (!seen[k])
      return tether_x2go_set_malformed (error, what, 0, "no %s line", keys[k]);
  return TRUE;
}

/* ---- x2gofeaturelist, x2gofeature, x2goversion ----------------------------- */

GHashTable *
tether_x2go_parse_feature_list (const char *out, gsize out_len, GError **error)
{
  static const char what[] = "x2gofeaturelist";
  g_autoptr(GHashTable) set = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, NULL);
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  char *line;

  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_LINE_LENGTH,
                                TETHER_X2GO_MAX_LIST_LINES);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      if (tether_x2go_line_is_blank (line))
        {
          g_free (line);
          continue;
        }
      if (!tether_x2go_is_feature_name (line))
        {
          g_autofree char *owned = line;
          g_autofree char *q = tether_x2go_quote_for_message (owned);

          tether_x2go_set_malformed (error, what, lr.line_no,
                                     "%s is not a feature name ([A-Z][A-Z0-9_]*)", q);
          return NULL;
        }
      g_hash_table_add (set, line);
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    return NULL;
  return g_steal_pointer (&set);
}

gboolean
tether_x2go_parse_feature (const char *out, gsize out_len, gboolean *available, GError **error)
{
  static const char what[] = "x2gofeature";
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  g_autofree char *line = NULL;
  g_autofree char *extra = NULL;

  *available = FALSE;
  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_LINE_LENGTH, 1);
  res = tether_x2go_line_reader_next (&lr, &line, error);
  if (res == TETHER_X2GO_LINE_ERROR)
    return FALSE;
  if (res == TETHER_X2GO_LINE_END)
    return tether_x2go_set_malformed (error, what, 0, "no output");
  if (tether_x2go_line_reader_next (&lr, &extra, error) != TETHER_X2GO_LINE_END)
    return FALSE;  /* the cap of one line set the error */
  if (strcmp (line, "ok") == 0)
    *available = TRUE;
  else if (strcmp (line, "not available") != 0)
    {
      g_autofree char *q = tether_x2go_quote_for_message (line);
      return tether_x2go_set_malformed (error, what, 1,
                                        "%s is neither 'ok' nor 'not available'", q);
    }
  return TRUE;
}

#define COMPONENT_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+-"
#define VERSION_CHARS   "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._+~:-"

GHashTable *
tether_x2go_parse_version (const char *out, gsize out_len, GError **error)
{
  static const char what[] = "x2goversion";
  g_autoptr(GHashTable) table = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  char *line;

  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_LINE_LENGTH,
                                TETHER_X2GO_MAX_LIST_LINES);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      g_autofree char *owned = line;
      g_auto(GStrv) parts = NULL;

      if (tether_x2go_line_is_blank (owned))
        continue;
      parts = g_strsplit (owned, ":", 2);
      if (g_strv_length (parts) != 2)
        {
          g_autofree char *q = tether_x2go_quote_for_message (owned);
          tether_x2go_set_malformed (error, what, lr.line_no, "%s is not 'component: version'", q);
          return NULL;
        }
      g_strstrip (parts[0]);
      g_strstrip (parts[1]);
      if (!tether_x2go_is_word (parts[0], COMPONENT_CHARS, TETHER_X2GO_MAX_VERSION_TEXT))
        {
          g_autofree char *q = tether_x2go_quote_for_message (parts[0]);
          tether_x2go_set_malformed (error, what, lr.line_no, "%s is not a component name", q);
          return NULL;
        }
      if (!tether_x2go_is_word (parts[1], VERSION_CHARS, TETHER_X2GO_MAX_VERSION_TEXT))
        {
          g_autofree char *q = tether_x2go_quote_for_message (parts[1]);
          tether_x2go_set_malformed (error, what, lr.line_no, "%s is not a version", q);
          return NULL;
        }
      if (g_hash_table_contains (table, parts[0]))
        {
          tether_x2go_set_malformed (error, what, lr.line_no, "component %s listed twice",
                                     parts[0]);
          return NULL;
        }
      g_hash_table_insert (table, g_strdup (parts[0]), g_strdup (parts[1]));
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    return NULL;
  return g_steal_pointer (&table);
}

/* ---- x2golistdesktops ---------------------------------------------------- */

void
tether_x2go_desktop_free (TetherX2goDesktop *desktop)
{
  if (desktop == NULL)
    return;
  g_free (desktop->user);
  g_free (desktop);
}

static TetherX2goDesktop *
parse_desktop (const char *text)
{
  g_autoptr(GString) user = NULL;
  const char *at = g_strrstr (text, "@:");
  g_auto(GStrv) parts = NULL;
  TetherX2goDesktop *d;
  guint64 display, screen = 0;
  guint n;

  if (at == NULL)
    return NULL;
  user = g_string_new_len (text, at - text);
  if (!tether_x2go_is_user_name (user->str))
    return NULL;
  parts = g_strsplit (at + 2, ".", 3);
  n = g_strv_length (parts);
  if (n < 1 || n > 2)
    return NULL;
  if (!tether_x2go_parse_uint (parts[0], 0, TETHER_X2GO_MAX_DISPLAY, &display))
    return NULL;
  if (n == 2 && !tether_x2go_parse_uint (parts[1], 0, 255, &screen))
    return NULL;
  d = g_new0 (TetherX2goDesktop, 1);
  d->user = g_string_free (g_steal_pointer (&user), FALSE);
  d->display = (guint) display;
  d->screen = n == 2 ? (gint) screen : -1;
  return d;
}

GPtrArray *
tether_x2go_parse_desktop_list (const char *out, gsize out_len, GError **error)
{
  static const char what[] = "x2golistdesktops";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) tether_x2go_desktop_free);
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  char *line;

  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_LINE_LENGTH,
                                TETHER_X2GO_MAX_LIST_LINES);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      g_autofree char *owned = line;
      TetherX2goDesktop *d;

      if (tether_x2go_line_is_blank (owned))
        continue;
      d = parse_desktop (owned);
      if (d == NULL)
        {
          g_autofree char *q = tether_x2go_quote_for_message (owned);
          tether_x2go_set_malformed (error, what, lr.line_no,
                                     "%s is not <user>@:<display>[.<screen>]", q);
          return NULL;
        }
      g_ptr_array_add (list, d);
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    return NULL;
  return g_steal_pointer (&list);
}

/* ---- x2golistmounts ------------------------------------------------------ */

void
tether_x2go_mount_free (TetherX2goMount *mount)
{
  if (mount == NULL)
    return;
  g_free (mount->client_address);
  g_free (mount->path);
  g_free (mount);
}

/* An absolute path of printable UTF-8 without control characters. */
static gboolean
is_server_path (const char *text)
{
  gsize len = strlen (text);

  if (len == 0 || len > TETHER_X2GO_MAX_PATH || text[0] != '/')
    return FALSE;
  if (!g_utf8_validate (text, (gssize) len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if ((guchar) text[i] < 0x20 || text[i] == 0x7f)
      return FALSE;
  return TRUE;
}

GPtrArray *
tether_x2go_parse_mount_list (const char *out, gsize out_len, GError **error)
{
  static const char what[] = "x2golistmounts";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) tether_x2go_mount_free);
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  char *line;

  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_PATH + 256,
                                TETHER_X2GO_MAX_LIST_LINES);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      g_autofree char *owned = line;
      g_auto(GStrv) parts = NULL;
      TetherX2goMount *m;

      if (tether_x2go_line_is_blank (owned))
        continue;
      parts = g_strsplit (owned, "|", 2);
      if (g_strv_length (parts) != 2)
        {
          g_autofree char *q = tether_x2go_quote_for_message (owned);
          tether_x2go_set_malformed (error, what, lr.line_no, "%s is not <address>|<path>", q);
          return NULL;
        }
      if (!tether_x2go_is_ip_address (parts[0]) && !tether_x2go_is_host_name (parts[0]))
        {
          g_autofree char *q = tether_x2go_quote_for_message (parts[0]);
          tether_x2go_set_malformed (error, what, lr.line_no, "%s is not a client address", q);
          return NULL;
        }
      if (!is_server_path (parts[1]))
        {
          g_autofree char *q = tether_x2go_quote_for_message (parts[1]);
          tether_x2go_set_malformed (error, what, lr.line_no, "%s is not an absolute path", q);
          return NULL;
        }
      m = g_new0 (TetherX2goMount, 1);
      m->client_address = g_strdup (parts[0]);
      m->path = g_strdup (parts[1]);
      g_ptr_array_add (list, m);
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    return NULL;
  return g_steal_pointer (&list);
}

/* ---- x2gogetapps --------------------------------------------------------- */

#define BASE64_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/="
#define DESKTOP_KEY_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-"
#define DESKTOP_LOCALE_CHARS "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_@.-"

void
tether_x2go_app_free (TetherX2goApp *app)
{
  if (app == NULL)
    return;
  g_clear_pointer (&app->fields, g_hash_table_unref);
  g_clear_pointer (&app->icon, g_bytes_unref);
  g_free (app);
}

/* "Key" or "Key[locale]" as in desktop entry files. */
static gboolean
is_desktop_key (const char *key)
{
  const char *bracket = strchr (key, '[');
  g_autofree char *base = NULL;
  g_autofree char *locale = NULL;
  gsize len = strlen (key);

  if (bracket == NULL)
    return tether_x2go_is_word (key, DESKTOP_KEY_CHARS, 128);
  if (len < 3 || key[len - 1] != ']')
    return FALSE;
  base = g_strndup (key, (gsize) (bracket - key));
  locale = g_strndup (bracket + 1, len - (gsize) (bracket - key) - 2);
  return tether_x2go_is_word (base, DESKTOP_KEY_CHARS, 128) &&
         tether_x2go_is_word (locale, DESKTOP_LOCALE_CHARS, 64);
}

static gboolean
is_desktop_value (const char *value)
{
  gsize len = strlen (value);

  if (!g_utf8_validate (value, (gssize) len, NULL))
    return FALSE;
  for (gsize i = 0; i < len; i++)
    if (((guchar) value[i] < 0x20 && value[i] != '\t') || value[i] == 0x7f)
      return FALSE;
  return TRUE;
}

/* Base64 text, '=' only as the last one or two characters. */
static GBytes *
decode_icon (GString *b64)
{
  gsize pad = 0, out_len = 0;
  guchar *data;

  if (b64->len == 0 || b64->len % 4 != 0)
    return NULL;
  for (gsize i = 0; i < b64->len; i++)
    if (b64->str[i] == '=')
      {
        if (i + 2 < b64->len)
          return NULL;
        pad++;
      }
    else if (pad > 0)
      return NULL;
  data = g_base64_decode (b64->str, &out_len);
  return g_bytes_new_take (data, out_len);
}

typedef enum { APPS_OUTSIDE, APPS_DESKTOP, APPS_ICON } AppsState;

GPtrArray *
tether_x2go_parse_apps (const char *out, gsize out_len, GError **error)
{
  static const char what[] = "x2gogetapps";
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func ((GDestroyNotify) tether_x2go_app_free);
  g_autoptr(GString) b64 = NULL;
  TetherX2goApp *app = NULL;
  AppsState state = APPS_OUTSIDE;
  TetherX2goLineReader lr;
  TetherX2goLineResult res;
  char *line;
  /* Base64 text of the largest accepted icon. */
  const gsize max_b64 = (TETHER_X2GO_MAX_ICON_SIZE / 3 + 1) * 4;

  if (out == NULL)
    out_len = 0;
  if (out_len > TETHER_X2GO_MAX_APPS_OUTPUT)
    {
      tether_x2go_set_malformed (error, what, 0, "more than %d bytes", TETHER_X2GO_MAX_APPS_OUTPUT);
      return NULL;
    }
  tether_x2go_line_reader_init (&lr, what, out, out_len, TETHER_X2GO_MAX_APPS_LINE_LENGTH,
                                G_MAXUINT);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      g_autofree char *owned = line;

      switch (state)
        {
        case APPS_OUTSIDE:
          if (tether_x2go_line_is_blank (owned))
            break;
          if (strcmp (owned, "<desktop>") != 0)
            {
              g_autofree char *q = tether_x2go_quote_for_message (owned);
              tether_x2go_set_malformed (error, what, lr.line_no, "%s outside a <desktop> block", q);
              goto fail;
            }
          if (list->len >= TETHER_X2GO_MAX_APPS)
            {
              tether_x2go_set_malformed (error, what, lr.line_no, "more than %d applications",
                                         TETHER_X2GO_MAX_APPS);
              goto fail;
            }
          app = g_new0 (TetherX2goApp, 1);
          app->fields = g_hash_table_new_full (g_str_hash, g_str_equal, g_free, g_free);
          state = APPS_DESKTOP;
          break;

        case APPS_DESKTOP:
          if (strcmp (owned, "</desktop>") == 0)
            {
              g_ptr_array_add (list, g_steal_pointer (&app));
              state = APPS_OUTSIDE;
            }
          else if (strcmp (owned, "<icon>") == 0)
            {
              b64 = g_string_new (NULL);
              state = APPS_ICON;
            }
          else
            {
              const char *eq = strchr (owned, '=');
              g_autofree char *key = NULL;
              g_autofree char *value = NULL;

              if (eq == NULL)
                {
                  g_autofree char *q = tether_x2go_quote_for_message (owned);
                  tether_x2go_set_malformed (error, what, lr.line_no, "%s is not KEY=VALUE", q);
                  goto fail;
                }
              key = g_strstrip (g_strndup (owned, (gsize) (eq - owned)));
              value = g_strstrip (g_strdup (eq + 1));
              if (!is_desktop_key (key) || !is_desktop_value (value))
                {
                  g_autofree char *q = tether_x2go_quote_for_message (owned);
                  tether_x2go_set_malformed (error, what, lr.line_no,
                                             "%s is not a desktop entry line", q);
                  goto fail;
                }
              if (g_hash_table_size (app->fields) >= TETHER_X2GO_MAX_APP_KEYS)
                {
                  tether_x2go_set_malformed (error, what, lr.line_no, "more than %d keys",
                                             TETHER_X2GO_MAX_APP_KEYS);
                  goto fail;
                }
              /* Like desktop-entry readers: a repeated key, the first wins. */
              if (!g_hash_table_contains (app->fields, key))
                g_hash_table_insert (app->fields, g_steal_pointer (&key), g_steal_pointer (&value));
            }
          break;

        case APPS_ICON:
          if (strcmp (owned, "</icon>") == 0)
            {
              /* An empty icon file gives an empty block: no icon. */
              GBytes *icon = b64->len > 0 ? decode_icon (b64) : NULL;
              gboolean empty = b64->len == 0;

              g_string_free (g_steal_pointer (&b64), TRUE);
              if (icon == NULL && !empty)
                {
                  tether_x2go_set_malformed (error, what, lr.line_no, "icon is not valid base64");
                  goto fail;
                }
              /* A second Icon= line replaces the first, as on the server. */
              g_clear_pointer (&app->icon, g_bytes_unref);
              app->icon = icon;
              state = APPS_DESKTOP;
            }
          else if (!tether_x2go_line_is_blank (owned))
            {
              if (!tether_x2go_is_word (owned, BASE64_CHARS, TETHER_X2GO_MAX_APPS_LINE_LENGTH))
                {
                  tether_x2go_set_malformed (error, what, lr.line_no, "icon line is not base64");
                  goto fail;
                }
              if (b64->len + strlen (owned) > max_b64)
                {
                  tether_x2go_set_malformed (error, what, lr.line_no,
                                             "icon larger than %d bytes", TETHER_X2GO_MAX_ICON_SIZE);
                  goto fail;
                }
              g_string_append (b64, owned);
            }
          break;

        default:
          g_assert_not_reached ();
        }
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    goto fail;
  if (state != APPS_OUTSIDE)
    {
      tether_x2go_set_malformed (error, what, 0, "output ends inside a %s block",
                                 state == APPS_ICON ? "<icon>" : "<desktop>");
      goto fail;
    }
  return g_steal_pointer (&list);

fail:
  tether_x2go_app_free (app);
  return NULL;
}
