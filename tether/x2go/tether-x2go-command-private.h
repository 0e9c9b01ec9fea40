/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * Builders of the remote command lines the X2Go client runs through the
 * server's shell (one SSH exec each; the runner adds its own begin/end
 * markers around them). Each returns the exact command line, or NULL and a
 * GError.
 *
 * Safety rules:
 * - every value that comes in as a string is first checked against an
 *   allow-list, then passed through g_shell_quote(), so it reaches the
 *   server command as exactly one argument whatever it contains;
 * - numbers, booleans and single-letter session types are formatted by the
 *   builder itself and are not quoted;
 * - bad values fail with TETHER_X2GO_ERROR_FAILED and a message naming the
 *   option and the value; RDP sessions (not built yet) fail with
 *   G_IO_ERROR_NOT_SUPPORTED.
 *
 * Argument orders follow x2goserver 4.1.0.3 (see docs: x2go-protocol.md
 * §4.6-§4.10).
 */

typedef struct {
  const char *geometry;      /* "<W>x<H>" or "fullscreen"; "maximize" must be
                                resolved to the work-area size by the caller */
  const char *link;          /* "modem" "isdn" "adsl" "wan" "lan" */
  const char *pack;          /* NX pack method, e.g. "16m-jpeg-9" */
  const char *cache_type;    /* NULL: "unix-kde" */
  guint       depth;         /* colour depth 8/15/16/24/32; 0: 24 */
  const char *kbd_layout;    /* NULL or "": "null" */
  const char *kbd_type;      /* "<model>/<layout>", "auto"; NULL or "": "null/null" */
  gboolean    set_kbd;       /* sent as 1 only when kbd_type is not null/null */
  char        session_type;  /* 'D' desktop, 'K' KDrive, 'R' rootless,
                                'P' published applications, 'S' shadow */
  const char *command;       /* the session command: a desktop or generic name
                                (KDE, GNOME, XFCE, TERMINAL, ...), XDMCP,
                                PUBLISHED, a shadow spec for 'S'
                                ("<0|1>XSHAD<user>XSHAD:<display>"), or a
                                command line such as "xterm -e top" */
  const char *clipboard;     /* "both" "server" "client" "none"; NULL: "both" */
  gboolean    xinerama;
  guint       dpi;           /* 0: not sent */
  const char *xdmcp_server;  /* host for command XDMCP; NULL: not sent */
} TetherX2goSessionParams;

/* "export HOSTNAME && x2golistsessions", or with the shadow listing too. */
char *tether_x2go_command_list_sessions     (gboolean with_shadow_sessions);
char *tether_x2go_command_list_desktops     (void);
char *tether_x2go_command_list_mounts       (const char *session_name, GError **error);
char *tether_x2go_command_feature_list      (void);
char *tether_x2go_command_feature           (const char *feature, GError **error);
char *tether_x2go_command_version           (void);
char *tether_x2go_command_get_apps          (void);

/* "[X2GO_XINERAMA=..] [X2GODPI=..] [X2GOXDMCP=..] x2gostartagent <10 args>"
 * (9 args for shadow sessions: no clipboard). */
char *tether_x2go_command_start_agent       (const TetherX2goSessionParams *params,
                                             GError                       **error);

/* "x2goresume-session <name> <geometry> <link> <pack> <kblayout> <kbtype>
 *  <setkbd> <clipboard> <True|False>"; uses the display-related fields of
 * @params only. */
char *tether_x2go_command_resume_session    (const char                    *session_name,
                                             const TetherX2goSessionParams *params,
                                             GError                       **error);

/* "[VAR='value' ...] setsid x2goruncommand <display> <agent pid> <name>
 *  <sound port> <cmd> <sound system> <type> 1>/dev/null 2>/dev/null & exit".
 * @env: NULL-terminated "NAME=value" list; NAME one of X2GO_SPOOLDIR,
 * X2GO_MIMEBOX, PULSE_CLIENTCONFIG and value an absolute path; or NULL.
 * @sound_system: "pulse" "esd" "arts" "none". Not for XDMCP or shadow
 * sessions (they run no command). */
char *tether_x2go_command_run_command       (guint                          display,
                                             guint                          agent_pid,
                                             const char                    *session_name,
                                             guint                          sound_port,
                                             const TetherX2goSessionParams *params,
                                             const char                    *sound_system,
                                             const char *const             *env,
                                             GError                       **error);

char *tether_x2go_command_suspend_session   (const char *session_name, GError **error);
char *tether_x2go_command_terminate_session (const char *session_name, GError **error);

/* Validators the session object can use before it builds anything. */
gboolean tether_x2go_check_geometry (const char *geometry, GError **error);
gboolean tether_x2go_check_link     (const char *link, GError **error);
gboolean tether_x2go_check_pack     (const char *pack, GError **error);

G_END_DECLS
