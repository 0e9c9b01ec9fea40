/* SPDX-License-Identifier: LGPL-2.1-or-later */
#define G_LOG_DOMAIN "Tether-X2go"

#include "config.h"

#include <string.h>

#include "tether-error.h"
#include "tether-x2go-limits-private.h"
#include "tether-x2go-session-info-private.h"
#include "tether-x2go-text-private.h"

/**
 * TetherX2goSessionInfo:
 *
 * One X2Go session as the server lists it: an immutable record built from
 * one line of `x2golistsessions` (16 `|`-separated fields) or
 * `x2golistshadowsessions` (14 fields, without the Telekinesis ports).
 *
 * Every field is checked against an allow-list when the record is built, so
 * the getters only ever return well-formed values.
 *
 * Times are returned as the server prints them, `YYYY-MM-DDTHH:MM:SS` in
 * the server's local time. The server gives no time zone, so they are kept as
 * text rather than turned into a #GDateTime with a made-up zone; use
 * g_date_time_new_from_iso8601() with a zone of your choice if you need one.
 *
 * While a session is being started the server lists it with an empty agent
 * PID, cookie, client address and ports; then [method@X2goSessionInfo.is_starting]
 * is %TRUE and the getters return %NULL or 0 for those fields.
 *
 * It is a boxed type with a reference count rather than a GObject: a plain
 * value with no signals or mutable state, cheap to make in bulk for each
 * listing, and safe to share between threads.
 *
 * Since: 0.1
 */
struct _TetherX2goSessionInfo {
  gatomicrefcount        ref_count;
  char                  *line;
  guint                  n_fields;

  guint                  agent_pid;      /* 0: not known yet */
  char                  *name;
  guint                  display;
  char                  *hostname;
  TetherX2goSessionState state;
  char                  *creation_time;
  char                  *cookie;         /* NULL: not known yet */
  char                  *client_address; /* NULL: not known yet */
  guint16                graphics_port;
  guint16                sound_port;
  char                  *last_change_time;
  char                  *username;
  gint64                 age;
  guint16                sshfs_port;
  guint16                teki_ctrl_port;
  guint16                teki_data_port;

  TetherX2goSessionName  parsed_name;
  gboolean               name_ok;
};

G_DEFINE_BOXED_TYPE (TetherX2goSessionInfo, tether_x2go_session_info,
                     tether_x2go_session_info_ref, tether_x2go_session_info_unref)

enum {
  F_AGENT_PID, F_NAME, F_DISPLAY, F_HOSTNAME, F_STATE, F_CTIME, F_COOKIE, F_CLIENT,
  F_GR_PORT, F_SND_PORT, F_MTIME, F_USER, F_AGE, F_FS_PORT, F_TEKI_CTRL, F_TEKI_DATA,
};

static const char *const field_names[TETHER_X2GO_LIST_FIELDS] = {
  "agent PID", "session name", "display", "server host name", "status",
  "creation time", "cookie", "client address", "graphics port", "sound port",
  "last state change time", "user name", "age", "sshfs port",
  "Telekinesis control port", "Telekinesis data port",
};

/* ---- session names ------------------------------------------------------ */

static GRegex *
session_name_regex (void)
{
  static GRegex *regex;

  if (g_once_init_enter (&regex))
    {
      /* The user part is lazy so the first "-<display>-<time>_st<T>" wins;
       * the command part is greedy so the last "_dp<depth>" wins (commands
       * may contain "_dp"). */
      GRegex *r = g_regex_new ("^([A-Za-z0-9._][A-Za-z0-9._@-]*?)-([0-9]{2,5})-([0-9]{9,12})"
                               "_st([DRSK])([A-Za-z0-9._@-]*)_dp([0-9]{1,2})"
                               "(?:_([A-Za-z0-9._@-]+))?$",
                               0, 0, NULL);
      g_assert (r != NULL);
      g_once_init_leave (&regex, r);
    }
  return regex;
}

