/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#include <gio/gio.h>

G_BEGIN_DECLS

/*
 * TetherX2goNxproxy: the client-side NX proxy of one attached session
 * (x2go-protocol.md §7.2): `nxproxy -S nx/nx,retry=5,composite=1,
 * connect=127.0.0.1,clipboard=1,cookie=<cookie>,port=<local port>,
 * errors=<dir>/session.err:<server display>`, spawned with GSubprocess from an
 * argv array, environment NX_CLIENT=/bin/true, NX_ROOT and DISPLAY, stdout and
 * stderr appended to <dir>/session.log, its life watched with
 * g_subprocess_wait_async. With use_options_file the option string goes into
 * <dir>/options (g_file_set_contents) and the command line is
 * `nxproxy -S nx/nx,options=<dir>/options:<display>` (§7.3).
 *
 * Signal (on the owner context):
 *   void exited (gboolean expected, int exit_code, int term_signal)
 *     nxproxy ended. @expected is TRUE after tether_x2go_nxproxy_stop() or
 *     tether_x2go_nxproxy_expect_exit(). @exit_code is -1 when it was killed
 *     by @term_signal.
 */

typedef struct {
  const char *program;         /* "nxproxy" (looked up in PATH) or a path */
  const char *session_dir;     /* <sessions root>/S-<session name>; made 0700 */
  const char *nx_root;         /* NX_ROOT; made 0700 */
  const char *display;         /* the local X display (DISPLAY) */
  const char *cookie;          /* 32 hex digits */
  guint       local_port;      /* the forward's local port on 127.0.0.1 */
  guint       server_display;  /* the session's display number on the server */
  gboolean    use_options_file;
} TetherX2goNxproxyParams;

/* The "nx/nx,...:<display>" option string, or NULL and an error when a value
 * would break its syntax (a ',', ':' or '=' in a path, a bad cookie). */
char  *tether_x2go_nxproxy_build_options (const TetherX2goNxproxyParams *params,
                                          GError                       **error);
/* The whole argv (program first), NULL-terminated. With use_options_file the
 * -S argument names the options file instead of carrying the options. */
char **tether_x2go_nxproxy_build_argv    (const TetherX2goNxproxyParams *params,
                                          const char                    *program_path,
                                          GError                       **error);

#define TETHER_X2GO_TYPE_NXPROXY (tether_x2go_nxproxy_get_type ())
G_DECLARE_FINAL_TYPE (TetherX2goNxproxy, tether_x2go_nxproxy, TETHER_X2GO, NXPROXY, GObject)

/* Creates the directories, writes the options file if asked, and spawns
 * nxproxy. The new object is running on success. */
TetherX2goNxproxy *tether_x2go_nxproxy_start       (const TetherX2goNxproxyParams *params,
                                                    GError                       **error);
gboolean           tether_x2go_nxproxy_is_running  (TetherX2goNxproxy *self);
const char        *tether_x2go_nxproxy_get_pid     (TetherX2goNxproxy *self);
/* The next exit is expected (the server is about to drop the session). */
void               tether_x2go_nxproxy_expect_exit (TetherX2goNxproxy *self);
/* SIGTERM (and SIGKILL after a grace period); "exited" still fires. */
void               tether_x2go_nxproxy_stop        (TetherX2goNxproxy *self);

/* Removes <sessions root>/S-<name> and what Tether and nxproxy wrote in it,
 * without following symbolic links. Best effort; failures are logged. */
void               tether_x2go_nxproxy_remove_session_dir (const char *session_dir);

G_END_DECLS
