/* SPDX-License-Identifier: LGPL-2.1-or-later */
#pragma once

#if !defined(TETHER_INSIDE) && !defined(TETHER_COMPILATION)
#error "Only <tether/tether.h> can be included directly."
#endif

#include <gio/gio.h>
#include "tether-version.h"

G_BEGIN_DECLS

/**
 * TetherX2goSessionPhase:
 * @TETHER_X2GO_SESSION_PHASE_REGISTERED: registered with a
 *   [class@X2goClient], not connected to its server
 * @TETHER_X2GO_SESSION_PHASE_CONNECTING: the SSH connection is being set up
 * @TETHER_X2GO_SESSION_PHASE_CONNECTED: connected; no server-side session
 *   is associated yet (or any more)
 * @TETHER_X2GO_SESSION_PHASE_STARTING: a new server-side session is being
 *   started
 * @TETHER_X2GO_SESSION_PHASE_RESUMING: a server-side session is being
 *   resumed
 * @TETHER_X2GO_SESSION_PHASE_RUNNING: the server lists the session as running
 *   (`R`); whether this client shows it is [property@X2goSession:attached]
 * @TETHER_X2GO_SESSION_PHASE_SUSPENDED: the server lists the session as
 *   suspended (`S`)
 * @TETHER_X2GO_SESSION_PHASE_TERMINATED: the session ended: terminated by
 *   this client or elsewhere, or gone from the server's listing
 * @TETHER_X2GO_SESSION_PHASE_FAILED: starting or resuming failed; the error
 *   went to the operation's callback
 *
 * Where one registered X2Go session is in its life:
 * registered → connecting → connected → starting/resuming → running →
 * suspended/terminated, or failed. Disconnecting goes back to registered.
 */
typedef enum {
  TETHER_X2GO_SESSION_PHASE_REGISTERED,
  TETHER_X2GO_SESSION_PHASE_CONNECTING,
  TETHER_X2GO_SESSION_PHASE_CONNECTED,
  TETHER_X2GO_SESSION_PHASE_STARTING,
  TETHER_X2GO_SESSION_PHASE_RESUMING,
  TETHER_X2GO_SESSION_PHASE_RUNNING,
  TETHER_X2GO_SESSION_PHASE_SUSPENDED,
  TETHER_X2GO_SESSION_PHASE_TERMINATED,
  TETHER_X2GO_SESSION_PHASE_FAILED,
} TetherX2goSessionPhase;

/**
 * TETHER_X2GO_TYPE_SESSION:
 *
 * The #GType of [class@X2goSession].
 */
#define TETHER_X2GO_TYPE_SESSION (tether_x2go_session_get_type ())

TETHER_AVAILABLE_IN_0_1
G_DECLARE_FINAL_TYPE (TetherX2goSession, tether_x2go_session, TETHER_X2GO, SESSION, GObject)

TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_get_uuid          (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_get_profile_name  (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_get_server        (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_get_port          (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_get_username      (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
const char            *tether_x2go_session_get_session_name  (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
TetherX2goSessionPhase tether_x2go_session_get_phase         (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
gboolean               tether_x2go_session_get_connected     (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
gboolean               tether_x2go_session_get_attached      (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_get_display       (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_get_graphics_port (TetherX2goSession *self);
TETHER_AVAILABLE_IN_0_1
guint                  tether_x2go_session_get_local_port    (TetherX2goSession *self);

G_END_DECLS