void
tether_x2go_session_name_clear (TetherX2goSessionName *name)
{
  g_clear_pointer (&name->user, g_free);
  g_clear_pointer (&name->command, g_free);
  g_clear_pointer (&name->xdmcp_host, g_free);
  memset (name, 0, sizeof *name);
}

gboolean
tether_x2go_session_name_parse (const char *name, TetherX2goSessionName *out)
{
  g_autoptr(GMatchInfo) match = NULL;
  g_autofree char *display = NULL, *timestamp = NULL, *type = NULL, *depth = NULL;
  g_autofree char *xdmcp = NULL;
  guint64 v;

  memset (out, 0, sizeof *out);
  if (!tether_x2go_is_session_name (name))
    return FALSE;
  if (!g_regex_match (session_name_regex (), name, 0, &match))
    return FALSE;

  display = g_match_info_fetch (match, 2);
  timestamp = g_match_info_fetch (match, 3);
  type = g_match_info_fetch (match, 4);
  depth = g_match_info_fetch (match, 6);
  xdmcp = g_match_info_fetch (match, 7);

  if (!tether_x2go_parse_uint (display, 0, TETHER_X2GO_MAX_DISPLAY, &v))
    return FALSE;
  out->display = (guint) v;
  if (!tether_x2go_parse_uint (timestamp, 0, G_MAXUINT64 / 2, &out->timestamp))
    return FALSE;
  if (!tether_x2go_parse_uint (depth, 1, 32, &v))
    return FALSE;
  out->depth = (guint) v;

  out->user = g_match_info_fetch (match, 1);
  out->command = g_match_info_fetch (match, 5);
  out->xdmcp_host = xdmcp != NULL && xdmcp[0] != '\0' ? g_steal_pointer (&xdmcp) : NULL;

  switch (type[0])
    {
    case 'D':
      out->type = TETHER_X2GO_SESSION_TYPE_DESKTOP;
      break;
    case 'R':
      out->type = strcmp (out->command, "PUBLISHED") == 0 ? TETHER_X2GO_SESSION_TYPE_PUBLISHED
                                                          : TETHER_X2GO_SESSION_TYPE_ROOTLESS;
      break;
    case 'S':
      out->type = TETHER_X2GO_SESSION_TYPE_SHADOW;
      break;
    case 'K':
      out->type = TETHER_X2GO_SESSION_TYPE_KDRIVE;
      break;
    default:
      tether_x2go_session_name_clear (out);
      return FALSE;
    }
  return TRUE;
}

/* ---- one line ----------------------------------------------------------- */

static gboolean
field_error (GError **error, const char *what, guint line_no, guint field,
             const char *value, const char *expected)
{
  g_autofree char *quoted = tether_x2go_quote_for_message (value);

  return tether_x2go_set_malformed (error, what, line_no, "field %u (%s): %s is not %s",
                                    field + 1, field_names[field], quoted, expected);
}

/* An optional port: empty means "none" (0). */
static gboolean
parse_optional_port (const char *text, guint16 *out)
{
  *out = 0;
  return text[0] == '\0' || tether_x2go_parse_port (text, out);
}

static void
session_info_free (TetherX2goSessionInfo *info)
{
  /* The cookie authenticates to the session's display: wipe it. */
  tether_x2go_free_wiped (info->line);
  tether_x2go_free_wiped (info->cookie);
  g_free (info->name);
  g_free (info->hostname);
  g_free (info->creation_time);
  g_free (info->client_address);
  g_free (info->last_change_time);
  g_free (info->username);
  tether_x2go_session_name_clear (&info->parsed_name);
  g_free (info);
}

