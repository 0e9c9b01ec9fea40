/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Parsers of X2Go server command output other than the session listings
 * (those are in tether-x2go-session-info-private.h). Text in, values or a
 * GError out; no I/O. Line rules as in tether-x2go-text-private.h: "\n"
 * line ends, the final newline required, NUL and CR refused, capped sizes.
 *
 * Where a command reports failure on stderr, the parser takes stderr too
 * and turns the documented failure forms into the matching
 * TETHER_X2GO_ERROR code; anything that is neither success nor a known
 * failure is TETHER_X2GO_ERROR_MALFORMED_OUTPUT.
 */

/* ---- x2golistsessions stderr --------------------------------------------- */

/* x2golistsessions prints nothing on stdout both when there are no sessions
 * and when it fails, so its stderr must be checked too: "Hostname of X2Go
 * Server is not set-up correctly" gives TETHER_X2GO_ERROR_COMMAND_FAILED,
 * "x2golistsessions: not found" gives NO_SERVER. Other stderr text is
 * noise (TRUE). Parse stdout with tether_x2go_parse_session_list(). */
gboolean tether_x2go_check_list_sessions_stderr (const char *err,
                                                 gsize       err_len,
                                                 GError    **error);

/* ---- x2gostartagent ------------------------------------------------------ */

typedef struct {
  guint    display;
  char    *cookie;           /* 32 hex digits */
  guint    agent_pid;
  char    *session_name;
  guint16  graphics_port;
  guint16  sound_port;
  guint16  sshfs_port;
  guint16  teki_ctrl_port;   /* 0 unless the 9-line Telekinesis form */
  guint16  teki_data_port;
} TetherX2goAgentInfo;

void     tether_x2go_agent_info_clear  (TetherX2goAgentInfo *info);

/* Success is exactly 7 lines (display, cookie, agent PID, session name,
 * graphics, sound and sshfs port) or 9 (plus two Telekinesis ports). With no
 * stdout, stderr decides: "ACCESS DENIED" (desktop sharing refused), "LIMIT"
 * (session limit) and the other x2gostartagent messages give
 * TETHER_X2GO_ERROR_STARTUP_FAILED; "command not found" gives NO_SERVER.
 * Note: a 9-line output cut after line 7 cannot be told from a 7-line one. */
gboolean tether_x2go_parse_start_agent (const char          *out,
                                        gsize                out_len,
                                        const char          *err,
                                        gsize                err_len,
                                        TetherX2goAgentInfo *info,
                                        GError             **error);

/* ---- x2goresume-session -------------------------------------------------- */

typedef struct {
  guint16 graphics_port;
  guint16 sound_port;
  guint16 sshfs_port;
  guint16 teki_ctrl_port;    /* 0 if not printed, empty or -1 */
  guint16 teki_data_port;
} TetherX2goResumeInfo;

/* Success: lines gr_port=N, sound_port=N, fs_port=N (each exactly once) and
 * optionally tekictrl_port=, tekidata_port=. stderr noise is ignored except
 * the failure forms: "ERROR: failed to resume session ..." and
 * "session <name> terminated" give TETHER_X2GO_ERROR_NO_SUCH_SESSION (the
 * server prints the old ports anyway in the first case); the suspend
 * time-out and port failures give STARTUP_FAILED; "not enough command line
 * arguments" gives COMMAND_FAILED. */
gboolean tether_x2go_parse_resume_session (const char           *out,
                                           gsize                 out_len,
                                           const char           *err,
                                           gsize                 err_len,
                                           TetherX2goResumeInfo *info,
                                           GError              **error);

/* ---- features and versions ----------------------------------------------- */

/* x2gofeaturelist: one feature name ([A-Z][A-Z0-9_]*) a line; blank lines
 * skipped. Returns a set (GHashTable of char* → the same char*). */
GHashTable *tether_x2go_parse_feature_list (const char *out, gsize out_len, GError **error);

/* x2gofeature NAME: "ok" → TRUE, "not available" → FALSE. */
gboolean    tether_x2go_parse_feature      (const char *out,
                                            gsize       out_len,
                                            gboolean   *available,
                                            GError    **error);

/* x2goversion: "component: version" lines → GHashTable char* → char*. */
GHashTable *tether_x2go_parse_version      (const char *out, gsize out_len, GError **error);

/* ---- desktops, mounts ---------------------------------------------------- */

typedef struct {
  char *user;
  guint display;
  gint  screen;   /* -1 when the line has no ".<screen>" */
} TetherX2goDesktop;

void       tether_x2go_desktop_free       (TetherX2goDesktop *desktop);
/* x2golistdesktops: "<user>@:<display>[.<screen>]" lines. Array of
 * TetherX2goDesktop (owned). */
GPtrArray *tether_x2go_parse_desktop_list (const char *out, gsize out_len, GError **error);

typedef struct {
  char *client_address;   /* numeric IP or host name; 127.0.0.1 for reverse tunnels */
  char *path;             /* absolute path on the server */
} TetherX2goMount;

void       tether_x2go_mount_free         (TetherX2goMount *mount);
/* x2golistmounts SESSION: "<client address>|<mount path>" lines, then
 * possibly an empty line. Array of TetherX2goMount (owned). */
GPtrArray *tether_x2go_parse_mount_list   (const char *out, gsize out_len, GError **error);

/* ---- x2gogetapps ---------------------------------------------------------- */

typedef struct {
  /* The desktop-entry lines the server passed on (Name, Name[de], Comment,
   * Exec, Terminal, Categories, ...): key → value, both valid UTF-8. */
  GHashTable *fields;
  GBytes     *icon;       /* decoded icon file, or NULL */
} TetherX2goApp;

void       tether_x2go_app_free           (TetherX2goApp *app);
/* x2gogetapps: "<desktop>" ... "</desktop>" blocks of KEY=VALUE lines and at
 * most one "<icon>" ... "</icon>" base64 block each. Array of TetherX2goApp. */
GPtrArray *tether_x2go_parse_apps         (const char *out, gsize out_len, GError **error);

G_END_DECLS