TetherX2goSessionInfo *
tether_x2go_session_info_parse_line (const char  *line,
                                     const guint *n_fields_ok,
                                     const char  *what,
                                     guint        line_no,
                                     GError     **error)
{
  TetherX2goSessionInfo *info;
  char **f = NULL;
  guint n = 1;
  gboolean count_ok = FALSE;
  guint64 v;

  if (strlen (line) > TETHER_X2GO_MAX_LINE_LENGTH)
    {
      tether_x2go_set_malformed (error, what, line_no, "line longer than %d bytes",
                                 TETHER_X2GO_MAX_LINE_LENGTH);
      return NULL;
    }
  for (gsize i = 0; line[i] != '\0'; i++)
    if (line[i] == '|')
      n++;
  for (guint i = 0; n_fields_ok[i] != 0; i++)
    if (n == n_fields_ok[i])
      count_ok = TRUE;
  if (!count_ok)
    {
      tether_x2go_set_malformed (error, what, line_no,
                                 "%u '|'-separated fields, expected %u%s", n, n_fields_ok[0],
                                 n_fields_ok[1] != 0 ? " or 14" : "");
      return NULL;
    }
  /* Split with a maximum: the count was checked above, this is the guard. */
  f = g_strsplit (line, "|", TETHER_X2GO_LIST_FIELDS);
  g_assert (g_strv_length (f) == n);

  info = g_new0 (TetherX2goSessionInfo, 1);
  g_atomic_ref_count_init (&info->ref_count);
  info->line = g_strdup (line);
  info->n_fields = n;

  if (f[F_AGENT_PID][0] != '\0')
    {
      if (!tether_x2go_parse_uint (f[F_AGENT_PID], 1, TETHER_X2GO_MAX_PID, &v))
        {
          field_error (error, what, line_no, F_AGENT_PID, f[F_AGENT_PID], "a process ID");
          goto fail;
        }
      info->agent_pid = (guint) v;
    }

  if (!tether_x2go_is_session_name (f[F_NAME]))
    {
      field_error (error, what, line_no, F_NAME, f[F_NAME],
                   "a session name ([A-Za-z0-9._@-], at most 256 bytes)");
      goto fail;
    }
  info->name = g_strdup (f[F_NAME]);

  if (!tether_x2go_parse_uint (f[F_DISPLAY], 0, TETHER_X2GO_MAX_DISPLAY, &v))
    {
      field_error (error, what, line_no, F_DISPLAY, f[F_DISPLAY], "a display number");
      goto fail;
    }
  info->display = (guint) v;

  if (!tether_x2go_is_host_name (f[F_HOSTNAME]))
    {
      field_error (error, what, line_no, F_HOSTNAME, f[F_HOSTNAME], "a host name");
      goto fail;
    }
  info->hostname = g_strdup (f[F_HOSTNAME]);

  if (strcmp (f[F_STATE], "R") == 0)
    info->state = TETHER_X2GO_SESSION_STATE_RUNNING;
  else if (strcmp (f[F_STATE], "S") == 0)
    info->state = TETHER_X2GO_SESSION_STATE_SUSPENDED;
  else if (strcmp (f[F_STATE], "F") == 0)
    info->state = TETHER_X2GO_SESSION_STATE_FINISHED;
  else
    {
      field_error (error, what, line_no, F_STATE, f[F_STATE], "one of R, S, F");
      goto fail;
    }

  if (!tether_x2go_is_iso_datetime (f[F_CTIME]))
    {
      field_error (error, what, line_no, F_CTIME, f[F_CTIME], "a time YYYY-MM-DDTHH:MM:SS");
      goto fail;
    }
  info->creation_time = g_strdup (f[F_CTIME]);

  if (f[F_COOKIE][0] != '\0')
    {
      if (!tether_x2go_is_cookie (f[F_COOKIE]))
        {
          /* Not quoted: it may be most of a real cookie. */
          tether_x2go_set_malformed (error, what, line_no,
                                     "field %u (%s): %" G_GSIZE_FORMAT " characters, not 32 hex digits",
                                     F_COOKIE + 1, field_names[F_COOKIE], strlen (f[F_COOKIE]));
          goto fail;
        }
      info->cookie = g_strdup (f[F_COOKIE]);
    }

  if (f[F_CLIENT][0] != '\0')
    {
      if (!tether_x2go_is_ip_address (f[F_CLIENT]))
        {
          field_error (error, what, line_no, F_CLIENT, f[F_CLIENT], "an IP address");
          goto fail;
        }
      info->client_address = g_strdup (f[F_CLIENT]);
    }

  if (!parse_optional_port (f[F_GR_PORT], &info->graphics_port))
    {
      field_error (error, what, line_no, F_GR_PORT, f[F_GR_PORT], "a port number (1-65535)");
      goto fail;
    }
  if (!parse_optional_port (f[F_SND_PORT], &info->sound_port))
    {
      field_error (error, what, line_no, F_SND_PORT, f[F_SND_PORT], "a port number (1-65535)");
      goto fail;
    }

  if (!tether_x2go_is_iso_datetime (f[F_MTIME]))
    {
      field_error (error, what, line_no, F_MTIME, f[F_MTIME], "a time YYYY-MM-DDTHH:MM:SS");
      goto fail;
    }
  info->last_change_time = g_strdup (f[F_MTIME]);

  if (!tether_x2go_is_user_name (f[F_USER]))
    {
      field_error (error, what, line_no, F_USER, f[F_USER], "a user name");
      goto fail;
    }
  info->username = g_strdup (f[F_USER]);

  /* Seconds since creation by the server's clock: negative after a clock step. */
  if (!tether_x2go_parse_int (f[F_AGE], TETHER_X2GO_MAX_AGE, &info->age))
    {
      field_error (error, what, line_no, F_AGE, f[F_AGE], "a number of seconds");
      goto fail;
    }

  if (!parse_optional_port (f[F_FS_PORT], &info->sshfs_port))
    {
      field_error (error, what, line_no, F_FS_PORT, f[F_FS_PORT], "a port number (1-65535)");
      goto fail;
    }

  if (n == TETHER_X2GO_LIST_FIELDS)
    {
      /* Telekinesis ports: empty or -1 when Telekinesis is off. */
      for (guint i = F_TEKI_CTRL; i <= F_TEKI_DATA; i++)
        {
          guint16 *port = i == F_TEKI_CTRL ? &info->teki_ctrl_port : &info->teki_data_port;

          if (strcmp (f[i], "-1") != 0 && !parse_optional_port (f[i], port))
            {
              field_error (error, what, line_no, i, f[i], "a port number (1-65535), -1 or empty");
              goto fail;
            }
        }
    }

  /* A session with an agent must say how to reach it. */
  if (info->agent_pid != 0 && (info->cookie == NULL || info->graphics_port == 0))
    {
      tether_x2go_set_malformed (error, what, line_no,
                                 "session %s has an agent PID but no cookie or graphics port",
                                 info->name);
      goto fail;
    }

  info->name_ok = tether_x2go_session_name_parse (info->name, &info->parsed_name);
  tether_x2go_strv_free_wiped (f);
  return info;

fail:
  tether_x2go_strv_free_wiped (f);
  session_info_free (info);
  return NULL;
}

/* ---- whole listings ----------------------------------------------------- */

GPtrArray *
tether_x2go_parse_session_list (const char         *data,
                                gsize               len,
                                TetherX2goListKind  kind,
                                GError            **error)
{
  static const guint fields_sessions[] = { TETHER_X2GO_LIST_FIELDS, 0 };
  static const guint fields_shadow[] = { TETHER_X2GO_LIST_SHADOW_FIELDS, 0 };
  static const guint fields_combined[] = { TETHER_X2GO_LIST_FIELDS, TETHER_X2GO_LIST_SHADOW_FIELDS, 0 };
  g_autoptr(GPtrArray) list = g_ptr_array_new_with_free_func (
    (GDestroyNotify) tether_x2go_session_info_unref);
  TetherX2goLineReader lr;
  const guint *fields;
  const char *what;
  TetherX2goLineResult res;
  char *line;

  switch (kind)
    {
    case TETHER_X2GO_LIST_SESSIONS:
      fields = fields_sessions;
      what = "x2golistsessions";
      break;
    case TETHER_X2GO_LIST_SHADOW_SESSIONS:
      fields = fields_shadow;
      what = "x2golistshadowsessions";
      break;
    case TETHER_X2GO_LIST_COMBINED:
      fields = fields_combined;
      what = "x2golistsessions";
      break;
    default:
      g_return_val_if_reached (NULL);
    }

  tether_x2go_line_reader_init (&lr, what, data, len, TETHER_X2GO_MAX_LINE_LENGTH,
                                TETHER_X2GO_MAX_LIST_LINES);
  while ((res = tether_x2go_line_reader_next (&lr, &line, error)) == TETHER_X2GO_LINE_OK)
    {
      TetherX2goSessionInfo *info;

      if (tether_x2go_line_is_blank (line))
        {
          g_free (line);
          continue;
        }
      info = tether_x2go_session_info_parse_line (line, fields, what, lr.line_no, error);
      tether_x2go_free_wiped (line);  /* it holds the cookie */
      if (info == NULL)
        return NULL;
      g_ptr_array_add (list, info);
    }
  if (res == TETHER_X2GO_LINE_ERROR)
    return NULL;
  return g_steal_pointer (&list);
}

/* ---- public API --------------------------------------------------------- */

/**
 * tether_x2go_session_info_new_from_line:
 * @line: one line of `x2golistsessions` (16 fields) or
 *   `x2golistshadowsessions` (14 fields) output; a single trailing newline
 *   is allowed
 * @error: return location for a #GError
 *
 * Parses and validates one session line. Fails with
 * %TETHER_X2GO_ERROR_MALFORMED_OUTPUT, naming the bad field, when the line
 * does not have 16 or 14 fields or a field is not valid.
 *
 * Returns: (transfer full): a new session record, or %NULL on error
 *
 * Since: 0.1
 */
TetherX2goSessionInfo *
tether_x2go_session_info_new_from_line (const char *line, GError **error)
{
  static const guint fields[] = { TETHER_X2GO_LIST_FIELDS, TETHER_X2GO_LIST_SHADOW_FIELDS, 0 };
  TetherX2goSessionInfo *info;
  gsize len;
  char *copy;

  g_return_val_if_fail (line != NULL, NULL);
  g_return_val_if_fail (error == NULL || *error == NULL, NULL);

  len = strlen (line);
  if (len > 0 && line[len - 1] == '\n')
    len--;
  copy = g_strndup (line, len);
  if (strchr (copy, '\n') != NULL || strchr (copy, '\r') != NULL)
    {
      tether_x2go_set_malformed (error, "x2golistsessions", 1,
                                 "line break inside a session line");
      info = NULL;
    }
  else
    info = tether_x2go_session_info_parse_line (copy, fields, "x2golistsessions", 1, error);
  tether_x2go_free_wiped (g_steal_pointer (&copy));
  return info;
}

/**
 * tether_x2go_session_info_ref:
 * @info: a session record
 *
 * Returns: (transfer full): @info, with one more reference
 *
 * Since: 0.1
 */
TetherX2goSessionInfo *
tether_x2go_session_info_ref (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  g_atomic_ref_count_inc (&info->ref_count);
  return info;
}

/**
 * tether_x2go_session_info_unref:
 * @info: (transfer full): a session record
 *
 * Drops one reference; the last one frees @info.
 *
 * Since: 0.1
 */
void
tether_x2go_session_info_unref (TetherX2goSessionInfo *info)
{
  g_return_if_fail (info != NULL);
  if (g_atomic_ref_count_dec (&info->ref_count))
    session_info_free (info);
}

/**
 * tether_x2go_session_info_get_name:
 * @info: a session record
 *
 * The session name (the session ID), e.g.
 * `jdoe-50-1700580000_stDXFCE_dp24`. Only `[A-Za-z0-9._@-]` characters.
 *
 * Returns: (transfer none): the session name
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_name (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->name;
}

/**
 * tether_x2go_session_info_get_agent_pid:
 * @info: a session record
 *
 * The process ID of the session's agent on the server.
 *
 * Returns: the PID, or 0 while the session is starting
 *
 * Since: 0.1
 */
guint
tether_x2go_session_info_get_agent_pid (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->agent_pid;
}

/**
 * tether_x2go_session_info_get_display:
 * @info: a session record
 *
 * Returns: the X display number of the session on the server (50 or more on
 *   a standard server)
 *
 * Since: 0.1
 */
guint
tether_x2go_session_info_get_display (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->display;
}

/**
 * tether_x2go_session_info_get_hostname:
 * @info: a session record
 *
 * Returns: (transfer none): the host name of the X2Go server that runs the
 *   session
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_hostname (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->hostname;
}

/**
 * tether_x2go_session_info_get_state:
 * @info: a session record
 *
 * Returns: the session's status in the server's session database
 *
 * Since: 0.1
 */
TetherX2goSessionState
tether_x2go_session_info_get_state (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, TETHER_X2GO_SESSION_STATE_FINISHED);
  return info->state;
}

/**
 * tether_x2go_session_info_get_creation_time:
 * @info: a session record
 *
 * When the session was created, as `YYYY-MM-DDTHH:MM:SS` in the server's
 * local time (the server gives no time zone).
 *
 * Returns: (transfer none): the creation time
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_creation_time (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->creation_time;
}

/**
 * tether_x2go_session_info_get_cookie:
 * @info: a session record
 *
 * The session's authentication cookie (32 hex digits), passed to nxproxy.
 *
 * Returns: (transfer none) (nullable): the cookie, or %NULL while the
 *   session is starting
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_cookie (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->cookie;
}

/**
 * tether_x2go_session_info_get_client_address:
 * @info: a session record
 *
 * The numeric IP address of the client that started or last resumed the
 * session, as the server saw it.
 *
 * Returns: (transfer none) (nullable): the address, or %NULL while the
 *   session is starting
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_client_address (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->client_address;
}

/**
 * tether_x2go_session_info_get_graphics_port:
 * @info: a session record
 *
 * The port on the server's loopback where the agent waits for nxproxy.
 *
 * Returns: the port, or 0 while the session is starting
 *
 * Since: 0.1
 */
guint16
tether_x2go_session_info_get_graphics_port (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->graphics_port;
}

/**
 * tether_x2go_session_info_get_sound_port:
 * @info: a session record
 *
 * The server loopback port of the sound reverse tunnel.
 *
 * Returns: the port, or 0 while the session is starting
 *
 * Since: 0.1
 */
guint16
tether_x2go_session_info_get_sound_port (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->sound_port;
}

/**
 * tether_x2go_session_info_get_last_change_time:
 * @info: a session record
 *
 * When the session's status last changed (for a suspended session: when it
 * was suspended), as `YYYY-MM-DDTHH:MM:SS` in the server's local time.
 *
 * Returns: (transfer none): the time of the last status change
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_last_change_time (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->last_change_time;
}

/**
 * tether_x2go_session_info_get_username:
 * @info: a session record
 *
 * Returns: (transfer none): the server user who owns the session
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_username (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->username;
}

/**
 * tether_x2go_session_info_get_age:
 * @info: a session record
 *
 * Seconds from the session's creation to the listing, by the server's clock.
 * It can be negative if the server's clock was set back.
 *
 * Returns: the age in seconds
 *
 * Since: 0.1
 */
gint64
tether_x2go_session_info_get_age (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->age;
}

/**
 * tether_x2go_session_info_get_sshfs_port:
 * @info: a session record
 *
 * The server loopback port of the folder-sharing (sshfs) reverse tunnel.
 *
 * Returns: the port, or 0 while the session is starting
 *
 * Since: 0.1
 */
guint16
tether_x2go_session_info_get_sshfs_port (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->sshfs_port;
}

/**
 * tether_x2go_session_info_get_telekinesis_control_port:
 * @info: a session record
 *
 * Returns: the Telekinesis control port, or 0 when Telekinesis is off (the
 *   server prints `-1` or nothing) or the line came from
 *   `x2golistshadowsessions`
 *
 * Since: 0.1
 */
guint16
tether_x2go_session_info_get_telekinesis_control_port (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->teki_ctrl_port;
}

/**
 * tether_x2go_session_info_get_telekinesis_data_port:
 * @info: a session record
 *
 * Returns: the Telekinesis data port, or 0 when Telekinesis is off
 *
 * Since: 0.1
 */
guint16
tether_x2go_session_info_get_telekinesis_data_port (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->teki_data_port;
}

/**
 * tether_x2go_session_info_get_session_type:
 * @info: a session record
 *
 * The session type, read from the session name
 * (`<user>-<display>-<time>_st<T><command>_dp<depth>`).
 *
 * Returns: the type, or %TETHER_X2GO_SESSION_TYPE_UNKNOWN when the name
 *   does not have that format
 *
 * Since: 0.1
 */
TetherX2goSessionType
tether_x2go_session_info_get_session_type (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, TETHER_X2GO_SESSION_TYPE_UNKNOWN);
  return info->name_ok ? info->parsed_name.type : TETHER_X2GO_SESSION_TYPE_UNKNOWN;
}

/**
 * tether_x2go_session_info_get_command:
 * @info: a session record
 *
 * The command part of the session name: what the session was started with,
 * as `x2gostartagent` recorded it (e.g. `XFCE`, `TERMINAL`, `xeyes`), with
 * characters outside `[A-Za-z0-9._@-]` removed by the server.
 *
 * Returns: (transfer none) (nullable): the command, or %NULL when the name
 *   does not have the standard format
 *
 * Since: 0.1
 */
const char *
tether_x2go_session_info_get_command (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return info->name_ok ? info->parsed_name.command : NULL;
}

/**
 * tether_x2go_session_info_get_color_depth:
 * @info: a session record
 *
 * Returns: the colour depth from the session name (`_dp24` gives 24), or 0
 *   when the name does not have the standard format
 *
 * Since: 0.1
 */
guint
tether_x2go_session_info_get_color_depth (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, 0);
  return info->name_ok ? info->parsed_name.depth : 0;
}

/**
 * tether_x2go_session_info_is_running:
 * @info: a session record
 *
 * Returns: whether the server lists the session as running (`R`)
 *
 * Since: 0.1
 */
gboolean
tether_x2go_session_info_is_running (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);
  return info->state == TETHER_X2GO_SESSION_STATE_RUNNING;
}

/**
 * tether_x2go_session_info_is_suspended:
 * @info: a session record
 *
 * Returns: whether the server lists the session as suspended (`S`)
 *
 * Since: 0.1
 */
gboolean
tether_x2go_session_info_is_suspended (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);
  return info->state == TETHER_X2GO_SESSION_STATE_SUSPENDED;
}

/**
 * tether_x2go_session_info_is_starting:
 * @info: a session record
 *
 * Whether the line is the start-up form, listed while `x2gostartagent` is
 * still creating the session: no agent PID, cookie or ports yet.
 *
 * Returns: %TRUE for a session that is still starting
 *
 * Since: 0.1
 */
gboolean
tether_x2go_session_info_is_starting (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, FALSE);
  return info->agent_pid == 0;
}

/**
 * tether_x2go_session_info_to_string:
 * @info: a session record
 *
 * Returns: (transfer full): the line the record was parsed from, without a
 *   newline
 *
 * Since: 0.1
 */
char *
tether_x2go_session_info_to_string (TetherX2goSessionInfo *info)
{
  g_return_val_if_fail (info != NULL, NULL);
  return g_strdup (info->line);
}
